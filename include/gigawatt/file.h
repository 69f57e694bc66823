/* include/gigawatt/file.h — reading a file whole and writing one whole or
 * not at all (core). */
#ifndef GIGAWATT_FILE_H
#define GIGAWATT_FILE_H

#include <stddef.h>

#include "gigawatt/gigawatt.h"

/* The bound on reading a result file or a request trace whole: it is held
 * in memory at once, so a wrong path (a disk image, a log) fails fast with
 * an error rather than exhausting memory. The errors that name the bound
 * say "1 GiB". */
#define GW_FILE_MAX_READ_BYTES ((size_t)1 << 30)

/* Write `data` to `path` via a temporary file in the same directory and
 * rename(2), so readers see the old file or the whole new one. */
int gw_write_file_atomic(const char *path, const char *data, size_t len, gw_error *err);
/* Why gw_read_whole_file failed; callers word their own errors. */
enum {
    GW_FILE_UNREADABLE = -1, /* it cannot be opened */
    GW_FILE_TOO_LARGE = -2,  /* it is larger than about max_bytes */
    GW_FILE_NO_MEMORY = -3,  /* memory ran out below that bound */
};
/* Read a whole file into a NUL-terminated string (*text, owned by the
 * caller; NULL on failure): 0 or a GW_FILE_* reason. */
int gw_read_whole_file(const char *path, size_t max_bytes, char **text, size_t *len);

#endif
