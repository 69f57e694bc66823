/* src/output/catalog_out.c — the catalog listing and one catalog entry as
 * text and as JSON (output layer): every field with its value and, for a
 * quantity, its source, fact and note. */
#include <cjson/cJSON.h>
#include <string.h>

#include "gigawatt/output.h"
#include "json_int.h"

static const char *scalar_of(const gw_node *m, const char *key);

/* "announced" when the entry says `status: announced` (accelerators,
 * systems), else NULL: absent means shipping (docs/catalog.md, "Status") */
static const char *announced(const gw_catalog_entry *e)
{
    const gw_node *st = gw_node_get(e->node, "status");
    const char *v = st && st->kind == GW_NODE_MAP ? scalar_of(st, "value") : NULL;
    return v && strcmp(v, "announced") == 0 ? v : NULL;
}

char *gw_catalog_list_text(const gw_catalog *cat)
{
    gw_buf b = {0};
    const gw_schema *last = NULL;
    for (size_t i = 0; i < cat->n; i++) {
        const gw_catalog_entry *e = &cat->entries[i];
        if (e->schema != last) {
            gw_buf_printf(&b, "%s%s\n", last ? "\n" : "", e->schema->kind);
            last = e->schema;
        }
        const gw_node *name = gw_node_get(e->node, "name");
        gw_buf_printf(&b, "  %-28s %s%s\n", e->id,
                      name && name->kind == GW_NODE_SCALAR ? name->text : "",
                      announced(e) ? " [announced specification]" : "");
    }
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}

char *gw_catalog_list_json(const gw_catalog *cat)
{
    cJSON *root = cJSON_CreateObject();
    for (size_t k = 0; root && k < gw_catalog_nkinds; k++) {
        cJSON *arr = cJSON_AddArrayToObject(root, gw_catalog_kinds[k]->kind);
        for (size_t i = 0; i < cat->n; i++) {
            const gw_catalog_entry *e = &cat->entries[i];
            if (e->schema != gw_catalog_kinds[k])
                continue;
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "id", e->id);
            const gw_node *name = gw_node_get(e->node, "name");
            if (name && name->kind == GW_NODE_SCALAR)
                cJSON_AddStringToObject(o, "name", name->text);
            if (announced(e))
                cJSON_AddStringToObject(o, "status", "announced");
            cJSON_AddItemToArray(arr, o);
        }
    }
    return gw_json_finish(root);
}

static const char *scalar_of(const gw_node *m, const char *key)
{
    const gw_node *n = gw_node_get(m, key);
    return n && n->kind == GW_NODE_SCALAR ? n->text : NULL;
}

char *gw_catalog_entry_text(const gw_catalog *cat, const gw_catalog_entry *e)
{
    (void)cat;
    gw_buf b = {0};
    const char *name = scalar_of(e->node, "name");
    gw_buf_printf(&b, "%s %s%s%s\n  defined at %s:%d\n", e->schema->singular, e->id,
                  name ? " — " : "", name ? name : "", e->node->file, e->node->line);
    for (size_t i = 0; i + 1 < e->node->nkids; i += 2) {
        const gw_node *k = e->node->kids[i], *v = e->node->kids[i + 1];
        if (strcmp(k->text, "id") == 0 || strcmp(k->text, "name") == 0)
            continue;
        if (v->kind == GW_NODE_SCALAR) {
            gw_buf_printf(&b, "\n  %-26s %s\n", k->text, v->text);
        } else if (v->kind == GW_NODE_SEQ) {
            gw_buf_printf(&b, "\n  %-26s", k->text);
            for (size_t j = 0; j < v->nkids; j++)
                gw_buf_printf(&b, "%s%s", j ? ", " : " ",
                              v->kids[j]->kind == GW_NODE_SCALAR ? v->kids[j]->text : "?");
            gw_buf_printf(&b, "\n");
        } else {
            const char *val = scalar_of(v, "value"), *src = scalar_of(v, "source"),
                       *note = scalar_of(v, "note"), *fact = scalar_of(v, "fact");
            const gw_node *list = gw_node_get(v, "value");
            if (!val && list && list->kind == GW_NODE_SEQ) { /* a list of numbers */
                gw_buf_printf(&b, "\n  %-26s", k->text);
                for (size_t j = 0; j < list->nkids; j++)
                    gw_buf_printf(&b, "%s%s", j ? ", " : " ", list->kids[j]->text);
                gw_buf_printf(&b, "\n");
            } else
                gw_buf_printf(&b, "\n  %-26s %s\n", k->text, val ? val : "?");
            if (src)
                gw_buf_printf(&b, "  %-26s source: %s\n", "", src);
            if (fact)
                gw_buf_printf(&b, "  %-26s fact: %s\n", "", fact);
            if (note)
                gw_buf_printf(&b, "  %-26s note: %s\n", "", note);
        }
    }
    if (b.failed) {
        gw_buf_free(&b);
        return NULL;
    }
    return b.s;
}

char *gw_catalog_entry_json(const gw_catalog *cat, const gw_catalog_entry *e)
{
    (void)cat;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "kind", e->schema->kind);
    cJSON_AddStringToObject(o, "id", e->id);
    cJSON *fields = cJSON_AddObjectToObject(o, "fields");
    for (size_t i = 0; i + 1 < e->node->nkids; i += 2) {
        const gw_node *k = e->node->kids[i], *v = e->node->kids[i + 1];
        if (strcmp(k->text, "id") == 0)
            continue;
        if (v->kind == GW_NODE_SCALAR) {
            cJSON_AddStringToObject(fields, k->text, v->text);
        } else if (v->kind == GW_NODE_SEQ) {
            cJSON *a = cJSON_AddArrayToObject(fields, k->text);
            for (size_t j = 0; j < v->nkids; j++)
                if (v->kids[j]->kind == GW_NODE_SCALAR)
                    cJSON_AddItemToArray(a, cJSON_CreateString(v->kids[j]->text));
        } else {
            cJSON *f = cJSON_AddObjectToObject(fields, k->text);
            const gw_field *fd = gw_schema_field(e->schema, k->text, NULL);
            const char *val = scalar_of(v, "value");
            const gw_node *list = gw_node_get(v, "value");
            if (!val && list && list->kind == GW_NODE_SEQ) { /* a list of numbers */
                cJSON *texts = cJSON_AddArrayToObject(f, "value");
                cJSON *sis = cJSON_AddArrayToObject(f, "si");
                for (size_t j = 0; j < list->nkids; j++) {
                    double si;
                    gw_dim d;
                    char why[8];
                    cJSON_AddItemToArray(texts, cJSON_CreateString(list->kids[j]->text));
                    if (gw_quantity_parse(list->kids[j]->text, &si, &d, why, sizeof why, NULL) == 0)
                        cJSON_AddItemToArray(sis, cJSON_CreateNumber(si));
                }
            }
            if (val) {
                cJSON_AddStringToObject(f, "value", val);
                double si;
                gw_dim d;
                char why[8];
                if (fd && gw_quantity_parse(val, &si, &d, why, sizeof why, NULL) == 0)
                    gw_json_num(f, "si", si);
            }
            static const char *const meta[] = {"source", "fact", "note", "low", "high", "date"};
            for (size_t j = 0; j < sizeof meta / sizeof meta[0]; j++) {
                const char *m = scalar_of(v, meta[j]);
                if (m)
                    cJSON_AddStringToObject(f, meta[j], m);
            }
        }
    }
    return gw_json_finish(o);
}
