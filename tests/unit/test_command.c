/* tests/unit/test_command.c — gw_command_run (src/scenario/command*.c),
 * the one library call behind the CLI and the Python module: each command
 * gives the bytes `gigawatt` prints (plan --json against the golden copy
 * tests/golden/plan-15gw.json.in, the others deterministic and of their
 * kind), its CSV and HTML on request, the CLI's wording and status for
 * an unknown option and a bad option value, and risk and runs run through
 * it as through their own calls. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "gigawatt/command.h"
#include "gigawatt/output.h"
#include "gigawatt/risk_command.h"
#include "gw_test.h"

#define OPT(n, v) {(n), (v)}

typedef struct run {
    int rc;
    gw_command_output out;
    gw_error err;
} run;

static run run_request(gw_command_request req)
{
    run r = {0};
    req.catalog_dir = GW_TEST_CATALOG;
    r.rc = gw_command_run(&req, &r.out, &r.err);
    return r;
}

/* A command with options only, its JSON (or text when json is 0). */
static run run_options(const char *cmd, const char *scenario, const gw_command_option *o, int n,
                       int json)
{
    return run_request((gw_command_request){.command = cmd, .scenario_path = scenario,
                                            .options = o, .noptions = n, .want_json = json,
                                            .want_text = !json});
}

/* The same request twice gives the same bytes; the first is returned. */
static run deterministic(const char *cmd, const char *scenario, const gw_command_option *o, int n)
{
    run a = run_options(cmd, scenario, o, n, 1), b = run_options(cmd, scenario, o, n, 1);
    CHECK_INT(a.rc, GW_OK);
    CHECK(a.out.json && b.out.json && strcmp(a.out.json, b.out.json) == 0);
    gw_command_output_free(&b.out);
    return a;
}

static void test_plan_is_the_golden_json(void)
{
    const gw_command_option o[] = {OPT("grid-power", "15 GW")};
    run r = deterministic("plan", GW_TEST_SOURCE "/scenarios/frontier-lab-30gw.yaml", o, 1);
    char *golden = NULL;
    size_t len = 0;
    CHECK_INT(gw_read_whole_file(GW_TEST_SOURCE "/tests/golden/plan-15gw.json.in", 1 << 24,
                                 &golden, &len), 0);
    CHECK(golden && r.out.json && strcmp(golden, r.out.json) == 0);
    CHECK(!r.out.text && !r.out.html && !r.out.csv);
    free(golden);
    gw_command_output_free(&r.out);
}

static void test_catalog_rack_perf(void)
{
    const char *id[] = {"gb200-nvl72"};
    run c = run_request((gw_command_request){.command = "catalog", .positional = id,
                                             .npositional = 1, .want_json = 1, .want_text = 1});
    CHECK_INT(c.rc, GW_OK);
    CHECK_STR_HAS(c.out.json, "\"gb200-nvl72\"");
    CHECK_STR_HAS(c.out.text, "gb200-nvl72");
    gw_command_output_free(&c.out);
    const char *typo[] = {"gb200-nvl27"};
    c = run_request((gw_command_request){.command = "catalog", .positional = typo,
                                         .npositional = 1, .want_json = 1});
    CHECK_INT(c.rc, GW_E_INPUT);
    CHECK_STR_HAS(c.err.msg, "no catalog entry 'gb200-nvl27'; did you mean 'gb200-nvl72'?");

    const gw_command_option rack[] = {OPT("system", "gb200-nvl72"), OPT("load", "0.8"),
                                      OPT("html", NULL)};
    run r = deterministic("rack", NULL, rack, 3);
    CHECK_STR_HAS(r.out.json, "\"kind\":\t\"rack\"");
    CHECK_STR_HAS(r.out.html, "<svg"); /* the report of the result, as --html writes it */
    gw_command_output_free(&r.out);

    const gw_command_option perf[] = {OPT("model", "llama-3.3-70b"), OPT("accelerator", "h100-sxm"),
                                      OPT("count", "2"), OPT("tp", "2"),
                                      OPT("input-tokens", "1000"), OPT("output-tokens", "1000")};
    r = deterministic("perf", NULL, perf, 6);
    CHECK_STR_HAS(r.out.json, "\"kind\":\t\"perf\"");
    gw_command_output_free(&r.out);
}

static int phases;
static void count_phase(void *user, const char *what, const char *unit)
{
    (void)user, (void)unit;
    phases += strcmp(what, "sim") == 0 || strcmp(what, "fleet") == 0;
}

static void test_sim_fleet_cheapest(void)
{
    const gw_command_option sim[] = {
        OPT("model", "llama-3.3-70b"), OPT("accelerator", "h100-sxm"), OPT("tp", "2"),
        OPT("requests", "300"),        OPT("rate", "5"),               OPT("set", "sim.prompt=1000"),
        OPT("set", "sim.output=200"),  OPT("requests-csv", NULL)};
    run r = run_request((gw_command_request){.command = "sim", .options = sim, .noptions = 8,
                                             .want_json = 1, .progress_phase = count_phase});
    CHECK_INT(r.rc, GW_OK);
    CHECK_INT(phases, 1);
    CHECK_STR_HAS(r.out.json, "\"kind\":\t\"sim\"");
    CHECK(r.out.csv && strchr(r.out.csv, '\n'));
    gw_command_output_free(&r.out);

    const gw_command_option cheap[] = {
        OPT("model", "llama-3.3-70b"), OPT("accelerator", "h100-sxm"), OPT("requests", "300"),
        OPT("rate", "5"), OPT("set", "sim.prompt=1000"), OPT("set", "sim.output=200"),
        OPT("cheapest", NULL), OPT("target-rate", "50"), OPT("ttft-target", "2"),
        OPT("tps", "2")};
    r = deterministic("sim", NULL, cheap, 10);
    CHECK_STR_HAS(r.out.json, "\"kind\":\t\"sim-search\"");
    CHECK_STR_HAS(r.out.json, "\"feasible\":\ttrue");
    gw_command_output_free(&r.out);

    const gw_command_option fleet[] = {OPT("requests-csv", NULL)};
    r = deterministic("sim", GW_TEST_SOURCE "/tests/data/fleet-small.yaml", fleet, 1);
    CHECK_STR_HAS(r.out.json, "\"kind\":\t\"fleet\"");
    CHECK(r.out.csv != NULL);
    gw_command_output_free(&r.out);
}

/* A scenario given as text (Python's dicts): the same result as the flags,
 * and errors name the text by scenario_name, at its line and column. */
static void test_scenario_text(void)
{
    const gw_command_option o[] = {OPT("system", "gb200-nvl72")};
    run flags = run_options("rack", NULL, o, 1, 1);
    run text = run_request((gw_command_request){.command = "rack",
                                                .scenario_text = "system: gb200-nvl72\n",
                                                .scenario_name = "<dict>", .want_json = 1});
    CHECK_INT(text.rc, GW_OK);
    CHECK_STR_HAS(text.out.json, "gb200-nvl72");
    CHECK(flags.out.json && text.out.json);
    gw_command_output_free(&flags.out);
    gw_command_output_free(&text.out);
    run bad = run_request((gw_command_request){.command = "rack",
                                               .scenario_text = "system: gb200-nvl72\nsytem: x\n",
                                               .scenario_name = "<dict>", .want_json = 1});
    CHECK_INT(bad.rc, GW_E_INPUT);
    CHECK(strcmp(bad.err.file, "<dict>") == 0 && bad.err.line == 2);
}

static void test_report(void)
{
    const char *files[] = {GW_TEST_SOURCE "/tests/golden/plan-15gw.json.in"};
    run r = run_request((gw_command_request){.command = "report", .positional = files,
                                             .npositional = 1});
    CHECK_INT(r.rc, GW_OK);
    CHECK_STR_HAS(r.out.html, "<svg");
    gw_command_output_free(&r.out);
}

/* The CLI prints "gigawatt: " + the message and exits 2 for GW_E_USAGE. */
static void expect_usage(const char *cmd, const gw_command_option *o, int n, const char *msg)
{
    run r = run_options(cmd, NULL, o, n, 1);
    CHECK_INT(r.rc, GW_E_USAGE);
    CHECK(!r.out.json && !r.out.text);
    CHECK_STR_HAS(r.err.msg, msg);
    gw_command_request req = {.command = cmd, .options = o, .noptions = n};
    gw_error e = {0};
    CHECK_INT(gw_command_check(&req, &e), GW_E_USAGE); /* the same, before any run */
}

static void test_option_errors(void)
{
    const gw_command_option unknown[] = {OPT("system", "gb200-nvl72"), OPT("capacity", NULL)};
    expect_usage("rack", unknown, 2, "unknown or incomplete option '--capacity'; see gigawatt --help");
    const gw_command_option bad[] = {OPT("model", "llama-3.3-70b"), OPT("ttft-target", "-1")};
    expect_usage("sim", bad, 2, "--ttft-target '-1' is not a positive number; see gigawatt --help");
    /* any quantile in (0, 1) (issue 14 item 15); 1 is none */
    const gw_command_option q[] = {OPT("quantile", "1")};
    expect_usage("sim", q, 1,
                 "--quantile 1 is not below 1; expected a quantile between 0 and 1, e.g. 0.95; "
                 "see gigawatt --help");
    const gw_command_option train[] = {OPT("input-tokens", "5"), OPT("train", NULL)};
    expect_usage("perf", train, 2, "--input-tokens is an inference option, not for --train");
    expect_usage("plan", NULL, 0, "give a SCENARIO or flags (see --help); see gigawatt --help");

    /* a value after the settings wins, whether a flag or a --set */
    const gw_command_option order[] = {OPT("system", "gb200-nvl72"), OPT("set", "system.ref=dgx-h100")};
    run r = run_options("rack", NULL, order, 2, 1);
    CHECK_STR_HAS(r.out.json, "dgx-h100");
    gw_command_output_free(&r.out);

    const char *const *sim = gw_command_options("sim");
    int cheapest = 0;
    for (int i = 0; sim && sim[i]; i++)
        cheapest |= strcmp(sim[i], "cheapest") == 0;
    CHECK(cheapest);
    CHECK_INT(gw_command_option_takes_value("cheapest"), 0);
    CHECK_INT(gw_command_option_takes_value("seed"), 1);
    CHECK_INT(gw_command_option_takes_value("nonsense"), -1);
}

static int listed(const char *const *list, const char *name)
{
    for (int i = 0; list && list[i]; i++)
        if (strcmp(list[i], name) == 0)
            return 1;
    return 0;
}

/* risk and runs through gw_command_run: their options listed and checked
 * with the CLI's wording, a risk run's JSON the same as gw_command_risk's,
 * runs listing the store it wrote. */
static void test_risk_and_runs(void)
{
    CHECK(listed(gw_command_options("risk"), "draws") &&
          !listed(gw_command_options("risk"), "command-line") &&
          !listed(gw_command_options("risk"), "capacity"));
    CHECK(listed(gw_command_options("runs"), "db") && !listed(gw_command_options("runs"), "html"));
    CHECK_INT(gw_command_option_takes_value("draws"), 1);
    CHECK_INT(gw_command_option_takes_value("resume"), 1);
    const gw_command_option zero[] = {OPT("draws", "0")};
    expect_usage("risk", zero, 1,
                 "--draws needs a whole number from 1 to 2000000, not '0'; "
                 "see gigawatt risk --help");
    gw_command_request none = {.command = "risk"};
    gw_error e = {0};
    CHECK_INT(gw_command_check_options(&none, &e), GW_OK); /* options alone: good */
    CHECK_INT(gw_command_check(&none, &e), GW_E_USAGE);
    CHECK_STR_HAS(e.msg, "risk needs a scenario (or --resume RUN)");

    char db[64];
    snprintf(db, sizeof db, "/tmp/gw-test-command-%d.db", (int)getpid());
    unlink(db);
    const gw_command_option opts[] = {OPT("draws", "50"), OPT("db", db)};
    const char *scenario = GW_TEST_SOURCE "/tests/data/risk-small.yaml";
    run r = run_options("risk", scenario, opts, 2, 1);
    CHECK_INT(r.rc, GW_OK);
    gw_command_request req = {.command = "risk", .scenario_path = scenario, .options = opts,
                              .noptions = 2, .catalog_dir = GW_TEST_CATALOG, .want_json = 1};
    gw_command_output direct;
    CHECK_INT(gw_command_risk(&req, &direct, &e), GW_OK);
    CHECK(r.out.json && direct.json && strcmp(r.out.json, direct.json) == 0);
    gw_command_output_free(&r.out);
    gw_command_output_free(&direct);
    run list = run_options("runs", NULL, &opts[1], 1, 0);
    CHECK_INT(list.rc, GW_OK);
    CHECK_STR_HAS(list.out.text, "finished");
    gw_command_output_free(&list.out);
    unlink(db);
    const gw_command_option gone[] = {OPT("db", "/nonexistent/gw.db")};
    run missing = run_options("runs", NULL, gone, 1, 0);
    CHECK_INT(missing.rc, GW_E_INPUT);
    CHECK_STR_HAS(missing.err.msg, "no result store there");
}

int main(void)
{
    test_plan_is_the_golden_json();
    test_catalog_rack_perf();
    test_sim_fleet_cheapest();
    test_scenario_text();
    test_report();
    test_option_errors();
    test_risk_and_runs();
    return gw_test_done("test_command");
}
