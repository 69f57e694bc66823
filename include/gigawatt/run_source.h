/* include/gigawatt/run_source.h — where a stored run came from (scenario
 * layer fills it, src/scenario/run_source.c; the result store keeps it,
 * src/output/store.c): the same record for a fleet run and a risk run, so
 * either can be run again from the store alone (docs/commands.md, runs). */
#ifndef GIGAWATT_RUN_SOURCE_H
#define GIGAWATT_RUN_SOURCE_H

#include "gigawatt/sha256.h"

typedef struct gw_run_source {
    /* gigawatt KIND SCENARIO --set 'K=V' ..., shell-quoted, the scenario by
     * its absolute path and every setting (flags included, as the --set
     * they stand for) in order: pasted into a shell it runs the same inputs
     * again (add --json to compare) */
    char command[4096];
    char scenario_path[1024]; /* absolute; "" for scenario text or flags alone */
    /* SHA-256 of the scenario as read (the file's bytes: `sha256sum FILE`,
     * or the text given); "" for flags alone. Files it includes are not
     * hashed. */
    char scenario_sha256[GW_SHA256_HEX_LEN + 1];
    char sets[2048]; /* the settings of `command`, one "K=V" a line */
} gw_run_source;

#endif
