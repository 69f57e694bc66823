/* src/power/run.c — one run of a site's power and the sizing of what
 * smooths it (engine layer, docs/power.md §2.5-§3): checks a config, runs
 * the source (source.c) through the site battery's controller into the
 * streamed summary (summary.c), and finds the least battery (power, then
 * energy) and the least GPU floor that meet the limits by bisection on
 * re-simulation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/buffer.h"
#include "power/power_int.h"

#define MAX_WINDOW_SAMPLES 2e7 /* a limit window's deques: 32 B per sample at worst */
#define CACHE_MAX_SAMPLES (1 << 24) /* sizing keeps the pre-battery series up to 128 MiB */
#define BISECT_STEPS 30
#define SLEW_MARGIN 0.99 /* the controller ramps a little under the limit */
#define PROGRESS_EVERY (1 << 20)

/* ---- checks --------------------------------------------------------------- */

static int check_store(const gw_power_store *s, const char *name, gw_error *err)
{
    char f[64];
    if (s->power_w < 0 || s->energy_j < 0) {
        snprintf(f, sizeof f, "mitigations.%s.%s", name, s->power_w < 0 ? "power" : "energy");
        return gw_error_field(err, f, "%s %s is negative; expected a capacity >= 0", name,
                              s->power_w < 0 ? "power" : "energy");
    }
    if ((s->power_w > 0) != (s->energy_j > 0)) { /* one without the other does nothing */
        snprintf(f, sizeof f, "mitigations.%s.%s", name, s->power_w > 0 ? "power" : "energy");
        return gw_error_field(err, f, "%s has %s but no %s; expected both power and energy, "
                              "or neither", name, s->power_w > 0 ? "power" : "energy",
                              s->power_w > 0 ? "energy" : "power");
    }
    if (!(s->efficiency > 0 && s->efficiency <= 1)) {
        snprintf(f, sizeof f, "mitigations.%s.efficiency", name);
        return gw_error_field(err, f, "%s round-trip efficiency %g is outside (0, 1]; expected "
                              "e.g. 0.9", name, s->efficiency);
    }
    if (!(s->soc_min >= 0 && s->soc_min < s->soc_max && s->soc_max <= 1 &&
          s->soc_start >= s->soc_min && s->soc_start <= s->soc_max)) {
        snprintf(f, sizeof f, "mitigations.%s.soc_min", name);
        return gw_error_field(err, f, "%s state-of-charge limits %g..%g (start %g) are not "
                              "0 <= min < max <= 1 with the start between; expected e.g. "
                              "0.1..0.9", name, s->soc_min, s->soc_max, s->soc_start);
    }
    return GW_OK;
}

static int check_job(const gw_power_config *c, const gw_power_job *j, gw_error *err)
{
    char f[160];
    snprintf(f, sizeof f, "jobs.%s", j->name);
    if (!(j->iteration_s > 0) || !(j->comm_fraction >= 0 && j->comm_fraction < 1))
        return gw_error_field(err, f, "job '%s': iteration %g s with communication share %g; "
                              "expected an iteration > 0 and a share in [0, 1)", j->name,
                              j->iteration_s, j->comm_fraction);
    if (2 * j->transition_s > j->iteration_s * fmin(j->comm_fraction, 1 - j->comm_fraction) &&
        j->comm_fraction > 0)
        return gw_error_field(err, f, "job '%s': transition %g s does not fit in its phases "
                              "(iteration %g s, communication share %g); expected a shorter "
                              "transition", j->name, j->transition_s, j->iteration_s,
                              j->comm_fraction);
    double peak = j->accelerators * fmax(j->compute_w, j->floor_w) / (c->eta_it * c->eta_facility);
    if (c->site_capacity_w > 0 && peak > c->site_capacity_w)
        return gw_error_field(err, f, "job '%s' draws %.1f MW at full power (%.0f accelerators), "
                              "more than the site's %.1f MW; expected a smaller job or a larger "
                              "site", j->name, peak / 1e6, j->accelerators,
                              c->site_capacity_w / 1e6);
    return GW_OK;
}

int gw_power_check(const gw_power_config *c, gw_error *err)
{
    if (!(c->resolution_s >= GW_POWER_MIN_RESOLUTION_S * (1 - 1e-9)))
        return gw_error_field(err, "resolution", "resolution %g s is finer than the model "
                              "supports (GPU power transitions take milliseconds); expected at "
                              "least 1 ms", c->resolution_s);
    double n = c->window_s / c->resolution_s;
    if (!(c->window_s > 0) || !(n >= 1))
        return gw_error_field(err, "window", "window %g s holds no sample at resolution %g s; "
                              "expected a longer window", c->window_s, c->resolution_s);
    if (n > GW_POWER_MAX_SAMPLES)
        return gw_error_field(err, "window", "window %g s at resolution %g s is %.3g samples "
                              "(about %.0f s to run); expected at most %.0e samples: a coarser "
                              "resolution or a shorter window", c->window_s, c->resolution_s, n,
                              n * 2e-7, GW_POWER_MAX_SAMPLES);
    if (c->keep_series && n * GW_POWER_CSV_BYTES_PER_SAMPLE > GW_POWER_MAX_CSV_BYTES)
        return gw_error_field(err, "window", "the series (%.3g samples) would take about %.1f "
                              "GiB as CSV; expected at most 1 GiB: a coarser resolution, a "
                              "shorter window, or no --csv (the summaries are streamed)", n,
                              n * GW_POWER_CSV_BYTES_PER_SAMPLE / (1024.0 * 1024 * 1024));
    if (!(c->eta_it > 0 && c->eta_it <= 1 && c->eta_facility > 0 && c->eta_facility <= 1))
        return gw_error_field(err, "power_chain", "power chain efficiency %g x %g is outside "
                              "(0, 1]; expected stage efficiencies <= 1", c->eta_it,
                              c->eta_facility);
    int rc;
    if ((rc = check_store(&c->rack, "rack_storage", err)) ||
        (rc = check_store(&c->battery, "battery", err)))
        return rc;
    for (int i = 0; i < c->njobs; i++)
        if ((rc = check_job(c, &c->jobs[i], err)))
            return rc;
    for (int l = 0; l < c->nlimits; l++) {
        const gw_power_limit *lim = &c->limits[l];
        if (lim->kind == GW_LIMIT_RAMP && !(lim->window_s > 0 && lim->ramp_w_per_s > 0))
            return gw_error_field(err, "limits", "a ramp limit of %g W/s over %g s; expected a "
                                  "ramp > 0 and a window > 0", lim->ramp_w_per_s, lim->window_s);
        /* a band's lowest frequency needs a spectrum block of a period at
         * least (blocks are >= half the window), its highest the Nyquist rate */
        if (lim->kind == GW_LIMIT_BAND &&
            (c->window_s < 2 / lim->low_hz || lim->high_hz > 0.5 / c->resolution_s))
            return gw_error_field(err, "limits", "the band %g-%g Hz is not resolved by a %g s "
                                  "window at %g s resolution; expected a window of at least "
                                  "%g s and a resolution of at most %g s", lim->low_hz,
                                  lim->high_hz, c->window_s, c->resolution_s, 2 / lim->low_hz,
                                  0.5 / lim->high_hz);
        if (lim->kind == GW_LIMIT_RAMP && lim->window_s / c->resolution_s > MAX_WINDOW_SAMPLES)
            return gw_error_field(err, "limits", "a limit window of %g s at resolution %g s "
                                  "keeps up to %.3g samples (%.1f GiB); expected at most %.0e "
                                  "samples", lim->window_s, c->resolution_s,
                                  lim->window_s / c->resolution_s,
                                  32 * lim->window_s / c->resolution_s / (1024.0 * 1024 * 1024),
                                  MAX_WINDOW_SAMPLES);
    }
    return GW_OK;
}

/* ---- the site battery ------------------------------------------------------ */

typedef struct battery_ctl {
    double soc_j, grid_w, ema_w, loss_j, alpha;
    double slew_w_per_s; /* the tightest ramp limit (0: none: smooth instead) */
    double soc_low, soc_high;
    int started;
} battery_ctl;

static void battery_init(battery_ctl *b, const gw_power_config *c)
{
    memset(b, 0, sizeof *b);
    const gw_power_store *st = &c->battery;
    b->soc_j = st->soc_start * st->energy_j;
    b->soc_low = b->soc_high = st->soc_start;
    b->alpha = st->time_constant_s > 0 ? 1 - exp(-c->resolution_s / st->time_constant_s) : 1;
    for (int l = 0; l < c->nlimits; l++)
        if (c->limits[l].kind == GW_LIMIT_RAMP &&
            (b->slew_w_per_s == 0 || c->limits[l].ramp_w_per_s < b->slew_w_per_s))
            b->slew_w_per_s = c->limits[l].ramp_w_per_s;
    b->slew_w_per_s *= SLEW_MARGIN;
}

/* The controller (§2.7): with a ramp limit the grid draw follows the load
 * at most at the tightest limit's rate; without one, it follows a
 * first-order smoothing of the load. Either way it leans toward the
 * starting charge over the time constant, and the battery gives or takes
 * the difference within its power and charge. */
static double battery_grid(const gw_power_config *c, battery_ctl *b, double net)
{
    const gw_power_store *st = &c->battery;
    if (!(st->power_w > 0 && st->energy_j > 0))
        return net;
    double dt = c->resolution_s;
    if (!b->started)
        b->grid_w = b->ema_w = net, b->started = 1;
    double back = st->time_constant_s > 0
                      ? (st->soc_start * st->energy_j - b->soc_j) / st->time_constant_s
                      : 0;
    double want;
    if (b->slew_w_per_s > 0) {
        double step = b->slew_w_per_s * dt, d = net + back - b->grid_w;
        want = b->grid_w + (d > step ? step : d < -step ? -step : d);
    } else {
        b->ema_w += (net - b->ema_w) * b->alpha;
        want = b->ema_w + back;
    }
    double got = gwi_store_step(st, &b->soc_j, net - want, dt, &b->loss_j);
    double soc = b->soc_j / st->energy_j;
    b->soc_low = fmin(b->soc_low, soc), b->soc_high = fmax(b->soc_high, soc);
    b->grid_w = net - got;
    return b->grid_w;
}

/* ---- runs ------------------------------------------------------------------ */

static int report_progress(gw_progress_fn progress, void *user, long long k, long long total)
{
    if (!progress || ((k + 1) % PROGRESS_EVERY != 0 && k + 1 != total))
        return 0;
    return progress(user, (double)(k + 1), (double)total, (double)(k + 1));
}

/* One window: source (or a cached pre-battery series), battery, summary. */
static int simulate(const gw_power_config *c, const double *cached, gw_power_result *r, int lite,
                    gw_progress_fn progress, void *user, gw_error *err)
{
    memset(r, 0, sizeof *r);
    gwi_summary *sum = malloc(sizeof *sum);
    gwi_source *src = cached ? NULL : malloc(sizeof *src);
    if (!sum || (!cached && !src)) {
        free(sum), free(src);
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    int rc = gwi_summary_init(sum, c, r, lite, err);
    battery_ctl b;
    battery_init(&b, c);
    if (src)
        gwi_source_init(src, c, c->mitigate);
    gw_buf csv = {0};
    if (c->keep_series && !lite)
        gw_buf_printf(&csv, "t_s,it_w,grid_before_battery_w,grid_w\n");
    for (long long k = 0; rc == GW_OK && k < sum->total; k++) {
        gwi_sample smp = {.t = (double)k * c->resolution_s};
        if (src)
            gwi_source_next(src, &smp);
        else
            smp.net_w = cached[k];
        double g = c->mitigate ? battery_grid(c, &b, smp.net_w) : smp.net_w;
        gwi_summary_add(sum, g);
        if (csv.s || csv.failed)
            gw_buf_printf(&csv, "%.3f,%.6g,%.6g,%.6g\n", smp.t, smp.it_w, smp.net_w, g);
        if (report_progress(progress, user, k, sum->total))
            rc = gw_error_set(err, GW_E_STOPPED, NULL, 0, 0, "stopped");
    }
    if (rc == GW_OK)
        rc = gwi_summary_finish(sum, err);
    if (rc == GW_OK && csv.failed)
        rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory for the series");
    if (src) {
        r->it_energy_j = src->it_j, r->it_energy_raw_j = src->it_raw_j;
        r->rack_loss_j = src->rack_loss_j, r->generation_j = src->gen_j;
    }
    r->battery_loss_j = b.loss_j;
    r->battery_soc_low = b.soc_low, r->battery_soc_high = b.soc_high;
    r->series_csv = rc == GW_OK ? csv.s : (free(csv.s), NULL);
    gwi_summary_free(sum);
    free(sum), free(src);
    if (rc)
        gw_power_result_free(r);
    return rc;
}

int gw_power_run(const gw_power_config *c, gw_power_result *r, gw_progress_fn progress,
                 void *user, gw_error *err)
{
    memset(r, 0, sizeof *r);
    int rc = gw_power_check(c, err);
    return rc ? rc : simulate(c, NULL, r, 0, progress, user, err);
}

void gw_power_result_free(gw_power_result *r)
{
    free(r->spectrum_hz), free(r->spectrum_rms_w), free(r->series_csv);
    r->spectrum_hz = r->spectrum_rms_w = NULL, r->series_csv = NULL;
}

/* ---- sizing ---------------------------------------------------------------- */

/* Does c (with its battery as set) meet every limit? -1 on error. */
static int passes(const gw_power_config *c, const double *cached, gw_power_sizing *s,
                  double *it_j, gw_error *err)
{
    gw_power_result *r = malloc(sizeof *r);
    if (!r)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory"), -1;
    int rc = simulate(c, cached, r, 1, NULL, NULL, err);
    s->runs++;
    int ok = rc == GW_OK && r->nviolations == 0 && r->violations_more == 0;
    if (it_j)
        *it_j = r->it_energy_j;
    gw_power_result_free(r);
    free(r);
    return rc ? -1 : ok;
}

/* The pre-battery series, kept for the battery's bisection when it fits. */
static double *cache_series(const gw_power_config *c)
{
    long long n = (long long)llround(c->window_s / c->resolution_s);
    if (n > CACHE_MAX_SAMPLES)
        return NULL;
    double *v = malloc((size_t)n * sizeof *v);
    gwi_source *src = malloc(sizeof *src);
    if (v && src) {
        gwi_source_init(src, c, c->mitigate);
        for (long long k = 0; k < n; k++) {
            gwi_sample smp;
            gwi_source_next(src, &smp);
            v[k] = smp.net_w;
        }
    }
    free(src);
    if (!src) {
        free(v);
        return NULL;
    }
    return v;
}

/* Energy that lets a battery of power p deliver or take p for the whole
 * window from its starting charge: the top of the energy search. */
static double energy_ceiling(const gw_power_config *c, double p)
{
    const gw_power_store *st = &c->battery;
    double room = fmin(st->soc_start - st->soc_min, st->soc_max - st->soc_start);
    return p * c->window_s / (room > 0 ? room : 1) / st->efficiency;
}

/* Least battery power (ample energy), then least energy at that power. */
static int size_battery(const gw_power_config *base, const double *cached, double swing_w,
                        gw_power_sizing *s, gw_error *err)
{
    gw_power_config *c = malloc(sizeof *c);
    if (!c)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    *c = *base;
    double lo = 0, hi = swing_w;
    c->battery.power_w = hi, c->battery.energy_j = energy_ceiling(c, hi);
    int ok = passes(c, cached, s, NULL, err);
    for (int i = 0; ok == 1 && i < BISECT_STEPS; i++) {
        double mid = 0.5 * (lo + hi);
        c->battery.power_w = mid, c->battery.energy_j = energy_ceiling(c, mid);
        int m = passes(c, cached, s, NULL, err);
        if (m < 0) {
            ok = -1;
            break;
        }
        *(m ? &hi : &lo) = mid;
    }
    s->feasible = ok == 1;
    if (ok == 1) {
        double elo = 0, ehi = energy_ceiling(c, hi);
        c->battery.power_w = hi;
        for (int i = 0; i < BISECT_STEPS && ok >= 0; i++) {
            double mid = 0.5 * (elo + ehi);
            c->battery.energy_j = mid;
            ok = passes(c, cached, s, NULL, err);
            if (ok >= 0)
                *(ok ? &ehi : &elo) = mid;
        }
        s->battery_w = hi, s->battery_j = ehi;
    }
    free(c);
    return ok < 0 ? err->code : GW_OK;
}

/* Least GPU floor, as a share of each job's compute power, meeting the
 * limits with no site battery (§3.2); its extra IT energy. */
static int size_floor(const gw_power_config *base, gw_power_sizing *s, gw_error *err)
{
    gw_power_config *c = malloc(sizeof *c);
    if (!c)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    *c = *base;
    c->battery.power_w = c->battery.energy_j = 0;
    double it0 = 0, it1 = 0, lo = 0, hi = 1;
    int ok = passes(c, NULL, s, &it0, err);
    for (int j = 0; ok >= 0 && j < c->njobs; j++)
        c->jobs[j].floor_w = fmax(base->jobs[j].floor_w, base->jobs[j].compute_w);
    if (ok >= 0)
        ok = passes(c, NULL, s, &it1, err);
    s->floor_feasible = ok == 1;
    for (int i = 0; ok == 1 && i < BISECT_STEPS / 2; i++) {
        double mid = 0.5 * (lo + hi), e;
        for (int j = 0; j < c->njobs; j++)
            c->jobs[j].floor_w = fmax(base->jobs[j].floor_w, mid * base->jobs[j].compute_w);
        int m = passes(c, NULL, s, &e, err);
        if (m < 0)
            ok = -1;
        else if (m)
            hi = mid, it1 = e;
        else
            lo = mid;
    }
    if (s->floor_feasible)
        s->floor_fraction = hi, s->floor_energy_j = it1 - it0;
    free(c);
    return ok < 0 ? err->code : GW_OK;
}

int gw_power_size(const gw_power_config *c0, gw_power_sizing *s, gw_error *err)
{
    memset(s, 0, sizeof *s);
    int rc = gw_power_check(c0, err);
    if (rc)
        return rc;
    gw_power_config *c = malloc(sizeof *c);
    if (!c)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    *c = *c0;
    c->mitigate = 1, c->keep_series = 0;
    c->battery.power_w = c->battery.energy_j = 0;
    double *cached = cache_series(c);
    gw_power_result *r = malloc(sizeof *r);
    rc = r ? simulate(c, cached, r, 1, NULL, NULL, err)
           : gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    if (rc == GW_OK) {
        s->runs++;
        s->needed = r->nviolations > 0 || r->violations_more > 0;
        double swing = r->grid.peak_w - r->grid.min_w;
        gw_power_result_free(r);
        if (s->needed && (rc = size_battery(c, cached, swing, s, err)) == GW_OK)
            rc = size_floor(c, s, err);
        if (!s->needed)
            s->feasible = s->floor_feasible = 1;
    }
    free(r), free(cached), free(c);
    return rc;
}

int gw_power_meets_limits(const gw_power_config *c, int *ok, gw_error *err)
{
    gw_power_sizing s = {0};
    int rc = gw_power_check(c, err);
    int m = rc ? -1 : passes(c, NULL, &s, NULL, err);
    *ok = m == 1;
    return m < 0 ? err->code : GW_OK;
}

/* ---- power cap -------------------------------------------------------------- */

double gw_power_cap_iteration(double iteration_s, double comm_fraction, double full_w,
                              double cap_w, double exponent, double *comm_fraction_out)
{
    double compute = iteration_s * (1 - comm_fraction), comm = iteration_s * comm_fraction;
    if (cap_w < full_w && cap_w > 0)
        compute *= pow(full_w / cap_w, exponent);
    double t = compute + comm;
    *comm_fraction_out = t > 0 ? comm / t : 0;
    return t;
}
