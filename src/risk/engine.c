/* src/risk/engine.c — the Monte Carlo over the build-out timeline (engines
 * layer): the risk: section, the copula, the draws on threads. Contract:
 * include/gigawatt/risk.h; method and equations: docs/risk.md.
 *
 * A draw is a pure function of (plan, i): its normals come from the Philox
 * stream (seed, i, GW_RISK_STREAM), are mixed by the Cholesky factor, mapped
 * through each input's quantile function, written into a copy of the base
 * timeline input, and the timeline is run once at the draw's build level
 * and once per grid level (common random numbers: every level sees the same
 * world). Threads only split the index range; they share nothing writable. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/des.h"
#include "gigawatt/risk.h"

/* ---- the risk: section ----------------------------------------------------------- */

static const double default_levels[] = {0.5,   0.625, 0.75, 0.875, 1.0,  1.125, 1.25,
                                        1.375, 1.5,   1.75, 2.0};

static int find_input(const gw_risk_plan *p, const gw_timeline_params *ps, const gw_node *n,
                      int *out, gw_error *err)
{
    if (n->kind != GW_NODE_SCALAR)
        return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col,
                            "a correlation names %s; expected the name of an uncertain input",
                            gw_node_kind_name(n));
    for (int j = 0; j < p->ninputs; j++)
        if (strcmp(n->text, p->label[j]) == 0 || strcmp(n->text, p->path[j]) == 0) {
            *out = j;
            return GW_OK;
        }
    if (gw_timeline_param_find(ps, n->text))
        return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col,
                            "input '%.80s' in a correlation is not uncertain; expected an input "
                            "given as {dist: ...}",
                            n->text);
    const char *cands[2 * GW_RISK_MAX_INPUTS];
    size_t nc = 0;
    for (int j = 0; j < p->ninputs; j++) {
        cands[nc++] = p->label[j];
        if (strcmp(p->label[j], p->path[j]))
            cands[nc++] = p->path[j];
    }
    const char *sug = gw_suggest(n->text, cands, nc);
    if (sug)
        return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col,
                            "unknown input '%.80s' in a correlation; did you mean '%s'?",
                            n->text, sug);
    return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col,
                        "unknown input '%.80s' in a correlation; expected the name or path of "
                        "an input given as {dist: ...}%s%s",
                        n->text, p->ninputs ? ", e.g. " : " (the scenario has none)",
                        p->ninputs ? p->label[0] : "");
}

/* Has the pair (a, b) been given a rho already (rho: 0 included)? */
static int correlated(const gw_risk_plan *p, int a, int b)
{
    for (int q = 0; q < p->ncorr; q++)
        if ((p->corr_a[q] == a && p->corr_b[q] == b) || (p->corr_a[q] == b && p->corr_b[q] == a))
            return 1;
    return 0;
}

static int parse_correlations(gw_risk_plan *p, const gw_timeline_params *ps, const gw_node *cl,
                              gw_error *err)
{
    if (cl->kind != GW_NODE_SEQ)
        return gw_error_set(err, GW_E_INPUT, cl->file, cl->line, cl->col,
                            "correlations is %s; expected a list of {between: [a, b], rho: X}",
                            gw_node_kind_name(cl));
    int k = p->ninputs, rc;
    double *c = calloc((size_t)(k ? k : 1) * (size_t)(k ? k : 1), sizeof *c);
    if (!c)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    for (int j = 0; j < k; j++)
        c[j * k + j] = 1;
    for (size_t i = 0; i < cl->nkids; i++) {
        const gw_node *it = cl->kids[i];
        rc = GW_OK;
        const gw_node *bt = it->kind == GW_NODE_MAP ? gw_node_get(it, "between") : NULL;
        const gw_node *rn = it->kind == GW_NODE_MAP ? gw_node_get(it, "rho") : NULL;
        if (!bt || !rn || bt->kind != GW_NODE_SEQ || bt->nkids != 2) {
            const gw_node *at = bt ? bt : it;
            rc = gw_error_set(err, GW_E_INPUT, at->file, at->line, at->col,
                              "a correlation is not {between: [a, b], rho: X}; expected two "
                              "input names and a rho");
        }
        for (size_t kk = 0; !rc && kk + 1 < it->nkids; kk += 2) {
            const gw_node *key = it->kids[kk];
            if (strcmp(key->text, "between") && strcmp(key->text, "rho"))
                rc = gw_error_set(err, GW_E_INPUT, key->file, key->line, key->col,
                                  "unknown key '%.40s' in a correlation; expected between and "
                                  "rho",
                                  key->text);
        }
        int a = -1, b = -1;
        double rho = 0;
        char *endp = NULL;
        if (!rc && !(rc = find_input(p, ps, bt->kids[0], &a, err)) &&
            !(rc = find_input(p, ps, bt->kids[1], &b, err)) &&
            !(rc = rn->kind == GW_NODE_SCALAR &&
                       (strtod(rn->text, &endp), endp != rn->text && *endp == 0)
                       ? gw_decode_quantity(rn, "rho", GW_DIM_NONE, 0, &rho, err)
                       : gw_error_set(err, GW_E_INPUT, rn->file, rn->line, rn->col,
                                      "rho is '%.40s'; expected a correlation between -1 "
                                      "and 1, a plain number",
                                      rn->kind == GW_NODE_SCALAR ? rn->text
                                                                 : gw_node_kind_name(rn)))) {
            if (a == b)
                rc = gw_error_set(err, GW_E_INPUT, bt->file, bt->line, bt->col,
                                  "a correlation of '%s' with itself; expected two different "
                                  "inputs",
                                  p->label[a]);
            else if (!(rho >= -1 && rho <= 1))
                rc = gw_error_set(err, GW_E_INPUT, rn->file, rn->line, rn->col,
                                  "rho is %.60s; expected a correlation between -1 and 1",
                                  rn->text);
            else if (correlated(p, a, b))
                rc = gw_error_set(err, GW_E_INPUT, it->file, it->line, it->col,
                                  "'%s' and '%s' are correlated twice; expected one rho per "
                                  "pair",
                                  p->label[a], p->label[b]);
        }
        if (!rc && p->ncorr >= GW_RISK_MAX_INPUTS * 2)
            rc = gw_error_set(err, GW_E_INPUT, it->file, it->line, it->col,
                              "more than %d correlations; expected fewer",
                              GW_RISK_MAX_INPUTS * 2);
        if (rc) {
            free(c);
            return rc;
        }
        c[a * k + b] = c[b * k + a] = rho;
        p->corr_a[p->ncorr] = a, p->corr_b[p->ncorr] = b, p->corr_rho[p->ncorr] = rho;
        p->ncorr++;
    }
    rc = k ? gw_cholesky(c, k, p->chol) : GW_OK;
    free(c);
    if (rc)
        return gw_error_set(err, GW_E_INPUT, cl->file, cl->line, cl->col,
                            "the correlations do not form a valid correlation matrix (not "
                            "positive definite); expected a consistent set, e.g. two inputs "
                            "both strongly tied to a third are tied to each other too");
    return GW_OK;
}

static int parse_risk_section(gw_risk_plan *p, const gw_timeline_params *ps, const gw_node *r,
                              gw_error *err)
{
    p->draws = 10000;
    p->seed = 1;
    p->nlevels = (int)(sizeof default_levels / sizeof default_levels[0]);
    memcpy(p->level, default_levels, sizeof default_levels);
    for (int j = 0; j < p->ninputs; j++)
        p->chol[j * p->ninputs + j] = 1;
    if (!r)
        return GW_OK;
    if (r->kind != GW_NODE_MAP)
        return gw_error_set(err, GW_E_INPUT, r->file, r->line, r->col,
                            "risk is %s; expected a mapping like {draws: 100000, seed: 7}",
                            gw_node_kind_name(r));
    static const char *const keys[] = {"draws", "seed", "build_levels", "correlations"};
    int rc;
    for (size_t i = 0; i + 1 < r->nkids; i += 2) {
        const gw_node *k = r->kids[i], *v = r->kids[i + 1];
        double x;
        if (strcmp(k->text, "draws") == 0) {
            if ((rc = gw_decode_quantity(v, "risk draws", GW_DIM_NONE,
                                         GW_F_POSITIVE | GW_F_INTEGER, &x, err)))
                return rc;
            if (x > GW_RISK_MAX_DRAWS)
                return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                                    "risk draws is %.40s; expected at most %d (each draw keeps "
                                    "its record in memory)",
                                    v->text, GW_RISK_MAX_DRAWS);
            p->draws = (long long)x;
        } else if (strcmp(k->text, "seed") == 0) {
            if ((rc = gw_decode_quantity(v, "risk seed", GW_DIM_NONE, GW_F_NONNEG | GW_F_INTEGER,
                                         &x, err)))
                return rc;
            p->seed = (unsigned long long)x;
        } else if (strcmp(k->text, "build_levels") == 0) {
            if (v->kind != GW_NODE_SEQ || v->nkids == 0 || v->nkids > GW_RISK_MAX_LEVELS)
                return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                                    "build_levels is not a list of 1 to %d numbers; expected "
                                    "multiples of the planned build, e.g. [0.5, 1, 1.5]",
                                    GW_RISK_MAX_LEVELS);
            p->nlevels = (int)v->nkids;
            for (int j = 0; j < p->nlevels; j++) {
                if ((rc = gw_decode_quantity(v->kids[j], "build level", GW_DIM_NONE,
                                             GW_F_POSITIVE, &p->level[j], err)))
                    return rc;
                if (j && !(p->level[j] > p->level[j - 1]))
                    return gw_error_set(err, GW_E_INPUT, v->kids[j]->file, v->kids[j]->line,
                                        v->kids[j]->col,
                                        "build level %.40s is not above the one before; "
                                        "expected increasing levels",
                                        v->kids[j]->text);
            }
        } else if (strcmp(k->text, "correlations") == 0) {
            if ((rc = parse_correlations(p, ps, v, err)))
                return rc;
        } else {
            const char *sug = gw_suggest(k->text, keys, 4);
            return gw_error_set(err, GW_E_INPUT, k->file, k->line, k->col,
                                "unknown key '%.60s' in risk; %s%s%s", k->text,
                                sug ? "did you mean '" : "expected draws, seed, build_levels "
                                                         "or correlations",
                                sug ? sug : "", sug ? "'?" : "");
        }
    }
    return GW_OK;
}

/* ---- the hash of what shapes a draw ------------------------------------------------ */

typedef struct fnv {
    uint64_t h;
} fnv;

static void fnv_bytes(fnv *f, const void *data, size_t n)
{
    const unsigned char *b = data;
    for (size_t i = 0; i < n; i++) {
        f->h ^= b[i];
        f->h *= 0x100000001B3ull;
    }
}

static void fnv_str(fnv *f, const char *s)
{
    fnv_bytes(f, s, strlen(s) + 1);
}

static void fnv_num(fnv *f, double v)
{
    char t[40];
    snprintf(t, sizeof t, "%.17g", v); /* text: no padding or byte order in the hash */
    fnv_str(f, t);
}

/* FNV-1a (Fowler, Noll, Vo) over a canonical text of every parameter, the
 * inputs' distributions and the risk settings: two runs with the same hash
 * draw the same worlds. */
static void plan_hash(gw_risk_plan *p, const gw_timeline_params *ps)
{
    fnv f = {0xCBF29CE484222325ull};
    const gw_timeline_input *b = &p->base;
    fnv_num(&f, b->start_year), fnv_num(&f, b->start_q), fnv_num(&f, b->quarters);
    fnv_num(&f, b->nproducts), fnv_num(&f, b->nruns), fnv_num(&f, b->nstages);
    fnv_num(&f, b->ncommitted), fnv_num(&f, b->shortfall);
    for (int i = 0; i < ps->n; i++) {
        fnv_str(&f, ps->p[i].name);
        gw_timeline_input tmp = *b;
        fnv_num(&f, *gw_timeline_param_ptr(&tmp, &ps->p[i]));
    }
    for (int j = 0; j < p->ninputs; j++) {
        const gw_uncertain *u = &p->dist[j];
        fnv_str(&f, p->path[j]);
        fnv_num(&f, u->kind), fnv_num(&f, u->a), fnv_num(&f, u->b), fnv_num(&f, u->c);
        for (int c = 0; c < u->nchoice; c++)
            fnv_num(&f, u->values[c]), fnv_num(&f, u->cum[c]);
    }
    for (int c = 0; c < p->ncorr; c++)
        fnv_num(&f, p->corr_a[c]), fnv_num(&f, p->corr_b[c]), fnv_num(&f, p->corr_rho[c]);
    fnv_num(&f, (double)p->draws), fnv_num(&f, (double)p->seed);
    for (int l = 0; l < p->nlevels; l++)
        fnv_num(&f, p->level[l]);
    snprintf(p->hash, sizeof p->hash, "%016llx", (unsigned long long)f.h);
}

int gw_risk_prepare(const gw_catalog *cat, const gw_node *root, gw_risk_plan *p, gw_error *err)
{
    memset(p, 0, sizeof *p);
    if (!gw_timeline_present(root))
        return gw_error_set(err, GW_E_INPUT, root->file, root->line, root->col,
                            "the scenario has no timeline: section; expected one for gigawatt "
                            "risk (docs/timeline.md)");
    gw_timeline_params *ps = malloc(sizeof *ps);
    if (!ps)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    int rc = gw_timeline_resolve(cat, root, &p->base, ps, err);
    for (int i = 0; !rc && i < ps->n; i++) {
        const gw_timeline_param *row = &ps->p[i];
        if (!row->is_dist || !row->node)
            continue;
        if (p->ninputs >= GW_RISK_MAX_INPUTS) {
            rc = gw_error_set(err, GW_E_INPUT, row->node->file, row->node->line, row->node->col,
                              "more than %d uncertain inputs; expected fewer",
                              GW_RISK_MAX_INPUTS);
            break;
        }
        int j = p->ninputs;
        gw_uncertain *u = &p->dist[j];
        if ((rc = gw_uncertain_parse(row->node, row->name, row->dim, row->flags, u, err)))
            break;
        snprintf(p->path[j], sizeof p->path[j], "%s", row->name);
        snprintf(p->label[j], sizeof p->label[j], "%s", u->name[0] ? u->name : row->name);
        for (int o = 0; o < j && !rc; o++)
            if (strcmp(p->label[o], p->label[j]) == 0 || strcmp(p->path[o], p->label[j]) == 0)
                rc = gw_error_set(err, GW_E_INPUT, row->node->file, row->node->line,
                                  row->node->col,
                                  "two uncertain inputs are named '%s'; expected distinct "
                                  "names",
                                  p->label[j]);
        p->offset[j] = row->offset;
        p->dim[j] = row->dim;
        /* the deterministic centre is the median, whatever resolve chose */
        *gw_timeline_param_ptr(&p->base, row) = gw_uncertain_median(u);
        p->ninputs++;
    }
    const gw_node *name = gw_node_get(root, "name");
    if (name && name->kind == GW_NODE_SCALAR)
        snprintf(p->name, sizeof p->name, "%s", name->text);
    if (!rc)
        rc = parse_risk_section(p, ps, gw_node_get(root, "risk"), err);
    if (!rc) {
        /* the median world must run: a bad deterministic input shows here,
         * not as the failure of draw 0 */
        gw_timeline_result *res = malloc(sizeof *res);
        if (!res)
            rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
        else
            rc = gw_timeline_run(&p->base, res, err);
        if (!rc)
            p->quarters = res->quarters;
        free(res);
    }
    if (!rc)
        plan_hash(p, ps);
    free(ps);
    return rc;
}

/* ---- one draw ------------------------------------------------------------------ */

static double sum_q(const double *v, int n)
{
    double s = 0;
    for (int t = 0; t < n; t++)
        s += v[t];
    return s;
}

/* The draw's inputs written into a copy of the base input. */
static void apply(const gw_risk_plan *p, gw_timeline_input *in, const double *x)
{
    *in = p->base;
    for (int j = 0; j < p->ninputs; j++) {
        double v = x[j];
        memcpy((char *)in + p->offset[j], &v, sizeof v);
    }
}

/* The fixed outputs and the per-quarter series of one timeline run. */
static void record(const gw_risk_plan *p, const gw_timeline_result *res, double *o, float *ser)
{
    int nq = res->quarters;
    o[GW_RISK_SHORTFALL] = sum_q(res->shortfall, nq);
    o[GW_RISK_IDLE] = sum_q(res->idle, nq);
    o[GW_RISK_RENTAL_USD] = res->total_rental;
    o[GW_RISK_CASH_USD] = res->final_cash;
    o[GW_RISK_TOO_LITTLE_USD] = res->cost_too_little;
    o[GW_RISK_TOO_MUCH_USD] = res->cost_too_much;
    o[GW_RISK_TOTAL_COST_USD] = res->total_cost;
    o[GW_RISK_MIN_CASH_USD] = res->min_cash;
    o[GW_RISK_SERVED_FRACTION] = res->served_fraction;
    o[GW_RISK_REVENUE_USD] = res->total_revenue;
    o[GW_RISK_CAPEX_USD] = res->total_capex;
    o[GW_RISK_LOST_REVENUE_USD] = res->total_lost_revenue;
    o[GW_RISK_RENTAL_PREMIUM_USD] = res->rental_premium;
    o[GW_RISK_THROTTLE_PENALTY_USD] = res->throttle_penalty;
    o[GW_RISK_QUARTERS_SHORT] = res->quarters_short;
    o[GW_RISK_PEAK_SHORTFALL] = res->peak_shortfall;
    const double *src[GW_RISK_NSERIES] = {res->capacity, res->demand, res->shortfall,
                                          res->idle,     res->rental, res->cash};
    for (int k = 0; k < GW_RISK_NSERIES; k++)
        for (int t = 0; t < p->quarters; t++)
            ser[k * p->quarters + t] = (float)(t < nq ? src[k][t] : 0);
}

static int one_draw(const gw_risk_plan *p, long long i, gw_timeline_input *in,
                    gw_timeline_result *res, double *x, double *o, float *ser, gw_error *err)
{
    int k = p->ninputs;
    double z0[GW_RISK_MAX_INPUTS];
    gw_rng r;
    gw_rng_init(&r, p->seed, (uint64_t)i, GW_RISK_STREAM);
    for (int j = 0; j < k; j++)
        z0[j] = gw_rng_normal(&r);
    for (int j = 0; j < k; j++) {
        /* z = L z0: correlated normal scores (the Gaussian copula) */
        double z = 0;
        const double *row = p->chol + (size_t)j * (size_t)k;
        for (int m = 0; m <= j; m++)
            z += row[m] * z0[m];
        x[j] = gw_uncertain_from_normal(&p->dist[j], z);
    }
    apply(p, in, x);
    /* the supply chain does not depend on the build level: once a draw */
    double lab[GW_TIMELINE_MAX_QUARTERS];
    int rc = GW_OK;
    if (in->chain_drives && (rc = gw_supply_check(&in->chain, err)) == GW_OK) {
        gw_supply_lab(&in->chain, lab);
        in->chain_lab = lab;
    }
    if (rc || (rc = gw_timeline_run(in, res, err))) {
        in->chain_lab = NULL;
        return rc;
    }
    record(p, res, o, ser);
    /* the same world at every build level (common random numbers) */
    double level0 = in->build_level;
    for (int l = 0; l < p->nlevels; l++) {
        if (p->level[l] == 1) { /* the run just made: the same input, bit for bit */
            o[GW_RISK_NFIXED + 2 * l] = o[GW_RISK_TOO_LITTLE_USD];
            o[GW_RISK_NFIXED + 2 * l + 1] = o[GW_RISK_TOO_MUCH_USD];
            continue;
        }
        in->build_level = level0 * p->level[l];
        if ((rc = gw_timeline_run(in, res, err)))
            break;
        o[GW_RISK_NFIXED + 2 * l] = res->cost_too_little;
        o[GW_RISK_NFIXED + 2 * l + 1] = res->cost_too_much;
    }
    in->chain_lab = NULL; /* lab[] ends here */
    return rc;
}

/* A stored draw's series again, from its inputs; its stored outputs must
 * be what this run gives, bit for bit. */
static int replay_one(const gw_risk_plan *p, long long row, gw_timeline_input *in,
                      gw_timeline_result *res, const double *x, const double *o, float *ser,
                      gw_error *err)
{
    double again[GW_RISK_NFIXED];
    apply(p, in, x);
    int rc = gw_timeline_run(in, res, err);
    if (rc)
        return rc;
    record(p, res, again, ser);
    if (memcmp(again, o, sizeof again) != 0)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "stored draw %lld does not match the timeline of this gigawatt and "
                            "catalog; expected a run written by this version",
                            row);
    return GW_OK;
}

typedef struct worker {
    const gw_risk_plan *p;
    int replay;           /* gw_risk_replay_draws: idx is NULL, rows are draws */
    const long long *idx;
    size_t lo, hi;
    double *in, *out;
    float *series;
    int rc;
    size_t failed_at; /* first failing row, for a deterministic error */
    gw_error err;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    const gw_risk_plan *p = w->p;
    gw_timeline_input *in = malloc(sizeof *in);
    gw_timeline_result *res = malloc(sizeof *res);
    size_t ni = (size_t)p->ninputs, no = (size_t)gw_risk_noutputs(p);
    size_t ns = (size_t)gw_risk_nseries(p);
    if (!in || !res) {
        w->rc = gw_error_set(&w->err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
        w->failed_at = w->lo;
    }
    for (size_t j = w->lo; j < w->hi && !w->rc; j++) {
        if (w->replay)
            w->rc = replay_one(p, (long long)j, in, res, w->in + j * ni, w->out + j * no,
                               w->series + j * ns, &w->err);
        else
            w->rc = one_draw(p, w->idx[j], in, res, w->in + j * ni, w->out + j * no,
                             w->series + j * ns, &w->err);
        if (w->rc)
            w->failed_at = j;
    }
    free(in);
    free(res);
    return NULL;
}

static int run_workers(const gw_risk_plan *p, int replay, const long long *idx, size_t n,
                       int threads, double *in, double *out, float *series, gw_error *err)
{
    if (threads < 1)
        threads = 1;
    if ((size_t)threads > n)
        threads = n ? (int)n : 1;
    worker *w = calloc((size_t)threads, sizeof *w);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    if (!w || !tid) {
        free(w);
        free(tid);
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    unsigned char *made = calloc((size_t)threads, 1);
    for (int t = 0; t < threads; t++) {
        w[t] = (worker){p, replay, idx, n * (size_t)t / (size_t)threads,
                        n * (size_t)(t + 1) / (size_t)threads, in, out, series, 0, 0, {0}};
        /* thread 0's share runs on the caller's thread; a share whose
         * thread cannot be had runs here too (same rows, same result) */
        if (t > 0 && made && pthread_create(&tid[t], NULL, work, &w[t]) == 0)
            made[t] = 1;
        else if (t > 0)
            work(&w[t]);
    }
    work(&w[0]);
    for (int t = 1; t < threads; t++)
        if (made && made[t])
            pthread_join(tid[t], NULL);
    free(made);
    int rc = GW_OK;
    size_t first = (size_t)-1;
    for (int t = 0; t < threads; t++) /* the lowest failing draw wins, whatever the split */
        if (w[t].rc && w[t].failed_at < first) {
            first = w[t].failed_at;
            rc = w[t].rc;
            *err = w[t].err;
        }
    free(w);
    free(tid);
    return rc;
}

int gw_risk_run_draws(const gw_risk_plan *p, const long long *idx, size_t n, int threads,
                      double *in, double *out, float *series, gw_error *err)
{
    return run_workers(p, 0, idx, n, threads, in, out, series, err);
}

int gw_risk_replay_draws(const gw_risk_plan *p, size_t n, int threads, const double *in,
                         const double *out, float *series, gw_error *err)
{
    /* the workers take non-const rows; replay only reads in[] and out[] */
    return run_workers(p, 1, NULL, n, threads, (double *)(uintptr_t)in, (double *)(uintptr_t)out,
                       series, err);
}
