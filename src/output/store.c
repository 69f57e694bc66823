/* src/output/store.c — the SQLite result store (output layer): one database
 * file holds many runs; each run is a row of `runs` and its results rows of
 * per-kind tables. Writes happen in one transaction: a run is in the store
 * whole or not at all. Schema: docs/fleet.md §5 (fleet tables); the schema
 * of every table and the check that a file is ours live here too, for the
 * risk writer (src/risk/store.c) as well (store_int.h). */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gigawatt/output.h"
#include "store_int.h"

/* run_sources came after runs: a store written before it gains the table
 * on its next write, and its older runs have no row there. */
const char gw_store_schema_runs[] =
    "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
    "scenario TEXT, command TEXT, seed INTEGER, version TEXT, started TEXT);"
    "CREATE TABLE IF NOT EXISTS run_sources (run INTEGER PRIMARY KEY REFERENCES runs(id), "
    "scenario_path TEXT, scenario_sha256 TEXT, sets TEXT);";

const char gw_store_schema_fleet[] =
    "CREATE TABLE IF NOT EXISTS fleet_hourly (run INTEGER NOT NULL REFERENCES runs(id), "
    "hour INTEGER NOT NULL, offered REAL, served REAL, rate_limited REAL, rejected REAL, "
    "timed_out REAL, spilled REAL, rented REAL, queue_delay_s REAL, utilisation REAL, "
    "rented_gpus REAL, down_gpus REAL, PRIMARY KEY (run, hour));"
    "CREATE TABLE IF NOT EXISTS fleet_tenant_hourly (run INTEGER NOT NULL REFERENCES runs(id), "
    "hour INTEGER NOT NULL, tenant TEXT NOT NULL, offered REAL, served REAL, rate_limited REAL, "
    "rejected REAL, timed_out REAL, PRIMARY KEY (run, hour, tenant));"
    "CREATE TABLE IF NOT EXISTS fleet_site_mw (run INTEGER NOT NULL REFERENCES runs(id), "
    "hour INTEGER NOT NULL, site TEXT NOT NULL, mw REAL, PRIMARY KEY (run, hour, site));"
    "CREATE TABLE IF NOT EXISTS fleet_tenants (run INTEGER NOT NULL REFERENCES runs(id), "
    "tenant TEXT NOT NULL, offered REAL, served REAL, rate_limited REAL, rejected REAL, "
    "timed_out REAL, tokens_offered REAL, tokens_served REAL, ttft_p50_s REAL, "
    "ttft_p90_s REAL, ttft_p99_s REAL, tpot_p50_s REAL, tpot_p90_s REAL, "
    "slo_attainment REAL, revenue_usd REAL, PRIMARY KEY (run, tenant));";

const char gw_store_schema_risk[] =
    "CREATE TABLE IF NOT EXISTS risk_runs (run INTEGER PRIMARY KEY REFERENCES runs(id), "
    "scenario_hash TEXT NOT NULL, scenario_path TEXT, sets TEXT, draws INTEGER NOT NULL, "
    "ninputs INTEGER NOT NULL, noutputs INTEGER NOT NULL, nseries INTEGER NOT NULL, "
    "ended TEXT);"
    "CREATE TABLE IF NOT EXISTS risk_inputs (run INTEGER NOT NULL REFERENCES runs(id), "
    "idx INTEGER NOT NULL, name TEXT, dist TEXT, p10 REAL, p50 REAL, p90 REAL, "
    "PRIMARY KEY (run, idx));"
    "CREATE TABLE IF NOT EXISTS risk_draws (run INTEGER NOT NULL REFERENCES runs(id), "
    "draw INTEGER NOT NULL, shortfall REAL, idle REAL, rental_usd REAL, cash_usd REAL, "
    "too_little_usd REAL, too_much_usd REAL, inputs BLOB, outputs BLOB, "
    "PRIMARY KEY (run, draw));"
    "CREATE TABLE IF NOT EXISTS risk_quarters (run INTEGER NOT NULL REFERENCES runs(id), "
    "series TEXT NOT NULL, quarter INTEGER NOT NULL, p5 REAL, p50 REAL, p95 REAL, mean REAL, "
    "PRIMARY KEY (run, series, quarter));";

const char gw_store_schema_explore[] =
    "CREATE TABLE IF NOT EXISTS explore_runs (run INTEGER PRIMARY KEY REFERENCES runs(id), "
    "scenario_hash TEXT NOT NULL, points INTEGER NOT NULL, record INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS explore_points (run INTEGER NOT NULL REFERENCES runs(id), "
    "idx INTEGER NOT NULL, feasible INTEGER, why TEXT, record BLOB, PRIMARY KEY (run, idx));";

/* SQLite's word on a damaged or foreign file is bad input (exit 2); any
 * other failure (disk full, permissions) is a runtime one. */
int gw_store_sqlite_error(sqlite3 *db, const char *path, const char *what,
                          const char *expected_io, gw_error *err)
{
    int ec = sqlite3_extended_errcode(db) & 0xff;
    int code = (ec == SQLITE_CORRUPT || ec == SQLITE_NOTADB) ? GW_E_INPUT : GW_E_IO;
    return gw_error_set(err, code, NULL, 0, 0, "%s: result store: %s (%s); expected %s", path,
                        what, sqlite3_errmsg(db),
                        code == GW_E_INPUT ? "a SQLite result store written by gigawatt"
                                           : expected_io);
}

void gw_store_now(char *buf, size_t n)
{
    time_t now = time(NULL);
    struct tm tmv;
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tmv));
}

/* A failed read of the file being checked. */
static int check_fail(sqlite3 *db, const char *path, const char *what, gw_error *err)
{
    return gw_store_sqlite_error(db, path, what, "a readable SQLite file", err);
}

/* A table's column names, comma-joined ("" when it does not exist). */
static int table_columns(sqlite3 *db, const char *table, char *buf, size_t n)
{
    sqlite3_stmt *q = NULL;
    buf[0] = 0;
    if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1)", -1, &q, NULL) !=
        SQLITE_OK)
        return -1;
    sqlite3_bind_text(q, 1, table, -1, SQLITE_STATIC);
    size_t used = 0;
    while (sqlite3_step(q) == SQLITE_ROW && used < n) {
        const char *c = (const char *)sqlite3_column_text(q, 0);
        used += (size_t)snprintf(buf + used, n - used, "%s%s", used ? "," : "", c ? c : "");
    }
    sqlite3_finalize(q);
    return 0;
}

int gw_store_check(sqlite3 *db, const char *path, gw_error *err)
{
    /* this version's tables, made afresh in memory to compare with */
    sqlite3 *ref = NULL;
    if (sqlite3_open(":memory:", &ref) != SQLITE_OK ||
        sqlite3_exec(ref, gw_store_schema_runs, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(ref, gw_store_schema_fleet, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(ref, gw_store_schema_risk, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(ref, gw_store_schema_explore, NULL, NULL, NULL) != SQLITE_OK) {
        sqlite3_close(ref);
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    /* reading sqlite_master is also the first read of the file, where a
     * non-database or a damaged header shows */
    sqlite3_stmt *q = NULL;
    int rc = GW_OK, step = SQLITE_DONE;
    if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                               "substr(name, 1, 7) <> 'sqlite_'",
                           -1, &q, NULL) != SQLITE_OK)
        rc = check_fail(db, path, "cannot read the schema", err);
    while (!rc && (step = sqlite3_step(q)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(q, 0);
        char have[1024], want[1024];
        if (!name)
            continue;
        if (table_columns(db, name, have, sizeof have) ||
            table_columns(ref, name, want, sizeof want))
            rc = check_fail(db, path, "cannot read the schema", err);
        else if (!want[0])
            rc = gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                              "%s: has a table '%.60s' that gigawatt does not write; expected a "
                              "gigawatt result store (or a new file)",
                              path, name);
        else if (strcmp(have, want) != 0)
            rc = gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                              "%s: table %.60s has columns (%.200s), not this version's "
                              "(%.200s); expected a result store written by this gigawatt (or "
                              "a new file)",
                              path, name, have, want);
    }
    if (!rc && step != SQLITE_DONE)
        rc = check_fail(db, path, "cannot read the schema", err);
    sqlite3_finalize(q);
    sqlite3_close(ref);
    return rc;
}

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

int gw_store_add_run(sqlite3 *db, const gw_store_run *r, sqlite3_int64 *id)
{
    sqlite3_stmt *st = NULL;
    int ok = sqlite3_prepare_v2(db, "INSERT INTO runs (kind, scenario, command, seed, version, "
                                    "started) VALUES (?, ?, ?, ?, ?, ?)",
                                -1, &st, NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_text(st, 1, r->kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, r->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, r->command, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)r->seed);
        sqlite3_bind_text(st, 5, GW_VERSION, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, r->started, -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    *id = sqlite3_last_insert_rowid(db);
    st = NULL;
    ok = ok && sqlite3_prepare_v2(db, "INSERT INTO run_sources VALUES (?, ?, ?, ?)", -1, &st,
                                  NULL) == SQLITE_OK;
    if (ok) {
        sqlite3_bind_int64(st, 1, *id);
        const char *texts[3] = {r->scenario_path, r->scenario_sha256, r->sets};
        for (int k = 0; k < 3; k++) /* "" (nothing to record) is NULL */
            if (texts[k] && texts[k][0])
                sqlite3_bind_text(st, 2 + k, texts[k], -1, SQLITE_STATIC);
        ok = sqlite3_step(st) == SQLITE_DONE;
    }
    sqlite3_finalize(st);
    return ok;
}

/* fleet_hourly: the 11 numbers of each hour, in gw_fleet_hour's order. */
static int insert_fleet_hours(sqlite3 *db, sqlite3_int64 run, const gw_fleet_result *r)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO fleet_hourly VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", -1,
                           &st, NULL) != SQLITE_OK)
        return 0;
    int ok = 1;
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
    return ok;
}

/* fleet_tenant_hourly: offered, served, rate_limited, rejected, timed_out
 * per tenant and hour, as in the JSON. */
static int insert_fleet_tenant_hours(sqlite3 *db, sqlite3_int64 run, const gw_fleet_report *rep)
{
    const gw_fleet_config *c = &rep->cfg;
    const gw_fleet_result *r = &rep->result;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO fleet_tenant_hourly VALUES (?,?,?,?,?,?,?,?)", -1,
                           &st, NULL) != SQLITE_OK)
        return 0;
    int ok = 1;
    for (size_t h = 0; h < r->hours && ok; h++)
        for (int t = 0; t < c->ntenants && ok; t++) {
            const double *v = (const double *)&r->tenant_hour[h * (size_t)c->ntenants + (size_t)t];
            sqlite3_bind_int64(st, 1, run);
            sqlite3_bind_int64(st, 2, (sqlite3_int64)h);
            sqlite3_bind_text(st, 3, c->tenants[t].name, -1, SQLITE_TRANSIENT);
            for (int k = 0; k < 5; k++)
                sqlite3_bind_double(st, 4 + k, v[k]);
            ok = sqlite3_step(st) == SQLITE_DONE;
            sqlite3_reset(st);
        }
    sqlite3_finalize(st);
    return ok;
}

/* fleet_site_mw: each site's mean MW per hour. */
static int insert_fleet_site_mw(sqlite3 *db, sqlite3_int64 run, const gw_fleet_report *rep)
{
    const gw_fleet_config *c = &rep->cfg;
    const gw_fleet_result *r = &rep->result;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO fleet_site_mw VALUES (?,?,?,?)", -1, &st, NULL) !=
        SQLITE_OK)
        return 0;
    int ok = 1;
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
    return ok;
}

/* fleet_tenants: each tenant's totals over the run; NaN (nothing served)
 * stays NULL. */
static int insert_fleet_tenants(sqlite3 *db, sqlite3_int64 run, const gw_fleet_report *rep)
{
    const gw_fleet_config *c = &rep->cfg;
    const gw_fleet_result *r = &rep->result;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO fleet_tenants VALUES "
                               "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return 0;
    int ok = 1;
    for (int t = 0; t < c->ntenants && ok; t++) {
        const gw_fleet_tenant_result *x = &r->tenant[t];
        const double v[14] = {x->offered,      x->served,        x->rate_limited, x->rejected,
                              x->timed_out,    x->tokens_offered, x->tokens_served, x->ttft_p50,
                              x->ttft_p90,     x->ttft_p99,      x->tpot_p50,     x->tpot_p90,
                              x->slo_attainment, x->revenue_usd};
        sqlite3_bind_int64(st, 1, run);
        sqlite3_bind_text(st, 2, c->tenants[t].name, -1, SQLITE_TRANSIENT);
        for (int k = 0; k < 14; k++)
            if (v[k] == v[k])
                sqlite3_bind_double(st, 3 + k, v[k]);
            else
                sqlite3_bind_null(st, 3 + k);
        ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return ok;
}

int gw_store_fleet(const char *path, const gw_fleet_report *rep, const gw_run_source *source,
                   gw_error *err)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return fail(db, path, err);
    sqlite3_busy_timeout(db, 5000);
    /* nothing is written to a file that is not ours (or of this version) */
    int rc = gw_store_check(db, path, err);
    if (rc) {
        sqlite3_close(db);
        return rc;
    }
    if (sqlite3_exec(db, gw_store_schema_runs, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, gw_store_schema_fleet, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return fail(db, path, err);
    sqlite3_int64 run = 0;
    char started[32];
    gw_store_now(started, sizeof started);
    const gw_store_run row = {
        .kind = "fleet",
        .name = rep->name,
        .seed = rep->cfg.seed,
        .started = started,
        .command = source->command,
        .scenario_path = source->scenario_path,
        .scenario_sha256 = source->scenario_sha256,
        .sets = source->sets,
    };
    if (!gw_store_add_run(db, &row, &run) ||
        !insert_fleet_hours(db, run, &rep->result) ||
        !insert_fleet_tenant_hours(db, run, rep) || !insert_fleet_site_mw(db, run, rep) ||
        !insert_fleet_tenants(db, run, rep) ||
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return fail(db, path, err);
    sqlite3_close(db);
    return GW_OK;
}
