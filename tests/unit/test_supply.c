/* tests/unit/test_supply.c — the component supply chain against hand
 * arithmetic (docs/supply.md): the min over components, bills of materials,
 * pipeline delays (whole, fractional, chained through feeds:), the share,
 * priority and pro-rata rules, shadow prices by finite difference, the
 * timeline taking its allocation from the chain, and the model's checks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/catalog.h"
#include "gigawatt/config.h"
#include "gigawatt/supply.h"
#include "gigawatt/timeline.h"
#include "gw_test.h"

#define Q GW_QUARTER_S

static gw_supply_result R;
static gw_supply_report REP;

/* One product (10 per wafer at 50 % yield, 4 stacks of 25 GB, 10 a rack),
 * three components: 100 wafers, 10,000 GB of HBM, 50 racks a quarter. */
static void base(gw_supply_input *in)
{
    memset(in, 0, sizeof *in);
    in->start_year = 2026, in->start_q = 1, in->quarters = 4;
    in->ncomponents = 3, in->nproducts = 1;
    in->c[0] = (gw_supply_component){.name = "cowos", .item = GW_ITEM_COWOS_WAFERS,
                                     .capacity = 100, .feeds = -1};
    in->c[1] = (gw_supply_component){.name = "hbm", .item = GW_ITEM_HBM_GB, .capacity = 10000,
                                     .feeds = -1};
    in->c[2] = (gw_supply_component){.name = "racks", .item = GW_ITEM_RACKS, .capacity = 50,
                                     .feeds = -1};
    in->p[0] = (gw_supply_product){.id = "a", .vendor = "v", .packages_per_wafer = 10,
                                   .packaging_yield = 0.5, .hbm_stacks = 4,
                                   .hbm_gb_per_stack = 25, .packages_per_rack = 10,
                                   .nshare = 1, .share = {1}, .lab_share = 0.25,
                                   .equivalents = 1};
}

static int run(const gw_supply_input *in)
{
    gw_error err = {0};
    int rc = gw_supply_run(in, &R, &err);
    if (rc)
        fprintf(stderr, "run: %s\n", err.msg);
    return rc;
}

/* BOM: wafers 1 / (10 x 0.5) = 0.2, HBM 4 x 25 / 0.5 = 200 GB (a failed
 * package scraps its stacks), racks 1/10, CPUs 36/72, site 2 kW x 10 per GW. */
static void test_bom(void)
{
    gw_supply_input in;
    base(&in);
    CHECK_NEAR(gw_supply_need(&in, 0, 0), 0.2, 1e-12);
    CHECK_NEAR(gw_supply_need(&in, 0, 1), 200, 1e-12);
    CHECK_NEAR(gw_supply_need(&in, 0, 2), 0.1, 1e-12);
    in.c[1].item = GW_ITEM_HBM_STACKS;
    CHECK_NEAR(gw_supply_need(&in, 0, 1), 8, 1e-12);
    in.c[2].item = GW_ITEM_CPUS;
    in.p[0].cpus_per_rack = 36, in.p[0].packages_per_rack = 72;
    CHECK_NEAR(gw_supply_need(&in, 0, 2), 0.5, 1e-12);
    in.c[2].item = GW_ITEM_SITE_GW, in.c[2].per_gw = 10;
    in.p[0].grid_w_per_package = 2000;
    CHECK_NEAR(gw_supply_need(&in, 0, 2), 2e-5, 1e-12);
}

/* min(100 / 0.2, 10,000 / 200, 50 / 0.1) = min(500, 50, 500) = 50: HBM binds. */
static void test_min_over_components(void)
{
    gw_supply_input in;
    base(&in);
    CHECK_INT(run(&in), GW_OK);
    CHECK_NEAR(R.accelerators[0], 50, 1e-12);
    CHECK_NEAR(R.racks[0], 5, 1e-12);
    CHECK_NEAR(R.lab[0], 12.5, 1e-12);
    CHECK_INT(R.binding[0], 1);
    CHECK_INT(R.product_binding[0][0], 1);
    CHECK_NEAR(R.used[0][0], 10, 1e-12);   /* 50 x 0.2 wafers: 90 % slack */
    CHECK_NEAR(R.used[1][0], 10000, 1e-12);
    CHECK_NEAR(R.used[2][0], 5, 1e-12);
    /* twice the HBM: 100; then the wafers and racks still allow 500 */
    in.c[1].capacity = 20000;
    CHECK_INT(run(&in), GW_OK);
    CHECK_NEAR(R.accelerators[0], 100, 1e-12);
    in.c[1].capacity = 1e9;
    CHECK_INT(run(&in), GW_OK);
    CHECK_NEAR(R.accelerators[0], 500, 1e-12);
    CHECK_INT(R.binding[0], 0); /* wafers and racks tie at 500: the first binds */
}

/* Delays: capacity [100, 200, 300, 400] a quarter; one quarter late gives
 * 100 (the first value held before the start), 100, 200, 300; half a
 * quarter splits: 100, 150, 250, 350; a chain hbm -> cowos adds up. */
static void test_delays(void)
{
    gw_supply_input in;
    base(&in);
    in.ncomponents = 1;
    in.c[0].nlist = 4;
    double list[] = {100, 200, 300, 400};
    memcpy(in.c[0].list, list, sizeof list);
    in.c[0].delay_s = Q;
    CHECK_INT(run(&in), GW_OK);
    double want1[] = {100, 100, 200, 300};
    for (int q = 0; q < 4; q++)
        CHECK_NEAR(R.available[0][q], want1[q], 1e-12);
    CHECK_NEAR(R.accelerators[2], 200 / 0.2, 1e-12);
    in.c[0].delay_s = 0.5 * Q;
    CHECK_INT(run(&in), GW_OK);
    double want2[] = {100, 150, 250, 350};
    for (int q = 0; q < 4; q++)
        CHECK_NEAR(R.available[0][q], want2[q], 1e-12);
    /* slip adds to the delay; shipping too */
    in.c[0].delay_s = 0, in.c[0].slip_s = Q, in.delivery_delay_s = Q;
    CHECK_NEAR(gw_supply_offset_q(&in, 0), 2, 1e-12);
    CHECK_INT(run(&in), GW_OK);
    CHECK_NEAR(R.available[0][3], 200, 1e-12);
    /* growth before and after: 100 x 2^(k/4); one quarter late: 100 x 2^-0.25 */
    base(&in);
    in.c[0].growth_per_year = 2, in.c[0].delay_s = Q;
    CHECK_NEAR(gw_supply_available(&in, 0, 0), 100 * pow(2, -0.25), 1e-12);
    CHECK_NEAR(gw_supply_available(&in, 0, 3), 100 * pow(2, 0.5), 1e-12);
    /* chained: hbm (2 quarters) feeds cowos (1 quarter): 3 quarters to delivery */
    in.c[1].delay_s = 2 * Q, in.c[1].feeds = 0;
    CHECK_NEAR(gw_supply_offset_q(&in, 1), 3, 1e-12);
    /* a list shorter than the horizon continues with its growth rule */
    in.c[2].nlist = 2, in.c[2].list[0] = 50, in.c[2].list[1] = 60, in.c[2].growth_per_year = 16;
    CHECK_NEAR(gw_supply_available(&in, 2, 3), 60 * 4.0, 1e-9); /* 60 x 16^(2/4) */
}

/* Two products on 100 wafers: A 10 a wafer, B 5 (yield 1, no other component). */
static void two_products(gw_supply_input *in)
{
    base(in);
    in->ncomponents = 1, in->nproducts = 2;
    in->p[0].packaging_yield = 1, in->p[0].share[0] = 0.6;
    in->p[1] = in->p[0];
    snprintf(in->p[1].id, sizeof in->p[1].id, "b");
    in->p[1].packages_per_wafer = 5, in->p[1].share[0] = 0.4;
}

/* Equivalents (docs/supply.md (3)): A 600 packages of 1 equivalent, B 200 of
 * 2.5 (e.g. a 3,000 W package against a 1,200 W reference): 600 + 500 =
 * 1,100 equivalents; the lab's quarter of A and half of B: 0.25 x 600 + 0.5 x
 * 200 = 250 packages, 0.25 x 600 x 1 + 0.5 x 200 x 2.5 = 400 equivalents,
 * which is what the timeline installs (gw_supply_lab). One more wafer: 0.6 x
 * 10 of A and 0.4 x 5 of B, the lab 0.25 x 6 + 0.5 x 2 x 2.5 = 4 equivalents. */
static void test_equivalents(void)
{
    gw_supply_input in;
    two_products(&in);
    in.p[1].equivalents = 2.5, in.p[1].lab_share = 0.5;
    CHECK_INT(run(&in), GW_OK);
    CHECK_NEAR(R.accelerators[0], 800, 1e-12);
    CHECK_NEAR(R.equivalents[0], 1100, 1e-12);
    CHECK_NEAR(R.lab[0], 250, 1e-12);
    CHECK_NEAR(R.lab_equivalents[0], 400, 1e-12);
    double lab[GW_SUPPLY_MAX_QUARTERS];
    gw_supply_lab(&in, lab);
    CHECK_NEAR(lab[3], 400, 1e-12);
    double lab_gain = 0;
    CHECK_NEAR(gw_supply_marginal(&in, 0, 0, &lab_gain), 8, 1e-6);
    CHECK_NEAR(lab_gain, 4, 1e-6);
    in.p[1].equivalents = 0; /* refused: a package counts for something */
    gw_error err = {0};
    CHECK_INT(gw_supply_check(&in, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.field, "products.b.accelerator_equivalents");
}

static void test_rules(void)
{
    gw_supply_input in;
    two_products(&in);
    CHECK_INT(run(&in), GW_OK); /* shares: 60 x 10, 40 x 5 */
    CHECK_NEAR(R.by_product[0][0], 600, 1e-12);
    CHECK_NEAR(R.by_product[1][0], 200, 1e-12);
    CHECK_NEAR(R.accelerators[0], 800, 1e-12);
    /* priority: A first, up to its 0.6; B (up to 1) takes the other 40 wafers */
    in.rule = GW_SUPPLY_PRIORITY, in.p[1].share[0] = 1;
    CHECK_INT(run(&in), GW_OK);
    CHECK_NEAR(R.by_product[0][0], 600, 1e-12);
    CHECK_NEAR(R.by_product[1][0], 200, 1e-12);
    in.p[0].share[0] = 1; /* A may take everything */
    CHECK_INT(run(&in), GW_OK);
    CHECK_NEAR(R.by_product[0][0], 1000, 1e-12);
    CHECK_NEAR(R.by_product[1][0], 0, 1e-12);
    /* pro rata: 50 racks against 60 + 20 asked: both scaled by 50/80 */
    two_products(&in);
    in.ncomponents = 2;
    in.c[1] = (gw_supply_component){.name = "racks", .item = GW_ITEM_RACKS, .capacity = 50,
                                    .feeds = -1, .pro_rata = 1};
    CHECK_INT(run(&in), GW_OK);
    CHECK_NEAR(R.by_product[0][0], 600 * 50.0 / 80, 1e-12);
    CHECK_NEAR(R.by_product[1][0], 200 * 50.0 / 80, 1e-12);
    CHECK_INT(R.binding[0], 1);
    CHECK_NEAR(R.used[1][0], 50, 1e-12);
    /* shares per year, the last held: 0.6 then 0.3 from 2027 */
    two_products(&in);
    in.quarters = 8, in.p[0].nshare = 2, in.p[0].share[1] = 0.3;
    CHECK_INT(run(&in), GW_OK);
    CHECK_NEAR(R.by_product[0][3], 600, 1e-12);
    CHECK_NEAR(R.by_product[0][4], 300, 1e-12);
}

/* Shadow prices: HBM binds, one more GB buys 1/200 accelerator, the lab a
 * quarter of that; the slack components buy nothing. */
static void test_shadow_prices(void)
{
    gw_supply_input in;
    base(&in);
    double lab;
    CHECK_NEAR(gw_supply_marginal(&in, 1, 0, &lab), 1 / 200.0, 1e-6);
    CHECK_NEAR(lab, 0.25 / 200, 1e-6);
    CHECK_NEAR(gw_supply_marginal(&in, 0, 0, NULL), 0, 1e-12);
    CHECK_NEAR(gw_supply_marginal(&in, 2, 0, NULL), 0, 1e-12);
    gw_error err = {0};
    CHECK_INT(gw_supply_report_run(&in, &REP, &err), GW_OK);
    CHECK_NEAR(REP.shadow[1][2], 1 / 200.0, 1e-6);
    CHECK_INT(REP.has_revenue, 0);
}

/* The timeline installs the lab's share: 12.5 a quarter into ample room;
 * with demand throttled, one more GB of HBM earns its tokens' revenue. */
static void test_timeline(void)
{
    static gw_timeline_input tl;
    static gw_timeline_result tr;
    memset(&tl, 0, sizeof tl);
    tl.start_year = 2026, tl.start_q = 1, tl.quarters = 4, tl.build_level = 1;
    tl.tokens_per_s_per_accelerator = 1, tl.efficiency_gain_per_year = 1;
    tl.peak_to_average = 1, tl.orders_until_s = Q, tl.accelerator_growth_per_year = 1;
    tl.accelerators_per_w = 1e-3, tl.online_power_w = 1e9, tl.target_power_w = 1e9;
    tl.accelerator_life_s = 100 * Q, tl.household_w = 1000;
    tl.depreciation_s = 4 * Q, tl.facility_depreciation_s = 40 * Q;
    tl.shortfall = GW_SHORTFALL_THROTTLE;
    /* 1,000 tokens/s asked all quarter, 1 token/s per accelerator, 1 USD per M */
    tl.nproducts = 1;
    tl.products[0] = (gw_timeline_product){.name = "p", .users = 1000, .growth_per_year = 1,
                                           .requests_per_user_per_day = 86400,
                                           .tokens_per_request = 1, .token_growth_per_year = 1,
                                           .usd_per_million_tokens = 1,
                                           .price_growth_per_year = 1};
    base(&tl.chain);
    tl.chain_drives = 1;
    gw_error err = {0};
    CHECK_INT(gw_timeline_run(&tl, &tr, &err), GW_OK);
    CHECK_NEAR(tr.allocation[0], 12.5, 1e-12);
    CHECK_NEAR(tr.capacity[3], 50, 1e-12);
    CHECK_INT(gw_timeline_supply_report(&tl, &REP, &err), GW_OK);
    CHECK_INT(REP.has_revenue, 1);
    /* one more GB in 2026-Q1: 0.25/200 accelerators more for 4 quarters, each
     * serving 1 token/s: 0.25/200 x 4 Q tokens x 1e-6 USD */
    CHECK_NEAR(REP.shadow_revenue[1][0], 0.25 / 200 * 4 * Q * 1e-6, 1e-4);
    CHECK_NEAR(REP.shadow_revenue[0][0], 0, 1e-12);
}

static void expect_error(const gw_supply_input *in, const char *field, const char *text)
{
    gw_error err = {0};
    CHECK_INT(gw_supply_check(in, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.field, field);
    CHECK_STR_HAS(err.msg, text);
}

static void test_checks(void)
{
    gw_supply_input in;
    base(&in);
    in.c[0].feeds = 1, in.c[1].feeds = 0; /* cowos -> hbm -> cowos */
    expect_error(&in, "components.cowos.feeds", "cycle");
    base(&in);
    in.c[0].nlist = 2; /* 2 of 4 quarters, no growth rule */
    expect_error(&in, "components.cowos.capacity", "shorter than the horizon");
    base(&in);
    in.p[0].share[0] = 1.2;
    expect_error(&in, "products.a.share", "within [0, 1]");
    base(&in);
    in.p[0].packaging_yield = 1.5;
    expect_error(&in, "products.a.packaging_yield", "(0, 1]");
    base(&in);
    in.p[0].hbm_stacks = 0;
    expect_error(&in, "products.a", "has no BOM");
    two_products(&in);
    in.p[1].share[0] = 0.5; /* 0.6 + 0.5 */
    expect_error(&in, "products", "add up to 1.1");
}

/* From YAML with the real catalog: the flagship with the chain. Its numbers
 * are rows of the risk engine's table (a draw written through a row moves
 * the chain), the chain drives the allocation, and the BOM comes from the
 * catalog (GB300: 16 a wafer at 0.9, 8 stacks of 36 GB). */
static void test_resolve(void)
{
    gw_catalog cat;
    gw_config cfg;
    gw_node *root;
    gw_error err = {0};
    static gw_timeline_input in;
    static gw_timeline_params ps;
    CHECK_INT(gw_catalog_load(&cat, GW_TEST_CATALOG, &err), GW_OK);
    gw_config_init(&cfg);
    CHECK_INT(gw_config_load_file(&cfg, GW_TEST_SOURCE "/scenarios/frontier-lab-30gw.yaml",
                                  1, &root, &err),
              GW_OK);
    if (gw_timeline_resolve(&cat, root, &in, &ps, &err) != GW_OK) {
        fprintf(stderr, "resolve: %s\n", err.msg);
        CHECK(0);
    } else {
        CHECK_INT(in.chain_drives, 1);
        CHECK_INT(in.chain.ncomponents, 3);
        CHECK_NEAR(gw_supply_need(&in.chain, 0, 0), 1 / (16 * 0.9), 1e-12);
        CHECK_NEAR(gw_supply_need(&in.chain, 0, 1), 8 * 36 / 0.9, 1e-9);
        CHECK_NEAR(gw_supply_need(&in.chain, 0, 2), 1 / 72.0, 1e-12);
        CHECK_NEAR(in.chain.p[0].lab_share, 0.25, 1e-12);
        /* equivalents of the plan's GB200 (1200 W): GB300 1400 W, Rubin 1800 W,
         * Rubin Ultra 3600 W (catalog TDPs) */
        CHECK_STR_HAS(in.chain.equivalent_of, "gb200");
        CHECK_NEAR(in.chain.p[0].equivalents, 1400.0 / 1200, 1e-12);
        CHECK_NEAR(in.chain.p[1].equivalents, 1.5, 1e-12);
        CHECK_NEAR(in.chain.p[2].equivalents, 3, 1e-12);
        const gw_timeline_param *g =
            gw_timeline_param_find(&ps, "supply_chain.components.cowos.growth_per_year");
        CHECK(g != NULL);
        if (g) {
            CHECK_INT(g->is_dist, 1);
            CHECK_NEAR(g->value, 1.18, 1e-12);
            *gw_timeline_param_ptr(&in, g) = 1.298;
            CHECK_NEAR(in.chain.c[0].growth_per_year, 1.298, 1e-12);
        }
        CHECK(gw_timeline_param_find(&ps, "supply_chain.products.vr-nvl72.packaging_yield"));
        static gw_timeline_result tr;
        double lab[GW_TIMELINE_MAX_QUARTERS];
        CHECK_INT(gw_timeline_run(&in, &tr, &err), GW_OK);
        gw_supply_lab(&in.chain, lab);
        CHECK_NEAR(tr.allocation[5], lab[5], 1e-12);
        in.chain_lab = lab; /* as the risk engine hands it: the same run */
        double cost = tr.total_cost;
        CHECK_INT(gw_timeline_run(&in, &tr, &err), GW_OK);
        CHECK(tr.total_cost == cost);
    }
    gw_config_free(&cfg);
    gw_catalog_free(&cat);
}

int main(void)
{
    test_bom();
    test_min_over_components();
    test_delays();
    test_rules();
    test_equivalents();
    test_shadow_prices();
    test_timeline();
    test_checks();
    test_resolve();
    return gw_test_done("supply");
}
