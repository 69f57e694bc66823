/* src/sim/replica.c — iteration-level simulation of serving replicas
 * (engines layer). Contract: include/gigawatt/sim.h. The scheduling rules,
 * metric definitions and references are in docs/sim.md §3–§4; comments give
 * the section. One event per busy replica sits in the event set (its
 * iteration's end); arrivals stream from the sorted workload and go first
 * at equal times. Every request is an index into arrays (struct of arrays):
 * the hot loop touches only the fields it needs. */
#include <limits.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/sim.h"
#include "gigawatt/stats.h"

enum { ST_NEW, ST_WAITING, ST_PREFILL, ST_RUNNING, ST_DONE, ST_REJECTED };
enum { EV_BATCH_END = 0, EV_WAKE = 1 }; /* event types */

/* ---- state ---------------------------------------------------------------- */

typedef struct replica {
    int32_t wait_head, wait_tail;   /* FIFO through next[]; restarts go to the front */
    int32_t *running;               /* prefilled requests, oldest arrival first */
    int nrunning;
    int32_t *batch;                 /* this iteration's requests */
    int32_t *chunk;                 /* tokens each processes this iteration */
    int nbatch;
    int busy;
    int wake_pending;               /* an EV_WAKE is scheduled */
    long ff_iters;                  /* iterations the pending event stands for (§3.4) */
    double ff_first_end;            /* end of the first of them */
    int holders;                    /* requests holding KV blocks */
    long blocks_used;
    long outstanding;               /* queued + prefilling + running */
    double idle_since;
} replica;

typedef struct sim {
    const gw_sim_config *c;
    const gw_workload *w;
    gw_sim_result *r;
    int32_t *P, *D, *proc, *blocks, *next;
    uint8_t *state;
    int32_t *rep, *restarts;
    double *sched_at, *first_at, *last_at, *done_at;
    replica *reps;
    long num_blocks, watermark_blocks;
    gw_stats_hist tbt, batch; /* per-token gaps (too many to keep) and batch sizes */
    gw_evq q;
    double kv_time, kv_busy_time, kv_max, busy_time, energy;
    double next_arrival; /* time of the next arrival anywhere (INFINITY after the last) */
    size_t tl_cap;       /* timeline buckets allocated */
    int tl_failed;
    size_t rr_next;
} sim;

static long ceil_div(long a, long b)
{
    return (a + b - 1) / b;
}

static void wait_push_back(sim *s, replica *rp, int32_t i)
{
    s->next[i] = -1;
    if (rp->wait_tail < 0)
        rp->wait_head = i;
    else
        s->next[rp->wait_tail] = i;
    rp->wait_tail = i;
}

static void wait_push_front(sim *s, replica *rp, int32_t i)
{
    s->next[i] = rp->wait_head;
    rp->wait_head = i;
    if (rp->wait_tail < 0)
        rp->wait_tail = i;
}

static int32_t wait_pop(sim *s, replica *rp)
{
    int32_t i = rp->wait_head;
    rp->wait_head = s->next[i];
    if (rp->wait_head < 0)
        rp->wait_tail = -1;
    return i;
}

/* keep `running` sorted by arrival (requests arrive in index order) */
static void running_insert(replica *rp, int32_t i)
{
    int k = rp->nrunning++;
    while (k > 0 && rp->running[k - 1] > i) {
        rp->running[k] = rp->running[k - 1];
        k--;
    }
    rp->running[k] = i;
}

static void free_blocks(sim *s, replica *rp, int32_t i)
{
    rp->blocks_used -= s->blocks[i];
    s->blocks[i] = 0;
    rp->holders--;
}

/* §3.2 preemption by recompute (vLLM; Vidur's restart): the generated
 * tokens join the prompt, the blocks are freed, the request goes to the
 * front of the queue. */
static void restart(sim *s, replica *rp, int32_t i)
{
    free_blocks(s, rp, i);
    int32_t total = s->P[i] + s->D[i];
    s->P[i] = s->proc[i];
    s->D[i] = total - s->P[i];
    s->proc[i] = 0;
    s->state[i] = ST_WAITING;
    s->restarts[i]++;
    s->r->preemptions++;
    /* Sarathi keeps the requests mid-prefill at the queue head; the
     * restarted request goes right after them, so they can finish their
     * chunks (in front, it could block them and the replica forever) */
    int32_t after = -1;
    for (int32_t k = rp->wait_head; k >= 0 && s->state[k] == ST_PREFILL; k = s->next[k])
        after = k;
    if (after < 0) {
        wait_push_front(s, rp, i);
        return;
    }
    s->next[i] = s->next[after];
    s->next[after] = i;
    if (rp->wait_tail == after)
        rp->wait_tail = i;
}

/* §3.1 can a queued request be admitted: blocks for its prompt, keeping the
 * watermark free, and a slot under max_running */
static int admissible(const sim *s, const replica *rp, int32_t i)
{
    long need = ceil_div(s->P[i] - s->proc[i] > 0 ? s->P[i] : 1, s->c->block_size);
    return s->num_blocks - rp->blocks_used - need >= s->watermark_blocks &&
           rp->holders < s->c->max_running;
}

static void admit(sim *s, replica *rp, int32_t i, double t)
{
    long need = ceil_div(s->P[i], s->c->block_size);
    s->blocks[i] = (int32_t)need;
    rp->blocks_used += need;
    rp->holders++;
    s->state[i] = ST_PREFILL;
    if (isnan(s->sched_at[i]))
        s->sched_at[i] = t;
}

/* A running request about to decode: one free block must exist (Vidur's
 * check), taking a new one when its tokens cross a block boundary; else
 * preempt the newest running request, or itself. Returns 0 if it was
 * preempted. `limit` is the index in running[] of the last still eligible. */
static int grow_or_preempt(sim *s, replica *rp, int k, int *limit)
{
    int32_t i = rp->running[k];
    while (s->num_blocks - rp->blocks_used < 1) {
        if (*limit > k) {
            int32_t v = rp->running[*limit];
            rp->nrunning--;
            memmove(&rp->running[*limit], &rp->running[*limit + 1],
                    (size_t)(rp->nrunning - *limit) * sizeof *rp->running);
            (*limit)--;
            restart(s, rp, v);
        } else
            return 0;
    }
    if ((long)s->proc[i] > (long)s->blocks[i] * s->c->block_size) {
        s->blocks[i]++;
        rp->blocks_used++;
    }
    return 1;
}

/* The timeline bucket k, growing the arrays as the run goes (§4). Buckets
 * count from the first arrival; past GW_TL_MAX they stop growing and the
 * last one takes the rest. */
#define GW_TL_MAX 1000000
static size_t tl_bucket(sim *s, size_t k)
{
    gw_sim_timeline *tl = &s->r->timeline;
    if (k >= GW_TL_MAX)
        k = GW_TL_MAX - 1;
    if (k >= s->tl_cap) {
        size_t cap = s->tl_cap ? s->tl_cap : 256;
        while (cap <= k)
            cap *= 2;
        double **arrs[4] = {&tl->batch, &tl->kv_use, &tl->power_w, &tl->done};
        for (int a = 0; a < 4; a++) {
            double *p = realloc(*arrs[a], cap * sizeof *p);
            if (!p) {
                s->tl_failed = 1;
                return SIZE_MAX;
            }
            memset(p + s->tl_cap, 0, (cap - s->tl_cap) * sizeof *p);
            *arrs[a] = p;
        }
        s->tl_cap = cap;
    }
    if (k + 1 > tl->n)
        tl->n = k + 1;
    return k;
}

/* A bucket index from a position in widths, clamped before the conversion:
 * an absurd rate or horizon must not overflow size_t (found by the fuzzer:
 * 2e19 requests/s), and NaN counts as the first bucket. */
static size_t tl_index(double pos)
{
    return pos >= (double)GW_TL_MAX ? (size_t)GW_TL_MAX : pos > 0 ? (size_t)pos : 0;
}

/* Spread an iteration [t, t + dur) over the buckets it overlaps. */
static void tl_iteration(sim *s, double t, double dur, double batch, double kv, double watts)
{
    gw_sim_timeline *tl = &s->r->timeline;
    double w = tl->width_s, a = t - tl->start_s, b = a + dur;
    for (size_t k = tl_index(a / w); !s->tl_failed; k++) {
        double lo = fmax(a, (double)k * w), hi = fmin(b, (double)(k + 1) * w);
        if (hi > lo) {
            size_t kk = tl_bucket(s, k);
            if (kk == SIZE_MAX)
                return;
            double f = (hi - lo) / w;
            tl->batch[kk] += batch * f;
            tl->kv_use[kk] += kv * f / s->c->replicas;
            tl->power_w[kk] += watts * f;
        }
        if ((double)(k + 1) * w >= b || k + 1 >= GW_TL_MAX)
            break;
    }
}

/* Before a decode step of every running request, oldest first: each takes
 * its block or, when none is free, preempts the newest (or itself). */
static void make_room_to_decode(sim *s, replica *rp)
{
    int limit = rp->nrunning - 1;
    for (int k = 0; k <= limit; k++)
        if (!grow_or_preempt(s, rp, k, &limit)) {
            int32_t i = rp->running[k];
            rp->nrunning--;
            memmove(&rp->running[k], &rp->running[k + 1],
                    (size_t)(rp->nrunning - k) * sizeof *rp->running);
            limit--;
            restart(s, rp, i);
            k--;
        }
}

/* One iteration's bookkeeping: its duration from the perf model, energy at
 * its utilisation, KV use, batch size, the timeline bucket of its start. */
static double account(sim *s, const replica *rp, const gw_perf_batch *b, double t, long blocks)
{
    const gw_sim_config *c = s->c;
    gw_perf_step_detail d;
    double dur = gw_perf_step(c->engine, b, &d);
    double stage = dur / c->engine->pp;
    double u = stage > 0 ? fmin(1, fmax(d.compute_busy_s, d.memory_busy_s) / stage) : 0;
    double watts = c->idle_w + (c->busy_w - c->idle_w) * u;
    s->energy += watts * dur;
    s->busy_time += dur;
    double kv = (double)blocks / (double)s->num_blocks;
    s->kv_time += kv * dur;
    s->kv_busy_time += dur;
    if (kv > s->kv_max)
        s->kv_max = kv;
    s->r->iterations++;
    gw_stats_hist_add(&s->batch, rp->nbatch);
    if (s->r->timeline.width_s > 0)
        tl_iteration(s, t, dur, rp->nbatch, kv, watts);
    return dur;
}

/* §3.4 decode-only runs in closed form. While no request arrives (anywhere)
 * and none of this batch completes, every iteration decodes the same
 * sequences with contexts one longer, and nothing outside this replica can
 * observe it. So the iterations are priced back to back here, their
 * token gaps go straight into the TBT sketch, blocks are taken as the
 * scheduler would take them, and one event marks the end of the run; the
 * iteration that contains the next arrival, or the first completion, is the
 * run's last. The result equals iterating one event at a time (tests). */
static double fast_forward(sim *s, replica *rp, gw_perf_batch *b, double end)
{
    const gw_sim_config *c = s->c;
    long bs = c->block_size;
    long room = LONG_MAX; /* iterations before the first completion */
    for (int k = 0; k < rp->nbatch; k++) {
        int32_t i = rp->batch[k];
        long left = (long)s->P[i] + s->D[i] - s->proc[i];
        if (left < room)
            room = left;
    }
    if (room <= 1 || end >= s->next_arrival)
        return end;
    /* new blocks per iteration: request i takes one when the tokens it is
     * scheduled with, proc + j - 1 at iteration j, pass a multiple of bs */
    long h[64], *hist = h;
    if (bs > 64 && !(hist = calloc((size_t)bs, sizeof *hist)))
        return end;
    if (bs <= 64)
        memset(h, 0, (size_t)bs * sizeof *h);
    for (int k = 0; k < rp->nbatch; k++) {
        long p0 = s->proc[rp->batch[k]]; /* scheduled with p0 in iteration 1 */
        hist[((p0 % bs) + bs) % bs]++;   /* iteration j needs a block if (p0+j-1) % bs == 1 */
    }
    long used = rp->blocks_used;
    double prev = end;
    long j = 1;
    while (j < room && end < s->next_arrival) {
        /* iteration j+1 is scheduled with p0 + j tokens per request */
        long need = hist[((1 - j) % bs + bs) % bs];
        if (s->num_blocks - used - need < 1)
            break; /* it would have to preempt: leave it to the normal path */
        used += need;
        b->decode_context += b->decode_seqs;
        double dur = account(s, rp, b, end, used);
        prev = end;
        end = prev + dur;
        j++;
        double gap = end - prev; /* as the event loop would compute it */
        gw_stats_hist_add_n(&s->tbt, gap, (uint64_t)rp->nbatch);
    }
    if (hist != h)
        free(hist);
    if (j == 1)
        return end;
    /* the blocks each request holds after being scheduled with p0 + j - 1 */
    for (int k = 0; k < rp->nbatch; k++) {
        int32_t i = rp->batch[k];
        long want = (s->proc[i] + j - 1 + bs - 1) / bs;
        if (want > s->blocks[i]) {
            rp->blocks_used += want - s->blocks[i];
            s->blocks[i] = (int32_t)want;
        }
    }
    rp->ff_iters = j;
    return end;
}

/* Every running request decodes one token, oldest first. */
static void add_decodes(sim *s, replica *rp, gw_perf_batch *b)
{
    for (int k = 0; k < rp->nrunning; k++) {
        int32_t i = rp->running[k];
        rp->batch[rp->nbatch] = i;
        rp->chunk[rp->nbatch++] = 1;
        b->decode_seqs += 1;
        b->decode_context += s->proc[i];
    }
}

/* vLLM, prefill-first: admit from the queue head while the padded batch
 * (count × longest prompt) fits the token budget; with no prefill, decode
 * every running request. */
static void vllm_batch(sim *s, replica *rp, gw_perf_batch *b, double t)
{
    const gw_sim_config *c = s->c;
    int32_t longest = 0;
    while (rp->wait_head >= 0) {
        int32_t i = rp->wait_head;
        int32_t p = s->P[i] > longest ? s->P[i] : longest;
        /* a prompt longer than the whole budget runs alone (vLLM refuses
         * such a configuration; here it must not stall the replica, and a
         * preempted request's prompt grows by its generated tokens) */
        int alone = rp->nbatch == 0 && p > c->max_batched_tokens;
        if (!admissible(s, rp, i) ||
            (!alone && (long)(rp->nbatch + 1) * p > c->max_batched_tokens) ||
            rp->nbatch == c->max_running)
            break;
        wait_pop(s, rp);
        admit(s, rp, i, t);
        longest = p;
        rp->batch[rp->nbatch] = i;
        rp->chunk[rp->nbatch++] = s->P[i];
        b->prefill_tokens += s->P[i];
        b->prefill_chunks += 1;
        b->prefill_pairs += (double)s->P[i] * (s->P[i] + 1) / 2;
    }
    if (rp->nbatch == 0) {
        make_room_to_decode(s, rp);
        add_decodes(s, rp, b);
    }
}

/* Sarathi-Serve: every running request decodes, and prefill chunks fill
 * the rest of the token budget, so decodes never stall. */
static void sarathi_batch(sim *s, replica *rp, gw_perf_batch *b, double t)
{
    const gw_sim_config *c = s->c;
    make_room_to_decode(s, rp);
    add_decodes(s, rp, b);
    long budget = c->max_batched_tokens - (long)rp->nrunning; /* one token per decode */
    /* requests mid-prefill are at the queue head (they stay there until
     * their last chunk), then new ones in order */
    for (int32_t i = rp->wait_head; i >= 0 && budget > 0 && rp->nbatch < c->max_running + 1;) {
        int32_t nx = s->next[i];
        if (s->state[i] == ST_WAITING) {
            if (!admissible(s, rp, i))
                break;
            admit(s, rp, i, t);
        }
        long left = s->P[i] - s->proc[i];
        long ch = left < budget ? left : budget;
        rp->batch[rp->nbatch] = i;
        rp->chunk[rp->nbatch++] = (int32_t)ch;
        b->prefill_tokens += (double)ch;
        b->prefill_chunks += 1;
        b->prefill_pairs += (double)ch * (s->proc[i] + (ch + 1) / 2.0);
        b->prefill_past += s->proc[i];
        budget -= ch;
        i = nx;
    }
}

/* Form the next iteration on replica `ri` at time t (§3.1 vLLM, §3.3
 * Sarathi); start it, or leave the replica idle. */
static int schedule(sim *s, int ri, double t)
{
    replica *rp = &s->reps[ri];
    const gw_sim_config *c = s->c;
    rp->nbatch = 0;
    uint64_t preemptions_before = s->r->preemptions;
    gw_perf_batch b = {0};
    for (int attempt = 0; attempt < 2 && rp->nbatch == 0; attempt++) {
        /* a second pass only when preemptions emptied the decode batch:
         * the requests they sent back may now be admitted */
        if (attempt == 1 && rp->wait_head < 0)
            break;
        if (c->scheduler == GW_SCHED_VLLM)
            vllm_batch(s, rp, &b, t);
        else
            sarathi_batch(s, rp, &b, t);
    }
    if (rp->nbatch == 0) {
        if (rp->busy) {
            rp->busy = 0;
            rp->idle_since = t;
        }
        return GW_OK;
    }
    if (!rp->busy) {
        s->energy += c->idle_w * (t - rp->idle_since);
        rp->busy = 1;
    }
    double end = t + account(s, rp, &b, t, rp->blocks_used);
    rp->ff_iters = 1;
    rp->ff_first_end = end;
    /* a preemption just now sent a request back to the queue: the next
     * iteration may admit it, so this run is not closed-form */
    if (b.prefill_tokens == 0 && c->route != GW_ROUTE_KV_AWARE && !c->step_by_step &&
        s->r->preemptions == preemptions_before)
        end = fast_forward(s, rp, &b, end);
    return gw_evq_push(&s->q, end, EV_BATCH_END, ri, 0);
}

static void complete(sim *s, replica *rp, int32_t i, double t)
{
    s->state[i] = ST_DONE;
    s->done_at[i] = t;
    free_blocks(s, rp, i);
    rp->outstanding--;
    s->r->completed++;
    gw_sim_timeline *tl = &s->r->timeline;
    if (tl->width_s > 0) {
        size_t k = tl_bucket(s, tl_index((t - tl->start_s) / tl->width_s));
        if (k != SIZE_MAX)
            tl->done[k] += 1;
    }
}

/* §3.1 the end of an iteration: tokens counted, first tokens and
 * completions stamped, then the next iteration formed. */
static int batch_end(sim *s, int ri, double t)
{
    replica *rp = &s->reps[ri];
    int decode_batch = 0;
    for (int k = 0; k < rp->nbatch; k++) {
        int32_t i = rp->batch[k];
        if (s->state[i] == ST_RUNNING) { /* a decode step, or ff_iters of them (§3.4) */
            decode_batch = 1;
            s->proc[i] += (int32_t)rp->ff_iters;
            gw_stats_hist_add(&s->tbt, rp->ff_first_end - s->last_at[i]);
            s->last_at[i] = t;
            if (s->proc[i] >= s->P[i] + s->D[i])
                complete(s, rp, i, t);
            continue;
        }
        s->proc[i] += rp->chunk[k];
        if (s->proc[i] < s->P[i])
            continue; /* more chunks to come */
        /* the prefill's last chunk yields the first output token */
        s->proc[i] += 1;
        if (isnan(s->first_at[i]))
            s->first_at[i] = t;
        s->last_at[i] = t;
        if (s->state[i] == ST_PREFILL && rp->wait_head == i)
            wait_pop(s, rp); /* Sarathi: it sat at the queue head while chunking */
        if (s->proc[i] >= s->P[i] + s->D[i]) {
            complete(s, rp, i, t);
        } else {
            s->state[i] = ST_RUNNING;
            running_insert(rp, i);
        }
    }
    if (decode_batch) { /* drop the completed from the running list */
        int kept = 0;
        for (int k = 0; k < rp->nrunning; k++)
            if (s->state[rp->running[k]] == ST_RUNNING)
                rp->running[kept++] = rp->running[k];
        rp->nrunning = kept;
    }
    return schedule(s, ri, t);
}

static int route(sim *s, int32_t i)
{
    const gw_sim_config *c = s->c;
    if (c->route == GW_ROUTE_ROUND_ROBIN)
        return (int)(s->rr_next++ % (size_t)c->replicas);
    int best = 0;
    for (int k = 1; k < c->replicas; k++) {
        const replica *a = &s->reps[k], *b = &s->reps[best];
        if (c->route == GW_ROUTE_LEAST_OUTSTANDING ? a->outstanding < b->outstanding
                                                    : a->blocks_used < b->blocks_used)
            best = k;
    }
    (void)i;
    return best;
}

static int arrive(sim *s, int32_t i)
{
    const gw_sim_config *c = s->c;
    double t = s->w->arrival[i];
    long total = (long)s->P[i] + s->D[i];
    /* a request that can never fit is rejected, not queued forever */
    if ((c->context_length > 0 && total > c->context_length) ||
        ceil_div(total, c->block_size) > s->num_blocks - s->watermark_blocks) {
        s->state[i] = ST_REJECTED;
        s->r->rejected++;
        return GW_OK;
    }
    int ri = route(s, i);
    replica *rp = &s->reps[ri];
    s->rep[i] = ri;
    s->state[i] = ST_WAITING;
    rp->outstanding++;
    wait_push_back(s, rp, i);
    if (rp->busy || rp->wake_pending)
        return GW_OK;
    /* an idle replica forms its batch at this instant, but after every
     * arrival at the same time (arrivals go first at ties), so requests
     * arriving together share a prefill batch, as in Vidur */
    rp->wake_pending = 1;
    return gw_evq_push(&s->q, t, EV_WAKE, ri, 0);
}

/* mean, quantiles (type 7) and max of v[0..n); sorts v */
static int stat_of(double *v, size_t n, gw_stat *st)
{
    if (n == 0) {
        *st = (gw_stat){.mean = NAN, .p50 = NAN, .p90 = NAN, .p99 = NAN, .max = NAN};
        return GW_OK;
    }
    double sum = 0;
    for (size_t k = 0; k < n; k++)
        sum += v[k];
    if (gw_stats_sort(v, n))
        return GW_E_NOMEM;
    st->mean = sum / (double)n;
    st->p50 = gw_stats_quantile_sorted(v, n, 0.5);
    st->p90 = gw_stats_quantile_sorted(v, n, 0.9);
    st->p99 = gw_stats_quantile_sorted(v, n, 0.99);
    st->max = v[n - 1];
    return GW_OK;
}

void gw_sim_result_free(gw_sim_result *r)
{
    free(r->timeline.batch);
    free(r->timeline.kv_use);
    free(r->timeline.power_w);
    free(r->timeline.done);
    free(r->per_request);
    memset(r, 0, sizeof *r);
}

static void free_sim(sim *s)
{
    free(s->P), free(s->D), free(s->proc), free(s->blocks), free(s->next), free(s->state);
    free(s->rep), free(s->restarts), free(s->sched_at), free(s->first_at), free(s->last_at);
    free(s->done_at);
    if (s->reps)
        for (int k = 0; k < s->c->replicas; k++) {
            free(s->reps[k].running);
            free(s->reps[k].batch);
            free(s->reps[k].chunk);
        }
    free(s->reps);
    gw_stats_hist_free(&s->tbt), gw_stats_hist_free(&s->batch);
    gw_evq_free(&s->q);
}

/* The limits a run needs; the message names them all. */
static int check_sim_config(const gw_sim_config *c, const gw_workload *w, gw_error *err)
{
    if (c->replicas < 1 || c->replicas > 1000000 || c->max_running < 1 ||
        c->max_batched_tokens < 1 || c->block_size < 1 || !(c->watermark >= 0 && c->watermark < 1))
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "simulation with %d replicas, max_running %d, max_batched_tokens %d, "
                            "block_size %d, watermark %g; expected replicas and limits >= 1 and "
                            "a watermark in [0, 1)",
                            c->replicas, c->max_running, c->max_batched_tokens, c->block_size,
                            c->watermark);
    if (w->n == 0 || w->n > (size_t)INT32_MAX)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "%zu requests; expected 1 to 2^31-1", w->n);
    return GW_OK;
}

/* The per-request arrays, each replica's queues (a Sarathi batch: every
 * running request plus prefill chunks), the histograms and the event
 * queue; every request unscheduled. GW_E_NOMEM when short. */
static int sim_init(sim *s)
{
    const gw_sim_config *c = s->c;
    const gw_workload *w = s->w;
    size_t n = w->n;
    s->P = malloc(n * sizeof *s->P), s->D = malloc(n * sizeof *s->D);
    s->proc = calloc(n, sizeof *s->proc), s->blocks = calloc(n, sizeof *s->blocks);
    s->next = malloc(n * sizeof *s->next), s->state = calloc(n, 1);
    s->rep = malloc(n * sizeof *s->rep), s->restarts = calloc(n, sizeof *s->restarts);
    s->sched_at = malloc(n * sizeof(double)), s->first_at = malloc(n * sizeof(double));
    s->last_at = malloc(n * sizeof(double)), s->done_at = malloc(n * sizeof(double));
    s->reps = calloc((size_t)c->replicas, sizeof *s->reps);
    if (!s->P || !s->D || !s->proc || !s->blocks || !s->next || !s->state || !s->rep ||
        !s->restarts || !s->sched_at || !s->first_at || !s->last_at || !s->done_at || !s->reps)
        return GW_E_NOMEM;
    for (int k = 0; k < c->replicas; k++) {
        replica *rp = &s->reps[k];
        rp->wait_head = rp->wait_tail = -1;
        rp->running = malloc(((size_t)c->max_running + 1) * sizeof *rp->running);
        size_t bcap = (size_t)c->max_running + 2;
        rp->batch = malloc(bcap * sizeof *rp->batch);
        rp->chunk = malloc(bcap * sizeof *rp->chunk);
        if (!rp->running || !rp->batch || !rp->chunk)
            return GW_E_NOMEM;
        rp->idle_since = w->arrival[0];
    }
    if (gw_stats_hist_init(&s->tbt, GW_HIST_LOG) || gw_stats_hist_init(&s->batch, GW_HIST_LOG) ||
        gw_evq_init(&s->q, GW_EVQ_QUATERNARY, (size_t)c->replicas + 1))
        return GW_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        s->P[i] = w->prompt[i], s->D[i] = w->output[i], s->rep[i] = -1;
        s->sched_at[i] = s->first_at[i] = s->last_at[i] = s->done_at[i] = NAN;
    }
    if (c->timeline_s > 0) {
        s->r->timeline.width_s = c->timeline_s;
        s->r->timeline.start_s = w->arrival[0];
    }
    return GW_OK;
}

/* §3 the event loop: the next arrival when it is not later than the first
 * event, else that event (a wake-up or a batch's end), until both run out;
 * progress is polled every 65,536 events and once more at the end. */
static int event_loop(sim *s, gw_error *err)
{
    const gw_sim_config *c = s->c;
    const gw_workload *w = s->w;
    gw_sim_result *r = s->r;
    size_t n = w->n, next_arrival = 0;
    s->next_arrival = w->arrival[0];
    int rc = GW_OK;
    while (rc == GW_OK) {
        const gw_event *top = gw_evq_peek(&s->q);
        if (next_arrival < n && (!top || w->arrival[next_arrival] <= top->time)) {
            int32_t i = (int32_t)next_arrival++;
            s->next_arrival = next_arrival < n ? w->arrival[next_arrival] : INFINITY;
            rc = arrive(s, i);
        } else if (top) {
            gw_event e;
            gw_evq_pop(&s->q, &e);
            if (e.type == EV_WAKE) {
                s->reps[e.who].wake_pending = 0;
                rc = s->reps[e.who].busy ? GW_OK : schedule(s, e.who, e.time);
            } else
                rc = batch_end(s, e.who, e.time);
        } else
            break;
        r->events++;
        if (c->progress && (r->events & 0xFFFF) == 0 &&
            c->progress(c->progress_user, (double)r->completed, (double)n,
                        (double)r->completed))
            return gw_error_set(err, GW_E_STOPPED, NULL, 0, 0,
                                "stopped at %zu of %zu requests completed; nothing written",
                                r->completed, n);
    }
    if (rc == GW_OK && c->progress) /* the final count (the last poll may be 65,535 events old) */
        (void)c->progress(c->progress_user, (double)r->completed, (double)n,
                          (double)r->completed);
    return rc;
}

/* §4 TTFT, TPOT (Vidur's: decode time over the output count, the first
 * included), end-to-end time and scheduling delay of the completed
 * requests, and their token totals and last completion. */
static int request_stats(sim *s, double *last_done, double *out_tokens, double *in_tokens)
{
    const gw_workload *w = s->w;
    gw_sim_result *r = s->r;
    size_t n = w->n, m = 0;
    double *v = malloc(n * sizeof *v);
    double *ttft = malloc(n * sizeof *v), *tpot = malloc(n * sizeof *v), *e2e = malloc(n * sizeof *v);
    if (!v || !ttft || !tpot || !e2e) {
        free(v), free(ttft), free(tpot), free(e2e);
        return GW_E_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        if (s->state[i] != ST_DONE)
            continue;
        if (s->done_at[i] > *last_done)
            *last_done = s->done_at[i];
        ttft[m] = s->first_at[i] - w->arrival[i];
        tpot[m] = (s->done_at[i] - s->first_at[i]) / s->D[i];
        e2e[m] = s->done_at[i] - w->arrival[i];
        v[m] = s->sched_at[i] - w->arrival[i];
        *out_tokens += w->output[i];
        *in_tokens += w->prompt[i];
        m++;
    }
    int rc = stat_of(ttft, m, &r->ttft) | stat_of(tpot, m, &r->tpot) | stat_of(e2e, m, &r->e2e) |
             stat_of(v, m, &r->scheduling_delay);
    free(v), free(ttft), free(tpot), free(e2e);
    return rc ? GW_E_NOMEM : GW_OK;
}

/* mean, quantiles and max of a log histogram (NAN when empty) */
static gw_stat hist_stat(const gw_stats_hist *h)
{
    return (gw_stat){.mean = h->n ? h->sum / (double)h->n : NAN,
                     .p50 = gw_stats_hist_quantile(h, 0.5),
                     .p90 = gw_stats_hist_quantile(h, 0.9),
                     .p99 = gw_stats_hist_quantile(h, 0.99),
                     .max = h->n ? h->max : NAN};
}

/* §4 the run's rates over its makespan (first arrival to last completion),
 * energy (replicas idle at the end count to the last completion), power,
 * busy share and KV use. */
static void run_totals(sim *s, double last_done, double out_tokens, double in_tokens)
{
    const gw_sim_config *c = s->c;
    gw_sim_result *r = s->r;
    r->tbt = hist_stat(&s->tbt);
    r->batch_size = hist_stat(&s->batch);
    r->makespan_s = last_done - s->w->arrival[0];
    double span = r->makespan_s > 0 ? r->makespan_s : 1;
    r->requests_per_s = (double)r->completed / span;
    r->output_tokens_per_s = out_tokens / span;
    r->input_tokens_per_s = in_tokens / span;
    for (int k = 0; k < c->replicas; k++)
        if (!s->reps[k].busy)
            s->energy += c->idle_w * (last_done - s->reps[k].idle_since > 0
                                          ? last_done - s->reps[k].idle_since : 0);
    r->energy_j = s->energy;
    r->mean_power_w = s->energy / span;
    r->joules_per_output_token = out_tokens > 0 ? s->energy / out_tokens : NAN;
    r->busy_fraction = s->busy_time / (span * c->replicas);
    r->kv_use_mean = s->kv_busy_time > 0 ? s->kv_time / s->kv_busy_time : 0;
    r->kv_use_max = s->kv_max;
}

/* Each request's replica, restarts and times, for the per-request CSV. */
static int keep_requests(sim *s)
{
    size_t n = s->w->n;
    gw_sim_result *r = s->r;
    r->per_request = malloc(n * sizeof *r->per_request);
    if (!r->per_request)
        return GW_E_NOMEM;
    for (size_t i = 0; i < n; i++)
        r->per_request[i] = (gw_sim_request){.replica = s->rep[i],
                                             .restarts = s->restarts[i],
                                             .scheduled = s->sched_at[i],
                                             .first_token = s->first_at[i],
                                             .completed = s->done_at[i]};
    return GW_OK;
}

int gw_sim_run(const gw_sim_config *c, const gw_workload *w, gw_sim_result *r, gw_error *err)
{
    memset(r, 0, sizeof *r);
    int rc = check_sim_config(c, w, err);
    if (rc)
        return rc;
    sim s;
    memset(&s, 0, sizeof s);
    s.c = c, s.w = w, s.r = r;
    double kv_tokens = c->kv_tokens > 0 ? c->kv_tokens : c->engine->kv_capacity_tokens;
    s.num_blocks = (long)floor(kv_tokens / c->block_size);
    s.watermark_blocks = (long)(c->watermark * (double)s.num_blocks);
    if (s.num_blocks < 1)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "the KV cache holds %.0f tokens, less than one block of %d; "
                            "expected more memory per replica",
                            kv_tokens, c->block_size);
    double last_done = w->arrival[0], out_tokens = 0, in_tokens = 0;
    if ((rc = sim_init(&s)) || (rc = event_loop(&s, err)))
        goto fail;
    r->requests = w->n;
    if ((rc = request_stats(&s, &last_done, &out_tokens, &in_tokens)))
        goto fail;
    run_totals(&s, last_done, out_tokens, in_tokens);
    if (s.tl_failed || (c->keep_requests && keep_requests(&s))) {
        rc = GW_E_NOMEM;
        goto fail;
    }
    free_sim(&s);
    return GW_OK;
fail:
    free_sim(&s);
    gw_sim_result_free(r);
    if (rc == GW_E_NOMEM)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    return rc;
}
