/* include/gigawatt/sim.h — iteration-level simulation of LLM serving replicas
 * (engines layer), and the workloads that drive it.
 *
 * Each replica runs a continuous-batching scheduler (vLLM's prefill-first
 * with paged KV blocks and preemption by recompute, or Sarathi-style
 * stall-free chunked prefill); every iteration's duration is the perf
 * model's gw_perf_step for that iteration's exact mix of prefill chunks and
 * decode contexts. A global scheduler routes each request at its arrival.
 * The event set holds one pending iteration end per busy replica; arrivals
 * stream in from the (sorted) workload, and at equal times arrive first.
 * Also: a closed-loop benchmark client (C in flight), speculative decode
 * steps, and disaggregated prefill/decode pools with a KV transfer per
 * request; all off at zero, as before.
 * Semantics, metrics and references: docs/sim.md. */
#ifndef GIGAWATT_SIM_H
#define GIGAWATT_SIM_H

#include <stdint.h>

#include "gigawatt/des.h"
#include "gigawatt/perf.h"

/* ---- workloads ------------------------------------------------------------ */

typedef struct gw_workload {
    size_t n;
    double *arrival;  /* s, non-decreasing */
    int32_t *prompt;  /* prompt tokens */
    int32_t *output;  /* output tokens, the first (from the prefill) included */
    size_t cut;       /* prompts shortened to fit max_tokens */
} gw_workload;

void gw_workload_free(gw_workload *w);

/* A CSV trace with the columns arrived_at, num_prefill_tokens,
 * num_decode_tokens (Vidur's format; other columns are ignored), at most
 * `limit` rows (0 = all). A request longer than `max_tokens` (0 = no limit)
 * has its prompt cut by the excess, as Vidur does. Errors carry the line. */
int gw_workload_load_csv(const char *path, size_t limit, double max_tokens, gw_workload *w,
                         gw_error *err);

typedef enum gw_arrival_kind {
    GW_ARRIVAL_POISSON,  /* exponential gaps at `rate` */
    GW_ARRIVAL_GAMMA,    /* gamma gaps with coefficient of variation `cv` (> 1: bursty) */
    GW_ARRIVAL_DIURNAL   /* Poisson with rate·(1 + amplitude·sin(2πt/period)), by thinning */
} gw_arrival_kind;

typedef struct gw_synthetic {
    size_t requests;
    gw_arrival_kind arrival;
    double rate;       /* requests/s (mean) */
    double cv;         /* gamma */
    double amplitude, period_s; /* diurnal */
    gw_dist prompt, output;     /* token counts (integer, >= 1) */
    uint64_t seed;
} gw_synthetic;

int gw_workload_synthetic(const gw_synthetic *s, gw_workload *w, gw_error *err);

/* ---- the simulation ------------------------------------------------------- */

typedef enum gw_sched_kind { GW_SCHED_VLLM, GW_SCHED_SARATHI } gw_sched_kind;
typedef enum gw_route_kind {
    GW_ROUTE_ROUND_ROBIN,       /* request i to replica i mod R */
    GW_ROUTE_LEAST_OUTSTANDING, /* fewest requests queued or running */
    GW_ROUTE_KV_AWARE           /* most free KV blocks */
} gw_route_kind;

/* Closed-loop benchmark load (docs/sim.md §2.3): `concurrency` requests in
 * flight, a new one issued the instant one completes, as trtllm-bench,
 * InferenceX and `vllm bench serve --max-concurrency` run it. Request i's
 * lengths are drawn from the stream (seed, i, ...) in
 * [length_low x nominal, nominal]; the workload argument is not read. */
typedef struct gw_sim_closed_loop {
    int concurrency;              /* C; 0 = open loop (the workload's arrivals) */
    double input_tokens, output_tokens; /* nominal (the longest drawn) */
    double length_low;            /* share of nominal drawn from; 0 or 1 = fixed lengths */
    size_t requests;              /* issued in all; 0 = until duration_s */
    double duration_s;            /* no request issued at or after it; 0 = none */
    size_t warmup;                /* the first requests issued, left out of the metrics */
} gw_sim_closed_loop;

/* Request i's prompt and output tokens in the closed loop: fixed, or whole
 * numbers uniform on [ceil(low x nominal), nominal], each from its own
 * stream, so the draws depend on (seed, i) only. */
void gw_workload_closed_lengths(const gw_sim_closed_loop *cl, uint64_t seed, size_t i,
                                int32_t *prompt, int32_t *output);

/* A pool of identical replicas (disaggregation's decode pool). */
typedef struct gw_sim_pool {
    const gw_perf_engine *engine;
    int replicas;                 /* attention ranks: workers x attention_dp */
    int max_running, max_batched_tokens;
    double kv_tokens;             /* per replica; 0 = the engine's */
    double idle_w, busy_w;        /* IT watts of one replica at utilisation 0 and 1 */
} gw_sim_pool;

/* Disaggregated prefill/decode (docs/sim.md §3.6): the config's own
 * engine, replicas and limits are the prefill pool; a request's KV moves to
 * the least-loaded decode replica after its prefill. */
typedef struct gw_sim_disagg {
    int on;
    gw_sim_pool decode;
    double kv_bytes_per_token;    /* the whole model's KV per cached token, moved */
    double kv_link_bps;           /* bytes/s of one request's transfer */
    double kv_handover_s;         /* fixed latency per hand-over */
} gw_sim_disagg;

typedef struct gw_sim_config {
    const gw_perf_engine *engine; /* one replica's iteration time */
    int replicas;
    gw_sched_kind scheduler;
    gw_route_kind route;
    int max_running;          /* sequences holding KV on a replica (vLLM batch cap) */
    int max_batched_tokens;   /* vLLM: padded prefill tokens (longest × count); Sarathi: chunk budget */
    int block_size;           /* KV tokens per block */
    double watermark;         /* share of blocks kept free at admission */
    double kv_tokens;         /* KV capacity per replica, tokens (0: the engine's) */
    double context_length;    /* longest prompt + output a replica accepts (0: no limit) */
    /* power for energy: IT watts of one replica at utilisation 0 and 1 (the
     * rack model's per-accelerator power × tp × pp); affine in between */
    double idle_w, busy_w;
    double timeline_s;        /* width of a timeline bucket (0: no timeline) */
    int keep_requests;        /* keep per-request results (for the CSV) */
    int step_by_step;         /* 1: one event per iteration, no closed-form decode runs
                                 (docs/sim.md §3.4; for tests: the results must agree) */
    /* polled every 65,536 events with (completed, requests, completed);
     * nonzero stops the run with GW_E_STOPPED (NULL: none). Observes only:
     * the results do not depend on it. */
    gw_progress_fn progress;
    void *progress_user;
    /* ---- issue 13; zero = as before ---- */
    gw_sim_closed_loop closed;    /* concurrency > 0: closed loop */
    gw_sim_disagg disagg;         /* on: prefill and decode pools */
    uint64_t seed;                /* closed-loop lengths, speculative acceptance draws */
    double quantile;              /* in (0, 1): also each gw_stat's pq (--capacity's targets) */
} gw_sim_config;

typedef struct gw_stat {
    double mean, p50, p90, p99, max;
    double pq; /* at gw_sim_config.quantile (NAN when that is 0) */
} gw_stat;

typedef struct gw_sim_timeline {
    size_t n;
    double start_s;  /* the first arrival: bucket k covers start + [k, k+1) x width */
    double width_s;
    double *batch;   /* time-weighted running batch over the bucket, summed over replicas */
    double *kv_use;  /* mean share of KV blocks in use, over replicas */
    double *power_w; /* mean IT power of all replicas */
    double *done;    /* requests completed in the bucket */
} gw_sim_timeline;

typedef struct gw_sim_request {
    int32_t replica;
    int32_t restarts;
    double scheduled, first_token, completed; /* s; NAN if never */
} gw_sim_request;

typedef struct gw_sim_result {
    size_t requests, completed, rejected; /* rejected: can never fit a replica */
    uint64_t iterations, events, preemptions;
    double makespan_s;                 /* first arrival to last completion */
    double requests_per_s, output_tokens_per_s, input_tokens_per_s;
    gw_stat ttft, tpot, tbt, e2e, scheduling_delay;
    gw_stat batch_size;                /* per iteration */
    double kv_use_mean, kv_use_max;    /* share of blocks, time-weighted over busy replicas */
    double energy_j, mean_power_w;
    double joules_per_output_token;
    double busy_fraction;              /* replica time spent iterating */
    gw_sim_timeline timeline;
    gw_sim_request *per_request;       /* keep_requests: one per workload row */
    /* ---- issue 13 ---- */
    double gpus, decode_gpus;          /* all; the decode pool's (all when aggregated) */
    double tps_gpu_io;                 /* (input + output) tokens/s over all GPUs (InferenceX) */
    double tps_gpu_out;                /* output tokens/s over all GPUs */
    double tps_decode_gpu_out;         /* output tokens/s over decode GPUs (LMSYS, DeepSeek) */
    double concurrency_mean;           /* sum of E2E / makespan: Little's law's in-flight mean */
    double tokens_per_decode_step;     /* output tokens a sequence gains per decode step */
    double kv_transfer_s;              /* disagg: mean KV transfer + hand-over per request */
    size_t measured;                   /* requests in the metrics (closed loop: after warm-up) */
    gw_workload issued;                /* closed loop: the requests as issued (arrival = issue) */
} gw_sim_result;

int gw_sim_run(const gw_sim_config *c, const gw_workload *w, gw_sim_result *r, gw_error *err);
/* §3.2 The running requests one replica of a pool decodes in an iteration:
 * max_running, or fewer when the Sarathi scheduler's token budget holds
 * fewer at 1 + k tokens each (gw_perf_budget_decode_seqs); 0: a budget
 * below 1 + k, which gw_sim_run refuses. */
int gw_sim_decode_batch_cap(gw_sched_kind sched, int max_running, int max_batched_tokens,
                            double spec_tokens);
void gw_sim_result_free(gw_sim_result *r);

#endif
