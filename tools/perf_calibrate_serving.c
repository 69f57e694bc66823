/* tools/perf_calibrate_serving.c — the measured serving runs of
 * silicon-sample.csv (data/perf/silicon-sample.csv) in the calibration
 * (tools/perf_calibrate.c, run by scripts/perf-validate).
 *
 * Rows are read and mapped exactly as `gigawatt validate` maps them
 * (docs/validate.md). The fit rows: in each partition (model x system x
 * engine x mode) the rows are ranked by the 64-bit FNV-1a hash of their id
 * (the row's seed, gw_validate_case.seed; ties by line) and the first 30%
 * (rounded) fit; every other row only checks. The choice depends on the
 * ids and the partition alone, not on the model's errors, so it is
 * reproducible and a refit cannot move a row between the sets. Rows whose
 * deployment a settings file states from a configuration they were
 * matched to, not from the run's own record (--serving-check-only:
 * data/perf/inferencex-disagg.csv, serving finding 35), are check rows
 * whatever their hash: they test the model, they do not tune it.
 *
 * The step factors are fitted on their TPOT only; of TTFT only the
 * stack's request_overhead and eager_mla_overhead are fitted, after them
 * (serving_fit_ttft_constants): the closed loop's start-up wave is the
 * serving model's arithmetic (docs/serving.md §7.9.1), which the step
 * factors must not absorb. */
#include "perf_calibrate_serving.h"

#include "gigawatt/buffer.h"
#include "gigawatt/csv.h"
#include "gigawatt/file.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "gw-perf-calibrate: %s%s\n", what, detail);
    exit(2);
}

/* Rows in partition order, then by hash of the id, then by line. */
typedef struct ranked {
    const gw_validate_row *row;
    size_t index;
    uint64_t hash;
} ranked;

static int same_partition(const gw_validate_row *x, const gw_validate_row *y)
{
    return strcmp(x->model, y->model) == 0 && strcmp(x->system, y->system) == 0 &&
           strcmp(x->engine, y->engine) == 0 && strcmp(x->mode, y->mode) == 0;
}

static int by_partition_hash(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    int d = strcmp(x->row->model, y->row->model);
    if (!d)
        d = strcmp(x->row->system, y->row->system);
    if (!d)
        d = strcmp(x->row->engine, y->row->engine);
    if (!d)
        d = strcmp(x->row->mode, y->row->mode);
    if (!d)
        d = (x->hash > y->hash) - (x->hash < y->hash);
    return d ? d : (x->row->line > y->row->line) - (x->row->line < y->row->line);
}

static void choose_fit_rows(serving_set *s)
{
    size_t n = s->res.nrows;
    ranked *r = malloc((n ? n : 1) * sizeof *r);
    if (!r)
        fail("out of memory", "");
    for (size_t i = 0; i < n; i++)
        r[i] = (ranked){.row = &s->res.rows[i], .index = i, .hash = s->res.rows[i].run.seed};
    qsort(r, n, sizeof *r, by_partition_hash);
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && same_partition(r[i].row, r[j].row); j++)
            ;
        size_t nfit = (size_t)floor(SERVING_FIT_SHARE * (double)(j - i) + 0.5);
        for (size_t k = i; k < i + nfit; k++)
            s->fit[r[k].index] = 1, s->nfit_rows++;
    }
    free(r);
}

/* Unmark the fit rows whose id the `id` column of the CSV at `path` names. */
static void exclude_from_fit(serving_set *s, const char *path)
{
    char *text;
    size_t len, pos = 0;
    if (gw_read_whole_file(path, GW_FILE_MAX_READ_BYTES, &text, &len))
        fail("cannot read --serving-check-only ", path);
    gw_csv_record rec = {0};
    int line = 1, got, id = -1;
    while ((got = gw_csv_next(text, len, &pos, &line, &rec)) != 0) {
        if (got < 0)
            fail("out of memory", "");
        if (gw_csv_blank(&rec))
            continue;
        if (id < 0) {
            for (int f = 0; f < rec.n && id < 0; f++)
                if (strcmp(gw_csv_field(&rec, f), "id") == 0)
                    id = f;
            if (id < 0)
                fail("no column 'id' in the header of ", path);
            continue;
        }
        const char *want = id < rec.n ? gw_csv_field(&rec, id) : "";
        for (size_t i = 0; i < s->res.nrows; i++)
            if (s->fit[i] && strcmp(s->res.rows[i].id, want) == 0)
                s->fit[i] = 0, s->nfit_rows--;
    }
    free(rec.text);
    free(text);
}

void serving_load(serving_set *s, const gw_catalog *cat, const char *path,
                  const char *settings, const char *check_only,
                  int (*stack_index)(void *user, const char *id), void *user)
{
    memset(s, 0, sizeof *s);
    gw_error err = {0};
    if (gw_validate_files(cat, path, settings, &s->res, &err)) {
        char buf[700];
        gw_error_format(&err, buf, sizeof buf);
        fail(buf, "");
    }
    size_t n = s->res.nrows ? s->res.nrows : 1;
    s->fit = calloc(n, 1);
    s->stack = calloc(n, sizeof *s->stack);
    if (!s->fit || !s->stack)
        fail("out of memory", "");
    choose_fit_rows(s);
    if (check_only)
        exclude_from_fit(s, check_only);
    for (size_t i = 0; i < s->res.nrows; i++) {
        const gw_validate_row *w = &s->res.rows[i];
        s->stack[i] = w->mapped ? stack_index(user, w->efficiency) : -1;
    }
}

void serving_free(serving_set *s)
{
    gw_validate_free(&s->res);
    free(s->fit);
    free(s->stack);
    memset(s, 0, sizeof *s);
}

void serving_objective(const serving_set *s, int k, const gw_efficiency *e, double *sum, int *n)
{
    *sum = 0, *n = 0;
    for (size_t i = 0; i < s->res.nrows; i++) {
        const gw_validate_row *w = &s->res.rows[i];
        if (!s->fit[i] || s->stack[i] != k)
            continue;
        gw_serve_point pt;
        gw_error err = {0};
        int ok = gw_validate_predict(&w->run, e, &pt, &err) == GW_OK && pt.tpot_s > 0 &&
                 pt.ttft_s > 0;
        double dt = ok ? log(pt.tpot_s * 1e3 / w->measured_tpot_ms) : 3;
        *sum += dt * dt, (*n)++;
    }
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of |base + o - measured| / measured over n rows (err: scratch). */
static double median_rel_error(const double *base, const double *meas, int n, double o,
                               double *err)
{
    for (int i = 0; i < n; i++)
        err[i] = fabs(base[i] + o - meas[i]) / meas[i];
    qsort(err, (size_t)n, sizeof *err, by_value);
    return n % 2 ? err[n / 2] : (err[n / 2 - 1] + err[n / 2]) / 2;
}

/* Fit rows of stack k with a measured TTFT, predicted with `e` (the
 * request overhead left out: TTFT is additive in it, serving.c adds it
 * last) into base[], their measurements into meas[]; returns how many. */
static int ttft_rows(const serving_set *s, int k, const gw_efficiency *e, double *base,
                     double *meas)
{
    gw_efficiency bare = *e;
    bare.request_overhead_s = 0;
    int n = 0;
    for (size_t i = 0; i < s->res.nrows; i++) {
        const gw_validate_row *w = &s->res.rows[i];
        gw_serve_point pt;
        gw_error gerr = {0};
        if (s->fit[i] && s->stack[i] == k && w->measured_ttft_ms > 0 &&
            gw_validate_predict(&w->run, &bare, &pt, &gerr) == GW_OK && pt.ttft_s > 0)
            base[n] = pt.ttft_s * 1e3, meas[n++] = w->measured_ttft_ms;
    }
    return n;
}

#define EAGER_STEP_S 50e-6 /* the eager grid: 0, 50 us, ... 4 ms a layer */
#define EAGER_STEPS 80

double serving_fit_ttft_constants(const serving_set *s, int k, const gw_efficiency *e,
                                  double *eager_s)
{
    size_t nr = s->res.nrows ? s->res.nrows : 1;
    double *base = malloc(4 * nr * sizeof *base), *meas = base + nr, *err = meas + nr,
           *none = err + nr;
    if (!base)
        fail("out of memory", "");
    gw_efficiency trial = *e;
    trial.eager_mla_overhead_s = 0;
    int n = ttft_rows(s, k, &trial, none, meas);
    /* does the eager term reach any row? (only MLA models' rows) */
    trial.eager_mla_overhead_s = EAGER_STEPS * EAGER_STEP_S;
    if (ttft_rows(s, k, &trial, base, meas) != n)
        fail("the rows with a TTFT changed with the eager time", "");
    int moves = 0;
    for (int i = 0; i < n; i++)
        moves |= base[i] != none[i];
    double best = -1, best_err = INFINITY;
    *eager_s = -1;
    for (int g = 0; n > 0 && g <= (moves ? EAGER_STEPS : 0); g++) {
        trial.eager_mla_overhead_s = g * EAGER_STEP_S;
        if (g == 0)
            memcpy(base, none, (size_t)n * sizeof *base);
        else if (ttft_rows(s, k, &trial, base, meas) != n)
            fail("the rows with a TTFT changed with the eager time", "");
        for (int ms = 0; ms <= 2000; ms++) {
            double m = median_rel_error(base, meas, n, ms, err);
            if (m < best_err)
                best_err = m, best = ms * 1e-3, *eager_s = moves ? trial.eager_mla_overhead_s : -1;
        }
    }
    free(base);
    return best;
}

void serving_predict(serving_set *s, const gw_efficiency *const *effs)
{
    for (size_t i = 0; i < s->res.nrows; i++) {
        gw_validate_row *w = &s->res.rows[i];
        if (s->stack[i] < 0)
            continue;
        gw_serve_point pt;
        gw_error err = {0};
        if (gw_validate_predict(&w->run, effs[s->stack[i]], &pt, &err) == GW_OK) {
            w->predicted_ttft_ms = pt.ttft_s * 1e3, w->predicted_tpot_ms = pt.tpot_s * 1e3;
            w->error[0] = 0;
        } else {
            w->predicted_ttft_ms = w->predicted_tpot_ms = NAN;
            snprintf(w->error, sizeof w->error, "%s", err.msg);
        }
    }
}

int serving_write_roles(const serving_set *s, const char *path, gw_error *err)
{
    gw_buf b = {0};
    gw_buf_printf(&b, "id,model,system,engine,mode,role\n");
    for (size_t i = 0; i < s->res.nrows; i++) {
        const gw_validate_row *w = &s->res.rows[i];
        const char *fields[] = {w->id, w->model, w->system, w->engine, w->mode};
        for (size_t f = 0; f < sizeof fields / sizeof *fields; f++) {
            gw_csv_write_field(&b, fields[f]);
            gw_buf_printf(&b, ",");
        }
        gw_buf_printf(&b, "%s\n", s->fit[i] ? "fit" : "check");
    }
    int rc = b.failed ? gw_error_set(err, GW_E_NOMEM, path, 0, 0, "out of memory")
                      : gw_write_file_atomic(path, b.s, b.len, err);
    gw_buf_free(&b);
    return rc;
}

/* ---- the report ------------------------------------------------------------ */

/* Which rows a summary line is over. */
enum { ALL, AGG, DISAGG, MOE, DENSE, NGROUPS };
static const char *const group_names[NGROUPS] = {"all", "agg", "disagg", "MoE", "dense"};

static int in_group(int g, const gw_validate_row *w)
{
    switch (g) {
    case AGG: return strcmp(w->mode, "agg") == 0;
    case DISAGG: return strcmp(w->mode, "disagg") == 0;
    case MOE: return w->moe == 1;
    case DENSE: return w->moe == 0;
    default: return 1;
    }
}

/* The rows of set `fit` (1 fit, 0 check) in group `g`, summarised. */
static void summary(const serving_set *s, int fit, int g, gw_validate_partition *p)
{
    const gw_validate_row **v = malloc((s->res.nrows ? s->res.nrows : 1) * sizeof *v);
    if (!v)
        fail("out of memory", "");
    size_t n = 0;
    for (size_t i = 0; i < s->res.nrows; i++) {
        const gw_validate_row *w = &s->res.rows[i];
        if (s->fit[i] == fit && in_group(g, w))
            v[n++] = w;
    }
    memset(p, 0, sizeof *p);
    gw_validate_summarise(v, n, p);
    free(v);
}

static void pct(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, " %.1f%% |", v);
    else
        fprintf(f, " — |");
}

static void summary_row(FILE *f, const char *label, const gw_validate_partition *p)
{
    fprintf(f, "| %s | %d | %d | %d |", label, p->rows, p->unpredictable, p->tpot.n);
    pct(f, p->ttft.median_abs_pct);
    pct(f, p->ttft.signed_median_pct);
    pct(f, p->tpot.median_abs_pct);
    pct(f, p->tpot.mape_pct);
    pct(f, p->tpot.signed_median_pct);
    fprintf(f, "\n");
}

static void summary_header(FILE *f, const char *what)
{
    fprintf(f, "| %s | rows | unpredictable | predicted | TTFT median abs. | TTFT signed "
               "median | TPOT median abs. | TPOT MAPE | TPOT signed median |\n"
               "|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
            what);
}

static void doc_preamble(FILE *f, const serving_set *s)
{
    fprintf(f, "\n## Serving runs: silicon-sample.csv (issue 13)\n\n"
               "%zu measured serving runs (data/perf/silicon-sample.csv, from NVIDIA's "
               "AIConfigurator repository, Apache-2.0, github:ai-dynamo/aiconfigurator; "
               "columns: data/perf/README.md), each "
               "mapped onto the catalog exactly as `gigawatt validate` maps it "
               "(docs/validate.md) and predicted with the serving model (docs/serving.md). "
               "Errors are predicted / measured − 1 (positive: the model is slower).\n\n"
               "**Fit and check rows.** In each partition (model × system × engine × mode) the "
               "rows are ranked by the 64-bit FNV-1a hash of their `id` (ties by line) and the "
               "first 30%% (rounded) are `fit` rows: %d of %zu. Every other row is a `check` "
               "row and is never fitted. The choice depends on the ids and partitions alone, "
               "never on the errors, so it is reproducible and a refit cannot move a row "
               "between the sets. The rows whose deployment data/perf/silicon-settings.csv "
               "states from the InferenceX configuration they were matched to "
               "(data/perf/inferencex-disagg.csv, finding 35) rather than from the run's own "
               "record are `check` rows whatever their hash: they test the model and do not "
               "tune it. Each stack is fitted on the fit rows of its own "
               "(generation, engine) together with its data/perf/measurements.csv fit rows "
               "(tools/perf_calibrate.c: the mean squared log error of each set, summed).\n\n"
               "**TPOT is fitted, TTFT only reported.** The measured TTFT holds queueing and "
               "harness waits (docs/serving.md, \"Check against measured points\": rows whose "
               "TTFT is about one inter-completion gap); efficiency factors fitted to them would "
               "slow every prefill to stand for a wait.\n\n",
            s->res.nrows, s->nfit_rows, s->res.nrows);
}

/* A fraction for the CSV (empty when there is none). */
static void csv_frac(FILE *f, double pct_value)
{
    if (isfinite(pct_value))
        fprintf(f, ",%.4f", pct_value / 100);
    else
        fprintf(f, ",");
}

/* One partition's check errors in data/perf/known-errors.csv (the header
 * is KNOWN_ERRORS_HEADER): what `perf` reads to warn of a known large
 * error (src/scenario/known_errors.c). */
#define KNOWN_ERRORS_HEADER                                                                \
    "model,accelerator,engine,mode,check_rows,ttft_n,ttft_median_abs_error,"                \
    "ttft_signed_median,tpot_n,tpot_median_abs_error,tpot_signed_median,throughput_n,"      \
    "throughput_median_abs_error,throughput_signed_median\n"
static void known_errors_row(FILE *f, const gw_validate_partition *q,
                             const gw_validate_partition *c)
{
    fprintf(f, "%s,%s,%s,%s,%d,%d", q->model, q->system, q->engine, q->mode, c->rows, c->ttft.n);
    csv_frac(f, c->ttft.median_abs_pct);
    csv_frac(f, c->ttft.signed_median_pct);
    fprintf(f, ",%d", c->tpot.n);
    csv_frac(f, c->tpot.median_abs_pct);
    csv_frac(f, c->tpot.signed_median_pct);
    fprintf(f, ",0,,\n"); /* throughput: the benchmark rows' lines (mode throughput) */
}

/* Per partition: fit and check counts, check errors; `bad` counts the
 * partitions with >= 20 check rows beyond a 30% median (TTFT or TPOT),
 * `bad_tpot` those beyond it on TPOT. */
static void doc_partitions(FILE *f, const serving_set *s, int *bad, int *bad_tpot)
{
    fprintf(f, "\n### Per partition\n\n"
               "| partition | stack | fit rows | check rows | check unpredictable | check "
               "TTFT median abs. | check TTFT signed | check TPOT median abs. | check TPOT "
               "signed | fit TPOT median abs. |\n"
               "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    *bad = *bad_tpot = 0;
    if (s->known_errors)
        fputs(KNOWN_ERRORS_HEADER, s->known_errors);
    for (size_t i = 0; i < s->res.npartitions; i++) {
        const gw_validate_partition *q = &s->res.partitions[i];
        gw_validate_partition c = {0}, t = {0};
        const gw_validate_row **u = malloc(s->res.nrows * sizeof *u);
        const gw_validate_row **x = malloc(s->res.nrows * sizeof *x);
        if (!u || !x)
            fail("out of memory", "");
        size_t nc = 0, nf = 0;
        for (size_t r = 0; r < s->res.nrows; r++) {
            const gw_validate_row *w = &s->res.rows[r];
            if (strcmp(w->model, q->model) || strcmp(w->system, q->system) ||
                strcmp(w->engine, q->engine) || strcmp(w->mode, q->mode))
                continue;
            if (s->fit[r])
                x[nf++] = w;
            else
                u[nc++] = w;
        }
        gw_validate_summarise(u, nc, &c);
        gw_validate_summarise(x, nf, &t);
        free(u);
        free(x);
        int off = c.tpot.n >= 20 && (c.tpot.median_abs_pct > 30 || c.ttft.median_abs_pct > 30);
        *bad += off;
        *bad_tpot += c.tpot.n >= 20 && c.tpot.median_abs_pct > 30;
        fprintf(f, "| %s%s %s %s %s%s | %s%s | %d | %d | %d |", off ? "**" : "", q->model,
                q->system, q->engine, q->mode, off ? "**" : "",
                c.efficiency[0] ? c.efficiency : t.efficiency,
                (c.efficiency[0] ? c.engine_stack : t.engine_stack) ? "" : " (own)", (int)nf, (int)nc,
                c.unpredictable);
        pct(f, c.ttft.median_abs_pct);
        pct(f, c.ttft.signed_median_pct);
        pct(f, c.tpot.median_abs_pct);
        pct(f, c.tpot.signed_median_pct);
        pct(f, t.tpot.median_abs_pct);
        fprintf(f, "\n");
        if (s->known_errors)
            known_errors_row(s->known_errors, q, &c);
    }
}

int serving_doc(FILE *f, serving_set *s)
{
    doc_preamble(f, s);
    fprintf(f, "### Summary\n\n");
    summary_header(f, "set");
    gw_validate_partition p, fitp;
    summary(s, 1, ALL, &fitp);
    summary_row(f, "fit", &fitp);
    for (int g = 0; g < NGROUPS; g++) {
        char label[64];
        summary(s, 0, g, &p);
        snprintf(label, sizeof label, "%scheck, %s%s", g ? "" : "**", group_names[g],
                 g ? "" : "**");
        summary_row(f, label, &p);
    }
    summary(s, 0, ALL, &p);
    int bad, bad_tpot;
    doc_partitions(f, s, &bad, &bad_tpot);
    int tpot_ok = p.tpot.median_abs_pct <= 15, ttft_ok = p.ttft.median_abs_pct <= 20;
    fprintf(f, "\n**Bars (issue 13), check rows:** TPOT median abs. error ≤ 15%%: %.1f%%, "
               "**%s**; TTFT ≤ 20%%: %.1f%%, **%s**; partitions with ≥ 20 check rows beyond a "
               "30%% median (bold above): %d, **%s** (on TPOT alone: %d).\n",
            p.tpot.median_abs_pct, tpot_ok ? "met" : "NOT met", p.ttft.median_abs_pct,
            ttft_ok ? "met" : "NOT met", bad, bad ? "NOT met" : "met", bad_tpot);
    return tpot_ok && ttft_ok && !bad;
}
