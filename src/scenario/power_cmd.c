/* src/scenario/power_cmd.c — `gigawatt power SCENARIO` (scenario layer,
 * docs/power.md): the power: section's keys and their decoding, each job's
 * step from the perf model's training step (gw_perf_train) and its power
 * per accelerator per phase from the rack model (gw_rack_budget), the power
 * chain's ratios from one rack at full load, then two runs of the power
 * engine (without and with the mitigations) and the sizing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command_int.h"
#include "gigawatt/csv.h"
#include "gigawatt/file.h"
#include "gigawatt/power_cmd.h"
#include "gigawatt/power_out.h"

/* The run's extent where the scenario is silent (docs/power.md §5); the
 * model's own defaults are data, with their sources: the catalog's
 * power_defaults entry (data/catalog/power_defaults.yaml). */
#define DEFAULT_WINDOW_S 3600
#define DEFAULT_RESOLUTION_S 0.01
#define POWER_DEFAULTS_ID "power-defaults"

#define Q GW_FIELD_QTY
#define TX GW_FIELD_TEXT
#define EN GW_FIELD_ENUM
#define NODE GW_FIELD_NODE
#define SCHEMA(var, plural, one, T, table)                                                        \
    static const gw_schema var = {.kind = (plural), .singular = (one), .fields = (table),         \
                                  .nfields = sizeof table / sizeof table[0], .size = sizeof(T)}
enum { R = GW_F_REQUIRED, POS = GW_F_POSITIVE, NN = GW_F_NONNEG, FR = GW_F_FRACTION,
       INT = GW_F_INTEGER, EFF = GW_F_OPEN_UNIT };

/* ---- the power: section ------------------------------------------------------ */

typedef struct power_settings {
    gw_entry_meta meta;
    double window_s, resolution_s, seed, site_capacity_w, cooling_tau_s, transition_s,
        spectrum_block_s;
    char stagger[GW_TEXT_MAX];
    const gw_node *jobs, *inference, *mitigations, *limits, *costs;
} power_settings;

static const gw_field power_fields[] = {
    Q("window", power_settings, window_s, GW_DIM_TIME, POS, "time simulated (default 1 h)"),
    Q("resolution", power_settings, resolution_s, GW_DIM_TIME, POS,
      "time step (default 10 ms, at least 1 ms)"),
    Q("seed", power_settings, seed, GW_DIM_NONE, NN | INT, "random streams (default 1)"),
    Q("site_capacity", power_settings, site_capacity_w, GW_DIM_POWER, POS,
      "the grid connection; a job drawing more is refused"),
    Q("cooling_time_constant", power_settings, cooling_tau_s, GW_DIM_TIME, NN,
      "lag of cooling behind IT (default 60 s)"),
    Q("transition", power_settings, transition_s, GW_DIM_TIME, NN,
      "compute <-> communication change (default 20 ms)"),
    Q("spectrum_block", power_settings, spectrum_block_s, GW_DIM_TIME, POS,
      "Welch block (default 2^16 samples)"),
    EN("stagger", power_settings, stagger, "none|even", 0,
       "even: job i starts its steps i/k of a step later (default none)"),
    NODE("jobs", power_settings, jobs, "training jobs"),
    NODE("inference", power_settings, inference, "inference load"),
    NODE("mitigations", power_settings, mitigations, "what smooths the draw"),
    NODE("limits", power_settings, limits, "the grid's limits"),
    NODE("costs", power_settings, costs, "battery prices"),
};
SCHEMA(power_schema, "power", "power settings", power_settings, power_fields);

typedef struct job_settings {
    gw_entry_meta meta;
    double count, tp, pp, global_batch, mfu, iteration_s, comm_fraction, compute_w, comm_w,
        compute_load, comm_load, offset_s, start_s, stop_s, ramp_s, checkpoint_every_s, checkpoint_pause_s,
        restart_s;
    char failures[GW_TEXT_MAX];
} job_settings;

static const gw_field job_fields[] = {
    TX("name", job_settings, meta.name, "job name"),
    Q("count", job_settings, count, GW_DIM_NONE, R | POS | INT, "accelerators"),
    Q("tp", job_settings, tp, GW_DIM_NONE, POS | INT, "tensor parallelism (default training:)"),
    Q("pp", job_settings, pp, GW_DIM_NONE, POS | INT, "pipeline parallelism (default training:)"),
    Q("global_batch", job_settings, global_batch, GW_DIM_NONE, POS, "tokens per step"),
    Q("mfu", job_settings, mfu, GW_DIM_NONE, EFF, "model FLOPs utilisation"),
    Q("iteration", job_settings, iteration_s, GW_DIM_TIME, POS, "step time (default: perf)"),
    Q("comm_fraction", job_settings, comm_fraction, GW_DIM_NONE, FR,
      "low-power share of a step (default: perf's bubble + exposed communication)"),
    Q("compute_power", job_settings, compute_w, GW_DIM_POWER, POS,
      "IT W per accelerator computing (default: rack model at load 1)"),
    Q("comm_power", job_settings, comm_w, GW_DIM_POWER, NN,
      "IT W per accelerator communicating (default: rack model at comm_load)"),
    Q("compute_load", job_settings, compute_load, GW_DIM_NONE, FR,
      "accelerator load while computing (default 1)"),
    Q("comm_load", job_settings, comm_load, GW_DIM_NONE, FR,
      "accelerator load while communicating (default 0: idle)"),
    Q("offset", job_settings, offset_s, GW_DIM_TIME, NN, "phase offset of the steps"),
    Q("start", job_settings, start_s, GW_DIM_TIME, NN, "start time (default 0)"),
    Q("stop", job_settings, stop_s, GW_DIM_TIME, POS, "stop time (default: runs on)"),
    Q("ramp", job_settings, ramp_s, GW_DIM_TIME, NN, "start-up and ramp-down (default 10 s)"),
    Q("checkpoint_every", job_settings, checkpoint_every_s, GW_DIM_TIME, POS,
      "time between checkpoints"),
    Q("checkpoint_pause", job_settings, checkpoint_pause_s, GW_DIM_TIME, NN,
      "pause per checkpoint"),
    Q("restart", job_settings, restart_s, GW_DIM_TIME, NN,
      "down time per interruption (default: the reliability entry's loss)"),
    EN("failures", job_settings, failures, "true|false", 0,
       "interruptions at the reliability entry's rate (default true)"),
};
SCHEMA(job_schema, "jobs", "job", job_settings, job_fields);

typedef struct inference_settings {
    gw_entry_meta meta;
    double accelerators, peak_load, peak_to_trough, peak_hour, start_hour, noise, noise_time_s;
    const gw_node *hourly;
} inference_settings;

static const gw_field inference_fields[] = {
    Q("accelerators", inference_settings, accelerators, GW_DIM_NONE, R | POS | INT,
      "accelerators serving"),
    Q("peak_load", inference_settings, peak_load, GW_DIM_NONE, FR, "load at the peak (default 0.7)"),
    Q("peak_to_trough", inference_settings, peak_to_trough, GW_DIM_NONE, POS,
      "daily peak / trough (default 2.49, BurstGPT)"),
    Q("peak_hour", inference_settings, peak_hour, GW_DIM_NONE, NN, "hour of the peak (default 16)"),
    Q("start_hour", inference_settings, start_hour, GW_DIM_NONE, NN, "hour the window starts"),
    Q("noise", inference_settings, noise, GW_DIM_NONE, NN, "relative noise (default 0.02)"),
    Q("noise_time", inference_settings, noise_time_s, GW_DIM_TIME, POS,
      "noise correlation time (default 60 s)"),
    NODE("hourly", inference_settings, hourly,
         "CSV with a utilisation column, one row an hour (gigawatt sim FLEET --requests-csv)"),
};
SCHEMA(inference_schema, "inference", "inference", inference_settings, inference_fields);

typedef struct mitigation_settings {
    gw_entry_meta meta;
    double floor, smoothing, gpu_ramp_w_per_s, cap_w, cap_exponent;
    const gw_node *rack_storage, *battery, *generation;
} mitigation_settings;

static const gw_field mitigation_fields[] = {
    Q("floor", mitigation_settings, floor, GW_DIM_NONE, FR,
      "GPU power floor, share of compute power"),
    Q("smoothing", mitigation_settings, smoothing, GW_DIM_NONE, FR,
      "filler work in communication, share of compute power"),
    Q("gpu_ramp", mitigation_settings, gpu_ramp_w_per_s, GW_DIM_POWER_RATE, POS,
      "GPU ramp-rate limit per accelerator"),
    Q("cap", mitigation_settings, cap_w, GW_DIM_POWER, POS, "accelerator power cap"),
    Q("cap_exponent", mitigation_settings, cap_exponent, GW_DIM_NONE, NN,
      "compute time ~ (full / cap)^exponent (default 1/3)"),
    NODE("rack_storage", mitigation_settings, rack_storage, "energy storage in the power shelves"),
    NODE("battery", mitigation_settings, battery, "site battery"),
    NODE("generation", mitigation_settings, generation, "on-site generation"),
};
SCHEMA(mitigation_schema, "mitigations", "mitigations", mitigation_settings, mitigation_fields);

typedef struct store_settings {
    gw_entry_meta meta;
    double power_w, energy_j, efficiency, soc_min, soc_max, soc_start, tau_s;
} store_settings;

static const gw_field store_fields[] = {
    Q("power", store_settings, power_w, GW_DIM_POWER, NN, "power (rack_storage: per rack)"),
    Q("energy", store_settings, energy_j, GW_DIM_ENERGY, NN, "energy (rack_storage: per rack)"),
    Q("efficiency", store_settings, efficiency, GW_DIM_NONE, EFF, "round trip (default 0.9)"),
    Q("soc_min", store_settings, soc_min, GW_DIM_NONE, FR, "lowest charge (default 0.1)"),
    Q("soc_max", store_settings, soc_max, GW_DIM_NONE, FR, "highest charge (default 0.9)"),
    Q("soc_start", store_settings, soc_start, GW_DIM_NONE, FR, "starting charge (default mid)"),
    Q("time_constant", store_settings, tau_s, GW_DIM_TIME, POS,
      "smoothing and return to the starting charge (default: rack 30 s, battery 600 s)"),
};
SCHEMA(store_schema, "store", "energy store", store_settings, store_fields);

typedef struct generation_settings {
    gw_entry_meta meta;
    double capacity_w, ramp_w_per_s, start_s;
} generation_settings;

static const gw_field generation_fields[] = {
    Q("capacity", generation_settings, capacity_w, GW_DIM_POWER, R | POS, "output"),
    Q("ramp", generation_settings, ramp_w_per_s, GW_DIM_POWER_RATE, POS, "ramp rate"),
    Q("start", generation_settings, start_s, GW_DIM_TIME, NN, "time to start"),
};
SCHEMA(generation_schema, "generation", "generation", generation_settings, generation_fields);

typedef struct limit_settings {
    gw_entry_meta meta;
    double ramp_w_per_s, window_s, band_low_hz, band_high_hz, max_rms_w, load_loss_w;
} limit_settings;

static const gw_field limit_fields[] = {
    Q("ramp", limit_settings, ramp_w_per_s, GW_DIM_POWER_RATE, POS, "largest ramp, e.g. 20 MW/min"),
    Q("window", limit_settings, window_s, GW_DIM_TIME, POS, "the ramp's window"),
    Q("band_low", limit_settings, band_low_hz, GW_DIM_FREQUENCY, POS, "oscillation band, from"),
    Q("band_high", limit_settings, band_high_hz, GW_DIM_FREQUENCY, POS, "oscillation band, to"),
    Q("max_rms", limit_settings, max_rms_w, GW_DIM_POWER, POS, "RMS swing allowed in the band"),
    Q("load_loss", limit_settings, load_loss_w, GW_DIM_POWER, POS, "largest drop within 1 s"),
};
SCHEMA(limit_schema, "limits", "limit", limit_settings, limit_fields);

typedef struct cost_settings {
    gw_entry_meta meta;
    double battery_energy, battery_power;
} cost_settings;

static const gw_field cost_fields[] = {
    Q("battery_energy", cost_settings, battery_energy, GW_DIM_USD_PER_ENERGY, NN,
      "battery capex per energy"),
    Q("battery_power", cost_settings, battery_power, GW_DIM_USD_PER_POWER, NN,
      "battery capex per power"),
};
SCHEMA(cost_schema, "costs", "costs", cost_settings, cost_fields);

static int located(const gw_node *n, gw_error *err, const char *msg)
{
    return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col, "%s", msg);
}

/* A mapping (absent: zeros) through its schema, its required keys given. */
static int decode_map(const gw_schema *s, const gw_node *n, void *out, gw_error *err)
{
    int rc = gw_decode_settings(s, n, out, err);
    return rc || !n ? rc : gw_decode_check_required(s, out, n, err);
}

/* ---- resolution ----------------------------------------------------------------- */

static double or_default(double v, double d)
{
    return v > 0 ? v : d;
}

/* Was `key` of `s` given in `obj`? */
static int given(const gw_schema *s, const void *obj, const char *key)
{
    const gw_entry_meta *m = obj;
    for (size_t i = 0; i < s->nfields; i++)
        if (strcmp(s->fields[i].key, key) == 0)
            return (m->set >> i) & 1;
    return 0;
}

/* IT W per accelerator at the rack input at load u. */
static int accel_it_w(const gw_scenario *sc, double u, gw_rack_result *rr, gw_error *err)
{
    gw_rack_input in;
    gw_scenario_rack_input(sc, &in);
    in.load = u;
    return gw_rack_budget(&in, rr, err);
}

/* The power chain's ratios (§1.4) from one rack at full load. */
static int chain(const gw_scenario *sc, gw_power_config *c, gw_error *err)
{
    gw_rack_result rr;
    int rc = accel_it_w(sc, 1, &rr, err);
    if (rc)
        return rc;
    double it = rr.it_power_w;
    c->eta_it = it / (it + rr.it_path_loss_w);
    c->cooling_per_it = rr.cooling_power_w / it;
    c->misc_per_it = rr.misc_power_w / it;
    c->eta_facility = (rr.grid_power_w - rr.facility_loss_w) / rr.grid_power_w;
    return GW_OK;
}

/* The job's step from the perf model (§1.1): the step at the job's size,
 * and its low-power share = pipeline bubble + exposed communication. */
static int job_step(const gw_scenario *sc, const job_settings *js, gw_power_job *j,
                    gw_power_job_info *info, gw_error *err)
{
    if (js->iteration_s > 0 && given(&job_schema, js, "comm_fraction")) {
        j->iteration_s = js->iteration_s, j->comm_fraction = js->comm_fraction;
        snprintf(info->step_source, sizeof info->step_source, "given");
        return GW_OK;
    }
    const gw_train_settings *ts = &sc->training;
    gw_perf_config pc = {.model = &sc->model, .accel = &sc->accelerator, .eff = &sc->efficiency};
    pc.tp = (int)or_default(js->tp, or_default(ts->tp, 1));
    pc.pp = (int)or_default(js->pp, or_default(ts->pp, 1));
    pc.ep = 1;
    int prec = ts->precision[0] ? gw_precision_parse(ts->precision) : GW_PREC_BF16;
    pc.weights = pc.kv = (gw_precision)prec;
    if (js->count > 1 << 20)
        return gw_error_field(err, "count", "job of %.0f accelerators; expected at most %d in "
                              "one job (split it into jobs)", js->count, 1 << 20);
    gw_train_request q = {.count = (int)js->count, .precision = pc.weights, .tokens = 1e12};
    q.mfu = or_default(js->mfu, ts->mfu);
    q.sequence_length = or_default(ts->sequence_length, 8192);
    q.global_batch_tokens = or_default(js->global_batch, ts->global_batch);
    q.micro_batch = ts->micro_batch, q.virtual_stages = ts->virtual_stages;
    gw_train_result tr;
    int rc = gw_perf_train(&pc, &q, &tr, err);
    if (rc)
        return rc;
    double peak = gw_precision_peak(&sc->accelerator, pc.weights);
    double step = tr.global_batch_tokens * tr.flops_per_token / (q.count * peak * tr.mfu);
    j->iteration_s = js->iteration_s > 0 ? js->iteration_s : step;
    j->comm_fraction = given(&job_schema, js, "comm_fraction") ? js->comm_fraction
                                                                : tr.step_bubble + tr.step_tp_comm;
    snprintf(info->step_source, sizeof info->step_source, "perf model");
    return GW_OK;
}

/* Power per accelerator per phase from the rack model (§1.1). */
static int job_power(const gw_scenario *sc, const job_settings *js, gw_power_job *j,
                     gw_error *err)
{
    gw_rack_result rr;
    int rc;
    double hi = given(&job_schema, js, "compute_load") ? js->compute_load : 1;
    if ((rc = accel_it_w(sc, hi, &rr, err)))
        return rc;
    j->compute_w = js->compute_w > 0 ? js->compute_w : rr.it_power_w / rr.accelerators;
    if ((rc = accel_it_w(sc, js->comm_load, &rr, err)))
        return rc;
    j->comm_w = given(&job_schema, js, "comm_power") ? js->comm_w : rr.it_power_w / rr.accelerators;
    if ((rc = accel_it_w(sc, 0, &rr, err)))
        return rc;
    j->idle_w = fmin(rr.it_power_w / rr.accelerators, j->comm_w);
    return GW_OK;
}

static int one_job(const gw_scenario *sc, const power_settings *ps, const gw_power_defaults *d,
                   const job_settings *js, gw_power_job *j, gw_power_job_info *info,
                   gw_error *err)
{
    memset(j, 0, sizeof *j);
    snprintf(j->name, sizeof j->name, "%s", js->meta.name);
    j->accelerators = js->count;
    int rc = job_step(sc, js, j, info, err);
    if (rc == GW_OK)
        rc = job_power(sc, js, j, err);
    if (rc)
        return rc;
    j->offset_s = js->offset_s, j->start_s = js->start_s, j->stop_s = js->stop_s;
    j->ramp_s = given(&job_schema, js, "ramp") ? js->ramp_s : d->job_ramp_s;
    /* the transition fits in each phase (a quarter of the shorter at most) */
    j->transition_s = fmin(ps->transition_s, 0.25 * j->iteration_s *
                                                 fmin(j->comm_fraction, 1 - j->comm_fraction));
    j->checkpoint_every_s = js->checkpoint_every_s, j->checkpoint_pause_s = js->checkpoint_pause_s;
    int failures = strcmp(js->failures, "false") != 0;
    const gw_reliability *rel = &sc->reliability;
    j->mtbi_s = failures && rel->accelerator_mtbi_s > 0 ? rel->accelerator_mtbi_s / js->count : 0;
    j->restart_s = given(&job_schema, js, "restart") ? js->restart_s
                                                     : rel->lost_per_interruption_s;
    info->iteration_uncapped_s = j->iteration_s;
    info->comm_fraction_uncapped = j->comm_fraction;
    info->compute_uncapped_w = j->compute_w;
    info->comm_uncapped_w = j->comm_w;
    info->swing_w = 0;
    return GW_OK;
}

/* Each item of power.jobs, placed at its item on error. */
static int resolve_jobs(const gw_scenario *sc, const power_settings *ps,
                        const gw_power_defaults *d, gw_power_report *r, gw_error *err)
{
    const gw_node *list = ps->jobs;
    gw_power_config *c = &r->cfg;
    if (!list)
        return GW_OK;
    if (list->kind != GW_NODE_SEQ)
        return located(list, err, "jobs is not a list; expected - {name: ..., count: ...} items");
    if (list->nkids > GW_POWER_MAX_JOBS)
        return located(list, err, "too many jobs; expected at most 64");
    for (size_t i = 0; i < list->nkids; i++) {
        job_settings js;
        const gw_node *item = list->kids[i];
        int rc = decode_map(&job_schema, item, &js, err);
        if (rc == GW_OK && !js.meta.name[0])
            rc = located(item, err, "a job has no name; expected name: ...");
        if (rc == GW_OK)
            rc = gw_scenario_place_error(
                one_job(sc, ps, d, &js, &c->jobs[i], &r->info[i], err), item, err);
        if (rc)
            return rc;
        c->njobs++;
    }
    if (strcmp(ps->stagger, "even") == 0) /* §1.1: job i later by i/k of its step */
        for (int i = 0; i < c->njobs; i++)
            c->jobs[i].offset_s += c->jobs[i].iteration_s * i / c->njobs;
    return GW_OK;
}

#define HOURLY_MAX_BYTES (64u << 20)
#define HOURLY_MAX_ROWS 100000

/* inference.hourly (§1.3): the utilisation column of a fleet simulation's
 * hourly CSV (include/gigawatt/csv.h), one value a row, into r->hourly. */
static int read_hourly(const gw_node *n, gw_power_report *r, gw_error *err)
{
    char path[512];
    if (n->kind != GW_NODE_SCALAR || !n->text[0])
        return located(n, err, "hourly is not a file path; expected the CSV of gigawatt sim "
                               "FLEET --requests-csv");
    gw_node_path(n, path, sizeof path);
    char *text = NULL;
    size_t len, pos = 0;
    if (gw_read_whole_file(path, HOURLY_MAX_BYTES, &text, &len))
        return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col,
                            "hourly '%.300s' cannot be read; expected a readable CSV of at most "
                            "64 MiB", path);
    gw_csv_record rec = {0};
    int line = 1, got = gw_csv_next(text, len, &pos, &line, &rec), rc = GW_OK;
    int col = got == 1 ? gw_csv_column(&rec, "utilisation") : -1;
    if (got < 0)
        rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    else if (col < 0)
        rc = gw_error_set(err, GW_E_INPUT, path, 1, 1, "no 'utilisation' column; expected the "
                          "hourly CSV of gigawatt sim FLEET --requests-csv");
    r->hourly = rc == GW_OK ? malloc(HOURLY_MAX_ROWS * sizeof *r->hourly) : NULL;
    if (!r->hourly && rc == GW_OK)
        rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    while (rc == GW_OK && (got = gw_csv_next(text, len, &pos, &line, &rec)) != 0) {
        if (got < 0) {
            rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        if (gw_csv_blank(&rec))
            continue;
        const char *cell = col < rec.n ? gw_csv_field(&rec, col) : NULL;
        char *end = NULL;
        double u = cell ? strtod(cell, &end) : NAN;
        while (end && (*end == ' ' || *end == '\t'))
            end++;
        if (!cell || end == cell || *end || !(u >= 0 && u <= 1) ||
            r->nhourly >= HOURLY_MAX_ROWS)
            rc = gw_error_set(err, GW_E_INPUT, path, rec.line,
                              cell ? rec.col[col] : rec.end_col, "row %d: %s; expected a "
                              "utilisation in [0, 1] per hour, at most %d rows", rec.line - 1,
                              r->nhourly >= HOURLY_MAX_ROWS ? "too many rows"
                                                            : "no utilisation in [0, 1]",
                              HOURLY_MAX_ROWS);
        else
            r->hourly[r->nhourly++] = u;
    }
    if (rc == GW_OK && r->nhourly == 0)
        rc = gw_error_set(err, GW_E_INPUT, path, 1, 1, "no rows; expected one an hour");
    gw_csv_record_free(&rec);
    free(text);
    return rc;
}

static int resolve_inference(const gw_scenario *sc, const power_settings *ps,
                             const gw_power_defaults *d, gw_power_report *r, gw_error *err)
{
    gw_power_config *c = &r->cfg;
    inference_settings is;
    int rc = decode_map(&inference_schema, ps->inference, &is, err);
    if (rc || !ps->inference)
        return rc;
    gw_power_inference *inf = &c->inference;
    gw_rack_result rr;
    if ((rc = accel_it_w(sc, 1, &rr, err)))
        return rc;
    inf->busy_w = rr.it_power_w / rr.accelerators;
    if ((rc = accel_it_w(sc, 0, &rr, err)))
        return rc;
    inf->idle_w = rr.it_power_w / rr.accelerators;
    inf->accelerators = is.accelerators;
    inf->peak_load = given(&inference_schema, &is, "peak_load") ? is.peak_load : d->peak_load;
    inf->peak_to_trough = or_default(is.peak_to_trough, d->peak_to_trough);
    inf->peak_hour = given(&inference_schema, &is, "peak_hour") ? is.peak_hour : d->peak_hour;
    inf->start_hour = is.start_hour;
    inf->noise = given(&inference_schema, &is, "noise") ? is.noise : d->noise;
    inf->noise_time_s = or_default(is.noise_time_s, d->noise_time_s);
    if (is.hourly && (rc = read_hourly(is.hourly, r, err)))
        return rc;
    inf->hourly = r->hourly, inf->nhourly = r->nhourly;
    return GW_OK;
}

/* A store's settings with their defaults; `scale` multiplies power and
 * energy (rack storage: per rack -> the site's racks). */
static int resolve_store(const gw_node *n, double scale, double tau_s,
                         const gw_power_defaults *d, gw_power_store *st, gw_error *err)
{
    store_settings ss;
    int rc = decode_map(&store_schema, n, &ss, err);
    if (rc)
        return rc;
    st->power_w = ss.power_w * scale, st->energy_j = ss.energy_j * scale;
    st->efficiency = or_default(ss.efficiency, d->store_efficiency);
    st->soc_min = given(&store_schema, &ss, "soc_min") ? ss.soc_min : d->soc_min;
    st->soc_max = given(&store_schema, &ss, "soc_max") ? ss.soc_max : d->soc_max;
    st->soc_start = given(&store_schema, &ss, "soc_start") ? ss.soc_start
                                                            : 0.5 * (st->soc_min + st->soc_max);
    st->time_constant_s = or_default(ss.tau_s, tau_s);
    if (n && !(st->soc_min < st->soc_max && st->soc_start >= st->soc_min &&
               st->soc_start <= st->soc_max))
        return located(n, err, "state-of-charge limits are not soc_min < soc_max with "
                               "soc_start between; expected e.g. soc_min: 0.1, soc_max: 0.9");
    return GW_OK;
}

/* The accelerator's power under a cap, as a rack-model load (§2.6). */
static double cap_load(const gw_accelerator *a, double cap_w)
{
    double share = cap_w / a->tdp_w, idle = a->idle_power_fraction;
    double u = (share - idle) / (1 - idle);
    return u < 0 ? 0 : u > 1 ? 1 : u;
}

/* The jobs of `c` (at their uncapped step and power, r->info) under an
 * accelerator cap of cap_w (§2.6): P_hi from the rack model at the load
 * where the accelerator draws the cap, the compute phase slower by
 * (TDP / cap)^expo; *loss: the training throughput lost. */
static int cap_jobs(const gw_scenario *sc, const gw_power_report *r, double cap_w, double expo,
                    gw_power_config *c, double *loss, gw_error *err)
{
    gw_rack_result rr;
    int rc = accel_it_w(sc, cap_load(&sc->accelerator, cap_w), &rr, err);
    if (rc)
        return rc;
    double capped = rr.it_power_w / rr.accelerators, tdp = sc->accelerator.tdp_w;
    double t0 = 0, t1 = 0;
    for (int i = 0; i < c->njobs; i++) {
        gw_power_job *j = &c->jobs[i];
        const gw_power_job_info *in = &r->info[i];
        j->iteration_s = in->iteration_uncapped_s, j->comm_fraction = in->comm_fraction_uncapped;
        j->compute_w = in->compute_uncapped_w, j->comm_w = in->comm_uncapped_w;
        t0 += j->accelerators / j->iteration_s;
        if (capped < j->compute_w) {
            j->iteration_s = gw_power_cap_iteration(j->iteration_s, j->comm_fraction, tdp,
                                                    fmin(cap_w, tdp), expo, &j->comm_fraction);
            j->compute_w = capped;
            j->comm_w = fmin(j->comm_w, capped);
        }
        t1 += j->accelerators / j->iteration_s;
    }
    *loss = t0 > 0 ? 1 - t1 / t0 : 0;
    return GW_OK;
}

static int apply_cap(const gw_scenario *sc, const mitigation_settings *ms,
                     const gw_power_defaults *d, gw_power_report *r, gw_error *err)
{
    r->cap_exponent =
        given(&mitigation_schema, ms, "cap_exponent") ? ms->cap_exponent : d->cap_exponent;
    if (!(ms->cap_w > 0))
        return GW_OK;
    r->has_cap = 1, r->cap_w = ms->cap_w;
    return cap_jobs(sc, r, ms->cap_w, r->cap_exponent, &r->cfg, &r->cap_throughput_loss, err);
}

/* The alternative to a battery (§3): the highest accelerator cap that
 * meets the limits with no battery (bisection on re-simulation between
 * the accelerator's idle power and its TDP), and its throughput cost. */
static int size_cap(const gw_scenario *sc, gw_power_report *r, gw_error *err)
{
    gw_power_config *c = malloc(sizeof *c);
    if (!c)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    *c = r->cfg;
    c->battery.power_w = c->battery.energy_j = 0, c->keep_series = 0;
    const gw_accelerator *a = &sc->accelerator;
    double lo = a->tdp_w * a->idle_power_fraction, hi = a->tdp_w, loss = 0;
    int ok = 0, rc = GW_OK;
    for (int i = 0; i < 14 && rc == GW_OK; i++) {
        double mid = i == 0 ? lo : 0.5 * (lo + hi);
        if ((rc = cap_jobs(sc, r, mid, r->cap_exponent, c, &loss, err)) ||
            (rc = gw_power_meets_limits(c, &ok, err)))
            break;
        if (i == 0 && !ok)
            break; /* even at idle power the limits break (inference, say) */
        if (i == 0)
            r->cap_fit_ok = 1, r->cap_fit_w = lo, r->cap_fit_loss = loss;
        else if (ok)
            lo = mid, r->cap_fit_w = mid, r->cap_fit_loss = loss;
        else
            hi = mid;
    }
    free(c);
    return rc;
}

static int resolve_mitigations(const gw_scenario *sc, const power_settings *ps,
                               const gw_power_defaults *d, gw_power_report *r, gw_error *err)
{
    mitigation_settings ms;
    gw_power_config *c = &r->cfg;
    int rc = decode_map(&mitigation_schema, ps->mitigations, &ms, err);
    if (rc)
        return rc;
    for (int i = 0; i < c->njobs; i++) {
        gw_power_job *j = &c->jobs[i];
        j->floor_w = ms.floor * j->compute_w;
        j->smoothing_w = ms.smoothing * j->compute_w;
        j->ramp_limit_w_per_s = ms.gpu_ramp_w_per_s;
    }
    double accels = c->inference.accelerators;
    for (int i = 0; i < c->njobs; i++)
        accels += c->jobs[i].accelerators;
    double racks = accels / (sc->system.accelerators * sc->system.systems_per_rack);
    generation_settings gs;
    if ((rc = resolve_store(ms.rack_storage, racks, d->rack_storage_tau_s, d, &c->rack, err)) ||
        (rc = resolve_store(ms.battery, 1, d->battery_tau_s, d, &c->battery, err)) ||
        (rc = decode_map(&generation_schema, ms.generation, &gs, err)))
        return rc;
    c->generation = (gw_power_generation){gs.capacity_w, gs.ramp_w_per_s, gs.start_s};
    return apply_cap(sc, &ms, d, r, err);
}

/* Each limit: exactly one of a ramp (with its window), a band (low, high,
 * max_rms) or a load loss. */
static int one_limit(const gw_node *item, const limit_settings *ls, gw_power_limit *l, char *text,
                     size_t cap, gw_error *err)
{
    int ramp = ls->ramp_w_per_s > 0, band = ls->band_low_hz > 0 || ls->band_high_hz > 0 ||
                                            ls->max_rms_w > 0,
        loss = ls->load_loss_w > 0;
    if (ramp + band + loss != 1)
        return located(item, err, "a limit is one of a ramp (ramp:, window:), a band (band_low:, "
                                  "band_high:, max_rms:) or a load_loss:; expected exactly one");
    if (ramp && !(ls->window_s > 0))
        return located(item, err, "a ramp limit has no window; expected window: e.g. 1 min");
    if (!ramp && ls->window_s > 0)
        return located(item, err, "window: applies to a ramp limit only; expected ramp: with it");
    if (band && !(ls->band_low_hz > 0 && ls->band_high_hz > ls->band_low_hz && ls->max_rms_w > 0))
        return located(item, err, "a band limit needs band_low < band_high and max_rms; "
                                  "expected e.g. band_low: 0.1 Hz, band_high: 2 Hz, max_rms: 5 MW");
    if (ramp) {
        *l = (gw_power_limit){.kind = GW_LIMIT_RAMP, .ramp_w_per_s = ls->ramp_w_per_s,
                              .window_s = ls->window_s};
        snprintf(text, cap, "ramp %g MW/min over %g s", ls->ramp_w_per_s * 60 / 1e6,
                 ls->window_s);
    } else if (band) {
        *l = (gw_power_limit){.kind = GW_LIMIT_BAND, .low_hz = ls->band_low_hz,
                              .high_hz = ls->band_high_hz, .max_rms_w = ls->max_rms_w};
        snprintf(text, cap, "oscillation %g-%g Hz at most %g MW rms", ls->band_low_hz,
                 ls->band_high_hz, ls->max_rms_w / 1e6);
    } else {
        *l = (gw_power_limit){.kind = GW_LIMIT_LOAD_LOSS, .max_w = ls->load_loss_w};
        snprintf(text, cap, "load loss within 1 s at most %g MW", ls->load_loss_w / 1e6);
    }
    return GW_OK;
}

static int resolve_limits(const power_settings *ps, gw_power_report *r, gw_error *err)
{
    const gw_node *list = ps->limits;
    if (!list)
        return GW_OK;
    if (list->kind != GW_NODE_SEQ)
        return located(list, err, "limits is not a list; expected - {ramp: ..., window: ...}");
    if (list->nkids > GW_POWER_MAX_LIMITS)
        return located(list, err, "too many limits; expected at most 16");
    for (size_t i = 0; i < list->nkids; i++) {
        limit_settings ls;
        int rc = decode_map(&limit_schema, list->kids[i], &ls, err);
        if (rc || (rc = one_limit(list->kids[i], &ls, &r->cfg.limits[i], r->limit_text[i],
                                  sizeof r->limit_text[i], err)))
            return rc;
        r->cfg.nlimits++;
    }
    return GW_OK;
}

static int resolve_costs(const gw_scenario *sc, const power_settings *ps, gw_power_report *r,
                         gw_error *err)
{
    cost_settings cs;
    int rc = decode_map(&cost_schema, ps->costs, &cs, err);
    r->costs.battery_usd_per_j = cs.battery_energy;
    r->costs.battery_usd_per_w = cs.battery_power;
    r->costs.electricity_usd_per_j = sc->electricity.price_usd_per_j;
    return rc;
}

/* The whole power: section into r->cfg (mitigated) and r->base (without). */
static int resolve(const gw_scenario *sc, const gw_node *pn, const gw_power_defaults *d,
                   gw_power_report *r, gw_error *err)
{
    power_settings ps;
    int rc = decode_map(&power_schema, pn, &ps, err);
    if (rc)
        return rc;
    if (!sc->has_system) /* the rack model gives each phase's power */
        return located(pn, err, "power needs a system with this accelerator (the rack model "
                                "gives each phase's power); expected system: e.g. gb200-nvl72");
    gw_power_config *c = &r->cfg;
    c->window_s = or_default(ps.window_s, DEFAULT_WINDOW_S);
    c->resolution_s = or_default(ps.resolution_s, DEFAULT_RESOLUTION_S);
    c->seed = given(&power_schema, &ps, "seed") ? (unsigned long long)ps.seed : 1;
    c->site_capacity_w = ps.site_capacity_w;
    c->cooling_time_constant_s = given(&power_schema, &ps, "cooling_time_constant")
                                     ? ps.cooling_tau_s
                                     : d->cooling_tau_s;
    ps.transition_s = given(&power_schema, &ps, "transition") ? ps.transition_s : d->transition_s;
    c->spectrum_block_s = ps.spectrum_block_s;
    c->mitigate = 1;
    if ((rc = chain(sc, c, err)) || (rc = resolve_jobs(sc, &ps, d, r, err)) ||
        (rc = resolve_inference(sc, &ps, d, r, err)) || (rc = resolve_limits(&ps, r, err)))
        return rc;
    if (c->njobs == 0 && c->inference.accelerators <= 0)
        return located(pn, err, "power: runs nothing; expected jobs: or inference:");
    if ((rc = resolve_mitigations(sc, &ps, d, r, err)) || (rc = resolve_costs(sc, &ps, r, err)))
        return rc;
    /* the unmitigated run: the jobs before a cap, every mitigation off */
    r->base = *c;
    r->base.mitigate = 0;
    for (int i = 0; i < c->njobs; i++) {
        gw_power_job *j = &r->base.jobs[i];
        j->iteration_s = r->info[i].iteration_uncapped_s;
        j->comm_fraction = r->info[i].comm_fraction_uncapped;
        j->compute_w = r->info[i].compute_uncapped_w;
        j->comm_w = r->info[i].comm_uncapped_w;
        r->info[i].swing_w = j->accelerators * (j->compute_w - j->comm_w) /
                             (c->eta_it * c->eta_facility);
    }
    return GW_OK;
}

/* ---- the command ------------------------------------------------------------------ */

static int run(const gw_cmd_args *a, gw_power_report *r, gw_error *err)
{
    const gw_command_request *q = a->req;
    r->cfg.keep_series = a->csv;
    int rc = gw_power_check(&r->cfg, err); /* before the first run, which does not keep it */
    if (rc)
        return rc;
    gw_cmd_phase(a, "power", "samples");
    rc = gw_power_run(&r->base, &r->unmitigated, NULL, NULL, err);
    if (rc == GW_OK)
        rc = gw_power_run(&r->cfg, &r->mitigated, q->progress, q->progress_user, err);
    if (rc == GW_OK && r->cfg.nlimits > 0) {
        r->sized = 1;
        rc = gw_power_size(&r->cfg, &r->sizing, err);
        if (rc == GW_OK && r->sizing.needed && r->cfg.njobs > 0)
            rc = size_cap(r->sc, r, err);
    }
    return rc;
}

int gw_cmd_power(const gw_cmd_args *a, gw_command_output *out, gw_error *err)
{
    gw_cmd_loaded l;
    int rc = gw_cmd_load_tree_and_catalog(a, &l, err);
    if (rc)
        return rc;
    const gw_node *pn = gw_node_get(l.root, "power");
    gw_power_report *r = calloc(1, sizeof *r);
    if (!r)
        rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    else if (!pn)
        rc = gw_error_set(err, GW_E_INPUT, l.root->file, l.root->line, l.root->col,
                          "the scenario has no power: section; expected power: {jobs: [...], "
                          "limits: [...]} (docs/power.md)");
    gw_power_defaults d;
    if (rc == GW_OK)
        rc = gw_catalog_get(&l.cat, &gw_schema_power_defaults, POWER_DEFAULTS_ID, NULL, &d, err);
    if (rc == GW_OK && (rc = gw_cmd_resolve(&l, GW_NEED_PERF, err)) == GW_OK) {
        r->sc = l.sc;
        rc = gw_cmd_place_on_file(gw_scenario_place_error(resolve(l.sc, pn, &d, r, err), pn, err),
                                  l.sc, err);
    }
    if (rc == GW_OK)
        rc = gw_cmd_place_on_file(gw_scenario_place_error(run(a, r, err), pn, err), l.sc, err);
    if (rc == GW_OK) {
        char *json = a->req->want_json || a->html ? gw_power_json(r) : NULL;
        char *text = a->req->want_text ? gw_power_text(r) : NULL;
        if (a->csv && r->mitigated.series_csv)
            out->csv = r->mitigated.series_csv, r->mitigated.series_csv = NULL;
        rc = gw_cmd_finish(a, gw_cmd_report_name(a), json, text, out, err);
    }
    if (r) {
        free(r->hourly);
        gw_power_result_free(&r->unmitigated);
        gw_power_result_free(&r->mitigated);
    }
    free(r);
    gw_cmd_loaded_free(&l);
    return rc;
}
