/* include/gigawatt/scenario.h — a scenario resolved against the catalog
 * (scenario layer, between config/catalog and the models).
 *
 * Each section (system, accelerator, cooling, power_chain, site,
 * electricity, finance, households) is a catalog id, or a mapping with
 * `ref: ID` plus field overrides, or a mapping of overrides on the default
 * entry. Defaults: accelerator from the system, cooling / power chain /
 * electricity from the site, the site as the first whose cooling is the
 * system's, and finance / households when the catalog has one entry.
 * The result holds plain structs that the models take as they are. */
#ifndef GIGAWATT_SCENARIO_H
#define GIGAWATT_SCENARIO_H

#include "gigawatt/perf.h"
#include "gigawatt/plan.h"
#include "gigawatt/rack.h"

enum {
    GW_NEED_RACK = 1, /* system, accelerator, cooling, site, power chain, load */
    GW_NEED_PLAN = 2, /* + electricity, finance, households, target, average load */
    GW_NEED_PERF = 4, /* model, accelerator, efficiency, perf: / training: sections; the
                         system (for power and cost) is optional, defaulted from the accelerator */
    GW_NEED_SIM = 8   /* with GW_NEED_PERF: the sim: section; perf: gives the parallelism
                         and precision only (no token counts needed) */
};

/* The scenario's `sim:` section (replica simulation, docs/sim.md). Nested
 * values (trace path, token distributions) stay nodes for the sim command. */
typedef struct gw_sim_settings {
    gw_entry_meta meta;
    double replicas, max_running, max_batched_tokens, block_size, watermark, kv_tokens;
    double seed, timeline_s, context_length;
    char scheduler[GW_TEXT_MAX], route[GW_TEXT_MAX], arrival[GW_TEXT_MAX];
    double limit, max_tokens, requests, rate, cv, amplitude, period_s;
    const gw_node *trace, *prompt, *output;
    /* closed loop and disaggregation (docs/sim.md §2.3, §3.6) */
    char mode[GW_TEXT_MAX];   /* open-loop | closed-loop */
    double concurrency, input_tokens, output_tokens, length_low, duration_s, warmup;
    const gw_node *disagg;    /* decoded by the sim command (gw_schema_sim_disagg) */
} gw_sim_settings;

/* sim.disagg.prefill / .decode: perf.disagg's pool keys (tp, pp,
 * attention_dp, ep, workers) and the replica scheduler's limits. */
typedef struct gw_sim_pool_settings {
    gw_entry_meta meta;
    double tp, pp, attention_dp, ep, workers, max_running, max_batched_tokens, kv_tokens;
} gw_sim_pool_settings;

/* sim.disagg: the two pools and the KV link (perf.disagg's key names). */
typedef struct gw_sim_disagg_settings {
    gw_entry_meta meta;
    const gw_node *prefill, *decode;
    double kv_link_bandwidth_bps, kv_handover_s;
} gw_sim_disagg_settings;

extern const gw_schema gw_schema_sim_disagg, gw_schema_sim_pool;

/* The scenario's `perf:` section (inference). Unset numbers are 0, unset
 * texts "": each serving setting unset is off, and the output prints the
 * engine, memory and serving lines only when one is given
 * (docs/commands.md, perf). */
typedef struct gw_perf_settings {
    gw_entry_meta meta;
    double count, tp, pp, ep;
    char precision[GW_TEXT_MAX], kv_precision[GW_TEXT_MAX];
    double input_tokens, output_tokens;
    double ttft_slo_s, tpot_slo_s, max_batch;
    /* ---- frontier serving (issue 13) ---- */
    char engine[GW_TEXT_MAX];         /* trtllm | sglang | vllm: picks the efficiency stack */
    char engine_version[GW_TEXT_MAX]; /* "" = the newest stack of that engine */
    double attention_dp;              /* attention data-parallel ranks per worker */
    char expert_precision[GW_TEXT_MAX]; /* routed experts' weights ("" = precision) */
    char expert_activation_precision[GW_TEXT_MAX]; /* their matmuls' inputs ("" = weights') */
    char eplb[GW_TEXT_MAX];           /* "true" | "false" ("" = false) */
    double redundant_experts;         /* expert slots beyond the model's; 0 = none */
    double mtp;                       /* draft tokens per step (k); 0 = off */
    double spec_accept_length;        /* mean tokens per step; 0 = measured */
    char draft_model[GW_TEXT_MAX];    /* speculative decoding with this model id */
    double memory_fraction;           /* share of HBM the engine may use */
    double max_num_tokens;            /* the engine's token budget per iteration (0 = the
                                         stack's chunk_tokens) */
    double batch_wait_iters, batch_wait_ratio; /* TensorRT-LLM batch waiting (0 = off) */
    double recv_interval;             /* SGLang request poll, decode iterations (0 = each) */
    char cuda_graphs[GW_TEXT_MAX];    /* "decode" | "piecewise" ("" = decode): which steps
                                         CUDA graphs capture (docs/model.md §7.2.3) */
    double concurrency;               /* closed loop: client requests in flight */
    double length_low;                /* lengths drawn in [low x nominal, nominal] */
    double output_tokens_cv;          /* outputs spread around output_tokens: sd / mean (a
                                         dataset's; 0 = fixed lengths; docs/model.md §7.4.2) */
    char kv_policy[GW_TEXT_MAX];      /* "reserve" | "on-demand" ("" = the stack's) */
    const gw_node *disagg;            /* disaggregated prefill/decode (gw_perf_disagg) */
} gw_perf_settings;

/* One pool of a disaggregated deployment: perf.disagg.prefill / .decode. */
typedef struct gw_perf_pool_settings {
    gw_entry_meta meta;
    double tp, pp, attention_dp, ep, workers;
} gw_perf_pool_settings;

/* perf.disagg: two pools and the KV link between them. */
typedef struct gw_perf_disagg_settings {
    gw_entry_meta meta;
    const gw_node *prefill, *decode;   /* decoded into the pools below */
    double kv_link_bandwidth_bps;      /* per request stream; 0 = the scale-out link */
    double kv_handover_s;              /* fixed hand-over latency; 0 = measured default */
    gw_perf_pool_settings prefill_pool, decode_pool;
} gw_perf_disagg_settings;

/* The scenario's `training:` section. */
typedef struct gw_train_settings {
    gw_entry_meta meta;
    double count, tp, pp;
    char precision[GW_TEXT_MAX];
    double tokens, mfu, sequence_length, global_batch, micro_batch, virtual_stages;
    char reliability[GW_TEXT_MAX];
} gw_train_settings;

/* The fleet: section and the tenants: list (docs/fleet.md). One struct per
 * list item; nested token distributions stay nodes. */
typedef struct gw_fleet_settings {
    gw_entry_meta meta;
    double horizon_s, tick_s, seed, start_weekday, target_utilisation, spill_penalty_s, repair_s;
    char reliability[GW_TEXT_MAX];
    const gw_node *sites, *deployments, *rented, *events;
} gw_fleet_settings;

typedef struct gw_fleet_site_spec {
    gw_entry_meta meta;
    char region[GW_TEXT_MAX];
    double power_cap_w;
} gw_fleet_site_spec;

typedef struct gw_fleet_deployment_spec {
    gw_entry_meta meta;
    char site[GW_TEXT_MAX], model[GW_TEXT_MAX], accelerator[GW_TEXT_MAX], system[GW_TEXT_MAX];
    char precision[GW_TEXT_MAX];
    double replicas, tp, pp, ep;
    double price_usd_per_s;  /* rented: per GPU */
    double delay_s;          /* rented on-demand: provisioning delay */
    char kind[GW_TEXT_MAX];  /* rented: reserved | on-demand */
} gw_fleet_deployment_spec;

typedef struct gw_fleet_event_spec {
    gw_entry_meta meta;
    char kind[GW_TEXT_MAX], site[GW_TEXT_MAX];
    double start_s, duration_s, fraction;
} gw_fleet_event_spec;

typedef struct gw_tenant_spec {
    gw_entry_meta meta;
    char kind[GW_TEXT_MAX], deployment[GW_TEXT_MAX];
    double weekly_users, requests_per_user_week, rate;
    double peak_to_trough, peak_hour, weekend, growth_per_year, priority;
    double customers, customer_skew, rpm, tpm, timeout_s, price_usd_per_mtok, ttft_slo_s;
    const gw_node *prompt, *output, *trace;
    double replicas, price_usd_per_gpu_s, start_s, duration_s;
    char lend[GW_TEXT_MAX];
} gw_tenant_spec;

/* The schemas of the scenario-only sections (src/scenario/schema.c). */
extern const gw_schema gw_schema_perf_settings, gw_schema_perf_disagg, gw_schema_perf_pool,
    gw_schema_train_settings, gw_schema_sim_settings, gw_schema_fleet_settings, gw_schema_fleet_site, gw_schema_fleet_deployment,
    gw_schema_fleet_event, gw_schema_tenant;

typedef struct gw_scenario {
    char name[2 * GW_TEXT_MAX];
    gw_system system;
    gw_accelerator accelerator;
    gw_cooling cooling;
    gw_power_stage stages[GW_MAX_STAGES];
    int nstages;
    gw_site site;
    gw_electricity electricity;
    gw_finance finance;
    gw_household household;
    double load;         /* operation.load (rack), default 1 */
    double average_load; /* operation.average_load (plan energy), default = load */
    /* operation.power_cap (docs/model.md §1.4): 0 = none; else the cap in W,
     * applied to `accelerator` (peaks x clock, tdp = cap) at resolve */
    double power_cap_w;
    double power_cap_clock;  /* f/f_max the cap allows (1 without a cap) */
    double uncapped_tdp_w;   /* the accelerator's TDP before the cap */
    /* the catalog values this run rests on that are assumptions, not sourced
     * figures ("accelerator tdp", "system price"; docs/catalog.md, "Prices by
     * rule"); the outputs list them */
    char assumed[8][2 * GW_TEXT_MAX];
    int nassumed;
    int has_target;
    gw_target_kind target;
    double target_value;
    char site_note[128]; /* how the site was chosen, when defaulted */
    char rack_note[128]; /* fewer systems per rack than the catalog's, and why */
    /* the target's value node (target: {grid_power: 30 GW} -> 30 GW), where the
     * plan model's errors belong; NULL without a target; valid while the
     * scenario's gw_config lives */
    const gw_node *target_node;
    char source_file[256]; /* the scenario file ("" without one) */
    /* GW_NEED_PERF */
    int has_system;        /* 0: no system has this accelerator; power from TDP, no cost */
    char system_note[128]; /* how the system was chosen, when defaulted */
    gw_llm model;
    gw_efficiency efficiency;
    int want_inference, want_training;
    gw_perf_settings perf;
    /* perf: resolved against the catalog (gw_perf_settings_resolve) */
    int has_engine;          /* perf.engine given: efficiency is that engine's stack */
    int has_draft_model;     /* perf.draft_model given: draft_model is it */
    gw_llm draft_model;
    int has_disagg;          /* perf.disagg given: its pools are decoded */
    gw_perf_disagg_settings disagg;
    gw_train_settings training;
    gw_reliability reliability;
    /* where perf: and training: were given (the root when perf: is absent),
     * to locate model errors; valid while the scenario's gw_config lives */
    const gw_node *perf_node, *training_node;
    /* GW_NEED_SIM */
    gw_sim_settings sim;
    const gw_node *sim_node;
} gw_scenario;

/* Resolve `root` (a loaded scenario) against `cat`. */
int gw_scenario_resolve(const gw_catalog *cat, const gw_node *root, unsigned needs,
                        gw_scenario *sc, gw_error *err);

/* The first catalog system (in id order) built from accelerator `acc`, or NULL. */
const char *gw_scenario_default_system(const gw_catalog *cat, const char *acc);

void gw_scenario_rack_input(const gw_scenario *sc, gw_rack_input *in);
void gw_scenario_plan_input(const gw_scenario *sc, gw_plan_input *in);

/* Place a model's error in the scenario (src/scenario/place.c): at the node
 * err->field names below `section` (a dotted key; a list item by its name:
 * "supply.stages", "demand.training.pretrain.every"), else at `section`
 * itself. A setting given by a flag is a --set node, so it sits at
 * --set:1:N. Leaves an error that already has a file, a stop (GW_E_STOPPED)
 * or rc == GW_OK alone, and does nothing without a section; returns rc, so
 * a call can wrap the model's: rc = gw_scenario_place_error(gw_x(...), node, err). */
int gw_scenario_place_error(int rc, const gw_node *section, gw_error *err);

/* One pool (`name`: prefill or decode) of a disagg: section (perf.disagg,
 * sim.disagg), decoded at its node `n` by `schema` into `out`; the pool's
 * `workers` (a double at `workers_offset` in `out`) must be given. A
 * missing pool is placed on `disagg`. */
int gw_scenario_decode_pool(const gw_schema *schema, const gw_node *n, const char *name,
                            const gw_node *disagg, void *out, size_t out_size,
                            size_t workers_offset, gw_error *err);

#endif
