/* src/config/decode.c — table-driven decoding of mappings into structs
 * (config layer). See include/gigawatt/schema.h for the contract. */
#include "gigawatt/schema.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_null(const gw_node *n)
{
    return n->kind == GW_NODE_SCALAR && !n->quoted &&
           (n->text[0] == '\0' || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0 ||
            strcmp(n->text, "Null") == 0 || strcmp(n->text, "NULL") == 0);
}

/* "a power like '700 W'", "an energy like '1.5 MWh'"; a number without a
 * unit by what it counts: "a whole number like '8'", "a number like '0.8'". */
static const char *dim_phrase(gw_dim_id dim, unsigned flags, const char *example, char *buf,
                              size_t n)
{
    if (dim == GW_DIM_NONE)
        snprintf(buf, n, "%s like '%s'", flags & GW_F_INTEGER ? "a whole number" : "a number",
                 flags & GW_F_INTEGER ? "8" : "0.8");
    else {
        const char *name = gw_dim_name(gw_dim_of(dim));
        snprintf(buf, n, "%s %s like '%s'", strchr("aeiou", name[0]) ? "an" : "a", name,
                 example ? example : gw_dim_example(dim));
    }
    return buf;
}

/* The unit a planner writes a key in, where the dimension's example unit
 * would read oddly ("30 W" of grid power); else the example's unit. */
static const char *natural_unit(const char *what, gw_dim_id dim)
{
    static const struct { const char *key, *unit; } units[] = {
        {"grid_power", "GW"}, {"it_power", "MW"}, {"budget", "USD"}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(what, units[i].key) == 0)
            return units[i].unit;
    const char *space = strchr(gw_dim_example(dim), ' ');
    return space ? space + 1 : "";
}

/* A value given on the command line (--tp 2, --set perf.tp=2) is named by
 * its option, so its message does not repeat the key: "'x' is not a number"
 * where a file's says "tp 'x' is not a number". */
static const char *subject(const gw_node *n, const char *what, char *buf, size_t cap)
{
    if (n->line == 0 && n->file[0])
        return "";
    snprintf(buf, cap, "%s ", what);
    return buf;
}

/* The text is no number at all ("x", "eight"): the parser's span is empty. */
static int not_a_number(const char *text)
{
    char *end;
    while (*text == ' ')
        text++;
    (void)strtod(text, &end);
    return end == text;
}

static int no_unit(const gw_node *n, const char *subj, const char *what, gw_dim_id dim,
                   unsigned flags, gw_error *err)
{
    char example[96], expect[160];
    snprintf(example, sizeof example, "%.40s %s", n->text, natural_unit(what, dim));
    return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col,
                        "%s'%.80s' has no unit; expected %s", subj, n->text,
                        dim_phrase(dim, flags, example, expect, sizeof expect));
}

static const char *out_of_range(unsigned flags, double v)
{
    if ((flags & GW_F_POSITIVE) && !(v > 0))
        return "a value greater than zero";
    if ((flags & GW_F_NONNEG) && v < 0)
        return "a value of zero or more";
    if ((flags & GW_F_FRACTION) && (v < 0 || v > 1))
        return "a value between 0 and 1 (or 0 % to 100 %)";
    if ((flags & GW_F_OPEN_UNIT) && (v <= 0 || v > 1))
        return "a value above 0 and at most 1 (or 100 %)";
    if ((flags & GW_F_INTEGER) && fabs(v - nearbyint(v)) > 1e-9)
        return "a whole number";
    if ((flags & GW_F_INTEGER) && fabs(v) > 1e15)
        return "a whole number of at most 1e15";
    return NULL;
}

int gw_decode_quantity(const gw_node *n, const char *what, gw_dim_id dim, unsigned flags,
                       double *out, gw_error *err)
{
    /* the phrases only an error needs, made only then: a scenario resolves
     * dozens of quantities, the explorer's points hundreds of thousands */
    char expect[160], sb[96];
#define EXPECT dim_phrase(dim, flags, NULL, expect, sizeof expect)
#define SUBJ subject(n, what, sb, sizeof sb)
    if (is_null(n))
        return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col,
                            "'%s' has no value; expected %s", what, EXPECT);
    if (n->kind != GW_NODE_SCALAR)
        return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col,
                            "'%s' is %s; expected %s", what, gw_node_kind_name(n), EXPECT);
    if (not_a_number(n->text))
        return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col,
                            "%s'%.80s' is not a number; expected %s", SUBJ, n->text, EXPECT);
    double v;
    gw_dim d;
    char why[256];
    int col = 0;
    if (gw_quantity_parse(n->text, &v, &d, why, sizeof why, &col)) {
        if (!SUBJ[0]) /* the option is the place */
            return gw_error_set(err, GW_E_INPUT, n->file, 0, 0, "%s", why);
        return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col + (n->quoted ? 1 : 0) + col,
                            "%s: %s", what, why);
    }
    if (!gw_dim_equal(d, gw_dim_of(dim))) {
        /* a bare number where a unit is needed: "700" for a power; zero needs none */
        gw_dim none = gw_dim_of(GW_DIM_NONE);
        if (gw_dim_equal(d, none) && v != 0.0)
            return no_unit(n, SUBJ, what, dim, flags, err);
        if (!gw_dim_equal(d, none)) {
            char got[96];
            const char *name = gw_dim_name(d);
            if (!name[0]) {
                gw_dim_format(d, got, sizeof got);
                name = got;
            }
            return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col,
                                "%s'%.80s' is %s%s; expected %s", SUBJ, n->text,
                                !gw_dim_name(d)[0]             ? "in "
                                : strchr("aeiou", name[0]) ? "an "
                                                               : "a ",
                                name, EXPECT);
        }
    }
    const char *bad = out_of_range(flags, v);
    if (bad && SUBJ[0])
        return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col,
                            "%s is %.80s; expected %s", what, n->text, bad);
    if (bad)
        return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col,
                            "'%.80s' is out of range; expected %s", n->text, bad);
    *out = v;
    return GW_OK;
#undef EXPECT
#undef SUBJ
}

const gw_field *gw_schema_field(const gw_schema *s, const char *key, size_t *index)
{
    for (size_t i = 0; i < s->nfields; i++)
        if (strcmp(s->fields[i].key, key) == 0) {
            if (index)
                *index = i;
            return &s->fields[i];
        }
    return NULL;
}

int gw_field_is_set(const gw_schema *s, const void *obj, const char *key)
{
    size_t i;
    if (!gw_schema_field(s, key, &i))
        return 0;
    return (((const gw_entry_meta *)obj)->set >> i) & 1u;
}

static int unknown_key(const gw_schema *s, const gw_node *k, int mode, gw_error *err)
{
    const char *cands[70];
    size_t n = 0;
    for (size_t i = 0; i < s->nfields && n < 64; i++)
        cands[n++] = s->fields[i].key;
    cands[n++] = "name";
    if (mode != GW_DECODE_SETTINGS) {
        cands[n++] = mode == GW_DECODE_CATALOG ? "id" : "ref";
        cands[n++] = "base";
    }
    const char *sug = gw_suggest(k->text, cands, n);
    if (sug)
        return gw_error_set(err, GW_E_INPUT, k->file, k->line, k->col,
                            "unknown key '%.60s' in %s; did you mean '%s'?", k->text,
                            s->singular, sug);
    return gw_error_set(err, GW_E_INPUT, k->file, k->line, k->col,
                        "unknown key '%.60s' in %s; expected one of the %s fields in "
                        "docs/catalog.md",
                        k->text, s->singular, s->singular);
}

static int copy_text(const gw_node *v, const char *what, char *dst, size_t cap, gw_error *err)
{
    if (v->kind != GW_NODE_SCALAR || is_null(v))
        return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                            "'%s' is %s; expected text", what,
                            v->kind == GW_NODE_SCALAR ? "empty" : gw_node_kind_name(v));
    if (strlen(v->text) >= cap)
        return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                            "'%s' is longer than %zu characters; expected a shorter text", what,
                            cap - 1);
    snprintf(dst, cap, "%s", v->text);
    return GW_OK;
}

/* A catalog value: {value: "700 W", source: "...", note/fact/low/high/date}. */
static int catalog_value(const gw_node *v, const char *key, const gw_node **value,
                         gw_error *err)
{
    if (v->kind != GW_NODE_MAP)
        return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                            "catalog value '%s' has no source; expected {value: ..., source: "
                            "...}",
                            key);
    static const char *const allowed[] = {"value", "source", "note", "fact", "low", "high",
                                          "date"};
    for (size_t i = 0; i + 1 < v->nkids; i += 2) {
        const gw_node *k = v->kids[i];
        size_t j;
        for (j = 0; j < sizeof allowed / sizeof allowed[0]; j++)
            if (strcmp(k->text, allowed[j]) == 0)
                break;
        if (j == sizeof allowed / sizeof allowed[0]) {
            const char *sug = gw_suggest(k->text, allowed, sizeof allowed / sizeof allowed[0]);
            return gw_error_set(err, GW_E_INPUT, k->file, k->line, k->col,
                                "unknown key '%.60s' in a catalog value; %s%s%s", k->text,
                                sug ? "did you mean '" : "expected value, source, note, fact, "
                                                         "low, high or date",
                                sug ? sug : "", sug ? "'?" : "");
        }
    }
    const gw_node *val = gw_node_get(v, "value");
    const gw_node *src = gw_node_get(v, "source");
    if (!val)
        return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                            "catalog value '%s' has no 'value'; expected {value: ..., source: "
                            "...}",
                            key);
    if (!src || src->kind != GW_NODE_SCALAR || is_null(src))
        return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                            "catalog value '%s' has no source; expected a 'source:' with a URL "
                            "or citation",
                            key);
    *value = val;
    return GW_OK;
}

/* A quantity: a number with its unit; a catalog entry's {value:, source:}
 * form, which a scenario may also use. */
static int decode_qty(const gw_field *f, const gw_node *v, int mode, char *dst, gw_error *err)
{
    int rc;
    const gw_node *val = v;
    if (mode == GW_DECODE_CATALOG && (rc = catalog_value(v, f->key, &val, err)))
        return rc;
    if (mode != GW_DECODE_CATALOG && v->kind == GW_NODE_MAP) {
        /* a scenario may also use the catalog form */
        val = gw_node_get(v, "value");
        if (!val)
            return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                                "'%s' is a mapping without 'value'; expected a value "
                                "like '%s'",
                                f->key, gw_dim_example(f->dim));
    }
    double x;
    int is_dist; /* no context: dates and {dist:} need a section that gives one */
    if ((rc = gw_decode_number(f, val, f->key, NULL, &x, &is_dist, err)))
        return rc;
    memcpy(dst, &x, sizeof x);
    return GW_OK;
}

/* A choice, one of f->choices ("a|b|c"); it may carry its source like a
 * number: {value: gqa, source: ...}. */
static int decode_enum(const gw_field *f, const gw_node *v, int mode, char *dst, gw_error *err)
{
    int rc;
    const gw_node *val = v;
    if (v->kind == GW_NODE_MAP) {
        if (mode == GW_DECODE_CATALOG) {
            if ((rc = catalog_value(v, f->key, &val, err)))
                return rc;
        } else if (!(val = gw_node_get(v, "value")))
            return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                                "'%s' is a mapping without 'value'; expected one of %s",
                                f->key, f->choices);
    }
    if ((rc = copy_text(val, f->key, dst, GW_TEXT_MAX, err)))
        return rc;
    const char *c = f->choices;
    size_t len = strlen(dst);
    int ok = 0;
    while (*c) {
        const char *bar = strchr(c, '|');
        size_t l = bar ? (size_t)(bar - c) : strlen(c);
        if (l == len && memcmp(c, dst, l) == 0)
            ok = 1;
        c += l + (bar ? 1 : 0);
    }
    char sb[96];
    if (!ok)
        return gw_error_set(err, GW_E_INPUT, val->file, val->line, val->col,
                            "%s'%.60s' is not known; expected one of %s",
                            subject(val, f->key, sb, sizeof sb), dst,
                            f->choices);
    return GW_OK;
}

/* A list of catalog ids, at most GW_IDLIST_MAX. */
static int decode_idlist(const gw_field *f, const gw_node *v, char *dst, gw_error *err)
{
    gw_idlist *l = (gw_idlist *)dst;
    if (v->kind != GW_NODE_SEQ)
        return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                            "'%s' is %s; expected a list of %s ids", f->key,
                            gw_node_kind_name(v), f->ref_kind);
    if (v->nkids > GW_IDLIST_MAX)
        return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                            "'%s' has %zu entries; expected at most %d", f->key, v->nkids,
                            GW_IDLIST_MAX);
    l->n = 0;
    for (size_t j = 0; j < v->nkids; j++) {
        int rc = copy_text(v->kids[j], f->key, l->id[l->n++], GW_TEXT_MAX, err);
        if (rc)
            return rc;
    }
    return GW_OK;
}

/* A list of quantities, [1.92, 2.58]: each item is checked like a single
 * value of the field (dimension, range) and errors point at the item; a
 * catalog list carries one source for the whole list. */
static int decode_qtylist(const gw_field *f, const gw_node *v, int mode, char *obj,
                          gw_error *err)
{
    int rc;
    const gw_node *val = v;
    if (mode == GW_DECODE_CATALOG && (rc = catalog_value(v, f->key, &val, err)))
        return rc;
    if (val->kind != GW_NODE_SEQ)
        return gw_error_set(err, GW_E_INPUT, val->file, val->line, val->col,
                            "'%s' is %s; expected a list of numbers like [%s, %s]", f->key,
                            gw_node_kind_name(val), gw_dim_example(f->dim),
                            gw_dim_example(f->dim));
    if (val->nkids == 0 || val->nkids > f->max_items)
        return gw_error_set(err, GW_E_INPUT, val->file, val->line, val->col,
                            "'%s' has %zu items; expected 1 to %zu", f->key, val->nkids,
                            f->max_items);
    double *items = (double *)(obj + f->offset);
    for (size_t j = 0; j < val->nkids; j++) {
        char what[128];
        snprintf(what, sizeof what, "%s item %zu", f->key, j + 1);
        unsigned range = f->flags & GW_F_RANGE;
        if ((rc = gw_decode_quantity(val->kids[j], what, f->dim, range, &items[j], err)))
            return rc;
    }
    int n = (int)val->nkids;
    memcpy(obj + f->count_offset, &n, sizeof n);
    return GW_OK;
}

/* One field's value v into its place in obj, by the field's type. */
static int decode_field(const gw_field *f, const gw_node *v, int mode, char *obj,
                        gw_error *err)
{
    char *dst = obj + f->offset;
    switch (f->type) {
    case GW_FT_QTY:
        return decode_qty(f, v, mode, dst, err);
    case GW_FT_TEXT:
    case GW_FT_ID:
        return copy_text(v, f->key, dst, GW_TEXT_MAX, err);
    case GW_FT_ENUM:
        return decode_enum(f, v, mode, dst, err);
    case GW_FT_NODE:
        memcpy(dst, &v, sizeof v);
        return GW_OK;
    case GW_FT_IDLIST:
        return decode_idlist(f, v, dst, err);
    case GW_FT_QTYLIST:
        return decode_qtylist(f, v, mode, obj, err);
    }
    return GW_OK;
}

int gw_decode(const gw_schema *s, const gw_node *map, void *obj, int mode, gw_error *err)
{
    gw_entry_meta *meta = obj;
    if (map->kind != GW_NODE_MAP)
        return gw_error_set(err, GW_E_INPUT, map->file, map->line, map->col,
                            "%s is %s; expected a mapping of its fields", s->singular,
                            gw_node_kind_name(map));
    for (size_t i = 0; i + 1 < map->nkids; i += 2) {
        const gw_node *k = map->kids[i], *v = map->kids[i + 1];
        int rc;
        if (strcmp(k->text, "id") == 0 && mode == GW_DECODE_CATALOG) {
            if ((rc = copy_text(v, "id", meta->id, sizeof meta->id, err)))
                return rc;
            continue;
        }
        if ((strcmp(k->text, "ref") == 0 && mode == GW_DECODE_SCENARIO) ||
            (strcmp(k->text, "base") == 0 && mode != GW_DECODE_SETTINGS))
            continue; /* resolved by the caller before this layer (base: the entry
                         copied, docs/catalog.md "Hypothetical entries") */
        if (strcmp(k->text, "name") == 0) {
            if ((rc = copy_text(v, "name", meta->name, sizeof meta->name, err)))
                return rc;
            continue;
        }
        size_t fi;
        const gw_field *f = gw_schema_field(s, k->text, &fi);
        if (!f)
            return unknown_key(s, k, mode, err);
        if ((rc = decode_field(f, v, mode, (char *)obj, err)))
            return rc;
        meta->set |= 1ull << fi;
    }
    if (mode == GW_DECODE_CATALOG && !meta->id[0])
        return gw_error_set(err, GW_E_INPUT, map->file, map->line, map->col,
                            "%s entry has no 'id'; expected an id like 'h100-sxm'", s->singular);
    return GW_OK;
}

int gw_decode_settings(const gw_schema *s, const gw_node *map, void *obj, gw_error *err)
{
    memset(obj, 0, s->size);
    if (!map)
        return GW_OK;
    if (map->kind != GW_NODE_MAP)
        return gw_error_set(err, GW_E_INPUT, map->file, map->line, map->col,
                            "%s is %s; expected a mapping of settings", s->kind,
                            gw_node_kind_name(map));
    return gw_decode(s, map, obj, GW_DECODE_SETTINGS, err);
}

int gw_decode_check_required(const gw_schema *s, const void *obj, const gw_node *where,
                             gw_error *err)
{
    const gw_entry_meta *meta = obj;
    for (size_t i = 0; i < s->nfields; i++) {
        const gw_field *f = &s->fields[i];
        if ((f->flags & GW_F_REQUIRED) && !((meta->set >> i) & 1u)) {
            char expect[128] = "an id";
            if (f->type == GW_FT_QTY)
                dim_phrase(f->dim, f->flags, NULL, expect, sizeof expect);
            else if (f->type == GW_FT_ENUM)
                snprintf(expect, sizeof expect, "one of %s", f->choices);
            else if (f->type == GW_FT_IDLIST)
                snprintf(expect, sizeof expect, "a list of %s ids", f->ref_kind);
            else if (f->type == GW_FT_QTYLIST)
                snprintf(expect, sizeof expect, "a list of numbers");
            if (!meta->id[0]) /* settings sections have no id */
                return gw_error_set(err, GW_E_INPUT, where ? where->file : NULL,
                                    where ? where->line : 0, where ? where->col : 0,
                                    "%s: no '%s'; expected %s", s->kind, f->key, expect);
            return gw_error_set(err, GW_E_INPUT, where ? where->file : NULL,
                                where ? where->line : 0, where ? where->col : 0,
                                "%s '%s' has no '%s'; expected %s", s->singular, meta->id,
                                f->key, expect);
        }
    }
    return GW_OK;
}

/* ---- numbers that may be dates, booleans or distributions ------------------------ */

int gw_decode_year_quarter(const char *text, int *year, int *quarter)
{
    int y, k, used = 0;
    if (sscanf(text, "%4d-Q%1d%n", &y, &k, &used) != 2 || text[used] || k < 1 || k > 4 ||
        y < 1900 || y > 2200)
        return 0;
    *year = y, *quarter = k;
    return 1;
}

static int is_true(const char *t)
{
    return !strcmp(t, "true") || !strcmp(t, "yes") || !strcmp(t, "on") || !strcmp(t, "1");
}

static int is_false(const char *t)
{
    return !strcmp(t, "false") || !strcmp(t, "no") || !strcmp(t, "off") || !strcmp(t, "0");
}

int gw_decode_number(const gw_field *f, const gw_node *n, const char *what,
                     const gw_decode_ctx *ctx, double *out, int *is_dist, gw_error *err)
{
    unsigned range = f->flags & GW_F_RANGE;
    *is_dist = 0;
    if ((f->flags & GW_F_DIST) && ctx && ctx->dist_centre && n->kind == GW_NODE_MAP &&
        gw_node_get(n, "dist")) {
        *is_dist = 1;
        return ctx->dist_centre(n, what, f->dim, range, out, err);
    }
    if ((f->flags & GW_F_BOOL) && n->kind == GW_NODE_SCALAR) {
        if (is_true(n->text) || is_false(n->text)) {
            *out = is_true(n->text);
            return GW_OK;
        }
        return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col,
                            "'%s' is '%.60s'; expected true or false", what, n->text);
    }
    int y, q;
    if ((f->flags & GW_F_DATE) && ctx && n->kind == GW_NODE_SCALAR &&
        gw_decode_year_quarter(n->text, &y, &q)) {
        double quarters = (y - ctx->start_year) * 4.0 + (q - ctx->start_quarter);
        if (quarters < 0)
            return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col,
                                "'%s' is %.40s, before %s; expected a date from the start on",
                                what, n->text, ctx->start_name ? ctx->start_name : "the start");
        *out = quarters * (GW_SECONDS_PER_YEAR / 4.0);
        return GW_OK;
    }
    return gw_decode_quantity(n, what, f->dim, range, out, err);
}
