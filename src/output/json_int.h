/* src/output/json_int.h — what every result's JSON writer shares (output
 * layer, internal; src/output/results.c defines them): the kind and
 * version tag a result starts with, and the printed text with its final
 * newline. Used by results.c, timeline_out.c and risk_out.c. */
#ifndef GW_OUTPUT_JSON_INT_H
#define GW_OUTPUT_JSON_INT_H

#include <cjson/cJSON.h>

/* "kind" and "gigawatt_version", first, so a reader (gigawatt report) can
 * refuse what it does not understand. */
void gw_json_tag(cJSON *root, const char *kind);
/* The printed object plus a newline (malloc'd; NULL on OOM); frees root. */
char *gw_json_finish(cJSON *root);

#endif
