/* src/scenario/command_int.h — what the command layer's files share (scenario
 * layer, private): a request with its options checked and parsed, the
 * catalog and scenario loading every command does, and the packing of a
 * result's JSON/text/HTML into a gw_command_output. */
#ifndef GW_COMMAND_INT_H
#define GW_COMMAND_INT_H

#include "gigawatt/catalog.h"
#include "gigawatt/command.h"
#include "gigawatt/config.h"
#include "gigawatt/run_source.h"
#include "gigawatt/scenario.h"

#define GW_CMD_MAX_SETS 64

/* A request after its options were checked and parsed: flags that are
 * scenario settings became "path=value" sets, the rest typed fields. */
typedef struct gw_cmd_args {
    const gw_command_request *req;
    const char *sets[GW_CMD_MAX_SETS]; /* --set and the flags that map onto it, in order */
    int nsets;
    const char *set_flag[GW_CMD_MAX_SETS]; /* the flag a set came from (NULL: --set) */
    char owned[GW_CMD_MAX_SETS][512]; /* storage for sets built from flags */
    int nowned;
    int replace_target; /* a target flag replaces the scenario's target */
    int train;          /* perf --train */
    int html;           /* fill out->html */
    int requests_csv;   /* fill out->csv */
    int capacity, cheapest;
    int csv;            /* search: the front as CSV in place of the text; power: the series */
    double ttft_target, tbt_target, quantile, target_rate;
    const char *candidates, *tps; /* --cheapest: comma-separated lists */
    const char *db;               /* SQLite result store (fleet) */
    const char *settings;         /* validate: a settings CSV by row id */
    int replay;                   /* validate: predict by the benchmark replayed */
} gw_cmd_args;

/* Queue "path=value" built from a flag (or recalled from a store). */
int gw_cmd_add_set(gw_cmd_args *a, const char *path, const char *value, gw_error *err);
/* Check and parse req's options into *a (GW_E_USAGE naming the flag). */
int gw_cmd_parse(const gw_command_request *req, gw_cmd_args *a, gw_error *err);
/* sim's options against the kind of scenario it runs (`fleet`: one with a
 * fleet: section): GW_E_USAGE naming an option that kind does not take. */
int gw_cmd_check_scenario_kind(const gw_cmd_args *a, int fleet, gw_error *err);
/* The catalog from the request's directory, $GIGAWATT_CATALOG or the built-in. */
int gw_cmd_load_catalog(const gw_cmd_args *a, gw_catalog *cat, gw_error *err);
/* The scenario tree (or an empty one) with the sets applied. */
int gw_cmd_load_tree(const gw_cmd_args *a, gw_config *cfg, gw_node **root, gw_error *err);
/* The name of the scenario for errors, reports and the store (NULL: flags alone). */
const char *gw_cmd_scenario_name(const gw_cmd_args *a);
/* Hand a result to `out`: the JSON when wanted, the HTML report of it
 * (labelled `name`, the scenario's file name) under option "html", the
 * text when wanted. Takes ownership of json and text; build json only when
 * wanted or needed for the report, text only when wanted (else NULL). */
int gw_cmd_finish(const gw_cmd_args *a, const char *name, char *json, char *text,
                  gw_command_output *out, gw_error *err);
/* Build a result's JSON and text as gw_cmd_finish wants them. */
#define GW_CMD_WANT_JSON(a) ((a)->req->want_json || (a)->html)
#define GW_CMD_WANT_TEXT(a) ((a)->req->want_text)
/* What the result store records of this run (src/scenario/run_source.c):
 * the command that runs it again with `sets` (the run's settings, flags
 * included), the scenario's absolute path and SHA-256. */
int gw_cmd_run_source(const gw_cmd_args *a, const char *const *sets, int nsets,
                      gw_run_source *src, gw_error *err);
/* Append " --NAME VALUE" (VALUE may be NULL), shell-quoted, to src->command:
 * a command's own options that its run needs to run again (explore). */
int gw_cmd_run_source_option(gw_run_source *src, const char *name, const char *value,
                             gw_error *err);
/* Report the start of a long run to the request's progress_phase. */
void gw_cmd_phase(const gw_cmd_args *a, const char *what, const char *unit);

/* The commands (src/scenario/command_*.c); `a` is parsed. */
int gw_cmd_catalog(const gw_cmd_args *a, gw_command_output *out, gw_error *err);
int gw_cmd_report(const gw_cmd_args *a, gw_command_output *out, gw_error *err);
int gw_cmd_rack(const gw_cmd_args *a, gw_command_output *out, gw_error *err);
int gw_cmd_plan(const gw_cmd_args *a, gw_command_output *out, gw_error *err);
int gw_cmd_perf(const gw_cmd_args *a, gw_command_output *out, gw_error *err);
int gw_cmd_sim(const gw_cmd_args *a, gw_command_output *out, gw_error *err);
int gw_cmd_validate(const gw_cmd_args *a, gw_command_output *out, gw_error *err);
int gw_cmd_search(const gw_cmd_args *a, gw_command_output *out, gw_error *err); /* search_cmd.c */
int gw_cmd_power(const gw_cmd_args *a, gw_command_output *out, gw_error *err);  /* power_cmd.c */

/* risk and runs read their own options (src/scenario/risk_command.c):
 * check them, and with `whole` what else a run needs (risk: a scenario or
 * a run to resume), as gw_command_check / gw_command_check_options. */
int gw_cmd_risk_check(const gw_command_request *req, int whole, gw_error *err);
int gw_cmd_runs_check(const gw_command_request *req, int whole, gw_error *err);
/* The default --threads of risk and explore: this machine's cores shared
 * among the MPI processes on it (src/scenario/risk_command.c). */
int gw_cmd_default_threads(void);
/* explore reads its own options too (src/scenario/explore_cmd.c) */
int gw_cmd_explore_check(const gw_command_request *req, int whole, gw_error *err);
int gw_command_explore(const gw_command_request *req, gw_command_output *out, gw_error *err);

/* What a model command runs on: the catalog, the scenario tree and the
 * scenario resolved from them. */
typedef struct gw_cmd_loaded {
    gw_catalog cat;
    gw_config cfg;
    gw_node *root;
    gw_scenario *sc; /* NULL until resolved */
} gw_cmd_loaded;

/* Load the catalog and the tree; on error nothing is held. */
int gw_cmd_load_tree_and_catalog(const gw_cmd_args *a, gw_cmd_loaded *l, gw_error *err);
/* Resolve l->sc from a loaded tree for `needs` (GW_NEED_*). */
int gw_cmd_resolve(gw_cmd_loaded *l, unsigned needs, gw_error *err);
void gw_cmd_loaded_free(gw_cmd_loaded *l);
/* Both, for a command that needs the resolved scenario only. */
int gw_cmd_load_all(const gw_cmd_args *a, unsigned needs, gw_cmd_loaded *l, gw_error *err);
/* The label of a result of a model command, for its HTML report. */
const char *gw_cmd_report_name(const gw_cmd_args *a);
/* A model error that gw_scenario_place_error could not place (no section
 * to place it in, or a field that is no scenario path: the rack model's
 * "system.load", its overflow without a field) goes on the scenario file
 * without a line, as it always has; a stop and a placed error stay as
 * they are. Returns rc. */
int gw_cmd_place_on_file(int rc, const gw_scenario *sc, gw_error *err);

#endif
