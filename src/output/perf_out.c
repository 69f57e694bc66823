/* src/output/perf_out.c — a perf result (inference operating points,
 * training time and cost) as text and as JSON (output layer).
 * JSON keys carry their unit in the name (`_w`, `_wh`, `_usd`), values
 * are SI; cJSON prints doubles with round-trip precision, so the same
 * result always gives the same bytes. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gigawatt/output.h"
#include "json_int.h"
#include "text_int.h"

static cJSON *point_object(const gw_perf_point *p)
{
    cJSON *o = cJSON_CreateObject();
    gw_json_num(o, "batch", p->batch);
    gw_json_num(o, "tokens_per_s", p->tokens_per_s);
    gw_json_num(o, "ttft_s", p->ttft_s);
    gw_json_num(o, "tpot_s", p->step_s);
    gw_json_num(o, "utilisation", p->utilisation);
    cJSON *s = cJSON_AddObjectToObject(o, "step_breakdown_s");
    gw_json_num(s, "linear", p->detail.linear_s);
    gw_json_num(s, "attention", p->detail.attention_s);
    gw_json_num(s, "communication", p->detail.comm_s);
    gw_json_num(s, "overhead", p->detail.overhead_s);
    return o;
}

/* The frontier settings as used (inputs), the efficiency stack the engine
 * picked, and the memory line (docs/commands.md, perf JSON). */
static void frontier_json(cJSON *o, cJSON *in, const gw_scenario *sc, const gw_perf_report *r)
{
    const gw_perf_settings *ps = &sc->perf;
    const gw_perf_config *c = &r->cfg;
    const gw_efficiency *f = &sc->efficiency;
    cJSON_AddStringToObject(in, "engine", ps->engine[0] ? ps->engine : f->engine);
    gw_json_num(in, "attention_dp", c->attention_dp > 1 ? c->attention_dp : 1);
    cJSON_AddStringToObject(in, "expert_precision",
                            gw_precision_name(c->expert_weights_set ? c->expert_weights
                                                                    : c->weights));
    cJSON_AddStringToObject(in, "expert_activation_precision",
                            gw_precision_name(gw_perf_expert_compute(c)));
    cJSON_AddBoolToObject(in, "eplb", c->eplb != 0);
    gw_json_num(in, "redundant_experts", c->redundant_experts);
    gw_json_num(in, "mtp", c->spec_tokens);
    gw_json_num_or_null(in, "spec_accept_length", r->engine.spec_accept_length,
                        c->spec_tokens > 0);
    if (sc->has_draft_model)
        cJSON_AddStringToObject(in, "draft_model", sc->draft_model.meta.id);
    else
        cJSON_AddNullToObject(in, "draft_model");
    gw_json_num(in, "memory_fraction", r->memory_fraction);
    gw_json_num(in, "max_num_tokens", r->engine.chunk_tokens);
    gw_json_num(in, "batch_wait_iters", c->batch_wait_iters);
    gw_json_num(in, "batch_wait_ratio", c->batch_wait_ratio);
    gw_json_num(in, "recv_interval", c->recv_interval > 1 ? c->recv_interval : 1);
    cJSON_AddStringToObject(in, "cuda_graphs", c->piecewise_graphs ? "piecewise" : "decode");
    gw_json_num_or_null(in, "concurrency", ps->concurrency, ps->concurrency > 0);
    gw_json_num(in, "length_low", ps->length_low > 0 ? ps->length_low : 1);
    gw_json_num(in, "output_tokens_cv", ps->output_tokens_cv);
    cJSON_AddStringToObject(in, "kv_policy", gw_perf_kv_policy_name(c));
    cJSON *st = cJSON_AddObjectToObject(o, "efficiency_stack");
    cJSON_AddStringToObject(st, "id", f->meta.id);
    cJSON_AddStringToObject(st, "engine", f->engine);
    cJSON_AddStringToObject(st, "version", f->version);
    cJSON_AddStringToObject(st, "generation", f->generation);
    cJSON *m = cJSON_AddObjectToObject(o, "memory_per_gpu");
    gw_json_num(m, "hbm_bytes", r->hbm_b);
    gw_json_num(m, "memory_fraction", r->memory_fraction);
    gw_json_num(m, "weights_bytes", r->engine.weight_bytes_per_gpu);
    gw_json_num(m, "workspace_bytes", r->workspace_b);
    gw_json_num(m, "kv_bytes", r->kv_b);
}

static cJSON *pool_json(const gw_perf_config *c, int workers)
{
    cJSON *o = cJSON_CreateObject();
    gw_json_num(o, "workers", workers);
    gw_json_num(o, "tp", c->tp);
    gw_json_num(o, "pp", c->pp);
    gw_json_num(o, "attention_dp", c->attention_dp > 1 ? c->attention_dp : 1);
    gw_json_num(o, "ep", c->ep);
    return o;
}

/* Is the engine's cap in force its iteration's token budget? */
static int cap_is_budget(const gw_perf_report *r)
{
    return r->batch_cap_from && strcmp(r->batch_cap_from, "token budget") == 0;
}

/* The engine's name for its cap on running sequences (docs/catalog.md),
 * or for its iteration's token budget when that is the cap. */
static const char *engine_cap_name(const gw_efficiency *f, const gw_perf_report *r)
{
    int budget = cap_is_budget(r);
    if (strcmp(f->engine, "vllm") == 0)
        return budget ? "max_num_batched_tokens" : "max_num_seqs";
    if (strcmp(f->engine, "sglang") == 0)
        return "max_running_requests";
    if (strcmp(f->engine, "trtllm") == 0)
        return budget ? "max_num_tokens" : "max_batch_size";
    return budget ? "token budget" : "max_batch";
}

/* What bound the headline batch, and the engine's cap in force, so a
 * comparison is not decided by an unstated default (issue 14). */
static void batch_limit_json(cJSON *o, const gw_scenario *sc, const gw_perf_report *r)
{
    cJSON *l = cJSON_AddObjectToObject(o, "batch_limit");
    cJSON_AddStringToObject(l, "bound", r->batch_bound);
    gw_json_num(l, "engine_cap", r->batch_cap);
    cJSON_AddStringToObject(l, "engine_cap_from", r->batch_cap_from);
    cJSON_AddStringToObject(l, "engine_cap_name", engine_cap_name(&sc->efficiency, r));
    gw_json_num_or_null(l, "kv_fit", r->batch_kv_fit, r->has_inference);
}

/* `bound` (cap NAME N, its origin[; the KV cache holds K]) on one row. */
static void batch_limit_text(gw_buf *b, const char *row, const char *bound,
                             const gw_scenario *sc, const gw_perf_report *r)
{
    char t[200], kv[64] = "";
    if (r->has_inference)
        snprintf(kv, sizeof kv, "; the KV cache holds %s", gw_text_count(r->batch_kv_fit).s);
    if (cap_is_budget(r))
        snprintf(t, sizeof t, "%s (%s %s at %s tokens a decoding sequence: %s%s)", bound,
                 engine_cap_name(&sc->efficiency, r), gw_text_count(r->engine.chunk_tokens).s,
                 gw_text_count(1 + r->engine.spec_tokens).s, gw_text_count(r->batch_cap).s, kv);
    else
        snprintf(t, sizeof t, "%s (%s %s, %s%s)", bound, engine_cap_name(&sc->efficiency, r),
                 gw_text_count(r->batch_cap).s,
                 sc->perf.max_batch > 0 ? "set by --max-batch" : "the engine's default", kv);
    gw_text_row(b, row, t);
}

/* Whose the serving point's KV hand-over is (gw_serve_kv_handover_s set it),
 * for the JSON, and as the text says it: a reader of a TensorRT-LLM or
 * SGLang deployment should know when vLLM's measurement stands in. */
static const char *handover_source(const gw_serve_point *p, int text)
{
    switch ((gw_handover_source)p->kv_handover_source) {
    case GW_HANDOVER_GIVEN:
        return text ? "the kv_handover setting" : "kv_handover setting";
    case GW_HANDOVER_STACK:
        return text ? "the decode stack's kv_handover" : "decode stack";
    default:
        return text ? "vLLM's NIXL connector, measured (F.fs.kv.nixl.handover): none measured "
                      "for this stack"
                    : "vLLM NIXL connector (F.fs.kv.nixl.handover)";
    }
}

/* A metric's median errors, or null where no check row was predicted. */
static void caveat_metric(cJSON *abs_o, cJSON *signed_o, const char *name, double abs_v,
                          double signed_v)
{
    gw_json_num_or_null(abs_o, name, abs_v, abs_v >= 0);
    gw_json_num_or_null(signed_o, name, signed_v, abs_v >= 0);
}

/* The validation's known large error where this configuration falls
 * (docs/perf-validation.md per partition), or null. */
static void caveat_json(cJSON *o, const gw_perf_caveat *c)
{
    if (!c->beyond) {
        cJSON_AddNullToObject(o, "caveat");
        return;
    }
    cJSON *k = cJSON_AddObjectToObject(o, "caveat");
    cJSON_AddStringToObject(k, "partition", c->partition);
    gw_json_num(k, "n", c->tpot_n > c->ttft_n ? c->tpot_n : c->ttft_n);
    gw_json_num(k, "threshold", GW_PERF_CAVEAT_THRESHOLD);
    cJSON *a = cJSON_AddObjectToObject(k, "median_abs_error");
    cJSON *sg = cJSON_AddObjectToObject(k, "signed_median");
    caveat_metric(a, sg, "ttft", c->ttft_median_abs, c->ttft_signed);
    caveat_metric(a, sg, "tpot", c->tpot_median_abs, c->tpot_signed);
    /* the benchmark runs of this model x accelerator x engine: positive,
     * the model serves more than measured */
    caveat_metric(a, sg, "throughput", c->throughput_median_abs, c->throughput_signed);
    gw_json_num(k, "throughput_n", c->throughput_n);
    cJSON_AddStringToObject(k, "source", "docs/perf-validation.md (data/perf/known-errors.csv)");
}

/* "TTFT 57.7% (signed -56.5%)" of one metric, or nothing without rows. */
static void caveat_metric_text(char *t, size_t size, const char *name, double abs_v,
                               double signed_v)
{
    if (abs_v >= 0)
        snprintf(t, size, "%s %.1f%% (signed %+.1f%%)", name, 100 * abs_v, 100 * signed_v);
    else
        snprintf(t, size, "%s not measured", name);
}

/* The caveat line: the serving partition's check-row errors where it has
 * predicted rows, then the benchmark throughput rows' where there are. */
static void caveat_text(gw_buf *b, const gw_perf_caveat *c)
{
    if (!c->beyond)
        return;
    char t[700], ttft[64], tpot[64], serving[300] = "", tput[240] = "";
    int n = c->tpot_n > c->ttft_n ? c->tpot_n : c->ttft_n;
    if (n > 0) {
        caveat_metric_text(ttft, sizeof ttft, "TTFT", c->ttft_median_abs, c->ttft_signed);
        caveat_metric_text(tpot, sizeof tpot, "TPOT", c->tpot_median_abs, c->tpot_signed);
        /* one run has an error, not a median */
        snprintf(serving, sizeof serving, "%s measured serving run%s: %serror %s, %s "
                 "(negative: predicted faster than measured)", gw_text_count(n).s,
                 n == 1 ? "" : "s", n == 1 ? "" : "median ", ttft, tpot);
    }
    if (c->throughput_median_abs >= 0)
        snprintf(tput, sizeof tput, "%s%s benchmark run%s of this model, accelerator and "
                 "engine: %sthroughput error %.1f%% (signed %+.1f%%: predicted more than "
                 "measured)", n > 0 ? "; " : "", gw_text_count(c->throughput_n).s,
                 c->throughput_n == 1 ? "" : "s", c->throughput_n == 1 ? "" : "median ",
                 100 * c->throughput_median_abs, 100 * c->throughput_signed);
    snprintf(t, sizeof t, "known large error in %s: %s%s (docs/perf-validation.md)",
             c->partition, serving, tput);
    gw_text_row(b, "caveat", t);
}

/* The closed-loop point (gw_serve_agg / gw_serve_disagg), keys in SI. */
static void serving_json(cJSON *o, const gw_scenario *sc, const gw_perf_report *r)
{
    if (r->has_disagg) {
        cJSON *d = cJSON_AddObjectToObject(o, "disagg");
        cJSON_AddItemToObject(d, "prefill", pool_json(&r->prefill_cfg, r->prefill_workers));
        cJSON_AddItemToObject(d, "decode", pool_json(&r->decode_cfg, r->decode_workers));
        gw_json_num_or_null(d, "kv_link_bandwidth_bps", sc->disagg.kv_link_bandwidth_bps,
                            sc->disagg.kv_link_bandwidth_bps > 0);
        gw_json_num_or_null(d, "kv_handover_s", sc->disagg.kv_handover_s,
                            sc->disagg.kv_handover_s > 0);
    }
    if (!r->has_serving)
        return;
    const gw_serve_point *p = &r->serving;
    cJSON *s = cJSON_AddObjectToObject(o, "serving");
    gw_json_num(s, "concurrency", r->serve_request.concurrency);
    gw_json_num(s, "ttft_s", p->ttft_s);
    gw_json_num(s, "tpot_s", p->tpot_s);
    gw_json_num(s, "e2e_s", p->e2e_s);
    gw_json_num(s, "requests_per_s", p->requests_per_s);
    gw_json_num(s, "tokens_per_s_per_user", p->tokens_per_user_s);
    gw_json_num(s, "tokens_per_s_per_gpu_io", p->tps_gpu_io);
    gw_json_num(s, "tokens_per_s_per_gpu_out", p->tps_gpu_out);
    gw_json_num(s, "tokens_per_s_per_decode_gpu_out", p->tps_decode_gpu_out);
    gw_json_num(s, "gpus", p->gpus);
    gw_json_num(s, "prefill_gpus", p->prefill_gpus);
    gw_json_num(s, "decode_gpus", p->decode_gpus);
    gw_json_num(s, "batch_per_rank", p->batch_per_rank);
    gw_json_num_or_null(s, "kv_transfer_s", p->kv_transfer_s, r->has_disagg);
    gw_json_num_or_null(s, "kv_handover_s", p->kv_handover_s, r->has_disagg);
    if (r->has_disagg)
        cJSON_AddStringToObject(s, "kv_handover_from", handover_source(p, 0));
    else
        cJSON_AddNullToObject(s, "kv_handover_from");
    cJSON_AddStringToObject(s, "bound", p->bound);
    if (r->serving_missed[0]) /* only where targets are given and missed */
        cJSON_AddStringToObject(s, "targets_missed", r->serving_missed);
    cJSON_AddStringToObject(s, "batch_bound", r->serving_batch_bound);
    gw_json_num(s, "engine_cap", r->batch_cap);
    cJSON_AddStringToObject(s, "engine_cap_from", r->batch_cap_from);
}

/* The inference half of perf's JSON, keys in the order they always had;
 * the frontier members (efficiency_stack, memory_per_gpu, disagg,
 * serving) only when a frontier setting is given. */
static void inference_json(cJSON *o, cJSON *in, const gw_scenario *sc, const gw_perf_report *r)
{
    const gw_perf_result *x = &r->inference;
    const gw_perf_request *q = &r->request;
    const int agg = r->has_inference;
    gw_json_num(in, "count", r->count);
    if (agg) {
        gw_json_num(in, "tp", r->cfg.tp);
        gw_json_num(in, "pp", r->cfg.pp);
        gw_json_num(in, "ep", r->cfg.ep);
        gw_json_num(in, "dp", r->dp);
    }
    cJSON_AddStringToObject(in, "precision", gw_precision_name(r->cfg.weights));
    cJSON_AddStringToObject(in, "kv_precision", gw_precision_name(r->cfg.kv));
    gw_json_num(in, "input_tokens", q->input_tokens);
    gw_json_num(in, "output_tokens", q->output_tokens);
    gw_json_num_or_null(in, "ttft_slo_s", q->ttft_slo_s, q->ttft_slo_s > 0);
    gw_json_num_or_null(in, "tpot_slo_s", q->tpot_slo_s, q->tpot_slo_s > 0);
    if (r->frontier)
        frontier_json(o, in, sc, r);
    const gw_perf_point *h = r->headline;
    cJSON_AddBoolToObject(o, "feasible", h != NULL);
    if (!h && agg)
        cJSON_AddStringToObject(o, "infeasible", x->infeasible);
    if (agg) {
        gw_json_num(o, "prefill_s", x->prefill_s);
        gw_json_num(o, "decode_step_s", x->decode_step_s);
        gw_json_num(o, "eager_step_s", r->engine.pp * r->engine.eager_step_s);
        gw_json_num(o, "max_batch", x->max_batch);
    }
    gw_json_num_or_null(o, "batch", h ? h->batch : 0, h != NULL);
    gw_json_num_or_null(o, "tokens_per_s", r->tokens_per_s, h != NULL);
    gw_json_num_or_null(o, "tokens_per_s_per_gpu", r->tokens_per_s_per_gpu, h != NULL);
    gw_json_num_or_null(o, "tokens_per_s_per_mw", r->tokens_per_s_per_mw, h != NULL);
    gw_json_num_or_null(o, "ttft_s", h ? h->ttft_s : 0, h != NULL);
    gw_json_num_or_null(o, "tpot_s", h ? h->step_s : 0, h != NULL);
    gw_json_num_or_null(o, "joules_per_token", r->joules_per_token, h != NULL);
    gw_json_num_or_null(o, "grid_joules_per_token", r->grid_joules_per_token, h != NULL);
    gw_json_num_or_null(o, "it_power_per_gpu_w", r->it_w_per_accel, h != NULL);
    gw_json_num_or_null(o, "tokens_per_usd", r->tokens_per_usd, h && r->has_cost);
    gw_json_num_or_null(o, "usd_per_million_tokens", r->usd_per_million_tokens,
                        h && r->has_cost);
    if (r->frontier)
        serving_json(o, sc, r);
    if (r->batch_bound)
        batch_limit_json(o, sc, r);
    caveat_json(o, &r->caveat);
    if (!agg)
        return;
    cJSON *mem = cJSON_AddObjectToObject(o, "memory");
    gw_json_num(mem, "weights_per_gpu_bytes", x->weights_per_gpu_b);
    gw_json_num(mem, "kv_bytes_per_token", x->kv_bytes_per_token);
    gw_json_num(mem, "kv_capacity_tokens", x->kv_capacity_tokens);
    cJSON_AddItemToObject(o, "offline", point_object(&x->offline));
    if (x->slo_given && x->slo_feasible)
        cJSON_AddItemToObject(o, "at_slo", point_object(&x->slo));
    cJSON *sw = cJSON_AddArrayToObject(o, "batch_sweep"); /* throughput vs batch */
    for (int i = 0; i < r->nsweep; i++)
        cJSON_AddItemToArray(sw, point_object(&r->sweep[i]));
}

/* The batch and schedule a training run used: given, or the defaults of
 * docs/model.md §8.2 (and whether they are). */
static void training_schedule_json(cJSON *ti, const gw_train_request *q, const gw_train_result *t)
{
    gw_json_num(ti, "global_batch_tokens", t->global_batch_tokens);
    cJSON_AddBoolToObject(ti, "global_batch_default", !(q->global_batch_tokens > 0));
    cJSON_AddBoolToObject(ti, "global_batch_above_published", t->batch_above_published);
    gw_json_num(ti, "micro_batch", t->micro_batch);
    gw_json_num(ti, "micro_batches_per_replica", t->micro_batches);
    gw_json_num(ti, "virtual_stages", t->virtual_stages);
    cJSON_AddBoolToObject(ti, "virtual_stages_default", !(q->virtual_stages >= 1));
}

char *gw_perf_json(const gw_scenario *sc, const gw_perf_report *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    gw_json_tag(o, "perf");
    cJSON *in = gw_json_model_inputs(o, sc);
    if (r->has_inference || r->has_disagg)
        inference_json(o, in, sc, r);
    gw_json_num_or_null(o, "usd_per_gpu_hour", r->usd_per_accel_hour, r->has_cost);
    if (r->has_training) {
        const gw_train_result *t = &r->training;
        const gw_train_request *q = &r->train_request;
        cJSON *ti = cJSON_AddObjectToObject(in, "training");
        gw_json_num(ti, "count", q->count);
        gw_json_num(ti, "tp", r->train_cfg.tp);
        gw_json_num(ti, "pp", r->train_cfg.pp);
        cJSON_AddStringToObject(ti, "precision", gw_precision_name(q->precision));
        gw_json_num(ti, "tokens", q->tokens);
        gw_json_num(ti, "sequence_length", q->sequence_length);
        training_schedule_json(ti, q, t);
        gw_json_num_or_null(ti, "mfu", q->mfu, q->mfu > 0);
        cJSON_AddStringToObject(ti, "reliability", sc->reliability.meta.id);
        gw_json_num(o, "train_days", t->train_days);
        gw_json_num(o, "compute_days", t->compute_days);
        gw_json_num(o, "gpu_hours", t->gpu_hours);
        gw_json_num(o, "mfu", t->mfu);
        gw_json_num(o, "mfu_predicted", t->mfu_predicted);
        gw_json_num(o, "training_flops", t->total_flops);
        gw_json_num(o, "flops_per_token", t->flops_per_token);
        gw_json_num(o, "goodput", t->goodput);
        gw_json_num(o, "interruptions", t->interruptions);
        gw_json_num(o, "pipeline_bubble_fraction", t->bubble_fraction);
        gw_json_num(o, "tp_comm_fraction", t->comm_fraction);
        cJSON *sh = cJSON_AddObjectToObject(o, "step_shares");
        gw_json_num(sh, "model_flops", t->step_model_flops);
        gw_json_num(sh, "kernels_below_peak", t->step_kernels);
        gw_json_num(sh, "tp_communication", t->step_tp_comm);
        gw_json_num(sh, "pipeline_bubble", t->step_bubble);
        gw_json_num(o, "energy_wh", r->train_energy_wh);
        gw_json_num(o, "grid_energy_wh", r->train_grid_energy_wh);
        gw_json_num_or_null(o, "training_usd", r->train_usd, r->has_cost);
    }
    return gw_json_finish(o);
}

/* A recipe's scheduler settings, when given (docs/serving.md §7.9.4,
 * §7.9.5): the token budget, batch waiting and whether it holds anything
 * here, SGLang's request poll. */
static void scheduler_text(gw_buf *b, const gw_perf_config *c, const gw_perf_report *r)
{
    int asked = c->batch_wait_iters > 0 || c->batch_wait_ratio > 0;
    if (!(c->max_num_tokens > 0 || asked || c->recv_interval > 1))
        return;
    const char *idle = r->has_disagg          ? "no pool runs prompts beside decodes"
                       : c->attention_dp > 1 ? "TensorRT-LLM skips it with attention DP"
                                             : NULL;
    char wait[160] = "", poll[64] = "", t[256];
    if (asked && !(c->batch_wait_iters > 0 && c->batch_wait_ratio > 0))
        snprintf(wait, sizeof wait,
                 ", no batch waiting (it needs both iterations and a ratio: %d, %.2f)",
                 c->batch_wait_iters, c->batch_wait_ratio);
    else if (asked && idle)
        snprintf(wait, sizeof wait, ", batch waiting %d iterations / %.2f holds nothing: %s",
                 c->batch_wait_iters, c->batch_wait_ratio, idle);
    else if (asked)
        snprintf(wait, sizeof wait, ", batch waiting up to %d iterations or %.2f of the budget",
                 c->batch_wait_iters, c->batch_wait_ratio);
    if (c->recv_interval > 1)
        snprintf(poll, sizeof poll, ", requests polled every %d decode iterations",
                 c->recv_interval);
    snprintf(t, sizeof t, "token budget %.0f per iteration%s%s", r->engine.chunk_tokens, wait,
             poll);
    gw_text_row(b, "scheduler", t);
}

/* The outputs' spread and the KV policy, where the scenario gives them
 * (docs/model.md §7.4.2, §7.5). */
static void lengths_text(gw_buf *b, const gw_scenario *sc, const gw_perf_report *r)
{
    const gw_perf_settings *ps = &sc->perf;
    char t[200];
    if (ps->output_tokens_cv > 0) {
        gw_perf_lengths L;
        gw_perf_lengths_of(ps->input_tokens, ps->output_tokens, 0, ps->output_tokens_cv, &L);
        snprintf(t, sizeof t, "spread %.2f (sd / mean): a decoding sequence's context averages "
                              "%s tokens, output-weighted (docs/model.md §7.4.2)",
                 ps->output_tokens_cv, gw_text_count(round(L.decode_context)).s);
        gw_text_row(b, "output lengths", t);
    }
    if (ps->kv_policy[0])
        gw_text_row(b, "KV per sequence",
                    r->engine.kv_reserve_full
                        ? "reserved for input + output at admission (kv_policy reserve)"
                        : "taken as needed (kv_policy on-demand)");
}

/* docs/model.md §7.2.3: what a step that mixes a prompt with decodes costs
 * beyond the graphed step, when the stack gives one for this model or the
 * recipe captures such steps piecewise. */
static void eager_text(gw_buf *b, const gw_perf_config *c, const gw_perf_engine *e)
{
    char t[160];
    if (c->piecewise_graphs)
        snprintf(t, sizeof t, "none: CUDA graphs capture it piecewise (cuda_graphs)");
    else if (e->eager_step_s > 0) /* every stage of the iteration pays its layers' */
        snprintf(t, sizeof t, "+%.0f ms without CUDA graphs (%.0f MLA layers; docs/model.md "
                              "§7.2.3)", e->pp * e->eager_step_s * 1e3, e->pp * e->stage_layers);
    else
        return;
    gw_text_row(b, "step with a prompt", t);
}

/* The engine, the frontier settings and the memory line of one GPU. */
static void frontier_text(gw_buf *b, const gw_scenario *sc, const gw_perf_report *r)
{
    char t[256];
    const gw_efficiency *f = &sc->efficiency;
    const gw_perf_config *c = &r->cfg;
    const char *engine = sc->perf.engine[0] ? sc->perf.engine : f->engine;
    snprintf(t, sizeof t, "%s%s%s (efficiency stack %s)", engine[0] ? engine : "not stated",
             f->version[0] ? " " : "", f->version, f->meta.id);
    gw_text_row(b, "engine", t);
    char adp[32] = ""; /* disaggregated: each pool's line says it */
    if (!r->has_disagg)
        snprintf(adp, sizeof adp, "attention-DP %d, ", c->attention_dp > 1 ? c->attention_dp : 1);
    gw_precision xw = c->expert_weights_set ? c->expert_weights : c->weights;
    char upcast[32] = ""; /* W4A8, W4A16 */
    if (gw_perf_expert_compute(c) != xw)
        snprintf(upcast, sizeof upcast, " (%s activations)",
                 gw_precision_name(gw_perf_expert_compute(c)));
    char redundant[48] = ""; /* SGLang's --ep-num-redundant-experts */
    if (c->redundant_experts > 0)
        snprintf(redundant, sizeof redundant, ", %d redundant", c->redundant_experts);
    int n = snprintf(t, sizeof t, "%sexperts %s%s%s, EPLB %s", adp, gw_precision_name(xw),
                     upcast, redundant, c->eplb ? "on" : "off");
    if (c->spec_tokens > 0 && n > 0 && n < (int)sizeof t)
        snprintf(t + n, sizeof t - (size_t)n, ", speculative %d tokens (%s, %.2f per step)",
                 c->spec_tokens, sc->has_draft_model ? sc->draft_model.meta.id : "MTP",
                 r->engine.spec_accept_length);
    else if (n > 0 && n < (int)sizeof t)
        snprintf(t + n, sizeof t - (size_t)n, ", no speculative decoding");
    gw_text_row(b, "settings", t);
    scheduler_text(b, c, r);
    lengths_text(b, sc, r);
    snprintf(t, sizeof t, "%.1f GB x %.2f - %.1f GB weights - %.1f GB workspace = %.1f GB KV",
             r->hbm_b / 1e9, r->memory_fraction, r->engine.weight_bytes_per_gpu / 1e9,
             r->workspace_b / 1e9, r->kv_b / 1e9);
    gw_text_row(b, r->has_disagg ? "memory per decode GPU" : "memory per GPU", t);
}

/* The closed-loop point: latency, per user, the three per-GPU rates. */
static void serving_text(gw_buf *b, const gw_scenario *sc, const gw_perf_report *r)
{
    const gw_serve_point *p = &r->serving;
    char t[160];
    if (r->serve_request.concurrency > 0)
        snprintf(t, sizeof t, "%s requests in flight, %s-bound",
                 gw_text_count(round(r->serve_request.concurrency)).s, p->bound);
    else /* Little's law: in flight = rate x time in the system */
        snprintf(t, sizeof t, "%s requests in flight (the most it holds), %s-bound",
                 gw_text_count(round(p->requests_per_s * p->e2e_s)).s, p->bound);
    gw_buf_printf(b, "  serving (closed loop):\n");
    gw_text_row(b, "  concurrency", t);
    batch_limit_text(b, "  batch per rank bound by", r->serving_batch_bound, sc, r);
    gw_text_row_si(b, "  TTFT", p->ttft_s, "s");
    gw_text_row_si(b, "  TPOT", p->tpot_s, "s");
    gw_text_row_num(b, "  tokens/s per user", p->tokens_per_user_s, "");
    gw_text_row_num(b, "  tokens/s per GPU", p->tps_gpu_io,
                    "input+output over all GPUs (InferenceX)");
    gw_text_row_num(b, "  tokens/s per GPU", p->tps_gpu_out, "output over all GPUs");
    gw_text_row_num(b, "  tokens/s per GPU", p->tps_decode_gpu_out,
                    "output over decode GPUs (LMSYS/DeepSeek)");
    if (r->has_disagg) {
        gw_text_row_si(b, "  KV transfer per request", p->kv_transfer_s, "s");
        snprintf(t, sizeof t, "%s ms of it (%s)", gw_text_num(p->kv_handover_s * 1e3, 3).s,
                 handover_source(p, 1));
        gw_text_row(b, "  hand-over", t);
    }
    if (r->serving_missed[0])
        gw_text_row(b, "  targets missed", r->serving_missed);
}

/* The disaggregated header: the two pools. */
static void disagg_text(gw_buf *b, const gw_scenario *sc, const gw_perf_report *r)
{
    const gw_perf_request *q = &r->request;
    const gw_perf_config *pc[2] = {&r->prefill_cfg, &r->decode_cfg};
    const int workers[2] = {r->prefill_workers, r->decode_workers};
    gw_buf_printf(b, "\nDisaggregated inference: %s x %s, %s weights, %s KV, %s in / %s out "
                     "tokens\n",
                  gw_text_count(r->count).s, sc->accelerator.meta.id,
                  gw_precision_name(r->cfg.weights), gw_precision_name(r->cfg.kv),
                  gw_text_count(round(q->input_tokens)).s, gw_text_count(round(q->output_tokens)).s);
    for (int i = 0; i < 2; i++) {
        char t[160];
        snprintf(t, sizeof t, "%d worker%s of tp %d pp %d attention-DP %d ep %d", workers[i],
                 workers[i] == 1 ? "" : "s", pc[i]->tp, pc[i]->pp,
                 pc[i]->attention_dp > 1 ? pc[i]->attention_dp : 1, pc[i]->ep);
        gw_text_row(b, i == 0 ? "prefill pool" : "decode pool", t);
    }
    frontier_text(b, sc, r);
}

/* The headline per GPU, MW and token (or why there is none). */
static void headline_text(gw_buf *b, const gw_perf_report *r, const char *infeasible)
{
    char t[160];
    if (!r->headline) {
        gw_buf_printf(b, "  infeasible: %s\n", infeasible);
        return;
    }
    gw_text_row_num(b, "tokens/s per GPU", r->tokens_per_s_per_gpu, "");
    gw_text_row_num(b, "tokens/s per MW (IT)", r->tokens_per_s_per_mw, "");
    gw_text_row_si(b, "IT power per GPU", r->it_w_per_accel, "W");
    snprintf(t, sizeof t, "%s J (IT), %s J (grid)", gw_text_num(r->joules_per_token, 3).s,
             gw_text_num(r->grid_joules_per_token, 3).s);
    gw_text_row(b, "energy per token", t);
    if (r->has_cost) {
        gw_text_row_usd(b, "cost per million tokens", r->usd_per_million_tokens);
        gw_text_row_num(b, "tokens per USD", r->tokens_per_usd, "");
    }
}

/* The inference section of `perf`'s text: the configuration, memory and
 * latency, the operating points, and the headline per GPU, MW and token. */
static void perf_text_inference(gw_buf *b, const gw_scenario *sc, const gw_perf_report *r)
{
    const gw_perf_result *x = &r->inference;
    const gw_perf_request *q = &r->request;
    gw_buf_printf(b, "\nInference: %s x %s, tp %d pp %d ep %d (%s replica%s), %s weights, "
                      "%s KV, %s in / %s out tokens\n",
                  gw_text_count(r->count).s, sc->accelerator.meta.id, r->cfg.tp, r->cfg.pp,
                  r->cfg.ep, gw_text_count(r->dp).s, r->dp == 1 ? "" : "s",
                  gw_precision_name(r->cfg.weights), gw_precision_name(r->cfg.kv),
                  gw_text_count(round(q->input_tokens)).s, gw_text_count(round(q->output_tokens)).s);
    if (r->frontier)
        frontier_text(b, sc, r);
    gw_text_row_si(b, "weights per GPU", x->weights_per_gpu_b, "B");
    gw_text_row_si(b, "KV cache per token (replica)", x->kv_bytes_per_token, "B");
    gw_text_row_num(b, "KV capacity (replica)", x->kv_capacity_tokens, "tokens");
    gw_text_row_num(b, "max batch", x->max_batch, "sequences per replica");
    batch_limit_text(b, "batch bound by", r->batch_bound, sc, r);
    gw_text_row_si(b, "prefill, one prompt", x->prefill_s, "s");
    gw_text_row_si(b, "decode step at max batch", x->decode_step_s, "s");
    eager_text(b, &r->cfg, &r->engine);
    const gw_perf_point *pts[2] = {&x->offline, x->slo_given && x->slo_feasible ? &x->slo : NULL};
    const char *names[2] = {"offline (best batch)", "at the latency targets"};
    for (int i = 0; i < 2; i++) {
        const gw_perf_point *p = pts[i];
        if (!p)
            continue;
        gw_buf_printf(b, "  %s:\n", names[i]);
        gw_text_row_num(b, "  batch", p->batch, "sequences per replica");
        gw_text_row_num(b, "  output tokens/s", p->tokens_per_s, "");
        gw_text_row_si(b, "  TTFT", p->ttft_s, "s");
        gw_text_row_si(b, "  TPOT", p->step_s, "s");
    }
    if (x->slo_given) {
        char slo[96], ttft[40] = "any", tpot[40] = "any";
        if (q->ttft_slo_s > 0)
            snprintf(ttft, sizeof ttft, "<= %s s", gw_text_num(q->ttft_slo_s, 3).s);
        if (q->tpot_slo_s > 0)
            snprintf(tpot, sizeof tpot, "<= %s s", gw_text_num(q->tpot_slo_s, 3).s);
        snprintf(slo, sizeof slo, "TTFT %s, TPOT %s", ttft, tpot);
        gw_text_row(b, "targets", slo);
    }
    if (r->has_serving)
        serving_text(b, sc, r);
    headline_text(b, r, x->infeasible);
}

/* The batch and schedule (given or default, §8.2) and where a step's time
 * goes: four shares of the step that add up to 100% (§8.3). */
static void training_schedule_text(gw_buf *b, const gw_train_request *q, const gw_train_result *x)
{
    char t[256];
    const char *why = q->global_batch_tokens > 0 ? " (given)"
                      : x->batch_above_published
                          ? " (default: one sequence per replica, above the published 62.9 M)"
                          : " (default: grows with dp, within the published 16.8-62.9 M)";
    snprintf(t, sizeof t, "%s tokens a step%s", gw_text_num(x->global_batch_tokens, 3).s, why);
    gw_text_row(b, "global batch", t);
    snprintf(t, sizeof t, "%s micro-batch%s of %s per replica, %s virtual stage%s%s",
             gw_text_count(x->micro_batches).s, x->micro_batches == 1 ? "" : "es",
             gw_text_count(x->micro_batch).s, gw_text_count(x->virtual_stages).s,
             x->virtual_stages == 1 ? "" : "s",
             q->virtual_stages >= 1 ? " (given)" : "");
    gw_text_row(b, "pipeline schedule", t);
    snprintf(t, sizeof t, "%.1f%% model FLOPs, %.1f%% kernels below peak, %.1f%% exposed TP "
             "communication, %.1f%% pipeline bubble",
             100 * x->step_model_flops, 100 * x->step_kernels, 100 * x->step_tp_comm,
             100 * x->step_bubble);
    gw_text_row(b, "step time (predicted)", t);
}

/* The training section of `perf`'s text: FLOPs, MFU and its losses,
 * goodput, time, GPU-hours, energy and cost. */
static void perf_text_training(gw_buf *b, const gw_scenario *sc, const gw_perf_report *r)
{
    char t[160];
    const gw_train_result *x = &r->training;
    const gw_train_request *q = &r->train_request;
    gw_buf_printf(b, "\nTraining: %s x %s, tp %d pp %d, %s, %s tokens of %s\n",
                  gw_text_count(q->count).s, sc->accelerator.meta.id, r->train_cfg.tp,
                  r->train_cfg.pp, gw_precision_name(q->precision), gw_text_num(q->tokens, 3).s,
                  gw_text_count(q->sequence_length).s);
    char flops[32], per_token[32];
    gw_format_si(x->total_flops, "FLOP", flops, sizeof flops);
    gw_format_si(x->flops_per_token, "FLOP", per_token, sizeof per_token);
    snprintf(t, sizeof t, "%s (%s per token)", flops, per_token);
    gw_text_row(b, "FLOPs", t);
    if (q->mfu > 0)
        snprintf(t, sizeof t, "%.1f%% given (the model predicts %.1f%%)", 100 * x->mfu,
                 100 * x->mfu_predicted);
    else
        snprintf(t, sizeof t, "%.1f%% predicted", 100 * x->mfu);
    gw_text_row(b, "MFU", t);
    training_schedule_text(b, q, x);
    snprintf(t, sizeof t, "%.1f%% (%s interruption%s, reliability %s)", 100 * x->goodput,
             gw_text_count(round(x->interruptions)).s,
             x->interruptions >= 0.5 && x->interruptions < 1.5 ? "" : "s",
             sc->reliability.meta.id);
    gw_text_row(b, "goodput", t);
    snprintf(t, sizeof t, "%.1f days (%.1f without interruptions)", x->train_days,
             x->compute_days);
    gw_text_row(b, "time", t);
    gw_text_row_num(b, "GPU-hours", x->gpu_hours, "");
    gw_text_row_si(b, "energy (IT)", r->train_energy_wh, "Wh");
    gw_text_row_si(b, "energy (grid)", r->train_grid_energy_wh, "Wh");
    if (r->has_cost)
        gw_text_row_usd(b, "cost", r->train_usd);
}

char *gw_perf_text(const gw_scenario *sc, const gw_perf_report *r)
{
    gw_buf b = {0};
    gw_buf_printf(&b, "perf%s%s\n", sc->name[0] ? ": " : "", sc->name);
    gw_buf_printf(&b, "  model %s on %s (efficiency %s)", sc->model.meta.id,
                  sc->accelerator.meta.id, sc->efficiency.meta.id);
    if (sc->has_system)
        gw_buf_printf(&b, "; power and cost from system %s%s%s%s\n", sc->system.meta.id,
                      sc->system_note[0] ? " (" : "", sc->system_note,
                      sc->system_note[0] ? ")" : "");
    else
        gw_buf_printf(&b, "; no system in the catalog has it: power from the accelerator "
                          "alone, cost unknown\n");
    gw_text_status_note(&b, sc);
    if (r->has_inference)
        perf_text_inference(&b, sc, r);
    if (r->has_inference || r->has_disagg)
        caveat_text(&b, &r->caveat);
    if (r->has_disagg) {
        disagg_text(&b, sc, r);
        if (r->has_serving)
            serving_text(&b, sc, r);
        headline_text(&b, r, "the serving model gave no point");
    }
    if (r->has_cost)
        gw_text_row_usd(&b, "cost per GPU-hour (plan model)", r->usd_per_accel_hour);
    if (r->has_training)
        perf_text_training(&b, sc, r);
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}
