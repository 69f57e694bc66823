/* src/model/rack.c — the rack power, heat and power-chain model (models
 * layer). Pure: inputs in, numbers out. docs/model.md §1–§3 gives every
 * equation with its reference; the comments here name the equation. */
#include "gigawatt/rack.h"
#include "model_int.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

double gw_rack_liquid_fraction(const gw_system *sys, const gw_cooling *cool)
{
    if (strcmp(cool->kind, "air") == 0)
        return 0.0;
    if (strcmp(cool->kind, "immersion") == 0)
        return 1.0; /* the whole board is in the fluid */
    return sys->liquid_heat_fraction;
}

static void violation(gw_rack_result *r, const char *rule, double value, double limit,
                      const char *fmt, double a, double b)
{
    if (r->nviolations >= GW_MAX_VIOLATIONS)
        return;
    gw_violation *v = &r->violations[r->nviolations++];
    snprintf(v->rule, sizeof v->rule, "%s", rule);
    snprintf(v->message, sizeof v->message, fmt, a, b);
    v->value = value;
    v->limit = limit;
}

/* Pass `p` W (what the stages downstream need) up through every stage of
 * class `serves`, nearest the load first; returns the input W. */
static double upstream(const gw_rack_input *in, gw_rack_result *r, const char *serves, double p)
{
    for (int i = in->nstages - 1; i >= 0; i--) {
        if (strcmp(in->stages[i]->serves, serves) != 0)
            continue;
        gw_stage_flow *fl = &r->stages[i];
        fl->input_w = p / fl->efficiency;
        fl->loss_w = fl->input_w - p;
        p = fl->input_w;
    }
    return p;
}

/* §3.1 the rack busbar: the rack stage nearest the load that declares one.
 * A stage fed AC (power shelf) drives the busbar from its output; a stage
 * fed DC (800 V DC-DC) is fed by it, so the busbar carries its input. */
static void busbar(const gw_rack_input *in, gw_rack_result *r)
{
    for (int i = in->nstages - 1; i >= 0; i--) {
        const gw_power_stage *st = in->stages[i];
        if (strcmp(st->serves, "rack") != 0 || !(st->busbar_voltage_v > 0))
            continue;
        const gw_stage_flow *fl = &r->stages[i];
        double p = strcmp(st->input, "dc") == 0 ? fl->input_w : fl->input_w - fl->loss_w;
        r->busbar_voltage_v = st->busbar_voltage_v;
        r->busbar_current_a = p / st->busbar_voltage_v;
        return;
    }
}

/* §2.5 the share of the year's hours the dry coolers alone hold the
 * facility water at its supply temperature: while the ambient dry-bulb is
 * at or below T_supply − approach. Hourly dry-bulb over a year taken as
 * normal, N(mean, sd) (a stated approximation of the site's bin hours). */
double gw_rack_chiller_free_fraction(const gw_cooling *c, const gw_site *site)
{
    double z = (c->supply_temperature_c - c->dry_cooler_approach_k - site->ambient_mean_c) /
               site->ambient_sd_k;
    return 0.5 * erfc(-z / sqrt(2.0));
}

/* §2.5 the liquid path's facility overhead (W per W of heat) and the
 * site's water per IT energy: with a supply temperature, chiller-free
 * hours run the dry coolers only (free_cooling_overhead, no water) and the
 * rest the entry's chilled plant (liquid_cooling_overhead, its WUE). */
static int heat_rejection(const gw_rack_input *in, gw_rack_result *r, double *liquid_overhead,
                          double *water_m3_per_j, gw_error *err)
{
    const gw_cooling *c = in->cooling;
    *liquid_overhead = c->liquid_cooling_overhead;
    *water_m3_per_j = c->water_m3_per_j;
    if (!(c->supply_temperature_c > 0))
        return GW_OK;
    if (!in->site || !(in->site->ambient_sd_k > 0))
        return gw_error_field(err, "cooling.supply_temperature",
                              "cooling '%s' gives a supply_temperature but site '%s' has no "
                              "climate; expected ambient_mean and ambient_sd in the site "
                              "(docs/model.md §2.5)",
                              c->meta.id, in->site ? in->site->meta.id : "(none)");
    double h = gw_rack_chiller_free_fraction(c, in->site);
    r->warm_water = 1;
    r->chiller_free_fraction = h;
    *liquid_overhead = h * c->free_cooling_overhead + (1.0 - h) * c->liquid_cooling_overhead;
    *water_m3_per_j = (1.0 - h) * c->water_m3_per_j;
    return GW_OK;
}

/* §1.3 design-rule checks, each with its numbers */
static void design_rules(const gw_rack_input *in, gw_rack_result *r)
{
    const gw_system *s = in->system;
    double n = s->systems_per_rack, f = r->liquid_fraction;
    r->weight_kg = n * s->weight_kg + s->rack_weight_kg;
    r->floor_load_kg_m2 = r->weight_kg / s->rack_footprint_m2;
    if (r->it_power_w > s->rack_power_capacity_w)
        violation(r, "rack-power", r->it_power_w, s->rack_power_capacity_w,
                  "rack IT power %.1f kW exceeds the rack power capacity %.1f kW",
                  r->it_power_w / 1e3, s->rack_power_capacity_w / 1e3);
    if (f > 0.0 && r->liquid_heat_w > s->rack_liquid_capacity_w)
        violation(r, "liquid-capacity", r->liquid_heat_w, s->rack_liquid_capacity_w,
                  "heat to liquid %.1f kW exceeds the rack liquid loop capacity %.1f kW",
                  r->liquid_heat_w / 1e3, s->rack_liquid_capacity_w / 1e3);
    if (in->site && r->air_heat_w > in->site->air_cooling_per_rack_w)
        violation(r, "room-air", r->air_heat_w, in->site->air_cooling_per_rack_w,
                  "heat to air %.1f kW exceeds the room's air cooling per rack %.1f kW",
                  r->air_heat_w / 1e3, in->site->air_cooling_per_rack_w / 1e3);
    if (in->site && r->floor_load_kg_m2 > in->site->floor_load_capacity_kg_m2)
        violation(r, "floor-load", r->floor_load_kg_m2, in->site->floor_load_capacity_kg_m2,
                  "floor load %.0f kg/m2 exceeds the floor rating %.0f kg/m2",
                  r->floor_load_kg_m2, in->site->floor_load_capacity_kg_m2);
}

/* §1.1 component power, linear between idle and full load: the core
 * electronics' draw at this load (returned) and at full load (*full). */
static double component_power(const gw_rack_input *in, gw_rack_result *r, double *full)
{
    const gw_system *s = in->system;
    const gw_accelerator *a = in->accelerator;
    double u = in->load;
    double n = s->systems_per_rack;
    r->systems = n;
    r->accelerators = n * s->accelerators;
    double acc_share = a->idle_power_fraction + (1.0 - a->idle_power_fraction) * u;
    double ele_share = s->idle_power_fraction + (1.0 - s->idle_power_fraction) * u;
    r->accelerator_w = n * s->accelerators * a->tdp_w * acc_share;
    r->cpu_w = n * s->cpus * s->cpu_power_w * ele_share;
    r->memory_w = n * s->memory_power_w * ele_share;
    r->nic_w = n * s->nics * s->nic_power_w * ele_share;
    r->switch_w = n * s->switch_power_w * ele_share;
    r->other_w = n * s->other_power_w * ele_share;
    double core = r->accelerator_w + r->cpu_w + r->memory_w + r->nic_w + r->switch_w + r->other_w;
    *full = n * (s->accelerators * a->tdp_w + s->cpus * s->cpu_power_w + s->memory_power_w +
                 s->nics * s->nic_power_w + s->switch_power_w + s->other_power_w);
    return core;
}

int gw_rack_budget(const gw_rack_input *in, gw_rack_result *r, gw_error *err)
{
    const gw_system *s = in->system;
    const gw_cooling *c = in->cooling;
    double u = in->load;
    if (!(u >= 0.0 && u <= 1.0))
        return gw_error_field(err, "system.load",
                              "load %g is outside [0, 1]; expected a utilisation like 0.8", u);
    memset(r, 0, sizeof *r);

    double n = s->systems_per_rack, core_full, liquid_overhead, water_m3_per_j;
    int rc = heat_rejection(in, r, &liquid_overhead, &water_m3_per_j, err);
    if (rc)
        return rc;
    double core = component_power(in, r, &core_full);

    /* §1.2 fans and pumps follow the affinity laws: flow ∝ speed, power ∝
     * speed³, and the flow needed is proportional to the heat carried. */
    double f = gw_rack_liquid_fraction(s, c);
    r->liquid_fraction = f;
    double speed = core_full > 0 ? core / core_full : 0.0;
    if (speed < c->fan_min_speed)
        speed = c->fan_min_speed;
    double cube = speed * speed * speed;
    r->fan_w = f < 1.0 ? n * s->fan_power_w * cube : 0.0; /* immersion: no fans */
    r->pump_w = f > 0.0 ? n * s->pump_power_w * cube : 0.0;
    r->electronics_w = core + r->fan_w + r->pump_w;

    /* §3 power chain, walked upstream from the load: rack stages convert
     * inside the rack (their loss is IT power), `it` stages feed only IT,
     * `facility` stages feed every load. Stage order is grid -> rack. */
    r->nstages = in->nstages;
    for (int i = 0; i < in->nstages; i++) {
        gw_stage_flow *fl = &r->stages[i];
        snprintf(fl->id, sizeof fl->id, "%s", in->stages[i]->meta.id);
        snprintf(fl->serves, sizeof fl->serves, "%s", in->stages[i]->serves);
        fl->efficiency = in->stages[i]->efficiency;
    }
    double p = upstream(in, r, "rack", r->electronics_w);
    r->it_power_w = p;
    r->rack_conversion_loss_w = r->it_power_w - r->electronics_w;
    busbar(in, r);

    /* §2.1 heat split: all IT power becomes heat; cold plates take f of the
     * core electronics plus the pump work, air takes the rest. */
    r->liquid_heat_w = f * core + r->pump_w;
    r->air_heat_w = (1.0 - f) * core + r->fan_w + r->rack_conversion_loss_w;

    /* §2.2 Q = ṁ·c_p·ΔT  =>  V̇ = Q / (ρ·c_p·ΔT) */
    r->coolant_flow_m3_s =
        r->liquid_heat_w / (c->coolant_density_kg_m3 * c->coolant_specific_heat_j_kgk *
                            c->coolant_delta_t_k);
    r->airflow_m3_s =
        r->air_heat_w / (c->air_density_kg_m3 * c->air_specific_heat_j_kgk * c->air_delta_t_k);

    p = upstream(in, r, "it", r->it_power_w);
    r->it_path_loss_w = p - r->it_power_w;
    /* §2.3 facility cooling: W of cooling per W of heat, by path; losses
     * in the electrical rooms are air-side heat too. §3.2 misc. overhead. */
    r->cooling_power_w = c->air_cooling_overhead * (r->air_heat_w + r->it_path_loss_w) +
                         liquid_overhead * r->liquid_heat_w;
    r->misc_power_w = in->site ? in->site->misc_overhead * r->it_power_w : 0.0;
    p += r->cooling_power_w + r->misc_power_w;
    double before = p;
    p = upstream(in, r, "facility", p);
    r->facility_loss_w = p - before;
    r->grid_power_w = p;
    r->pue = r->it_power_w > 0 ? r->grid_power_w / r->it_power_w : 0.0;
    r->water_m3_per_s = water_m3_per_j * r->it_power_w; /* §2.4 WUE × IT energy */
    r->cooling_capex_usd = c->capex_usd_per_w * r->it_power_w; /* §2.5, in facility capex */

    const double outputs[] = {r->it_power_w, r->grid_power_w, r->pue, r->liquid_heat_w,
                              r->air_heat_w, r->coolant_flow_m3_s, r->airflow_m3_s,
                              r->water_m3_per_s, r->cooling_power_w};
    if (!gwi_all_finite(outputs, sizeof outputs / sizeof outputs[0]))
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                                "the rack's results overflow (an input is extremely large or "
                                "small); expected inputs within physical ranges");

    design_rules(in, r);
    return GW_OK;
}
