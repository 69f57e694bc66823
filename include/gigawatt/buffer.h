/* include/gigawatt/buffer.h — a growable NUL-terminated text buffer (core).
 * Every text and JSON writer of the library appends to one; an allocation
 * failure is recorded once and later appends are ignored, so a writer checks
 * `failed` at the end instead of after every call. */
#ifndef GIGAWATT_BUFFER_H
#define GIGAWATT_BUFFER_H

#include <stddef.h>

/* A growable string. All functions keep it NUL-terminated; on allocation
 * failure `failed` is set and further appends are ignored. */
typedef struct gw_buf {
    char *s;
    size_t len, cap;
    int failed;
} gw_buf;

void gw_buf_free(gw_buf *b);
void gw_buf_printf(gw_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
