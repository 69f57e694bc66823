/* tests/unit/test_config.c — YAML loading, limits, includes, --set and the
 * table decoder, each with the exact file:line:col it must report. */
#include <stdlib.h>
#include <unistd.h>

#include "gigawatt/catalog.h"
#include "gigawatt/config.h"
#include "gigawatt/schema.h"
#include "gw_test.h"

static int load(const char *text, gw_config *cfg, gw_node **root, gw_error *err)
{
    gw_config_init(cfg);
    memset(err, 0, sizeof *err);
    return gw_config_load_buffer(cfg, "t.yaml", text, strlen(text), 1, root, err);
}

static void expect_error(const char *text, int code, int line, int col, const char *msg)
{
    gw_config cfg;
    gw_node *root;
    gw_error err;
    int rc = load(text, &cfg, &root, &err);
    CHECK_INT(rc, code);
    CHECK_INT(err.line, line);
    if (col >= 0)
        CHECK_INT(err.col, col);
    CHECK_STR_HAS(err.msg, msg);
    gw_config_free(&cfg);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

int main(void)
{
    gw_config cfg;
    gw_node *root;
    gw_error err;

    /* positions of nodes */
    CHECK_INT(load("a: 1\nb:\n  c: 132 kW\n", &cfg, &root, &err), GW_OK);
    gw_node *c = gw_node_get(gw_node_get(root, "b"), "c");
    CHECK(c && strcmp(c->text, "132 kW") == 0);
    CHECK_INT(c->line, 3);
    CHECK_INT(c->col, 6);
    gw_config_free(&cfg);

    /* bad documents */
    expect_error("", GW_E_INPUT, 1, -1, "empty");
    expect_error("# only a comment\n", GW_E_INPUT, 1, -1, "empty");
    expect_error("- a\n- b\n", GW_E_INPUT, 1, 1, "expected a YAML mapping");
    expect_error("a: [1, 2\n", GW_E_INPUT, 2, -1, "invalid YAML");
    expect_error("a: 1\na: 2\n", GW_E_INPUT, 2, 1, "duplicate key 'a'");
    expect_error("a: &x 1\nb: *x\n", GW_E_INPUT, 1, 4, "anchor");
    expect_error("a: 1\n---\nb: 2\n", GW_E_INPUT, 2, 1, "second YAML document");
    expect_error("? [a]\n: 1\n", GW_E_INPUT, 1, 3, "used as a mapping key");

    /* 10,000-deep nesting stops at the depth limit without recursion */
    size_t n = 10000;
    char *deep = malloc(2 * n + 16);
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    deep[2 * n] = '\0';
    char *doc = malloc(2 * n + 16);
    snprintf(doc, 2 * n + 16, "a: %s\n", deep);
    expect_error(doc, GW_E_LIMIT, 1, -1, "nesting deeper than 64");
    free(deep);
    free(doc);

    /* oversize input */
    size_t big = GW_CONFIG_MAX_BYTES + 1;
    char *huge = malloc(big + 1);
    memset(huge, ' ', big);
    huge[big] = '\0';
    gw_config_init(&cfg);
    CHECK_INT(gw_config_load_buffer(&cfg, "big.yaml", huge, big, 0, &root, &err), GW_E_LIMIT);
    CHECK_STR_HAS(err.msg, "at most 1048576 bytes");
    gw_config_free(&cfg);
    free(huge);

    /* includes: merged underneath, including file wins, cycles refused */
    char dir[] = "/tmp/gw_test_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char a[256], b[256], cyc1[256], cyc2[256];
    snprintf(a, sizeof a, "%s/base.yaml", dir);
    snprintf(b, sizeof b, "%s/top.yaml", dir);
    snprintf(cyc1, sizeof cyc1, "%s/c1.yaml", dir);
    snprintf(cyc2, sizeof cyc2, "%s/c2.yaml", dir);
    write_file(a, "system: {ref: x, load: 0.5}\nsite: s1\n");
    write_file(b, "include: base.yaml\nsystem: {load: 0.9}\n");
    write_file(cyc1, "include: c2.yaml\na: 1\n");
    write_file(cyc2, "include: [c1.yaml]\nb: 1\n");
    gw_config_init(&cfg);
    CHECK_INT(gw_config_load_file(&cfg, b, 1, &root, &err), GW_OK);
    gw_node *sys = gw_node_get(root, "system");
    CHECK(sys && strcmp(gw_node_get(sys, "ref")->text, "x") == 0);
    CHECK(sys && strcmp(gw_node_get(sys, "load")->text, "0.9") == 0);
    CHECK(gw_node_get(root, "site") && !gw_node_get(root, "include"));
    /* --set on the merged tree, shorthand ids become {ref: id} */
    CHECK_INT(gw_config_set_path(&cfg, root, "site.grid_capacity=2 GW", "--set", &err), GW_OK);
    gw_node *site = gw_node_get(root, "site");
    CHECK(site && site->kind == GW_NODE_MAP && strcmp(gw_node_get(site, "ref")->text, "s1") == 0);
    CHECK(site && strcmp(gw_node_get(site, "grid_capacity")->text, "2 GW") == 0);
    CHECK_INT(gw_config_set_path(&cfg, root, "noequals", "--set", &err), GW_E_USAGE);
    gw_config_free(&cfg);

    gw_config_init(&cfg);
    CHECK_INT(gw_config_load_file(&cfg, cyc1, 1, &root, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "include cycle");
    CHECK_INT(err.line, 1);
    gw_config_free(&cfg);
    remove(a);
    remove(b);
    remove(cyc1);
    remove(cyc2);
    rmdir(dir);

    /* the decoder: a power field, catalog and scenario modes */
    CHECK_INT(load("tdp: 132 kg\n", &cfg, &root, &err), GW_OK);
    gw_accelerator acc;
    memset(&acc, 0, sizeof acc);
    CHECK_INT(gw_decode(&gw_schema_accelerator, root, &acc, GW_DECODE_SCENARIO, &err),
              GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "is a mass; expected a power like '700 W'");
    CHECK_INT(err.line, 1);
    CHECK_INT(err.col, 6);
    gw_config_free(&cfg);

    /* issue 14 item 11: the article by the dimension's name, an example
     * with the user's own number, a non-number told what it should count */
    CHECK_INT(load("e: 5\nm: 3 GW\nn: eight\n", &cfg, &root, &err), GW_OK);
    double q;
    CHECK_INT(gw_decode_quantity(gw_node_get(root, "e"), "e", GW_DIM_ENERGY, 0, &q, &err),
              GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "e '5' has no unit; expected an energy like '5 MWh'");
    CHECK_INT(gw_decode_quantity(gw_node_get(root, "m"), "m", GW_DIM_USD, 0, &q, &err),
              GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "m '3 GW' is a power; expected an amount of money like '1.4e12 USD'");
    CHECK_INT(gw_decode_quantity(gw_node_get(root, "n"), "n", GW_DIM_NONE, GW_F_INTEGER, &q,
                                 &err),
              GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "n 'eight' is not a number; expected a whole number like '8'");
    gw_config_free(&cfg);

    CHECK_INT(load("tpd: 700 W\n", &cfg, &root, &err), GW_OK);
    CHECK_INT(gw_decode(&gw_schema_accelerator, root, &acc, GW_DECODE_SCENARIO, &err),
              GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "did you mean 'tdp'?");
    gw_config_free(&cfg);

    CHECK_INT(load("id: x\ntdp: 700 W\n", &cfg, &root, &err), GW_OK);
    CHECK_INT(gw_decode(&gw_schema_accelerator, root, &acc, GW_DECODE_CATALOG, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "has no source");
    gw_config_free(&cfg);

    CHECK_INT(load("id: x\ntdp: {value: 700 W, source: 'https://example.org'}\n"
                   "idle_power_fraction: {value: 13.6 %, source: s}\n",
                   &cfg, &root, &err),
              GW_OK);
    memset(&acc, 0, sizeof acc);
    CHECK_INT(gw_decode(&gw_schema_accelerator, root, &acc, GW_DECODE_CATALOG, &err), GW_OK);
    CHECK_NEAR(acc.tdp_w, 700, 1e-15);
    CHECK_NEAR(acc.idle_power_fraction, 0.136, 1e-15);
    CHECK(gw_field_is_set(&gw_schema_accelerator, &acc, "tdp"));
    CHECK(!gw_field_is_set(&gw_schema_accelerator, &acc, "price"));
    gw_config_free(&cfg);

    CHECK_INT(load("efficiency: 1.2\nserves: it\n", &cfg, &root, &err), GW_OK);
    gw_power_stage st;
    memset(&st, 0, sizeof st);
    CHECK_INT(gw_decode(&gw_schema_power_stage, root, &st, GW_DECODE_SCENARIO, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "at most 1");
    gw_config_free(&cfg);

    CHECK_INT(load("efficiency: 0.9\nserves: pdu\n", &cfg, &root, &err), GW_OK);
    CHECK_INT(gw_decode(&gw_schema_power_stage, root, &st, GW_DECODE_SCENARIO, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "expected one of facility|it|rack");
    gw_config_free(&cfg);

    /* suggestions */
    static const char *const keys[] = {"grid_power", "it_power", "budget"};
    CHECK(strcmp(gw_suggest("grid_powr", keys, 3), "grid_power") == 0);
    CHECK(gw_suggest("zzzzzz", keys, 3) == NULL);
    CHECK_INT(gw_edit_distance("kitten", "sitting"), 3);
    return gw_test_done("test_config");
}
