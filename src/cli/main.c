/* src/cli/main.c — `gigawatt <command>` (cli layer): the command table,
 * the one option parser that turns argv into a gw_command_request, and the
 * writing of what gw_command_run produced (stdout or -o, --html,
 * --requests-csv). Every command's work is the library's
 * (src/scenario/command*.c, risk and runs src/scenario/risk_command.c);
 * risk's MPI transport and files are src/cli/risk_cmd.c's. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gigawatt/command.h"
#include "gigawatt/output.h"

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
    "  search [SCENARIO]     serving configuration search: Pareto front, best under targets\n"
    "  runs [--db FILE]      runs kept in a SQLite result store\n"
    "  validate FILE.csv     the perf model against measured serving runs, per row and partition\n"
    "  explore SCENARIO      design-space sweep: Pareto front of the objectives (MPI-aware)\n"
    "  power SCENARIO        a site's power over time, what the grid sees, what smooths it\n"
    "\n"
    "common options:\n"
    "  --json                print one JSON object on stdout\n"
    "  -o FILE               write the output to FILE (whole or not at all)\n"
    "  --html FILE           also write the result's HTML report to FILE (rack, plan, perf,\n"
    "                        sim, risk, power); `gigawatt report` makes one from saved --json\n"
    "                        results\n"
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
    "                     [--engine trtllm|sglang|vllm] [--engine-version V]\n"
    "                     [--attention-dp N] [--expert-precision P] [--eplb true|false]\n"
    "                     [--redundant-experts N]\n"
    "                     [--expert-activation-precision P]\n"
    "                     [--mtp K] [--spec-accept-length X] [--draft-model ID]\n"
    "                     [--memory-fraction X] [--concurrency C] [--length-low X]\n"
    "                     [--max-num-tokens N] [--batch-wait-iters N] [--batch-wait-ratio X]\n"
    "                     [--recv-interval N] [--cuda-graphs decode|piecewise]\n"
    "                     [--output-tokens-cv X] [--kv-policy reserve|on-demand]\n"
    "                     [--prefill-tp|-pp|-attention-dp|-ep|-workers N]\n"
    "                     [--decode-tp|-pp|-attention-dp|-ep|-workers N]\n"
    "                     [--kv-link-bandwidth BYTES/S] [--kv-handover SECONDS]\n"
    "       gigawatt perf [SCENARIO] --train --model ID --accelerator ID --count N --tokens N\n"
    "                     [--tp N] [--pp N] [--mfu X] [--seq-len N] [--global-batch TOKENS]\n"
    "                     [--micro-batch N] [--virtual-stages N] [--precision P]\n"
    "                     [--json] [-o FILE] [--html FILE] [--set K=V]\n"
    "Inference: memory, prefill and decode step times, the best throughput with and without\n"
    "TTFT/TPOT targets, tokens/s per GPU and per MW, joules per token, USD per million tokens.\n"
    "Training (--train): time, GPU-hours, energy and cost for N tokens; MFU given or predicted.\n"
    "With --train, --count/--tp/--pp/--precision describe the training job.\n"
    "Serving (docs/commands.md): --engine picks the efficiency stack; --concurrency C runs a\n"
    "closed loop of C requests; --prefill-*/--decode-* (workers required) disaggregate. Both\n"
    "print TTFT, TPOT, tokens/s per user and tokens/s per GPU in its three definitions.\n"
    "\n"
    "examples:\n"
    "  gigawatt perf --model llama-3.3-70b --accelerator h100-sxm --count 2 --tp 2 \\\n"
    "                --input-tokens 1000 --output-tokens 1000\n"
    "  gigawatt perf --model llama-2-70b --accelerator h100-sxm --count 8 --tp 2 \\\n"
    "                --input-tokens 294 --output-tokens 290 --ttft-slo 2 --tpot-slo 0.2\n"
    "  gigawatt perf --model deepseek-r1 --accelerator b200 --count 8 --ep 8 --attention-dp 8 \\\n"
    "                --precision fp4 --input-tokens 1000 --output-tokens 1000 --concurrency 256\n"
    "  gigawatt perf --model deepseek-r1 --accelerator b200 --precision fp4 --input-tokens 1000 \\\n"
    "                --output-tokens 1000 --prefill-tp 8 --prefill-workers 1 --decode-tp 8 \\\n"
    "                --decode-ep 8 --decode-workers 2\n"
    "  gigawatt perf --train --model llama-3.1-405b --accelerator h100-sxm --count 16384 \\\n"
    "                --tp 8 --pp 16 --tokens 15.6e12\n";

static const char usage_sim[] =
    "usage: gigawatt sim [SCENARIO] --model ID --accelerator ID [--tp N --pp N --precision P]\n"
    "                    [--ep N] [--engine trtllm|sglang|vllm] [--attention-dp N]\n"
    "                    [--replicas N] [--scheduler vllm|sarathi]\n"
    "                    [--route round-robin|least-outstanding|kv-aware]\n"
    "                    (--trace FILE [--limit N] [--max-tokens N] | --requests N --rate R)\n"
    "                    [--seed N] [--requests-csv FILE]\n"
    "                    [--capacity [--ttft-target S] [--tbt-target S] [--quantile Q]]\n"
    "                    [--cheapest --target-rate R --ttft-target S [--tbt-target S]\n"
    "                     [--candidates ACC1,ACC2,...] [--tps 1,2,4,8]]\n"
    "                    [--json] [-o FILE] [--html FILE] [--db FILE] [--set K=V] [--quiet]\n"
    "Iteration-level simulation of LLM serving replicas: continuous batching with paged KV\n"
    "blocks (vLLM prefill-first or Sarathi chunked prefill), each iteration timed by the perf\n"
    "model; TTFT, TPOT, TBT, E2E percentiles, throughput, KV use, energy. --capacity finds\n"
    "the highest arrival rate meeting the latency targets at quantile Q, any in (0, 1)\n"
    "(default 0.9), by bisection over simulations;\n"
    "--cheapest sizes every (accelerator, tp) candidate for --target-rate requests/s and\n"
    "ranks them by cost per hour.\n"
    "Traces use Vidur's CSV columns: arrived_at, num_prefill_tokens, num_decode_tokens.\n"
    "A scenario with a fleet: section runs the request-level fleet simulator instead\n"
    "(docs/fleet.md); --requests-csv FILE then writes its hourly series and --db FILE\n"
    "appends the run to a SQLite result store. It takes only those, --html and --set;\n"
    "the replica options are refused there, as --db is on a replica scenario.\n"
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

static const char usage_validate[] =
    "usage: gigawatt validate MEASURED.csv [--settings SETTINGS.csv] [--replay] [--json]\n"
    "                         [-o FILE] [--catalog DIR]\n"
    "Predicts TTFT and TPOT for every row of a CSV of measured serving runs (the columns of\n"
    "silicon-sample.csv, by header name, in any order) and compares: per row (id, predicted\n"
    "and measured TTFT and TPOT in ms, error %), per partition (model x system x engine x\n"
    "mode: rows, median |error|, MAPE, signed median) and per group (all, agg, disagg, MoE,\n"
    "dense). A row it cannot predict (unknown model or system, a missing or non-numeric value,\n"
    "a parallelism that does not divide, a model that does not fit) is listed with its reason\n"
    "as file:line:col. The mapping of each column: docs/validate.md.\n"
    "--settings adds, by row id, what the measurement log does not record (e.g. spec_tokens,\n"
    "the draft tokens per step of speculative decoding): a CSV of id and the columns it adds.\n"
    "--replay predicts each row by replaying its benchmark through the replica simulator\n"
    "(every request, the engine's scheduler, attention-DP ranks in lock-step) instead of the\n"
    "closed form: milliseconds a row instead of microseconds.\n"
    "\n"
    "examples:\n"
    "  gigawatt validate data/perf/silicon-sample.csv --settings data/perf/silicon-settings.csv\n"
    "  gigawatt validate my-benchmarks.csv --json -o validate.json\n";

static const char usage_catalog[] =
    "usage: gigawatt catalog [ID] [--json] [--catalog DIR]\n"
    "Lists catalog entries by kind, or shows one entry with every value's source.\n"
    "\n"
    "examples:\n"
    "  gigawatt catalog\n"
    "  gigawatt catalog gb200-nvl72\n"
    "  gigawatt catalog llama-3.3-70b --json\n";

static const char usage_risk[] =
    "usage: gigawatt risk SCENARIO [--draws N] [--seed N] [--threads N] [--db FILE]\n"
    "                     [--json] [-o FILE] [--html FILE] [--set K=V] [--quiet]\n"
    "       gigawatt risk --resume RUN [SCENARIO] [--db FILE] [--threads N] [--json] [-o FILE]\n"
    "                     [--html FILE]\n"
    "       mpirun -np K gigawatt risk SCENARIO ...\n"
    "Monte Carlo of the build-out timeline over the scenario's uncertain inputs ({dist: ...}\n"
    "values and the risk: section): P5/P50/P95 per quarter of capacity, demand, shortfall,\n"
    "idle capacity, rental spend and cash; the expected cost of building too little versus\n"
    "too much; the build level with the least expected cost; the inputs that matter most.\n"
    "Every draw goes to a SQLite store (--db, default gigawatt.db next to -o FILE or here) as\n"
    "it finishes; after Ctrl-C or a crash --resume RUN continues the run (`gigawatt runs`\n"
    "lists them). The result is the same for any --threads and any number of MPI ranks.\n"
    "--html FILE also writes the result as a self-contained HTML report (fan charts,\n"
    "histograms of the cost of too little and too much, tornado; docs/report.md).\n"
    "\n"
    "examples:\n"
    "  gigawatt risk scenarios/frontier-lab-30gw.yaml\n"
    "  gigawatt risk scenarios/frontier-lab-30gw.yaml --draws 100000 --json -o risk.json\n"
    "  gigawatt risk scenarios/frontier-lab-30gw.yaml --draws 20000 --html risk.html\n"
    "  mpirun -np 2 gigawatt risk scenarios/frontier-lab-30gw.yaml --draws 100000\n";

static const char usage_runs[] =
    "usage: gigawatt runs [--db FILE] [--delete RUN] [--vacuum] [--json]\n"
    "Lists the runs in a SQLite result store (default gigawatt.db): id, kind, start, draws\n"
    "done, finished or stopped (a stopped risk run continues with gigawatt risk --resume ID);\n"
    "--json adds each run's command, scenario path and SHA-256. --delete RUN removes a run,\n"
    "--vacuum gives the space of deleted runs back to the disk (the store only grows until\n"
    "then: a 100,000-draw risk run adds about 50 MB).\n"
    "\n"
    "examples:\n"
    "  gigawatt runs --db runs.db --json\n"
    "  gigawatt runs --delete 3 --vacuum\n";

static const char usage_search[] =
    "usage: gigawatt search [SCENARIO] --model ID (--system ID | --accelerator ID) [--count N]\n"
    "                       --input-tokens N --output-tokens N [--ttft-slo S] [--tpot-slo S]\n"
    "                       [--precision P] [--kv-precision P] [--engine E] [--mtp K]\n"
    "                       [--expert-precision P] [--expert-activation-precision P]\n"
    "                       [--eplb true|false] [--redundant-experts N] [--length-low X]\n"
    "                       [--max-num-tokens N] [--batch-wait-iters N] [--batch-wait-ratio X]\n"
    "                       [--recv-interval N] [--cuda-graphs decode|piecewise]\n"
    "                       [--output-tokens-cv X] [--kv-policy reserve|on-demand]\n"
    "                       [--mode agg|disagg|both] [--metric io|out|decode] [--csv]\n"
    "                       [--json] [-o FILE] [--html FILE] [--set K=V]\n"
    "Serving configuration search: aggregated and disaggregated deployments, TP x attention-DP\n"
    "(EP = their product for MoE) per role, the prefill:decode worker ratio, client\n"
    "concurrency and MTP draft tokens, each priced once by the serving model. Prints the Pareto\n"
    "front of tokens/s per GPU against tokens/s per user and the best deployment under the\n"
    "TTFT/TPOT targets; --csv prints the front as CSV, --html draws it (docs/search.md).\n"
    "--count is the GPU budget (default: the system's accelerators); --mtp K the most MTP\n"
    "draft tokens tried (default 3 with an MTP head); the scenario's search: section also\n"
    "takes domain (the scale-up domain).\n"
    "\n"
    "examples:\n"
    "  gigawatt search --model deepseek-r1 --system gb200-nvl72 \\\n"
    "                  --input-tokens 1000 --output-tokens 1000 --ttft-slo 2 --tpot-slo 0.02\n"
    "  gigawatt search --model llama-3.3-70b --system dgx-h100 --input-tokens 1000 \\\n"
    "                  --output-tokens 200 --mode agg --csv -o front.csv\n";

static const char usage_explore[] =
    "usage: gigawatt explore SCENARIO [--vary KEY=A,B,C | --vary KEY=LOW:HIGH:STEPS]...\n"
    "                        [--design grid|random|lhs] [--points N] [--seed S] [--threads N]\n"
    "                        [--db FILE [--resume RUN]] [--json] [-o FILE] [--csv FILE]\n"
    "                        [--html FILE] [--set K=V] [--quiet]\n"
    "       mpirun -np K gigawatt explore SCENARIO ...\n"
    "Design-space exploration: any scenario fields (the KEY of --set) varied over a grid, a\n"
    "random or a Latin-hypercube design; each point runs perf at the scenario's latency\n"
    "targets, the rack and the plan, and is judged by the objectives (result fields, max or\n"
    "min) and constraints of the scenario's explore: section. Prints the best point per\n"
    "objective, the Pareto front and how much each field moves each objective; --json has\n"
    "every point, --csv FILE gets every point and result field. --db FILE keeps the points\n"
    "in a SQLite store as they finish; after Ctrl-C --resume RUN --db FILE continues. The\n"
    "result is the same for any --threads and any number of MPI ranks (docs/explore.md).\n"
    "\n"
    "examples:\n"
    "  gigawatt explore scenarios/explore-example.yaml\n"
    "  gigawatt explore scenarios/explore-example.yaml --vary operation.load=0.5:1:6 --json\n"
    "  gigawatt explore scenarios/explore-example.yaml --design lhs --points 10000 \\\n"
    "                   --vary 'perf.tpot_slo=20 ms:100 ms' --html explore.html\n";
static const char usage_power[] =
    "usage: gigawatt power SCENARIO [--window T] [--resolution T] [--battery-power P]\n"
    "                      [--battery-energy E] [--csv FILE] [--html FILE] [--json] [-o FILE]\n"
    "                      [--set K=V]\n"
    "A site's power second by second from what runs on it (training jobs' compute and\n"
    "communication phases from the perf model, checkpoints, failures, inference, cooling and\n"
    "power-chain lags), with and without the mitigations of the scenario's power: section\n"
    "(GPU floor, smoothing, ramp limit, power cap, rack storage, site battery, on-site\n"
    "generation): peak, mean, the largest ramps within 1 s, 1 min and 10 min, the spectrum,\n"
    "the largest load loss, every violation of the grid's limits, and the least site battery\n"
    "(and GPU floor) that meets them (docs/power.md). --battery-power/--battery-energy set\n"
    "the site battery for a run (to re-check a sizing); --csv FILE writes the series;\n"
    "--html FILE the report page.\n"
    "\n"
    "examples:\n"
    "  gigawatt power scenarios/training-campus-1gw.yaml\n"
    "  gigawatt power scenarios/training-campus-1gw.yaml --window 10min --csv series.csv\n"
    "  gigawatt power scenarios/training-campus-1gw.yaml --battery-power '400 MW' \\\n"
    "                 --battery-energy '60 MWh' --json\n";

typedef struct cli_command {
    const char *name, *usage;
    int max_positional;
    int scenario; /* the positional is the scenario; outputs are checked before the run */
    const char *see;      /* the help a usage error points at */
    int par;              /* risk: over MPI, into a result store, resumable */
    const char *only; /* runs: refuses all flags but its own, --json, -o and --help */
} cli_command;

#define COMMAND(n, u, npos, sc) {.name = n, .usage = u, .max_positional = npos, .scenario = sc, \
                                 .see = "gigawatt --help"}
static const cli_command commands[] = {
    COMMAND("catalog", usage_catalog, 1, 0), COMMAND("rack", usage_rack, 1, 1),
    COMMAND("plan", usage_plan, 1, 1),       COMMAND("perf", usage_perf, 1, 1),
    COMMAND("sim", usage_sim, 1, 1),         COMMAND("report", usage_report, 64, 0),
    {.name = "risk", .usage = usage_risk, .max_positional = 1, .scenario = 1,
     .see = "gigawatt risk --help", .par = 1},
    {.name = "runs", .usage = usage_runs, .see = "gigawatt runs --help",
     .only = "runs takes --db, --delete, --vacuum, --json and -o only; not"},
    COMMAND("validate", usage_validate, 1, 0),
    COMMAND("search", usage_search, 1, 1),
    {.name = "explore", .usage = usage_explore, .max_positional = 1, .scenario = 1,
     .see = "gigawatt explore --help", .par = 1},
    COMMAND("power", usage_power, 1, 1),
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* One line, like every other error; the usage text is behind --help. */
static int usage_error_see(const char *see, const char *fmt, const char *arg)
{
    fprintf(stderr, "gigawatt: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "; see %s\n", see);
    return 2;
}

static int usage_error(const char *fmt, const char *arg)
{
    return usage_error_see("gigawatt --help", fmt, arg);
}

/* argv as a request, and what the CLI itself does with it. */
typedef struct cli_request {
    gw_command_request req;
    const cli_command *cmd;
    gw_command_option *options; /* argc + 2 of them at most */
    const char *positional[64];
    int quiet;
    int rank; /* an MPI rank other than 0 prints nothing */
    const char *out, *html, *requests_csv, *db; /* files the CLI writes or checks */
    char db_default[1024]; /* risk's, when not given */
} cli_request;

/* A usage error of r's command, on rank 0 only. */
static int request_usage_error(const cli_request *r, const char *fmt, const char *arg)
{
    return r->rank == 0 ? usage_error_see(r->cmd->see, fmt, arg) : 2;
}

/* An error, on rank 0 only; the exit code. */
static int request_fail(const cli_request *r, const gw_error *err)
{
    return r->rank == 0 ? cli_fail(err) : cli_exit_code(err->code);
}

enum { OPT_JSON = 256, OPT_QUIET, OPT_CATALOG, OPT_SET, OPT_HELP, OPT_LIBRARY };

/* getopt's table: the options of every command, then the command's own
 * (gw_command_options), coded OPT_LIBRARY + their index. */
static struct option *long_options(const char *command, const char *const *names)
{
    size_t n = 0;
    while (names[n])
        n++;
    struct option *lo = calloc(n + 7, sizeof *lo);
    if (!lo)
        return NULL;
    lo[0] = (struct option){"json", no_argument, NULL, OPT_JSON};
    lo[1] = (struct option){"quiet", no_argument, NULL, OPT_QUIET};
    lo[2] = (struct option){"catalog", required_argument, NULL, OPT_CATALOG};
    lo[3] = (struct option){"set", required_argument, NULL, OPT_SET};
    lo[4] = (struct option){"help", no_argument, NULL, OPT_HELP};
    lo[5] = (struct option){"output", required_argument, NULL, 'o'};
    for (size_t i = 0; i < n; i++)
        lo[6 + i] = (struct option){names[i],
                                    gw_command_option_takes_value_in(command, names[i]) > 0
                                        ? required_argument
                                        : no_argument,
                                    NULL, OPT_LIBRARY + (int)i};
    return lo;
}

/* An option for the library; the files among them the CLI writes. */
static void add_option(cli_request *r, const char *name, const char *value)
{
    r->options[r->req.noptions++] = (gw_command_option){name, value};
    if (strcmp(name, "html") == 0)
        r->html = value;
    else if (strcmp(name, "requests-csv") == 0 || (strcmp(name, "csv") == 0 && value))
        r->requests_csv = value; /* sim's, and explore's and power's --csv FILE: out->csv goes there */
    else if (strcmp(name, "db") == 0)
        r->db = value;
}

/* The options read so far are checked where the reading stops (at --help,
 * an unknown option, the operands), so the first error on the line is the
 * one reported, as when every flag was checked as it was read. -1: good,
 * else the exit code of the error printed. */
static int options_so_far(const cli_request *r)
{
    gw_error err = {0};
    return gw_command_check_options(&r->req, &err) ? request_fail(r, &err) : -1;
}

/* --train changes where --count/--tp/--pp go wherever it stands, so it is
 * taken first; only as written in full, as it always was. */
static void take_train_first(const char *const *names, int argc, char **argv, cli_request *r)
{
    int train_ok = 0;
    for (size_t i = 0; names[i]; i++)
        train_ok |= strcmp(names[i], "train") == 0;
    for (int i = 1; train_ok && i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--train") == 0) {
            add_option(r, "train", NULL);
            return;
        }
}

/* The operands: the scenario, catalog's ID, report's files. */
static int take_operands(const cli_command *c, int argc, char **argv, cli_request *r)
{
    int npos = 0;
    /* glibc's getopt_long moves operands after the options, so a scenario
     * may come before or after the flags. */
    while (optind < argc) {
        if (npos >= c->max_positional)
            return request_usage_error(r, "unexpected argument '%s'", argv[optind]);
        r->positional[npos++] = argv[optind++];
    }
    if (c->scenario)
        r->req.scenario_path = r->positional[0];
    else
        r->req.positional = r->positional, r->req.npositional = npos;
    return -1;
}

/* runs takes only its own flags, --json, -o and --help. */
static int takes_flag(const cli_command *c, const char *const *names, int opt)
{
    if (!c->only || opt == OPT_JSON || opt == OPT_HELP || opt == 'h' || opt == 'o')
        return 1;
    for (const char *const *own = gw_command_options(c->name); opt >= OPT_LIBRARY && *own; own++)
        if (strcmp(*own, names[opt - OPT_LIBRARY]) == 0)
            return 1;
    return 0;
}

/* A flag runs does not take, named as written (not the value getopt took
 * with it); `li` is getopt's index into `lo`, or -1. */
static int refuse_flag(const cli_request *r, const struct option *lo, int opt, int li, char **argv)
{
    char name[64], text[160];
    if (opt == 'o')
        snprintf(name, sizeof name, "-o");
    else if (li >= 0 && lo[li].val == opt)
        snprintf(name, sizeof name, "--%s", lo[li].name);
    else
        snprintf(name, sizeof name, "%s", argv[optind - 1]);
    snprintf(text, sizeof text, "%s '%s'", r->cmd->only, name);
    return request_usage_error(r, "%s", text);
}

/* An option the command does not know, with the one it likely meant
 * (gw_suggest over its own options and the common ones). */
static int unknown_option(const cli_request *r, const char *given)
{
    static const char *const common[] = {"json", "quiet", "catalog", "set", "help", "output"};
    const char *cands[160];
    size_t n = 0;
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
        cands[n++] = common[i];
    for (const char *const *o = gw_command_options(r->cmd->name); *o && n < 160; o++)
        cands[n++] = *o;
    char name[64];
    snprintf(name, sizeof name, "%s", given + strspn(given, "-"));
    name[strcspn(name, "=")] = 0;
    const char *sug = strncmp(given, "--", 2) == 0 ? gw_suggest(name, cands, n) : NULL;
    char text[200];
    if (sug && strcmp(sug, name) == 0) /* known: getopt found it without its value */
        snprintf(text, sizeof text, "option '--%s' for %s is missing its value; expected "
                 "--%s VALUE (see gigawatt %s --help)", name, r->cmd->name, name, r->cmd->name);
    else if (sug)
        snprintf(text, sizeof text, "unknown option '%.60s' for %s; did you mean '--%s'?", given,
                 r->cmd->name, sug);
    else
        snprintf(text, sizeof text, "unknown or incomplete option '%.60s'", given);
    if (sug && r->rank == 0) /* the expectation is in the line: no "see" */
        fprintf(stderr, "gigawatt: %s\n", text);
    return sug ? 2 : request_usage_error(r, "%s", text);
}

/* getopt_long takes a unique prefix of a long option for the option
 * (`--mode` for `--model` where a command has no --mode): the token the
 * user typed for the option just parsed, when it is such an abbreviation
 * (NULL when it names the option whole). A flag is taken only as written. */
static const char *abbreviated(const struct option *o, char **argv)
{
    int separate = o->has_arg == required_argument && optarg && optind >= 2 &&
                   optarg == argv[optind - 1];
    const char *token = argv[optind - 1 - separate];
    if (strncmp(token, "--", 2) != 0)
        return NULL;
    size_t n = strcspn(token + 2, "=");
    return n == strlen(o->name) && strncmp(token + 2, o->name, n) == 0 ? NULL : token;
}

/* Returns -1 when the command should go on, else the exit code. */
static int parse_options(const cli_command *c, int argc, char **argv, cli_request *r)
{
    const char *const *names = gw_command_options(c->name);
    struct option *lo = long_options(c->name, names);
    if (!lo || !(r->options = calloc((size_t)argc + 2, sizeof *r->options))) {
        free(lo);
        fprintf(stderr, "gigawatt: out of memory\n");
        return 1;
    }
    r->req.options = r->options;
    take_train_first(names, argc, argv, r);
    opterr = 0;
    optind = 1;
    int opt, code = -1, li = -1;
    while (code < 0 && (opt = getopt_long(argc, argv, "o:h", lo, &li)) != -1) {
        const char *abbrev = li >= 0 ? abbreviated(&lo[li], argv) : NULL;
        if (abbrev) {
            if ((code = options_so_far(r)) < 0)
                code = unknown_option(r, abbrev);
            break;
        }
        if (!takes_flag(c, names, opt)) {
            code = refuse_flag(r, lo, opt, li, argv);
            break;
        }
        li = -1;
        switch (opt) {
        case OPT_JSON: r->req.want_json = 1; break;
        case OPT_QUIET: r->quiet = 1; break;
        case OPT_CATALOG: r->req.catalog_dir = optarg; break;
        case OPT_SET: add_option(r, "set", optarg); break; /* in place among the flags */
        case 'o': r->out = optarg; break;
        case 'h':
        case OPT_HELP:
            if ((code = options_so_far(r)) < 0)
                code = r->rank == 0 ? fputs(c->usage, stdout), 0 : 0;
            break;
        case '?':
            if ((code = options_so_far(r)) < 0)
                code = unknown_option(r, argv[optind - 1]);
            break;
        default:
            if (strcmp(names[opt - OPT_LIBRARY], "train") != 0) /* taken first */
                add_option(r, names[opt - OPT_LIBRARY], optarg);
            break;
        }
    }
    free(lo);
    if (code < 0 && (code = options_so_far(r)) < 0)
        code = take_operands(c, argc, argv, r);
    r->req.want_text = !r->req.want_json;
    return code;
}

/* Progress on stderr, labelled by the library as a long run starts. */
typedef struct cli_run {
    cli_progress pg;
    int begun, quiet;
} cli_run;

static void run_phase(void *user, const char *what, const char *unit)
{
    cli_run *run = user;
    cli_progress_begin(&run->pg, what, unit, run->quiet);
    run->begun = 1;
}

static int run_progress(void *user, double done, double total, double items)
{
    return cli_progress_cb(&((cli_run *)user)->pg, done, total, items);
}

/* What the run produced, in order: the per-request or hourly CSV, the
 * --html report (so an unwritable path leaves no later output), then the
 * result to -o or stdout. */
static int write_output(const cli_request *r, gw_command_output *out, gw_error *err)
{
    int rc = GW_OK;
    if (r->requests_csv && out->csv)
        rc = gw_write_file_atomic(r->requests_csv, out->csv, strlen(out->csv), err);
    if (rc == GW_OK && r->html && out->html)
        rc = gw_write_file_atomic(r->html, out->html, strlen(out->html), err);
    if (rc == GW_OK) {
        char **text = strcmp(r->req.command, "report") == 0 ? &out->html
                      : r->req.want_json                    ? &out->json
                                                            : &out->text;
        rc = cli_write_result(r->out, *text, err); /* frees it */
        *text = NULL;
    }
    return rc;
}

/* risk: the result store (--db, else beside -o FILE or here). */
static void add_risk_options(cli_request *r)
{
    if (!r->db) {
        cli_default_db(r->out, r->db_default, sizeof r->db_default);
        add_option(r, "db", r->db_default);
    }
}

/* Before a run that may be long: every output path can be written (rank 0
 * writes them; every rank hears whether they can). */
static int check_outputs(const cli_request *r, const cli_par *par, gw_error *err)
{
    int rc = r->rank == 0 ? cli_check_paths(r->out, r->html, r->requests_csv, r->db, err) : GW_OK;
    return par ? par->t.agree(par->t.user, rc) : rc;
}

/* The result store this command may write: risk's (--db or its default),
 * sim's --db, the one runs prunes; NULL for the rest. */
static const char *store_written(const cli_command *c, const cli_request *r)
{
    if (strcmp(c->name, "risk") == 0)
        return r->db ? r->db : r->db_default;
    if (strcmp(c->name, "sim") == 0 || strcmp(c->name, "explore") == 0)
        return r->db;
    if (strcmp(c->name, "runs") == 0)
        return r->db ? r->db : "gigawatt.db";
    return NULL;
}

/* Checks that need no run, then the run, then its outputs (rank 0). */
static int run_command(const cli_command *c, cli_request *r, const cli_par *par)
{
    gw_error err = {0};
    gw_command_output out = {0};
    cli_run run = {.quiet = r->quiet || r->rank != 0};
    int rc = gw_command_check(&r->req, &err);
    if (rc == GW_OK && par && cli_par_foreign(par))
        return 2;
    if (rc == GW_OK && strcmp(c->name, "report") == 0 && !r->out)
        return usage_error("%s", "give -o report.html (the report is a file)");
    if (rc == GW_OK && c->scenario)
        rc = check_outputs(r, par, &err);
    cli_store store;
    cli_store_mark(&store, store_written(c, r));
    if (rc == GW_OK) {
        r->req.progress = run_progress;
        r->req.progress_user = &run;
        r->req.progress_phase = run_phase;
        rc = gw_command_run(&r->req, &out, &err);
        if (run.begun)
            cli_progress_end(&run.pg, rc);
    }
    if ((rc == GW_OK || rc == GW_E_STOPPED) && !run.quiet)
        cli_store_report(&store);
    if (rc == GW_E_STOPPED && c->par && (r->db || strcmp(c->name, "risk") == 0))
        cli_resume_outputs(r->req.want_json, r->out, r->html, &err); /* explore: with --db */
    if (rc == GW_OK && r->rank == 0)
        rc = write_output(r, &out, &err);
    gw_command_output_free(&out);
    if (rc && !err.msg[0]) /* the failure was another MPI rank's */
        gw_error_set(&err, rc, NULL, 0, 0, "%s on another MPI rank", gw_strerror(rc));
    return rc ? request_fail(r, &err) : 0;
}

/* risk starts the MPI transport (under a launcher) before reading argv,
 * which MPI may rewrite. */
static int library_command(const cli_command *c, int argc, char **argv)
{
    cli_par par;
    int rank = c->par ? cli_par_start(&par, &argc, &argv) : 0;
    cli_request r = {.req = {.command = c->name, .par = c->par ? &par.t : NULL},
                     .cmd = c, .rank = rank};
    int rc = parse_options(c, argc, argv, &r);
    if (rc < 0 && c->par && strcmp(c->name, "risk") == 0)
        add_risk_options(&r);
    if (rc < 0)
        rc = run_command(c, &r, c->par ? &par : NULL);
    free(r.options);
    if (c->par)
        cli_par_end(&par);
    return rc;
}

static int dispatch(const char *cmd, int argc, char **argv)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(cmd, commands[i].name) == 0)
            return library_command(&commands[i], argc, argv);
    const char *const *names = gw_command_names();
    size_t n = 0;
    while (names[n])
        n++;
    const char *sug = gw_suggest(cmd, names, n);
    if (sug) {
        fprintf(stderr, "gigawatt: unknown command '%s'; did you mean '%s'?\n", cmd, sug);
        return 2;
    }
    return usage_error("unknown command '%s'", cmd);
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("%s", "no command given");
    const char *cmd = argv[1];
    if (strcmp(cmd, "help") == 0 && argc >= 3) { /* gigawatt help COMMAND */
        char *help_argv[4] = {argv[0], argv[2], (char *)"--help", NULL};
        for (const char *const *n = gw_command_names(); *n; n++)
            if (strcmp(argv[2], *n) == 0)
                return main(3, help_argv);
        return usage_error("no command '%s' to help with", argv[2]);
    }
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("gigawatt %s\n", GW_VERSION);
        return 0;
    }
    return dispatch(cmd, argc - 1, argv + 1);
}
