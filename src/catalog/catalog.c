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
        memset(buf, 0, sizeof buf);
        if ((rc = gw_decode(e->schema, e->node, buf, GW_DECODE_CATALOG, err)) ||
            (rc = gw_decode_check_required(e->schema, buf, e->node, err)) ||
            (rc = validate_refs(cat, e->schema, e->node, buf, err)))
            goto fail;
    }
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
    memset(obj, 0, schema->size);
    return gw_decode(schema, e->node, obj, GW_DECODE_CATALOG, err);
}
