/* src/plan/timeline_int.h — the table of the timeline's numeric inputs,
 * shared by the model (range checks that name the input) and the resolver
 * (YAML keys, units, defaults, the risk engine's parameter table). Internal:
 * not installed. One table, so a key, its unit and its range cannot drift
 * apart between the place that reads it and the place that checks it. */
#ifndef GW_TIMELINE_INT_H
#define GW_TIMELINE_INT_H

#include <stddef.h>

#include "gigawatt/schema.h"
#include "gigawatt/timeline.h"

/* Each input is a gw_field row (include/gigawatt/schema.h) of type
 * GW_FT_QTY: key — at the top level the path below timeline:
 * ("supply.accelerator_life"), in a list item the key inside the item
 * ("duration"); offset of the double in gw_timeline_input or the item
 * struct; the need level in its flags (GW_F_REQUIRED, GW_F_DERIVED, or
 * neither: `dflt`), with GW_F_DATE / GW_F_BOOL for how it is written and
 * GW_F_DIST on every row (risk draws any of them). The config layer's
 * gw_decode_number reads each. */

/* The lists of the timeline: products, training runs, stages, committed projects. */
typedef struct gw_tl_list {
    const char *path;            /* "demand.products" */
    const gw_field *fields;
    size_t nfields;
    size_t count_offset;         /* int count inside gw_timeline_input */
    size_t items_offset;         /* first item inside gw_timeline_input */
    size_t item_size;
    size_t name_offset;          /* char[GW_TIMELINE_NAME] inside the item */
    int max;
} gw_tl_list;

extern const gw_field gw_tl_top[];
extern const size_t gw_tl_ntop;
extern const gw_tl_list gw_tl_lists[];
extern const size_t gw_tl_nlists;

/* Check one value against a field's range; on failure fill `err` naming
 * `name` ("supply.stages.transformer.duration"), or with err NULL just
 * return GW_E_INPUT. */
int gw_tl_check_value(const gw_field *f, double v, const char *name, gw_error *err);

#endif
