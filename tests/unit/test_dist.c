/* tests/unit/test_dist.c — the one {dist: ...} dialect (src/scenario/dist.c):
 * both spellings of a lognormal (p50/p90 and median/sigma) give the same
 * parameters and the same draws, in a sim token count and in a risk input;
 * min/max and low/high are one uniform; a normal's p90 is its sd; the
 * messages of the spellings that clash; and gw_decode_number, the config
 * layer's reader of a number that may be a date, a boolean or a {dist:}. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/config.h"
#include "gigawatt/dist.h"
#include "gigawatt/schema.h"
#include "gigawatt/sim_cmd.h"
#include "gw_test.h"

/* `x: <text>` as a tree; the caller frees cfg. */
static const gw_node *load(gw_config *cfg, const char *text)
{
    gw_node *root = NULL;
    gw_error err = {0};
    char doc[512];
    snprintf(doc, sizeof doc, "x: %s\n", text);
    gw_config_init(cfg);
    if (gw_config_load_buffer(cfg, "t.yaml", doc, strlen(doc), 0, &root, &err)) {
        fprintf(stderr, "load: %s\n", err.msg);
        return NULL;
    }
    return gw_node_get(root, "x");
}

static int risk(const char *text, gw_dim_id dim, unsigned flags, gw_uncertain *u, gw_error *err)
{
    gw_config cfg;
    const gw_node *x = load(&cfg, text);
    int rc = x ? gw_uncertain_parse(x, "x", dim, flags, u, err) : GW_E_INPUT;
    u->node = NULL;
    gw_config_free(&cfg);
    return rc;
}

static int sim(const char *text, gw_dist *d, double **owned, gw_error *err)
{
    gw_config cfg;
    const gw_node *x = load(&cfg, text);
    int rc = x ? gw_scenario_parse_dist(x, "prompt", d, owned, err) : GW_E_INPUT;
    gw_config_free(&cfg);
    return rc;
}

/* sigma = ln(p90 / p50) / z0.9, written out so it reads back to the same double */
static void sigma_text(double p50, double p90, char *out, size_t n)
{
    snprintf(out, n, "%.17g", log(p90 / p50) / GW_Z90);
}

static void test_sim_lognormal_spellings(void)
{
    char sigma[64], median_form[160];
    sigma_text(1000, 3000, sigma, sizeof sigma);
    snprintf(median_form, sizeof median_form, "{dist: lognormal, median: 1000, sigma: %s}", sigma);
    gw_dist a, b;
    double *owned_a = NULL, *owned_b = NULL;
    gw_error err = {0};
    CHECK_INT(sim("{dist: lognormal, p50: 1000, p90: 3000}", &a, &owned_a, &err), GW_OK);
    CHECK_INT(sim(median_form, &b, &owned_b, &err), GW_OK);
    CHECK_INT(a.kind, GW_DIST_LOGNORMAL);
    CHECK(a.a == b.a && a.b == b.b);
    /* the same draws, one for one */
    gw_rng ra, rb;
    gw_rng_init(&ra, 7, 1, 2);
    gw_rng_init(&rb, 7, 1, 2);
    int same = 1;
    for (int i = 0; i < 1000; i++)
        same &= gw_dist_sample(&a, &ra) == gw_dist_sample(&b, &rb);
    CHECK(same);
    /* p50 and median are one parameter: both is an error, at the second */
    CHECK_INT(sim("{dist: lognormal, p50: 1000, median: 1000}", &a, &owned_a, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "both 'p50' and 'median'; expected one of them");
    CHECK_INT(sim("{dist: lognormal, median: 1000, sigma: 1, p90: 3000}", &a, &owned_a, &err),
              GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "both 'p90' and 'sigma'; expected one of them");
    CHECK_INT(sim("{dist: lognormal, p50: 1000, p90: 900}", &a, &owned_a, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "prompt: p90 is not above p50");
    /* the old sim spelling keeps its lenient reading: no sigma is a point */
    CHECK_INT(sim("{dist: lognormal, median: 700}", &a, &owned_a, &err), GW_OK);
    CHECK(a.a == 700 && a.b == 0);
    free(owned_a), free(owned_b);
}

static void test_sim_uniform_spellings(void)
{
    gw_dist a, b;
    double *owned = NULL;
    gw_error err = {0};
    CHECK_INT(sim("{dist: uniform, min: 10, max: 90}", &a, &owned, &err), GW_OK);
    CHECK_INT(sim("{dist: uniform, low: 10, high: 90}", &b, &owned, &err), GW_OK);
    CHECK(a.kind == GW_DIST_UNIFORM && a.a == b.a && a.b == b.b && a.a == 10 && a.b == 90);
    /* what sim cannot sample stays refused with its own list */
    CHECK_INT(sim("{dist: normal, mean: 10, sd: 2}", &a, &owned, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "distribution 'normal' is not known; expected fixed, uniform");
    CHECK_INT(sim("{dist: empirical, values: [30, 10, 20]}", &a, &owned, &err), GW_OK);
    CHECK(a.nvalues == 3 && a.values[0] == 10 && a.values[2] == 30 && a.values == owned);
    free(owned);
}

static void test_risk_lognormal_spellings(void)
{
    /* {dist: lognormal, median: 1.8, sigma: 0.3} is {p50: 1.8, p90: 1.8 e^(0.3 z0.9)} */
    double p90 = 1.8 * exp(0.3 * GW_Z90);
    char sigma[64], p90_form[160], median_form[160];
    sigma_text(1.8, p90, sigma, sizeof sigma);
    snprintf(p90_form, sizeof p90_form, "{dist: lognormal, p50: 1.8, p90: %.17g}", p90);
    snprintf(median_form, sizeof median_form, "{dist: lognormal, median: 1.8, sigma: %s}", sigma);
    gw_uncertain a, b, c;
    gw_error err = {0};
    CHECK_INT(risk(p90_form, GW_DIM_NONE, GW_F_POSITIVE, &a, &err), GW_OK);
    CHECK_INT(risk(median_form, GW_DIM_NONE, GW_F_POSITIVE, &b, &err), GW_OK);
    CHECK_INT(risk("{dist: lognormal, median: 1.8, sigma: 0.3}", GW_DIM_NONE, GW_F_POSITIVE, &c,
                   &err),
              GW_OK);
    CHECK_INT(a.kind, GW_UDIST_LOGNORMAL);
    CHECK(a.a == b.a && a.b == b.b);
    CHECK_NEAR(c.b, 0.3, 1e-15);
    CHECK_NEAR(a.b, 0.3, 1e-12);
    int same = 1;
    for (double z = -3; z <= 3; z += 0.25)
        same &= gw_uncertain_from_normal(&a, z) == gw_uncertain_from_normal(&b, z);
    CHECK(same);
    /* with units: a lead time */
    CHECK_INT(risk("{dist: lognormal, median: 30 months, sigma: 0.2}", GW_DIM_TIME,
                   GW_F_POSITIVE, &a, &err),
              GW_OK);
    CHECK_NEAR(gw_uncertain_median(&a), 30 * 365 * 86400.0 / 12, 1e-12); /* a 365-day year */
    /* sigma is of the log: a unit on it is refused, as is a negative one */
    CHECK_INT(risk("{dist: lognormal, median: 1.8, sigma: -0.1}", GW_DIM_NONE, 0, &a, &err),
              GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "x sigma is -0.1; expected a value of zero or more");
    /* the old risk messages stay */
    CHECK_INT(risk("{dist: lognormal, p50: 1.8}", GW_DIM_NONE, 0, &a, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "x: a lognormal distribution needs 'p90'; expected {dist: lognormal, "
                           "p50: X, p90: Y}");
    CHECK_INT(risk("{dist: lognormal, p50: 1.8, scale: 2}", GW_DIM_NONE, 0, &a, &err),
              GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "x: unknown key 'scale' in a lognormal distribution");
}

static void test_risk_normal_and_uniform(void)
{
    gw_uncertain a, b;
    gw_error err = {0};
    char p90_form[160];
    snprintf(p90_form, sizeof p90_form, "{dist: normal, p50: 10, p90: %.17g}", 10 + 2 * GW_Z90);
    CHECK_INT(risk("{dist: normal, mean: 10, sd: 2}", GW_DIM_NONE, 0, &a, &err), GW_OK);
    CHECK_INT(risk(p90_form, GW_DIM_NONE, 0, &b, &err), GW_OK);
    CHECK(a.a == b.a);
    CHECK_NEAR(a.b, b.b, 1e-14);
    CHECK_INT(risk("{dist: uniform, min: 1, max: 3}", GW_DIM_NONE, 0, &a, &err), GW_OK);
    CHECK_INT(risk("{dist: uniform, low: 1, high: 3}", GW_DIM_NONE, 0, &b, &err), GW_OK);
    CHECK(a.kind == GW_UDIST_UNIFORM && a.a == b.a && a.b == b.b);
    /* what risk cannot invert stays refused with its own list */
    CHECK_INT(risk("{dist: gamma, shape: 2, scale: 3}", GW_DIM_NONE, 0, &a, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "x: distribution 'gamma' is not known; expected lognormal, normal");
}

/* The config layer's one number reader: dates after a start, booleans, and
 * a distribution's centre through the dialect (the timeline's fields). */
static void test_decode_number(void)
{
    const gw_field lead = {.key = "lead", .type = GW_FT_QTY, .dim = GW_DIM_TIME,
                           .flags = GW_F_NONNEG | GW_F_DATE | GW_F_DIST};
    const gw_field flag = {.key = "parallel", .type = GW_FT_QTY, .flags = GW_F_BOOL};
    gw_decode_ctx dc = {.start_year = 2026, .start_quarter = 1, .start_name = "the start",
                        .dist_centre = gw_dist_centre};
    gw_config cfg;
    gw_error err = {0};
    double v = -1;
    int dist = -1;
    const gw_node *x = load(&cfg, "2027-Q3");
    CHECK_INT(gw_decode_number(&lead, x, "lead", &dc, &v, &dist, &err), GW_OK);
    CHECK(dist == 0 && v == 6 * (GW_SECONDS_PER_YEAR / 4.0));
    gw_config_free(&cfg);
    x = load(&cfg, "2025-Q4");
    CHECK_INT(gw_decode_number(&lead, x, "lead", &dc, &v, &dist, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "'lead' is 2025-Q4, before the start; expected a date from the "
                           "start on");
    gw_config_free(&cfg);
    x = load(&cfg, "{dist: lognormal, median: 2 years, sigma: 0.2}");
    CHECK_INT(gw_decode_number(&lead, x, "lead", &dc, &v, &dist, &err), GW_OK);
    CHECK(dist == 1 && v == 2 * GW_SECONDS_PER_YEAR);
    gw_config_free(&cfg);
    x = load(&cfg, "18 months");
    CHECK_INT(gw_decode_number(&lead, x, "lead", &dc, &v, &dist, &err), GW_OK);
    CHECK(dist == 0 && v == 1.5 * GW_SECONDS_PER_YEAR);
    gw_config_free(&cfg);
    x = load(&cfg, "yes");
    CHECK_INT(gw_decode_number(&flag, x, "parallel", &dc, &v, &dist, &err), GW_OK);
    CHECK(v == 1);
    gw_config_free(&cfg);
    x = load(&cfg, "maybe");
    CHECK_INT(gw_decode_number(&flag, x, "parallel", &dc, &v, &dist, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "'parallel' is 'maybe'; expected true or false");
    gw_config_free(&cfg);
}

int main(void)
{
    test_decode_number();
    test_sim_lognormal_spellings();
    test_sim_uniform_spellings();
    test_risk_lognormal_spellings();
    test_risk_normal_and_uniform();
    return gw_test_done("test_dist");
}
