/* src/output/results.c — rack and plan results as text tables and JSON
 * (output layer). JSON keys carry their unit in the name (`_w`, `_wh`,
 * `_usd`), values are SI; cJSON prints doubles with round-trip precision,
 * so the same result always gives the same bytes. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/output.h"
#include "json_int.h"

#define L_PER_M3 1000.0

/* ---- JSON ------------------------------------------------------------------ */

static cJSON *num(cJSON *o, const char *k, double v)
{
    return cJSON_AddNumberToObject(o, k, v);
}

char *gw_json_finish(cJSON *root)
{
    char *s = root ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!s)
        return NULL;
    /* append a newline, so `--json > file` gives a proper text file */
    size_t n = strlen(s);
    char *t = realloc(s, n + 2);
    if (!t) {
        free(s);
        return NULL;
    }
    t[n] = '\n';
    t[n + 1] = '\0';
    return t;
}

void gw_json_tag(cJSON *root, const char *kind)
{
    cJSON_AddStringToObject(root, "kind", kind);
    cJSON_AddStringToObject(root, "gigawatt_version", GW_VERSION);
}

static void add_inputs(cJSON *root, const gw_scenario *sc, double load)
{
    cJSON *in = cJSON_AddObjectToObject(root, "inputs");
    if (sc->name[0])
        cJSON_AddStringToObject(in, "scenario", sc->name);
    cJSON_AddStringToObject(in, "system", sc->system.meta.id);
    cJSON_AddStringToObject(in, "accelerator", sc->accelerator.meta.id);
    cJSON_AddStringToObject(in, "cooling", sc->cooling.meta.id);
    cJSON_AddStringToObject(in, "site", sc->site.meta.id);
    cJSON *chain = cJSON_AddArrayToObject(in, "power_chain");
    for (int i = 0; i < sc->nstages; i++)
        cJSON_AddItemToArray(chain, cJSON_CreateString(sc->stages[i].meta.id));
    num(in, "load", load);
}

static cJSON *rack_object(const gw_rack_result *r)
{
    cJSON *o = cJSON_CreateObject();
    num(o, "systems", r->systems);
    num(o, "accelerators", r->accelerators);
    num(o, "it_power_w", r->it_power_w);
    cJSON *b = cJSON_AddObjectToObject(o, "it_power_breakdown_w");
    num(b, "accelerators", r->accelerator_w);
    num(b, "cpus", r->cpu_w);
    num(b, "memory", r->memory_w);
    num(b, "nics", r->nic_w);
    num(b, "switches", r->switch_w);
    num(b, "fans", r->fan_w);
    num(b, "pumps", r->pump_w);
    num(b, "other", r->other_w);
    num(b, "rack_power_conversion", r->rack_conversion_loss_w);
    num(o, "liquid_heat_fraction", r->liquid_fraction);
    num(o, "liquid_heat_w", r->liquid_heat_w);
    num(o, "air_heat_w", r->air_heat_w);
    num(o, "coolant_flow_l_per_min", r->coolant_flow_m3_s * L_PER_M3 * 60.0);
    num(o, "airflow_m3_per_h", r->airflow_m3_s * 3600.0);
    cJSON *chain = cJSON_AddArrayToObject(o, "power_chain");
    for (int i = 0; i < r->nstages; i++) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "id", r->stages[i].id);
        cJSON_AddStringToObject(s, "serves", r->stages[i].serves);
        num(s, "efficiency", r->stages[i].efficiency);
        num(s, "input_w", r->stages[i].input_w);
        num(s, "loss_w", r->stages[i].loss_w);
        cJSON_AddItemToArray(chain, s);
    }
    num(o, "it_path_loss_w", r->it_path_loss_w);
    num(o, "cooling_power_w", r->cooling_power_w);
    num(o, "misc_power_w", r->misc_power_w);
    num(o, "facility_loss_w", r->facility_loss_w);
    num(o, "grid_power_w", r->grid_power_w);
    num(o, "pue", r->pue);
    num(o, "water_l_per_h", r->water_m3_per_s * L_PER_M3 * 3600.0);
    num(o, "weight_kg", r->weight_kg);
    num(o, "floor_load_kg_per_m2", r->floor_load_kg_m2);
    cJSON *v = cJSON_AddArrayToObject(o, "violations");
    for (int i = 0; i < r->nviolations; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "rule", r->violations[i].rule);
        cJSON_AddStringToObject(x, "message", r->violations[i].message);
        num(x, "value", r->violations[i].value);
        num(x, "limit", r->violations[i].limit);
        cJSON_AddItemToArray(v, x);
    }
    return o;
}

char *gw_rack_json(const gw_scenario *sc, const gw_rack_result *r)
{
    cJSON *root = cJSON_CreateObject(), *body = rack_object(r);
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
    add_inputs(root, sc, sc->load);
    return gw_json_finish(root);
}

char *gw_plan_json(const gw_scenario *sc, const gw_plan_result *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    gw_json_tag(o, "plan");
    add_inputs(o, sc, sc->average_load);
    num(o, "accelerators", r->accelerators);
    num(o, "racks", r->racks);
    num(o, "systems", r->systems);
    num(o, "sites", r->sites);
    num(o, "it_power_w", r->it_power_w);
    num(o, "grid_power_w", r->grid_power_w);
    num(o, "average_it_power_w", r->avg_it_power_w);
    num(o, "average_grid_power_w", r->avg_grid_power_w);
    num(o, "pue", r->pue);
    num(o, "pue_design", r->design.pue);
    num(o, "annual_energy_wh", r->annual_energy_wh);
    num(o, "annual_it_energy_wh", r->annual_it_energy_wh);
    num(o, "water_m3_per_year", r->water_m3_per_year);
    num(o, "capex_usd", r->capex.total);
    cJSON *cb = cJSON_AddObjectToObject(o, "capex_breakdown_usd");
    num(cb, "accelerator_systems", r->capex.systems);
    num(cb, "networking", r->capex.networking);
    num(cb, "facility", r->capex.facility);
    num(cb, "power_infrastructure", r->capex.power);
    num(o, "opex_usd_per_year", r->opex.total);
    cJSON *ob = cJSON_AddObjectToObject(o, "opex_breakdown_usd_per_year");
    num(ob, "energy", r->opex.energy);
    num(ob, "it_maintenance", r->opex.it_maintenance);
    num(ob, "facility_maintenance", r->opex.facility_maintenance);
    num(ob, "staff", r->opex.staff);
    num(o, "staff", r->staff);
    cJSON *dep = cJSON_AddArrayToObject(o, "depreciation_usd_per_year");
    for (int i = 0; i < r->depreciation_years; i++)
        cJSON_AddItemToArray(dep, cJSON_CreateNumber(r->depreciation_usd[i]));
    num(o, "annualized_capex_usd_per_year", r->annualized_capex_usd);
    num(o, "usd_per_gpu_hour", r->usd_per_gpu_hour);
    num(o, "households_equivalent", r->households_equivalent);
    num(o, "households_at_capacity", r->households_at_capacity);
    cJSON *pr = cJSON_AddObjectToObject(o, "per_rack");
    cJSON_AddItemToObject(pr, "design", rack_object(&r->design));
    cJSON_AddItemToObject(pr, "average", rack_object(&r->average));
    return gw_json_finish(o);
}

/* ---- text -------------------------------------------------------------------- */

static void row(gw_buf *b, const char *label, const char *value)
{
    gw_buf_printf(b, "  %-34s %s\n", label, value);
}

static void row_si(gw_buf *b, const char *label, double v, const char *unit)
{
    char s[64];
    gw_format_si(v, unit, s, sizeof s);
    row(b, label, s);
}

static void row_usd(gw_buf *b, const char *label, double v)
{
    char s[64];
    gw_format_usd(v, s, sizeof s);
    row(b, label, s);
}

static void row_num(gw_buf *b, const char *label, double v, const char *unit)
{
    char s[64], t[80];
    gw_format_count(v, s, sizeof s);
    snprintf(t, sizeof t, "%s%s%s", s, unit[0] ? " " : "", unit);
    row(b, label, t);
}

static void header(gw_buf *b, const gw_scenario *sc, const char *title, double load)
{
    gw_buf_printf(b, "%s%s%s\n", title, sc->name[0] ? ": " : "", sc->name);
    gw_buf_printf(b, "  system %s (%s x %.0f), cooling %s, site %s%s%s%s, load %.2f\n",
                  sc->system.meta.id, sc->accelerator.meta.id, sc->system.accelerators,
                  sc->cooling.meta.id, sc->site.meta.id, sc->site_note[0] ? " (" : "",
                  sc->site_note, sc->site_note[0] ? ")" : "", load);
}

static void rack_body(gw_buf *b, const gw_rack_result *r)
{
    char t[128];
    gw_buf_printf(b, "\nIT power per rack (%.0f system%s, %.0f accelerators)\n", r->systems,
                  r->systems == 1 ? "" : "s", r->accelerators);
    row_si(b, "accelerators", r->accelerator_w, "W");
    row_si(b, "CPUs", r->cpu_w, "W");
    row_si(b, "memory", r->memory_w, "W");
    row_si(b, "NICs", r->nic_w, "W");
    row_si(b, "switches", r->switch_w, "W");
    row_si(b, "fans", r->fan_w, "W");
    row_si(b, "pumps", r->pump_w, "W");
    row_si(b, "other", r->other_w, "W");
    row_si(b, "rack power conversion loss", r->rack_conversion_loss_w, "W");
    row_si(b, "IT power (rack input)", r->it_power_w, "W");
    gw_buf_printf(b, "\nHeat and coolant\n");
    snprintf(t, sizeof t, "%.1f kW (%.0f %% of IT)", r->liquid_heat_w / 1e3,
             r->it_power_w > 0 ? 100 * r->liquid_heat_w / r->it_power_w : 0);
    row(b, "heat to liquid", t);
    snprintf(t, sizeof t, "%.1f kW (%.0f %% of IT)", r->air_heat_w / 1e3,
             r->it_power_w > 0 ? 100 * r->air_heat_w / r->it_power_w : 0);
    row(b, "heat to air", t);
    snprintf(t, sizeof t, "%.1f L/min", r->coolant_flow_m3_s * L_PER_M3 * 60.0);
    row(b, "coolant flow", t);
    snprintf(t, sizeof t, "%.0f m3/h", r->airflow_m3_s * 3600.0);
    row(b, "airflow", t);
    gw_buf_printf(b, "\nPower chain to the grid meter\n");
    for (int i = 0; i < r->nstages; i++) {
        char in[32], loss[32];
        gw_format_si(r->stages[i].input_w, "W", in, sizeof in);
        gw_format_si(r->stages[i].loss_w, "W", loss, sizeof loss);
        snprintf(t, sizeof t, "eff %.3f, in %s, loss %s", r->stages[i].efficiency, in, loss);
        char label[80];
        snprintf(label, sizeof label, "%s (%s)", r->stages[i].id, r->stages[i].serves);
        row(b, label, t);
    }
    row_si(b, "facility cooling", r->cooling_power_w, "W");
    row_si(b, "misc. (lighting, offices)", r->misc_power_w, "W");
    row_si(b, "grid power", r->grid_power_w, "W");
    snprintf(t, sizeof t, "%.3f", r->pue);
    row(b, "PUE", t);
    snprintf(t, sizeof t, "%.0f L/h", r->water_m3_per_s * L_PER_M3 * 3600.0);
    row(b, "water", t);
    snprintf(t, sizeof t, "%.0f kg, %.0f kg/m2", r->weight_kg, r->floor_load_kg_m2);
    row(b, "weight, floor load", t);
}

char *gw_rack_text(const gw_scenario *sc, const gw_rack_result *r)
{
    gw_buf b = {0};
    header(&b, sc, "rack", sc->load);
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

char *gw_plan_text(const gw_scenario *sc, const gw_plan_result *r)
{
    gw_buf b = {0};
    char t[160];
    header(&b, sc, "plan", sc->average_load);
    gw_buf_printf(&b, "\nFleet\n");
    row_num(&b, "accelerators", r->accelerators, "");
    row_num(&b, "racks", r->racks, "");
    row_num(&b, "sites", r->sites, "");
    row_si(&b, "IT power (provisioned)", r->it_power_w, "W");
    row_si(&b, "grid power (provisioned)", r->grid_power_w, "W");
    row_si(&b, "grid power (average draw)", r->avg_grid_power_w, "W");
    snprintf(t, sizeof t, "%.3f annual (%.3f at design load)", r->pue, r->design.pue);
    row(&b, "PUE", t);
    row_si(&b, "annual energy at the meter", r->annual_energy_wh, "Wh");
    snprintf(t, sizeof t, "%.3g m3/yr", r->water_m3_per_year);
    row(&b, "water", t);
    gw_buf_printf(&b, "\nCapex\n");
    row_usd(&b, "accelerator systems", r->capex.systems);
    row_usd(&b, "networking", r->capex.networking);
    row_usd(&b, "facility (shell, M&E)", r->capex.facility);
    row_usd(&b, "power infrastructure", r->capex.power);
    row_usd(&b, "total", r->capex.total);
    gw_buf_printf(&b, "\nOpex per year\n");
    row_usd(&b, "energy", r->opex.energy);
    row_usd(&b, "IT maintenance", r->opex.it_maintenance);
    row_usd(&b, "facility maintenance", r->opex.facility_maintenance);
    row_usd(&b, "staff", r->opex.staff);
    row_usd(&b, "total", r->opex.total);
    gw_buf_printf(&b, "\nUnit costs\n");
    row_usd(&b, "annualized capex per year", r->annualized_capex_usd);
    snprintf(t, sizeof t, "%.2f USD", r->usd_per_gpu_hour);
    row(&b, "cost per GPU-hour", t);
    gw_buf_printf(&b, "\nDepreciation per year (straight line)\n");
    for (int i = 0; i < r->depreciation_years; i++) {
        char lab[32], v[64];
        snprintf(lab, sizeof lab, "year %d", i + 1);
        gw_format_usd(r->depreciation_usd[i], v, sizeof v);
        if (i < 8 || i == r->depreciation_years - 1)
            row(&b, lab, v);
        else if (i == 8)
            row(&b, "...", "");
    }
    gw_buf_printf(&b, "\nHouseholds\n");
    row_num(&b, "equivalent (average draw)", r->households_equivalent, "households");
    row_num(&b, "at provisioned grid power", r->households_at_capacity, "households");
    if (r->design.nviolations) {
        gw_buf_printf(&b, "\nDesign-rule violations per rack at full load\n");
        for (int i = 0; i < r->design.nviolations; i++)
            gw_buf_printf(&b, "  [%s] %s\n", r->design.violations[i].rule,
                          r->design.violations[i].message);
    }
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}

/* ---- catalog ----------------------------------------------------------------- */

char *gw_catalog_list_text(const gw_catalog *cat)
{
    gw_buf b = {0};
    const gw_schema *last = NULL;
    for (size_t i = 0; i < cat->n; i++) {
        const gw_catalog_entry *e = &cat->entries[i];
        if (e->schema != last) {
            gw_buf_printf(&b, "%s%s\n", last ? "\n" : "", e->schema->kind);
            last = e->schema;
        }
        const gw_node *name = gw_node_get(e->node, "name");
        gw_buf_printf(&b, "  %-28s %s\n", e->id,
                      name && name->kind == GW_NODE_SCALAR ? name->text : "");
    }
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}

char *gw_catalog_list_json(const gw_catalog *cat)
{
    cJSON *root = cJSON_CreateObject();
    for (size_t k = 0; root && k < gw_catalog_nkinds; k++) {
        cJSON *arr = cJSON_AddArrayToObject(root, gw_catalog_kinds[k]->kind);
        for (size_t i = 0; i < cat->n; i++) {
            const gw_catalog_entry *e = &cat->entries[i];
            if (e->schema != gw_catalog_kinds[k])
                continue;
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "id", e->id);
            const gw_node *name = gw_node_get(e->node, "name");
            if (name && name->kind == GW_NODE_SCALAR)
                cJSON_AddStringToObject(o, "name", name->text);
            cJSON_AddItemToArray(arr, o);
        }
    }
    return gw_json_finish(root);
}

static const char *scalar_of(const gw_node *m, const char *key)
{
    const gw_node *n = gw_node_get(m, key);
    return n && n->kind == GW_NODE_SCALAR ? n->text : NULL;
}

char *gw_catalog_entry_text(const gw_catalog *cat, const gw_catalog_entry *e)
{
    (void)cat;
    gw_buf b = {0};
    const char *name = scalar_of(e->node, "name");
    gw_buf_printf(&b, "%s %s%s%s\n  defined at %s:%d\n", e->schema->singular, e->id,
                  name ? " — " : "", name ? name : "", e->node->file, e->node->line);
    for (size_t i = 0; i + 1 < e->node->nkids; i += 2) {
        const gw_node *k = e->node->kids[i], *v = e->node->kids[i + 1];
        if (strcmp(k->text, "id") == 0 || strcmp(k->text, "name") == 0)
            continue;
        if (v->kind == GW_NODE_SCALAR) {
            gw_buf_printf(&b, "\n  %-26s %s\n", k->text, v->text);
        } else if (v->kind == GW_NODE_SEQ) {
            gw_buf_printf(&b, "\n  %-26s", k->text);
            for (size_t j = 0; j < v->nkids; j++)
                gw_buf_printf(&b, "%s%s", j ? ", " : " ",
                              v->kids[j]->kind == GW_NODE_SCALAR ? v->kids[j]->text : "?");
            gw_buf_printf(&b, "\n");
        } else {
            const char *val = scalar_of(v, "value"), *src = scalar_of(v, "source"),
                       *note = scalar_of(v, "note"), *fact = scalar_of(v, "fact");
            gw_buf_printf(&b, "\n  %-26s %s\n", k->text, val ? val : "?");
            if (src)
                gw_buf_printf(&b, "  %-26s source: %s\n", "", src);
            if (fact)
                gw_buf_printf(&b, "  %-26s fact: %s\n", "", fact);
            if (note)
                gw_buf_printf(&b, "  %-26s note: %s\n", "", note);
        }
    }
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}

char *gw_catalog_entry_json(const gw_catalog *cat, const gw_catalog_entry *e)
{
    (void)cat;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "kind", e->schema->kind);
    cJSON_AddStringToObject(o, "id", e->id);
    cJSON *fields = cJSON_AddObjectToObject(o, "fields");
    for (size_t i = 0; i + 1 < e->node->nkids; i += 2) {
        const gw_node *k = e->node->kids[i], *v = e->node->kids[i + 1];
        if (strcmp(k->text, "id") == 0)
            continue;
        if (v->kind == GW_NODE_SCALAR) {
            cJSON_AddStringToObject(fields, k->text, v->text);
        } else if (v->kind == GW_NODE_SEQ) {
            cJSON *a = cJSON_AddArrayToObject(fields, k->text);
            for (size_t j = 0; j < v->nkids; j++)
                if (v->kids[j]->kind == GW_NODE_SCALAR)
                    cJSON_AddItemToArray(a, cJSON_CreateString(v->kids[j]->text));
        } else {
            cJSON *f = cJSON_AddObjectToObject(fields, k->text);
            const gw_field *fd = gw_schema_field(e->schema, k->text, NULL);
            const char *val = scalar_of(v, "value");
            if (val) {
                cJSON_AddStringToObject(f, "value", val);
                double si;
                gw_dim d;
                char why[8];
                if (fd && gw_quantity_parse(val, &si, &d, why, sizeof why, NULL) == 0)
                    num(f, "si", si);
            }
            static const char *const meta[] = {"source", "fact", "note", "low", "high", "date"};
            for (size_t j = 0; j < sizeof meta / sizeof meta[0]; j++) {
                const char *m = scalar_of(v, meta[j]);
                if (m)
                    cJSON_AddStringToObject(f, meta[j], m);
            }
        }
    }
    return gw_json_finish(o);
}

/* ---- perf ------------------------------------------------------------------ */

/* A number, or null when it does not exist (infeasible, no cost known):
 * never a made-up value. */
static void num_or_null(cJSON *o, const char *k, double v, int have)
{
    if (have)
        num(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

static cJSON *point_object(const gw_perf_point *p)
{
    cJSON *o = cJSON_CreateObject();
    num(o, "batch", p->batch);
    num(o, "tokens_per_s", p->tokens_per_s);
    num(o, "ttft_s", p->ttft_s);
    num(o, "tpot_s", p->step_s);
    num(o, "utilisation", p->utilisation);
    cJSON *s = cJSON_AddObjectToObject(o, "step_breakdown_s");
    num(s, "linear", p->detail.linear_s);
    num(s, "attention", p->detail.attention_s);
    num(s, "communication", p->detail.comm_s);
    num(s, "overhead", p->detail.overhead_s);
    return o;
}

/* The inputs of a perf or sim result: scenario, model, hardware, stack. */
static cJSON *model_inputs(cJSON *o, const gw_scenario *sc)
{
    cJSON *in = cJSON_AddObjectToObject(o, "inputs");
    if (sc->name[0])
        cJSON_AddStringToObject(in, "scenario", sc->name);
    cJSON_AddStringToObject(in, "model", sc->model.meta.id);
    cJSON_AddStringToObject(in, "accelerator", sc->accelerator.meta.id);
    if (sc->has_system)
        cJSON_AddStringToObject(in, "system", sc->system.meta.id);
    else
        cJSON_AddNullToObject(in, "system");
    cJSON_AddStringToObject(in, "efficiency", sc->efficiency.meta.id);
    return in;
}

char *gw_perf_json(const gw_scenario *sc, const gw_perf_report *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    gw_json_tag(o, "perf");
    cJSON *in = model_inputs(o, sc);
    if (r->has_inference) {
        const gw_perf_result *x = &r->inference;
        const gw_perf_request *q = &r->request;
        num(in, "count", r->count);
        num(in, "tp", r->cfg.tp);
        num(in, "pp", r->cfg.pp);
        num(in, "ep", r->cfg.ep);
        num(in, "dp", r->dp);
        cJSON_AddStringToObject(in, "precision", gw_precision_name(r->cfg.weights));
        cJSON_AddStringToObject(in, "kv_precision", gw_precision_name(r->cfg.kv));
        num(in, "input_tokens", q->input_tokens);
        num(in, "output_tokens", q->output_tokens);
        num_or_null(in, "ttft_slo_s", q->ttft_slo_s, q->ttft_slo_s > 0);
        num_or_null(in, "tpot_slo_s", q->tpot_slo_s, q->tpot_slo_s > 0);
        const gw_perf_point *h = r->headline;
        cJSON_AddBoolToObject(o, "feasible", h != NULL);
        if (!h)
            cJSON_AddStringToObject(o, "infeasible", x->infeasible);
        num(o, "prefill_s", x->prefill_s);
        num(o, "decode_step_s", x->decode_step_s);
        num(o, "max_batch", x->max_batch);
        num_or_null(o, "batch", h ? h->batch : 0, h != NULL);
        num_or_null(o, "tokens_per_s", r->tokens_per_s, h != NULL);
        num_or_null(o, "tokens_per_s_per_gpu", r->tokens_per_s_per_gpu, h != NULL);
        num_or_null(o, "tokens_per_s_per_mw", r->tokens_per_s_per_mw, h != NULL);
        num_or_null(o, "ttft_s", h ? h->ttft_s : 0, h != NULL);
        num_or_null(o, "tpot_s", h ? h->step_s : 0, h != NULL);
        num_or_null(o, "joules_per_token", r->joules_per_token, h != NULL);
        num_or_null(o, "grid_joules_per_token", r->grid_joules_per_token, h != NULL);
        num_or_null(o, "it_power_per_gpu_w", r->it_w_per_accel, h != NULL);
        num_or_null(o, "tokens_per_usd", r->tokens_per_usd, h && r->has_cost);
        num_or_null(o, "usd_per_million_tokens", r->usd_per_million_tokens, h && r->has_cost);
        cJSON *mem = cJSON_AddObjectToObject(o, "memory");
        num(mem, "weights_per_gpu_bytes", x->weights_per_gpu_b);
        num(mem, "kv_bytes_per_token", x->kv_bytes_per_token);
        num(mem, "kv_capacity_tokens", x->kv_capacity_tokens);
        cJSON_AddItemToObject(o, "offline", point_object(&x->offline));
        if (x->slo_given && x->slo_feasible)
            cJSON_AddItemToObject(o, "at_slo", point_object(&x->slo));
        cJSON *sw = cJSON_AddArrayToObject(o, "batch_sweep"); /* throughput vs batch */
        for (int i = 0; i < r->nsweep; i++)
            cJSON_AddItemToArray(sw, point_object(&r->sweep[i]));
    }
    num_or_null(o, "usd_per_gpu_hour", r->usd_per_accel_hour, r->has_cost);
    if (r->has_training) {
        const gw_train_result *t = &r->training;
        const gw_train_request *q = &r->train_request;
        cJSON *ti = cJSON_AddObjectToObject(in, "training");
        num(ti, "count", q->count);
        num(ti, "tp", r->train_cfg.tp);
        num(ti, "pp", r->train_cfg.pp);
        cJSON_AddStringToObject(ti, "precision", gw_precision_name(q->precision));
        num(ti, "tokens", q->tokens);
        num(ti, "sequence_length", q->sequence_length);
        num(ti, "global_batch_tokens", q->global_batch_tokens);
        num_or_null(ti, "mfu", q->mfu, q->mfu > 0);
        cJSON_AddStringToObject(ti, "reliability", sc->reliability.meta.id);
        num(o, "train_days", t->train_days);
        num(o, "compute_days", t->compute_days);
        num(o, "gpu_hours", t->gpu_hours);
        num(o, "mfu", t->mfu);
        num(o, "mfu_predicted", t->mfu_predicted);
        num(o, "training_flops", t->total_flops);
        num(o, "flops_per_token", t->flops_per_token);
        num(o, "goodput", t->goodput);
        num(o, "interruptions", t->interruptions);
        num(o, "pipeline_bubble_fraction", t->bubble_fraction);
        num(o, "tp_comm_fraction", t->comm_fraction);
        num(o, "energy_wh", r->train_energy_wh);
        num(o, "grid_energy_wh", r->train_grid_energy_wh);
        num_or_null(o, "training_usd", r->train_usd, r->has_cost);
    }
    return gw_json_finish(o);
}

/* The inference section of `perf`'s text: the configuration, memory and
 * latency, the operating points, and the headline per GPU, MW and token. */
static void perf_text_inference(gw_buf *b, const gw_scenario *sc, const gw_perf_report *r)
{
    char t[160];
    const gw_perf_result *x = &r->inference;
    const gw_perf_request *q = &r->request;
    gw_buf_printf(b, "\nInference: %d x %s, tp %d pp %d ep %d (%d replica%s), %s weights, "
                      "%s KV, %.0f in / %.0f out tokens\n",
                  r->count, sc->accelerator.meta.id, r->cfg.tp, r->cfg.pp, r->cfg.ep, r->dp,
                  r->dp == 1 ? "" : "s", gw_precision_name(r->cfg.weights),
                  gw_precision_name(r->cfg.kv), q->input_tokens, q->output_tokens);
    row_si(b, "weights per GPU", x->weights_per_gpu_b, "B");
    row_si(b, "KV cache per token (replica)", x->kv_bytes_per_token, "B");
    row_num(b, "KV capacity (replica)", x->kv_capacity_tokens, "tokens");
    row_num(b, "max batch", x->max_batch, "sequences per replica");
    row_si(b, "prefill, one prompt", x->prefill_s, "s");
    row_si(b, "decode step at max batch", x->decode_step_s, "s");
    const gw_perf_point *pts[2] = {&x->offline, x->slo_given && x->slo_feasible ? &x->slo : NULL};
    const char *names[2] = {"offline (best batch)", "at the latency targets"};
    for (int i = 0; i < 2; i++) {
        const gw_perf_point *p = pts[i];
        if (!p)
            continue;
        gw_buf_printf(b, "  %s:\n", names[i]);
        row_num(b, "  batch", p->batch, "sequences per replica");
        row_num(b, "  output tokens/s", p->tokens_per_s, "");
        row_si(b, "  TTFT", p->ttft_s, "s");
        row_si(b, "  TPOT", p->step_s, "s");
    }
    if (x->slo_given) {
        char slo[96], ttft[40] = "any", tpot[40] = "any";
        if (q->ttft_slo_s > 0)
            snprintf(ttft, sizeof ttft, "<= %.3g s", q->ttft_slo_s);
        if (q->tpot_slo_s > 0)
            snprintf(tpot, sizeof tpot, "<= %.3g s", q->tpot_slo_s);
        snprintf(slo, sizeof slo, "TTFT %s, TPOT %s", ttft, tpot);
        row(b, "targets", slo);
    }
    if (!r->headline) {
        gw_buf_printf(b, "  infeasible: %s\n", x->infeasible);
    } else {
        row_num(b, "tokens/s per GPU", r->tokens_per_s_per_gpu, "");
        row_num(b, "tokens/s per MW (IT)", r->tokens_per_s_per_mw, "");
        row_si(b, "IT power per GPU", r->it_w_per_accel, "W");
        snprintf(t, sizeof t, "%.3g J (IT), %.3g J (grid)", r->joules_per_token,
                 r->grid_joules_per_token);
        row(b, "energy per token", t);
        if (r->has_cost) {
            row_usd(b, "cost per million tokens", r->usd_per_million_tokens);
            row_num(b, "tokens per USD", r->tokens_per_usd, "");
        }
    }
}

/* The training section of `perf`'s text: FLOPs, MFU and its losses,
 * goodput, time, GPU-hours, energy and cost. */
static void perf_text_training(gw_buf *b, const gw_scenario *sc, const gw_perf_report *r)
{
    char t[160];
    const gw_train_result *x = &r->training;
    const gw_train_request *q = &r->train_request;
    gw_buf_printf(b, "\nTraining: %d x %s, tp %d pp %d, %s, %.3g tokens of %.0f\n",
                  q->count, sc->accelerator.meta.id, r->train_cfg.tp, r->train_cfg.pp,
                  gw_precision_name(q->precision), q->tokens, q->sequence_length);
    snprintf(t, sizeof t, "%.3g (%.3g per token)", x->total_flops, x->flops_per_token);
    row(b, "FLOPs", t);
    if (q->mfu > 0)
        snprintf(t, sizeof t, "%.1f%% given (the model predicts %.1f%%)", 100 * x->mfu,
                 100 * x->mfu_predicted);
    else
        snprintf(t, sizeof t, "%.1f%% predicted", 100 * x->mfu);
    row(b, "MFU", t);
    snprintf(t, sizeof t, "%.1f%% bubble, %.1f%% exposed TP communication",
             100 * x->bubble_fraction, 100 * x->comm_fraction);
    row(b, "losses in the prediction", t);
    snprintf(t, sizeof t, "%.1f%% (%.0f interruption%s, reliability %s)", 100 * x->goodput,
             x->interruptions, x->interruptions >= 0.5 && x->interruptions < 1.5 ? "" : "s",
             sc->reliability.meta.id);
    row(b, "goodput", t);
    snprintf(t, sizeof t, "%.1f days (%.1f without interruptions)", x->train_days,
             x->compute_days);
    row(b, "time", t);
    row_num(b, "GPU-hours", x->gpu_hours, "");
    row_si(b, "energy (IT)", r->train_energy_wh, "Wh");
    row_si(b, "energy (grid)", r->train_grid_energy_wh, "Wh");
    if (r->has_cost)
        row_usd(b, "cost", r->train_usd);
}

char *gw_perf_text(const gw_scenario *sc, const gw_perf_report *r)
{
    gw_buf b = {0};
    gw_buf_printf(&b, "perf%s%s\n", sc->name[0] ? ": " : "", sc->name);
    gw_buf_printf(&b, "  model %s on %s (efficiency %s)", sc->model.meta.id,
                  sc->accelerator.meta.id, sc->efficiency.meta.id);
    if (sc->has_system)
        gw_buf_printf(&b, "; power and cost from system %s%s%s%s\n", sc->system.meta.id,
                      sc->system_note[0] ? " (" : "", sc->system_note,
                      sc->system_note[0] ? ")" : "");
    else
        gw_buf_printf(&b, "; no system in the catalog has it: power from the accelerator "
                          "alone, cost unknown\n");
    if (r->has_inference)
        perf_text_inference(&b, sc, r);
    if (r->has_cost)
        row_usd(&b, "cost per GPU-hour (plan model)", r->usd_per_accel_hour);
    if (r->has_training)
        perf_text_training(&b, sc, r);
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}

/* ---- sim ------------------------------------------------------------------ */

static void stat_object(cJSON *o, const char *k, const gw_stat *st)
{
    cJSON *x = cJSON_AddObjectToObject(o, k);
    const double v[5] = {st->mean, st->p50, st->p90, st->p99, st->max};
    const char *names[5] = {"mean", "p50", "p90", "p99", "max"};
    for (int i = 0; i < 5; i++)
        num_or_null(x, names[i], v[i], isfinite(v[i]));
}

static void array_of(cJSON *o, const char *k, const double *v, size_t n)
{
    cJSON *a = cJSON_AddArrayToObject(o, k);
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
}

char *gw_sim_json(const gw_scenario *sc, const gw_sim_report *rep, const gw_capacity *cap)
{
    const gw_sim_result *r = &rep->result;
    const gw_sim_config *c = &rep->sim;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    gw_json_tag(o, "sim");
    cJSON *in = model_inputs(o, sc);
    num(in, "tp", rep->cfg.tp);
    num(in, "pp", rep->cfg.pp);
    num(in, "ep", rep->cfg.ep);
    cJSON_AddStringToObject(in, "precision", gw_precision_name(rep->cfg.weights));
    cJSON_AddStringToObject(in, "kv_precision", gw_precision_name(rep->cfg.kv));
    num(in, "replicas", c->replicas);
    num(in, "accelerators", rep->accelerators);
    cJSON_AddStringToObject(in, "scheduler", c->scheduler == GW_SCHED_SARATHI ? "sarathi" : "vllm");
    cJSON_AddStringToObject(in, "route", c->route == GW_ROUTE_KV_AWARE ? "kv-aware"
                                         : c->route == GW_ROUTE_LEAST_OUTSTANDING
                                             ? "least-outstanding"
                                             : "round-robin");
    num(in, "max_running", c->max_running);
    num(in, "max_batched_tokens", c->max_batched_tokens);
    num(in, "block_size", c->block_size);
    num(in, "watermark", c->watermark);
    num(in, "kv_tokens_per_replica", c->kv_tokens > 0 ? c->kv_tokens : rep->engine.kv_capacity_tokens);
    if (sc->sim.trace)
        cJSON_AddStringToObject(in, "trace", sc->sim.trace->text);
    else
        num(in, "rate", sc->sim.rate);
    num(o, "requests", (double)r->requests);
    num(o, "completed", (double)r->completed);
    num(o, "rejected", (double)r->rejected);
    num(o, "prompts_cut", (double)rep->workload.cut);
    num(o, "iterations", (double)r->iterations);
    num(o, "preemptions", (double)r->preemptions);
    num(o, "events", (double)r->events);
    num(o, "makespan_s", r->makespan_s);
    num(o, "requests_per_s", r->requests_per_s);
    num(o, "output_tokens_per_s", r->output_tokens_per_s);
    num(o, "input_tokens_per_s", r->input_tokens_per_s);
    stat_object(o, "ttft_s", &r->ttft);
    stat_object(o, "tpot_s", &r->tpot);
    stat_object(o, "tbt_s", &r->tbt);
    stat_object(o, "e2e_s", &r->e2e);
    stat_object(o, "scheduling_delay_s", &r->scheduling_delay);
    stat_object(o, "batch_size", &r->batch_size);
    num(o, "kv_use_mean", r->kv_use_mean);
    num(o, "kv_use_max", r->kv_use_max);
    num(o, "busy_fraction", r->busy_fraction);
    num(o, "energy_j", r->energy_j);
    num(o, "mean_power_w", r->mean_power_w);
    num_or_null(o, "joules_per_output_token", r->joules_per_output_token,
                isfinite(r->joules_per_output_token));
    double usd_h = rep->usd_per_accel_hour * rep->accelerators;
    num_or_null(o, "usd_per_hour", usd_h, rep->has_cost);
    num_or_null(o, "usd_per_million_output_tokens",
                r->output_tokens_per_s > 0 ? 1e6 * usd_h / 3600 / r->output_tokens_per_s : 0,
                rep->has_cost && r->output_tokens_per_s > 0);
    if (r->timeline.n) {
        cJSON *t = cJSON_AddObjectToObject(o, "timeline");
        num(t, "start_s", r->timeline.start_s);
        num(t, "width_s", r->timeline.width_s);
        array_of(t, "batch", r->timeline.batch, r->timeline.n);
        array_of(t, "kv_use", r->timeline.kv_use, r->timeline.n);
        array_of(t, "power_w", r->timeline.power_w, r->timeline.n);
        array_of(t, "completed", r->timeline.done, r->timeline.n);
    }
    if (cap) {
        cJSON *x = cJSON_AddObjectToObject(o, "capacity");
        num(x, "rate_scale", cap->scale);
        num(x, "requests_per_s", cap->rate_rps);
        num(x, "ttft_s", cap->ttft_s);
        num(x, "tbt_s", cap->tbt_s);
        num(x, "simulations", cap->simulations);
    }
    return gw_json_finish(o);
}

static void stat_row(gw_buf *b, const char *label, const gw_stat *st, double scale,
                     const char *unit)
{
    char t[160];
    if (!isfinite(st->mean))
        snprintf(t, sizeof t, "n/a (no completed requests)");
    else
        snprintf(t, sizeof t, "%.4g / %.4g / %.4g / %.4g%s%s", st->mean * scale, st->p50 * scale,
                 st->p90 * scale, st->p99 * scale, unit[0] ? " " : "", unit);
    row(b, label, t);
}

char *gw_sim_text(const gw_scenario *sc, const gw_sim_report *rep, const gw_capacity *cap)
{
    const gw_sim_result *r = &rep->result;
    const gw_sim_config *c = &rep->sim;
    gw_buf b = {0};
    char t[200];
    gw_buf_printf(&b, "sim%s%s\n", sc->name[0] ? ": " : "", sc->name);
    gw_buf_printf(&b, "  %s on %d x %s (tp %d pp %d, %s), %d replica%s, %s scheduler, %s routing\n",
                  sc->model.meta.id, rep->accelerators, sc->accelerator.meta.id, rep->cfg.tp,
                  rep->cfg.pp, gw_precision_name(rep->cfg.weights), c->replicas,
                  c->replicas == 1 ? "" : "s", c->scheduler == GW_SCHED_SARATHI ? "sarathi" : "vllm",
                  c->route == GW_ROUTE_KV_AWARE ? "kv-aware"
                  : c->route == GW_ROUTE_LEAST_OUTSTANDING ? "least-outstanding" : "round-robin");
    if (sc->sim.trace)
        gw_buf_printf(&b, "  workload: %s, %zu request%s (%zu prompt%s cut)\n",
                      sc->sim.trace->text, r->requests, r->requests == 1 ? "" : "s",
                      rep->workload.cut, rep->workload.cut == 1 ? "" : "s");
    else
        gw_buf_printf(&b, "  workload: synthetic, %zu request%s at %.4g/s\n", r->requests,
                      r->requests == 1 ? "" : "s", sc->sim.rate);
    snprintf(t, sizeof t, "%zu completed, %zu rejected, %llu preemptions", r->completed,
             r->rejected, (unsigned long long)r->preemptions);
    row(&b, "requests", t);
    snprintf(t, sizeof t, "%.4g req/s, %.4g output tok/s over %.4g s", r->requests_per_s,
             r->output_tokens_per_s, r->makespan_s);
    row(&b, "throughput", t);
    gw_buf_printf(&b, "  %-34s %s\n", "", "mean / p50 / p90 / p99");
    stat_row(&b, "TTFT", &r->ttft, 1, "s");
    stat_row(&b, "TPOT", &r->tpot, 1e3, "ms");
    stat_row(&b, "TBT", &r->tbt, 1e3, "ms");
    stat_row(&b, "E2E", &r->e2e, 1, "s");
    stat_row(&b, "scheduling delay", &r->scheduling_delay, 1, "s");
    stat_row(&b, "batch size", &r->batch_size, 1, "");
    snprintf(t, sizeof t, "%.2f%% mean, %.2f%% max", 100 * r->kv_use_mean, 100 * r->kv_use_max);
    row(&b, "KV cache in use", t);
    snprintf(t, sizeof t, "%.1f%%", 100 * r->busy_fraction);
    row(&b, "replicas busy", t);
    snprintf(t, sizeof t, "%llu iterations, %llu events", (unsigned long long)r->iterations,
             (unsigned long long)r->events);
    row(&b, "simulated", t);
    row_si(&b, "energy (IT)", r->energy_j / 3600, "Wh");
    row_si(&b, "mean power (IT)", r->mean_power_w, "W");
    if (isfinite(r->joules_per_output_token)) {
        snprintf(t, sizeof t, "%.3g J", r->joules_per_output_token);
        row(&b, "energy per output token", t);
    }
    if (rep->has_cost && r->output_tokens_per_s > 0)
        row_usd(&b, "cost per million output tokens",
                1e6 * rep->usd_per_accel_hour * rep->accelerators / 3600 / r->output_tokens_per_s);
    if (cap) {
        snprintf(t, sizeof t, "%.4g req/s (x%.3g the workload's rate; %d simulations)",
                 cap->rate_rps, cap->scale, cap->simulations);
        row(&b, "capacity at the targets", t);
    }
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}

char *gw_sim_requests_csv(const gw_sim_report *rep)
{
    const gw_sim_result *r = &rep->result;
    const gw_workload *w = &rep->workload;
    gw_buf b = {0};
    gw_buf_printf(&b, "id,replica,arrived_at,prompt_tokens,output_tokens,scheduled_at,"
                      "first_token_at,completed_at,ttft_s,tpot_s,e2e_s,restarts\n");
    for (size_t i = 0; r->per_request && i < w->n && !b.failed; i++) {
        const gw_sim_request *q = &r->per_request[i];
        if (isnan(q->completed)) {
            gw_buf_printf(&b, "%zu,%d,%.17g,%d,%d,,,,,,,%d\n", i, q->replica, w->arrival[i],
                          w->prompt[i], w->output[i], q->restarts);
            continue;
        }
        gw_buf_printf(&b, "%zu,%d,%.17g,%d,%d,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%d\n", i,
                      q->replica,
                      w->arrival[i], w->prompt[i], w->output[i], q->scheduled, q->first_token,
                      q->completed, q->first_token - w->arrival[i],
                      (q->completed - q->first_token) / w->output[i],
                      q->completed - w->arrival[i], q->restarts);
    }
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}

/* ---- fleet -------------------------------------------------------------------- */

char *gw_fleet_json(const gw_fleet_report *rep)
{
    const gw_fleet_config *c = &rep->cfg;
    const gw_fleet_result *r = &rep->result;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    gw_json_tag(o, "fleet");
    cJSON *in = cJSON_AddObjectToObject(o, "inputs");
    if (rep->name[0])
        cJSON_AddStringToObject(in, "scenario", rep->name);
    num(in, "horizon_s", c->horizon_s);
    num(in, "tick_s", c->tick_s);
    num(in, "seed", (double)c->seed);
    cJSON *deps = cJSON_AddArrayToObject(in, "deployments");
    for (int d = 0; d < c->ndeployments; d++) {
        const gw_fleet_deployment *dep = &c->deployments[d];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "name", dep->name);
        cJSON_AddStringToObject(x, "model", rep->model_ids[d]);
        cJSON_AddStringToObject(x, "accelerator", rep->accels[d].meta.id);
        cJSON_AddStringToObject(x, "kind", dep->rented == 2 ? "on-demand"
                                           : dep->rented == 1 ? "reserved" : "own");
        num(x, "replicas", dep->replicas);
        num(x, "gpus_per_replica", dep->gpus_per_replica);
        num(x, "usd_per_gpu_hour", dep->usd_per_gpu_hour);
        num(x, "replica_s_per_prompt_token", dep->s_per_prompt_token);
        num(x, "replica_s_per_output_token", dep->s_per_output_token);
        cJSON *lat = cJSON_AddObjectToObject(x, "latency_by_load");
        array_of(lat, "rho", dep->lat_rho, 5);
        array_of(lat, "ttft_s", dep->lat_ttft, 5);
        array_of(lat, "tpot_s", dep->lat_tpot, 5);
        cJSON_AddItemToArray(deps, x);
    }
    num(o, "requests", r->requests);
    num(o, "served", r->served);
    num(o, "gpu_failures", (double)r->failures);
    num(o, "energy_wh", r->energy_wh);
    num(o, "own_cost_usd", r->own_cost_usd);
    num(o, "rented_cost_usd", r->rented_cost_usd);
    num(o, "revenue_usd", r->revenue_usd);
    cJSON *ts = cJSON_AddArrayToObject(o, "tenants");
    for (int t = 0; t < c->ntenants; t++) {
        const gw_fleet_tenant_result *tr = &r->tenant[t];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "name", c->tenants[t].name);
        num(x, "offered", tr->offered);
        num(x, "served", tr->served);
        num(x, "rate_limited", tr->rate_limited);
        num(x, "rejected", tr->rejected);
        num(x, "timed_out", tr->timed_out);
        num(x, "queued_at_end", tr->queued_at_end);
        num(x, "tokens_offered", tr->tokens_offered);
        num(x, "tokens_served", tr->tokens_served);
        num_or_null(x, "ttft_p50_s", tr->ttft_p50, isfinite(tr->ttft_p50));
        num_or_null(x, "ttft_p90_s", tr->ttft_p90, isfinite(tr->ttft_p90));
        num_or_null(x, "ttft_p99_s", tr->ttft_p99, isfinite(tr->ttft_p99));
        num_or_null(x, "tpot_p50_s", tr->tpot_p50, isfinite(tr->tpot_p50));
        num_or_null(x, "tpot_p90_s", tr->tpot_p90, isfinite(tr->tpot_p90));
        num_or_null(x, "slo_attainment", tr->slo_attainment, isfinite(tr->slo_attainment));
        num(x, "revenue_usd", tr->revenue_usd);
        cJSON_AddItemToArray(ts, x);
    }
    cJSON *hr = cJSON_AddObjectToObject(o, "hourly");
    const char *names[] = {"offered", "served", "rate_limited", "rejected", "timed_out",
                           "spilled", "rented", "queue_delay_s", "utilisation", "rented_gpus",
                           "down_gpus"};
    for (size_t f = 0; f < sizeof names / sizeof names[0]; f++) {
        cJSON *a = cJSON_AddArrayToObject(hr, names[f]);
        for (size_t h = 0; h < r->hours; h++)
            cJSON_AddItemToArray(a, cJSON_CreateNumber(((const double *)&r->hour[h])[f]));
    }
    /* the same counts per tenant: {tenant: {offered: [hours], served: ...}} */
    cJSON *bt = cJSON_AddObjectToObject(hr, "by_tenant");
    const char *tnames[] = {"offered", "served", "rate_limited", "rejected", "timed_out"};
    for (int t = 0; t < c->ntenants; t++) {
        cJSON *x = cJSON_AddObjectToObject(bt, c->tenants[t].name);
        for (size_t f = 0; f < sizeof tnames / sizeof tnames[0]; f++) {
            cJSON *a = cJSON_AddArrayToObject(x, tnames[f]);
            for (size_t h = 0; h < r->hours; h++) {
                const gw_fleet_tenant_hour *th = &r->tenant_hour[h * (size_t)c->ntenants + (size_t)t];
                cJSON_AddItemToArray(a, cJSON_CreateNumber(((const double *)th)[f]));
            }
        }
    }
    cJSON *mw = cJSON_AddObjectToObject(hr, "site_mw");
    for (int si = 0; si < c->nsites; si++) {
        cJSON *a = cJSON_AddArrayToObject(mw, c->sites[si].name);
        for (size_t h = 0; h < r->hours; h++)
            cJSON_AddItemToArray(a, cJSON_CreateNumber(r->site_mw[h * (size_t)c->nsites + (size_t)si]));
    }
    return gw_json_finish(o);
}

char *gw_fleet_text(const gw_fleet_report *rep)
{
    const gw_fleet_config *c = &rep->cfg;
    const gw_fleet_result *r = &rep->result;
    gw_buf b = {0};
    char t[200];
    gw_buf_printf(&b, "fleet%s%s: %d deployments, %d tenants, %.4g h\n", rep->name[0] ? ": " : "",
                  rep->name, c->ndeployments, c->ntenants, c->horizon_s / 3600);
    snprintf(t, sizeof t, "%.4g offered, %.4g served (%.1f%%)", r->requests, r->served,
             r->requests > 0 ? 100 * r->served / r->requests : 0);
    row(&b, "requests", t);
    row_si(&b, "energy (IT)", r->energy_wh, "Wh");
    row_usd(&b, "own fleet cost", r->own_cost_usd);
    row_usd(&b, "rented capacity cost", r->rented_cost_usd);
    row_usd(&b, "revenue", r->revenue_usd);
    snprintf(t, sizeof t, "%llu", (unsigned long long)r->failures);
    row(&b, "GPU failures", t);
    gw_buf_printf(&b, "\n  %-18s %10s %10s %10s %10s %10s %9s %9s %7s\n", "tenant", "offered",
                  "served", "limited", "rejected", "timed out", "TTFT p50", "TTFT p99", "SLO");
    for (int i = 0; i < c->ntenants; i++) {
        const gw_fleet_tenant_result *x = &r->tenant[i];
        if (!(x->served > 0)) { /* a held block, or nothing served: no latencies */
            gw_buf_printf(&b, "  %-18.18s %10.4g %10.4g %10.4g %10.4g %10.4g %9s %9s %7s\n",
                          c->tenants[i].name, x->offered, x->served, x->rate_limited, x->rejected,
                          x->timed_out, "-", "-", "-");
            continue;
        }
        gw_buf_printf(&b, "  %-18.18s %10.4g %10.4g %10.4g %10.4g %10.4g %8.3fs %8.3fs %6.1f%%\n",
                      c->tenants[i].name, x->offered, x->served, x->rate_limited, x->rejected,
                      x->timed_out, x->ttft_p50, x->ttft_p99, 100 * x->slo_attainment);
    }
    gw_buf_printf(&b, "\n  %-5s %10s %10s %10s %10s %8s %9s %9s\n", "hour", "offered", "served",
                  "limited", "rejected", "util", "rented", "GPUs down");
    for (size_t h = 0; h < r->hours; h++) {
        const gw_fleet_hour *H = &r->hour[h];
        gw_buf_printf(&b, "  %-5zu %10.4g %10.4g %10.4g %10.4g %7.1f%% %9.0f %9.0f\n", h,
                      H->offered, H->served, H->rate_limited, H->rejected + H->timed_out,
                      100 * H->utilisation, H->rented_gpus, H->down_gpus);
    }
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}

char *gw_fleet_hourly_csv(const gw_fleet_report *rep)
{
    const gw_fleet_config *c = &rep->cfg;
    const gw_fleet_result *r = &rep->result;
    gw_buf b = {0};
    gw_buf_printf(&b, "hour,offered,served,rate_limited,rejected,timed_out,spilled,rented,"
                      "queue_delay_s,utilisation,rented_gpus,down_gpus");
    for (int si = 0; si < c->nsites; si++)
        gw_buf_printf(&b, ",mw_%s", c->sites[si].name);
    gw_buf_printf(&b, "\n");
    for (size_t h = 0; h < r->hours; h++) {
        const gw_fleet_hour *H = &r->hour[h];
        gw_buf_printf(&b, "%zu,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g", h,
                      H->offered, H->served, H->rate_limited, H->rejected, H->timed_out,
                      H->spilled, H->rented, H->queue_delay_s, H->utilisation, H->rented_gpus,
                      H->down_gpus);
        for (int si = 0; si < c->nsites; si++)
            gw_buf_printf(&b, ",%.17g", r->site_mw[h * (size_t)c->nsites + (size_t)si]);
        gw_buf_printf(&b, "\n");
    }
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}
