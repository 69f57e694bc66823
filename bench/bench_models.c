/* bench/bench_models.c — speed of the foundation: catalog load + scenario
 * resolution, one rack budget, one fleet sizing. Prints ns per call
 * (monotonic wall clock, best of 5 rounds). Run: build/bench/bench_models
 * [SCENARIO]; results go in bench/RESULTS.md. Not a test: it asserts nothing. */
#include <stdio.h>
#include <time.h>

#include "gigawatt/plan.h"
#include "gigawatt/scenario.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : GW_BENCH_SCENARIO;
    gw_error err;
    static gw_scenario sc;
    static gw_plan_result plan;
    volatile double sink = 0;

    double best_load = 1e9;
    for (int round = 0; round < 5; round++) {
        double t0 = now_s();
        gw_catalog cat;
        gw_config cfg;
        gw_node *root;
        gw_config_init(&cfg);
        if (gw_catalog_load(&cat, GW_BENCH_CATALOG, &err) ||
            gw_config_load_file(&cfg, path, 1, &root, &err) ||
            gw_scenario_resolve(&cat, root, GW_NEED_PLAN, &sc, &err)) {
            fprintf(stderr, "bench: %s:%d:%d: %s\n", err.file, err.line, err.col, err.msg);
            return 1;
        }
        double t = now_s() - t0;
        if (t < best_load)
            best_load = t;
        gw_config_free(&cfg);
        gw_catalog_free(&cat);
    }
    gw_rack_input rin;
    gw_scenario_rack_input(&sc, &rin);
    gw_plan_input pin;
    gw_scenario_plan_input(&sc, &pin);

    const int n = 2000000;
    double best_rack = 1e9, best_plan = 1e9;
    static gw_rack_result rr;
    for (int round = 0; round < 5; round++) {
        double t0 = now_s();
        for (int i = 0; i < n; i++) {
            rin.load = (i & 1023) / 1023.0;
            gw_rack_budget(&rin, &rr, &err);
            sink += rr.grid_power_w;
        }
        double t = (now_s() - t0) / n;
        if (t < best_rack)
            best_rack = t;
        t0 = now_s();
        for (int i = 0; i < n / 10; i++) {
            pin.target_value = 1e9 + i;
            gw_plan_size(&pin, &plan, &err);
            sink += plan.capex.total;
        }
        t = (now_s() - t0) / (n / 10);
        if (t < best_plan)
            best_plan = t;
    }
    printf("catalog load + scenario resolve : %8.3f ms\n", best_load * 1e3);
    printf("gw_rack_budget                  : %8.1f ns/call\n", best_rack * 1e9);
    printf("gw_plan_size                    : %8.1f ns/call\n", best_plan * 1e9);
    return sink == 0.0;
}
