/* src/config/yaml_load.c — YAML files to gw_node trees (config layer).
 *
 * libyaml's event API drives an explicit stack (no recursion), so a
 * 10,000-deep document costs one error at depth GW_CONFIG_MAX_DEPTH, not a
 * stack overflow. Collections gather their children in a malloc'd scratch
 * array that is copied into the arena when the collection closes; on any
 * error the scratch arrays are freed and the arena keeps nothing dangling.
 * Includes are merged after parsing: included files first, in order, then
 * the including file on top, deep-merging mappings key by key. */
#include "gigawatt/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

void gw_config_init(gw_config *cfg)
{
    gw_arena_init(&cfg->arena);
    cfg->root = NULL;
    cfg->nodes = 0;
}

void gw_config_free(gw_config *cfg)
{
    gw_arena_free(&cfg->arena);
    cfg->root = NULL;
    cfg->nodes = 0;
}

static gw_node *new_node(gw_config *cfg, gw_node_kind kind, const char *file, int line,
                         int col)
{
    if (cfg->nodes >= GW_CONFIG_MAX_NODES)
        return NULL;
    gw_node *n = gw_arena_alloc(&cfg->arena, sizeof *n);
    if (!n)
        return NULL;
    cfg->nodes++;
    n->kind = kind;
    n->file = file;
    n->line = line;
    n->col = col;
    return n;
}

gw_node *gw_config_new_map(gw_config *cfg, const char *file)
{
    const char *f = gw_arena_strdup(&cfg->arena, file);
    return f ? new_node(cfg, GW_NODE_MAP, f, 0, 0) : NULL;
}

const char *gw_node_kind_name(const gw_node *n)
{
    switch (n->kind) {
    case GW_NODE_MAP: return "a mapping";
    case GW_NODE_SEQ: return "a list";
    default: return "a scalar";
    }
}

gw_node *gw_node_key(const gw_node *map, const char *key)
{
    if (!map || map->kind != GW_NODE_MAP)
        return NULL;
    for (size_t i = 0; i + 1 < map->nkids; i += 2)
        if (strcmp(map->kids[i]->text, key) == 0)
            return map->kids[i];
    return NULL;
}

void gw_node_path(const gw_node *n, char *out, size_t cap)
{
    const char *slash = strrchr(n->file, '/');
    int from_file = n->line > 0; /* not an option's value (gw_config_set_path) */
    if (n->text[0] == '/' || !slash || !from_file)
        snprintf(out, cap, "%s", n->text);
    else
        snprintf(out, cap, "%.*s/%s", (int)(slash - n->file), n->file, n->text);
}

gw_node *gw_node_get(const gw_node *map, const char *key)
{
    if (!map || map->kind != GW_NODE_MAP)
        return NULL;
    for (size_t i = 0; i + 1 < map->nkids; i += 2)
        if (strcmp(map->kids[i]->text, key) == 0)
            return map->kids[i + 1];
    return NULL;
}

/* ---- parsing -------------------------------------------------------------- */

typedef struct frame {
    gw_node *node;
    gw_node **tmp;
    size_t n, cap;
} frame;

static int push_kid(frame *f, gw_node *kid)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 8;
        gw_node **t = realloc(f->tmp, cap * sizeof *t);
        if (!t)
            return -1;
        f->tmp = t;
        f->cap = cap;
    }
    f->tmp[f->n++] = kid;
    return 0;
}

static int cmp_key(const void *a, const void *b)
{
    const gw_node *x = *(gw_node *const *)a, *y = *(gw_node *const *)b;
    int c = strcmp(x->text, y->text);
    if (c)
        return c;
    return x->line != y->line ? x->line - y->line : x->col - y->col;
}

/* Close a collection: copy its children into the arena and, for a map,
 * check keys are scalars and unique (sorted copy: O(n log n) on big maps). */
static int close_frame(gw_config *cfg, frame *f, gw_error *err)
{
    gw_node *n = f->node;
    if (n->kind == GW_NODE_MAP && f->n % 2)
        return gw_error_set(err, GW_E_INPUT, n->file, n->line, n->col,
                            "mapping has a key without a value; expected key: value");
    if (f->n) {
        n->kids = gw_arena_alloc(&cfg->arena, f->n * sizeof *n->kids);
        if (!n->kids)
            return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
        memcpy(n->kids, f->tmp, f->n * sizeof *n->kids);
        n->nkids = f->n;
    }
    if (n->kind == GW_NODE_MAP && n->nkids) {
        size_t np = n->nkids / 2;
        gw_node **keys = malloc(np * sizeof *keys);
        if (!keys)
            return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
        for (size_t i = 0; i < np; i++)
            keys[i] = n->kids[2 * i];
        qsort(keys, np, sizeof *keys, cmp_key);
        for (size_t i = 1; i < np; i++) {
            if (strcmp(keys[i - 1]->text, keys[i]->text) == 0) {
                gw_node *k = keys[i];
                gw_error_set(err, GW_E_INPUT, k->file, k->line, k->col,
                             "duplicate key '%.80s' (first at line %d); expected each key once",
                             k->text, keys[i - 1]->line);
                free(keys);
                return err->code;
            }
        }
        free(keys);
    }
    return GW_OK;
}

static int yaml_fail(const yaml_parser_t *p, const char *file, gw_error *err)
{
    const char *what = p->problem ? p->problem : "malformed YAML";
    int line = (int)p->problem_mark.line + 1, col = (int)p->problem_mark.column + 1;
    if (p->error == YAML_MEMORY_ERROR)
        return gw_error_set(err, GW_E_NOMEM, file, 0, 0, "out of memory while parsing YAML");
    if (p->context)
        return gw_error_set(err, GW_E_INPUT, file, line, col,
                            "invalid YAML: %s %s; expected well-formed YAML", what, p->context);
    return gw_error_set(err, GW_E_INPUT, file, line, col,
                        "invalid YAML: %s; expected well-formed YAML", what);
}

/* The tree being built from the parser's events: the open collections
 * (innermost last) and the root once the first node is seen. */
typedef struct tree_builder {
    gw_config *cfg;
    const char *file;
    frame stack[GW_CONFIG_MAX_DEPTH + 1];
    int depth;
    gw_node *root;
} tree_builder;

/* A scalar node's text, copied into the arena; NUL inside is refused. */
static int scalar_text(tree_builder *tb, gw_node *n, const yaml_event_t *ev, gw_error *err)
{
    n->text = gw_arena_strndup(&tb->cfg->arena, (const char *)ev->data.scalar.value,
                               ev->data.scalar.length);
    if (!n->text)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    if (strlen(n->text) != ev->data.scalar.length)
        return gw_error_set(err, GW_E_INPUT, tb->file, n->line, n->col,
                            "value contains a NUL character; expected text");
    n->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
    return GW_OK;
}

/* Attach n to the innermost open collection (or make it the root); a
 * mapping or list opens a new level. */
static int attach(tree_builder *tb, gw_node *n, gw_error *err)
{
    gw_node_kind k = n->kind;
    if (tb->depth == 0) {
        tb->root = n;
    } else {
        frame *parent = &tb->stack[tb->depth - 1];
        if (parent->node->kind == GW_NODE_MAP && parent->n % 2 == 0 && k != GW_NODE_SCALAR)
            return gw_error_set(err, GW_E_INPUT, tb->file, n->line, n->col,
                                "a %s used as a mapping key; expected a plain key",
                                k == GW_NODE_MAP ? "mapping" : "list");
        if (push_kid(parent, n))
            return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (k != GW_NODE_SCALAR) {
        if (tb->depth >= GW_CONFIG_MAX_DEPTH)
            return gw_error_set(err, GW_E_LIMIT, tb->file, n->line, n->col,
                                "nesting deeper than %d levels; expected a flatter "
                                "document",
                                GW_CONFIG_MAX_DEPTH);
        frame *f = &tb->stack[tb->depth];
        f->node = n;
        f->tmp = NULL;
        f->n = f->cap = 0;
        tb->depth++;
    }
    return GW_OK;
}

/* A scalar, or the start of a mapping or list: anchors are refused (the
 * input language has no references), the node is made and attached. */
static int open_node(tree_builder *tb, const yaml_event_t *ev, int line, int col,
                     gw_error *err)
{
    const unsigned char *anchor = ev->type == YAML_SCALAR_EVENT ? ev->data.scalar.anchor
                                  : ev->type == YAML_MAPPING_START_EVENT
                                      ? ev->data.mapping_start.anchor
                                      : ev->data.sequence_start.anchor;
    if (anchor)
        return gw_error_set(err, GW_E_INPUT, tb->file, line, col,
                            "YAML anchor '&%.60s' is not supported; expected plain values",
                            (const char *)anchor);
    gw_node_kind k = ev->type == YAML_SCALAR_EVENT           ? GW_NODE_SCALAR
                     : ev->type == YAML_MAPPING_START_EVENT ? GW_NODE_MAP
                                                            : GW_NODE_SEQ;
    gw_node *n = new_node(tb->cfg, k, tb->file, line, col);
    if (!n)
        return tb->cfg->nodes >= GW_CONFIG_MAX_NODES
                   ? gw_error_set(err, GW_E_LIMIT, tb->file, line, col,
                                  "more than %d values; expected a smaller document",
                                  GW_CONFIG_MAX_NODES)
                   : gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    int rc = k == GW_NODE_SCALAR ? scalar_text(tb, n, ev, err) : GW_OK;
    return rc ? rc : attach(tb, n, err);
}

/* One parser event into the tree; *done at the end of the stream. */
static int on_event(tree_builder *tb, const yaml_event_t *ev, int *docs, int *done,
                    gw_error *err)
{
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1, rc;
    switch (ev->type) {
    case YAML_STREAM_END_EVENT:
        *done = 1;
        return GW_OK;
    case YAML_DOCUMENT_START_EVENT:
        if (++*docs > 1)
            return gw_error_set(err, GW_E_INPUT, tb->file, line, col,
                                "a second YAML document; expected one document per file");
        return GW_OK;
    case YAML_ALIAS_EVENT:
        return gw_error_set(err, GW_E_INPUT, tb->file, line, col,
                            "YAML alias '*%.60s' is not supported; expected the value "
                            "written out (or an include)",
                            (const char *)ev->data.alias.anchor);
    case YAML_SCALAR_EVENT:
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT:
        return open_node(tb, ev, line, col, err);
    case YAML_MAPPING_END_EVENT:
    case YAML_SEQUENCE_END_EVENT:
        rc = close_frame(tb->cfg, &tb->stack[tb->depth - 1], err);
        free(tb->stack[tb->depth - 1].tmp); /* on every path: the arena has the copy */
        tb->depth--;
        return rc;
    default:
        return GW_OK;
    }
}

static int parse_yaml(gw_config *cfg, const char *file, const char *buf, size_t len,
                      gw_node **out, gw_error *err)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    tree_builder tb;
    tb.cfg = cfg, tb.file = file, tb.depth = 0, tb.root = NULL;
    int rc = GW_OK, docs = 0, done = 0;

    if (!yaml_parser_initialize(&parser))
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);

    while (!done) {
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = yaml_fail(&parser, file, err);
            break;
        }
        rc = on_event(&tb, &ev, &docs, &done, err);
        yaml_event_delete(&ev);
        if (rc)
            break;
    }
    for (int i = 0; i < tb.depth; i++)
        free(tb.stack[i].tmp);
    yaml_parser_delete(&parser);
    if (rc)
        return rc;
    gw_node *root = tb.root;
    if (!root || (root->kind == GW_NODE_SCALAR && !root->quoted &&
                  (root->text[0] == '\0' || strcmp(root->text, "~") == 0 ||
                   strcmp(root->text, "null") == 0)))
        return gw_error_set(err, GW_E_INPUT, file, root ? root->line : 1, root ? root->col : 1,
                            "the document is empty; expected a YAML mapping of keys to values");
    if (root->kind != GW_NODE_MAP)
        return gw_error_set(err, GW_E_INPUT, file, root->line, root->col,
                            "the document is %s; expected a YAML mapping of keys to values",
                            gw_node_kind_name(root));
    *out = root;
    return GW_OK;
}

/* ---- includes and merging -------------------------------------------------- */

/* Deep merge: keys of `over` replace those of `base`; maps merge recursively.
 * Depth is bounded because both trees are (GW_CONFIG_MAX_DEPTH). */
static gw_node *merge(gw_config *cfg, gw_node *base, gw_node *over)
{
    if (!base || base->kind != GW_NODE_MAP || over->kind != GW_NODE_MAP)
        return over;
    gw_node *m = new_node(cfg, GW_NODE_MAP, over->file, over->line, over->col);
    if (!m)
        return NULL;
    m->kids = gw_arena_alloc(&cfg->arena, (base->nkids + over->nkids) * sizeof *m->kids + 1);
    if (!m->kids)
        return NULL;
    for (size_t i = 0; i + 1 < base->nkids; i += 2) {
        gw_node *o = gw_node_get(over, base->kids[i]->text);
        m->kids[m->nkids++] = base->kids[i];
        if (o) {
            gw_node *v = merge(cfg, base->kids[i + 1], o);
            if (!v)
                return NULL;
            m->kids[m->nkids++] = v;
        } else {
            m->kids[m->nkids++] = base->kids[i + 1];
        }
    }
    for (size_t i = 0; i + 1 < over->nkids; i += 2) {
        if (gw_node_get(base, over->kids[i]->text))
            continue;
        m->kids[m->nkids++] = over->kids[i];
        m->kids[m->nkids++] = over->kids[i + 1];
    }
    return m;
}

typedef struct include_stack {
    const char *real[GW_CONFIG_MAX_INCLUDE_DEPTH + 1];
    int n;
} include_stack;

static int load_file_rec(gw_config *cfg, const char *path, int allow_include,
                         include_stack *inc, const gw_node *from, gw_node **out, gw_error *err);

static int resolve_includes(gw_config *cfg, gw_node *root, include_stack *inc, gw_node **out,
                            gw_error *err)
{
    gw_node *list = gw_node_get(root, "include");
    if (!list) {
        *out = root;
        return GW_OK;
    }
    gw_node *items1[1];
    gw_node **items;
    size_t nitems;
    if (list->kind == GW_NODE_SCALAR) {
        items1[0] = list;
        items = items1;
        nitems = 1;
    } else if (list->kind == GW_NODE_SEQ) {
        items = list->kids;
        nitems = list->nkids;
    } else {
        return gw_error_set(err, GW_E_INPUT, list->file, list->line, list->col,
                            "include is a mapping; expected a file name or a list of them");
    }
    gw_node *base = NULL;
    for (size_t i = 0; i < nitems; i++) {
        gw_node *it = items[i];
        if (it->kind != GW_NODE_SCALAR || !it->text[0])
            return gw_error_set(err, GW_E_INPUT, it->file, it->line, it->col,
                                "include entry is %s; expected a file name",
                                it->kind == GW_NODE_SCALAR ? "empty" : gw_node_kind_name(it));
        char full[4096];
        gw_node_path(it, full, sizeof full);
        gw_node *sub;
        int rc = load_file_rec(cfg, full, 1, inc, it, &sub, err);
        if (rc)
            return rc;
        base = base ? merge(cfg, base, sub) : sub;
        if (!base)
            return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    /* the including file without its include key, on top */
    gw_node *top = new_node(cfg, GW_NODE_MAP, root->file, root->line, root->col);
    if (!top)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    top->kids = gw_arena_alloc(&cfg->arena, root->nkids * sizeof *top->kids);
    if (!top->kids)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i + 1 < root->nkids; i += 2) {
        if (strcmp(root->kids[i]->text, "include") == 0)
            continue;
        top->kids[top->nkids++] = root->kids[i];
        top->kids[top->nkids++] = root->kids[i + 1];
    }
    *out = base ? merge(cfg, base, top) : top;
    if (!*out)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    return GW_OK;
}

static int load_file_rec(gw_config *cfg, const char *path, int allow_include,
                         include_stack *inc, const gw_node *from, gw_node **out, gw_error *err)
{
    const char *efile = from ? from->file : path;
    int eline = from ? from->line : 0, ecol = from ? from->col : 0;
    char real[4096];
    if (!realpath(path, real))
        return gw_error_set(err, from ? GW_E_INPUT : GW_E_IO, efile, eline, ecol,
                            "cannot open '%.200s': %s; expected a readable file", path,
                            strerror(errno));
    for (int i = 0; i < inc->n; i++)
        if (strcmp(inc->real[i], real) == 0)
            return gw_error_set(err, GW_E_INPUT, efile, eline, ecol,
                                "include cycle: '%.200s' includes itself (directly or "
                                "through other files); expected an acyclic include chain",
                                path);
    if (inc->n >= GW_CONFIG_MAX_INCLUDE_DEPTH)
        return gw_error_set(err, GW_E_LIMIT, efile, eline, ecol,
                            "includes nested deeper than %d; expected a shallower chain",
                            GW_CONFIG_MAX_INCLUDE_DEPTH);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return gw_error_set(err, from ? GW_E_INPUT : GW_E_IO, efile, eline, ecol,
                            "cannot open '%.200s': %s; expected a readable file", path,
                            strerror(errno));
    struct stat st;
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(fp);
        return gw_error_set(err, GW_E_INPUT, efile, eline, ecol,
                            "'%.200s' is not a regular file; expected a YAML file", path);
    }
    if ((unsigned long long)st.st_size > GW_CONFIG_MAX_BYTES) {
        fclose(fp);
        return gw_error_set(err, GW_E_LIMIT, path, 0, 0,
                            "file is %lld bytes; expected at most %u bytes (1 MiB)",
                            (long long)st.st_size, GW_CONFIG_MAX_BYTES);
    }
    size_t len = (size_t)st.st_size;
    char *buf = malloc(len + 1);
    if (!buf) {
        fclose(fp);
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    size_t got = fread(buf, 1, len, fp);
    fclose(fp);
    if (got != len) {
        free(buf);
        return gw_error_set(err, GW_E_IO, path, 0, 0, "short read; expected %zu bytes", len);
    }
    buf[len] = '\0';
    const char *fname = gw_arena_strdup(&cfg->arena, path);
    const char *rname = gw_arena_strdup(&cfg->arena, real);
    if (!fname || !rname) {
        free(buf);
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    gw_node *root;
    int rc = parse_yaml(cfg, fname, buf, len, &root, err);
    free(buf);
    if (rc)
        return rc;
    if (!allow_include) {
        *out = root;
        return GW_OK;
    }
    inc->real[inc->n++] = rname;
    rc = resolve_includes(cfg, root, inc, out, err);
    inc->n--;
    return rc;
}

int gw_config_load_file(gw_config *cfg, const char *path, int allow_include, gw_node **out,
                        gw_error *err)
{
    include_stack inc = {{0}, 0};
    int rc = load_file_rec(cfg, path, allow_include, &inc, NULL, out, err);
    if (rc == GW_OK)
        cfg->root = *out;
    return rc;
}

int gw_config_load_buffer(gw_config *cfg, const char *name, const char *buf, size_t len,
                          int allow_include, gw_node **out, gw_error *err)
{
    if (len > GW_CONFIG_MAX_BYTES)
        return gw_error_set(err, GW_E_LIMIT, name, 0, 0,
                            "input is %zu bytes; expected at most %u bytes (1 MiB)", len,
                            GW_CONFIG_MAX_BYTES);
    const char *fname = gw_arena_strdup(&cfg->arena, name);
    if (!fname)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    gw_node *root;
    int rc = parse_yaml(cfg, fname, buf, len, &root, err);
    if (rc)
        return rc;
    include_stack inc = {{0}, 0};
    if (allow_include)
        rc = resolve_includes(cfg, root, &inc, out, err);
    else
        *out = root;
    if (rc == GW_OK)
        cfg->root = *out;
    return rc;
}

void gw_node_remove(gw_node *map, const char *key)
{
    if (!map || map->kind != GW_NODE_MAP)
        return;
    for (size_t i = 0; i + 1 < map->nkids; i += 2)
        if (strcmp(map->kids[i]->text, key) == 0) {
            memmove(&map->kids[i], &map->kids[i + 2], (map->nkids - i - 2) * sizeof *map->kids);
            map->nkids -= 2;
            return;
        }
}

/* ---- --set a.b.c=value ------------------------------------------------------ */

static gw_node *map_put_at(gw_config *cfg, gw_node *map, const char *key, gw_node *val,
                          int keycol);

static gw_node *map_put(gw_config *cfg, gw_node *map, const char *key, gw_node *val)
{
    return map_put_at(cfg, map, key, val, val->col);
}

/* Put key: val; a new key node sits at column `keycol` of val's line. */
static gw_node *map_put_at(gw_config *cfg, gw_node *map, const char *key, gw_node *val,
                          int keycol)
{
    for (size_t i = 0; i + 1 < map->nkids; i += 2)
        if (strcmp(map->kids[i]->text, key) == 0) {
            map->kids[i + 1] = val;
            return val;
        }
    gw_node **kids = gw_arena_alloc(&cfg->arena, (map->nkids + 2) * sizeof *kids);
    gw_node *k = new_node(cfg, GW_NODE_SCALAR, val->file, val->line, keycol);
    if (!kids || !k)
        return NULL;
    k->text = gw_arena_strdup(&cfg->arena, key);
    if (!k->text)
        return NULL;
    if (map->nkids)
        memcpy(kids, map->kids, map->nkids * sizeof *kids);
    kids[map->nkids] = k;
    kids[map->nkids + 1] = val;
    map->kids = kids;
    map->nkids += 2;
    return val;
}

int gw_config_set_path(gw_config *cfg, gw_node *root, const char *assignment,
                       const char *origin, gw_error *err)
{
    /* an option the user typed ("--tp", "--set a.b=1") is named whole,
     * without a line:col in text the user never saw */
    int line = origin[0] == '-' ? 0 : 1;
#define AT(offset) line, line ? (int)(offset) + 1 : 0
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return gw_error_set(err, GW_E_USAGE, origin, AT(0),
                            "'%.100s' is not an assignment; expected key.path=value",
                            assignment);
    const char *file = gw_arena_strdup(&cfg->arena, origin);
    if (!file)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    /* a section an option creates is no text the user typed: its errors
     * ("training: no 'count'") name no option (its key does) */
    const char *map_file = line ? file : "";
    gw_node *val = new_node(cfg, GW_NODE_SCALAR, file, AT(eq - assignment + 1));
    if (!val || !(val->text = gw_arena_strdup(&cfg->arena, eq + 1)))
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    gw_node *map = root;
    const char *seg = assignment;
    for (;;) {
        const char *dot = memchr(seg, '.', (size_t)(eq - seg));
        const char *end = dot ? dot : eq;
        if (end == seg)
            return gw_error_set(err, GW_E_USAGE, file, AT(seg - assignment),
                                "empty key in '%.100s'; expected key.path=value", assignment);
        char *key = gw_arena_strndup(&cfg->arena, seg, (size_t)(end - seg));
        if (!key)
            return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
        if (!dot)
            return map_put_at(cfg, map, key, val, line ? (int)(seg - assignment) + 1 : 0) ? GW_OK
                                               : gw_error_set(err, GW_E_NOMEM, NULL, 0, 0,
                                                              "out of memory");
        gw_node *next = gw_node_get(map, key);
        if (!next) {
            next = new_node(cfg, GW_NODE_MAP, file, AT(seg - assignment));
            if (!next || !map_put(cfg, map, key, next)) /* its key: the option's */
                return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
            next->file = map_file;
        } else if (next->kind == GW_NODE_SCALAR) {
            /* shorthand `key: id` becomes `key: {ref: id}`; the new mapping
             * is the --set's doing, so errors about it point there */
            gw_node *m = new_node(cfg, GW_NODE_MAP, file, AT(seg - assignment));
            if (!m || !map_put(cfg, m, "ref", next) || !map_put(cfg, map, key, m))
                return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
            next = m;
        } else if (next->kind != GW_NODE_MAP) {
            return gw_error_set(err, GW_E_USAGE, file, AT(seg - assignment),
                                "'%s' is %s, not a mapping; expected a path through mappings",
                                key, gw_node_kind_name(next));
        }
        map = next;
        seg = dot + 1;
    }
}
#undef AT

/* ---- suggestions ---------------------------------------------------------- */

/* Optimal-string-alignment distance: insertions, deletions, substitutions
 * and transpositions of neighbours ("tpd" -> "tdp" is one edit). */
size_t gw_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t d[65][65];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

/* A word the user shortened ("h100" for h100-sxm, "iowa" for
 * iowa-industrial-2025) is a prefix of what was meant: the shortest such
 * candidate, one where the word ends at a '-', '_' or '.' first. Two
 * letters at least, so "a" suggests nothing. */
static const char *by_prefix(const char *word, const char *const *cands, size_t n)
{
    size_t len = strlen(word);
    const char *best = NULL;
    int best_boundary = 0;
    for (size_t i = 0; len >= 2 && i < n; i++) {
        if (strncmp(cands[i], word, len) != 0 || !cands[i][len])
            continue;
        int boundary = strchr("-_.", cands[i][len]) != NULL;
        if (!best || boundary > best_boundary ||
            (boundary == best_boundary && strlen(cands[i]) < strlen(best)))
            best = cands[i], best_boundary = boundary;
    }
    return best;
}

const char *gw_suggest(const char *word, const char *const *cands, size_t n)
{
    const char *best = by_prefix(word, cands, n);
    if (best)
        return best;
    size_t bestd = (size_t)-1, len = strlen(word);
    size_t limit = len < 4 ? 1 : len < 8 ? 2 : 3;
    for (size_t i = 0; i < n; i++) {
        size_t d = gw_edit_distance(word, cands[i]);
        if (d < bestd) {
            bestd = d;
            best = cands[i];
        }
    }
    return bestd <= limit ? best : NULL;
}
