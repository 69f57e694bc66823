/* include/gigawatt/arena.h — a bump allocator for per-run objects (core).
 * Everything a scenario load or a catalog creates lives in one arena and is
 * freed in one call, so error paths never leak (ASan checks it in tests). */
#ifndef GIGAWATT_ARENA_H
#define GIGAWATT_ARENA_H

#include <stddef.h>

typedef struct gw_arena_chunk gw_arena_chunk;
typedef struct gw_arena {
    gw_arena_chunk *head; /* newest chunk first */
    size_t total;         /* bytes handed out, for limits and tests */
} gw_arena;

void gw_arena_init(gw_arena *a);
void gw_arena_free(gw_arena *a);
/* Zeroed, 16-byte aligned memory; NULL when out of memory. */
void *gw_arena_alloc(gw_arena *a, size_t n);
/* Copy of s[0..n) with a terminating NUL. */
char *gw_arena_strndup(gw_arena *a, const char *s, size_t n);
char *gw_arena_strdup(gw_arena *a, const char *s);

#endif
