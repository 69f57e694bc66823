/* src/scenario/perf_cmd.c — `gigawatt perf` from a resolved scenario: apply
 * the documented defaults, run the perf model, and join its throughput with
 * the rack model's power and the plan model's cost (docs/model.md §7.7). */
#include "gigawatt/perf_cmd.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static double or_default(double v, double d)
{
    return v > 0 ? v : d;
}

/* IT and grid watts per accelerator at utilisation `u`: the rack model when
 * a system is known (host, network, fans, conversion and facility losses
 * included), else the accelerator alone between idle and TDP. */
static int power_per_accel(const gw_scenario *sc, double u, double *it_w, double *grid_w,
                           gw_error *err)
{
    const gw_accelerator *a = &sc->accelerator;
    if (!sc->has_system) {
        *it_w = *grid_w = a->tdp_w * (a->idle_power_fraction + (1 - a->idle_power_fraction) * u);
        return GW_OK;
    }
    gw_rack_input in;
    gw_scenario_rack_input(sc, &in);
    in.load = u;
    gw_rack_result rr;
    int rc = gw_rack_budget(&in, &rr, err);
    if (rc)
        return rc;
    *it_w = rr.it_power_w / rr.accelerators;
    *grid_w = rr.grid_power_w / rr.accelerators;
    return GW_OK;
}

/* Counts become ints for the model: refuse what an int cannot hold rather
 * than wrap (docs/model.md §7: a replica is at most 2^20 accelerators). */
static int count_ok(double v, const char *what, gw_error *err)
{
    if (v > 1 << 20)
        return gw_error_field(err, what, "%s %.4g is out of range; expected at most %d", what, v,
                              1 << 20);
    return GW_OK;
}

static int precision_of(const char *text, gw_precision dflt)
{
    return text[0] ? gw_precision_parse(text) : (int)dflt;
}

/* The settings every worker of the deployment shares: model, stack,
 * precisions, expert placement and speculative decoding (perf: section). */
void gw_perf_shared_config(const gw_scenario *sc, gw_perf_config *c)
{
    const gw_perf_settings *ps = &sc->perf;
    c->model = &sc->model;
    c->accel = &sc->accelerator;
    c->eff = &sc->efficiency;
    gw_precision dflt = sc->accelerator.fp8_flops > 0 ? GW_PREC_FP8 : GW_PREC_BF16;
    c->weights = (gw_precision)precision_of(ps->precision, dflt);
    c->kv = (gw_precision)precision_of(ps->kv_precision,
                                       c->weights == GW_PREC_BF16 ? GW_PREC_BF16 : GW_PREC_FP8);
    c->expert_weights_set = ps->expert_precision[0] != 0;
    c->expert_weights = (gw_precision)precision_of(ps->expert_precision, c->weights);
    c->expert_activations_set = ps->expert_activation_precision[0] != 0;
    c->expert_activations =
        (gw_precision)precision_of(ps->expert_activation_precision, c->expert_weights);
    c->eplb = strcmp(ps->eplb, "true") == 0;
    c->redundant_experts = (int)ps->redundant_experts;
    c->spec_tokens = (int)ps->mtp;
    c->spec_accept_length = ps->spec_accept_length;
    c->draft_model = sc->has_draft_model ? &sc->draft_model : NULL;
    c->memory_fraction = ps->memory_fraction;
    c->max_num_tokens = (int)ps->max_num_tokens;
    c->batch_wait_iters = (int)ps->batch_wait_iters;
    c->batch_wait_ratio = ps->batch_wait_ratio;
    c->recv_interval = (int)ps->recv_interval;
    c->piecewise_graphs = strcmp(ps->cuda_graphs, "piecewise") == 0;
    c->kv_policy = (gw_kv_policy)gw_kv_policy_parse(ps->kv_policy); /* the schema checked it */
}

/* Accelerators in one worker: tp x pp x attention_dp. */
static int worker_gpus(const gw_perf_config *c)
{
    return c->tp * c->pp * (c->attention_dp > 1 ? c->attention_dp : 1);
}

/* count is whole workers of tp x pp x attention_dp (with attention_dp 1
 * the model's own replica check says it, as it always has). */
static int check_workers(const gw_perf_config *c, int count, gw_error *err)
{
    int worker = worker_gpus(c);
    if (c->attention_dp > 1 && count % worker != 0)
        return gw_error_field(err, "count",
                              "%d accelerators is not a whole number of workers of tp %d x pp %d "
                              "x attention_dp %d = %d; expected a multiple of %d",
                              count, c->tp, c->pp, c->attention_dp, worker, worker);
    return GW_OK;
}

/* Counts of the perf: section as ints (count_ok on each). */
static int counts_ok(const gw_perf_settings *ps, gw_error *err)
{
    const char *names[5] = {"count", "tp", "pp", "ep", "attention_dp"};
    const double vals[5] = {ps->count, ps->tp, ps->pp, ps->ep, ps->attention_dp};
    for (int i = 0; i < 5; i++)
        if (count_ok(vals[i], names[i], err))
            return err->code;
    return GW_OK;
}

/* Any frontier setting given: the output adds the engine and memory lines
 * (without one, it stays byte for byte what it was). */
static int frontier_given(const gw_scenario *sc)
{
    const gw_perf_settings *ps = &sc->perf;
    return sc->has_engine || sc->has_disagg || sc->has_draft_model || ps->attention_dp > 0 ||
           ps->expert_precision[0] || ps->expert_activation_precision[0] || ps->eplb[0] ||
           ps->redundant_experts > 0 ||
           ps->mtp > 0 || ps->memory_fraction > 0 || ps->concurrency > 0 || ps->length_low > 0 || ps->max_num_tokens > 0 ||
           ps->batch_wait_iters > 0 || ps->batch_wait_ratio > 0 || ps->recv_interval > 0 ||
           ps->cuda_graphs[0] || ps->output_tokens_cv > 0 || ps->kv_policy[0];
}

/* The memory line of one GPU: hbm x fraction - weights - workspace = KV,
 * the fraction given, else 1 - the stack's reserve; the workspace is the
 * rest (a drafter's weights too), so the line adds up (docs/model.md §7.5). */
static void memory_line(const gw_perf_config *c, const gw_perf_engine *e, gw_perf_report *r)
{
    r->hbm_b = c->accel->hbm_capacity_b;
    r->memory_fraction = c->memory_fraction > 0 ? c->memory_fraction : 1 - c->eff->memory_reserve;
    r->kv_b = e->kv_capacity_bytes;
    r->workspace_b = r->hbm_b * r->memory_fraction - e->weight_bytes_per_gpu - r->kv_b;
}

/* Per GPU, MW and USD at the headline point over `count` accelerators. */
static int headline_figures(const gw_scenario *sc, gw_perf_report *r, gw_error *err)
{
    const gw_perf_point *p = r->headline;
    int rc = power_per_accel(sc, p->utilisation, &r->it_w_per_accel, &r->grid_w_per_accel, err);
    if (rc)
        return rc;
    r->tokens_per_s = p->tokens_per_s;
    r->tokens_per_s_per_gpu = p->tokens_per_s / r->count;
    r->tokens_per_s_per_mw = p->tokens_per_s / (r->count * r->it_w_per_accel / 1e6);
    r->joules_per_token = r->count * r->it_w_per_accel / p->tokens_per_s;
    r->grid_joules_per_token = r->count * r->grid_w_per_accel / p->tokens_per_s;
    if (r->has_cost) {
        double usd_per_s = r->count * r->usd_per_accel_hour / 3600;
        r->tokens_per_usd = p->tokens_per_s / usd_per_s;
        r->usd_per_million_tokens = 1e6 * usd_per_s / p->tokens_per_s;
    }
    return GW_OK;
}

static int check_context(const gw_scenario *sc, gw_error *err)
{
    const gw_perf_settings *ps = &sc->perf;
    if (ps->input_tokens + ps->output_tokens > sc->model.context_length)
        return gw_error_field(err, "input_tokens",
                              "%.0f input + %.0f output tokens exceed the %.0f-token context of "
                              "'%s'; expected at most %.0f in all",
                              ps->input_tokens, ps->output_tokens, sc->model.context_length,
                              sc->model.meta.id, sc->model.context_length);
    return GW_OK;
}

/* Where the engine's cap on running sequences comes from: the iteration's
 * token budget when that binds first (docs/serving.md, Symbols: a mixed
 * scheduler charges each decoding sequence 1 + k tokens), else the stack's
 * default or perf.max_batch, which replaced it. */
static const char *cap_origin(const gw_scenario *sc, const gw_perf_engine *e)
{
    if (e->decode_budget_seqs > 0)
        return "token budget";
    return sc->perf.max_batch > 0 ? "max-batch setting" : "engine default";
}

/* What bound the steady-state batch: the KV cache, the engine's cap (its
 * default, perf.max_batch which replaced it, or the token budget), or the
 * latency targets.
 * A sequence holds I + O tokens when reserved up front, else I + O/2 on
 * average, output-weighted when outputs spread (docs/model.md §7.4.2,
 * §7.5: gw_perf_infer's count of a sequence). */
static void steady_batch_bound(const gw_scenario *sc, gw_perf_report *r)
{
    const gw_perf_engine *e = &r->engine;
    const gw_perf_result *x = &r->inference;
    r->batch_kv_fit = floor(e->kv_capacity_tokens / x->kv_tokens_per_seq);
    r->batch_cap = e->max_batch_engine;
    r->batch_cap_from = cap_origin(sc, e);
    if (x->slo_given && x->slo_feasible && x->slo.batch < x->max_batch)
        r->batch_bound = "latency target";
    else
        r->batch_bound = r->batch_kv_fit <= r->batch_cap ? "memory" : r->batch_cap_from;
}

/* The closed loop's batch per rank: the engine's cap when it reached it,
 * else what gw_serve_* found (concurrency, kv-cache, prefill, decode). */
static void serving_batch_bound(const gw_scenario *sc, gw_perf_report *r,
                                const gw_perf_engine *decode)
{
    r->batch_cap = decode->max_batch_engine;
    r->batch_cap_from = cap_origin(sc, decode);
    const char *b = r->serving.bound;
    if (strcmp(b, "kv-cache") == 0)
        r->serving_batch_bound = "memory";
    else if (strcmp(b, "concurrency") != 0 && r->serving.batch_per_rank >= r->batch_cap)
        r->serving_batch_bound = r->batch_cap_from;
    else
        r->serving_batch_bound = b;
}

/* Aggregated workers: the steady state of gw_perf_infer, its batch sweep,
 * and the headline at the targets (or the offline best). */
static int run_aggregated(const gw_scenario *sc, gw_perf_report *r, gw_error *err)
{
    const gw_perf_settings *ps = &sc->perf;
    gw_perf_config *c = &r->cfg;
    gw_perf_shared_config(sc, c);
    c->tp = (int)or_default(ps->tp, 1);
    c->pp = (int)or_default(ps->pp, 1);
    c->ep = (int)or_default(ps->ep, 1);
    c->attention_dp = ps->attention_dp > 1 ? (int)ps->attention_dp : 0;
    int rc = gw_perf_engine_init(c, &r->engine, err);
    if (rc)
        return rc;
    memory_line(c, &r->engine, r);
    r->count = (int)or_default(ps->count, worker_gpus(c));
    if ((rc = check_workers(c, r->count, err)) || (rc = check_context(sc, err)))
        return rc;
    gw_perf_request *rq = &r->request;
    rq->count = r->count;
    rq->input_tokens = ps->input_tokens;
    rq->output_tokens = ps->output_tokens;
    rq->ttft_slo_s = ps->ttft_slo_s;
    rq->tpot_slo_s = ps->tpot_slo_s;
    rq->max_batch = ps->max_batch;
    rq->output_cv = ps->output_tokens_cv;
    if ((rc = gw_perf_infer(&r->engine, rq, &r->inference, err)))
        return rc;
    r->dp = r->inference.dp;
    r->has_inference = 1;
    const gw_perf_result *res = &r->inference;
    r->nsweep = 0;
    for (double b = 1; res->max_batch >= 1 && r->nsweep < GW_PERF_SWEEP_MAX; b *= 2) {
        double at = b < res->max_batch ? b : floor(res->max_batch);
        gw_perf_steady(&r->engine, rq, at, &r->sweep[r->nsweep++]);
        if (at >= floor(res->max_batch))
            break;
    }
    r->headline = res->slo_feasible ? &res->slo : NULL;
    steady_batch_bound(sc, r);
    return GW_OK;
}

/* One pool of perf.disagg: the shared settings with its parallelism;
 * errors at the pool's node (disagg.prefill.tp ...). */
static int pool_engine(const gw_scenario *sc, const gw_perf_pool_settings *p,
                       const gw_node *node, gw_perf_config *c, gw_perf_engine *e, int *workers,
                       gw_error *err)
{
    const char *names[5] = {"tp", "pp", "attention_dp", "ep", "workers"};
    const double vals[5] = {p->tp, p->pp, p->attention_dp, p->ep, p->workers};
    int rc = GW_OK;
    for (int i = 0; i < 5 && rc == GW_OK; i++)
        rc = count_ok(vals[i], names[i], err);
    gw_perf_shared_config(sc, c);
    c->tp = (int)or_default(p->tp, 1);
    c->pp = (int)or_default(p->pp, 1);
    c->ep = (int)or_default(p->ep, 1);
    c->attention_dp = p->attention_dp > 1 ? (int)p->attention_dp : 0;
    *workers = (int)p->workers;
    if (rc == GW_OK)
        rc = gw_perf_engine_init(c, e, err);
    return gw_scenario_place_error(rc, node, err);
}

/* Disaggregated: a prefill pool and a decode pool (perf.disagg). */
static int run_disaggregated(const gw_scenario *sc, gw_perf_report *r, gw_error *err)
{
    const gw_perf_disagg_settings *d = &sc->disagg;
    int rc = pool_engine(sc, &d->prefill_pool, d->prefill, &r->prefill_cfg, &r->prefill_engine,
                         &r->prefill_workers, err);
    if (rc == GW_OK)
        rc = pool_engine(sc, &d->decode_pool, d->decode, &r->decode_cfg, &r->decode_engine,
                         &r->decode_workers, err);
    if (rc || (rc = check_context(sc, err)))
        return rc;
    r->has_disagg = 1;
    r->cfg = r->decode_cfg; /* what the engine and memory lines describe */
    r->engine = r->decode_engine;
    memory_line(&r->decode_cfg, &r->decode_engine, r);
    r->count = worker_gpus(&r->prefill_cfg) * r->prefill_workers +
               worker_gpus(&r->decode_cfg) * r->decode_workers;
    r->request.input_tokens = sc->perf.input_tokens;
    r->request.output_tokens = sc->perf.output_tokens;
    r->request.output_cv = sc->perf.output_tokens_cv;
    r->request.count = r->count;
    return GW_OK;
}

/* What a closed-loop run is asked for (perf: and perf.disagg). */
static void serve_request(const gw_scenario *sc, gw_serve_request *q)
{
    const gw_perf_settings *ps = &sc->perf;
    *q = (gw_serve_request){.input_tokens = ps->input_tokens,
                            .output_tokens = ps->output_tokens,
                            .length_low = ps->length_low,
                            .output_cv = ps->output_tokens_cv,
                            .concurrency = ps->concurrency,
                            .kv_link_bps = sc->disagg.kv_link_bandwidth_bps,
                            .kv_handover_s = sc->disagg.kv_handover_s};
}

/* The serving point becomes the headline: output tokens/s over all its
 * GPUs, its TTFT and TPOT; power at the utilisation of a decode rank
 * running its batch (the steady state of that batch; docs/commands.md). */
static void serving_headline(gw_perf_report *r, const gw_perf_engine *decode)
{
    const gw_serve_point *s = &r->serving;
    gw_perf_point *h = &r->serving_point;
    gw_perf_request one = {.count = (int)(decode->tp * decode->pp),
                           .input_tokens = r->serve_request.input_tokens,
                           .output_tokens = r->serve_request.output_tokens,
                           .output_cv = r->serve_request.output_cv};
    gw_perf_steady(decode, &one, fmax(1, floor(s->batch_per_rank)), h);
    h->batch = s->batch_per_rank;
    h->step_s = s->tpot_s;
    h->ttft_s = s->ttft_s;
    h->tokens_per_s = s->tps_gpu_out * s->gpus;
    r->count = (int)s->gpus;
    r->headline = h;
}

/* The serving point against perf's TTFT and TPOT targets, when given. */
static void serving_against_targets(const gw_perf_settings *ps, gw_perf_report *r)
{
    const gw_serve_point *s = &r->serving;
    size_t n = 0, cap = sizeof r->serving_missed;
    r->serving_missed[0] = 0;
    if (ps->ttft_slo_s > 0 && s->ttft_s > ps->ttft_slo_s)
        n += (size_t)snprintf(r->serving_missed, cap,
                              "TTFT %.4g ms at the serving point is above the %.4g ms target",
                              s->ttft_s * 1e3, ps->ttft_slo_s * 1e3);
    if (ps->tpot_slo_s > 0 && s->tpot_s > ps->tpot_slo_s && n < cap)
        snprintf(r->serving_missed + n, cap - n,
                 "%sTPOT %.4g ms at the serving point is above the %.4g ms target",
                 n ? "; " : "", s->tpot_s * 1e3, ps->tpot_slo_s * 1e3);
}

/* Aggregated at a client concurrency (gw_serve_agg) or disaggregated
 * (gw_serve_disagg); model errors name their field below perf: (a pool's
 * as disagg.prefill / disagg.decode). */
static int run_serving(const gw_scenario *sc, gw_perf_report *r, gw_error *err)
{
    serve_request(sc, &r->serve_request);
    int rc;
    if (r->has_disagg) {
        const gw_serve_pool pools[2] = {
            {.engine = &r->prefill_engine, .workers = r->prefill_workers},
            {.engine = &r->decode_engine, .workers = r->decode_workers}};
        rc = gw_serve_disagg(&pools[0], &pools[1], &r->serve_request, &r->serving, err);
    } else {
        int workers = r->count / worker_gpus(&r->cfg);
        rc = gw_serve_agg(&r->engine, workers, &r->serve_request, &r->serving, err);
    }
    if (rc)
        return rc;
    r->has_serving = 1;
    serving_against_targets(&sc->perf, r);
    serving_headline(r, r->has_disagg ? &r->decode_engine : &r->engine);
    serving_batch_bound(sc, r, r->has_disagg ? &r->decode_engine : &r->engine);
    return GW_OK;
}

/* length_low draws the closed loop's lengths: without a closed loop
 * (concurrency or disagg) perf would silently ignore it. */
static int check_closed_loop(const gw_scenario *sc, gw_error *err)
{
    const gw_perf_settings *ps = &sc->perf;
    if (ps->length_low > 0 && !(ps->concurrency > 0) && !sc->has_disagg)
        return gw_scenario_place_error(
            gw_error_field(err, "length_low",
                           "length_low %.3g without a closed loop; expected concurrency: C (or "
                           "disagg:) with it",
                           ps->length_low),
            sc->perf_node, err);
    return GW_OK;
}

static int run_inference(const gw_scenario *sc, gw_perf_report *r, gw_error *err)
{
    int rc;
    if ((rc = counts_ok(&sc->perf, err)) || (rc = check_closed_loop(sc, err)))
        return rc;
    r->frontier = frontier_given(sc);
    rc = sc->has_disagg ? run_disaggregated(sc, r, err) : run_aggregated(sc, r, err);
    gw_perf_known_error(sc->model.meta.id, sc->accelerator.meta.id, sc->efficiency.engine,
                        sc->has_disagg ? "disagg" : "agg", &r->caveat);
    if (rc == GW_OK && (sc->has_disagg || sc->perf.concurrency > 0))
        rc = run_serving(sc, r, err);
    if (rc || !r->headline)
        return rc;
    return headline_figures(sc, r, err);
}

static int run_training(const gw_scenario *sc, gw_perf_report *r, gw_error *err)
{
    const gw_train_settings *ts = &sc->training;
    const char *names[3] = {"count", "tp", "pp"};
    const double vals[3] = {ts->count, ts->tp, ts->pp};
    for (int i = 0; i < 3; i++)
        if (count_ok(vals[i], names[i], err))
            return err->code;
    gw_perf_config *c = &r->train_cfg;
    c->model = &sc->model;
    c->accel = &sc->accelerator;
    c->eff = &sc->efficiency;
    c->tp = (int)or_default(ts->tp, 1);
    c->pp = (int)or_default(ts->pp, 1);
    c->ep = 1;
    c->weights = c->kv = (gw_precision)precision_of(ts->precision, GW_PREC_BF16);
    gw_train_request *q = &r->train_request;
    q->count = (int)ts->count;
    q->precision = c->weights;
    q->tokens = ts->tokens;
    q->mfu = ts->mfu;
    /* Llama 3 405B pre-training: 8,192-token sequences (arXiv:2407.21783
     * §3.4.1); the batch and the schedule left out (0) are the model's
     * defaults, which scale with the cluster (docs/model.md §8.2) */
    q->sequence_length = or_default(ts->sequence_length, 8192);
    q->global_batch_tokens = ts->global_batch;
    q->micro_batch = ts->micro_batch;
    q->virtual_stages = ts->virtual_stages;
    q->accelerator_mtbi_s = sc->reliability.accelerator_mtbi_s;
    q->lost_per_interruption_s = sc->reliability.lost_per_interruption_s;
    int rc = gw_perf_train(c, q, &r->training, err);
    if (rc)
        return rc;
    r->has_training = 1;
    /* Training holds accelerators near full power (synchronous steps; the
     * Llama 3 report's site power swings come from the pauses). */
    if ((rc = power_per_accel(sc, 1.0, &r->train_it_w_per_accel, &r->train_grid_w_per_accel,
                              err)))
        return rc;
    double hours = r->training.train_days * 24;
    r->train_energy_wh = q->count * r->train_it_w_per_accel * hours;
    r->train_grid_energy_wh = q->count * r->train_grid_w_per_accel * hours;
    if (r->has_cost)
        r->train_usd = r->training.gpu_hours * r->usd_per_accel_hour;
    return GW_OK;
}

int gw_perf_run(const gw_scenario *sc, gw_perf_report *r, gw_error *err)
{
    memset(r, 0, sizeof *r);
    int rc;
    r->has_system = sc->has_system;
    if (sc->has_system) {
        /* cost per accelerator-hour: the plan model's full cost (capex
         * recovered over the IT life, energy, maintenance, staff) for one
         * rack of this system at the scenario's average load */
        gw_plan_input pi;
        gw_scenario_plan_input(sc, &pi);
        pi.target = GW_TARGET_ACCELERATORS;
        pi.target_value = sc->system.accelerators * sc->system.systems_per_rack;
        gw_plan_result pr;
        if ((rc = gw_plan_size(&pi, &pr, err)))
            return rc;
        r->usd_per_accel_hour = pr.usd_per_gpu_hour;
        r->has_cost = 1;
    }
    /* model errors name their setting (err->field): placed below the section */
    if (sc->want_inference &&
        (rc = gw_scenario_place_error(run_inference(sc, r, err), sc->perf_node, err)))
        return rc;
    if (sc->want_training &&
        (rc = gw_scenario_place_error(run_training(sc, r, err), sc->training_node, err)))
        return rc;
    return GW_OK;
}
