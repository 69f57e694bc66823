/* src/model/dvfs.c — an accelerator under a power cap (models layer).
 * A cap lowers the clock until the board's power fits; the models then see
 * the capped accelerator: peaks scaled by the clock, TDP = the cap. HBM
 * bandwidth keeps its own clock, so memory-bound steps slow less than
 * compute-bound ones (docs/model.md §1.4). */
#include "gigawatt/rack.h"

#include <math.h>

/* §1.4 P(x) = TDP·(s + (1 − s)·x^k), x = f/f_max: the share s of the board
 * power that does not follow the clock (HBM, I/O, leakage) and the dynamic
 * rest, ∝ f·V² with V rising with f (k ≈ 3). Solved for x at P = cap. */
double gw_power_cap_clock(double cap_fraction, double static_fraction, double exponent)
{
    if (cap_fraction >= 1.0)
        return 1.0;
    return pow((cap_fraction - static_fraction) / (1.0 - static_fraction), 1.0 / exponent);
}

int gw_power_cap_apply(gw_accelerator *a, double cap_w, double *clock, gw_error *err)
{
    *clock = 1.0;
    if (!(cap_w > 0.0))
        return gw_error_field(err, "operation.power_cap",
                              "power cap %g W is not positive; expected a fraction of TDP in "
                              "(0, 1] or a power like 960 W",
                              cap_w);
    if (!(a->tdp_w > 0.0))
        return gw_error_field(err, "operation.power_cap",
                              "accelerator '%s' has no 'tdp' to cap; expected tdp in the "
                              "scenario's accelerator",
                              a->meta.id);
    if (cap_w > a->tdp_w * (1.0 + 1e-12))
        return gw_error_field(err, "operation.power_cap",
                              "power cap %g W is above the TDP of '%s' (%g W); expected at "
                              "most the TDP (a cap lowers power, it cannot raise it)",
                              cap_w, a->meta.id, a->tdp_w);
    double c = fmin(cap_w / a->tdp_w, 1.0), s = a->static_power_fraction;
    double k = a->dvfs_exponent;
    if (c < 1.0 && !(k > 0.0 && a->static_power_fraction < 1.0))
        return gw_error_field(err, "operation.power_cap",
                              "accelerator '%s' has no 'static_power_fraction' and "
                              "'dvfs_exponent' (the clock a cap allows); expected both in "
                              "the scenario's accelerator (docs/model.md §1.4)",
                              a->meta.id);
    if (c < 1.0 && !(c > s))
        return gw_error_field(err, "operation.power_cap",
                              "power cap %g W is at or below the %g W of '%s' that does not "
                              "follow the clock (static_power_fraction %g x TDP); expected a "
                              "cap above it",
                              cap_w, s * a->tdp_w, a->meta.id, s);
    double x = gw_power_cap_clock(c, s, k);
    a->bf16_flops *= x;
    a->fp8_flops *= x;
    a->fp4_flops *= x;
    /* idle watts stay what they were: the same share of a smaller TDP is more */
    a->idle_power_fraction = fmin(1.0, a->idle_power_fraction / c);
    a->tdp_w = c * a->tdp_w;
    *clock = x;
    return GW_OK;
}
