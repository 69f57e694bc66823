/* src/plan/timeline_int.h — the table of the timeline's numeric inputs,
 * shared by the model (range checks that name the input) and the resolver
 * (YAML keys, units, defaults, the risk engine's parameter table). Internal:
 * not installed. One table, so a key, its unit and its range cannot drift
 * apart between the place that reads it and the place that checks it. */
#ifndef GW_TIMELINE_INT_H
#define GW_TIMELINE_INT_H

#include <stddef.h>

#include "gigawatt/timeline.h"

enum {
    GW_TL_OPTIONAL, /* absent: `dflt` */
    GW_TL_REQUIRED, /* absent: an error naming the key */
    GW_TL_DERIVED   /* absent: filled by the resolver from the plan/perf models or finance */
};

#define GW_TL_DATE 0x100u /* "2027-Q3" or a duration after the start */
#define GW_TL_BOOL 0x200u /* true/false, stored as 1/0 */

typedef struct gw_tl_field {
    const char *key;  /* top level: path below timeline: ("supply.accelerator_life");
                         list items: the key inside the item ("duration") */
    size_t offset;    /* of the double, in gw_timeline_input or in the item struct */
    gw_dim_id dim;
    unsigned flags;   /* GW_F_* range + GW_TL_DATE / GW_TL_BOOL */
    int need;         /* GW_TL_* */
    double dflt;      /* GW_TL_OPTIONAL only */
    const char *help; /* one line, for errors and docs */
} gw_tl_field;

/* The lists of the timeline: products, training runs, stages, committed projects. */
typedef struct gw_tl_list {
    const char *path;            /* "demand.products" */
    const gw_tl_field *fields;
    size_t nfields;
    size_t count_offset;         /* int count inside gw_timeline_input */
    size_t items_offset;         /* first item inside gw_timeline_input */
    size_t item_size;
    size_t name_offset;          /* char[GW_TIMELINE_NAME] inside the item */
    int max;
} gw_tl_list;

extern const gw_tl_field gw_tl_top[];
extern const size_t gw_tl_ntop;
extern const gw_tl_list gw_tl_lists[];
extern const size_t gw_tl_nlists;

/* Check one value against a field's range; on failure fill `err` naming
 * `name` ("supply.stages.transformer.duration"), or with err NULL just
 * return GW_E_INPUT. */
int gw_tl_check_value(const gw_tl_field *f, double v, const char *name, gw_error *err);

#endif
