/* src/scenario/dist.c — the one `{dist: ...}` dialect (scenario layer):
 * reading a distribution mapping into a gw_dist_spec, and the risk engine's
 * gw_uncertain built from it (gw_uncertain_parse, declared in risk.h with
 * the engine that samples it). Contract: include/gigawatt/dist.h; the
 * dialect: docs/risk.md §1.
 *
 * This was the parsing half of src/risk/dist.c, and sim read its own
 * dialect in src/scenario/sim_cmd.c. Reading scenario keys is the scenario
 * layer's work, so both now read here; the quantile functions, the normal
 * CDF and the Cholesky factor stay with the engine in src/risk/dist.c. */
#include "gigawatt/dist.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { RISK = 1u << GW_DIST_USE_RISK, SIM = 1u << GW_DIST_USE_SIM };

typedef struct family_def {
    const char *name;
    gw_dist_family family;
    const char *keys; /* its parameters, every spelling, '|'-separated */
    const char *form; /* risk's messages show it */
    unsigned uses;    /* which readers sample it */
} family_def;

static const family_def families[] = {
    {"lognormal", GW_DF_LOGNORMAL, "p50|median|p90|sigma", "{dist: lognormal, p50: X, p90: Y}",
     RISK | SIM},
    {"normal", GW_DF_NORMAL, "mean|p50|sd|p90", "{dist: normal, mean: X, sd: S}", RISK},
    {"triangular", GW_DF_TRIANGULAR, "min|mode|max|low|high",
     "{dist: triangular, min: A, mode: M, max: B}", RISK},
    {"uniform", GW_DF_UNIFORM, "min|max|low|high", "{dist: uniform, low: A, high: B}",
     RISK | SIM},
    {"choice", GW_DF_CHOICE, "values|weights", "{dist: choice, values: [...], weights: [...]}",
     RISK},
    {"fixed", GW_DF_FIXED, "value", "{dist: fixed, value: X}", SIM},
    {"exponential", GW_DF_EXPONENTIAL, "mean", "{dist: exponential, mean: X}", SIM},
    {"gamma", GW_DF_GAMMA, "shape|scale", "{dist: gamma, shape: K, scale: S}", SIM},
    {"pareto", GW_DF_PARETO, "min|alpha", "{dist: pareto, min: X, alpha: A}", SIM},
    {"zipf", GW_DF_ZIPF, "n|exponent", "{dist: zipf, n: N, exponent: S}", SIM},
    {"empirical", GW_DF_EMPIRICAL, "values", "{dist: empirical, values: [...]}", SIM},
};
#define NFAMILIES (sizeof families / sizeof families[0])

/* What one reading needs at hand: the mapping, its family, the field. */
typedef struct reader {
    const gw_node *map;
    const family_def *fd;
    const char *what;
    gw_dim_id dim;
    unsigned flags;
    int strict; /* GW_DIST_USE_RISK: parameters required and range-checked */
    gw_error *err;
} reader;

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

/* The other spelling of a parameter: `low`/`high` for `min`/`max` (the
 * timeline's resolver reads a uniform's centre as the midpoint of low and
 * high, docs/timeline.md §9), `median` for a lognormal's `p50`. */
static const char *alias_of(const char *key)
{
    return strcmp(key, "min") == 0   ? "low"
           : strcmp(key, "max") == 0 ? "high"
           : strcmp(key, "p50") == 0 ? "median"
                                     : NULL;
}

static const gw_node *get_param(const gw_node *map, const char *key)
{
    const gw_node *v = gw_node_get(map, key);
    if (!v && alias_of(key))
        v = gw_node_get(map, alias_of(key));
    return v;
}

static int order_error(const reader *r, const char *key, const char *rule)
{
    const gw_node *v = get_param(r->map, key);
    if (!v)
        v = r->map;
    return gw_error_set(r->err, GW_E_INPUT, v->file, v->line, v->col, "%s: %s", r->what, rule);
}

/* One parameter, under either spelling, with the field's unit. Strict:
 * required, and `flags` checked; else a missing one is 0 and the sampler
 * judges it. `*given` (may be NULL) says whether it was there. */
static int param(const reader *r, const char *key, unsigned flags, double *out, int *given)
{
    const gw_node *map = r->map, *v = get_param(map, key);
    const char *alias = alias_of(key);
    if (given)
        *given = v != NULL;
    if (v && alias && gw_node_get(map, key) && gw_node_get(map, alias))
        return gw_error_set(r->err, GW_E_INPUT, v->file, v->line, v->col,
                            "%s: both '%s' and '%s'; expected one of them", r->what, key, alias);
    if (!v && !r->strict) {
        *out = 0;
        return GW_OK;
    }
    const gw_node *at = gw_node_key(map, "dist"); /* a flow map's own mark is its end */
    if (!v)
        return gw_error_set(r->err, GW_E_INPUT, at->file, at->line, at->col,
                            "%s: a %s distribution needs '%s'; expected %s", r->what,
                            r->fd->name, key, r->fd->form);
    if (!r->strict) /* a token count's parameter, named as written */
        return gw_decode_quantity(v, gw_node_get(map, key) ? key : alias, GW_DIM_NONE, 0, out,
                                  r->err);
    char w[160];
    snprintf(w, sizeof w, "%s %s", r->what, key);
    return gw_decode_quantity(v, w, r->dim, flags, out, r->err);
}

/* p50|median with p90 | sigma; sigma = ln(p90 / p50) / z0.9. */
static int read_lognormal(const reader *r, gw_dist_spec *s)
{
    int rc, has_p90, has_sigma = gw_node_get(r->map, "sigma") != NULL;
    if ((rc = param(r, "p50", r->flags | GW_F_POSITIVE, &s->a, NULL)))
        return rc;
    if (has_sigma && gw_node_get(r->map, "p90"))
        return order_error(r, "sigma", "both 'p90' and 'sigma'; expected one of them");
    if (has_sigma) {
        reader plain = *r;
        plain.dim = GW_DIM_NONE; /* sigma is of the log: no unit */
        return param(&plain, "sigma", GW_F_NONNEG, &s->b, NULL);
    }
    double p90;
    if ((rc = param(r, "p90", r->flags | GW_F_POSITIVE, &p90, &has_p90)))
        return rc;
    if (!has_p90) /* lenient reading without a spread: a point */
        return GW_OK;
    if (!(p90 > s->a))
        return order_error(r, "p90", "p90 is not above p50; expected p90 > p50 (the 90th "
                                     "percentile above the median)");
    s->b = log(p90 / s->a) / GW_Z90;
    return GW_OK;
}

/* mean|p50 with sd | p90. */
static int read_normal(const reader *r, gw_dist_spec *s)
{
    const gw_node *n = r->map;
    const char *ck = gw_node_get(n, "mean") ? "mean" : "p50";
    int rc;
    if (gw_node_get(n, "mean") && gw_node_get(n, "p50"))
        return order_error(r, "p50", "both 'mean' and 'p50'; expected one of them (for a "
                                     "normal they are the same)");
    if ((rc = param(r, ck, r->flags, &s->a, NULL)))
        return rc;
    if (gw_node_get(n, "sd") && gw_node_get(n, "p90"))
        return order_error(r, "p90", "both 'sd' and 'p90'; expected one of them");
    if (!gw_node_get(n, "p90"))
        return param(r, "sd", GW_F_POSITIVE, &s->b, NULL);
    double p90;
    if ((rc = param(r, "p90", r->flags, &p90, NULL)))
        return rc;
    if (!(p90 > s->a))
        return order_error(r, "p90", "p90 is not above the median; expected p90 > p50");
    s->b = (p90 - s->a) / GW_Z90;
    return GW_OK;
}

static int read_triangular(const reader *r, gw_dist_spec *s)
{
    int rc;
    if ((rc = param(r, "min", r->flags, &s->a, NULL)) ||
        (rc = param(r, "mode", r->flags, &s->b, NULL)) ||
        (rc = param(r, "max", r->flags, &s->c, NULL)))
        return rc;
    if (!(s->a < s->c))
        return order_error(r, "max", "max is not above min; expected min < max");
    if (s->b < s->a || s->b > s->c)
        return order_error(r, "mode", "mode is outside [min, max]; expected min <= mode <= max");
    return GW_OK;
}

static int read_uniform(const reader *r, gw_dist_spec *s)
{
    int rc;
    if ((rc = param(r, "min", r->flags, &s->a, NULL)) ||
        (rc = param(r, "max", r->flags, &s->b, NULL)))
        return rc;
    if (r->strict && !(s->a < s->b)) /* lenient: the sampler allows a == b */
        return order_error(r, "max", "max is not above min; expected min < max");
    return GW_OK;
}

/* Sort values (with their weights) ascending: insertion sort, stable. */
static void sort_with(double *v, double *w, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
            double t = v[j];
            v[j] = v[j - 1], v[j - 1] = t;
            if (w)
                t = w[j], w[j] = w[j - 1], w[j - 1] = t;
        }
}

static int read_choice(const reader *r, gw_dist_spec *s)
{
    const gw_node *map = r->map, *vals = gw_node_get(map, "values");
    const gw_node *wts = gw_node_get(map, "weights");
    const char *what = r->what;
    gw_error *err = r->err;
    if (!vals || vals->kind != GW_NODE_SEQ || vals->nkids == 0) {
        const gw_node *at = vals ? vals : map;
        return gw_error_set(err, GW_E_INPUT, at->file, at->line, at->col,
                            "%s: a choice needs 'values' as a non-empty list; expected %s", what,
                            r->fd->form);
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
        if ((rc = gw_decode_quantity(vals->kids[i], wh, r->dim, r->flags, &v[i], err)))
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
    /* sorted by value, so the quantile function is monotone and the
     * copula's ranks mean what they say */
    sort_with(v, w, (size_t)n);
    double acc = 0;
    for (int i = 0; i < n; i++) {
        acc += w[i];
        s->values[i] = v[i];
        s->cum[i] = acc / total;
    }
    s->cum[n - 1] = 1;
    s->nchoice = n;
    return GW_OK;
}

/* An empirical token count: the samples, sorted (the inverse CDF walks the
 * order statistics). */
static int read_empirical(const reader *r, gw_dist_spec *s)
{
    const gw_node *v = gw_node_get(r->map, "values");
    if (!v)
        return GW_OK; /* the sampler refuses an empty one */
    if (v->kind != GW_NODE_SEQ || v->nkids == 0)
        return gw_error_set(r->err, GW_E_INPUT, v->file, v->line, v->col,
                            "%s values are not a list; expected [n1, n2, ...]", r->what);
    if (!(s->samples = malloc(v->nkids * sizeof *s->samples)))
        return gw_error_set(r->err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    s->nsamples = v->nkids;
    for (size_t j = 0; j < v->nkids; j++) {
        int rc = gw_decode_quantity(v->kids[j], "value", GW_DIM_NONE, GW_F_POSITIVE,
                                    &s->samples[j], r->err);
        if (rc)
            return rc;
    }
    sort_with(s->samples, NULL, s->nsamples);
    return GW_OK;
}

/* Families with one or two plain parameters, by their keys in order. */
static int read_plain(const reader *r, gw_dist_spec *s)
{
    char first[16];
    const char *bar = strchr(r->fd->keys, '|');
    snprintf(first, sizeof first, "%.*s", bar ? (int)(bar - r->fd->keys) : 15, r->fd->keys);
    int rc = param(r, first, 0, &s->a, NULL);
    if (!rc && bar)
        rc = param(r, bar + 1, 0, &s->b, NULL);
    return rc;
}

static int read_params(const reader *r, gw_dist_spec *s)
{
    switch (r->fd->family) {
    case GW_DF_LOGNORMAL: return read_lognormal(r, s);
    case GW_DF_NORMAL: return read_normal(r, s);
    case GW_DF_TRIANGULAR: return read_triangular(r, s);
    case GW_DF_UNIFORM: return read_uniform(r, s);
    case GW_DF_CHOICE: return read_choice(r, s);
    case GW_DF_EMPIRICAL: return read_empirical(r, s);
    default: return read_plain(r, s);
    }
}

/* The family named by `dist:`, among those `use` samples. */
static int find_family(const gw_node *n, const char *what, gw_dist_use use,
                       const family_def **out, gw_error *err)
{
    const gw_node *dk = gw_node_get(n, "dist");
    int word = dk && dk->kind == GW_NODE_SCALAR;
    if (use == GW_DIST_USE_SIM && !word)
        return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col,
                            "%s has no 'dist'; expected dist: fixed, uniform, exponential, gamma, "
                            "lognormal, pareto, zipf or empirical",
                            what);
    for (size_t i = 0; i < NFAMILIES && word; i++)
        if (strcmp(dk->text, families[i].name) == 0 && (families[i].uses & (1u << use)))
            *out = &families[i];
    if (*out)
        return GW_OK;
    if (use == GW_DIST_USE_SIM)
        return gw_error_set(err, GW_E_INPUT, dk->file, dk->line, dk->col,
                            "distribution '%.40s' is not known; expected fixed, uniform, "
                            "exponential, gamma, lognormal, pareto, zipf or empirical",
                            dk->text);
    return gw_error_set(err, GW_E_INPUT, dk->file, dk->line, dk->col,
                        "%s: distribution '%.40s' is not known; expected lognormal, normal, "
                        "triangular, uniform or choice",
                        what, word ? dk->text : "(not a word)");
}

/* Every key of the mapping is the family's, or `name:` (risk), or
 * at_least / at_most (sim), which are read here. */
static int check_keys(const reader *r, gw_dist_spec *s)
{
    const gw_node *n = r->map;
    for (size_t i = 0; i + 1 < n->nkids; i += 2) {
        const gw_node *k = n->kids[i], *v = n->kids[i + 1];
        int rc = GW_OK;
        if (strcmp(k->text, "dist") == 0 || key_allowed(r->fd->keys, k->text))
            continue;
        if (r->strict && strcmp(k->text, "name") == 0) {
            if (v->kind != GW_NODE_SCALAR || !v->text[0] || strlen(v->text) >= GW_TEXT_MAX)
                return gw_error_set(r->err, GW_E_INPUT, v->file, v->line, v->col,
                                    "%s: 'name' is not a short word; expected a name for "
                                    "correlations",
                                    r->what);
            snprintf(s->name, sizeof s->name, "%s", v->text);
        } else if (!r->strict && strcmp(k->text, "at_least") == 0)
            rc = gw_decode_quantity(v, k->text, GW_DIM_NONE, GW_F_NONNEG, &s->at_least, r->err);
        else if (!r->strict && strcmp(k->text, "at_most") == 0)
            rc = gw_decode_quantity(v, k->text, GW_DIM_NONE, GW_F_POSITIVE, &s->at_most, r->err);
        else if (r->strict)
            return gw_error_set(r->err, GW_E_INPUT, k->file, k->line, k->col,
                                "%s: unknown key '%.40s' in a %s distribution; expected %s",
                                r->what, k->text, r->fd->name, r->fd->form);
        else
            return gw_error_set(r->err, GW_E_INPUT, k->file, k->line, k->col,
                                "unknown key '%.40s' in the distribution; expected its "
                                "parameters, at_least or at_most",
                                k->text);
        if (rc)
            return rc;
    }
    return GW_OK;
}

int gw_dist_spec_parse(const gw_node *n, const char *what, gw_dim_id dim, unsigned flags,
                       gw_dist_use use, gw_dist_spec *s, gw_error *err)
{
    memset(s, 0, sizeof *s);
    const family_def *fd = NULL;
    int rc = find_family(n, what, use, &fd, err);
    if (rc)
        return rc;
    reader r = {.map = n, .fd = fd, .what = what, .dim = dim, .flags = flags,
                .strict = use == GW_DIST_USE_RISK, .err = err};
    s->family = fd->family;
    if ((rc = check_keys(&r, s)) == GW_OK)
        rc = read_params(&r, s);
    if (rc) {
        free(s->samples);
        s->samples = NULL, s->nsamples = 0;
    }
    return rc;
}

/* ---- the centre a deterministic command takes ------------------------------------ */

int gw_dist_centre(const gw_node *m, const char *what, gw_dim_id dim, unsigned flags, double *v,
                   gw_error *err)
{
    static const char *const keys[] = {"p50", "median", "mean", "mode"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const gw_node *c = gw_node_get(m, keys[i]);
        if (c)
            return gw_decode_quantity(c, what, dim, flags, v, err);
    }
    /* a uniform may be written low/high or min/max (the dialect takes both) */
    const gw_node *lo = gw_node_get(m, "low"), *hi = gw_node_get(m, "high");
    if (!lo && !hi)
        lo = gw_node_get(m, "min"), hi = gw_node_get(m, "max");
    if (lo && hi) {
        double a, b;
        int rc = gw_decode_quantity(lo, what, dim, 0, &a, err);
        if (!rc)
            rc = gw_decode_quantity(hi, what, dim, 0, &b, err);
        if (rc)
            return rc;
        *v = (a + b) / 2;
        return GW_OK;
    }
    const gw_node *ch = gw_node_get(m, "choices");
    if (!ch)
        ch = gw_node_get(m, "values");
    if (ch && ch->kind == GW_NODE_SEQ && ch->nkids > 0) {
        const gw_node *first = ch->kids[0];
        if (first->kind == GW_NODE_MAP && gw_node_get(first, "value"))
            first = gw_node_get(first, "value");
        return gw_decode_quantity(first, what, dim, flags, v, err);
    }
    return gw_error_set(err, GW_E_INPUT, m->file, m->line, m->col,
                        "distribution for '%s' has no central value; expected p50 (or median, "
                        "mean, mode, low and high, min and max, or choices)",
                        what);
}

/* ---- the risk engine's uncertain inputs ------------------------------------------ */

int gw_uncertain_is_dist(const gw_node *n)
{
    return n && n->kind == GW_NODE_MAP && gw_node_get(n, "dist") != NULL;
}

/* The field's range: samples are clamped into it. */
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

int gw_uncertain_parse(const gw_node *n, const char *what, gw_dim_id dim, unsigned flags,
                       gw_uncertain *u, gw_error *err)
{
    memset(u, 0, sizeof *u);
    u->node = n;
    set_range(u, flags);
    if (!gw_uncertain_is_dist(n)) {
        u->kind = GW_UDIST_FIXED;
        return gw_decode_quantity(n, what, dim, flags, &u->a, err);
    }
    gw_dist_spec s;
    int rc = gw_dist_spec_parse(n, what, dim, flags, GW_DIST_USE_RISK, &s, err);
    if (rc)
        return rc;
    static const gw_udist_kind kind_of[] = {
        [GW_DF_NORMAL] = GW_UDIST_NORMAL,         [GW_DF_LOGNORMAL] = GW_UDIST_LOGNORMAL,
        [GW_DF_TRIANGULAR] = GW_UDIST_TRIANGULAR, [GW_DF_UNIFORM] = GW_UDIST_UNIFORM,
        [GW_DF_CHOICE] = GW_UDIST_CHOICE,
    };
    u->kind = kind_of[s.family]; /* GW_DIST_USE_RISK reads only these families */
    u->a = s.a, u->b = s.b, u->c = s.c;
    u->nchoice = s.nchoice;
    memcpy(u->values, s.values, sizeof u->values);
    memcpy(u->cum, s.cum, sizeof u->cum);
    snprintf(u->name, sizeof u->name, "%s", s.name);
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
