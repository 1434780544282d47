/*  common_jsonl.c -- the line rules every JSON-lines reader shares: numbers
    from 1 with blank lines counted, a torn last line flagged, numbering
    going on across fed chunks, the length limit named with file and line,
    and jsonl_read's errors and line count on top of the cursor.
*/
#include <string.h>
#include "tap.h"
#include "limits.h"
#include "jsonl.h"

static void
test_lines_blank_and_torn (void **state)
{
    (void) state;
    const char *text = "{\"a\":1}\n \t\r\n\n[2]\r\n{\"c\"";
    jsonl_lines_t lines;
    jsonl_lines_init (&lines, text, strlen (text));
    assert_int_equal (jsonl_lines_next (&lines, "x.jsonl", NULL), 1);
    assert_int_equal (lines.line, 1);
    assert_int_equal (lines.len, 7);
    assert_false (lines.torn);
    assert_int_equal (jsonl_lines_next (&lines, "x.jsonl", NULL), 1);
    assert_int_equal (lines.line, 4);
    assert_memory_equal (lines.text, "[2]\r", 4);
    assert_int_equal (lines.len, 4);
    assert_int_equal (jsonl_lines_next (&lines, "x.jsonl", NULL), 1);
    assert_int_equal (lines.line, 5);
    assert_true (lines.torn);
    assert_int_equal (jsonl_lines_next (&lines, "x.jsonl", NULL), 0);
    assert_int_equal (lines.line, 5);
}

static void
test_lines_feed_numbers_on (void **state)
{
    (void) state;
    jsonl_lines_t lines;
    jsonl_lines_init (&lines, "1\n", 2);
    assert_int_equal (jsonl_lines_next (&lines, "x", NULL), 1);
    assert_int_equal (jsonl_lines_next (&lines, "x", NULL), 0);
    jsonl_lines_feed (&lines, "\n", 1);
    assert_int_equal (jsonl_lines_next (&lines, "x", NULL), 0);
    jsonl_lines_feed (&lines, "3\n", 2);
    assert_int_equal (jsonl_lines_next (&lines, "x", NULL), 1);
    assert_int_equal (lines.line, 3);
}

static void
test_lines_too_long (void **state)
{
    (void) state;
    size_t len = 3 + FL_HISTORY_LINE_BYTES_MAX + 1;     // "{}\n", then one byte too many
    char *text = malloc (len);
    assert_non_null (text);
    memcpy (text, "{}\n", 3);
    memset (text + 3, ' ', len - 3);
    jsonl_lines_t lines;
    jsonl_lines_init (&lines, text, len);
    char *error = NULL;
    assert_int_equal (jsonl_lines_next (&lines, "big.jsonl", &error), 1);
    assert_int_equal (jsonl_lines_next (&lines, "big.jsonl", &error), -1);
    char expect [80];
    snprintf (expect, sizeof expect, "big.jsonl:2: line longer than %d bytes (FL_HISTORY_LINE_BYTES_MAX)",
              FL_HISTORY_LINE_BYTES_MAX);
    assert_string_equal (error, expect);
    free (error);
    //  Exactly the limit, newline not counted, is a line
    jsonl_lines_init (&lines, text + 3, FL_HISTORY_LINE_BYTES_MAX);
    text [3] = '1';
    assert_int_equal (jsonl_lines_next (&lines, "big.jsonl", NULL), 1);
    free (text);
}

static int
s_count (void *arg, json_t *value, const char *path, size_t line, char **error)
{
    (void) path;
    (void) error;
    assert_true (json_is_array (value) || json_is_object (value));
    *(size_t *) arg += line;
    return 0;
}

static void
test_read_file (void **state)
{
    (void) state;
    char text [] = "[1]\n\n{\"b\": 2}\n";
    FILE *file = fmemopen (text, strlen (text), "r");
    assert_non_null (file);
    size_t sum = 0, lines = 0;
    char *error = NULL;
    assert_int_equal (jsonl_read (file, "h.jsonl", s_count, &sum, &lines, &error), 0);
    assert_int_equal (sum, 1 + 3);
    assert_int_equal (lines, 3);
    fclose (file);
    char bad [] = "[1]\n\nnope\n[2]\n";
    file = fmemopen (bad, strlen (bad), "r");
    assert_int_equal (jsonl_read (file, "h.jsonl", s_count, &sum, &lines, &error), -1);
    assert_non_null (strstr (error, "h.jsonl:3: bad JSON"));
    assert_int_equal (lines, 3);
    free (error);
    fclose (file);
    //  A torn last line: refused by jsonl_read, ignored by jsonl_read_torn
    //  (and said); a torn line in the middle cannot be: it has a newline
    char torn [] = "[1]\n[2]\n{\"a\": [";
    file = fmemopen (torn, strlen (torn), "r");
    assert_int_equal (jsonl_read (file, "h.jsonl", s_count, &sum, &lines, &error), -1);
    assert_non_null (strstr (error, "h.jsonl:3: bad JSON"));
    free (error);
    fclose (file);
    file = fmemopen (torn, strlen (torn), "r");
    size_t cut = 0;
    sum = 0;
    assert_int_equal (jsonl_read_torn (file, "h.jsonl", s_count, &sum, &lines, &cut, &error), 0);
    assert_int_equal (sum, 1 + 2);
    assert_int_equal (cut, 3);
    fclose (file);
    char middle [] = "[1]\n{\"a\": [\n[2]";
    file = fmemopen (middle, strlen (middle), "r");
    assert_int_equal (jsonl_read_torn (file, "h.jsonl", s_count, &sum, &lines, &cut, &error), -1);
    assert_non_null (strstr (error, "h.jsonl:2: bad JSON"));
    free (error);
    fclose (file);
    //  A key twice in one object is refused and named, even in a torn
    //  last line (a line cut short has no key twice)
    char twice [] = "[1]\n{\"a\": 1, \"b\": {\"c\": 2, \"c\": 3}}\n{\"d\": 1, \"d\": 2}";
    file = fmemopen (twice, strlen (twice), "r");
    assert_int_equal (jsonl_read_torn (file, "h.jsonl", s_count, &sum, &lines, &cut, &error), -1);
    assert_string_equal (error, "h.jsonl:2: bad JSON: duplicate key 'c'");
    free (error);
    fclose (file);
    const char *last = strrchr (twice, '\n') + 1;
    file = fmemopen ((char *) last, strlen (last), "r");
    assert_int_equal (jsonl_read_torn (file, "h.jsonl", s_count, &sum, &lines, &cut, &error), -1);
    assert_string_equal (error, "h.jsonl:1: bad JSON: duplicate key 'd'");
    free (error);
    fclose (file);
    //  A NUL in a line is named with its column (jansson would stop there)
    char nul [] = "[1]\n[2,\0003]\n";
    file = fmemopen (nul, sizeof nul - 1, "r");
    assert_int_equal (jsonl_read (file, "h.jsonl", s_count, &sum, &lines, &error), -1);
    assert_string_equal (error, "h.jsonl:2: NUL byte at column 4");
    free (error);
    fclose (file);
}

//  Integers past 64 bits are kept as strings of their digits, each one
//  distinct; reals, strings that look like numbers and fitting integers
//  are left as they are; text that is no JSON for another reason is none.
static void
test_loads_wide (void **state)
{
    (void) state;
    size_t wide = 99;
    json_t *v = jsonl_loads_wide ("{\"a\":1,\"b\":-9223372036854775808}", 0, &wide);
    assert_non_null (v);
    assert_int_equal (wide, 0);
    assert_true (json_integer_value (json_object_get (v, "b")) == INT64_MIN);
    json_decref (v);
    v = jsonl_loads_wide ("{\"id\":9223372036854775809,\"s\":\"x\\\"18446744073709551616\","
                          "\"l\":[-18446744073709551617,1e30,340282366920938463463374607431768211455.5,"
                          "9223372036854775807]}", 0, &wide);
    assert_non_null (v);
    assert_int_equal (wide, 2);
    assert_string_equal (json_string_value (json_object_get (v, "id")), "9223372036854775809");
    assert_string_equal (json_string_value (json_object_get (v, "s")), "x\"18446744073709551616");
    json_t *l = json_object_get (v, "l");
    assert_string_equal (json_string_value (json_array_get (l, 0)), "-18446744073709551617");
    assert_true (json_is_real (json_array_get (l, 1)));
    assert_true (json_is_real (json_array_get (l, 2)));
    assert_true (json_integer_value (json_array_get (l, 3)) == INT64_MAX);
    json_decref (v);
    assert_null (jsonl_loads_wide ("{\"id\":18446744073709551616,}", 0, &wide));
    assert_null (jsonl_loads_wide ("{\"id\":1", 0, NULL));
}

int
main (void)
{
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_lines_blank_and_torn),
        cmocka_unit_test (test_lines_feed_numbers_on),
        cmocka_unit_test (test_lines_too_long),
        cmocka_unit_test (test_read_file),
        cmocka_unit_test (test_loads_wide),
    };
    return cmocka_run_group_tests_name ("common_jsonl", tests, NULL, NULL);
}
