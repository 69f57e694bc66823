/* include/gigawatt/config.h — scenario and catalog documents (config layer).
 *
 * A document is a YAML file parsed with libyaml into a tree of gw_node, each
 * node remembering its file, line and column so every later error can point
 * at the input. Loading resolves `include:` (files merged underneath the
 * including one, which wins key by key), and enforces limits that keep bad
 * input from hurting: file size, nesting depth, node count, include depth
 * and cycles. YAML anchors/aliases are rejected (they are not needed for
 * scenarios, and rejecting them rules out "billion laughs" expansion). */
#ifndef GIGAWATT_CONFIG_H
#define GIGAWATT_CONFIG_H

#include <stddef.h>

#include "gigawatt/arena.h"
#include "gigawatt/gigawatt.h"
#include "gigawatt/units.h"

#define GW_CONFIG_MAX_BYTES (1u << 20) /* 1 MiB: scenarios are hand-written */
#define GW_CONFIG_MAX_DEPTH 64         /* nesting of maps and lists */
#define GW_CONFIG_MAX_NODES 200000
#define GW_CONFIG_MAX_INCLUDE_DEPTH 16

typedef enum gw_node_kind { GW_NODE_SCALAR, GW_NODE_MAP, GW_NODE_SEQ } gw_node_kind;

typedef struct gw_node gw_node;
struct gw_node {
    gw_node_kind kind;
    const char *file; /* path as given (interned in the arena) */
    int line, col;    /* 1-based position of the node */
    const char *text; /* scalar text (NUL-terminated), NULL otherwise */
    int quoted;       /* scalar was quoted: never null/bool */
    gw_node **kids;   /* map: key0, val0, key1, val1 ...; seq: items */
    size_t nkids;     /* map: 2 * pairs; seq: items */
};

/* A set of loaded documents sharing one arena. */
typedef struct gw_config {
    gw_arena arena;
    gw_node *root; /* last loaded document (after includes and --set) */
    size_t nodes;  /* nodes allocated, for GW_CONFIG_MAX_NODES */
} gw_config;

void gw_config_init(gw_config *cfg);
void gw_config_free(gw_config *cfg);

/* Load a YAML file whose top level must be a mapping; resolves includes
 * when `allow_include` is set. The result is stored in *out (owned by cfg). */
int gw_config_load_file(gw_config *cfg, const char *path, int allow_include, gw_node **out,
                        gw_error *err);
/* Same, from memory; `name` is used in error messages. */
int gw_config_load_buffer(gw_config *cfg, const char *name, const char *buf, size_t len,
                          int allow_include, gw_node **out, gw_error *err);

/* An empty mapping, e.g. when a command runs from flags alone. */
gw_node *gw_config_new_map(gw_config *cfg, const char *file);

/* Apply "a.b.c=value" to a map tree, creating maps on the way; the value is
 * a scalar located at `origin`: a file (line 1, column = its offset + 1),
 * or, when `origin` starts with '-', the option the user typed ("--tp",
 * "--set perf.tp=2"), which errors name whole, without a line and column
 * (line 0); the maps it creates are then in no file (errors about a
 * section an option created name no option), else at the same origin.
 * A scalar met on the way is read as its long form: `system: gb200-nvl72`
 * is `system: {ref: gb200-nvl72}`, so --set system.load=... works on both. */
int gw_config_set_path(gw_config *cfg, gw_node *root, const char *assignment,
                       const char *origin, gw_error *err);

/* Remove `key` from a mapping (no-op when absent). */
void gw_node_remove(gw_node *map, const char *key);

/* Lookup helpers. */
gw_node *gw_node_get(const gw_node *map, const char *key);
gw_node *gw_node_key(const gw_node *map, const char *key); /* the key node itself */
const char *gw_node_kind_name(const gw_node *n);
/* The path a scalar names (a trace, an include, a result file), relative
 * to the directory of the file that holds it; an absolute path, or a value
 * from the command line (--set, flags: no directory), stays as written. */
void gw_node_path(const gw_node *n, char *out, size_t cap);

/* Edit distance, for did-you-mean suggestions. */
size_t gw_edit_distance(const char *a, const char *b);
/* The candidate meant by `word`, or NULL when none is close enough: the
 * shortest candidate `word` is a prefix of ("h100" -> "h100-sxm"), else the
 * nearest by edit distance (at most 1, 2 or 3 edits by length). The one
 * did-you-mean of every message: callers pass the candidates of the kind
 * expected (accelerator ids for an accelerator, a section's keys ...). */
const char *gw_suggest(const char *word, const char *const *cands, size_t n);

#endif
