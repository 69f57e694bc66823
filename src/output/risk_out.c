/* src/output/risk_out.c — a risk summary as JSON ("kind": "risk") and as a text
 * summary (output side of the risk engine). JSON keys carry their unit
 * (`_usd`; counts of accelerators and accelerator-quarters are plain);
 * cJSON prints doubles with round-trip precision, so the same summary always
 * gives the same bytes. Key reference: docs/risk.md §6. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/output.h"
#include "gigawatt/risk.h"
#include "gigawatt/timeline_out.h"
#include "json_int.h"
#include "text_int.h"


/* name and meaning of each fixed output, in GW_RISK_* order */
static const char *const total_keys[GW_RISK_NFIXED] = {
    "shortfall_accelerator_quarters", "idle_accelerator_quarters", "rental_usd",
    "final_cash_usd", "cost_too_little_usd", "cost_too_much_usd", "total_cost_usd",
    "min_cash_usd", "served_fraction", "revenue_usd", "capex_usd", "lost_revenue_usd",
    "rental_premium_usd", "throttle_penalty_usd", "quarters_short", "peak_shortfall_accelerators"};

static cJSON *num_array(const double *v, int n)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(v[i]));
    return a;
}

static void add_stats(cJSON *o, const char *key, const gw_risk_stats *st)
{
    cJSON *s = cJSON_AddObjectToObject(o, key);
    cJSON_AddNumberToObject(s, "p5", st->p5);
    cJSON_AddNumberToObject(s, "p50", st->p50);
    cJSON_AddNumberToObject(s, "p95", st->p95);
    cJSON_AddNumberToObject(s, "mean", st->mean);
}


/* The uncertain inputs (their P10/P50/P90) and the correlations between them. */
static void add_inputs(cJSON *root, const gw_risk_plan *p)
{
    cJSON *ins = cJSON_AddArrayToObject(root, "inputs");
    for (int j = 0; j < p->ninputs; j++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", p->label[j]);
        cJSON_AddStringToObject(o, "path", p->path[j]);
        cJSON_AddStringToObject(o, "dist", gw_udist_names[p->dist[j].kind]);
        cJSON_AddNumberToObject(o, "p10", gw_uncertain_quantile(&p->dist[j], 0.1));
        cJSON_AddNumberToObject(o, "p50", gw_uncertain_quantile(&p->dist[j], 0.5));
        cJSON_AddNumberToObject(o, "p90", gw_uncertain_quantile(&p->dist[j], 0.9));
        cJSON_AddItemToArray(ins, o);
    }
    cJSON *co = cJSON_AddArrayToObject(root, "correlations");
    for (int c = 0; c < p->ncorr; c++) {
        cJSON *o = cJSON_CreateObject();
        cJSON *b = cJSON_AddArrayToObject(o, "between");
        cJSON_AddItemToArray(b, cJSON_CreateString(p->label[p->corr_a[c]]));
        cJSON_AddItemToArray(b, cJSON_CreateString(p->label[p->corr_b[c]]));
        cJSON_AddNumberToObject(o, "rho", p->corr_rho[c]);
        cJSON_AddItemToArray(co, o);
    }
}

/* The fan chart: P5/P50/P95 and mean of each series per quarter. */
static void add_series(cJSON *root, const gw_risk_plan *p, const gw_risk_summary *s)
{
    cJSON *qs = cJSON_AddArrayToObject(root, "quarters");
    for (int t = 0; t < p->quarters; t++) {
        char lab[16];
        gw_quarter_label(s->start_year, s->start_q, t, lab, sizeof lab);
        cJSON_AddItemToArray(qs, cJSON_CreateString(lab));
    }
    cJSON *ser = cJSON_AddObjectToObject(root, "series");
    for (int k = 0; k < GW_RISK_NSERIES; k++) {
        cJSON *o = cJSON_AddObjectToObject(ser, gw_risk_series_names[k]);
        const gw_risk_stats *q = s->q + (size_t)k * (size_t)p->quarters;
        cJSON *a[4] = {cJSON_CreateArray(), cJSON_CreateArray(), cJSON_CreateArray(),
                       cJSON_CreateArray()};
        for (int t = 0; t < p->quarters; t++) {
            cJSON_AddItemToArray(a[0], cJSON_CreateNumber(q[t].p5));
            cJSON_AddItemToArray(a[1], cJSON_CreateNumber(q[t].p50));
            cJSON_AddItemToArray(a[2], cJSON_CreateNumber(q[t].p95));
            cJSON_AddItemToArray(a[3], cJSON_CreateNumber(q[t].mean));
        }
        cJSON_AddItemToObject(o, "p5", a[0]);
        cJSON_AddItemToObject(o, "p50", a[1]);
        cJSON_AddItemToObject(o, "p95", a[2]);
        cJSON_AddItemToObject(o, "mean", a[3]);
    }
}

/* The expected costs at every build level, and the best. */
static void add_build_levels(cJSON *root, const gw_risk_plan *p, const gw_risk_summary *s)
{
    cJSON *bl = cJSON_AddObjectToObject(root, "build_levels");
    double tot_l[GW_RISK_MAX_LEVELS];
    for (int l = 0; l < p->nlevels; l++)
        tot_l[l] = s->level_too_little[l] + s->level_too_much[l];
    cJSON_AddItemToObject(bl, "levels", num_array(p->level, p->nlevels));
    cJSON_AddItemToObject(bl, "expected_cost_too_little_usd",
                          num_array(s->level_too_little, p->nlevels));
    cJSON_AddItemToObject(bl, "expected_cost_too_much_usd",
                          num_array(s->level_too_much, p->nlevels));
    cJSON_AddItemToObject(bl, "expected_total_cost_usd", num_array(tot_l, p->nlevels));
    cJSON_AddItemToObject(bl, "p95_total_cost_usd", num_array(s->level_p95, p->nlevels));
    cJSON_AddNumberToObject(bl, "best_level", p->level[s->best_level]);
    cJSON_AddNumberToObject(bl, "best_expected_total_cost_usd", tot_l[s->best_level]);
    /* ties within the tolerance go to the smallest level (docs/risk.md) */
    cJSON_AddNumberToObject(bl, "tie_tolerance", GW_RISK_LEVEL_TIE);
    cJSON_AddBoolToObject(bl, "flat", s->flat_lo != s->flat_hi);
    cJSON_AddNumberToObject(bl, "flat_from_level", p->level[s->flat_lo]);
    cJSON_AddNumberToObject(bl, "flat_to_level", p->level[s->flat_hi]);
    cJSON_AddNumberToObject(bl, "planned_build_level", p->base.build_level);
}

/* Each input's swing of the total cost, largest first, and its rank correlation. */
static void add_tornado(cJSON *root, const gw_risk_plan *p, const gw_risk_summary *s)
{
    cJSON *tn = cJSON_AddObjectToObject(root, "tornado");
    cJSON_AddStringToObject(tn, "output", "total_cost_usd");
    cJSON_AddNumberToObject(tn, "base", s->base_cost);
    cJSON *ti = cJSON_AddArrayToObject(tn, "inputs");
    for (int r = 0; r < p->ninputs; r++) {
        int j = s->order[r];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", p->label[j]);
        cJSON_AddNumberToObject(o, "low_value", s->torn_lo_x[j]);
        cJSON_AddNumberToObject(o, "high_value", s->torn_hi_x[j]);
        cJSON_AddNumberToObject(o, "output_at_low", s->torn_lo[j]);
        cJSON_AddNumberToObject(o, "output_at_high", s->torn_hi[j]);
        cJSON_AddNumberToObject(o, "swing", fabs(s->torn_hi[j] - s->torn_lo[j]));
        cJSON_AddNumberToObject(o, "spearman", s->spearman[j]);
        cJSON_AddItemToArray(ti, o);
    }
}

char *gw_risk_json(const gw_risk_plan *p, const gw_risk_summary *s)
{
    cJSON *root = cJSON_CreateObject();
    gw_json_tag(root, "risk");
    cJSON_AddStringToObject(root, "scenario", p->name);
    cJSON_AddNumberToObject(root, "draws", (double)p->draws);
    cJSON_AddNumberToObject(root, "seed", (double)p->seed);
    cJSON_AddStringToObject(root, "inputs_hash", p->hash);

    add_inputs(root, p);
    add_series(root, p, s);

    cJSON *tot = cJSON_AddObjectToObject(root, "totals");
    for (int k = 0; k < GW_RISK_NFIXED; k++)
        add_stats(tot, total_keys[k], &s->total[k]);

    cJSON *ex = cJSON_AddObjectToObject(root, "expected");
    cJSON_AddNumberToObject(ex, "cost_too_little_usd", s->total[GW_RISK_TOO_LITTLE_USD].mean);
    cJSON_AddNumberToObject(ex, "cost_too_much_usd", s->total[GW_RISK_TOO_MUCH_USD].mean);
    cJSON_AddNumberToObject(ex, "total_cost_usd", s->total[GW_RISK_TOTAL_COST_USD].mean);
    cJSON_AddNumberToObject(ex, "probability_of_shortfall", s->p_short);
    cJSON_AddNumberToObject(ex, "probability_of_idle", s->p_idle);

    add_build_levels(root, p, s);

    cJSON *hs = cJSON_AddObjectToObject(root, "histograms");
    for (int h = 0; h < 2; h++) {
        cJSON *o = cJSON_AddObjectToObject(hs, h ? "cost_too_much_usd" : "cost_too_little_usd");
        double edges[GW_RISK_HIST_BINS + 1], counts[GW_RISK_HIST_BINS];
        for (int b = 0; b <= GW_RISK_HIST_BINS; b++)
            edges[b] = s->hist_max[h] * b / GW_RISK_HIST_BINS;
        for (int b = 0; b < GW_RISK_HIST_BINS; b++)
            counts[b] = (double)s->hist[h][b];
        cJSON_AddItemToObject(o, "edges", num_array(edges, GW_RISK_HIST_BINS + 1));
        cJSON_AddItemToObject(o, "counts", num_array(counts, GW_RISK_HIST_BINS));
    }
    add_tornado(root, p, s);
    return gw_json_finish(root);
}

/* ---- text -------------------------------------------------------------------------- */

/* One row of P5, P50, P95 and mean, each through `fmt` (USD or a count). */
static void stats_row(gw_buf *b, const char *what, const gw_risk_stats *st,
                      void (*fmt)(double, char *, size_t))
{
    char v[4][32];
    fmt(st->p5, v[0], sizeof v[0]);
    fmt(st->p50, v[1], sizeof v[1]);
    fmt(st->p95, v[2], sizeof v[2]);
    fmt(st->mean, v[3], sizeof v[3]);
    gw_buf_printf(b, "  %-32s %14s %14s %14s %14s\n", what, v[0], v[1], v[2], v[3]);
}

static void usd_row(gw_buf *b, const char *what, const gw_risk_stats *st)
{
    stats_row(b, what, st, gw_format_usd);
}

static void count_row(gw_buf *b, const char *what, const gw_risk_stats *st)
{
    stats_row(b, what, st, gw_format_count);
}

char *gw_risk_text(const gw_risk_plan *p, const gw_risk_summary *s)
{
    gw_buf b = {0};
    char q0[16], q1[16], a[32], c[32], d[32];
    gw_quarter_label(s->start_year, s->start_q, 0, q0, sizeof q0);
    gw_quarter_label(s->start_year, s->start_q, p->quarters - 1, q1, sizeof q1);
    gw_buf_printf(&b, "risk: %s\n", p->name[0] ? p->name : "(unnamed scenario)");
    gw_buf_printf(&b, "  %s draws, seed %llu, %s to %s, %d uncertain input%s, %d "
                      "correlation%s\n\n",
                  gw_text_count((double)p->draws).s, p->seed, q0, q1, p->ninputs, p->ninputs == 1 ? "" : "s", p->ncorr,
                  p->ncorr == 1 ? "" : "s");
    gw_buf_printf(&b, "  %-32s %14s %14s %14s %14s\n", "over the horizon", "P5", "P50", "P95",
                  "mean");
    count_row(&b, "shortfall (accelerator-quarters)", &s->total[GW_RISK_SHORTFALL]);
    count_row(&b, "idle (accelerator-quarters)", &s->total[GW_RISK_IDLE]);
    usd_row(&b, "rental spend", &s->total[GW_RISK_RENTAL_USD]);
    usd_row(&b, "cash at the end", &s->total[GW_RISK_CASH_USD]);
    usd_row(&b, "lowest cash (funding need)", &s->total[GW_RISK_MIN_CASH_USD]);
    usd_row(&b, "cost of too little", &s->total[GW_RISK_TOO_LITTLE_USD]);
    usd_row(&b, "cost of too much", &s->total[GW_RISK_TOO_MUCH_USD]);
    usd_row(&b, "total cost of mismatch", &s->total[GW_RISK_TOTAL_COST_USD]);

    gw_format_usd(s->total[GW_RISK_TOO_LITTLE_USD].mean, a, sizeof a);
    gw_format_usd(s->total[GW_RISK_TOO_MUCH_USD].mean, c, sizeof c);
    gw_buf_printf(&b, "\n  expected cost of too little %s (shortfall in %.0f %% of draws)\n", a,
                  100 * s->p_short);
    gw_buf_printf(&b, "  expected cost of too much   %s (idle capacity in %.0f %% of draws)\n", c,
                  100 * s->p_idle);

    gw_buf_printf(&b, "\n  build level (x plan)   E[too little]     E[too much]         E[total]"
                      "        P95 total\n");
    double least = INFINITY; /* ties are within GW_RISK_LEVEL_TIE of it (gw_risk_aggregate) */
    for (int l = 0; l < p->nlevels; l++)
        least = fmin(least, s->level_too_little[l] + s->level_too_much[l]);
    for (int l = 0; l < p->nlevels; l++) {
        char e[4][32];
        gw_format_usd(s->level_too_little[l], e[0], sizeof e[0]);
        gw_format_usd(s->level_too_much[l], e[1], sizeof e[1]);
        gw_format_usd(s->level_too_little[l] + s->level_too_much[l], e[2], sizeof e[2]);
        gw_format_usd(s->level_p95[l], e[3], sizeof e[3]);
        double tot = s->level_too_little[l] + s->level_too_much[l];
        int tied = l != s->best_level && tot <= least + GW_RISK_LEVEL_TIE * fabs(least);
        gw_buf_printf(&b, "  %20s %15s %15s %16s %16s%s\n", gw_text_num(p->level[l], 3).s, e[0], e[1], e[2], e[3],
                      l == s->best_level ? "  <- least expected cost"
                      : tied             ? "  (ties)"
                                         : "");
    }
    if (s->flat_lo != s->flat_hi)
        gw_buf_printf(&b, "  the curve is flat from %sx to %sx (within %.1f %% of the least "
                          "expected cost): the smallest level of the tie is marked\n",
                      gw_text_num(p->level[s->flat_lo], 3).s, gw_text_num(p->level[s->flat_hi], 3).s,
                      100 * GW_RISK_LEVEL_TIE);

    if (p->ninputs) {
        gw_format_usd(s->base_cost, d, sizeof d);
        gw_buf_printf(&b, "\n  sensitivity of the total cost (%s with every input at its median)\n",
                      d);
        gw_buf_printf(&b, "  %-44s %14s %14s %9s\n", "input (at its P10 / P90)", "cost at P10",
                      "cost at P90", "rank rho");
        for (int r = 0; r < p->ninputs; r++) {
            int j = s->order[r];
            char lo[32], hi[32];
            gw_format_usd(s->torn_lo[j], lo, sizeof lo);
            gw_format_usd(s->torn_hi[j], hi, sizeof hi);
            gw_buf_printf(&b, "  %-44.44s %14s %14s %9.2f\n", p->label[j], lo, hi, s->spearman[j]);
        }
    }
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}
