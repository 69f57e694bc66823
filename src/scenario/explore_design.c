/* src/scenario/explore_design.c — the explorer's designs and summaries
 * (scenario layer, no I/O): which values point i takes (grid, random,
 * Latin hypercube), and from the evaluated points the Pareto front, the
 * best point per objective and the sensitivity of each objective to each
 * varied field. Definitions and equations: docs/explore.md §2, §4, §5. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/explore.h"
#include "gigawatt/stats.h"

const gw_explore_metric_info gw_explore_metrics[GW_XM_COUNT] = {
    [GW_XM_TPS_PER_MW_GRID] = {"tokens_per_s_per_mw_grid", "tokens/s per MW", "max",
                               "output tokens/s per MW of provisioned grid power"},
    [GW_XM_TPS_PER_MW_IT] = {"tokens_per_s_per_mw_it", "tokens/s per MW", "max",
                             "output tokens/s per MW of IT power at the serving point"},
    [GW_XM_TPS_PER_GPU] = {"tokens_per_s_per_gpu", "tokens/s", "max",
                           "output tokens/s per accelerator at the latency targets"},
    [GW_XM_USD_PER_MTOK] = {"usd_per_million_tokens", "USD", "min",
                            "cost per million output tokens, all costs in (plan model)"},
    [GW_XM_CAPEX_PER_GW] = {"capex_per_gw", "USD per GW", "min",
                            "capital cost per GW of provisioned grid power"},
    [GW_XM_ACCEL_PER_GW] = {"accelerators_per_gw", "accelerators per GW", "max",
                            "accelerators one GW of grid power holds"},
    [GW_XM_WATER_PER_MWH] = {"water_l_per_mwh", "L per MWh", "min",
                             "site water per MWh drawn at the meter"},
    [GW_XM_PUE] = {"pue", "", "min", "annual grid energy / IT energy"},
    [GW_XM_RACK_KW] = {"rack_power_kw", "kW", "min", "IT power of one rack at full load"},
    [GW_XM_J_PER_TOKEN] = {"joules_per_token", "J", "min",
                           "grid energy per output token at the serving point"},
    [GW_XM_TTFT] = {"ttft_s", "s", "min", "time to first token at the serving point"},
    [GW_XM_TPOT] = {"tpot_s", "s", "min", "time per output token at the serving point"},
    [GW_XM_USD_PER_GPU_HOUR] = {"usd_per_gpu_hour", "USD", "min",
                                "full cost of one accelerator-hour (plan model)"},
    [GW_XM_TRAIN_DAYS] = {"train_days", "days", "min",
                          "wall days of the training: run, interruptions included"},
    [GW_XM_TRAIN_USD] = {"train_usd", "USD", "min",
                         "cost of the training: run at the plan's cost per accelerator-hour"},
    [GW_XM_TRAIN_MWH] = {"train_grid_mwh", "MWh", "min",
                         "grid energy of the training: run"},
};

void gw_explore_spec_free(gw_explore_spec *s)
{
    free(s->lhs_perm);
    s->lhs_perm = NULL;
}

void gw_explore_result_free(gw_explore_result *r)
{
    free(r->points);
    free(r->front);
    memset(r, 0, sizeof *r);
}

/* SplitMix64 (Steele, Lea & Flood, OOPSLA 2014): a counter-based stream,
 * so point i's draw depends on (seed, i, field) alone, whatever thread or
 * rank computes it. */
static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double uniform(unsigned long long seed, long long i, int j, int purpose)
{
    uint64_t h = mix64(seed ^ mix64((uint64_t)i * 0x100000001b3ULL + (uint64_t)j * 131 +
                                    (uint64_t)purpose * 0x51ed27));
    return (double)(h >> 11) * (1.0 / 9007199254740992.0); /* [0, 1) */
}

/* A value u in [0, 1) as field v's x: a level index for lists, a value
 * in [low, high] for ranges. */
static double from_unit(const gw_explore_var *v, double u)
{
    if (!v->is_range) {
        int k = (int)(u * v->nlevels);
        return k < v->nlevels ? k : v->nlevels - 1;
    }
    return v->low + (v->high - v->low) * u;
}

void gw_explore_params(const gw_explore_spec *s, long long i, double *x)
{
    long long rest = i;
    for (int j = s->nvary - 1; j >= 0 && s->design == GW_EXPLORE_GRID; j--) {
        /* the last field varies fastest */
        x[j] = (double)(rest % s->vary[j].nlevels);
        rest /= s->vary[j].nlevels;
    }
    for (int j = 0; j < s->nvary && s->design != GW_EXPLORE_GRID; j++) {
        double u = uniform(s->seed, i, j, 1);
        if (s->design == GW_EXPLORE_LHS) /* stratum perm[i][j] of npoints, jittered */
            u = (s->lhs_perm[i * s->nvary + j] + u) / (double)s->npoints;
        x[j] = from_unit(&s->vary[j], u);
    }
}

/* A range's level k of steps: low + (high - low) k / (steps - 1). */
static double range_level(const gw_explore_var *v, int k)
{
    return v->steps > 1 ? v->low + (v->high - v->low) * k / (v->steps - 1) : v->low;
}

/* x as the value a range field takes (grid: its level's value). */
static double range_value(const gw_explore_spec *s, const gw_explore_var *v, double x)
{
    return s->design == GW_EXPLORE_GRID ? range_level(v, (int)x) : x;
}

double gw_explore_range_value(const gw_explore_spec *s, int j, double x)
{
    return range_value(s, &s->vary[j], x);
}

void gw_explore_value_text(const gw_explore_spec *s, int j, double x, char *buf, size_t n)
{
    const gw_explore_var *v = &s->vary[j];
    if (!v->is_range)
        snprintf(buf, n, "%s", v->levels[(int)x]);
    else
        snprintf(buf, n, "%.10g%s%s", range_value(s, v, x), v->unit[0] ? " " : "", v->unit);
}

/* ---- summaries ---------------------------------------------------------------------- */

/* Objective k of a point, signed so that larger is better. */
static double signed_objective(const gw_explore_spec *s, const gw_explore_point *p, int k)
{
    double v = p->m[s->obj[k].metric];
    return s->obj[k].maximise ? v : -v;
}

static int front_and_best(const gw_explore_spec *s, gw_explore_result *r, gw_error *err)
{
    size_t n = (size_t)r->n, k = (size_t)s->nobj;
    double *v = malloc(sizeof(double) * (n ? n : 1) * k);
    unsigned char *ok = malloc(n ? n : 1);
    r->front = malloc(sizeof(size_t) * (n ? n : 1));
    if (!v || !ok || !r->front) {
        free(v);
        free(ok);
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    r->nfeasible = 0;
    for (int q = 0; q < s->nobj; q++)
        r->best[q] = -1;
    for (size_t i = 0; i < n; i++) {
        const gw_explore_point *p = &r->points[i];
        ok[i] = (unsigned char)p->feasible;
        for (size_t q = 0; q < k; q++) {
            v[i * k + q] = signed_objective(s, p, (int)q);
            ok[i] &= !isnan(v[i * k + q]);
        }
        r->nfeasible += ok[i];
        for (size_t q = 0; ok[i] && q < k; q++) /* ties: the lowest index */
            if (r->best[q] < 0 || v[i * k + q] > v[(size_t)r->best[q] * k + q])
                r->best[q] = (long long)i;
    }
    size_t f = gw_pareto_front(v, n, (int)k, ok, r->front);
    free(v);
    free(ok);
    if (f == (size_t)-1)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    r->nfront = f;
    return GW_OK;
}

#define SENS_BINS 8 /* a range under random/LHS: equal-width bins */

/* The bin of field j's x: its level (lists, grid), else one of SENS_BINS. */
static int level_of(const gw_explore_spec *s, int j, double x)
{
    const gw_explore_var *v = &s->vary[j];
    if (!v->is_range || s->design == GW_EXPLORE_GRID)
        return (int)x;
    double w = v->high - v->low;
    int b = w > 0 ? (int)((x - v->low) / w * SENS_BINS) : 0;
    return b < 0 ? 0 : b >= SENS_BINS ? SENS_BINS - 1 : b;
}

/* S = (max_l mean_l - min_l mean_l) / |mean| over the feasible points. */
static double sensitivity(const gw_explore_spec *s, const gw_explore_result *r, int j, int q)
{
    double sum[GW_EXPLORE_MAX_LEVELS] = {0}, all = 0;
    long long cnt[GW_EXPLORE_MAX_LEVELS] = {0}, nall = 0;
    int metric = s->obj[q].metric;
    for (long long i = 0; i < r->n; i++) {
        const gw_explore_point *p = &r->points[i];
        if (!p->feasible || isnan(p->m[metric]))
            continue;
        int l = level_of(s, j, p->x[j]);
        sum[l] += p->m[metric], cnt[l]++;
        all += p->m[metric], nall++;
    }
    double lo = INFINITY, hi = -INFINITY;
    int levels = 0;
    for (int l = 0; l < GW_EXPLORE_MAX_LEVELS; l++)
        if (cnt[l]) {
            double mean = sum[l] / (double)cnt[l];
            lo = mean < lo ? mean : lo, hi = mean > hi ? mean : hi;
            levels++;
        }
    double mean = nall ? all / (double)nall : NAN;
    if (levels < 2 || !(fabs(mean) > 0))
        return NAN;
    return (hi - lo) / fabs(mean);
}

int gw_explore_summarise(const gw_explore_spec *s, gw_explore_result *r, gw_error *err)
{
    int rc = front_and_best(s, r, err);
    for (int q = 0; q < s->nobj && rc == GW_OK; q++) {
        for (int j = 0; j < s->nvary; j++) {
            r->sens[q][j] = sensitivity(s, r, j, q);
            r->rank[q][j] = j;
        }
        /* insertion sort, descending, NaN last, ties by field order */
        for (int a = 1; a < s->nvary; a++)
            for (int b = a; b > 0; b--) {
                double x = r->sens[q][r->rank[q][b]], y = r->sens[q][r->rank[q][b - 1]];
                int before = !isnan(x) && (isnan(y) || x > y);
                if (!before)
                    break;
                int t = r->rank[q][b];
                r->rank[q][b] = r->rank[q][b - 1], r->rank[q][b - 1] = t;
            }
    }
    return rc;
}

/* LHS (McKay, Beckman & Conover, Technometrics 1979): field j's N strata
 * in an order of its own, a Fisher-Yates shuffle from the seed's stream. */
int gw_explore_prepare(gw_explore_spec *s, gw_error *err)
{
    s->lhs_perm = NULL;
    if (s->design != GW_EXPLORE_LHS)
        return GW_OK;
    size_t n = (size_t)s->npoints, k = (size_t)s->nvary;
    if (!(s->lhs_perm = malloc(sizeof(int) * n * k)))
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t j = 0; j < k; j++) {
        for (size_t i = 0; i < n; i++)
            s->lhs_perm[i * k + j] = (int)i;
        for (size_t i = n; i > 1; i--) {
            size_t r = (size_t)(uniform(s->seed, (long long)i, (int)j, 2) * (double)i);
            int t = s->lhs_perm[(i - 1) * k + j];
            s->lhs_perm[(i - 1) * k + j] = s->lhs_perm[r * k + j];
            s->lhs_perm[r * k + j] = t;
        }
    }
    return GW_OK;
}
