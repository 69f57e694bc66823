/* src/core/stats.c — the shared statistics (core layer): radix sort of
 * doubles, the type-7 quantile and the log-bucket quantile histogram.
 * Contract: include/gigawatt/stats.h. */
#include "gigawatt/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- sorting ---------------------------------------------------------------- */

uint64_t gw_stats_order_key(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return (u >> 63) ? ~u : u | 0x8000000000000000ull;
}

double gw_stats_from_order_key(uint64_t k)
{
    uint64_t u = (k >> 63) ? k & 0x7FFFFFFFFFFFFFFFull : ~k;
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

void gw_stats_radix_sort(uint64_t *key, size_t *index, size_t n, uint64_t *key_tmp,
                         size_t *index_tmp, size_t *count)
{
    uint64_t *src = key, *dst = key_tmp;
    size_t *isrc = index, *idst = index_tmp;
    for (int pass = 0; pass < 4; pass++) {
        int shift = 16 * pass;
        memset(count, 0, GW_STATS_RADIX_BINS * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(src[i] >> shift) & 0xFFFF]++;
        size_t sum = 0;
        for (size_t d = 0; d < GW_STATS_RADIX_BINS; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++) {
            size_t to = count[(src[i] >> shift) & 0xFFFF]++;
            dst[to] = src[i];
            if (isrc)
                idst[to] = isrc[i];
        }
        uint64_t *t = src;
        src = dst, dst = t;
        size_t *it = isrc;
        isrc = idst, idst = it;
    }
    /* an even number of passes: the sorted keys are back in key */
}

int gw_stats_sort(double *v, size_t n)
{
    uint64_t *key = malloc((n ? n : 1) * 2 * sizeof *key);
    size_t *count = malloc(GW_STATS_RADIX_BINS * sizeof *count);
    if (!key || !count) {
        free(key), free(count);
        return GW_E_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        key[i] = gw_stats_order_key(v[i]);
    gw_stats_radix_sort(key, NULL, n, key + n, NULL, count);
    for (size_t i = 0; i < n; i++)
        v[i] = gw_stats_from_order_key(key[i]);
    free(key), free(count);
    return GW_OK;
}

/* ---- quantiles ------------------------------------------------------------------ */

double gw_stats_quantile_rank(size_t n, double q, size_t *k)
{
    double h = q * (double)(n - 1);
    *k = (size_t)h; /* h >= 0: the floor */
    return h - (double)*k;
}

double gw_stats_interp(double lo, double hi, double frac)
{
    return frac > 0 ? lo + frac * (hi - lo) : lo;
}

double gw_stats_quantile_sorted(const double *v, size_t n, double q)
{
    if (n == 0)
        return NAN;
    size_t k;
    double frac = gw_stats_quantile_rank(n, q, &k);
    if (k + 1 >= n)
        return v[n - 1];
    return gw_stats_interp(v[k], v[k + 1], frac);
}

/* ---- log-bucket quantile histogram ------------------------------------------------ */

#define LOG_ALPHA 0.001 /* relative accuracy of a GW_HIST_LOG bucket */
#define LOG_MIN 1e-7    /* below: counted as zero */
#define LOG_BINS 16200  /* 1e-7 s .. 1e7 s at LOG_ALPHA */
#define BITS_SHIFT 46   /* 64 - 1 sign - 11 exponent - 6 mantissa bits */
#define BITS_BINS (2048 * 64)

static size_t nbins(gw_stats_hist_kind kind)
{
    return kind == GW_HIST_LOG ? LOG_BINS : BITS_BINS;
}

int gw_stats_hist_init(gw_stats_hist *h, gw_stats_hist_kind kind)
{
    memset(h, 0, sizeof *h);
    h->kind = kind;
    h->log_gamma = log((1 + LOG_ALPHA) / (1 - LOG_ALPHA));
    h->last_x = -1;
    void *bins = calloc(nbins(kind), kind == GW_HIST_LOG ? sizeof(uint64_t) : sizeof(uint32_t));
    if (kind == GW_HIST_LOG)
        h->bins.wide = bins;
    else
        h->bins.narrow = bins;
    return bins ? GW_OK : GW_E_NOMEM;
}

void gw_stats_hist_free(gw_stats_hist *h)
{
    free(h->kind == GW_HIST_LOG ? (void *)h->bins.wide : (void *)h->bins.narrow);
    memset(&h->bins, 0, sizeof h->bins);
}

static long bin_of(gw_stats_hist *h, double x)
{
    if (h->kind == GW_HIST_BITS) {
        uint64_t u;
        if (!(x > 0))
            x = 0;
        memcpy(&u, &x, sizeof u);
        return (long)((u >> BITS_SHIFT) & (BITS_BINS - 1));
    }
    if (x != h->last_x) {
        long i = (long)ceil(log(x / LOG_MIN) / h->log_gamma);
        h->last_i = i >= LOG_BINS ? LOG_BINS - 1 : i;
        h->last_x = x;
    }
    return h->last_i;
}

void gw_stats_hist_add_n(gw_stats_hist *h, double x, uint64_t n)
{
    if (n == 0)
        return;
    if (h->n == 0 || x < h->min)
        h->min = x;
    h->n += n, h->sum += x * (double)n;
    if (x > h->max)
        h->max = x;
    if (h->kind == GW_HIST_LOG && x < LOG_MIN) {
        h->zeros += n;
        return;
    }
    long i = bin_of(h, x);
    if (h->kind == GW_HIST_LOG)
        h->bins.wide[i] += n;
    else
        h->bins.narrow[i] += (uint32_t)n;
}

void gw_stats_hist_add(gw_stats_hist *h, double x)
{
    gw_stats_hist_add_n(h, x, 1);
}

/* the value that stands for bucket i */
static double representative(const gw_stats_hist *h, uint64_t i)
{
    if (h->kind == GW_HIST_BITS) {
        uint64_t lo = i << BITS_SHIFT, hi = ((i + 1) << BITS_SHIFT) - 1;
        double a, b;
        memcpy(&a, &lo, sizeof a);
        memcpy(&b, &hi, sizeof b);
        return (a + b) / 2;
    }
    double v = LOG_MIN * 2 * exp((double)i * h->log_gamma) / (1 + exp(h->log_gamma));
    return v < h->min ? h->min : v > h->max ? h->max : v; /* within the range seen */
}

double gw_stats_hist_quantile(const gw_stats_hist *h, double q)
{
    if (h->n == 0)
        return NAN;
    double rank = q * (double)(h->n - 1);
    if (rank < (double)h->zeros)
        return 0;
    uint64_t seen = h->zeros, nb = nbins(h->kind);
    for (uint64_t i = 0; i < nb; i++) {
        seen += h->kind == GW_HIST_LOG ? h->bins.wide[i] : h->bins.narrow[i];
        if ((double)seen > rank)
            return representative(h, i);
    }
    return h->max; /* not reached: every value is in a bucket */
}

/* ---- Pareto front ------------------------------------------------------------------- */

typedef struct pareto_row {
    const double *v; /* the row's k objectives */
    size_t i;        /* its index */
    int k;
} pareto_row;

/* Descending lexicographic order, then ascending index: a dominator
 * always sorts before the row it dominates. */
static int pareto_cmp(const void *pa, const void *pb)
{
    const pareto_row *a = pa, *b = pb;
    for (int j = 0; j < a->k; j++)
        if (a->v[j] != b->v[j])
            return a->v[j] > b->v[j] ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

static int dominates(const double *a, const double *b, int k)
{
    int strict = 0;
    for (int j = 0; j < k; j++) {
        if (a[j] < b[j])
            return 0;
        strict |= a[j] > b[j];
    }
    return strict;
}

static int size_cmp(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return a < b ? -1 : a > b;
}

size_t gw_pareto_front(const double *v, size_t n, int k, const unsigned char *ok, size_t *front)
{
    pareto_row *rows = malloc(sizeof *rows * (n ? n : 1));
    if (!rows)
        return (size_t)-1;
    size_t m = 0, f = 0;
    for (size_t i = 0; i < n; i++)
        if (!ok || ok[i])
            rows[m++] = (pareto_row){v + i * (size_t)k, i, k};
    qsort(rows, m, sizeof *rows, pareto_cmp);
    for (size_t r = 0; r < m; r++) {
        int dominated = 0;
        for (size_t q = 0; q < f && !dominated; q++)
            dominated = dominates(v + front[q] * (size_t)k, rows[r].v, k);
        if (!dominated)
            front[f++] = rows[r].i;
    }
    free(rows);
    qsort(front, f, sizeof *front, size_cmp);
    return f;
}
