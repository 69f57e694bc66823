/* src/output/store.c — the SQLite result store (output layer): one database
 * file holds many runs; each run is a row of `runs` and its results rows of
 * per-kind tables. Writes happen in one transaction: a run is in the store
 * whole or not at all. Schema: docs/fleet.md §5 (fleet tables). */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gigawatt/output.h"

static const char *const schema_sql =
    "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
    "scenario TEXT, command TEXT, seed INTEGER, version TEXT, started TEXT);"
    "CREATE TABLE IF NOT EXISTS fleet_hourly (run INTEGER NOT NULL REFERENCES runs(id), "
    "hour INTEGER NOT NULL, offered REAL, served REAL, rate_limited REAL, rejected REAL, "
    "timed_out REAL, spilled REAL, rented REAL, queue_delay_s REAL, utilisation REAL, "
    "rented_gpus REAL, down_gpus REAL, PRIMARY KEY (run, hour));"
    "CREATE TABLE IF NOT EXISTS fleet_site_mw (run INTEGER NOT NULL REFERENCES runs(id), "
    "hour INTEGER NOT NULL, site TEXT NOT NULL, mw REAL, PRIMARY KEY (run, hour, site));"
    "CREATE TABLE IF NOT EXISTS fleet_tenants (run INTEGER NOT NULL REFERENCES runs(id), "
    "tenant TEXT NOT NULL, offered REAL, served REAL, rate_limited REAL, rejected REAL, "
    "timed_out REAL, tokens_offered REAL, tokens_served REAL, ttft_p50_s REAL, "
    "ttft_p90_s REAL, ttft_p99_s REAL, tpot_p50_s REAL, tpot_p90_s REAL, "
    "slo_attainment REAL, revenue_usd REAL, PRIMARY KEY (run, tenant));";

static int fail(sqlite3 *db, const char *path, gw_error *err)
{
    int rc = gw_error_set(err, GW_E_IO, path, 0, 0, "result store: %s; expected a writable "
                                                     "SQLite file",
                          db ? sqlite3_errmsg(db) : "cannot open");
    if (db) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(db);
    }
    return rc;
}

int gw_store_fleet(const char *path, const gw_fleet_report *rep, const char *command,
                   gw_error *err)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return fail(db, path, err);
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return fail(db, path, err);
    const gw_fleet_config *c = &rep->cfg;
    const gw_fleet_result *r = &rep->result;
    char started[32];
    time_t now = time(NULL);
    struct tm tmv;
    strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tmv));
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO runs (kind, scenario, command, seed, version, "
                               "started) VALUES ('fleet', ?, ?, ?, ?, ?)",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(db, path, err);
    sqlite3_bind_text(st, 1, rep->name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, command, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)c->seed);
    sqlite3_bind_text(st, 4, GW_VERSION, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, started, -1, SQLITE_TRANSIENT);
    int ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!ok)
        return fail(db, path, err);
    sqlite3_int64 run = sqlite3_last_insert_rowid(db);
    if (sqlite3_prepare_v2(db, "INSERT INTO fleet_hourly VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", -1,
                           &st, NULL) != SQLITE_OK)
        return fail(db, path, err);
    for (size_t h = 0; h < r->hours && ok; h++) {
        const double *v = (const double *)&r->hour[h];
        sqlite3_bind_int64(st, 1, run);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)h);
        for (int k = 0; k < 11; k++)
            sqlite3_bind_double(st, 3 + k, v[k]);
        ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (!ok || sqlite3_prepare_v2(db, "INSERT INTO fleet_site_mw VALUES (?,?,?,?)", -1, &st,
                                  NULL) != SQLITE_OK)
        return fail(db, path, err);
    for (size_t h = 0; h < r->hours && ok; h++)
        for (int si = 0; si < c->nsites && ok; si++) {
            sqlite3_bind_int64(st, 1, run);
            sqlite3_bind_int64(st, 2, (sqlite3_int64)h);
            sqlite3_bind_text(st, 3, c->sites[si].name, -1, SQLITE_TRANSIENT);
            sqlite3_bind_double(st, 4, r->site_mw[h * (size_t)c->nsites + (size_t)si]);
            ok = sqlite3_step(st) == SQLITE_DONE;
            sqlite3_reset(st);
        }
    sqlite3_finalize(st);
    if (!ok || sqlite3_prepare_v2(db, "INSERT INTO fleet_tenants VALUES "
                                      "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                  -1, &st, NULL) != SQLITE_OK)
        return fail(db, path, err);
    for (int t = 0; t < c->ntenants && ok; t++) {
        const gw_fleet_tenant_result *x = &r->tenant[t];
        const double v[14] = {x->offered,      x->served,        x->rate_limited, x->rejected,
                              x->timed_out,    x->tokens_offered, x->tokens_served, x->ttft_p50,
                              x->ttft_p90,     x->ttft_p99,      x->tpot_p50,     x->tpot_p90,
                              x->slo_attainment, x->revenue_usd};
        sqlite3_bind_int64(st, 1, run);
        sqlite3_bind_text(st, 2, c->tenants[t].name, -1, SQLITE_TRANSIENT);
        for (int k = 0; k < 14; k++)
            if (v[k] == v[k]) /* NaN (nothing served) stays NULL */
                sqlite3_bind_double(st, 3 + k, v[k]);
            else
                sqlite3_bind_null(st, 3 + k);
        ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (!ok || sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return fail(db, path, err);
    sqlite3_close(db);
    return GW_OK;
}
