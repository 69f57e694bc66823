/* src/sim/fleet.c — request-level fleet simulation (engines layer).
 * Contract: include/gigawatt/fleet.h; rules and equations: docs/fleet.md
 * (section numbers below). Every request is drawn, rate-limited, admitted or
 * not, and timed individually; deployments are capacity budgets per tick. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/fleet.h"
#include "gigawatt/sim.h"
#include "gigawatt/stats.h"

#define WEEK_S (7 * 86400.0)
#define YEAR_S (365 * 86400.0)
#define QUEUE_MAX ((size_t)1 << 22) /* queued requests kept per priority; beyond: rejected */
#define NPRIO 8
#define NLEVELS 5

/* ---- Poisson counts (Knuth for small means, normal approximation above
 * 500 with continuity correction: the error is far below the noise of a day) */
static double poisson(gw_rng *r, double mean)
{
    if (mean <= 0)
        return 0;
    if (mean > 500) {
        double x = floor(mean + sqrt(mean) * gw_rng_normal(r) + 0.5);
        return x < 0 ? 0 : x;
    }
    double l = exp(-mean), p = 1;
    double k = 0;
    do {
        k++;
        p *= gw_rng_uniform(r);
    } while (p > l);
    return k - 1;
}

/* §2.1 a tenant's demand at time t: diurnal cosine with the given
 * peak-to-trough ratio, weekends scaled, normalised to the weekly mean, and
 * compound growth. */
static double demand_rate(const gw_fleet_tenant *t, double time_s, double start_weekday)
{
    double a = t->peak_to_trough > 1 ? (t->peak_to_trough - 1) / (t->peak_to_trough + 1) : 0;
    double hour = fmod(time_s / 3600, 24);
    double day = fmod(floor(time_s / 86400) + start_weekday, 7);
    double shape = 1 + a * cos(2 * M_PI * (hour - t->peak_hour) / 24);
    double we = t->weekend > 0 ? t->weekend : 1;
    double week_mean = (5 + 2 * we) / 7;
    double level = (day >= 5 ? we : 1) / week_mean;
    double growth = t->growth_per_year > 0 ? pow(t->growth_per_year, time_s / YEAR_S) : 1;
    return t->rate * shape * level * growth;
}

/* ---- §3 calibration ------------------------------------------------------- */

int gw_fleet_calibrate(gw_fleet_config *c, gw_error *err)
{
    for (int d = 0; d < c->ndeployments; d++) {
        gw_fleet_deployment *dep = &c->deployments[d];
        /* the mean request of the tenants whose home model this is */
        double wsum = 0, psum = 0, osum = 0;
        for (int t = 0; t < c->ntenants; t++) {
            const gw_fleet_tenant *tn = &c->tenants[t];
            if (c->deployments[tn->deployment].model != dep->model)
                continue;
            double pm = gw_dist_mean(&tn->prompt), om = gw_dist_mean(&tn->output);
            if (tn->trace_n) { /* sizes from a trace: its means */
                pm = om = 0;
                for (size_t j = 0; j < tn->trace_n; j++)
                    pm += tn->trace_prompt[j], om += tn->trace_output[j];
                pm /= (double)tn->trace_n, om /= (double)tn->trace_n;
            }
            if (!(tn->rate > 0))
                continue;
            if (!isfinite(pm) || !isfinite(om))
                continue;
            wsum += tn->rate, psum += tn->rate * pm, osum += tn->rate * om;
        }
        double pin = wsum > 0 ? fmax(1, round(psum / wsum)) : 1000;
        double pout = wsum > 0 ? fmax(1, round(osum / wsum)) : 200;
        /* the operating point: the offline best batch of the perf model */
        gw_perf_request rq = {.count = dep->gpus_per_replica, .input_tokens = pin,
                              .output_tokens = pout};
        gw_perf_result pr;
        int rc = gw_perf_infer(dep->engine, &rq, &pr, err);
        if (rc)
            return rc;
        double rate_req = pr.offline.tokens_per_s / pout; /* requests/s of one replica */
        /* replica-seconds: split by the prefill and decode time of a request */
        double prefill = pr.prefill_s, decode = pr.offline.step_s / pr.offline.batch * (pout - 1);
        double per_req = 1 / rate_req;
        double scale = per_req / (prefill + decode > 0 ? prefill + decode : per_req);
        dep->s_per_prompt_token = prefill * scale / pin;
        dep->prefill_s_per_token = prefill / pin;
        dep->mean_prompt = pin;
        /* so that pin·s_p + pout·s_o is exactly one request's replica-seconds */
        dep->s_per_output_token = decode * scale / pout;
        /* latency at loads rho: k replicas behind round-robin (splitting a
         * Poisson stream smooths each replica's arrivals, as in the fleet),
         * Poisson arrivals at rho x k x one replica's capacity */
        int kr = (int)fmin(8, fmax(1, dep->replicas));
        for (int k = 0; k < NLEVELS; k++) {
            double rho = 0.1 + 0.2 * k;
            gw_synthetic syn = {0};
            syn.requests = 1000 * (size_t)kr;
            syn.rate = rho * rate_req * kr;
            syn.seed = c->seed + (uint64_t)d;
            syn.prompt = (gw_dist){.kind = GW_DIST_FIXED, .a = pin, .integer = 1};
            syn.output = (gw_dist){.kind = GW_DIST_FIXED, .a = pout, .integer = 1};
            gw_workload w;
            if ((rc = gw_workload_synthetic(&syn, &w, err)))
                return rc;
            gw_sim_config sc = {.engine = dep->engine,
                                .replicas = kr,
                                .scheduler = GW_SCHED_SARATHI,
                                .route = GW_ROUTE_ROUND_ROBIN,
                                .max_running = (int)fmin(pr.max_batch, 1e6),
                                .max_batched_tokens = 2048,
                                .block_size = 16,
                                .watermark = 0.01};
            gw_sim_result sr;
            rc = gw_sim_run(&sc, &w, &sr, err);
            gw_workload_free(&w);
            if (rc)
                return rc;
            dep->lat_rho[k] = rho;
            dep->lat_ttft[k] = sr.ttft.mean;
            dep->lat_tpot[k] = sr.tpot.mean;
            gw_sim_result_free(&sr);
        }
        dep->ttft_s = dep->lat_ttft[NLEVELS - 1];
        dep->tpot_s = dep->lat_tpot[NLEVELS - 1];
    }
    return GW_OK;
}

/* linear in rho between the calibrated loads, flat beyond them */
static void latency_at(const gw_fleet_deployment *dep, double rho, double *ttft, double *tpot)
{
    const double *x = dep->lat_rho;
    if (rho <= x[0]) {
        *ttft = dep->lat_ttft[0], *tpot = dep->lat_tpot[0];
        return;
    }
    for (int k = 1; k < NLEVELS; k++)
        if (rho <= x[k] || k == NLEVELS - 1) {
            double f = (fmin(rho, x[k]) - x[k - 1]) / (x[k] - x[k - 1]);
            *ttft = dep->lat_ttft[k - 1] + f * (dep->lat_ttft[k] - dep->lat_ttft[k - 1]);
            *tpot = dep->lat_tpot[k - 1] + f * (dep->lat_tpot[k] - dep->lat_tpot[k - 1]);
            return;
        }
}

/* ---- the run ---------------------------------------------------------------- */

typedef struct queued {
    double arrival;
    float prompt, output;
    int32_t tenant;
} queued;

typedef struct ring {
    queued *v;
    size_t head, n, cap;
} ring;

static int ring_push(ring *q, queued x)
{
    if (q->n == q->cap) {
        if (q->cap >= QUEUE_MAX)
            return 0;
        size_t cap = q->cap ? q->cap * 2 : 1024;
        queued *v = malloc(cap * sizeof *v);
        if (!v)
            return 0;
        for (size_t i = 0; i < q->n; i++)
            v[i] = q->v[(q->head + i) % q->cap];
        free(q->v);
        q->v = v, q->head = 0, q->cap = cap;
    }
    q->v[(q->head + q->n++) % q->cap] = x;
    return 1;
}

typedef struct bucket {
    float req, tok;  /* tokens left */
    double last;     /* last refill time */
} bucket;

typedef struct dep_state {
    double up;          /* replicas serving (own: nominal - down; on-demand: provisioned) */
    double budget;      /* replica-seconds left this tick */
    double capacity;    /* replica-seconds this tick */
    double used;        /* replica-seconds used this tick */
    double *repair;     /* own: times replicas come back (FIFO: equal repair times) */
    size_t rhead, rn, rcap;
    double pending_t[64], pending_n[64]; /* on-demand: (ready time, replicas) */
    int npending;
    double want;        /* on-demand: replicas asked for */
    double rho_prev;    /* utilisation of the last tick */
    double reserve;     /* replica-seconds of a strategic reserve left this tick */
    double calm_since;  /* on-demand: since when no shortfall and under half busy */
} dep_state;

/* Everything a run keeps besides the result; lives from run_init to run_free. */
typedef struct fleet_run {
    gw_fleet_config *c;
    gw_fleet_result *r;
    int T, D;                     /* tenants, deployments */
    size_t hours;
    double tick, hour_weight;     /* tick length (s); ticks per full hour */
    dep_state *ds;                /* [D] */
    bucket **buckets;             /* [T]: per customer, API tenants with limits only */
    gw_stats_hist *ttft, *tpot;   /* [T] */
    double *slo_ok;               /* [T]: requests within the TTFT SLO */
    ring *queues;                 /* [NPRIO x D]: per (priority, model) */
    unsigned char *exhausted;     /* [D] per model: no room left this tick */
    double *shortfall;            /* [D] per model: replica-seconds turned away this tick */
    double *ticks_in_hour;        /* [hours] */
    queued *tick_req, *sorted;    /* this tick's requests, drawn and by priority */
    size_t tick_cap, sorted_cap, nreq;
    double offered_so_far;        /* for progress */
} fleet_run;

/* §3 place one request: its home deployment, then its model elsewhere
 * (most room first), then rented pools (reserved before on-demand); time it.
 * Returns 0 when no pool has room. */
static int serve(fleet_run *run, gw_fleet_hour *H, const queued *x, double now, int from_queue)
{
    const gw_fleet_config *c = run->c;
    dep_state *ds = run->ds;
    gw_fleet_result *r = run->r;
    const gw_fleet_tenant *tn = &c->tenants[x->tenant];
    int home = tn->deployment, model = c->deployments[home].model, pick = -1, D = c->ndeployments;
    double cost = x->prompt * c->deployments[home].s_per_prompt_token +
                  x->output * c->deployments[home].s_per_output_token;
    if (tn->kind == GW_TENANT_RESERVE && ds[home].reserve >= cost) {
        /* its own block first (counted as used capacity of the deployment) */
        ds[home].reserve -= cost;
        ds[home].budget += cost; /* spent at once below */
        pick = home;
    } else if (ds[home].budget >= cost)
        pick = home;
    /* passes: own in the home region, own in other regions, reserved
     * rented, on-demand rented; within a pass, the most room left */
    int home_site = c->deployments[home].site;
    int home_region = home_site >= 0 ? c->sites[home_site].region : -1;
    for (int pass = 0; pass < 4 && pick < 0; pass++) {
        double best = -1;
        for (int d = 0; d < D; d++) {
            const gw_fleet_deployment *dep = &c->deployments[d];
            int rented_pass = pass < 2 ? 0 : pass - 1;
            if (dep->model != model || dep->rented != rented_pass || d == home)
                continue;
            if (pass < 2) {
                int same = dep->site >= 0 && c->sites[dep->site].region == home_region;
                if (same != (pass == 0))
                    continue;
            }
            double cst = x->prompt * dep->s_per_prompt_token + x->output * dep->s_per_output_token;
            if (ds[d].budget >= cst && ds[d].budget > best)
                best = ds[d].budget, pick = d;
        }
    }
    if (pick < 0)
        return 0;
    const gw_fleet_deployment *dep = &c->deployments[pick];
    double cst = x->prompt * dep->s_per_prompt_token + x->output * dep->s_per_output_token;
    ds[pick].budget -= cst;
    ds[pick].used += cst;
    /* the deployment's utilisation: last tick's (this tick's is still filling) */
    double rho = ds[pick].rho_prev;
    double lt, lp;
    latency_at(dep, rho * c->target_utilisation, &lt, &lp);
    /* §3.2 the table is for the mean prompt: its queueing part stays, its
     * prefill part scales with this prompt */
    lt = fmax(0, lt - dep->mean_prompt * dep->prefill_s_per_token) +
         x->prompt * dep->prefill_s_per_token;
    double wait = from_queue && now > x->arrival ? now - x->arrival : 0;
    int far = dep->site >= 0 && c->deployments[home].site >= 0 &&
              c->sites[dep->site].region != c->sites[c->deployments[home].site].region;
    double t_first = wait + lt + (far ? c->spill_penalty_s : 0);
    gw_stats_hist_add(&run->ttft[x->tenant], t_first);
    gw_stats_hist_add(&run->tpot[x->tenant], lp);
    if (tn->ttft_slo_s <= 0 || t_first <= tn->ttft_slo_s)
        run->slo_ok[x->tenant]++;
    gw_fleet_tenant_result *tr = &r->tenant[x->tenant];
    tr->served++, tr->tokens_served += x->prompt + x->output;
    H->served++;
    r->tenant_hour[(size_t)(H - r->hour) * (size_t)c->ntenants + (size_t)x->tenant].served++;
    H->queue_delay_s += wait;
    if (pick != home)
        H->spilled += dep->rented == 0;
    H->rented += dep->rented != 0;
    return 1;
}

void gw_fleet_result_free(gw_fleet_result *r)
{
    free(r->hour);
    free(r->site_mw);
    free(r->tenant_hour);
    free(r->tenant);
    memset(r, 0, sizeof *r);
}

double gw_fleet_memory_estimate(const gw_fleet_config *c)
{
    double b = 0;
    for (int t = 0; t < c->ntenants; t++)
        b += c->tenants[t].customers * sizeof(bucket) + 2 * 2048 * 64 * 4.0;
    b += NPRIO * (double)QUEUE_MAX * sizeof(queued);
    b += (c->horizon_s / 3600 + 1) * (sizeof(gw_fleet_hour) + 8.0 * c->nsites +
                                      sizeof(gw_fleet_tenant_hour) * c->ntenants);
    for (int d = 0; d < c->ndeployments; d++)
        b += c->deployments[d].replicas * 8.0 * 0.01; /* repair queue, a share down */
    return b;
}

/* ---- the phases of a tick ------------------------------------------------------ */

/* What gw_fleet_run needs of its config; messages name the first problem. */
static int check_config(const gw_fleet_config *c, gw_error *err)
{
    for (int d = 0; d < c->ndeployments; d++)
        if (!(c->deployments[d].s_per_output_token > 0))
            return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                                "deployment '%s' not calibrated; expected gw_fleet_calibrate "
                                "first",
                                c->deployments[d].name);
    if (!(c->tick_s > 0) || !(c->horizon_s >= c->tick_s) || c->ntenants < 1 ||
        c->ndeployments < 1)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "fleet with %d tenants, %d deployments, tick %g s over %g s; expected "
                            "tenants, deployments and a horizon of at least one tick",
                            c->ntenants, c->ndeployments, c->tick_s, c->horizon_s);
    if (c->horizon_s / c->tick_s > 1e9)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "%.3g ticks (horizon %g s / tick %g s); expected at most 1e9",
                            c->horizon_s / c->tick_s, c->horizon_s, c->tick_s);
    for (int t = 0; t < c->ntenants; t++)
        if (c->tenants[t].kind == GW_TENANT_RESERVE && c->tenants[t].priority != 0)
            return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                                "reserve tenant '%s' has priority %d; expected 0 (a reserve is "
                                "served first)",
                                c->tenants[t].name, c->tenants[t].priority);
    for (int t = 0; t < c->ntenants; t++)
        if (c->tenants[t].priority < 0 || c->tenants[t].priority >= NPRIO ||
            c->tenants[t].deployment < 0 || c->tenants[t].deployment >= c->ndeployments)
            return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                                "tenant '%s': priority %d, deployment %d; expected a priority "
                                "0-7 and one of the %d deployments",
                                c->tenants[t].name, c->tenants[t].priority,
                                c->tenants[t].deployment, c->ndeployments);
    return GW_OK;
}

/* The result's arrays and the run's state; each tenant's histograms, its
 * customers' Zipf ranks and full token buckets; every pool up but the
 * on-demand ones (which start empty). GW_E_NOMEM, or the Zipf's error. */
static int run_init(fleet_run *run, gw_fleet_config *c, gw_fleet_result *r, gw_error *err)
{
    memset(run, 0, sizeof *run);
    size_t hours = (size_t)ceil(c->horizon_s / 3600);
    int T = c->ntenants, D = c->ndeployments;
    run->c = c, run->r = r, run->T = T, run->D = D, run->hours = hours;
    run->tick = c->tick_s, run->hour_weight = 3600 / run->tick;
    r->hours = hours;
    r->hour = calloc(hours, sizeof *r->hour);
    r->site_mw = calloc(hours * (size_t)(c->nsites > 0 ? c->nsites : 1), sizeof *r->site_mw);
    r->tenant_hour = calloc(hours * (size_t)(T > 0 ? T : 1), sizeof *r->tenant_hour);
    r->tenant = calloc((size_t)T, sizeof *r->tenant);
    run->ds = calloc((size_t)D, sizeof *run->ds);
    run->buckets = calloc((size_t)T, sizeof *run->buckets);
    run->ttft = calloc((size_t)T, sizeof *run->ttft);
    run->tpot = calloc((size_t)T, sizeof *run->tpot);
    run->slo_ok = calloc((size_t)T, sizeof *run->slo_ok);
    run->queues = calloc((size_t)NPRIO * (size_t)D, sizeof *run->queues);
    run->exhausted = calloc((size_t)D, 1);
    run->shortfall = calloc((size_t)D, sizeof *run->shortfall);
    run->ticks_in_hour = calloc(hours, sizeof *run->ticks_in_hour);
    if (!r->hour || !r->site_mw || !r->tenant_hour || !r->tenant || !run->ds || !run->buckets ||
        !run->ttft || !run->tpot || !run->slo_ok || !run->queues || !run->exhausted ||
        !run->shortfall || !run->ticks_in_hour)
        return GW_E_NOMEM;
    for (int t = 0; t < T; t++) {
        gw_fleet_tenant *tn = &c->tenants[t];
        if (gw_stats_hist_init(&run->ttft[t], GW_HIST_BITS) ||
            gw_stats_hist_init(&run->tpot[t], GW_HIST_BITS))
            return GW_E_NOMEM;
        if (tn->customer_skew > 0) {
            tn->customer_dist = (gw_dist){.kind = GW_DIST_ZIPF,
                                          .a = fmax(1, tn->customers),
                                          .b = tn->customer_skew,
                                          .integer = 1};
            int rc = gw_dist_prepare(&tn->customer_dist, err);
            if (rc)
                return rc;
        }
        if (tn->kind == GW_TENANT_API && (tn->rpm > 0 || tn->tpm > 0)) {
            size_t nc = (size_t)fmax(1, tn->customers);
            if (!(run->buckets[t] = malloc(nc * sizeof **run->buckets)))
                return GW_E_NOMEM;
            for (size_t k = 0; k < nc; k++) /* full at the start */
                run->buckets[t][k] = (bucket){(float)tn->rpm, (float)tn->tpm, 0};
        }
    }
    for (int d = 0; d < D; d++)
        run->ds[d].up = c->deployments[d].rented == 2 ? 0 : c->deployments[d].replicas;
    return GW_OK;
}

static void run_free(fleet_run *run)
{
    for (int t = 0; run->buckets && t < run->T; t++)
        free(run->buckets[t]);
    for (int t = 0; run->ttft && run->tpot && t < run->T; t++)
        gw_stats_hist_free(&run->ttft[t]), gw_stats_hist_free(&run->tpot[t]);
    for (int d = 0; run->ds && d < run->D; d++)
        free(run->ds[d].repair);
    for (int p = 0; run->queues && p < NPRIO * run->D; p++)
        free(run->queues[p].v);
    free(run->queues), free(run->exhausted), free(run->shortfall), free(run->ticks_in_hour);
    free(run->buckets), free(run->ttft), free(run->tpot), free(run->slo_ok), free(run->ds);
    free(run->tick_req), free(run->sorted);
}

/* ---- phase 1, §4: what each deployment can serve this tick */

/* An own deployment: replicas back from repair, then this tick's GPU
 * failures (Poisson over the GPUs up), each replica down until repaired. */
static int fail_and_repair(fleet_run *run, int d, uint64_t k, double now)
{
    const gw_fleet_config *c = run->c;
    const gw_fleet_deployment *dep = &c->deployments[d];
    dep_state *s = &run->ds[d];
    while (s->rn && s->repair[s->rhead] <= now) { /* repaired */
        s->rhead = (s->rhead + 1) % s->rcap, s->rn--;
        s->up += 1;
    }
    gw_rng rr;
    gw_rng_init(&rr, c->seed, k * (uint64_t)run->D + (uint64_t)d, 7);
    double fails = poisson(&rr, s->up * dep->gpus_per_replica *
                                    c->gpu_failures_per_hour * run->tick / 3600);
    fails = fmin(fails, s->up);
    for (double f = 0; f < fails; f++) {
        if (s->rn == s->rcap) {
            size_t cap = s->rcap ? s->rcap * 2 : 64;
            double *v = malloc(cap * sizeof *v);
            if (!v)
                return GW_E_NOMEM;
            for (size_t i = 0; i < s->rn; i++)
                v[i] = s->repair[(s->rhead + i) % s->rcap];
            free(s->repair);
            s->repair = v, s->rhead = 0, s->rcap = cap;
        }
        s->repair[(s->rhead + s->rn++) % s->rcap] = now + c->repair_s;
        s->up -= 1;
        run->r->failures++;
    }
    return GW_OK;
}

/* An on-demand pool: the replicas asked for earlier that are ready now. */
static void provisioned(dep_state *s, double now)
{
    for (int i = 0; i < s->npending;)
        if (s->pending_t[i] <= now) {
            s->up += s->pending_n[i];
            s->pending_t[i] = s->pending_t[--s->npending];
            s->pending_n[i] = s->pending_n[s->npending];
        } else
            i++;
}

/* Replicas of deployment d able to serve now: those up, less an outage's
 * share of its site, scaled down under a power cap (capacity scales with
 * power); the GPUs missing count as down in the hour. */
static double available(const fleet_run *run, int d, double now, gw_fleet_hour *H)
{
    const gw_fleet_config *c = run->c;
    const gw_fleet_deployment *dep = &c->deployments[d];
    double avail = run->ds[d].up;
    if (dep->site < 0)
        return avail;
    double site_factor = 1, cap_w = c->sites[dep->site].power_cap_w;
    for (int e = 0; e < c->nevents; e++) {
        const gw_fleet_event *ev = &c->events[e];
        if (ev->site != dep->site || now < ev->start_s || now >= ev->start_s + ev->duration_s)
            continue;
        if (ev->kind == GW_EVENT_OUTAGE)
            site_factor *= 1 - ev->fraction;
        else {
            double full = 0;
            for (int d2 = 0; d2 < run->D; d2++)
                if (c->deployments[d2].site == dep->site)
                    full += c->deployments[d2].replicas * c->deployments[d2].busy_w;
            double capw = ev->fraction * full;
            cap_w = cap_w > 0 ? fmin(cap_w, capw) : capw;
        }
    }
    avail *= site_factor;
    if (cap_w > 0) { /* a power cap slows the site: capacity scales with power */
        double full = 0;
        for (int d2 = 0; d2 < run->D; d2++)
            if (c->deployments[d2].site == dep->site)
                full += run->ds[d2].up * c->deployments[d2].busy_w;
        if (full > cap_w)
            avail *= cap_w / full;
    }
    H->down_gpus += (dep->replicas - avail) * dep->gpus_per_replica / run->hour_weight;
    return avail;
}

/* §2.3 blocks held by cloud customers, reserves and training jobs come off
 * deployment d's `avail` replicas (a cloud block earns its price, a
 * reserve's own budget is set aside); the rest is this tick's budget. */
static void hold_blocks(fleet_run *run, int d, double avail, double now)
{
    const gw_fleet_config *c = run->c;
    const gw_fleet_deployment *dep = &c->deployments[d];
    dep_state *s = &run->ds[d];
    double tick = run->tick, held = 0;
    s->reserve = 0;
    for (int t = 0; t < c->ntenants; t++) {
        const gw_fleet_tenant *tn = &c->tenants[t];
        if (tn->deployment != d || tn->kind < GW_TENANT_CLOUD)
            continue;
        if (tn->kind == GW_TENANT_TRAINING &&
            (now < tn->start_s || now >= tn->start_s + tn->duration_s))
            continue;
        held += tn->replicas;
        if (tn->kind == GW_TENANT_CLOUD)
            run->r->tenant[t].revenue_usd +=
                tn->replicas * dep->gpus_per_replica * tn->usd_per_gpu_hour * tick / 3600;
        if (tn->kind == GW_TENANT_RESERVE) /* the reserve's own budget */
            s->reserve += fmin(tn->replicas, avail) * tick * c->target_utilisation;
    }
    held = fmin(held, avail);
    s->capacity = s->budget = (avail - held) * tick * c->target_utilisation;
    s->used = 0;
}

/* Failures, repairs, on-demand provisioning, outages and power caps, then
 * the held blocks, deployment by deployment (a power cap weighs the replicas
 * up at its site, so a deployment sees the failures of those before it). */
static int capacity_phase(fleet_run *run, uint64_t k, double now, gw_fleet_hour *H)
{
    for (int d = 0; d < run->D; d++) {
        int rented = run->c->deployments[d].rented;
        if (rented == 0 && fail_and_repair(run, d, k, now))
            return GW_E_NOMEM;
        if (rented == 2)
            provisioned(&run->ds[d], now);
        hold_blocks(run, d, available(run, d, now, H), now);
    }
    return GW_OK;
}

/* ---- phase 2, §2: arrivals and rate limits */

/* §2.2 the token buckets (RPM, TPM) of the API customer a request at `at`
 * comes from: API use is heavy-tailed, so customers by Zipf rank when
 * skewed. 1 and the tokens taken when it is within its limits, else 0. */
static int within_limits(fleet_run *run, int t, gw_rng *rg, double at, double tokens)
{
    const gw_fleet_tenant *tn = &run->c->tenants[t];
    size_t cu = tn->customer_skew > 0 ? (size_t)gw_dist_sample(&tn->customer_dist, rg) - 1
                                      : (size_t)(gw_rng_uniform(rg) * fmax(1, tn->customers));
    bucket *b = &run->buckets[t][cu];
    double dt = at - b->last;
    b->last = at;
    if (tn->rpm > 0)
        b->req = (float)fmin(tn->rpm, b->req + dt * tn->rpm / 60);
    if (tn->tpm > 0)
        b->tok = (float)fmin(tn->tpm, b->tok + dt * tn->tpm / 60);
    if ((tn->rpm > 0 && b->req < 1) || (tn->tpm > 0 && b->tok < tokens))
        return 0;
    b->req -= 1, b->tok -= (float)tokens;
    return 1;
}

/* Room for n requests of this tick in run->tick_req. */
static int reserve_requests(fleet_run *run, double n)
{
    if (n <= run->tick_cap)
        return 1;
    size_t cap = (size_t)n * 2 + 1024;
    queued *v = realloc(run->tick_req, cap * sizeof *v);
    if (!v)
        return 0;
    run->tick_req = v, run->tick_cap = cap;
    return 1;
}

/* Each tenant's count this tick (Poisson at its §2.1 rate), each request's
 * sizes drawn (or a trace row) and spread evenly over the tick, in order
 * (the count is the random part), so token buckets see time move forward;
 * those within their limits go to run->tick_req. */
static int arrivals_phase(fleet_run *run, uint64_t k, double now, gw_fleet_hour *H,
                          gw_fleet_tenant_hour *TH)
{
    const gw_fleet_config *c = run->c;
    double tick = run->tick;
    size_t nreq = 0; /* kept in locals through the hot loop, stored at the end */
    for (int t = 0; t < run->T; t++) {
        const gw_fleet_tenant *tn = &c->tenants[t];
        gw_rng rg;
        gw_rng_init(&rg, c->seed, k * (uint64_t)run->T + (uint64_t)t, 1);
        double n = poisson(&rg, demand_rate(tn, now + tick / 2, c->start_weekday) * tick);
        if (!reserve_requests(run, (double)nreq + n))
            return GW_E_NOMEM;
        queued *req = run->tick_req;
        gw_fleet_tenant_result *tr = &run->r->tenant[t];
        for (double i = 0; i < n; i++) {
            double p, o;
            if (tn->trace_n) { /* a row of the trace, at random */
                size_t row = (size_t)(gw_rng_uniform(&rg) * (double)tn->trace_n);
                p = tn->trace_prompt[row], o = tn->trace_output[row];
            } else
                p = gw_dist_sample(&tn->prompt, &rg), o = gw_dist_sample(&tn->output, &rg);
            double at = now + (i + 0.5) / n * tick;
            tr->offered++, tr->tokens_offered += p + o;
            H->offered++, TH[t].offered++;
            if (run->buckets[t] && !within_limits(run, t, &rg, at, p + o)) {
                tr->rate_limited++, H->rate_limited++, TH[t].rate_limited++;
                continue;
            }
            req[nreq++] = (queued){at, (float)p, (float)o, t};
        }
        run->offered_so_far += n; /* whole counts: the same sum as one by one */
    }
    run->nreq = nreq;
    return GW_OK;
}

/* ---- phase 3, §3.3: admission by priority, routing and service */

/* This tick's requests by priority into run->sorted, in arrival-draw order
 * within a priority (a stable counting sort); priority p's are
 * start[p] .. start[p + 1]. */
static int sort_by_priority(fleet_run *run, size_t start[NPRIO + 1])
{
    const gw_fleet_config *c = run->c;
    size_t nreq = run->nreq;
    for (size_t j = 0; j < nreq; j++)
        start[c->tenants[run->tick_req[j].tenant].priority + 1]++;
    for (int pr = 0; pr < NPRIO; pr++)
        start[pr + 1] += start[pr];
    if (nreq > run->sorted_cap) {
        queued *v = realloc(run->sorted, nreq * sizeof *v);
        if (!v)
            return GW_E_NOMEM;
        run->sorted = v, run->sorted_cap = nreq;
    }
    size_t fill[NPRIO];
    memcpy(fill, start, sizeof fill);
    for (size_t j = 0; j < nreq; j++)
        run->sorted[fill[c->tenants[run->tick_req[j].tenant].priority]++] = run->tick_req[j];
    return GW_OK;
}

/* §2.3 the reserves' own requests (priority 0) are in: a lending reserve's
 * idle block joins its deployment's budget. */
static void lend_reserves(fleet_run *run)
{
    const gw_fleet_config *c = run->c;
    dep_state *ds = run->ds;
    for (int t = 0; t < run->T; t++) {
        const gw_fleet_tenant *tn = &c->tenants[t];
        if (tn->kind == GW_TENANT_RESERVE && tn->lend && ds[tn->deployment].reserve > 0) {
            ds[tn->deployment].budget += ds[tn->deployment].reserve;
            ds[tn->deployment].capacity += ds[tn->deployment].reserve;
            ds[tn->deployment].reserve = 0;
            run->exhausted[c->deployments[tn->deployment].model] = 0;
        }
    }
}

/* Older requests of priority pr first, one queue per model: once a model
 * has no capacity left this tick, its queue waits whole (timeouts are
 * enforced at the queue head). */
static void drain_queues(fleet_run *run, int pr, double now, gw_fleet_hour *H,
                         gw_fleet_tenant_hour *TH)
{
    for (int m = 0; m < run->D; m++) {
        ring *q = &run->queues[pr * run->D + m];
        while (q->n) {
            queued x = q->v[q->head];
            const gw_fleet_tenant *tn = &run->c->tenants[x.tenant];
            if (now - x.arrival > tn->timeout_s) {
                q->head = (q->head + 1) % q->cap, q->n--;
                run->r->tenant[x.tenant].timed_out++, H->timed_out++;
                TH[x.tenant].timed_out++;
                continue;
            }
            if (run->exhausted[m] || !serve(run, H, &x, now, 1)) {
                run->exhausted[m] = 1;
                break;
            }
            q->head = (q->head + 1) % q->cap, q->n--;
        }
    }
}

/* This tick's requests of priority pr: served where there is room (serve),
 * else their model's shortfall grows and they queue when they may wait,
 * or are rejected. */
static void admit_new(fleet_run *run, int pr, const size_t *start, double now,
                      gw_fleet_hour *H, gw_fleet_tenant_hour *TH)
{
    const gw_fleet_config *c = run->c;
    for (size_t j = start[pr]; j < start[pr + 1]; j++) {
        queued x = run->sorted[j];
        const gw_fleet_tenant *tn = &c->tenants[x.tenant];
        int home = tn->deployment, m = c->deployments[home].model;
        if (!run->exhausted[m] && serve(run, H, &x, now, 0))
            continue;
        run->exhausted[m] = 1;
        run->shortfall[m] += x.prompt * c->deployments[home].s_per_prompt_token +
                             x.output * c->deployments[home].s_per_output_token;
        if (tn->timeout_s > 0 && ring_push(&run->queues[pr * run->D + m], x))
            continue;
        run->r->tenant[x.tenant].rejected++, H->rejected++, TH[x.tenant].rejected++;
    }
}

/* Priority by priority: queued (older) requests first, then this tick's. */
static int admission_phase(fleet_run *run, double now, gw_fleet_hour *H,
                           gw_fleet_tenant_hour *TH)
{
    size_t start[NPRIO + 1] = {0};
    if (sort_by_priority(run, start))
        return GW_E_NOMEM;
    memset(run->exhausted, 0, (size_t)run->D);
    for (int pr = 0; pr < NPRIO; pr++) {
        if (pr == 1)
            lend_reserves(run);
        drain_queues(run, pr, now, H, TH);
        admit_new(run, pr, start, now, H, TH);
    }
    return GW_OK;
}

/* ---- phase 4, §3.4: on-demand autoscaling */

/* On-demand pools grow with their model's shortfall: ask for what was
 * short, release what idles. */
static void autoscale_phase(fleet_run *run, double now)
{
    const gw_fleet_config *c = run->c;
    double tick = run->tick;
    for (int d = 0; d < run->D; d++)
        if (c->deployments[d].rented == 2)
            run->ds[d].want +=
                run->shortfall[c->deployments[d].model] / (tick * c->target_utilisation);
    memset(run->shortfall, 0, (size_t)run->D * sizeof *run->shortfall);
    for (int d = 0; d < run->D; d++) {
        const gw_fleet_deployment *dep = &c->deployments[d];
        dep_state *s = &run->ds[d];
        if (dep->rented != 2)
            continue;
        double pend = 0;
        for (int i = 0; i < s->npending; i++)
            pend += s->pending_n[i];
        double need = ceil(s->want) - pend;
        int calm = s->want == 0 && s->used < 0.5 * s->capacity;
        if (!calm)
            s->calm_since = now + tick;
        if (need > 0 && s->npending < 64 && s->up + pend < dep->replicas) {
            need = fmin(need, dep->replicas - s->up - pend);
            s->pending_t[s->npending] = now + dep->provision_s;
            s->pending_n[s->npending++] = need;
        } else if (calm && now + tick - s->calm_since >= fmax(600, dep->provision_s)) {
            /* release half the idle replicas after a calm spell as long
             * as it takes to get them back (at least 10 minutes) */
            s->up = fmax(0, s->up - ceil((s->capacity - s->used) /
                                         (tick * c->target_utilisation) / 2));
            s->calm_since = now + tick;
        }
        s->want = 0;
    }
}

/* ---- phase 5, §5: power, utilisation and cost of the tick */

static void account_phase(fleet_run *run, size_t h, gw_fleet_hour *H)
{
    const gw_fleet_config *c = run->c;
    gw_fleet_result *r = run->r;
    double tick = run->tick, hour_weight = run->hour_weight, own_cap = 0, own_used = 0;
    for (int d = 0; d < run->D; d++) {
        const gw_fleet_deployment *dep = &c->deployments[d];
        dep_state *s = &run->ds[d];
        double u = s->capacity > 0 ? s->used / (s->capacity / c->target_utilisation) : 0;
        double w = s->up * (dep->idle_w + (dep->busy_w - dep->idle_w) * u);
        r->energy_wh += w * tick / 3600;
        double gpu_h = (dep->rented == 0 ? dep->replicas : s->up) * dep->gpus_per_replica *
                       tick / 3600;
        if (dep->rented == 0) {
            r->own_cost_usd += gpu_h * dep->usd_per_gpu_hour;
            own_cap += s->capacity, own_used += s->used;
            if (dep->site >= 0)
                r->site_mw[h * (size_t)c->nsites + (size_t)dep->site] += w / 1e6 / hour_weight;
        } else {
            r->rented_cost_usd += gpu_h * dep->usd_per_gpu_hour;
            H->rented_gpus += s->up * dep->gpus_per_replica / hour_weight;
        }
    }
    H->utilisation += (own_cap > 0 ? own_used / own_cap : 0) / hour_weight;
    for (int d = 0; d < run->D; d++)
        run->ds[d].rho_prev = run->ds[d].capacity > 0 ? run->ds[d].used / run->ds[d].capacity : 1;
}

/* One tick k: the five phases in order, into the hour it falls in. */
static int run_tick(fleet_run *run, uint64_t k)
{
    gw_fleet_result *r = run->r;
    double now = (double)k * run->tick;
    size_t h = (size_t)(now / 3600);
    if (h >= run->hours)
        h = run->hours - 1;
    gw_fleet_hour *H = &r->hour[h];
    gw_fleet_tenant_hour *TH = &r->tenant_hour[h * (size_t)run->T]; /* [T] of this hour */
    r->ticks++;
    int rc;
    if ((rc = capacity_phase(run, k, now, H)) || (rc = arrivals_phase(run, k, now, H, TH)) ||
        (rc = admission_phase(run, now, H, TH)))
        return rc;
    autoscale_phase(run, now);
    account_phase(run, h, H);
    run->ticks_in_hour[h]++;
    return GW_OK;
}

/* ---- phase 6, §5: the results at the horizon */

/* Requests still waiting, hourly means over the ticks each hour had (the
 * last hour may be partial), each tenant's percentiles, SLO and revenue. */
static void finish(fleet_run *run)
{
    const gw_fleet_config *c = run->c;
    gw_fleet_result *r = run->r;
    for (int p = 0; p < NPRIO * run->D; p++) /* still waiting at the horizon */
        for (size_t j = 0; j < run->queues[p].n; j++) {
            const ring *q = &run->queues[p];
            r->tenant[q->v[(q->head + j) % q->cap].tenant].queued_at_end++;
        }
    for (size_t h = 0; h < run->hours; h++) {
        gw_fleet_hour *H = &r->hour[h];
        if (H->served > 0)
            H->queue_delay_s /= H->served;
        double f = run->ticks_in_hour[h] > 0 ? run->hour_weight / run->ticks_in_hour[h] : 0;
        H->utilisation *= f, H->rented_gpus *= f, H->down_gpus *= f;
        for (int si = 0; si < c->nsites; si++)
            r->site_mw[h * (size_t)c->nsites + (size_t)si] *= f;
        r->requests += H->offered;
        r->served += H->served;
    }
    for (int t = 0; t < run->T; t++) {
        gw_fleet_tenant_result *tr = &r->tenant[t];
        tr->ttft_p50 = gw_stats_hist_quantile(&run->ttft[t], 0.5);
        tr->ttft_p90 = gw_stats_hist_quantile(&run->ttft[t], 0.9);
        tr->ttft_p99 = gw_stats_hist_quantile(&run->ttft[t], 0.99);
        tr->tpot_p50 = gw_stats_hist_quantile(&run->tpot[t], 0.5);
        tr->tpot_p90 = gw_stats_hist_quantile(&run->tpot[t], 0.9);
        tr->slo_attainment = tr->served > 0 ? run->slo_ok[t] / tr->served : NAN;
        tr->revenue_usd += tr->tokens_served / 1e6 * c->tenants[t].usd_per_mtok;
        r->revenue_usd += tr->revenue_usd;
    }
}

int gw_fleet_run(gw_fleet_config *c, gw_fleet_result *r, gw_error *err)
{
    memset(r, 0, sizeof *r);
    int rc = check_config(c, err);
    if (rc)
        return rc;
    fleet_run run;
    rc = run_init(&run, c, r, err);
    uint64_t nticks = (uint64_t)ceil(c->horizon_s / run.tick);
    const uint64_t poll_every = (uint64_t)fmax(1, 60 / run.tick); /* each simulated minute */
    for (uint64_t k = 0; k < nticks && rc == GW_OK; k++) {
        if (c->progress && k % poll_every == 0 &&
            c->progress(c->progress_user, (double)k, (double)nticks, run.offered_so_far)) {
            rc = gw_error_set(err, GW_E_STOPPED, NULL, 0, 0,
                              "stopped at %.2f h of %.2f h; nothing written",
                              (double)k * run.tick / 3600, c->horizon_s / 3600);
            break;
        }
        rc = run_tick(&run, k);
    }
    if (rc == GW_OK)
        finish(&run);
    run_free(&run);
    if (rc) {
        gw_fleet_result_free(r);
        if (rc == GW_E_STOPPED)
            return rc;
        if (rc == GW_E_NOMEM)
            return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    return rc;
}
