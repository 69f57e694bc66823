/* src/model/perf.c — LLM inference and training performance (models layer).
 * The API and its contract: include/gigawatt/perf.h. The equations, with
 * their references, are docs/model.md §7–§8; section numbers below point there. */
#include "gigawatt/perf.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model_int.h"

/* Activations travel between GPUs in BF16 in every stack we model. */
#define ACT_BYTES 2.0

int gw_precision_parse(const char *s)
{
    if (strcmp(s, "bf16") == 0)
        return GW_PREC_BF16;
    if (strcmp(s, "fp8") == 0)
        return GW_PREC_FP8;
    if (strcmp(s, "fp4") == 0)
        return GW_PREC_FP4;
    return -1;
}

const char *gw_precision_name(gw_precision p)
{
    return p == GW_PREC_FP4 ? "fp4" : p == GW_PREC_FP8 ? "fp8" : "bf16";
}

double gw_precision_bytes(gw_precision p)
{
    /* NVFP4: 4-bit values plus one FP8 scale per 16 (NVIDIA, "Introducing
     * NVFP4", 2025) = 4.5 bits. */
    return p == GW_PREC_FP4 ? 4.5 / 8 : p == GW_PREC_FP8 ? 1.0 : 2.0;
}

double gw_precision_peak(const gw_accelerator *a, gw_precision p)
{
    return p == GW_PREC_FP4 ? a->fp4_flops : p == GW_PREC_FP8 ? a->fp8_flops : a->bf16_flops;
}

double gw_compute_efficiency(const gw_efficiency *f, gw_precision p)
{
    double v = p == GW_PREC_BF16 ? f->compute_bf16 : p == GW_PREC_FP4 ? f->compute_fp4 : 0;
    return v > 0 ? v : f->compute;
}

/* §7.1: parameters from the shape. Norms, biases and position tables are
 * left out (< 0.1% of any model here). */
void gw_llm_count_params(const gw_llm *m, gw_llm_params *o)
{
    memset(o, 0, sizeof *o);
    double h = m->hidden_size, nh = m->heads;
    if (gwi_is_mla(m)) {
        double qk = m->qk_nope_head_dim + m->qk_rope_head_dim;
        double q = m->q_lora_rank > 0 ? h * m->q_lora_rank + m->q_lora_rank * nh * qk : h * nh * qk;
        o->attention_per_layer = q + h * (m->kv_lora_rank + m->qk_rope_head_dim) +
                                 m->kv_lora_rank * nh * (m->qk_nope_head_dim + m->v_head_dim) +
                                 nh * m->v_head_dim * h;
    } else {
        double hd = m->head_dim > 0 ? m->head_dim : h / nh;
        double kv = m->kv_heads > 0 ? m->kv_heads : nh;
        o->attention_per_layer = 2 * h * nh * hd + 2 * h * kv * hd;
    }
    double mats = strcmp(m->mlp, "plain") == 0 ? 2 : 3;
    o->dense_mlp_per_layer = mats * h * m->ffn_size;
    o->expert = mats * h * m->moe_ffn_size;
    o->moe_layers = m->experts > 0 ? m->layers - m->dense_layers : 0;
    o->dense_layers = m->layers - o->moe_layers;
    o->router = m->experts > 0 ? h * m->experts : 0;
    o->embedding = m->vocab_size * h;
    double emb = o->embedding * (strcmp(m->embeddings, "tied") == 0 ? 1 : 2);
    double base = m->layers * o->attention_per_layer + o->dense_layers * o->dense_mlp_per_layer +
                  o->moe_layers * (o->router + m->shared_experts * o->expert) + emb;
    o->total = base + o->moe_layers * m->experts * o->expert;
    o->active = base + o->moe_layers * m->active_experts * o->expert;
}

int gw_llm_check(const gw_llm *m, gw_error *err)
{
    const char *id = m->meta.id;
    if (gwi_is_mla(m)) {
        if (m->kv_lora_rank <= 0 || m->qk_rope_head_dim <= 0 || m->qk_nope_head_dim <= 0 ||
            m->v_head_dim <= 0)
            return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                                "model '%s' has attention mla but lacks kv_lora_rank, "
                                "qk_nope_head_dim, qk_rope_head_dim or v_head_dim; expected all",
                                id);
    } else if (m->kv_heads > m->heads || fmod(m->heads, m->kv_heads > 0 ? m->kv_heads : m->heads))
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "model '%s': kv_heads %.0f does not divide heads %.0f; expected a "
                            "divisor (grouped-query attention)",
                            id, m->kv_heads, m->heads);
    if (m->sliding_layers > m->layers || (m->sliding_layers > 0 && !(m->sliding_window > 0)))
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "model '%s' has %.0f sliding-window layers of %.0f with a window "
                            "of %.0f tokens; expected at most %.0f layers and a window > 0",
                            id, m->sliding_layers, m->layers, m->sliding_window, m->layers);
    if (m->experts > 0) {
        if (m->active_experts < 1 || m->active_experts > m->experts || m->moe_ffn_size <= 0 ||
            m->dense_layers >= m->layers)
            return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                                "model '%s' has %.0f experts; expected active_experts in 1..%.0f, "
                                "moe_ffn_size > 0 and dense_layers < layers",
                                id, m->experts, m->experts);
    } else if (m->ffn_size <= 0)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "model '%s' is dense but has no ffn_size; expected the MLP width", id);
    gw_llm_params p;
    gw_llm_count_params(m, &p);
    double rel = p.total / m->parameters - 1;
    if (fabs(rel) > 0.03)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "model '%s': its shape gives %.4g parameters but 'parameters' says "
                            "%.4g (%+.1f%%); expected them within 3%% (check the shape)",
                            id, p.total, m->parameters, 100 * rel);
    return GW_OK;
}

/* Ring all-reduce moves 2(n-1)/n of the message over each link
 * (Patarasuk & Yuan 2009); docs/model.md §7.3. */
static double ring_factor(double n)
{
    return n > 1 ? 2 * (n - 1) / n : 0;
}

/* The frontier settings (§7.8-§7.11): attention-DP ranks the experts can
 * span, an expert precision the accelerator has, a memory share. */
/* A scheduler setting only `engine` has (`what` says whose), `given` on
 * another engine's stack: an error at `field`; a stack that names no
 * engine takes it. */
static int engine_only(const gw_perf_config *c, int given, const char *engine,
                       const char *field, const char *what, const char *none, gw_error *err)
{
    if (!given || !c->eff->engine[0] || strcmp(c->eff->engine, engine) == 0)
        return GW_OK;
    return gw_error_field(err, field, "%s and stack '%s' is %s's; expected engine %s or %s",
                          what, c->eff->meta.id, c->eff->engine, engine, none);
}

/* The token budget of one iteration: the recipe's, else the stack's. */
static double iteration_budget(const gw_perf_config *c)
{
    return c->max_num_tokens > 0 ? c->max_num_tokens : c->eff->chunk_tokens;
}

/* Does the stack's scheduler run waiting prompts as prefill batches before
 * any decode (SGLang), rather than mixing them into the decode iterations? */
static int prefill_first(const gw_efficiency *f)
{
    return strcmp(f->scheduler, "prefill-first") == 0;
}

/* §7.9 A mixed scheduler charges every decoding sequence's 1 + k tokens
 * (its own and its drafts) to the iteration's token budget, the running
 * sequences before any prompt, and stops when the budget is spent: at most
 * floor(budget / (1 + k)) sequences decode in one iteration, the rest hold
 * their KV and wait (TensorRT-LLM MicroBatchScheduler: a generation request
 * takes beam width + draft tokens of maxNumTokens; vLLM v1 Scheduler: the
 * running requests' num_tokens_with_spec from token_budget first). Shared
 * with the replica simulator's Sarathi batch (docs/sim.md §3.2). */
double gw_perf_budget_decode_seqs(double budget_tokens, int spec_tokens)
{
    return floor(fmax(0, budget_tokens) / (1 + fmax(0, spec_tokens)));
}

/* The engine's cap from its budget: a prefill-first scheduler (SGLang) runs
 * its decode batches outside the prefill budget. 0: the budget does not
 * bound the batch. */
static double decode_budget_seqs(const gw_perf_engine *e, int spec_tokens)
{
    if (e->prefill_first || !(e->chunk_tokens > 0))
        return 0;
    return fmax(1, gw_perf_budget_decode_seqs(e->chunk_tokens, spec_tokens));
}

static int check_serving_settings(const gw_perf_config *c, gw_error *err)
{
    const gw_llm *m = c->model;
    if (c->attention_dp < 0)
        return gw_error_field(err, "attention_dp",
                              "attention data parallelism %d; expected a whole number >= 1",
                              c->attention_dp);
    int worker = c->tp * (c->attention_dp > 1 ? c->attention_dp : 1);
    if (c->attention_dp > 1 && m->experts > 0 && worker % c->ep != 0)
        return gw_error_field(err, "ep",
                              "expert parallelism %d does not divide the %d GPUs of a worker of "
                              "tp %d x attention_dp %d; expected a divisor of %d (the experts "
                              "spread over the worker's attention ranks)",
                              c->ep, worker, c->tp, c->attention_dp, worker);
    if (c->attention_dp > 1 && !(c->accel->scaleup_bandwidth_bps > 0) && m->experts > 0)
        return gw_error_field(err, "attention_dp",
                              "accelerator '%s' has no scaleup_bandwidth, needed for experts "
                              "across %d attention ranks; expected it or attention_dp 1",
                              c->accel->meta.id, c->attention_dp);
    if (c->expert_weights_set && !(m->experts > 0))
        return gw_error_field(err, "expert_precision",
                              "an expert precision given but '%s' is dense; expected none",
                              m->meta.id);
    gw_precision xw = c->expert_weights_set ? c->expert_weights : c->weights;
    if (c->expert_activations_set && !(m->experts > 0))
        return gw_error_field(err, "expert_activation_precision",
                              "an expert activation precision given but '%s' is dense; "
                              "expected none",
                              m->meta.id);
    if (c->expert_activations_set &&
        gw_precision_bytes(c->expert_activations) < gw_precision_bytes(xw))
        return gw_error_field(err, "expert_activation_precision",
                              "%s activations with %s expert weights; expected activations at "
                              "least as wide as the weights (W4A8, W4A16)",
                              gw_precision_name(c->expert_activations), gw_precision_name(xw));
    /* the experts' matmuls need their compute precision; 4-bit weights
     * upcast by a W4A16 kernel need no FP4 matmuls (Hopper's Marlin) */
    if (c->expert_weights_set && gw_precision_peak(c->accel, gw_perf_expert_compute(c)) <= 0)
        return gw_error_field(err, c->expert_activations_set ? "expert_activation_precision"
                                                            : "expert_precision",
                              "accelerator '%s' has no %s support for the experts; expected a "
                              "precision it supports%s",
                              c->accel->meta.id, gw_precision_name(gw_perf_expert_compute(c)),
                              c->expert_activations_set
                                  ? ""
                                  : ", or wider activations that upcast them "
                                    "(expert_activation_precision bf16: W4A16)");
    if (c->memory_fraction < 0 || c->memory_fraction > 1)
        return gw_error_field(err, "memory_fraction",
                              "memory fraction %g; expected a share of HBM in (0, 1]",
                              c->memory_fraction);
    if (c->max_num_tokens < 0)
        return gw_error_field(err, "max_num_tokens",
                              "%d tokens per iteration; expected a budget >= 1 (0 = the "
                              "stack's)",
                              c->max_num_tokens);
    /* a mixed scheduler charges a decoding sequence its token and its
     * drafts (decode_budget_seqs): a smaller budget never decodes one */
    if (c->max_num_tokens > 0 && c->spec_tokens > 0 && c->max_num_tokens < 1 + c->spec_tokens &&
        !prefill_first(c->eff))
        return gw_error_field(err, "max_num_tokens",
                              "%d tokens per iteration cannot hold one decoding sequence with "
                              "%d draft tokens; expected at least %d",
                              c->max_num_tokens, c->spec_tokens, 1 + c->spec_tokens);
    if (c->batch_wait_iters < 0)
        return gw_error_field(err, "batch_wait_iters",
                              "%d iterations; expected >= 0 (0 = no batch waiting)",
                              c->batch_wait_iters);
    if (!(c->batch_wait_ratio >= 0 && c->batch_wait_ratio <= 1))
        return gw_error_field(err, "batch_wait_ratio",
                              "batch-wait token ratio %g; expected a share of the budget in "
                              "0..1 (0 = no batch waiting)",
                              c->batch_wait_ratio);
    if (c->recv_interval < 0)
        return gw_error_field(err, "recv_interval",
                              "%d iterations; expected >= 0 (0 or 1 = every iteration)",
                              c->recv_interval);
    char poll[96];
    snprintf(poll, sizeof poll, "a request poll every %d iterations is SGLang's "
             "(--scheduler-recv-interval)", c->recv_interval);
    int rc = engine_only(c, c->recv_interval > 1, "sglang", "recv_interval", poll, "none", err);
    if (rc == GW_OK)
        rc = engine_only(c, c->batch_wait_iters > 0 || c->batch_wait_ratio > 0, "trtllm",
                         c->batch_wait_iters > 0 ? "batch_wait_iters" : "batch_wait_ratio",
                         "batch waiting is TensorRT-LLM's (batch_wait_timeout_iters, "
                         "batch_wait_max_tokens_ratio)",
                         "no batch waiting", err);
    return rc;
}

double gwi_tp_link_rate(const gw_accelerator *a, const gw_efficiency *f, int tp)
{
    double rate = a->scaleup_bandwidth_bps / 2 * f->scaleup; /* catalog: bidirectional */
    if (a->scaleup_domain > 0 && tp > a->scaleup_domain)
        rate = fmin(rate, a->scaleout_bandwidth_bps * f->scaleup); /* one direction */
    return rate;
}

int gwi_check_tp_domain(const gw_accelerator *a, int tp, gw_error *err)
{
    if (!(a->scaleup_domain > 0) || tp <= a->scaleup_domain || a->scaleout_bandwidth_bps > 0)
        return GW_OK;
    return gw_error_field(err, "tp",
                          "tensor parallelism %d spans more than one scale-up domain ('%s': "
                          "%.0f per domain) and it has no scaleout_bandwidth to cross them; "
                          "expected tp <= %.0f or a scaleout_bandwidth",
                          tp, a->meta.id, a->scaleup_domain, a->scaleup_domain);
}

/* The configuration against the model and the accelerator: parallelism
 * that divides what it splits, a scale-up link where GPUs talk, precisions
 * the accelerator has. Errors name the setting (err->field). */
static int check_config(const gw_perf_config *c, gw_error *err)
{
    const gw_llm *m = c->model;
    const gw_accelerator *a = c->accel;
    int rc = gw_llm_check(m, err);
    if (rc)
        return rc;
    if (c->tp < 1 || c->pp < 1 || c->ep < 1)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "parallelism tp %d, pp %d, ep %d; expected whole numbers >= 1",
                            c->tp, c->pp, c->ep);
    if (fmod(m->heads, c->tp) != 0)
        return gw_error_field(err, "tp",
                              "tensor parallelism %d does not divide the %.0f attention heads of "
                              "'%s'; expected a divisor of %.0f",
                              c->tp, m->heads, m->meta.id, m->heads);
    if ((c->tp > 1 || c->pp > 1 || c->ep > c->tp) && !(a->scaleup_bandwidth_bps > 0))
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "accelerator '%s' has no scaleup_bandwidth, needed for tp %d pp %d "
                            "ep %d; expected it in the scenario or tp = pp = ep = 1",
                            a->meta.id, c->tp, c->pp, c->ep);
    if ((rc = gwi_check_tp_domain(a, c->tp, err)))
        return rc;
    double kvh = m->kv_heads > 0 ? m->kv_heads : m->heads;
    if (!gwi_is_mla(m) && fmod(kvh, c->tp) != 0 && fmod(c->tp, kvh) != 0)
        return gw_error_field(err, "tp",
                              "tensor parallelism %d neither divides nor is a multiple of the %.0f "
                              "KV heads of '%s'; expected one or the other",
                              c->tp, kvh, m->meta.id);
    if (fmod(m->layers, c->pp) != 0)
        return gw_error_field(err, "pp",
                              "pipeline parallelism %d does not divide the %.0f layers of '%s'; "
                              "expected a divisor of %.0f",
                              c->pp, m->layers, m->meta.id, m->layers);
    if (c->ep > 1 && m->experts <= 0)
        return gw_error_field(err, "ep",
                              "expert parallelism %d given but '%s' is dense; expected ep 1",
                              c->ep, m->meta.id);
    if (c->redundant_experts < 0 || (c->redundant_experts > 0 && m->experts <= 0))
        return gw_error_field(err, "redundant_experts",
                              "%d redundant experts on '%s'%s; expected 0%s",
                              c->redundant_experts, m->meta.id,
                              m->experts > 0 ? "" : ", which is dense",
                              m->experts > 0 ? " or more" : "");
    /* §7.8.4 the physical slots are what the ep GPUs share (SGLang requires
     * them to divide); EPLB without a stated count keeps one per GPU */
    double slots = m->experts + c->redundant_experts;
    if (c->redundant_experts > 0 && fmod(slots, c->ep) != 0)
        return gw_error_field(err, "ep",
                              "expert parallelism %d does not divide the %.0f expert slots of "
                              "'%s' (%.0f experts + %d redundant); expected a divisor of %.0f",
                              c->ep, slots, m->meta.id, m->experts, c->redundant_experts, slots);
    if (m->experts > 0 && fmod(m->experts, c->ep) != 0 && !c->eplb && !c->redundant_experts)
        return gw_error_field(err, "ep",
                              "expert parallelism %d does not divide the %.0f experts of '%s'; "
                              "expected a divisor of %.0f",
                              c->ep, m->experts, m->meta.id, m->experts);
    if (c->ep > 1 && c->tp % c->ep != 0 && c->ep % c->tp != 0)
        return gw_error_field(err, "tp",
                              "expert parallelism %d and tensor parallelism %d; expected one to "
                              "divide the other (experts sharded within the TP group, or across "
                              "data-parallel attention replicas)",
                              c->ep, c->tp);
    /* the KV cache is storage: FP8 KV works without FP8 maths (it is
     * up-converted in attention), FP4 KV needs FP4 support */
    const gw_precision precs[2] = {c->weights, c->kv};
    const char *uses[2] = {"weights and matmuls", "the KV cache"};
    for (int i = 0; i < 2; i++)
        if (gw_precision_peak(a, precs[i]) <= 0 && !(i == 1 && precs[i] == GW_PREC_FP8))
            return gw_error_field(err, i == 0 ? "precision" : "kv_precision",
                                  "accelerator '%s' has no %s support (%s_flops unset) for %s; "
                                  "expected a precision it supports",
                                  a->meta.id, gw_precision_name(precs[i]),
                                  gw_precision_name(precs[i]), uses[i]);
    return check_serving_settings(c, err);
}

/* §7.2 attention FLOPs and KV bytes, and §7.3 the communication over the
 * scale-up link (one direction). */
static void attention_and_links(const gw_perf_config *c, gw_perf_engine *e, double stage_dense,
                                double group)
{
    const gw_llm *m = c->model;
    double tp = c->tp, pp = c->pp, ep = c->ep, h = m->hidden_size;
    double kvb = gw_precision_bytes(c->kv), kvh = m->kv_heads > 0 ? m->kv_heads : m->heads;
    int mla = gwi_is_mla(m);
    /* attention: 2 FLOPs per multiply-add for QK^T and for AV. MLA is
     * priced in its absorbed form (keys and values are the latent). */
    double heads_gpu = m->heads / tp;
    if (mla) {
        double dk = m->kv_lora_rank + m->qk_rope_head_dim;
        e->attn_flops_per_pair = e->stage_layers * heads_gpu * 2 * (dk + m->kv_lora_rank);
        e->kv_bytes_per_token = e->stage_layers * dk * kvb; /* latent, replicated over TP */
        e->kv_bytes_per_token_model = m->layers * dk * kvb;
        /* §7.8.5: prefill runs MLA in its MHA form (TensorRT-LLM's context MLA,
         * SGLang's and vLLM's prefill): keys and values up-projected from the
         * latent, heads of qk_nope + qk_rope for QK^T and v_head for AV; a
         * chunk's cached prefix is up-projected again (r_kv -> nope + v) */
        double d_qk = m->qk_nope_head_dim + m->qk_rope_head_dim;
        e->attn_flops_per_prefill_pair = e->stage_layers * heads_gpu * 2 * (d_qk + m->v_head_dim);
        e->attn_flops_per_past_token = e->stage_layers * heads_gpu * 2 * m->kv_lora_rank *
                                       (m->qk_nope_head_dim + m->v_head_dim);
    } else {
        double hd = m->head_dim > 0 ? m->head_dim : h / m->heads;
        double kv_gpu = kvh >= tp ? kvh / tp : 1; /* KV heads replicate when tp > kv_heads */
        e->attn_flops_per_pair = e->stage_layers * heads_gpu * 4 * hd;
        e->kv_bytes_per_token = e->stage_layers * 2 * kv_gpu * hd * kvb;
        e->kv_bytes_per_token_model = m->layers * 2 * kvh * hd * kvb;
        e->attn_flops_per_prefill_pair = e->attn_flops_per_pair;
    }

    /* §7.2.2: a sliding-window layer attends to its last W tokens only */
    if (m->sliding_layers > 0 && m->sliding_window > 0) {
        e->window_tokens = m->sliding_window;
        e->window_share = m->sliding_layers / m->layers;
    }

    /* §7.3 */
    if (tp > 1) {
        /* after attention in every layer; after the MLP in dense layers, and
         * in MoE layers unless the experts spread over data-parallel
         * replicas (then an all-to-all replaces it) */
        double n = e->stage_layers + stage_dense + (group <= tp ? e->stage_moe_layers : 0);
        e->allreduces_per_step = n;
        e->allreduce_bytes_per_token = n * ring_factor(tp) * h * ACT_BYTES;
    }
    if (group > tp) {
        /* dispatch + combine: each token's hidden state to its k experts,
         * (ep-1)/ep of them on other GPUs */
        e->alltoalls_per_step = 2 * e->stage_moe_layers;
        e->alltoall_bytes_per_token =
            2 * e->stage_moe_layers * m->active_experts * h * ACT_BYTES * (ep - 1) / ep;
    }
    e->pp_bytes_per_token = pp > 1 ? h * ACT_BYTES : 0;

}

/* §7.2 activation traffic per token and layer, unfused: every matmul
 * reads its input and writes its output once; two norms (read+write),
 * two residual adds (2 reads + write), rotary on q and k (read+write),
 * the MLP activation (reads gate and up, writes one). Sharded tensors
 * divide by tp, the residual stream does not. Kernel fusion removes part
 * of it: activation_io is the share that still reaches HBM (fitted). */
static void activation_traffic(const gw_perf_config *c, gw_perf_engine *e, double stage_dense)
{
    const gw_llm *m = c->model;
    const gw_efficiency *f = c->eff;
    double tp = c->tp, h = m->hidden_size;
    double kvh = m->kv_heads > 0 ? m->kv_heads : m->heads;
    int mla = gwi_is_mla(m);
    double q, kv, o;
    if (mla) {
        q = m->heads * (m->qk_nope_head_dim + m->qk_rope_head_dim);
        kv = m->kv_lora_rank + m->qk_rope_head_dim;
        o = m->heads * m->v_head_dim;
    } else {
        double hd = m->head_dim > 0 ? m->head_dim : h / m->heads;
        q = m->heads * hd, kv = 2 * kvh * hd, o = q;
    }
    double mats = strcmp(m->mlp, "plain") == 0 ? 2 : 3;
    double ffn_dense = m->ffn_size;
    double ffn_moe = (m->active_experts + m->shared_experts) * m->moe_ffn_size;
    /* up (+gate) written and read, activation out written and read */
    double glu = mats == 3 ? 6 : 4;
    double per_layer_fixed = 14 * h;
    double per_layer_tp = (q + kv) + o + 2 * (q + kv) + o;
    double elems = e->stage_layers * (per_layer_fixed + per_layer_tp / tp) +
                   stage_dense * glu * ffn_dense / tp + e->stage_moe_layers * glu * ffn_moe / tp;
    e->activation_bytes_per_token = elems * ACT_BYTES * f->activation_io;
}

/* The accelerator's rates, derated by the efficiency stack. */
static void engine_rates(const gw_perf_config *c, gw_perf_engine *e)
{
    const gw_accelerator *a = c->accel;
    const gw_efficiency *f = c->eff;
    e->peak_flops = gw_precision_peak(a, c->weights);
    e->gemm_rate = e->peak_flops * gw_compute_efficiency(f, c->weights);
    /* attention runs at the KV cache's precision where the accelerator has
     * it (FP8 context attention in TensorRT-LLM, FlashAttention-3) */
    e->attn_peak = gw_precision_peak(a, c->kv) > 0 ? gw_precision_peak(a, c->kv) : a->bf16_flops;
    e->attn_rate = e->attn_peak * f->attention;
    /* §7.8.5: decode runs MLA absorbed, one kernel of its own (FlashMLA,
     * TensorRT-LLM's generation MLA), all of a rank's heads against one
     * latent: compute-bound where the heads are not split by TP */
    e->decode_attn_weight = gwi_is_mla(c->model) && f->attention_mla_decode > 0
                                ? f->attention / f->attention_mla_decode
                                : 1;
    e->mem_rate = a->hbm_bandwidth_bps * f->memory;
    /* §7.2: attention reads the KV cache in pages gathered per sequence,
     * not one stream: its own factor when the stack has one */
    e->kv_rate = a->hbm_bandwidth_bps * (f->memory_kv > 0 ? f->memory_kv : f->memory);
    e->hbm_peak = a->hbm_bandwidth_bps;
    e->link_rate = gwi_tp_link_rate(a, f, c->tp); /* §7.3: RDMA past the domain */
    e->collective_latency_s = f->collective_latency_s;
    /* §7.2: a step's fixed cost, plus each layer's: a layer runs a dozen or
     * more kernels (norms, projections, attention, router, experts,
     * collectives), each with a floor of a few microseconds that neither
     * batch nor tensor parallelism shrinks */
    e->layer_overhead_s = f->layer_overhead_s;
    e->step_overhead_s = f->step_overhead_s + e->stage_layers * f->layer_overhead_s;
    /* §7.2.3: the engines capture CUDA graphs of decode-only steps; a step
     * holding a prompt runs its kernels one launch at a time (unless the
     * recipe captures it piecewise). The serving rows show a fixed cost
     * for it only where attention is MLA. */
    e->eager_step_s = gwi_is_mla(c->model) && !c->piecewise_graphs
                          ? e->stage_layers * f->eager_mla_overhead_s : 0;
    e->scaleup_domain = a->scaleup_domain;
    e->scaleout_bps = a->scaleout_bandwidth_bps;

}

/* Tokens of the largest iteration when the engine states no budget:
 * TensorRT-LLM's default max_num_tokens. */
#define DEFAULT_STEP_TOKENS 8192.0

/* §7.5 activations and workspace the engine keeps per GPU: the stack's
 * measured workspace_b, else the live activations of its largest iteration
 * (T tokens: the chunk budget, else the batch cap): the residual stream,
 * its normalised copy and two attention/MLP outputs (4h), the widest
 * TP-sharded intermediate (gate and up, 2f/tp), in BF16, plus FP32 logits
 * of every sequence (V/tp each). Runtime context and graphs are left out. */
static double workspace_bytes(const gw_perf_config *c)
{
    const gw_llm *m = c->model;
    const gw_efficiency *f = c->eff;
    if (f->workspace_b > 0)
        return f->workspace_b;
    double budget = iteration_budget(c);
    double tokens = budget > 0 ? budget : f->max_batch > 0 ? f->max_batch : DEFAULT_STEP_TOKENS;
    double rows = f->max_batch > 0 ? fmin(f->max_batch, tokens) : tokens;
    double ffn = fmax(m->ffn_size, (m->active_experts + m->shared_experts) * m->moe_ffn_size);
    return tokens * ACT_BYTES * (4 * m->hidden_size + 2 * ffn / c->tp) +
           rows * m->vocab_size / c->tp * 4.0;
}

/* §7.5 memory: the weights per GPU and the KV cache in what they leave;
 * an error when the weights and the workspace do not fit in the engine's
 * share of HBM. `drafter_b` is a speculative drafter's weights per GPU. */
static int memory_fit(const gw_perf_config *c, gw_perf_engine *e, const gw_llm_params *p,
                      double dense_w, double moe_tp, double drafter_b, gw_error *err)
{
    const gw_llm *m = c->model;
    const gw_accelerator *a = c->accel;
    const gw_efficiency *f = c->eff;
    double tp = c->tp, pp = c->pp, wb = gw_precision_bytes(c->weights);
    /* §7.5 memory: the fullest stage holds its layers' weights plus the
     * embedding (first) or LM head (last); with one stage, both. */
    double experts_gpu = e->stage_moe_layers * e->local_experts * p->expert / moe_tp;
    double emb = p->embedding * (pp == 1 && strcmp(m->embeddings, "untied") == 0 ? 2 : 1);
    if (c->expert_weights_set) /* §7.8.1: routed experts at their own precision */
        e->weight_bytes_per_gpu = (dense_w + emb) / tp * wb +
                                  experts_gpu * gw_precision_bytes(c->expert_weights);
    else
        e->weight_bytes_per_gpu = ((dense_w + emb) / tp + experts_gpu) * wb;
    /* §7.5: the engine uses memory_fraction of HBM (vLLM's
     * gpu_memory_utilization, SGLang's mem_fraction_static), else 1 -
     * reserve; weights, drafter and workspace come out of it first */
    double usable = a->hbm_capacity_b;
    double frac = c->memory_fraction > 0 ? c->memory_fraction : 1 - f->memory_reserve;
    e->workspace_bytes = workspace_bytes(c);
    double share = usable * frac - e->workspace_bytes;
    double weights = e->weight_bytes_per_gpu + drafter_b;
    if (weights >= share) {
        double need = floor(weights / share * tp * pp);
        return gw_error_field(err, "tp",
                              "'%s' does not fit: %.1f GB of %s weights per GPU at tp %d pp %d "
                              "ep %d, plus %.1f GB of activations and workspace, exceed the "
                              "%.1f GB the engine uses of '%s' (%.1f GB x memory fraction "
                              "%.2f); expected at least %.0f GPUs' share of the weights (more tp "
                              "or pp), a smaller precision (or expert_precision) or a larger "
                              "memory_fraction",
                              m->meta.id, weights / 1e9, gw_precision_name(c->weights), c->tp,
                              c->pp, c->ep, e->workspace_bytes / 1e9, usable * frac / 1e9,
                              a->meta.id, usable / 1e9, frac, need + 1);
    }
    e->kv_capacity_bytes = share - weights;
    e->kv_capacity_tokens =
        e->kv_capacity_bytes / (e->kv_bytes_per_token + e->draft_kv_bytes_per_token);
    e->chunk_tokens = iteration_budget(c);
    e->adp_balance_iters = f->adp_balance_iters;
    e->batch_wait_iters = c->batch_wait_iters;
    e->batch_wait_ratio = c->batch_wait_ratio;
    e->recv_interval = c->recv_interval > 1 ? c->recv_interval : 0;
    e->request_overhead_s = f->request_overhead_s;
    e->kv_handover_s = f->kv_handover_s;
    e->kv_reserve_full = strcmp(gw_perf_kv_policy_name(c), "reserve") == 0;
    e->prefill_first = prefill_first(f);
    double budget_seqs = decode_budget_seqs(e, c->spec_tokens);
    e->decode_budget_seqs = budget_seqs > 0 && budget_seqs < f->max_batch ? budget_seqs : 0;
    e->max_batch_engine = e->decode_budget_seqs > 0 ? e->decode_budget_seqs : f->max_batch;
    return GW_OK;
}

gw_precision gw_perf_expert_compute(const gw_perf_config *c)
{
    gw_precision w = c->expert_weights_set ? c->expert_weights : c->weights;
    return c->expert_activations_set &&
                   gw_precision_bytes(c->expert_activations) > gw_precision_bytes(w)
               ? c->expert_activations
               : w;
}

const char *gw_perf_kv_policy_name(const gw_perf_config *c)
{
    return c->kv_policy == GW_KV_RESERVE     ? "reserve"
           : c->kv_policy == GW_KV_ON_DEMAND ? "on-demand"
                                             : c->eff->kv_policy;
}

int gw_kv_policy_parse(const char *text)
{
    return !text[0]                             ? GW_KV_STACK
           : strcmp(text, "reserve") == 0   ? GW_KV_RESERVE
           : strcmp(text, "on-demand") == 0 ? GW_KV_ON_DEMAND
                                            : -1;
}

int gw_perf_engine_init(const gw_perf_config *c, gw_perf_engine *e, gw_error *err)
{
    memset(e, 0, sizeof *e);
    const gw_llm *m = c->model;
    const gw_accelerator *a = c->accel;
    int rc = check_config(c, err);
    if (rc)
        return rc;
    gw_llm_params p;
    gw_llm_count_params(m, &p);
    double tp = c->tp, pp = c->pp, ep = c->ep, wb = gw_precision_bytes(c->weights);
    e->tp = tp, e->pp = pp, e->ep = ep;
    /* §7.2: the last stage is the slowest (it also holds the LM head); MoE
     * layers sit at the end of the stack, so it holds as many as it can. */
    e->stage_layers = m->layers / pp;
    e->stage_moe_layers = fmin(p.moe_layers, e->stage_layers);
    double stage_dense = e->stage_layers - e->stage_moe_layers;
    double moe_tp = ep >= tp ? 1 : tp / ep;     /* ways one expert is split */
    double group = fmax(ep, tp);                 /* GPUs that share the experts */
    e->attention_dp = c->attention_dp > 1 ? c->attention_dp : 1;
    if (e->attention_dp > 1 && m->experts > 0) {
        /* §7.8.2: the experts spread over the whole worker (TensorRT-LLM:
         * moe_tp x moe_ep = the world of the attention-DP ranks) */
        group = tp * e->attention_dp;
        moe_tp = group / ep;
    }
    e->experts = m->experts, e->active_experts = m->active_experts;
    e->local_experts = m->experts > 0 ? m->experts / ep : 0;
    /* §7.8.4: EPLB keeps one redundant slot per GPU (288 slots at EP32, TensorRT-LLM
     * F.fs.eplb.trtllm.eplb32 and DeepSeek F.fs.deepseek.redundant_experts; 4 per GPU
     * at EP72), so ep need not divide the experts; stated redundant experts give
     * the slots exactly (SGLang: 256 + 32 over EP48, 6 a GPU) */
    if (c->redundant_experts > 0 && m->experts > 0)
        e->local_experts = (m->experts + c->redundant_experts) / ep;
    else if (c->eplb && m->experts > 0 && ep > 1)
        e->local_experts = floor(m->experts / ep) + 1;

    double dense_w = e->stage_layers * p.attention_per_layer + stage_dense * p.dense_mlp_per_layer +
                     e->stage_moe_layers * (p.router + m->shared_experts * p.expert);
    e->linear_flops_per_token = 2 * dense_w / tp;
    e->routed_flops_per_token = 2 * e->stage_moe_layers * m->active_experts * p.expert / tp;
    e->head_flops_per_seq = 2 * p.embedding / tp;
    e->dense_weight_bytes = (dense_w + p.embedding) / tp * wb;
    e->expert_bytes = e->stage_moe_layers * p.expert / moe_tp *
                      (c->expert_weights_set ? gw_precision_bytes(c->expert_weights) : wb);
    /* tokens the expert group sees per replica token: group/tp replicas */
    e->expert_group_replicas = group / tp;

    attention_and_links(c, e, stage_dense, group);
    activation_traffic(c, e, stage_dense);
    engine_rates(c, e);
    gwi_moe_setup(c, e, group);
    double drafter_b;
    if ((rc = gwi_spec_setup(c, e, &p, moe_tp, &drafter_b, err)) ||
        (rc = memory_fit(c, e, &p, dense_w, moe_tp, drafter_b, err)))
        return rc;
    if (!gwi_all_finite(&e->stage_layers, sizeof *e / sizeof(double)))
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "perf model of '%s' on '%s' overflowed; expected finite inputs",
                            m->meta.id, a->meta.id);
    return GW_OK;
}
/* Bytes of routed experts one GPU reads: its local experts hit at least
 * once by `assignments` tokens' worth of routing (uniform, k of E each). */
static double expert_read_bytes(const gw_perf_engine *e, double assignments, double bytes_each)
{
    if (!(e->experts > 0))
        return 0;
    double miss = pow(1 - e->active_experts / e->experts, assignments);
    return e->local_experts * (1 - miss) * bytes_each;
}

/* §7.11 drafting: passes = draft tokens per sequence, each over the decode
 * sequences: the MTP layer (or draft model) against its weights, its
 * experts hit and its own KV cache, plus its collectives' latency. */
static double drafting_time(const gw_perf_engine *e, const gw_perf_batch *b)
{
    double draft = b->decode_draft_tokens, seqs = b->decode_seqs;
    if (!(draft > 0) || !(seqs > 0))
        return 0;
    double flops = seqs * e->draft_flops_per_token;
    double att_flops = e->draft_attn_flops_per_pair * b->decode_context;
    double att_time = att_flops * e->decode_attn_weight / e->attn_rate;
    double bytes = e->draft_bytes_per_step + e->draft_kv_bytes_per_token * b->decode_context +
                   expert_read_bytes(e, seqs * e->expert_group_replicas, e->draft_expert_bytes);
    /* one layer's collectives: two TP all-reduces, a dispatch and a combine */
    double layers = e->stage_moe_layers > 0 ? e->stage_moe_layers : 1;
    double lat = (e->tp > 1 ? 2 * e->collective_latency_s : 0) +
                 (e->draft_expert_bytes > 0 ? e->alltoalls_per_step / layers : 0) *
                     e->alltoall_latency_s;
    double pass = fmax(flops / e->gemm_rate + att_time, bytes / e->mem_rate);
    return draft / seqs * (pass + lat + e->layer_overhead_s);
}

/* §7.2.2 keys per layer, averaged over the layers: `keys` summed over n
 * queries (or sequences) attend to at most W each in a sliding-window
 * layer (exact when every one has at least W keys, as a served context of
 * thousands does against gpt-oss's 128). */
static double windowed(const gw_perf_engine *e, double keys, double n)
{
    if (!(e->window_tokens > 0))
        return keys;
    return (1 - e->window_share) * keys + e->window_share * fmin(keys, n * e->window_tokens);
}

/* §7.2 one stage. Every term is a per-operator roofline: an operator takes
 * the longer of its compute and its memory traffic (Williams et al. 2009),
 * and operators, collectives and the step overhead run one after another.
 * §7.8: `b` is this rank (the busiest one when the
 * caller used gw_perf_dp_slowest), the experts see b->dp_tokens over the
 * expert group, their busiest GPU (1 + imbalance) x the mean; routed
 * experts at their own rate; MLA prefill in MHA form; the all-to-all per
 * fabric; draft tokens verified and drafted. */
static double stage_roofline(const gw_perf_engine *e, const gw_perf_batch *b,
                             gw_perf_step_detail *d)
{
    double draft = b->decode_draft_tokens;
    double tokens = b->prefill_tokens + b->decode_seqs + draft;
    if (tokens <= 0) {
        if (d)
            memset(d, 0, sizeof *d);
        return 0;
    }
    double rows = b->prefill_chunks + b->decode_seqs + draft; /* LM-head rows */
    double group = b->dp_tokens > 0 ? b->dp_tokens : tokens * e->expert_group_replicas;
    double hot = 1 + gw_perf_expert_imbalance(e, group);
    double routed_tokens = group / e->expert_group_replicas * hot;
    double dense_flops = tokens * e->linear_flops_per_token + rows * e->head_flops_per_seq;
    double routed_flops = routed_tokens * e->routed_flops_per_token;
    double lin_bytes = e->dense_weight_bytes + tokens * e->activation_bytes_per_token +
                       expert_read_bytes(e, group * hot, e->expert_bytes);
    double lin_c = dense_flops / e->gemm_rate +
                   (routed_flops > 0 ? routed_flops / e->expert_gemm_rate : 0);
    double lin = fmax(lin_c, lin_bytes / e->mem_rate);
    /* a sequence's k drafts attend to its context and to the drafts before */
    double per_seq = b->decode_seqs > 0 ? draft / b->decode_seqs : 0;
    double draft_pairs = per_seq * b->decode_context + draft * (per_seq + 1) / 2;
    double context = windowed(e, b->decode_context, b->decode_seqs);
    double past = windowed(e, b->prefill_past, b->prefill_chunks);
    double decode_flops = e->attn_flops_per_pair * (context + draft_pairs);
    double prompt_flops = e->attn_flops_per_prefill_pair *
                          windowed(e, b->prefill_pairs, b->prefill_tokens);
    double past_flops = e->attn_flops_per_past_token * past;
    double att_flops = decode_flops + prompt_flops + past_flops;
    /* the decode pairs at their kernel's rate: a weight of exactly 1 (the
     * same sum) unless MLA's absorbed kernel has a factor of its own */
    double att_weighted = decode_flops * e->decode_attn_weight + prompt_flops + past_flops;
    double att_bytes = e->kv_bytes_per_token * (context + past + tokens);
    double att = fmax(att_weighted / e->attn_rate, att_bytes / e->kv_rate);
    double link = e->link_rate > 0 ? e->link_rate : 1;
    double rdma = e->alltoall_rdma_bytes_per_token > 0 ? e->alltoall_rdma_bytes_per_token /
                                                             e->rdma_rate : 0;
    double per_token = fmax(e->alltoall_bytes_per_token / link, rdma);
    double a2a = fmax(tokens, routed_tokens) * per_token;
    double comm = tokens * (e->allreduce_bytes_per_token + e->pp_bytes_per_token) / link + a2a +
                  e->allreduces_per_step * e->collective_latency_s +
                  e->alltoalls_per_step * e->alltoall_latency_s;
    double drafting = drafting_time(e, b);
    if (d) {
        d->linear_s = lin, d->attention_s = att, d->comm_s = comm, d->draft_s = drafting;
        d->overhead_s = e->step_overhead_s;
        d->flops = dense_flops + routed_flops + att_flops, d->bytes = lin_bytes + att_bytes;
        d->compute_busy_s = dense_flops / e->peak_flops + att_flops / e->attn_peak +
                            (routed_flops > 0 ? routed_flops / e->expert_peak : 0);
        d->memory_busy_s = (lin_bytes + att_bytes) / e->hbm_peak;
    }
    return lin + att + comm + drafting + e->step_overhead_s;
}

/* docs/serving.md §7.9.2: TensorRT-LLM's attention-DP balancing releases
 * held prompts when every rank has one or after `timeout` iterations; the
 * releases form a renewal process whose cycle L = min(T, M) has
 * P(L > k) = 1 - (1 - e^(-arrivals k))^ranks for k < T. Its first two
 * moments price the prompts' hold (serving.c) and the eager steps (one a
 * cycle, gw_perf_eager_share). */
int gw_perf_adp_cycle(double timeout, double ranks, double arrivals, double *mean,
                      double *square)
{
    *mean = 1, *square = 1;
    if (!(timeout >= 1) || ranks < 2 || !(arrivals >= 0))
        return 0;
    *mean = 0, *square = 0;
    for (double k = 0; k < timeout; k++) {
        double longer = 1 - pow(1 - exp(-arrivals * k), ranks); /* P(L > k) */
        *mean += longer;
        *square += (2 * k + 1) * longer;
    }
    return 1;
}

/* §7.2.3 the share of steps that mix a prompt with running decodes and so
 * run without CUDA graphs: p = prefill_chunks of a mean batch (1 and more:
 * every step). A step of prompts alone (a disaggregated prefill worker, a
 * prefill-first engine's prefill batches, which never mix) costs nothing
 * more; the busiest rank's decodes stand for the worker's. Attention-DP
 * ranks step together and graph a step only when every rank is
 * decode-only (TensorRT-LLM's _maybe_get_cuda_graph all-gathers it), so a
 * worker of R ranks runs eager when any rank holds a prompt: with
 * balancing (§7.9.2) once a release cycle, when the held prompts of every
 * rank prefill together, else in 1 - (1 - p)^R of the steps. A mean
 * step's p is a rate: with balancing its cycle shortens towards one step
 * as the prompts crowd in, at p >= 1 as below it (no jump at one prompt a
 * rank and step); a real step with a prompt on some rank is eager. */
double gw_perf_eager_share(const gw_perf_engine *e, const gw_perf_batch *b)
{
    if (!(b->prefill_chunks > 0 && b->prefill_tokens > 0) || !(b->decode_seqs > 0) ||
        e->prefill_first)
        return 0;
    /* ranks joined through the experts (attention DP, or ep > tp) */
    double ranks = b->dp_tokens > 0 ? e->expert_group_replicas : 1;
    double p = ranks > 1 && b->dp_prompts > 0 ? b->dp_prompts : b->prefill_chunks;
    if (ranks <= 1 || (p >= 1 && !b->mean))
        return fmin(p, 1);
    double cycle, square;
    if (gw_perf_adp_cycle(e->adp_balance_iters, ranks, p, &cycle, &square))
        return 1 / cycle;
    return p >= 1 ? 1 : 1 - pow(1 - p, ranks);
}

/* §7.4.1 a mean batch with fewer than one prefill chunk per step (a
 * steady state's prompts spread over the steps) is a mix of steps: a share
 * p = prefill_chunks of them carry one whole chunk beside the decodes, the
 * rest decode only. The mean step time is (1 - p) t(decodes) + p t(decodes
 * + chunk), not t(mean batch): a step's time is not linear in its tokens
 * (routed experts read per distinct expert hit, each operator the longer
 * of compute and memory), and pricing the mean batch spreads a prompt's
 * tokens over every step, where they wake experts and hide their FLOPs
 * under the weight reads that one real chunk step does not. */
static double mixed_stage_time(const gw_perf_engine *e, const gw_perf_batch *b,
                               gw_perf_step_detail *d)
{
    double p = b->prefill_chunks;
    if (!(p > 0 && p < 1 && b->prefill_tokens > 0))
        return stage_roofline(e, b, d);
    gw_perf_batch dec = *b, mix = *b;
    dec.prefill_tokens = dec.prefill_chunks = dec.prefill_pairs = dec.prefill_past = 0;
    mix.prefill_tokens /= p, mix.prefill_pairs /= p, mix.prefill_past /= p;
    mix.prefill_chunks = 1;
    if (b->dp_tokens > 0) {
        /* the other attention-DP ranks keep their mean load; this rank's
         * prompt tokens leave the decode-only step and come whole in the mix */
        dec.dp_tokens = fmax(0, b->dp_tokens - b->prefill_tokens);
        mix.dp_tokens = dec.dp_tokens + mix.prefill_tokens;
    }
    gw_perf_step_detail dd, dm;
    double t = (1 - p) * stage_roofline(e, &dec, d ? &dd : NULL) +
               p * stage_roofline(e, &mix, d ? &dm : NULL);
    if (d) {
        const double *x = &dd.linear_s, *y = &dm.linear_s;
        double *o = &d->linear_s;
        for (size_t i = 0; i < sizeof *d / sizeof(double); i++)
            o[i] = (1 - p) * x[i] + p * y[i];
    }
    return t;
}

/* §7.2 one stage: the mix of steps (§7.4.1) and, for the share that holds
 * a prompt, the time of running without CUDA graphs (§7.2.3). */
double gw_perf_stage_time(const gw_perf_engine *e, const gw_perf_batch *b,
                          gw_perf_step_detail *d)
{
    double t = mixed_stage_time(e, b, d);
    if (!(e->eager_step_s > 0))
        return t;
    double eager = gw_perf_eager_share(e, b) * e->eager_step_s;
    if (d)
        d->overhead_s += eager;
    return t + eager;
}

double gw_perf_step(const gw_perf_engine *e, const gw_perf_batch *b, gw_perf_step_detail *d)
{
    if (e->pp <= 1)
        return gw_perf_stage_time(e, b, d);
    double k = 1 / e->pp;
    gw_perf_batch mb = {.prefill_tokens = b->prefill_tokens * k,
                        .prefill_chunks = b->prefill_chunks * k,
                        .prefill_pairs = b->prefill_pairs * k,
                        .prefill_past = b->prefill_past * k,
                        .decode_seqs = b->decode_seqs * k,
                        .decode_context = b->decode_context * k,
                        .decode_draft_tokens = b->decode_draft_tokens * k,
                        .dp_tokens = b->dp_tokens * k,
                        .dp_prompts = b->dp_prompts * k,
                        .mean = b->mean};
    return e->pp * gw_perf_stage_time(e, &mb, d);
}

/* §7.4.2 Moments of the lengths. Uniform draws in [low N, N] have
 * E[x] = N(1+low)/2, E[x^2] = N^2(1+low+low^2)/3, E[x^3] = N^3(1+low)(1+low^2)/4;
 * a gamma spread of mean O and coefficient of variation v has E[O^2] =
 * O^2(1+v^2), E[O^3] = O^3(1+v^2)(1+2v^2). A decoding sequence's context
 * I + U O (U uniform in 0..1, O output-weighted) has mean
 * E[I] + E[O^2]/(2E[O]) (I + O/2 for fixed lengths) and variance
 * Var(I) + E[O^3]/(3E[O]) - (E[O^2]/(2E[O]))^2 (O^2/12 for fixed ones);
 * input and output are taken as independent. */
void gw_perf_lengths_of(double in, double out, double length_low, double output_cv,
                        gw_perf_lengths *L)
{
    double lo = length_low > 0 && length_low < 1 ? length_low : 1;
    double m1 = (1 + lo) / 2, m2 = (1 + lo + lo * lo) / 3, m3 = (1 + lo) * (1 + lo * lo) / 4;
    double o1 = out * m1, o2 = out * out * m2, o3 = out * out * out * m3;
    if (output_cv > 0) {
        double v2 = output_cv * output_cv;
        o1 = out, o2 = out * out * (1 + v2), o3 = out * out * out * (1 + v2) * (1 + 2 * v2);
    }
    double var_in = in * in * (m2 - m1 * m1), half = o2 / (2 * o1);
    *L = (gw_perf_lengths){.in = in * m1,
                           .out = o1,
                           .in_pairs = (in * in * m2 + in * m1) / 2,
                           .decode_context = in * m1 + half,
                           .context_sd = sqrt(fmax(0, var_in + o3 / (3 * o1) - half * half)),
                           .prompt_cv = (1 - lo) / (sqrt(3) * (1 + lo)),
                           .reserved = in * m1 + 2 * half,
                           .output_cv = output_cv > 0 ? output_cv : 0};
}

int gw_perf_check_output_cv(double output_cv, gw_error *err)
{
    if (!(output_cv >= 0 && output_cv <= GW_OUTPUT_CV_MAX))
        return gw_error_field(err, "output_tokens_cv",
                              "outputs spread %g (sd / mean); expected 0..%d", output_cv,
                              GW_OUTPUT_CV_MAX);
    return GW_OK;
}

/* §7.4 steady state of continuous batching with `batch` running sequences
 * (a trtllm-bench or MLPerf Offline run): every iteration each sequence
 * yields one token; a sequence lives O iterations (its first token comes
 * from its prefill), so per iteration batch/O sequences prefill and the
 * rest decode at the output-weighted mean context (§7.4.2: I + O/2 for
 * fixed lengths). */
void gw_perf_steady(const gw_perf_engine *e, const gw_perf_request *rq, double batch,
                    gw_perf_point *pt)
{
    gw_perf_lengths L;
    gw_perf_lengths_of(rq->input_tokens, rq->output_tokens, 0, rq->output_cv, &L);
    double in = L.in;
    /* §7.11: a sequence emits `accept` tokens per step (1 without
     * speculation), so it lives out/accept steps */
    double accept = e->spec_accept_length > 0 ? e->spec_accept_length : 1;
    double starts = batch * accept / L.out;
    gw_perf_batch mean = {
        .prefill_tokens = starts * in,
        .prefill_chunks = starts,
        .prefill_pairs = starts * L.in_pairs,
        .prefill_past = 0,
        .decode_seqs = batch - starts,
        .decode_context = (batch - starts) * L.decode_context,
        .decode_draft_tokens = e->spec_tokens * (batch - starts),
        .mean = 1,
    };
    /* §7.8.2: an attention-DP worker waits for its busiest rank; decode
     * contexts spread over the output (sd O/sqrt(12) for fixed lengths) */
    gw_perf_batch b;
    gw_perf_dp_slowest(e, &mean, L.context_sd, L.prompt_cv, &b);
    memset(pt, 0, sizeof *pt);
    pt->batch = batch;
    pt->iteration_s = gw_perf_step(e, &b, &pt->detail);
    pt->step_s = pt->iteration_s / accept;
    double dp = rq->count / (e->tp * e->pp);
    pt->tokens_per_s = dp * batch / pt->step_s;
    double stage = pt->iteration_s / e->pp;
    pt->utilisation = fmin(1, fmax(pt->detail.compute_busy_s, pt->detail.memory_busy_s) / stage);
    /* TTFT: a new prompt waits on average half an iteration for the next
     * iteration boundary, then its chunks run alongside the other
     * sequences' decodes, (batch - 1) / batch of the mean (none at batch 1:
     * the prompt alone, which pays no eager time, §7.2.3); each chunk
     * crosses all pp stages; with attention-DP the other ranks carry the
     * mean load. */
    double chunk = e->chunk_tokens > 0 ? fmin(e->chunk_tokens, in) : in;
    double done = 0, ttft = pt->iteration_s / 2;
    double beside = batch > 1 ? (batch - 1) / batch / e->pp : 0;
    gw_perf_batch cb = {.prefill_chunks = 1,
                        .decode_seqs = mean.decode_seqs * beside,
                        .decode_context = mean.decode_context * beside,
                        .decode_draft_tokens = mean.decode_draft_tokens * beside};
    double rank_tokens = batch - starts + starts * in + mean.decode_draft_tokens;
    double others = b.dp_tokens > 0 ? (e->expert_group_replicas - 1) * rank_tokens / e->pp : 0;
    while (done < in) {
        double c = fmin(chunk, in - done);
        cb.prefill_tokens = c;
        cb.prefill_pairs = c * (done + (c + 1) / 2);
        cb.prefill_past = done;
        cb.dp_tokens = others > 0 ? others + c + cb.decode_seqs + cb.decode_draft_tokens : 0;
        ttft += e->pp * gw_perf_stage_time(e, &cb, NULL);
        done += c;
    }
    pt->ttft_s = ttft;
}

/* Largest batch whose steady state meets the targets; latencies grow with
 * the batch, so bisection finds it. 0 if even one sequence misses. */
static double slo_batch(const gw_perf_engine *e, const gw_perf_request *rq, double hi)
{
    gw_perf_point p;
    double lo = 0;
    while (hi - lo > 0.5) {
        double mid = floor((lo + hi + 1) / 2);
        gw_perf_steady(e, rq, mid, &p);
        int ok = (rq->ttft_slo_s <= 0 || p.ttft_s <= rq->ttft_slo_s) &&
                 (rq->tpot_slo_s <= 0 || p.step_s <= rq->tpot_slo_s);
        if (ok)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

int gw_perf_infer(const gw_perf_engine *e, const gw_perf_request *rq, gw_perf_result *o,
                  gw_error *err)
{
    memset(o, 0, sizeof *o);
    double replica = e->tp * e->pp;
    if (rq->count < 1 || fmod(rq->count, replica) != 0)
        return gw_error_field(err, "count",
                              "%d accelerators is not a whole number of replicas of tp %.0f x pp "
                              "%.0f = %.0f; expected a multiple of %.0f",
                              rq->count, e->tp, e->pp, replica, replica);
    if (e->attention_dp > 1 && fmod(rq->count, replica * e->attention_dp) != 0)
        return gw_error_field(err, "count",
                              "%d accelerators is not a whole number of workers of tp %.0f x pp "
                              "%.0f x attention_dp %.0f; expected a multiple of %.0f",
                              rq->count, e->tp, e->pp, e->attention_dp,
                              replica * e->attention_dp);
    o->dp = (int)(rq->count / replica);
    if (e->ep > e->tp && fmod(o->dp * e->tp, e->ep) != 0)
        return gw_error_field(err, "ep",
                              "expert parallelism %.0f spans %.0f replicas of tp %.0f, but there "
                              "are %d; expected dp x tp to be a multiple of ep",
                              e->ep, e->ep / e->tp, e->tp, o->dp);
    if (rq->input_tokens < 1 || rq->output_tokens < 1)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "input %.0f and output %.0f tokens; expected at least 1 each",
                            rq->input_tokens, rq->output_tokens);
    if (gw_perf_check_output_cv(rq->output_cv, err))
        return err->code;
    o->weights_per_gpu_b = e->weight_bytes_per_gpu;
    o->kv_bytes_per_token = e->kv_bytes_per_token * e->tp * e->pp; /* whole replica */
    o->kv_capacity_tokens = e->kv_capacity_tokens;
    /* §7.5: a sequence holds I + O tokens at its end (reserved up front by a
     * no-eviction scheduler), I + O/2 on average when pages are taken as
     * needed (output-weighted when the outputs spread, §7.4.2) */
    gw_perf_lengths L;
    gw_perf_lengths_of(rq->input_tokens, rq->output_tokens, 0, rq->output_cv, &L);
    double per_seq = e->kv_reserve_full ? L.reserved : L.decode_context;
    o->kv_tokens_per_seq = per_seq;
    double fit = floor(e->kv_capacity_tokens / per_seq);
    double cap = rq->max_batch > 0 ? fmin(rq->max_batch, e->max_batch_engine) : e->max_batch_engine;
    o->max_batch = fmin(fit, cap);
    if (o->max_batch < 1) {
        snprintf(o->infeasible, sizeof o->infeasible,
                 "the KV cache holds %.0f tokens per replica, less than one sequence of %.0f",
                 e->kv_capacity_tokens, per_seq);
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "infeasible: %s; expected shorter sequences or more memory per "
                            "replica (tp x pp)",
                            o->infeasible);
    }
    gw_perf_request alone = *rq;
    alone.count = (int)replica;
    gw_perf_point one;
    gw_perf_steady(e, &alone, 1, &one);
    o->prefill_s = one.ttft_s - one.step_s / 2; /* the prompt alone, no wait */
    {
        gw_perf_batch d = {
            .decode_seqs = o->max_batch,
            .decode_context = o->max_batch * L.decode_context,
            .decode_draft_tokens = o->max_batch * e->spec_tokens};
        o->decode_step_s = gw_perf_step(e, &d, NULL);
    }
    gw_perf_steady(e, rq, o->max_batch, &o->offline);
    o->slo_given = rq->ttft_slo_s > 0 || rq->tpot_slo_s > 0;
    if (!o->slo_given) {
        o->slo = o->offline;
        o->slo_feasible = 1;
        return GW_OK;
    }
    double b = slo_batch(e, rq, o->max_batch);
    if (b < 1) {
        gw_perf_point p1;
        gw_perf_steady(e, rq, 1, &p1);
        if (rq->tpot_slo_s > 0 && p1.step_s > rq->tpot_slo_s)
            snprintf(o->infeasible, sizeof o->infeasible,
                     "time per output token %.4g s at batch 1 exceeds the target %.4g s",
                     p1.step_s, rq->tpot_slo_s);
        else
            snprintf(o->infeasible, sizeof o->infeasible,
                     "time to first token %.4g s at batch 1 exceeds the target %.4g s",
                     p1.ttft_s, rq->ttft_slo_s);
        return GW_OK;
    }
    o->slo_feasible = 1;
    gw_perf_steady(e, rq, b, &o->slo);
    return GW_OK;
}
