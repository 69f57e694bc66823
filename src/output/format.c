/* src/output/format.c — number formatting for the text outputs (output
 * layer). The growable buffer and the file helpers it once held live in
 * core (src/core/buffer.c, src/core/file.c). */
#include <math.h>
#include <stdio.h>

#include "gigawatt/output.h"

void gw_format_si(double v, const char *unit, char *buf, size_t n)
{
    static const struct {
        double f;
        const char *p;
    } pf[] = {{1e18, "E"}, {1e15, "P"}, {1e12, "T"}, {1e9, "G"}, {1e6, "M"},
              {1e3, "k"},  {1, ""},     {1e-3, "m"}};
    double a = fabs(v);
    for (size_t i = 0; i < sizeof pf / sizeof pf[0]; i++) {
        if (a >= pf[i].f * 0.9995 || i == sizeof pf / sizeof pf[0] - 1) {
            double x = v / pf[i].f;
            if (a == 0)
                x = 0, i = 6;
            int prec = fabs(x) >= 100 ? 0 : fabs(x) >= 10 ? 1 : 2;
            snprintf(buf, n, "%.*f %s%s", prec, x, a == 0 ? "" : pf[i].p, unit);
            return;
        }
    }
}

void gw_format_usd(double v, char *buf, size_t n)
{
    static const struct {
        double f;
        const char *p;
    } pf[] = {{1e12, "T "}, {1e9, "B "}, {1e6, "M "}, {1e3, "k "}};
    double a = fabs(v);
    for (size_t i = 0; i < sizeof pf / sizeof pf[0]; i++)
        if (a >= pf[i].f * 0.9995) {
            double x = v / pf[i].f;
            snprintf(buf, n, "%.*f %sUSD", fabs(x) >= 100 ? 0 : fabs(x) >= 10 ? 1 : 2, x,
                     pf[i].p);
            return;
        }
    snprintf(buf, n, "%.2f USD", v);
}

void gw_format_count(double v, char *buf, size_t n)
{
    double a = fabs(v);
    if (a >= 1e9)
        snprintf(buf, n, "%.2f B", v / 1e9);
    else if (a >= 1e6)
        snprintf(buf, n, "%.2f M", v / 1e6);
    else if (a >= 1e4)
        snprintf(buf, n, "%.1f k", v / 1e3);
    else if (a == floor(a))
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, "%.2f", v);
}
