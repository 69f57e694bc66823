/* include/gigawatt/supply_cmd.h — the scenario's `supply_chain:` section
 * resolved into a gw_supply_input (scenario layer; docs/supply.md §5).
 *
 * Products are catalog systems: their bills of materials come from the
 * system and its accelerator (new keys packages_per_wafer, packaging_yield,
 * hbm_stacks, hbm_stack_capacity, switch_trays, power_shelves), and the site
 * power one package takes from the rack model on the scenario's site. Every
 * number may be a {dist: ...} (its centre here; risk draws it): with
 * `params`, each becomes a row named supply_chain.<path> whose offset is
 * counted from `base` (the gw_timeline_input that holds `in`). */
#ifndef GIGAWATT_SUPPLY_CMD_H
#define GIGAWATT_SUPPLY_CMD_H

#include "gigawatt/catalog.h"
#include "gigawatt/config.h"
#include "gigawatt/supply.h"
#include "gigawatt/timeline.h"

/* Does the scenario have a supply_chain: section? */
int gw_supply_present(const gw_node *root);

/* Resolve it. With in->quarters > 0 (set by the timeline, with start_year
 * and start_q) the section may not give start: or horizon:; without, it
 * must. Bad input: GW_E_INPUT at file:line:col. */
int gw_supply_resolve(const gw_catalog *cat, const gw_node *root, gw_supply_input *in,
                      gw_timeline_params *params, const void *base, gw_error *err);

#endif
