/* src/scenario/command_model.c — the commands over the catalog and the
 * models (scenario layer): catalog, rack, plan with its build-out timeline,
 * perf, and report of saved results. Each loads, runs, and hands its JSON
 * and text to gw_cmd_finish (src/scenario/command.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command_int.h"
#include "gigawatt/output.h"
#include "gigawatt/plan.h"
#include "gigawatt/rack.h"
#include "gigawatt/risk.h"
#include "gigawatt/timeline.h"
#include "gigawatt/supply_cmd.h"
#include "gigawatt/supply_out.h"
#include "gigawatt/timeline_out.h"

static int out_of_memory(gw_error *err)
{
    return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
}

static int no_entry(const gw_catalog *cat, const char *id, gw_error *err)
{
    const char *cands[1024];
    size_t n = 0;
    for (size_t i = 0; i < cat->n && n < 1024; i++)
        cands[n++] = cat->entries[i].id;
    const char *sug = gw_suggest(id, cands, n);
    return gw_error_set(err, GW_E_INPUT, NULL, 0, 0, "no catalog entry '%.60s'; %s%s%s", id,
                        sug ? "did you mean '" : "expected an id from `gigawatt catalog`",
                        sug ? sug : "", sug ? "'?" : "");
}

int gw_cmd_catalog(const gw_cmd_args *a, gw_command_output *out, gw_error *err)
{
    const gw_command_request *req = a->req;
    if (req->npositional > 1)
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                            "unexpected argument '%s'; see gigawatt --help", req->positional[1]);
    gw_catalog cat;
    int rc = gw_cmd_load_catalog(a, &cat, err);
    if (rc)
        return rc;
    const gw_catalog_entry *e = NULL;
    if (req->npositional == 1 && !(e = gw_catalog_find_any(&cat, req->positional[0])))
        rc = no_entry(&cat, req->positional[0], err);
    if (rc == GW_OK && req->want_json)
        out->json = e ? gw_catalog_entry_json(&cat, e) : gw_catalog_list_json(&cat);
    if (rc == GW_OK && req->want_text)
        out->text = e ? gw_catalog_entry_text(&cat, e) : gw_catalog_list_text(&cat);
    if (rc == GW_OK && ((req->want_json && !out->json) || (req->want_text && !out->text)))
        rc = out_of_memory(err);
    gw_catalog_free(&cat);
    return rc;
}

int gw_cmd_report(const gw_cmd_args *a, gw_command_output *out, gw_error *err)
{
    return gw_report_html(a->req->positional, a->req->npositional, &out->html, err);
}

int gw_cmd_rack(const gw_cmd_args *a, gw_command_output *out, gw_error *err)
{
    gw_cmd_loaded l;
    int rc = gw_cmd_load_all(a, GW_NEED_RACK, &l, err);
    if (rc)
        return rc;
    gw_rack_input in;
    gw_rack_result r;
    gw_scenario_rack_input(l.sc, &in);
    if ((rc = gw_cmd_place_on_file(gw_rack_budget(&in, &r, err), l.sc, err)) == GW_OK)
        rc = gw_cmd_finish(a, gw_cmd_report_name(a),
                           GW_CMD_WANT_JSON(a) ? gw_rack_json(l.sc, &r) : NULL,
                           GW_CMD_WANT_TEXT(a) ? gw_rack_text(l.sc, &r) : NULL, out, err);
    gw_cmd_loaded_free(&l);
    return rc;
}

/* The build-out timeline of a plan scenario (docs/timeline.md). */
typedef struct plan_timeline {
    gw_timeline_input in;
    gw_timeline_params params;
    gw_timeline_result r;
    int has_timeline;         /* 0: a supply chain alone (in.chain) */
    int has_chain;            /* the scenario has a supply_chain: (docs/supply.md) */
    gw_supply_report chain;
} plan_timeline;

/* plan runs the timeline at each distribution's centre, but a scenario
 * that `risk` would refuse (p90 below p50, an unknown distribution, a
 * correlation matrix that is not one) is refused here too, at its line:
 * the risk engine's own preparation checks it (docs/risk.md §1-§2). */
static int check_uncertainty(const gw_catalog *cat, const gw_node *root,
                             const gw_timeline_params *ps, gw_error *err)
{
    int any = gw_node_get(root, "risk") != NULL;
    for (int i = 0; i < ps->n && !any; i++)
        any = ps->p[i].is_dist;
    if (!any)
        return GW_OK;
    gw_risk_plan *p = malloc(sizeof *p);
    if (!p)
        return out_of_memory(err);
    int rc = gw_risk_prepare(cat, root, p, err);
    free(p);
    return rc;
}

/* Run the timeline when the scenario has a timeline: section, and the
 * supply chain when it has a supply_chain: one (inside the timeline, or
 * alone); else *out stays NULL. */
static int run_timeline_if_any(const gw_cmd_loaded *l, plan_timeline **out, gw_error *err)
{
    *out = NULL;
    int has_tl = gw_timeline_present(l->root), has_chain = gw_supply_present(l->root);
    if (!has_tl && !has_chain)
        return GW_OK;
    plan_timeline *t = calloc(1, sizeof *t);
    int rc;
    if (!t)
        return out_of_memory(err);
    t->has_timeline = has_tl, t->has_chain = has_chain;
    if (!has_tl)
        rc = gw_supply_resolve(&l->cat, l->root, &t->in.chain, NULL, NULL, err);
    else if ((rc = gw_timeline_resolve(&l->cat, l->root, &t->in, &t->params, err)) == GW_OK &&
             (rc = check_uncertainty(&l->cat, l->root, &t->params, err)) == GW_OK &&
             (rc = gw_timeline_run(&t->in, &t->r, err)) == GW_OK) {
        for (int i = 0; i < t->params.n; i++)
            t->params.p[i].node = NULL; /* the config is freed before the timeline */
    }
    if (rc == GW_OK && has_chain)
        rc = has_tl ? gw_timeline_supply_report(&t->in, &t->chain, err)
                    : gw_supply_report_run(&t->in.chain, &t->chain, err);
    if (rc)
        free(t);
    else
        *out = t;
    return rc;
}

/* s + add (both freed); NULL if either is. */
static char *append(char *s, char *add)
{
    if (!s || !add) {
        free(s);
        free(add);
        return NULL;
    }
    size_t a = strlen(s), b = strlen(add);
    char *both = malloc(a + b + 1);
    if (both) {
        memcpy(both, s, a);
        memcpy(both + a, add, b + 1);
    }
    free(s);
    free(add);
    return both;
}

/* The plan's JSON with "timeline" and "supply_chain" members, its text
 * with their tables after it; `s` is freed. NULL stays NULL (OOM or not
 * wanted). */
static char *with_timeline(const plan_timeline *t, char *s, int json)
{
    if (!t || !s)
        return s;
    const gw_timeline_input *tl = t->has_timeline ? &t->in : NULL;
    const gw_timeline_result *tr = t->has_timeline ? &t->r : NULL;
    if (t->has_timeline) {
        char *add = json ? gw_timeline_json_merge(s, &t->in, &t->params, &t->r)
                         : gw_timeline_text(&t->in, &t->r);
        if (json) {
            free(s);
            s = add;
        } else {
            s = append(s, add);
        }
    }
    if (t->has_chain && s) {
        char *add = json ? gw_supply_json_merge(s, &t->in.chain, &t->chain, tl, tr)
                         : gw_supply_text(&t->in.chain, &t->chain, tl, tr);
        if (json) {
            free(s);
            s = add;
        } else {
            s = append(s, add);
        }
    }
    return s;
}

/* `plan` on a supply chain alone (no target:, no timeline:): the chain's
 * output, e.g. an industry's (scenarios/industry-2026.yaml). */
static int plan_chain_only(const gw_cmd_args *a, gw_cmd_loaded *l, gw_command_output *out,
                           gw_error *err)
{
    plan_timeline *t = NULL;
    int rc = run_timeline_if_any(l, &t, err);
    if (rc == GW_OK)
        rc = gw_cmd_finish(a, gw_cmd_report_name(a),
                           GW_CMD_WANT_JSON(a) ? gw_supply_json(&t->in.chain, &t->chain) : NULL,
                           GW_CMD_WANT_TEXT(a) ? gw_supply_text(&t->in.chain, &t->chain, NULL,
                                                                NULL)
                                               : NULL,
                           out, err);
    free(t);
    gw_cmd_loaded_free(l);
    return rc;
}

int gw_cmd_plan(const gw_cmd_args *a, gw_command_output *out, gw_error *err)
{
    gw_cmd_loaded l;
    int rc = gw_cmd_load_tree_and_catalog(a, &l, err);
    if (rc)
        return rc;
    if (gw_supply_present(l.root) && !gw_timeline_present(l.root) &&
        !gw_node_get(l.root, "target"))
        return plan_chain_only(a, &l, out, err);
    if ((rc = gw_cmd_resolve(&l, GW_NEED_PLAN, err))) {
        gw_cmd_loaded_free(&l);
        return rc;
    }
    gw_plan_input in;
    gw_plan_result *r = malloc(sizeof *r); /* ~10 kB: keep it off the stack */
    plan_timeline *tl = NULL;
    if (!r)
        rc = out_of_memory(err);
    else {
        gw_scenario_plan_input(l.sc, &in);
        /* the plan model's errors are about the target, as the timeline's are */
        rc = gw_scenario_place_error(gw_plan_size(&in, r, err), l.sc->target_node, err);
    }
    if (rc == GW_OK)
        rc = run_timeline_if_any(&l, &tl, err);
    if (rc == GW_OK) {
        const int json = GW_CMD_WANT_JSON(a), text = GW_CMD_WANT_TEXT(a);
        rc = gw_cmd_finish(a, gw_cmd_report_name(a),
                           json ? with_timeline(tl, gw_plan_json(l.sc, r), 1) : NULL,
                           text ? with_timeline(tl, gw_plan_text(l.sc, r), 0) : NULL, out, err);
    }
    free(tl);
    free(r);
    gw_cmd_loaded_free(&l);
    return rc;
}

int gw_cmd_perf(const gw_cmd_args *a, gw_command_output *out, gw_error *err)
{
    gw_cmd_loaded l;
    int rc = gw_cmd_load_all(a, GW_NEED_PERF, &l, err);
    if (rc)
        return rc;
    gw_perf_report *r = malloc(sizeof *r);
    if (!r)
        rc = out_of_memory(err);
    /* gw_perf_run places what it can (perf:, training:); the rest goes on the file */
    else if ((rc = gw_cmd_place_on_file(gw_perf_run(l.sc, r, err), l.sc, err)) == GW_OK)
        rc = gw_cmd_finish(a, gw_cmd_report_name(a),
                           GW_CMD_WANT_JSON(a) ? gw_perf_json(l.sc, r) : NULL,
                           GW_CMD_WANT_TEXT(a) ? gw_perf_text(l.sc, r) : NULL, out, err);
    free(r);
    gw_cmd_loaded_free(&l);
    return rc;
}
