/* src/risk/aggregate.c — from draw records to what a planner reads
 * (engines layer): percentiles per quarter and of the totals, expected costs
 * of too little and too much, the build level that minimises the expected
 * total cost, histograms and the tornado. Equations: docs/risk.md §3-4.
 *
 * Every statistic is a function of the draws taken in index order (sums run
 * from draw 0 up, percentiles are order statistics), so the bytes of a
 * result do not depend on threads, ranks or a resume; threads here only
 * split independent series. */
#include <math.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/risk.h"
#include "gigawatt/stats.h"

const char *const gw_risk_series_names[GW_RISK_NSERIES] = {
    "capacity", "demand", "shortfall", "idle", "rental_usd", "cash_usd"};

/* ---- order statistics ------------------------------------------------------------ */

/* Hoare's selection with a median-of-three pivot: afterwards a[k] is the
 * k-th smallest, everything left of it <= a[k] <= everything right of it. */
static void select_k(double *a, size_t n, size_t k)
{
    ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;
    while (hi > lo) {
        double x = a[lo], y = a[lo + (hi - lo) / 2], z = a[hi];
        double piv = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        ptrdiff_t i = lo, j = hi;
        while (i <= j) {
            while (a[i] < piv)
                i++;
            while (a[j] > piv)
                j--;
            if (i <= j) {
                double t = a[i];
                a[i] = a[j], a[j] = t;
                i++, j--;
            }
        }
        /* now a[lo..j] <= piv <= a[i..hi], and j < i */
        if (kk <= j)
            hi = j;
        else if (kk >= i)
            lo = i;
        else
            return; /* j < k < i: a[k] is the pivot */
    }
}

/* Percentile p of a[0..n), type 7 (gigawatt/stats.h), by selection instead
 * of a sort. Reorders a. */
static double percentile(double *a, size_t n, double p)
{
    size_t lo;
    double frac = gw_stats_quantile_rank(n, p, &lo);
    select_k(a, n, lo);
    double v = a[lo], next = v;
    if (lo + 1 < n && frac > 0) {
        next = a[lo + 1];
        for (size_t i = lo + 2; i < n; i++) /* the smallest above a[lo] */
            if (a[i] < next)
                next = a[i];
    }
    return gw_stats_interp(v, next, frac);
}

/* a[lo..hi) holds exactly the order statistics lo..hi-1 (after earlier
 * selections); put the k-th in place and return it and the (k+1)-th, which
 * is the smallest to its right, or a[hi] (already in place) at the edge. */
static void order_pair(double *a, size_t lo, size_t hi, size_t n, size_t k, double *vk,
                       double *vk1)
{
    select_k(a + lo, hi - lo, k - lo);
    *vk = a[k];
    double next = k + 1 < hi ? a[k + 1] : hi < n ? a[hi] : a[k];
    for (size_t i = k + 2; i < hi; i++)
        if (a[i] < next)
            next = a[i];
    *vk1 = next;
}

/* P5, P50, P95 (type 7, as percentile()) and the mean of a[0..n), which it
 * reorders: the median splits the array, and P5 and P95 are selected in
 * their halves only (about 2 passes instead of 4.5). */
static gw_risk_stats stats(double *a, size_t n)
{
    gw_risk_stats s;
    double sum = 0;
    for (size_t i = 0; i < n; i++) /* in draw order, before selection reorders */
        sum += a[i];
    s.mean = sum / (double)n;
    size_t k5, k50, k95;
    double f5 = gw_stats_quantile_rank(n, 0.05, &k5), f50 = gw_stats_quantile_rank(n, 0.5, &k50),
           f95 = gw_stats_quantile_rank(n, 0.95, &k95);
    if (n < 64 || k5 >= k50 || k95 <= k50) { /* small: the plain way */
        s.p50 = percentile(a, n, 0.50);
        s.p5 = percentile(a, n, 0.05);
        s.p95 = percentile(a, n, 0.95);
        return s;
    }
    double v, v1;
    order_pair(a, 0, n, n, k50, &v, &v1);
    s.p50 = gw_stats_interp(v, v1, f50);
    order_pair(a, 0, k50, n, k5, &v, &v1);
    s.p5 = gw_stats_interp(v, v1, f5);
    order_pair(a, k50 + 1, n, n, k95, &v, &v1);
    s.p95 = gw_stats_interp(v, v1, f95);
    return s;
}

/* ---- ranks (Spearman) -------------------------------------------------------------- */

/* scratch of the rank sort: keys and draws, twice n each, and the counts */
typedef struct rank_scratch {
    uint64_t *key;
    size_t *draw;
    size_t *count; /* GW_STATS_RADIX_BINS */
} rank_scratch;

/* Ranks 1..n, ties sharing their average rank. The draws are sorted by the
 * radix sort of gigawatt/stats.h (stable, so equal values stay in draw
 * order): a few ms for 10^5 draws where qsort took 15. -0 is keyed as +0,
 * so zeros of either sign tie. */
static void ranks(const double *v, size_t stride, size_t n, double *r, rank_scratch *sc)
{
    uint64_t *key = sc->key;
    size_t *draw = sc->draw;
    for (size_t i = 0; i < n; i++) {
        double x = v[i * stride];
        key[i] = gw_stats_order_key(x == 0 ? 0.0 : x);
        draw[i] = i;
    }
    gw_stats_radix_sort(key, draw, n, key + n, draw + n, sc->count);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && key[j + 1] == key[i])
            j++;
        double avg = 0.5 * (double)(i + j) + 1;
        for (size_t m = i; m <= j; m++)
            r[draw[m]] = avg;
        i = j + 1;
    }
}

static double pearson(const double *x, const double *y, size_t n)
{
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; i++)
        mx += x[i], my += y[i];
    mx /= (double)n, my /= (double)n;
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
        double dx = x[i] - mx, dy = y[i] - my;
        sxy += dx * dy, sxx += dx * dx, syy += dy * dy;
    }
    return sxx > 0 && syy > 0 ? sxy / sqrt(sxx * syy) : 0;
}

/* ---- per-quarter percentiles on threads --------------------------------------------- */

typedef struct qjob {
    const float *cols;
    size_t n;
    size_t lo, hi; /* columns */
    double *buf;
    gw_risk_stats *st;
} qjob;

static void *column_work(void *arg)
{
    qjob *j = arg;
    for (size_t c = j->lo; c < j->hi; c++) {
        const float *col = j->cols + c * j->n; /* column-major: contiguous */
        for (size_t d = 0; d < j->n; d++)
            j->buf[d] = col[d];
        j->st[c] = stats(j->buf, j->n);
    }
    return NULL;
}

int gw_risk_column_stats(const float *cols, size_t ncols, size_t n, int threads,
                         gw_risk_stats *st, gw_error *err)
{
    if (threads < 1)
        threads = 1;
    if (ncols == 0 || n == 0)
        return GW_OK;
    qjob *jobs = calloc((size_t)threads, sizeof *jobs);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    unsigned char *made = calloc((size_t)threads, 1);
    double *buf = malloc(sizeof(double) * n * (size_t)threads);
    if (!jobs || !tid || !made || !buf) {
        free(jobs), free(tid), free(made), free(buf);
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    /* each column is independent: threads share them out, results by index */
    for (int t = 0; t < threads; t++) {
        jobs[t] = (qjob){cols, n, ncols * (size_t)t / (size_t)threads,
                         ncols * (size_t)(t + 1) / (size_t)threads, buf + n * (size_t)t, st};
        if (t > 0 && pthread_create(&tid[t], NULL, column_work, &jobs[t]) == 0)
            made[t] = 1;
        else if (t > 0)
            column_work(&jobs[t]);
    }
    column_work(&jobs[0]);
    for (int t = 1; t < threads; t++)
        if (made[t])
            pthread_join(tid[t], NULL);
    free(jobs), free(tid), free(made), free(buf);
    return GW_OK;
}

/* ---- the tornado ------------------------------------------------------------------- */

static int cost_at(const gw_timeline_input *in, gw_timeline_result *res, double *cost,
                   gw_error *err)
{
    int rc = gw_timeline_run(in, res, err);
    if (rc == GW_OK)
        *cost = res->total_cost;
    return rc;
}

static int tornado(const gw_risk_plan *p, gw_risk_summary *s, gw_error *err)
{
    gw_timeline_input *in = malloc(sizeof *in);
    gw_timeline_result *res = malloc(sizeof *res);
    int rc = (!in || !res) ? gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory") : GW_OK;
    if (!rc) {
        *in = p->base;
        rc = cost_at(in, res, &s->base_cost, err);
    }
    for (int j = 0; j < p->ninputs && !rc; j++) {
        double *slot = (double *)(void *)((char *)in + p->offset[j]);
        s->torn_lo_x[j] = gw_uncertain_quantile(&p->dist[j], 0.1);
        s->torn_hi_x[j] = gw_uncertain_quantile(&p->dist[j], 0.9);
        *in = p->base;
        *slot = s->torn_lo_x[j];
        if ((rc = cost_at(in, res, &s->torn_lo[j], err)))
            break;
        *slot = s->torn_hi_x[j];
        rc = cost_at(in, res, &s->torn_hi[j], err);
    }
    free(in);
    free(res);
    if (rc)
        return rc;
    /* order by swing, largest first; equal swings keep input order */
    for (int j = 0; j < p->ninputs; j++)
        s->order[j] = j;
    for (int a = 1; a < p->ninputs; a++)
        for (int b = a; b > 0; b--) {
            int x = s->order[b - 1], y = s->order[b];
            double sx = fabs(s->torn_hi[x] - s->torn_lo[x]), sy = fabs(s->torn_hi[y] - s->torn_lo[y]);
            if (sy > sx) {
                s->order[b - 1] = y, s->order[b] = x;
            } else
                break;
        }
    return GW_OK;
}

/* ---- the whole summary ------------------------------------------------------------- */

void gw_risk_summary_free(gw_risk_summary *s)
{
    free(s->q);
    s->q = NULL;
}

/* The least-cost build level. Above the point where more orders only
 * queue, the expected costs of several levels agree to a rounding error,
 * and the argmin among them is arbitrary; so every level within
 * GW_RISK_LEVEL_TIE of the least ties, the smallest of them wins (more
 * capital for no expected gain is not "least cost"), and flat_lo..flat_hi
 * names the tied span so the output can say the curve is flat. */
void gw_risk_choose_level(const gw_risk_plan *p, gw_risk_summary *s)
{
    double least = INFINITY;
    for (int l = 0; l < p->nlevels; l++)
        least = fmin(least, s->level_too_little[l] + s->level_too_much[l]);
    int lo = -1, hi = -1;
    for (int l = 0; l < p->nlevels; l++) {
        double tot = s->level_too_little[l] + s->level_too_much[l];
        if (!(tot <= least + GW_RISK_LEVEL_TIE * fabs(least)))
            continue;
        if (lo < 0 || p->level[l] < p->level[lo])
            lo = l;
        if (hi < 0 || p->level[l] > p->level[hi])
            hi = l;
    }
    s->best_level = s->flat_lo = lo < 0 ? 0 : lo;
    s->flat_hi = hi < 0 ? 0 : hi;
}

int gw_risk_aggregate(const gw_risk_plan *p, const double *in, const double *out,
                      const float *series, int threads, gw_risk_summary *s, gw_error *err)
{
    memset(s, 0, sizeof *s);
    size_t n = (size_t)p->draws, no = (size_t)gw_risk_noutputs(p);
    size_t ni = (size_t)p->ninputs, ncol = (size_t)gw_risk_nseries(p);
    s->start_year = p->base.start_year, s->start_q = p->base.start_q;
    if (threads < 1)
        threads = 1;
    double *buf = malloc(sizeof(double) * n);
    double *r1 = malloc(sizeof(double) * n), *r2 = malloc(sizeof(double) * n);
    rank_scratch rs = {.key = malloc(sizeof(uint64_t) * 2 * n),
                       .draw = malloc(sizeof(size_t) * 2 * n),
                       .count = malloc(sizeof(size_t) * GW_STATS_RADIX_BINS)};
    s->q = calloc(ncol ? ncol : 1, sizeof *s->q);
    int rc = GW_OK;
    if (!buf || !r1 || !r2 || !rs.key || !rs.draw || !rs.count || !s->q) {
        rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    /* per-quarter series (NULL: the caller fills q, e.g. from MPI ranks) */
    if (series && (rc = gw_risk_column_stats(series, ncol, n, threads, s->q, err)))
        goto done;

    for (int k = 0; k < GW_RISK_NFIXED; k++) {
        for (size_t d = 0; d < n; d++)
            buf[d] = out[d * no + (size_t)k];
        s->total[k] = stats(buf, n);
    }
    long long nshort = 0, nidle = 0;
    for (size_t d = 0; d < n; d++) {
        nshort += out[d * no + GW_RISK_SHORTFALL] > 0;
        nidle += out[d * no + GW_RISK_IDLE] > 0;
    }
    s->p_short = (double)nshort / (double)n, s->p_idle = (double)nidle / (double)n;

    /* the cost curve over build levels: means in draw order, then the argmin */
    for (int l = 0; l < p->nlevels; l++) {
        double lit = 0, much = 0;
        for (size_t d = 0; d < n; d++) {
            const double *o = out + d * no + GW_RISK_NFIXED + 2 * l;
            lit += o[0], much += o[1];
            buf[d] = o[0] + o[1];
        }
        s->level_too_little[l] = lit / (double)n;
        s->level_too_much[l] = much / (double)n;
        s->level_p95[l] = percentile(buf, n, 0.95);
    }
    gw_risk_choose_level(p, s);

    /* histograms of the two costs at the planned build: 40 equal bins on [0, max] */
    for (int h = 0; h < 2; h++) {
        int k = h == 0 ? GW_RISK_TOO_LITTLE_USD : GW_RISK_TOO_MUCH_USD;
        double mx = 0;
        for (size_t d = 0; d < n; d++)
            mx = fmax(mx, out[d * no + (size_t)k]);
        s->hist_max[h] = mx;
        for (size_t d = 0; d < n; d++) {
            double v = out[d * no + (size_t)k];
            int b = mx > 0 ? (int)(v / mx * GW_RISK_HIST_BINS) : 0;
            b = b < 0 ? 0 : b >= GW_RISK_HIST_BINS ? GW_RISK_HIST_BINS - 1 : b;
            s->hist[h][b]++;
        }
    }

    /* rank correlation of each input with the total cost */
    ranks(out + GW_RISK_TOTAL_COST_USD, no, n, r2, &rs);
    for (size_t j = 0; j < ni; j++) {
        ranks(in + j, ni, n, r1, &rs);
        s->spearman[j] = pearson(r1, r2, n);
    }
    rc = tornado(p, s, err);
done:
    free(buf);
    free(r1);
    free(r2);
    free(rs.key);
    free(rs.draw);
    free(rs.count);
    if (rc)
        gw_risk_summary_free(s);
    return rc;
}
