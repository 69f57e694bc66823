/* tests/unit/test_config_search.c — the configuration search
 * (src/model/config_search.c) on made-up inputs: the Pareto front by hand,
 * the enumeration and its cuts against synthetic serving models whose
 * answers follow from a line of arithmetic (so the search is tested, not
 * the serving model), the best under targets, determinism and the errors.
 * Real engines are built (the perf model prices nothing here, it only
 * decides what fits): a tiny MoE of 16 experts and 8 heads. */
#include <stdlib.h>

#include "gigawatt/config_search.h"
#include "gw_test.h"
#include "tiny_model.h"

/* ---- made-up inputs ---- */

/* MoE: L 4 of which 1 dense, h 64, heads 8 = kv_heads 8 of dim 8, dense
 * ffn 128, 16 routed experts of ffn 32 (2 active) + 1 shared, vocab 100,
 * SwiGLU, tied (tests/unit/test_perf.c counts its 8-expert sibling).
 * Attention 4*64*64 = 16384, dense MLP 3*64*128 = 24576, expert
 * 3*64*32 = 6144, router 64*16 = 1024, embedding 6400 (once):
 * 4*16384 + 24576 + 3*(1024 + 6144) + 6400 + 3*16*6144 = 412928. */
static gw_llm moe16(void)
{
    gw_llm m = {.layers = 4, .hidden_size = 64, .heads = 8, .kv_heads = 8, .head_dim = 8,
                .ffn_size = 128, .vocab_size = 100, .context_length = 4096, .experts = 16,
                .active_experts = 2, .shared_experts = 1, .moe_ffn_size = 32,
                .dense_layers = 1, .parameters = 412928};
    strcpy(m.meta.id, "moe16");
    strcpy(m.attention, "gqa");
    strcpy(m.mlp, "gated");
    strcpy(m.embeddings, "tied");
    return m;
}


/* ---- synthetic serving models --------------------------------------- */

/* Attention ranks per worker: the search sets ep = tp x attention-DP for
 * an MoE, which the engine keeps whatever else it does with it. */
static double ranks_of(const gw_perf_engine *e)
{
    return e->ep / e->tp;
}

/* A decode rank at b sequences steps in 10 ms x (1 + b/16) x 2/(1 + tp):
 * per user 1/step tokens/s; the rank's throughput b/step grows until b =
 * 64 and stays (past it only queueing). */
static void decode_rank(const gw_perf_engine *e, double b, double *tpot, double *out_rate)
{
    *tpot = 0.01 * (1 + b / 16) * 2 / (1 + e->tp);
    *out_rate = fmin(b, 64) / (0.01 * (1 + fmin(b, 64) / 16) * 2 / (1 + e->tp));
}

static void fill(gw_serve_point *o, const gw_serve_request *rq, double rps, double tpot,
                 double ttft, double gpus, double decode_gpus)
{
    memset(o, 0, sizeof *o);
    o->tpot_s = tpot, o->ttft_s = ttft, o->tokens_per_user_s = 1 / tpot;
    o->requests_per_s = rps;
    o->tps_gpu_io = rps * (rq->input_tokens + rq->output_tokens) / gpus;
    o->tps_gpu_out = rps * rq->output_tokens / gpus;
    o->tps_decode_gpu_out = rps * rq->output_tokens / decode_gpus;
    o->gpus = gpus, o->decode_gpus = decode_gpus, o->prefill_gpus = gpus - decode_gpus;
    strcpy(o->bound, "decode");
}

static int synth_agg(const gw_perf_engine *e, int workers, const gw_serve_request *rq,
                     gw_serve_point *out, gw_error *err)
{
    (void)err;
    double ranks = workers * ranks_of(e), tpot, rate;
    decode_rank(e, rq->concurrency / ranks, &tpot, &rate);
    double gpus = workers * e->ep;
    /* prefill shares the steps: 20 % of the time */
    fill(out, rq, 0.8 * rate * ranks / rq->output_tokens, tpot / 0.8, 0.05, gpus, gpus);
    return GW_OK;
}

/* Prefill: a worker does 2 requests/s per GPU; the deployment does the
 * lesser of prefill and decode; TTFT 20 ms, x4 when prefill is the limit. */
static int synth_disagg(const gw_serve_pool *p, const gw_serve_pool *d, const gw_serve_request *rq,
                        gw_serve_point *out, gw_error *err)
{
    (void)err;
    double ranks = d->workers * ranks_of(d->engine), tpot, rate;
    decode_rank(d->engine, rq->concurrency / ranks, &tpot, &rate);
    double pg = p->workers * p->engine->ep;
    double dg = d->workers * d->engine->ep;
    double dec = rate * ranks / rq->output_tokens, pre = 2 * pg;
    fill(out, rq, fmin(dec, pre), tpot, pre < dec ? 0.08 : 0.02, pg + dg, dg);
    if (pre < dec)
        strcpy(out->bound, "prefill");
    return GW_OK;
}

static int refuse_all(const gw_perf_engine *e, int workers, const gw_serve_request *rq,
                      gw_serve_point *out, gw_error *err)
{
    (void)e, (void)workers, (void)rq, (void)out;
    return gw_error_set(err, GW_E_INPUT, NULL, 0, 0, "synthetic refusal");
}

typedef struct setup {
    gw_llm m;
    gw_accelerator a;
    gw_efficiency f;
    gw_search_spec s;
} setup;

static void setup_init(setup *u, double hbm)
{
    u->m = moe16();
    u->a = round_accel(hbm);
    u->f = half_eff();
    u->s = (gw_search_spec){
        .base = {.model = &u->m, .accel = &u->a, .eff = &u->f, .weights = GW_PREC_FP8,
                 .kv = GW_PREC_FP8},
        .gpus = 8, .domain = 4, .input_tokens = 32, .output_tokens = 32,
        .agg = synth_agg, .disagg = synth_disagg};
}

/* ---- the front ------------------------------------------------------ */

static gw_search_point pt(double gpu, double user)
{
    return (gw_search_point){.tps_gpu = gpu, .tps_user = user};
}

static void test_front_by_hand(void)
{
    gw_search_result r;
    memset(&r, 0, sizeof r);
    gw_search_point a = pt(100, 10), b = pt(50, 50), c = pt(10, 100), d = pt(40, 40);
    CHECK_INT(gw_search_front_add(&r, &a), 1);
    CHECK_INT(gw_search_front_add(&r, &c), 1);
    CHECK_INT(gw_search_front_add(&r, &b), 1); /* between a and c */
    CHECK_INT(gw_search_front_add(&r, &d), 0); /* b beats it in both */
    CHECK_INT(gw_search_front_add(&r, &b), 0); /* a tie stays out: the first stays */
    CHECK_INT(r.nfront, 3);
    CHECK_NEAR(r.front[0].tps_user, 10, 0);
    CHECK_NEAR(r.front[1].tps_user, 50, 0);
    CHECK_NEAR(r.front[2].tps_user, 100, 0);
    /* (60, 60) beats b alone; (200, 100) beats all three */
    gw_search_point e = pt(60, 60), f = pt(200, 100), nan = pt(NAN, 5);
    CHECK_INT(gw_search_front_add(&r, &e), 1);
    CHECK_INT(r.nfront, 3);
    CHECK_NEAR(r.front[1].tps_gpu, 60, 0);
    CHECK_INT(gw_search_front_add(&r, &nan), 0);
    CHECK_INT(gw_search_front_add(&r, &f), 1);
    CHECK_INT(r.nfront, 1);
    CHECK_NEAR(r.front[0].tps_gpu, 200, 0);
    /* many points on a curve: all stay, in order; the first four (more
     * than 200 per GPU) push out the one before them */
    for (int i = 1; i <= 200; i++) {
        gw_search_point p = pt(1000.0 / i, 200 + i);
        CHECK_INT(gw_search_front_add(&r, &p), 1);
    }
    CHECK_INT(r.nfront, 200);
    for (size_t i = 1; i < r.nfront; i++)
        CHECK(r.front[i].tps_user > r.front[i - 1].tps_user &&
              r.front[i].tps_gpu < r.front[i - 1].tps_gpu);
    gw_search_result_free(&r);
}

/* ---- the search ----------------------------------------------------- */

/* No front point dominates another; all in order. */
static void check_front(const gw_search_result *r)
{
    CHECK(r->nfront > 0);
    for (size_t i = 1; i < r->nfront; i++)
        CHECK(r->front[i].tps_user > r->front[i - 1].tps_user &&
              r->front[i].tps_gpu < r->front[i - 1].tps_gpu);
}

static void test_search_synthetic(void)
{
    setup u;
    setup_init(&u, 100e9);
    gw_search_result r;
    gw_error err = {0};
    CHECK_INT(gw_search_run(&u.s, &r, &err), GW_OK);
    check_front(&r);
    /* shapes: tp 1, 2, 4 x attention-DP 1, 2, 4 within 8 GPUs and the
     * domain of 4: sizes 1 (1x1), 2 (1x2, 2x1), 4 (1x4, 2x2, 4x1),
     * 8 (2x4, 4x2): 8 shapes, each tried for prefill and for decode */
    CHECK_INT(r.roles, 16);
    CHECK_INT(r.roles_pruned, 0);
    CHECK(r.evaluated > 100);
    CHECK_INT(r.failed, 0);
    CHECK(!r.has_best || r.best.meets_targets); /* no targets: the fastest per GPU */
    CHECK(r.has_best);
    /* the best without targets is the front's first point */
    CHECK_NEAR(r.best.tps_gpu, r.front[0].tps_gpu, 0);
    /* the fastest per user is the largest TP at batch 1 (tpot 10 ms x
     * (1 + 1/16) x 2/5), aggregated: disaggregation has no prefill share */
    const gw_search_point *last = &r.front[r.nfront - 1];
    CHECK_INT(last->decode.tp, 4);
    CHECK_NEAR(last->tps_user, 1 / (0.01 * (1 + 1.0 / 16) * 2 / 5), 1e-12);
    CHECK_INT(last->disagg, 1);
    /* determinism: the same spec, the same bytes */
    gw_search_result r2;
    CHECK_INT(gw_search_run(&u.s, &r2, &err), GW_OK);
    CHECK_INT(r2.nfront, r.nfront);
    CHECK_INT(r2.evaluated, r.evaluated);
    CHECK(r2.nfront == r.nfront &&
          memcmp(r2.front, r.front, r.nfront * sizeof *r.front) == 0);
    gw_search_result_free(&r2);
    gw_search_result_free(&r);
}

/* Targets: the best meets both and no front point that meets them is
 * faster per GPU; the front holds only points within the TTFT target. */
static void test_search_targets(void)
{
    setup u;
    setup_init(&u, 100e9);
    u.s.tpot_target_s = 0.01;
    u.s.ttft_target_s = 0.03; /* aggregated (50 ms) and prefill-bound (80 ms) miss it */
    gw_search_result r;
    gw_error err = {0};
    CHECK_INT(gw_search_run(&u.s, &r, &err), GW_OK);
    check_front(&r);
    CHECK(r.has_best);
    CHECK(r.best.meets_targets && r.best.serve.tpot_s <= 0.01 && r.best.serve.ttft_s <= 0.03);
    CHECK_INT(r.best.disagg, 1);
    for (size_t i = 0; i < r.nfront; i++) {
        CHECK(r.front[i].serve.ttft_s <= 0.03);
        if (r.front[i].serve.tpot_s <= 0.01)
            CHECK(r.front[i].tps_gpu <= r.best.tps_gpu);
    }
    gw_search_result_free(&r);
    /* a TPOT no shape reaches: the search succeeds without a best */
    u.s.tpot_target_s = 1e-4;
    CHECK_INT(gw_search_run(&u.s, &r, &err), GW_OK);
    CHECK_INT(r.has_best, 0);
    CHECK(r.nfront > 0);
    gw_search_result_free(&r);
}

/* Modes, the saturation cut, the metric and refusals. */
static void test_search_modes_and_cuts(void)
{
    setup u;
    setup_init(&u, 100e9);
    u.s.modes = GW_SEARCH_AGG;
    gw_search_result r;
    gw_error err = {0};
    CHECK_INT(gw_search_run(&u.s, &r, &err), GW_OK);
    CHECK_INT(r.roles, 8);
    for (size_t i = 0; i < r.nfront; i++)
        CHECK_INT(r.front[i].disagg, 0);
    /* batches 1 2 3 4 6 8 12 16 24 32 48 64 96: the rank saturates at 64,
     * so 96 is the last tried (dominated by 64): 13 per shape, 8 shapes */
    CHECK_INT(r.evaluated, 13 * 8);
    long agg_evaluated = r.evaluated;
    double io = r.best.tps_gpu;
    gw_search_result_free(&r);
    u.s.metric = GW_SEARCH_TPS_OUT; /* output only: half of input + output here */
    CHECK_INT(gw_search_run(&u.s, &r, &err), GW_OK);
    CHECK_NEAR(r.best.tps_gpu, io / 2, 1e-12);
    CHECK_INT(r.evaluated, agg_evaluated);
    gw_search_result_free(&r);
    /* a serving model that refuses everything: counted, no front, no best */
    u.s.agg = refuse_all;
    CHECK_INT(gw_search_run(&u.s, &r, &err), GW_OK);
    CHECK_INT(r.failed, r.evaluated);
    CHECK_INT(r.nfront, 0);
    CHECK_INT(r.has_best, 0);
    gw_search_result_free(&r);
}

/* The cuts lose no front point: the exhaustive search (every ratio, every
 * concurrency) finds the same front and best, from more candidates. */
static void test_cuts_lose_nothing(void)
{
    setup u;
    setup_init(&u, 100e9);
    u.s.ttft_target_s = 0.03, u.s.tpot_target_s = 0.01;
    gw_search_result cut, all;
    gw_error err = {0};
    CHECK_INT(gw_search_run(&u.s, &cut, &err), GW_OK);
    u.s.exhaustive = 1;
    CHECK_INT(gw_search_run(&u.s, &all, &err), GW_OK);
    CHECK(all.evaluated > cut.evaluated);
    CHECK_INT(all.nfront, cut.nfront);
    for (size_t i = 0; i < all.nfront && all.nfront == cut.nfront; i++) {
        CHECK_NEAR(all.front[i].tps_gpu, cut.front[i].tps_gpu, 0);
        CHECK_NEAR(all.front[i].tps_user, cut.front[i].tps_user, 0);
    }
    CHECK_INT(all.has_best, cut.has_best);
    CHECK_NEAR(all.best.tps_gpu, cut.best.tps_gpu, 0);
    gw_search_result_free(&cut);
    gw_search_result_free(&all);
}

/* Progress once per decode shape and mode; a nonzero answer stops. */
static int count_calls(void *user, double done, double total, double items)
{
    int *calls = user;
    (*calls)++;
    return done >= total / 2 && items > 0 && calls[1]; /* calls[1]: stop half-way */
}

static void test_search_progress(void)
{
    setup u;
    setup_init(&u, 100e9);
    int calls[2] = {0, 0};
    u.s.progress = count_calls, u.s.progress_user = calls;
    gw_search_result r;
    gw_error err = {0};
    CHECK_INT(gw_search_run(&u.s, &r, &err), GW_OK);
    CHECK_INT(calls[0], 16); /* 8 decode shapes, aggregated then disaggregated */
    gw_search_result_free(&r);
    calls[0] = 0, calls[1] = 1;
    CHECK_INT(gw_search_run(&u.s, &r, &err), GW_E_STOPPED);
    CHECK_INT(calls[0], 8);
    CHECK_INT(r.nfront, 0); /* a stopped search holds nothing */
}

static void test_search_pruning_and_errors(void)
{
    setup u;
    /* 300 kB of HBM: the FP8 weights (~413 kB) need two GPUs at least */
    setup_init(&u, 300e3);
    gw_search_result r;
    gw_error err = {0};
    CHECK_INT(gw_search_run(&u.s, &r, &err), GW_OK);
    CHECK(r.roles_pruned >= 2); /* 1x1 for prefill and for decode */
    CHECK(r.pruned_why[0] != 0);
    for (size_t i = 0; i < r.nfront; i++)
        CHECK(r.front[i].decode.tp * r.front[i].decode.attention_dp >= 2);
    gw_search_result_free(&r);
    /* nothing fits */
    setup_init(&u, 1e3);
    CHECK_INT(gw_search_run(&u.s, &r, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "no worker shape of 'moe16' on 8 'round'");
    CHECK_STR_HAS(err.msg, "does not fit"); /* the largest shape's reason */
    /* MTP on a model without an MTP head */
    setup_init(&u, 100e9);
    u.s.mtp_max = 2;
    CHECK_INT(gw_search_run(&u.s, &r, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "no multi-token-prediction head");
    CHECK_STR_HAS(err.field, "mtp");
    /* no serving model; no GPUs */
    setup_init(&u, 100e9);
    u.s.disagg = NULL;
    CHECK_INT(gw_search_run(&u.s, &r, &err), GW_E_INPUT);
    u.s.modes = GW_SEARCH_AGG; /* aggregated alone needs no disagg pricing */
    CHECK_INT(gw_search_run(&u.s, &r, &err), GW_OK);
    gw_search_result_free(&r);
    u.s.gpus = 0;
    CHECK_INT(gw_search_run(&u.s, &r, &err), GW_E_INPUT);
    CHECK_INT(gw_search_metric_parse("decode"), GW_SEARCH_TPS_DECODE_OUT);
    CHECK_INT(gw_search_metric_parse("tokens"), -1);
    CHECK(strcmp(gw_search_metric_name(GW_SEARCH_TPS_IO), "io") == 0);
}

int main(void)
{
    test_front_by_hand();
    test_search_synthetic();
    test_search_targets();
    test_search_modes_and_cuts();
    test_search_progress();
    test_cuts_lose_nothing();
    test_search_pruning_and_errors();
    return gw_test_done("test_config_search");
}
