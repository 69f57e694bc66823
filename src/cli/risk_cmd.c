/* src/cli/risk_cmd.c — `gigawatt risk` and `gigawatt runs` (cli layer):
 * the flags read into a gw_command_request, the MPI transport started when
 * an MPI launcher started this process, Ctrl-C and progress, and the
 * outputs written (by rank 0 only). The draw rounds, load balancing,
 * resume and the exchange between processes are the library's
 * (src/par/risk_run.c, over include/gigawatt/par.h's transport); the
 * request is served by gw_command_risk / gw_command_runs
 * (src/scenario/risk_command.c).
 *
 * MPI is initialised only when the process was started by an MPI launcher
 * (OMPI_COMM_WORLD_SIZE / PMI_SIZE set), so the same binary runs alone. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "gigawatt/output.h"
#include "gigawatt/par.h"
#include "gigawatt/risk.h"
#include "gigawatt/risk_command.h"

static const char usage_risk[] =
    "usage: gigawatt risk SCENARIO [--draws N] [--seed N] [--threads N] [--db FILE]\n"
    "                     [--json] [-o FILE] [--html FILE] [--set K=V] [--quiet]\n"
    "       gigawatt risk --resume RUN [SCENARIO] [--db FILE] [--threads N] [--json] [-o FILE]\n"
    "                     [--html FILE]\n"
    "       mpirun -np K gigawatt risk SCENARIO ...\n"
    "Monte Carlo of the build-out timeline over the scenario's uncertain inputs ({dist: ...}\n"
    "values and the risk: section): P5/P50/P95 per quarter of capacity, demand, shortfall,\n"
    "idle capacity, rental spend and cash; the expected cost of building too little versus\n"
    "too much; the build level with the least expected cost; the inputs that matter most.\n"
    "Every draw goes to a SQLite store (--db, default gigawatt.db next to -o FILE or here) as\n"
    "it finishes; after Ctrl-C or a crash --resume RUN continues the run (`gigawatt runs`\n"
    "lists them). The result is the same for any --threads and any number of MPI ranks.\n"
    "--html FILE also writes the result as a self-contained HTML report (fan charts,\n"
    "histograms of the cost of too little and too much, tornado; docs/report.md).\n"
    "\n"
    "examples:\n"
    "  gigawatt risk scenarios/frontier-lab-30gw.yaml\n"
    "  gigawatt risk scenarios/frontier-lab-30gw.yaml --draws 100000 --json -o risk.json\n"
    "  gigawatt risk scenarios/frontier-lab-30gw.yaml --draws 20000 --html risk.html\n"
    "  mpirun -np 2 gigawatt risk scenarios/frontier-lab-30gw.yaml --draws 100000\n";

static const char usage_runs[] =
    "usage: gigawatt runs [--db FILE] [--json]\n"
    "Lists the runs in a SQLite result store (default gigawatt.db): id, kind, start, draws\n"
    "done, finished or stopped (a stopped risk run continues with gigawatt risk --resume ID).\n";

/* ---- options ------------------------------------------------------------------- */

typedef struct risk_opts {
    cli_opts o;
    const char *db;
    long long resume;
    const char *threads, *resume_arg; /* as given, for the request */
} risk_opts;

enum { R_JSON = 300, R_QUIET, R_CATALOG, R_SET, R_HELP, R_DRAWS, R_SEED, R_THREADS, R_DB,
       R_RESUME, R_HTML };

/* GW_RISK_MAX_DRAWS as text, for the usage message */
#define TEXT_OF(x) #x
#define NUMBER_TEXT(x) TEXT_OF(x)
#define MAX_DRAWS_TEXT NUMBER_TEXT(GW_RISK_MAX_DRAWS)

/* runs_cmd: whose --help the message points at */
static int usage_fail(int rank, int runs_cmd, const char *msg, const char *arg)
{
    if (rank == 0)
        fprintf(stderr, "gigawatt: %s '%s'; see gigawatt %s --help\n", msg, arg,
                runs_cmd ? "runs" : "risk");
    return 2;
}

static int whole_arg(const char *v, long long lo, long long hi, long long *out)
{
    char *end;
    long long x = strtoll(v, &end, 10);
    if (end == v || *end || x < lo || x > hi)
        return -1;
    *out = x;
    return 0;
}

/* -1: go on; else the exit status. */
static int parse_risk(int argc, char **argv, int rank, risk_opts *r, int runs_cmd)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, R_JSON},          {"quiet", no_argument, NULL, R_QUIET},
        {"catalog", required_argument, NULL, R_CATALOG}, {"set", required_argument, NULL, R_SET},
        {"help", no_argument, NULL, R_HELP},          {"output", required_argument, NULL, 'o'},
        {"draws", required_argument, NULL, R_DRAWS},  {"seed", required_argument, NULL, R_SEED},
        {"threads", required_argument, NULL, R_THREADS}, {"db", required_argument, NULL, R_DB},
        {"resume", required_argument, NULL, R_RESUME}, {"html", required_argument, NULL, R_HTML},
        {NULL, 0, NULL, 0}};
    memset(r, 0, sizeof *r);
    r->resume = -1;
    opterr = 0;
    optind = 1;
    int c, li = -1;
    long long v;
    gw_error err = {0};
    while ((c = getopt_long(argc, argv, "o:h", longopts, &li)) != -1) {
        if (runs_cmd && c != R_JSON && c != R_DB && c != R_HELP && c != 'h') {
            /* name the option, not the value getopt took with it */
            char opt[64];
            if (c == 'o')
                snprintf(opt, sizeof opt, "-o");
            else if (li >= 0 && longopts[li].val == c)
                snprintf(opt, sizeof opt, "--%s", longopts[li].name);
            else
                snprintf(opt, sizeof opt, "%s", argv[optind - 1]);
            return usage_fail(rank, runs_cmd, "runs takes --db and --json only; not", opt);
        }
        li = -1;
        switch (c) {
        case R_JSON: r->o.json = 1; break;
        case R_QUIET: r->o.quiet = 1; break;
        case R_CATALOG: r->o.catalog = optarg; break;
        case 'o': r->o.out = optarg; break;
        case R_HTML: r->o.html = optarg; break;
        case R_DB: r->db = optarg; break;
        case 'h':
        case R_HELP:
            if (rank == 0)
                fputs(runs_cmd ? usage_runs : usage_risk, stdout);
            return 0;
        case R_SET:
            if (r->o.nsets >= GW_CLI_MAX_SETS)
                return usage_fail(rank, runs_cmd, "too many --set options at", optarg);
            r->o.sets[r->o.nsets++] = optarg;
            break;
        case R_DRAWS:
        case R_SEED:
            if (whole_arg(optarg, c == R_DRAWS ? 1 : 0, c == R_DRAWS ? GW_RISK_MAX_DRAWS
                                                                      : (1LL << 53),
                          &v))
                return usage_fail(
                    rank, runs_cmd,
                    c == R_DRAWS ? "--draws needs a whole number from 1 to " MAX_DRAWS_TEXT ", not"
                                 : "--seed needs a whole number of 0 or more, not",
                    optarg);
            if (cli_add_set(&r->o, c == R_DRAWS ? "risk.draws" : "risk.seed", optarg, &err))
                return rank == 0 ? cli_fail(&err) : 2;
            break;
        case R_THREADS:
            if (whole_arg(optarg, 1, 1024, &v))
                return usage_fail(rank, runs_cmd,
                                  "--threads needs a whole number from 1 to 1024, not", optarg);
            r->threads = optarg;
            break;
        case R_RESUME:
            if (whole_arg(optarg, 1, LLONG_MAX, &v))
                return usage_fail(rank, runs_cmd,
                                  "--resume needs a run id (see gigawatt runs), not", optarg);
            r->resume = v;
            r->resume_arg = optarg;
            break;
        default:
            return usage_fail(rank, runs_cmd, "unknown or incomplete option", argv[optind - 1]);
        }
    }
    if (optind < argc && !runs_cmd)
        r->o.scenario = argv[optind++];
    if (optind < argc)
        return usage_fail(rank, runs_cmd, "unexpected argument", argv[optind]);
    if (!runs_cmd && !r->o.scenario && r->resume < 0) {
        if (rank == 0)
            fprintf(stderr, "gigawatt: risk needs a scenario (or --resume RUN); see gigawatt "
                            "risk --help\n");
        return 2;
    }
    return -1;
}

/* --db, else gigawatt.db beside -o FILE, else in the current directory. */
static void default_db(const risk_opts *r, char *buf, size_t n)
{
    if (r->db) {
        snprintf(buf, n, "%s", r->db);
        return;
    }
    const char *out = r->o.out, *slash = out ? strrchr(out, '/') : NULL;
    struct stat sb; /* -o /dev/stdout: not beside a device, here */
    if (out && stat(out, &sb) == 0 && !S_ISREG(sb.st_mode))
        slash = NULL;
    if (slash)
        snprintf(buf, n, "%.*s/gigawatt.db", (int)(slash - out), out);
    else
        snprintf(buf, n, "gigawatt.db");
}

/* ---- MPI, or one process ----------------------------------------------------------- */

/* The MPI transport under an MPI launcher (returns 1: MPI to finalise),
 * else this process alone. *foreign: started by mpirun with several ranks
 * but built without MPI (each rank would think itself alone and write the
 * same store). */
static int transport_start(gw_par_transport *t, int *argc, char ***argv, int *foreign)
{
    *foreign = 0;
#ifdef GW_HAVE_MPI
    return gw_par_mpi_start(t, argc, argv);
#else
    (void)argc, (void)argv;
    *t = gw_par_local();
    const char *n = getenv("OMPI_COMM_WORLD_SIZE");
    *foreign = n && atoi(n) > 1;
    return 0;
#endif
}

static void transport_end(int started)
{
#ifdef GW_HAVE_MPI
    if (started)
        gw_par_mpi_end();
#else
    (void)started;
#endif
}

/* ---- the run -------------------------------------------------------------------- */

static void join_command(int argc, char **argv, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = 0;
    for (int i = 0; i < argc && len + 1 < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? " " : "gigawatt ", argv[i]);
}

/* Rank 0: the --html report first (an unwritable path leaves no other
 * output), then the JSON or the text to -o or stdout. */
static int write_outputs(const risk_opts *r, gw_command_output *out, gw_error *err)
{
    int rc = GW_OK;
    if (r->o.html)
        rc = gw_write_file_atomic(r->o.html, out->html, strlen(out->html), err);
    char **text = r->o.json ? &out->json : &out->text;
    if (rc == GW_OK) {
        rc = cli_emit(&r->o, *text, err);
        *text = NULL;
    }
    return rc;
}

/* A stop: the command to continue also writes the outputs this one was to. */
static void add_outputs_to_resume(const risk_opts *r, gw_error *err)
{
    char outs[700];
    snprintf(outs, sizeof outs, "%s%s%.300s%s%.300s", r->o.json ? " --json" : "",
             r->o.out ? " -o " : "", r->o.out ? r->o.out : "", r->o.html ? " --html " : "",
             r->o.html ? r->o.html : "");
    size_t len = strlen(err->msg);
    snprintf(err->msg + len, sizeof err->msg - len, "%s", outs);
}

static int risk_main(const gw_par_transport *t, risk_opts *r, int argc, char **argv,
                     gw_error *err)
{
    char db[1024], command[1024];
    default_db(r, db, sizeof db);
    join_command(argc, argv, command, sizeof command);
    /* every output can be written, before any draw (rank 0 writes them) */
    int rc = t->rank == 0 ? cli_check_outputs(&r->o, db, err) : GW_OK;
    if ((rc = t->agree(t->user, rc)))
        return rc;
    gw_command_option options[5];
    int n = 0;
    options[n++] = (gw_command_option){"db", db};
    options[n++] = (gw_command_option){"command-line", command};
    if (r->threads)
        options[n++] = (gw_command_option){"threads", r->threads};
    if (r->resume_arg)
        options[n++] = (gw_command_option){"resume", r->resume_arg};
    if (r->o.html)
        options[n++] = (gw_command_option){"html", r->o.html};
    cli_progress pg;
    gw_command_request req = {
        .command = "risk",
        .scenario_path = r->o.scenario,
        .sets = r->o.sets,
        .nsets = r->o.nsets,
        .options = options,
        .noptions = n,
        .catalog_dir = r->o.catalog,
        .want_json = r->o.json,
        .want_text = !r->o.json,
        .progress = cli_progress_cb,
        .progress_user = &pg,
        .par = t,
    };
    gw_command_output out = {0};
    cli_progress_begin(&pg, "risk", "draws", r->o.quiet || t->rank != 0);
    rc = gw_command_risk(&req, &out, err);
    cli_progress_end(&pg, rc);
    if (rc == GW_E_STOPPED)
        add_outputs_to_resume(r, err);
    if (!rc && t->rank == 0)
        rc = write_outputs(r, &out, err);
    free(out.json);
    free(out.text);
    free(out.csv);
    free(out.html);
    return rc;
}

int cmd_risk(int argc, char **argv)
{
    gw_par_transport t;
    int foreign, mpi = transport_start(&t, &argc, &argv, &foreign);
    risk_opts r;
    int code = parse_risk(argc, argv, t.rank, &r, 0);
    if (code < 0 && foreign) {
        fprintf(stderr, "gigawatt: this gigawatt was built without MPI but runs as one of "
                        "several MPI processes; expected one process, or a build with MPI "
                        "(scripts/deps installs OpenMPI)\n");
        code = 2;
    }
    if (code < 0) {
        gw_error err = {0};
        int rc = risk_main(&t, &r, argc, argv, &err);
        if (rc && !err.msg[0]) /* the failure was another rank's */
            gw_error_set(&err, rc, NULL, 0, 0, "%s on another MPI rank", gw_strerror(rc));
        code = rc ? (t.rank == 0 ? cli_fail(&err) : cli_exit_code(rc)) : 0;
    }
    transport_end(mpi);
    return code;
}

int cmd_runs(int argc, char **argv)
{
    risk_opts r;
    int code = parse_risk(argc, argv, 0, &r, 1);
    if (code >= 0)
        return code;
    char path[1024];
    default_db(&r, path, sizeof path);
    gw_command_option db = {"db", path};
    gw_command_request req = {
        .command = "runs",
        .options = &db,
        .noptions = 1,
        .want_json = r.o.json,
        .want_text = !r.o.json,
    };
    gw_command_output out = {0};
    gw_error err = {0};
    int rc = gw_command_runs(&req, &out, &err);
    if (!rc) {
        rc = cli_emit(&r.o, r.o.json ? out.json : out.text, &err);
        out.json = out.text = NULL;
    }
    free(out.json);
    free(out.text);
    return rc ? cli_fail(&err) : 0;
}
