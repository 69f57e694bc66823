/* tests/unit/test_timeline.c — the build-out timeline against hand
 * arithmetic (docs/timeline.md): supply-limited growth, lead times and stage
 * capacities, retirement, the shortfall (rent, then throttle) and its money,
 * depreciation and cash; then resolution from YAML with the real catalog:
 * the named-parameter table, distributions, and bad input at file:line:col. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/catalog.h"
#include "gigawatt/config.h"
#include "gigawatt/timeline.h"
#include "gigawatt/timeline_out.h"
#include "gw_test.h"

#define Q GW_QUARTER_S

/* A small world: 1 accelerator per kW, nothing ordered, nothing demanded. */
static void base(gw_timeline_input *in)
{
    memset(in, 0, sizeof *in);
    in->start_year = 2026, in->start_q = 1, in->quarters = 8;
    in->build_level = 1;
    in->tokens_per_s_per_accelerator = 1000;
    in->efficiency_gain_per_year = 1;
    in->peak_to_average = 1;
    in->training_flops_per_accelerator = 1e15;
    in->orders_until_s = Q;
    in->accelerator_growth_per_year = 1;
    in->accelerators_per_w = 1e-3;
    in->accelerator_life_s = 100 * Q;
    in->household_w = 1000;
    in->depreciation_s = 4 * Q;
    in->facility_depreciation_s = 40 * Q;
}

static int run(const gw_timeline_input *in, gw_timeline_result *r)
{
    gw_error err = {0};
    int rc = gw_timeline_run(in, r, &err);
    if (rc)
        fprintf(stderr, "run: %s\n", err.msg);
    return rc;
}

static gw_timeline_result R, R2;

/* Vendors' allocation binds while there is powered room (§3). */
static void test_allocation_limited(void)
{
    gw_timeline_input in;
    base(&in);
    in.online_power_w = 10e6; /* 10,000 slots */
    in.target_power_w = 10e6; /* nothing more to order */
    in.accelerators_per_quarter = 1000;
    in.accelerator_growth_per_year = 2;
    CHECK_INT(run(&in, &R), GW_OK);
    CHECK_NEAR(R.slots[0], 10000, 1e-12);
    CHECK_NEAR(R.allocation[0], 1000, 1e-12);
    CHECK_NEAR(R.allocation[4], 2000, 1e-12); /* doubles in a year */
    CHECK_NEAR(R.allocation[2], 1000 * sqrt(2), 1e-12);
    double cum = 0;
    for (int q = 0; q < 8; q++) {
        cum += 1000 * pow(2, q / 4.0);
        double want = cum < 10000 ? cum : 10000;
        CHECK_NEAR(R.capacity[q], want, 1e-12);
    }
    CHECK_INT(R.first_quarter_covered, 0); /* no demand: never short */
    CHECK_NEAR(R.ordered_w[0], 0, 1e-12);
}

/* Lead times: a serial stage then a parallel group; the group's longest
 * stage sets the delay; a fractional delay splits over two quarters (§2). */
static void test_lead_times(void)
{
    gw_timeline_input in;
    base(&in);
    in.target_power_w = 4e6;
    in.accelerators_per_quarter = 1e9;
    in.nstages = 3;
    in.stages[0] = (gw_timeline_stage){.name = "permitting", .duration_s = Q};
    in.stages[1] = (gw_timeline_stage){.name = "construction", .duration_s = 2 * Q};
    in.stages[2] = (gw_timeline_stage){.name = "transformer", .duration_s = 3 * Q, .parallel = 1};
    CHECK_INT(run(&in, &R), GW_OK);
    CHECK_NEAR(R.ordered_w[0], 4e6, 1e-12);
    CHECK_NEAR(R.online_w[3], 0, 1e-12);
    CHECK_NEAR(R.online_w[4], 4e6, 1e-12); /* 1 + max(2, 3) quarters */
    CHECK_NEAR(R.pipeline_w[3], 4e6, 1e-12);
    CHECK_NEAR(R.pipeline_w[4], 0, 1e-12);
    CHECK_NEAR(R.capacity[4], 4000, 1e-12); /* filled at once: allocation is ample */

    in.stages[2].duration_s = 3.5 * Q;
    CHECK_INT(run(&in, &R), GW_OK);
    CHECK_NEAR(R.online_w[4], 2e6, 1e-12);
    CHECK_NEAR(R.online_w[5], 4e6, 1e-12);

    /* orders spread over two quarters */
    in.stages[2].duration_s = 3 * Q;
    in.orders_until_s = 2 * Q;
    CHECK_INT(run(&in, &R), GW_OK);
    CHECK_NEAR(R.ordered_w[0], 2e6, 1e-12);
    CHECK_NEAR(R.ordered_w[1], 2e6, 1e-12);
    CHECK_NEAR(R.online_w[4], 2e6, 1e-12);
    CHECK_NEAR(R.online_w[5], 4e6, 1e-12);

    /* build level scales what is ordered; committed projects count toward it */
    in.orders_until_s = Q;
    in.build_level = 1.5;
    in.ncommitted = 1;
    in.committed[0] = (gw_timeline_committed){.name = "c", .power_w = 1e6, .online_s = 1.25 * Q};
    CHECK_INT(run(&in, &R), GW_OK);
    CHECK_NEAR(R.ordered_w[0], 1.5 * 4e6 - 1e6, 1e-12);
    CHECK_NEAR(R.online_w[1], 0.75e6, 1e-12); /* a quarter into q1: 3/4 in q1, 1/4 in q2 */
    CHECK_NEAR(R.online_w[2], 1e6, 1e-12);
    CHECK_NEAR(R.pipeline_w[1], 5e6 + 0.25e6, 1e-12);
}

/* A stage capacity queues projects (FIFO) and capex is paid by stage (§2, §5). */
static void test_stage_capacity_and_capex(void)
{
    gw_timeline_input in;
    base(&in);
    in.target_power_w = 4e6;
    in.accelerators_per_quarter = 0; /* no accelerators: facility money only */
    in.capex_per_w = 10;
    in.nstages = 2;
    in.stages[0] = (gw_timeline_stage){.name = "permitting", .duration_s = Q};
    in.stages[1] = (gw_timeline_stage){
        .name = "construction", .duration_s = 3 * Q, .capacity_w = 1e6, .capex_share = 0.5};
    CHECK_INT(run(&in, &R), GW_OK);
    /* admitted 1 MW a quarter in q1..q4, online 3 quarters later: q4..q7 */
    for (int q = 0; q < 8; q++)
        CHECK_NEAR(R.online_w[q], q < 4 ? 0 : (q - 3) * 1e6, 1e-12);
    CHECK_NEAR(R.capex_facility[0], 0, 1e-12);
    CHECK_NEAR(R.capex_facility[1], 5e6, 1e-12);  /* half at the start of construction */
    CHECK_NEAR(R.capex_facility[4], 1e7, 1e-12);  /* + half of the first MW online */
    CHECK_NEAR(R.capex_facility[7], 5e6, 1e-12);
    CHECK_NEAR(R.total_capex, 4e7, 1e-12);
    /* facility depreciation over 40 quarters from each spend */
    CHECK_NEAR(R.depreciation[1], 5e6 / 40, 1e-12);
    CHECK_NEAR(R.depreciation[2], 2 * 5e6 / 40, 1e-12);
}

/* One product: 8.64e10 users x 1 request x 1 token a day = 1e6 tokens/s,
 * 1000 accelerators at 1000 tokens/s each; 2 USD per million tokens. */
static void one_product(gw_timeline_input *in)
{
    in->nproducts = 1;
    in->products[0] = (gw_timeline_product){.name = "chat", .users = 8.64e10,
                                            .growth_per_year = 1, .requests_per_user_per_day = 1,
                                            .tokens_per_request = 1, .token_growth_per_year = 1,
                                            .usd_per_million_tokens = 2,
                                            .price_growth_per_year = 1};
}

/* Shortfall: rent up to the cap, throttle the rest (inference first);
 * revenue, lost revenue, rental premium, penalties (§4, §6). */
static void test_shortfall(void)
{
    gw_timeline_input in;
    base(&in);
    in.online_power_w = 1e6; /* 1,000 accelerators */
    in.target_power_w = 1e6;
    in.accelerators_per_quarter = 1e9;
    one_product(&in);
    /* training: 500 accelerators for the whole horizon */
    in.nruns = 1;
    in.runs[0] = (gw_timeline_run_spec){.name = "t", .flops = 500 * 1e15 * 0.5 * 8 * Q,
                                        .duration_s = 8 * Q, .mfu = 0.5, .growth = 1};
    in.rental_max = 200;
    in.rental_usd_per_accelerator_s = 1e-3;
    in.owned_usd_per_accelerator_s = 4e-4;
    in.throttle_penalty_per_million_tokens = 3;
    CHECK_INT(run(&in, &R), GW_OK);
    CHECK_NEAR(R.demand_inference[0], 1000, 1e-12);
    CHECK_NEAR(R.demand_training[0], 500, 1e-12);
    CHECK_NEAR(R.demand_training[7], 500, 1e-12);
    CHECK_NEAR(R.shortfall[0], 500, 1e-12);
    CHECK_NEAR(R.rented[0], 200, 1e-12);
    CHECK_NEAR(R.throttled[0], 300, 1e-12);
    CHECK_NEAR(R.idle[0], 0, 1e-12);
    double tokens = 1e6 * Q;
    CHECK_NEAR(R.tokens_demand[0], tokens, 1e-12);
    CHECK_NEAR(R.tokens_served[0], 0.7 * tokens, 1e-12);
    CHECK_NEAR(R.revenue[0], 0.7 * tokens / 1e6 * 2, 1e-12);
    CHECK_NEAR(R.lost_revenue[0], 0.3 * tokens / 1e6 * 2, 1e-12);
    CHECK_NEAR(R.rental[0], 200 * 1e-3 * Q, 1e-12);
    CHECK_NEAR(R.total_rental, 8 * 200 * 1e-3 * Q, 1e-12);
    CHECK_NEAR(R.rental_premium, 8 * 200 * (1e-3 - 4e-4) * Q, 1e-12);
    CHECK_NEAR(R.throttle_penalty, 8 * 0.3 * tokens / 1e6 * 3, 1e-12);
    CHECK_NEAR(R.cost_too_little, R.total_lost_revenue + R.rental_premium + R.throttle_penalty,
               1e-12);
    CHECK_NEAR(R.served_fraction, 0.7, 1e-12);
    CHECK_INT(R.quarters_short, 8);
    CHECK_INT(R.first_quarter_covered, -1);
    CHECK_NEAR(R.peak_shortfall, 500, 1e-12);

    /* throttle policy: nothing rented */
    in.shortfall = GW_SHORTFALL_THROTTLE;
    CHECK_INT(run(&in, &R), GW_OK);
    CHECK_NEAR(R.rented[0], 0, 1e-12);
    CHECK_NEAR(R.throttled[0], 500, 1e-12);
    CHECK_NEAR(R.tokens_served[0], 0.5 * tokens, 1e-12);

    /* rental_max 0 = no limit: everything rented */
    in.shortfall = GW_SHORTFALL_RENT;
    in.rental_max = 0;
    CHECK_INT(run(&in, &R), GW_OK);
    CHECK_NEAR(R.rented[0], 500, 1e-12);
    CHECK_NEAR(R.served_fraction, 1, 1e-12);

    /* a training run shorter than a quarter, mid-quarter: averaged over it */
    in.runs[0] = (gw_timeline_run_spec){.name = "t", .flops = 1e15 * 0.5 * 0.5 * Q * 800,
                                        .start_s = 2.25 * Q, .duration_s = 0.5 * Q, .mfu = 0.5,
                                        .growth = 1};
    CHECK_INT(run(&in, &R), GW_OK);
    CHECK_NEAR(R.demand_training[1], 0, 1e-12);
    CHECK_NEAR(R.demand_training[2], 400, 1e-12); /* 800 accelerators for half of it */
    CHECK_NEAR(R.demand_training[3], 0, 1e-12);
    /* repeated yearly, 2x: the second run needs twice the accelerators */
    in.runs[0].every_s = 4 * Q;
    in.runs[0].growth = 2;
    CHECK_INT(run(&in, &R), GW_OK);
    CHECK_NEAR(R.demand_training[6], 800, 1e-12);
}

/* Idle capacity, power, households, energy, opex and cash (§5). */
static void test_money_and_cash(void)
{
    gw_timeline_input in;
    base(&in);
    in.online_power_w = 2e6; /* 2,000 accelerators */
    in.target_power_w = 2e6;
    in.accelerators_per_quarter = 1e9;
    one_product(&in);
    in.capex_per_accelerator = 1000;
    in.busy_w_per_accelerator = 1500;
    in.idle_w_per_accelerator = 500;
    in.electricity_usd_per_j = 2e-8;
    in.opex_per_accelerator_s = 1e-5;
    in.owned_usd_per_accelerator_s = 4e-4;
    in.start_cash_usd = 1e6;
    CHECK_INT(run(&in, &R), GW_OK);
    CHECK_NEAR(R.capacity[0], 2000, 1e-12);
    CHECK_NEAR(R.idle[0], 1000, 1e-12);
    CHECK_NEAR(R.power_w[0], 1000 * 1500 + 1000 * 500, 1e-12);
    CHECK_NEAR(R.households[0], 2e6 / 1000, 1e-12);
    CHECK_NEAR(R.energy[0], 2e6 * Q * 2e-8, 1e-12);
    CHECK_NEAR(R.opex[0], R.energy[0] + 2000 * 1e-5 * Q, 1e-12);
    CHECK_NEAR(R.capex_accelerators[0], 2000 * 1000, 1e-12);
    CHECK_NEAR(R.capex[1], 0, 1e-12);
    CHECK_NEAR(R.revenue[0], 1e6 * Q / 1e6 * 2, 1e-12);
    CHECK_NEAR(R.cash[0], 1e6 + R.revenue[0] - R.capex[0] - R.opex[0], 1e-12);
    for (int q = 1; q < 8; q++)
        CHECK_NEAR(R.cash[q], R.cash[q - 1] + R.revenue[q] - R.capex[q] - R.opex[q] - R.rental[q],
                   1e-12);
    CHECK_NEAR(R.idle_cost, 8 * 1000 * 4e-4 * Q, 1e-12);
    CHECK_NEAR(R.cost_too_much, R.idle_cost, 1e-12);
    CHECK_NEAR(R.final_cash, R.cash[7], 1e-12);
    CHECK_INT(R.min_cash_quarter, 0);
    /* accelerator depreciation: 2e6 over 4 quarters */
    CHECK_NEAR(R.depreciation[0], 5e5, 1e-12);
    CHECK_NEAR(R.depreciation[3], 5e5, 1e-12);
    CHECK_NEAR(R.depreciation[4], 0, 1e-9);
    in.depreciation_s = 2.5 * Q; /* a fractional life: half a charge in the last quarter */
    CHECK_INT(run(&in, &R), GW_OK);
    CHECK_NEAR(R.depreciation[1], 2e6 / 2.5, 1e-12);
    CHECK_NEAR(R.depreciation[2], 0.5 * 2e6 / 2.5, 1e-12);
    CHECK_NEAR(R.total_depreciation, 2e6, 1e-12);

    /* prices and users that change per year */
    in.products[0].growth_per_year = 4;
    in.products[0].price_growth_per_year = 0.5;
    CHECK_INT(run(&in, &R), GW_OK);
    CHECK_NEAR(R.tokens_demand[4], 4 * R.tokens_demand[0], 1e-12);
    CHECK_NEAR(R.revenue[2], 2 * 0.70710678118654757 * R.revenue[0], 1e-12);
}

/* Retirement after the accelerator life, replaced from the allocation (§3). */
static void test_retirement(void)
{
    gw_timeline_input in;
    base(&in);
    in.online_power_w = 1e6;
    in.target_power_w = 1e6;
    in.accelerators_per_quarter = 600;
    in.accelerator_life_s = 2 * Q;
    CHECK_INT(run(&in, &R), GW_OK);
    CHECK_NEAR(R.installed[0], 600, 1e-12);
    CHECK_NEAR(R.installed[1], 400, 1e-12); /* room for 400 more */
    CHECK_NEAR(R.retired[2], 600, 1e-12);   /* q0's 600 leave two quarters later */
    CHECK_NEAR(R.installed[2], 600, 1e-12);
    CHECK_NEAR(R.capacity[2], 1000, 1e-12);
    CHECK_NEAR(R.retired[3], 400, 1e-12);
    /* the initial fleet retires evenly over one life */
    in.online_accelerators = 1000;
    in.accelerators_per_quarter = 0;
    CHECK_INT(run(&in, &R), GW_OK);
    CHECK_NEAR(R.capacity[0], 500, 1e-12);
    CHECK_NEAR(R.capacity[1], 0, 1e-12);
}

/* Out-of-range inputs (a risk draw may produce them) are refused by name. */
static void test_run_errors(void)
{
    gw_timeline_input in;
    gw_error err = {0};
    base(&in);
    in.accelerators_per_quarter = 1;
    in.nstages = 1;
    in.stages[0] = (gw_timeline_stage){.name = "transformer", .duration_s = -Q};
    CHECK_INT(gw_timeline_run(&in, &R, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "timeline.supply.stages.transformer.duration is");
    CHECK_STR_HAS(err.msg, ">= 0");
    in.stages[0].duration_s = Q;
    in.stages[0].parallel = 1;
    CHECK_INT(gw_timeline_run(&in, &R, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "first stage");
    in.stages[0].parallel = 0;
    in.stages[0].capex_share = 0.7;
    in.nstages = 2;
    in.stages[1] = (gw_timeline_stage){.name = "construction", .duration_s = Q, .capex_share = 0.7};
    CHECK_INT(gw_timeline_run(&in, &R, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "capex_share adds up to 1.4");
    in.nstages = 0;
    in.quarters = GW_TIMELINE_MAX_QUARTERS + 1;
    CHECK_INT(gw_timeline_run(&in, &R, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "horizon is 81 quarters");
    in.quarters = 8;
    in.efficiency_gain_per_year = NAN;
    CHECK_INT(gw_timeline_run(&in, &R, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "a finite number");
    in.efficiency_gain_per_year = 1;
    in.shortfall = (gw_shortfall_policy)7;
    CHECK_INT(gw_timeline_run(&in, &R, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "shortfall policy is 7");
    in.shortfall = GW_SHORTFALL_THROTTLE;
    CHECK_INT(gw_timeline_run(&in, &R, &err), GW_OK);
}

/* ---- resolution from YAML, with the real catalog ----------------------------- */

static const char *const scenario_ok =
    "name: small\n"
    "system: gb200-nvl72\n"
    "site: liquid-cooled-campus\n"
    "target: {grid_power: 2 GW}\n"
    "timeline:\n"
    "  start: 2026-Q3\n"
    "  horizon: 3 years\n"
    "  demand:\n"
    "    tokens_per_s_per_accelerator: 2000\n"
    "    products:\n"
    "      - {name: chat, users: 1e8, requests_per_user_per_day: 3,\n"
    "         tokens_per_request: 2000, price: 2 USD,\n"
    "         growth_per_year: {dist: lognormal, p50: 1.5, p90: 2.2}}\n"
    "    training:\n"
    "      - {name: big, flops: 1e26 FLOP, start: 2027-Q1, duration: 6 months, mfu: 0.4}\n"
    "  supply:\n"
    "    accelerators_per_quarter: 1e5\n"
    "    committed: [{name: first, power: 0.5 GW, online: 2026-Q4}]\n"
    "    stages:\n"
    "      - {name: permitting, duration: 6 months}\n"
    "      - {name: construction, duration: 1 year, capacity: 0.5 GW, capex_share: 0.8}\n"
    "      - {name: transformer, duration: 30 months, parallel: true}\n"
    "  money: {rental_price: 10 USD/GPU-h, rental_max: 5e4, shortfall: rent}\n";

static gw_catalog cat;

static int resolve_text(const char *yaml, gw_timeline_input *in, gw_timeline_params *ps,
                        gw_error *err)
{
    gw_config cfg;
    gw_node *root;
    gw_config_init(&cfg);
    int rc = gw_config_load_buffer(&cfg, "t.yaml", yaml, strlen(yaml), 0, &root, err);
    if (!rc)
        rc = gw_timeline_resolve(&cat, root, in, ps, err);
    gw_config_free(&cfg);
    return rc;
}

static gw_timeline_params PS;

static void test_resolve(void)
{
    gw_timeline_input in;
    gw_error err = {0};
    int rc = resolve_text(scenario_ok, &in, &PS, &err);
    if (rc)
        fprintf(stderr, "resolve: %s:%d:%d: %s\n", err.file, err.line, err.col, err.msg);
    CHECK_INT(rc, GW_OK);
    CHECK_INT(in.quarters, 12);
    CHECK_INT(in.start_year, 2026);
    CHECK_INT(in.start_q, 3);
    CHECK_NEAR(in.target_power_w, 2e9, 1e-4); /* the plan sizes whole racks */
    CHECK_NEAR(in.runs[0].start_s, 2 * Q, 1e-12);          /* 2027-Q1 is two quarters in */
    CHECK_NEAR(in.committed[0].online_s, 1 * Q, 1e-12);
    CHECK_NEAR(in.stages[2].duration_s, 10 * Q, 1e-9);     /* 30 months */
    CHECK_NEAR(in.stages[2].parallel, 1, 0);
    CHECK_NEAR(in.rental_usd_per_accelerator_s, 10.0 / 3600, 1e-12);
    CHECK_INT(in.shortfall, GW_SHORTFALL_RENT);
    /* orders run until the horizon less the pipeline's lead: 3 y - (0.5 + 2.5) y */
    CHECK_NEAR(in.orders_until_s, Q, 1e-9); /* at least one quarter */
    /* plan-derived figures are positive and consistent with the plan model */
    CHECK(in.accelerators_per_w > 0 && in.capex_per_accelerator > 0 && in.capex_per_w > 0);
    CHECK(in.busy_w_per_accelerator > in.idle_w_per_accelerator);
    CHECK(in.training_flops_per_accelerator > 1e15);

    /* the parameter table */
    const gw_timeline_param *p = gw_timeline_param_find(&PS, "timeline.demand.products.chat."
                                                             "growth_per_year");
    CHECK(p != NULL);
    if (p) {
        CHECK_INT(p->is_dist, 1);
        CHECK_NEAR(p->value, 1.5, 0);
        CHECK_NEAR(*gw_timeline_param_ptr(&in, p), 1.5, 0);
    }
    p = gw_timeline_param_find(&PS, "timeline.supply.stages.transformer.duration");
    CHECK(p != NULL);
    if (p) {
        CHECK_INT(p->dim, GW_DIM_TIME);
        CHECK_INT(p->is_dist, 0);
        CHECK_NEAR(p->value, 10 * Q, 1e-9);
    }
    /* a uniform's centre is its midpoint, written low/high or min/max alike */
    {
        static const char *const spellings[] = {"{dist: uniform, low: 1.2, high: 1.8}",
                                                "{dist: uniform, min: 1.2, max: 1.8}"};
        for (int k = 0; k < 2; k++) {
            char yaml[4096];
            const char *at = strstr(scenario_ok, "{dist: lognormal, p50: 1.5, p90: 2.2}");
            snprintf(yaml, sizeof yaml, "%.*s%s%s", (int)(at - scenario_ok), scenario_ok,
                     spellings[k], at + strlen("{dist: lognormal, p50: 1.5, p90: 2.2}"));
            gw_timeline_input inu;
            static gw_timeline_params psu;
            CHECK_INT(resolve_text(yaml, &inu, &psu, &err), GW_OK);
            const gw_timeline_param *pu =
                gw_timeline_param_find(&psu, "timeline.demand.products.chat.growth_per_year");
            CHECK(pu != NULL && pu->is_dist && fabs(pu->value - 1.5) < 1e-12);
        }
    }
    p = gw_timeline_param_find(&PS, "timeline.derived.capex_per_accelerator");
    CHECK(p != NULL && p->node == NULL);
    CHECK(gw_timeline_param_find(&PS, "timeline.no.such") == NULL);
    /* every row points inside the input at a double holding its value */
    int inside = 1;
    for (int i = 0; i < PS.n; i++)
        inside &= PS.p[i].offset + sizeof(double) <= sizeof in &&
                  *gw_timeline_param_ptr(&in, &PS.p[i]) == PS.p[i].value;
    CHECK(inside);
    CHECK(PS.n > 40);

    /* a draw written by name changes the run as the equations say */
    CHECK_INT(gw_timeline_run(&in, &R, &err), GW_OK);
    gw_timeline_input in2 = in;
    *gw_timeline_param_ptr(&in2, gw_timeline_param_find(&PS, "timeline.demand.products.chat."
                                                             "users")) *= 2;
    CHECK_INT(gw_timeline_run(&in2, &R2, &err), GW_OK);
    CHECK_NEAR(R2.demand_inference[5], 2 * R.demand_inference[5], 1e-12);
    /* pure: the same input gives the same bytes */
    CHECK_INT(gw_timeline_run(&in, &R2, &err), GW_OK);
    CHECK(memcmp(&R, &R2, sizeof R) == 0);

    /* output: JSON carries kind, version and per-quarter series */
    char *js = gw_timeline_json(&in, &PS, &R);
    CHECK_STR_HAS(js, "\"kind\":\t\"timeline\"");
    CHECK_STR_HAS(js, "\"gigawatt_version\"");
    CHECK_STR_HAS(js, "\"capacity_accelerators\"");
    CHECK_STR_HAS(js, "\"2029-Q2\"");
    CHECK_STR_HAS(js, "\"timeline.supply.stages.transformer.duration\"");
    char *merged = gw_timeline_json_merge("{\"kind\": \"plan\"}", &in, &PS, &R);
    CHECK_STR_HAS(merged, "\"kind\":\t\"plan\"");
    CHECK_STR_HAS(merged, "\"timeline\":");
    CHECK(gw_timeline_json_merge("[1, 2]", &in, &PS, &R) == NULL);
    char *tx = gw_timeline_text(&in, &R);
    CHECK_STR_HAS(tx, "2026-Q3 to 2029-Q2 (12 quarters)");
    CHECK_STR_HAS(tx, "too much: idle capital");
    free(js);
    free(merged);
    free(tx);
    char lab[16];
    gw_timeline_quarter_label(&R, 2, lab, sizeof lab);
    CHECK(strcmp(lab, "2027-Q1") == 0);
}

/* Replace the first `from` in scenario_ok by `to`, resolve, expect an error
 * at `line`:`col` whose message holds `want`. */
static void bad(const char *from, const char *to, int line, int col, const char *want)
{
    char buf[4096];
    const char *at = strstr(scenario_ok, from);
    CHECK(at != NULL);
    if (!at)
        return;
    snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - scenario_ok), scenario_ok, to,
             at + strlen(from));
    gw_timeline_input in;
    gw_error err = {0};
    CHECK_INT(resolve_text(buf, &in, NULL, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, want);
    CHECK_INT(err.line, line);
    if (col)
        CHECK_INT(err.col, col);
    CHECK(strcmp(err.file, "t.yaml") == 0);
}

static void test_resolve_errors(void)
{
    bad("duration: 6 months}", "duration: -6 months}", 20, 38, "zero or more");
    bad("{name: permitting", "{name: permiting", 20, 16, "did you mean 'permitting'");
    bad("horizon: 3 years", "horizon: 21 years", 7, 12, "at most 20 years");
    bad("horizon: 3 years", "horizon: 5 weeks", 7, 12, "whole number of quarters");
    bad("start: 2026-Q3", "start: 2026-Q5", 6, 10, "a quarter like 2026-Q1");
    bad("online: 2026-Q4", "online: 2025-Q4", 18, 0, "before the timeline's start");
    bad("  money:", "  moeny:", 23, 3, "did you mean 'money'");
    bad("shortfall: rent", "shortfall: borrow", 23, 0, "rent or throttle");
    bad("mfu: 0.4}", "mfu: 1.4}", 15, 0, "mfu");
    bad("parallel: true", "parallel: maybe", 22, 0, "true or false");
    bad("capex_share: 0.8}", "capex_share: 0.8, colour: red}", 21, 0, "unknown key 'colour'");
    bad("{name: first, ", "{", 18, 0, "has no name");
    bad("growth_per_year: {dist: lognormal, p50: 1.5, p90: 2.2}",
        "growth_per_year: {dist: lognormal, p90: 2.2}", 13, 0, "no central value");
    bad("accelerators_per_quarter: 1e5", "accelerators_per_quarter: 1e5 GW", 17, 0, "");
    bad("    accelerators_per_quarter: 1e5\n", "", 17, 5, "accelerators_per_quarter");
    bad("capex_share: 0.8}", "capex_share: 0.8}\n      - {name: construction, duration: 1 year}",
        22, 0, "appears twice");
}

int main(void)
{
    test_allocation_limited();
    test_lead_times();
    test_stage_capacity_and_capex();
    test_shortfall();
    test_money_and_cash();
    test_retirement();
    test_run_errors();
    gw_error err = {0};
    if (gw_catalog_load(&cat, GW_TEST_CATALOG, &err)) {
        fprintf(stderr, "catalog: %s\n", err.msg);
        return 1;
    }
    test_resolve();
    test_resolve_errors();
    gw_catalog_free(&cat);
    return gw_test_done("timeline");
}
