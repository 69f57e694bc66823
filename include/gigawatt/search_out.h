/* include/gigawatt/search_out.h — the cheapest-configuration search
 * (`sim --cheapest`, gw_sim_cheapest) as JSON (kind "sim-search") and as a
 * text table (output layer). Functions build strings (malloc'd; NULL on OOM). */
#ifndef GIGAWATT_SEARCH_OUT_H
#define GIGAWATT_SEARCH_OUT_H

#include "gigawatt/sim_cmd.h"

char *gw_sim_search_json(const gw_sim_search *s);
char *gw_sim_search_text(const gw_sim_search *s);

#endif
