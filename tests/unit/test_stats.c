/* tests/unit/test_stats.c — the shared statistics of core/ (gigawatt/stats.h):
 * the radix sort against qsort, the type-7 quantile against NumPy's values
 * worked by hand, and both histogram bucketings within their accuracy. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/stats.h"
#include "gw_test.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t next_u64(void) /* splitmix64: reproducible test data */
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double uniform01(void)
{
    return (double)(next_u64() >> 11) * 0x1.0p-53;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    if (x < y)
        return -1;
    if (x > y)
        return 1;
    /* equal: -0 before +0, as the bit order puts them */
    return signbit(y) - signbit(x) ? (signbit(x) ? -1 : 1) : 0;
}

static void test_sort_matches_qsort(void)
{
    enum { N = 5000 };
    static double v[N], w[N];
    for (size_t i = 0; i < N; i++) {
        double x = (uniform01() - 0.5) * pow(10, 12 * uniform01() - 6);
        switch (next_u64() % 16) {
        case 0: x = 0.0; break;
        case 1: x = -0.0; break;
        case 2: x = INFINITY; break;
        case 3: x = -INFINITY; break;
        case 4: x = 5e-324; break;  /* subnormals */
        case 5: x = -5e-324; break;
        default: break;
        }
        v[i] = w[i] = x;
    }
    CHECK_INT(gw_stats_sort(v, N), GW_OK);
    qsort(w, N, sizeof *w, cmp_double);
    CHECK(memcmp(v, w, sizeof v) == 0);
    CHECK(isinf(v[0]) && v[0] < 0 && isinf(v[N - 1]) && v[N - 1] > 0);
    CHECK_INT(gw_stats_sort(v, 0), GW_OK);
    for (int k = 0; k < 6; k++) { /* the key is an order-preserving bijection */
        double x = (double[]){-INFINITY, -1.5, -0.0, 0.0, 2e-310, INFINITY}[k];
        double back = gw_stats_from_order_key(gw_stats_order_key(x));
        CHECK(memcmp(&x, &back, sizeof x) == 0);
    }
    CHECK(gw_stats_order_key(-0.0) < gw_stats_order_key(0.0));
}

static void test_radix_carries_index(void)
{
    /* stable: equal keys keep their order, and the index moves with its key */
    uint64_t key[6] = {5, 1, 5, 0, 1, 5}, ktmp[6];
    size_t index[6] = {0, 1, 2, 3, 4, 5}, itmp[6];
    size_t *count = malloc(GW_STATS_RADIX_BINS * sizeof *count);
    gw_stats_radix_sort(key, index, 6, ktmp, itmp, count);
    size_t want[6] = {3, 1, 4, 0, 2, 5};
    for (int i = 0; i < 6; i++)
        CHECK_INT(index[i], want[i]);
    free(count);
}

static void test_quantile_numpy(void)
{
    /* numpy.quantile([3, 1, 4, 1, 5, 9, 2, 6], q), worked by hand: sorted
     * 1 1 2 3 4 5 6 9, position q * 7 between order statistics */
    double v[8] = {3, 1, 4, 1, 5, 9, 2, 6};
    CHECK_INT(gw_stats_sort(v, 8), GW_OK);
    CHECK_NEAR(gw_stats_quantile_sorted(v, 8, 0.0), 1, 0);
    CHECK_NEAR(gw_stats_quantile_sorted(v, 8, 0.1), 1, 0);       /* 0.7: 1 + .7 * 0 */
    CHECK_NEAR(gw_stats_quantile_sorted(v, 8, 0.25), 1.75, 1e-15); /* 1.75 */
    CHECK_NEAR(gw_stats_quantile_sorted(v, 8, 0.5), 3.5, 1e-15);  /* 3.5 */
    CHECK_NEAR(gw_stats_quantile_sorted(v, 8, 0.9), 6.9, 1e-15);  /* 6.3: 6 + .3 * 3 */
    CHECK_NEAR(gw_stats_quantile_sorted(v, 8, 1.0), 9, 0);
    CHECK(isnan(gw_stats_quantile_sorted(v, 0, 0.5)));
    size_t k;
    double frac = gw_stats_quantile_rank(8, 0.9, &k);
    CHECK_INT(k, 6);
    CHECK_NEAR(frac, 0.3, 1e-12);
    CHECK(isinf(gw_stats_interp(INFINITY, INFINITY, 0))); /* exact at frac 0, no inf - inf */
}

static void check_hist(gw_stats_hist_kind kind, double rel)
{
    enum { N = 20000 };
    static double v[N];
    gw_stats_hist h;
    CHECK_INT(gw_stats_hist_init(&h, kind), GW_OK);
    CHECK(isnan(gw_stats_hist_quantile(&h, 0.5)));
    for (size_t i = 0; i < N; i++) {
        v[i] = exp(-3 + 2 * (uniform01() + uniform01() + uniform01() - 1.5)); /* ~ms..s */
        if (i % 4 == 0)
            gw_stats_hist_add_n(&h, v[i], 1);
        else
            gw_stats_hist_add(&h, v[i]);
    }
    CHECK_INT(gw_stats_sort(v, N), GW_OK);
    const double qs[] = {0, 0.01, 0.5, 0.9, 0.99, 0.999, 1};
    for (size_t j = 0; j < sizeof qs / sizeof *qs; j++) {
        /* the bucket of the order statistic at the floor of the rank */
        double exact = v[(size_t)(qs[j] * (N - 1))];
        CHECK_NEAR(gw_stats_hist_quantile(&h, qs[j]), exact, rel);
    }
    CHECK_INT(h.n, N);
    gw_stats_hist_free(&h);
}

static void test_hist_accuracy(void)
{
    check_hist(GW_HIST_LOG, 0.001);
    check_hist(GW_HIST_BITS, 1.0 / 128);
    gw_stats_hist h; /* n equal values at once, and values too small to bucket */
    CHECK_INT(gw_stats_hist_init(&h, GW_HIST_LOG), GW_OK);
    gw_stats_hist_add_n(&h, 0.02, 99);
    gw_stats_hist_add(&h, 0);
    CHECK_NEAR(gw_stats_hist_quantile(&h, 0), 0, 0);
    CHECK_NEAR(gw_stats_hist_quantile(&h, 0.5), 0.02, 0); /* clamped to the range seen */
    CHECK_NEAR(h.sum, 1.98, 1e-12);
    gw_stats_hist_free(&h);
}

/* gw_pareto_front against the O(n^2) definition on random points: small
 * integer grids (so ties and duplicates happen), 2 to 4 objectives, some
 * rows ineligible. No dominated eligible row is on the front, every
 * non-dominated eligible row is, and nothing ineligible is. */
static int brute_dominated(const double *v, size_t n, int k, const unsigned char *ok, size_t i)
{
    for (size_t j = 0; j < n; j++) {
        if (j == i || !ok[j])
            continue;
        int ge = 1, gt = 0;
        for (int d = 0; d < k; d++) {
            ge &= v[j * (size_t)k + d] >= v[i * (size_t)k + d];
            gt |= v[j * (size_t)k + d] > v[i * (size_t)k + d];
        }
        if (ge && gt)
            return 1;
    }
    return 0;
}

static void test_pareto_brute_force(void)
{
    uint64_t s = 12345;
    for (int trial = 0; trial < 200; trial++) {
        size_t n = 1 + (size_t)(trial * 7 % 300);
        int k = 2 + trial % 3;
        double *v = malloc(sizeof(double) * n * (size_t)k);
        unsigned char *ok = malloc(n);
        size_t *front = malloc(sizeof(size_t) * n);
        for (size_t i = 0; i < n; i++) {
            for (int d = 0; d < k; d++) {
                s = s * 6364136223846793005ULL + 1442695040888963407ULL;
                /* coarse values make ties; the odd trials continuous */
                v[i * (size_t)k + d] = trial % 2 ? (double)(s >> 11) / 9007199254740992.0
                                                 : (double)((s >> 33) % 6);
            }
            ok[i] = (s >> 7) % 5 != 0;
        }
        size_t f = gw_pareto_front(v, n, k, ok, front);
        unsigned char *on = calloc(n, 1);
        for (size_t q = 0; q < f; q++) {
            on[front[q]] = 1;
            if (q)
                CHECK(front[q] > front[q - 1]); /* ascending, no repeats */
        }
        size_t wrong = 0;
        for (size_t i = 0; i < n; i++) {
            int should = ok[i] && !brute_dominated(v, n, k, ok, i);
            wrong += should != on[i];
        }
        CHECK_INT(wrong, 0);
        free(on);
        free(v);
        free(ok);
        free(front);
    }
    /* a hand case: (3,1) (1,3) (2,2) (1,1) (3,1): (1,1) is dominated, the
     * two equal (3,1) rows are both on the front */
    const double hand[] = {3, 1, 1, 3, 2, 2, 1, 1, 3, 1};
    size_t front[5];
    size_t f = gw_pareto_front(hand, 5, 2, NULL, front);
    CHECK_INT(f, 4);
    CHECK_INT(front[0], 0);
    CHECK_INT(front[1], 1);
    CHECK_INT(front[2], 2);
    CHECK_INT(front[3], 4);
}

int main(void)
{
    test_pareto_brute_force();
    test_sort_matches_qsort();
    test_radix_carries_index();
    test_quantile_numpy();
    test_hist_accuracy();
    return gw_test_done("test_stats");
}
