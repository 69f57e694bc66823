/* src/scenario/validate_cmd.c — `gigawatt validate MEASURED.csv`: the perf
 * model against measured serving runs (scenario layer). Reads a CSV with
 * silicon-sample.csv's columns (by header name, any order), maps each row
 * onto the catalog and a gw_perf_config, predicts TTFT and TPOT with the
 * serving model (include/gigawatt/serving.h), and summarises the errors per
 * partition (model x system x engine x mode) and per group. The mapping and
 * every default it takes: docs/validate.md. */
#include "gigawatt/validate.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "command_int.h"
#include "validate_int.h"
#include "gigawatt/csv.h"
#include "gigawatt/file.h"
#include "gigawatt/serving.h"
#include "gigawatt/stats.h"

/* ---- the columns --------------------------------------------------------------- */

enum column {
    C_ID, C_SOURCE, C_BACKEND, C_VERSION, C_MODEL, C_SYSTEM, C_PRECISION, C_MODE, C_ISL, C_OSL,
    C_GEMM, C_MOE_QUANT, C_TTFT, C_TPOT, C_LENGTH_LOW,
    C_ROLE0, /* then ROLE_COLUMNS per role: agg (""), prefill_, decode_ */
};
enum role_column { R_BATCH, R_WORKERS, R_TP, R_PP, R_ADP, R_MOE_TP, R_MOE_EP, R_SPEC,
                   R_MAX_TOKENS, R_WAIT_ITERS, R_WAIT_RATIO, R_RECV_INTERVAL, R_PIECEWISE,
                   R_EPLB, R_MAX_BATCH, R_REDUNDANT, ROLE_COLUMNS };
enum role { ROLE_AGG, ROLE_PREFILL, ROLE_DECODE, NROLES };
#define NCOLUMNS (C_ROLE0 + NROLES * ROLE_COLUMNS)

static const char *const column_names[C_ROLE0] = {
    "id", "silicon_data_source", "backend", "backend_version", "model_path", "system", "precision", "mode", "isl",
    "osl", "gemm_quant_mode", "moe_quant_mode", "silicon_ttft_ms", "silicon_tpot_ms",
    "length_low"};
static const char *const role_prefix[NROLES] = {"", "prefill_", "decode_"};
static const char *const role_names[ROLE_COLUMNS] = {
    "batch_size", "num_workers", "tp_size", "pp_size", "attention_dp_size", "moe_tp_size",
    "moe_ep_size", "spec_tokens", "max_num_tokens", "batch_wait_iters", "batch_wait_ratio",
    "recv_interval", "piecewise_graphs", "eplb", "max_batch_size", "redundant_experts"};
/* The header must name these; the rest are empty when absent. */
static const int required_columns[] = {C_ID, C_BACKEND, C_MODEL, C_SYSTEM, C_MODE,
                                       C_ISL, C_OSL, C_TTFT, C_TPOT};

static void column_name(int c, char *buf, size_t n)
{
    if (c < C_ROLE0)
        snprintf(buf, n, "%s", column_names[c]);
    else
        snprintf(buf, n, "%s%s", role_prefix[(c - C_ROLE0) / ROLE_COLUMNS],
                 role_names[(c - C_ROLE0) % ROLE_COLUMNS]);
}

static int role_col(int role, int rc)
{
    return C_ROLE0 + role * ROLE_COLUMNS + rc;
}

/* ---- the catalog, decoded once ----------------------------------------------- */

/* A settings file (docs/validate.md §10): rows by id that add what the
 * measured file does not record (e.g. spec_tokens). */
typedef struct settings_file {
    const char *name;
    gw_csv_record *recs; /* its rows, sorted by id */
    size_t n;
    int index[NCOLUMNS];
    unsigned char *used; /* per record: a measured row took it */
} settings_file;

typedef struct validate_ctx {
    const gw_catalog *cat;
    const char *name;    /* the file, for positions */
    int index[NCOLUMNS]; /* field of each column, -1 when the header lacks it */
    int nheader;
    settings_file set;   /* n == 0: none */
    const gw_llm *models;     /* the result's */
    const gw_accelerator *accels;
    size_t nmodels, naccels;
} validate_ctx;

/* Every entry of `schema`'s kind, decoded into an array of `size`-byte structs. */
static int decode_all(const gw_catalog *cat, const gw_schema *schema, size_t size, void **out,
                      size_t *n, gw_error *err)
{
    *n = 0;
    size_t count = 0;
    for (size_t i = 0; i < cat->n; i++)
        count += cat->entries[i].schema == schema;
    char *arr = calloc(count ? count : 1, size);
    if (!arr)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < cat->n; i++) {
        const gw_catalog_entry *e = &cat->entries[i];
        if (e->schema != schema)
            continue;
        int rc = gw_catalog_get(cat, schema, e->id, NULL, arr + *n * size, err);
        if (rc) {
            free(arr);
            return rc;
        }
        (*n)++;
    }
    *out = arr;
    return GW_OK;
}

/* The catalog's models and accelerators, decoded into the result (its
 * rows' configs point at them). */
static int ctx_init(validate_ctx *c, const gw_catalog *cat, const char *name,
                    gw_validate_result *out, gw_error *err)
{
    memset(c, 0, sizeof *c);
    c->cat = cat, c->name = name;
    int rc = decode_all(cat, &gw_schema_llm, sizeof *out->models, (void **)&out->models,
                        &c->nmodels, err);
    if (rc == GW_OK)
        rc = decode_all(cat, &gw_schema_accelerator, sizeof *out->accels,
                        (void **)&out->accels, &c->naccels, err);
    c->models = out->models, c->accels = out->accels;
    return rc;
}

/* A Hugging Face id's model name, lower case, without the vendor and the
 * quantisation or tuning suffix: "nvidia/DeepSeek-R1-NVFP4" -> "deepseek-r1",
 * "Qwen/Qwen3-235B-A22B-FP8" -> "qwen3-235b-a22b" (docs/validate.md §2). */
static void base_name(const char *hf, char *out, size_t n)
{
    static const char *const suffixes[] = {"-fp8-dynamic", "-nvfp4", "-mxfp4", "-fp8",
                                           "-fp4", "-awq", "-gptq", "-instruct"};
    const char *slash = strrchr(hf, '/');
    snprintf(out, n, "%s", slash ? slash + 1 : hf);
    for (char *p = out; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    for (int again = 1; again;) {
        again = 0;
        size_t len = strlen(out);
        for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
            size_t k = strlen(suffixes[i]);
            if (len > k && strcmp(out + len - k, suffixes[i]) == 0) {
                out[len - k] = 0, again = 1;
                break;
            }
        }
    }
}

/* The catalog model of a model_path: its hf_id, else the same base name as
 * an hf_id, else a catalog id equal to the base name. */
static const gw_llm *find_model(const validate_ctx *c, const char *path)
{
    char want[GW_TEXT_MAX], have[GW_TEXT_MAX];
    for (size_t i = 0; i < c->nmodels; i++)
        if (c->models[i].hf_id[0] && strcasecmp(c->models[i].hf_id, path) == 0)
            return &c->models[i];
    base_name(path, want, sizeof want);
    for (size_t i = 0; i < c->nmodels; i++) {
        base_name(c->models[i].hf_id, have, sizeof have);
        if (c->models[i].hf_id[0] && strcmp(have, want) == 0)
            return &c->models[i];
    }
    for (size_t i = 0; i < c->nmodels; i++)
        if (strcmp(c->models[i].meta.id, want) == 0)
            return &c->models[i];
    return NULL;
}

/* The accelerator of a system: the name with '_' as '-' ("h100_sxm" ->
 * "h100-sxm"), else without its "-sxm" form factor ("h200_sxm" -> "h200"). */
static const gw_accelerator *find_accel(const validate_ctx *c, const char *system)
{
    char id[GW_TEXT_MAX];
    snprintf(id, sizeof id, "%s", system);
    for (char *p = id; *p; p++)
        *p = *p == '_' ? '-' : (char)tolower((unsigned char)*p);
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < c->naccels; i++)
            if (strcmp(c->accels[i].meta.id, id) == 0)
                return &c->accels[i];
        size_t len = strlen(id);
        if (len > 4 && strcmp(id + len - 4, "-sxm") == 0)
            id[len - 4] = 0;
    }
    return NULL;
}

/* The engine's stack for the accelerator (gw_catalog_efficiency_for, the
 * row's backend_version preferred), else the accelerator's own (*own = 0:
 * listed as such in the output). */
static const gw_efficiency *find_stack(const validate_ctx *c, const gw_accelerator *a,
                                       const char *engine, const char *version, int *own)
{
    const gw_efficiency *f = NULL;
    gw_error err = {0};
    *own = gw_catalog_efficiency_for(c->cat, a, engine, version, &f, &err) == GW_OK;
    if (!*own)
        gw_catalog_efficiency_for(c->cat, a, NULL, NULL, &f, &err);
    return f;
}

/* ---- one row ----------------------------------------------------------------- */

/* What a row says, read and checked; its first problem in row->error. */
typedef struct row_input {
    const gw_csv_record *rec;
    const gw_csv_record *set;   /* its settings row, or NULL */
    gw_validate_row *out;
    const gw_llm *model;
    const gw_accelerator *accel;
    const gw_efficiency *eff;
    double isl, osl;
} row_input;

/* The row's error at a field (or the end of the line when the header
 * lacks the column): "file:line:col: what". Returns -1. */
static int row_fail_at(const validate_ctx *c, row_input *in, int column, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Where a column's value is: the settings row's field when it has a
 * non-empty one (it adds to the measured row), else the row's own. */
static const char *locate(const validate_ctx *c, const row_input *in, int column,
                          const char **file, int *line, int *col)
{
    int f = column >= 0 ? c->set.index[column] : -1;
    if (in->set && f >= 0 && f < in->set->n && gw_csv_field(in->set, f)[0]) {
        *file = c->set.name, *line = in->set->line, *col = in->set->col[f];
        return gw_csv_field(in->set, f);
    }
    f = column >= 0 ? c->index[column] : -1;
    *file = c->name, *line = in->rec->line;
    *col = f >= 0 && f < in->rec->n ? in->rec->col[f] : 1;
    return f >= 0 && f < in->rec->n ? gw_csv_field(in->rec, f) : "";
}

static int row_fail_at(const validate_ctx *c, row_input *in, int column, const char *fmt, ...)
{
    const char *file;
    int line, col;
    locate(c, in, column, &file, &line, &col);
    char msg[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(in->out->error, sizeof in->out->error, "%s:%d:%d: %s", file, line, col, msg);
    return -1;
}

static const char *text_of(const validate_ctx *c, const row_input *in, int column)
{
    const char *file;
    int line, col;
    return locate(c, in, column, &file, &line, &col);
}

/* A number in `column`: empty gives `dflt` (NAN: required). `whole`:
 * a whole number >= 1 (0 counts as empty: dense rows write 0 experts). */
static int number_of(const validate_ctx *c, row_input *in, int column, double dflt, int whole,
                     double *v)
{
    char name[64];
    column_name(column, name, sizeof name);
    const char *s = text_of(c, in, column);
    while (isspace((unsigned char)*s))
        s++;
    if (!*s) {
        if (isnan(dflt))
            return c->index[column] < 0
                       ? row_fail_at(c, in, -1, "no column '%s'; expected it in the header", name)
                       : row_fail_at(c, in, column, "%s is empty; expected a number", name);
        *v = dflt;
        return 0;
    }
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (end == s || *end || errno == ERANGE || !isfinite(x))
        return row_fail_at(c, in, column, "%s '%.40s' is not a number; expected %s", name, s,
                           whole ? "a whole number >= 1" : "a positive number");
    if (whole && x == 0 && !isnan(dflt)) {
        *v = dflt;
        return 0;
    }
    if (!(x > 0) || (whole && (x != floor(x) || x > 1 << 20)))
        return row_fail_at(c, in, column, "%s %.40s is out of range; expected %s", name, s,
                           whole ? "a whole number from 1 to 1048576" : "a positive number");
    *v = x;
    return 0;
}

/* fp8 and its block-scaled form are FP8; NVFP4 and MXFP4 FP4; bf16/fp16
 * BF16. W4A16-MXFP4 and W4A8-MXFP4-FP8 are 4-bit weights whose matmuls take
 * bf16 / fp8 activations (*act; else the weights' own). */
static int precision_of_mode(const char *s, int *act)
{
    static const struct {
        const char *name;
        gw_precision p;
        int act; /* -1: the weights' */
    } map[] = {{"fp8", GW_PREC_FP8, -1},       {"fp8_block", GW_PREC_FP8, -1},
               {"fp8_pc", GW_PREC_FP8, -1},    {"w8a8", GW_PREC_FP8, -1},
               {"nvfp4", GW_PREC_FP4, -1},     {"mxfp4", GW_PREC_FP4, -1},
               {"fp4", GW_PREC_FP4, -1},       {"w4a16_mxfp4", GW_PREC_FP4, GW_PREC_BF16},
               {"w4a8_mxfp4_fp8", GW_PREC_FP4, GW_PREC_FP8},
               {"bf16", GW_PREC_BF16, -1},     {"fp16", GW_PREC_BF16, -1},
               {"float16", GW_PREC_BF16, -1}};
    for (size_t i = 0; i < sizeof map / sizeof *map; i++)
        if (strcasecmp(s, map[i].name) == 0) {
            if (act)
                *act = map[i].act;
            return (int)map[i].p;
        }
    return -1;
}

/* Weights: gemm_quant_mode, else precision, else BF16 (an unquantised
 * checkpoint); experts: moe_quant_mode, else the weights; KV: FP8 with
 * quantised weights, else BF16 (docs/validate.md §3). */
static int precisions(const validate_ctx *c, row_input *in, gw_perf_config *cfg)
{
    const char *g = text_of(c, in, C_GEMM), *p = text_of(c, in, C_PRECISION);
    int column = g[0] ? C_GEMM : C_PRECISION;
    const char *given = g[0] ? g : p;
    int wact = -1;
    int w = given[0] ? precision_of_mode(given, &wact) : GW_PREC_BF16;
    if (w < 0)
        return row_fail_at(c, in, column, "precision '%.40s' is unknown; expected fp8, "
                           "fp8_block, nvfp4, mxfp4, bf16 or fp16", given);
    /* upcast 4-bit weights (W4A16, W4A8) are modelled for the routed
     * experts only (moe_quant_mode; docs/model.md §7.8.1): the dense
     * weights compute at their storage precision */
    if (wact >= 0)
        return row_fail_at(c, in, column, "%s for the dense weights; expected it as "
                           "moe_quant_mode (upcast 4-bit weights are modelled for the experts "
                           "only)", given);
    if (gw_precision_peak(in->accel, (gw_precision)w) <= 0)
        return row_fail_at(c, in, column, "%s weights on '%s', which has no %s matmuls; "
                           "expected a precision it computes (dense weights stored below their "
                           "compute precision are not modelled)",
                           given, in->accel->meta.id, gw_precision_name((gw_precision)w));
    cfg->weights = (gw_precision)w;
    cfg->kv = w == GW_PREC_BF16 ? GW_PREC_BF16 : GW_PREC_FP8;
    const char *e = text_of(c, in, C_MOE_QUANT);
    int act = -1;
    int x = e[0] ? precision_of_mode(e, &act) : w;
    if (x < 0)
        return row_fail_at(c, in, C_MOE_QUANT, "moe_quant_mode '%.40s' is unknown; expected "
                           "fp8, fp8_block, nvfp4, mxfp4, w4a16_mxfp4, w4a8_mxfp4_fp8 or bf16",
                           e);
    if (in->model->experts > 0 && (x != w || act >= 0))
        cfg->expert_weights_set = 1, cfg->expert_weights = (gw_precision)x;
    if (in->model->experts > 0 && act >= 0)
        cfg->expert_activations_set = 1, cfg->expert_activations = (gw_precision)act;
    return 0;
}

/* The product labelling of some dumps (docs/validate.md §5.1): on one
 * scale-up domain (an 8-GPU HGX node), a worker of k x k GPUs (tp_size or attention_dp_size k*k)
 * whose experts split moe_tp k x moe_ep k is that node's run of tp (or
 * attention_dp) k x moe_ep k, with tp_size and moe_tp_size multiplied by
 * moe_ep. The evidence: of the 274 such rows of silicon-sample.csv, 100
 * repeat the TTFT and TPOT of a row of the same model, engine, lengths
 * and concurrency labelled to fit the node (99 of them tp or
 * attention_dp k, moe_tp 1, moe_ep k), and none repeats a multi-node
 * row's. Such a row is read as the node's run; a worker wider than its
 * node is otherwise taken as written (multi-node). */
static void node_product_labels(const row_input *in, double *tp, double pp, double *adp,
                                double *mtp, double mep)
{
    double k = mep, width = *tp * pp * *adp, domain = in->accel->scaleup_domain;
    if (!(domain > 0 && width > domain && k > 1 && *mtp == k && pp == 1 &&
          *tp * *adp == k * k && (*tp == 1 || *adp == 1) && k <= domain))
        return;
    if (*tp > 1)
        *tp = k;
    else
        *adp = k;
    *mtp = 1;
}

/* One role's parallelism (agg, prefill_ or decode_ columns) as a config:
 * tp, pp, attention_dp, and ep = moe_ep, the experts' split checked
 * against the GPUs (moe_tp x moe_ep = tp x attention_dp). */
static int parallelism(const validate_ctx *c, row_input *in, int role, gw_perf_config *cfg,
                       double *gpus)
{
    double tp, pp, adp, mtp, mep;
    if (number_of(c, in, role_col(role, R_TP), NAN, 1, &tp) ||
        number_of(c, in, role_col(role, R_PP), 1, 1, &pp) ||
        number_of(c, in, role_col(role, R_ADP), 1, 1, &adp) ||
        number_of(c, in, role_col(role, R_MOE_TP), 0, 1, &mtp) ||
        number_of(c, in, role_col(role, R_MOE_EP), 0, 1, &mep))
        return -1;
    double spec;
    if (number_of(c, in, role_col(role, R_SPEC), 0, 1, &spec))
        return -1;
    if (spec > GW_SPEC_MAX)
        return row_fail_at(c, in, role_col(role, R_SPEC),
                           "%sspec_tokens %g; expected 0 to %d draft tokens per step",
                           role_prefix[role], spec, GW_SPEC_MAX);
    cfg->spec_tokens = (int)spec;
    /* the recipe's scheduler settings (docs/validate.md §1; 0 or empty:
     * the stack's budget, no batch waiting) */
    double budget, wait_iters, wait_ratio, recv, piecewise, eplb, redundant;
    if (number_of(c, in, role_col(role, R_MAX_TOKENS), 0, 1, &budget) ||
        number_of(c, in, role_col(role, R_WAIT_ITERS), 0, 1, &wait_iters) ||
        number_of(c, in, role_col(role, R_WAIT_RATIO), 0, 0, &wait_ratio) ||
        number_of(c, in, role_col(role, R_RECV_INTERVAL), 0, 1, &recv) ||
        number_of(c, in, role_col(role, R_PIECEWISE), 0, 1, &piecewise) ||
        number_of(c, in, role_col(role, R_EPLB), 0, 1, &eplb) ||
        number_of(c, in, role_col(role, R_REDUNDANT), 0, 1, &redundant))
        return -1;
    if (wait_ratio > 1)
        return row_fail_at(c, in, role_col(role, R_WAIT_RATIO),
                           "%sbatch_wait_ratio %g; expected a share of the token budget, at "
                           "most 1",
                           role_prefix[role], wait_ratio);
    if (piecewise != 0 && piecewise != 1)
        return row_fail_at(c, in, role_col(role, R_PIECEWISE),
                           "%spiecewise_graphs %g; expected 1 (the recipe's CUDA graphs "
                           "capture mixed steps too) or 0",
                           role_prefix[role], piecewise);
    if (eplb != 0 && eplb != 1)
        return row_fail_at(c, in, role_col(role, R_EPLB),
                           "%seplb %g; expected 1 (the recipe balances the experts' load "
                           "with redundant copies) or 0",
                           role_prefix[role], eplb);
    cfg->piecewise_graphs = piecewise == 1;
    cfg->eplb = eplb == 1;
    cfg->redundant_experts = (int)redundant; /* the model checks the slots divide */
    cfg->max_num_tokens = (int)budget;
    cfg->batch_wait_iters = (int)wait_iters;
    cfg->batch_wait_ratio = wait_ratio;
    cfg->recv_interval = (int)recv;
    node_product_labels(in, &tp, pp, &adp, &mtp, mep);
    cfg->tp = (int)tp, cfg->pp = (int)pp, cfg->attention_dp = adp > 1 ? (int)adp : 0;
    cfg->ep = 1;
    *gpus = tp * pp * adp;
    if (in->model->experts > 0 && (mtp > 0 || mep > 0)) {
        mtp = mtp > 0 ? mtp : 1, mep = mep > 0 ? mep : 1;
        if (mtp * mep != tp * adp)
            return row_fail_at(c, in, role_col(role, R_MOE_TP),
                               "%smoe_tp_size %.0f x moe_ep_size %.0f = %.0f GPUs for the "
                               "experts; expected tp_size x attention_dp_size = %.0f",
                               role_prefix[role], mtp, mep, mtp * mep, tp * adp);
        /* experts split both ways across attention-DP ranks: the perf model
         * shards them one way only, so spread them over all the worker's
         * GPUs (the same bytes and FLOPs per GPU; docs/validate.md §4) */
        cfg->ep = (int)(mep > tp && mtp > 1 ? mtp * mep : mep);
    }
    return 0;
}

static void copy_name(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src);
}

/* 64-bit FNV-1a of a string: a row's seed from its id, the same on every
 * machine (and the calibration's fit/check split, tools/perf_calibrate_serving.c) */
static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* The row's names as written (those it has), and its seed. */
static void copy_names(const validate_ctx *c, row_input *in)
{
    gw_validate_row *o = in->out;
    copy_name(o->id, sizeof o->id, text_of(c, in, C_ID));
    o->run.seed = fnv1a(o->id);
    copy_name(o->model, sizeof o->model, text_of(c, in, C_MODEL));
    copy_name(o->system, sizeof o->system, text_of(c, in, C_SYSTEM));
    copy_name(o->engine, sizeof o->engine, text_of(c, in, C_BACKEND));
    copy_name(o->mode, sizeof o->mode, text_of(c, in, C_MODE));
}

/* The row's model, system and engine stack; names for its partition. */
static int identify(const validate_ctx *c, row_input *in)
{
    gw_validate_row *o = in->out;
    const char *path = text_of(c, in, C_MODEL), *sys = text_of(c, in, C_SYSTEM);
    copy_names(c, in);
    if (strcmp(o->mode, "agg") != 0 && strcmp(o->mode, "disagg") != 0)
        return row_fail_at(c, in, C_MODE, "mode '%.40s'; expected agg or disagg", o->mode);
    if (!(in->model = find_model(c, path)))
        return row_fail_at(c, in, C_MODEL, "model '%.80s' is not in the catalog; expected a "
                           "model whose hf_id (or its base name) matches", path);
    copy_name(o->model, sizeof o->model, in->model->meta.id);
    o->moe = in->model->experts > 0;
    if (!(in->accel = find_accel(c, sys)))
        return row_fail_at(c, in, C_SYSTEM, "system '%.40s' is not in the catalog; expected "
                           "h100_sxm, h200_sxm, b200_sxm, gb200 or an accelerator id", sys);
    copy_name(o->system, sizeof o->system, in->accel->meta.id);
    if (!o->engine[0])
        return row_fail_at(c, in, C_BACKEND, "backend is empty; expected trtllm, sglang or vllm");
    if (!(in->eff = find_stack(c, in->accel, o->engine, text_of(c, in, C_VERSION),
                               &o->engine_stack)))
        return row_fail_at(c, in, C_SYSTEM, "accelerator '%s' names no efficiency stack in the "
                           "catalog; expected its efficiency: entry", in->accel->meta.id);
    copy_name(o->efficiency, sizeof o->efficiency, in->eff->meta.id);
    return 0;
}

/* "concurrency=N" in the free-text silicon_data_source (README: it names
 * the run's concurrency), or NAN. */
static double source_concurrency(const char *s)
{
    const char *p = strstr(s, "concurrency=");
    if (!p)
        return NAN;
    char *end;
    double x = strtod(p + strlen("concurrency="), &end);
    return x >= 1 && isfinite(x) ? x : NAN;
}

/* A model error as the row's reason, placed at the column of the setting
 * it is about (err->field: "tp", or "decode.tp" for a pool). */
static int row_model_fail(const validate_ctx *c, row_input *in, const gw_error *err)
{
    static const struct {
        const char *field;
        int column;
    } at[] = {{"tp", R_TP},
               {"pp", R_PP},
               {"ep", R_MOE_EP},
               {"attention_dp", R_ADP},
               {"spec_tokens", R_SPEC},
               {"max_num_tokens", R_MAX_TOKENS},
               {"batch_wait_iters", R_WAIT_ITERS},
               {"batch_wait_ratio", R_WAIT_RATIO},
               {"recv_interval", R_RECV_INTERVAL}};
    int role = ROLE_AGG;
    const char *f = err->field;
    if (strncmp(f, "prefill.", 8) == 0)
        role = ROLE_PREFILL, f += 8;
    else if (strncmp(f, "decode.", 7) == 0)
        role = ROLE_DECODE, f += 7;
    int column = -1;
    for (size_t i = 0; i < sizeof at / sizeof *at; i++)
        if (strcmp(f, at[i].field) == 0)
            column = role_col(role, at[i].column);
    return row_fail_at(c, in, column, "%s%s", role == ROLE_PREFILL  ? "prefill: "
                                              : role == ROLE_DECODE ? "decode: "
                                                                    : "",
                       err->msg);
}

/* One pool's engine of a case: cfg with `eff` in place of its own, and
 * the recipe's cap on running sequences in place of the stack's, as
 * perf.max_batch replaces it (src/scenario/perf_resolve.c). The engine
 * keeps no pointer to the stack, so the copy may go with this frame. */
static int case_engine(const gw_validate_case *c, int r, const gw_efficiency *eff,
                       gw_perf_engine *e, gw_error *err)
{
    gw_perf_config cfg = c->cfg[r];
    gw_efficiency capped = *(eff ? eff : cfg.eff);
    if (c->max_batch[r] > 0)
        capped.max_batch = c->max_batch[r];
    cfg.eff = &capped;
    int rc = gw_perf_engine_init(&cfg, e, err);
    if (rc && c->disagg) { /* say which pool: "decode.tp" */
        char f[sizeof err->field];
        snprintf(f, sizeof f, "%s.%s", r ? "decode" : "prefill", err->field);
        snprintf(err->field, sizeof err->field, "%s", f);
    }
    return rc;
}

int gw_validate_predict(const gw_validate_case *c, const gw_efficiency *eff, gw_serve_point *out,
                        gw_error *err)
{
    gw_perf_engine e[2];
    int rc = case_engine(c, 0, eff, &e[0], err);
    if (rc == GW_OK && !c->disagg)
        return gw_serve_agg(&e[0], c->workers[0], &c->rq, out, err);
    if (rc == GW_OK)
        rc = case_engine(c, 1, eff, &e[1], err);
    if (rc)
        return rc;
    gw_serve_pool pool[2];
    for (int r = 0; r < 2; r++)
        pool[r] = (gw_serve_pool){.engine = &e[r], .workers = c->workers[r],
                                  .concurrency = c->pool_concurrency[r]};
    return gw_serve_disagg(&pool[0], &pool[1], &c->rq, out, err);
}

int gw_validate_replay(const gw_validate_case *c, const gw_efficiency *eff,
                       gw_validate_replay_result *out, gw_error *err)
{
    gw_perf_engine e[2];
    int rc = case_engine(c, 0, eff, &e[0], err);
    if (rc == GW_OK && c->disagg)
        rc = case_engine(c, 1, eff, &e[1], err);
    return rc ? rc : gw_validate_replay_engines(c, e, out, err);
}

/* A role's config (the row's model, accelerator, stack, precisions and
 * that role's parallelism), its GPUs and its engine's cap on running
 * sequences per rank (max_batch_size; 0 = the stack's). */
static int role_config(const validate_ctx *c, row_input *in, int role, gw_perf_config *cfg,
                       double *gpus, double *max_batch)
{
    *cfg = (gw_perf_config){.model = in->model, .accel = in->accel, .eff = in->eff};
    return precisions(c, in, cfg) || parallelism(c, in, role, cfg, gpus) ||
                   number_of(c, in, role_col(role, R_MAX_BATCH), 0, 1, max_batch)
               ? -1
               : 0;
}

/* An aggregated worker: batch_size is per attention rank as labelled, as
 * a disaggregated role's is (docs/validate.md §5): of the 72 aggregated
 * attention-DP rows of silicon-sample.csv, 71 name a run concurrency
 * (silicon_concurrency) of batch_size x attention_dp_size, 1 of batch_size. */
static int map_agg(const validate_ctx *c, row_input *in, gw_validate_case *k)
{
    double batch, labelled_adp;
    k->workers[0] = 1;
    if (role_config(c, in, ROLE_AGG, &k->cfg[0], &in->out->gpus, &k->max_batch[0]) ||
        number_of(c, in, role_col(ROLE_AGG, R_BATCH), NAN, 1, &batch) ||
        number_of(c, in, role_col(ROLE_AGG, R_ADP), 1, 1, &labelled_adp))
        return -1;
    k->rq.concurrency = batch * fmax(1, labelled_adp);
    return 0;
}

/* The client concurrency of a disaggregated row: batch_size, else decode
 * workers x attention ranks x decode_batch_size (each rank's batch), else
 * the run's concurrency in silicon_data_source. */
static int disagg_concurrency(const validate_ctx *c, row_input *in, double dworkers, double dadp,
                              double *conc)
{
    double b, db;
    if (number_of(c, in, role_col(ROLE_AGG, R_BATCH), 0, 1, &b) ||
        number_of(c, in, role_col(ROLE_DECODE, R_BATCH), 0, 1, &db))
        return -1;
    *conc = b > 0 ? b : db > 0 ? dworkers * dadp * db : source_concurrency(text_of(c, in, C_SOURCE));
    if (isnan(*conc))
        return row_fail_at(c, in, role_col(ROLE_AGG, R_BATCH),
                           "no concurrency; expected batch_size, decode_batch_size or "
                           "concurrency=N in silicon_data_source");
    return 0;
}

static int map_disagg(const validate_ctx *c, row_input *in, gw_validate_case *k)
{
    double gpus[2], workers[2], batch[2];
    k->disagg = 1;
    for (int r = 0; r < 2; r++) {
        int role = r ? ROLE_DECODE : ROLE_PREFILL;
        /* no worker count: the deployment's size is unknown (937 of the 1,123
         * disaggregated rows of silicon-sample.csv); guessing one of each
         * put the whole concurrency on one decode worker (TPOT +41% SGLang,
         * +75% TensorRT-LLM signed median, against -14% / -24% on the rows
         * that give their workers): the error would be the guess's */
        if (role_config(c, in, role, &k->cfg[r], &gpus[r], &k->max_batch[r]))
            return -1;
        if (!text_of(c, in, role_col(role, R_WORKERS))[0])
            return row_fail_at(c, in, role_col(role, R_WORKERS),
                               "%snum_workers is empty: the deployment's size is not recorded; "
                               "expected the prefill and decode worker counts",
                               role_prefix[role]);
        if (number_of(c, in, role_col(role, R_WORKERS), NAN, 1, &workers[r]) ||
            number_of(c, in, role_col(role, R_BATCH), 0, 1, &batch[r]))
            return -1;
        k->workers[r] = (int)workers[r];
        /* a role's batch_size is per attention rank: per worker x ranks */
        k->pool_concurrency[r] = batch[r] * fmax(1, k->cfg[r].attention_dp);
    }
    in->out->gpus = workers[0] * gpus[0] + workers[1] * gpus[1];
    return disagg_concurrency(c, in, workers[1], fmax(1, k->cfg[1].attention_dp),
                              &k->rq.concurrency);
}

/* Settings rows sort and are found by their id, kept as field 0. */
static int by_id(const void *a, const void *b)
{
    const gw_csv_record *x = a, *y = b;
    return strcmp(gw_csv_field(x, 0), gw_csv_field(y, 0));
}

/* The settings row of a measured row (its id), marked used; NULL if none. */
static const gw_csv_record *settings_of(validate_ctx *c, const gw_csv_record *rec)
{
    int f = c->index[C_ID];
    if (!c->set.n || f < 0 || f >= rec->n)
        return NULL;
    gw_csv_record key = {.text = (char *)gw_csv_field(rec, f)};
    const gw_csv_record *s = bsearch(&key, c->set.recs, c->set.n, sizeof key, by_id);
    if (s)
        c->set.used[s - c->set.recs] = 1;
    return s;
}

/* Read, map and predict one record into *o. */
static void validate_row(validate_ctx *c, const gw_csv_record *rec, gw_validate_row *o)
{
    memset(o, 0, sizeof *o);
    o->line = rec->line;
    o->moe = -1;
    o->measured_ttft_ms = o->measured_tpot_ms = NAN;
    o->predicted_ttft_ms = o->predicted_tpot_ms = NAN;
    row_input in = {.rec = rec, .set = settings_of(c, rec), .out = o};
    if (rec->too_many || rec->n != c->nheader) {
        copy_names(c, &in);
        snprintf(o->error, sizeof o->error, "%s:%d:%d: %d fields; expected %d, as the header",
                 c->name, rec->line, rec->end_col, rec->too_many ? GW_CSV_MAX_FIELDS + 1 : rec->n,
                 c->nheader);
        return;
    }
    double ttft, tpot;
    /* the benchmark: C clients start together and send 10 requests each
     * (InferenceMAX's client: --num-prompts $((CONC * 10)) --max-concurrency
     * $CONC --request-rate inf; docs/serving.md §7.9.1) */
    gw_serve_request rq = {.requests_per_client = 10};
    gw_serve_point pt;
    if (number_of(c, &in, C_TTFT, NAN, 0, &ttft) || number_of(c, &in, C_TPOT, NAN, 0, &tpot))
        return (void)identify(c, &in);
    o->measured_ttft_ms = ttft, o->measured_tpot_ms = tpot;
    if (identify(c, &in) || number_of(c, &in, C_ISL, NAN, 1, &rq.input_tokens) ||
        number_of(c, &in, C_OSL, NAN, 1, &rq.output_tokens) ||
        number_of(c, &in, C_LENGTH_LOW, 0, 0, &rq.length_low))
        return;
    if (rq.length_low > 1) {
        row_fail_at(c, &in, C_LENGTH_LOW, "length_low %g; expected the shortest draw as a "
                    "share of nominal, above 0 and at most 1 (1: fixed lengths)", rq.length_low);
        return;
    }
    if (rq.input_tokens + rq.output_tokens > in.model->context_length) {
        row_fail_at(c, &in, C_ISL, "isl + osl = %.0f tokens exceed the %.0f-token context of "
                    "'%s'", rq.input_tokens + rq.output_tokens, in.model->context_length,
                    in.model->meta.id);
        return;
    }
    gw_validate_case *k = &o->run;
    k->rq = rq;
    if (strcmp(o->mode, "agg") == 0 ? map_agg(c, &in, k) : map_disagg(c, &in, k))
        return;
    o->mapped = 1;
    gw_error err = {0};
    int rc = gw_validate_predict(k, NULL, &pt, &err);
    if (rc) {
        row_model_fail(c, &in, &err);
        return;
    }
    if (!(pt.ttft_s > 0 && pt.tpot_s > 0 && isfinite(pt.ttft_s + pt.tpot_s))) {
        row_fail_at(c, &in, -1, "the serving model gave no finite TTFT and TPOT (bound: %s)",
                    pt.bound);
        return;
    }
    o->predicted_ttft_ms = pt.ttft_s * 1e3, o->predicted_tpot_ms = pt.tpot_s * 1e3;
}

/* ---- the file ---------------------------------------------------------------- */

/* The field of each known column in header `h` of file `file` (-1: absent;
 * other columns are ignored). */
static int index_columns(const char *file, const gw_csv_record *h, int *index, gw_error *err)
{
    char name[64];
    for (int k = 0; k < NCOLUMNS; k++)
        index[k] = -1;
    if (h->too_many)
        return gw_error_set(err, GW_E_INPUT, file, h->line, h->end_col,
                            "more than %d columns; expected silicon-sample.csv's",
                            GW_CSV_MAX_FIELDS);
    for (int f = 0; f < h->n; f++)
        for (int k = 0; k < NCOLUMNS; k++) {
            column_name(k, name, sizeof name);
            if (strcmp(gw_csv_field(h, f), name) != 0)
                continue;
            if (index[k] >= 0)
                return gw_error_set(err, GW_E_INPUT, file, h->line, h->col[f],
                                    "column '%s' appears twice; expected it once", name);
            index[k] = f;
        }
    return GW_OK;
}

static int read_header(validate_ctx *c, const gw_csv_record *h, gw_error *err)
{
    char name[64];
    int rc = index_columns(c->name, h, c->index, err);
    if (rc)
        return rc;
    c->nheader = h->n;
    for (size_t i = 0; i < sizeof required_columns / sizeof *required_columns; i++)
        if (c->index[required_columns[i]] < 0) {
            column_name(required_columns[i], name, sizeof name);
            return gw_error_set(err, GW_E_INPUT, c->name, h->line, 1,
                                "the header has no column '%s'; expected silicon-sample.csv's "
                                "columns (data/perf/README.md)",
                                name);
        }
    return GW_OK;
}

static int push_row(gw_validate_result *r, size_t *cap, gw_validate_row **slot)
{
    if (r->nrows == *cap) {
        size_t n = *cap ? 2 * *cap : 256;
        gw_validate_row *rows = realloc(r->rows, n * sizeof *rows);
        if (!rows)
            return -1;
        r->rows = rows, *cap = n;
    }
    *slot = &r->rows[r->nrows++];
    return 0;
}

/* ---- a settings file: rows by id that add columns (docs/validate.md §10) --- */

static void settings_free(settings_file *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->recs[i].text);
    free(s->recs);
    free(s->used);
    memset(s, 0, sizeof *s);
}

/* A settings row, checked and kept with its id as field 0 (for by_id). */
static int settings_row(settings_file *s, gw_csv_record *rec, int nheader, gw_error *err)
{
    int f = s->index[C_ID];
    if (rec->too_many || rec->n != nheader)
        return gw_error_set(err, GW_E_INPUT, s->name, rec->line, rec->end_col,
                            "%d fields; expected %d, as the header",
                            rec->too_many ? GW_CSV_MAX_FIELDS + 1 : rec->n, nheader);
    if (!gw_csv_field(rec, f)[0])
        return gw_error_set(err, GW_E_INPUT, s->name, rec->line, rec->col[f],
                            "id is empty; expected the id of a measured row");
    size_t id = rec->off[f]; /* field 0 must be the id: swap the offsets' meaning */
    size_t used = rec->off[rec->n - 1] + strlen(gw_csv_field(rec, rec->n - 1)) + 1;
    gw_csv_record *copy = &s->recs[s->n];
    *copy = *rec;
    copy->cap = used;
    copy->text = malloc(used);
    if (!copy->text)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    memcpy(copy->text, rec->text, used);
    copy->off[f] = copy->off[0], copy->off[0] = id;
    int col = copy->col[f];
    copy->col[f] = copy->col[0], copy->col[0] = col;
    s->n++;
    return GW_OK;
}

static int read_settings(validate_ctx *c, const char *name, const char *text, size_t len,
                         gw_error *err)
{
    settings_file *s = &c->set;
    gw_csv_record rec = {0};
    size_t pos = 0, cap = 0;
    int line = 1, got, nheader = 0, rc = GW_OK;
    s->name = name;
    while (rc == GW_OK && (got = gw_csv_next(text, len, &pos, &line, &rec)) != 0) {
        if (got < 0) {
            rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
        } else if (gw_csv_blank(&rec)) {
            continue;
        } else if (!nheader) {
            nheader = rec.n;
            if ((rc = index_columns(name, &rec, s->index, err)))
                break;
            if (s->index[C_ID] < 0)
                rc = gw_error_set(err, GW_E_INPUT, name, rec.line, 1,
                                  "the header has no column 'id'; expected id, then the "
                                  "columns it adds to the measured rows (e.g. spec_tokens)");
            else if (s->index[C_TTFT] >= 0 || s->index[C_TPOT] >= 0)
                rc = gw_error_set(err, GW_E_INPUT, name, rec.line,
                                  rec.col[s->index[C_TTFT] >= 0 ? s->index[C_TTFT]
                                                                : s->index[C_TPOT]],
                                  "a settings file adds how a run was configured; expected "
                                  "the measured TTFT and TPOT in the measured file alone");
        } else {
            if (s->n == cap) {
                size_t n = cap ? 2 * cap : 64;
                gw_csv_record *r = realloc(s->recs, n * sizeof *r);
                if (!r) {
                    rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
                    break;
                }
                s->recs = r, cap = n;
            }
            rc = settings_row(s, &rec, nheader, err);
        }
    }
    free(rec.text);
    if (rc == GW_OK && !nheader)
        rc = gw_error_set(err, GW_E_INPUT, name, 1, 1,
                          "no header line; expected id, then the columns it adds");
    /* field 0 is each row's id now; the index follows the swap */
    if (rc == GW_OK && s->index[C_ID] != 0) {
        for (int k = 0; k < NCOLUMNS; k++)
            if (s->index[k] == 0)
                s->index[k] = s->index[C_ID];
        s->index[C_ID] = 0;
    }
    if (rc == GW_OK && s->n) {
        qsort(s->recs, s->n, sizeof *s->recs, by_id);
        for (size_t i = 1; i < s->n && rc == GW_OK; i++)
            if (by_id(&s->recs[i - 1], &s->recs[i]) == 0)
                rc = gw_error_set(err, GW_E_INPUT, name, s->recs[i].line, s->recs[i].col[0],
                                  "id '%.80s' appears twice; expected one settings row per "
                                  "measured row", gw_csv_field(&s->recs[i], 0));
        if (rc == GW_OK && !(s->used = calloc(s->n, 1)))
            rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    return rc;
}

/* A settings row no measured row took is an error, not a silent no-op. */
static int settings_all_used(const validate_ctx *c, gw_error *err)
{
    const settings_file *s = &c->set;
    for (size_t i = 0; i < s->n; i++)
        if (!s->used[i])
            return gw_error_set(err, GW_E_INPUT, s->name, s->recs[i].line, s->recs[i].col[0],
                                "id '%.80s' is in no row of %s; expected the id of a measured "
                                "row", gw_csv_field(&s->recs[i], 0), c->name);
    return GW_OK;
}

static int read_rows(validate_ctx *c, const char *text, size_t len, gw_validate_result *out,
                     gw_error *err)
{
    gw_csv_record rec = {0};
    size_t pos = 0, cap = 0;
    int line = 1, got, header = 0, rc = GW_OK;
    while (rc == GW_OK && (got = gw_csv_next(text, len, &pos, &line, &rec)) != 0) {
        gw_validate_row *row;
        if (got < 0)
            rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
        else if (gw_csv_blank(&rec))
            continue;
        else if (!header)
            header = 1, rc = read_header(c, &rec, err);
        else if (push_row(out, &cap, &row))
            rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
        else
            validate_row(c, &rec, row);
    }
    free(rec.text);
    if (rc == GW_OK && !header)
        rc = gw_error_set(err, GW_E_INPUT, c->name, 1, 1,
                          "no header line; expected silicon-sample.csv's columns, then a row "
                          "per measured run");
    return rc;
}

/* ---- summaries ----------------------------------------------------------------- */

static int ascending(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* qsort, not gw_stats_sort: a partition holds tens of rows, where the
 * radix sort's 65,536 counters per pass cost more than the sort. */
static void errors_of(double *v, size_t n, gw_validate_errors *e)
{
    e->n = (int)n;
    e->median_abs_pct = e->mape_pct = e->signed_median_pct = NAN;
    if (n == 0)
        return;
    qsort(v, n, sizeof *v, ascending);
    e->signed_median_pct = gw_stats_quantile_sorted(v, n, 0.5);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += fabs(v[i]), v[i] = fabs(v[i]);
    e->mape_pct = sum / n;
    qsort(v, n, sizeof *v, ascending);
    e->median_abs_pct = gw_stats_quantile_sorted(v, n, 0.5);
}

static int predicted(const gw_validate_row *r)
{
    return !r->error[0] && isfinite(r->predicted_ttft_ms) && isfinite(r->predicted_tpot_ms);
}

void gw_validate_summarise(const gw_validate_row *const *rows, size_t n, gw_validate_partition *p)
{
    double *v = malloc((n ? n : 1) * 2 * sizeof *v);
    size_t k = 0;
    p->rows = (int)n, p->unpredictable = 0;
    for (size_t i = 0; i < n; i++) {
        const gw_validate_row *r = rows[i];
        if (!predicted(r)) {
            p->unpredictable++;
            continue;
        }
        if (!p->efficiency[0])
            copy_name(p->efficiency, sizeof p->efficiency, r->efficiency),
                p->engine_stack = r->engine_stack;
        if (v) {
            v[k] = 100 * (r->predicted_ttft_ms - r->measured_ttft_ms) / r->measured_ttft_ms;
            v[n + k] = 100 * (r->predicted_tpot_ms - r->measured_tpot_ms) / r->measured_tpot_ms;
        }
        k++;
    }
    errors_of(v, v ? k : 0, &p->ttft);
    errors_of(v ? v + n : NULL, v ? k : 0, &p->tpot);
    free(v);
}

static int by_partition(const void *a, const void *b)
{
    const gw_validate_row *x = *(const gw_validate_row *const *)a;
    const gw_validate_row *y = *(const gw_validate_row *const *)b;
    int d = strcmp(x->model, y->model);
    if (!d)
        d = strcmp(x->system, y->system);
    if (!d)
        d = strcmp(x->engine, y->engine);
    if (!d)
        d = strcmp(x->mode, y->mode);
    return d ? d : (x->line > y->line) - (x->line < y->line);
}

static int same_partition(const gw_validate_row *x, const gw_validate_row *y)
{
    return strcmp(x->model, y->model) == 0 && strcmp(x->system, y->system) == 0 &&
           strcmp(x->engine, y->engine) == 0 && strcmp(x->mode, y->mode) == 0;
}

/* The groups: all rows, agg, disagg, MoE models, dense models. */
static int in_group(int g, const gw_validate_row *r)
{
    switch (g) {
    case 1: return strcmp(r->mode, "agg") == 0;
    case 2: return strcmp(r->mode, "disagg") == 0;
    case 3: return r->moe == 1;
    case 4: return r->moe == 0;
    default: return 1;
    }
}

static int summarise(gw_validate_result *r)
{
    static const char *const labels[GW_VALIDATE_GROUPS] = {"all", "agg", "disagg", "moe",
                                                           "dense"};
    const gw_validate_row **p = malloc((r->nrows ? r->nrows : 1) * sizeof *p);
    free(r->partitions); /* made again from the rows (validate --replay) */
    r->npartitions = 0;
    r->partitions = calloc(r->nrows ? r->nrows : 1, sizeof *r->partitions);
    if (!p || !r->partitions) {
        free(p);
        return -1;
    }
    for (int g = 0; g < GW_VALIDATE_GROUPS; g++) {
        size_t n = 0;
        for (size_t i = 0; i < r->nrows; i++)
            if (in_group(g, &r->rows[i]))
                p[n++] = &r->rows[i];
        copy_name(r->groups[g].label, sizeof r->groups[g].label, labels[g]);
        gw_validate_summarise(p, n, &r->groups[g]);
    }
    for (size_t i = 0; i < r->nrows; i++)
        p[i] = &r->rows[i];
    qsort(p, r->nrows, sizeof *p, by_partition);
    for (size_t i = 0, j; i < r->nrows; i = j) {
        for (j = i + 1; j < r->nrows && same_partition(p[i], p[j]); j++)
            ;
        gw_validate_partition *q = &r->partitions[r->npartitions++];
        copy_name(q->model, sizeof q->model, p[i]->model);
        copy_name(q->system, sizeof q->system, p[i]->system);
        copy_name(q->engine, sizeof q->engine, p[i]->engine);
        copy_name(q->mode, sizeof q->mode, p[i]->mode);
        gw_validate_summarise(p + i, j - i, q);
    }
    free(p);
    return 0;
}

int gw_validate_csv_with(const gw_catalog *cat, const char *name, const char *text, size_t len,
                         const gw_validate_input *settings, gw_validate_result *out,
                         gw_error *err)
{
    memset(out, 0, sizeof *out);
    validate_ctx *c = malloc(sizeof *c);
    if (!c)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    int rc = ctx_init(c, cat, name, out, err);
    if (rc == GW_OK && settings && settings->text)
        rc = read_settings(c, settings->name, settings->text, settings->len, err);
    if (rc == GW_OK)
        rc = read_rows(c, text, len, out, err);
    if (rc == GW_OK)
        rc = settings_all_used(c, err);
    if (rc == GW_OK && summarise(out))
        rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    settings_free(&c->set);
    free(c);
    if (rc)
        gw_validate_free(out);
    return rc;
}

int gw_validate_csv(const gw_catalog *cat, const char *name, const char *text, size_t len,
                    gw_validate_result *out, gw_error *err)
{
    return gw_validate_csv_with(cat, name, text, len, NULL, out, err);
}

static int read_csv_file(const char *path, gw_validate_input *t, gw_error *err)
{
    char *text;
    size_t len;
    int why = gw_read_whole_file(path, GW_FILE_MAX_READ_BYTES, &text, &len);
    if (why == GW_FILE_NO_MEMORY)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory reading '%s'", path);
    if (why)
        return gw_error_set(err, GW_E_INPUT, path, 0, 0, "%s '%s'; expected a readable CSV file",
                            why == GW_FILE_TOO_LARGE ? "larger than 1 GiB:" : "cannot open",
                            path);
    *t = (gw_validate_input){.name = path, .text = text, .len = len};
    return GW_OK;
}

int gw_validate_files(const gw_catalog *cat, const char *path, const char *settings_path,
                      gw_validate_result *out, gw_error *err)
{
    gw_validate_input m = {0}, s = {0};
    memset(out, 0, sizeof *out);
    int rc = read_csv_file(path, &m, err);
    if (rc == GW_OK && settings_path)
        rc = read_csv_file(settings_path, &s, err);
    if (rc == GW_OK)
        rc = gw_validate_csv_with(cat, path, m.text, m.len, settings_path ? &s : NULL, out, err);
    free((char *)m.text);
    free((char *)s.text);
    return rc;
}

int gw_validate_file(const gw_catalog *cat, const char *path, gw_validate_result *out,
                     gw_error *err)
{
    return gw_validate_files(cat, path, NULL, out, err);
}

void gw_validate_free(gw_validate_result *r)
{
    free(r->models);
    free(r->accels);
    free(r->rows);
    free(r->partitions);
    memset(r, 0, sizeof *r);
}

/* ---- the command -------------------------------------------------------------- */

int gw_validate_replay_rows(gw_validate_result *r, const char *name, gw_progress_fn progress,
                            void *progress_user, gw_error *err)
{
    double total = 0, done = 0;
    for (size_t i = 0; i < r->nrows; i++)
        total += r->rows[i].mapped && !r->rows[i].error[0];
    for (size_t i = 0; i < r->nrows; i++) {
        gw_validate_row *w = &r->rows[i];
        if (!w->mapped || w->error[0])
            continue;
        if (progress && progress(progress_user, done, total, done))
            return gw_error_set(err, GW_E_STOPPED, NULL, 0, 0,
                                "stopped at %.0f of %.0f rows replayed; nothing written", done,
                                total);
        done++;
        gw_validate_replay_result rp;
        gw_error rerr = {0};
        int rc = gw_validate_replay(&w->run, NULL, &rp, &rerr);
        if (rc == GW_E_NOMEM)
            return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
        if (rc) {
            w->predicted_ttft_ms = w->predicted_tpot_ms = NAN;
            snprintf(w->error, sizeof w->error, "%s:%d:1: the benchmark replayed: %s", name,
                     w->line, rerr.msg);
            continue;
        }
        w->predicted_ttft_ms = rp.ttft_mean_s * 1e3;
        w->predicted_tpot_ms = rp.tpot_mean_s * 1e3;
    }
    if (progress) /* the final count */
        (void)progress(progress_user, done, total, done);
    r->replayed = 1;
    return summarise(r) ? gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory") : GW_OK;
}

int gw_cmd_validate(const gw_cmd_args *a, gw_command_output *out, gw_error *err)
{
    const gw_command_request *req = a->req;
    if (req->npositional != 1)
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0, "%s; see gigawatt validate --help",
                            req->npositional ? "give one MEASURED.csv file"
                                             : "give a MEASURED.csv file");
    gw_catalog cat;
    int rc = gw_cmd_load_catalog(a, &cat, err);
    if (rc)
        return rc;
    gw_validate_result r;
    if ((rc = gw_validate_files(&cat, req->positional[0], a->settings, &r, err)) == GW_OK) {
        if (a->replay) {
            gw_cmd_phase(a, "replay", "rows");
            rc = gw_validate_replay_rows(&r, req->positional[0], req->progress,
                                         req->progress_user, err);
        }
        if (rc == GW_OK)
            rc = gw_cmd_finish(a, req->positional[0], req->want_json ? gw_validate_json(&r) : NULL,
                           req->want_text ? gw_validate_text(&r) : NULL, out, err);
        gw_validate_free(&r);
    }
    gw_catalog_free(&cat);
    return rc;
}
