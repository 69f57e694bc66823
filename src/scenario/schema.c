/* src/scenario/schema.c — the schema of every scenario section that is not a
 * catalog kind (scenario layer): perf:, training:, sim:, fleet: with its
 * sites, deployments and events, and tenants:. The catalog kinds'
 * tables (accelerator, system, site ...) stay in src/catalog/kinds.c, which
 * a scenario's overrides reuse; these sections exist only in scenarios, so
 * their keys live here, with the rest of the input language, and the
 * catalog layer does not reach up into scenario.h for their structs. */
#include <stddef.h>

#include "gigawatt/scenario.h"

#define Q GW_FIELD_QTY
#define ID GW_FIELD_ID
#define EN GW_FIELD_ENUM
#define TX GW_FIELD_TEXT
#define NODE GW_FIELD_NODE
#define SCHEMA(var, plural, one, T, table)                                                        \
    const gw_schema var = {.kind = (plural), .singular = (one), .fields = (table),                \
                           .nfields = sizeof table / sizeof table[0], .size = sizeof(T)}

enum { R = GW_F_REQUIRED, POS = GW_F_POSITIVE, NN = GW_F_NONNEG, FR = GW_F_FRACTION,
       INT = GW_F_INTEGER, EFF = GW_F_OPEN_UNIT };

/* Scenario-only sections (not catalog kinds): the settings of `perf:` and
 * `training:`. Defaults are applied by the perf command (docs/model.md §7-§8). */
static const gw_field perf_settings_fields[] = {
    Q("count", gw_perf_settings, count, GW_DIM_NONE, POS | INT,
      "accelerators in all (default: one replica, tp x pp)"),
    Q("tp", gw_perf_settings, tp, GW_DIM_NONE, POS | INT, "tensor parallelism (default 1)"),
    Q("pp", gw_perf_settings, pp, GW_DIM_NONE, POS | INT, "pipeline parallelism (default 1)"),
    Q("ep", gw_perf_settings, ep, GW_DIM_NONE, POS | INT, "expert parallelism (default 1)"),
    EN("precision", gw_perf_settings, precision, "bf16|fp8|fp4", 0,
       "weights and GEMMs (default fp8 where the accelerator has it, else bf16)"),
    EN("kv_precision", gw_perf_settings, kv_precision, "bf16|fp8|fp4", 0,
       "KV cache (default fp8 unless precision is bf16)"),
    Q("input_tokens", gw_perf_settings, input_tokens, GW_DIM_NONE, R | POS | INT,
      "prompt tokens per request"),
    Q("output_tokens", gw_perf_settings, output_tokens, GW_DIM_NONE, R | POS | INT,
      "generated tokens per request"),
    Q("ttft_slo", gw_perf_settings, ttft_slo_s, GW_DIM_TIME, POS, "time-to-first-token target"),
    Q("tpot_slo", gw_perf_settings, tpot_slo_s, GW_DIM_TIME, POS, "time-per-output-token target"),
    Q("max_batch", gw_perf_settings, max_batch, GW_DIM_NONE, POS | INT,
      "cap on running sequences per replica"),
    /* frontier serving (issue 13): all unset = the model as before */
    EN("engine", gw_perf_settings, engine, "trtllm|sglang|vllm", 0,
       "serving engine: picks the efficiency stack for the accelerator's generation"),
    TX("engine_version", gw_perf_settings, engine_version,
       "engine version of the stack (default: the catalog's newest)"),
    Q("attention_dp", gw_perf_settings, attention_dp, GW_DIM_NONE, POS | INT,
      "attention data-parallel ranks per worker (DEP: tp 1, attention_dp = ep; default 1)"),
    EN("expert_precision", gw_perf_settings, expert_precision, "bf16|fp8|fp4", 0,
       "routed experts' weights (default: precision)"),
    EN("expert_activation_precision", gw_perf_settings, expert_activation_precision,
       "bf16|fp8|fp4", 0,
       "routed experts' matmul inputs: 4-bit experts upcast by W4A8 (fp8: Blackwell's MXFP4 x "
       "MXFP8) or W4A16 kernels (bf16: Hopper's Marlin, Triton); default: the experts' weights"),
    EN("eplb", gw_perf_settings, eplb, "true|false", 0,
       "expert-load balancing with redundant experts (default false)"),
    Q("redundant_experts", gw_perf_settings, redundant_experts, GW_DIM_NONE, NN | INT,
      "expert slots beyond the model's experts, spread over the ep GPUs (SGLang "
      "--ep-num-redundant-experts; default 0, or EPLB's one a GPU)"),
    Q("mtp", gw_perf_settings, mtp, GW_DIM_NONE, NN | INT,
      "speculative decoding: draft tokens per step (default 0 = off)"),
    Q("spec_accept_length", gw_perf_settings, spec_accept_length, GW_DIM_NONE, POS,
      "mean tokens per verify step, 1..mtp+1 (default: the model's measured)"),
    ID("draft_model", gw_perf_settings, draft_model, "models", 0,
       "draft model id for speculative decoding (default: the model's MTP head)"),
    Q("memory_fraction", gw_perf_settings, memory_fraction, GW_DIM_NONE, EFF,
      "share of HBM the engine may use (default: the stack's)"),
    Q("max_num_tokens", gw_perf_settings, max_num_tokens, GW_DIM_NONE, POS | INT,
      "the engine's token budget per iteration (TensorRT-LLM max_num_tokens; default: the "
      "stack's chunk_tokens)"),
    Q("batch_wait_iters", gw_perf_settings, batch_wait_iters, GW_DIM_NONE, POS | INT,
      "TensorRT-LLM batch waiting: iterations a prompt may be held while others decode "
      "(batch_wait_timeout_iters; default off)"),
    Q("batch_wait_ratio", gw_perf_settings, batch_wait_ratio, GW_DIM_NONE, EFF,
      "TensorRT-LLM batch waiting: release once an iteration's tokens reach this share of "
      "the budget (batch_wait_max_tokens_ratio; default off)"),
    Q("recv_interval", gw_perf_settings, recv_interval, GW_DIM_NONE, POS | INT,
      "SGLang: decode iterations between request polls (--scheduler-recv-interval; default "
      "1, every iteration)"),
    EN("cuda_graphs", gw_perf_settings, cuda_graphs, "decode|piecewise", 0,
       "steps CUDA graphs capture: decode-only ones (TensorRT-LLM's default) or, piecewise, "
       "also those that mix prompts with decodes (TensorRT-LLM enable_piecewise_cuda_graph; "
       "default decode)"),
    Q("concurrency", gw_perf_settings, concurrency, GW_DIM_NONE, POS | INT,
      "closed loop: client requests in flight (default: none, the steady state)"),
    Q("length_low", gw_perf_settings, length_low, GW_DIM_NONE, EFF,
      "closed loop: lengths drawn in [low x nominal, nominal] (InferenceX 0.8; default 1)"),
    Q("output_tokens_cv", gw_perf_settings, output_tokens_cv, GW_DIM_NONE, NN,
      "outputs spread around output_tokens (their mean) with this standard deviation / mean, "
      "a dataset's: MLPerf DeepSeek-R1 1.25 (default 0, fixed lengths; at most 10)"),
    EN("kv_policy", gw_perf_settings, kv_policy, "reserve|on-demand", 0,
       "a sequence's KV blocks: reserved for input + output at admission (TensorRT-LLM "
       "GUARANTEED_NO_EVICT) or taken as needed (MAX_UTILIZATION, vLLM, SGLang; default: "
       "the stack's)"),
    NODE("disagg", gw_perf_settings, disagg,
         "disaggregated prefill/decode: {prefill: {...}, decode: {...}, kv_link_bandwidth, "
         "kv_handover}"),
};
SCHEMA(gw_schema_perf_settings, "perf", "perf settings", gw_perf_settings, perf_settings_fields);

/* perf.disagg: the two pools of workers and the KV link between them. */
static const gw_field perf_disagg_fields[] = {
    NODE("prefill", gw_perf_disagg_settings, prefill, "the prefill pool (required)"),
    NODE("decode", gw_perf_disagg_settings, decode, "the decode pool (required)"),
    Q("kv_link_bandwidth", gw_perf_disagg_settings, kv_link_bandwidth_bps, GW_DIM_BYTE_RATE, POS,
      "prefill -> decode bytes/s per request (default: the scale-out link)"),
    Q("kv_handover", gw_perf_disagg_settings, kv_handover_s, GW_DIM_TIME, POS,
      "fixed KV hand-over latency per request (default: measured)"),
};
SCHEMA(gw_schema_perf_disagg, "disagg", "perf.disagg", gw_perf_disagg_settings,
       perf_disagg_fields);

/* perf.disagg.prefill and .decode: one pool's workers and their parallelism. */
static const gw_field perf_pool_fields[] = {
    Q("tp", gw_perf_pool_settings, tp, GW_DIM_NONE, POS | INT, "tensor parallelism (default 1)"),
    Q("pp", gw_perf_pool_settings, pp, GW_DIM_NONE, POS | INT, "pipeline parallelism (default 1)"),
    Q("attention_dp", gw_perf_pool_settings, attention_dp, GW_DIM_NONE, POS | INT,
      "attention data-parallel ranks per worker (default 1)"),
    Q("ep", gw_perf_pool_settings, ep, GW_DIM_NONE, POS | INT, "expert parallelism (default 1)"),
    Q("workers", gw_perf_pool_settings, workers, GW_DIM_NONE, POS | INT,
      "workers in the pool (required)"),
};
SCHEMA(gw_schema_perf_pool, "pool", "disagg pool", gw_perf_pool_settings, perf_pool_fields);

static const gw_field train_settings_fields[] = {
    Q("count", gw_train_settings, count, GW_DIM_NONE, R | POS | INT, "accelerators"),
    Q("tp", gw_train_settings, tp, GW_DIM_NONE, POS | INT, "tensor parallelism (default 1)"),
    Q("pp", gw_train_settings, pp, GW_DIM_NONE, POS | INT, "pipeline parallelism (default 1)"),
    EN("precision", gw_train_settings, precision, "bf16|fp8|fp4", 0, "GEMMs (default bf16)"),
    Q("tokens", gw_train_settings, tokens, GW_DIM_NONE, R | POS, "tokens to train on"),
    Q("mfu", gw_train_settings, mfu, GW_DIM_NONE, EFF, "model FLOPs utilisation (default: predicted)"),
    Q("sequence_length", gw_train_settings, sequence_length, GW_DIM_NONE, POS | INT,
      "tokens per sequence (default 8192, Llama 3 pre-training)"),
    Q("global_batch", gw_train_settings, global_batch, GW_DIM_NONE, POS,
      "tokens per optimizer step (default 16M, Llama 3)"),
    Q("micro_batch", gw_train_settings, micro_batch, GW_DIM_NONE, POS | INT,
      "sequences per micro-batch (default 1)"),
    Q("virtual_stages", gw_train_settings, virtual_stages, GW_DIM_NONE, POS | INT,
      "interleaved pipeline chunks per GPU (default 1)"),
    ID("reliability", gw_train_settings, reliability, "reliability", 0,
       "interruption figures (default: the catalog's)"),
};
SCHEMA(gw_schema_train_settings, "training", "training settings", gw_train_settings,
       train_settings_fields);

static const gw_field sim_settings_fields[] = {
    Q("replicas", gw_sim_settings, replicas, GW_DIM_NONE, POS | INT, "replicas (default 1)"),
    EN("scheduler", gw_sim_settings, scheduler, "vllm|sarathi", 0,
       "replica scheduler (default vllm)"),
    EN("route", gw_sim_settings, route, "round-robin|least-outstanding|kv-aware", 0,
       "global scheduler (default round-robin)"),
    Q("max_running", gw_sim_settings, max_running, GW_DIM_NONE, POS | INT,
      "sequences holding KV on a replica (default 128)"),
    Q("max_batched_tokens", gw_sim_settings, max_batched_tokens, GW_DIM_NONE, POS | INT,
      "vLLM: padded prefill tokens per batch (default 4096); Sarathi: chunk budget (512)"),
    Q("block_size", gw_sim_settings, block_size, GW_DIM_NONE, POS | INT,
      "KV tokens per block (default 16)"),
    Q("watermark", gw_sim_settings, watermark, GW_DIM_NONE, FR,
      "share of KV blocks kept free at admission (default 0.01)"),
    Q("kv_tokens", gw_sim_settings, kv_tokens, GW_DIM_NONE, POS,
      "KV capacity per replica in tokens (default: the perf model's)"),
    Q("context_length", gw_sim_settings, context_length, GW_DIM_NONE, POS | INT,
      "longest prompt + output accepted (default: the model's)"),
    Q("seed", gw_sim_settings, seed, GW_DIM_NONE, NN | INT, "random seed (default 1)"),
    Q("timeline", gw_sim_settings, timeline_s, GW_DIM_TIME, POS,
      "bucket width of the time series (default: 1/200 of the arrivals' span)"),
    NODE("trace", gw_sim_settings, trace, "CSV trace (Vidur's columns), relative to the scenario"),
    Q("limit", gw_sim_settings, limit, GW_DIM_NONE, POS | INT, "first rows of the trace"),
    Q("max_tokens", gw_sim_settings, max_tokens, GW_DIM_NONE, POS | INT,
      "cut prompts so prompt + output fits (Vidur: 4096)"),
    Q("requests", gw_sim_settings, requests, GW_DIM_NONE, POS | INT, "synthetic requests"),
    EN("arrival", gw_sim_settings, arrival, "poisson|gamma|diurnal", 0,
       "synthetic arrivals (default poisson)"),
    Q("rate", gw_sim_settings, rate, GW_DIM_NONE, POS, "mean arrivals per second"),
    Q("cv", gw_sim_settings, cv, GW_DIM_NONE, POS, "gamma: coefficient of variation of gaps"),
    Q("amplitude", gw_sim_settings, amplitude, GW_DIM_NONE, FR, "diurnal: relative swing"),
    Q("period", gw_sim_settings, period_s, GW_DIM_TIME, POS, "diurnal: period (default 1 day)"),
    NODE("prompt", gw_sim_settings, prompt, "prompt tokens: a number or {dist: ...}"),
    NODE("output", gw_sim_settings, output, "output tokens: a number or {dist: ...}"),
    EN("mode", gw_sim_settings, mode, "open-loop|closed-loop", 0,
       "open-loop: arrivals from a trace or a rate (default); closed-loop: a benchmark client "
       "keeping concurrency requests in flight"),
    Q("concurrency", gw_sim_settings, concurrency, GW_DIM_NONE, POS | INT,
      "closed loop: requests in flight"),
    Q("input_tokens", gw_sim_settings, input_tokens, GW_DIM_NONE, POS | INT,
      "closed loop: prompt tokens per request (nominal)"),
    Q("output_tokens", gw_sim_settings, output_tokens, GW_DIM_NONE, POS | INT,
      "closed loop: output tokens per request (nominal)"),
    Q("length_low", gw_sim_settings, length_low, GW_DIM_NONE, EFF,
      "closed loop: lengths uniform in [low x nominal, nominal] (InferenceX 0.8; default 1)"),
    Q("duration", gw_sim_settings, duration_s, GW_DIM_TIME, POS,
      "closed loop: no request issued from this time on (with or instead of requests)"),
    Q("warmup", gw_sim_settings, warmup, GW_DIM_NONE, NN | INT,
      "closed loop: first requests left out of the metrics (default 0)"),
    NODE("disagg", gw_sim_settings, disagg,
         "disaggregated prefill/decode: {prefill: {...}, decode: {...}, kv_link_bandwidth, "
         "kv_handover}"),
};
SCHEMA(gw_schema_sim_settings, "sim", "sim settings", gw_sim_settings, sim_settings_fields);

/* sim.disagg: perf.disagg's keys, so one block reads the same in both. */
static const gw_field sim_disagg_fields[] = {
    NODE("prefill", gw_sim_disagg_settings, prefill, "the prefill pool (required)"),
    NODE("decode", gw_sim_disagg_settings, decode, "the decode pool (required)"),
    Q("kv_link_bandwidth", gw_sim_disagg_settings, kv_link_bandwidth_bps, GW_DIM_BYTE_RATE, POS,
      "prefill -> decode bytes/s per request (default: docs/serving.md's link rule)"),
    Q("kv_handover", gw_sim_disagg_settings, kv_handover_s, GW_DIM_TIME, NN,
      "fixed KV hand-over latency per request (default: the measured 168 ms)"),
};
SCHEMA(gw_schema_sim_disagg, "disagg", "disagg settings", gw_sim_disagg_settings,
       sim_disagg_fields);

static const gw_field sim_pool_fields[] = {
    Q("workers", gw_sim_pool_settings, workers, GW_DIM_NONE, POS | INT,
      "workers in the pool (required)"),
    Q("tp", gw_sim_pool_settings, tp, GW_DIM_NONE, POS | INT, "tensor parallelism (default perf's)"),
    Q("pp", gw_sim_pool_settings, pp, GW_DIM_NONE, POS | INT,
      "pipeline parallelism (default perf's)"),
    Q("attention_dp", gw_sim_pool_settings, attention_dp, GW_DIM_NONE, POS | INT,
      "attention data-parallel ranks per worker, each a replica (default 1)"),
    Q("ep", gw_sim_pool_settings, ep, GW_DIM_NONE, POS | INT, "expert parallelism (default perf's)"),
    Q("max_running", gw_sim_pool_settings, max_running, GW_DIM_NONE, POS | INT,
      "sequences holding KV on a replica (default sim's)"),
    Q("max_batched_tokens", gw_sim_pool_settings, max_batched_tokens, GW_DIM_NONE, POS | INT,
      "prefill token budget per batch (default sim's)"),
    Q("kv_tokens", gw_sim_pool_settings, kv_tokens, GW_DIM_NONE, POS,
      "KV capacity per replica in tokens (default: the perf model's)"),
};
SCHEMA(gw_schema_sim_pool, "pool", "pool settings", gw_sim_pool_settings, sim_pool_fields);

static const gw_field fleet_fields[] = {
    Q("horizon", gw_fleet_settings, horizon_s, GW_DIM_TIME, R | POS, "simulated time"),
    Q("tick", gw_fleet_settings, tick_s, GW_DIM_TIME, POS, "time step (default 1 s)"),
    Q("seed", gw_fleet_settings, seed, GW_DIM_NONE, NN | INT, "random seed (default 1)"),
    Q("start_weekday", gw_fleet_settings, start_weekday, GW_DIM_NONE, NN | INT,
      "0 = the run starts Monday 00:00 (default 0)"),
    Q("target_utilisation", gw_fleet_settings, target_utilisation, GW_DIM_NONE, EFF,
      "share of a replica's best throughput used as capacity (default 0.9)"),
    Q("spill_penalty", gw_fleet_settings, spill_penalty_s, GW_DIM_TIME, NN,
      "added TTFT when served in another region (default 0.1 s)"),
    Q("repair", gw_fleet_settings, repair_s, GW_DIM_TIME, R | NN,
      "time a failed GPU's replica is down"),
    ID("reliability", gw_fleet_settings, reliability, "reliability", 0,
       "GPU interruption rate (default: the catalog's)"),
    NODE("sites", gw_fleet_settings, sites, "list of sites"),
    NODE("deployments", gw_fleet_settings, deployments, "list of own deployments"),
    NODE("rented", gw_fleet_settings, rented, "list of rented pools"),
    NODE("events", gw_fleet_settings, events, "list of outages and power caps"),
};
SCHEMA(gw_schema_fleet_settings, "fleet", "fleet settings", gw_fleet_settings, fleet_fields);

static const gw_field fleet_site_fields[] = {
    TX("region", gw_fleet_site_spec, region, "region name (spill crosses regions)"),
    Q("power_cap", gw_fleet_site_spec, power_cap_w, GW_DIM_POWER, POS, "IT power limit"),
};
SCHEMA(gw_schema_fleet_site, "sites", "site", gw_fleet_site_spec, fleet_site_fields);

static const gw_field fleet_dep_fields[] = {
    TX("site", gw_fleet_deployment_spec, site, "site name (own deployments)"),
    ID("model", gw_fleet_deployment_spec, model, "models", R, "model id"),
    ID("accelerator", gw_fleet_deployment_spec, accelerator, "accelerators", R, "accelerator id"),
    ID("system", gw_fleet_deployment_spec, system, "systems", 0,
       "system id for power and cost (default: the first built from the accelerator)"),
    EN("precision", gw_fleet_deployment_spec, precision, "bf16|fp8|fp4", 0,
       "weights (default fp8 where supported)"),
    Q("replicas", gw_fleet_deployment_spec, replicas, GW_DIM_NONE, R | POS | INT,
      "replicas (rented on-demand: the cap)"),
    Q("tp", gw_fleet_deployment_spec, tp, GW_DIM_NONE, POS | INT, "tensor parallelism"),
    Q("pp", gw_fleet_deployment_spec, pp, GW_DIM_NONE, POS | INT, "pipeline parallelism"),
    Q("ep", gw_fleet_deployment_spec, ep, GW_DIM_NONE, POS | INT, "expert parallelism"),
    Q("price", gw_fleet_deployment_spec, price_usd_per_s, GW_DIM_USD_PER_TIME, POS,
      "rented: price per GPU-hour, e.g. 2.4 USD/h"),
    Q("delay", gw_fleet_deployment_spec, delay_s, GW_DIM_TIME, NN,
      "rented on-demand: provisioning delay"),
    EN("kind", gw_fleet_deployment_spec, kind, "reserved|on-demand", 0, "rented pool kind"),
};
SCHEMA(gw_schema_fleet_deployment, "deployments", "deployment", gw_fleet_deployment_spec,
       fleet_dep_fields);

static const gw_field fleet_event_fields[] = {
    EN("kind", gw_fleet_event_spec, kind, "outage|maintenance|power-cap", R,
       "what happens (maintenance: a planned outage)"),
    TX("site", gw_fleet_event_spec, site, "site name"),
    Q("start", gw_fleet_event_spec, start_s, GW_DIM_TIME, R | NN, "from the run's start"),
    Q("duration", gw_fleet_event_spec, duration_s, GW_DIM_TIME, R | POS, "how long"),
    Q("fraction", gw_fleet_event_spec, fraction, GW_DIM_NONE, R | FR,
      "outage: share of the site down; power-cap: cap as a share of full power"),
};
SCHEMA(gw_schema_fleet_event, "events", "event", gw_fleet_event_spec, fleet_event_fields);

static const gw_field tenant_fields[] = {
    EN("kind", gw_tenant_spec, kind, "consumer|api|batch|cloud|reserve|training", R,
       "tenant kind"),
    TX("deployment", gw_tenant_spec, deployment, "home deployment name"),
    Q("weekly_users", gw_tenant_spec, weekly_users, GW_DIM_NONE, POS, "consumer: weekly active users"),
    Q("requests_per_user_week", gw_tenant_spec, requests_per_user_week, GW_DIM_NONE, POS,
      "consumer: requests per weekly user per week"),
    Q("rate", gw_tenant_spec, rate, GW_DIM_NONE, POS, "mean requests per second (api, batch)"),
    Q("peak_to_trough", gw_tenant_spec, peak_to_trough, GW_DIM_NONE, POS,
      "weekday busiest / quietest hour (default 1)"),
    Q("peak_hour", gw_tenant_spec, peak_hour, GW_DIM_NONE, NN, "hour of day of the peak"),
    Q("weekend", gw_tenant_spec, weekend, GW_DIM_NONE, POS, "weekend level / weekday (default 1)"),
    Q("growth_per_year", gw_tenant_spec, growth_per_year, GW_DIM_NONE, POS,
      "demand multiplier per year (default 1)"),
    Q("priority", gw_tenant_spec, priority, GW_DIM_NONE, NN | INT, "0 (first) to 7 (shed first)"),
    Q("customers", gw_tenant_spec, customers, GW_DIM_NONE, POS | INT, "api: customers in the tier"),
    Q("customer_skew", gw_tenant_spec, customer_skew, GW_DIM_NONE, NN,
      "api: Zipf exponent of use over customers (default 1; 0 = even)"),
    Q("rpm", gw_tenant_spec, rpm, GW_DIM_NONE, POS, "api: requests per minute per customer"),
    Q("tpm", gw_tenant_spec, tpm, GW_DIM_NONE, POS, "api: tokens per minute per customer"),
    Q("timeout", gw_tenant_spec, timeout_s, GW_DIM_TIME, NN, "longest queue wait (default 0)"),
    Q("price", gw_tenant_spec, price_usd_per_mtok, GW_DIM_NONE, NN,
      "revenue, USD per million tokens served"),
    Q("ttft_slo", gw_tenant_spec, ttft_slo_s, GW_DIM_TIME, POS, "TTFT target for SLO attainment"),
    NODE("prompt", gw_tenant_spec, prompt, "prompt tokens: a number or {dist: ...}"),
    NODE("output", gw_tenant_spec, output, "output tokens: a number or {dist: ...}"),
    NODE("trace", gw_tenant_spec, trace,
         "request sizes from a CSV trace (Vidur's columns), rows drawn at random"),
    Q("replicas", gw_tenant_spec, replicas, GW_DIM_NONE, POS | INT,
      "cloud, reserve, training: replicas of its deployment it holds"),
    Q("price_per_gpu_hour", gw_tenant_spec, price_usd_per_gpu_s, GW_DIM_USD_PER_TIME, NN,
      "cloud: what the block is sold at, e.g. 2.2 USD/h"),
    EN("lend", gw_tenant_spec, lend, "yes|no", 0, "reserve: idle capacity serves the others"),
    Q("start", gw_tenant_spec, start_s, GW_DIM_TIME, NN, "training: when the block is taken"),
    Q("duration", gw_tenant_spec, duration_s, GW_DIM_TIME, POS, "training: how long"),
};
SCHEMA(gw_schema_tenant, "tenants", "tenant", gw_tenant_spec, tenant_fields);
