/* include/gigawatt/risk.h — uncertain inputs and the Monte Carlo risk engine
 * (engines layer, `gigawatt risk`).
 *
 * Any numeric timeline input of a scenario may be a distribution instead of
 * a value:
 *   {dist: lognormal,  p50|median: X, p90: Y | sigma: S}   median X, 90th
 *                                                 percentile Y or sigma S of the log
 *   {dist: normal,     mean|p50: X, sd: S | p90: Y}
 *   {dist: triangular, min: A, mode: M, max: B}
 *   {dist: uniform,    min|low: A, max|high: B}
 *   {dist: choice,     values: [..], weights: [..]}
 * each optionally with `name:` (how correlations refer to it; default the
 * dotted path, e.g. timeline.demand.growth_per_year). The dialect is the
 * scenario's one (include/gigawatt/dist.h). Every parameter takes
 * the field's unit ('30 GW', '18 months'). Deterministic commands (plan) use
 * the median. Draws are correlated through a Gaussian copula: the `risk:`
 * section's correlations give a matrix of normal-score correlations whose
 * Cholesky factor mixes independent normals (docs/risk.md §2).
 *
 * Determinism: draw i reads only the Philox stream (seed, i), and every
 * aggregate is taken over the draws in index order, so a result does not
 * depend on how the draws were split among threads, MPI ranks or resumed
 * runs. */
#ifndef GIGAWATT_RISK_H
#define GIGAWATT_RISK_H

#include <stddef.h>
#include <stdint.h>

#include "gigawatt/run_source.h"
#include "gigawatt/schema.h"
#include "gigawatt/timeline.h"

/* ---- uncertain inputs ------------------------------------------------------ */

#define GW_CHOICE_MAX 32

typedef enum gw_udist_kind {
    GW_UDIST_FIXED,      /* a plain value a */
    GW_UDIST_NORMAL,     /* mean a, standard deviation b */
    GW_UDIST_LOGNORMAL,  /* median a, sigma b of the log */
    GW_UDIST_TRIANGULAR, /* min a, mode b, max c */
    GW_UDIST_UNIFORM,    /* on [a, b] */
    GW_UDIST_CHOICE      /* values[k] with probability weights, sorted by value */
} gw_udist_kind;
/* Each kind's name as a scenario writes it ("fixed" for a plain value), by kind. */
extern const char *const gw_udist_names[];

typedef struct gw_uncertain {
    gw_udist_kind kind;
    double a, b, c;
    int nchoice;
    double values[GW_CHOICE_MAX];
    double cum[GW_CHOICE_MAX]; /* cumulative probability, cum[nchoice-1] == 1 */
    double lo, hi;             /* range of the field: samples are clamped into it */
    char name[GW_TEXT_MAX];    /* `name:` or "" */
    const gw_node *node;       /* where it was given (for errors) */
} gw_uncertain;

/* Is `n` a distribution, i.e. a mapping with a `dist:` key? */
int gw_uncertain_is_dist(const gw_node *n);

/* Parse a plain quantity or a distribution of dimension `dim` with range
 * `flags` (GW_F_*; checked on every parameter, and samples are clamped into
 * the range). `what` names the value in messages. */
int gw_uncertain_parse(const gw_node *n, const char *what, gw_dim_id dim, unsigned flags,
                       gw_uncertain *u, gw_error *err);

/* The value at cumulative probability p in (0, 1). */
double gw_uncertain_quantile(const gw_uncertain *u, double p);
/* The value for standard-normal score z (the copula's coordinate):
 * quantile(Phi(z)), computed without the round trip for normal and
 * lognormal. */
double gw_uncertain_from_normal(const gw_uncertain *u, double z);
static inline double gw_uncertain_median(const gw_uncertain *u)
{
    return gw_uncertain_quantile(u, 0.5);
}

/* For resolvers of deterministic commands: a plain quantity, or the median
 * of a distribution (so `gigawatt plan` runs the middle case). */
int gw_decode_quantity_or_median(const gw_node *n, const char *what, gw_dim_id dim,
                                 unsigned flags, double *out, gw_error *err);

/* Standard normal CDF and its inverse (Acklam's rational approximation
 * polished by one Halley step: relative error below 1e-15). */
double gw_normal_cdf(double z);
double gw_normal_quantile(double p);

/* Cholesky factor of the symmetric k x k matrix `a` (row-major) into the
 * lower triangle of `l`; GW_E_INPUT when `a` is not positive definite. */
int gw_cholesky(const double *a, int k, double *l);

/* ---- the engine --------------------------------------------------------------- */

#define GW_RISK_MAX_INPUTS 64
#define GW_RISK_MAX_LEVELS 32
#define GW_RISK_MAX_DRAWS 2000000 /* about 2.5 GB of draw records */
#define GW_RISK_HIST_BINS 40
#define GW_RISK_STREAM 0x5249534Bu /* 'RISK': the Philox purpose of the draws */

/* The per-quarter series every draw records (floats, nquarters each). */
enum { GW_RISK_S_CAPACITY, GW_RISK_S_DEMAND, GW_RISK_S_SHORTFALL, GW_RISK_S_IDLE,
       GW_RISK_S_RENTAL, GW_RISK_S_CASH, GW_RISK_NSERIES };

/* The first outputs of every draw, in this order (the store gives each a
 * column of its own; the rest of the outputs follow in the record). */
enum {
    GW_RISK_SHORTFALL,      /* accelerator-quarters of demand not met by own capacity */
    GW_RISK_IDLE,           /* accelerator-quarters of own capacity without demand */
    GW_RISK_RENTAL_USD,     /* spent on rented backup capacity */
    GW_RISK_CASH_USD,       /* cumulative cash at the horizon */
    GW_RISK_TOO_LITTLE_USD, /* lost revenue + rental premium + throttled users */
    GW_RISK_TOO_MUCH_USD,   /* capital cost of idle capacity */
    GW_RISK_NSCALAR
};
/* ... then these, then (too little, too much) at each build level. */
enum {
    GW_RISK_TOTAL_COST_USD = GW_RISK_NSCALAR, /* too little + too much */
    GW_RISK_MIN_CASH_USD,    /* lowest cumulative cash: the funding need */
    GW_RISK_SERVED_FRACTION, /* tokens served (own + rented) / asked for */
    GW_RISK_REVENUE_USD,
    GW_RISK_CAPEX_USD,
    GW_RISK_LOST_REVENUE_USD,
    GW_RISK_RENTAL_PREMIUM_USD,
    GW_RISK_THROTTLE_PENALTY_USD,
    GW_RISK_QUARTERS_SHORT,
    GW_RISK_PEAK_SHORTFALL, /* accelerators */
    GW_RISK_NFIXED
};

/* A prepared Monte Carlo: the scenario's timeline at its medians, the
 * uncertain inputs, the copula's Cholesky factor and the risk: settings.
 * Owns no pointers into the scenario tree after gw_risk_prepare returns,
 * except the gw_uncertain nodes (valid while the gw_config lives). */
typedef struct gw_risk_plan {
    char name[2 * GW_TEXT_MAX];
    gw_timeline_input base;       /* every uncertain input at its median */
    int ninputs;
    gw_uncertain dist[GW_RISK_MAX_INPUTS];
    char path[GW_RISK_MAX_INPUTS][GW_TIMELINE_PARAM_NAME]; /* timeline parameter name */
    char label[GW_RISK_MAX_INPUTS][GW_TIMELINE_PARAM_NAME]; /* `name:` or the path */
    size_t offset[GW_RISK_MAX_INPUTS]; /* of the double in gw_timeline_input */
    gw_dim_id dim[GW_RISK_MAX_INPUTS];
    int ncorr;                    /* correlations given */
    int corr_a[GW_RISK_MAX_INPUTS * 2], corr_b[GW_RISK_MAX_INPUTS * 2];
    double corr_rho[GW_RISK_MAX_INPUTS * 2];
    double chol[GW_RISK_MAX_INPUTS * GW_RISK_MAX_INPUTS]; /* lower triangle, row-major */
    long long draws;
    unsigned long long seed;
    int nlevels;
    double level[GW_RISK_MAX_LEVELS]; /* multiples of each draw's build level */
    int quarters;
    char hash[17];                /* of everything above that shapes a draw */
} gw_risk_plan;

/* Outputs per draw: GW_RISK_NFIXED scalars and 2 per build level. */
static inline int gw_risk_noutputs(const gw_risk_plan *p) { return GW_RISK_NFIXED + 2 * p->nlevels; }
static inline int gw_risk_nseries(const gw_risk_plan *p) { return GW_RISK_NSERIES * p->quarters; }

/* Resolve the scenario's timeline: and risk: sections. */
int gw_risk_prepare(const gw_catalog *cat, const gw_node *root, gw_risk_plan *p, gw_error *err);

/* Compute draws idx[0..n) with `threads` threads into in[n * ninputs],
 * out[n * noutputs], series[n * nseries] (row j for draw idx[j]). */
int gw_risk_run_draws(const gw_risk_plan *p, const long long *idx, size_t n, int threads,
                      double *in, double *out, float *series, gw_error *err);
/* The series of draws already computed, from their stored inputs in[] (one
 * timeline run each, at the draw's own build level); their stored outputs
 * out[] are checked against the run (GW_E_INPUT when they differ: a store
 * from another version or another catalog). Same row layout as above. */
int gw_risk_replay_draws(const gw_risk_plan *p, size_t n, int threads, const double *in,
                         const double *out, float *series, gw_error *err);

/* Percentiles, expected costs, the build-level curve, histograms and the
 * tornado, from the records of all p->draws draws in index order: in[] and
 * out[] by draw (row-major), series[] by column: series[c * draws + d] for
 * column c = series k * quarters + quarter t. */
/* Build levels whose expected total cost is within this share of the least
 * tie: the best level is the smallest of them (docs/risk.md §3). */
#define GW_RISK_LEVEL_TIE 0.005

typedef struct gw_risk_stats { double p5, p50, p95, mean; } gw_risk_stats;
typedef struct gw_risk_summary {
    gw_risk_stats total[GW_RISK_NFIXED];
    gw_risk_stats *q;                      /* per column: series k, quarter t at
                                              k * quarters + t */
    double p_short, p_idle;                /* share of draws with any shortfall / idle */
    double level_too_little[GW_RISK_MAX_LEVELS], level_too_much[GW_RISK_MAX_LEVELS];
    double level_p95[GW_RISK_MAX_LEVELS];  /* P95 of the total cost at each level */
    int best_level;                        /* the smallest level within GW_RISK_LEVEL_TIE of the
                                              least expected total cost (index) */
    int flat_lo, flat_hi;                  /* indices of the smallest and largest levels within
                                              GW_RISK_LEVEL_TIE of it: the curve is flat
                                              there when they differ */
    double hist_max[2];                    /* too little, too much: bins over [0, max] */
    long long hist[2][GW_RISK_HIST_BINS];
    double base_cost;                      /* total cost with every input at its median */
    double torn_lo_x[GW_RISK_MAX_INPUTS], torn_hi_x[GW_RISK_MAX_INPUTS];     /* P10, P90 */
    double torn_lo[GW_RISK_MAX_INPUTS], torn_hi[GW_RISK_MAX_INPUTS];         /* total cost */
    double spearman[GW_RISK_MAX_INPUTS];   /* rank correlation of input and total cost */
    int order[GW_RISK_MAX_INPUTS];         /* inputs by swing, largest first */
    int start_year, start_q;
} gw_risk_summary;

int gw_risk_aggregate(const gw_risk_plan *p, const double *in, const double *out,
                      const float *series, int threads, gw_risk_summary *s, gw_error *err);
/* best_level, flat_lo and flat_hi from the summary's level_too_little and
 * level_too_much: the smallest level within GW_RISK_LEVEL_TIE of the least
 * expected total cost, and the span of the tie (gw_risk_aggregate calls it). */
void gw_risk_choose_level(const gw_risk_plan *p, gw_risk_summary *s);
/* P5/P50/P95/mean of each of `ncols` columns of n floats (column-major),
 * on threads: what gw_risk_aggregate does with `series`. With series NULL
 * the aggregate leaves s->q for the caller, who may share the columns out
 * among MPI ranks this way. */
int gw_risk_column_stats(const float *cols, size_t ncols, size_t n, int threads,
                         gw_risk_stats *st, gw_error *err);
void gw_risk_summary_free(gw_risk_summary *s);
/* JSON ("kind": "risk") and a text summary; malloc'd, NULL on OOM. */
char *gw_risk_json(const gw_risk_plan *p, const gw_risk_summary *s);
char *gw_risk_text(const gw_risk_plan *p, const gw_risk_summary *s);
extern const char *const gw_risk_series_names[GW_RISK_NSERIES];

/* ---- the result store (SQLite) ------------------------------------------------ */

/* One run of `gigawatt risk` in the store: what it was asked to do, enough
 * to resume it (the scenario path and --set list) and to refuse resuming it
 * on another scenario (the hash of the resolved inputs). */
typedef struct gw_risk_run_info {
    long long id;             /* rowid in runs */
    char name[2 * GW_TEXT_MAX]; /* scenario name */
    char hash[17];            /* 64-bit FNV-1a of the resolved inputs, hex */
    /* where it came from (gw_run_source's fields, as the store keeps them) */
    char command[sizeof(((gw_run_source *)0)->command)];
    char scenario_path[1024]; /* absolute path of the scenario file, or "" */
    char scenario_sha256[GW_SHA256_HEX_LEN + 1];
    char sets[2048];          /* the --set list, one per line */
    unsigned long long seed;
    long long draws, done;    /* asked for; finished and stored */
    int ninputs, noutputs, nseries; /* record layout (see gw_risk_record) */
    char started[32], ended[32];    /* UTC, ISO 8601; ended "" while unfinished */
} gw_risk_run_info;

typedef struct gw_risk_store gw_risk_store;

/* Open (creating when missing) a result store. A file that is not SQLite,
 * is damaged, or is SQLite with tables that are not gigawatt's is refused
 * with GW_E_INPUT and left as it was. */
int gw_risk_store_open(const char *path, gw_risk_store **out, gw_error *err);
void gw_risk_store_close(gw_risk_store *st);
/* Add a run (one transaction); fills info->id and info->started. `names`:
 * the ninputs input names, `dists`: their distributions (for the inputs
 * table). */
int gw_risk_store_begin(gw_risk_store *st, gw_risk_run_info *info, const char *const *names,
                        const gw_uncertain *dists, gw_error *err);
/* Look a risk run up; GW_E_INPUT when there is none with that id. */
int gw_risk_store_find(gw_risk_store *st, long long id, gw_risk_run_info *info, gw_error *err);
/* Append finished draws in one transaction: n draws with indices idx[],
 * each with ninputs + noutputs doubles. The per-quarter series are not
 * stored per draw (they would be two thirds of the file): a resume gets
 * them back with gw_risk_replay_draws from the stored inputs. */
int gw_risk_store_put(gw_risk_store *st, const gw_risk_run_info *info, size_t n,
                      const long long *idx, const double *in, const double *out, gw_error *err);
/* Read back every stored draw of a run into arrays indexed by draw;
 * done[i] is set for each one found. */
int gw_risk_store_load(gw_risk_store *st, const gw_risk_run_info *info, double *in,
                       double *out, unsigned char *done, gw_error *err);
/* Mark the run finished and store its per-quarter percentile series: rows
 * of (series name, quarter, p5, p50, p95, mean); q[k * nquarters + t]. */
int gw_risk_store_finish(gw_risk_store *st, const gw_risk_run_info *info, int nseries,
                         const char *const *series_names, int nquarters, const gw_risk_stats *q,
                         gw_error *err);
/* Every run in the store (fleet and risk), oldest first, as text or JSON
 * (malloc'd; kind "runs": the store's path and its runs, each with where it
 * came from: docs/commands.md, runs). */
int gw_risk_store_list(gw_risk_store *st, int json, char **text, gw_error *err);
/* Delete run `id` of any kind, every row of it, in one transaction;
 * GW_E_INPUT when there is none. The file keeps its size until vacuumed. */
int gw_risk_store_delete(gw_risk_store *st, long long id, gw_error *err);
/* Give the space of deleted rows back to the file system (VACUUM). */
int gw_risk_store_vacuum(gw_risk_store *st, gw_error *err);

#endif
