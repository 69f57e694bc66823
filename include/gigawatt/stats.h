/* include/gigawatt/stats.h — the shared statistics (core layer): one radix
 * sort of doubles, one type-7 quantile, one log-bucket quantile histogram.
 * The replica and fleet simulators and the risk aggregation all use these,
 * so an algorithm exists once and its numbers agree everywhere. */
#ifndef GIGAWATT_STATS_H
#define GIGAWATT_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "gigawatt/gigawatt.h"

/* ---- sorting ---------------------------------------------------------------- */

#define GW_STATS_RADIX_BINS 65536 /* count[] entries gw_stats_radix_sort needs */

/* A double as an unsigned key of the same order (IEEE 754: set the sign bit
 * of a positive, flip every bit of a negative; -0 sorts just below +0, NaNs
 * at the ends), and back. */
uint64_t gw_stats_order_key(double x);
double gw_stats_from_order_key(uint64_t k);

/* Stable LSD radix sort of key[0..n) (four passes of 16 bits), carrying
 * index[0..n) along when it is not NULL. The caller gives the scratch:
 * key_tmp (and index_tmp with index) of n entries and count of
 * GW_STATS_RADIX_BINS, so a loop of sorts allocates once. */
void gw_stats_radix_sort(uint64_t *key, size_t *index, size_t n, uint64_t *key_tmp,
                         size_t *index_tmp, size_t *count);

/* Sorts v[0..n) ascending with the radix sort above (qsort's comparison
 * calls cost more than a whole short simulation). GW_E_NOMEM, v untouched,
 * if its scratch cannot be allocated. */
int gw_stats_sort(double *v, size_t n);

/* ---- quantiles (Hyndman & Fan type 7, the default of R and NumPy) ------------------ */

/* Where quantile q of n sorted values falls: the lower order statistic's
 * index in *k, the fraction of the way to the next one returned. */
double gw_stats_quantile_rank(size_t n, double q, size_t *k);

/* lo + frac * (hi - lo), and exactly lo when frac is 0 */
double gw_stats_interp(double lo, double hi, double frac);

/* The value at quantile q of the sorted v[0..n) (NaN when n is 0). */
double gw_stats_quantile_sorted(const double *v, size_t n, double q);

/* ---- log-bucket quantile histogram ---------------------------------------------- */

/* For quantiles of more values than can be kept; deterministic (counts only).
 * Two bucketings, which give different numbers, so each caller keeps its own:
 *  GW_HIST_LOG  — DDSketch (Masson, Rim & Lee, VLDB 2019): buckets of
 *                 relative accuracy 0.001 from 1e-7 to 1e7, values below
 *                 1e-7 counted as zero; a quantile is its bucket's
 *                 representative clamped to the [min, max] seen.
 *  GW_HIST_BITS — no log(): the IEEE exponent and the top 6 mantissa bits
 *                 index the bucket (relative error <= 1/128), values <= 0
 *                 (and NaN) as 0; a quantile is its bucket's midpoint.
 *                 131072 buckets: their counts are 32-bit (one count per
 *                 request; the fleet's memory estimate counts 4 B a bucket),
 *                 where GW_HIST_LOG's, which count tokens, are 64-bit. */
typedef enum gw_stats_hist_kind { GW_HIST_LOG, GW_HIST_BITS } gw_stats_hist_kind;

typedef struct gw_stats_hist {
    gw_stats_hist_kind kind;
    union {
        uint64_t *wide;   /* GW_HIST_LOG */
        uint32_t *narrow; /* GW_HIST_BITS */
    } bins;
    uint64_t n, zeros;
    double sum, min, max;  /* of the values added, as given */
    double log_gamma;      /* GW_HIST_LOG: log of the bucket ratio */
    double last_x;         /* GW_HIST_LOG: the bucket of the last value (values */
    long last_i;           /* often repeat, so log() is rare) */
} gw_stats_hist;

int gw_stats_hist_init(gw_stats_hist *h, gw_stats_hist_kind kind);
void gw_stats_hist_free(gw_stats_hist *h);
void gw_stats_hist_add_n(gw_stats_hist *h, double x, uint64_t n); /* n equal values at once */
void gw_stats_hist_add(gw_stats_hist *h, double x);
double gw_stats_hist_quantile(const gw_stats_hist *h, double q); /* NaN when empty */

/* ---- Pareto front ------------------------------------------------------------------- */

/* The non-dominated rows among the eligible ones (ok[i] != 0, or every row
 * when ok is NULL) of v, n rows of k objectives each (row-major), every
 * objective to be maximised (negate the ones to minimise). Row a dominates
 * row b when a >= b in every objective and a > b in at least one; equal rows
 * dominate neither. Their indices go to front[] ascending (room for n);
 * returns how many, or (size_t)-1 when scratch cannot be allocated. NaN
 * rows must be made ineligible by the caller. O(n log n + n f k) for a
 * front of f points: rows in descending lexicographic order, each kept
 * unless a row already kept dominates it (a dominator sorts before what it
 * dominates, and dominance is transitive). docs/explore.md §4. */
size_t gw_pareto_front(const double *v, size_t n, int k, const unsigned char *ok, size_t *front);

#endif
