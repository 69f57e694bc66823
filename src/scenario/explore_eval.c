/* src/scenario/explore_eval.c — one design point of `gigawatt explore`
 * evaluated (scenario layer): its values put into the scenario tree as
 * `--set KEY=VALUE` puts them (gw_config_set_path made the nodes once; a
 * point only swaps their text), the scenario resolved, the perf model at
 * the latency targets (gw_perf_run: the scenario's own deployment), the
 * plan model for cost per GW, then the result fields and the constraints
 * (docs/explore.md §3). Each thread has its own tree, scenario and
 * results; the catalog is shared read-only. */
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore_int.h"
#include "gigawatt/perf_cmd.h"
#include "gigawatt/plan.h"

/* One thread's evaluator. */
typedef struct evaluator {
    const gw_explore_job *job;
    gw_config cfg;
    gw_node *root;
    gw_node *value[GW_EXPLORE_MAX_VARY]; /* the value node of each field */
    char text[GW_EXPLORE_MAX_VARY][96];  /* its current text */
    gw_scenario *sc;
    gw_perf_report *perf;
    gw_plan_result *plan;
} evaluator;

static void evaluator_close(evaluator *e)
{
    gw_config_free(&e->cfg);
    free(e->sc);
    free(e->perf);
    free(e->plan);
}

/* The node `key` (a.b.c) names below root, after gw_config_set_path. */
static gw_node *node_at(gw_node *root, const char *key)
{
    char part[128];
    gw_node *n = root;
    for (const char *s = key; n && *s;) {
        size_t l = strcspn(s, ".");
        snprintf(part, sizeof part, "%.*s", (int)l, s);
        n = n->kind == GW_NODE_MAP ? gw_node_get(n, part) : NULL;
        s += l + (s[l] == '.');
    }
    return n;
}

/* A --vary's error (its file the origin) moved to the explore.vary entry
 * it came from, when it came from the scenario. */
static int place_vary(int rc, const gw_explore_where *w, gw_error *err)
{
    if (rc && w->node && strcmp(err->file, w->origin) == 0) {
        snprintf(err->file, sizeof err->file, "%s", w->node->file);
        err->line = w->node->line, err->col = w->node->col;
    }
    return rc;
}

/* The scenario and its --set as every command loads them, a 1 GW grid
 * target when it has none (per-GW figures), every field at level 0. */
static int evaluator_open(evaluator *e, const gw_explore_job *job, gw_error *err)
{
    memset(e, 0, sizeof *e);
    e->job = job;
    gw_config_init(&e->cfg);
    e->sc = malloc(sizeof *e->sc);
    e->perf = malloc(sizeof *e->perf);
    e->plan = malloc(sizeof *e->plan);
    if (!e->sc || !e->perf || !e->plan)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    int rc = gw_cmd_load_tree(job->args, &e->cfg, &e->root, err);
    if (!rc && !gw_node_get(e->root, "target"))
        rc = gw_config_set_path(&e->cfg, e->root, "target.grid_power=1 GW", "--explore", err);
    const gw_explore_spec *s = job->spec;
    for (int j = 0; j < s->nvary && !rc; j++) {
        char set[512], first[96];
        double x0 = s->design == GW_EXPLORE_GRID || !s->vary[j].is_range ? 0 : s->vary[j].low;
        gw_explore_value_text(s, j, x0, first, sizeof first);
        snprintf(set, sizeof set, "%s=%s", s->vary[j].key, first);
        rc = place_vary(gw_config_set_path(&e->cfg, e->root, set, job->where[j].origin, err),
                        &job->where[j], err);
        if (!rc && !(e->value[j] = node_at(e->root, s->vary[j].key)))
            rc = gw_error_set(err, GW_E_INPUT, NULL, 0, 0, "%s: cannot be varied; expected a "
                              "path through mappings", job->where[j].origin);
    }
    for (int j = 0; j < s->nvary && !rc; j++) /* a later field may have replaced an earlier */
        if (node_at(e->root, s->vary[j].key) != e->value[j]) {
            const gw_node *at = job->where[j].node;
            rc = gw_error_set(err, GW_E_INPUT, at ? at->file : NULL, at ? at->line : 0,
                              at ? at->col : 0,
                              "%s%s'%s' is replaced by another varied field; expected fields "
                              "that do not contain each other",
                              at ? "" : job->where[j].origin, at ? "" : ": ", s->vary[j].key);
        }
    return rc;
}

static void set_value(evaluator *e, int j, double x)
{
    gw_explore_value_text(e->job->spec, j, x, e->text[j], sizeof e->text[j]);
    e->value[j]->text = e->text[j];
}

int gw_explore_check_levels(const gw_explore_job *job, gw_error *err)
{
    evaluator e;
    int rc = evaluator_open(&e, job, err);
    const gw_explore_spec *s = job->spec;
    for (int j = 0; j < s->nvary && !rc; j++) {
        const gw_explore_var *v = &s->vary[j];
        int grid = s->design == GW_EXPLORE_GRID;
        int n = v->is_range ? 2 : v->nlevels;
        for (int k = 0; k < n && !rc; k++) {
            double x = !v->is_range ? k : grid ? (k ? v->steps - 1 : 0) : (k ? v->high : v->low);
            set_value(&e, j, x);
            rc = place_vary(gw_scenario_resolve(job->cat, e.root, GW_NEED_PLAN | GW_NEED_PERF,
                                                e.sc, err),
                            &job->where[j], err);
        }
        set_value(&e, j, s->design == GW_EXPLORE_GRID || !v->is_range ? 0 : v->low);
    }
    evaluator_close(&e);
    return rc;
}

/* ---- one point ------------------------------------------------------------------- */

/* The result fields from the perf report and the plan (NaN: not known). */
static void metrics(const gw_perf_report *r, const gw_plan_result *pl, double *m)
{
    for (int k = 0; k < GW_XM_COUNT; k++)
        m[k] = NAN;
    double gw = pl->grid_power_w / 1e9;
    m[GW_XM_CAPEX_PER_GW] = pl->capex.total / gw;
    m[GW_XM_ACCEL_PER_GW] = pl->accelerators / gw;
    m[GW_XM_WATER_PER_MWH] = pl->annual_energy_wh > 0
                                 ? pl->water_m3_per_year * 1e3 / (pl->annual_energy_wh / 1e6)
                                 : NAN;
    m[GW_XM_PUE] = pl->pue;
    m[GW_XM_RACK_KW] = pl->design.it_power_w / 1e3;
    m[GW_XM_USD_PER_GPU_HOUR] = pl->usd_per_gpu_hour;
    if (r->has_training) {
        m[GW_XM_TRAIN_DAYS] = r->training.train_days;
        m[GW_XM_TRAIN_MWH] = r->train_grid_energy_wh / 1e6;
        if (r->has_cost)
            m[GW_XM_TRAIN_USD] = r->train_usd;
    }
    if (!r->headline)
        return;
    m[GW_XM_TPS_PER_GPU] = r->tokens_per_s_per_gpu;
    /* accelerators per provisioned MW at the meter x what each serves */
    m[GW_XM_TPS_PER_MW_GRID] = r->tokens_per_s_per_gpu * pl->accelerators / (pl->grid_power_w / 1e6);
    m[GW_XM_TPS_PER_MW_IT] = r->tokens_per_s_per_mw;
    m[GW_XM_J_PER_TOKEN] = r->grid_joules_per_token;
    m[GW_XM_TTFT] = r->headline->ttft_s;
    m[GW_XM_TPOT] = r->headline->step_s;
    if (r->has_cost)
        m[GW_XM_USD_PER_MTOK] = r->usd_per_million_tokens;
}

/* Append one reason to why ("; " between; what does not fit is cut). */
static void add_why(gw_explore_point *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void add_why(gw_explore_point *p, const char *fmt, ...)
{
    char reason[GW_EXPLORE_WHY_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    size_t l = strlen(p->why);
    snprintf(p->why + l, sizeof p->why - l, "%s%s", l ? "; " : "", reason);
}

/* The tensor-parallel group a worker spans: it must sit in one scale-up
 * domain (the accelerator's, or the constraint's when tighter). */
static double worker_domain(const gw_perf_report *r)
{
    const gw_perf_config *c = r->has_disagg ? &r->decode_cfg : &r->cfg;
    return (double)c->tp * (c->attention_dp > 1 ? c->attention_dp : 1);
}

static void constraints(const gw_explore_limits *lim, const gw_scenario *sc,
                        const gw_perf_report *r, const gw_plan_result *pl, gw_explore_point *p)
{
    const gw_rack_result *d = &pl->design;
    if (sc->want_inference && !r->headline) /* perf's reason, when it gives one */
        add_why(p, "latency targets not met%s%s", r->inference.infeasible[0] ? ": " : "",
                r->inference.infeasible);
    /* a closed-loop serving point (concurrency, disagg) is where the clients
     * put it, not a batch chosen to meet the targets: perf checks it */
    if (sc->want_inference && r->has_serving && r->headline && r->serving_missed[0])
        add_why(p, "latency targets not met: %s", r->serving_missed);
    for (int v = 0; v < d->nviolations; v++) /* the rack model's design rules */
        add_why(p, "%s", d->violations[v].message);
    if (lim->rack_power_w > 0 && d->it_power_w > lim->rack_power_w)
        add_why(p, "rack power %.4g kW above %.4g kW", d->it_power_w / 1e3,
                lim->rack_power_w / 1e3);
    if (lim->cooling_capacity_w > 0 && d->liquid_heat_w > lim->cooling_capacity_w)
        add_why(p, "liquid heat %.4g kW above the cooling capacity %.4g kW",
                d->liquid_heat_w / 1e3, lim->cooling_capacity_w / 1e3);
    if (lim->floor_load_kg_m2 > 0 && d->floor_load_kg_m2 > lim->floor_load_kg_m2)
        add_why(p, "floor load %.4g kg/m2 above %.4g", d->floor_load_kg_m2,
                lim->floor_load_kg_m2);
    double dom = sc->accelerator.scaleup_domain;
    if (lim->scale_up_domain > 0 && (dom <= 0 || lim->scale_up_domain < dom))
        dom = lim->scale_up_domain;
    if (sc->want_inference && dom > 0 && worker_domain(r) > dom)
        add_why(p, "a worker's %.0f-GPU tensor group exceeds the scale-up domain of %.0f",
                worker_domain(r), dom);
    if (sc->want_training && dom > 0 && r->train_cfg.tp > dom)
        add_why(p, "training's tensor group of %d GPUs exceeds the scale-up domain of %.0f",
                r->train_cfg.tp, dom);
    if (lim->site_power_w > 0 && pl->grid_power_w > lim->site_power_w)
        add_why(p, "grid power %.4g MW above the site's %.4g MW", pl->grid_power_w / 1e6,
                lim->site_power_w / 1e6);
    p->feasible = p->why[0] == 0;
}

/* GW_OK, or out of memory: a design the models refuse is a point's why,
 * a machine out of memory is the run's error. */
static int evaluate(evaluator *e, long long i, gw_explore_point *p, gw_error *out_err)
{
    const gw_explore_spec *s = e->job->spec;
    memset(p, 0, sizeof *p);
    gw_explore_params(s, i, p->x);
    for (int j = 0; j < s->nvary; j++)
        set_value(e, j, p->x[j]);
    for (int k = 0; k < GW_XM_COUNT; k++)
        p->m[k] = NAN;
    gw_error err = {0};
    int rc = gw_scenario_resolve(e->job->cat, e->root, GW_NEED_PLAN | GW_NEED_PERF, e->sc, &err);
    if (!rc)
        rc = gw_perf_run(e->sc, e->perf, &err);
    if (!rc) {
        gw_plan_input pi;
        gw_scenario_plan_input(e->sc, &pi);
        rc = gw_plan_size(&pi, e->plan, &err);
    }
    if (rc == GW_E_NOMEM) {
        *out_err = err;
        return rc;
    }
    if (rc) { /* the models refuse this design: why, in their words */
        snprintf(p->why, sizeof p->why, "%s", err.msg);
        return GW_OK;
    }
    metrics(e->perf, e->plan, p->m);
    constraints(&s->limits, e->sc, e->perf, e->plan, p);
    return GW_OK;
}

/* ---- threads ------------------------------------------------------------------------- */

typedef struct worker {
    const gw_explore_job *job;
    const long long *idx;
    size_t lo, hi;
    gw_explore_point *out;
    int rc;
    gw_error err;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    evaluator e;
    w->rc = evaluator_open(&e, w->job, &w->err);
    for (size_t i = w->lo; i < w->hi && !w->rc; i++)
        w->rc = evaluate(&e, w->idx[i], &w->out[i], &w->err);
    evaluator_close(&e);
    return NULL;
}

int gw_explore_eval(const gw_explore_job *job, const long long *idx, size_t n,
                    gw_explore_point *out, gw_error *err)
{
    int threads = job->threads < 1 ? 1 : job->threads;
    if ((size_t)threads > n)
        threads = n > 0 ? (int)n : 1;
    worker *w = calloc((size_t)threads, sizeof *w);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    unsigned char *made = calloc((size_t)threads, 1);
    if (!w || !tid || !made) {
        free(w), free(tid), free(made);
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (int t = 0; t < threads; t++) {
        w[t] = (worker){job, idx, n * (size_t)t / (size_t)threads,
                        n * (size_t)(t + 1) / (size_t)threads, out, 0, {0}};
        /* a share whose thread cannot be had runs here: same points, same result */
        if (t > 0 && pthread_create(&tid[t], NULL, work, &w[t]) == 0)
            made[t] = 1;
        else if (t > 0)
            work(&w[t]);
    }
    work(&w[0]);
    int rc = GW_OK;
    for (int t = 0; t < threads; t++) {
        if (made[t])
            pthread_join(tid[t], NULL);
        if (w[t].rc && !rc)
            rc = w[t].rc, *err = w[t].err;
    }
    free(w), free(tid), free(made);
    return rc;
}
