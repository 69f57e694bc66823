/* include/gigawatt/par.h — the parallel driver of the risk draws (engines
 * layer, src/par/): rounds of draws split among the threads of every
 * process, load balanced by measured speed, kept in the SQLite store as
 * they finish, resumed from it, and exchanged between processes through a
 * small transport.
 *
 * The transport is what one process knows of the others: its rank, their
 * number, and the four collective operations a risk run needs. Every rank
 * calls each operation in the same order (they are collectives). The
 * library always has the local one (one process, rank 0 of 1); the MPI
 * one (src/par/mpi.c) is built only when CMake finds MPI, into the small
 * library gigawatt_mpi, so that libgigawatt itself never links an MPI
 * library (a Python module or another program links libmpi only when it
 * asks for the MPI transport).
 *
 * Determinism: the transport and the split decide only which process and
 * thread computes a draw, never what a draw is; the result is the same for
 * any number of ranks and threads (docs/risk.md §5). */
#ifndef GIGAWATT_PAR_H
#define GIGAWATT_PAR_H

#include <stddef.h>

#include "gigawatt/gigawatt.h"
#include "gigawatt/risk.h"

typedef struct gw_par_transport {
    int rank, size; /* this process, and how many there are (rank 0 of 1 alone) */
    void *user;     /* passed to every operation */
    /* rank 0's `bytes` bytes at buf, to every rank */
    void (*broadcast)(void *user, void *buf, size_t bytes);
    /* rank 0 receives counts[r] bytes from each rank r into `all`, in rank
     * order; every rank sends its `nmine` bytes (= counts[rank]) */
    void (*gather)(void *user, const void *mine, int nmine, void *all, const int *counts);
    /* all to all, in floats: rank r sends send[sdispl[k]..+scount[k]) to
     * rank k and receives rank k's into recv[rdispl[k]..+rcount[k]) */
    void (*exchange)(void *user, const float *send, const int *scount, const int *sdispl,
                     float *recv, const int *rcount, const int *rdispl);
    /* the smallest `status` over the ranks (errors are negative): every
     * rank goes on, or every rank stops, together */
    int (*agree)(void *user, int status);
} gw_par_transport;

/* One process alone: rank 0 of 1. */
gw_par_transport gw_par_local(void);

/* The MPI transport (library gigawatt_mpi, only in builds with MPI).
 * Initialises MPI when this process was started by an MPI launcher
 * (OMPI_COMM_WORLD_SIZE, PMI_SIZE or PMIX_RANK set) and returns 1; else
 * fills in the local transport and returns 0, so the same program runs
 * alone. gw_par_mpi_end finalises MPI after a start that returned 1. */
int gw_par_mpi_start(gw_par_transport *t, int *argc, char ***argv);
void gw_par_mpi_end(void);

/* ---- a risk run over a transport (src/par/risk_run.c) --------------------------- */

typedef struct gw_par_risk_job {
    const char *db;        /* the SQLite result store */
    long long resume;      /* the run of the store to continue, or 0: a new run */
    int threads;           /* per rank */
    /* what a new run records, as every stored run does: the command that
     * runs it again, the scenario file (absolute, for --resume), its
     * SHA-256 and the --set list */
    const gw_run_source *source;
    gw_progress_fn progress; /* rank 0, once per round: draws done, total;
                                nonzero stops (GW_E_STOPPED, the draws kept) */
    void *progress_user;
} gw_par_risk_job;

/* Rank 0 looks run `run` of the store `db` up; every rank gets its record
 * (where it came from: scenario_path, sets) or the error's status. */
int gw_par_risk_recall(const gw_par_transport *t, const char *db, long long run,
                       gw_risk_run_info *info, gw_error *err);

/* Run every draw of `plan` (prepared alike on every rank) not yet in the
 * store: a new run, or job->resume's stored draws read back first. Rank 0
 * gets the summary (free with gw_risk_summary_free); the run is marked
 * finished in the store. A stop through job->progress returns GW_E_STOPPED
 * with the message saying what was kept and the command to continue
 * ("... continue with: gigawatt risk --resume ID --db DB"; a front end
 * appends its output options). Other ranks get *sum zeroed. */
int gw_par_risk_run(const gw_par_transport *t, const gw_par_risk_job *job,
                    const gw_risk_plan *plan, gw_risk_summary *sum, gw_error *err);

/* How many of a round's `len` draws each of K ranks computes so they
 * finish together, from each rank's measured seconds per draw rate[k]
 * (0: not measured yet: an even split) and rank 0's seconds per stored
 * draw wrate (it stores the previous round meanwhile). Sums to len. */
void gw_par_split_round(int K, long long len, const double *rate, double wrate, int *n);

/* Seconds on the monotonic clock, for the speed that splits a round. */
double gw_par_wall_s(void);

/* ---- independent items over a transport (src/par/items.c) ------------------------------
 * The explorer's design points (and any job whose items are computed alone
 * from their index): rounds of items split among the ranks by measured
 * speed (gw_par_split_round), each rank computing its slice on its threads,
 * rank 0 gathering the round in index order, keeping it (the store) and
 * reporting progress. What an item is never depends on who computes it. */
typedef struct gw_par_items_job {
    long long n;          /* items 0 .. n-1 */
    size_t item_bytes;    /* one item's record, fixed size */
    long long round_per_rank; /* items per rank and round (> 0) */
    /* every rank: compute items idx[0..k) into out[0..k) */
    int (*compute)(void *user, const long long *idx, size_t k, void *out, gw_error *err);
    /* rank 0, may be NULL: a gathered round (idx ascending) to keep */
    int (*keep)(void *user, const long long *idx, size_t k, const void *items, gw_error *err);
    void *user;
    gw_progress_fn progress; /* rank 0, once per round; nonzero stops (GW_E_STOPPED) */
    void *progress_user;
} gw_par_items_job;

/* Compute every item whose done[i] is 0 (rank 0's done and all; the other
 * ranks pass NULL for both). Rank 0 gets each item's record at
 * all + i * item_bytes and done[i] set. A stop returns GW_E_STOPPED with
 * the items kept so far done. */
int gw_par_items_run(const gw_par_transport *t, const gw_par_items_job *job, void *all,
                     unsigned char *done, gw_error *err);

#endif
