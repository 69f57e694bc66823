/* include/gigawatt/output.h — turning results into text and JSON (output
 * layer). Functions here build strings; only the CLI decides where they go
 * (written whole or not at all through gigawatt/file.h). */
#ifndef GIGAWATT_OUTPUT_H
#define GIGAWATT_OUTPUT_H

#include <stddef.h>

/* the buffer and file helpers every writer uses, for the callers that
 * found them here before they moved to core */
#include "gigawatt/buffer.h"
#include "gigawatt/file.h"
#include "gigawatt/catalog.h"
#include "gigawatt/plan.h"
#include "gigawatt/perf_cmd.h"
#include "gigawatt/sim_cmd.h"
#include "gigawatt/fleet_cmd.h"
#include "gigawatt/run_source.h"
#include "gigawatt/scenario.h"

/* The one number formatter of every writer (src/output/format.c): no
 * exponent ever reaches a person. */
/* "132 kW", "1.23 GW", "4.10 TWh": value in SI units of `unit` (3 digits). */
void gw_format_si(double v, const char *unit, char *buf, size_t n);
/* "1.23 T USD", "950 M USD", "2.15 USD" */
void gw_format_usd(double v, char *buf, size_t n);
/* A count: every digit, grouped, below a million ("60,530"); "24.53 M",
 * "1.234 B" above */
void gw_format_count(double v, char *buf, size_t n);
/* `sig` significant digits, grouped ("2,800", "0.0183"); "24.3 M" from a
 * million up; "-" for NaN */
void gw_format_number(double v, int sig, char *buf, size_t n);
/* For CSV: an integer as an integer, a real as the shortest %.{1..17}g that
 * reads back to the same double ("800.0000000000107", "0.1") */
void gw_format_real(double v, char *buf, size_t n);
/* Chart axes. The top of a value axis from 0 over data up to m: a round
 * number whose four quarters are round too. */
double gw_format_axis_top(double m);
/* A 1-2-5 step giving at most max_ticks intervals over span, at least
 * min_step (1 for hours or years: never a tick at 0.2 h). */
double gw_format_tick_step(double span, int max_ticks, double min_step);
/* A tick's text: the decimals its step needs, thousands grouped, an SI
 * prefix once the step reaches 10,000 ("20k"); never an exponent. */
void gw_format_tick(double v, double step, char *buf, size_t n);
/* The unit an axis whose values reach `top` (in `unit`) reads best in,
 * into out ("billion USD" up to 11,370 -> "trillion USD"; "thousand USD per
 * hour" up to 0.02 -> "USD per hour"; "s" up to 0.05 -> "ms"); returns the
 * factor from `unit` to it. Units it does not know come back as given. */
double gw_format_axis_unit(double top, const char *unit, char *out, size_t n);

/* Results as text tables and as one JSON object (malloc'd; NULL on OOM). */
char *gw_rack_text(const gw_scenario *sc, const gw_rack_result *r);
char *gw_rack_json(const gw_scenario *sc, const gw_rack_result *r);
char *gw_plan_text(const gw_scenario *sc, const gw_plan_result *r);
char *gw_plan_json(const gw_scenario *sc, const gw_plan_result *r);
char *gw_perf_text(const gw_scenario *sc, const gw_perf_report *r);
char *gw_perf_json(const gw_scenario *sc, const gw_perf_report *r);
/* sim: `cap` may be NULL (no capacity search) */
char *gw_sim_text(const gw_scenario *sc, const gw_sim_report *r, const gw_capacity *cap);
char *gw_sim_json(const gw_scenario *sc, const gw_sim_report *r, const gw_capacity *cap);
/* one row per request: what each request saw (docs/sim.md §4) */
char *gw_sim_requests_csv(const gw_sim_report *r);
/* fleet (docs/fleet.md): summary, per tenant, per hour; the hourly series as CSV */
char *gw_fleet_text(const gw_fleet_report *r);
char *gw_fleet_json(const gw_fleet_report *r);
char *gw_fleet_hourly_csv(const gw_fleet_report *r);
/* Append a fleet run to the SQLite result store at `path` (created if
 * missing), in one transaction, with where it came from (`source`, as a
 * risk run records it too). */
int gw_store_fleet(const char *path, const gw_fleet_report *r, const gw_run_source *source,
                   gw_error *err);
/* A self-contained HTML report of one or more result JSON files of one kind
 * (rack, plan, perf, sim, fleet): charts as inline SVG, their numbers in
 * <details> tables, differences when there are several (docs/commands.md). */
int gw_report_html(const char *const *paths, int n, char **html, gw_error *err);
/* The same for one result held in memory (`--html FILE` on a command); name
 * labels it in the report and in errors. */
int gw_report_html_text(const char *name, const char *json, char **html, gw_error *err);
char *gw_catalog_list_text(const gw_catalog *cat);
char *gw_catalog_list_json(const gw_catalog *cat);
char *gw_catalog_entry_text(const gw_catalog *cat, const gw_catalog_entry *e);
char *gw_catalog_entry_json(const gw_catalog *cat, const gw_catalog_entry *e);

#endif
