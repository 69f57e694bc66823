/* src/scenario/search_cmd.c — `gigawatt search` (scenario layer): the
 * serving configuration search from a scenario and flags. The model, the
 * hardware and the stack (perf.engine) resolve as for perf; the workload,
 * the budget, the targets and the serving settings are perf:'s
 * (input_tokens, output_tokens, count, ttft_slo, tpot_slo, precision,
 * kv_precision, expert_precision, expert_activation_precision, eplb,
 * memory_fraction, max_num_tokens, batch_wait_iters, batch_wait_ratio,
 * recv_interval, cuda_graphs, length_low, output_tokens_cv, kv_policy, and
 * mtp as the most draft tokens tried); the search's own knobs are the
 * `search:` section (mode, metric, domain). Defaults and the search space:
 * docs/search.md. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "command_int.h"
#include "gigawatt/config_search_out.h"
#include "gigawatt/perf_cmd.h"

/* The scenario's `search:` section. */
typedef struct search_settings {
    gw_entry_meta meta;
    char mode[GW_TEXT_MAX], metric[GW_TEXT_MAX];
    double domain;
} search_settings;

static const gw_field search_fields[] = {
    GW_FIELD_ENUM("mode", search_settings, mode, "agg|disagg|both", 0,
                  "deployments searched (default both)"),
    GW_FIELD_ENUM("metric", search_settings, metric, "io|out|decode", 0,
                  "tokens/s per GPU: input+output over all GPUs (default), output over all, "
                  "output over decode GPUs"),
    GW_FIELD_QTY("domain", search_settings, domain, GW_DIM_NONE, GW_F_POSITIVE | GW_F_INTEGER,
                 "scale-up domain (default the accelerator's, else the system's GPUs)"),
};
static const gw_schema search_schema = {.kind = "search", .singular = "search settings",
                                        .fields = search_fields,
                                        .nfields = sizeof search_fields / sizeof search_fields[0],
                                        .size = sizeof(search_settings)};

static int read_settings(const gw_node *root, search_settings *ss, gw_error *err)
{
    return gw_decode_settings(&search_schema, gw_node_get(root, "search"), ss, err);
}

/* The budget: perf.count, else one system's accelerators. */
static int budget(const gw_scenario *sc, double *gpus, gw_error *err)
{
    *gpus = sc->perf.count > 0 ? sc->perf.count : sc->has_system ? sc->system.accelerators : 0;
    if (!(*gpus >= 1) || *gpus > 1 << 20)
        return gw_error_field(err, "count",
                              "%.4g accelerators to search over; expected count: 1 to %d in "
                              "perf: (or a system, whose accelerators are the default)",
                              *gpus, 1 << 20);
    return GW_OK;
}

/* The spec from the resolved scenario and the search: section. */
static int build_spec(const gw_scenario *sc, const search_settings *ss, gw_search_spec *s,
                      gw_error *err)
{
    double gpus;
    int rc = budget(sc, &gpus, err);
    if (rc)
        return rc;
    const gw_perf_settings *ps = &sc->perf;
    /* perf.mtp: the most draft tokens tried; unset: 3 with an MTP head */
    int mtp = gw_field_is_set(&gw_schema_perf_settings, ps, "mtp") ? (int)ps->mtp
              : sc->model.mtp_modules > 0                          ? 3
                                                                   : 0;
    double domain = ss->domain > 0                        ? ss->domain
                    : sc->accelerator.scaleup_domain > 0  ? sc->accelerator.scaleup_domain
                    : sc->has_system                      ? sc->system.accelerators
                                                          : 1;
    *s = (gw_search_spec){
        .gpus = (int)gpus, .domain = (int)(domain < gpus ? domain : gpus),
        .input_tokens = ps->input_tokens, .output_tokens = ps->output_tokens,
        .length_low = ps->length_low, .output_cv = ps->output_tokens_cv,
        .ttft_target_s = ps->ttft_slo_s,
        .tpot_target_s = ps->tpot_slo_s,
        .modes = strcmp(ss->mode, "agg") == 0      ? GW_SEARCH_AGG
                 : strcmp(ss->mode, "disagg") == 0 ? GW_SEARCH_DISAGG
                                                   : GW_SEARCH_AGG | GW_SEARCH_DISAGG,
        .mtp_max = mtp,
        .metric = ss->metric[0] ? (gw_search_metric)gw_search_metric_parse(ss->metric)
                                : GW_SEARCH_TPS_IO,
        .agg = gw_serve_agg, .disagg = gw_serve_disagg};
    /* the model, stack, precisions and serving settings as perf takes them;
     * the search sets the parallelism and the draft tokens per candidate */
    gw_perf_shared_config(sc, &s->base);
    return GW_OK;
}

/* Where an error of the search belongs: its own knobs under search:, the
 * workload and budget under perf:. */
static int place(int rc, const gw_node *root, const gw_scenario *sc, gw_error *err)
{
    const char *f = err->field;
    int own = strcmp(f, "metric") == 0 || strcmp(f, "domain") == 0;
    const gw_node *searchn = gw_node_get(root, "search");
    if (rc && own && !searchn)
        err->field[0] = 0; /* a default's error: about the model, on the file */
    rc = gw_scenario_place_error(rc, own && searchn ? searchn : sc->perf_node, err);
    return gw_cmd_place_on_file(rc, sc, err);
}

static double seconds_now(void)
{
    struct timespec t;
    timespec_get(&t, TIME_UTC);
    return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

/* --csv: the front as CSV in out->csv (Python's Result.csv) and, on the
 * CLI, printed in place of the text. */
static int output(const gw_cmd_args *a, const gw_search_report *r, gw_command_output *out,
                  gw_error *err)
{
    char *text = NULL;
    if (GW_CMD_WANT_TEXT(a))
        text = a->csv ? gw_config_search_csv(r) : gw_config_search_text(r);
    int rc = gw_cmd_finish(a, gw_cmd_report_name(a),
                           GW_CMD_WANT_JSON(a) ? gw_config_search_json(r) : NULL, text, out, err);
    if (rc == GW_OK && a->csv && !(out->csv = gw_config_search_csv(r)))
        rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    return rc;
}

int gw_cmd_search(const gw_cmd_args *a, gw_command_output *out, gw_error *err)
{
    gw_cmd_loaded l;
    int rc = gw_cmd_load_all(a, GW_NEED_PERF, &l, err);
    if (rc)
        return rc;
    search_settings ss;
    gw_search_report *r = calloc(1, sizeof *r);
    if (!r)
        rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    if (rc == GW_OK && (rc = read_settings(l.root, &ss, err)) == GW_OK) {
        r->sc = l.sc;
        rc = place(build_spec(l.sc, &ss, &r->spec, err), l.root, l.sc, err);
    }
    if (rc == GW_OK) {
        r->spec.progress = a->req->progress, r->spec.progress_user = a->req->progress_user;
        gw_cmd_phase(a, "configuration search", "candidates");
        double t0 = seconds_now();
        rc = place(gw_search_run(&r->spec, &r->result, err), l.root, l.sc, err);
        r->seconds = seconds_now() - t0;
    }
    if (rc == GW_OK)
        rc = output(a, r, out, err);
    if (r)
        gw_search_result_free(&r->result);
    free(r);
    gw_cmd_loaded_free(&l);
    return rc;
}
