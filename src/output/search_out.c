/* src/output/search_out.c — the cheapest-configuration search as JSON and
 * text (output layer): one row per (accelerator, tp) candidate, feasible
 * ones by cost per hour, the others with why they cannot carry the load. */
#include "gigawatt/search_out.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "gigawatt/output.h"
#include "text_int.h"

/* A candidate that found no rate meeting the targets has no figures. */
static int infeasible(const gw_sim_candidate *c)
{
    return c->why[0] && !(c->per_replica_rps > 0);
}

static char *finish(gw_buf *b)
{
    if (b->failed) {
        gw_buf_free(b);
        return NULL;
    }
    return b->s;
}

char *gw_sim_search_json(const gw_sim_search *s)
{
    const gw_sim_search_spec *p = &s->spec;
    gw_buf b = {0};
    gw_buf_printf(&b, "{\n\t\"kind\":\t\"sim-search\",\n\t\"gigawatt_version\":\t\"%s\",\n"
                      "\t\"model\":\t\"%s\",\n\t\"target_rate\":\t%.17g,\n"
                      "\t\"ttft_target_s\":\t%.17g,\n\t\"tbt_target_s\":\t%.17g,\n"
                      "\t\"quantile\":\t%.17g,\n\t\"candidates\":\t[",
                  GW_VERSION, s->model, p->target_rate, p->ttft_target_s, p->tbt_target_s,
                  p->quantile);
    for (int i = 0; i < s->n; i++) {
        const gw_sim_candidate *c = &s->candidates[i];
        gw_buf_printf(&b, "%s{\n\t\t\"accelerator\":\t\"%s\",\n\t\t\"tp\":\t%d,\n", i ? ", " : "",
                      c->accelerator, c->tp);
        if (infeasible(c))
            gw_buf_printf(&b, "\t\t\"feasible\":\tfalse,\n\t\t\"why\":\t\"%s\"\n\t}", c->why);
        else
            gw_buf_printf(&b, "\t\t\"feasible\":\ttrue,\n\t\t\"per_replica_rps\":\t%.17g,\n"
                              "\t\t\"replicas\":\t%.17g,\n\t\t\"accelerators\":\t%.17g,\n"
                              "\t\t\"usd_per_hour\":\t%.17g,\n\t\t\"it_mw\":\t%.17g,\n"
                              "\t\t\"rps_per_mw\":\t%.17g,\n\t\t\"ttft_s\":\t%.17g,\n"
                              "\t\t\"tbt_s\":\t%.17g\n\t}",
                          c->per_replica_rps, c->replicas, c->accelerators,
                          isfinite(c->usd_per_hour) ? c->usd_per_hour : -1, c->it_mw,
                          p->target_rate / c->it_mw, c->ttft_s, c->tbt_s);
    }
    gw_buf_printf(&b, "]\n}\n");
    return finish(&b);
}

char *gw_sim_search_text(const gw_sim_search *s)
{
    const gw_sim_search_spec *p = &s->spec;
    gw_buf t = {0};
    char tt[40] = "any", tb[40] = "any";
    if (p->ttft_target_s > 0)
        snprintf(tt, sizeof tt, "<= %s s", gw_text_num(p->ttft_target_s, 4).s);
    if (p->tbt_target_s > 0)
        snprintf(tb, sizeof tb, "<= %s s", gw_text_num(p->tbt_target_s, 4).s);
    gw_buf_printf(&t, "cheapest configuration for %s requests/s of %s (p%s TTFT %s, TBT %s):\n",
                  gw_text_num(p->target_rate, 4).s, s->model, gw_text_num(100 * p->quantile, 4).s,
                  tt, tb);
    gw_buf_printf(&t, "  %-12s %3s %10s %9s %8s %12s %8s %10s\n", "accelerator", "tp",
                  "req/s/rep", "replicas", "GPUs", "USD/hour", "IT MW", "req/s/MW");
    for (int i = 0; i < s->n; i++) {
        const gw_sim_candidate *c = &s->candidates[i];
        if (infeasible(c))
            gw_buf_printf(&t, "  %-12s %3d  %s\n", c->accelerator, c->tp, c->why);
        else
            gw_buf_printf(&t, "  %-12s %3d %10s %9s %8s %12s %8.3f %10s\n", c->accelerator, c->tp,
                          gw_text_num(c->per_replica_rps, 3).s, gw_text_count(c->replicas).s,
                          gw_text_count(c->accelerators).s, gw_text_count(round(c->usd_per_hour)).s,
                          c->it_mw, gw_text_num(p->target_rate / c->it_mw, 3).s);
    }
    return finish(&t);
}
