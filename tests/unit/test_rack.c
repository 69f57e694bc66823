/* tests/unit/test_rack.c — the rack model against hand arithmetic on the
 * fixture (tests/unit/fixture.h), docs/model.md §1–§3. */
#include "fixture.h"
#include "gw_test.h"

/* §3.1 the two distribution architectures at load 0.5 (P_el = 6702.859 W):
 * today's AC chain with a 54 V shelf against 800 V DC (SST 0.98, rack DC-DC
 * 0.98), losses and busbar currents by hand. */
static void check_busbar_chains(fixture *f)
{
    gw_rack_result r;
    gw_error err;
    const double el = 6702.859123753307, core = 6450, fan = 800 * 0.25285912375330755;
    const double pump = 200 * 0.25285912375330755;
    f->in.load = 0.5;

    /* AC: the shelf drives a 54 V busbar from its output, I = P_el / 54 */
    f->st[3].busbar_voltage_v = 54;
    CHECK_INT(gw_rack_budget(&f->in, &r, &err), GW_OK);
    CHECK_NEAR(r.busbar_voltage_v, 54, 0);
    CHECK_NEAR(r.busbar_current_a, el / 54, 1e-12); /* 124.13 A */
    /* end to end on the IT path: 0.99 * 0.95 * 0.98 * 0.96 = 0.8848224 */
    CHECK_NEAR(r.stages[0].efficiency * r.stages[1].efficiency * r.stages[2].efficiency *
                   r.stages[3].efficiency,
               0.8848224, 1e-15);

    /* 800 V DC: SST (facility) and a DC-fed rack converter, no UPS, no PDU */
    gw_power_stage sst = {.efficiency = 0.98}, dcdc = {.efficiency = 0.98};
    strcpy(sst.meta.id, "sst");
    strcpy(sst.serves, "facility");
    strcpy(dcdc.meta.id, "dcdc");
    strcpy(dcdc.serves, "rack");
    strcpy(dcdc.input, "dc");
    dcdc.busbar_voltage_v = 800;
    gw_rack_input in = f->in;
    in.stages[0] = &sst;
    in.stages[1] = &dcdc;
    in.nstages = 2;
    CHECK_INT(gw_rack_budget(&in, &r, &err), GW_OK);
    const double it = el / 0.98;                               /* 6839.652 W */
    CHECK_NEAR(r.it_power_w, it, 1e-12);
    CHECK_NEAR(r.stages[1].loss_w, it - el, 1e-9);             /* 136.793 W */
    CHECK_NEAR(r.it_path_loss_w, 0, 0);
    /* the busbar feeds the converter: I = P_IT / 800 = 8.55 A, 14.5x less */
    CHECK_NEAR(r.busbar_voltage_v, 800, 0);
    CHECK_NEAR(r.busbar_current_a, it / 800, 1e-12);
    const double liquid = 0.8 * core + pump, air = 0.2 * core + fan + (it - el);
    const double cooling = 0.3 * air + 0.05 * liquid;          /* 749.253 W */
    const double grid = (it + cooling + 0.02 * it) / 0.98;     /* 7883.365 W */
    CHECK_NEAR(r.cooling_power_w, cooling, 1e-9);
    CHECK_NEAR(r.grid_power_w, grid, 1e-9);
    CHECK_NEAR(r.stages[0].loss_w, grid * 0.02, 1e-9);         /* 157.667 W */
    CHECK_NEAR(r.facility_loss_w, grid * 0.02, 1e-9);
    /* end to end on the IT path: 0.98 * 0.98 = 0.9604 */
    CHECK_NEAR(r.stages[0].efficiency * r.stages[1].efficiency, 0.9604, 1e-15);
    f->st[3].busbar_voltage_v = 0;
}

/* §1.4 the clock a cap allows and the rack under it, by hand */
static void check_power_cap(void)
{
    /* GB200's curve: s = 0.556, k = 3, c = 0.8: x = (0.244 / 0.444)^(1/3) */
    CHECK_NEAR(gw_power_cap_clock(0.8, 0.556, 3), 0.8190975346, 1e-9);
    CHECK_NEAR(gw_power_cap_clock(1.0, 0.556, 3), 1, 0);
    /* perf/W x / P(x) peaks at P* = s k / (k - 1) = 0.834 of TDP */
    double best = 0, at = 0;
    for (double c = 0.57; c <= 1.0; c += 0.001) {
        double ppw = gw_power_cap_clock(c, 0.556, 3) / c;
        if (ppw > best)
            best = ppw, at = c;
    }
    CHECK_NEAR(at, 0.556 * 3 / 2, 2e-3);

    fixture f;
    fixture_init(&f);
    gw_rack_result r;
    gw_error err;
    double clock;
    f.acc.static_power_fraction = 0.5, f.acc.dvfs_exponent = 3;
    gw_accelerator a = f.acc;
    CHECK_INT(gw_power_cap_apply(&a, 756, &clock, &err), GW_OK); /* x = 0.8 */
    CHECK_NEAR(clock, 0.8, 1e-12);
    CHECK_NEAR(a.idle_power_fraction, 0.2 / 0.756, 1e-12); /* idle stays 200 W */
    f.in.accelerator = &a;
    CHECK_INT(gw_rack_budget(&f.in, &r, &err), GW_OK); /* load 0.5 */
    /* per accelerator 200 W idle + (756 - 200) x 0.5 = 478 W, 8 of them */
    CHECK_NEAR(r.accelerator_w, 8 * 478.0, 1e-12);

    a = f.acc;
    CHECK_INT(gw_power_cap_apply(&a, 1100, &clock, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "above the TDP");
    CHECK_INT(gw_power_cap_apply(&a, 500, &clock, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "at or below the 500 W");
    CHECK_INT(gw_power_cap_apply(&a, -5, &clock, &err), GW_E_INPUT);
    a.dvfs_exponent = 0;
    CHECK_INT(gw_power_cap_apply(&a, 900, &clock, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "no 'static_power_fraction' and 'dvfs_exponent'");
    CHECK_INT(gw_power_cap_apply(&a, 1000, &clock, &err), GW_OK); /* at TDP: no clock needed */
    CHECK_NEAR(clock, 1, 0);
}

/* §2.5 warm water on the fixture at load 0.5: 45 degC supply, 8 K
 * approach, a site at 27 +- 10 degC: h = Phi(1) = 0.8413447460685429 */
static void check_warm_water(void)
{
    fixture f;
    fixture_init(&f);
    gw_rack_result r;
    gw_error err;
    f.cool.supply_temperature_c = 45, f.cool.dry_cooler_approach_k = 8;
    f.cool.free_cooling_overhead = 0.02, f.cool.capex_usd_per_w = 2;
    f.in.site = NULL;
    CHECK_INT(gw_rack_budget(&f.in, &r, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "has no climate");
    f.in.site = &f.site;
    f.site.ambient_mean_c = 27, f.site.ambient_sd_k = 10;
    CHECK_NEAR(gw_rack_chiller_free_fraction(&f.cool, &f.site), 0.8413447460685429, 1e-12);
    CHECK_INT(gw_rack_budget(&f.in, &r, &err), GW_OK);
    const double h = 0.8413447460685429, it = 6982.144920576362;
    const double k = h * 0.02 + (1 - h) * 0.05; /* 0.024760 */
    /* air path as before (0.3 x (air 1771.573 + UPS/PDU 517.474)), liquid at k */
    CHECK_NEAR(r.cooling_power_w, 0.3 * (1771.5730958257006 + 517.473683694704) +
                                      k * 5210.571824750661, 1e-9); /* 815.725 W */
    CHECK_NEAR(r.water_m3_per_s, (1 - h) * 0.5e-3 / 3.6e6 * it, 1e-12);
    CHECK_NEAR(r.chiller_free_fraction, h, 0);
    CHECK_NEAR(r.cooling_capex_usd, 2 * it, 1e-12);
}

int main(void)
{
    check_power_cap();
    check_warm_water();
    fixture f;
    fixture_init(&f);
    gw_rack_result r;
    gw_error err;

    /* load 0.5: accelerator share 0.2 + 0.8*0.5 = 0.6, electronics 0.75 */
    CHECK_INT(gw_rack_budget(&f.in, &r, &err), GW_OK);
    CHECK_NEAR(r.accelerators, 8, 0);
    CHECK_NEAR(r.accelerator_w, 2 * 4 * 1000 * 0.6, 1e-12); /* 4800 */
    CHECK_NEAR(r.cpu_w, 2 * 2 * 300 * 0.75, 1e-12);         /* 900 */
    CHECK_NEAR(r.memory_w, 150, 1e-12);
    CHECK_NEAR(r.nic_w, 150, 1e-12);
    CHECK_NEAR(r.switch_w, 300, 1e-12);
    CHECK_NEAR(r.other_w, 150, 1e-12);
    /* core 6450 of 10200 at full load: fan speed 0.632353, cube 0.252859 */
    CHECK_NEAR(r.fan_w, 800 * 0.25285912375330755, 1e-12);  /* 202.287 */
    CHECK_NEAR(r.pump_w, 200 * 0.25285912375330755, 1e-12); /* 50.572 */
    CHECK_NEAR(r.electronics_w, 6702.859123753307, 1e-12);
    CHECK_NEAR(r.it_power_w, 6702.859123753307 / 0.96, 1e-12); /* 6982.14 */
    CHECK_NEAR(r.rack_conversion_loss_w, 279.2857968230546, 1e-9);
    /* heat: liquid 0.8*6450 + pump, air 0.2*6450 + fans + shelf loss */
    CHECK_NEAR(r.liquid_heat_w, 5210.571824750661, 1e-12);
    CHECK_NEAR(r.air_heat_w, 1771.5730958257006, 1e-12);
    CHECK_NEAR(r.liquid_heat_w + r.air_heat_w, r.it_power_w, 1e-12); /* energy balance */
    /* V = Q / (rho c_p dT) */
    CHECK_NEAR(r.coolant_flow_m3_s, 5210.571824750661 / (1000.0 * 4000 * 10), 1e-12);
    CHECK_NEAR(r.airflow_m3_s, 1771.5730958257006 / (1.2 * 1000 * 10), 1e-12);
    /* chain: PDU then UPS on IT, transformer on everything */
    CHECK_NEAR(r.it_path_loss_w, 517.473683694704, 1e-9);
    CHECK_NEAR(r.stages[2].input_w, 6982.144920576362 / 0.98, 1e-12);
    CHECK_NEAR(r.cooling_power_w, 947.2426250936545, 1e-9);
    CHECK_NEAR(r.misc_power_w, 0.02 * 6982.144920576362, 1e-12);
    CHECK_NEAR(r.grid_power_w, 8673.23649270328, 1e-12);
    CHECK_NEAR(r.pue, 1.2422023019234785, 1e-12);
    CHECK_NEAR(r.stages[0].loss_w, 8673.23649270328 * 0.01, 1e-9);
    CHECK_NEAR(r.water_m3_per_s, 9.697423500800502e-07, 1e-12);
    CHECK_NEAR(r.weight_kg, 400, 0);
    CHECK_NEAR(r.floor_load_kg_m2, 800, 1e-15);
    CHECK_INT(r.nviolations, 0);
    CHECK_NEAR(r.busbar_current_a, 0, 0); /* no stage declares a busbar */
    check_busbar_chains(&f);

    /* full load: 11.67 kW IT > 10 kW, 8.36 kW liquid > 6 kW, 3.31 kW air > 2 kW */
    f.in.load = 1.0;
    f.site.floor_load_capacity_kg_m2 = 700;
    CHECK_INT(gw_rack_budget(&f.in, &r, &err), GW_OK);
    CHECK_NEAR(r.it_power_w, 11200 / 0.96, 1e-12);
    CHECK_INT(r.nviolations, 4);
    CHECK(strcmp(r.violations[0].rule, "rack-power") == 0);
    CHECK_STR_HAS(r.violations[0].message, "11.7 kW exceeds the rack power capacity 10.0 kW");
    CHECK(strcmp(r.violations[1].rule, "liquid-capacity") == 0);
    CHECK_NEAR(r.violations[1].value, 8360, 1e-12);
    CHECK(strcmp(r.violations[2].rule, "room-air") == 0);
    CHECK_NEAR(r.violations[2].value, 3306.666666666668, 1e-12);
    CHECK(strcmp(r.violations[3].rule, "floor-load") == 0);
    CHECK_STR_HAS(r.violations[3].message, "800 kg/m2 exceeds the floor rating 700 kg/m2");

    /* idle: fans bottom out at the minimum speed (0.3^3 of full power) */
    f.in.load = 0.0;
    f.acc.idle_power_fraction = 0.0;
    f.sys.idle_power_fraction = 0.0;
    CHECK_INT(gw_rack_budget(&f.in, &r, &err), GW_OK);
    CHECK_NEAR(r.fan_w, 800 * 0.027, 1e-12);

    /* air cooling: no liquid, no pumps; immersion: no fans, all liquid */
    f.in.load = 1.0;
    strcpy(f.cool.kind, "air");
    CHECK_INT(gw_rack_budget(&f.in, &r, &err), GW_OK);
    CHECK_NEAR(r.liquid_heat_w, 0, 0);
    CHECK_NEAR(r.pump_w, 0, 0);
    CHECK_NEAR(r.coolant_flow_m3_s, 0, 0);
    CHECK_NEAR(r.air_heat_w, r.it_power_w, 1e-12);
    strcpy(f.cool.kind, "immersion");
    CHECK_INT(gw_rack_budget(&f.in, &r, &err), GW_OK);
    CHECK_NEAR(r.fan_w, 0, 0);
    CHECK_NEAR(r.liquid_heat_w, 10200 + 200, 1e-12);
    CHECK_NEAR(r.air_heat_w, r.rack_conversion_loss_w, 1e-12);

    /* more load never means less power (monotone in u) */
    strcpy(f.cool.kind, "direct-liquid");
    double prev = 0;
    for (int i = 0; i <= 20; i++) {
        f.in.load = i / 20.0;
        CHECK_INT(gw_rack_budget(&f.in, &r, &err), GW_OK);
        CHECK(r.grid_power_w >= prev);
        prev = r.grid_power_w;
    }

    f.in.load = 1.5;
    CHECK_INT(gw_rack_budget(&f.in, &r, &err), GW_E_INPUT);
    f.in.load = NAN;
    CHECK_INT(gw_rack_budget(&f.in, &r, &err), GW_E_INPUT);
    return gw_test_done("test_rack");
}
