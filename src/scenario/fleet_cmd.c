/* src/scenario/fleet_cmd.c — a fleet scenario resolved against the catalog
 * and run (docs/fleet.md). Each deployment gets its model, accelerator and
 * efficiency from the catalog, a perf engine, power from the rack model of
 * its system and its cost from the plan model (one rack), through the same
 * scenario resolution the other commands use. */
#include "gigawatt/fleet_cmd.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/plan.h"
#include "gigawatt/sim_cmd.h"
#include "gigawatt/sim.h"

#define WEEK_S (7 * 86400.0)
#define GIB (1024.0 * 1024 * 1024)
/* The largest fleet run accepted, in GiB of estimated memory: issue 5's bar
 * (a day of 2.5e9 requests on ~1e6 accelerators in <= 4 GiB peak on the
 * 2-core reference machine). Beyond it a scenario is refused up front, with
 * its estimate, rather than dying in the allocator mid-run. */
#define MEMORY_LIMIT_GIB 4
/* The GPU failure rate when fleet: names no reliability: entry: the one
 * large-scale measurement in the catalog (data/catalog/reliability.yaml,
 * Llama 3 405B pre-training on 16,384 H100). */
#define DEFAULT_RELIABILITY "llama3-h100"

int gw_scenario_has_fleet(const gw_node *root)
{
    return root && root->kind == GW_NODE_MAP && gw_node_get(root, "fleet") != NULL;
}

static int located(const gw_node *n, gw_error *err, const char *fmt, const char *a)
{
    return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col, fmt, a);
}

/* Decode a list of maps through `schema` into a fresh array. */
static int decode_list(const gw_node *list, const gw_schema *schema, const char *what,
                       void **out, int *n, gw_error *err)
{
    *out = NULL, *n = 0;
    if (!list)
        return GW_OK;
    if (list->kind != GW_NODE_SEQ)
        return located(list, err, "%s is not a list; expected - {name: ..., ...} items", what);
    if (list->nkids > 100000)
        return located(list, err, "%s has too many items; expected at most 100000", what);
    char *arr = calloc(list->nkids ? list->nkids : 1, schema->size);
    if (!arr)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    *out = arr;
    for (size_t i = 0; i < list->nkids; i++) {
        const gw_node *item = list->kids[i];
        void *obj = arr + i * schema->size;
        if (item->kind != GW_NODE_MAP)
            return located(item, err, "an item of %s is not a mapping; expected {name: ...}",
                           what);
        int rc = gw_decode(schema, item, obj, GW_DECODE_SETTINGS, err);
        if (rc || (rc = gw_decode_check_required(schema, obj, item, err)))
            return rc;
        if (schema != &gw_schema_fleet_event && !((gw_entry_meta *)obj)->name[0])
            return located(item, err, "an item of %s has no name; expected name: ...", what);
        (*n)++;
    }
    return GW_OK;
}

static int find_name(const void *arr, size_t size, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(((const gw_entry_meta *)((const char *)arr + (size_t)i * size))->name,
                   name) == 0)
            return i;
    return -1;
}

/* Power per accelerator (IT, at load 0 and 1) and full cost per
 * accelerator-hour of `system`, through a one-line scenario. */
static int system_economics(const gw_catalog *cat, const char *system, const gw_node *at,
                            double *idle_w, double *busy_w, double *usd_h, gw_error *err)
{
    gw_config cfg;
    gw_config_init(&cfg);
    gw_node *root = gw_config_new_map(&cfg, at->file);
    char set[GW_TEXT_MAX + 16];
    snprintf(set, sizeof set, "system.ref=%s", system);
    gw_scenario *sc = malloc(sizeof *sc);
    gw_plan_result *pr = malloc(sizeof *pr);
    int rc = !root || !sc || !pr ? gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory")
                                 : gw_config_set_path(&cfg, root, set, at->file, err);
    if (rc == GW_OK)
        rc = gw_config_set_path(&cfg, root, "target.accelerators=1", at->file, err);
    if (rc == GW_OK)
        rc = gw_scenario_resolve(cat, root, GW_NEED_PLAN, sc, err);
    if (rc == GW_OK) {
        gw_rack_input in;
        gw_rack_result rr;
        gw_scenario_rack_input(sc, &in);
        in.load = 0;
        if ((rc = gw_rack_budget(&in, &rr, err)) == GW_OK) {
            *idle_w = rr.it_power_w / rr.accelerators;
            in.load = 1;
            rc = gw_rack_budget(&in, &rr, err);
            *busy_w = rr.it_power_w / rr.accelerators;
        }
        if (rc == GW_OK) {
            gw_plan_input pi;
            gw_scenario_plan_input(sc, &pi);
            pi.target = GW_TARGET_ACCELERATORS;
            pi.target_value = sc->system.accelerators * sc->system.systems_per_rack;
            if ((rc = gw_plan_size(&pi, pr, err)) == GW_OK)
                *usd_h = pr->usd_per_gpu_hour;
        }
    }
    free(sc), free(pr);
    gw_config_free(&cfg);
    if (rc && at && !err->line) {
        snprintf(err->file, sizeof err->file, "%s", at->file);
        err->line = at->line, err->col = at->col;
    }
    return rc;
}

/* A fleet scenario's sections decoded into their spec structs, before they
 * are resolved against the catalog (owned arrays, freed by free_specs). */
typedef struct fleet_specs {
    const gw_node *fleet, *tenant_list; /* fleet: and tenants: */
    gw_fleet_settings fs;
    gw_fleet_site_spec *sites;
    gw_fleet_deployment_spec *deps, *rented;
    gw_fleet_event_spec *events;
    gw_tenant_spec *tenants;
    int ns, nd, nr, ne, nt;
} fleet_specs;

static void free_specs(fleet_specs *s)
{
    free(s->sites), free(s->deps), free(s->rented), free(s->events), free(s->tenants);
}

/* Copy the position of `at` into an error that has none yet. */
static void locate_unplaced(gw_error *err, const gw_node *at)
{
    if (!err->file[0]) {
        snprintf(err->file, sizeof err->file, "%s", at->file);
        err->line = at->line, err->col = at->col;
    }
}

/* A fleet scenario has four top-level keys; anything else is a typo. */
static int check_top_keys(const gw_node *root, gw_error *err)
{
    for (size_t i = 0; i + 1 < root->nkids; i += 2) {
        const char *k = root->kids[i]->text;
        if (strcmp(k, "name") && strcmp(k, "description") && strcmp(k, "fleet") &&
            strcmp(k, "tenants"))
            return located(root->kids[i], err,
                           "unknown key '%.60s' in a fleet scenario; expected name, "
                           "description, fleet or tenants",
                           k);
    }
    return GW_OK;
}

/* fleet: and tenants: through their schemas, then the lists inside; a fleet
 * needs at least one deployment (own or rented) and one tenant. */
static int decode_specs(const gw_node *root, fleet_specs *s, gw_error *err)
{
    int rc;
    const gw_node *fn = s->fleet, *tl = s->tenant_list;
    if (!fn || fn->kind != GW_NODE_MAP)
        return located(fn ? fn : root, err, "%s", "fleet is not a mapping; expected fleet: {...}");
    if ((rc = gw_decode(&gw_schema_fleet_settings, fn, &s->fs, GW_DECODE_SETTINGS, err)) ||
        (rc = gw_decode_check_required(&gw_schema_fleet_settings, &s->fs, fn, err)))
        return rc;
    const gw_fleet_settings *fs = &s->fs;
    if ((rc = decode_list(fs->sites, &gw_schema_fleet_site, "sites", (void **)&s->sites, &s->ns,
                          err)) ||
        (rc = decode_list(fs->deployments, &gw_schema_fleet_deployment, "deployments",
                          (void **)&s->deps, &s->nd, err)) ||
        (rc = decode_list(fs->rented, &gw_schema_fleet_deployment, "rented", (void **)&s->rented,
                          &s->nr, err)) ||
        (rc = decode_list(fs->events, &gw_schema_fleet_event, "events", (void **)&s->events,
                          &s->ne, err)) ||
        (rc = decode_list(tl, &gw_schema_tenant, "tenants", (void **)&s->tenants, &s->nt, err)))
        return rc;
    if (s->nd + s->nr == 0 || s->nt == 0)
        return located(s->nd + s->nr == 0 ? fn : (tl ? tl : root), err, "%s",
                       s->nd + s->nr == 0 ? "the fleet has no deployments; expected deployments: "
                                            "or rented: with at least one replica"
                                          : "no tenants; expected tenants: with at least one");
    return GW_OK;
}

/* The arrays of the fleet config and of the report, sized from the specs. */
static int alloc_report(gw_fleet_report *r, const fleet_specs *s, gw_error *err)
{
    gw_fleet_config *c = &r->cfg;
    int ns = s->ns, ne = s->ne, nt = s->nt, D = s->nd + s->nr;
    c->nsites = ns, c->ndeployments = D, c->nevents = ne, c->ntenants = nt;
    c->sites = calloc((size_t)(ns ? ns : 1), sizeof *c->sites);
    c->deployments = calloc((size_t)D, sizeof *c->deployments);
    c->events = calloc((size_t)(ne ? ne : 1), sizeof *c->events);
    c->tenants = calloc((size_t)nt, sizeof *c->tenants);
    r->models = calloc((size_t)D, sizeof *r->models);
    r->accels = calloc((size_t)D, sizeof *r->accels);
    r->effs = calloc((size_t)D, sizeof *r->effs);
    r->engines = calloc((size_t)D, sizeof *r->engines);
    r->model_ids = calloc((size_t)D, sizeof *r->model_ids);
    r->regions = calloc((size_t)(ns ? ns : 1), sizeof *r->regions);
    r->empirical = calloc((size_t)nt * 2, sizeof *r->empirical);
    r->traces = calloc((size_t)nt, sizeof *r->traces);
    if (!c->sites || !c->deployments || !c->events || !c->tenants || !r->models || !r->accels ||
        !r->effs || !r->engines || !r->model_ids || !r->regions || !r->empirical || !r->traces)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    return GW_OK;
}

/* The fleet-wide settings with their defaults, and the GPU failure rate of
 * the reliability entry named (DEFAULT_RELIABILITY when none is). */
static int resolve_settings(const gw_catalog *cat, const fleet_specs *s, gw_fleet_config *c,
                            gw_error *err)
{
    const gw_fleet_settings *fs = &s->fs;
    c->horizon_s = fs->horizon_s;
    c->tick_s = fs->tick_s > 0 ? fs->tick_s : 1;
    c->seed = gw_field_is_set(&gw_schema_fleet_settings, fs, "seed") ? (uint64_t)fs->seed : 1;
    c->start_weekday = fs->start_weekday;
    c->target_utilisation = fs->target_utilisation > 0 ? fs->target_utilisation : 0.9;
    c->spill_penalty_s = gw_field_is_set(&gw_schema_fleet_settings, fs, "spill_penalty")
                             ? fs->spill_penalty_s : 0.1;
    c->repair_s = fs->repair_s;
    gw_reliability rel;
    const gw_node *rn = gw_node_get(s->fleet, "reliability");
    int rc = gw_catalog_get(cat, &gw_schema_reliability,
                            fs->reliability[0] ? fs->reliability : DEFAULT_RELIABILITY,
                            rn ? rn : s->fleet, &rel, err);
    if (rc == GW_OK)
        c->gpu_failures_per_hour = 3600 / rel.accelerator_mtbi_s;
    return rc;
}

/* Sites keep their order; sites naming the same region share its index. */
static void resolve_sites(const fleet_specs *s, gw_fleet_report *r)
{
    gw_fleet_config *c = &r->cfg;
    for (int i = 0; i < s->ns; i++) {
        const gw_fleet_site_spec *sp = &s->sites[i];
        snprintf(c->sites[i].name, GW_FLEET_NAME, "%s", sp->meta.name);
        snprintf(r->regions[i], GW_TEXT_MAX, "%s", sp->region[0] ? sp->region : sp->meta.name);
        c->sites[i].region = i;
        for (int j = 0; j < i; j++)
            if (strcmp(r->regions[j], r->regions[i]) == 0) {
                c->sites[i].region = c->sites[j].region;
                break;
            }
        c->sites[i].power_cap_w = sp->power_cap_w;
    }
}

/* Where deployment d runs: a rented pool (its price and provisioning delay)
 * or one of the fleet's sites. */
static int place_deployment(const fleet_specs *s, const gw_fleet_deployment_spec *sp,
                            const gw_node *at, int is_rented, gw_fleet_deployment *dep,
                            gw_error *err)
{
    if (is_rented) {
        dep->site = -1;
        dep->rented = strcmp(sp->kind, "on-demand") == 0 ? 2 : 1;
        if (!(sp->price_usd_per_s > 0))
            return located(at, err,
                           "rented pool '%.40s' has no price; expected price: per GPU-hour, "
                           "e.g. 2.4 USD/h",
                           sp->meta.name);
        dep->usd_per_gpu_hour = sp->price_usd_per_s * 3600;
        dep->provision_s = sp->delay_s;
        return GW_OK;
    }
    dep->site = find_name(s->sites, sizeof *s->sites, s->ns, sp->site);
    if (dep->site < 0)
        return located(at, err,
                       "deployment's site '%.40s' is not one of the fleet's sites; "
                       "expected a name from sites:",
                       sp->site);
    return GW_OK;
}

/* Deployment d's model, accelerator and efficiency from the catalog, and
 * its perf engine at the spec's parallelism (each clamped to 1..4096) and
 * precision (FP8 where the accelerator has it, else BF16). */
static int deployment_engine(const gw_catalog *cat, const gw_fleet_deployment_spec *sp,
                             const gw_node *at, gw_fleet_report *r, int d, gw_error *err)
{
    int rc;
    if ((rc = gw_catalog_get(cat, &gw_schema_llm, sp->model, gw_node_get(at, "model"),
                             &r->models[d], err)) ||
        (rc = gw_catalog_get(cat, &gw_schema_accelerator, sp->accelerator,
                             gw_node_get(at, "accelerator"), &r->accels[d], err)))
        return rc;
    if (!r->accels[d].efficiency[0])
        return located(at, err, "accelerator '%.40s' names no efficiency entry; expected an "
                                "accelerator with a measured stack",
                       sp->accelerator);
    if ((rc = gw_catalog_get(cat, &gw_schema_efficiency, r->accels[d].efficiency, at,
                             &r->effs[d], err)))
        return rc;
    gw_precision dflt = r->accels[d].fp8_flops > 0 ? GW_PREC_FP8 : GW_PREC_BF16;
    gw_precision prec = sp->precision[0] ? (gw_precision)gw_precision_parse(sp->precision)
                                         : dflt;
    gw_perf_config pc = {
        .model = &r->models[d],
        .accel = &r->accels[d],
        .eff = &r->effs[d],
        .tp = (int)fmax(1, fmin(sp->tp, 4096)),
        .pp = (int)fmax(1, fmin(sp->pp, 4096)),
        .ep = (int)fmax(1, fmin(sp->ep, 4096)),
        .weights = prec,
        .kv = prec == GW_PREC_BF16 ? GW_PREC_BF16 : GW_PREC_FP8,
    };
    if ((rc = gw_perf_engine_init(&pc, &r->engines[d], err))) {
        snprintf(err->file, sizeof err->file, "%s", at->file);
        err->line = at->line, err->col = at->col;
        return rc;
    }
    gw_fleet_deployment *dep = &r->cfg.deployments[d];
    dep->engine = &r->engines[d];
    dep->gpus_per_replica = pc.tp * pc.pp;
    return GW_OK;
}

/* Deployment d: placement, perf engine, the model index it shares with
 * earlier deployments of the same model, and its power and cost per
 * replica (from its catalog system; a rented pool may have none). */
static int resolve_deployment(const gw_catalog *cat, const fleet_specs *s, gw_fleet_report *r,
                              int d, gw_error *err)
{
    int rc, is_rented = d >= s->nd;
    const gw_fleet_deployment_spec *sp = is_rented ? &s->rented[d - s->nd] : &s->deps[d];
    const gw_node *at = is_rented ? s->fs.rented->kids[d - s->nd] : s->fs.deployments->kids[d];
    gw_fleet_config *c = &r->cfg;
    gw_fleet_deployment *dep = &c->deployments[d];
    snprintf(dep->name, GW_FLEET_NAME, "%s", sp->meta.name);
    if ((rc = place_deployment(s, sp, at, is_rented, dep, err)) ||
        (rc = deployment_engine(cat, sp, at, r, d, err)))
        return rc;
    dep->replicas = sp->replicas;
    snprintf(r->model_ids[d], GW_TEXT_MAX, "%s", sp->model);
    dep->model = d;
    for (int j = 0; j < d; j++)
        if (strcmp(r->model_ids[j], sp->model) == 0) {
            dep->model = c->deployments[j].model;
            break;
        }
    const char *sys = sp->system[0] ? sp->system
                                    : gw_scenario_default_system(cat, sp->accelerator);
    double idle = r->accels[d].tdp_w * r->accels[d].idle_power_fraction,
           busy = r->accels[d].tdp_w, usd_h = 0;
    if (sys && (rc = system_economics(cat, sys, at, &idle, &busy, &usd_h, err)))
        return rc;
    if (!sys && !is_rented)
        return located(at, err, "no catalog system is built from '%.40s'; expected system: "
                                "for its power and cost",
                       sp->accelerator);
    dep->idle_w = idle * dep->gpus_per_replica;
    dep->busy_w = busy * dep->gpus_per_replica;
    if (!is_rented)
        dep->usd_per_gpu_hour = usd_h;
    return GW_OK;
}

/* Power caps and outages, each at one of the fleet's sites. */
static int resolve_events(const fleet_specs *s, gw_fleet_config *c, gw_error *err)
{
    for (int e = 0; e < s->ne; e++) {
        const gw_fleet_event_spec *sp = &s->events[e];
        gw_fleet_event *ev = &c->events[e];
        ev->kind = strcmp(sp->kind, "power-cap") == 0 ? GW_EVENT_POWER_CAP : GW_EVENT_OUTAGE;
        ev->site = find_name(s->sites, sizeof *s->sites, s->ns, sp->site);
        if (ev->site < 0)
            return located(s->fs.events->kids[e], err,
                           "event's site '%.40s' is not one of the fleet's sites; expected a "
                           "name from sites:",
                           sp->site);
        ev->start_s = sp->start_s, ev->duration_s = sp->duration_s;
        ev->fraction = sp->fraction;
    }
    return GW_OK;
}

/* Tenant t's kind, held block, deployment and demand: consumers from weekly
 * users, the others from their rate; a cloud or training block may have no
 * requests of its own. */
static int tenant_demand(const gw_tenant_spec *sp, const gw_node *at, gw_fleet_config *c,
                         gw_fleet_tenant *tn, gw_error *err)
{
    snprintf(tn->name, GW_FLEET_NAME, "%s", sp->meta.name);
    tn->kind = strcmp(sp->kind, "api") == 0        ? GW_TENANT_API
               : strcmp(sp->kind, "batch") == 0    ? GW_TENANT_BATCH
               : strcmp(sp->kind, "cloud") == 0    ? GW_TENANT_CLOUD
               : strcmp(sp->kind, "reserve") == 0  ? GW_TENANT_RESERVE
               : strcmp(sp->kind, "training") == 0 ? GW_TENANT_TRAINING
                                                   : GW_TENANT_CONSUMER;
    tn->replicas = sp->replicas;
    tn->usd_per_gpu_hour = sp->price_usd_per_gpu_s * 3600;
    tn->lend = strcmp(sp->lend, "yes") == 0;
    tn->start_s = sp->start_s;
    tn->duration_s = gw_field_is_set(&gw_schema_tenant, sp, "duration") ? sp->duration_s
                                                                        : INFINITY;
    if (tn->kind >= GW_TENANT_CLOUD && !(tn->replicas > 0))
        return located(at, err, "tenant '%.40s' holds no replicas; expected replicas: for a "
                                "cloud, reserve or training tenant",
                       sp->meta.name);
    tn->deployment = -1;
    for (int d = 0; d < c->ndeployments; d++)
        if (strcmp(c->deployments[d].name, sp->deployment) == 0)
            tn->deployment = d;
    if (tn->deployment < 0)
        return located(at, err,
                       "tenant's deployment '%.40s' is not one of the fleet's deployments; "
                       "expected a name from deployments: or rented:",
                       sp->deployment);
    if (tn->kind == GW_TENANT_CONSUMER)
        tn->rate = sp->weekly_users * sp->requests_per_user_week / WEEK_S;
    else
        tn->rate = sp->rate;
    int held_only = tn->kind == GW_TENANT_CLOUD || tn->kind == GW_TENANT_TRAINING;
    if (!(tn->rate > 0) && !held_only)
        return located(at, err, "tenant '%.40s' has no demand; expected weekly_users and "
                                "requests_per_user_week (consumer) or rate (api, batch)",
                       sp->meta.name);
    return GW_OK;
}

/* Tenant t's daily shape, priority, customers, limits and price. */
static int tenant_terms(const gw_tenant_spec *sp, const gw_node *at, gw_fleet_tenant *tn,
                        gw_error *err)
{
    tn->peak_to_trough = sp->peak_to_trough > 0 ? sp->peak_to_trough : 1;
    tn->peak_hour = sp->peak_hour;
    tn->weekend = sp->weekend > 0 ? sp->weekend : 1;
    tn->growth_per_year = sp->growth_per_year > 0 ? sp->growth_per_year : 1;
    if (sp->priority > 7 || sp->customers > 1e7)
        return located(at, err, "tenant '%.40s': priority above 7 or more than 1e7 customers; "
                                "expected a priority 0-7 and at most 1e7 customers",
                       sp->meta.name);
    tn->priority = (int)sp->priority;
    tn->customers = sp->customers > 0 ? sp->customers : 1;
    tn->customer_skew = gw_field_is_set(&gw_schema_tenant, sp, "customer_skew")
                            ? sp->customer_skew : 1;
    tn->rpm = sp->rpm, tn->tpm = sp->tpm;
    tn->timeout_s = sp->timeout_s;
    tn->usd_per_mtok = sp->price_usd_per_mtok;
    tn->ttft_slo_s = sp->ttft_slo_s;
    return GW_OK;
}

/* Tenant t's request sizes: from a trace file, unused (a fixed 1) when it
 * sends no requests, else its prompt: and output: distributions. */
static int tenant_sizes(const gw_tenant_spec *sp, const gw_node *at, gw_fleet_report *r, int t,
                        gw_error *err)
{
    static const gw_dist unused = {.kind = GW_DIST_FIXED, .a = 1, .integer = 1};
    gw_fleet_tenant *tn = &r->cfg.tenants[t];
    int rc;
    if (sp->trace) {
        char path[1024];
        const gw_node *tr = sp->trace;
        if (tr->kind != GW_NODE_SCALAR)
            return located(tr, err, "%s", "trace is not a file path; expected a CSV path");
        gw_node_path(tr, path, sizeof path);
        gw_workload *w = &r->traces[t];
        if ((rc = gw_workload_load_csv(path, 0, 0, w, err)))
            return rc;
        tn->trace_prompt = w->prompt, tn->trace_output = w->output, tn->trace_n = w->n;
        tn->prompt = tn->output = unused;
        return GW_OK;
    }
    if (!(tn->rate > 0)) {
        tn->prompt = tn->output = unused;
        return GW_OK;
    }
    if ((rc = gw_scenario_parse_dist(sp->prompt, "prompt", &tn->prompt, &r->empirical[2 * t],
                                     err)) ||
        (rc = gw_scenario_parse_dist(sp->output, "output", &tn->output, &r->empirical[2 * t + 1],
                                     err)))
        locate_unplaced(err, at);
    return rc;
}

static int resolve_tenant(const fleet_specs *s, gw_fleet_report *r, int t, gw_error *err)
{
    const gw_tenant_spec *sp = &s->tenants[t];
    const gw_node *at = s->tenant_list->kids[t];
    gw_fleet_tenant *tn = &r->cfg.tenants[t];
    int rc;
    if ((rc = tenant_demand(sp, at, &r->cfg, tn, err)) || (rc = tenant_terms(sp, at, tn, err)))
        return rc;
    return tenant_sizes(sp, at, r, t, err);
}

/* Every part of the config from the specs, in the order the scenario is
 * written: settings, sites, deployments, events, tenants. */
static int resolve_config(const gw_catalog *cat, const fleet_specs *s, gw_fleet_report *r,
                          gw_error *err)
{
    int rc = resolve_settings(cat, s, &r->cfg, err);
    if (rc)
        return rc;
    resolve_sites(s, r);
    for (int d = 0; d < s->nd + s->nr; d++)
        if ((rc = resolve_deployment(cat, s, r, d, err)))
            return rc;
    if ((rc = resolve_events(s, &r->cfg, err)))
        return rc;
    for (int t = 0; t < s->nt; t++)
        if ((rc = resolve_tenant(s, r, t, err)))
            return rc;
    return GW_OK;
}

int gw_fleet_cmd_run(const gw_catalog *cat, const gw_node *root, gw_fleet_report *r,
                     gw_progress_fn progress, void *progress_user, gw_error *err)
{
    memset(r, 0, sizeof *r);
    fleet_specs s;
    memset(&s, 0, sizeof s);
    s.fleet = gw_node_get(root, "fleet"), s.tenant_list = gw_node_get(root, "tenants");
    const gw_node *fn = s.fleet, *nm = gw_node_get(root, "name");
    if (nm && nm->kind == GW_NODE_SCALAR)
        snprintf(r->name, sizeof r->name, "%s", nm->text);
    int rc = check_top_keys(root, err);
    if (rc)
        return rc;
    if ((rc = decode_specs(root, &s, err)) || (rc = alloc_report(r, &s, err)) ||
        (rc = resolve_config(cat, &s, r, err)))
        goto out;
    gw_fleet_config *c = &r->cfg;
    r->memory_estimate_b = gw_fleet_memory_estimate(c);
    if (r->memory_estimate_b > MEMORY_LIMIT_GIB * GIB) {
        rc = gw_error_set(err, GW_E_INPUT, fn->file, fn->line, fn->col,
                          "this fleet would need about %.1f GiB of memory; expected at most "
                          "%d GiB (fewer API customers or tenants)",
                          r->memory_estimate_b / GIB, MEMORY_LIMIT_GIB);
        goto out;
    }
    c->progress = progress, c->progress_user = progress_user;
    if ((rc = gw_fleet_calibrate(c, err)) || (rc = gw_fleet_run(c, &r->result, err))) {
        if (rc != GW_E_STOPPED)
            locate_unplaced(err, fn);
        goto out;
    }
    /* the run polls once a simulated minute, so its last report misses the
     * requests after it: the closing count is the JSON's "requests" (every
     * request offered). Done: a stop asked for now changes nothing. */
    if (progress)
        (void)progress(progress_user, 1, 1, r->result.requests);
out:
    free_specs(&s);
    if (rc)
        gw_fleet_report_free(r);
    return rc;
}

void gw_fleet_report_free(gw_fleet_report *r)
{
    gw_fleet_result_free(&r->result);
    if (r->empirical)
        for (int i = 0; i < 2 * r->cfg.ntenants; i++)
            free(r->empirical[i]);
    free(r->empirical);
    for (int i = 0; r->traces && i < r->cfg.ntenants; i++)
        gw_workload_free(&r->traces[i]);
    free(r->traces);
    free(r->cfg.sites), free(r->cfg.deployments), free(r->cfg.events), free(r->cfg.tenants);
    free(r->models), free(r->accels), free(r->effs), free(r->engines), free(r->model_ids);
    free(r->regions);
    memset(r, 0, sizeof *r);
}
