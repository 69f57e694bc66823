/* tests/unit/test_risk.c — the risk engine: the normal CDF and its inverse,
 * each distribution's parsing (with units) and quantiles, bad parameters,
 * the copula's correlations, determinism across threads and splits, the
 * aggregates against hand-computed order statistics, and the SQLite store
 * (round trip, foreign and damaged files left untouched). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gigawatt/config.h"
#include "gigawatt/des.h"
#include "gigawatt/risk.h"
#include "gw_test.h"

static gw_node *load(gw_config *cfg, const char *text)
{
    gw_node *root = NULL;
    gw_error err = {0};
    if (gw_config_load_buffer(cfg, "t.yaml", text, strlen(text), 0, &root, &err)) {
        fprintf(stderr, "load: %s\n", err.msg);
        return NULL;
    }
    return root;
}

/* Parse `x: <text>` as dimension `dim`; returns the status, fills u and err. */
static int parse(const char *text, gw_dim_id dim, unsigned flags, gw_uncertain *u, gw_error *err)
{
    gw_config cfg;
    gw_config_init(&cfg);
    char doc[512];
    snprintf(doc, sizeof doc, "x: %s\n", text);
    gw_node *root = load(&cfg, doc);
    int rc = root ? gw_uncertain_parse(gw_node_get(root, "x"), "x", dim, flags, u, err)
                  : GW_E_INPUT;
    u->node = NULL; /* the tree goes with cfg */
    gw_config_free(&cfg);
    return rc;
}

static void test_normal(void)
{
    CHECK_NEAR(gw_normal_cdf(0), 0.5, 1e-15);
    CHECK_NEAR(gw_normal_cdf(1.959963984540054), 0.975, 1e-12);
    CHECK_NEAR(gw_normal_cdf(-3), 0.0013498980316300946, 1e-12);
    CHECK_NEAR(gw_normal_quantile(0.9), 1.2815515655446004, 1e-13);
    CHECK_NEAR(gw_normal_quantile(0.025), -1.959963984540054, 1e-13);
    CHECK_NEAR(gw_normal_quantile(1e-10), -6.361340902404056, 1e-10);
    /* inverse of each other across the range, tails included */
    for (double p = 1e-8; p < 1; p = p < 0.01 ? p * 10 : p + 0.05)
        CHECK_NEAR(gw_normal_cdf(gw_normal_quantile(p)), p, 1e-12);
    CHECK(isinf(gw_normal_quantile(0)) && gw_normal_quantile(0) < 0);
}

static void test_parse_kinds(void)
{
    gw_uncertain u;
    gw_error err = {0};
    /* lognormal with units: median and P90 come back exactly */
    CHECK_INT(parse("{dist: lognormal, p50: 12 months, p90: 20 months, name: build}", GW_DIM_TIME,
                    GW_F_POSITIVE, &u, &err),
              GW_OK);
    CHECK_INT(u.kind, GW_UDIST_LOGNORMAL);
    CHECK(strcmp(u.name, "build") == 0);
    CHECK_NEAR(gw_uncertain_median(&u), GW_SECONDS_PER_YEAR, 1e-12);
    CHECK_NEAR(gw_uncertain_quantile(&u, 0.9), 20.0 / 12 * GW_SECONDS_PER_YEAR, 1e-12);
    CHECK_NEAR(gw_uncertain_from_normal(&u, 1.2815515655446004), 20.0 / 12 * GW_SECONDS_PER_YEAR,
               1e-12);
    /* power in GW */
    CHECK_INT(parse("{dist: normal, mean: 30 GW, sd: 3 GW}", GW_DIM_POWER, GW_F_NONNEG, &u, &err),
              GW_OK);
    CHECK_NEAR(gw_uncertain_median(&u), 30e9, 1e-12);
    CHECK_NEAR(gw_uncertain_quantile(&u, 0.9), 30e9 + 3e9 * 1.2815515655446004, 1e-12);
    /* a normal may be clamped into the field's range: never below 0 here */
    CHECK_NEAR(gw_uncertain_from_normal(&u, -20), 0, 0);
    CHECK_INT(parse("{dist: normal, p50: 10, p90: 12}", GW_DIM_NONE, 0, &u, &err), GW_OK);
    CHECK_NEAR(u.b, 2 / 1.2815515655446004, 1e-12);
    /* triangular: median from the CDF, mode at the peak */
    CHECK_INT(parse("{dist: triangular, min: 0, mode: 0, max: 1}", GW_DIM_NONE, 0, &u, &err),
              GW_OK);
    CHECK_NEAR(gw_uncertain_median(&u), 1 - sqrt(0.5), 1e-12);
    CHECK_INT(parse("{dist: triangular, min: 1, mode: 2, max: 4}", GW_DIM_NONE, 0, &u, &err),
              GW_OK);
    CHECK_NEAR(gw_uncertain_quantile(&u, 1.0 / 3), 2, 1e-12); /* F(mode) = (2-1)/(4-1) */
    CHECK_INT(parse("{dist: uniform, min: 2 USD, max: 4 USD}", GW_DIM_USD, 0, &u, &err), GW_OK);
    CHECK_NEAR(gw_uncertain_quantile(&u, 0.25), 2.5, 1e-12);
    /* low/high: the spelling whose midpoint the timeline's resolver reads */
    CHECK_INT(parse("{dist: uniform, low: 2 USD, high: 4 USD}", GW_DIM_USD, 0, &u, &err), GW_OK);
    CHECK_NEAR(gw_uncertain_median(&u), 3, 1e-12);
    /* choice: sorted by value, weights as probabilities */
    CHECK_INT(parse("{dist: choice, values: [5, 2, 3], weights: [1, 1, 2]}", GW_DIM_NONE, 0, &u,
                    &err),
              GW_OK);
    CHECK_NEAR(u.values[0], 2, 0);
    CHECK_NEAR(u.values[2], 5, 0);
    CHECK_NEAR(gw_uncertain_quantile(&u, 0.2), 2, 0);
    CHECK_NEAR(gw_uncertain_quantile(&u, 0.5), 3, 0);
    CHECK_NEAR(gw_uncertain_quantile(&u, 0.8), 5, 0);
    /* a plain value is a fixed input */
    CHECK_INT(parse("'250 kW'", GW_DIM_POWER, 0, &u, &err), GW_OK);
    CHECK_INT(u.kind, GW_UDIST_FIXED);
    CHECK_NEAR(gw_uncertain_quantile(&u, 0.99), 250e3, 0);
    double med = 0;
    gw_config cfg;
    gw_config_init(&cfg);
    gw_node *root = load(&cfg, "x: {dist: lognormal, p50: 1.8, p90: 2.6}\n");
    CHECK_INT(gw_decode_quantity_or_median(gw_node_get(root, "x"), "x", GW_DIM_NONE, 0, &med,
                                           &err),
              GW_OK);
    CHECK_NEAR(med, 1.8, 1e-15);
    gw_config_free(&cfg);
}

static void test_parse_errors(void)
{
    static const struct {
        const char *text;
        gw_dim_id dim;
        const char *msg;
        int col;
    } cases[] = {
        {"{dist: lognormal, p50: 1.8, p90: 1.2}", GW_DIM_NONE, "p90 is not above p50", 37},
        {"{dist: lognormal, p50: 1.8}", GW_DIM_NONE, "needs 'p90'", 5},
        {"{dist: lognormal, p50: 0, p90: 1}", GW_DIM_NONE, "greater than zero", 27},
        {"{dist: lognormal, p50: 1 GW, p90: 3 kg}", GW_DIM_POWER, "expected a power", 38},
        {"{dist: lognormal, p50: 10, p90: 20}", GW_DIM_TIME, "has no unit", 27},
        {"{dist: gaussian, mean: 1, sd: 1}", GW_DIM_NONE, "not known", 11},
        {"{dist: normal, mean: 1, sigma: 1}", GW_DIM_NONE, "unknown key 'sigma'", 28},
        {"{dist: normal, mean: 1, sd: 0}", GW_DIM_NONE, "greater than zero", 32},
        {"{dist: normal, mean: 1, p50: 1, sd: 1}", GW_DIM_NONE, "both 'mean' and 'p50'", 33},
        {"{dist: triangular, min: 1, mode: 5, max: 4}", GW_DIM_NONE, "mode is outside", 37},
        {"{dist: triangular, min: 4, mode: 4, max: 4}", GW_DIM_NONE, "max is not above", 45},
        {"{dist: uniform, min: 3, max: 2}", GW_DIM_NONE, "max is not above min", 33},
        {"{dist: uniform, low: 3, high: 2}", GW_DIM_NONE, "max is not above min", 34},
        {"{dist: uniform, min: 1, low: 1, max: 2}", GW_DIM_NONE, "both 'min' and 'low'", 25},
        {"{dist: choice, values: []}", GW_DIM_NONE, "non-empty list", 27},
        {"{dist: choice, values: [1, 2], weights: [1]}", GW_DIM_NONE, "one weight per value",
         44},
        {"{dist: choice, values: [1, 2], weights: [0, 0]}", GW_DIM_NONE, "add up to zero", 44},
        {"{dist: choice, values: [1, 2], weights: [1, -1]}", GW_DIM_NONE, "zero or more", 48},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gw_uncertain u;
        gw_error err = {0};
        int rc = parse(cases[i].text, cases[i].dim, 0, &u, &err);
        CHECK_INT(rc, GW_E_INPUT);
        CHECK_STR_HAS(err.msg, cases[i].msg);
        CHECK_INT(err.line, 1);
        CHECK_INT(err.col, cases[i].col);
    }
}

static void test_cholesky(void)
{
    double a[9] = {4, 2, 0.4, 2, 2, 0.2, 0.4, 0.2, 1}, l[9];
    CHECK_INT(gw_cholesky(a, 3, l), GW_OK);
    /* L L^T == A */
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double s = 0;
            for (int k = 0; k < 3; k++)
                s += l[i * 3 + k] * l[j * 3 + k];
            CHECK_NEAR(s, a[i * 3 + j], 1e-12);
        }
    /* rho(a,b) = rho(b,c) = 0.9 with rho(a,c) = -0.5 is no correlation matrix */
    double bad[9] = {1, 0.9, -0.5, 0.9, 1, 0.9, -0.5, 0.9, 1};
    CHECK_INT(gw_cholesky(bad, 3, l), GW_E_INPUT);
    double one[4] = {1, 1, 1, 1}; /* rho = 1: singular, refused */
    CHECK_INT(gw_cholesky(one, 2, l), GW_E_INPUT);
}

/* The copula: normal scores mixed by L have the asked correlation, and the
 * marginals keep their quantiles (sampled P10/P50/P90 near the spec). */
static void test_copula_sampling(void)
{
    double c[4] = {1, 0.6, 0.6, 1}, l[4];
    CHECK_INT(gw_cholesky(c, 2, l), GW_OK);
    gw_uncertain a, b;
    gw_error err = {0};
    CHECK_INT(parse("{dist: lognormal, p50: 1.8, p90: 2.6}", GW_DIM_NONE, 0, &a, &err), GW_OK);
    CHECK_INT(parse("{dist: triangular, min: 1, mode: 2, max: 4}", GW_DIM_NONE, 0, &b, &err),
              GW_OK);
    enum { N = 200000 };
    double *xa = malloc(N * sizeof *xa), *xb = malloc(N * sizeof *xb);
    double sz = 0, szz = 0, szw = 0, sw = 0, sww = 0;
    for (int i = 0; i < N; i++) {
        gw_rng r;
        gw_rng_init(&r, 7, (uint64_t)i, GW_RISK_STREAM);
        double z0 = gw_rng_normal(&r), z1 = gw_rng_normal(&r);
        double z = l[0] * z0, w = l[2] * z0 + l[3] * z1;
        sz += z, szz += z * z, sw += w, sww += w * w, szw += z * w;
        xa[i] = gw_uncertain_from_normal(&a, z);
        xb[i] = gw_uncertain_from_normal(&b, w);
    }
    double mz = sz / N, mw = sw / N;
    double rho = (szw / N - mz * mw) / sqrt((szz / N - mz * mz) * (sww / N - mw * mw));
    CHECK_NEAR(rho, 0.6, 0.01);
    int below_a = 0, below_b = 0;
    for (int i = 0; i < N; i++) {
        below_a += xa[i] <= 2.6;                              /* P90 of a */
        below_b += xb[i] <= gw_uncertain_quantile(&b, 0.5);   /* median of b */
    }
    CHECK_NEAR((double)below_a / N, 0.9, 0.005);
    CHECK_NEAR((double)below_b / N, 0.5, 0.01);
    free(xa);
    free(xb);
}

#ifdef GW_TEST_CATALOG
#include "gigawatt/catalog.h"

static const char *const scenario_text =
    "name: unit risk\n"
    "system: gb200-nvl72\n"
    "site: liquid-cooled-campus\n"
    "target: {grid_power: 2 GW}\n"
    "timeline:\n"
    "  start: 2026-Q1\n"
    "  horizon: 2 years\n"
    "  demand:\n"
    "    tokens_per_s_per_accelerator: 2000\n"
    "    products:\n"
    "      - {name: chat, users: 200e6, requests_per_user_per_day: 5, tokens_per_request: 2000,\n"
    "         growth_per_year: {dist: lognormal, p50: 1.8, p90: 2.6, name: growth},\n"
    "         price: 5 USD}\n"
    "  supply:\n"
    "    accelerators_per_quarter: {dist: normal, mean: 100e3, sd: 20e3, name: alloc}\n"
    "    stages: [{name: construction, duration: {dist: lognormal, p50: 12 months, p90: 18 "
    "months, name: build}}]\n"
    "risk: {draws: 300, seed: 11, build_levels: [0.5, 1, 1.5],\n"
    "       correlations: [{between: [growth, alloc], rho: 0.4}]}\n";

static int prepare(gw_catalog *cat, const char *text, gw_risk_plan *p, gw_error *err)
{
    gw_config cfg;
    gw_config_init(&cfg);
    gw_node *root = load(&cfg, text);
    int rc = root ? gw_risk_prepare(cat, root, p, err) : GW_E_INPUT;
    for (int j = 0; j < p->ninputs; j++)
        p->dist[j].node = NULL;
    gw_config_free(&cfg);
    return rc;
}

typedef struct recs {
    double *in, *out;
    float *ser;
} recs;

static void recs_alloc(const gw_risk_plan *p, size_t n, recs *r)
{
    r->in = calloc(n * (size_t)(p->ninputs + 1), sizeof(double));
    r->out = calloc(n * (size_t)gw_risk_noutputs(p), sizeof(double));
    r->ser = calloc(n * (size_t)gw_risk_nseries(p), sizeof(float));
}

static void recs_free(recs *r)
{
    free(r->in);
    free(r->out);
    free(r->ser);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void test_engine(gw_catalog *cat)
{
    gw_risk_plan *p = malloc(sizeof *p);
    gw_error err = {0};
    int rc = prepare(cat, scenario_text, p, &err);
    CHECK_INT(rc, GW_OK);
    if (rc) {
        fprintf(stderr, "prepare: %s:%d:%d: %s\n", err.file, err.line, err.col, err.msg);
        free(p);
        return;
    }
    CHECK_INT(p->ninputs, 3);
    CHECK_INT(p->draws, 300);
    CHECK_INT(p->nlevels, 3);
    CHECK_INT(p->quarters, 8);
    CHECK_INT(p->ncorr, 1);
    /* the base input holds the medians */
    CHECK_NEAR(p->base.products[0].growth_per_year, 1.8, 1e-15);
    size_t n = (size_t)p->draws, ni = (size_t)p->ninputs, no = (size_t)gw_risk_noutputs(p);
    size_t ns = (size_t)gw_risk_nseries(p);
    long long *idx = malloc(n * sizeof *idx);
    for (size_t i = 0; i < n; i++)
        idx[i] = (long long)i;
    recs one, three, split;
    recs_alloc(p, n, &one);
    recs_alloc(p, n, &three);
    recs_alloc(p, n, &split);
    CHECK_INT(gw_risk_run_draws(p, idx, n, 1, one.in, one.out, one.ser, &err), GW_OK);
    CHECK_INT(gw_risk_run_draws(p, idx, n, 3, three.in, three.out, three.ser, &err), GW_OK);
    CHECK(memcmp(one.out, three.out, n * no * sizeof(double)) == 0);
    CHECK(memcmp(one.ser, three.ser, n * ns * sizeof(float)) == 0);
    /* draws computed out of order (odd ones first, as a resume might) land
     * on the same records */
    size_t half = 0;
    long long *perm = malloc(n * sizeof *perm);
    for (size_t i = 1; i < n; i += 2)
        perm[half++] = (long long)i;
    for (size_t i = 0, k = half; i < n; i += 2)
        perm[k++] = (long long)i;
    recs tmp;
    recs_alloc(p, n, &tmp);
    CHECK_INT(gw_risk_run_draws(p, perm, n, 2, tmp.in, tmp.out, tmp.ser, &err), GW_OK);
    for (size_t j = 0; j < n; j++) {
        size_t d = (size_t)perm[j];
        memcpy(split.in + d * ni, tmp.in + j * ni, ni * sizeof(double));
        memcpy(split.out + d * no, tmp.out + j * no, no * sizeof(double));
        memcpy(split.ser + d * ns, tmp.ser + j * ns, ns * sizeof(float));
    }
    CHECK(memcmp(one.in, split.in, n * ni * sizeof(double)) == 0);
    CHECK(memcmp(one.out, split.out, n * no * sizeof(double)) == 0);
    /* draws vary, and each input respects its distribution's support */
    int varied = 0;
    for (size_t i = 1; i < n; i++)
        varied += one.in[i * ni] != one.in[0];
    CHECK(varied > 290);
    for (size_t i = 0; i < n; i++)
        CHECK(one.in[i * ni + 1] >= 0); /* allocation: a normal clamped at 0 */
    /* a draw's total cost is too little + too much; the level-1 run is the draw itself */
    for (size_t i = 0; i < n; i += 37) {
        const double *o = one.out + i * no;
        CHECK_NEAR(o[GW_RISK_TOTAL_COST_USD], o[GW_RISK_TOO_LITTLE_USD] + o[GW_RISK_TOO_MUCH_USD],
                   1e-9);
        CHECK_NEAR(o[GW_RISK_NFIXED + 2], o[GW_RISK_TOO_LITTLE_USD], 1e-12);
        CHECK_NEAR(o[GW_RISK_NFIXED + 3], o[GW_RISK_TOO_MUCH_USD], 1e-12);
    }

    /* the stored inputs give the series back, and the outputs are checked */
    float *again = calloc(n * ns, sizeof(float));
    CHECK_INT(gw_risk_replay_draws(p, n, 2, one.in, one.out, again, &err), GW_OK);
    CHECK(memcmp(again, one.ser, n * ns * sizeof(float)) == 0);
    one.out[5 * no + GW_RISK_TOTAL_COST_USD] *= 1.0000001;
    CHECK_INT(gw_risk_replay_draws(p, n, 2, one.in, one.out, again, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "stored draw 5 does not match");
    one.out[5 * no + GW_RISK_TOTAL_COST_USD] = three.out[5 * no + GW_RISK_TOTAL_COST_USD];
    free(again);

    /* the aggregate reads the series by column */
    float *col1 = malloc(n * ns * sizeof(float)), *col3 = malloc(n * ns * sizeof(float));
    for (size_t d = 0; d < n; d++)
        for (size_t c = 0; c < ns; c++) {
            col1[c * n + d] = one.ser[d * ns + c];
            col3[c * n + d] = split.ser[d * ns + c];
        }
    gw_risk_summary s1, s3;
    CHECK_INT(gw_risk_aggregate(p, one.in, one.out, col1, 1, &s1, &err), GW_OK);
    CHECK_INT(gw_risk_aggregate(p, split.in, split.out, col3, 3, &s3, &err), GW_OK);
    free(col1);
    free(col3);
    char *j1 = gw_risk_json(p, &s1), *j3 = gw_risk_json(p, &s3);
    CHECK(j1 && j3 && strcmp(j1, j3) == 0);
    CHECK_STR_HAS(j1, "\"kind\":\t\"risk\"");
    CHECK_STR_HAS(j1, "\"tornado\"");
    /* percentiles against a full sort (type 7 interpolation) */
    double *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = one.out[i * no + GW_RISK_TOTAL_COST_USD];
    double mean = 0;
    for (size_t i = 0; i < n; i++)
        mean += v[i];
    mean /= (double)n;
    qsort(v, n, sizeof *v, cmp_double);
    double h = 0.95 * (double)(n - 1);
    size_t lo = (size_t)h;
    CHECK_NEAR(s1.total[GW_RISK_TOTAL_COST_USD].p95, v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]),
               1e-12);
    h = 0.5 * (double)(n - 1), lo = (size_t)h;
    CHECK_NEAR(s1.total[GW_RISK_TOTAL_COST_USD].p50, v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]),
               1e-12);
    CHECK_NEAR(s1.total[GW_RISK_TOTAL_COST_USD].mean, mean, 1e-12);
    CHECK(s1.total[GW_RISK_TOTAL_COST_USD].p5 <= s1.total[GW_RISK_TOTAL_COST_USD].p50);
    /* the level-1 column of the cost curve is the mean at the plan */
    CHECK_NEAR(s1.level_too_little[1] + s1.level_too_much[1], mean, 1e-9);
    long long hist = 0;
    for (int b = 0; b < GW_RISK_HIST_BINS; b++)
        hist += s1.hist[0][b];
    CHECK_INT(hist, (long long)n);
    /* per-quarter fan: P5 <= P50 <= P95 for capacity in each quarter */
    for (int t = 0; t < p->quarters; t++)
        CHECK(s1.q[t].p5 <= s1.q[t].p50 && s1.q[t].p50 <= s1.q[t].p95);
    /* the tornado's largest swing comes first */
    int a0 = s1.order[0], a1 = s1.order[1];
    CHECK(fabs(s1.torn_hi[a0] - s1.torn_lo[a0]) >= fabs(s1.torn_hi[a1] - s1.torn_lo[a1]));
    CHECK(fabs(s1.spearman[0]) <= 1);
    free(j1);
    free(j3);
    free(v);
    gw_risk_summary_free(&s1);
    gw_risk_summary_free(&s3);

    /* ---- the store: round trip, list, and what it refuses ---- */
    char path[] = "/tmp/gw-test-risk-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    unlink(path);
    gw_risk_store *st = NULL;
    CHECK_INT(gw_risk_store_open(path, &st, &err), GW_OK);
    gw_risk_run_info info;
    memset(&info, 0, sizeof info);
    snprintf(info.name, sizeof info.name, "unit");
    snprintf(info.hash, sizeof info.hash, "%s", p->hash);
    info.draws = p->draws, info.seed = p->seed, info.ninputs = p->ninputs;
    info.noutputs = gw_risk_noutputs(p), info.nseries = gw_risk_nseries(p);
    const char *names[GW_RISK_MAX_INPUTS];
    for (int j = 0; j < p->ninputs; j++)
        names[j] = p->label[j];
    CHECK_INT(gw_risk_store_begin(st, &info, names, p->dist, &err), GW_OK);
    CHECK_INT(gw_risk_store_put(st, &info, 100, idx, one.in, one.out, &err), GW_OK);
    gw_risk_run_info back;
    CHECK_INT(gw_risk_store_find(st, info.id, &back, &err), GW_OK);
    CHECK_INT(back.done, 100);
    CHECK(strcmp(back.hash, p->hash) == 0);
    CHECK_INT(gw_risk_store_find(st, info.id + 5, &back, &err), GW_E_INPUT);
    recs got;
    recs_alloc(p, n, &got);
    unsigned char *done = calloc(n, 1);
    CHECK_INT(gw_risk_store_load(st, &info, got.in, got.out, done, &err), GW_OK);
    CHECK(done[99] && !done[100]);
    CHECK(memcmp(got.out, one.out, 100 * no * sizeof(double)) == 0);
    CHECK(memcmp(got.in, one.in, 100 * ni * sizeof(double)) == 0);
    char *list = NULL;
    CHECK_INT(gw_risk_store_list(st, 0, &list, &err), GW_OK);
    CHECK_STR_HAS(list, "stopped");
    free(list);
    gw_risk_store_close(st);
    unlink(path);

    /* a text file is not a store: refused, and left as it was */
    FILE *f = fopen(path, "w");
    fputs("not a database, just text that happens to be long enough to look like a header\n",
          f);
    fclose(f);
    CHECK_INT(gw_risk_store_open(path, &st, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "expected a SQLite result store");
    f = fopen(path, "r");
    char line[128] = "";
    CHECK(f && fgets(line, sizeof line, f) && strncmp(line, "not a database", 14) == 0);
    if (f)
        fclose(f);
    unlink(path);

    free(done);
    recs_free(&got);
    recs_free(&one);
    recs_free(&three);
    recs_free(&split);
    recs_free(&tmp);
    free(idx);
    free(perm);
    free(p);
}

static void test_prepare_errors(gw_catalog *cat)
{
    static const struct {
        const char *risk;
        const char *msg;
    } cases[] = {
        {"risk: {correlations: [{between: [growth, nope], rho: 0.5}]}\n",
         "unknown input 'nope' in a correlation"},
        {"risk: {correlations: [{between: [growth, grwth], rho: 0.5}]}\n", "did you mean 'growth'"},
        {"risk: {correlations: [{between: [growth, timeline.build_level], rho: 0.5}]}\n",
         "is not uncertain"},
        {"risk: {correlations: [{between: [growth, alloc], rho: 1.5}]}\n", "between -1 and 1"},
        {"risk: {correlations: [{between: [growth, growth], rho: 0.5}]}\n", "with itself"},
        {"risk: {correlations: [{between: [growth, alloc], rho: 0.9}, {between: [alloc, build], "
         "rho: 0.9}, {between: [growth, build], rho: -0.5}]}\n",
         "not positive definite"},
        {"risk: {correlations: [{between: [growth, alloc], rho: 0.2}, {between: [alloc, growth], "
         "rho: 0.3}]}\n",
         "correlated twice"},
        {"risk: {drawz: 10}\n", "did you mean 'draws'"},
        {"risk: {draws: 0}\n", "greater than zero"},
        {"risk: {draws: 1e9}\n", "at most 2000000"},
        {"risk: {build_levels: [1, 0.5]}\n", "increasing"},
    };
    const char *cut = strstr(scenario_text, "risk:");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[4096];
        snprintf(text, sizeof text, "%.*s%s", (int)(cut - scenario_text), scenario_text,
                 cases[i].risk);
        gw_risk_plan *p = malloc(sizeof *p);
        gw_error err = {0};
        CHECK_INT(prepare(cat, text, p, &err), GW_E_INPUT);
        CHECK_STR_HAS(err.msg, cases[i].msg);
        CHECK(err.line > 0);
        free(p);
    }
}
#endif

/* A flat cost curve: levels whose expected total is within
 * GW_RISK_LEVEL_TIE of the least tie, and the smallest of them is the
 * least-cost level, not whichever the last digits favour (issue 14). */
static void test_best_level_ties(void)
{
    gw_risk_plan *p = calloc(1, sizeof *p);
    gw_risk_summary s;
    memset(&s, 0, sizeof s);
    /* the grid need not be sorted */
    const double levels[5] = {0.5, 2, 1, 1.75, 1.5};
    /* expected totals: 1.75 is least by 0.01 %; 1.5 and 2 within 0.5 %; 1 is 5 % above */
    const double totals[5] = {2.0, 1.2004, 1.26, 1.1999, 1.2003};
    p->nlevels = 5;
    for (int l = 0; l < 5; l++) {
        p->level[l] = levels[l];
        s.level_too_little[l] = 0.75 * totals[l];
        s.level_too_much[l] = 0.25 * totals[l];
    }
    gw_risk_choose_level(p, &s);
    CHECK_NEAR(p->level[s.best_level], 1.5, 0);
    CHECK_NEAR(p->level[s.flat_lo], 1.5, 0);
    CHECK_NEAR(p->level[s.flat_hi], 2, 0);
    /* a clear minimum is not flat */
    s.level_too_little[3] *= 0.9;
    gw_risk_choose_level(p, &s);
    CHECK_NEAR(p->level[s.best_level], 1.75, 0);
    CHECK_INT(s.flat_lo, s.flat_hi);
    free(p);
}

int main(void)
{
    test_normal();
    test_parse_kinds();
    test_parse_errors();
    test_cholesky();
    test_copula_sampling();
    test_best_level_ties();
#ifdef GW_TEST_CATALOG
    gw_catalog cat;
    gw_error err = {0};
    memset(&cat, 0, sizeof cat);
    if (gw_catalog_load(&cat, GW_TEST_CATALOG, &err) == GW_OK) {
        test_engine(&cat);
        test_prepare_errors(&cat);
    } else {
        fprintf(stderr, "catalog: %s\n", err.msg);
        CHECK(0);
    }
    gw_catalog_free(&cat);
#endif
    return gw_test_done("test_risk");
}
