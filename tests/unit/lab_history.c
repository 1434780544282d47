/*  lab_history.c -- what a run writes: history.jsonl lines carry
    DESIGN section 6's fields (a nil read is ok with null, cas values are
    [from,to], a fail has its error code, a timeout's info has none), every
    line is a JSON object by itself, faults.jsonl lines have time, phase,
    fault, target and detail; the store makes distinct run directories in
    one second and points latest at the newest.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include <jansson.h>
#include "../../lab/history.h"
#include "../../lab/store.h"
#include "../../scenario/action.h"


//  Line index of DIR/name as a JSON object (new reference).
static json_t *
s_line (const char *name, int index)
{
    char path [128];
    snprintf (path, sizeof path, "%s/%s", tap_dir, name);
    FILE *file = fopen (path, "r");
    assert_non_null (file);
    char line [4096];
    json_t *value = NULL;
    for (int i = 0; fgets (line, sizeof line, file); i++)
        if (i == index) {
            json_error_t problem;
            value = json_loads (line, 0, &problem);
            if (!value)
                fail_msg ("line %d is not JSON: %s", index, problem.text);
        }
    fclose (file);
    assert_non_null (value);
    return value;
}

static void
test_op_lines (void **state)
{
    (void) state;
    char *error = NULL;
    history_t *history = history_new (tap_dir, &error);
    assert_non_null (history);
    lin_kv_op_t read = { .f = LIN_KV_READ, .key = 2 };
    lin_kv_op_t write = { .f = LIN_KV_WRITE, .key = 1, .value = 7 };
    lin_kv_op_t cas = { .f = LIN_KV_CAS, .key = 0, .from = 7, .value = 9 };
    history_invoke (history, 100, 3, &read);
    history_ok (history, 200, 3, &read, false, 0);          // nil read
    history_invoke (history, 300, 4, &write);
    history_ok (history, 400, 4, &write, true, 7);
    history_invoke (history, 500, 5, &cas);
    history_fail (history, 600, 5, &cas, 22);
    history_invoke (history, 700, 6, &read);
    history_info (history, 800, 6, &read, -1);              // timeout
    history_invoke (history, 900, 7, &write);
    history_info (history, 950, 7, &write, 13);             // indefinite code
    assert_int_equal (history_ok_count (history), 2);
    assert_int_equal (history_fail_count (history), 1);
    assert_int_equal (history_info_count (history), 2);
    assert_int_equal (history_invoke_count (history), 5);

    json_t *line = s_line ("history.jsonl", 1);
    assert_int_equal (json_integer_value (json_object_get (line, "index")), 1);
    assert_int_equal (json_integer_value (json_object_get (line, "time")), 200);
    assert_int_equal (json_integer_value (json_object_get (line, "process")), 3);
    assert_string_equal (json_string_value (json_object_get (line, "type")), "ok");
    assert_string_equal (json_string_value (json_object_get (line, "f")), "read");
    assert_string_equal (json_string_value (json_object_get (line, "key")), "2");
    assert_true (json_is_null (json_object_get (line, "value")));
    json_decref (line);

    line = s_line ("history.jsonl", 4);
    json_t *value = json_object_get (line, "value");
    assert_true (json_is_array (value));
    assert_int_equal (json_integer_value (json_array_get (value, 0)), 7);
    assert_int_equal (json_integer_value (json_array_get (value, 1)), 9);
    assert_string_equal (json_string_value (json_object_get (line, "type")), "invoke");
    json_decref (line);

    line = s_line ("history.jsonl", 5);
    assert_string_equal (json_string_value (json_object_get (line, "type")), "fail");
    assert_int_equal (json_integer_value (json_object_get (line, "error")), 22);
    json_decref (line);

    line = s_line ("history.jsonl", 7);
    assert_string_equal (json_string_value (json_object_get (line, "type")), "info");
    assert_null (json_object_get (line, "error"));
    json_decref (line);

    line = s_line ("history.jsonl", 9);
    assert_int_equal (json_integer_value (json_object_get (line, "error")), 13);
    assert_int_equal (json_integer_value (json_object_get (line, "value")), 7);
    json_decref (line);
    history_destroy (&history);
    assert_null (history);
}

static void
test_fault_lines (void **state)
{
    (void) state;
    history_t *history = history_new (tap_dir, NULL);
    assert_non_null (history);
    history_period (history, 1000, "start", "partition", "", "halves: n1,n2 | n3,\"n4\"");
    history_period (history, 2000, "end", "kill", "n3", "n3 (SIGKILL)");
    json_t *line = s_line ("faults.jsonl", 0);
    assert_int_equal (json_integer_value (json_object_get (line, "time")), 1000);
    assert_string_equal (json_string_value (json_object_get (line, "phase")), "start");
    assert_string_equal (json_string_value (json_object_get (line, "fault")), "partition");
    assert_string_equal (json_string_value (json_object_get (line, "target")), "");
    assert_string_equal (json_string_value (json_object_get (line, "detail")), "halves: n1,n2 | n3,\"n4\"");
    json_decref (line);
    line = s_line ("faults.jsonl", 1);
    assert_string_equal (json_string_value (json_object_get (line, "target")), "n3");
    json_decref (line);
    history_destroy (&history);
}

static void
test_unwritable_dir (void **state)
{
    (void) state;
    char *error = NULL;
    assert_null (history_new ("/nonexistent/dir", &error));
    assert_non_null (strstr (error, "cannot create '/nonexistent/dir/history.jsonl'"));
    free (error);
}

static void
test_store_dirs_and_latest (void **state)
{
    (void) state;
    char store [128];
    snprintf (store, sizeof store, "%s/store", tap_dir);
    char *error = NULL;
    char *first = store_run_dir (store, "split-brain", "raft", &error);
    char *second = store_run_dir (store, "split-brain", "raft", &error);
    assert_non_null (first);
    assert_non_null (second);
    assert_string_not_equal (first, second);        // same second: -2 suffix
    char prefix [192];
    snprintf (prefix, sizeof prefix, "%s/split-brain/raft/", store);
    assert_true (strncmp (first, prefix, strlen (prefix)) == 0);
    assert_int_equal (strlen (first + strlen (prefix)), strlen ("YYYYmmddTHHMMSS"));
    assert_int_equal (store_link_latest (store, first), 0);
    assert_int_equal (store_link_latest (store, second), 0);
    char link [192], target [256];
    snprintf (link, sizeof link, "%s/latest", store);
    ssize_t length = readlink (link, target, sizeof target - 1);
    assert_true (length > 0);
    target [length] = 0;
    assert_string_equal (target, second + strlen (store) + 1);     // relative
    free (first);
    free (second);
}

//  FL_NEMESIS_ACTIVE_MAX covers every fault kind on every node, computed
//  without a lab: each action kind that starts a fault is either one for
//  the whole cluster (a partition, a link setting: a new one replaces the
//  old) or one per node (FL_NODES_MAX of them at most).
static void
test_nemesis_active_max (void **state)
{
    (void) state;
    static const char *texts [] = {
        [ACTION_PARTITION] = "partition isolate n1", [ACTION_HEAL] = "heal",
        [ACTION_DROP] = "drop 0.5", [ACTION_DELAY] = "delay 10",
        [ACTION_DUPLICATE] = "duplicate 0.5", [ACTION_REORDER] = "reorder 0.5",
        [ACTION_PAUSE] = "pause n1", [ACTION_RESUME] = "resume n1",
        [ACTION_KILL] = "kill n1", [ACTION_RESTART] = "restart n1",
        [ACTION_STOP] = "stop n1", [ACTION_CONT] = "cont n1",
        [ACTION_CLOCK_SKEW] = "clock-skew n1 100" };
    _Static_assert (sizeof texts / sizeof texts [0] == ACTION_CLOCK_SKEW + 1,
                    "a text for every action kind");
    size_t most = 0;
    for (int kind = 0; kind <= ACTION_CLOCK_SKEW; kind++) {
        action_t action;
        char *error = NULL;
        if (action_parse (&action, texts [kind], FL_NODES_MAX, &error) != 0)
            fail_msg ("'%s': %s", texts [kind], error);
        assert_int_equal (action.kind, kind);
        if (action_starts (&action))
            most += kind == ACTION_PARTITION || !action_has_node (&action)? 1: FL_NODES_MAX;
    }
    assert_int_equal (most, FL_NEMESIS_ACTIVE_MAX);
}

int
main (void)
{
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_op_lines),
        cmocka_unit_test (test_fault_lines),
        cmocka_unit_test (test_unwritable_dir),
        cmocka_unit_test (test_store_dirs_and_latest),
        cmocka_unit_test (test_nemesis_active_max),
    };
    return cmocka_run_group_tests_name ("lab_history", tests, tap_dir_make, tap_dir_remove);
}
