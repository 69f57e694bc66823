/* tests/unit/test_des.c — the discrete-event engine (src/des/des.c): the
 * event set's (time, insertion) order for both heap arities, Philox4x32-10
 * against Random123's known answers, stream independence, and the
 * distributions' sample moments against their analytic means.
 *
 * Statistical checks: every random stream here is keyed by a fixed seed, so
 * each test is deterministic (it passes or fails the same way every run).
 * The tolerances are still set as if the draws were fresh: 5 standard
 * errors of the estimator, computed by hand in the comments, so that a
 * correct sampler would fail with probability below 1e-6 for a random seed
 * and a wrong mean or variance (a factor, a missing term) shows up. */
#include <stdint.h>
#include <stdlib.h>

#include "gigawatt/des.h"
#include "gw_test.h"

/* ---- the event set ---------------------------------------------------------- */

/* test-side randomness, independent of the RNG under test (SplitMix64) */
static uint64_t sm_state;
static uint64_t sm_next(void)
{
    uint64_t z = (sm_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static const char *kind_name(gw_evq_kind k)
{
    return k == GW_EVQ_BINARY ? "binary" : "quaternary";
}

/* Pops come out by time, ties by insertion order. Pushed (time, data):
 * (3,0) (1,1) (2,2) (1,3) (3,4) (1,5) (0.5,6) (2,7)
 * so the order is 0.5:6, then the three 1s as pushed 1,3,5, the 2s 2,7,
 * the 3s 0,4. */
static void test_evq_order_small(gw_evq_kind kind)
{
    gw_evq q;
    CHECK_INT(gw_evq_init(&q, kind, 0), GW_OK);
    CHECK_INT(q.arity, kind == GW_EVQ_BINARY ? 2 : 4);
    const double t[8] = {3, 1, 2, 1, 3, 1, 0.5, 2};
    for (int i = 0; i < 8; i++)
        CHECK_INT(gw_evq_push(&q, t[i], 10 + i, 20 + i, i), GW_OK);
    CHECK_INT(gw_evq_size(&q), 8);
    const int64_t want[8] = {6, 1, 3, 5, 2, 7, 0, 4};
    for (int k = 0; k < 8; k++) {
        gw_event e;
        CHECK_INT(gw_evq_pop(&q, &e), 1);
        CHECK_INT(e.data, want[k]);
        CHECK_NEAR(e.time, t[want[k]], 0);
        CHECK_INT(e.type, 10 + want[k]); /* the payload travels with the event */
        CHECK_INT(e.who, 20 + want[k]);
    }
    CHECK_INT(gw_evq_size(&q), 0);
    gw_evq_free(&q);
}

/* peek returns what pop will return next */
static void test_evq_peek_matches_pop(gw_evq_kind kind)
{
    gw_evq q;
    CHECK_INT(gw_evq_init(&q, kind, 4), GW_OK);
    CHECK(gw_evq_peek(&q) == NULL);
    for (int i = 0; i < 50; i++)
        gw_evq_push(&q, (double)((i * 37) % 11), 0, 0, i);
    int bad = 0;
    while (gw_evq_size(&q)) {
        gw_event top = *gw_evq_peek(&q), e;
        gw_evq_pop(&q, &e);
        bad += top.data != e.data || top.time != e.time || top.seq != e.seq;
    }
    CHECK_INT(bad, 0);
    gw_evq_free(&q);
}

/* 3000 events at one time, interleaved with earlier and later ones: the
 * equal-time block must come out in push order (FIFO). Push i at time 5
 * for i % 3 != 0, else at time 4 (i % 2) or 6: within each time, data
 * increases. */
static void test_evq_many_ties_fifo(gw_evq_kind kind)
{
    gw_evq q;
    CHECK_INT(gw_evq_init(&q, kind, 16), GW_OK);
    int fails = 0;
    for (int i = 0; i < 3000; i++) {
        double t = i % 3 ? 5.0 : i % 2 ? 4.0 : 6.0;
        fails += gw_evq_push(&q, t, 0, 0, i) != GW_OK;
    }
    CHECK_INT(fails, 0);
    gw_event e, prev = {0, 0, 0, 0, -1};
    prev.time = -1;
    int bad_time = 0, bad_fifo = 0, n = 0;
    while (gw_evq_pop(&q, &e)) {
        if (e.time < prev.time)
            bad_time++;
        if (e.time == prev.time && !(e.data > prev.data && e.seq > prev.seq))
            bad_fifo++;
        prev = e;
        n++;
    }
    CHECK_INT(n, 3000);
    CHECK_INT(bad_time, 0);
    CHECK_INT(bad_fifo, 0);
    gw_evq_free(&q);
}

/* Growth: a capacity hint of 1 (the floor is 16) and 10000 pushes in
 * decreasing time order, so every push sifts to the root across several
 * reallocations; all come back in increasing order with their payloads. */
static void test_evq_growth(gw_evq_kind kind)
{
    gw_evq q;
    CHECK_INT(gw_evq_init(&q, kind, 1), GW_OK);
    size_t cap0 = q.cap;
    int fails = 0;
    for (int i = 0; i < 10000; i++)
        fails += gw_evq_push(&q, 10000.0 - i, i % 7, i % 5, i) != GW_OK;
    CHECK_INT(fails, 0);
    CHECK(q.cap > cap0);
    CHECK_INT(gw_evq_size(&q), 10000);
    int bad = 0;
    gw_event e;
    for (int k = 0; k < 10000; k++) {
        int i = 9999 - k; /* time 1 was pushed last, as i = 9999 */
        bad += gw_evq_pop(&q, &e) != 1;
        bad += e.data != i || e.time != 10000.0 - i || e.type != i % 7 || e.who != i % 5;
    }
    CHECK_INT(bad, 0);
    CHECK_INT(gw_evq_pop(&q, &e), 0);
    gw_evq_free(&q);
}

/* An empty set pops 0 and leaves `out` alone; it stays usable after. */
static void test_evq_empty(gw_evq_kind kind)
{
    gw_evq q;
    CHECK_INT(gw_evq_init(&q, kind, 0), GW_OK);
    gw_event e = {42, 7, 1, 2, 3};
    CHECK_INT(gw_evq_pop(&q, &e), 0);
    CHECK_NEAR(e.time, 42, 0);
    CHECK_INT(e.data, 3);
    CHECK(gw_evq_peek(&q) == NULL);
    gw_evq_push(&q, 1, 0, 0, 9);
    CHECK_INT(gw_evq_pop(&q, &e), 1);
    CHECK_INT(e.data, 9);
    CHECK_INT(gw_evq_pop(&q, &e), 0);
    CHECK_INT(gw_evq_pop(&q, &e), 0);
    gw_evq_free(&q);
    CHECK(q.heap == NULL); /* free leaves a zeroed set */
    CHECK_INT(q.n, 0);
}

/* The reference: an array kept sorted by (time, push number), popped from
 * the front. Push number = data, so sorting by (time, data) is the rule. */
typedef struct ref_ev {
    double time;
    int64_t data;
} ref_ev;

static void ref_insert(ref_ev *r, size_t *n, double t, int64_t data)
{
    size_t lo = 0, hi = *n; /* first position whose key exceeds (t, data) */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r[mid].time < t || (r[mid].time == t && r[mid].data < data))
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(&r[lo + 1], &r[lo], (*n - lo) * sizeof *r);
    r[lo] = (ref_ev){t, data};
    (*n)++;
}

/* 10^5 random operations, push or pop with equal chance after 200
 * pushes first (a random walk: the set holds up to about a thousand events
 * and may run empty, where a pop must return 0); half the times are small integers
 * (0..49) so ties are common, half arbitrary doubles. Every pop must equal
 * the reference's front. */
static void test_evq_random_vs_reference(gw_evq_kind kind)
{
    enum { OPS = 100000 };
    ref_ev *ref = malloc(OPS * sizeof *ref), *front = ref; /* pops advance front */
    size_t nref = 0;
    gw_evq q;
    CHECK_INT(gw_evq_init(&q, kind, 0), GW_OK);
    sm_state = 12345 + (uint64_t)kind;
    int64_t pushed = 0;
    long mismatches = 0, pops = 0, empty_pops = 0;
    for (int op = 0; op < OPS; op++) {
        uint64_t x = sm_next();
        if (op < 200 || x % 100 < 50) {
            double t = (x >> 8) & 1 ? (double)((x >> 16) % 50)
                                    : (double)(x >> 11) * 0x1.0p-53 * 50.0;
            mismatches += gw_evq_push(&q, t, 0, 0, pushed) != GW_OK;
            ref_insert(front, &nref, t, pushed);
            pushed++;
        } else {
            gw_event e;
            int got = gw_evq_pop(&q, &e);
            if (nref == 0) {
                empty_pops++;
                mismatches += got != 0;
                continue;
            }
            pops++;
            mismatches += got != 1 || e.time != front[0].time || e.data != front[0].data;
            front++, nref--;
        }
        if (gw_evq_size(&q) != nref)
            mismatches++;
    }
    /* drain what is left */
    gw_event e;
    for (size_t k = 0; k < nref; k++)
        mismatches += !gw_evq_pop(&q, &e) || e.time != front[k].time || e.data != front[k].data;
    CHECK_INT(gw_evq_pop(&q, &e), 0);
    if (mismatches)
        fprintf(stderr, "  %s heap: %ld mismatches\n", kind_name(kind), mismatches);
    CHECK_INT(mismatches, 0);
    CHECK(pops > 45000); /* the mix really exercised both operations */
    CHECK(pushed > 45000);
    gw_evq_free(&q);
    free(ref);
}

/* ---- random streams --------------------------------------------------------- */

/* Philox4x32-10 known answers (Random123 tests/kat_vectors, the three
 * "philox4x32 10" lines: counter, key -> four words), reached by setting
 * a stream's key and counter directly. */
static void test_philox_known_answers(void)
{
    static const uint32_t kat[3][10] = {
        {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
        {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0x408f276d,
         0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
        {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0, 0xd16cfe09,
         0x94fdcceb, 0x5001e420, 0x24126ea1}};
    for (int v = 0; v < 3; v++) {
        gw_rng r;
        gw_rng_init(&r, 0, 0, 0);
        for (int k = 0; k < 4; k++)
            r.ctr[k] = kat[v][k];
        r.key[0] = kat[v][4], r.key[1] = kat[v][5];
        r.left = 0;
        for (int k = 0; k < 4; k++)
            CHECK_INT(gw_rng_u32(&r), kat[v][6 + k]);
    }
    /* the draw counter is the low 64 bits of the Philox counter: after one
     * block it has moved by exactly one (0 -> 1), with ctr[1] untouched;
     * 0xffffffff carries into ctr[1] */
    gw_rng r;
    gw_rng_init(&r, 1, 2, 3);
    CHECK_INT(r.ctr[0], 0);
    CHECK_INT(r.ctr[2], 2); /* the entity sits in the counter's high half */
    CHECK_INT(r.ctr[3], 0);
    gw_rng_u32(&r);
    CHECK_INT(r.ctr[0], 1);
    r.ctr[0] = 0xffffffffu, r.left = 0;
    gw_rng_u32(&r);
    CHECK_INT(r.ctr[0], 0);
    CHECK_INT(r.ctr[1], 1);
}

static void draw(uint64_t seed, uint64_t entity, uint32_t purpose, uint32_t *out, int n)
{
    gw_rng r;
    gw_rng_init(&r, seed, entity, purpose);
    for (int i = 0; i < n; i++)
        out[i] = gw_rng_u32(&r);
}

static int same(const uint32_t *a, const uint32_t *b, int n)
{
    return memcmp(a, b, (size_t)n * sizeof *a) == 0;
}

/* Same (seed, entity, purpose): the same stream. Change any one of them,
 * including only the high 32 bits of the seed or the entity: a different
 * stream (16 equal words by chance: probability 2^-512). */
static void test_rng_streams(void)
{
    enum { N = 16 };
    uint32_t a[N], b[N];
    draw(7, 3, 2, a, N);
    draw(7, 3, 2, b, N);
    CHECK(same(a, b, N));
    draw(8, 3, 2, b, N);
    CHECK(!same(a, b, N));
    draw(7 + (1ull << 32), 3, 2, b, N);
    CHECK(!same(a, b, N));
    draw(7, 4, 2, b, N);
    CHECK(!same(a, b, N));
    draw(7, 3 + (1ull << 32), 2, b, N);
    CHECK(!same(a, b, N));
    draw(7, 3, 1, b, N);
    CHECK(!same(a, b, N));
    /* seed and purpose do not alias: (seed s, purpose p) vs (p, s) */
    draw(1, 0, 2, a, N);
    draw(2, 0, 1, b, N);
    CHECK(!same(a, b, N));
    /* entity streams of one seed are not shifted copies of each other: the
     * first block of entity 1 is not the second block of entity 0 */
    uint32_t c[8];
    draw(7, 0, 2, c, 8);
    draw(7, 1, 2, a, 4);
    CHECK(!same(a, c + 4, 4));

    /* u64 is two u32 words, high first */
    gw_rng r1, r2;
    gw_rng_init(&r1, 5, 6, 7);
    gw_rng_init(&r2, 5, 6, 7);
    uint64_t hi = gw_rng_u32(&r2), lo = gw_rng_u32(&r2);
    CHECK(gw_rng_u64(&r1) == (hi << 32 | lo));
}

/* A stream's draws do not depend on other streams: entity 5's first 1000
 * words are the same whether drawn alone, or interleaved with a variable
 * number of draws from entities 0..4 and another purpose. */
static void test_rng_no_cross_talk(void)
{
    enum { N = 1000 };
    uint32_t alone[N], mixed[N];
    draw(99, 5, 1, alone, N);
    gw_rng others[5], mine, other_purpose;
    for (int k = 0; k < 5; k++)
        gw_rng_init(&others[k], 99, (uint64_t)k, 1);
    gw_rng_init(&other_purpose, 99, 5, 2);
    gw_rng_init(&mine, 99, 5, 1);
    for (int i = 0; i < N; i++) {
        for (int k = 0; k < 5; k++)
            for (int j = 0; j <= (i + k) % 3; j++)
                gw_rng_u32(&others[k]);
        gw_rng_normal(&other_purpose);
        mixed[i] = gw_rng_u32(&mine);
    }
    CHECK(same(alone, mixed, N));
}

/* Uniforms strictly inside (0, 1), with mean 1/2 and variance 1/12 over
 * 10^6 draws. Standard errors: mean sqrt(1/12/1e6) = 2.887e-4, so 5 SE =
 * 1.44e-3; variance sqrt((mu4 - sigma^4)/n) with mu4 = 1/80, sigma^4 =
 * 1/144: sqrt(5.556e-3/1e6) = 7.45e-5, 5 SE = 3.7e-4. */
static void test_rng_uniform(void)
{
    gw_rng r;
    gw_rng_init(&r, 2024, 0, 9);
    const int n = 1000000;
    double sum = 0, sum2 = 0, lo = 1, hi = 0;
    for (int i = 0; i < n; i++) {
        double u = gw_rng_uniform(&r);
        sum += u, sum2 += u * u;
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
    }
    double mean = sum / n, var = sum2 / n - mean * mean;
    CHECK(lo > 0);
    CHECK(hi < 1);
    CHECK(fabs(mean - 0.5) < 1.44e-3);
    CHECK(fabs(var - 1.0 / 12) < 3.7e-4);

    /* the extremes of the 64-bit word: all zeros gives half a step above
     * 0, all ones must stay below 1 (53 bits plus half a step would not:
     * (2^53 - 1) + 0.5 rounds to 2^53, which scales to 1.0). Words come
     * from out[4 - left]: with left = 2 the next u64 is out[2] (high) then
     * out[3] (low). */
    r.left = 2, r.out[2] = 0, r.out[3] = 0;
    double u0 = gw_rng_uniform(&r);
    CHECK(u0 > 0);
    CHECK(u0 < 1e-15);
    r.left = 2, r.out[2] = 0xffffffffu, r.out[3] = 0xffffffffu;
    double u1 = gw_rng_uniform(&r);
    CHECK(u1 > 0.999999);
    CHECK(u1 < 1);
}

/* Standard normals over 10^6 draws: mean 0 with SE 1/1000 (5 SE = 0.005),
 * variance 1 with SE sqrt(2/1e6) = 1.414e-3 (mu4 = 3: 5 SE = 7.1e-3);
 * P(|Z| > 1.96) = 0.05 with SE sqrt(0.05*0.95/1e6) = 2.18e-4 (5 SE 1.1e-3). */
static void test_rng_normal(void)
{
    gw_rng r;
    gw_rng_init(&r, 2024, 1, 9);
    const int n = 1000000;
    double sum = 0, sum2 = 0;
    int tails = 0;
    for (int i = 0; i < n; i++) {
        double z = gw_rng_normal(&r);
        sum += z, sum2 += z * z;
        tails += fabs(z) > 1.959963984540054;
    }
    double mean = sum / n, var = sum2 / n - mean * mean;
    CHECK(fabs(mean) < 0.005);
    CHECK(fabs(var - 1) < 7.1e-3);
    CHECK(fabs((double)tails / n - 0.05) < 1.1e-3);
}

/* ---- distributions ---------------------------------------------------------- */

static gw_dist dist(gw_dist_kind kind, double a, double b)
{
    gw_dist d;
    memset(&d, 0, sizeof d);
    d.kind = kind, d.a = a, d.b = b;
    return d;
}

/* Sample mean of n draws against gw_dist_mean, within 5 standard errors
 * where the SE is sd/sqrt(n) with the analytic standard deviation `sd`. */
static void check_mean(gw_dist d, double want_mean, double sd, const char *what)
{
    gw_error err;
    CHECK_INT(gw_dist_prepare(&d, &err), GW_OK);
    CHECK_NEAR(gw_dist_mean(&d), want_mean, 1e-12);
    gw_rng r;
    gw_rng_init(&r, 31337, 0, (uint32_t)d.kind);
    const int n = 200000;
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += gw_dist_sample(&d, &r);
    double mean = sum / n, tol = 5 * sd / sqrt((double)n);
    gw_test_checks++;
    if (!(fabs(mean - want_mean) <= tol)) {
        gw_test_failures++;
        fprintf(stderr, "%s:%d: %s: sample mean %.6g, expected %.6g +- %.3g\n", __FILE__,
                __LINE__, what, mean, want_mean, tol);
    }
}

/* Means and standard deviations, by hand:
 *  fixed 3: mean 3, sd 0 (every draw is 3)
 *  exponential mean 2: sd 2
 *  gamma shape 0.5, scale 2: mean 1, var k*theta^2 = 2, sd 1.4142
 *  gamma shape 3, scale 0.5: mean 1.5, var 0.75, sd 0.8660
 *  lognormal median 100, sigma 0.5: mean 100 e^(0.125) = 113.3148453;
 *    sd = mean sqrt(e^(0.25) - 1) = 113.3148 x 0.5329 = 60.39
 *  uniform [2, 6]: mean 4, var 16/12, sd 1.1547
 *  pareto minimum 1, index 3: mean 3/2, var 3/((2^2)(1)) = 0.75, sd 0.8660 */
static void test_dist_means(void)
{
    check_mean(dist(GW_DIST_FIXED, 3, 0), 3, 0, "fixed");
    check_mean(dist(GW_DIST_EXPONENTIAL, 2, 0), 2, 2, "exponential");
    check_mean(dist(GW_DIST_GAMMA, 0.5, 2), 1, 1.4142135623730951, "gamma 0.5");
    check_mean(dist(GW_DIST_GAMMA, 3, 0.5), 1.5, 0.8660254037844386, "gamma 3");
    check_mean(dist(GW_DIST_LOGNORMAL, 100, 0.5), 113.31484530668263, 60.39, "lognormal");
    check_mean(dist(GW_DIST_UNIFORM, 2, 6), 4, 1.1547005383792515, "uniform");
    check_mean(dist(GW_DIST_PARETO, 1, 3), 1.5, 0.8660254037844386, "pareto");
    /* means that do not exist or have no closed form */
    gw_dist p = dist(GW_DIST_PARETO, 1, 1);
    CHECK(isinf(gw_dist_mean(&p)));
    gw_dist z = dist(GW_DIST_ZIPF, 10, 1);
    CHECK(isnan(gw_dist_mean(&z)));
}

/* Shapes, not just means: the gamma with shape 0.5 has P(X <= 1) =
 * erf(sqrt(1/2 / 1))... with scale 2, X/2 ~ Gamma(0.5, 1) = chi^2_1 / 2, so
 * P(X <= 1) = P(chi^2_1 <= 1) = erf(1/sqrt 2) = 0.682689; the lognormal
 * median is its `a`; the Pareto's P(X > 2) = 2^-3 = 0.125. Proportions over
 * n = 2e5 draws, SE sqrt(p(1-p)/n) <= 1.12e-3, 5 SE = 5.6e-3. */
static void test_dist_shapes(void)
{
    gw_error err;
    const int n = 200000;
    gw_rng r;
    gw_dist g = dist(GW_DIST_GAMMA, 0.5, 2), l = dist(GW_DIST_LOGNORMAL, 100, 0.5),
            p = dist(GW_DIST_PARETO, 1, 3);
    CHECK_INT(gw_dist_prepare(&g, &err), GW_OK);
    CHECK_INT(gw_dist_prepare(&l, &err), GW_OK);
    CHECK_INT(gw_dist_prepare(&p, &err), GW_OK);
    gw_rng_init(&r, 5, 5, 5);
    int below = 0, below_median = 0, above2 = 0, pareto_below_min = 0;
    for (int i = 0; i < n; i++) {
        below += gw_dist_sample(&g, &r) <= 1;
        below_median += gw_dist_sample(&l, &r) <= 100;
        double x = gw_dist_sample(&p, &r);
        above2 += x > 2;
        pareto_below_min += x < 1;
    }
    CHECK(fabs((double)below / n - 0.6826894921370859) < 5.6e-3);
    CHECK(fabs((double)below_median / n - 0.5) < 5.6e-3);
    CHECK(fabs((double)above2 / n - 0.125) < 5.6e-3);
    CHECK_INT(pareto_below_min, 0);
}

/* Zipf on 1..100 with exponent 1.2: P(k) = k^-1.2 / H, H = sum of k^-1.2
 * over 1..100 (summed below: about 3.60). So P(1)/P(2) = 2^1.2 = 2.2974.
 * With n = 2e5 draws, c1 ~ 5.55e4 and c2 ~ 2.42e4; the log of the count
 * ratio has variance 1/c1 + 1/c2 = 5.94e-5 (the multinomial covariance
 * cancels the -1/n terms), SE 7.7e-3, so 5 SE = 3.9 % on the ratio.
 * P(1) itself: SE sqrt(0.2775 x 0.7225 / 2e5) = 1.0e-3, 5 SE = 5e-3; the
 * tail P(k > 50) likewise. Every draw is a whole number in 1..100. */
static void test_dist_zipf(void)
{
    gw_error err;
    gw_dist d = dist(GW_DIST_ZIPF, 100, 1.2);
    CHECK_INT(gw_dist_prepare(&d, &err), GW_OK);
    double h = 0, tail = 0;
    for (int k = 1; k <= 100; k++) {
        h += pow(k, -1.2);
        tail += k > 50 ? pow(k, -1.2) : 0;
    }
    CHECK(h > 3.55 && h < 3.65);
    gw_rng r;
    gw_rng_init(&r, 77, 0, 0);
    const int n = 200000;
    long count[101] = {0}, outside = 0, fractional = 0;
    for (int i = 0; i < n; i++) {
        double x = gw_dist_sample(&d, &r);
        if (x != floor(x))
            fractional++;
        if (x < 1 || x > 100)
            outside++;
        else
            count[(int)x]++;
    }
    CHECK_INT(outside, 0);
    CHECK_INT(fractional, 0);
    CHECK_NEAR((double)count[1] / (double)count[2], pow(2, 1.2), 0.039);
    CHECK(fabs((double)count[1] / n - 1 / h) < 5e-3);
    long hi = 0;
    for (int k = 51; k <= 100; k++)
        hi += count[k];
    CHECK(fabs((double)hi / n - tail / h) < 5e-3);
    CHECK(count[100] > 0); /* the top value is reachable */

    /* n = 1: always 1 */
    gw_dist one = dist(GW_DIST_ZIPF, 1, 2);
    CHECK_INT(gw_dist_prepare(&one, &err), GW_OK);
    int not_one = 0;
    for (int i = 0; i < 1000; i++)
        not_one += gw_dist_sample(&one, &r) != 1;
    CHECK_INT(not_one, 0);
}

/* Empirical through sorted samples {1, 2, 3, 100, 1000}: a draw is the
 * inverse of the piecewise-linear CDF that puts the k-th sample (0-based)
 * at probability k/4, so every draw is in [1, 1000], P(X <= 3) = 2/4,
 * P(X <= 100) = 3/4 and P(X <= 2) = 1/4 (proportions over 1e5 draws: SE
 * <= 1.58e-3, 5 SE = 7.9e-3). The sample median is near the middle sample,
 * 3: a 5-SE error of 7.9e-3 in probability moves it by 0.0316 index
 * steps, i.e. 0.0316 below (the 2..3 segment) or 0.0316 x 97 = 3.07 above
 * (the 3..100 segment). */
static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_dist_empirical(void)
{
    static const double v[5] = {1, 2, 3, 100, 1000};
    gw_dist d = dist(GW_DIST_EMPIRICAL, 0, 0);
    d.values = v, d.nvalues = 5;
    gw_error err;
    CHECK_INT(gw_dist_prepare(&d, &err), GW_OK);
    CHECK(isnan(gw_dist_mean(&d)));
    enum { N = 100000 };
    double *x = malloc(N * sizeof *x);
    gw_rng r;
    gw_rng_init(&r, 3, 1, 4);
    int outside = 0, le2 = 0, le3 = 0, le100 = 0;
    for (int i = 0; i < N; i++) {
        x[i] = gw_dist_sample(&d, &r);
        outside += x[i] < 1 || x[i] > 1000;
        le2 += x[i] <= 2, le3 += x[i] <= 3, le100 += x[i] <= 100;
    }
    CHECK_INT(outside, 0);
    CHECK(fabs(le2 / (double)N - 0.25) < 7.9e-3);
    CHECK(fabs(le3 / (double)N - 0.50) < 7.9e-3);
    CHECK(fabs(le100 / (double)N - 0.75) < 7.9e-3);
    qsort(x, N, sizeof *x, cmp_d);
    double median = (x[N / 2 - 1] + x[N / 2]) / 2;
    CHECK(median > 3 - 0.0316 && median < 3 + 3.07);
    free(x);
    /* a single sample is a constant */
    gw_dist c = dist(GW_DIST_EMPIRICAL, 0, 0);
    c.values = v + 3, c.nvalues = 1;
    CHECK_INT(gw_dist_prepare(&c, &err), GW_OK);
    CHECK_NEAR(gw_dist_sample(&c, &r), 100, 0);
    CHECK_NEAR(gw_dist_sample(&c, &r), 100, 0);
}

/* integer: round half up (floor(x + 0.5)); lo/hi clamp before rounding,
 * and hi <= lo means no clamp. */
static void test_dist_integer_and_clamp(void)
{
    gw_error err;
    gw_rng r;
    gw_rng_init(&r, 1, 1, 1);
    gw_dist f = dist(GW_DIST_FIXED, 2.5, 0);
    f.integer = 1;
    CHECK_INT(gw_dist_prepare(&f, &err), GW_OK);
    CHECK_NEAR(gw_dist_sample(&f, &r), 3, 0); /* 2.5 -> 3 */
    f.a = 2.49;
    CHECK_NEAR(gw_dist_sample(&f, &r), 2, 0);
    f.a = 7, f.lo = 1, f.hi = 5; /* at_most 5 */
    CHECK_NEAR(gw_dist_sample(&f, &r), 5, 0);
    f.a = -3; /* at_least 1 */
    CHECK_NEAR(gw_dist_sample(&f, &r), 1, 0);
    f.lo = 10, f.hi = 0; /* hi <= lo: no clamp */
    CHECK_NEAR(gw_dist_sample(&f, &r), -3, 0);
    f.lo = 0, f.hi = 4.6, f.a = 9; /* clamp to 4.6, then round: 5 */
    CHECK_NEAR(gw_dist_sample(&f, &r), 5, 0);

    /* uniform on [0.6, 5.4] rounded: whole numbers 1..5 only, each value
     * hit; the middle ones (width 1 each of 4.8) have P = 0.2083 */
    gw_dist u = dist(GW_DIST_UNIFORM, 0.6, 5.4);
    u.integer = 1;
    CHECK_INT(gw_dist_prepare(&u, &err), GW_OK);
    int hist[7] = {0}, bad = 0;
    for (int i = 0; i < 10000; i++) {
        double x = gw_dist_sample(&u, &r);
        if (x != floor(x) || x < 1 || x > 5)
            bad++;
        else
            hist[(int)x]++;
    }
    CHECK_INT(bad, 0);
    for (int k = 1; k <= 5; k++)
        CHECK(hist[k] > 0);

    /* exponential mean 100 clamped to [10, 50]: P(X < 10) = 1 - e^-0.1 =
     * 0.0952 and P(X > 50) = e^-0.5 = 0.6065 sit exactly on the bounds */
    gw_dist e = dist(GW_DIST_EXPONENTIAL, 100, 0);
    e.lo = 10, e.hi = 50;
    CHECK_INT(gw_dist_prepare(&e, &err), GW_OK);
    int at_lo = 0, at_hi = 0, out = 0;
    const int n = 100000;
    for (int i = 0; i < n; i++) {
        double x = gw_dist_sample(&e, &r);
        out += x < 10 || x > 50;
        at_lo += x == 10, at_hi += x == 50;
    }
    CHECK_INT(out, 0);
    /* proportions over 1e5: SE <= 1.55e-3, 5 SE = 7.7e-3 */
    CHECK(fabs(at_lo / (double)n - 0.09516258196404048) < 7.7e-3);
    CHECK(fabs(at_hi / (double)n - 0.6065306597126334) < 7.7e-3);
}

static void expect_reject(gw_dist d, const char *name)
{
    gw_error err;
    memset(&err, 0, sizeof err);
    CHECK_INT(gw_dist_prepare(&d, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, name);
}

static void test_dist_prepare_rejects(void)
{
    static const double unsorted[3] = {1, 3, 2}, sorted[3] = {1, 1, 2};
    expect_reject(dist(GW_DIST_EXPONENTIAL, -1, 0), "exponential distribution with parameters -1, 0");
    expect_reject(dist(GW_DIST_EXPONENTIAL, 0, 0), "exponential");
    expect_reject(dist(GW_DIST_EXPONENTIAL, NAN, 0), "exponential");
    expect_reject(dist(GW_DIST_UNIFORM, 5, 1), "uniform distribution with parameters 5, 1");
    expect_reject(dist(GW_DIST_GAMMA, 0, 1), "gamma");
    expect_reject(dist(GW_DIST_GAMMA, 1, -1), "gamma");
    expect_reject(dist(GW_DIST_LOGNORMAL, 0, 1), "lognormal");
    expect_reject(dist(GW_DIST_LOGNORMAL, 1, -0.5), "lognormal");
    expect_reject(dist(GW_DIST_PARETO, 1, 0), "pareto");
    expect_reject(dist(GW_DIST_ZIPF, 0.5, 1), "zipf");
    expect_reject(dist(GW_DIST_ZIPF, 10, 0), "zipf");
    expect_reject(dist(GW_DIST_FIXED, INFINITY, 0), "fixed");
    gw_dist e = dist(GW_DIST_EMPIRICAL, 0, 0);
    e.values = unsorted, e.nvalues = 3;
    expect_reject(e, "empirical");
    e.values = NULL;
    expect_reject(e, "empirical");
    e.values = sorted, e.nvalues = 0;
    expect_reject(e, "empirical");
    /* accepted edges: equal samples, uniform a == b, lognormal sigma 0 */
    gw_error err;
    e.nvalues = 3;
    CHECK_INT(gw_dist_prepare(&e, &err), GW_OK);
    gw_dist u = dist(GW_DIST_UNIFORM, 2, 2), l = dist(GW_DIST_LOGNORMAL, 5, 0);
    CHECK_INT(gw_dist_prepare(&u, &err), GW_OK);
    CHECK_INT(gw_dist_prepare(&l, &err), GW_OK);
    gw_rng r;
    gw_rng_init(&r, 0, 0, 0);
    CHECK_NEAR(gw_dist_sample(&u, &r), 2, 0);
    CHECK_NEAR(gw_dist_sample(&l, &r), 5, 0);
}

int main(void)
{
    const gw_evq_kind kinds[2] = {GW_EVQ_BINARY, GW_EVQ_QUATERNARY};
    for (int k = 0; k < 2; k++) {
        test_evq_order_small(kinds[k]);
        test_evq_peek_matches_pop(kinds[k]);
        test_evq_many_ties_fifo(kinds[k]);
        test_evq_growth(kinds[k]);
        test_evq_empty(kinds[k]);
        test_evq_random_vs_reference(kinds[k]);
    }
    test_philox_known_answers();
    test_rng_streams();
    test_rng_no_cross_talk();
    test_rng_uniform();
    test_rng_normal();
    test_dist_means();
    test_dist_shapes();
    test_dist_zipf();
    test_dist_empirical();
    test_dist_integer_and_clamp();
    test_dist_prepare_rejects();
    return gw_test_done("test_des");
}
