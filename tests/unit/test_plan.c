/* tests/unit/test_plan.c — fleet sizing, cost and households against hand
 * arithmetic on the fixture (docs/model.md §4–§6). Design rack at full
 * load: IT 11,666.67 W, grid 14,579.86 W (see test_rack.c for the chain). */
#include "fixture.h"
#include "gw_test.h"

int main(void)
{
    fixture f;
    fixture_init(&f);
    gw_plan_input in = {0};
    in.rack = f.in;
    in.finance = &f.fin;
    in.electricity = &f.elec;
    in.household = &f.home;
    in.average_load = 0.5;
    in.target = GW_TARGET_GRID_POWER;
    in.target_value = 1e6;
    gw_plan_result r;
    gw_error err;

    CHECK_NEAR(gw_capital_recovery_factor(0.1, 5), 0.26379748079474524, 1e-14);
    CHECK_NEAR(gw_capital_recovery_factor(0.0, 4), 0.25, 0);

    CHECK_INT(gw_plan_size(&in, &r, &err), GW_OK);
    CHECK_NEAR(r.design.grid_power_w, 14579.858737753479, 1e-12);
    CHECK_NEAR(r.racks, 68, 0); /* floor(1e6 / 14579.86) */
    CHECK_NEAR(r.accelerators, 68 * 8, 0);
    CHECK_NEAR(r.it_power_w, 68 * 11666.666666666668, 1e-12);
    CHECK_NEAR(r.sites, 4, 0); /* ceil(991.4 kW / 300 kW) */
    /* capex per rack: systems 200k, network 20 % = 40k, facility 10 USD/W
     * x 11,666.67 W, power 1 USD/W x 14,579.86 W */
    CHECK_NEAR(r.capex.systems, 68 * 200000.0, 1e-15);
    CHECK_NEAR(r.capex.networking, 68 * 40000.0, 1e-15);
    CHECK_NEAR(r.capex.facility, 68 * 116666.66666666669, 1e-12);
    CHECK_NEAR(r.capex.power, 68 * 14579.858737753479, 1e-12);
    CHECK_NEAR(r.capex.total, 25244763.72750057, 1e-12);
    /* energy at average load 0.5: 68 x 8,673.24 W x 8,760 h */
    CHECK_NEAR(r.annual_energy_wh, 5166473513.97349, 1e-12);
    CHECK_NEAR(r.pue, 8673.23649270328 / 6982.144920576362, 1e-12);
    CHECK_NEAR(r.opex.energy, 258323.6756986745, 1e-12);
    CHECK_NEAR(r.opex.it_maintenance, 0.05 * 68 * 240000.0, 1e-12);
    CHECK_NEAR(r.opex.facility_maintenance,
               0.02 * 68 * (116666.66666666669 + 14579.858737753479), 1e-12);
    CHECK_NEAR(r.staff, 68 * 11666.666666666668 * 1e-6, 1e-12);
    CHECK_NEAR(r.opex.staff, r.staff * 100000.0, 1e-12);
    /* depreciation: power over 2.5 years -> 40 %, 40 %, 20 %; facility 20 y */
    CHECK_INT(r.depreciation_years, 20);
    double p = r.capex.power, fac = r.capex.facility, it = r.capex.systems + r.capex.networking;
    CHECK_NEAR(r.depreciation_usd[0], it / 5 + fac / 20 + p * 0.4, 1e-12);
    CHECK_NEAR(r.depreciation_usd[2], it / 5 + fac / 20 + p * 0.2, 1e-12);
    CHECK_NEAR(r.depreciation_usd[5], fac / 20, 1e-12);
    double total = 0;
    for (int i = 0; i < r.depreciation_years; i++)
        total += r.depreciation_usd[i];
    CHECK_NEAR(total, r.capex.total, 1e-12); /* everything is written off once */
    double annual = it * gw_capital_recovery_factor(0.1, 5) +
                    fac * gw_capital_recovery_factor(0.1, 20) +
                    p * gw_capital_recovery_factor(0.1, 2.5);
    CHECK_NEAR(r.annualized_capex_usd, annual, 1e-12);
    CHECK_NEAR(r.usd_per_gpu_hour, (annual + r.opex.total) / (544 * 8760.0), 1e-12);
    CHECK_NEAR(r.households_equivalent, 68 * 8673.23649270328 / 1000, 1e-12);
    CHECK_NEAR(r.households_at_capacity, 68 * 14579.858737753479 / 1000, 1e-12);

    /* targets are consistent with each other */
    gw_plan_result r2;
    in.target = GW_TARGET_ACCELERATORS;
    in.target_value = 544;
    CHECK_INT(gw_plan_size(&in, &r2, &err), GW_OK);
    CHECK_NEAR(r2.racks, 68, 0);
    in.target_value = 545; /* one more accelerator needs a whole rack */
    CHECK_INT(gw_plan_size(&in, &r2, &err), GW_OK);
    CHECK_NEAR(r2.racks, 69, 0);
    in.target = GW_TARGET_BUDGET;
    in.target_value = r.capex.total;
    CHECK_INT(gw_plan_size(&in, &r2, &err), GW_OK);
    CHECK_NEAR(r2.racks, 68, 0);
    in.target = GW_TARGET_IT_POWER;
    in.target_value = 68.5 * 11666.666666666668;
    CHECK_INT(gw_plan_size(&in, &r2, &err), GW_OK);
    CHECK_NEAR(r2.racks, 68, 0);

    /* doubling the target doubles every extensive output */
    in.target = GW_TARGET_ACCELERATORS;
    in.target_value = 1088;
    CHECK_INT(gw_plan_size(&in, &r2, &err), GW_OK);
    CHECK_NEAR(r2.capex.total, 2 * r.capex.total, 1e-12);
    CHECK_NEAR(r2.annual_energy_wh, 2 * r.annual_energy_wh, 1e-12);
    CHECK_NEAR(r2.usd_per_gpu_hour, r.usd_per_gpu_hour, 1e-12);

    /* too small a target is an error, not zero racks */
    in.target = GW_TARGET_GRID_POWER;
    in.target_value = 1000;
    CHECK_INT(gw_plan_size(&in, &r2, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "smaller than one rack");
    return gw_test_done("test_plan");
}
