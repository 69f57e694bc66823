/* include/gigawatt/csv.h — CSV records as RFC 4180 writes them (core):
 * comma-separated fields, a field in double quotes may hold commas, line
 * breaks and "" for a quote; CRLF or LF ends a record. One reader for
 * every CSV the library reads as text with positions (validate's measured
 * and settings files, power's hourly utilisation, the compiled-in known
 * errors); the request-trace reader (src/sim/workload.c) splits its hot
 * path in place and keeps its own. */
#ifndef GIGAWATT_CSV_H
#define GIGAWATT_CSV_H

#include <stddef.h>

/* Fields kept per record; more set too_many (a caller's error). */
#define GW_CSV_MAX_FIELDS 128

typedef struct gw_csv_record {
    int line;                      /* 1-based line where the record starts */
    int n;                         /* fields (at most GW_CSV_MAX_FIELDS) */
    char *text;                    /* the unquoted fields, NUL-separated; owned */
    size_t cap;
    size_t off[GW_CSV_MAX_FIELDS]; /* each field's start in text */
    int col[GW_CSV_MAX_FIELDS];    /* each field's 1-based column in its line */
    int end_col;                   /* the column just past the record's last character */
    int too_many;                  /* more than GW_CSV_MAX_FIELDS fields */
} gw_csv_record;

/* Read the record at *pos of s[0, len) into r (reusing r->text), advance
 * *pos past it and *line past its line breaks: 1 read, 0 at the end of the
 * text, -1 out of memory. Start with a zeroed r, *pos 0 and *line 1. */
int gw_csv_next(const char *s, size_t len, size_t *pos, int *line, gw_csv_record *r);

/* Field i of r (0 <= i < r->n), NUL-terminated. */
static inline const char *gw_csv_field(const gw_csv_record *r, int i)
{
    return r->text + r->off[i];
}

/* A record of one empty field: an empty line. */
static inline int gw_csv_blank(const gw_csv_record *r)
{
    return r->n == 1 && gw_csv_field(r, 0)[0] == 0;
}

/* The index of the field equal to `name` in header record h, or -1. */
int gw_csv_column(const gw_csv_record *h, const char *name);

/* Free r->text; r may be read into again after a memset. */
void gw_csv_record_free(gw_csv_record *r);

struct gw_buf;
/* Append the field `t` to b as RFC 4180 writes it: as is, or in double
 * quotes (a quote doubled) when it holds a comma, a quote or a newline.
 * The one writer of every CSV field the project quotes. */
void gw_csv_write_field(struct gw_buf *b, const char *t);

#endif
