/* src/scenario/explore_cmd.c — `gigawatt explore` as a library call
 * (scenario layer): the request's options and the scenario's explore:
 * section read into a design (gw_explore_spec), its levels checked, the
 * points evaluated in rounds over the request's transport (src/par/items.c,
 * threads on each rank), kept in the result store with --db and resumed
 * with --resume, then summarised (Pareto front, best, sensitivity) and
 * rendered by src/output/explore_out.c. docs/explore.md, docs/commands.md. */
#include <limits.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "explore_int.h"
#include "gigawatt/explore_out.h"
#include "gigawatt/buffer.h"
#include "gigawatt/par.h"
#include "gigawatt/sha256.h"

/* An explore request, read. */
typedef struct explore_args {
    gw_cmd_args c;
    gw_command_request req;
    const char *vary[GW_EXPLORE_MAX_VARY];
    int nvary;
    const char *design, *points, *seed; /* flags over explore: */
    const char *db;
    long long resume;
    int threads;
} explore_args;

static int out_of_memory(gw_error *err)
{
    return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
}

/* A bad option: one line naming it, and where the help is. */
static int usage(gw_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage(gw_error *err, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return gw_error_set(err, GW_E_USAGE, NULL, 0, 0, "%s; see gigawatt explore --help", msg);
}

static int whole(const gw_command_option *o, long long lo, long long hi, long long *out,
                 gw_error *err)
{
    char *end = NULL;
    long long x = o->value ? strtoll(o->value, &end, 10) : 0;
    if (!o->value || end == o->value || *end || x < lo || x > hi) {
        return usage(err, "--%s needs a whole number from %lld to %lld, not '%s'", o->name, lo,
                     hi, o->value ? o->value : "");
    }
    *out = x;
    return GW_OK;
}

static int read_option(const gw_command_option *o, explore_args *a, gw_error *err)
{
    long long v = 0;
    const char *n = o->name;
    if (!strcmp(n, "set") && o->value) {
        if (a->c.nsets >= GW_CMD_MAX_SETS)
            return usage(err, "too many --set options at '%s'", o->value);
        a->c.sets[a->c.nsets++] = o->value;
        return GW_OK;
    }
    if (!strcmp(n, "vary") && o->value) {
        if (a->nvary >= GW_EXPLORE_MAX_VARY)
            return usage(err, "--vary %s: too many varied fields; expected at most %d",
                         o->value, GW_EXPLORE_MAX_VARY);
        a->vary[a->nvary++] = o->value;
        return GW_OK;
    }
    if (!strcmp(n, "design") && o->value) {
        if (strcmp(o->value, "grid") && strcmp(o->value, "random") && strcmp(o->value, "lhs"))
            return usage(err, "--design '%s' is not a design; expected grid, random or lhs",
                         o->value);
        a->design = o->value;
        return GW_OK;
    }
    if (!strcmp(n, "points") || !strcmp(n, "seed")) {
        int pts = n[0] == 'p';
        int rc = whole(o, pts ? 1 : 0, 1LL << 53, &v, err);
        *(pts ? &a->points : &a->seed) = o->value;
        return rc;
    }
    if (!strcmp(n, "threads")) {
        int rc = whole(o, 1, 1024, &v, err);
        a->threads = (int)v;
        return rc;
    }
    if (!strcmp(n, "resume"))
        return whole(o, 1, LLONG_MAX, &a->resume, err);
    if (!strcmp(n, "db") && o->value) {
        a->db = o->value;
        return GW_OK;
    }
    if (!strcmp(n, "html")) {
        a->c.html = 1;
        return GW_OK;
    }
    if (!strcmp(n, "csv")) {
        a->c.csv = 1;
        return GW_OK;
    }
    return usage(err, "--%s: explore does not take this option", n);
}

static int read_request(const gw_command_request *req, int whole_req, explore_args *a,
                        gw_error *err)
{
    memset(a, 0, sizeof *a);
    a->req = *req;
    a->c.req = &a->req;
    int rc = GW_OK;
    for (int i = 0; i < req->nsets && !rc; i++)
        rc = read_option(&(gw_command_option){"set", req->sets[i]}, a, err);
    for (int i = 0; i < req->noptions && !rc; i++)
        rc = read_option(&req->options[i], a, err);
    if (!rc && !a->threads)
        a->threads = gw_cmd_default_threads();
    if (!rc && whole_req && a->resume > 0 && !a->db)
        rc = usage(err, "--resume needs --db FILE (the store the run is in)");
    if (!rc && whole_req && !req->scenario_path && !req->scenario_text)
        rc = usage(err, "explore needs a SCENARIO");
    return rc;
}

int gw_cmd_explore_check(const gw_command_request *req, int whole_req, gw_error *err)
{
    explore_args *a = malloc(sizeof *a);
    int rc = a ? read_request(req, whole_req, a, err) : out_of_memory(err);
    free(a);
    return rc;
}

/* ---- the design: explore: and the flags ---------------------------------------------- */

/* The explore: section, through the one table decoder. */
typedef struct explore_section {
    gw_entry_meta meta;
    char design[GW_TEXT_MAX];
    double points, seed;
    const gw_node *vary, *objectives, *constraints;
} explore_section;

static const gw_field section_fields[] = {
    GW_FIELD_ENUM("design", explore_section, design, "grid|random|lhs", 0,
                  "grid (every combination, default), random or lhs (Latin hypercube)"),
    GW_FIELD_QTY("points", explore_section, points, GW_DIM_NONE, GW_F_POSITIVE | GW_F_INTEGER,
                 "points of a random or LHS design (default 100)"),
    GW_FIELD_QTY("seed", explore_section, seed, GW_DIM_NONE, GW_F_NONNEG | GW_F_INTEGER,
                 "seed of a random or LHS design (default 1)"),
    GW_FIELD_NODE("vary", explore_section, vary, "field: [list] or {low, high, steps}"),
    GW_FIELD_NODE("objectives", explore_section, objectives, "[{name, direction}]"),
    GW_FIELD_NODE("constraints", explore_section, constraints, "limits (docs/explore.md)"),
};
static const gw_schema section_schema = {
    .kind = "explore", .singular = "explore settings", .fields = section_fields,
    .nfields = sizeof section_fields / sizeof section_fields[0], .size = sizeof(explore_section)};

/* gw_decode wants gw_entry_meta first: the limits sit behind one */
typedef struct limits_entry {
    gw_entry_meta meta;
    gw_explore_limits lim;
} limits_entry;

static const gw_field limit_fields[] = {
    GW_FIELD_QTY("rack_power", limits_entry, lim.rack_power_w, GW_DIM_POWER, GW_F_POSITIVE,
                 "IT power of one rack at full load, at most"),
    GW_FIELD_QTY("cooling_capacity", limits_entry, lim.cooling_capacity_w, GW_DIM_POWER,
                 GW_F_POSITIVE, "heat to liquid of one rack, at most"),
    GW_FIELD_QTY("floor_load", limits_entry, lim.floor_load_kg_m2, GW_DIM_AREAL_MASS,
                 GW_F_POSITIVE, "a rack's floor load, at most"),
    GW_FIELD_QTY("scale_up_domain", limits_entry, lim.scale_up_domain, GW_DIM_NONE,
                 GW_F_POSITIVE | GW_F_INTEGER, "accelerators a tensor group may span"),
    GW_FIELD_QTY("site_power", limits_entry, lim.site_power_w, GW_DIM_POWER, GW_F_POSITIVE,
                 "grid power of the plan, at most"),
};

/* An error at a node (from the scenario) or naming the flag (`origin`). */
static int bad(gw_error *err, const gw_node *at, const char *origin, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int bad(gw_error *err, const gw_node *at, const char *origin, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (at)
        return gw_error_set(err, GW_E_INPUT, at->file, at->line, at->col, "%s", msg);
    return gw_error_set(err, GW_E_USAGE, NULL, 0, 0, "%s: %s", origin, msg);
}

static void trim(const char *s, size_t len, char *out, size_t cap)
{
    while (len && (*s == ' ' || *s == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    snprintf(out, cap, "%.*s", (int)len, s);
}

static int bare_number(const char *s)
{
    char *end;
    double x = strtod(s, &end);
    return end != s && *end == 0 && isfinite(x);
}

/* "1.5 kW" -> 1.5 and "kW" */
static int number_unit(const char *s, double *x, char *unit, size_t cap)
{
    char *end;
    *x = strtod(s, &end);
    if (end == s || !isfinite(*x))
        return -1;
    trim(end, strlen(end), unit, cap);
    return 0;
}

/* A range LOW:HIGH[:STEPS] from its three texts (steps may be NULL). */
static int set_range(gw_explore_var *v, const char *lo, const char *hi, const char *steps,
                     int grid, const gw_node *at, const char *origin, gw_error *err)
{
    char ulo[32], uhi[32];
    if (number_unit(lo, &v->low, ulo, sizeof ulo) || number_unit(hi, &v->high, uhi, sizeof uhi))
        return bad(err, at, origin, "'%s' to '%s' is not a range of numbers; expected "
                   "LOW:HIGH:STEPS such as 0.5:1:6 or '100 kW:200 kW:3'", lo, hi);
    if (strcmp(ulo, uhi) != 0)
        return bad(err, at, origin, "LOW is in '%s' and HIGH in '%s'; expected one unit", ulo,
                   uhi);
    if (v->low > v->high)
        return bad(err, at, origin, "LOW %s is above HIGH %s; expected LOW <= HIGH", lo, hi);
    snprintf(v->unit, sizeof v->unit, "%s", ulo);
    v->is_range = 1;
    v->numeric = !ulo[0];
    v->steps = 0;
    if (!steps && grid)
        return bad(err, at, origin, "a grid needs the range's STEPS; expected LOW:HIGH:STEPS");
    if (steps) {
        char *end;
        long k = strtol(steps, &end, 10);
        if (end == steps || *end || k < 1 || k > GW_EXPLORE_MAX_LEVELS)
            return bad(err, at, origin, "STEPS '%s' is not a whole number from 1 to %d; "
                       "expected LOW:HIGH:STEPS", steps, GW_EXPLORE_MAX_LEVELS);
        if (k == 1 && v->low < v->high)
            return bad(err, at, origin, "1 step cannot span %s to %s; expected STEPS of 2 "
                       "or more, or LOW = HIGH", lo, hi);
        v->steps = (int)k;
    }
    v->nlevels = v->steps;
    return GW_OK;
}

static int add_level(gw_explore_var *v, const char *text, const gw_node *at, const char *origin,
                     gw_error *err)
{
    if (v->nlevels >= GW_EXPLORE_MAX_LEVELS)
        return bad(err, at, origin, "more than %d values; expected at most %d",
                   GW_EXPLORE_MAX_LEVELS, GW_EXPLORE_MAX_LEVELS);
    if (!text[0] || strlen(text) >= GW_EXPLORE_LEVEL_MAX)
        return bad(err, at, origin, "value '%.70s' is empty or longer than %d characters; "
                   "expected a value as --set takes it", text, GW_EXPLORE_LEVEL_MAX - 1);
    snprintf(v->levels[v->nlevels++], GW_EXPLORE_LEVEL_MAX, "%s", text);
    v->numeric &= bare_number(text);
    return GW_OK;
}

/* The flag's text after KEY=: LOW:HIGH[:STEPS] or a comma list. */
static int parse_values(gw_explore_var *v, const char *text, int grid, const gw_node *at,
                        const char *origin, gw_error *err)
{
    char part[3][GW_EXPLORE_LEVEL_MAX];
    int colons = 0;
    for (const char *c = text; *c; c++)
        colons += *c == ':';
    if (colons == 1 || colons == 2) {
        const char *s = text;
        for (int k = 0; k <= colons; k++) {
            size_t l = strcspn(s, ":");
            trim(s, l, part[k], sizeof part[k]);
            s += l + 1;
        }
        return set_range(v, part[0], part[1], colons == 2 ? part[2] : NULL, grid, at, origin,
                         err);
    }
    v->numeric = 1;
    for (const char *s = text;;) {
        size_t l = strcspn(s, ",");
        trim(s, l, part[0], sizeof part[0]);
        int rc = add_level(v, part[0], at, origin, err);
        if (rc || !s[l])
            return rc;
        s += l + 1;
    }
}

/* One explore.vary entry: a list, {low, high, steps} or the flag's text. */
static int vary_from_node(gw_explore_var *v, const gw_node *key, const gw_node *val, int grid,
                          gw_error *err)
{
    if (val->kind == GW_NODE_SCALAR)
        return parse_values(v, val->text, grid, val, NULL, err);
    if (val->kind == GW_NODE_SEQ) {
        v->numeric = 1;
        if (val->nkids == 0)
            return bad(err, val, NULL, "no values for '%s'; expected a list of one or more",
                       key->text);
        for (size_t i = 0; i < val->nkids; i++) {
            const gw_node *it = val->kids[i];
            if (it->kind != GW_NODE_SCALAR)
                return bad(err, it, NULL, "a value of '%s' is %s; expected a scalar",
                           key->text, gw_node_kind_name(it));
            int rc = add_level(v, it->text, it, NULL, err);
            if (rc)
                return rc;
        }
        return GW_OK;
    }
    const gw_node *lo = gw_node_get(val, "low"), *hi = gw_node_get(val, "high");
    const gw_node *st = gw_node_get(val, "steps");
    for (size_t i = 0; i + 1 < val->nkids; i += 2) {
        const char *k = val->kids[i]->text;
        if (strcmp(k, "low") && strcmp(k, "high") && strcmp(k, "steps"))
            return bad(err, val->kids[i], NULL, "unknown key '%s' in a range; expected low, "
                       "high and steps", k);
    }
    if (!lo || !hi || lo->kind != GW_NODE_SCALAR || hi->kind != GW_NODE_SCALAR ||
        (st && st->kind != GW_NODE_SCALAR))
        return bad(err, val, NULL, "the range of '%s' needs low: and high: values; expected "
                   "{low: X, high: Y, steps: N}", key->text);
    return set_range(v, lo->text, hi->text, st ? st->text : NULL, grid, st ? st : val, NULL, err);
}

/* The field's slot: the one already named KEY (a flag replaces the
 * scenario's entry), else a new one. */
static gw_explore_var *slot(gw_explore_spec *s, gw_explore_where *w, const char *key,
                            int *j)
{
    for (*j = 0; *j < s->nvary; (*j)++)
        if (strcmp(s->vary[*j].key, key) == 0)
            break;
    if (*j >= GW_EXPLORE_MAX_VARY)
        return NULL;
    if (*j == s->nvary)
        s->nvary++;
    memset(&s->vary[*j], 0, sizeof s->vary[*j]);
    memset(&w[*j], 0, sizeof w[*j]);
    snprintf(s->vary[*j].key, sizeof s->vary[*j].key, "%s", key);
    return &s->vary[*j];
}

static int read_vary(const explore_args *a, const gw_node *vn, gw_explore_spec *s,
                     gw_explore_where *w, gw_error *err)
{
    int grid = s->design == GW_EXPLORE_GRID, j, rc = GW_OK;
    if (vn && vn->kind != GW_NODE_MAP)
        return bad(err, vn, NULL, "vary is %s; expected a mapping of field: values",
                   gw_node_kind_name(vn));
    for (size_t i = 0; vn && i + 1 < vn->nkids && !rc; i += 2) {
        const gw_node *k = vn->kids[i];
        gw_explore_var *v = slot(s, w, k->text, &j);
        if (!v || strlen(k->text) >= sizeof v->key)
            return bad(err, k, NULL, "too many varied fields or too long a key; expected at "
                       "most %d fields", GW_EXPLORE_MAX_VARY);
        w[j].node = k;
        snprintf(w[j].origin, sizeof w[j].origin, "--vary %s", k->text);
        rc = vary_from_node(v, k, vn->kids[i + 1], grid, err);
    }
    for (int f = 0; f < a->nvary && !rc; f++) {
        char origin[320], key[128];
        snprintf(origin, sizeof origin, "--vary %s", a->vary[f]);
        const char *eq = strchr(a->vary[f], '=');
        if (!eq || eq == a->vary[f] || (size_t)(eq - a->vary[f]) >= sizeof key)
            return bad(err, NULL, origin, "not KEY=VALUES; expected --vary KEY=A,B,C or "
                       "--vary KEY=LOW:HIGH:STEPS");
        trim(a->vary[f], (size_t)(eq - a->vary[f]), key, sizeof key);
        gw_explore_var *v = slot(s, w, key, &j);
        if (!v)
            return bad(err, NULL, origin, "too many varied fields; expected at most %d",
                       GW_EXPLORE_MAX_VARY);
        snprintf(w[j].origin, sizeof w[j].origin, "%s", origin);
        rc = parse_values(v, eq + 1, grid, NULL, origin, err);
    }
    if (!rc && s->nvary == 0)
        rc = gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                          "nothing to vary; expected --vary KEY=VALUES or an explore: section "
                          "with vary:; see gigawatt explore --help");
    return rc;
}

static int metric_named(const char *name)
{
    for (int k = 0; k < GW_XM_COUNT; k++)
        if (strcmp(name, gw_explore_metrics[k].name) == 0)
            return k;
    return -1;
}

static int unknown_objective(const gw_node *at, const char *name, gw_error *err)
{
    const char *names[GW_XM_COUNT];
    for (int k = 0; k < GW_XM_COUNT; k++)
        names[k] = gw_explore_metrics[k].name;
    const char *sug = gw_suggest(name, names, GW_XM_COUNT);
    if (sug)
        return bad(err, at, NULL, "objective '%.60s' is not a result field; did you mean '%s'?",
                   name, sug);
    return bad(err, at, NULL, "objective '%.60s' is not a result field; expected one of those "
               "in docs/explore.md §3, e.g. tokens_per_s_per_mw_grid, usd_per_million_tokens, "
               "capex_per_gw", name);
}

static int read_objective(const gw_node *it, gw_explore_objective *o, gw_error *err)
{
    const gw_node *name = it, *dir = NULL;
    if (it->kind == GW_NODE_MAP) {
        name = gw_node_get(it, "name"), dir = gw_node_get(it, "direction");
        for (size_t i = 0; i + 1 < it->nkids; i += 2)
            if (strcmp(it->kids[i]->text, "name") && strcmp(it->kids[i]->text, "direction"))
                return bad(err, it->kids[i], NULL, "unknown key '%s' in an objective; "
                           "expected name and direction", it->kids[i]->text);
    }
    if (!name || name->kind != GW_NODE_SCALAR)
        return bad(err, it, NULL, "an objective without a name; expected {name: FIELD, "
                   "direction: max|min}");
    if ((o->metric = metric_named(name->text)) < 0)
        return unknown_objective(name, name->text, err);
    const char *d = dir && dir->kind == GW_NODE_SCALAR ? dir->text
                                                      : gw_explore_metrics[o->metric].direction;
    if (strcmp(d, "max") && strcmp(d, "min"))
        return bad(err, dir ? dir : it, NULL, "direction '%.40s'; expected max or min", d);
    o->maximise = strcmp(d, "max") == 0;
    return GW_OK;
}

static int read_objectives(const gw_node *on, gw_explore_spec *s, gw_error *err)
{
    if (!on) { /* the two the issue asks first: per MW and per dollar */
        s->nobj = 2;
        s->obj[0] = (gw_explore_objective){GW_XM_TPS_PER_MW_GRID, 1};
        s->obj[1] = (gw_explore_objective){GW_XM_USD_PER_MTOK, 0};
        return GW_OK;
    }
    if (on->kind != GW_NODE_SEQ || on->nkids == 0 || on->nkids > GW_EXPLORE_MAX_OBJECTIVES)
        return bad(err, on, NULL, "objectives is not a list of 1 to %d; expected [{name: "
                   "FIELD, direction: max|min}, ...]", GW_EXPLORE_MAX_OBJECTIVES);
    for (size_t i = 0; i < on->nkids; i++) {
        int rc = read_objective(on->kids[i], &s->obj[s->nobj++], err);
        if (rc)
            return rc;
    }
    return GW_OK;
}

static int read_limits(const gw_node *cn, gw_explore_limits *lim, gw_error *err)
{
    static const gw_schema schema = {
        .kind = "constraints", .singular = "explore constraints", .fields = limit_fields,
        .nfields = sizeof limit_fields / sizeof limit_fields[0], .size = sizeof(limits_entry)};
    limits_entry e;
    memset(&e, 0, sizeof e);
    int rc = GW_OK;
    if (cn && cn->kind != GW_NODE_MAP)
        rc = bad(err, cn, NULL, "constraints is %s; expected a mapping of limits",
                 gw_node_kind_name(cn));
    else if (cn)
        rc = gw_decode(&schema, cn, &e, GW_DECODE_SETTINGS, err);
    *lim = e.lim;
    return rc;
}

/* Refused up front: more points than GW_EXPLORE_MAX_POINTS, with what they
 * would take (a point's record in memory, ~60 us a point on a thread:
 * bench/RESULTS.md). */
static int check_size(const gw_explore_spec *s, double n, int threads, const gw_node *at,
                      gw_error *err)
{
    if (n <= (double)GW_EXPLORE_MAX_POINTS)
        return GW_OK;
    double gb = n * (double)sizeof(gw_explore_point) / 1e9;
    double hours = n * 60e-6 / threads / 3600;
    char what[64];
    snprintf(what, sizeof what, "%s design of %.4g points",
             s->design == GW_EXPLORE_GRID ? "a grid" : "a sampled", n);
    char msg[400];
    snprintf(msg, sizeof msg, "%s would take ~%.3g GB of memory and ~%.3g hours on %d "
             "threads; expected at most %lld points (fewer levels, or design: random or lhs "
             "with points: N)", what, gb, hours, threads, GW_EXPLORE_MAX_POINTS);
    if (at)
        return gw_error_set(err, GW_E_INPUT, at->file, at->line, at->col, "%s", msg);
    return gw_error_set(err, GW_E_USAGE, NULL, 0, 0, "explore: %s", msg);
}

/* points and seed draw a random or LHS design: with a grid they would be
 * ignored, so they are refused (a flag, or the section's own design). */
static int sampled_only(const explore_args *a, const gw_node *en, gw_explore_design d,
                        gw_error *err)
{
    if (d != GW_EXPLORE_GRID)
        return GW_OK;
    if (a->points || a->seed)
        return usage(err, "--%s applies to --design random or lhs, not to a grid (every "
                     "combination); expected one of those designs, or no --%s",
                     a->points ? "points" : "seed", a->points ? "points" : "seed");
    const gw_node *k = en && !a->design ? gw_node_key(en, "points") : NULL;
    if (!k && en && !a->design)
        k = gw_node_key(en, "seed");
    if (k)
        return bad(err, k, NULL, "'%s' applies to design random or lhs, not to a grid (every "
                   "combination); expected design: random or lhs, or no %s", k->text, k->text);
    return GW_OK;
}

/* The design from the explore: section under the flags. */
static int read_spec(const explore_args *a, const gw_node *root, gw_explore_spec *s,
                     gw_explore_where *w, gw_error *err)
{
    memset(s, 0, sizeof *s);
    const gw_node *en = gw_node_get(root, "explore");
    explore_section sec; /* zeroed by gw_decode_settings, given or not */
    int rc = gw_decode_settings(&section_schema, en, &sec, err);
    if (rc)
        return rc;
    const char *design = a->design ? a->design : sec.design[0] ? sec.design : "grid";
    s->design = !strcmp(design, "random") ? GW_EXPLORE_RANDOM
                : !strcmp(design, "lhs")  ? GW_EXPLORE_LHS
                                          : GW_EXPLORE_GRID;
    int seed_set = en && gw_field_is_set(&section_schema, &sec, "seed");
    s->seed = a->seed ? strtoull(a->seed, NULL, 10) : seed_set ? (unsigned long long)sec.seed : 1;
    if ((rc = sampled_only(a, en, s->design, err)))
        return rc;
    if ((rc = read_vary(a, en ? sec.vary : NULL, s, w, err)) ||
        (rc = read_objectives(en ? sec.objectives : NULL, s, err)) ||
        (rc = read_limits(en ? sec.constraints : NULL, &s->limits, err)))
        return rc;
    double n = a->points ? strtod(a->points, NULL) : sec.points > 0 ? sec.points : 100;
    const gw_node *at = a->points || !en ? NULL : gw_node_get(en, "points");
    if (s->design == GW_EXPLORE_GRID) {
        n = 1;
        for (int j = 0; j < s->nvary; j++)
            n *= s->vary[j].nlevels;
        at = en && gw_node_get(en, "vary") && a->nvary == 0 ? gw_node_get(en, "vary") : NULL;
    }
    if ((rc = check_size(s, n, a->threads, at, err)))
        return rc;
    s->npoints = (long long)n;
    return gw_explore_prepare(s, err);
}

/* ---- the run --------------------------------------------------------------------------- */

typedef struct explore_run {
    explore_args *a;
    gw_explore_job job;
    gw_explore_store *store; /* rank 0 with --db */
    long long run;
    gw_run_source src;       /* rank 0: what runs it again */
    char hash[GW_SHA256_HEX_LEN + 1];
} explore_run;

static int compute(void *user, const long long *idx, size_t k, void *out, gw_error *err)
{
    return gw_explore_eval(&((explore_run *)user)->job, idx, k, out, err);
}

static int keep(void *user, const long long *idx, size_t k, const void *items, gw_error *err)
{
    explore_run *x = user;
    return x->store ? gw_explore_store_put(x->store, x->run, idx, k, items, err) : GW_OK;
}

/* What identifies the inputs of a stored run: the scenario's bytes, every
 * setting and the design as read. */
static void inputs_hash(const gw_run_source *src, const gw_explore_spec *s, char *hex)
{
    gw_buf b = {0};
    gw_buf_printf(&b, "%s\n%s\n%d %lld %llu\n", src->scenario_sha256, src->sets, (int)s->design,
                  s->npoints, s->seed);
    for (int j = 0; j < s->nvary; j++) {
        const gw_explore_var *v = &s->vary[j];
        gw_buf_printf(&b, "%s %d %.17g %.17g %d %s", v->key, v->is_range, v->low, v->high,
                      v->steps, v->unit);
        for (int k = 0; k < v->nlevels && !v->is_range; k++)
            gw_buf_printf(&b, " %s", v->levels[k]);
        gw_buf_printf(&b, "\n");
    }
    gw_sha256_hex(b.s ? b.s : "", b.len, hex);
    gw_buf_free(&b);
}

/* What runs this explore again: the scenario, its --set and the design's
 * options as given. */
static int run_source(explore_run *x, gw_error *err)
{
    explore_args *a = x->a;
    int rc = gw_cmd_run_source(&a->c, a->c.sets, a->c.nsets, &x->src, err);
    for (int f = 0; f < a->nvary && !rc; f++)
        rc = gw_cmd_run_source_option(&x->src, "vary", a->vary[f], err);
    const char *names[3] = {"design", "points", "seed"};
    const char *values[3] = {a->design, a->points, a->seed};
    for (int k = 0; k < 3 && !rc; k++)
        if (values[k])
            rc = gw_cmd_run_source_option(&x->src, names[k], values[k], err);
    return rc;
}

/* Rank 0 with --db: open the store, begin the run or load the one to resume. */
static int open_store(explore_run *x, const gw_explore_spec *s, gw_explore_result *r,
                      unsigned char *done, gw_error *err)
{
    explore_args *a = x->a;
    int rc = run_source(x, err);
    if (!rc)
        inputs_hash(&x->src, s, x->hash);
    if (!rc && a->db)
        rc = gw_explore_store_open(a->db, &x->store, err);
    if (!rc && a->db && a->resume > 0) {
        x->run = a->resume;
        rc = gw_explore_store_load(x->store, a->resume, x->hash, s->npoints, r->points, done,
                                   err);
    } else if (!rc && a->db) {
        rc = gw_explore_store_begin(x->store, gw_cmd_scenario_name(&a->c), x->hash, s->npoints,
                                    s->seed, &x->src, &x->run, err);
    }
    return rc;
}

/* The points over the transport; rank 0 gets them all in r. */
static int run_points(const gw_par_transport *t, explore_run *x, const gw_explore_spec *s,
                      gw_explore_result *r, gw_error *err)
{
    size_t n = (size_t)s->npoints;
    unsigned char *done = NULL;
    int rc = GW_OK;
    if (t->rank == 0) {
        r->n = s->npoints;
        r->points = malloc(sizeof *r->points * (n ? n : 1));
        done = calloc(n ? n : 1, 1);
        rc = r->points && done ? GW_OK : out_of_memory(err);
        if (!rc)
            rc = open_store(x, s, r, done, err);
    }
    int mine = rc;
    if ((rc = t->agree(t->user, rc)) && !mine)
        gw_error_set(err, rc, NULL, 0, 0, "%s on rank 0", gw_strerror(rc));
    gw_par_items_job job = {.n = s->npoints,
                            .item_bytes = sizeof(gw_explore_point),
                            .round_per_rank = 512LL * x->a->threads,
                            .compute = compute,
                            .keep = keep,
                            .user = x,
                            .progress = x->a->req.progress,
                            .progress_user = x->a->req.progress_user};
    if (!rc)
        rc = gw_par_items_run(t, &job, r->points, done, err);
    if (rc == GW_E_STOPPED && x->store) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        gw_error_set(err, GW_E_STOPPED, NULL, 0, 0,
                     "%.200s; they are kept in %s as run %lld; continue with: %.250s "
                     "--resume %lld --db %s",
                     why, x->a->db, x->run, x->src.command, x->run, x->a->db);
    } else if (rc == GW_E_STOPPED && t->rank == 0) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        gw_error_set(err, GW_E_STOPPED, NULL, 0, 0,
                     "%.200s; none kept; expected --db FILE to keep points as they finish "
                     "(and --resume to continue)", why);
    }
    free(done);
    gw_explore_store_close(x->store);
    x->store = NULL;
    return rc;
}

static int render(const explore_args *a, const char *name, const gw_explore_spec *s,
                  const gw_explore_result *r, gw_command_output *out, gw_error *err)
{
    char *text = GW_CMD_WANT_TEXT(&a->c) ? gw_explore_text(name, s, r) : NULL;
    if (a->c.csv && !(out->csv = gw_explore_csv(s, r))) { /* --csv FILE: every point */
        free(text);
        return out_of_memory(err);
    }
    return gw_cmd_finish(&a->c, name, GW_CMD_WANT_JSON(&a->c) ? gw_explore_json(name, s, r) : NULL,
                         text, out, err);
}

/* The result's name: the scenario's name:, else its file. */
static const char *result_name(const explore_args *a, const gw_node *root)
{
    const gw_node *n = root ? gw_node_get(root, "name") : NULL;
    return n && n->kind == GW_NODE_SCALAR ? n->text : gw_cmd_report_name(&a->c);
}

/* Load, read the design, check its levels, run, summarise, render (rank 0). */
static int explore(const gw_par_transport *t, explore_args *a, gw_command_output *out,
                   gw_error *err)
{
    gw_cmd_loaded l;
    gw_explore_spec *s = calloc(1, sizeof *s);
    gw_explore_where *w = calloc(GW_EXPLORE_MAX_VARY, sizeof *w);
    explore_run *x = calloc(1, sizeof *x); /* a run source is 7 kB */
    gw_explore_result r;
    memset(&r, 0, sizeof r);
    int rc = s && w && x ? gw_cmd_load_tree_and_catalog(&a->c, &l, err) : out_of_memory(err);
    int loaded = rc == GW_OK;
    if (!rc)
        rc = read_spec(a, l.root, s, w, err);
    if (x)
        *x = (explore_run){.a = a, .job = {&a->c, &l.cat, s, w, a->threads}};
    if (!rc)
        rc = gw_explore_check_levels(&x->job, err);
    int mine = rc; /* every rank read the same scenario, or all stop */
    if ((rc = t->agree(t->user, rc)) && !mine)
        gw_error_set(err, rc, NULL, 0, 0, "%s on another MPI rank", gw_strerror(rc));
    if (!rc)
        gw_cmd_phase(&a->c, "explore", "points");
    if (!rc)
        rc = run_points(t, x, s, &r, err);
    if (!rc && t->rank == 0)
        rc = gw_explore_summarise(s, &r, err);
    if (!rc && t->rank == 0)
        rc = render(a, result_name(a, l.root), s, &r, out, err);
    gw_explore_result_free(&r);
    if (s)
        gw_explore_spec_free(s);
    free(s), free(w), free(x);
    if (loaded)
        gw_cmd_loaded_free(&l);
    return rc;
}

int gw_command_explore(const gw_command_request *req, gw_command_output *out, gw_error *err)
{
    memset(out, 0, sizeof *out);
    gw_par_transport local = gw_par_local();
    const gw_par_transport *t = req->par ? req->par : &local;
    explore_args *a = malloc(sizeof *a);
    int rc = a ? read_request(req, 1, a, err) : out_of_memory(err);
    if (!rc)
        rc = explore(t, a, out, err);
    if (rc)
        gw_command_output_free(out);
    free(a);
    return rc;
}
