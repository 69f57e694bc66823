/* tests/unit/test_perf.c — the LLM performance model (src/model/perf.c)
 * against hand arithmetic: parameter counts of tiny made-up models, the
 * engine's per-GPU constants, per-step roofline times, steady-state
 * batching and its SLO search, training time and MFU. The numbers are
 * round on purpose (an accelerator of 1e15 FLOP/s and 1e12 B/s, every
 * efficiency 0.5) so each expected value below follows from the equations
 * in perf.c's comments with a pencil. Only the catalog tests read data. */
#include "gigawatt/perf.h"
#include "gigawatt/rack.h"
#include "gw_test.h"
#include "tiny_model.h"

/* ---- made-up inputs (the dense one: tiny_model.h) --------------------- */

/* MLA: L 2, h 64, heads 4, q_lora 32, kv_lora 16, qk_nope 8, qk_rope 4,
 * v_head 8, ffn 128, vocab 100, SwiGLU, untied. Attention per layer:
 * q 64*32 + 32*4*(8+4) = 3584, kv down 64*(16+4) = 1280,
 * kv up 16*4*(8+8) = 1024, o 4*8*64 = 2048; sum 7936.
 * Total 2*(7936 + 24576) + 2*6400 = 77824. */
static gw_llm tiny_mla(void)
{
    gw_llm m = tiny_frame("tiny-mla", "mla", "untied");
    m.layers = 2;
    m.q_lora_rank = 32, m.kv_lora_rank = 16, m.qk_nope_head_dim = 8, m.qk_rope_head_dim = 4;
    m.v_head_dim = 8;
    m.parameters = 77824;
    return m;
}

/* tiny_model.h's accelerator with 100 GB of HBM (scale-up 200e9 B/s one
 * way). */
static gw_accelerator accel(void)
{
    return round_accel(100e9);
}

/* tiny_model.h's stack: gemm 5e14 (bf16), attention 5e14, HBM 5e11 B/s,
 * link 1e11 B/s one way, 1 ms per step, with a stated workspace so that
 * §7.5's share is hand-checkable. */
static gw_efficiency eff(void)
{
    gw_efficiency f = half_eff();
    f.workspace_b = 1000;
    return f;
}

static gw_perf_config config(const gw_llm *m, const gw_accelerator *a, const gw_efficiency *f,
                             int tp, int pp, int ep)
{
    gw_perf_config c = {.model = m, .accel = a, .eff = f, .tp = tp, .pp = pp, .ep = ep,
                        .weights = GW_PREC_BF16, .kv = GW_PREC_BF16};
    return c;
}

/* engine_init must fail with GW_E_INPUT and a message containing `msg` */
static void expect_init_error(const gw_perf_config *c, const char *msg)
{
    gw_perf_engine e;
    gw_error err;
    memset(&err, 0, sizeof err);
    CHECK_INT(gw_perf_engine_init(c, &e, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, msg);
}

/* ---- §7.1 parameter counts ------------------------------------------ */

static void test_count_params_dense_gqa(void)
{
    gw_llm m = tiny_dense();
    gw_llm_params p;
    gw_llm_count_params(&m, &p);
    CHECK_NEAR(p.attention_per_layer, 12288, 0); /* 2*64*4*16 + 2*64*2*16 */
    CHECK_NEAR(p.dense_mlp_per_layer, 24576, 0); /* 3*64*128 */
    CHECK_NEAR(p.expert, 0, 0);
    CHECK_NEAR(p.router, 0, 0);
    CHECK_NEAR(p.embedding, 6400, 0);            /* 100*64 */
    CHECK_NEAR(p.moe_layers, 0, 0);
    CHECK_NEAR(p.dense_layers, 2, 0);
    CHECK_NEAR(p.total, 86528, 0);
    CHECK_NEAR(p.active, 86528, 0);

    /* tied: the embedding once, 86528 - 6400 */
    strcpy(m.embeddings, "tied");
    gw_llm_count_params(&m, &p);
    CHECK_NEAR(p.total, 80128, 0);
    /* plain (GELU) MLP: 2*64*128 = 16384; 2*(12288 + 16384) + 6400 */
    strcpy(m.mlp, "plain");
    gw_llm_count_params(&m, &p);
    CHECK_NEAR(p.dense_mlp_per_layer, 16384, 0);
    CHECK_NEAR(p.total, 63744, 0);
    /* MHA with kv_heads and head_dim omitted: kv = heads, head_dim = 64/4;
     * attention 4*64*64 = 16384 */
    m = tiny_dense();
    strcpy(m.attention, "mha");
    m.kv_heads = 0, m.head_dim = 0;
    gw_llm_count_params(&m, &p);
    CHECK_NEAR(p.attention_per_layer, 16384, 0);
}

static void test_count_params_moe(void)
{
    gw_llm m = tiny_moe();
    gw_llm_params p;
    gw_llm_count_params(&m, &p);
    CHECK_NEAR(p.attention_per_layer, 16384, 0);
    CHECK_NEAR(p.dense_mlp_per_layer, 24576, 0);
    CHECK_NEAR(p.expert, 6144, 0);  /* 3*64*32 */
    CHECK_NEAR(p.router, 512, 0);   /* 64*8 */
    CHECK_NEAR(p.embedding, 6400, 0);
    CHECK_NEAR(p.moe_layers, 3, 0);
    CHECK_NEAR(p.dense_layers, 1, 0);
    CHECK_NEAR(p.total, 263936, 0);
    CHECK_NEAR(p.active, 153344, 0);
}

static void test_count_params_mla(void)
{
    gw_llm m = tiny_mla();
    gw_llm_params p;
    gw_llm_count_params(&m, &p);
    CHECK_NEAR(p.attention_per_layer, 7936, 0);
    CHECK_NEAR(p.total, 77824, 0);
    /* no query compression: q = 64*4*12 = 3072, attention 3072 + 1280 +
     * 1024 + 2048 = 7424, total 2*(7424 + 24576) + 12800 = 76800 */
    m.q_lora_rank = 0;
    gw_llm_count_params(&m, &p);
    CHECK_NEAR(p.attention_per_layer, 7424, 0);
    CHECK_NEAR(p.total, 76800, 0);
}

static void test_llm_check_three_percent_rule(void)
{
    gw_llm m = tiny_dense();
    gw_error err;
    CHECK_INT(gw_llm_check(&m, &err), GW_OK);
    /* count 86528 vs published: +2.9 % and -2.9 % pass, +3.1 % / -3.1 % fail */
    m.parameters = 86528 / 1.029;
    CHECK_INT(gw_llm_check(&m, &err), GW_OK);
    m.parameters = 86528 / 0.971;
    CHECK_INT(gw_llm_check(&m, &err), GW_OK);
    m.parameters = 86528 / 1.031;
    CHECK_INT(gw_llm_check(&m, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "model 'tiny-dense'");
    CHECK_STR_HAS(err.msg, "(+3.1%)");
    m.parameters = 86528 / 0.969;
    CHECK_INT(gw_llm_check(&m, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "(-3.1%)");
    /* MoE and MLA shapes pass with their own counts */
    gw_llm moe = tiny_moe(), mla = tiny_mla();
    CHECK_INT(gw_llm_check(&moe, &err), GW_OK);
    CHECK_INT(gw_llm_check(&mla, &err), GW_OK);
}

static void test_llm_check_shape_errors(void)
{
    gw_llm m = tiny_dense();
    gw_error err;
    m.kv_heads = 3; /* 4 heads are not grouped by 3 */
    CHECK_INT(gw_llm_check(&m, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "kv_heads 3 does not divide heads 4");
    m.kv_heads = 8; /* more KV heads than heads */
    CHECK_INT(gw_llm_check(&m, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "kv_heads 8 does not divide heads 4");
    m = tiny_dense();
    m.ffn_size = 0;
    CHECK_INT(gw_llm_check(&m, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "is dense but has no ffn_size");
    gw_llm moe = tiny_moe();
    moe.active_experts = 9; /* more than the 8 experts */
    CHECK_INT(gw_llm_check(&moe, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "expected active_experts in 1..8");
    gw_llm mla = tiny_mla();
    mla.kv_lora_rank = 0;
    CHECK_INT(gw_llm_check(&mla, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "has attention mla but lacks kv_lora_rank");
}

/* Every model in data/models: its shape gives its published size. */
static void test_catalog_models_pass_check(void)
{
    gw_catalog cat;
    gw_error err;
    memset(&err, 0, sizeof err);
    int rc = gw_catalog_load(&cat, GW_TEST_CATALOG, &err);
    CHECK_INT(rc, GW_OK);
    if (rc) {
        fprintf(stderr, "catalog: %s:%d: %s\n", err.file, err.line, err.msg);
        return;
    }
    int models = 0;
    for (size_t i = 0; i < cat.n; i++) {
        if (cat.entries[i].schema != &gw_schema_llm)
            continue;
        gw_llm m;
        CHECK_INT(gw_catalog_get(&cat, &gw_schema_llm, cat.entries[i].id, NULL, &m, &err), GW_OK);
        rc = gw_llm_check(&m, &err);
        CHECK_INT(rc, GW_OK);
        if (rc)
            fprintf(stderr, "  %s: %s\n", cat.entries[i].id, err.msg);
        /* and, for MoE models that publish one, the active count too */
        if (m.active_parameters > 0) {
            gw_llm_params p;
            gw_llm_count_params(&m, &p);
            CHECK_NEAR(p.active, m.active_parameters, 0.03);
        }
        models++;
    }
    CHECK(models >= 5);
    gw_catalog_free(&cat);
}

/* ---- §7.2, §7.5 engine constants and memory ------------------------- */

static void test_engine_dense_tp1(void)
{
    gw_llm m = tiny_dense();
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    gw_perf_config c = config(&m, &a, &f, 1, 1, 1);
    gw_perf_engine e;
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.stage_layers, 2, 0);
    /* dense weights of the stage: 2*(12288 + 24576) = 73728 */
    CHECK_NEAR(e.linear_flops_per_token, 2 * 73728.0, 0);      /* 147456 */
    CHECK_NEAR(e.routed_flops_per_token, 0, 0);
    CHECK_NEAR(e.head_flops_per_seq, 2 * 6400.0, 0);           /* 12800 */
    /* read per step: the LM head, not the input lookup table */
    CHECK_NEAR(e.dense_weight_bytes, (73728 + 6400) * 2.0, 0); /* 160256 */
    /* resident: both embeddings (untied, one stage) = all 86528 params x 2 B */
    CHECK_NEAR(e.weight_bytes_per_gpu, 173056, 0);
    /* KV: 2 layers x (K+V) x 2 heads x 16 x 2 B */
    CHECK_NEAR(e.kv_bytes_per_token, 256, 0);
    CHECK_NEAR(e.attn_flops_per_pair, 2 * 4 * 4 * 16.0, 0);    /* L x heads x 4 x hd = 512 */
    /* §7.5: HBM x (1 - reserve) - workspace - weights */
    CHECK_NEAR(e.kv_capacity_bytes, 100e9 * 0.9 - 1000 - 173056, 1e-15);
    CHECK_NEAR(e.kv_capacity_tokens, (100e9 * 0.9 - 1000 - 173056) / 256, 1e-15); /* 351.56 M */
    CHECK_NEAR(e.gemm_rate, 5e14, 0);
    CHECK_NEAR(e.attn_rate, 5e14, 0);
    CHECK_NEAR(e.mem_rate, 5e11, 0);
    CHECK_NEAR(e.link_rate, 1e11, 0); /* 400e9 / 2 x 0.5 */
    CHECK_NEAR(e.allreduce_bytes_per_token, 0, 0);
    CHECK_NEAR(e.pp_bytes_per_token, 0, 0);
    CHECK_NEAR(e.activation_bytes_per_token, 0, 0); /* activation_io 0 */
    CHECK_NEAR(e.max_batch_engine, 256, 0);
    CHECK_NEAR(e.kv_reserve_full, 1, 0);

    /* FP8 weights and KV: 1 B each, FP8 peak 2e15 */
    c.weights = GW_PREC_FP8, c.kv = GW_PREC_FP8;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.weight_bytes_per_gpu, 86528, 0);
    CHECK_NEAR(e.kv_bytes_per_token, 128, 0);
    CHECK_NEAR(e.gemm_rate, 1e15, 0);
    CHECK_NEAR(e.attn_rate, 1e15, 0); /* attention at the KV precision */

    /* activation_io 1: per token and layer 14h = 896 unsharded, plus
     * (q+kv) + o + 2(q+kv) + o = 128 + 64 + 256 + 64 = 512 sharded, plus the
     * gated MLP 6 x 128 = 768: 2 x (896 + 512 + 768) = 4352 values x 2 B */
    c.weights = GW_PREC_BF16, c.kv = GW_PREC_BF16;
    f.activation_io = 1;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.activation_bytes_per_token, 8704, 0);
    /* tp 2: 2 x (896 + 256 + 384) = 3072 values */
    c.tp = 2;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.activation_bytes_per_token, 6144, 0);
}

static void test_engine_kv_bytes_gqa_tp(void)
{
    gw_llm m = tiny_dense(); /* 2 KV heads */
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    gw_perf_config c = config(&m, &a, &f, 2, 1, 1);
    gw_perf_engine e;
    gw_error err;
    /* tp 2 = kv_heads: one KV head per GPU, 2 x 2 x 1 x 16 x 2 B */
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.kv_bytes_per_token, 128, 0);
    /* weights split in two: (73728 + 12800) / 2 x 2 B */
    CHECK_NEAR(e.weight_bytes_per_gpu, 86528, 0);
    CHECK_NEAR(e.kv_capacity_tokens, (100e9 * 0.9 - 1000 - 86528) / 128, 1e-15);
    /* tp 4 > 2 KV heads: each GPU keeps a whole (replicated) KV head, still 128 B, not 64 */
    c.tp = 4;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.kv_bytes_per_token, 128, 0);
    CHECK_NEAR(e.attn_flops_per_pair, 2 * 1 * 4 * 16.0, 0); /* one query head per GPU */
    /* all-reduces: after attention and MLP in 2 layers = 4, each of
     * 2(n-1)/n = 1.5 x 64 x 2 B */
    CHECK_NEAR(e.allreduces_per_step, 4, 0);
    CHECK_NEAR(e.allreduce_bytes_per_token, 4 * 1.5 * 128, 0);
    /* pp 2: one layer per stage, 2 x 2 x 16 x 2 B = 128; the embedding
     * counted once per stage (input table first, LM head last) */
    c.tp = 1, c.pp = 2;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.stage_layers, 1, 0);
    CHECK_NEAR(e.kv_bytes_per_token, 128, 0);
    CHECK_NEAR(e.weight_bytes_per_gpu, (36864 + 6400) * 2.0, 0); /* 86528 */
    CHECK_NEAR(e.pp_bytes_per_token, 128, 0);                    /* h x 2 B */
}

static void test_engine_kv_bytes_mla(void)
{
    gw_llm m = tiny_mla();
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    gw_perf_config c = config(&m, &a, &f, 1, 1, 1);
    gw_perf_engine e;
    gw_error err;
    /* latent: 2 layers x (kv_lora 16 + rope 4) x 2 B */
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.kv_bytes_per_token, 80, 0);
    /* absorbed: 2 layers x 4 heads x 2 x (20 + 16) */
    CHECK_NEAR(e.attn_flops_per_pair, 576, 0);
    CHECK_NEAR(e.weight_bytes_per_gpu, 77824 * 2.0, 0);
    /* the latent is replicated over TP: tp 4 still holds 80 B a token */
    c.tp = 4;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.kv_bytes_per_token, 80, 0);
    CHECK_NEAR(e.attn_flops_per_pair, 144, 0);
}

static void test_engine_moe(void)
{
    gw_llm m = tiny_moe();
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    gw_perf_config c = config(&m, &a, &f, 2, 1, 2);
    gw_perf_engine e;
    gw_error err;
    /* tp 2 = ep 2: each GPU holds 4 whole experts of each of 3 MoE layers.
     * Dense part 4*16384 + 24576 + 3*(512 + 6144) = 110080 */
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.stage_moe_layers, 3, 0);
    CHECK_NEAR(e.local_experts, 4, 0);
    CHECK_NEAR(e.expert_bytes, 3 * 6144 * 2.0, 0);                /* 36864 */
    CHECK_NEAR(e.dense_weight_bytes, (110080 + 6400) / 2 * 2.0, 0); /* 116480 */
    CHECK_NEAR(e.linear_flops_per_token, 110080, 0);              /* 2 x 110080 / 2 */
    CHECK_NEAR(e.routed_flops_per_token, 2 * 3 * 2 * 6144 / 2.0, 0); /* 36864 */
    /* ((110080 + 6400) / 2 + 3 x 4 x 6144) x 2 B = all 263936 params over 2 GPUs x 2 B */
    CHECK_NEAR(e.weight_bytes_per_gpu, 263936, 0);
    CHECK_NEAR(e.expert_group_replicas, 1, 0);
    /* all-reduce after every attention and MLP: 4 + 1 dense + 3 MoE */
    CHECK_NEAR(e.allreduces_per_step, 8, 0);
    CHECK_NEAR(e.alltoall_bytes_per_token, 0, 0);

    /* one decode token: each expert is hit with chance 2/8, so the 4
     * local experts cost 4 x 0.25 x 36864 B on top of the dense weights.
     * memory: (116480 + 36864) / 5e11; KV 4 layers x 2 x 2 heads x 16 x 2 B
     * = 512 B x (10 + 1) tokens / 5e11; all-reduce 8 x 1 x 128 B / 1e11 */
    gw_perf_batch b = {.decode_seqs = 1, .decode_context = 10};
    e.imbalance_max_z = 0; /* balanced routing here; §7.8.4's imbalance has its own test */
    double t = gw_perf_stage_time(&e, &b, NULL);
    CHECK_NEAR(t, 1e-3 + 153344 / 5e11 + 512 * 11 / 5e11 + 1024 / 1e11, 1e-12);

    /* ep 4 > tp 2: experts spread over 2 replicas, an all-to-all replaces
     * the MoE all-reduce, once per distinct remote GPU a token's 2 experts
     * sit on (§7.8.3): each of the 3 others misses both its 2 experts with
     * C(6,2)/C(8,2) = 15/28, so 3 x 13/28 remote GPUs x 64 x 2 B, dispatch
     * and combine, 3 layers */
    c.ep = 4;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.local_experts, 2, 0);
    CHECK_NEAR(e.expert_group_replicas, 2, 0);
    CHECK_NEAR(e.allreduces_per_step, 5, 0);
    CHECK_NEAR(e.alltoalls_per_step, 6, 0);
    CHECK_NEAR(e.alltoall_bytes_per_token, 2 * 3 * (3 * 13.0 / 28) * 64 * 2, 1e-14);
}

/* §7.8.1 W4A8 / W4A16: 4-bit experts whose matmuls take wider
 * activations keep their 4-bit bytes but run at the activations' rate; on
 * an accelerator without FP4 matmuls only the upcast is possible. */
static void test_engine_expert_activations(void)
{
    gw_llm m = tiny_moe();
    gw_accelerator a = accel(); /* bf16 1e15, fp8 2e15, no fp4 */
    gw_efficiency f = eff();
    gw_perf_config c = config(&m, &a, &f, 2, 1, 2);
    gw_perf_engine e;
    gw_error err;
    c.expert_weights_set = 1, c.expert_weights = GW_PREC_FP4;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_E_INPUT); /* no FP4 matmuls */
    CHECK_STR_HAS(err.msg, "no fp4 support for the experts");
    c.expert_activations_set = 1, c.expert_activations = GW_PREC_BF16; /* W4A16 */
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.expert_bytes, 3 * 6144 * gw_precision_bytes(GW_PREC_FP4), 0); /* 4-bit bytes */
    CHECK_NEAR(e.expert_peak, 1e15, 0);              /* the bf16 path */
    CHECK_NEAR(e.expert_gemm_rate, 1e15 * 0.5, 1e-3); /* x compute 0.5, no grouped factor */
    c.expert_activations = GW_PREC_FP8;              /* W4A8 */
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.expert_peak, 2e15, 0);
    CHECK_NEAR(e.expert_bytes, 3 * 6144 * gw_precision_bytes(GW_PREC_FP4), 0);
    /* activations narrower than the weights, or on a dense model: errors */
    c.expert_weights = GW_PREC_FP8, c.expert_activations = GW_PREC_FP4;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "expected activations at least as wide as the weights");
    gw_llm d = tiny_dense();
    gw_perf_config cd = config(&d, &a, &f, 1, 1, 1);
    cd.expert_activations_set = 1, cd.expert_activations = GW_PREC_BF16;
    CHECK_INT(gw_perf_engine_init(&cd, &e, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "is dense");
}

/* ---- §7.2–§7.4 step time -------------------------------------------- */

static void test_stage_time_decode_memory_bound(void)
{
    gw_llm m = tiny_dense();
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    gw_perf_config c = config(&m, &a, &f, 1, 1, 1);
    gw_perf_engine e;
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    /* 8 sequences decoding at context 1000 each.
     * linear: 8 x 147456 + 8 x 12800 = 1282048 FLOP / 5e14 = 2.56e-9 s
     *         vs 160256 B / 5e11 = 3.20512e-7 s -> memory
     * attention: 512 x 8000 = 4096000 FLOP / 5e14 = 8.19e-9 s
     *         vs 256 x (8000 + 8) = 2050048 B / 5e11 = 4.100096e-6 s -> memory */
    gw_perf_batch b = {.prefill_tokens = 0, .prefill_chunks = 0, .prefill_pairs = 0, .prefill_past = 0, .decode_seqs = 8, .decode_context = 8000};
    gw_perf_step_detail d;
    double t = gw_perf_stage_time(&e, &b, &d);
    CHECK_NEAR(d.linear_s, 3.20512e-7, 1e-12);
    CHECK_NEAR(d.attention_s, 4.100096e-6, 1e-12);
    CHECK_NEAR(d.comm_s, 0, 0);
    CHECK_NEAR(d.overhead_s, 1e-3, 0);
    CHECK_NEAR(t, 1e-3 + 3.20512e-7 + 4.100096e-6, 1e-12); /* 1.004420608 ms */
    CHECK_NEAR(d.flops, 1282048 + 4096000.0, 1e-12);
    CHECK_NEAR(d.bytes, 160256 + 2050048.0, 1e-12);
    CHECK_NEAR(d.compute_busy_s, 5378048 / 1e15, 1e-12);
    CHECK_NEAR(d.memory_busy_s, 2210304 / 1e12, 1e-12);
    CHECK_NEAR(gw_perf_step(&e, &b, NULL), t, 0); /* pp 1: step = stage */

    /* with activation_io 1 each token adds 8704 B to the linear traffic */
    f.activation_io = 1;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(gw_perf_stage_time(&e, &b, NULL),
               1e-3 + (160256 + 8 * 8704) / 5e11 + 4.100096e-6, 1e-12);
}

/* §7.2 the kernel classes with factors of their own: attention's KV reads
 * at memory_kv (weights keep memory), and a fixed time per layer. */
static void test_stage_time_kv_rate_and_layer_overhead(void)
{
    gw_llm m = tiny_dense();
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    f.memory_kv = 0.25, f.layer_overhead_s = 10e-6;
    gw_perf_config c = config(&m, &a, &f, 1, 1, 1);
    gw_perf_engine e;
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    /* the batch of test_stage_time_decode_memory_bound: weights 160256 B
     * at 5e11, KV 2050048 B at 0.25 x 1e12, 1 ms + 2 layers x 10 us */
    gw_perf_batch b = {.decode_seqs = 8, .decode_context = 8000};
    gw_perf_step_detail d;
    double t = gw_perf_stage_time(&e, &b, &d);
    CHECK_NEAR(d.linear_s, 3.20512e-7, 1e-12);
    CHECK_NEAR(d.attention_s, 2050048 / 2.5e11, 1e-12);
    CHECK_NEAR(d.overhead_s, 1e-3 + 2 * 10e-6, 1e-15);
    CHECK_NEAR(t, 1.02e-3 + 3.20512e-7 + 2050048 / 2.5e11, 1e-12);
    /* absent, both are as before: KV at memory, no per-layer time */
    f.memory_kv = 0, f.layer_overhead_s = 0;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(gw_perf_stage_time(&e, &b, NULL), 1e-3 + 3.20512e-7 + 4.100096e-6, 1e-12);
}

/* §7.2.2 sliding-window layers read only the window's KV and attend to it. */
static void test_stage_time_sliding_window(void)
{
    gw_llm m = tiny_dense();
    m.sliding_window = 100, m.sliding_layers = 1; /* one of the 2 layers slides */
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    gw_perf_config c = config(&m, &a, &f, 1, 1, 1);
    gw_perf_engine e;
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.kv_bytes_per_token, 256, 0); /* the cache still holds every layer */
    /* 8 sequences at context 1000: the full layer reads 8000 tokens, the
     * sliding one 8 x 100, each 128 B per token; the 8 new tokens' KV as
     * before: 128 x (8000 + 800) + 256 x 8 = 1128448 B / 5e11 (memory-bound:
     * 512 x (8000 + 800) / 2 FLOP / 5e14 is 4.5e-9 s) */
    gw_perf_batch b = {.decode_seqs = 8, .decode_context = 8000};
    gw_perf_step_detail d;
    gw_perf_stage_time(&e, &b, &d);
    CHECK_NEAR(d.attention_s, 1128448 / 5e11, 1e-12);
    /* contexts within the window: every layer reads all of it, as before */
    gw_perf_batch s = {.decode_seqs = 8, .decode_context = 400};
    gw_perf_stage_time(&e, &s, &d);
    CHECK_NEAR(d.attention_s, 256 * 408 / 5e11, 1e-12);
    /* a prompt of 1000: the sliding layer makes at most 100 pairs a query
     * (1000 x 100 of 500500), compute-bound: 512 x (500500 + 100000) / 2 */
    gw_perf_batch p = {.prefill_tokens = 1000, .prefill_chunks = 1, .prefill_pairs = 500500};
    gw_perf_stage_time(&e, &p, &d);
    CHECK_NEAR(d.attention_s, fmax(256 * (600500 / 2.0) / 5e14, 256 * 1000 / 5e11), 1e-12);
    CHECK_NEAR(d.flops - 1000 * 147456 - 12800, 256 * 600500, 1e-6);
    /* a window on more layers than the model has: an input error */
    m.sliding_layers = 3;
    expect_init_error(&c, "sliding-window layers");
}

/* §7.4.1 fewer than one prefill chunk per step: the mean step is the mix
 * of decode-only steps and steps with one whole chunk. */
static void test_stage_time_fractional_prefill_is_a_mix(void)
{
    gw_llm m = tiny_moe();
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    gw_perf_config c = config(&m, &a, &f, 1, 1, 1);
    gw_perf_engine e;
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    gw_perf_batch mean = {.prefill_tokens = 250, .prefill_chunks = 0.25,
                          .prefill_pairs = 0.25 * 1000 * 1001 / 2.0, .prefill_past = 0,
                          .decode_seqs = 4, .decode_context = 4000};
    gw_perf_batch decode = {.decode_seqs = 4, .decode_context = 4000};
    gw_perf_batch chunk = {.prefill_tokens = 1000, .prefill_chunks = 1,
                           .prefill_pairs = 1000 * 1001 / 2.0, .decode_seqs = 4,
                           .decode_context = 4000};
    gw_perf_step_detail d, dd, dc;
    double t = gw_perf_stage_time(&e, &mean, &d);
    double td = gw_perf_stage_time(&e, &decode, &dd), tc = gw_perf_stage_time(&e, &chunk, &dc);
    CHECK_NEAR(t, 0.75 * td + 0.25 * tc, 1e-12);
    CHECK_NEAR(d.linear_s, 0.75 * dd.linear_s + 0.25 * dc.linear_s, 1e-12);
    CHECK_NEAR(d.bytes, 0.75 * dd.bytes + 0.25 * dc.bytes, 1e-12);
    /* the decode steps read only the experts 4 tokens wake, fewer than
     * the 254 tokens of the mean batch would: the mix is the cheaper */
    CHECK(td < tc);
    /* a whole chunk or more per step is priced as it is */
    gw_perf_batch whole = chunk;
    CHECK_NEAR(gw_perf_stage_time(&e, &whole, NULL), tc, 0);
}

/* §7.2.3 a step that mixes a prompt with decodes runs without CUDA
 * graphs: an MLA model's stage pays eager_mla_overhead per layer in the
 * share of steps that do; prompts alone, decodes alone, a prefill-first
 * engine and a GQA model pay nothing. */
static void test_stage_time_eager_step(void)
{
    gw_llm m = tiny_mla();
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    f.eager_mla_overhead_s = 1e-3; /* 2 layers: 2 ms an eager step */
    gw_perf_config c = config(&m, &a, &f, 1, 1, 1);
    gw_perf_engine e;
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.eager_step_s, 2e-3, 0);
    gw_perf_batch decode = {.decode_seqs = 4, .decode_context = 400};
    gw_perf_batch prompt = {.prefill_tokens = 100, .prefill_chunks = 1, .prefill_pairs = 5050};
    gw_perf_batch mixed = prompt;
    mixed.decode_seqs = 4, mixed.decode_context = 400;
    gw_perf_batch quarter = {.prefill_tokens = 25, .prefill_chunks = 0.25,
                             .prefill_pairs = 0.25 * 5050, .decode_seqs = 4,
                             .decode_context = 400};
    f.eager_mla_overhead_s = 0;
    gw_perf_engine g; /* the same engine, graphed throughout */
    CHECK_INT(gw_perf_engine_init(&c, &g, &err), GW_OK);
    CHECK_NEAR(gw_perf_eager_share(&e, &decode), 0, 0);
    CHECK_NEAR(gw_perf_eager_share(&e, &prompt), 0, 0);
    CHECK_NEAR(gw_perf_eager_share(&e, &mixed), 1, 0);
    CHECK_NEAR(gw_perf_eager_share(&e, &quarter), 0.25, 0);
    CHECK_NEAR(gw_perf_stage_time(&e, &decode, NULL), gw_perf_stage_time(&g, &decode, NULL), 0);
    CHECK_NEAR(gw_perf_stage_time(&e, &prompt, NULL), gw_perf_stage_time(&g, &prompt, NULL), 0);
    gw_perf_step_detail d, dg;
    double t = gw_perf_stage_time(&e, &mixed, &d), tg = gw_perf_stage_time(&g, &mixed, &dg);
    CHECK_NEAR(t, tg + 2e-3, 1e-15);
    CHECK_NEAR(d.overhead_s, dg.overhead_s + 2e-3, 1e-15);
    CHECK_NEAR(gw_perf_stage_time(&e, &quarter, NULL),
               gw_perf_stage_time(&g, &quarter, NULL) + 0.25 * 2e-3, 1e-15);
    /* joined ranks: any rank's prompt makes every rank eager, 1 - (1 - p)^R
     * without balancing; with it, once a release cycle, 1 / E[L] */
    e.expert_group_replicas = 4, e.adp_balance_iters = 0;
    gw_perf_batch joined = quarter;
    joined.dp_tokens = 4 * (25 + 4), joined.dp_prompts = 0.25;
    CHECK_NEAR(gw_perf_eager_share(&e, &joined), 1 - pow(0.75, 4), 1e-15);
    e.adp_balance_iters = 3;
    double mean, square;
    CHECK_INT(gw_perf_adp_cycle(3, 4, 0.25, &mean, &square), 1);
    /* P(L > 0) = 1, P(L > k) = 1 - (1 - e^(-k/4))^4 for k = 1, 2 */
    double l1 = 1 - pow(1 - exp(-0.25), 4), l2 = 1 - pow(1 - exp(-0.5), 4);
    CHECK_NEAR(mean, 1 + l1 + l2, 1e-15);
    CHECK_NEAR(square, 1 + 3 * l1 + 5 * l2, 1e-15);
    CHECK_NEAR(gw_perf_eager_share(&e, &joined), 1 / mean, 1e-15);
    /* two prompts a rank and step: one real step is eager; a steady
     * state's mean step is a rate, its cycle 1 + P(L > 1) + P(L > 2), the
     * same formula as below one prompt (no jump at p = 1) */
    joined.dp_prompts = 2;
    CHECK_NEAR(gw_perf_eager_share(&e, &joined), 1, 0);
    joined.mean = 1;
    double m1 = 1 - pow(1 - exp(-2.0), 4), m2 = 1 - pow(1 - exp(-4.0), 4);
    CHECK_NEAR(gw_perf_eager_share(&e, &joined), 1 / (1 + m1 + m2), 1e-15);
    joined.dp_prompts = 1 - 1e-9;
    double below = gw_perf_eager_share(&e, &joined);
    joined.dp_prompts = 1 + 1e-9;
    CHECK_NEAR(gw_perf_eager_share(&e, &joined), below, 1e-8);
    e.adp_balance_iters = 0; /* without balancing a mean of p >= 1 is every step */
    CHECK_NEAR(gw_perf_eager_share(&e, &joined), 1, 0);
    joined.mean = 0, joined.dp_prompts = 0.25, e.adp_balance_iters = 3;
    /* a prefill-first engine never mixes; a GQA model pays nothing */
    e.prefill_first = 1;
    CHECK_NEAR(gw_perf_eager_share(&e, &mixed), 0, 0);
    gw_llm dense = tiny_dense();
    f.eager_mla_overhead_s = 1e-3;
    c.model = &dense;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.eager_step_s, 0, 0);
    /* a recipe that captures the mixed steps piecewise pays nothing */
    c.model = &m, c.piecewise_graphs = 1;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.eager_step_s, 0, 0);
    CHECK_NEAR(gw_perf_stage_time(&e, &mixed, NULL), tg, 0);
}

static void test_stage_time_prefill_compute_bound(void)
{
    gw_llm m = tiny_dense();
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    gw_perf_config c = config(&m, &a, &f, 1, 1, 1);
    gw_perf_engine e;
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    /* one 4096-token prompt: pairs 4096 x 4097 / 2 = 8390656.
     * linear: 4096 x 147456 + 12800 = 603992576 FLOP / 5e14 = 1.207985152e-6 s
     *         vs 3.20512e-7 s of weights -> compute
     * attention: 512 x 8390656 = 4296015872 FLOP / 5e14 = 8.592031744e-6 s
     *         vs 256 x 4096 B / 5e11 = 2.097152e-6 s -> compute */
    gw_perf_batch b = {.prefill_tokens = 4096, .prefill_chunks = 1, .prefill_pairs = 8390656, .prefill_past = 0, .decode_seqs = 0, .decode_context = 0};
    gw_perf_step_detail d;
    double t = gw_perf_stage_time(&e, &b, &d);
    CHECK_NEAR(d.linear_s, 1.207985152e-6, 1e-12);
    CHECK_NEAR(d.attention_s, 8.592031744e-6, 1e-12);
    CHECK_NEAR(t, 1e-3 + 1.207985152e-6 + 8.592031744e-6, 1e-12); /* 1.009800017 ms */

    /* a second chunk of the same prompt reads the first chunk's KV:
     * 256 x (4096 past + 4096 new) B / 5e11 = 4.194304e-6 s, still below
     * its attention compute 512 x 4096 x (4096 + 4097/2) / 5e14 */
    gw_perf_batch b2 = {.prefill_tokens = 4096, .prefill_chunks = 1, .prefill_pairs = 4096 * (4096 + 4097 / 2.0), .prefill_past = 4096, .decode_seqs = 0, .decode_context = 0};
    CHECK_NEAR(gw_perf_stage_time(&e, &b2, &d),
               1e-3 + 1.207985152e-6 + 512 * 4096 * (4096 + 2048.5) / 5e14, 1e-12);
}

/* §1.4 a power cap on the accelerator the model sees: s = 0.5, k = 3 and
 * a cap of 0.756 x TDP give x^3 = (0.756 - 0.5) / 0.5 = 0.512, x = 0.8.
 * The compute-bound prefill of test_stage_time_prefill_compute_bound
 * slows by 1/0.8 = 1.25; the memory-bound decode of
 * test_stage_time_decode_memory_bound not at all. */
static void test_power_cap_step(void)
{
    gw_llm m = tiny_dense();
    gw_accelerator a = accel();
    a.static_power_fraction = 0.5, a.dvfs_exponent = 3;
    gw_efficiency f = eff();
    gw_error err;
    double clock;
    CHECK_INT(gw_power_cap_apply(&a, 756, &clock, &err), GW_OK);
    CHECK_NEAR(clock, 0.8, 1e-12);
    CHECK_NEAR(a.bf16_flops, 0.8e15, 1e-12);
    CHECK_NEAR(a.fp8_flops, 1.6e15, 1e-12);
    CHECK_NEAR(a.tdp_w, 756, 0);
    CHECK_NEAR(a.hbm_bandwidth_bps, 1e12, 0); /* its own clock */
    gw_perf_config c = config(&m, &a, &f, 1, 1, 1);
    gw_perf_engine e;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.gemm_rate, 4e14, 1e-12);
    gw_perf_batch pre = {.prefill_tokens = 4096, .prefill_chunks = 1, .prefill_pairs = 8390656};
    CHECK_NEAR(gw_perf_stage_time(&e, &pre, NULL),
               1e-3 + (1.207985152e-6 + 8.592031744e-6) / 0.8, 1e-12);
    gw_perf_batch dec = {.decode_seqs = 8, .decode_context = 8000};
    CHECK_NEAR(gw_perf_stage_time(&e, &dec, NULL), 1e-3 + 3.20512e-7 + 4.100096e-6, 1e-12);
}

/* §7.3 the scale-up domain bounds the fast link: tp 4 over domains of 2
 * runs its all-reduce at the RDMA NIC's 20 GB/s x 0.5, not NVLink's
 * 400/2 x 0.5; without a NIC it is an error at tp. */
static void test_tp_past_the_domain(void)
{
    gw_llm m = tiny_dense();
    gw_accelerator a = accel();
    a.scaleup_domain = 2;
    gw_efficiency f = eff();
    gw_perf_engine e;
    gw_error err;
    gw_perf_config c = config(&m, &a, &f, 2, 1, 1);
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.link_rate, 1e11, 0);
    c.tp = 4;
    expect_init_error(&c, "tensor parallelism 4 spans more than one scale-up domain ('round': 2 per domain)");
    a.scaleout_bandwidth_bps = 20e9;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.link_rate, 1e10, 0);
}

static void test_stage_time_tp2_allreduce(void)
{
    gw_llm m = tiny_dense();
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    gw_perf_config c = config(&m, &a, &f, 2, 1, 1);
    gw_perf_engine e;
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    /* the 8-sequence decode of the tp 1 case, halved per GPU:
     * weights 80128 B / 5e11 = 1.60256e-7 s; KV 128 x 8008 B / 5e11 =
     * 2.050048e-6 s; plus 4 all-reduces (attention + MLP, 2 layers) of
     * 8 tokens x 64 x 2 B = 1024 B, each 2(2-1)/2 x 1024 B over
     * 400e9 / 2 x 0.5 = 1e11 B/s: 4 x 1.024e-8 = 4.096e-8 s */
    gw_perf_batch b = {.prefill_tokens = 0, .prefill_chunks = 0, .prefill_pairs = 0, .prefill_past = 0, .decode_seqs = 8, .decode_context = 8000};
    gw_perf_step_detail d;
    double t = gw_perf_stage_time(&e, &b, &d);
    CHECK_NEAR(d.comm_s, 4.096e-8, 1e-12);
    CHECK_NEAR(d.linear_s, 1.60256e-7, 1e-12);
    CHECK_NEAR(d.attention_s, 2.050048e-6, 1e-12);
    CHECK_NEAR(t, 1e-3 + 1.60256e-7 + 2.050048e-6 + 4.096e-8, 1e-12);
    /* a collective latency of 1 us adds 4 x 1 us */
    f.collective_latency_s = 1e-6;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(gw_perf_stage_time(&e, &b, NULL), t + 4e-6, 1e-12);
    /* tp 4: ring factor 2 x 3 / 4 = 1.5 -> 4 x 1.5 x 1024 / 1e11 */
    f.collective_latency_s = 0;
    c.tp = 4;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    gw_perf_stage_time(&e, &b, &d);
    CHECK_NEAR(d.comm_s, 6.144e-8, 1e-12);
}

static void test_stage_time_empty_batch(void)
{
    gw_llm m = tiny_dense();
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    gw_perf_config c = config(&m, &a, &f, 2, 1, 1);
    gw_perf_engine e;
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    gw_perf_batch b = {.prefill_tokens = 0, .prefill_chunks = 0, .prefill_pairs = 0, .prefill_past = 0, .decode_seqs = 0, .decode_context = 0};
    gw_perf_step_detail d;
    memset(&d, 0xff, sizeof d);
    CHECK_NEAR(gw_perf_stage_time(&e, &b, &d), 0, 0); /* no step overhead either */
    CHECK_NEAR(d.linear_s + d.attention_s + d.comm_s + d.overhead_s, 0, 0);
    CHECK_NEAR(d.flops + d.bytes, 0, 0);
    CHECK_NEAR(gw_perf_step(&e, &b, NULL), 0, 0);
    CHECK_NEAR(gw_perf_stage_time(&e, &b, NULL), 0, 0); /* d may be NULL */
}

static void test_step_pp2_is_two_half_stages(void)
{
    gw_llm m = tiny_dense();
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    gw_perf_config c = config(&m, &a, &f, 1, 2, 1);
    gw_perf_engine e;
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    /* 8 sequences at context 1000 -> 2 micro-batches of 4 at 4000 in all.
     * One stage (1 layer + LM head): weights (36864 + 6400) x 2 = 86528 B
     * / 5e11 = 1.73056e-7 s; KV 128 x (4000 + 4) B / 5e11 = 1.025024e-6 s;
     * activations to the next stage 4 x 128 B / 1e11 = 5.12e-9 s.
     * Stage 1.0012032 ms, step 2 x that. */
    gw_perf_batch b = {.prefill_tokens = 0, .prefill_chunks = 0, .prefill_pairs = 0, .prefill_past = 0, .decode_seqs = 8, .decode_context = 8000};
    gw_perf_batch half = {.prefill_tokens = 0, .prefill_chunks = 0, .prefill_pairs = 0, .prefill_past = 0, .decode_seqs = 4, .decode_context = 4000};
    double stage = 1e-3 + 1.73056e-7 + 1.025024e-6 + 5.12e-9;
    CHECK_NEAR(gw_perf_stage_time(&e, &half, NULL), stage, 1e-12);
    CHECK_NEAR(gw_perf_step(&e, &b, NULL), 2 * stage, 1e-12); /* 2.0024064 ms */
    CHECK_NEAR(gw_perf_step(&e, &b, NULL), 2 * gw_perf_stage_time(&e, &half, NULL), 1e-15);
    /* prefill splits the same way: a 4096-token chunk -> 2 x 2048 */
    gw_perf_batch p = {.prefill_tokens = 4096, .prefill_chunks = 2, .prefill_pairs = 2 * 2048 * 2049 / 2.0, .prefill_past = 0, .decode_seqs = 0, .decode_context = 0};
    gw_perf_batch ph = {.prefill_tokens = 2048, .prefill_chunks = 1, .prefill_pairs = 2048 * 2049 / 2.0, .prefill_past = 0, .decode_seqs = 0, .decode_context = 0};
    CHECK_NEAR(gw_perf_step(&e, &p, NULL), 2 * gw_perf_stage_time(&e, &ph, NULL), 1e-15);
}

/* ---- §7.4 steady state, SLO search, gw_perf_infer -------------------- */

/* Steady state of the tiny dense model at tp 1, input 1000, output 100,
 * batch B: per step B/100 prompts start (10B prompt tokens, 5005B pairs)
 * and 0.99B sequences decode at context 1050 (1039.5B).
 *   linear: 10.99B x 147456 + B x 12800 = 1633341.44B FLOP -> 3.26668288e-9 B s
 *           vs 3.20512e-7 s of weights (compute-bound from B = 99)
 *   attention: memory, 256 x (1039.5 + 10.99)B B / 5e11 = 5.3785088e-7 B s
 *           (compute 512 x 6044.5B / 5e14 = 6.19e-9 B s)
 * step(B) = 1 ms + max(3.26668288e-9 B, 3.20512e-7) + 5.3785088e-7 B
 * from B = 100 (a whole prompt or more per step). Below, §7.4.1: a share
 * p = B/100 of the steps carries one 1000-token prompt, the rest decode
 * only, and the linear term is the mix (1 - p) max(0.99B x 160256 FLOP /
 * 5e14, w) + p max(((0.99B + 1000) x 147456 + (0.99B + 1) x 12800) / 5e14,
 * w); attention stays memory-bound in both, so its mix is the mean's. */
static double hand_step(double B)
{
    double p = B / 100, w = 3.20512e-7, attention = 5.3785088e-7 * B;
    if (p >= 1)
        return 1e-3 + fmax(3.26668288e-9 * B, w) + attention;
    double decode_only = 0.99 * B * 160256 / 5e14;
    double with_prompt = ((0.99 * B + 1000) * 147456 + (0.99 * B + 1) * 12800) / 5e14;
    return 1e-3 + (1 - p) * fmax(decode_only, w) + p * fmax(with_prompt, w) + attention;
}

static void test_steady_state_by_hand(void)
{
    gw_llm m = tiny_dense();
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    gw_perf_config c = config(&m, &a, &f, 1, 1, 1);
    gw_perf_engine e;
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    gw_perf_request rq = {1, 1000, 100, 0, 0, 0, 0};
    gw_perf_point p;
    gw_perf_steady(&e, &rq, 1, &p);
    CHECK_NEAR(p.step_s, 1.00085836288e-3, 1e-12);
    CHECK_NEAR(p.tokens_per_s, 1 / 1.00085836288e-3, 1e-12);
    /* TTFT at batch 1: half a step of waiting, then the 1000-token prompt
     * alone (no other sequence decodes beside it): linear max(147468800 /
     * 5e14, 3.20512e-7) = 3.20512e-7 s; attention max(512 x 500500 / 5e14,
     * 256 x 1000 / 5e11) = 5.12512e-7 s */
    CHECK_NEAR(p.ttft_s, 1.00085836288e-3 / 2 + 1e-3 + 3.20512e-7 + 5.12512e-7, 1e-12);
    gw_perf_steady(&e, &rq, 256, &p);
    CHECK_NEAR(p.step_s, hand_step(256), 1e-12); /* 1.1385261 ms */
    /* 4 replicas: 4 x 256 tokens per step */
    rq.count = 4;
    gw_perf_steady(&e, &rq, 256, &p);
    CHECK_NEAR(p.tokens_per_s, 4 * 256 / hand_step(256), 1e-12); /* 899,408 */
}

static void test_steady_state_monotone_in_batch(void)
{
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    gw_llm models[2] = {tiny_dense(), tiny_moe()};
    for (int k = 0; k < 2; k++) {
        gw_perf_config c = config(&models[k], &a, &f, 2, 1, k ? 2 : 1);
        gw_perf_engine e;
        gw_error err;
        CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
        gw_perf_request rq = {2, 1000, 100, 0, 0, 0, 0};
        double prev_step = 0, prev_tps = 0;
        for (int B = 1; B <= 256; B++) {
            gw_perf_point p;
            gw_perf_steady(&e, &rq, B, &p);
            CHECK(p.step_s >= prev_step);
            CHECK(p.tokens_per_s >= prev_tps);
            CHECK(p.utilisation >= 0 && p.utilisation <= 1);
            prev_step = p.step_s, prev_tps = p.tokens_per_s;
            gw_perf_batch b = {.prefill_tokens = 0, .prefill_chunks = 0, .prefill_pairs = 0, .prefill_past = 0, .decode_seqs = B, .decode_context = B * 1000.0};
            gw_perf_batch b1 = {.prefill_tokens = 0, .prefill_chunks = 0, .prefill_pairs = 0, .prefill_past = 0, .decode_seqs = B + 1, .decode_context = (B + 1) * 1000.0};
            CHECK(gw_perf_step(&e, &b1, NULL) >= gw_perf_step(&e, &b, NULL));
        }
    }
}

static void test_infer_slo_search(void)
{
    gw_llm m = tiny_dense();
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    gw_perf_config c = config(&m, &a, &f, 1, 1, 1);
    gw_perf_engine e;
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    gw_perf_request rq = {1, 1000, 100, 0, 1.05e-3, 0, 0};
    gw_perf_result r;
    CHECK_INT(gw_perf_infer(&e, &rq, &r, &err), GW_OK);
    CHECK_INT(r.dp, 1);
    CHECK_NEAR(r.max_batch, 256, 0); /* the engine cap; memory fits 319,601 */
    CHECK_NEAR(r.weights_per_gpu_b, 173056, 0);
    CHECK_NEAR(r.kv_bytes_per_token, 256, 0);
    CHECK_NEAR(r.offline.batch, 256, 0);
    CHECK_NEAR(r.offline.step_s, hand_step(256), 1e-12);
    /* decode alone at 256 x context 1050: weights 3.20512e-7 s, KV 256 x
     * 256 x 1051 B / 5e11 */
    CHECK_NEAR(r.decode_step_s, 1e-3 + 3.20512e-7 + 256 * 256 * 1051 / 5e11, 1e-12);
    /* prefill alone (the batch-1 TTFT without the wait) */
    CHECK_NEAR(r.prefill_s, 1e-3 + 3.20512e-7 + 5.12512e-7, 1e-12);
    /* TPOT 1.05 ms: about 1.00032 ms + 5.3785088e-7 B <= 1.05 ms for
     * B <= 92.4, so 92 (1.0498061 ms with the mix of steps); 93 gives 1.0503 ms */
    CHECK_INT(r.slo_given, 1);
    CHECK_INT(r.slo_feasible, 1);
    CHECK_NEAR(r.slo.batch, 92, 0);
    CHECK_NEAR(r.slo.step_s, hand_step(92), 1e-12);
    CHECK(r.slo.step_s <= 1.05e-3);
    gw_perf_point p;
    gw_perf_steady(&e, &rq, r.slo.batch + 1, &p);
    CHECK(p.step_s > 1.05e-3);

    /* a target below step(1) = 1.00086 ms: nothing meets it */
    rq.tpot_slo_s = 1e-3;
    CHECK_INT(gw_perf_infer(&e, &rq, &r, &err), GW_OK);
    CHECK_INT(r.slo_given, 1);
    CHECK_INT(r.slo_feasible, 0);
    CHECK_STR_HAS(r.infeasible, "time per output token");
    /* a TTFT target below TTFT(1) = 1.50179 ms */
    rq.tpot_slo_s = 0, rq.ttft_slo_s = 1.5e-3;
    CHECK_INT(gw_perf_infer(&e, &rq, &r, &err), GW_OK);
    CHECK_INT(r.slo_feasible, 0);
    CHECK_STR_HAS(r.infeasible, "time to first token");
    /* no targets: the SLO point is the offline point */
    rq.ttft_slo_s = 0;
    CHECK_INT(gw_perf_infer(&e, &rq, &r, &err), GW_OK);
    CHECK_INT(r.slo_given, 0);
    CHECK_INT(r.slo_feasible, 1);
    CHECK_NEAR(r.slo.batch, 256, 0);
    /* a requested cap below the engine's */
    rq.max_batch = 10;
    CHECK_INT(gw_perf_infer(&e, &rq, &r, &err), GW_OK);
    CHECK_NEAR(r.max_batch, 10, 0);
}

/* docs/model.md §7.4.2: the moments of the three descriptions of the
 * lengths, by hand, and what a dataset's spread does to the batch and its
 * step: the KV held per sequence, the KV cache's fit and a slower step. */
static void test_lengths_spread(void)
{
    gw_perf_lengths L;
    /* fixed: I + O/2, sd O/sqrt(12), I + O reserved */
    gw_perf_lengths_of(1000, 100, 0, 0, &L);
    CHECK_NEAR(L.in, 1000, 0);
    CHECK_NEAR(L.out, 100, 0);
    CHECK_NEAR(L.in_pairs, 500500, 0);
    CHECK_NEAR(L.decode_context, 1050, 1e-12);
    CHECK_NEAR(L.context_sd, 100 / sqrt(12.0), 1e-9);
    CHECK_NEAR(L.reserved, 1100, 1e-12);
    CHECK_NEAR(L.prompt_cv, 0, 0);
    /* uniform in [0.5 N, N]: E[x] = 0.75 N, E[x^2] = 1.75/3 N^2, E[x^3] =
     * 1.5 x 1.25 / 4 N^3; context 750 + (1e4 x 1.75/3) / 150 = 788.89 */
    gw_perf_lengths_of(1000, 100, 0.5, 0, &L);
    CHECK_NEAR(L.in, 750, 1e-12);
    CHECK_NEAR(L.out, 75, 1e-12);
    CHECK_NEAR(L.decode_context, 750 + 1e4 * 1.75 / 3 / 150, 1e-9);
    CHECK_NEAR(L.prompt_cv, 0.5 / (sqrt(3) * 1.5), 1e-12);
    /* var: Var(I) = 1e6 (1.75/3 - 0.5625), E[O^3]/(3 E[O]) = 1e6 x 0.46875 / 225,
     * minus (38.89)^2 */
    double half = 1e4 * 1.75 / 3 / 150;
    CHECK_NEAR(L.context_sd * L.context_sd,
               1e6 * (1.75 / 3 - 0.5625) + 1e6 * 0.46875 / 225 - half * half, 1e-6);
    /* a spread of v = 1 (gamma: exponential): E[O^2] = 2 O^2, E[O^3] = 6 O^3;
     * context I + O, sd O, reserved I + 2 O */
    gw_perf_lengths_of(1000, 100, 0, 1, &L);
    CHECK_NEAR(L.out, 100, 0);
    CHECK_NEAR(L.decode_context, 1100, 1e-9);
    CHECK_NEAR(L.context_sd, 100, 1e-9);
    CHECK_NEAR(L.reserved, 1200, 1e-9);

    gw_llm m = tiny_dense();
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    a.hbm_capacity_b = 1e6; /* KV: 2835.7 tokens (test_infer_memory_and_errors) */
    gw_perf_config c = config(&m, &a, &f, 1, 1, 1);
    gw_perf_engine e;
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    gw_perf_request rq = {1, 1000, 100, 0, 0, 0, 0};
    gw_perf_result r;
    CHECK_INT(gw_perf_infer(&e, &rq, &r, &err), GW_OK);
    CHECK_NEAR(r.max_batch, 2, 0); /* reserved: floor(2835.7 / 1100) */
    rq.output_cv = 1;
    CHECK_INT(gw_perf_infer(&e, &rq, &r, &err), GW_OK);
    CHECK_NEAR(r.max_batch, 2, 0); /* floor(2835.7 / 1200) */
    rq.output_cv = 2; /* reserved 1000 + 100 x 5 = 1500: one */
    CHECK_INT(gw_perf_infer(&e, &rq, &r, &err), GW_OK);
    CHECK_NEAR(r.kv_tokens_per_seq, 1500, 1e-9);
    CHECK_NEAR(r.max_batch, 1, 0);
    /* the recipe's policy overrides the stack's: on demand, 1000 + 250 */
    c.kv_policy = GW_KV_ON_DEMAND;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_INT(e.kv_reserve_full, 0);
    CHECK_INT(gw_perf_infer(&e, &rq, &r, &err), GW_OK);
    CHECK_NEAR(r.kv_tokens_per_seq, 1250, 1e-9);
    CHECK_NEAR(r.max_batch, 2, 0); /* floor(2835.7 / 1250) */
    c.kv_policy = GW_KV_RESERVE; /* and back, whatever the stack says */
    strcpy(f.kv_policy, "on-demand");
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_INT(e.kv_reserve_full, 1);
    strcpy(f.kv_policy, "reserve");
    CHECK_INT(gw_kv_policy_parse(""), GW_KV_STACK);
    CHECK_INT(gw_kv_policy_parse("reserve"), GW_KV_RESERVE);
    CHECK_INT(gw_kv_policy_parse("on-demand"), GW_KV_ON_DEMAND);
    CHECK_INT(gw_kv_policy_parse("lazy"), -1);

    /* the step: the same batch decodes at a longer mean context */
    a = accel();
    c = config(&m, &a, &f, 1, 1, 1);
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    gw_perf_request fixed = {1, 1000, 100, 0, 0, 0, 0}, spread = fixed;
    spread.output_cv = 1;
    gw_perf_point pf, ps;
    gw_perf_steady(&e, &fixed, 256, &pf);
    gw_perf_steady(&e, &spread, 256, &ps);
    CHECK(ps.detail.attention_s > pf.detail.attention_s);
    CHECK(ps.step_s > pf.step_s);
    CHECK_NEAR(ps.detail.linear_s, pf.detail.linear_s, 1e-15); /* as many tokens a step */
}

static void test_infer_memory_and_errors(void)
{
    gw_llm m = tiny_dense();
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    a.hbm_capacity_b = 1e6; /* KV: (1e6 x 0.9 - 1000 - 173056) / 256 = 2835.7 tokens */
    gw_perf_config c = config(&m, &a, &f, 1, 1, 1);
    gw_perf_engine e;
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(e.kv_capacity_tokens, 2835.71875, 1e-12);
    gw_perf_request rq = {1, 1000, 100, 0, 0, 0, 0};
    gw_perf_result r;
    CHECK_INT(gw_perf_infer(&e, &rq, &r, &err), GW_OK);
    CHECK_NEAR(r.max_batch, 2, 0); /* floor(2835.7 / 1100) */
    /* 2000 + 1000 reserved > 2835 tokens: not even one sequence */
    rq.input_tokens = 2000, rq.output_tokens = 1000;
    CHECK_INT(gw_perf_infer(&e, &rq, &r, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "less than one sequence of 3000");
    /* paged on demand: 2000 + 1000/2 = 2500 on average fits once */
    strcpy(f.kv_policy, "on-demand");
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_INT(gw_perf_infer(&e, &rq, &r, &err), GW_OK);
    CHECK_NEAR(r.max_batch, 1, 0);

    /* count not a whole number of tp x pp replicas */
    a = accel();
    c = config(&m, &a, &f, 2, 1, 1);
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    gw_perf_request bad = {3, 1000, 100, 0, 0, 0, 0};
    CHECK_INT(gw_perf_infer(&e, &bad, &r, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "expected a multiple of 2");
    bad.count = 0;
    CHECK_INT(gw_perf_infer(&e, &bad, &r, &err), GW_E_INPUT);
    bad.count = 4;
    CHECK_INT(gw_perf_infer(&e, &bad, &r, &err), GW_OK);
    CHECK_INT(r.dp, 2);
    bad.output_tokens = 0;
    CHECK_INT(gw_perf_infer(&e, &bad, &r, &err), GW_E_INPUT);
    /* ep 2 over tp 1 needs an even number of replicas */
    gw_llm moe = tiny_moe();
    c = config(&moe, &a, &f, 1, 1, 2);
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    gw_perf_request one = {1, 1000, 100, 0, 0, 0, 0};
    CHECK_INT(gw_perf_infer(&e, &one, &r, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "expected dp x tp to be a multiple of ep");
    one.count = 2;
    CHECK_INT(gw_perf_infer(&e, &one, &r, &err), GW_OK);
}

/* ---- engine_init errors --------------------------------------------- */

static void test_engine_init_errors(void)
{
    gw_llm m = tiny_dense(), moe = tiny_moe();
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    gw_perf_config c = config(&m, &a, &f, 3, 1, 1);
    expect_init_error(&c, "tensor parallelism 3 does not divide the 4 attention heads");
    c = config(&m, &a, &f, 1, 3, 1);
    expect_init_error(&c, "pipeline parallelism 3 does not divide the 2 layers");
    c = config(&m, &a, &f, 0, 1, 1);
    expect_init_error(&c, "expected whole numbers >= 1");
    c = config(&m, &a, &f, 2, 1, 2);
    expect_init_error(&c, "expert parallelism 2 given but 'tiny-dense' is dense");
    c = config(&moe, &a, &f, 1, 1, 3);
    expect_init_error(&c, "expert parallelism 3 does not divide the 8 experts");
    c = config(&m, &a, &f, 1, 1, 1);
    c.weights = GW_PREC_FP4;
    expect_init_error(&c, "accelerator 'round' has no fp4 support");
    c.weights = GW_PREC_BF16, c.kv = GW_PREC_FP4;
    expect_init_error(&c, "for the KV cache");
    /* a shape that fails gw_llm_check fails here too */
    gw_llm bad = tiny_dense();
    bad.parameters = 1e6;
    c = config(&bad, &a, &f, 1, 1, 1);
    expect_init_error(&c, "expected them within 3%");
    /* 6 heads in 3 KV groups: tp 2 neither divides 3 nor is a multiple.
     * attention 2*64*96 + 2*64*48 = 18432; total 2*(18432 + 24576) + 12800 */
    gw_llm six = tiny_dense();
    six.heads = 6, six.kv_heads = 3, six.parameters = 98816;
    c = config(&six, &a, &f, 2, 1, 1);
    expect_init_error(&c, "neither divides nor is a multiple of the 3 KV heads");
    /* weights of 173056 B on 100 kB of HBM, of which the engine uses 90%
     * less a 1000 B workspace = 89000 B: tp x pp of at least
     * floor(173056 / 89000) + 1 = 2 */
    a.hbm_capacity_b = 100e3;
    f.workspace_b = 1000;
    c = config(&m, &a, &f, 1, 1, 1);
    expect_init_error(&c, "expected at least 2 GPUs' share of the weights");
    /* ... and tp 2 (86528 B per GPU) fits */
    c.tp = 2;
    gw_perf_engine e;
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    /* a stack that states its workspace gets the rest: 89000 - 86528 B */
    CHECK_NEAR(e.kv_capacity_tokens, (100e3 * 0.9 - 1000 - 86528) / 128, 1e-12); /* 19.3 */
}

/* ---- frontier model (docs/model.md §7.8, §7.11) ---------------------- */

/* One configuration of the made-up inputs and its engine: a test changes
 * a field of r.c, r.a or r.f and runs rig_init again. */
typedef struct rig {
    gw_llm m;
    gw_accelerator a;
    gw_efficiency f;
    gw_perf_config c;
    gw_perf_engine e;
    gw_error err;
} rig;

static void rig_setup(rig *r, gw_llm m, int tp, int ep, int attention_dp)
{
    memset(r, 0, sizeof *r);
    r->m = m, r->a = accel(), r->f = eff();
    r->f.workspace_b = 0; /* the rig exercises §7.5's activation estimate */
    r->c = config(&r->m, &r->a, &r->f, tp, 1, ep);
    r->c.attention_dp = attention_dp;
}

static int rig_init(rig *r)
{
    return gw_perf_engine_init(&r->c, &r->e, &r->err);
}

/* A dense model with attention_dp 1 has nothing MoE about it: setting it
 * changes nothing (the KV capacity follows §7.5's share:
 * 100e9 x 0.9 - workspace - weights; workspace 256 tokens x 2 B x (4 x 64 +
 * 2 x 128) + 256 rows x 100 x 4 B = 364544 B). */
static void test_frontier_dense_as_before(void)
{
    rig r;
    rig_setup(&r, tiny_dense(), 1, 1, 0);
    gw_perf_engine old;
    CHECK_INT(gw_perf_engine_init(&r.c, &old, &r.err), GW_OK);
    r.c.attention_dp = 1;
    CHECK_INT(rig_init(&r), GW_OK);
    CHECK_NEAR(r.e.workspace_bytes, 364544, 0);
    CHECK_NEAR(r.e.kv_capacity_bytes, 90e9 - 364544 - 173056, 1e-15);
    gw_perf_batch b = {.prefill_tokens = 100, .prefill_chunks = 1, .prefill_pairs = 5050,
                       .decode_seqs = 8, .decode_context = 8000};
    CHECK_NEAR(gw_perf_stage_time(&r.e, &b, NULL), gw_perf_stage_time(&old, &b, NULL), 1e-14);
    CHECK_NEAR(gw_perf_expert_imbalance(&r.e, 1000), 0, 0);
    /* memory_fraction: 100e9 x 0.5 less workspace and weights */
    r.c.memory_fraction = 0.5;
    CHECK_INT(rig_init(&r), GW_OK);
    CHECK_NEAR(r.e.kv_capacity_bytes, 50e9 - 364544 - 173056, 1e-15);
    r.c.memory_fraction = 1.5;
    expect_init_error(&r.c, "memory fraction 1.5; expected a share of HBM in (0, 1]");
}

/* One MoE layer of 256 experts, top-8, like DeepSeek's: attention 2 x 16384,
 * dense MLP 24576, router 64 x 256 = 16384, experts 256 x 6144 = 1572864,
 * embedding 6400 (tied): 1652992 parameters. */
static gw_llm wide_moe(void)
{
    gw_llm m = tiny_moe();
    strcpy(m.meta.id, "wide-moe");
    m.layers = 2, m.dense_layers = 1, m.experts = 256, m.active_experts = 8;
    m.shared_experts = 0, m.parameters = 1652992;
    return m;
}

/* §7.8.4: the anchor is reproduced (EP32, 256 tokens per rank: 1.564 no
 * EPLB, 0.109 with), and far from it the popularity term alone remains. */
static void test_frontier_expert_imbalance(void)
{
    rig r;
    rig_setup(&r, wide_moe(), 1, 32, 32);
    CHECK_INT(rig_init(&r), GW_OK);
    double z = r.e.imbalance_max_z; /* E[max of 32 normals] = 2.0697 */
    CHECK_NEAR(z, 2.0697, 0.002);
    CHECK_NEAR(r.e.dp_max_z, z, 0);
    CHECK_NEAR(r.e.local_experts, 8, 0);
    CHECK_NEAR(gw_perf_expert_imbalance(&r.e, 8192), 1.564, 1e-9);
    /* T -> infinity: i^2 = 1.564^2 - z^2 (31/32) / 2048 (the anchor's sampling share) */
    CHECK_NEAR(gw_perf_expert_imbalance(&r.e, 1e15), sqrt(1.564 * 1.564 - z * z * 31 / 32 / 2048),
               1e-9);
    /* fewer tokens, more imbalance */
    CHECK(gw_perf_expert_imbalance(&r.e, 256) > gw_perf_expert_imbalance(&r.e, 8192));
    r.c.eplb = 1;
    CHECK_INT(rig_init(&r), GW_OK);
    CHECK_NEAR(gw_perf_expert_imbalance(&r.e, 8192), 0.109, 1e-9);
    CHECK_NEAR(r.e.local_experts, 9, 0); /* 8 + one redundant slot */
    /* EP72 over 256 experts only with EPLB's slots: 3 + 1 per GPU */
    r.c.ep = 72, r.c.attention_dp = 72;
    CHECK_INT(rig_init(&r), GW_OK);
    CHECK_NEAR(r.e.local_experts, 4, 0);
    r.c.eplb = 0;
    expect_init_error(&r.c, "expert parallelism 72 does not divide the 256 experts");
    /* SGLang's redundant experts without balancing: 256 + 32 slots over
     * EP48, 6 a GPU; the imbalance stays the unbalanced anchor's (the
     * popularity over the 256 experts), the slots' weights are read */
    r.c.ep = 48, r.c.attention_dp = 48;
    expect_init_error(&r.c, "expert parallelism 48 does not divide the 256 experts");
    r.c.redundant_experts = 32;
    CHECK_INT(rig_init(&r), GW_OK);
    CHECK_NEAR(r.e.local_experts, 6, 0);
    r.c.redundant_experts = 30; /* 286 slots */
    expect_init_error(&r.c, "expert parallelism 48 does not divide the 286 expert slots");
    /* EP32: 9 slots a GPU, as EPLB's, one expert's weights more a GPU */
    r.c.redundant_experts = 0, r.c.ep = 32, r.c.attention_dp = 32;
    CHECK_INT(rig_init(&r), GW_OK);
    double eight = r.e.weight_bytes_per_gpu;
    r.c.redundant_experts = 32;
    CHECK_INT(rig_init(&r), GW_OK);
    CHECK_NEAR(r.e.local_experts, 9, 0);
    CHECK_NEAR(r.e.weight_bytes_per_gpu - eight, r.e.expert_bytes, 1e-6 * eight);
    CHECK_NEAR(gw_perf_expert_imbalance(&r.e, 8192), 1.564, 1e-9);
    r.c.redundant_experts = -1;
    expect_init_error(&r.c, "-1 redundant experts");
    r.c.redundant_experts = 0;
    r.c.eplb = 1, r.c.ep = 32, r.c.attention_dp = 32;
    /* ep 8 over 8 ranks: m = 32 experts per GPU, same popularity CV:
     * i(inf) = z8 sqrt((7/8) c^2 / 32), c^2 = 8 ((1.564/z32)^2 (32/31) - 1/2048) */
    r.c.eplb = 0, r.c.ep = 8, r.c.attention_dp = 8;
    CHECK_INT(rig_init(&r), GW_OK);
    double c2 = 8 * (pow(1.564 / z, 2) * 32 / 31 - 1.0 / 2048);
    CHECK_NEAR(gw_perf_expert_imbalance(&r.e, 1e15), r.e.imbalance_max_z * sqrt(7.0 / 8 * c2 / 32),
               1e-6);
    /* ep 1: every GPU holds a slice of every expert, nothing to balance */
    r.c.ep = 1, r.c.attention_dp = 1;
    CHECK_INT(rig_init(&r), GW_OK);
    CHECK_NEAR(gw_perf_expert_imbalance(&r.e, 100), 0, 0);
}

/* §7.8.3: tiny MoE (8 experts, top-2, 3 MoE layers, h 64) over 8 ranks of
 * DEP8: one expert per GPU, a token misses a given GPU with (7/8)(6/7) =
 * 0.75, so it reaches 0.25 x 7 = 1.75 other GPUs: BF16 dispatch + BF16
 * combine = 64 x 4 B x 1.75 x 3 layers = 1344 B per token. */
static void test_frontier_alltoall_per_fabric(void)
{
    rig r;
    rig_setup(&r, tiny_moe(), 1, 8, 8);
    CHECK_INT(rig_init(&r), GW_OK);
    CHECK_NEAR(r.e.expert_group_replicas, 8, 0);
    CHECK_NEAR(r.e.alltoall_bytes_per_token, 1344, 1e-15);
    CHECK_NEAR(r.e.alltoall_rdma_bytes_per_token, 0, 0);
    CHECK_NEAR(r.e.alltoalls_per_step, 6, 0);
    CHECK_NEAR(r.e.alltoall_latency_s, 25e-6, 0); /* the NVL72 fallback */
    CHECK_NEAR(r.e.allreduces_per_step, 0, 0);
    /* FP8 experts dispatch in FP8: 64 x 3 B x 1.75 x 3 */
    r.c.expert_weights_set = 1, r.c.expert_weights = GW_PREC_FP8;
    CHECK_INT(rig_init(&r), GW_OK);
    CHECK_NEAR(r.e.alltoall_bytes_per_token, 1008, 1e-15);
    /* a scale-up domain of 4: 3 of the 7 other GPUs over NVLink, 4 over
     * RDMA (no NIC in the catalog: 50 GB/s x 0.5), the RDMA floor */
    r.c.expert_weights_set = 0;
    r.a.scaleup_domain = 4;
    r.f.alltoall_rdma_latency_s = 1e-4;
    CHECK_INT(rig_init(&r), GW_OK);
    CHECK_NEAR(r.e.alltoall_bytes_per_token, 576, 1e-15);
    CHECK_NEAR(r.e.alltoall_rdma_bytes_per_token, 768, 1e-15);
    CHECK_NEAR(r.e.rdma_rate, 25e9, 0);
    CHECK_NEAR(r.e.alltoall_latency_s, 1e-4, 0);
    /* one decode token per rank: the experts see 8, the hottest GPU
     * (1 + i) x 1; RDMA 768 / 25e9 beats NVLink 576 / 1e11 */
    gw_perf_batch b = {.decode_seqs = 1, .decode_context = 10};
    gw_perf_step_detail d;
    gw_perf_stage_time(&r.e, &b, &d);
    double hot = 1 + gw_perf_expert_imbalance(&r.e, 8);
    CHECK_NEAR(d.comm_s, hot * 768 / 25e9 + 6 * 1e-4, 1e-12);
}

/* §7.8.2: the busiest of 8 ranks. Half a prompt per rank per step on
 * average: 8 x 0.5 = 4 arrive per step, dealt round-robin, so the busiest
 * rank takes max(1 - e^-4, 0.5 + (1 - e^-4)/2) = 0.99084 prompts; its
 * decode contexts sum to the mean + z8 x sd x sqrt(seqs). */
static void test_frontier_dp_slowest(void)
{
    rig r;
    rig_setup(&r, tiny_moe(), 1, 8, 8);
    CHECK_INT(rig_init(&r), GW_OK);
    gw_perf_batch mean = {.prefill_tokens = 50, .prefill_chunks = 0.5, .prefill_pairs = 2525,
                          .decode_seqs = 10, .decode_context = 10000};
    gw_perf_batch s;
    gw_perf_dp_slowest(&r.e, &mean, 100, 0, &s);
    double any = 1 - exp(-4.0), scale = fmax(any, 0.5 + any / 2) / 0.5;
    CHECK_NEAR(scale, 1.98168436, 1e-8);
    CHECK_NEAR(s.prefill_tokens, 50 * scale, 1e-12);
    CHECK_NEAR(s.prefill_chunks, 0.5 * scale, 1e-12);
    CHECK_NEAR(s.prefill_pairs, 2525 * scale, 1e-12); /* chunks alike: x scale */
    CHECK_NEAR(s.decode_seqs, 10, 0);
    CHECK_NEAR(s.decode_context, 10000 + r.e.dp_max_z * 100 * sqrt(10.0), 1e-12);
    CHECK_NEAR(s.dp_tokens, 8 * 60.0, 0);
    CHECK_NEAR(r.e.dp_max_z, 1.4236, 0.01); /* E[max of 8 normals] */
    /* prompt lengths spread 20%: the busiest prompt is 1 + z8 x 0.2 longer */
    gw_perf_dp_slowest(&r.e, &mean, 100, 0.2, &s);
    double t = scale * (1 + r.e.dp_max_z * 0.2);
    CHECK_NEAR(s.prefill_tokens, 50 * t, 1e-12);
    CHECK_NEAR(s.prefill_pairs, 2525 * t * t / scale, 1e-12);
    /* a token budget of 60 per rank leaves 50 for prompts: no more than the mean */
    r.e.chunk_tokens = 60;
    gw_perf_dp_slowest(&r.e, &mean, 100, 0, &s);
    CHECK_NEAR(s.prefill_tokens, 50, 0);
    /* ep 8 over tp 1 without attention_dp: the same 8 replicas meet */
    r.c.attention_dp = 1, r.e.chunk_tokens = 0;
    CHECK_INT(rig_init(&r), GW_OK);
    CHECK_NEAR(r.e.expert_group_replicas, 8, 0);
    gw_perf_dp_slowest(&r.e, &mean, 100, 0, &s);
    CHECK_NEAR(s.prefill_tokens, 50 * scale, 1e-12);
    /* with the experts inside the rank (ep 1) it is its own busiest rank */
    r.c.ep = 1;
    CHECK_INT(rig_init(&r), GW_OK);
    gw_perf_dp_slowest(&r.e, &mean, 100, 0.2, &s);
    CHECK_NEAR(s.prefill_tokens, 50, 0);
    CHECK_NEAR(s.decode_context, 10000, 0);
    CHECK_NEAR(s.dp_tokens, 0, 0);
}

/* §7.8.1 FP8 experts beside BF16 attention; §7.8 attention-DP errors. */
/* §7.8.1 grouped_gemm prices the routed experts' grouped GEMMs only (a
 * share of the dense factor): the dense GEMMs keep compute, and a dense
 * model does not see it. */
static void test_frontier_grouped_gemm_factor(void)
{
    gw_llm m = tiny_moe(), dense = tiny_dense();
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    gw_perf_config c = config(&m, &a, &f, 1, 1, 1);
    gw_perf_engine before, e;
    gw_error err;
    CHECK_INT(gw_perf_engine_init(&c, &before, &err), GW_OK);
    f.grouped_gemm = 0.5; /* of compute 0.5 */
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    CHECK_NEAR(before.expert_gemm_rate, 5e14, 0); /* absent: compute at BF16 */
    CHECK_NEAR(e.expert_gemm_rate, 2.5e14, 0);
    CHECK_NEAR(e.gemm_rate, before.gemm_rate, 0);
    /* a compute-bound prefill of 4096 tokens: the dense GEMMs' time is
     * unchanged, the routed experts' doubles */
    gw_perf_batch p = {.prefill_tokens = 4096, .prefill_chunks = 1,
                       .prefill_pairs = 4096 * 4097 / 2.0};
    gw_perf_step_detail d0, d1;
    gw_perf_stage_time(&before, &p, &d0);
    gw_perf_stage_time(&e, &p, &d1);
    double routed = 4096 * e.routed_flops_per_token;
    CHECK_NEAR(d1.linear_s - d0.linear_s, routed / 2.5e14 - routed / 5e14, 1e-12);
    gw_perf_config cd = config(&dense, &a, &f, 1, 1, 1);
    gw_efficiency f0 = eff();
    gw_perf_config cd0 = config(&dense, &a, &f0, 1, 1, 1);
    CHECK_INT(gw_perf_engine_init(&cd, &e, &err), GW_OK);
    CHECK_INT(gw_perf_engine_init(&cd0, &before, &err), GW_OK);
    CHECK_NEAR(gw_perf_stage_time(&e, &p, NULL), gw_perf_stage_time(&before, &p, NULL), 0);
}

static void test_frontier_expert_precision_and_errors(void)
{
    rig r;
    rig_setup(&r, tiny_moe(), 2, 2, 0);
    r.c.expert_weights_set = 1, r.c.expert_weights = GW_PREC_FP8;
    CHECK_INT(rig_init(&r), GW_OK);
    /* as test_engine_moe, the 4 x 3 local experts at 1 B */
    CHECK_NEAR(r.e.expert_bytes, 3 * 6144 * 1.0, 0);
    CHECK_NEAR(r.e.weight_bytes_per_gpu, 116480 + 3 * 4 * 6144 * 1.0, 0);
    CHECK_NEAR(r.e.expert_gemm_rate, 1e15, 0); /* 2e15 x 0.5 */
    CHECK_NEAR(r.e.gemm_rate, 5e14, 0);
    r.c.expert_weights = GW_PREC_FP4;
    expect_init_error(&r.c, "accelerator 'round' has no fp4 support for the experts");
    gw_llm dense = tiny_dense();
    gw_perf_config moe = r.c;
    r.c = config(&dense, &r.a, &r.f, 1, 1, 1);
    r.c.expert_weights_set = 1;
    expect_init_error(&r.c, "an expert precision given but 'tiny-dense' is dense");
    r.c = moe;
    r.c.expert_weights_set = 0, r.c.ep = 8, r.c.tp = 1, r.c.attention_dp = 4;
    expect_init_error(&r.c, "expert parallelism 8 does not divide the 4 GPUs of a worker");
    memset(&r.err, 0, sizeof r.err);
    CHECK_INT(rig_init(&r), GW_E_INPUT);
    CHECK_STR_HAS(r.err.field, "ep");
    r.c.attention_dp = -1;
    expect_init_error(&r.c, "attention data parallelism -1");
    /* a worker is tp x pp x attention_dp GPUs: 4 is not one of 8 */
    r.c.attention_dp = 8;
    CHECK_INT(rig_init(&r), GW_OK);
    gw_perf_request rq = {.count = 4, .input_tokens = 100, .output_tokens = 100};
    gw_perf_result res;
    CHECK_INT(gw_perf_infer(&r.e, &rq, &res, &r.err), GW_E_INPUT);
    CHECK_STR_HAS(r.err.msg, "not a whole number of workers");
    CHECK_STR_HAS(r.err.field, "count");
    rq.count = 16;
    CHECK_INT(gw_perf_infer(&r.e, &rq, &res, &r.err), GW_OK);
    CHECK_INT(res.dp, 16);
}

/* §7.8.5 MLA prefill in MHA form: per pair 2 layers x 4 heads x 2 x
 * (12 + 8) = 320 FLOPs, per cached prefix token the latent up-projected,
 * 2 x 4 x 2 x 16 x (8 + 8) = 4096; decode stays absorbed (576). */
static void test_frontier_mla_prefill(void)
{
    rig r;
    rig_setup(&r, tiny_mla(), 1, 1, 1);
    CHECK_INT(rig_init(&r), GW_OK);
    CHECK_NEAR(r.e.attn_flops_per_pair, 2 * 4 * 2 * (20 + 16.0), 0);
    CHECK_NEAR(r.e.attn_flops_per_prefill_pair, 320, 0);
    CHECK_NEAR(r.e.attn_flops_per_past_token, 4096, 0);
    CHECK_NEAR(r.e.kv_bytes_per_token, 2 * 20 * 2.0, 0); /* latent + rope, BF16 */
    /* 100 new tokens after 50 cached: pairs 100 x (50 + 101/2) = 10050;
     * linear 100 x 2 x 65024 + 1 x 12800 */
    gw_perf_batch b = {.prefill_tokens = 100, .prefill_chunks = 1, .prefill_pairs = 10050,
                       .prefill_past = 50};
    gw_perf_step_detail d;
    gw_perf_stage_time(&r.e, &b, &d);
    CHECK_NEAR(d.flops, 100 * 130048.0 + 12800 + 320 * 10050.0 + 4096 * 50.0, 1e-15);
}

/* §7.8.5 MLA's absorbed decode at its own factor: attention 0.5 over
 * attention_mla_decode 1e-4 weighs the decode pairs 5000x, so 4 sequences
 * over 1000 keys (576 FLOPs a pair) take 576e3 x 5000 / 5e14 = 5.76 us,
 * compute-bound (KV: 80 B x 1004 / 5e11 = 0.16 us); the FLOPs reported are
 * the pairs' own, the prompts' pairs keep `attention`, the MTP layer's
 * drafting pays the factor too, and a model without MLA steps exactly as
 * without it. */
static void test_frontier_mla_decode_factor(void)
{
    rig r;
    rig_setup(&r, tiny_mla(), 1, 1, 1);
    r.f.attention_mla_decode = 1e-4;
    CHECK_INT(rig_init(&r), GW_OK);
    CHECK_NEAR(r.e.decode_attn_weight, 5000, 1e-9);
    gw_perf_batch decode = {.decode_seqs = 4, .decode_context = 1000};
    gw_perf_step_detail d;
    gw_perf_stage_time(&r.e, &decode, &d);
    CHECK_NEAR(d.attention_s, 576e3 * 5000 / 5e14, 1e-15);
    gw_perf_batch prompt = {.prefill_tokens = 100, .prefill_chunks = 1, .prefill_pairs = 10050};
    double with = gw_perf_stage_time(&r.e, &prompt, NULL);
    r.f.attention_mla_decode = 0;
    CHECK_INT(rig_init(&r), GW_OK);
    CHECK_NEAR(r.e.decode_attn_weight, 1, 0);
    CHECK_NEAR(gw_perf_stage_time(&r.e, &prompt, NULL), with, 0);
    gw_perf_step_detail plain;
    gw_perf_stage_time(&r.e, &decode, &plain);
    CHECK_NEAR(plain.flops, d.flops, 0);
    CHECK(plain.attention_s < d.attention_s / 10);
    /* the MTP layer's drafting runs the same kernel: one draft a sequence
     * over the 1000 keys at 576 / 2 layers = 288 FLOPs a pair, weighed
     * 5000x, is 288e3 x 5000 / 5e14 = 2.88 us of its pass */
    r.m.mtp_modules = 1;
    r.c.spec_tokens = 1, r.c.spec_accept_length = 1.9;
    gw_perf_batch drafted = {.decode_seqs = 4, .decode_context = 1000, .decode_draft_tokens = 4};
    CHECK_INT(rig_init(&r), GW_OK);
    CHECK_NEAR(r.e.draft_attn_flops_per_pair, 288, 0);
    gw_perf_stage_time(&r.e, &drafted, &plain);
    r.f.attention_mla_decode = 1e-4;
    CHECK_INT(rig_init(&r), GW_OK);
    gw_perf_stage_time(&r.e, &drafted, &d);
    CHECK(d.draft_s >= 288e3 * 5000 / 5e14);
    CHECK(plain.draft_s < d.draft_s / 10);

    rig g;
    rig_setup(&g, tiny_dense(), 1, 1, 0);
    CHECK_INT(rig_init(&g), GW_OK);
    double t = gw_perf_stage_time(&g.e, &decode, NULL);
    g.f.attention_mla_decode = 1e-4;
    CHECK_INT(rig_init(&g), GW_OK);
    CHECK_NEAR(g.e.decode_attn_weight, 1, 0);
    CHECK_NEAR(gw_perf_stage_time(&g.e, &decode, NULL), t, 0);
}

/* §7.11 acceptance: measured lengths 1.92, 2.58, 2.82 (nextn 1-3) give
 * P(first i pass) 0.92, 0.66, 0.24, so per position 0.92, 0.66/0.92,
 * 0.24/0.66; a given length 1.75 with k 2 is geometric 1 + p + p^2, p 0.5. */
static void test_spec_acceptance_and_errors(void)
{
    rig r;
    rig_setup(&r, tiny_dense(), 1, 1, 0);
    r.c.spec_tokens = 3;
    expect_init_error(&r.c, "model 'tiny-dense' has no MTP head; expected a draft_model or "
                          "spec_tokens 0");
    r.m.mtp_modules = 1;
    double measured[3] = {1.92, 2.58, 2.82};
    memcpy(r.m.mtp_accept_length, measured, sizeof measured);
    r.m.mtp_accept_n = 3;
    CHECK_INT(rig_init(&r), GW_OK);
    CHECK_NEAR(r.e.spec_accept[0], 0.92, 1e-12);
    CHECK_NEAR(r.e.spec_accept[1], 0.66 / 0.92, 1e-12);
    CHECK_NEAR(r.e.spec_accept[2], 0.24 / 0.66, 1e-12);
    CHECK_NEAR(r.e.spec_accept_length, 2.82, 1e-12);
    /* k 5 beyond the measured 3: the extra drafts are never accepted */
    r.c.spec_tokens = 5;
    CHECK_INT(rig_init(&r), GW_OK);
    CHECK_NEAR(r.e.spec_accept[3], 0, 0);
    CHECK_NEAR(r.e.spec_accept_length, 2.82, 1e-12);
    r.c.spec_tokens = 2, r.c.spec_accept_length = 1.75;
    CHECK_INT(rig_init(&r), GW_OK);
    CHECK_NEAR(r.e.spec_accept[0], 0.5, 1e-12);
    CHECK_NEAR(r.e.spec_accept[1], 0.5, 1e-12);
    CHECK_NEAR(r.e.spec_accept_length, 1.75, 1e-12);
    r.c.spec_accept_length = 3.5;
    expect_init_error(&r.c, "accept length 3.5 with 2 draft tokens; expected 1 to 3");
    r.c.spec_tokens = 9, r.c.spec_accept_length = 0;
    expect_init_error(&r.c, "9 draft tokens per step; expected 0 (off) to 8");
    gw_llm draft = tiny_dense();
    r.c.spec_tokens = 2, r.c.draft_model = &draft;
    expect_init_error(&r.c, "draft model 'tiny-dense' has no measured acceptance");
    r.c.spec_accept_length = 2;
    CHECK_INT(rig_init(&r), GW_OK);
    /* a draft model of the same shape: all its weights each pass */
    CHECK_NEAR(r.e.draft_bytes_per_step, (73728 + 6400) * 2.0, 0);
    CHECK_NEAR(r.e.draft_kv_bytes_per_token, 256, 0);
}

/* §7.11 a verify step of 8 sequences with 3 drafts each (tiny dense, MTP
 * head: one layer 12288 + 2 x 64 x 64 + 24576 = 45056 weights).
 * verify: 32 tokens, weights 160256 B / 5e11 = 3.20512e-7 s (memory);
 *   attention 8000 + 3 x 8000 + 24 x 2 = 32048 pairs (compute 3.3e-8 s)
 *   against 256 x (8000 + 32) B / 5e11 = 4.112384e-6 s;
 * drafting: 3 passes of (45056 + 6400) x 2 + 128 x 8000 = 1126912 B / 5e11. */
static void test_spec_step_and_steady(void)
{
    rig r;
    rig_setup(&r, tiny_dense(), 1, 1, 0);
    r.m.mtp_modules = 1;
    r.c.spec_tokens = 3, r.c.spec_accept_length = 2.5;
    CHECK_INT(rig_init(&r), GW_OK);
    CHECK_NEAR(r.e.draft_flops_per_token, 2 * 45056 + 12800.0, 0);
    CHECK_NEAR(r.e.draft_bytes_per_step, (45056 + 6400) * 2.0, 0);
    CHECK_NEAR(r.e.draft_kv_bytes_per_token, 128, 0);
    CHECK_NEAR(r.e.draft_attn_flops_per_pair, 256, 0);
    /* the MTP layer's weights and its KV come out of the cache */
    CHECK_NEAR(r.e.kv_capacity_tokens, (90e9 - 364544 - 173056 - 45056 * 2.0) / (256 + 128), 1e-12);
    gw_perf_batch b = {.decode_seqs = 8, .decode_context = 8000, .decode_draft_tokens = 24};
    gw_perf_step_detail d;
    double t = gw_perf_stage_time(&r.e, &b, &d);
    CHECK_NEAR(d.linear_s, 3.20512e-7, 1e-12);
    CHECK_NEAR(d.attention_s, 4.112384e-6, 1e-12);
    CHECK_NEAR(d.draft_s, 3 * 1126912 / 5e11, 1e-12);
    CHECK_NEAR(t, 1e-3 + 3.20512e-7 + 4.112384e-6 + 3 * 1126912 / 5e11, 1e-12);
    /* steady state: 2.5 tokens per sequence and step */
    gw_perf_request rq = {.count = 1, .input_tokens = 100, .output_tokens = 100};
    gw_perf_point p;
    gw_perf_steady(&r.e, &rq, 8, &p);
    CHECK_NEAR(p.step_s * 2.5, p.iteration_s, 1e-15);
    CHECK_NEAR(p.tokens_per_s, 8 * 2.5 / p.iteration_s, 1e-12);
    /* the gain over no speculation shrinks as the batch grows and the
     * verify pass turns compute-bound (20 layers: the MTP layer is 1/20th;
     * 20 x 36864 + 2 x 6400 = 750080 parameters; HBM at 1e14 B/s so the
     * tiny KV cache does not hide the matmuls) */
    r.m.layers = 20, r.m.parameters = 750080;
    r.a.hbm_bandwidth_bps = 1e14;
    gw_perf_config off = r.c;
    off.spec_tokens = 0, off.spec_accept_length = 0, off.attention_dp = 1;
    gw_perf_engine e0;
    CHECK_INT(gw_perf_engine_init(&off, &e0, &r.err), GW_OK);
    r.f.step_overhead_s = 0;
    CHECK_INT(rig_init(&r), GW_OK);
    CHECK_INT(gw_perf_engine_init(&off, &e0, &r.err), GW_OK);
    gw_perf_point p0, p1;
    gw_perf_steady(&e0, &rq, 1, &p0);
    gw_perf_steady(&r.e, &rq, 1, &p1);
    double gain_small = p0.step_s / p1.step_s;
    gw_perf_steady(&e0, &rq, 65536, &p0);
    gw_perf_steady(&r.e, &rq, 65536, &p1);
    double gain_large = p0.step_s / p1.step_s;
    CHECK(gain_small > 1.2);
    CHECK(gain_large < gain_small);
}

/* §7.5 with the catalog: DeepSeek-R1 in FP8 does not fit on 8 H100-80GB
 * (83.9 GB of weights per GPU against 0.9 x 85.5 GB less activations). */
static void test_deepseek_fp8_h100_does_not_fit(void)
{
    gw_catalog cat;
    gw_error err;
    memset(&err, 0, sizeof err);
    if (gw_catalog_load(&cat, GW_TEST_CATALOG, &err)) {
        CHECK(0);
        return;
    }
    static gw_llm m;
    static gw_accelerator a;
    static gw_efficiency f;
    CHECK_INT(gw_catalog_get(&cat, &gw_schema_llm, "deepseek-r1", NULL, &m, &err), GW_OK);
    CHECK_INT(gw_catalog_get(&cat, &gw_schema_accelerator, "h100-sxm", NULL, &a, &err), GW_OK);
    CHECK_INT(gw_catalog_get(&cat, &gw_schema_efficiency, a.efficiency, NULL, &f, &err), GW_OK);
    gw_perf_config c = {.model = &m, .accel = &a, .eff = &f, .tp = 8, .pp = 1, .ep = 1,
                        .weights = GW_PREC_FP8, .kv = GW_PREC_FP8};
    gw_perf_engine e;
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "'deepseek-r1' does not fit: 83.9 GB of fp8 weights per GPU");
    CHECK_STR_HAS(err.field, "tp");
    /* on H200 (141 GB) it does */
    CHECK_INT(gw_catalog_get(&cat, &gw_schema_accelerator, "h200", NULL, &a, &err), GW_OK);
    CHECK_INT(gw_perf_engine_init(&c, &e, &err), GW_OK);
    gw_catalog_free(&cat);
}

/* ---- §8 training ----------------------------------------------------- */

static gw_train_request train_request(void)
{
    gw_train_request q;
    memset(&q, 0, sizeof q);
    q.count = 8;
    q.precision = GW_PREC_BF16;
    q.tokens = 1e15, q.sequence_length = 1000;
    q.mfu = 0.4;
    return q;
}

static void test_train_given_mfu(void)
{
    gw_llm m = tiny_dense();
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    gw_perf_config c = config(&m, &a, &f, 1, 1, 1);
    gw_train_request q = train_request();
    gw_train_result r;
    gw_error err;
    CHECK_INT(gw_perf_train(&c, &q, &r, &err), GW_OK);
    /* 6 x (86528 - 6400 input table) + 12 x 2 x 4 x 16 x 1000
     * = 480768 + 1536000 = 2016768 FLOP per token */
    CHECK_NEAR(r.flops_per_token, 2016768, 0);
    CHECK_NEAR(r.total_flops, 2.016768e21, 1e-15);
    /* 2.016768e21 / (8 x 1e15 x 0.4) = 630240 s = 7.2944 days */
    CHECK_NEAR(r.mfu, 0.4, 0);
    CHECK_NEAR(r.goodput, 1, 0);
    CHECK_NEAR(r.interruptions, 0, 0);
    CHECK_NEAR(r.compute_days, 630240 / 86400.0, 1e-12);
    CHECK_NEAR(r.train_days, 630240 / 86400.0, 1e-12);
    CHECK_NEAR(r.gpu_hours, 8 * 630240 / 3600.0, 1e-12); /* 1400.53 */
    /* ZeRO-1: 4 B per param of weights + grads, 12 B of optimizer over dp 8 */
    CHECK_NEAR(r.weights_per_gpu_b, 86528 * (4 + 12 / 8.0), 1e-15);

    /* tied: the one table is the LM head, 6 x 80128 + 1536000 */
    gw_llm tied = tiny_dense();
    strcpy(tied.embeddings, "tied");
    tied.parameters = 80128;
    c.model = &tied;
    CHECK_INT(gw_perf_train(&c, &q, &r, &err), GW_OK);
    CHECK_NEAR(r.flops_per_token, 6 * 80128 + 1536000.0, 0);

    /* MoE: active params only, tied: 6 x 153344 + 12 x 4 x 4 x 16 x 1000 */
    gw_llm moe = tiny_moe();
    c.model = &moe;
    CHECK_INT(gw_perf_train(&c, &q, &r, &err), GW_OK);
    CHECK_NEAR(r.flops_per_token, 920064 + 3072000.0, 0);
}

static void test_train_interruptions(void)
{
    gw_llm m = tiny_dense();
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    gw_perf_config c = config(&m, &a, &f, 1, 1, 1);
    gw_train_request q = train_request();
    /* 8 GPUs, one interruption per 8e6 GPU-seconds: 1e-6 per second, 1 h
     * lost each: goodput 1 / (1 + 1e-6 x 3600) = 1 / 1.0036 */
    q.accelerator_mtbi_s = 8e6, q.lost_per_interruption_s = 3600;
    gw_train_result r;
    gw_error err;
    CHECK_INT(gw_perf_train(&c, &q, &r, &err), GW_OK);
    CHECK_NEAR(r.goodput, 1 / 1.0036, 1e-12);
    CHECK_NEAR(r.compute_days, 630240 / 86400.0, 1e-12);
    CHECK_NEAR(r.train_days, 630240 * 1.0036 / 86400, 1e-12);
    CHECK_NEAR(r.gpu_hours, 8 * 630240 * 1.0036 / 3600, 1e-12);
    CHECK_NEAR(r.interruptions, 1e-6 * 630240 * 1.0036, 1e-12); /* 0.6325 */
}

static void test_train_predicted_mfu(void)
{
    gw_llm m = tiny_dense();
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    gw_perf_config c = config(&m, &a, &f, 1, 1, 1);
    gw_train_request q = train_request();
    gw_train_result r;
    gw_error err;
    /* pp 2 over 16 GPUs: dp 8; 64 sequences of 1000 per step in
     * micro-batches of 2: m = 64 / (8 x 2) = 4; bubble 1 / (4 + 1) = 0.2;
     * no TP, so MFU = 0.5 x 0.8 = 0.4 */
    q.count = 16, q.mfu = 0;
    q.global_batch_tokens = 64000, q.micro_batch = 2, q.virtual_stages = 1;
    c.pp = 2;
    CHECK_INT(gw_perf_train(&c, &q, &r, &err), GW_OK);
    CHECK_NEAR(r.bubble_fraction, 0.2, 1e-12);
    CHECK_NEAR(r.comm_fraction, 0, 0);
    CHECK_NEAR(r.mfu_predicted, 0.4, 1e-12);
    CHECK_NEAR(r.mfu, 0.4, 1e-12);
    /* 2.016768e21 / (16 x 1e15 x 0.4) = 315120 s */
    CHECK_NEAR(r.compute_days, 315120 / 86400.0, 1e-12);
    /* interleaved, v = 2: bubble 1 / (2 x 4 + 1) = 1/9 */
    q.virtual_stages = 2;
    CHECK_INT(gw_perf_train(&c, &q, &r, &err), GW_OK);
    CHECK_NEAR(r.bubble_fraction, 1 / 9.0, 1e-12);
    CHECK_NEAR(r.mfu_predicted, 0.5 * 8 / 9.0, 1e-12);

    /* tp 2 x pp 2 over 16: dp 4, m = 64 / (4 x 2) = 8, bubble 1/9 (v 1).
     * A micro-batch of 2000 tokens, per layer and GPU: 2016768 / 2 / 2 x
     * 2000 = 1008384000 FLOP / 5e14 = 2.016768e-6 s; 4 all-reduces of
     * 2000 x 64 x 2 B x 2(2-1)/2 over 1e11 B/s = 4 x 2.56e-6 = 1.024e-5 s.
     * comm 1.024e-5 / 1.2256768e-5 = 0.83546 (a 64-wide model is all
     * communication) */
    q.virtual_stages = 1, q.mfu = 0.4;
    c.tp = 2;
    CHECK_INT(gw_perf_train(&c, &q, &r, &err), GW_OK);
    CHECK_NEAR(r.bubble_fraction, 1 / 9.0, 1e-12);
    CHECK_NEAR(r.comm_fraction, 1.024e-5 / (2.016768e-6 + 1.024e-5), 1e-12);
    CHECK_NEAR(r.mfu_predicted, 0.5 * (8 / 9.0) * (2.016768e-6 / 1.2256768e-5), 1e-12);
    CHECK_NEAR(r.mfu, 0.4, 0); /* the given one is used */
    /* the given batch and schedule are the ones used and reported */
    CHECK_NEAR(r.global_batch_tokens, 64000, 0);
    CHECK_NEAR(r.micro_batches, 8, 0);
    CHECK_NEAR(r.virtual_stages, 1, 0);
}

/* §8.2: without a global batch, pp micro-batches of one sequence per
 * replica, the batch held within the published 16M-62.9M tokens; virtual
 * stages until v·m >= 2·pp; the step's four shares add up to 1. */
static void test_train_default_schedule(void)
{
    gw_llm m = tiny_dense();
    m.layers = 32; /* 8 layers per stage at pp 4: v up to 8 */
    gw_llm_params p;
    gw_llm_count_params(&m, &p);
    m.parameters = p.total;
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    gw_perf_config c = config(&m, &a, &f, 1, 4, 1);
    gw_train_request q = train_request();
    q.sequence_length = 4096, q.mfu = 0;
    gw_train_result r;
    gw_error err;
    struct {
        int dp;
        double micro_batches, batch_tokens, v;
        int above;
    } cases[] = {
        /* 2 x 4 x 4096 is below 16M: the batch stays at 16M, m = 2^24 / (2 x 4096) */
        {2, 2048, 16777216, 1, 0},
        /* dp 1024 x pp 4 x 4096 = 16M exactly: m = pp, v = 8 / 4 */
        {1024, 4, 16777216, 2, 0},
        /* twice the replicas, twice the batch */
        {2048, 4, 33554432, 2, 0},
        /* 8192 x 4 x 4096 = 134M > 62.9M: m = floor(62914560 / (8192 x 4096)) = 1, v 8 */
        {8192, 1, 33554432, 8, 0},
        /* even one sequence per replica is above the published bound */
        {16384, 1, 67108864, 8, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        q.count = cases[i].dp * 4;
        CHECK_INT(gw_perf_train(&c, &q, &r, &err), GW_OK);
        CHECK_NEAR(r.micro_batches, cases[i].micro_batches, 0);
        CHECK_NEAR(r.global_batch_tokens, cases[i].batch_tokens, 0);
        CHECK_NEAR(r.virtual_stages, cases[i].v, 0);
        CHECK_INT(r.batch_above_published, cases[i].above);
        double mv = cases[i].micro_batches * cases[i].v;
        CHECK_NEAR(r.bubble_fraction, 3 / (mv + 3), 1e-12);
        /* no TP: model FLOPs ce·(1-b) and kernels (1-ce)(1-b), ce 0.5 */
        CHECK_NEAR(r.step_model_flops, 0.5 * (1 - r.bubble_fraction), 1e-12);
        CHECK_NEAR(r.step_kernels, 0.5 * (1 - r.bubble_fraction), 1e-12);
        CHECK_NEAR(r.step_model_flops + r.step_kernels + r.step_tp_comm + r.step_bubble, 1,
                   1e-12);
    }
    /* given virtual stages and a given batch win */
    q.count = 8192 * 4, q.virtual_stages = 3;
    CHECK_INT(gw_perf_train(&c, &q, &r, &err), GW_OK);
    CHECK_NEAR(r.virtual_stages, 3, 0);
    q.global_batch_tokens = 8192 * 4096 * 2.0;
    CHECK_INT(gw_perf_train(&c, &q, &r, &err), GW_OK);
    CHECK_NEAR(r.micro_batches, 2, 0);
    CHECK_INT(r.batch_above_published, 0);
    /* with TP the four shares still add up to 1 */
    m.heads = 4, c.tp = 2, q.count = 8192 * 8, q.global_batch_tokens = 0, q.virtual_stages = 0;
    CHECK_INT(gw_perf_train(&c, &q, &r, &err), GW_OK);
    CHECK(r.step_tp_comm > 0);
    CHECK_NEAR(r.step_model_flops + r.step_kernels + r.step_tp_comm + r.step_bubble, 1, 1e-12);
    CHECK_NEAR(r.step_model_flops, r.mfu_predicted, 0);
}

static void test_train_errors(void)
{
    gw_llm m = tiny_dense();
    gw_accelerator a = accel();
    gw_efficiency f = eff();
    gw_perf_config c = config(&m, &a, &f, 1, 1, 1);
    gw_train_request q = train_request();
    gw_train_result r;
    gw_error err;
    /* 86528 params x 16 B = 1384448 B on one GPU > 1 MB of HBM */
    a.hbm_capacity_b = 1e6;
    q.count = 1;
    CHECK_INT(gw_perf_train(&c, &q, &r, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "at tp 1 pp 1 dp 1");
    CHECK_STR_HAS(err.msg, "expected more parallelism");
    /* dp 8 shards the optimizer: 86528 x (4 + 1.5) = 475904 B fits */
    q.count = 8;
    CHECK_INT(gw_perf_train(&c, &q, &r, &err), GW_OK);
    CHECK_NEAR(r.weights_per_gpu_b, 475904, 0);
    a = accel();
    /* the parallelism is the config's */
    q.count = 6, c.tp = 4; /* not a multiple of 4 */
    CHECK_INT(gw_perf_train(&c, &q, &r, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "not a multiple of tp 4 x pp 1");
    q.count = 8, c.tp = 1, c.pp = 4; /* 4 stages of 2 layers */
    CHECK_INT(gw_perf_train(&c, &q, &r, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "exceeds the 2 layers");
    c.pp = 1, q.precision = GW_PREC_FP4;
    CHECK_INT(gw_perf_train(&c, &q, &r, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "has no fp4 tensor path");
    q.precision = GW_PREC_BF16, q.tokens = 0;
    CHECK_INT(gw_perf_train(&c, &q, &r, &err), GW_E_INPUT);
    /* sequences longer than the model's 4096-token context */
    q.tokens = 1e15, q.sequence_length = 8192;
    CHECK_INT(gw_perf_train(&c, &q, &r, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "exceeds the 4096-token context");
    /* 4 sequences per step over dp 8: half a sequence per replica */
    q.sequence_length = 1000, q.global_batch_tokens = 4000;
    CHECK_INT(gw_perf_train(&c, &q, &r, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "expected at least one");
    /* 16 sequences over dp 8 = 2 each: a micro-batch of 4 is too big, 2 fits */
    q.global_batch_tokens = 16000, q.micro_batch = 4;
    CHECK_INT(gw_perf_train(&c, &q, &r, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "micro-batch of 4 sequences exceeds the 2");
    q.micro_batch = 2;
    CHECK_INT(gw_perf_train(&c, &q, &r, &err), GW_OK);
}

static void test_precision_helpers(void)
{
    CHECK_INT(gw_precision_parse("bf16"), GW_PREC_BF16);
    CHECK_INT(gw_precision_parse("fp8"), GW_PREC_FP8);
    CHECK_INT(gw_precision_parse("fp4"), GW_PREC_FP4);
    CHECK_INT(gw_precision_parse("fp16"), -1);
    CHECK(strcmp(gw_precision_name(GW_PREC_FP8), "fp8") == 0);
    CHECK_NEAR(gw_precision_bytes(GW_PREC_BF16), 2, 0);
    CHECK_NEAR(gw_precision_bytes(GW_PREC_FP8), 1, 0);
    CHECK_NEAR(gw_precision_bytes(GW_PREC_FP4), 0.5625, 0); /* 4 bits + an 8-bit scale per 16 */
    gw_efficiency f = eff();
    CHECK_NEAR(gw_compute_efficiency(&f, GW_PREC_BF16), 0.5, 0); /* falls back to compute */
    f.compute_bf16 = 0.7, f.compute_fp4 = 0.3;
    CHECK_NEAR(gw_compute_efficiency(&f, GW_PREC_BF16), 0.7, 0);
    CHECK_NEAR(gw_compute_efficiency(&f, GW_PREC_FP8), 0.5, 0);
    CHECK_NEAR(gw_compute_efficiency(&f, GW_PREC_FP4), 0.3, 0);
}

int main(void)
{
    test_precision_helpers();
    test_count_params_dense_gqa();
    test_count_params_moe();
    test_count_params_mla();
    test_llm_check_three_percent_rule();
    test_llm_check_shape_errors();
    test_catalog_models_pass_check();
    test_engine_dense_tp1();
    test_lengths_spread();
    test_engine_kv_bytes_gqa_tp();
    test_engine_kv_bytes_mla();
    test_engine_moe();
    test_engine_expert_activations();
    test_stage_time_decode_memory_bound();
    test_stage_time_kv_rate_and_layer_overhead();
    test_stage_time_eager_step();
    test_stage_time_sliding_window();
    test_stage_time_fractional_prefill_is_a_mix();
    test_stage_time_prefill_compute_bound();
    test_stage_time_tp2_allreduce();
    test_power_cap_step();
    test_tp_past_the_domain();
    test_stage_time_empty_batch();
    test_step_pp2_is_two_half_stages();
    test_steady_state_by_hand();
    test_steady_state_monotone_in_batch();
    test_infer_slo_search();
    test_infer_memory_and_errors();
    test_engine_init_errors();
    test_frontier_dense_as_before();
    test_frontier_expert_imbalance();
    test_frontier_alltoall_per_fabric();
    test_frontier_dp_slowest();
    test_frontier_grouped_gemm_factor();
    test_frontier_expert_precision_and_errors();
    test_frontier_mla_prefill();
    test_frontier_mla_decode_factor();
    test_spec_acceptance_and_errors();
    test_spec_step_and_steady();
    test_deepseek_fp8_h100_does_not_fit();
    test_train_given_mfu();
    test_train_interruptions();
    test_train_predicted_mfu();
    test_train_default_schedule();
    test_train_errors();
    return gw_test_done("test_perf");
}
