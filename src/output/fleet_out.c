/* src/output/fleet_out.c — a fleet result as text (summary, per tenant, per
 * hour), as JSON and as an hourly CSV (output layer).
 * JSON keys carry their unit in the name (`_w`, `_wh`, `_usd`), values
 * are SI; cJSON prints doubles with round-trip precision, so the same
 * result always gives the same bytes. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>

#include "gigawatt/output.h"
#include "json_int.h"
#include "text_int.h"

char *gw_fleet_json(const gw_fleet_report *rep)
{
    const gw_fleet_config *c = &rep->cfg;
    const gw_fleet_result *r = &rep->result;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    gw_json_tag(o, "fleet");
    cJSON *in = cJSON_AddObjectToObject(o, "inputs");
    if (rep->name[0])
        cJSON_AddStringToObject(in, "scenario", rep->name);
    gw_json_num(in, "horizon_s", c->horizon_s);
    gw_json_num(in, "tick_s", c->tick_s);
    gw_json_num(in, "seed", (double)c->seed);
    cJSON *deps = cJSON_AddArrayToObject(in, "deployments");
    for (int d = 0; d < c->ndeployments; d++) {
        const gw_fleet_deployment *dep = &c->deployments[d];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "name", dep->name);
        cJSON_AddStringToObject(x, "model", rep->model_ids[d]);
        cJSON_AddStringToObject(x, "accelerator", rep->accels[d].meta.id);
        cJSON_AddStringToObject(x, "kind", dep->rented == 2 ? "on-demand"
                                           : dep->rented == 1 ? "reserved" : "own");
        gw_json_num(x, "replicas", dep->replicas);
        gw_json_num(x, "gpus_per_replica", dep->gpus_per_replica);
        gw_json_num(x, "usd_per_gpu_hour", dep->usd_per_gpu_hour);
        gw_json_num(x, "replica_s_per_prompt_token", dep->s_per_prompt_token);
        gw_json_num(x, "replica_s_per_output_token", dep->s_per_output_token);
        cJSON *lat = cJSON_AddObjectToObject(x, "latency_by_load");
        gw_json_array(lat, "rho", dep->lat_rho, 5);
        gw_json_array(lat, "ttft_s", dep->lat_ttft, 5);
        gw_json_array(lat, "tpot_s", dep->lat_tpot, 5);
        cJSON_AddItemToArray(deps, x);
    }
    gw_json_num(o, "requests", r->requests);
    gw_json_num(o, "served", r->served);
    gw_json_num(o, "gpu_failures", (double)r->failures);
    gw_json_num(o, "energy_wh", r->energy_wh);
    gw_json_num(o, "own_cost_usd", r->own_cost_usd);
    gw_json_num(o, "rented_cost_usd", r->rented_cost_usd);
    gw_json_num(o, "revenue_usd", r->revenue_usd);
    cJSON *ts = cJSON_AddArrayToObject(o, "tenants");
    for (int t = 0; t < c->ntenants; t++) {
        const gw_fleet_tenant_result *tr = &r->tenant[t];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "name", c->tenants[t].name);
        gw_json_num(x, "offered", tr->offered);
        gw_json_num(x, "served", tr->served);
        gw_json_num(x, "rate_limited", tr->rate_limited);
        gw_json_num(x, "rejected", tr->rejected);
        gw_json_num(x, "timed_out", tr->timed_out);
        gw_json_num(x, "queued_at_end", tr->queued_at_end);
        gw_json_num(x, "tokens_offered", tr->tokens_offered);
        gw_json_num(x, "tokens_served", tr->tokens_served);
        gw_json_num_or_null(x, "ttft_p50_s", tr->ttft_p50, isfinite(tr->ttft_p50));
        gw_json_num_or_null(x, "ttft_p90_s", tr->ttft_p90, isfinite(tr->ttft_p90));
        gw_json_num_or_null(x, "ttft_p99_s", tr->ttft_p99, isfinite(tr->ttft_p99));
        gw_json_num_or_null(x, "tpot_p50_s", tr->tpot_p50, isfinite(tr->tpot_p50));
        gw_json_num_or_null(x, "tpot_p90_s", tr->tpot_p90, isfinite(tr->tpot_p90));
        gw_json_num_or_null(x, "slo_attainment", tr->slo_attainment, isfinite(tr->slo_attainment));
        gw_json_num(x, "revenue_usd", tr->revenue_usd);
        cJSON_AddItemToArray(ts, x);
    }
    cJSON *hr = cJSON_AddObjectToObject(o, "hourly");
    const char *names[] = {"offered", "served", "rate_limited", "rejected", "timed_out",
                           "spilled", "rented", "queue_delay_s", "utilisation", "rented_gpus",
                           "down_gpus"};
    for (size_t f = 0; f < sizeof names / sizeof names[0]; f++) {
        cJSON *a = cJSON_AddArrayToObject(hr, names[f]);
        for (size_t h = 0; h < r->hours; h++)
            cJSON_AddItemToArray(a, cJSON_CreateNumber(((const double *)&r->hour[h])[f]));
    }
    /* the same counts per tenant: {tenant: {offered: [hours], served: ...}} */
    cJSON *bt = cJSON_AddObjectToObject(hr, "by_tenant");
    const char *tnames[] = {"offered", "served", "rate_limited", "rejected", "timed_out"};
    for (int t = 0; t < c->ntenants; t++) {
        cJSON *x = cJSON_AddObjectToObject(bt, c->tenants[t].name);
        for (size_t f = 0; f < sizeof tnames / sizeof tnames[0]; f++) {
            cJSON *a = cJSON_AddArrayToObject(x, tnames[f]);
            for (size_t h = 0; h < r->hours; h++) {
                const gw_fleet_tenant_hour *th = &r->tenant_hour[h * (size_t)c->ntenants + (size_t)t];
                cJSON_AddItemToArray(a, cJSON_CreateNumber(((const double *)th)[f]));
            }
        }
    }
    cJSON *mw = cJSON_AddObjectToObject(hr, "site_mw");
    for (int si = 0; si < c->nsites; si++) {
        cJSON *a = cJSON_AddArrayToObject(mw, c->sites[si].name);
        for (size_t h = 0; h < r->hours; h++)
            cJSON_AddItemToArray(a, cJSON_CreateNumber(r->site_mw[h * (size_t)c->nsites + (size_t)si]));
    }
    return gw_json_finish(o);
}

char *gw_fleet_text(const gw_fleet_report *rep)
{
    const gw_fleet_config *c = &rep->cfg;
    const gw_fleet_result *r = &rep->result;
    gw_buf b = {0};
    char t[200];
    char hours[32], offered[32], served[32];
    gw_format_number(c->horizon_s / 3600, 4, hours, sizeof hours);
    gw_buf_printf(&b, "fleet%s%s: %d deployments, %d tenants, %s h\n", rep->name[0] ? ": " : "",
                  rep->name, c->ndeployments, c->ntenants, hours);
    gw_format_count(r->requests, offered, sizeof offered);
    gw_format_count(r->served, served, sizeof served);
    snprintf(t, sizeof t, "%s offered, %s served (%.1f%%)", offered, served,
             r->requests > 0 ? 100 * r->served / r->requests : 0);
    gw_text_row(&b, "requests", t);
    gw_text_row_si(&b, "energy (IT)", r->energy_wh, "Wh");
    gw_text_row_usd(&b, "own fleet cost", r->own_cost_usd);
    gw_text_row_usd(&b, "rented capacity cost", r->rented_cost_usd);
    gw_text_row_usd(&b, "revenue", r->revenue_usd);
    gw_text_row_num(&b, "GPU failures", (double)r->failures, "");
    gw_buf_printf(&b, "\n  %-18s %10s %10s %10s %10s %10s %9s %9s %7s\n", "tenant", "offered",
                  "served", "limited", "rejected", "timed out", "TTFT p50", "TTFT p99", "SLO");
    for (int i = 0; i < c->ntenants; i++) {
        const gw_fleet_tenant_result *x = &r->tenant[i];
        char n[5][32];
        const double v[5] = {x->offered, x->served, x->rate_limited, x->rejected, x->timed_out};
        for (int k = 0; k < 5; k++)
            gw_format_count(v[k], n[k], sizeof n[k]);
        if (!(x->served > 0)) { /* a held block, or nothing served: no latencies */
            gw_buf_printf(&b, "  %-18.18s %10s %10s %10s %10s %10s %9s %9s %7s\n",
                          c->tenants[i].name, n[0], n[1], n[2], n[3], n[4], "-", "-", "-");
            continue;
        }
        gw_buf_printf(&b, "  %-18.18s %10s %10s %10s %10s %10s %8.3fs %8.3fs %6.1f%%\n",
                      c->tenants[i].name, n[0], n[1], n[2], n[3], n[4], x->ttft_p50, x->ttft_p99,
                      100 * x->slo_attainment);
    }
    gw_buf_printf(&b, "\n  %-5s %10s %10s %10s %10s %8s %9s %9s\n", "hour", "offered", "served",
                  "limited", "rejected", "util", "rented", "GPUs down");
    for (size_t h = 0; h < r->hours; h++) {
        const gw_fleet_hour *H = &r->hour[h];
        char n[6][32];
        const double v[6] = {H->offered,  H->served,      H->rate_limited, H->rejected + H->timed_out,
                             H->rented_gpus, H->down_gpus};
        for (int k = 0; k < 6; k++)
            gw_format_count(k < 4 ? v[k] : round(v[k]), n[k], sizeof n[k]);
        gw_buf_printf(&b, "  %-5zu %10s %10s %10s %10s %7.1f%% %9s %9s\n", h, n[0], n[1], n[2],
                      n[3], 100 * H->utilisation, n[4], n[5]);
    }
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}

char *gw_fleet_hourly_csv(const gw_fleet_report *rep)
{
    const gw_fleet_config *c = &rep->cfg;
    const gw_fleet_result *r = &rep->result;
    gw_buf b = {0};
    gw_buf_printf(&b, "hour,offered,served,rate_limited,rejected,timed_out,spilled,rented,"
                      "queue_delay_s,utilisation,rented_gpus,down_gpus");
    for (int si = 0; si < c->nsites; si++)
        gw_buf_printf(&b, ",mw_%s", c->sites[si].name);
    gw_buf_printf(&b, "\n");
    for (size_t h = 0; h < r->hours; h++) {
        const gw_fleet_hour *H = &r->hour[h];
        const double v[11] = {H->offered,      H->served,    H->rate_limited, H->rejected,
                              H->timed_out,    H->spilled,   H->rented,       H->queue_delay_s,
                              H->utilisation,  H->rented_gpus, H->down_gpus};
        gw_buf_printf(&b, "%zu", h);
        gw_csv_reals(&b, v, 11);
        gw_csv_reals(&b, r->site_mw + h * (size_t)c->nsites, (size_t)c->nsites);
        gw_buf_printf(&b, "\n");
    }
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}
