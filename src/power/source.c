/* src/power/source.c — a site's draw, one sample at a time (engine layer):
 * training jobs (docs/power.md §1.1-§1.2), inference (§1.3), the GPU-level
 * mitigations on each job (§2.1-§2.3), rack energy storage (§2.4), cooling
 * and the power chain (§1.4) and on-site generation (§2.5). Everything
 * upstream of the site battery; the battery and the summaries are run.c's
 * and summary.c's. State is per job and per lag, so a run streams. */
#include <math.h>
#include <string.h>

#include "power/power_int.h"

#define TWO_PI 6.283185307179586
#define PURPOSE_FAILURE 0x5057u /* job interruptions */
#define PURPOSE_NOISE 0x504eu   /* inference noise */

/* An exponential draw with mean m. */
static double exp_draw(gw_rng *r, double m)
{
    return -m * log(gw_rng_uniform(r));
}

void gwi_source_init(gwi_source *s, const gw_power_config *c, int mitigate)
{
    memset(s, 0, sizeof *s);
    s->c = c;
    s->mitigate = mitigate;
    s->dt = c->resolution_s;
    for (int i = 0; i < c->njobs; i++) {
        const gw_power_job *j = &c->jobs[i];
        gwi_job_state *js = &s->jobs[i];
        gw_rng_init(&js->rng, c->seed, (uint64_t)i, PURPOSE_FAILURE);
        js->run_origin = j->start_s + j->ramp_s;
        js->down_until = -INFINITY;
        js->next_failure = j->mtbi_s > 0 ? j->start_s + exp_draw(&js->rng, j->mtbi_s) : INFINITY;
        js->level_w = j->idle_w;
    }
    gw_rng_init(&s->noise_rng, c->seed, 0, PURPOSE_NOISE);
    const gw_power_inference *inf = &c->inference;
    s->noise_phi = inf->noise_time_s > 0 ? exp(-s->dt / inf->noise_time_s) : 0;
    s->noise_sd = inf->noise * sqrt(1 - s->noise_phi * s->noise_phi);
    s->cool_alpha = c->cooling_time_constant_s > 0 ? 1 - exp(-s->dt / c->cooling_time_constant_s)
                                                   : 1;
    s->rack_alpha = c->rack.time_constant_s > 0 ? 1 - exp(-s->dt / c->rack.time_constant_s) : 1;
    s->rack_soc_j = c->rack.soc_start * c->rack.energy_j;
}

/* One iteration's shape (§1.1): ramp up over the transition, compute,
 * ramp down, communicate. x in [0, T). Its mean over T is
 * compute·(1-c) + comm·c exactly. */
static double iteration_w(const gw_power_job *j, double x)
{
    double T = j->iteration_s, tr = j->transition_s;
    double tc = (1 - j->comm_fraction) * T;
    double hi = j->compute_w, lo = j->comm_w;
    if (x < tr)
        return lo + (hi - lo) * x / tr;
    if (x < tc)
        return hi;
    if (x < tc + tr)
        return hi - (hi - lo) * (x - tc) / tr;
    return lo;
}

/* A running job at job time tau (since its iterations began): checkpoints
 * pause the iteration clock (§1.2). *in_step: in an iteration, not a pause. */
static double running_w(const gw_power_job *j, double tau, int *in_step)
{
    double it = tau;
    *in_step = 1;
    if (j->checkpoint_every_s > 0 && j->checkpoint_pause_s > 0) {
        double cyc = j->checkpoint_every_s + j->checkpoint_pause_s;
        double w = fmod(tau, cyc);
        if (w >= j->checkpoint_every_s) {
            *in_step = 0;
            return j->comm_w;
        }
        it = floor(tau / cyc) * j->checkpoint_every_s + w;
    }
    /* iterations begin on the compute plateau, where the start-up ramp ends */
    return iteration_w(j, fmod(it + j->offset_s + j->transition_s, j->iteration_s));
}

/* Interruptions up to time t (§1.2): down for restart_s, then the start-up
 * ramp, then iterations from the top. */
static void advance_failures(const gw_power_job *j, gwi_job_state *js, double t, double stop)
{
    while (t >= js->next_failure && js->next_failure < stop) {
        js->down_until = js->next_failure + j->restart_s;
        js->run_origin = js->down_until + j->ramp_s;
        js->next_failure = js->down_until + exp_draw(&js->rng, j->mtbi_s);
    }
}

/* The job's draw per accelerator, raw; *up: the job runs (iterations or
 * checkpoints: the floor applies), *in_step: in an iteration (smoothing applies),
 * *crashed: down after an interruption (no ramp limit: the drop is a fault). */
static double job_raw_w(const gw_power_job *j, gwi_job_state *js, double t, int *up,
                        int *in_step, int *crashed)
{
    double stop = j->stop_s > j->start_s ? j->stop_s : INFINITY;
    *up = *in_step = *crashed = 0;
    if (t < j->start_s)
        return j->idle_w;
    advance_failures(j, js, t, stop);
    if (t < js->down_until) {
        *crashed = 1;
        return j->idle_w;
    }
    /* start-up and ramp-down climb or fall on their own: the floor holds
     * only once the job runs (else it would make them steps) */
    if (t >= stop) { /* ramp-down from full power */
        double f = j->ramp_s > 0 ? (t - stop) / j->ramp_s : 1;
        return f < 1 ? j->compute_w + (j->idle_w - j->compute_w) * f : j->idle_w;
    }
    if (t < js->run_origin) { /* start-up: idle to full power */
        double f = j->ramp_s > 0 ? 1 - (js->run_origin - t) / j->ramp_s : 1;
        return j->idle_w + (j->compute_w - j->idle_w) * f;
    }
    *up = 1;
    return running_w(j, t - js->run_origin, in_step);
}

/* GPU-level mitigations (§2.1-§2.3): smoothing fills communication
 * phases, the floor holds the GPUs up while the job has them, the ramp
 * limit slews the rest. */
static double job_mitigated_w(const gw_power_job *j, gwi_job_state *js, double raw, int up,
                              int in_step, int crashed, double dt)
{
    double p = raw;
    if (in_step && j->smoothing_w > p)
        p = j->smoothing_w;
    if (up && j->floor_w > p)
        p = j->floor_w;
    if (crashed || !(j->ramp_limit_w_per_s > 0)) {
        js->level_w = p;
        return p;
    }
    double step = j->ramp_limit_w_per_s * dt;
    double d = p - js->level_w;
    js->level_w += d > step ? step : d < -step ? -step : d;
    return js->level_w;
}

/* Inference IT (§1.3): cosine between peak and trough over the day (or
 * a fleet simulation's hourly utilisation), AR(1) noise, utilisation kept
 * in [0, 1]. */
static double inference_w(gwi_source *s, double t)
{
    const gw_power_inference *inf = &s->c->inference;
    if (!(inf->accelerators > 0))
        return 0;
    double u;
    if (inf->nhourly > 0) { /* linear between the hours' midpoints, held at the ends */
        double x = t / 3600 - 0.5;
        int i = (int)floor(x);
        if (i < 0)
            u = inf->hourly[0];
        else if (i + 1 >= inf->nhourly)
            u = inf->hourly[inf->nhourly - 1];
        else
            u = inf->hourly[i] + (inf->hourly[i + 1] - inf->hourly[i]) * (x - i);
    } else {
        double r = inf->peak_to_trough > 1 ? inf->peak_to_trough : 1;
        double a = (r - 1) / (r + 1);
        double h = inf->start_hour + t / 3600;
        u = inf->peak_load * (1 + a * cos(TWO_PI * (h - inf->peak_hour) / 24)) / (1 + a);
    }
    if (inf->noise > 0) {
        s->noise = s->noise * s->noise_phi + s->noise_sd * gw_rng_normal(&s->noise_rng);
        u *= 1 + s->noise;
    }
    u = u < 0 ? 0 : u > 1 ? 1 : u;
    return inf->accelerators * (inf->idle_w + (inf->busy_w - inf->idle_w) * u);
}

/* Rack storage (§2.4): the racks draw a smoothed IT, the shelves' storage
 * gives or takes the difference, drifting back to its starting charge. */
static double rack_draw_w(gwi_source *s, double it)
{
    const gw_power_store *st = &s->c->rack;
    if (!s->mitigate || !(st->power_w > 0 && st->energy_j > 0))
        return it;
    s->rack_ema_w += (it - s->rack_ema_w) * s->rack_alpha;
    double back = st->time_constant_s > 0
                      ? (st->soc_start * st->energy_j - s->rack_soc_j) / st->time_constant_s
                      : 0;
    double got = gwi_store_step(st, &s->rack_soc_j, it - (s->rack_ema_w + back), s->dt,
                                &s->rack_loss_j);
    return it - got;
}

/* On-site generation (§2.5): from its start time on it carries as much of
 * the draw as its capacity, moving at its ramp rate. */
static double generation_w(gwi_source *s, double t, double load)
{
    const gw_power_generation *g = &s->c->generation;
    if (!s->mitigate || !(g->capacity_w > 0))
        return 0;
    double target = t >= g->start_s ? fmin(g->capacity_w, load) : 0;
    double step = g->ramp_w_per_s > 0 ? g->ramp_w_per_s * s->dt : INFINITY;
    double d = target - s->gen_w;
    s->gen_w += d > step ? step : d < -step ? -step : d;
    return s->gen_w;
}

void gwi_source_next(gwi_source *s, gwi_sample *out)
{
    const gw_power_config *c = s->c;
    double t = (double)s->k * s->dt, it_raw = 0, it = 0;
    for (int i = 0; i < c->njobs; i++) {
        const gw_power_job *j = &c->jobs[i];
        int up, in_step, crashed;
        double raw = job_raw_w(j, &s->jobs[i], t, &up, &in_step, &crashed);
        double mit = s->mitigate ? job_mitigated_w(j, &s->jobs[i], raw, up, in_step, crashed,
                                                   s->dt)
                                 : raw;
        it_raw += j->accelerators * raw;
        it += j->accelerators * mit;
    }
    double inf = inference_w(s, t);
    it_raw += inf, it += inf;
    if (!s->started) { /* lags start at their steady state */
        s->cool_w = (c->cooling_per_it + c->misc_per_it) * it;
        s->rack_ema_w = it;
        s->started = 1;
    }
    double drawn = rack_draw_w(s, it);
    s->cool_w += ((c->cooling_per_it + c->misc_per_it) * it - s->cool_w) * s->cool_alpha;
    double load = (drawn / c->eta_it + s->cool_w) / c->eta_facility;
    double gen = generation_w(s, t, load);
    out->t = t;
    out->it_raw_w = it_raw;
    out->it_w = it;
    out->net_w = load - gen;
    s->it_j += it * s->dt;
    s->it_raw_j += it_raw * s->dt;
    s->gen_j += gen * s->dt;
    s->k++;
}

double gwi_store_step(const gw_power_store *st, double *soc_j, double ask, double dt,
                      double *loss_j)
{
    double eta = sqrt(st->efficiency);
    ask = ask > st->power_w ? st->power_w : ask < -st->power_w ? -st->power_w : ask;
    if (ask > 0) { /* discharge: the store gives ask/eta for ask delivered */
        double avail = *soc_j - st->soc_min * st->energy_j;
        if (avail <= 0)
            return 0;
        if (ask * dt / eta > avail)
            ask = avail * eta / dt;
        *soc_j -= ask * dt / eta;
        *loss_j += ask * dt * (1 / eta - 1);
    } else if (ask < 0) { /* charge: takes -ask, keeps -ask·eta */
        double room = st->soc_max * st->energy_j - *soc_j;
        if (room <= 0)
            return 0;
        if (-ask * dt * eta > room)
            ask = -room / (eta * dt);
        *soc_j += -ask * dt * eta;
        *loss_j += -ask * dt * (1 - eta);
    }
    return ask;
}
