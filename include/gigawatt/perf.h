/* include/gigawatt/perf.h — LLM inference and training performance
 * (models layer: pure functions, no I/O, no globals).
 *
 * Inference: a replica of tp x pp accelerators runs one model. gw_perf_engine_init
 * turns (model, accelerator, efficiency, parallelism, precisions) into a few
 * per-token and per-step constants; gw_perf_step then prices one iteration of
 * any mix of prefill chunks and decode sequences with a per-operator roofline
 * (linear layers against weights, attention against the KV cache), plus
 * tensor/expert-parallel collectives over the scale-up link and a fixed step
 * overhead. gw_perf_step is the replica simulator's clock: it does a few
 * dozen flops and no allocation (bench/: well under a microsecond).
 *
 * One step model serves every configuration (src/model/moe.c, spec.c;
 * docs/model.md §7.8, §7.11): attention-DP ranks waiting for the busiest,
 * expert-load imbalance, the all-to-all per fabric, MLA prefill in MHA form,
 * speculative verify and drafting; a setting left at zero is simply off.
 *
 * gw_perf_infer builds on it: memory (weights, KV bytes per token, largest
 * batch), steady-state continuous batching for fixed input/output lengths,
 * the best batch with and without TTFT/TPOT targets, per GPU / MW / USD.
 *
 * Training: gw_perf_train gives time, GPU-hours and energy from 6ND-style
 * FLOPs, an MFU given or predicted (compute efficiency x pipeline bubble x
 * exposed tensor-parallel communication), and goodput under interruptions.
 *
 * Equations and references: docs/model.md §7 (inference) and §8 (training). */
#ifndef GIGAWATT_PERF_H
#define GIGAWATT_PERF_H

#include "gigawatt/catalog.h"

typedef enum gw_precision { GW_PREC_BF16, GW_PREC_FP8, GW_PREC_FP4 } gw_precision;

/* "bf16" | "fp8" | "fp4" -> enum; -1 if unknown. */
int gw_precision_parse(const char *s);
const char *gw_precision_name(gw_precision p);
/* Bytes per value stored at `p` (FP4 counts its block scales: 4.5 bits). */
double gw_precision_bytes(gw_precision p);
/* Dense tensor peak of `a` at `p`, FLOP/s; 0 if the accelerator lacks it. */
double gw_precision_peak(const gw_accelerator *a, gw_precision p);
/* The stack's matmul efficiency at `p` (its own factor, else `compute`). */
double gw_compute_efficiency(const gw_efficiency *f, gw_precision p);

/* Parameters of one model, counted from its shape (docs/model.md §7.1). */
typedef struct gw_llm_params {
    double attention_per_layer; /* q, k, v, o projections (MLA: its low-rank factors) */
    double dense_mlp_per_layer; /* a dense layer's MLP */
    double expert;              /* one routed or shared expert */
    double router;              /* per MoE layer */
    double embedding;           /* vocab x hidden, once */
    double moe_layers, dense_layers;
    double total;               /* all of it, embeddings counted once if tied */
    double active;              /* per token: shared + active routed experts only */
} gw_llm_params;
void gw_llm_count_params(const gw_llm *m, gw_llm_params *out);
/* Published `parameters` vs the count: within 3%, else an error naming the
 * model (a wrong shape would silently mis-size everything downstream). */
int gw_llm_check(const gw_llm *m, gw_error *err);

/* Most draft tokens a speculative step proposes (MTP nextn, draft model k). */
#define GW_SPEC_MAX 8

/* The widest spread of output lengths taken (standard deviation / mean):
 * a bound on input, not a model constant (MLPerf's widest, DeepSeek-R1,
 * is 1.25; docs/model.md §7.4.2). */
#define GW_OUTPUT_CV_MAX 10

/* How a sequence's KV blocks are taken (docs/model.md §7.5): the stack's
 * kv_policy, or a recipe's reserve-to-completion (TensorRT-LLM
 * GUARANTEED_NO_EVICT) or as-needed (MAX_UTILIZATION, vLLM, SGLang). */
typedef enum { GW_KV_STACK, GW_KV_RESERVE, GW_KV_ON_DEMAND } gw_kv_policy;
/* "" (the stack's), "reserve" or "on-demand"; -1 for anything else. */
int gw_kv_policy_parse(const char *text);

/* One serving configuration of one model. Every field after `kv` is zero
 * for "off" (no attention DP, experts at `weights`, no speculation, the
 * stack's memory fraction). */
typedef struct gw_perf_config {
    const gw_llm *model;
    const gw_accelerator *accel;
    const gw_efficiency *eff;
    int tp, pp, ep;             /* ep divides tp: experts are sharded inside the TP group;
                                   ep > tp: experts spread over ep/tp attention replicas */
    gw_precision weights;       /* also the GEMM compute precision */
    gw_precision kv;            /* KV cache storage */
    /* ---- frontier serving (docs/model.md §7.8-§7.10) ---- */
    int attention_dp;           /* attention data-parallel ranks in one worker (DEP: tp 1,
                                   attention_dp = ep); 0 = 1. A worker is tp x pp x
                                   attention_dp GPUs; each rank is one replica of tp x pp */
    int expert_weights_set;     /* 1: routed experts use expert_weights (FP4 experts, FP8 rest) */
    gw_precision expert_weights;
    int expert_activations_set; /* 1: the routed experts' matmuls take expert_activations
                                   inputs, wider than their weights: W4A8 (fp8) or W4A16
                                   (bf16) kernels upcast 4-bit weights (docs/model.md §7.8.1) */
    gw_precision expert_activations;
    int eplb;                   /* expert-load balancing (redundant experts) on */
    int redundant_experts;      /* physical expert slots beyond the model's experts, spread
                                   over the ep GPUs (SGLang --ep-num-redundant-experts;
                                   DeepSeek's redundant experts); 0 = none, or EPLB's one
                                   per GPU (docs/model.md §7.8.4) */
    int spec_tokens;            /* speculative decoding: draft tokens per step (k); 0 = off */
    double spec_accept_length;  /* mean tokens out per verify step incl. the bonus token,
                                   1..k+1; 0 = the model's measured MTP acceptance */
    const gw_llm *draft_model;  /* NULL with spec_tokens > 0: the model's own MTP head */
    double memory_fraction;     /* share of HBM the engine may use; 0 = the stack's */
    /* scheduler settings a deployment's recipe gives (docs/serving.md §7.9.4) */
    int max_num_tokens;         /* token budget of one iteration (TensorRT-LLM max_num_tokens,
                                   vLLM max_num_batched_tokens); 0 = the stack's chunk_tokens */
    int batch_wait_iters;       /* TensorRT-LLM batch_wait_timeout_iters: new prompts held
                                   while decodes run, at most so many iterations; 0 = off */
    double batch_wait_ratio;    /* TensorRT-LLM batch_wait_max_tokens_ratio: released early
                                   once the iteration's tokens reach this share of the
                                   budget; 0 = off (TensorRT-LLM then never holds) */
    int recv_interval;          /* SGLang --scheduler-recv-interval: while decoding, new
                                   requests are taken in every so many iterations
                                   (docs/serving.md §7.9.5); 0 or 1 = every iteration */
    int piecewise_graphs;       /* 1: CUDA graphs capture the steps that mix prompts with
                                   decodes too (TensorRT-LLM enable_piecewise_cuda_graph),
                                   so they pay no eager time (docs/model.md §7.2.3) */
    gw_kv_policy kv_policy;     /* a sequence's KV: the stack's policy, or the recipe's */
} gw_perf_config;

/* Per-replica constants for gw_perf_step, all per accelerator of the
 * slowest (last) pipeline stage. Filled by gw_perf_engine_init. */
typedef struct gw_perf_engine {
    double stage_layers, stage_moe_layers;
    double linear_flops_per_token;  /* dense weights (attention proj., dense MLP, shared experts) */
    double routed_flops_per_token;  /* active routed experts */
    double head_flops_per_seq;      /* LM head, per sequence that emits a token */
    double dense_weight_bytes;      /* read once per step: non-expert weights + LM head */
    double expert_bytes;            /* one expert's share on this GPU, summed over stage layers */
    double local_experts;           /* routed experts per GPU per layer (all experts x its shard) */
    double experts, active_experts; /* routed, per MoE layer */
    double attn_flops_per_pair;     /* per (query token, key token) pair */
    double kv_bytes_per_token;      /* this GPU's stage layers, per cached token */
    double expert_group_replicas;   /* replicas whose tokens share one GPU's experts (ep/tp, >= 1) */
    double allreduce_bytes_per_token, allreduces_per_step; /* TP, this stage, ring-scaled */
    double alltoall_bytes_per_token, alltoalls_per_step;   /* EP across replicas, this stage */
    double pp_bytes_per_token;      /* activations to the next stage */
    double activation_bytes_per_token; /* HBM traffic of activations, this stage */
    double gemm_rate, attn_rate;    /* FLOP/s achieved */
    double decode_attn_weight;      /* attn_rate / the decode pairs' own rate: MLA's
                                       absorbed kernel (§7.8.5); 1 otherwise */
    double mem_rate;                /* bytes/s achieved */
    double link_rate;               /* bytes/s achieved, one direction */
    double collective_latency_s, step_overhead_s;
    double tp, pp, ep;
    /* memory */
    double weight_bytes_per_gpu;    /* the fullest stage */
    double kv_capacity_bytes;       /* HBM left for the KV cache on one GPU */
    double kv_capacity_tokens;      /* tokens of context the replica can cache */
    double max_batch_engine;        /* the engine's cap on running sequences (the stack's
                                       max_batch, or decode_budget_seqs when lower) */
    double chunk_tokens;            /* prefill chunk budget; 0 = whole prompts */
    double decode_budget_seqs;      /* a mixed scheduler's decoding sequences per iteration
                                       that the token budget holds at 1 + k tokens each,
                                       when fewer than the stack's max_batch (then the
                                       cap); 0 = the budget does not bind */
    double adp_balance_iters;       /* attention-DP prompt hold, iterations; 0 = none */
    double batch_wait_iters, batch_wait_ratio; /* TensorRT-LLM batch waiting; 0 = none */
    double recv_interval;           /* SGLang: decode iterations between request polls */
    double kv_reserve_full;         /* 1: input+output reserved per sequence at admission */
    double prefill_first;           /* 1: waiting prompts run as prefill batches before any
                                       decode (SGLang); 0: mixed into the decode steps */
    double peak_flops;              /* dense peak at the weight precision, FLOP/s */
    double attn_peak, hbm_peak;     /* BF16 peak FLOP/s, HBM bytes/s: utilisation */
    /* ---- frontier serving ---- */
    double attention_dp;            /* ranks per worker (>= 1) */
    double spec_tokens;             /* k draft tokens per speculating sequence and step */
    double spec_accept[GW_SPEC_MAX];/* P(draft position i+1 accepted | earlier ones were) */
    double spec_accept_length;      /* mean tokens out per step per sequence, 1..k+1 */
    double draft_flops_per_token, draft_bytes_per_step; /* one draft pass, per token / step */
    /* ---- disaggregation (serving.h, docs/serving.md) ---- */
    double kv_bytes_per_token_model; /* the whole model's KV cache per token: every layer, one
                                        copy (no TP replication; MLA: the latent), as moved
                                        from a prefill to a decode worker */
    double scaleup_domain;          /* accelerators in one scale-up domain; 0 = unknown */
    double scaleout_bps;            /* RDMA bytes/s per accelerator, one direction; 0 = unknown */
    double request_overhead_s;      /* the stack's per-request time in TTFT outside the steps */
    /* ---- frontier model internals (docs/model.md §7.8, §7.11) ---- */
    double expert_gemm_rate, expert_peak; /* routed experts' FLOP/s achieved / peak */
    double imbalance_max_z;         /* expected max of ep standard normals (0 for ep 1) */
    double imbalance_popularity;    /* (1 - 1/ep) c^2 / m: a GPU's routed-load CV^2 from
                                       expert popularity (c: per-expert CV, m experts/GPU) */
    double imbalance_sampling;      /* (ep - 1) / k: over T group tokens, the CV^2 of routing */
    double dp_max_z;                /* expected max of attention_dp standard normals */
    double alltoall_rdma_bytes_per_token; /* EP traffic leaving the scale-up domain */
    double rdma_rate;               /* bytes/s achieved over the scale-out NIC */
    double alltoall_latency_s;      /* floor per dispatch or combine call */
    double attn_flops_per_prefill_pair, attn_flops_per_past_token; /* MLA prefill: MHA form */
    double draft_attn_flops_per_pair; /* the drafter's attention, per context token */
    double draft_kv_bytes_per_token;  /* the drafter's KV read per context token and pass */
    double draft_expert_bytes;      /* MTP head: one layer's local experts, bytes each */
    double workspace_bytes;         /* activations + workspace kept per GPU (§7.5) */
    double window_tokens;           /* sliding-window layers' span (0 = none; §7.2.2) */
    double window_share;            /* share of the stage's layers that slide */
    double kv_rate;                 /* bytes/s achieved reading the KV cache in attention */
    double layer_overhead_s;        /* fixed time per layer and step (§7.2) */
    double eager_step_s;            /* a step that holds a prompt runs without CUDA graphs:
                                       its fixed time beyond the graphed step's (§7.2.3) */
    double kv_handover_s;           /* the stack's disaggregated hand-over; 0 = the default */
} gw_perf_engine;

/* One iteration's work for a replica. Sums make the cost exact for any mix:
 * attention work and KV traffic are linear in these totals. */
typedef struct gw_perf_batch {
    double prefill_tokens;  /* new prompt tokens in this iteration's chunks */
    double prefill_chunks;  /* chunks (each ends in one LM-head row) */
    double prefill_pairs;   /* sum over chunks of c*(p + (c+1)/2): query-key pairs, causal */
    double prefill_past;    /* sum over chunks of p: earlier tokens whose KV is read */
    double decode_seqs;     /* sequences decoding one token */
    double decode_context;  /* sum of their context lengths (tokens already cached) */
    double decode_draft_tokens; /* draft tokens verified alongside (k per speculating
                                   sequence); their drafting is priced in the step too */
    double dp_tokens;       /* attention-DP: tokens of all the worker's ranks together (the
                               experts see them all); 0 = every rank like this one */
    double dp_prompts;      /* attention-DP: the mean rank's prompts (chunks) per step, where
                               this batch is its busiest rank's (§7.8.2); 0 = prefill_chunks */
    int mean;               /* 1: a steady state's mean step, its prompts a rate per step
                               (§7.4.1); 0: one real step (a wave's, a simulator's) */
} gw_perf_batch;

/* Where one step's time goes (per pipeline stage). */
typedef struct gw_perf_step_detail {
    double linear_s, attention_s, comm_s, overhead_s; /* + draft_s = stage time */
    double flops, bytes;                              /* per GPU, this stage */
    double compute_busy_s, memory_busy_s;             /* at peak: utilisation numerators */
    double draft_s;                                   /* speculative drafting (§7.11) */
} gw_perf_step_detail;

int gw_perf_engine_init(const gw_perf_config *cfg, gw_perf_engine *e, gw_error *err);

/* The precision the routed experts' matmuls (and their dispatch) run at:
 * their weights', or the wider activations of a W4A8 / W4A16 kernel
 * (docs/model.md §7.8.1). */
gw_precision gw_perf_expert_compute(const gw_perf_config *c);
/* The KV policy a configuration runs: the recipe's, else its stack's
 * ("reserve" or "on-demand"). */
const char *gw_perf_kv_policy_name(const gw_perf_config *c);

/* TensorRT-LLM's attention-DP balancing as a renewal process (docs/serving.md
 * §7.9.2): releases come when every one of `ranks` ranks has a prompt
 * (Poisson, `arrivals` per rank and iteration) or after `timeout`
 * iterations; a cycle L = min(T, M) has mean *mean = E[L] and *square =
 * E[L^2] (iterations). Returns 0 (and 1, 1) when nothing is held (T < 1,
 * one rank). */
int gw_perf_adp_cycle(double timeout, double ranks, double arrivals, double *mean,
                      double *square);

/* Share of the steps `b` stands for that hold a prompt on some rank of the
 * worker and so run without CUDA graphs (docs/model.md §7.2.3), 0..1. */
double gw_perf_eager_share(const gw_perf_engine *e, const gw_perf_batch *b);

/* Time of one pipeline stage for `b` (the replica's iteration time when pp = 1).
 * `d` may be NULL. Pure arithmetic: no allocation, no error path. */
double gw_perf_stage_time(const gw_perf_engine *e, const gw_perf_batch *b,
                          gw_perf_step_detail *d);
/* Time for one token of every sequence in `b` to come out of the replica:
 * with pp > 1 the batch is split into pp micro-batches in flight, so the
 * step takes pp stage-times of b/pp (docs/model.md §7.4). */
double gw_perf_step(const gw_perf_engine *e, const gw_perf_batch *b, gw_perf_step_detail *d);

/* Decoding sequences a mixed scheduler's token budget holds in one
 * iteration at 1 + k tokens each: floor(budget / (1 + k)), >= 0
 * (docs/serving.md, Symbols; perf's engine cap and the replica simulator's
 * Sarathi batch). */
double gw_perf_budget_decode_seqs(double budget_tokens, int spec_tokens);

/* §7.8.4: the busiest GPU's routed-expert load over the mean, minus 1, when
 * `group_tokens` tokens are routed over the expert group (0 before the
 * frontier model, for a dense model, or ep 1). */
double gw_perf_expert_imbalance(const gw_perf_engine *e, double group_tokens);
/* Attention-DP (§7.8.2): the busiest of the worker's attention_dp ranks when each
 * averages `mean`. New prompts are dealt to ranks round-robin; decode contexts
 * spread with standard deviation `context_sd` per sequence and prompt lengths
 * with coefficient of variation `prompt_cv`. Sets dp_tokens (the experts see
 * the mean). A copy of `mean` when there is nothing to wait for. */
void gw_perf_dp_slowest(const gw_perf_engine *e, const gw_perf_batch *mean, double context_sd,
                        double prompt_cv, gw_perf_batch *slowest);

/* The lengths a running batch sees (docs/model.md §7.4.2). Requests of
 * nominal input I and output O are either drawn uniformly in [low x
 * nominal, nominal] (a benchmark's client, InferenceX 0.8; low 0 or 1 =
 * fixed lengths), or, with output_cv > 0, have outputs of mean O spread with
 * that coefficient of variation (a dataset's: MLPerf's DeepSeek-R1 1.25),
 * gamma-shaped for the third moment. A sequence stays in the batch in
 * proportion to its output, so the context a decode sees is output-weighted
 * (renewal theory's length bias). */
typedef struct gw_perf_lengths {
    double in, out;         /* means */
    double in_pairs;        /* E[I(I+1)/2]: causal query-key pairs of one prompt */
    double decode_context;  /* mean context of a decoding sequence, E[I] + E[O^2]/(2E[O]) */
    double context_sd;      /* its standard deviation (attention-DP rank spread) */
    double prompt_cv;       /* the prompts' coefficient of variation */
    double reserved;        /* mean tokens reserved by a running sequence, E[I] + E[O^2]/E[O] */
    double output_cv;       /* the outputs' spread it was given (0: drawn uniformly, or fixed) */
} gw_perf_lengths;

void gw_perf_lengths_of(double input_tokens, double output_tokens, double length_low,
                        double output_cv, gw_perf_lengths *L);
/* The outputs' spread a request may give: 0..GW_OUTPUT_CV_MAX (field
 * output_tokens_cv otherwise). */
int gw_perf_check_output_cv(double output_cv, gw_error *err);

/* Steady state of continuous batching (trtllm-bench, MLPerf). */
typedef struct gw_perf_request {
    int count;              /* accelerators in all: dp = count / (tp x pp) replicas */
    double input_tokens, output_tokens;
    double ttft_slo_s, tpot_slo_s; /* 0 = no target */
    double max_batch;              /* 0 = the engine's and memory's */
    double output_cv;              /* outputs' coefficient of variation (0 = fixed lengths) */
} gw_perf_request;

typedef struct gw_perf_point {
    double batch;           /* running sequences per replica */
    double step_s;          /* time per output token (one iteration / accept length) */
    double ttft_s;          /* a new prompt's prefill with the running batch alongside */
    double tokens_per_s;    /* output tokens/s of all replicas */
    double utilisation;     /* busy share of the bottleneck resource, for power */
    gw_perf_step_detail detail;
    double iteration_s;     /* one mixed iteration (= step_s without speculation) */
} gw_perf_point;

typedef struct gw_perf_result {
    int dp;
    double weights_per_gpu_b, kv_bytes_per_token, kv_capacity_tokens;
    double max_batch;            /* sequences of input+output that fit (and the engine cap) */
    double kv_tokens_per_seq;    /* KV a running sequence counts for the fit (§7.5) */
    double prefill_s;            /* one prompt alone (input_tokens, batch 1) */
    double decode_step_s;        /* one decode step at max_batch, mid-sequence context */
    gw_perf_point offline;       /* best tokens/s, no latency targets */
    gw_perf_point slo;           /* best tokens/s meeting the targets */
    int slo_given, slo_feasible;
    char infeasible[256];        /* why no batch meets the targets */
} gw_perf_result;

int gw_perf_infer(const gw_perf_engine *e, const gw_perf_request *rq, gw_perf_result *out,
                  gw_error *err);
/* The steady-state point at `batch` sequences per replica. */
void gw_perf_steady(const gw_perf_engine *e, const gw_perf_request *rq, double batch,
                    gw_perf_point *p);

/* ---- training ---- */
typedef struct gw_train_request {
    int count;                 /* accelerators: dp = count / (cfg tp x pp) */
    gw_precision precision;
    double tokens;             /* to train on */
    double sequence_length;
    double global_batch_tokens;/* tokens per optimizer step; 0 = the default (docs/model.md §8.2) */
    double micro_batch;        /* sequences per micro-batch; 0 = 1 */
    double virtual_stages;     /* interleaved pipeline chunks per GPU; 0 = as the bubble needs */
    double mfu;                /* given; 0 = predict */
    double accelerator_mtbi_s; /* mean time between job interruptions per accelerator */
    double lost_per_interruption_s; /* restart + recomputed work per interruption */
} gw_train_request;

typedef struct gw_train_result {
    double flops_per_token, total_flops;
    double mfu, mfu_predicted;  /* used; predicted (even when one is given) */
    double bubble_fraction;     /* pipeline idle share */
    double comm_fraction;       /* exposed TP communication share of a step */
    double goodput;             /* useful time / wall time under interruptions */
    double interruptions;       /* expected over the run */
    double compute_days;        /* without interruptions */
    double train_days, gpu_hours;
    double weights_per_gpu_b;   /* weights + grads + optimizer, sharded */
    /* the schedule used, given or defaulted (docs/model.md §8.2) */
    double global_batch_tokens, micro_batch, virtual_stages;
    double micro_batches;       /* per data-parallel replica and step */
    /* shares of a step that add up to 1 (predicted, §8.3) */
    double step_model_flops, step_kernels, step_tp_comm, step_bubble;
    int batch_above_published;  /* the default needs more than the largest published batch */
} gw_train_result;

int gw_perf_train(const gw_perf_config *cfg, const gw_train_request *rq, gw_train_result *out,
                  gw_error *err);

#endif
