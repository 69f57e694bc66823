/* src/scenario/perf_resolve.c — the frontier settings of `perf:` resolved
 * against the catalog (scenario layer): the engine's efficiency stack for
 * the accelerator's generation, the draft model of speculative decoding,
 * and the pools of perf.disagg decoded through their schemas. Called by
 * gw_scenario_resolve after perf: is decoded, so every command that runs
 * the perf model (perf, plan's timeline, sim) sees the same resolution.
 * Every error sits at its setting's file:line:col (a flag's at --set). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "gigawatt/perf_cmd.h"

/* An error about a setting of the perf: section (err->field), at its node. */
static int placed(int rc, const gw_scenario *sc, gw_error *err)
{
    return gw_scenario_place_error(rc, sc->perf_node, err);
}

/* perf.engine: the efficiency stack becomes that engine's. An explicit
 * efficiency: of another engine contradicts it. */
static int resolve_engine(const gw_catalog *cat, const gw_node *root, gw_scenario *sc,
                          gw_error *err)
{
    const gw_perf_settings *ps = &sc->perf;
    if (!ps->engine[0]) {
        if (ps->engine_version[0])
            return placed(gw_error_field(err, "engine_version",
                                         "engine_version '%s' without an engine; expected "
                                         "engine: trtllm, sglang or vllm with it",
                                         ps->engine_version), sc, err);
        return GW_OK;
    }
    sc->has_engine = 1;
    if (gw_node_get(root, "efficiency")) {
        if (sc->efficiency.engine[0] && strcmp(sc->efficiency.engine, ps->engine) != 0)
            return placed(gw_error_field(err, "engine",
                                         "engine '%s' but efficiency '%s' is a %s stack; "
                                         "expected one or the other",
                                         ps->engine, sc->efficiency.meta.id,
                                         sc->efficiency.engine), sc, err);
        return GW_OK; /* the given stack, overrides and all */
    }
    const gw_efficiency *f;
    int rc = gw_catalog_efficiency_for(cat, &sc->accelerator, ps->engine, ps->engine_version, &f,
                                       err);
    if (rc) {
        snprintf(err->field, sizeof err->field, "engine");
        return placed(rc, sc, err);
    }
    /* the catalog falls back to an unversioned stack; a version asked for
     * and not there is the user's to know */
    if (ps->engine_version[0] && strcmp(f->version, ps->engine_version) != 0)
        return placed(gw_error_field(err, "engine_version",
                                     "no %s %s stack for '%s' (%s); expected "
                                     "engine_version %s%s",
                                     ps->engine, ps->engine_version, sc->accelerator.meta.id,
                                     sc->accelerator.generation,
                                     f->version[0] ? f->version : "left out",
                                     f->version[0] ? " or none" : " (the stack names none)"),
                      sc, err);
    sc->efficiency = *f;
    return GW_OK;
}

/* perf.draft_model and perf.mtp: a draft model from the catalog, or the
 * model's own MTP head; acceptance within 1..k+1. */
static int resolve_speculation(const gw_catalog *cat, gw_scenario *sc, gw_error *err)
{
    const gw_perf_settings *ps = &sc->perf;
    int rc;
    if (ps->draft_model[0]) {
        const gw_node *at = gw_node_get(sc->perf_node, "draft_model");
        if ((rc = gw_catalog_get(cat, &gw_schema_llm, ps->draft_model, at, &sc->draft_model, err)))
            return rc;
        sc->has_draft_model = 1;
        if (!(ps->mtp > 0))
            return placed(gw_error_field(err, "draft_model",
                                         "draft_model '%s' without mtp; expected mtp: k, "
                                         "the draft tokens per step (1 to %d)",
                                         ps->draft_model, GW_SPEC_MAX), sc, err);
    }
    if (ps->mtp > GW_SPEC_MAX)
        return placed(gw_error_field(err, "mtp", "mtp %.0f draft tokens; expected 1 to %d",
                                     ps->mtp, GW_SPEC_MAX), sc, err);
    if (ps->mtp > 0 && !sc->has_draft_model && !(sc->model.mtp_modules > 0))
        return placed(gw_error_field(err, "mtp",
                                     "mtp %.0f but '%s' has no draft head (no MTP modules); "
                                     "expected mtp: 0 or a draft_model",
                                     ps->mtp, sc->model.meta.id), sc, err);
    if (ps->spec_accept_length > 0 &&
        (!(ps->mtp > 0) || ps->spec_accept_length < 1 || ps->spec_accept_length > ps->mtp + 1))
        return placed(gw_error_field(err, "spec_accept_length",
                                     "spec_accept_length %.3g with mtp %.0f; expected 1 to "
                                     "mtp + 1 tokens per step, with mtp >= 1",
                                     ps->spec_accept_length, ps->mtp), sc, err);
    return GW_OK;
}

int gw_scenario_decode_pool(const gw_schema *schema, const gw_node *n, const char *name,
                            const gw_node *disagg, void *out, size_t out_size,
                            size_t workers_offset, gw_error *err)
{
    memset(out, 0, out_size);
    if (!n)
        return gw_error_set(err, GW_E_INPUT, disagg->file, disagg->line, disagg->col,
                            "disagg: no '%s' pool; expected %s: {tp, pp, attention_dp, ep, "
                            "workers}",
                            name, name);
    int rc = gw_decode(schema, n, out, GW_DECODE_SETTINGS, err);
    double workers = *(const double *)((const char *)out + workers_offset);
    if (rc == GW_OK && !(workers > 0))
        rc = gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col,
                          "disagg.%s: no 'workers'; expected the number of %s workers", name,
                          name);
    return rc;
}

static int resolve_disagg(gw_scenario *sc, gw_error *err)
{
    const gw_node *n = sc->perf.disagg;
    if (!n)
        return GW_OK;
    gw_perf_disagg_settings *d = &sc->disagg;
    memset(d, 0, sizeof *d);
    int rc;
    if ((rc = gw_decode(&gw_schema_perf_disagg, n, d, GW_DECODE_SETTINGS, err)) ||
        (rc = gw_scenario_decode_pool(&gw_schema_perf_pool, d->prefill, "prefill", n,
                                      &d->prefill_pool, sizeof d->prefill_pool,
                                      offsetof(gw_perf_pool_settings, workers), err)) ||
        (rc = gw_scenario_decode_pool(&gw_schema_perf_pool, d->decode, "decode", n,
                                      &d->decode_pool, sizeof d->decode_pool,
                                      offsetof(gw_perf_pool_settings, workers), err)))
        return rc;
    sc->has_disagg = 1;
    return GW_OK;
}

/* The lengths' description (docs/model.md §7.4.2). Whether perf has a
 * closed loop for length_low is perf's to say (gw_perf_run); the search
 * always runs closed loops. */
static int check_lengths(gw_scenario *sc, gw_error *err)
{
    const gw_perf_settings *ps = &sc->perf;
    /* one description of the output lengths: a benchmark's uniform draw
     * or a dataset's spread (docs/model.md §7.4.2) */
    if (ps->output_tokens_cv > 0 && ps->length_low > 0 && ps->length_low < 1)
        return placed(gw_error_field(err, "output_tokens_cv",
                                     "output_tokens_cv %.3g with length_low %.3g; expected one "
                                     "of them: a dataset's spread or a uniform draw",
                                     ps->output_tokens_cv, ps->length_low),
                      sc, err);
    if (ps->output_tokens_cv > GW_OUTPUT_CV_MAX)
        return placed(gw_error_field(err, "output_tokens_cv",
                                     "output_tokens_cv %.4g; expected a standard deviation / "
                                     "mean of at most %d",
                                     ps->output_tokens_cv, GW_OUTPUT_CV_MAX),
                      sc, err);
    return GW_OK;
}

/* perf.max_batch (--max-batch) is the engine's cap on running sequences
 * (vLLM max_num_seqs, SGLang max_running_requests, TensorRT-LLM
 * max_batch_size): it replaces the stack's default rather than only
 * lowering it, so a setting above the default is not silently ignored,
 * and every path runs under it: the steady state, the closed loop, the
 * disaggregated pools and the workspace sized by it (docs/model.md §7.5). */
static void apply_max_batch(gw_scenario *sc)
{
    if (sc->perf.max_batch > 0)
        sc->efficiency.max_batch = sc->perf.max_batch;
}

int gw_perf_settings_resolve(const gw_catalog *cat, const gw_node *root, gw_scenario *sc,
                             gw_error *err)
{
    int rc;
    if ((rc = resolve_engine(cat, root, sc, err)) || (rc = resolve_speculation(cat, sc, err)))
        return rc;
    if ((rc = resolve_disagg(sc, err)))
        return rc;
    apply_max_batch(sc);
    return check_lengths(sc, err);
}
