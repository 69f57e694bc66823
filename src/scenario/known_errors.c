/* src/scenario/known_errors.c — the validation's known large errors
 * (scenario layer): the per-partition check-row errors of
 * docs/perf-validation.md ("Serving runs", per partition), as
 * scripts/perf-validate writes them to data/perf/known-errors.csv, which
 * the build compiles in (CMakeLists.txt). `perf` looks its configuration's
 * partition (model x accelerator x engine x mode) up here, and its model x
 * accelerator x engine's benchmark throughput rows (mode "throughput"),
 * and states the measured bias when a median error is beyond
 * GW_PERF_CAVEAT_THRESHOLD. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/csv.h"
#include "gigawatt/perf_cmd.h"

extern const char gwi_known_errors_csv[];

enum { COL_MODEL, COL_ACCEL, COL_ENGINE, COL_MODE, COL_ROWS, COL_TTFT_N, COL_TTFT_ABS,
       COL_TTFT_SIGNED, COL_TPOT_N, COL_TPOT_ABS, COL_TPOT_SIGNED, COL_TPUT_N, COL_TPUT_ABS,
       COL_TPUT_SIGNED, NCOLS };

/* An empty field (no predicted row) is -1: never beyond the threshold. */
static double fraction(const char *s)
{
    return s[0] ? strtod(s, NULL) : -1;
}

/* "model,accelerator,engine,mode," into key; its length, 0 if too long. */
static size_t line_key(char *key, size_t size, const char *model, const char *accelerator,
                       const char *engine, const char *mode)
{
    int n = snprintf(key, size, "%s,%s,%s,%s,", model, accelerator, engine, mode);
    return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

int gw_perf_known_error(const char *model, const char *accelerator, const char *engine,
                        const char *mode, gw_perf_caveat *out)
{
    memset(out, 0, sizeof *out);
    out->ttft_median_abs = out->tpot_median_abs = out->throughput_median_abs = -1;
    /* one pass over the lines (perf runs this once a run, explore once a
     * point): only a line that starts with one of the two keys is split */
    char serving_key[4 * GW_TEXT_MAX], throughput_key[4 * GW_TEXT_MAX];
    size_t ks = line_key(serving_key, sizeof serving_key, model, accelerator, engine, mode);
    size_t kt = line_key(throughput_key, sizeof throughput_key, model, accelerator, engine,
                         "throughput");
    int want = (ks > 0) + (kt > 0);
    gw_csv_record rec = {0}; /* the matching lines, read as include/gigawatt/csv.h reads */
    const char *line = strchr(gwi_known_errors_csv, '\n'); /* past the header */
    while (want > 0 && line && *++line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        int serving = ks && strncmp(line, serving_key, ks) == 0;
        int throughput = kt && strncmp(line, throughput_key, kt) == 0;
        size_t at = 0;
        int ln = 1;
        const char *f[NCOLS];
        if ((serving || throughput) && gw_csv_next(line, len, &at, &ln, &rec) == 1 &&
            rec.n == NCOLS) {
            for (int k = 0; k < NCOLS; k++)
                f[k] = gw_csv_field(&rec, k);
            out->found = 1, want--;
            if (serving) {
                out->ttft_n = atoi(f[COL_TTFT_N]);
                out->tpot_n = atoi(f[COL_TPOT_N]);
                out->ttft_median_abs = fraction(f[COL_TTFT_ABS]);
                out->ttft_signed = fraction(f[COL_TTFT_SIGNED]);
                out->tpot_median_abs = fraction(f[COL_TPOT_ABS]);
                out->tpot_signed = fraction(f[COL_TPOT_SIGNED]);
            } else {
                out->throughput_n = atoi(f[COL_TPUT_N]);
                out->throughput_median_abs = fraction(f[COL_TPUT_ABS]);
                out->throughput_signed = fraction(f[COL_TPUT_SIGNED]);
            }
        }
        line = end;
    }
    gw_csv_record_free(&rec);
    if (out->found)
        snprintf(out->partition, sizeof out->partition, "%s %s %s %s", model, accelerator,
                 engine, mode);
    out->beyond = out->ttft_median_abs > GW_PERF_CAVEAT_THRESHOLD ||
                  out->tpot_median_abs > GW_PERF_CAVEAT_THRESHOLD ||
                  out->throughput_median_abs > GW_PERF_CAVEAT_THRESHOLD;
    return out->beyond;
}
