/* include/gigawatt/plan.h — site and fleet sizing, cost and households
 * (models layer: pure functions). Equations: docs/model.md §4–§6. */
#ifndef GIGAWATT_PLAN_H
#define GIGAWATT_PLAN_H

#include "gigawatt/rack.h"

#define GW_PLAN_MAX_YEARS 60

typedef enum gw_target_kind {
    GW_TARGET_IT_POWER,     /* W of IT (critical) capacity */
    GW_TARGET_GRID_POWER,   /* W at the utility meter, at design load */
    GW_TARGET_ACCELERATORS, /* a count */
    GW_TARGET_BUDGET        /* USD of capex */
} gw_target_kind;

typedef struct gw_plan_input {
    gw_rack_input rack;   /* rack.load is ignored: design is at full load */
    const gw_finance *finance;
    const gw_electricity *electricity;
    const gw_household *household;
    double average_load;  /* utilisation over the year, for energy */
    gw_target_kind target;
    double target_value;  /* SI: W, count or USD */
} gw_plan_input;

typedef struct gw_capex {
    double systems, networking, facility, power, total; /* USD */
} gw_capex;

typedef struct gw_opex {
    double energy, it_maintenance, facility_maintenance, staff, total; /* USD per year */
} gw_opex;

typedef struct gw_plan_result {
    gw_rack_result design;  /* one rack at full load (what is provisioned) */
    gw_rack_result average; /* one rack at the average load (what is drawn) */
    double racks, systems, accelerators, sites;
    double it_power_w, grid_power_w;         /* provisioned, design load */
    double avg_it_power_w, avg_grid_power_w; /* drawn on average */
    double pue;                              /* annual energy ratio */
    double annual_energy_wh;                 /* at the meter */
    double annual_it_energy_wh;
    double water_m3_per_year;
    double staff;
    gw_capex capex;
    gw_opex opex;
    int depreciation_years;
    double depreciation_usd[GW_PLAN_MAX_YEARS]; /* straight line, year 1.. */
    double annualized_capex_usd;               /* capital recovery at cost_of_capital */
    double usd_per_gpu_hour;                   /* (annualized capex + opex) / GPU-hours */
    double households_equivalent;              /* average draw / household draw */
    double households_at_capacity;             /* provisioned grid power / household draw */
} gw_plan_result;

int gw_plan_size(const gw_plan_input *in, gw_plan_result *out, gw_error *err);

/* Capital recovery factor r / (1 - (1 + r)^-years); 1/years when r == 0. */
double gw_capital_recovery_factor(double rate, double years);

#endif
