/* src/output/perf_out.c — a perf result (inference operating points,
 * training time and cost) as text and as JSON (output layer).
 * JSON keys carry their unit in the name (`_w`, `_wh`, `_usd`), values
 * are SI; cJSON prints doubles with round-trip precision, so the same
 * result always gives the same bytes. */
#include <cjson/cJSON.h>
#include <stdio.h>

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


char *gw_perf_json(const gw_scenario *sc, const gw_perf_report *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    gw_json_tag(o, "perf");
    cJSON *in = gw_json_model_inputs(o, sc);
    if (r->has_inference) {
        const gw_perf_result *x = &r->inference;
        const gw_perf_request *q = &r->request;
        gw_json_num(in, "count", r->count);
        gw_json_num(in, "tp", r->cfg.tp);
        gw_json_num(in, "pp", r->cfg.pp);
        gw_json_num(in, "ep", r->cfg.ep);
        gw_json_num(in, "dp", r->dp);
        cJSON_AddStringToObject(in, "precision", gw_precision_name(r->cfg.weights));
        cJSON_AddStringToObject(in, "kv_precision", gw_precision_name(r->cfg.kv));
        gw_json_num(in, "input_tokens", q->input_tokens);
        gw_json_num(in, "output_tokens", q->output_tokens);
        gw_json_num_or_null(in, "ttft_slo_s", q->ttft_slo_s, q->ttft_slo_s > 0);
        gw_json_num_or_null(in, "tpot_slo_s", q->tpot_slo_s, q->tpot_slo_s > 0);
        const gw_perf_point *h = r->headline;
        cJSON_AddBoolToObject(o, "feasible", h != NULL);
        if (!h)
            cJSON_AddStringToObject(o, "infeasible", x->infeasible);
        gw_json_num(o, "prefill_s", x->prefill_s);
        gw_json_num(o, "decode_step_s", x->decode_step_s);
        gw_json_num(o, "max_batch", x->max_batch);
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
        gw_json_num(ti, "global_batch_tokens", q->global_batch_tokens);
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
        gw_json_num(o, "energy_wh", r->train_energy_wh);
        gw_json_num(o, "grid_energy_wh", r->train_grid_energy_wh);
        gw_json_num_or_null(o, "training_usd", r->train_usd, r->has_cost);
    }
    return gw_json_finish(o);
}

/* The inference section of `perf`'s text: the configuration, memory and
 * latency, the operating points, and the headline per GPU, MW and token. */
static void perf_text_inference(gw_buf *b, const gw_scenario *sc, const gw_perf_report *r)
{
    char t[160];
    const gw_perf_result *x = &r->inference;
    const gw_perf_request *q = &r->request;
    gw_buf_printf(b, "\nInference: %d x %s, tp %d pp %d ep %d (%d replica%s), %s weights, "
                      "%s KV, %.0f in / %.0f out tokens\n",
                  r->count, sc->accelerator.meta.id, r->cfg.tp, r->cfg.pp, r->cfg.ep, r->dp,
                  r->dp == 1 ? "" : "s", gw_precision_name(r->cfg.weights),
                  gw_precision_name(r->cfg.kv), q->input_tokens, q->output_tokens);
    gw_text_row_si(b, "weights per GPU", x->weights_per_gpu_b, "B");
    gw_text_row_si(b, "KV cache per token (replica)", x->kv_bytes_per_token, "B");
    gw_text_row_num(b, "KV capacity (replica)", x->kv_capacity_tokens, "tokens");
    gw_text_row_num(b, "max batch", x->max_batch, "sequences per replica");
    gw_text_row_si(b, "prefill, one prompt", x->prefill_s, "s");
    gw_text_row_si(b, "decode step at max batch", x->decode_step_s, "s");
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
            snprintf(ttft, sizeof ttft, "<= %.3g s", q->ttft_slo_s);
        if (q->tpot_slo_s > 0)
            snprintf(tpot, sizeof tpot, "<= %.3g s", q->tpot_slo_s);
        snprintf(slo, sizeof slo, "TTFT %s, TPOT %s", ttft, tpot);
        gw_text_row(b, "targets", slo);
    }
    if (!r->headline) {
        gw_buf_printf(b, "  infeasible: %s\n", x->infeasible);
    } else {
        gw_text_row_num(b, "tokens/s per GPU", r->tokens_per_s_per_gpu, "");
        gw_text_row_num(b, "tokens/s per MW (IT)", r->tokens_per_s_per_mw, "");
        gw_text_row_si(b, "IT power per GPU", r->it_w_per_accel, "W");
        snprintf(t, sizeof t, "%.3g J (IT), %.3g J (grid)", r->joules_per_token,
                 r->grid_joules_per_token);
        gw_text_row(b, "energy per token", t);
        if (r->has_cost) {
            gw_text_row_usd(b, "cost per million tokens", r->usd_per_million_tokens);
            gw_text_row_num(b, "tokens per USD", r->tokens_per_usd, "");
        }
    }
}

/* The training section of `perf`'s text: FLOPs, MFU and its losses,
 * goodput, time, GPU-hours, energy and cost. */
static void perf_text_training(gw_buf *b, const gw_scenario *sc, const gw_perf_report *r)
{
    char t[160];
    const gw_train_result *x = &r->training;
    const gw_train_request *q = &r->train_request;
    gw_buf_printf(b, "\nTraining: %d x %s, tp %d pp %d, %s, %.3g tokens of %.0f\n",
                  q->count, sc->accelerator.meta.id, r->train_cfg.tp, r->train_cfg.pp,
                  gw_precision_name(q->precision), q->tokens, q->sequence_length);
    snprintf(t, sizeof t, "%.3g (%.3g per token)", x->total_flops, x->flops_per_token);
    gw_text_row(b, "FLOPs", t);
    if (q->mfu > 0)
        snprintf(t, sizeof t, "%.1f%% given (the model predicts %.1f%%)", 100 * x->mfu,
                 100 * x->mfu_predicted);
    else
        snprintf(t, sizeof t, "%.1f%% predicted", 100 * x->mfu);
    gw_text_row(b, "MFU", t);
    snprintf(t, sizeof t, "%.1f%% bubble, %.1f%% exposed TP communication",
             100 * x->bubble_fraction, 100 * x->comm_fraction);
    gw_text_row(b, "losses in the prediction", t);
    snprintf(t, sizeof t, "%.1f%% (%.0f interruption%s, reliability %s)", 100 * x->goodput,
             x->interruptions, x->interruptions >= 0.5 && x->interruptions < 1.5 ? "" : "s",
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
    if (r->has_inference)
        perf_text_inference(&b, sc, r);
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
