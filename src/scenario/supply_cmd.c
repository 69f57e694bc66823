/* src/scenario/supply_cmd.c — the scenario's `supply_chain:` section
 * resolved into a gw_supply_input (scenario layer, above the models).
 *
 * Components and products are mappings keyed by name (a component's name,
 * a product's catalog system id), so `--set supply_chain.components.hbm.
 * slip=3months` reaches any of them. Numbers go through the config layer's
 * one decoder (units, ranges, dates, {dist: ...} centres); the model's
 * cross-field checks (shares adding up, a list covering the horizon, a
 * cycle of feeds:, a product without a BOM) are placed at the node they
 * name. docs/supply.md documents the section. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/dist.h"
#include "gigawatt/rack.h"
#include "gigawatt/scenario.h"
#include "gigawatt/supply_cmd.h"

#define NUM(k, T, member, d, fl, dflt_, h)                                                        \
    {.key = (k), .type = GW_FT_QTY, .dim = (d), .offset = offsetof(T, member),                    \
     .flags = (fl) | GW_F_DIST, .dflt = (dflt_), .help = (h)}

/* A component's numbers (capacity as a number; a list is read apart). */
static const gw_field component_fields[] = {
    NUM("capacity", gw_supply_component, capacity, GW_DIM_NONE, GW_F_NONNEG, 0,
        "units it can make in the first quarter (or a list, one a quarter)"),
    NUM("growth_per_year", gw_supply_component, growth_per_year, GW_DIM_NONE, GW_F_POSITIVE, 0,
        "capacity multiplies by this a year"),
    NUM("delay", gw_supply_component, delay_s, GW_DIM_TIME, GW_F_NONNEG, 0,
        "from using its capacity to its output reaching the next stage"),
    NUM("slip", gw_supply_component, slip_s, GW_DIM_TIME, GW_F_NONNEG, 0,
        "its capacity schedule arrives this much later"),
    NUM("per_gw", gw_supply_component, per_gw, GW_DIM_NONE, GW_F_POSITIVE, 0,
        "site equipment: units per GW of grid power"),
    {.key = "pro_rata", .type = GW_FT_QTY, .dim = GW_DIM_NONE,
     .offset = offsetof(gw_supply_component, pro_rata), .flags = GW_F_BOOL,
     .help = "split in proportion to what the products ask, not by share"},
};
/* A product's numbers that override its catalog BOM, and its shares. */
static const gw_field product_fields[] = {
    NUM("lab_share", gw_supply_product, lab_share, GW_DIM_NONE, GW_F_FRACTION, 0,
        "of this product's output, what the lab gets"),
    NUM("packages_per_wafer", gw_supply_product, packages_per_wafer, GW_DIM_NONE, GW_F_POSITIVE,
        0, "packages per CoWoS-class wafer at 100 % yield"),
    NUM("packaging_yield", gw_supply_product, packaging_yield, GW_DIM_NONE, GW_F_OPEN_UNIT, 0,
        "good packages per package assembled"),
    NUM("hbm_stacks", gw_supply_product, hbm_stacks, GW_DIM_NONE, GW_F_POSITIVE, 0,
        "HBM stacks per package"),
    NUM("packages_per_rack", gw_supply_product, packages_per_rack, GW_DIM_NONE, GW_F_POSITIVE,
        0, "packages per rack (an accelerator product: its rack)"),
    NUM("cpus_per_rack", gw_supply_product, cpus_per_rack, GW_DIM_NONE, GW_F_NONNEG, 0,
        "host CPUs per rack"),
    NUM("grid_power_per_package", gw_supply_product, grid_w_per_package, GW_DIM_POWER,
        GW_F_POSITIVE, 0, "site (grid) power one package takes (default: the rack model)"),
    NUM("accelerator_equivalents", gw_supply_product, equivalents, GW_DIM_NONE, GW_F_POSITIVE,
        0, "accelerators of the reference one package counts as (default: TDP ratio)"),
};
static const gw_field share_field =
    NUM("share", gw_supply_product, share, GW_DIM_NONE, GW_F_FRACTION, 0,
        "share of every component (or a list, one a year)");
static const gw_field top_fields[] = {
    NUM("delivery_delay", gw_supply_input, delivery_delay_s, GW_DIM_TIME, GW_F_NONNEG, 0,
        "from the last stage to the customer (shipping)"),
};

typedef struct ctx {
    const gw_catalog *cat;
    gw_supply_input *in;
    double ref_tdp_w; /* the reference accelerator's TDP (equivalents); 0 = none */
    gw_timeline_params *params;
    const char *base;
    gw_error *err;
} ctx;

static int fail(gw_error *err, const gw_node *at, const char *fmt, const char *a, const char *b)
{
    return gw_error_set(err, GW_E_INPUT, at->file, at->line, at->col, fmt, a, b);
}

int gw_supply_present(const gw_node *root)
{
    return root && root->kind == GW_NODE_MAP && gw_node_get(root, "supply_chain") != NULL;
}

/* One number at `n` into *dst, and its row for risk (offset from base). */
static int number(ctx *c, const gw_field *f, const gw_node *n, const char *path, double *dst)
{
    char full[GW_TIMELINE_PARAM_NAME];
    snprintf(full, sizeof full, "supply_chain.%s", path);
    gw_decode_ctx dc = {.start_year = c->in->start_year,
                        .start_quarter = c->in->start_q,
                        .start_name = "the supply chain's start",
                        .dist_centre = gw_dist_centre};
    int is_dist = 0;
    int rc = gw_decode_number(f, n, full, &dc, dst, &is_dist, c->err);
    if (rc || !c->params || c->params->n >= GW_TIMELINE_MAX_PARAMS)
        return rc;
    gw_timeline_param *p = &c->params->p[c->params->n++];
    snprintf(p->name, sizeof p->name, "%s", full);
    p->offset = (size_t)((const char *)dst - c->base);
    p->dim = f->dim;
    p->flags = f->flags & GW_F_RANGE;
    p->value = *dst;
    p->node = n;
    p->is_dist = is_dist;
    return GW_OK;
}

/* Keys of map `m` must be among `keys` (n of them). */
static int known_keys(ctx *c, const gw_node *m, const char *where, const char *const *keys,
                      size_t n)
{
    for (size_t i = 0; i + 1 < m->nkids; i += 2) {
        const gw_node *k = m->kids[i];
        size_t j;
        for (j = 0; j < n && strcmp(k->text, keys[j]); j++)
            ;
        if (j < n)
            continue;
        const char *sug = gw_suggest(k->text, keys, n);
        char list[400] = "";
        for (j = 0; j < n; j++) {
            size_t l = strlen(list);
            snprintf(list + l, sizeof list - l, "%s%s", j ? ", " : "", keys[j]);
        }
        return gw_error_set(c->err, GW_E_INPUT, k->file, k->line, k->col,
                            "unknown key '%.60s' in %s; %s%s%s%s", k->text, where,
                            sug ? "did you mean '" : "expected one of ", sug ? sug : list,
                            sug ? "'?" : "", "");
    }
    return GW_OK;
}

/* A list of numbers (capacity per quarter, share per year) into v[max]. */
static int number_list(ctx *c, const gw_field *f, const gw_node *seq, const char *path,
                       double *v, int max, int *count)
{
    if ((int)seq->nkids > max) {
        char m[16];
        snprintf(m, sizeof m, "%d", max);
        return fail(c->err, seq->kids[max], "supply_chain.%s has too many values; expected at "
                    "most %s", path, m);
    }
    gw_field plain = *f;
    plain.flags &= ~GW_F_DIST; /* a list's items are plain numbers */
    for (size_t i = 0; i < seq->nkids; i++) {
        char what[GW_TIMELINE_PARAM_NAME];
        snprintf(what, sizeof what, "supply_chain.%s[%zu]", path, i);
        int rc = gw_decode_quantity(seq->kids[i], what, plain.dim, plain.flags & GW_F_RANGE,
                                    &v[i], c->err);
        if (rc)
            return rc;
    }
    *count = (int)seq->nkids;
    return GW_OK;
}

static int component(ctx *c, int idx, const gw_node *k, const gw_node *m)
{
    static const char *const keys[] = {"consumes", "capacity", "growth_per_year", "delay",
                                       "slip",     "per_gw",   "feeds",  "pro_rata"};
    gw_supply_component *cp = &c->in->c[idx];
    if (m->kind != GW_NODE_MAP)
        return fail(c->err, m, "supply_chain.components.%s is %s; expected a mapping "
                    "(consumes:, capacity: ...)", k->text, gw_node_kind_name(m));
    if (strlen(k->text) >= GW_SUPPLY_NAME || strchr(k->text, '.'))
        return fail(c->err, k, "component name '%.60s' is too long or has a dot; expected a "
                    "short word%s", k->text, "");
    int rc = known_keys(c, m, "a supply_chain component", keys, sizeof keys / sizeof *keys);
    if (rc)
        return rc;
    snprintf(cp->name, sizeof cp->name, "%s", k->text);
    cp->feeds = -1;
    const gw_node *it = gw_node_get(m, "consumes");
    if (!it)
        return fail(c->err, m, "supply_chain.components.%s has no consumes:; expected what it "
                    "makes (cowos_wafers, hbm_gb, hbm_stacks, packages, racks, cpus, "
                    "switch_trays, power_shelves, site_gw)%s", k->text, "");
    cp->item = -1;
    for (int i = 0; i < GW_SUPPLY_NITEMS; i++)
        if (it->kind == GW_NODE_SCALAR && !strcmp(it->text, gw_supply_item_names[i]))
            cp->item = i;
    if (cp->item < 0)
        return fail(c->err, it, "consumes is '%.40s'; expected one of cowos_wafers, hbm_gb, "
                    "hbm_stacks, packages, racks, cpus, switch_trays, power_shelves, "
                    "site_gw%s", it->kind == GW_NODE_SCALAR ? it->text : gw_node_kind_name(it),
                    "");
    const gw_node *cap = gw_node_get(m, "capacity");
    if (!cap)
        return fail(c->err, m, "supply_chain.components.%s has no capacity:; expected units "
                    "per quarter (or a list, one a quarter)%s", k->text, "");
    for (size_t f = 0; f < sizeof component_fields / sizeof *component_fields; f++) {
        const gw_field *fd = &component_fields[f];
        const gw_node *v = gw_node_get(m, fd->key);
        char path[96];
        snprintf(path, sizeof path, "components.%s.%s", k->text, fd->key);
        double *dst = (double *)((char *)cp + fd->offset);
        *dst = fd->dflt;
        if (v && v->kind == GW_NODE_SEQ && !strcmp(fd->key, "capacity")) {
            if ((rc = number_list(c, fd, v, path, cp->list, GW_SUPPLY_MAX_QUARTERS, &cp->nlist)))
                return rc;
            if (cp->nlist < 1)
                return fail(c->err, v, "supply_chain.%s is an empty list; expected values, one "
                            "a quarter%s", path, "");
            cp->capacity = cp->list[0];
        } else if (v && (rc = number(c, fd, v, path, dst))) {
            return rc;
        }
    }
    return GW_OK;
}

/* The component named `name` (-1: none). */
static int component_index(const gw_supply_input *in, const char *name)
{
    for (int i = 0; i < in->ncomponents; i++)
        if (!strcmp(in->c[i].name, name))
            return i;
    return -1;
}

static int feeds(ctx *c, const gw_node *comps)
{
    for (int i = 0; i < c->in->ncomponents; i++) {
        const gw_node *f = gw_node_get(comps->kids[2 * i + 1], "feeds");
        if (!f)
            continue;
        int j = f->kind == GW_NODE_SCALAR ? component_index(c->in, f->text) : -1;
        if (j < 0) {
            const char *names[GW_SUPPLY_MAX_COMPONENTS];
            for (int k = 0; k < c->in->ncomponents; k++)
                names[k] = c->in->c[k].name;
            const char *sug = f->kind == GW_NODE_SCALAR
                                  ? gw_suggest(f->text, names, (size_t)c->in->ncomponents)
                                  : NULL;
            return gw_error_set(c->err, GW_E_INPUT, f->file, f->line, f->col,
                                "feeds: '%.60s' is not a component of the chain; expected %s%s%s",
                                f->kind == GW_NODE_SCALAR ? f->text : gw_node_kind_name(f),
                                sug ? "'" : "one of supply_chain.components", sug ? sug : "",
                                sug ? "'" : "");
        }
        c->in->c[i].feeds = j;
    }
    return GW_OK;
}

/* Site power one package of `sys` takes: the rack model at full load on the
 * scenario's site, grid W per rack / packages per rack. */
static double grid_w_per_package(const gw_scenario *sc, const gw_system *sys,
                                 const gw_accelerator *acc)
{
    gw_rack_input ri;
    gw_scenario_rack_input(sc, &ri);
    ri.system = sys, ri.accelerator = acc, ri.load = 1;
    gw_rack_result rr;
    gw_error e = {0};
    if (gw_rack_budget(&ri, &rr, &e) || !(rr.accelerators > 0))
        return 0; /* "no BOM for site_gw" when a component needs it */
    return rr.grid_power_w / rr.accelerators;
}

/* A product's BOM from the catalog: a system and its accelerator, or an
 * accelerator alone (its rack given by the product's packages_per_rack). */
static int catalog_bom(ctx *c, const gw_scenario *sc, const gw_node *k, gw_supply_product *pp)
{
    gw_system sys;
    gw_accelerator acc;
    int rc, is_sys = gw_catalog_find(c->cat, &gw_schema_system, k->text) != NULL;
    memset(&sys, 0, sizeof sys);
    if (!is_sys && !gw_catalog_find(c->cat, &gw_schema_accelerator, k->text))
        return fail(c->err, k, "product '%.60s' is neither a catalog system nor an "
                    "accelerator; expected an id from `gigawatt catalog`%s", k->text, "");
    if (is_sys && (rc = gw_catalog_get(c->cat, &gw_schema_system, k->text, k, &sys, c->err)))
        return rc;
    if ((rc = gw_catalog_get(c->cat, &gw_schema_accelerator, is_sys ? sys.accelerator : k->text,
                             k, &acc, c->err)))
        return rc;
    snprintf(pp->id, sizeof pp->id, "%s", k->text);
    size_t i = 0;
    for (; acc.vendor[i] && acc.vendor[i] != ' ' && i + 1 < sizeof pp->vendor; i++)
        pp->vendor[i] = (char)tolower((unsigned char)acc.vendor[i]);
    pp->vendor[i] = '\0';
    pp->packages_per_wafer = acc.packages_per_wafer;
    pp->packaging_yield = acc.packaging_yield;
    pp->hbm_stacks = acc.hbm_stacks;
    pp->hbm_gb_per_stack = acc.hbm_stack_b / 1e9;
    pp->packages_per_rack = sys.accelerators * sys.systems_per_rack;
    pp->cpus_per_rack = sys.cpus * sys.systems_per_rack;
    pp->switch_trays_per_rack = sys.switch_trays;
    pp->power_shelves_per_rack = sys.power_shelves;
    pp->grid_w_per_package = sc && is_sys ? grid_w_per_package(sc, &sys, &acc) : 0;
    /* docs/supply.md §4: E_p = TDP_p / TDP_ref (1 without a reference; 0 when
     * the catalog has no TDP, refused unless the product gives its own) */
    pp->equivalents = c->ref_tdp_w > 0 ? acc.tdp_w / c->ref_tdp_w : 1;
    return GW_OK;
}

static int product(ctx *c, const gw_scenario *sc, int idx, const gw_node *k, const gw_node *m,
                   double lab_default)
{
    static const char *const keys[] = {"share",           "lab_share",  "vendor",
                                       "packages_per_wafer", "packaging_yield", "hbm_stacks",
                                       "packages_per_rack",  "cpus_per_rack",
                                       "grid_power_per_package", "accelerator_equivalents"};
    gw_supply_product *pp = &c->in->p[idx];
    if (m->kind != GW_NODE_MAP)
        return fail(c->err, m, "supply_chain.products.%s is %s; expected a mapping (share: "
                    "...)", k->text, gw_node_kind_name(m));
    int rc = known_keys(c, m, "a supply_chain product", keys, sizeof keys / sizeof *keys);
    if (rc || (rc = catalog_bom(c, sc, k, pp)))
        return rc;
    pp->lab_share = lab_default;
    for (size_t f = 0; f < sizeof product_fields / sizeof *product_fields; f++) {
        const gw_field *fd = &product_fields[f];
        const gw_node *v = gw_node_get(m, fd->key);
        char path[96];
        snprintf(path, sizeof path, "products.%s.%s", k->text, fd->key);
        if (v && (rc = number(c, fd, v, path, (double *)((char *)pp + fd->offset))))
            return rc;
    }
    const gw_node *vd = gw_node_get(m, "vendor");
    if (vd && vd->kind == GW_NODE_SCALAR)
        snprintf(pp->vendor, sizeof pp->vendor, "%s", vd->text);
    const gw_node *sh = gw_node_get(m, "share");
    char path[96];
    snprintf(path, sizeof path, "products.%s.share", k->text);
    if (!sh)
        return fail(c->err, m, "supply_chain.products.%s has no share:; expected its share of "
                    "every component (a number, or a list, one a year)%s", k->text, "");
    if (sh->kind == GW_NODE_SEQ)
        return number_list(c, &share_field, sh, path, pp->share, GW_SUPPLY_MAX_YEARS,
                           &pp->nshare);
    pp->nshare = 1;
    return number(c, &share_field, sh, path, &pp->share[0]);
}

/* The accelerator equivalents count in (docs/supply.md §4): with a timeline,
 * the plan's accelerator (its unit); else equivalent_of: (an accelerator or a
 * system), else the scenario's accelerator if it has one, else none (every
 * package counts 1 and no equivalents are reported). */
static int reference(ctx *c, const gw_scenario *sc, const gw_node *s, int timeline)
{
    const gw_node *eo = gw_node_get(s, "equivalent_of");
    if (eo && timeline)
        return fail(c->err, eo, "supply_chain.equivalent_of is given, and the scenario has a "
                    "timeline; expected none (equivalents count in the plan's accelerator, %s)%s",
                    sc ? sc->accelerator.meta.id : "the timeline's unit", "");
    if (eo) {
        if (eo->kind != GW_NODE_SCALAR)
            return fail(c->err, eo, "supply_chain.equivalent_of is %s; expected an accelerator "
                        "or system id%s", gw_node_kind_name(eo), "");
        gw_system sys;
        gw_accelerator acc;
        const char *id = eo->text;
        int rc;
        if (gw_catalog_find(c->cat, &gw_schema_system, id)) {
            if ((rc = gw_catalog_get(c->cat, &gw_schema_system, id, eo, &sys, c->err)))
                return rc;
            id = sys.accelerator;
        } else if (!gw_catalog_find(c->cat, &gw_schema_accelerator, id)) {
            return fail(c->err, eo, "supply_chain.equivalent_of '%.60s' is neither a catalog "
                        "accelerator nor a system; expected an id from `gigawatt catalog`%s",
                        eo->text, "");
        }
        if ((rc = gw_catalog_get(c->cat, &gw_schema_accelerator, id, eo, &acc, c->err)))
            return rc;
        if (!(acc.tdp_w > 0))
            return fail(c->err, eo, "supply_chain.equivalent_of '%.60s' has no TDP in the "
                        "catalog; expected an accelerator with one%s", eo->text, "");
        snprintf(c->in->equivalent_of, sizeof c->in->equivalent_of, "%s", acc.meta.id);
        c->ref_tdp_w = acc.tdp_w;
    } else if (sc && sc->accelerator.tdp_w > 0) {
        snprintf(c->in->equivalent_of, sizeof c->in->equivalent_of, "%s", sc->accelerator.meta.id);
        c->ref_tdp_w = sc->uncapped_tdp_w > 0 ? sc->uncapped_tdp_w : sc->accelerator.tdp_w;
    }
    return GW_OK;
}

/* start:, horizon:, rule: (and with a timeline, no start or horizon) */
static int time_and_rule(ctx *c, const gw_node *s)
{
    const gw_node *st = gw_node_get(s, "start"), *h = gw_node_get(s, "horizon");
    gw_supply_input *in = c->in;
    if (in->quarters > 0 && (st || h))
        return fail(c->err, st ? st : h, "supply_chain.%s is given, and the scenario has a "
                    "timeline; expected none (the timeline's %s applies)",
                    st ? "start" : "horizon", st ? "start" : "horizon");
    if (in->quarters == 0) {
        if (!st || st->kind != GW_NODE_SCALAR ||
            !gw_decode_year_quarter(st->text, &in->start_year, &in->start_q))
            return fail(c->err, st ? st : s, "supply_chain has no start quarter; expected e.g. "
                        "start: 2026-Q1 (or a timeline: section)%s%s", "", "");
        double sec = 0;
        int rc;
        if (!h)
            return fail(c->err, s, "supply_chain has no horizon; expected e.g. horizon: 5 "
                        "years (or a timeline: section)%s%s", "", "");
        if ((rc = gw_decode_quantity(h, "supply_chain.horizon", GW_DIM_TIME, GW_F_POSITIVE,
                                     &sec, c->err)))
            return rc;
        double q = sec / (GW_SECONDS_PER_YEAR / 4);
        if (fabs(q - nearbyint(q)) > 1e-6 || q < 1 - 1e-9 || q > GW_SUPPLY_MAX_QUARTERS + 1e-6)
            return fail(c->err, h, "supply_chain.horizon '%.40s' is not a whole number of "
                        "quarters up to 20 years; expected e.g. 5 years%s", h->text, "");
        in->quarters = (int)nearbyint(q);
    }
    const gw_node *r = gw_node_get(s, "rule");
    in->rule = GW_SUPPLY_SHARES;
    if (r && r->kind == GW_NODE_SCALAR && !strcmp(r->text, "priority"))
        in->rule = GW_SUPPLY_PRIORITY;
    else if (r && !(r->kind == GW_NODE_SCALAR && !strcmp(r->text, "shares")))
        return fail(c->err, r, "supply_chain.rule is '%.40s'; expected shares or priority%s",
                    r->kind == GW_NODE_SCALAR ? r->text : gw_node_kind_name(r), "");
    return GW_OK;
}

/* components: and products:, in the order written. */
static int read_maps(ctx *c, const gw_scenario *sc, const gw_node *s)
{
    const gw_node *comps = gw_node_get(s, "components"), *prods = gw_node_get(s, "products");
    if (!comps || comps->kind != GW_NODE_MAP || comps->nkids == 0)
        return fail(c->err, comps ? comps : s, "supply_chain has no components; expected a "
                    "mapping of components by name (cowos: {consumes: cowos_wafers, ...})%s%s",
                    "", "");
    if (!prods || prods->kind != GW_NODE_MAP || prods->nkids == 0)
        return fail(c->err, prods ? prods : s, "supply_chain has no products; expected a "
                    "mapping of catalog systems (gb200-nvl72: {share: 0.5})%s%s", "", "");
    if (comps->nkids / 2 > GW_SUPPLY_MAX_COMPONENTS || prods->nkids / 2 > GW_SUPPLY_MAX_PRODUCTS)
        return fail(c->err, comps->nkids / 2 > GW_SUPPLY_MAX_COMPONENTS ? comps : prods,
                    "supply_chain has too many %s; expected at most %s",
                    comps->nkids / 2 > GW_SUPPLY_MAX_COMPONENTS ? "components" : "products",
                    comps->nkids / 2 > GW_SUPPLY_MAX_COMPONENTS ? "10" : "8");
    int rc;
    double lab = 0;
    const gw_node *ls = gw_node_get(s, "lab_share");
    static const gw_field lab_field = NUM("lab_share", gw_supply_product, lab_share,
                                          GW_DIM_NONE, GW_F_FRACTION, 0, "the lab's share");
    if (ls && (rc = gw_decode_quantity(ls, "supply_chain.lab_share", GW_DIM_NONE,
                                       lab_field.flags & GW_F_RANGE, &lab, c->err)))
        return rc;
    for (size_t i = 0; i + 1 < comps->nkids; i += 2) {
        c->in->ncomponents++;
        if ((rc = component(c, (int)(i / 2), comps->kids[i], comps->kids[i + 1])))
            return rc;
    }
    if ((rc = feeds(c, comps)))
        return rc;
    for (size_t i = 0; i + 1 < prods->nkids; i += 2) {
        c->in->nproducts++;
        if ((rc = product(c, sc, (int)(i / 2), prods->kids[i], prods->kids[i + 1], lab)))
            return rc;
    }
    return GW_OK;
}

int gw_supply_resolve(const gw_catalog *cat, const gw_node *root, gw_supply_input *in,
                      gw_timeline_params *params, const void *base, gw_error *err)
{
    static const char *const keys[] = {"start",    "horizon",   "rule",
                                       "components", "products", "lab_share",
                                       "delivery_delay", "equivalent_of"};
    int start_year = in->start_year, start_q = in->start_q, quarters = in->quarters;
    int timeline = quarters > 0; /* the timeline set the quarters */
    memset(in, 0, sizeof *in);
    in->start_year = start_year, in->start_q = start_q, in->quarters = quarters;
    const gw_node *s = gw_node_get(root, "supply_chain");
    if (!s)
        return gw_error_set(err, GW_E_INPUT, root->file, root->line, root->col,
                            "the scenario has no supply_chain: section; expected one "
                            "(docs/supply.md)");
    ctx c = {cat, in, 0, params, base ? (const char *)base : (const char *)in, err};
    if (s->kind != GW_NODE_MAP)
        return fail(err, s, "supply_chain is %s; expected a mapping (docs/supply.md)%s",
                    gw_node_kind_name(s), "");
    int rc = known_keys(&c, s, "supply_chain", keys, sizeof keys / sizeof *keys);
    if (rc || (rc = time_and_rule(&c, s)))
        return rc;
    const gw_node *dd = gw_node_get(s, "delivery_delay");
    if (dd && (rc = number(&c, &top_fields[0], dd, "delivery_delay", &in->delivery_delay_s)))
        return rc;
    /* the rack model on the scenario's site, for site power per package */
    gw_scenario *sc = malloc(sizeof *sc);
    if (!sc)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    gw_error ignore = {0};
    int have_sc = gw_scenario_resolve(cat, root, GW_NEED_RACK, sc, &ignore) == GW_OK;
    rc = reference(&c, have_sc ? sc : NULL, s, timeline);
    if (!rc)
        rc = read_maps(&c, have_sc ? sc : NULL, s);
    free(sc);
    if (rc)
        return rc;
    return gw_scenario_place_error(gw_supply_check(in, err), s, err);
}
