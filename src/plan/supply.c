/* src/plan/supply.c — the component supply chain (models layer; equations in
 * docs/supply.md).
 *
 * Per quarter q, component c can supply a_c(q): its capacity schedule read
 * `offset_c` quarters earlier, where the offset is its own delay, the delays
 * of the stages its output passes through (`feeds`), shipping and its slip.
 * A product p takes n_pc units of c per accelerator package (its bill of
 * materials), so with a share s_p of every component it makes
 *
 *     x_p(q) = min_c  s_p a_c(q) / n_pc          (rule: shares)
 *
 * or, in priority order, the same with a_c replaced by what the products
 * before it left (rule: priority). Nothing is stored between quarters: what
 * a component makes and nobody uses is slack, not inventory (a bound, said
 * in docs/supply.md). A fractional offset splits a quarter's capacity over
 * two delivery quarters, as the timeline splits lead times, so results move
 * smoothly with delays (a sensitivity analysis would otherwise see steps).
 *
 * Pure and allocation-free: the timeline calls gw_supply_lab once per risk
 * draw, so the per-draw path costs two pow() per component. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "gigawatt/supply.h"
#include "gigawatt/units.h"

#define Q_S (GW_SECONDS_PER_YEAR / 4.0)

const char *const gw_supply_item_names[GW_SUPPLY_NITEMS] = {
    "cowos_wafers", "hbm_gb",        "hbm_stacks",    "packages", "racks",
    "cpus",         "switch_trays",  "power_shelves", "site_gw"};

double gw_supply_offset_q(const gw_supply_input *in, int c)
{
    double off = in->delivery_delay_s / Q_S + in->c[c].slip_s / Q_S;
    int k = c, steps = 0;
    while (k >= 0) {
        if (steps++ > in->ncomponents)
            return -1; /* a cycle: feeds never reaches delivery */
        off += in->c[k].delay_s / Q_S;
        k = in->c[k].feeds;
    }
    return off;
}

/* Capacity of component c in quarter k after the start (k may be negative:
 * the chain was producing before the horizon opens). */
static double capacity_at(const gw_supply_component *c, int k)
{
    double g = c->growth_per_year > 0 ? c->growth_per_year : 1;
    if (c->nlist == 0)
        return c->capacity * pow(g, k / 4.0);
    if (k < 0)
        return c->list[0] * pow(g, k / 4.0);
    if (k < c->nlist)
        return c->list[k];
    return c->list[c->nlist - 1] * pow(g, (k - c->nlist + 1) / 4.0);
}

/* a[q] for every delivery quarter of component c: capacity delayed by the
 * offset, split over two quarters by its fraction. Two pow() per call on the
 * growth path (running products, not a pow per quarter). */
static void available_series(const gw_supply_input *in, int c, double *a)
{
    const gw_supply_component *cp = &in->c[c];
    double off = gw_supply_offset_q(in, c);
    int whole = (int)floor(off);
    double frac = off - whole;
    double g = cp->growth_per_year > 0 ? cp->growth_per_year : 1, step = pow(g, 0.25);
    /* source quarter k = q - whole (weight 1 - frac) and k - 1 (weight frac);
     * outside the list, capacity grows by `step` a quarter (a running product) */
    double prev = capacity_at(cp, -whole - 1), cur;
    for (int q = 0; q < in->quarters; q++) {
        int k = q - whole;
        cur = cp->nlist > 0 && k >= 0 && k < cp->nlist ? cp->list[k] : prev * step;
        a[q] = (1 - frac) * cur + frac * prev;
        prev = cur;
    }
    if (in->probe != 0 && in->probe_c == c && in->probe_q >= 0 && in->probe_q < in->quarters)
        a[in->probe_q] += in->probe;
}

double gw_supply_available(const gw_supply_input *in, int c, int q)
{
    double a[GW_SUPPLY_MAX_QUARTERS];
    available_series(in, c, a);
    return a[q];
}

/* Units of `item` one good package of product p takes: its bill of
 * materials (docs/supply.md §2). Packaging yield divides what is consumed
 * before the package is tested: the wafer area and the HBM stacks on it. */
static double item_need(const gw_supply_product *pp, int item)
{
    double y = pp->packaging_yield, r = pp->packages_per_rack;
    switch (item) {
    case GW_ITEM_COWOS_WAFERS:
        return pp->packages_per_wafer > 0 && y > 0 ? 1 / (pp->packages_per_wafer * y) : 0;
    case GW_ITEM_HBM_GB:
        return y > 0 ? pp->hbm_stacks * pp->hbm_gb_per_stack / y : 0;
    case GW_ITEM_HBM_STACKS:
        return y > 0 ? pp->hbm_stacks / y : 0;
    case GW_ITEM_PACKAGES:
        return 1;
    case GW_ITEM_RACKS:
        return r > 0 ? 1 / r : 0;
    case GW_ITEM_CPUS:
        return r > 0 ? pp->cpus_per_rack / r : 0;
    case GW_ITEM_SWITCH_TRAYS:
        return r > 0 ? pp->switch_trays_per_rack / r : 0;
    case GW_ITEM_POWER_SHELVES:
        return r > 0 ? pp->power_shelves_per_rack / r : 0;
    case GW_ITEM_SITE_GW:
        return pp->grid_w_per_package / 1e9;
    default:
        return 0;
    }
}

double gw_supply_need(const gw_supply_input *in, int p, int c)
{
    const gw_supply_component *cp = &in->c[c];
    double n = item_need(&in->p[p], cp->item);
    return cp->item == GW_ITEM_SITE_GW ? n * cp->per_gw : n;
}
#define need_of gw_supply_need

static double share_of(const gw_supply_input *in, int p, int q)
{
    const gw_supply_product *pp = &in->p[p];
    int y = (in->start_q - 1 + q) / 4;
    return pp->nshare == 0 ? 0 : pp->share[y < pp->nshare ? y : pp->nshare - 1];
}

/* What a quarter's allocation needs, computed once per run: units of each
 * component per package of each product, and which components are split
 * pro rata. */
typedef struct needs {
    double n[GW_SUPPLY_MAX_PRODUCTS][GW_SUPPLY_MAX_COMPONENTS];
} needs;

static void needs_of(const gw_supply_input *in, needs *nd)
{
    for (int p = 0; p < in->nproducts; p++)
        for (int c = 0; c < in->ncomponents; c++)
            nd->n[p][c] = need_of(in, p, c);
}

/* Quarter q's output x[p] from the supplies a[c]; bind[p] the component
 * that limits product p (-1: it makes nothing); used[c] what was taken.
 * First the components split by share (rule shares or priority), then each
 * pro-rata component scales the products that use it by capacity / what
 * they ask; a product takes its smallest factor. */
static void quarter_output(const gw_supply_input *in, const needs *nd, int q, const double *a,
                           double *x, int *bind, double *used)
{
    double left[GW_SUPPLY_MAX_COMPONENTS], ask[GW_SUPPLY_MAX_COMPONENTS];
    for (int c = 0; c < in->ncomponents; c++)
        left[c] = a[c], used[c] = 0, ask[c] = 0;
    for (int p = 0; p < in->nproducts; p++) {
        double s = share_of(in, p, q), best = INFINITY;
        int arg = -1;
        for (int c = 0; c < in->ncomponents; c++) {
            double n = nd->n[p][c];
            if (!(n > 0) || in->c[c].pro_rata)
                continue;
            double mine = s * a[c];
            if (in->rule == GW_SUPPLY_PRIORITY && left[c] < mine)
                mine = left[c];
            double can = mine / n;
            if (can < best)
                best = can, arg = c;
        }
        x[p] = arg >= 0 && best > 0 ? best : 0;
        bind[p] = x[p] > 0 || s > 0 ? arg : -1;
        for (int c = 0; c < in->ncomponents; c++) {
            double take = x[p] * nd->n[p][c];
            ask[c] += take;
            if (!in->c[c].pro_rata)
                left[c] -= take;
        }
    }
    for (int p = 0; p < in->nproducts; p++) {
        double f = 1;
        for (int c = 0; c < in->ncomponents; c++) {
            if (!in->c[c].pro_rata || !(nd->n[p][c] > 0) || !(ask[c] > a[c]))
                continue;
            double fc = a[c] / ask[c];
            if (fc < f)
                f = fc, bind[p] = c;
        }
        x[p] *= f;
        for (int c = 0; c < in->ncomponents; c++)
            used[c] += x[p] * nd->n[p][c];
    }
}

/* The lab's packages (eq = 0) or accelerator-equivalents (eq = 1), (3) of
 * docs/supply.md: Σ_p λ_p x_p, or Σ_p λ_p E_p x_p. */
static double lab_of(const gw_supply_input *in, const double *x, int eq)
{
    double lab = 0;
    for (int p = 0; p < in->nproducts; p++)
        lab += in->p[p].lab_share * (eq ? in->p[p].equivalents : 1) * x[p];
    return lab;
}

void gw_supply_lab(const gw_supply_input *in, double *lab)
{
    double a[GW_SUPPLY_MAX_COMPONENTS][GW_SUPPLY_MAX_QUARTERS];
    needs nd;
    needs_of(in, &nd);
    for (int c = 0; c < in->ncomponents; c++)
        available_series(in, c, a[c]);
    for (int q = 0; q < in->quarters; q++) {
        double aq[GW_SUPPLY_MAX_COMPONENTS], x[GW_SUPPLY_MAX_PRODUCTS], used[GW_SUPPLY_MAX_COMPONENTS];
        int bind[GW_SUPPLY_MAX_PRODUCTS];
        for (int c = 0; c < in->ncomponents; c++)
            aq[c] = a[c][q];
        quarter_output(in, &nd, q, aq, x, bind, used);
        lab[q] = lab_of(in, x, 1);
    }
}

double gw_supply_marginal(const gw_supply_input *in, int c, int q, double *lab_gain)
{
    double a[GW_SUPPLY_MAX_COMPONENTS], x[GW_SUPPLY_MAX_PRODUCTS], used[GW_SUPPLY_MAX_COMPONENTS];
    int bind[GW_SUPPLY_MAX_PRODUCTS];
    needs nd;
    needs_of(in, &nd);
    for (int k = 0; k < in->ncomponents; k++)
        a[k] = gw_supply_available(in, k, q);
    quarter_output(in, &nd, q, a, x, bind, used);
    double total0 = 0, lab0 = lab_of(in, x, 1);
    for (int p = 0; p < in->nproducts; p++)
        total0 += x[p];
    /* a small step: the min is piecewise linear, so this is its right derivative */
    double h = fmax(1e-6 * a[c], 1e-6);
    a[c] += h;
    quarter_output(in, &nd, q, a, x, bind, used);
    double total1 = 0;
    for (int p = 0; p < in->nproducts; p++)
        total1 += x[p];
    if (lab_gain)
        *lab_gain = (lab_of(in, x, 1) - lab0) / h;
    return (total1 - total0) / h;
}

/* ---- checks ------------------------------------------------------------------- */

static int check_component(const gw_supply_input *in, int c, gw_error *err)
{
    const gw_supply_component *cp = &in->c[c];
    const char *n = cp->name;
    char f[96];
#define BAD(key, ...) (snprintf(f, sizeof f, "components.%s.%s", n, key), \
                       gw_error_field(err, f, __VA_ARGS__))
    if (cp->item < 0 || cp->item >= GW_SUPPLY_NITEMS)
        return BAD("consumes", "supply_chain.components.%s.consumes is %d; expected an item", n,
                   cp->item);
    if (!(cp->capacity >= 0) || !isfinite(cp->capacity))
        return BAD("capacity", "supply_chain.components.%s.capacity is %.6g; expected >= 0", n,
                   cp->capacity);
    for (int k = 0; k < cp->nlist; k++)
        if (!(cp->list[k] >= 0) || !isfinite(cp->list[k]))
            return BAD("capacity", "supply_chain.components.%s.capacity[%d] is %.6g; expected "
                       ">= 0", n, k, cp->list[k]);
    if (cp->nlist > 0 && cp->nlist < in->quarters && !(cp->growth_per_year > 0))
        return BAD("capacity", "supply_chain.components.%s.capacity lists %d quarters, shorter "
                   "than the horizon (%d) with no growth_per_year; expected %d values or a "
                   "growth rule", n, cp->nlist, in->quarters, in->quarters);
    if (!(cp->growth_per_year >= 0) || !isfinite(cp->growth_per_year))
        return BAD("growth_per_year", "supply_chain.components.%s.growth_per_year is %.6g; "
                   "expected > 0", n, cp->growth_per_year);
    if (!(cp->delay_s >= 0) || !(cp->slip_s >= 0) || !isfinite(cp->delay_s + cp->slip_s))
        return BAD(cp->delay_s >= 0 ? "slip" : "delay",
                   "supply_chain.components.%s: delay %.6g s, slip %.6g s; expected >= 0", n,
                   cp->delay_s, cp->slip_s);
    if (cp->item == GW_ITEM_SITE_GW && !(cp->per_gw > 0))
        return BAD("per_gw", "supply_chain.components.%s makes site equipment; expected per_gw "
                   "> 0 (units per GW of grid power)", n);
    if (cp->pro_rata != 0 && cp->pro_rata != 1)
        return BAD("pro_rata", "supply_chain.components.%s.pro_rata is %.6g; expected true or "
                   "false", n, cp->pro_rata);
    if (cp->feeds >= in->ncomponents || cp->feeds < -1)
        return BAD("feeds", "supply_chain.components.%s.feeds is %d; expected a component", n,
                   cp->feeds);
    if (gw_supply_offset_q(in, c) < 0)
        return BAD("feeds", "supply_chain.components.%s: its feeds: lead back to itself (a "
                   "cycle); expected each stage to feed a later one or delivery", n);
#undef BAD
    return GW_OK;
}

/* What the catalog must give for each item (for the "no BOM" message). */
static const char *const bom_keys[GW_SUPPLY_NITEMS] = {
    "packages_per_wafer and packaging_yield", "hbm_stacks and hbm_stack_capacity",
    "hbm_stacks", "a package count", "accelerators and systems_per_rack", "cpus",
    "switch_trays", "power_shelves",
    "grid_power_per_package (a catalog system gives it through the rack model)"};

static int check_product(const gw_supply_input *in, int p, gw_error *err)
{
    const gw_supply_product *pp = &in->p[p];
    char f[96];
    /* every item a component makes must be in the product's bill of materials */
    for (int c = 0; c < in->ncomponents; c++)
        if (!(need_of(in, p, c) > 0) || !isfinite(need_of(in, p, c)))
            return snprintf(f, sizeof f, "products.%s", pp->id),
                   gw_error_field(err, f, "product %s has no BOM for %s (component %s); expected "
                                  "its catalog entry (or supply_chain.products.%s) to give %s",
                                  pp->id, gw_supply_item_names[in->c[c].item], in->c[c].name,
                                  pp->id, bom_keys[in->c[c].item]);
    if (pp->packaging_yield < 0 || pp->packaging_yield > 1) /* 0: not given */
        return snprintf(f, sizeof f, "products.%s.packaging_yield", pp->id),
               gw_error_field(err, f, "product %s: packaging_yield is %.6g; expected within "
                              "(0, 1]", pp->id, pp->packaging_yield);
    for (int y = 0; y < pp->nshare; y++)
        if (!(pp->share[y] >= 0 && pp->share[y] <= 1))
            return snprintf(f, sizeof f, "products.%s.share", pp->id),
                   gw_error_field(err, f, "supply_chain.products.%s.share is %.6g; expected "
                                  "within [0, 1]", pp->id, pp->share[y]);
    if (!(pp->equivalents > 0) || !isfinite(pp->equivalents))
        return snprintf(f, sizeof f, "products.%s.accelerator_equivalents", pp->id),
               gw_error_field(err, f, "product %s: accelerator_equivalents is %.6g; expected "
                              "> 0 (or a TDP in its catalog entry)", pp->id, pp->equivalents);
    if (!(pp->lab_share >= 0 && pp->lab_share <= 1))
        return snprintf(f, sizeof f, "products.%s.lab_share", pp->id),
               gw_error_field(err, f, "supply_chain.products.%s.lab_share is %.6g; expected "
                              "within [0, 1]", pp->id, pp->lab_share);
    return GW_OK;
}

int gw_supply_check(const gw_supply_input *in, gw_error *err)
{
    int shared = 0;
    for (int c = 0; c < in->ncomponents && c < GW_SUPPLY_MAX_COMPONENTS; c++)
        shared |= !in->c[c].pro_rata;
    if (in->ncomponents > 0 && !shared)
        return gw_error_field(err, "components", "supply_chain.components are all pro_rata; "
                              "expected at least one split by share (it sets the product mix)");
    if (in->quarters < 1 || in->quarters > GW_SUPPLY_MAX_QUARTERS || in->ncomponents < 1 ||
        in->ncomponents > GW_SUPPLY_MAX_COMPONENTS || in->nproducts < 1 ||
        in->nproducts > GW_SUPPLY_MAX_PRODUCTS)
        return gw_error_field(err, "", "supply_chain: %d quarters, %d components, %d products; "
                              "expected 1-%d, 1-%d and 1-%d", in->quarters, in->ncomponents,
                              in->nproducts, GW_SUPPLY_MAX_QUARTERS, GW_SUPPLY_MAX_COMPONENTS,
                              GW_SUPPLY_MAX_PRODUCTS);
    if (!(in->delivery_delay_s >= 0))
        return gw_error_field(err, "delivery_delay", "supply_chain.delivery_delay is %.6g s; "
                              "expected >= 0", in->delivery_delay_s);
    int rc;
    for (int c = 0; c < in->ncomponents; c++)
        if ((rc = check_component(in, c, err)))
            return rc;
    for (int p = 0; p < in->nproducts; p++)
        if ((rc = check_product(in, p, err)))
            return rc;
    /* shares of one component add up to at most 1 in every year */
    if (in->rule == GW_SUPPLY_SHARES)
        for (int q = 0; q < in->quarters; q += 4 - (in->start_q - 1 + q) % 4) {
            double sum = 0;
            for (int p = 0; p < in->nproducts; p++)
                sum += share_of(in, p, q);
            if (sum > 1 + 1e-9)
                return gw_error_field(err, "products", "supply_chain.products: shares add up "
                                      "to %.4g in %d; expected at most 1 (rule: shares)", sum,
                                      in->start_year + (in->start_q - 1 + q) / 4);
        }
    return GW_OK;
}

/* ---- the whole run ------------------------------------------------------------ */

int gw_supply_run(const gw_supply_input *in, gw_supply_result *out, gw_error *err)
{
    int rc = gw_supply_check(in, err);
    if (rc)
        return rc;
    memset(out, 0, sizeof *out);
    out->quarters = in->quarters;
    out->ncomponents = in->ncomponents;
    out->nproducts = in->nproducts;
    needs nd;
    needs_of(in, &nd);
    for (int c = 0; c < in->ncomponents; c++)
        available_series(in, c, out->available[c]);
    for (int q = 0; q < in->quarters; q++) {
        double a[GW_SUPPLY_MAX_COMPONENTS], x[GW_SUPPLY_MAX_PRODUCTS];
        double used[GW_SUPPLY_MAX_COMPONENTS], bound[GW_SUPPLY_MAX_COMPONENTS] = {0};
        int bind[GW_SUPPLY_MAX_PRODUCTS];
        for (int c = 0; c < in->ncomponents; c++)
            a[c] = out->available[c][q];
        quarter_output(in, &nd, q, a, x, bind, used);
        for (int p = 0; p < in->nproducts; p++) {
            out->by_product[p][q] = x[p];
            out->product_binding[p][q] = bind[p];
            out->accelerators[q] += x[p];
            out->equivalents[q] += in->p[p].equivalents * x[p];
            out->racks[q] += x[p] / in->p[p].packages_per_rack;
            if (bind[p] >= 0)
                bound[bind[p]] += x[p];
        }
        for (int c = 0; c < in->ncomponents; c++)
            out->used[c][q] = used[c];
        out->lab[q] = lab_of(in, x, 0);
        out->lab_equivalents[q] = lab_of(in, x, 1);
        /* the component that binds the most accelerators (first on a tie) */
        int best = -1;
        for (int c = 0; c < in->ncomponents; c++)
            if (bound[c] > 0 && (best < 0 || bound[c] > bound[best]))
                best = c;
        out->binding[q] = best;
    }
    return GW_OK;
}

int gw_supply_report_run(const gw_supply_input *in, gw_supply_report *out, gw_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = gw_supply_run(in, &out->r, err);
    for (int c = 0; !rc && c < in->ncomponents; c++)
        for (int q = 0; q < in->quarters; q++)
            out->shadow[c][q] = gw_supply_marginal(in, c, q, &out->shadow_lab[c][q]);
    return rc;
}
