/* src/output/power_out.c — `gigawatt power`'s result (output layer): the
 * JSON document (kind "power"; the keys docs/power.md §6 lists, which the
 * checks read: grid.peak_w, grid.mean_w, grid.max_ramp_w_per_s by window,
 * grid.spectrum_peak_hz, jobs[].name / iteration_s, violations[].message,
 * sizing.battery_w / battery_wh) and the text summary. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/buffer.h"
#include "gigawatt/power_out.h"
#include "json_int.h"
#include "text_int.h"

#define WH 3600.0

static const char *const window_keys[GW_POWER_NWINDOWS] = {"1s", "60s", "600s"};

static void by_window(cJSON *o, const char *key, const double *v)
{
    cJSON *w = cJSON_AddObjectToObject(o, key);
    for (int i = 0; i < GW_POWER_NWINDOWS; i++)
        gw_json_num(w, window_keys[i], v[i]);
}

static cJSON *grid_object(cJSON *root, const char *key, const gw_power_result *res)
{
    const gw_power_grid *g = &res->grid;
    cJSON *o = cJSON_AddObjectToObject(root, key);
    gw_json_num(o, "peak_w", g->peak_w);
    gw_json_num(o, "mean_w", g->mean_w);
    gw_json_num(o, "min_w", g->min_w);
    gw_json_num(o, "energy_wh", g->energy_j / WH);
    double mx[GW_POWER_NWINDOWS];
    for (int i = 0; i < GW_POWER_NWINDOWS; i++)
        mx[i] = fmax(g->ramp_up_w_per_s[i], g->ramp_down_w_per_s[i]);
    by_window(o, "max_ramp_w_per_s", mx);
    by_window(o, "ramp_up_w_per_s", g->ramp_up_w_per_s);
    by_window(o, "ramp_down_w_per_s", g->ramp_down_w_per_s);
    gw_json_num(o, "instant_ramp_w_per_s", g->instant_ramp_w_per_s);
    gw_json_num(o, "largest_load_loss_w", g->largest_load_loss_w);
    /* a grid fault sends the whole site to backup at once (§4) */
    gw_json_num(o, "fault_load_loss_w", g->peak_w);
    gw_json_num(o, "spectrum_peak_hz", g->spectrum_peak_hz);
    gw_json_num(o, "spectrum_peak_rms_w", g->spectrum_peak_rms_w);
    cJSON *bands = cJSON_AddArrayToObject(o, "bands");
    for (int b = 0; b < GW_POWER_NBANDS; b++) {
        cJSON *x = cJSON_CreateObject();
        gw_json_num(x, "low_hz", g->band_low_hz[b]);
        gw_json_num(x, "high_hz", g->band_high_hz[b]);
        gw_json_num(x, "rms_w", g->band_rms_w[b]);
        cJSON_AddItemToArray(bands, x);
    }
    return o;
}

static void jobs_array(cJSON *root, const gw_power_report *r)
{
    cJSON *a = cJSON_AddArrayToObject(root, "jobs");
    for (int i = 0; i < r->cfg.njobs; i++) {
        const gw_power_job *j = &r->cfg.jobs[i];
        const gw_power_job_info *in = &r->info[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", j->name);
        gw_json_num(o, "accelerators", j->accelerators);
        gw_json_num(o, "iteration_s", j->iteration_s);
        gw_json_num(o, "comm_fraction", j->comm_fraction);
        gw_json_num(o, "iteration_uncapped_s", in->iteration_uncapped_s);
        cJSON_AddStringToObject(o, "step_from", in->step_source);
        gw_json_num(o, "compute_w_per_accelerator", j->compute_w);
        gw_json_num(o, "comm_w_per_accelerator", j->comm_w);
        gw_json_num(o, "idle_w_per_accelerator", j->idle_w);
        gw_json_num(o, "swing_w", in->swing_w);
        gw_json_num(o, "transition_s", j->transition_s);
        gw_json_num(o, "offset_s", j->offset_s);
        gw_json_num(o, "mtbi_s", j->mtbi_s);
        gw_json_num(o, "restart_s", j->restart_s);
        cJSON_AddItemToArray(a, o);
    }
}

static void violation_message(const gw_power_report *r, const gw_power_violation *v, char *buf,
                              size_t n)
{
    const gw_power_limit *l = &r->cfg.limits[v->limit];
    if (l->kind == GW_LIMIT_RAMP)
        snprintf(buf, n, "ramp %.3g MW/min within %g s exceeds the limit %.3g MW/min, "
                 "%.2f s to %.2f s", v->value * 60 / 1e6, l->window_s, v->bound * 60 / 1e6,
                 v->start_s, v->end_s);
    else if (l->kind == GW_LIMIT_BAND)
        snprintf(buf, n, "oscillation in %g-%g Hz of %.4g MW rms exceeds the limit %.4g MW rms",
                 l->low_hz, l->high_hz, v->value / 1e6, v->bound / 1e6);
    else
        snprintf(buf, n, "load loss of %.4g MW within 1 s exceeds the limit %.4g MW, %.2f s to "
                 "%.2f s", v->value / 1e6, v->bound / 1e6, v->start_s, v->end_s);
}

static void limits_and_violations(cJSON *root, const gw_power_report *r)
{
    static const char *const kinds[] = {"ramp", "band", "load_loss"};
    cJSON *la = cJSON_AddArrayToObject(root, "limits");
    for (int l = 0; l < r->cfg.nlimits; l++) {
        const gw_power_limit *lim = &r->cfg.limits[l];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "kind", kinds[lim->kind]);
        cJSON_AddStringToObject(o, "limit", r->limit_text[l]);
        gw_json_num(o, "worst_unmitigated", r->unmitigated.limit_worst[l]);
        gw_json_num(o, "worst", r->mitigated.limit_worst[l]);
        cJSON_AddItemToArray(la, o);
    }
    cJSON *va = cJSON_AddArrayToObject(root, "violations");
    for (int i = 0; i < r->mitigated.nviolations; i++) {
        const gw_power_violation *v = &r->mitigated.violations[i];
        char msg[256];
        violation_message(r, v, msg, sizeof msg);
        cJSON *o = cJSON_CreateObject();
        gw_json_num(o, "limit", v->limit);
        gw_json_num(o, "start_s", v->start_s);
        gw_json_num(o, "end_s", v->end_s);
        gw_json_num(o, "value", v->value);
        gw_json_num(o, "bound", v->bound);
        cJSON_AddStringToObject(o, "message", msg);
        cJSON_AddItemToArray(va, o);
    }
    gw_json_num(root, "violations_not_listed", r->mitigated.violations_more);
}

static void mitigations_object(cJSON *root, const gw_power_report *r)
{
    const gw_power_result *m = &r->mitigated;
    const gw_power_config *c = &r->cfg;
    cJSON *o = cJSON_AddObjectToObject(root, "mitigations");
    double extra = m->it_energy_j - m->it_energy_raw_j;
    gw_json_num(o, "gpu_energy_cost_wh", extra / WH);
    gw_json_num(o, "gpu_energy_cost_usd", extra * r->costs.electricity_usd_per_j);
    gw_json_num(o, "rack_storage_w", c->rack.power_w);
    gw_json_num(o, "rack_storage_wh", c->rack.energy_j / WH);
    gw_json_num(o, "rack_storage_loss_wh", m->rack_loss_j / WH);
    gw_json_num(o, "battery_w", c->battery.power_w);
    gw_json_num(o, "battery_wh", c->battery.energy_j / WH);
    gw_json_num(o, "battery_loss_wh", m->battery_loss_j / WH);
    gw_json_num(o, "battery_soc_low", m->battery_soc_low);
    gw_json_num(o, "battery_soc_high", m->battery_soc_high);
    gw_json_num(o, "generation_w", c->generation.capacity_w);
    gw_json_num(o, "generation_wh", m->generation_j / WH);
    gw_json_num_or_null(o, "cap_w", r->cap_w, r->has_cap);
    gw_json_num(o, "cap_throughput_loss", r->cap_throughput_loss);
}

static void sizing_object(cJSON *root, const gw_power_report *r)
{
    const gw_power_sizing *s = &r->sizing;
    cJSON *o = cJSON_AddObjectToObject(root, "sizing");
    cJSON_AddBoolToObject(o, "needed", s->needed);
    cJSON_AddBoolToObject(o, "feasible", !r->sized || s->feasible);
    int have = !r->sized || s->feasible;
    gw_json_num_or_null(o, "battery_w", r->sized ? s->battery_w : 0, have);
    gw_json_num_or_null(o, "battery_wh", r->sized ? s->battery_j / WH : 0, have);
    double usd = s->battery_j * r->costs.battery_usd_per_j + s->battery_w * r->costs.battery_usd_per_w;
    gw_json_num_or_null(o, "battery_usd", usd, have);
    int floor_have = r->sized && s->floor_feasible;
    gw_json_num_or_null(o, "floor_fraction", s->floor_fraction, floor_have);
    gw_json_num_or_null(o, "floor_energy_wh", s->floor_energy_j / WH, floor_have);
    gw_json_num_or_null(o, "floor_energy_usd",
                        s->floor_energy_j * r->costs.electricity_usd_per_j, floor_have);
    int cap_have = r->sized && r->cap_fit_ok;
    gw_json_num_or_null(o, "cap_w", r->cap_fit_w, cap_have);
    gw_json_num_or_null(o, "cap_throughput_loss", r->cap_fit_loss, cap_have);
    gw_json_num(o, "simulations", s->runs);
}

static void figures(cJSON *root, const gw_power_report *r)
{
    cJSON *f = cJSON_AddObjectToObject(root, "figures");
    const gw_power_result *m = &r->mitigated, *u = &r->unmitigated;
    gw_json_array(f, "t_s", m->plot_t, (size_t)m->nplot);
    gw_json_array(f, "grid_min_w", m->plot_min, (size_t)m->nplot);
    gw_json_array(f, "grid_max_w", m->plot_max, (size_t)m->nplot);
    gw_json_array(f, "unmitigated_min_w", u->plot_min, (size_t)u->nplot);
    gw_json_array(f, "unmitigated_max_w", u->plot_max, (size_t)u->nplot);
    gw_json_array(f, "ramp_1s_edges_w_per_s", m->hist_edge_w_per_s, GW_POWER_HIST_BINS + 1);
    gw_json_array(f, "ramp_1s_counts", m->hist_count, GW_POWER_HIST_BINS);
    gw_json_array(f, "unmitigated_ramp_1s_counts", u->hist_count, GW_POWER_HIST_BINS);
    gw_json_array(f, "spectrum_hz", m->spectrum_hz, (size_t)m->nspectrum);
    gw_json_array(f, "spectrum_rms_w", m->spectrum_rms_w, (size_t)m->nspectrum);
    gw_json_array(f, "unmitigated_spectrum_hz", u->spectrum_hz, (size_t)u->nspectrum);
    gw_json_array(f, "unmitigated_spectrum_rms_w", u->spectrum_rms_w, (size_t)u->nspectrum);
}

char *gw_power_json(const gw_power_report *r)
{
    cJSON *root = cJSON_CreateObject();
    if (!root)
        return NULL;
    gw_json_tag(root, "power");
    const gw_power_config *c = &r->cfg;
    cJSON *in = gw_json_model_inputs(root, r->sc);
    gw_json_num(in, "window_s", c->window_s);
    gw_json_num(in, "resolution_s", c->resolution_s);
    gw_json_num(in, "seed", (double)c->seed);
    gw_json_num(in, "samples", (double)r->mitigated.samples);
    cJSON *ch = cJSON_AddObjectToObject(root, "power_chain");
    gw_json_num(ch, "eta_it", c->eta_it);
    gw_json_num(ch, "eta_facility", c->eta_facility);
    gw_json_num(ch, "cooling_per_it", c->cooling_per_it);
    gw_json_num(ch, "misc_per_it", c->misc_per_it);
    gw_json_num(ch, "cooling_time_constant_s", c->cooling_time_constant_s);
    jobs_array(root, r);
    grid_object(root, "grid", &r->mitigated);
    grid_object(root, "unmitigated", &r->unmitigated);
    mitigations_object(root, r);
    limits_and_violations(root, r);
    sizing_object(root, r);
    figures(root, r);
    return gw_json_finish(root);
}

/* ---- text ------------------------------------------------------------------------ */

static void grid_rows(gw_buf *b, const char *title, const gw_power_grid *g)
{
    gw_buf_printf(b, "%s\n", title);
    gw_text_row_si(b, "peak", g->peak_w, "W");
    gw_text_row_si(b, "mean", g->mean_w, "W");
    gw_text_row_si(b, "swing (peak - min)", g->peak_w - g->min_w, "W");
    for (int i = 0; i < GW_POWER_NWINDOWS; i++) {
        char label[64], v[64];
        double rate = fmax(g->ramp_up_w_per_s[i], g->ramp_down_w_per_s[i]);
        snprintf(label, sizeof label, "largest change within %s", window_keys[i]);
        snprintf(v, sizeof v, "%.4g MW (%.4g MW/min)", rate * g->window_s[i] / 1e6,
                 rate * 60 / 1e6);
        gw_text_row(b, label, v);
    }
    gw_text_row_si(b, "largest load loss within 1 s", g->largest_load_loss_w, "W");
    char v[64];
    snprintf(v, sizeof v, "%.4g Hz (%.3g MW rms)", g->spectrum_peak_hz,
             g->spectrum_peak_rms_w / 1e6);
    gw_text_row(b, "spectrum peak", v);
}

static void sizing_rows(gw_buf *b, const gw_power_report *r)
{
    const gw_power_sizing *s = &r->sizing;
    gw_buf_printf(b, "sizing (least that meets every limit)\n");
    if (!s->needed) {
        gw_text_row(b, "site battery", "none needed");
        return;
    }
    char v[96];
    if (s->feasible) {
        snprintf(v, sizeof v, "%.4g MW, %.4g MWh", s->battery_w / 1e6, s->battery_j / WH / 1e6);
        gw_text_row(b, "site battery", v);
        gw_text_row_usd(b, "battery capex",
                        s->battery_j * r->costs.battery_usd_per_j +
                            s->battery_w * r->costs.battery_usd_per_w);
    } else {
        gw_text_row(b, "site battery", "none within the search range");
    }
    if (r->cfg.njobs == 0) {
        gw_text_row(b, "or a GPU floor", "no training job to floor");
    } else if (s->floor_feasible) {
        snprintf(v, sizeof v, "%.3g of compute power, +%.4g MWh", s->floor_fraction,
                 s->floor_energy_j / WH / 1e6);
        gw_text_row(b, "or a GPU floor", v);
    } else {
        gw_text_row(b, "or a GPU floor", "no floor meets the limits");
    }
    if (r->cfg.njobs > 0 && r->cap_fit_ok) {
        snprintf(v, sizeof v, "%.0f W per accelerator, %.1f%% of training throughput",
                 r->cap_fit_w, 100 * r->cap_fit_loss);
        gw_text_row(b, "or a power cap", v);
    } else if (r->cfg.njobs > 0) {
        gw_text_row(b, "or a power cap", "no cap meets the limits");
    }
}

char *gw_power_text(const gw_power_report *r)
{
    gw_buf b = {0};
    const gw_power_config *c = &r->cfg;
    gw_buf_printf(&b, "power: %s\n", r->sc->name[0] ? r->sc->name : r->sc->source_file);
    gw_buf_printf(&b, "  %g s at %g s resolution, %.0f samples\n", c->window_s, c->resolution_s,
                  (double)r->mitigated.samples);
    gw_buf_printf(&b, "jobs\n");
    for (int i = 0; i < c->njobs; i++) {
        const gw_power_job *j = &c->jobs[i];
        gw_buf_printf(&b, "  %-24s %8.0f accelerators, step %.3g s (%s), %.0f%% low power, "
                      "%.0f/%.0f W, swing %.4g MW\n",
                      j->name, j->accelerators, j->iteration_s, r->info[i].step_source,
                      100 * j->comm_fraction, j->compute_w, j->comm_w, r->info[i].swing_w / 1e6);
    }
    grid_rows(&b, "grid, unmitigated", &r->unmitigated.grid);
    grid_rows(&b, "grid, with the mitigations", &r->mitigated.grid);
    double extra = r->mitigated.it_energy_j - r->mitigated.it_energy_raw_j;
    if (extra > 0)
        gw_text_row_si(&b, "GPU floor/smoothing energy", extra / WH, "Wh");
    if (r->has_cap) {
        char v[64];
        snprintf(v, sizeof v, "%.1f%% of training throughput", 100 * r->cap_throughput_loss);
        gw_text_row(&b, "power cap costs", v);
    }
    gw_buf_printf(&b, "violations: %d", r->mitigated.nviolations + r->mitigated.violations_more);
    gw_buf_printf(&b, r->cfg.nlimits ? "\n" : " (no limits given)\n");
    for (int i = 0; i < r->mitigated.nviolations && i < 20; i++) {
        char msg[256];
        violation_message(r, &r->mitigated.violations[i], msg, sizeof msg);
        gw_buf_printf(&b, "  %s\n", msg);
    }
    if (r->mitigated.nviolations > 20)
        gw_buf_printf(&b, "  ... (--json lists them all)\n");
    if (r->sized)
        sizing_rows(&b, r);
    if (b.failed) {
        free(b.s);
        return NULL;
    }
    return b.s;
}
