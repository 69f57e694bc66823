/* tools/validate_replay.c — gw-validate-replay: every row of a CSV with
 * silicon-sample.csv's columns predicted twice, by the serving model's
 * closed form (what `gigawatt validate` reports) and by the benchmark
 * replayed through the replica simulator (gw_validate_replay), against the
 * measured TTFT and TPOT. The summary is over the calibration's check rows
 * (tools/perf_calibrate_serving.c's split), per group, engine x mode and
 * client-concurrency band: the evidence of data/perf/serving-findings.md
 * finding 9. A tool, not the library: it prints.
 *
 * A second table gives the share of the replay's start-up wave that the
 * measured TTFT holds in every cycle (wave_share_table).
 * --length-low X replays every row with lengths drawn from X of nominal
 * (1: fixed) instead of the harness's 0.8.
 *
 *   gw-validate-replay [--catalog DIRS] [--length-low X] [--rows OUT.csv]
 *                      [--settings SETTINGS.csv] [--check-only IDS.csv] FILE.csv
 * (--check-only: the calibration's --serving-check-only, so the split is
 * the calibration's: data/perf/inferencex-disagg.csv) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "gigawatt/command.h"
#include "gigawatt/stats.h"
#include "perf_calibrate_serving.h"

/* One predicted row: measured, closed form, replay (ms). */
#define USAGE                                                                             \
    "usage: gw-validate-replay [--catalog DIRS] [--length-low X] [--rows OUT.csv]\n" \
    "                          [--settings SETTINGS.csv] [--check-only IDS.csv] FILE.csv\n"

typedef struct compared {
    const gw_validate_row *row;
    int fit;
    double cf_ttft, cf_tpot, rp_ttft, rp_ttft_p50, rp_tpot, rp_tpot_p50;
    double rp_wave, rp_later;
} compared;

static int any_stack(void *user, const char *id)
{
    (void)user, (void)id;
    return 0;
}

static double signed_pct(double predicted, double measured)
{
    return (predicted - measured) / measured * 100;
}

static double median(double *v, size_t n)
{
    return n && gw_stats_sort(v, n) == 0 ? gw_stats_quantile_sorted(v, n, 0.5) : NAN;
}

/* Median absolute and signed error of one predictor's column over rows. */
static void errors(const compared *c, size_t n, size_t off_pred, int tpot, double *scratch,
                   double *abs_med, double *signed_med)
{
    for (size_t i = 0; i < n; i++) {
        double p = *(const double *)((const char *)&c[i] + off_pred);
        double m = tpot ? c[i].row->measured_tpot_ms : c[i].row->measured_ttft_ms;
        scratch[i] = signed_pct(p, m);
    }
    *signed_med = median(scratch, n);
    for (size_t i = 0; i < n; i++)
        scratch[i] = fabs(scratch[i]);
    *abs_med = median(scratch, n);
}

static const char *band(double c)
{
    return c <= 8 ? "C <= 8" : c <= 32 ? "C <= 32" : c <= 128 ? "C <= 128" : "C > 128";
}

typedef int (*row_filter)(const compared *c, const char *a, const char *b);

static int is_all(const compared *c, const char *a, const char *b)
{
    (void)c, (void)a, (void)b;
    return 1;
}
static int is_mode(const compared *c, const char *a, const char *b)
{
    (void)b;
    return strcmp(c->row->mode, a) == 0;
}
static int is_moe(const compared *c, const char *a, const char *b)
{
    (void)b;
    return c->row->moe == (strcmp(a, "MoE") == 0);
}
static int is_engine_mode(const compared *c, const char *a, const char *b)
{
    return strcmp(c->row->engine, a) == 0 && strcmp(c->row->mode, b) == 0;
}
static int is_engine_band(const compared *c, const char *a, const char *b)
{
    return strcmp(c->row->engine, a) == 0 && strcmp(c->row->mode, "agg") == 0 &&
           strcmp(band(c->row->run.rq.concurrency), b) == 0;
}

/* One line of the table: the check rows the filter keeps. */
static void line(const compared *all, size_t n, compared *sel, double *scratch,
                 const char *label, row_filter keep, const char *a, const char *b)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!all[i].fit && keep(&all[i], a, b))
            sel[m++] = all[i];
    if (!m)
        return;
    double v[8];
    errors(sel, m, offsetof(compared, cf_ttft), 0, scratch, &v[0], &v[1]);
    errors(sel, m, offsetof(compared, rp_ttft), 0, scratch, &v[2], &v[3]);
    errors(sel, m, offsetof(compared, cf_tpot), 1, scratch, &v[4], &v[5]);
    errors(sel, m, offsetof(compared, rp_tpot), 1, scratch, &v[6], &v[7]);
    printf("| %s | %zu | %.1f%% (%+.0f%%) | %.1f%% (%+.0f%%) | %.1f%% (%+.0f%%) | %.1f%% "
           "(%+.0f%%) |\n",
           label, m, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
}

static void table(const compared *c, size_t n)
{
    compared *sel = malloc((n ? n : 1) * sizeof *sel);
    double *scratch = malloc((n ? n : 1) * sizeof *scratch);
    if (!sel || !scratch)
        exit(2);
    static const char *const engines[] = {"trtllm", "sglang", "vllm"};
    static const char *const bands[] = {"C <= 8", "C <= 32", "C <= 128", "C > 128"};
    char label[64];
    printf("| check rows | n | TTFT closed form | TTFT replay (mean) | TPOT closed form | "
           "TPOT replay (mean) |\n|---|---:|---:|---:|---:|---:|\n");
    line(c, n, sel, scratch, "all", is_all, "", "");
    line(c, n, sel, scratch, "agg", is_mode, "agg", "");
    line(c, n, sel, scratch, "disagg", is_mode, "disagg", "");
    line(c, n, sel, scratch, "MoE", is_moe, "MoE", "");
    line(c, n, sel, scratch, "dense", is_moe, "dense", "");
    for (int e = 0; e < 3; e++)
        for (int d = 0; d < 2; d++) {
            snprintf(label, sizeof label, "%s %s", engines[e], d ? "disagg" : "agg");
            line(c, n, sel, scratch, label, is_engine_mode, engines[e], d ? "disagg" : "agg");
        }
    for (int e = 0; e < 3; e++)
        for (int k = 0; k < 4; k++) {
            snprintf(label, sizeof label, "%s agg, %s", engines[e], bands[k]);
            line(c, n, sel, scratch, label, is_engine_band, engines[e], bands[k]);
        }
    free(sel), free(scratch);
}

/* The share of the replay's start-up wave that the measured TTFT holds
 * beyond the replay's later cycles, s = (measured - later) / (wave -
 * later), median per engine, mode and concurrency band over all rows
 * (the fit rows too: TTFT is not fitted but its overhead). K = 10 cycles
 * that desynchronise after the wave, as the replay's do, give s = 1/K =
 * 0.1; waves that persist in every cycle give s = 1. */
static void wave_share_table(const compared *c, size_t n)
{
    static const char *const engines[] = {"trtllm", "sglang", "vllm"};
    static const char *const bands[] = {"C <= 8", "C <= 32", "C <= 128", "C > 128"};
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        exit(2);
    printf("\n| engine | mode | band | rows | share of the wave in every cycle (median) |\n"
           "|---|---|---|---:|---:|\n");
    for (int e = 0; e < 3; e++)
        for (int d = 0; d < 2; d++)
            for (int k = 0; k < 4; k++) {
                size_t m = 0;
                for (size_t i = 0; i < n; i++) {
                    const gw_validate_row *w = c[i].row;
                    double spread = c[i].rp_wave - c[i].rp_later;
                    if (strcmp(w->engine, engines[e]) == 0 &&
                        strcmp(w->mode, d ? "disagg" : "agg") == 0 &&
                        strcmp(band(w->run.rq.concurrency), bands[k]) == 0 && spread > 1)
                        v[m++] = (w->measured_ttft_ms - c[i].rp_later) / spread;
                }
                if (m >= 5)
                    printf("| %s | %s | %s | %zu | %.2f |\n", engines[e], d ? "disagg" : "agg",
                           bands[k], m, median(v, m));
            }
    free(v);
}

static void write_rows(const char *path, const compared *c, size_t n)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "gw-validate-replay: %s: cannot be written\n", path);
        exit(2);
    }
    fprintf(f, "id,engine,mode,moe,fit,concurrency,isl,osl,measured_ttft_ms,measured_tpot_ms,"
               "closed_form_ttft_ms,closed_form_tpot_ms,replay_ttft_mean_ms,replay_ttft_p50_ms,"
               "replay_tpot_mean_ms,replay_tpot_p50_ms,replay_wave_ttft_ms,replay_later_ttft_ms\n");
    for (size_t i = 0; i < n; i++) {
        const gw_validate_row *w = c[i].row;
        fprintf(f, "%s,%s,%s,%d,%d,%g,%g,%g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n",
                w->id,
                w->engine, w->mode, w->moe, c[i].fit, w->run.rq.concurrency,
                w->run.rq.input_tokens, w->run.rq.output_tokens, w->measured_ttft_ms,
                w->measured_tpot_ms, c[i].cf_ttft, c[i].cf_tpot, c[i].rp_ttft, c[i].rp_ttft_p50,
                c[i].rp_tpot, c[i].rp_tpot_p50, c[i].rp_wave, c[i].rp_later);
    }
    fclose(f);
}

int main(int argc, char **argv)
{
    const char *catdir = gw_command_catalog_dir(NULL), *rows_out = NULL, *path = NULL,
               *settings = NULL, *check_only = NULL;
    double length_low = 0; /* the replay's default: the harness's 0.8 */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--catalog") == 0 && i + 1 < argc)
            catdir = argv[++i];
        else if (strcmp(argv[i], "--length-low") == 0 && i + 1 < argc)
            length_low = atof(argv[++i]);
        else if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc)
            rows_out = argv[++i];
        else if (strcmp(argv[i], "--settings") == 0 && i + 1 < argc)
            settings = argv[++i];
        else if (strcmp(argv[i], "--check-only") == 0 && i + 1 < argc)
            check_only = argv[++i];
        else if (argv[i][0] != '-' && !path)
            path = argv[i];
        else {
            fprintf(stderr, USAGE);
            return 2;
        }
    }
    if (!path) {
        fprintf(stderr, USAGE);
        return 2;
    }
    gw_catalog cat;
    gw_error err = {0};
    if (gw_catalog_load(&cat, catdir, &err)) {
        fprintf(stderr, "gw-validate-replay: %s\n", err.msg);
        return 2;
    }
    serving_set s;
    serving_load(&s, &cat, path, settings, check_only, any_stack, NULL);
    compared *c = malloc((s.res.nrows ? s.res.nrows : 1) * sizeof *c);
    if (!c)
        return 2;
    size_t n = 0, failed = 0;
    clock_t t0 = clock();
    for (size_t i = 0; i < s.res.nrows; i++) {
        const gw_validate_row *w = &s.res.rows[i];
        gw_validate_replay_result rp;
        gw_error rerr = {0};
        if (!w->mapped || w->error[0])
            continue;
        gw_validate_case run = w->run;
        if (length_low > 0)
            run.rq.length_low = length_low;
        if (gw_validate_replay(&run, NULL, &rp, &rerr)) {
            failed++;
            fprintf(stderr, "%s: %s\n", w->id, rerr.msg);
            continue;
        }
        c[n++] = (compared){.row = w, .fit = s.fit[i],
                            .cf_ttft = w->predicted_ttft_ms, .cf_tpot = w->predicted_tpot_ms,
                            .rp_ttft = rp.ttft_mean_s * 1e3, .rp_ttft_p50 = rp.ttft_p50_s * 1e3,
                            .rp_tpot = rp.tpot_mean_s * 1e3, .rp_tpot_p50 = rp.tpot_p50_s * 1e3,
                            .rp_wave = rp.wave_ttft_s * 1e3, .rp_later = rp.later_ttft_s * 1e3};
    }
    fprintf(stderr, "gw-validate-replay: %zu rows replayed (%zu failed) in %.1f s of CPU\n", n,
            failed, (double)(clock() - t0) / CLOCKS_PER_SEC);
    table(c, n);
    wave_share_table(c, n);
    if (rows_out)
        write_rows(rows_out, c, n);
    free(c);
    serving_free(&s);
    gw_catalog_free(&cat);
    return 0;
}
