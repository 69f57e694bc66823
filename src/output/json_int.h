/* src/output/json_int.h — what the result writers' JSON shares (output
 * layer, internal): the kind and version tag a result starts with, numbers
 * (or null), the inputs block of a facility or a model result, and the
 * printed text with its final newline. src/output/common_out.c defines
 * them, except the per-rack object, which src/output/rack_out.c defines and
 * plan_out.c reuses. */
#ifndef GW_OUTPUT_JSON_INT_H
#define GW_OUTPUT_JSON_INT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "gigawatt/output.h"

/* "kind" and "gigawatt_version", first, so a reader (gigawatt report) can
 * refuse what it does not understand. */
void gw_json_tag(cJSON *root, const char *kind);
/* The printed object plus a newline (malloc'd; NULL on OOM); frees root. */
char *gw_json_finish(cJSON *root);

/* o[k] = v; the new item (NULL on OOM). */
cJSON *gw_json_num(cJSON *o, const char *k, double v);
/* A number, or null when it does not exist (infeasible, no cost known):
 * never a made-up value. */
void gw_json_num_or_null(cJSON *o, const char *k, double v, int have);
/* o[k] = [v[0], ..., v[n-1]] */
void gw_json_array(cJSON *o, const char *k, const double *v, size_t n);

/* The "inputs" of a rack or plan result: scenario, system, accelerator,
 * cooling, site, power chain and the load it was computed at. */
void gw_json_facility_inputs(cJSON *root, const gw_scenario *sc, double load);
/* The "inputs" of a perf or sim result (returned, to add to): scenario,
 * model, hardware, stack. */
cJSON *gw_json_model_inputs(cJSON *o, const gw_scenario *sc);
/* One rack's figures (rack_out.c): the body of a rack result, and each of
 * a plan's per-rack objects. */
cJSON *gw_json_rack_object(const gw_rack_result *r);

#endif
