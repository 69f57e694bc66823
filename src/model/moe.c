/* src/model/moe.c — mixture-of-experts at rack scale for the perf model
 * (models layer): the routed experts' precision and rate, how unevenly they
 * are loaded with and without expert-load balancing, the all-to-all per
 * fabric (NVLink inside a scale-up domain, RDMA beyond it), and the wait
 * for the busiest attention-DP rank. Equations and measurements:
 * docs/model.md §7.8; the step that uses them is in perf.c. */
#include "gigawatt/perf.h"

#include <math.h>
#include <string.h>

#include "model_int.h"

/* ---- fallbacks while the catalog lacks a value (docs/model.md §7.8.3) ---- */

/* NVLink dispatch or combine floor: mean of the measured GB200 NVL72
 * one-sided all-to-all at EP8 and one token per rank, dispatch 18.9 us and
 * combine 31.0 us (F.fs.a2a.nvl72.ep8.bs1.dispatch; EP64: 27.8 / 32.6 us). */
#define A2A_NVLINK_FLOOR_S 25e-6
/* RDMA floor: DeepEP low-latency kernels over ConnectX-7 InfiniBand, EP8,
 * 128 tokens: dispatch 77 us, combine 114 us (F.fs.a2a.deepep.ll.ep8); the
 * in-situ check is F.fs.lmsys.h100x96.dispatch_insitu (0.17 ms per layer). */
#define A2A_RDMA_FLOOR_S 95e-6
/* One 400 Gb/s NIC per GPU (HGX H100/H200/B200 with ConnectX-7); DeepEP
 * measures 43-58 GB/s internode per GPU (F.fs.a2a.deepep.h800.rdma). */
#define RDMA_FALLBACK_BPS 50e9

/* ---- expert-load imbalance anchors (docs/model.md §7.8.4) ---- */

/* DeepSeek-R1 on 32 GB200, EP32 (8 experts per GPU), 256 tokens per rank,
 * top-8: (max - mean)/mean of the per-GPU routed load 1.564 without EPLB
 * (F.fs.eplb.trtllm.norank), 0.109 with it (F.fs.eplb.trtllm.eplb32). */
#define ANCHOR_EP 32.0
#define ANCHOR_GROUP_TOKENS (256.0 * 32)
#define ANCHOR_TOP_K 8.0
#define ANCHOR_EXPERTS_PER_GPU 8.0
#define ANCHOR_IMBALANCE_NO_EPLB 1.564
#define ANCHOR_IMBALANCE_EPLB 0.109

/* The standard normal quantile Phi^-1(p) for 0.5 <= p < 1: P. J. Acklam's
 * rational approximation (2003; relative error below 1.2e-9), no iteration. */
static double normal_quantile_upper(double p)
{
    static const double a[6] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                -2.759285104469687e+02, 1.383577518672690e+02,
                                -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[5] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                -1.556989798598866e+02, 6.680131188771972e+01,
                                -1.328068155288572e+01};
    static const double c[6] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                -2.400758277161838e+00, -2.549732539343734e+00,
                                4.374664141464968e+00, 2.938163982698783e+00};
    static const double d[4] = {7.784695709041462e-03, 3.224671290700398e-01,
                                2.445134137142996e+00, 3.754408661907416e+00};
    if (p <= 0.97575) {
        double q = p - 0.5, r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
               (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }
    double q = sqrt(-2 * log(1 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
}

/* Expected maximum of n independent standard normals, by Blom's
 * approximation E[max] = Phi^-1((n - 0.375)/(n + 0.25)) (Blom 1958; within
 * 4% for n >= 2, 0.2% for n >= 8); 0 for n <= 1. */
double gwi_expected_max_normal(double n)
{
    return n <= 1 ? 0 : normal_quantile_upper((n - 0.375) / (n + 0.25));
}

/* The squared coefficient of variation of one expert's popularity, c^2,
 * that makes the model below reproduce an anchor measurement `imbalance`. */
static double popularity_cv2(double imbalance)
{
    double z = gwi_expected_max_normal(ANCHOR_EP);
    double cv2_gpu = pow(imbalance / z, 2) / (1 - 1 / ANCHOR_EP);
    double sampling = ANCHOR_EP / (ANCHOR_TOP_K * ANCHOR_GROUP_TOKENS);
    return ANCHOR_EXPERTS_PER_GPU * (cv2_gpu - sampling);
}

/* §7.8.4: the busiest GPU's routed load is (1 + i) x the mean, with
 * i = z_ep * sqrt((1 - 1/ep) (c^2/m + ep/(k T))): expert popularity (CV c
 * over m experts per GPU) plus multinomial routing of T group tokens. */
double gw_perf_expert_imbalance(const gw_perf_engine *e, double group_tokens)
{
    if (e->imbalance_max_z <= 0 || group_tokens <= 0)
        return 0;
    double i = e->imbalance_max_z *
               sqrt(e->imbalance_popularity + e->imbalance_sampling / group_tokens);
    /* a GPU cannot take more than min(k, its experts) of each token's k
     * assignments: at most ep x min(k, m) / k of the mean */
    double m = e->experts / e->ep, k = e->active_experts;
    return fmin(i, e->ep * fmin(k, m) / k - 1);
}

/* P(a token's k distinct experts all miss one expert rank holding m of E),
 * hypergeometric: prod_{i<k} (E - m - i) / (E - i). */
static double rank_missed(double experts, double m, double k)
{
    double q = 1;
    for (int i = 0; i < (int)k; i++)
        q *= fmax(0, experts - m - i) / (experts - i);
    return q;
}

/* §7.8.3: dispatch (at the experts' input precision) and combine (BF16)
 * once per distinct destination GPU, split between NVLink inside the
 * scale-up domain and RDMA beyond it; latency floor per call. */
static void alltoall_per_fabric(const gw_perf_config *c, gw_perf_engine *e, double group)
{
    const gw_accelerator *a = c->accel;
    const gw_efficiency *f = c->eff;
    e->alltoall_bytes_per_token = e->alltoall_rdma_bytes_per_token = e->alltoalls_per_step = 0;
    e->rdma_rate = (a->scaleout_bandwidth_bps > 0 ? a->scaleout_bandwidth_bps : RDMA_FALLBACK_BPS) *
                   f->scaleup;
    if (!(e->experts > 0) || group <= e->tp)
        return;
    double q = rank_missed(e->experts, e->experts / e->ep, e->active_experts);
    /* each expert rank is group/ep GPUs (experts split moe_tp ways): a hit
     * rank receives the token on all of them, less the sender itself */
    double remote_gpus = (1 - q) * (group - 1);
    gw_precision in = gw_perf_expert_compute(c); /* W4A8/W4A16 send their activations */
    double per_token = c->model->hidden_size * (gw_precision_bytes(in) + 2.0) * remote_gpus *
                       e->stage_moe_layers;
    double domain = a->scaleup_domain > 0 ? a->scaleup_domain : group;
    double nvlink_share = group <= domain ? 1 : (domain - 1) / (group - 1);
    e->alltoall_bytes_per_token = per_token * nvlink_share;
    e->alltoall_rdma_bytes_per_token = per_token * (1 - nvlink_share);
    e->alltoalls_per_step = 2 * e->stage_moe_layers;
    double nvl = f->alltoall_latency_s > 0 ? f->alltoall_latency_s : A2A_NVLINK_FLOOR_S;
    double rdma = f->alltoall_rdma_latency_s > 0 ? f->alltoall_rdma_latency_s : A2A_RDMA_FLOOR_S;
    e->alltoall_latency_s = group <= domain ? nvl : rdma;
}

/* §7.8: the frontier MoE constants of an engine whose dense part perf.c has
 * filled. `group` is the GPUs the routed experts spread over. */
void gwi_moe_setup(const gw_perf_config *c, gw_perf_engine *e, double group)
{
    const gw_accelerator *a = c->accel;
    /* the matmul runs at its wider input: 4-bit weights with fp8 or bf16
     * activations (W4A8, W4A16) are upcast to the activations' tensor-core
     * path; their bytes stay the weights' (§7.8.1) */
    gw_precision xp = gw_perf_expert_compute(c);
    e->expert_peak = gw_precision_peak(a, xp);
    /* §7.8.1: the routed experts run as grouped GEMMs, each expert's few
     * tokens a small GEMM of its own: at most what one dense GEMM of their
     * precision reaches, the stack's share of it when it has one */
    double grouped = c->eff->grouped_gemm > 0 ? c->eff->grouped_gemm : 1;
    e->expert_gemm_rate = e->expert_peak * gw_compute_efficiency(c->eff, xp) * grouped;
    /* the replicas that meet in every MoE layer: the attention-DP ranks, or
     * ep/tp replicas when ep > tp without attention_dp */
    e->dp_max_z = e->experts > 0 ? gwi_expected_max_normal(e->expert_group_replicas) : 0;
    alltoall_per_fabric(c, e, group);
    if (!(e->experts > 0) || e->ep <= 1)
        return;
    double ep = e->ep;
    e->imbalance_max_z = gwi_expected_max_normal(ep);
    double cv2 = popularity_cv2(c->eplb ? ANCHOR_IMBALANCE_EPLB : ANCHOR_IMBALANCE_NO_EPLB);
    e->imbalance_popularity = (1 - 1 / ep) * cv2 / (e->experts / ep);
    e->imbalance_sampling = (ep - 1) / e->active_experts;
}

/* §7.8.2: E[ceil(N/n)] for N ~ Poisson(n c) prompts dealt round-robin to n
 * ranks: 1 - e^(-n c) while most steps see at most n of them, c + 1/2 once
 * several arrive per rank (the ceiling adds half a prompt on average). */
static double busiest_rank_chunks(double n, double mean_chunks)
{
    double any = 1 - exp(-n * mean_chunks);
    return fmax(any, mean_chunks + any / 2);
}

void gw_perf_dp_slowest(const gw_perf_engine *e, const gw_perf_batch *mean, double context_sd,
                        double prompt_cv, gw_perf_batch *s)
{
    *s = *mean;
    /* ranks wait for each other only where the MoE layers join them */
    double n = e->expert_group_replicas;
    double tokens = mean->prefill_tokens + mean->decode_seqs + mean->decode_draft_tokens;
    if (!(e->experts > 0) || n <= 1 || tokens <= 0)
        return;
    s->dp_tokens = n * tokens;
    s->dp_prompts = mean->prefill_chunks;
    if (mean->prefill_chunks > 0 && mean->prefill_tokens > 0) {
        double scale = busiest_rank_chunks(n, mean->prefill_chunks) / mean->prefill_chunks;
        double spread = 1 + e->dp_max_z * prompt_cv / sqrt(fmax(1, scale * mean->prefill_chunks));
        /* the engine's token budget caps one rank's iteration, its decodes'
         * 1 + k tokens each charged first (docs/serving.md, Symbols) */
        double budget = e->chunk_tokens > 0
                            ? e->chunk_tokens - mean->decode_seqs - mean->decode_draft_tokens
                            : INFINITY;
        double want = mean->prefill_tokens * scale * spread;
        double cap = fmax(mean->prefill_tokens, fmin(want, budget));
        double t = cap / mean->prefill_tokens;
        s->prefill_tokens *= t, s->prefill_chunks *= scale;
        s->prefill_pairs *= t * t / scale, s->prefill_past *= t;
    }
    /* sum of a rank's decode contexts: mean + z_n sd sqrt(seqs) (CLT) */
    s->decode_context += e->dp_max_z * context_sd * sqrt(mean->decode_seqs);
}
