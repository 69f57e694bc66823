/* src/scenario/risk_command.c — `risk` and `runs` as library calls
 * (scenario layer): a gw_command_request's options read as the CLI reads
 * its flags, the catalog and scenario loaded as the CLI loads them, the
 * draws run by the parallel driver (src/par) over the request's transport,
 * and the result rendered as JSON, text and HTML for the front end to
 * print. include/gigawatt/risk_command.h lists the options. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gigawatt/catalog.h"
#include "gigawatt/config.h"
#include "gigawatt/output.h"
#include "gigawatt/par.h"
#include "gigawatt/risk_command.h"

#ifndef GW_DEFAULT_CATALOG
#define GW_DEFAULT_CATALOG "data/catalog"
#endif

#define RISK_MAX_SETS 64 /* as many as the CLI's --set list holds */
#define RISK_SET_MAX 512 /* one setting built from an option, "path=value" */

/* A risk request, read: the settings in order (the request's, then those
 * built from options or recalled from the store) and the run's options. */
typedef struct risk_args {
    const char *sets[RISK_MAX_SETS];
    int nsets;
    char owned[RISK_MAX_SETS][RISK_SET_MAX];
    int nowned;
    const char *db, *command_line, *scenario;
    long long resume;
    int threads, html;
    gw_risk_run_info recalled; /* the run to resume, as the store has it */
} risk_args;

static int out_of_memory(gw_error *err)
{
    return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
}

static int add_set(risk_args *a, const char *path, const char *value, gw_error *err)
{
    if (a->nsets >= RISK_MAX_SETS || a->nowned >= RISK_MAX_SETS)
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0, "too many settings; expected at most %d",
                            RISK_MAX_SETS);
    char *s = a->owned[a->nowned++];
    if (snprintf(s, RISK_SET_MAX, "%s=%s", path, value) >= RISK_SET_MAX)
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0, "value for %s is too long", path);
    a->sets[a->nsets++] = s;
    return GW_OK;
}

/* An option's whole number in [lo, hi], or a "--name: ..." error. */
static int whole_option(const gw_command_option *o, long long lo, long long hi, const char *want,
                        long long *out, gw_error *err)
{
    char *end = NULL;
    long long x = o->value ? strtoll(o->value, &end, 10) : 0;
    if (!o->value || end == o->value || *end || x < lo || x > hi)
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0, "--%s: needs %s, not '%s'", o->name, want,
                            o->value ? o->value : "");
    *out = x;
    return GW_OK;
}

/* GW_RISK_MAX_DRAWS as text, for the message */
#define TEXT_OF(x) #x
#define NUMBER_TEXT(x) TEXT_OF(x)

static int read_option(const gw_command_option *o, risk_args *a, gw_error *err)
{
    long long v = 0;
    int rc = GW_OK;
    if (!strcmp(o->name, "draws") || !strcmp(o->name, "seed")) {
        int draws = o->name[0] == 'd';
        rc = whole_option(o, draws ? 1 : 0, draws ? GW_RISK_MAX_DRAWS : (1LL << 53),
                          draws ? "a whole number from 1 to " NUMBER_TEXT(GW_RISK_MAX_DRAWS)
                                : "a whole number of 0 or more",
                          &v, err);
        if (!rc)
            rc = add_set(a, draws ? "risk.draws" : "risk.seed", o->value, err);
    } else if (!strcmp(o->name, "threads")) {
        rc = whole_option(o, 1, 1024, "a whole number from 1 to 1024", &v, err);
        a->threads = (int)v;
    } else if (!strcmp(o->name, "resume")) {
        rc = whole_option(o, 1, LLONG_MAX, "a run id (see gigawatt runs)", &v, err);
        a->resume = v;
    } else if (!strcmp(o->name, "db") || !strcmp(o->name, "command-line")) {
        if (!o->value)
            return gw_error_set(err, GW_E_USAGE, NULL, 0, 0, "--%s: needs a value", o->name);
        *(o->name[0] == 'd' ? &a->db : &a->command_line) = o->value;
    } else if (!strcmp(o->name, "html")) {
        a->html = 1;
    } else {
        rc = gw_error_set(err, GW_E_USAGE, NULL, 0, 0, "--%s: risk does not take this option",
                          o->name);
    }
    return rc;
}

/* Processes sharing this machine share its cores (an MPI launcher says how
 * many run here); at least 1, at most 1024 threads. */
static int default_threads(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    const char *local = getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
    long per = local ? atol(local) : 1;
    long t = (cores > 0 ? cores : 1) / (per > 0 ? per : 1);
    return t < 1 ? 1 : t > 1024 ? 1024 : (int)t;
}

static int read_request(const gw_command_request *req, risk_args *a, gw_error *err)
{
    memset(a, 0, sizeof *a);
    a->db = "gigawatt.db";
    a->scenario = req->scenario_path;
    int rc = GW_OK;
    for (int i = 0; i < req->nsets && !rc; i++) {
        if (a->nsets >= RISK_MAX_SETS)
            return gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                                "too many settings; expected at most %d", RISK_MAX_SETS);
        a->sets[a->nsets++] = req->sets[i];
    }
    for (int i = 0; i < req->noptions && !rc; i++)
        rc = read_option(&req->options[i], a, err);
    if (!rc && !a->threads)
        a->threads = default_threads();
    if (!rc && !a->scenario && !req->scenario_text && a->resume <= 0)
        rc = gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                          "risk needs a scenario (or --resume RUN); see gigawatt risk --help");
    return rc;
}

/* A resumed run without a scenario or settings takes the run's own: the
 * scenario file on record and its stored "a.b=v" lines. */
static int apply_recalled(const gw_command_request *req, risk_args *a, gw_error *err)
{
    const gw_risk_run_info *old = &a->recalled;
    if (!a->scenario && !req->scenario_text) {
        if (!old->scenario_path[0])
            return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                                "run %lld has no scenario file on record; expected "
                                "gigawatt risk --resume %lld SCENARIO",
                                a->resume, a->resume);
        a->scenario = old->scenario_path;
    }
    if (a->nsets > 0)
        return GW_OK;
    char line[1024];
    for (const char *s = old->sets; *s;) {
        const char *nl = strchr(s, '\n');
        size_t l = nl ? (size_t)(nl - s) : strlen(s);
        snprintf(line, sizeof line, "%.*s", (int)l, s);
        char *eq = strchr(line, '=');
        if (eq) {
            *eq = 0;
            int rc = add_set(a, line, eq + 1, err);
            if (rc)
                return rc;
        }
        s += l + (nl ? 1 : 0);
    }
    return GW_OK;
}

/* The catalog from the request's directory, $GIGAWATT_CATALOG or the
 * built-in path (as the CLI loads it; shared with the other commands'
 * loading when they move into the library). */
static int load_catalog(const gw_command_request *req, gw_catalog *cat, gw_error *err)
{
    const char *dir = req->catalog_dir;
    if (!dir)
        dir = getenv("GIGAWATT_CATALOG");
    if (!dir || !dir[0])
        dir = GW_DEFAULT_CATALOG;
    int rc = gw_catalog_load(cat, dir, err);
    if (rc == GW_E_IO) /* a missing catalog directory is the user's to fix */
        err->code = rc = GW_E_INPUT;
    return rc;
}

/* The scenario (a file, text, or an empty one) with the settings applied. */
static int load_scenario(const gw_command_request *req, const risk_args *a, gw_config *cfg,
                         gw_node **root, gw_error *err)
{
    int rc = GW_OK;
    if (a->scenario) {
        rc = gw_config_load_file(cfg, a->scenario, 1, root, err);
    } else if (req->scenario_text) {
        const char *name = req->scenario_name ? req->scenario_name : "<scenario>";
        rc = gw_config_load_buffer(cfg, name, req->scenario_text, strlen(req->scenario_text), 1,
                                   root, err);
    } else if (!(*root = gw_config_new_map(cfg, "<command line>"))) {
        rc = out_of_memory(err);
    }
    if (rc == GW_E_IO) /* unreadable scenario: bad input */
        err->code = rc = GW_E_INPUT;
    for (int i = 0; i < a->nsets && !rc; i++)
        rc = gw_config_set_path(cfg, *root, a->sets[i], "--set", err);
    return rc;
}

/* Rank 0: the result as the request wants it; the HTML report names its
 * source by file name (a scenario's directory is the reader's business). */
static int render(const gw_command_request *req, const risk_args *a, const gw_risk_plan *plan,
                  const gw_risk_summary *sum, gw_command_output *out, gw_error *err)
{
    char *json = req->want_json || a->html ? gw_risk_json(plan, sum) : NULL;
    int rc = (req->want_json || a->html) && !json ? out_of_memory(err) : GW_OK;
    if (!rc && req->want_text && !(out->text = gw_risk_text(plan, sum)))
        rc = out_of_memory(err);
    if (!rc && a->html) {
        const char *name = a->scenario ? a->scenario : req->scenario_name;
        const char *slash = name ? strrchr(name, '/') : NULL;
        if (slash && slash[1])
            name = slash + 1;
        rc = gw_report_html_text(name, json, &out->html, err);
    }
    if (!rc && req->want_json)
        out->json = json, json = NULL;
    free(json);
    return rc;
}

/* Load, prepare and run on every rank; rank 0 renders. */
static int risk_run(const gw_command_request *req, const gw_par_transport *t, risk_args *a,
                    gw_command_output *out, gw_error *err)
{
    gw_catalog cat;
    gw_config cfg;
    gw_node *root = NULL;
    memset(&cat, 0, sizeof cat);
    gw_config_init(&cfg);
    gw_risk_plan *plan = malloc(sizeof *plan);
    int rc = plan ? load_catalog(req, &cat, err) : out_of_memory(err);
    if (!rc)
        rc = load_scenario(req, a, &cfg, &root, err);
    if (!rc)
        rc = gw_risk_prepare(&cat, root, plan, err);
    int mine = rc; /* every rank resolved the same scenario, or all stop */
    if ((rc = t->agree(t->user, rc)) && !mine)
        gw_error_set(err, rc, NULL, 0, 0, "%s on another MPI rank", gw_strerror(rc));
    gw_par_risk_job job = {
        .db = a->db,
        .resume = a->resume,
        .threads = a->threads,
        .command = a->command_line,
        .scenario_path = a->scenario,
        .sets = a->sets,
        .nsets = a->nsets,
        .progress = req->progress,
        .progress_user = req->progress_user,
    };
    char command[1024];
    if (!job.command) {
        snprintf(command, sizeof command, "gigawatt risk%s%s", a->scenario ? " " : "",
                 a->scenario ? a->scenario : "");
        job.command = command;
    }
    gw_risk_summary sum;
    memset(&sum, 0, sizeof sum);
    if (!rc && !(rc = gw_par_risk_run(t, &job, plan, &sum, err)) && t->rank == 0)
        rc = render(req, a, plan, &sum, out, err);
    gw_risk_summary_free(&sum);
    free(plan);
    gw_config_free(&cfg);
    gw_catalog_free(&cat);
    return rc;
}

static void output_clear(gw_command_output *out)
{
    free(out->json);
    free(out->text);
    free(out->csv);
    free(out->html);
    memset(out, 0, sizeof *out);
}

int gw_command_risk(const gw_command_request *req, gw_command_output *out, gw_error *err)
{
    memset(out, 0, sizeof *out);
    gw_par_transport local = gw_par_local();
    const gw_par_transport *t = req->par ? req->par : &local;
    risk_args *a = malloc(sizeof *a);
    int rc = a ? read_request(req, a, err) : out_of_memory(err);
    if (!rc && a->resume > 0 && !(rc = gw_par_risk_recall(t, a->db, a->resume, &a->recalled, err)))
        rc = apply_recalled(req, a, err);
    if (!rc)
        rc = risk_run(req, t, a, out, err);
    if (rc)
        output_clear(out);
    free(a);
    return rc;
}

int gw_command_runs(const gw_command_request *req, gw_command_output *out, gw_error *err)
{
    memset(out, 0, sizeof *out);
    const char *db = "gigawatt.db";
    for (int i = 0; i < req->noptions; i++) {
        if (strcmp(req->options[i].name, "db") != 0 || !req->options[i].value)
            return gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                                "--%s: runs takes --db FILE only", req->options[i].name);
        db = req->options[i].value;
    }
    if (access(db, F_OK) != 0)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "%s: no result store there; expected a file written by gigawatt "
                            "risk or sim --db",
                            db);
    gw_risk_store *st = NULL;
    int rc = gw_risk_store_open(db, &st, err);
    if (!rc && req->want_json)
        rc = gw_risk_store_list(st, 1, &out->json, err);
    if (!rc && req->want_text)
        rc = gw_risk_store_list(st, 0, &out->text, err);
    gw_risk_store_close(st);
    if (rc)
        output_clear(out);
    return rc;
}
