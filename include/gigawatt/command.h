/* include/gigawatt/command.h — every gigawatt command as one library call
 * (scenario layer). What the CLI's argv says, as data; what the CLI prints,
 * as strings. The CLI (src/cli: argv -> request -> print) and the Python
 * module (python/: kwargs -> request -> dict) are both thin shells over
 * gw_command_run, so the two give the same bytes for the same request.
 *
 * A request names the command, the scenario (a file, or YAML/JSON text),
 * the --set overrides and the command's options by their long flag names
 * ("grid-power", "seed", "capacity"). The library checks that the command
 * takes each option, parses its value, and reports a bad one naming the
 * flag ("--seed: ..."), exactly as the CLI always has. risk and runs read
 * their own options (include/gigawatt/risk_command.h). */
#ifndef GIGAWATT_COMMAND_H
#define GIGAWATT_COMMAND_H

#include "gigawatt/gigawatt.h"

struct gw_par_transport; /* include/gigawatt/par.h: how draws go across processes */

/* One option: the long flag without "--" and its text (NULL for a switch
 * such as "capacity" or "train"). The name "set" is a --set given among
 * the options, so its place against the flags that are settings is kept
 * (later wins); `sets` below are applied before every option. */
typedef struct gw_command_option {
    const char *name;
    const char *value;
} gw_command_option;

typedef struct gw_command_request {
    const char *command; /* "catalog" "rack" "plan" "perf" "sim" "risk" "runs" "report" */
    /* the scenario: a file, or text (YAML, so JSON too) named for errors;
     * neither: flags and sets alone (rack --system ..., perf --model ...) */
    const char *scenario_path;
    const char *scenario_text;
    const char *scenario_name;          /* the "file" errors in scenario_text name */
    const char *const *positional;      /* catalog's ID, report's result files */
    int npositional;
    const char *const *sets;            /* "key.path=value", as --set */
    int nsets;
    const gw_command_option *options;   /* in the order given; later wins, as on the CLI */
    int noptions;
    const char *catalog_dir;            /* NULL: $GIGAWATT_CATALOG, else the built-in */
    int want_json;                      /* fill out->json (the --json document) */
    int want_text;                      /* fill out->text (what the CLI prints without --json) */
    gw_progress_fn progress;            /* may be NULL; nonzero return stops: GW_E_STOPPED */
    void *progress_user;
    const struct gw_par_transport *par; /* NULL: this process alone (threads) */
    /* may be NULL: called as a long run starts ("fleet", "requests"), so
     * a front end can label the progress it shows */
    void (*progress_phase)(void *user, const char *what, const char *unit);
} gw_command_request;

/* What a command produced; every member malloc'd or NULL. */
typedef struct gw_command_output {
    char *json;  /* the result document, as `--json` prints it */
    char *text;  /* the human-readable result */
    char *csv;   /* sim: per-request table, fleet: hourly series (option "requests-csv") */
    char *html;  /* the self-contained report (option "html"; report: always) */
} gw_command_output;

/* Run one command. On error `out` holds nothing and `err` says why (with
 * file:line:col for scenario input, "--flag: ..." for an option). */
int gw_command_run(const gw_command_request *req, gw_command_output *out, gw_error *err);
void gw_command_output_free(gw_command_output *out);

/* The commands, and the options each takes (NULL-terminated lists of long
 * flag names), for help, completion and Python's keyword arguments. */
const char *const *gw_command_names(void);
const char *const *gw_command_options(const char *command);
/* Does option `name` take a value (1), is it a switch (0), or unknown (-1)? */
int gw_command_option_takes_value(const char *name);
/* The same in `command`: power's --csv takes the file of its series and
 * explore's the file of every point, where search's --csv is a switch. */
int gw_command_option_takes_value_in(const char *command, const char *name);

/* Check the request's options and their values without running anything
 * (what gw_command_run checks first), so a front end can refuse a bad
 * request before its own preparations (checking output paths). */
int gw_command_check(const gw_command_request *req, gw_error *err);
/* The same for the options alone (not whether a scenario or result files
 * are given): a front end reading its arguments in order can tell whether
 * the options before one it stops at (--help, an unknown one) were good. */
int gw_command_check_options(const gw_command_request *req, gw_error *err);

/* The catalog directory a request uses: `given` (--catalog), else
 * $GIGAWATT_CATALOG when set and not empty, else the built-in one. */
const char *gw_command_catalog_dir(const char *given);

#endif
