/* include/gigawatt/supply.h — the component supply chain: accelerators and
 * racks per quarter as the minimum over what the industry can make of each
 * component, after pipeline delays (models layer; docs/supply.md).
 *
 *   gw_supply_run()      gw_supply_input -> gw_supply_result (per quarter:
 *                        output by product, binding component, slack)
 *   gw_supply_lab()      the lab's accelerators per quarter only (what the
 *                        timeline installs from; cheap: once per risk draw)
 *   gw_supply_marginal() accelerators one more unit of a component buys in a
 *                        quarter, by finite difference (the shadow price)
 *
 * Units: a component's capacity is in its own unit per quarter (CoWoS
 * wafers, HBM GB, racks, transformers ...); a product's bill of materials
 * says how many of each item one accelerator package takes. Pure and
 * allocation-free, like the timeline it feeds. */
#ifndef GIGAWATT_SUPPLY_H
#define GIGAWATT_SUPPLY_H

#include "gigawatt/gigawatt.h"

#define GW_SUPPLY_MAX_QUARTERS 80 /* = GW_TIMELINE_MAX_QUARTERS */
#define GW_SUPPLY_MAX_COMPONENTS 10
#define GW_SUPPLY_MAX_PRODUCTS 8
#define GW_SUPPLY_MAX_YEARS 20
#define GW_SUPPLY_NAME 32

/* What a component makes, i.e. which line of a product's bill of materials
 * it is consumed against. */
typedef enum gw_supply_item {
    GW_ITEM_COWOS_WAFERS = 0, /* advanced-packaging wafers (CoWoS-class) */
    GW_ITEM_HBM_GB,           /* HBM, in GB (1e9 bytes) */
    GW_ITEM_HBM_STACKS,       /* HBM, in stacks */
    GW_ITEM_PACKAGES,         /* accelerator packages (e.g. a package test line) */
    GW_ITEM_RACKS,            /* rack integration slots (Foxconn, Quanta ...) */
    GW_ITEM_CPUS,             /* host CPUs */
    GW_ITEM_SWITCH_TRAYS,     /* scale-up switch trays */
    GW_ITEM_POWER_SHELVES,    /* in-rack power shelves */
    GW_ITEM_SITE_GW,          /* site power equipment, counted per GW of grid power
                                 (transformers, switchgear, turbines: `per_gw`) */
    GW_SUPPLY_NITEMS
} gw_supply_item;

/* The items' names in the scenario (`consumes:`), in enum order. */
extern const char *const gw_supply_item_names[GW_SUPPLY_NITEMS];

/* How products share a component. */
typedef enum gw_supply_rule {
    GW_SUPPLY_SHARES = 0, /* each product gets its share of every component */
    GW_SUPPLY_PRIORITY    /* products in order take what is left, up to their share */
} gw_supply_rule;

typedef struct gw_supply_component {
    char name[GW_SUPPLY_NAME];
    int item;               /* gw_supply_item it makes */
    double capacity;        /* units in the first quarter (start + growth) */
    double growth_per_year; /* capacity multiplies by this a year; 0 = no rule (the list
                               must cover the horizon) */
    int nlist;              /* > 0: capacity per quarter as listed, then growth */
    double list[GW_SUPPLY_MAX_QUARTERS];
    double delay_s;         /* from using its capacity to its output reaching the next
                               stage (or delivery) */
    double slip_s;          /* its capacity schedule arrives this much later */
    double per_gw;          /* GW_ITEM_SITE_GW: units per GW of grid power */
    int feeds;              /* index of the next stage; -1 = delivery */
    double pro_rata;        /* 1: split in proportion to what the products ask (after
                               the shared components), not by share; 0: by share */
} gw_supply_component;

typedef struct gw_supply_product {
    char id[GW_SUPPLY_NAME];      /* catalog system id */
    char vendor[GW_SUPPLY_NAME];  /* lower case: nvidia, amd, google ... */
    /* bill of materials (catalog: the system and its accelerator; 0 = not given) */
    double packages_per_wafer;    /* per CoWoS-class wafer at 100 % yield */
    double packaging_yield;       /* (0, 1]: a failed package scraps its HBM too */
    double hbm_stacks;            /* per package */
    double hbm_gb_per_stack;      /* GB (1e9 bytes) per stack */
    double packages_per_rack;
    double cpus_per_rack, switch_trays_per_rack, power_shelves_per_rack;
    double grid_w_per_package;    /* site power one package takes (rack model, full load) */
    int nshare;                   /* share of each component, one a year (last held) */
    double share[GW_SUPPLY_MAX_YEARS];
    double lab_share;             /* of this product's output, what the lab gets */
    /* accelerator-equivalents per package: the timeline's unit (docs/supply.md
     * §4): its TDP over the reference accelerator's, or as given; > 0 */
    double equivalents;
} gw_supply_product;

typedef struct gw_supply_input {
    int start_year, start_q, quarters;
    gw_supply_rule rule;
    double delivery_delay_s;      /* from the last stage to the customer (shipping) */
    int ncomponents, nproducts;
    /* the accelerator equivalents count in (the timeline's; "" = none given:
     * every product's equivalents are then 1 and not reported) */
    char equivalent_of[GW_SUPPLY_NAME];
    gw_supply_component c[GW_SUPPLY_MAX_COMPONENTS];
    gw_supply_product p[GW_SUPPLY_MAX_PRODUCTS];
    /* a finite-difference probe: `probe` more units of component probe_c
     * reach delivery quarter probe_q (0 = none; for shadow prices) */
    int probe_c, probe_q;
    double probe;
} gw_supply_input;

typedef struct gw_supply_result {
    int quarters, ncomponents, nproducts;
    double accelerators[GW_SUPPLY_MAX_QUARTERS]; /* all products */
    double racks[GW_SUPPLY_MAX_QUARTERS];
    double lab[GW_SUPPLY_MAX_QUARTERS];          /* the lab's accelerators (packages) */
    double equivalents[GW_SUPPLY_MAX_QUARTERS];  /* all products, accelerator-equivalents */
    double lab_equivalents[GW_SUPPLY_MAX_QUARTERS]; /* the lab's: what the timeline installs */
    double by_product[GW_SUPPLY_MAX_PRODUCTS][GW_SUPPLY_MAX_QUARTERS];
    int product_binding[GW_SUPPLY_MAX_PRODUCTS][GW_SUPPLY_MAX_QUARTERS];
    double available[GW_SUPPLY_MAX_COMPONENTS][GW_SUPPLY_MAX_QUARTERS]; /* after delays */
    double used[GW_SUPPLY_MAX_COMPONENTS][GW_SUPPLY_MAX_QUARTERS];
    int binding[GW_SUPPLY_MAX_QUARTERS]; /* the component that binds the most accelerators;
                                            -1 when nothing is made */
} gw_supply_result;

/* The result with its shadow prices (what `plan` prints). */
typedef struct gw_supply_report {
    gw_supply_result r;
    /* per unit more of component c reaching delivery quarter q: accelerators
     * (all products), the lab's accelerators, and the timeline's revenue
     * (USD, whole horizon; has_revenue = 0 when no timeline takes the chain) */
    double shadow[GW_SUPPLY_MAX_COMPONENTS][GW_SUPPLY_MAX_QUARTERS];
    double shadow_lab[GW_SUPPLY_MAX_COMPONENTS][GW_SUPPLY_MAX_QUARTERS];
    double shadow_revenue[GW_SUPPLY_MAX_COMPONENTS][GW_SUPPLY_MAX_QUARTERS];
    int has_revenue;
} gw_supply_report;

/* Check the input (ranges, shares, the stage graph has no cycle, a list
 * covers the horizon or has a growth rule). Errors name the field below
 * supply_chain: in err->field ("components.cowos.capacity"). */
int gw_supply_check(const gw_supply_input *in, gw_error *err);

/* Quarters of delay from a component's capacity to delivery (its own delay,
 * the stages it feeds, shipping, its slip). -1 on a cycle. */
double gw_supply_offset_q(const gw_supply_input *in, int c);

/* What component c can supply in quarter q (its capacity schedule, delayed). */
double gw_supply_available(const gw_supply_input *in, int c, int q);

/* Units of component c one good package of product p takes (its bill of
 * materials against what c makes). */
double gw_supply_need(const gw_supply_input *in, int p, int c);

/* Everything per quarter. Checks first. */
int gw_supply_run(const gw_supply_input *in, gw_supply_result *out, gw_error *err);

/* The lab's accelerator-equivalents per quarter (what the timeline installs,
 * Σ_p λ_p E_p x_p) into lab[0 .. quarters-1]; no checks (the input was
 * checked when resolved). */
void gw_supply_lab(const gw_supply_input *in, double *lab);

/* Accelerators (packages, all products; *lab_gain: the lab's equivalents) one more unit of
 * component c's supply in quarter q buys, by a forward finite difference. */
double gw_supply_marginal(const gw_supply_input *in, int c, int q, double *lab_gain);

/* gw_supply_run and the accelerator shadow prices (has_revenue = 0). */
int gw_supply_report_run(const gw_supply_input *in, gw_supply_report *out, gw_error *err);

#endif
