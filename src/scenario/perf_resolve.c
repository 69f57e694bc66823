/* src/scenario/perf_resolve.c — the frontier settings of `perf:` resolved
 * against the catalog (scenario layer): the engine's efficiency stack for
 * the accelerator's generation, the draft model of speculative decoding,
 * and the pools of perf.disagg decoded through their schemas. Called by
 * gw_scenario_resolve after perf: is decoded, so every command that runs
 * the perf model (perf, plan's timeline, sim) sees the same resolution.
 * Every error sits at its setting's file:line:col (a flag's at --set). */
#include <stdio.h>
#include <string.h>

#include "gigawatt/perf_cmd.h"

/* An error about a setting of the perf: section (err->field), at its node. */
static int placed(int rc, const gw_scenario *sc, gw_error *err)
{
    return gw_scenario_place_error(rc, sc->perf_node, err);
}

#ifndef GW_HAVE_EFFICIENCY_FOR
/* Until the catalog's gw_catalog_efficiency_for lands on main: the same
 * contract. The efficiency stack of `engine` measured on the accelerator's
 * generation; `version` "" = the newest (the greatest version string),
 * else that version. Errors (GW_E_INPUT, field "engine" or
 * "engine_version") name what the catalog has instead. */
static int efficiency_for(const gw_catalog *cat, const gw_accelerator *accel, const char *engine,
                          const char *version, gw_efficiency *out, gw_error *err)
{
    int found = 0, engine_seen = 0;
    char have[256] = "";
    for (size_t i = 0; i < cat->n; i++) {
        const gw_catalog_entry *e = &cat->entries[i];
        gw_efficiency f;
        if (e->schema != &gw_schema_efficiency ||
            gw_catalog_get(cat, &gw_schema_efficiency, e->id, NULL, &f, err))
            continue;
        if (strcmp(f.engine, engine) != 0 || !accel->generation[0] ||
            strcmp(f.generation, accel->generation) != 0)
            continue;
        engine_seen = 1;
        size_t used = strlen(have);
        snprintf(have + used, sizeof have - used, "%s%s", used ? ", " : "",
                 f.version[0] ? f.version : "(any)");
        if (version[0] && strcmp(f.version, version) != 0)
            continue;
        if (!found || strcmp(f.version, out->version) > 0)
            *out = f;
        found = 1;
    }
    if (found)
        return GW_OK;
    if (engine_seen)
        return gw_error_field(err, "engine_version",
                              "no %s %s stack for %s accelerators like '%s'; expected one of: %s",
                              engine, version, accel->generation, accel->meta.id, have);
    return gw_error_field(err, "engine",
                          "accelerator '%s' (%s) does not run engine '%s': the catalog has no "
                          "such efficiency stack; expected an engine measured on it",
                          accel->meta.id, accel->generation[0] ? accel->generation
                                                                : "generation unknown",
                          engine);
}
#endif

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
    gw_efficiency f;
#ifdef GW_HAVE_EFFICIENCY_FOR
    int rc = gw_catalog_efficiency_for(cat, &sc->accelerator, ps->engine, ps->engine_version, &f,
                                       err);
#else
    int rc = efficiency_for(cat, &sc->accelerator, ps->engine, ps->engine_version, &f, err);
#endif
    if (rc && !err->field[0])
        snprintf(err->field, sizeof err->field, "engine");
    if (rc)
        return placed(rc, sc, err);
    sc->efficiency = f;
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

/* One pool of perf.disagg, decoded at its node; workers required. */
static int decode_pool(const gw_node *n, const char *name, const gw_node *disagg,
                       gw_perf_pool_settings *p, gw_error *err)
{
    memset(p, 0, sizeof *p);
    if (!n)
        return gw_error_set(err, GW_E_INPUT, disagg->file, disagg->line, disagg->col,
                            "disagg: no '%s' pool; expected %s: {tp, pp, attention_dp, ep, "
                            "workers}",
                            name, name);
    int rc = gw_decode(&gw_schema_perf_pool, n, p, GW_DECODE_SCENARIO, err);
    if (rc == GW_OK && !(p->workers > 0))
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
    if ((rc = gw_decode(&gw_schema_perf_disagg, n, d, GW_DECODE_SCENARIO, err)) ||
        (rc = decode_pool(d->prefill, "prefill", n, &d->prefill_pool, err)) ||
        (rc = decode_pool(d->decode, "decode", n, &d->decode_pool, err)))
        return rc;
    sc->has_disagg = 1;
    return GW_OK;
}

int gw_perf_settings_resolve(const gw_catalog *cat, const gw_node *root, gw_scenario *sc,
                             gw_error *err)
{
    int rc;
    if ((rc = resolve_engine(cat, root, sc, err)) || (rc = resolve_speculation(cat, sc, err)))
        return rc;
    return resolve_disagg(sc, err);
}
