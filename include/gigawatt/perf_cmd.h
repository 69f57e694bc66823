/* include/gigawatt/perf_cmd.h — what `gigawatt perf` computes from a resolved
 * scenario (scenario layer, above the models): the perf model's inference
 * and training results, joined with the rack model's power per accelerator
 * and the plan model's cost per accelerator-hour, for tokens per MW, per
 * USD, joules per token and training energy. Equations: docs/model.md §7.7. */
#ifndef GIGAWATT_PERF_CMD_H
#define GIGAWATT_PERF_CMD_H

#include "gigawatt/scenario.h"
#include "gigawatt/serving.h"

#define GW_PERF_SWEEP_MAX 24 /* batch 1 .. 2^22, then max_batch */

/* A known large error (docs/perf-validation.md, "Serving runs", per
 * partition): the check rows' median errors of the partition a
 * configuration falls in, as fractions (predicted / measured - 1; signed
 * < 0: the model is faster than measured; -1 when no row was predicted). */
#define GW_PERF_CAVEAT_THRESHOLD 0.25 /* a median abs. error beyond it is stated */
typedef struct gw_perf_caveat {
    int found;                 /* the partition is in the validation */
    int beyond;                /* a median abs. error (TTFT, TPOT, throughput) > the threshold */
    char partition[192];       /* "model accelerator engine mode" */
    int ttft_n, tpot_n;        /* check rows predicted */
    double ttft_median_abs, ttft_signed, tpot_median_abs, tpot_signed;
    /* the benchmark throughput check rows of the same model x accelerator x
     * engine in any mode (TensorRT-LLM/MLPerf runs; docs/perf-validation.md
     * "By model, accelerator and engine"): signed > 0, the model serves more */
    int throughput_n;
    double throughput_median_abs, throughput_signed;
} gw_perf_caveat;

/* The partition's errors and its model x accelerator x engine's benchmark
 * throughput errors (data/perf/known-errors.csv, compiled in, written by
 * scripts/perf-validate); 1 when a median is beyond the threshold. */
int gw_perf_known_error(const char *model, const char *accelerator, const char *engine,
                        const char *mode, gw_perf_caveat *out);

typedef struct gw_perf_report {
    /* what ran, after defaults */
    gw_perf_config cfg;
    int count, dp;
    int has_inference, has_training;
    gw_perf_request request;
    gw_perf_engine engine;
    gw_perf_result inference;
    const gw_perf_point *headline; /* slo point when targets are given, else offline; NULL
                                      when the targets are infeasible */
    /* steady state at batch 1, 2, 4, ... up to max_batch: throughput vs batch
     * and the latency-throughput frontier (for reports) */
    gw_perf_point sweep[GW_PERF_SWEEP_MAX];
    int nsweep;
    /* ---- frontier serving (perf.engine ... perf.disagg; docs/commands.md) ---- */
    int frontier;                  /* any frontier setting given: print engine and memory */
    /* memory per GPU of a worker: hbm x fraction - weights - workspace = KV
     * (workspace: what the engine keeps besides weights and KV, so the
     * line adds up whichever way the stack reserves it) */
    double hbm_b, memory_fraction, workspace_b, kv_b;
    int has_disagg;                /* two pools; cfg/engine/inference unused */
    gw_perf_config prefill_cfg, decode_cfg;
    gw_perf_engine prefill_engine, decode_engine;
    int prefill_workers, decode_workers;
    double prefill_hbm_kv_b, decode_hbm_kv_b; /* KV bytes per GPU in each pool */
    int has_serving;               /* concurrency or disagg: the closed-loop point */
    gw_serve_request serve_request;
    gw_serve_point serving;
    gw_perf_point serving_point;   /* the serving point as the headline */
    /* The closed loop runs where its clients put it, not at a batch chosen
     * for the targets: which target it misses ("" = none or none given),
     * e.g. "TPOT 67.8 ms at the serving point is above the 20 ms target" */
    char serving_missed[192];
    /* what bound the steady-state batch (docs/model.md §7.5): "memory" (the
     * KV cache), "engine default" (the stack's max_batch), "max-batch
     * setting" (perf.max_batch), "token budget" (the iteration's tokens at
     * 1 + k a decoding sequence), "latency target"; NULL without one */
    const char *batch_bound;
    double batch_cap;              /* the engine's cap in force (decode pool's if disagg) */
    const char *batch_cap_from;    /* its origin: "engine default", "max-batch setting"
                                      or "token budget" (that of `engine`, the engine in
                                      force: the decode pool's when disaggregated) */
    double batch_kv_fit;           /* sequences the KV cache of a replica holds */
    /* the closed loop's batch per rank: the engine's cap when it reached
     * it, "memory", or the serving bound (concurrency, prefill, decode) */
    const char *serving_batch_bound;
    gw_perf_caveat caveat;         /* the validation's errors where this configuration falls */
    gw_train_request train_request;
    gw_perf_config train_cfg;
    gw_train_result training;

    /* power and cost; has_system = 0 leaves power at the accelerator's
     * own draw and cost unknown */
    int has_system, has_cost;
    double it_w_per_accel, grid_w_per_accel;       /* at the headline point's utilisation */
    double usd_per_accel_hour;                     /* plan model, all costs in */
    double tokens_per_s, tokens_per_s_per_gpu;
    double tokens_per_s_per_mw;                    /* per MW of IT power */
    double tokens_per_usd;
    double usd_per_million_tokens;
    double joules_per_token, grid_joules_per_token;
    double train_it_w_per_accel, train_grid_w_per_accel;
    double train_energy_wh, train_grid_energy_wh;
    double train_usd;
} gw_perf_report;

int gw_perf_run(const gw_scenario *sc, gw_perf_report *r, gw_error *err);

/* The settings every worker of the scenario's deployment shares, from
 * perf: (model, stack, precisions, expert placement, speculative
 * decoding); the caller sets tp, pp, ep and attention_dp. Also the replica
 * simulator's (src/scenario/sim_cmd.c), so both price the same engine. */
void gw_perf_shared_config(const gw_scenario *sc, gw_perf_config *c);

/* The frontier settings of perf: against the catalog (src/scenario/
 * perf_resolve.c): perf.engine replaces the efficiency stack with that
 * engine's for the accelerator's generation, perf.draft_model is looked
 * up, perf.mtp checked against the model's draft head, perf.disagg's pools
 * decoded. Called by gw_scenario_resolve once perf: is decoded; errors at
 * the setting's node. */
int gw_perf_settings_resolve(const gw_catalog *cat, const gw_node *root, gw_scenario *sc,
                             gw_error *err);

#endif
