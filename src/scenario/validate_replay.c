/* src/scenario/validate_replay.c — a measured row's benchmark replayed
 * through the replica simulator (scenario layer: it builds a gw_sim_config
 * from a mapped row and runs src/sim/replica.c; the models layer never
 * calls it).
 *
 * The closed form (docs/serving.md §7.9.1) prices one start-up wave and a
 * steady state. The benchmark is neither: C clients start together and
 * each sends K requests, one as the last finishes, on an engine with a
 * token budget per iteration. Here that run is simulated iteration by
 * iteration (docs/sim.md §2.3, §3), with the engine's own scheduler, and
 * TTFT and TPOT are the means over its C x K requests, as the harness
 * reports them. It checks what the closed form leaves out; `validate`
 * keeps the closed form, which the replay does not beat on TTFT
 * (docs/validate.md §9, data/perf/serving-findings.md finding 9). */
#include <math.h>
#include <string.h>

#include "gigawatt/serving.h"
#include "gigawatt/sim.h"
#include "validate_int.h"

/* InferenceMAX's client (benchmark_serving.py --num-prompts $((CONC * 10))
 * --random-range-ratio 0.8), which AIConfigurator's own replay of these
 * rows reproduces (docs/validate.md §9) */
#define REPLAY_LENGTH_LOW 0.8
/* 16-token KV blocks (vLLM's; TensorRT-LLM pages 32, SGLang 1 — only the
 * rounding of the cache's capacity depends on it) */
#define REPLAY_BLOCK_TOKENS 16

/* The engine's iteration rule (docs/validate.md §9), the stack's
 * `scheduler` as the closed form reads it (docs/serving.md §7.9.3): mixed
 * (vLLM v1, TensorRT-LLM) puts the running decodes and new prompts in one
 * iteration under one token budget (Sarathi's stall-free batching);
 * prefill-first (SGLang) runs a batch of new prompts alone, the decodes
 * waiting for it (as vLLM v0). */
static gw_sched_kind engine_scheduler(const gw_perf_engine *e)
{
    return e->prefill_first ? GW_SCHED_VLLM : GW_SCHED_SARATHI;
}

/* One pool's limits: the engine's cap on running sequences (or the row's
 * batch per rank when it gives one) and its token budget per iteration
 * (none: every waiting prompt at once). */
static void pool_limits(const gw_perf_engine *e, double per_worker, int *max_running,
                        int *budget)
{
    double cap = e->max_batch_engine > 0 ? e->max_batch_engine : 1e6;
    double adp = fmax(1, e->attention_dp);
    if (per_worker > 0)
        cap = fmin(cap, fmax(1, ceil(per_worker / adp)));
    *max_running = (int)fmin(cap, 1e6);
    *budget = (int)fmin(e->chunk_tokens > 0 ? e->chunk_tokens : 1e8, 1e8);
}

/* A pool's replicas: its workers' attention ranks (the engine's
 * attention_dp is >= 1: include/gigawatt/perf.h). */
static int ranks(const gw_perf_engine *e, int workers)
{
    return workers * (int)e->attention_dp;
}

/* The disaggregated pools: the prefill engine is the config's own, the
 * decode pool and the KV link between them as gw_serve_disagg prices it. */
static int disagg_pools(const gw_validate_case *c, const gw_perf_engine *e, gw_sim_config *q,
                        gw_error *err)
{
    const gw_perf_engine *pe = &e[0], *de = &e[1];
    double pre_gpus = ranks(pe, c->workers[0]) * pe->tp * pe->pp;
    double dec_gpus = ranks(de, c->workers[1]) * de->tp * de->pp;
    double link;
    int rc = gw_serve_kv_link(pe, pre_gpus, de, dec_gpus, c->rq.kv_link_bps, &link, err);
    if (rc)
        return rc;
    q->disagg = (gw_sim_disagg){
        .on = 1,
        .decode = {.engine = de, .replicas = ranks(de, c->workers[1])},
        .kv_bytes_per_token = de->kv_bytes_per_token_model,
        .kv_link_bps = link,
        .kv_handover_s = gw_serve_kv_handover_s(
            de, c->rq.kv_handover_s > 0 ? c->rq.kv_handover_s : -1, NULL)};
    pool_limits(de, c->pool_concurrency[1], &q->disagg.decode.max_running,
                &q->disagg.decode.max_batched_tokens);
    return GW_OK;
}

int gw_validate_replay_engines(const gw_validate_case *c, const gw_perf_engine *engines,
                               gw_validate_replay_result *out, gw_error *err)
{
    memset(out, 0, sizeof *out);
    const gw_perf_engine *e = &engines[0];
    double k = c->rq.requests_per_client >= 1 ? c->rq.requests_per_client : 1;
    double clients = fmax(1, round(c->rq.concurrency));
    gw_sim_config q = {
        .engine = e,
        .replicas = ranks(e, c->workers[0]),
        .scheduler = engine_scheduler(e),
        .route = GW_ROUTE_LEAST_OUTSTANDING, /* attention-DP and Dynamo's routers: least loaded */
        .block_size = REPLAY_BLOCK_TOKENS,
        .closed = {.concurrency = (int)fmin(clients, 1e7),
                   .input_tokens = c->rq.input_tokens,
                   .output_tokens = c->rq.output_tokens,
                   .length_low = c->rq.length_low > 0 ? c->rq.length_low : REPLAY_LENGTH_LOW,
                   .requests = (size_t)(clients * k)},
        .keep_requests = 1, /* the wave's share of TTFT */
        .seed = c->seed};
    pool_limits(e, c->disagg ? c->pool_concurrency[0] : 0, &q.max_running,
                &q.max_batched_tokens);
    int rc = c->disagg ? disagg_pools(c, engines, &q, err) : GW_OK;
    gw_sim_result r;
    if (rc || (rc = gw_sim_run(&q, NULL, &r, err)))
        return rc;
    /* the stack's time outside the steps (docs/serving.md §7.9.1), as the
     * closed form adds it: after the loop, on every request's first token */
    double overhead = e->request_overhead_s, sum[2] = {0, 0};
    size_t first = (size_t)fmin(clients, (double)r.requests), n[2] = {0, 0};
    for (size_t i = 0; i < r.requests; i++) {
        int later = i >= first;
        sum[later] += r.per_request[i].first_token - r.issued.arrival[i], n[later]++;
    }
    *out = (gw_validate_replay_result){.ttft_mean_s = overhead + r.ttft.mean,
                                       .ttft_p50_s = overhead + r.ttft.p50,
                                       .tpot_mean_s = r.tpot.mean,
                                       .tpot_p50_s = r.tpot.p50,
                                       .wave_ttft_s = overhead + sum[0] / (double)n[0],
                                       .later_ttft_s = n[1] ? overhead + sum[1] / (double)n[1]
                                                            : NAN,
                                       .requests = r.measured,
                                       .iterations = r.iterations};
    gw_sim_result_free(&r);
    return out->requests == (size_t)(clients * k) && out->ttft_mean_s > 0 && out->tpot_mean_s > 0
               ? GW_OK
               : gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                              "the replay completed %zu of %.0f requests; expected all",
                              out->requests, clients * k);
}
