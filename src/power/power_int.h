/* src/power/power_int.h — what the power engine's files share (engine
 * layer, internal): the sample source (jobs, inference, non-IT, rack
 * storage, generation: everything upstream of the site battery), the
 * energy store step, and the streaming summary of a grid series. */
#ifndef GW_POWER_INT_H
#define GW_POWER_INT_H

#include "gigawatt/des.h"
#include "gigawatt/power.h"

/* ---- the source: one sample at a time, upstream of the battery ---------- */

typedef struct gwi_job_state {
    double run_origin;   /* the current run's iterations start here */
    double down_until;   /* interrupted: down until then */
    double next_failure; /* the next interruption */
    double level_w;      /* per accelerator, after the GPU ramp limit */
    gw_rng rng;
} gwi_job_state;

typedef struct gwi_source {
    const gw_power_config *c;
    int mitigate;
    double dt;
    long long k;                 /* next sample */
    gwi_job_state jobs[GW_POWER_MAX_JOBS];
    double noise, noise_phi, noise_sd;
    gw_rng noise_rng;
    double cool_w, cool_alpha;   /* cooling + misc, lagging IT */
    double rack_soc_j, rack_ema_w, rack_alpha;
    double gen_w;
    int started;
    /* energy over the run, J */
    double it_j, it_raw_j, rack_loss_j, gen_j;
} gwi_source;

typedef struct gwi_sample {
    double t;
    double it_raw_w;  /* IT without GPU-level mitigations */
    double it_w;      /* IT with them (what the electronics draw) */
    double net_w;     /* grid draw before the site battery (after rack storage, generation) */
} gwi_sample;

void gwi_source_init(gwi_source *s, const gw_power_config *c, int mitigate);
void gwi_source_next(gwi_source *s, gwi_sample *out);

/* An energy store asked to deliver `ask` W (+: discharge, -: charge) for
 * dt; returns what it delivers within its power, energy and SoC limits,
 * adding its conversion loss to *loss_j. */
double gwi_store_step(const gw_power_store *st, double *soc_j, double ask, double dt,
                      double *loss_j);

/* ---- the summary of a streamed grid series ------------------------------ */

typedef struct gwi_deque { /* sliding-window min or max, by sample index */
    long long *idx;
    double *val;
    size_t cap, head, n;
} gwi_deque;

typedef struct gwi_window {
    double window_s;
    long long span;            /* samples in the window */
    gwi_deque mn, mx;
    double up, down;           /* largest rise and drop within the window, W */
    /* limits on this window: current episode */
} gwi_window;

typedef struct gwi_episode {
    int open;
    double start_s, last_s, worst;
} gwi_episode;

typedef struct gwi_summary {
    const gw_power_config *c;
    int lite;                  /* limits only (sizing): no plot, histogram, peak */
    int want_spectrum;         /* not lite, or a band limit */
    double dt;
    long long n, total;
    double prev, sum, peak, min, inst;
    int nwin;
    gwi_window win[GW_POWER_NWINDOWS + GW_POWER_MAX_LIMITS];
    int limit_win[GW_POWER_MAX_LIMITS]; /* the window each ramp/loss limit reads */
    gwi_episode ep[GW_POWER_MAX_LIMITS];
    /* spectrum (Welch, Hann): a block buffer and the averaged |X|^2 */
    size_t m, fill;
    double *block, *re, *im, *acc, *hann;
    double hann_u;
    int blocks;
    /* report figures */
    long long bucket;
    gw_power_result *r;
} gwi_summary;

int gwi_summary_init(gwi_summary *s, const gw_power_config *c, gw_power_result *r, int lite,
                     gw_error *err);
void gwi_summary_add(gwi_summary *s, double grid_w);
/* Closes episodes, finishes the spectrum and the band limits. */
int gwi_summary_finish(gwi_summary *s, gw_error *err);
void gwi_summary_free(gwi_summary *s);

/* In-place radix-2 FFT of n (a power of two) complex values. */
void gwi_fft(double *re, double *im, size_t n);

#endif
