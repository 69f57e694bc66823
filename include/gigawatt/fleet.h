/* include/gigawatt/fleet.h — request-level simulation of an AI cloud under
 * scarcity (engines layer): tenants with demand shapes and rate limits,
 * deployments on sites, priority admission, spill to other regions and to
 * rented capacity, failures, outages and power caps; hour-by-hour results.
 *
 * Time advances in ticks (default 1 s). In each tick every tenant's arrivals
 * are drawn (Poisson, keyed by (seed, tenant, tick) so results never depend
 * on order), each request passes its tenant's token buckets, then requests
 * are admitted in priority order against the capacity left in this tick:
 * the tenant's home deployment, then the same model elsewhere (with a
 * latency penalty), then rented pools, then a queue with a timeout. A
 * deployment's capacity and latency come from the perf model at its
 * calibrated operating point (docs/fleet.md §3). Equations: docs/fleet.md. */
#ifndef GIGAWATT_FLEET_H
#define GIGAWATT_FLEET_H

#include <stdint.h>

#include "gigawatt/des.h"
#include "gigawatt/perf.h"

#define GW_FLEET_NAME 48

typedef enum gw_tenant_kind {
    GW_TENANT_CONSUMER, /* weekly users -> requests with a daily and weekly shape */
    GW_TENANT_API,      /* customers in a tier, each with RPM and TPM limits */
    GW_TENANT_BATCH,    /* work that can wait: lowest priority, long timeout */
    GW_TENANT_CLOUD,    /* an AI-cloud customer holding `replicas` sold per GPU-hour */
    GW_TENANT_RESERVE,  /* a strategic reserve of `replicas` for its own requests,
                           lent to the others while idle if `lend` */
    GW_TENANT_TRAINING  /* a training job holding `replicas` from start for duration */
} gw_tenant_kind;

typedef struct gw_fleet_tenant {
    char name[GW_FLEET_NAME];
    gw_tenant_kind kind;
    int deployment;          /* index of its home deployment */
    double rate;             /* mean requests/s over a week (before growth) */
    double peak_to_trough;   /* weekday busiest/quietest hour (>= 1; 1 = flat) */
    double peak_hour;        /* hour of day of the peak (0-24) */
    double weekend;          /* weekend level / weekday level */
    double growth_per_year;  /* demand multiplier per year (1 = none) */
    int priority;            /* 0 = highest; shed last */
    double customers;        /* API: customers sharing the tier */
    double customer_skew;    /* API: Zipf exponent of requests over customers (0 = uniform) */
    gw_dist customer_dist;   /* filled by gw_fleet_run */
    double rpm, tpm;         /* API: per customer; 0 = unlimited */
    double timeout_s;        /* longest wait in the queue before rejection */
    double usd_per_mtok;     /* revenue per million tokens served (input + output) */
    double ttft_slo_s;       /* for SLO attainment; 0 = none */
    gw_dist prompt, output;  /* tokens per request */
    /* cloud, reserve, training: a block of replicas of its deployment */
    double replicas;
    double usd_per_gpu_hour;  /* cloud: the price the block is sold at */
    int lend;                 /* reserve: idle capacity serves the others */
    double start_s, duration_s; /* training: when the block is held */
    /* sizes from a trace instead: rows (prompt, output) drawn at random */
    const int32_t *trace_prompt, *trace_output;
    size_t trace_n;
} gw_fleet_tenant;

typedef struct gw_fleet_site {
    char name[GW_FLEET_NAME];
    int region;
    double power_cap_w;      /* grid limit for IT power; 0 = none */
} gw_fleet_site;

typedef struct gw_fleet_deployment {
    char name[GW_FLEET_NAME];
    int site;                /* -1 for a rented pool */
    int model;               /* deployments with equal `model` can take each other's spill */
    const gw_perf_engine *engine;
    int gpus_per_replica;    /* tp x pp */
    double replicas;         /* own; or rented: reserved replicas, or the on-demand cap */
    int rented;              /* 0 own, 1 reserved, 2 on-demand */
    double usd_per_gpu_hour; /* own: full cost (plan model); rented: the price */
    double provision_s;      /* on-demand: delay before added replicas serve */
    double idle_w, busy_w;   /* IT power of one replica at utilisation 0 and 1 */
    /* the operating point (docs/fleet.md §3): replica-seconds per prompt
     * token and per output token at the calibrated batch, and the latency
     * there; filled by gw_fleet_calibrate */
    double s_per_prompt_token, s_per_output_token, ttft_s, tpot_s;
    double prefill_s_per_token; /* a prompt alone, for TTFT by prompt length */
    double mean_prompt;         /* the calibration's request */
    /* mean TTFT and TPOT of one replica at loads rho (the replica simulator) */
    double lat_rho[5], lat_ttft[5], lat_tpot[5];
} gw_fleet_deployment;

typedef enum gw_fleet_event_kind { GW_EVENT_OUTAGE, GW_EVENT_POWER_CAP } gw_fleet_event_kind;

typedef struct gw_fleet_event {
    gw_fleet_event_kind kind;
    int site;
    double start_s, duration_s;
    double fraction;         /* outage: share of the site down; power cap: cap as a share */
} gw_fleet_event;

typedef struct gw_fleet_config {
    int ntenants, nsites, ndeployments, nevents;
    gw_fleet_tenant *tenants;
    gw_fleet_site *sites;
    gw_fleet_deployment *deployments;
    gw_fleet_event *events;
    double horizon_s, tick_s, start_weekday; /* start_weekday: 0 = Monday 00:00 */
    double spill_penalty_s;  /* added TTFT when served in another region */
    double gpu_failures_per_hour; /* per GPU-hour (takes its replica down) */
    double repair_s;
    double target_utilisation;    /* operating point for capacity (e.g. 0.9) */
    uint64_t seed;
    gw_progress_fn progress; /* optional: called every simulated minute */
    void *progress_user;
} gw_fleet_config;

/* The operating point of each deployment from its perf engine, for the
 * mean request of the tenants that use it (docs/fleet.md §3). */
int gw_fleet_calibrate(gw_fleet_config *c, gw_error *err);

typedef struct gw_fleet_hour {
    double offered, served, rate_limited, rejected, timed_out;  /* requests */
    double spilled, rented;                                      /* requests served there */
    double queue_delay_s;     /* mean wait of served requests */
    double utilisation;       /* own capacity used */
    double rented_gpus;       /* mean GPUs in rented pools (reserved + on-demand up) */
    double down_gpus;         /* mean own GPUs down (failures, outages) */
} gw_fleet_hour;

typedef struct gw_fleet_tenant_result {
    double offered, served, rate_limited, rejected, timed_out;
    double queued_at_end;     /* still waiting when the horizon ends */
    double tokens_offered, tokens_served;
    double ttft_p50, ttft_p90, ttft_p99, tpot_p50, tpot_p90;
    double slo_attainment;    /* served within the TTFT SLO / served */
    double revenue_usd;
} gw_fleet_tenant_result;

typedef struct gw_fleet_tenant_hour {
    double offered, served, rate_limited, rejected, timed_out;
} gw_fleet_tenant_hour;

typedef struct gw_fleet_result {
    size_t hours;
    gw_fleet_hour *hour;       /* [hours] */
    double *site_mw;           /* [hours x nsites] mean IT MW */
    /* per tenant and hour: [hours x ntenants] of {offered, served,
     * rate_limited, rejected, timed_out}, the hourly fields by tenant */
    gw_fleet_tenant_hour *tenant_hour;
    gw_fleet_tenant_result *tenant; /* [ntenants] */
    double requests, served, energy_wh, own_cost_usd, rented_cost_usd, revenue_usd;
    uint64_t ticks, failures;
} gw_fleet_result;

/* Runs the day; prepares the tenants' customer distributions in `c`. */
int gw_fleet_run(gw_fleet_config *c, gw_fleet_result *r, gw_error *err);
void gw_fleet_result_free(gw_fleet_result *r);

/* Bytes the run will need, to refuse a too large scenario up front. */
double gw_fleet_memory_estimate(const gw_fleet_config *c);

#endif
