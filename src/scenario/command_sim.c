/* src/scenario/command_sim.c — `sim` as a library call (scenario layer): a
 * scenario with a fleet: section runs the fleet simulator (its hourly CSV,
 * the result store), any other the replica simulator, with the capacity
 * search (--capacity) or the cheapest-configuration search (--cheapest). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command_int.h"
#include "gigawatt/fleet_cmd.h"
#include "gigawatt/output.h"
#include "gigawatt/search_out.h"
#include "gigawatt/sim_cmd.h"

static int out_of_memory(gw_error *err)
{
    return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
}

/* A result's table as out->csv (option "requests-csv"). */
static int keep_csv(char *csv, gw_command_output *out, gw_error *err)
{
    if (!csv)
        return out_of_memory(err);
    out->csv = csv;
    return GW_OK;
}

/* docs/fleet.md: the run, its hourly series, the store, the result. */
static int run_fleet(const gw_cmd_args *a, const gw_cmd_loaded *l, gw_command_output *out,
                     gw_error *err)
{
    gw_fleet_report *r = malloc(sizeof *r);
    if (!r)
        return out_of_memory(err);
    gw_cmd_phase(a, "fleet", "requests offered");
    int rc = gw_fleet_cmd_run(&l->cat, l->root, r, a->req->progress, a->req->progress_user, err);
    if (rc) {
        free(r);
        return rc;
    }
    const char *name = gw_cmd_scenario_name(a);
    if (a->requests_csv) /* for a fleet: the hourly series */
        rc = keep_csv(gw_fleet_hourly_csv(r), out, err);
    if (rc == GW_OK && a->db) {
        gw_run_source *src = malloc(sizeof *src);
        rc = src ? gw_cmd_run_source(a, a->sets, a->nsets, src, err) : out_of_memory(err);
        if (rc == GW_OK)
            rc = gw_store_fleet(a->db, r, src, err);
        free(src);
    }
    if (rc == GW_OK)
        rc = gw_cmd_finish(a, name, GW_CMD_WANT_JSON(a) ? gw_fleet_json(r) : NULL,
                           GW_CMD_WANT_TEXT(a) ? gw_fleet_text(r) : NULL, out, err);
    gw_fleet_report_free(r);
    free(r);
    return rc;
}

/* The tree of a --cheapest candidate: the request's scenario afresh. */
static int candidate_tree(void *user, gw_config *cfg, gw_node **root, gw_error *err)
{
    return gw_cmd_load_tree(user, cfg, root, err);
}

static int run_cheapest(const gw_cmd_args *a, const gw_cmd_loaded *l, gw_command_output *out,
                        gw_error *err)
{
    const gw_sim_search_spec spec = {
        .target_rate = a->target_rate,
        .ttft_target_s = a->ttft_target,
        .tbt_target_s = a->tbt_target,
        .quantile = a->quantile,
        .accelerators = a->candidates,
        .tps = a->tps,
    };
    gw_sim_search s;
    gw_cmd_phase(a, "cheapest", "candidates");
    int rc = gw_sim_cheapest(&l->cat, l->sc, candidate_tree, (void *)a, &spec, a->req->progress,
                             a->req->progress_user, &s, err);
    if (rc)
        return rc;
    rc = gw_cmd_finish(a, gw_cmd_report_name(a), GW_CMD_WANT_JSON(a) ? gw_sim_search_json(&s) : NULL,
                       GW_CMD_WANT_TEXT(a) ? gw_sim_search_text(&s) : NULL, out, err);
    gw_sim_search_free(&s);
    return rc;
}

/* The replica simulation, then the optional capacity search. */
static int run_replicas(const gw_cmd_args *a, const gw_scenario *sc, gw_command_output *out,
                        gw_error *err)
{
    if (a->capacity && !(a->ttft_target > 0) && !(a->tbt_target > 0))
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                            "--capacity needs --ttft-target and/or --tbt-target; expected "
                            "seconds, e.g. --ttft-target 2");
    gw_sim_report *r = malloc(sizeof *r);
    if (!r)
        return out_of_memory(err);
    gw_cmd_phase(a, a->capacity ? "capacity" : "sim",
                 a->capacity ? "requests simulated" : "requests");
    int rc = gw_cmd_place_on_file(
        gw_sim_cmd_run(sc, a->requests_csv, a->req->progress, a->req->progress_user, r, err), sc,
        err);
    if (rc) {
        free(r);
        return rc;
    }
    gw_capacity cap, *capp = NULL;
    if (a->capacity &&
        (rc = gw_sim_capacity(r, a->ttft_target, a->tbt_target,
                              a->quantile > 0 ? a->quantile : 0.9, 12, &cap, err)) == GW_OK)
        capp = &cap;
    if (rc == GW_OK && a->requests_csv)
        rc = keep_csv(gw_sim_requests_csv(r), out, err);
    if (rc == GW_OK)
        rc = gw_cmd_finish(a, gw_cmd_report_name(a),
                           GW_CMD_WANT_JSON(a) ? gw_sim_json(sc, r, capp) : NULL,
                           GW_CMD_WANT_TEXT(a) ? gw_sim_text(sc, r, capp) : NULL, out, err);
    gw_sim_report_free(r);
    free(r);
    return rc;
}

int gw_cmd_sim(const gw_cmd_args *a, gw_command_output *out, gw_error *err)
{
    gw_cmd_loaded l;
    int rc = gw_cmd_load_tree_and_catalog(a, &l, err);
    if (rc)
        return rc;
    int fleet = gw_scenario_has_fleet(l.root);
    if ((rc = gw_cmd_check_scenario_kind(a, fleet, err)))
        ; /* an option this kind of scenario does not take */
    else if (fleet) /* a scenario with fleet: runs the fleet simulator */
        rc = run_fleet(a, &l, out, err);
    else if ((rc = gw_cmd_resolve(&l, GW_NEED_SIM, err)) == GW_OK)
        rc = a->cheapest ? run_cheapest(a, &l, out, err) : run_replicas(a, l.sc, out, err);
    gw_cmd_loaded_free(&l);
    return rc;
}
