/* include/gigawatt/validate.h — the perf model against measured serving
 * runs (scenario layer: reads a CSV, maps each row onto the catalog, runs
 * the serving model; the writers at the end are the output layer's).
 *
 * Input: any CSV with the columns of silicon-sample.csv
 * (data/perf/README.md), found by header name in any order.
 * Each row is one measured operating point: model, system, engine,
 * precisions, parallelism, client concurrency, lengths, and the measured
 * TTFT and TPOT. Each row is mapped onto a gw_perf_config (the mapping:
 * docs/validate.md) and predicted with gw_serve_agg / gw_serve_disagg
 * (include/gigawatt/serving.h). A row that cannot be predicted (unknown
 * model or system, a missing or non-numeric value, a parallelism that does
 * not divide, a model that does not fit) keeps its place with the reason;
 * none is dropped. A file that is no such CSV (unreadable, empty, no header
 * with the needed columns) is an error with file:line:col. */
#ifndef GIGAWATT_VALIDATE_H
#define GIGAWATT_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include "gigawatt/serving.h"

#define GW_VALIDATE_NAME 96

/* What a row runs, once mapped (docs/validate.md §5-§6): kept so that a
 * caller can predict it again with another efficiency stack (the
 * calibration, tools/perf_calibrate.c). The configs point at the result's
 * own models and accelerators and at the catalog's stack. */
typedef struct gw_validate_case {
    int disagg;                 /* 0: cfg[0] alone; 1: cfg[0] prefill, cfg[1] decode */
    gw_perf_config cfg[2];
    int workers[2];             /* per pool (agg: 1 worker) */
    double pool_concurrency[2]; /* requests in flight per worker; 0 = from the request */
    double max_batch[2];        /* the engine's cap on running sequences per rank (the
                                   recipe's max_batch_size); 0 = the stack's */
    gw_serve_request rq;
    uint64_t seed;              /* the replay's draws (lengths): FNV-1a of the row's id */
} gw_validate_case;

/* One row as read and predicted. Figures not known are NAN. */
typedef struct gw_validate_row {
    char id[160];
    int line;                          /* in the file, 1-based */
    char model[GW_VALIDATE_NAME];      /* catalog model id, else model_path as given */
    char system[GW_VALIDATE_NAME];     /* catalog accelerator id, else the system as given */
    char engine[GW_VALIDATE_NAME];     /* backend: trtllm | sglang | vllm */
    char mode[16];                     /* agg | disagg */
    char efficiency[GW_VALIDATE_NAME]; /* the efficiency stack used ("" if none) */
    int engine_stack;                  /* 1: the engine's own stack for the accelerator's
                                          generation; 0: the accelerator's default */
    int moe;                           /* 1: the model has routed experts, 0: dense,
                                          -1: the model is unknown */
    double gpus;                       /* accelerators of the deployment (0: unknown) */
    int mapped;                        /* `run` holds the row's deployment (it may still
                                          fail in the model: see error) */
    gw_validate_case run;
    double measured_ttft_ms, measured_tpot_ms;
    double predicted_ttft_ms, predicted_tpot_ms;
    char error[384];                   /* why it is unpredictable; "" = predicted */
} gw_validate_row;

/* Signed errors (predicted - measured) / measured in %, over the predicted
 * rows of a group. NAN when n is 0. */
typedef struct gw_validate_errors {
    int n;
    double median_abs_pct;  /* median of |error| */
    double mape_pct;        /* mean of |error| */
    double signed_median_pct; /* median of error: > 0 the model is slow */
} gw_validate_errors;

/* Rows of one partition (model x system x engine x mode), or of a group
 * ("all", "agg", "disagg", "moe", "dense"): `label` then says which. */
typedef struct gw_validate_partition {
    char label[16];                    /* "" for a partition */
    char model[GW_VALIDATE_NAME], system[GW_VALIDATE_NAME];
    char engine[GW_VALIDATE_NAME], mode[16];
    char efficiency[GW_VALIDATE_NAME]; /* the stack its first predicted row used */
    int engine_stack;
    int rows, unpredictable;
    gw_validate_errors ttft, tpot;
} gw_validate_partition;

#define GW_VALIDATE_GROUPS 5 /* all, agg, disagg, moe, dense */

typedef struct gw_validate_result {
    gw_llm *models;                    /* the catalog's, decoded: rows' configs point here */
    gw_accelerator *accels;
    gw_validate_row *rows;             /* in file order */
    size_t nrows;
    gw_validate_partition *partitions; /* sorted by model, system, engine, mode */
    size_t npartitions;
    gw_validate_partition groups[GW_VALIDATE_GROUPS];
    int replayed;                      /* predictions are the replay's (gw_validate_replay_rows) */
} gw_validate_result;

/* Validate the CSV `text` (len bytes) named `name` in errors, against the
 * catalog. On error *out holds nothing. */
int gw_validate_csv(const gw_catalog *cat, const char *name, const char *text, size_t len,
                    gw_validate_result *out, gw_error *err);
/* The same for a file (an unreadable one is GW_E_INPUT with its name). */
int gw_validate_file(const gw_catalog *cat, const char *path, gw_validate_result *out,
                     gw_error *err);

/* A settings CSV (docs/validate.md §10): an `id` column, then any of the
 * measured file's configuration columns (spec_tokens, batch_size, ...);
 * each row's non-empty fields add to (or stand for) those of the measured
 * row with that id, for what the measurement log does not record. An id
 * twice, an id of no measured row, or measured TTFT/TPOT columns: an
 * error with file:line:col. */
typedef struct gw_validate_input {
    const char *name; /* for positions */
    const char *text;
    size_t len;
} gw_validate_input;
int gw_validate_csv_with(const gw_catalog *cat, const char *name, const char *text, size_t len,
                         const gw_validate_input *settings, gw_validate_result *out,
                         gw_error *err);
/* Files: `settings_path` NULL for none. */
int gw_validate_files(const gw_catalog *cat, const char *path, const char *settings_path,
                      gw_validate_result *out, gw_error *err);
void gw_validate_free(gw_validate_result *r);

/* Predict a mapped row's deployment, with stack `eff` in place of its own
 * (NULL: its own), with the serving model's closed form (gw_serve_agg /
 * gw_serve_disagg, the start-up wave of docs/serving.md §7.9.1). The
 * model's error (does not fit, ...) in err. */
int gw_validate_predict(const gw_validate_case *c, const gw_efficiency *eff,
                        gw_serve_point *out, gw_error *err);

/* A row's benchmark replayed (docs/validate.md §9): C clients start
 * together, each sends requests_per_client requests with lengths drawn in
 * [length_low x nominal, nominal] (c->rq.length_low; 0 = the harness's
 * 0.8, 1 = fixed; seeded by c->seed), through the replica simulator with
 * the engine's scheduler; the means and medians over every request, the
 * stack's request_overhead on each TTFT. Milliseconds a row (the whole of
 * silicon-sample.csv: bench/RESULTS.md), so `validate` keeps the closed
 * form. */
typedef struct gw_validate_replay_result {
    double ttft_mean_s, ttft_p50_s;
    double tpot_mean_s, tpot_p50_s;  /* (e2e - ttft) / (output - 1) per request */
    double wave_ttft_s;              /* mean over the first C requests (the start-up wave) */
    double later_ttft_s;             /* mean over the rest (K > 1), NAN without */
    size_t requests;                 /* simulated, all measured (no warm-up) */
    uint64_t iterations;
} gw_validate_replay_result;
int gw_validate_replay(const gw_validate_case *c, const gw_efficiency *eff,
                       gw_validate_replay_result *out, gw_error *err);
/* `validate --replay`: every predicted row of r predicted again by its
 * replay (the mean TTFT and TPOT over its requests, each row's own stack),
 * a row whose replay fails made unpredictable with the reason (at
 * `name`:line:1), and the summary made again; r->replayed set. `progress`
 * (may be NULL) hears rows replayed of rows to replay; its nonzero return
 * stops: GW_E_STOPPED. */
int gw_validate_replay_rows(gw_validate_result *r, const char *name, gw_progress_fn progress,
                            void *progress_user, gw_error *err);

/* Fill a group or partition's error figures from `rows` (those with
 * p->... matching are the caller's choice: every row given counts). */
void gw_validate_summarise(const gw_validate_row *const *rows, size_t n,
                           gw_validate_partition *p);

/* Output layer (src/output/validate_out.c): the result as the JSON document
 * {"rows": [...], "summary": {...}} and as text tables (malloc'd; NULL on
 * OOM). */
char *gw_validate_json(const gw_validate_result *r);
char *gw_validate_text(const gw_validate_result *r);

#endif
