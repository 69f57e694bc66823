/* src/sim/workload.c — request streams for the simulators (engines layer):
 * trace replay from CSV (Vidur's columns) and synthetic arrivals (Poisson,
 * gamma-bursty, diurnal) with token counts from any gw_dist. docs/sim.md §2. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gigawatt/file.h" /* GW_FILE_MAX_READ_BYTES bounds a trace read whole */
#include "gigawatt/sim.h"

void gw_workload_free(gw_workload *w)
{
    free(w->arrival);
    free(w->prompt);
    free(w->output);
    memset(w, 0, sizeof *w);
}

static int reserve(gw_workload *w, size_t n)
{
    w->arrival = malloc(n * sizeof *w->arrival);
    w->prompt = malloc(n * sizeof *w->prompt);
    w->output = malloc(n * sizeof *w->output);
    return w->arrival && w->prompt && w->output ? GW_OK : GW_E_NOMEM;
}

#define MAX_TOKENS_PER_REQUEST 1e8 /* far beyond any context; keeps int32 safe */

/* One CSV field [b, e) of line `line` starting at column `col`. */
typedef struct field {
    const char *b, *e;
    int col;
} field;

static int split_line(const char *s, const char *end, field *f, int max)
{
    int n = 0, col = 1;
    const char *b = s;
    for (const char *p = s;; p++) {
        if (p == end || *p == ',') {
            if (n < max)
                f[n] = (field){b, p, col};
            n++;
            if (p == end)
                break;
            col += (int)(p - b) + 1;
            b = p + 1;
        }
    }
    return n;
}

static int field_is(const field *f, const char *name)
{
    size_t l = strlen(name);
    const char *b = f->b, *e = f->e;
    while (b < e && (*b == ' ' || *b == '"'))
        b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '"' || e[-1] == '\r'))
        e--;
    return (size_t)(e - b) == l && memcmp(b, name, l) == 0;
}

static int parse_number(const field *f, double *out)
{
    char buf[64];
    size_t l = (size_t)(f->e - f->b);
    while (l && (f->b[l - 1] == '\r' || f->b[l - 1] == ' '))
        l--;
    if (l == 0 || l >= sizeof buf)
        return 0;
    memcpy(buf, f->b, l);
    buf[l] = 0;
    char *end;
    errno = 0;
    *out = strtod(buf, &end);
    return *end == 0 && errno == 0 && isfinite(*out);
}

/* The whole trace file into a fresh buffer (*text, *len; the caller frees). */
static int read_trace(const char *path, char **text_out, size_t *len_out, gw_error *err)
{
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return gw_error_set(err, GW_E_INPUT, path, 0, 0,
                            "the trace is not a regular file; expected a CSV file");
    int r = gw_read_whole_file(path, GW_FILE_MAX_READ_BYTES, text_out, len_out);
    if (r == GW_FILE_UNREADABLE)
        return gw_error_set(err, GW_E_INPUT, path, 0, 0,
                            "cannot open the trace; expected a readable CSV file");
    if (r == GW_FILE_TOO_LARGE)
        return gw_error_set(err, GW_E_LIMIT, path, 0, 0,
                            "trace larger than 1 GiB; expected a smaller file");
    if (r)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    return GW_OK;
}

/* The three columns a trace needs (Vidur's names), by position in the
 * header [p, hend): col[0] arrived_at, col[1] num_prefill_tokens,
 * col[2] num_decode_tokens. */
static const char *const TRACE_COLUMNS[3] = {"arrived_at", "num_prefill_tokens",
                                             "num_decode_tokens"};

static int find_columns(const char *p, const char *hend, int col[3], const char *path,
                        gw_error *err)
{
    field f[64];
    int nh = split_line(p, hend, f, 64);
    col[0] = col[1] = col[2] = -1;
    for (int i = 0; i < nh && i < 64; i++) {
        if (field_is(&f[i], TRACE_COLUMNS[0]))
            col[0] = i;
        else if (field_is(&f[i], TRACE_COLUMNS[1]))
            col[1] = i;
        else if (field_is(&f[i], TRACE_COLUMNS[2]))
            col[2] = i;
    }
    for (int k = 0; k < 3; k++)
        if (col[k] < 0)
            return gw_error_set(err, GW_E_INPUT, path, 1, 1,
                                "no column '%s' in the header; expected the columns arrived_at, "
                                "num_prefill_tokens, num_decode_tokens",
                                TRACE_COLUMNS[k]);
    return GW_OK;
}

/* One data row's fields f[0..n) at line `line`: its three numbers, checked
 * (arrival non-negative and not before `last`, whole token counts 1..1e8),
 * the prompt cut to max_tokens as Vidur does, appended to w. */
static int parse_row(const field *f, int n, int need, const int col[3], int line, double last,
                     double max_tokens, gw_workload *w, const char *path, gw_error *err)
{
    if (n < need)
        return gw_error_set(err, GW_E_INPUT, path, line, 1,
                            "%d fields; expected at least %d (the header's columns)", n, need);
    double v[3]; /* arrival, prompt, output */
    for (int k = 0; k < 3; k++)
        if (!parse_number(&f[col[k]], &v[k]))
            return gw_error_set(err, GW_E_INPUT, path, line, f[col[k]].col,
                                "%s is not a number; expected a plain number", TRACE_COLUMNS[k]);
    double a = v[0], pre = v[1], dec = v[2];
    if (a < 0 || a < last)
        return gw_error_set(err, GW_E_INPUT, path, line, f[col[0]].col,
                            a < 0 ? "arrived_at %.9g is negative; expected seconds >= 0"
                                  : "arrived_at %.9g is before the previous row's; expected "
                                    "non-decreasing arrival times",
                            a);
    if (pre < 1 || dec < 1 || pre != floor(pre) || dec != floor(dec) ||
        pre > MAX_TOKENS_PER_REQUEST || dec > MAX_TOKENS_PER_REQUEST) {
        int c = (pre < 1 || pre != floor(pre) || pre > MAX_TOKENS_PER_REQUEST) ? f[col[1]].col
                                                                              : f[col[2]].col;
        return gw_error_set(err, GW_E_INPUT, path, line, c,
                            "token counts %.9g and %.9g; expected whole numbers from 1 to 1e8",
                            pre, dec);
    }
    if (max_tokens > 0 && pre + dec > max_tokens) {
        /* Vidur's convention: cut the prompt by the excess, keep the output */
        double cutp = pre - (pre + dec - max_tokens);
        pre = cutp >= 1 ? cutp : 1;
        w->cut++;
    }
    w->arrival[w->n] = a;
    w->prompt[w->n] = (int32_t)pre;
    w->output[w->n] = (int32_t)dec;
    w->n++;
    return GW_OK;
}

int gw_workload_load_csv(const char *path, size_t limit, double max_tokens, gw_workload *w,
                         gw_error *err)
{
    memset(w, 0, sizeof *w);
    char *text = NULL;
    size_t len = 0;
    int rc = read_trace(path, &text, &len, err);
    if (rc)
        return rc;
    size_t lines = 1; /* for the allocation */
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    const char *p = text, *end = text + len;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    int col[3];
    if ((rc = find_columns(p, nl ? nl : end, col, path, err))) {
        free(text);
        return rc;
    }
    int need = col[0] > col[1] ? col[0] : col[1];
    need = (need > col[2] ? need : col[2]) + 1;
    if ((rc = reserve(w, lines))) {
        free(text);
        gw_workload_free(w);
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    p = nl ? nl + 1 : end;
    int line = 1;
    while (p < end && (!limit || w->n < limit)) {
        line++;
        nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *start = p, *q = p;
        p = nl ? nl + 1 : end;
        while (q < le && (*q == ' ' || *q == '\r'))
            q++;
        if (q == le)
            continue; /* blank line */
        field f[64];
        int n = split_line(start, le, f, 64); /* columns count from the line's start */
        double last = w->n ? w->arrival[w->n - 1] : -INFINITY;
        if ((rc = parse_row(f, n, need, col, line, last, max_tokens, w, path, err)))
            break;
    }
    free(text);
    if (rc == GW_OK && w->n == 0)
        rc = gw_error_set(err, GW_E_INPUT, path, line, 1, "no requests; expected data rows");
    if (rc)
        gw_workload_free(w);
    return rc;
}

/* stream purposes: one independent stream per (seed, request, purpose) */
enum { STREAM_GAP = 1, STREAM_PROMPT = 2, STREAM_OUTPUT = 3, STREAM_THIN = 4 };

/* A whole number uniform on [ceil(low x n), n] (n when low is 0 or 1),
 * at least 1: vLLM's random dataset draws integers in a range the same way. */
static int32_t closed_length(double n, double low, uint64_t seed, size_t i, uint32_t purpose)
{
    double hi = fmin(fmax(round(n), 1), MAX_TOKENS_PER_REQUEST);
    if (!(low > 0 && low < 1))
        return (int32_t)hi;
    double lo = fmax(ceil(low * hi), 1);
    gw_rng r;
    gw_rng_init(&r, seed, i, purpose);
    return (int32_t)fmin(lo + floor(gw_rng_uniform(&r) * (hi - lo + 1)), hi);
}

void gw_workload_closed_lengths(const gw_sim_closed_loop *cl, uint64_t seed, size_t i,
                                int32_t *prompt, int32_t *output)
{
    *prompt = closed_length(cl->input_tokens, cl->length_low, seed, i, STREAM_PROMPT);
    *output = closed_length(cl->output_tokens, cl->length_low, seed, i, STREAM_OUTPUT);
}

int gw_workload_synthetic(const gw_synthetic *s, gw_workload *w, gw_error *err)
{
    memset(w, 0, sizeof *w);
    if (s->requests < 1 || s->requests > (size_t)1e9 || !(s->rate > 0) || !isfinite(s->rate))
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "synthetic workload of %zu requests at %g/s; expected 1 to 1e9 "
                            "requests at a positive rate",
                            s->requests, s->rate);
    if (s->arrival == GW_ARRIVAL_GAMMA && !(s->cv > 0))
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "gamma arrivals with cv %g; expected cv > 0, the coefficient of "
                            "variation of the gaps",
                            s->cv);
    if (s->arrival == GW_ARRIVAL_DIURNAL &&
        !(s->amplitude >= 0 && s->amplitude <= 1 && s->period_s > 0))
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "diurnal arrivals with amplitude %g and period %g s; expected an "
                            "amplitude in [0, 1] and a period > 0",
                            s->amplitude, s->period_s);
    gw_dist prompt = s->prompt, output = s->output;
    prompt.integer = output.integer = 1;
    int rc;
    if ((rc = gw_dist_prepare(&prompt, err)) || (rc = gw_dist_prepare(&output, err)))
        return rc;
    if (reserve(w, s->requests)) {
        gw_workload_free(w);
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    /* gamma gaps with mean 1/rate and cv: shape 1/cv², scale cv²/rate */
    gw_dist gap = {.kind = GW_DIST_EXPONENTIAL, .a = 1 / s->rate};
    if (s->arrival == GW_ARRIVAL_GAMMA)
        gap = (gw_dist){GW_DIST_GAMMA, 1 / (s->cv * s->cv), s->cv * s->cv / s->rate,
                        0, 0, 0, NULL, 0, 0, 0, 0};
    double peak = s->rate * (1 + (s->arrival == GW_ARRIVAL_DIURNAL ? s->amplitude : 0));
    if (s->arrival == GW_ARRIVAL_DIURNAL)
        gap.a = 1 / peak;
    double t = 0;
    gw_rng r;
    uint64_t candidate = 0;
    for (size_t i = 0; i < s->requests; i++) {
        if (s->arrival == GW_ARRIVAL_DIURNAL) {
            /* thinning (Lewis & Shedler 1979): candidates at the peak rate,
             * kept with probability rate(t)/peak */
            for (;;) {
                gw_rng_init(&r, s->seed, candidate, STREAM_GAP);
                t += gw_dist_sample(&gap, &r);
                gw_rng_init(&r, s->seed, candidate++, STREAM_THIN);
                double rate_t = s->rate * (1 + s->amplitude * sin(2 * M_PI * t / s->period_s));
                if (gw_rng_uniform(&r) * peak <= rate_t)
                    break;
            }
        } else {
            gw_rng_init(&r, s->seed, i, STREAM_GAP);
            t += i ? gw_dist_sample(&gap, &r) : 0;
        }
        w->arrival[i] = t;
        gw_rng_init(&r, s->seed, i, STREAM_PROMPT);
        double pr = gw_dist_sample(&prompt, &r);
        gw_rng_init(&r, s->seed, i, STREAM_OUTPUT);
        double ou = gw_dist_sample(&output, &r);
        w->prompt[i] = (int32_t)fmin(fmax(pr, 1), MAX_TOKENS_PER_REQUEST);
        w->output[i] = (int32_t)fmin(fmax(ou, 1), MAX_TOKENS_PER_REQUEST);
    }
    w->n = s->requests;
    return GW_OK;
}
