/* include/gigawatt/explore.h — the design-space explorer (`gigawatt explore`,
 * scenario layer; docs/explore.md): any scenario fields varied over a grid,
 * random or Latin-hypercube design, every point evaluated by the models a
 * served workload needs (perf at the latency targets, rack, plan cost) and
 * judged by named objectives and constraints; then the Pareto front, the
 * best point per objective and a sensitivity ranking of the fields.
 *
 * A point's values reach the scenario exactly as `--set KEY=VALUE` does
 * (gw_config_set_path), so any field the scenario language has — today's
 * and those added later — can be varied without code here. */
#ifndef GIGAWATT_EXPLORE_H
#define GIGAWATT_EXPLORE_H

#include <stddef.h>

#include "gigawatt/catalog.h"
#include "gigawatt/gigawatt.h"

#define GW_EXPLORE_MAX_VARY 12       /* varied fields */
#define GW_EXPLORE_MAX_LEVELS 64     /* items of one list, steps of one range */
#define GW_EXPLORE_LEVEL_MAX 64      /* characters of one level's text */
#define GW_EXPLORE_MAX_OBJECTIVES 8
#define GW_EXPLORE_MAX_POINTS 2000000LL /* ~1 GB of point records; more is refused */
#define GW_EXPLORE_WHY_MAX 160

typedef enum gw_explore_design { GW_EXPLORE_GRID, GW_EXPLORE_RANDOM, GW_EXPLORE_LHS } gw_explore_design;

/* The result fields a point has (docs/explore.md §3), in this order. */
enum {
    GW_XM_TPS_PER_MW_GRID,   /* tokens/s per MW of provisioned grid power */
    GW_XM_TPS_PER_MW_IT,     /* tokens/s per MW of IT power at the serving point */
    GW_XM_TPS_PER_GPU,       /* output tokens/s per accelerator */
    GW_XM_USD_PER_MTOK,      /* USD per million output tokens, all costs in */
    GW_XM_CAPEX_PER_GW,      /* USD of capex per GW of grid power */
    GW_XM_ACCEL_PER_GW,      /* accelerators per GW of grid power */
    GW_XM_WATER_PER_MWH,     /* litres of site water per MWh at the meter */
    GW_XM_PUE,               /* annual grid / IT energy */
    GW_XM_RACK_KW,           /* IT power of one rack at full load, kW */
    GW_XM_J_PER_TOKEN,       /* grid joules per output token */
    GW_XM_TTFT,              /* time to first token at the serving point, s */
    GW_XM_TPOT,              /* time per output token at the serving point, s */
    GW_XM_USD_PER_GPU_HOUR,  /* plan model's full cost per accelerator-hour */
    GW_XM_TRAIN_DAYS,        /* training: wall days of the run (a training: section) */
    GW_XM_TRAIN_USD,         /* training: its cost at the plan's cost per accelerator-hour */
    GW_XM_TRAIN_MWH,         /* training: grid energy of the run, MWh */
    GW_XM_COUNT
};

typedef struct gw_explore_metric_info {
    const char *name, *unit, *direction; /* direction: the usual one, "max" or "min" */
    const char *what;
} gw_explore_metric_info;
extern const gw_explore_metric_info gw_explore_metrics[GW_XM_COUNT];

/* One varied field: a list of values (texts, as after `--set KEY=`) or a
 * range LOW..HIGH (numbers with one unit text) in `steps` levels. */
typedef struct gw_explore_var {
    char key[128];
    int is_range;
    double low, high;
    int steps;                       /* range: grid levels (0: random/LHS only) */
    char unit[32];                   /* range: the unit text after the numbers ("" bare) */
    int nlevels;                     /* list: items; range: steps */
    char levels[GW_EXPLORE_MAX_LEVELS][GW_EXPLORE_LEVEL_MAX];
    int numeric;                     /* every level a bare number: JSON numbers */
} gw_explore_var;

typedef struct gw_explore_objective {
    int metric;        /* GW_XM_* */
    int maximise;
} gw_explore_objective;

/* explore.constraints: limits beyond the rack model's own design rules;
 * 0 = none. SI units. */
typedef struct gw_explore_limits {
    double rack_power_w, cooling_capacity_w, floor_load_kg_m2, scale_up_domain, site_power_w;
} gw_explore_limits;

typedef struct gw_explore_spec {
    gw_explore_design design;
    long long npoints;  /* grid: the product of the levels */
    unsigned long long seed;
    int nvary;
    gw_explore_var vary[GW_EXPLORE_MAX_VARY];
    int nobj;
    gw_explore_objective obj[GW_EXPLORE_MAX_OBJECTIVES];
    gw_explore_limits limits;
    int *lhs_perm;      /* LHS: npoints x nvary strata (malloc'd), else NULL */
} gw_explore_spec;

/* One evaluated point: x[j] is field j's level index (lists, grid ranges)
 * or value (ranges under random/LHS); m every result field, NaN where the
 * models give none. */
typedef struct gw_explore_point {
    double x[GW_EXPLORE_MAX_VARY];
    double m[GW_XM_COUNT];
    int feasible;
    char why[GW_EXPLORE_WHY_MAX];
} gw_explore_point;

/* Sensitivity of objective k to field j: the range of the objective's
 * mean over the feasible points at each level of the field (ranges under
 * random/LHS: 8 equal bins), relative to the mean of all feasible points
 * (docs/explore.md §5). NaN when fewer than two levels have points. */
typedef struct gw_explore_result {
    long long n;
    gw_explore_point *points;   /* n, index order (malloc'd) */
    size_t nfront;
    size_t *front;              /* Pareto indices, ascending (malloc'd) */
    long long best[GW_EXPLORE_MAX_OBJECTIVES]; /* -1: no feasible point */
    long long nfeasible;
    double sens[GW_EXPLORE_MAX_OBJECTIVES][GW_EXPLORE_MAX_VARY];
    int rank[GW_EXPLORE_MAX_OBJECTIVES][GW_EXPLORE_MAX_VARY]; /* fields by sens, descending */
} gw_explore_result;

/* After the fields and npoints are set: the LHS strata (malloc'd). */
int gw_explore_prepare(gw_explore_spec *s, gw_error *err);
void gw_explore_spec_free(gw_explore_spec *s);
void gw_explore_result_free(gw_explore_result *r);

/* Point i's x[] (deterministic in the seed and i alone). */
void gw_explore_params(const gw_explore_spec *s, long long i, double *x);
/* Field j's value text at x (what `--set KEY=` gets), and a range
 * field's number at x (its level's under the grid). */
void gw_explore_value_text(const gw_explore_spec *s, int j, double x, char *buf, size_t n);
double gw_explore_range_value(const gw_explore_spec *s, int j, double x);

/* Pareto front, best per objective and sensitivity from r->points. */
int gw_explore_summarise(const gw_explore_spec *s, gw_explore_result *r, gw_error *err);

#endif
