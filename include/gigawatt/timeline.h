/* include/gigawatt/timeline.h — the supply-limited build-out timeline
 * (models layer: a pure quarterly model; scenario layer: its resolution).
 *
 * A frontier lab orders sites (MW of grid power) and accelerators; supply
 * decides when they arrive. Each quarter the model steps a tandem queue of
 * site-pipeline stages (permitting, construction, transformer, turbine, grid
 * interconnect ...), fills powered space with accelerators up to the
 * quarter's allocation, retires old accelerators, compares the capacity with
 * the demand (inference tokens of each product turned into accelerators
 * through the perf model's tokens/s, plus training runs' FLOPs turned into
 * accelerator-quarters), rents backup capacity for a shortfall or throttles
 * it, and keeps the books: capex, opex, revenue, rental, depreciation, cash.
 * Equations and references: docs/timeline.md.
 *
 * Two calls:
 *   gw_timeline_resolve()  scenario tree -> gw_timeline_input (+ parameter table)
 *   gw_timeline_run()      gw_timeline_input -> gw_timeline_result
 * run() is pure: no I/O, no allocation, no globals, a few microseconds for
 * 80 quarters; a Monte Carlo (gigawatt risk) calls it once per draw on its
 * own copy of the input.
 *
 * ---- Contract with the risk engine (named parameters) ----------------------
 *
 * Every number of the model is a double in gw_timeline_input, in SI units
 * (seconds, W, USD, FLOP, USD/s, USD/J; counts and multipliers plain).
 * gw_timeline_resolve() also fills a gw_timeline_params table: one row per
 * numeric input, named by its path in the scenario, with list items
 * addressed by their `name:`, e.g.
 *     timeline.build_level
 *     timeline.demand.peak_to_average
 *     timeline.demand.products.chat.growth_per_year
 *     timeline.demand.training.frontier.flops
 *     timeline.supply.accelerators_per_quarter
 *     timeline.supply.stages.transformer.duration
 *     timeline.money.rental_price
 *     timeline.derived.capex_per_accelerator      (from the plan/perf models)
 * Dates are stored as seconds after the timeline start (the YAML may say
 * "2027-Q3" or "18 months"), so they too are SI values a draw can move.
 * Each row gives the byte offset of its double in gw_timeline_input, its
 * dimension (to parse p50/p90 "30 months" with units), its range flags
 * (GW_F_* of schema.h: a sample must respect them or run() refuses it), the
 * value resolve used, and the node it came from (NULL when defaulted or
 * derived; valid while the scenario's gw_config lives).
 *
 * Distributions: wherever a number is expected, resolve also accepts a
 * mapping with a `dist:` key (`{dist: lognormal, p50: 1.8, p90: 2.6}`). It
 * does not check the mapping beyond that; it takes the central value as the
 * deterministic input: `p50`, else `median`, else `mean`, else `mode`, else
 * the midpoint of `low` and `high`, else the first of `choices`/`values`
 * (parsed with the field's dimension), and marks the row is_dist = 1 with
 * node = the mapping. The risk engine parses the mapping itself, samples in
 * SI units, and writes each draw through gw_timeline_param_ptr(). Names in
 * a correlation are looked up with gw_timeline_param_find().
 *
 * Derived inputs (capex per accelerator and per W, power per accelerator,
 * tokens/s per accelerator ...) come from the plan, rack and perf models at
 * resolution time; they are rows too, so a draw may scale them, but a draw
 * that changes e.g. the system does not re-run those models. */
#ifndef GIGAWATT_TIMELINE_H
#define GIGAWATT_TIMELINE_H

#include <stddef.h>

#include "gigawatt/catalog.h"
#include "gigawatt/config.h"
#include "gigawatt/gigawatt.h"
#include "gigawatt/supply.h"

#define GW_TIMELINE_MAX_QUARTERS 80 /* 20 years */
#define GW_TIMELINE_MAX_STAGES 8
#define GW_TIMELINE_MAX_PRODUCTS 6
#define GW_TIMELINE_MAX_RUNS 8       /* training runs as given (each may repeat) */
#define GW_TIMELINE_MAX_COMMITTED 12 /* projects already in the pipeline */
#define GW_TIMELINE_NAME 32
#define GW_TIMELINE_MAX_PARAMS 256
#define GW_TIMELINE_PARAM_NAME 96

/* Seconds in a quarter: a quarter of the parser's 365-day year. */
#define GW_QUARTER_S (GW_SECONDS_PER_YEAR / 4.0)

/* What happens to demand that owned capacity cannot serve. */
typedef enum gw_shortfall_policy {
    GW_SHORTFALL_RENT = 0, /* rent backup capacity up to rental_max, throttle the rest */
    GW_SHORTFALL_THROTTLE  /* rate-limit: serve nothing beyond owned capacity */
} gw_shortfall_policy;

/* An inference product: tokens per quarter = users x requests/day x tokens x days. */
typedef struct gw_timeline_product {
    char name[GW_TIMELINE_NAME];
    double users;                     /* at the start (weekly active users, API customers ...) */
    double growth_per_year;           /* users multiply by this per year (1.8 = +80 %/yr) */
    double requests_per_user_per_day;
    double tokens_per_request;        /* input + output (+ reasoning), at the start */
    double token_growth_per_year;     /* tokens per request multiply by this per year */
    double usd_per_million_tokens;    /* revenue per million tokens served, at the start */
    double price_growth_per_year;     /* the price multiplies by this per year (0.8 = -20 %/yr) */
} gw_timeline_product;

/* A training run (repeated every `every_s` with FLOPs x `growth`, when every_s > 0). */
typedef struct gw_timeline_run_spec {
    char name[GW_TIMELINE_NAME];
    double flops;          /* total training compute, FLOP */
    double start_s;        /* from the timeline start (0 = its first day) */
    double duration_s;     /* wall-clock length */
    double mfu;            /* model FLOPs utilisation, (0, 1] */
    double every_s;        /* 0: once; else a new run every every_s */
    double growth;         /* FLOPs multiply by this from one repeat to the next */
} gw_timeline_run_spec;

/* A site-pipeline stage. Stages run one after another; a stage marked
 * parallel runs alongside the one before it (same start), and a project
 * leaves the group when its longest stage is done. capacity limits the MW
 * (grid) that may start the stage per quarter; queues are first come, first
 * served. capex_share is the fraction of the facility capex paid when a
 * project starts the stage (all of it at energization when no stage has one). */
typedef struct gw_timeline_stage {
    char name[GW_TIMELINE_NAME]; /* permitting, land, construction, transformer, switchgear,
                                    turbine, interconnect, commissioning */
    double duration_s;           /* >= 0 */
    double capacity_w;           /* grid W per quarter that may start it; 0 = unlimited */
    double parallel;             /* 1: alongside the previous stage; 0: after it */
    double capex_share;          /* fraction of facility capex paid at the stage's start */
} gw_timeline_stage;

/* A project already under way: `power_w` (grid) comes online `online_s`
 * after the start (a time inside a quarter splits it over two quarters). */
typedef struct gw_timeline_committed {
    char name[GW_TIMELINE_NAME];
    double power_w;
    double online_s;
} gw_timeline_committed;

typedef struct gw_timeline_input {
    /* time */
    int start_year, start_q;  /* first quarter: start_year-Q(start_q), start_q in 1..4 */
    int quarters;             /* horizon, <= GW_TIMELINE_MAX_QUARTERS */
    double build_level;       /* planned build as a multiple of the baseline plan (1 = plan) */

    /* demand: inference */
    int nproducts;
    gw_timeline_product products[GW_TIMELINE_MAX_PRODUCTS];
    double tokens_per_s_per_accelerator; /* input + output tokens/s served at the latency
                                            target (perf model: output tokens/s x
                                            (input + output) / output) */
    double efficiency_gain_per_year;     /* the fleet's average accelerator does this much more
                                            per year (tokens/s and training FLOP/s): newer
                                            generations replacing older ones, better software */
    double peak_to_average;              /* capacity covers the busy hour: peak / mean load */
    /* demand: training */
    int nruns;
    gw_timeline_run_spec runs[GW_TIMELINE_MAX_RUNS];
    double training_flops_per_accelerator; /* dense peak at the training precision, FLOP/s */

    /* supply */
    double target_power_w;          /* baseline plan: grid power to build (plan target) */
    double orders_until_s;          /* new sites ordered evenly from the start until this */
    int ncommitted;
    gw_timeline_committed committed[GW_TIMELINE_MAX_COMMITTED];
    double online_power_w;          /* grid power already online at the start */
    double online_accelerators;     /* accelerators already installed at the start */
    int nstages;
    gw_timeline_stage stages[GW_TIMELINE_MAX_STAGES];
    double accelerators_per_quarter;   /* allocation in the first quarter */
    double accelerator_growth_per_year;/* allocation multiplies by this per year */
    double accelerators_per_w;         /* per W of grid capacity (plan sizing) */
    double accelerator_life_s;         /* retired (and replaced from the allocation) after */

    /* money (SI: USD, USD/s, USD/J) */
    double capex_per_accelerator;      /* systems + networking per accelerator (plan) */
    double capex_per_w;                /* facility + power infrastructure per grid W (plan) */
    double opex_per_accelerator_s;     /* maintenance + staff per installed accelerator, USD/s */
    double busy_w_per_accelerator;     /* grid W of a serving accelerator (rack model, average load) */
    double idle_w_per_accelerator;     /* grid W of an idle accelerator (rack model, load 0) */
    double electricity_usd_per_j;
    double household_w;                /* average draw of one household */
    double depreciation_s;             /* straight-line life of accelerator capex */
    double facility_depreciation_s;    /* straight-line life of facility capex */
    double owned_usd_per_accelerator_s;/* capital recovery + fixed opex of an owned accelerator */
    double rental_usd_per_accelerator_s; /* backup capacity price, per accelerator-second */
    double rental_max;                 /* most accelerators rentable at once; 0 = no limit */
    double throttle_penalty_per_million_tokens; /* beyond lost revenue: churn, goodwill (USD) */
    double start_cash_usd;
    gw_shortfall_policy shortfall;

    /* the component supply chain (docs/supply.md); chain.ncomponents == 0: none */
    gw_supply_input chain;
    int chain_drives; /* 1: the allocation is the lab's share of the chain's output;
                         0: accelerators_per_quarter as typed (the chain is a check) */
    /* NULL: run() computes the chain (and checks it); else the lab's output per
     * quarter already computed from this `chain` by gw_supply_lab, checked (the
     * risk engine does it once per draw for the draw's runs at every build
     * level, which the chain does not depend on) */
    const double *chain_lab;
} gw_timeline_input;

/* Per-quarter series (index 0 = the first quarter) and totals. Counts of
 * accelerators and power are averages over the quarter (the model holds
 * them constant within one); money is the quarter's flow, cash cumulative. */
typedef struct gw_timeline_result {
    int quarters, start_year, start_q;

    /* supply */
    double ordered_w[GW_TIMELINE_MAX_QUARTERS];      /* grid W ordered (entering the pipeline) */
    double pipeline_w[GW_TIMELINE_MAX_QUARTERS];     /* grid W ordered but not yet online */
    double online_w[GW_TIMELINE_MAX_QUARTERS];       /* grid capacity online */
    double slots[GW_TIMELINE_MAX_QUARTERS];          /* accelerators the online power can hold */
    double allocation[GW_TIMELINE_MAX_QUARTERS];     /* accelerators the vendors can deliver */
    double installed[GW_TIMELINE_MAX_QUARTERS];      /* accelerators installed this quarter */
    double retired[GW_TIMELINE_MAX_QUARTERS];        /* accelerators retired this quarter */
    double capacity[GW_TIMELINE_MAX_QUARTERS];       /* accelerators online */

    /* demand and how it is met */
    double demand[GW_TIMELINE_MAX_QUARTERS];          /* accelerators needed: inference + training */
    double demand_inference[GW_TIMELINE_MAX_QUARTERS];
    double demand_training[GW_TIMELINE_MAX_QUARTERS];
    double tokens_demand[GW_TIMELINE_MAX_QUARTERS];   /* tokens asked for in the quarter */
    double tokens_served[GW_TIMELINE_MAX_QUARTERS];
    double shortfall[GW_TIMELINE_MAX_QUARTERS];       /* demand - capacity, when positive */
    double rented[GW_TIMELINE_MAX_QUARTERS];          /* accelerators of backup capacity rented */
    double throttled[GW_TIMELINE_MAX_QUARTERS];       /* accelerators of demand not served */
    double idle[GW_TIMELINE_MAX_QUARTERS];            /* capacity - demand, when positive */
    double power_w[GW_TIMELINE_MAX_QUARTERS];         /* grid power drawn (average) */
    double households[GW_TIMELINE_MAX_QUARTERS];      /* power_w / household draw */

    /* money, USD per quarter */
    double capex_facility[GW_TIMELINE_MAX_QUARTERS];
    double capex_accelerators[GW_TIMELINE_MAX_QUARTERS];
    double capex[GW_TIMELINE_MAX_QUARTERS];
    double opex[GW_TIMELINE_MAX_QUARTERS];            /* energy + maintenance + staff */
    double energy[GW_TIMELINE_MAX_QUARTERS];          /* part of opex */
    double revenue[GW_TIMELINE_MAX_QUARTERS];
    double lost_revenue[GW_TIMELINE_MAX_QUARTERS];    /* throttled tokens x price */
    double rental[GW_TIMELINE_MAX_QUARTERS];
    double depreciation[GW_TIMELINE_MAX_QUARTERS];
    double cash[GW_TIMELINE_MAX_QUARTERS];            /* cumulative: start + revenue - capex - opex - rental */

    /* totals over the horizon (USD unless named) */
    double total_capex, total_opex, total_revenue, total_rental, total_depreciation;
    double total_lost_revenue;
    double rental_premium;     /* rental - the owned cost of the same accelerator-seconds */
    double throttle_penalty;   /* throttled tokens x throttle_penalty_per_million_tokens */
    double idle_cost;          /* idle accelerator-seconds x owned_usd_per_accelerator_s */
    double cost_too_little;    /* lost revenue + rental premium + throttle penalty */
    double cost_too_much;      /* idle cost */
    double total_cost;         /* cost_too_little + cost_too_much */
    double final_cash, min_cash;       /* cash at the end; its lowest point (funding need) */
    int min_cash_quarter;
    double served_fraction;            /* tokens served / tokens asked for, whole horizon */
    int quarters_short;                /* quarters with a shortfall */
    int first_quarter_covered;         /* first quarter from which capacity >= demand to the
                                          end; -1 when never */
    double peak_shortfall, peak_idle;  /* accelerators */
    double end_online_w, end_capacity; /* at the last quarter */
} gw_timeline_result;

/* Run the quarterly model. Pure and allocation-free. Checks the input's
 * ranges (a sampled value out of range is GW_E_INPUT naming the field). */
int gw_timeline_run(const gw_timeline_input *in, gw_timeline_result *out, gw_error *err);

/* The timeline's supply chain (in->chain) with its shadow prices, the
 * revenue ones included when the chain drives the allocation: per component
 * and quarter, the timeline run again with a little more of it (a forward
 * finite difference; docs/supply.md §3). */
int gw_timeline_supply_report(const gw_timeline_input *in, gw_supply_report *out,
                              gw_error *err);

/* One named numeric input (see the contract at the top). */
typedef struct gw_timeline_param {
    char name[GW_TIMELINE_PARAM_NAME];
    size_t offset;        /* of the double inside gw_timeline_input */
    gw_dim_id dim;        /* dimension of the value, for parsing with units */
    unsigned flags;       /* GW_F_* range the value must respect */
    double value;         /* what resolve put there, SI */
    const gw_node *node;  /* where it came from; NULL: default or derived */
    int is_dist;          /* node is a {dist: ...} mapping */
} gw_timeline_param;

typedef struct gw_timeline_params {
    int n;
    gw_timeline_param p[GW_TIMELINE_MAX_PARAMS];
} gw_timeline_params;

/* Resolve the scenario `root` (its timeline: section, plus the plan sections
 * system/site/finance/target ... and, when the scenario names a model, the
 * perf sections for tokens/s per accelerator) into `in`. `params` may be
 * NULL. Bad input: GW_E_INPUT with file:line:col of the offending node. */
int gw_timeline_resolve(const gw_catalog *cat, const gw_node *root, gw_timeline_input *in,
                        gw_timeline_params *params, gw_error *err);

/* Does the scenario have a timeline: section? */
int gw_timeline_present(const gw_node *root);

/* The row named `name`, or NULL. */
const gw_timeline_param *gw_timeline_param_find(const gw_timeline_params *ps, const char *name);

/* Where row `p` lives inside `in` (write a sampled value through it). */
double *gw_timeline_param_ptr(gw_timeline_input *in, const gw_timeline_param *p);

#endif
