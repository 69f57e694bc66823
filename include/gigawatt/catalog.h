/* include/gigawatt/catalog.h — the sourced catalog of hardware, facilities
 * and prices (catalog layer).
 *
 * The catalog is the YAML files in data/catalog (format: docs/catalog.md). Loading
 * parses every file, indexes entries by kind and id, and validates each one
 * (every value sourced, units, ranges, references to other kinds), so a bad
 * catalog fails at start-up with file:line:col, never mid-model. Entry
 * structs below hold SI values; fields a source does not give stay 0 and
 * their bit in meta.set stays clear. */
#ifndef GIGAWATT_CATALOG_H
#define GIGAWATT_CATALOG_H

#include "gigawatt/config.h"
#include "gigawatt/schema.h"

typedef struct gw_accelerator {
    gw_entry_meta meta;
    char vendor[GW_TEXT_MAX];
    double bf16_flops, fp8_flops, fp4_flops; /* dense tensor peak, FLOP/s; 0 = unsupported */
    double hbm_capacity_b;                   /* bytes */
    double hbm_bandwidth_bps;                /* bytes/s */
    double tdp_w;                            /* W at full load */
    double idle_power_fraction;              /* idle W / TDP */
    double scaleup_bandwidth_bps;            /* bytes/s per device (NVLink, IF, ICI) */
    double price_usd;                        /* per device */
    char efficiency[GW_TEXT_MAX];            /* efficiency id of its usual software stack */
    char generation[GW_TEXT_MAX];            /* ampere | hopper | blackwell | cdna3 | ...:
                                                with an engine, picks the efficiency stack */
    double scaleup_domain;                   /* accelerators in one scale-up domain
                                                (8: HGX, 72: NVL72); 0 = unknown */
    double scaleout_bandwidth_bps;           /* RDMA NIC bytes/s per device, one direction */
    char status[GW_TEXT_MAX];                /* announced | shipping; "" = shipping */
    double static_power_fraction;            /* share of TDP that does not follow the clock
                                                (docs/model.md §1.4, power cap) */
    double dvfs_exponent;                    /* dynamic power ∝ clock^k (k ≈ 3) */
    /* bill of materials for the supply chain (docs/supply.md); 0 = not given */
    double packages_per_wafer;               /* packages per CoWoS-class wafer, 100 % yield */
    double packaging_yield;                  /* good packages / packages, (0, 1] */
    double hbm_stacks;                       /* HBM stacks per package */
    double hbm_stack_b;                      /* bytes per HBM stack (physical) */
} gw_accelerator;

typedef struct gw_system {
    gw_entry_meta meta;
    char accelerator[GW_TEXT_MAX]; /* accelerators id */
    double accelerators;           /* per system */
    double cpus, cpu_power_w;      /* per system; W per CPU at full load */
    double memory_power_w;         /* host memory per system, W */
    double nics, nic_power_w;      /* scale-out NICs/DPUs per system; W each */
    double switch_power_w;         /* scale-up switches per system, W */
    double fan_power_w;            /* fans at full speed, W */
    double pump_power_w;           /* in-system pumps at full flow, W */
    double other_power_w;          /* storage, BMC, misc., W */
    double idle_power_fraction;    /* idle / max of non-accelerator electronics */
    double liquid_heat_fraction;   /* share of electronics heat to cold plates (DLC) */
    double systems_per_rack;
    double weight_kg;              /* one system */
    double rack_weight_kg;         /* empty rack + shelves + manifolds, per rack */
    double rack_footprint_m2;
    double rack_power_capacity_w;  /* usable power-shelf / PDU capacity per rack */
    double rack_liquid_capacity_w; /* heat the rack liquid loop removes */
    double price_usd;              /* one system incl. accelerators */
    char cooling[GW_TEXT_MAX];     /* cooling id it is designed for */
    char power_stage[GW_TEXT_MAX]; /* power_chain id of its PSUs / power shelf, "" if none */
    char status[GW_TEXT_MAX];      /* announced | shipping; "" = shipping */
    /* bill of materials per rack for the supply chain (docs/supply.md); 0 = not given */
    double switch_trays;           /* scale-up switch trays per rack */
    double power_shelves;          /* power shelves per rack */
} gw_system;

typedef struct gw_cooling {
    gw_entry_meta meta;
    char kind[GW_TEXT_MAX];             /* air | direct-liquid | immersion */
    double air_cooling_overhead;        /* facility W per W of heat from air */
    double liquid_cooling_overhead;     /* facility W per W of heat from liquid */
    double coolant_density_kg_m3;
    double coolant_specific_heat_j_kgk;
    double coolant_delta_t_k;           /* supply/return difference */
    double air_delta_t_k;               /* rise across IT equipment */
    double air_density_kg_m3;
    double air_specific_heat_j_kgk;
    double fan_min_speed;               /* fraction of full speed */
    double water_m3_per_j;              /* WUE: site water per IT energy (with
                                           supply_temperature: in chiller hours only) */
    /* warm-water heat rejection (docs/model.md §2.5); 0 = not modelled */
    double supply_temperature_c;        /* facility water supply, degC */
    double dry_cooler_approach_k;       /* supply minus ambient the dry coolers reach */
    double free_cooling_overhead;       /* W per W of liquid heat when no chiller runs */
    double capex_usd_per_w;             /* cooling plant per W of IT (in facility_capex) */
} gw_cooling;

typedef struct gw_power_stage {
    gw_entry_meta meta;
    double efficiency;     /* output / input */
    char serves[GW_TEXT_MAX]; /* facility | it | rack */
    char input[GW_TEXT_MAX];  /* ac | dc: what it takes; "" = ac (docs/model.md §3.1) */
    double busbar_voltage_v;  /* rack stages: the rack busbar's DC voltage, 0 = none */
} gw_power_stage;

typedef struct gw_site {
    gw_entry_meta meta;
    double grid_capacity_w;        /* one site's grid connection */
    char cooling[GW_TEXT_MAX];     /* cooling id */
    gw_idlist power_chain;         /* stage ids, grid -> rack */
    char electricity[GW_TEXT_MAX]; /* electricity id */
    double misc_overhead;          /* lighting/offices per W of IT */
    double air_cooling_per_rack_w;
    double floor_load_capacity_kg_m2;
    double facility_capex_usd_per_w; /* per W of IT capacity */
    double power_capex_usd_per_w;    /* per W of grid capacity */
    double staff_per_w;              /* people per W of IT */
    double ambient_mean_c;           /* annual mean of hourly dry-bulb, degC (§2.5) */
    double ambient_sd_k;             /* its standard deviation, K; 0 = no climate */
} gw_site;

typedef struct gw_electricity {
    gw_entry_meta meta;
    double price_usd_per_j;
} gw_electricity;

typedef struct gw_finance {
    gw_entry_meta meta;
    double cost_of_capital;                /* per year */
    double it_life_s, network_life_s, facility_life_s, power_life_s;
    double networking_capex_fraction;      /* network USD per system USD */
    double it_maintenance;                 /* per year, of IT capex */
    double facility_maintenance;           /* per year, of facility+power capex */
    double staff_cost_usd_per_s;           /* loaded cost of one person */
} gw_finance;

typedef struct gw_household {
    gw_entry_meta meta;
    double consumption_w; /* average electric power of one household */
} gw_household;

/* An LLM architecture (data/models). Counts are plain numbers; a field that
 * does not apply (experts of a dense model, MLA ranks of a GQA model) is 0.
 * Equations that use these: docs/model.md §7. */
typedef struct gw_llm {
    gw_entry_meta meta;
    char family[GW_TEXT_MAX];
    char attention[GW_TEXT_MAX]; /* mha | gqa | mla */
    char mlp[GW_TEXT_MAX];       /* gated (SwiGLU: 3 matrices) | plain (GELU: 2) */
    char embeddings[GW_TEXT_MAX];/* tied | untied (input embedding = LM head?) */
    double layers, hidden_size, heads, kv_heads, head_dim;
    double ffn_size;             /* MLP intermediate of a dense layer */
    double vocab_size, context_length;
    double experts, active_experts, shared_experts; /* routed / per token / always on */
    double moe_ffn_size;         /* intermediate of one expert */
    double dense_layers;         /* leading layers with a dense MLP in an MoE model */
    double q_lora_rank, kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim, v_head_dim; /* MLA */
    double parameters;           /* published total, checked against the count */
    double active_parameters;    /* published per-token active, MoE */
    double sliding_window;       /* tokens a sliding-window layer attends to (0 = none) */
    double sliding_layers;       /* layers with sliding-window attention, the rest full */
    double mtp_modules;          /* multi-token-prediction heads shipped (0 = none) */
    double mtp_accept_length[8]; /* measured mean tokens per step with nextn = i+1 */
    int mtp_accept_n;            /* how many of them are given */
    char hf_id[GW_TEXT_MAX];     /* Hugging Face id, for `validate` ("" = none) */
} gw_llm;

/* How close a software stack gets to an accelerator's peaks: fitted by
 * tools/perf_calibrate.c on data/perf/measurements.csv (docs/perf-validation.md). */
typedef struct gw_efficiency {
    gw_entry_meta meta;
    double compute;          /* achieved / peak FLOP/s in large FP8 matmuls (and the default) */
    double compute_bf16;     /* the same for BF16 matmuls; 0 = compute */
    double compute_fp4;      /* the same for FP4 matmuls; 0 = compute */
    double activation_io;    /* share of the unfused activation traffic that reaches HBM */
    double memory;           /* achieved / peak HBM bytes/s in streaming kernels */
    double attention;        /* achieved / peak FLOP/s in attention kernels */
    double scaleup;          /* achieved / peak scale-up bandwidth in collectives */
    double step_overhead_s;  /* fixed time per forward step (launch, scheduling) */
    double collective_latency_s; /* per collective call */
    double memory_reserve;   /* HBM share kept for activations, workspace, runtime */
    double max_batch;        /* the engine's cap on running sequences */
    double chunk_tokens;     /* token budget of one iteration (chunked prefill); 0 = none */
    char kv_policy[GW_TEXT_MAX]; /* reserve (input+output up front) | on-demand (paged) */
    char scheduler[GW_TEXT_MAX]; /* mixed (prompts' chunks ride in the decode iterations) |
                                    prefill-first (SGLang: prefill batches whenever prompts
                                    wait, decodes only when none do); "" = mixed */
    char engine[GW_TEXT_MAX];    /* trtllm | sglang | vllm ("" = not stated) */
    char generation[GW_TEXT_MAX];/* accelerator generation it is measured on */
    char version[GW_TEXT_MAX];   /* engine version the factors come from ("" = any) */
    double alltoall_latency_s;   /* MoE all-to-all floor per call inside a scale-up domain */
    double alltoall_rdma_latency_s; /* the same across nodes over RDMA */
    double workspace_b;          /* activations + workspace per GPU the engine keeps, bytes */
    double request_overhead_s;   /* per request, in its time to first token, outside the
                                    engine's steps (HTTP, tokenising, scheduling,
                                    detokenising; docs/serving.md §7.9.1); 0 = none */
    double layer_overhead_s;     /* fixed time per layer and step (kernel floors); 0 = none */
    double eager_mla_overhead_s; /* fixed time per MLA layer of a step that runs without
                                    CUDA graphs, one that holds a prompt (docs/model.md
                                    §7.2.3); 0 = none */
    double grouped_gemm;         /* the routed experts' grouped GEMMs reach this share of
                                    the dense GEMMs' factor at their precision; 0 = 1 */
    double memory_kv;            /* achieved / peak HBM bytes/s reading the KV cache in
                                    attention; 0 = memory */
    double attention_mla_decode; /* achieved / peak FLOP/s of the absorbed MLA decode
                                    kernel (docs/model.md §7.8.5); 0 = attention */
    double kv_handover_s;        /* disaggregation: a request's hand-over from prefill to
                                    decode worker beyond the bytes; 0 = the default */
    double adp_balance_iters;    /* attention-DP balancing: a prompt is held until every
                                    rank of its worker has one, at most this many
                                    iterations (TensorRT-LLM attention_dp_config
                                    timeout_iters); 0 = no balancing */
} gw_efficiency;

/* Job interruptions of large training runs (docs/model.md §8). */
typedef struct gw_reliability {
    gw_entry_meta meta;
    double accelerator_mtbi_s;     /* accelerator-time between job interruptions */
    double lost_per_interruption_s;/* restart + recomputation, per interruption */
} gw_reliability;

/* What `gigawatt power` takes where its scenario is silent (docs/power.md
 * §1-§2, §5): each a catalog value with its source, most assumptions. */
typedef struct gw_power_defaults {
    gw_entry_meta meta;
    double transition_s;       /* a job's compute <-> communication change */
    double job_ramp_s;         /* a job's start-up and ramp-down */
    double cooling_tau_s;      /* lag of cooling behind IT */
    double rack_storage_tau_s; /* rack storage's smoothing time constant */
    double battery_tau_s;      /* site battery's return to its starting charge */
    double store_efficiency;   /* round trip of a store */
    double soc_min, soc_max;   /* a store's state-of-charge limits */
    double peak_load;          /* inference load at the daily peak */
    double peak_to_trough;     /* inference's busiest hour / quietest */
    double peak_hour;          /* hour of the busiest */
    double noise, noise_time_s;/* inference's relative noise, its correlation time */
    double cap_exponent;       /* compute time ~ (full / cap)^exponent under a power cap */
} gw_power_defaults;

/* The schemas, one per kind (src/catalog/kinds.c). */
extern const gw_schema gw_schema_accelerator, gw_schema_system, gw_schema_cooling,
    gw_schema_power_stage, gw_schema_site, gw_schema_electricity, gw_schema_finance,
    gw_schema_household, gw_schema_llm, gw_schema_efficiency, gw_schema_reliability,
    gw_schema_power_defaults;

/* All kinds, in listing order. */
extern const gw_schema *const gw_catalog_kinds[];
extern const size_t gw_catalog_nkinds;

typedef struct gw_catalog_entry {
    const gw_schema *schema;
    const char *id;
    const gw_node *node; /* the entry's mapping in its file */
} gw_catalog_entry;

typedef struct gw_catalog {
    gw_config cfg;            /* owns every node */
    gw_catalog_entry *entries;/* sorted by kind order, then id */
    size_t n;
    char dir[1024];
    gw_efficiency *efficiency; /* every efficiency entry, decoded at load, in id order */
    size_t nefficiency;
} gw_catalog;

/* Load and validate every *.yaml in `dirs`, a ':'-separated list of
 * directories (data/catalog:data/models). */
int gw_catalog_load(gw_catalog *cat, const char *dirs, gw_error *err);
void gw_catalog_free(gw_catalog *cat);

/* The entry of `schema`'s kind with `id`, or NULL. */
const gw_catalog_entry *gw_catalog_find(const gw_catalog *cat, const gw_schema *schema,
                                        const char *id);
/* An entry of any kind with `id` (first in kind order), or NULL. */
const gw_catalog_entry *gw_catalog_find_any(const gw_catalog *cat, const char *id);

/* Decode entry `id` of `schema` into `obj` (zeroed first). An unknown id is
 * an error located at `at` (the node that named it), with did-you-mean. */
int gw_catalog_get(const gw_catalog *cat, const gw_schema *schema, const char *id,
                   const gw_node *at, void *obj, gw_error *err);

/* The fields of entry `id` of `schema` (its own, then its base: chain's)
 * whose source begins "assumption": where the catalog has no public
 * source and states the rule it used instead (docs/catalog.md, "Prices by
 * rule"). Up to `max` keys into `keys` (pointers into the catalog);
 * returns how many. */
int gw_catalog_assumed_fields(const gw_catalog *cat, const gw_schema *schema, const char *id,
                              const char **keys, int max);

/* The efficiency stack accelerator `a` runs under `engine` (trtllm | sglang |
 * vllm): NULL or "" -> its own `efficiency:` stack (as before engines);
 * else the stack of (a->generation, engine), preferring `version` (else
 * one that names no version), then a's own stack if it is that engine's,
 * then the base generation's (blackwell-ultra -> blackwell). *out points
 * into `cat` and lives as long as it. None: GW_E_INPUT naming the engines
 * the accelerator has stacks for (docs/catalog.md, "Engines"). */
int gw_catalog_efficiency_for(const gw_catalog *cat, const gw_accelerator *a, const char *engine,
                              const char *version, const gw_efficiency **out, gw_error *err);

#endif
