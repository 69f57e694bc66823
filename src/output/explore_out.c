/* src/output/explore_out.c — an explore result as JSON, text and CSV
 * (output layer). The JSON's members are the interface of docs/explore.md
 * §6: objectives, points ({params, objectives, feasible, why}), pareto,
 * best, sensitivity. A number the models do not give is null, never made
 * up. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/buffer.h"
#include "gigawatt/csv.h"
#include "gigawatt/explore_out.h"
#include "json_int.h"

/* Field j's value at x: a number (bare numbers) or the text --set got. */
static cJSON *param_json(const gw_explore_spec *s, int j, double x)
{
    const gw_explore_var *v = &s->vary[j];
    char text[96];
    gw_explore_value_text(s, j, x, text, sizeof text);
    if (v->numeric)
        return cJSON_CreateNumber(v->is_range ? gw_explore_range_value(s, j, x)
                                              : strtod(text, NULL));
    return cJSON_CreateString(text);
}

static cJSON *params_json(const gw_explore_spec *s, const gw_explore_point *p)
{
    cJSON *o = cJSON_CreateObject();
    for (int j = 0; o && j < s->nvary; j++)
        cJSON_AddItemToObject(o, s->vary[j].key, param_json(s, j, p->x[j]));
    return o;
}

static cJSON *objectives_of(const gw_explore_spec *s, const gw_explore_point *p)
{
    cJSON *o = cJSON_CreateObject();
    for (int q = 0; o && q < s->nobj; q++) {
        double v = p->m[s->obj[q].metric];
        gw_json_num_or_null(o, gw_explore_metrics[s->obj[q].metric].name, v, !isnan(v));
    }
    return o;
}

static void add_design(cJSON *root, const gw_explore_spec *s)
{
    static const char *const designs[] = {"grid", "random", "lhs"};
    cJSON_AddStringToObject(root, "design", designs[s->design]);
    gw_json_num(root, "seed", (double)s->seed);
    gw_json_num(root, "npoints", (double)s->npoints);
    cJSON *vary = cJSON_AddArrayToObject(root, "vary");
    for (int j = 0; vary && j < s->nvary; j++) {
        const gw_explore_var *v = &s->vary[j];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(vary, o);
        cJSON_AddStringToObject(o, "key", v->key);
        if (v->is_range) {
            gw_json_num(o, "low", v->low);
            gw_json_num(o, "high", v->high);
            gw_json_num(o, "steps", v->steps);
            cJSON_AddStringToObject(o, "unit", v->unit);
        } else {
            cJSON *lv = cJSON_AddArrayToObject(o, "levels");
            for (int k = 0; lv && k < v->nlevels; k++)
                cJSON_AddItemToArray(lv, param_json(s, j, k));
        }
    }
    cJSON *obj = cJSON_AddArrayToObject(root, "objectives");
    for (int q = 0; obj && q < s->nobj; q++) {
        const gw_explore_metric_info *m = &gw_explore_metrics[s->obj[q].metric];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(obj, o);
        cJSON_AddStringToObject(o, "name", m->name);
        cJSON_AddStringToObject(o, "direction", s->obj[q].maximise ? "max" : "min");
        cJSON_AddStringToObject(o, "unit", m->unit);
    }
    const gw_explore_limits *l = &s->limits;
    cJSON *c = cJSON_AddObjectToObject(root, "constraints");
    gw_json_num_or_null(c, "rack_power_w", l->rack_power_w, l->rack_power_w > 0);
    gw_json_num_or_null(c, "cooling_capacity_w", l->cooling_capacity_w, l->cooling_capacity_w > 0);
    gw_json_num_or_null(c, "floor_load_kg_m2", l->floor_load_kg_m2, l->floor_load_kg_m2 > 0);
    gw_json_num_or_null(c, "scale_up_domain", l->scale_up_domain, l->scale_up_domain > 0);
    gw_json_num_or_null(c, "site_power_w", l->site_power_w, l->site_power_w > 0);
}

static void add_summary(cJSON *root, const gw_explore_spec *s, const gw_explore_result *r)
{
    gw_json_num(root, "feasible", (double)r->nfeasible);
    cJSON *par = cJSON_AddArrayToObject(root, "pareto");
    for (size_t i = 0; par && i < r->nfront; i++)
        cJSON_AddItemToArray(par, cJSON_CreateNumber((double)r->front[i]));
    cJSON *best = cJSON_AddObjectToObject(root, "best");
    for (int q = 0; best && q < s->nobj; q++) {
        const char *name = gw_explore_metrics[s->obj[q].metric].name;
        if (r->best[q] < 0) {
            cJSON_AddNullToObject(best, name);
            continue;
        }
        const gw_explore_point *p = &r->points[r->best[q]];
        cJSON *o = cJSON_AddObjectToObject(best, name);
        gw_json_num(o, "index", (double)r->best[q]);
        gw_json_num(o, "value", p->m[s->obj[q].metric]);
        cJSON_AddItemToObject(o, "params", params_json(s, p));
        cJSON *m = cJSON_AddObjectToObject(o, "metrics"); /* every result field */
        for (int k = 0; m && k < GW_XM_COUNT; k++)
            gw_json_num_or_null(m, gw_explore_metrics[k].name, p->m[k], !isnan(p->m[k]));
    }
    cJSON *sens = cJSON_AddObjectToObject(root, "sensitivity");
    cJSON_AddStringToObject(sens, "definition",
                            "(max - min of the objective's mean over the feasible points at "
                            "each level of the field) / |mean over all feasible points|; "
                            "ranges under random/lhs in 8 equal bins (docs/explore.md §5)");
    for (int q = 0; sens && q < s->nobj; q++) {
        cJSON *rank = cJSON_AddArrayToObject(sens, gw_explore_metrics[s->obj[q].metric].name);
        for (int k = 0; rank && k < s->nvary; k++) {
            int j = r->rank[q][k];
            cJSON *o = cJSON_CreateObject();
            cJSON_AddItemToArray(rank, o);
            cJSON_AddStringToObject(o, "key", s->vary[j].key);
            gw_json_num_or_null(o, "relative_range", r->sens[q][j], !isnan(r->sens[q][j]));
        }
    }
}

char *gw_explore_json(const char *name, const gw_explore_spec *s, const gw_explore_result *r)
{
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    gw_json_tag(root, "explore");
    cJSON_AddStringToObject(root, "scenario", name ? name : "");
    add_design(root, s);
    add_summary(root, s, r);
    cJSON *pts = cJSON_AddArrayToObject(root, "points");
    for (long long i = 0; pts && i < r->n; i++) {
        const gw_explore_point *p = &r->points[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(pts, o);
        cJSON_AddItemToObject(o, "params", params_json(s, p));
        cJSON_AddItemToObject(o, "objectives", objectives_of(s, p));
        cJSON_AddBoolToObject(o, "feasible", p->feasible);
        cJSON_AddStringToObject(o, "why", p->why);
    }
    return gw_json_finish(root);
}

static void params_text(gw_buf *b, const gw_explore_spec *s, const gw_explore_point *p)
{
    for (int j = 0; j < s->nvary; j++) {
        char text[96];
        gw_explore_value_text(s, j, p->x[j], text, sizeof text);
        gw_buf_printf(b, "%s%s=%s", j ? " " : "", s->vary[j].key, text);
    }
}

static void point_line(gw_buf *b, const gw_explore_spec *s, long long i,
                       const gw_explore_point *p)
{
    gw_buf_printf(b, "  #%-6lld ", i);
    params_text(b, s, p);
    for (int q = 0; q < s->nobj; q++)
        gw_buf_printf(b, "  %s %.4g", gw_explore_metrics[s->obj[q].metric].name,
                      p->m[s->obj[q].metric]);
    gw_buf_printf(b, "\n");
}

char *gw_explore_text(const char *name, const gw_explore_spec *s, const gw_explore_result *r)
{
    static const char *const designs[] = {"grid", "random", "Latin hypercube"};
    gw_buf b = {0};
    gw_buf_printf(&b, "explore: %s\n  %s design, %lld points over %d fields; %lld feasible, "
                  "%zu on the Pareto front\n",
                  name ? name : "", designs[s->design], r->n, s->nvary, r->nfeasible, r->nfront);
    gw_buf_printf(&b, "\nBest per objective:\n");
    for (int q = 0; q < s->nobj; q++) {
        const gw_explore_metric_info *m = &gw_explore_metrics[s->obj[q].metric];
        gw_buf_printf(&b, "  %s (%s, %s):", m->name, s->obj[q].maximise ? "max" : "min", m->unit);
        if (r->best[q] < 0) {
            gw_buf_printf(&b, " no feasible point\n");
            continue;
        }
        const gw_explore_point *p = &r->points[r->best[q]];
        gw_buf_printf(&b, " %.4g at #%lld  ", p->m[s->obj[q].metric], r->best[q]);
        params_text(&b, s, p);
        gw_buf_printf(&b, "\n");
    }
    gw_buf_printf(&b, "\nPareto front (%zu points%s):\n", r->nfront,
                  r->nfront > 20 ? ", the first 20" : "");
    for (size_t k = 0; k < r->nfront && k < 20; k++)
        point_line(&b, s, (long long)r->front[k], &r->points[r->front[k]]);
    gw_buf_printf(&b, "\nSensitivity (relative range of the objective's mean over each "
                  "field's levels):\n");
    for (int q = 0; q < s->nobj; q++) {
        gw_buf_printf(&b, "  %s:", gw_explore_metrics[s->obj[q].metric].name);
        for (int k = 0; k < s->nvary; k++) {
            double v = r->sens[q][r->rank[q][k]];
            gw_buf_printf(&b, "%s %s ", k ? "," : "", s->vary[r->rank[q][k]].key);
            gw_buf_printf(&b, isnan(v) ? "-" : "%.3g", v); /* one level: no spread */
        }
        gw_buf_printf(&b, "\n");
    }
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}

char *gw_explore_csv(const gw_explore_spec *s, const gw_explore_result *r)
{
    gw_buf b = {0};
    gw_buf_printf(&b, "index,feasible,pareto");
    for (int j = 0; j < s->nvary; j++) {
        gw_buf_printf(&b, ",");
        gw_csv_write_field(&b, s->vary[j].key);
    }
    for (int k = 0; k < GW_XM_COUNT; k++)
        gw_buf_printf(&b, ",%s", gw_explore_metrics[k].name);
    gw_buf_printf(&b, ",why\n");
    size_t f = 0;
    for (long long i = 0; i < r->n; i++) {
        const gw_explore_point *p = &r->points[i];
        int on = f < r->nfront && r->front[f] == (size_t)i;
        f += on;
        gw_buf_printf(&b, "%lld,%d,%d", i, p->feasible, on);
        for (int j = 0; j < s->nvary; j++) {
            char text[96];
            gw_explore_value_text(s, j, p->x[j], text, sizeof text);
            gw_buf_printf(&b, ",");
            gw_csv_write_field(&b, text);
        }
        for (int k = 0; k < GW_XM_COUNT; k++)
            gw_buf_printf(&b, isnan(p->m[k]) ? "," : ",%.10g", p->m[k]);
        gw_buf_printf(&b, ",");
        gw_csv_write_field(&b, p->why);
        gw_buf_printf(&b, "\n");
    }
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}
