/* src/power/summary.c — what the grid sees, from a streamed series (engine
 * layer, docs/power.md §4): peak, mean, the largest rise and drop within
 * each window (sliding-window minimum and maximum with monotone deques,
 * O(1) amortised per sample, memory = the window's samples at worst), the
 * largest load loss within 1 s, the spectrum (Welch's averaged
 * periodogram over blocks of a fixed length with a Hann window, so memory
 * does not grow with the series), energy per band, and the limits'
 * violations as episodes. Nothing here keeps the series. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "power/power_int.h"

#define PI 3.141592653589793
#define HIST_LOW 1e3   /* W/s: the 1 s ramp histogram's first edge */
#define HIST_DECADES 8 /* to 1e11 W/s */
#define SPECTRUM_POINTS 160 /* the report's spectrum: log-spaced maxima */
#define MAX_BLOCK 65536
/* Violations closer than this (or than the limit's window) are one episode:
 * a training job's swings break a limit every step, and a list of every
 * step would bury the events that matter. */
#define EPISODE_GAP_S 60

static const double report_windows[GW_POWER_NWINDOWS] = {1, 60, 600};
static const double band_edges[GW_POWER_NBANDS + 1] = {0.001, 0.01, 0.1, 1, 10, INFINITY};

/* ---- monotone deques ------------------------------------------------------ */

static int deque_init(gwi_deque *d, size_t cap)
{
    d->cap = cap, d->head = 0, d->n = 0;
    d->idx = malloc(cap * sizeof *d->idx);
    d->val = malloc(cap * sizeof *d->val);
    return d->idx && d->val ? 0 : -1;
}

/* Push (k, v) keeping the deque monotone (`sign` +1: a max-deque, -1: a
 * min-deque) and drop what left the window; the front is the extreme. */
static double deque_push(gwi_deque *d, long long k, double v, long long span, int sign)
{
    while (d->n > 0) {
        size_t back = (d->head + d->n - 1) % d->cap;
        if (sign * d->val[back] > sign * v)
            break;
        d->n--;
    }
    while (d->n > 0 && d->idx[d->head] < k - span) {
        d->head = (d->head + 1) % d->cap;
        d->n--;
    }
    size_t at = (d->head + d->n) % d->cap;
    d->idx[at] = k, d->val[at] = v;
    d->n++;
    return d->val[d->head];
}

static void deque_free(gwi_deque *d)
{
    free(d->idx), free(d->val);
}

/* The window of `seconds`, shared when two ask for the same one. */
static int window_for(gwi_summary *s, double seconds, gw_error *err)
{
    for (int i = 0; i < s->nwin; i++)
        if (s->win[i].window_s == seconds)
            return i;
    gwi_window *w = &s->win[s->nwin];
    memset(w, 0, sizeof *w);
    w->window_s = seconds;
    w->span = (long long)llround(seconds / s->dt);
    if (w->span < 1)
        w->span = 1;
    size_t cap = (size_t)w->span + 2;
    if (deque_init(&w->mn, cap) || deque_init(&w->mx, cap)) {
        gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory for a %g s window", seconds);
        return -1;
    }
    return s->nwin++;
}

/* ---- spectrum ------------------------------------------------------------- */

void gwi_fft(double *re, double *im, size_t n)
{
    for (size_t i = 1, j = 0; i < n; i++) { /* bit reversal */
        size_t bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j |= bit;
        if (i < j) {
            double t = re[i]; re[i] = re[j]; re[j] = t;
            t = im[i]; im[i] = im[j]; im[j] = t;
        }
    }
    for (size_t len = 2; len <= n; len <<= 1) {
        double a = -2 * PI / (double)len;
        double wr = cos(a), wi = sin(a);
        for (size_t i = 0; i < n; i += len) {
            double cr = 1, ci = 0;
            for (size_t k = 0; k < len / 2; k++) {
                size_t p = i + k, q = p + len / 2;
                double xr = re[q] * cr - im[q] * ci, xi = re[q] * ci + im[q] * cr;
                re[q] = re[p] - xr, im[q] = im[p] - xi;
                re[p] += xr, im[p] += xi;
                double t = cr * wr - ci * wi;
                ci = cr * wi + ci * wr, cr = t;
            }
        }
    }
}

/* The block: the largest power of two within the asked length and the
 * series, at least 16 samples. */
static size_t block_length(const gw_power_config *c, long long total)
{
    double want = c->spectrum_block_s > 0 ? c->spectrum_block_s / c->resolution_s : MAX_BLOCK;
    size_t m = 16;
    while (m * 2 <= (size_t)fmin(want, (double)MAX_BLOCK) && (long long)(m * 2) <= total)
        m *= 2;
    return m;
}

static int spectrum_init(gwi_summary *s, gw_error *err)
{
    s->m = block_length(s->c, s->total);
    size_t m = s->m;
    s->block = malloc(m * sizeof(double));
    s->re = malloc(m * sizeof(double));
    s->im = malloc(m * sizeof(double));
    s->acc = calloc(m / 2 + 1, sizeof(double));
    s->hann = malloc(m * sizeof(double));
    if (!s->block || !s->re || !s->im || !s->acc || !s->hann)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory for the spectrum");
    s->hann_u = 0;
    for (size_t i = 0; i < m; i++) {
        s->hann[i] = 0.5 - 0.5 * cos(2 * PI * (double)i / (double)m);
        s->hann_u += s->hann[i] * s->hann[i];
    }
    return GW_OK;
}

/* One full block: detrended (its mean removed), windowed, transformed,
 * |X|^2 accumulated. */
static void spectrum_block(gwi_summary *s)
{
    size_t m = s->m;
    double mean = 0;
    for (size_t i = 0; i < m; i++)
        mean += s->block[i];
    mean /= (double)m;
    for (size_t i = 0; i < m; i++)
        s->re[i] = (s->block[i] - mean) * s->hann[i], s->im[i] = 0;
    gwi_fft(s->re, s->im, m);
    for (size_t k = 0; k <= m / 2; k++)
        s->acc[k] += s->re[k] * s->re[k] + s->im[k] * s->im[k];
    s->blocks++;
    s->fill = 0;
}

/* Variance of bin k (one-sided), W^2: sum over bins = the series' variance
 * (Parseval with the window's power U). */
static double bin_var(const gwi_summary *s, size_t k)
{
    double v = s->acc[k] / s->blocks / ((double)s->m * s->hann_u);
    return k == 0 || k == s->m / 2 ? v : 2 * v;
}

/* The peak at or above GW_POWER_OSCILLATION_MIN_HZ (slower movement is
 * the ramp windows' business: a failure or a checkpoint puts most of a
 * series' energy in the lowest bins), refined by a parabola through the
 * log of it and its neighbours (Gaussian interpolation). */
static void spectrum_peak(const gwi_summary *s, gw_power_grid *g)
{
    size_t h = s->m / 2;
    double df = 1 / (s->dt * (double)s->m);
    size_t first = (size_t)ceil(GW_POWER_OSCILLATION_MIN_HZ / df);
    if (first < 1)
        first = 1;
    if (first >= h)
        first = h - 1;
    size_t best = first;
    for (size_t k = first + 1; k < h; k++)
        if (s->acc[k] > s->acc[best])
            best = k;
    double delta = 0;
    if (best > 1 && best + 1 < h && s->acc[best - 1] > 0 && s->acc[best + 1] > 0) {
        double a = log(s->acc[best - 1]), b = log(s->acc[best]), c = log(s->acc[best + 1]);
        double den = a - 2 * b + c;
        delta = den < 0 ? 0.5 * (a - c) / den : 0;
    }
    /* a flat series has no peak */
    g->spectrum_peak_hz = s->acc[best] > 0 ? ((double)best + delta) * df : 0;
    double v = 0;
    for (size_t k = best - 1; k <= best + 1 && k <= h; k++)
        v += bin_var(s, k);
    g->spectrum_peak_rms_w = sqrt(v);
}

/* RMS of the swings in [low, high) Hz. */
static double band_rms(const gwi_summary *s, double low, double high)
{
    double df = 1 / (s->dt * (double)s->m), v = 0;
    for (size_t k = 1; k <= s->m / 2; k++) {
        double f = (double)k * df;
        if (f >= low && f < high)
            v += bin_var(s, k);
    }
    return sqrt(v);
}

/* The report's spectrum: the largest bin in each of SPECTRUM_POINTS
 * log-spaced intervals, as RMS W. */
static int spectrum_points(const gwi_summary *s, gw_power_result *r)
{
    r->spectrum_hz = calloc(SPECTRUM_POINTS, sizeof(double));
    r->spectrum_rms_w = calloc(SPECTRUM_POINTS, sizeof(double));
    if (!r->spectrum_hz || !r->spectrum_rms_w)
        return -1;
    double df = 1 / (s->dt * (double)s->m), lo = log(df), hi = log(df * (double)(s->m / 2));
    int n = 0, at = -1;
    for (size_t k = 1; k <= s->m / 2; k++) {
        int p = hi > lo ? (int)((log((double)k * df) - lo) / (hi - lo) * (SPECTRUM_POINTS - 1))
                        : 0;
        double v = sqrt(bin_var(s, k));
        if (p != at) {
            if (n == SPECTRUM_POINTS)
                break;
            at = p;
            r->spectrum_hz[n] = (double)k * df, r->spectrum_rms_w[n] = v;
            n++;
        } else if (v > r->spectrum_rms_w[n - 1]) {
            r->spectrum_hz[n - 1] = (double)k * df, r->spectrum_rms_w[n - 1] = v;
        }
    }
    r->nspectrum = n;
    return 0;
}

/* ---- episodes ------------------------------------------------------------- */

static void episode_close(gwi_summary *s, int l)
{
    gwi_episode *e = &s->ep[l];
    if (!e->open)
        return;
    gw_power_result *r = s->r;
    if (r->nviolations < GW_POWER_MAX_VIOLATIONS) {
        gw_power_violation *v = &r->violations[r->nviolations++];
        v->limit = l, v->start_s = e->start_s, v->end_s = e->last_s + s->dt;
        v->value = e->worst;
        const gw_power_limit *lim = &s->c->limits[l];
        v->bound = lim->kind == GW_LIMIT_RAMP ? lim->ramp_w_per_s : lim->max_w;
    } else {
        r->violations_more++;
    }
    e->open = 0;
}

/* Sample k of limit l has `value` against `bound`: extend or open an
 * episode; a gap shorter than the limit's window joins two. */
static void episode_add(gwi_summary *s, int l, double t, double value, double bound, double gap)
{
    gwi_episode *e = &s->ep[l];
    if (value > s->r->limit_worst[l])
        s->r->limit_worst[l] = value;
    if (!(value > bound))
        return;
    if (e->open && t - e->last_s > gap)
        episode_close(s, l);
    if (!e->open) {
        e->open = 1, e->start_s = t, e->worst = value;
    }
    e->last_s = t;
    if (value > e->worst)
        e->worst = value;
}

/* ---- the summary ---------------------------------------------------------- */

int gwi_summary_init(gwi_summary *s, const gw_power_config *c, gw_power_result *r, int lite,
                     gw_error *err)
{
    memset(s, 0, sizeof *s);
    s->c = c, s->r = r, s->lite = lite, s->dt = c->resolution_s;
    s->total = (long long)llround(c->window_s / c->resolution_s);
    s->peak = -INFINITY, s->min = INFINITY;
    for (int i = 0; i < GW_POWER_NWINDOWS; i++)
        if (window_for(s, report_windows[i], err) < 0)
            return err->code;
    for (int l = 0; l < c->nlimits; l++) {
        const gw_power_limit *lim = &c->limits[l];
        double w = lim->kind == GW_LIMIT_RAMP ? lim->window_s : 1;
        s->limit_win[l] = lim->kind == GW_LIMIT_BAND ? -1 : window_for(s, w, err);
        if (lim->kind != GW_LIMIT_BAND && s->limit_win[l] < 0)
            return err->code;
    }
    s->bucket = s->total / GW_POWER_PLOT_POINTS + (s->total % GW_POWER_PLOT_POINTS != 0);
    if (s->bucket < 1)
        s->bucket = 1;
    for (int b = 0; b <= GW_POWER_HIST_BINS; b++)
        r->hist_edge_w_per_s[b] = HIST_LOW * pow(10, HIST_DECADES * (double)b / GW_POWER_HIST_BINS);
    s->want_spectrum = !lite;
    for (int l = 0; l < c->nlimits; l++)
        s->want_spectrum |= c->limits[l].kind == GW_LIMIT_BAND;
    return s->want_spectrum ? spectrum_init(s, err) : GW_OK;
}

static void report_figures(gwi_summary *s, double g, long long k)
{
    gw_power_result *r = s->r;
    int p = (int)(k / s->bucket);
    if (p >= r->nplot) {
        r->nplot = p + 1;
        r->plot_t[p] = (double)k * s->dt, r->plot_min[p] = r->plot_max[p] = g;
    }
    r->plot_min[p] = fmin(r->plot_min[p], g), r->plot_max[p] = fmax(r->plot_max[p], g);
    const gwi_window *w1 = &s->win[0]; /* 1 s: once a second, its larger change */
    if (k > 0 && k % w1->span == 0) {
        double v = fmax(g - w1->mn.val[w1->mn.head], w1->mx.val[w1->mx.head] - g);
        int b = 0;
        while (b < GW_POWER_HIST_BINS - 1 && v >= r->hist_edge_w_per_s[b + 1])
            b++;
        r->hist_count[b]++;
    }
}

void gwi_summary_add(gwi_summary *s, double g)
{
    long long k = s->n++;
    double t = (double)k * s->dt;
    s->sum += g;
    s->peak = fmax(s->peak, g), s->min = fmin(s->min, g);
    if (k > 0)
        s->inst = fmax(s->inst, fabs(g - s->prev) / s->dt);
    s->prev = g;
    for (int i = 0; i < s->nwin; i++) {
        gwi_window *w = &s->win[i];
        double lo = deque_push(&w->mn, k, g, w->span, -1);
        double hi = deque_push(&w->mx, k, g, w->span, +1);
        w->up = fmax(w->up, g - lo), w->down = fmax(w->down, hi - g);
    }
    const gw_power_config *c = s->c;
    for (int l = 0; l < c->nlimits; l++) {
        const gw_power_limit *lim = &c->limits[l];
        if (lim->kind == GW_LIMIT_BAND)
            continue;
        const gwi_window *w = &s->win[s->limit_win[l]];
        double hi = w->mx.val[w->mx.head], lo = w->mn.val[w->mn.head];
        if (lim->kind == GW_LIMIT_RAMP)
            episode_add(s, l, t, fmax(g - lo, hi - g) / w->window_s, lim->ramp_w_per_s,
                        fmax(w->window_s, EPISODE_GAP_S));
        else
            episode_add(s, l, t, hi - g, lim->max_w, EPISODE_GAP_S);
    }
    if (!s->lite)
        report_figures(s, g, k);
    if (s->want_spectrum) {
        s->block[s->fill++] = g;
        if (s->fill == s->m)
            spectrum_block(s);
    }
}

int gwi_summary_finish(gwi_summary *s, gw_error *err)
{
    gw_power_result *r = s->r;
    gw_power_grid *g = &r->grid;
    const gw_power_config *c = s->c;
    r->samples = s->n;
    g->peak_w = s->peak, g->min_w = s->min;
    g->mean_w = s->n ? s->sum / (double)s->n : 0;
    g->energy_j = s->sum * s->dt;
    g->instant_ramp_w_per_s = s->inst;
    for (int i = 0; i < GW_POWER_NWINDOWS; i++) {
        g->window_s[i] = s->win[i].window_s;
        g->ramp_up_w_per_s[i] = s->win[i].up / s->win[i].window_s;
        g->ramp_down_w_per_s[i] = s->win[i].down / s->win[i].window_s;
    }
    g->largest_load_loss_w = s->win[0].down;
    for (int l = 0; l < c->nlimits; l++)
        episode_close(s, l);
    if (!s->want_spectrum || s->blocks == 0)
        return GW_OK;
    for (int l = 0; l < c->nlimits; l++) {
        const gw_power_limit *lim = &c->limits[l];
        if (lim->kind != GW_LIMIT_BAND)
            continue;
        double v = band_rms(s, lim->low_hz, lim->high_hz);
        r->limit_worst[l] = v;
        if (v > lim->max_rms_w && r->nviolations < GW_POWER_MAX_VIOLATIONS)
            r->violations[r->nviolations++] = (gw_power_violation){
                .limit = l, .start_s = 0, .end_s = c->window_s, .value = v,
                .bound = lim->max_rms_w};
        else if (v > lim->max_rms_w)
            r->violations_more++;
    }
    if (s->lite)
        return GW_OK;
    spectrum_peak(s, g);
    for (int b = 0; b < GW_POWER_NBANDS; b++) {
        g->band_low_hz[b] = band_edges[b];
        g->band_high_hz[b] = isfinite(band_edges[b + 1]) ? band_edges[b + 1] : 0.5 / s->dt;
        g->band_rms_w[b] = band_rms(s, band_edges[b], band_edges[b + 1]);
    }
    if (spectrum_points(s, r))
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    return GW_OK;
}

void gwi_summary_free(gwi_summary *s)
{
    for (int i = 0; i < s->nwin; i++) {
        deque_free(&s->win[i].mn);
        deque_free(&s->win[i].mx);
    }
    free(s->block), free(s->re), free(s->im), free(s->acc), free(s->hann);
    memset(s, 0, sizeof *s);
}
