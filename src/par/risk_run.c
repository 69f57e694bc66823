/* src/par/risk_run.c — a risk run in rounds over a transport (engines
 * layer, par; moved here from src/cli/risk_cmd.c).
 *
 * Every rank computes its slice of a round on its threads; rank 0 gathers
 * the slices' inputs and outputs in draw order and appends them to the
 * SQLite store in one transaction (while the others compute the next
 * round), and each rank receives the per-quarter series of its own block
 * of columns. After the last round every rank computes its columns'
 * percentiles, and rank 0 aggregates the rest. A stop or a kill loses only
 * the round under way; a resume reads the stored draws back, computes the
 * rest and ends with the bytes an uninterrupted run gives (docs/risk.md
 * §5). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "gigawatt/par.h"

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

static int out_of_memory(gw_error *err)
{
    return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
}

double gw_par_wall_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct run_state {
    const gw_par_transport *t;
    const gw_par_risk_job *job;
    const gw_risk_plan *plan;
    double *in, *out; /* rank 0: every draw */
    float *own;       /* this rank's block of series columns [own_lo, own_hi), by column */
    size_t own_lo, own_hi;
    unsigned char *done;
    long long *todo;
    long long ntodo;
    gw_risk_store *store;
    gw_risk_run_info info;
    /* rank 0: the last round of a finished run, gathered but not yet kept
     * (kept while the other ranks compute their columns) */
    double *last_in, *last_out;
    long long last_len, last_at;
} run_state;

static void state_free(run_state *s)
{
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
static void col_block(int K, size_t ncol, int k, size_t *lo, size_t *hi)
{
    if (K == 1) {
        *lo = 0, *hi = ncol;
        return;
    }
    /* boundaries in half shares: rank 0 has 1, every other rank 2 */
    size_t halves = 2 * (size_t)K - 1;
    size_t b0 = k == 0 ? 0 : 2 * (size_t)k - 1, b1 = 2 * (size_t)k + 1;
    *lo = ncol * b0 / halves;
    *hi = ncol * b1 / halves;
}

int gw_par_risk_recall(const gw_par_transport *t, const char *db, long long run,
                       gw_risk_run_info *info, gw_error *err)
{
    struct {
        int rc;
        gw_risk_run_info info;
    } *hdr = calloc(1, sizeof *hdr);
    int rc = hdr ? GW_OK : out_of_memory(err);
    if (!rc && t->rank == 0) {
        gw_risk_store *st = NULL;
        if (access(db, F_OK) != 0)
            rc = gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                              "%s: no result store there; expected the --db of the run to "
                              "resume",
                              db);
        if (!rc && !(rc = gw_risk_store_open(db, &st, err)))
            rc = gw_risk_store_find(st, run, &hdr->info, err);
        gw_risk_store_close(st);
    }
    rc = t->agree(t->user, rc);
    if (!rc) {
        t->broadcast(t->user, hdr, sizeof *hdr);
        *info = hdr->info;
    }
    free(hdr);
    return rc;
}

/* The draws read back from the store (rank 0) to every rank, which runs the
 * timeline once per draw from its stored inputs (checking the stored
 * outputs bit for bit) and keeps its columns of the series. */
static int share_stored(run_state *s, gw_error *err)
{
    const gw_par_transport *t = s->t;
    const gw_risk_plan *p = s->plan;
    size_t n = (size_t)p->draws, ni = (size_t)p->ninputs, no = (size_t)gw_risk_noutputs(p);
    size_t ns = (size_t)gw_risk_nseries(p);
    long long m = 0;
    if (t->rank == 0)
        for (size_t d = 0; d < n; d++)
            m += s->done[d];
    t->broadcast(t->user, &m, sizeof m);
    if (m == 0)
        return GW_OK;
    size_t mm = (size_t)m;
    double *in = malloc(sizeof(double) * mm * (ni ? ni : 1));
    double *out = malloc(sizeof(double) * mm * no);
    float *ser = malloc(sizeof(float) * mm * (ns ? ns : 1));
    long long *at = malloc(sizeof(long long) * mm);
    int rc = (!in || !out || !ser || !at) ? out_of_memory(err) : GW_OK;
    rc = t->agree(t->user, rc);
    if (!rc && t->rank == 0)
        for (size_t d = 0, j = 0; d < n; d++)
            if (s->done[d]) {
                at[j] = (long long)d;
                if (ni)
                    memcpy(in + j * ni, s->in + d * ni, ni * sizeof(double));
                memcpy(out + j * no, s->out + d * no, no * sizeof(double));
                j++;
            }
    if (!rc) {
        t->broadcast(t->user, at, sizeof(long long) * mm);
        t->broadcast(t->user, in, sizeof(double) * mm * ni);
        t->broadcast(t->user, out, sizeof(double) * mm * no);
        rc = gw_risk_replay_draws(p, mm, s->job->threads, in, out, ser, err);
    }
    if (rc == GW_E_INPUT) { /* name the store and the run in the message */
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        gw_error_set(err, GW_E_INPUT, NULL, 0, 0, "%s: run %lld: %.400s", s->job->db,
                     s->info.id, why);
    }
    for (size_t c = s->own_lo; !rc && c < s->own_hi; c++)
        for (size_t j = 0; j < mm; j++)
            s->own[(c - s->own_lo) * n + (size_t)at[j]] = ser[j * ns + c];
    free(in);
    free(out);
    free(ser);
    free(at);
    return t->agree(t->user, rc);
}

/* Rank 0: the stored run to continue, checked against the plan, with its
 * draws loaded. */
static int find_run(run_state *s, gw_error *err)
{
    const gw_risk_plan *p = s->plan;
    const char *db = s->job->db;
    gw_risk_run_info old;
    int rc = gw_risk_store_find(s->store, s->job->resume, &old, err);
    if (rc)
        return rc;
    if (strcmp(old.hash, p->hash) != 0)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "run %lld in %s was made from a different scenario or settings "
                            "(inputs %s, now %s); expected the same scenario, --set, "
                            "--draws and --seed",
                            old.id, db, old.hash, p->hash);
    if (old.draws != p->draws || old.ninputs != p->ninputs ||
        old.noutputs != gw_risk_noutputs(p) || old.nseries != gw_risk_nseries(p))
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "run %lld in %s has another layout; expected a run of this "
                            "version of gigawatt",
                            old.id, db);
    s->info = old;
    return gw_risk_store_load(s->store, &s->info, s->in, s->out, s->done, err);
}

/* Rank 0: a new run in the store, with what it takes to resume it. */
static int begin_run(run_state *s, gw_error *err)
{
    const gw_risk_plan *p = s->plan;
    const gw_par_risk_job *job = s->job;
    gw_risk_run_info *in = &s->info;
    memset(in, 0, sizeof *in);
    snprintf(in->name, sizeof in->name, "%s", p->name);
    snprintf(in->hash, sizeof in->hash, "%s", p->hash);
    const gw_run_source *src = job->source;
    if (src) {
        snprintf(in->command, sizeof in->command, "%s", src->command);
        snprintf(in->scenario_path, sizeof in->scenario_path, "%s", src->scenario_path);
        snprintf(in->scenario_sha256, sizeof in->scenario_sha256, "%s", src->scenario_sha256);
        snprintf(in->sets, sizeof in->sets, "%s", src->sets);
    }
    in->seed = p->seed;
    in->draws = p->draws;
    in->ninputs = p->ninputs;
    in->noutputs = gw_risk_noutputs(p);
    in->nseries = gw_risk_nseries(p);
    const char *names[GW_RISK_MAX_INPUTS];
    for (int j = 0; j < p->ninputs; j++)
        names[j] = p->label[j];
    return gw_risk_store_begin(s->store, in, names, p->dist, err);
}

/* Rank 0: open the store, start or find the run, load what it holds. */
static int open_run(run_state *s, gw_error *err)
{
    const gw_risk_plan *p = s->plan;
    int rc = gw_risk_store_open(s->job->db, &s->store, err);
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
    rc = s->job->resume > 0 ? find_run(s, err) : begin_run(s, err);
    if (rc)
        return rc;
    s->ntodo = 0;
    for (long long i = 0; i < p->draws; i++)
        if (!s->done[i])
            s->todo[s->ntodo++] = i;
    return GW_OK;
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
static void exchange_series(run_state *s, long long pos, const int *ctl, const float *ser,
                            float *pk, float *rv, int *cnt)
{
    const gw_par_transport *t = s->t;
    const long long *todo = s->todo;
    size_t ns = (size_t)gw_risk_nseries(s->plan), n = (size_t)s->plan->draws;
    size_t mine = (size_t)ctl[1 + t->rank], lo, hi, at = 0;
    int K = t->size;
    if (K == 1) { /* alone: every column is ours, straight from the rows */
        for (size_t c = 0; c < ns; c++)
            for (size_t j = 0; j < mine; j++)
                s->own[c * n + (size_t)todo[pos + (long long)j]] = ser[j * ns + c];
        return;
    }
    int *scnt = cnt, *sdsp = cnt + K, *rcnt = cnt + 2 * K, *rdsp = cnt + 3 * K;
    for (int k = 0; k < K; k++) { /* pack: destination by destination, column by column */
        col_block(K, ns, k, &lo, &hi);
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
    t->exchange(t->user, pk, scnt, sdsp, rv, rcnt, rdsp);
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
void gw_par_split_round(int K, long long len, const double *rate, double wrate, int *n)
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

/* The scratch of the rounds: a slice's rows, rank 0's gathered round, the
 * packed and received series, and the split's bookkeeping. */
typedef struct round_bufs {
    double *in, *out, *gin, *gout;
    float *ser, *pk, *rv;
    int *counts, *ctl;  /* counts: 4 per rank; ctl: stop, then the split */
    double *took2;      /* rank 0: (seconds, draws) per rank */
    double *rate;       /* rank 0: seconds per draw of each rank (moving average) */
    double wrate;       /* rank 0: seconds per stored draw */
    long long round;    /* draws per round */
} round_bufs;

static void bufs_free(round_bufs *b)
{
    free(b->in);
    free(b->out);
    free(b->ser);
    free(b->gin);
    free(b->gout);
    free(b->pk);
    free(b->rv);
    free(b->counts);
    free(b->ctl);
    free(b->took2);
    free(b->rate);
}

static int bufs_alloc(const run_state *s, round_bufs *b, gw_error *err)
{
    const gw_risk_plan *p = s->plan;
    size_t ni = (size_t)p->ninputs, no = (size_t)gw_risk_noutputs(p);
    size_t ns = (size_t)gw_risk_nseries(p);
    int K = s->t->size;
    memset(b, 0, sizeof *b);
    /* a round: ~4096 draws per thread per rank, a few tenths of a second of
     * work, so a stop or a kill loses little and the store sees few commits */
    b->round = 4096LL * s->job->threads * K;
    size_t rows = (size_t)b->round; /* a slice is at most the whole round */
    size_t grows = s->t->rank == 0 ? rows : 1;
    b->in = malloc(sizeof(double) * rows * (ni ? ni : 1));
    b->out = malloc(sizeof(double) * rows * no);
    b->ser = malloc(sizeof(float) * rows * (ns ? ns : 1));
    b->gin = malloc(sizeof(double) * grows * (ni ? ni : 1));
    b->gout = malloc(sizeof(double) * grows * no);
    b->pk = malloc(sizeof(float) * rows * (ns ? ns : 1));
    b->rv = malloc(sizeof(float) * rows * (s->own_hi - s->own_lo + 1));
    b->counts = malloc(sizeof(int) * 4 * (size_t)K);
    b->ctl = malloc(sizeof(int) * (size_t)(K + 1));
    b->took2 = malloc(sizeof(double) * 2 * (size_t)K);
    b->rate = calloc((size_t)K, sizeof *b->rate);
    int ok = b->in && b->out && b->ser && b->gin && b->gout && b->pk && b->rv && b->counts &&
             b->ctl && b->took2 && b->rate;
    return ok ? GW_OK : out_of_memory(err);
}

/* Every rank: its slice of the round [pos, pos + len) as split in b->ctl,
 * timed; rank 0 first stores the previous round (`pending` draws from
 * todo[pending_at]) while the others compute. */
static int compute_slice(run_state *s, round_bufs *b, long long pos, long long *pending,
                         long long pending_at, double took[2], gw_error *err)
{
    const gw_par_transport *t = s->t;
    long long lo = pos;
    for (int k = 0; k < t->rank; k++)
        lo += b->ctl[1 + k];
    long long mine = b->ctl[1 + t->rank];
    int rc = GW_OK;
    if (t->rank == 0 && *pending) { /* the previous round, while the others compute */
        double t0 = gw_par_wall_s();
        rc = keep_round(s, s->todo + pending_at, *pending, b->gin, b->gout, err);
        double w = (gw_par_wall_s() - t0) / (double)*pending;
        b->wrate = b->wrate > 0 ? 0.5 * (b->wrate + w) : w;
        *pending = 0;
    }
    double t0 = gw_par_wall_s();
    if (!rc && mine)
        rc = gw_risk_run_draws(s->plan, s->todo + lo, (size_t)mine, s->job->threads, b->in,
                               b->out, b->ser, err);
    took[0] = gw_par_wall_s() - t0, took[1] = (double)mine;
    int all = t->agree(t->user, rc);
    if (all && !rc)
        rc = gw_error_set(err, all, NULL, 0, 0, "a draw failed on another MPI rank");
    return rc;
}

/* After a slice: the timings to rank 0 (for the next split), inputs and
 * outputs to rank 0 in rank (= draw) order, the series to the ranks that
 * own their columns. */
static void collect_round(run_state *s, round_bufs *b, long long pos, double took[2])
{
    const gw_par_transport *t = s->t;
    const gw_risk_plan *p = s->plan;
    size_t ni = (size_t)p->ninputs, no = (size_t)gw_risk_noutputs(p);
    int K = t->size;
    long long mine = b->ctl[1 + t->rank];
    for (int k = 0; k < K; k++)
        b->counts[k] = (int)(2 * sizeof(double));
    t->gather(t->user, took, (int)(2 * sizeof(double)), b->took2, b->counts);
    for (int k = 0; t->rank == 0 && k < K; k++)
        if (b->took2[2 * k + 1] > 0) {
            double sec = b->took2[2 * k] / b->took2[2 * k + 1];
            b->rate[k] = b->rate[k] > 0 ? 0.5 * (b->rate[k] + sec) : sec;
        }
    for (int part = 0; part < 2; part++) {
        size_t width = part == 0 ? ni * sizeof(double) : no * sizeof(double);
        for (int k = 0; k < K; k++)
            b->counts[k] = (int)(width * (size_t)b->ctl[1 + k]);
        t->gather(t->user, part == 0 ? b->in : b->out, (int)(width * (size_t)mine),
                  part == 0 ? b->gin : b->gout, b->counts);
    }
    exchange_series(s, pos, b->ctl, b->ser, b->pk, b->rv, b->counts);
}

/* The rounds: returns GW_OK, GW_E_STOPPED (draws kept) or an error.
 *
 * Each round rank 0 sends the split (how many of the round's draws each
 * rank computes, as contiguous slices in rank order, so the gathered round
 * is in draw order); every rank computes its slice; rank 0 gathers the
 * inputs and outputs and every rank gets its columns of the series. Rank 0
 * stores round r while the others compute round r+1; the split
 * (gw_par_split_round) balances every rank's measured speed and rank 0's
 * store time. */
static int run_rounds(run_state *s, gw_error *err)
{
    const gw_par_transport *t = s->t;
    const gw_par_risk_job *job = s->job;
    long long draws = s->plan->draws, ntodo = s->ntodo;
    round_bufs b;
    int rc = t->agree(t->user, bufs_alloc(s, &b, err));
    long long done = draws - ntodo, pos = 0, pending = 0, pending_at = 0;
    int stop = 0;
    double took[2];
    while (rc == GW_OK) {
        long long len = ntodo - pos < b.round ? ntodo - pos : b.round;
        if (t->rank == 0) {
            b.ctl[0] = stop || len == 0;
            gw_par_split_round(t->size, len, b.rate, b.wrate, b.ctl + 1);
        }
        t->broadcast(t->user, b.ctl, sizeof(int) * (size_t)(t->size + 1));
        if (b.ctl[0])
            break;
        if ((rc = compute_slice(s, &b, pos, &pending, pending_at, took, err)))
            break;
        collect_round(s, &b, pos, took);
        pending = len, pending_at = pos;
        pos += len;
        done += len;
        if (t->rank == 0 && job->progress)
            stop = job->progress(job->progress_user, (double)done, (double)draws, (double)done);
    }
    if (rc == GW_OK && t->rank == 0 && pending) {
        if (pos == ntodo) { /* finished: kept later, overlapped with the columns */
            s->last_in = b.gin, s->last_out = b.gout, b.gin = b.gout = NULL;
            s->last_len = pending, s->last_at = pending_at;
        } else { /* stopped: keep it now, before saying what was kept */
            rc = keep_round(s, s->todo + pending_at, pending, b.gin, b.gout, err);
        }
    }
    rc = t->agree(t->user, rc);
    if (!rc && pos < ntodo) /* the command to finish it; a front end adds its outputs */
        rc = gw_error_set(err, GW_E_STOPPED, NULL, 0, 0,
                          "stopped after %lld of %lld draws; they are kept in %s as run "
                          "%lld; continue with: gigawatt risk --resume %lld --db %s",
                          done, draws, job->db, s->info.id, s->info.id, job->db);
    bufs_free(&b);
    return rc;
}

/* Every rank: its block of columns, the store opened and the run begun or
 * found (rank 0), the draws to do and the stored ones shared with every
 * rank. */
static int start_run(run_state *s, gw_error *err)
{
    const gw_par_transport *t = s->t;
    size_t ncol = (size_t)gw_risk_nseries(s->plan);
    int rc = GW_OK;
    col_block(t->size, ncol, t->rank, &s->own_lo, &s->own_hi);
    s->own = big_alloc(sizeof(float) * ((s->own_hi - s->own_lo) * (size_t)s->plan->draws + 1));
    if (!s->own)
        rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0,
                          "out of memory for %lld draws' series; expected fewer --draws",
                          s->plan->draws);
    if (!rc && t->rank == 0)
        rc = open_run(s, err);
    struct {
        int rc;
        long long ntodo;
    } hdr = {t->rank == 0 ? rc : 0, s->ntodo};
    int mine = rc;
    t->broadcast(t->user, &hdr, sizeof hdr);
    rc = t->agree(t->user, mine ? mine : hdr.rc);
    if (rc && !mine && t->rank != 0)
        gw_error_set(err, rc, NULL, 0, 0, "rank 0 failed");
    if (!rc && t->rank != 0 && !(s->todo = malloc(sizeof(long long) * (size_t)(hdr.ntodo + 1))))
        rc = out_of_memory(err);
    rc = t->agree(t->user, rc);
    if (!rc && s->job->resume > 0)
        rc = share_stored(s, err);
    if (!rc) {
        s->ntodo = hdr.ntodo;
        if (s->ntodo)
            t->broadcast(t->user, s->todo, sizeof(long long) * (size_t)s->ntodo);
    }
    return rc;
}

/* After the rounds: every rank the percentiles of its block of columns;
 * rank 0, while the others finish their (larger) blocks, also keeps the
 * last round and aggregates the totals; then the ranks agree, rank 0
 * collects the columns' statistics and marks the run finished. */
static int finish_run(run_state *s, gw_risk_summary *sum, gw_error *err)
{
    const gw_par_transport *t = s->t;
    size_t ncol = (size_t)gw_risk_nseries(s->plan), own = s->own_hi - s->own_lo;
    gw_risk_stats *q = calloc(ncol ? ncol : 1, sizeof *q);
    gw_risk_stats *st = calloc(own + 1, sizeof *st);
    int *cnt = malloc(sizeof(int) * (size_t)t->size), have = 0;
    int mine = q && st && cnt ? GW_OK : out_of_memory(err);
    if (!mine)
        mine = gw_risk_column_stats(s->own, own, (size_t)s->plan->draws, s->job->threads, st,
                                    err);
    if (!mine && t->rank == 0 && s->last_len)
        mine = keep_round(s, s->todo + s->last_at, s->last_len, s->last_in, s->last_out, err);
    if (!mine && t->rank == 0) {
        mine = gw_risk_aggregate(s->plan, s->in, s->out, NULL, s->job->threads, sum, err);
        have = mine == GW_OK;
    }
    int rc = t->agree(t->user, mine);
    if (rc && !mine)
        gw_error_set(err, rc, NULL, 0, 0, "another MPI rank failed");
    if (!rc) {
        for (int k = 0; k < t->size; k++) {
            size_t lo, hi;
            col_block(t->size, ncol, k, &lo, &hi);
            cnt[k] = (int)((hi - lo) * sizeof(gw_risk_stats));
        }
        t->gather(t->user, st, (int)(own * sizeof(gw_risk_stats)), q, cnt);
    }
    if (!rc && t->rank == 0) {
        memcpy(sum->q, q, sizeof *q * ncol);
        rc = gw_risk_store_finish(s->store, &s->info, GW_RISK_NSERIES, gw_risk_series_names,
                                  s->plan->quarters, sum->q, err);
    }
    if (rc && have)
        gw_risk_summary_free(sum);
    free(q);
    free(st);
    free(cnt);
    return rc;
}

int gw_par_risk_run(const gw_par_transport *t, const gw_par_risk_job *job,
                    const gw_risk_plan *plan, gw_risk_summary *sum, gw_error *err)
{
    run_state s;
    memset(&s, 0, sizeof s);
    memset(sum, 0, sizeof *sum);
    s.t = t, s.job = job, s.plan = plan;
    int rc = start_run(&s, err);
    if (!rc)
        rc = run_rounds(&s, err);
    if (!rc)
        rc = finish_run(&s, sum, err);
    state_free(&s);
    return rc;
}
