/* src/output/text_int.h — what the result writers' text tables share
 * (output layer, internal; src/output/common_out.c defines them): the
 * two-line header of a facility result and the indented label-value rows. */
#ifndef GW_OUTPUT_TEXT_INT_H
#define GW_OUTPUT_TEXT_INT_H

#include "gigawatt/output.h"

/* "  label                              value" */
void gw_text_row(gw_buf *b, const char *label, const char *value);
/* the value in SI units of `unit` ("132.4 kW") */
void gw_text_row_si(gw_buf *b, const char *label, double v, const char *unit);
/* the value in USD ("950 M USD") */
void gw_text_row_usd(gw_buf *b, const char *label, double v);
/* a count, then `unit` if not empty ("24.5 M households") */
void gw_text_row_num(gw_buf *b, const char *label, double v, const char *unit);
/* A number as text, to pass straight to a printf ("%s", gw_text_num(v,
 * 4).s): gw_format_number's `sig` digits, or gw_format_count's. */
typedef struct gw_num_text {
    char s[48];
} gw_num_text;
gw_num_text gw_text_num(double v, int sig);
gw_num_text gw_text_count(double v);
/* gw_format_real's shortest round-trip digits, for CSV */
gw_num_text gw_text_real(double v);
/* CSV cells: each value after a comma, an integer as an integer, a real
 * in the shortest digits that read back to it (gw_format_real) */
void gw_csv_reals(gw_buf *b, const double *v, size_t n);
/* "title: scenario" and the system, cooling, site and load of a rack or
 * plan result */
void gw_text_header(gw_buf *b, const gw_scenario *sc, const char *title, double load);
/* "  power cap ...", "  assumed, no public source ...", "  announced
 * specification: ..." lines when the run has them; nothing otherwise
 * (gw_text_header calls it) */
void gw_text_status_note(gw_buf *b, const gw_scenario *sc);

#endif
