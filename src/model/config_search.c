/* src/model/config_search.c — the serving configuration search (models
 * layer): enumerate worker shapes, prune the ones that cannot hold the
 * model or one request, price every remaining deployment once through the
 * serving model, keep the Pareto front of tokens/s per GPU against tokens/s
 * per user and the best deployment under the targets.
 *
 * The loops, outermost first (docs/search.md §2): mode (aggregated, then
 * disaggregated); decode shape (tp x attention-DP, MTP k); for
 * disaggregation the prefill shape and the worker ratio x:y; the client
 * concurrency, per decode rank, geometric. The order is fixed, and a front
 * point only yields to one strictly better, so the same spec always gives
 * the same front. Two cuts keep it fast without losing a front point:
 * concurrency stops rising once a step gains nothing (a closed loop past
 * saturation only queues: the next points are dominated), and the prefill
 * pool stops growing once decode is the limit and TTFT meets its target
 * (more prefill GPUs then add GPUs and nothing else). */
#include "gigawatt/config_search.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const metric_names[] = {"io", "out", "decode"};

int gw_search_metric_parse(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (s && strcmp(s, metric_names[i]) == 0)
            return i;
    return -1;
}

const char *gw_search_metric_name(gw_search_metric m)
{
    return (unsigned)m < 3 ? metric_names[m] : "?";
}

/* One worker shape with its engine (one attention rank of it). */
typedef struct role {
    int tp, adp, ep, spec;
    double max_batch;  /* sequences one rank runs (prefill: 1 when a prompt fits) */
    gw_perf_engine e;
} role;

typedef struct roles {
    role *v;
    size_t n, cap;
} roles;

typedef struct search {
    const gw_search_spec *s;
    gw_search_result *r;
    gw_serve_request rq;
    roles prefill, decode;
} search;

/* ---- the front ---- */

int gw_search_front_add(gw_search_result *r, const gw_search_point *p)
{
    if (!(p->tps_gpu > 0) || !(p->tps_user > 0) || !isfinite(p->tps_gpu) ||
        !isfinite(p->tps_user))
        return 0;
    /* first point at least as fast per user: the best per GPU among those */
    size_t i = 0;
    while (i < r->nfront && r->front[i].tps_user < p->tps_user)
        i++;
    if (i < r->nfront && r->front[i].tps_gpu >= p->tps_gpu)
        return 0;
    /* the points just before i (slower per user) that p beats per GPU */
    size_t from = i;
    while (from > 0 && r->front[from - 1].tps_gpu <= p->tps_gpu)
        from--;
    size_t to = i; /* and the one as fast per user, which it beats per GPU */
    if (to < r->nfront && r->front[to].tps_user == p->tps_user)
        to++;
    if (from == to && r->nfront == r->front_cap) {
        size_t cap = r->front_cap ? 2 * r->front_cap : 64;
        gw_search_point *v = realloc(r->front, cap * sizeof *v);
        if (!v)
            return -1;
        r->front = v, r->front_cap = cap;
    }
    /* replace [from, to) by p */
    memmove(&r->front[from + 1], &r->front[to], (r->nfront - to) * sizeof *p);
    r->front[from] = *p;
    r->nfront = r->nfront - (to - from) + 1;
    return 1;
}

static int meets(const gw_search_spec *s, const gw_serve_point *sp, int tpot_too)
{
    return (!(s->ttft_target_s > 0) || sp->ttft_s <= s->ttft_target_s) &&
           (!tpot_too || !(s->tpot_target_s > 0) || sp->tpot_s <= s->tpot_target_s);
}

static double metric_of(gw_search_metric m, const gw_serve_point *sp)
{
    return m == GW_SEARCH_TPS_OUT          ? sp->tps_gpu_out
           : m == GW_SEARCH_TPS_DECODE_OUT ? sp->tps_decode_gpu_out
                                           : sp->tps_gpu_io;
}

/* Record an evaluated point: the front (of the points meeting the TTFT
 * target; TPOT is a tokens/s-per-user floor read off the front) and the
 * best under both targets. */
static int record(search *q, gw_search_point *p, gw_error *err)
{
    const gw_search_spec *s = q->s;
    gw_search_result *r = q->r;
    p->tps_gpu = metric_of(s->metric, &p->serve);
    p->tps_user = p->serve.tokens_per_user_s;
    p->meets_targets = meets(s, &p->serve, 1);
    if (p->meets_targets && isfinite(p->tps_gpu) && (!r->has_best || p->tps_gpu > r->best.tps_gpu))
        r->best = *p, r->has_best = 1;
    if (meets(s, &p->serve, 0) && gw_search_front_add(r, p) < 0)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    return GW_OK;
}

/* ---- worker shapes ---- */

static int push_role(roles *rs, const role *x)
{
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? 2 * rs->cap : 32;
        role *v = realloc(rs->v, cap * sizeof *v);
        if (!v)
            return -1;
        rs->v = v, rs->cap = cap;
    }
    rs->v[rs->n++] = *x;
    return 0;
}

/* The most sequences one rank of `x` runs: a decode (or aggregated) rank
 * by the perf model's rule (KV capacity over a sequence's tokens as the
 * stack's KV policy counts them, capped by the engine: gw_perf_infer owns
 * it, and the serving model asks it the same), a prefill rank by whether
 * one prompt's KV fits. 0 when none. */
static double rank_batch(const search *q, const role *x, int prefill)
{
    const gw_search_spec *s = q->s;
    if (prefill)
        return x->e.kv_capacity_tokens >= s->input_tokens ? 1 : 0;
    /* the mean lengths the closed loop prices (uniform draws or a spread) */
    gw_perf_lengths L;
    gw_perf_lengths_of(s->input_tokens, s->output_tokens, s->length_low, s->output_cv, &L);
    gw_perf_request pr = {.count = x->tp * x->adp, .input_tokens = L.in,
                          .output_tokens = L.out, .output_cv = L.output_cv};
    gw_perf_result res;
    gw_error ignored = {0};
    if (gw_perf_infer(&x->e, &pr, &res, &ignored) != GW_OK)
        return 0;
    return floor(res.max_batch);
}

/* Build one shape's engine; 0 when it cannot serve (weights do not fit, a
 * parallelism that does not divide, no room for one request's KV). */
static int shape_fits(search *q, role *x, int prefill)
{
    const gw_search_spec *s = q->s;
    gw_perf_config c = s->base;
    c.tp = x->tp, c.pp = 1, c.attention_dp = x->adp, c.ep = x->ep;
    c.spec_tokens = x->spec, c.spec_accept_length = 0; /* the measured acceptance per k */
    c.draft_model = x->spec > 0 ? s->base.draft_model : NULL;
    gw_error why = {0};
    q->r->roles++;
    int ok = gw_perf_engine_init(&c, &x->e, &why) == GW_OK;
    if (ok && !((x->max_batch = rank_batch(q, x, prefill)) >= 1)) {
        ok = 0;
        gw_error_set(&why, GW_E_INPUT, NULL, 0, 0,
                     "tp %d x attention-dp %d holds no %.0f-token %s in its KV cache", x->tp,
                     x->adp, prefill ? s->input_tokens : s->input_tokens + s->output_tokens,
                     prefill ? "prompt" : "request");
    }
    if (!ok) { /* the last refusal: the largest shape's, the one closest to fitting */
        q->r->roles_pruned++;
        snprintf(q->r->pruned_why, sizeof q->r->pruned_why, "%s", why.msg);
    }
    return ok;
}

/* Powers of two up to `top`, and `top` itself (72 on an NVL72). */
static int next_size(int v, int top)
{
    return v < top && 2 * v > top ? top : 2 * v;
}

/* Every shape of tp x attention-DP within the domain and the budget, in
 * order of GPUs per worker, then tp; decode shapes once per MTP k. */
static int build_roles(search *q, gw_error *err)
{
    const gw_search_spec *s = q->s;
    const gw_llm *m = s->base.model;
    int moe = m->experts > 0;
    int top = s->domain < s->gpus ? s->domain : s->gpus;
    for (int size = 1; size <= s->gpus; size++)
        for (int tp = 1; tp <= top; tp = next_size(tp, top)) {
            int adp = size / tp;
            if (size % tp || adp > (moe ? top : 1) || fmod(m->heads, tp) != 0)
                continue;
            if (adp != 1 && (adp & (adp - 1)) && adp != top)
                continue; /* attention-DP: powers of two and the domain */
            for (int k = 0; k <= s->mtp_max; k++) {
                role x = {.tp = tp, .adp = adp, .ep = moe ? size : 1, .spec = k};
                if (k == 0 && (s->modes & GW_SEARCH_DISAGG) && shape_fits(q, &x, 1) &&
                    push_role(&q->prefill, &x))
                    return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
                if (shape_fits(q, &x, 0) && push_role(&q->decode, &x))
                    return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
            }
        }
    if (q->decode.n == 0)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "no worker shape of '%s' on %d '%s' can serve a %.0f+%.0f-token "
                            "request (%s); expected more accelerators or a smaller precision",
                            m->meta.id, s->gpus, s->base.accel->meta.id, s->input_tokens,
                            s->output_tokens, q->r->pruned_why);
    return GW_OK;
}

/* ---- the sweeps ---- */

/* The next sequences per decode rank: 1, 2, 3, 4, 6, 8, 12, ... (about
 * x1.41 a step), ending exactly at the most a rank holds. */
static double next_batch(double b, double top)
{
    double p = pow(2, floor(log2(b)));
    double n = b == p && b >= 2 ? 1.5 * b : 2 * p;
    return b < top && n > top ? top : n;
}

/* A stop after a point its predecessor dominates: past saturation more
 * concurrency only queues. */
static int saturated(const gw_search_point *prev, const gw_search_point *p)
{
    return prev && p->tps_gpu <= prev->tps_gpu && p->tps_user <= prev->tps_user;
}

static int serve_failed(search *q, int rc, gw_error *why, gw_error *err)
{
    if (rc == GW_E_NOMEM || rc == GW_E_STOPPED) {
        *err = *why;
        return rc;
    }
    q->r->failed++;
    return GW_OK;
}

/* What one sweep prices: an aggregated shape with its workers, or a
 * prefill and a decode pool. */
typedef struct deployment {
    gw_search_point shape;     /* roles, MTP k; concurrency and figures per point */
    const gw_perf_engine *agg; /* aggregated: the workers' engine */
    gw_serve_pool prefill, decode;
    double ranks;              /* decode attention ranks: concurrency = batch x ranks */
    double max_batch;          /* sequences one decode rank holds */
} deployment;

/* Client concurrency from 1 sequence per decode rank to the most a rank
 * holds. *grow: some point was prefill-bound, refused or missed the TTFT
 * target, so a larger prefill pool may still help. */
static int sweep(search *q, const deployment *dep, int *grow, gw_error *err)
{
    const gw_search_spec *s = q->s;
    gw_search_point prev, *last = NULL;
    *grow = 0;
    for (double b = 1; b <= dep->max_batch; b = next_batch(b, dep->max_batch)) {
        gw_search_point p = dep->shape;
        p.concurrency = b * dep->ranks;
        gw_serve_request rq = q->rq;
        rq.concurrency = p.concurrency;
        gw_error why = {0};
        int rc = p.disagg ? s->disagg(&dep->prefill, &dep->decode, &rq, &p.serve, &why)
                          : s->agg(dep->agg, p.decode.workers, &rq, &p.serve, &why);
        q->r->evaluated++;
        if (rc) {
            if ((rc = serve_failed(q, rc, &why, err)))
                return rc;
            *grow = 1;
            continue;
        }
        if ((rc = record(q, &p, err)))
            return rc;
        *grow |= s->exhaustive || strcmp(p.serve.bound, "prefill") == 0 ||
                 !meets(s, &p.serve, 0);
        if (!s->exhaustive && saturated(last, &p))
            break;
        prev = p, last = &prev;
    }
    return GW_OK;
}

static int sweep_agg(search *q, const role *d, gw_error *err)
{
    int workers = q->s->gpus / (d->tp * d->adp), grow;
    deployment dep = {.shape = {.decode = {d->tp, d->adp, d->ep, workers}, .spec_tokens = d->spec},
                      .agg = &d->e, .ranks = (double)workers * d->adp,
                      .max_batch = d->max_batch};
    return sweep(q, &dep, &grow, err);
}

static int gcd(int a, int b)
{
    while (b) {
        int t = a % b;
        a = b, b = t;
    }
    return a;
}

/* x prefill : y decode workers, scaled up to the budget. */
static int sweep_ratio(search *q, const role *pr, const role *d, int x, int y, int *grow,
                       gw_error *err)
{
    int k = q->s->gpus / (x * pr->tp * pr->adp + y * d->tp * d->adp);
    deployment dep = {.shape = {.disagg = 1, .prefill = {pr->tp, pr->adp, pr->ep, k * x},
                                .decode = {d->tp, d->adp, d->ep, k * y}, .spec_tokens = d->spec},
                      .prefill = {.engine = &pr->e, .workers = k * x},
                      .decode = {.engine = &d->e, .workers = k * y},
                      .ranks = (double)k * y * d->adp, .max_batch = d->max_batch};
    return sweep(q, &dep, grow, err);
}

/* Every ratio x:y in lowest terms, terms up to GW_SEARCH_RATIO_MAX, that
 * fits the budget; x grows while the prefill pool is what limits (or TTFT
 * misses its target). */
static int sweep_disagg(search *q, const role *pr, const role *d, gw_error *err)
{
    int pg = pr->tp * pr->adp, dg = d->tp * d->adp;
    for (int y = 1; y <= GW_SEARCH_RATIO_MAX && pg + y * dg <= q->s->gpus; y++)
        for (int x = 1, grow = 1;
             grow && x <= GW_SEARCH_RATIO_MAX && x * pg + y * dg <= q->s->gpus; x++) {
            if (gcd(x, y) != 1)
                continue;
            int rc = sweep_ratio(q, pr, d, x, y, &grow, err);
            if (rc)
                return rc;
        }
    return GW_OK;
}

static int check_spec(const gw_search_spec *s, gw_error *err)
{
    if (!s->base.model || !s->base.accel || !s->base.eff)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "search without a model, accelerator or efficiency stack");
    if (s->gpus < 1 || s->domain < 1)
        return gw_error_field(err, "count", "%d accelerators in a scale-up domain of %d; "
                              "expected at least 1 of each", s->gpus, s->domain);
    if (!(s->input_tokens >= 1) || !(s->output_tokens >= 1))
        return gw_error_field(err, "input_tokens", "%.4g input and %.4g output tokens; "
                              "expected at least 1 of each", s->input_tokens, s->output_tokens);
    const gw_llm *m = s->base.model;
    if (m->context_length > 0 && s->input_tokens + s->output_tokens > m->context_length)
        return gw_error_field(err, "input_tokens",
                              "%.0f input + %.0f output tokens exceed the %.0f-token context of "
                              "'%s'; expected at most %.0f in all",
                              s->input_tokens, s->output_tokens, m->context_length, m->meta.id,
                              m->context_length);
    if (s->mtp_max < 0 || s->mtp_max > GW_SPEC_MAX)
        return gw_error_field(err, "mtp", "mtp %d; expected 0 to %d draft tokens", s->mtp_max,
                              GW_SPEC_MAX);
    if (s->mtp_max > 0 && !(m->mtp_modules > 0) && !s->base.draft_model)
        return gw_error_field(err, "mtp",
                              "MTP with %d draft tokens, but '%s' has no multi-token-prediction "
                              "head; expected mtp: 0 for this model",
                              s->mtp_max, m->meta.id);
    if ((unsigned)s->metric > GW_SEARCH_TPS_DECODE_OUT)
        return gw_error_field(err, "metric", "unknown metric; expected io, out or decode");
    unsigned modes = s->modes ? s->modes : GW_SEARCH_AGG | GW_SEARCH_DISAGG;
    if (!s->agg || ((modes & GW_SEARCH_DISAGG) && !s->disagg))
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "search without a serving model to price its candidates");
    return GW_OK;
}

/* The caller's progress, once per decode shape and mode. */
static int progress(const search *q, size_t done, gw_error *err)
{
    const gw_search_spec *s = q->s;
    size_t total = q->decode.n * ((s->modes & GW_SEARCH_AGG ? 1u : 0u) +
                                  (s->modes & GW_SEARCH_DISAGG ? 1u : 0u));
    if (s->progress &&
        s->progress(s->progress_user, (double)done, (double)total, (double)q->r->evaluated))
        return gw_error_set(err, GW_E_STOPPED, NULL, 0, 0, "configuration search stopped");
    return GW_OK;
}

static int run_all(search *q, gw_error *err)
{
    const gw_search_spec *s = q->s;
    int rc = build_roles(q, err);
    size_t done = 0;
    for (size_t i = 0; rc == GW_OK && (s->modes & GW_SEARCH_AGG) && i < q->decode.n; i++)
        if ((rc = sweep_agg(q, &q->decode.v[i], err)) == GW_OK)
            rc = progress(q, ++done, err);
    for (size_t i = 0; rc == GW_OK && (s->modes & GW_SEARCH_DISAGG) && i < q->decode.n; i++) {
        for (size_t j = 0; rc == GW_OK && j < q->prefill.n; j++)
            rc = sweep_disagg(q, &q->prefill.v[j], &q->decode.v[i], err);
        if (rc == GW_OK)
            rc = progress(q, ++done, err);
    }
    return rc;
}

int gw_search_run(const gw_search_spec *spec, gw_search_result *r, gw_error *err)
{
    memset(r, 0, sizeof *r);
    int rc = check_spec(spec, err);
    if (rc)
        return rc;
    gw_search_spec s = *spec;
    if (!s.modes)
        s.modes = GW_SEARCH_AGG | GW_SEARCH_DISAGG;
    search q = {.s = &s, .r = r,
                .rq = {.input_tokens = s.input_tokens, .output_tokens = s.output_tokens,
                       .length_low = s.length_low,
                       .output_cv = s.output_cv}};
    rc = run_all(&q, err);
    free(q.prefill.v);
    free(q.decode.v);
    if (rc)
        gw_search_result_free(r);
    return rc;
}

void gw_search_result_free(gw_search_result *r)
{
    free(r->front);
    r->front = NULL;
    r->nfront = r->front_cap = 0;
}
