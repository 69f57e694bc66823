/* src/output/supply_out.c — the component supply chain as JSON (every
 * quarter, every year) and as a yearly text table (output layer). Counts are
 * plain numbers (accelerators, racks, component units); slack is the share
 * of a component's supply left unused (0 = it binds); shadow prices are per
 * unit of the component. Keys: docs/supply.md §6. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/output.h"
#include "gigawatt/supply_out.h"
#include "gigawatt/timeline_out.h"
#include "json_int.h"

static int year_of(const gw_supply_input *in, int q)
{
    return in->start_year + (in->start_q - 1 + q) / 4;
}

static double slack(const gw_supply_report *rep, int c, int q)
{
    double a = rep->r.available[c][q];
    return a > 0 ? fmax(0, 1 - rep->r.used[c][q] / a) : 0;
}

/* Accelerators component c binds in quarter q (summed over the products it limits). */
static double bound_by(const gw_supply_input *in, const gw_supply_report *rep, int c, int q)
{
    double x = 0;
    for (int p = 0; p < in->nproducts; p++)
        if (rep->r.product_binding[p][q] == c)
            x += rep->r.by_product[p][q];
    return x;
}

/* The component that binds the most accelerators over quarters [q0, q1). */
static int binding_over(const gw_supply_input *in, const gw_supply_report *rep, int q0, int q1)
{
    int best = -1;
    double most = 0;
    for (int c = 0; c < in->ncomponents; c++) {
        double x = 0;
        for (int q = q0; q < q1; q++)
            x += bound_by(in, rep, c, q);
        if (x > most)
            most = x, best = c;
    }
    return best;
}

static void add_binding(cJSON *o, const gw_supply_input *in, int c)
{
    if (c >= 0)
        cJSON_AddStringToObject(o, "binding", in->c[c].name);
    else
        cJSON_AddNullToObject(o, "binding");
}

static cJSON *quarter_object(const gw_supply_input *in, const gw_supply_report *rep, int q)
{
    cJSON *o = cJSON_CreateObject();
    char lab[16];
    gw_quarter_label(in->start_year, in->start_q, q, lab, sizeof lab);
    cJSON_AddStringToObject(o, "quarter", lab);
    cJSON_AddNumberToObject(o, "accelerators", rep->r.accelerators[q]);
    cJSON_AddNumberToObject(o, "racks", rep->r.racks[q]);
    cJSON_AddNumberToObject(o, "lab_accelerators", rep->r.lab[q]);
    int eq = in->equivalent_of[0] != '\0';
    gw_json_num_or_null(o, "accelerator_equivalents", rep->r.equivalents[q], eq);
    gw_json_num_or_null(o, "lab_equivalents", rep->r.lab_equivalents[q], eq);
    add_binding(o, in, rep->r.binding[q]);
    cJSON *av = cJSON_AddObjectToObject(o, "available");
    cJSON *sl = cJSON_AddObjectToObject(o, "slack");
    cJSON *sp = cJSON_AddObjectToObject(o, "shadow_price");
    cJSON *sv = cJSON_AddObjectToObject(o, "shadow_revenue_usd");
    for (int c = 0; c < in->ncomponents; c++) {
        const char *n = in->c[c].name;
        cJSON_AddNumberToObject(av, n, rep->r.available[c][q]);
        cJSON_AddNumberToObject(sl, n, slack(rep, c, q));
        cJSON_AddNumberToObject(sp, n, rep->shadow[c][q]);
        gw_json_num_or_null(sv, n, rep->shadow_revenue[c][q], rep->has_revenue);
    }
    cJSON *bp = cJSON_AddObjectToObject(o, "by_product");
    for (int p = 0; p < in->nproducts; p++)
        cJSON_AddNumberToObject(bp, in->p[p].id, rep->r.by_product[p][q]);
    return o;
}

/* One calendar year: quarters [q0, q1). */
static cJSON *year_object(const gw_supply_input *in, const gw_supply_report *rep, int q0, int q1,
                          const gw_timeline_result *tr)
{
    cJSON *o = cJSON_CreateObject();
    double acc = 0, racks = 0, lab = 0, typed = 0, eqv = 0, lab_eq = 0;
    int eq = in->equivalent_of[0] != '\0';
    for (int q = q0; q < q1; q++) {
        acc += rep->r.accelerators[q], racks += rep->r.racks[q], lab += rep->r.lab[q];
        eqv += rep->r.equivalents[q], lab_eq += rep->r.lab_equivalents[q];
        typed += tr ? tr->allocation[q] : 0;
    }
    cJSON_AddNumberToObject(o, "year", year_of(in, q0));
    cJSON_AddNumberToObject(o, "quarters", q1 - q0);
    cJSON_AddNumberToObject(o, "accelerators", acc);
    gw_json_num_or_null(o, "accelerator_equivalents", eqv, eq);
    cJSON_AddNumberToObject(o, "racks", racks);
    cJSON_AddNumberToObject(o, "lab_accelerators", lab);
    gw_json_num_or_null(o, "lab_equivalents", lab_eq, eq);
    /* the timeline's allocation, in its unit: compare with lab_equivalents */
    if (tr)
        cJSON_AddNumberToObject(o, "timeline_allocation", typed);
    add_binding(o, in, binding_over(in, rep, q0, q1));
    cJSON *bv = cJSON_AddObjectToObject(o, "by_vendor");
    cJSON *bp = cJSON_AddObjectToObject(o, "by_product");
    cJSON *be = eq ? cJSON_AddObjectToObject(o, "by_product_equivalents") : NULL;
    if (!eq)
        cJSON_AddNullToObject(o, "by_product_equivalents");
    for (int p = 0; p < in->nproducts; p++) {
        double x = 0;
        for (int q = q0; q < q1; q++)
            x += rep->r.by_product[p][q];
        cJSON_AddNumberToObject(bp, in->p[p].id, x);
        if (be)
            cJSON_AddNumberToObject(be, in->p[p].id, x * in->p[p].equivalents);
        cJSON *v = cJSON_GetObjectItemCaseSensitive(bv, in->p[p].vendor);
        if (v)
            cJSON_SetNumberValue(v, v->valuedouble + x);
        else
            cJSON_AddNumberToObject(bv, in->p[p].vendor, x);
    }
    return o;
}

static cJSON *chain_object(const gw_supply_input *in, const gw_supply_report *rep,
                           const gw_timeline_input *tl, const gw_timeline_result *tr)
{
    cJSON *o = cJSON_CreateObject();
    char lab[16];
    gw_quarter_label(in->start_year, in->start_q, 0, lab, sizeof lab);
    cJSON_AddStringToObject(o, "start", lab);
    cJSON_AddNumberToObject(o, "quarters", in->quarters);
    cJSON_AddStringToObject(o, "rule", in->rule == GW_SUPPLY_PRIORITY ? "priority" : "shares");
    /* drives: the timeline installs the lab's share; else the chain is a check */
    cJSON_AddBoolToObject(o, "drives_timeline", tl && tl->chain_drives);
    /* the accelerator equivalents count in (docs/supply.md §4); null: none */
    if (in->equivalent_of[0])
        cJSON_AddStringToObject(o, "equivalent_of", in->equivalent_of);
    else
        cJSON_AddNullToObject(o, "equivalent_of");
    cJSON *cs = cJSON_AddArrayToObject(o, "components");
    for (int c = 0; c < in->ncomponents; c++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "name", in->c[c].name);
        cJSON_AddStringToObject(x, "consumes", gw_supply_item_names[in->c[c].item]);
        cJSON_AddNumberToObject(x, "delay_to_delivery_quarters", gw_supply_offset_q(in, c));
        cJSON_AddItemToArray(cs, x);
    }
    cJSON *ps = cJSON_AddArrayToObject(o, "products");
    for (int p = 0; p < in->nproducts; p++) {
        cJSON *x = cJSON_CreateObject(), *bom;
        cJSON_AddStringToObject(x, "id", in->p[p].id);
        cJSON_AddStringToObject(x, "vendor", in->p[p].vendor);
        cJSON_AddNumberToObject(x, "lab_share", in->p[p].lab_share);
        gw_json_num_or_null(x, "accelerator_equivalents", in->p[p].equivalents,
                            in->equivalent_of[0] != '\0');
        bom = cJSON_AddObjectToObject(x, "per_package");
        for (int c = 0; c < in->ncomponents; c++)
            cJSON_AddNumberToObject(bom, in->c[c].name, gw_supply_need(in, p, c));
        cJSON_AddItemToArray(ps, x);
    }
    cJSON *bq = cJSON_AddArrayToObject(o, "by_quarter");
    for (int q = 0; q < in->quarters; q++)
        cJSON_AddItemToArray(bq, quarter_object(in, rep, q));
    cJSON *by = cJSON_AddArrayToObject(o, "by_year");
    for (int q0 = 0, q1; q0 < in->quarters; q0 = q1) {
        for (q1 = q0; q1 < in->quarters && year_of(in, q1) == year_of(in, q0); q1++)
            ;
        cJSON_AddItemToArray(by, year_object(in, rep, q0, q1, tl && tr ? tr : NULL));
    }
    return o;
}

char *gw_supply_json_merge(const char *json, const gw_supply_input *in,
                           const gw_supply_report *rep, const gw_timeline_input *tl,
                           const gw_timeline_result *tr)
{
    cJSON *root = cJSON_Parse(json);
    cJSON *sc = root && cJSON_IsObject(root) ? chain_object(in, rep, tl, tr) : NULL;
    if (!sc) {
        cJSON_Delete(root);
        return NULL;
    }
    cJSON_AddItemToObject(root, "supply_chain", sc);
    return gw_json_finish(root);
}

char *gw_supply_json(const gw_supply_input *in, const gw_supply_report *rep)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *sc = root ? chain_object(in, rep, NULL, NULL) : NULL;
    if (!sc) {
        cJSON_Delete(root);
        return NULL;
    }
    gw_json_tag(root, "supply_chain");
    cJSON_AddItemToObject(root, "supply_chain", sc);
    return gw_json_finish(root);
}

/* ---- text -------------------------------------------------------------------- */

/* Accelerators by vendor and year (millions), vendors in the products' order. */
static void vendor_table(gw_buf *b, const gw_supply_input *in, const gw_supply_report *rep)
{
    const char *v[GW_SUPPLY_MAX_PRODUCTS];
    int nv = 0;
    for (int p = 0; p < in->nproducts; p++) {
        int k = 0;
        while (k < nv && strcmp(v[k], in->p[p].vendor) != 0)
            k++;
        if (k == nv)
            v[nv++] = in->p[p].vendor;
    }
    gw_buf_printf(b, "\n  accelerators (packages) by vendor, M\n  %-5s", "year");
    for (int k = 0; k < nv; k++)
        gw_buf_printf(b, " %9.9s", v[k]);
    gw_buf_printf(b, "\n");
    for (int q0 = 0, q1; q0 < in->quarters; q0 = q1) {
        for (q1 = q0; q1 < in->quarters && year_of(in, q1) == year_of(in, q0); q1++)
            ;
        gw_buf_printf(b, "  %-5d", year_of(in, q0));
        for (int k = 0; k < nv; k++) {
            double x = 0;
            for (int p = 0; p < in->nproducts; p++)
                for (int q = q0; q < q1 && !strcmp(in->p[p].vendor, v[k]); q++)
                    x += rep->r.by_product[p][q];
            gw_buf_printf(b, " %9.2f", x / 1e6);
        }
        gw_buf_printf(b, "\n");
    }
}

char *gw_supply_text(const gw_supply_input *in, const gw_supply_report *rep,
                     const gw_timeline_input *tl, const gw_timeline_result *tr)
{
    gw_buf b = {0};
    char first[16], last[16];
    gw_quarter_label(in->start_year, in->start_q, 0, first, sizeof first);
    gw_quarter_label(in->start_year, in->start_q, in->quarters - 1, last, sizeof last);
    int drives = tl && tl->chain_drives;
    gw_buf_printf(&b, "\nsupply chain: %s to %s, rule %s; %s\n", first, last,
                  in->rule == GW_SUPPLY_PRIORITY ? "priority" : "shares",
                  drives ? "the timeline installs the lab's share"
                  : tl   ? "a check: the timeline's allocation is typed in"
                         : "no timeline");
    gw_buf_printf(&b, "  components (delay to delivery):");
    for (int c = 0; c < in->ncomponents; c++)
        gw_buf_printf(&b, "%s %s %.2f q", c ? "," : "", in->c[c].name, gw_supply_offset_q(in, c));
    int eq = in->equivalent_of[0] != '\0';
    gw_buf_printf(&b, "\n  accelerators (packages) and racks summed over each year; slack: share "
                      "of the year's supply unused (--json: every quarter, shadow prices)\n");
    if (eq)
        gw_buf_printf(&b, "  equiv: accelerator-equivalents of %s (TDP ratio, docs/supply.md §4)%s\n",
                      in->equivalent_of,
                      !tr ? "" : drives ? "; alloc: the timeline's allocation (the lab's equivalents)"
                                        : "; alloc: the timeline's allocation, typed in (a check)");
    gw_buf_printf(&b, "\n  %-5s %9s", "year", "accel M");
    if (eq)
        gw_buf_printf(&b, " %9s", "equiv M");
    gw_buf_printf(&b, " %8s %9s", "racks k", "lab M");
    if (eq)
        gw_buf_printf(&b, " %9s", "lab eq M");
    gw_buf_printf(&b, " %9s  %-12s", tr ? "alloc M" : "", "binding");
    for (int c = 0; c < in->ncomponents; c++)
        gw_buf_printf(&b, " %8.8s", in->c[c].name);
    gw_buf_printf(&b, "\n");
    for (int q0 = 0, q1; q0 < in->quarters; q0 = q1) {
        for (q1 = q0; q1 < in->quarters && year_of(in, q1) == year_of(in, q0); q1++)
            ;
        double acc = 0, racks = 0, lab = 0, typed = 0, eqv = 0, lab_eq = 0;
        for (int q = q0; q < q1; q++) {
            acc += rep->r.accelerators[q], racks += rep->r.racks[q], lab += rep->r.lab[q];
            eqv += rep->r.equivalents[q], lab_eq += rep->r.lab_equivalents[q];
            typed += tr ? tr->allocation[q] : 0;
        }
        int bind = binding_over(in, rep, q0, q1);
        gw_buf_printf(&b, "  %-5d %9.2f ", year_of(in, q0), acc / 1e6);
        if (eq)
            gw_buf_printf(&b, "%9.2f ", eqv / 1e6);
        gw_buf_printf(&b, "%8.1f %9.2f ", racks / 1e3, lab / 1e6);
        if (eq)
            gw_buf_printf(&b, "%9.2f ", lab_eq / 1e6);
        if (tr)
            gw_buf_printf(&b, "%9.2f", typed / 1e6);
        else
            gw_buf_printf(&b, "%9s", "");
        gw_buf_printf(&b, "  %-12s", bind >= 0 ? in->c[bind].name : "-");
        for (int c = 0; c < in->ncomponents; c++) {
            double a = 0, u = 0;
            for (int q = q0; q < q1; q++)
                a += rep->r.available[c][q], u += rep->r.used[c][q];
            gw_buf_printf(&b, " %7.0f%%", a > 0 ? 100 * fmax(0, 1 - u / a) : 0.0);
        }
        gw_buf_printf(&b, "\n");
    }
    vendor_table(&b, in, rep);
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}
