/* src/core/csv.c — CSV records as RFC 4180 writes them (core): the one
 * reader of include/gigawatt/csv.h. A record is read into a growing buffer
 * of NUL-separated fields, each with the column it starts at, so a caller
 * can name file:line:col of any field. */
#include "gigawatt/csv.h"

#include "gigawatt/buffer.h"

#include <stdlib.h>
#include <string.h>

static int record_put(gw_csv_record *r, size_t at, char c)
{
    if (at + 1 >= r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 1024;
        char *t = realloc(r->text, cap);
        if (!t)
            return -1;
        r->text = t, r->cap = cap;
    }
    r->text[at] = c;
    return 0;
}

/* The record at *pos; 0 at the end of the text, 1 read, -1 out of memory. */
int gw_csv_next(const char *s, size_t len, size_t *pos, int *line, gw_csv_record *r)
{
    size_t i = *pos, at = 0;
    if (i >= len)
        return 0;
    int col = 1, quoted = 0, field_start = 1;
    r->line = *line, r->n = 0, r->too_many = 0;
    for (; i < len; i++, col++) {
        char c = s[i];
        if (field_start) {
            if (r->n < GW_CSV_MAX_FIELDS)
                r->off[r->n] = at, r->col[r->n] = col, r->n++;
            else
                r->too_many = 1;
            field_start = 0;
            if (c == '"') {
                quoted = 1;
                continue;
            }
        }
        if (quoted && c == '"' && i + 1 < len && s[i + 1] == '"')
            i++, col++;
        else if (quoted && c == '"') {
            quoted = 0;
            continue;
        } else if (!quoted && c == ',') {
            if (record_put(r, at++, 0))
                return -1;
            field_start = 1;
            continue;
        } else if (!quoted && (c == '\n' || c == '\r'))
            break;
        if (c == '\n')
            (*line)++, col = 0;
        if (record_put(r, at++, c))
            return -1;
    }
    if (field_start && r->n < GW_CSV_MAX_FIELDS) /* a trailing comma: one more, empty field */
        r->off[r->n] = at, r->col[r->n] = col, r->n++;
    r->end_col = col;
    if (record_put(r, at, 0))
        return -1;
    if (i < len && s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
        i++;
    *pos = i + 1;
    (*line)++;
    return 1;
}

int gw_csv_column(const gw_csv_record *h, const char *name)
{
    for (int i = 0; i < h->n; i++)
        if (strcmp(gw_csv_field(h, i), name) == 0)
            return i;
    return -1;
}

void gw_csv_record_free(gw_csv_record *r)
{
    free(r->text);
    r->text = NULL, r->cap = 0;
}

void gw_csv_write_field(gw_buf *b, const char *t)
{
    if (!strpbrk(t, ",\"\n")) {
        gw_buf_printf(b, "%s", t);
        return;
    }
    gw_buf_printf(b, "\"");
    for (const char *c = t; *c; c++)
        gw_buf_printf(b, *c == '"' ? "\"\"" : "%c", *c);
    gw_buf_printf(b, "\"");
}
