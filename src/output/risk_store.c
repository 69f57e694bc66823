/* src/output/risk_store.c — risk runs in the SQLite result store (output layer,
 * I/O at the edge). The store is the one `sim --db` writes
 * (src/output/store.c): the shared `runs` table gets a row per run, and the
 * risk_* tables hold what a risk run needs to be listed, resumed and read
 * back. Schema and blob layout: docs/risk.md §5.
 *
 * Durability: WAL journal with synchronous=NORMAL, each batch of draws one
 * transaction, so a process killed at any instant (Ctrl-C, kill -9) leaves
 * every committed batch in the file and nothing half-written; the next open
 * rolls the log forward. Nothing is written before the file has been
 * checked to be gigawatt's, of this version, or new (gw_store_check, shared
 * with the fleet writer in src/output/store_int.h), so a foreign, older or
 * damaged file is refused untouched. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>

#include "gigawatt/output.h"
#include "gigawatt/risk.h"
#include "json_int.h"
#include "store_int.h"

struct gw_risk_store {
    sqlite3 *db;
    char path[1024];
    sqlite3_stmt *put; /* INSERT into risk_draws, kept across batches */
};

/* SQLite's word on a damaged or foreign file is bad input (exit 2); any
 * other failure (disk full, permissions) is a runtime one. */
static int fail(gw_risk_store *st, const char *what, gw_error *err)
{
    int rc = gw_store_sqlite_error(st->db, st->path, what, "a writable SQLite file", err);
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* End a write transaction: COMMIT when every step went well, else roll back. */
static int commit(gw_risk_store *st, int ok, const char *what, gw_error *err)
{
    if (!ok || sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return fail(st, what, err);
    return GW_OK;
}


int gw_risk_store_open(const char *path, gw_risk_store **out, gw_error *err)
{
    *out = NULL;
    gw_risk_store *st = calloc(1, sizeof *st);
    if (!st)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    snprintf(st->path, sizeof st->path, "%s", path);
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (exists && !S_ISREG(sb.st_mode)) {
        free(st);
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "%s: is not a regular file; expected a SQLite result store", path);
    }
    int flags = SQLITE_OPEN_READWRITE | (exists ? 0 : SQLITE_OPEN_CREATE);
    int rc;
    if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
        rc = gw_error_set(err, GW_E_IO, NULL, 0, 0, "%s: cannot open the result store (%s)",
                          path, st->db ? sqlite3_errmsg(st->db) : "out of memory");
        gw_risk_store_close(st);
        return rc;
    }
    sqlite3_busy_timeout(st->db, 5000);
    if ((rc = gw_store_check(st->db, st->path, err)) ||
        (sqlite3_exec(st->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", NULL,
                      NULL, NULL) != SQLITE_OK &&
         (rc = fail(st, "cannot set the journal", err))) ||
        ((sqlite3_exec(st->db, gw_store_schema_runs, NULL, NULL, NULL) != SQLITE_OK ||
          sqlite3_exec(st->db, gw_store_schema_risk, NULL, NULL, NULL) != SQLITE_OK ||
          sqlite3_exec(st->db, gw_store_schema_explore, NULL, NULL, NULL) != SQLITE_OK) &&
         (rc = fail(st, "cannot create the tables", err)))) {
        gw_risk_store_close(st);
        return rc;
    }
    *out = st;
    return GW_OK;
}

void gw_risk_store_close(gw_risk_store *st)
{
    if (!st)
        return;
    sqlite3_finalize(st->put);
    sqlite3_close(st->db);
    free(st);
}


int gw_risk_store_begin(gw_risk_store *st, gw_risk_run_info *info, const char *const *names,
                        const gw_uncertain *dists, gw_error *err)
{
    gw_store_now(info->started, sizeof info->started);
    info->ended[0] = 0;
    info->done = 0;
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return fail(st, "cannot start a transaction", err);
    const gw_store_run row = {
        .kind = "risk",
        .name = info->name,
        .seed = info->seed,
        .started = info->started,
        .command = info->command,
        .scenario_path = info->scenario_path,
        .scenario_sha256 = info->scenario_sha256,
        .sets = info->sets,
    };
    sqlite3_int64 id = 0;
    int ok = gw_store_add_run(st->db, &row, &id);
    if (!ok)
        return fail(st, "cannot add the run", err);
    info->id = id;
    sqlite3_stmt *q = NULL;
    ok = sqlite3_prepare_v2(st->db, "INSERT INTO risk_runs (run, scenario_hash, scenario_path, "
                                    "sets, draws, ninputs, noutputs, nseries) VALUES "
                                    "(?,?,?,?,?,?,?,?)",
                            -1, &q, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_int64(q, 1, info->id);
        sqlite3_bind_text(q, 2, info->hash, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 3, info->scenario_path, -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 4, info->sets, -1, SQLITE_STATIC);
        sqlite3_bind_int64(q, 5, info->draws);
        sqlite3_bind_int(q, 6, info->ninputs);
        sqlite3_bind_int(q, 7, info->noutputs);
        sqlite3_bind_int(q, 8, info->nseries);
        ok = sqlite3_step(q) == SQLITE_DONE;
    }
    sqlite3_finalize(q);
    ok = ok && sqlite3_prepare_v2(st->db, "INSERT INTO risk_inputs VALUES (?,?,?,?,?,?,?)", -1,
                                  &q, NULL) == SQLITE_OK;
    for (int i = 0; ok && i < info->ninputs; i++) {
        sqlite3_bind_int64(q, 1, info->id);
        sqlite3_bind_int(q, 2, i);
        sqlite3_bind_text(q, 3, names[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(q, 4, gw_udist_names[dists[i].kind], -1, SQLITE_STATIC);
        sqlite3_bind_double(q, 5, gw_uncertain_quantile(&dists[i], 0.1));
        sqlite3_bind_double(q, 6, gw_uncertain_quantile(&dists[i], 0.5));
        sqlite3_bind_double(q, 7, gw_uncertain_quantile(&dists[i], 0.9));
        ok = sqlite3_step(q) == SQLITE_DONE;
        sqlite3_reset(q);
    }
    sqlite3_finalize(q);
    return commit(st, ok, "cannot add the run", err);
}

static void copy_col(sqlite3_stmt *q, int col, char *dst, size_t n)
{
    const unsigned char *t = sqlite3_column_text(q, col);
    snprintf(dst, n, "%s", t ? (const char *)t : "");
}

int gw_risk_store_find(gw_risk_store *st, long long id, gw_risk_run_info *info, gw_error *err)
{
    memset(info, 0, sizeof *info);
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT r.scenario, r.command, r.seed, r.started, "
                                   "k.scenario_hash, k.scenario_path, k.sets, k.draws, "
                                   "k.ninputs, k.noutputs, k.nseries, k.ended, "
                                   "(SELECT count(*) FROM risk_draws d WHERE d.run = r.id) "
                                   "FROM runs r JOIN risk_runs k ON k.run = r.id WHERE r.id = ?",
                           -1, &q, NULL) != SQLITE_OK)
        return fail(st, "cannot read the runs", err);
    sqlite3_bind_int64(q, 1, id);
    int step = sqlite3_step(q);
    if (step == SQLITE_ROW) {
        info->id = id;
        copy_col(q, 0, info->name, sizeof info->name);
        copy_col(q, 1, info->command, sizeof info->command);
        info->seed = (unsigned long long)sqlite3_column_int64(q, 2);
        copy_col(q, 3, info->started, sizeof info->started);
        copy_col(q, 4, info->hash, sizeof info->hash);
        copy_col(q, 5, info->scenario_path, sizeof info->scenario_path);
        copy_col(q, 6, info->sets, sizeof info->sets);
        info->draws = sqlite3_column_int64(q, 7);
        info->ninputs = sqlite3_column_int(q, 8);
        info->noutputs = sqlite3_column_int(q, 9);
        info->nseries = sqlite3_column_int(q, 10);
        copy_col(q, 11, info->ended, sizeof info->ended);
        info->done = sqlite3_column_int64(q, 12);
    }
    sqlite3_finalize(q);
    if (step == SQLITE_DONE)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "%s: no risk run %lld; expected the id of a run that `gigawatt runs "
                            "--db %s` lists as risk",
                            st->path, id, st->path);
    if (step != SQLITE_ROW)
        return fail(st, "cannot read the runs", err);
    if (info->draws < 0 || info->ninputs < 0 || info->noutputs < GW_RISK_NSCALAR ||
        info->nseries < 0)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "%s: run %lld has a damaged layout; expected a run written by "
                            "gigawatt risk",
                            st->path, id);
    return GW_OK;
}

int gw_risk_store_put(gw_risk_store *st, const gw_risk_run_info *info, size_t n,
                      const long long *idx, const double *in, const double *out, gw_error *err)
{
    size_t ni = (size_t)info->ninputs, no = (size_t)info->noutputs;
    if (!st->put && sqlite3_prepare_v2(st->db, "INSERT OR IGNORE INTO risk_draws VALUES "
                                               "(?,?,?,?,?,?,?,?,?,?)",
                                       -1, &st->put, NULL) != SQLITE_OK)
        return fail(st, "cannot store draws", err);
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return fail(st, "cannot start a transaction", err);
    sqlite3_stmt *q = st->put;
    int ok = 1;
    for (size_t i = 0; i < n && ok; i++) {
        const double *o = out + i * no;
        sqlite3_bind_int64(q, 1, info->id);
        sqlite3_bind_int64(q, 2, idx[i]);
        for (int k = 0; k < GW_RISK_NSCALAR; k++)
            sqlite3_bind_double(q, 3 + k, o[k]);
        /* host byte order (little-endian on every machine we build for) */
        sqlite3_bind_blob(q, 9, in + i * ni, (int)(ni * sizeof(double)), SQLITE_STATIC);
        sqlite3_bind_blob(q, 10, o, (int)(no * sizeof(double)), SQLITE_STATIC);
        ok = sqlite3_step(q) == SQLITE_DONE;
        sqlite3_reset(q);
    }
    sqlite3_clear_bindings(q);
    return commit(st, ok, "cannot store draws", err);
}

int gw_risk_store_load(gw_risk_store *st, const gw_risk_run_info *info, double *in,
                       double *out, unsigned char *done, gw_error *err)
{
    size_t ni = (size_t)info->ninputs, no = (size_t)info->noutputs;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(st->db, "SELECT draw, inputs, outputs FROM risk_draws "
                                   "WHERE run = ?",
                           -1, &q, NULL) != SQLITE_OK)
        return fail(st, "cannot read draws", err);
    sqlite3_bind_int64(q, 1, info->id);
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        long long d = sqlite3_column_int64(q, 0);
        if (d < 0 || d >= info->draws ||
            (size_t)sqlite3_column_bytes(q, 1) != ni * sizeof(double) ||
            (size_t)sqlite3_column_bytes(q, 2) != no * sizeof(double)) {
            sqlite3_finalize(q);
            return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                                "%s: draw %lld of run %lld is damaged; expected draws written "
                                "by gigawatt risk",
                                st->path, d, info->id);
        }
        if (ni)
            memcpy(in + (size_t)d * ni, sqlite3_column_blob(q, 1), ni * sizeof(double));
        memcpy(out + (size_t)d * no, sqlite3_column_blob(q, 2), no * sizeof(double));
        done[d] = 1;
    }
    sqlite3_finalize(q);
    if (step != SQLITE_DONE)
        return fail(st, "cannot read draws", err);
    return GW_OK;
}

int gw_risk_store_finish(gw_risk_store *st, const gw_risk_run_info *info, int nseries,
                         const char *const *series_names, int nquarters, const gw_risk_stats *q,
                         gw_error *err)
{
    char ended[32];
    gw_store_now(ended, sizeof ended);
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return fail(st, "cannot start a transaction", err);
    sqlite3_stmt *stmt = NULL;
    /* a resumed run replaces the series it may have written before */
    int ok = sqlite3_prepare_v2(st->db, "DELETE FROM risk_quarters WHERE run = ?", -1, &stmt,
                                NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_int64(stmt, 1, info->id);
        ok = sqlite3_step(stmt) == SQLITE_DONE;
    }
    sqlite3_finalize(stmt);
    ok = ok && sqlite3_prepare_v2(st->db, "INSERT INTO risk_quarters VALUES (?,?,?,?,?,?,?)",
                                  -1, &stmt, NULL) == SQLITE_OK;
    for (int s = 0; ok && s < nseries; s++)
        for (int t = 0; ok && t < nquarters; t++) {
            size_t k = (size_t)s * (size_t)nquarters + (size_t)t;
            sqlite3_bind_int64(stmt, 1, info->id);
            sqlite3_bind_text(stmt, 2, series_names[s], -1, SQLITE_STATIC);
            sqlite3_bind_int(stmt, 3, t);
            sqlite3_bind_double(stmt, 4, q[k].p5);
            sqlite3_bind_double(stmt, 5, q[k].p50);
            sqlite3_bind_double(stmt, 6, q[k].p95);
            sqlite3_bind_double(stmt, 7, q[k].mean);
            ok = sqlite3_step(stmt) == SQLITE_DONE;
            sqlite3_reset(stmt);
        }
    sqlite3_finalize(stmt);
    ok = ok && sqlite3_prepare_v2(st->db, "UPDATE risk_runs SET ended = ? WHERE run = ?", -1, &stmt,
                                  NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(stmt, 1, ended, -1, SQLITE_STATIC);
        sqlite3_bind_int64(stmt, 2, info->id);
        ok = sqlite3_step(stmt) == SQLITE_DONE;
    }
    sqlite3_finalize(stmt);
    return commit(st, ok, "cannot finish the run", err);
}

/* One run of the listing: the columns of list_query, in order. */
typedef struct listed_run {
    long long id, seed, draws, done;
    const char *kind, *scenario, *command, *started, *status, *path, *sha256, *sets;
    int counted; /* a risk or explore run: draws (points) and done are known */
} listed_run;

/* explore runs (src/output/explore_store.c) list their points as draws:
 * stopped until every point is stored */
static const char list_query[] =
    "SELECT r.id, r.kind, r.scenario, r.command, r.seed, r.started, "
    "coalesce(k.draws, e.points), "
    "CASE WHEN e.run IS NULL THEN k.ended WHEN (SELECT count(*) FROM explore_points p "
    "WHERE p.run = r.id) = e.points THEN 'all' END, "
    "CASE WHEN e.run IS NULL THEN (SELECT count(*) FROM risk_draws d WHERE d.run = r.id) "
    "ELSE (SELECT count(*) FROM explore_points p WHERE p.run = r.id) END, "
    "k.run IS NOT NULL OR e.run IS NOT NULL, "
    "s.scenario_path, s.scenario_sha256, s.sets "
    "FROM runs r LEFT JOIN risk_runs k ON k.run = r.id LEFT JOIN explore_runs e ON e.run = r.id "
    "LEFT JOIN run_sources s ON s.run = r.id ORDER BY r.id";

static const char *text_col(sqlite3_stmt *q, int col)
{
    const char *t = (const char *)sqlite3_column_text(q, col);
    return t ? t : "";
}

static listed_run read_listed(sqlite3_stmt *q)
{
    listed_run x = {
        .id = sqlite3_column_int64(q, 0),
        .kind = sqlite3_column_type(q, 1) == SQLITE_NULL ? "?" : text_col(q, 1),
        .scenario = text_col(q, 2),
        .command = text_col(q, 3),
        .seed = sqlite3_column_int64(q, 4),
        .started = text_col(q, 5),
        .draws = sqlite3_column_int64(q, 6),
        .done = sqlite3_column_int64(q, 8),
        .counted = sqlite3_column_int(q, 9),
        .path = text_col(q, 10),
        .sha256 = text_col(q, 11),
        .sets = text_col(q, 12),
    };
    int ended = sqlite3_column_type(q, 7) != SQLITE_NULL;
    x.status = !x.counted || ended ? "finished" : "stopped";
    return x;
}

/* The run as an element of the JSON's "runs" (docs/commands.md, runs). */
static void run_json(cJSON *runs, const listed_run *x)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToArray(runs, o);
    gw_json_num(o, "id", (double)x->id);
    cJSON_AddStringToObject(o, "kind", x->kind);
    cJSON_AddStringToObject(o, "started", x->started);
    cJSON_AddStringToObject(o, "status", x->status);
    gw_json_num(o, "seed", (double)x->seed);
    if (x->counted) {
        gw_json_num(o, "draws", (double)x->draws);
        gw_json_num(o, "done", (double)x->done);
    }
    cJSON_AddStringToObject(o, "scenario", x->scenario);
    cJSON_AddStringToObject(o, "command", x->command);
    /* runs stored before run_sources existed have none of these */
    if (x->path[0])
        cJSON_AddStringToObject(o, "scenario_path", x->path);
    if (x->sha256[0])
        cJSON_AddStringToObject(o, "scenario_sha256", x->sha256);
    cJSON *sets = cJSON_AddArrayToObject(o, "sets");
    for (const char *s = x->sets; *s;) {
        const char *nl = strchr(s, '\n');
        size_t l = nl ? (size_t)(nl - s) : strlen(s);
        char line[2048];
        snprintf(line, sizeof line, "%.*s", (int)l, s);
        cJSON_AddItemToArray(sets, cJSON_CreateString(line));
        s += l + (nl ? 1 : 0);
    }
}

static void run_text(gw_buf *b, const listed_run *x)
{
    if (x->counted)
        gw_buf_printf(b, "%6lld  %-5s  %-20s  %9lld  %9lld  %-8s  %s\n", x->id, x->kind,
                      x->started, x->draws, x->done, x->status, x->scenario);
    else
        gw_buf_printf(b, "%6lld  %-5s  %-20s  %9s  %9s  %-8s  %s\n", x->id, x->kind, x->started,
                      "-", "-", x->status, x->scenario);
}

int gw_risk_store_list(gw_risk_store *st, int json, char **text, gw_error *err)
{
    *text = NULL;
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(st->db, list_query, -1, &q, NULL) != SQLITE_OK)
        return fail(st, "cannot read the runs", err);
    gw_buf b = {0};
    cJSON *root = json ? cJSON_CreateObject() : NULL, *runs = NULL;
    if (root) {
        gw_json_tag(root, "runs");
        cJSON_AddStringToObject(root, "store", st->path);
        runs = cJSON_AddArrayToObject(root, "runs");
    } else if (!json) {
        gw_buf_printf(&b, "%6s  %-5s  %-20s  %9s  %9s  %-8s  %s\n", "id", "kind", "started",
                      "draws", "done", "status", "scenario");
    }
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        listed_run x = read_listed(q);
        if (runs)
            run_json(runs, &x);
        else if (!json)
            run_text(&b, &x);
    }
    sqlite3_finalize(q);
    if (step != SQLITE_DONE) {
        gw_buf_free(&b);
        cJSON_Delete(root);
        return fail(st, "cannot read the runs", err);
    }
    *text = json ? gw_json_finish(root) : b.failed ? NULL : b.s;
    if (!*text) {
        gw_buf_free(&b);
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    return GW_OK;
}

int gw_risk_store_delete(gw_risk_store *st, long long id, gw_error *err)
{
    sqlite3_stmt *q = NULL;
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return fail(st, "cannot start a transaction", err);
    int ok = sqlite3_prepare_v2(st->db, "SELECT count(*) FROM runs WHERE id = ?", -1, &q,
                                NULL) == SQLITE_OK;
    sqlite3_bind_int64(q, 1, id);
    ok = ok && sqlite3_step(q) == SQLITE_ROW;
    long long found = ok ? sqlite3_column_int64(q, 0) : 0;
    sqlite3_finalize(q);
    if (ok && !found) {
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "%s: no run %lld; expected the id of a run that `gigawatt runs "
                            "--db %s` lists",
                            st->path, id, st->path);
    }
    /* every row of the run, in each table of store.c's schema; runs last */
    static const char *const deletes[] = {
        "run_sources WHERE run", "fleet_hourly WHERE run",  "fleet_tenant_hourly WHERE run",
        "fleet_site_mw WHERE run", "fleet_tenants WHERE run", "risk_inputs WHERE run",
        "risk_draws WHERE run",  "risk_quarters WHERE run", "risk_runs WHERE run",
        "explore_points WHERE run", "explore_runs WHERE run", "runs WHERE id"};
    char sql[96];
    for (size_t t = 0; ok && t < sizeof deletes / sizeof deletes[0]; t++) {
        snprintf(sql, sizeof sql, "DELETE FROM %s = ?", deletes[t]);
        /* a store with no run of a kind may lack its tables: nothing to delete */
        if (sqlite3_prepare_v2(st->db, sql, -1, &q, NULL) != SQLITE_OK)
            continue;
        sqlite3_bind_int64(q, 1, id);
        ok = sqlite3_step(q) == SQLITE_DONE;
        sqlite3_finalize(q);
    }
    return commit(st, ok, "cannot delete the run", err);
}

int gw_risk_store_vacuum(gw_risk_store *st, gw_error *err)
{
    /* the log folded in first, so the file itself shrinks */
    if (sqlite3_exec(st->db, "PRAGMA wal_checkpoint(TRUNCATE); VACUUM;", NULL, NULL, NULL) !=
        SQLITE_OK)
        return fail(st, "cannot vacuum", err);
    return GW_OK;
}
