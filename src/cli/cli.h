/* src/cli/cli.h — shared pieces of the gigawatt command line (cli layer:
 * the only layer that prints or exits). cli_opts and the loading, result
 * and --html helpers below serve risk and runs (src/cli/risk_cmd.c) until
 * they move into the library; the other commands are gw_command_run's. */
#ifndef GW_CLI_H
#define GW_CLI_H

#include "gigawatt/catalog.h"
#include "gigawatt/config.h"
#include "gigawatt/gigawatt.h"

#define GW_CLI_MAX_SETS 64

typedef struct cli_opts {
    int json, quiet;
    const char *out;      /* -o FILE */
    const char *catalog;  /* --catalog DIR */
    const char *scenario; /* positional */
    const char *sets[GW_CLI_MAX_SETS]; /* --set and the flags that map onto it */
    int nsets;
    char owned[GW_CLI_MAX_SETS][512]; /* storage for sets built from flags */
    int nowned;
    int replace_target; /* a target flag replaces the scenario's target */
    int train;          /* perf --train */
    const char *requests_csv; /* sim --requests-csv FILE */
    int capacity;             /* sim --capacity */
    double ttft_target, tbt_target, quantile;
    int cheapest;             /* sim --cheapest */
    double target_rate;       /* requests/s to carry */
    const char *candidates;   /* accelerator ids, comma-separated */
    const char *tps;          /* tensor-parallel degrees, comma-separated */
    const char *db;           /* SQLite result store */
    const char *html;         /* --html FILE: the result's report as well */
    char *html_json;          /* the result's JSON kept for --html (owned) */
} cli_opts;

/* Exit status for a library status code: 2 for bad input or usage, 1 for
 * runtime failures (memory, output I/O). */
int cli_exit_code(int rc);
/* Print an error as "file:line:col: msg" (or "gigawatt: msg"). */
int cli_fail(const gw_error *err);
/* Load the catalog from --catalog, $GIGAWATT_CATALOG or the built-in path. */
int cli_load_catalog(const cli_opts *o, gw_catalog *cat, gw_error *err);
/* Load the scenario (or an empty one) and apply the --set list. */
int cli_load_scenario(const cli_opts *o, gw_config *cfg, gw_node **root, gw_error *err);
/* Write `text` to -o FILE (atomically) or stdout. Frees text. */
int cli_emit(const cli_opts *o, char *text, gw_error *err);
/* The same for the path `out` (NULL: stdout). */
int cli_write_result(const char *out, char *text, gw_error *err);
/* A command's result: JSON when --json or --html needs it (else NULL) and
 * the human text unless --json (else NULL). Keeps the JSON for --html in
 * o->html_json and returns what goes to stdout / -o. */
char *cli_result(cli_opts *o, char *json, char *text);
/* With --html FILE: render o->html_json (named `name`) as a report and
 * write it atomically. Frees o->html_json. No-op without --html. */
int cli_write_html(cli_opts *o, const char *name, gw_error *err);
/* Before a run: every output path given (-o, --html, --requests-csv, and
 * the result store `db` when not NULL) can be written, so a long run does
 * not end in an unwritable path (exit 2 at once instead). */
int cli_check_outputs(const cli_opts *o, const char *db, gw_error *err);
/* The same for the paths themselves (each may be NULL). */
int cli_check_paths(const char *out, const char *html, const char *requests_csv, const char *db,
                    gw_error *err);
/* A command's outputs, in order: the --html report (named `name`) first, so
 * an unwritable path leaves no other output, then `text` to -o or stdout.
 * text NULL: the error already in err (else out of memory). Frees text and
 * o->html_json. */
int cli_finish(cli_opts *o, const char *name, char *text, gw_error *err);
/* Queue "path=value" built from a flag. */
int cli_add_set(cli_opts *o, const char *path, const char *value, gw_error *err);

/* Progress on stderr for long commands (src/cli/progress.c). */
typedef struct cli_progress {
    const char *what, *unit;
    int tty, quiet;
    double t0, last, items;
} cli_progress;
void cli_progress_begin(cli_progress *p, const char *what, const char *unit, int quiet);
int cli_progress_cb(void *user, double done, double total, double items);
void cli_progress_end(cli_progress *p, int rc);

int cmd_risk(int argc, char **argv); /* src/cli/risk_cmd.c */
int cmd_runs(int argc, char **argv);

#endif
