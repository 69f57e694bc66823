/* src/model/train.c — LLM training time, MFU and goodput (models layer).
 * The API and its contract: include/gigawatt/perf.h (gw_perf_train). The
 * equations, with their references, are docs/model.md §8. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "gigawatt/perf.h"
#include "model_int.h"

/* Activations travel between GPUs in BF16 (as in perf.c). */
#define ACT_BYTES 2.0

/* Ring all-reduce moves 2(n-1)/n of the message over each link
 * (Patarasuk & Yuan 2009); docs/model.md §7.3. */
static double ring_factor(double n)
{
    return n > 1 ? 2 * (n - 1) / n : 0;
}

/* §8 training. FLOPs per token: 6 per parameter touched (forward 2,
 * backward 4) plus attention 12·L·H·Q·T (PaLM, Chowdhery et al. 2022,
 * App. B); the input embedding is a lookup, not a matmul. */
/* A training run's request against the model and the accelerator: counts
 * that split, a batch that feeds every replica, a precision it has. Errors
 * name the setting (err->field). */
static int check_training(const gw_perf_config *c, const gw_train_request *rq, gw_error *err)
{
    const gw_llm *m = c->model;
    const gw_accelerator *a = c->accel;
    int rc = gw_llm_check(m, err);
    if (rc)
        return rc;
    if (rq->count < 1 || rq->tokens <= 0 || rq->sequence_length < 1)
        return gw_error_field(err, "sequence_length",
                              "training needs accelerators, tokens and a sequence length > 0; "
                              "got %d, %.3g, %.0f",
                              rq->count, rq->tokens, rq->sequence_length);
    if (c->tp < 1 || c->pp < 1)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "parallelism tp %d, pp %d; expected whole numbers >= 1", c->tp, c->pp);
    if (c->tp > 1 && !(a->scaleup_bandwidth_bps > 0))
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "accelerator '%s' has no scaleup_bandwidth, needed for tp %d; "
                            "expected it in the scenario or tp 1",
                            a->meta.id, c->tp);
    double tp = c->tp, pp = c->pp, G = rq->count;
    if (fmod(G, tp * pp) != 0)
        return gw_error_field(err, "count",
                              "%d accelerators is not a multiple of tp %d x pp %d; expected a "
                              "whole number of data-parallel replicas",
                              rq->count, c->tp, c->pp);
    if ((rc = gwi_check_tp_domain(a, c->tp, err)))
        return rc;
    if (fmod(m->heads, tp) != 0)
        return gw_error_field(err, "tp",
                              "tensor parallelism %d does not divide the %.0f attention heads of "
                              "'%s'; expected a divisor of %.0f",
                              c->tp, m->heads, m->meta.id, m->heads);
    if (pp > m->layers)
        return gw_error_field(err, "pp",
                              "pipeline parallelism %d exceeds the %.0f layers of '%s'; expected "
                              "at most %.0f",
                              c->pp, m->layers, m->meta.id, m->layers);
    if (rq->sequence_length > m->context_length)
        return gw_error_field(err, "sequence_length",
                              "sequence length %.0f exceeds the %.0f-token context of '%s'; "
                              "expected at most %.0f",
                              rq->sequence_length, m->context_length, m->meta.id,
                              m->context_length);
    {
        double per_replica = rq->global_batch_tokens / rq->sequence_length /
                             (G / (tp * pp));
        if (rq->global_batch_tokens > 0 && per_replica < 1)
            return gw_error_field(err, "global_batch",
                                  "global batch of %.4g tokens gives %.3g sequences per data-"
                                  "parallel replica; expected at least one (%.4g tokens)",
                                  rq->global_batch_tokens, per_replica,
                                  rq->sequence_length * (G / (tp * pp)));
        if (rq->global_batch_tokens > 0 && rq->micro_batch > per_replica)
            return gw_error_field(err, "micro_batch",
                                  "micro-batch of %.0f sequences exceeds the %.0f per data-"
                                  "parallel replica per step; expected at most %.0f",
                                  rq->micro_batch, floor(per_replica), floor(per_replica));
    }
    if (gw_precision_peak(a, rq->precision) <= 0)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "accelerator '%s' has no %s tensor path; expected a precision it "
                            "supports",
                            a->meta.id, gw_precision_name(rq->precision));
    return GW_OK;
}

/* §8.2 the default batch and schedule, as practitioners scale them. A
 * replica runs `pp` micro-batches of one sequence per step (Llama 3 405B on
 * 16,384 H100: dp 128, pp 16, 2,048 sequences; Dubey et al. 2024, Table 4),
 * so the global batch grows with data parallelism, within the published
 * range: at least Llama 3's 16M tokens (its 8,192-GPU run kept the batch and
 * gave each replica 32), at most DeepSeek-V3's 15,360 x 4,096 tokens (the
 * largest published pre-training batch; DeepSeek-AI 2024, §4.2), and never
 * less than one sequence per replica. */
#define TRAIN_BATCH_MIN_TOKENS (16.0 * 1024 * 1024)
#define TRAIN_BATCH_MAX_TOKENS (15360.0 * 4096)

static void default_schedule(const gw_perf_config *c, const gw_train_request *rq, double dp,
                             gw_train_result *o)
{
    double pp = c->pp, s = rq->sequence_length;
    double b = rq->micro_batch > 0 ? rq->micro_batch : 1;
    double seqs_per_replica;
    if (rq->global_batch_tokens > 0) {
        seqs_per_replica = rq->global_batch_tokens / s / dp;
    } else {
        seqs_per_replica = pp * b;
        if (dp * seqs_per_replica * s < TRAIN_BATCH_MIN_TOKENS)
            seqs_per_replica = ceil(TRAIN_BATCH_MIN_TOKENS / (dp * s * b)) * b;
        if (dp * seqs_per_replica * s > TRAIN_BATCH_MAX_TOKENS)
            seqs_per_replica = fmax(1, floor(TRAIN_BATCH_MAX_TOKENS / (dp * s * b))) * b;
        o->batch_above_published = dp * seqs_per_replica * s > TRAIN_BATCH_MAX_TOKENS;
    }
    o->global_batch_tokens = dp * seqs_per_replica * s;
    o->micro_batch = b;
    o->micro_batches = fmax(1, seqs_per_replica / b);
    /* Interleaving (Narayanan et al. 2021) as far as the bubble needs it: the
     * smallest v with v·m >= 2·pp (bubble <= (pp-1)/(3pp-1), about a third),
     * at most one layer per chunk. More chunks cost v times the pipeline
     * sends and more activation memory, which the model does not count; the
     * rule is what reproduces Llama 3's 8k- and 16k-GPU MFU (docs/model.md
     * §8.2). */
    double v_max = fmax(1, floor(c->model->layers / pp));
    double v = pp > 1 ? fmin(v_max, ceil(2 * pp / o->micro_batches)) : 1;
    o->virtual_stages = rq->virtual_stages >= 1 ? rq->virtual_stages : fmax(1, v);
}

/* Predicted MFU = compute efficiency x (1 - pipeline bubble) x (1 -
 * exposed TP communication share). Bubble of 1F1B with v interleaved
 * stages: (pp-1) / (v m + pp - 1) (Narayanan et al. 2021). The step splits
 * into four shares that add up to 1: model FLOPs at peak (= MFU), kernels
 * below peak, exposed TP communication and the bubble (§8.3). */
static void predict_mfu(const gw_perf_config *c, const gw_train_request *rq, double peak,
                        gw_train_result *o)
{
    const gw_llm *m = c->model;
    const gw_accelerator *a = c->accel;
    const gw_efficiency *f = c->eff;
    double tp = c->tp, pp = c->pp;
    double v = o->virtual_stages;
    o->bubble_fraction = pp > 1 ? (pp - 1) / (v * o->micro_batches + pp - 1) : 0;
    /* Per layer and micro-batch: 4 all-reduces of the activations (2
     * forward, 2 backward; Megatron-LM, Shoeybi et al. 2019) against the
     * layer's 6·params/tp FLOPs per token. */
    double tokens_mb = o->micro_batch * rq->sequence_length;
    double layer_flops = o->flops_per_token / m->layers / tp * tokens_mb;
    double ce = gw_compute_efficiency(f, rq->precision);
    double t_comp = layer_flops / (peak * ce);
    double t_comm = 0;
    if (tp > 1)
        t_comm = 4 * (ring_factor(tp) * tokens_mb * m->hidden_size * ACT_BYTES /
                          gwi_tp_link_rate(a, f, c->tp) +
                      f->collective_latency_s);
    o->comm_fraction = t_comm / (t_comp + t_comm);
    o->mfu_predicted = ce * (1 - o->bubble_fraction) * (1 - o->comm_fraction);
    o->mfu = rq->mfu > 0 ? rq->mfu : o->mfu_predicted;
    double busy = 1 - o->bubble_fraction;
    o->step_bubble = o->bubble_fraction;
    o->step_tp_comm = busy * o->comm_fraction;
    o->step_model_flops = o->mfu_predicted;
    o->step_kernels = busy * (1 - o->comm_fraction) * (1 - ce);
}

int gw_perf_train(const gw_perf_config *c, const gw_train_request *rq, gw_train_result *o,
                  gw_error *err)
{
    memset(o, 0, sizeof *o);
    const gw_llm *m = c->model;
    const gw_accelerator *a = c->accel;
    int rc = check_training(c, rq, err);
    if (rc)
        return rc;
    double tp = c->tp, pp = c->pp, G = rq->count;
    double peak = gw_precision_peak(a, rq->precision);
    gw_llm_params p;
    gw_llm_count_params(m, &p);
    double dp = G / (tp * pp);
    double hq = gwi_is_mla(m)
                    ? m->heads * (m->qk_nope_head_dim + m->qk_rope_head_dim)
                    : m->heads * (m->head_dim > 0 ? m->head_dim : m->hidden_size / m->heads);
    double matmul_params = p.active - (strcmp(m->embeddings, "tied") == 0 ? 0 : p.embedding);
    o->flops_per_token = 6 * matmul_params + 12 * m->layers * hq * rq->sequence_length;
    o->total_flops = o->flops_per_token * rq->tokens;

    /* Memory: BF16 weights and gradients per tensor/pipeline shard, FP32
     * master weights and Adam moments (12 B/param) sharded over data
     * parallelism as well (ZeRO-1, Rajbhandari et al. 2020); activations
     * are not counted (recomputation makes them small). */
    double shard = p.total / (tp * pp);
    o->weights_per_gpu_b = shard * 4 + shard * 12 / dp;
    if (o->weights_per_gpu_b > a->hbm_capacity_b)
        return gw_error_field(err, "tp",
                              "training '%s' needs %.1f GB of weights, gradients and optimizer "
                              "state per GPU at tp %d pp %d dp %.0f, more than the %.1f GB of "
                              "'%s'; expected more parallelism",
                              m->meta.id, o->weights_per_gpu_b / 1e9, c->tp, c->pp, dp,
                              a->hbm_capacity_b / 1e9, a->meta.id);

    default_schedule(c, rq, dp, o);
    predict_mfu(c, rq, peak, o);

    /* Goodput under interruptions: the job stops G/MTBI times a second and
     * loses `lost` each time (restart, recomputation since the checkpoint). */
    double rate = rq->accelerator_mtbi_s > 0 ? G / rq->accelerator_mtbi_s : 0;
    o->goodput = 1 / (1 + rate * rq->lost_per_interruption_s);
    double compute_s = o->total_flops / (G * peak * o->mfu);
    double wall_s = compute_s / o->goodput;
    o->interruptions = rate * wall_s;
    o->compute_days = compute_s / 86400;
    o->train_days = wall_s / 86400;
    o->gpu_hours = G * wall_s / 3600;
    if (!gwi_all_finite(&o->flops_per_token,
                        offsetof(gw_train_result, batch_above_published) / sizeof(double)))
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "training estimate for '%s' overflowed; expected finite inputs",
                            m->meta.id);
    return GW_OK;
}