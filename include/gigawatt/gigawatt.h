/* include/gigawatt/gigawatt.h — the umbrella header: version, status codes
 * and the error record every fallible libgigawatt function fills.
 *
 * Conventions (docs/design in ../shared/design.md): functions return int
 * (GW_OK == 0, negative = error class) and take `gw_error *err` last.
 * The library never prints and never exits; only src/cli does. */
#ifndef GIGAWATT_H
#define GIGAWATT_H

#include <stddef.h>

#define GW_VERSION "0.1.0"

enum {
    GW_OK = 0,
    GW_E_INPUT = -1,  /* bad input: syntax, unknown key, unit, range, ref */
    GW_E_IO = -2,     /* a file could not be read or written */
    GW_E_NOMEM = -3,  /* allocation failed */
    GW_E_LIMIT = -4,  /* input exceeds a documented limit (size, depth) */
    GW_E_USAGE = -5,  /* wrong command-line use */
    GW_E_STOPPED = -6 /* the caller's progress callback asked to stop (Ctrl-C) */
};

/* An error with an optional input position. `file` is empty and line/col
 * are 0 when the error has no place in an input file. A model knows no
 * files: it names the input `field` its error is about instead, and the
 * scenario layer turns that into file:line:col (gw_scenario_place_error);
 * no one ever reads a position out of `msg`. */
typedef struct gw_error {
    int code;       /* one of GW_E_* */
    char file[256]; /* input file, "" if none */
    int line, col;  /* 1-based; 0 when not applicable */
    char msg[512];  /* "what is wrong; what was expected" */
    char field[128]; /* the input the error is about, as a dotted key relative
                       to the section the model was given ("tp",
                       "kv_precision", "supply.stages"); "" if none */
} gw_error;

/* Fill `err` and return err->code. `file` may be NULL. printf-style. */
int gw_error_set(gw_error *err, int code, const char *file, int line, int col,
                 const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* A model's input error about `field` (see gw_error.field), with no place
 * yet: fills `err` with GW_E_INPUT and returns it. printf-style. */
int gw_error_field(gw_error *err, const char *field, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Format as "file:line:col: msg" (or just "msg" without a place). */
void gw_error_format(const gw_error *err, char *buf, size_t n);

/* A short name for a status code ("bad input", "out of memory" ...). */
const char *gw_strerror(int code);

/* Progress of a long computation: `done` of `total` (units the caller
 * knows: ticks, iterations, draws) and `items` processed so far (requests,
 * events). Return nonzero to stop: the computation then returns
 * GW_E_STOPPED and writes nothing. The library never prints. */
typedef int (*gw_progress_fn)(void *user, double done, double total, double items);

#endif
