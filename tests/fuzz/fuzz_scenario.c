/* tests/fuzz/fuzz_scenario.c — libFuzzer target for the scenario path:
 * YAML bytes -> located nodes -> resolution against the real catalog ->
 * rack, plan and perf models, small replica simulations, the build-out
 * timeline and a few risk draws -> JSON; and input that starts with '{' is
 * fed to the HTML report as a result. Any crash, leak, UB or hang is a bug;
 * bad input must only ever produce a gw_error. Includes are off (the fuzzer
 * must not read arbitrary files: no trace:, no fleet_result:). The catalog
 * is loaded once. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/output.h"
#include "gigawatt/plan.h"
#include "gigawatt/risk.h"
#include "gigawatt/scenario.h"
#include "gigawatt/timeline.h"
#include "gigawatt/timeline_out.h"

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

/* The timeline, then a few draws of the risk engine aggregated as a run of
 * that many (docs/timeline.md, docs/risk.md). */
static void timeline_and_risk(const gw_node *root)
{
    gw_error err;
    static gw_timeline_input tin;
    static gw_timeline_params tps;
    static gw_timeline_result tr;
    if (gw_timeline_resolve(&catalog, root, &tin, &tps, &err) == GW_OK &&
        gw_timeline_run(&tin, &tr, &err) == GW_OK) {
        free(gw_timeline_json(&tin, &tps, &tr));
        free(gw_timeline_text(&tin, &tr));
    }
    static gw_risk_plan rp;
    if (gw_risk_prepare(&catalog, root, &rp, &err) != GW_OK)
        return;
    enum { N = 8 };
    rp.draws = N;
    size_t ni = (size_t)rp.ninputs, no = (size_t)gw_risk_noutputs(&rp);
    size_t ns = (size_t)gw_risk_nseries(&rp);
    long long idx[N];
    for (int i = 0; i < N; i++)
        idx[i] = i;
    double *in = malloc(sizeof(double) * N * (ni ? ni : 1)), *out = malloc(sizeof(double) * N * no);
    float *rows = malloc(sizeof(float) * N * ns), *cols = malloc(sizeof(float) * N * ns);
    gw_risk_summary sum;
    if (in && out && rows && cols && gw_risk_run_draws(&rp, idx, N, 1, in, out, rows, &err) == GW_OK) {
        for (size_t c = 0; c < ns; c++) /* rows by draw -> columns by series */
            for (size_t d = 0; d < N; d++)
                cols[c * N + d] = rows[d * ns + c];
        if (gw_risk_aggregate(&rp, in, out, cols, 1, &sum, &err) == GW_OK) {
            free(gw_risk_json(&rp, &sum));
            free(gw_risk_text(&rp, &sum));
            gw_risk_summary_free(&sum);
        }
    }
    free(in), free(out), free(rows), free(cols);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 0 && data[0] == '{') { /* a result for the HTML report */
        char *json = malloc(size + 1);
        if (json) {
            memcpy(json, data, size);
            json[size] = 0;
            char *html = NULL;
            gw_error err;
            gw_report_html_text("fuzz.json", json, &html, &err);
            free(html);
            free(json);
        }
        return 0;
    }
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
        const gw_node *tl = gw_node_get(root, "timeline");
        const gw_node *dem = tl && tl->kind == GW_NODE_MAP ? gw_node_get(tl, "demand") : NULL;
        if (tl && !(dem && dem->kind == GW_NODE_MAP && gw_node_get(dem, "fleet_result"))) {
            timeline_and_risk(root); /* no file reads from the fuzzer */
        } else if (simn && !gw_node_get(simn, "trace")) { /* no file reads from the fuzzer */
            static gw_sim_report rep;
            if (gw_scenario_resolve(&catalog, root, GW_NEED_SIM, &sc, &err) == GW_OK &&
                sc.sim.requests <= 200 && sc.sim.replicas <= 8 &&
                gw_sim_cmd_run(&sc, 1, NULL, NULL, &rep, &err) == GW_OK) {
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
