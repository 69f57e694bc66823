/* src/scenario/risk_command.c — `risk` and `runs` as library calls
 * (scenario layer): a gw_command_request's options read with the CLI's
 * wording, the catalog and scenario loaded as every command's are
 * (src/scenario/command.c), the
 * draws run by the parallel driver (src/par) over the request's transport,
 * and the result rendered as JSON, text and HTML for the front end to
 * print. include/gigawatt/risk_command.h lists the options. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command_int.h"
#include "gigawatt/output.h"
#include "gigawatt/par.h"
#include "gigawatt/risk_command.h"

/* A risk request, read: the settings in order (the request's, then those
 * built from options or recalled from the store, in c.sets) and the run's
 * options. `req` is the caller's request with the scenario to run (the
 * stored run's when resumed without one); c.req points at it, so the
 * catalog and the scenario load as every command's do. */
typedef struct risk_args {
    gw_cmd_args c;
    gw_command_request req;
    const char *db;
    long long resume;
    int threads;
    gw_risk_run_info recalled; /* the run to resume, as the store has it */
} risk_args;

static int out_of_memory(gw_error *err)
{
    return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
}

/* An option's whole number in [lo, hi], or the CLI's message for it
 * (naming the help of `cmd`). */
static int whole_option_of(const char *cmd, const gw_command_option *o, long long lo,
                           long long hi, const char *want, long long *out, gw_error *err)
{
    char *end = NULL;
    long long x = o->value ? strtoll(o->value, &end, 10) : 0;
    if (!o->value || end == o->value || *end || x < lo || x > hi)
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                            "--%s needs %s, not '%s'; see gigawatt %s --help", o->name, want,
                            o->value ? o->value : "", cmd);
    *out = x;
    return GW_OK;
}

static int whole_option(const gw_command_option *o, long long lo, long long hi, const char *want,
                        long long *out, gw_error *err)
{
    return whole_option_of("risk", o, lo, hi, want, out, err);
}

/* A --set, in its place among the options (later wins). */
static int given_set(risk_args *a, const char *assignment, gw_error *err)
{
    if (a->c.nsets >= GW_CMD_MAX_SETS)
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                            "too many --set options at '%s'; see gigawatt risk --help",
                            assignment);
    a->c.sets[a->c.nsets++] = assignment;
    return GW_OK;
}

/* GW_RISK_MAX_DRAWS as text, for the message */
#define TEXT_OF(x) #x
#define NUMBER_TEXT(x) TEXT_OF(x)

static int read_option(const gw_command_option *o, risk_args *a, gw_error *err)
{
    long long v = 0;
    int rc = GW_OK;
    if (!strcmp(o->name, "set") && o->value) {
        rc = given_set(a, o->value, err);
    } else if (!strcmp(o->name, "draws") || !strcmp(o->name, "seed")) {
        int draws = o->name[0] == 'd';
        rc = whole_option(o, draws ? 1 : 0, draws ? GW_RISK_MAX_DRAWS : (1LL << 53),
                          draws ? "a whole number from 1 to " NUMBER_TEXT(GW_RISK_MAX_DRAWS)
                                : "a whole number of 0 or more",
                          &v, err);
        if (!rc)
            rc = gw_cmd_add_set(&a->c, draws ? "risk.draws" : "risk.seed", o->value, err);
    } else if (!strcmp(o->name, "threads")) {
        rc = whole_option(o, 1, 1024, "a whole number from 1 to 1024", &v, err);
        a->threads = (int)v;
    } else if (!strcmp(o->name, "resume")) {
        rc = whole_option(o, 1, LLONG_MAX, "a run id (see gigawatt runs)", &v, err);
        a->resume = v;
    } else if (!strcmp(o->name, "db")) {
        if (!o->value)
            return gw_error_set(err, GW_E_USAGE, NULL, 0, 0, "--%s: needs a value", o->name);
        a->db = o->value;
    } else if (!strcmp(o->name, "html")) {
        a->c.html = 1;
    } else {
        rc = gw_error_set(err, GW_E_USAGE, NULL, 0, 0, "--%s: risk does not take this option",
                          o->name);
    }
    return rc;
}

/* Processes sharing this machine share its cores (an MPI launcher says how
 * many run here); at least 1, at most 1024 threads. */
int gw_cmd_default_threads(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    const char *local = getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
    long per = local ? atol(local) : 1;
    long t = (cores > 0 ? cores : 1) / (per > 0 ? per : 1);
    return t < 1 ? 1 : t > 1024 ? 1024 : (int)t;
}

/* Read req's options into *a; `whole`: the request as a run needs it
 * (a scenario, or a run to resume), else the options alone. */
static int read_request(const gw_command_request *req, int whole, risk_args *a, gw_error *err)
{
    memset(a, 0, sizeof *a);
    a->req = *req;
    a->c.req = &a->req;
    a->db = "gigawatt.db";
    int rc = GW_OK;
    for (int i = 0; i < req->nsets && !rc; i++)
        rc = given_set(a, req->sets[i], err);
    for (int i = 0; i < req->noptions && !rc; i++)
        rc = read_option(&req->options[i], a, err);
    if (!rc && !a->threads)
        a->threads = gw_cmd_default_threads();
    if (!rc && whole && !req->scenario_path && !req->scenario_text && a->resume <= 0)
        rc = gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                          "risk needs a scenario (or --resume RUN); see gigawatt risk --help");
    return rc;
}

/* A resumed run without a scenario or settings takes the run's own: the
 * scenario file on record and its stored "a.b=v" lines. */
static int apply_recalled(risk_args *a, gw_error *err)
{
    const gw_risk_run_info *old = &a->recalled;
    if (!a->req.scenario_path && !a->req.scenario_text) {
        if (!old->scenario_path[0])
            return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                                "run %lld has no scenario file on record; expected "
                                "gigawatt risk --resume %lld SCENARIO",
                                a->resume, a->resume);
        a->req.scenario_path = old->scenario_path;
    }
    if (a->c.nsets > 0)
        return GW_OK;
    char line[1024];
    for (const char *s = old->sets; *s;) {
        const char *nl = strchr(s, '\n');
        size_t l = nl ? (size_t)(nl - s) : strlen(s);
        snprintf(line, sizeof line, "%.*s", (int)l, s);
        char *eq = strchr(line, '=');
        if (eq) {
            *eq = 0;
            int rc = gw_cmd_add_set(&a->c, line, eq + 1, err);
            if (rc)
                return rc;
        }
        s += l + (nl ? 1 : 0);
    }
    return GW_OK;
}

/* Rank 0: the result as the request wants it, the HTML report named by the
 * scenario file (or the text's name). */
static int render(const risk_args *a, const gw_risk_plan *plan, const gw_risk_summary *sum,
                  gw_command_output *out, gw_error *err)
{
    const char *name = a->req.scenario_path ? a->req.scenario_path : a->req.scenario_name;
    return gw_cmd_finish(&a->c, name, GW_CMD_WANT_JSON(&a->c) ? gw_risk_json(plan, sum) : NULL,
                         GW_CMD_WANT_TEXT(&a->c) ? gw_risk_text(plan, sum) : NULL, out, err);
}

/* Load, prepare and run on every rank; rank 0 renders. */
static int risk_run(const gw_par_transport *t, risk_args *a, gw_command_output *out,
                    gw_error *err)
{
    gw_cmd_loaded l;
    gw_risk_plan *plan = malloc(sizeof *plan);
    int rc = plan ? gw_cmd_load_tree_and_catalog(&a->c, &l, err) : out_of_memory(err);
    int loaded = rc == GW_OK;
    if (!rc)
        rc = gw_risk_prepare(&l.cat, l.root, plan, err);
    int mine = rc; /* every rank resolved the same scenario, or all stop */
    if ((rc = t->agree(t->user, rc)) && !mine)
        gw_error_set(err, rc, NULL, 0, 0, "%s on another MPI rank", gw_strerror(rc));
    gw_run_source *source = calloc(1, sizeof *source);
    if (!rc && !source)
        rc = out_of_memory(err);
    if (!rc && t->rank == 0 && a->resume <= 0) /* rank 0 records a new run */
        rc = gw_cmd_run_source(&a->c, a->c.sets, a->c.nsets, source, err);
    mine = rc;
    if ((rc = t->agree(t->user, rc)) && !mine)
        gw_error_set(err, rc, NULL, 0, 0, "%s on another MPI rank", gw_strerror(rc));
    gw_par_risk_job job = {
        .db = a->db,
        .resume = a->resume,
        .threads = a->threads,
        .source = source,
        .progress = a->req.progress,
        .progress_user = a->req.progress_user,
    };
    gw_risk_summary sum;
    memset(&sum, 0, sizeof sum);
    if (!rc && !(rc = gw_par_risk_run(t, &job, plan, &sum, err)) && t->rank == 0)
        rc = render(a, plan, &sum, out, err);
    gw_risk_summary_free(&sum);
    free(source);
    free(plan);
    if (loaded)
        gw_cmd_loaded_free(&l);
    return rc;
}

int gw_cmd_risk_check(const gw_command_request *req, int whole, gw_error *err)
{
    risk_args *a = malloc(sizeof *a);
    int rc = a ? read_request(req, whole, a, err) : out_of_memory(err);
    free(a);
    return rc;
}

int gw_command_risk(const gw_command_request *req, gw_command_output *out, gw_error *err)
{
    memset(out, 0, sizeof *out);
    gw_par_transport local = gw_par_local();
    const gw_par_transport *t = req->par ? req->par : &local;
    risk_args *a = malloc(sizeof *a); /* ~35 kB of settings: off the stack */
    int rc = a ? read_request(req, 1, a, err) : out_of_memory(err);
    if (!rc)
        gw_cmd_phase(&a->c, "risk", "draws");
    if (!rc && a->resume > 0 && !(rc = gw_par_risk_recall(t, a->db, a->resume, &a->recalled, err)))
        rc = apply_recalled(a, err);
    if (!rc)
        rc = risk_run(t, a, out, err);
    if (rc)
        gw_command_output_free(out);
    free(a);
    return rc;
}

/* runs' options: the store, a run to delete, vacuum. */
typedef struct runs_args {
    const char *db; /* the last --db wins */
    long long delete_run;
    int vacuum;
} runs_args;

static int read_runs(const gw_command_request *req, runs_args *a, gw_error *err)
{
    *a = (runs_args){.db = "gigawatt.db"};
    for (int i = 0; i < req->noptions; i++) {
        const gw_command_option *o = &req->options[i];
        int rc = GW_OK;
        if (!strcmp(o->name, "vacuum"))
            a->vacuum = 1;
        else if (!strcmp(o->name, "delete"))
            rc = whole_option_of("runs", o, 1, LLONG_MAX, "a run id (see gigawatt runs)",
                                 &a->delete_run, err);
        else if (!strcmp(o->name, "db") && o->value)
            a->db = o->value;
        else
            rc = gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                              "--%s: runs takes --db FILE, --delete RUN and --vacuum only",
                              o->name);
        if (rc)
            return rc;
    }
    return GW_OK;
}

int gw_cmd_runs_check(const gw_command_request *req, int whole, gw_error *err)
{
    (void)whole; /* runs needs nothing but its options */
    runs_args a;
    return read_runs(req, &a, err);
}

int gw_command_runs(const gw_command_request *req, gw_command_output *out, gw_error *err)
{
    memset(out, 0, sizeof *out);
    runs_args a;
    int rc = read_runs(req, &a, err);
    if (rc)
        return rc;
    if (access(a.db, F_OK) != 0)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "%s: no result store there; expected a file written by gigawatt "
                            "risk or sim --db",
                            a.db);
    gw_risk_store *st = NULL;
    rc = gw_risk_store_open(a.db, &st, err);
    if (!rc && a.delete_run > 0)
        rc = gw_risk_store_delete(st, a.delete_run, err);
    if (!rc && a.vacuum)
        rc = gw_risk_store_vacuum(st, err);
    if (!rc && req->want_json)
        rc = gw_risk_store_list(st, 1, &out->json, err);
    if (!rc && req->want_text)
        rc = gw_risk_store_list(st, 0, &out->text, err);
    gw_risk_store_close(st);
    if (rc)
        gw_command_output_free(out);
    return rc;
}
