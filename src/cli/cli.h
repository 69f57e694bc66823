/* src/cli/cli.h — shared pieces of the gigawatt command line (cli layer:
 * the only layer that prints or exits): errors and exit codes, output
 * files, progress, and risk's MPI transport. Every command runs through
 * gw_command_run (src/cli/main.c). */
#ifndef GW_CLI_H
#define GW_CLI_H

#include <stddef.h>
#include <time.h>

#include "gigawatt/gigawatt.h"
#include "gigawatt/par.h"

/* Exit status for a library status code: 2 for bad input or usage, 1 for
 * runtime failures (memory, output I/O). */
int cli_exit_code(int rc);
/* Print an error as "file:line:col: msg" (or "gigawatt: msg"). */
int cli_fail(const gw_error *err);
/* Write `text` to the path `out` (NULL: stdout), atomically. Frees text. */
int cli_write_result(const char *out, char *text, gw_error *err);
/* Before a run: every output path given (-o, --html, --requests-csv, and
 * the result store `db`) can be written, so a long run does not end in an
 * unwritable path (exit 2 at once instead). Each may be NULL. */
int cli_check_paths(const char *out, const char *html, const char *requests_csv, const char *db,
                    gw_error *err);
/* Progress on stderr for long commands (src/cli/progress.c). */
typedef struct cli_progress {
    const char *what, *unit;
    int tty, quiet;
    double t0, last, items;
} cli_progress;
void cli_progress_begin(cli_progress *p, const char *what, const char *unit, int quiet);
int cli_progress_cb(void *user, double done, double total, double items);
void cli_progress_end(cli_progress *p, int rc);

/* The result store before a run that may write it, then one stderr line
 * when it did: where it is, its size and growth (src/cli/store_line.c). */
typedef struct cli_store {
    const char *path; /* NULL: this run writes no store */
    int existed;
    double size;
    struct timespec mtime;
} cli_store;
void cli_store_mark(cli_store *s, const char *path);
void cli_store_report(const cli_store *s);

/* risk's MPI transport and files (src/cli/risk_cmd.c). */
typedef struct cli_par {
    gw_par_transport t;
    int mpi;     /* MPI to finalise */
    int foreign; /* several MPI processes, this build without MPI */
} cli_par;
/* The MPI transport under an MPI launcher, else this process alone; the rank. */
int cli_par_start(cli_par *p, int *argc, char ***argv);
/* Under a launcher without MPI built in: say so, exit code 2; else 0. */
int cli_par_foreign(const cli_par *p);
void cli_par_end(const cli_par *p);
/* The default result store: gigawatt.db beside -o FILE, else here. */
void cli_default_db(const char *out, char *buf, size_t n);
/* A stopped run: the command to continue (err's message) also writes the
 * outputs this one was to. */
void cli_resume_outputs(int json, const char *out, const char *html, gw_error *err);

#endif
