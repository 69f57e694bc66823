/* tests/fuzz/fuzz_scenario.c — libFuzzer target for the scenario path:
 * YAML bytes -> located nodes -> resolution against the real catalog ->
 * rack, plan and perf models, small replica simulations -> JSON. Any crash, leak, UB or hang is a bug; bad
 * input must only ever produce a gw_error. Includes are off (the fuzzer
 * must not read arbitrary files). The catalog is loaded once. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/output.h"
#include "gigawatt/plan.h"
#include "gigawatt/scenario.h"

static gw_catalog catalog;
static int catalog_ok;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    gw_error err;
    const char *dir = getenv("GIGAWATT_CATALOG");
    catalog_ok = gw_catalog_load(&catalog, dir ? dir : GW_FUZZ_CATALOG, &err) == GW_OK;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gw_config cfg;
    gw_node *root;
    gw_error err;
    gw_config_init(&cfg);
    if (gw_config_load_buffer(&cfg, "fuzz.yaml", (const char *)data, size, 0, &root, &err) ==
            GW_OK &&
        catalog_ok) {
        static gw_scenario sc;
        static gw_plan_result plan;
        static gw_perf_report perf;
        const gw_node *simn = gw_node_get(root, "sim");
        if (simn && !gw_node_get(simn, "trace")) { /* no file reads from the fuzzer */
            static gw_sim_report rep;
            if (gw_scenario_resolve(&catalog, root, GW_NEED_SIM, &sc, &err) == GW_OK &&
                sc.sim.requests <= 200 && sc.sim.replicas <= 8 &&
                gw_sim_cmd_run(&sc, 1, &rep, &err) == GW_OK) {
                free(gw_sim_json(&sc, &rep, NULL));
                free(gw_sim_requests_csv(&rep));
                gw_sim_report_free(&rep);
            }
        } else if (gw_node_get(root, "model") || gw_node_get(root, "perf") ||
                   gw_node_get(root, "training")) {
            if (gw_scenario_resolve(&catalog, root, GW_NEED_PERF, &sc, &err) == GW_OK &&
                gw_perf_run(&sc, &perf, &err) == GW_OK) {
                free(gw_perf_json(&sc, &perf));
                free(gw_perf_text(&sc, &perf));
            }
        } else if (gw_scenario_resolve(&catalog, root, GW_NEED_PLAN, &sc, &err) == GW_OK) {
            gw_plan_input in;
            gw_scenario_plan_input(&sc, &in);
            if (gw_plan_size(&in, &plan, &err) == GW_OK)
                free(gw_plan_json(&sc, &plan));
        } else if (gw_scenario_resolve(&catalog, root, GW_NEED_RACK, &sc, &err) == GW_OK) {
            gw_rack_input in;
            gw_scenario_rack_input(&sc, &in);
            if (gw_rack_budget(&in, &plan.design, &err) == GW_OK)
                free(gw_rack_json(&sc, &plan.design));
        }
    }
    char line[1024];
    gw_error_format(&err, line, sizeof line);
    gw_config_free(&cfg);
    return 0;
}
