/* include/gigawatt/schema.h — typed decoding of gw_node maps (config layer).
 *
 * Each entry kind (accelerator, system, site ...) is described by a table of
 * fields: key, type, dimension, offset into the C struct, and range flags.
 * One decoder applies a YAML mapping to a struct through that table, so a
 * catalog entry and the scenario overrides on top of it go through the same
 * code and give the same errors (unknown key with did-you-mean, dimension
 * mismatch, range) at the right file:line:col. The one field table of the
 * project: catalog kinds (src/catalog/kinds.c), scenario sections
 * (src/scenario/schema.c) and the timeline's numbers (src/plan/timeline.c),
 * whose dates, booleans, defaults and distributions gw_decode_number reads. */
#ifndef GIGAWATT_SCHEMA_H
#define GIGAWATT_SCHEMA_H

#include <stddef.h>

#include "gigawatt/config.h"

#define GW_TEXT_MAX 96
#define GW_IDLIST_MAX 8

typedef enum gw_ftype {
    GW_FT_QTY,    /* double, SI, with the field's dimension */
    GW_FT_TEXT,   /* char[GW_TEXT_MAX] */
    GW_FT_ID,     /* char[GW_TEXT_MAX], an id of `ref_kind` (checked by the caller) */
    GW_FT_IDLIST, /* gw_idlist of ids of `ref_kind` */
    GW_FT_ENUM,   /* char[GW_TEXT_MAX], one of `choices` ("a|b|c") */
    GW_FT_NODE,   /* const gw_node *: a nested value the caller decodes itself */
    GW_FT_QTYLIST /* double[max_items] with its count (int) at count_offset: [1.9, 2.6] */
} gw_ftype;

#define GW_F_REQUIRED 0x01u /* must be set once all layers are applied */
#define GW_F_POSITIVE 0x02u /* > 0 */
#define GW_F_NONNEG 0x04u   /* >= 0 */
#define GW_F_FRACTION 0x08u /* within [0, 1] */
#define GW_F_INTEGER 0x10u  /* a whole number */
#define GW_F_OPEN_UNIT 0x20u /* within (0, 1]: efficiencies */
/* the range flags above, without GW_F_REQUIRED */
#define GW_F_RANGE (GW_F_POSITIVE | GW_F_NONNEG | GW_F_FRACTION | GW_F_INTEGER | GW_F_OPEN_UNIT)
/* What a number may be written as besides a quantity (gw_decode_number): */
#define GW_F_DATE 0x100u /* "2027-Q3": the time from the context's start to that quarter */
#define GW_F_BOOL 0x200u /* true/false (yes/no, on/off, 1/0), stored as 1/0 */
#define GW_F_DIST 0x800u /* a {dist: ...} mapping: its centre, and the caller told so */
/* The need levels of a number: GW_F_REQUIRED (absent: an error naming the
 * key), GW_F_DERIVED, or neither (absent: the field's `dflt`). */
#define GW_F_DERIVED 0x400u /* absent: filled by the resolver (from the models) */

typedef struct gw_field {
    const char *key;
    gw_ftype type;
    gw_dim_id dim;        /* GW_FT_QTY only */
    size_t offset;        /* into the entry struct */
    unsigned flags;       /* GW_F_* */
    const char *ref_kind; /* GW_FT_ID / GW_FT_IDLIST: kind the ids name */
    const char *choices;  /* GW_FT_ENUM: "air|direct-liquid|immersion" */
    const char *help;     /* one line, with the unit, for docs and listings */
    double dflt;          /* GW_FT_QTY neither required nor derived: the value when absent */
    size_t count_offset;  /* GW_FT_QTYLIST: the int that receives the number of items */
    size_t max_items;     /* GW_FT_QTYLIST: capacity of the double array */
} gw_field;

/* Rows of a field table, named so a table reads as a list of keys. */
#define GW_FIELD_QTY(k, T, member, d, fl, h)                                                      \
    {.key = (k), .type = GW_FT_QTY, .dim = (d), .offset = offsetof(T, member), .flags = (fl),    \
     .help = (h)}
#define GW_FIELD_ID(k, T, member, kind, fl, h)                                                    \
    {.key = (k), .type = GW_FT_ID, .offset = offsetof(T, member), .flags = (fl),                 \
     .ref_kind = (kind), .help = (h)}
#define GW_FIELD_ENUM(k, T, member, ch, fl, h)                                                    \
    {.key = (k), .type = GW_FT_ENUM, .offset = offsetof(T, member), .flags = (fl),               \
     .choices = (ch), .help = (h)}
#define GW_FIELD_IDLIST(k, T, member, kind, fl, h)                                                \
    {.key = (k), .type = GW_FT_IDLIST, .offset = offsetof(T, member), .flags = (fl),             \
     .ref_kind = (kind), .help = (h)}
#define GW_FIELD_TEXT(k, T, member, h)                                                            \
    {.key = (k), .type = GW_FT_TEXT, .offset = offsetof(T, member), .help = (h)}
/* a list of quantities, each with the field's dimension and range */
#define GW_FIELD_QTYLIST(k, T, member, count, d, fl, h)                                           \
    {.key = (k), .type = GW_FT_QTYLIST, .dim = (d), .offset = offsetof(T, member), .flags = (fl),\
     .count_offset = offsetof(T, count),                                                         \
     .max_items = sizeof((T *)0)->member / sizeof((T *)0)->member[0], .help = (h)}
#define GW_FIELD_NODE(k, T, member, h)                                                            \
    {.key = (k), .type = GW_FT_NODE, .offset = offsetof(T, member), .help = (h)}

typedef struct gw_idlist {
    int n;
    char id[GW_IDLIST_MAX][GW_TEXT_MAX];
} gw_idlist;

/* First member of every entry struct. */
typedef struct gw_entry_meta {
    char id[GW_TEXT_MAX];
    char name[2 * GW_TEXT_MAX];
    unsigned long long set; /* bit i set: field i has a value */
} gw_entry_meta;

typedef struct gw_schema {
    const char *kind;     /* plural key in catalog files: "systems" */
    const char *singular; /* "system" */
    const gw_field *fields;
    size_t nfields; /* <= 64 (the `set` bitmask) */
    size_t size;    /* sizeof the entry struct */
} gw_schema;

enum {
    GW_DECODE_SCENARIO = 0, /* plain values allowed; `ref` key allowed */
    GW_DECODE_CATALOG = 1,  /* every value must be {value: ..., source: ...}; `id` required */
    GW_DECODE_SETTINGS = 2  /* a settings section (search:, power:, fleet items, a pool):
                               plain values as in a scenario, but no `ref` or `base` — it
                               names no catalog entry, so those keys are unknown, not skipped */
};

/* Apply the keys of `map` to `obj` (whose first member is gw_entry_meta). */
int gw_decode(const gw_schema *s, const gw_node *map, void *obj, int mode, gw_error *err);

/* A settings section: `obj` zeroed, then, when `map` is given, its keys in
 * GW_DECODE_SETTINGS mode ("<kind> is a scalar; expected a mapping of
 * settings" when it is not a mapping). Absent is not an error. */
int gw_decode_settings(const gw_schema *s, const gw_node *map, void *obj, gw_error *err);

/* After all layers: every GW_F_REQUIRED field set? Errors point at `where`. */
int gw_decode_check_required(const gw_schema *s, const void *obj, const gw_node *where,
                             gw_error *err);

/* Parse a scalar node as a quantity of dimension `dim`, with range `flags`;
 * `what` names the value in messages ("load"). */
int gw_decode_quantity(const gw_node *n, const char *what, gw_dim_id dim, unsigned flags,
                       double *out, gw_error *err);

/* The context numbers of a section need (gw_decode_number). */
typedef struct gw_decode_ctx {
    int start_year, start_quarter; /* GW_F_DATE: dates count from this quarter */
    const char *start_name;        /* how messages name it: "the timeline's start" */
    /* GW_F_DIST: the value a deterministic run takes for a {dist: ...}
     * mapping, in the scenario's dialect (the config layer does not know it) */
    int (*dist_centre)(const gw_node *map, const char *what, gw_dim_id dim, unsigned flags,
                       double *out, gw_error *err);
} gw_decode_ctx;

/* One number of field `f` from node `n`, as its flags allow: a distribution
 * (GW_F_DIST: *is_dist = 1, the centre), a boolean (GW_F_BOOL), a quarter
 * (GW_F_DATE) or a quantity with the field's dimension and range. `what`
 * names the value in messages. */
int gw_decode_number(const gw_field *f, const gw_node *n, const char *what,
                     const gw_decode_ctx *ctx, double *out, int *is_dist, gw_error *err);

/* "2027-Q3" -> year 2027, quarter 3; 0 when the text is not such a date. */
int gw_decode_year_quarter(const char *text, int *year, int *quarter);

const gw_field *gw_schema_field(const gw_schema *s, const char *key, size_t *index);
int gw_field_is_set(const gw_schema *s, const void *obj, const char *key);

#endif
