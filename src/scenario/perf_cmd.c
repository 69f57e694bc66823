/* src/scenario/perf_cmd.c — `gigawatt perf` from a resolved scenario: apply
 * the documented defaults, run the perf model, and join its throughput with
 * the rack model's power and the plan model's cost (docs/model.md §7.7). */
#include "gigawatt/perf_cmd.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static double or_default(double v, double d)
{
    return v > 0 ? v : d;
}

/* IT and grid watts per accelerator at utilisation `u`: the rack model when
 * a system is known (host, network, fans, conversion and facility losses
 * included), else the accelerator alone between idle and TDP. */
static int power_per_accel(const gw_scenario *sc, double u, double *it_w, double *grid_w,
                           gw_error *err)
{
    const gw_accelerator *a = &sc->accelerator;
    if (!sc->has_system) {
        *it_w = *grid_w = a->tdp_w * (a->idle_power_fraction + (1 - a->idle_power_fraction) * u);
        return GW_OK;
    }
    gw_rack_input in;
    gw_scenario_rack_input(sc, &in);
    in.load = u;
    gw_rack_result rr;
    int rc = gw_rack_budget(&in, &rr, err);
    if (rc)
        return rc;
    *it_w = rr.it_power_w / rr.accelerators;
    *grid_w = rr.grid_power_w / rr.accelerators;
    return GW_OK;
}

/* Counts become ints for the model: refuse what an int cannot hold rather
 * than wrap (docs/model.md §7: a replica is at most 2^20 accelerators). */
static int count_ok(double v, const char *what, gw_error *err)
{
    if (v > 1 << 20)
        return gw_error_field(err, what, "%s %.4g is out of range; expected at most %d", what, v,
                              1 << 20);
    return GW_OK;
}

static int precision_of(const char *text, gw_precision dflt)
{
    return text[0] ? gw_precision_parse(text) : (int)dflt;
}

static int run_inference(const gw_scenario *sc, gw_perf_report *r, gw_error *err)
{
    const gw_perf_settings *ps = &sc->perf;
    const char *names[4] = {"count", "tp", "pp", "ep"};
    const double vals[4] = {ps->count, ps->tp, ps->pp, ps->ep};
    for (int i = 0; i < 4; i++)
        if (count_ok(vals[i], names[i], err))
            return err->code;
    gw_perf_config *c = &r->cfg;
    c->model = &sc->model;
    c->accel = &sc->accelerator;
    c->eff = &sc->efficiency;
    c->tp = (int)or_default(ps->tp, 1);
    c->pp = (int)or_default(ps->pp, 1);
    c->ep = (int)or_default(ps->ep, 1);
    gw_precision dflt = sc->accelerator.fp8_flops > 0 ? GW_PREC_FP8 : GW_PREC_BF16;
    c->weights = (gw_precision)precision_of(ps->precision, dflt);
    c->kv = (gw_precision)precision_of(ps->kv_precision,
                                       c->weights == GW_PREC_BF16 ? GW_PREC_BF16 : GW_PREC_FP8);
    int rc = gw_perf_engine_init(c, &r->engine, err);
    if (rc)
        return rc;
    r->count = (int)or_default(ps->count, (double)c->tp * c->pp);
    gw_perf_request *rq = &r->request;
    rq->count = r->count;
    rq->input_tokens = ps->input_tokens;
    rq->output_tokens = ps->output_tokens;
    rq->ttft_slo_s = ps->ttft_slo_s;
    rq->tpot_slo_s = ps->tpot_slo_s;
    rq->max_batch = ps->max_batch;
    if (rq->input_tokens + rq->output_tokens > sc->model.context_length)
        return gw_error_field(err, "input_tokens",
                              "%.0f input + %.0f output tokens exceed the %.0f-token context of "
                              "'%s'; expected at most %.0f in all",
                            rq->input_tokens, rq->output_tokens, sc->model.context_length,
                            sc->model.meta.id, sc->model.context_length);
    if ((rc = gw_perf_infer(&r->engine, rq, &r->inference, err)))
        return rc;
    r->dp = r->inference.dp;
    r->has_inference = 1;
    const gw_perf_result *res = &r->inference;
    r->nsweep = 0;
    for (double b = 1; res->max_batch >= 1 && r->nsweep < GW_PERF_SWEEP_MAX; b *= 2) {
        double at = b < res->max_batch ? b : floor(res->max_batch);
        gw_perf_steady(&r->engine, rq, at, &r->sweep[r->nsweep++]);
        if (at >= floor(res->max_batch))
            break;
    }
    r->headline = res->slo_feasible ? &res->slo : NULL;
    if (!r->headline)
        return GW_OK;
    const gw_perf_point *p = r->headline;
    if ((rc = power_per_accel(sc, p->utilisation, &r->it_w_per_accel, &r->grid_w_per_accel, err)))
        return rc;
    r->tokens_per_s = p->tokens_per_s;
    r->tokens_per_s_per_gpu = p->tokens_per_s / r->count;
    r->tokens_per_s_per_mw = p->tokens_per_s / (r->count * r->it_w_per_accel / 1e6);
    r->joules_per_token = r->count * r->it_w_per_accel / p->tokens_per_s;
    r->grid_joules_per_token = r->count * r->grid_w_per_accel / p->tokens_per_s;
    if (r->has_cost) {
        double usd_per_s = r->count * r->usd_per_accel_hour / 3600;
        r->tokens_per_usd = p->tokens_per_s / usd_per_s;
        r->usd_per_million_tokens = 1e6 * usd_per_s / p->tokens_per_s;
    }
    return GW_OK;
}

static int run_training(const gw_scenario *sc, gw_perf_report *r, gw_error *err)
{
    const gw_train_settings *ts = &sc->training;
    const char *names[3] = {"count", "tp", "pp"};
    const double vals[3] = {ts->count, ts->tp, ts->pp};
    for (int i = 0; i < 3; i++)
        if (count_ok(vals[i], names[i], err))
            return err->code;
    gw_perf_config *c = &r->train_cfg;
    c->model = &sc->model;
    c->accel = &sc->accelerator;
    c->eff = &sc->efficiency;
    c->tp = (int)or_default(ts->tp, 1);
    c->pp = (int)or_default(ts->pp, 1);
    c->ep = 1;
    c->weights = c->kv = (gw_precision)precision_of(ts->precision, GW_PREC_BF16);
    gw_train_request *q = &r->train_request;
    q->count = (int)ts->count;
    q->precision = c->weights;
    q->tokens = ts->tokens;
    q->mfu = ts->mfu;
    /* Llama 3 405B pre-training: 8,192-token sequences, 16M-token batches
     * (arXiv:2407.21783 §3.4.1) */
    q->sequence_length = or_default(ts->sequence_length, 8192);
    q->global_batch_tokens = or_default(ts->global_batch, 16.0 * 1024 * 1024);
    q->micro_batch = or_default(ts->micro_batch, 1);
    q->virtual_stages = or_default(ts->virtual_stages, 1);
    q->accelerator_mtbi_s = sc->reliability.accelerator_mtbi_s;
    q->lost_per_interruption_s = sc->reliability.lost_per_interruption_s;
    int rc = gw_perf_train(c, q, &r->training, err);
    if (rc)
        return rc;
    r->has_training = 1;
    /* Training holds accelerators near full power (synchronous steps; the
     * Llama 3 report's site power swings come from the pauses). */
    if ((rc = power_per_accel(sc, 1.0, &r->train_it_w_per_accel, &r->train_grid_w_per_accel,
                              err)))
        return rc;
    double hours = r->training.train_days * 24;
    r->train_energy_wh = q->count * r->train_it_w_per_accel * hours;
    r->train_grid_energy_wh = q->count * r->train_grid_w_per_accel * hours;
    if (r->has_cost)
        r->train_usd = r->training.gpu_hours * r->usd_per_accel_hour;
    return GW_OK;
}

int gw_perf_run(const gw_scenario *sc, gw_perf_report *r, gw_error *err)
{
    memset(r, 0, sizeof *r);
    int rc;
    r->has_system = sc->has_system;
    if (sc->has_system) {
        /* cost per accelerator-hour: the plan model's full cost (capex
         * recovered over the IT life, energy, maintenance, staff) for one
         * rack of this system at the scenario's average load */
        gw_plan_input pi;
        gw_scenario_plan_input(sc, &pi);
        pi.target = GW_TARGET_ACCELERATORS;
        pi.target_value = sc->system.accelerators * sc->system.systems_per_rack;
        gw_plan_result pr;
        if ((rc = gw_plan_size(&pi, &pr, err)))
            return rc;
        r->usd_per_accel_hour = pr.usd_per_gpu_hour;
        r->has_cost = 1;
    }
    /* model errors name their setting (err->field): placed below the section */
    if (sc->want_inference &&
        (rc = gw_scenario_place_error(run_inference(sc, r, err), sc->perf_node, err)))
        return rc;
    if (sc->want_training &&
        (rc = gw_scenario_place_error(run_training(sc, r, err), sc->training_node, err)))
        return rc;
    return GW_OK;
}
