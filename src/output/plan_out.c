/* src/output/plan_out.c — a plan result (fleet of racks, capex, opex,
 * unit costs) as a text table and as JSON (output layer).
 * JSON keys carry their unit in the name (`_w`, `_wh`, `_usd`), values
 * are SI; cJSON prints doubles with round-trip precision, so the same
 * result always gives the same bytes. */
#include <cjson/cJSON.h>
#include <stdio.h>

#include "gigawatt/output.h"
#include "json_int.h"
#include "text_int.h"

char *gw_plan_json(const gw_scenario *sc, const gw_plan_result *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    gw_json_tag(o, "plan");
    gw_json_facility_inputs(o, sc, sc->average_load);
    gw_json_num(o, "accelerators", r->accelerators);
    gw_json_num(o, "racks", r->racks);
    gw_json_num(o, "systems", r->systems);
    gw_json_num(o, "sites", r->sites);
    /* the rules themselves, with their numbers: per_rack.design.violations */
    cJSON_AddBoolToObject(o, "design_rules_pass", r->design.nviolations == 0);
    gw_json_num(o, "it_power_w", r->it_power_w);
    gw_json_num(o, "grid_power_w", r->grid_power_w);
    gw_json_num(o, "average_it_power_w", r->avg_it_power_w);
    gw_json_num(o, "average_grid_power_w", r->avg_grid_power_w);
    gw_json_num(o, "pue", r->pue);
    gw_json_num(o, "pue_design", r->design.pue);
    gw_json_num(o, "annual_energy_wh", r->annual_energy_wh);
    gw_json_num(o, "annual_it_energy_wh", r->annual_it_energy_wh);
    gw_json_num(o, "water_m3_per_year", r->water_m3_per_year);
    gw_json_num(o, "capex_usd", r->capex.total);
    cJSON *cb = cJSON_AddObjectToObject(o, "capex_breakdown_usd");
    gw_json_num(cb, "accelerator_systems", r->capex.systems);
    gw_json_num(cb, "networking", r->capex.networking);
    gw_json_num(cb, "facility", r->capex.facility);
    gw_json_num(cb, "power_infrastructure", r->capex.power);
    gw_json_num(o, "opex_usd_per_year", r->opex.total);
    cJSON *ob = cJSON_AddObjectToObject(o, "opex_breakdown_usd_per_year");
    gw_json_num(ob, "energy", r->opex.energy);
    gw_json_num(ob, "it_maintenance", r->opex.it_maintenance);
    gw_json_num(ob, "facility_maintenance", r->opex.facility_maintenance);
    gw_json_num(ob, "staff", r->opex.staff);
    gw_json_num(o, "staff", r->staff);
    cJSON *dep = cJSON_AddArrayToObject(o, "depreciation_usd_per_year");
    for (int i = 0; i < r->depreciation_years; i++)
        cJSON_AddItemToArray(dep, cJSON_CreateNumber(r->depreciation_usd[i]));
    gw_json_num(o, "annualized_capex_usd_per_year", r->annualized_capex_usd);
    gw_json_num(o, "usd_per_gpu_hour", r->usd_per_gpu_hour);
    gw_json_num(o, "households_equivalent", r->households_equivalent);
    gw_json_num(o, "households_at_capacity", r->households_at_capacity);
    cJSON *pr = cJSON_AddObjectToObject(o, "per_rack");
    cJSON_AddItemToObject(pr, "design", gw_json_rack_object(&r->design));
    cJSON_AddItemToObject(pr, "average", gw_json_rack_object(&r->average));
    return gw_json_finish(o);
}

char *gw_plan_text(const gw_scenario *sc, const gw_plan_result *r)
{
    gw_buf b = {0};
    char t[160];
    gw_text_header(&b, sc, "plan", sc->average_load);
    /* first, not last: a plan of racks that break their site's rules is
     * not a plan to read on from */
    if (r->design.nviolations) {
        gw_buf_printf(&b, "\nDESIGN RULES FAIL per rack at full load (these racks cannot be "
                          "built on this site as given)\n");
        for (int i = 0; i < r->design.nviolations; i++)
            gw_buf_printf(&b, "  [%s] %s\n", r->design.violations[i].rule,
                          r->design.violations[i].message);
    }
    gw_buf_printf(&b, "\nFleet\n");
    snprintf(t, sizeof t, "%s",
             r->design.nviolations ? "FAIL (above)" : "all pass (per rack at full load)");
    gw_text_row(&b, "design rules", t);
    gw_text_row_num(&b, "accelerators", r->accelerators, "");
    gw_text_row_num(&b, "racks", r->racks, "");
    gw_text_row_num(&b, "sites", r->sites, "");
    gw_text_row_si(&b, "IT power (provisioned)", r->it_power_w, "W");
    gw_text_row_si(&b, "grid power (provisioned)", r->grid_power_w, "W");
    gw_text_row_si(&b, "grid power (average draw)", r->avg_grid_power_w, "W");
    snprintf(t, sizeof t, "%.3f annual (%.3f at design load)", r->pue, r->design.pue);
    gw_text_row(&b, "PUE", t);
    gw_text_row_si(&b, "annual energy at the meter", r->annual_energy_wh, "Wh");
    gw_text_row_num(&b, "water", r->water_m3_per_year, "m3/yr");
    gw_buf_printf(&b, "\nCapex\n");
    gw_text_row_usd(&b, "accelerator systems", r->capex.systems);
    gw_text_row_usd(&b, "networking", r->capex.networking);
    gw_text_row_usd(&b, "facility (shell, M&E)", r->capex.facility);
    gw_text_row_usd(&b, "power infrastructure", r->capex.power);
    gw_text_row_usd(&b, "total", r->capex.total);
    gw_buf_printf(&b, "\nOpex per year\n");
    gw_text_row_usd(&b, "energy", r->opex.energy);
    gw_text_row_usd(&b, "IT maintenance", r->opex.it_maintenance);
    gw_text_row_usd(&b, "facility maintenance", r->opex.facility_maintenance);
    gw_text_row_usd(&b, "staff", r->opex.staff);
    gw_text_row_usd(&b, "total", r->opex.total);
    gw_buf_printf(&b, "\nUnit costs\n");
    gw_text_row_usd(&b, "annualized capex per year", r->annualized_capex_usd);
    snprintf(t, sizeof t, "%.2f USD", r->usd_per_gpu_hour);
    gw_text_row(&b, "cost per GPU-hour", t);
    gw_buf_printf(&b, "\nDepreciation per year (straight line)\n");
    for (int i = 0; i < r->depreciation_years; i++) {
        char lab[32], v[64];
        snprintf(lab, sizeof lab, "year %d", i + 1);
        gw_format_usd(r->depreciation_usd[i], v, sizeof v);
        if (i < 8 || i == r->depreciation_years - 1)
            gw_text_row(&b, lab, v);
        else if (i == 8)
            gw_text_row(&b, "...", "");
    }
    gw_buf_printf(&b, "\nHouseholds\n");
    gw_text_row_num(&b, "equivalent (average draw)", r->households_equivalent, "households");
    gw_text_row_num(&b, "at provisioned grid power", r->households_at_capacity, "households");
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}
