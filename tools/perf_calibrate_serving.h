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
 * `settings` or NULL), choose the fit rows, and name each row's stack
 * through stack_index(id) (the caller's stacks). */
void serving_load(serving_set *s, const gw_catalog *cat, const char *path, const char *settings,
                  int (*stack_index)(void *user, const char *id), void *user);
void serving_free(serving_set *s);
/* Fit rows of stack `k`: the summed squared log errors of their TPOT with
 * stack `e`, and how many. */
void serving_objective(const serving_set *s, int k, const gw_efficiency *e, double *sum, int *n);
/* The stack's request_overhead (docs/serving.md §7.9.1), seconds: the
 * constant added to the TTFT of its fit rows, predicted with factors `e`
 * otherwise, that gives them the least median relative error (1 ms grid,
 * 0..2 s). -1 when stack `k` has no fit row with a TTFT. */
double serving_fit_request_overhead(const serving_set *s, int k, const gw_efficiency *e);
/* Predict every mapped row again with its stack's factors (effs[stack]). */
void serving_predict(serving_set *s, const gw_efficiency *const *effs);
/* The docs/perf-validation.md section; 1 when its bars hold. */
int serving_doc(FILE *f, serving_set *s);

#endif
