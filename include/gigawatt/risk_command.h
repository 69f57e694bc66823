/* include/gigawatt/risk_command.h — `risk` and `runs` as library calls
 * (scenario layer, src/scenario/risk_command.c): what gw_command_run
 * (include/gigawatt/command.h) runs for these two commands, and
 * gw_command_check / gw_command_options check and list, so that the CLI
 * and the Python module run a risk analysis through the library alone.
 * A bad option's message is the CLI's ("--draws needs a whole number from
 * 1 to N, not 'x'; see gigawatt risk --help").
 *
 * risk options, by long flag name (command.h's gw_command_option):
 *   draws N, seed N      as --set risk.draws=N / risk.seed=N in their place
 *   set K=V              a --set among the options (after req->sets)
 *   threads N            per process (default: this machine's cores shared
 *                        among the MPI processes on it)
 *   db FILE              the SQLite result store (default gigawatt.db here;
 *                        the CLI decides its own default and passes it)
 *   resume RUN           continue run RUN of the store; without a scenario
 *                        the run's own, without sets the run's own
 *   html [FILE]          also render out->html (the FILE is the caller's)
 * A new run records where it came from as every stored run does
 * (include/gigawatt/run_source.h): the command that runs it again.
 * req->par spreads the draws over processes (NULL: this one alone); only
 * rank 0 gets the outputs. The result is the same for any transport and
 * thread count. req->progress hears from rank 0 once per round; a nonzero
 * return stops with GW_E_STOPPED, the draws done kept in the store, and
 * the message naming the command to continue.
 *
 * runs options: db FILE. out->json (want_json) or out->text: the runs of
 * the store. */
#ifndef GIGAWATT_RISK_COMMAND_H
#define GIGAWATT_RISK_COMMAND_H

#include "gigawatt/command.h"

int gw_command_risk(const gw_command_request *req, gw_command_output *out, gw_error *err);
int gw_command_runs(const gw_command_request *req, gw_command_output *out, gw_error *err);

#endif
