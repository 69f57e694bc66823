/* tests/unit/test_validate.c — `validate` as a library call
 * (gw_validate_csv) on small CSVs and the real catalog: the summary
 * arithmetic by hand; a row's prediction equals the serving model called
 * on the configuration docs/validate.md says the row maps to; columns found
 * by name in any order; quoted fields and CRLF; every unpredictable row
 * kept with file:line:col; a malformed file refused with its position;
 * the benchmark replayed through the replica simulator against analytic
 * cases (one client with fixed lengths is the closed form's prompt alone
 * and decodes of batch 1; C clients of fixed lengths on SGLang's
 * prefill-first scheduler give the start-up wave's groups one prefill
 * iteration apart; a disaggregated first token waits for the decode
 * pool's first step; the draws are the row's seed's alone); an 8-GPU
 * node's product-labelled rows read as the node's run, an attention-DP
 * row's batch_size per rank; a settings file adds columns by row id. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/serving.h"
#include "gigawatt/validate.h"
#include "gw_test.h"

static const char header[] =
    "id,silicon_data_source,backend,model_path,system,precision,mode,isl,osl,gemm_quant_mode,"
    "moe_quant_mode,batch_size,tp_size,pp_size,attention_dp_size,moe_tp_size,moe_ep_size,"
    "prefill_batch_size,prefill_num_workers,prefill_tp_size,prefill_pp_size,"
    "prefill_attention_dp_size,prefill_moe_tp_size,prefill_moe_ep_size,decode_batch_size,"
    "decode_num_workers,decode_tp_size,decode_pp_size,decode_attention_dp_size,"
    "decode_moe_tp_size,decode_moe_ep_size,silicon_ttft_ms,silicon_tpot_ms\n";

/* Llama 3.1 70B, FP8, TP2 on H200 with TensorRT-LLM, 1024/1024 at 16 in flight */
static const char llama_row[] =
    "llama,\"run; concurrency=16, quoted\",trtllm,meta-llama/Llama-3.1-70B,h200_sxm,fp8,agg,"
    "1024,1024,fp8,,16,2,1,1,2,1,,,,,,,,,,,,,,,300,20\n";

static int run(const gw_catalog *cat, const char *text, gw_validate_result *r, gw_error *err)
{
    memset(err, 0, sizeof *err);
    return gw_validate_csv(cat, "t.csv", text, strlen(text), r, err);
}

static char *join(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

/* errors +10 %, -20 %, +30 % and one unpredictable row */
static void test_summary_arithmetic(void)
{
    gw_validate_row rows[4] = {
        {.predicted_ttft_ms = 110, .measured_ttft_ms = 100, .predicted_tpot_ms = 11,
         .measured_tpot_ms = 10},
        {.predicted_ttft_ms = 80, .measured_ttft_ms = 100, .predicted_tpot_ms = 8,
         .measured_tpot_ms = 10},
        {.predicted_ttft_ms = 130, .measured_ttft_ms = 100, .predicted_tpot_ms = 13,
         .measured_tpot_ms = 10},
        {.predicted_ttft_ms = NAN, .measured_ttft_ms = 100, .error = "t.csv:5:1: no"},
    };
    const gw_validate_row *p[4] = {&rows[0], &rows[1], &rows[2], &rows[3]};
    gw_validate_partition s = {0};
    gw_validate_summarise(p, 4, &s);
    CHECK_INT(s.rows, 4);
    CHECK_INT(s.unpredictable, 1);
    CHECK_INT(s.ttft.n, 3);
    CHECK_NEAR(s.ttft.signed_median_pct, 10, 1e-9);
    CHECK_NEAR(s.ttft.median_abs_pct, 20, 1e-9);
    CHECK_NEAR(s.ttft.mape_pct, 20, 1e-9);
    CHECK_NEAR(s.tpot.signed_median_pct, 10, 1e-9);
    CHECK_NEAR(s.tpot.mape_pct, 20, 1e-9);
}

/* The row's prediction is gw_serve_agg on the documented mapping. */
static void test_agg_mapping(const gw_catalog *cat)
{
    char *text = join(header, llama_row, "");
    gw_validate_result r;
    gw_error err;
    CHECK_INT(run(cat, text, &r, &err), GW_OK);
    CHECK_INT(r.nrows, 1);
    const gw_validate_row *w = &r.rows[0];
    CHECK(strcmp(w->error, "") == 0);
    CHECK(strcmp(w->model, "llama-3.1-70b") == 0);
    CHECK(strcmp(w->system, "h200") == 0);
    CHECK_INT(w->moe, 0);
    CHECK_NEAR(w->gpus, 2, 0);

    gw_llm m;
    gw_accelerator a;
    gw_efficiency f;
    CHECK_INT(gw_catalog_get(cat, &gw_schema_llm, "llama-3.1-70b", NULL, &m, &err), GW_OK);
    CHECK_INT(gw_catalog_get(cat, &gw_schema_accelerator, "h200", NULL, &a, &err), GW_OK);
    CHECK_INT(gw_catalog_get(cat, &gw_schema_efficiency, w->efficiency, NULL, &f, &err), GW_OK);
    gw_perf_config cfg = {.model = &m, .accel = &a, .eff = &f, .tp = 2, .pp = 1, .ep = 1,
                          .weights = GW_PREC_FP8, .kv = GW_PREC_FP8};
    gw_perf_engine e;
    CHECK_INT(gw_perf_engine_init(&cfg, &e, &err), GW_OK);
    gw_serve_request rq = {.input_tokens = 1024, .output_tokens = 1024, .concurrency = 16,
                           .requests_per_client = 10}; /* the benchmark, as validate maps it */
    gw_serve_point pt;
    CHECK_INT(gw_serve_agg(&e, 1, &rq, &pt, &err), GW_OK);
    CHECK_NEAR(w->predicted_ttft_ms, pt.ttft_s * 1e3, 1e-12);
    CHECK_NEAR(w->predicted_tpot_ms, pt.tpot_s * 1e3, 1e-12);
    CHECK_NEAR(w->measured_ttft_ms, 300, 0);
    CHECK_NEAR(r.groups[0].tpot.signed_median_pct, 100 * (w->predicted_tpot_ms - 20) / 20, 1e-12);
    gw_validate_free(&r);
    free(text);
}

/* The same rows, the columns reversed and CRLF line ends: the same numbers. */
static void test_column_order(const gw_catalog *cat)
{
    const char rev_header[] = "silicon_tpot_ms,silicon_ttft_ms,isl,osl,batch_size,tp_size,"
                              "mode,system,model_path,backend,gemm_quant_mode,id\r\n";
    const char rev_row[] = "20,300,1024,1024,16,2,agg,h200_sxm,meta-llama/Llama-3.1-70B,"
                           "trtllm,fp8,llama\r\n";
    char *a = join(header, llama_row, ""), *b = join(rev_header, rev_row, "");
    gw_validate_result ra, rb;
    gw_error err;
    CHECK_INT(run(cat, a, &ra, &err), GW_OK);
    CHECK_INT(run(cat, b, &rb, &err), GW_OK);
    CHECK_INT(rb.nrows, 1);
    CHECK(strcmp(rb.rows[0].error, "") == 0);
    CHECK(strcmp(rb.rows[0].id, "llama") == 0);
    CHECK(ra.rows[0].predicted_ttft_ms == rb.rows[0].predicted_ttft_ms);
    CHECK(ra.rows[0].predicted_tpot_ms == rb.rows[0].predicted_tpot_ms);
    gw_validate_free(&ra);
    gw_validate_free(&rb);
    free(a);
    free(b);
}

/* Each bad row is kept, in order, with its position and reason. */
static void test_unpredictable_rows(const gw_catalog *cat)
{
    const char rows[] =
        "a,,trtllm,acme/Nonexistent-7B,h200_sxm,fp8,agg,1024,1024,fp8,,16,2,1,1,2,1,,,,,,,,,,,"
        ",,,,300,20\n"
        "b,,trtllm,meta-llama/Llama-3.1-70B,tpu_v9,fp8,agg,1024,1024,fp8,,16,2,1,1,2,1,,,,,,,,,"
        ",,,,,,300,20\n"
        "c,,trtllm,meta-llama/Llama-3.1-70B,h200_sxm,fp8,agg,lots,1024,fp8,,16,2,1,1,2,1,,,,,,,"
        ",,,,,,,,300,20\n"
        "d,,trtllm,meta-llama/Llama-3.1-70B,h200_sxm,fp8,agg,1024,1024,fp8,,16,3,1,1,3,1,,,,,,,"
        ",,,,,,,,300,20\n"
        "e,only,three\n"
        "f,,trtllm,meta-llama/Llama-3.1-70B,h200_sxm,fp8,agg,1024,1024,fp8,,16,2,1,1,2,1,,,,,,,"
        ",,,,,,,,300,\n";
    char *text = join(header, rows, "");
    gw_validate_result r;
    gw_error err;
    CHECK_INT(run(cat, text, &r, &err), GW_OK);
    CHECK_INT(r.nrows, 6);
    CHECK_STR_HAS(r.rows[0].error, "t.csv:2:");
    CHECK_STR_HAS(r.rows[0].error, "model 'acme/Nonexistent-7B' is not in the catalog");
    CHECK_INT(r.rows[0].moe, -1);
    CHECK_STR_HAS(r.rows[1].error, "system 'tpu_v9' is not in the catalog");
    /* "c,,trtllm,meta-llama/Llama-3.1-70B,h200_sxm,fp8,agg," is 52 characters */
    CHECK_STR_HAS(r.rows[2].error, "t.csv:4:53: isl 'lots' is not a number");
    CHECK_STR_HAS(r.rows[3].error, "t.csv:5:");
    CHECK_STR_HAS(r.rows[3].error, "does not divide the 64 attention heads");
    CHECK_STR_HAS(r.rows[4].error, "t.csv:6:13: 3 fields; expected 33");
    CHECK_STR_HAS(r.rows[5].error, "t.csv:7:");
    CHECK_STR_HAS(r.rows[5].error, "silicon_tpot_ms is empty");
    CHECK(isnan(r.rows[0].predicted_ttft_ms));
    CHECK_NEAR(r.rows[0].measured_ttft_ms, 300, 0);
    CHECK_INT(r.groups[0].rows, 6);
    CHECK_INT(r.groups[0].unpredictable, 6);
    CHECK_INT(r.groups[0].ttft.n, 0);
    CHECK(isnan(r.groups[0].ttft.median_abs_pct));
    gw_validate_free(&r);
    free(text);
}

/* Vendor-quantised ids map to their base model; a disaggregated row's
 * concurrency comes from silicon_data_source when no batch size says it;
 * one without worker counts is unpredictable. */
static void test_names_and_disagg(const gw_catalog *cat)
{
    const char rows[] =
        "q,x,sglang,Qwen/Qwen3-235B-A22B-FP8,h200_sxm,fp8,agg,1000,100,fp8,fp8,8,4,1,,4,1,,,,,,"
        ",,,,,,,,,331,15\n"
        "d,\"cfg; silicon_concurrency=64; image\",trtllm,deepseek-ai/DeepSeek-R1,b200_sxm,fp8,"
        "disagg,1024,1024,fp8,fp8,,,,,,,,1,8,1,1,8,1,,1,8,1,1,8,1,500,10\n"
        "w,\"cfg; silicon_concurrency=64; image\",trtllm,deepseek-ai/DeepSeek-R1,b200_sxm,fp8,"
        "disagg,1024,1024,fp8,fp8,,,,,,,,,8,1,1,8,1,,,8,1,1,8,1,500,10\n";
    char *text = join(header, rows, "");
    gw_validate_result r;
    gw_error err;
    CHECK_INT(run(cat, text, &r, &err), GW_OK);
    CHECK(strcmp(r.rows[0].model, "qwen3-235b-a22b") == 0);
    CHECK_INT(r.rows[0].moe, 1);
    CHECK(strcmp(r.rows[1].model, "deepseek-r1") == 0);
    CHECK(strcmp(r.rows[1].system, "b200") == 0);
    CHECK(strcmp(r.rows[1].mode, "disagg") == 0);
    CHECK_NEAR(r.rows[1].gpus, 16, 0);
    CHECK_NEAR(r.rows[1].run.rq.concurrency, 64, 0);
    /* no worker counts: the deployment's size is unknown */
    CHECK_STR_HAS(r.rows[2].error, "prefill_num_workers is empty");
    CHECK_INT(r.npartitions, 2);
    CHECK_INT(r.groups[2].rows, 2); /* disagg */
    CHECK_INT(r.groups[3].rows, 3); /* moe */
    gw_validate_free(&r);
    free(text);
}

static void check_file_error(const gw_catalog *cat, const char *text, int line, int col,
                             const char *msg)
{
    gw_validate_result r;
    gw_error err;
    CHECK_INT(run(cat, text, &r, &err), GW_E_INPUT);
    CHECK(strcmp(err.file, "t.csv") == 0);
    CHECK_INT(err.line, line);
    CHECK_INT(err.col, col);
    CHECK_STR_HAS(err.msg, msg);
    CHECK(r.rows == NULL && r.nrows == 0);
}

static void test_malformed_files(const gw_catalog *cat)
{
    check_file_error(cat, "", 1, 1, "no header line");
    check_file_error(cat, "\n\n", 1, 1, "no header line");
    check_file_error(cat, "a,b\n1,2\n", 1, 1, "the header has no column 'id'");
    check_file_error(cat, "id,mode,id\n", 1, 9, "column 'id' appears twice");
}

/* ---- the benchmark replayed (gw_validate_replay, docs/validate.md §9) ---- */

/* Map one row (backend, concurrency) of Llama-3.1-8B BF16 on one H200. */
static gw_validate_result map_llama8b(const gw_catalog *cat, const char *backend, int concurrency,
                                  int isl, int osl)
{
    char text[2048];
    snprintf(text, sizeof text,
             "%sr,run,%s,meta-llama/Llama-3.1-8B,h200_sxm,bf16,agg,%d,%d,bf16,,%d,1,1,1,1,1,"
             ",,,,,,,,,,,,,,100,10\n",
             header, backend, isl, osl, concurrency);
    gw_validate_result r;
    gw_error err = {0};
    CHECK_INT(gw_validate_csv(cat, "t.csv", text, strlen(text), &r, &err), GW_OK);
    CHECK_INT(r.nrows, 1);
    CHECK(r.rows[0].mapped && strcmp(r.rows[0].error, "") == 0);
    return r;
}

/* C = 1, fixed lengths: every request meets an idle engine, so its TTFT is
 * the prompt alone (plus the stack's overhead) and its decodes are steps
 * of batch 1 whose contexts average I + O/2 — the closed form at b = 1
 * (docs/serving.md §7.9), the wave no different from the steady state. */
static void test_one_client_is_the_closed_form(const gw_catalog *cat, const char *backend)
{
    gw_validate_result r = map_llama8b(cat, backend, 1, 1024, 256);
    gw_validate_case c = r.rows[0].run;
    c.rq.length_low = 1;
    gw_validate_replay_result rp;
    gw_serve_point pt;
    gw_error err = {0};
    CHECK_INT(gw_validate_replay(&c, NULL, &rp, &err), GW_OK);
    CHECK_INT(gw_validate_predict(&c, NULL, &pt, &err), GW_OK);
    CHECK_INT(rp.requests, 10); /* one client, K = 10 */
    CHECK_NEAR(rp.ttft_mean_s, pt.ttft_s, 1e-9);
    CHECK_NEAR(rp.ttft_p50_s, pt.ttft_s, 1e-9);
    CHECK_NEAR(rp.wave_ttft_s, rp.later_ttft_s, 1e-9); /* one client: no wave */
    /* the decode step is affine in the context at batch 1 (memory bound):
     * the mean over contexts I+1 .. I+O-1 is the step at I + O/2 */
    CHECK_NEAR(rp.tpot_mean_s, pt.tpot_s, 1e-3);
    gw_validate_free(&r);
}

/* SGLang runs new prompts in a batch of their own (prefill first) of at
 * most its 8,192-token budget: 8 prompts of 1,024. 32 clients of one
 * request each arrive at once: 4 groups of 8, one prefill iteration t_p
 * apart, so the mean TTFT is t_p (1 + 2 + 3 + 4) / 4 = 2.5 t_p, t_p being
 * the TTFT of 8 clients (one group). Overhead 0 so the times are steps. */
static void test_wave_of_fixed_lengths(const gw_catalog *cat)
{
    gw_validate_result one = map_llama8b(cat, "sglang", 8, 1024, 64);
    gw_validate_result four = map_llama8b(cat, "sglang", 32, 1024, 64);
    gw_efficiency eff = *one.rows[0].run.cfg[0].eff;
    eff.request_overhead_s = 0;
    CHECK(eff.chunk_tokens == 8192);
    gw_validate_case a = one.rows[0].run, b = four.rows[0].run;
    a.rq.length_low = b.rq.length_low = 1;
    a.rq.requests_per_client = b.rq.requests_per_client = 1;
    gw_validate_replay_result ra, rb;
    gw_error err = {0};
    CHECK_INT(gw_validate_replay(&a, &eff, &ra, &err), GW_OK);
    CHECK_INT(gw_validate_replay(&b, &eff, &rb, &err), GW_OK);
    CHECK_INT(rb.requests, 32);
    CHECK_NEAR(ra.ttft_p50_s, ra.ttft_mean_s, 1e-12); /* one group: every prompt alike */
    CHECK_NEAR(rb.ttft_mean_s, 2.5 * ra.ttft_mean_s, 1e-9);
    CHECK_NEAR(rb.wave_ttft_s, rb.ttft_mean_s, 1e-12); /* K = 1: every request is the wave's */
    CHECK(isnan(rb.later_ttft_s));
    CHECK(rb.ttft_mean_s > 0);
    gw_validate_free(&one);
    gw_validate_free(&four);
}

/* One client on a disaggregated deployment (DeepSeek-R1, 1 prefill DEP8
 * and 1 decode DEP8 on B200), fixed lengths: the replay's TTFT is the
 * closed form's prefill + KV transfer + hand-over plus the first decode
 * step on the decode pool (docs/sim.md §3.6 item 4), which at batch 1 is
 * the request's TPOT to within the growth of its context. */
static void test_disagg_first_token_on_the_decode_pool(const gw_catalog *cat)
{
    const char row[] = "d,\"cfg; silicon_concurrency=1\",trtllm,deepseek-ai/DeepSeek-R1,b200_sxm,"
                       "fp8,disagg,1024,1024,fp8,fp8,,,,,,,,1,8,1,1,8,1,,1,8,1,1,8,1,500,10\n";
    char *text = join(header, row, "");
    gw_validate_result r;
    gw_error err;
    CHECK_INT(run(cat, text, &r, &err), GW_OK);
    CHECK(r.rows[0].mapped && strcmp(r.rows[0].error, "") == 0);
    gw_validate_case c = r.rows[0].run;
    c.rq.length_low = 1;
    gw_validate_replay_result rp;
    gw_serve_point pt;
    CHECK_INT(gw_validate_replay(&c, NULL, &rp, &err), GW_OK);
    CHECK_INT(gw_validate_predict(&c, NULL, &pt, &err), GW_OK);
    CHECK_NEAR(rp.ttft_mean_s - pt.ttft_s, rp.tpot_mean_s, 0.02);
    gw_validate_free(&r);
    free(text);
}

/* Lengths drawn at 80-100% (the harness's default): the row's seed alone
 * decides them, so a replay repeats to the bit, and another seed moves it. */
static void test_draws_follow_the_seed(const gw_catalog *cat)
{
    gw_validate_result r = map_llama8b(cat, "vllm", 16, 1024, 128);
    gw_validate_case c = r.rows[0].run;
    gw_validate_replay_result x, y, z;
    gw_error err = {0};
    CHECK_INT(gw_validate_replay(&c, NULL, &x, &err), GW_OK);
    CHECK_INT(gw_validate_replay(&c, NULL, &y, &err), GW_OK);
    CHECK(x.ttft_mean_s == y.ttft_mean_s && x.tpot_mean_s == y.tpot_mean_s);
    CHECK_INT(x.requests, 160);
    c.seed ^= 1;
    CHECK_INT(gw_validate_replay(&c, NULL, &z, &err), GW_OK);
    CHECK(z.tpot_mean_s != x.tpot_mean_s);
    gw_validate_free(&r);
}

/* docs/validate.md §5.1: on an 8-GPU HGX node, tp_size 64 with moe_tp 8 x
 * moe_ep 8 (the dump's product labels) predicts as tp 8 x moe_ep 8, as
 * does attention_dp 64 as attention_dp 8; on a rack (gb200) and on a
 * worker whose experts split otherwise, the labels stand. */
static void test_node_product_labels(const gw_catalog *cat)
{
    static const char rows[] =
        "plain,,trtllm,deepseek-ai/DeepSeek-R1,b200_sxm,fp4,agg,1024,1024,nvfp4,nvfp4,16,8,1,1,1,8,"
        ",,,,,,,,,,,,,,300,10\n"
        "product,,trtllm,deepseek-ai/DeepSeek-R1,b200_sxm,fp4,agg,1024,1024,nvfp4,nvfp4,16,64,1,1,8,"
        "8,,,,,,,,,,,,,,,300,10\n"
        "dep,,trtllm,deepseek-ai/DeepSeek-R1,b200_sxm,fp4,agg,1024,1024,nvfp4,nvfp4,16,1,1,8,1,8,"
        ",,,,,,,,,,,,,,300,10\n"
        "dep-product,,trtllm,deepseek-ai/DeepSeek-R1,b200_sxm,fp4,agg,1024,1024,nvfp4,nvfp4,2,1,1,"
        "64,8,8,,,,,,,,,,,,,,,300,10\n"
        "rack,,trtllm,deepseek-ai/DeepSeek-R1,gb200,fp4,agg,1024,1024,nvfp4,nvfp4,16,64,1,1,8,8,"
        ",,,,,,,,,,,,,,300,10\n"
        "multi-node,,trtllm,deepseek-ai/DeepSeek-R1,b200_sxm,fp4,agg,1024,1024,nvfp4,nvfp4,16,16,1,"
        "1,1,16,,,,,,,,,,,,,,,300,10\n";
    char *text = join(header, rows, "");
    gw_validate_result r;
    gw_error err;
    CHECK_INT(run(cat, text, &r, &err), GW_OK);
    CHECK_INT(r.nrows, 6);
    for (int i = 0; i < 6; i++)
        CHECK(strcmp(r.rows[i].error, "") == 0);
    CHECK_NEAR(r.rows[1].gpus, 8, 0);
    CHECK_INT(r.rows[1].run.cfg[0].tp, 8);
    CHECK_INT(r.rows[1].run.cfg[0].ep, 8);
    CHECK_NEAR(r.rows[1].predicted_tpot_ms, r.rows[0].predicted_tpot_ms, 0);
    CHECK_NEAR(r.rows[1].predicted_ttft_ms, r.rows[0].predicted_ttft_ms, 0);
    CHECK_NEAR(r.rows[3].gpus, 8, 0);
    CHECK_INT(r.rows[3].run.cfg[0].attention_dp, 8);
    CHECK_NEAR(r.rows[3].predicted_tpot_ms, r.rows[2].predicted_tpot_ms, 0);
    CHECK_NEAR(r.rows[4].gpus, 64, 0);
    CHECK_INT(r.rows[4].run.cfg[0].tp, 64);
    CHECK_NEAR(r.rows[5].gpus, 16, 0);
    /* an aggregated attention-DP row's batch_size is per rank as labelled
     * (docs/validate.md §5): DEP8 at 16 is 128 clients, its product label
     * (attention_dp 64) at 2 the same 128; without attention DP, 16 */
    CHECK_NEAR(r.rows[0].run.rq.concurrency, 16, 0);
    CHECK_NEAR(r.rows[2].run.rq.concurrency, 128, 0);
    CHECK_NEAR(r.rows[3].run.rq.concurrency, 128, 0);
    gw_validate_free(&r);
    free(text);
}

/* spec_tokens, in the measured file or added by a settings file by id
 * (docs/validate.md §10), gives the same prediction; a settings file that
 * names no measured row, names one twice, carries measurements, or holds a
 * bad value is refused (or the row is unpredictable) at its own position. */
/* One Llama-3.1-70B TensorRT-LLM row, TP2 on H200 (no MTP head). */
#define LLAMA_ROW                                                                       \
    "id,backend,model_path,system,mode,isl,osl,batch_size,tp_size,silicon_ttft_ms,"     \
    "silicon_tpot_ms\nl,trtllm,meta-llama/Llama-3.1-70B,h200_sxm,agg,1024,1024,16,2,300," \
    "20\n"

/* A disaggregated row without its deployment (InferenceX's multi-node
 * rows: no worker counts, relabelled parallelism) is unpredictable; a
 * settings row that states the deployment replaces the row's labels
 * (docs/validate.md §10.1, the fifth rule): workers, parallelism, MTP and
 * EPLB per role, and EP24 then need not divide the 256 experts. */
static void test_settings_deployment(const gw_catalog *cat)
{
    static const char row[] =
        "id,silicon_data_source,backend,model_path,system,precision,mode,isl,osl,"
        "prefill_tp_size,prefill_moe_tp_size,prefill_moe_ep_size,decode_tp_size,"
        "decode_moe_tp_size,decode_moe_ep_size,silicon_ttft_ms,silicon_tpot_ms\n"
        "d,silicon_concurrency=512,trtllm,deepseek-ai/DeepSeek-R1,gb200,fp4,disagg,8192,1024,"
        "4,1,4,24,6,4,2000,20\n";
    gw_validate_result b;
    gw_error err = {0};
    CHECK_INT(gw_validate_csv(cat, "m.csv", row, strlen(row), &b, &err), GW_OK);
    CHECK_STR_HAS(b.rows[0].error, "prefill_num_workers is empty");
    gw_validate_free(&b);
    const char *set =
        "id,prefill_num_workers,prefill_tp_size,prefill_attention_dp_size,prefill_moe_tp_size,"
        "prefill_moe_ep_size,decode_num_workers,decode_tp_size,decode_attention_dp_size,"
        "decode_moe_tp_size,decode_moe_ep_size,decode_spec_tokens,decode_eplb\n"
        "d,3,1,4,1,4,1,1,24,1,24,%s,%s\n";
    char text[512];
    snprintf(text, sizeof text, set, "1", "1");
    gw_validate_input in = {.name = "s.csv", .text = text, .len = strlen(text)};
    CHECK_INT(gw_validate_csv_with(cat, "m.csv", row, strlen(row), &in, &b, &err), GW_OK);
    CHECK(strcmp(b.rows[0].error, "") == 0);
    CHECK_INT(b.rows[0].run.workers[0], 3);
    CHECK_INT(b.rows[0].run.workers[1], 1);
    CHECK_INT(b.rows[0].run.cfg[0].attention_dp, 4);
    CHECK_INT(b.rows[0].run.cfg[1].attention_dp, 24);
    CHECK_INT(b.rows[0].run.cfg[1].ep, 24);
    CHECK_INT(b.rows[0].run.cfg[1].eplb, 1);
    CHECK_INT(b.rows[0].run.cfg[0].eplb, 0);
    CHECK_INT(b.rows[0].run.cfg[1].spec_tokens, 1);
    CHECK_NEAR(b.rows[0].gpus, 3 * 4 + 24, 0);
    CHECK_NEAR(b.rows[0].run.rq.concurrency, 512, 0);
    CHECK_NEAR(b.rows[0].run.max_batch[1], 0, 0);
    double ttft_open = b.rows[0].predicted_ttft_ms, tpot_open = b.rows[0].predicted_tpot_ms;
    gw_validate_free(&b);
    /* the recipe's max_batch_size per decode rank: 24 x 8 = 192 of the 512
     * clients decode at once (below what the prefill pool, which bounds
     * the open run, lets through), the rest wait for a slot: TTFT grows
     * by about (512 - 192) / X while the smaller batch steps faster */
    static const char capped[] =
        "id,prefill_num_workers,prefill_tp_size,prefill_attention_dp_size,prefill_moe_tp_size,"
        "prefill_moe_ep_size,decode_num_workers,decode_tp_size,decode_attention_dp_size,"
        "decode_moe_tp_size,decode_moe_ep_size,decode_spec_tokens,decode_eplb,"
        "decode_max_batch_size\nd,3,1,4,1,4,1,1,24,1,24,1,1,8\n";
    in.text = capped, in.len = strlen(capped);
    CHECK_INT(gw_validate_csv_with(cat, "m.csv", row, strlen(row), &in, &b, &err), GW_OK);
    CHECK(strcmp(b.rows[0].error, "") == 0);
    CHECK_NEAR(b.rows[0].run.max_batch[1], 8, 0);
    CHECK_NEAR(b.rows[0].run.max_batch[0], 0, 0);
    CHECK(b.rows[0].predicted_ttft_ms > ttft_open + 1000);
    CHECK(b.rows[0].predicted_tpot_ms < tpot_open);
    gw_validate_free(&b);
    in.text = text;
    /* without EPLB the experts must divide: the model's own reason */
    snprintf(text, sizeof text, set, "1", "0");
    in.len = strlen(text);
    CHECK_INT(gw_validate_csv_with(cat, "m.csv", row, strlen(row), &in, &b, &err), GW_OK);
    CHECK_STR_HAS(b.rows[0].error, "does not divide the 256 experts");
    gw_validate_free(&b);
    /* SGLang's recipes: 32 redundant experts without balancing make 288
     * slots, 12 a GPU at EP24; 31 do not divide */
    static const char redundant[] =
        "id,prefill_num_workers,prefill_tp_size,prefill_attention_dp_size,prefill_moe_tp_size,"
        "prefill_moe_ep_size,decode_num_workers,decode_tp_size,decode_attention_dp_size,"
        "decode_moe_tp_size,decode_moe_ep_size,decode_redundant_experts\n"
        "d,3,1,4,1,4,1,1,24,1,24,%d\n";
    snprintf(text, sizeof text, redundant, 32);
    in.text = text, in.len = strlen(text);
    CHECK_INT(gw_validate_csv_with(cat, "m.csv", row, strlen(row), &in, &b, &err), GW_OK);
    CHECK(strcmp(b.rows[0].error, "") == 0);
    CHECK_INT(b.rows[0].run.cfg[1].redundant_experts, 32);
    CHECK_INT(b.rows[0].run.cfg[1].eplb, 0);
    gw_validate_free(&b);
    snprintf(text, sizeof text, redundant, 31);
    in.len = strlen(text);
    CHECK_INT(gw_validate_csv_with(cat, "m.csv", row, strlen(row), &in, &b, &err), GW_OK);
    CHECK_STR_HAS(b.rows[0].error, "does not divide the 287 expert slots");
    gw_validate_free(&b);
}

static void test_settings_file(const gw_catalog *cat)
{
    static const char cols[] =
        "id,backend,model_path,system,precision,mode,isl,osl,batch_size,tp_size,"
        "moe_ep_size,silicon_ttft_ms,silicon_tpot_ms%s\n"
        "mtp,trtllm,deepseek-ai/DeepSeek-R1,b200_sxm,fp4,agg,1024,1024,8,8,8,200,5%s\n"
        "plain,trtllm,deepseek-ai/DeepSeek-R1,b200_sxm,fp4,agg,1024,1024,8,8,8,200,8%s\n";
    char with[1024], without[1024];
    snprintf(with, sizeof with, cols, ",spec_tokens", ",3", ",");
    snprintf(without, sizeof without, cols, "", "", "");
    gw_validate_result a, b;
    gw_error err = {0};
    CHECK_INT(gw_validate_csv(cat, "m.csv", with, strlen(with), &a, &err), GW_OK);
    const char *set = "spec_tokens,note,id\n3,the recipe,mtp\n";
    gw_validate_input in = {.name = "s.csv", .text = set, .len = strlen(set)};
    CHECK_INT(gw_validate_csv_with(cat, "m.csv", without, strlen(without), &in, &b, &err), GW_OK);
    CHECK_INT(a.rows[0].run.cfg[0].spec_tokens, 3);
    CHECK_INT(b.rows[0].run.cfg[0].spec_tokens, 3);
    CHECK_INT(b.rows[1].run.cfg[0].spec_tokens, 0);
    CHECK(strcmp(b.rows[0].error, "") == 0);
    CHECK_NEAR(b.rows[0].predicted_tpot_ms, a.rows[0].predicted_tpot_ms, 0);
    CHECK_NEAR(b.rows[1].predicted_tpot_ms, a.rows[1].predicted_tpot_ms, 0);
    CHECK(b.rows[0].predicted_tpot_ms < b.rows[1].predicted_tpot_ms);
    gw_validate_free(&a);
    gw_validate_free(&b);
    /* a settings row may restate the mode: a run labelled agg that ran
     * disaggregated (data/perf/serving-findings.md 41) is predicted, and
     * partitioned, as disagg with the roles the settings give */
    set = "id,mode,prefill_num_workers,prefill_tp_size,prefill_moe_ep_size,decode_num_workers,"
          "decode_tp_size,decode_moe_ep_size\nplain,disagg,1,8,8,1,8,8\n";
    in.text = set, in.len = strlen(set);
    CHECK_INT(gw_validate_csv_with(cat, "m.csv", without, strlen(without), &in, &b, &err), GW_OK);
    CHECK(strcmp(b.rows[1].mode, "disagg") == 0 && b.rows[1].run.disagg == 1);
    CHECK(strcmp(b.rows[1].error, "") == 0 && b.rows[1].predicted_ttft_ms > 0);
    CHECK(strcmp(b.rows[0].mode, "agg") == 0 && b.rows[0].run.disagg == 0);
    gw_validate_free(&b);

    static const struct {
        const char *text, *want;
    } bad[] = {
        {"id,spec_tokens\nnone,3\n", "s.csv:2:1: id 'none' is in no row of m.csv"},
        {"id,spec_tokens\nmtp,3\nmtp,1\n", "s.csv:3:1: id 'mtp' appears twice"},
        {"id,silicon_tpot_ms\nmtp,3\n", "s.csv:1:4: a settings file adds how a run"},
        {"spec_tokens\n3\n", "s.csv:1:1: the header has no column 'id'"},
        {"id,spec_tokens\nmtp\n", "s.csv:2:4: 1 fields; expected 2"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        in.text = bad[i].text, in.len = strlen(bad[i].text);
        memset(&err, 0, sizeof err);
        CHECK_INT(gw_validate_csv_with(cat, "m.csv", without, strlen(without), &in, &b, &err),
                  GW_E_INPUT);
        char msg[512];
        gw_error_format(&err, msg, sizeof msg);
        CHECK_STR_HAS(msg, bad[i].want);
    }
    set = "id,spec_tokens\nmtp,x\n";
    in.text = set, in.len = strlen(set);
    CHECK_INT(gw_validate_csv_with(cat, "m.csv", without, strlen(without), &in, &b, &err), GW_OK);
    CHECK_STR_HAS(b.rows[0].error, "s.csv:2:5: spec_tokens 'x' is not a number");
    CHECK(strcmp(b.rows[1].error, "") == 0);
    gw_validate_free(&b);
    /* a settings row on the Llama row: its reason, at the settings' field */
    static const struct {
        const char *set, *want;
    } row_bad[] = {
        /* MTP on a model without a draft head */
        {"id,spec_tokens\nl,3\n", "s.csv:2:3: model 'llama-3.1-70b' has no MTP head"},
        {"id,length_low\nl,1.5\n", "s.csv:2:3: length_low 1.5; expected the shortest draw"},
        {"id,length_low\nl,0\n", "s.csv:2:3: length_low 0 is out of range"},
        {"id,batch_wait_ratio\nl,1.5\n", "s.csv:2:3: batch_wait_ratio 1.5; expected a share"},
        {"id,batch_wait_iters\nl,2.5\n", "s.csv:2:3: batch_wait_iters 2.5 is out of range"},
        {"id,piecewise_graphs\nl,2\n", "s.csv:2:3: piecewise_graphs 2; expected 1"},
        {"id,eplb\nl,2\n", "s.csv:2:3: eplb 2; expected 1"},
        {"id,max_batch_size\nl,0.5\n", "s.csv:2:3: max_batch_size 0.5 is out of range"},
    };
    for (size_t i = 0; i < sizeof row_bad / sizeof *row_bad; i++) {
        in.text = row_bad[i].set, in.len = strlen(row_bad[i].set);
        CHECK_INT(gw_validate_csv_with(cat, "m.csv", LLAMA_ROW, strlen(LLAMA_ROW), &in, &b, &err),
                  GW_OK);
        CHECK_STR_HAS(b.rows[0].error, row_bad[i].want);
        gw_validate_free(&b);
    }
    /* the client's lengths and a recipe's scheduler settings: into the
     * row's request and config; absent, lengths not stated */
    set = "id,length_low,max_num_tokens,batch_wait_iters,batch_wait_ratio,piecewise_graphs\n"
          "l,0.8,16384,20,0.9,1\n";
    in.text = set, in.len = strlen(set);
    CHECK_INT(gw_validate_csv_with(cat, "m.csv", LLAMA_ROW, strlen(LLAMA_ROW), &in, &b, &err),
              GW_OK);
    CHECK(strcmp(b.rows[0].error, "") == 0);
    CHECK_NEAR(b.rows[0].run.rq.length_low, 0.8, 0);
    CHECK_INT(b.rows[0].run.cfg[0].max_num_tokens, 16384);
    CHECK_INT(b.rows[0].run.cfg[0].batch_wait_iters, 20);
    CHECK_NEAR(b.rows[0].run.cfg[0].batch_wait_ratio, 0.9, 0);
    CHECK_INT(b.rows[0].run.cfg[0].piecewise_graphs, 1);
    gw_validate_free(&b);
    /* 0 states the default of a flag, as empty does */
    set = "id,piecewise_graphs,eplb\nl,0,0\n";
    in.text = set, in.len = strlen(set);
    CHECK_INT(gw_validate_csv_with(cat, "m.csv", LLAMA_ROW, strlen(LLAMA_ROW), &in, &b, &err),
              GW_OK);
    CHECK(strcmp(b.rows[0].error, "") == 0);
    CHECK_INT(b.rows[0].run.cfg[0].piecewise_graphs, 0);
    gw_validate_free(&b);
    CHECK_INT(gw_validate_csv(cat, "m.csv", LLAMA_ROW, strlen(LLAMA_ROW), &b, &err), GW_OK);
    CHECK_NEAR(b.rows[0].run.rq.length_low, 0, 0);
    CHECK_INT(b.rows[0].run.cfg[0].piecewise_graphs, 0);
    gw_validate_free(&b);
    test_settings_deployment(cat);
}

int main(void)
{
    gw_catalog cat;
    gw_error err = {0};
    if (gw_catalog_load(&cat, GW_TEST_CATALOG, &err)) {
        fprintf(stderr, "catalog: %s\n", err.msg);
        return 1;
    }
    test_summary_arithmetic();
    test_agg_mapping(&cat);
    test_column_order(&cat);
    test_unpredictable_rows(&cat);
    test_names_and_disagg(&cat);
    test_malformed_files(&cat);
    test_one_client_is_the_closed_form(&cat, "trtllm");
    test_one_client_is_the_closed_form(&cat, "vllm");
    test_one_client_is_the_closed_form(&cat, "sglang");
    test_wave_of_fixed_lengths(&cat);
    test_draws_follow_the_seed(&cat);
    test_disagg_first_token_on_the_decode_pool(&cat);
    test_node_product_labels(&cat);
    test_settings_file(&cat);
    gw_catalog_free(&cat);
    return gw_test_done("test_validate");
}
