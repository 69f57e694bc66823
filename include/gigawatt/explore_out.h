/* include/gigawatt/explore_out.h — an explore result as JSON, text and CSV
 * (output layer, src/output/explore_out.c), and its points in the SQLite
 * result store (src/output/explore_store.c). JSON members the checks rely
 * on: objectives, points ({params, objectives, feasible, why}), pareto,
 * best (docs/explore.md §6). */
#ifndef GIGAWATT_EXPLORE_OUT_H
#define GIGAWATT_EXPLORE_OUT_H

#include "gigawatt/explore.h"
#include "gigawatt/run_source.h"

/* `name`: the scenario's name: (or file). malloc'd, NULL out of memory. */
char *gw_explore_json(const char *name, const gw_explore_spec *s, const gw_explore_result *r);
char *gw_explore_text(const char *name, const gw_explore_spec *s, const gw_explore_result *r);
/* every point, every result field */
char *gw_explore_csv(const gw_explore_spec *s, const gw_explore_result *r);

/* ---- the store: tables explore_runs and explore_points (docs/explore.md §7) ---- */
typedef struct gw_explore_store gw_explore_store;
int gw_explore_store_open(const char *path, gw_explore_store **out, gw_error *err);
void gw_explore_store_close(gw_explore_store *st);
/* A new run: *run its id. `hash` identifies the inputs (scenario, sets, design). */
int gw_explore_store_begin(gw_explore_store *st, const char *name, const char *hash,
                           long long npoints, unsigned long long seed, const gw_run_source *src,
                           long long *run, gw_error *err);
/* Run `run`'s stored points into points[] with done[] set, after checking
 * it was made from the same inputs (`hash`, npoints). */
int gw_explore_store_load(gw_explore_store *st, long long run, const char *hash,
                          long long npoints, gw_explore_point *points, unsigned char *done,
                          gw_error *err);
/* k points (indices idx) in one transaction. */
int gw_explore_store_put(gw_explore_store *st, long long run, const long long *idx, size_t k,
                         const gw_explore_point *points, gw_error *err);

#endif
