/* src/scenario/validate_int.h — what validate_cmd.c and validate_replay.c
 * share (scenario layer, private): the replay of a row whose engines are
 * already initialised. */
#ifndef GW_VALIDATE_INT_H
#define GW_VALIDATE_INT_H

#include "gigawatt/validate.h"

/* Replay case c (docs/validate.md §9) on engines[0] (aggregated, or the
 * prefill pool) and engines[1] (the decode pool when c->disagg); the
 * iteration rule is engines[0]'s scheduler (prefill_first). */
int gw_validate_replay_engines(const gw_validate_case *c, const gw_perf_engine *engines,
                               gw_validate_replay_result *out, gw_error *err);

#endif
