/* src/des/des.c — event set, counter-based random streams, distributions
 * (engines layer). The contract: include/gigawatt/des.h; the equations and
 * references: docs/sim.md §1. */
#include "gigawatt/des.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- Philox4x32-10 (Salmon, Moraes, Dror & Shaw, SC 2011) ---------------------- */

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

static void philox(const uint32_t key_in[2], const uint32_t ctr_in[4], uint32_t out[4])
{
    uint32_t k0 = key_in[0], k1 = key_in[1];
    uint32_t c0 = ctr_in[0], c1 = ctr_in[1], c2 = ctr_in[2], c3 = ctr_in[3];
    for (int round = 0; round < 10; round++) {
        uint64_t p0 = (uint64_t)PHILOX_M0 * c0, p1 = (uint64_t)PHILOX_M1 * c2;
        uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
        uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    out[0] = c0, out[1] = c1, out[2] = c2, out[3] = c3;
}

/* SplitMix64 finaliser (Steele, Lea & Flood, OOPSLA 2014): spreads the
 * (seed, purpose) pair over the 64-bit key. */
static uint64_t mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void gw_rng_init(gw_rng *r, uint64_t seed, uint64_t entity, uint32_t purpose)
{
    uint64_t key = mix64(seed ^ mix64(0x5851F42D4C957F2Dull * ((uint64_t)purpose + 1)));
    r->key[0] = (uint32_t)key, r->key[1] = (uint32_t)(key >> 32);
    r->ctr[0] = r->ctr[1] = 0; /* the draw counter */
    r->ctr[2] = (uint32_t)entity, r->ctr[3] = (uint32_t)(entity >> 32);
    r->left = 0;
    r->has_spare = 0;
}

uint32_t gw_rng_u32(gw_rng *r)
{
    if (r->left == 0) {
        philox(r->key, r->ctr, r->out);
        if (++r->ctr[0] == 0)
            ++r->ctr[1];
        r->left = 4;
    }
    return r->out[4 - r->left--];
}

uint64_t gw_rng_u64(gw_rng *r)
{
    uint64_t hi = gw_rng_u32(r);
    return hi << 32 | gw_rng_u32(r);
}

double gw_rng_uniform(gw_rng *r)
{
    /* 52 random bits offset by half a step: strictly inside (0, 1), the
     * largest value 1 - 2^-53 exactly representable (with 53 bits the half
     * step would round the top value up to 1.0) */
    return ((double)(gw_rng_u64(r) >> 12) + 0.5) * 0x1.0p-52;
}

/* Marsaglia & Bray's polar method (SIAM Review 1964): no trigonometry, and
 * each accepted pair gives two normals (the second is kept for the next
 * call; the sequence is still a pure function of the stream). */
double gw_rng_normal(gw_rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u, v, s;
    do {
        u = 2 * gw_rng_uniform(r) - 1;
        v = 2 * gw_rng_uniform(r) - 1;
        s = u * u + v * v;
    } while (s >= 1 || s == 0);
    double f = sqrt(-2 * log(s) / s);
    r->spare = v * f;
    r->has_spare = 1;
    return u * f;
}

/* ---- distributions ----------------------------------------------------------- */

/* Zipf by rejection-inversion (Hörmann & Derflinger, ACM TOMACS 1996): sample
 * the continuous hat H over [0.5, n+0.5], round, accept by the squeeze. */
static double zipf_h(double x, double s)
{
    return exp(-s * log(x));
}

static double zipf_big_h(double x, double s) /* integral of x^-s */
{
    double lx = log(x), t = (1 - s) * lx;
    double e = fabs(t) > 1e-8 ? expm1(t) / t : 1 + t / 2;
    return e * lx;
}

static double zipf_big_h_inv(double y, double s)
{
    double t = y * (1 - s);
    if (t < -1)
        t = -1;
    double l = fabs(t) > 1e-8 ? log1p(t) / t : 1 - t / 2;
    return exp(l * y);
}

int gw_dist_prepare(gw_dist *d, gw_error *err)
{
    static const char *const names[] = {"fixed", "uniform", "exponential", "gamma",
                                        "lognormal", "pareto", "zipf", "empirical"};
    const char *n = names[d->kind];
    int ok = isfinite(d->a) && isfinite(d->b);
    switch (d->kind) {
    case GW_DIST_FIXED: break;
    case GW_DIST_UNIFORM: ok = ok && d->b >= d->a; break;
    case GW_DIST_EXPONENTIAL: ok = ok && d->a > 0; break;
    case GW_DIST_GAMMA: ok = ok && d->a > 0 && d->b > 0; break;
    case GW_DIST_LOGNORMAL: ok = ok && d->a > 0 && d->b >= 0; break;
    case GW_DIST_PARETO: ok = ok && d->a > 0 && d->b > 0; break;
    case GW_DIST_ZIPF:
        ok = ok && d->a >= 1 && d->b > 0;
        if (ok) {
            d->zipf_hx0 = zipf_big_h(1.5, d->b) - 1;
            d->zipf_hn = zipf_big_h(d->a + 0.5, d->b);
            d->zipf_s = 2 - zipf_big_h_inv(zipf_big_h(2.5, d->b) - zipf_h(2, d->b), d->b);
        }
        break;
    case GW_DIST_EMPIRICAL:
        ok = d->values && d->nvalues >= 1;
        for (size_t i = 1; ok && i < d->nvalues; i++)
            ok = d->values[i] >= d->values[i - 1];
        break;
    }
    if (!ok)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "%s distribution with parameters %g, %g; expected: uniform a <= b, "
                            "exponential mean > 0, gamma shape and scale > 0, lognormal median "
                            "> 0 and sigma >= 0, pareto minimum and index > 0, zipf n >= 1 and "
                            "exponent > 0, empirical sorted samples",
                            n, d->a, d->b);
    return GW_OK;
}

/* Marsaglia & Tsang, ACM TOMS 2000; shape < 1 by boosting: G(a) = G(a+1)·U^(1/a). */
static double gamma_sample(double shape, gw_rng *r)
{
    double boost = 1;
    if (shape < 1) {
        boost = pow(gw_rng_uniform(r), 1 / shape);
        shape += 1;
    }
    double dd = shape - 1.0 / 3, c = 1 / sqrt(9 * dd);
    for (;;) {
        double x = gw_rng_normal(r), v = 1 + c * x;
        if (v <= 0)
            continue;
        v = v * v * v;
        double u = gw_rng_uniform(r);
        if (log(u) < 0.5 * x * x + dd - dd * v + dd * log(v))
            return boost * dd * v;
    }
}

double gw_dist_sample(const gw_dist *d, gw_rng *r)
{
    double x = d->a;
    switch (d->kind) {
    case GW_DIST_FIXED: break;
    case GW_DIST_UNIFORM: x = d->a + (d->b - d->a) * gw_rng_uniform(r); break;
    case GW_DIST_EXPONENTIAL: x = -d->a * log(gw_rng_uniform(r)); break;
    case GW_DIST_GAMMA: x = d->b * gamma_sample(d->a, r); break;
    case GW_DIST_LOGNORMAL: x = d->a * exp(d->b * gw_rng_normal(r)); break;
    case GW_DIST_PARETO: x = d->a / pow(gw_rng_uniform(r), 1 / d->b); break;
    case GW_DIST_ZIPF:
        for (;;) {
            double u = d->zipf_hn + gw_rng_uniform(r) * (d->zipf_hx0 - d->zipf_hn);
            double xx = zipf_big_h_inv(u, d->b);
            double k = floor(xx + 0.5);
            if (k < 1)
                k = 1;
            else if (k > d->a)
                k = d->a;
            if (k - xx <= d->zipf_s || u >= zipf_big_h(k + 0.5, d->b) - zipf_h(k, d->b)) {
                x = k;
                break;
            }
        }
        break;
    case GW_DIST_EMPIRICAL: {
        double pos = gw_rng_uniform(r) * (double)(d->nvalues - 1);
        size_t i = (size_t)pos;
        if (i + 1 >= d->nvalues)
            x = d->values[d->nvalues - 1];
        else
            x = d->values[i] + (pos - (double)i) * (d->values[i + 1] - d->values[i]);
        break;
    }
    }
    if (d->hi > d->lo)
        x = x < d->lo ? d->lo : x > d->hi ? d->hi : x;
    return d->integer ? floor(x + 0.5) : x;
}

double gw_dist_mean(const gw_dist *d)
{
    switch (d->kind) {
    case GW_DIST_FIXED: return d->a;
    case GW_DIST_UNIFORM: return (d->a + d->b) / 2;
    case GW_DIST_EXPONENTIAL: return d->a;
    case GW_DIST_GAMMA: return d->a * d->b;
    case GW_DIST_LOGNORMAL: return d->a * exp(d->b * d->b / 2);
    case GW_DIST_PARETO: return d->b > 1 ? d->b * d->a / (d->b - 1) : INFINITY;
    default: return NAN;
    }
}

/* ---- the event set: a d-ary min-heap on (time, seq) --------------------------- */

static int earlier(const gw_event *x, const gw_event *y)
{
    return x->time < y->time || (x->time == y->time && x->seq < y->seq);
}

int gw_evq_init(gw_evq *q, gw_evq_kind kind, size_t capacity_hint)
{
    memset(q, 0, sizeof *q);
    q->arity = kind == GW_EVQ_QUATERNARY ? 4 : 2;
    q->cap = capacity_hint > 16 ? capacity_hint : 16;
    q->heap = malloc(q->cap * sizeof *q->heap);
    return q->heap ? GW_OK : GW_E_NOMEM;
}

void gw_evq_free(gw_evq *q)
{
    free(q->heap);
    memset(q, 0, sizeof *q);
}

int gw_evq_push(gw_evq *q, double time, int32_t type, int32_t who, int64_t data)
{
    if (q->n == q->cap) {
        size_t cap = q->cap * 2;
        gw_event *h = realloc(q->heap, cap * sizeof *h);
        if (!h)
            return GW_E_NOMEM;
        q->heap = h, q->cap = cap;
    }
    gw_event e = {.time = time, .seq = q->next_seq++, .type = type, .who = who, .data = data};
    size_t i = q->n++;
    size_t d = (size_t)q->arity;
    while (i > 0) { /* sift up: move parents down until e fits */
        size_t parent = (i - 1) / d;
        if (!earlier(&e, &q->heap[parent]))
            break;
        q->heap[i] = q->heap[parent];
        i = parent;
    }
    q->heap[i] = e;
    return GW_OK;
}

int gw_evq_pop(gw_evq *q, gw_event *out)
{
    if (q->n == 0)
        return 0;
    *out = q->heap[0];
    gw_event last = q->heap[--q->n];
    size_t i = 0, n = q->n, d = (size_t)q->arity;
    for (;;) { /* sift down: the earliest child moves up */
        size_t first = i * d + 1;
        if (first >= n)
            break;
        size_t best = first, end = first + d < n ? first + d : n;
        for (size_t c = first + 1; c < end; c++)
            if (earlier(&q->heap[c], &q->heap[best]))
                best = c;
        if (!earlier(&q->heap[best], &last))
            break;
        q->heap[i] = q->heap[best];
        i = best;
    }
    if (n > 0)
        q->heap[i] = last;
    return 1;
}
