/* src/scenario/scenario.c — resolving a scenario tree against the catalog
 * (scenario layer). See include/gigawatt/scenario.h for the rules. */
#include "gigawatt/scenario.h"
#include "gigawatt/perf_cmd.h"
#include "gigawatt/rack.h"

#include <stdio.h>
#include <string.h>

static const char *const top_keys[] = {
    "name",        "description", "system",    "accelerator", "cooling",  "power_chain",
    "site",        "electricity", "finance",   "households",  "operation", "target",
    "model",       "efficiency",  "perf",      "training",    "sim",
    "timeline",    "risk", /* read by gigawatt plan (docs/timeline.md) and gigawatt risk */
    "search",      /* read by gigawatt search (docs/search.md) */
    "supply_chain", /* read by gigawatt plan and risk (docs/supply.md) */
    "explore",     /* read by gigawatt explore (docs/explore.md) */
    "power",       /* read by gigawatt power (docs/power.md) */
};
#define NTOP (sizeof top_keys / sizeof top_keys[0])

static size_t count_kind(const gw_catalog *cat, const gw_schema *s)
{
    size_t n = 0;
    for (size_t i = 0; i < cat->n; i++)
        n += cat->entries[i].schema == s;
    return n;
}

/* Where an error about a default the site names (its cooling, its
 * electricity) belongs: at that key of the scenario's site: when given
 * there (the id is the user's), else at the site: section, else the top. */
static const gw_node *site_default_at(const gw_node *siten, const gw_node *root, const char *key)
{
    const gw_node *given = siten ? gw_node_get(siten, key) : NULL;
    return given ? given : siten ? siten : root;
}

/* Resolve one section into `obj`: node may be NULL (use default_id), a
 * scalar id, or a map with optional `ref` and overrides. `where` locates
 * errors about the default. */
static int resolve_entry(const gw_catalog *cat, const gw_schema *s, const gw_node *node,
                         const char *default_id, const gw_node *where, void *obj,
                         gw_error *err)
{
    int rc;
    const gw_node *ref = NULL;
    if (node && node->kind == GW_NODE_SCALAR)
        ref = node;
    else if (node && node->kind == GW_NODE_MAP) {
        /* base: is ref: under the catalog's name for a copy (docs/catalog.md,
         * "Hypothetical entries"); one of them */
        ref = gw_node_get(node, "ref");
        const gw_node *base = gw_node_get(node, "base");
        if (ref && base)
            return gw_error_set(err, GW_E_INPUT, base->file, base->line, base->col,
                                "%s gives both ref and base; expected one (they are the same: "
                                "the entry to copy)",
                                s->singular);
        if (!ref)
            ref = base;
    } else if (node)
        return gw_error_set(err, GW_E_INPUT, node->file, node->line, node->col,
                            "%s is %s; expected a catalog id or a mapping with ref: and "
                            "overrides",
                            s->singular, gw_node_kind_name(node));
    if (ref) {
        if (ref->kind != GW_NODE_SCALAR || !ref->text[0])
            return gw_error_set(err, GW_E_INPUT, ref->file, ref->line, ref->col,
                                "%s ref is %s; expected a catalog id", s->singular,
                                ref->kind == GW_NODE_SCALAR ? "empty" : gw_node_kind_name(ref));
        if ((rc = gw_catalog_get(cat, s, ref->text, ref, obj, err)))
            return rc;
    } else if (default_id && default_id[0]) {
        if ((rc = gw_catalog_get(cat, s, default_id, node ? node : where, obj, err)))
            return rc;
    } else if (!node || count_kind(cat, s) == 1) {
        /* the only entry of its kind, if there is exactly one */
        const gw_catalog_entry *only = NULL;
        size_t count = 0;
        for (size_t i = 0; i < cat->n; i++)
            if (cat->entries[i].schema == s) {
                only = &cat->entries[i];
                count++;
            }
        if (count != 1)
            return gw_error_set(err, GW_E_INPUT, where ? where->file : NULL,
                                where ? where->line : 0, where ? where->col : 0,
                                "no %s given; expected a '%s:' section naming one of %zu "
                                "catalog entries",
                                s->singular, s->kind, count);
        if ((rc = gw_catalog_get(cat, s, only->id, where, obj, err)))
            return rc;
    } else {
        memset(obj, 0, s->size);
        snprintf(((gw_entry_meta *)obj)->id, GW_TEXT_MAX, "custom");
    }
    if (node && node->kind == GW_NODE_MAP &&
        (rc = gw_decode(s, node, obj, GW_DECODE_SCENARIO, err)))
        return rc;
    return gw_decode_check_required(s, obj, node ? node : where, err);
}

static int check_top_keys(const gw_node *root, gw_error *err)
{
    for (size_t i = 0; i + 1 < root->nkids; i += 2) {
        const gw_node *k = root->kids[i];
        size_t j;
        for (j = 0; j < NTOP; j++)
            if (strcmp(k->text, top_keys[j]) == 0)
                break;
        if (j < NTOP)
            continue;
        const char *sug = gw_suggest(k->text, top_keys, NTOP);
        if (sug)
            return gw_error_set(err, GW_E_INPUT, k->file, k->line, k->col,
                                "unknown key '%.60s' in the scenario; did you mean '%s'?",
                                k->text, sug);
        return gw_error_set(err, GW_E_INPUT, k->file, k->line, k->col,
                            "unknown key '%.60s' in the scenario; expected one of name, system, "
                            "accelerator, cooling, power_chain, site, electricity, finance, "
                            "households, operation, target, model, efficiency, perf, training, sim, "
                            "timeline, risk, search, explore",
                            k->text);
    }
    return GW_OK;
}

static int text_field(const gw_node *root, const char *key, char *dst, size_t cap,
                      gw_error *err)
{
    const gw_node *n = gw_node_get(root, key);
    if (!n)
        return GW_OK;
    if (n->kind != GW_NODE_SCALAR)
        return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col,
                            "'%s' is %s; expected text", key, gw_node_kind_name(n));
    snprintf(dst, cap, "%s", n->text);
    return GW_OK;
}

static int resolve_operation(const gw_node *root, gw_scenario *sc, gw_error *err)
{
    sc->load = 1.0;
    const gw_node *op = gw_node_get(root, "operation");
    if (!op) {
        sc->average_load = sc->load;
        return GW_OK;
    }
    if (op->kind != GW_NODE_MAP)
        return gw_error_set(err, GW_E_INPUT, op->file, op->line, op->col,
                            "operation is %s; expected a mapping with load: and average_load:",
                            gw_node_kind_name(op));
    int have_avg = 0;
    for (size_t i = 0; i + 1 < op->nkids; i += 2) {
        const gw_node *k = op->kids[i], *v = op->kids[i + 1];
        int rc;
        if (strcmp(k->text, "load") == 0) {
            if ((rc = gw_decode_quantity(v, "load", GW_DIM_NONE, GW_F_FRACTION, &sc->load, err)))
                return rc;
        } else if (strcmp(k->text, "average_load") == 0) {
            if ((rc = gw_decode_quantity(v, "average_load", GW_DIM_NONE, GW_F_FRACTION,
                                         &sc->average_load, err)))
                return rc;
            have_avg = 1;
        } else if (strcmp(k->text, "power_cap") == 0) {
            continue; /* resolve_power_cap: needs the accelerator */
        } else {
            static const char *const keys[] = {"load", "average_load", "power_cap"};
            const char *sug = gw_suggest(k->text, keys, 3);
            return gw_error_set(err, GW_E_INPUT, k->file, k->line, k->col,
                                "unknown key '%.60s' in operation; %s%s%s", k->text,
                                sug ? "did you mean '" : "expected load, average_load or power_cap",
                                sug ? sug : "", sug ? "'?" : "");
        }
    }
    if (!have_avg)
        sc->average_load = sc->load;
    return GW_OK;
}

/* operation.power_cap (docs/model.md §1.4): a fraction of the
 * accelerator's TDP in (0, 1] (0.8, 80 %) or a power (960 W). The
 * accelerator the models see is then the capped one. */
static int resolve_power_cap(const gw_node *root, gw_scenario *sc, gw_error *err)
{
    sc->power_cap_clock = 1.0;
    sc->uncapped_tdp_w = sc->accelerator.tdp_w;
    const gw_node *op = gw_node_get(root, "operation");
    const gw_node *v = op && op->kind == GW_NODE_MAP ? gw_node_get(op, "power_cap") : NULL;
    if (!v)
        return GW_OK;
    if (v->kind != GW_NODE_SCALAR || !v->text || !v->text[0])
        return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                            "power_cap is %s; expected a fraction of TDP like 0.8 or a power "
                            "like 960 W",
                            v->kind == GW_NODE_SCALAR ? "empty" : gw_node_kind_name(v));
    double x;
    gw_dim d;
    char why[200];
    int col = 0;
    if (gw_quantity_parse(v->text, &x, &d, why, sizeof why, &col))
        return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                            "power_cap: %s; expected a fraction of TDP like 0.8 or a power "
                            "like 960 W", why);
    int fraction = gw_dim_equal(d, gw_dim_of(GW_DIM_NONE));
    if (!fraction && !gw_dim_equal(d, gw_dim_of(GW_DIM_POWER)))
        return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                            "power_cap '%.60s' is neither a fraction nor a power; expected a "
                            "fraction of TDP like 0.8 or a power like 960 W", v->text);
    if (!(x > 0.0) || (fraction && x > 1.0))
        return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                            "power_cap '%.60s' is %s; expected a fraction of TDP in (0, 1] or a "
                            "power above 0 W",
                            v->text, x > 1.0 ? "above 1 (the TDP)" : "not positive");
    sc->power_cap_w = fraction ? x * sc->accelerator.tdp_w : x;
    int rc = gw_power_cap_apply(&sc->accelerator, sc->power_cap_w, &sc->power_cap_clock, err);
    if (rc) { /* every such error is the cap's */
        snprintf(err->file, sizeof err->file, "%s", v->file);
        err->line = v->line, err->col = v->col;
    }
    return rc;
}

/* Catalog fields only one computation reads: a power cap (docs/model.md
 * §1.4) and the supply chain's bills of materials (docs/supply.md). */
static int read_only_by(const char *key, const char *const *keys)
{
    for (; *keys; keys++)
        if (!strcmp(key, *keys))
            return 1;
    return 0;
}

/* The assumed catalog values of the accelerator and (with has_system) the
 * system this run uses, less those the scenario sets itself and those only
 * a computation the run does not do reads: the DVFS fields without a power
 * cap, the bills of materials without a supply_chain: section or when only
 * the rack or perf model runs. */
static void note_assumptions(const gw_catalog *cat, const gw_node *root, unsigned needs,
                             gw_scenario *sc)
{
    static const char *const dvfs_keys[] = {"static_power_fraction", "dvfs_exponent", NULL};
    static const char *const bom_keys[] = {"packages_per_wafer", "packaging_yield",
                                           "hbm_stacks", "hbm_stack_capacity",
                                           "switch_trays", "power_shelves", NULL};
    /* the chain is read with the plan (its timeline), never by rack or perf alone */
    int chain = (needs & GW_NEED_PLAN) && gw_node_get(root, "supply_chain") != NULL;
    static const char *const kind[2] = {"accelerator", "system"};
    const gw_schema *schema[2] = {&gw_schema_accelerator, &gw_schema_system};
    const char *id[2] = {sc->accelerator.meta.id, sc->system.meta.id};
    sc->nassumed = 0;
    for (int s = 0; s < 1 + sc->has_system; s++) {
        const char *keys[16];
        int n = gw_catalog_assumed_fields(cat, schema[s], id[s], keys, 16);
        const gw_node *own = gw_node_get(root, kind[s]);
        for (int i = 0; i < n && sc->nassumed < 8; i++) {
            if ((read_only_by(keys[i], dvfs_keys) && !(sc->power_cap_w > 0)) ||
                (read_only_by(keys[i], bom_keys) && !chain) ||
                (own && own->kind == GW_NODE_MAP && gw_node_get(own, keys[i])))
                continue;
            snprintf(sc->assumed[sc->nassumed++], sizeof sc->assumed[0], "%s %s", kind[s],
                     keys[i]);
        }
    }
}

static int resolve_target(const gw_node *root, unsigned needs, gw_scenario *sc, gw_error *err)
{
    static const struct {
        const char *key;
        gw_target_kind kind;
        gw_dim_id dim;
        unsigned flags;
    } kinds[] = {
        {"it_power", GW_TARGET_IT_POWER, GW_DIM_POWER, GW_F_POSITIVE},
        {"grid_power", GW_TARGET_GRID_POWER, GW_DIM_POWER, GW_F_POSITIVE},
        {"accelerators", GW_TARGET_ACCELERATORS, GW_DIM_NONE, GW_F_POSITIVE | GW_F_INTEGER},
        {"budget", GW_TARGET_BUDGET, GW_DIM_USD, GW_F_POSITIVE},
    };
    const gw_node *t = gw_node_get(root, "target");
    if (!t) {
        if (needs & GW_NEED_PLAN)
            return gw_error_set(err, GW_E_INPUT, root->file, root->line ? root->line : 1,
                                root->col ? root->col : 1,
                                "no target; expected target: with one of it_power, "
                                "grid_power, accelerators or budget");
        return GW_OK;
    }
    if (t->kind != GW_NODE_MAP || t->nkids != 2)
        return gw_error_set(err, GW_E_INPUT, t->file, t->line, t->col,
                            "target must have exactly one key; expected one of it_power, "
                            "grid_power, accelerators or budget");
    const gw_node *k = t->kids[0], *v = t->kids[1];
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(k->text, kinds[i].key) != 0)
            continue;
        sc->has_target = 1;
        sc->target = kinds[i].kind;
        sc->target_node = v;
        return gw_decode_quantity(v, kinds[i].key, kinds[i].dim, kinds[i].flags,
                                  &sc->target_value, err);
    }
    static const char *const keys[] = {"it_power", "grid_power", "accelerators", "budget"};
    const char *sug = gw_suggest(k->text, keys, 4);
    return gw_error_set(err, GW_E_INPUT, k->file, k->line, k->col,
                        "unknown target '%.60s'; %s%s%s", k->text,
                        sug ? "did you mean '" : "expected it_power, grid_power, accelerators "
                                                 "or budget",
                        sug ? sug : "", sug ? "'?" : "");
}

/* The default site: the first (in id order) whose cooling is the system's. */
static const char *default_site(const gw_catalog *cat, const gw_system *sys)
{
    for (size_t i = 0; i < cat->n; i++) {
        const gw_catalog_entry *e = &cat->entries[i];
        if (e->schema != &gw_schema_site)
            continue;
        const gw_node *c = gw_node_get(e->node, "cooling");
        if (c && c->kind == GW_NODE_SCALAR && strcmp(c->text, sys->cooling) == 0)
            return e->id;
    }
    return NULL;
}

static int resolve_site_chain(const gw_catalog *cat, const gw_node *root, gw_scenario *sc,
                              gw_error *err);

/* Does the chain feed the rack DC (800 V DC distribution)? Then its own
 * DC rack stage stays: the system's AC power shelf cannot take that feed
 * (docs/model.md §3.1). */
static int chain_feeds_rack_dc(const gw_scenario *sc)
{
    for (int i = 0; i < sc->nstages; i++)
        if (strcmp(sc->stages[i].serves, "rack") == 0 && strcmp(sc->stages[i].input, "dc") == 0)
            return 1;
    return 0;
}

/* The chain of the site (or the scenario), then the system's own rack
 * stage in place of any rack stage there: PSUs belong to the server. */
static int resolve_chain(const gw_catalog *cat, const gw_node *root, gw_scenario *sc,
                         gw_error *err)
{
    int rc = resolve_site_chain(cat, root, sc, err);
    if (rc || !sc->system.power_stage[0] || chain_feeds_rack_dc(sc))
        return rc;
    int kept = 0;
    for (int i = 0; i < sc->nstages; i++)
        if (strcmp(sc->stages[i].serves, "rack") != 0)
            sc->stages[kept++] = sc->stages[i];
    if (kept >= GW_MAX_STAGES) {
        const gw_node *pc = gw_node_get(root, "power_chain");
        const gw_node *at = pc ? pc : gw_node_get(root, "site") ? gw_node_get(root, "site") : root;
        return gw_error_set(err, GW_E_INPUT, at->file, at->line, at->col,
                            "power chain has %d stages plus the system's power_stage '%s'; "
                            "expected at most %d stages besides it",
                            kept, sc->system.power_stage, GW_MAX_STAGES - 1);
    }
    const gw_node *sysn = gw_node_get(root, "system");
    const gw_node *at = sysn && sysn->kind == GW_NODE_MAP ? gw_node_get(sysn, "power_stage") : NULL;
    if ((rc = gw_catalog_get(cat, &gw_schema_power_stage, sc->system.power_stage, at ? at : sysn,
                             &sc->stages[kept], err)))
        return rc;
    if (strcmp(sc->stages[kept].serves, "rack") != 0)
        return gw_error_set(err, GW_E_INPUT, (at ? at : sysn)->file, (at ? at : sysn)->line,
                            (at ? at : sysn)->col,
                            "power_stage '%s' serves '%s'; expected a stage that serves rack",
                            sc->system.power_stage, sc->stages[kept].serves);
    sc->nstages = kept + 1;
    return GW_OK;
}

static int resolve_site_chain(const gw_catalog *cat, const gw_node *root, gw_scenario *sc,
                              gw_error *err)
{
    const gw_node *pc = gw_node_get(root, "power_chain");
    int rc;
    if (!pc) {
        const gw_node *where = gw_node_get(root, "site");
        if (!where)
            where = root;
        const gw_catalog_entry *se = gw_catalog_find(cat, &gw_schema_site, sc->site.meta.id);
        const gw_node *ids = se ? gw_node_get(se->node, "power_chain") : NULL;
        sc->nstages = sc->site.power_chain.n;
        for (int i = 0; i < sc->nstages; i++)
            if ((rc = gw_catalog_get(cat, &gw_schema_power_stage, sc->site.power_chain.id[i],
                                     ids ? ids->kids[i] : where, &sc->stages[i], err)))
                return rc;
        return GW_OK;
    }
    if (pc->kind != GW_NODE_SEQ)
        return gw_error_set(err, GW_E_INPUT, pc->file, pc->line, pc->col,
                            "power_chain is %s; expected a list of stages, grid first",
                            gw_node_kind_name(pc));
    if (pc->nkids > GW_MAX_STAGES)
        return gw_error_set(err, GW_E_INPUT, pc->file, pc->line, pc->col,
                            "power_chain has %zu stages; expected at most %d", pc->nkids,
                            GW_MAX_STAGES);
    sc->nstages = (int)pc->nkids;
    for (size_t i = 0; i < pc->nkids; i++)
        if ((rc = resolve_entry(cat, &gw_schema_power_stage, pc->kids[i], NULL, pc,
                                &sc->stages[i], err)))
            return rc;
    return GW_OK;
}

/* The power model needs tdp and idle_power_fraction; the serving models
 * also HBM capacity and bandwidth, a FLOP/s peak and an efficiency stack.
 * The catalog lacks some for devices whose makers publish none (spec-only
 * entries), and a hypothetical copy (base: ID with fields varied) may lack
 * them too. Every missing one in one message (`serving`: the command runs
 * the perf or sim model). */
static int check_accelerator_power(const gw_scenario *sc, const gw_node *root, const gw_node *at,
                                   unsigned needs, gw_error *err)
{
    const gw_accelerator *a = &sc->accelerator;
    const gw_schema *s = &gw_schema_accelerator;
    int serving = (needs & (GW_NEED_PERF | GW_NEED_SIM)) != 0;
    static const char *const power[] = {"tdp", "idle_power_fraction"};
    static const char *const memory[] = {"hbm_capacity", "hbm_bandwidth"};
    const char *missing[8];
    int n = 0;
    for (size_t i = 0; i < 2; i++)
        if (!gw_field_is_set(s, a, power[i]))
            missing[n++] = power[i];
    for (size_t i = 0; serving && i < 2; i++)
        if (!gw_field_is_set(s, a, memory[i]))
            missing[n++] = memory[i];
    if (serving && !(a->bf16_flops > 0 || a->fp8_flops > 0 || a->fp4_flops > 0))
        missing[n++] = "bf16_flops, fp8_flops or fp4_flops";
    int no_stack = serving && !gw_node_get(root, "efficiency") && !a->efficiency[0];
    if (n == 0) /* a stack alone missing: resolve_model says so, at efficiency: */
        return GW_OK;
    if (no_stack)
        missing[n++] = "efficiency";
    char list[256] = "";
    for (int i = 0; i < n; i++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s'%s'",
                 i == 0 ? "" : i == n - 1 ? " and " : ", ", missing[i]);
    const char *id = a->meta.id;
    const gw_node *ref = at->kind == GW_NODE_MAP ? gw_node_get(at, "ref") : NULL;
    if (!ref && at->kind == GW_NODE_MAP)
        ref = gw_node_get(at, "base");
    /* a copy with fields of its own is the scenario's hypothetical accelerator */
    int varied = at->kind == GW_NODE_MAP && at->nkids > (ref ? 2u : 0u) &&
                 at == gw_node_get(root, "accelerator");
    if (ref && !at->file[0]) /* a section --accelerator made: name the flag */
        at = ref;
    if (varied)
        return gw_error_set(err, GW_E_INPUT, at->file, at->line, at->col,
                            "hypothetical accelerator '%s' has no %s, which the %s model "
                            "needs; expected %s in its accelerator: section",
                            id, list, serving ? "serving" : "power", n > 1 ? "them" : "it");
    return gw_error_set(err, GW_E_INPUT, at->file, at->line, at->col,
                        "accelerator '%s' is spec-only: no public source gives its %s; "
                        "expected %s in the scenario (accelerator: {ref: %s, tdp: ..., "
                        "idle_power_fraction: ...}%s), or `gigawatt catalog %s` for its specs",
                        id, list, n > 1 ? "them" : "it", id,
                        no_stack ? ", efficiency: ID" : "", id);
}

/* The first system (in id order) built from accelerator `acc`. */
const char *gw_scenario_default_system(const gw_catalog *cat, const char *acc)
{
    for (size_t i = 0; i < cat->n; i++) {
        const gw_catalog_entry *e = &cat->entries[i];
        if (e->schema != &gw_schema_system)
            continue;
        const gw_node *a = gw_node_get(e->node, "accelerator");
        if (a && a->kind == GW_NODE_SCALAR && strcmp(a->text, acc) == 0)
            return e->id;
    }
    return NULL;
}

/* system, accelerator, site, cooling, power chain, operation, and for
 * plans the money sections. Perf may run without a system: then the
 * accelerator is named on its own and a system built from it is taken for
 * power and cost, if the catalog has one. */
/* §1.3: the catalog's systems per rack is the vendor's densest layout
 * (4 DGX H100 at 40.8 kW); NVIDIA's design guide has fewer per rack "to
 * match available power and cooling" (2 per rack at 20.4 kW). Unless the
 * scenario sets system.systems_per_rack, a rack holds the most systems, up
 * to the catalog's, that pass every design rule at full load, and
 * sc->rack_note says so. When even one system fails, the catalog's count
 * stays and the rules report the failure. */
static int fit_rack_to_site(const gw_node *root, gw_scenario *sc, gw_error *err)
{
    const gw_node *sysn = gw_node_get(root, "system");
    if (sysn && sysn->kind == GW_NODE_MAP && gw_node_get(sysn, "systems_per_rack"))
        return GW_OK; /* the scenario's own choice, checked and reported as it is */
    gw_system trial = sc->system;
    gw_rack_input in;
    gw_scenario_rack_input(sc, &in);
    in.system = &trial;
    in.load = 1.0;
    gw_rack_result r;
    double catalog_n = sc->system.systems_per_rack;
    for (double n = catalog_n; n >= 1; n--) {
        trial.systems_per_rack = n;
        int rc = gw_rack_budget(&in, &r, err);
        if (rc)
            return rc;
        if (r.nviolations > 0)
            continue;
        if (n < catalog_n) {
            sc->system.systems_per_rack = n;
            snprintf(sc->rack_note, sizeof sc->rack_note,
                     "%.0f of %.0f systems per rack, so the rack passes the site's design rules",
                     n, catalog_n);
        }
        return GW_OK;
    }
    return GW_OK;
}

/* §2.5 warm water: a supply temperature needs the dry coolers' approach
 * and overhead (0 would be free cooling at no cost) and the site's
 * climate; said where the cooling was chosen (`at`). */
static int check_warm_water(const gw_scenario *sc, const gw_node *at, gw_error *err)
{
    const gw_cooling *c = &sc->cooling;
    if (!(c->supply_temperature_c > 0))
        return GW_OK;
    if (at->kind == GW_NODE_MAP && gw_node_get(at, "supply_temperature"))
        at = gw_node_get(at, "supply_temperature"); /* the scenario's own (or its --set) */
    else if (at->kind == GW_NODE_MAP && !at->file[0] && gw_node_get(at, "ref"))
        at = gw_node_get(at, "ref"); /* a section --cooling made: name the flag */
    const gw_schema *s = &gw_schema_cooling;
    int approach = gw_field_is_set(s, c, "dry_cooler_approach");
    int overhead = gw_field_is_set(s, c, "free_cooling_overhead");
    if (!approach || !overhead)
        return gw_error_set(err, GW_E_INPUT, at->file, at->line, at->col,
                            "cooling '%s' gives a supply_temperature but no %s%s%s; expected "
                            "both dry_cooler_approach and free_cooling_overhead with it "
                            "(docs/model.md §2.5)",
                            c->meta.id, approach ? "" : "dry_cooler_approach",
                            !approach && !overhead ? " or " : "",
                            overhead ? "" : "free_cooling_overhead");
    if (!(sc->site.ambient_sd_k > 0))
        return gw_error_set(err, GW_E_INPUT, at->file, at->line, at->col,
                            "cooling '%s' gives a supply_temperature but site '%s' has no "
                            "climate; expected ambient_mean and ambient_sd in the site "
                            "(docs/model.md §2.5)",
                            c->meta.id, sc->site.meta.id);
    return GW_OK;
}

static int resolve_hardware(const gw_catalog *cat, const gw_node *root, unsigned needs,
                            gw_scenario *sc, gw_error *err)
{
    int rc;
    const gw_node *sysn = gw_node_get(root, "system");
    const gw_node *accn = gw_node_get(root, "accelerator");
    if (!sysn && (needs & (GW_NEED_PERF | GW_NEED_SIM))) {
        if (!accn)
            return gw_error_set(err, GW_E_INPUT, root->file, root->line ? root->line : 1,
                                root->col ? root->col : 1,
                                "no accelerator or system; expected accelerator: with a catalog "
                                "id such as h100-sxm (see `gigawatt catalog`)");
        if ((rc = resolve_entry(cat, &gw_schema_accelerator, accn, NULL, root, &sc->accelerator,
                                err)))
            return rc;
        const char *dsys = gw_scenario_default_system(cat, sc->accelerator.meta.id);
        if (!dsys) { /* has_system stays 0: power from the accelerator alone */
            if ((rc = check_accelerator_power(sc, root, accn, needs, err)))
                return rc;
            return resolve_power_cap(root, sc, err);
        }
        snprintf(sc->system_note, sizeof sc->system_note, "default system for %s",
                 sc->accelerator.meta.id);
        if ((rc = gw_catalog_get(cat, &gw_schema_system, dsys, accn, &sc->system, err)))
            return rc;
    } else {
        if (!sysn)
            return gw_error_set(err, GW_E_INPUT, root->file, root->line ? root->line : 1,
                                root->col ? root->col : 1,
                                "no system; expected system: with a catalog id such as "
                                "gb200-nvl72 (see `gigawatt catalog`)");
        if ((rc = resolve_entry(cat, &gw_schema_system, sysn, NULL, root, &sc->system, err)))
            return rc;
        const gw_node *sysacc =
            sysn->kind == GW_NODE_MAP ? gw_node_get(sysn, "accelerator") : NULL;
        if ((rc = resolve_entry(cat, &gw_schema_accelerator, accn, sc->system.accelerator,
                                sysacc ? sysacc : sysn, &sc->accelerator, err)))
            return rc;
    }
    sc->has_system = 1;
    if ((rc = check_accelerator_power(sc, root, accn ? accn : sysn, needs, err)) ||
        (rc = resolve_power_cap(root, sc, err)))
        return rc;
    const gw_node *siten = gw_node_get(root, "site");
    const char *dsite = default_site(cat, &sc->system);
    if (!siten && dsite)
        snprintf(sc->site_note, sizeof sc->site_note, "default for %s systems",
                 sc->system.cooling);
    if ((rc = resolve_entry(cat, &gw_schema_site, siten, dsite, root, &sc->site, err)))
        return rc;
    const gw_node *cooln = gw_node_get(root, "cooling");
    if ((rc = resolve_entry(cat, &gw_schema_cooling, cooln, sc->site.cooling,
                            site_default_at(siten, root, "cooling"), &sc->cooling, err)))
        return rc;
    if ((rc = check_warm_water(sc, cooln ? cooln : site_default_at(siten, root, "cooling"),
                               err)))
        return rc;
    if ((rc = resolve_chain(cat, root, sc, err)) || (rc = resolve_operation(root, sc, err)) ||
        (rc = fit_rack_to_site(root, sc, err)))
        return rc;
    if (needs & (GW_NEED_PLAN | GW_NEED_PERF | GW_NEED_SIM)) {
        if ((rc = resolve_entry(cat, &gw_schema_electricity, gw_node_get(root, "electricity"),
                                sc->site.electricity,
                                site_default_at(siten, root, "electricity"), &sc->electricity,
                                err)) ||
            (rc = resolve_entry(cat, &gw_schema_finance, gw_node_get(root, "finance"), NULL,
                                root, &sc->finance, err)) ||
            (rc = resolve_entry(cat, &gw_schema_household, gw_node_get(root, "households"),
                                NULL, root, &sc->household, err)))
            return rc;
    }
    return GW_OK;
}

/* A settings section (perf:, training:): a mapping decoded through its
 * schema, or absent. */
static int resolve_settings(const gw_schema *s, const gw_node *node, void *obj, gw_error *err)
{
    for (int i = 0; node && node->kind == GW_NODE_MAP && i < 2; i++) {
        /* ref: and base: copy catalog entries; a section is none (said here
         * in these words, before the decoder's unknown key) */
        const char *key = i ? "base" : "ref";
        const gw_node *r = gw_node_get(node, key);
        if (r)
            return gw_error_set(err, GW_E_INPUT, r->file, r->line, r->col,
                                "'%s' in %s; expected settings only (it names no catalog entry)",
                                key, s->kind);
    }
    return gw_decode_settings(s, node, obj, err);
}

static int resolve_perf(const gw_catalog *cat, const gw_node *root, unsigned needs,
                        gw_scenario *sc, gw_error *err)
{
    int rc;
    const gw_node *modn = gw_node_get(root, "model");
    if (!modn)
        return gw_error_set(err, GW_E_INPUT, root->file, root->line ? root->line : 1,
                            root->col ? root->col : 1,
                            "no model; expected model: with a catalog id such as "
                            "llama-3.1-70b (see `gigawatt catalog`)");
    if ((rc = resolve_entry(cat, &gw_schema_llm, modn, NULL, root, &sc->model, err)))
        return rc;
    if ((rc = gw_llm_check(&sc->model, err))) {
        /* locate the error at the scenario's model: */
        snprintf(err->file, sizeof err->file, "%s", modn->file);
        err->line = modn->line, err->col = modn->col;
        return rc;
    }
    const gw_node *effn = gw_node_get(root, "efficiency");
    if (!effn && !sc->accelerator.efficiency[0]) {
        const gw_node *at = gw_node_get(root, "accelerator");
        if (!at)
            at = gw_node_get(root, "system");
        return gw_error_set(err, GW_E_INPUT, at->file, at->line, at->col,
                            "accelerator '%s' names no efficiency entry (no measured stack); "
                            "expected efficiency: in the scenario, e.g. efficiency: "
                            "nvidia-hopper-trtllm",
                            sc->accelerator.meta.id);
    }
    if ((rc = resolve_entry(cat, &gw_schema_efficiency, effn, sc->accelerator.efficiency, root,
                            &sc->efficiency, err)))
        return rc;
    const gw_node *pn = gw_node_get(root, "perf"), *tn = gw_node_get(root, "training");
    if ((rc = resolve_settings(&gw_schema_perf_settings, pn, &sc->perf, err)) ||
        (rc = resolve_settings(&gw_schema_train_settings, tn, &sc->training, err)))
        return rc;
    sc->want_training = tn != NULL;
    sc->want_inference = pn != NULL || tn == NULL;
    sc->perf_node = pn ? pn : root;
    sc->training_node = tn;
    if ((rc = gw_perf_settings_resolve(cat, root, sc, err)))
        return rc;
    if (needs & GW_NEED_SIM) {
        /* the simulator takes the parallelism and precision from perf:, the
         * token counts from its workload */
        const gw_node *simn = gw_node_get(root, "sim");
        sc->sim_node = simn ? simn : root;
        sc->want_training = 0;
        return resolve_settings(&gw_schema_sim_settings, simn, &sc->sim, err);
    }
    /* required settings of the runs that will happen, located at their section */
    if ((sc->want_inference &&
         (rc = gw_decode_check_required(&gw_schema_perf_settings, &sc->perf, sc->perf_node, err))) ||
        (sc->want_training &&
         (rc = gw_decode_check_required(&gw_schema_train_settings, &sc->training, tn, err))))
        return rc;
    if (sc->want_training) {
        const gw_node *rn = gw_node_get(tn, "reliability");
        if ((rc = resolve_entry(cat, &gw_schema_reliability, rn, sc->training.reliability, tn,
                                &sc->reliability, err)))
            return rc;
    }
    return GW_OK;
}

int gw_scenario_resolve(const gw_catalog *cat, const gw_node *root, unsigned needs,
                        gw_scenario *sc, gw_error *err)
{
    memset(sc, 0, sizeof *sc);
    snprintf(sc->source_file, sizeof sc->source_file, "%s", root->file);
    int rc;
    if ((rc = check_top_keys(root, err)) || (rc = text_field(root, "name", sc->name,
                                                             sizeof sc->name, err)) ||
        (rc = resolve_hardware(cat, root, needs, sc, err)))
        return rc;
    note_assumptions(cat, root, needs, sc);
    if ((needs & (GW_NEED_PERF | GW_NEED_SIM)) && (rc = resolve_perf(cat, root, needs, sc, err)))
        return rc;
    return resolve_target(root, needs, sc, err);
}

void gw_scenario_rack_input(const gw_scenario *sc, gw_rack_input *in)
{
    memset(in, 0, sizeof *in);
    in->system = &sc->system;
    in->accelerator = &sc->accelerator;
    in->cooling = &sc->cooling;
    in->nstages = sc->nstages;
    for (int i = 0; i < sc->nstages; i++)
        in->stages[i] = &sc->stages[i];
    in->site = &sc->site;
    in->load = sc->load;
}

void gw_scenario_plan_input(const gw_scenario *sc, gw_plan_input *in)
{
    memset(in, 0, sizeof *in);
    gw_scenario_rack_input(sc, &in->rack);
    in->finance = &sc->finance;
    in->electricity = &sc->electricity;
    in->household = &sc->household;
    in->average_load = sc->average_load;
    in->target = sc->target;
    in->target_value = sc->target_value;
}
