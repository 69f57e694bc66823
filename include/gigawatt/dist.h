/* include/gigawatt/dist.h — the one `{dist: ...}` dialect of a scenario
 * (scenario layer). docs/risk.md §1 is its reference.
 *
 * A value a scenario leaves uncertain is written as a mapping with `dist:`
 * and the family's parameters. Both spellings of a centre and a spread are
 * accepted wherever a distribution is: a lognormal is {p50|median: X,
 * p90: Y | sigma: S} with sigma = ln(p90/p50) / z0.9 (z0.9 =
 * 1.2815515655446004), a normal {mean|p50: X, sd: S | p90: Y}, a uniform or
 * a triangular takes min/max or low/high. One parser reads every mapping
 * into a gw_dist_spec; the risk engine's gw_uncertain (gw_uncertain_parse)
 * and the simulators' gw_dist (gw_scenario_parse_dist) are built from it.
 *
 * Which families a reader samples differs — risk inverts a CDF (normal,
 * lognormal, triangular, uniform, choice), the simulators draw token counts
 * (fixed, uniform, exponential, gamma, lognormal, pareto, zipf, empirical) —
 * and so does how strictly a parameter is checked: `use` says which reader
 * asks, and each keeps its own messages. */
#ifndef GIGAWATT_DIST_H
#define GIGAWATT_DIST_H

#include <stddef.h>

#include "gigawatt/risk.h"

/* Phi^-1(0.9): a lognormal's sigma is ln(p90 / p50) / GW_Z90. */
#define GW_Z90 1.2815515655446004

typedef enum gw_dist_family {
    GW_DF_FIXED,       /* value a */
    GW_DF_NORMAL,      /* mean a, standard deviation b */
    GW_DF_LOGNORMAL,   /* median a, sigma b of the log */
    GW_DF_TRIANGULAR,  /* min a, mode b, max c */
    GW_DF_UNIFORM,     /* on [a, b] */
    GW_DF_CHOICE,      /* values with weights (cum), sorted by value */
    GW_DF_EXPONENTIAL, /* mean a */
    GW_DF_GAMMA,       /* shape a, scale b */
    GW_DF_PARETO,      /* minimum a, tail index b */
    GW_DF_ZIPF,        /* integers 1..a with P(k) ∝ k^-b */
    GW_DF_EMPIRICAL    /* the sorted samples */
} gw_dist_family;

typedef enum gw_dist_use {
    /* the risk engine: every parameter required and checked against the
     * field's dimension and range; `name:` allowed (correlations) */
    GW_DIST_USE_RISK,
    /* a token count: dimensionless, a missing parameter is 0 and the
     * sampler's own check (gw_dist_prepare) judges the whole; at_least and
     * at_most clamp the sample */
    GW_DIST_USE_SIM
} gw_dist_use;

typedef struct gw_dist_spec {
    gw_dist_family family;
    double a, b, c; /* the family's parameters, in the canonical form above */
    int nchoice;
    double values[GW_CHOICE_MAX]; /* choice: values, sorted */
    double cum[GW_CHOICE_MAX];    /* choice: cumulative probability, last == 1 */
    double *samples;              /* empirical: sorted, malloc'd; the caller frees */
    size_t nsamples;
    double at_least, at_most; /* sim's clamp; 0: none */
    char name[GW_TEXT_MAX];   /* risk's `name:` or "" */
} gw_dist_spec;

/* Read the {dist: ...} mapping `n` for `use`; `what` names the value in
 * messages, `dim` and `flags` are the field's (GW_DIST_USE_RISK). On error
 * nothing is left allocated. */
int gw_dist_spec_parse(const gw_node *n, const char *what, gw_dim_id dim, unsigned flags,
                       gw_dist_use use, gw_dist_spec *s, gw_error *err);

/* The centre of a {dist: ...} mapping that a deterministic command (plan)
 * runs with: p50 (or median, mean, mode), else the midpoint of low and high
 * (or min and max), else the first of the choices (docs/timeline.md §9).
 * The signature of gw_decode_ctx.dist_centre. */
int gw_dist_centre(const gw_node *map, const char *what, gw_dim_id dim, unsigned flags,
                   double *out, gw_error *err);

#endif
