/* bench/bench_timeline.c — speed of the build-out timeline: resolution of
 * the flagship's timeline: section (catalog, plan, rack and perf models),
 * and gw_timeline_run, the call a Monte Carlo makes once per draw (bar of
 * issue 6: 100,000 draws of an 8-year quarterly timeline in <= 10 s on this
 * machine, so one run must cost microseconds). Each call gets a copy of the
 * input with a different build level and demand growth, as a draw would.
 * Prints µs per call (monotonic wall clock, best of 5 rounds).
 * Run: build-release/bench/bench_timeline [SCENARIO] (default: the flagship,
 * whose accelerators come from its supply chain, computed inside each run);
 * results in bench/RESULTS.md.
 * Not a test: it asserts nothing. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gigawatt/catalog.h"
#include "gigawatt/config.h"
#include "gigawatt/timeline.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static gw_timeline_input in, draw;
static gw_timeline_params params;
static gw_timeline_result out;

int main(int argc, char **argv)
{
    const char *scenario = argc > 1 ? argv[1] : GW_BENCH_SCENARIO;
    gw_catalog cat;
    gw_config cfg;
    gw_node *root;
    gw_error err = {0};
    double t0 = now_s();
    if (gw_catalog_load(&cat, GW_BENCH_CATALOG, &err))
        goto fail;
    gw_config_init(&cfg);
    if (gw_config_load_file(&cfg, scenario, 1, &root, &err))
        goto fail;
    double t1 = now_s();
    if (gw_timeline_resolve(&cat, root, &in, &params, &err))
        goto fail;
    double t2 = now_s();
    printf("catalog + scenario load: %.2f ms; timeline resolve (plan, rack, perf): %.2f ms; "
           "%d named inputs\n",
           (t1 - t0) * 1e3, (t2 - t1) * 1e3, params.n);

    const gw_timeline_param *growth =
        gw_timeline_param_find(&params, "timeline.demand.products.chat.growth_per_year");
    const gw_timeline_param *level = gw_timeline_param_find(&params, "timeline.build_level");
    if (!growth || !level) {
        fprintf(stderr, "bench_timeline: the flagship lacks the benched inputs\n");
        return 1;
    }
    const int n = 100000;
    double best = 1e9, sink = 0;
    for (int round = 0; round < 5; round++) {
        double s = now_s();
        for (int i = 0; i < n; i++) {
            draw = in; /* a draw's own copy, as the risk engine makes */
            *gw_timeline_param_ptr(&draw, level) = 0.5 + (i % 101) / 100.0;
            *gw_timeline_param_ptr(&draw, growth) = 1.1 + (i % 37) / 50.0;
            if (gw_timeline_run(&draw, &out, &err))
                goto fail;
            sink += out.total_cost;
        }
        double t = now_s() - s;
        if (t < best)
            best = t;
    }
    printf("gw_timeline_run, %d quarters, %d stages, %d products, %d training runs, supply chain "
           "of %d components x %d products: %.2f us/call; %d draws in %.3f s on one core "
           "(checksum %.6g)\n",
           in.quarters, in.nstages, in.nproducts, in.nruns, in.chain.ncomponents,
           in.chain.nproducts, best / n * 1e6, n, best, sink);
    gw_config_free(&cfg);
    gw_catalog_free(&cat);
    return 0;
fail:
    fprintf(stderr, "bench_timeline: %s\n", err.msg);
    return 1;
}
