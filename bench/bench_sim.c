/* bench/bench_sim.c — speed of the discrete-event engine and the replica
 * simulator. Prints its figures; results go in bench/RESULTS.md. Not a test:
 * it asserts nothing.
 *
 * 1. The event set under the classic hold model (Jones, CACM 1986): fill
 *    with N events, then repeat pop-min + push(time + exponential
 *    increment). Binary heap, 4-ary heap, and a calendar queue (Brown, CACM
 *    1988) written here only as the measured alternative.
 * 2. The replica simulator: 10^4, 10^5, 10^6 synthetic requests through a
 *    replica set; events/s and requests/s.
 * 3. Issue 13's modes on the same replicas: a closed loop (C = 512 on 16
 *    replicas, lengths drawn in [0.8, 1] x 1000/1000), the same with
 *    speculative decoding (3 drafts accepted 0.8/0.7/0.6, one event per
 *    step), and disaggregated 4 prefill + 12 decode replicas.
 * 4. The Vidur side-by-side configuration on its trace (first 10,000 rows),
 *    in-process (the whole-process time is measured from the shell).
 *
 * Run: build-release/bench/bench_sim [TRACE] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gigawatt/des.h"
#include "gigawatt/sim.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- a calendar queue (Brown 1988), for the comparison only ----------------- */

typedef struct cq_node {
    double t;
    uint64_t seq;
    struct cq_node *next;
} cq_node;

typedef struct calq {
    cq_node **day;
    size_t ndays, n;
    double width, year_start;
    size_t cur;
    cq_node *pool;
    size_t pool_n, pool_cap;
    cq_node *free_list;
    uint64_t seq;
} calq;

static cq_node *cq_alloc(calq *q)
{
    if (q->free_list) {
        cq_node *x = q->free_list;
        q->free_list = x->next;
        return x;
    }
    return &q->pool[q->pool_n++];
}

static void cq_insert_node(calq *q, cq_node *x)
{
    size_t d = (size_t)(x->t / q->width) % q->ndays;
    cq_node **p = &q->day[d];
    while (*p && ((*p)->t < x->t || ((*p)->t == x->t && (*p)->seq < x->seq)))
        p = &(*p)->next;
    x->next = *p;
    *p = x;
}

static void cq_init(calq *q, size_t ndays, double width, size_t cap)
{
    memset(q, 0, sizeof *q);
    q->ndays = ndays, q->width = width;
    q->day = calloc(ndays, sizeof *q->day);
    q->pool = malloc(cap * sizeof *q->pool);
    q->pool_cap = cap;
}

static void cq_push(calq *q, double t)
{
    cq_node *x = cq_alloc(q);
    x->t = t, x->seq = q->seq++;
    cq_insert_node(q, x);
    q->n++;
}

static double cq_pop(calq *q)
{
    /* scan days from the current one for an event within this year's day */
    for (size_t k = 0; k < q->ndays; k++) {
        size_t d = (q->cur + k) % q->ndays;
        cq_node *x = q->day[d];
        double day_end = q->year_start + (double)(q->cur + k + 1) * q->width;
        if (x && x->t < day_end) {
            q->day[d] = x->next;
            q->cur = d;
            q->year_start = floor(x->t / (q->width * (double)q->ndays)) * q->width * (double)q->ndays;
            q->cur = (size_t)((x->t - q->year_start) / q->width);
            x->next = q->free_list;
            q->free_list = x;
            q->n--;
            return x->t;
        }
    }
    /* none this year: direct search for the minimum */
    cq_node *best = NULL;
    size_t bd = 0;
    for (size_t d = 0; d < q->ndays; d++)
        if (q->day[d] && (!best || q->day[d]->t < best->t))
            best = q->day[d], bd = d;
    q->day[bd] = best->next;
    q->year_start = floor(best->t / (q->width * (double)q->ndays)) * q->width * (double)q->ndays;
    q->cur = (size_t)((best->t - q->year_start) / q->width);
    best->next = q->free_list;
    q->free_list = best;
    q->n--;
    return best->t;
}

static double hold_heap(gw_evq_kind kind, size_t n, size_t ops)
{
    gw_evq q;
    gw_evq_init(&q, kind, n);
    gw_rng r;
    gw_rng_init(&r, 1, 0, 0);
    for (size_t i = 0; i < n; i++)
        gw_evq_push(&q, -log(gw_rng_uniform(&r)), 0, 0, 0);
    double t0 = now_s();
    gw_event e;
    for (size_t i = 0; i < ops; i++) {
        gw_evq_pop(&q, &e);
        gw_evq_push(&q, e.time - log(gw_rng_uniform(&r)), 0, 0, 0);
    }
    double t = (now_s() - t0) / (double)ops;
    gw_evq_free(&q);
    return t;
}

static double hold_calendar(size_t n, size_t ops)
{
    calq q;
    /* Brown's sizing: days ~ events, width ~ mean gap between events (1/n
     * of the mean increment, here 1) x 3 */
    cq_init(&q, n, 3.0 / (double)n, n + 1);
    gw_rng r;
    gw_rng_init(&r, 1, 0, 0);
    for (size_t i = 0; i < n; i++)
        cq_push(&q, -log(gw_rng_uniform(&r)));
    double t0 = now_s();
    for (size_t i = 0; i < ops; i++) {
        double t = cq_pop(&q);
        cq_push(&q, t - log(gw_rng_uniform(&r)));
    }
    double t = (now_s() - t0) / (double)ops;
    free(q.day);
    free(q.pool);
    return t;
}

/* ---- the replica simulator ------------------------------------------------ */

static int load_engine(const gw_catalog *cat, const char *model, const char *accel, int tp,
                       gw_precision prec, gw_llm *m, gw_accelerator *a, gw_efficiency *f,
                       gw_perf_engine *e)
{
    gw_error err = {0};
    if (gw_catalog_get(cat, &gw_schema_llm, model, NULL, m, &err) ||
        gw_catalog_get(cat, &gw_schema_accelerator, accel, NULL, a, &err) ||
        gw_catalog_get(cat, &gw_schema_efficiency, a->efficiency, NULL, f, &err))
        goto fail;
    gw_perf_config c = {.model = m, .accel = a, .eff = f, .tp = tp, .pp = 1, .ep = 1,
                        .weights = prec, .kv = prec};
    if (gw_perf_engine_init(&c, e, &err))
        goto fail;
    return 0;
fail:
    fprintf(stderr, "bench_sim: %s\n", err.msg);
    return 1;
}

/* §3: one closed-loop run of `requests`, timed. */
static int bench_closed(const char *what, const gw_sim_config *base, size_t requests)
{
    gw_sim_config c = *base;
    c.closed = (gw_sim_closed_loop){.concurrency = 512, .input_tokens = 1000,
                                    .output_tokens = 1000, .length_low = 0.8,
                                    .requests = requests};
    c.seed = 42;
    gw_sim_result r;
    gw_error err = {0};
    double t0 = now_s();
    if (gw_sim_run(&c, NULL, &r, &err)) {
        fprintf(stderr, "bench_sim: %s\n", err.msg);
        return 1;
    }
    double t = now_s() - t0;
    printf("  %-26s %10zu %10.3f %12llu %12llu %14.3g %12.4g\n", what, requests, t,
           (unsigned long long)r.iterations, (unsigned long long)r.events, (double)requests / t,
           r.tps_gpu_out);
    gw_sim_result_free(&r);
    return 0;
}

static int bench_frontier(const gw_perf_engine *e)
{
    printf("\nissue 13 modes, Llama-3.3-70B on H100 TP2 (FP8), vLLM, closed loop at 512 in "
           "flight,\n1000/1000 tokens drawn in [0.8, 1]:\n");
    printf("  %-26s %10s %10s %12s %12s %14s %12s\n", "mode", "requests", "wall s",
           "iterations", "events", "requests/s", "out tok/s/GPU");
    gw_sim_config c = {.engine = e, .replicas = 16, .scheduler = GW_SCHED_VLLM,
                       .route = GW_ROUTE_ROUND_ROBIN, .max_running = 128,
                       .max_batched_tokens = 8192, .block_size = 16, .watermark = 0.01,
                       .idle_w = 5000, .busy_w = 6000};
    if (bench_closed("closed loop, 16 replicas", &c, 100000))
        return 1;
    gw_perf_engine spec = *e;
    spec.spec_tokens = 3;
    spec.spec_accept[0] = 0.8, spec.spec_accept[1] = 0.7, spec.spec_accept[2] = 0.6;
    spec.spec_accept_length = 2.696;
    c.engine = &spec;
    if (bench_closed("+ speculative, k = 3", &c, 100000))
        return 1;
    c.engine = e;
    c.replicas = 4;
    c.disagg = (gw_sim_disagg){.on = 1, .kv_bytes_per_token = e->kv_bytes_per_token_model,
                               .kv_link_bps = 50e9, .kv_handover_s = 0.168,
                               .decode = {.engine = e, .replicas = 12, .max_running = 128,
                                          .max_batched_tokens = 8192, .idle_w = 5000,
                                          .busy_w = 6000}};
    return bench_closed("disaggregated 4P + 12D", &c, 100000);
}

int main(int argc, char **argv)
{
    printf("event set, hold model (ns per pop+push):\n");
    printf("  %10s %12s %12s %12s\n", "events", "binary", "4-ary", "calendar");
    const size_t sizes[] = {16, 1024, 65536, 1048576};
    for (size_t k = 0; k < 4; k++) {
        size_t n = sizes[k], ops = 4000000;
        double b = 1e9, q = 1e9, c = 1e9;
        for (int round = 0; round < 3; round++) {
            b = fmin(b, hold_heap(GW_EVQ_BINARY, n, ops));
            q = fmin(q, hold_heap(GW_EVQ_QUATERNARY, n, ops));
            c = fmin(c, hold_calendar(n, ops));
        }
        printf("  %10zu %12.1f %12.1f %12.1f\n", n, b * 1e9, q * 1e9, c * 1e9);
    }

    gw_catalog cat;
    gw_error err = {0};
    if (gw_catalog_load(&cat, GW_BENCH_CATALOG, &err)) {
        fprintf(stderr, "bench_sim: %s\n", err.msg);
        return 1;
    }
    static gw_llm m;
    static gw_accelerator a;
    static gw_efficiency f;
    static gw_perf_engine e;
    if (load_engine(&cat, "llama-3.3-70b", "h100-sxm", 2, GW_PREC_FP8, &m, &a, &f, &e))
        return 1;
    printf("\nreplica simulator, Llama-3.3-70B on H100 TP2 (FP8), 16 replicas, vLLM, "
           "Poisson at 60 req/s,\nprompt lognormal(median 1000, sigma 0.8) <= 8192, "
           "output lognormal(median 200, sigma 0.8) <= 2048:\n");
    printf("  %10s %10s %12s %12s %14s %14s\n", "requests", "wall s", "iterations", "events",
           "events/s", "requests/s");
    const size_t counts[] = {10000, 100000, 1000000};
    for (size_t k = 0; k < 3; k++) {
        gw_synthetic syn = {0};
        syn.requests = counts[k];
        syn.arrival = GW_ARRIVAL_POISSON;
        syn.rate = 60;
        syn.seed = 42;
        syn.prompt = (gw_dist){GW_DIST_LOGNORMAL, 1000, 0.8, 1, 8192, 1, NULL, 0, 0, 0, 0};
        syn.output = (gw_dist){GW_DIST_LOGNORMAL, 200, 0.8, 1, 2048, 1, NULL, 0, 0, 0, 0};
        gw_workload w;
        if (gw_workload_synthetic(&syn, &w, &err)) {
            fprintf(stderr, "bench_sim: %s\n", err.msg);
            return 1;
        }
        gw_sim_config c = {.engine = &e, .replicas = 16, .scheduler = GW_SCHED_VLLM,
                           .route = GW_ROUTE_ROUND_ROBIN, .max_running = 128,
                           .max_batched_tokens = 8192, .block_size = 16, .watermark = 0.01,
                           .idle_w = 5000, .busy_w = 6000};
        gw_sim_result r;
        double t0 = now_s();
        if (gw_sim_run(&c, &w, &r, &err)) {
            fprintf(stderr, "bench_sim: %s\n", err.msg);
            return 1;
        }
        double t = now_s() - t0;
        printf("  %10zu %10.3f %12llu %12llu %14.3g %14.3g   (p90 TTFT %.3f s)\n", counts[k], t,
               (unsigned long long)r.iterations, (unsigned long long)r.events,
               (double)r.events / t, (double)counts[k] / t, r.ttft.p90);
        gw_sim_result_free(&r);
        gw_workload_free(&w);
    }

    if (bench_frontier(&e))
        return 1;

    const char *trace = argc > 1 ? argv[1] : GW_BENCH_TRACE;
    static gw_perf_engine e34;
    static gw_llm m34;
    static gw_accelerator a100;
    static gw_efficiency f100;
    if (load_engine(&cat, "codellama-34b", "a100-sxm", 2, GW_PREC_BF16, &m34, &a100, &f100,
                    &e34))
        return 1;
    double best_load = 1e9, best_sim = 1e9;
    gw_sim_result r;
    for (int round = 0; round < 5; round++) {
        gw_workload w;
        double t0 = now_s();
        if (gw_workload_load_csv(trace, 10000, 4096, &w, &err)) {
            fprintf(stderr, "bench_sim: %s:%d: %s\n", err.file, err.line, err.msg);
            return 1;
        }
        double t1 = now_s();
        gw_sim_config c = {.engine = &e34, .replicas = 4, .scheduler = GW_SCHED_VLLM,
                           .route = GW_ROUTE_ROUND_ROBIN, .max_running = 128,
                           .max_batched_tokens = 4096, .block_size = 16, .watermark = 0.01};
        if (gw_sim_run(&c, &w, &r, &err)) {
            fprintf(stderr, "bench_sim: %s\n", err.msg);
            return 1;
        }
        double t2 = now_s();
        best_load = fmin(best_load, t1 - t0);
        best_sim = fmin(best_sim, t2 - t1);
        if (round < 4)
            gw_sim_result_free(&r);
        gw_workload_free(&w);
    }
    printf("\nVidur configuration (CodeLlama-34B, 4 x A100 TP2, vLLM), first 10,000 rows:\n"
           "  trace load %.2f ms, simulation %.2f ms (%llu iterations, %.3g iterations/s)\n",
           best_load * 1e3, best_sim * 1e3, (unsigned long long)r.iterations,
           (double)r.iterations / best_sim);
    gw_sim_result_free(&r);
    gw_catalog_free(&cat);
    return 0;
}
