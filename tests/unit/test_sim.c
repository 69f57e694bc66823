/* tests/unit/test_sim.c — workloads (src/sim/workload.c) and the replica
 * simulator (src/sim/replica.c) against hand-traced timelines.
 *
 * The clock is the perf model: an iteration lasts gw_perf_step of its
 * batch, so every expected time below is a sum of gw_perf_step calls for
 * batches written out by hand from the scheduling rules
 * (docs/notes/vidur-semantics.md §1, §3, §4). The engine is test_perf.c's
 * made-up one (tiny dense model, 1e15 FLOP/s, 1e12 B/s, every efficiency
 * 0.5, 1 ms step overhead), so a step is about 1 ms and no catalog data is
 * read. Batches: prefill of P tokens alone = {.prefill_tokens = P, .prefill_chunks = 1, .prefill_pairs = P(P+1)/2};
 * n decodes with contexts c_i = {.decode_seqs = n, .decode_context = sum c_i}, where a request's
 * context is the tokens it has processed, its first output token included
 * (P + 1 at its first decode). */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "gigawatt/sim.h"
#include "gigawatt/stats.h"
#include "gw_test.h"
#include "tiny_model.h"

/* ---- the engine -------------------------------------------------------------- */

/* tiny_model.h's dense model, accelerator (100 GB) and stack. */
static gw_perf_engine make_engine(void)
{
    gw_llm m = tiny_dense();
    gw_accelerator a = round_accel(100e9);
    gw_efficiency f = half_eff();
    gw_perf_config c = {.model = &m, .accel = &a, .eff = &f, .tp = 1, .pp = 1, .ep = 1,
                        .weights = GW_PREC_BF16, .kv = GW_PREC_BF16};
    gw_perf_engine e;
    gw_error err;
    int rc = gw_perf_engine_init(&c, &e, &err);
    CHECK_INT(rc, GW_OK);
    if (rc)
        fprintf(stderr, "engine: %s\n", err.msg);
    return e;
}

static gw_perf_engine E; /* set once in main */

/* a whole prompt of p tokens, alone */
static double prefill(double p)
{
    gw_perf_batch b = {.prefill_tokens = p, .prefill_chunks = 1, .prefill_pairs = p * (p + 1) / 2};
    return gw_perf_step(&E, &b, NULL);
}

/* n sequences decoding one token each, contexts summing to ctx */
static double decode(double n, double ctx)
{
    gw_perf_batch b = {.decode_seqs = n, .decode_context = ctx};
    return gw_perf_step(&E, &b, NULL);
}

/* One replica, vLLM, round-robin, 128 running, 4096 padded prefill
 * tokens, blocks of 16, no watermark, 16000 tokens of KV = 1000 blocks,
 * 100 W idle and 1100 W busy, per-request results kept. */
static gw_sim_config base_config(void)
{
    gw_sim_config c;
    memset(&c, 0, sizeof c);
    c.engine = &E;
    c.replicas = 1;
    c.scheduler = GW_SCHED_VLLM;
    c.route = GW_ROUTE_ROUND_ROBIN;
    c.max_running = 128;
    c.max_batched_tokens = 4096;
    c.block_size = 16;
    c.watermark = 0;
    c.kv_tokens = 16000;
    c.idle_w = 100, c.busy_w = 1100;
    c.keep_requests = 1;
    return c;
}

/* a workload over caller-owned arrays (never freed) */
static gw_workload workload(size_t n, double *arrival, int32_t *prompt, int32_t *output)
{
    gw_workload w = {n, arrival, prompt, output, 0};
    return w;
}

static int run(const gw_sim_config *c, const gw_workload *w, gw_sim_result *r)
{
    gw_error err;
    memset(&err, 0, sizeof err);
    int rc = gw_sim_run(c, w, r, &err);
    if (rc)
        fprintf(stderr, "gw_sim_run: %s\n", err.msg);
    return rc;
}

/* ---- the workload CSV ---------------------------------------------------------- */

/* Write `text` to a fresh temporary file; its path goes to `path`. */
static void write_tmp(const char *text, char path[64])
{
    strcpy(path, "/tmp/gw_test_sim_XXXXXX");
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    size_t n = strlen(text);
    CHECK_INT(write(fd, text, n), (long long)n);
    close(fd);
}

/* load `text` as a trace; the return code, the workload in *w */
static int load_text(const char *text, size_t limit, double max_tokens, gw_workload *w,
                     gw_error *err)
{
    char path[64];
    write_tmp(text, path);
    memset(err, 0, sizeof *err);
    int rc = gw_workload_load_csv(path, limit, max_tokens, w, err);
    unlink(path);
    return rc;
}

/* the load fails with GW_E_INPUT at line:col with `msg` in the text */
static void expect_csv_error(const char *text, int line, int col, const char *msg)
{
    gw_workload w;
    gw_error err;
    CHECK_INT(load_text(text, 0, 0, &w, &err), GW_E_INPUT);
    CHECK_INT(err.line, line);
    CHECK_INT(err.col, col);
    CHECK_STR_HAS(err.msg, msg);
    CHECK(strncmp(err.file, "/tmp/gw_test_sim_", 17) == 0); /* the place names the file */
    CHECK(w.arrival == NULL && w.n == 0);                    /* nothing left allocated */
}

/* Columns in any order, extra ones ignored, a quoted header name, CRLF
 * line ends, no newline after the last row. */
static void test_csv_happy_path(void)
{
    gw_workload w;
    gw_error err;
    const char *text = "\"id\",num_decode_tokens,arrived_at,num_prefill_tokens,note\r\n"
                       "7,10,0.25,100,x\r\n"
                       "8,1,0.25,2048,y\r\n"
                       "9,300,1.5e1,1,z";
    CHECK_INT(load_text(text, 0, 0, &w, &err), GW_OK);
    CHECK_INT(w.n, 3);
    CHECK_NEAR(w.arrival[0], 0.25, 0);
    CHECK_NEAR(w.arrival[1], 0.25, 0); /* equal times are allowed */
    CHECK_NEAR(w.arrival[2], 15, 0);
    CHECK_INT(w.prompt[0], 100);
    CHECK_INT(w.output[0], 10);
    CHECK_INT(w.prompt[1], 2048);
    CHECK_INT(w.output[1], 1);
    CHECK_INT(w.prompt[2], 1);
    CHECK_INT(w.output[2], 300);
    CHECK_INT(w.cut, 0);
    gw_workload_free(&w);
    CHECK(w.arrival == NULL && w.n == 0);
}

/* Vidur's cut at max_tokens 4096: the prompt loses the excess P + D - 4096,
 * the output is kept.
 *   4000 + 200  = 4200: prompt 4000 - 104 = 3896
 *   100 + 4000  = 4100: prompt 100 - 4 = 96
 *   1000 + 1000 = 2000: untouched
 *   4000 + 96   = 4096: exactly at the limit, untouched
 *   10 + 5000   = 5010: 10 - 914 < 1, so the prompt stays 1 token
 * Three rows cut (the last one cannot fit, but is counted and kept). */
static void test_csv_prompt_cut(void)
{
    const char *text = "arrived_at,num_prefill_tokens,num_decode_tokens\n"
                       "0,4000,200\n1,100,4000\n2,1000,1000\n3,4000,96\n4,10,5000\n";
    gw_workload w;
    gw_error err;
    CHECK_INT(load_text(text, 0, 4096, &w, &err), GW_OK);
    CHECK_INT(w.n, 5);
    CHECK_INT(w.prompt[0], 3896);
    CHECK_INT(w.output[0], 200);
    CHECK_INT(w.prompt[1], 96);
    CHECK_INT(w.output[1], 4000);
    CHECK_INT(w.prompt[2], 1000);
    CHECK_INT(w.output[2], 1000);
    CHECK_INT(w.prompt[3], 4000);
    CHECK_INT(w.prompt[4], 1);
    CHECK_INT(w.output[4], 5000);
    CHECK_INT(w.cut, 3);
    gw_workload_free(&w);
    /* max_tokens 0: no cut */
    CHECK_INT(load_text(text, 0, 0, &w, &err), GW_OK);
    CHECK_INT(w.prompt[0], 4000);
    CHECK_INT(w.cut, 0);
    gw_workload_free(&w);
}

/* limit: the first rows only; rows past it are not even read, so a bad
 * fifth row does not matter with limit 3 */
static void test_csv_limit(void)
{
    const char *text = "arrived_at,num_prefill_tokens,num_decode_tokens\n"
                       "0,1,1\n1,2,2\n2,3,3\n3,4,4\nbad,5,5\n";
    gw_workload w;
    gw_error err;
    CHECK_INT(load_text(text, 3, 0, &w, &err), GW_OK);
    CHECK_INT(w.n, 3);
    CHECK_INT(w.prompt[2], 3);
    gw_workload_free(&w);
    CHECK_INT(load_text(text, 4, 0, &w, &err), GW_OK);
    CHECK_INT(w.n, 4);
    gw_workload_free(&w);
    CHECK_INT(load_text(text, 0, 0, &w, &err), GW_E_INPUT); /* all: row 6 is bad */
    CHECK_INT(err.line, 6);
}

/* Blank lines (empty, spaces, a lone CR) are skipped but still counted in
 * the line numbers of later errors. */
static void test_csv_blank_lines(void)
{
    gw_workload w;
    gw_error err;
    const char *text = "arrived_at,num_prefill_tokens,num_decode_tokens\n"
                       "\n0,1,1\n   \n\r\n1,2,2\n\n";
    CHECK_INT(load_text(text, 0, 0, &w, &err), GW_OK);
    CHECK_INT(w.n, 2);
    CHECK_INT(w.prompt[1], 2);
    gw_workload_free(&w);
    /* lines: 1 header, 2 blank, 3 row, 4 blank, 5 the bad row; "1," is 2
     * characters, so the prompt field starts at column 3 */
    expect_csv_error("arrived_at,num_prefill_tokens,num_decode_tokens\n\n0,1,1\n\n1,x,1\n", 5, 3,
                     "num_prefill_tokens is not a number");
}

static void test_csv_errors(void)
{
    const char *h = "arrived_at,num_prefill_tokens,num_decode_tokens\n";
    char t[256];
    /* a header without num_decode_tokens: line 1, column 1 */
    expect_csv_error("arrived_at,num_prefill_tokens\n0,1\n", 1, 1,
                     "no column 'num_decode_tokens'");
    expect_csv_error("num_prefill_tokens,num_decode_tokens\n1,1\n", 1, 1, "no column 'arrived_at'");
    /* not a number: "0," is 2 characters, the prompt starts at column 3 */
    snprintf(t, sizeof t, "%s0,12x,5\n", h);
    expect_csv_error(t, 2, 3, "num_prefill_tokens is not a number");
    snprintf(t, sizeof t, "%s0,12,\n", h); /* an empty field: column 6 */
    expect_csv_error(t, 2, 6, "num_decode_tokens is not a number");
    /* negative arrival on line 3 */
    snprintf(t, sizeof t, "%s0,1,1\n-1,1,1\n", h);
    expect_csv_error(t, 3, 1, "arrived_at -1 is negative");
    /* decreasing arrival, with arrived_at the third column: "1,1," is 4
     * characters, so column 5 */
    expect_csv_error("num_prefill_tokens,num_decode_tokens,arrived_at\n1,1,2.5\n1,1,2\n", 3, 5,
                     "before the previous row's");
    /* zero output tokens: "0,100," is 6 characters, column 7 */
    snprintf(t, sizeof t, "%s0,100,0\n", h);
    expect_csv_error(t, 2, 7, "token counts 100 and 0");
    /* zero and fractional prompts: column 3 */
    snprintf(t, sizeof t, "%s0,0,5\n", h);
    expect_csv_error(t, 2, 3, "token counts 0 and 5");
    snprintf(t, sizeof t, "%s0,1.5,5\n", h);
    expect_csv_error(t, 2, 3, "expected whole numbers");
    /* a short row: line 2, column 1 */
    snprintf(t, sizeof t, "%s0,100\n", h);
    expect_csv_error(t, 2, 1, "2 fields; expected at least 3");
    /* the header alone: no requests */
    expect_csv_error(h, 1, 1, "no requests");
    /* leading spaces in a row: the column still counts from the line's
     * first character, "  0," is 4 characters, so the prompt is column 5 */
    snprintf(t, sizeof t, "%s  0,12x,5\n", h);
    expect_csv_error(t, 2, 5, "num_prefill_tokens is not a number");
    /* no such file */
    gw_workload w;
    gw_error err;
    CHECK_INT(gw_workload_load_csv("/tmp/gw_test_sim_does_not_exist.csv", 0, 0, &w, &err),
              GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "cannot open");
}

/* ---- synthetic workloads -------------------------------------------------------- */

static gw_synthetic synth(size_t n, gw_arrival_kind kind, double rate, uint64_t seed)
{
    gw_synthetic s;
    memset(&s, 0, sizeof s);
    s.requests = n, s.arrival = kind, s.rate = rate, s.seed = seed;
    s.prompt.kind = GW_DIST_UNIFORM, s.prompt.a = 10, s.prompt.b = 600;
    s.output.kind = GW_DIST_UNIFORM, s.output.a = 1, s.output.b = 300;
    return s;
}

static int same_workload(const gw_workload *a, const gw_workload *b)
{
    return a->n == b->n && memcmp(a->arrival, b->arrival, a->n * sizeof *a->arrival) == 0 &&
           memcmp(a->prompt, b->prompt, a->n * sizeof *a->prompt) == 0 &&
           memcmp(a->output, b->output, a->n * sizeof *a->output) == 0;
}

/* The same seed gives byte-equal arrays; another seed does not. Each
 * (request, purpose) has its own stream, so changing the output
 * distribution leaves arrivals and prompts as they were. */
static void test_synthetic_determinism(void)
{
    gw_error err;
    gw_workload a, b, c;
    gw_synthetic s = synth(1000, GW_ARRIVAL_POISSON, 20, 42);
    CHECK_INT(gw_workload_synthetic(&s, &a, &err), GW_OK);
    CHECK_INT(gw_workload_synthetic(&s, &b, &err), GW_OK);
    CHECK(same_workload(&a, &b));
    gw_workload_free(&b);
    s.seed = 43;
    CHECK_INT(gw_workload_synthetic(&s, &b, &err), GW_OK);
    CHECK(memcmp(a.arrival, b.arrival, 1000 * sizeof(double)) != 0);
    CHECK(memcmp(a.prompt, b.prompt, 1000 * sizeof(int32_t)) != 0);
    gw_workload_free(&b);
    s.seed = 42;
    s.output.b = 50;
    CHECK_INT(gw_workload_synthetic(&s, &c, &err), GW_OK);
    CHECK(memcmp(a.arrival, c.arrival, 1000 * sizeof(double)) == 0);
    CHECK(memcmp(a.prompt, c.prompt, 1000 * sizeof(int32_t)) == 0);
    CHECK(memcmp(a.output, c.output, 1000 * sizeof(int32_t)) != 0);
    /* token counts are whole numbers within the distribution's range */
    int bad = 0;
    for (size_t i = 0; i < 1000; i++)
        bad += a.prompt[i] < 10 || a.prompt[i] > 600 || a.output[i] < 1 || a.output[i] > 300 ||
               c.output[i] > 50;
    CHECK_INT(bad, 0);
    gw_workload_free(&a);
    gw_workload_free(&c);
}

/* mean and coefficient of variation of the n-1 gaps of w */
static void gap_stats(const gw_workload *w, double *mean, double *cv)
{
    double s = 0, s2 = 0;
    size_t n = w->n - 1;
    for (size_t i = 1; i < w->n; i++) {
        double g = w->arrival[i] - w->arrival[i - 1];
        s += g, s2 += g * g;
    }
    *mean = s / (double)n;
    *cv = sqrt(s2 / (double)n - *mean * *mean) / *mean;
}

/* Poisson at 10/s over 1e5 gaps: mean gap 0.1 s with relative SE
 * 1/sqrt(1e5) = 0.32 %, 5 SE = 1.6 %; cv 1 with SE about 0.55 % (sd:
 * sqrt(8/n)/2 = 0.45 % from the exponential's kurtosis 9, mean 0.32 %),
 * 5 SE = 2.8 %. The first request arrives at 0. */
static void test_synthetic_poisson(void)
{
    gw_error err;
    gw_workload w;
    gw_synthetic s = synth(100001, GW_ARRIVAL_POISSON, 10, 7);
    CHECK_INT(gw_workload_synthetic(&s, &w, &err), GW_OK);
    CHECK_INT(w.n, 100001);
    CHECK_NEAR(w.arrival[0], 0, 0);
    int decreasing = 0;
    for (size_t i = 1; i < w.n; i++)
        decreasing += w.arrival[i] < w.arrival[i - 1];
    CHECK_INT(decreasing, 0);
    double mean, cv;
    gap_stats(&w, &mean, &cv);
    CHECK_NEAR(mean, 0.1, 0.016);
    CHECK_NEAR(cv, 1, 0.028);
    gw_workload_free(&w);
}

/* Gamma gaps with cv 3 (shape 1/9, bursty) and cv 0.5 (shape 4, smooth) at
 * 10/s over 1e5 gaps. cv 3: mean SE 3/sqrt(1e5) = 0.95 %, sd SE
 * sqrt((kurtosis - 1)/n)/2 = sqrt(56/1e5)/2 = 1.18 % (kurtosis 3 + 6/k =
 * 57); 5 x sqrt(0.95^2 + 1.18^2) % = 7.6 %, so "roughly" is 8 %.
 * cv 0.5: kurtosis 4.5, sd SE 0.30 %, mean 0.16 %: 5 SE = 1.7 %, use 2 %. */
static void test_synthetic_gamma(void)
{
    gw_error err;
    gw_workload w;
    gw_synthetic s = synth(100001, GW_ARRIVAL_GAMMA, 10, 8);
    s.cv = 3;
    CHECK_INT(gw_workload_synthetic(&s, &w, &err), GW_OK);
    double mean, cv;
    gap_stats(&w, &mean, &cv);
    CHECK_NEAR(mean, 0.1, 0.048);
    CHECK_NEAR(cv, 3, 0.08);
    gw_workload_free(&w);
    s.cv = 0.5;
    CHECK_INT(gw_workload_synthetic(&s, &w, &err), GW_OK);
    gap_stats(&w, &mean, &cv);
    CHECK_NEAR(mean, 0.1, 0.016);
    CHECK_NEAR(cv, 0.5, 0.02);
    gw_workload_free(&w);
}

/* Diurnal at a mean 10/s, amplitude 0.8, period 100 s. Over 20 whole
 * periods (2000 s) the sine integrates to zero: 20000 arrivals expected,
 * Poisson SD 141, 5 SD = 707 (3.5 %). The first half of each period runs
 * at 10(1 + 0.8 x 2/pi) on average: 10 x (50 + 0.8 x 100/pi) = 754.65 per
 * period, 15093 over 20 (5 SD = 614); the second half 245.35 per period,
 * 4907 over 20 (5 SD = 350). */
static void test_synthetic_diurnal(void)
{
    gw_error err;
    gw_workload w;
    gw_synthetic s = synth(25000, GW_ARRIVAL_DIURNAL, 10, 9);
    s.amplitude = 0.8, s.period_s = 100;
    CHECK_INT(gw_workload_synthetic(&s, &w, &err), GW_OK);
    CHECK(w.arrival[w.n - 1] > 2000);
    long total = 0, first_half = 0;
    int decreasing = 0;
    for (size_t i = 0; i < w.n; i++) {
        if (i && w.arrival[i] < w.arrival[i - 1])
            decreasing++;
        if (w.arrival[i] >= 2000)
            continue;
        total++;
        first_half += fmod(w.arrival[i], 100) < 50;
    }
    CHECK_INT(decreasing, 0);
    CHECK(labs(total - 20000) <= 707);
    CHECK(labs(first_half - 15093) <= 614);
    CHECK(labs(total - first_half - 4907) <= 350);
    gw_workload_free(&w);
}

/* Token counts clamp to >= 1; bad parameters are refused. */
static void test_synthetic_errors(void)
{
    gw_error err;
    gw_workload w;
    gw_synthetic s = synth(10, GW_ARRIVAL_POISSON, 1, 1);
    s.prompt.kind = GW_DIST_FIXED, s.prompt.a = 0; /* rounds to 0, clamped to 1 */
    CHECK_INT(gw_workload_synthetic(&s, &w, &err), GW_OK);
    CHECK_INT(w.prompt[0], 1);
    CHECK_INT(w.prompt[9], 1);
    gw_workload_free(&w);

    s = synth(0, GW_ARRIVAL_POISSON, 1, 1);
    CHECK_INT(gw_workload_synthetic(&s, &w, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "synthetic workload of 0 requests");
    s = synth(10, GW_ARRIVAL_POISSON, 0, 1);
    CHECK_INT(gw_workload_synthetic(&s, &w, &err), GW_E_INPUT);
    s.rate = NAN;
    CHECK_INT(gw_workload_synthetic(&s, &w, &err), GW_E_INPUT);
    s = synth(10, GW_ARRIVAL_GAMMA, 1, 1);
    CHECK_INT(gw_workload_synthetic(&s, &w, &err), GW_E_INPUT); /* cv 0 */
    CHECK_STR_HAS(err.msg, "coefficient of variation");
    s = synth(10, GW_ARRIVAL_DIURNAL, 1, 1);
    s.amplitude = 1.5, s.period_s = 10;
    CHECK_INT(gw_workload_synthetic(&s, &w, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "amplitude in [0, 1]");
    s.amplitude = 0.5, s.period_s = 0;
    CHECK_INT(gw_workload_synthetic(&s, &w, &err), GW_E_INPUT);
    s = synth(10, GW_ARRIVAL_POISSON, 1, 1);
    s.output.kind = GW_DIST_EXPONENTIAL, s.output.a = -1;
    CHECK_INT(gw_workload_synthetic(&s, &w, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "exponential distribution");
    CHECK(w.arrival == NULL);
}

/* ---- the replica simulator: hand-traced timelines --------------------------------- */

/* One request, P 100, D 5, arriving at 1.5 s on an idle replica.
 * Iteration 1: its prefill, A = prefill(100); the first token at 1.5 + A.
 * Iterations 2..5: decodes at contexts 101, 102, 103, 104 (D - 1 = 4 of
 * them; after the 4th it has processed 105 = P + D tokens and is done).
 * TTFT = A, E2E = A + B, B = sum of the decodes, TPOT = B / D (Vidur
 * divides by D), scheduling delay 0; 5 iterations, 6 events (the arrival
 * and 5 iteration ends). TBT: 4 gaps, one per decode. KV: ceil(100/16) = 7
 * blocks the whole time (the contexts never pass 7 x 16 = 112), out of
 * 1000. Energy: each iteration at idle + (busy - idle) x utilisation,
 * utilisation = max(compute, memory busy time) / step. */
static void test_one_request_vllm(void)
{
    double arr[1] = {1.5};
    int32_t P[1] = {100}, D[1] = {5};
    gw_workload w = workload(1, arr, P, D);
    gw_sim_config c = base_config();
    gw_sim_result r;
    CHECK_INT(run(&c, &w, &r), GW_OK);

    double A = prefill(100);
    double dec[4], B = 0, bmax = 0;
    for (int k = 0; k < 4; k++) {
        dec[k] = decode(1, 101 + k);
        B += dec[k];
        bmax = fmax(bmax, dec[k]);
    }
    /* energy by hand from each step's utilisation */
    double energy = 0;
    for (int k = 0; k < 5; k++) {
        gw_perf_batch b = k == 0 ? (gw_perf_batch){.prefill_tokens = 100, .prefill_chunks = 1,
                                                   .prefill_pairs = 5050}
                                 : (gw_perf_batch){.decode_seqs = 1, .decode_context = 100 + k};
        gw_perf_step_detail d;
        double t = gw_perf_step(&E, &b, &d);
        double u = fmin(1, fmax(d.compute_busy_s, d.memory_busy_s) / t);
        energy += (100 + 1000 * u) * t;
    }
    CHECK(A > 1e-3 && A < 2e-3); /* sanity: about the 1 ms overhead */
    CHECK_INT(r.requests, 1);
    CHECK_INT(r.completed, 1);
    CHECK_INT(r.rejected, 0);
    CHECK_INT(r.iterations, 5);
    /* events: the arrival, the prefill's end and one for the run of 4
     * decodes priced in closed form (docs/sim.md §3.4), plus at most one
     * wake-up of the idle replica; one event per iteration would be 6+ */
    CHECK(r.events >= 3 && r.events <= 4);
    uint64_t closed_form_events = r.events;
    CHECK_INT(r.preemptions, 0);
    CHECK_NEAR(r.ttft.mean, A, 1e-12);
    CHECK_NEAR(r.ttft.p50, A, 1e-12);
    CHECK_NEAR(r.ttft.p99, A, 1e-12);
    CHECK_NEAR(r.ttft.max, A, 1e-12);
    CHECK_NEAR(r.e2e.mean, A + B, 1e-12);
    CHECK_NEAR(r.tpot.mean, B / 5, 1e-12);
    CHECK_NEAR(r.scheduling_delay.max, 0, 0);
    CHECK_NEAR(r.tbt.mean, B / 4, 1e-12);
    CHECK_NEAR(r.tbt.max, bmax, 1e-12);
    CHECK_NEAR(r.tbt.p50, dec[1], 2e-3); /* the sketch: within its 0.1 % buckets */
    CHECK_NEAR(r.batch_size.mean, 1, 0);
    CHECK_NEAR(r.batch_size.max, 1, 0);
    CHECK_NEAR(r.makespan_s, A + B, 1e-12);
    CHECK_NEAR(r.requests_per_s, 1 / (A + B), 1e-12);
    CHECK_NEAR(r.output_tokens_per_s, 5 / (A + B), 1e-12);
    CHECK_NEAR(r.input_tokens_per_s, 100 / (A + B), 1e-12);
    CHECK_NEAR(r.kv_use_mean, 7 / 1000.0, 1e-12);
    CHECK_NEAR(r.kv_use_max, 7 / 1000.0, 1e-12);
    CHECK_NEAR(r.busy_fraction, 1, 1e-12);
    CHECK_NEAR(r.energy_j, energy, 1e-12);
    CHECK_NEAR(r.mean_power_w, energy / (A + B), 1e-12);
    CHECK_NEAR(r.joules_per_output_token, energy / 5, 1e-12);
    CHECK(r.per_request != NULL);
    if (r.per_request) {
        CHECK_INT(r.per_request[0].replica, 0);
        CHECK_INT(r.per_request[0].restarts, 0);
        CHECK_NEAR(r.per_request[0].scheduled, 1.5, 0);
        CHECK_NEAR(r.per_request[0].first_token, 1.5 + A, 1e-15);
        CHECK_NEAR(r.per_request[0].completed, 1.5 + A + B, 1e-15);
    }
    gw_sim_result_free(&r);

    /* one event per iteration: the arrival and 5 iteration ends; the same
     * times */
    c.step_by_step = 1;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    CHECK_INT(r.events, closed_form_events + 3);
    CHECK_INT(r.iterations, 5);
    CHECK_NEAR(r.e2e.mean, A + B, 1e-12);
    CHECK_NEAR(r.tbt.max, bmax, 1e-12);
    gw_sim_result_free(&r);
    c.step_by_step = 0;

    /* Two replicas, the same request: replica 1 idles through the whole
     * makespan, adding 100 W x (A + B); busy share halves. */
    c.replicas = 2;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    CHECK_NEAR(r.energy_j, energy + 100 * (A + B), 1e-12);
    CHECK_NEAR(r.busy_fraction, 0.5, 1e-12);
    gw_sim_result_free(&r);

    /* D = 1: the prefill's token is the only one; done at the prefill's
     * end, TPOT 0, no TBT sample at all. */
    D[0] = 1;
    c.replicas = 1;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    CHECK_INT(r.iterations, 1);
    CHECK_NEAR(r.e2e.mean, A, 1e-12);
    CHECK_NEAR(r.tpot.mean, 0, 0);
    CHECK(isnan(r.tbt.mean));
    gw_sim_result_free(&r);
}

/* KV blocks grow when the processed tokens cross a block boundary
 * (vidur-semantics §1.5). P 16, D 3, 160 tokens = 10 blocks:
 * prefill holds ceil(16/16) = 1 block; the first decode feeds token 17
 * (proc 17 > 16) and takes a 2nd block; the second decode (18) fits.
 * Time-weighted: (1 x A + 2 x (B1 + B2)) / (A + B1 + B2) / 10; max 0.2. */
static void test_kv_blocks(void)
{
    double arr[1] = {0};
    int32_t P[1] = {16}, D[1] = {3};
    gw_workload w = workload(1, arr, P, D);
    gw_sim_config c = base_config();
    c.kv_tokens = 160;
    gw_sim_result r;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    double A = prefill(16), B1 = decode(1, 17), B2 = decode(1, 18);
    CHECK_NEAR(r.kv_use_mean, (A + 2 * (B1 + B2)) / (A + B1 + B2) / 10, 1e-12);
    CHECK_NEAR(r.kv_use_max, 0.2, 1e-12);
    CHECK_NEAR(r.e2e.mean, A + B1 + B2, 1e-12);
    gw_sim_result_free(&r);
}

/* Two requests of P 100, D 3 arriving together at t = 0 on one replica.
 * Padded 2 x 100 = 200 <= 4096: Vidur handles every arrival at an instant
 * before the replica schedules (vidur-semantics §3.2), so both go in one
 * prefill batch {200, 2, 2 x 5050, 0, 0, 0} and share its end as TTFT;
 * then two joint decodes at contexts 101 + 101 and 102 + 102. */
static void test_two_requests_one_batch(void)
{
    double arr[2] = {0, 0};
    int32_t P[2] = {100, 100}, D[2] = {3, 3};
    gw_workload w = workload(2, arr, P, D);
    gw_sim_config c = base_config();
    gw_sim_result r;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    gw_perf_batch both = {.prefill_tokens = 200, .prefill_chunks = 2, .prefill_pairs = 2 * 5050};
    double AA = gw_perf_step(&E, &both, NULL);
    double e2e = AA + decode(2, 202) + decode(2, 204);
    CHECK_INT(r.iterations, 3);
    CHECK_NEAR(r.ttft.max, AA, 1e-12);
    CHECK_NEAR(r.ttft.mean, AA, 1e-12);
    CHECK_NEAR(r.e2e.max, e2e, 1e-12);
    CHECK_NEAR(r.batch_size.max, 2, 0);
    gw_sim_result_free(&r);
}

/* The same two with max_batched_tokens 150 < 2 x 100: the padded batch of
 * two does not fit, so request 0 prefills alone [0, A], request 1 (first
 * in the queue, prefill first) prefills alone [A, 2A] while 0 waits, then
 * both decode at 101 + 101 and 102 + 102. TTFT 0 = A, TTFT 1 = 2A; request
 * 1's scheduling delay is A; 4 iterations. */
static void test_two_requests_two_batches(void)
{
    double arr[2] = {0, 0};
    int32_t P[2] = {100, 100}, D[2] = {3, 3};
    gw_workload w = workload(2, arr, P, D);
    gw_sim_config c = base_config();
    c.max_batched_tokens = 150;
    gw_sim_result r;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    double A = prefill(100), tail = decode(2, 202) + decode(2, 204);
    CHECK_INT(r.iterations, 4);
    CHECK_NEAR(r.ttft.max, 2 * A, 1e-12);
    CHECK_NEAR(r.ttft.mean, 1.5 * A, 1e-12);
    CHECK_NEAR(r.scheduling_delay.max, A, 1e-12);
    CHECK_NEAR(r.e2e.max, 2 * A + tail, 1e-12);
    if (r.per_request) {
        CHECK_NEAR(r.per_request[0].first_token, A, 1e-15);
        CHECK_NEAR(r.per_request[1].first_token, 2 * A, 1e-15);
        CHECK_NEAR(r.per_request[0].completed, r.per_request[1].completed, 0);
    }
    gw_sim_result_free(&r);
}

/* Prefill-first stall. Request 0 (P 100, D 10) at 0; request 1 (P 200,
 * D 2) arrives half-way through 0's first decode, at a1 = A + B1/2.
 *   [0, A]          prefill 0                       A  = prefill(100)
 *   [A, t1]         decode 0 at 101                 B1 = decode(1, 101)
 *   [t1, t1+p1]     prefill 1 (0 stalls)            p1 = prefill(200)
 *   [.., +s2]       decode 0 at 102 and 1 at 201    s2 = decode(2, 303)
 *   then 0 alone at 103..109 (7 decodes); 1 is done after s2 (D = 2).
 * Request 0's gap across the stall is p1 + s2, the largest TBT; request
 * 1: scheduling delay t1 - a1, TTFT t1 + p1 - a1; 11 iterations. */
static void stall_expect(double *a1, double *t1, double *p1, double *s2, double *rest)
{
    double A = prefill(100), B1 = decode(1, 101);
    *a1 = A + B1 / 2;
    *t1 = A + B1;
    *p1 = prefill(200);
    *s2 = decode(2, 303);
    *rest = 0;
    for (int ctx = 103; ctx <= 109; ctx++)
        *rest += decode(1, ctx);
}

static void test_prefill_first_stall(void)
{
    double a1, t1, p1, s2, rest;
    stall_expect(&a1, &t1, &p1, &s2, &rest);
    double arr[2] = {0, a1};
    int32_t P[2] = {100, 200}, D[2] = {10, 2};
    gw_workload w = workload(2, arr, P, D);
    gw_sim_config c = base_config();
    gw_sim_result r;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    CHECK_INT(r.iterations, 11);
    CHECK_NEAR(r.tbt.max, p1 + s2, 1e-9);
    CHECK(r.tbt.max > 1.9 * decode(1, 101)); /* the stall: about two steps */
    CHECK_NEAR(r.scheduling_delay.max, t1 - a1, 1e-9);
    if (r.per_request) {
        CHECK_NEAR(r.per_request[1].scheduled, t1, 1e-15);
        CHECK_NEAR(r.per_request[1].first_token, t1 + p1, 1e-15);
        CHECK_NEAR(r.per_request[1].completed, t1 + p1 + s2, 1e-15);
        CHECK_NEAR(r.per_request[0].completed, t1 + p1 + s2 + rest, 1e-15);
    }
    gw_sim_result_free(&r);
}

/* Sarathi-Serve, chunk budget 256, the same shape: request 0 (P 100,
 * D 20) at 0, request 1 (P 600, D 2) at a1 = A + B1/2. Every iteration
 * decodes all running requests (1 token each from the budget) and fills
 * the rest with prefill chunks: a chunk of c tokens after p already
 * processed is {c, 1, c(p + (c+1)/2), p}.
 *   [0, A]   prefill 0 (100 < 256)                   A  = prefill(100)
 *   B1       decode 0 at 101                          decode(1, 101)
 *   M1       decode 0 at 102 + chunk 255 of 1 at 0:   pairs 255 x 128 = 32640
 *   M2       decode 0 at 103 + chunk 255 at 255:      pairs 255 x 383 = 97665
 *   M3       decode 0 at 104 + chunk 90 at 510:       pairs 90 x 555.5 = 49995
 *   M4       decode 0 at 105 and 1 at 601             decode(2, 706); 1 done
 *   then 0 alone at 106..119 (14 decodes): 20 iterations = D of request 0.
 * Request 0 never waits more than one iteration between tokens; request
 * 1's TTFT spans three chunked iterations. */
static void test_sarathi(void)
{
    double A = prefill(100), B1 = decode(1, 101);
    double a1 = A + B1 / 2;
    gw_perf_batch m1 = {.prefill_tokens = 255, .prefill_chunks = 1, .prefill_pairs = 32640,
                        .decode_seqs = 1, .decode_context = 102},
                  m2 = {.prefill_tokens = 255, .prefill_chunks = 1, .prefill_pairs = 97665,
                        .prefill_past = 255, .decode_seqs = 1, .decode_context = 103},
                  m3 = {.prefill_tokens = 90, .prefill_chunks = 1, .prefill_pairs = 49995,
                        .prefill_past = 510, .decode_seqs = 1, .decode_context = 104};
    double M1 = gw_perf_step(&E, &m1, NULL), M2 = gw_perf_step(&E, &m2, NULL),
           M3 = gw_perf_step(&E, &m3, NULL), M4 = decode(2, 706);
    double rest = 0, longest = fmax(fmax(B1, M1), fmax(fmax(M2, M3), M4));
    for (int ctx = 106; ctx <= 119; ctx++) {
        rest += decode(1, ctx);
        longest = fmax(longest, decode(1, ctx));
    }
    double arr[2] = {0, a1};
    int32_t P[2] = {100, 600}, D[2] = {20, 2};
    gw_workload w = workload(2, arr, P, D);
    gw_sim_config c = base_config();
    c.scheduler = GW_SCHED_SARATHI;
    c.max_batched_tokens = 256;
    gw_sim_result r;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    CHECK_INT(r.iterations, 20);
    CHECK_INT(r.completed, 2);
    double t1 = A + B1;
    CHECK_NEAR(r.tbt.max, longest, 1e-9); /* one iteration, never a stall */
    CHECK(r.tbt.max < B1 + prefill(600));
    if (r.per_request) {
        CHECK_NEAR(r.per_request[1].scheduled, t1, 1e-15);
        CHECK_NEAR(r.per_request[1].first_token, t1 + M1 + M2 + M3, 1e-15);
        CHECK_NEAR(r.per_request[1].completed, t1 + M1 + M2 + M3 + M4, 1e-15);
        CHECK_NEAR(r.per_request[0].first_token, A, 1e-15);
        CHECK_NEAR(r.per_request[0].completed, t1 + M1 + M2 + M3 + M4 + rest, 1e-15);
    }
    /* TTFT of the long prompt: three iterations, more than any one step */
    CHECK_NEAR(r.ttft.max, t1 + M1 + M2 + M3 - a1, 1e-9);
    CHECK(r.ttft.max > M1 + M2);
    gw_sim_result_free(&r);

    /* vLLM on the same workload stalls request 0 for the whole 600-token
     * prefill: its gap is prefill(600) + the joint decode at 102 + 601 */
    c.scheduler = GW_SCHED_VLLM;
    c.max_batched_tokens = 4096;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    CHECK_NEAR(r.tbt.max, prefill(600) + decode(2, 703), 1e-9);
    CHECK(r.tbt.max > longest);
    gw_sim_result_free(&r);
}

/* TensorRT-LLM batch waiting on the Sarathi path (docs/sim.md §3.2,
 * docs/serving.md §7.9.4): request 1 arrives while request 0 decodes; its
 * 100 tokens and the one decode stay under ratio 1 x the 256-token budget,
 * so it is held for T = 3 iterations (decodes at contexts 102..104) and
 * prefills in the fourth beside the decode at 105. Without waiting, or
 * with ratio 0 (TensorRT-LLM then never holds), it prefills at once. */
static void test_batch_waiting(void)
{
    double A = prefill(100), B1 = decode(1, 101), t1 = A + B1;
    double arr[2] = {0, A + B1 / 2};
    int32_t P[2] = {100, 100}, D[2] = {30, 2};
    gw_workload w = workload(2, arr, P, D);
    gw_sim_config c = base_config();
    c.scheduler = GW_SCHED_SARATHI;
    c.max_batched_tokens = 256;
    gw_sim_result now, held, off;
    CHECK_INT(run(&c, &w, &now), GW_OK);
    E.batch_wait_iters = 3, E.batch_wait_ratio = 1;
    CHECK_INT(run(&c, &w, &held), GW_OK);
    E.batch_wait_ratio = 0;
    CHECK_INT(run(&c, &w, &off), GW_OK);
    E.batch_wait_iters = 0;
    gw_perf_batch m = {.prefill_tokens = 100, .prefill_chunks = 1, .prefill_pairs = 5050,
                       .decode_seqs = 1, .decode_context = 102},
                  m5 = m;
    m5.decode_context = 105;
    if (now.per_request && held.per_request && off.per_request) {
        CHECK_NEAR(now.per_request[1].first_token, t1 + gw_perf_step(&E, &m, NULL), 1e-12);
        CHECK_NEAR(held.per_request[1].first_token,
                   t1 + decode(1, 102) + decode(1, 103) + decode(1, 104) +
                       gw_perf_step(&E, &m5, NULL),
                   1e-12);
        CHECK_NEAR(off.per_request[1].first_token, now.per_request[1].first_token, 0);
    }
    CHECK_INT(held.completed, 2);
    gw_sim_result_free(&now);
    gw_sim_result_free(&held);
    gw_sim_result_free(&off);
}

/* SGLang's request poll on the prefill-first path (docs/sim.md §3.1,
 * docs/serving.md §7.9.5): with an interval of 3, request 1, arriving
 * while request 0 decodes, is seen only at the poll after three decode
 * iterations (contexts 101..103), then prefills alone; polling every
 * iteration it prefills at the first boundary. */
static void test_recv_poll(void)
{
    double A = prefill(100), B1 = decode(1, 101);
    double arr[2] = {0, A + B1 / 2};
    int32_t P[2] = {100, 100}, D[2] = {30, 2};
    gw_workload w = workload(2, arr, P, D);
    gw_sim_config c = base_config();
    gw_sim_result every, polled;
    CHECK_INT(run(&c, &w, &every), GW_OK);
    E.recv_interval = 3;
    CHECK_INT(run(&c, &w, &polled), GW_OK);
    E.recv_interval = 0;
    if (every.per_request && polled.per_request) {
        CHECK_NEAR(every.per_request[1].first_token, A + B1 + prefill(100), 1e-12);
        CHECK_NEAR(polled.per_request[1].first_token,
                   A + B1 + decode(1, 102) + decode(1, 103) + prefill(100), 1e-12);
    }
    CHECK_INT(polled.completed, 2);
    gw_sim_result_free(&every);
    gw_sim_result_free(&polled);
}

/* Every request completes or is rejected, and the token rates account for
 * exactly the completed ones. 300 Poisson requests at 50/s on 2 replicas,
 * prompts 10..600, outputs 1..300; KV of 6400 tokens = 400 blocks with a
 * 1 % watermark = 4 blocks, so a request fits if ceil((P + D)/16) <= 396.
 * Request 10 is made 6000 + 400 = 6400 tokens = 400 blocks: rejected. */
static void test_conservation(gw_sched_kind sched)
{
    gw_error err;
    gw_workload w;
    gw_synthetic s = synth(300, GW_ARRIVAL_POISSON, 50, 11);
    CHECK_INT(gw_workload_synthetic(&s, &w, &err), GW_OK);
    w.prompt[10] = 6000, w.output[10] = 400;
    gw_sim_config c = base_config();
    c.scheduler = sched;
    c.replicas = 2;
    c.kv_tokens = 6400;
    c.watermark = 0.01;
    c.max_batched_tokens = sched == GW_SCHED_SARATHI ? 512 : 4096;
    c.timeline_s = 0.5;
    gw_sim_result r;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    CHECK_INT(r.requests, 300);
    CHECK_INT(r.rejected, 1);
    CHECK_INT(r.completed + r.rejected, 300);
    double out = 0, in = 0;
    long restarts = 0;
    for (size_t i = 0; i < w.n; i++)
        if (i != 10) {
            out += w.output[i];
            in += w.prompt[i];
        }
    CHECK_NEAR(r.output_tokens_per_s * r.makespan_s, out, 1e-12);
    CHECK_NEAR(r.input_tokens_per_s * r.makespan_s, in, 1e-12);
    if (r.per_request) {
        CHECK_INT(r.per_request[10].replica, -1);
        CHECK(isnan(r.per_request[10].completed));
        int unfinished = 0;
        for (size_t i = 0; i < w.n; i++) {
            unfinished += i != 10 && !(r.per_request[i].completed >= w.arrival[i]);
            restarts += r.per_request[i].restarts;
        }
        CHECK_INT(unfinished, 0);
        CHECK_INT(restarts, (long long)r.preemptions);
    }
    double done = 0;
    for (size_t k = 0; k < r.timeline.n; k++)
        done += r.timeline.done[k];
    CHECK_NEAR(done, (double)r.completed, 0);
    CHECK(r.kv_use_max <= 1);
    gw_sim_result_free(&r);
    gw_workload_free(&w);
}

/* The acceptance rule at its edges. 1600 tokens of KV = 100 blocks, a 10 %
 * watermark = 10 blocks: 1000 + 440 = 1440 tokens = 90 blocks fits and
 * completes; 1000 + 441 = 1441 needs 91 and is rejected. A context length
 * of 1000 rejects 900 + 101 and accepts 900 + 100. */
static void test_rejection_edges(void)
{
    double arr[2] = {0, 0};
    int32_t P[2] = {1000, 1000}, D[2] = {440, 441};
    gw_workload w = workload(2, arr, P, D);
    gw_sim_config c = base_config();
    c.kv_tokens = 1600;
    c.watermark = 0.1;
    gw_sim_result r;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    CHECK_INT(r.completed, 1);
    CHECK_INT(r.rejected, 1);
    if (r.per_request) {
        CHECK(r.per_request[0].completed > 0);
        CHECK_INT(r.per_request[1].replica, -1);
    }
    gw_sim_result_free(&r);
    P[0] = P[1] = 900, D[0] = 100, D[1] = 101;
    c = base_config();
    c.context_length = 1000;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    CHECK_INT(r.completed, 1);
    CHECK_INT(r.rejected, 1);
    gw_sim_result_free(&r);
}

/* A request that needs every block: P 1000 + D 600 = 1600 tokens in 100
 * blocks, no watermark. It prefills into ceil(1000/16) = 63 blocks, decodes
 * with proc 1001..1585 (585 iterations; the one at 1585 = 99 x 16 + 1
 * takes the 100th block while one is still free), and then, with no free
 * block, preempts itself (vidur-semantics §1.4): P' = 1586, D' = 14. Each
 * re-prefill of P' yields one token and leaves no free block, so it
 * restarts again with P' + 1, until the prefill of P' = 1599 produces the
 * 1600th token: restarts at P' = 1586..1599, 14 of them. Iterations 1 +
 * 585 + 14 = 600; TTFT keeps its first value, the first prefill. */
static void test_self_preemption(void)
{
    double arr[1] = {0};
    int32_t P[1] = {1000}, D[1] = {600};
    gw_workload w = workload(1, arr, P, D);
    gw_sim_config c = base_config();
    c.kv_tokens = 1600;
    gw_sim_result r;
    for (int sbs = 0; sbs <= 1; sbs++) {
        c.step_by_step = sbs;
        CHECK_INT(run(&c, &w, &r), GW_OK);
        CHECK_INT(r.completed, 1);
        CHECK_INT(r.preemptions, 14);
        CHECK_INT(r.iterations, 600);
        CHECK_NEAR(r.ttft.max, prefill(1000), 1e-12);
        CHECK_NEAR(r.kv_use_max, 1, 0);
        if (r.per_request)
            CHECK_INT(r.per_request[0].restarts, 14);
        gw_sim_result_free(&r);
    }
}

/* A prompt the vLLM padded budget can never hold: it must end rejected
 * (or served), never silently stuck in the queue. Case 1: P 5000 >
 * max_batched_tokens 4096 with ample KV. Case 2: preemption grows a prompt
 * past the budget: two requests of 3000 + 3000 share 8800 tokens = 550
 * blocks; both prefill (188 blocks each), both decode until the blocks run
 * out at about 275 each (proc ~4400), and the newer one restarts with
 * P' = ~4400 > 4096. */
static void test_conservation_long_prompts(void)
{
    double arr[2] = {0, 0};
    int32_t P[2] = {5000, 10}, D[2] = {10, 10};
    gw_workload w = workload(2, arr, P, D);
    gw_sim_config c = base_config();
    gw_sim_result r;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    CHECK_INT(r.completed + r.rejected, 2);
    gw_sim_result_free(&r);

    P[0] = P[1] = 3000, D[0] = D[1] = 3000;
    c.kv_tokens = 8800;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    CHECK(r.preemptions > 0);
    CHECK_INT(r.completed + r.rejected, 2);
    gw_sim_result_free(&r);
}

/* Preemption by recompute: 64 blocks (1024 tokens), no watermark, 12
 * requests of P 200 (13 blocks), D 300, all at 0. Four prefill at once
 * (52 blocks; a fifth would need 65), their decodes run the blocks out
 * (4 x ceil(499/16) = 128 > 64), so the newest are restarted; everything
 * still completes, and the restarts recorded per request add up to the
 * preemption count. Both schedulers. */
static void test_preemption(gw_sched_kind sched)
{
    enum { N = 12 };
    double arr[N];
    int32_t P[N], D[N];
    for (int i = 0; i < N; i++)
        arr[i] = 0, P[i] = 200, D[i] = 300;
    gw_workload w = workload(N, arr, P, D);
    gw_sim_config c = base_config();
    c.scheduler = sched;
    c.kv_tokens = 1024;
    c.max_batched_tokens = sched == GW_SCHED_SARATHI ? 256 : 4096;
    gw_sim_result r;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    CHECK(r.preemptions > 0);
    CHECK_INT(r.completed, N);
    CHECK_INT(r.rejected, 0);
    CHECK(r.kv_use_max <= 1);
    CHECK_NEAR(r.output_tokens_per_s * r.makespan_s, N * 300, 1e-12);
    if (r.per_request) {
        long restarts = 0;
        for (int i = 0; i < N; i++)
            restarts += r.per_request[i].restarts;
        CHECK_INT(restarts, (long long)r.preemptions);
        CHECK_INT(r.per_request[0].restarts, 0); /* the oldest is never the victim */
    }
    gw_sim_result_free(&r);
}

/* Routing. Request 0 is long (D 5000, about 5 s); 1, 2, 3 are short (D 2)
 * at 0.5 ms (during 0's prefill), 1 s and 2 s on 2 replicas. Round-robin:
 * i mod 2 = 0, 1, 0, 1. Least-outstanding: 0 -> replica 0 (tie, lowest
 * index); 1 -> 1 (0 has one request); 2 and 3 -> 1 again, since the short
 * ones are done long before the next arrives while replica 0 still holds
 * request 0. KV-aware: the same (replica 0 holds request 0's blocks,
 * replica 1 none). */
static void test_routing(void)
{
    double arr[4] = {0, 0.0005, 1, 2};
    int32_t P[4] = {100, 100, 100, 100}, D[4] = {5000, 2, 2, 2};
    gw_workload w = workload(4, arr, P, D);
    gw_sim_config c = base_config();
    c.replicas = 2;
    gw_sim_result r;
    const int rr[4] = {0, 1, 0, 1}, lo[4] = {0, 1, 1, 1};
    CHECK_INT(run(&c, &w, &r), GW_OK);
    for (int i = 0; i < 4 && r.per_request; i++)
        CHECK_INT(r.per_request[i].replica, rr[i]);
    gw_sim_result_free(&r);
    c.route = GW_ROUTE_LEAST_OUTSTANDING;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    for (int i = 0; i < 4 && r.per_request; i++)
        CHECK_INT(r.per_request[i].replica, lo[i]);
    gw_sim_result_free(&r);
    c.route = GW_ROUTE_KV_AWARE;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    for (int i = 0; i < 4 && r.per_request; i++)
        CHECK_INT(r.per_request[i].replica, lo[i]);
    gw_sim_result_free(&r);

    /* round-robin over 3 replicas: request i to i mod 3 */
    enum { N = 10 };
    double a[N];
    int32_t p[N], d[N];
    for (int i = 0; i < N; i++)
        a[i] = 0.01 * i, p[i] = 50, d[i] = 20;
    w = workload(N, a, p, d);
    c = base_config();
    c.replicas = 3;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    int bad = 0;
    for (int i = 0; i < N && r.per_request; i++)
        bad += r.per_request[i].replica != i % 3;
    CHECK_INT(bad, 0);
    gw_sim_result_free(&r);
}

/* Least-outstanding balances: 100 equal requests at once on 4 replicas go
 * 0, 1, 2, 3, 0, 1, ... (each arrival sees the others tied one ahead), 25
 * each. */
static void test_least_outstanding_balances(void)
{
    enum { N = 100 };
    double a[N];
    int32_t p[N], d[N];
    for (int i = 0; i < N; i++)
        a[i] = 0, p[i] = 20, d[i] = 10;
    gw_workload w = workload(N, a, p, d);
    gw_sim_config c = base_config();
    c.replicas = 4;
    c.route = GW_ROUTE_LEAST_OUTSTANDING;
    gw_sim_result r;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    int count[4] = {0};
    for (int i = 0; i < N && r.per_request; i++)
        if (r.per_request[i].replica >= 0 && r.per_request[i].replica < 4)
            count[r.per_request[i].replica]++;
    for (int k = 0; k < 4; k++)
        CHECK_INT(count[k], 25);
    CHECK_INT(r.completed, N);
    gw_sim_result_free(&r);
}

/* bitwise equality of doubles (NAN == NAN) */
static int beq(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static int same_stat(const gw_stat *a, const gw_stat *b)
{
    return beq(a->mean, b->mean) && beq(a->p50, b->p50) && beq(a->p90, b->p90) &&
           beq(a->p99, b->p99) && beq(a->max, b->max);
}

static int same_result(const gw_sim_result *a, const gw_sim_result *b, size_t n)
{
    int ok = a->requests == b->requests && a->completed == b->completed &&
             a->rejected == b->rejected && a->iterations == b->iterations &&
             a->events == b->events && a->preemptions == b->preemptions &&
             beq(a->makespan_s, b->makespan_s) && beq(a->requests_per_s, b->requests_per_s) &&
             beq(a->output_tokens_per_s, b->output_tokens_per_s) &&
             beq(a->input_tokens_per_s, b->input_tokens_per_s) && same_stat(&a->ttft, &b->ttft) &&
             same_stat(&a->tpot, &b->tpot) && same_stat(&a->tbt, &b->tbt) &&
             same_stat(&a->e2e, &b->e2e) && same_stat(&a->scheduling_delay, &b->scheduling_delay) &&
             same_stat(&a->batch_size, &b->batch_size) && beq(a->kv_use_mean, b->kv_use_mean) &&
             beq(a->kv_use_max, b->kv_use_max) && beq(a->energy_j, b->energy_j) &&
             beq(a->mean_power_w, b->mean_power_w) &&
             beq(a->joules_per_output_token, b->joules_per_output_token) &&
             beq(a->busy_fraction, b->busy_fraction) && a->timeline.n == b->timeline.n;
    size_t t = a->timeline.n;
    if (ok && t)
        ok = memcmp(a->timeline.batch, b->timeline.batch, t * sizeof(double)) == 0 &&
             memcmp(a->timeline.kv_use, b->timeline.kv_use, t * sizeof(double)) == 0 &&
             memcmp(a->timeline.power_w, b->timeline.power_w, t * sizeof(double)) == 0 &&
             memcmp(a->timeline.done, b->timeline.done, t * sizeof(double)) == 0;
    if (ok && a->per_request && b->per_request)
        for (size_t i = 0; i < n && ok; i++) {
            const gw_sim_request *x = &a->per_request[i], *y = &b->per_request[i];
            ok = x->replica == y->replica && x->restarts == y->restarts &&
                 beq(x->scheduled, y->scheduled) && beq(x->first_token, y->first_token) &&
                 beq(x->completed, y->completed);
        }
    return ok && (a->per_request != NULL) == (b->per_request != NULL);
}

/* §3.4: decode runs priced in closed form give the per-request times of
 * one event per iteration exactly (bitwise), the same iteration and
 * preemption counts and TBT sketch; sums over iterations (energy, busy
 * time, KV time, the TBT mean) may differ in summation order only. Bursty
 * arrivals on 2 replicas with tight KV, so runs end at arrivals, at
 * completions and before preemptions. */
static void test_closed_form_matches_step_by_step(gw_sched_kind sched, gw_route_kind route)
{
    gw_error err;
    gw_workload w;
    gw_synthetic s = synth(300, GW_ARRIVAL_GAMMA, 100, 21);
    s.cv = 2;
    CHECK_INT(gw_workload_synthetic(&s, &w, &err), GW_OK);
    gw_sim_config c = base_config();
    c.scheduler = sched;
    c.route = route;
    c.replicas = 2;
    c.kv_tokens = 4096;
    c.max_batched_tokens = sched == GW_SCHED_SARATHI ? 512 : 4096;
    gw_sim_result a, b;
    CHECK_INT(run(&c, &w, &a), GW_OK);
    c.step_by_step = 1;
    CHECK_INT(run(&c, &w, &b), GW_OK);
    CHECK(a.events <= b.events);
    CHECK_INT(a.iterations, b.iterations);
    CHECK_INT(a.preemptions, b.preemptions);
    CHECK_INT(a.completed, b.completed);
    CHECK(same_stat(&a.ttft, &b.ttft) && same_stat(&a.e2e, &b.e2e) &&
          same_stat(&a.tpot, &b.tpot) && same_stat(&a.scheduling_delay, &b.scheduling_delay));
    CHECK(beq(a.tbt.p50, b.tbt.p50) && beq(a.tbt.p99, b.tbt.p99) && beq(a.tbt.max, b.tbt.max));
    CHECK_NEAR(a.tbt.mean, b.tbt.mean, 1e-12);
    CHECK_NEAR(a.energy_j, b.energy_j, 1e-12);
    CHECK_NEAR(a.busy_fraction, b.busy_fraction, 1e-12);
    CHECK_NEAR(a.kv_use_mean, b.kv_use_mean, 1e-12);
    CHECK(beq(a.kv_use_max, b.kv_use_max));
    int differ = 0;
    for (size_t i = 0; i < w.n && a.per_request && b.per_request; i++) {
        const gw_sim_request *x = &a.per_request[i], *y = &b.per_request[i];
        differ += x->replica != y->replica || x->restarts != y->restarts ||
                  !beq(x->scheduled, y->scheduled) || !beq(x->first_token, y->first_token) ||
                  !beq(x->completed, y->completed);
    }
    CHECK_INT(differ, 0);
    gw_sim_result_free(&a);
    gw_sim_result_free(&b);
    gw_workload_free(&w);
}

/* The same configuration and workload twice: identical results, field by
 * field and per request, for both schedulers (bursty arrivals, 3 replicas,
 * least-outstanding, tight KV so preemptions happen too). */
static void test_determinism(gw_sched_kind sched)
{
    gw_error err;
    gw_workload w;
    gw_synthetic s = synth(400, GW_ARRIVAL_GAMMA, 200, 5);
    s.cv = 2;
    CHECK_INT(gw_workload_synthetic(&s, &w, &err), GW_OK);
    gw_sim_config c = base_config();
    c.scheduler = sched;
    c.replicas = 3;
    c.route = GW_ROUTE_LEAST_OUTSTANDING;
    c.kv_tokens = 4096;
    c.watermark = 0.01;
    c.max_batched_tokens = sched == GW_SCHED_SARATHI ? 512 : 4096;
    c.timeline_s = 0.25;
    gw_sim_result r1, r2;
    CHECK_INT(run(&c, &w, &r1), GW_OK);
    CHECK_INT(run(&c, &w, &r2), GW_OK);
    CHECK(r1.completed > 0);
    CHECK(r1.timeline.n > 0);
    CHECK(same_result(&r1, &r2, w.n));
    gw_sim_result_free(&r1);
    gw_sim_result_free(&r2);
    gw_workload_free(&w);
}

/* Type 7: position q(n-1), linear between neighbours. On {1, 2, 4, 8, 16}:
 * q 0.5 -> position 2 -> 4; q 0.9 -> 3.6 -> 8 + 0.6 x 8 = 12.8;
 * q 0.99 -> 3.96 -> 8 + 0.96 x 8 = 15.68; q 0.1 -> 0.4 -> 1.4;
 * q 0.25 -> 1 -> 2; q 0 -> 1; q 1 -> 16. One value: itself; none: NAN. */
static void test_quantile(void)
{
    const double v[5] = {1, 2, 4, 8, 16};
    CHECK_NEAR(gw_stats_quantile_sorted(v, 5, 0.5), 4, 0);
    CHECK_NEAR(gw_stats_quantile_sorted(v, 5, 0.9), 12.8, 1e-15);
    CHECK_NEAR(gw_stats_quantile_sorted(v, 5, 0.99), 15.68, 1e-15);
    CHECK_NEAR(gw_stats_quantile_sorted(v, 5, 0.1), 1.4, 1e-15);
    CHECK_NEAR(gw_stats_quantile_sorted(v, 5, 0.25), 2, 0);
    CHECK_NEAR(gw_stats_quantile_sorted(v, 5, 0), 1, 0);
    CHECK_NEAR(gw_stats_quantile_sorted(v, 5, 1), 16, 0);
    /* two values: q 0.3 -> 10 + 0.3 x 10 = 13 */
    const double two[2] = {10, 20};
    CHECK_NEAR(gw_stats_quantile_sorted(two, 2, 0.3), 13, 1e-15);
    CHECK_NEAR(gw_stats_quantile_sorted(v + 2, 1, 0.7), 4, 0);
    CHECK(isnan(gw_stats_quantile_sorted(v, 0, 0.5)));
}

static void expect_sim_error(const gw_sim_config *c, const gw_workload *w, const char *msg)
{
    gw_sim_result r;
    gw_error err;
    memset(&err, 0, sizeof err);
    CHECK_INT(gw_sim_run(c, w, &r, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, msg);
    CHECK(r.per_request == NULL && r.completed == 0); /* left zeroed */
}

static void test_sim_errors(void)
{
    double arr[1] = {0};
    int32_t P[1] = {10}, D[1] = {10};
    gw_workload w = workload(1, arr, P, D);
    gw_sim_config c = base_config();
    c.replicas = 0;
    expect_sim_error(&c, &w, "simulation with 0 replicas");
    c = base_config();
    c.max_running = 0;
    expect_sim_error(&c, &w, "max_running 0");
    c = base_config();
    c.max_batched_tokens = 0;
    expect_sim_error(&c, &w, "max_batched_tokens 0");
    c = base_config();
    c.block_size = 0;
    expect_sim_error(&c, &w, "block_size 0");
    c = base_config();
    c.watermark = 1;
    expect_sim_error(&c, &w, "watermark 1;");
    c.watermark = -0.1;
    expect_sim_error(&c, &w, "a watermark in [0, 1)");
    c.watermark = NAN;
    expect_sim_error(&c, &w, "a watermark in [0, 1)");
    c = base_config();
    c.kv_tokens = 15; /* less than one block of 16 */
    expect_sim_error(&c, &w, "less than one block of 16");
    c = base_config();
    gw_workload empty = workload(0, arr, P, D);
    expect_sim_error(&c, &empty, "0 requests");
}

/* ---- issue 13: closed loop, speculative decoding, disaggregation ------------------ */

/* A closed loop over base_config(): C in flight, fixed lengths unless
 * length_low says otherwise. */
static gw_sim_config closed_config(int concurrency, double in, double out, size_t requests)
{
    gw_sim_config c = base_config();
    c.closed = (gw_sim_closed_loop){.concurrency = concurrency, .input_tokens = in,
                                    .output_tokens = out, .requests = requests};
    c.seed = 1;
    return c;
}

/* §2.3 C = 1, fixed lengths P = 100, O = 5: each request is issued the
 * instant the previous completes and runs alone, so its E2E is exactly
 * prefill(100) + the 4 decodes at contexts 101..104, its TTFT the prefill,
 * its TPOT (E2E - TTFT) / 4, and Little's law holds with one in flight. */
static void test_closed_loop_one(void)
{
    gw_sim_config c = closed_config(1, 100, 5, 4);
    gw_sim_result r;
    CHECK_INT(run(&c, NULL, &r), GW_OK);
    double A = prefill(100), e2e = A;
    for (int k = 0; k < 4; k++)
        e2e += decode(1, 101 + k);
    CHECK_INT(r.requests, 4);
    CHECK_INT(r.completed, 4);
    CHECK_INT(r.measured, 4);
    CHECK_INT(r.iterations, 4 * 5);
    CHECK_INT(r.issued.n, 4);
    for (size_t i = 0; i < r.issued.n && r.per_request; i++) {
        CHECK_INT(r.issued.prompt[i], 100);
        CHECK_INT(r.issued.output[i], 5);
        double prev_done = i ? r.per_request[i - 1].completed : 0;
        CHECK(beq(r.issued.arrival[i], prev_done)); /* issued at the completion itself */
        CHECK_NEAR(r.per_request[i].completed - r.issued.arrival[i], e2e, 1e-12);
        CHECK_NEAR(r.per_request[i].first_token - r.issued.arrival[i], A, 1e-12);
    }
    CHECK_NEAR(r.ttft.mean, A, 1e-12);
    CHECK_NEAR(r.e2e.max, e2e, 1e-12);
    CHECK_NEAR(r.tpot.mean, (e2e - A) / 4, 1e-12);
    CHECK_NEAR(r.makespan_s, 4 * e2e, 1e-12);
    CHECK_NEAR(r.requests_per_s * r.e2e.mean, 1, 1e-12);
    CHECK_NEAR(r.concurrency_mean, 1, 1e-12);
    /* per GPU: one replica of tp 1 */
    CHECK_NEAR(r.gpus, 1, 0);
    CHECK_NEAR(r.tps_gpu_out, 20 / (4 * e2e), 1e-12);
    CHECK_NEAR(r.tps_gpu_io, 420 / (4 * e2e), 1e-12);
    CHECK_NEAR(r.tps_decode_gpu_out, r.tps_gpu_out, 0);
    CHECK_NEAR(r.tokens_per_decode_step, 1, 0);
    gw_sim_result_free(&r);
}

/* §2.3 C = 8 over 2 replicas, lengths drawn in [0.8, 1] x nominal, 40 of
 * 400 requests of warm-up. Little's law on the measured requests: the sum
 * of their E2E is the integral of how many are in flight, at most C over
 * the makespan, and C except while warm-up requests finish at the start
 * and the last ones drain at the end (each shorter than the longest E2E). */
static void test_closed_loop_little(void)
{
    gw_sim_config c = closed_config(8, 300, 60, 400);
    c.replicas = 2;
    c.closed.length_low = 0.8;
    c.closed.warmup = 40;
    gw_sim_result r, r2;
    CHECK_INT(run(&c, NULL, &r), GW_OK);
    CHECK_INT(r.completed, 400);
    CHECK_INT(r.measured, 360);
    int varied = 0;
    double longest = 0, in = 0, out = 0;
    for (size_t i = 0; i < r.issued.n && r.per_request; i++) {
        CHECK(r.issued.prompt[i] >= 240 && r.issued.prompt[i] <= 300);
        CHECK(r.issued.output[i] >= 48 && r.issued.output[i] <= 60);
        varied += r.issued.prompt[i] != 300;
        longest = fmax(longest, r.per_request[i].completed - r.issued.arrival[i]);
        if (i >= 40)
            in += r.issued.prompt[i], out += r.issued.output[i];
    }
    CHECK(varied > 300);
    double sum_e2e = r.e2e.mean * 360;
    CHECK(sum_e2e <= 8 * r.makespan_s * (1 + 1e-12));
    CHECK(sum_e2e >= 8 * (r.makespan_s - 2 * longest));
    CHECK_NEAR(r.concurrency_mean, sum_e2e / r.makespan_s, 1e-12);
    CHECK(r.concurrency_mean > 7 && r.concurrency_mean <= 8);
    CHECK_NEAR(r.requests_per_s, 360 / r.makespan_s, 1e-12);
    CHECK_NEAR(r.tps_gpu_out, out / r.makespan_s / 2, 1e-12);
    CHECK_NEAR(r.tps_gpu_io, (in + out) / r.makespan_s / 2, 1e-12);
    /* deterministic with the seed; another seed, other lengths */
    CHECK_INT(run(&c, NULL, &r2), GW_OK);
    CHECK(same_result(&r, &r2, 400));
    gw_sim_result_free(&r2);
    c.seed = 2;
    CHECK_INT(run(&c, NULL, &r2), GW_OK);
    CHECK(!beq(r.e2e.mean, r2.e2e.mean));
    gw_sim_result_free(&r2);
    /* closed-form decode runs agree with one event per iteration (§3.4:
     * a run ends at the next pending event, where a completion may issue) */
    c.seed = 1;
    c.step_by_step = 1;
    CHECK_INT(run(&c, NULL, &r2), GW_OK);
    CHECK_INT(r2.iterations, r.iterations);
    CHECK(same_stat(&r.ttft, &r2.ttft) && same_stat(&r.e2e, &r2.e2e));
    gw_sim_result_free(&r2);
    gw_sim_result_free(&r);
}

/* §2.3 a duration and no count: requests issued until 1 s, none after,
 * all of them finished (past the first allocation: the arrays grow). */
static void test_closed_loop_duration(void)
{
    gw_sim_config c = closed_config(8, 10, 2, 0);
    c.closed.duration_s = 1;
    gw_sim_result r;
    CHECK_INT(run(&c, NULL, &r), GW_OK);
    CHECK(r.requests > 2 * 8 + 1024);
    CHECK_INT(r.completed, r.requests);
    double last = 0;
    for (size_t i = 0; i < r.issued.n; i++)
        last = fmax(last, r.issued.arrival[i]);
    CHECK(last < 1);
    CHECK(r.makespan_s >= 1);
    gw_sim_result_free(&r);
}

/* E with k drafts accepted with the given probabilities */
static gw_perf_engine spec_engine(int k, const double *accept)
{
    gw_perf_engine e = E;
    e.spec_tokens = k;
    double keep = 1;
    e.spec_accept_length = 1;
    for (int j = 0; j < k; j++) {
        e.spec_accept[j] = accept[j];
        keep *= accept[j];
        e.spec_accept_length += keep;
    }
    return e;
}

/* §3.7 every draft accepted: 4 tokens per step, so O = 9 takes the
 * prefill's token and two verify steps (contexts 101 and 105) priced with
 * 3 draft tokens each; none accepted: 1 token per step, still priced with
 * the drafts. */
static void test_spec_exact(void)
{
    const double all[3] = {1, 1, 1}, none[3] = {0, 0, 0};
    gw_perf_engine e = spec_engine(3, all);
    gw_sim_config c = closed_config(1, 100, 9, 1);
    c.engine = &e;
    gw_sim_result r;
    CHECK_INT(run(&c, NULL, &r), GW_OK);
    gw_perf_batch b1 = {.decode_seqs = 1, .decode_context = 101, .decode_draft_tokens = 3};
    gw_perf_batch b2 = {.decode_seqs = 1, .decode_context = 105, .decode_draft_tokens = 3};
    double e2e = prefill(100) + gw_perf_step(&e, &b1, NULL) + gw_perf_step(&e, &b2, NULL);
    CHECK_INT(r.iterations, 3);
    CHECK_NEAR(r.e2e.mean, e2e, 1e-12);
    CHECK_NEAR(r.tokens_per_decode_step, 4, 0);
    gw_sim_result_free(&r);
    e = spec_engine(3, none);
    c.engine = &e;
    CHECK_INT(run(&c, NULL, &r), GW_OK);
    CHECK_INT(r.iterations, 9);
    CHECK_NEAR(r.tokens_per_decode_step, 1, 0);
    e2e = prefill(100);
    for (int k = 0; k < 8; k++) {
        gw_perf_batch b = {.decode_seqs = 1, .decode_context = 101 + k, .decode_draft_tokens = 3};
        e2e += gw_perf_step(&e, &b, NULL);
    }
    CHECK_NEAR(r.e2e.mean, e2e, 1e-12);
    gw_sim_result_free(&r);
}

/* §3.7 acceptance 0.8, 0.7, 0.6: a step yields 1 + 0.8 + 0.56 + 0.336 =
 * 2.696 tokens on average; ~47,000 sequence-steps (standard error ~0.2%)
 * converge to it, and the outputs come out whole. */
static void test_spec_converges(void)
{
    const double acc[3] = {0.8, 0.7, 0.6};
    gw_perf_engine e = spec_engine(3, acc);
    CHECK_NEAR(e.spec_accept_length, 2.696, 1e-12);
    gw_sim_config c = closed_config(16, 50, 2000, 64);
    c.engine = &e;
    c.kv_tokens = 200000;
    gw_sim_result r;
    CHECK_INT(run(&c, NULL, &r), GW_OK);
    CHECK_INT(r.completed, 64);
    CHECK_INT(r.preemptions, 0);
    CHECK_NEAR(r.tokens_per_decode_step, e.spec_accept_length, 0.015);
    CHECK(r.iterations < 4 * 2000 / 2.5 + 100); /* ~2.7x fewer steps than 1 token each */
    gw_sim_result_free(&r);
}

/* A disaggregated config: base_config() as the prefill pool, `decode`
 * replicas of E as the decode pool, 1000 B of KV per token over 1 GB/s
 * with a 10 ms hand-over. */
static gw_sim_config disagg_config(int prefill, int decode)
{
    gw_sim_config c = base_config();
    c.replicas = prefill;
    c.disagg = (gw_sim_disagg){.on = 1, .kv_bytes_per_token = 1000, .kv_link_bps = 1e9,
                               .kv_handover_s = 0.01,
                               .decode = {.engine = &E, .replicas = decode, .max_running = 128,
                                          .max_batched_tokens = 4096, .kv_tokens = 16000,
                                          .idle_w = 100, .busy_w = 1100}};
    return c;
}

/* §3.6 one request (P 100, O 5): prefill A on the prefill replica, the KV
 * moves in 100 x 1000 B / 1 GB/s + 10 ms = 10.1 ms, the decode replica
 * decodes tokens 2..5 at contexts 101..104; TTFT is the first decode's end
 * (the first token out of the decode worker). */
static void test_disagg_one(void)
{
    double arr[1] = {0.5};
    int32_t P[1] = {100}, D[1] = {5};
    gw_workload w = workload(1, arr, P, D);
    gw_sim_config c = disagg_config(1, 1);
    gw_sim_result r;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    double A = prefill(100), x = 100 * 1000 / 1e9 + 0.01;
    double ttft = A + x + decode(1, 101), e2e = A + x;
    for (int k = 0; k < 4; k++)
        e2e += decode(1, 101 + k);
    CHECK_INT(r.completed, 1);
    CHECK_INT(r.iterations, 5);
    CHECK_NEAR(r.kv_transfer_s, x, 1e-15);
    CHECK_NEAR(r.ttft.mean, ttft, 1e-12);
    CHECK_NEAR(r.e2e.mean, e2e, 1e-12);
    CHECK_INT(r.per_request ? r.per_request[0].replica : -1, 1); /* the decode replica */
    CHECK_NEAR(r.gpus, 2, 0);
    CHECK_NEAR(r.decode_gpus, 1, 0);
    CHECK_NEAR(r.tps_decode_gpu_out, 2 * r.tps_gpu_out, 1e-15);
    gw_sim_result_free(&r);
    /* O = 1: done at the prefill, no transfer */
    D[0] = 1;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    CHECK_NEAR(r.ttft.mean, A, 1e-12);
    CHECK_NEAR(r.kv_transfer_s, 0, 0);
    gw_sim_result_free(&r);
}

/* §3.6 300 bursty requests through 2 prefill and 3 decode replicas whose
 * KV holds only a few requests each: every request completes with all its
 * tokens, decode replicas admit only what fits (KV use <= 1), all three
 * are used (least outstanding), and the closed-form decode runs agree
 * with one event per iteration. */
static void test_disagg_many(void)
{
    gw_error err;
    gw_workload w;
    gw_synthetic s = synth(300, GW_ARRIVAL_GAMMA, 100, 21);
    s.cv = 2;
    CHECK_INT(gw_workload_synthetic(&s, &w, &err), GW_OK);
    gw_sim_config c = disagg_config(2, 3);
    c.disagg.decode.kv_tokens = 4096;
    gw_sim_result a, b;
    CHECK_INT(run(&c, &w, &a), GW_OK);
    CHECK_INT(a.completed + a.rejected, 300);
    CHECK(a.kv_use_max <= 1);
    int used[5] = {0};
    for (size_t i = 0; i < w.n && a.per_request; i++)
        if (a.per_request[i].replica >= 0 && w.output[i] > 1)
            used[a.per_request[i].replica]++;
    CHECK(used[0] == 0 && used[1] == 0 && used[2] > 0 && used[3] > 0 && used[4] > 0);
    c.step_by_step = 1;
    CHECK_INT(run(&c, &w, &b), GW_OK);
    CHECK_INT(a.iterations, b.iterations);
    CHECK(same_stat(&a.ttft, &b.ttft) && same_stat(&a.e2e, &b.e2e));
    gw_sim_result_free(&a);
    gw_sim_result_free(&b);
    gw_workload_free(&w);
}

static void test_issue13_errors(void)
{
    gw_sim_config c = closed_config(4, 100, 10, 0);
    expect_sim_error(&c, NULL, "requests or a duration");
    c = closed_config(4, 100, 10, 10);
    c.closed.warmup = 10;
    expect_sim_error(&c, NULL, "fewer warm-up requests");
    c = closed_config(4, 15000, 2000, 10); /* 17000 tokens > 1000 blocks of 16 */
    expect_sim_error(&c, NULL, "never fits a replica");
    c = disagg_config(1, 1);
    c.disagg.kv_link_bps = 0;
    double arr[1] = {0};
    int32_t P[1] = {10}, D[1] = {10};
    gw_workload w = workload(1, arr, P, D);
    expect_sim_error(&c, &w, "expected a positive bandwidth");
    c = disagg_config(1, 0);
    expect_sim_error(&c, &w, "decode pool with 0 replicas");
    c = disagg_config(1, 1);
    c.closed = (gw_sim_closed_loop){.concurrency = 1, .input_tokens = 100, .output_tokens = 10,
                                    .requests = 1};
    c.disagg.decode.kv_tokens = 64; /* 4 blocks: not one request's KV */
    expect_sim_error(&c, NULL, "on a decode replica");
}

/* §3.2 Sarathi's budget caps the decodes. A decode pool admits handed-over
 * requests up to max_running (128), not up to the budget, so 8 clients on a
 * decode budget of 4 tokens (or of 16 with 3 drafts a sequence) would all
 * decode at once; at most 4 do, the others hold their KV and wait. The
 * prefill pool's 20-token budget runs one prompt an iteration, so no
 * iteration of either pool holds more than 4 sequences. The closed form
 * still equals stepping. With a decode budget of 64 the 8 decode together.
 * A budget below 1 + k decodes none: refused. */
static void test_sarathi_decode_budget(void)
{
    const double acc[3] = {0.8, 0.7, 0.6};
    gw_perf_engine spec = spec_engine(3, acc);
    gw_sim_config c = disagg_config(1, 1);
    c.closed = closed_config(8, 20, 30, 64).closed;
    c.seed = 1;
    c.scheduler = GW_SCHED_SARATHI;
    c.max_batched_tokens = 20;
    for (int k = 0; k < 2; k++) {
        c.step_by_step = 0;
        c.disagg.decode.max_batched_tokens = k ? 16 : 4;
        c.disagg.decode.engine = k ? &spec : &E;
        gw_sim_result a, b;
        CHECK_INT(run(&c, NULL, &a), GW_OK);
        CHECK_INT(a.completed, 64);
        CHECK_NEAR(a.batch_size.max, 4, 0);
        c.step_by_step = 1;
        CHECK_INT(run(&c, NULL, &b), GW_OK);
        CHECK_INT(a.iterations, b.iterations);
        CHECK(same_stat(&a.ttft, &b.ttft) && same_stat(&a.e2e, &b.e2e));
        gw_sim_result_free(&a), gw_sim_result_free(&b);
    }
    c.step_by_step = 0;
    c.disagg.decode.max_batched_tokens = 64;
    c.disagg.decode.engine = &E;
    gw_sim_result r;
    CHECK_INT(run(&c, NULL, &r), GW_OK);
    CHECK_NEAR(r.batch_size.max, 8, 0);
    gw_sim_result_free(&r);
    c.disagg.decode.engine = &spec;
    c.disagg.decode.max_batched_tokens = 3;
    expect_sim_error(&c, NULL, "decode pool: max_batched_tokens 3 cannot hold one decoding "
                               "sequence with 3 draft tokens");
}

/* ---- §3.8 attention-DP ranks ---------------------------------------------------- */

/* tiny_moe on the round accelerator: TP1, its 8 experts over the 2
 * attention-DP ranks of one worker (EP2), BF16; balancing held `balance`
 * iterations at most (0: off), the eager step `eager` s (0: none). */
static gw_perf_engine dep2_engine(double balance, double eager)
{
    gw_llm m = tiny_moe();
    gw_accelerator a = round_accel(100e9);
    gw_efficiency f = half_eff();
    gw_perf_config c = {.model = &m, .accel = &a, .eff = &f, .tp = 1, .pp = 1, .ep = 2,
                        .attention_dp = 2, .weights = GW_PREC_BF16, .kv = GW_PREC_BF16};
    gw_perf_engine e;
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    e.adp_balance_iters = balance, e.eager_step_s = eager;
    return e;
}

/* One rank's batch b on engine e (without its eager time), the experts
 * taking the group's `group` tokens. */
static double rank_step(const gw_perf_engine *e, gw_perf_batch b, double group)
{
    gw_perf_engine graphless = *e;
    graphless.eager_step_s = 0;
    b.dp_tokens = group;
    return gw_perf_step(&graphless, &b, NULL);
}

/* The 2 replicas of a DEP2 worker under Sarathi with a 4096 budget. */
static gw_sim_config dep2_config(const gw_perf_engine *e)
{
    gw_sim_config c = base_config();
    c.engine = e;
    c.replicas = 2;
    c.scheduler = GW_SCHED_SARATHI;
    return c;
}

/* §3.8 the ranks step together. Request 0 (rank 0) prefills alone while
 * rank 1 idles; request 1 arrives meanwhile at rank 1 (round-robin), so
 * the next step holds rank 0's first decode and rank 1's prompt: both
 * priced with the group's 101 tokens on the experts, the step as long as
 * the slower rank's, plus one eager time (a prompt beside a decode). Rank
 * 0's token waits out rank 1's prefill: its first gap is that step. */
static void test_attention_dp_lockstep(void)
{
    gw_perf_engine e = dep2_engine(0, 2e-3);
    gw_perf_batch p100 = {.prefill_tokens = 100, .prefill_chunks = 1, .prefill_pairs = 5050};
    gw_perf_batch d1 = {.decode_seqs = 1, .decode_context = 101};
    double A = rank_step(&e, p100, 100);
    double step2 = fmax(rank_step(&e, d1, 101), rank_step(&e, p100, 101)) + 2e-3;
    double arr[2] = {0, A / 2};
    int32_t P[2] = {100, 100}, D[2] = {3, 2};
    gw_workload w = workload(2, arr, P, D);
    gw_sim_config c = dep2_config(&e);
    gw_sim_result r;
    CHECK_INT(run(&c, &w, &r), GW_OK);
    CHECK_INT(r.completed, 2);
    if (r.per_request) {
        CHECK_INT(r.per_request[1].replica, 1);
        CHECK_NEAR(r.per_request[0].first_token, A, 1e-12);
        CHECK_NEAR(r.per_request[1].first_token, A + step2, 1e-12);
    }
    /* without the group (the ranks stepping alone) rank 0 would decode in
     * rank_step(d1) alone, far shorter than the prefill it waited for */
    CHECK(step2 > 2 * rank_step(&e, d1, 2));
    gw_sim_result_free(&r);
}

/* §3.8 TensorRT-LLM's balancing, T = 3: requests 0 and 1 prefill together
 * at 0 (not every rank decodes yet: no hold), then the counter runs from
 * that release: iterations 2 and 3 hold, 4 releases. Request 2 arrives at
 * rank 0 during iteration 2 and waits to iteration 4 (balancing off: 3);
 * requests 3 and 4 arrive together, one a rank, during iteration 5 and
 * are admitted at once in iteration 6, every rank having one. */
static void test_attention_dp_balance(void)
{
    gw_perf_engine on = dep2_engine(3, 0), off = dep2_engine(0, 0);
    gw_perf_batch p100 = {.prefill_tokens = 100, .prefill_chunks = 1, .prefill_pairs = 5050};
    double t1 = rank_step(&on, p100, 200);
    /* decode steps of both ranks at contexts c0 (rank 0) and c1 */
    gw_perf_batch d101 = {.decode_seqs = 1, .decode_context = 101},
                  d102 = {.decode_seqs = 1, .decode_context = 102};
    double t2 = t1 + rank_step(&on, d101, 2), t3 = t2 + rank_step(&on, d102, 2);
    double arr[5] = {0, 0, t1 + 1e-6, 0, 0};
    int32_t P[5] = {100, 100, 100, 100, 100}, D[5] = {20, 20, 2, 2, 2};
    /* iteration 4: rank 0 decodes at 103 beside request 2's prompt */
    gw_perf_batch mix = p100;
    mix.decode_seqs = 1, mix.decode_context = 103;
    gw_perf_batch d103 = {.decode_seqs = 1, .decode_context = 103};
    double t4 = t3 + fmax(rank_step(&on, mix, 102), rank_step(&on, d103, 102));
    arr[3] = arr[4] = t4 + 1e-6;
    gw_workload w = workload(5, arr, P, D);
    gw_sim_config c = dep2_config(&on);
    gw_sim_result held, free_run;
    CHECK_INT(run(&c, &w, &held), GW_OK);
    c.engine = &off;
    CHECK_INT(run(&c, &w, &free_run), GW_OK);
    CHECK_INT(held.completed, 5);
    if (held.per_request && free_run.per_request) {
        CHECK_INT(held.per_request[2].replica, 0);
        CHECK_NEAR(held.per_request[2].first_token, t4, 1e-12);
        CHECK(free_run.per_request[2].first_token < t4 - 1e-9); /* admitted at iteration 3 */
        CHECK_INT(held.per_request[3].replica, 1);
        CHECK_INT(held.per_request[4].replica, 0);
        /* iteration 5 runs (nothing to admit), 6 admits both */
        CHECK(held.per_request[3].scheduled > t4 && held.per_request[4].scheduled > t4);
        CHECK_NEAR(held.per_request[3].scheduled, held.per_request[4].scheduled, 0);
    }
    gw_sim_result_free(&held);
    gw_sim_result_free(&free_run);
}

int main(void)
{
    E = make_engine();
    test_csv_happy_path();
    test_csv_prompt_cut();
    test_csv_limit();
    test_csv_blank_lines();
    test_csv_errors();
    test_synthetic_determinism();
    test_synthetic_poisson();
    test_synthetic_gamma();
    test_synthetic_diurnal();
    test_synthetic_errors();
    test_one_request_vllm();
    test_kv_blocks();
    test_two_requests_one_batch();
    test_two_requests_two_batches();
    test_prefill_first_stall();
    test_sarathi();
    test_batch_waiting();
    test_recv_poll();
    test_conservation(GW_SCHED_VLLM);
    test_conservation(GW_SCHED_SARATHI);
    test_rejection_edges();
    test_self_preemption();
    test_conservation_long_prompts();
    test_preemption(GW_SCHED_VLLM);
    test_preemption(GW_SCHED_SARATHI);
    test_routing();
    test_least_outstanding_balances();
    test_closed_form_matches_step_by_step(GW_SCHED_VLLM, GW_ROUTE_ROUND_ROBIN);
    test_closed_form_matches_step_by_step(GW_SCHED_SARATHI, GW_ROUTE_LEAST_OUTSTANDING);
    test_determinism(GW_SCHED_VLLM);
    test_determinism(GW_SCHED_SARATHI);
    test_sarathi_decode_budget();
    test_quantile();
    test_sim_errors();
    test_closed_loop_one();
    test_closed_loop_little();
    test_closed_loop_duration();
    test_spec_exact();
    test_spec_converges();
    test_disagg_one();
    test_disagg_many();
    test_issue13_errors();
    test_attention_dp_lockstep();
    test_attention_dp_balance();
    return gw_test_done("test_sim");
}
