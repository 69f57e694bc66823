/* src/model/spec.c — speculative decoding in the perf model (models layer):
 * the acceptance per draft position (measured MTP lengths, or a given mean
 * length), and the drafter's cost (the model's own MTP head, or a separate
 * draft model) as per-pass constants for the step in perf.c. Equations and
 * measurements: docs/model.md §7.11. */
#include "gigawatt/perf.h"

#include <math.h>
#include <string.h>

#include "model_int.h"

/* Per-position acceptance when a model ships an MTP head but no measured
 * lengths: DeepSeek-V3 reports 85-90% for its second token
 * (F.fs.mtp.dsv3.second_token), taken for every position. */
#define MTP_FALLBACK_ACCEPT 0.875

/* Geometric acceptance p per position with 1 + p + ... + p^k = length. */
static double geometric_rate(double length, int k)
{
    double lo = 0, hi = 1;
    for (int it = 0; it < 60; it++) {
        double p = (lo + hi) / 2, sum = 1, term = 1;
        for (int i = 0; i < k; i++)
            sum += term *= p;
        if (sum < length)
            lo = p;
        else
            hi = p;
    }
    return (lo + hi) / 2;
}

/* §7.11: measured mean lengths a_j (nextn = j) give the chance the first i
 * drafts all pass, P_i = a_i - a_(i-1) (a_0 = 1; the chain's early
 * positions do not depend on how many follow), kept non-increasing; the
 * conditional acceptance of position i is P_i / P_(i-1). Beyond the last
 * measured nextn no further draft is accepted. */
static void rates_from_lengths(const gw_llm *m, int k, double *rate)
{
    double prev_len = 1, prev_all = 1;
    for (int i = 0; i < k; i++) {
        double len = i < m->mtp_accept_n ? m->mtp_accept_length[i] : prev_len;
        double all = fmin(prev_all, fmax(0, len - prev_len));
        rate[i] = prev_all > 0 ? all / prev_all : 0;
        prev_len = fmax(prev_len, len), prev_all = all;
    }
}

static int acceptance(const gw_perf_config *c, gw_perf_engine *e, gw_error *err)
{
    const gw_llm *m = c->model;
    int k = c->spec_tokens;
    if (c->spec_accept_length > 0) {
        if (c->spec_accept_length < 1 || c->spec_accept_length > k + 1)
            return gw_error_field(err, "spec_accept_length",
                                  "accept length %.3g with %d draft tokens; expected 1 to %d "
                                  "(the bonus token plus every draft)",
                                  c->spec_accept_length, k, k + 1);
        double p = geometric_rate(c->spec_accept_length, k);
        for (int i = 0; i < k; i++)
            e->spec_accept[i] = p;
    } else if (c->draft_model) {
        return gw_error_field(err, "spec_accept_length",
                              "draft model '%s' has no measured acceptance for '%s'; expected "
                              "spec_accept_length (mean tokens per verify step)",
                              c->draft_model->meta.id, m->meta.id);
    } else if (m->mtp_accept_n > 0) {
        rates_from_lengths(m, k, e->spec_accept);
    } else {
        for (int i = 0; i < k; i++)
            e->spec_accept[i] = MTP_FALLBACK_ACCEPT;
    }
    double all = 1, length = 1;
    for (int i = 0; i < k; i++)
        length += all *= e->spec_accept[i];
    e->spec_accept_length = length;
    return GW_OK;
}

/* The MTP head: one transformer layer of the model's own shape (an MoE
 * layer for an MoE model) plus the 2h x h projection joining the embedding
 * and the hidden state (DeepSeek-V3 §2.2); embedding and LM head shared. */
static void mtp_drafter(const gw_perf_config *c, gw_perf_engine *e, const gw_llm_params *p,
                        double moe_tp, double *resident_b)
{
    const gw_llm *m = c->model;
    double tp = c->tp, h = m->hidden_size, wb = gw_precision_bytes(c->weights);
    gw_precision xp = c->expert_weights_set ? c->expert_weights : c->weights;
    int moe = m->experts > 0;
    double dense = p->attention_per_layer + 2 * h * h +
                   (moe ? p->router + m->shared_experts * p->expert : p->dense_mlp_per_layer);
    double routed = moe ? m->active_experts * p->expert : 0;
    e->draft_flops_per_token = 2 * (dense + routed) / tp + e->head_flops_per_seq;
    e->draft_bytes_per_step = (dense + p->embedding) / tp * wb;
    e->draft_expert_bytes = moe ? p->expert / moe_tp * gw_precision_bytes(xp) : 0;
    double layers = e->stage_layers > 0 ? e->stage_layers : 1;
    e->draft_attn_flops_per_pair = e->attn_flops_per_pair / layers;
    e->draft_kv_bytes_per_token = e->kv_bytes_per_token / layers;
    *resident_b = dense / tp * wb + e->local_experts * e->draft_expert_bytes;
}

/* A separate draft model at the target's tensor parallelism, its own
 * engine: every pass reads all its weights and its KV cache. */
static int model_drafter(const gw_perf_config *c, gw_perf_engine *e, double *resident_b,
                         gw_error *err)
{
    gw_perf_config dc = {.model = c->draft_model, .accel = c->accel, .eff = c->eff,
                         .tp = c->tp, .pp = 1, .ep = 1, .weights = c->weights, .kv = c->kv};
    gw_perf_engine d;
    if (gw_perf_engine_init(&dc, &d, err)) {
        char why[sizeof err->msg];
        strcpy(why, err->msg);
        return gw_error_field(err, "draft_model", "draft model '%s' at tp %d: %s",
                              c->draft_model->meta.id, c->tp, why);
    }
    e->draft_flops_per_token = d.linear_flops_per_token + d.routed_flops_per_token +
                               d.head_flops_per_seq;
    e->draft_bytes_per_step = d.dense_weight_bytes + d.local_experts * d.expert_bytes;
    e->draft_attn_flops_per_pair = d.attn_flops_per_pair;
    e->draft_kv_bytes_per_token = d.kv_bytes_per_token;
    *resident_b = d.weight_bytes_per_gpu;
    return GW_OK;
}

int gwi_spec_setup(const gw_perf_config *c, gw_perf_engine *e, const gw_llm_params *p,
                   double moe_tp, double *resident_b, gw_error *err)
{
    const gw_llm *m = c->model;
    *resident_b = 0;
    e->spec_accept_length = 1;
    if (c->spec_tokens == 0)
        return GW_OK;
    if (c->spec_tokens < 0 || c->spec_tokens > GW_SPEC_MAX)
        return gw_error_field(err, "spec_tokens",
                              "%d draft tokens per step; expected 0 (off) to %d", c->spec_tokens,
                              GW_SPEC_MAX);
    if (!c->draft_model && !(m->mtp_modules > 0))
        return gw_error_field(err, "spec_tokens",
                              "model '%s' has no MTP head; expected a draft_model or "
                              "spec_tokens 0",
                              m->meta.id);
    e->spec_tokens = c->spec_tokens;
    int rc = acceptance(c, e, err);
    if (rc)
        return rc;
    if (c->draft_model)
        return model_drafter(c, e, resident_b, err);
    mtp_drafter(c, e, p, moe_tp, resident_b);
    return GW_OK;
}
