/* src/scenario/validate_shim.c — TEMPORARY stand-in for gw_serve_agg and
 * gw_serve_disagg (include/gigawatt/serving.h) so `gigawatt validate`
 * builds and runs before src/model/serving.c lands (issue 13, item 4/5).
 * CMakeLists.txt compiles it only while src/model/serving.c does not exist;
 * it goes once serving.c is on main.
 *
 * A plain closed loop on the perf model's steady state (gw_perf_steady):
 * the concurrency spread over the ranks, capped at what a rank holds, the
 * rest waiting (Little's law); disaggregated: the prompt alone on a
 * prefill rank plus the KV moved at the scale-out link, the decode pool's
 * steady decode step. No MTP, no queueing at the prefill pool. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gigawatt/serving.h"

static double rank_cap(const gw_perf_engine *e, const gw_serve_request *rq)
{
    double per_seq = rq->input_tokens + rq->output_tokens;
    double cap = floor(e->kv_capacity_tokens / per_seq);
    if (e->max_batch_engine > 0)
        cap = fmin(cap, e->max_batch_engine);
    return cap;
}

int gw_serve_agg(const gw_perf_engine *e, int workers, const gw_serve_request *rq,
                 gw_serve_point *out, gw_error *err)
{
    memset(out, 0, sizeof *out);
    double ranks = workers * fmax(1, e->attention_dp);
    double want = rq->concurrency > 0 ? rq->concurrency / ranks : 1e9;
    double cap = rank_cap(e, rq);
    if (cap < 1)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "one request of %.0f tokens does not fit the KV cache; expected "
                            "more memory or parallelism",
                            rq->input_tokens + rq->output_tokens);
    double b = fmax(1, fmin(want, cap));
    gw_perf_request pr = {.count = (int)(e->tp * e->pp), .input_tokens = rq->input_tokens,
                          .output_tokens = rq->output_tokens};
    gw_perf_point p;
    gw_perf_steady(e, &pr, b, &p);
    double e2e = p.ttft_s + rq->output_tokens * p.step_s;
    double wait = want > b ? (want - b) / b * e2e : 0; /* Little: excess / throughput */
    out->ttft_s = p.ttft_s + wait;
    out->tpot_s = p.step_s;
    out->e2e_s = out->ttft_s + rq->output_tokens * p.step_s;
    out->batch_per_rank = b;
    out->gpus = out->decode_gpus = out->prefill_gpus = ranks * e->tp * e->pp;
    out->requests_per_s = ranks * b / e2e;
    out->tokens_per_user_s = 1 / p.step_s;
    snprintf(out->bound, sizeof out->bound, "%s", want > b ? "kv-cache" : "concurrency");
    return GW_OK;
}

int gw_serve_disagg(const gw_serve_pool *prefill, const gw_serve_pool *decode,
                    const gw_serve_request *rq, gw_serve_point *out, gw_error *err)
{
    int rc = gw_serve_agg(decode->engine, decode->workers, rq, out, err);
    if (rc)
        return rc;
    const gw_perf_engine *pe = prefill->engine;
    double in = rq->input_tokens;
    gw_perf_batch b = {.prefill_tokens = in, .prefill_chunks = 1,
                       .prefill_pairs = in * (in + 1) / 2};
    double prefill_s = gw_perf_step(pe, &b, NULL);
    /* decode steps carry no prefill in a decode pool: price them alone */
    double db = out->batch_per_rank, ctx = in + rq->output_tokens / 2;
    gw_perf_batch d = {.decode_seqs = db, .decode_context = db * ctx};
    out->tpot_s = gw_perf_step(decode->engine, &d, NULL);
    double link = rq->kv_link_bps > 0 ? rq->kv_link_bps : 50e9;
    out->kv_transfer_s = pe->kv_bytes_per_token * pe->pp * in / link;
    out->ttft_s = prefill_s + out->kv_transfer_s;
    out->e2e_s = out->ttft_s + rq->output_tokens * out->tpot_s;
    out->prefill_gpus = prefill->workers * fmax(1, pe->attention_dp) * pe->tp * pe->pp;
    out->gpus = out->prefill_gpus + out->decode_gpus;
    snprintf(out->bound, sizeof out->bound, "decode");
    return GW_OK;
}
