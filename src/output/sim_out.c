/* src/output/sim_out.c — a sim (replica simulation) result as text, as
 * JSON and as one CSV row per request (output layer).
 * JSON keys carry their unit in the name (`_w`, `_wh`, `_usd`), values
 * are SI; cJSON prints doubles with round-trip precision, so the same
 * result always gives the same bytes. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>

#include "gigawatt/output.h"
#include "json_int.h"
#include "text_int.h"

static void stat_object(cJSON *o, const char *k, const gw_stat *st)
{
    cJSON *x = cJSON_AddObjectToObject(o, k);
    const double v[5] = {st->mean, st->p50, st->p90, st->p99, st->max};
    const char *names[5] = {"mean", "p50", "p90", "p99", "max"};
    for (int i = 0; i < 5; i++)
        gw_json_num_or_null(x, names[i], v[i], isfinite(v[i]));
}

static const char *route_name(gw_route_kind k)
{
    return k == GW_ROUTE_KV_AWARE ? "kv-aware"
           : k == GW_ROUTE_LEAST_OUTSTANDING ? "least-outstanding" : "round-robin";
}

/* Closed loop, disaggregation or speculative decoding (docs/sim.md §2.3,
 * §3.6, §3.7): what an open-loop run without them never prints, so those
 * outputs stay as they were. */
static int frontier_run(const gw_sim_report *rep)
{
    return rep->sim.closed.concurrency > 0 || rep->sim.disagg.on || rep->engine.spec_tokens > 0;
}

/* §3.2 The pool that decodes (disaggregated: the decode pool; the prefill
 * pool hands every request over) and the sequences it decodes in one
 * iteration. */
static int decode_batch_cap(const gw_sim_report *rep, gw_sim_pool *o)
{
    const gw_sim_config *c = &rep->sim;
    *o = c->disagg.on ? c->disagg.decode
                      : (gw_sim_pool){.engine = c->engine, .max_running = c->max_running,
                                      .max_batched_tokens = c->max_batched_tokens};
    return gw_sim_decode_batch_cap(c->scheduler, o->max_running, o->max_batched_tokens,
                                   o->engine->spec_tokens);
}

static void pool_json(cJSON *o, const char *k, int workers, const gw_perf_config *c,
                      int replicas)
{
    cJSON *x = cJSON_AddObjectToObject(o, k);
    gw_json_num(x, "workers", workers);
    gw_json_num(x, "tp", c->tp);
    gw_json_num(x, "pp", c->pp);
    gw_json_num(x, "ep", c->ep);
    gw_json_num(x, "attention_dp", c->attention_dp > 1 ? c->attention_dp : 1);
    gw_json_num(x, "replicas", replicas);
    gw_json_num(x, "accelerators", (double)replicas * c->tp * c->pp);
}

/* The inputs and results of a frontier run (keys in SI; the three per-GPU
 * throughputs each named by its definition). */
static void frontier_json(cJSON *o, cJSON *in, const gw_sim_report *rep)
{
    const gw_sim_config *c = &rep->sim;
    const gw_sim_result *r = &rep->result;
    const gw_sim_closed_loop *cl = &c->closed;
    if (cl->concurrency > 0) {
        cJSON_AddStringToObject(in, "mode", "closed-loop");
        gw_json_num(in, "concurrency", cl->concurrency);
        gw_json_num(in, "input_tokens", cl->input_tokens);
        gw_json_num(in, "output_tokens", cl->output_tokens);
        gw_json_num(in, "length_low", cl->length_low > 0 ? cl->length_low : 1);
        gw_json_num_or_null(in, "duration_s", cl->duration_s, cl->duration_s > 0);
        gw_json_num(in, "warmup", (double)cl->warmup);
        cJSON_AddStringToObject(in, "tpot", "(e2e - ttft) / (output - 1)");
    }
    if (c->disagg.on) {
        cJSON *d = cJSON_AddObjectToObject(in, "disagg");
        pool_json(d, "prefill", rep->prefill_workers, &rep->cfg, c->replicas);
        pool_json(d, "decode", rep->decode_workers, &rep->decode_cfg, c->disagg.decode.replicas);
        gw_json_num(d, "kv_link_bandwidth_bps", c->disagg.kv_link_bps);
        gw_json_num(d, "kv_handover_s", c->disagg.kv_handover_s);
        gw_json_num(d, "kv_bytes_per_token", c->disagg.kv_bytes_per_token);
        gw_json_num(o, "kv_transfer_mean_s", r->kv_transfer_s);
    }
    gw_json_num(in, "spec_tokens", rep->engine.spec_tokens);
    gw_json_num_or_null(in, "spec_accept_length", rep->engine.spec_accept_length,
                        rep->engine.spec_tokens > 0);
    gw_json_num(o, "measured", (double)r->measured);
    gw_json_num(o, "concurrency_mean", r->concurrency_mean);
    gw_json_num_or_null(o, "tokens_per_decode_step", r->tokens_per_decode_step,
                        isfinite(r->tokens_per_decode_step));
    gw_json_num(o, "gpus", r->gpus);
    gw_json_num(o, "decode_gpus", r->decode_gpus);
    cJSON *t = cJSON_AddObjectToObject(o, "tokens_per_s_per_gpu");
    gw_json_num(t, "input_output_all_gpus", r->tps_gpu_io);
    gw_json_num(t, "output_all_gpus", r->tps_gpu_out);
    gw_json_num(t, "output_decode_gpus", r->tps_decode_gpu_out);
}

char *gw_sim_json(const gw_scenario *sc, const gw_sim_report *rep, const gw_capacity *cap)
{
    const gw_sim_result *r = &rep->result;
    const gw_sim_config *c = &rep->sim;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    gw_json_tag(o, "sim");
    cJSON *in = gw_json_model_inputs(o, sc);
    gw_json_num(in, "tp", rep->cfg.tp);
    gw_json_num(in, "pp", rep->cfg.pp);
    gw_json_num(in, "ep", rep->cfg.ep);
    cJSON_AddStringToObject(in, "precision", gw_precision_name(rep->cfg.weights));
    cJSON_AddStringToObject(in, "kv_precision", gw_precision_name(rep->cfg.kv));
    gw_json_num(in, "replicas", c->replicas);
    gw_json_num(in, "accelerators", rep->accelerators);
    cJSON_AddStringToObject(in, "scheduler", c->scheduler == GW_SCHED_SARATHI ? "sarathi" : "vllm");
    cJSON_AddStringToObject(in, "route", route_name(c->route));
    gw_json_num(in, "max_running", c->max_running);
    gw_json_num(in, "max_batched_tokens", c->max_batched_tokens);
    gw_sim_pool decoding;
    gw_json_num(in, "decode_batch_cap", decode_batch_cap(rep, &decoding));
    gw_json_num(in, "block_size", c->block_size);
    gw_json_num(in, "watermark", c->watermark);
    gw_json_num(in, "kv_tokens_per_replica",
                c->kv_tokens > 0 ? c->kv_tokens : rep->engine.kv_capacity_tokens);
    if (sc->sim.trace)
        cJSON_AddStringToObject(in, "trace", sc->sim.trace->text);
    else if (c->closed.concurrency == 0)
        gw_json_num(in, "rate", sc->sim.rate);
    if (frontier_run(rep))
        frontier_json(o, in, rep);
    gw_json_num(o, "requests", (double)r->requests);
    gw_json_num(o, "completed", (double)r->completed);
    gw_json_num(o, "rejected", (double)r->rejected);
    gw_json_num(o, "prompts_cut", (double)rep->workload.cut);
    gw_json_num(o, "iterations", (double)r->iterations);
    gw_json_num(o, "preemptions", (double)r->preemptions);
    gw_json_num(o, "events", (double)r->events);
    gw_json_num(o, "makespan_s", r->makespan_s);
    gw_json_num(o, "requests_per_s", r->requests_per_s);
    gw_json_num(o, "output_tokens_per_s", r->output_tokens_per_s);
    gw_json_num(o, "input_tokens_per_s", r->input_tokens_per_s);
    stat_object(o, "ttft_s", &r->ttft);
    stat_object(o, "tpot_s", &r->tpot);
    stat_object(o, "tbt_s", &r->tbt);
    stat_object(o, "e2e_s", &r->e2e);
    stat_object(o, "scheduling_delay_s", &r->scheduling_delay);
    stat_object(o, "batch_size", &r->batch_size);
    gw_json_num(o, "kv_use_mean", r->kv_use_mean);
    gw_json_num(o, "kv_use_max", r->kv_use_max);
    gw_json_num(o, "busy_fraction", r->busy_fraction);
    gw_json_num(o, "energy_j", r->energy_j);
    gw_json_num(o, "mean_power_w", r->mean_power_w);
    gw_json_num_or_null(o, "joules_per_output_token", r->joules_per_output_token,
                        isfinite(r->joules_per_output_token));
    double usd_h = rep->usd_per_accel_hour * rep->accelerators;
    gw_json_num_or_null(o, "usd_per_hour", usd_h, rep->has_cost);
    gw_json_num_or_null(o, "usd_per_million_output_tokens",
                        r->output_tokens_per_s > 0 ? 1e6 * usd_h / 3600 / r->output_tokens_per_s
                                                   : 0,
                        rep->has_cost && r->output_tokens_per_s > 0);
    if (r->timeline.n) {
        cJSON *t = cJSON_AddObjectToObject(o, "timeline");
        gw_json_num(t, "start_s", r->timeline.start_s);
        gw_json_num(t, "width_s", r->timeline.width_s);
        gw_json_array(t, "batch", r->timeline.batch, r->timeline.n);
        gw_json_array(t, "kv_use", r->timeline.kv_use, r->timeline.n);
        gw_json_array(t, "power_w", r->timeline.power_w, r->timeline.n);
        gw_json_array(t, "completed", r->timeline.done, r->timeline.n);
    }
    if (cap) {
        cJSON *x = cJSON_AddObjectToObject(o, "capacity");
        gw_json_num(x, "rate_scale", cap->scale);
        gw_json_num(x, "requests_per_s", cap->rate_rps);
        gw_json_num(x, "ttft_s", cap->ttft_s);
        gw_json_num(x, "tbt_s", cap->tbt_s);
        gw_json_num(x, "simulations", cap->simulations);
        /* what was asked and how the bisection got there (issue 14 item 8),
         * after the figures above so that they keep their bytes */
        gw_json_num_or_null(x, "ttft_target_s", cap->ttft_target_s, cap->ttft_target_s > 0);
        gw_json_num_or_null(x, "tbt_target_s", cap->tbt_target_s, cap->tbt_target_s > 0);
        gw_json_num(x, "quantile", cap->quantile);
        cJSON *steps = cJSON_AddArrayToObject(x, "steps");
        for (int i = 0; steps && i < cap->ntrials; i++) {
            const gw_capacity_trial *t = &cap->trial[i];
            cJSON *st = cJSON_CreateObject();
            gw_json_num(st, "rate_scale", t->scale);
            gw_json_num(st, "requests_per_s", t->rate_rps);
            gw_json_num(st, "ttft_s", t->ttft_s);
            gw_json_num(st, "tbt_s", t->tbt_s);
            cJSON_AddBoolToObject(st, "meets_targets", t->meets);
            cJSON_AddItemToArray(steps, st);
        }
    }
    return gw_json_finish(o);
}

static void stat_row(gw_buf *b, const char *label, const gw_stat *st, double scale,
                     const char *unit)
{
    char t[160];
    if (!isfinite(st->mean))
        snprintf(t, sizeof t, "n/a (no completed requests)");
    else
        snprintf(t, sizeof t, "%s / %s / %s / %s%s%s", gw_text_num(st->mean * scale, 4).s,
                 gw_text_num(st->p50 * scale, 4).s, gw_text_num(st->p90 * scale, 4).s,
                 gw_text_num(st->p99 * scale, 4).s, unit[0] ? " " : "", unit);
    gw_text_row(b, label, t);
}

/* The deployment and the workload of a frontier run, two lines. */
static void frontier_head(gw_buf *b, const gw_scenario *sc, const gw_sim_report *rep)
{
    const gw_sim_config *c = &rep->sim;
    const gw_sim_closed_loop *cl = &c->closed;
    const gw_perf_config *p = &rep->cfg, *d = &rep->decode_cfg;
    const char *sched = c->scheduler == GW_SCHED_SARATHI ? "sarathi" : "vllm";
    if (c->disagg.on)
        gw_buf_printf(b, "  %s on %d x %s (%s), disaggregated: %d prefill worker%s (tp %d pp %d "
                         "ep %d, %d replica%s), %d decode worker%s (tp %d pp %d ep %d, %d "
                         "replica%s), KV over %s GB/s + %s ms, %s scheduler\n",
                      sc->model.meta.id, rep->accelerators, sc->accelerator.meta.id,
                      gw_precision_name(p->weights), rep->prefill_workers,
                      rep->prefill_workers == 1 ? "" : "s", p->tp, p->pp, p->ep, c->replicas,
                      c->replicas == 1 ? "" : "s", rep->decode_workers,
                      rep->decode_workers == 1 ? "" : "s", d->tp, d->pp, d->ep,
                      c->disagg.decode.replicas, c->disagg.decode.replicas == 1 ? "" : "s",
                      gw_text_num(c->disagg.kv_link_bps / 1e9, 4).s,
                      gw_text_num(c->disagg.kv_handover_s * 1e3, 4).s, sched);
    else {
        /* a worker's attention-DP ranks are replicas that step together
         * (docs/sim.md §3.8): say so where there are some */
        char ranks[96] = "";
        if (p->attention_dp > 1)
            snprintf(ranks, sizeof ranks, " (%d worker%s of %d attention-DP ranks, ep %d, in "
                     "lock-step)", c->replicas / p->attention_dp,
                     c->replicas / p->attention_dp == 1 ? "" : "s", p->attention_dp, p->ep);
        gw_buf_printf(b, "  %s on %d x %s (tp %d pp %d, %s), %d replica%s%s, %s scheduler, %s "
                         "routing\n",
                      sc->model.meta.id, rep->accelerators, sc->accelerator.meta.id, p->tp, p->pp,
                      gw_precision_name(p->weights), c->replicas, c->replicas == 1 ? "" : "s",
                      ranks, sched, route_name(c->route));
    }
    char drawn[64] = "";
    if (cl->length_low > 0 && cl->length_low < 1)
        snprintf(drawn, sizeof drawn, " (drawn in [%s, 1] x these)", gw_text_num(cl->length_low, 3).s);
    if (cl->concurrency > 0)
        gw_buf_printf(b, "  closed loop: %d in flight, %.0f input / %.0f output tokens%s, %zu "
                         "requests issued, the first %zu not measured\n",
                      cl->concurrency, cl->input_tokens, cl->output_tokens, drawn,
                      rep->result.requests, cl->warmup);
    else
        gw_buf_printf(b, "  workload: %s, %zu requests\n",
                      sc->sim.trace ? sc->sim.trace->text : "synthetic", rep->result.requests);
    if (rep->engine.spec_tokens > 0)
        gw_buf_printf(b, "  speculative decoding: %.0f draft tokens a step, %s tokens a step "
                         "expected (accepted + 1)\n",
                      rep->engine.spec_tokens, gw_text_num(rep->engine.spec_accept_length, 3).s);
}

/* The rows only a frontier run has. */
static void frontier_rows(gw_buf *b, const gw_sim_report *rep)
{
    const gw_sim_result *r = &rep->result;
    char t[200];
    snprintf(t, sizeof t, "%s (InferenceX's definition)", gw_text_num(r->tps_gpu_io, 4).s);
    gw_text_row(b, "tok/s per GPU, in+out / all GPUs", t);
    snprintf(t, sizeof t, "%s", gw_text_num(r->tps_gpu_out, 4).s);
    gw_text_row(b, "tok/s per GPU, output / all GPUs", t);
    snprintf(t, sizeof t, "%s (LMSYS's, DeepSeek's; %s of %s GPUs)",
             gw_text_num(r->tps_decode_gpu_out, 4).s, gw_text_count(r->decode_gpus).s,
             gw_text_count(r->gpus).s);
    gw_text_row(b, "tok/s per GPU, out / decode GPUs", t);
    snprintf(t, sizeof t, "%s requests (sum of E2E / makespan, %s measured)",
             gw_text_num(r->concurrency_mean, 4).s, gw_text_count((double)r->measured).s);
    gw_text_row(b, "in flight (Little's law)", t);
    if (rep->sim.disagg.on) {
        snprintf(t, sizeof t, "%s ms per request", gw_text_num(r->kv_transfer_s * 1e3, 4).s);
        gw_text_row(b, "KV transfer + hand-over", t);
    }
    if (isfinite(r->tokens_per_decode_step) && rep->engine.spec_tokens > 0) {
        snprintf(t, sizeof t, "%s", gw_text_num(r->tokens_per_decode_step, 4).s);
        gw_text_row(b, "tokens per decode step", t);
    }
}

/* §3.2 A Sarathi budget that holds fewer decoding sequences than
 * max_running: the run decodes that many an iteration, which the user
 * would otherwise read as max_running. */
static void decode_cap_note(gw_buf *b, const gw_sim_report *rep)
{
    gw_sim_pool p;
    int cap = decode_batch_cap(rep, &p);
    if (cap >= p.max_running)
        return;
    gw_buf_printf(b, "  %sdecode batch capped at %d sequences an iteration: max_batched_tokens %d "
                     "at %.0f token%s a sequence (max_running %d)\n",
                  rep->sim.disagg.on ? "decode pool: " : "", cap, p.max_batched_tokens,
                  1 + p.engine->spec_tokens, p.engine->spec_tokens > 0 ? "s" : "",
                  p.max_running);
}

char *gw_sim_text(const gw_scenario *sc, const gw_sim_report *rep, const gw_capacity *cap)
{
    const gw_sim_result *r = &rep->result;
    const gw_sim_config *c = &rep->sim;
    gw_buf b = {0};
    char t[200];
    gw_buf_printf(&b, "sim%s%s\n", sc->name[0] ? ": " : "", sc->name);
    if (frontier_run(rep))
        frontier_head(&b, sc, rep);
    else
        gw_buf_printf(&b, "  %s on %d x %s (tp %d pp %d, %s), %d replica%s, %s scheduler, %s routing\n",
                  sc->model.meta.id, rep->accelerators, sc->accelerator.meta.id, rep->cfg.tp,
                  rep->cfg.pp, gw_precision_name(rep->cfg.weights), c->replicas,
                  c->replicas == 1 ? "" : "s", c->scheduler == GW_SCHED_SARATHI ? "sarathi" : "vllm",
                  route_name(c->route));
    gw_text_status_note(&b, sc); /* announced, power cap, assumed values: as perf says them */
    decode_cap_note(&b, rep);
    if (frontier_run(rep))
        ;
    else if (sc->sim.trace)
        gw_buf_printf(&b, "  workload: %s, %zu request%s (%zu prompt%s cut)\n",
                      sc->sim.trace->text, r->requests, r->requests == 1 ? "" : "s",
                      rep->workload.cut, rep->workload.cut == 1 ? "" : "s");
    else
        gw_buf_printf(&b, "  workload: synthetic, %s request%s at %s/s\n",
                      gw_text_count((double)r->requests).s, r->requests == 1 ? "" : "s",
                      gw_text_num(sc->sim.rate, 4).s);
    snprintf(t, sizeof t, "%s completed, %s rejected, %s preemptions",
             gw_text_count((double)r->completed).s, gw_text_count((double)r->rejected).s,
             gw_text_count((double)r->preemptions).s);
    gw_text_row(&b, "requests", t);
    snprintf(t, sizeof t, "%s req/s, %s output tok/s over %s s",
             gw_text_num(r->requests_per_s, 4).s, gw_text_num(r->output_tokens_per_s, 4).s,
             gw_text_num(r->makespan_s, 4).s);
    gw_text_row(&b, "throughput", t);
    gw_buf_printf(&b, "  %-34s %s\n", "", "mean / p50 / p90 / p99");
    stat_row(&b, "TTFT", &r->ttft, 1, "s");
    stat_row(&b, c->closed.concurrency > 0 ? "TPOT (E2E - TTFT) / (out - 1)" : "TPOT", &r->tpot,
             1e3, "ms");
    stat_row(&b, "TBT", &r->tbt, 1e3, "ms");
    stat_row(&b, "E2E", &r->e2e, 1, "s");
    stat_row(&b, "scheduling delay", &r->scheduling_delay, 1, "s");
    stat_row(&b, "batch size", &r->batch_size, 1, "");
    snprintf(t, sizeof t, "%.2f%% mean, %.2f%% max", 100 * r->kv_use_mean, 100 * r->kv_use_max);
    gw_text_row(&b, "KV cache in use", t);
    snprintf(t, sizeof t, "%.1f%%", 100 * r->busy_fraction);
    gw_text_row(&b, "replicas busy", t);
    snprintf(t, sizeof t, "%s iterations, %s events", gw_text_count((double)r->iterations).s,
             gw_text_count((double)r->events).s);
    gw_text_row(&b, "simulated", t);
    if (frontier_run(rep))
        frontier_rows(&b, rep);
    gw_text_row_si(&b, "energy (IT)", r->energy_j / 3600, "Wh");
    gw_text_row_si(&b, "mean power (IT)", r->mean_power_w, "W");
    if (isfinite(r->joules_per_output_token)) {
        snprintf(t, sizeof t, "%s J", gw_text_num(r->joules_per_output_token, 3).s);
        gw_text_row(&b, "energy per output token", t);
    }
    if (rep->has_cost && r->output_tokens_per_s > 0)
        gw_text_row_usd(&b, "cost per million output tokens", 1e6 * rep->usd_per_accel_hour *
                        rep->accelerators / 3600 / r->output_tokens_per_s);
    if (cap) {
        char ttft[40] = "any", tbt[40] = "any";
        if (cap->ttft_target_s > 0)
            snprintf(ttft, sizeof ttft, "<= %s s", gw_text_num(cap->ttft_target_s, 4).s);
        if (cap->tbt_target_s > 0)
            snprintf(tbt, sizeof tbt, "<= %s s", gw_text_num(cap->tbt_target_s, 4).s);
        snprintf(t, sizeof t, "p%s TTFT %s, TBT %s", gw_text_num(100 * cap->quantile, 4).s, ttft,
                 tbt);
        gw_text_row(&b, "capacity targets", t);
        snprintf(t, sizeof t, "%s req/s (x%s the workload's rate; %d simulations)",
                 gw_text_num(cap->rate_rps, 4).s, gw_text_num(cap->scale, 3).s, cap->simulations);
        gw_text_row(&b, "capacity at the targets", t);
    }
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}

char *gw_sim_requests_csv(const gw_sim_report *rep)
{
    const gw_sim_result *r = &rep->result;
    const gw_workload *w = &rep->workload;
    gw_buf b = {0};
    gw_buf_printf(&b, "id,replica,arrived_at,prompt_tokens,output_tokens,scheduled_at,"
                      "first_token_at,completed_at,ttft_s,tpot_s,e2e_s,restarts\n");
    for (size_t i = 0; r->per_request && i < w->n && !b.failed; i++) {
        const gw_sim_request *q = &r->per_request[i];
        if (isnan(q->completed)) {
            gw_buf_printf(&b, "%zu,%d,%s,%d,%d,,,,,,,%d\n", i, q->replica,
                          gw_text_real(w->arrival[i]).s, w->prompt[i], w->output[i], q->restarts);
            continue;
        }
        const double at[6] = {q->scheduled, q->first_token, q->completed,
                              q->first_token - w->arrival[i],
                              (q->completed - q->first_token) /
                                  (rep->sim.closed.concurrency > 0 ? w->output[i] - 1 : w->output[i]),
                              q->completed - w->arrival[i]};
        gw_buf_printf(&b, "%zu,%d,%s,%d,%d", i, q->replica, gw_text_real(w->arrival[i]).s,
                      w->prompt[i], w->output[i]);
        gw_csv_reals(&b, at, 6);
        gw_buf_printf(&b, ",%d\n", q->restarts);
    }
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}
