/* src/cli/main.c — `gigawatt <command>`: dispatch, option parsing and the
 * commands of the foundation (cli layer). Each command is a thin shell:
 * parse flags into scenario settings, call the library, print. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gigawatt/output.h"
#include "gigawatt/risk.h"
#include "gigawatt/plan.h"
#include "gigawatt/rack.h"
#include "gigawatt/scenario.h"
#include "gigawatt/timeline.h"
#include "gigawatt/timeline_out.h"

static const char usage_main[] =
    "usage: gigawatt <command> [options]\n"
    "\n"
    "commands:\n"
    "  catalog [ID]          list catalog entries, or show one with its sources\n"
    "  rack [SCENARIO]       rack power budget, cooling flows, power chain, design checks\n"
    "  plan SCENARIO         fleet sizing: accelerators, racks, power, capex, opex, households\n"
    "  perf [SCENARIO]       LLM inference and training performance, energy and cost\n"
    "  sim SCENARIO          serving simulation of replicas, iteration by iteration\n"
    "  report RESULT.json... self-contained HTML report of results (-o report.html)\n"
    "  risk SCENARIO         Monte Carlo of the build-out: too little vs too much (MPI-aware)\n"
    "  runs [--db FILE]      runs kept in a SQLite result store\n"
    "\n"
    "common options:\n"
    "  --json                print one JSON object on stdout\n"
    "  -o FILE               write the output to FILE (whole or not at all)\n"
    "  --html FILE           also write the result's HTML report to FILE (rack, plan, perf,\n"
    "                        sim, risk); `gigawatt report` makes one from saved --json results\n"
    "  --set KEY.PATH=VALUE  override any scenario value, e.g. --set target.grid_power='15 GW'\n"
    "  --catalog DIR         catalog directory (default: $GIGAWATT_CATALOG or the built-in)\n"
    "  --quiet               no progress messages\n"
    "  -h, --help            this help; `gigawatt COMMAND --help` (or `gigawatt help\n"
    "                        COMMAND`) for a command, with examples\n"
    "\n"
    "examples:\n"
    "  gigawatt plan scenarios/frontier-lab-30gw.yaml           # 30 GW, and its build-out\n"
    "  gigawatt rack --system gb200-nvl72 --html rack.html      # one rack, as a report\n"
    "  gigawatt risk scenarios/frontier-lab-30gw.yaml           # too little vs too much\n"
    "  gigawatt sim scenarios/sim-llama70b-h100.yaml            # serving, iteration by iteration\n"
    "\n"
    "exit codes: 0 ok, 1 runtime failure, 2 bad input or usage, 130 stopped by Ctrl-C\n"
    "guides: docs/tutorial.md (ten minutes), docs/commands.md (one section per command)\n";

static const char usage_rack[] =
    "usage: gigawatt rack [SCENARIO] [--system ID] [--load X] [--site ID] [--cooling ID]\n"
    "                     [--accelerator ID] [--json] [-o FILE] [--html FILE] [--set K=V]\n"
    "Power budget of one rack: IT power breakdown, heat to liquid and air, coolant flow,\n"
    "airflow, losses along the power chain to the grid meter, design-rule checks.\n"
    "\n"
    "examples:\n"
    "  gigawatt rack --system gb200-nvl72\n"
    "  gigawatt rack --system dgx-h100 --load 0.8 --cooling air --json\n"
    "  gigawatt rack scenarios/frontier-lab-30gw.yaml --html rack.html\n";

static const char usage_plan[] =
    "usage: gigawatt plan [SCENARIO] [--system ID] [--site ID] [--average-load X]\n"
    "                     [--grid-power P | --it-power P | --accelerators N | --budget USD]\n"
    "                     [--json] [-o FILE] [--html FILE] [--set K=V]\n"
    "Fleet sizing from a target: accelerators, racks, sites, IT and grid power, PUE,\n"
    "energy, water, capex and opex, depreciation, cost per GPU-hour, households.\n"
    "A scenario with a timeline: section adds the quarterly build-out limited by supply\n"
    "(docs/timeline.md): capacity against demand, shortfall, rented, idle, power, cash.\n"
    "\n"
    "examples:\n"
    "  gigawatt plan scenarios/frontier-lab-30gw.yaml\n"
    "  gigawatt plan scenarios/frontier-lab-30gw.yaml --grid-power '15 GW' --json -o 15gw.json\n"
    "  gigawatt plan --system gb200-nvl72 --budget 1.4e12USD\n"
    "  gigawatt plan scenarios/frontier-lab-30gw.yaml --set timeline.build_level=1.3\n";

static const char usage_perf[] =
    "usage: gigawatt perf [SCENARIO] --model ID --accelerator ID [--system ID] [--count N]\n"
    "                     [--tp N] [--pp N] [--ep N] [--precision bf16|fp8|fp4]\n"
    "                     [--kv-precision P] --input-tokens N --output-tokens N\n"
    "                     [--ttft-slo SECONDS] [--tpot-slo SECONDS] [--max-batch N]\n"
    "       gigawatt perf [SCENARIO] --train --model ID --accelerator ID --count N --tokens N\n"
    "                     [--tp N] [--pp N] [--mfu X] [--seq-len N] [--global-batch TOKENS]\n"
    "                     [--micro-batch N] [--virtual-stages N] [--precision P]\n"
    "                     [--json] [-o FILE] [--html FILE] [--set K=V]\n"
    "Inference: memory, prefill and decode step times, the best throughput with and without\n"
    "TTFT/TPOT targets, tokens/s per GPU and per MW, joules per token, USD per million tokens.\n"
    "Training (--train): time, GPU-hours, energy and cost for N tokens; MFU given or predicted.\n"
    "With --train, --count/--tp/--pp/--precision describe the training job.\n"
    "\n"
    "examples:\n"
    "  gigawatt perf --model llama-3.3-70b --accelerator h100-sxm --count 2 --tp 2 \\\n"
    "                --input-tokens 1000 --output-tokens 1000\n"
    "  gigawatt perf --model llama-2-70b --accelerator h100-sxm --count 8 --tp 2 \\\n"
    "                --input-tokens 294 --output-tokens 290 --ttft-slo 2 --tpot-slo 0.2\n"
    "  gigawatt perf --train --model llama-3.1-405b --accelerator h100-sxm --count 16384 \\\n"
    "                --tp 8 --pp 16 --tokens 15.6e12\n";

static const char usage_sim[] =
    "usage: gigawatt sim [SCENARIO] --model ID --accelerator ID [--tp N --pp N --precision P]\n"
    "                    [--replicas N] [--scheduler vllm|sarathi]\n"
    "                    [--route round-robin|least-outstanding|kv-aware]\n"
    "                    (--trace FILE [--limit N] [--max-tokens N] | --requests N --rate R)\n"
    "                    [--seed N] [--requests-csv FILE]\n"
    "                    [--capacity [--ttft-target S] [--tbt-target S] [--quantile 0.5|0.9|0.99]]\n"
    "                    [--cheapest --target-rate R --ttft-target S [--tbt-target S]\n"
    "                     [--candidates ACC1,ACC2,...] [--tps 1,2,4,8]]\n"
    "                    [--json] [-o FILE] [--html FILE] [--db FILE] [--set K=V] [--quiet]\n"
    "Iteration-level simulation of LLM serving replicas: continuous batching with paged KV\n"
    "blocks (vLLM prefill-first or Sarathi chunked prefill), each iteration timed by the perf\n"
    "model; TTFT, TPOT, TBT, E2E percentiles, throughput, KV use, energy. --capacity finds\n"
    "the highest arrival rate meeting the latency targets (bisection over simulations);\n"
    "--cheapest sizes every (accelerator, tp) candidate for --target-rate requests/s and\n"
    "ranks them by cost per hour.\n"
    "Traces use Vidur's CSV columns: arrived_at, num_prefill_tokens, num_decode_tokens.\n"
    "A scenario with a fleet: section runs the request-level fleet simulator instead\n"
    "(docs/fleet.md); --requests-csv FILE then writes its hourly series and --db FILE\n"
    "appends the run to a SQLite result store.\n"
    "\n"
    "examples:\n"
    "  gigawatt sim scenarios/sim-llama70b-h100.yaml\n"
    "  gigawatt sim scenarios/sim-llama70b-h100.yaml --scheduler sarathi --html sim.html\n"
    "  gigawatt sim scenarios/ai-cloud-scarcity.yaml --requests-csv hourly.csv   # a fleet day\n"
    "  gigawatt sim --model llama-3.3-70b --accelerator h100-sxm --tp 2 --replicas 4 \\\n"
    "               --requests 100000 --rate 20 --set sim.prompt=1000 --set sim.output=200\n";

static const char usage_report[] =
    "usage: gigawatt report RESULT.json [RESULT.json ...] -o report.html\n"
    "A self-contained HTML report (inline CSS and SVG, nothing fetched) of results written\n"
    "with --json: charts per kind (rack, plan with its timeline, perf, sim, fleet, risk),\n"
    "every chart's numbers in a table, and for two or more results of one kind a table of\n"
    "their differences.\n"
    "\n"
    "examples:\n"
    "  gigawatt rack --system gb200-nvl72 --json -o rack.json && gigawatt report rack.json -o r.html\n"
    "  gigawatt report plan-30gw.json plan-15gw.json -o compare.html\n";

static const char usage_catalog[] =
    "usage: gigawatt catalog [ID] [--json] [--catalog DIR]\n"
    "Lists catalog entries by kind, or shows one entry with every value's source.\n"
    "\n"
    "examples:\n"
    "  gigawatt catalog\n"
    "  gigawatt catalog gb200-nvl72\n"
    "  gigawatt catalog llama-3.3-70b --json\n";

/* Flags that are shorthand for scenario settings. */
typedef struct flag_map {
    const char *flag, *path;
    int target;             /* replaces the scenario's target */
    const char *train_path; /* where it goes under --train (NULL: path) */
    const char *unit;       /* appended to a bare number ("2" -> "2 s") */
} flag_map;

static const flag_map flag_paths[] = {
    {"system", "system.ref", 0, NULL, NULL},         {"accelerator", "accelerator.ref", 0, NULL, NULL},
    {"site", "site.ref", 0, NULL, NULL},             {"cooling", "cooling.ref", 0, NULL, NULL},
    {"load", "operation.load", 0, NULL, NULL},       {"average-load", "operation.average_load", 0, NULL, NULL},
    {"grid-power", "target.grid_power", 1, NULL, NULL}, {"it-power", "target.it_power", 1, NULL, NULL},
    {"accelerators", "target.accelerators", 1, NULL, NULL}, {"budget", "target.budget", 1, NULL, NULL},
    {"model", "model.ref", 0, NULL, NULL},           {"efficiency", "efficiency.ref", 0, NULL, NULL},
    {"count", "perf.count", 0, "training.count", NULL},
    {"tp", "perf.tp", 0, "training.tp", NULL},
    {"pp", "perf.pp", 0, "training.pp", NULL},
    {"ep", "perf.ep", 0, NULL, NULL},
    {"precision", "perf.precision", 0, "training.precision", NULL},
    {"kv-precision", "perf.kv_precision", 0, NULL, NULL},
    {"input-tokens", "perf.input_tokens", 0, NULL, NULL},
    {"output-tokens", "perf.output_tokens", 0, NULL, NULL},
    {"ttft-slo", "perf.ttft_slo", 0, NULL, "s"},
    {"tpot-slo", "perf.tpot_slo", 0, NULL, "s"},
    {"max-batch", "perf.max_batch", 0, NULL, NULL},
    {"tokens", "training.tokens", 0, NULL, NULL},
    {"mfu", "training.mfu", 0, NULL, NULL},
    {"seq-len", "training.sequence_length", 0, NULL, NULL},
    {"global-batch", "training.global_batch", 0, NULL, NULL},
    {"micro-batch", "training.micro_batch", 0, NULL, NULL},
    {"virtual-stages", "training.virtual_stages", 0, NULL, NULL},
    {"replicas", "sim.replicas", 0, NULL, NULL},
    {"scheduler", "sim.scheduler", 0, NULL, NULL},
    {"route", "sim.route", 0, NULL, NULL},
    {"trace", "sim.trace", 0, NULL, NULL},
    {"limit", "sim.limit", 0, NULL, NULL},
    {"max-tokens", "sim.max_tokens", 0, NULL, NULL},
    {"requests", "sim.requests", 0, NULL, NULL},
    {"rate", "sim.rate", 0, NULL, NULL},
    {"seed", "sim.seed", 0, NULL, NULL},
    {"kv-tokens", "sim.kv_tokens", 0, NULL, NULL},
};
#define NFLAGS (sizeof flag_paths / sizeof flag_paths[0])

enum { OPT_JSON = 256, OPT_QUIET, OPT_CATALOG, OPT_SET, OPT_HELP, OPT_TRAIN, OPT_REQ_CSV,
       OPT_CAPACITY, OPT_TTFT_TARGET, OPT_TBT_TARGET, OPT_QUANTILE, OPT_CHEAPEST,
       OPT_TARGET_RATE, OPT_CANDIDATES, OPT_TPS, OPT_DB, OPT_HTML, OPT_MAP };

/* Options of one command that are not scenario settings. */
static const struct {
    const char *name;
    int has_arg, code;
} extra_opts[] = {
    {"train", no_argument, OPT_TRAIN},
    {"requests-csv", required_argument, OPT_REQ_CSV},
    {"capacity", no_argument, OPT_CAPACITY},
    {"ttft-target", required_argument, OPT_TTFT_TARGET},
    {"tbt-target", required_argument, OPT_TBT_TARGET},
    {"quantile", required_argument, OPT_QUANTILE},
    {"cheapest", no_argument, OPT_CHEAPEST},
    {"target-rate", required_argument, OPT_TARGET_RATE},
    {"candidates", required_argument, OPT_CANDIDATES},
    {"tps", required_argument, OPT_TPS},
    {"db", required_argument, OPT_DB},
    {"html", required_argument, OPT_HTML},
};
#define NEXTRA (sizeof extra_opts / sizeof extra_opts[0])

/* A positive number for a command option, or a usage error. */
static int positive_arg(const char *flag, const char *v, double *out)
{
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !(x > 0) || !isfinite(x)) {
        fprintf(stderr, "gigawatt: --%s '%s' is not a positive number; see gigawatt --help\n",
                flag, v);
        return 2;
    }
    *out = x;
    return -1;
}

/* A bare number given to a flag with a unit gets the unit ("2" -> "2 s"). */
static int is_bare_number(const char *s)
{
    char *end;
    (void)strtod(s, &end);
    return end != s && *end == 0;
}

/* One line, like every other error; the usage text is behind --help. */
static int usage_error(const char *usage, const char *fmt, const char *arg)
{
    (void)usage;
    fprintf(stderr, "gigawatt: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "; see gigawatt --help\n");
    return 2;
}

/* Parse options common to every command plus the shorthand flags in
 * `allowed` (NULL-terminated names from flag_paths). Returns -1 when the
 * command should go on, else the exit code. */
static int parse_opts(int argc, char **argv, const char *usage, const char *const *allowed,
                      int max_positional, cli_opts *o, const char **positional)
{
    struct option longopts[8 + NEXTRA + NFLAGS];
    int n = 0;
    longopts[n++] = (struct option){"json", no_argument, NULL, OPT_JSON};
    longopts[n++] = (struct option){"quiet", no_argument, NULL, OPT_QUIET};
    longopts[n++] = (struct option){"catalog", required_argument, NULL, OPT_CATALOG};
    longopts[n++] = (struct option){"set", required_argument, NULL, OPT_SET};
    longopts[n++] = (struct option){"help", no_argument, NULL, OPT_HELP};
    longopts[n++] = (struct option){"output", required_argument, NULL, 'o'};
    int train_ok = 0;
    for (size_t i = 0; allowed && allowed[i]; i++) {
        train_ok |= strcmp(allowed[i], "train") == 0;
        for (size_t j = 0; j < NEXTRA; j++)
            if (strcmp(allowed[i], extra_opts[j].name) == 0)
                longopts[n++] = (struct option){extra_opts[j].name, extra_opts[j].has_arg, NULL,
                                                extra_opts[j].code};
    }
    memset(o, 0, sizeof *o);
    /* --train changes where --count/--tp/--pp go, wherever it stands */
    for (int i = 1; train_ok && i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--train") == 0)
            o->train = 1;
    for (size_t i = 0; allowed && allowed[i]; i++)
        for (size_t j = 0; j < NFLAGS; j++)
            if (strcmp(allowed[i], flag_paths[j].flag) == 0)
                longopts[n++] = (struct option){flag_paths[j].flag, required_argument, NULL,
                                                OPT_MAP + (int)j};
    longopts[n] = (struct option){NULL, 0, NULL, 0};
    opterr = 0;
    optind = 1;
    int c, npos = 0;
    gw_error err = {0};
    while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_JSON: o->json = 1; break;
        case OPT_QUIET: o->quiet = 1; break;
        case OPT_TRAIN: break; /* seen above */
        case OPT_REQ_CSV: o->requests_csv = optarg; break;
        case OPT_CAPACITY: o->capacity = 1; break;
        case OPT_CHEAPEST: o->cheapest = 1; break;
        case OPT_CANDIDATES: o->candidates = optarg; break;
        case OPT_TPS: o->tps = optarg; break;
        case OPT_DB: o->db = optarg; break;
        case OPT_HTML: o->html = optarg; break;
        case OPT_TARGET_RATE:
            if ((c = positive_arg("target-rate", optarg, &o->target_rate)) >= 0)
                return c;
            break;
        case OPT_TTFT_TARGET:
            if ((c = positive_arg("ttft-target", optarg, &o->ttft_target)) >= 0)
                return c;
            break;
        case OPT_TBT_TARGET:
            if ((c = positive_arg("tbt-target", optarg, &o->tbt_target)) >= 0)
                return c;
            break;
        case OPT_QUANTILE:
            if ((c = positive_arg("quantile", optarg, &o->quantile)) >= 0)
                return c;
            if (o->quantile != 0.5 && o->quantile != 0.9 && o->quantile != 0.99) {
                fprintf(stderr, "gigawatt: --quantile %s; expected 0.5, 0.9 or 0.99; see "
                                "gigawatt --help\n", optarg);
                return 2;
            }
            break;
        case OPT_CATALOG: o->catalog = optarg; break;
        case 'o': o->out = optarg; break;
        case 'h':
        case OPT_HELP: fputs(usage, stdout); return 0;
        case OPT_SET:
            if (o->nsets >= GW_CLI_MAX_SETS)
                return usage_error(usage, "too many --set options (at most %s)", "64");
            o->sets[o->nsets++] = optarg;
            break;
        case '?':
            return usage_error(usage, "unknown or incomplete option '%s'", argv[optind - 1]);
        default:
            if (c >= OPT_MAP && c < OPT_MAP + (int)NFLAGS) {
                const flag_map *fm = &flag_paths[c - OPT_MAP];
                if (fm->target) {
                    if (o->replace_target)
                        return usage_error(usage, "give one target only (%s is the second)",
                                           argv[optind - 1]);
                    o->replace_target = 1;
                }
                const char *path = o->train && fm->train_path ? fm->train_path : fm->path;
                if (o->train && strncmp(path, "perf.", 5) == 0) {
                    fprintf(stderr, "gigawatt: --%s is an inference option, not for --train; "
                                    "see gigawatt perf --help\n", fm->flag);
                    return 2;
                }
                char val[256];
                if (fm->unit && is_bare_number(optarg)) {
                    snprintf(val, sizeof val, "%s %s", optarg, fm->unit);
                    if (cli_add_set(o, path, val, &err))
                        return cli_fail(&err);
                } else if (cli_add_set(o, path, optarg, &err))
                    return cli_fail(&err);
            }
            break;
        }
    }
    /* glibc's getopt_long moves operands after the options, so a scenario
     * may come before or after the flags. */
    while (optind < argc) {
        if (npos >= max_positional)
            return usage_error(usage, "unexpected argument '%s'", argv[optind]);
        positional[npos++] = argv[optind++];
    }
    return -1;
}

int cmd_catalog(int argc, char **argv)
{
    cli_opts o;
    const char *pos[1] = {NULL};
    int rc = parse_opts(argc, argv, usage_catalog, NULL, 1, &o, pos);
    if (rc >= 0)
        return rc;
    gw_catalog cat;
    gw_error err = {0};
    if ((rc = cli_load_catalog(&o, &cat, &err)))
        return cli_fail(&err);
    char *text;
    if (pos[0]) {
        const gw_catalog_entry *e = gw_catalog_find_any(&cat, pos[0]);
        if (!e) {
            const char *cands[1024];
            size_t n = 0;
            for (size_t i = 0; i < cat.n && n < 1024; i++)
                cands[n++] = cat.entries[i].id;
            const char *sug = gw_suggest(pos[0], cands, n);
            gw_error_set(&err, GW_E_INPUT, NULL, 0, 0, "no catalog entry '%.60s'; %s%s%s",
                         pos[0], sug ? "did you mean '" : "expected an id from `gigawatt catalog`",
                         sug ? sug : "", sug ? "'?" : "");
            gw_catalog_free(&cat);
            return cli_fail(&err);
        }
        text = o.json ? gw_catalog_entry_json(&cat, e) : gw_catalog_entry_text(&cat, e);
    } else {
        text = o.json ? gw_catalog_list_json(&cat) : gw_catalog_list_text(&cat);
    }
    rc = cli_emit(&o, text, &err);
    gw_catalog_free(&cat);
    return rc ? cli_fail(&err) : 0;
}

/* Shared by rack and plan: catalog + scenario + resolution. */
static int load_all(const cli_opts *o, unsigned needs, gw_catalog *cat, gw_config *cfg,
                    gw_scenario *sc, gw_error *err)
{
    gw_node *root;
    int rc = cli_load_catalog(o, cat, err);
    if (rc)
        return rc;
    gw_config_init(cfg);
    if ((rc = cli_load_scenario(o, cfg, &root, err)) ||
        (rc = gw_scenario_resolve(cat, root, needs, sc, err))) {
        gw_config_free(cfg);
        gw_catalog_free(cat);
    }
    return rc;
}

/* Run a model on a resolved scenario and render its result (text or JSON). */
typedef char *(*model_fn)(const gw_scenario *sc, cli_opts *o, gw_error *err);

static char *run_rack(const gw_scenario *sc, cli_opts *o, gw_error *err)
{
    int json = o->json;
    gw_rack_input in;
    gw_rack_result r;
    gw_scenario_rack_input(sc, &in);
    if (gw_rack_budget(&in, &r, err)) {
        if (!err->file[0])
            snprintf(err->file, sizeof err->file, "%s", sc->source_file);
        return NULL;
    }
    char *out = cli_result(o, json || o->html ? gw_rack_json(sc, &r) : NULL,
                           json ? NULL : gw_rack_text(sc, &r));
    if (!out)
        gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    return out;
}

/* The build-out timeline of a plan scenario (docs/timeline.md): run when the
 * scenario has a timeline: section, else *out stays NULL. */
typedef struct plan_timeline {
    gw_timeline_input in;
    gw_timeline_params params;
    gw_timeline_result r;
} plan_timeline;

/* Load the catalog and the scenario tree, run `fn` on them, free both: for
 * the sections (timeline:, fleet:) that work on the tree, not on a
 * resolved gw_scenario. A scenario that fails to load is the caller's
 * normal path's to report, so `fn` only sees loaded trees. */
typedef int (*tree_fn)(cli_opts *o, const gw_catalog *cat, const gw_node *root, void *user,
                       gw_error *err);

static int with_scenario_tree(cli_opts *o, tree_fn fn, void *user, gw_error *err)
{
    gw_catalog cat;
    gw_config cfg;
    gw_node *root;
    int rc = cli_load_catalog(o, &cat, err);
    if (rc)
        return rc;
    gw_config_init(&cfg);
    if ((rc = cli_load_scenario(o, &cfg, &root, err)) == GW_OK)
        rc = fn(o, &cat, root, user, err);
    gw_config_free(&cfg);
    gw_catalog_free(&cat);
    return rc;
}

/* plan runs the timeline at each distribution's centre, but a scenario
 * that `risk` would refuse (p90 below p50, an unknown distribution, a
 * correlation matrix that is not one) is refused here too, at its line:
 * the risk engine's own preparation checks it (docs/risk.md §1-§2). */
static int check_uncertainty(const gw_catalog *cat, const gw_node *root,
                             const gw_timeline_params *ps, gw_error *err)
{
    int any = gw_node_get(root, "risk") != NULL;
    for (int i = 0; i < ps->n && !any; i++)
        any = ps->p[i].is_dist;
    if (!any)
        return GW_OK;
    gw_risk_plan *p = malloc(sizeof *p);
    if (!p)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    int rc = gw_risk_prepare(cat, root, p, err);
    free(p);
    return rc;
}

static int timeline_on_tree(cli_opts *o, const gw_catalog *cat, const gw_node *root, void *user,
                            gw_error *err)
{
    (void)o;
    plan_timeline **out = user;
    if (!gw_timeline_present(root))
        return GW_OK;
    plan_timeline *t = malloc(sizeof *t);
    int rc;
    if (!t)
        rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    else if ((rc = gw_timeline_resolve(cat, root, &t->in, &t->params, err)) == GW_OK &&
             (rc = check_uncertainty(cat, root, &t->params, err)) == GW_OK &&
             (rc = gw_timeline_run(&t->in, &t->r, err)) == GW_OK) {
        for (int i = 0; i < t->params.n; i++)
            t->params.p[i].node = NULL; /* the config is freed after this */
        *out = t;
    }
    if (rc)
        free(t);
    return rc;
}

static int run_timeline_if_any(cli_opts *o, plan_timeline **out, gw_error *err)
{
    *out = NULL;
    return with_scenario_tree(o, timeline_on_tree, out, err);
}

/* The plan's JSON with a "timeline" member, its text with the timeline's
 * table after it; `s` is freed. NULL stays NULL (OOM or not wanted). */
static char *with_timeline(const plan_timeline *t, char *s, int json)
{
    if (!t || !s)
        return s;
    char *add = json ? gw_timeline_json_merge(s, &t->in, &t->params, &t->r)
                     : gw_timeline_text(&t->in, &t->r);
    if (json || !add) {
        free(s);
        return add;
    }
    size_t a = strlen(s), b = strlen(add);
    char *both = malloc(a + b + 1);
    if (both) {
        memcpy(both, s, a);
        memcpy(both + a, add, b + 1);
    }
    free(s);
    free(add);
    return both;
}

static char *run_plan(const gw_scenario *sc, cli_opts *o, gw_error *err)
{
    int json = o->json;
    gw_plan_input in;
    gw_plan_result *r = malloc(sizeof *r); /* ~10 kB: keep it off the stack */
    if (!r) {
        gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    gw_scenario_plan_input(sc, &in);
    char *out = NULL;
    int rc = gw_plan_size(&in, r, err);
    if (rc && !err->file[0] && sc->target_file[0]) {
        /* the model knows no files: its errors are about the target */
        snprintf(err->file, sizeof err->file, "%s", sc->target_file);
        err->line = sc->target_line;
        err->col = sc->target_col;
    }
    plan_timeline *tl = NULL;
    if (rc == GW_OK)
        rc = run_timeline_if_any(o, &tl, err);
    if (rc == GW_OK) {
        out = cli_result(o, json || o->html ? with_timeline(tl, gw_plan_json(sc, r), 1) : NULL,
                         json ? NULL : with_timeline(tl, gw_plan_text(sc, r), 0));
        if (!out)
            gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    free(tl);
    free(r);
    return out;
}

/* sim on a fleet scenario (docs/fleet.md): *is_fleet = 0 when it is not one. */
static int fleet_on_tree(cli_opts *o, const gw_catalog *cat, const gw_node *root, void *user,
                         gw_error *err)
{
    int *is_fleet = user, rc = GW_OK;
    if (gw_scenario_has_fleet(root)) {
        *is_fleet = 1;
        gw_fleet_report *r = malloc(sizeof *r);
        if (!r)
            rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
        else {
            cli_progress pg;
            cli_progress_begin(&pg, "fleet", "requests", o->quiet);
            rc = gw_fleet_cmd_run(cat, root, r, cli_progress_cb, &pg, err);
            cli_progress_end(&pg, rc);
        }
        if (r && rc == GW_OK) {
            if (o->requests_csv) { /* for a fleet: the hourly series */
                char *csv = gw_fleet_hourly_csv(r);
                rc = csv ? gw_write_file_atomic(o->requests_csv, csv, strlen(csv), err)
                         : gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
                free(csv);
            }
            if (rc == GW_OK && o->db) {
                char cmd[1200];
                snprintf(cmd, sizeof cmd, "gigawatt sim %s", o->scenario ? o->scenario : "");
                rc = gw_store_fleet(o->db, r, cmd, err);
            }
            if (rc == GW_OK) {
                rc = cli_finish(o, o->scenario,
                                cli_result(o, o->json || o->html ? gw_fleet_json(r) : NULL,
                                           o->json ? NULL : gw_fleet_text(r)),
                                err);
            }
            gw_fleet_report_free(r);
        }
        free(r);
    }
    return rc;
}

static int run_fleet_if_any(cli_opts *o, int *is_fleet, gw_error *err)
{
    *is_fleet = 0;
    int rc = with_scenario_tree(o, fleet_on_tree, is_fleet, err);
    /* a scenario that fails to load is reported by the normal path */
    return *is_fleet ? rc : GW_OK;
}

/* The shape of every model command: flags -> scenario -> model -> output. */
static int run_model_command(int argc, char **argv, const char *usage,
                             const char *const *allowed, unsigned needs, model_fn run)
{
    cli_opts o;
    const char *pos[1] = {NULL};
    int rc = parse_opts(argc, argv, usage, allowed, 1, &o, pos);
    if (rc >= 0)
        return rc;
    o.scenario = pos[0];
    if (!o.scenario && o.nsets == 0)
        return usage_error(usage, "%s", "give a SCENARIO or flags (see --help)");
    gw_catalog cat;
    gw_config cfg;
    gw_error err = {0};
    if ((rc = cli_check_outputs(&o, o.db, &err))) /* before a run that may be long */
        return cli_fail(&err);
    if (needs & GW_NEED_SIM) { /* a scenario with fleet: runs the fleet simulator */
        int fleet = 0;
        if ((rc = run_fleet_if_any(&o, &fleet, &err)) || fleet)
            return rc ? cli_fail(&err) : 0;
    }
    gw_scenario *sc = malloc(sizeof *sc);
    if (!sc) {
        gw_error_set(&err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
        return cli_fail(&err);
    }
    if ((rc = load_all(&o, needs, &cat, &cfg, sc, &err)) == GW_OK) {
        rc = cli_finish(&o, o.scenario ? o.scenario : "flags", run(sc, &o, &err), &err);
        gw_config_free(&cfg);
        gw_catalog_free(&cat);
    }
    free(sc);
    return rc ? cli_fail(&err) : 0;
}

int cmd_rack(int argc, char **argv)
{
    static const char *const allowed[] = {"system", "accelerator", "site", "cooling", "load",
                                          "html", NULL};
    return run_model_command(argc, argv, usage_rack, allowed, GW_NEED_RACK, run_rack);
}

int cmd_plan(int argc, char **argv)
{
    static const char *const allowed[] = {"system",     "accelerator", "site",
                                          "cooling",    "average-load", "grid-power",
                                          "it-power",   "accelerators", "budget",
                                          "html",       NULL};
    return run_model_command(argc, argv, usage_plan, allowed, GW_NEED_PLAN, run_plan);
}

static char *run_perf(const gw_scenario *sc, cli_opts *o, gw_error *err)
{
    int json = o->json;
    gw_perf_report *r = malloc(sizeof *r);
    if (!r) {
        gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    char *out = NULL;
    if (gw_perf_run(sc, r, err) == GW_OK) {
        out = cli_result(o, json || o->html ? gw_perf_json(sc, r) : NULL,
                         json ? NULL : gw_perf_text(sc, r));
        if (!out)
            gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    } else if (!err->file[0]) {
        /* the model knows no files: its errors are about the scenario's choices */
        snprintf(err->file, sizeof err->file, "%s", sc->source_file);
    }
    free(r);
    return out;
}

int cmd_perf(int argc, char **argv)
{
    static const char *const allowed[] = {
        "system", "accelerator", "site", "model", "efficiency", "count", "tp", "pp", "ep",
        "precision", "kv-precision", "input-tokens", "output-tokens", "ttft-slo", "tpot-slo",
        "max-batch", "tokens", "mfu", "seq-len", "global-batch", "micro-batch",
        "virtual-stages", "train", "html", NULL};
    return run_model_command(argc, argv, usage_perf, allowed, GW_NEED_PERF, run_perf);
}

/* --cheapest (docs/sim.md §5.2): for each (accelerator, tp), one replica's
 * capacity under the targets, the replicas that carry --target-rate, their
 * cost per hour and IT power; sorted by cost. */
typedef struct candidate {
    char accel[GW_TEXT_MAX];
    int tp;
    double per_replica_rps, replicas, accelerators, usd_per_hour, it_mw, ttft, tbt;
    char why[160]; /* "" when it can carry the load */
} candidate;

static int cmp_candidate(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (!!x->why[0] != !!y->why[0])
        return x->why[0] ? 1 : -1;
    if (x->usd_per_hour != y->usd_per_hour)
        return x->usd_per_hour < y->usd_per_hour ? -1 : 1;
    int c = strcmp(x->accel, y->accel);
    return c ? c : x->tp - y->tp;
}

static int split_list(const char *list, char items[][GW_TEXT_MAX], int max)
{
    int n = 0;
    for (const char *p = list; *p && n < max;) {
        const char *comma = strchr(p, ',');
        size_t l = comma ? (size_t)(comma - p) : strlen(p);
        if (l && l < GW_TEXT_MAX) {
            memcpy(items[n], p, l);
            items[n++][l] = 0;
        }
        p += l + (comma ? 1 : 0);
    }
    return n;
}

static char *cheapest(cli_opts *o, const gw_scenario *base, gw_error *err)
{
    if (!(o->target_rate > 0) || (!(o->ttft_target > 0) && !(o->tbt_target > 0))) {
        gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                     "--cheapest needs --target-rate and --ttft-target and/or --tbt-target");
        return NULL;
    }
    char accs[32][GW_TEXT_MAX], tpl[8][GW_TEXT_MAX];
    int na = 0, nt = split_list(o->tps ? o->tps : "1,2,4,8", tpl, 8);
    if (o->candidates)
        na = split_list(o->candidates, accs, 32);
    else
        snprintf(accs[na++], GW_TEXT_MAX, "%s", base->accelerator.meta.id);
    candidate *cs = calloc((size_t)(na * nt), sizeof *cs);
    if (!cs) {
        gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    int nc = 0, stopped = 0;
    cli_progress pg; /* each candidate is a capacity search: ~10 simulations */
    cli_progress_begin(&pg, "cheapest", "candidates", o->quiet);
    for (int a = 0; a < na && !stopped; a++)
        for (int t = 0; t < nt && !stopped; t++) {
            if ((stopped = cli_progress_cb(&pg, nc, na * nt, nc)) != 0)
                break;
            candidate *c = &cs[nc++];
            snprintf(c->accel, sizeof c->accel, "%s", accs[a]);
            c->tp = atoi(tpl[t]);
            cli_opts co = *o;
            gw_error e2 = {0};
            char acc_set[GW_TEXT_MAX + 32], tp_set[48], sys_set[GW_TEXT_MAX + 32] = "";
            snprintf(acc_set, sizeof acc_set, "accelerator.ref=%s", accs[a]);
            snprintf(tp_set, sizeof tp_set, "perf.tp=%s", tpl[t]);
            /* each candidate on its own system: the first catalog system built
             * from it (replacing a system the scenario names) */
            gw_catalog lookup;
            if (cli_load_catalog(o, &lookup, &e2) == GW_OK) {
                const char *sys = gw_scenario_default_system(&lookup, accs[a]);
                if (sys)
                    snprintf(sys_set, sizeof sys_set, "system.ref=%s", sys);
                gw_catalog_free(&lookup);
            }
            if (cli_add_set(&co, "sim.replicas", "1", &e2) || co.nsets + 3 > GW_CLI_MAX_SETS) {
                snprintf(c->why, sizeof c->why, "too many settings");
                continue;
            }
            if (sys_set[0])
                co.sets[co.nsets++] = sys_set;
            co.sets[co.nsets++] = acc_set;
            co.sets[co.nsets++] = tp_set;
            gw_catalog cat;
            gw_config cfg;
            gw_scenario *sc = malloc(sizeof *sc);
            gw_sim_report *r = malloc(sizeof *r);
            if (!sc || !r) {
                free(sc), free(r);
                snprintf(c->why, sizeof c->why, "out of memory");
                continue;
            }
            int rc = load_all(&co, GW_NEED_SIM, &cat, &cfg, sc, &e2);
            if (rc == GW_OK) {
                if ((rc = gw_sim_cmd_run(sc, 0, NULL, NULL, r, &e2)) == GW_OK) {
                    gw_capacity cap;
                    rc = gw_sim_capacity(r, o->ttft_target, o->tbt_target,
                                         o->quantile > 0 ? o->quantile : 0.9, 10, &cap, &e2);
                    if (rc == GW_OK && cap.rate_rps > 0) {
                        c->per_replica_rps = cap.rate_rps;
                        c->replicas = ceil(o->target_rate / cap.rate_rps);
                        c->accelerators = c->replicas * r->cfg.tp * r->cfg.pp;
                        c->usd_per_hour = r->has_cost ? c->accelerators * r->usd_per_accel_hour
                                                      : NAN;
                        c->it_mw = c->replicas * r->sim.busy_w / 1e6;
                        c->ttft = cap.ttft_s, c->tbt = cap.tbt_s;
                        if (!r->has_cost)
                            snprintf(c->why, sizeof c->why, "no cost known (no catalog system)");
                    } else if (rc == GW_OK)
                        snprintf(c->why, sizeof c->why, "misses the targets at any rate");
                    gw_sim_report_free(r);
                }
                gw_config_free(&cfg);
                gw_catalog_free(&cat);
            }
            if (rc && !c->why[0])
                snprintf(c->why, sizeof c->why, "%.150s", e2.msg);
            free(sc), free(r);
        }
    if (!stopped)
        cli_progress_cb(&pg, nc, na * nt, nc);
    cli_progress_end(&pg, stopped ? GW_E_STOPPED : GW_OK);
    if (stopped) {
        free(cs);
        gw_error_set(err, GW_E_STOPPED, NULL, 0, 0,
                     "stopped by Ctrl-C after %d of %d candidates; nothing written", nc, na * nt);
        return NULL;
    }
    qsort(cs, (size_t)nc, sizeof *cs, cmp_candidate);
    gw_buf b = {0}, t = {0}; /* JSON (for --json or --html), text (unless --json) */
    if (o->json || o->html) {
        gw_buf_printf(&b, "{\n\t\"kind\":\t\"sim-search\",\n\t\"gigawatt_version\":\t\"%s\",\n"
                          "\t\"model\":\t\"%s\",\n\t\"target_rate\":\t%.17g,\n"
                          "\t\"ttft_target_s\":\t%.17g,\n\t\"tbt_target_s\":\t%.17g,\n"
                          "\t\"quantile\":\t%.17g,\n\t\"candidates\":\t[",
                      GW_VERSION, base->model.meta.id, o->target_rate, o->ttft_target,
                      o->tbt_target, o->quantile > 0 ? o->quantile : 0.9);
        for (int i = 0; i < nc; i++) {
            const candidate *c = &cs[i];
            gw_buf_printf(&b, "%s{\n\t\t\"accelerator\":\t\"%s\",\n\t\t\"tp\":\t%d,\n",
                          i ? ", " : "", c->accel, c->tp);
            if (c->why[0] && !(c->per_replica_rps > 0))
                gw_buf_printf(&b, "\t\t\"feasible\":\tfalse,\n\t\t\"why\":\t\"%s\"\n\t}",
                              c->why);
            else
                gw_buf_printf(&b, "\t\t\"feasible\":\ttrue,\n\t\t\"per_replica_rps\":\t%.17g,\n"
                                  "\t\t\"replicas\":\t%.17g,\n\t\t\"accelerators\":\t%.17g,\n"
                                  "\t\t\"usd_per_hour\":\t%.17g,\n\t\t\"it_mw\":\t%.17g,\n"
                                  "\t\t\"rps_per_mw\":\t%.17g,\n\t\t\"ttft_s\":\t%.17g,\n"
                                  "\t\t\"tbt_s\":\t%.17g\n\t}",
                              c->per_replica_rps, c->replicas, c->accelerators,
                              isfinite(c->usd_per_hour) ? c->usd_per_hour : -1, c->it_mw,
                              o->target_rate / c->it_mw, c->ttft, c->tbt);
        }
        gw_buf_printf(&b, "]\n}\n");
    }
    if (!o->json) {
        char tt[40] = "any", tb[40] = "any";
        if (o->ttft_target > 0)
            snprintf(tt, sizeof tt, "<= %g s", o->ttft_target);
        if (o->tbt_target > 0)
            snprintf(tb, sizeof tb, "<= %g s", o->tbt_target);
        gw_buf_printf(&t, "cheapest configuration for %.4g requests/s of %s (p%g TTFT %s, TBT %s):\n",
                      o->target_rate, base->model.meta.id,
                      100 * (o->quantile > 0 ? o->quantile : 0.9), tt, tb);
        gw_buf_printf(&t, "  %-12s %3s %10s %9s %8s %12s %8s %10s\n", "accelerator", "tp",
                      "req/s/rep", "replicas", "GPUs", "USD/hour", "IT MW", "req/s/MW");
        for (int i = 0; i < nc; i++) {
            const candidate *c = &cs[i];
            if (c->why[0] && !(c->per_replica_rps > 0))
                gw_buf_printf(&t, "  %-12s %3d  %s\n", c->accel, c->tp, c->why);
            else
                gw_buf_printf(&t, "  %-12s %3d %10.3g %9.0f %8.0f %12.0f %8.3f %10.3g\n", c->accel,
                              c->tp, c->per_replica_rps, c->replicas, c->accelerators,
                              c->usd_per_hour, c->it_mw, o->target_rate / c->it_mw);
        }
    }
    free(cs);
    if (b.failed || t.failed) {
        gw_buf_free(&b);
        gw_buf_free(&t);
        gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    return cli_result(o, b.s, t.s);
}

/* sim: the run, then the optional per-request CSV and capacity search. */
static char *run_sim(const gw_scenario *sc, cli_opts *o, gw_error *err)
{
    int json = o->json;
    if (o->cheapest)
        return cheapest(o, sc, err);
    gw_sim_report *r = malloc(sizeof *r);
    if (!r) {
        gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
        return NULL;
    }
    char *out = NULL;
    if (o->capacity && !(o->ttft_target > 0) && !(o->tbt_target > 0)) {
        gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                     "--capacity needs --ttft-target and/or --tbt-target; expected seconds, "
                     "e.g. --ttft-target 2");
        free(r);
        return NULL;
    }
    /* a bar on a terminal (a summary line otherwise) for the run and the
     * capacity search's simulations; Ctrl-C stops either, writing nothing */
    cli_progress pg;
    cli_progress_begin(&pg, o->capacity ? "capacity" : "sim",
                       o->capacity ? "requests simulated" : "requests", o->quiet);
    if (gw_sim_cmd_run(sc, o->requests_csv != NULL, cli_progress_cb, &pg, r, err)) {
        cli_progress_end(&pg, err->code);
        if (!err->file[0] && err->code != GW_E_STOPPED)
            snprintf(err->file, sizeof err->file, "%s", sc->source_file);
        free(r);
        return NULL;
    }
    gw_capacity cap, *capp = NULL;
    int rc = GW_OK;
    if (o->capacity) {
        if (!(o->ttft_target > 0) && !(o->tbt_target > 0))
            rc = gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                              "--capacity needs --ttft-target and/or --tbt-target; expected "
                              "seconds, e.g. --ttft-target 2");
        else if ((rc = gw_sim_capacity(r, o->ttft_target, o->tbt_target,
                                       o->quantile > 0 ? o->quantile : 0.9, 12, &cap, err)) == GW_OK)
            capp = &cap;
    }
    cli_progress_end(&pg, rc);
    if (rc == GW_OK && o->requests_csv) {
        char *csv = gw_sim_requests_csv(r);
        rc = csv ? gw_write_file_atomic(o->requests_csv, csv, strlen(csv), err)
                 : gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
        free(csv);
    }
    if (rc == GW_OK) {
        out = cli_result(o, json || o->html ? gw_sim_json(sc, r, capp) : NULL,
                         json ? NULL : gw_sim_text(sc, r, capp));
        if (!out)
            gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    gw_sim_report_free(r);
    free(r);
    return out;
}

int cmd_sim(int argc, char **argv)
{
    static const char *const allowed[] = {
        "system", "accelerator", "site", "model", "efficiency", "tp", "pp", "ep", "precision",
        "kv-precision", "replicas", "scheduler", "route", "trace", "limit", "max-tokens",
        "requests", "rate", "seed", "kv-tokens", "requests-csv", "capacity", "ttft-target",
        "tbt-target", "quantile", "cheapest", "target-rate", "candidates", "tps", "db", "html",
        NULL};
    return run_model_command(argc, argv, usage_sim, allowed, GW_NEED_SIM, run_sim);
}

int cmd_report(int argc, char **argv)
{
    cli_opts o;
    const char *pos[64] = {NULL};
    int rc = parse_opts(argc, argv, usage_report, NULL, 64, &o, pos);
    if (rc >= 0)
        return rc;
    int n = 0;
    while (n < 64 && pos[n])
        n++;
    if (n == 0)
        return usage_error(usage_report, "%s", "give one or more RESULT.json files");
    if (!o.out)
        return usage_error(usage_report, "%s", "give -o report.html (the report is a file)");
    gw_error err = {0};
    char *html;
    if ((rc = gw_report_html(pos, n, &html, &err)))
        return cli_fail(&err);
    rc = cli_emit(&o, html, &err);
    return rc ? cli_fail(&err) : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error(usage_main, "%s", "no command given");
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0 && argc >= 3) { /* gigawatt help COMMAND */
        char *help_argv[4] = {argv[0], argv[2], (char *)"--help", NULL};
        static const char *const known[] = {"catalog", "rack", "plan", "perf", "sim",
                                            "report",  "risk", "runs"};
        for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
            if (strcmp(argv[2], known[i]) == 0)
                return main(3, help_argv);
        return usage_error(usage_main, "no command '%s' to help with", argv[2]);
    }
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("gigawatt %s\n", GW_VERSION);
        return 0;
    }
    if (strcmp(cmd, "catalog") == 0)
        return cmd_catalog(argc - 1, argv + 1);
    if (strcmp(cmd, "rack") == 0)
        return cmd_rack(argc - 1, argv + 1);
    if (strcmp(cmd, "plan") == 0)
        return cmd_plan(argc - 1, argv + 1);
    if (strcmp(cmd, "perf") == 0)
        return cmd_perf(argc - 1, argv + 1);
    if (strcmp(cmd, "sim") == 0)
        return cmd_sim(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return cmd_report(argc - 1, argv + 1);
    if (strcmp(cmd, "risk") == 0)
        return cmd_risk(argc - 1, argv + 1);
    if (strcmp(cmd, "runs") == 0)
        return cmd_runs(argc - 1, argv + 1);
    static const char *const cmds[] = {"catalog", "rack", "plan", "perf", "sim", "report",
                                       "risk", "runs"};
    const char *sug = gw_suggest(cmd, cmds, 8);
    if (sug) {
        fprintf(stderr, "gigawatt: unknown command '%s'; did you mean '%s'?\n", cmd, sug);
        return 2;
    }
    return usage_error(usage_main, "unknown command '%s'", cmd);
}
