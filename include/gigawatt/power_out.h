/* include/gigawatt/power_out.h — `gigawatt power`'s result as JSON (kind
 * "power") and as text (output layer). Strings malloc'd; NULL on OOM. */
#ifndef GIGAWATT_POWER_OUT_H
#define GIGAWATT_POWER_OUT_H

#include "gigawatt/power_cmd.h"

char *gw_power_json(const gw_power_report *r);
char *gw_power_text(const gw_power_report *r);

#endif
