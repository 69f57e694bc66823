/* include/gigawatt/fleet_cmd.h — `gigawatt sim` on a scenario with a fleet:
 * section (scenario layer, above the engines): the sites, deployments,
 * rented pools, events and tenants of the scenario, each deployment's perf
 * engine, power (rack model) and cost (plan model), calibrated against the
 * replica simulator, then the fleet simulation. docs/fleet.md. */
#ifndef GIGAWATT_FLEET_CMD_H
#define GIGAWATT_FLEET_CMD_H

#include "gigawatt/fleet.h"
#include "gigawatt/scenario.h"
#include "gigawatt/sim.h"

typedef struct gw_fleet_report {
    gw_fleet_config cfg;
    gw_fleet_result result;
    char name[2 * GW_TEXT_MAX];
    /* owned per deployment */
    gw_llm *models;
    gw_accelerator *accels;
    gw_efficiency *effs;
    gw_perf_engine *engines;
    char (*model_ids)[GW_TEXT_MAX];
    char (*regions)[GW_TEXT_MAX]; /* per site */
    double **empirical;           /* per tenant x 2 */
    gw_workload *traces;          /* per tenant: request sizes from a trace */
    double memory_estimate_b;
} gw_fleet_report;

/* Does this scenario describe a fleet? */
int gw_scenario_has_fleet(const gw_node *root);

/* `progress` (may be NULL) is polled every simulated minute; returning
 * nonzero stops the run with GW_E_STOPPED. */
int gw_fleet_cmd_run(const gw_catalog *cat, const gw_node *root, gw_fleet_report *r,
                     gw_progress_fn progress, void *progress_user, gw_error *err);
void gw_fleet_report_free(gw_fleet_report *r);

#endif
