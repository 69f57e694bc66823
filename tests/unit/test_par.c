/* tests/unit/test_par.c — the parallel driver (src/par) and the risk
 * command as a library call (src/scenario/risk_command.c): the local
 * transport, the round split, the same JSON for any thread count, and a
 * stop through the progress callback that a resume completes to the bytes
 * of an uninterrupted run. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gigawatt/par.h"
#include "gigawatt/risk_command.h"
#include "gw_test.h"

static void test_local_transport(void)
{
    gw_par_transport t = gw_par_local();
    CHECK_INT(t.rank, 0);
    CHECK_INT(t.size, 1);
    int x = 42;
    t.broadcast(t.user, &x, sizeof x);
    CHECK_INT(x, 42);
    CHECK_INT(t.agree(t.user, -3), -3);
    double mine[2] = {1.5, 2.5}, all[2] = {0, 0};
    int counts[1] = {(int)sizeof mine};
    t.gather(t.user, mine, (int)sizeof mine, all, counts);
    CHECK(all[0] == 1.5 && all[1] == 2.5);
    float send[3] = {1, 2, 3}, recv[3] = {0, 0, 0};
    int cnt[1] = {3}, dsp[1] = {0};
    t.exchange(t.user, send, cnt, dsp, recv, cnt, dsp);
    CHECK(recv[0] == 1 && recv[1] == 2 && recv[2] == 3);
}

static void test_split(void)
{
    double unmeasured[3] = {0, 0, 0}, rate[3] = {1e-3, 2e-3, 1e-3};
    int n[3];
    gw_par_split_round(3, 100, unmeasured, 0, n);
    CHECK_INT(n[0] + n[1] + n[2], 100);
    CHECK(n[0] >= 33 && n[0] <= 34 && n[1] >= 33 && n[1] <= 34);
    gw_par_split_round(3, 1000, rate, 0, n);
    CHECK_INT(n[0] + n[1] + n[2], 1000);
    CHECK(n[1] < n[2]); /* the slower rank takes fewer */
}

typedef struct stop_after {
    int calls, stop_at;
} stop_after;

static int progress_stop(void *user, double done, double total, double items)
{
    stop_after *s = user;
    (void)done, (void)total, (void)items;
    return ++s->calls >= s->stop_at;
}

/* gw_command_risk on tests/data/risk-small.yaml (scenario NULL: resume's
 * own) with these options; the JSON, or NULL with *rc the error. */
static char *risk_json(const char *scenario, const gw_command_option *opt, int nopt,
                       stop_after *stop, int *rc, gw_error *err)
{
    gw_command_request req = {
        .command = "risk",
        .scenario_path = scenario,
        .options = opt,
        .noptions = nopt,
        .catalog_dir = GW_TEST_CATALOG,
        .want_json = 1,
        .progress = stop ? progress_stop : NULL,
        .progress_user = stop,
    };
    gw_command_output out;
    memset(err, 0, sizeof *err);
    *rc = gw_command_risk(&req, &out, err);
    if (*rc && *rc != GW_E_STOPPED)
        fprintf(stderr, "risk: %s\n", err->msg);
    free(out.text);
    free(out.html);
    free(out.csv);
    return out.json;
}

/* The scenario as YAML text gives the same JSON as its file; a bad option
 * is named as the CLI names a flag. */
static void test_text_and_options(const char *dir, const char *json_of_file)
{
    char *yaml = NULL, db[600];
    size_t len = 0;
    FILE *f = fopen(GW_TEST_SOURCE "/tests/data/risk-small.yaml", "rb");
    if (f) {
        fseek(f, 0, SEEK_END);
        len = (size_t)ftell(f);
        fseek(f, 0, SEEK_SET);
        yaml = calloc(len + 1, 1);
        if (yaml && fread(yaml, 1, len, f) != len)
            yaml[0] = 0;
        fclose(f);
    }
    CHECK(yaml != NULL);
    snprintf(db, sizeof db, "%s/text.db", dir);
    gw_command_option opt[3] = {{"db", db}, {"threads", "2"}, {"draws", "10000"}};
    gw_command_request req = {.command = "risk", .scenario_text = yaml,
                              .scenario_name = "risk-small.yaml", .options = opt,
                              .noptions = 3, .catalog_dir = GW_TEST_CATALOG, .want_json = 1};
    gw_command_output out;
    gw_error err = {0};
    CHECK_INT(gw_command_risk(&req, &out, &err), GW_OK);
    CHECK(out.json && json_of_file && strcmp(out.json, json_of_file) == 0);
    free(out.json);
    unlink(db);
    gw_command_option bad = {"draws", "2.5"};
    req.options = &bad, req.noptions = 1;
    CHECK_INT(gw_command_risk(&req, &out, &err), GW_E_USAGE);
    CHECK_STR_HAS(err.msg, "--draws needs a whole number from 1 to 2000000, not '2.5'");
    CHECK(out.json == NULL && out.text == NULL);
    free(yaml);
}

static void test_risk_command(const char *dir)
{
    const char *scenario = GW_TEST_SOURCE "/tests/data/risk-small.yaml";
    char db1[600], db2[600], db3[600];
    snprintf(db1, sizeof db1, "%s/one.db", dir);
    snprintf(db2, sizeof db2, "%s/two.db", dir);
    snprintf(db3, sizeof db3, "%s/stopped.db", dir);
    gw_error err;
    int rc;
    /* 10000 draws: three rounds of 4096 on one thread */
    gw_command_option one[3] = {{"db", db1}, {"threads", "1"}, {"draws", "10000"}};
    char *a = risk_json(scenario, one, 3, NULL, &rc, &err);
    CHECK_INT(rc, GW_OK);
    gw_command_option two[3] = {{"db", db2}, {"threads", "2"}, {"draws", "10000"}};
    char *b = risk_json(scenario, two, 3, NULL, &rc, &err);
    CHECK_INT(rc, GW_OK);
    CHECK(a && b && strcmp(a, b) == 0);
    CHECK_STR_HAS(a, "\"kind\":\t\"risk\"");

    /* stopped after the first round: the draws stay, the message says how on */
    gw_command_option three[3] = {{"db", db3}, {"threads", "1"}, {"draws", "10000"}};
    stop_after stop = {0, 1};
    char *c = risk_json(scenario, three, 3, &stop, &rc, &err);
    CHECK_INT(rc, GW_E_STOPPED);
    CHECK(c == NULL);
    CHECK_STR_HAS(err.msg, "stopped after 4096 of 10000 draws");
    CHECK_STR_HAS(err.msg, "continue with: gigawatt risk --resume 1 --db ");
    gw_command_option resume[3] = {{"db", db3}, {"resume", "1"}, {"threads", "2"}};
    char *d = risk_json(NULL, resume, 3, NULL, &rc, &err);
    CHECK_INT(rc, GW_OK);
    CHECK(a && d && strcmp(a, d) == 0);

    gw_command_request runs = {.command = "runs", .options = &three[0], .noptions = 1,
                               .want_json = 1};
    gw_command_output out;
    CHECK_INT(gw_command_runs(&runs, &out, &err), GW_OK);
    CHECK_STR_HAS(out.json, "\"kind\":\t\"runs\"");
    CHECK_STR_HAS(out.json, "\"status\":\t\"finished\"");
    CHECK_STR_HAS(out.json, "\"done\":\t10000");
    free(out.json);
    test_text_and_options(dir, a);
    free(a);
    free(b);
    free(c);
    free(d);
}

int main(void)
{
    test_local_transport();
    test_split();
    char dir[] = "/tmp/gw-test-par-XXXXXX";
    if (mkdtemp(dir)) {
        test_risk_command(dir);
        const char *names[] = {"one.db", "two.db", "stopped.db"};
        char path[600];
        for (int i = 0; i < 3; i++) {
            snprintf(path, sizeof path, "%s/%s", dir, names[i]);
            unlink(path);
        }
        rmdir(dir);
    } else {
        CHECK(!"mkdtemp");
    }
    return gw_test_done("par");
}
