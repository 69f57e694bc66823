/* src/output/explore_store.c — explore runs in the SQLite result store
 * (output layer, I/O at the edge): the shared `runs` and `run_sources`
 * rows (src/output/store.c), explore_runs (what identifies the inputs, for
 * --resume) and explore_points (one row per evaluated point, its record as
 * a blob, written a round per transaction). WAL with synchronous=NORMAL as
 * the risk writer: a kill loses only the round under way. Nothing is
 * written before the file is checked to be gigawatt's (gw_store_check).
 * docs/explore.md §7. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "gigawatt/explore_out.h"
#include "store_int.h"

struct gw_explore_store {
    sqlite3 *db;
    char path[1024];
    sqlite3_stmt *put;
};

static int fail(gw_explore_store *st, const char *what, gw_error *err)
{
    int rc = gw_store_sqlite_error(st->db, st->path, what, "a writable SQLite file", err);
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

void gw_explore_store_close(gw_explore_store *st)
{
    if (!st)
        return;
    sqlite3_finalize(st->put);
    sqlite3_close(st->db);
    free(st);
}

int gw_explore_store_open(const char *path, gw_explore_store **out, gw_error *err)
{
    *out = NULL;
    gw_explore_store *st = calloc(1, sizeof *st);
    if (!st)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    snprintf(st->path, sizeof st->path, "%s", path);
    struct stat sb;
    int exists = stat(path, &sb) == 0, rc = GW_OK;
    if (exists && !S_ISREG(sb.st_mode))
        rc = gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                          "%s: is not a regular file; expected a SQLite result store", path);
    else if (sqlite3_open_v2(path, &st->db,
                             SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE),
                             NULL) != SQLITE_OK)
        rc = gw_error_set(err, GW_E_IO, NULL, 0, 0, "%s: cannot open the result store (%s)",
                          path, st->db ? sqlite3_errmsg(st->db) : "out of memory");
    if (!rc) {
        sqlite3_busy_timeout(st->db, 5000);
        rc = gw_store_check(st->db, st->path, err);
    }
    if (!rc && (sqlite3_exec(st->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                             NULL, NULL, NULL) != SQLITE_OK ||
                sqlite3_exec(st->db, gw_store_schema_runs, NULL, NULL, NULL) != SQLITE_OK ||
                sqlite3_exec(st->db, gw_store_schema_explore, NULL, NULL, NULL) != SQLITE_OK))
        rc = fail(st, "cannot create the tables", err);
    if (rc) {
        gw_explore_store_close(st);
        return rc;
    }
    *out = st;
    return GW_OK;
}

int gw_explore_store_begin(gw_explore_store *st, const char *name, const char *hash,
                           long long npoints, unsigned long long seed, const gw_run_source *src,
                           long long *run, gw_error *err)
{
    char started[32];
    gw_store_now(started, sizeof started);
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return fail(st, "cannot start a transaction", err);
    const gw_store_run row = {.kind = "explore", .name = name, .seed = seed, .started = started,
                              .command = src->command, .scenario_path = src->scenario_path,
                              .scenario_sha256 = src->scenario_sha256, .sets = src->sets};
    sqlite3_int64 id = 0;
    int ok = gw_store_add_run(st->db, &row, &id);
    sqlite3_stmt *q = NULL;
    ok = ok && sqlite3_prepare_v2(st->db, "INSERT INTO explore_runs VALUES (?,?,?,?)", -1, &q,
                                  NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_int64(q, 1, id);
        sqlite3_bind_text(q, 2, hash, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 3, npoints);
        sqlite3_bind_int64(q, 4, (sqlite3_int64)sizeof(gw_explore_point));
        ok = sqlite3_step(q) == SQLITE_DONE;
    }
    sqlite3_finalize(q);
    if (!ok || sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return fail(st, "cannot add the run", err);
    *run = id;
    return GW_OK;
}

/* The run's record: same inputs, same layout. */
static int check_run(gw_explore_store *st, long long run, const char *hash, long long npoints,
                     gw_error *err)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT scenario_hash, points, record FROM explore_runs "
                                   "WHERE run = ?", -1, &q, NULL) != SQLITE_OK)
        return fail(st, "cannot read the runs", err);
    sqlite3_bind_int64(q, 1, run);
    int step = sqlite3_step(q), rc = GW_OK;
    if (step == SQLITE_DONE)
        rc = gw_error_set(err, GW_E_INPUT, NULL, 0, 0, "%s: no explore run %lld; expected the "
                          "id of a run that `gigawatt runs --db %s` lists as explore",
                          st->path, run, st->path);
    else if (step != SQLITE_ROW)
        rc = fail(st, "cannot read the runs", err);
    else if (strcmp((const char *)sqlite3_column_text(q, 0), hash) != 0 ||
             sqlite3_column_int64(q, 1) != npoints)
        rc = gw_error_set(err, GW_E_INPUT, NULL, 0, 0, "run %lld in %s was made from a "
                          "different scenario, settings or design; expected the same scenario, "
                          "--set, --vary, --design, --points and --seed", run, st->path);
    else if (sqlite3_column_int64(q, 2) != (sqlite3_int64)sizeof(gw_explore_point))
        rc = gw_error_set(err, GW_E_INPUT, NULL, 0, 0, "run %lld in %s has another layout; "
                          "expected a run of this version of gigawatt", run, st->path);
    sqlite3_finalize(q);
    return rc;
}

int gw_explore_store_load(gw_explore_store *st, long long run, const char *hash,
                          long long npoints, gw_explore_point *points, unsigned char *done,
                          gw_error *err)
{
    int rc = check_run(st, run, hash, npoints, err);
    sqlite3_stmt *q = NULL;
    if (!rc && sqlite3_prepare_v2(st->db, "SELECT idx, record FROM explore_points WHERE run = ?",
                                  -1, &q, NULL) != SQLITE_OK)
        rc = fail(st, "cannot read points", err);
    if (rc)
        return rc;
    sqlite3_bind_int64(q, 1, run);
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        long long i = sqlite3_column_int64(q, 0);
        if (i < 0 || i >= npoints ||
            (size_t)sqlite3_column_bytes(q, 1) != sizeof(gw_explore_point)) {
            sqlite3_finalize(q);
            return gw_error_set(err, GW_E_INPUT, NULL, 0, 0, "%s: point %lld of run %lld is "
                                "damaged; expected points written by gigawatt explore",
                                st->path, i, run);
        }
        memcpy(&points[i], sqlite3_column_blob(q, 1), sizeof(gw_explore_point));
        done[i] = 1;
    }
    sqlite3_finalize(q);
    return step == SQLITE_DONE ? GW_OK : fail(st, "cannot read points", err);
}

int gw_explore_store_put(gw_explore_store *st, long long run, const long long *idx, size_t k,
                         const gw_explore_point *points, gw_error *err)
{
    if (!st->put && sqlite3_prepare_v2(st->db, "INSERT OR IGNORE INTO explore_points VALUES "
                                               "(?,?,?,?,?)", -1, &st->put, NULL) != SQLITE_OK)
        return fail(st, "cannot store points", err);
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return fail(st, "cannot start a transaction", err);
    int ok = 1;
    for (size_t i = 0; i < k && ok; i++) {
        const gw_explore_point *p = &points[i];
        sqlite3_bind_int64(st->put, 1, run);
        sqlite3_bind_int64(st->put, 2, idx[i]);
        sqlite3_bind_int(st->put, 3, p->feasible);
        sqlite3_bind_text(st->put, 4, p->why, -1, SQLITE_STATIC);
        /* host byte order, as risk's blobs */
        sqlite3_bind_blob(st->put, 5, p, (int)sizeof *p, SQLITE_STATIC);
        ok = sqlite3_step(st->put) == SQLITE_DONE;
        sqlite3_reset(st->put);
    }
    sqlite3_clear_bindings(st->put);
    if (!ok || sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return fail(st, "cannot store points", err);
    return GW_OK;
}
