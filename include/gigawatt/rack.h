/* include/gigawatt/rack.h — one rack's power, heat, coolant and grid draw
 * (models layer: pure functions, no I/O). Equations: docs/model.md §1–§3. */
#ifndef GIGAWATT_RACK_H
#define GIGAWATT_RACK_H

#include "gigawatt/catalog.h"

#define GW_MAX_STAGES GW_IDLIST_MAX
#define GW_MAX_VIOLATIONS 8

typedef struct gw_rack_input {
    const gw_system *system;
    const gw_accelerator *accelerator;
    const gw_cooling *cooling;
    const gw_power_stage *stages[GW_MAX_STAGES]; /* grid -> rack order */
    int nstages;
    const gw_site *site; /* room limits and misc. overhead; NULL skips them */
    double load;         /* accelerator utilisation in [0, 1] */
} gw_rack_input;

typedef struct gw_violation {
    char rule[32];     /* "rack-power", "liquid-capacity", "room-air", "floor-load" */
    char message[256]; /* with the numbers */
    double value, limit;
} gw_violation;

typedef struct gw_stage_flow {
    char id[GW_TEXT_MAX];
    char serves[GW_TEXT_MAX];
    double efficiency;
    double input_w, loss_w; /* per rack */
} gw_stage_flow;

typedef struct gw_rack_result {
    double systems, accelerators; /* per rack */
    /* IT power breakdown per rack, W, downstream of the rack power stage */
    double accelerator_w, cpu_w, memory_w, nic_w, switch_w, fan_w, pump_w, other_w;
    double electronics_w;         /* sum of the breakdown */
    double rack_conversion_loss_w;/* power shelves / PSUs */
    double it_power_w;            /* at the rack input = electronics + conversion */
    double liquid_fraction;       /* effective share of electronics heat to liquid */
    double liquid_heat_w, air_heat_w; /* liquid + air == it_power */
    double coolant_flow_m3_s, airflow_m3_s;
    double it_path_loss_w;        /* UPS, PDU ... between facility and rack */
    double cooling_power_w;       /* facility cooling attributable to this rack */
    double misc_power_w;          /* lighting, offices ... */
    double facility_loss_w;       /* transformers ... on all loads */
    double grid_power_w;          /* at the utility meter */
    double pue;                   /* grid / IT */
    double water_m3_per_s;
    int warm_water;               /* cooling has a supply temperature (§2.5) */
    double chiller_free_fraction; /* of the year's hours, dry coolers only (§2.5) */
    double cooling_capex_usd;     /* cooling plant for this rack's IT power; 0 = not given */
    double busbar_voltage_v;      /* rack busbar DC voltage; 0 = no busbar stage */
    double busbar_current_a;      /* I = P_busbar / V (docs/model.md §3.1) */
    double weight_kg, floor_load_kg_m2;
    int nstages;
    gw_stage_flow stages[GW_MAX_STAGES];
    int nviolations;
    gw_violation violations[GW_MAX_VIOLATIONS];
} gw_rack_result;

/* Compute the budget of one rack of in->system at in->load. Errors only on
 * inputs the equations cannot take (e.g. load outside [0, 1]). */
int gw_rack_budget(const gw_rack_input *in, gw_rack_result *out, gw_error *err);

/* §2.5 share of the year's hours with the ambient dry-bulb at or below
 * the cooling's supply temperature minus its dry-cooler approach, the
 * site's hourly dry-bulb taken as N(ambient_mean, ambient_sd). */
double gw_rack_chiller_free_fraction(const gw_cooling *c, const gw_site *site);

/* §1.4 the clock (f/f_max) a power cap allows: cap_fraction of TDP, of
 * which static_fraction does not follow the clock and the rest goes as
 * clock^exponent. 1 at or above TDP. */
double gw_power_cap_clock(double cap_fraction, double static_fraction, double exponent);

/* §1.4 cap accelerator `a` at cap_w watts in place: its FLOP/s peaks times
 * the clock (*clock), TDP = cap_w, idle watts kept. Errors (field
 * operation.power_cap) on a cap <= 0, above TDP, at or below the static
 * power, or missing DVFS fields when the cap is below TDP. */
int gw_power_cap_apply(gw_accelerator *a, double cap_w, double *clock, gw_error *err);

/* Effective liquid share of electronics heat for a cooling kind. */
double gw_rack_liquid_fraction(const gw_system *sys, const gw_cooling *cool);

#endif
