/* src/core/error.c — filling and formatting gw_error (core layer).
 * Every error the library reports goes through gw_error_set, so the
 * "file:line:col: what is wrong; what was expected" shape is made here. */
#include "gigawatt/gigawatt.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int gw_error_set(gw_error *err, int code, const char *file, int line, int col,
                 const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->col = col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    /* One line, always: a message built from input text must not break
     * the "file:line:col: msg" contract that tools grep for. */
    for (char *p = err->msg; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    return code;
}

void gw_error_format(const gw_error *err, char *buf, size_t n)
{
    if (err->file[0] && err->line > 0)
        snprintf(buf, n, "%s:%d:%d: %s", err->file, err->line, err->col, err->msg);
    else if (err->file[0])
        snprintf(buf, n, "%s: %s", err->file, err->msg);
    else
        snprintf(buf, n, "%s", err->msg);
}

const char *gw_strerror(int code)
{
    switch (code) {
    case GW_OK: return "ok";
    case GW_E_INPUT: return "bad input";
    case GW_E_IO: return "input/output error";
    case GW_E_NOMEM: return "out of memory";
    case GW_E_LIMIT: return "input too large";
    case GW_E_USAGE: return "usage error";
    case GW_E_STOPPED: return "stopped";
    default: return "unknown error";
    }
}
