/* include/gigawatt/supply_out.h — the supply chain as text and JSON (output
 * layer). `gigawatt plan --json` on a scenario with a supply_chain: section
 * adds a "supply_chain" member to the plan result: by_quarter[] and
 * by_year[] (keys in docs/supply.md §6). `tl` and `tr` are the timeline's
 * input and result when the scenario has one (NULL otherwise): with the
 * allocation typed in, the chain is reported as a check against it. */
#ifndef GIGAWATT_SUPPLY_OUT_H
#define GIGAWATT_SUPPLY_OUT_H

#include "gigawatt/supply.h"
#include "gigawatt/timeline.h"

/* `json` (a result object) with a "supply_chain" member added (malloc'd;
 * NULL on OOM or when `json` is not a JSON object). */
char *gw_supply_json_merge(const char *json, const gw_supply_input *in,
                           const gw_supply_report *rep, const gw_timeline_input *tl,
                           const gw_timeline_result *tr);

/* A result of kind "supply_chain" with one member, "supply_chain": `plan`
 * on a scenario with a supply chain and neither a target nor a timeline. */
char *gw_supply_json(const gw_supply_input *in, const gw_supply_report *rep);

/* A yearly table: output, racks, the lab's share, the binding component,
 * output by vendor, slack (malloc'd; NULL on OOM). */
char *gw_supply_text(const gw_supply_input *in, const gw_supply_report *rep,
                     const gw_timeline_input *tl, const gw_timeline_result *tr);

#endif
