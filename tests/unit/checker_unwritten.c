/*  checker_unwritten.c -- the pre-check (checker/unwritten.c): an ok read
    of a value no op could have written makes a register key invalid before
    unique values or the search run; a read of a value some op may have
    written, or of the initial value, or of unknown value, is left to them.

    Each history is checked through check_file, as ./harness check does,
    and the JSON says which method decided (method, methods, key_method,
    keys [{key, method}]). Histories with repeated values are there too, so
    that a valid verdict is the search's, not the unique-values method's.
    Pictures read left to right in real time; |--op--| is an op from
    invoke to completion, |--op--> never completed.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "../../checker/check.h"

#define J(p, type, f, value) "{\"process\":" #p ",\"type\":\"" type "\",\"f\":\"" f "\",\"value\":" value "}\n"
#define JE(p, type, f, value, error) "{\"process\":" #p ",\"type\":\"" type "\",\"f\":\"" f "\",\"value\":" value ",\"error\":" #error "}\n"
#define JK(p, type, f, key, value) "{\"process\":" #p ",\"type\":\"" type "\",\"f\":\"" f "\",\"key\":\"" key "\",\"value\":" value "}\n"

static char s_dir [64];

typedef struct {
    int verdict;
    json_t *json;           // check_result_json
    char *text;             // check_result_explain
} s_out_t;

//  Check text as file NAME (its extension gives the format) with model,
//  init and method (NULL: the defaults).
static s_out_t
s_check (const char *name, const char *text, const char *model, const char *init,
         const char *method)
{
    char path [160];
    snprintf (path, sizeof (path), "%s/%s", s_dir, name);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fputs (text, file);
    fclose (file);
    check_opts_t opts = { .model = model, .init = init, .threads = 1, .method = method,
                          .timeout_s = 10 };
    char *error = NULL;
    check_result_t *result = check_file (path, &opts, &error);
    if (!result)
        fail_msg ("%s: %s", name, error? error: "?");
    s_out_t out = { check_result_verdict (result), check_result_json (result), NULL };
    size_t len = 0;
    FILE *mem = open_memstream (&out.text, &len);
    assert_non_null (mem);
    check_result_explain (result, mem);
    fclose (mem);
    check_result_destroy (&result);
    return out;
}

static void
s_out_free (s_out_t *out)
{
    json_decref (out->json);
    free (out->text);
}

static const char *
s_str (json_t *json, const char *field)
{
    const char *s = json_string_value (json_object_get (json, field));
    return s? s: "";
}

//  Invalid, decided by the pre-check, blaming the op at that line.
static void
s_expect_unwritten (const char *text, const char *model, const char *init, int line)
{
    s_out_t out = s_check ("h.jsonl", text, model, init, NULL);
    assert_int_equal (out.verdict, CHECK_INVALID);
    assert_string_equal (s_str (out.json, "key_method"), "unwritten-read");
    json_t *failing = json_array_get (json_object_get (out.json, "failing"), 0);
    assert_int_equal (json_integer_value (json_object_get (failing, "line")), line);
    assert_non_null (strstr (out.text, "by unwritten-read"));
    s_out_free (&out);
}

//  Left to the other methods, which find it valid.
static void
s_expect_valid (const char *name, const char *text, const char *model, const char *init)
{
    s_out_t out = s_check (name, text, model, init, NULL);
    assert_int_equal (out.verdict, CHECK_VALID);
    assert_string_not_equal (s_str (out.json, "method"), "unwritten-read");
    assert_int_equal (json_integer_value (json_object_get (json_object_get (out.json, "methods"),
                      "unwritten-read")), 0);
    s_out_free (&out);
}

//  Repeated values: a write of 1 twice, so unique values do not apply
#define TWICE_1 J (0, "invoke", "write", "1") J (0, "ok", "write", "1") \
                J (0, "invoke", "write", "1") J (0, "ok", "write", "1")

static void
test_register (void **state)
{
    (void) state;
    //  p0 |--write 1--| |--write 1--|   p1 |--read 2--|   invalid at once
    s_expect_unwritten (TWICE_1 J (1, "invoke", "read", "null") J (1, "ok", "read", "2"),
                        "register", NULL, 5);
    s_out_t out = s_check ("h.jsonl", TWICE_1 J (1, "invoke", "read", "null")
                           J (1, "ok", "read", "2"), "register", NULL, NULL);
    assert_string_equal (s_str (out.json, "method"), "unwritten-read");
    json_t *methods = json_object_get (out.json, "methods");
    assert_int_equal (json_integer_value (json_object_get (methods, "unwritten-read")), 1);
    assert_int_equal (json_integer_value (json_object_get (methods, "search")), 0);
    assert_int_equal (json_integer_value (json_object_get (methods, "unique-values")), 0);
    //  The explanation is the search's on the key: it ended here
    assert_non_null (json_object_get (out.json, "prefix"));
    assert_null (json_object_get (out.json, "prefix_note"));
    s_out_free (&out);
    //  --method search stays the plain search: same verdict, its name
    out = s_check ("h.jsonl", TWICE_1 J (1, "invoke", "read", "null")
                   J (1, "ok", "read", "2"), "register", NULL, "search");
    assert_int_equal (out.verdict, CHECK_INVALID);
    assert_string_equal (s_str (out.json, "method"), "search");
    assert_string_equal (s_str (out.json, "key_method"), "search");
    s_out_free (&out);
    //  Values compare as the model compares them: the string "1" is not 1
    s_expect_unwritten (J (0, "invoke", "write", "\"1\"") J (0, "ok", "write", "\"1\"")
                        J (1, "invoke", "read", "null") J (1, "ok", "read", "1"),
                        "register", NULL, 3);
    s_expect_valid ("h.jsonl", TWICE_1 J (1, "invoke", "read", "null") J (1, "ok", "read", "1"),
                    "register", NULL);
    //  The initial value, read before the writes: nil by default (a
    //  JSONL read of null is nil), or --init's
    s_expect_valid ("h.jsonl", J (1, "invoke", "read", "null") J (1, "ok", "read", "null") TWICE_1,
                    "register", NULL);
    s_expect_valid ("h.jsonl", J (1, "invoke", "read", "null") J (1, "ok", "read", "7") TWICE_1,
                    "register", "7");
    s_expect_unwritten (J (1, "invoke", "read", "null") J (1, "ok", "read", "null") TWICE_1,
                        "register", "7", 1);
}

static void
test_unknown_outcomes (void **state)
{
    (void) state;
    //  p0 |--write 2--> (info)   p1 |--read 2--|     it may have happened
    s_expect_valid ("h.jsonl", TWICE_1 J (2, "invoke", "write", "2") J (2, "info", "write", "2")
                    J (1, "invoke", "read", "null") J (1, "ok", "read", "2"), "register", NULL);
    //  p2 |--write 2-->  (never returned)
    s_expect_valid ("h.jsonl", TWICE_1 J (2, "invoke", "write", "2")
                    J (1, "invoke", "read", "null") J (1, "ok", "read", "2"), "register", NULL);
    //  p2 |--write 2--| fail: it did not happen, the read is invalid
    s_expect_unwritten (TWICE_1 JE (2, "invoke", "write", "2", 11) JE (2, "fail", "write", "2", 11)
                        J (1, "invoke", "read", "null") J (1, "ok", "read", "2"),
                        "register", NULL, 7);
    //  Unknown reads say nothing: an info read, a timed-out one
    s_expect_valid ("h.jsonl", TWICE_1 J (1, "invoke", "read", "null") J (1, "info", "read", "9"),
                    "register", NULL);
    //  EDN (Knossos): an ok read of nil is "value unknown", even with an
    //  initial value that is not nil
    s_expect_valid ("h.edn", "[{:process 0, :type :invoke, :f :write, :value 1}\n"
                    " {:process 0, :type :ok, :f :write, :value 1}\n"
                    " {:process 0, :type :invoke, :f :write, :value 1}\n"
                    " {:process 0, :type :ok, :f :write, :value 1}\n"
                    " {:process 1, :type :invoke, :f :read, :value nil}\n"
                    " {:process 1, :type :ok, :f :read, :value nil}]\n", "cas-register", "0");
    //  ... but an ok read of 9 is known
    s_out_t out = s_check ("h.edn", "[{:process 0, :type :invoke, :f :write, :value 1}\n"
                           " {:process 0, :type :ok, :f :write, :value 1}\n"
                           " {:process 1, :type :invoke, :f :read, :value nil}\n"
                           " {:process 1, :type :ok, :f :read, :value 9}]\n",
                           "cas-register", "0", NULL);
    assert_int_equal (out.verdict, CHECK_INVALID);
    assert_string_equal (s_str (out.json, "key_method"), "unwritten-read");
    s_out_free (&out);
}

static void
test_cas_register (void **state)
{
    (void) state;
    //  p0 |--cas 1->2--| ok      p1 |--read 2--|     the cas wrote 2
    s_expect_valid ("h.jsonl", TWICE_1 J (2, "invoke", "cas", "[1,2]") J (2, "ok", "cas", "[1,2]")
                    J (1, "invoke", "read", "null") J (1, "ok", "read", "2"), "cas-register", NULL);
    //  p2 |--cas 1->2--> info: it may have
    s_expect_valid ("h.jsonl", TWICE_1 J (2, "invoke", "cas", "[1,2]") J (2, "info", "cas", "[1,2]")
                    J (1, "invoke", "read", "null") J (1, "ok", "read", "2"), "cas-register", NULL);
    //  never returned
    s_expect_valid ("h.jsonl", TWICE_1 J (2, "invoke", "cas", "[1,2]")
                    J (1, "invoke", "read", "null") J (1, "ok", "read", "2"), "cas-register", NULL);
    //  A cas's `from` is not written by it: a read of 3 after cas 3->1
    s_expect_unwritten (TWICE_1 J (2, "invoke", "cas", "[3,1]") J (2, "info", "cas", "[3,1]")
                        J (1, "invoke", "read", "null") J (1, "ok", "read", "3"),
                        "cas-register", NULL, 7);
    //  A cas that failed after running (error 22: it saw 1, not 3) changed
    //  nothing
    s_expect_unwritten (TWICE_1 JE (2, "invoke", "cas", "[3,2]", 22) JE (2, "fail", "cas", "[3,2]", 22)
                        J (1, "invoke", "read", "null") J (1, "ok", "read", "2"),
                        "cas-register", NULL, 7);
    //  ... nor did one that did not run
    s_expect_unwritten (TWICE_1 JE (2, "invoke", "cas", "[1,2]", 11) JE (2, "fail", "cas", "[1,2]", 11)
                        J (1, "invoke", "read", "null") J (1, "ok", "read", "2"),
                        "cas-register", NULL, 7);
    //  Jepsen log: `:fail :cas` ran and did not match
    s_out_t out = s_check ("h.log", "INFO  jepsen.util - 0\t:invoke\t:write\t1\n"
                           "INFO  jepsen.util - 0\t:ok\t:write\t1\n"
                           "INFO  jepsen.util - 1\t:invoke\t:cas\t[3 2]\n"
                           "INFO  jepsen.util - 1\t:fail\t:cas\t[3 2]\n"
                           "INFO  jepsen.util - 2\t:invoke\t:read\tnil\n"
                           "INFO  jepsen.util - 2\t:ok\t:read\t2\n", "cas-register", NULL, NULL);
    assert_int_equal (out.verdict, CHECK_INVALID);
    assert_string_equal (s_str (out.json, "key_method"), "unwritten-read");
    s_out_free (&out);
    //  An ok cas saw its `from` current: from 4, which nobody wrote, is
    //  invalid at once (blamed, line 5), and the text names 4...
    s_expect_unwritten (TWICE_1 J (2, "invoke", "cas", "[4,2]") J (2, "ok", "cas", "[4,2]"),
                        "cas-register", NULL, 5);
    out = s_check ("h.jsonl", TWICE_1 J (2, "invoke", "cas", "[4,2]") J (2, "ok", "cas", "[4,2]"),
                   "cas-register", NULL, NULL);
    assert_non_null (strstr (out.text, "no op could have written 4, seen by"));
    s_out_free (&out);
    //  ... from 4 after an info write of 4 is left to the search
    s_expect_valid ("h.jsonl", TWICE_1 J (3, "invoke", "write", "4") J (3, "info", "write", "4")
                    J (2, "invoke", "cas", "[4,2]") J (2, "ok", "cas", "[4,2]"),
                    "cas-register", NULL);
    //  ... and an info cas from 4 says nothing (it may not have happened)
    s_expect_valid ("h.jsonl", TWICE_1 J (2, "invoke", "cas", "[4,2]") J (2, "info", "cas", "[4,2]"),
                    "cas-register", NULL);
}

static void
test_kv (void **state)
{
    (void) state;
    //  Keys are independent: x's 2 does not count for y
    //  x: |--write 1--| |--write 2--|  |--read 2--|       fine
    //  y: |--write 1--| |--write 1--|  |--read 2--|       unwritten
    //  z: |--write 3--| |--write 3--|  |--read 3--|       fine
    const char *text = JK (0, "invoke", "write", "x", "1") JK (0, "ok", "write", "x", "1")
                       JK (0, "invoke", "write", "x", "2") JK (0, "ok", "write", "x", "2")
                       JK (1, "invoke", "write", "y", "1") JK (1, "ok", "write", "y", "1")
                       JK (1, "invoke", "write", "y", "1") JK (1, "ok", "write", "y", "1")
                       JK (2, "invoke", "write", "z", "3") JK (2, "ok", "write", "z", "3")
                       JK (2, "invoke", "write", "z", "3") JK (2, "ok", "write", "z", "3")
                       JK (3, "invoke", "read", "x", "null") JK (3, "ok", "read", "x", "2")
                       JK (3, "invoke", "read", "y", "null") JK (3, "ok", "read", "y", "2")
                       JK (3, "invoke", "read", "z", "null") JK (3, "ok", "read", "z", "3");
    s_out_t out = s_check ("h.jsonl", text, "kv", NULL, NULL);
    assert_int_equal (out.verdict, CHECK_INVALID);
    //  The check stops at y: x and z are decided by no method ("none"),
    //  which does not make the history's method "mixed"
    assert_string_equal (s_str (out.json, "method"), "unwritten-read");
    assert_string_equal (s_str (out.json, "key_method"), "unwritten-read");
    assert_string_equal (s_str (out.json, "key"), "y");
    json_t *methods = json_object_get (out.json, "methods");
    assert_int_equal (json_integer_value (json_object_get (methods, "unwritten-read")), 1);
    assert_int_equal (json_integer_value (json_object_get (methods, "none")), 2);
    assert_int_equal (json_integer_value (json_object_get (methods, "search")), 0);
    size_t i;
    json_t *key;
    int listed = 0;
    json_array_foreach (json_object_get (out.json, "keys"), i, key) {
        bool y = strcmp (s_str (key, "key"), "y") == 0;
        assert_true (y == (strcmp (s_str (key, "method"), "unwritten-read") == 0));
        listed += y;
    }
    assert_int_equal (listed, 1);
    assert_int_equal (json_integer_value (json_object_get (json_array_get (
                      json_object_get (out.json, "failing"), 0), "line")), 15);
    s_out_free (&out);
    //  Fine without y's read
    s_expect_valid ("h.jsonl", JK (0, "invoke", "write", "x", "1") JK (0, "ok", "write", "x", "1")
                    JK (0, "invoke", "write", "x", "1") JK (0, "ok", "write", "x", "1")
                    JK (3, "invoke", "read", "x", "null") JK (3, "ok", "read", "x", "1"), "kv", NULL);
    //  Init per key from a map: x starts at 5, y at nil
    s_expect_valid ("h.jsonl", JK (3, "invoke", "read", "x", "null") JK (3, "ok", "read", "x", "5")
                    JK (0, "invoke", "write", "x", "1") JK (0, "ok", "write", "x", "1")
                    JK (0, "invoke", "write", "x", "1") JK (0, "ok", "write", "x", "1")
                    JK (3, "invoke", "read", "y", "null") JK (3, "ok", "read", "y", "null"),
                    "kv", "{\"x\": 5}");
    s_expect_unwritten (JK (0, "invoke", "write", "x", "1") JK (0, "ok", "write", "x", "1")
                        JK (3, "invoke", "read", "y", "null") JK (3, "ok", "read", "y", "5"),
                        "kv", "{\"x\": 5}", 3);
    //  Appends build values no op names: the key is left to the search
    s_expect_valid ("h.jsonl", JK (0, "invoke", "append", "k", "\"a\"") JK (0, "ok", "append", "k", "\"a\"")
                    JK (1, "invoke", "append", "k", "\"b\"") JK (1, "ok", "append", "k", "\"b\"")
                    JK (2, "invoke", "read", "k", "null") JK (2, "ok", "read", "k", "\"ab\""),
                    "kv", "\"\"");
}

//  Twenty concurrent writes, then a read of 77: the search cannot
//  end within the budget, so the explanation falls back to the pre-check's
//  read with every op concurrent with it and no prefix.
static void
test_no_time_to_explain (void **state)
{
    (void) state;
    static char text [8192];
    size_t len = 0;
    for (int p = 0; p < 20; p++)
        len += (size_t) snprintf (text + len, sizeof (text) - len, J (%d, "invoke", "write", "%d"),
                                  p, p + 1);
    len += (size_t) snprintf (text + len, sizeof (text) - len, "%s",
                              J (99, "invoke", "read", "null") J (99, "ok", "read", "77"));
    for (int p = 0; p < 20; p++)
        len += (size_t) snprintf (text + len, sizeof (text) - len, J (%d, "ok", "write", "%d"),
                                  p, p + 1);
    char path [160];
    snprintf (path, sizeof (path), "%s/hard.jsonl", s_dir);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fputs (text, file);
    fclose (file);
    check_opts_t opts = { .model = "register", .threads = 1, .timeout_s = 0.001 };
    char *error = NULL;
    check_result_t *result = check_file (path, &opts, &error);
    assert_non_null (result);
    assert_int_equal (check_result_verdict (result), CHECK_INVALID);
    json_t *json = check_result_json (result);
    assert_string_equal (s_str (json, "method"), "unwritten-read");
    assert_null (json_object_get (json, "prefix"));
    assert_string_equal (s_str (json, "prefix_note"),
                         "not computed (decided by a read of an unwritten value)");
    json_t *failing = json_array_get (json_object_get (json, "failing"), 0);
    assert_int_equal (json_integer_value (json_object_get (failing, "line")), 21);
    assert_int_equal (json_array_size (json_object_get (json, "concurrent")), 20);
    json_decref (json);
    check_result_destroy (&result);
}

static int
s_setup (void **state)
{
    (void) state;
    strcpy (s_dir, "/tmp/checker_unwritten_XXXXXX");
    return mkdtemp (s_dir)? 0: -1;
}

static int
s_teardown (void **state)
{
    (void) state;
    return tap_remove_dir (s_dir) == 0? 0: -1;
}

int
main (void)
{
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_register),
        cmocka_unit_test (test_unknown_outcomes),
        cmocka_unit_test (test_cas_register),
        cmocka_unit_test (test_kv),
        cmocka_unit_test (test_no_time_to_explain),
    };
    return cmocka_run_group_tests_name ("checker_unwritten", tests, s_setup, s_teardown);
}
