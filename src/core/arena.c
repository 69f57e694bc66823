/* src/core/arena.c — chunked bump allocator (core layer).
 * Chunks grow geometrically from 16 KiB; a request larger than the chunk
 * size gets a chunk of its own. No per-object free: gw_arena_free drops all. */
#include "gigawatt/arena.h"

#include <stdlib.h>
#include <string.h>

struct gw_arena_chunk {
    gw_arena_chunk *next;
    size_t cap, used;
    _Alignas(16) unsigned char data[];
};

void gw_arena_init(gw_arena *a)
{
    a->head = NULL;
    a->total = 0;
}

void gw_arena_free(gw_arena *a)
{
    gw_arena_chunk *c = a->head;
    while (c) {
        gw_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
    a->total = 0;
}

void *gw_arena_alloc(gw_arena *a, size_t n)
{
    n = (n + 15u) & ~(size_t)15u;
    if (n == 0)
        n = 16;
    gw_arena_chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        size_t cap = c ? c->cap * 2 : 16384;
        if (cap > (size_t)1 << 22)
            cap = (size_t)1 << 22;
        if (cap < n)
            cap = n;
        gw_arena_chunk *nc = malloc(sizeof *nc + cap);
        if (!nc)
            return NULL;
        nc->next = c;
        nc->cap = cap;
        nc->used = 0;
        a->head = nc;
        c = nc;
    }
    void *p = c->data + c->used;
    c->used += n;
    a->total += n;
    memset(p, 0, n);
    return p;
}

char *gw_arena_strndup(gw_arena *a, const char *s, size_t n)
{
    char *p = gw_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *gw_arena_strdup(gw_arena *a, const char *s)
{
    return gw_arena_strndup(a, s, strlen(s));
}
