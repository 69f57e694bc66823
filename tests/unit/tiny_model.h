/* tests/unit/tiny_model.h — the made-up dense and MoE models, accelerator and
 * efficiency stack the perf, serving, search and simulator tests price by
 * hand. They use no catalog data on purpose: model tests must not move when
 * data does.
 *
 * Dense GQA: L 2, h 64, heads 4, kv_heads 2, head_dim 16, ffn 128, vocab
 * 100, SwiGLU, untied. Per layer: attention 2*64*64 + 2*64*32 = 12288,
 * MLP 3*64*128 = 24576; embedding 100*64 = 6400, twice (untied).
 * Total 2*(12288 + 24576) + 2*6400 = 86528. KV per token, BF16: 2 layers
 * x 2 (k, v) x 2 heads x 16 x 2 B = 256 B. */
#ifndef GW_TEST_TINY_MODEL_H
#define GW_TEST_TINY_MODEL_H

#include <string.h>

#include "gigawatt/catalog.h"

/* What every made-up model here shares: h 64, 4 heads, SwiGLU of ffn 128,
 * vocab 100, 4,096 tokens of context; the rest is each model's own. */
static inline gw_llm tiny_frame(const char *id, const char *attention, const char *embeddings)
{
    gw_llm m;
    memset(&m, 0, sizeof m);
    strcpy(m.meta.id, id);
    strcpy(m.attention, attention);
    strcpy(m.mlp, "gated");
    strcpy(m.embeddings, embeddings);
    m.hidden_size = 64, m.heads = 4;
    m.ffn_size = 128, m.vocab_size = 100, m.context_length = 4096;
    return m;
}

static inline gw_llm tiny_dense(void)
{
    gw_llm m = tiny_frame("tiny-dense", "gqa", "untied");
    m.layers = 2, m.kv_heads = 2, m.head_dim = 16;
    m.parameters = 86528;
    return m;
}

/* MoE: L 4 of which 1 dense, h 64, heads 4 = kv_heads 4, head_dim 16, dense
 * ffn 128, 8 routed experts of ffn 32 (2 active) + 1 shared, vocab 100,
 * SwiGLU, tied. Attention 2*64*64 + 2*64*64 = 16384, dense MLP 24576,
 * expert 3*64*32 = 6144, router 64*8 = 512, embedding 6400 (once).
 * base = 4*16384 + 1*24576 + 3*(512 + 6144) + 6400 = 116480
 * total = base + 3*8*6144 = 263936, active = base + 3*2*6144 = 153344. */
static inline gw_llm tiny_moe(void)
{
    gw_llm m = tiny_frame("tiny-moe", "gqa", "tied");
    m.layers = 4, m.kv_heads = 4, m.head_dim = 16;
    m.experts = 8, m.active_experts = 2, m.shared_experts = 1, m.moe_ffn_size = 32;
    m.dense_layers = 1;
    m.parameters = 263936;
    return m;
}

/* 1e15 FLOP/s BF16 (2e15 FP8, no FP4), `hbm` bytes of HBM at 1e12 B/s,
 * 400e9 B/s of scale-up in both directions, 1000 W. */
static inline gw_accelerator round_accel(double hbm)
{
    gw_accelerator a;
    memset(&a, 0, sizeof a);
    strcpy(a.meta.id, "round");
    a.bf16_flops = 1e15, a.fp8_flops = 2e15;
    a.hbm_capacity_b = hbm, a.hbm_bandwidth_bps = 1e12;
    a.scaleup_bandwidth_bps = 400e9;
    a.tdp_w = 1000;
    return a;
}

/* Every achieved share 0.5, 1 ms per step, no collective latency, 10 % of
 * HBM held back, at most 256 sequences, whole prompts, KV reserved to the
 * end; no stated workspace (the tests that need one state it). */
static inline gw_efficiency half_eff(void)
{
    gw_efficiency f;
    memset(&f, 0, sizeof f);
    strcpy(f.meta.id, "half");
    f.compute = 0.5, f.memory = 0.5, f.attention = 0.5, f.scaleup = 0.5;
    f.step_overhead_s = 1e-3;
    f.memory_reserve = 0.1, f.max_batch = 256;
    strcpy(f.kv_policy, "reserve");
    return f;
}

#endif
