/* src/output/rack_out.c — a rack result as a text table and as JSON (output
 * layer); its per-rack JSON object also serves the plan result.
 * JSON keys carry their unit in the name (`_w`, `_wh`, `_usd`), values
 * are SI; cJSON prints doubles with round-trip precision, so the same
 * result always gives the same bytes. */
#include <cjson/cJSON.h>
#include <stdio.h>

#include "gigawatt/output.h"
#include "json_int.h"
#include "text_int.h"

#define L_PER_M3 1000.0

cJSON *gw_json_rack_object(const gw_rack_result *r)
{
    cJSON *o = cJSON_CreateObject();
    gw_json_num(o, "systems", r->systems);
    gw_json_num(o, "accelerators", r->accelerators);
    gw_json_num(o, "it_power_w", r->it_power_w);
    cJSON *b = cJSON_AddObjectToObject(o, "it_power_breakdown_w");
    gw_json_num(b, "accelerators", r->accelerator_w);
    gw_json_num(b, "cpus", r->cpu_w);
    gw_json_num(b, "memory", r->memory_w);
    gw_json_num(b, "nics", r->nic_w);
    gw_json_num(b, "switches", r->switch_w);
    gw_json_num(b, "fans", r->fan_w);
    gw_json_num(b, "pumps", r->pump_w);
    gw_json_num(b, "other", r->other_w);
    gw_json_num(b, "rack_power_conversion", r->rack_conversion_loss_w);
    if (r->busbar_voltage_v > 0) { /* only racks with a busbar stage: others keep their bytes */
        gw_json_num(o, "busbar_voltage_v", r->busbar_voltage_v);
        gw_json_num(o, "busbar_current_a", r->busbar_current_a);
    }
    gw_json_num(o, "liquid_heat_fraction", r->liquid_fraction);
    gw_json_num(o, "liquid_heat_w", r->liquid_heat_w);
    gw_json_num(o, "air_heat_w", r->air_heat_w);
    gw_json_num(o, "coolant_flow_l_per_min", r->coolant_flow_m3_s * L_PER_M3 * 60.0);
    gw_json_num(o, "airflow_m3_per_h", r->airflow_m3_s * 3600.0);
    cJSON *chain = cJSON_AddArrayToObject(o, "power_chain");
    for (int i = 0; i < r->nstages; i++) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "id", r->stages[i].id);
        cJSON_AddStringToObject(s, "serves", r->stages[i].serves);
        gw_json_num(s, "efficiency", r->stages[i].efficiency);
        gw_json_num(s, "input_w", r->stages[i].input_w);
        gw_json_num(s, "loss_w", r->stages[i].loss_w);
        cJSON_AddItemToArray(chain, s);
    }
    gw_json_num(o, "it_path_loss_w", r->it_path_loss_w);
    gw_json_num(o, "cooling_power_w", r->cooling_power_w);
    gw_json_num(o, "misc_power_w", r->misc_power_w);
    gw_json_num(o, "facility_loss_w", r->facility_loss_w);
    gw_json_num(o, "grid_power_w", r->grid_power_w);
    gw_json_num(o, "pue", r->pue);
    gw_json_num(o, "water_l_per_h", r->water_m3_per_s * L_PER_M3 * 3600.0);
    /* only coolings that give them: the others keep their bytes */
    if (r->warm_water)
        gw_json_num(o, "chiller_free_fraction", r->chiller_free_fraction);
    if (r->cooling_capex_usd > 0)
        gw_json_num(o, "cooling_capex_usd", r->cooling_capex_usd);
    gw_json_num(o, "weight_kg", r->weight_kg);
    gw_json_num(o, "floor_load_kg_per_m2", r->floor_load_kg_m2);
    cJSON *v = cJSON_AddArrayToObject(o, "violations");
    for (int i = 0; i < r->nviolations; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "rule", r->violations[i].rule);
        cJSON_AddStringToObject(x, "message", r->violations[i].message);
        gw_json_num(x, "value", r->violations[i].value);
        gw_json_num(x, "limit", r->violations[i].limit);
        cJSON_AddItemToArray(v, x);
    }
    return o;
}

char *gw_rack_json(const gw_scenario *sc, const gw_rack_result *r)
{
    cJSON *root = cJSON_CreateObject(), *body = gw_json_rack_object(r);
    if (!root || !body) {
        cJSON_Delete(root);
        cJSON_Delete(body);
        return NULL;
    }
    gw_json_tag(root, "rack");
    /* the rack's fields after the tag, then the inputs (as before the tag) */
    while (body->child) {
        cJSON *item = cJSON_DetachItemViaPointer(body, body->child);
        cJSON_AddItemToArray(root, item); /* keeps its key: objects are lists of named items */
    }
    cJSON_Delete(body);
    gw_json_facility_inputs(root, sc, sc->load);
    return gw_json_finish(root);
}

static void rack_body(gw_buf *b, const gw_rack_result *r)
{
    char t[128];
    gw_buf_printf(b, "\nIT power per rack (%.0f system%s, %.0f accelerators)\n", r->systems,
                  r->systems == 1 ? "" : "s", r->accelerators);
    gw_text_row_si(b, "accelerators", r->accelerator_w, "W");
    gw_text_row_si(b, "CPUs", r->cpu_w, "W");
    gw_text_row_si(b, "memory", r->memory_w, "W");
    gw_text_row_si(b, "NICs", r->nic_w, "W");
    gw_text_row_si(b, "switches", r->switch_w, "W");
    gw_text_row_si(b, "fans", r->fan_w, "W");
    gw_text_row_si(b, "pumps", r->pump_w, "W");
    gw_text_row_si(b, "other", r->other_w, "W");
    gw_text_row_si(b, "rack power conversion loss", r->rack_conversion_loss_w, "W");
    gw_text_row_si(b, "IT power (rack input)", r->it_power_w, "W");
    if (r->busbar_voltage_v > 0) {
        snprintf(t, sizeof t, "%.0f A at %.0f V DC", r->busbar_current_a, r->busbar_voltage_v);
        gw_text_row(b, "rack busbar current", t);
    }
    gw_buf_printf(b, "\nHeat and coolant\n");
    snprintf(t, sizeof t, "%.1f kW (%.0f %% of IT)", r->liquid_heat_w / 1e3,
             r->it_power_w > 0 ? 100 * r->liquid_heat_w / r->it_power_w : 0);
    gw_text_row(b, "heat to liquid", t);
    snprintf(t, sizeof t, "%.1f kW (%.0f %% of IT)", r->air_heat_w / 1e3,
             r->it_power_w > 0 ? 100 * r->air_heat_w / r->it_power_w : 0);
    gw_text_row(b, "heat to air", t);
    snprintf(t, sizeof t, "%.1f L/min", r->coolant_flow_m3_s * L_PER_M3 * 60.0);
    gw_text_row(b, "coolant flow", t);
    snprintf(t, sizeof t, "%.0f m3/h", r->airflow_m3_s * 3600.0);
    gw_text_row(b, "airflow", t);
    gw_buf_printf(b, "\nPower chain to the grid meter\n");
    for (int i = 0; i < r->nstages; i++) {
        char in[32], loss[32];
        gw_format_si(r->stages[i].input_w, "W", in, sizeof in);
        gw_format_si(r->stages[i].loss_w, "W", loss, sizeof loss);
        snprintf(t, sizeof t, "eff %.3f, in %s, loss %s", r->stages[i].efficiency, in, loss);
        char label[80];
        snprintf(label, sizeof label, "%s (%s)", r->stages[i].id, r->stages[i].serves);
        gw_text_row(b, label, t);
    }
    gw_text_row_si(b, "facility cooling", r->cooling_power_w, "W");
    gw_text_row_si(b, "misc. (lighting, offices)", r->misc_power_w, "W");
    gw_text_row_si(b, "grid power", r->grid_power_w, "W");
    snprintf(t, sizeof t, "%.3f", r->pue);
    gw_text_row(b, "PUE", t);
    snprintf(t, sizeof t, "%.0f L/h", r->water_m3_per_s * L_PER_M3 * 3600.0);
    gw_text_row(b, "water", t);
    if (r->warm_water) {
        snprintf(t, sizeof t, "%.1f %% of the year's hours", 100 * r->chiller_free_fraction);
        gw_text_row(b, "chiller-free (dry coolers)", t);
    }
    if (r->cooling_capex_usd > 0)
        gw_text_row_si(b, "cooling plant capex", r->cooling_capex_usd, "USD");
    snprintf(t, sizeof t, "%.0f kg, %.0f kg/m2", r->weight_kg, r->floor_load_kg_m2);
    gw_text_row(b, "weight, floor load", t);
}

char *gw_rack_text(const gw_scenario *sc, const gw_rack_result *r)
{
    gw_buf b = {0};
    gw_text_header(&b, sc, "rack", sc->load);
    rack_body(&b, r);
    gw_buf_printf(&b, "\nDesign-rule checks: %s\n",
                  r->nviolations ? "VIOLATIONS" : "all pass");
    for (int i = 0; i < r->nviolations; i++)
        gw_buf_printf(&b, "  [%s] %s\n", r->violations[i].rule, r->violations[i].message);
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}
