/* src/catalog/catalog.c — loading, indexing and validating the catalog
 * (catalog layer). Every entry is decoded once at load time so that a
 * missing source, a wrong unit or a dangling reference is reported with its
 * file:line:col before any model runs. */
#include "gigawatt/catalog.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENTRY_BUF 4096 /* larger than every entry struct (checked) */

static size_t kind_index(const gw_schema *s)
{
    for (size_t i = 0; i < gw_catalog_nkinds; i++)
        if (gw_catalog_kinds[i] == s)
            return i;
    return gw_catalog_nkinds;
}

static int cmp_entry(const void *a, const void *b)
{
    const gw_catalog_entry *x = a, *y = b;
    size_t kx = kind_index(x->schema), ky = kind_index(y->schema);
    if (kx != ky)
        return kx < ky ? -1 : 1;
    return strcmp(x->id, y->id);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const gw_schema *schema_by_kind(const char *kind)
{
    for (size_t i = 0; i < gw_catalog_nkinds; i++)
        if (strcmp(gw_catalog_kinds[i]->kind, kind) == 0)
            return gw_catalog_kinds[i];
    return NULL;
}

static int check_id_text(const gw_node *v, gw_error *err)
{
    if (v->kind != GW_NODE_SCALAR || !v->text[0])
        return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                            "id is %s; expected an id like 'h100-sxm'",
                            v->kind == GW_NODE_SCALAR ? "empty" : gw_node_kind_name(v));
    for (const char *p = v->text; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '.'))
            return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                                "id '%.60s' has the character '%c'; expected lower-case "
                                "letters, digits, '-' and '.'",
                                v->text, *p);
    if (strlen(v->text) >= GW_TEXT_MAX)
        return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                            "id is longer than %d characters", GW_TEXT_MAX - 1);
    return GW_OK;
}

static int add_file(gw_catalog *cat, const char *path, size_t *cap, gw_error *err)
{
    gw_node *root;
    int rc = gw_config_load_file(&cat->cfg, path, 0, &root, err);
    if (rc)
        return rc;
    for (size_t i = 0; i + 1 < root->nkids; i += 2) {
        const gw_node *k = root->kids[i], *list = root->kids[i + 1];
        const gw_schema *s = schema_by_kind(k->text);
        if (!s) {
            const char *names[16];
            for (size_t j = 0; j < gw_catalog_nkinds; j++)
                names[j] = gw_catalog_kinds[j]->kind;
            const char *sug = gw_suggest(k->text, names, gw_catalog_nkinds);
            return gw_error_set(err, GW_E_INPUT, k->file, k->line, k->col,
                                "unknown catalog kind '%.60s'; %s%s%s", k->text,
                                sug ? "did you mean '" : "expected accelerators, systems, "
                                                         "cooling, power_chain, sites, "
                                                         "electricity, finance or households",
                                sug ? sug : "", sug ? "'?" : "");
        }
        if (list->kind != GW_NODE_SEQ)
            return gw_error_set(err, GW_E_INPUT, list->file, list->line, list->col,
                                "'%s' is %s; expected a list of entries", s->kind,
                                gw_node_kind_name(list));
        for (size_t j = 0; j < list->nkids; j++) {
            const gw_node *e = list->kids[j];
            if (e->kind != GW_NODE_MAP)
                return gw_error_set(err, GW_E_INPUT, e->file, e->line, e->col,
                                    "%s entry is %s; expected a mapping with an id",
                                    s->singular, gw_node_kind_name(e));
            const gw_node *id = gw_node_get(e, "id");
            if (!id)
                return gw_error_set(err, GW_E_INPUT, e->file, e->line, e->col,
                                    "%s entry has no 'id'; expected an id like 'h100-sxm'",
                                    s->singular);
            if ((rc = check_id_text(id, err)))
                return rc;
            if (cat->n == *cap) {
                size_t nc = *cap ? *cap * 2 : 64;
                gw_catalog_entry *ne = realloc(cat->entries, nc * sizeof *ne);
                if (!ne)
                    return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
                cat->entries = ne;
                *cap = nc;
            }
            cat->entries[cat->n++] = (gw_catalog_entry){s, id->text, e};
        }
    }
    return GW_OK;
}

static int check_ref(const gw_catalog *cat, const gw_schema *kind, const gw_node *v,
                     const char *id, gw_error *err);

/* The longest chain of base: copies (a longer one loops). */
#define BASE_DEPTH 8

/* Decode entry node `e` of `s` into `obj` (zeroed first). `base: ID` makes
 * it a copy of entry ID of the same kind with its own keys on top
 * (docs/catalog.md, "Hypothetical entries"): the base is decoded first,
 * recursively, then the entry's keys override field by field. */
static int decode_entry(const gw_catalog *cat, const gw_schema *s, const gw_node *e, void *obj,
                        int depth, gw_error *err)
{
    if (depth == 0)
        memset(obj, 0, s->size);
    const gw_node *b = e->kind == GW_NODE_MAP ? gw_node_get(e, "base") : NULL;
    if (b) {
        if (b->kind != GW_NODE_SCALAR || !b->text[0])
            return gw_error_set(err, GW_E_INPUT, b->file, b->line, b->col,
                                "base is %s; expected the id of a %s entry to copy",
                                b->kind == GW_NODE_SCALAR ? "empty" : gw_node_kind_name(b),
                                s->singular);
        if (depth >= BASE_DEPTH)
            return gw_error_set(err, GW_E_INPUT, b->file, b->line, b->col,
                                "base '%.60s' makes a chain of more than %d copies (it loops "
                                "back?); expected a chain ending at an entry without base",
                                b->text, BASE_DEPTH);
        const gw_catalog_entry *be = gw_catalog_find(cat, s, b->text);
        if (!be)
            return check_ref(cat, s, b, b->text, err);
        int rc = decode_entry(cat, s, be->node, obj, depth + 1, err);
        if (rc)
            return rc;
    }
    return gw_decode(s, e, obj, GW_DECODE_CATALOG, err);
}

/* A reference to another kind must name an existing entry. */
static int check_ref(const gw_catalog *cat, const gw_schema *kind, const gw_node *v,
                     const char *id, gw_error *err)
{
    if (gw_catalog_find(cat, kind, id))
        return GW_OK;
    const char *cands[512];
    size_t n = 0;
    for (size_t i = 0; i < cat->n && n < 512; i++)
        if (cat->entries[i].schema == kind)
            cands[n++] = cat->entries[i].id;
    const char *sug = gw_suggest(id, cands, n);
    return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                        "unknown %s '%.60s'; %s%s%s", kind->singular, id,
                        sug ? "did you mean '" : "expected an id from `gigawatt catalog`",
                        sug ? sug : "", sug ? "'?" : "");
}

static int validate_refs(const gw_catalog *cat, const gw_schema *s, const gw_node *e,
                         const void *obj, gw_error *err)
{
    for (size_t i = 0; i < s->nfields; i++) {
        const gw_field *f = &s->fields[i];
        if (f->type != GW_FT_ID && f->type != GW_FT_IDLIST)
            continue;
        if (!gw_field_is_set(s, obj, f->key))
            continue;
        const gw_schema *target = schema_by_kind(f->ref_kind);
        const gw_node *v = gw_node_get(e, f->key);
        int rc;
        if (f->type == GW_FT_ID) {
            rc = check_ref(cat, target, v, (const char *)obj + f->offset, err);
        } else {
            const gw_idlist *l = (const gw_idlist *)((const char *)obj + f->offset);
            rc = GW_OK;
            for (int j = 0; j < l->n && !rc; j++)
                rc = check_ref(cat, target, v->kids[j], l->id[j], err);
        }
        if (rc)
            return rc;
    }
    return GW_OK;
}

/* The item of list field `key` of entry node `e` at `index` (for errors). */
static const gw_node *list_item(const gw_node *e, const char *key, int index)
{
    const gw_node *v = gw_node_get(e, key);
    const gw_node *list = v && v->kind == GW_NODE_MAP ? gw_node_get(v, "value") : v;
    return list && list->kind == GW_NODE_SEQ && (size_t)index < list->nkids ? list->kids[index]
                                                                           : e;
}

/* A model's MTP numbers: acceptance needs a draft module, and with nextn = k
 * a step yields between 1 and k + 1 tokens (the verified token plus at most
 * k accepted drafts). */
static int check_llm(const gw_node *e, const gw_llm *m, gw_error *err)
{
    /* sliding-window layers (docs/model.md §7.2.2): some of the layers, with a window */
    if (m->sliding_layers > m->layers || (m->sliding_layers > 0 && !(m->sliding_window > 0))) {
        const gw_node *v = gw_node_get(e, "sliding_layers");
        return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                            "model '%s' has %g sliding-window layers of %g with a window of %g "
                            "tokens; expected at most %g layers and sliding_window > 0",
                            m->meta.id, m->sliding_layers, m->layers, m->sliding_window,
                            m->layers);
    }
    if (m->mtp_accept_n > 0 && !(m->mtp_modules >= 1)) {
        const gw_node *v = gw_node_get(e, "mtp_accept_length");
        return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                            "model '%s' gives mtp_accept_length but no mtp_modules; expected "
                            "mtp_modules of 1 or more (the draft heads the weights ship)",
                            m->meta.id);
    }
    for (int i = 0; i < m->mtp_accept_n; i++) {
        double len = m->mtp_accept_length[i];
        if (len < 1 || len > i + 2) {
            const gw_node *v = list_item(e, "mtp_accept_length", i);
            return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                                "mtp_accept_length item %d is %g tokens per step; expected "
                                "1 to %d with nextn = %d",
                                i + 1, len, i + 2, i + 1);
        }
    }
    return GW_OK;
}

/* Decode every efficiency entry once into cat->efficiency (in id order), so
 * gw_catalog_efficiency_for can hand out pointers that live as long as the
 * catalog. */
static int decode_efficiencies(gw_catalog *cat, gw_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < cat->n; i++)
        n += cat->entries[i].schema == &gw_schema_efficiency;
    cat->efficiency = calloc(n ? n : 1, sizeof *cat->efficiency);
    if (!cat->efficiency)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < cat->n; i++) {
        if (cat->entries[i].schema != &gw_schema_efficiency)
            continue;
        int rc = decode_entry(cat, &gw_schema_efficiency, cat->entries[i].node,
                              &cat->efficiency[cat->nefficiency], 0, err);
        if (rc)
            return rc;
        cat->nefficiency++;
    }
    return GW_OK;
}

/* An efficiency stack names its engine and generation together, and no two
 * stacks share (generation, engine, version): gw_catalog_efficiency_for
 * must find at most one. */
static int check_efficiency_stacks(const gw_catalog *cat, gw_error *err)
{
    for (size_t i = 0; i < cat->nefficiency; i++) {
        const gw_efficiency *a = &cat->efficiency[i];
        const gw_node *e = gw_catalog_find(cat, &gw_schema_efficiency, a->meta.id)->node;
        if (!a->engine[0] != !a->generation[0]) {
            const gw_node *v = gw_node_get(e, a->engine[0] ? "engine" : "generation");
            return gw_error_set(err, GW_E_INPUT, v->file, v->line, v->col,
                                "efficiency '%s' gives %s without %s; expected both (the "
                                "stack of an engine on a generation) or neither",
                                a->meta.id, a->engine[0] ? "engine" : "generation",
                                a->engine[0] ? "generation" : "engine");
        }
        for (size_t j = 0; a->engine[0] && j < i; j++) {
            const gw_efficiency *b = &cat->efficiency[j];
            if (!strcmp(a->engine, b->engine) && !strcmp(a->generation, b->generation) &&
                !strcmp(a->version, b->version))
                return gw_error_set(err, GW_E_INPUT, e->file, e->line, e->col,
                                    "efficiency '%s' is a second %s stack on %s (version "
                                    "'%s', as '%s'); expected one per generation, engine and "
                                    "version",
                                    a->meta.id, a->engine, a->generation, a->version,
                                    b->meta.id);
        }
    }
    return GW_OK;
}

/* Add every *.yaml in `dir` (sorted by name, so the load order is stable). */
static int add_dir(gw_catalog *cat, const char *dir, size_t *cap, gw_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return gw_error_set(err, GW_E_IO, dir, 0, 0,
                            "cannot open the catalog directory; expected data/catalog (set "
                            "--catalog DIR[:DIR...] or GIGAWATT_CATALOG)");
    char *names[256];
    size_t nn = 0;
    struct dirent *de;
    int rc = GW_OK;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 6 || strcmp(de->d_name + l - 5, ".yaml") != 0 || de->d_name[0] == '.')
            continue;
        if (nn == 256) {
            rc = gw_error_set(err, GW_E_LIMIT, dir, 0, 0,
                              "more than 256 catalog files; expected fewer");
            break;
        }
        names[nn] = malloc(l + 1);
        if (!names[nn]) {
            rc = gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        memcpy(names[nn++], de->d_name, l + 1);
    }
    closedir(d);
    if (rc == GW_OK && nn == 0)
        rc = gw_error_set(err, GW_E_INPUT, dir, 0, 0,
                          "no *.yaml files in the catalog directory; expected data/catalog");
    qsort(names, nn, sizeof *names, cmp_str);
    for (size_t i = 0; i < nn && rc == GW_OK; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        rc = add_file(cat, path, cap, err);
    }
    for (size_t i = 0; i < nn; i++)
        free(names[i]);
    return rc;
}

int gw_catalog_load(gw_catalog *cat, const char *dirs, gw_error *err)
{
    memset(cat, 0, sizeof *cat);
    gw_config_init(&cat->cfg);
    snprintf(cat->dir, sizeof cat->dir, "%s", dirs);
    size_t cap = 0;
    int rc = GW_OK;
    for (const char *p = dirs; rc == GW_OK;) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        char dir[1024];
        if (len == 0 || len >= sizeof dir)
            rc = gw_error_set(err, GW_E_INPUT, dirs, 0, 0,
                              "empty or too long directory in the catalog path; expected "
                              "DIR[:DIR...]");
        else {
            memcpy(dir, p, len);
            dir[len] = 0;
            rc = add_dir(cat, dir, &cap, err);
        }
        if (!colon)
            break;
        p = colon + 1;
    }
    if (rc)
        goto fail;
    qsort(cat->entries, cat->n, sizeof *cat->entries, cmp_entry);
    for (size_t i = 1; i < cat->n; i++) {
        const gw_catalog_entry *a = &cat->entries[i - 1], *b = &cat->entries[i];
        if (a->schema == b->schema && strcmp(a->id, b->id) == 0) {
            const gw_node *later = (a->node->file == b->node->file && a->node->line > b->node->line)
                                       ? a->node : b->node;
            const gw_node *first = later == a->node ? b->node : a->node;
            rc = gw_error_set(err, GW_E_INPUT, later->file, later->line, later->col,
                              "duplicate %s id '%s' (also at %s:%d); expected unique ids",
                              a->schema->singular, a->id, first->file, first->line);
            goto fail;
        }
    }
    /* Decode every entry: sources, units, ranges, required fields, refs. */
    for (size_t i = 0; i < cat->n; i++) {
        const gw_catalog_entry *e = &cat->entries[i];
        _Alignas(16) unsigned char buf[ENTRY_BUF];
        if (e->schema->size > sizeof buf) {
            rc = gw_error_set(err, GW_E_LIMIT, NULL, 0, 0, "entry struct too large");
            goto fail;
        }
        if ((rc = decode_entry(cat, e->schema, e->node, buf, 0, err)) ||
            (rc = gw_decode_check_required(e->schema, buf, e->node, err)) ||
            (rc = validate_refs(cat, e->schema, e->node, buf, err)) ||
            (e->schema == &gw_schema_llm && (rc = check_llm(e->node, (gw_llm *)buf, err))))
            goto fail;
    }
    if ((rc = decode_efficiencies(cat, err)) || (rc = check_efficiency_stacks(cat, err)))
        goto fail;
    return GW_OK;
fail:
    gw_catalog_free(cat);
    return rc;
}

void gw_catalog_free(gw_catalog *cat)
{
    free(cat->entries);
    cat->entries = NULL;
    cat->n = 0;
    free(cat->efficiency);
    cat->efficiency = NULL;
    cat->nefficiency = 0;
    gw_config_free(&cat->cfg);
}

const gw_catalog_entry *gw_catalog_find(const gw_catalog *cat, const gw_schema *schema,
                                        const char *id)
{
    gw_catalog_entry key = {schema, id, NULL};
    return bsearch(&key, cat->entries, cat->n, sizeof *cat->entries, cmp_entry);
}

const gw_catalog_entry *gw_catalog_find_any(const gw_catalog *cat, const char *id)
{
    for (size_t k = 0; k < gw_catalog_nkinds; k++) {
        const gw_catalog_entry *e = gw_catalog_find(cat, gw_catalog_kinds[k], id);
        if (e)
            return e;
    }
    return NULL;
}

int gw_catalog_get(const gw_catalog *cat, const gw_schema *schema, const char *id,
                   const gw_node *at, void *obj, gw_error *err)
{
    const gw_catalog_entry *e = gw_catalog_find(cat, schema, id);
    if (!e) {
        if (at)
            return check_ref(cat, schema, at, id, err);
        return gw_error_set(err, GW_E_INPUT, NULL, 0, 0, "unknown %s '%.60s'",
                            schema->singular, id);
    }
    return decode_entry(cat, schema, e->node, obj, 0, err);
}

int gw_catalog_assumed_fields(const gw_catalog *cat, const gw_schema *schema, const char *id,
                              const char **keys, int max)
{
    const char *seen[64];
    int nseen = 0, n = 0;
    const gw_catalog_entry *e = gw_catalog_find(cat, schema, id);
    for (int depth = 0; e && depth <= BASE_DEPTH; depth++) {
        const gw_node *m = e->node;
        for (size_t i = 0; i + 1 < m->nkids; i += 2) {
            const char *k = m->kids[i]->text;
            int dup = 0; /* an entry's own key hides its base's */
            for (int j = 0; j < nseen && !dup; j++)
                dup = strcmp(seen[j], k) == 0;
            if (dup || nseen == 64)
                continue;
            seen[nseen++] = k;
            const gw_node *v = m->kids[i + 1];
            const gw_node *src = v->kind == GW_NODE_MAP ? gw_node_get(v, "source") : NULL;
            if (src && src->kind == GW_NODE_SCALAR && !strncmp(src->text, "assumption", 10) &&
                n < max)
                keys[n++] = k;
        }
        const gw_node *b = gw_node_get(m, "base");
        e = b && b->kind == GW_NODE_SCALAR ? gw_catalog_find(cat, schema, b->text) : NULL;
    }
    return n;
}

/* ---- the efficiency stack of an accelerator under an engine ------------------------- */

/* The stack of (generation, engine) with the best version match: the exact
 * version, else one that names none ("any"), else the first by id. */
static const gw_efficiency *stack_of(const gw_catalog *cat, const char *generation,
                                     const char *engine, const char *version)
{
    const gw_efficiency *any = NULL, *first = NULL;
    for (size_t i = 0; i < cat->nefficiency; i++) {
        const gw_efficiency *f = &cat->efficiency[i];
        if (strcmp(f->generation, generation) != 0 || strcmp(f->engine, engine) != 0)
            continue;
        if (version && version[0] && strcmp(f->version, version) == 0)
            return f;
        if (!f->version[0] && !any)
            any = f;
        if (!first)
            first = f;
    }
    return any ? any : first;
}

/* "trtllm, sglang": the engines with a stack on `generation` (or its base). */
static void engines_of(const gw_catalog *cat, const char *generation, const char *base,
                       char *out, size_t cap)
{
    out[0] = 0;
    for (size_t i = 0; i < cat->nefficiency; i++) {
        const gw_efficiency *f = &cat->efficiency[i];
        if (!f->engine[0] || (strcmp(f->generation, generation) && strcmp(f->generation, base)) ||
            strstr(out, f->engine))
            continue;
        size_t len = strlen(out);
        snprintf(out + len, cap - len, "%s%s", len ? ", " : "", f->engine);
    }
}

/* The decoded efficiency entry `id`, or NULL (cat->efficiency is in id order). */
static const gw_efficiency *efficiency_by_id(const gw_catalog *cat, const char *id)
{
    size_t lo = 0, hi = cat->nefficiency;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(cat->efficiency[mid].meta.id, id);
        if (c == 0)
            return &cat->efficiency[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int gw_catalog_efficiency_for(const gw_catalog *cat, const gw_accelerator *a, const char *engine,
                              const char *version, const gw_efficiency **out, gw_error *err)
{
    const gw_efficiency *own = efficiency_by_id(cat, a->efficiency);
    *out = NULL;
    if (!engine || !engine[0]) {
        if (!own)
            return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                                "accelerator '%s' has no efficiency stack; expected an "
                                "'efficiency:' in its catalog entry",
                                a->meta.id);
        *out = own;
        return GW_OK;
    }
    /* the generation's stack; the accelerator's own if it is that engine's;
     * the base generation's (blackwell-ultra -> blackwell) */
    char base[GW_TEXT_MAX];
    snprintf(base, sizeof base, "%s", a->generation);
    char *dash = strrchr(base, '-');
    if (dash && strncmp(base, "tpu-", 4) != 0)
        *dash = 0;
    else
        base[0] = 0;
    const gw_efficiency *f = a->generation[0] ? stack_of(cat, a->generation, engine, version)
                                              : NULL;
    if (!f && own && strcmp(own->engine, engine) == 0)
        f = own;
    if (!f && base[0])
        f = stack_of(cat, base, engine, version);
    if (f) {
        *out = f;
        return GW_OK;
    }
    char have[256];
    engines_of(cat, a->generation, base[0] ? base : a->generation, have, sizeof have);
    if (own && own->engine[0] && !strstr(have, own->engine)) {
        size_t len = strlen(have);
        snprintf(have + len, sizeof have - len, "%s%s", len ? ", " : "", own->engine);
    }
    return gw_error_set(err, GW_E_INPUT, NULL, 0, 0,
                        "accelerator '%s' (generation %s) has no '%s' efficiency stack; "
                        "expected one of: %s",
                        a->meta.id, a->generation[0] ? a->generation : "not given", engine,
                        have[0] ? have : "none (add an efficiency entry with this engine and "
                                         "generation to data/catalog/efficiency.yaml)");
}
