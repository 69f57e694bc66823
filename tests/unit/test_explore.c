/* tests/unit/test_explore.c — the explorer's designs and summaries
 * (src/scenario/explore_design.c) against hand computations: a grid's
 * mixed-radix order, a Latin hypercube's one point per stratum, random
 * values in range and independent of anything but (seed, i), a range's
 * level values and texts, and on hand-made points the Pareto front, the
 * best per objective and the sensitivity S = (max - min of level means) /
 * |mean| (docs/explore.md §2, §4, §5); and the rounds of src/par/items.c
 * (a stop keeps what was done, a second run computes only the rest). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gigawatt/explore.h"
#include "gigawatt/par.h"
#include "gw_test.h"

static gw_explore_var list_var(const char *key, int n)
{
    gw_explore_var v;
    memset(&v, 0, sizeof v);
    snprintf(v.key, sizeof v.key, "%s", key);
    v.nlevels = n;
    v.numeric = 1;
    for (int k = 0; k < n; k++)
        snprintf(v.levels[k], sizeof v.levels[k], "%d", 10 * (k + 1));
    return v;
}

static gw_explore_var range_var(const char *key, double lo, double hi, int steps,
                                const char *unit)
{
    gw_explore_var v;
    memset(&v, 0, sizeof v);
    snprintf(v.key, sizeof v.key, "%s", key);
    v.is_range = 1, v.low = lo, v.high = hi, v.steps = v.nlevels = steps;
    snprintf(v.unit, sizeof v.unit, "%s", unit);
    v.numeric = !unit[0];
    return v;
}

static void test_grid(void)
{
    gw_explore_spec s;
    memset(&s, 0, sizeof s);
    s.design = GW_EXPLORE_GRID;
    s.nvary = 2;
    s.vary[0] = list_var("a", 3);
    s.vary[1] = range_var("b", 100, 200, 5, "kW");
    s.npoints = 15;
    double x[GW_EXPLORE_MAX_VARY];
    gw_explore_params(&s, 7, x); /* 7 = 1 * 5 + 2: the last field fastest */
    CHECK_INT(x[0], 1);
    CHECK_INT(x[1], 2);
    char t[64];
    gw_explore_value_text(&s, 1, x[1], t, sizeof t);
    CHECK(strcmp(t, "150 kW") == 0); /* 100 + 100 * 2 / 4 */
    gw_explore_value_text(&s, 0, x[0], t, sizeof t);
    CHECK(strcmp(t, "20") == 0);
    CHECK_NEAR(gw_explore_range_value(&s, 1, 4), 200, 0);
}

static void test_lhs_strata(void)
{
    gw_explore_spec s;
    memset(&s, 0, sizeof s);
    s.design = GW_EXPLORE_LHS;
    s.nvary = 2;
    s.vary[0] = range_var("u", 0, 1, 0, "");
    s.vary[1] = range_var("v", -5, 5, 0, "");
    s.npoints = 200;
    s.seed = 9;
    gw_error err = {0};
    CHECK_INT(gw_explore_prepare(&s, &err), GW_OK);
    int hit[2][200] = {{0}};
    for (long long i = 0; i < s.npoints; i++) {
        double x[GW_EXPLORE_MAX_VARY];
        gw_explore_params(&s, i, x);
        int k0 = (int)floor(x[0] * 200), k1 = (int)floor((x[1] + 5) / 10 * 200);
        CHECK(k0 >= 0 && k0 < 200 && k1 >= 0 && k1 < 200);
        if (k0 >= 0 && k0 < 200 && k1 >= 0 && k1 < 200)
            hit[0][k0]++, hit[1][k1]++;
    }
    int once = 1;
    for (int k = 0; k < 200; k++)
        once &= hit[0][k] == 1 && hit[1][k] == 1;
    CHECK(once); /* every stratum of every field exactly once */
    gw_explore_spec_free(&s);
}

static void test_random_depends_on_seed_and_index_only(void)
{
    gw_explore_spec s;
    memset(&s, 0, sizeof s);
    s.design = GW_EXPLORE_RANDOM;
    s.nvary = 2;
    s.vary[0] = range_var("u", 2, 3, 0, "");
    s.vary[1] = list_var("l", 4);
    s.npoints = 1000;
    s.seed = 1;
    double a[GW_EXPLORE_MAX_VARY], b[GW_EXPLORE_MAX_VARY], lo = 9, hi = 0;
    int seen[4] = {0};
    for (long long i = 0; i < s.npoints; i++) {
        gw_explore_params(&s, i, a);
        lo = fmin(lo, a[0]), hi = fmax(hi, a[0]);
        seen[(int)a[1]]++;
    }
    CHECK(lo >= 2 && hi < 3 && hi - lo > 0.98);
    CHECK(seen[0] > 200 && seen[1] > 200 && seen[2] > 200 && seen[3] > 200);
    gw_explore_params(&s, 500, a);
    s.npoints = 7; /* another design size: point 500's values do not move */
    gw_explore_params(&s, 500, b);
    CHECK(a[0] == b[0] && a[1] == b[1]);
}

/* Four points of two fields (2 levels each) and two objectives:
 *   #  a  b  obj0(max) obj1(min) feasible
 *   0  0  0     1         1        yes
 *   1  0  1     3         2        yes
 *   2  1  0     2         3        yes   (dominated by #1: 3 >= 2, 2 <= 3)
 *   3  1  1     9         0        no
 * front {0, 1}; best obj0 #1 (3), obj1 #0 (1). Sensitivity of obj0 to a:
 * level means 2 (a=0) and 2 (a=1): 0; to b: means 1.5 and 3 over the mean
 * 2: 0.75. */
static void test_summary_by_hand(void)
{
    gw_explore_spec s;
    memset(&s, 0, sizeof s);
    s.design = GW_EXPLORE_GRID;
    s.nvary = 2;
    s.vary[0] = list_var("a", 2);
    s.vary[1] = list_var("b", 2);
    s.npoints = 4;
    s.nobj = 2;
    s.obj[0] = (gw_explore_objective){GW_XM_TPS_PER_GPU, 1};
    s.obj[1] = (gw_explore_objective){GW_XM_USD_PER_MTOK, 0};
    const double o0[4] = {1, 3, 2, 9}, o1[4] = {1, 2, 3, 0};
    gw_explore_result r;
    memset(&r, 0, sizeof r);
    r.n = 4;
    r.points = calloc(4, sizeof *r.points);
    for (int i = 0; i < 4; i++) {
        gw_explore_params(&s, i, r.points[i].x);
        for (int k = 0; k < GW_XM_COUNT; k++)
            r.points[i].m[k] = NAN;
        r.points[i].m[GW_XM_TPS_PER_GPU] = o0[i];
        r.points[i].m[GW_XM_USD_PER_MTOK] = o1[i];
        r.points[i].feasible = i != 3;
    }
    gw_error err = {0};
    CHECK_INT(gw_explore_summarise(&s, &r, &err), GW_OK);
    CHECK_INT(r.nfront, 2);
    CHECK_INT(r.front[0], 0);
    CHECK_INT(r.front[1], 1);
    CHECK_INT(r.best[0], 1);
    CHECK_INT(r.best[1], 0);
    CHECK_INT(r.nfeasible, 3);
    CHECK_NEAR(r.sens[0][0], 0, 0);
    CHECK_NEAR(r.sens[0][1], 0.75, 1e-12);
    CHECK_INT(r.rank[0][0], 1); /* b moves obj0 most */
    /* obj1: a's means 1.5, 3; b's means 2, 2; overall 2: a 0.75, b 0 */
    CHECK_NEAR(r.sens[1][0], 0.75, 1e-12);
    CHECK_NEAR(r.sens[1][1], 0, 0);
    gw_explore_result_free(&r);
}

/* src/par/items.c on the local transport: every item computed once, in
 * rounds, kept in index order; a stop keeps what was done, and a second run
 * with those done computes only the rest. */
typedef struct items_probe {
    int computed, kept, rounds, stop_after;
} items_probe;

static int square(void *user, const long long *idx, size_t k, void *out, gw_error *err)
{
    (void)err;
    items_probe *p = user;
    for (size_t j = 0; j < k; j++)
        ((double *)out)[j] = (double)idx[j] * (double)idx[j];
    p->computed += (int)k;
    return GW_OK;
}

static int keep(void *user, const long long *idx, size_t k, const void *items, gw_error *err)
{
    (void)err, (void)items;
    items_probe *p = user;
    for (size_t j = 1; j < k; j++)
        CHECK(idx[j] > idx[j - 1]); /* a round in index order */
    p->kept += (int)k;
    return GW_OK;
}

static int progress(void *user, double done, double total, double items)
{
    (void)done, (void)total, (void)items;
    items_probe *p = user;
    return ++p->rounds >= p->stop_after;
}

static void test_items_driver(void)
{
    enum { N = 1000 };
    double all[N];
    unsigned char done[N] = {0};
    items_probe pr = {.stop_after = 2};
    gw_par_transport t = gw_par_local();
    gw_par_items_job job = {.n = N, .item_bytes = sizeof(double), .round_per_rank = 300,
                            .compute = square, .keep = keep, .user = &pr,
                            .progress = progress, .progress_user = &pr};
    gw_error err = {0};
    CHECK_INT(gw_par_items_run(&t, &job, all, done, &err), GW_E_STOPPED);
    CHECK_INT(pr.computed, 600); /* two rounds of 300, then the stop */
    CHECK_INT(pr.kept, 600);
    pr = (items_probe){.stop_after = 100};
    CHECK_INT(gw_par_items_run(&t, &job, all, done, &err), GW_OK);
    CHECK_INT(pr.computed, 400); /* only what was left */
    int all_done = 1, right = 1;
    for (int i = 0; i < N; i++)
        all_done &= done[i], right &= all[i] == (double)i * i;
    CHECK(all_done && right);
}

int main(void)
{
    test_items_driver();
    test_grid();
    test_lhs_strata();
    test_random_depends_on_seed_and_index_only();
    test_summary_by_hand();
    return gw_test_done("test_explore");
}
