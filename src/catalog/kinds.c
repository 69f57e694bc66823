/* src/catalog/kinds.c — field tables of every catalog kind (catalog layer).
 * The single place that maps YAML keys to struct fields, units and ranges;
 * docs/catalog.md describes the same fields for people. */
#include <stddef.h>

#include "gigawatt/catalog.h"

/* rows (include/gigawatt/schema.h), by their short names */
#define Q GW_FIELD_QTY
#define ID GW_FIELD_ID
#define EN GW_FIELD_ENUM
#define TX GW_FIELD_TEXT
#define IDL GW_FIELD_IDLIST
#define QL GW_FIELD_QTYLIST
#define SCHEMA(var, kind, singular, T, table) \
    const gw_schema var = {kind, singular, table, sizeof table / sizeof table[0], sizeof(T)}

/* accelerator generations (an efficiency stack is measured on one; a
 * generation with a suffix falls back to its base: blackwell-ultra ->
 * blackwell, gw_catalog_efficiency_for) and serving engines */
#define GENERATIONS                                                                        \
    "ampere|hopper|blackwell|blackwell-ultra|rubin|rubin-ultra|cdna3|cdna4|cdna5|tpu-v5|tpu-v6|" \
    "tpu-v7|trainium3"
#define ENGINES "trtllm|sglang|vllm"
/* an accelerator's or system's market status; absent = shipping, so the
 * outputs of shipping entries stay as they were (docs/catalog.md, "Status") */
#define STATUSES "announced|shipping"

enum { R = GW_F_REQUIRED, POS = GW_F_POSITIVE, NN = GW_F_NONNEG, FR = GW_F_FRACTION,
       INT = GW_F_INTEGER, EFF = GW_F_OPEN_UNIT };

static const gw_field accelerator_fields[] = {
    TX("vendor", gw_accelerator, vendor, "maker"),
    Q("bf16_flops", gw_accelerator, bf16_flops, GW_DIM_FLOP_RATE, NN, "dense BF16 peak, FLOP/s"),
    Q("fp8_flops", gw_accelerator, fp8_flops, GW_DIM_FLOP_RATE, NN, "dense FP8 peak, FLOP/s"),
    Q("fp4_flops", gw_accelerator, fp4_flops, GW_DIM_FLOP_RATE, NN, "dense FP4 peak, FLOP/s"),
    Q("hbm_capacity", gw_accelerator, hbm_capacity_b, GW_DIM_BYTES, POS, "HBM per device"),
    Q("hbm_bandwidth", gw_accelerator, hbm_bandwidth_bps, GW_DIM_BYTE_RATE, POS, "HBM bandwidth"),
    Q("tdp", gw_accelerator, tdp_w, GW_DIM_POWER, POS, "power at full load"),
    Q("idle_power_fraction", gw_accelerator, idle_power_fraction, GW_DIM_NONE, FR,
      "idle power / TDP"),
    Q("scaleup_bandwidth", gw_accelerator, scaleup_bandwidth_bps, GW_DIM_BYTE_RATE, POS,
      "scale-up bandwidth per device"),
    Q("price", gw_accelerator, price_usd, GW_DIM_USD, POS, "price per device"),
    ID("efficiency", gw_accelerator, efficiency, "efficiency", 0,
       "efficiency entry of its usual inference stack (perf model)"),
    EN("generation", gw_accelerator, generation, GENERATIONS, 0,
       "architecture generation: with an engine, picks the efficiency stack"),
    Q("scaleup_domain", gw_accelerator, scaleup_domain, GW_DIM_NONE, POS | INT,
      "accelerators in one NVLink / Infinity Fabric / ICI domain"),
    Q("scaleout_bandwidth", gw_accelerator, scaleout_bandwidth_bps, GW_DIM_BYTE_RATE, POS,
      "RDMA NIC bandwidth per device, one direction"),
    EN("status", gw_accelerator, status, STATUSES, 0,
       "announced specification or shipping product (absent: shipping)"),
    Q("static_power_fraction", gw_accelerator, static_power_fraction, GW_DIM_NONE, FR,
      "share of TDP that does not follow the clock under a power cap"),
    Q("dvfs_exponent", gw_accelerator, dvfs_exponent, GW_DIM_NONE, POS,
      "dynamic power grows as clock^k"),
    /* bill of materials for the supply chain (docs/supply.md) */
    Q("packages_per_wafer", gw_accelerator, packages_per_wafer, GW_DIM_NONE, POS,
      "packages per CoWoS-class 300 mm wafer at 100 % yield (supply chain)"),
    Q("packaging_yield", gw_accelerator, packaging_yield, GW_DIM_NONE, EFF,
      "good packages per package assembled, (0, 1] (supply chain)"),
    Q("hbm_stacks", gw_accelerator, hbm_stacks, GW_DIM_NONE, POS | INT,
      "HBM stacks per package (supply chain)"),
    Q("hbm_stack_capacity", gw_accelerator, hbm_stack_b, GW_DIM_BYTES, POS,
      "physical capacity of one HBM stack (supply chain)"),
};
SCHEMA(gw_schema_accelerator, "accelerators", "accelerator", gw_accelerator, accelerator_fields);

static const gw_field system_fields[] = {
    ID("accelerator", gw_system, accelerator, "accelerators", R, "accelerator id"),
    Q("accelerators", gw_system, accelerators, GW_DIM_NONE, R | POS | INT,
      "accelerators per system"),
    Q("cpus", gw_system, cpus, GW_DIM_NONE, R | NN | INT, "host CPUs per system"),
    Q("cpu_power", gw_system, cpu_power_w, GW_DIM_POWER, R | NN, "one CPU at full load"),
    Q("memory_power", gw_system, memory_power_w, GW_DIM_POWER, R | NN, "host memory per system"),
    Q("nics", gw_system, nics, GW_DIM_NONE, R | NN | INT, "scale-out NICs/DPUs per system"),
    Q("nic_power", gw_system, nic_power_w, GW_DIM_POWER, R | NN, "one NIC"),
    Q("switch_power", gw_system, switch_power_w, GW_DIM_POWER, R | NN, "scale-up switches"),
    Q("fan_power", gw_system, fan_power_w, GW_DIM_POWER, R | NN, "fans at full speed"),
    Q("pump_power", gw_system, pump_power_w, GW_DIM_POWER, R | NN, "in-system pumps at full flow"),
    Q("other_power", gw_system, other_power_w, GW_DIM_POWER, R | NN, "storage, BMC, misc."),
    Q("idle_power_fraction", gw_system, idle_power_fraction, GW_DIM_NONE, R | FR,
      "idle / max of non-accelerator electronics"),
    Q("liquid_heat_fraction", gw_system, liquid_heat_fraction, GW_DIM_NONE, R | FR,
      "share of heat to cold plates under direct-liquid cooling"),
    Q("systems_per_rack", gw_system, systems_per_rack, GW_DIM_NONE, R | POS | INT,
      "systems in one rack"),
    Q("weight", gw_system, weight_kg, GW_DIM_MASS, R | POS, "one system"),
    Q("rack_weight", gw_system, rack_weight_kg, GW_DIM_MASS, R | NN,
      "empty rack, shelves, manifolds"),
    Q("rack_footprint", gw_system, rack_footprint_m2, GW_DIM_AREA, R | POS, "rack floor area"),
    Q("rack_power_capacity", gw_system, rack_power_capacity_w, GW_DIM_POWER, R | POS,
      "usable rack power capacity"),
    Q("rack_liquid_capacity", gw_system, rack_liquid_capacity_w, GW_DIM_POWER, R | NN,
      "heat the rack liquid loop removes"),
    Q("price", gw_system, price_usd, GW_DIM_USD, R | POS, "one system incl. accelerators"),
    ID("cooling", gw_system, cooling, "cooling", R, "cooling id it is designed for"),
    ID("power_stage", gw_system, power_stage, "power_chain", 0,
       "its in-rack conversion (PSUs, power shelf): replaces the chain's rack stages"),
    EN("status", gw_system, status, STATUSES, 0,
       "announced specification or shipping product (absent: shipping)"),
    /* bill of materials per rack for the supply chain (docs/supply.md) */
    Q("switch_trays", gw_system, switch_trays, GW_DIM_NONE, NN | INT,
      "scale-up switch trays per rack (supply chain)"),
    Q("power_shelves", gw_system, power_shelves, GW_DIM_NONE, NN | INT,
      "power shelves per rack (supply chain)"),
};
SCHEMA(gw_schema_system, "systems", "system", gw_system, system_fields);

static const gw_field cooling_fields[] = {
    EN("kind", gw_cooling, kind, "air|direct-liquid|immersion", R, "cooling method"),
    Q("air_cooling_overhead", gw_cooling, air_cooling_overhead, GW_DIM_NONE, R | NN,
      "facility W per W of heat from air"),
    Q("liquid_cooling_overhead", gw_cooling, liquid_cooling_overhead, GW_DIM_NONE, R | NN,
      "facility W per W of heat from liquid"),
    Q("coolant_density", gw_cooling, coolant_density_kg_m3, GW_DIM_DENSITY, R | POS, "coolant"),
    Q("coolant_specific_heat", gw_cooling, coolant_specific_heat_j_kgk, GW_DIM_SPECIFIC_HEAT,
      R | POS, "coolant"),
    Q("coolant_delta_t", gw_cooling, coolant_delta_t_k, GW_DIM_TEMPERATURE, R | POS,
      "supply/return difference"),
    Q("air_delta_t", gw_cooling, air_delta_t_k, GW_DIM_TEMPERATURE, R | POS,
      "air rise across IT equipment"),
    Q("air_density", gw_cooling, air_density_kg_m3, GW_DIM_DENSITY, R | POS, "air"),
    Q("air_specific_heat", gw_cooling, air_specific_heat_j_kgk, GW_DIM_SPECIFIC_HEAT, R | POS,
      "air"),
    Q("fan_min_speed", gw_cooling, fan_min_speed, GW_DIM_NONE, R | FR, "lowest fan speed"),
    Q("water_usage_effectiveness", gw_cooling, water_m3_per_j, GW_DIM_VOLUME_PER_ENERGY, R | NN,
      "site water per IT energy"),
    Q("supply_temperature", gw_cooling, supply_temperature_c, GW_DIM_TEMPERATURE, POS,
      "facility water supply temperature, degC (warm water: dry coolers, chiller-free hours)"),
    Q("dry_cooler_approach", gw_cooling, dry_cooler_approach_k, GW_DIM_TEMPERATURE, NN,
      "supply temperature minus the ambient dry-bulb the dry coolers reach it from"),
    Q("free_cooling_overhead", gw_cooling, free_cooling_overhead, GW_DIM_NONE, NN,
      "facility W per W of liquid heat in chiller-free hours (dry-cooler fans, pumps)"),
    Q("capex", gw_cooling, capex_usd_per_w, GW_DIM_USD_PER_POWER, NN,
      "cooling plant capex per W of IT (part of the site's facility_capex)"),
};
SCHEMA(gw_schema_cooling, "cooling", "cooling", gw_cooling, cooling_fields);

static const gw_field stage_fields[] = {
    Q("efficiency", gw_power_stage, efficiency, GW_DIM_NONE, R | EFF, "output / input"),
    EN("serves", gw_power_stage, serves, "facility|it|rack", R, "which loads pass through it"),
    EN("input", gw_power_stage, input, "ac|dc", 0,
       "what it takes (absent: ac); a dc rack stage in a site's chain replaces the system's"),
    Q("busbar_voltage", gw_power_stage, busbar_voltage_v, GW_DIM_VOLTAGE, POS,
      "rack stages: DC voltage of the rack busbar (its output if it takes ac, its input if dc)"),
};
SCHEMA(gw_schema_power_stage, "power_chain", "power-chain stage", gw_power_stage, stage_fields);

static const gw_field site_fields[] = {
    Q("grid_capacity", gw_site, grid_capacity_w, GW_DIM_POWER, R | POS, "one site's grid connection"),
    ID("cooling", gw_site, cooling, "cooling", R, "cooling id"),
    IDL("power_chain", gw_site, power_chain, "power_chain", R, "stages grid -> rack"),
    ID("electricity", gw_site, electricity, "electricity", R, "electricity id"),
    Q("misc_overhead", gw_site, misc_overhead, GW_DIM_NONE, R | NN, "lighting/offices per W IT"),
    Q("air_cooling_per_rack", gw_site, air_cooling_per_rack_w, GW_DIM_POWER, R | NN,
      "air heat removable per rack"),
    Q("floor_load_capacity", gw_site, floor_load_capacity_kg_m2, GW_DIM_AREAL_MASS, R | POS,
      "floor rating"),
    Q("facility_capex", gw_site, facility_capex_usd_per_w, GW_DIM_USD_PER_POWER, R | NN,
      "shell + M&E per W of IT"),
    Q("power_capex", gw_site, power_capex_usd_per_w, GW_DIM_USD_PER_POWER, R | NN,
      "power infrastructure per W of grid"),
    Q("staff_per_power", gw_site, staff_per_w, GW_DIM_PER_POWER, R | NN, "staff per W of IT"),
    Q("ambient_mean", gw_site, ambient_mean_c, GW_DIM_TEMPERATURE, 0,
      "annual mean of the hourly dry-bulb temperature, degC"),
    Q("ambient_sd", gw_site, ambient_sd_k, GW_DIM_TEMPERATURE, POS,
      "standard deviation of the hourly dry-bulb temperature over the year"),
};
SCHEMA(gw_schema_site, "sites", "site", gw_site, site_fields);

static const gw_field electricity_fields[] = {
    Q("price", gw_electricity, price_usd_per_j, GW_DIM_USD_PER_ENERGY, R | NN, "energy price"),
};
SCHEMA(gw_schema_electricity, "electricity", "electricity price", gw_electricity,
       electricity_fields);

static const gw_field finance_fields[] = {
    Q("cost_of_capital", gw_finance, cost_of_capital, GW_DIM_NONE, R | FR, "per year"),
    Q("it_life", gw_finance, it_life_s, GW_DIM_TIME, R | POS, "IT depreciation life"),
    Q("network_life", gw_finance, network_life_s, GW_DIM_TIME, R | POS, "network life"),
    Q("facility_life", gw_finance, facility_life_s, GW_DIM_TIME, R | POS, "facility life"),
    Q("power_life", gw_finance, power_life_s, GW_DIM_TIME, R | POS, "power infrastructure life"),
    Q("networking_capex_fraction", gw_finance, networking_capex_fraction, GW_DIM_NONE, R | NN,
      "network USD per system USD"),
    Q("it_maintenance", gw_finance, it_maintenance, GW_DIM_NONE, R | FR, "per year of IT capex"),
    Q("facility_maintenance", gw_finance, facility_maintenance, GW_DIM_NONE, R | FR,
      "per year of facility capex"),
    Q("staff_cost", gw_finance, staff_cost_usd_per_s, GW_DIM_USD_PER_TIME, R | NN,
      "loaded cost of one person"),
};
SCHEMA(gw_schema_finance, "finance", "finance", gw_finance, finance_fields);

static const gw_field household_fields[] = {
    Q("consumption", gw_household, consumption_w, GW_DIM_POWER, R | POS,
      "average electric power of one household"),
};
SCHEMA(gw_schema_household, "households", "household", gw_household, household_fields);

static const gw_field llm_fields[] = {
    TX("family", gw_llm, family, "model family"),
    EN("attention", gw_llm, attention, "mha|gqa|mla", R, "attention kind"),
    EN("mlp", gw_llm, mlp, "gated|plain", R, "gated = SwiGLU (3 matrices), plain = GELU (2)"),
    EN("embeddings", gw_llm, embeddings, "tied|untied", R, "LM head shares the input embedding?"),
    Q("layers", gw_llm, layers, GW_DIM_NONE, R | POS | INT, "transformer blocks"),
    Q("hidden_size", gw_llm, hidden_size, GW_DIM_NONE, R | POS | INT, "model width"),
    Q("heads", gw_llm, heads, GW_DIM_NONE, R | POS | INT, "query heads"),
    Q("kv_heads", gw_llm, kv_heads, GW_DIM_NONE, POS | INT, "key/value heads (GQA); = heads for MHA"),
    Q("head_dim", gw_llm, head_dim, GW_DIM_NONE, POS | INT, "per head; default hidden_size/heads"),
    Q("ffn_size", gw_llm, ffn_size, GW_DIM_NONE, NN | INT, "MLP intermediate of a dense layer"),
    Q("vocab_size", gw_llm, vocab_size, GW_DIM_NONE, R | POS | INT, "vocabulary"),
    Q("context_length", gw_llm, context_length, GW_DIM_NONE, R | POS | INT, "longest context"),
    Q("experts", gw_llm, experts, GW_DIM_NONE, NN | INT, "routed experts per MoE layer"),
    Q("active_experts", gw_llm, active_experts, GW_DIM_NONE, NN | INT, "routed experts per token"),
    Q("shared_experts", gw_llm, shared_experts, GW_DIM_NONE, NN | INT, "always-active experts"),
    Q("moe_ffn_size", gw_llm, moe_ffn_size, GW_DIM_NONE, NN | INT, "intermediate of one expert"),
    Q("dense_layers", gw_llm, dense_layers, GW_DIM_NONE, NN | INT,
      "leading layers with a dense MLP (MoE models)"),
    Q("q_lora_rank", gw_llm, q_lora_rank, GW_DIM_NONE, NN | INT, "MLA query compression"),
    Q("kv_lora_rank", gw_llm, kv_lora_rank, GW_DIM_NONE, NN | INT, "MLA latent KV width"),
    Q("qk_nope_head_dim", gw_llm, qk_nope_head_dim, GW_DIM_NONE, NN | INT, "MLA"),
    Q("qk_rope_head_dim", gw_llm, qk_rope_head_dim, GW_DIM_NONE, NN | INT, "MLA decoupled RoPE key"),
    Q("v_head_dim", gw_llm, v_head_dim, GW_DIM_NONE, NN | INT, "MLA value head"),
    Q("parameters", gw_llm, parameters, GW_DIM_NONE, R | POS, "published total parameters"),
    Q("active_parameters", gw_llm, active_parameters, GW_DIM_NONE, NN,
      "published active parameters per token (MoE)"),
    Q("sliding_window", gw_llm, sliding_window, GW_DIM_NONE, NN | INT,
      "tokens a sliding-window attention layer attends to (0 = none)"),
    Q("sliding_layers", gw_llm, sliding_layers, GW_DIM_NONE, NN | INT,
      "layers with sliding-window attention; the others attend to the whole context"),
    Q("mtp_modules", gw_llm, mtp_modules, GW_DIM_NONE, NN | INT,
      "multi-token-prediction (draft) modules shipped with the weights"),
    QL("mtp_accept_length", gw_llm, mtp_accept_length, mtp_accept_n, GW_DIM_NONE, POS,
       "measured mean tokens per decode step with nextn = 1, 2, ..."),
    TX("hf_id", gw_llm, hf_id, "Hugging Face model id (org/name)"),
};
SCHEMA(gw_schema_llm, "models", "model", gw_llm, llm_fields);

static const gw_field efficiency_fields[] = {
    Q("compute", gw_efficiency, compute, GW_DIM_NONE, R | EFF,
      "achieved/peak FLOP/s, FP8 matmuls (and any precision without its own)"),
    Q("compute_bf16", gw_efficiency, compute_bf16, GW_DIM_NONE, EFF, "BF16 matmuls"),
    Q("compute_fp4", gw_efficiency, compute_fp4, GW_DIM_NONE, EFF, "FP4 matmuls"),
    Q("activation_io", gw_efficiency, activation_io, GW_DIM_NONE, R | FR,
      "share of unfused activation traffic that reaches HBM (kernel fusion)"),
    Q("memory", gw_efficiency, memory, GW_DIM_NONE, R | EFF, "achieved/peak HBM bandwidth"),
    Q("attention", gw_efficiency, attention, GW_DIM_NONE, R | EFF,
      "achieved/peak FLOP/s, attention"),
    Q("scaleup", gw_efficiency, scaleup, GW_DIM_NONE, R | EFF,
      "achieved/peak scale-up bandwidth, collectives"),
    Q("step_overhead", gw_efficiency, step_overhead_s, GW_DIM_TIME, R | NN,
      "fixed time per forward step"),
    Q("collective_latency", gw_efficiency, collective_latency_s, GW_DIM_TIME, R | NN,
      "latency of one collective"),
    Q("memory_reserve", gw_efficiency, memory_reserve, GW_DIM_NONE, R | FR,
      "HBM share for activations, workspace, runtime"),
    Q("max_batch", gw_efficiency, max_batch, GW_DIM_NONE, R | POS | INT,
      "engine cap on running sequences"),
    Q("chunk_tokens", gw_efficiency, chunk_tokens, GW_DIM_NONE, NN | INT,
      "token budget of one iteration; 0 = whole prompts"),
    EN("kv_policy", gw_efficiency, kv_policy, "reserve|on-demand", R,
       "KV for input+output reserved at admission, or paged on demand"),
    EN("scheduler", gw_efficiency, scheduler, "mixed|prefill-first", 0,
       "prompts ride in the decode iterations (mixed), or run as prefill batches before "
       "any decode (prefill-first); absent = mixed"),
    EN("engine", gw_efficiency, engine, ENGINES, 0, "serving engine the factors belong to"),
    EN("generation", gw_efficiency, generation, GENERATIONS, 0,
       "accelerator generation the factors are measured on"),
    TX("version", gw_efficiency, version, "engine version the factors come from"),
    Q("alltoall_latency", gw_efficiency, alltoall_latency_s, GW_DIM_TIME, NN,
      "MoE all-to-all floor per call inside a scale-up domain"),
    Q("alltoall_rdma_latency", gw_efficiency, alltoall_rdma_latency_s, GW_DIM_TIME, NN,
      "MoE all-to-all floor per call across nodes over RDMA"),
    Q("workspace", gw_efficiency, workspace_b, GW_DIM_BYTES, NN,
      "activations + workspace the engine keeps per GPU besides weights and KV"),
    Q("request_overhead", gw_efficiency, request_overhead_s, GW_DIM_TIME, NN,
      "per request, in its time to first token, outside the engine's steps"),
    Q("layer_overhead", gw_efficiency, layer_overhead_s, GW_DIM_TIME, NN,
      "fixed time per layer and forward step (its kernels' floors); absent = none"),
    Q("eager_mla_overhead", gw_efficiency, eager_mla_overhead_s, GW_DIM_TIME, NN,
      "fixed time per MLA layer of a step run without CUDA graphs (one that holds a "
      "prompt); absent = none"),
    Q("adp_balance_iters", gw_efficiency, adp_balance_iters, GW_DIM_NONE, NN | INT,
      "attention-DP balancing: iterations a prompt is held for every rank to have one; "
      "absent = none"),
    Q("grouped_gemm", gw_efficiency, grouped_gemm, GW_DIM_NONE, EFF,
      "routed experts' grouped GEMMs as a share of the dense factor; absent = 1"),
    Q("memory_kv", gw_efficiency, memory_kv, GW_DIM_NONE, EFF,
      "HBM bandwidth reading the KV cache in attention; absent = memory"),
    Q("attention_mla_decode", gw_efficiency, attention_mla_decode, GW_DIM_NONE, EFF,
      "share of the attention peak the absorbed MLA decode kernel reaches; absent = "
      "attention"),
    Q("kv_handover", gw_efficiency, kv_handover_s, GW_DIM_TIME, NN,
      "disaggregation: per request hand-over from prefill to decode beyond the bytes"),
};
SCHEMA(gw_schema_efficiency, "efficiency", "efficiency", gw_efficiency, efficiency_fields);

static const gw_field reliability_fields[] = {
    Q("accelerator_mtbi", gw_reliability, accelerator_mtbi_s, GW_DIM_TIME, R | POS,
      "accelerator-time between job interruptions (job MTBI x accelerators)"),
    Q("lost_per_interruption", gw_reliability, lost_per_interruption_s, GW_DIM_TIME, R | NN,
      "restart and recomputed work per interruption"),
};
SCHEMA(gw_schema_reliability, "reliability", "reliability", gw_reliability, reliability_fields);

static const gw_field power_defaults_fields[] = {
    Q("transition", gw_power_defaults, transition_s, GW_DIM_TIME, R | NN,
      "a job's compute <-> communication change"),
    Q("job_ramp", gw_power_defaults, job_ramp_s, GW_DIM_TIME, R | NN,
      "a job's start-up and ramp-down"),
    Q("cooling_time_constant", gw_power_defaults, cooling_tau_s, GW_DIM_TIME, R | NN,
      "lag of cooling behind IT"),
    Q("rack_storage_time_constant", gw_power_defaults, rack_storage_tau_s, GW_DIM_TIME,
      R | POS, "rack storage's smoothing"),
    Q("battery_time_constant", gw_power_defaults, battery_tau_s, GW_DIM_TIME, R | POS,
      "site battery's return to its starting charge"),
    Q("store_efficiency", gw_power_defaults, store_efficiency, GW_DIM_NONE, R | EFF,
      "round trip of an energy store"),
    Q("soc_min", gw_power_defaults, soc_min, GW_DIM_NONE, R | FR, "a store's lowest charge"),
    Q("soc_max", gw_power_defaults, soc_max, GW_DIM_NONE, R | FR, "a store's highest charge"),
    Q("peak_load", gw_power_defaults, peak_load, GW_DIM_NONE, R | FR,
      "inference load at the daily peak"),
    Q("peak_to_trough", gw_power_defaults, peak_to_trough, GW_DIM_NONE, R | POS,
      "inference's busiest hour over its quietest"),
    Q("peak_hour", gw_power_defaults, peak_hour, GW_DIM_NONE, R | NN, "hour of the busiest"),
    Q("noise", gw_power_defaults, noise, GW_DIM_NONE, R | NN, "inference's relative noise"),
    Q("noise_time", gw_power_defaults, noise_time_s, GW_DIM_TIME, R | POS,
      "the noise's correlation time"),
    Q("cap_exponent", gw_power_defaults, cap_exponent, GW_DIM_NONE, R | NN,
      "compute time ~ (full / cap)^exponent under a power cap"),
};
SCHEMA(gw_schema_power_defaults, "power_defaults", "power defaults", gw_power_defaults,
       power_defaults_fields);

const gw_schema *const gw_catalog_kinds[] = {
    &gw_schema_accelerator, &gw_schema_system, &gw_schema_cooling, &gw_schema_power_stage,
    &gw_schema_site,        &gw_schema_electricity, &gw_schema_finance, &gw_schema_household,
    &gw_schema_llm,         &gw_schema_efficiency,  &gw_schema_reliability,
    &gw_schema_power_defaults,
};
const size_t gw_catalog_nkinds = sizeof gw_catalog_kinds / sizeof gw_catalog_kinds[0];
