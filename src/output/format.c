/* src/output/format.c — the one number formatter of every text, CSV and
 * chart writer (output layer): SI prefixes and grouped integers for people,
 * the shortest round-trip digits for CSV, and an axis's round ticks in the
 * unit's natural scale. Nothing here ever prints an exponent ("2.4e+07")
 * except gw_format_real on numbers a CSV reader parses anyway. The growable
 * buffer and the file helpers it once held live in core (src/core/buffer.c,
 * src/core/file.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/output.h"
#include "text_int.h"

/* Multipliers from large to small: the SI symbol, the short word of money
 * and counts (B for billion, as in "1.10 T USD"), and the long word of a
 * chart's unit ("billion USD"). */
static const struct {
    double factor;
    const char *si, *word, *long_word;
} scales[] = {
    {1e24, "Y", NULL, NULL},   {1e21, "Z", NULL, NULL},
    {1e18, "E", NULL, NULL},   {1e15, "P", NULL, NULL},  {1e12, "T", "T", "trillion"},
    {1e9, "G", "B", "billion"}, {1e6, "M", "M", "million"}, {1e3, "k", "k", "thousand"},
    {1, "", "", ""},            {1e-3, "m", NULL, NULL},
};
enum { NSCALES = sizeof scales / sizeof scales[0], UNIT_SCALE = 8 };

/* The largest multiplier at or below |v| (rounding to 3 digits may carry
 * 999.7 up to the next one, hence the 0.9995) that has a symbol of the kind
 * asked for; 1 below them all (and for 0). `smallest` bounds the search. */
static int scale_of(double v, int words, int smallest)
{
    double a = fabs(v);
    if (a == 0 || !isfinite(a))
        return UNIT_SCALE;
    for (int i = 0; i <= smallest; i++)
        if ((words ? scales[i].word != NULL : 1) && a >= scales[i].factor * 0.9995)
            return i;
    return smallest;
}

/* Decimals that give `sig` significant digits to |x| (none past the point
 * for numbers that already have them). */
static int decimals_for(double x, int sig)
{
    double a = fabs(x);
    if (a == 0 || !isfinite(a))
        return 0;
    int whole = (int)floor(log10(a)) + 1; /* digits before the point */
    /* 999.96 rounds to 1000 at 4 digits: one digit fewer after the point */
    if (fabs(x) * pow(10, sig - whole) >= pow(10, sig) - 0.5)
        whole++;
    int d = sig - whole;
    return d < 0 ? 0 : d > 12 ? 12 : d;
}

/* "1,234,567.89": fixed with `decimals`, thousands grouped by commas. */
static void grouped(double v, int decimals, char *buf, size_t n)
{
    char plain[64];
    int len = snprintf(plain, sizeof plain, "%.*f", decimals, v);
    if (len <= 0 || (size_t)len >= sizeof plain) {
        snprintf(buf, n, "%.*f", decimals, v);
        return;
    }
    const char *digits = plain + (plain[0] == '-');
    size_t whole = strcspn(digits, "."), o = 0;
    char out[96];
    if (digits != plain)
        out[o++] = '-';
    for (size_t i = 0; i < whole; i++) {
        if (i > 0 && (whole - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    snprintf(out + o, sizeof out - o, "%s", digits + whole);
    snprintf(buf, n, "%s", strcmp(out, "-0") == 0 ? "0" : out);
}

void gw_format_si(double v, const char *unit, char *buf, size_t n)
{
    int i = scale_of(v, 0, NSCALES - 1);
    double x = v / scales[i].factor;
    snprintf(buf, n, "%.*f %s%s", decimals_for(x, 3), x, scales[i].si, unit);
}

void gw_format_usd(double v, char *buf, size_t n)
{
    int i = scale_of(v, 1, UNIT_SCALE);
    double x = v / scales[i].factor;
    if (i == UNIT_SCALE) /* cents below a thousand */
        snprintf(buf, n, "%.2f USD", v);
    else
        snprintf(buf, n, "%.*f %s USD", decimals_for(x, 3), x, scales[i].word);
}

void gw_format_number(double v, int sig, char *buf, size_t n)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "%s", isnan(v) ? "-" : v > 0 ? "inf" : "-inf");
        return;
    }
    int i = fabs(v) >= 999999.5 ? scale_of(v, 1, UNIT_SCALE) : UNIT_SCALE; /* "24.33 M" */
    double x = v / scales[i].factor;
    grouped(x, decimals_for(x, sig), buf, n);
    /* as %g does: no trailing zeros after the point ("0.018", not "0.0180") */
    if (strchr(buf, '.')) {
        size_t len = strlen(buf);
        while (len > 0 && buf[len - 1] == '0')
            buf[--len] = 0;
        if (len > 0 && buf[len - 1] == '.')
            buf[--len] = 0;
    }
    if (i != UNIT_SCALE)
        snprintf(buf + strlen(buf), n - strlen(buf), " %s", scales[i].word);
}

void gw_format_count(double v, char *buf, size_t n)
{
    if (fabs(v) < 999999.5 && v == floor(v))
        grouped(v, 0, buf, n); /* "60,530": every digit of a count that has them */
    else
        gw_format_number(v, 4, buf, n);
}

gw_num_text gw_text_num(double v, int sig)
{
    gw_num_text t;
    gw_format_number(v, sig, t.s, sizeof t.s);
    return t;
}

gw_num_text gw_text_count(double v)
{
    gw_num_text t;
    gw_format_count(v, t.s, sizeof t.s);
    return t;
}

gw_num_text gw_text_real(double v)
{
    gw_num_text t;
    gw_format_real(v, t.s, sizeof t.s);
    return t;
}

void gw_format_real(double v, char *buf, size_t n)
{
    /* integers as integers (2^53: every integer below it is exact) */
    if (v == floor(v) && fabs(v) < 9007199254740992.0) {
        snprintf(buf, n, "%.0f", v == 0 ? 0.0 : v);
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, n, "%.*g", p, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* ---- chart axes ------------------------------------------------------------- */

double gw_format_axis_top(double m)
{
    if (!(m > 0) || !isfinite(m))
        return 1;
    double p = pow(10, floor(log10(m)));
    /* each f/4 is round too: the four quarter ticks read 0.3, 0.6, ... */
    const double f[] = {1, 1.2, 1.6, 2, 2.4, 4, 6, 8, 10};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (f[i] * p >= m * (1 - 1e-12))
            return f[i] * p;
    return 10 * p;
}

double gw_format_tick_step(double span, int max_ticks, double min_step)
{
    if (!(span > 0) || max_ticks < 1)
        return min_step > 0 ? min_step : 1;
    double p = pow(10, floor(log10(span / max_ticks)));
    const double f[] = {1, 2, 5, 10};
    size_t i = 0;
    while (i < 3 && span / (p * f[i]) > max_ticks)
        i++;
    double step = p * f[i];
    return step < min_step ? min_step : step;
}

void gw_format_tick(double v, double step, char *buf, size_t n)
{
    if (fabs(v) < fabs(step) * 1e-9)
        v = 0; /* 1e-17 from summing steps is 0 */
    if (v == 0) {
        snprintf(buf, n, "0");
        return;
    }
    double a = fabs(step) > 0 ? fabs(step) : fabs(v);
    /* "20k", not "20,000"; "0.5M, 1M, 1.5M", not "1,500k" */
    int i = a >= 1e4 ? scale_of(a * 10, 0, UNIT_SCALE) : UNIT_SCALE;
    double x = v / scales[i].factor, s = a / scales[i].factor;
    /* decimals the step needs: 0.25 two, 0.5 one, 20 none; a step that is
     * not round (a tornado's span / 4) gets its first three digits */
    int d = 0, most = 2 - (int)floor(log10(s));
    while (d < most && d < 12 &&
           fabs(s * pow(10, d) - floor(s * pow(10, d) + 0.5)) > 1e-6 * s * pow(10, d))
        d++;
    if (fabs(x) < 1e4) /* 2026 is a year: no comma below five digits */
        snprintf(buf, n, "%.*f", d, x);
    else
        grouped(x, d, buf, n);
    if (scales[i].si[0])
        snprintf(buf + strlen(buf), n - strlen(buf), "%s", scales[i].si);
}

/* The multiplier word a unit starts with ("billion USD" -> billion), or
 * UNIT_SCALE; *rest is what follows it. */
static int unit_word(const char *unit, const char **rest)
{
    for (int i = 0; i < NSCALES; i++) {
        const char *w = scales[i].long_word;
        size_t len = w ? strlen(w) : 0;
        if (len && strncmp(unit, w, len) == 0 && (unit[len] == ' ' || unit[len] == 0)) {
            *rest = unit + len + (unit[len] == ' ');
            return i;
        }
    }
    *rest = unit;
    return UNIT_SCALE;
}

/* Units an SI prefix rescales: a prefix (or none) then one of these. */
static int si_unit(const char *unit, const char **base)
{
    static const char *const bases[] = {"W", "Wh", "J", "s"};
    for (int i = 0; i < NSCALES; i++) {
        size_t len = strlen(scales[i].si);
        if (strncmp(unit, scales[i].si, len) != 0)
            continue;
        for (size_t j = 0; j < sizeof bases / sizeof bases[0]; j++)
            if (strcmp(unit + len, bases[j]) == 0) {
                *base = bases[j];
                return i;
            }
    }
    return -1;
}

double gw_format_axis_unit(double top, const char *unit, char *out, size_t n)
{
    const char *rest, *base;
    int si = si_unit(unit, &base);
    if (si >= 0) { /* 0.05 s -> 50 ms, 12,000 kW -> 12 MW; seconds go no higher */
        double real = top * scales[si].factor;
        int want = scale_of(real, 0, NSCALES - 1);
        if (strcmp(base, "s") == 0 && want < UNIT_SCALE)
            want = UNIT_SCALE;
        if (real == 0 || !isfinite(real))
            want = si;
        snprintf(out, n, "%s%s", scales[want].si, base);
        return scales[si].factor / scales[want].factor;
    }
    int w = unit_word(unit, &rest);
    if (w == UNIT_SCALE && rest[0] && strcmp(rest, "count") != 0) {
        snprintf(out, n, "%s", unit); /* %, x the plan, tokens per USD: as given */
        return 1;
    }
    if (strcmp(rest, "count") == 0)
        rest = "";
    double real = top * scales[w].factor;
    /* below 10,000 the plain number reads best ("8000 draws") */
    int want = fabs(real) >= 1e4 ? scale_of(real, 1, UNIT_SCALE) : UNIT_SCALE;
    if (real == 0 || !isfinite(real))
        want = w;
    if (want == UNIT_SCALE)
        snprintf(out, n, "%s", rest[0] ? rest : "count");
    else
        snprintf(out, n, "%s%s%s", scales[want].long_word, rest[0] ? " " : "", rest);
    return scales[w].factor / scales[want].factor;
}
