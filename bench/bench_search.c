/* bench/bench_search.c — speed of the configuration search (issue 13's
 * bar: DeepSeek-R1 on 72 GB200s at 1k/1k in at most 10 s). Times the whole
 * search in-process (gw_search_run: every worker shape's engine, every
 * candidate priced by gw_serve_agg / gw_serve_disagg, the front), with and
 * without targets, plus the command as a library call (catalog load,
 * scenario, search, JSON). Monotonic wall clock, best of 5 rounds. Run:
 * build/bench/bench_search [--exhaustive] (also compares the front with
 * the exhaustive search's, once); results in bench/RESULTS.md. Not a test:
 * it asserts nothing. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gigawatt/command.h"
#include "gigawatt/config_search.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct setup {
    gw_llm model;
    gw_accelerator accel;
    gw_efficiency eff;
} setup;

static int load(const gw_catalog *cat, setup *s)
{
    gw_error err = {0};
    if (gw_catalog_get(cat, &gw_schema_llm, "deepseek-r1", NULL, &s->model, &err) ||
        gw_catalog_get(cat, &gw_schema_accelerator, "gb200", NULL, &s->accel, &err) ||
        gw_catalog_get(cat, &gw_schema_efficiency, s->accel.efficiency, NULL, &s->eff, &err)) {
        fprintf(stderr, "bench_search: %s\n", err.msg);
        return 1;
    }
    return 0;
}

/* Best of 5 whole searches; the last result's counts in *r. */
static double time_search(const gw_search_spec *s, gw_search_result *r)
{
    double best = 1e9;
    for (int round = 0; round < 5; round++) {
        gw_error err = {0};
        gw_search_result_free(r);
        double t0 = now_s();
        if (gw_search_run(s, r, &err)) {
            fprintf(stderr, "bench_search: %s\n", err.msg);
            return -1;
        }
        double t = now_s() - t0;
        best = t < best ? t : best;
    }
    return best;
}

static void report(const char *what, const gw_search_spec *s)
{
    gw_search_result r = {0};
    double t = time_search(s, &r);
    if (t >= 0)
        printf("%-44s %8.3f s  %8ld candidates (%.2f us each), %zu on the front, %ld of %ld "
               "shapes pruned\n",
               what, t, r.evaluated, 1e6 * t / (double)(r.evaluated ? r.evaluated : 1), r.nfront,
               r.roles_pruned, r.roles);
    gw_search_result_free(&r);
}

/* The cuts against the exhaustive search (every ratio and concurrency), once:
 * the same front and best, or how far apart they are. */
static void check_cuts(gw_search_spec s)
{
    gw_search_result cut = {0}, all = {0};
    gw_error err = {0};
    s.exhaustive = 0;
    if (gw_search_run(&s, &cut, &err))
        return;
    s.exhaustive = 1;
    double t0 = now_s();
    if (gw_search_run(&s, &all, &err) == GW_OK) {
        /* every exhaustive front point, matched by a cut point at least as good */
        size_t covered = 0;
        for (size_t i = 0; i < all.nfront; i++)
            for (size_t j = 0; j < cut.nfront; j++)
                if (cut.front[j].tps_gpu >= all.front[i].tps_gpu * (1 - 1e-9) &&
                    cut.front[j].tps_user >= all.front[i].tps_user * (1 - 1e-9)) {
                    covered++;
                    break;
                }
        printf("%-44s %8.3f s  %8ld candidates; %zu of its %zu front points matched by the "
               "cut search's, best %.6g vs %.6g tokens/s per GPU\n",
               "exhaustive (no cuts), same targets, once", now_s() - t0, all.evaluated, covered,
               all.nfront, all.best.tps_gpu, cut.best.tps_gpu);
    }
    gw_search_result_free(&cut);
    gw_search_result_free(&all);
}

/* `gigawatt search ... --json` as the CLI runs it, minus printing. */
static double time_command(void)
{
    static const char *const sets[] = {
        "model.ref=deepseek-r1",     "system.ref=gb200-nvl72",   "perf.input_tokens=1000",
        "perf.output_tokens=1000",   "perf.ttft_slo=2 s",        "perf.tpot_slo=50 ms"};
    gw_command_request rq = {.command = "search", .catalog_dir = GW_BENCH_CATALOG,
                             .sets = sets, .nsets = 6, .want_json = 1};
    double best = 1e9;
    for (int round = 0; round < 5; round++) {
        gw_command_output out = {0};
        gw_error err = {0};
        double t0 = now_s();
        int rc = gw_command_run(&rq, &out, &err);
        double t = now_s() - t0;
        gw_command_output_free(&out);
        if (rc) {
            fprintf(stderr, "bench_search: %s\n", err.msg);
            return -1;
        }
        best = t < best ? t : best;
    }
    return best;
}

int main(int argc, char **argv)
{
    gw_catalog cat;
    gw_error err = {0};
    if (gw_catalog_load(&cat, GW_BENCH_CATALOG, &err)) {
        fprintf(stderr, "bench_search: %s: %s\n", err.file, err.msg);
        return 1;
    }
    static setup r1;
    if (load(&cat, &r1))
        return 1;
    gw_search_spec s = {
        .base = {.model = &r1.model, .accel = &r1.accel, .eff = &r1.eff,
                 .weights = GW_PREC_FP8, .kv = GW_PREC_FP8},
        .gpus = 72, .domain = 72, .input_tokens = 1000, .output_tokens = 1000,
        .mtp_max = r1.model.mtp_modules > 0 ? 3 : 0, .agg = gw_serve_agg,
        .disagg = gw_serve_disagg};
    printf("DeepSeek-R1, 72 x GB200 (NVL72), 1000/1000 tokens, FP8, MTP up to %d:\n",
           s.mtp_max);
    report("search, no targets", &s);
    s.ttft_target_s = 2, s.tpot_target_s = 0.05;
    report("search, TTFT <= 2 s, TPOT <= 50 ms", &s);
    if (argc > 1 && strcmp(argv[1], "--exhaustive") == 0)
        check_cuts(s);
    s.modes = GW_SEARCH_AGG;
    report("aggregated only, same targets", &s);
    double c = time_command();
    if (c >= 0)
        printf("%-44s %8.3f s\n", "gigawatt search ... --json (library call)", c);
    gw_catalog_free(&cat);
    return 0;
}
