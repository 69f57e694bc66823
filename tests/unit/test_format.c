/* tests/unit/test_format.c — the one number formatter (src/output/format.c,
 * issue 14 items 9 and 10): grouped counts, SI prefixes, the shortest
 * round-trip digits a CSV carries, and an axis's tick choice and unit. */
#include <stdlib.h>

#include "gigawatt/output.h"
#include "gw_test.h"

#define CHECK_STR(got, want)                                                            \
    do {                                                                                \
        gw_test_checks++;                                                               \
        if (strcmp((got), (want)) != 0) {                                               \
            gw_test_failures++;                                                         \
            fprintf(stderr, "%s:%d: got '%s', expected '%s'\n", __FILE__, __LINE__, (got), \
                    (want));                                                            \
        }                                                                               \
    } while (0)

typedef void (*fmt_fn)(double, char *, size_t);

static const char *fmt(fmt_fn f, double v)
{
    static char buf[64];
    f(v, buf, sizeof buf);
    return buf;
}

static const char *num(double v, int sig)
{
    static char buf[64];
    gw_format_number(v, sig, buf, sizeof buf);
    return buf;
}

static const char *si(double v, const char *unit)
{
    static char buf[64];
    gw_format_si(v, unit, buf, sizeof buf);
    return buf;
}

static const char *tick(double v, double step)
{
    static char buf[64];
    gw_format_tick(v, step, buf, sizeof buf);
    return buf;
}

/* text: no exponent, grouped integers, SI prefixes (issue 14 item 10) */
static void test_text(void)
{
    CHECK_STR(fmt(gw_format_count, 24330000), "24.33 M");  /* was 2.433e+07 */
    CHECK_STR(fmt(gw_format_count, 63438), "63,438");      /* was 6.344e+04 */
    CHECK_STR(fmt(gw_format_count, 615), "615");
    CHECK_STR(fmt(gw_format_count, 0), "0");
    CHECK_STR(fmt(gw_format_count, 1234567890), "1.235 B");
    CHECK_STR(fmt(gw_format_count, 2.5), "2.5");
    CHECK_STR(num(2800, 3), "2,800");                      /* was 2.8e+03 */
    CHECK_STR(num(4000, 3), "4,000");                      /* was 4e+03 */
    CHECK_STR(num(0.018, 3), "0.018");
    CHECK_STR(num(1.1e6, 3), "1.1 M");
    CHECK_STR(num(7.83, 3), "7.83");
    CHECK_STR(num(999.96, 4), "1,000");
    CHECK_STR(num(-12345.6, 3), "-12,346");
    CHECK_STR(num(9.69e6, 3), "9.69 M");                   /* water: was 9.69e+06 */
    CHECK_STR(num(NAN, 3), "-");
    CHECK_STR(si(132400, "W"), "132 kW");
    CHECK_STR(si(1.234e9, "W"), "1.23 GW");
    CHECK_STR(si(999.7, "W"), "1.00 kW");
    CHECK_STR(si(0, "W"), "0 W");
    CHECK_STR(fmt(gw_format_usd, 1.1e12), "1.10 T USD");
    CHECK_STR(fmt(gw_format_usd, 9.5e8), "950 M USD");
    CHECK_STR(fmt(gw_format_usd, 2.26), "2.26 USD");
    CHECK_STR(fmt(gw_format_usd, 1.66e15), "1660 T USD");
}

/* Significant digits of a number's text: leading zeros and the point
 * skipped, up to an exponent. */
static int sig_digits(const char *t)
{
    int n = 0, started = 0;
    for (; *t && *t != 'e' && *t != 'E'; t++) {
        if (*t >= '1' && *t <= '9')
            started = 1;
        n += started && *t >= '0' && *t <= '9';
    }
    return n;
}

/* CSV: integers as integers, reals in the shortest digits that read back */
static void test_real(void)
{
    CHECK_STR(fmt(gw_format_real, 800), "800");
    CHECK_STR(fmt(gw_format_real, 39159), "39159");
    CHECK_STR(fmt(gw_format_real, -0.0), "0");
    CHECK_STR(fmt(gw_format_real, 0.1), "0.1");
    CHECK_STR(fmt(gw_format_real, 1.0 / 3), "0.3333333333333333");
    CHECK_STR(fmt(gw_format_real, 3.5806782410569276), "3.5806782410569276");
    CHECK_STR(fmt(gw_format_real, 1e300), "1e+300");
    double odd = 800.00000000001069; /* the hourly CSV's rented_gpus */
    CHECK_STR(fmt(gw_format_real, odd), "800.0000000000107");
    /* every one reads back to the same double, and no shorter one would */
    double v[] = {0.1, 0.2 + 0.1, 1.9999999999999842, 2.5e-7, 6.02214076e23, odd, 123.456};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char buf[64], shorter[64];
        gw_format_real(v[i], buf, sizeof buf);
        CHECK(strtod(buf, NULL) == v[i]);
        int digits = sig_digits(buf);
        snprintf(shorter, sizeof shorter, "%.*g", digits - 1, v[i]);
        CHECK(digits == 1 || strtod(shorter, NULL) != v[i]);
    }
}

/* axes: round tops, 1-2-5 steps, ticks with the decimals their step needs */
static void test_axes(void)
{
    CHECK_NEAR(gw_format_axis_top(0.00017), 0.0002, 1e-12);
    CHECK_NEAR(gw_format_axis_top(11.37), 12, 1e-12);
    CHECK_NEAR(gw_format_axis_top(0), 1, 0);
    CHECK_NEAR(gw_format_tick_step(1, 8, 1), 1, 0);  /* a 1-hour fleet run: no 0.2 h ticks */
    CHECK_NEAR(gw_format_tick_step(1, 8, 0), 0.2, 1e-12);
    CHECK_NEAR(gw_format_tick_step(24, 8, 1), 5, 1e-12);
    CHECK_NEAR(gw_format_tick_step(7.75, 8, 0), 1, 1e-12);
    CHECK_STR(tick(0.00008, 0.00002), "0.00008");     /* was 8e-05 */
    CHECK_STR(tick(0.2, 0.2), "0.2");
    CHECK_STR(tick(0.25, 0.25), "0.25");
    CHECK_STR(tick(3 * 0.1, 0.1), "0.3");
    CHECK_STR(tick(20000, 20000), "20k");
    CHECK_STR(tick(1e6, 2e5), "1.0M");
    CHECK_STR(tick(2500, 2500), "2500");
    CHECK_STR(tick(2027, 1), "2027");
    CHECK_STR(tick(12500, 500), "12,500");
    CHECK_STR(tick(1.0 / 3, 1.0 / 3), "0.333");
    CHECK_STR(tick(1.5e6, 5e5), "1.5M");
    CHECK_STR(tick(1e-17, 0.1), "0");
    char u[64];
    CHECK_NEAR(gw_format_axis_unit(0.02, "thousand USD per hour", u, sizeof u), 1000, 1e-12);
    CHECK_STR(u, "USD per hour");                      /* was 0.02 thousand USD/h */
    CHECK_NEAR(gw_format_axis_unit(12000, "billion USD", u, sizeof u), 1e-3, 1e-12);
    CHECK_STR(u, "trillion USD");                      /* was 11.37k billion USD */
    CHECK_NEAR(gw_format_axis_unit(0.0002, "million", u, sizeof u), 1e6, 1e-12);
    CHECK_STR(u, "count");                             /* was 0.00016 million */
    CHECK_NEAR(gw_format_axis_unit(0.0002, "million requests", u, sizeof u), 1e6, 1e-12);
    CHECK_STR(u, "requests");
    CHECK_NEAR(gw_format_axis_unit(0.05, "s", u, sizeof u), 1e3, 1e-12);
    CHECK_STR(u, "ms");
    CHECK_NEAR(gw_format_axis_unit(12000, "kW", u, sizeof u), 1e-3, 1e-12);
    CHECK_STR(u, "MW");
    CHECK_NEAR(gw_format_axis_unit(400, "s", u, sizeof u), 1, 0);
    CHECK_STR(u, "s");
    CHECK_NEAR(gw_format_axis_unit(80, "%", u, sizeof u), 1, 0);
    CHECK_STR(u, "%");
    CHECK_NEAR(gw_format_axis_unit(2400, "count", u, sizeof u), 1, 0);
    CHECK_STR(u, "count");                             /* not "thousand count" */
    CHECK_NEAR(gw_format_axis_unit(24000, "count", u, sizeof u), 1e-3, 1e-12);
    CHECK_STR(u, "thousand");
    CHECK_NEAR(gw_format_axis_unit(3.2, "billion USD", u, sizeof u), 1, 0);
    CHECK_STR(u, "billion USD");
}

int main(void)
{
    test_text();
    test_real();
    test_axes();
    return gw_test_done("test_format");
}
