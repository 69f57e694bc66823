/* src/scenario/sim_cmd.c — `gigawatt sim` from a resolved scenario: the
 * replica's perf engine, the workload, power per replica, the simulation,
 * and the capacity search (docs/sim.md). */
#include "gigawatt/sim_cmd.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/dist.h"
#include "gigawatt/perf_cmd.h"
#include "gigawatt/plan.h"
#include "gigawatt/rack.h"
#include "gigawatt/serving.h"

static double or_default(double v, double d)
{
    return v > 0 ? v : d;
}

static int node_error(const gw_node *n, gw_error *err, const char *fmt, const char *a)
{
    gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col, fmt, a);
    return GW_E_INPUT;
}

/* A token-count distribution: a plain number, or {dist: KIND, parameters}
 * in the scenario's one dialect (include/gigawatt/dist.h, docs/sim.md §2.2).
 * Samples of an empirical one are owned by *owned. */
int gw_scenario_parse_dist(const gw_node *n, const char *what, gw_dist *d, double **owned,
                           gw_error *err)
{
    memset(d, 0, sizeof *d);
    d->integer = 1;
    if (!n)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "no '%s' for the synthetic workload; expected a token count or "
                            "{dist: ...}",
                            what);
    if (n->kind == GW_NODE_SCALAR) {
        d->kind = GW_DIST_FIXED;
        return gw_decode_quantity(n, what, GW_DIM_NONE, GW_F_POSITIVE | GW_F_INTEGER, &d->a, err);
    }
    if (n->kind != GW_NODE_MAP)
        return node_error(n, err, "%s is a list; expected a number or {dist: ...}", what);
    gw_dist_spec s;
    int rc = gw_dist_spec_parse(n, what, GW_DIM_NONE, 0, GW_DIST_USE_SIM, &s, err);
    if (rc)
        return rc;
    static const gw_dist_kind kind_of[] = {
        [GW_DF_FIXED] = GW_DIST_FIXED,         [GW_DF_UNIFORM] = GW_DIST_UNIFORM,
        [GW_DF_EXPONENTIAL] = GW_DIST_EXPONENTIAL, [GW_DF_GAMMA] = GW_DIST_GAMMA,
        [GW_DF_LOGNORMAL] = GW_DIST_LOGNORMAL, [GW_DF_PARETO] = GW_DIST_PARETO,
        [GW_DF_ZIPF] = GW_DIST_ZIPF,           [GW_DF_EMPIRICAL] = GW_DIST_EMPIRICAL,
    };
    d->kind = kind_of[s.family]; /* GW_DIST_USE_SIM reads only these families */
    d->a = s.a, d->b = s.b;
    d->lo = s.at_least, d->hi = s.at_most;
    if (s.samples) {
        free(*owned);
        *owned = s.samples;
        d->values = s.samples, d->nvalues = s.nsamples;
    }
    if (d->lo > 0 || d->hi > 0) {
        if (!(d->hi > 0))
            d->hi = INFINITY;
        if (d->hi <= d->lo)
            return node_error(n, err, "%s: at_most must exceed at_least", what);
    }
    if ((rc = gw_dist_prepare(d, err))) {
        snprintf(err->file, sizeof err->file, "%s", n->file);
        err->line = n->line, err->col = n->col;
    }
    return rc;
}

/* The trace path, relative to the directory of the file that named it. */
static int trace_path(const gw_node *n, char *out, size_t cap, gw_error *err)
{
    if (n->kind != GW_NODE_SCALAR || !n->text[0])
        return node_error(n, err, "trace is %s; expected a file path", gw_node_kind_name(n));
    gw_node_path(n, out, cap);
    return GW_OK;
}

static int locate(int rc, const gw_node *at, gw_error *err)
{
    if (rc && rc != GW_E_STOPPED && at && !err->file[0]) {
        snprintf(err->file, sizeof err->file, "%s", at->file);
        err->line = at->line, err->col = at->col;
    }
    return rc;
}

/* One replica's engine: perf:'s (the settings perf itself prices, so a
 * scenario's engine, precisions, expert placement and speculative decoding
 * hold here too), with a disaggregated pool's tp, pp, ep and attention_dp
 * over them (pool NULL: perf:'s alone). Errors sit at `at`. */
static int build_engine(const gw_scenario *sc, const gw_sim_pool_settings *pool,
                        const gw_node *at, gw_perf_config *c, gw_perf_engine *e, gw_error *err)
{
    const gw_perf_settings *ps = &sc->perf;
    double tp = pool && pool->tp > 0 ? pool->tp : ps->tp;
    double pp = pool && pool->pp > 0 ? pool->pp : ps->pp;
    double ep = pool && pool->ep > 0 ? pool->ep : ps->ep;
    double adp = pool ? pool->attention_dp : ps->attention_dp;
    gw_perf_shared_config(sc, c);
    if (tp > 4096 || pp > 4096 || ep > 4096 || adp > 4096 || sc->sim.replicas > 1e6 ||
        (pool && pool->workers > 1e6))
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "parallelism or replicas out of range; expected tp, pp, ep, "
                            "attention_dp <= 4096 and replicas (workers) <= 1e6");
    c->tp = (int)or_default(tp, 1);
    c->pp = (int)or_default(pp, 1);
    c->ep = (int)or_default(ep, 1);
    c->attention_dp = adp > 1 ? (int)adp : 0;
    return locate(gw_perf_engine_init(c, e, err), at, err);
}

/* IT watts of one accelerator at utilisation 0 and 1 from the rack model
 * (the accelerator's TDP without a system), and the plan model's cost per
 * accelerator-hour when there is a system. */
static int accelerator_power(const gw_scenario *sc, double *idle, double *busy,
                             gw_sim_report *r, gw_error *err)
{
    *idle = sc->accelerator.tdp_w * sc->accelerator.idle_power_fraction;
    *busy = sc->accelerator.tdp_w;
    if (!sc->has_system)
        return GW_OK;
    gw_rack_input in;
    gw_scenario_rack_input(sc, &in);
    gw_rack_result rr;
    in.load = 0;
    int rc;
    if ((rc = gw_rack_budget(&in, &rr, err)))
        return rc;
    *idle = rr.it_power_w / rr.accelerators;
    in.load = 1;
    if ((rc = gw_rack_budget(&in, &rr, err)))
        return rc;
    *busy = rr.it_power_w / rr.accelerators;
    gw_plan_input pi;
    gw_scenario_plan_input(sc, &pi);
    pi.target = GW_TARGET_ACCELERATORS;
    pi.target_value = sc->system.accelerators * sc->system.systems_per_rack;
    gw_plan_result *pr = malloc(sizeof *pr);
    if (!pr)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    rc = gw_plan_size(&pi, pr, err);
    r->usd_per_accel_hour = pr->usd_per_gpu_hour;
    free(pr);
    if (rc)
        return rc;
    r->has_cost = 1;
    return GW_OK;
}

/* The attention ranks of a worker, each a replica of the simulator (the
 * engine's attention_dp is >= 1: include/gigawatt/perf.h). */
static int ranks_per_worker(const gw_perf_engine *e)
{
    return (int)e->attention_dp;
}

/* §3.6 sim.disagg: the prefill pool becomes the config's own engine and
 * replicas, the decode pool disagg.decode, and the KV link between them as
 * the serving model takes it (docs/serving.md): the whole model's KV per
 * token, the link by its rule, the measured hand-over by default. */
/* perf.disagg's pools as the simulator's (no scheduler limits of their own). */
static gw_sim_pool_settings from_perf_pool(const gw_perf_pool_settings *p)
{
    return (gw_sim_pool_settings){.tp = p->tp, .pp = p->pp, .ep = p->ep,
                                  .attention_dp = p->attention_dp, .workers = p->workers};
}

/* The disaggregated deployment: sim.disagg, else perf.disagg (the same
 * keys; resolved with the scenario). */
static int disagg_settings(const gw_scenario *sc, gw_sim_disagg_settings *ds,
                           gw_sim_pool_settings *pre, gw_sim_pool_settings *dec, gw_error *err)
{
    memset(ds, 0, sizeof *ds);
    const gw_node *n = sc->sim.disagg;
    int rc;
    if (!n) {
        ds->prefill = sc->disagg.prefill, ds->decode = sc->disagg.decode;
        ds->kv_link_bandwidth_bps = sc->disagg.kv_link_bandwidth_bps;
        ds->kv_handover_s = sc->disagg.kv_handover_s > 0 ? sc->disagg.kv_handover_s : -1;
        *pre = from_perf_pool(&sc->disagg.prefill_pool);
        *dec = from_perf_pool(&sc->disagg.decode_pool);
        return GW_OK;
    }
    if ((rc = gw_decode(&gw_schema_sim_disagg, n, ds, GW_DECODE_SETTINGS, err)) ||
        (rc = gw_scenario_decode_pool(&gw_schema_sim_pool, ds->prefill, "prefill", n, pre,
                                      sizeof *pre, offsetof(gw_sim_pool_settings, workers),
                                      err)) ||
        (rc = gw_scenario_decode_pool(&gw_schema_sim_pool, ds->decode, "decode", n, dec,
                                      sizeof *dec, offsetof(gw_sim_pool_settings, workers),
                                      err)))
        return rc;
    if (!gw_field_is_set(&gw_schema_sim_disagg, ds, "kv_handover"))
        ds->kv_handover_s = -1; /* not given: build_disagg asks the decode stack */
    return GW_OK;
}

static int build_disagg(const gw_scenario *sc, double idle, double busy, gw_sim_report *r,
                        gw_error *err)
{
    gw_sim_disagg_settings ds;
    gw_sim_pool_settings pre, dec;
    int rc;
    if ((rc = disagg_settings(sc, &ds, &pre, &dec, err)) ||
        (rc = build_engine(sc, &pre, ds.prefill, &r->cfg, &r->engine, err)) ||
        (rc = build_engine(sc, &dec, ds.decode, &r->decode_cfg, &r->decode_engine, err)))
        return rc;
    gw_sim_config *q = &r->sim;
    const gw_perf_engine *pe = &r->engine, *de = &r->decode_engine;
    double link, pre_gpus = pre.workers * ranks_per_worker(pe) * pe->tp * pe->pp;
    double dec_gpus = dec.workers * ranks_per_worker(de) * de->tp * de->pp;
    const gw_node *n = sc->sim.disagg ? sc->sim.disagg : sc->perf.disagg;
    if ((rc = gw_serve_kv_link(pe, pre_gpus, de, dec_gpus, ds.kv_link_bandwidth_bps, &link, err)))
        return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col,
                            "disagg: no link for the KV cache between the pools (%.0f + %.0f "
                            "GPUs beyond one scale-up domain, no scale-out bandwidth in the "
                            "catalog); expected kv_link_bandwidth: (e.g. 50 GB/s)",
                            pre_gpus, dec_gpus);
    q->replicas = (int)pre.workers * ranks_per_worker(&r->engine);
    q->max_running = (int)fmin(or_default(pre.max_running, q->max_running), 1e6);
    q->max_batched_tokens = (int)fmin(or_default(pre.max_batched_tokens, q->max_batched_tokens), 1e8);
    q->kv_tokens = pre.kv_tokens > 0 ? pre.kv_tokens : q->kv_tokens;
    q->disagg = (gw_sim_disagg){
        .on = 1,
        .decode = {.engine = de,
                   .replicas = (int)dec.workers * ranks_per_worker(de),
                   .max_running = (int)fmin(or_default(dec.max_running, q->max_running), 1e6),
                   .max_batched_tokens =
                       (int)fmin(or_default(dec.max_batched_tokens, q->max_batched_tokens), 1e8),
                   .kv_tokens = dec.kv_tokens > 0 ? dec.kv_tokens : sc->sim.kv_tokens,
                   .idle_w = idle * de->tp * de->pp,
                   .busy_w = busy * de->tp * de->pp},
        .kv_bytes_per_token = de->kv_bytes_per_token_model,
        .kv_link_bps = link,
        .kv_handover_s = gw_serve_kv_handover_s(de, ds.kv_handover_s, NULL)};
    r->prefill_workers = (int)pre.workers, r->decode_workers = (int)dec.workers;
    return GW_OK;
}

/* §2.3 sim.mode: closed-loop — the client's concurrency and nominal
 * lengths; no trace and no rate. Settings of the closed loop in an open
 * loop are an error too (they would be ignored). */
static int build_closed(const gw_scenario *sc, gw_sim_config *q, gw_error *err)
{
    const gw_sim_settings *ss = &sc->sim;
    const gw_node *at = sc->sim_node;
    int closed = strcmp(ss->mode, "closed-loop") == 0;
    static const char *const only_closed[] = {"concurrency", "input_tokens", "output_tokens",
                                              "length_low", "duration", "warmup"};
    for (size_t k = 0; k < sizeof only_closed / sizeof *only_closed && !closed; k++)
        if (gw_field_is_set(&gw_schema_sim_settings, ss, only_closed[k])) {
            const gw_node *v = gw_node_get(at, only_closed[k]);
            if (!v)
                v = at;
            return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                                "sim.%s without mode: closed-loop; expected mode: closed-loop "
                                "with it, or no %s",
                                only_closed[k], only_closed[k]);
        }
    if (!closed)
        return GW_OK;
    const gw_node *open = ss->trace ? ss->trace : gw_node_get(at, "rate");
    if (open)
        return gw_error_set(err, GW_E_INPUT, open->file, open->line, open->col,
                            "sim.mode closed-loop with a %s; expected no trace and no rate "
                            "(the client issues a request as one completes)",
                            ss->trace ? "trace" : "rate");
    if (!(ss->concurrency > 0) || !(ss->input_tokens > 0) || !(ss->output_tokens > 0) ||
        (!(ss->requests > 0) && !(ss->duration_s > 0)))
        return gw_error_set(err, GW_E_INPUT, at->file, at->line, at->col,
                            "sim.mode closed-loop needs concurrency, input_tokens, "
                            "output_tokens and requests or duration; expected all of them");
    if (ss->requests > 0 && ss->warmup >= ss->requests)
        return gw_error_set(err, GW_E_INPUT, at->file, at->line, at->col,
                            "sim.warmup %.0f of %.0f requests; expected fewer warm-up requests "
                            "than requests",
                            ss->warmup, ss->requests);
    q->closed = (gw_sim_closed_loop){
        .concurrency = (int)fmin(ss->concurrency, 1e7),
        .input_tokens = ss->input_tokens,
        .output_tokens = ss->output_tokens,
        .length_low = gw_field_is_set(&gw_schema_sim_settings, ss, "length_low") ? ss->length_low
                                                                                  : 1,
        .requests = (size_t)fmin(ss->requests, 2e9),
        .duration_s = ss->duration_s,
        .warmup = (size_t)fmin(ss->warmup, 2e9)};
    return GW_OK;
}

/* The open loop's workload: a trace, or synthetic arrivals. */
static int build_workload(const gw_scenario *sc, gw_sim_report *r, gw_error *err)
{
    const gw_sim_settings *ss = &sc->sim;
    const gw_node *at = sc->sim_node;
    int rc;
    if (ss->trace) {
        if ((rc = trace_path(ss->trace, r->trace_path, sizeof r->trace_path, err)))
            return rc;
        /* a trace that is not there is the scenario's error, at its trace: line
         * (a trace that is there but wrong keeps the CSV's own line:col) */
        FILE *probe = fopen(r->trace_path, "rb");
        if (!probe) {
            const gw_node *t = ss->trace;
            int flag = t->line == 0; /* given on the command line */
            int e = errno;
            if (flag) /* --trace FILE: the file is the place */
                return gw_error_set(err, GW_E_INPUT, r->trace_path, 0, 0,
                                    "cannot be opened (%s); expected a readable CSV file with "
                                    "Vidur's columns",
                                    strerror(e));
            return gw_error_set(err, GW_E_INPUT, t->file, t->line, t->col,
                                "trace '%.300s' cannot be opened (%s); expected a readable CSV "
                                "file with Vidur's columns (or --set sim.trace=FILE)",
                                r->trace_path, strerror(e));
        }
        fclose(probe);
        if ((rc = gw_workload_load_csv(r->trace_path, (size_t)ss->limit, ss->max_tokens,
                                       &r->workload, err)))
            return rc;
    } else {
        if (!(ss->requests > 0) || !(ss->rate > 0))
            return gw_error_set(err, GW_E_INPUT, at->file, at->line, at->col,
                                "sim has no trace and no synthetic workload; expected trace: "
                                "FILE, or requests:, rate:, prompt: and output:");
        gw_synthetic syn = {0};
        syn.requests = (size_t)ss->requests;
        syn.arrival = strcmp(ss->arrival, "gamma") == 0     ? GW_ARRIVAL_GAMMA
                      : strcmp(ss->arrival, "diurnal") == 0 ? GW_ARRIVAL_DIURNAL
                                                            : GW_ARRIVAL_POISSON;
        syn.rate = ss->rate;
        syn.cv = ss->cv;
        syn.amplitude = ss->amplitude;
        syn.period_s = or_default(ss->period_s, 86400);
        syn.seed = gw_field_is_set(&gw_schema_sim_settings, ss, "seed") ? (uint64_t)ss->seed : 1;
        if ((rc = gw_scenario_parse_dist(ss->prompt, "prompt", &syn.prompt, &r->empirical[0], err)) ||
            (rc = gw_scenario_parse_dist(ss->output, "output", &syn.output, &r->empirical[1], err)))
            return locate(rc, at, err);
        if ((rc = locate(gw_workload_synthetic(&syn, &r->workload, err), at, err)))
            return rc;
    }
    const gw_workload *w = &r->workload;
    gw_sim_config *q = &r->sim;
    double span = w->arrival[w->n - 1] - w->arrival[0];
    /* 200 buckets over the arrivals, but none narrower than a millisecond
     * (an iteration's order of time): arrivals bunched at one instant
     * would otherwise spread each iteration over a million buckets */
    q->timeline_s = ss->timeline_s > 0 ? ss->timeline_s : (span > 0 ? fmax(span / 200, 1e-3) : 1);
    return GW_OK;
}


/* perf:'s workload and targets are perf's and search's: the simulator
 * takes its requests from sim: and reports its own latencies, and its
 * replicas page their KV as sim: says (block_size, watermark, kv_tokens),
 * so each of these in a simulated scenario would be silently ignored. */
static int perf_workload_unused(const gw_scenario *sc, gw_error *err)
{
    static const char *const workload[] = {"count",       "input_tokens", "output_tokens",
                                           "ttft_slo",    "tpot_slo",     "concurrency",
                                           "length_low",  "output_tokens_cv",
                                           "kv_policy"};
    for (size_t k = 0; k < sizeof workload / sizeof *workload; k++) {
        if (!gw_field_is_set(&gw_schema_perf_settings, &sc->perf, workload[k]))
            continue;
        const gw_node *v = gw_node_get(sc->perf_node, workload[k]);
        if (!v)
            v = sc->perf_node;
        return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                            "perf.%s in a simulation; expected the workload in sim: (trace, "
                            "or requests, rate, prompt and output; mode: closed-loop with "
                            "concurrency) and no perf.%s, which perf and search read",
                            workload[k], workload[k]);
    }
    return GW_OK;
}

static int build(const gw_scenario *sc, int keep_requests, gw_sim_report *r, gw_error *err)
{
    const gw_sim_settings *ss = &sc->sim;
    gw_sim_config *q = &r->sim;
    int rc;
    if ((rc = perf_workload_unused(sc, err)))
        return rc;
    const gw_node *disagg = ss->disagg ? ss->disagg : sc->has_disagg ? sc->perf.disagg : NULL;
    if (!disagg && (rc = build_engine(sc, NULL, sc->perf_node, &r->cfg, &r->engine, err)))
        return rc;
    if (disagg && gw_field_is_set(&gw_schema_sim_settings, ss, "replicas"))
        return gw_error_set(err, GW_E_INPUT, disagg->file, disagg->line, disagg->col,
                            "sim.replicas with %s.disagg; expected the workers of each pool "
                            "(disagg.prefill.workers, disagg.decode.workers) instead",
                            ss->disagg ? "sim" : "perf");
    q->engine = &r->engine;
    q->scheduler = strcmp(ss->scheduler, "sarathi") == 0 ? GW_SCHED_SARATHI : GW_SCHED_VLLM;
    q->route = strcmp(ss->route, "least-outstanding") == 0 ? GW_ROUTE_LEAST_OUTSTANDING
               : strcmp(ss->route, "kv-aware") == 0    ? GW_ROUTE_KV_AWARE
                                                       : GW_ROUTE_ROUND_ROBIN;
    /* defaults: vLLM's (Vidur's vLLM scheduler: 128 sequences, 4096 padded
     * prefill tokens, 16-token blocks, 1% watermark); Sarathi-Serve's 512-token chunks */
    q->max_running = (int)fmin(or_default(ss->max_running, 128), 1e6);
    q->max_batched_tokens = (int)fmin(
        or_default(ss->max_batched_tokens, q->scheduler == GW_SCHED_SARATHI ? 512 : 4096), 1e8);
    q->block_size = (int)fmin(or_default(ss->block_size, 16), 1e6);
    q->watermark = gw_field_is_set(&gw_schema_sim_settings, ss, "watermark") ? ss->watermark
                                                                             : 0.01;
    q->kv_tokens = ss->kv_tokens;
    q->context_length = or_default(ss->context_length, sc->model.context_length);
    q->keep_requests = keep_requests;
    q->seed = gw_field_is_set(&gw_schema_sim_settings, ss, "seed") ? (uint64_t)ss->seed : 1;
    double idle, busy;
    if ((rc = accelerator_power(sc, &idle, &busy, r, err)))
        return rc;
    if (disagg) {
        if ((rc = build_disagg(sc, idle, busy, r, err)))
            return rc;
    } else
        q->replicas = (int)or_default(ss->replicas, 1) * ranks_per_worker(&r->engine);
    const gw_perf_config *c = &r->cfg;
    q->idle_w = idle * c->tp * c->pp;
    q->busy_w = busy * c->tp * c->pp;
    r->accelerators = q->replicas * c->tp * c->pp +
                      q->disagg.decode.replicas * r->decode_cfg.tp * r->decode_cfg.pp;
    if ((rc = build_closed(sc, q, err)))
        return rc;
    return q->closed.concurrency > 0 ? GW_OK : build_workload(sc, r, err);
}

int gw_sim_cmd_run(const gw_scenario *sc, int keep_requests, gw_progress_fn progress,
                   void *progress_user, gw_sim_report *r, gw_error *err)
{
    memset(r, 0, sizeof *r);
    int rc = build(sc, keep_requests, r, err);
    r->sim.progress = progress, r->sim.progress_user = progress_user;
    if (rc == GW_OK)
        rc = locate(gw_sim_run(&r->sim, &r->workload, &r->result, err), sc->sim_node, err);
    if (rc == GW_OK && r->sim.closed.concurrency > 0) { /* the requests as the client issued them */
        r->workload = r->result.issued;
        memset(&r->result.issued, 0, sizeof r->result.issued);
    }
    if (rc)
        gw_sim_report_free(r);
    return rc;
}

void gw_sim_report_free(gw_sim_report *r)
{
    gw_workload_free(&r->workload);
    gw_sim_result_free(&r->result);
    free(r->empirical[0]);
    free(r->empirical[1]);
    r->empirical[0] = r->empirical[1] = NULL;
}

/* The q-quantile of a trial: the kept p50/p90/p99 for those (the same
 * numbers as always), else pq, which the trial asked for. */
static double pick(const gw_stat *s, double q)
{
    return q == 0.99 ? s->p99 : q == 0.9 ? s->p90 : q == 0.5 ? s->p50 : s->pq;
}

/* The capacity search's progress: simulations done (and the share of the
 * one running) of those expected, requests simulated over all of them. */
typedef struct search_progress {
    gw_progress_fn fn;
    void *user;
    double sims_done, sims_expected, requests_before;
} search_progress;

static int search_progress_cb(void *u, double done, double total, double items)
{
    search_progress *sp = u;
    return sp->fn(sp->user, sp->sims_done + (total > 0 ? done / total : 0), sp->sims_expected,
                  sp->requests_before + items);
}

/* One simulation with arrivals compressed by `scale` (rate × scale). */
static int trial(const gw_sim_report *base, double scale, double *ttft, double *tbt,
                 gw_error *err, double q, search_progress *sp)
{
    const gw_workload *w = &base->workload;
    gw_workload s = *w;
    s.arrival = malloc(w->n * sizeof *s.arrival);
    if (!s.arrival)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < w->n; i++)
        s.arrival[i] = w->arrival[0] + (w->arrival[i] - w->arrival[0]) / scale;
    gw_sim_config c = base->sim;
    c.keep_requests = 0;
    c.quantile = q;
    c.timeline_s = 0;
    if (c.progress)
        c.progress = search_progress_cb, c.progress_user = sp;
    gw_sim_result res;
    int rc = gw_sim_run(&c, &s, &res, err);
    free(s.arrival);
    if (rc)
        return rc;
    sp->sims_done++;
    sp->requests_before += (double)w->n;
    if (sp->sims_expected < sp->sims_done + 1)
        sp->sims_expected = sp->sims_done + 1;
    *ttft = pick(&res.ttft, q);
    *tbt = pick(&res.tbt, q);
    /* rejected requests (too long to ever fit) do not change with the rate */
    gw_sim_result_free(&res);
    return GW_OK;
}

int gw_sim_capacity(const gw_sim_report *base, double ttft_target_s, double tbt_target_s,
                    double quantile, int steps, gw_capacity *out, gw_error *err)
{
    memset(out, 0, sizeof *out);
    if (base->sim.closed.concurrency > 0)
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                            "--capacity searches an arrival rate; a closed loop has none "
                            "(its load is sim.concurrency); expected sim.mode open-loop");
    const gw_workload *w = &base->workload;
    double span = w->arrival[w->n - 1] - w->arrival[0];
    if (w->n < 2 || !(span > 0))
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "capacity search over %zu request(s) spanning %g s; expected at "
                            "least two requests over a positive time span",
                            w->n, span);
    double rate = (double)(w->n - 1) / span;
    double lo = 0, hi = 1, ttft, tbt;
    out->ttft_target_s = ttft_target_s, out->tbt_target_s = tbt_target_s;
    out->quantile = quantile;
    int rc;
    /* about two bracketing simulations, then `steps` of bisection */
    search_progress sp = {base->sim.progress, base->sim.progress_user, 0, steps + 2.0, 0};
#define MEETS() ((ttft_target_s <= 0 || ttft <= ttft_target_s) && \
                 (tbt_target_s <= 0 || tbt <= tbt_target_s))
    /* count a simulation at multiple x, and keep it for the report */
#define RECORD(x)                                                                   \
    do {                                                                            \
        if (out->ntrials < GW_CAPACITY_MAX_TRIALS)                                  \
            out->trial[out->ntrials++] = (gw_capacity_trial){                       \
                .scale = (x), .rate_rps = (x) * rate, .ttft_s = ttft, .tbt_s = tbt, \
                .meets = MEETS()};                                                  \
        out->simulations++;                                                         \
    } while (0)
    /* bracket: grow or shrink by 2 until the targets flip */
    for (int k = 0; k < 40; k++) {
        if ((rc = trial(base, hi, &ttft, &tbt, err, quantile, &sp)))
            return rc;
        RECORD(hi);
        if (!MEETS())
            break;
        lo = hi;
        out->ttft_s = ttft, out->tbt_s = tbt;
        hi *= 2;
    }
    if (lo == 0) { /* even the trace's own rate fails: search below it */
        for (int k = 0; k < 40 && lo == 0; k++) {
            double t = hi / 2;
            if ((rc = trial(base, t, &ttft, &tbt, err, quantile, &sp)))
                return rc;
            RECORD(t);
            if (MEETS()) {
                lo = t;
                out->ttft_s = ttft, out->tbt_s = tbt;
            } else
                hi = t;
        }
    }
    for (int k = 0; k < steps && lo > 0; k++) {
        double mid = (lo + hi) / 2;
        if ((rc = trial(base, mid, &ttft, &tbt, err, quantile, &sp)))
            return rc;
        RECORD(mid);
        if (MEETS()) {
            lo = mid;
            out->ttft_s = ttft, out->tbt_s = tbt;
        } else
            hi = mid;
    }
#undef RECORD
#undef MEETS
    out->scale = lo;
    out->rate_rps = lo * rate;
    return GW_OK;
}

/* --cheapest (docs/sim.md §5.2) */

static int cmp_candidate(const void *a, const void *b)
{
    const gw_sim_candidate *x = a, *y = b;
    if (!!x->why[0] != !!y->why[0])
        return x->why[0] ? 1 : -1;
    if (x->usd_per_hour != y->usd_per_hour)
        return x->usd_per_hour < y->usd_per_hour ? -1 : 1;
    int c = strcmp(x->accelerator, y->accelerator);
    return c ? c : x->tp - y->tp;
}

static int split_list(const char *list, char items[][GW_TEXT_MAX], int max)
{
    int n = 0;
    for (const char *p = list; *p && n < max;) {
        const char *comma = strchr(p, ',');
        size_t l = comma ? (size_t)(comma - p) : strlen(p);
        if (l && l < GW_TEXT_MAX) {
            memcpy(items[n], p, l);
            items[n++][l] = 0;
        }
        p += l + (comma ? 1 : 0);
    }
    return n;
}

/* "path=value" on the candidate's tree, as a --set would put it. */
static int set_value(gw_config *cfg, gw_node *root, const char *path, const char *value,
                     gw_error *err)
{
    char assignment[GW_TEXT_MAX + 64];
    snprintf(assignment, sizeof assignment, "%s=%s", path, value);
    return gw_config_set_path(cfg, root, assignment, "--cheapest", err);
}

/* The candidate's scenario: the base tree, one replica, on the first
 * catalog system built from the accelerator (replacing a system the
 * scenario names), the accelerator and tp. */
static int candidate_scenario(const gw_catalog *cat, gw_sim_tree_fn tree, void *tree_user,
                              const gw_sim_candidate *c, const char *tp, gw_config *cfg,
                              gw_scenario *sc, gw_error *err)
{
    gw_node *root;
    const char *sys = gw_scenario_default_system(cat, c->accelerator);
    int rc = tree(tree_user, cfg, &root, err);
    if (rc == GW_OK)
        rc = set_value(cfg, root, "sim.replicas", "1", err);
    if (rc == GW_OK && sys)
        rc = set_value(cfg, root, "system.ref", sys, err);
    if (rc == GW_OK)
        rc = set_value(cfg, root, "accelerator.ref", c->accelerator, err);
    if (rc == GW_OK)
        rc = set_value(cfg, root, "perf.tp", tp, err);
    return rc ? rc : gw_scenario_resolve(cat, root, GW_NEED_SIM, sc, err);
}

/* One replica's capacity, and what carrying the target rate takes. */
static void size_candidate(const gw_sim_report *r, const gw_capacity *cap,
                           const gw_sim_search_spec *spec, gw_sim_candidate *c)
{
    c->per_replica_rps = cap->rate_rps;
    c->replicas = ceil(spec->target_rate / cap->rate_rps);
    c->accelerators = c->replicas * r->cfg.tp * r->cfg.pp;
    c->usd_per_hour = r->has_cost ? c->accelerators * r->usd_per_accel_hour : NAN;
    c->it_mw = c->replicas * r->sim.busy_w / 1e6;
    c->ttft_s = cap->ttft_s, c->tbt_s = cap->tbt_s;
    if (!r->has_cost)
        snprintf(c->why, sizeof c->why, "no cost known (no catalog system)");
}

/* Fill one candidate; its failure is its `why`, not the search's. */
static void run_candidate(const gw_catalog *cat, gw_sim_tree_fn tree, void *tree_user,
                          const gw_sim_search_spec *spec, const char *tp, gw_sim_candidate *c)
{
    gw_error e = {0};
    gw_config cfg;
    gw_scenario *sc = malloc(sizeof *sc);
    gw_sim_report *r = malloc(sizeof *r);
    int rc = sc && r ? GW_OK : gw_error_set(&e, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    gw_config_init(&cfg);
    if (rc == GW_OK && (rc = candidate_scenario(cat, tree, tree_user, c, tp, &cfg, sc, &e)) == GW_OK &&
        (rc = gw_sim_cmd_run(sc, 0, NULL, NULL, r, &e)) == GW_OK) {
        gw_capacity cap;
        rc = gw_sim_capacity(r, spec->ttft_target_s, spec->tbt_target_s, spec->quantile, 10, &cap,
                             &e);
        if (rc == GW_OK && cap.rate_rps > 0)
            size_candidate(r, &cap, spec, c);
        else if (rc == GW_OK)
            snprintf(c->why, sizeof c->why, "misses the targets at any rate");
        gw_sim_report_free(r);
    }
    if (rc && !c->why[0])
        snprintf(c->why, sizeof c->why, "%.150s", e.msg);
    gw_config_free(&cfg);
    free(sc), free(r);
}

int gw_sim_cheapest(const gw_catalog *cat, const gw_scenario *base, gw_sim_tree_fn tree,
                    void *tree_user, const gw_sim_search_spec *spec, gw_progress_fn progress,
                    void *progress_user, gw_sim_search *out, gw_error *err)
{
    memset(out, 0, sizeof *out);
    if (!(spec->target_rate > 0) || (!(spec->ttft_target_s > 0) && !(spec->tbt_target_s > 0)))
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                            "--cheapest needs --target-rate and --ttft-target and/or --tbt-target");
    out->spec = *spec;
    out->spec.quantile = spec->quantile > 0 ? spec->quantile : 0.9;
    out->spec.accelerators = out->spec.tps = NULL;
    snprintf(out->model, sizeof out->model, "%s", base->model.meta.id);
    char accs[32][GW_TEXT_MAX], tps[8][GW_TEXT_MAX];
    int na = 0, nt = split_list(spec->tps ? spec->tps : "1,2,4,8", tps, 8);
    if (spec->accelerators)
        na = split_list(spec->accelerators, accs, 32);
    else
        snprintf(accs[na++], GW_TEXT_MAX, "%s", base->accelerator.meta.id);
    if (!(out->candidates = calloc((size_t)(na * nt) + 1, sizeof *out->candidates)))
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    for (int a = 0; a < na; a++)
        for (int t = 0; t < nt; t++) {
            /* each candidate is a capacity search: ~10 simulations */
            if (progress && progress(progress_user, out->n, na * nt, out->n)) {
                int done = out->n;
                gw_sim_search_free(out);
                return gw_error_set(err, GW_E_STOPPED, NULL, 0, 0,
                                    "stopped by Ctrl-C after %d of %d candidates; nothing written",
                                    done, na * nt);
            }
            gw_sim_candidate *c = &out->candidates[out->n++];
            snprintf(c->accelerator, sizeof c->accelerator, "%s", accs[a]);
            c->tp = atoi(tps[t]);
            run_candidate(cat, tree, tree_user, &out->spec, tps[t], c);
        }
    if (progress)
        progress(progress_user, out->n, na * nt, out->n);
    qsort(out->candidates, (size_t)out->n, sizeof *out->candidates, cmp_candidate);
    return GW_OK;
}

void gw_sim_search_free(gw_sim_search *s)
{
    free(s->candidates);
    memset(s, 0, sizeof *s);
}
