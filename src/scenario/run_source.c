/* src/scenario/run_source.c — what the result store records of a run's
 * origin (scenario layer): one gw_run_source for a fleet run (sim --db)
 * and a risk run alike, so either runs again from the store: the command
 * with the scenario's absolute path and every setting, shell-quoted, and
 * the scenario's SHA-256 (include/gigawatt/run_source.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command_int.h"
#include "gigawatt/file.h"

/* Characters a POSIX shell takes literally outside quotes. */
static int shell_plain(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                    "._/=,:+-@%",
                    *s))
            return 0;
    return 1;
}

/* Append " word" to buf[*len..n), single-quoted when the shell needs it
 * ('it'\''s'); 0 when it does not fit. */
static int append_word(char *buf, size_t n, size_t *len, const char *word)
{
    int plain = shell_plain(word);
    size_t at = *len;
    if (at + 2 >= n)
        return 0;
    buf[at++] = ' ';
    if (!plain)
        buf[at++] = '\'';
    for (const char *c = word; *c; c++) {
        const char *piece = *c == '\'' && !plain ? "'\\''" : NULL;
        size_t k = piece ? 4 : 1;
        if (at + k + 2 >= n)
            return 0;
        memcpy(buf + at, piece ? piece : c, k);
        at += k;
    }
    if (!plain)
        buf[at++] = '\'';
    buf[at] = 0;
    *len = at;
    return 1;
}

/* The scenario's absolute path and SHA-256 (a file), or the text's hash. */
static int hash_scenario(const gw_command_request *r, gw_run_source *src, gw_error *err)
{
    if (r->scenario_text) {
        gw_sha256_hex(r->scenario_text, strlen(r->scenario_text), src->scenario_sha256);
        return GW_OK;
    }
    if (!r->scenario_path)
        return GW_OK;
    char abs[PATH_MAX];
    if (realpath(r->scenario_path, abs))
        snprintf(src->scenario_path, sizeof src->scenario_path, "%s", abs);
    char *text = NULL;
    size_t len = 0;
    int why = gw_read_whole_file(r->scenario_path, GW_FILE_MAX_READ_BYTES, &text, &len);
    if (why)
        return gw_error_set(err, why == GW_FILE_NO_MEMORY ? GW_E_NOMEM : GW_E_INPUT,
                            r->scenario_path, 0, 0,
                            "cannot read the scenario again to hash it for the result store; "
                            "expected a readable file");
    gw_sha256_hex(text, len, src->scenario_sha256);
    free(text);
    return GW_OK;
}

int gw_cmd_run_source(const gw_cmd_args *a, const char *const *sets, int nsets,
                      gw_run_source *src, gw_error *err)
{
    const gw_command_request *r = a->req;
    memset(src, 0, sizeof *src);
    int rc = hash_scenario(r, src, err);
    if (rc)
        return rc;
    size_t len = (size_t)snprintf(src->command, sizeof src->command, "gigawatt %s", r->command);
    const char *scenario = src->scenario_path[0] ? src->scenario_path : gw_cmd_scenario_name(a);
    int fits = !scenario || append_word(src->command, sizeof src->command, &len, scenario);
    size_t slen = 0;
    for (int i = 0; i < nsets && fits; i++) {
        fits = append_word(src->command, sizeof src->command, &len, "--set") &&
               append_word(src->command, sizeof src->command, &len, sets[i]);
        int wrote = snprintf(src->sets + slen, sizeof src->sets - slen, "%s%s", i ? "\n" : "",
                             sets[i]);
        fits = fits && wrote > 0 && slen + (size_t)wrote < sizeof src->sets;
        slen += fits ? (size_t)wrote : 0;
    }
    if (!fits)
        return gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                            "the settings are too long to record in the result store (at most "
                            "%zu bytes of --set); expected fewer or shorter --set options",
                            sizeof src->sets - 1);
    return GW_OK;
}

int gw_cmd_run_source_option(gw_run_source *src, const char *name, const char *value,
                             gw_error *err)
{
    char flag[96];
    snprintf(flag, sizeof flag, "--%s", name);
    size_t len = strlen(src->command);
    if (append_word(src->command, sizeof src->command, &len, flag) &&
        (!value || append_word(src->command, sizeof src->command, &len, value)))
        return GW_OK;
    return gw_error_set(err, GW_E_USAGE, NULL, 0, 0,
                        "the options are too long to record in the result store (at most %zu "
                        "bytes of command); expected fewer or shorter options",
                        sizeof src->command - 1);
}
