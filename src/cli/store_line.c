/* src/cli/store_line.c — the one stderr line after a run that wrote the
 * result store (cli layer): where the file is and how big it grew, so a
 * store that gains ~50 MB per risk run never grows unseen, and how to
 * prune it (gigawatt runs --delete RUN, --vacuum; docs/commands.md). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

void cli_store_mark(cli_store *s, const char *path)
{
    memset(s, 0, sizeof *s);
    s->path = path;
    struct stat sb;
    if (path && stat(path, &sb) == 0) {
        s->existed = 1;
        s->size = (double)sb.st_size;
        s->mtime = sb.st_mtim;
    }
}

/* "812 kB", "51.6 MB", "1.24 GB" (decimal prefixes, as ls -h --si). */
static void bytes(char *b, size_t n, double v)
{
    double a = v < 0 ? -v : v;
    if (a >= 1e9)
        snprintf(b, n, "%.2f GB", v / 1e9);
    else if (a >= 1e6)
        snprintf(b, n, "%.1f MB", v / 1e6);
    else
        snprintf(b, n, "%.0f kB", v / 1e3);
}

void cli_store_report(const cli_store *s)
{
    struct stat sb;
    if (!s->path || stat(s->path, &sb) != 0)
        return;
    int touched = !s->existed || (double)sb.st_size != s->size ||
                  sb.st_mtim.tv_sec != s->mtime.tv_sec || sb.st_mtim.tv_nsec != s->mtime.tv_nsec;
    if (!touched)
        return;
    char abs[PATH_MAX], now[32], grew[32];
    const char *where = realpath(s->path, abs) ? abs : s->path;
    bytes(now, sizeof now, (double)sb.st_size);
    bytes(grew, sizeof grew, (double)sb.st_size - s->size);
    fprintf(stderr,
            "gigawatt: result store %s: %s (%s%s this run); list with gigawatt runs --db %s, "
            "prune with --delete RUN and --vacuum\n",
            where, now, (double)sb.st_size >= s->size ? "+" : "", grew, s->path);
}
