/* src/config/units.c — unit parsing (config layer).
 *
 * Grammar of a quantity (spaces allowed around operators only):
 *   quantity := number [ ' '* unit ]
 *   unit     := group ( ('/' | '*' | '·') group )*     left-associative
 *   group    := factor ( '-' factor )*                  '-' binds tighter:
 *                                                       USD/GPU-h = USD/(GPU·h)
 *   factor   := '(' unit ')' | word [ '^'? int | '²' | '³' ]  | '%' | '1'
 * A word is a unit from the table below, optionally with an SI prefix (k M G
 * T P E, and m u n where the unit allows) or a binary prefix (Ki Mi Gi Ti Pi,
 * bytes only). Exact names win over prefix splits, so "min" is a minute and
 * "ms" a millisecond. A year is 365 days (8760 h), the convention of annual
 * energy accounting (EIA's kWh/yr); a month is a twelfth of it. */
#include "gigawatt/units.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PFX_NONE = 0, PFX_UP = 1, PFX_DOWN = 2, PFX_BIN = 4, PFX_ALL = PFX_UP | PFX_DOWN };

typedef struct unit_def {
    const char *name;
    double factor; /* SI value of 1 unit */
    signed char e[GW_NBASE];
    int prefixes;
} unit_def;

#define YEAR_S (365.0 * 86400.0)
/*                                   kg  m   s   K   B   F   $   A */
static const unit_def units[] = {
    {"W", 1.0, {1, 2, -3, 0, 0, 0, 0}, PFX_ALL},
    {"J", 1.0, {1, 2, -2, 0, 0, 0, 0}, PFX_ALL},
    {"Wh", 3600.0, {1, 2, -2, 0, 0, 0, 0}, PFX_UP},
    {"s", 1.0, {0, 0, 1, 0, 0, 0, 0}, PFX_DOWN},
    {"sec", 1.0, {0, 0, 1, 0, 0, 0, 0}, PFX_NONE},
    {"min", 60.0, {0, 0, 1, 0, 0, 0, 0}, PFX_NONE},
    {"h", 3600.0, {0, 0, 1, 0, 0, 0, 0}, PFX_NONE},
    {"hr", 3600.0, {0, 0, 1, 0, 0, 0, 0}, PFX_NONE},
    {"hour", 3600.0, {0, 0, 1, 0, 0, 0, 0}, PFX_NONE},
    {"hours", 3600.0, {0, 0, 1, 0, 0, 0, 0}, PFX_NONE},
    {"day", 86400.0, {0, 0, 1, 0, 0, 0, 0}, PFX_NONE},
    {"days", 86400.0, {0, 0, 1, 0, 0, 0, 0}, PFX_NONE},
    {"week", 604800.0, {0, 0, 1, 0, 0, 0, 0}, PFX_NONE},
    {"weeks", 604800.0, {0, 0, 1, 0, 0, 0, 0}, PFX_NONE},
    {"month", YEAR_S / 12.0, {0, 0, 1, 0, 0, 0, 0}, PFX_NONE},
    {"months", YEAR_S / 12.0, {0, 0, 1, 0, 0, 0, 0}, PFX_NONE},
    {"yr", YEAR_S, {0, 0, 1, 0, 0, 0, 0}, PFX_NONE},
    {"year", YEAR_S, {0, 0, 1, 0, 0, 0, 0}, PFX_NONE},
    {"years", YEAR_S, {0, 0, 1, 0, 0, 0, 0}, PFX_NONE},
    /* the ampere is the last base; units written with seven exponents leave it 0 */
    {"V", 1.0, {1, 2, -3, 0, 0, 0, 0, -1}, PFX_ALL},
    {"A", 1.0, {0, 0, 0, 0, 0, 0, 0, 1}, PFX_ALL},
    {"Hz", 1.0, {0, 0, -1, 0, 0, 0, 0}, PFX_UP},
    {"B", 1.0, {0, 0, 0, 0, 1, 0, 0}, PFX_UP | PFX_BIN},
    {"byte", 1.0, {0, 0, 0, 0, 1, 0, 0}, PFX_NONE},
    {"bytes", 1.0, {0, 0, 0, 0, 1, 0, 0}, PFX_NONE},
    {"FLOP", 1.0, {0, 0, 0, 0, 0, 1, 0}, PFX_UP},
    {"FLOPS", 1.0, {0, 0, -1, 0, 0, 1, 0}, PFX_UP},
    {"USD", 1.0, {0, 0, 0, 0, 0, 0, 1}, PFX_NONE},
    {"$", 1.0, {0, 0, 0, 0, 0, 0, 1}, PFX_NONE},
    {"m", 1.0, {0, 1, 0, 0, 0, 0, 0}, PFX_ALL},
    {"cm", 0.01, {0, 1, 0, 0, 0, 0, 0}, PFX_NONE},
    {"L", 1e-3, {0, 3, 0, 0, 0, 0, 0}, PFX_DOWN},
    {"l", 1e-3, {0, 3, 0, 0, 0, 0, 0}, PFX_NONE},
    {"g", 1e-3, {1, 0, 0, 0, 0, 0, 0}, PFX_ALL},
    {"t", 1000.0, {1, 0, 0, 0, 0, 0, 0}, PFX_NONE},
    {"K", 1.0, {0, 0, 0, 1, 0, 0, 0}, PFX_NONE},
    {"degC", 1.0, {0, 0, 0, 1, 0, 0, 0}, PFX_NONE}, /* differences only */
    {"\xC2\xB0" "C", 1.0, {0, 0, 0, 1, 0, 0, 0}, PFX_NONE},
    /* Count words: dimensionless, they make units read as intended. */
    {"GPU", 1.0, {0}, PFX_NONE},     {"GPUs", 1.0, {0}, PFX_NONE},
    {"token", 1.0, {0}, PFX_NONE},   {"tokens", 1.0, {0}, PFX_NONE},
    {"people", 1.0, {0}, PFX_NONE},  {"person", 1.0, {0}, PFX_NONE},
    {"household", 1.0, {0}, PFX_NONE}, {"households", 1.0, {0}, PFX_NONE},
    {"user", 1.0, {0}, PFX_NONE},    {"users", 1.0, {0}, PFX_NONE},
    {"request", 1.0, {0}, PFX_NONE}, {"requests", 1.0, {0}, PFX_NONE},
    {"rack", 1.0, {0}, PFX_NONE},    {"racks", 1.0, {0}, PFX_NONE},
};

typedef struct prefix_def {
    const char *p;
    double factor;
    int cls;
} prefix_def;

static const prefix_def prefixes[] = {
    {"Ki", 1024.0, PFX_BIN}, {"Mi", 1048576.0, PFX_BIN},
    {"Gi", 1073741824.0, PFX_BIN}, {"Ti", 1099511627776.0, PFX_BIN},
    {"Pi", 1125899906842624.0, PFX_BIN},
    {"k", 1e3, PFX_UP}, {"M", 1e6, PFX_UP}, {"G", 1e9, PFX_UP}, {"T", 1e12, PFX_UP},
    {"P", 1e15, PFX_UP}, {"E", 1e18, PFX_UP},
    {"m", 1e-3, PFX_DOWN}, {"u", 1e-6, PFX_DOWN}, {"\xC2\xB5", 1e-6, PFX_DOWN},
    {"n", 1e-9, PFX_DOWN},
};

/* ---- named dimensions -------------------------------------------------- */

typedef struct named_dim {
    gw_dim_id id;
    const char *name, *example;
    signed char e[GW_NBASE];
} named_dim;

/*                                                            kg  m   s   K   B   F   $   A */
static const named_dim named[] = {
    {GW_DIM_NONE, "dimensionless number", "0.8", {0}},
    {GW_DIM_POWER, "power", "700 W", {1, 2, -3, 0, 0, 0, 0}},
    {GW_DIM_ENERGY, "energy", "1.5 MWh", {1, 2, -2, 0, 0, 0, 0}},
    {GW_DIM_TIME, "time", "18 months", {0, 0, 1, 0, 0, 0, 0}},
    {GW_DIM_BYTES, "data size", "80 GiB", {0, 0, 0, 0, 1, 0, 0}},
    {GW_DIM_BYTE_RATE, "bandwidth", "4.8 TB/s", {0, 0, -1, 0, 1, 0, 0}},
    {GW_DIM_FLOP, "amount of compute", "3.8e25 FLOP", {0, 0, 0, 0, 0, 1, 0}},
    {GW_DIM_FLOP_RATE, "compute rate", "989 TFLOPS", {0, 0, -1, 0, 0, 1, 0}},
    {GW_DIM_USD, "amount of money", "1.4e12 USD", {0, 0, 0, 0, 0, 0, 1}},
    {GW_DIM_USD_PER_ENERGY, "energy price", "45 USD/MWh", {-1, -2, 2, 0, 0, 0, 1}},
    {GW_DIM_USD_PER_POWER, "cost per power", "11.7e6 USD/MW", {-1, -2, 3, 0, 0, 0, 1}},
    {GW_DIM_USD_PER_TIME, "cost per time", "150000 USD/yr", {0, 0, -1, 0, 0, 0, 1}},
    {GW_DIM_MASS, "mass", "1360 kg", {1, 0, 0, 0, 0, 0, 0}},
    {GW_DIM_AREA, "area", "0.72 m2", {0, 2, 0, 0, 0, 0, 0}},
    {GW_DIM_AREAL_MASS, "floor loading", "1200 kg/m2", {1, -2, 0, 0, 0, 0, 0}},
    {GW_DIM_DENSITY, "density", "997 kg/m3", {1, -3, 0, 0, 0, 0, 0}},
    {GW_DIM_SPECIFIC_HEAT, "specific heat capacity", "4186 J/kg/K", {0, 2, -2, -1, 0, 0, 0}},
    {GW_DIM_TEMPERATURE, "temperature difference", "10 K", {0, 0, 0, 1, 0, 0, 0}},
    {GW_DIM_VOLUME, "volume", "1.5 m3", {0, 3, 0, 0, 0, 0, 0}},
    {GW_DIM_VOLUME_RATE, "volume flow", "120 L/min", {0, 3, -1, 0, 0, 0, 0}},
    {GW_DIM_VOLUME_PER_ENERGY, "water per energy", "1.8 L/kWh", {-1, 1, 2, 0, 0, 0, 0}},
    {GW_DIM_PER_POWER, "count per power", "0.5 people/MW", {-1, -2, 3, 0, 0, 0, 0}},
    {GW_DIM_VOLTAGE, "voltage", "800 V", {1, 2, -3, 0, 0, 0, 0, -1}},
    {GW_DIM_POWER_RATE, "power ramp", "20 MW/min", {1, 2, -4, 0, 0, 0, 0}},
    {GW_DIM_FREQUENCY, "frequency", "0.5 Hz", {0, 0, -1, 0, 0, 0, 0}},
};

gw_dim gw_dim_of(gw_dim_id id)
{
    gw_dim d;
    memset(&d, 0, sizeof d);
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (named[i].id == id)
            memcpy(d.e, named[i].e, sizeof d.e);
    return d;
}

int gw_dim_equal(gw_dim a, gw_dim b)
{
    return memcmp(a.e, b.e, sizeof a.e) == 0;
}

const char *gw_dim_name(gw_dim d)
{
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (memcmp(named[i].e, d.e, sizeof d.e) == 0)
            return named[i].name;
    return "";
}

const char *gw_dim_example(gw_dim_id id)
{
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (named[i].id == id)
            return named[i].example;
    return "";
}

void gw_dim_format(gw_dim d, char *buf, size_t n)
{
    static const char *base[GW_NBASE] = {"kg", "m", "s", "K", "B", "FLOP", "USD"};
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < GW_NBASE; i++) {
        if (!d.e[i])
            continue;
        int w = d.e[i] == 1 ? snprintf(buf + len, n - len, "%s%s", len ? "*" : "", base[i])
                            : snprintf(buf + len, n - len, "%s%s^%d", len ? "*" : "",
                                       base[i], d.e[i]);
        if (w < 0 || (size_t)w >= n - len)
            return;
        len += (size_t)w;
    }
    if (!len)
        snprintf(buf, n, "1");
}

/* ---- the parser ---------------------------------------------------------- */

typedef struct uparser {
    const char *s; /* whole input, for error offsets */
    const char *p; /* cursor */
    char *why;
    size_t nwhy;
    int errcol;
    int depth;
} uparser;

typedef struct uval {
    double f;
    int e[GW_NBASE];
} uval;

static int fail(uparser *u, const char *at, const char *fmt, const char *arg)
{
    if (u->errcol < 0) {
        u->errcol = (int)(at - u->s);
        snprintf(u->why, u->nwhy, fmt, arg);
    }
    return -1;
}

static int is_word_char(unsigned char c)
{
    return isalpha(c) || c == '$' || c == '%' || c >= 0x80;
}

static const unit_def *find_exact(const char *w, size_t n)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strlen(units[i].name) == n && memcmp(units[i].name, w, n) == 0)
            return &units[i];
    return NULL;
}

static int lookup_word(const char *w, size_t n, uval *out)
{
    memset(out, 0, sizeof *out);
    if (n == 1 && w[0] == '%') {
        out->f = 0.01;
        return 0;
    }
    const unit_def *u = find_exact(w, n);
    double pf = 1.0;
    if (!u) {
        for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0] && !u; i++) {
            size_t pl = strlen(prefixes[i].p);
            if (pl >= n || memcmp(prefixes[i].p, w, pl) != 0)
                continue;
            const unit_def *cand = find_exact(w + pl, n - pl);
            if (cand && (cand->prefixes & prefixes[i].cls)) {
                u = cand;
                pf = prefixes[i].factor;
            }
        }
    }
    if (!u)
        return -1;
    out->f = pf * u->factor;
    for (int i = 0; i < GW_NBASE; i++)
        out->e[i] = u->e[i];
    return 0;
}

static void skip_spaces(uparser *u)
{
    while (*u->p == ' ')
        u->p++;
}

static int parse_unit(uparser *u, uval *v);

static int parse_factor(uparser *u, uval *v)
{
    skip_spaces(u);
    const char *start = u->p;
    if (*u->p == '(') {
        if (++u->depth > 8)
            return fail(u, start, "%s", "units nested too deeply; expected at most 8 parentheses");
        u->p++;
        if (parse_unit(u, v))
            return -1;
        skip_spaces(u);
        if (*u->p != ')')
            return fail(u, u->p, "%s", "missing ')' in unit");
        u->p++;
        u->depth--;
    } else if (*u->p == '1' && !isdigit((unsigned char)u->p[1])) {
        /* "1/MW": a bare 1 as numerator */
        u->p++;
        memset(v, 0, sizeof *v);
        v->f = 1.0;
    } else {
        while (is_word_char((unsigned char)*u->p))
            u->p++;
        size_t n = (size_t)(u->p - start);
        if (n == 0)
            return fail(u, start, "%s", "expected a unit name here");
        char word[64];
        snprintf(word, sizeof word, "%.*s", (int)(n < 60 ? n : 60), start);
        if (lookup_word(start, n, v))
            return fail(u, start,
                        "unknown unit '%s'; expected units like W, kW, MWh, TB/s, GiB, "
                        "TFLOPS, USD, s, months, kg, m2, L, K, %% (docs/units.md)",
                        word);
    }
    /* exponent: m2, m^2, m², m³ */
    int ex = 1;
    if (*u->p == '^')
        u->p++;
    if (isdigit((unsigned char)*u->p)) {
        ex = 0;
        while (isdigit((unsigned char)*u->p)) {
            ex = ex * 10 + (*u->p - '0');
            if (ex > 9)
                return fail(u, start, "%s", "unit exponent too large; expected 1 to 9");
            u->p++;
        }
    } else if ((unsigned char)u->p[0] == 0xC2 && (unsigned char)u->p[1] == 0xB2) {
        ex = 2;
        u->p += 2;
    } else if ((unsigned char)u->p[0] == 0xC2 && (unsigned char)u->p[1] == 0xB3) {
        ex = 3;
        u->p += 2;
    }
    if (ex != 1) {
        v->f = pow(v->f, ex);
        for (int i = 0; i < GW_NBASE; i++)
            v->e[i] *= ex;
    }
    return 0;
}

static void combine(uval *a, const uval *b, int sign)
{
    a->f = sign > 0 ? a->f * b->f : a->f / b->f;
    for (int i = 0; i < GW_NBASE; i++)
        a->e[i] += sign * b->e[i];
}

static int parse_group(uparser *u, uval *v)
{
    if (parse_factor(u, v))
        return -1;
    while (*u->p == '-') {
        u->p++;
        uval w;
        if (parse_factor(u, &w))
            return -1;
        combine(v, &w, +1);
    }
    return 0;
}

static int parse_unit(uparser *u, uval *v)
{
    if (*u->p == '/') { /* "0.5 /MW": an implicit 1 as numerator */
        memset(v, 0, sizeof *v);
        v->f = 1.0;
    } else if (parse_group(u, v)) {
        return -1;
    }
    for (;;) {
        skip_spaces(u);
        int sign;
        if (*u->p == '/') {
            sign = -1;
            u->p++;
        } else if (*u->p == '*') {
            sign = +1;
            u->p++;
        } else if ((unsigned char)u->p[0] == 0xC2 && (unsigned char)u->p[1] == 0xB7) {
            sign = +1; /* U+00B7 middle dot */
            u->p += 2;
        } else {
            return 0;
        }
        uval w;
        if (parse_group(u, &w))
            return -1;
        combine(v, &w, sign);
    }
}

/* Validate the decimal number grammar ourselves: strtod also takes "inf",
 * "nan" and hex floats, none of which is a quantity. */
static size_t number_span(const char *s)
{
    size_t i = 0, digits = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    while (isdigit((unsigned char)s[i])) {
        i++;
        digits++;
    }
    if (s[i] == '.') {
        i++;
        while (isdigit((unsigned char)s[i])) {
            i++;
            digits++;
        }
    }
    if (!digits)
        return 0;
    if ((s[i] == 'e' || s[i] == 'E') &&
        (isdigit((unsigned char)s[i + 1]) ||
         ((s[i + 1] == '+' || s[i + 1] == '-') && isdigit((unsigned char)s[i + 2])))) {
        i += 2;
        while (isdigit((unsigned char)s[i]))
            i++;
    }
    return i;
}

int gw_quantity_parse(const char *text, double *si_value, gw_dim *dim, char *why,
                      size_t nwhy, int *errcol)
{
    uparser u = {.s = text, .p = text, .why = why, .nwhy = nwhy, .errcol = -1, .depth = 0};
    skip_spaces(&u);
    size_t n = number_span(u.p);
    if (n == 0) {
        fail(&u, u.p, "'%s' is not a number; expected a number with a unit like '700 W'",
             text);
        goto out;
    }
    char num[64];
    if (n >= sizeof num) {
        fail(&u, u.p, "%s", "number too long; expected at most 63 characters");
        goto out;
    }
    memcpy(num, u.p, n);
    num[n] = '\0';
    double x = strtod(num, NULL);
    if (!isfinite(x)) {
        fail(&u, u.p, "number '%s' is out of range; expected a finite number", num);
        goto out;
    }
    u.p += n;
    uval v;
    memset(&v, 0, sizeof v);
    v.f = 1.0;
    skip_spaces(&u);
    if (*u.p) {
        if (!is_word_char((unsigned char)*u.p) && *u.p != '(' && *u.p != '/') {
            fail(&u, u.p, "unexpected '%.1s' after the number; expected a unit", u.p);
            goto out;
        }
        if (parse_unit(&u, &v))
            goto out;
        skip_spaces(&u);
        if (*u.p) {
            fail(&u, u.p, "unexpected text '%s' after the unit; expected the end of the value",
                 u.p);
            goto out;
        }
    }
    for (int i = 0; i < GW_NBASE; i++) {
        if (v.e[i] > 127 || v.e[i] < -127) {
            fail(&u, text, "%s", "unit exponent out of range");
            goto out;
        }
        dim->e[i] = (signed char)v.e[i];
    }
    *si_value = x * v.f;
    if (!isfinite(*si_value)) {
        fail(&u, text, "'%s' is out of range; expected a finite value", text);
        goto out;
    }
    return 0;
out:
    if (errcol)
        *errcol = u.errcol < 0 ? 0 : u.errcol;
    return -1;
}
