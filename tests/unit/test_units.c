/* tests/unit/test_units.c — unit parsing: values against hand conversions,
 * dimensions, and the inputs that must be refused. */
#include "gigawatt/units.h"
#include "gw_test.h"

static double parse_ok(const char *text, gw_dim_id want)
{
    double v = NAN;
    gw_dim d;
    char why[256];
    int col;
    int rc = gw_quantity_parse(text, &v, &d, why, sizeof why, &col);
    CHECK(rc == 0);
    if (rc)
        fprintf(stderr, "  '%s': %s\n", text, why);
    else if (!gw_dim_equal(d, gw_dim_of(want)))
        fprintf(stderr, "  '%s' has the wrong dimension '%s'\n", text, gw_dim_name(d));
    CHECK(rc == 0 && gw_dim_equal(d, gw_dim_of(want)));
    return v;
}

static void parse_bad(const char *text, const char *reason, int col_expected)
{
    double v;
    gw_dim d;
    char why[256] = "";
    int col = -1;
    CHECK(gw_quantity_parse(text, &v, &d, why, sizeof why, &col) != 0);
    CHECK_STR_HAS(why, reason);
    if (col_expected >= 0)
        CHECK_INT(col, col_expected);
}

int main(void)
{
    /* the examples, converted by hand */
    CHECK_NEAR(parse_ok("132 kW", GW_DIM_POWER), 132e3, 1e-15);
    CHECK_NEAR(parse_ok("4.8 TB/s", GW_DIM_BYTE_RATE), 4.8e12, 1e-15);
    CHECK_NEAR(parse_ok("80 GiB", GW_DIM_BYTES), 80.0 * 1073741824.0, 1e-15);
    CHECK_NEAR(parse_ok("45 USD/MWh", GW_DIM_USD_PER_ENERGY), 45.0 / 3.6e9, 1e-15);
    CHECK_NEAR(parse_ok("18 months", GW_DIM_TIME), 1.5 * 365 * 86400, 1e-15);
    CHECK_NEAR(parse_ok("1.4e12 USD", GW_DIM_USD), 1.4e12, 1e-15);
    CHECK_NEAR(parse_ok("30 GW", GW_DIM_POWER), 30e9, 1e-15);
    /* compound and special forms */
    CHECK_NEAR(parse_ok("989.4 TFLOPS", GW_DIM_FLOP_RATE), 989.4e12, 1e-15);
    CHECK_NEAR(parse_ok("2.5 PFLOP/s", GW_DIM_FLOP_RATE), 2.5e15, 1e-15);
    CHECK_NEAR(parse_ok("120 L/min", GW_DIM_VOLUME_RATE), 0.120 / 60.0, 1e-15);
    CHECK_NEAR(parse_ok("4186 J/kg/K", GW_DIM_SPECIFIC_HEAT), 4186, 1e-15);
    CHECK_NEAR(parse_ok("4186 J/(kg*K)", GW_DIM_SPECIFIC_HEAT), 4186, 1e-15);
    CHECK_NEAR(parse_ok("2.4 USD/GPU-h", GW_DIM_USD_PER_TIME), 2.4 / 3600.0, 1e-15);
    /* the ampere base: a busbar voltage, and a power over a current is one */
    CHECK_NEAR(parse_ok("800 V", GW_DIM_VOLTAGE), 800, 1e-15);
    CHECK_NEAR(parse_ok("13.8 kV", GW_DIM_VOLTAGE), 13800, 1e-15);
    CHECK_NEAR(parse_ok("48 kW/kA", GW_DIM_VOLTAGE), 48, 1e-15);
    CHECK_NEAR(parse_ok("10715 kWh/yr", GW_DIM_POWER), 10715e3 / 8760.0, 1e-12);
    CHECK_NEAR(parse_ok("1.8 L/kWh", GW_DIM_VOLUME_PER_ENERGY), 1.8e-3 / 3.6e6, 1e-15);
    CHECK_NEAR(parse_ok("11.7e6 USD/MW", GW_DIM_USD_PER_POWER), 11.7, 1e-15);
    CHECK_NEAR(parse_ok("0.5 people/MW", GW_DIM_PER_POWER), 0.5e-6, 1e-15);
    CHECK_NEAR(parse_ok("1200 kg/m2", GW_DIM_AREAL_MASS), 1200, 1e-15);
    CHECK_NEAR(parse_ok("997 kg/m^3", GW_DIM_DENSITY), 997, 1e-15);
    CHECK_NEAR(parse_ok("35 ms", GW_DIM_TIME), 0.035, 1e-15);
    CHECK_NEAR(parse_ok("2 min", GW_DIM_TIME), 120, 1e-15);
    CHECK_NEAR(parse_ok("85 %", GW_DIM_NONE), 0.85, 1e-15);
    CHECK_NEAR(parse_ok("85%", GW_DIM_NONE), 0.85, 1e-15);
    CHECK_NEAR(parse_ok("0.8", GW_DIM_NONE), 0.8, 1e-15);
    CHECK_NEAR(parse_ok("-3", GW_DIM_NONE), -3, 1e-15);
    CHECK_NEAR(parse_ok("1.36 t", GW_DIM_MASS), 1360, 1e-15);
    CHECK_NEAR(parse_ok("20 K", GW_DIM_TEMPERATURE), 20, 1e-15);
    CHECK_NEAR(parse_ok("192 GB", GW_DIM_BYTES), 192e9, 1e-15);
    CHECK_NEAR(parse_ok("0.72 m2", GW_DIM_AREA), 0.72, 1e-15);
    CHECK_NEAR(parse_ok("1 /MW", GW_DIM_PER_POWER), 1e-6, 1e-15);

    /* refused */
    parse_bad("nan", "not a number", 0);
    parse_bad("inf W", "not a number", 0);
    parse_bad(".inf", "not a number", 0);
    parse_bad("0x10 W", "unknown unit 'x'", 1);
    parse_bad("1e999 W", "out of range", 0);
    parse_bad("1e300 EW", "out of range", -1);
    parse_bad("132 furlongs", "unknown unit 'furlongs'", 4);
    parse_bad("132 kW/", "expected a unit name", 7);
    parse_bad("132 kW kW", "unexpected text", 7);
    parse_bad("", "not a number", 0);
    parse_bad("W", "not a number", 0);
    parse_bad("5 m^99", "exponent too large", -1);
    parse_bad("5 ((((((((((m))))))))))", "nested too deeply", -1);

    /* dimension names used in messages */
    CHECK(strcmp(gw_dim_name(gw_dim_of(GW_DIM_POWER)), "power") == 0);
    char buf[64];
    gw_dim d = gw_dim_of(GW_DIM_POWER);
    gw_dim_format(d, buf, sizeof buf);
    CHECK(strcmp(buf, "kg*m^2*s^-3") == 0);
    return gw_test_done("test_units");
}
