/* bench/bench_perf.c — speed of the perf model: one iteration's time
 * (gw_perf_step, the replica simulator's per-iteration call; bar: well under
 * 1 µs), engine set-up, a whole inference answer (steady state + SLO
 * search) and a training estimate. Prints ns per call (monotonic wall clock,
 * best of 5 rounds). Run: build/bench/bench_perf; results in bench/RESULTS.md.
 * Not a test: it asserts nothing. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gigawatt/perf.h"

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
    gw_perf_config cfg;
    gw_perf_engine engine;
} setup;

static int load(const gw_catalog *cat, const char *model, const char *accel, int tp, int ep,
                setup *s)
{
    gw_error err = {0};
    if (gw_catalog_get(cat, &gw_schema_llm, model, NULL, &s->model, &err) ||
        gw_catalog_get(cat, &gw_schema_accelerator, accel, NULL, &s->accel, &err) ||
        gw_catalog_get(cat, &gw_schema_efficiency, s->accel.efficiency, NULL, &s->eff, &err))
        goto fail;
    s->cfg = (gw_perf_config){.model = &s->model, .accel = &s->accel, .eff = &s->eff, .tp = tp,
                              .pp = 1, .ep = ep, .weights = GW_PREC_FP8, .kv = GW_PREC_FP8};
    if (gw_perf_engine_init(&s->cfg, &s->engine, &err))
        goto fail;
    return 0;
fail:
    fprintf(stderr, "bench_perf: %s\n", err.msg);
    return 1;
}

/* ns per gw_perf_step over a stream of different mixes (so nothing is
 * hoisted out of the loop). */
static double time_step(const gw_perf_engine *e, volatile double *sink)
{
    const int n = 5000000;
    double best = 1e9;
    for (int round = 0; round < 5; round++) {
        double t0 = now_s();
        for (int i = 0; i < n; i++) {
            double decode = 1 + (i & 255), chunk = (i & 7) ? 0 : 512;
            gw_perf_batch b = {.prefill_tokens = chunk, .prefill_chunks = chunk > 0,
                               .prefill_pairs = chunk * (chunk + 1) / 2, .decode_seqs = decode,
                               .decode_context = decode * (1000 + (i & 1023))};
            *sink += gw_perf_step(e, &b, NULL);
        }
        double t = (now_s() - t0) / n;
        if (t < best)
            best = t;
    }
    return best * 1e9;
}

int main(void)
{
    gw_catalog cat;
    gw_error err = {0};
    if (gw_catalog_load(&cat, GW_BENCH_CATALOG, &err)) {
        fprintf(stderr, "bench_perf: %s: %s\n", err.file, err.msg);
        return 1;
    }
    static setup dense, moe;
    if (load(&cat, "llama-3.3-70b", "h100-sxm", 2, 1, &dense) ||
        load(&cat, "qwen3-235b-a22b", "h200", 8, 8, &moe))
        return 1;
    volatile double sink = 0;
    double step_dense = time_step(&dense.engine, &sink);
    double step_moe = time_step(&moe.engine, &sink);

    double best_init = 1e9, best_infer = 1e9, best_slo = 1e9, best_train = 1e9;
    gw_perf_request rq = {2, 1000, 1000, 0, 0, 0, 0};
    gw_perf_request slo = {2, 1000, 1000, 2.0, 0.05, 0, 0};
    gw_train_request tr = {16384, GW_PREC_BF16, 15.6e12, 8192, 16.0 * 1024 * 1024,
                           1, 1, 0, 1898.5 * 86400, 18.5 * 60};
    static gw_perf_result res;
    static gw_train_result tres;
    static gw_perf_engine e;
    for (int round = 0; round < 5; round++) {
        const int n = 200000;
        double t0 = now_s();
        for (int i = 0; i < n; i++) {
            dense.cfg.tp = 1 << (i & 3);
            gw_perf_engine_init(&dense.cfg, &e, &err);
            sink += e.kv_capacity_tokens;
        }
        double t = (now_s() - t0) / n;
        best_init = t < best_init ? t : best_init;
        t0 = now_s();
        for (int i = 0; i < n / 10; i++) {
            rq.input_tokens = 1000 + (i & 63);
            gw_perf_infer(&dense.engine, &rq, &res, &err);
            sink += res.offline.tokens_per_s;
        }
        t = (now_s() - t0) / (n / 10);
        best_infer = t < best_infer ? t : best_infer;
        t0 = now_s();
        for (int i = 0; i < n / 10; i++) {
            slo.input_tokens = 1000 + (i & 63);
            gw_perf_infer(&dense.engine, &slo, &res, &err);
            sink += res.slo.tokens_per_s;
        }
        t = (now_s() - t0) / (n / 10);
        best_slo = t < best_slo ? t : best_slo;
        gw_perf_config tc = dense.cfg;
        gw_llm m405;
        gw_catalog_get(&cat, &gw_schema_llm, "llama-3.1-405b", NULL, &m405, &err);
        tc.model = &m405, tc.tp = 8, tc.pp = 9; /* 126 layers: pp divides for inference */
        t0 = now_s();
        for (int i = 0; i < n; i++) {
            tr.tokens = 15.6e12 + i;
            gw_perf_train(&tc, &tr, &tres, &err);
            sink += tres.train_days;
        }
        t = (now_s() - t0) / n;
        best_train = t < best_train ? t : best_train;
    }
    printf("gw_perf_step, llama-3.3-70b h100 tp2 (dense)  : %8.1f ns/call\n", step_dense);
    printf("gw_perf_step, qwen3-235b-a22b h200 tp8 (MoE)  : %8.1f ns/call\n", step_moe);
    printf("gw_perf_engine_init                           : %8.1f ns/call\n", best_init * 1e9);
    printf("gw_perf_infer, offline (1000/1000)            : %8.2f us/call\n", best_infer * 1e6);
    printf("gw_perf_infer, with TTFT/TPOT targets         : %8.2f us/call\n", best_slo * 1e6);
    printf("gw_perf_train                                 : %8.1f ns/call\n", best_train * 1e9);
    gw_catalog_free(&cat);
    return sink == 0.0;
}
