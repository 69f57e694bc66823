/* tests/unit/test_power.c — the power engine against hand arithmetic
 * (docs/power.md): N accelerators in lockstep between P_hi and P_lo with
 * period T swing the grid by N·(P_hi - P_lo) / (eta_it·eta_facility), with
 * the spectrum's peak at 1/T and a ramp of the swing over the transition;
 * staggered jobs cut the swing as the count of jobs in communication says;
 * a sized battery meets its limit and 10% less does not. */
#include <math.h>
#include <string.h>

#include "gigawatt/power.h"
#include "gw_test.h"

#define N 1000.0
#define P_HI 1000.0
#define P_LO 200.0
#define T 2.0
#define TR 0.05
#define ETA_IT 0.95
#define ETA_FAC 0.98

static gw_power_job job(const char *name, double n, double comm, double offset)
{
    gw_power_job j;
    memset(&j, 0, sizeof j);
    snprintf(j.name, sizeof j.name, "%s", name);
    j.accelerators = n;
    j.iteration_s = T, j.comm_fraction = comm, j.offset_s = offset;
    j.compute_w = P_HI, j.comm_w = P_LO, j.idle_w = P_LO;
    j.transition_s = TR;
    return j;
}

static void base(gw_power_config *c)
{
    memset(c, 0, sizeof *c);
    c->window_s = 1200, c->resolution_s = 0.01, c->seed = 1;
    c->eta_it = ETA_IT, c->eta_facility = ETA_FAC;
    c->cooling_per_it = 0.1, c->cooling_time_constant_s = 1e12; /* cooling holds still */
    c->rack.efficiency = c->battery.efficiency = 0.9;
    c->rack.soc_max = c->battery.soc_max = 1;
    c->rack.soc_start = c->battery.soc_start = 0.5;
    c->battery.soc_min = 0.1, c->battery.soc_max = 0.9;
    c->battery.time_constant_s = 600;
    c->mitigate = 1;
}

static void lockstep(void)
{
    gw_power_config c;
    base(&c);
    c.njobs = 1;
    c.jobs[0] = job("lockstep", N, 0.5, 0);
    gw_power_result r;
    gw_error err = {0};
    CHECK_INT(gw_power_run(&c, &r, NULL, NULL, &err), GW_OK);
    double swing = N * (P_HI - P_LO) / (ETA_IT * ETA_FAC);
    CHECK_NEAR(r.grid.peak_w - r.grid.min_w, swing, 1e-9);
    /* the instantaneous ramp: the swing over the transition */
    CHECK_NEAR(r.grid.instant_ramp_w_per_s, swing / TR, 1e-9);
    /* within 1 s the whole swing happens (the compute phase lasts 1 s) */
    CHECK_NEAR(r.grid.ramp_up_w_per_s[0], swing / 1.0, 1e-9);
    CHECK_NEAR(r.grid.ramp_down_w_per_s[0], swing / 1.0, 1e-9);
    CHECK_NEAR(r.grid.ramp_up_w_per_s[1], swing / 60.0, 1e-9);
    /* mean: compute for half the step, communication the other half, plus
     * the cooling held at the first sample's level (iterations start on the
     * compute plateau: P_HI) */
    double it_mean = N * (P_HI + P_LO) / 2;
    double mean = (it_mean / ETA_IT + 0.1 * N * P_HI) / ETA_FAC;
    CHECK_NEAR(r.grid.mean_w, mean, 1e-6);
    /* the spectrum's peak at 1/T, within a tenth of a bin (65536 samples) */
    double bin = 1 / (0.01 * 65536);
    CHECK(fabs(r.grid.spectrum_peak_hz - 1 / T) < 0.1 * bin);
    CHECK_NEAR(r.grid.largest_load_loss_w, swing, 1e-9);
    gw_power_result_free(&r);
}

/* k jobs of N/k, offsets T/k apart: at any time ceil or floor of k·c of
 * them communicate, so the swing is (N/k)(P_hi - P_lo) times the spread of
 * that count (0 when k·c is whole). */
static void staggered(int k, double comm, double expect_jobs_in_swing)
{
    gw_power_config c;
    base(&c);
    c.njobs = k;
    for (int i = 0; i < k; i++)
        c.jobs[i] = job("part", N / k, comm, i * T / k);
    gw_power_result r;
    gw_error err = {0};
    CHECK_INT(gw_power_run(&c, &r, NULL, NULL, &err), GW_OK);
    double swing = expect_jobs_in_swing * (N / k) * (P_HI - P_LO) / (ETA_IT * ETA_FAC);
    CHECK(fabs(r.grid.peak_w - r.grid.min_w - swing) <= 1e-9 * N * P_HI);
    gw_power_result_free(&r);
}

/* A training job with checkpoints against a ramp limit: the battery that
 * gw_power_size finds passes, 10% less power or energy does not. */
static void battery_sizing(void)
{
    gw_power_config c;
    base(&c);
    c.njobs = 1;
    c.jobs[0] = job("big", 100000, 0.3, 0);
    c.jobs[0].checkpoint_every_s = 300, c.jobs[0].checkpoint_pause_s = 40;
    c.cooling_time_constant_s = 60;
    c.nlimits = 1;
    c.limits[0] = (gw_power_limit){.kind = GW_LIMIT_RAMP, .ramp_w_per_s = 10e6 / 60,
                                   .window_s = 60};
    gw_power_sizing s;
    gw_error err = {0};
    CHECK_INT(gw_power_size(&c, &s, &err), GW_OK);
    CHECK(s.needed && s.feasible);
    CHECK(s.battery_w > 0 && s.battery_j > 0);
    gw_power_result r;
    c.battery.power_w = s.battery_w, c.battery.energy_j = s.battery_j;
    CHECK_INT(gw_power_run(&c, &r, NULL, NULL, &err), GW_OK);
    CHECK_INT(r.nviolations, 0);
    gw_power_result_free(&r);
    c.battery.power_w = 0.9 * s.battery_w;
    CHECK_INT(gw_power_run(&c, &r, NULL, NULL, &err), GW_OK);
    CHECK(r.nviolations > 0);
    gw_power_result_free(&r);
    c.battery.power_w = s.battery_w, c.battery.energy_j = 0.9 * s.battery_j;
    CHECK_INT(gw_power_run(&c, &r, NULL, NULL, &err), GW_OK);
    CHECK(r.nviolations > 0);
    gw_power_result_free(&r);
}

static void bad_input(void)
{
    gw_power_config c;
    base(&c);
    gw_error err = {0};
    c.resolution_s = 1e-4;
    CHECK_INT(gw_power_check(&c, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "finer than the model supports");
    base(&c);
    c.battery.efficiency = 1.2;
    CHECK_INT(gw_power_check(&c, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.field, "mitigations.battery.efficiency");
    base(&c);
    c.battery.energy_j = -1;
    CHECK_INT(gw_power_check(&c, &err), GW_E_INPUT);
    base(&c);
    c.site_capacity_w = 1e5;
    c.njobs = 1;
    c.jobs[0] = job("huge", N, 0.5, 0);
    CHECK_INT(gw_power_check(&c, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "more than the site");
    base(&c);
    c.nlimits = 1;
    c.limits[0] = (gw_power_limit){.kind = GW_LIMIT_RAMP, .ramp_w_per_s = 1e6};
    CHECK_INT(gw_power_check(&c, &err), GW_E_INPUT); /* a ramp limit without a window */
}

int main(void)
{
    lockstep();
    staggered(2, 0.5, 0);   /* one of two always communicates: flat */
    staggered(2, 0.25, 1);  /* zero or one of two communicate */
    staggered(4, 0.5, 0);   /* always two of four */
    staggered(4, 0.3, 1);   /* one or two of four */
    battery_sizing();
    bad_input();
    return gw_test_done("power");
}
