/* include/gigawatt/power_cmd.h — `gigawatt power`: a scenario's power:
 * section resolved into the power engine's config (scenario layer), and
 * what the command hands to the output layer. docs/power.md. */
#ifndef GIGAWATT_POWER_CMD_H
#define GIGAWATT_POWER_CMD_H

#include "gigawatt/power.h"
#include "gigawatt/scenario.h"

/* What one job is, for the output: its step from the perf model and its
 * power per accelerator from the rack model. */
typedef struct gw_power_job_info {
    double iteration_uncapped_s; /* before a cap */
    double comm_fraction_uncapped;
    double compute_uncapped_w, comm_uncapped_w;
    double swing_w;              /* grid swing of this job alone, unmitigated */
    char step_source[32];        /* "perf model" or "given" */
} gw_power_job_info;

typedef struct gw_power_costs {
    double battery_usd_per_j, battery_usd_per_w;
    double electricity_usd_per_j;
} gw_power_costs;

typedef struct gw_power_report {
    const gw_scenario *sc;
    gw_power_config base;       /* unmitigated */
    gw_power_config cfg;        /* with the mitigations (and --battery-*) */
    gw_power_job_info info[GW_POWER_MAX_JOBS];
    char limit_text[GW_POWER_MAX_LIMITS][96]; /* each limit as the scenario says it */
    int has_cap;
    double cap_w, cap_throughput_loss; /* share of training throughput lost to the cap */
    double cap_exponent;
    int cap_fit_ok;                     /* sizing: a cap alone meets the limits */
    double cap_fit_w, cap_fit_loss;     /* the highest such cap, its throughput cost */
    gw_power_costs costs;
    double *hourly;             /* inference.hourly's utilisation, one an hour (owned) */
    int nhourly;
    gw_power_result unmitigated, mitigated;
    int sized;
    gw_power_sizing sizing;
} gw_power_report;

#endif
