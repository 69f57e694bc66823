/* src/scenario/timeline_cmd.c — the scenario's `timeline:` section resolved
 * into a gw_timeline_input (scenario layer, above the models).
 *
 * The plan sections (system, site, finance, target ...) go through the
 * usual scenario resolution and the plan and rack models; from their
 * results come the per-accelerator and per-W figures the quarterly model
 * needs (capex, power, opex). When the scenario names a model, the perf
 * model gives the tokens/s one accelerator serves. The timeline's own keys
 * come from the table in src/plan/timeline_int.h, so the keys, units and
 * ranges here and the names the risk engine uses are the same. A fleet
 * run's result (`demand.fleet_result`) may give the tokens/s and the
 * peak-to-mean load instead (docs/timeline.md §1.3).
 * docs/timeline.md documents the section. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "gigawatt/dist.h"
#include "gigawatt/file.h"
#include "gigawatt/perf_cmd.h"
#include "gigawatt/scenario.h"
#include "gigawatt/supply_cmd.h"
#include "gigawatt/timeline.h"
#include "plan/timeline_int.h"

/* Stage names a pipeline may use: a typo is an error, not a new stage. */
static const char *const stage_names[] = {"permitting",   "land",     "construction",
                                          "transformer",  "switchgear", "turbine",
                                          "interconnect", "commissioning"};
#define NSTAGE_NAMES (sizeof stage_names / sizeof stage_names[0])

/* Keys of a level that are not numbers in the table. */
static const char *const special_top[] = {"start", "horizon", "demand", "supply", "money"};
static const char *const special_demand[] = {"training_precision", "fleet_result"};
static const char *const special_money[] = {"shortfall"};

typedef struct ctx {
    gw_timeline_input *in;
    gw_timeline_params *params;
    gw_error *err;
} ctx;

static int fail(gw_error *err, const gw_node *at, const char *fmt, const char *a, const char *b)
{
    return gw_error_set(err, GW_E_INPUT, at->file, at->line, at->col, fmt, a, b);
}

static void add_param(ctx *c, const char *name, const gw_field *f, size_t offset, double v,
                      const gw_node *node, int is_dist)
{
    gw_timeline_params *ps = c->params;
    if (!ps || ps->n >= GW_TIMELINE_MAX_PARAMS)
        return;
    gw_timeline_param *p = &ps->p[ps->n++];
    snprintf(p->name, sizeof p->name, "timeline.%s", name);
    p->offset = offset;
    p->dim = f->dim;
    p->flags = f->flags & GW_F_RANGE;
    p->value = v;
    p->node = node;
    p->is_dist = is_dist;
}

/* One number: a quantity, a date, a boolean or a distribution's centre,
 * as the field's flags allow (the config layer's decoder). Messages name
 * it as the risk engine does: timeline.<name>. */
static int read_value(ctx *c, const gw_field *f, const gw_node *n, const char *name, double *v,
                      int *is_dist)
{
    char full[GW_TIMELINE_PARAM_NAME + 16];
    snprintf(full, sizeof full, "timeline.%s", name);
    gw_decode_ctx dc = {.start_year = c->in->start_year,
                        .start_quarter = c->in->start_q,
                        .start_name = "the timeline's start",
                        .dist_centre = gw_dist_centre};
    return gw_decode_number(f, n, full, &dc, v, is_dist, c->err);
}

static const gw_field *top_field(const char *path)
{
    for (size_t i = 0; i < gw_tl_ntop; i++)
        if (!strcmp(gw_tl_top[i].key, path))
            return &gw_tl_top[i];
    return NULL;
}

static const gw_tl_list *list_of(const char *path)
{
    for (size_t i = 0; i < gw_tl_nlists; i++)
        if (!strcmp(gw_tl_lists[i].path, path))
            return &gw_tl_lists[i];
    return NULL;
}

/* The keys allowed in the map at `prefix` ("" = timeline: itself). */
static size_t keys_at(const char *prefix, const char **out, size_t max)
{
    size_t n = 0, lp = strlen(prefix);
    for (size_t i = 0; i < gw_tl_ntop && n < max; i++) {
        const char *k = gw_tl_top[i].key;
        if (!strncmp(k, "derived.", 8))
            continue;
        if (lp == 0 ? !strchr(k, '.') : (!strncmp(k, prefix, lp) && k[lp] == '.' &&
                                          !strchr(k + lp + 1, '.')))
            out[n++] = lp ? k + lp + 1 : k;
    }
    for (size_t i = 0; i < gw_tl_nlists && n < max; i++)
        if (!strncmp(gw_tl_lists[i].path, prefix, lp) && gw_tl_lists[i].path[lp] == '.')
            out[n++] = gw_tl_lists[i].path + lp + 1;
    const char *const *sp = NULL;
    size_t ns = 0;
    if (lp == 0)
        sp = special_top, ns = sizeof special_top / sizeof *special_top;
    else if (!strcmp(prefix, "demand"))
        sp = special_demand, ns = sizeof special_demand / sizeof *special_demand;
    else if (!strcmp(prefix, "money"))
        sp = special_money, ns = sizeof special_money / sizeof *special_money;
    for (size_t i = 0; i < ns && n < max; i++)
        out[n++] = sp[i];
    return n;
}

static int unknown(ctx *c, const gw_node *k, const char *prefix)
{
    const char *cands[64];
    size_t n = keys_at(prefix, cands, 64);
    char where[64], list[600] = "";
    snprintf(where, sizeof where, "timeline%s%s", prefix[0] ? "." : "", prefix);
    const char *sug = gw_suggest(k->text, cands, n);
    if (sug)
        return gw_error_set(c->err, GW_E_INPUT, k->file, k->line, k->col,
                            "unknown key '%.60s' in %s; did you mean '%s'?", k->text, where, sug);
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(list);
        snprintf(list + l, sizeof list - l, "%s%s", i ? ", " : "", cands[i]);
    }
    return gw_error_set(c->err, GW_E_INPUT, k->file, k->line, k->col,
                        "unknown key '%.60s' in %s; expected one of %s", k->text, where, list);
}

/* A list of named items (products, training runs, stages, committed projects). */
static int read_list(ctx *c, const gw_tl_list *L, const gw_node *seq)
{
    char *base = (char *)c->in;
    if (seq->kind != GW_NODE_SEQ)
        return fail(c->err, seq, "timeline.%s is %s; expected a list of mappings with name:",
                    L->path, gw_node_kind_name(seq));
    if ((int)seq->nkids > L->max) {
        char max[16];
        snprintf(max, sizeof max, "%d", L->max);
        return fail(c->err, seq->kids[L->max], "timeline.%s has too many items; expected at "
                    "most %s",
                    L->path, max);
    }
    *(int *)(base + L->count_offset) = (int)seq->nkids;
    for (size_t i = 0; i < seq->nkids; i++) {
        const gw_node *m = seq->kids[i];
        char *item = base + L->items_offset + i * L->item_size;
        if (m->kind != GW_NODE_MAP)
            return fail(c->err, m, "an item of timeline.%s is %s; expected a mapping with name:",
                        L->path, gw_node_kind_name(m));
        const gw_node *nm = gw_node_get(m, "name");
        if (!nm || nm->kind != GW_NODE_SCALAR || !nm->text[0])
            return fail(c->err, nm ? nm : m, "an item of timeline.%s has no name; expected "
                        "name: (it names the item's inputs, e.g. for risk)%s",
                        L->path, "");
        if (strlen(nm->text) >= GW_TIMELINE_NAME || strchr(nm->text, '.'))
            return fail(c->err, nm, "name '%.60s' in timeline.%s is too long or has a dot; "
                        "expected a short word",
                        nm->text, L->path);
        if (!strcmp(L->path, "supply.stages")) {
            size_t j;
            for (j = 0; j < NSTAGE_NAMES; j++)
                if (!strcmp(nm->text, stage_names[j]))
                    break;
            if (j == NSTAGE_NAMES) {
                const char *sug = gw_suggest(nm->text, stage_names, NSTAGE_NAMES);
                return gw_error_set(c->err, GW_E_INPUT, nm->file, nm->line, nm->col,
                                    "unknown stage '%.60s'%s%s%s; expected one of permitting, "
                                    "land, construction, transformer, switchgear, turbine, "
                                    "interconnect, commissioning",
                                    nm->text, sug ? " (did you mean '" : "", sug ? sug : "",
                                    sug ? "'?)" : "");
            }
        }
        for (size_t j = 0; j < i; j++)
            if (!strcmp(base + L->items_offset + j * L->item_size + L->name_offset, nm->text))
                return fail(c->err, nm, "name '%.60s' appears twice in timeline.%s; expected "
                            "each item once",
                            nm->text, L->path);
        snprintf(item + L->name_offset, GW_TIMELINE_NAME, "%s", nm->text);
        /* every field: given, defaulted or missing */
        for (size_t f = 0; f < L->nfields; f++) {
            const gw_field *fd = &L->fields[f];
            char name[GW_TIMELINE_PARAM_NAME];
            snprintf(name, sizeof name, "%s.%s.%s", L->path, nm->text, fd->key);
            const gw_node *v = gw_node_get(m, fd->key);
            double x = fd->dflt;
            int dist = 0, rc;
            if (v && (rc = read_value(c, fd, v, name, &x, &dist)))
                return rc;
            if (!v && (fd->flags & GW_F_REQUIRED)) {
                char item_path[80];
                snprintf(item_path, sizeof item_path, "%s.%s", L->path, nm->text);
                return fail(c->err, m, "timeline.%s has no %s; expected one (docs/timeline.md)",
                            item_path, fd->key);
            }
            *(double *)(item + fd->offset) = x;
            add_param(c, name, fd, (size_t)(item + fd->offset - base), x, v, dist);
        }
        for (size_t k = 0; k + 1 < m->nkids; k += 2) {
            const gw_node *key = m->kids[k];
            int known = !strcmp(key->text, "name");
            for (size_t f = 0; f < L->nfields && !known; f++)
                known = !strcmp(key->text, L->fields[f].key);
            if (!known) {
                const char *cands[16];
                size_t nc = 0;
                for (size_t f = 0; f < L->nfields; f++)
                    cands[nc++] = L->fields[f].key;
                cands[nc++] = "name";
                const char *sug = gw_suggest(key->text, cands, nc);
                char path[80];
                snprintf(path, sizeof path, "timeline.%s", L->path);
                return gw_error_set(c->err, GW_E_INPUT, key->file, key->line, key->col,
                                    "unknown key '%.60s' in an item of %s; %s%s%s", key->text,
                                    path, sug ? "did you mean '" : "expected name or a field of "
                                                                   "docs/timeline.md",
                                    sug ? sug : "", sug ? "'?" : "");
            }
        }
    }
    return GW_OK;
}

/* Walk a map of the section: numbers into `in`, lists, sub-maps. Numbers
 * found are marked in seen[] (index into gw_tl_top). */
static int read_map(ctx *c, const gw_node *map, const char *prefix, const gw_node **seen)
{
    if (map->kind != GW_NODE_MAP)
        return fail(c->err, map, "timeline%s%s is not a mapping; expected keys (docs/timeline.md)",
                    prefix[0] ? "." : "", prefix);
    for (size_t i = 0; i + 1 < map->nkids; i += 2) {
        const gw_node *k = map->kids[i], *v = map->kids[i + 1];
        char path[96];
        snprintf(path, sizeof path, "%s%s%s", prefix, prefix[0] ? "." : "", k->text);
        const gw_field *f = top_field(path);
        const gw_tl_list *L = list_of(path);
        int rc;
        if (f && strncmp(path, "derived.", 8)) {
            seen[f - gw_tl_top] = v;
        } else if (L) {
            if ((rc = read_list(c, L, v)))
                return rc;
        } else if (!prefix[0] && (!strcmp(path, "demand") || !strcmp(path, "supply") ||
                                  !strcmp(path, "money"))) {
            if ((rc = read_map(c, v, path, seen)))
                return rc;
        } else if (!strcmp(path, "start") || !strcmp(path, "horizon") ||
                   !strcmp(path, "money.shortfall") || !strcmp(path, "demand.training_precision") ||
                   !strcmp(path, "demand.fleet_result")) {
            continue; /* read by the caller */
        } else {
            return unknown(c, k, prefix);
        }
    }
    return GW_OK;
}

static const gw_node *get_path(const gw_node *tl, const char *a, const char *b)
{
    const gw_node *m = gw_node_get(tl, a);
    return m && m->kind == GW_NODE_MAP ? gw_node_get(m, b) : NULL;
}

int gw_timeline_present(const gw_node *root)
{
    return root && root->kind == GW_NODE_MAP && gw_node_get(root, "timeline") != NULL;
}

const gw_timeline_param *gw_timeline_param_find(const gw_timeline_params *ps, const char *name)
{
    for (int i = 0; ps && i < ps->n; i++)
        if (!strcmp(ps->p[i].name, name))
            return &ps->p[i];
    return NULL;
}

double *gw_timeline_param_ptr(gw_timeline_input *in, const gw_timeline_param *p)
{
    return (double *)((char *)in + p->offset);
}

/* start: and horizon: */
static int read_time(ctx *c, const gw_node *tl)
{
    const gw_node *s = gw_node_get(tl, "start"), *h = gw_node_get(tl, "horizon");
    if (!s)
        return fail(c->err, tl, "timeline has no start; expected e.g. start: 2026-Q1%s%s", "", "");
    if (s->kind != GW_NODE_SCALAR ||
        !gw_decode_year_quarter(s->text, &c->in->start_year, &c->in->start_q))
        return fail(c->err, s, "timeline start is '%.40s'; expected a quarter like 2026-Q1%s",
                    s->kind == GW_NODE_SCALAR ? s->text : gw_node_kind_name(s), "");
    if (!h)
        return fail(c->err, tl, "timeline has no horizon; expected e.g. horizon: 8 years%s%s", "",
                    "");
    double sec;
    int rc = gw_decode_quantity(h, "horizon", GW_DIM_TIME, GW_F_POSITIVE, &sec, c->err);
    if (rc)
        return rc;
    double quarters = sec / GW_QUARTER_S;
    if (fabs(quarters - nearbyint(quarters)) > 1e-6 || nearbyint(quarters) < 1)
        return fail(c->err, h, "horizon '%.40s' is not a whole number of quarters; expected e.g. "
                    "8 years or 30 months%s",
                    h->text, "");
    if (quarters > GW_TIMELINE_MAX_QUARTERS + 1e-6) {
        char max[32];
        snprintf(max, sizeof max, "%d years", GW_TIMELINE_MAX_QUARTERS / 4);
        return fail(c->err, h, "horizon '%.40s' is too long; expected at most %s", h->text, max);
    }
    c->in->quarters = (int)nearbyint(quarters);
    return GW_OK;
}

/* ---- a fleet run's measured service (docs/timeline.md §1.3) ------------------- */

static const cJSON *jget(const cJSON *o, const char *k)
{
    return cJSON_GetObjectItemCaseSensitive(o, k);
}

/* The numbers of a JSON array into v (at most cap); how many, or -1. */
static int jnums(const cJSON *a, double *v, int cap)
{
    if (!cJSON_IsArray(a))
        return -1;
    int n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, a)
    {
        if (!cJSON_IsNumber(x) || n >= cap)
            return -1;
        v[n++] = x->valuedouble;
    }
    return n;
}

/* From `gigawatt sim FLEET.yaml --json -o FILE` (a fleet result): the
 * tokens/s one accelerator served in the fleet's busiest hour (its
 * headroom, queueing and SLO-driven utilisation included) and the busiest
 * hour's offered load over the mean hour's. The fleet must run the plan's
 * accelerator: tokens/s do not carry over between accelerators. */
static int fleet_figures(const gw_node *n, const char *accelerator, double *tps, double *pi,
                         gw_error *err)
{
    enum { MAXH = 24 * 366 };
    if (n->kind != GW_NODE_SCALAR || !n->text[0])
        return fail(err, n, "fleet_result is %s; expected the path of a fleet result (gigawatt "
                    "sim FLEET.yaml --json -o FILE)%s",
                    gw_node_kind_name(n), "");
    /* relative to the directory of the file that named it, like a trace */
    char path[1024];
    gw_node_path(n, path, sizeof path);
    char *text = NULL;
    int r = gw_read_whole_file(path, GW_FILE_MAX_READ_BYTES, &text, NULL);
    if (r)
        return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col,
                            "fleet_result %.200s: %s; expected a fleet result from gigawatt sim "
                            "--json",
                            path, r == -1 ? "cannot be read" : "is larger than 1 GiB");
    cJSON *doc = cJSON_Parse(text);
    free(text);
    double *h = malloc(sizeof(double) * 4 * MAXH);
    const char *why = NULL;
    char detail[160] = "";
    const cJSON *kind = jget(doc, "kind"), *ver = jget(doc, "gigawatt_version");
    const cJSON *hourly = jget(doc, "hourly"), *inputs = jget(doc, "inputs");
    double *offered = h, *served = h + MAXH, *down = h + 2 * MAXH, *rented = h + 3 * MAXH;
    int nh = 0;
    if (!h)
        why = "out of memory";
    else if (!cJSON_IsObject(doc))
        why = "is not a complete JSON object";
    else if (!cJSON_IsString(kind) || strcmp(kind->valuestring, "fleet") != 0)
        snprintf(detail, sizeof detail, "is a %.20s result, not a fleet one",
                 cJSON_IsString(kind) ? kind->valuestring : "kindless");
    else if (!cJSON_IsString(ver) || strcmp(ver->valuestring, GW_VERSION) != 0)
        snprintf(detail, sizeof detail, "was written by gigawatt %.20s, not %s",
                 cJSON_IsString(ver) ? ver->valuestring : "(no version)", GW_VERSION);
    else if ((nh = jnums(jget(hourly, "offered"), offered, MAXH)) < 1 ||
             jnums(jget(hourly, "served"), served, MAXH) != nh ||
             jnums(jget(hourly, "down_gpus"), down, MAXH) != nh ||
             jnums(jget(hourly, "rented_gpus"), rented, MAXH) != nh)
        why = "has no hourly series (offered, served, down_gpus, rented_gpus) of one length";
    double own = 0, tokens = 0, requests = 0, horizon = 0;
    if (!why && !detail[0]) {
        const cJSON *d, *t, *hz = jget(inputs, "horizon_s");
        horizon = cJSON_IsNumber(hz) ? hz->valuedouble : 0;
        cJSON_ArrayForEach(d, jget(inputs, "deployments"))
        {
            const cJSON *k = jget(d, "kind"), *a = jget(d, "accelerator");
            const cJSON *rep = jget(d, "replicas"), *g = jget(d, "gpus_per_replica");
            if (!cJSON_IsString(k) || strcmp(k->valuestring, "own") != 0)
                continue;
            if (!cJSON_IsString(a) || strcmp(a->valuestring, accelerator) != 0) {
                snprintf(detail, sizeof detail,
                         "runs %.40s, not the plan's accelerator %.40s (tokens/s do not carry "
                         "over)",
                         cJSON_IsString(a) ? a->valuestring : "an unnamed accelerator",
                         accelerator);
                break;
            }
            if (cJSON_IsNumber(rep) && cJSON_IsNumber(g))
                own += rep->valuedouble * g->valuedouble;
        }
        cJSON_ArrayForEach(t, jget(doc, "tenants"))
        {
            const cJSON *ts = jget(t, "tokens_served"), *sv = jget(t, "served");
            tokens += cJSON_IsNumber(ts) ? ts->valuedouble : 0;
            requests += cJSON_IsNumber(sv) ? sv->valuedouble : 0;
        }
    }
    if (!why && !detail[0]) {
        /* whole hours only: a last partial hour would understate the mean */
        int full = horizon > 0 ? (int)floor(horizon / 3600 + 1e-9) : nh;
        if (full > nh)
            full = nh;
        int peak = 0;
        double sum = 0;
        for (int i = 0; i < full; i++) {
            sum += offered[i];
            if (served[i] > served[peak])
                peak = i;
        }
        double gpus = own - down[peak] + rented[peak];
        if (!(own > 0))
            why = "has no own deployment with accelerators";
        else if (full < 1)
            why = "covers less than one whole hour";
        else if (!(tokens > 0 && requests > 0 && served[peak] > 0 && gpus > 0 && sum > 0))
            why = "served no inference tokens";
        else {
            double peak_offered = 0;
            for (int i = 0; i < full; i++)
                peak_offered = fmax(peak_offered, offered[i]);
            *tps = served[peak] * (tokens / requests) / 3600 / gpus;
            *pi = peak_offered / (sum / full);
        }
    }
    cJSON_Delete(doc);
    free(h);
    if (why || detail[0])
        return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col,
                            "fleet_result %.200s %s; expected a fleet result of this gigawatt "
                            "version (gigawatt sim FLEET.yaml --json) on the plan's accelerator",
                            path, why ? why : detail);
    return GW_OK;
}

/* The figures the plan, rack and perf models give per accelerator and per W. */
static int derive(const gw_catalog *cat, const gw_node *root, const gw_node *tl, int want_tps,
                  double *derived, gw_error *err)
{
    const gw_node *fleet = get_path(tl, "demand", "fleet_result");
    int with_model = gw_node_get(root, "model") != NULL && want_tps && !fleet;
    gw_scenario *sc = malloc(sizeof *sc);
    gw_perf_report *pr = NULL;
    gw_plan_result *plan = malloc(sizeof *plan);
    int rc = GW_OK;
    if (!sc || !plan) {
        rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    if ((rc = gw_scenario_resolve(cat, root, GW_NEED_PLAN | (with_model ? GW_NEED_PERF : 0), sc,
                                  err)))
        goto done;
    if (!sc->has_target && !get_path(tl, "supply", "target")) {
        rc = gw_error_set(err, GW_E_INPUT, tl->file, tl->line, tl->col,
                          "the timeline builds the plan's target, and the scenario has none; "
                          "expected target: (e.g. grid_power: 30 GW) or timeline.supply.target");
        goto done;
    }
    gw_plan_input pi;
    gw_scenario_plan_input(sc, &pi);
    if (!sc->has_target) { /* size one rack's worth: only the ratios are used */
        pi.target = GW_TARGET_ACCELERATORS;
        pi.target_value = sc->system.accelerators * sc->system.systems_per_rack;
    }
    /* the plan model's errors are about the target, at its value node */
    if ((rc = gw_scenario_place_error(gw_plan_size(&pi, plan, err), sc->target_node, err)))
        goto done;
    double a = plan->accelerators, year = GW_SECONDS_PER_YEAR;
    gw_rack_input ri;
    gw_scenario_rack_input(sc, &ri);
    ri.load = 0;
    gw_rack_result idle;
    if ((rc = gw_rack_budget(&ri, &idle, err)))
        goto done;
    derived[0] = sc->has_target ? plan->grid_power_w : 0;                     /* target */
    derived[1] = a / plan->grid_power_w;                                       /* per W */
    derived[2] = (plan->capex.systems + plan->capex.networking) / a;
    derived[3] = (plan->capex.facility + plan->capex.power) / plan->grid_power_w;
    derived[4] = (plan->opex.it_maintenance + plan->opex.facility_maintenance + plan->opex.staff) /
                 a / year;
    derived[5] = plan->avg_grid_power_w / a;
    derived[6] = idle.grid_power_w / idle.accelerators;
    derived[7] = sc->electricity.price_usd_per_j;
    derived[8] = sc->household.consumption_w;
    derived[9] = (plan->annualized_capex_usd + plan->opex.it_maintenance +
                  plan->opex.facility_maintenance + plan->opex.staff) / a / year;
    derived[10] = sc->finance.it_life_s;
    derived[11] = sc->finance.facility_life_s;
    /* training precision: bf16 unless the section says otherwise */
    const gw_node *tp = get_path(tl, "demand", "training_precision");
    int prec = GW_PREC_BF16;
    if (tp && (tp->kind != GW_NODE_SCALAR || (prec = gw_precision_parse(tp->text)) < 0)) {
        rc = gw_error_set(err, GW_E_INPUT, tp->file, tp->line, tp->col,
                          "training_precision is '%.40s'; expected bf16, fp8 or fp4",
                          tp->kind == GW_NODE_SCALAR ? tp->text : gw_node_kind_name(tp));
        goto done;
    }
    derived[12] = gw_precision_peak(&sc->accelerator, (gw_precision)prec);
    derived[13] = 0, derived[14] = 0;
    if (fleet && (rc = fleet_figures(fleet, sc->accelerator.meta.id, &derived[13], &derived[14],
                                     err)))
        goto done;
    if (with_model) {
        if (!(pr = malloc(sizeof *pr))) {
            rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
        if ((rc = gw_perf_run(sc, pr, err)))
            goto done;
        if (!pr->headline) {
            const gw_node *at = sc->perf_node ? sc->perf_node : root;
            rc = gw_error_set(err, GW_E_INPUT, at->file, at->line, at->col,
                              "the perf model finds the latency targets infeasible, so it gives "
                              "no tokens/s per accelerator; expected feasible targets or "
                              "timeline.demand.tokens_per_s_per_accelerator");
            goto done;
        }
        /* the perf model counts output tokens (prompt processing is in the
         * time); demand counts input + output, so scale by their ratio */
        derived[13] = pr->tokens_per_s_per_gpu * (pr->request.input_tokens +
                                                  pr->request.output_tokens) /
                      pr->request.output_tokens;
    }
done:
    free(pr);
    free(plan);
    free(sc);
    return rc;
}

/* The scenario's supply_chain: over the timeline's quarters; with the
 * allocation not typed in, the lab must get some of it. */
static int resolve_chain(const gw_catalog *cat, const gw_node *root, gw_timeline_input *in,
                         gw_timeline_params *params, gw_error *err)
{
    in->chain.start_year = in->start_year;
    in->chain.start_q = in->start_q;
    in->chain.quarters = in->quarters;
    int rc = gw_supply_resolve(cat, root, &in->chain, params, in, err);
    if (rc || !in->chain_drives)
        return rc;
    double lab = 0;
    for (int p = 0; p < in->chain.nproducts; p++)
        lab += in->chain.p[p].lab_share;
    if (!(lab > 0)) {
        const gw_node *s = gw_node_get(root, "supply_chain");
        return fail(err, s, "the timeline takes its accelerators from the supply chain, and "
                    "the lab's share of every product is 0; expected supply_chain.lab_share "
                    "(or a product's lab_share) or timeline.supply.accelerators_per_quarter%s%s",
                    "", "");
    }
    return GW_OK;
}

int gw_timeline_resolve(const gw_catalog *cat, const gw_node *root, gw_timeline_input *in,
                        gw_timeline_params *params, gw_error *err)
{
    memset(in, 0, sizeof *in);
    if (params)
        params->n = 0;
    const gw_node *tl = gw_node_get(root, "timeline");
    if (!tl)
        return gw_error_set(err, GW_E_INPUT, root->file, root->line, root->col,
                            "the scenario has no timeline: section; expected one "
                            "(docs/timeline.md)");
    ctx c = {in, params, err};
    int rc;
    if (tl->kind != GW_NODE_MAP)
        return fail(err, tl, "timeline is %s; expected a mapping (docs/timeline.md)%s",
                    gw_node_kind_name(tl), "");
    if ((rc = read_time(&c, tl)))
        return rc;
    const gw_node *seen[64] = {0};
    if ((rc = read_map(&c, tl, "", seen)))
        return rc;
    const gw_node *sf = get_path(tl, "money", "shortfall");
    if (sf) {
        if (sf->kind == GW_NODE_SCALAR && !strcmp(sf->text, "rent"))
            in->shortfall = GW_SHORTFALL_RENT;
        else if (sf->kind == GW_NODE_SCALAR && !strcmp(sf->text, "throttle"))
            in->shortfall = GW_SHORTFALL_THROTTLE;
        else
            return fail(err, sf, "shortfall is '%.40s'; expected rent or throttle%s",
                        sf->kind == GW_NODE_SCALAR ? sf->text : gw_node_kind_name(sf), "");
    }

    /* the plan/perf figures; tokens/s only when inference needs it and it is not given */
    const gw_node *tps_node = get_path(tl, "demand", "tokens_per_s_per_accelerator");
    double d[15] = {0};
    if ((rc = derive(cat, root, tl, in->nproducts > 0 && !tps_node, d, err)))
        return rc;
    if (in->nproducts > 0 && !tps_node && !(d[13] > 0))
        return fail(err, tl, "the timeline's products need tokens/s per accelerator; expected "
                    "a model: and perf: section (the perf model gives it) or "
                    "timeline.demand.tokens_per_s_per_accelerator%s%s",
                    "", "");

    /* pipeline lead for the default order window: the sum of the groups' longest stages */
    double lead = 0, group = 0;
    for (int s = 0; s < in->nstages; s++) {
        if (!in->stages[s].parallel) {
            lead += group;
            group = 0;
        }
        group = fmax(group, in->stages[s].duration_s);
    }
    lead += group;
    double horizon_s = in->quarters * GW_QUARTER_S;
    double orders_until = fmax(horizon_s - lead, GW_QUARTER_S);

    for (size_t i = 0; i < gw_tl_ntop; i++) {
        const gw_field *f = &gw_tl_top[i];
        double *dst = (double *)((char *)in + f->offset);
        double v = f->dflt;
        /* a fleet result measures the busy hour's load (unless given here) */
        if (f->offset == offsetof(gw_timeline_input, peak_to_average) && d[14] > 0)
            v = d[14];
        int dist = 0;
        if ((f->flags & GW_F_DERIVED)) {
            static const struct {
                size_t offset;
                int index;
            } from[] = {
                {offsetof(gw_timeline_input, target_power_w), 0},
                {offsetof(gw_timeline_input, accelerators_per_w), 1},
                {offsetof(gw_timeline_input, capex_per_accelerator), 2},
                {offsetof(gw_timeline_input, capex_per_w), 3},
                {offsetof(gw_timeline_input, opex_per_accelerator_s), 4},
                {offsetof(gw_timeline_input, busy_w_per_accelerator), 5},
                {offsetof(gw_timeline_input, idle_w_per_accelerator), 6},
                {offsetof(gw_timeline_input, electricity_usd_per_j), 7},
                {offsetof(gw_timeline_input, household_w), 8},
                {offsetof(gw_timeline_input, owned_usd_per_accelerator_s), 9},
                {offsetof(gw_timeline_input, accelerator_life_s), 10},
                {offsetof(gw_timeline_input, depreciation_s), 10},
                {offsetof(gw_timeline_input, facility_depreciation_s), 11},
                {offsetof(gw_timeline_input, training_flops_per_accelerator), 12},
                {offsetof(gw_timeline_input, tokens_per_s_per_accelerator), 13},
            };
            v = f->offset == offsetof(gw_timeline_input, orders_until_s) ? orders_until : 0;
            for (size_t j = 0; j < sizeof from / sizeof from[0]; j++)
                if (from[j].offset == f->offset)
                    v = d[from[j].index];
        }
        if (seen[i] && (rc = read_value(&c, f, seen[i], f->key, &v, &dist)))
            return rc;
        /* with a supply chain, the allocation is the chain's (docs/supply.md §4) */
        int from_chain = f->offset == offsetof(gw_timeline_input, accelerators_per_quarter) &&
                         gw_supply_present(root);
        if (from_chain)
            in->chain_drives = !seen[i];
        if (!seen[i] && (f->flags & GW_F_REQUIRED) && !from_chain) {
            /* at the map it belongs in (supply:), else at timeline: */
            char parent[32];
            const char *dot = strchr(f->key, '.');
            snprintf(parent, sizeof parent, "%.*s", dot ? (int)(dot - f->key) : 0, f->key);
            const gw_node *at = dot ? gw_node_get(tl, parent) : NULL;
            return fail(err, at ? at : tl, "timeline has no %s; expected it (%s)", f->key,
                        f->help);
        }
        /* no inference: tokens/s is unused, keep it valid (and list the
         * value the model runs with) */
        if (f->offset == offsetof(gw_timeline_input, tokens_per_s_per_accelerator) &&
            in->nproducts == 0 && !(v > 0))
            v = 1;
        *dst = v;
        add_param(&c, f->key, f, f->offset, v, seen[i], dist);
    }

    if (gw_supply_present(root) && (rc = resolve_chain(cat, root, in, params, err)))
        return rc;

    /* the model's own checks (cross-field ones), placed at the input they name */
    gw_timeline_result *probe = malloc(sizeof *probe);
    if (!probe)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    rc = gw_timeline_run(in, probe, err);
    free(probe);
    /* at the input the model names (err->field, below timeline:), else at timeline: */
    return gw_scenario_place_error(rc, tl, err);
}
