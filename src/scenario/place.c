/* src/scenario/place.c — where in the scenario a model's error belongs
 * (scenario layer). Models know no files: they name the input field an
 * error is about (gw_error.field, relative to the section they were given),
 * and this turns it into the file:line:col of that field's node. Message
 * text is never read. */
#include <stdio.h>
#include <string.h>

#include "gigawatt/scenario.h"

/* The item of a list whose name: is `name` (length n), or NULL. */
static const gw_node *item_named(const gw_node *seq, const char *name, size_t n)
{
    for (size_t i = 0; i < seq->nkids; i++) {
        const gw_node *nm = seq->kids[i]->kind == GW_NODE_MAP ? gw_node_get(seq->kids[i], "name")
                                                               : NULL;
        if (nm && nm->text && strlen(nm->text) == n && !strncmp(nm->text, name, n))
            return seq->kids[i];
    }
    return NULL;
}

/* The node at dotted `path` below `n`, or NULL. A list item is named by its
 * name: value, and an item's name may itself hold dots, so a list tries the
 * longest name first. */
static const gw_node *node_at(const gw_node *n, const char *path)
{
    if (!n || !path[0])
        return n;
    if (n->kind == GW_NODE_MAP) {
        const char *dot = strchr(path, '.');
        size_t len = dot ? (size_t)(dot - path) : strlen(path);
        char key[128];
        if (len >= sizeof key)
            return NULL;
        memcpy(key, path, len);
        key[len] = '\0';
        return node_at(gw_node_get(n, key), dot ? dot + 1 : "");
    }
    if (n->kind == GW_NODE_SEQ) {
        for (size_t len = strlen(path); len > 0; len--) {
            if (path[len] != '\0' && path[len] != '.')
                continue;
            const gw_node *item = item_named(n, path, len);
            const gw_node *at = item ? node_at(item, path[len] ? path + len + 1 : "") : NULL;
            if (at)
                return at;
        }
    }
    return NULL;
}

int gw_scenario_place_error(int rc, const gw_node *section, gw_error *err)
{
    if (rc == GW_OK || rc == GW_E_STOPPED || !section || !err || err->file[0])
        return rc;
    const gw_node *at = err->field[0] ? node_at(section, err->field) : NULL;
    if (!at)
        at = section;
    snprintf(err->file, sizeof err->file, "%s", at->file);
    err->line = at->line, err->col = at->col;
    return rc;
}
