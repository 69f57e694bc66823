/* src/plan/supply_value.c — what one more unit of a component is worth to
 * the timeline (models layer; docs/supply.md §3).
 *
 * The accelerator shadow price is the chain's own finite difference
 * (gw_supply_marginal). The revenue one needs the whole build-out: a unit
 * more of component c in quarter q gives the lab a few more accelerators
 * then, which earn only if powered space is free for them and demand is
 * throttled without them (rented backup capacity serves the same tokens),
 * so it is the timeline run again with the chain's probe set: Δ total
 * revenue / Δ units. 2 x components x quarters runs (~1 ms for 10 x 32). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/timeline.h"

int gw_timeline_supply_report(const gw_timeline_input *in, gw_supply_report *out, gw_error *err)
{
    int rc = gw_supply_report_run(&in->chain, out, err);
    if (rc || !in->chain_drives)
        return rc;
    gw_timeline_input *probe = malloc(sizeof *probe);
    gw_timeline_result *res = malloc(sizeof *res);
    if (!probe || !res) {
        free(probe);
        free(res);
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    *probe = *in;
    rc = gw_timeline_run(probe, res, err);
    double base = res->total_revenue;
    for (int c = 0; !rc && c < in->chain.ncomponents; c++)
        for (int q = 0; !rc && q < in->quarters; q++) {
            double h = fmax(1e-6 * out->r.available[c][q], 1e-6);
            probe->chain.probe_c = c, probe->chain.probe_q = q, probe->chain.probe = h;
            rc = gw_timeline_run(probe, res, err);
            out->shadow_revenue[c][q] = (res->total_revenue - base) / h;
        }
    out->has_revenue = rc == GW_OK;
    free(probe);
    free(res);
    return rc;
}
