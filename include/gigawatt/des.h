/* include/gigawatt/des.h — the discrete-event engine (engines layer): an
 * event set ordered by (time, sequence), counter-based random streams and
 * the distributions the workloads draw from.
 *
 * Determinism: ties in time resolve by insertion sequence, and every random
 * number comes from a stream keyed by (seed, entity, purpose) and a counter
 * (Philox4x32-10, Salmon et al., SC 2011), so a draw never depends on how
 * many draws other entities made or in which order they were evaluated.
 * Equations and references: docs/sim.md. */
#ifndef GIGAWATT_DES_H
#define GIGAWATT_DES_H

#include <stddef.h>
#include <stdint.h>

#include "gigawatt/gigawatt.h"

/* ---- random streams -------------------------------------------------------- */

typedef struct gw_rng {
    uint32_t key[2];
    uint32_t ctr[4];
    uint32_t out[4];
    int left;     /* unused words in out */
    int has_spare;/* the polar method makes normals in pairs */
    double spare;
} gw_rng;

/* A stream for (seed, entity, purpose): e.g. (run seed, request index,
 * GW_STREAM_PROMPT). Distinct triples give independent streams. */
void gw_rng_init(gw_rng *r, uint64_t seed, uint64_t entity, uint32_t purpose);
uint32_t gw_rng_u32(gw_rng *r);
uint64_t gw_rng_u64(gw_rng *r);
/* Uniform on the open interval (0, 1): never 0, never 1. */
double gw_rng_uniform(gw_rng *r);
double gw_rng_normal(gw_rng *r); /* standard normal (Marsaglia's polar method, pairs) */

/* ---- distributions ----------------------------------------------------------- */

typedef enum gw_dist_kind {
    GW_DIST_FIXED,       /* a */
    GW_DIST_UNIFORM,     /* on [a, b] */
    GW_DIST_EXPONENTIAL, /* mean a */
    GW_DIST_GAMMA,       /* shape a, scale b (mean a·b) */
    GW_DIST_LOGNORMAL,   /* median a, sigma b of the log */
    GW_DIST_PARETO,      /* minimum a, tail index b */
    GW_DIST_ZIPF,        /* integers 1..a with P(k) ∝ k^-b */
    GW_DIST_EMPIRICAL    /* inverse of a piecewise-linear CDF through sorted samples */
} gw_dist_kind;

typedef struct gw_dist {
    gw_dist_kind kind;
    double a, b;
    double lo, hi;        /* clamp of the sample; hi <= lo means none */
    int integer;          /* round to the nearest whole number (token counts) */
    const double *values; /* empirical: sorted sample values (not owned) */
    size_t nvalues;
    double zipf_hx0, zipf_s, zipf_hn; /* zipf: rejection-inversion constants */
} gw_dist;

/* Check parameters and precompute; error text names the distribution. */
int gw_dist_prepare(gw_dist *d, gw_error *err);
double gw_dist_sample(const gw_dist *d, gw_rng *r);
double gw_dist_mean(const gw_dist *d); /* analytic where it exists, else NAN */

/* ---- the event set -------------------------------------------------------- */

typedef struct gw_event {
    double time;
    uint64_t seq;  /* insertion order: ties in time resolve by it */
    int32_t type;
    int32_t who;   /* e.g. a replica index */
    int64_t data;  /* e.g. a request index */
} gw_event;

typedef enum gw_evq_kind { GW_EVQ_BINARY, GW_EVQ_QUATERNARY } gw_evq_kind;

typedef struct gw_evq {
    gw_event *heap;
    size_t n, cap;
    uint64_t next_seq;
    int arity;
} gw_evq;

int gw_evq_init(gw_evq *q, gw_evq_kind kind, size_t capacity_hint);
void gw_evq_free(gw_evq *q);
/* Schedule; returns GW_E_NOMEM if growth fails (the set is unchanged). */
int gw_evq_push(gw_evq *q, double time, int32_t type, int32_t who, int64_t data);
/* The earliest event (by time, then sequence); 0 when empty. */
int gw_evq_pop(gw_evq *q, gw_event *out);
static inline size_t gw_evq_size(const gw_evq *q) { return q->n; }
static inline const gw_event *gw_evq_peek(const gw_evq *q) { return q->n ? &q->heap[0] : NULL; }

#endif
