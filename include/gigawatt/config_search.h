/* include/gigawatt/config_search.h — the serving configuration search
 * (models layer: pure functions, no I/O, no globals).
 *
 * For one model on a budget of accelerators, at fixed input/output lengths,
 * enumerate the deployments an engine can run (aggregated or disaggregated,
 * TP x attention-DP per role with EP = TP x attention-DP for MoE, the
 * prefill:decode worker ratio, client concurrency, MTP draft tokens), price
 * each once through the serving model (serving.h), and keep the Pareto
 * front of tokens/s per GPU against tokens/s per user and the best
 * deployment under TTFT/TPOT targets. What NVIDIA's AIConfigurator does for
 * Dynamo; the search space, its pruning and the front's definition are in
 * docs/search.md. */
#ifndef GIGAWATT_CONFIG_SEARCH_H
#define GIGAWATT_CONFIG_SEARCH_H

#include <stddef.h>

#include "gigawatt/serving.h"

enum { GW_SEARCH_AGG = 1, GW_SEARCH_DISAGG = 2 }; /* gw_search_spec.modes bits */

/* Largest term of a prefill:decode worker ratio x:y tried (docs/search.md §2). */
#define GW_SEARCH_RATIO_MAX 16

/* Which public tokens/s-per-GPU definition the front and the best use. */
typedef enum gw_search_metric {
    GW_SEARCH_TPS_IO,        /* (input + output) tokens/s over all GPUs (InferenceX) */
    GW_SEARCH_TPS_OUT,       /* output tokens/s over all GPUs */
    GW_SEARCH_TPS_DECODE_OUT /* output tokens/s over decode GPUs (LMSYS, DeepSeek) */
} gw_search_metric;

/* "io" | "out" | "decode" -> metric; -1 if unknown. */
int gw_search_metric_parse(const char *s);
const char *gw_search_metric_name(gw_search_metric m);

/* How a candidate is priced: gw_serve_agg and gw_serve_disagg, or (tests)
 * functions of the same shape. */
typedef int (*gw_search_agg_fn)(const gw_perf_engine *e, int workers, const gw_serve_request *rq,
                                gw_serve_point *out, gw_error *err);
typedef int (*gw_search_disagg_fn)(const gw_serve_pool *prefill, const gw_serve_pool *decode,
                                   const gw_serve_request *rq, gw_serve_point *out,
                                   gw_error *err);

typedef struct gw_search_spec {
    /* model, accel, eff, weights, kv, expert_weights(_set), eplb,
     * memory_fraction as given; tp, pp, ep, attention_dp, spec_tokens are
     * the search's and ignored here */
    gw_perf_config base;
    int gpus;                     /* the budget: accelerators in all */
    int domain;                   /* scale-up domain (TP and attention-DP up to it); > 0 */
    double input_tokens, output_tokens;
    double length_low;            /* as gw_serve_request (0 = fixed lengths) */
    double output_cv;             /* as gw_serve_request (0 = as length_low says) */
    double ttft_target_s, tpot_target_s; /* 0 = none */
    unsigned modes;               /* GW_SEARCH_AGG | GW_SEARCH_DISAGG; 0 = both */
    int mtp_max;                  /* most MTP draft tokens tried (0 = off only); the model
                                     must have an MTP head for any k > 0 */
    gw_search_metric metric;
    gw_search_agg_fn agg;         /* required: what prices an aggregated candidate */
    gw_search_disagg_fn disagg;   /* required with GW_SEARCH_DISAGG */
    int exhaustive;               /* 1: no cuts (saturation, surplus prefill), every ratio
                                     and concurrency priced: to check the cuts lose nothing */
    gw_progress_fn progress;      /* may be NULL: called per decode shape (done, total)
                                     with the candidates priced; nonzero stops the search
                                     (GW_E_STOPPED) */
    void *progress_user;
} gw_search_spec;

/* One pool's shape. A worker is tp x attention_dp GPUs (pp 1). */
typedef struct gw_search_role {
    int tp, attention_dp, ep;
    int workers;
} gw_search_role;

/* One evaluated deployment. */
typedef struct gw_search_point {
    int disagg;                   /* 0: aggregated (decode holds its workers) */
    gw_search_role prefill;       /* disaggregated only */
    gw_search_role decode;        /* the decode pool, or the aggregated workers */
    int spec_tokens;              /* MTP draft tokens per decode step (0 = off) */
    double concurrency;           /* client requests in flight, in all */
    double tps_gpu;               /* tokens/s per GPU in the spec's metric */
    double tps_user;              /* output tokens/s per user (1 / TPOT) */
    int meets_targets;            /* TTFT and TPOT within the spec's targets */
    gw_serve_point serve;         /* everything the serving model said */
} gw_search_point;

typedef struct gw_search_result {
    gw_search_point *front;       /* the Pareto front, tokens/s per user ascending (malloc'd) */
    size_t nfront, front_cap;
    gw_search_point best;         /* most tokens/s per GPU meeting both targets */
    int has_best;
    long evaluated;               /* candidates priced by the serving model */
    long roles, roles_pruned;     /* worker shapes tried; refused (memory, divisibility) */
    long failed;                  /* candidates the serving model refused */
    char pruned_why[256];         /* the last (largest) worker shape's refusal, for messages */
} gw_search_result;

/* Run the search. An error for a spec that cannot be searched (no GPUs, no
 * evaluator, MTP on a model without an MTP head, no worker shape that
 * fits); a search whose targets nothing meets succeeds with has_best 0. */
int gw_search_run(const gw_search_spec *s, gw_search_result *r, gw_error *err);
void gw_search_result_free(gw_search_result *r);

/* Offer a point to a front kept sorted by tps_user ascending (tps_gpu then
 * descending): it enters unless another point is at least as good in both,
 * and removes those it beats. 1 if it entered, 0 if not, -1 out of memory.
 * Exposed for tests. */
int gw_search_front_add(gw_search_result *r, const gw_search_point *p);

#endif
