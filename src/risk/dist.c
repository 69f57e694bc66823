/* src/risk/dist.c — uncertain inputs: parsing `{dist: ...}` mappings with
 * units, their quantile functions, the normal CDF and its inverse, and the
 * Cholesky factor the Gaussian copula needs (engines layer). Contract:
 * include/gigawatt/risk.h; equations: docs/risk.md §2.
 *
 * Every distribution is sampled by inversion, x = F^-1(Phi(z)) with z the
 * input's (correlated) normal score, so one mechanism gives independent
 * draws, correlated draws and the P10/P90 points of the tornado. */
#include "gigawatt/risk.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Phi^-1(0.9): a lognormal's sigma is ln(p90 / p50) / Z90. */
#define Z90 1.2815515655446004

/* ---- the normal distribution -------------------------------------------------- */

double gw_normal_cdf(double z)
{
    return 0.5 * erfc(-z / sqrt(2.0));
}

/* Acklam (2003), "An algorithm for computing the inverse normal cumulative
 * distribution function": relative error 1.15e-9, then one Halley step on
 * erfc brings it to machine precision. */
double gw_normal_quantile(double p)
{
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                               -2.759285104469687e+02, 1.383577518672690e+02,
                               -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                               -1.556989798598866e+02, 6.680131188771972e+01,
                               -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                               -2.400758277161838e+00, -2.549732539343734e+00,
                               4.374664141464968e+00,  2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                               2.445134137142996e+00, 3.754408661907416e+00};
    if (!(p > 0))
        return -INFINITY;
    if (!(p < 1))
        return INFINITY;
    const double plow = 0.02425;
    double x;
    if (p < plow) {
        double q = sqrt(-2 * log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p <= 1 - plow) {
        double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    } else {
        double q = sqrt(-2 * log(1 - p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    double e = gw_normal_cdf(x) - p;
    double u = e * sqrt(2 * M_PI) * exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

int gw_cholesky(const double *a, int k, double *l)
{
    memset(l, 0, sizeof(double) * (size_t)k * (size_t)k);
    for (int j = 0; j < k; j++) {
        double s = a[j * k + j];
        for (int m = 0; m < j; m++)
            s -= l[j * k + m] * l[j * k + m];
        /* a tolerance, so a matrix that is singular up to rounding (rho = 1
         * between two inputs and a third) is refused rather than giving a
         * factor of noise */
        if (!(s > 1e-12))
            return GW_E_INPUT;
        double djj = sqrt(s);
        l[j * k + j] = djj;
        for (int i = j + 1; i < k; i++) {
            double t = a[i * k + j];
            for (int m = 0; m < j; m++)
                t -= l[i * k + m] * l[j * k + m];
            l[i * k + j] = t / djj;
        }
    }
    return GW_OK;
}

/* ---- quantiles --------------------------------------------------------------- */

static double clamp(const gw_uncertain *u, double x)
{
    return x < u->lo ? u->lo : x > u->hi ? u->hi : x;
}

static double quantile_raw(const gw_uncertain *u, double p)
{
    switch (u->kind) {
    case GW_UDIST_FIXED:
        return u->a;
    case GW_UDIST_NORMAL:
        return u->a + u->b * gw_normal_quantile(p);
    case GW_UDIST_LOGNORMAL:
        return u->a * exp(u->b * gw_normal_quantile(p));
    case GW_UDIST_TRIANGULAR: {
        double w = u->c - u->a, fc = (u->b - u->a) / w;
        return p < fc ? u->a + sqrt(p * w * (u->b - u->a))
                      : u->c - sqrt((1 - p) * w * (u->c - u->b));
    }
    case GW_UDIST_UNIFORM:
        return u->a + p * (u->b - u->a);
    case GW_UDIST_CHOICE:
        for (int i = 0; i < u->nchoice - 1; i++)
            if (p <= u->cum[i])
                return u->values[i];
        return u->values[u->nchoice - 1];
    }
    return u->a;
}

double gw_uncertain_quantile(const gw_uncertain *u, double p)
{
    return clamp(u, quantile_raw(u, p));
}

double gw_uncertain_from_normal(const gw_uncertain *u, double z)
{
    switch (u->kind) {
    case GW_UDIST_NORMAL:
        return clamp(u, u->a + u->b * z);
    case GW_UDIST_LOGNORMAL:
        return clamp(u, u->a * exp(u->b * z));
    default:
        return clamp(u, quantile_raw(u, gw_normal_cdf(z)));
    }
}

/* ---- parsing ------------------------------------------------------------------- */

int gw_uncertain_is_dist(const gw_node *n)
{
    return n && n->kind == GW_NODE_MAP && gw_node_get(n, "dist") != NULL;
}

typedef struct kind_def {
    const char *name;
    gw_udist_kind kind;
    const char *keys; /* allowed keys besides dist and name, '|'-separated */
    const char *form; /* for messages */
} kind_def;

const char *const gw_udist_names[] = {"fixed",      "normal",  "lognormal",
                                     "triangular", "uniform", "choice"};

static const kind_def kinds[] = {
    {"lognormal", GW_UDIST_LOGNORMAL, "p50|p90", "{dist: lognormal, p50: X, p90: Y}"},
    {"normal", GW_UDIST_NORMAL, "mean|p50|sd|p90", "{dist: normal, mean: X, sd: S}"},
    {"triangular", GW_UDIST_TRIANGULAR, "min|mode|max|low|high",
     "{dist: triangular, min: A, mode: M, max: B}"},
    {"uniform", GW_UDIST_UNIFORM, "min|max|low|high", "{dist: uniform, low: A, high: B}"},
    {"choice", GW_UDIST_CHOICE, "values|weights", "{dist: choice, values: [...], weights: [...]}"},
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

static int key_allowed(const char *keys, const char *k)
{
    size_t len = strlen(k);
    while (*keys) {
        const char *bar = strchr(keys, '|');
        size_t l = bar ? (size_t)(bar - keys) : strlen(keys);
        if (l == len && memcmp(keys, k, l) == 0)
            return 1;
        keys += l + (bar ? 1 : 0);
    }
    return 0;
}

/* `low` and `high` are the same as `min` and `max` (the timeline's resolver
 * reads a uniform's centre as the midpoint of low and high, docs/timeline.md
 * §9, so that spelling works in gigawatt plan too). */
static const char *alias_of(const char *key)
{
    return strcmp(key, "min") == 0 ? "low" : strcmp(key, "max") == 0 ? "high" : NULL;
}

static const gw_node *get_param(const gw_node *map, const char *key)
{
    const gw_node *v = gw_node_get(map, key);
    if (!v && alias_of(key))
        v = gw_node_get(map, alias_of(key));
    return v;
}

/* One parameter of the distribution: required, with the field's unit. */
static int param(const gw_node *map, const char *key, const char *what, gw_dim_id dim,
                 unsigned flags, const kind_def *kd, double *out, gw_error *err)
{
    const gw_node *v = get_param(map, key);
    if (v && alias_of(key) && gw_node_get(map, key) && gw_node_get(map, alias_of(key)))
        return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                            "%s: both '%s' and '%s'; expected one of them", what, key,
                            alias_of(key));
    const gw_node *at = gw_node_key(map, "dist"); /* a flow map's own mark is its end */
    if (!v)
        return gw_error_set(err, GW_E_INPUT, at->file, at->line, at->col,
                            "%s: a %s distribution needs '%s'; expected %s", what, kd->name,
                            key, kd->form);
    char w[160];
    snprintf(w, sizeof w, "%s %s", what, key);
    return gw_decode_quantity(v, w, dim, flags, out, err);
}

static void set_range(gw_uncertain *u, unsigned flags)
{
    u->lo = -DBL_MAX, u->hi = DBL_MAX;
    if (flags & GW_F_POSITIVE)
        u->lo = DBL_MIN;
    if (flags & GW_F_NONNEG)
        u->lo = 0;
    if (flags & GW_F_FRACTION)
        u->lo = 0, u->hi = 1;
    if (flags & GW_F_OPEN_UNIT)
        u->lo = DBL_MIN, u->hi = 1;
}

static int order_error(const gw_node *map, const char *key, const char *what, const char *rule,
                       gw_error *err)
{
    const gw_node *v = get_param(map, key);
    if (!v)
        v = map;
    return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col, "%s: %s", what, rule);
}

static int parse_choice(const gw_node *map, const char *what, gw_dim_id dim, unsigned flags,
                        gw_uncertain *u, gw_error *err)
{
    const gw_node *vals = gw_node_get(map, "values"), *wts = gw_node_get(map, "weights");
    if (!vals || vals->kind != GW_NODE_SEQ || vals->nkids == 0) {
        const gw_node *at = vals ? vals : map;
        return gw_error_set(err, GW_E_INPUT, at->file, at->line, at->col,
                            "%s: a choice needs 'values' as a non-empty list; expected %s", what,
                            kinds[4].form);
    }
    if (vals->nkids > GW_CHOICE_MAX)
        return gw_error_set(err, GW_E_INPUT, vals->file, vals->line, vals->col,
                            "%s: %zu values; expected at most %d", what, vals->nkids,
                            GW_CHOICE_MAX);
    if (wts && (wts->kind != GW_NODE_SEQ || wts->nkids != vals->nkids))
        return gw_error_set(err, GW_E_INPUT, wts->file, wts->line, wts->col,
                            "%s: 'weights' is not a list of %zu numbers; expected one weight "
                            "per value",
                            what, vals->nkids);
    double v[GW_CHOICE_MAX], w[GW_CHOICE_MAX], total = 0;
    int n = (int)vals->nkids, rc;
    char wh[160];
    snprintf(wh, sizeof wh, "%s value", what);
    for (int i = 0; i < n; i++) {
        if ((rc = gw_decode_quantity(vals->kids[i], wh, dim, flags, &v[i], err)))
            return rc;
        w[i] = 1;
        if (wts && (rc = gw_decode_quantity(wts->kids[i], "weight", GW_DIM_NONE, GW_F_NONNEG,
                                            &w[i], err)))
            return rc;
        total += w[i];
    }
    if (!(total > 0))
        return gw_error_set(err, GW_E_INPUT, wts->file, wts->line, wts->col,
                            "%s: the weights add up to zero; expected at least one positive "
                            "weight",
                            what);
    /* sorted by value (insertion sort, stable), so the quantile function is
     * monotone and the copula's ranks mean what they say */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double t = v[j];
            v[j] = v[j - 1], v[j - 1] = t;
            t = w[j], w[j] = w[j - 1], w[j - 1] = t;
        }
    double acc = 0;
    for (int i = 0; i < n; i++) {
        acc += w[i];
        u->values[i] = v[i];
        u->cum[i] = acc / total;
    }
    u->cum[n - 1] = 1;
    u->nchoice = n;
    return GW_OK;
}

int gw_uncertain_parse(const gw_node *n, const char *what, gw_dim_id dim, unsigned flags,
                       gw_uncertain *u, gw_error *err)
{
    memset(u, 0, sizeof *u);
    u->node = n;
    set_range(u, flags);
    int rc;
    if (!gw_uncertain_is_dist(n)) {
        u->kind = GW_UDIST_FIXED;
        return gw_decode_quantity(n, what, dim, flags, &u->a, err);
    }
    const gw_node *dk = gw_node_get(n, "dist");
    const kind_def *kd = NULL;
    for (size_t i = 0; i < NKINDS && dk->kind == GW_NODE_SCALAR; i++)
        if (strcmp(dk->text, kinds[i].name) == 0)
            kd = &kinds[i];
    if (!kd)
        return gw_error_set(err, GW_E_INPUT, dk->file, dk->line, dk->col,
                            "%s: distribution '%.40s' is not known; expected lognormal, normal, "
                            "triangular, uniform or choice",
                            what, dk->kind == GW_NODE_SCALAR ? dk->text : "(not a word)");
    u->kind = kd->kind;
    for (size_t i = 0; i + 1 < n->nkids; i += 2) {
        const gw_node *k = n->kids[i], *v = n->kids[i + 1];
        if (strcmp(k->text, "dist") == 0)
            continue;
        if (strcmp(k->text, "name") == 0) {
            if (v->kind != GW_NODE_SCALAR || !v->text[0] || strlen(v->text) >= GW_TEXT_MAX)
                return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                                    "%s: 'name' is not a short word; expected a name for "
                                    "correlations",
                                    what);
            snprintf(u->name, sizeof u->name, "%s", v->text);
            continue;
        }
        if (!key_allowed(kd->keys, k->text))
            return gw_error_set(err, GW_E_INPUT, k->file, k->line, k->col,
                                "%s: unknown key '%.40s' in a %s distribution; expected %s", what,
                                k->text, kd->name, kd->form);
    }
    switch (kd->kind) {
    case GW_UDIST_LOGNORMAL: {
        double p50, p90;
        if ((rc = param(n, "p50", what, dim, flags | GW_F_POSITIVE, kd, &p50, err)) ||
            (rc = param(n, "p90", what, dim, flags | GW_F_POSITIVE, kd, &p90, err)))
            return rc;
        if (!(p90 > p50))
            return order_error(n, "p90", what, "p90 is not above p50; expected p90 > p50 (the "
                                               "90th percentile above the median)",
                               err);
        u->a = p50, u->b = log(p90 / p50) / Z90;
        break;
    }
    case GW_UDIST_NORMAL: {
        const char *ck = gw_node_get(n, "mean") ? "mean" : "p50";
        if (gw_node_get(n, "mean") && gw_node_get(n, "p50"))
            return order_error(n, "p50", what, "both 'mean' and 'p50'; expected one of them "
                                               "(for a normal they are the same)",
                               err);
        if ((rc = param(n, ck, what, dim, flags, kd, &u->a, err)))
            return rc;
        if (gw_node_get(n, "sd") && gw_node_get(n, "p90"))
            return order_error(n, "p90", what, "both 'sd' and 'p90'; expected one of them",
                               err);
        if (gw_node_get(n, "p90")) {
            double p90;
            if ((rc = param(n, "p90", what, dim, flags, kd, &p90, err)))
                return rc;
            if (!(p90 > u->a))
                return order_error(n, "p90", what, "p90 is not above the median; expected "
                                                   "p90 > p50",
                                   err);
            u->b = (p90 - u->a) / Z90;
        } else if ((rc = param(n, "sd", what, dim, GW_F_POSITIVE, kd, &u->b, err)))
            return rc;
        break;
    }
    case GW_UDIST_TRIANGULAR:
        if ((rc = param(n, "min", what, dim, flags, kd, &u->a, err)) ||
            (rc = param(n, "mode", what, dim, flags, kd, &u->b, err)) ||
            (rc = param(n, "max", what, dim, flags, kd, &u->c, err)))
            return rc;
        if (!(u->a < u->c))
            return order_error(n, "max", what, "max is not above min; expected min < max", err);
        if (u->b < u->a || u->b > u->c)
            return order_error(n, "mode", what, "mode is outside [min, max]; expected min <= "
                                                "mode <= max",
                               err);
        break;
    case GW_UDIST_UNIFORM:
        if ((rc = param(n, "min", what, dim, flags, kd, &u->a, err)) ||
            (rc = param(n, "max", what, dim, flags, kd, &u->b, err)))
            return rc;
        if (!(u->a < u->b))
            return order_error(n, "max", what, "max is not above min; expected min < max", err);
        break;
    case GW_UDIST_CHOICE:
        if ((rc = parse_choice(n, what, dim, flags, u, err)))
            return rc;
        break;
    case GW_UDIST_FIXED:
        break;
    }
    return GW_OK;
}

int gw_decode_quantity_or_median(const gw_node *n, const char *what, gw_dim_id dim,
                                 unsigned flags, double *out, gw_error *err)
{
    gw_uncertain u;
    int rc = gw_uncertain_parse(n, what, dim, flags, &u, err);
    if (rc == GW_OK)
        *out = gw_uncertain_median(&u);
    return rc;
}
