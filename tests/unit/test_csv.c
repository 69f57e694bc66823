/* tests/unit/test_csv.c — the CSV record reader (gigawatt/csv.h, RFC 4180):
 * plain and quoted fields, commas, line breaks and "" inside quotes, CRLF
 * and LF, a trailing comma's empty field, an empty line, a last record
 * without a line break, each field's line and column, the column lookup,
 * and more fields than a record keeps. */
#include <stdio.h>
#include <string.h>

#include "gigawatt/csv.h"
#include "gw_test.h"

static void test_records(void)
{
    const char *s = "id,note,x\r\n"
                    "a,\"one, two\",1\n"
                    "b,\"say \"\"hi\"\"\nthen\",\n"
                    "\n"
                    "c,plain,3";
    size_t pos = 0, len = strlen(s);
    int line = 1;
    gw_csv_record r = {0};
    CHECK_INT(gw_csv_next(s, len, &pos, &line, &r), 1);
    CHECK_INT(r.n, 3);
    CHECK_INT(gw_csv_column(&r, "x"), 2);
    CHECK_INT(gw_csv_column(&r, "missing"), -1);
    CHECK_INT(gw_csv_next(s, len, &pos, &line, &r), 1);
    CHECK_INT(r.line, 2);
    CHECK_STR_HAS(gw_csv_field(&r, 1), "one, two");
    CHECK(strcmp(gw_csv_field(&r, 1), "one, two") == 0);
    CHECK_INT(r.col[2], 14); /* a,"one, two",1: the 1 is column 14 */
    CHECK_INT(gw_csv_next(s, len, &pos, &line, &r), 1);
    CHECK_INT(r.line, 3);
    CHECK(strcmp(gw_csv_field(&r, 1), "say \"hi\"\nthen") == 0);
    CHECK_INT(r.n, 3); /* the trailing comma's empty field */
    CHECK(strcmp(gw_csv_field(&r, 2), "") == 0);
    CHECK_INT(gw_csv_next(s, len, &pos, &line, &r), 1);
    CHECK(gw_csv_blank(&r));
    CHECK_INT(r.line, 5); /* the quoted line break counted */
    CHECK_INT(gw_csv_next(s, len, &pos, &line, &r), 1);
    CHECK_INT(r.line, 6);
    CHECK(strcmp(gw_csv_field(&r, 2), "3") == 0);
    CHECK_INT(gw_csv_next(s, len, &pos, &line, &r), 0);
    gw_csv_record_free(&r);
    CHECK(r.text == NULL);
}

static void test_too_many_fields(void)
{
    char s[4 * GW_CSV_MAX_FIELDS];
    size_t n = 0;
    for (int i = 0; i <= GW_CSV_MAX_FIELDS; i++)
        n += (size_t)snprintf(s + n, sizeof s - n, i ? ",%d" : "%d", i % 10);
    size_t pos = 0;
    int line = 1;
    gw_csv_record r = {0};
    CHECK_INT(gw_csv_next(s, n, &pos, &line, &r), 1);
    CHECK(r.too_many);
    CHECK_INT(r.n, GW_CSV_MAX_FIELDS);
    gw_csv_record_free(&r);
}

int main(void)
{
    test_records();
    test_too_many_fields();
    return gw_test_done("test_csv");
}
