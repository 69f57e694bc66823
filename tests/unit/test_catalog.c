/* tests/unit/test_catalog.c — the catalog's engine stacks and numeric
 * lists (catalog layer): gw_catalog_efficiency_for on a small made-up
 * catalog (every branch: own stack, generation, version, base generation,
 * none), the same lookups on the real catalog, and the list decoder's
 * values and file:line:col errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gigawatt/catalog.h"
#include "gw_test.h"

/* One efficiency entry with every required field; `extra` adds lines. */
static void put_stack(FILE *f, const char *id, const char *extra)
{
    fprintf(f,
            "  - id: \"%s\"\n"
            "    compute: {value: 0.5, source: \"test\"}\n"
            "    activation_io: {value: 0.5, source: \"test\"}\n"
            "    memory: {value: 0.8, source: \"test\"}\n"
            "    attention: {value: 0.5, source: \"test\"}\n"
            "    scaleup: {value: 0.6, source: \"test\"}\n"
            "    step_overhead: {value: \"1 ms\", source: \"test\"}\n"
            "    collective_latency: {value: \"20 us\", source: \"test\"}\n"
            "    memory_reserve: {value: 0.1, source: \"test\"}\n"
            "    max_batch: {value: 256, source: \"test\"}\n"
            "    kv_policy: {value: on-demand, source: \"test\"}\n"
            "%s",
            id, extra);
}

static const char accelerators_yaml[] =
    "accelerators:\n"
    "  - id: \"hop\"\n"
    "    efficiency: \"hop-trt\"\n"
    "    generation: {value: hopper, source: \"test\"}\n"
    "  - id: \"ultra\"\n"
    "    efficiency: \"bw-trt\"\n"
    "    generation: {value: blackwell-ultra, source: \"test\"}\n"
    "  - id: \"amd\"\n"
    "    efficiency: \"amd-own\"\n"
    "    generation: {value: cdna4, source: \"test\"}\n"
    "  - id: \"bare\"\n";

/* A catalog directory under $TMPDIR with the stacks above; its path. */
static const char *write_small_catalog(char *dir, size_t cap)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, cap, "%s/gw-test-catalog-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return NULL;
    char path[1200];
    snprintf(path, sizeof path, "%s/accelerators.yaml", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return NULL;
    fputs(accelerators_yaml, f);
    fclose(f);
    snprintf(path, sizeof path, "%s/efficiency.yaml", dir);
    if (!(f = fopen(path, "w")))
        return NULL;
    fputs("efficiency:\n", f);
    put_stack(f, "hop-trt", "    engine: trtllm\n    generation: hopper\n");
    put_stack(f, "hop-sgl", "    engine: sglang\n    generation: hopper\n");
    put_stack(f, "hop-sgl-058",
              "    engine: sglang\n    generation: hopper\n    version: \"0.5.8\"\n");
    put_stack(f, "bw-trt", "    engine: trtllm\n    generation: blackwell\n");
    put_stack(f, "bw-vllm", "    engine: vllm\n    generation: blackwell\n");
    put_stack(f, "amd-own", "    engine: vllm\n    generation: cdna3\n");
    put_stack(f, "untagged", "");
    fclose(f);
    return dir;
}

static void remove_small_catalog(const char *dir)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/accelerators.yaml", dir);
    remove(path);
    snprintf(path, sizeof path, "%s/efficiency.yaml", dir);
    remove(path);
    rmdir(dir);
}

/* The id of the stack `accel` runs under `engine` (version), or the error. */
static const char *stack_id(const gw_catalog *cat, const char *accel, const char *engine,
                            const char *version, gw_error *err)
{
    static gw_accelerator a;
    const gw_efficiency *f = NULL;
    if (gw_catalog_get(cat, &gw_schema_accelerator, accel, NULL, &a, err) != GW_OK)
        return err->msg;
    int rc = gw_catalog_efficiency_for(cat, &a, engine, version, &f, err);
    return rc == GW_OK && f ? f->meta.id : err->msg;
}

static void test_lookup_small(void)
{
    char dir[1100];
    gw_catalog cat;
    gw_error err = {0};
    if (!write_small_catalog(dir, sizeof dir)) {
        CHECK(!"cannot write the test catalog");
        return;
    }
    int rc = gw_catalog_load(&cat, dir, &err);
    CHECK_INT(rc, GW_OK);
    if (rc) {
        fprintf(stderr, "%s:%d: %s\n", err.file, err.line, err.msg);
        remove_small_catalog(dir);
        return;
    }
    /* no engine: the accelerator's own stack, as before engines */
    CHECK_STR_HAS(stack_id(&cat, "hop", NULL, NULL, &err), "hop-trt");
    CHECK_STR_HAS(stack_id(&cat, "hop", "", NULL, &err), "hop-trt");
    /* by generation; the version-less stack unless the version matches */
    CHECK_STR_HAS(stack_id(&cat, "hop", "sglang", NULL, &err), "hop-sgl");
    CHECK(strcmp(stack_id(&cat, "hop", "sglang", "0.5.9", &err), "hop-sgl") == 0);
    CHECK_STR_HAS(stack_id(&cat, "hop", "sglang", "0.5.8", &err), "hop-sgl-058");
    /* blackwell-ultra: its own trtllm stack, else blackwell's */
    CHECK_STR_HAS(stack_id(&cat, "ultra", "trtllm", NULL, &err), "bw-trt");
    CHECK_STR_HAS(stack_id(&cat, "ultra", "vllm", NULL, &err), "bw-vllm");
    /* a generation without stacks: the accelerator's own, when its engine matches */
    CHECK_STR_HAS(stack_id(&cat, "amd", "vllm", NULL, &err), "amd-own");
    /* an engine the accelerator does not run: the engines it does */
    CHECK_STR_HAS(stack_id(&cat, "hop", "vllm", NULL, &err),
                  "accelerator 'hop' (generation hopper) has no 'vllm' efficiency stack; "
                  "expected one of: sglang, trtllm");
    CHECK_INT(err.code, GW_E_INPUT);
    CHECK_STR_HAS(stack_id(&cat, "amd", "sglang", NULL, &err), "expected one of: vllm");
    CHECK_STR_HAS(stack_id(&cat, "bare", "trtllm", NULL, &err), "(generation not given)");
    CHECK_STR_HAS(stack_id(&cat, "bare", NULL, NULL, &err), "has no efficiency stack");
    gw_catalog_free(&cat);
    remove_small_catalog(dir);
}

/* The real catalog: every engine stack the measured data uses resolves. */
static void test_lookup_real(void)
{
    gw_catalog cat;
    gw_error err = {0};
    int rc = gw_catalog_load(&cat, GW_TEST_CATALOG, &err);
    CHECK_INT(rc, GW_OK);
    if (rc) {
        fprintf(stderr, "catalog: %s:%d: %s\n", err.file, err.line, err.msg);
        return;
    }
    CHECK_STR_HAS(stack_id(&cat, "h100-sxm", "trtllm", NULL, &err), "nvidia-hopper-trtllm");
    CHECK_STR_HAS(stack_id(&cat, "h200", "sglang", NULL, &err), "nvidia-hopper-sglang");
    CHECK_STR_HAS(stack_id(&cat, "h100-sxm", "vllm", NULL, &err), "nvidia-hopper-vllm");
    CHECK_STR_HAS(stack_id(&cat, "b200", "sglang", NULL, &err), "nvidia-blackwell-sglang");
    CHECK_STR_HAS(stack_id(&cat, "gb200", "vllm", NULL, &err), "nvidia-blackwell-vllm");
    CHECK_STR_HAS(stack_id(&cat, "gb300", "trtllm", NULL, &err), "nvidia-blackwell-trtllm");
    CHECK_STR_HAS(stack_id(&cat, "b300", "sglang", NULL, &err), "nvidia-blackwell-sglang");
    CHECK_STR_HAS(stack_id(&cat, "mi355x", "sglang", NULL, &err), "amd-sglang");
    CHECK_STR_HAS(stack_id(&cat, "mi300x", "vllm", NULL, &err), "amd-vllm");
    CHECK_STR_HAS(stack_id(&cat, "a100-sxm", "vllm", NULL, &err), "nvidia-ampere");
    CHECK_STR_HAS(stack_id(&cat, "a100-sxm", "sglang", NULL, &err), "expected one of: vllm");
    CHECK_STR_HAS(stack_id(&cat, "mi300x", "trtllm", NULL, &err), "no 'trtllm' efficiency stack");
    /* every accelerator names its generation; its scale-up domain too, but
     * for rubin-cpx, a spec-only entry (no efficiency stack: perf never runs
     * it) whose sources publish no scale-up link */
    for (size_t i = 0; i < cat.n; i++) {
        if (cat.entries[i].schema != &gw_schema_accelerator)
            continue;
        gw_accelerator a;
        CHECK_INT(gw_catalog_get(&cat, &gw_schema_accelerator, cat.entries[i].id, NULL, &a, &err),
                  GW_OK);
        CHECK(a.generation[0] != 0);
        CHECK(a.scaleup_domain >= 8 || (strcmp(a.meta.id, "rubin-cpx") == 0 && !a.efficiency[0]));
    }
    /* status (issue 15): announced where set, "" (shipping) where absent */
    gw_accelerator rubin, gb300;
    gw_system vr;
    CHECK_INT(gw_catalog_get(&cat, &gw_schema_accelerator, "rubin", NULL, &rubin, &err), GW_OK);
    CHECK_STR_HAS(rubin.status, "announced");
    CHECK_STR_HAS(rubin.efficiency, "nvidia-blackwell-trtllm");
    CHECK_NEAR(rubin.fp4_flops, 35e15, 1); /* the dense reading, docs/catalog.md */
    CHECK_INT(rubin.scaleup_domain, 72);   /* packages, not the 144 dies of "NVL144" */
    CHECK_INT(gw_catalog_get(&cat, &gw_schema_accelerator, "gb300", NULL, &gb300, &err), GW_OK);
    CHECK_INT(gb300.status[0], 0);
    CHECK_INT(gw_catalog_get(&cat, &gw_schema_system, "vr-nvl72", NULL, &vr, &err), GW_OK);
    CHECK_STR_HAS(vr.status, "announced");
    CHECK_STR_HAS(vr.accelerator, "rubin");
    /* DeepSeek-R1's MTP acceptance (F.fs.mtp.trtllm.accept.mtp1..5) */
    gw_llm m;
    CHECK_INT(gw_catalog_get(&cat, &gw_schema_llm, "deepseek-r1", NULL, &m, &err), GW_OK);
    CHECK_INT(m.mtp_modules, 1);
    CHECK_INT(m.mtp_accept_n, 5);
    CHECK_NEAR(m.mtp_accept_length[0], 1.92, 1e-12);
    CHECK_NEAR(m.mtp_accept_length[4], 3.01, 1e-12);
    CHECK_STR_HAS(m.hf_id, "deepseek-ai/DeepSeek-R1");
    gw_catalog_free(&cat);
}

/* A temporary catalog directory holding `name` with `text` in it; dir and
 * path get its names (remove both when done). */
static int temp_catalog(const char *name, const char *text, char *dir, size_t dcap, char *path,
                        size_t pcap)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, dcap, "%s/gw-test-cat-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return GW_E_IO;
    snprintf(path, pcap, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        return GW_E_IO;
    fputs(text, f);
    fclose(f);
    return GW_OK;
}

/* Load the one-file catalog `text` (as `name`) and decode entry `id` of
 * `schema` into obj. */
static int load_one(const char *name, const char *text, const gw_schema *schema, const char *id,
                    void *obj, gw_error *err)
{
    char dir[1100], path[1200];
    int rc = temp_catalog(name, text, dir, sizeof dir, path, sizeof path);
    if (rc)
        return rc;
    gw_catalog cat;
    rc = gw_catalog_load(&cat, dir, err);
    if (rc == GW_OK) {
        rc = gw_catalog_get(&cat, schema, id, NULL, obj, err);
        gw_catalog_free(&cat);
    }
    remove(path);
    rmdir(dir);
    return rc;
}

/* A one-model catalog whose mtp_accept_length is `list`, loaded: GW_OK with
 * the model in *m, or the error in *err. `line` gets the list's text. */
static int load_list(const char *list, gw_llm *m, char *line, size_t cap, gw_error *err)
{
    char text[1024];
    snprintf(line, cap, "    mtp_accept_length: {source: t, value: %s}", list);
    snprintf(text, sizeof text,
             "models:\n  - id: m\n    attention: gqa\n    mlp: gated\n    embeddings: tied\n"
             "    layers: {value: 2, source: t}\n    hidden_size: {value: 64, source: t}\n"
             "    heads: {value: 4, source: t}\n    vocab_size: {value: 100, source: t}\n"
             "    context_length: {value: 128, source: t}\n"
             "    parameters: {value: 100000, source: t}\n"
             "    mtp_modules: {value: 1, source: t}\n"
             "%s\n",
             line);
    return load_one("models.yaml", text, &gw_schema_llm, "m", m, err);
}

/* The numeric list: values and count, and each bad list's error at the
 * offending item (line 13 of the file, the column of `at` in the line). */
static void test_number_list(void)
{
    static const char *const cases[][3] = {
        /* list, expected message, the text the column points at */
        {"[1.9, 2.5]", "", ""},
        {"[1.9, fast]", "mtp_accept_length item 2", "fast"},
        {"[1.9, 3.5]", "mtp_accept_length item 2 is 3.5 tokens per step; expected 1 to 3", "3.5"},
        {"[1.9, -2]", "item 2 is -2; expected a value greater than zero", "-2"},
        {"1.9", "is a scalar; expected a list of numbers", "1.9"},
        {"[]", "has 0 items; expected 1 to 8", "[]"},
        {"[1, 2, 3, 4, 5, 6, 7, 8, 9]", "has 9 items; expected 1 to 8", "[1,"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        gw_llm m;
        gw_error err = {0};
        char line[256];
        int rc = load_list(cases[c][0], &m, line, sizeof line, &err);
        if (!cases[c][1][0]) {
            CHECK_INT(rc, GW_OK);
            CHECK_INT(m.mtp_accept_n, 2);
            CHECK_NEAR(m.mtp_accept_length[0], 1.9, 1e-12);
            CHECK_NEAR(m.mtp_accept_length[1], 2.5, 1e-12);
            continue;
        }
        CHECK_INT(rc, GW_E_INPUT);
        CHECK_STR_HAS(err.msg, cases[c][1]);
        CHECK_STR_HAS(err.file, "models.yaml");
        CHECK_INT(err.line, 13);
        CHECK_INT(err.col, strstr(line, cases[c][2]) - line + 1);
    }
}

/* An accelerators file with `body` after the header, loaded; `get` decoded. */
static int load_accels(const char *body, const char *get, gw_accelerator *a, gw_error *err)
{
    char text[2048];
    snprintf(text, sizeof text, "accelerators:\n%s", body);
    return load_one("accelerators.yaml", text, &gw_schema_accelerator, get, a, err);
}

/* base: copies an entry, its own keys on top (docs/catalog.md,
 * "Hypothetical entries"); a loop or an unknown base is an error. */
static void test_base_copies(void)
{
    static const char two[] =
        "  - id: \"gpu\"\n"
        "    name: \"a GPU\"\n"
        "    tdp: {value: \"1000 W\", source: t}\n"
        "    fp8_flops: {value: \"2 PFLOPS\", source: t}\n"
        "    hbm_capacity: {value: \"100 GB\", source: t}\n"
        "  - id: \"asic\"\n"
        "    base: \"gpu\"\n"
        "    fp8_flops: {value: \"4 PFLOPS\", source: \"assumption: what-if\"}\n"
        "  - id: \"asic2\"\n"
        "    base: \"asic\"\n"
        "    tdp: {value: \"700 W\", source: t}\n";
    gw_accelerator a;
    gw_error err = {0};
    CHECK_INT(load_accels(two, "asic", &a, &err), GW_OK);
    CHECK(strcmp(a.meta.id, "asic") == 0);
    CHECK(strcmp(a.meta.name, "a GPU") == 0);   /* inherited */
    CHECK_NEAR(a.tdp_w, 1000, 0);                /* inherited */
    CHECK_NEAR(a.hbm_capacity_b, 100e9, 0);
    CHECK_NEAR(a.fp8_flops, 4e15, 0);            /* its own */
    CHECK(gw_field_is_set(&gw_schema_accelerator, &a, "tdp"));
    CHECK_INT(load_accels(two, "asic2", &a, &err), GW_OK); /* a chain of two */
    CHECK_NEAR(a.tdp_w, 700, 0);
    CHECK_NEAR(a.fp8_flops, 4e15, 0);
    CHECK_NEAR(a.hbm_capacity_b, 100e9, 0);

    /* assumed fields: a source beginning "assumption", the copy's own key
     * hiding its base's */
    static const char assumed[] =
        "  - id: \"gpu\"\n"
        "    tdp: {value: \"1000 W\", source: \"assumption: twice its predecessor\"}\n"
        "    fp8_flops: {value: \"2 PFLOPS\", source: \"assumption: roadmap\"}\n"
        "    hbm_capacity: {value: \"100 GB\", source: t}\n"
        "  - id: \"asic\"\n"
        "    base: \"gpu\"\n"
        "    fp8_flops: {value: \"4 PFLOPS\", source: \"https://example.com/datasheet\"}\n";
    char dir[1100], path[1200];
    CHECK_INT(temp_catalog("accelerators.yaml", "accelerators:\n", dir, sizeof dir, path,
                           sizeof path), GW_OK);
    FILE *f = fopen(path, "a");
    if (f) {
        fputs(assumed, f);
        fclose(f);
    }
    gw_catalog cat;
    CHECK_INT(gw_catalog_load(&cat, dir, &err), GW_OK);
    const char *keys[4];
    CHECK_INT(gw_catalog_assumed_fields(&cat, &gw_schema_accelerator, "gpu", keys, 4), 2);
    CHECK(!strcmp(keys[0], "tdp") && !strcmp(keys[1], "fp8_flops"));
    CHECK_INT(gw_catalog_assumed_fields(&cat, &gw_schema_accelerator, "asic", keys, 4), 1);
    CHECK(!strcmp(keys[0], "tdp")); /* its fp8_flops is sourced */
    gw_catalog_free(&cat);
    remove(path);
    rmdir(dir);

    static const char loop[] = "  - id: \"x\"\n    base: \"y\"\n  - id: \"y\"\n    base: \"x\"\n";
    CHECK_INT(load_accels(loop, "x", &a, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "makes a chain of more than 8 copies");
    static const char unknown[] = "  - id: \"x\"\n    base: \"gpuu\"\n  - id: \"gpu\"\n";
    CHECK_INT(load_accels(unknown, "x", &a, &err), GW_E_INPUT);
    CHECK_STR_HAS(err.msg, "unknown accelerator 'gpuu'; did you mean 'gpu'?");
    CHECK_INT(err.line, 3);
}

/* The next-generation systems' derived numbers hold in the data
 * (docs/catalog.md, "Prices by rule"): a price by rule is the reference
 * rack's USD per dense FLOP/s times the system's; a power remainder adds
 * back to the published rack figure. */
static double system_dense(const gw_catalog *cat, const char *sys, int fp4, double *price)
{
    gw_system s;
    gw_accelerator a;
    gw_error err = {0};
    if (gw_catalog_get(cat, &gw_schema_system, sys, NULL, &s, &err) ||
        gw_catalog_get(cat, &gw_schema_accelerator, s.accelerator, NULL, &a, &err))
        return 0;
    *price = s.price_usd;
    return s.accelerators * (fp4 ? a.fp4_flops : a.fp8_flops);
}

static void test_next_generation_arithmetic(void)
{
    gw_catalog cat;
    gw_error err = {0};
    if (gw_catalog_load(&cat, GW_TEST_CATALOG, &err)) {
        CHECK(0);
        return;
    }
    double vr_usd, gb_usd, usd;
    double vr = system_dense(&cat, "vr-nvl72", 1, &vr_usd);  /* 72 x 35 PF FP4 */
    double gb = system_dense(&cat, "gb300-nvl72", 0, &gb_usd); /* 72 x 5 PF FP8 */
    double f = system_dense(&cat, "kyber-nvl576", 1, &usd);
    CHECK_NEAR(usd, vr_usd / vr * f, 1e-9);                /* 31.2 M USD */
    f = system_dense(&cat, "trn3-ultraserver", 0, &usd);
    CHECK_NEAR(usd, gb_usd / gb * f, 1e-9);                /* 3.528 M USD */
    f = system_dense(&cat, "tpu7x-rack64", 0, &usd);
    CHECK_NEAR(usd, gb_usd / gb * f, 1e-4);                /* 2.871 M (rounded) */
    /* Kyber: 144 x 3600 W + 81600 W = NVIDIA's 600 kW per rack */
    gw_system k;
    gw_accelerator ru;
    CHECK_INT(gw_catalog_get(&cat, &gw_schema_system, "kyber-nvl576", NULL, &k, &err), GW_OK);
    CHECK_INT(gw_catalog_get(&cat, &gw_schema_accelerator, "rubin-ultra", NULL, &ru, &err), GW_OK);
    CHECK_NEAR(k.accelerators * ru.tdp_w + k.other_power_w, 600e3, 0);
    /* GB200's DVFS share from Meta's optimum: s = (1000 / 1200) (k - 1) / k */
    gw_accelerator g;
    CHECK_INT(gw_catalog_get(&cat, &gw_schema_accelerator, "gb200", NULL, &g, &err), GW_OK);
    CHECK_NEAR(g.static_power_fraction, 1000.0 / 1200 * (g.dvfs_exponent - 1) / g.dvfs_exponent,
               1e-3);
    gw_catalog_free(&cat);
}

int main(void)
{
    test_base_copies();
    test_next_generation_arithmetic();
    test_lookup_small();
    test_lookup_real();
    test_number_list();
    return gw_test_done("test_catalog");
}
