/* src/par/items.c — independent items in rounds over a transport (engines
 * layer, par): the explorer's design points. Each round rank 0 sends the
 * split (how many of the round's items each rank computes, as contiguous
 * slices in rank order, so the gathered round is in index order); every
 * rank computes its slice on its threads; rank 0 gathers the records, files
 * them, keeps them (the store) and reports progress. A stop loses only the
 * round under way. The split comes from measured speeds (risk's
 * gw_par_split_round) and decides only who computes an item. */
#include <stdlib.h>
#include <string.h>

#include "gigawatt/par.h"

typedef struct items_state {
    const gw_par_transport *t;
    const gw_par_items_job *job;
    long long *todo, ntodo;
    int *ctl, *counts;     /* ctl: stop, then the split; counts: gather bytes per rank */
    double *rate, took[2], *took2;
    unsigned char *mine, *gathered;
} items_state;

static void state_free(items_state *s)
{
    free(s->todo), free(s->ctl), free(s->counts), free(s->rate), free(s->took2);
    free(s->mine), free(s->gathered);
}

/* Rank 0 lists what is left; every rank gets the list. */
static int share_todo(items_state *s, const unsigned char *done, gw_error *err)
{
    const gw_par_transport *t = s->t;
    long long n = s->job->n;
    s->ntodo = 0;
    if (t->rank == 0 && (s->todo = malloc(sizeof(long long) * (size_t)(n ? n : 1))))
        for (long long i = 0; i < n; i++)
            if (!done || !done[i])
                s->todo[s->ntodo++] = i;
    int rc = t->rank == 0 && !s->todo ? GW_E_NOMEM : GW_OK;
    if ((rc = t->agree(t->user, rc)))
        return gw_error_set(err, rc, NULL, 0, 0, "out of memory");
    t->broadcast(t->user, &s->ntodo, sizeof s->ntodo);
    if (t->rank != 0 && !(s->todo = malloc(sizeof(long long) * (size_t)(s->ntodo + 1))))
        rc = GW_E_NOMEM;
    if ((rc = t->agree(t->user, rc)))
        return gw_error_set(err, rc, NULL, 0, 0, "out of memory");
    if (s->ntodo)
        t->broadcast(t->user, s->todo, sizeof(long long) * (size_t)s->ntodo);
    return GW_OK;
}

static int alloc_round(items_state *s, long long round, gw_error *err)
{
    int K = s->t->size;
    size_t b = s->job->item_bytes;
    s->ctl = malloc(sizeof(int) * (size_t)(K + 1));
    s->counts = malloc(sizeof(int) * (size_t)K);
    s->rate = calloc((size_t)K, sizeof(double));
    s->took2 = malloc(sizeof(double) * 2 * (size_t)K);
    s->mine = malloc(b * (size_t)round);
    s->gathered = malloc(b * (size_t)(s->t->rank == 0 ? round : 1));
    int ok = s->ctl && s->counts && s->rate && s->took2 && s->mine && s->gathered;
    int rc = s->t->agree(s->t->user, ok ? GW_OK : GW_E_NOMEM);
    return rc ? gw_error_set(err, rc, NULL, 0, 0, "out of memory") : GW_OK;
}

/* One round [pos, pos + len) of todo: compute this rank's slice, gather on
 * rank 0 in rank order, file and keep it there. */
static int one_round(items_state *s, long long pos, void *all, unsigned char *done,
                     gw_error *err)
{
    const gw_par_transport *t = s->t;
    const gw_par_items_job *job = s->job;
    size_t b = job->item_bytes;
    long long lo = pos;
    for (int k = 0; k < t->rank; k++)
        lo += s->ctl[1 + k];
    long long k_mine = s->ctl[1 + t->rank];
    double t0 = gw_par_wall_s();
    int rc = k_mine ? job->compute(job->user, s->todo + lo, (size_t)k_mine, s->mine, err)
                    : GW_OK;
    s->took[0] = gw_par_wall_s() - t0, s->took[1] = (double)k_mine;
    int all_rc = t->agree(t->user, rc);
    if (all_rc)
        return rc ? rc : gw_error_set(err, all_rc, NULL, 0, 0, "a point failed on another MPI rank");
    for (int k = 0; k < t->size; k++)
        s->counts[k] = (int)(2 * sizeof(double));
    t->gather(t->user, s->took, (int)(2 * sizeof(double)), s->took2, s->counts);
    for (int k = 0; t->rank == 0 && k < t->size; k++)
        if (s->took2[2 * k + 1] > 0) {
            double sec = s->took2[2 * k] / s->took2[2 * k + 1];
            s->rate[k] = s->rate[k] > 0 ? 0.5 * (s->rate[k] + sec) : sec;
        }
    long long len = 0;
    for (int k = 0; k < t->size; k++) {
        s->counts[k] = (int)(b * (size_t)s->ctl[1 + k]);
        len += s->ctl[1 + k];
    }
    t->gather(t->user, s->mine, (int)(b * (size_t)k_mine), s->gathered, s->counts);
    if (t->rank != 0)
        return GW_OK;
    for (long long j = 0; j < len; j++) {
        long long i = s->todo[pos + j];
        memcpy((char *)all + (size_t)i * b, s->gathered + (size_t)j * b, b);
    }
    rc = job->keep ? job->keep(job->user, s->todo + pos, (size_t)len, s->gathered, err) : GW_OK;
    for (long long j = 0; j < len && !rc; j++)
        done[s->todo[pos + j]] = 1;
    return rc;
}

int gw_par_items_run(const gw_par_transport *t, const gw_par_items_job *job, void *all,
                     unsigned char *done, gw_error *err)
{
    items_state s;
    memset(&s, 0, sizeof s);
    s.t = t, s.job = job;
    long long round = job->round_per_rank * t->size;
    int rc = share_todo(&s, done, err);
    if (!rc)
        rc = alloc_round(&s, round, err);
    long long pos = 0, finished = job->n - s.ntodo;
    int stop = 0;
    while (!rc) {
        long long len = s.ntodo - pos < round ? s.ntodo - pos : round;
        if (t->rank == 0) {
            s.ctl[0] = stop || len == 0;
            gw_par_split_round(t->size, len, s.rate, 0, s.ctl + 1);
        }
        t->broadcast(t->user, s.ctl, sizeof(int) * (size_t)(t->size + 1));
        if (s.ctl[0])
            break;
        rc = t->agree(t->user, one_round(&s, pos, all, done, err));
        pos += len, finished += len;
        if (!rc && t->rank == 0 && job->progress)
            stop = job->progress(job->progress_user, (double)finished, (double)job->n,
                                 (double)finished);
    }
    if (!rc && pos < s.ntodo)
        rc = gw_error_set(err, GW_E_STOPPED, NULL, 0, 0, "stopped after %lld of %lld points",
                          finished, job->n);
    state_free(&s);
    return rc;
}
