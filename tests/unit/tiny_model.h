/* tests/unit/tiny_model.h — the made-up dense model the perf, serving and
 * simulator tests price by hand. It uses no catalog data on purpose: model
 * tests must not move when data does.
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

static inline gw_llm tiny_dense(void)
{
    gw_llm m;
    memset(&m, 0, sizeof m);
    strcpy(m.meta.id, "tiny-dense");
    strcpy(m.attention, "gqa");
    strcpy(m.mlp, "gated");
    strcpy(m.embeddings, "untied");
    m.layers = 2, m.hidden_size = 64, m.heads = 4, m.kv_heads = 2, m.head_dim = 16;
    m.ffn_size = 128, m.vocab_size = 100, m.context_length = 4096;
    m.parameters = 86528;
    return m;
}

#endif
