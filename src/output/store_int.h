/* src/output/store_int.h — what the two writers of the SQLite result store
 * share (output layer, internal): the schema of every table and the check
 * that a file is a store this version of gigawatt wrote (or new). The fleet
 * writer is src/output/store.c, the risk writer risk_store.c; one file
 * may hold runs of both kinds. Schema: docs/fleet.md §5, docs/risk.md §5. */
#ifndef GW_OUTPUT_STORE_INT_H
#define GW_OUTPUT_STORE_INT_H

#include <sqlite3.h>

#include "gigawatt/gigawatt.h"
#include "gigawatt/run_source.h"

/* CREATE TABLE IF NOT EXISTS statements: the runs table both kinds share,
 * the fleet tables and the risk tables. */
extern const char gw_store_schema_runs[];
extern const char gw_store_schema_fleet[];
extern const char gw_store_schema_risk[];
extern const char gw_store_schema_explore[]; /* src/output/explore_store.c's tables */

/* Is the open database `db` (at `path`) a gigawatt store of this version,
 * or empty? Every table must be one of ours, with exactly this version's
 * columns; nothing is written. A file that is not SQLite or is damaged
 * (SQLITE_NOTADB, SQLITE_CORRUPT) and a foreign or older store are bad
 * input (GW_E_INPUT, exit 2). */
int gw_store_check(sqlite3 *db, const char *path, gw_error *err);

/* An error from SQLite on `path`: a damaged or foreign file (SQLITE_CORRUPT,
 * SQLITE_NOTADB) is bad input (exit 2), anything else a runtime failure
 * whose message expects `expected_io` ("a writable SQLite file"). */
int gw_store_sqlite_error(sqlite3 *db, const char *path, const char *what,
                          const char *expected_io, gw_error *err);
/* A run as the runs and run_sources tables hold it, whatever its kind. */
typedef struct gw_store_run {
    const char *kind; /* "fleet", "risk" */
    const char *name; /* the scenario's name: */
    unsigned long long seed;
    const char *started; /* gw_store_now */
    /* where it came from: gw_run_source's fields ("" is not recorded) */
    const char *command, *scenario_path, *scenario_sha256, *sets;
} gw_store_run;

/* Add run `r` (inside the caller's transaction); *id its rowid. 1 when
 * written. The one way every writer adds a run. */
int gw_store_add_run(sqlite3 *db, const gw_store_run *r, sqlite3_int64 *id);
/* Now, UTC, as the store's started/ended columns hold it (ISO 8601). */
void gw_store_now(char *buf, size_t n);

#endif
