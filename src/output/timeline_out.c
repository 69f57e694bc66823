/* src/output/timeline_out.c — the build-out timeline as a yearly text table
 * and as JSON with per-quarter series (output layer). JSON keys carry their
 * unit in the name (`_w`, `_usd`; accelerator counts `_accelerators`),
 * values are SI; cJSON prints doubles with round-trip precision, so the same
 * result always gives the same bytes. Keys: docs/timeline.md §7. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/output.h"
#include "json_int.h"
#include "gigawatt/timeline_out.h"

#define R(field) offsetof(gw_timeline_result, field)

/* The per-quarter series, in the order the JSON lists them. */
static const struct {
    const char *key;
    size_t offset;
} series[] = {
    {"ordered_w", R(ordered_w)},
    {"pipeline_w", R(pipeline_w)},
    {"online_w", R(online_w)},
    {"slots_accelerators", R(slots)},
    {"allocation_accelerators", R(allocation)},
    {"installed_accelerators", R(installed)},
    {"retired_accelerators", R(retired)},
    {"capacity_accelerators", R(capacity)},
    {"demand_accelerators", R(demand)},
    {"demand_inference_accelerators", R(demand_inference)},
    {"demand_training_accelerators", R(demand_training)},
    {"tokens_demand", R(tokens_demand)},
    {"tokens_served", R(tokens_served)},
    {"shortfall_accelerators", R(shortfall)},
    {"rented_accelerators", R(rented)},
    {"throttled_accelerators", R(throttled)},
    {"idle_accelerators", R(idle)},
    {"power_w", R(power_w)},
    {"households", R(households)},
    {"capex_facility_usd", R(capex_facility)},
    {"capex_accelerators_usd", R(capex_accelerators)},
    {"capex_usd", R(capex)},
    {"opex_usd", R(opex)},
    {"energy_usd", R(energy)},
    {"revenue_usd", R(revenue)},
    {"lost_revenue_usd", R(lost_revenue)},
    {"rental_usd", R(rental)},
    {"depreciation_usd", R(depreciation)},
    {"cash_usd", R(cash)},
};
#define NSERIES (sizeof series / sizeof series[0])

static const double *series_of(const gw_timeline_result *r, size_t i)
{
    return (const double *)((const char *)r + series[i].offset);
}

void gw_quarter_label(int start_year, int start_q, int q, char *buf, size_t n)
{
    int k = start_q - 1 + q;
    snprintf(buf, n, "%d-Q%d", start_year + k / 4, k % 4 + 1);
}

void gw_timeline_quarter_label(const gw_timeline_result *r, int q, char *buf, size_t n)
{
    gw_quarter_label(r->start_year, r->start_q, q, buf, n);
}

/* ---- JSON -------------------------------------------------------------------- */

static cJSON *timeline_object(const gw_timeline_input *in, const gw_timeline_params *params,
                              const gw_timeline_result *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    char lab[16];
    gw_timeline_quarter_label(r, 0, lab, sizeof lab);
    cJSON_AddStringToObject(o, "start", lab);
    cJSON_AddNumberToObject(o, "quarters", r->quarters);
    cJSON_AddNumberToObject(o, "build_level", in->build_level);
    cJSON_AddStringToObject(o, "shortfall_policy",
                            in->shortfall == GW_SHORTFALL_RENT ? "rent" : "throttle");
    cJSON *labels = cJSON_AddArrayToObject(o, "quarter_labels");
    for (int q = 0; q < r->quarters; q++) {
        gw_timeline_quarter_label(r, q, lab, sizeof lab);
        cJSON_AddItemToArray(labels, cJSON_CreateString(lab));
    }
    if (params) { /* every input the model used, by its risk name, SI */
        cJSON *inp = cJSON_AddObjectToObject(o, "inputs");
        for (int i = 0; i < params->n; i++)
            cJSON_AddNumberToObject(inp, params->p[i].name, params->p[i].value);
    }
    cJSON *s = cJSON_AddObjectToObject(o, "series");
    for (size_t i = 0; i < NSERIES; i++) {
        cJSON *a = cJSON_AddArrayToObject(s, series[i].key);
        const double *v = series_of(r, i);
        for (int q = 0; q < r->quarters; q++)
            cJSON_AddItemToArray(a, cJSON_CreateNumber(v[q]));
    }
    cJSON *t = cJSON_AddObjectToObject(o, "totals");
    cJSON_AddNumberToObject(t, "capex_usd", r->total_capex);
    cJSON_AddNumberToObject(t, "opex_usd", r->total_opex);
    cJSON_AddNumberToObject(t, "revenue_usd", r->total_revenue);
    cJSON_AddNumberToObject(t, "rental_usd", r->total_rental);
    cJSON_AddNumberToObject(t, "depreciation_usd", r->total_depreciation);
    cJSON_AddNumberToObject(t, "lost_revenue_usd", r->total_lost_revenue);
    cJSON_AddNumberToObject(t, "rental_premium_usd", r->rental_premium);
    cJSON_AddNumberToObject(t, "throttle_penalty_usd", r->throttle_penalty);
    cJSON_AddNumberToObject(t, "idle_cost_usd", r->idle_cost);
    cJSON_AddNumberToObject(t, "cost_too_little_usd", r->cost_too_little);
    cJSON_AddNumberToObject(t, "cost_too_much_usd", r->cost_too_much);
    cJSON_AddNumberToObject(t, "total_cost_usd", r->total_cost);
    cJSON_AddNumberToObject(t, "final_cash_usd", r->final_cash);
    cJSON_AddNumberToObject(t, "min_cash_usd", r->min_cash);
    gw_timeline_quarter_label(r, r->min_cash_quarter, lab, sizeof lab);
    cJSON_AddStringToObject(t, "min_cash_quarter", lab);
    cJSON_AddNumberToObject(t, "served_fraction", r->served_fraction);
    cJSON_AddNumberToObject(t, "quarters_short", r->quarters_short);
    if (r->first_quarter_covered >= 0) {
        gw_timeline_quarter_label(r, r->first_quarter_covered, lab, sizeof lab);
        cJSON_AddStringToObject(t, "covered_from", lab);
    } else {
        cJSON_AddNullToObject(t, "covered_from");
    }
    cJSON_AddNumberToObject(t, "peak_shortfall_accelerators", r->peak_shortfall);
    cJSON_AddNumberToObject(t, "peak_idle_accelerators", r->peak_idle);
    cJSON_AddNumberToObject(t, "end_online_w", r->end_online_w);
    cJSON_AddNumberToObject(t, "end_capacity_accelerators", r->end_capacity);
    return o;
}

char *gw_timeline_json(const gw_timeline_input *in, const gw_timeline_params *params,
                       const gw_timeline_result *r)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *tl = timeline_object(in, params, r);
    if (!root || !tl) {
        cJSON_Delete(root);
        cJSON_Delete(tl);
        return NULL;
    }
    gw_json_tag(root, "timeline");
    cJSON_AddItemToObject(root, "timeline", tl);
    return gw_json_finish(root);
}

char *gw_timeline_json_merge(const char *json, const gw_timeline_input *in,
                             const gw_timeline_params *params, const gw_timeline_result *r)
{
    cJSON *root = cJSON_Parse(json);
    cJSON *tl = root && cJSON_IsObject(root) ? timeline_object(in, params, r) : NULL;
    if (!tl) {
        cJSON_Delete(root);
        return NULL;
    }
    cJSON_AddItemToObject(root, "timeline", tl);
    return gw_json_finish(root);
}

/* ---- text -------------------------------------------------------------------- */

static void cell(gw_buf *b, double v, double scale, int width)
{
    gw_buf_printf(b, " %*.*f", width, fabs(v / scale) >= 100 ? 0 : 1, v / scale);
}

static void total_row(gw_buf *b, const char *label, double usd)
{
    char s[64];
    gw_format_usd(usd, s, sizeof s);
    gw_buf_printf(b, "  %-44s %s\n", label, s);
}

char *gw_timeline_text(const gw_timeline_input *in, const gw_timeline_result *r)
{
    gw_buf b = {0};
    char first[16], last[16], s[64];
    gw_timeline_quarter_label(r, 0, first, sizeof first);
    gw_timeline_quarter_label(r, r->quarters - 1, last, sizeof last);
    gw_buf_printf(&b, "\ntimeline: %s to %s (%d quarters), build level %.2f of the plan, "
                      "shortfall %s\n",
                  first, last, r->quarters, in->build_level,
                  in->shortfall == GW_SHORTFALL_RENT ? "rented, then throttled" : "throttled");
    gw_buf_printf(&b, "  stocks at the end of each year, accelerators and power as the year's "
                      "mean, money summed (--json: every quarter)\n\n");
    gw_buf_printf(&b, "  %-5s %7s %7s %7s %7s %7s %7s %7s %7s %7s %7s %7s %8s\n", "year",
                  "online", "accel", "demand", "short", "rented", "idle", "drawn", "homes",
                  "capex", "revenue", "rental", "cash");
    gw_buf_printf(&b, "  %-5s %7s %7s %7s %7s %7s %7s %7s %7s %7s %7s %7s %8s\n", "", "GW", "M",
                  "M", "M", "M", "M", "GW", "M", "B USD", "B USD", "B USD", "B USD");
    int q = 0;
    while (q < r->quarters) {
        int year = r->start_year + (r->start_q - 1 + q) / 4;
        double dem = 0, sh = 0, re = 0, id = 0, pw = 0, hh = 0, cx = 0, rv = 0, rt = 0;
        int n = 0, end = q;
        for (; end < r->quarters && r->start_year + (r->start_q - 1 + end) / 4 == year; end++) {
            dem += r->demand[end], sh += r->shortfall[end], re += r->rented[end];
            id += r->idle[end], pw += r->power_w[end], hh += r->households[end];
            cx += r->capex[end], rv += r->revenue[end], rt += r->rental[end];
            n++;
        }
        int e = end - 1;
        gw_buf_printf(&b, "  %-5d", year);
        cell(&b, r->online_w[e], 1e9, 7);
        cell(&b, r->capacity[e], 1e6, 7);
        cell(&b, dem / n, 1e6, 7);
        cell(&b, sh / n, 1e6, 7);
        cell(&b, re / n, 1e6, 7);
        cell(&b, id / n, 1e6, 7);
        cell(&b, pw / n, 1e9, 7);
        cell(&b, hh / n, 1e6, 7);
        cell(&b, cx, 1e9, 7);
        cell(&b, rv, 1e9, 7);
        cell(&b, rt, 1e9, 7);
        cell(&b, r->cash[e], 1e9, 8);
        gw_buf_printf(&b, "\n");
        q = end;
    }
    gw_buf_printf(&b, "\nTotals over the horizon\n");
    total_row(&b, "capex", r->total_capex);
    total_row(&b, "opex", r->total_opex);
    total_row(&b, "revenue", r->total_revenue);
    total_row(&b, "backup capacity rented", r->total_rental);
    total_row(&b, "depreciation", r->total_depreciation);
    gw_format_usd(r->min_cash, s, sizeof s);
    gw_timeline_quarter_label(r, r->min_cash_quarter, first, sizeof first);
    gw_buf_printf(&b, "  %-44s %s (%s)\n", "lowest cumulative cash", s, first);
    total_row(&b, "cash at the end", r->final_cash);
    gw_buf_printf(&b, "  %-44s %.1f %%\n", "tokens served of those asked for",
                  100 * r->served_fraction);
    if (r->first_quarter_covered >= 0)
        gw_timeline_quarter_label(r, r->first_quarter_covered, first, sizeof first);
    gw_buf_printf(&b, "  %-44s %d of %d; covered from %s\n", "quarters short of capacity",
                  r->quarters_short, r->quarters, r->first_quarter_covered >= 0 ? first : "never");
    gw_buf_printf(&b, "\nCost of too little and of too much\n");
    total_row(&b, "lost revenue (throttled tokens)", r->total_lost_revenue);
    total_row(&b, "rental premium (rent minus owned cost)", r->rental_premium);
    total_row(&b, "throttling penalty", r->throttle_penalty);
    total_row(&b, "too little, in all", r->cost_too_little);
    total_row(&b, "too much: idle capital", r->cost_too_much);
    total_row(&b, "total", r->total_cost);
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}
