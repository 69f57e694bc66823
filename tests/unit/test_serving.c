/* tests/unit/test_serving.c — serving deployments (src/model/serving.c,
 * docs/serving.md) against hand arithmetic on perf.c's step: the closed
 * loop at C = 1 is a prompt alone then decode steps of batch 1; Little's
 * law holds at every concurrency; the three tokens/s-per-GPU definitions
 * relate as their definitions say; disaggregated rate matching picks the
 * slower pool; the KV transfer is tokens x bytes / link + hand-over.
 * Expected values are built from gw_perf_step on batches written out here,
 * never from serving.c's own helpers. The last test prints predicted vs
 * measured TTFT/TPOT for a few rows of data/perf/
 * silicon-sample.csv (reported, not fitted, not asserted). */
#include "gigawatt/catalog.h"
#include "gigawatt/serving.h"
#include "gw_test.h"
#include "tiny_model.h"

/* 1e15 FLOP/s BF16, 1e12 B/s HBM of `hbm` bytes, 400e9 B/s scale-up in
 * both directions; every efficiency 0.5, 1 ms step overhead, 256
 * sequences at most, whole prompts, KV reserved to the end. */
typedef struct rig {
    gw_llm m;
    gw_accelerator a;
    gw_efficiency f;
    gw_perf_engine e;
} rig;

static void rig_init(rig *r, double hbm, int tp)
{
    memset(r, 0, sizeof *r);
    r->m = tiny_dense();
    r->a = round_accel(hbm);
    r->a.scaleup_domain = 8, r->a.scaleout_bandwidth_bps = 50e9;
    r->f = half_eff();
    r->f.workspace_b = 1e3; /* a stated workspace, tiny: the small rig's HBM is ~220 KB */
    gw_perf_config c = {.model = &r->m, .accel = &r->a, .eff = &r->f, .tp = tp, .pp = 1,
                        .ep = 1, .weights = GW_PREC_BF16, .kv = GW_PREC_BF16};
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &r->e, &err), GW_OK);
}

/* The rig's replica as a config: TP1, BF16 weights and KV, ranks
 * attention-DP ranks (0 = none). */
static gw_perf_config rig_config(rig *r, int ranks)
{
    return (gw_perf_config){.model = &r->m, .accel = &r->a, .eff = &r->f, .tp = 1, .pp = 1,
                            .ep = 1, .attention_dp = ranks, .weights = GW_PREC_BF16,
                            .kv = GW_PREC_BF16};
}

/* Engine c serving rq on one worker: the point, both calls checked. */
static gw_serve_point serve_config(const gw_perf_config *c, const gw_serve_request *rq)
{
    gw_perf_engine e;
    gw_serve_point p = {0};
    gw_error err;
    CHECK_INT(gw_perf_engine_init(c, &e, &err), GW_OK);
    CHECK_INT(gw_serve_agg(&e, 1, rq, &p, &err), GW_OK);
    return p;
}

/* One whole prompt of `in` tokens alone in a step. */
static double prompt_alone(const gw_perf_engine *e, double in)
{
    gw_perf_batch b = {.prefill_tokens = in, .prefill_chunks = 1,
                       .prefill_pairs = in * (in + 1) / 2};
    return gw_perf_step(e, &b, NULL);
}

/* `seqs` decodes at context `ctx`, `draft` draft tokens each. */
static double decode_only(const gw_perf_engine *e, double seqs, double ctx, double draft)
{
    gw_perf_batch b = {.decode_seqs = seqs, .decode_context = seqs * ctx,
                       .decode_draft_tokens = seqs * draft};
    return gw_perf_step(e, &b, NULL);
}

static void test_kv_bytes_of_the_model(void)
{
    rig r;
    rig_init(&r, 100e9, 1);
    CHECK_NEAR(r.e.kv_bytes_per_token_model, 256, 1e-12);
    rig_init(&r, 100e9, 2); /* sharded over TP, the model's total is the same */
    CHECK_NEAR(r.e.kv_bytes_per_token_model, 256, 1e-12);
    CHECK_NEAR(r.e.scaleup_domain, 8, 0);
    CHECK_NEAR(r.e.scaleout_bps, 50e9, 0);
}

/* C = 1: TTFT = the prompt alone, TPOT = a decode step of batch 1 at the
 * mean context I + O/2, e2e = TTFT + (O-1) TPOT, rate = 1 / e2e. */
static void test_agg_single_client(void)
{
    rig r;
    rig_init(&r, 100e9, 1);
    gw_serve_request rq = {.input_tokens = 1000, .output_tokens = 100, .concurrency = 1};
    gw_serve_point p;
    gw_error err;
    CHECK_INT(gw_serve_agg(&r.e, 1, &rq, &p, &err), GW_OK);
    double ttft = prompt_alone(&r.e, 1000), tpot = decode_only(&r.e, 1, 1050, 0);
    CHECK_NEAR(p.ttft_s, ttft, 1e-9);
    CHECK_NEAR(p.tpot_s, tpot, 1e-9);
    CHECK_NEAR(p.e2e_s, ttft + 99 * tpot, 1e-9);
    CHECK_NEAR(p.requests_per_s, 1 / (ttft + 99 * tpot), 1e-9);
    CHECK_NEAR(p.tokens_per_user_s, 1 / tpot, 1e-9);
    CHECK_NEAR(p.batch_per_rank, 1, 0);
    CHECK_NEAR(p.gpus, 1, 0);
    CHECK_STR_HAS(p.bound, "concurrency");
}

/* Little's law, requests_per_s x e2e = C, below and beyond the largest
 * batch; beyond it the extra requests wait (TTFT grows by the wait) and
 * the rate stops growing. The three definitions: io = out (I+O)/O, and
 * decode-GPU = out x gpus / decode_gpus (all GPUs decode when aggregated). */
static void test_agg_littles_law_and_definitions(void)
{
    rig r;
    rig_init(&r, 100e9, 1);
    gw_serve_request rq = {.input_tokens = 1000, .output_tokens = 100};
    const double clients[] = {1, 7, 64, 256, 600, 2048};
    gw_serve_point p[6];
    gw_error err;
    for (int i = 0; i < 6; i++) {
        rq.concurrency = clients[i];
        CHECK_INT(gw_serve_agg(&r.e, 2, &rq, &p[i], &err), GW_OK);
        CHECK_NEAR(p[i].requests_per_s * p[i].e2e_s, clients[i], 1e-9);
        CHECK_NEAR(p[i].tps_gpu_io, p[i].tps_gpu_out * 1100 / 100, 1e-12);
        CHECK_NEAR(p[i].tps_decode_gpu_out, p[i].tps_gpu_out * p[i].gpus / p[i].decode_gpus,
                   1e-12);
        CHECK_NEAR(p[i].tps_gpu_out, p[i].requests_per_s * 100 / 2, 1e-12);
        if (i > 0)
            CHECK(p[i].requests_per_s >= p[i - 1].requests_per_s * (1 - 1e-9));
    }
    /* 2 workers x 256 sequences = 512: at 600 and 2048 both ranks are full,
     * the same rate, and the extra clients only wait */
    CHECK_NEAR(p[4].batch_per_rank, 256, 0);
    CHECK_NEAR(p[4].requests_per_s, p[5].requests_per_s, 1e-9);
    CHECK_NEAR(p[5].ttft_s - p[4].ttft_s, (2048 - 600) / p[4].requests_per_s, 1e-9);
    CHECK_STR_HAS(p[5].bound, "decode");
    CHECK_STR_HAS(p[2].bound, "concurrency");
    /* concurrency 0: the offline point, every rank at its largest batch */
    rq.concurrency = 0;
    gw_serve_point off;
    CHECK_INT(gw_serve_agg(&r.e, 2, &rq, &off, &err), GW_OK);
    CHECK_NEAR(off.requests_per_s, p[4].requests_per_s, 1e-9);
    CHECK_NEAR(off.requests_per_s * off.e2e_s, 512, 1e-9);
}

/* Attention-DP: a worker of 2 ranks holds C / 2 requests per rank. A
 * dense model's ranks never wait for each other (no MoE layer joins
 * them), so 2 clients on one worker of 2 ranks are 2 single clients: the
 * C = 1 times, twice the rate, 2 GPUs. */
static void test_agg_attention_dp_ranks(void)
{
    rig r;
    rig_init(&r, 100e9, 1);
    gw_perf_config c = {.model = &r.m, .accel = &r.a, .eff = &r.f, .tp = 1, .pp = 1, .ep = 1,
                        .attention_dp = 2, .weights = GW_PREC_BF16, .kv = GW_PREC_BF16};
    gw_perf_engine e2;
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &e2, &err), GW_OK);
    gw_serve_request rq = {.input_tokens = 1000, .output_tokens = 100, .concurrency = 2};
    gw_serve_point p;
    CHECK_INT(gw_serve_agg(&e2, 1, &rq, &p, &err), GW_OK);
    double ttft = prompt_alone(&e2, 1000), tpot = decode_only(&e2, 1, 1050, 0);
    CHECK_NEAR(p.gpus, 2, 0);
    CHECK_NEAR(p.batch_per_rank, 1, 0);
    CHECK_NEAR(p.ttft_s, ttft, 1e-9);
    CHECK_NEAR(p.tpot_s, tpot, 1e-9);
    CHECK_NEAR(p.requests_per_s, 2 / (ttft + 99 * tpot), 1e-9);
}

/* TensorRT-LLM's attention-DP balancing (docs/serving.md §7.9.2): a
 * steady-state prompt waits the residual of a release cycle L = min(T, M),
 * M the iterations until all R ranks had an arrival (Poisson, a per rank
 * and iteration): E[L^2] / (2 E[L]) iterations, written out here as the
 * sums over P(L > k) = 1 - (1 - e^(-a k))^R; at most (T+1)/2 ... T/2 for
 * sparse arrivals; none below one sequence per rank or without balancing. */
static void test_agg_attention_dp_balance(void)
{
    rig r;
    rig_init(&r, 100e9, 1);
    gw_perf_config c = rig_config(&r, 4);
    gw_perf_engine e;
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    gw_serve_request rq = {.input_tokens = 1000, .output_tokens = 100, .concurrency = 8};
    gw_serve_point off, on;
    CHECK_INT(gw_serve_agg(&e, 1, &rq, &off, &err), GW_OK);
    e.adp_balance_iters = 60;
    CHECK_INT(gw_serve_agg(&e, 1, &rq, &on, &err), GW_OK);
    double step = off.tpot_s, a = off.requests_per_s / 4 * step, mean = 0, square = 0;
    for (int k = 0; k < 60; k++) {
        double longer = 1 - pow(1 - exp(-a * k), 4);
        mean += longer, square += (2 * k + 1) * longer;
    }
    double held = square / (2 * mean);
    CHECK(held > 0 && held <= 30);
    CHECK_NEAR(on.ttft_s, off.ttft_s + held * step, 1e-9);
    CHECK_NEAR(on.tpot_s, off.tpot_s, 0);
    rq.concurrency = 2; /* half a sequence per rank: idle ranks release at once */
    CHECK_INT(gw_serve_agg(&e, 1, &rq, &on, &err), GW_OK);
    e.adp_balance_iters = 0;
    CHECK_INT(gw_serve_agg(&e, 1, &rq, &off, &err), GW_OK);
    CHECK_NEAR(on.ttft_s, off.ttft_s, 0);
}

/* TensorRT-LLM's batch waiting (docs/serving.md §7.9.4): without attention
 * DP and while others decode, a prompt is held until the iteration's tokens
 * reach ratio x budget or the counter reaches T. Budget 16384, ratio 0.9:
 * 14746 tokens, so with 7 others decoding n* = ceil((14746 - 7) / 1000) =
 * 15 prompts; the arrivals a per iteration come from the point's own rate.
 * The hold, written out here as the renewal sums over Poisson terms, joins
 * TTFT and nothing else; ratio 0 (TensorRT-LLM then never waits), T 0 or a
 * lone client hold nothing. */
static void test_agg_batch_wait(void)
{
    rig r;
    rig_init(&r, 100e9, 1);
    gw_perf_config c = rig_config(&r, 0);
    c.max_num_tokens = 16384;
    gw_perf_engine e;
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.chunk_tokens, 16384, 0);
    gw_serve_request rq = {.input_tokens = 1000, .output_tokens = 100, .concurrency = 8};
    gw_serve_point off = serve_config(&c, &rq), on;
    c.batch_wait_iters = 20, c.batch_wait_ratio = 0.9;
    on = serve_config(&c, &rq);
    double step = off.tpot_s, a = off.requests_per_s * step, waited = 0, longer = 0;
    for (int k = 0; k < 20; k++) {
        double mean = a * k, pmf = exp(-mean), below = 0;
        for (int j = 0; j <= 13; j++) { /* n* - 2 = 13 */
            waited += (1 + j) * pmf, below += pmf;
            pmf *= mean / (j + 1);
        }
        longer += below;
    }
    double held = waited / (1 + a * longer);
    /* n* is out of reach at these arrivals: the timeout's cycle, sum over
     * k < T of (1 + a k) over 1 + a T, to the Poisson tails */
    CHECK_NEAR(held, (20 + a * 190) / (1 + 20 * a), 1e-6 * held);
    CHECK(held > 1 && held <= 20);
    CHECK_NEAR(on.ttft_s, off.ttft_s + held * step, 1e-9);
    CHECK_NEAR(on.tpot_s, off.tpot_s, 0);
    c.batch_wait_ratio = 0; /* TensorRT-LLM's check passes at once: no hold */
    on = serve_config(&c, &rq);
    CHECK_NEAR(on.ttft_s, off.ttft_s, 0);
    c.batch_wait_ratio = 0.9, rq.concurrency = 1; /* nobody else decodes */
    on = serve_config(&c, &rq);
    c.batch_wait_iters = 0;
    off = serve_config(&c, &rq);
    CHECK_NEAR(on.ttft_s, off.ttft_s, 0);
    /* the recipe's settings are checked where they are set */
    static const struct {
        int budget, iters;
        double ratio;
        const char *field;
    } bad[] = {{-1, 0, 0, "max_num_tokens"}, {0, -1, 0, "batch_wait_iters"},
               {0, 20, 1.5, "batch_wait_ratio"}, {0, 20, -0.1, "batch_wait_ratio"}};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        c.max_num_tokens = bad[i].budget, c.batch_wait_iters = bad[i].iters;
        c.batch_wait_ratio = bad[i].ratio;
        CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_E_INPUT);
        CHECK_STR_HAS(err.field, bad[i].field);
    }
}

/* SGLang's request poll (docs/serving.md §7.9.5): with --scheduler-recv-
 * interval N the scheduler takes new requests in every N decode iterations
 * while others decode, so a steady-state prompt waits N/2 steps more; a
 * lone client finds the engine idle and waits nothing. TensorRT-LLM's or
 * vLLM's stack refuses the setting (it is SGLang's). */
static void test_agg_recv_interval(void)
{
    rig r;
    rig_init(&r, 100e9, 1);
    gw_perf_config c = rig_config(&r, 0);
    gw_perf_engine e;
    gw_error err;
    gw_serve_request rq = {.input_tokens = 1000, .output_tokens = 100, .concurrency = 8};
    gw_serve_point off = serve_config(&c, &rq), on;
    c.recv_interval = 30;
    on = serve_config(&c, &rq);
    CHECK_NEAR(on.ttft_s, off.ttft_s + 15 * off.tpot_s, 1e-9);
    CHECK_NEAR(on.tpot_s, off.tpot_s, 0);
    rq.concurrency = 1;
    on = serve_config(&c, &rq);
    c.recv_interval = 1; /* every iteration: no hold */
    off = serve_config(&c, &rq);
    CHECK_NEAR(on.ttft_s, off.ttft_s, 0);
    snprintf(r.f.engine, sizeof r.f.engine, "trtllm");
    c.recv_interval = 30;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.field, "recv_interval");
    c.recv_interval = -1;
    r.f.engine[0] = 0;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.field, "recv_interval");
}

/* Lengths drawn in [0.8 N, N]: the means are 0.9 N, so output tokens/s is
 * the rate x 90 and input+output the rate x 990. */
static void test_agg_drawn_lengths(void)
{
    rig r;
    rig_init(&r, 100e9, 1);
    gw_serve_request rq = {.input_tokens = 1000, .output_tokens = 100, .length_low = 0.8,
                           .concurrency = 1};
    gw_serve_point p;
    gw_error err;
    CHECK_INT(gw_serve_agg(&r.e, 1, &rq, &p, &err), GW_OK);
    CHECK_NEAR(p.tps_gpu_out, p.requests_per_s * 90, 1e-12);
    CHECK_NEAR(p.tps_gpu_io, p.requests_per_s * 990, 1e-12);
    CHECK_NEAR(p.e2e_s, p.ttft_s + 89 * p.tpot_s, 1e-12);
    /* E[I^2] = 1000^2 (1 + 0.8 + 0.64)/3: the prompt's pairs */
    gw_perf_batch b = {.prefill_tokens = 900, .prefill_chunks = 1,
                       .prefill_pairs = (1e6 * 2.44 / 3 + 900) / 2};
    CHECK_NEAR(p.ttft_s, gw_perf_step(&r.e, &b, NULL), 1e-9);
    /* output-weighted context: 900 + 100 x 2.44/3 / (2 x 0.9) */
    CHECK_NEAR(p.tpot_s, decode_only(&r.e, 1, 900 + 100 * 2.44 / 3 / 1.8, 0), 1e-9);
}

/* Speculative decoding: k = 2 drafts verified per step, 2.5 tokens out
 * per step: TPOT = step / 2.5, and (O-1)/2.5 decode steps per request. */
static void test_agg_speculative(void)
{
    rig r;
    rig_init(&r, 100e9, 1);
    r.e.spec_tokens = 2, r.e.spec_accept_length = 2.5;
    gw_serve_request rq = {.input_tokens = 1000, .output_tokens = 101, .concurrency = 1};
    gw_serve_point p;
    gw_error err;
    CHECK_INT(gw_serve_agg(&r.e, 1, &rq, &p, &err), GW_OK);
    double step = decode_only(&r.e, 1, 1000 + 101 / 2.0, 2);
    CHECK_NEAR(p.tpot_s, step / 2.5, 1e-9);
    CHECK_NEAR(p.e2e_s, prompt_alone(&r.e, 1000) + 40 * step, 1e-9);
}

/* Disaggregated, one prefill worker and one decode worker of tp 1.
 * Prefill capacity: 1 prompt per step (whole prompts, no budget) =
 * 1 / t_prompt; decode capacity at 256 sequences: 256 / (99 steps).
 * With a slow prefill (long prompts) the prefill pool binds; with many
 * prefill workers the decode pool does. */
static void test_disagg_rate_matching(void)
{
    rig r;
    rig_init(&r, 100e9, 1);
    gw_serve_pool pre = {.engine = &r.e, .workers = 1}, dec = {.engine = &r.e, .workers = 1};
    gw_serve_request rq = {.input_tokens = 4000, .output_tokens = 100, .kv_link_bps = 1e9,
                           .kv_handover_s = 0.01};
    gw_serve_point p;
    gw_error err;
    CHECK_INT(gw_serve_disagg(&pre, &dec, &rq, &p, &err), GW_OK);
    double xp = 1 / prompt_alone(&r.e, 4000);
    double xd = 256 / (99 * decode_only(&r.e, 256, 4050, 0));
    CHECK(xp < xd);
    CHECK_NEAR(p.requests_per_s, xp, 1e-6);
    CHECK_STR_HAS(p.bound, "prefill");
    CHECK_NEAR(p.kv_transfer_s, 4000 * 256 / 1e9 + 0.01, 1e-12);
    CHECK_NEAR(p.gpus, 2, 0);
    CHECK_NEAR(p.prefill_gpus, 1, 0);
    CHECK_NEAR(p.decode_gpus, 1, 0);
    CHECK_NEAR(p.tps_decode_gpu_out, p.tps_gpu_out * 2, 1e-12);
    CHECK_NEAR(p.requests_per_s * p.e2e_s, p.requests_per_s * (p.ttft_s + 99 * p.tpot_s), 1e-12);

    pre.workers = 64; /* now prefill outruns decode */
    CHECK_INT(gw_serve_disagg(&pre, &dec, &rq, &p, &err), GW_OK);
    CHECK_NEAR(p.requests_per_s, xd, 1e-9);
    CHECK_NEAR(p.batch_per_rank, 256, 0);
    CHECK_NEAR(p.tpot_s, decode_only(&r.e, 256, 4050, 0), 1e-9);
    CHECK_STR_HAS(p.bound, "decode");

    /* a closed loop of 1: prompt alone, transfer, then batch-1 decodes */
    rq.concurrency = 1;
    CHECK_INT(gw_serve_disagg(&pre, &dec, &rq, &p, &err), GW_OK);
    CHECK_NEAR(p.requests_per_s * p.e2e_s, 1, 1e-6);
    CHECK_NEAR(p.ttft_s, prompt_alone(&r.e, 4000) + p.kv_transfer_s, 1e-3);
    CHECK_NEAR(p.tpot_s, decode_only(&r.e, 1, 4050, 0), 1e-9);
    CHECK_STR_HAS(p.bound, "concurrency");
}

/* The default KV link: both pools in one scale-up domain (8) -> the
 * achieved scale-up rate (400e9 / 2 x 0.5 = 1e11 B/s per GPU), else the
 * scale-out NIC (50e9 B/s); tp 2 on both sides sends 2 streams. */
static void test_disagg_kv_link_rule(void)
{
    rig r;
    rig_init(&r, 100e9, 2);
    gw_serve_pool pre = {.engine = &r.e, .workers = 1}, dec = {.engine = &r.e, .workers = 1};
    gw_serve_request rq = {.input_tokens = 1000, .output_tokens = 100};
    gw_serve_point p;
    gw_error err;
    CHECK_INT(gw_serve_disagg(&pre, &dec, &rq, &p, &err), GW_OK);
    CHECK_NEAR(p.kv_transfer_s, 1000 * 256 / (2 * 1e11) + 0.168, 1e-12);
    dec.workers = 4; /* 2 + 8 GPUs: beyond the domain */
    CHECK_INT(gw_serve_disagg(&pre, &dec, &rq, &p, &err), GW_OK);
    CHECK_NEAR(p.kv_transfer_s, 1000 * 256 / (2 * 50e9) + 0.168, 1e-12);
    /* the decode stack's measured kv_handover replaces the default; the
     * request's own still overrides it */
    r.e.kv_handover_s = 0.05;
    CHECK_INT(gw_serve_disagg(&pre, &dec, &rq, &p, &err), GW_OK);
    CHECK_NEAR(p.kv_transfer_s, 1000 * 256 / (2 * 50e9) + 0.05, 1e-12);
    rq.kv_handover_s = 0.02;
    CHECK_INT(gw_serve_disagg(&pre, &dec, &rq, &p, &err), GW_OK);
    CHECK_NEAR(p.kv_transfer_s, 1000 * 256 / (2 * 50e9) + 0.02, 1e-12);
    r.e.scaleout_bps = 0;
    CHECK_INT(gw_serve_disagg(&pre, &dec, &rq, &p, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.field, "disagg");
}

/* A decode rank whose memory holds the weights but not one request's KV:
 * an error on "disagg". Weights 86528 x 2 B = 173056 B; 50 KB of HBM
 * beyond them x 0.9 / 256 B = 175 tokens < 1000 + 100. */
static void test_disagg_kv_does_not_fit(void)
{
    rig big, small;
    rig_init(&big, 100e9, 1);
    rig_init(&small, 173056 + 50e3, 1);
    gw_serve_pool pre = {.engine = &big.e, .workers = 1}, dec = {.engine = &small.e, .workers = 1};
    gw_serve_request rq = {.input_tokens = 100, .output_tokens = 1000, .kv_link_bps = 1e9};
    gw_serve_point p;
    gw_error err;
    CHECK_INT(gw_serve_disagg(&pre, &dec, &rq, &p, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.field, "disagg");
    CHECK_STR_HAS(err.msg, "cannot hold one request's KV cache");
    rq.output_tokens = 1;
    dec.engine = &big.e;
    CHECK_INT(gw_serve_disagg(&pre, &dec, &rq, &p, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "nothing to decode");
}

/* Caps: a rank of 173056 B of weights and 2 MB more of HBM caches
 * 2e6 x 0.9 / 256 = 7031 tokens = 6 sequences of 1100 (KV reserved):
 * beyond 6 clients the KV cache bounds an aggregated worker. A decode
 * pool's concurrency caps its batch per worker. */
static void test_batch_caps(void)
{
    rig r;
    rig_init(&r, 173056 + 2e6, 1);
    gw_serve_request rq = {.input_tokens = 1000, .output_tokens = 100, .concurrency = 20};
    gw_serve_point p;
    gw_error err;
    CHECK_INT(gw_serve_agg(&r.e, 1, &rq, &p, &err), GW_OK);
    CHECK_NEAR(p.batch_per_rank, 6, 0);
    CHECK_STR_HAS(p.bound, "kv-cache");
    CHECK_NEAR(p.requests_per_s * p.e2e_s, 20, 1e-9);

    /* long prompts, two output tokens, all 256 slots full, no step
     * overhead: the others' prompts (8 us of attention each) are most of
     * every step (a decode reads 1 MB of KV: 2 us) */
    rig_init(&r, 100e9, 1);
    r.e.step_overhead_s = 0;
    gw_serve_request longp = {.input_tokens = 4000, .output_tokens = 2, .concurrency = 1000};
    CHECK_INT(gw_serve_agg(&r.e, 1, &longp, &p, &err), GW_OK);
    CHECK_NEAR(p.batch_per_rank, 256, 0);
    CHECK_STR_HAS(p.bound, "prefill");

    rig big;
    rig_init(&big, 100e9, 1);
    gw_serve_pool pre = {.engine = &big.e, .workers = 64},
                  dec = {.engine = &big.e, .workers = 1, .concurrency = 32};
    rq.kv_link_bps = 1e9, rq.concurrency = 0;
    CHECK_INT(gw_serve_disagg(&pre, &dec, &rq, &p, &err), GW_OK);
    CHECK_NEAR(p.batch_per_rank, 32, 0);
    CHECK_NEAR(p.requests_per_s, 32 / (99 * decode_only(&big.e, 32, 1050, 0)), 1e-9);
    CHECK_STR_HAS(p.bound, "decode");
}

/* §7.9 the token budget bounds a mixed scheduler's decode batch: every
 * decoding sequence takes 1 + k of the iteration's tokens (TensorRT-LLM's
 * MicroBatchScheduler, vLLM v1's running requests first), so
 * max_num_tokens 512 holds 512 sequences at k = 0, above the stack's 256
 * (the stack's cap stays), and 128 at k = 3; the closed loop then runs 128
 * a rank and its other clients wait. A prefill-first stack (SGLang) runs
 * its decode batches outside the prefill budget and keeps its cap. */
static void test_decode_budget(void)
{
    rig r;
    rig_init(&r, 100e9, 1);
    gw_perf_config c = rig_config(&r, 0);
    gw_perf_engine e;
    gw_error err;
    c.max_num_tokens = 512;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.max_batch_engine, 256, 0);
    CHECK_NEAR(e.decode_budget_seqs, 0, 0);
    c.draft_model = &r.m, c.spec_tokens = 3, c.spec_accept_length = 2.5;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.max_batch_engine, 128, 0);
    CHECK_NEAR(e.decode_budget_seqs, 128, 0);
    gw_serve_request rq = {.input_tokens = 1000, .output_tokens = 100, .concurrency = 400};
    gw_serve_point p;
    CHECK_INT(gw_serve_agg(&e, 1, &rq, &p, &err), GW_OK);
    CHECK_NEAR(p.batch_per_rank, 128, 0);
    CHECK(p.ttft_s > 1.5 * (p.e2e_s - p.ttft_s)); /* 272 of 400 clients wait */
    strcpy(r.f.scheduler, "prefill-first");
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.max_batch_engine, 256, 0);
    CHECK_NEAR(e.decode_budget_seqs, 0, 0);
}

/* §7.9.1, the benchmark's start: C = 4 clients start together on an idle
 * engine whose budget holds 2 prompts of 1000 tokens, so two groups: the
 * first alone (t0), the second beside the first's decodes (t1); the wave's
 * mean TTFT is (2 t0 + 2 (t0 + t1)) / 4. Of K requests per client one is
 * the wave's: TTFT = overhead + steady + (wave - steady) / K; TPOT is the
 * steady state's, e2e = TTFT + (O-1) TPOT, and the clients cycle in e2e. */
static void test_agg_benchmark_wave(void)
{
    rig r;
    rig_init(&r, 100e9, 1);
    r.f.chunk_tokens = 2000;
    gw_perf_config c = rig_config(&r, 0);
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &r.e, &err), GW_OK);
    gw_serve_request rq = {.input_tokens = 1000, .output_tokens = 100, .concurrency = 4};
    gw_serve_point steady, wave, bench;
    CHECK_INT(gw_serve_agg(&r.e, 1, &rq, &steady, &err), GW_OK);
    rq.requests_per_client = 1;
    CHECK_INT(gw_serve_agg(&r.e, 1, &rq, &wave, &err), GW_OK);
    gw_perf_batch g0 = {.prefill_tokens = 2000, .prefill_chunks = 2,
                        .prefill_pairs = 2 * 1000 * 1001 / 2.0};
    gw_perf_batch g1 = g0;
    g1.decode_seqs = 2, g1.decode_context = 2 * 1050.0;
    double t0 = gw_perf_step(&r.e, &g0, NULL), t1 = gw_perf_step(&r.e, &g1, NULL);
    double mean = (2 * t0 + 2 * (t0 + t1)) / 4;
    CHECK_NEAR(wave.ttft_s, mean, 1e-9);
    r.e.request_overhead_s = 0.05;
    rq.requests_per_client = 10;
    CHECK_INT(gw_serve_agg(&r.e, 1, &rq, &bench, &err), GW_OK);
    CHECK_NEAR(bench.ttft_s, 0.05 + steady.ttft_s + (mean - steady.ttft_s) / 10, 1e-9);
    CHECK_NEAR(bench.tpot_s, steady.tpot_s, 1e-12);
    CHECK_NEAR(bench.e2e_s, bench.ttft_s + 99 * bench.tpot_s, 1e-9);
    CHECK_NEAR(bench.requests_per_s * bench.e2e_s, 4, 1e-9); /* Little, below the batch cap */
    rq.requests_per_client = 0.5; /* neither the steady state nor a benchmark */
    CHECK_INT(gw_serve_agg(&r.e, 1, &rq, &bench, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.field, "requests_per_client");
}

/* Fixed lengths on a prefill-first scheduler (docs/serving.md §7.9.3):
 * every cycle is the wave. Four prompts of 1000 tokens, a budget of two:
 * group 0 alone (t0), group 1 alone too (t0: no decodes between prefill
 * batches); then the four decode together, 99 steps of t_d at the mean
 * context 1050. TTFT = overhead + (2 t0 + 2 (2 t0)) / 4; a request's e2e
 * is overhead + 2 t0 + 99 t_d, so TPOT = (2 t0 - first + 99 t_d) / 99 over
 * the mean first token; the clients cycle in e2e (Little). A mixed
 * scheduler, drawn lengths, unstated lengths (0) or speculation keep the
 * one-wave-in-K form (a mixed scheduler's result, bit for bit). */
static void test_agg_waves_persist(void)
{
    rig r;
    rig_init(&r, 100e9, 1);
    r.f.chunk_tokens = 2000;
    snprintf(r.f.scheduler, sizeof r.f.scheduler, "prefill-first");
    gw_perf_config c = rig_config(&r, 0);
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &r.e, &err), GW_OK);
    CHECK_NEAR(r.e.prefill_first, 1, 0);
    r.e.request_overhead_s = 0.05;
    gw_serve_request rq = {.input_tokens = 1000, .output_tokens = 100, .concurrency = 4,
                           .requests_per_client = 10, .length_low = 1};
    gw_serve_point p, unstated;
    CHECK_INT(gw_serve_agg(&r.e, 1, &rq, &p, &err), GW_OK);
    gw_perf_batch g = {.prefill_tokens = 2000, .prefill_chunks = 2,
                       .prefill_pairs = 2 * 1000 * 1001 / 2.0};
    double t0 = gw_perf_step(&r.e, &g, NULL), td = decode_only(&r.e, 4, 1050, 0);
    double first = (2 * t0 + 2 * (2 * t0)) / 4;
    CHECK_NEAR(p.ttft_s, 0.05 + first, 1e-9);
    CHECK_NEAR(p.tpot_s, (2 * t0 - first + 99 * td) / 99, 1e-9);
    CHECK_NEAR(p.e2e_s, 0.05 + 2 * t0 + 99 * td, 1e-9);
    CHECK_NEAR(p.requests_per_s * p.e2e_s, 4, 1e-9);
    rq.length_low = 0; /* not stated: the cycles run out of step, as before */
    CHECK_INT(gw_serve_agg(&r.e, 1, &rq, &unstated, &err), GW_OK);
    CHECK(fabs(unstated.tpot_s - p.tpot_s) > 1e-6);
    r.e.prefill_first = 0; /* a mixed scheduler staggers the groups */
    rq.length_low = 1;
    gw_serve_point mixed;
    CHECK_INT(gw_serve_agg(&r.e, 1, &rq, &mixed, &err), GW_OK);
    CHECK_NEAR(mixed.ttft_s, unstated.ttft_s, 1e-12);
    CHECK_NEAR(mixed.tpot_s, unstated.tpot_s, 1e-12);
    r.e.prefill_first = 1, r.e.spec_tokens = 1; /* speculation spreads the finishes */
    r.e.spec_accept_length = 1.5;
    gw_serve_point spec, spec_mixed;
    CHECK_INT(gw_serve_agg(&r.e, 1, &rq, &spec, &err), GW_OK);
    r.e.prefill_first = 0; /* the scheduler no longer matters: one wave in K */
    CHECK_INT(gw_serve_agg(&r.e, 1, &rq, &spec_mixed, &err), GW_OK);
    CHECK_NEAR(spec.ttft_s, spec_mixed.ttft_s, 1e-12);
    CHECK_NEAR(spec.tpot_s, spec_mixed.tpot_s, 1e-12);
}

static void test_bad_requests(void)
{
    rig r;
    rig_init(&r, 100e9, 1);
    gw_serve_request rq = {.input_tokens = 0, .output_tokens = 100};
    gw_serve_point p;
    gw_error err;
    CHECK_INT(gw_serve_agg(&r.e, 1, &rq, &p, &err), GW_E_INPUT);
    rq.input_tokens = 10, rq.concurrency = -1;
    CHECK_INT(gw_serve_agg(&r.e, 1, &rq, &p, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.field, "concurrency");
    rq.concurrency = 1;
    CHECK_INT(gw_serve_agg(&r.e, 0, &rq, &p, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.field, "workers");
}

/* ---- measured points: reported, not fitted, not asserted ------------- */

/* One configuration from the catalog; a worker of tp x adp GPUs. */
typedef struct real {
    gw_llm m;
    gw_accelerator a;
    gw_efficiency f;
    gw_perf_engine e;
} real;

typedef struct shape {
    int tp, adp, ep;
    gw_precision w;
} shape;

static int real_init(real *r, const gw_catalog *cat, const char *model, const char *accel,
                     shape sh)
{
    gw_error err;
    memset(r, 0, sizeof *r);
    if (gw_catalog_get(cat, &gw_schema_llm, model, NULL, &r->m, &err) ||
        gw_catalog_get(cat, &gw_schema_accelerator, accel, NULL, &r->a, &err) ||
        gw_catalog_get(cat, &gw_schema_efficiency, r->a.efficiency, NULL, &r->f, &err))
        return fprintf(stderr, "catalog: %s\n", err.msg), 1;
    gw_perf_config c = {.model = &r->m, .accel = &r->a, .eff = &r->f, .tp = sh.tp, .pp = 1,
                        .ep = sh.ep, .attention_dp = sh.adp, .weights = sh.w,
                        .kv = sh.w == GW_PREC_BF16 ? GW_PREC_BF16 : GW_PREC_FP8};
    if (gw_perf_engine_init(&c, &r->e, &err))
        return fprintf(stderr, "engine: %s\n", err.msg), 1;
    return 0;
}

typedef struct measured {
    const char *id; /* the row's id, shortened */
    double in, out, c, ttft_ms, tpot_ms;
    shape pre, dec; /* agg rows: dec only */
} measured;

static void report(const measured *row, const gw_serve_point *p)
{
    printf("  %-44s TTFT %7.0f ms (measured %7.0f, %+6.1f%%)  TPOT %6.2f ms (measured %6.2f, "
           "%+6.1f%%)  batch %5.1f  %s\n",
           row->id, 1e3 * p->ttft_s, row->ttft_ms, 100 * (1e3 * p->ttft_s / row->ttft_ms - 1),
           1e3 * p->tpot_s, row->tpot_ms, 100 * (1e3 * p->tpot_s / row->tpot_ms - 1),
           p->batch_per_rank, p->bound);
}

/* One worker at the row's concurrency (disagg: one worker per pool, as the
 * rows below state). */
static void check_row(const gw_catalog *cat, const char *model, const char *accel,
                      const measured *row)
{
    real pr, dr;
    gw_error err;
    gw_serve_point p;
    gw_serve_request rq = {.input_tokens = row->in, .output_tokens = row->out,
                           .concurrency = row->c};
    if (real_init(&dr, cat, model, accel, row->dec)) {
        CHECK(0);
        return;
    }
    if (row->pre.tp == 0) {
        CHECK_INT(gw_serve_agg(&dr.e, 1, &rq, &p, &err), GW_OK);
    } else {
        if (real_init(&pr, cat, model, accel, row->pre)) {
            CHECK(0);
            return;
        }
        gw_serve_pool pre = {.engine = &pr.e, .workers = 1}, dec = {.engine = &dr.e, .workers = 1};
        CHECK_INT(gw_serve_disagg(&pre, &dec, &rq, &p, &err), GW_OK);
    }
    report(row, &p);
}

/* Rows of data/perf/silicon-sample.csv (lengths fixed, MTP
 * not flagged in the file: off; KV at FP8 unless the weights are BF16). A
 * DEP row's batch_size is per attention rank: its client concurrency is
 * the id's c. */
static void test_measured_points(void)
{
    gw_catalog cat;
    gw_error err;
    if (gw_catalog_load(&cat, GW_TEST_CATALOG, &err)) {
        CHECK(0);
        return;
    }
    const shape tp1 = {1, 1, 1, GW_PREC_BF16}, tp4 = {4, 1, 1, GW_PREC_FP8},
                tp8 = {8, 1, 1, GW_PREC_FP8}, dep8_fp4 = {1, 8, 8, GW_PREC_FP4},
                dep8 = {1, 8, 8, GW_PREC_FP8}, dep32 = {1, 32, 32, GW_PREC_FP8};
    /* TensorRT-LLM 1.0.0rc3, Llama-3.1-8B-Instruct BF16, 1 x H100 SXM */
    static const char *id8[] = {"llama-3.1-8b h100 agg 1k/512 c8", "... c16", "... c32",
                                "... c64", "... c128"};
    const double c8[] = {8, 16, 32, 64, 128}, t8[][2] = {{550.008, 7.41679}, {308.376, 8.35392},
                        {225.650, 9.87725}, {229.864, 13.1023}, {364.321, 19.2576}};
    printf("predicted vs measured (silicon-sample.csv; not fitted):\n");
    for (int i = 0; i < 5; i++) {
        measured row = {id8[i], 1024, 512, c8[i], t8[i][0], t8[i][1], .dec = tp1};
        check_row(&cat, "llama-3.1-8b", "h100-sxm", &row);
    }
    /* 2026-04-06 runs: Llama-3.1-70B FP8 on H200, TensorRT-LLM, 1024/1024 */
    const measured r70[] = {
        {"llama-3.1-70b h200 agg 1k/1k tp4 c4", 1024, 1024, 4, 230.4, 7.98, .dec = tp4},
        {"... tp4 c16", 1024, 1024, 16, 281.9, 8.93, .dec = tp4},
        {"... tp4 c64", 1024, 1024, 64, 528.7, 13.66, .dec = tp4},
        {"... tp4 c128", 1024, 1024, 128, 750.4, 19.28, .dec = tp4},
        {"... tp8 c8", 1024, 1024, 8, 81.8, 6.72, .dec = tp8},
        {"... tp8 c32", 1024, 1024, 32, 143.3, 9.3, .dec = tp8},
        {"... tp8 c128", 1024, 1024, 128, 323.5, 21.64, .dec = tp8}};
    for (int i = 0; i < 7; i++)
        check_row(&cat, "llama-3.1-70b", "h200", &r70[i]);
    /* 2026-03-25: DeepSeek-R1 NVFP4 on 8 x B200, TensorRT-LLM, DEP8 agg
     * (rows _1085, _1084, _974) */
    const measured b200[] = {
        {"deepseek-r1 b200 DEP8 agg 1k/1k c128", 1024, 1024, 128, 798, 21.33, .dec = dep8_fp4},
        {"... 1k/1k c256", 1024, 1024, 256, 791, 23.91, .dec = dep8_fp4},
        {"... 8k/1k c256", 8192, 1024, 256, 3316, 29.67, .dec = dep8_fp4}};
    for (int i = 0; i < 3; i++)
        check_row(&cat, "deepseek-r1", "b200", &b200[i]);
    /* dsr1_gb200_trtllm_fp8_disagg_*_cfg375 (TensorRT-LLM 0.8.1.post2):
     * 1 prefill worker DEP8, 1 decode worker DEP32, FP8 */
    const measured gb200[] = {
        {"deepseek-r1 gb200 1P(DEP8)1D(DEP32) 1k/1k c256", 1024, 1024, 256, 667.3, 15.33, dep8,
         dep32},
        {"... 1k/8k c2048", 1024, 8192, 2048, 1877.2, 24.50, dep8, dep32}};
    for (int i = 0; i < 2; i++)
        check_row(&cat, "deepseek-r1", "gb200", &gb200[i]);
    /* MLA latent (512 + 64) x 61 layers x 1 B (FP8): 35,136 B per token
     * (frontier-serving.csv F.fs.kv.mla.fp8_bytes) */
    real r;
    if (real_init(&r, &cat, "deepseek-r1", "gb200", dep8) == 0)
        CHECK_NEAR(r.e.kv_bytes_per_token_model, 35136, 1e-12);
    gw_catalog_free(&cat);
}

int main(void)
{
    test_kv_bytes_of_the_model();
    test_agg_single_client();
    test_agg_littles_law_and_definitions();
    test_agg_attention_dp_ranks();
    test_agg_attention_dp_balance();
    test_agg_batch_wait();
    test_decode_budget();
    test_agg_recv_interval();
    test_agg_drawn_lengths();
    test_agg_speculative();
    test_disagg_rate_matching();
    test_disagg_kv_link_rule();
    test_disagg_kv_does_not_fit();
    test_batch_caps();
    test_agg_benchmark_wave();
    test_agg_waves_persist();
    test_bad_requests();
    test_measured_points();
    return gw_test_done("serving");
}
