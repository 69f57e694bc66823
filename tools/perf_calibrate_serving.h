/* tools/perf_calibrate_serving.h — the measured serving runs of
 * silicon-sample.csv in the calibration (tools/perf_calibrate.c): which
 * rows fit and which only check, their share of the fit's objective, and
 * their section of docs/perf-validation.md. */
#ifndef GW_PERF_CALIBRATE_SERVING_H
#define GW_PERF_CALIBRATE_SERVING_H

#include <stdio.h>

#include "gigawatt/validate.h"

#define SERVING_FIT_SHARE 0.3 /* of each partition's rows */

typedef struct serving_set {
    gw_validate_result res;   /* rows as `gigawatt validate` maps them */
    unsigned char *fit;       /* per row: 1 fit, 0 check */
    int *stack;               /* per row: the calibration's stack index, -1 unmapped */
    int nfit_rows;
    FILE *known_errors;       /* --known-errors-out: the per-partition check errors as CSV
                                 (data/perf/known-errors.csv), written with the doc; or NULL */
} serving_set;

/* Read and map the file (gw_validate_files, with the settings file
 * `settings` or NULL), choose the fit rows — never a row whose id the
 * `id` column of the CSV `check_only` (or NULL) names — and name each
 * row's stack through stack_index(id) (the caller's stacks). */
void serving_load(serving_set *s, const gw_catalog *cat, const char *path, const char *settings,
                  const char *check_only, int (*stack_index)(void *user, const char *id),
                  void *user);
void serving_free(serving_set *s);
/* Fit rows of stack `k`: the summed squared log errors of their TPOT with
 * stack `e`, and how many. */
void serving_objective(const serving_set *s, int k, const gw_efficiency *e, double *sum, int *n);
/* The stack's two TTFT constants, searched together on a grid for the
 * least median relative TTFT error over its fit rows, predicted with the
 * factors `e`: request_overhead (docs/serving.md §7.9.1, 1 ms steps over
 * 0..2 s) and eager_mla_overhead (docs/model.md §7.2.3, 50 us steps over
 * 0..4 ms a layer). *eager_s is -1 when no fit row of the stack runs an MLA
 * model (the grid cannot move it). Returns the overhead in seconds, -1 when
 * stack `k` has no fit row with a TTFT. */
double serving_fit_ttft_constants(const serving_set *s, int k, const gw_efficiency *e,
                                  double *eager_s);
/* Predict every mapped row again with its stack's factors (effs[stack]). */
void serving_predict(serving_set *s, const gw_efficiency *const *effs);
/* The docs/perf-validation.md section; 1 when its bars hold. */
int serving_doc(FILE *f, serving_set *s);
/* Every row's partition and set as CSV (`id,model,system,engine,mode,role`,
 * role fit or check), written whole or not at all: the one split that
 * scripts/ttft-terms and any other analysis of the rows should use.
 * 0 written, else the file's error in *err. */
int serving_write_roles(const serving_set *s, const char *path, gw_error *err);

#endif
