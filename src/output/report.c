/* src/output/report.c — a self-contained HTML report from result JSON
 * (output layer): inline CSS and SVG, no script, nothing fetched, readable
 * when printed. One section per result with its headline figures and charts
 * chosen by the result's kind (docs/report.md); every chart is an
 * <svg class='chart'> with a title, axis labels with units and a legend, and
 * the numbers behind it in a <details> table right under it. Two or more
 * results of one kind also get side-by-side charts and a table of their
 * differences. Charts are drawn here from the JSON alone, so a report can be
 * made later from saved results, on a machine without the scenario. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/output.h"
#include "text_int.h"

/* A figure in a table or a tooltip: six digits, grouped, never an exponent. */
#define FIG(v) gw_text_num((v), 6).s

static const char *const palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
#define NPALETTE (sizeof palette / sizeof palette[0])

/* The plot area inside every chart's viewBox (pixels). */
enum { CH_W = 720, CH_H = 320, CH_LEFT = 78, CH_RIGHT = 20, CH_TOP = 40, CH_BOTTOM = 78 };
#define CH_PW ((double)(CH_W - CH_LEFT - CH_RIGHT)) /* plot width */
#define CH_PH ((double)(CH_H - CH_TOP - CH_BOTTOM)) /* plot height */

static void esc(gw_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': gw_buf_printf(b, "&lt;"); break;
        case '>': gw_buf_printf(b, "&gt;"); break;
        case '&': gw_buf_printf(b, "&amp;"); break;
        case '\'': gw_buf_printf(b, "&#39;"); break;
        case '"': gw_buf_printf(b, "&quot;"); break;
        default: gw_buf_printf(b, "%c", *s);
        }
    }
}

static const cJSON *jget(const cJSON *o, const char *k)
{
    return o ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

/* A number member, NAN when absent or not a number. */
static double jnum(const cJSON *o, const char *k)
{
    const cJSON *x = jget(o, k);
    return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

static const char *jstr(const cJSON *o, const char *k)
{
    const cJSON *x = jget(o, k);
    return cJSON_IsString(x) ? x->valuestring : "";
}

/* Numbers of a JSON array (or of member k of each object in it), into a
 * fresh array (caller frees; NULL when out of memory). */
static double *jarray_of(const cJSON *a, const char *k, size_t *n)
{
    *n = cJSON_IsArray(a) ? (size_t)cJSON_GetArraySize(a) : 0;
    double *v = calloc(*n ? *n : 1, sizeof *v);
    size_t i = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, a) if (v && i < *n)
    {
        const cJSON *y = k ? jget(x, k) : x;
        v[i++] = cJSON_IsNumber(y) ? y->valuedouble : NAN;
    }
    return v;
}

static double *jarray(const cJSON *a, size_t *n)
{
    return jarray_of(a, NULL, n);
}

typedef struct series {
    const char *name;
    const double *v;
} series;

/* x as a quarter's label: 2027.5 -> "2027-Q3" (the inverse of quarter_year). */
static void quarter_label(char *buf, size_t n, double x)
{
    double q = floor(x * 4 + 0.5);
    snprintf(buf, n, "%.0f-Q%.0f", floor(q / 4), q - 4 * floor(q / 4) + 1);
}

/* Legend entries in rows under the plot, wrapping at the chart's width. */
static void legend(gw_buf *b, const char *const *names, int n, double y)
{
    double x = CH_LEFT;
    for (int k = 0; k < n; k++) {
        double w = 30 + 6.5 * (double)strlen(names[k]);
        if (x + w > CH_W && x > CH_LEFT)
            x = CH_LEFT, y += 16;
        gw_buf_printf(b, "<rect x='%.0f' y='%.0f' width='12' height='12' fill='%s'/>", x,
                      y - 10, palette[(size_t)k % NPALETTE]);
        gw_buf_printf(b, "<text x='%.0f' y='%.0f' class='leg'>", x + 16, y);
        esc(b, names[k]);
        gw_buf_printf(b, "</text>");
        x += w;
    }
}

static void series_legend(gw_buf *b, const series *s, int ns, double y)
{
    const char *names[16];
    int n = ns < 16 ? ns : 16;
    for (int k = 0; k < n; k++)
        names[k] = s[k].name;
    legend(b, names, n, y);
}

/* A value axis's unit and tick text (issue 14 item 9): the unit rescaled
 * to what the data reach ("billion USD" over 11,370 reads "trillion USD"),
 * ticks in it with the decimals their step needs, never an exponent; one
 * formatter (src/output/format.c) for every chart. */
typedef struct value_axis {
    char unit[96];
    double factor; /* from the caller's unit to .unit */
    double step;   /* between ticks, in .unit */
} value_axis;

static value_axis axis_for(double lo, double hi, const char *unit, int nsteps)
{
    value_axis ax;
    ax.factor = gw_format_axis_unit(fmax(fabs(lo), fabs(hi)), unit, ax.unit, sizeof ax.unit);
    ax.step = (hi - lo) / nsteps * ax.factor;
    return ax;
}

static void axis_tick(const value_axis *ax, double v, char *buf, size_t n)
{
    gw_format_tick(v * ax->factor, ax->step, buf, n);
}

/* "ylabel (unit)" as an axis label's text. */
static void axis_label(gw_buf *b, const char *label, const char *unit)
{
    esc(b, label);
    gw_buf_printf(b, " (");
    esc(b, unit);
    gw_buf_printf(b, ")");
}

/* The top of a value axis from 0 (src/output/format.c chooses it). */
static double nice_max(double m)
{
    return gw_format_axis_top(m);
}

static double finite_max(const series *s, int ns, size_t n)
{
    double m = 0;
    for (int k = 0; k < ns; k++)
        for (size_t i = 0; i < n; i++)
            if (isfinite(s[k].v[i]) && s[k].v[i] > m)
                m = s[k].v[i];
    return m;
}

/* <figure><svg class='chart'> of height h with its title (tooltip and text). */
static void svg_open(gw_buf *b, const char *title, int h)
{
    gw_buf_printf(b, "<figure><svg class='chart' viewBox='0 0 %d %d' width='%d' height='%d' "
                     "role='img' xmlns='http://www.w3.org/2000/svg'><title>",
                  CH_W, h, CH_W, h);
    esc(b, title);
    gw_buf_printf(b, "</title><text x='%d' y='20' class='title'>", CH_W / 2);
    esc(b, title);
    gw_buf_printf(b, "</text>");
}

/* Side by side, the same chart of every result shares its value axis, so
 * that bars and lines compare by eye: render() draws the results twice,
 * first only to learn each chart's data range (keyed by its title), then
 * for real with the union of the ranges. Passed down to every chart (NULL
 * outside a comparison), so renders on several threads share nothing. */
typedef struct shared_scales {
    int learning, n;
    char title[128][96];
    double lo[128], hi[128];
} shared_scales;

/* Widen [*lowest, *highest] (a chart's data) to what the same chart spans in
 * the other results; while learning, record it instead. */
static void shared_range(shared_scales *sh, const char *title, double *lowest, double *highest)
{
    if (!sh || !title)
        return;
    int i = 0;
    while (i < sh->n && strncmp(sh->title[i], title, sizeof sh->title[i] - 1) != 0)
        i++;
    if (sh->learning) {
        if (i == sh->n) {
            if (sh->n == 128)
                return;
            snprintf(sh->title[sh->n], sizeof sh->title[0], "%s", title);
            sh->lo[sh->n] = *lowest, sh->hi[sh->n] = *highest, sh->n++;
        } else {
            sh->lo[i] = fmin(sh->lo[i], *lowest), sh->hi[i] = fmax(sh->hi[i], *highest);
        }
    } else if (i < sh->n) {
        *lowest = fmin(*lowest, sh->lo[i]), *highest = fmax(*highest, sh->hi[i]);
    }
}

/* Open a chart: frame, title, y axis with 5 ticks, axis labels. */
/* A y range [*lo, *hi] over data in [lowest, highest] with four round steps:
 * from 0 when nothing is negative, else from below the lowest value. */
static void y_range(double lowest, double highest, double *lo, double *hi)
{
    *lo = 0;
    *hi = nice_max(highest);
    if (lowest < 0) {
        double step = nice_max((highest - lowest) / 4);
        while (floor(lowest / step) * step + 4 * step < highest)
            step = nice_max(step * 1.01);
        *lo = floor(lowest / step) * step;
        *hi = *lo + 4 * step;
    }
}

/* Round ticks on a linear x axis [x0, x1] drawn from px0 over width px:
 * multiples of a 1-2-5 step, at most 8 of them (years come out as years). */
static void quarter_label(char *buf, size_t n, double x);

/* (With `quarters`, x is in years and a tick between whole years reads as
 * its quarter: 2026-Q3, not 2026.5.) */
static void x_ticks(gw_buf *b, double x0, double x1, double px0, double px, double y,
                    int quarters, int integral)
{
    double span = x1 - x0;
    if (!(span > 0))
        return;
    double step = gw_format_tick_step(span, 8, integral && !quarters ? 1 : 0);
    if (quarters && step < 1) /* ticks on quarters: every quarter or every half year */
        step = span / 0.25 <= 8 ? 0.25 : 0.5;
    for (double v = ceil(x0 / step - 1e-9) * step; v <= x1 + step * 1e-9; v += step) {
        char t[32];
        if (quarters && fabs(v - floor(v + 0.5)) > 1e-6)
            quarter_label(t, sizeof t, v);
        else
            gw_format_tick(v, step, t, sizeof t);
        gw_buf_printf(b, "<text x='%.1f' y='%.0f' class='tick' text-anchor='middle'>%s</text>",
                      px0 + px * (v - x0) / span, y, t);
    }
}

/* The y axis runs from ymin (0, or below for values that go negative) to
 * ymax; y_of() places a value on it. */
static double y_of(double v, double ymin, double ymax)
{
    return CH_H - CH_BOTTOM - CH_PH * (v - ymin) / (ymax - ymin);
}

static void axes(gw_buf *b, const char *title, const char *xlabel, const char *ylabel,
                 const char *unit, double ymin, double ymax)
{
    svg_open(b, title, CH_H);
    value_axis ax = axis_for(ymin, ymax, unit, 4);
    for (int k = 0; k <= 4; k++) {
        double y = CH_H - CH_BOTTOM - CH_PH * k / 4.0;
        gw_buf_printf(b, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' class='grid'/>", CH_LEFT, y,
                      CH_W - CH_RIGHT, y);
        char t[32];
        axis_tick(&ax, ymin + (ymax - ymin) * k / 4, t, sizeof t);
        gw_buf_printf(b, "<text x='%d' y='%.1f' class='tick' text-anchor='end'>%s</text>",
                      CH_LEFT - 4, y + 4, t);
    }
    gw_buf_printf(b, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' class='axis'/>", CH_LEFT,
                  y_of(0, ymin, ymax), CH_W - CH_RIGHT, y_of(0, ymin, ymax));
    gw_buf_printf(b, "<line x1='%d' y1='%d' x2='%d' y2='%d' class='axis'/>", CH_LEFT, CH_TOP,
                  CH_LEFT, CH_H - CH_BOTTOM);
    gw_buf_printf(b, "<text x='%.0f' y='%d' class='lab'>", CH_LEFT + CH_PW / 2,
                  CH_H - CH_BOTTOM + 34);
    esc(b, xlabel);
    gw_buf_printf(b, "</text><text x='16' y='%.0f' class='lab' transform='rotate(-90 16 %.0f)'>",
                  CH_TOP + CH_PH / 2, CH_TOP + CH_PH / 2);
    axis_label(b, ylabel, ax.unit);
    gw_buf_printf(b, "</text>");
}

/* The top of a chart's data, or for a chart of nothing but zeros (no
 * overflow in a short fleet run) one of the plain unit: an axis from 0 to 1
 * request, not to 1 "million". */
static double empty_top(double top, const char *unit)
{
    char plain[96];
    return top > 0 ? top : 1 / gw_format_axis_unit(0, unit, plain, sizeof plain);
}

/* The numbers behind a chart, one click away, under it: a row per x (labels[i], else x[i], as a
 * quarter when `quarters`), a column per series. */
static void table(gw_buf *b, const char *xlabel, const char *const *labels, const double *x,
                  int quarters, size_t n, const series *s, int ns, const char *unit)
{
    /* in the unit the numbers reach, as the chart's axis reads */
    double top = 0;
    for (int k = 0; k < ns; k++)
        for (size_t i = 0; i < n; i++)
            if (isfinite(s[k].v[i]))
                top = fmax(top, fabs(s[k].v[i]));
    value_axis ax = axis_for(0, empty_top(top, unit), unit, 4);
    gw_buf_printf(b, "<details><summary>numbers</summary><table><tr><th>");
    esc(b, quarters ? "quarter" : xlabel);
    gw_buf_printf(b, "</th>");
    for (int k = 0; k < ns; k++) {
        gw_buf_printf(b, "<th>");
        axis_label(b, s[k].name, ax.unit);
        gw_buf_printf(b, "</th>");
    }
    gw_buf_printf(b, "</tr>");
    for (size_t i = 0; i < n; i++) {
        gw_buf_printf(b, "<tr><td>");
        char q[32];
        if (labels)
            esc(b, labels[i]);
        else if (quarters && isfinite(x[i]) && fabs(x[i]) < 1e6) {
            quarter_label(q, sizeof q, x[i]);
            gw_buf_printf(b, "%s", q);
        } else
            gw_buf_printf(b, "%s", FIG(x[i]));
        gw_buf_printf(b, "</td>");
        for (int k = 0; k < ns; k++)
            gw_buf_printf(b, "<td>%s</td>", FIG(s[k].v[i] * ax.factor)); /* NaN: "-" */
        gw_buf_printf(b, "</tr>");
    }
    gw_buf_printf(b, "</table></details>");
}

/* Grouped bars: n categories, ns series, y from 0. */
static void bar_chart(gw_buf *b, shared_scales *sh, const char *title, const char *xlabel, const char *ylabel,
                      const char *unit, const char *const *labels, size_t n, const series *s,
                      int ns)
{
    double zero = 0, top = finite_max(s, ns, n);
    shared_range(sh, title, &zero, &top);
    double ymax = nice_max(empty_top(top, unit));
    axes(b, title, xlabel, ylabel, unit, 0, ymax);
    double slot = CH_PW / (double)(n ? n : 1), bw = slot * 0.8 / ns;
    size_t stride = n > 10 ? (n + 9) / 10 : 1;
    for (size_t i = 0; i < n; i++) {
        for (int k = 0; k < ns; k++) {
            double v = isfinite(s[k].v[i]) && s[k].v[i] > 0 ? s[k].v[i] : 0;
            double h = CH_PH * v / ymax;
            gw_buf_printf(b, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'>"
                             "<title>%s</title></rect>",
                          CH_LEFT + slot * (double)i + slot * 0.1 + bw * k,
                          CH_H - CH_BOTTOM - h, bw, h, palette[(size_t)k % NPALETTE], FIG(v));
        }
        if (i % stride) /* many bars (a histogram): label every stride-th */
            continue;
        gw_buf_printf(b, "<text x='%.1f' y='%d' class='tick' text-anchor='middle'>",
                      CH_LEFT + slot * ((double)i + 0.5), CH_H - CH_BOTTOM + 14);
        esc(b, labels[i]);
        gw_buf_printf(b, "</text>");
    }
    series_legend(b, s, ns, CH_H - 22);
    gw_buf_printf(b, "</svg></figure>");
    table(b, xlabel, labels, NULL, 0, n, s, ns, unit);
}

/* A horizontal reference line on a line chart (a latency target, say). */
typedef struct hline {
    const char *name;
    double y;
} hline;

/* Lines over x (x ascending); `log_x` for batch sweeps; optional hlines. */
/* Every x an integer (hours, years, batch sizes): no tick between them. */
static int integral_x(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (x[i] != floor(x[i]))
            return 0;
    return n > 0;
}

static void line_chart_ex(gw_buf *b, shared_scales *sh, const char *title, const char *xlabel, const char *ylabel,
                          const char *unit, const double *x, size_t n, const series *s, int ns,
                          int log_x, const hline *hl, int nhl, int quarters)
{
    double m = finite_max(s, ns, n);
    for (int k = 0; k < nhl; k++)
        if (isfinite(hl[k].y) && hl[k].y > m)
            m = hl[k].y;
    double lowest = 0; /* cash, say, goes negative: the axis then reaches below 0 */
    for (int k = 0; k < ns; k++)
        for (size_t i = 0; i < n; i++)
            if (isfinite(s[k].v[i]) && s[k].v[i] < lowest)
                lowest = s[k].v[i];
    double ymin, ymax;
    shared_range(sh, title, &lowest, &m);
    y_range(lowest, empty_top(m, unit), &ymin, &ymax);
    axes(b, title, xlabel, ylabel, unit, ymin, ymax);
    double x0 = n ? x[0] : 0, x1 = n ? x[n - 1] : 1;
    if (log_x && !(x0 > 0))
        log_x = 0;
    if (log_x)
        x0 = log(x0), x1 = log(x1);
    if (!(x1 > x0))
        x1 = x0 + 1;
#define XPOS(v) (CH_LEFT + CH_PW * (((log_x ? log(v) : (v))) - x0) / (x1 - x0))
    for (int k = 0; k < ns; k++) {
        /* one polyline per run of numbers: a gap (NaN) is not bridged */
        for (size_t i = 0; i < n; i++) {
            if (!isfinite(s[k].v[i]))
                continue;
            gw_buf_printf(b, "<polyline fill='none' stroke='%s' stroke-width='2' points='",
                          palette[(size_t)k % NPALETTE]);
            for (; i < n && isfinite(s[k].v[i]); i++)
                gw_buf_printf(b, "%.1f,%.1f ", XPOS(x[i]), y_of(s[k].v[i], ymin, ymax));
            gw_buf_printf(b, "'/>");
        }
        if (n <= 40) /* markers where a reader may want to hover a value */
            for (size_t i = 0; i < n; i++)
                if (isfinite(s[k].v[i]))
                    gw_buf_printf(b, "<circle cx='%.1f' cy='%.1f' r='3' fill='%s'><title>%s, "
                                     "%s</title></circle>",
                                  XPOS(x[i]), y_of(s[k].v[i], ymin, ymax),
                                  palette[(size_t)k % NPALETTE], FIG(x[i]), FIG(s[k].v[i]));
    }
    for (int k = 0; k < nhl; k++) {
        if (!isfinite(hl[k].y) || hl[k].y <= 0)
            continue;
        double y = y_of(hl[k].y, ymin, ymax);
        gw_buf_printf(b, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' class='ref'/>"
                         "<text x='%d' y='%.1f' class='tick' text-anchor='end'>",
                      CH_LEFT, y, CH_W - CH_RIGHT, y, CH_W - CH_RIGHT - 2, y - 3);
        esc(b, hl[k].name);
        gw_buf_printf(b, " %s ", gw_text_num(hl[k].y, 3).s);
        esc(b, unit);
        gw_buf_printf(b, "</text>");
    }
    char t[32];
    if (log_x && n <= 12) { /* a log axis: label the data's own x values, */
        double last = -1e9;  /* skipping one that would overprint the previous */
        for (size_t i = 0; i < n; i++) {
            if (XPOS(x[i]) - last < 28)
                continue;
            last = XPOS(x[i]);
            gw_format_tick(x[i], x[i], t, sizeof t);
            gw_buf_printf(b, "<text x='%.0f' y='%d' class='tick' text-anchor='middle'>%s</text>",
                          XPOS(x[i]), CH_H - CH_BOTTOM + 14, t);
        }
    }
    else if (log_x)
        for (int k = 0; k <= 4; k++) {
            double v = exp(x0 + (x1 - x0) * k / 4);
            gw_format_tick(v, v, t, sizeof t);
            gw_buf_printf(b, "<text x='%.0f' y='%d' class='tick' text-anchor='middle'>%s</text>",
                          CH_LEFT + CH_PW * k / 4.0, CH_H - CH_BOTTOM + 14, t);
        }
    else
        x_ticks(b, x0, x1, CH_LEFT, CH_PW, CH_H - CH_BOTTOM + 14, quarters, integral_x(x, n));
#undef XPOS
    series_legend(b, s, ns, CH_H - 22);
    gw_buf_printf(b, "</svg></figure>");
    table(b, xlabel, NULL, x, quarters, n, s, ns, unit);
}

static void line_chart(gw_buf *b, shared_scales *sh, const char *title, const char *xlabel, const char *ylabel,
                       const char *unit, const double *x, size_t n, const series *s, int ns)
{
    line_chart_ex(b, sh, title, xlabel, ylabel, unit, x, n, s, ns, 0, NULL, 0, 0);
}

/* Stacked horizontal bars on one scale: row r is the parts v[r][0..np[r]),
 * named names[r][..]. For flows (grid -> IT -> heat) the rows line up. */
typedef struct stack_row {
    const char *label;
    int np;
    const char *names[16];
    double v[16];
} stack_row;

static void stacked_rows(gw_buf *b, shared_scales *sh, const char *title, const char *xlabel, const char *unit,
                         const stack_row *rows, int nr)
{
    double m = 0;
    int nparts = 0;
    for (int r = 0; r < nr; r++) {
        double t = 0;
        for (int p = 0; p < rows[r].np; p++)
            t += rows[r].v[p] > 0 ? rows[r].v[p] : 0;
        m = t > m ? t : m;
        nparts += rows[r].np;
    }
    double zero = 0;
    shared_range(sh, title, &zero, &m);
    double xmax = nice_max(m), rowh = 34, left = 150;
    int h = (int)(CH_TOP + rowh * nr + 60 + 16 * ((nparts + 5) / 6));
    svg_open(b, title, h);
    double pw = CH_W - left - CH_RIGHT, base = CH_TOP + rowh * nr;
    value_axis ax = axis_for(0, xmax, unit, 4);
    for (int k = 0; k <= 4; k++) {
        char t[32];
        axis_tick(&ax, xmax * k / 4, t, sizeof t);
        gw_buf_printf(b, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%.1f' class='grid'/>"
                         "<text x='%.1f' y='%.1f' class='tick' text-anchor='middle'>%s</text>",
                      left + pw * k / 4, CH_TOP, left + pw * k / 4, base, left + pw * k / 4,
                      base + 14, t);
    }
    gw_buf_printf(b, "<text x='%.0f' y='%.0f' class='lab'>", left + pw / 2, base + 32);
    axis_label(b, xlabel, ax.unit);
    gw_buf_printf(b, "</text>");
    const char *legend_names[64];
    int nl = 0, colour = 0;
    for (int r = 0; r < nr; r++) {
        double y = CH_TOP + rowh * r + 4, x = left;
        gw_buf_printf(b, "<text x='%.0f' y='%.0f' class='tick' text-anchor='end'>",
                      left - 6, y + 17);
        esc(b, rows[r].label);
        gw_buf_printf(b, "</text>");
        for (int p = 0; p < rows[r].np; p++, colour++) {
            double v = rows[r].v[p] > 0 ? rows[r].v[p] : 0, w = pw * v / xmax;
            gw_buf_printf(b, "<rect x='%.1f' y='%.0f' width='%.1f' height='%.0f' fill='%s'>"
                             "<title>",
                          x, y, w, rowh - 8, palette[(size_t)colour % NPALETTE]);
            esc(b, rows[r].names[p]);
            gw_buf_printf(b, ": %s ", FIG(v));
            esc(b, unit);
            gw_buf_printf(b, "</title></rect>");
            x += w;
            if (nl < 64)
                legend_names[nl++] = rows[r].names[p];
        }
    }
    legend(b, legend_names, nl, base + 52);
    gw_buf_printf(b, "</svg></figure><details><summary>numbers</summary><table>"
                     "<tr><th>row</th><th>part</th><th>");
    esc(b, unit);
    gw_buf_printf(b, "</th><th>share of the row</th></tr>");
    for (int r = 0; r < nr; r++) {
        double t = 0;
        for (int p = 0; p < rows[r].np; p++)
            t += rows[r].v[p];
        for (int p = 0; p < rows[r].np; p++) {
            gw_buf_printf(b, "<tr><td>");
            esc(b, rows[r].label);
            gw_buf_printf(b, "</td><td>");
            esc(b, rows[r].names[p]);
            gw_buf_printf(b, "</td><td>%s</td><td>%.1f%%</td></tr>", FIG(rows[r].v[p]),
                          t > 0 ? 100 * rows[r].v[p] / t : 0);
        }
    }
    gw_buf_printf(b, "</table></details>");
}

/* Top-level scalars (numbers and strings) of an object, as a two-column table. */
static void kv_table(gw_buf *b, const cJSON *o)
{
    gw_buf_printf(b, "<table class='kv'>");
    const cJSON *x;
    cJSON_ArrayForEach(x, o)
    {
        if (!cJSON_IsNumber(x) && !cJSON_IsString(x))
            continue;
        gw_buf_printf(b, "<tr><th>");
        esc(b, x->string);
        gw_buf_printf(b, "</th><td>");
        if (cJSON_IsNumber(x))
            gw_buf_printf(b, "%s", FIG(x->valuedouble));
        else
            esc(b, x->valuestring);
        gw_buf_printf(b, "</td></tr>");
    }
    gw_buf_printf(b, "</table>");
}

/* The headline figures of a result: label, value, unit; NAN ones skipped. */
typedef struct headline {
    const char *label;
    double v;
    const char *unit;
} headline;

static void headlines(gw_buf *b, const headline *h, int n)
{
    gw_buf_printf(b, "<div class='heads'>");
    for (int i = 0; i < n; i++) {
        if (!isfinite(h[i].v))
            continue;
        char num[48];
        gw_format_number(h[i].v, 4, num, sizeof num); /* "1.099 T", "20.77 M", "0.382" */
        gw_buf_printf(b, "<div class='head'><span class='v'>%s</span> <span class='u'>", num);
        esc(b, h[i].unit);
        gw_buf_printf(b, "</span><br><span class='l'>");
        esc(b, h[i].label);
        gw_buf_printf(b, "</span></div>");
    }
    gw_buf_printf(b, "</div>");
}

/* Numbered members of an object (a breakdown), scaled, into a stack row. */
static void breakdown_row(stack_row *row, const char *label, const cJSON *o, double scale)
{
    row->label = label;
    row->np = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, o) if (row->np < 16 && cJSON_IsNumber(x) && x->valuedouble > 0)
    {
        row->names[row->np] = x->string;
        row->v[row->np++] = x->valuedouble * scale;
    }
}

/* ---- rack: power from the grid meter to the chips and on to the heat ---- */

/* The flow of one rack's power (a rack or plan result's per-rack object). */
static void rack_flow(gw_buf *b, shared_scales *sh, const cJSON *o, const char *title)
{
    stack_row rows[3];
    stack_row *g = &rows[0];
    g->label = "at the grid meter";
    g->np = 0;
    const cJSON *st;
    cJSON_ArrayForEach(st, jget(o, "power_chain"))
    {
        /* the rack's own conversion loss is inside IT power (next row) */
        if (strcmp(jstr(st, "serves"), "rack") == 0 || g->np >= 12)
            continue;
        g->names[g->np] = jstr(st, "id");
        g->v[g->np++] = jnum(st, "loss_w") / 1e3;
    }
    g->names[g->np] = "cooling";
    g->v[g->np++] = jnum(o, "cooling_power_w") / 1e3;
    g->names[g->np] = "misc (lights, offices)";
    g->v[g->np++] = jnum(o, "misc_power_w") / 1e3;
    g->names[g->np] = "IT power";
    g->v[g->np++] = jnum(o, "it_power_w") / 1e3;
    breakdown_row(&rows[1], "IT power", jget(o, "it_power_breakdown_w"), 1e-3);
    rows[2] = (stack_row){"heat out of the rack",
                          2,
                          {"to liquid", "to air"},
                          {jnum(o, "liquid_heat_w") / 1e3, jnum(o, "air_heat_w") / 1e3}};
    stacked_rows(b, sh, title, "power", "kW", rows, 3);
}

static void design_rules(gw_buf *b, const cJSON *o)
{
    const cJSON *v = jget(o, "violations");
    int n = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0;
    gw_buf_printf(b, "<h3>Design rules</h3>");
    if (n == 0) {
        gw_buf_printf(b, "<p class='pass'>every design rule passes</p>");
        return;
    }
    gw_buf_printf(b, "<table><tr><th>rule</th><th>verdict</th><th>value</th><th>limit</th>"
                     "<th>why</th></tr>");
    const cJSON *x;
    cJSON_ArrayForEach(x, v)
    {
        gw_buf_printf(b, "<tr><td>");
        esc(b, jstr(x, "rule"));
        gw_buf_printf(b, "</td><td class='fail'>fails</td><td>%s</td><td>%s</td><td>",
                      FIG(jnum(x, "value")), FIG(jnum(x, "limit")));
        esc(b, jstr(x, "message"));
        gw_buf_printf(b, "</td></tr>");
    }
    gw_buf_printf(b, "</table>");
}

static void section_rack(gw_buf *b, shared_scales *sh, const cJSON *o)
{
    headline h[] = {{"IT power", jnum(o, "it_power_w") / 1e3, "kW"},
                    {"at the grid meter", jnum(o, "grid_power_w") / 1e3, "kW"},
                    {"PUE", jnum(o, "pue"), ""},
                    {"coolant flow", jnum(o, "coolant_flow_l_per_min"), "L/min"},
                    {"airflow", jnum(o, "airflow_m3_per_h"), "m³/h"},
                    {"accelerators", jnum(o, "accelerators"), ""}};
    headlines(b, h, 6);
    rack_flow(b, sh, o, "Power from the grid meter to the chips, and the heat out");
    const cJSON *bd = jget(o, "it_power_breakdown_w");
    const char *labels[16] = {0}; /* gcc cannot see n counts what is set */
    double v[16];
    size_t n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, bd) if (n < 16 && cJSON_IsNumber(x) && x->valuedouble > 0)
    {
        labels[n] = x->string;
        v[n++] = x->valuedouble / 1e3;
    }
    series s = {"IT power", v};
    bar_chart(b, sh, "Where one rack's IT power goes", "component", "power", "kW", labels, n, &s, 1);
    design_rules(b, o);
}

/* ---- timeline (a plan's build-out) and risk ---- */

/* "2027-Q3" -> 2027.5 (the quarter's start as a fractional year). */
static double quarter_year(const char *label)
{
    int y = 0, q = 0;
    if (sscanf(label, "%d-Q%d", &y, &q) != 2 || q < 1 || q > 4)
        return NAN;
    return y + (q - 1) / 4.0;
}

/* The x axis of a quarterly result: years from its labels (or 0, 1, ...). */
static double *quarter_axis(const cJSON *labels, size_t n)
{
    double *x = calloc(n ? n : 1, sizeof *x);
    if (!x)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const cJSON *l = cJSON_GetArrayItem(labels, (int)i);
        double y = cJSON_IsString(l) ? quarter_year(l->valuestring) : NAN;
        x[i] = isfinite(y) ? y : (double)i / 4;
    }
    return x;
}

/* One quarterly chart from members of `series` (scaled); skipped when one
 * is missing or of another length. */
static void quarterly_chart(gw_buf *b, shared_scales *sh, const char *title, const char *ylabel, const char *unit,
                            const cJSON *members, const char *const *keys,
                            const char *const *names, int ns, double scale, const double *x,
                            size_t n)
{
    double *v[8] = {0};
    series s[8];
    int ok = ns <= 8;
    for (int k = 0; ok && k < ns; k++) {
        size_t m;
        v[k] = jarray(jget(members, keys[k]), &m);
        ok = v[k] && m == n && n > 0;
        for (size_t i = 0; ok && i < n; i++)
            v[k][i] *= scale;
        s[k] = (series){names[k], v[k]};
    }
    if (ok)
        line_chart_ex(b, sh, title, "year", ylabel, unit, x, n, s, ns, 0, NULL, 0, 1);
    for (int k = 0; k < 8; k++)
        free(v[k]);
}

/* The timeline object of a plan (or a result of kind "timeline"). */
static void timeline_charts(gw_buf *b, shared_scales *sh, const cJSON *tl)
{
    const cJSON *labels = jget(tl, "quarter_labels"), *sr = jget(tl, "series"),
                *tot = jget(tl, "totals");
    size_t n = cJSON_IsArray(labels) ? (size_t)cJSON_GetArraySize(labels) : 0;
    double *x = quarter_axis(labels, n);
    if (!x || n == 0) {
        free(x);
        return;
    }
    gw_buf_printf(b, "<h3>Build-out timeline, quarter by quarter</h3>");
    headline h[] = {{"served of demand", 100 * jnum(tot, "served_fraction"), "%"},
                    {"quarters short", jnum(tot, "quarters_short"), ""},
                    {"capex", jnum(tot, "capex_usd"), "USD"},
                    {"revenue", jnum(tot, "revenue_usd"), "USD"},
                    {"rented capacity", jnum(tot, "rental_usd"), "USD"},
                    {"cash at the end", jnum(tot, "final_cash_usd"), "USD"},
                    {"lowest cash", jnum(tot, "min_cash_usd"), "USD"}};
    headlines(b, h, 7);
    const char *cap_keys[4] = {"capacity_accelerators", "demand_accelerators",
                               "demand_inference_accelerators", "demand_training_accelerators"};
    const char *cap_names[4] = {"capacity online", "demand", "of which inference",
                                "of which training"};
    quarterly_chart(b, sh, "Capacity online against demand", "accelerators", "million", sr, cap_keys,
                    cap_names, 4, 1e-6, x, n);
    const char *gap_keys[4] = {"shortfall_accelerators", "rented_accelerators",
                               "throttled_accelerators", "idle_accelerators"};
    const char *gap_names[4] = {"shortfall", "served by rented capacity", "throttled", "idle"};
    quarterly_chart(b, sh, "Too little and too much: shortfall, rented, throttled, idle",
                    "accelerators", "million", sr, gap_keys, gap_names, 4, 1e-6, x, n);
    const char *pw_keys[1] = {"power_w"}, *pw_names[1] = {"power drawn"};
    quarterly_chart(b, sh, "Power drawn", "power", "GW", sr, pw_keys, pw_names, 1, 1e-9, x, n);
    const char *hh_keys[1] = {"households"}, *hh_names[1] = {"households equivalent"};
    quarterly_chart(b, sh, "Households whose electricity equals the fleet's", "households",
                    "million", sr, hh_keys, hh_names, 1, 1e-6, x, n);
    const char *m_keys[5] = {"capex_usd", "opex_usd", "revenue_usd", "rental_usd",
                             "depreciation_usd"};
    const char *m_names[5] = {"capex", "opex", "revenue", "rented capacity", "depreciation"};
    quarterly_chart(b, sh, "Money per quarter", "per quarter", "billion USD", sr, m_keys, m_names, 5,
                    1e-9, x, n);
    const char *c_keys[1] = {"cash_usd"}, *c_names[1] = {"cumulative cash"};
    quarterly_chart(b, sh, "Cumulative cash", "cash", "billion USD", sr, c_keys, c_names, 1, 1e-9,
                    x, n);
    free(x);
}

static void section_timeline(gw_buf *b, shared_scales *sh, const cJSON *o)
{
    timeline_charts(b, sh, o);
}

/* ---- the component supply chain (docs/supply.md §6) ---- */

/* Quarter i's binding component as one coloured cell in a strip (the
 * component's colour is its place in `names`; none: grey). */
static void binding_strip(gw_buf *b, const cJSON *bq, const char *const *names, int nc,
                          const double *x, size_t n)
{
    const char *title = "Binding component, quarter by quarter";
    svg_open(b, title, 146);
    double cell = CH_PW / (double)n;
    for (size_t i = 0; i < n; i++) {
        const char *bind = jstr(cJSON_GetArrayItem(bq, (int)i), "binding");
        int k = 0;
        while (k < nc && strcmp(names[k], bind) != 0)
            k++;
        char q[32];
        quarter_label(q, sizeof q, x[i]);
        gw_buf_printf(b, "<rect x='%.1f' y='40' width='%.1f' height='34' fill='%s'><title>%s: ",
                      CH_LEFT + cell * (double)i, cell, k < nc ? palette[(size_t)k % NPALETTE]
                                                               : "#cccccc", q);
        esc(b, bind[0] ? bind : "nothing made");
        gw_buf_printf(b, "</title></rect>");
    }
    x_ticks(b, x[0], x[n - 1] + 0.25, CH_LEFT, CH_PW, 90, 1, 0);
    gw_buf_printf(b, "<text x='%.0f' y='108' class='lab'>", CH_LEFT + CH_PW / 2);
    axis_label(b, "delivery", "quarter");
    gw_buf_printf(b, "</text>");
    legend(b, names, nc, 130);
    gw_buf_printf(b, "</svg></figure><details><summary>numbers</summary><table>"
                     "<tr><th>quarter</th><th>binding component</th></tr>");
    for (size_t i = 0; i < n; i++) {
        char q[32];
        quarter_label(q, sizeof q, x[i]);
        gw_buf_printf(b, "<tr><td>%s</td><td>", q);
        esc(b, jstr(cJSON_GetArrayItem(bq, (int)i), "binding"));
        gw_buf_printf(b, "</td></tr>");
    }
    gw_buf_printf(b, "</table></details>");
}

/* v[i] = by_quarter[i].<obj>.<key> (NaN when missing). */
static void quarter_member(const cJSON *bq, const char *obj, const char *key, double *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const cJSON *m = jget(jget(cJSON_GetArrayItem(bq, (int)i), obj), key);
        v[i] = cJSON_IsNumber(m) ? m->valuedouble : NAN;
    }
}

/* The chain of a plan (member "supply_chain") or a chain alone; `tl` the
 * plan's timeline or NULL. Output stacked by vendor against what each
 * component alone would allow at the quarter's product mix (its supply over
 * what one accelerator of the mix takes: output / (1 - slack)); the binding
 * component; slack; with a timeline, what the chain gives the lab (summed
 * from the start) against the lab's demand. */
static void supply_charts(gw_buf *b, shared_scales *sh, const cJSON *scj, const cJSON *tl)
{
    const cJSON *bq = jget(scj, "by_quarter"), *comps = jget(scj, "components"),
                *prods = jget(scj, "products"), *by = jget(scj, "by_year");
    size_t n = cJSON_IsArray(bq) ? (size_t)cJSON_GetArraySize(bq) : 0;
    int nc = cJSON_GetArraySize(comps), np = cJSON_GetArraySize(prods);
    if (n == 0 || nc < 1 || np < 1 || nc + np > 16)
        return;
    double *x = calloc(n, sizeof *x), *v = calloc(n * 17, sizeof *v);
    if (!x || !v) {
        free(x), free(v);
        return;
    }
    const char *cn[16], *pn[16];
    char names[32][64];
    for (int c = 0; c < nc; c++)
        cn[c] = jstr(cJSON_GetArrayItem(comps, c), "name");
    for (int p = 0; p < np; p++)
        pn[p] = jstr(cJSON_GetArrayItem(prods, p), "id");
    for (size_t i = 0; i < n; i++)
        x[i] = quarter_year(jstr(cJSON_GetArrayItem(bq, (int)i), "quarter"));
    gw_buf_printf(b, "<h3>Component supply chain</h3>");
    const cJSON *y0 = cJSON_GetArrayItem(by, 0), *y1 = cJSON_GetArrayItem(by, cJSON_GetArraySize(by) - 1);
    headline h[] = {{"accelerators, first year", jnum(y0, "accelerators"), ""},
                    {"accelerators, last year", jnum(y1, "accelerators"), ""},
                    {"racks, first year", jnum(y0, "racks"), ""},
                    {"the lab's, first year", jnum(y0, "lab_accelerators"), ""}};
    headlines(b, h, jnum(y0, "lab_accelerators") > 0 ? 4 : 3);
    /* each component's limit, then the vendors stacked (each line the sum up
     * to it): components first, so that component c has palette colour c in
     * every chart of the chain (this one, the binding strip, the slack) */
    series s[16];
    const char *vendors[16];
    int ns = 0, nv = 0;
    for (int c = 0; c < nc && ns < 16; c++, ns++) {
        double *row = v + (size_t)ns * n;
        quarter_member(bq, "slack", cn[c], row, n);
        for (size_t i = 0; i < n; i++) {
            double made = jnum(cJSON_GetArrayItem(bq, (int)i), "accelerators") / 1e6;
            row[i] = row[i] < 1 ? made / (1 - row[i]) : NAN;
        }
        snprintf(names[ns], sizeof names[ns], "%s allows", cn[c]);
        s[ns] = (series){names[ns], row};
    }
    for (int p = 0; p < np; p++) {
        const char *vd = jstr(cJSON_GetArrayItem(prods, p), "vendor");
        int k = 0;
        while (k < nv && strcmp(vendors[k], vd) != 0)
            k++;
        if (k == nv)
            vendors[nv++] = vd;
    }
    for (int k = 0; k < nv && ns < 16; k++, ns++) {
        double *row = v + (size_t)ns * n, *one = v + 16 * n;
        for (size_t i = 0; i < n; i++)
            row[i] = k ? row[(long)i - (long)n] : 0;
        for (int p = 0; p < np; p++) {
            if (strcmp(jstr(cJSON_GetArrayItem(prods, p), "vendor"), vendors[k]) != 0)
                continue;
            quarter_member(bq, "by_product", pn[p], one, n);
            for (size_t i = 0; i < n; i++)
                row[i] += one[i] / 1e6;
        }
        snprintf(names[ns], sizeof names[ns], "%s%s", k ? "+ " : "", vendors[k]);
        s[ns] = (series){names[ns], row};
    }
    line_chart_ex(b, sh, "Accelerators made, stacked by vendor, against what each component allows",
                  "year", "accelerators per quarter", "million", x, n, s, ns, 0, NULL, 0, 1);
    binding_strip(b, bq, cn, nc, x, n);
    for (int c = 0; c < nc; c++) {
        double *row = v + (size_t)c * n;
        quarter_member(bq, "slack", cn[c], row, n);
        for (size_t i = 0; i < n; i++)
            row[i] *= 100;
        s[c] = (series){cn[c], row};
    }
    line_chart_ex(b, sh, "Slack: the share of each component's supply left unused", "year",
                  "slack", "%", x, n, s, nc, 0, NULL, 0, 1);
    size_t nt;
    double *demand = tl ? jarray(jget(jget(tl, "series"), "demand_accelerators"), &nt) : NULL;
    if (demand && nt == n && jnum(y0, "lab_accelerators") > 0) {
        /* in the timeline's unit: equivalents of its accelerator (docs/supply.md §4) */
        int eq = cJSON_IsNumber(jget(y0, "lab_equivalents"));
        double *lab = v, sum = jnum(jget(tl, "inputs"), "timeline.supply.online_accelerators");
        for (size_t i = 0; i < n; i++) {
            sum += jnum(cJSON_GetArrayItem(bq, (int)i), eq ? "lab_equivalents" : "lab_accelerators");
            lab[i] = sum / 1e6, demand[i] /= 1e6;
        }
        series ls[2] = {{"from the chain, summed from the start (before retirements)", lab},
                        {"the lab's demand", demand}};
        char ylabel[96];
        snprintf(ylabel, sizeof ylabel, "%s%s", eq ? "accelerator-equivalents of " : "accelerators",
                 eq ? jstr(scj, "equivalent_of") : "");
        line_chart_ex(b, sh, "The lab's accelerators from the chain against its demand", "year",
                      ylabel, "million", x, n, ls, 2, 0, NULL, 0, 1);
    }
    free(demand), free(x), free(v);
}

static void section_supply(gw_buf *b, shared_scales *sh, const cJSON *o)
{
    supply_charts(b, sh, jget(o, "supply_chain"), NULL);
}

/* A fan chart: for each named series its P5-P95 band and its P50 line. */
static void fan_chart(gw_buf *b, shared_scales *sh, const char *title, const char *ylabel, const char *unit,
                      const cJSON *members, const char *const *keys, const char *const *names,
                      int ns, double scale, const double *x, size_t n)
{
    double *lo[4] = {0}, *mid[4] = {0}, *hi[4] = {0};
    int ok = ns <= 4 && n > 1;
    double m = 0;
    for (int k = 0; ok && k < ns; k++) {
        const cJSON *o = jget(members, keys[k]);
        size_t a, c, d;
        lo[k] = jarray(jget(o, "p5"), &a);
        mid[k] = jarray(jget(o, "p50"), &c);
        hi[k] = jarray(jget(o, "p95"), &d);
        ok = lo[k] && mid[k] && hi[k] && a == n && c == n && d == n;
        for (size_t i = 0; ok && i < n; i++) {
            lo[k][i] *= scale, mid[k][i] *= scale, hi[k][i] *= scale;
            if (isfinite(hi[k][i]) && hi[k][i] > m)
                m = hi[k][i];
        }
    }
    if (ok) {
        double ymin = 0;
        for (int k = 0; k < ns; k++)
            for (size_t i = 0; i < n; i++)
                if (isfinite(lo[k][i]) && lo[k][i] < ymin)
                    ymin = lo[k][i];
        /* a cash fan goes negative: the axis then reaches below 0 */
        double top, bot;
        shared_range(sh, title, &ymin, &m);
        y_range(ymin, m, &bot, &top);
        double span = top - bot;
        svg_open(b, title, CH_H);
        double x0 = x[0], x1 = x[n - 1] > x[0] ? x[n - 1] : x[0] + 1;
#define FX(v) (CH_LEFT + CH_PW * ((v) - x0) / (x1 - x0))
#define FY(v) (CH_H - CH_BOTTOM - CH_PH * ((v) - bot) / span)
        char t[32];
        value_axis ax = axis_for(bot, top, unit, 4);
        for (int k = 0; k <= 4; k++) {
            double v = bot + span * k / 4;
            axis_tick(&ax, v, t, sizeof t);
            gw_buf_printf(b, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' class='grid'/>"
                             "<text x='%d' y='%.1f' class='tick' text-anchor='end'>%s</text>",
                          CH_LEFT, FY(v), CH_W - CH_RIGHT, FY(v), CH_LEFT - 4, FY(v) + 4, t);
        }
        x_ticks(b, x0, x1, CH_LEFT, CH_PW, CH_H - CH_BOTTOM + 14, 1, 0);
        gw_buf_printf(b, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' class='axis'/>", CH_LEFT,
                      FY(0), CH_W - CH_RIGHT, FY(0));
        gw_buf_printf(b, "<line x1='%d' y1='%d' x2='%d' y2='%d' class='axis'/>", CH_LEFT, CH_TOP,
                      CH_LEFT, CH_H - CH_BOTTOM);
        for (int k = 0; k < ns; k++) {
            const char *c = palette[(size_t)k % NPALETTE];
            gw_buf_printf(b, "<polygon fill='%s' fill-opacity='0.2' stroke='none' points='", c);
            for (size_t i = 0; i < n; i++)
                gw_buf_printf(b, "%.1f,%.1f ", FX(x[i]), FY(isfinite(hi[k][i]) ? hi[k][i] : 0));
            for (size_t i = n; i-- > 0;)
                gw_buf_printf(b, "%.1f,%.1f ", FX(x[i]), FY(isfinite(lo[k][i]) ? lo[k][i] : 0));
            gw_buf_printf(b, "'/><polyline fill='none' stroke='%s' stroke-width='2' points='", c);
            for (size_t i = 0; i < n; i++)
                gw_buf_printf(b, "%.1f,%.1f ", FX(x[i]), FY(isfinite(mid[k][i]) ? mid[k][i] : 0));
            gw_buf_printf(b, "'/>");
        }
#undef FX
#undef FY
        gw_buf_printf(b, "<text x='%.0f' y='%d' class='lab'>year</text>", CH_LEFT + CH_PW / 2,
                      CH_H - CH_BOTTOM + 34);
        gw_buf_printf(b, "<text x='16' y='%.0f' class='lab' transform='rotate(-90 16 %.0f)'>",
                      CH_TOP + CH_PH / 2, CH_TOP + CH_PH / 2);
        axis_label(b, ylabel, ax.unit);
        gw_buf_printf(b, "</text>");
        char leg[4][96];
        const char *ln[4];
        for (int k = 0; k < ns; k++) {
            snprintf(leg[k], sizeof leg[k], "%s: P50 line, P5-P95 band", names[k]);
            ln[k] = leg[k];
        }
        legend(b, ln, ns, CH_H - 22);
        gw_buf_printf(b, "</svg></figure>");
        series ts[12];
        char tn[12][96];
        int nt = 0;
        for (int k = 0; k < ns && nt + 3 <= 12; k++) {
            const double *cols[3] = {lo[k], mid[k], hi[k]};
            const char *pn[3] = {"P5", "P50", "P95"};
            for (int j = 0; j < 3; j++) {
                snprintf(tn[nt], sizeof tn[nt], "%s %s", names[k], pn[j]);
                ts[nt] = (series){tn[nt], cols[j]};
                nt++;
            }
        }
        table(b, "year", NULL, x, 1, n, ts, nt, unit);
    }
    for (int k = 0; k < 4; k++)
        free(lo[k]), free(mid[k]), free(hi[k]);
}

/* A histogram from bin edges and counts (value axis scaled). */
static void histogram(gw_buf *b, shared_scales *sh, const char *title, const char *xlabel, const char *unit,
                      const cJSON *h, double scale)
{
    size_t ne, nc;
    double *edges = jarray(jget(h, "edges"), &ne), *counts = jarray(jget(h, "counts"), &nc);
    char(*lab)[32] = calloc(nc ? nc : 1, sizeof *lab);
    const char **labels = calloc(nc ? nc : 1, sizeof *labels);
    if (edges && counts && lab && labels && nc > 0 && ne == nc + 1) {
        value_axis ax = axis_for(0, edges[nc] * scale, unit, (int)nc);
        for (size_t i = 0; i < nc; i++) {
            /* bin edges are not round (max / bins): three digits each */
            gw_format_number(edges[i] * scale * ax.factor, 3, lab[i], sizeof lab[i]);
            labels[i] = lab[i];
        }
        series s = {"draws", counts};
        char xl[160];
        snprintf(xl, sizeof xl, "%s (%s), bin from", xlabel, ax.unit);
        bar_chart(b, sh, title, xl, "draws", "count", labels, nc, &s, 1);
    }
    free(edges), free(counts), free(lab), free(labels);
}

/* Tornado: each input's swing of the output from its P10 to its P90 (the
 * others at their medians), largest first, around the base value. */
static void tornado(gw_buf *b, const cJSON *tn, double scale, const char *unit)
{
    const cJSON *ins = jget(tn, "inputs");
    int n = cJSON_IsArray(ins) ? cJSON_GetArraySize(ins) : 0;
    if (n <= 0)
        return;
    if (n > 16)
        n = 16;
    const cJSON *it[16];
    for (int i = 0; i < n; i++)
        it[i] = cJSON_GetArrayItem(ins, i);
    for (int i = 1; i < n; i++) /* largest swing first (insertion sort, n <= 16) */
        for (int j = i; j > 0 && jnum(it[j], "swing") > jnum(it[j - 1], "swing"); j--) {
            const cJSON *t = it[j];
            it[j] = it[j - 1], it[j - 1] = t;
        }
    double base = jnum(tn, "base") * scale, lo = base, hi = base;
    for (int i = 0; i < n; i++) {
        double a = jnum(it[i], "output_at_low") * scale, c = jnum(it[i], "output_at_high") * scale;
        lo = fmin(lo, fmin(a, c)), hi = fmax(hi, fmax(a, c));
    }
    if (!(hi > lo))
        hi = lo + 1;
    double pad = (hi - lo) * 0.05, left = 190, pw = CH_W - left - CH_RIGHT, rowh = 22;
    lo -= pad, hi += pad;
    int h = (int)(CH_TOP + rowh * n + 70);
    svg_open(b, "What moves the expected total cost most (tornado)", h);
#define TX(v) (left + pw * ((v) - lo) / (hi - lo))
    char t[32];
    double bottom = CH_TOP + rowh * n;
    value_axis ax = axis_for(lo, hi, unit, 4);
    for (int k = 0; k <= 4; k++) {
        double v = lo + (hi - lo) * k / 4;
        axis_tick(&ax, v, t, sizeof t);
        gw_buf_printf(b, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%.1f' class='grid'/>"
                         "<text x='%.1f' y='%.1f' class='tick' text-anchor='middle'>%s</text>",
                      TX(v), CH_TOP, TX(v), bottom, TX(v), bottom + 14, t);
    }
    for (int i = 0; i < n; i++) {
        double a = jnum(it[i], "output_at_low") * scale, c = jnum(it[i], "output_at_high") * scale;
        double y = CH_TOP + rowh * i + 3;
        gw_buf_printf(b, "<text x='%.0f' y='%.0f' class='tick' text-anchor='end'>", left - 6,
                      y + 12);
        esc(b, jstr(it[i], "name"));
        gw_buf_printf(b, "</text>");
        /* input at its P10 in one colour, at its P90 in the other */
        gw_buf_printf(b, "<rect x='%.1f' y='%.0f' width='%.1f' height='%.0f' fill='%s'>"
                         "<title>at P10: %s %s</title></rect>",
                      fmin(TX(a), TX(base)), y, fabs(TX(a) - TX(base)), rowh - 6, palette[0], FIG(a),
                      unit);
        gw_buf_printf(b, "<rect x='%.1f' y='%.0f' width='%.1f' height='%.0f' fill='%s'>"
                         "<title>at P90: %s %s</title></rect>",
                      fmin(TX(c), TX(base)), y, fabs(TX(c) - TX(base)), rowh - 6, palette[1], FIG(c),
                      unit);
    }
    gw_buf_printf(b, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%.1f' class='axis'/>", TX(base),
                  CH_TOP - 4, TX(base), bottom);
#undef TX
    gw_buf_printf(b, "<text x='%.0f' y='%.0f' class='lab'>", left + pw / 2, bottom + 32);
    axis_label(b, "expected total cost", ax.unit);
    gw_buf_printf(b, "; the line is the base case</text>");
    const char *ln[2] = {"input at its P10", "input at its P90"};
    legend(b, ln, 2, bottom + 56);
    gw_buf_printf(b, "</svg></figure><details><summary>numbers</summary><table><tr><th>input"
                     "</th><th>P10 value</th><th>P90 value</th><th>cost at P10 (");
    esc(b, unit);
    gw_buf_printf(b, ")</th><th>cost at P90 (");
    esc(b, unit);
    gw_buf_printf(b, ")</th><th>rank correlation</th></tr>");
    for (int i = 0; i < n; i++) {
        gw_buf_printf(b, "<tr><td>");
        esc(b, jstr(it[i], "name"));
        gw_buf_printf(b, "</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%.3f"
                         "</td></tr>",
                      FIG(jnum(it[i], "low_value")), FIG(jnum(it[i], "high_value")),
                      FIG(jnum(it[i], "output_at_low") * scale),
                      FIG(jnum(it[i], "output_at_high") * scale), jnum(it[i], "spearman"));
    }
    gw_buf_printf(b, "</table></details>");
}

static void section_risk(gw_buf *b, shared_scales *sh, const cJSON *o)
{
    const cJSON *ex = jget(o, "expected"), *bl = jget(o, "build_levels");
    headline h[] = {{"draws", jnum(o, "draws"), ""},
                    {"expected cost of too little", jnum(ex, "cost_too_little_usd"), "USD"},
                    {"expected cost of too much", jnum(ex, "cost_too_much_usd"), "USD"},
                    {"chance of a shortfall", 100 * jnum(ex, "probability_of_shortfall"), "%"},
                    {"chance of idle capacity", 100 * jnum(ex, "probability_of_idle"), "%"},
                    {"cheapest build level", jnum(bl, "best_level"), "x the plan"},
                    {"planned build level", jnum(bl, "planned_build_level"), "x the plan"}};
    headlines(b, h, 7);
    if (cJSON_IsTrue(jget(bl, "flat")))
        gw_buf_printf(b, "<p>The expected cost is flat from %.3gx to %.3gx of the plan (within "
                         "%.1f%% of the least): the cheapest level shown is the smallest of the "
                         "tie.</p>",
                      jnum(bl, "flat_from_level"), jnum(bl, "flat_to_level"),
                      100 * jnum(bl, "tie_tolerance"));
    const cJSON *labels = jget(o, "quarters"), *sr = jget(o, "series");
    size_t n = cJSON_IsArray(labels) ? (size_t)cJSON_GetArraySize(labels) : 0;
    double *x = quarter_axis(labels, n);
    if (x && n > 1) {
        const char *k1[2] = {"capacity", "demand"}, *n1[2] = {"capacity online", "demand"};
        fan_chart(b, sh, "Capacity against demand: the risk fan", "accelerators", "million", sr, k1,
                  n1, 2, 1e-6, x, n);
        const char *k2[2] = {"shortfall", "idle"}, *n2[2] = {"shortfall", "idle"};
        fan_chart(b, sh, "Shortfall and idle capacity", "accelerators", "million", sr, k2, n2, 2,
                  1e-6, x, n);
        const char *k3[1] = {"rental_usd"}, *n3[1] = {"rental spend"};
        fan_chart(b, sh, "Spend on rented capacity per quarter", "rental", "billion USD", sr, k3, n3,
                  1, 1e-9, x, n);
        const char *k4[1] = {"cash_usd"}, *n4[1] = {"cumulative cash"};
        fan_chart(b, sh, "Cumulative cash", "cash", "billion USD", sr, k4, n4, 1, 1e-9, x, n);
    }
    free(x);
    const cJSON *hs = jget(o, "histograms");
    histogram(b, sh, "Cost of building too little, over the draws", "cost of too little",
              "billion USD", jget(hs, "cost_too_little_usd"), 1e-9);
    histogram(b, sh, "Cost of building too much, over the draws", "cost of too much", "billion USD",
              jget(hs, "cost_too_much_usd"), 1e-9);
    size_t nl, a, c, d;
    double *lv = jarray(jget(bl, "levels"), &nl);
    double *little = jarray(jget(bl, "expected_cost_too_little_usd"), &a);
    double *much = jarray(jget(bl, "expected_cost_too_much_usd"), &c);
    double *total = jarray(jget(bl, "expected_total_cost_usd"), &d);
    if (lv && little && much && total && nl > 1 && a == nl && c == nl && d == nl) {
        for (size_t i = 0; i < nl; i++)
            little[i] /= 1e9, much[i] /= 1e9, total[i] /= 1e9;
        series s[3] = {{"expected cost of too little", little},
                       {"expected cost of too much", much},
                       {"expected total", total}};
        line_chart(b, sh, "Expected cost against the build level", "build level (x the plan)",
                   "expected cost", "billion USD", lv, nl, s, 3);
    }
    free(lv), free(little), free(much), free(total);
    tornado(b, jget(o, "tornado"), 1e-9, "billion USD");
}

/* ---- plan ---- */

static void section_plan(gw_buf *b, shared_scales *sh, const cJSON *o)
{
    headline h[] = {{"capex", jnum(o, "capex_usd"), "USD"},
                    {"opex per year", jnum(o, "opex_usd_per_year"), "USD"},
                    {"at the grid", jnum(o, "grid_power_w") / 1e9, "GW"},
                    {"accelerators", jnum(o, "accelerators"), ""},
                    {"households equivalent", jnum(o, "households_equivalent"), ""},
                    {"per GPU-hour", jnum(o, "usd_per_gpu_hour"), "USD"}};
    headlines(b, h, 6);
    stack_row money[2];
    breakdown_row(&money[0], "capex", jget(o, "capex_breakdown_usd"), 1e-9);
    breakdown_row(&money[1], "opex x 5 years", jget(o, "opex_breakdown_usd_per_year"), 5e-9);
    stacked_rows(b, sh, "Capex by part, and five years of opex", "money", "billion USD", money, 2);
    const cJSON *capex = jget(o, "capex_breakdown_usd"), *opex = jget(o,
                                                                        "opex_breakdown_usd_per_year");
    const char *titles[2] = {"Capex by part", "Opex per year by part"};
    const cJSON *parts[2] = {capex, opex};
    for (int k = 0; k < 2; k++) {
        const char *labels[16];
        double v[16];
        size_t n = 0;
        const cJSON *x;
        cJSON_ArrayForEach(x, parts[k]) if (n < 16 && cJSON_IsNumber(x))
        {
            labels[n] = x->string;
            v[n++] = x->valuedouble / 1e9;
        }
        series s = {titles[k], v};
        bar_chart(b, sh, titles[k], "part", k ? "opex per year" : "capex", "billion USD", labels, n,
                  &s, 1);
    }
    const cJSON *pr = jget(o, "per_rack");
    if (jget(pr, "average"))
        rack_flow(b, sh, jget(pr, "average"), "One rack at the average load: grid meter to chips");
    const char *hl[2] = {"at the average load", "at full capacity"};
    double hv[2] = {jnum(o, "households_equivalent") / 1e6, jnum(o, "households_at_capacity") / 1e6};
    series hs = {"households", hv};
    bar_chart(b, sh, "Households whose yearly electricity equals the fleet's", "fleet draws",
              "households", "million", hl, 2, &hs, 1);
    size_t nd;
    double *dep = jarray(jget(o, "depreciation_usd_per_year"), &nd);
    double *yr = calloc(nd ? nd : 1, sizeof *yr);
    if (dep && yr && nd > 1) {
        for (size_t i = 0; i < nd; i++)
            yr[i] = (double)i + 1, dep[i] /= 1e9;
        series ds = {"depreciation", dep};
        line_chart(b, sh, "Depreciation by year", "year of operation", "depreciation",
                   "billion USD", yr, nd, &ds, 1);
    }
    free(dep), free(yr);
    if (jget(o, "timeline"))
        timeline_charts(b, sh, jget(o, "timeline"));
    if (jget(o, "supply_chain"))
        supply_charts(b, sh, jget(o, "supply_chain"), jget(o, "timeline"));
}

/* ---- perf ---- */

/* perf --train: where the step's time goes (the MFU and the losses the
 * model names, each a share of the step) and what interruptions cost (the
 * days of compute against the days on the calendar). */
static void training_charts(gw_buf *b, shared_scales *sh, const cJSON *o)
{
    /* the step's shares (they sum to the whole step): the model's FLOPs at
     * peak (the MFU), then what the model names as lost */
    const cJSON *sh_ = jget(o, "step_shares");
    static const char *const keys[4] = {"model_flops", "kernels_below_peak", "tp_communication",
                                        "pipeline_bubble"};
    static const char *const names[4] = {"model FLOPs at peak (the MFU)", "kernels below peak",
                                         "exposed TP communication", "pipeline bubble"};
    stack_row step = {.label = "one training step"};
    for (int i = 0; i < 4; i++)
        if (isfinite(jnum(sh_, keys[i])) && step.np < 16) {
            step.names[step.np] = names[i];
            step.v[step.np++] = 100 * jnum(sh_, keys[i]);
        }
    if (step.np > 0) {
        stacked_rows(b, sh, "Where a training step's time goes", "share of the step", "%", &step,
                     1);
    } else { /* a result from before the shares: the MFU beside the losses it names */
        const char *labels[3] = {"useful compute (MFU)", "pipeline bubble",
                                 "exposed TP communication"};
        double share[3] = {100 * jnum(o, "mfu"), 100 * jnum(o, "pipeline_bubble_fraction"),
                           100 * jnum(o, "tp_comm_fraction")};
        series s = {"share of the step", share};
        bar_chart(b, sh, "MFU and the losses in the prediction", "part of a training step",
                  "share of the step", "%", labels, 3, &s, 1);
    }
    double days = jnum(o, "train_days"), compute = jnum(o, "compute_days");
    if (isfinite(days) && isfinite(compute)) {
        stack_row row = {.label = "calendar", .np = 2,
                         .names = {"training (compute)", "lost to interruptions and restarts"},
                         .v = {compute, days - compute}};
        char title[96];
        snprintf(title, sizeof title, "Goodput: %.1f%% of the calendar trains",
                 100 * jnum(o, "goodput"));
        stacked_rows(b, sh, title, "time", "days", &row, 1);
    }
}

static void section_perf(gw_buf *b, shared_scales *sh, const cJSON *o)
{
    const cJSON *in = jget(o, "inputs");
    headline h[] = {{"throughput", jnum(o, "tokens_per_s"), "output tokens/s"},
                    {"per GPU", jnum(o, "tokens_per_s_per_gpu"), "tokens/s"},
                    {"TTFT", jnum(o, "ttft_s"), "s"},
                    {"TPOT", jnum(o, "tpot_s"), "s"},
                    {"energy", jnum(o, "joules_per_token"), "J/token"},
                    {"cost", jnum(o, "usd_per_million_tokens"), "USD per million tokens"},
                    {"training", jnum(o, "train_days"), "days"},
                    {"MFU", 100 * jnum(o, "mfu"), "%"},
                    {"goodput", 100 * jnum(o, "goodput"), "%"},
                    {"GPU-hours", jnum(o, "gpu_hours"), ""},
                    {"energy (IT)", jnum(o, "energy_wh") / 1e6, "MWh"},
                    {"cost", jnum(o, "training_usd"), "USD"}};
    headlines(b, h, 12);
    if (isfinite(jnum(o, "train_days")))
        training_charts(b, sh, o);
    const cJSON *cap = jget(o, "batch_limit"); /* so no comparison hides the cap that bound it */
    if (cap) {
        const char *from = jstr(cap, "engine_cap_from");
        double n = round(jnum(cap, "engine_cap"));
        gw_buf_printf(b, "<p>batch bound by ");
        esc(b, jstr(cap, "bound"));
        gw_buf_printf(b, " (");
        if (from && strcmp(from, "token budget") == 0) { /* the cap is sequences, not tokens */
            gw_buf_printf(b, "%s sequences, what ", gw_text_count(n).s);
            esc(b, jstr(cap, "engine_cap_name"));
            gw_buf_printf(b, " holds at one token and the drafts a sequence)</p>");
        } else {
            esc(b, jstr(cap, "engine_cap_name"));
            gw_buf_printf(b, " %s, from the ", gw_text_count(n).s);
            esc(b, from);
            gw_buf_printf(b, ")</p>");
        }
    }
    const cJSON *sw = jget(o, "batch_sweep");
    size_t n = 0, m;
    double *batch = jarray_of(sw, "batch", &n);
    double *tps = jarray_of(sw, "tokens_per_s", &m);
    double *tpot = jarray_of(sw, "tpot_s", &m);
    double *ttft = jarray_of(sw, "ttft_s", &m);
    double count = jnum(in, "count");
    if (batch && tps && tpot && ttft && n > 1) {
        for (size_t i = 0; i < n; i++)
            tps[i] /= isfinite(count) && count > 0 ? count : 1;
        series s = {"output tokens/s per GPU", tps};
        line_chart_ex(b, sh, "Throughput vs batch", "running sequences per replica (log scale)",
                      "throughput", "tokens/s per GPU", batch, n, &s, 1, 1, NULL, 0, 0);
        /* the frontier: per-token latency against throughput, batch by batch */
        series fs = {"time per output token", tpot}, ts = {"time to first token", ttft};
        hline tpot_slo = {"target", jnum(in, "tpot_slo_s")};
        hline ttft_slo = {"target", jnum(in, "ttft_slo_s")};
        line_chart_ex(b, sh, "Latency-throughput frontier: TPOT (batch 1 to the largest that fits)",
                      "output tokens/s per GPU", "TPOT", "s", tps, n, &fs, 1, 0, &tpot_slo, 1, 0);
        line_chart_ex(b, sh, "Latency-throughput frontier: TTFT", "output tokens/s per GPU", "TTFT",
                      "s", tps, n, &ts, 1, 0, &ttft_slo, 1, 0);
    }
    free(batch), free(tps), free(tpot), free(ttft);
    const char *labels[4] = {"linear", "attention", "communication", "overhead"};
    const char *pts[2] = {"offline", "at_slo"};
    double v[2][4];
    series s[2];
    int ns = 0;
    for (int p = 0; p < 2; p++) {
        const cJSON *sb = jget(jget(o, pts[p]), "step_breakdown_s");
        if (!sb)
            continue;
        for (int i = 0; i < 4; i++)
            v[ns][i] = jnum(sb, labels[i]) * 1e3;
        s[ns] = (series){p == 0 ? "offline (best batch)" : "at the latency targets", v[ns]};
        ns++;
    }
    if (ns)
        bar_chart(b, sh, "Where one iteration's time goes", "part of the step", "time", "ms", labels,
                  4, s, ns);
}

/* Across several perf results (accelerators, say): tokens per MW and per USD. */
static void compare_perf(gw_buf *b, const char *const *names, cJSON **docs, int n)
{
    double *mw = calloc((size_t)n, sizeof *mw), *usd = calloc((size_t)n, sizeof *usd);
    const char **labels = calloc((size_t)n, sizeof *labels);
    if (mw && usd && labels) {
        for (int i = 0; i < n; i++) {
            const char *acc = jstr(jget(docs[i], "inputs"), "accelerator");
            labels[i] = acc[0] ? acc : names[i];
            mw[i] = jnum(docs[i], "tokens_per_s_per_mw") / 1e6;
            usd[i] = jnum(docs[i], "tokens_per_usd") / 1e6;
        }
        series a = {"tokens/s per MW of IT power", mw}, c = {"tokens per USD", usd};
        bar_chart(b, NULL, "Throughput per MW across the results", "result", "throughput",
                  "million tokens/s per MW", labels, (size_t)n, &a, 1);
        bar_chart(b, NULL, "Tokens per dollar across the results", "result", "tokens per USD",
                  "million tokens", labels, (size_t)n, &c, 1);
    }
    free(mw), free(usd), free(labels);
}

/* ---- sim (one or a few replicas) ---- */

/* sim --capacity (issue 14 item 8): what was asked, what was found, and
 * every simulation the bisection ran, in order. */
static void capacity_charts(gw_buf *b, shared_scales *sh, const cJSON *cap)
{
    double ttft_t = jnum(cap, "ttft_target_s"), tbt_t = jnum(cap, "tbt_target_s");
    gw_buf_printf(b, "<h3>Capacity at the targets</h3>");
    headline h[] = {{"capacity found", jnum(cap, "requests_per_s"), "requests/s"},
                    {"of the workload's rate", jnum(cap, "rate_scale"), "x"},
                    {"TTFT target", ttft_t, "s"},
                    {"TBT target", tbt_t, "s"},
                    {"quantile of the targets", 100 * jnum(cap, "quantile"), "th percentile"},
                    {"TTFT there", jnum(cap, "ttft_s"), "s"},
                    {"TBT there", jnum(cap, "tbt_s"), "s"},
                    {"simulations", jnum(cap, "simulations"), "run"}};
    headlines(b, h, 8);
    const cJSON *steps = jget(cap, "steps");
    size_t n, m1, m2;
    double *rate = jarray_of(steps, "requests_per_s", &n);
    double *ttft = jarray_of(steps, "ttft_s", &m1), *tbt = jarray_of(steps, "tbt_s", &m2);
    double *x = calloc(n ? n : 1, sizeof *x), *ok = calloc(n ? n : 1, sizeof *ok);
    double *miss = calloc(n ? n : 1, sizeof *miss);
    if (rate && ttft && tbt && x && ok && miss && n > 0 && m1 == n && m2 == n) {
        size_t i = 0;
        const cJSON *st;
        cJSON_ArrayForEach(st, steps) if (i < n)
        {
            int meets = cJSON_IsTrue(jget(st, "meets_targets"));
            x[i] = (double)(i + 1);
            ok[i] = meets ? rate[i] : NAN, miss[i] = meets ? NAN : rate[i];
            i++;
        }
        series s[2] = {{"rate tried: meets the targets", ok}, {"rate tried: misses", miss}};
        hline found = {"capacity found", jnum(cap, "requests_per_s")};
        line_chart_ex(b, sh, "The bisection, simulation by simulation", "simulation",
                      "arrival rate", "requests/s", x, n, s, 2, 0, &found, 1, 0);
        series q[2] = {{"TTFT at the quantile", ttft}, {"TBT at the quantile", tbt}};
        hline targets[2] = {{"target", ttft_t}, {"target", tbt_t}};
        line_chart_ex(b, sh, "TTFT at each rate tried", "simulation", "TTFT", "s", x, n, &q[0],
                      1, 0, &targets[0], 1, 0);
        line_chart_ex(b, sh, "TBT at each rate tried", "simulation", "TBT", "s", x, n, &q[1], 1,
                      0, &targets[1], 1, 0);
    }
    free(rate), free(ttft), free(tbt), free(x), free(ok), free(miss);
}

static void section_sim(gw_buf *b, shared_scales *sh, const cJSON *o)
{
    headline h[] = {{"requests", jnum(o, "completed"), "completed"},
                    {"throughput", jnum(o, "output_tokens_per_s"), "output tokens/s"},
                    {"TTFT p90", jnum(jget(o, "ttft_s"), "p90"), "s"},
                    {"TPOT p90", jnum(jget(o, "tpot_s"), "p90"), "s"},
                    {"busy", 100 * jnum(o, "busy_fraction"), "%"},
                    {"cost", jnum(o, "usd_per_million_output_tokens"), "USD per million tokens"}};
    headlines(b, h, 6);
    if (jget(o, "capacity"))
        capacity_charts(b, sh, jget(o, "capacity"));
    const char *labels[5] = {"mean", "p50", "p90", "p99", "max"};
    const char *keys[4] = {"ttft_s", "tpot_s", "tbt_s", "e2e_s"};
    const char *names[4] = {"time to first token", "time per output token",
                            "time between tokens", "end to end"};
    for (int k = 0; k < 4; k++) {
        const cJSON *st = jget(o, keys[k]);
        if (!st)
            continue;
        double v[5];
        for (int i = 0; i < 5; i++)
            v[i] = jnum(st, labels[i]);
        series s = {names[k], v};
        char t[96];
        snprintf(t, sizeof t, "Distribution of the %s", names[k]);
        bar_chart(b, sh, t, "statistic over requests", names[k], "s", labels, 5, &s, 1);
    }
    const cJSON *tl = jget(o, "timeline");
    size_t n, m1, m2;
    double *batch = jarray(jget(tl, "batch"), &n);
    double *kv = jarray(jget(tl, "kv_use"), &m1);
    double *pw = jarray(jget(tl, "power_w"), &m2);
    double w = jnum(tl, "width_s"), s0 = jnum(tl, "start_s");
    double *x = calloc(n ? n : 1, sizeof *x);
    if (batch && kv && pw && x && n > 1 && n == m1 && n == m2 && isfinite(w)) {
        for (size_t i = 0; i < n; i++) {
            x[i] = (isfinite(s0) ? s0 : 0) + w * (double)i;
            kv[i] *= 100;
            pw[i] /= 1e3;
        }
        series sb = {"running batch (all replicas)", batch};
        line_chart(b, sh, "Running batch over time", "simulated time (s)", "running", "sequences",
                   x, n, &sb, 1);
        series sk = {"KV cache in use", kv};
        line_chart(b, sh, "KV cache use over time", "simulated time (s)", "KV cache", "%", x, n,
                   &sk, 1);
        series sp = {"accelerator power", pw};
        line_chart(b, sh, "Accelerator power over time", "simulated time (s)", "power", "kW", x, n,
                   &sp, 1);
    }
    free(batch), free(kv), free(pw), free(x);

}

/* ---- fleet ---- */

/* ---- fleet: a day (or more) of serving, hour by hour ---- */

/* Own capacity: utilisation, and GPUs rented and down, per hour. */
static void fleet_capacity_charts(gw_buf *b, shared_scales *sh, const cJSON *hr, const double *x,
                                  size_t n)
{
    size_t mu, mg, md;
    double *ut = jarray(jget(hr, "utilisation"), &mu);
    double *rg = jarray(jget(hr, "rented_gpus"), &mg);
    double *dg = jarray(jget(hr, "down_gpus"), &md);
    if (ut && rg && dg && mu == n && mg == n && md == n) {
        for (size_t i = 0; i < n; i++)
            ut[i] *= 100, rg[i] /= 1e3, dg[i] /= 1e3;
        series su = {"own capacity in use", ut};
        line_chart(b, sh, "Utilisation of own capacity", "hour", "utilisation", "%", x, n, &su,
                   1);
        series sg[2] = {{"GPUs rented", rg}, {"own GPUs down", dg}};
        line_chart(b, sh, "Rented GPUs and GPUs down", "hour", "GPUs", "thousand", x, n, sg, 2);
    }
    free(ut), free(rg), free(dg);
}

/* Served and turned away (rate-limited, rejected, timed out) per hour, by
 * tenant, for up to 10 tenants. */
static void fleet_tenant_charts(gw_buf *b, shared_scales *sh, const cJSON *hr, const double *x,
                                size_t n)
{
    const cJSON *bt = jget(hr, "by_tenant");
    int nt = cJSON_IsObject(bt) ? cJSON_GetArraySize(bt) : 0;
    if (nt > 0 && nt <= 10) {
        series served[10], away[10];
        double *sv[10] = {0}, *av[10] = {0};
        int good = 0;
        const cJSON *tn;
        cJSON_ArrayForEach(tn, bt)
        {
            size_t a1, a2, a3, a4;
            sv[good] = jarray(jget(tn, "served"), &a1);
            av[good] = jarray(jget(tn, "rate_limited"), &a2);
            double *rj = jarray(jget(tn, "rejected"), &a3);
            double *to = jarray(jget(tn, "timed_out"), &a4);
            int fine = sv[good] && av[good] && rj && to && a1 == n && a2 == n && a3 == n &&
                       a4 == n;
            for (size_t i = 0; fine && i < n; i++) {
                sv[good][i] /= 1e6;
                av[good][i] = (av[good][i] + rj[i] + to[i]) / 1e6;
            }
            free(rj), free(to);
            if (!fine)
                break;
            served[good] = (series){tn->string, sv[good]};
            away[good] = (series){tn->string, av[good]};
            good++;
        }
        if (good == nt) {
            line_chart(b, sh, "Served per hour, by tenant", "hour", "requests per hour",
                       "million", x, n, served, nt);
            line_chart(b, sh, "Turned away per hour (rate-limited, rejected, timed out), by tenant",
                       "hour", "requests per hour", "million", x, n, away, nt);
        }
        for (int k = 0; k < 10; k++)
            free(sv[k]), free(av[k]);
    }
}

/* The power each site draws per hour, for up to 10 sites. */
static void fleet_site_chart(gw_buf *b, shared_scales *sh, const cJSON *hr, const double *x,
                             size_t n)
{
    const cJSON *mw = jget(hr, "site_mw");
    int ns = cJSON_GetArraySize(mw);
    if (ns > 0 && ns <= 10) {
        series ss[10];
        double *sv[10] = {0};
        int good = 0;
        const cJSON *site;
        cJSON_ArrayForEach(site, mw)
        {
            size_t k;
            sv[good] = jarray(site, &k);
            if (!sv[good] || k != n)
                break;
            ss[good] = (series){site->string, sv[good]};
            good++;
        }
        if (good == ns)
            line_chart(b, sh, "Power drawn per site", "hour", "power", "MW", x, n, ss, ns);
        for (int k = 0; k < 10; k++)
            free(sv[k]);
    }
}

/* Per tenant over the whole run: who was served, and the time to first token. */
static void fleet_tenant_bars(gw_buf *b, shared_scales *sh, const cJSON *o)
{
    const cJSON *ts = jget(o, "tenants");
    size_t nt = cJSON_IsArray(ts) ? (size_t)cJSON_GetArraySize(ts) : 0;
    const char **labels = calloc(nt ? nt : 1, sizeof *labels);
    double *sv = calloc(nt ? nt : 1, sizeof *sv), *lv = calloc(nt ? nt : 1, sizeof *lv);
    double *p50 = calloc(nt ? nt : 1, sizeof *p50), *p90 = calloc(nt ? nt : 1, sizeof *p90);
    if (labels && sv && lv && p50 && p90 && nt) {
        size_t i = 0;
        const cJSON *t;
        cJSON_ArrayForEach(t, ts) if (i < nt)
        {
            labels[i] = jstr(t, "name");
            sv[i] = jnum(t, "served") / 1e6;
            lv[i] = (jnum(t, "rate_limited") + jnum(t, "rejected") + jnum(t, "timed_out")) / 1e6;
            p50[i] = jnum(t, "ttft_p50_s");
            p90[i++] = jnum(t, "ttft_p90_s");
        }
        series s[2] = {{"served", sv}, {"rate-limited, rejected or timed out", lv}};
        bar_chart(b, sh, "Who was served", "tenant", "requests", "million", labels, nt, s, 2);
        series q[2] = {{"TTFT p50", p50}, {"TTFT p90", p90}};
        bar_chart(b, sh, "Time to first token by tenant", "tenant", "TTFT", "s", labels, nt, q, 2);
    }
    free(labels), free(sv), free(lv), free(p50), free(p90);
}

static void section_fleet(gw_buf *b, shared_scales *sh, const cJSON *o)
{
    const cJSON *hr = jget(o, "hourly");
    const char *keys[7] = {"offered", "served", "rate_limited", "rejected", "timed_out",
                           "spilled", "rented"};
    const char *names[7] = {"offered", "served", "rate-limited", "rejected", "timed out",
                            "spilled to rented", "served on rented"};
    double *v[7] = {0};
    size_t n = 0, m;
    int ok = 1;
    for (int k = 0; k < 7; k++) {
        v[k] = jarray(jget(hr, keys[k]), k ? &m : &n);
        ok = ok && v[k] && (k == 0 || m == n);
    }
    double total[3] = {0, 0, 0};
    for (size_t i = 0; ok && i < n; i++)
        total[0] += v[0][i], total[1] += v[1][i], total[2] += v[2][i];
    headline h[] = {{"requests offered", total[0], ""},
                    {"served", total[1], ""},
                    {"rate-limited", total[2], ""},
                    {"hours simulated", (double)n, ""}};
    headlines(b, h, 4);
    double *x = calloc(n ? n : 1, sizeof *x);
    if (x && ok && n > 0) {
        for (size_t i = 0; i < n; i++) {
            x[i] = (double)i;
            for (int k = 0; k < 7; k++)
                v[k][i] /= 1e6;
        }
        series s[5] = {{names[0], v[0]}, {names[1], v[1]}, {names[2], v[2]}, {names[3], v[3]},
                       {names[4], v[4]}};
        line_chart(b, sh, "Requests per hour: demand, served, turned away", "hour",
                   "requests per hour", "million", x, n, s, 5);
        series r[2] = {{names[5], v[5]}, {names[6], v[6]}};
        line_chart(b, sh, "Overflow to rented capacity", "hour", "requests per hour", "million", x,
                   n, r, 2);
        fleet_capacity_charts(b, sh, hr, x, n);
        fleet_tenant_charts(b, sh, hr, x, n);
        fleet_site_chart(b, sh, hr, x, n);
    }
    for (int k = 0; k < 7; k++)
        free(v[k]);
    free(x);
    fleet_tenant_bars(b, sh, o);
}

/* Every kind with a report: its heading and its section. */
typedef void (*section_fn)(gw_buf *b, shared_scales *sh, const cJSON *o);

static void section_search(gw_buf *b, shared_scales *sh, const cJSON *o);
static void section_config_search(gw_buf *b, shared_scales *sh, const cJSON *o);
static void section_runs(gw_buf *b, shared_scales *sh, const cJSON *o);
static void section_explore(gw_buf *b, shared_scales *sh, const cJSON *o);
static void section_power(gw_buf *b, shared_scales *sh, const cJSON *o);

static const struct {
    const char *kind, *title;
    section_fn section;
} report_kinds[] = {
    {"rack", "rack design", section_rack},
    {"plan", "site and fleet plan", section_plan},
    {"perf", "inference and training performance", section_perf},
    {"sim", "serving simulation", section_sim},
    {"sim-search", "cheapest configuration search", section_search},
    {"config-search", "serving configuration search", section_config_search},
    {"fleet", "fleet simulation", section_fleet},
    {"timeline", "build-out timeline", section_timeline},
    {"risk", "build-out risk", section_risk},
    {"runs", "stored runs", section_runs},
    {"supply_chain", "component supply chain", section_supply},
    {"explore", "design-space exploration", section_explore},
    {"power", "site power and the grid", section_power},
};

/* runs --json: the store's runs as a table, each with what runs it again. */
static void section_runs(gw_buf *b, shared_scales *sh, const cJSON *o)
{
    (void)sh;
    const cJSON *runs = jget(o, "runs");
    int n = cJSON_IsArray(runs) ? cJSON_GetArraySize(runs) : 0;
    headline h[] = {{"runs", n, ""}};
    headlines(b, h, 1);
    gw_buf_printf(b, "<p>store ");
    esc(b, jstr(o, "store"));
    gw_buf_printf(b, "</p><table><tr><th>id</th><th>kind</th><th>started</th><th>status</th>"
                     "<th>draws done</th><th>scenario</th><th>command</th>"
                     "<th>scenario SHA-256</th></tr>");
    const cJSON *x;
    cJSON_ArrayForEach(x, runs)
    {
        gw_buf_printf(b, "<tr><td>%.0f</td><td>", jnum(x, "id"));
        const char *cells[] = {jstr(x, "kind"), jstr(x, "started"), jstr(x, "status")};
        for (int c = 0; c < 3; c++) {
            esc(b, cells[c]);
            gw_buf_printf(b, "</td><td>");
        }
        if (isfinite(jnum(x, "draws")))
            gw_buf_printf(b, "%.0f of %.0f", jnum(x, "done"), jnum(x, "draws"));
        else
            gw_buf_printf(b, "&mdash;");
        gw_buf_printf(b, "</td><td style='text-align:left'>");
        esc(b, jstr(x, "scenario"));
        gw_buf_printf(b, "</td><td style='text-align:left'><code>");
        esc(b, jstr(x, "command"));
        gw_buf_printf(b, "</code></td><td><code>");
        esc(b, jstr(x, "scenario_sha256"));
        gw_buf_printf(b, "</code></td></tr>");
    }
    gw_buf_printf(b, "</table>");
}
#define NKINDS (sizeof report_kinds / sizeof report_kinds[0])

/* sim --cheapest: cost and power of each candidate at the target rate. */
static void section_search(gw_buf *b, shared_scales *sh, const cJSON *o)
{
    const cJSON *cs = jget(o, "candidates");
    size_t n = cJSON_IsArray(cs) ? (size_t)cJSON_GetArraySize(cs) : 0;
    /* a target of 0 was not given: no "0 s TBT target" card */
    double ttft = jnum(o, "ttft_target_s"), tbt = jnum(o, "tbt_target_s");
    headline h[] = {{"target", jnum(o, "target_rate"), "requests/s"},
                    {"TTFT target", ttft > 0 ? ttft : NAN, "s"},
                    {"TBT target", tbt > 0 ? tbt : NAN, "s"},
                    {"quantile of the targets", 100 * jnum(o, "quantile"), "th percentile"}};
    headlines(b, h, 4);
    char(*lab)[48] = calloc(n ? n : 1, sizeof *lab);
    const char **labels = calloc(n ? n : 1, sizeof *labels);
    double *usd = calloc(n ? n : 1, sizeof *usd), *mw = calloc(n ? n : 1, sizeof *mw);
    if (lab && labels && usd && mw && n) {
        size_t i = 0;
        const cJSON *c;
        cJSON_ArrayForEach(c, cs) if (i < n)
        {
            snprintf(lab[i], sizeof lab[i], "%.30s TP%.0f", jstr(c, "accelerator"), jnum(c, "tp"));
            labels[i] = lab[i];
            double u = jnum(c, "usd_per_hour");
            usd[i] = u >= 0 ? u : NAN; /* -1: no price */
            mw[i++] = jnum(c, "it_mw");
        }
        series su = {"cost at the target rate", usd}, sm = {"IT power at the target rate", mw};
        bar_chart(b, sh, "What each feasible configuration costs", "accelerator and tensor parallel",
                  "cost", "USD per hour", labels, n, &su, 1);
        bar_chart(b, sh, "What each feasible configuration draws", "accelerator and tensor parallel",
                  "IT power", "MW", labels, n, &sm, 1);
    }
    free(lab), free(labels), free(usd), free(mw);
}

/* ---- config-search: the Pareto front ---- */

/* The front as a scatter on linear axes from 0: aggregated and
 * disaggregated points in their colours joined by the front's staircase,
 * the best under the targets ringed, the TPOT target as a vertical line
 * (tokens/s per user = 1 / TPOT). Points come tokens/s per user ascending. */
static void front_chart(gw_buf *b, shared_scales *sh, const double *user, const double *gpu,
                        const int *disagg, size_t n, double best_user, double best_gpu,
                        double tpot_target)
{
    const char *title = "Pareto front: tokens/s per GPU against tokens/s per user";
    double lo = 0, top = 0, right = tpot_target > 0 ? 1 / tpot_target : 0;
    for (size_t i = 0; i < n; i++)
        top = fmax(top, gpu[i]), right = fmax(right, user[i]);
    shared_range(sh, title, &lo, &top);
    double ymax = nice_max(top), xmax = nice_max(right);
    axes(b, title, "output tokens/s per user", "throughput", "tokens/s per GPU", 0, ymax);
#define FX(v) (CH_LEFT + CH_PW * (v) / xmax)
    gw_buf_printf(b, "<polyline fill='none' stroke='#bbb' stroke-width='1.5' points='");
    for (size_t i = 0; i < n; i++) /* a staircase: each point holds until the next */
        gw_buf_printf(b, "%.1f,%.1f %.1f,%.1f ", i ? FX(user[i - 1]) : FX(0),
                      y_of(gpu[i], 0, ymax), FX(user[i]), y_of(gpu[i], 0, ymax));
    gw_buf_printf(b, "'/>");
    for (size_t i = 0; i < n; i++)
        gw_buf_printf(b, "<circle cx='%.1f' cy='%.1f' r='3.5' fill='%s'><title>%s: %s "
                         "tokens/s per user, %s per GPU</title></circle>",
                      FX(user[i]), y_of(gpu[i], 0, ymax), palette[disagg[i] ? 1 : 0],
                      disagg[i] ? "disaggregated" : "aggregated", FIG(user[i]), FIG(gpu[i]));
    if (isfinite(best_user) && isfinite(best_gpu))
        gw_buf_printf(b, "<circle cx='%.1f' cy='%.1f' r='8' fill='none' stroke='%s' "
                         "stroke-width='2'><title>best under the targets</title></circle>",
                      FX(best_user), y_of(best_gpu, 0, ymax), palette[3]);
    if (tpot_target > 0)
        gw_buf_printf(b, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' class='ref'/>"
                         "<text x='%.1f' y='%d' class='tick'>TPOT target</text>",
                      FX(1 / tpot_target), CH_TOP, FX(1 / tpot_target), CH_H - CH_BOTTOM,
                      FX(1 / tpot_target) + 3, CH_TOP + 10);
    x_ticks(b, 0, xmax, CH_LEFT, CH_PW, CH_H - CH_BOTTOM + 14, 0, 0);
#undef FX
    const char *names[3] = {"aggregated", "disaggregated", ""};
    legend(b, names, 2, CH_H - 22);
    gw_buf_printf(b, "<text x='%d' y='%d' class='leg' fill='%s'>ringed: best under the "
                     "targets</text></svg></figure>",
                  CH_LEFT + 240, CH_H - 22, palette[3]);
}

/* gigawatt search: the best deployment's figures, the front drawn, and
 * the front's numbers. */
static void section_config_search(gw_buf *b, shared_scales *sh, const cJSON *o)
{
    const cJSON *best = jget(o, "best"), *fr = jget(o, "front"), *tg = jget(o, "targets");
    headline h[] = {{"best: tokens/s per GPU", jnum(best, "tokens_per_s_per_gpu"), ""},
                    {"best: tokens/s per user", jnum(best, "tokens_per_s_per_user"), ""},
                    {"best: TTFT", jnum(best, "ttft_s"), "s"},
                    {"best: TPOT", jnum(best, "tpot_s"), "s"},
                    {"candidates priced", jnum(o, "candidates_evaluated"), ""}};
    headlines(b, h, 5);
    if (!cJSON_IsObject(best))
        gw_buf_printf(b, "<p>No deployment meets the targets.</p>");
    else {
        gw_buf_printf(b, "<p>Best: %s", strcmp(jstr(best, "mode"), "disagg") ? "aggregated"
                                                                             : "disaggregated");
        const char *roles[2] = {"prefill", strcmp(jstr(best, "mode"), "disagg") ? "workers"
                                                                                : "decode"};
        for (int k = 0; k < 2; k++) {
            const cJSON *r = jget(best, roles[k]);
            if (cJSON_IsObject(r))
                gw_buf_printf(b, ", %s %.0f x (tp %.0f, attention-DP %.0f, EP %.0f)", roles[k],
                              jnum(r, "workers"), jnum(r, "tp"), jnum(r, "attention_dp"),
                              jnum(r, "ep"));
        }
        gw_buf_printf(b, ", MTP %.0f, %.0f clients, bound by ", jnum(best, "mtp"),
                      jnum(best, "concurrency"));
        esc(b, jstr(best, "bound"));
        gw_buf_printf(b, ".</p>");
    }
    size_t n = 0, m = 0;
    double *user = jarray_of(fr, "tokens_per_s_per_user", &n);
    double *gpu = jarray_of(fr, "tokens_per_s_per_gpu", &m);
    int *dis = calloc(n ? n : 1, sizeof *dis);
    size_t i = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, fr) if (dis && i < n) dis[i++] = strcmp(jstr(p, "mode"), "disagg") == 0;
    if (user && gpu && dis && n) {
        front_chart(b, sh, user, gpu, dis, n, jnum(best, "tokens_per_s_per_user"),
                    jnum(best, "tokens_per_s_per_gpu"), jnum(tg, "tpot_s"));
        series s = {"tokens/s per GPU", gpu};
        table(b, "tokens/s per user", NULL, user, 0, n, &s, 1, "tokens/s");
    }
    free(user), free(gpu), free(dis);
}

/* ---- explore: the Pareto scatter, the fields' small multiples, the best ---- */

#define EXPLORE_DRAWN 4000 /* points drawn besides the front: every k-th beyond */


/* One point of the scatter: front red and large, feasible blue, infeasible
 * grey with why on hover. */
static void explore_dot(gw_buf *b, double x, double y, int kind, int index, const char *why)
{
    static const char *const fill[3] = {"#bbb", "#1f77b4", "#d62728"};
    gw_buf_printf(b, "<circle cx='%.1f' cy='%.1f' r='%s' fill='%s' class='x%s'><title>#%d",
                  x, y, kind == 2 ? "4.5" : "2.5", fill[kind],
                  kind == 2 ? "front" : kind ? "ok" : "no", index);
    if (kind == 0) {
        gw_buf_printf(b, " infeasible: ");
        esc(b, why);
    }
    gw_buf_printf(b, "</title></circle>");
}

/* Objective q's value at point p (NaN for null). */
static double objective_of(const cJSON *p, const cJSON *objs, int q)
{
    const cJSON *o = cJSON_GetArrayItem(objs, q);
    const cJSON *v = jget(jget(p, "objectives"), jstr(o, "name"));
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* The unit an axis label shows: a ratio (PUE) has none of its own. */
static const char *explore_unit(const cJSON *obj)
{
    const char *u = jstr(obj, "unit");
    return u[0] ? u : "ratio";
}

/* The front's points under the scatter: index, fields, objectives. */
static void explore_front_table(gw_buf *b, const cJSON *o, const unsigned char *front, int n)
{
    const cJSON *objs = jget(o, "objectives"), *v, *q;
    gw_buf_printf(b, "<details><summary>numbers: the Pareto front</summary><table><tr><th>#</th>");
    cJSON_ArrayForEach(v, jget(o, "vary"))
    {
        gw_buf_printf(b, "<th>");
        esc(b, jstr(v, "key"));
        gw_buf_printf(b, "</th>");
    }
    cJSON_ArrayForEach(q, objs)
    {
        gw_buf_printf(b, "<th>");
        axis_label(b, jstr(q, "name"), explore_unit(q));
        gw_buf_printf(b, "</th>");
    }
    gw_buf_printf(b, "</tr>");
    int i = 0;
    const cJSON *p;
    cJSON_ArrayForEach(p, jget(o, "points"))
    {
        int k = i++;
        if (k >= n || !front[k])
            continue;
        gw_buf_printf(b, "<tr><td>%d</td>", k);
        cJSON_ArrayForEach(v, jget(o, "vary"))
        {
            const cJSON *x = jget(jget(p, "params"), jstr(v, "key"));
            gw_buf_printf(b, "<td>");
            if (cJSON_IsString(x))
                esc(b, x->valuestring);
            else
                gw_buf_printf(b, "%s", FIG(cJSON_IsNumber(x) ? x->valuedouble : NAN));
            gw_buf_printf(b, "</td>");
        }
        for (int j = 0; j < cJSON_GetArraySize(objs); j++)
            gw_buf_printf(b, "<td>%s</td>", FIG(objective_of(p, objs, j)));
        gw_buf_printf(b, "</tr>");
    }
    gw_buf_printf(b, "</table></details>");
}

/* Objective 0 across, objective 1 up (one objective: the point's index across). */
static void explore_scatter(gw_buf *b, const cJSON *o)
{
    const cJSON *objs = jget(o, "objectives"), *pts = jget(o, "points"), *par = jget(o, "pareto");
    int n = cJSON_GetArraySize(pts), two = cJSON_GetArraySize(objs) > 1;
    unsigned char *front = calloc((size_t)n + 1, 1);
    const cJSON *e;
    cJSON_ArrayForEach(e, par) if (front && cJSON_IsNumber(e) && e->valuedouble >= 0 &&
                                   e->valuedouble < n) front[(int)e->valuedouble] = 1;
    double xl = INFINITY, xh = -INFINITY, yl = INFINITY, yh = -INFINITY;
    int i = 0, unplaced = 0;
    cJSON_ArrayForEach(e, pts)
    {
        double x = two ? objective_of(e, objs, 0) : i, y = objective_of(e, objs, two);
        i++;
        if (!isfinite(x) || !isfinite(y))
            continue;
        xl = fmin(xl, x), xh = fmax(xh, x), yl = fmin(yl, y), yh = fmax(yh, y);
    }
    if (!front || !(xh >= xl)) {
        free(front);
        gw_buf_printf(b, "<p>No point has figures to draw.</p>");
        return;
    }
    char xname[160] = "point";
    if (two)
        snprintf(xname, sizeof xname, "%s (%s)", jstr(cJSON_GetArrayItem(objs, 0), "name"),
                 explore_unit(cJSON_GetArrayItem(objs, 0)));
    const char *yname = jstr(cJSON_GetArrayItem(objs, two), "name");
    double ylo, yhi, xlo = xl >= 0 ? 0 : xl, xhi = nice_max(xh > xlo ? xh : xlo + 1);
    y_range(fmin(yl, 0), yh > 0 ? yh : 1, &ylo, &yhi);
    axes(b, "Pareto front", xname, yname, explore_unit(cJSON_GetArrayItem(objs, two)), ylo, yhi);
    int every = n > EXPLORE_DRAWN ? (n + EXPLORE_DRAWN - 1) / EXPLORE_DRAWN : 1;
    for (int pass = 0; pass < 2; pass++) { /* the front on top */
        i = 0;
        cJSON_ArrayForEach(e, pts)
        {
            int k = i++;
            if (front[k] != pass || (!pass && k % every))
                continue;
            double x = two ? objective_of(e, objs, 0) : k, y = objective_of(e, objs, two);
            if (!isfinite(x) || !isfinite(y)) {
                unplaced += !pass;
                continue;
            }
            int kind = front[k] ? 2 : cJSON_IsTrue(jget(e, "feasible")) ? 1 : 0;
            explore_dot(b, CH_LEFT + CH_PW * (x - xlo) / (xhi - xlo), y_of(y, ylo, yhi), kind, k,
                        jstr(e, "why"));
        }
    }
    x_ticks(b, xlo, xhi, CH_LEFT, CH_PW, CH_H - CH_BOTTOM + 14, 0, !two);
    const char *names[3] = {"on the Pareto front", "feasible", "infeasible (hover: why)"};
    static const char *const fills[3] = {"#d62728", "#1f77b4", "#bbb"};
    for (int k = 0; k < 3; k++)
        gw_buf_printf(b, "<circle cx='%d' cy='%d' r='4' fill='%s'/><text x='%d' y='%d' "
                         "class='leg'>%s</text>",
                      CH_LEFT + 8 + 200 * k, CH_H - 26, fills[k], CH_LEFT + 16 + 200 * k,
                      CH_H - 22, names[k]);
    gw_buf_printf(b, "</svg></figure>");
    explore_front_table(b, o, front, n);
    if (every > 1 || unplaced)
        gw_buf_printf(b, "<p>Drawn: every point of the front%s%d; %d points have no figures "
                         "(the models refused them: see the JSON's why).</p>",
                      every > 1 ? " and every " : ", all others", every > 1 ? every : n,
                      unplaced);
    free(front);
}

/* Point p's level of field v: its index among the levels (lists, grid
 * ranges) or one of 8 bins (ranges sampled), -1 if none. */
static int explore_level(const cJSON *v, const cJSON *p, int sampled, int nl)
{
    const cJSON *x = jget(jget(p, "params"), jstr(v, "key"));
    const cJSON *lv = jget(v, "levels");
    if (lv) {
        int k = 0;
        const cJSON *l;
        cJSON_ArrayForEach(l, lv)
        {
            if ((cJSON_IsNumber(l) && cJSON_IsNumber(x) && l->valuedouble == x->valuedouble) ||
                (cJSON_IsString(l) && cJSON_IsString(x) && !strcmp(l->valuestring, x->valuestring)))
                return k;
            k++;
        }
        return -1;
    }
    double lo = jnum(v, "low"), hi = jnum(v, "high");
    double val = cJSON_IsNumber(x) ? x->valuedouble : cJSON_IsString(x) ? atof(x->valuestring) : NAN;
    if (!isfinite(val))
        return -1;
    int k = hi > lo ? (int)floor((val - lo) / (hi - lo) * (sampled ? nl : nl - 1) + (sampled ? 0 : 0.5))
                    : 0;
    return k < 0 ? 0 : k >= nl ? nl - 1 : k;
}

/* Each varied field against each objective: the objective's mean over the
 * feasible points at each of the field's levels (docs/explore.md §5). */
static void explore_multiples(gw_buf *b, shared_scales *sh, const cJSON *o)
{
    const cJSON *objs = jget(o, "objectives"), *pts = jget(o, "points"), *v;
    int sampled = strcmp(jstr(o, "design"), "grid") != 0;
    cJSON_ArrayForEach(v, jget(o, "vary"))
    {
        const cJSON *lv = jget(v, "levels");
        int nl = lv ? cJSON_GetArraySize(lv) : sampled ? 8 : (int)jnum(v, "steps");
        if (nl < 1 || nl > 64)
            continue;
        char labels[64][48];
        const char *lab[64];
        double lo = jnum(v, "low"), hi = jnum(v, "high");
        for (int k = 0; k < nl; k++) {
            const cJSON *l = lv ? cJSON_GetArrayItem(lv, k) : NULL;
            if (l && cJSON_IsString(l))
                snprintf(labels[k], sizeof labels[k], "%s", l->valuestring);
            else if (l)
                snprintf(labels[k], sizeof labels[k], "%s", FIG(l->valuedouble));
            else if (sampled)
                snprintf(labels[k], sizeof labels[k], "%.4g-%.4g", lo + (hi - lo) * k / nl,
                         lo + (hi - lo) * (k + 1) / nl);
            else
                snprintf(labels[k], sizeof labels[k], "%.4g",
                         nl > 1 ? lo + (hi - lo) * k / (nl - 1) : lo);
            lab[k] = labels[k];
        }
        for (int q = 0; q < cJSON_GetArraySize(objs); q++) {
            double sum[64] = {0}, mean[64];
            int cnt[64] = {0};
            const cJSON *p;
            cJSON_ArrayForEach(p, pts)
            {
                double y = objective_of(p, objs, q);
                int k = explore_level(v, p, sampled, nl);
                if (k >= 0 && cJSON_IsTrue(jget(p, "feasible")) && isfinite(y))
                    sum[k] += y, cnt[k]++;
            }
            for (int k = 0; k < nl; k++)
                mean[k] = cnt[k] ? sum[k] / cnt[k] : NAN;
            const cJSON *oq = cJSON_GetArrayItem(objs, q);
            char title[160];
            snprintf(title, sizeof title, "%s by %s (mean of the feasible points)",
                     jstr(oq, "name"), jstr(v, "key"));
            series s = {jstr(oq, "name"), mean};
            bar_chart(b, sh, title, jstr(v, "key"), jstr(oq, "name"), explore_unit(oq), lab,
                      (size_t)nl, &s, 1);
        }
    }
}

/* The best point per objective side by side: its fields and every result field. */
static void explore_best(gw_buf *b, const cJSON *o)
{
    const cJSON *best = jget(o, "best"), *v, *x;
    gw_buf_printf(b, "<h3>Best designs</h3><table><tr><th></th>");
    cJSON_ArrayForEach(x, best)
    {
        gw_buf_printf(b, "<th>best ");
        esc(b, x->string);
        gw_buf_printf(b, cJSON_IsObject(x) ? " (#%.0f)</th>" : "</th>", jnum(x, "index"));
    }
    gw_buf_printf(b, "</tr>");
    for (int part = 0; part < 2; part++) {
        const cJSON *rows = part ? jget(cJSON_GetArrayItem(best, 0), "metrics") : jget(o, "vary");
        cJSON_ArrayForEach(v, rows)
        {
            const char *key = part ? v->string : jstr(v, "key");
            int known = !part; /* a result field no best point has (training's, */
            cJSON_ArrayForEach(x, best) /* without a training: section) is left out */
                known |= !cJSON_IsNull(jget(jget(x, "metrics"), key));
            if (!known)
                continue;
            gw_buf_printf(b, "<tr><th>");
            esc(b, key);
            gw_buf_printf(b, "</th>");
            cJSON_ArrayForEach(x, best)
            {
                const cJSON *c = jget(jget(x, part ? "metrics" : "params"), key);
                gw_buf_printf(b, "<td>");
                if (cJSON_IsNumber(c))
                    gw_buf_printf(b, "%s", FIG(c->valuedouble));
                else if (cJSON_IsString(c))
                    esc(b, c->valuestring);
                else
                    gw_buf_printf(b, "-");
                gw_buf_printf(b, "</td>");
            }
            gw_buf_printf(b, "</tr>");
        }
    }
    gw_buf_printf(b, "</table>");
}

/* gigawatt explore: how many points, the front drawn, each field's effect,
 * the best designs side by side. */
static void section_explore(gw_buf *b, shared_scales *sh, const cJSON *o)
{
    headline h[] = {{"design points", jnum(o, "npoints"), ""},
                    {"feasible", jnum(o, "feasible"), ""},
                    {"on the Pareto front", (double)cJSON_GetArraySize(jget(o, "pareto")), ""}};
    headlines(b, h, 3);
    explore_scatter(b, o);
    explore_best(b, o);
    explore_multiples(b, sh, o);
}

/* power (docs/power.md): the grid draw with and without the mitigations
 * (min and max per time bucket), the histogram of 1 s changes, the
 * spectrum, the violations and the sizing. */
static void power_series(gw_buf *b, shared_scales *sh, const cJSON *f)
{
    static const char *const keys[] = {"unmitigated_max_w", "unmitigated_min_w", "grid_max_w",
                                       "grid_min_w"};
    static const char *const names[] = {"unmitigated, max", "unmitigated, min",
                                        "with mitigations, max", "with mitigations, min"};
    size_t n = 0, m[4];
    double *t = jarray(jget(f, "t_s"), &n), *v[4];
    series s[4];
    int ok = t != NULL;
    for (int k = 0; k < 4; k++) {
        v[k] = jarray(jget(f, keys[k]), &m[k]);
        s[k] = (series){names[k], v[k]};
        ok &= v[k] && m[k] == n;
    }
    if (ok && n)
        line_chart(b, sh, "grid draw over the window", "time (s)", "grid draw", "W", t, n, s, 4);
    free(t);
    for (int k = 0; k < 4; k++)
        free(v[k]);
}

static void power_ramps_and_spectrum(gw_buf *b, shared_scales *sh, const cJSON *f)
{
    size_t ne, nc, nu, nh, nr, nur;
    double *edges = jarray(jget(f, "ramp_1s_edges_w_per_s"), &ne);
    double *counts = jarray(jget(f, "ramp_1s_counts"), &nc);
    double *ucounts = jarray(jget(f, "unmitigated_ramp_1s_counts"), &nu);
    char(*lab)[32] = calloc(nc ? nc : 1, sizeof *lab);
    const char **labels = calloc(nc ? nc : 1, sizeof *labels);
    if (edges && counts && ucounts && lab && labels && nc && ne == nc + 1 && nu == nc) {
        for (size_t i = 0; i < nc; i++) {
            gw_format_number(edges[i], 3, lab[i], sizeof lab[i]);
            labels[i] = lab[i];
        }
        series s[2] = {{"unmitigated", ucounts}, {"with mitigations", counts}};
        bar_chart(b, sh, "change within 1 s, once a second", "W/s, bin from", "seconds",
                  "count", labels, nc, s, 2);
    }
    free(edges), free(counts), free(ucounts), free(lab), free(labels);
    double *hz = jarray(jget(f, "spectrum_hz"), &nh), *rms = jarray(jget(f, "spectrum_rms_w"), &nr);
    double *urms = jarray(jget(f, "unmitigated_spectrum_rms_w"), &nur);
    if (hz && rms && urms && nh > 1 && nr == nh && nur == nh) {
        series s[2] = {{"unmitigated", urms}, {"with mitigations", rms}};
        line_chart_ex(b, sh, "spectrum of the grid draw (RMS per bin)", "frequency (Hz)",
                      "RMS swing", "W", hz, nh, s, 2, 1, NULL, 0, 0);
    }
    free(hz), free(rms), free(urms);
}

static void section_power(gw_buf *b, shared_scales *sh, const cJSON *o)
{
    const cJSON *g = jget(o, "grid"), *u = jget(o, "unmitigated"), *sz = jget(o, "sizing");
    const cJSON *viol = jget(o, "violations");
    headline h[] = {{"peak draw", jnum(g, "peak_w"), "W"},
                    {"mean draw", jnum(g, "mean_w"), "W"},
                    {"largest change in 60 s", jnum(jget(g, "max_ramp_w_per_s"), "60s") * 60, "W"},
                    {"largest change in 60 s, unmitigated",
                     jnum(jget(u, "max_ramp_w_per_s"), "60s") * 60, "W"},
                    {"spectrum peak", jnum(g, "spectrum_peak_hz"), "Hz"},
                    {"violations", cJSON_GetArraySize(viol), ""},
                    {"least site battery", jnum(sz, "battery_w"), "W"},
                    {"least battery energy", jnum(sz, "battery_wh"), "Wh"}};
    headlines(b, h, 8);
    power_series(b, sh, jget(o, "figures"));
    power_ramps_and_spectrum(b, sh, jget(o, "figures"));
    gw_buf_printf(b, "<h3>sizing</h3>");
    kv_table(b, sz);
    gw_buf_printf(b, "<h3>violations</h3><table><tr><th>from (s)</th><th>to (s)</th>"
                     "<th>what</th></tr>");
    const cJSON *x;
    cJSON_ArrayForEach(x, viol)
    {
        gw_buf_printf(b, "<tr><td>%s</td><td>%s</td><td style='text-align:left'>",
                      FIG(jnum(x, "start_s")), FIG(jnum(x, "end_s")));
        esc(b, jstr(x, "message"));
        gw_buf_printf(b, "</td></tr>");
    }
    gw_buf_printf(b, "</table>");
}

/* The index of a kind in report_kinds[], or -1 when it has no report. */
static int kind_index(const char *k)
{
    for (size_t i = 0; i < NKINDS; i++)
        if (strcmp(k, report_kinds[i].kind) == 0)
            return (int)i;
    return -1;
}

/* "rack, plan, ... or risk": the kinds with a report, for messages. */
static void kinds_text(char *buf, size_t n)
{
    size_t at = 0;
    buf[0] = 0;
    for (size_t i = 0; i < NKINDS && at < n; i++) {
        const char *sep = i == 0 ? "" : i + 1 < NKINDS ? ", " : " or ";
        at += (size_t)snprintf(buf + at, n - at, "%s%s", sep, report_kinds[i].kind);
    }
}

/* Check one parsed result: a JSON object of gigawatt's version and of a kind
 * with a report, the same kind as the others (*kind: NULL before the first). */
static int check_result(const char *name, const cJSON *doc, const char **kind, gw_error *err)
{
    const cJSON *k = doc ? cJSON_GetObjectItemCaseSensitive(doc, "kind") : NULL;
    const cJSON *ver = doc ? cJSON_GetObjectItemCaseSensitive(doc, "gigawatt_version") : NULL;
    if (!doc || !cJSON_IsObject(doc))
        return gw_error_set(err, GW_E_INPUT, name, 0, 0,
                            "not a complete JSON object (truncated or edited?); expected the "
                            "output of gigawatt --json");
    if (!cJSON_IsString(k) || !cJSON_IsString(ver))
        return gw_error_set(err, GW_E_INPUT, name, 0, 0,
                            "no kind or gigawatt_version; expected the output of gigawatt --json");
    if (strcmp(ver->valuestring, GW_VERSION) != 0)
        return gw_error_set(err, GW_E_INPUT, name, 0, 0,
                            "written by gigawatt %.20s; expected a result of version %s",
                            ver->valuestring, GW_VERSION);
    char kinds[200];
    kinds_text(kinds, sizeof kinds);
    if (kind_index(k->valuestring) < 0)
        return gw_error_set(err, GW_E_INPUT, name, 0, 0,
                            "kind '%.20s' has no report; expected one of %s", k->valuestring,
                            kinds);
    if (*kind && strcmp(*kind, k->valuestring) != 0)
        return gw_error_set(err, GW_E_INPUT, name, 0, 0,
                            "a %.20s result among %s results; expected results of one kind to "
                            "compare",
                            k->valuestring, *kind);
    *kind = k->valuestring;
    return GW_OK;
}

/* ---- the shape of a result: what a hand edit that still parses breaks ---- */

/* Figures each kind must carry for its charts: 'n' a number (null stands
 * for "not defined", as gigawatt writes NaN), 'o' an object, 'a' an array. */
static const struct {
    const char *kind, *key;
    char type;
} required_keys[] = {
    {"rack", "accelerators", 'n'},         {"rack", "it_power_w", 'n'},
    {"rack", "grid_power_w", 'n'},         {"rack", "pue", 'n'},
    {"rack", "it_power_breakdown_w", 'o'}, {"rack", "power_chain", 'a'},
    {"rack", "violations", 'a'},           {"plan", "accelerators", 'n'},
    {"plan", "racks", 'n'},                {"plan", "grid_power_w", 'n'},
    {"plan", "capex_usd", 'n'},            {"plan", "capex_breakdown_usd", 'o'},
    {"plan", "opex_usd_per_year", 'n'},    {"plan", "opex_breakdown_usd_per_year", 'o'},
    {"plan", "households_equivalent", 'n'}, {"plan", "usd_per_gpu_hour", 'n'},
    {"perf", "inputs", 'o'},               {"sim", "requests", 'n'},
    {"sim", "completed", 'n'},             {"sim", "ttft_s", 'o'},
    {"sim", "tpot_s", 'o'},                {"sim-search", "candidates", 'a'},    {"config-search", "front", 'a'},
    {"config-search", "targets", 'o'},
    {"fleet", "requests", 'n'},            {"fleet", "served", 'n'},
    {"fleet", "tenants", 'a'},             {"fleet", "hourly", 'o'},
    {"risk", "draws", 'n'},                {"risk", "quarters", 'a'},
    {"risk", "series", 'o'},               {"risk", "expected", 'o'},
    {"runs", "runs", 'a'},
    {"risk", "build_levels", 'o'},         {"risk", "histograms", 'o'},
    {"risk", "tornado", 'o'},              {"timeline", "quarter_labels", 'a'},
    {"timeline", "series", 'o'},
    {"supply_chain", "supply_chain", 'o'},
    {"explore", "objectives", 'a'},        {"explore", "points", 'a'},
    {"explore", "pareto", 'a'},            {"explore", "vary", 'a'},
    {"power", "grid", 'o'},                {"power", "unmitigated", 'o'},
    {"power", "sizing", 'o'},              {"power", "figures", 'o'},
    {"power", "violations", 'a'},
};

static int shape_error(const char *name, gw_error *err, const char *fmt, const char *path,
                       const char *what)
{
    char msg[400];
    snprintf(msg, sizeof msg, fmt, path, what);
    return gw_error_set(err, GW_E_INPUT, name, 0, 0,
                        "%s; expected the output of gigawatt --json as written (edited?)", msg);
}

/* Every array that holds numbers holds only numbers (or null). */
static int numbers_only(const char *name, const cJSON *x, char *path, size_t cap, gw_error *err)
{
    size_t len = strlen(path);
    int rc = GW_OK;
    if (cJSON_IsArray(x)) {
        int numeric = 0, i = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, x) numeric |= cJSON_IsNumber(e);
        cJSON_ArrayForEach(e, x)
        {
            snprintf(path + len, cap - len, "[%d]", i++);
            if (numeric && !cJSON_IsNumber(e) && !cJSON_IsNull(e))
                rc = shape_error(name, err, "%s is not a number%s", path, "");
            else
                rc = numbers_only(name, e, path, cap, err);
            if (rc)
                break;
        }
    } else if (cJSON_IsObject(x)) {
        const cJSON *e;
        cJSON_ArrayForEach(e, x)
        {
            snprintf(path + len, cap - len, "%s%s", len ? "." : "", e->string);
            if ((rc = numbers_only(name, e, path, cap, err)))
                break;
        }
    }
    path[len] = 0;
    return rc;
}

/* Every numeric array directly in `o` (and, one level down, in its member
 * objects) has n values: one per quarter or per hour. */
static int same_length(const char *name, const cJSON *o, const char *at, int n, const char *per,
                       gw_error *err)
{
    const cJSON *m, *a;
    cJSON_ArrayForEach(m, o)
    {
        const cJSON *inner = cJSON_IsObject(m) ? m : NULL;
        const cJSON *one = cJSON_IsArray(m) ? m : NULL;
        for (a = inner ? inner->child : one; a; a = inner ? a->next : NULL) {
            if (cJSON_IsArray(a) && cJSON_GetArraySize(a) != n) {
                char path[200], what[64];
                snprintf(path, sizeof path, "%s.%s%s%s", at, m->string, inner ? "." : "",
                         inner ? a->string : "");
                snprintf(what, sizeof what, " (%d), not one per %s (%d)", cJSON_GetArraySize(a),
                         per, n);
                return shape_error(name, err, "%s has another length%s", path, what);
            }
            if (!inner)
                break;
        }
    }
    return GW_OK;
}

/* The checks a result passes before it is drawn: the kind's figures are
 * there with their types, numeric arrays hold numbers, and per-quarter
 * and per-hour series have one value per quarter or hour. */
static int check_shape(const char *name, const cJSON *doc, const char *kind, gw_error *err)
{
    for (size_t i = 0; i < sizeof required_keys / sizeof required_keys[0]; i++) {
        if (strcmp(required_keys[i].kind, kind) != 0)
            continue;
        const cJSON *x = jget(doc, required_keys[i].key);
        char t = required_keys[i].type;
        int ok = t == 'n' ? cJSON_IsNumber(x) || cJSON_IsNull(x)
                 : t == 'o' ? cJSON_IsObject(x)
                            : cJSON_IsArray(x);
        if (!ok)
            return shape_error(name, err, "'%s' is %s", required_keys[i].key,
                               !x                ? "missing"
                               : t == 'n'        ? "not a number"
                               : t == 'o'        ? "not an object"
                                                 : "not an array");
    }
    char path[512] = "";
    int rc = numbers_only(name, doc, path, sizeof path, err);
    const cJSON *tl = strcmp(kind, "timeline") == 0 ? doc : jget(doc, "timeline");
    if (!rc && strcmp(kind, "risk") == 0)
        rc = same_length(name, jget(doc, "series"), "series",
                         cJSON_GetArraySize(jget(doc, "quarters")), "quarter", err);
    if (!rc && (strcmp(kind, "plan") == 0 || strcmp(kind, "timeline") == 0) && tl &&
        cJSON_IsObject(jget(tl, "series")))
        rc = same_length(name, jget(tl, "series"), strcmp(kind, "plan") ? "series"
                                                                          : "timeline.series",
                         cJSON_GetArraySize(jget(tl, "quarter_labels")), "quarter", err);
    if (!rc && strcmp(kind, "fleet") == 0) {
        const cJSON *h = jget(doc, "hourly");
        int hours = cJSON_GetArraySize(jget(h, "offered"));
        rc = same_length(name, h, "hourly", hours, "hour", err);
        if (!rc)
            rc = same_length(name, jget(h, "by_tenant"), "hourly.by_tenant", hours, "hour", err);
    }
    return rc;
}

/* Read a whole result file (at most GW_FILE_MAX_READ_BYTES, 1 GiB). */
static int read_result_file(const char *path, char **text, gw_error *err)
{
    int r = gw_read_whole_file(path, GW_FILE_MAX_READ_BYTES, text, NULL);
    if (r == -1)
        return gw_error_set(err, GW_E_INPUT, path, 0, 0,
                            "cannot read the result; expected a JSON file from --json");
    if (r)
        return gw_error_set(err, GW_E_INPUT, path, 0, 0,
                            "the result is too large to read; expected under 1 GiB");
    return GW_OK;
}

/* Units a JSON key ends in, longest first, as a reader writes them. */
static const struct {
    const char *suffix, *unit;
} key_units[] = {
    {"_usd_per_year", "USD per year"}, {"_usd_per_hour", "USD per hour"},
    {"_m3_per_year", "m3 per year"},   {"_usd", "USD"},
    {"_wh", "Wh"},                     {"_mw", "MW"},
    {"_w", "W"},                       {"_s", "s"},
    {"_j", "J"},                       {"_b", "B"},
};

/* The unit key ends in (NULL: none); *stem_len is the key without it. */
static const char *key_unit(const char *key, size_t *stem_len)
{
    size_t l = strlen(key);
    for (size_t i = 0; i < sizeof key_units / sizeof key_units[0]; i++) {
        size_t k = strlen(key_units[i].suffix);
        if (l > k && strcmp(key + l - k, key_units[i].suffix) == 0) {
            *stem_len = l - k;
            return key_units[i].unit;
        }
    }
    *stem_len = l;
    return NULL;
}

/* A key's words: "lost_revenue" -> "lost revenue", "usd_per_gpu_hour" ->
 * "USD per GPU hour" (the acronyms a reader knows in capitals). */
static void key_words(gw_buf *b, const char *key, size_t len)
{
    static const char *const caps[] = {"usd", "gpu", "gpus", "it", "pue", "ttft", "tpot", "tbt",
                                       "e2e", "kv", "mfu", "tp", "pp", "ep", "mw", "io", NULL};
    size_t i = 0;
    while (i < len) {
        size_t w = i;
        while (w < len && key[w] != '_')
            w++;
        char word[32];
        snprintf(word, sizeof word, "%.*s", (int)(w - i < 31 ? w - i : 31), key + i);
        for (int k = 0; caps[k]; k++)
            if (strcmp(word, caps[k]) == 0)
                for (char *c = word; *c; c++)
                    *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
        if (strcmp(word, "GPUS") == 0)
            snprintf(word, sizeof word, "GPUs");
        if (i > 0)
            gw_buf_printf(b, " ");
        esc(b, word);
        i = w + 1;
    }
}

/* A figure's label for the differences table (issue 14 item 9): "timeline
 * totals: lost revenue (USD)", "TTFT: p90 (s)", never the raw key path. The
 * unit is the key's, else its parent's; returned for the value's format. */
static const char *figure_label(gw_buf *b, const char *a, const char *bb, const char *key)
{
    size_t la = 0, lb = 0, lk;
    const char *unit = key_unit(key, &lk), *ua = a ? key_unit(a, &la) : NULL;
    if (bb)
        key_unit(bb, &lb);
    if (a) {
        key_words(b, a, la);
        if (bb) {
            gw_buf_printf(b, " ");
            key_words(b, bb, lb);
        }
        gw_buf_printf(b, ": ");
    }
    key_words(b, key, lk);
    if (!unit)
        unit = ua;
    if (unit) {
        gw_buf_printf(b, " (");
        esc(b, unit);
        gw_buf_printf(b, ")");
    }
    return unit;
}

/* A figure for the differences table, in its unit. */
static void diff_value(char *buf, size_t n, const char *unit, double v)
{
    if (!isfinite(v))
        snprintf(buf, n, "-");
    else if (unit && strncmp(unit, "USD", 3) == 0)
        gw_format_usd(v, buf, n);
    else if (unit && (!strcmp(unit, "W") || !strcmp(unit, "Wh") || !strcmp(unit, "s") ||
                      !strcmp(unit, "J") || !strcmp(unit, "B")))
        gw_format_si(v, unit, buf, n);
    else
        gw_format_count(v, buf, n);
}

/* Rows of the differences table: every number in docs[0] (at member a, then
 * b, of the result, or at its top), each result's value and its change
 * against the first. A seed or a hash is an identity: no change shown. */
static void diff_rows(gw_buf *b, cJSON **docs, int n, const char *a, const char *bb)
{
    const cJSON *first = docs[0];
    if (a)
        first = jget(first, a);
    if (a && bb)
        first = jget(first, bb);
    const cJSON *x;
    cJSON_ArrayForEach(x, first)
    {
        if (!cJSON_IsNumber(x))
            continue;
        int identity = strcmp(x->string, "seed") == 0 || strstr(x->string, "hash") != NULL;
        char v[48];
        gw_buf_printf(b, "<tr><th title='");
        if (a)
            gw_buf_printf(b, "%s.", a);
        if (bb)
            gw_buf_printf(b, "%s.", bb);
        esc(b, x->string);
        gw_buf_printf(b, "'>");
        const char *unit = figure_label(b, a, bb, x->string);
        diff_value(v, sizeof v, unit, x->valuedouble);
        gw_buf_printf(b, "</th><td>%s</td>", v);
        for (int i = 1; i < n; i++) {
            const cJSON *o = docs[i];
            if (a)
                o = jget(o, a);
            if (a && bb)
                o = jget(o, bb);
            double y = jnum(o, x->string);
            diff_value(v, sizeof v, unit, y);
            gw_buf_printf(b, "<td>%s</td>", v);
            if (identity || !isfinite(y) || x->valuedouble == 0)
                gw_buf_printf(b, "<td>%s</td>", y == x->valuedouble ? "same" : "-");
            else
                gw_buf_printf(b, "<td>%+.1f%%</td>", 100 * (y / x->valuedouble - 1));
        }
        gw_buf_printf(b, "</tr>");
    }
}

/* Render parsed results of one kind; names label them. */
/* The page up to the results' columns: the style sheet and the title. */
static void page_head(gw_buf *b, const char *title, int n)
{
    gw_buf_printf(b,
                  "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
                  "<meta name='viewport' content='width=device-width'>"
                  "<title>gigawatt report: %s</title><style>"
                  "body{font-family:sans-serif;max-width:%dpx;margin:1.5em auto;"
                  "padding:0 1em;color:#222}"
                  "h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc}"
                  "h3{font-size:1em}.cols{display:grid;grid-template-columns:repeat(%d,"
                  "minmax(0,1fr));gap:1.5em}"
                  "figure{margin:1em 0 .2em}svg{background:#fff;max-width:100%%;height:auto}"
                  ".title{font:bold 14px sans-serif;text-anchor:middle}"
                  ".lab{font:12px sans-serif;text-anchor:middle}.tick{font:11px sans-serif}"
                  ".leg{font:12px sans-serif}.axis{stroke:#444}.grid{stroke:#eee}"
                  ".ref{stroke:#d62728;stroke-dasharray:6 4}"
                  ".heads{display:flex;flex-wrap:wrap;gap:.6em;margin:.8em 0}"
                  ".head{border:1px solid #ddd;border-radius:4px;padding:.4em .7em}"
                  ".head .v{font-size:1.3em;font-weight:bold}.head .u,.head .l{color:#555;"
                  "font-size:.85em}.pass{color:#2ca02c}.fail{color:#d62728;font-weight:bold}"
                  "table{border-collapse:collapse;font-size:12px;margin:.5em 0}"
                  "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
                  "th{background:#f4f4f4}.kv th{text-align:left}summary{cursor:pointer;"
                  "color:#1f5f99;font-size:.9em}"
                  "@media print{details{display:block}details>*{display:block}"
                  "figure{break-inside:avoid}}"
                  "</style></head><body><h1>gigawatt report: %s</h1>"
                  "<p>gigawatt %s; every chart's numbers are in the <em>numbers</em> table "
                  "under it.</p><div class='cols'>",
                  title, n > 1 ? 1400 : 980, n > 3 ? 3 : n,
                  title, GW_VERSION);
}

/* A comparison draws the results twice: first into scratch, to learn each
 * chart's range over all results (NULL for one result, or out of memory:
 * then every chart keeps its own axes). */
static shared_scales *learn_scales(section_fn section, cJSON **docs, int n)
{
    shared_scales *sh = n > 1 ? calloc(1, sizeof *sh) : NULL;
    if (!sh)
        return NULL;
    sh->learning = 1;
    for (int i = 0; i < n; i++) {
        gw_buf scratch = {0};
        section(&scratch, sh, docs[i]);
        gw_buf_free(&scratch);
    }
    sh->learning = 0;
    return sh;
}

/* One result's column: its name, its section, its inputs and all its figures. */
static void result_section(gw_buf *b, shared_scales *sh, section_fn section, const char *name,
                           const cJSON *doc)
{
    gw_buf_printf(b, "<section><h2>");
    const char *scen = jstr(jget(doc, "inputs"), "scenario");
    if (!scen[0]) /* risk results name it at the top */
        scen = jstr(doc, "scenario");
    /* flags alone have no scenario: the name (the command as typed, or the
     * file) is the heading, not "flags (flags)" */
    esc(b, scen[0] ? scen : name);
    if (scen[0] && strcmp(scen, name) != 0) {
        gw_buf_printf(b, " <small>(");
        esc(b, name);
        gw_buf_printf(b, ")</small>");
    }
    gw_buf_printf(b, "</h2>");
    section(b, sh, doc);
    const cJSON *in = jget(doc, "inputs");
    if (in) {
        gw_buf_printf(b, "<details><summary>inputs</summary>");
        kv_table(b, in);
        gw_buf_printf(b, "</details>");
    }
    gw_buf_printf(b, "<details><summary>all figures</summary>");
    kv_table(b, doc);
    gw_buf_printf(b, "</details></section>");
}

/* A comparison's last table: the top-level numbers of every result
 * against the first, then the kind's nested summaries. */
static void differences(gw_buf *b, const char *const *names, cJSON **docs, int n,
                        const char *kind)
{
    gw_buf_printf(b, "<section><h2>Differences against the first result</h2><table>"
                      "<tr><th>figure</th><th>first</th>");
    for (int i = 1; i < n; i++) {
        gw_buf_printf(b, "<th>");
        esc(b, names[i]);
        gw_buf_printf(b, "</th><th>change</th>");
    }
    gw_buf_printf(b, "</tr>");
    static const struct {
        const char *kind, *a, *b;
    } nested[] = {{"plan", "timeline", "totals"}, {"timeline", "totals", NULL},
                  {"risk", "expected", NULL},     {"risk", "build_levels", NULL},
                  {"sim", "ttft_s", NULL},        {"sim", "tpot_s", NULL},
                  {"sim", "e2e_s", NULL},         {"perf", "offline", NULL}};
    diff_rows(b, docs, n, NULL, NULL);
    for (size_t k = 0; k < sizeof nested / sizeof nested[0]; k++)
        if (strcmp(nested[k].kind, kind) == 0)
            diff_rows(b, docs, n, nested[k].a, nested[k].b);
    gw_buf_printf(b, "</table></section>");
}

static int render(const char *const *names, cJSON **docs, int n, const char *kind, char **html,
                  gw_error *err)
{
    gw_buf b = {0};
    size_t ki = (size_t)kind_index(kind); /* check_result admitted it */
    page_head(&b, report_kinds[ki].title, n);
    shared_scales *sh = learn_scales(report_kinds[ki].section, docs, n);
    for (int i = 0; i < n; i++)
        result_section(&b, sh, report_kinds[ki].section, names[i], docs[i]);
    gw_buf_printf(&b, "</div>");
    free(sh); /* the charts across results have their own axes */
    if (n > 1 && strcmp(kind, "perf") == 0) {
        gw_buf_printf(&b, "<section><h2>Across the results</h2>");
        compare_perf(&b, names, docs, n);
        gw_buf_printf(&b, "</section>");
    }
    if (n > 1)
        differences(&b, names, docs, n, kind);
    gw_buf_printf(&b, "</body></html>\n");
    if (b.failed) {
        gw_buf_free(&b);
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    *html = b.s;
    return GW_OK;
}

/* Parse a result's text; a syntax error is reported at its line and column
 * (a file cut short at its end, as truncated). */
static int parse_result(const char *name, const char *text, cJSON **doc, gw_error *err)
{
    const char *end = NULL;
    *doc = cJSON_ParseWithOpts(text, &end, 0);
    if (*doc)
        return GW_OK;
    if (!end)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    int line = 1, col = 1;
    for (const char *c = text; c < end; c++)
        if (*c == '\n')
            line++, col = 1;
        else
            col++;
    const char *rest = end;
    while (*rest == ' ' || *rest == '\t' || *rest == '\n' || *rest == '\r')
        rest++;
    if (!*rest)
        return gw_error_set(err, GW_E_INPUT, name, line, col,
                            "the JSON ends early (truncated?); expected the whole output of "
                            "gigawatt --json");
    return gw_error_set(err, GW_E_INPUT, name, line, col,
                        "not valid JSON here (edited?); expected the output of gigawatt --json");
}

int gw_report_html(const char *const *paths, int n, char **html, gw_error *err)
{
    *html = NULL;
    cJSON **docs = calloc((size_t)(n > 0 ? n : 1), sizeof *docs);
    if (!docs)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    int rc = GW_OK;
    const char *kind = NULL;
    for (int i = 0; i < n && rc == GW_OK; i++) {
        char *text;
        if ((rc = read_result_file(paths[i], &text, err)) == GW_OK) {
            rc = parse_result(paths[i], text, &docs[i], err);
            free(text);
            if (rc == GW_OK)
                rc = check_result(paths[i], docs[i], &kind, err);
            if (rc == GW_OK)
                rc = check_shape(paths[i], docs[i], kind, err);
        }
    }
    /* shown by file name (errors above keep the path as given), unless two
     * results share a file name */
    const char **shown = rc == GW_OK ? calloc((size_t)(n > 0 ? n : 1), sizeof *shown) : NULL;
    if (rc == GW_OK && !shown)
        rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    for (int i = 0; shown && i < n; i++) {
        const char *slash = strrchr(paths[i], '/');
        shown[i] = slash && slash[1] ? slash + 1 : paths[i];
    }
    for (int i = 0; shown && i < n; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(shown[i], shown[j]) == 0) {
                for (int k = 0; k < n; k++)
                    shown[k] = paths[k];
                i = n;
                break;
            }
    if (rc == GW_OK)
        rc = render(shown, docs, n, kind, html, err);
    free(shown);
    for (int i = 0; i < n; i++)
        cJSON_Delete(docs[i]);
    free(docs);
    return rc;
}

int gw_report_html_text(const char *name, const char *json, char **html, gw_error *err)
{
    *html = NULL;
    cJSON *doc = NULL;
    const char *kind = NULL;
    int rc = parse_result(name, json, &doc, err);
    if (rc == GW_OK)
        rc = check_result(name, doc, &kind, err);
    if (rc == GW_OK)
        rc = check_shape(name, doc, kind, err);
    if (rc == GW_OK)
        rc = render(&name, &doc, 1, kind, html, err);
    cJSON_Delete(doc);
    return rc;
}
