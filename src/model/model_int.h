/* src/model/model_int.h — helpers shared by the model files (models layer,
 * internal: not installed). */
#ifndef GW_MODEL_INT_H
#define GW_MODEL_INT_H

#include <math.h>
#include <stddef.h>

/* 1 when every value is finite: finite inputs can still overflow a double
 * on the way (1e308 W x 72), and a model must then fail, not print null. */
static inline int gwi_all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

#include "gigawatt/catalog.h"
#include "gigawatt/gigawatt.h"
#include <string.h>

/* 1 when the model's attention is multi-head latent (DeepSeek's MLA,
 * docs/model.md §7.8.5): its KV, its FLOPs and its kernels differ. */
static inline int gwi_is_mla(const gw_llm *m)
{
    return strcmp(m->attention, "mla") == 0;
}

/* perf.c (docs/model.md §7.3): the achieved one-direction bytes/s per GPU
 * of a tensor-parallel group's all-reduce. Inside one scale-up domain it
 * is the scale-up link; a group wider than the domain runs its ring over
 * RDMA too, and a ring moves at its slowest hop. */
double gwi_tp_link_rate(const gw_accelerator *a, const gw_efficiency *f, int tp);

/* perf.c: a TP group wider than the scale-up domain needs a scale-out
 * link to cross it; an error (field "tp") without one. */
int gwi_check_tp_domain(const gw_accelerator *a, int tp, gw_error *err);

/* moe.c (docs/model.md §7.8) */
#include "gigawatt/perf.h"
double gwi_expected_max_normal(double n);
void gwi_moe_setup(const gw_perf_config *c, gw_perf_engine *e, double group);

/* spec.c (docs/model.md §7.11): validates the speculative settings and
 * fills the engine's spec_* and draft_* fields; `resident_b` gets the
 * drafter's weights per GPU. */
int gwi_spec_setup(const gw_perf_config *c, gw_perf_engine *e, const gw_llm_params *p,
                   double moe_tp, double *resident_b, gw_error *err);

#endif
