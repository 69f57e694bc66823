/* include/gigawatt/power.h — a site's power over time, what the grid sees,
 * and what smooths it (engine layer, docs/power.md).
 *
 * The site's IT draw is built sample by sample from what runs on it:
 * synchronous training jobs (a compute and a communication phase per
 * iteration, checkpoints, failures and restarts, start-up and ramp-down)
 * and inference (a diurnal shape plus noise). Cooling and the power chain
 * turn IT into grid draw; cooling follows with a first-order lag. Each
 * mitigation is its own model on that path: GPU floor, software smoothing,
 * GPU ramp limit (per job), rack energy storage (on IT), on-site generation
 * and a site battery (on the grid draw). The series is streamed: summaries
 * (peak, mean, ramps per window, spectrum, load loss, limit violations) are
 * kept in memory bounded by the windows, not by the series' length.
 *
 * Everything here is deterministic for a given config and seed. */
#ifndef GIGAWATT_POWER_H
#define GIGAWATT_POWER_H

#include <stddef.h>

#include "gigawatt/gigawatt.h"

#define GW_POWER_MAX_JOBS 64
#define GW_POWER_MAX_LIMITS 16
#define GW_POWER_NWINDOWS 3     /* the ramp windows always reported: 1 s, 60 s, 600 s */
#define GW_POWER_NBANDS 5       /* spectrum bands reported (docs/power.md §4) */
#define GW_POWER_MAX_VIOLATIONS 200
#define GW_POWER_PLOT_POINTS 1200 /* series kept for the report: min/max per bucket */
#define GW_POWER_HIST_BINS 40
/* The spectrum's peak is sought at or above this (periods of 100 s and
 * less: oscillations; slower movement is read from the ramp windows). */
#define GW_POWER_OSCILLATION_MIN_HZ 0.01

/* One synchronous training job (docs/power.md §1). Powers are IT W per
 * accelerator at the rack input. */
typedef struct gw_power_job {
    char name[96];
    double accelerators;
    double iteration_s;     /* one training step */
    double comm_fraction;   /* share of the step in the low-power phase */
    double compute_w, comm_w, idle_w;
    double offset_s;        /* phase offset of its iterations (staggering) */
    double start_s, stop_s; /* runs in [start, stop); stop <= start: to the end */
    double ramp_s;          /* start-up and ramp-down, linear */
    double transition_s;    /* compute <-> communication change, linear */
    double checkpoint_every_s, checkpoint_pause_s; /* 0: no checkpoints */
    double mtbi_s;          /* the job's mean time between interruptions; 0: none */
    double restart_s;       /* down per interruption before the start-up ramp */
    /* GPU-level mitigations (§2.1-§2.3); 0 = off */
    double floor_w;         /* power floor while running, W per accelerator */
    double smoothing_w;     /* filler work: communication phases raised to this */
    double ramp_limit_w_per_s; /* per accelerator, up and down */
} gw_power_job;

/* Inference load: a daily cosine between peak and trough, or a fleet
 * simulation's hourly utilisation, plus AR(1) noise (docs/power.md §1.3). */
typedef struct gw_power_inference {
    double accelerators;
    double busy_w, idle_w;  /* IT W per accelerator at load 1 and 0 */
    double peak_load;       /* utilisation at the daily peak */
    double peak_to_trough;  /* of the utilisation */
    double peak_hour, start_hour;
    double noise;           /* relative standard deviation */
    double noise_time_s;    /* correlation time of the noise */
    /* a fleet simulation's hourly utilisation (hour 0 from start_hour on),
     * in place of the cosine when nhourly > 0; not owned */
    const double *hourly;
    int nhourly;
} gw_power_inference;

/* An energy store: rack power shelves (on IT) or a site battery (on the
 * grid draw). 0 power or energy: none. */
typedef struct gw_power_store {
    double power_w, energy_j;
    double efficiency;      /* round trip; charge and discharge each sqrt */
    double soc_min, soc_max, soc_start; /* fractions of energy_j */
    double time_constant_s; /* rack: smoothing of the draw; battery without a limit: same */
} gw_power_store;

typedef struct gw_power_generation {
    double capacity_w;      /* 0: none */
    double ramp_w_per_s;
    double start_s;         /* available from this time on */
} gw_power_generation;

typedef enum gw_power_limit_kind { GW_LIMIT_RAMP, GW_LIMIT_BAND, GW_LIMIT_LOAD_LOSS } gw_power_limit_kind;

typedef struct gw_power_limit {
    gw_power_limit_kind kind;
    double ramp_w_per_s, window_s;    /* ramp: the change in any window <= ramp x window */
    double low_hz, high_hz, max_rms_w;/* band: RMS of the swings in the band */
    double max_w;                     /* load loss: the largest drop within 1 s */
} gw_power_limit;

typedef struct gw_power_config {
    double window_s, resolution_s;
    unsigned long long seed;
    int njobs;
    gw_power_job jobs[GW_POWER_MAX_JOBS];
    gw_power_inference inference;
    /* the power chain and non-IT (§1.4): grid = (IT/eta_it + cooling + misc) / eta_facility */
    double eta_it, eta_facility;
    double cooling_per_it, misc_per_it;
    double cooling_time_constant_s;
    double site_capacity_w;  /* the grid connection; 0: not checked */
    gw_power_store rack, battery;
    gw_power_generation generation;
    int nlimits;
    gw_power_limit limits[GW_POWER_MAX_LIMITS];
    double spectrum_block_s; /* Welch block length; 0 = 655.36 s at 10 ms (2^16 samples) */
    int keep_series;         /* fill gw_power_series (CSV) */
    int mitigate;            /* 0: every mitigation off (the unmitigated run) */
} gw_power_config;

/* What one run gives; everything bounded (no per-sample arrays). */
typedef struct gw_power_grid {
    double peak_w, mean_w, min_w, energy_j;
    double window_s[GW_POWER_NWINDOWS];
    double ramp_up_w_per_s[GW_POWER_NWINDOWS], ramp_down_w_per_s[GW_POWER_NWINDOWS];
    double instant_ramp_w_per_s;   /* largest change of one sample / resolution */
    double largest_load_loss_w;    /* the largest drop within 1 s */
    double spectrum_peak_hz, spectrum_peak_rms_w;
    double band_low_hz[GW_POWER_NBANDS], band_high_hz[GW_POWER_NBANDS];
    double band_rms_w[GW_POWER_NBANDS];
} gw_power_grid;

typedef struct gw_power_violation {
    int limit;              /* index into config limits */
    double start_s, end_s;  /* an episode: contiguous (or closer than the window) */
    double value, bound;    /* worst value in it, and the bound, SI */
} gw_power_violation;

typedef struct gw_power_result {
    gw_power_grid grid;
    double it_energy_j, it_energy_raw_j; /* with and without the GPU-level mitigations */
    double rack_loss_j, battery_loss_j, generation_j;
    double battery_soc_low, battery_soc_high; /* fractions reached */
    long long samples;
    int nviolations, violations_more; /* listed, and beyond the list */
    gw_power_violation violations[GW_POWER_MAX_VIOLATIONS];
    double limit_worst[GW_POWER_MAX_LIMITS]; /* per limit: the worst value seen */
    /* the report's figures: min/max of the grid draw per time bucket, the
     * histogram of 1 s ramps, the spectrum (bounded) */
    int nplot;
    double plot_t[GW_POWER_PLOT_POINTS], plot_min[GW_POWER_PLOT_POINTS],
        plot_max[GW_POWER_PLOT_POINTS];
    double hist_edge_w_per_s[GW_POWER_HIST_BINS + 1];
    double hist_count[GW_POWER_HIST_BINS];
    int nspectrum;
    double *spectrum_hz, *spectrum_rms_w; /* malloc'd; gw_power_result_free */
    /* keep_series: "t_s,it_w,grid_w\n" rows (malloc'd) */
    char *series_csv;
} gw_power_result;

/* The largest number of samples one run takes (a year at 10 ms is 3.2e9):
 * beyond it a run is refused with the estimate (docs/power.md §5). */
#define GW_POWER_MAX_SAMPLES 4e9
/* The finest resolution: the phase model has nothing faster than the GPU
 * power transitions (milliseconds; csv P.island.load_swing_pct). */
#define GW_POWER_MIN_RESOLUTION_S 1e-3
/* Bytes of CSV per sample, for refusing a --csv that would not fit. */
#define GW_POWER_CSV_BYTES_PER_SAMPLE 40.0
#define GW_POWER_MAX_CSV_BYTES (1024.0 * 1024 * 1024)

/* Check a config; errors name the field (err->field). */
int gw_power_check(const gw_power_config *c, gw_error *err);
/* Run one window; progress may be NULL. */
int gw_power_run(const gw_power_config *c, gw_power_result *r, gw_progress_fn progress,
                 void *user, gw_error *err);
void gw_power_result_free(gw_power_result *r);

/* Sizing (docs/power.md §3). */
typedef struct gw_power_sizing {
    int needed;               /* the unmitigated limits are violated */
    int feasible;             /* a battery within the search range meets them */
    double battery_w, battery_j;
    int floor_feasible;
    double floor_fraction;    /* least GPU floor (of compute power) meeting the limits */
    double floor_energy_j;    /* its extra IT energy over the window */
    int runs;                 /* simulations it took */
} gw_power_sizing;

/* The least site battery (power, then energy, by bisection on
 * re-simulation) and the least GPU floor meeting the config's limits, with
 * the config's other mitigations as given. */
int gw_power_size(const gw_power_config *c, gw_power_sizing *s, gw_error *err);

/* Does c (as given) meet every limit? *ok 1 or 0; a lean run (limits only). */
int gw_power_meets_limits(const gw_power_config *c, int *ok, gw_error *err);

/* A power cap's throughput cost (docs/power.md §2.6): the compute phase of
 * a step slows as (P_full / P_cap)^exponent (frequency ~ P^(1/3) under
 * DVFS); returns the new iteration time and fills the new comm fraction. */
double gw_power_cap_iteration(double iteration_s, double comm_fraction, double full_w,
                              double cap_w, double exponent, double *comm_fraction_out);

#endif
