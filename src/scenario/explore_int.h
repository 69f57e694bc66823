/* src/scenario/explore_int.h — what the explorer's files share (scenario
 * layer, private): the evaluator of points (explore_eval.c) and the
 * command (explore_cmd.c). */
#ifndef GW_EXPLORE_INT_H
#define GW_EXPLORE_INT_H

#include "command_int.h"
#include "gigawatt/explore.h"

/* Where each varied field was given, for errors: a --vary flag (file
 * NULL: the origin text names it) or the explore.vary entry's key node. */
typedef struct gw_explore_where {
    char origin[320];      /* "--vary KEY=SPEC": the --set origin of its values */
    const gw_node *node;   /* explore.vary's key node, or NULL for a flag */
} gw_explore_where;

/* Everything a point's evaluation reads, shared by every thread. */
typedef struct gw_explore_job {
    const gw_cmd_args *args;      /* the scenario and its --set, loaded per thread */
    const gw_catalog *cat;
    const gw_explore_spec *spec;
    const gw_explore_where *where;
    int threads;
} gw_explore_job;

/* Check every level of every varied field resolves (with the others at
 * their first level): an unknown key, catalog id or a bad value is bad
 * input, placed at the --vary flag or the explore.vary entry. */
int gw_explore_check_levels(const gw_explore_job *job, gw_error *err);

/* Evaluate points idx[0 .. n) into out[0 .. n) on job->threads threads.
 * A point the models refuse is infeasible with their message, never an
 * error; errors are out of memory and the scenario failing to load. */
int gw_explore_eval(const gw_explore_job *job, const long long *idx, size_t n,
                    gw_explore_point *out, gw_error *err);

#endif
