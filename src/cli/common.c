/* src/cli/common.c — errors, exit codes and output files of every command
 * (cli layer). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "gigawatt/output.h"

int cli_exit_code(int rc)
{
    if (rc == GW_OK)
        return 0;
    if (rc == GW_E_STOPPED)
        return 130; /* interrupted, as a shell reports SIGINT */
    return (rc == GW_E_NOMEM || rc == GW_E_IO) ? 1 : 2;
}

int cli_fail(const gw_error *err)
{
    char buf[1024];
    gw_error_format(err, buf, sizeof buf);
    if (err->file[0])
        fprintf(stderr, "%s\n", buf);
    else
        fprintf(stderr, "gigawatt: %s\n", buf);
    return cli_exit_code(err->code);
}

int cli_write_result(const char *out, char *text, gw_error *err)
{
    if (!text)
        return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    int rc = GW_OK;
    if (out) {
        rc = gw_write_file_atomic(out, text, strlen(text), err);
    } else if (fputs(text, stdout) == EOF || fflush(stdout) != 0) {
        rc = gw_error_set(err, GW_E_IO, NULL, 0, 0, "cannot write to standard output");
    }
    free(text);
    return rc;
}

/* Can `path` be written as an output file? It may exist as a writable file
 * or device, else its directory must exist and be writable. */
static int check_output(const char *path, const char *what, gw_error *err)
{
    struct stat sb;
    if (stat(path, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return gw_error_set(err, GW_E_INPUT, path, 0, 0,
                                "is a directory; expected a file path for %s", what);
        if (access(path, W_OK) != 0)
            return gw_error_set(err, GW_E_INPUT, path, 0, 0,
                                "cannot write: %s; expected a writable file for %s",
                                strerror(errno), what);
        return GW_OK;
    }
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode) || access(dir, W_OK | X_OK) != 0)
        return gw_error_set(err, GW_E_INPUT, path, 0, 0,
                            "cannot write: %s; expected a file in a writable directory for %s",
                            stat(dir, &sb) != 0 ? strerror(errno)
                            : !S_ISDIR(sb.st_mode) ? "not a directory"
                                                    : "permission denied",
                            what);
    return GW_OK;
}

int cli_check_paths(const char *out, const char *html, const char *requests_csv, const char *db,
                    gw_error *err)
{
    int rc = GW_OK;
    if (!rc && out)
        rc = check_output(out, "-o", err);
    if (!rc && html)
        rc = check_output(html, "--html", err);
    if (!rc && requests_csv)
        rc = check_output(requests_csv, "--requests-csv", err);
    if (!rc && db)
        rc = check_output(db, "the result store", err);
    return rc;
}
