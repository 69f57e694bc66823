/* include/gigawatt/sim_cmd.h — what `gigawatt sim` does with a resolved
 * scenario (scenario layer, above the engines): build the replica's perf
 * engine from model/accelerator/perf:, the workload from sim: (a trace or a
 * synthetic stream), the power per replica from the rack model, run the
 * replica simulation, and search the highest sustainable arrival rate.
 * docs/sim.md. */
#ifndef GIGAWATT_SIM_CMD_H
#define GIGAWATT_SIM_CMD_H

#include "gigawatt/scenario.h"
#include "gigawatt/sim.h"

typedef struct gw_sim_report {
    gw_perf_config cfg;            /* the replicas' (disaggregated: the prefill pool's) */
    gw_perf_engine engine;
    gw_perf_config decode_cfg;     /* disaggregated: the decode pool's */
    gw_perf_engine decode_engine;
    int prefill_workers, decode_workers; /* disaggregated: workers per pool */
    gw_sim_config sim;
    gw_workload workload;
    gw_sim_result result;
    char trace_path[1024]; /* "" for a synthetic workload */
    double *empirical[2];  /* owned sample arrays of empirical distributions */
    int accelerators;      /* replicas x tp x pp, both pools */
    int has_cost;
    double usd_per_accel_hour;
} gw_sim_report;

/* Build and run. The workload comes from sim: (trace relative to the
 * scenario file's directory). */
/* `progress` (may be NULL) is kept in r->sim, so the capacity search's
 * simulations poll it too; nonzero stops with GW_E_STOPPED. */
int gw_sim_cmd_run(const gw_scenario *sc, int keep_requests, gw_progress_fn progress,
                   void *progress_user, gw_sim_report *r, gw_error *err);
void gw_sim_report_free(gw_sim_report *r);

/* Capacity search (docs/sim.md §5): the highest arrival rate, as a multiple
 * of the workload's own, whose simulation meets p-quantile targets on TTFT
 * and TBT (0 = none), by bisection over `steps` simulations. */
enum { GW_CAPACITY_MAX_TRIALS = 128 };
typedef struct gw_capacity_trial {
    double scale, rate_rps; /* the multiple tried, and its arrival rate */
    double ttft_s, tbt_s;   /* the quantiles it gave */
    int meets;              /* 1: within the targets */
} gw_capacity_trial;
typedef struct gw_capacity {
    double scale;          /* the highest multiple that meets the targets */
    double rate_rps;       /* its arrival rate, requests/s */
    double ttft_s, tbt_s;  /* the achieved quantiles there */
    int simulations;
    /* what was asked (0 = no target) and every simulation in the order run:
     * the brackets, then the bisection (the report draws them) */
    double ttft_target_s, tbt_target_s, quantile;
    int ntrials;
    gw_capacity_trial trial[GW_CAPACITY_MAX_TRIALS];
} gw_capacity;

/* A token-count distribution from a scenario value: a number or {dist: ...}
 * (docs/sim.md §2.2); an empirical one's samples are owned by *owned. */
int gw_scenario_parse_dist(const gw_node *n, const char *what, gw_dist *d, double **owned,
                           gw_error *err);

int gw_sim_capacity(const gw_sim_report *base, double ttft_target_s, double tbt_target_s,
                    double quantile, int steps, gw_capacity *out, gw_error *err);

/* The cheapest configuration (docs/sim.md §5.2, `sim --cheapest`): for each
 * (accelerator, tp) candidate, one replica's capacity under the targets,
 * the replicas that carry target_rate, their cost per hour and IT power. */
typedef struct gw_sim_search_spec {
    double target_rate;              /* requests/s to carry */
    double ttft_target_s, tbt_target_s; /* 0: none (one of them is needed) */
    double quantile;                 /* 0: 0.9 */
    const char *accelerators;        /* ids, comma-separated; NULL: the scenario's */
    const char *tps;                 /* tensor-parallel degrees, comma-separated; NULL: 1,2,4,8 */
} gw_sim_search_spec;

typedef struct gw_sim_candidate {
    char accelerator[GW_TEXT_MAX];
    int tp;
    double per_replica_rps, replicas, accelerators, usd_per_hour, it_mw, ttft_s, tbt_s;
    char why[160]; /* "" when it can carry the load */
} gw_sim_candidate;

/* The candidates, feasible ones first by cost per hour. */
typedef struct gw_sim_search {
    gw_sim_search_spec spec; /* as searched: quantile filled in, lists not kept */
    char model[GW_TEXT_MAX];
    gw_sim_candidate *candidates;
    int n;
} gw_sim_search;

/* Each candidate's scenario is the base tree (built afresh by `tree`) with
 * its accelerator, tp, one replica and the accelerator's first catalog
 * system set on it, resolved against `cat` (loaded once by the caller).
 * `base` is the scenario as given (its model and accelerator). `progress`
 * counts candidates; nonzero stops with GW_E_STOPPED. */
typedef int (*gw_sim_tree_fn)(void *user, gw_config *cfg, gw_node **root, gw_error *err);
int gw_sim_cheapest(const gw_catalog *cat, const gw_scenario *base, gw_sim_tree_fn tree,
                    void *tree_user, const gw_sim_search_spec *spec, gw_progress_fn progress,
                    void *progress_user, gw_sim_search *out, gw_error *err);
void gw_sim_search_free(gw_sim_search *s);

#endif
