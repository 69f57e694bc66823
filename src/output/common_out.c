/* src/output/common_out.c — what the result writers of several kinds share
 * (output layer, internal; declared in json_int.h and text_int.h): the JSON
 * tag, numbers and final text, the inputs block of a facility (rack, plan)
 * or model (perf, sim) result, and the label-value rows of the text tables. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/output.h"
#include "json_int.h"
#include "text_int.h"

/* ---- JSON ------------------------------------------------------------------ */

cJSON *gw_json_num(cJSON *o, const char *k, double v)
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

/* operation.power_cap and the clock it allows (docs/model.md §1.4); only
 * capped runs carry them, so the others keep their bytes */
static void power_cap_json(cJSON *in, const gw_scenario *sc)
{
    if (sc->power_cap_w > 0) {
        gw_json_num(in, "power_cap_w", sc->power_cap_w);
        gw_json_num(in, "power_cap_clock", sc->power_cap_clock);
    }
    if (sc->nassumed > 0) { /* catalog values by rule, not sourced (docs/catalog.md) */
        cJSON *a = cJSON_AddArrayToObject(in, "assumed");
        for (int i = 0; i < sc->nassumed; i++)
            cJSON_AddItemToArray(a, cJSON_CreateString(sc->assumed[i]));
    }
}

void gw_json_facility_inputs(cJSON *root, const gw_scenario *sc, double load)
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
    gw_json_num(in, "load", load);
    gw_json_num(in, "systems_per_rack", sc->system.systems_per_rack);
    power_cap_json(in, sc);
    if (sc->rack_note[0])
        cJSON_AddStringToObject(in, "rack_note", sc->rack_note);
}

/* A number, or null when it does not exist (infeasible, no cost known):
 * never a made-up value. */
void gw_json_num_or_null(cJSON *o, const char *k, double v, int have)
{
    if (have)
        gw_json_num(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

void gw_json_array(cJSON *o, const char *k, const double *v, size_t n)
{
    cJSON *a = cJSON_AddArrayToObject(o, k);
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
}

/* The inputs of a perf or sim result: scenario, model, hardware, stack. */
cJSON *gw_json_model_inputs(cJSON *o, const gw_scenario *sc)
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
    power_cap_json(in, sc);
    return in;
}

/* ---- text ---------------------------------------------------------------- */

void gw_text_row(gw_buf *b, const char *label, const char *value)
{
    gw_buf_printf(b, "  %-34s %s\n", label, value);
}

void gw_text_row_si(gw_buf *b, const char *label, double v, const char *unit)
{
    char s[64];
    gw_format_si(v, unit, s, sizeof s);
    gw_text_row(b, label, s);
}

void gw_text_row_usd(gw_buf *b, const char *label, double v)
{
    char s[64];
    gw_format_usd(v, s, sizeof s);
    gw_text_row(b, label, s);
}

void gw_text_row_num(gw_buf *b, const char *label, double v, const char *unit)
{
    char s[64], t[80];
    gw_format_count(v, s, sizeof s);
    snprintf(t, sizeof t, "%s%s%s", s, unit[0] ? " " : "", unit);
    gw_text_row(b, label, t);
}

void gw_csv_reals(gw_buf *b, const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char s[40];
        gw_format_real(v[i], s, sizeof s);
        gw_buf_printf(b, ",%s", s);
    }
}

void gw_text_header(gw_buf *b, const gw_scenario *sc, const char *title, double load)
{
    gw_buf_printf(b, "%s%s%s\n", title, sc->name[0] ? ": " : "", sc->name);
    gw_buf_printf(b, "  system %s (%s x %.0f), cooling %s, site %s%s%s%s, load %.2f\n",
                  sc->system.meta.id, sc->accelerator.meta.id, sc->system.accelerators,
                  sc->cooling.meta.id, sc->site.meta.id, sc->site_note[0] ? " (" : "",
                  sc->site_note, sc->site_note[0] ? ")" : "", load);
    if (sc->rack_note[0])
        gw_buf_printf(b, "  %s\n", sc->rack_note);
    gw_text_status_note(b, sc);
}

/* What a result's numbers rest on beyond sourced figures, one line each
 * and only when there is one, so other outputs stay as they were: a power
 * cap (docs/model.md §1.4), catalog values by assumption (docs/catalog.md,
 * "Prices by rule"), and an accelerator or system of `status: announced`
 * (a vendor's announced figures, not a shipping product's; "Status"). The
 * one place perf, rack, plan and sim text say them. */
void gw_text_status_note(gw_buf *b, const gw_scenario *sc)
{
    if (sc->power_cap_w > 0)
        gw_buf_printf(b, "  power cap %.0f W per accelerator (%.0f %% of its %.0f W TDP): clock "
                         "%.3f of peak, FLOP/s peaks scaled by it\n",
                      sc->power_cap_w, 100 * sc->power_cap_w / sc->uncapped_tdp_w,
                      sc->uncapped_tdp_w, sc->power_cap_clock);
    if (sc->nassumed > 0) {
        gw_buf_printf(b, "  assumed, no public source (docs/catalog.md, \"Prices by rule\"): ");
        for (int i = 0; i < sc->nassumed; i++)
            gw_buf_printf(b, "%s%s", i ? ", " : "", sc->assumed[i]);
        gw_buf_printf(b, "\n");
    }
    int acc = strcmp(sc->accelerator.status, "announced") == 0;
    int sys = sc->has_system && strcmp(sc->system.status, "announced") == 0;
    if (!acc && !sys)
        return;
    gw_buf_printf(b, "  announced specification: %s%s%s%s%s (vendor figures, not yet shipping)\n",
                  acc ? "accelerator " : "", acc ? sc->accelerator.meta.id : "",
                  acc && sys ? ", " : "", sys ? "system " : "", sys ? sc->system.meta.id : "");
}
