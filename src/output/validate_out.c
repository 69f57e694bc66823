/* src/output/validate_out.c — `gigawatt validate` as JSON and as text
 * (output layer): one row per measured run (predicted against measured
 * TTFT and TPOT, or why it could not be predicted), then the errors per
 * partition (model x system x engine x mode) and per group (all, agg,
 * disagg, MoE, dense). Errors are (predicted - measured) / measured in %:
 * positive means the model is slower than the measurement. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/validate.h"
#include "json_int.h"

/* ---- JSON ------------------------------------------------------------------ */

static void num_or_null(cJSON *o, const char *k, double v)
{
    gw_json_num_or_null(o, k, v, isfinite(v));
}

static void errors_json(cJSON *o, const char *k, const gw_validate_errors *e)
{
    cJSON *x = cJSON_AddObjectToObject(o, k);
    gw_json_num(x, "n", e->n);
    num_or_null(x, "median_abs_pct", e->median_abs_pct);
    num_or_null(x, "mape_pct", e->mape_pct);
    num_or_null(x, "signed_median_pct", e->signed_median_pct);
}

static void counts_json(cJSON *o, const gw_validate_partition *p)
{
    gw_json_num(o, "rows", p->rows);
    gw_json_num(o, "unpredictable", p->unpredictable);
    errors_json(o, "ttft", &p->ttft);
    errors_json(o, "tpot", &p->tpot);
}

static void partition_json(cJSON *arr, const gw_validate_partition *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToArray(arr, o);
    cJSON_AddStringToObject(o, "model", p->model);
    cJSON_AddStringToObject(o, "system", p->system);
    cJSON_AddStringToObject(o, "engine", p->engine);
    cJSON_AddStringToObject(o, "mode", p->mode);
    if (p->efficiency[0]) {
        cJSON_AddStringToObject(o, "efficiency", p->efficiency);
        cJSON_AddBoolToObject(o, "engine_stack", p->engine_stack);
    } else {
        cJSON_AddNullToObject(o, "efficiency");
    }
    counts_json(o, p);
}

char *gw_validate_json(const gw_validate_result *r)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *rows = cJSON_AddArrayToObject(root, "rows");
    for (size_t i = 0; rows && i < r->nrows; i++) {
        const gw_validate_row *w = &r->rows[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(rows, o);
        cJSON_AddStringToObject(o, "id", w->id);
        num_or_null(o, "predicted_ttft_ms", w->predicted_ttft_ms);
        num_or_null(o, "predicted_tpot_ms", w->predicted_tpot_ms);
        num_or_null(o, "measured_ttft_ms", w->measured_ttft_ms);
        num_or_null(o, "measured_tpot_ms", w->measured_tpot_ms);
        if (w->error[0])
            cJSON_AddStringToObject(o, "error", w->error);
    }
    cJSON *s = cJSON_AddObjectToObject(root, "summary");
    if (r->replayed) /* absent: the closed form (docs/validate.md §7) */
        cJSON_AddStringToObject(s, "predictor", "replay");
    cJSON *all = cJSON_AddObjectToObject(s, "overall");
    counts_json(all, &r->groups[0]);
    cJSON *groups = cJSON_AddArrayToObject(s, "groups");
    for (int g = 1; g < GW_VALIDATE_GROUPS; g++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(groups, o);
        cJSON_AddStringToObject(o, "group", r->groups[g].label);
        counts_json(o, &r->groups[g]);
    }
    cJSON *parts = cJSON_AddArrayToObject(s, "partitions");
    for (size_t i = 0; i < r->npartitions; i++)
        partition_json(parts, &r->partitions[i]);
    return gw_json_finish(root);
}

/* ---- text ------------------------------------------------------------------ */

/* "12.3" or "-" */
static void cell(gw_buf *b, double v, int width, int decimals)
{
    if (isfinite(v))
        gw_buf_printf(b, " %*.*f", width, decimals, v);
    else
        gw_buf_printf(b, " %*s", width, "-");
}

static double pct(double predicted, double measured)
{
    return 100 * (predicted - measured) / measured;
}

static void rows_text(gw_buf *b, const gw_validate_result *r)
{
    int w = 2;
    for (size_t i = 0; i < r->nrows; i++)
        w = (int)fmax(w, fmin(72, strlen(r->rows[i].id)));
    gw_buf_printf(b, "%-*s %23s   %23s\n", w, "", "TTFT ms", "TPOT ms");
    gw_buf_printf(b, "%-*s %9s %9s %7s %9s %9s %7s\n", w, "id", "predicted", "measured",
                  "error %", "predicted", "measured", "error %");
    for (size_t i = 0; i < r->nrows; i++) {
        const gw_validate_row *x = &r->rows[i];
        gw_buf_printf(b, "%-*.*s", w, w, x->id);
        if (x->error[0]) {
            gw_buf_printf(b, "  unpredictable: %s\n", x->error);
            continue;
        }
        cell(b, x->predicted_ttft_ms, 9, 1);
        cell(b, x->measured_ttft_ms, 9, 1);
        cell(b, pct(x->predicted_ttft_ms, x->measured_ttft_ms), 7, 1);
        cell(b, x->predicted_tpot_ms, 9, 2);
        cell(b, x->measured_tpot_ms, 9, 2);
        cell(b, pct(x->predicted_tpot_ms, x->measured_tpot_ms), 7, 1);
        gw_buf_printf(b, "\n");
    }
}

static void errors_text(gw_buf *b, const gw_validate_partition *p)
{
    gw_buf_printf(b, " %5d %5d", p->rows, p->unpredictable);
    const gw_validate_errors *e[2] = {&p->ttft, &p->tpot};
    for (int k = 0; k < 2; k++) {
        gw_buf_printf(b, " ");
        cell(b, e[k]->median_abs_pct, 6, 1);
        cell(b, e[k]->mape_pct, 6, 1);
        cell(b, e[k]->signed_median_pct, 7, 1);
    }
    gw_buf_printf(b, "\n");
}

static void summary_header(gw_buf *b, int w, const char *what)
{
    gw_buf_printf(b, "%-*s %5s %5s  %-22s %-22s\n", w, "", "", "", "TTFT error %",
                  "TPOT error %");
    gw_buf_printf(b, "%-*s %5s %5s  %6s %6s %7s  %6s %6s %7s\n", w, what, "rows", "unpr.",
                  "median", "MAPE", "signed", "median", "MAPE", "signed");
}

static void partitions_text(gw_buf *b, const gw_validate_result *r)
{
    int w = 24;
    char name[4 * GW_VALIDATE_NAME + 8];
    for (size_t i = 0; i < r->npartitions; i++) {
        const gw_validate_partition *p = &r->partitions[i];
        w = (int)fmax(w, snprintf(name, sizeof name, "%s %s %s %s", p->model, p->system,
                                  p->engine, p->mode));
    }
    gw_buf_printf(b, "\nper partition (model system engine mode; median = median |error|, "
                     "signed > 0: the model is slower):\n");
    summary_header(b, w, "partition");
    for (size_t i = 0; i < r->npartitions; i++) {
        const gw_validate_partition *p = &r->partitions[i];
        snprintf(name, sizeof name, "%s %s %s %s", p->model, p->system, p->engine, p->mode);
        gw_buf_printf(b, "%-*s", w, strcmp(name, "   ") ? name : "(rows without names)");
        errors_text(b, p);
    }
    gw_buf_printf(b, "\n");
    summary_header(b, w, "group");
    for (int g = 0; g < GW_VALIDATE_GROUPS; g++) {
        gw_buf_printf(b, "%-*s", w, r->groups[g].label);
        errors_text(b, &r->groups[g]);
    }
}

/* An earlier partition of the same accelerator and engine (listed once). */
static int stack_listed(const gw_validate_result *r, size_t i)
{
    const gw_validate_partition *p = &r->partitions[i];
    for (size_t j = 0; j < i; j++) {
        const gw_validate_partition *q = &r->partitions[j];
        if (q->efficiency[0] && !q->engine_stack && strcmp(q->system, p->system) == 0 &&
            strcmp(q->engine, p->engine) == 0)
            return 1;
    }
    return 0;
}

/* Which stack each accelerator and engine used, when not the engine's own. */
static void stacks_text(gw_buf *b, const gw_validate_result *r)
{
    int header = 0;
    for (size_t i = 0; i < r->npartitions; i++) {
        const gw_validate_partition *p = &r->partitions[i];
        if (!p->efficiency[0] || p->engine_stack || stack_listed(r, i))
            continue;
        if (!header++)
            gw_buf_printf(b, "\nthe catalog has no stack of the engine for these accelerators; "
                             "their own stack was used:\n");
        gw_buf_printf(b, "  %s %s: %s\n", p->system, p->engine, p->efficiency);
    }
}

char *gw_validate_text(const gw_validate_result *r)
{
    gw_buf b = {0};
    if (r->replayed)
        gw_buf_printf(&b, "predicted by each row's benchmark replayed through the replica "
                          "simulator (--replay; docs/validate.md §9)\n\n");
    rows_text(&b, r);
    partitions_text(&b, r);
    stacks_text(&b, r);
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s ? b.s : calloc(1, 1);
}
