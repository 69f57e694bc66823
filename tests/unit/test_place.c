/* tests/unit/test_place.c — errors carry the field: a model names the input
 * its error is about (gw_error_field), and gw_scenario_place_error puts it
 * at that node below the section, a list item by its name, else at the
 * section; an error that has a place, a stop, or no error stay as they are. */
#include <string.h>

#include "gigawatt/config.h"
#include "gigawatt/scenario.h"
#include "gw_test.h"

static const char yaml[] = "timeline:\n"
                           "  horizon: 8 years\n"
                           "  supply:\n"
                           "    stages:\n"
                           "      - {name: permits, duration: 6 months}\n"
                           "      - {name: build.2, duration: 18 months}\n"
                           "perf: {tp: 3, count: 3}\n";

static void check_at(const gw_node *section, const char *field, int line, int col)
{
    gw_error err = {0};
    CHECK_INT(gw_scenario_place_error(gw_error_field(&err, field, "bad %s", field), section, &err),
              GW_E_INPUT);
    CHECK(strcmp(err.file, "s.yaml") == 0);
    CHECK_INT(err.line, line);
    CHECK_INT(err.col, col);
    CHECK(strcmp(err.field, field) == 0);
}

int main(void)
{
    gw_config cfg;
    gw_config_init(&cfg);
    gw_node *root = NULL;
    gw_error err = {0};
    CHECK_INT(gw_config_load_buffer(&cfg, "s.yaml", yaml, strlen(yaml), 0, &root, &err), GW_OK);
    const gw_node *tl = gw_node_get(root, "timeline"), *perf = gw_node_get(root, "perf");

    check_at(perf, "tp", 7, 12);                                /* a key of the section */
    check_at(perf, "kv_precision", 7, 7);                       /* absent: the section */
    check_at(tl, "supply.stages", 5, 7);                        /* a dotted key */
    check_at(tl, "supply.stages.permits.duration", 5, 35);      /* a list item by its name */
    check_at(tl, "supply.stages.build.2.duration", 6, 35);      /* a name with a dot */
    check_at(tl, "supply.stages.nothing.duration", 2, 3);       /* no such item: the section */
    check_at(tl, "", 2, 3);

    /* a flag's value is a --set node, and sits there */
    gw_node *r2 = root;
    CHECK_INT(gw_config_set_path(&cfg, r2, "perf.tp=5", "--set", &err), GW_OK);
    gw_error e2 = {0};
    gw_scenario_place_error(gw_error_field(&e2, "tp", "tp 5"), gw_node_get(r2, "perf"), &e2);
    CHECK(strcmp(e2.file, "--set") == 0);

    /* left alone: no error, a stop, an error that already has a place */
    gw_error e3 = {0};
    CHECK_INT(gw_scenario_place_error(GW_OK, perf, &e3), GW_OK);
    CHECK(e3.file[0] == '\0');
    gw_error_set(&e3, GW_E_STOPPED, NULL, 0, 0, "stopped");
    CHECK_INT(gw_scenario_place_error(GW_E_STOPPED, perf, &e3), GW_E_STOPPED);
    CHECK(e3.file[0] == '\0');
    gw_error_set(&e3, GW_E_INPUT, "other.yaml", 4, 2, "placed already");
    gw_scenario_place_error(GW_E_INPUT, perf, &e3);
    CHECK(strcmp(e3.file, "other.yaml") == 0 && e3.line == 4 && e3.field[0] == '\0');
    gw_config_free(&cfg);
    return gw_test_done("test_place");
}
