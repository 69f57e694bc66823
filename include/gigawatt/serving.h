/* include/gigawatt/serving.h — what a serving deployment delivers at a
 * client concurrency (models layer: pure functions, no I/O, no globals).
 *
 * Built on perf.h's step model. A deployment is either aggregated (workers
 * that prefill and decode the same requests) or disaggregated (a prefill
 * pool and a decode pool, the KV cache moved between them per request,
 * "xPyD"). A worker is tp x pp x attention_dp accelerators; each of its
 * attention_dp ranks is one gw_perf_engine replica.
 *
 * The load is a closed loop, as trtllm-bench, InferenceX and `vllm bench`
 * run it: `concurrency` requests in flight, a new one starting as one
 * finishes (docs: data/perf/README.md). concurrency = 0 asks
 * for the most the deployment sustains (the offline point).
 *
 * Tokens per second per GPU comes in the three public definitions; every
 * output says which it prints. Equations and references: docs/serving.md
 * (docs/model.md §7.9 closed loop, §7.10 disaggregation). Both functions
 * are pure arithmetic, no allocation: a point costs microseconds. */
#ifndef GIGAWATT_SERVING_H
#define GIGAWATT_SERVING_H

#include "gigawatt/perf.h"

/* One pool of identical workers. */
typedef struct gw_serve_pool {
    const gw_perf_engine *engine; /* one rank (replica) of a worker, initialised */
    int workers;                  /* workers in the pool */
    double concurrency;           /* most requests in flight per worker (the engine's batch
                                     for decode, prompts per step for prefill); 0 = no cap
                                     beyond memory and the engine's */
} gw_serve_pool;

typedef struct gw_serve_request {
    double input_tokens, output_tokens;  /* nominal per request */
    double length_low;            /* lengths drawn in [low x nominal, nominal] (InferenceX:
                                     0.8); 1 = fixed, and a benchmark's cycles may stay in
                                     step (§7.9.3); 0 = not stated: nominal lengths, the
                                     cycles out of step */
    double output_cv;             /* outputs spread around a mean of output_tokens with this
                                     coefficient of variation (a dataset's); 0 = as
                                     length_low says (gw_perf_lengths_of) */
    double concurrency;           /* client requests in flight in all; 0 = the most it holds */
    double kv_link_bps;           /* disagg: prefill -> decode bytes/s per request stream;
                                     0 = the slower of the pools' scale-out links */
    double kv_handover_s;         /* disagg: fixed hand-over latency; 0 = the measured default */
    double requests_per_client;   /* benchmark length: requests each client sends, all
                                     clients starting together (InferenceX: 10); 0 = the
                                     steady state alone (docs/serving.md §7.9.1) */
} gw_serve_request;

typedef struct gw_serve_point {
    double ttft_s, tpot_s, e2e_s;  /* means over requests at the steady state */
    double requests_per_s;
    double tokens_per_user_s;      /* 1 / tpot */
    double tps_gpu_io;             /* (input + output) tokens/s over all GPUs (InferenceX) */
    double tps_gpu_out;            /* output tokens/s over all GPUs */
    double tps_decode_gpu_out;     /* output tokens/s over decode GPUs (LMSYS, DeepSeek) */
    double gpus, prefill_gpus, decode_gpus;
    double batch_per_rank;         /* sequences running per attention rank (disagg: on a
                                      decode rank) */
    double kv_transfer_s;          /* disagg: per request */
    double kv_handover_s;          /* disagg: the hand-over part of it */
    int kv_handover_source;        /* disagg: whose hand-over (gw_handover_source) */
    char bound[32];                /* what limits it: prefill | decode | kv-cache | concurrency */
} gw_serve_point;

/* Aggregated: `workers` workers of engine e (e->attention_dp ranks each). */
int gw_serve_agg(const gw_perf_engine *e, int workers, const gw_serve_request *rq,
                 gw_serve_point *out, gw_error *err);

/* Disaggregated: prefill pool, decode pool, KV moved per request. */
int gw_serve_disagg(const gw_serve_pool *prefill, const gw_serve_pool *decode,
                    const gw_serve_request *rq, gw_serve_point *out, gw_error *err);

/* The KV link of one request stream from a prefill to a decode pool, as
 * gw_serve_disagg takes it (docs/serving.md, KV transfer): kv_link_bps when
 * > 0, else the scale-up link when both pools' GPUs fit one scale-up
 * domain, else the slower scale-out NIC, times the narrower side's tp x pp
 * streams. GW_E_INPUT (field "disagg") when there is none. For the replica
 * simulator's transfer events (docs/sim.md §3.6). */
int gw_serve_kv_link(const gw_perf_engine *prefill, double prefill_gpus,
                     const gw_perf_engine *decode, double decode_gpus, double kv_link_bps,
                     double *bps, gw_error *err);
/* Whose hand-over a request pays: the one given, the decode stack's
 * `kv_handover`, or vLLM's measured 168 ms standing in for a stack without
 * one (docs/serving.md §7.10). */
typedef enum gw_handover_source {
    GW_HANDOVER_GIVEN,
    GW_HANDOVER_STACK,
    GW_HANDOVER_STANDIN
} gw_handover_source;

/* The hand-over latency a request pays besides its bytes: given_s when
 * given (>= 0; pass a negative number for "not given"), else the decode
 * stack's `kv_handover`, else vLLM's measured 168 ms. The one rule for
 * perf, the replica simulator and validate's replay; *source (may be
 * NULL) says which. */
double gw_serve_kv_handover_s(const gw_perf_engine *decode, double given_s,
                              gw_handover_source *source);

#endif
