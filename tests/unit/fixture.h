/* tests/unit/fixture.h — a small, made-up rack whose every number is easy
 * to follow by hand (tests/unit/test_rack.c shows the arithmetic). It uses
 * no catalog data on purpose: model tests must not move when data does. */
#ifndef GW_TEST_FIXTURE_H
#define GW_TEST_FIXTURE_H

#include <string.h>

#include "gigawatt/plan.h"

typedef struct fixture {
    gw_accelerator acc;
    gw_system sys;
    gw_cooling cool;
    gw_power_stage st[4];
    gw_site site;
    gw_finance fin;
    gw_electricity elec;
    gw_household home;
    gw_rack_input in;
} fixture;

static void fixture_init(fixture *f)
{
    memset(f, 0, sizeof *f);
    f->acc.tdp_w = 1000;
    f->acc.idle_power_fraction = 0.2;
    gw_system *s = &f->sys;
    s->accelerators = 4;
    s->cpus = 2;
    s->cpu_power_w = 300;
    s->memory_power_w = 100;
    s->nics = 4;
    s->nic_power_w = 25;
    s->switch_power_w = 200;
    s->fan_power_w = 400;
    s->pump_power_w = 100;
    s->other_power_w = 100;
    s->idle_power_fraction = 0.5;
    s->liquid_heat_fraction = 0.8;
    s->systems_per_rack = 2;
    s->weight_kg = 100;
    s->rack_weight_kg = 200;
    s->rack_footprint_m2 = 0.5;
    s->rack_power_capacity_w = 10000;
    s->rack_liquid_capacity_w = 6000;
    s->price_usd = 100000;
    gw_cooling *c = &f->cool;
    strcpy(c->kind, "direct-liquid");
    c->air_cooling_overhead = 0.3;
    c->liquid_cooling_overhead = 0.05;
    c->coolant_density_kg_m3 = 1000;
    c->coolant_specific_heat_j_kgk = 4000;
    c->coolant_delta_t_k = 10;
    c->air_delta_t_k = 10;
    c->air_density_kg_m3 = 1.2;
    c->air_specific_heat_j_kgk = 1000;
    c->fan_min_speed = 0.3;
    c->water_m3_per_j = 0.5e-3 / 3.6e6; /* 0.5 L/kWh */
    const char *ids[4] = {"transformer", "ups", "pdu", "shelf"};
    const char *serves[4] = {"facility", "it", "it", "rack"};
    const double eff[4] = {0.99, 0.95, 0.98, 0.96};
    for (int i = 0; i < 4; i++) {
        strcpy(f->st[i].meta.id, ids[i]);
        strcpy(f->st[i].serves, serves[i]);
        f->st[i].efficiency = eff[i];
        f->in.stages[i] = &f->st[i];
    }
    f->in.nstages = 4;
    f->site.misc_overhead = 0.02;
    f->site.air_cooling_per_rack_w = 2000;
    f->site.floor_load_capacity_kg_m2 = 1000;
    f->site.grid_capacity_w = 300e3;
    f->site.facility_capex_usd_per_w = 10;
    f->site.power_capex_usd_per_w = 1;
    f->site.staff_per_w = 1e-6;
    f->fin.cost_of_capital = 0.1;
    f->fin.it_life_s = 5 * GW_SECONDS_PER_YEAR;
    f->fin.network_life_s = 5 * GW_SECONDS_PER_YEAR;
    f->fin.facility_life_s = 20 * GW_SECONDS_PER_YEAR;
    f->fin.power_life_s = 2.5 * GW_SECONDS_PER_YEAR;
    f->fin.networking_capex_fraction = 0.2;
    f->fin.it_maintenance = 0.05;
    f->fin.facility_maintenance = 0.02;
    f->fin.staff_cost_usd_per_s = 100000 / GW_SECONDS_PER_YEAR;
    f->elec.price_usd_per_j = 50 / 3.6e9; /* 50 USD/MWh */
    f->home.consumption_w = 1000;
    f->in.system = &f->sys;
    f->in.accelerator = &f->acc;
    f->in.cooling = &f->cool;
    f->in.site = &f->site;
    f->in.load = 0.5;
}

#endif
