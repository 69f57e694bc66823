/* src/output/format.c — number formatting, growable strings and atomic
 * file writes (output layer). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gigawatt/output.h"

void gw_buf_free(gw_buf *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}

void gw_buf_printf(gw_buf *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = b->cap - b->len;
        int w = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? room : 0, fmt, ap);
        va_end(ap);
        if (w < 0) {
            b->failed = 1;
            return;
        }
        if (b->s && (size_t)w < room) {
            b->len += (size_t)w;
            return;
        }
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + (size_t)w + 1)
            cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) {
            b->failed = 1;
            return;
        }
        b->s = s;
        b->cap = cap;
    }
}

void gw_format_si(double v, const char *unit, char *buf, size_t n)
{
    static const struct {
        double f;
        const char *p;
    } pf[] = {{1e18, "E"}, {1e15, "P"}, {1e12, "T"}, {1e9, "G"}, {1e6, "M"},
              {1e3, "k"},  {1, ""},     {1e-3, "m"}};
    double a = fabs(v);
    for (size_t i = 0; i < sizeof pf / sizeof pf[0]; i++) {
        if (a >= pf[i].f * 0.9995 || i == sizeof pf / sizeof pf[0] - 1) {
            double x = v / pf[i].f;
            if (a == 0)
                x = 0, i = 6;
            int prec = fabs(x) >= 100 ? 0 : fabs(x) >= 10 ? 1 : 2;
            snprintf(buf, n, "%.*f %s%s", prec, x, a == 0 ? "" : pf[i].p, unit);
            return;
        }
    }
}

void gw_format_usd(double v, char *buf, size_t n)
{
    static const struct {
        double f;
        const char *p;
    } pf[] = {{1e12, "T "}, {1e9, "B "}, {1e6, "M "}, {1e3, "k "}};
    double a = fabs(v);
    for (size_t i = 0; i < sizeof pf / sizeof pf[0]; i++)
        if (a >= pf[i].f * 0.9995) {
            double x = v / pf[i].f;
            snprintf(buf, n, "%.*f %sUSD", fabs(x) >= 100 ? 0 : fabs(x) >= 10 ? 1 : 2, x,
                     pf[i].p);
            return;
        }
    snprintf(buf, n, "%.2f USD", v);
}

void gw_format_count(double v, char *buf, size_t n)
{
    double a = fabs(v);
    if (a >= 1e9)
        snprintf(buf, n, "%.2f B", v / 1e9);
    else if (a >= 1e6)
        snprintf(buf, n, "%.2f M", v / 1e6);
    else if (a >= 1e4)
        snprintf(buf, n, "%.1f k", v / 1e3);
    else if (a == floor(a))
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, "%.2f", v);
}

/* A device or FIFO (/dev/stdout, /dev/null, a pipe) is written in place:
 * a temporary file renamed over it would replace the device. */
static int write_in_place(const char *path, const char *data, size_t len, gw_error *err)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return gw_error_set(err, GW_E_INPUT, path, 0, 0,
                            "cannot write: %s; expected a writable file", strerror(errno));
    int ok = fwrite(data, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    if (!ok)
        return gw_error_set(err, GW_E_IO, path, 0, 0, "cannot write: %s", strerror(errno));
    return GW_OK;
}

int gw_write_file_atomic(const char *path, const char *data, size_t len, gw_error *err)
{
    /* what is there decides how: a directory is refused, a device written
     * in place, a symlink's target replaced (the link stays a link) */
    struct stat sb, lsb;
    char resolved[PATH_MAX];
    const char *target = path;
    if (stat(path, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return gw_error_set(err, GW_E_INPUT, path, 0, 0,
                                "is a directory; expected a file path to write");
        if (!S_ISREG(sb.st_mode))
            return write_in_place(path, data, len, err);
        if (lstat(path, &lsb) == 0 && S_ISLNK(lsb.st_mode) && realpath(path, resolved))
            target = resolved;
    } else if (lstat(path, &lsb) == 0 && S_ISLNK(lsb.st_mode)) {
        return gw_error_set(err, GW_E_INPUT, path, 0, 0,
                            "is a symbolic link to nothing; expected a file path to write");
    }
    char tmp[PATH_MAX + 32];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", target, (long)getpid()) >= (int)sizeof tmp)
        return gw_error_set(err, GW_E_INPUT, path, 0, 0, "path too long; expected at most %d "
                                                          "bytes",
                            PATH_MAX);
    FILE *f = fopen(tmp, "wb");
    if (!f) /* a path the user gave that cannot be written: bad input (exit 2) */
        return gw_error_set(err, GW_E_INPUT, path, 0, 0,
                            "cannot write: %s; expected a file in a writable directory",
                            strerror(errno));
    int ok = fwrite(data, 1, len, f) == len;
    ok = (fflush(f) == 0) && ok;
    ok = (fsync(fileno(f)) == 0 || errno == EINVAL) && ok;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, target) != 0) {
        int e = errno;
        remove(tmp);
        return gw_error_set(err, GW_E_IO, path, 0, 0, "cannot write: %s", strerror(e));
    }
    return GW_OK;
}

int gw_read_whole_file(const char *path, size_t max_bytes, char **text, size_t *len_out)
{
    *text = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char *t = NULL;
    size_t len = 0, cap = 0, got;
    do {
        if (cap - len < 65536) {
            cap = cap ? cap * 2 : 65536;
            char *grown = cap <= max_bytes + 65536 ? realloc(t, cap) : NULL;
            if (!grown) {
                free(t);
                fclose(f);
                return -2;
            }
            t = grown;
        }
        got = fread(t + len, 1, cap - len - 1, f);
        len += got;
    } while (got > 0);
    fclose(f);
    t[len] = 0;
    *text = t;
    if (len_out)
        *len_out = len;
    return 0;
}
