/* src/cli/common.c — errors, exit codes and output files of every command
 * (cli layer), and the catalog and scenario loading that risk and runs
 * (src/cli/risk_cmd.c) still do themselves until they move into the
 * library as the other commands did (src/scenario/command*.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "gigawatt/command.h"
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

int cli_load_catalog(const cli_opts *o, gw_catalog *cat, gw_error *err)
{
    int rc = gw_catalog_load(cat, gw_command_catalog_dir(o->catalog), err);
    if (rc == GW_E_IO) /* a missing catalog directory is the user's to fix */
        err->code = rc = GW_E_INPUT;
    return rc;
}

int cli_load_scenario(const cli_opts *o, gw_config *cfg, gw_node **root, gw_error *err)
{
    int rc;
    if (o->scenario) {
        rc = gw_config_load_file(cfg, o->scenario, 1, root, err);
        if (rc == GW_E_IO) /* unreadable scenario: bad input, exit 2 */
            err->code = rc = GW_E_INPUT;
        if (rc)
            return rc;
    } else {
        *root = gw_config_new_map(cfg, "<command line>");
        if (!*root)
            return gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (o->replace_target)
        gw_node_remove(*root, "target");
    for (int i = 0; i < o->nsets; i++)
        if ((rc = gw_config_set_path(cfg, *root, o->sets[i], "--set", err)))
            return rc;
    return GW_OK;
}

int cli_emit(const cli_opts *o, char *text, gw_error *err)
{
    return cli_write_result(o->out, text, err);
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

char *cli_result(cli_opts *o, char *json, char *text)
{
    if (o->html) {
        /* stdout gets `json` itself under --json, so the report needs a copy */
        o->html_json = o->json && json ? strdup(json) : json;
        if (!o->json) /* ... otherwise the report owns the JSON */
            json = NULL;
    }
    if (o->json) {
        free(text);
        return json;
    }
    free(json);
    return text;
}

int cli_write_html(cli_opts *o, const char *name, gw_error *err)
{
    if (!o->html)
        return GW_OK;
    char *html = NULL;
    /* the report names its source by file name: a scenario's directory is
     * the reader's business, not the page's */
    const char *slash = name ? strrchr(name, '/') : NULL;
    if (slash && slash[1])
        name = slash + 1;
    int rc = o->html_json ? gw_report_html_text(name, o->html_json, &html, err)
                          : gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    free(o->html_json);
    o->html_json = NULL;
    if (rc == GW_OK)
        rc = gw_write_file_atomic(o->html, html, strlen(html), err);
    free(html);
    return rc;
}

int cli_finish(cli_opts *o, const char *name, char *text, gw_error *err)
{
    /* the report first: an unwritable --html path leaves no other output */
    int rc = text ? cli_write_html(o, name, err)
                  : err->code ? err->code
                              : gw_error_set(err, GW_E_NOMEM, NULL, 0, 0, "out of memory");
    if (rc == GW_OK)
        rc = cli_emit(o, text, err);
    else
        free(text);
    free(o->html_json);
    o->html_json = NULL;
    return rc;
}

int cli_add_set(cli_opts *o, const char *path, const char *value, gw_error *err)
{
    if (o->nsets >= GW_CLI_MAX_SETS || o->nowned >= GW_CLI_MAX_SETS)
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0, "too many settings; expected at most %d",
                            GW_CLI_MAX_SETS);
    char *s = o->owned[o->nowned++];
    if (snprintf(s, 512, "%s=%s", path, value) >= 512)
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0, "value for %s is too long", path);
    o->sets[o->nsets++] = s;
    return GW_OK;
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

int cli_check_outputs(const cli_opts *o, const char *db, gw_error *err)
{
    return cli_check_paths(o->out, o->html, o->requests_csv, db, err);
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
