/* src/sim/replica.c — iteration-level simulation of serving replicas
 * (engines layer). Contract: include/gigawatt/sim.h. The scheduling rules,
 * metric definitions and references are in docs/sim.md §3–§4; comments give
 * the section. One event per busy replica sits in the event set (its
 * iteration's end), or per busy worker whose attention-DP ranks step
 * together (§3.8: its first rank's event); arrivals stream from the sorted
 * workload and go first at equal times; a closed loop issues its requests
 * at completions instead (§2.3), and a disaggregated run adds one
 * KV-transfer event per request between its two pools (§3.6). Every
 * request is an index into arrays (struct of arrays): the hot loop touches
 * only the fields it needs. */
#include <limits.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/sim.h"
#include "gigawatt/stats.h"

enum { ST_NEW, ST_WAITING, ST_PREFILL, ST_RUNNING, ST_DONE, ST_REJECTED,
       ST_TRANSFER,  /* disagg: KV on its way to the decode pool */
       ST_HANDED };  /* disagg: on a decode replica, waiting for room */
enum { EV_BATCH_END = 0, EV_WAKE = 1, EV_KV_ARRIVAL = 2 }; /* event types */
enum { STREAM_SPEC = 0x53504543u }; /* 'SPEC': speculative acceptance draws */

/* Replicas of one engine and its limits: the only pool, or disaggregation's
 * prefill pool (0) and decode pool (1). */
typedef struct pool {
    const gw_perf_engine *engine;
    long num_blocks, watermark_blocks;
    int max_running, max_batched_tokens;
    double idle_w, busy_w;
    int first, count;   /* replicas [first, first + count) */
    int spec;           /* draft tokens per decode step (0: no speculation) */
    int decode_cap;     /* running requests that decode in one iteration (§3.2,
                           gw_sim_decode_batch_cap) */
    /* §3.8 a worker's attention-DP ranks, joined through the experts, step
     * together: `group` consecutive replicas (1: each steps alone) */
    int group;
    gw_perf_engine graphless;       /* the engine without the eager step's time */
    gw_perf_batch *batches;         /* one rank's batch each (group > 1) */
    gw_perf_step_detail *details;
} pool;

typedef struct fifo {
    int32_t head, tail; /* linked through sim.next; -1 when empty */
} fifo;

/* ---- state ---------------------------------------------------------------- */

typedef struct replica {
    const pool *pool;
    fifo wait;                      /* queued requests; restarts go to the front */
    fifo handed;                    /* disagg decode: KV arrived, not yet admitted */
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
    int wait_iters;                 /* TensorRT-LLM batch waiting: held iterations so far */
    int held;                       /* this iteration held its prompts (no fast-forward) */
    int poll_count;                 /* SGLang's request poll: decode iterations since it */
    int last_prefill;               /* the last iteration ran a prefill */
    double polled_at;               /* requests that arrived by then are visible */
    int balance_wait;               /* a group's leader: iterations since the last release */
} replica;

typedef struct sim {
    const gw_sim_config *c;
    const gw_workload *w;           /* closed loop: r->issued, grown as requests are issued */
    gw_sim_result *r;
    pool pools[2];
    int npools, nreplicas;
    size_t cap;                     /* per-request arrays allocated */
    size_t to_issue;                /* closed loop: completions not yet replaced */
    double decode_steps, decode_tokens, transfer_s, transfers;
    int32_t *P, *D, *proc, *blocks, *next;
    uint8_t *state;
    int32_t *rep, *restarts;
    double *sched_at, *first_at, *last_at, *done_at;
    replica *reps;
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

static void fifo_push_back(sim *s, fifo *f, int32_t i)
{
    s->next[i] = -1;
    if (f->tail < 0)
        f->head = i;
    else
        s->next[f->tail] = i;
    f->tail = i;
}

static void fifo_push_front(sim *s, fifo *f, int32_t i)
{
    s->next[i] = f->head;
    f->head = i;
    if (f->tail < 0)
        f->tail = i;
}

static int32_t fifo_pop(sim *s, fifo *f)
{
    int32_t i = f->head;
    f->head = s->next[i];
    if (f->head < 0)
        f->tail = -1;
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
    for (int32_t k = rp->wait.head; k >= 0 && s->state[k] == ST_PREFILL; k = s->next[k])
        after = k;
    if (after < 0) {
        fifo_push_front(s, &rp->wait, i);
        return;
    }
    s->next[i] = s->next[after];
    s->next[after] = i;
    if (rp->wait.tail == after)
        rp->wait.tail = i;
}

/* §3.1 can a queued request be admitted: blocks for its prompt, keeping the
 * watermark free, and a slot under max_running */
static int admissible(const sim *s, const replica *rp, int32_t i)
{
    long need = ceil_div(s->P[i] - s->proc[i] > 0 ? s->P[i] : 1, s->c->block_size);
    return rp->pool->num_blocks - rp->blocks_used - need >= rp->pool->watermark_blocks &&
           rp->holders < rp->pool->max_running;
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
 * preempted. `limit` is the index in running[] of the last still eligible.
 * Speculating, the step also writes the KV of its k drafts: blocks for
 * proc + k tokens, one free block checked before each (§3.7). */
static inline int grow_or_preempt(sim *s, replica *rp, int k, int *limit, long ahead)
{
    int32_t i = rp->running[k];
    /* a local: the stores to blocks_used below could alias the pool's */
    const long num_blocks = rp->pool->num_blocks, bs = s->c->block_size;
    do {
        while (num_blocks - rp->blocks_used < 1) {
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
        if ((long)s->proc[i] + ahead > (long)s->blocks[i] * bs) {
            s->blocks[i]++;
            rp->blocks_used++;
        }
    } while (ahead > 0 && (long)s->proc[i] + ahead > (long)s->blocks[i] * bs);
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
            tl->kv_use[kk] += kv * f / s->nreplicas;
            tl->power_w[kk] += watts * f;
        }
        if ((double)(k + 1) * w >= b || k + 1 >= GW_TL_MAX)
            break;
    }
}

/* Before a decode step of the `n` oldest running requests, oldest first:
 * each takes its block or, when none is free, preempts the newest running
 * request (decoding this iteration or not), or itself. */
static inline void make_room_ahead(sim *s, replica *rp, long ahead, int n)
{
    int limit = rp->nrunning - 1;
    for (int k = 0; k <= limit && k < n; k++)
        if (!grow_or_preempt(s, rp, k, &limit, ahead)) {
            int32_t i = rp->running[k];
            rp->nrunning--;
            memmove(&rp->running[k], &rp->running[k + 1],
                    (size_t)(rp->nrunning - k) * sizeof *rp->running);
            limit--;
            restart(s, rp, i);
            k--;
        }
}

/* The hot loop: without speculation (ahead 0) the compiler specialises it. */
static void make_room_to_decode(sim *s, replica *rp)
{
    if (rp->pool->spec)
        make_room_ahead(s, rp, rp->pool->spec, rp->pool->decode_cap);
    else
        make_room_ahead(s, rp, 0, rp->pool->decode_cap);
}

/* One iteration's bookkeeping, `dur` long: energy at the utilisation its
 * work `d` gives, KV use, batch size, the timeline bucket of its start. */
static void book_iteration(sim *s, const replica *rp, const gw_perf_step_detail *d, double dur,
                           double t, long blocks)
{
    const pool *pl = rp->pool;
    double stage = dur / pl->engine->pp;
    double u = stage > 0 ? fmin(1, fmax(d->compute_busy_s, d->memory_busy_s) / stage) : 0;
    double watts = pl->idle_w + (pl->busy_w - pl->idle_w) * u;
    s->energy += watts * dur;
    s->busy_time += dur;
    double kv = (double)blocks / (double)pl->num_blocks;
    s->kv_time += kv * dur;
    s->kv_busy_time += dur;
    if (kv > s->kv_max)
        s->kv_max = kv;
    s->r->iterations++;
    gw_stats_hist_add(&s->batch, rp->nbatch);
    if (s->r->timeline.width_s > 0)
        tl_iteration(s, t, dur, rp->nbatch, kv, watts);
}

/* One iteration of a replica stepping alone: its duration from the perf
 * model, booked. */
static double account(sim *s, const replica *rp, const gw_perf_batch *b, double t, long blocks)
{
    gw_perf_step_detail d;
    double dur = gw_perf_step(rp->pool->engine, b, &d);
    book_iteration(s, rp, &d, dur, t, blocks);
    return dur;
}

/* The earliest time a request may be routed anywhere: the next arrival of
 * the workload; in a closed loop or a disaggregated run also the next
 * pending event (a completion issues a request, a KV transfer lands on a
 * decode replica; this replica's own event is not in the set). */
static double ff_horizon(const sim *s)
{
    double h = s->next_arrival;
    if (s->c->closed.concurrency > 0 || s->c->disagg.on) {
        const gw_event *top = gw_evq_peek(&s->q);
        if (top && top->time < h)
            h = top->time;
    }
    return h;
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
    double horizon = ff_horizon(s);
    if (room <= 1 || end >= horizon)
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
    const long num_blocks = rp->pool->num_blocks;
    double prev = end;
    long j = 1;
    while (j < room && end < horizon) {
        /* iteration j+1 is scheduled with p0 + j tokens per request */
        long need = hist[((1 - j) % bs + bs) % bs];
        if (num_blocks - used - need < 1)
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

/* The running requests that decode this iteration: the oldest, up to the
 * pool's cap (the rest hold their KV and wait, §3.2). */
static int decoding(const replica *rp)
{
    return rp->nrunning < rp->pool->decode_cap ? rp->nrunning : rp->pool->decode_cap;
}

/* The Sarathi budget's tokens the decodes (decoding(), 1 + k tokens each,
 * docs/serving.md, Symbols) leave to prompt chunks; <= 0: none. */
static long prompt_budget(const replica *rp)
{
    return rp->pool->max_batched_tokens - (long)decoding(rp) * (1 + rp->pool->spec);
}

/* Every decoding request (decoding()) decodes one token, oldest first. */
static void add_decodes(sim *s, replica *rp, gw_perf_batch *b)
{
    int n = decoding(rp);
    for (int k = 0; k < n; k++) {
        int32_t i = rp->running[k];
        rp->batch[rp->nbatch] = i;
        rp->chunk[rp->nbatch++] = 1;
        b->decode_seqs += 1;
        b->decode_context += s->proc[i];
    }
    b->decode_draft_tokens += (double)rp->pool->spec * n; /* k per sequence */
}

/* SGLang's request poll (--scheduler-recv-interval N; docs/sim.md §3.1):
 * new requests become visible to the scheduler only at a poll, which comes
 * when nothing decodes, right after a prefill iteration, or after N decode
 * iterations; a request restarted by preemption arrived earlier and stays
 * visible. */
static int visible(const sim *s, const replica *rp, int32_t i)
{
    return s->state[i] != ST_WAITING || s->w->arrival[i] <= rp->polled_at;
}

static void poll_requests(replica *rp, double t)
{
    int every = (int)rp->pool->engine->recv_interval;
    if (every <= 1 || rp->nrunning == 0 || rp->last_prefill || ++rp->poll_count >= every)
        rp->polled_at = t, rp->poll_count = 0;
}

/* vLLM, prefill-first: admit from the queue head while the padded batch
 * (count × longest prompt) fits the token budget; with no prefill, decode
 * every running request. `admit_new` 0: no new prompt (§3.8). */
static void vllm_batch(sim *s, replica *rp, gw_perf_batch *b, double t, int admit_new)
{
    const pool *pl = rp->pool;
    int32_t longest = 0;
    while (admit_new && rp->wait.head >= 0 && visible(s, rp, rp->wait.head)) {
        int32_t i = rp->wait.head;
        int32_t p = s->P[i] > longest ? s->P[i] : longest;
        /* a prompt longer than the whole budget runs alone (vLLM refuses
         * such a configuration; here it must not stall the replica, and a
         * preempted request's prompt grows by its generated tokens) */
        int alone = rp->nbatch == 0 && p > pl->max_batched_tokens;
        if (!admissible(s, rp, i) ||
            (!alone && (long)(rp->nbatch + 1) * p > pl->max_batched_tokens) ||
            rp->nbatch == pl->max_running)
            break;
        fifo_pop(s, &rp->wait);
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

/* TensorRT-LLM batch waiting (PyExecutor._waiting_requests; docs/sim.md
 * §3.2, docs/serving.md §7.9.4): in an iteration that has decodes and would
 * schedule prompts, those prompts are held unless their tokens and the
 * decodes' reach ratio x budget or T iterations have been held; the count
 * restarts on release. */
static int batch_wait_holds(const sim *s, replica *rp)
{
    const pool *pl = rp->pool;
    const gw_perf_engine *e = pl->engine;
    if (!(e->batch_wait_iters >= 1 && e->batch_wait_ratio > 0) || e->attention_dp > 1 ||
        rp->nrunning == 0)
        return 0; /* off, or attention DP (TensorRT-LLM skips it), or nothing decodes */
    long budget = prompt_budget(rp);
    double tokens = (double)decoding(rp) * (1 + pl->spec), prompts = 0;
    for (int32_t i = rp->wait.head; i >= 0 && budget > 0 && visible(s, rp, i); i = s->next[i]) {
        if (s->state[i] == ST_WAITING && !admissible(s, rp, i))
            break;
        long left = s->P[i] - s->proc[i];
        long ch = left < budget ? left : budget;
        prompts += (double)ch, budget -= ch;
    }
    if (prompts == 0)
        return 0; /* no prompt to schedule: TensorRT-LLM does not count */
    if (rp->wait_iters >= e->batch_wait_iters ||
        tokens + prompts >= e->batch_wait_ratio * pl->max_batched_tokens) {
        rp->wait_iters = 0;
        return 0;
    }
    rp->wait_iters++;
    return 1;
}

/* Sarathi-Serve: the running requests decode, as many as the token budget
 * holds at 1 + k tokens each (decoding()), and prefill chunks fill the rest
 * of the budget, so decodes never stall; `admit_new` 0: only prompts
 * already started go on (§3.8). */
static void sarathi_batch(sim *s, replica *rp, gw_perf_batch *b, double t, int admit_new)
{
    const pool *pl = rp->pool;
    make_room_to_decode(s, rp);
    add_decodes(s, rp, b);
    if ((rp->held = batch_wait_holds(s, rp)))
        return;
    long budget = prompt_budget(rp);
    /* requests mid-prefill are at the queue head (they stay there until
     * their last chunk), then new ones in order */
    for (int32_t i = rp->wait.head; i >= 0 && budget > 0 && rp->nbatch < pl->max_running + 1 &&
                                    visible(s, rp, i);) {
        int32_t nx = s->next[i];
        if (s->state[i] == ST_WAITING) {
            if (!admit_new || !admissible(s, rp, i))
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

/* §3.6 a decode replica admits handed-over requests in the order their KV
 * arrived, while their blocks (as after a prefill) fit above the watermark
 * and a slot is free; they decode from this iteration on. */
static void admit_handed(sim *s, replica *rp)
{
    const pool *pl = rp->pool;
    while (rp->handed.head >= 0) {
        int32_t i = rp->handed.head;
        long need = ceil_div(s->P[i], s->c->block_size);
        if (pl->num_blocks - rp->blocks_used - need < pl->watermark_blocks ||
            rp->holders >= pl->max_running)
            break;
        fifo_pop(s, &rp->handed);
        s->blocks[i] = (int32_t)need;
        rp->blocks_used += need;
        rp->holders++;
        s->state[i] = ST_RUNNING;
        running_insert(rp, i);
    }
}

/* Form the next iteration's batch of replica `rp` at time t (§3.1 vLLM,
 * §3.2 Sarathi) into *b, new prompts admitted unless the group's balancing
 * holds them (§3.8); rp->nbatch 0: nothing to run. Returns whether a
 * preemption sent a request back to the queue meanwhile. */
static int form_batch(sim *s, replica *rp, double t, int admit_new, gw_perf_batch *b)
{
    rp->nbatch = 0;
    rp->held = 0;
    poll_requests(rp, t);
    uint64_t preemptions_before = s->r->preemptions;
    *b = (gw_perf_batch){0};
    if (rp->handed.head >= 0)
        admit_handed(s, rp);
    for (int attempt = 0; attempt < 2 && rp->nbatch == 0; attempt++) {
        /* a second pass only when preemptions emptied the decode batch:
         * the requests they sent back may now be admitted */
        if (attempt == 1 && rp->wait.head < 0)
            break;
        if (s->c->scheduler == GW_SCHED_VLLM)
            vllm_batch(s, rp, b, t, admit_new);
        else
            sarathi_batch(s, rp, b, t, admit_new);
    }
    return s->r->preemptions != preemptions_before;
}

/* A replica with nothing to run goes idle at t; one that runs again pays
 * the idle power of the gap. */
static void set_busy(sim *s, replica *rp, int busy, double t)
{
    if (busy && !rp->busy)
        s->energy += rp->pool->idle_w * (t - rp->idle_since);
    else if (!busy && rp->busy)
        rp->idle_since = t;
    rp->busy = busy;
}

/* After a formed batch `b` starts on rp and ends at `end`. */
static void started(replica *rp, const gw_perf_batch *b, double end)
{
    rp->last_prefill = b->prefill_tokens > 0;
    /* a request waiting for the next poll: each iteration counts */
    rp->held |= rp->pool->engine->recv_interval > 1 && rp->wait.head >= 0;
    rp->ff_iters = 1;
    rp->ff_first_end = end;
}

/* The first replica of ri's group (ri itself when it steps alone). */
static int group_leader(const sim *s, int ri)
{
    const pool *pl = s->reps[ri].pool;
    return pl->group > 1 ? pl->first + (ri - pl->first) / pl->group * pl->group : ri;
}

/* §3.8 TensorRT-LLM's attention-DP balancing (attention_dp_config
 * enable_balance, timeout_iters T = the stack's adp_balance_iters; docs/
 * serving.md §7.9.2): while every rank of the worker has decodes running,
 * new prompts are admitted only in an iteration in which every rank has
 * one waiting, or when a counter, advancing in each iteration without
 * that, reaches T (then it restarts); with a rank not decoding, at once.
 * Returns whether this iteration holds them. */
static int adp_balance_holds(sim *s, int leader)
{
    replica *lead = &s->reps[leader];
    const pool *pl = lead->pool;
    double timeout = pl->engine->adp_balance_iters;
    int all_decoding = 1, all_waiting = 1;
    for (int k = 0; k < pl->group; k++) {
        const replica *rp = &s->reps[leader + k];
        int32_t i = rp->wait.head;
        all_decoding &= rp->nrunning > 0;
        all_waiting &= i >= 0 && s->state[i] == ST_WAITING && visible(s, rp, i);
    }
    if (!(timeout >= 1) || !all_decoding || all_waiting || lead->balance_wait + 1 >= timeout) {
        lead->balance_wait = 0;
        return 0;
    }
    lead->balance_wait++;
    return 1;
}

/* §3.8 a worker's attention-DP ranks step together: the experts of every
 * MoE layer take all ranks' tokens (dispatch and combine wait for each),
 * so each rank's batch is priced with the group's tokens on the experts,
 * the step lasts as long as the slowest rank's, and when any rank holds a
 * prompt while any decodes, every rank runs without CUDA graphs
 * (TensorRT-LLM graphs a step only when all ranks are decode-only; docs/
 * model.md §7.2.3): the eager time is the group's, once. A rank with
 * nothing to run waits the step out in the collectives (at idle power). */
static int schedule_group(sim *s, int leader, double t)
{
    const pool *pl = s->reps[leader].pool;
    const gw_perf_engine *e = pl->engine;
    int any = 0, prompts = 0, decodes = 0;
    double tokens = 0;
    int hold = adp_balance_holds(s, leader);
    for (int k = 0; k < pl->group; k++) {
        replica *rp = &s->reps[leader + k];
        gw_perf_batch *b = &pl->batches[k];
        form_batch(s, rp, t, !hold, b);
        any |= rp->nbatch > 0;
        prompts |= b->prefill_tokens > 0;
        decodes |= b->decode_seqs > 0;
        tokens += b->prefill_tokens + b->decode_seqs + b->decode_draft_tokens;
    }
    for (int k = 0; k < pl->group; k++)
        set_busy(s, &s->reps[leader + k], any, t);
    if (!any)
        return GW_OK;
    double dur = 0;
    for (int k = 0; k < pl->group; k++) {
        if (!s->reps[leader + k].nbatch)
            continue;
        pl->batches[k].dp_tokens = tokens;
        dur = fmax(dur, gw_perf_step(&pl->graphless, &pl->batches[k], &pl->details[k]));
    }
    if (prompts && decodes && !e->prefill_first)
        dur += e->pp * e->eager_step_s;
    for (int k = 0; k < pl->group; k++) {
        replica *rp = &s->reps[leader + k];
        if (rp->nbatch)
            book_iteration(s, rp, &pl->details[k], dur, t, rp->blocks_used);
        else
            s->energy += pl->idle_w * dur;
        started(rp, &pl->batches[k], t + dur);
    }
    return gw_evq_push(&s->q, t + dur, EV_BATCH_END, leader, 0);
}

/* Start the next iteration on replica `ri` at time t, or leave it idle;
 * a grouped rank starts its worker's (§3.8). */
static int schedule(sim *s, int ri, double t)
{
    replica *rp = &s->reps[ri];
    if (rp->pool->group > 1)
        return schedule_group(s, group_leader(s, ri), t);
    const gw_sim_config *c = s->c;
    gw_perf_batch b;
    int preempted = form_batch(s, rp, t, 1, &b);
    set_busy(s, rp, rp->nbatch > 0, t);
    if (rp->nbatch == 0)
        return GW_OK;
    double end = t + account(s, rp, &b, t, rp->blocks_used);
    started(rp, &b, end);
    /* a preemption just now sent a request back to the queue: the next
     * iteration may admit it, so this run is not closed-form; speculative
     * steps draw their tokens one step at a time (§3.7) */
    if (b.prefill_tokens == 0 && c->route != GW_ROUTE_KV_AWARE && !c->step_by_step &&
        !preempted && rp->pool->spec == 0 && !rp->held)
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
    s->to_issue += s->c->closed.concurrency > 0; /* §2.3 the client sends the next */
    gw_sim_timeline *tl = &s->r->timeline;
    if (tl->width_s > 0) {
        size_t k = tl_bucket(s, tl_index((t - tl->start_s) / tl->width_s));
        if (k != SIZE_MAX)
            tl->done[k] += 1;
    }
}

/* §3.7 the tokens a speculating sequence gains in one step: 1 + the drafts
 * accepted, draft j accepted with probability spec_accept[j] given all
 * earlier ones were, stopping at the first rejection. The draw is keyed by
 * (seed, request, its token count), so it depends on no other request. */
static int32_t spec_gain(const sim *s, const pool *pl, int32_t i)
{
    gw_rng r;
    gw_rng_init(&r, s->c->seed, (uint64_t)i << 32 | (uint32_t)s->proc[i], STREAM_SPEC);
    int32_t gain = 1;
    for (int j = 0; j < pl->spec && gw_rng_uniform(&r) < pl->engine->spec_accept[j]; j++)
        gain++;
    return gain;
}

/* §3.6 a prefill replica has finished a prompt: its blocks are freed and
 * its KV leaves over the link, landing after P x bytes per token /
 * bandwidth + the hand-over latency. */
static int hand_over(sim *s, replica *rp, int32_t i, double t)
{
    const gw_sim_disagg *d = &s->c->disagg;
    free_blocks(s, rp, i);
    rp->outstanding--;
    s->state[i] = ST_TRANSFER;
    double x = (double)s->P[i] * d->kv_bytes_per_token / d->kv_link_bps + d->kv_handover_s;
    s->transfer_s += x;
    s->transfers += 1;
    return gw_evq_push(&s->q, t + x, EV_KV_ARRIVAL, -1, i);
}

/* A decode step (or ff_iters of them, §3.4) of running request i ends
 * with `gain` more tokens (at most its output). On a decode replica of a
 * disaggregated run the first one out is its first token (§3.6). */
static inline void decode_done(sim *s, replica *rp, int32_t i, int32_t gain, int first_here,
                               double t)
{
    s->proc[i] += gain;
    if (first_here && isnan(s->first_at[i]))
        s->first_at[i] = rp->ff_first_end;
    else
        gw_stats_hist_add(&s->tbt, rp->ff_first_end - s->last_at[i]);
    s->last_at[i] = t;
    if (s->proc[i] >= s->P[i] + s->D[i])
        complete(s, rp, i, t);
}

static int issue(sim *s, double t);

/* The requests of the iteration that ended at t: decodes gain their
 * tokens, finished prefills their first token (and, on a disaggregated
 * prefill replica, leave: §3.6). Returns how many decoded. `spec` and
 * `disagg` are constants in the common call, so the hot loop is
 * specialised without their branches. */
static inline int end_requests(sim *s, replica *rp, double t, int spec, int disagg, int *rc)
{
    const pool *pl = rp->pool;
    int decoded = 0;
    int disagg_prefill = disagg && pl == &s->pools[0];
    int disagg_decode = disagg && pl != &s->pools[0];
    for (int k = 0; k < rp->nbatch; k++) {
        int32_t i = rp->batch[k];
        if (s->state[i] == ST_RUNNING) {
            decoded++;
            if (spec) {
                int32_t gain = spec_gain(s, pl, i), left = s->P[i] + s->D[i] - s->proc[i];
                gain = gain < left ? gain : left;
                s->decode_tokens += gain;
                decode_done(s, rp, i, gain, disagg_decode, t);
            } else /* ff_iters never passes the first completion (§3.4) */
                decode_done(s, rp, i, (int32_t)rp->ff_iters, disagg_decode, t);
            continue;
        }
        s->proc[i] += rp->chunk[k];
        if (s->proc[i] < s->P[i])
            continue; /* more chunks to come */
        /* the prefill's last chunk yields the first output token */
        s->proc[i] += 1;
        int hand = disagg_prefill && s->proc[i] < s->P[i] + s->D[i];
        if (!hand && isnan(s->first_at[i]))
            s->first_at[i] = t;
        s->last_at[i] = t;
        if (s->state[i] == ST_PREFILL && rp->wait.head == i)
            fifo_pop(s, &rp->wait); /* Sarathi: it sat at the queue head while chunking */
        if (hand) {
            *rc |= hand_over(s, rp, i, t);
        } else if (s->proc[i] >= s->P[i] + s->D[i]) {
            complete(s, rp, i, t);
        } else {
            s->state[i] = ST_RUNNING;
            running_insert(rp, i);
        }
    }
    return decoded;
}

/* §3.1 one replica's iteration ended at t: tokens counted, first tokens
 * and completions stamped, prefilled requests handed over (§3.6). */
static int finish_iteration(sim *s, replica *rp, double t)
{
    const int spec = rp->pool->spec, disagg = s->c->disagg.on;
    int rc = GW_OK;
    int decode_batch = spec || disagg ? end_requests(s, rp, t, spec, disagg, &rc)
                                      : end_requests(s, rp, t, 0, 0, &rc);
    s->decode_steps += (double)decode_batch * (double)rp->ff_iters;
    if (!spec) /* one token a step, the last ones of a run included (§3.4) */
        s->decode_tokens += (double)decode_batch * (double)rp->ff_iters;
    if (decode_batch) { /* drop the completed from the running list */
        int kept = 0;
        for (int k = 0; k < rp->nrunning; k++)
            if (s->state[rp->running[k]] == ST_RUNNING)
                rp->running[kept++] = rp->running[k];
        rp->nrunning = kept;
    }
    return rc;
}

/* The end of an iteration of replica ri (of every rank of its group,
 * §3.8), a closed loop's next requests issued (§2.3), then the next
 * iteration formed. */
static int batch_end(sim *s, int ri, double t)
{
    const pool *pl = s->reps[ri].pool;
    int rc = GW_OK;
    for (int k = 0; k < (pl->group > 1 ? pl->group : 1) && rc == GW_OK; k++)
        rc = finish_iteration(s, &s->reps[ri + k], t);
    for (; s->to_issue > 0 && rc == GW_OK; s->to_issue--)
        rc = issue(s, t);
    return rc ? rc : schedule(s, ri, t);
}

/* The replica of `pl` with the fewest requests outstanding (or KV blocks
 * in use), the first of equals. */
static int least_loaded(const sim *s, const pool *pl, int by_blocks)
{
    int best = pl->first;
    for (int k = pl->first + 1; k < pl->first + pl->count; k++) {
        const replica *a = &s->reps[k], *b = &s->reps[best];
        if (by_blocks ? a->blocks_used < b->blocks_used : a->outstanding < b->outstanding)
            best = k;
    }
    return best;
}

static int route(sim *s, const pool *pl)
{
    if (s->c->route == GW_ROUTE_ROUND_ROBIN)
        return pl->first + (int)(s->rr_next++ % (size_t)pl->count);
    return least_loaded(s, pl, s->c->route == GW_ROUTE_KV_AWARE);
}

/* An idle replica forms its batch at this instant, but after every arrival
 * at the same time (arrivals go first at ties), so requests arriving
 * together share a prefill batch, as in Vidur. */
static int wake(sim *s, int ri, double t)
{
    ri = group_leader(s, ri); /* a group wakes as one (§3.8) */
    replica *rp = &s->reps[ri];
    if (rp->busy || rp->wake_pending)
        return GW_OK;
    rp->wake_pending = 1;
    return gw_evq_push(&s->q, t, EV_WAKE, ri, 0);
}

/* A request of `prompt` + `total` tokens can never run: beyond the context
 * length, or more blocks than a replica's cache less the watermark (the
 * prefill pool holds the prompt, the decode pool all of it). */
static int never_fits(const sim *s, long prompt, long total)
{
    long bs = s->c->block_size;
    const pool *pre = &s->pools[0], *dec = &s->pools[s->npools - 1];
    long on_prefill = s->c->disagg.on ? prompt : total;
    return (s->c->context_length > 0 && total > s->c->context_length) ||
           ceil_div(on_prefill, bs) > pre->num_blocks - pre->watermark_blocks ||
           ceil_div(total, bs) > dec->num_blocks - dec->watermark_blocks;
}

static int arrive(sim *s, int32_t i)
{
    double t = s->w->arrival[i];
    /* a request that can never fit is rejected, not queued forever */
    if (never_fits(s, s->P[i], (long)s->P[i] + s->D[i])) {
        s->state[i] = ST_REJECTED;
        s->r->rejected++;
        return GW_OK;
    }
    int ri = route(s, &s->pools[0]);
    replica *rp = &s->reps[ri];
    s->rep[i] = ri;
    s->state[i] = ST_WAITING;
    rp->outstanding++;
    fifo_push_back(s, &rp->wait, i);
    return wake(s, ri, t);
}

/* §3.6 a request's KV lands: to the decode replica with the fewest
 * requests outstanding (Dynamo's and SGLang's router default), to wait
 * there until its blocks fit. */
static int kv_arrival(sim *s, int32_t i, double t)
{
    int ri = least_loaded(s, &s->pools[1], 0);
    replica *rp = &s->reps[ri];
    s->rep[i] = ri;
    s->state[i] = ST_HANDED;
    rp->outstanding++;
    fifo_push_back(s, &rp->handed, i);
    return wake(s, ri, t);
}

/* mean, quantiles (type 7: p50, p90, p99 and q when 0 < q < 1) and max of
 * v[0..n); sorts v */
static int stat_of(double *v, size_t n, double q, gw_stat *st)
{
    if (n == 0) {
        *st = (gw_stat){.mean = NAN, .p50 = NAN, .p90 = NAN, .p99 = NAN, .max = NAN, .pq = NAN};
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
    st->pq = q > 0 && q < 1 ? gw_stats_quantile_sorted(v, n, q) : NAN;
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
    gw_workload_free(&r->issued);
    memset(r, 0, sizeof *r);
}

static void free_sim(sim *s)
{
    free(s->P), free(s->D), free(s->proc), free(s->blocks), free(s->next), free(s->state);
    free(s->rep), free(s->restarts), free(s->sched_at), free(s->first_at), free(s->last_at);
    free(s->done_at);
    if (s->reps)
        for (int k = 0; k < s->nreplicas; k++) {
            free(s->reps[k].running);
            free(s->reps[k].batch);
            free(s->reps[k].chunk);
        }
    free(s->reps);
    for (int k = 0; k < s->npools; k++)
        free(s->pools[k].batches), free(s->pools[k].details);
    gw_stats_hist_free(&s->tbt), gw_stats_hist_free(&s->batch);
    gw_evq_free(&s->q);
}

/* Draft tokens a decode step verifies, an engine's spec_tokens within
 * 0..GW_SPEC_MAX (§3.7). */
static int draft_tokens(double spec_tokens)
{
    return (int)fmin(fmax(spec_tokens, 0), GW_SPEC_MAX);
}

int gw_sim_decode_batch_cap(gw_sched_kind sched, int max_running, int max_batched_tokens,
                            double spec_tokens)
{
    if (sched != GW_SCHED_SARATHI)
        return max_running;
    return (int)fmin(max_running,
                     gw_perf_budget_decode_seqs(max_batched_tokens, draft_tokens(spec_tokens)));
}

/* §3.2 a Sarathi budget below one decoding sequence's 1 + k tokens would
 * never decode (the engines refuse it: perf's --max-num-tokens). */
static int check_decode_budget(const char *what, const gw_sim_pool *p, gw_sched_kind sched,
                               gw_error *err)
{
    int k = draft_tokens(p->engine->spec_tokens);
    if (gw_sim_decode_batch_cap(sched, p->max_running, p->max_batched_tokens, k) >= 1)
        return GW_OK;
    return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                        "%s: max_batched_tokens %d cannot hold one decoding sequence with %d "
                        "draft tokens on the sarathi scheduler; expected at least %d",
                        what, p->max_batched_tokens, k, 1 + k);
}

/* The limits of one pool, its Sarathi budget among them (check_decode_budget);
 * the message names them all. */
static int check_pool(const char *what, const gw_sim_pool *p, const gw_sim_config *c,
                      gw_error *err)
{
    int block_size = c->block_size;
    double watermark = c->watermark;
    if (!p->engine || p->replicas < 1 || p->replicas > 1000000 || p->max_running < 1 ||
        p->max_batched_tokens < 1 || block_size < 1 || !(watermark >= 0 && watermark < 1))
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "%s with %d replicas, max_running %d, max_batched_tokens %d, "
                            "block_size %d, watermark %g; expected replicas and limits >= 1 and "
                            "a watermark in [0, 1)",
                            what, p->replicas, p->max_running, p->max_batched_tokens, block_size,
                            watermark);
    return check_decode_budget(what, p, c->scheduler, err);
}

/* The limits a run needs; the messages name them. */
static int check_sim_config(const gw_sim_config *c, const gw_workload *w, gw_error *err)
{
    const gw_sim_pool own = {.engine = c->engine, .replicas = c->replicas,
                             .max_running = c->max_running,
                             .max_batched_tokens = c->max_batched_tokens};
    int rc = check_pool(c->disagg.on ? "prefill pool" : "simulation", &own, c, err);
    if (rc == GW_OK && c->disagg.on)
        rc = check_pool("decode pool", &c->disagg.decode, c, err);
    if (rc)
        return rc;
    const gw_sim_disagg *d = &c->disagg;
    if (d->on && !(d->kv_link_bps > 0 && d->kv_bytes_per_token >= 0 && d->kv_handover_s >= 0))
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "KV link of %g B/s, %g B per token, hand-over %g s; expected a "
                            "positive bandwidth and the rest >= 0",
                            d->kv_link_bps, d->kv_bytes_per_token, d->kv_handover_s);
    const gw_sim_closed_loop *cl = &c->closed;
    if (cl->concurrency > 0) {
        if (cl->concurrency > 10000000 || !(cl->input_tokens >= 1 && cl->output_tokens >= 1) ||
            (!cl->requests && !(cl->duration_s > 0)) || cl->requests > (size_t)INT32_MAX ||
            !(cl->length_low >= 0 && cl->length_low <= 1) ||
            (cl->requests && cl->warmup >= cl->requests))
            return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                                "closed loop at concurrency %d, %g/%g tokens, length_low %g, "
                                "%zu requests, %g s, warm-up %zu; expected input and output "
                                ">= 1 token, length_low in [0, 1], requests or a duration, "
                                "and fewer warm-up requests than requests",
                                cl->concurrency, cl->input_tokens, cl->output_tokens,
                                cl->length_low, cl->requests, cl->duration_s, cl->warmup);
        return GW_OK;
    }
    if (!w || w->n == 0 || w->n > (size_t)INT32_MAX)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "%zu requests; expected 1 to 2^31-1", w ? w->n : 0);
    return GW_OK;
}

/* Request i as it enters: its tokens from the workload, unscheduled. */
static void init_request(sim *s, size_t i)
{
    s->P[i] = s->w->prompt[i], s->D[i] = s->w->output[i], s->rep[i] = -1;
    s->proc[i] = s->blocks[i] = s->restarts[i] = 0;
    s->state[i] = ST_NEW;
    s->sched_at[i] = s->first_at[i] = s->last_at[i] = s->done_at[i] = NAN;
}

/* The per-request arrays (and in a closed loop the issued workload's)
 * grown to `cap` entries, the new ones uninitialised. */
static int grow_requests(sim *s, size_t cap)
{
#define GROW(ptr)                                                                                  \
    do {                                                                                           \
        void *grown = realloc((ptr), cap * sizeof *(ptr));                                         \
        if (!grown)                                                                                \
            return GW_E_NOMEM;                                                                     \
        (ptr) = grown;                                                                             \
    } while (0)
    GROW(s->P); GROW(s->D); GROW(s->proc); GROW(s->blocks); GROW(s->next); GROW(s->state);
    GROW(s->rep); GROW(s->restarts); GROW(s->sched_at); GROW(s->first_at); GROW(s->last_at);
    GROW(s->done_at);
    if (s->c->closed.concurrency > 0) {
        gw_workload *iw = &s->r->issued;
        GROW(iw->arrival); GROW(iw->prompt); GROW(iw->output);
    }
#undef GROW
    s->cap = cap;
    return GW_OK;
}

/* §2.3 the closed loop's next request, issued at t (a completion, or 0 for
 * the first C); none once `requests` are out, or from duration_s on. */
static int issue(sim *s, double t)
{
    const gw_sim_closed_loop *cl = &s->c->closed;
    gw_workload *iw = &s->r->issued;
    size_t i = iw->n;
    if ((cl->requests && i >= cl->requests) || (cl->duration_s > 0 && t >= cl->duration_s) ||
        i >= (size_t)INT32_MAX)
        return GW_OK;
    if (i == s->cap && grow_requests(s, 2 * s->cap))
        return GW_E_NOMEM;
    iw->arrival[i] = t;
    gw_workload_closed_lengths(cl, s->c->seed, i, &iw->prompt[i], &iw->output[i]);
    iw->n = i + 1;
    init_request(s, i);
    return arrive(s, (int32_t)i);
}

/* One pool's blocks, limits and power; its replicas start idle at t0. */
static int init_pool(sim *s, pool *pl, const gw_sim_pool *p, int first, double t0, gw_error *err)
{
    double kv_tokens = p->kv_tokens > 0 ? p->kv_tokens : p->engine->kv_capacity_tokens;
    *pl = (pool){.engine = p->engine,
                 .num_blocks = (long)floor(kv_tokens / s->c->block_size),
                 .max_running = p->max_running,
                 .max_batched_tokens = p->max_batched_tokens,
                 .idle_w = p->idle_w,
                 .busy_w = p->busy_w,
                 .first = first,
                 .count = p->replicas,
                 .spec = draft_tokens(p->engine->spec_tokens)};
    pl->decode_cap = gw_sim_decode_batch_cap(s->c->scheduler, p->max_running,
                                             p->max_batched_tokens, pl->spec);
    pl->watermark_blocks = (long)(s->c->watermark * (double)pl->num_blocks);
    /* §3.8 the attention-DP ranks of a worker whose experts join them */
    const gw_perf_engine *e = p->engine;
    pl->group = e->experts > 0 && e->attention_dp > 1 ? (int)e->attention_dp : 1;
    if (pl->group > 1) {
        if (p->replicas % pl->group)
            return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                                "%d replicas with attention_dp %d; expected whole workers "
                                "(replicas a multiple of attention_dp)",
                                p->replicas, pl->group);
        pl->graphless = *e;
        pl->graphless.eager_step_s = 0;
        pl->batches = calloc((size_t)pl->group, sizeof *pl->batches);
        pl->details = calloc((size_t)pl->group, sizeof *pl->details);
        if (!pl->batches || !pl->details)
            return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (pl->num_blocks < 1)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "the KV cache holds %.0f tokens, less than one block of %d; "
                            "expected more memory per replica",
                            kv_tokens, s->c->block_size);
    for (int k = first; k < first + p->replicas; k++) {
        replica *rp = &s->reps[k];
        rp->pool = pl;
        rp->wait = rp->handed = (fifo){-1, -1};
        rp->running = malloc(((size_t)p->max_running + 1) * sizeof *rp->running);
        size_t bcap = (size_t)p->max_running + 2;
        rp->batch = malloc(bcap * sizeof *rp->batch);
        rp->chunk = malloc(bcap * sizeof *rp->chunk);
        if (!rp->running || !rp->batch || !rp->chunk)
            return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
        rp->idle_since = t0;
    }
    return GW_OK;
}

/* The pools, the per-request arrays, each replica's queues (a Sarathi
 * batch: every running request plus prefill chunks), the histograms and
 * the event queue; every request unscheduled. */
static int sim_init(sim *s, gw_error *err)
{
    const gw_sim_config *c = s->c;
    int closed = c->closed.concurrency > 0;
    const gw_sim_pool own = {.engine = c->engine, .replicas = c->replicas,
                             .max_running = c->max_running,
                             .max_batched_tokens = c->max_batched_tokens,
                             .kv_tokens = c->kv_tokens, .idle_w = c->idle_w, .busy_w = c->busy_w};
    s->npools = c->disagg.on ? 2 : 1;
    s->nreplicas = c->replicas + (c->disagg.on ? c->disagg.decode.replicas : 0);
    double t0 = closed ? 0 : s->w->arrival[0];
    int rc = (s->reps = calloc((size_t)s->nreplicas, sizeof *s->reps)) ? GW_OK : GW_E_NOMEM;
    if (rc == GW_OK && (rc = init_pool(s, &s->pools[0], &own, 0, t0, err)) == GW_OK &&
        c->disagg.on)
        rc = init_pool(s, &s->pools[1], &c->disagg.decode, c->replicas, t0, err);
    if (rc)
        return rc;
    size_t n = closed ? (c->closed.requests ? c->closed.requests
                                            : 2 * (size_t)c->closed.concurrency + 1024)
                      : s->w->n;
    if (grow_requests(s, n) || gw_stats_hist_init(&s->tbt, GW_HIST_LOG) ||
        gw_stats_hist_init(&s->batch, GW_HIST_LOG) ||
        gw_evq_init(&s->q, GW_EVQ_QUATERNARY, (size_t)s->nreplicas + 1))
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < (closed ? 0 : n); i++)
        init_request(s, i);
    if (c->timeline_s > 0) {
        s->r->timeline.width_s = c->timeline_s;
        s->r->timeline.start_s = t0;
    }
    return GW_OK;
}

/* §3 the event loop: the next arrival when it is not later than the first
 * event, else that event (a wake-up, a batch's end or a KV hand-over),
 * until both run out; progress is polled every 65,536 events and once
 * more at the end. A closed loop issues its first C requests at 0 and the
 * rest at completions (§2.3). */
static int event_loop(sim *s, gw_error *err)
{
    const gw_sim_config *c = s->c;
    const gw_workload *w = s->w;
    gw_sim_result *r = s->r;
    const gw_sim_closed_loop *cl = &c->closed;
    size_t n = cl->concurrency > 0 ? 0 : w->n, next_arrival = 0;
    s->next_arrival = n ? w->arrival[0] : INFINITY;
    int rc = GW_OK;
    for (int k = 0; k < cl->concurrency && rc == GW_OK; k++)
        rc = issue(s, 0);
#define TOTAL() (n ? (double)n : cl->requests ? (double)cl->requests : (double)(r->completed + cl->concurrency))
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
            } else if (e.type == EV_KV_ARRIVAL)
                rc = kv_arrival(s, (int32_t)e.data, e.time);
            else
                rc = batch_end(s, e.who, e.time);
        } else
            break;
        r->events++;
        if (c->progress && (r->events & 0xFFFF) == 0 &&
            c->progress(c->progress_user, (double)r->completed, TOTAL(), (double)r->completed))
            return gw_error_set(err, GW_E_STOPPED, NULL, 0, 0,
                                "stopped at %zu of %.0f requests completed; nothing written",
                                r->completed, TOTAL());
    }
    if (rc == GW_OK && c->progress) /* the final count (the last poll may be 65,535 events old) */
        (void)c->progress(c->progress_user, (double)r->completed, TOTAL(), (double)r->completed);
#undef TOTAL
    return rc;
}

/* The totals request_stats gathers over the requests it measures. */
typedef struct measured {
    double first_arrival, last_done, out_tokens, in_tokens, e2e_sum;
} measured;

/* §4 TTFT, TPOT, end-to-end time and scheduling delay of the completed
 * requests (a closed loop's after its warm-up), and their totals. TPOT is
 * Vidur's (decode time over the output count, the first included) in an
 * open loop, the benchmarks' (E2E − TTFT) / (output − 1) in a closed one. */
static int request_stats(sim *s, measured *t)
{
    const gw_workload *w = s->w;
    gw_sim_result *r = s->r;
    int closed = s->c->closed.concurrency > 0;
    size_t n = w->n, m = 0, mt = 0, first = closed ? s->c->closed.warmup : 0;
    double *v = malloc(n * sizeof *v);
    double *ttft = malloc(n * sizeof *v), *tpot = malloc(n * sizeof *v), *e2e = malloc(n * sizeof *v);
    if (!v || !ttft || !tpot || !e2e) {
        free(v), free(ttft), free(tpot), free(e2e);
        return GW_E_NOMEM;
    }
    t->first_arrival = first < n ? w->arrival[first] : w->arrival[0];
    t->last_done = t->first_arrival;
    for (size_t i = first; i < n; i++) {
        if (s->state[i] != ST_DONE)
            continue;
        if (s->done_at[i] > t->last_done)
            t->last_done = s->done_at[i];
        ttft[m] = s->first_at[i] - w->arrival[i];
        if (!closed)
            tpot[mt++] = (s->done_at[i] - s->first_at[i]) / s->D[i];
        else if (w->output[i] > 1)
            tpot[mt++] = (s->done_at[i] - s->first_at[i]) / (w->output[i] - 1);
        e2e[m] = s->done_at[i] - w->arrival[i];
        t->e2e_sum += e2e[m];
        v[m] = s->sched_at[i] - w->arrival[i];
        t->out_tokens += w->output[i];
        t->in_tokens += w->prompt[i];
        m++;
    }
    r->measured = m;
    double q = s->c->quantile;
    int rc = stat_of(ttft, m, q, &r->ttft) | stat_of(tpot, mt, q, &r->tpot) |
             stat_of(e2e, m, q, &r->e2e) | stat_of(v, m, q, &r->scheduling_delay);
    free(v), free(ttft), free(tpot), free(e2e);
    return rc ? GW_E_NOMEM : GW_OK;
}

/* mean, quantiles (q as in stat_of) and max of a log histogram (NAN when empty) */
static gw_stat hist_stat(const gw_stats_hist *h, double q)
{
    return (gw_stat){.mean = h->n ? h->sum / (double)h->n : NAN,
                     .p50 = gw_stats_hist_quantile(h, 0.5),
                     .p90 = gw_stats_hist_quantile(h, 0.9),
                     .p99 = gw_stats_hist_quantile(h, 0.99),
                     .pq = q > 0 && q < 1 ? gw_stats_hist_quantile(h, q) : NAN,
                     .max = h->n ? h->max : NAN};
}

/* §4 the rates over the makespan (first measured arrival to last
 * completion) and per GPU in the three public definitions; energy
 * (replicas idle at the end count to the last completion), power, busy
 * share over the whole run; KV use. */
static void run_totals(sim *s, const measured *t)
{
    gw_sim_result *r = s->r;
    r->tbt = hist_stat(&s->tbt, s->c->quantile);
    r->batch_size = hist_stat(&s->batch, s->c->quantile);
    r->makespan_s = t->last_done - t->first_arrival;
    double span = r->makespan_s > 0 ? r->makespan_s : 1;
    double run = t->last_done - (s->w->n ? s->w->arrival[0] : 0);
    run = s->c->closed.concurrency > 0 ? (run > 0 ? run : 1) : span;
    r->requests_per_s = (double)r->measured / span;
    if (s->c->closed.concurrency == 0)
        r->requests_per_s = (double)r->completed / span;
    r->output_tokens_per_s = t->out_tokens / span;
    r->input_tokens_per_s = t->in_tokens / span;
    r->concurrency_mean = t->e2e_sum / span;
    for (int p = 0; p < s->npools; p++) {
        const pool *pl = &s->pools[p];
        double gpus = pl->count * pl->engine->tp * pl->engine->pp;
        r->gpus += gpus;
        r->decode_gpus = gpus; /* the last pool decodes */
    }
    r->tps_gpu_io = (t->out_tokens + t->in_tokens) / span / r->gpus;
    r->tps_gpu_out = r->output_tokens_per_s / r->gpus;
    r->tps_decode_gpu_out = r->output_tokens_per_s / r->decode_gpus;
    r->tokens_per_decode_step = s->decode_steps > 0 ? s->decode_tokens / s->decode_steps : NAN;
    r->kv_transfer_s = s->transfers > 0 ? s->transfer_s / s->transfers : 0;
    for (int k = 0; k < s->nreplicas; k++)
        if (!s->reps[k].busy)
            s->energy += s->reps[k].pool->idle_w *
                         (t->last_done - s->reps[k].idle_since > 0
                              ? t->last_done - s->reps[k].idle_since : 0);
    r->energy_j = s->energy;
    r->mean_power_w = s->energy / run;
    r->joules_per_output_token = t->out_tokens > 0 ? s->energy / t->out_tokens : NAN;
    r->busy_fraction = s->busy_time / (run * s->nreplicas);
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

/* A closed loop's longest request must fit, or the client would wait
 * forever for a request that never runs. */
static int check_closed_fits(const sim *s, gw_error *err)
{
    const gw_sim_closed_loop *cl = &s->c->closed;
    long in = (long)fmin(round(cl->input_tokens), 1e8), out = (long)fmin(round(cl->output_tokens), 1e8);
    if (cl->concurrency > 0 && never_fits(s, in, in + out))
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "a closed-loop request of %ld + %ld tokens never fits a replica "
                            "(%ld KV blocks of %d%s, context length %.0f); expected shorter "
                            "requests or more KV per replica",
                            in, out, s->pools[s->npools - 1].num_blocks, s->c->block_size,
                            s->npools > 1 ? " on a decode replica" : "", s->c->context_length);
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
    s.c = c, s.r = r;
    s.w = c->closed.concurrency > 0 ? &r->issued : w;
    measured t = {0};
    if ((rc = sim_init(&s, err)) || (rc = check_closed_fits(&s, err)) ||
        (rc = event_loop(&s, err)))
        goto fail;
    r->requests = s.w->n;
    if ((rc = request_stats(&s, &t)))
        goto fail;
    run_totals(&s, &t);
    if (s.tl_failed || (c->keep_requests && keep_requests(&s))) {
        rc = GW_E_NOMEM;
        goto fail;
    }
    free_sim(&s);
    return GW_OK;
fail:
    free_sim(&s);
    gw_sim_result_free(r);
    if (rc == GW_E_NOMEM && !err->msg[0])
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    return rc;
}
