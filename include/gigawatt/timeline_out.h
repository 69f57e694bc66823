/* include/gigawatt/timeline_out.h — the build-out timeline as text and JSON
 * (output layer). Functions build strings; only the CLI decides where they go.
 *
 * JSON: `gigawatt plan --json` on a scenario with a timeline: section prints
 * the plan result (kind "plan") with one more member, "timeline", built by
 * gw_timeline_json_merge(); gw_timeline_json() gives the same object alone
 * as a result of kind "timeline". Keys are listed in docs/timeline.md §7. */
#ifndef GIGAWATT_TIMELINE_OUT_H
#define GIGAWATT_TIMELINE_OUT_H

#include "gigawatt/timeline.h"

/* "2027-Q3" for quarter index q of the result. */
/* "2027-Q3": quarter q (0-based) of a series starting at start_q of start_year. */
void gw_quarter_label(int start_year, int start_q, int q, char *buf, size_t n);
void gw_timeline_quarter_label(const gw_timeline_result *r, int q, char *buf, size_t n);

/* A yearly table and the totals (malloc'd; NULL on OOM). */
char *gw_timeline_text(const gw_timeline_input *in, const gw_timeline_result *r);
/* A result of kind "timeline" (malloc'd; NULL on OOM); `params` may be NULL. */
char *gw_timeline_json(const gw_timeline_input *in, const gw_timeline_params *params,
                       const gw_timeline_result *r);
/* `json` (a result object) with a "timeline" member added (malloc'd; NULL
 * on OOM or when `json` is not a JSON object). */
char *gw_timeline_json_merge(const char *json, const gw_timeline_input *in,
                             const gw_timeline_params *params, const gw_timeline_result *r);

#endif
