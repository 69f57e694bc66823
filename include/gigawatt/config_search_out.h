/* include/gigawatt/config_search_out.h — a configuration search's result
 * (`gigawatt search`, gw_search_run) as JSON (kind "config-search"), text
 * and CSV (output layer). Functions build strings (malloc'd; NULL on OOM).
 * Not the sim's cheapest-configuration search: that is search_out.h. */
#ifndef GIGAWATT_CONFIG_SEARCH_OUT_H
#define GIGAWATT_CONFIG_SEARCH_OUT_H

#include "gigawatt/config_search.h"
#include "gigawatt/scenario.h"

/* What `gigawatt search` ran and found. */
typedef struct gw_search_report {
    const gw_scenario *sc;   /* model, hardware, stack */
    gw_search_spec spec;     /* after defaults */
    gw_search_result result;
    double seconds;          /* wall-clock of the search: in the text only, so the JSON
                                of a spec is always the same bytes */
} gw_search_report;

char *gw_config_search_json(const gw_search_report *r);
char *gw_config_search_text(const gw_search_report *r);
/* One row per front point (the best flagged), for spreadsheets and plots. */
char *gw_config_search_csv(const gw_search_report *r);

#endif
