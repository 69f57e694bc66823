/* src/output/config_search_out.c — a configuration search's Pareto front
 * and best deployment as JSON, text and CSV (output layer). JSON keys
 * carry their unit (`_s`, `_per_s`); the JSON holds no wall-clock, so one
 * spec always gives the same bytes (the text says how long it took). */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gigawatt/config_search_out.h"
#include "gigawatt/output.h"
#include "json_int.h"
#include "text_int.h"

static const char *mode_name(unsigned modes)
{
    return modes == GW_SEARCH_AGG ? "agg" : modes == GW_SEARCH_DISAGG ? "disagg" : "both";
}

static cJSON *role_object(const gw_search_role *r)
{
    cJSON *o = cJSON_CreateObject();
    gw_json_num(o, "tp", r->tp);
    gw_json_num(o, "attention_dp", r->attention_dp);
    gw_json_num(o, "ep", r->ep);
    gw_json_num(o, "workers", r->workers);
    gw_json_num(o, "gpus", (double)r->workers * r->tp * r->attention_dp);
    return o;
}

static cJSON *point_object(const gw_search_point *p)
{
    const gw_serve_point *s = &p->serve;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "mode", p->disagg ? "disagg" : "agg");
    if (p->disagg)
        cJSON_AddItemToObject(o, "prefill", role_object(&p->prefill));
    else
        cJSON_AddNullToObject(o, "prefill");
    cJSON_AddItemToObject(o, p->disagg ? "decode" : "workers", role_object(&p->decode));
    gw_json_num(o, "mtp", p->spec_tokens);
    gw_json_num(o, "concurrency", p->concurrency);
    gw_json_num(o, "gpus", s->gpus);
    gw_json_num(o, "tokens_per_s_per_gpu", p->tps_gpu);
    gw_json_num(o, "tokens_per_s_per_user", p->tps_user);
    gw_json_num(o, "ttft_s", s->ttft_s);
    gw_json_num(o, "tpot_s", s->tpot_s);
    gw_json_num(o, "e2e_s", s->e2e_s);
    gw_json_num(o, "requests_per_s", s->requests_per_s);
    gw_json_num(o, "tps_gpu_io", s->tps_gpu_io);
    gw_json_num(o, "tps_gpu_out", s->tps_gpu_out);
    gw_json_num(o, "tps_decode_gpu_out", s->tps_decode_gpu_out);
    gw_json_num(o, "batch_per_rank", s->batch_per_rank);
    gw_json_num(o, "kv_transfer_s", s->kv_transfer_s);
    cJSON_AddStringToObject(o, "bound", s->bound);
    cJSON_AddBoolToObject(o, "meets_targets", p->meets_targets);
    return o;
}

static void inputs_object(cJSON *o, const gw_search_report *r)
{
    const gw_search_spec *s = &r->spec;
    cJSON *in = gw_json_model_inputs(o, r->sc);
    gw_json_num(in, "gpus", s->gpus);
    gw_json_num(in, "domain", s->domain);
    gw_json_num(in, "input_tokens", s->input_tokens);
    gw_json_num(in, "output_tokens", s->output_tokens);
    cJSON_AddStringToObject(in, "precision", gw_precision_name(s->base.weights));
    cJSON_AddStringToObject(in, "kv_precision", gw_precision_name(s->base.kv));
    if (s->base.expert_weights_set)
        cJSON_AddStringToObject(in, "expert_precision", gw_precision_name(s->base.expert_weights));
    else
        cJSON_AddNullToObject(in, "expert_precision");
    if (s->base.expert_activations_set) /* as expert_precision: null unless given */
        cJSON_AddStringToObject(in, "expert_activation_precision",
                                gw_precision_name(gw_perf_expert_compute(&s->base)));
    else
        cJSON_AddNullToObject(in, "expert_activation_precision");
    cJSON_AddBoolToObject(in, "eplb", s->base.eplb);
    gw_json_num(in, "redundant_experts", s->base.redundant_experts);
    cJSON_AddStringToObject(in, "cuda_graphs", s->base.piecewise_graphs ? "piecewise" : "decode");
    gw_json_num(in, "length_low", s->length_low > 0 ? s->length_low : 1);
    gw_json_num(in, "output_tokens_cv", s->output_cv);
    cJSON_AddStringToObject(in, "kv_policy", gw_perf_kv_policy_name(&s->base));
    cJSON_AddStringToObject(in, "mode", mode_name(s->modes));
    gw_json_num(in, "mtp_max", s->mtp_max);
}

char *gw_config_search_json(const gw_search_report *r)
{
    const gw_search_spec *s = &r->spec;
    const gw_search_result *x = &r->result;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    gw_json_tag(o, "config-search");
    inputs_object(o, r);
    cJSON_AddStringToObject(o, "metric", gw_search_metric_name(s->metric));
    cJSON *t = cJSON_AddObjectToObject(o, "targets");
    gw_json_num_or_null(t, "ttft_s", s->ttft_target_s, s->ttft_target_s > 0);
    gw_json_num_or_null(t, "tpot_s", s->tpot_target_s, s->tpot_target_s > 0);
    cJSON *front = cJSON_AddArrayToObject(o, "front");
    for (size_t i = 0; i < x->nfront; i++)
        cJSON_AddItemToArray(front, point_object(&x->front[i]));
    if (x->has_best)
        cJSON_AddItemToObject(o, "best", point_object(&x->best));
    else
        cJSON_AddNullToObject(o, "best");
    gw_json_num(o, "candidates_evaluated", (double)x->evaluated);
    gw_json_num(o, "candidates_refused", (double)x->failed);
    gw_json_num(o, "worker_shapes", (double)x->roles);
    gw_json_num(o, "worker_shapes_pruned", (double)x->roles_pruned);
    return gw_json_finish(o);
}

static char *finish(gw_buf *b)
{
    if (b->failed) {
        gw_buf_free(b);
        return NULL;
    }
    return b->s;
}

/* "2x tp1 dp16 ep16" */
static void role_label(char *buf, size_t n, const gw_search_role *r)
{
    snprintf(buf, n, "%dx tp%d dp%d ep%d", r->workers, r->tp, r->attention_dp, r->ep);
}

static void point_row(gw_buf *b, const gw_search_point *p, const char *mark)
{
    char pre[48] = "-", dec[48];
    if (p->disagg)
        role_label(pre, sizeof pre, &p->prefill);
    role_label(dec, sizeof dec, &p->decode);
    gw_buf_printf(b, "  %-6s %-20s %-20s %3d %7s %9s %9s %9s %8s %s\n",
                  p->disagg ? "disagg" : "agg", pre, dec, p->spec_tokens,
                  gw_text_count(round(p->concurrency)).s, gw_text_num(p->tps_gpu, 4).s,
                  gw_text_num(p->tps_user, 4).s, gw_text_num(p->serve.ttft_s * 1e3, 4).s,
                  gw_text_num(p->serve.tpot_s * 1e3, 4).s, mark);
}

static void point_header(gw_buf *b)
{
    gw_buf_printf(b, "  %-6s %-20s %-20s %3s %7s %9s %9s %9s %8s\n", "mode", "prefill",
                  "decode / workers", "mtp", "clients", "tok/s/GPU", "tok/s/usr", "TTFT ms",
                  "TPOT ms");
}

char *gw_config_search_text(const gw_search_report *r)
{
    const gw_search_spec *s = &r->spec;
    const gw_search_result *x = &r->result;
    const gw_scenario *sc = r->sc;
    gw_buf b = {0};
    char ttft[40] = "any", tpot[40] = "any";
    if (s->ttft_target_s > 0)
        snprintf(ttft, sizeof ttft, "<= %s ms", gw_text_num(s->ttft_target_s * 1e3, 4).s);
    if (s->tpot_target_s > 0)
        snprintf(tpot, sizeof tpot, "<= %s ms", gw_text_num(s->tpot_target_s * 1e3, 4).s);
    gw_buf_printf(&b, "configuration search%s%s\n", sc->name[0] ? ": " : "", sc->name);
    gw_buf_printf(&b, "  %s on %d x %s (scale-up domain %d), stack %s\n", sc->model.meta.id,
                  s->gpus, sc->accelerator.meta.id, s->domain, sc->efficiency.meta.id);
    char spread[64] = "", kv[48] = "", experts[64] = "";
    if (s->output_cv > 0)
        snprintf(spread, sizeof spread, " (outputs spread %.2f)", s->output_cv);
    else if (s->length_low > 0 && s->length_low < 1)
        snprintf(spread, sizeof spread, " (drawn in [%s, 1] x these)",
                 gw_text_num(s->length_low, 3).s);
    if (s->base.kv_policy != GW_KV_STACK)
        snprintf(kv, sizeof kv, ", KV %s", gw_perf_kv_policy_name(&s->base));
    if (s->base.expert_weights_set) {
        gw_precision act = gw_perf_expert_compute(&s->base);
        int n = snprintf(experts, sizeof experts, ", experts %s",
                         gw_precision_name(s->base.expert_weights));
        if (act != s->base.expert_weights && n > 0 && n < (int)sizeof experts)
            snprintf(experts + n, sizeof experts - (size_t)n, " (%s activations)",
                     gw_precision_name(act));
    }
    gw_buf_printf(&b, "  %.0f in / %.0f out tokens%s, %s weights, %s KV%s%s, mode %s, MTP up to "
                      "%d%s\n",
                  s->input_tokens, s->output_tokens, spread, gw_precision_name(s->base.weights),
                  gw_precision_name(s->base.kv), kv, experts, mode_name(s->modes), s->mtp_max,
                  s->base.piecewise_graphs ? ", CUDA graphs piecewise" : "");
    gw_buf_printf(&b, "  targets: TTFT %s, TPOT %s; tokens/s per GPU: %s\n", ttft, tpot,
                  s->metric == GW_SEARCH_TPS_OUT          ? "output over all GPUs"
                  : s->metric == GW_SEARCH_TPS_DECODE_OUT ? "output over decode GPUs"
                                                          : "input + output over all GPUs");
    gw_buf_printf(&b, "  %s candidates priced (%s refused) over %s worker shapes "
                      "(%s pruned) in %.3f s\n",
                  gw_text_count((double)x->evaluated).s, gw_text_count((double)x->failed).s,
                  gw_text_count((double)x->roles).s, gw_text_count((double)x->roles_pruned).s,
                  r->seconds);
    gw_buf_printf(&b, "\nbest under the targets:\n");
    if (x->has_best) {
        point_header(&b);
        point_row(&b, &x->best, "");
        gw_buf_printf(&b, "  bound by %s\n", x->best.serve.bound);
    } else {
        gw_buf_printf(&b, "  none: no deployment meets TTFT %s and TPOT %s\n", ttft, tpot);
    }
    gw_buf_printf(&b, "\nPareto front (%zu points, tokens/s per user ascending):\n", x->nfront);
    point_header(&b);
    for (size_t i = 0; i < x->nfront; i++)
        point_row(&b, &x->front[i], x->front[i].meets_targets ? "*" : "");
    if (s->ttft_target_s > 0 || s->tpot_target_s > 0)
        gw_buf_printf(&b, "  * meets the targets; the front holds the points within the TTFT "
                          "target\n");
    return finish(&b);
}

char *gw_config_search_csv(const gw_search_report *r)
{
    const gw_search_result *x = &r->result;
    gw_buf b = {0};
    gw_buf_printf(&b, "mode,prefill_workers,prefill_tp,prefill_attention_dp,prefill_ep,"
                      "decode_workers,decode_tp,decode_attention_dp,decode_ep,mtp,concurrency,"
                      "gpus,tokens_per_s_per_gpu,tokens_per_s_per_user,ttft_s,tpot_s,"
                      "requests_per_s,tps_gpu_io,tps_gpu_out,tps_decode_gpu_out,bound,"
                      "meets_targets,best\n");
    for (size_t i = 0; i < x->nfront; i++) {
        const gw_search_point *p = &x->front[i];
        const gw_search_role *pr = &p->prefill, *d = &p->decode;
        const gw_serve_point *s = &p->serve;
        int best = x->has_best && memcmp(p, &x->best, sizeof *p) == 0;
        const double v[10] = {p->concurrency,     s->gpus,        p->tps_gpu,
                              p->tps_user,        s->ttft_s,      s->tpot_s,
                              s->requests_per_s,  s->tps_gpu_io,  s->tps_gpu_out,
                              s->tps_decode_gpu_out};
        gw_buf_printf(&b, "%s,%d,%d,%d,%d,%d,%d,%d,%d,%d", p->disagg ? "disagg" : "agg",
                      pr->workers, pr->tp, pr->attention_dp, pr->ep, d->workers, d->tp,
                      d->attention_dp, d->ep, p->spec_tokens);
        gw_csv_reals(&b, v, 10);
        gw_buf_printf(&b, ",%s,%d,%d\n", s->bound, p->meets_targets, best);
    }
    return finish(&b);
}
