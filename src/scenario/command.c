/* src/scenario/command.c — gw_command_run: every command as one library
 * call (scenario layer, above the models and engines). Holds the option
 * table (which flags each command takes, which are scenario settings and
 * where they go), checks and parses a request's options with the wording
 * the CLI always printed, loads the catalog and the scenario, and hands the
 * request to its command (src/scenario/command_*.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command_int.h"
#include "gigawatt/output.h"
#include "gigawatt/risk_command.h"

#ifndef GW_DEFAULT_CATALOG
#define GW_DEFAULT_CATALOG "data/catalog"
#endif

/* Every option of every command. `path` set: a shorthand for a scenario
 * setting ("--tp 2" is "--set perf.tp=2"). */
typedef struct option_spec {
    const char *name;
    const char *path;       /* scenario setting, NULL for a command option */
    int takes_value;
    int target;             /* replaces the scenario's target */
    const char *train_path; /* where it goes under --train (NULL: path) */
    const char *unit;       /* appended to a bare number ("2" -> "2 s") */
    int front_end_file;     /* a file the front end writes: its name may be left out */
} option_spec;

#define SETTING(n, p) {.name = n, .path = p, .takes_value = 1}
#define TARGET(n, p) {.name = n, .path = p, .takes_value = 1, .target = 1}
#define TRAINED(n, p, t) {.name = n, .path = p, .takes_value = 1, .train_path = t}
#define SECONDS(n, p) {.name = n, .path = p, .takes_value = 1, .unit = "s"}
#define VALUE(n) {.name = n, .takes_value = 1}
#define SWITCH(n) {.name = n}
#define OUTPUT_FILE(n) {.name = n, .takes_value = 1, .front_end_file = 1}

static const option_spec option_table[] = {
    SETTING("system", "system.ref"), SETTING("accelerator", "accelerator.ref"),
    SETTING("site", "site.ref"), SETTING("cooling", "cooling.ref"),
    SETTING("load", "operation.load"), SETTING("average-load", "operation.average_load"),
    TARGET("grid-power", "target.grid_power"), TARGET("it-power", "target.it_power"),
    TARGET("accelerators", "target.accelerators"), TARGET("budget", "target.budget"),
    SETTING("model", "model.ref"), SETTING("efficiency", "efficiency.ref"),
    TRAINED("count", "perf.count", "training.count"), TRAINED("tp", "perf.tp", "training.tp"),
    TRAINED("pp", "perf.pp", "training.pp"), SETTING("ep", "perf.ep"),
    TRAINED("precision", "perf.precision", "training.precision"),
    SETTING("kv-precision", "perf.kv_precision"), SETTING("input-tokens", "perf.input_tokens"),
    SETTING("output-tokens", "perf.output_tokens"),
    SECONDS("ttft-slo", "perf.ttft_slo"), SECONDS("tpot-slo", "perf.tpot_slo"),
    SETTING("max-batch", "perf.max_batch"),
    /* frontier serving (docs/commands.md, perf): one flag per perf: key */
    SETTING("engine", "perf.engine"), SETTING("engine-version", "perf.engine_version"),
    SETTING("attention-dp", "perf.attention_dp"),
    SETTING("expert-precision", "perf.expert_precision"), SETTING("eplb", "perf.eplb"),
    SETTING("redundant-experts", "perf.redundant_experts"),
    SETTING("expert-activation-precision", "perf.expert_activation_precision"),
    SETTING("mtp", "perf.mtp"), SETTING("spec-accept-length", "perf.spec_accept_length"),
    SETTING("draft-model", "perf.draft_model"),
    SETTING("memory-fraction", "perf.memory_fraction"),
    SETTING("max-num-tokens", "perf.max_num_tokens"),
    SETTING("batch-wait-iters", "perf.batch_wait_iters"),
    SETTING("batch-wait-ratio", "perf.batch_wait_ratio"),
    SETTING("recv-interval", "perf.recv_interval"), SETTING("cuda-graphs", "perf.cuda_graphs"),
    SETTING("concurrency", "perf.concurrency"), SETTING("length-low", "perf.length_low"),
    SETTING("output-tokens-cv", "perf.output_tokens_cv"), SETTING("kv-policy", "perf.kv_policy"),
    SETTING("prefill-tp", "perf.disagg.prefill.tp"),
    SETTING("prefill-pp", "perf.disagg.prefill.pp"),
    SETTING("prefill-attention-dp", "perf.disagg.prefill.attention_dp"),
    SETTING("prefill-ep", "perf.disagg.prefill.ep"),
    SETTING("prefill-workers", "perf.disagg.prefill.workers"),
    SETTING("decode-tp", "perf.disagg.decode.tp"), SETTING("decode-pp", "perf.disagg.decode.pp"),
    SETTING("decode-attention-dp", "perf.disagg.decode.attention_dp"),
    SETTING("decode-ep", "perf.disagg.decode.ep"),
    SETTING("decode-workers", "perf.disagg.decode.workers"),
    SETTING("kv-link-bandwidth", "perf.disagg.kv_link_bandwidth"),
    SECONDS("kv-handover", "perf.disagg.kv_handover"),
    SETTING("tokens", "training.tokens"),
    SETTING("mfu", "training.mfu"), SETTING("seq-len", "training.sequence_length"),
    SETTING("global-batch", "training.global_batch"),
    SETTING("micro-batch", "training.micro_batch"),
    SETTING("virtual-stages", "training.virtual_stages"), SETTING("replicas", "sim.replicas"),
    SETTING("scheduler", "sim.scheduler"), SETTING("route", "sim.route"),
    SETTING("trace", "sim.trace"), SETTING("limit", "sim.limit"),
    SETTING("max-tokens", "sim.max_tokens"), SETTING("requests", "sim.requests"),
    SETTING("rate", "sim.rate"), SETTING("seed", "sim.seed"),
    SETTING("kv-tokens", "sim.kv_tokens"),
    SWITCH("train"), OUTPUT_FILE("requests-csv"), SWITCH("capacity"), VALUE("ttft-target"),
    VALUE("tbt-target"), VALUE("quantile"), SWITCH("cheapest"), VALUE("target-rate"),
    VALUE("candidates"), VALUE("tps"), VALUE("db"), OUTPUT_FILE("html"), VALUE("settings"),
    SWITCH("replay"),
    VALUE("draws"), VALUE("threads"), VALUE("resume"), VALUE("delete"), SWITCH("vacuum"),
    SETTING("mode", "search.mode"), SETTING("metric", "search.metric"), SWITCH("csv"),
    VALUE("vary"), VALUE("design"), VALUE("points"), /* explore (explore_cmd.c) */
    /* power (docs/power.md) */
    SECONDS("window", "power.window"), SECONDS("resolution", "power.resolution"),
    SETTING("battery-power", "power.mitigations.battery.power"),
    SETTING("battery-energy", "power.mitigations.battery.energy"),
};
#define NOPTIONS (sizeof option_table / sizeof option_table[0])

static const char *const rack_options[] = {"system", "accelerator", "site", "cooling", "load",
                                           "html", NULL};
static const char *const plan_options[] = {
    "system", "accelerator", "site", "cooling", "average-load", "grid-power", "it-power",
    "accelerators", "budget", "html", NULL};
static const char *const perf_options[] = {
    "system", "accelerator", "site", "model", "efficiency", "count", "tp", "pp", "ep",
    "precision", "kv-precision", "input-tokens", "output-tokens", "ttft-slo", "tpot-slo",
    "max-batch", "engine", "engine-version", "attention-dp", "expert-precision",
    "expert-activation-precision", "eplb", "redundant-experts", "mtp",
    "spec-accept-length", "draft-model", "memory-fraction", "max-num-tokens",
    "batch-wait-iters", "batch-wait-ratio", "recv-interval", "cuda-graphs", "concurrency",
    "length-low", "output-tokens-cv", "kv-policy",
    "prefill-tp", "prefill-pp", "prefill-attention-dp", "prefill-ep", "prefill-workers",
    "decode-tp", "decode-pp", "decode-attention-dp", "decode-ep", "decode-workers",
    "kv-link-bandwidth", "kv-handover", "tokens", "mfu", "seq-len", "global-batch",
    "micro-batch", "virtual-stages", "train", "html", NULL};
static const char *const sim_options[] = {
    "system", "accelerator", "site", "model", "efficiency", "tp", "pp", "ep", "precision",
    "kv-precision", "engine", "attention-dp", "replicas", "scheduler", "route", "trace",
    "limit", "max-tokens", "requests", "rate", "seed", "kv-tokens", "requests-csv", "capacity",
    "ttft-target", "tbt-target", "quantile", "cheapest", "target-rate", "candidates", "tps", "db",
    "html", NULL};
/* include/gigawatt/risk_command.h says what each does */
static const char *const risk_options[] = {"draws",  "seed", "threads", "db",
                                           "resume", "html", NULL};
static const char *const runs_options[] = {"db", "delete", "vacuum", NULL};
static const char *const search_options[] = {
    "system", "accelerator", "model", "efficiency", "count", "precision", "kv-precision",
    "input-tokens", "output-tokens", "ttft-slo", "tpot-slo", "engine", "engine-version",
    "expert-precision", "expert-activation-precision", "eplb", "redundant-experts", "mtp",
    "draft-model",
    "memory-fraction", "max-num-tokens",
    "batch-wait-iters", "batch-wait-ratio", "recv-interval", "cuda-graphs", "length-low",
    "output-tokens-cv", "kv-policy", "mode", "metric",
    "csv", "html", NULL};
/* explore reads its own (src/scenario/explore_cmd.c) */
static const char *const explore_options[] = {"vary", "design", "points", "seed", "threads",
                                              "db", "resume", "html", "csv", NULL};
static const char *const power_options[] = {"window", "resolution", "battery-power",
                                            "battery-energy", "csv", "html", NULL};
static const char *const validate_options[] = {"settings", "replay", NULL};
static const char *const no_options[] = {NULL};

typedef int (*command_fn)(const gw_cmd_args *a, gw_command_output *out, gw_error *err);
/* risk and runs: the request as it came, their options read by themselves */
typedef int (*request_fn)(const gw_command_request *req, gw_command_output *out, gw_error *err);
typedef int (*check_fn)(const gw_command_request *req, int whole, gw_error *err);

/* Every command: `run` on the options parsed here, or `own` (with `check`)
 * on the request itself. */
static const struct {
    const char *name;
    const char *const *options;
    int scenario; /* runs on a scenario: needs one, or flags */
    command_fn run;
    request_fn own;
    check_fn check;
} commands[] = {
    {"catalog", no_options, 0, gw_cmd_catalog, NULL, NULL},
    {"rack", rack_options, 1, gw_cmd_rack, NULL, NULL},
    {"plan", plan_options, 1, gw_cmd_plan, NULL, NULL},
    {"perf", perf_options, 1, gw_cmd_perf, NULL, NULL},
    {"sim", sim_options, 1, gw_cmd_sim, NULL, NULL},
    {"report", no_options, 0, gw_cmd_report, NULL, NULL},
    {"risk", risk_options, 0, NULL, gw_command_risk, gw_cmd_risk_check},
    {"runs", runs_options, 0, NULL, gw_command_runs, gw_cmd_runs_check},
    {"validate", validate_options, 0, gw_cmd_validate, NULL, NULL},
    {"search", search_options, 1, gw_cmd_search, NULL, NULL},
    {"explore", explore_options, 0, NULL, gw_command_explore, gw_cmd_explore_check},
    {"power", power_options, 1, gw_cmd_power, NULL, NULL},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static const char *const command_names[] = {"catalog", "rack", "plan", "perf", "sim",
                                            "report",  "risk", "runs", "validate",
                                            "search",   "explore", "power", NULL};

const char *const *gw_command_names(void)
{
    return command_names;
}

static int find_command(const char *name)
{
    for (size_t i = 0; name && i < NCOMMANDS; i++)
        if (strcmp(name, commands[i].name) == 0)
            return (int)i;
    return -1;
}

const char *const *gw_command_options(const char *command)
{
    int c = find_command(command);
    return c < 0 ? NULL : commands[c].options;
}

static const option_spec *find_option(const char *name)
{
    for (size_t i = 0; i < NOPTIONS; i++)
        if (strcmp(name, option_table[i].name) == 0)
            return &option_table[i];
    return NULL;
}

/* --csv names the file the front end writes in power (the series) and
 * explore (every point with every result field); in search it is a switch
 * (the front, printed as CSV). */
static const option_spec csv_file = OUTPUT_FILE("csv");

/* The option `name` as `command` takes it. */
static const option_spec *find_option_in(const char *command, const char *name)
{
    if (command && (!strcmp(command, "power") || !strcmp(command, "explore")) &&
        !strcmp(name, "csv"))
        return &csv_file;
    return find_option(name);
}

int gw_command_option_takes_value(const char *name)
{
    const option_spec *o = name ? find_option(name) : NULL;
    return o ? o->takes_value : -1;
}

int gw_command_option_takes_value_in(const char *command, const char *name)
{
    const option_spec *o = name ? find_option_in(command, name) : NULL;
    return o ? o->takes_value : -1;
}

const char *gw_command_catalog_dir(const char *given)
{
    const char *dir = given;
    if (!dir)
        dir = getenv("GIGAWATT_CATALOG");
    if (!dir || !dir[0])
        dir = GW_DEFAULT_CATALOG;
    return dir;
}

static int allowed(const char *const *list, const char *name)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], name) == 0)
            return 1;
    return 0;
}

int gw_cmd_add_set(gw_cmd_args *a, const char *path, const char *value, gw_error *err)
{
    if (a->nsets >= GW_CMD_MAX_SETS || a->nowned >= GW_CMD_MAX_SETS)
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0, "too many settings; expected at most %d",
                            GW_CMD_MAX_SETS);
    char *s = a->owned[a->nowned++];
    if (snprintf(s, sizeof a->owned[0], "%s=%s", path, value) >= (int)sizeof a->owned[0])
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0, "value for %s is too long", path);
    a->sets[a->nsets++] = s;
    return GW_OK;
}

static int add_given_set(gw_cmd_args *a, const char *assignment, gw_error *err)
{
    if (a->nsets >= GW_CMD_MAX_SETS)
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                            "too many --set options (at most 64); see gigawatt --help");
    a->sets[a->nsets++] = assignment;
    return GW_OK;
}

/* A bare number given to a flag with a unit gets the unit ("2" -> "2 s"). */
static int is_bare_number(const char *s)
{
    char *end;
    (void)strtod(s, &end);
    return end != s && *end == 0;
}

/* A flag that is a scenario setting becomes a set. */
static int add_setting(gw_cmd_args *a, const option_spec *o, const char *value, gw_error *err)
{
    if (o->target) {
        /* names the second target by its value, as the CLI always has */
        if (a->replace_target)
            return gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                                "give one target only (%s is the second); see gigawatt --help",
                                value);
        a->replace_target = 1;
    }
    const char *path = a->train && o->train_path ? o->train_path : o->path;
    if (a->train && strncmp(path, "perf.", 5) == 0)
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                            "--%s is an inference option, not for --train; "
                            "see gigawatt perf --help",
                            o->name);
    int rc;
    if (o->unit && is_bare_number(value)) {
        char with_unit[256];
        snprintf(with_unit, sizeof with_unit, "%s %s", value, o->unit);
        rc = gw_cmd_add_set(a, path, with_unit, err);
    } else {
        rc = gw_cmd_add_set(a, path, value, err);
    }
    if (rc == GW_OK) /* errors about its value name the flag */
        a->set_flag[a->nsets - 1] = o->name;
    return rc;
}

/* A positive number for a command option. */
static int positive(const char *flag, const char *v, double *out, gw_error *err)
{
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !(x > 0) || !isfinite(x))
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                            "--%s '%s' is not a positive number; see gigawatt --help", flag, v);
    *out = x;
    return GW_OK;
}

/* An option that is not a scenario setting. */
static int command_option(gw_cmd_args *a, const char *name, const char *v, gw_error *err)
{
    if (strcmp(name, "requests-csv") == 0)
        a->requests_csv = 1;
    else if (strcmp(name, "html") == 0)
        a->html = 1;
    else if (strcmp(name, "capacity") == 0)
        a->capacity = 1;
    else if (strcmp(name, "cheapest") == 0)
        a->cheapest = 1;
    else if (strcmp(name, "csv") == 0)
        a->csv = 1;
    else if (strcmp(name, "candidates") == 0)
        a->candidates = v;
    else if (strcmp(name, "tps") == 0)
        a->tps = v;
    else if (strcmp(name, "db") == 0)
        a->db = v;
    else if (strcmp(name, "settings") == 0)
        a->settings = v;
    else if (strcmp(name, "replay") == 0)
        a->replay = 1;
    else if (strcmp(name, "target-rate") == 0)
        return positive(name, v, &a->target_rate, err);
    else if (strcmp(name, "ttft-target") == 0)
        return positive(name, v, &a->ttft_target, err);
    else if (strcmp(name, "tbt-target") == 0)
        return positive(name, v, &a->tbt_target, err);
    else if (strcmp(name, "quantile") == 0) {
        int rc = positive(name, v, &a->quantile, err);
        if (rc == GW_OK && !(a->quantile < 1))
            rc = gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                              "--quantile %s is not below 1; expected a quantile between 0 and "
                              "1, e.g. 0.95; see gigawatt --help",
                              v);
        return rc;
    }
    return GW_OK; /* "train": taken before the other options */
}

static int parse_option(gw_cmd_args *a, const char *const *list, const gw_command_option *opt,
                        gw_error *err)
{
    if (opt->name && strcmp(opt->name, "set") == 0 && opt->value)
        return add_given_set(a, opt->value, err);
    const option_spec *o =
        opt->name && allowed(list, opt->name) ? find_option_in(a->req->command, opt->name) : NULL;
    if (!o || (o->takes_value && !opt->value && !o->front_end_file))
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                            "unknown or incomplete option '--%s'; see gigawatt --help",
                            opt->name ? opt->name : "");
    if (o->path)
        return add_setting(a, o, opt->value, err);
    return command_option(a, o->name, opt->value, err);
}

/* ---- options that apply only with another (issue 14 item 6) ----------------
 * An option a command lists but would ignore is refused, naming the option
 * and the command, never dropped in silence. */

static const gw_command_option *given_option(const gw_command_request *req, const char *name)
{
    for (int i = 0; i < req->noptions; i++)
        if (req->options[i].name && strcmp(req->options[i].name, name) == 0)
            return &req->options[i];
    return NULL;
}

/* `option` applies only with one of `needs` (NULL-terminated), or, for a
 * need written "!x", never with x. */
typedef struct option_rule {
    const char *command, *option;
    const char *needs[3];
    const char *why; /* why it needs them, for the message */
} option_rule;

#define TRAINING(o) {"perf", o, {"train"}, "it is a training option"}
static const option_rule option_rules[] = {
    TRAINING("tokens"), TRAINING("mfu"), TRAINING("seq-len"), TRAINING("global-batch"),
    TRAINING("micro-batch"), TRAINING("virtual-stages"),
    {"sim", "ttft-target", {"capacity", "cheapest"}, "the searches' latency target"},
    {"sim", "tbt-target", {"capacity", "cheapest"}, "the searches' latency target"},
    {"sim", "quantile", {"capacity", "cheapest"}, "the searches' latency quantile"},
    {"sim", "target-rate", {"cheapest"}, "it sizes the cheapest search"},
    {"sim", "candidates", {"cheapest"}, "it lists the cheapest search's accelerators"},
    {"sim", "tps", {"cheapest"}, "it lists the cheapest search's tensor parallelisms"},
    {"sim", "capacity", {"!cheapest"}, "they are two searches"},
    {"sim", "requests-csv", {"!cheapest"}, "a search writes no per-request table"},
};
#undef TRAINING

/* Each `needs` as "--a or --b" into buf. */
static const char *needs_text(const option_rule *r, char *buf, size_t cap)
{
    size_t at = 0;
    buf[0] = 0;
    for (int k = 0; k < 3 && r->needs[k] && at < cap; k++)
        at += (size_t)snprintf(buf + at, cap - at, "%s--%s", k ? " or " : "",
                               r->needs[k] + (r->needs[k][0] == '!'));
    return buf;
}

static int check_option_rules(const gw_command_request *req, gw_error *err)
{
    for (size_t i = 0; i < sizeof option_rules / sizeof option_rules[0]; i++) {
        const option_rule *r = &option_rules[i];
        if (strcmp(req->command, r->command) != 0 || !given_option(req, r->option))
            continue;
        int ok = 0, absent = r->needs[0][0] == '!';
        for (int k = 0; k < 3 && r->needs[k]; k++)
            ok |= absent ? !given_option(req, r->needs[k] + 1)
                         : given_option(req, r->needs[k]) != NULL;
        char needs[96];
        needs_text(r, needs, sizeof needs);
        if (!ok && absent)
            return gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                                "%s --%s cannot go with %s (%s); expected one of the two; see "
                                "gigawatt %s --help",
                                r->command, r->option, needs, r->why, r->command);
        if (!ok)
            return gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                                "%s --%s applies only with %s (%s); expected %s with it, or no "
                                "--%s; see gigawatt %s --help",
                                r->command, r->option, needs, r->why, needs, r->option,
                                r->command);
    }
    return GW_OK;
}

/* sim on a fleet: scenario runs the fleet simulator, which takes these
 * options of sim's only; on any other scenario the replica simulator,
 * which stores nothing (--db: fleet runs only). */
static const char *const fleet_sim_options[] = {"requests-csv", "db", "html", NULL};

int gw_cmd_check_scenario_kind(const gw_cmd_args *a, int fleet, gw_error *err)
{
    const gw_command_request *req = a->req;
    for (int i = 0; i < req->noptions; i++) {
        const char *name = req->options[i].name;
        if (!name || !strcmp(name, "set"))
            continue;
        if (fleet && !allowed(fleet_sim_options, name))
            return gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                                "sim --%s does not apply to fleet scenarios (a fleet: section "
                                "runs the fleet simulator); expected only --requests-csv, --db, "
                                "--html or --set fleet.KEY=VALUE with one",
                                name);
        if (!fleet && !strcmp(name, "db"))
            return gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                                "sim --db stores fleet runs only, not a replica simulation; "
                                "expected a scenario with a fleet: section, or no --db");
    }
    return GW_OK;
}

/* The options alone: each known to the command, each value good. */
static int parse_options(const gw_command_request *req, gw_cmd_args *a, gw_error *err)
{
    memset(a, 0, sizeof *a);
    a->req = req;
    int c = find_command(req->command);
    if (c < 0)
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0, "unknown command '%s'; see gigawatt --help",
                            req->command ? req->command : "");
    const char *const *list = commands[c].options;
    /* --train changes where --count/--tp/--pp go, wherever it stands */
    for (int i = 0; i < req->noptions; i++)
        if (req->options[i].name && strcmp(req->options[i].name, "train") == 0 &&
            allowed(list, "train"))
            a->train = 1;
    int rc = GW_OK;
    for (int i = 0; i < req->nsets && rc == GW_OK; i++)
        rc = add_given_set(a, req->sets[i], err);
    for (int i = 0; i < req->noptions && rc == GW_OK; i++)
        rc = parse_option(a, list, &req->options[i], err);
    return rc;
}

int gw_cmd_parse(const gw_command_request *req, gw_cmd_args *a, gw_error *err)
{
    int rc = parse_options(req, a, err);
    if (rc == GW_OK) /* after --help: an option's partner may come later */
        rc = check_option_rules(req, err);
    if (rc)
        return rc;
    if (commands[find_command(req->command)].scenario && !req->scenario_path &&
        !req->scenario_text && a->nsets == 0)
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                            "give a SCENARIO or flags (see --help); see gigawatt --help");
    if (strcmp(req->command, "report") == 0 && req->npositional == 0)
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                            "give one or more RESULT.json files; see gigawatt --help");
    return GW_OK;
}

/* gw_command_check and gw_command_check_options: `parse` without a run
 * (`whole` for a command that reads its own options). */
static int check_with(int (*parse)(const gw_command_request *, gw_cmd_args *, gw_error *),
                      int whole, const gw_command_request *req, gw_error *err)
{
    int c = find_command(req->command);
    if (c >= 0 && commands[c].check)
        return commands[c].check(req, whole, err);
    gw_cmd_args *a = malloc(sizeof *a);
    if (!a)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    int rc = parse(req, a, err);
    free(a);
    return rc;
}

int gw_command_check(const gw_command_request *req, gw_error *err)
{
    return check_with(gw_cmd_parse, 1, req, err);
}

int gw_command_check_options(const gw_command_request *req, gw_error *err)
{
    return check_with(parse_options, 0, req, err);
}

int gw_command_run(const gw_command_request *req, gw_command_output *out, gw_error *err)
{
    int c = find_command(req->command);
    if (c >= 0 && commands[c].own)
        return commands[c].own(req, out, err);
    memset(out, 0, sizeof *out);
    gw_cmd_args *a = malloc(sizeof *a); /* ~33 kB of settings: off the stack */
    if (!a)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    int rc = gw_cmd_parse(req, a, err);
    if (rc == GW_OK)
        rc = commands[find_command(req->command)].run(a, out, err);
    free(a);
    if (rc)
        gw_command_output_free(out);
    return rc;
}

void gw_command_output_free(gw_command_output *out)
{
    free(out->json);
    free(out->text);
    free(out->csv);
    free(out->html);
    memset(out, 0, sizeof *out);
}

int gw_cmd_load_catalog(const gw_cmd_args *a, gw_catalog *cat, gw_error *err)
{
    int rc = gw_catalog_load(cat, gw_command_catalog_dir(a->req->catalog_dir), err);
    if (rc == GW_E_IO) /* a missing catalog directory is the user's to fix */
        err->code = rc = GW_E_INPUT;
    return rc;
}

const char *gw_cmd_scenario_name(const gw_cmd_args *a)
{
    const gw_command_request *r = a->req;
    if (r->scenario_path)
        return r->scenario_path;
    if (r->scenario_text)
        return r->scenario_name ? r->scenario_name : "<scenario>";
    return NULL;
}

int gw_cmd_load_tree(const gw_cmd_args *a, gw_config *cfg, gw_node **root, gw_error *err)
{
    const gw_command_request *r = a->req;
    int rc = GW_OK;
    if (r->scenario_path || r->scenario_text) {
        rc = r->scenario_path
                 ? gw_config_load_file(cfg, r->scenario_path, 1, root, err)
                 : gw_config_load_buffer(cfg, gw_cmd_scenario_name(a), r->scenario_text,
                                         strlen(r->scenario_text), 1, root, err);
        if (rc == GW_E_IO) /* unreadable scenario: bad input, exit 2 */
            err->code = rc = GW_E_INPUT;
        if (rc)
            return rc;
    } else if (!(*root = gw_config_new_map(cfg, ""))) { /* flags alone: no file to name */
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (a->replace_target)
        gw_node_remove(*root, "target");
    for (int i = 0; i < a->nsets; i++) {
        /* errors name what the user typed: "--tp", "--set perf.tp=x" */
        char origin[600];
        if (a->set_flag[i])
            snprintf(origin, sizeof origin, "--%s", a->set_flag[i]);
        else
            snprintf(origin, sizeof origin, "--set %.500s", a->sets[i]);
        if ((rc = gw_config_set_path(cfg, *root, a->sets[i], origin, err)))
            return rc;
    }
    return GW_OK;
}

int gw_cmd_load_tree_and_catalog(const gw_cmd_args *a, gw_cmd_loaded *l, gw_error *err)
{
    memset(l, 0, sizeof *l);
    int rc = gw_cmd_load_catalog(a, &l->cat, err);
    if (rc)
        return rc;
    gw_config_init(&l->cfg);
    if ((rc = gw_cmd_load_tree(a, &l->cfg, &l->root, err))) {
        gw_config_free(&l->cfg);
        gw_catalog_free(&l->cat);
    }
    return rc;
}

int gw_cmd_resolve(gw_cmd_loaded *l, unsigned needs, gw_error *err)
{
    if (!(l->sc = malloc(sizeof *l->sc))) /* large: keep it off the stack */
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    return gw_scenario_resolve(&l->cat, l->root, needs, l->sc, err);
}

void gw_cmd_loaded_free(gw_cmd_loaded *l)
{
    free(l->sc);
    gw_config_free(&l->cfg);
    gw_catalog_free(&l->cat);
    memset(l, 0, sizeof *l);
}

int gw_cmd_load_all(const gw_cmd_args *a, unsigned needs, gw_cmd_loaded *l, gw_error *err)
{
    int rc = gw_cmd_load_tree_and_catalog(a, l, err);
    if (rc == GW_OK && (rc = gw_cmd_resolve(l, needs, err)))
        gw_cmd_loaded_free(l);
    return rc;
}

const char *gw_cmd_report_name(const gw_cmd_args *a)
{
    const char *name = gw_cmd_scenario_name(a);
    return name ? name : "flags";
}

int gw_cmd_place_on_file(int rc, const gw_scenario *sc, gw_error *err)
{
    if (rc != GW_OK && rc != GW_E_STOPPED && !err->file[0])
        snprintf(err->file, sizeof err->file, "%s", sc->source_file);
    return rc;
}

/* What a report's heading names (issue 14 item 9): the scenario's file
 * name (its directory is the reader's business, not the page's) "with" the
 * flags and sets that changed it ("frontier-lab-30gw.yaml with --grid-power
 * 15 GW"), or, with no scenario, the command as typed ("rack --system
 * gb200-nvl72"). Options that only say where output goes are left out. */
static void report_title(const gw_cmd_args *a, const char *name, char *buf, size_t n)
{
    static const char *const quiet[] = {"html", "requests-csv", "db", "threads", "resume",
                                        "command-line", "csv", NULL};
    const gw_command_request *q = a->req;
    const char *slash = name ? strrchr(name, '/') : NULL;
    int scenario = name && strcmp(name, "flags") != 0;
    size_t len = (size_t)snprintf(buf, n, "%s", !scenario ? q->command
                                                : slash && slash[1] ? slash + 1 : name);
    const char *sep = scenario ? " with" : "";
    for (int i = 0; i < q->noptions && len < n; i++) {
        int skip = 0;
        for (int k = 0; quiet[k]; k++)
            skip |= strcmp(q->options[i].name, quiet[k]) == 0;
        if (skip)
            continue;
        const char *v = q->options[i].value;
        len += (size_t)snprintf(buf + len, n - len, "%s --%s%s%s", sep, q->options[i].name,
                                v && v[0] ? " " : "", v ? v : "");
        sep = "";
    }
    for (int i = 0; i < q->nsets && len < n; i++) {
        len += (size_t)snprintf(buf + len, n - len, "%s --set %s", sep, q->sets[i]);
        sep = "";
    }
}

int gw_cmd_finish(const gw_cmd_args *a, const char *name, char *json, char *text,
                  gw_command_output *out, gw_error *err)
{
    int rc = GW_OK;
    if ((!json && (a->req->want_json || a->html)) || (!text && a->req->want_text))
        rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    if (rc == GW_OK && a->html) {
        char title[1024];
        report_title(a, name, title, sizeof title);
        rc = gw_report_html_text(title, json, &out->html, err);
    }
    if (rc == GW_OK && a->req->want_json)
        out->json = json, json = NULL;
    if (rc == GW_OK && a->req->want_text)
        out->text = text, text = NULL;
    free(json);
    free(text);
    return rc;
}

void gw_cmd_phase(const gw_cmd_args *a, const char *what, const char *unit)
{
    if (a->req->progress_phase)
        a->req->progress_phase(a->req->progress_user, what, unit);
}
