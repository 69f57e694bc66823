/* src/model/serving.c — a serving deployment at a client concurrency:
 * aggregated workers in a closed loop, and disaggregated prefill/decode
 * pools with the KV cache moved per request (models layer: pure
 * arithmetic on perf.c's step model, no allocation, no I/O).
 * The API: include/gigawatt/serving.h. The equations and their references:
 * docs/serving.md (docs/model.md §7.9 closed loop, §7.10 disaggregation). */
#include "gigawatt/serving.h"

#include <math.h>
#include <string.h>

#include "model_int.h"

/* Hand-over latency of one request from a prefill to a decode worker, on
 * top of the bytes over the link: vLLM's NIXL connector measured 197 ms
 * p50 decode-side hand-over for ~5K-token prompts of which ~29 ms was the
 * transfer itself (vLLM PR 51919,
 * github.com/vllm-project/vllm/pull/51919; fact F.fs.kv.nixl.handover in
 * data/sources.csv), so 168 ms is orchestration. The decode stack's
 * `kv_handover` (data/catalog/efficiency.yaml) replaces it where measured;
 * gw_serve_request.kv_handover_s overrides both. */
#define KV_HANDOVER_DEFAULT_S 0.168

/* Fixed points and bisections stop at this relative change, or after so
 * many rounds (each round is one or two step evaluations). */
#define SOLVE_TOL 1e-7
#define SOLVE_ROUNDS 60

/* Mean lengths of the requests and the context a decode sees: perf's
 * §7.4.2 moments (uniform draws, or a dataset's spread of outputs). */
typedef gw_perf_lengths lengths;

static lengths mean_lengths(const gw_serve_request *rq)
{
    lengths L;
    gw_perf_lengths_of(rq->input_tokens, rq->output_tokens, rq->length_low, rq->output_cv, &L);
    return L;
}

/* Tokens a decoding sequence gains per step: the mean accepted length with
 * speculative decoding (the bonus token included), else one. */
static double tokens_per_step(const gw_perf_engine *e)
{
    return e->spec_tokens > 0 && e->spec_accept_length >= 1 ? e->spec_accept_length : 1;
}

/* Decode steps of one request after its first token: (O-1)/accepted. */
static double decode_steps(const gw_perf_engine *e, const lengths *L)
{
    return (L->out - 1) / tokens_per_step(e);
}

/* `seqs` decoding sequences, each verifying k draft tokens when
 * speculating. */
static void add_decodes(const gw_perf_engine *e, const lengths *L, double seqs, gw_perf_batch *b)
{
    b->decode_seqs += seqs;
    b->decode_context += seqs * L->decode_context;
    b->decode_draft_tokens += seqs * e->spec_tokens;
}

/* `prompts` prompts' worth of prefill (a rate times a step: fractional),
 * each cut into m chunks of the engine's budget c; the chunks of one prompt
 * read c*m(m-1)/2 earlier tokens' KV and make I(I+1)/2 causal pairs in all
 * (§7.2), whatever the chunking. */
static void add_prompts(const gw_perf_engine *e, const lengths *L, double prompts,
                        gw_perf_batch *b)
{
    double chunk = e->chunk_tokens > 0 ? fmin(e->chunk_tokens, L->in) : L->in;
    double m = ceil(L->in / chunk);
    b->prefill_tokens += prompts * L->in;
    b->prefill_chunks += prompts * m;
    b->prefill_pairs += prompts * L->in_pairs;
    b->prefill_past += prompts * chunk * m * (m - 1) / 2;
}

/* A step of a rank whose mean load is `mean`: with attention-DP the
 * worker waits for its busiest rank (perf's §7.8.2, from the lengths'
 * spread); *other_ranks gets the tokens the other ranks add to the
 * experts' load (0 when the ranks are not joined). */
static double rank_step(const gw_perf_engine *e, const lengths *L, const gw_perf_batch *mean,
                        double *other_ranks)
{
    gw_perf_batch slowest;
    gw_perf_dp_slowest(e, mean, L->context_sd, L->prompt_cv, &slowest);
    if (other_ranks)
        *other_ranks = slowest.dp_tokens > 0 ? (e->attention_dp - 1) *
                                                   (mean->prefill_tokens + mean->decode_seqs +
                                                    mean->decode_draft_tokens)
                                             : 0;
    return gw_perf_step(e, &slowest, NULL);
}

/* One prompt's own prefill: its chunks, one per iteration, each beside
 * `decodes` decoding sequences and crossing all pp stages (§7.4); the
 * other attention-DP ranks add `other_ranks` tokens per step to the
 * experts' load. */
static double prompt_time(const gw_perf_engine *e, const lengths *L, double decodes,
                          double other_ranks)
{
    double chunk = e->chunk_tokens > 0 ? fmin(e->chunk_tokens, L->in) : L->in;
    gw_perf_batch cb = {.prefill_chunks = 1};
    add_decodes(e, L, decodes / e->pp, &cb);
    double done = 0, t = 0;
    while (done < L->in) {
        double c = fmin(chunk, L->in - done);
        cb.prefill_tokens = c;
        cb.prefill_pairs = c * (done + (c + 1) / 2);
        cb.prefill_past = done;
        cb.dp_tokens = other_ranks > 0 ? other_ranks / e->pp + c + cb.decode_seqs +
                                             cb.decode_draft_tokens
                                       : 0;
        t += e->pp * gw_perf_stage_time(e, &cb, NULL);
        done += c;
    }
    return t;
}

/* The most sequences one rank runs at once: the KV capacity over a
 * sequence's tokens, capped by the engine (§7.5). gw_perf_infer owns that
 * rule; it is asked for one worker (tp x pp x attention_dp GPUs). */
static int rank_max_batch(const gw_perf_engine *e, const lengths *L, double *batch,
                          int *kv_short, gw_error *err)
{
    gw_perf_request pr = {.count = (int)(e->tp * e->pp * fmax(1, e->attention_dp)),
                          .input_tokens = L->in,
                          .output_tokens = L->out,
                          .output_cv = L->output_cv};
    gw_perf_result res;
    int rc = gw_perf_infer(e, &pr, &res, err);
    *batch = res.max_batch;
    *kv_short = res.infeasible[0] != 0; /* not even one sequence's KV fits */
    return rc;
}

/* ---- §7.9 aggregated: one rank in a closed loop ---------------------- */

typedef struct rank_point {
    double step_s;     /* a step as a decoding sequence sees it */
    double prefill_s;  /* a prompt's own prefill, waiting for the iteration boundary included */
    double service_s;  /* prefill_s + decode steps x step_s: admission to last token */
    double rate;       /* requests per second through the rank */
    double prefill_share; /* of a step's time, the share the others' prompts add */
} rank_point;

/* A rank running b sequences (b >= 1). Seen from one decoding sequence, a
 * step holds itself, the others in their decode phase, and the others'
 * prompts at the rank's request rate: rate x step x (b-1)/b prompts per
 * step. The rate is b over the service time, which depends on the step:
 * a fixed point, found by iteration (a contraction: prompts per step are
 * bounded by (b-1)/decode_steps). At b = 1 it is a prompt alone, then
 * decode steps of batch 1. */
static void agg_rank(const gw_perf_engine *e, const lengths *L, double b, rank_point *r)
{
    double steps = decode_steps(e, L), self = steps > 0 ? 1 : 0, others = b - 1;
    gw_perf_batch s0 = {0};
    add_decodes(e, L, b, &s0);
    double other_ranks;
    double step = rank_step(e, L, &s0, &other_ranks);
    double prefill = prompt_time(e, L, others, other_ranks);
    for (int i = 0; i < SOLVE_ROUNDS; i++) {
        double service = prefill + steps * step;
        double decoding = others * steps * step / service;
        double prompts = others * step / service; /* = rate x step x (b-1)/b */
        gw_perf_batch s = {.mean = 1};
        add_decodes(e, L, self + decoding, &s);
        add_prompts(e, L, prompts, &s);
        double next = rank_step(e, L, &s, &other_ranks);
        /* a new prompt waits for the running iteration to end: half a
         * step on average, when there is one running */
        prefill = fmin(1, others) * next / 2 + prompt_time(e, L, decoding, other_ranks);
        int done = fabs(next - step) <= SOLVE_TOL * next;
        step = next;
        if (done)
            break;
    }
    gw_perf_batch alone = {0}; /* the same step without the others' prompts */
    add_decodes(e, L, self + others * steps * step / (prefill + steps * step), &alone);
    r->prefill_share = 1 - rank_step(e, L, &alone, NULL) / step;
    r->step_s = step;
    r->prefill_s = prefill;
    r->service_s = prefill + steps * step;
    r->rate = b / r->service_s;
}

/* ---- §7.9.1 the benchmark's start: a synchronised wave --------------- */

/* Mean time to first token of n prompts that reach an idle rank at once,
 * as a closed-loop benchmark's C clients do at its start: the engine
 * admits per_step whole prompts per iteration (its token budget over a
 * prompt's tokens: TensorRT-LLM's max_num_tokens, vLLM's
 * max_num_batched_tokens; one prompt, in chunks, when it is longer than
 * the budget; all n without a budget), so group g's prompts get their
 * first token when the iterations of groups 0..g are done. With
 * `decoding` (aggregated), each iteration also carries the decodes of the
 * groups before it. */
static double wave_ttft(const gw_perf_engine *e, const lengths *L, double n, double per_step,
                        int decoding, double *whole_s)
{
    n = fmax(n, 1);
    per_step = fmin(fmax(per_step, 1), n);
    double groups = ceil(n / per_step - SOLVE_TOL), clock = 0, sum = 0;
    for (double g = 0; g < groups; g++) {
        double prompts = fmin(per_step, n - g * per_step);
        gw_perf_batch s = {0};
        if (decoding)
            add_decodes(e, L, g * per_step, &s);
        add_prompts(e, L, prompts, &s);
        clock += rank_step(e, L, &s, NULL);
        sum += prompts * clock;
    }
    if (whole_s)
        *whole_s = clock; /* the last group's first token: the wave's end */
    return sum / n;
}

/* Prompts an engine admits per iteration: its budget over a prompt, at
 * least one; every prompt at once without a budget. */
static double budget_prompts(const gw_perf_engine *e, const lengths *L, double n)
{
    return e->chunk_tokens > 0 ? fmax(1, floor(e->chunk_tokens / L->in)) : n;
}

/* ---- attention-DP balancing (TensorRT-LLM enable_balance) ----------- */

/* Mean iterations a new prompt is held by TensorRT-LLM's attention-DP
 * balancing (PyExecutor._balance_adp_requests; attention_dp_config
 * enable_balance, timeout_iters T, batching_wait_iters 0, as the published
 * recipes set it; docs/serving.md §7.9.2). While every rank of the worker
 * has decodes running, prompts are released only in an iteration in which
 * all `ranks` ranks have one waiting, or when a counter that advances in
 * every iteration without that reaches T. The releases form a renewal
 * process: a cycle lasts L = min(T, M) iterations, M those until every
 * rank had an arrival (Poisson, `arrivals` per rank and iteration:
 * P(L > k) = 1 - (1 - e^(-arrivals k))^ranks for k < T). A prompt arriving
 * at a random time waits the residual of its length-biased cycle,
 * E[L^2] / (2 E[L]) iterations: T/2 for sparse arrivals; 0 without
 * balancing (T < 1, one rank). */
static double adp_balance_iters(double timeout, double ranks, double arrivals)
{
    double mean, square;
    if (!gw_perf_adp_cycle(timeout, ranks, arrivals, &mean, &square))
        return 0;
    return square / (2 * mean); /* mean >= 1: P(L > 0) = 1 */
}

/* ---- TensorRT-LLM batch waiting (batch_wait_timeout_iters) ---------- */

/* Mean iterations a new prompt is held by TensorRT-LLM's batch waiting
 * (PyExecutor._waiting_requests, applied without attention DP while
 * decodes run; docs/serving.md §7.9.4): scheduled prompts are held until
 * the iteration's tokens, the waiting prompts' `prompt` tokens each plus
 * `decode` tokens of the running sequences, reach `ratio` x `budget`, or
 * a counter that advances in every held iteration reaches `timeout`. With
 * n* prompts needed for the tokens (none held when one is enough) and
 * Poisson arrivals at `arrivals` per iteration, a hold cycle starts with
 * its first prompt and lasts L = min(T, iterations until n* - 1 more came):
 * P(L > k) = P(N(k) <= n* - 2), N(k) ~ Poisson(arrivals k), k < T. The
 * prompts of a cycle wait sum_{k<L} (1 + N(k)) iterations in all, and a
 * cycle serves 1 + arrivals E[L] prompts (Wald), so a prompt waits
 *   sum_{k<T} sum_{j<=n*-2} (1 + j) P(N(k) = j) / (1 + arrivals sum_{k<T} P(L > k)),
 * T for a lone prompt, (T + a T(T-1)/2)/(1 + a T) when n* is never reached. */
static double batch_wait_iters(const gw_perf_engine *e, double prompt, double decode,
                               double arrivals)
{
    double timeout = e->batch_wait_iters, threshold = e->batch_wait_ratio * e->chunk_tokens;
    if (!(timeout >= 1 && threshold > 0 && prompt > 0 && arrivals >= 0))
        return 0;
    double needed = ceil((threshold - decode) / prompt - SOLVE_TOL); /* n* */
    if (needed <= 1)
        return 0;
    double waited = 0, longer = 0;
    for (double k = 0; k < timeout; k++) {
        /* P(N(k) = j) from its logarithm, which does not underflow where
         * e^(-mean) alone would; j up to n* - 2, or until the terms no
         * longer count */
        double mean = arrivals * k, log_pmf = -mean, below = 0;
        for (double j = 0; j <= needed - 2 && j <= mean + 12 * sqrt(mean) + 12; j++) {
            double pmf = exp(log_pmf);
            waited += (1 + j) * pmf;
            below += pmf;
            log_pmf += log(mean) - log(j + 1); /* mean 0: -inf, every later term 0 */
        }
        longer += below;
    }
    return waited / (1 + arrivals * longer);
}

/* A benchmark of K requests per client (requests_per_client) starts all C
 * at once and then runs its cycles out of phase (lengths drawn at random,
 * or staggered by the wave itself): of every client's K first tokens, one
 * is the wave's and K-1 the steady state's (docs/serving.md §7.9.1). */
static double benchmark_ttft(const gw_serve_request *rq, double steady_s, double wave_s)
{
    double k = rq->requests_per_client;
    return k >= 1 ? steady_s + (wave_s - steady_s) / k : steady_s;
}

/* ---- §7.9.3 fixed lengths on a prefill-first scheduler: every cycle a wave */

/* Does a benchmark's start-up wave come back in every cycle? With fixed
 * lengths, stated as such (length_low 1; 0 says nothing of the draw), and
 * no speculation every request of a wave needs the same
 * steps; a prefill-first scheduler (SGLang) prefills all of a wave's
 * prompts before any of them decodes, so they finish in one iteration and
 * their clients send the next wave together. A mixed scheduler staggers
 * the groups by an iteration each, and drawn lengths or speculation's
 * random acceptance spread the finishes: there the wave dissolves (§7.9.1). */
static int waves_persist(const gw_perf_engine *e, const gw_serve_request *rq)
{
    return e->prefill_first && rq->length_low == 1 && rq->requests_per_client >= 1 &&
           e->spec_tokens == 0;
}

/* One rank's cycle in waves: its b prompts arrive together, run as prefill
 * batches of the engine's budget with no decodes (prefill-first), and then
 * all b decode together, with no prompt between their steps. */
typedef struct wave_cycle {
    double first_token_s; /* mean over the wave's prompts, from their arrival */
    double prefill_s;     /* the whole wave's prefill: the last prompt's first token */
    double step_s;        /* a decode step of the b sequences */
    double cycle_s;       /* arrival to the last token, the stack's overhead included */
} wave_cycle;

static void rank_in_waves(const gw_perf_engine *e, const lengths *L, double b, wave_cycle *w)
{
    w->first_token_s = wave_ttft(e, L, b, budget_prompts(e, L, b), 0, &w->prefill_s);
    gw_perf_batch d = {0};
    add_decodes(e, L, b, &d);
    w->step_s = rank_step(e, L, &d, NULL);
    w->cycle_s = e->request_overhead_s + w->prefill_s + decode_steps(e, L) * w->step_s;
}

static int check_request(const gw_serve_request *rq, gw_error *err)
{
    if (!(rq->input_tokens >= 1 && rq->output_tokens >= 1))
        return gw_error_field(err, "input_tokens",
                              "input %g and output %g tokens; expected at least 1 each",
                              rq->input_tokens, rq->output_tokens);
    if (!(rq->length_low >= 0 && rq->length_low <= 1))
        return gw_error_field(err, "length_low",
                              "lengths drawn from %g of nominal; expected a share in 0..1",
                              rq->length_low);
    if (gw_perf_check_output_cv(rq->output_cv, err))
        return err->code;
    if (rq->output_cv > 0 && rq->length_low > 0 && rq->length_low < 1)
        return gw_error_field(err, "output_tokens_cv",
                              "outputs spread %g with lengths drawn from %g of nominal; "
                              "expected one of them",
                              rq->output_cv, rq->length_low);
    if (!(rq->concurrency >= 0) || !isfinite(rq->concurrency))
        return gw_error_field(err, "concurrency",
                              "client concurrency %g; expected requests in flight >= 0 "
                              "(0 = the most the deployment holds)",
                              rq->concurrency);
    if (!(rq->requests_per_client == 0 || rq->requests_per_client >= 1) ||
        !isfinite(rq->requests_per_client))
        return gw_error_field(err, "requests_per_client",
                              "%g requests per client; expected 0 (the steady state) or at "
                              "least 1",
                              rq->requests_per_client);
    return GW_OK;
}

/* The rates and the three tokens/s-per-GPU definitions from the request
 * rate, once gpus, ttft_s and tpot_s are set. */
static int finish_point(gw_serve_point *p, const lengths *L, double rate, gw_error *err)
{
    p->requests_per_s = rate;
    p->e2e_s = p->ttft_s + (L->out - 1) * p->tpot_s;
    p->tokens_per_user_s = p->tpot_s > 0 ? 1 / p->tpot_s : 0;
    p->tps_gpu_io = rate * (L->in + L->out) / p->gpus;
    p->tps_gpu_out = rate * L->out / p->gpus;
    p->tps_decode_gpu_out = rate * L->out / p->decode_gpus;
    if (!gwi_all_finite(&p->ttft_s, offsetof(gw_serve_point, bound) / sizeof(double)))
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "serving estimate overflowed; expected finite inputs");
    return GW_OK;
}

/* §7.9.3: the closed loop in waves. Below the cap the C clients cycle
 * together (rate = C / cycle); at the cap the ranks run b each and the
 * rest wait a cycle's share (Little, as §7.9). A request's first token
 * comes with its group's prefill batch; after it the request waits for the
 * rest of the wave and then decodes, so the TPOT a client measures,
 * (e2e - TTFT) / (O - 1), carries the wave's remainder. */
static int agg_in_waves(const gw_perf_engine *e, const lengths *L, double clients, double ranks,
                        double n, double b, double bmax, gw_serve_point *out, gw_error *err)
{
    wave_cycle w;
    rank_in_waves(e, L, b, &w);
    double rate = n <= bmax ? clients / w.cycle_s : ranks * b / w.cycle_s;
    double wait = fmax(0, clients / rate - w.cycle_s);
    double after_first = w.prefill_s - w.first_token_s + decode_steps(e, L) * w.step_s;
    out->ttft_s = e->request_overhead_s + wait + w.first_token_s;
    out->tpot_s = L->out > 1 ? after_first / (L->out - 1) : w.step_s / tokens_per_step(e);
    const char *bound = n < bmax                      ? "concurrency"
                        : bmax < e->max_batch_engine ? "kv-cache"
                        : w.prefill_s > decode_steps(e, L) * w.step_s ? "prefill"
                                                                    : "decode";
    strcpy(out->bound, bound);
    return finish_point(out, L, rate, err);
}

/* §7.9: n = C / ranks requests per rank; the rank runs b = min(n, B) of
 * them (priced at least one), the rest wait. Below B the loop is as fast
 * as the service (cycle = service, rate = C / cycle); at B the ranks are
 * full (rate = ranks x b / service) and Little's law gives the cycle,
 * C / rate, of which the part beyond the service is the wait. */
int gw_serve_agg(const gw_perf_engine *e, int workers, const gw_serve_request *rq,
                 gw_serve_point *out, gw_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = check_request(rq, err);
    if (rc)
        return rc;
    if (workers < 1)
        return gw_error_field(err, "workers", "%d workers; expected at least 1", workers);
    lengths L = mean_lengths(rq);
    double adp = fmax(1, e->attention_dp), ranks = workers * adp, bmax;
    int kv_short;
    if ((rc = rank_max_batch(e, &L, &bmax, &kv_short, err)))
        return rc;
    double clients = rq->concurrency > 0 ? rq->concurrency : ranks * bmax;
    double n = clients / ranks, b = fmin(fmax(n, 1), bmax);
    rank_point r;
    agg_rank(e, &L, b, &r);
    double rate = n <= bmax ? clients / r.service_s : ranks * r.rate;
    double wait = clients / rate - r.service_s;
    out->gpus = ranks * e->tp * e->pp;
    out->prefill_gpus = out->decode_gpus = out->gpus; /* every GPU does both */
    out->batch_per_rank = b;
    if (waves_persist(e, rq))
        return agg_in_waves(e, &L, clients, ranks, n, b, bmax, out, err);
    double wave = rq->requests_per_client >= 1
                      ? wave_ttft(e, &L, b, budget_prompts(e, &L, b), 1, NULL)
                      : 0;
    /* attention-DP balancing holds steady-state prompts, not the wave's
     * (every rank has one then), at the ranks' service-bound arrival rate;
     * below one sequence per rank an idle rank releases at once */
    double arrivals = rate / ranks * r.step_s; /* new prompts per rank and iteration */
    double held = n >= 1 ? adp_balance_iters(e->adp_balance_iters, adp, arrivals) * r.step_s : 0;
    /* batch waiting holds a prompt only while others decode, and not with
     * attention DP (where balancing does the holding) */
    if (adp <= 1)
        held += fmin(1, b - 1) *
                batch_wait_iters(e, L.in, (b - 1) * (1 + e->spec_tokens), arrivals) * r.step_s;
    /* SGLang's request poll (--scheduler-recv-interval N, §7.9.5): while
     * others decode, the scheduler takes new requests in only every N
     * decode iterations (a prefill iteration polls at once after it), so a
     * prompt arriving at a random time waits N/2 of them; an idle engine
     * polls at once */
    if (e->recv_interval > 1)
        held += fmin(1, b - 1) * e->recv_interval / 2 * r.step_s;
    out->ttft_s =
        e->request_overhead_s + benchmark_ttft(rq, fmax(0, wait) + held + r.prefill_s, wave);
    out->tpot_s = r.step_s / tokens_per_step(e);
    /* the clients' cycle is the mean e2e, overhead and wave included (without
     * either it is the service time already, bit for bit) */
    if (n <= bmax && (e->request_overhead_s > 0 || rq->requests_per_client >= 1))
        rate = clients / (out->ttft_s + decode_steps(e, &L) * r.step_s);
    const char *bound = n < bmax                      ? "concurrency"
                        : bmax < e->max_batch_engine ? "kv-cache"
                        : r.prefill_share > 0.5       ? "prefill"
                                                      : "decode";
    strcpy(out->bound, bound);
    return finish_point(out, &L, rate, err);
}

/* ---- §7.10 disaggregated: a prefill pool, a decode pool -------------- */

typedef struct pool_view {
    const gw_perf_engine *e;
    double ranks, gpus; /* attention ranks and GPUs in the pool */
    double cap;         /* per rank: requests it may hold (the pool's concurrency); 0 = none */
} pool_view;

static int view_pool(const gw_serve_pool *p, const char *role, pool_view *v, gw_error *err)
{
    if (!p || !p->engine || p->workers < 1 || !(p->concurrency >= 0))
        return gw_error_field(err, "disagg",
                              "the %s pool has %d workers at concurrency %g; expected an "
                              "initialised engine, at least 1 worker and a concurrency >= 0",
                              role, p ? p->workers : 0, p ? p->concurrency : 0);
    double adp = fmax(1, p->engine->attention_dp);
    v->e = p->engine;
    v->ranks = p->workers * adp;
    v->gpus = v->ranks * p->engine->tp * p->engine->pp;
    v->cap = p->concurrency > 0 ? p->concurrency / adp : 0;
    return GW_OK;
}

/* A prefill rank runs prompts only: as many whole prompts per step as the
 * token budget holds (chunk_tokens: TensorRT-LLM's max_num_tokens, vLLM's
 * max_num_batched_tokens), at least one, at most the pool's concurrency;
 * a prompt longer than the budget takes its chunks one step each. */
static double prompts_per_step_max(const pool_view *v, const lengths *L)
{
    double budget = v->e->chunk_tokens;
    double p = budget > 0 && L->in <= budget ? floor(budget / L->in) : 1;
    return v->cap > 0 ? fmin(p, fmax(1, floor(v->cap))) : p;
}

static double prefill_step(const gw_perf_engine *e, const lengths *L, double prompts)
{
    gw_perf_batch b = {0};
    add_prompts(e, L, prompts, &b);
    if (e->chunk_tokens > 0 && L->in > e->chunk_tokens) {
        /* one prompt in chunks; the other ranks chunk theirs alongside */
        double other_ranks;
        rank_step(e, L, &b, &other_ranks);
        return prompt_time(e, L, 0, other_ranks * e->chunk_tokens / L->in);
    }
    return rank_step(e, L, &b, NULL);
}

/* A prompt's time on a prefill rank that receives x requests/s: a step
 * takes what arrived during the last one, p = x t(p) prompts (1..pmax, a
 * fixed point), and a new prompt waits for the running step to end, half
 * a step times the rank's busy share x t / p. */
static double prefill_latency(const pool_view *v, const lengths *L, double x, double pmax)
{
    double p = 1, t = prefill_step(v->e, L, 1);
    for (int i = 0; i < SOLVE_ROUNDS; i++) {
        double next = fmin(pmax, fmax(1, x * t));
        if (fabs(next - p) <= SOLVE_TOL * next)
            break;
        p = next;
        t = prefill_step(v->e, L, p);
    }
    return fmin(1, x * t / p) * t / 2 + t;
}

/* Requests/s through the decode pool at b sequences per rank, each
 * staying decode_steps steps (a step priced at one sequence at least). */
static double decode_rate(const pool_view *d, const lengths *L, double b, double *step)
{
    gw_perf_batch s = {0};
    add_decodes(d->e, L, fmax(b, 1), &s);
    *step = rank_step(d->e, L, &s, NULL);
    return d->ranks * b / (decode_steps(d->e, L) * *step);
}

/* The KV link of one request stream: given, else the scale-up link
 * (achieved, one direction) when both pools fit in one scale-up domain,
 * else the slower side's scale-out NIC; a rank's GPUs send their shards
 * in parallel, the narrower side's tp x pp streams. */
static int kv_link(const pool_view *p, const pool_view *d, const gw_serve_request *rq,
                   double *bps, gw_error *err)
{
    if (rq->kv_link_bps > 0) {
        *bps = rq->kv_link_bps;
        return GW_OK;
    }
    double streams = fmin(p->e->tp, d->e->tp) * fmin(p->e->pp, d->e->pp);
    double domain = fmin(p->e->scaleup_domain, d->e->scaleup_domain);
    if (domain > 0 && p->gpus + d->gpus <= domain)
        *bps = fmin(p->e->link_rate, d->e->link_rate) * streams;
    else
        *bps = fmin(p->e->scaleout_bps, d->e->scaleout_bps) * streams;
    if (*bps > 0)
        return GW_OK;
    return gw_error_field(err, "disagg",
                          "no link for the KV cache between the pools (%.0f + %.0f GPUs, scale-up "
                          "domain %g, no scale-out bandwidth); expected kv_link_bps or the "
                          "accelerators' scaleout_bandwidth",
                          p->gpus, d->gpus, domain);
}

/* What a disaggregated solve needs at every trial decode batch. */
typedef struct disagg {
    const pool_view *p, *d;
    const lengths *L;
    double pmax;  /* prompts per prefill step at most */
    double kv_s;  /* KV transfer and hand-over, per request */
} disagg;

/* A request's time through both pools without waiting, with the decode
 * pool at b sequences per rank and the prefill pool at the same rate. */
static double disagg_cycle(const disagg *s, double b, double *rate, double *step,
                           double *prefill)
{
    *rate = decode_rate(s->d, s->L, b, step);
    *prefill = prefill_latency(s->p, s->L, *rate / s->p->ranks, s->pmax);
    return *prefill + s->kv_s + decode_steps(s->d->e, s->L) * *step;
}

/* The decode batch per rank in (0, hi] at which the rate (by_clients 0)
 * or the requests in flight, rate x cycle (by_clients 1), reach `target`:
 * both grow with the batch, so bisection finds it. */
static double solve_batch(const disagg *s, double hi, int by_clients, double target)
{
    double lo = 0;
    for (int i = 0; i < SOLVE_ROUNDS && hi - lo > SOLVE_TOL * hi; i++) {
        double mid = (lo + hi) / 2, rate, step, pf;
        double v = by_clients ? disagg_cycle(s, mid, &rate, &step, &pf) * rate
                              : decode_rate(s->d, s->L, mid, &step);
        if (v < target)
            lo = mid;
        else
            hi = mid;
    }
    return hi;
}

/* Checks of a disaggregated deployment against the request: something to
 * decode, a prefill rank that holds one prompt, a decode rank that holds
 * one request (its largest batch, *bd, else an error on that pool,
 * "disagg.prefill" / "disagg.decode", for the scenario to place). */
static int check_disagg(const pool_view *p, const pool_view *d, const lengths *L, double *bd,
                        int *kv_limited, gw_error *err)
{
    if (!(L->out > 1))
        return gw_error_field(err, "disagg",
                              "%g output tokens per request leave nothing to decode; expected "
                              "at least 2 (or an aggregated deployment)",
                              L->out);
    if (p->e->kv_capacity_tokens < L->in)
        return gw_error_field(err, "disagg.prefill",
                              "a prefill rank caches %.0f tokens, less than one %.0f-token "
                              "prompt; expected more memory per prefill rank (tp x pp)",
                              p->e->kv_capacity_tokens, L->in);
    int kv_short;
    int rc = rank_max_batch(d->e, L, bd, &kv_short, err);
    if (rc && kv_short) {
        char why[sizeof err->msg];
        memcpy(why, err->msg, sizeof why);
        return gw_error_field(err, "disagg.decode",
                              "a decode rank (tp %g x pp %g) cannot hold one "
                              "request's KV cache: %s", d->e->tp, d->e->pp, why);
    }
    if (rc)
        return rc;
    *kv_limited = *bd < d->e->max_batch_engine && !(d->cap > 0 && d->cap < *bd);
    if (d->cap > 0)
        *bd = fmin(*bd, fmax(1, d->cap));
    return GW_OK;
}

/* §7.10: the pools' capacities at their largest batches, prefill Xp and
 * decode Xd; the rate is min(Xp, Xd, C / cycle) with the cycle taken at
 * the loads that rate puts on the pools. */
int gw_serve_disagg(const gw_serve_pool *prefill, const gw_serve_pool *decode,
                    const gw_serve_request *rq, gw_serve_point *out, gw_error *err)
{
    memset(out, 0, sizeof *out);
    pool_view p, d;
    int rc = check_request(rq, err);
    if (rc || (rc = view_pool(prefill, "prefill", &p, err)) ||
        (rc = view_pool(decode, "decode", &d, err)))
        return rc;
    lengths L = mean_lengths(rq);
    double bd = 0, link = 0;
    int kv_limited = 0;
    if ((rc = check_disagg(&p, &d, &L, &bd, &kv_limited, err)) ||
        (rc = kv_link(&p, &d, rq, &link, err)))
        return rc;
    gw_handover_source from;
    double handover =
        gw_serve_kv_handover_s(d.e, rq->kv_handover_s > 0 ? rq->kv_handover_s : -1, &from);
    out->kv_handover_s = handover, out->kv_handover_source = (int)from;
    out->kv_transfer_s = L.in * p.e->kv_bytes_per_token_model / link + handover;
    disagg s = {.p = &p, .d = &d, .L = &L, .pmax = prompts_per_step_max(&p, &L),
                .kv_s = out->kv_transfer_s};
    double step, rate, pf;
    double xd = decode_rate(&d, &L, bd, &step);
    double xp = p.ranks * s.pmax / prefill_step(p.e, &L, s.pmax);
    double b = xp < xd ? solve_batch(&s, bd, 0, xp) : bd;
    double cycle = disagg_cycle(&s, b, &rate, &step, &pf);
    const char *bound = xp < xd ? "prefill" : kv_limited ? "kv-cache" : "decode";
    double clients = rq->concurrency > 0 ? rq->concurrency : rate * cycle;
    if (rate * cycle > clients) {
        b = solve_batch(&s, b, 1, clients);
        cycle = disagg_cycle(&s, b, &rate, &step, &pf);
        bound = "concurrency";
    }
    out->prefill_gpus = p.gpus, out->decode_gpus = d.gpus, out->gpus = p.gpus + d.gpus;
    out->batch_per_rank = b;
    /* the wave: the C clients' prompts over the prefill ranks at once */
    double wave = rq->requests_per_client >= 1
                      ? wave_ttft(p.e, &L, clients / p.ranks, s.pmax, 0, NULL)
                      : 0;
    out->ttft_s = p.e->request_overhead_s + out->kv_transfer_s +
                  benchmark_ttft(rq, fmax(0, clients / rate - cycle) + pf, wave);
    out->tpot_s = step / tokens_per_step(d.e);
    strcpy(out->bound, bound);
    return finish_point(out, &L, rate, err);
}

int gw_serve_kv_link(const gw_perf_engine *prefill, double prefill_gpus,
                     const gw_perf_engine *decode, double decode_gpus, double kv_link_bps,
                     double *bps, gw_error *err)
{
    const pool_view p = {.e = prefill, .gpus = prefill_gpus}, d = {.e = decode, .gpus = decode_gpus};
    const gw_serve_request rq = {.kv_link_bps = kv_link_bps};
    return kv_link(&p, &d, &rq, bps, err);
}

double gw_serve_kv_handover_s(const gw_perf_engine *decode, double given_s,
                              gw_handover_source *source)
{
    gw_handover_source from = given_s >= 0                 ? GW_HANDOVER_GIVEN
                              : decode->kv_handover_s > 0 ? GW_HANDOVER_STACK
                                                          : GW_HANDOVER_STANDIN;
    if (source)
        *source = from;
    return from == GW_HANDOVER_GIVEN   ? given_s
           : from == GW_HANDOVER_STACK ? decode->kv_handover_s
                                       : KV_HANDOVER_DEFAULT_S;
}
