/* src/risk/dist.c — uncertain inputs: their quantile functions, the normal
 * CDF and its inverse, and the Cholesky factor the Gaussian copula needs
 * (engines layer). Contract:
 * include/gigawatt/risk.h; equations: docs/risk.md §2. The `{dist: ...}`
 * mappings are read in the scenario layer (src/scenario/dist.c).
 *
 * Every distribution is sampled by inversion, x = F^-1(Phi(z)) with z the
 * input's (correlated) normal score, so one mechanism gives independent
 * draws, correlated draws and the P10/P90 points of the tornado. */
#include "gigawatt/risk.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

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

/* as a scenario writes each kind (output and the store name them so) */
const char *const gw_udist_names[] = {"fixed",      "normal",  "lognormal",
                                     "triangular", "uniform", "choice"};
