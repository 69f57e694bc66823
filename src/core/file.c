/* src/core/file.c — a file read whole, and written whole or not at all
 * (core layer; include/gigawatt/file.h). */
#include "gigawatt/file.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
        return GW_FILE_UNREADABLE;
    char *t = NULL;
    size_t len = 0, cap = 0, got;
    do {
        if (cap - len < 65536) {
            cap = cap ? cap * 2 : 65536;
            char *grown = cap <= max_bytes + 65536 ? realloc(t, cap) : NULL;
            if (!grown) {
                free(t);
                fclose(f);
                return cap <= max_bytes + 65536 ? GW_FILE_NO_MEMORY : GW_FILE_TOO_LARGE;
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
