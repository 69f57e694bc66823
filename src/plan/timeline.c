/* src/plan/timeline.c — the supply-limited build-out timeline (models layer).
 *
 * A quarterly model, pure and allocation-free: a Monte Carlo runs it once
 * per draw, so it must cost microseconds (bench/bench_timeline.c). Each
 * quarter, in this order:
 *   1. orders enter the site pipeline; each stage group admits what its
 *      capacity allows (FIFO backlog) and passes it on after its duration;
 *      committed projects come online on their dates            (§2)
 *   2. accelerators fill the powered space, limited by the vendors'
 *      allocation, and retire after their life                  (§3)
 *   3. demand: inference tokens -> accelerators, training FLOPs ->
 *      accelerator-quarters                                     (§1)
 *   4. the gap: rent backup capacity or throttle; idle capacity  (§4)
 *   5. power, households, money, cash                            (§5)
 * Section numbers refer to docs/timeline.md, which gives every equation.
 *
 * Time inside a quarter: a project or a retirement due at a fractional
 * quarter t is split between quarters floor(t) and floor(t) + 1 in
 * proportion, so outputs move smoothly with lead times (a risk engine's
 * sensitivity would otherwise see steps). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "timeline_int.h"

#define IN(field) offsetof(gw_timeline_input, field)

/* ---- the table of inputs ----------------------------------------------------- */

/* One row: a number of the timeline, any of which may be a distribution. */
#define TL(k, off, d, fl, dflt_, h)                                                               \
    {.key = (k), .type = GW_FT_QTY, .dim = (d), .offset = (off), .flags = (fl) | GW_F_DIST,      \
     .dflt = (dflt_), .help = (h)}

const gw_field gw_tl_top[] = {
    TL("build_level", IN(build_level), GW_DIM_NONE, GW_F_NONNEG, 1,
       "planned build as a multiple of the baseline plan"),
    TL("demand.tokens_per_s_per_accelerator", IN(tokens_per_s_per_accelerator),
       GW_DIM_NONE, GW_F_POSITIVE | GW_F_DERIVED, 0,
       "tokens/s one accelerator serves (default: the perf model)"),
    TL("demand.efficiency_gain_per_year", IN(efficiency_gain_per_year),
       GW_DIM_NONE, GW_F_POSITIVE, 1,
       "tokens/s and FLOP/s per accelerator multiply by this per year"),
    TL("demand.peak_to_average", IN(peak_to_average), GW_DIM_NONE, GW_F_POSITIVE, 1,
       "busy-hour load / average load"),
    TL("supply.target", IN(target_power_w), GW_DIM_POWER, GW_F_NONNEG | GW_F_DERIVED, 0,
       "grid power of the baseline plan (default: the plan's target)"),
    TL("supply.orders_until", IN(orders_until_s),
       GW_DIM_TIME, GW_F_POSITIVE | GW_F_DATE | GW_F_DERIVED, 0,
       "new sites are ordered evenly from the start until this date"),
    TL("supply.online_power", IN(online_power_w), GW_DIM_POWER, GW_F_NONNEG, 0,
       "grid power online at the start"),
    TL("supply.online_accelerators", IN(online_accelerators), GW_DIM_NONE, GW_F_NONNEG, 0,
       "accelerators installed at the start"),
    TL("supply.accelerators_per_quarter", IN(accelerators_per_quarter),
       GW_DIM_NONE, GW_F_NONNEG | GW_F_REQUIRED, 0,
       "accelerators the vendors allocate in the first quarter"),
    TL("supply.accelerator_growth_per_year", IN(accelerator_growth_per_year),
       GW_DIM_NONE, GW_F_POSITIVE, 1,
       "the allocation multiplies by this per year"),
    TL("supply.accelerator_life", IN(accelerator_life_s),
       GW_DIM_TIME, GW_F_POSITIVE | GW_F_DERIVED, 0,
       "accelerators retire after this (default: finance IT life)"),
    TL("money.rental_price", IN(rental_usd_per_accelerator_s), GW_DIM_USD_PER_TIME, GW_F_NONNEG, 0,
       "price of backup capacity per accelerator-hour"),
    TL("money.rental_max", IN(rental_max), GW_DIM_NONE, GW_F_NONNEG, 0,
       "most accelerators rentable at once (0: no limit)"),
    TL("money.throttle_penalty", IN(throttle_penalty_per_million_tokens),
       GW_DIM_USD, GW_F_NONNEG, 0,
       "cost of a million throttled tokens beyond the lost revenue"),
    TL("money.start_cash", IN(start_cash_usd), GW_DIM_USD, 0, 0,
       "cash at the start"),
    TL("money.depreciation", IN(depreciation_s), GW_DIM_TIME, GW_F_POSITIVE | GW_F_DERIVED, 0,
       "straight-line life of accelerator capex (default: finance IT life)"),
    TL("money.facility_depreciation", IN(facility_depreciation_s),
       GW_DIM_TIME, GW_F_POSITIVE | GW_F_DERIVED, 0,
       "straight-line life of facility capex (default: finance facility life)"),
    /* from the plan, rack and perf models (never in the YAML) */
    TL("derived.accelerators_per_w", IN(accelerators_per_w),
       GW_DIM_PER_POWER, GW_F_POSITIVE | GW_F_DERIVED, 0,
       "accelerators per W of grid capacity"),
    TL("derived.capex_per_accelerator", IN(capex_per_accelerator),
       GW_DIM_USD, GW_F_NONNEG | GW_F_DERIVED, 0,
       "systems + networking capex per accelerator"),
    TL("derived.capex_per_w", IN(capex_per_w), GW_DIM_USD_PER_POWER, GW_F_NONNEG | GW_F_DERIVED, 0,
       "facility + power capex per W of grid capacity"),
    TL("derived.opex_per_accelerator", IN(opex_per_accelerator_s),
       GW_DIM_USD_PER_TIME, GW_F_NONNEG | GW_F_DERIVED, 0,
       "maintenance + staff per installed accelerator"),
    TL("derived.busy_power_per_accelerator", IN(busy_w_per_accelerator),
       GW_DIM_POWER, GW_F_NONNEG | GW_F_DERIVED, 0,
       "grid power of a serving accelerator"),
    TL("derived.idle_power_per_accelerator", IN(idle_w_per_accelerator),
       GW_DIM_POWER, GW_F_NONNEG | GW_F_DERIVED, 0,
       "grid power of an idle accelerator"),
    TL("derived.electricity_price", IN(electricity_usd_per_j),
       GW_DIM_USD_PER_ENERGY, GW_F_NONNEG | GW_F_DERIVED, 0,
       "electricity price"),
    TL("derived.household_power", IN(household_w), GW_DIM_POWER, GW_F_POSITIVE | GW_F_DERIVED, 0,
       "average draw of one household"),
    TL("derived.owned_cost_per_accelerator", IN(owned_usd_per_accelerator_s),
       GW_DIM_USD_PER_TIME, GW_F_NONNEG | GW_F_DERIVED, 0,
       "capital recovery + fixed opex of an owned accelerator"),
    TL("derived.training_flops_per_accelerator", IN(training_flops_per_accelerator),
       GW_DIM_FLOP_RATE, GW_F_NONNEG | GW_F_DERIVED, 0,
       "dense peak at the training precision"),
};
const size_t gw_tl_ntop = sizeof gw_tl_top / sizeof gw_tl_top[0];

#define PR(field) offsetof(gw_timeline_product, field)
static const gw_field product_fields[] = {
    TL("users", PR(users), GW_DIM_NONE, GW_F_NONNEG | GW_F_REQUIRED, 0,
       "users at the start"),
    TL("growth_per_year", PR(growth_per_year), GW_DIM_NONE, GW_F_POSITIVE, 1,
       "users multiply by this per year"),
    TL("requests_per_user_per_day", PR(requests_per_user_per_day),
       GW_DIM_NONE, GW_F_NONNEG | GW_F_REQUIRED, 0,
       "requests per user per day"),
    TL("tokens_per_request", PR(tokens_per_request), GW_DIM_NONE, GW_F_NONNEG | GW_F_REQUIRED, 0,
       "input + output tokens per request"),
    TL("token_growth_per_year", PR(token_growth_per_year), GW_DIM_NONE, GW_F_POSITIVE, 1,
       "tokens per request multiply by this per year"),
    TL("price", PR(usd_per_million_tokens), GW_DIM_USD, GW_F_NONNEG, 0,
       "revenue per million tokens served, at the start"),
    TL("price_growth_per_year", PR(price_growth_per_year), GW_DIM_NONE, GW_F_POSITIVE, 1,
       "the price multiplies by this per year"),
};
#define RS(field) offsetof(gw_timeline_run_spec, field)
static const gw_field run_fields[] = {
    TL("flops", RS(flops), GW_DIM_FLOP, GW_F_POSITIVE | GW_F_REQUIRED, 0,
       "training compute"),
    TL("start", RS(start_s), GW_DIM_TIME, GW_F_NONNEG | GW_F_DATE, 0,
       "when the run starts"),
    TL("duration", RS(duration_s), GW_DIM_TIME, GW_F_POSITIVE | GW_F_REQUIRED, 0,
       "wall-clock length of the run"),
    TL("mfu", RS(mfu), GW_DIM_NONE, GW_F_OPEN_UNIT | GW_F_REQUIRED, 0,
       "model FLOPs utilisation"),
    TL("every", RS(every_s), GW_DIM_TIME, GW_F_NONNEG, 0,
       "repeat interval (0: once)"),
    TL("growth", RS(growth), GW_DIM_NONE, GW_F_POSITIVE, 1,
       "FLOPs multiply by this from one repeat to the next"),
};
#define ST(field) offsetof(gw_timeline_stage, field)
static const gw_field stage_fields[] = {
    TL("duration", ST(duration_s), GW_DIM_TIME, GW_F_NONNEG | GW_F_REQUIRED, 0,
       "lead time of the stage"),
    TL("capacity", ST(capacity_w), GW_DIM_POWER, GW_F_NONNEG, 0,
       "grid power that may start the stage per quarter (0: no limit)"),
    TL("parallel", ST(parallel), GW_DIM_NONE, GW_F_BOOL, 0,
       "runs alongside the stage before it"),
    TL("capex_share", ST(capex_share), GW_DIM_NONE, GW_F_FRACTION, 0,
       "fraction of the facility capex paid when a project starts the stage"),
};
#define CM(field) offsetof(gw_timeline_committed, field)
static const gw_field committed_fields[] = {
    TL("power", CM(power_w), GW_DIM_POWER, GW_F_NONNEG | GW_F_REQUIRED, 0,
       "grid power"),
    TL("online", CM(online_s), GW_DIM_TIME, GW_F_NONNEG | GW_F_DATE | GW_F_REQUIRED, 0,
       "when it comes online"),
};

#define NF(a) (sizeof a / sizeof a[0])
/* One list: its path, its item's fields, where the count and the items are. */
#define LIST(p, fields_, count, items, T, name_, max_)                                            \
    {.path = (p), .fields = (fields_), .nfields = NF(fields_), .count_offset = IN(count),        \
     .items_offset = IN(items), .item_size = sizeof(T), .name_offset = offsetof(T, name_),       \
     .max = (max_)}
const gw_tl_list gw_tl_lists[] = {
    LIST("demand.products", product_fields, nproducts, products, gw_timeline_product, name,
         GW_TIMELINE_MAX_PRODUCTS),
    LIST("demand.training", run_fields, nruns, runs, gw_timeline_run_spec, name,
         GW_TIMELINE_MAX_RUNS),
    LIST("supply.stages", stage_fields, nstages, stages, gw_timeline_stage, name,
         GW_TIMELINE_MAX_STAGES),
    LIST("supply.committed", committed_fields, ncommitted, committed, gw_timeline_committed, name,
         GW_TIMELINE_MAX_COMMITTED),
};
const size_t gw_tl_nlists = NF(gw_tl_lists);

int gw_tl_check_value(const gw_field *f, double v, const char *name, gw_error *err)
{
    const char *want = NULL;
    if (!isfinite(v))
        want = "a finite number";
    else if ((f->flags & GW_F_POSITIVE) && !(v > 0))
        want = "> 0";
    else if ((f->flags & GW_F_NONNEG) && v < 0)
        want = ">= 0";
    else if ((f->flags & GW_F_FRACTION) && (v < 0 || v > 1))
        want = "within [0, 1]";
    else if ((f->flags & GW_F_OPEN_UNIT) && !(v > 0 && v <= 1))
        want = "within (0, 1]";
    else if ((f->flags & GW_F_BOOL) && v != 0 && v != 1)
        want = "true or false";
    if (!want)
        return GW_OK;
    if (!err) /* a quick check: the caller names the value and asks again */
        return GW_E_INPUT;
    return gw_error_field(err, name, "timeline.%s is %.6g; expected %s (%s)",
                          name, v, want, f->help);
}

/* Every numeric input within its range, and the counts within the arrays. */
static int check_input(const gw_timeline_input *in, gw_error *err)
{
    if (in->quarters < 1 || in->quarters > GW_TIMELINE_MAX_QUARTERS)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "timeline horizon is %d quarters; expected 1 to %d (%d years)",
                            in->quarters, GW_TIMELINE_MAX_QUARTERS,
                            GW_TIMELINE_MAX_QUARTERS / 4);
    if (in->shortfall != GW_SHORTFALL_RENT && in->shortfall != GW_SHORTFALL_THROTTLE)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "timeline shortfall policy is %d; expected rent (%d) or throttle (%d)",
                            (int)in->shortfall, GW_SHORTFALL_RENT, GW_SHORTFALL_THROTTLE);
    const char *base = (const char *)in;
    for (size_t i = 0; i < gw_tl_ntop; i++) {
        const gw_field *f = &gw_tl_top[i];
        int rc = gw_tl_check_value(f, *(const double *)(base + f->offset), f->key, err);
        if (rc)
            return rc;
    }
    for (size_t l = 0; l < gw_tl_nlists; l++) {
        const gw_tl_list *L = &gw_tl_lists[l];
        int n = *(const int *)(base + L->count_offset);
        if (n < 0 || n > L->max)
            return gw_error_field(err, L->path,
                                  "timeline.%s has %d items; expected at most %d", L->path, n,
                                  L->max);
        for (int k = 0; k < n; k++) {
            const char *item = base + L->items_offset + (size_t)k * L->item_size;
            for (size_t j = 0; j < L->nfields; j++) {
                const gw_field *f = &L->fields[j];
                double v = *(const double *)(item + f->offset);
                if (!gw_tl_check_value(f, v, NULL, NULL))
                    continue;
                /* the name only on failure: run() is called once per draw */
                char name[GW_TIMELINE_PARAM_NAME];
                snprintf(name, sizeof name, "%s.%s.%s", L->path, item + L->name_offset, f->key);
                return gw_tl_check_value(f, v, name, err);
            }
        }
    }
    double share = 0;
    for (int s = 0; s < in->nstages; s++)
        share += in->stages[s].capex_share;
    if (share > 1 + 1e-9)
        return gw_error_field(err, "supply.stages",
                              "timeline.supply.stages: capex_share adds up to %.4g; expected at "
                              "most 1 (the rest is paid when a project comes online)",
                              share);
    if (in->nstages > 0 && in->stages[0].parallel)
        return gw_error_field(err, "supply.stages",
                              "timeline.supply.stages.%s is parallel but has no stage before it; "
                              "expected the first stage to be serial",
                              in->stages[0].name);
    for (int r = 0; r < in->nruns; r++)
        if (in->runs[r].every_s > 0 && in->runs[r].every_s < GW_QUARTER_S / 3) {
            char field[GW_TIMELINE_PARAM_NAME];
            snprintf(field, sizeof field, "demand.training.%s.every", in->runs[r].name);
            return gw_error_field(err, field,
                                  "timeline.demand.training.%s.every is %.4g days; expected 0 "
                                  "(once) or at least a month",
                                  in->runs[r].name, in->runs[r].every_s / 86400);
        }
    if (in->chain_drives && in->chain.quarters != in->quarters)
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "timeline: the supply chain covers %d quarters, the timeline %d; "
                            "expected the same horizon", in->chain.quarters, in->quarters);
    if (in->chain.ncomponents > 0 && !in->chain_lab) {
        int rc = gw_supply_check(&in->chain, err);
        if (rc)
            return rc;
    }
    if (in->nruns > 0 && !(in->training_flops_per_accelerator > 0))
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                            "timeline: training runs need the accelerator's peak FLOP/s at "
                            "the training precision; expected an accelerator that has it");
    return GW_OK;
}

/* ---- the model --------------------------------------------------------------- */

/* Add `x` at fractional quarter t (>= 0) to a[], split between floor(t) and
 * the next quarter; what falls at or past `n` is beyond the horizon. */
static void add_at(double *a, int n, double t, double x)
{
    double k = floor(t), f = t - k;
    if (k < n)
        a[(int)k] += x * (1 - f);
    if (k + 1 < n && f > 0)
        a[(int)k + 1] += x * f;
}

/* Straight-line depreciation of `x` spent in quarter q over `life` quarters,
 * as a difference array d[] of the quarterly charge (prefix sums give it). */
static void depreciate(double *d, int n, int q, double life, double x)
{
    double rate = x / life;
    d[q] += rate;
    double end = q + life; /* the charge stops at `end`, possibly mid-quarter */
    double k = floor(end), f = end - k;
    if (k < n)
        d[(int)k] -= rate * (1 - f);
    if (k + 1 < n)
        d[(int)k + 1] -= rate * f;
}

/* Overlap of quarter [q, q+1) with [s, e), in quarters. */
static double overlap(int q, double s, double e)
{
    double lo = q > s ? q : s, hi = q + 1 < e ? q + 1 : e;
    return hi > lo ? hi - lo : 0;
}

/* Accelerators that training needs in each quarter (§1.2). */
static void training_demand(const gw_timeline_input *in, double *need, int n)
{
    for (int r = 0; r < in->nruns; r++) {
        const gw_timeline_run_spec *rs = &in->runs[r];
        double flops = rs->flops;
        for (int k = 0; k < 4 * GW_TIMELINE_MAX_QUARTERS; k++) {
            double s = (rs->start_s + k * rs->every_s) / GW_QUARTER_S;
            double d = rs->duration_s / GW_QUARTER_S;
            if (s >= n)
                break;
            /* accelerators that deliver `flops` in `duration` at `mfu`, on the
             * fleet's accelerator of the run's start (efficiency gain, §1.1) */
            double peak = in->training_flops_per_accelerator *
                          pow(in->efficiency_gain_per_year, s / 4);
            double accel = flops / (peak * rs->mfu * rs->duration_s);
            int q0 = (int)floor(s);
            for (int q = q0; q < n && q < s + d; q++)
                need[q] += accel * overlap(q, s, s + d);
            if (!(rs->every_s > 0))
                break;
            flops *= rs->growth;
        }
    }
}

/* What a run carries from one quarter to the next. */
typedef struct run_state {
    /* §2 the site pipeline: stage groups (a serial stage opens one, parallel
     * ones join it), with their capacity per quarter, duration in quarters
     * and share of facility capex */
    int ng;
    double g_cap[GW_TIMELINE_MAX_STAGES], g_dur[GW_TIMELINE_MAX_STAGES];
    double g_share[GW_TIMELINE_MAX_STAGES];
    double share_online; /* the capex share paid when a project comes online */
    /* arrivals[g][q]: W reaching group g's queue in quarter q; arrivals[ng]
     * are energizations */
    double arrivals[GW_TIMELINE_MAX_STAGES + 1][GW_TIMELINE_MAX_QUARTERS];
    double backlog[GW_TIMELINE_MAX_STAGES];
    double committed_online[GW_TIMELINE_MAX_QUARTERS];
    double committed_w, online_w, cum_ordered, cum_energized, cum_committed;
    /* §3 accelerators: retirements scheduled by installs */
    double retire[GW_TIMELINE_MAX_QUARTERS];
    double life_q, capacity;
    double chain_alloc[GW_TIMELINE_MAX_QUARTERS]; /* the lab's share of the supply chain */
    /* §5 depreciation as difference arrays, and the cash */
    double dep_it[GW_TIMELINE_MAX_QUARTERS + 1], dep_fac[GW_TIMELINE_MAX_QUARTERS + 1];
    double dep_it_q, dep_fac_q, dep_rate_it, dep_rate_fac, cash;
    /* growth per year g is g^(q/4) in quarter q: kept as running products of
     * g^(1/4) (one pow per rate per run, not per quarter: a draw's cost is
     * mostly these) */
    double step_alloc, fac_alloc, step_eff, fac_eff;
    double step_tok[GW_TIMELINE_MAX_PRODUCTS], fac_tok[GW_TIMELINE_MAX_PRODUCTS];
    double step_price[GW_TIMELINE_MAX_PRODUCTS], fac_price[GW_TIMELINE_MAX_PRODUCTS];
    /* §6 sums over the run */
    double tokens_asked, tokens_served, throttled_tokens, rented_s, idle_s;
} run_state;

/* §2.1 orders: the plan's power times the build level, less what is
 * already online or committed, ordered evenly until orders_until */
static void order_schedule(const gw_timeline_input *in, run_state *st, gw_timeline_result *out)
{
    const double Q = GW_QUARTER_S;
    for (int c = 0; c < in->ncommitted; c++)
        st->committed_w += in->committed[c].power_w;
    double to_order = in->build_level * in->target_power_w - st->committed_w - in->online_power_w;
    if (to_order < 0)
        to_order = 0;
    double order_q = in->orders_until_s / Q; /* quarters of ordering, > 0 */
    for (int q = 0; q < out->quarters; q++) {
        double a = q < order_q ? q : order_q, b = q + 1 < order_q ? q + 1 : order_q;
        out->ordered_w[q] = to_order * (b - a) / order_q;
    }
}

/* §2.2 stage groups: a serial stage opens a group, parallel ones join it */
static void stage_groups(const gw_timeline_input *in, run_state *st)
{
    const double Q = GW_QUARTER_S;
    int ng = 0;
    double share_total = 0;
    for (int s = 0; s < in->nstages; s++) {
        const gw_timeline_stage *sg = &in->stages[s];
        double cap = sg->capacity_w > 0 ? sg->capacity_w : INFINITY;
        if (!sg->parallel || ng == 0) {
            st->g_cap[ng] = cap;
            st->g_dur[ng] = sg->duration_s / Q;
            st->g_share[ng] = sg->capex_share;
            ng++;
        } else {
            st->g_cap[ng - 1] = fmin(st->g_cap[ng - 1], cap);
            st->g_dur[ng - 1] = fmax(st->g_dur[ng - 1], sg->duration_s / Q);
            st->g_share[ng - 1] += sg->capex_share;
        }
        share_total += sg->capex_share;
    }
    st->ng = ng;
    st->share_online = 1 - share_total;
    if (st->share_online < 0)
        st->share_online = 0;
}

/* Everything before the first quarter: orders, stage groups, committed
 * projects, training demand, the initial fleet's retirements, the growth
 * steps. */
static void run_begin(const gw_timeline_input *in, run_state *st, gw_timeline_result *out)
{
    const int n = in->quarters;
    const double Q = GW_QUARTER_S;
    memset(st, 0, sizeof *st);
    order_schedule(in, st, out);
    stage_groups(in, st);
    for (int c = 0; c < in->ncommitted; c++)
        add_at(st->committed_online, n, in->committed[c].online_s / Q, in->committed[c].power_w);
    /* training's accelerators straight into the result (zeroed by the caller) */
    training_demand(in, out->demand_training, n);
    /* §3: the initial fleet, taken as evenly aged, retires evenly over one life */
    st->life_q = in->accelerator_life_s / Q;
    if (in->online_accelerators > 0)
        for (int q = 0; q < n; q++)
            st->retire[q] += in->online_accelerators * overlap(q, 0, st->life_q) / st->life_q;
    st->dep_it_q = in->depreciation_s / Q, st->dep_fac_q = in->facility_depreciation_s / Q;
    st->online_w = in->online_power_w, st->capacity = in->online_accelerators;
    st->cash = in->start_cash_usd;
    out->min_cash = INFINITY;
    st->step_alloc = pow(in->accelerator_growth_per_year, 0.25), st->fac_alloc = 1;
    if (in->chain_drives && in->chain_lab) /* §3 with a supply chain: docs/supply.md */
        memcpy(st->chain_alloc, in->chain_lab, sizeof(double) * (size_t)in->quarters);
    else if (in->chain_drives)
        gw_supply_lab(&in->chain, st->chain_alloc);
    st->step_eff = pow(in->efficiency_gain_per_year, 0.25), st->fac_eff = 1;
    for (int p = 0; p < in->nproducts; p++) {
        const gw_timeline_product *pr = &in->products[p];
        st->step_tok[p] = pow(pr->growth_per_year * pr->token_growth_per_year, 0.25);
        st->step_price[p] = pow(pr->price_growth_per_year, 0.25);
        st->fac_tok[p] = st->fac_price[p] = 1;
    }
}

/* §2 quarter q of the site pipeline; returns its facility capex. */
static double pipeline_quarter(const gw_timeline_input *in, run_state *st,
                               gw_timeline_result *out, int q)
{
    const int n = in->quarters, ng = st->ng;
    st->arrivals[0][q] += out->ordered_w[q];
    double facility_capex = 0;
    for (int g = 0; g < ng; g++) {
        st->backlog[g] += st->arrivals[g][q];
        double admit = st->backlog[g] < st->g_cap[g] ? st->backlog[g] : st->g_cap[g];
        st->backlog[g] -= admit;
        facility_capex += admit * in->capex_per_w * st->g_share[g];
        add_at(st->arrivals[g + 1], n, q + st->g_dur[g], admit);
    }
    double energized = st->arrivals[ng][q];
    facility_capex += (energized + st->committed_online[q]) * in->capex_per_w * st->share_online;
    st->online_w += energized + st->committed_online[q];
    st->cum_ordered += out->ordered_w[q];
    st->cum_energized += energized;
    out->online_w[q] = st->online_w;
    st->cum_committed += st->committed_online[q];
    /* ordered or committed, not yet online (committed past the horizon included) */
    out->pipeline_w[q] =
        st->cum_ordered - st->cum_energized + st->committed_w - st->cum_committed;
    return facility_capex;
}

/* §3 quarter q of the accelerators: retire, then install what the slots
 * and the allocation allow. */
static void accelerators_quarter(const gw_timeline_input *in, run_state *st,
                                 gw_timeline_result *out, int q)
{
    out->slots[q] = st->online_w * in->accelerators_per_w;
    out->allocation[q] = in->chain_drives ? st->chain_alloc[q]
                                          : in->accelerators_per_quarter * st->fac_alloc;
    double retiring = st->retire[q] < st->capacity ? st->retire[q] : st->capacity;
    st->capacity -= retiring;
    double room = out->slots[q] - st->capacity;
    double install = room <= 0 ? 0 : room < out->allocation[q] ? room : out->allocation[q];
    st->capacity += install;
    add_at(st->retire, in->quarters, q + st->life_q, install);
    out->installed[q] = install;
    out->retired[q] = retiring;
    out->capacity[q] = st->capacity;
}

/* §1 quarter q's demand: tokens of every product and the accelerators
 * they and training need; returns the revenue if every token is served. */
static double demand_quarter(const gw_timeline_input *in, run_state *st,
                             gw_timeline_result *out, int q)
{
    const double Q = GW_QUARTER_S;
    double tps = in->tokens_per_s_per_accelerator * st->fac_eff;
    double tokens = 0, revenue_full = 0;
    for (int p = 0; p < in->nproducts; p++) {
        const gw_timeline_product *pr = &in->products[p];
        double t = pr->users * pr->requests_per_user_per_day * pr->tokens_per_request *
                   st->fac_tok[p] * (Q / 86400.0);
        tokens += t;
        revenue_full += t / 1e6 * pr->usd_per_million_tokens * st->fac_price[p];
        st->fac_tok[p] *= st->step_tok[p];
        st->fac_price[p] *= st->step_price[p];
    }
    st->fac_alloc *= st->step_alloc;
    st->fac_eff *= st->step_eff;
    double inference = tokens > 0 ? tokens / Q * in->peak_to_average / tps : 0;
    out->demand_inference[q] = inference;
    out->demand[q] = inference + out->demand_training[q];
    out->tokens_demand[q] = tokens;
    return revenue_full;
}

/* §4 quarter q's gap between demand and capacity: rented, throttled or idle. */
static void gap_quarter(const gw_timeline_input *in, run_state *st, gw_timeline_result *out,
                        int q, double revenue_full)
{
    const double Q = GW_QUARTER_S;
    double inference = out->demand_inference[q], tokens = out->tokens_demand[q];
    double gap = out->demand[q] - st->capacity;
    double shortfall = gap > 0 ? gap : 0, idle = gap < 0 ? -gap : 0;
    double rented = 0;
    if (in->shortfall == GW_SHORTFALL_RENT)
        rented = in->rental_max > 0 && shortfall > in->rental_max ? in->rental_max : shortfall;
    double throttled = shortfall - rented;
    /* training holds its accelerators; throttling falls on inference */
    double throttled_inf = throttled < inference ? throttled : inference;
    double served_frac = inference > 0 ? 1 - throttled_inf / inference : 1;
    out->shortfall[q] = shortfall;
    out->rented[q] = rented;
    out->throttled[q] = throttled;
    out->idle[q] = idle;
    out->tokens_served[q] = tokens * served_frac;
    out->revenue[q] = revenue_full * served_frac;
    out->lost_revenue[q] = revenue_full - out->revenue[q];
    st->tokens_asked += tokens;
    st->tokens_served += out->tokens_served[q];
    st->throttled_tokens += tokens - out->tokens_served[q];
    st->rented_s += rented * Q;
    st->idle_s += idle * Q;
}

/* §5 quarter q's power and money, and the run's totals so far. */
static void money_quarter(const gw_timeline_input *in, run_state *st, gw_timeline_result *out,
                          int q, double facility_capex)
{
    const double Q = GW_QUARTER_S;
    const int n = in->quarters;
    double idle = out->idle[q], capacity = st->capacity;
    double busy = capacity - idle;
    out->power_w[q] = busy * in->busy_w_per_accelerator + idle * in->idle_w_per_accelerator;
    out->households[q] = out->power_w[q] / in->household_w;
    out->energy[q] = out->power_w[q] * Q * in->electricity_usd_per_j;
    out->opex[q] = out->energy[q] + capacity * in->opex_per_accelerator_s * Q;
    out->rental[q] = out->rented[q] * in->rental_usd_per_accelerator_s * Q;
    out->capex_facility[q] = facility_capex;
    out->capex_accelerators[q] = out->installed[q] * in->capex_per_accelerator;
    out->capex[q] = facility_capex + out->capex_accelerators[q];
    depreciate(st->dep_it, n, q, st->dep_it_q, out->capex_accelerators[q]);
    depreciate(st->dep_fac, n, q, st->dep_fac_q, facility_capex);
    st->dep_rate_it += st->dep_it[q];
    st->dep_rate_fac += st->dep_fac[q];
    out->depreciation[q] = st->dep_rate_it + st->dep_rate_fac;
    st->cash += out->revenue[q] - out->capex[q] - out->opex[q] - out->rental[q];
    out->cash[q] = st->cash;
    if (st->cash < out->min_cash) {
        out->min_cash = st->cash;
        out->min_cash_quarter = q;
    }
    out->total_capex += out->capex[q];
    out->total_opex += out->opex[q];
    out->total_revenue += out->revenue[q];
    out->total_rental += out->rental[q];
    out->total_depreciation += out->depreciation[q];
    out->total_lost_revenue += out->lost_revenue[q];
    out->quarters_short += out->shortfall[q] > 0;
    if (out->shortfall[q] > out->peak_shortfall)
        out->peak_shortfall = out->shortfall[q];
    if (idle > out->peak_idle)
        out->peak_idle = idle;
}

/* §6 the cost of too little and of too much, and the run's end state. */
static int run_end(const gw_timeline_input *in, const run_state *st, gw_timeline_result *out,
                   gw_error *err)
{
    const int n = in->quarters;
    out->rental_premium = out->total_rental - st->rented_s * in->owned_usd_per_accelerator_s;
    out->throttle_penalty = st->throttled_tokens / 1e6 * in->throttle_penalty_per_million_tokens;
    out->idle_cost = st->idle_s * in->owned_usd_per_accelerator_s;
    out->cost_too_little = out->total_lost_revenue + out->rental_premium + out->throttle_penalty;
    out->cost_too_much = out->idle_cost;
    out->total_cost = out->cost_too_little + out->cost_too_much;
    out->final_cash = st->cash;
    out->served_fraction = st->tokens_asked > 0 ? st->tokens_served / st->tokens_asked : 1;
    out->first_quarter_covered = -1;
    for (int q = n - 1; q >= 0 && out->shortfall[q] <= 0; q--)
        out->first_quarter_covered = q;
    out->end_online_w = out->online_w[n - 1];
    out->end_capacity = out->capacity[n - 1];

    double totals[] = {out->total_capex, out->total_opex, out->total_revenue, out->total_cost,
                       out->final_cash, out->min_cash};
    for (size_t i = 0; i < sizeof totals / sizeof totals[0]; i++)
        if (!isfinite(totals[i]))
            return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                                "timeline: the inputs overflow a double (a total is not "
                                "finite); expected values of a physical size");
    return GW_OK;
}

int gw_timeline_run(const gw_timeline_input *in, gw_timeline_result *out, gw_error *err)
{
    int rc = check_input(in, err);
    if (rc)
        return rc;
    memset(out, 0, sizeof *out);
    out->quarters = in->quarters;
    out->start_year = in->start_year;
    out->start_q = in->start_q;
    run_state st;
    run_begin(in, &st, out);
    for (int q = 0; q < in->quarters; q++) {
        double facility_capex = pipeline_quarter(in, &st, out, q);
        accelerators_quarter(in, &st, out, q);
        double revenue_full = demand_quarter(in, &st, out, q);
        gap_quarter(in, &st, out, q, revenue_full);
        money_quarter(in, &st, out, q, facility_capex);
    }
    return run_end(in, &st, out, err);
}
