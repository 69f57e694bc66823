/* src/plan/sizing.c — fleet sizing from a target, capex, opex, depreciation,
 * $/GPU-hour and households equivalent (models layer, pure).
 * docs/model.md §4–§6 has the equations and their sources. */
#include "gigawatt/plan.h"
#include "model/model_int.h"

#include <math.h>
#include <string.h>

double gw_capital_recovery_factor(double rate, double years)
{
    if (rate <= 0.0)
        return 1.0 / years;
    return rate / (1.0 - pow(1.0 + rate, -years));
}

/* Straight-line depreciation of `amount` over `life_years` (may be
 * fractional: the last year gets the remainder), added into sched[]. */
static void depreciate(double *sched, int nyears, double amount, double life_years)
{
    for (int y = 0; y < nyears; y++) {
        double from = y, to = y + 1.0;
        if (from >= life_years)
            break;
        if (to > life_years)
            to = life_years;
        sched[y] += amount * (to - from) / life_years;
    }
}

int gw_plan_size(const gw_plan_input *in, gw_plan_result *r, gw_error *err)
{
    memset(r, 0, sizeof *r);
    const gw_system *s = in->rack.system;
    const gw_site *site = in->rack.site;
    const gw_finance *fin = in->finance;
    if (!site)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0, "plan needs a site; expected site:");
    gw_rack_input ri = in->rack;
    ri.load = 1.0;
    int rc = gw_rack_budget(&ri, &r->design, err);
    if (rc)
        return rc;
    ri.load = in->average_load;
    if ((rc = gw_rack_budget(&ri, &r->average, err)))
        return rc;

    /* §4.1 capex of one rack, every term linear in the rack count */
    double sys_usd = s->systems_per_rack * s->price_usd;
    double net_usd = fin->networking_capex_fraction * sys_usd;
    double fac_usd = site->facility_capex_usd_per_w * r->design.it_power_w;
    double pow_usd = site->power_capex_usd_per_w * r->design.grid_power_w;
    double rack_usd = sys_usd + net_usd + fac_usd + pow_usd;

    /* §4.2 racks from the target: whole racks that fit (power, budget) or
     * that cover it (accelerators). */
    double racks = 0, per = 0;
    const char *what = "", *unit = "";
    switch (in->target) {
    case GW_TARGET_IT_POWER:
        per = r->design.it_power_w;
        racks = floor(in->target_value / per);
        what = "IT power";
        unit = " W";
        break;
    case GW_TARGET_GRID_POWER:
        per = r->design.grid_power_w;
        racks = floor(in->target_value / per);
        what = "grid power";
        unit = " W";
        break;
    case GW_TARGET_ACCELERATORS:
        per = r->design.accelerators;
        racks = ceil(in->target_value / per);
        what = "accelerators";
        break;
    case GW_TARGET_BUDGET:
        per = rack_usd;
        racks = floor(in->target_value / per);
        what = "budget";
        unit = " USD";
        break;
    }
    if (!(in->target_value > 0) || racks < 1)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "target %s %g%s is smaller than one rack (%g%s); expected a "
                            "larger target",
                            what, in->target_value, unit, per, unit);
    if (racks > 1e12)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "target %s %g%s needs %g racks; expected at most 1e12 racks",
                            what, in->target_value, unit, racks);
    r->racks = racks;
    r->systems = racks * s->systems_per_rack;
    r->accelerators = racks * r->design.accelerators;
    r->it_power_w = racks * r->design.it_power_w;
    r->grid_power_w = racks * r->design.grid_power_w;
    r->sites = ceil(r->grid_power_w / site->grid_capacity_w);
    r->avg_it_power_w = racks * r->average.it_power_w;
    r->avg_grid_power_w = racks * r->average.grid_power_w;

    /* §5 energy and water over a year at the average load */
    r->annual_energy_wh = r->avg_grid_power_w * GW_HOURS_PER_YEAR;
    r->annual_it_energy_wh = r->avg_it_power_w * GW_HOURS_PER_YEAR;
    r->pue = r->avg_grid_power_w / r->avg_it_power_w;
    r->water_m3_per_year = racks * r->average.water_m3_per_s * GW_SECONDS_PER_YEAR;

    r->capex.systems = racks * sys_usd;
    r->capex.networking = racks * net_usd;
    r->capex.facility = racks * fac_usd;
    r->capex.power = racks * pow_usd;
    r->capex.total = r->capex.systems + r->capex.networking + r->capex.facility + r->capex.power;

    /* §4.3 opex per year */
    r->staff = site->staff_per_w * r->it_power_w;
    r->opex.energy = r->annual_energy_wh * 3600.0 * in->electricity->price_usd_per_j;
    r->opex.it_maintenance = fin->it_maintenance * (r->capex.systems + r->capex.networking);
    r->opex.facility_maintenance = fin->facility_maintenance * (r->capex.facility + r->capex.power);
    r->opex.staff = r->staff * fin->staff_cost_usd_per_s * GW_SECONDS_PER_YEAR;
    r->opex.total = r->opex.energy + r->opex.it_maintenance + r->opex.facility_maintenance +
                    r->opex.staff;

    /* §4.4 depreciation schedule and capital recovery */
    const double yr = GW_SECONDS_PER_YEAR;
    double lives[4] = {fin->it_life_s / yr, fin->network_life_s / yr, fin->facility_life_s / yr,
                       fin->power_life_s / yr};
    double amounts[4] = {r->capex.systems, r->capex.networking, r->capex.facility,
                         r->capex.power};
    double longest = 0;
    for (int i = 0; i < 4; i++)
        longest = fmax(longest, lives[i]);
    if (longest > GW_PLAN_MAX_YEARS)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "a depreciation life of %.1f years is longer than %d; expected a "
                            "shorter life",
                            longest, GW_PLAN_MAX_YEARS);
    r->depreciation_years = (int)ceil(longest - 1e-9);
    for (int i = 0; i < 4; i++) {
        depreciate(r->depreciation_usd, r->depreciation_years, amounts[i], lives[i]);
        r->annualized_capex_usd += amounts[i] * gw_capital_recovery_factor(fin->cost_of_capital,
                                                                           lives[i]);
    }

    /* §4.5 cost of one accelerator-hour, all in */
    r->usd_per_gpu_hour = (r->annualized_capex_usd + r->opex.total) /
                          (r->accelerators * GW_HOURS_PER_YEAR);

    /* §6 households: the fleet's average draw against one household's */
    r->households_equivalent = r->avg_grid_power_w / in->household->consumption_w;
    r->households_at_capacity = r->grid_power_w / in->household->consumption_w;
    const double outputs[] = {r->capex.total, r->opex.total, r->annual_energy_wh,
                              r->annualized_capex_usd, r->usd_per_gpu_hour, r->pue,
                              r->households_equivalent, r->households_at_capacity,
                              r->water_m3_per_year, r->staff};
    if (!gwi_all_finite(outputs, sizeof outputs / sizeof outputs[0]))
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                                "the plan's results overflow (an input is extremely large or "
                                "small); expected inputs within physical ranges");
    return GW_OK;
}
