/* src/cli/risk_cmd.c — `gigawatt risk` and `gigawatt runs` (cli layer).
 *
 * risk runs the Monte Carlo of src/risk in rounds: every rank (MPI, when
 * started by mpirun) computes its slice of the round on its threads; rank 0
 * gathers the slices' inputs and outputs in draw order and appends them to
 * the SQLite store in one transaction (while the others compute the next
 * round), and each rank receives the per-quarter series of its own block of
 * columns. After the last round every rank computes its columns'
 * percentiles, and rank 0 aggregates the rest and prints. A stop (Ctrl-C)
 * or a kill loses only the round under way; `--resume RUN` reads the stored
 * draws back, computes the rest and ends with the bytes an uninterrupted
 * run gives (docs/risk.md §5).
 *
 * MPI is initialised only when the process was started by an MPI launcher
 * (OMPI_COMM_WORLD_SIZE / PMI_SIZE set), so the same binary runs alone. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifdef GW_HAVE_MPI
#include <mpi.h>
#endif

#include "cli.h"
#include "gigawatt/output.h"
#include "gigawatt/risk.h"

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

/* ---- MPI, or one process ----------------------------------------------------------- */

typedef struct par {
    int rank, size, on;
    int foreign; /* started by mpirun with several ranks, but built without MPI */
} par;

static void par_start(par *p, int *argc, char ***argv)
{
    p->rank = 0, p->size = 1, p->on = 0, p->foreign = 0;
#ifdef GW_HAVE_MPI
    if (getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK")) {
        MPI_Init(argc, argv);
        MPI_Comm_rank(MPI_COMM_WORLD, &p->rank);
        MPI_Comm_size(MPI_COMM_WORLD, &p->size);
        p->on = 1;
    }
#else
    (void)argc, (void)argv;
    /* each rank would think itself alone and write the same store */
    const char *n = getenv("OMPI_COMM_WORLD_SIZE");
    p->foreign = n && atoi(n) > 1;
#endif
}

static void par_end(par *p)
{
#ifdef GW_HAVE_MPI
    if (p->on)
        MPI_Finalize();
#endif
    p->on = 0;
}

/* The smallest status over the ranks (errors are negative): all go on or
 * all stop together. */
static int par_agree(const par *p, int rc)
{
#ifdef GW_HAVE_MPI
    if (p->on) {
        int all = rc;
        MPI_Allreduce(&rc, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
        return all;
    }
#endif
    (void)p;
    return rc;
}

static void par_bcast(const par *p, void *buf, size_t bytes)
{
#ifdef GW_HAVE_MPI
    if (p->on)
        MPI_Bcast(buf, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD);
#else
    (void)p, (void)buf, (void)bytes;
#endif
}

/* Rank 0 collects `mine` bytes from each rank, in rank order, into `all`
 * (counts[r] bytes from rank r). */
static void par_gather(const par *p, const void *mine, int nmine, void *all, const int *counts)
{
#ifdef GW_HAVE_MPI
    if (p->on) {
        int *displs = calloc((size_t)(unsigned)p->size, sizeof *displs);
        for (int r = 1; r < p->size && displs; r++)
            displs[r] = displs[r - 1] + counts[r - 1];
        MPI_Gatherv(mine, nmine, MPI_BYTE, all, counts, displs, MPI_BYTE, 0, MPI_COMM_WORLD);
        free(displs);
        return;
    }
#endif
    (void)p, (void)counts;
    if (all != mine && nmine)
        memcpy(all, mine, (size_t)nmine);
}

/* ---- options ------------------------------------------------------------------- */

typedef struct risk_opts {
    cli_opts o;
    const char *db;
    long long resume;
    int threads;
} risk_opts;

enum { R_JSON = 300, R_QUIET, R_CATALOG, R_SET, R_HELP, R_DRAWS, R_SEED, R_THREADS, R_DB,
       R_RESUME, R_HTML };

static const char *usage_cmd = "risk"; /* or "runs": whose --help the errors point at */

/* GW_RISK_MAX_DRAWS as text, for the usage message */
#define TEXT_OF(x) #x
#define NUMBER_TEXT(x) TEXT_OF(x)
#define MAX_DRAWS_TEXT NUMBER_TEXT(GW_RISK_MAX_DRAWS)

static int usage_fail(int rank, const char *msg, const char *arg)
{
    if (rank == 0)
        fprintf(stderr, "gigawatt: %s '%s'; see gigawatt %s --help\n", msg, arg, usage_cmd);
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
    usage_cmd = runs_cmd ? "runs" : "risk";
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
            return usage_fail(rank, "runs takes --db and --json only; not", opt);
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
                return usage_fail(rank, "too many --set options at", optarg);
            r->o.sets[r->o.nsets++] = optarg;
            break;
        case R_DRAWS:
        case R_SEED:
            if (whole_arg(optarg, c == R_DRAWS ? 1 : 0, c == R_DRAWS ? GW_RISK_MAX_DRAWS
                                                                      : (1LL << 53),
                          &v))
                return usage_fail(rank,
                                  c == R_DRAWS ? "--draws needs a whole number from 1 to " MAX_DRAWS_TEXT
                                                 ", not"
                                               : "--seed needs a whole number of 0 or more, not",
                                  optarg);
            if (cli_add_set(&r->o, c == R_DRAWS ? "risk.draws" : "risk.seed", optarg, &err))
                return rank == 0 ? cli_fail(&err) : 2;
            break;
        case R_THREADS:
            if (whole_arg(optarg, 1, 1024, &v))
                return usage_fail(rank, "--threads needs a whole number from 1 to 1024, not",
                                  optarg);
            r->threads = (int)v;
            break;
        case R_RESUME:
            if (whole_arg(optarg, 1, LLONG_MAX, &v))
                return usage_fail(rank, "--resume needs a run id (see gigawatt runs), not",
                                  optarg);
            r->resume = v;
            break;
        default:
            return usage_fail(rank, "unknown or incomplete option", argv[optind - 1]);
        }
    }
    if (optind < argc && !runs_cmd)
        r->o.scenario = argv[optind++];
    if (optind < argc)
        return usage_fail(rank, "unexpected argument", argv[optind]);
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

static int default_threads(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    const char *local = getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
    long per = local ? atol(local) : 1;
    long t = (cores > 0 ? cores : 1) / (per > 0 ? per : 1);
    return t < 1 ? 1 : t > 1024 ? 1024 : (int)t;
}

/* ---- the run -------------------------------------------------------------------- */

/* The arrays that hold every draw (tens to hundreds of MB): on 2 MB pages
 * where the kernel allows it, since first-touch page faults of 4 kB pages
 * cost ~2.7 ms per MB on the VMs this runs on (bench/RESULTS.md). Freed
 * with free(). */
static void *big_alloc(size_t bytes)
{
    void *p = NULL;
    size_t align = (size_t)2 << 20;
    if (bytes < align)
        return malloc(bytes ? bytes : 1);
    if (posix_memalign(&p, align, bytes) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, bytes, MADV_HUGEPAGE); /* advice only: 4 kB pages if refused */
#endif
    return p;
}

/* What rank 0 tells everyone before the rounds. */
typedef struct shared_hdr {
    int rc;
    long long ntodo;
    char scenario[1024];
    char sets[2048];
} shared_hdr;

static void join_command(int argc, char **argv, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = 0;
    for (int i = 0; i < argc && len + 1 < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? " " : "gigawatt ", argv[i]);
}

/* Turn the stored "a.b=v" lines back into --set values. */
static int apply_stored_sets(risk_opts *r, const char *sets, gw_error *err)
{
    char line[1024];
    const char *s = sets;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t l = nl ? (size_t)(nl - s) : strlen(s);
        snprintf(line, sizeof line, "%.*s", (int)l, s);
        char *eq = strchr(line, '=');
        if (eq) {
            *eq = 0;
            int rc = cli_add_set(&r->o, line, eq + 1, err);
            if (rc)
                return rc;
        }
        s += l + (nl ? 1 : 0);
    }
    return GW_OK;
}

typedef struct run_state {
    gw_risk_plan *plan;
    double *in, *out; /* rank 0: every draw */
    float *own;       /* this rank's block of series columns [own_lo, own_hi), by column */
    size_t own_lo, own_hi;
    unsigned char *done;
    long long *todo;
    long long ntodo;
    gw_risk_store *store;
    gw_risk_run_info info;
    char dbpath[1024];
    /* rank 0: the last round of a finished run, gathered but not yet kept
     * (risk_main keeps it while the other ranks compute their columns) */
    double *last_in, *last_out;
    long long last_len, last_at;
} run_state;

static void state_free(run_state *s)
{
    free(s->plan);
    free(s->in);
    free(s->out);
    free(s->own);
    free(s->done);
    free(s->todo);
    free(s->last_in);
    free(s->last_out);
    gw_risk_store_close(s->store);
}

/* Rank k's block of the series columns: every rank keeps the per-quarter
 * series of all draws for its columns only, and computes their
 * percentiles at the end. Rank 0 takes half a share: while the others
 * compute their columns' percentiles it also writes the last round to the
 * store and aggregates the totals (a third of a share was measured too:
 * slower, bench/RESULTS.md). The split of columns changes who computes a
 * column's percentiles, never their value. */
static void col_block(const par *pp, size_t ncol, int k, size_t *lo, size_t *hi)
{
    if (pp->size == 1) {
        *lo = 0, *hi = ncol;
        return;
    }
    /* boundaries in half shares: rank 0 has 1, every other rank 2 */
    size_t halves = 2 * (size_t)pp->size - 1;
    size_t b0 = k == 0 ? 0 : 2 * (size_t)k - 1, b1 = 2 * (size_t)k + 1;
    *lo = ncol * b0 / halves;
    *hi = ncol * b1 / halves;
}

/* The draws read back from the store (rank 0) to every rank, which runs the
 * timeline once per draw from its stored inputs (checking the stored
 * outputs bit for bit) and keeps its columns of the series. */
static int share_stored(const par *pp, const risk_opts *r, run_state *s, gw_error *err)
{
    const gw_risk_plan *p = s->plan;
    size_t n = (size_t)p->draws, ni = (size_t)p->ninputs, no = (size_t)gw_risk_noutputs(p);
    size_t ns = (size_t)gw_risk_nseries(p);
    long long m = 0;
    if (pp->rank == 0)
        for (size_t d = 0; d < n; d++)
            m += s->done[d];
    par_bcast(pp, &m, sizeof m);
    if (m == 0)
        return GW_OK;
    size_t mm = (size_t)m;
    double *in = malloc(sizeof(double) * mm * (ni ? ni : 1));
    double *out = malloc(sizeof(double) * mm * no);
    float *ser = malloc(sizeof(float) * mm * (ns ? ns : 1));
    long long *at = malloc(sizeof(long long) * mm);
    int rc = (!in || !out || !ser || !at)
                 ? gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory")
                 : GW_OK;
    rc = par_agree(pp, rc);
    if (!rc && pp->rank == 0)
        for (size_t d = 0, j = 0; d < n; d++)
            if (s->done[d]) {
                at[j] = (long long)d;
                if (ni)
                    memcpy(in + j * ni, s->in + d * ni, ni * sizeof(double));
                memcpy(out + j * no, s->out + d * no, no * sizeof(double));
                j++;
            }
    if (!rc) {
        par_bcast(pp, at, sizeof(long long) * mm);
        par_bcast(pp, in, sizeof(double) * mm * ni);
        par_bcast(pp, out, sizeof(double) * mm * no);
        rc = gw_risk_replay_draws(p, mm, r->threads, in, out, ser, err);
    }
    if (rc == GW_E_INPUT) { /* name the store and the run in the message */
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        gw_error_set(err, GW_E_INPUT, NULL, 0, 0, "%s: run %lld: %.400s", s->dbpath,
                     s->info.id, why);
    }
    for (size_t c = s->own_lo; !rc && c < s->own_hi; c++)
        for (size_t j = 0; j < mm; j++)
            s->own[(c - s->own_lo) * n + (size_t)at[j]] = ser[j * ns + c];
    free(in);
    free(out);
    free(ser);
    free(at);
    return par_agree(pp, rc);
}

/* Rank 0: open the store, start or find the run, load what it holds. */
static int open_run(risk_opts *r, run_state *s, int argc, char **argv, gw_error *err)
{
    const gw_risk_plan *p = s->plan;
    int rc = gw_risk_store_open(s->dbpath, &s->store, err);
    if (rc)
        return rc;
    size_t n = (size_t)p->draws, ni = (size_t)p->ninputs;
    size_t no = (size_t)gw_risk_noutputs(p);
    s->in = big_alloc(sizeof(double) * (ni ? n * ni : 1));
    s->out = big_alloc(sizeof(double) * n * no);
    s->done = calloc(n, 1);
    s->todo = malloc(sizeof(long long) * n);
    if (!s->in || !s->out || !s->done || !s->todo)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0,
                            "out of memory for %lld draw records; expected fewer --draws",
                            p->draws);
    if (r->resume > 0) {
        gw_risk_run_info old;
        if ((rc = gw_risk_store_find(s->store, r->resume, &old, err)))
            return rc;
        if (strcmp(old.hash, p->hash) != 0)
            return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                                "run %lld in %s was made from a different scenario or settings "
                                "(inputs %s, now %s); expected the same scenario, --set, "
                                "--draws and --seed",
                                old.id, s->dbpath, old.hash, p->hash);
        if (old.draws != p->draws || old.ninputs != p->ninputs ||
            old.noutputs != gw_risk_noutputs(p) || old.nseries != gw_risk_nseries(p))
            return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                                "run %lld in %s has another layout; expected a run of this "
                                "version of gigawatt",
                                old.id, s->dbpath);
        s->info = old;
        if ((rc = gw_risk_store_load(s->store, &s->info, s->in, s->out, s->done, err)))
            return rc;
    } else {
        gw_risk_run_info *in = &s->info;
        memset(in, 0, sizeof *in);
        snprintf(in->name, sizeof in->name, "%s", p->name);
        snprintf(in->hash, sizeof in->hash, "%s", p->hash);
        join_command(argc, argv, in->command, sizeof in->command);
        char abs[PATH_MAX];
        if (r->o.scenario && realpath(r->o.scenario, abs))
            snprintf(in->scenario_path, sizeof in->scenario_path, "%s", abs);
        size_t len = 0;
        for (int i = 0; i < r->o.nsets && len + 1 < sizeof in->sets; i++)
            len += (size_t)snprintf(in->sets + len, sizeof in->sets - len, "%s%s",
                                    i ? "\n" : "", r->o.sets[i]);
        in->seed = p->seed;
        in->draws = p->draws;
        in->ninputs = p->ninputs;
        in->noutputs = gw_risk_noutputs(p);
        in->nseries = gw_risk_nseries(p);
        const char *names[GW_RISK_MAX_INPUTS];
        for (int j = 0; j < p->ninputs; j++)
            names[j] = p->label[j];
        if ((rc = gw_risk_store_begin(s->store, in, names, p->dist, err)))
            return rc;
    }
    s->ntodo = 0;
    for (long long i = 0; i < p->draws; i++)
        if (!s->done[i])
            s->todo[s->ntodo++] = i;
    return GW_OK;
}

static double wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Rank 0: a gathered round into the store (one transaction) and into the
 * arrays of every draw. */
static int keep_round(run_state *s, const long long *idx, long long len, const double *gin,
                      const double *gout, gw_error *err)
{
    const gw_risk_plan *p = s->plan;
    size_t ni = (size_t)p->ninputs, no = (size_t)gw_risk_noutputs(p);
    int rc = gw_risk_store_put(s->store, &s->info, (size_t)len, idx, gin, gout, err);
    for (long long j = 0; j < len && !rc; j++) {
        size_t d = (size_t)idx[j];
        if (ni)
            memcpy(s->in + d * ni, gin + (size_t)j * ni, ni * sizeof(double));
        memcpy(s->out + d * no, gout + (size_t)j * no, no * sizeof(double));
        s->done[d] = 1;
    }
    return rc;
}

/* Every rank sends each other rank that rank's columns of the series of the
 * draws it computed, and files what it receives into its block: `ser` are
 * this rank's rows (row-major), ctl[1 + k] the rows of rank k, from draw
 * todo[pos] on. pk and rv are scratch of the round's size. */
static void exchange_series(const par *pp, run_state *s, const long long *todo, long long pos,
                            const int *ctl, const float *ser, float *pk, float *rv, int *cnt)
{
    size_t ns = (size_t)gw_risk_nseries(s->plan), n = (size_t)s->plan->draws;
    size_t mine = (size_t)ctl[1 + pp->rank], lo, hi, at = 0;
    int K = pp->size;
    if (K == 1) { /* alone: every column is ours, straight from the rows */
        for (size_t c = 0; c < ns; c++)
            for (size_t j = 0; j < mine; j++)
                s->own[c * n + (size_t)todo[pos + (long long)j]] = ser[j * ns + c];
        return;
    }
    int *scnt = cnt, *sdsp = cnt + K, *rcnt = cnt + 2 * K, *rdsp = cnt + 3 * K;
    for (int k = 0; k < K; k++) { /* pack: destination by destination, column by column */
        col_block(pp, ns, k, &lo, &hi);
        sdsp[k] = (int)at;
        for (size_t c = lo; c < hi; c++)
            for (size_t j = 0; j < mine; j++)
                pk[at++] = ser[j * ns + c];
        scnt[k] = (int)at - sdsp[k];
    }
    size_t own = s->own_hi - s->own_lo, rat = 0;
    for (int k = 0; k < K; k++) {
        rdsp[k] = (int)rat;
        rcnt[k] = (int)(own * (size_t)ctl[1 + k]);
        rat += (size_t)rcnt[k];
    }
#ifdef GW_HAVE_MPI
    if (pp->on)
        MPI_Alltoallv(pk, scnt, sdsp, MPI_FLOAT, rv, rcnt, rdsp, MPI_FLOAT, MPI_COMM_WORLD);
    else
#endif
        memcpy(rv, pk, sizeof(float) * at);
    long long first = pos;
    for (int k = 0; k < K; k++) { /* unpack: source by source */
        size_t rows = (size_t)ctl[1 + k];
        const float *from = rv + rdsp[k];
        for (size_t c = 0; c < own; c++)
            for (size_t j = 0; j < rows; j++)
                s->own[c * n + (size_t)todo[first + (long long)j]] = from[c * rows + j];
        first += (long long)rows;
    }
}

/* How many of a round's `len` draws each of the K ranks computes, so that
 * they finish together: rank k takes n_k = T / rate_k, rank 0 also writes
 * the previous round (len x wrate seconds), so n_0 = (T - W) / rate_0, and
 * the n add up to len. Until every rate is measured the split is even.
 * Speeds may differ (machines, other load); the split only decides who
 * computes a draw, never what the draw is. */
static void split_round(int K, long long len, const double *rate, double wrate, int *n)
{
    int known = 1;
    for (int k = 0; k < K; k++)
        known &= rate[k] > 0;
    double share[64], *sh = K <= 64 ? share : NULL;
    if (K == 1 || !known || !sh) {
        for (int k = 0; k < K; k++)
            n[k] = (int)(len * (k + 1) / K - len * k / K);
        return;
    }
    double inv = 0;
    for (int k = 0; k < K; k++)
        inv += 1 / rate[k];
    double W = (double)len * wrate;
    double T = ((double)len + W / rate[0]) / inv;
    sh[0] = (T - W) / rate[0];
    if (sh[0] < 0) { /* rank 0 only writes; the others share the round */
        sh[0] = 0;
        T = (double)len / (inv - 1 / rate[0]);
    }
    for (int k = 1; k < K; k++)
        sh[k] = T / rate[k];
    /* whole draws: cumulative rounding keeps the sum exactly len */
    double acc = 0;
    long long prev = 0;
    for (int k = 0; k < K; k++) {
        acc += sh[k];
        long long upto = k == K - 1 ? len : (long long)(acc + 0.5);
        if (upto > len)
            upto = len;
        if (upto < prev)
            upto = prev;
        n[k] = (int)(upto - prev);
        prev = upto;
    }
}

/* The rounds: returns GW_OK, GW_E_STOPPED (Ctrl-C, draws kept) or an error.
 *
 * Each round rank 0 sends the split (how many of the round's draws each
 * rank computes, as contiguous slices in rank order, so the gathered round
 * is in draw order); every rank computes its slice; rank 0 gathers the
 * inputs and outputs and every rank gets its columns of the series. Rank 0
 * stores round r while the others compute round r+1; the split
 * (split_round) balances every rank's measured speed and rank 0's store
 * time. */
static int run_rounds(const par *pp, risk_opts *r, run_state *s, long long *todo,
                      long long ntodo, cli_progress *pg, gw_error *err)
{
    const gw_risk_plan *p = s->plan;
    size_t ni = (size_t)p->ninputs, no = (size_t)gw_risk_noutputs(p);
    size_t ns = (size_t)gw_risk_nseries(p);
    int K = pp->size;
    /* a round: ~4096 draws per thread per rank, a few tenths of a second of
     * work, so a stop or a kill loses little and the store sees few commits */
    long long round = 4096LL * r->threads * K;
    size_t rows = (size_t)round; /* a slice is at most the whole round */
    double *in = malloc(sizeof(double) * rows * (ni ? ni : 1));
    double *out = malloc(sizeof(double) * rows * no);
    float *ser = malloc(sizeof(float) * rows * (ns ? ns : 1));
    size_t grows = pp->rank == 0 ? rows : 1;
    double *gin = malloc(sizeof(double) * grows * (ni ? ni : 1));
    double *gout = malloc(sizeof(double) * grows * no);
    float *pk = malloc(sizeof(float) * rows * (ns ? ns : 1));  /* series, packed to send */
    float *rv = malloc(sizeof(float) * rows * (s->own_hi - s->own_lo + 1)); /* received */
    int *counts = malloc(sizeof(int) * 4 * (size_t)K);
    int *ctl = malloc(sizeof(int) * (size_t)(K + 1)); /* stop, then the split */
    double *took2 = malloc(sizeof(double) * 2 * (size_t)K); /* rank 0: (seconds, draws) */
    int rc = (!in || !out || !ser || !gin || !gout || !pk || !rv || !counts || !ctl || !took2)
                 ? gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory")
                 : GW_OK;
    rc = par_agree(pp, rc);
    long long done = p->draws - ntodo, pos = 0, pending = 0, pending_at = 0;
    /* rank 0: seconds per draw of each rank's computing (moving averages
     * of the last rounds, 0 until measured) and of its own store writes */
    double *rate = calloc((size_t)K, sizeof *rate), wrate = 0, took[2];
    if (!rate && !rc)
        rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    int stop = 0;
    while (rc == GW_OK) {
        long long len = ntodo - pos < round ? ntodo - pos : round;
        if (pp->rank == 0) {
            ctl[0] = stop || len == 0;
            split_round(K, len, rate, wrate, ctl + 1);
        }
        par_bcast(pp, ctl, sizeof(int) * (size_t)(K + 1));
        if (ctl[0])
            break;
        long long lo = pos;
        for (int k = 0; k < pp->rank; k++)
            lo += ctl[1 + k];
        long long mine = ctl[1 + pp->rank];
        if (pp->rank == 0 && pending) { /* the previous round, while the others compute */
            double t0 = wall_s();
            rc = keep_round(s, todo + pending_at, pending, gin, gout, err);
            double w = (wall_s() - t0) / (double)pending;
            wrate = wrate > 0 ? 0.5 * (wrate + w) : w;
            pending = 0;
        }
        double t0 = wall_s();
        if (!rc && mine)
            rc = gw_risk_run_draws(p, todo + lo, (size_t)mine, r->threads, in, out, ser, err);
        took[0] = wall_s() - t0, took[1] = (double)mine;
        int all = par_agree(pp, rc);
        if (all && !rc)
            rc = gw_error_set(err, all, NULL, 0, 0, "a draw failed on another MPI rank");
        if (rc)
            break;
        /* how long each rank took, for the next split */
        for (int k = 0; k < K; k++)
            counts[k] = (int)sizeof took;
        par_gather(pp, took, (int)sizeof took, took2, counts);
        for (int k = 0; pp->rank == 0 && k < K; k++)
            if (took2[2 * k + 1] > 0) {
                double t = took2[2 * k] / took2[2 * k + 1];
                rate[k] = rate[k] > 0 ? 0.5 * (rate[k] + t) : t;
            }
        /* inputs and outputs to rank 0, in rank (= draw) order; the series
         * to the ranks that own their columns */
        for (int part = 0; part < 2; part++) {
            size_t width = part == 0 ? ni * sizeof(double) : no * sizeof(double);
            for (int k = 0; k < K; k++)
                counts[k] = (int)(width * (size_t)ctl[1 + k]);
            par_gather(pp, part == 0 ? in : out, (int)(width * (size_t)mine),
                       part == 0 ? gin : gout, counts);
        }
        exchange_series(pp, s, todo, pos, ctl, ser, pk, rv, counts);
        pending = len, pending_at = pos;
        pos += len;
        done += len;
        if (pp->rank == 0)
            stop = cli_progress_cb(pg, (double)done, (double)p->draws, (double)done);
    }
    if (rc == GW_OK && pp->rank == 0 && pending) {
        if (pos == ntodo) { /* finished: the caller keeps it, overlapped with the columns */
            s->last_in = gin, s->last_out = gout, gin = gout = NULL;
            s->last_len = pending, s->last_at = pending_at;
        } else { /* stopped: keep it now, before saying what was kept */
            rc = keep_round(s, todo + pending_at, pending, gin, gout, err);
        }
    }
    rc = par_agree(pp, rc);
    if (!rc && pos < ntodo) {
        /* the command to finish it, with the outputs this one was to write */
        char outs[700];
        snprintf(outs, sizeof outs, "%s%s%.300s%s%.300s", r->o.json ? " --json" : "",
                 r->o.out ? " -o " : "", r->o.out ? r->o.out : "", r->o.html ? " --html " : "",
                 r->o.html ? r->o.html : "");
        rc = gw_error_set(err, GW_E_STOPPED, NULL, 0, 0,
                          "stopped after %lld of %lld draws; they are kept in %s as run "
                          "%lld; continue with: gigawatt risk --resume %lld --db %s%s",
                          done, p->draws, s->dbpath, s->info.id, s->info.id, s->dbpath, outs);
    }
    free(in);
    free(out);
    free(ser);
    free(gin);
    free(gout);
    free(pk);
    free(rv);
    free(counts);
    free(ctl);
    free(took2);
    free(rate);
    return rc;
}

/* The per-quarter percentiles of this rank's block of columns, on its
 * threads: *st one per own column; *q (rank 0's, one per column) and *cnt
 * are allocated for gather_column_stats. Local: the ranks agree after. */
static int column_stats(const par *pp, const risk_opts *r, run_state *s, gw_risk_stats **st,
                        gw_risk_stats **q, int **cnt, gw_error *err)
{
    size_t ncol = (size_t)gw_risk_nseries(s->plan), n = (size_t)s->plan->draws;
    size_t own = s->own_hi - s->own_lo;
    *q = calloc(ncol ? ncol : 1, sizeof **q);
    *st = calloc(own + 1, sizeof **st);
    *cnt = malloc(sizeof(int) * (size_t)pp->size);
    int rc = *q && *st && *cnt ? GW_OK
                               : gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    if (!rc)
        rc = gw_risk_column_stats(s->own, own, n, r->threads, *st, err);
    (void)pp;
    return rc;
}

/* Rank 0 collects every rank's column statistics into q. */
static void gather_column_stats(const par *pp, const run_state *s, const gw_risk_stats *st,
                                int *cnt, gw_risk_stats *q)
{
    size_t ncol = (size_t)gw_risk_nseries(s->plan);
    for (int k = 0; k < pp->size; k++) {
        size_t lo, hi;
        col_block(pp, ncol, k, &lo, &hi);
        cnt[k] = (int)((hi - lo) * sizeof(gw_risk_stats));
    }
    par_gather(pp, st, (int)((s->own_hi - s->own_lo) * sizeof(gw_risk_stats)), q, cnt);
}

static int risk_main(const par *pp, risk_opts *r, int argc, char **argv, gw_error *err)
{
    run_state s;
    memset(&s, 0, sizeof s);
    default_db(r, s.dbpath, sizeof s.dbpath);
    shared_hdr *hdr = calloc(1, sizeof *hdr);
    gw_catalog cat;
    gw_config cfg;
    memset(&cat, 0, sizeof cat);
    gw_config_init(&cfg);
    gw_node *root = NULL;
    int rc = hdr ? GW_OK : gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    /* every output can be written, before any draw (rank 0 writes them) */
    if (!rc && pp->rank == 0)
        rc = cli_check_outputs(&r->o, s.dbpath, err);

    /* a resume without a scenario: rank 0 reads where it came from */
    if (!rc && r->resume > 0 && pp->rank == 0) {
        gw_risk_store *st = NULL;
        gw_risk_run_info old;
        if (access(s.dbpath, F_OK) != 0)
            rc = gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                              "%s: no result store there; expected the --db of the run to "
                              "resume",
                              s.dbpath);
        if (!rc && !(rc = gw_risk_store_open(s.dbpath, &st, err)) &&
            !(rc = gw_risk_store_find(st, r->resume, &old, err))) {
            snprintf(hdr->scenario, sizeof hdr->scenario, "%s", old.scenario_path);
            snprintf(hdr->sets, sizeof hdr->sets, "%s", old.sets);
        }
        gw_risk_store_close(st);
    }
    if (hdr && r->resume > 0) {
        hdr->rc = rc;
        par_bcast(pp, hdr, sizeof *hdr);
        rc = hdr->rc;
        if (!rc && !r->o.scenario) {
            if (!hdr->scenario[0])
                rc = gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                                  "run %lld has no scenario file on record; expected "
                                  "gigawatt risk --resume %lld SCENARIO",
                                  r->resume, r->resume);
            r->o.scenario = hdr->scenario;
        }
        if (!rc && r->o.nsets == 0)
            rc = apply_stored_sets(r, hdr->sets, err);
    }
    if (!rc)
        rc = cli_load_catalog(&r->o, &cat, err);
    if (!rc)
        rc = cli_load_scenario(&r->o, &cfg, &root, err);
    if (!rc && !(s.plan = malloc(sizeof *s.plan)))
        rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    if (!rc)
        rc = gw_risk_prepare(&cat, root, s.plan, err);
    /* every rank resolved the same scenario and keeps its block of series
     * columns for every draw; rank 0 opens the store */
    if (!rc) {
        size_t ncol = (size_t)gw_risk_nseries(s.plan);
        col_block(pp, ncol, pp->rank, &s.own_lo, &s.own_hi);
        s.own = big_alloc(sizeof(float) * ((s.own_hi - s.own_lo) * (size_t)s.plan->draws + 1));
        if (!s.own)
            rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0,
                              "out of memory for %lld draws' series; expected fewer --draws",
                              s.plan->draws);
    }
    if (!rc && pp->rank == 0)
        rc = open_run(r, &s, argc, argv, err);
    if (hdr) {
        hdr->rc = pp->rank == 0 ? rc : 0;
        hdr->ntodo = s.ntodo;
        int mine = rc;
        par_bcast(pp, hdr, sizeof *hdr);
        rc = par_agree(pp, mine ? mine : hdr->rc);
        if (rc && !mine && pp->rank != 0)
            gw_error_set(err, rc, NULL, 0, 0, "rank 0 failed");
    }
    if (!rc && pp->rank != 0 && !(s.todo = malloc(sizeof(long long) * (size_t)(hdr->ntodo + 1))))
        rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    rc = par_agree(pp, rc);
    if (!rc && r->resume > 0)
        rc = share_stored(pp, r, &s, err);
    if (!rc) {
        s.ntodo = hdr->ntodo;
        if (s.ntodo)
            par_bcast(pp, s.todo, sizeof(long long) * (size_t)s.ntodo);
        cli_progress pg;
        cli_progress_begin(&pg, "risk", "draws", r->o.quiet || pp->rank != 0);
        rc = run_rounds(pp, r, &s, s.todo, s.ntodo, &pg, err);
        cli_progress_end(&pg, rc);
    }
    gw_risk_stats *st = NULL, *q = NULL;
    int *cnt = NULL;
    /* every rank its block of columns; rank 0, while the others finish
     * their (larger) blocks, also keeps the last round and aggregates the
     * totals; then the ranks agree and rank 0 collects the columns' stats */
    gw_risk_summary sum;
    int have = 0;
    if (!rc) {
        int mine = column_stats(pp, r, &s, &st, &q, &cnt, err);
        if (!mine && pp->rank == 0 && s.last_len)
            mine = keep_round(&s, s.todo + s.last_at, s.last_len, s.last_in, s.last_out, err);
        if (!mine && pp->rank == 0) {
            mine = gw_risk_aggregate(s.plan, s.in, s.out, NULL, r->threads, &sum, err);
            have = mine == GW_OK;
        }
        rc = par_agree(pp, mine);
        if (rc && !mine)
            gw_error_set(err, rc, NULL, 0, 0, "another MPI rank failed");
    }
    if (!rc)
        gather_column_stats(pp, &s, st, cnt, q);
    if (!rc && pp->rank == 0) {
        int nq = s.plan->quarters;
        memcpy(sum.q, q, sizeof *q * (size_t)gw_risk_nseries(s.plan));
        rc = gw_risk_store_finish(s.store, &s.info, GW_RISK_NSERIES, gw_risk_series_names, nq,
                                  sum.q, err);
        if (!rc) /* the run itself is finished and stored either way */
            rc = cli_finish(&r->o, r->o.scenario,
                            cli_result(&r->o,
                                       r->o.json || r->o.html ? gw_risk_json(s.plan, &sum) : NULL,
                                       r->o.json ? NULL : gw_risk_text(s.plan, &sum)),
                            err);
    }
    if (have)
        gw_risk_summary_free(&sum);
    free(r->o.html_json); /* kept for --html when the output failed first */
    r->o.html_json = NULL;
    free(st);
    free(cnt);
    free(q);
    state_free(&s);
    free(hdr);
    gw_config_free(&cfg);
    gw_catalog_free(&cat);
    return rc;
}

int cmd_risk(int argc, char **argv)
{
    par pp;
    par_start(&pp, &argc, &argv);
    risk_opts r;
    int code = parse_risk(argc, argv, pp.rank, &r, 0);
    if (code < 0 && pp.foreign) {
        fprintf(stderr, "gigawatt: this gigawatt was built without MPI but runs as one of "
                        "several MPI processes; expected one process, or a build with MPI "
                        "(scripts/deps installs OpenMPI)\n");
        code = 2;
    }
    if (code < 0) {
        if (!r.threads)
            r.threads = default_threads();
        gw_error err = {0};
        int rc = risk_main(&pp, &r, argc, argv, &err);
        if (rc && !err.msg[0]) /* the failure was another rank's */
            gw_error_set(&err, rc, NULL, 0, 0, "%s on another MPI rank", gw_strerror(rc));
        code = rc ? (pp.rank == 0 ? cli_fail(&err) : cli_exit_code(rc)) : 0;
    }
    par_end(&pp);
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
    gw_error err = {0};
    if (access(path, F_OK) != 0) {
        gw_error_set(&err, GW_E_INPUT, NULL, 0, 0,
                     "%s: no result store there; expected a file written by gigawatt risk or "
                     "sim --db",
                     path);
        return cli_fail(&err);
    }
    gw_risk_store *st = NULL;
    char *text = NULL;
    int rc = gw_risk_store_open(path, &st, &err);
    if (!rc)
        rc = gw_risk_store_list(st, r.o.json, &text, &err);
    gw_risk_store_close(st);
    if (!rc)
        rc = cli_emit(&r.o, text, &err);
    return rc ? cli_fail(&err) : 0;
}
