/*  lab_history.c -- what a run writes: history.jsonl lines carry
    DESIGN section 6's fields for any workload's ops (a nil read is ok
    with null, cas values are [from,to], lists and maps as the node sent
    them, a fail has its error code, an info its code or its reason, a
    timeout's info none, final-phase ops "final": true), keys in one
    order, every line a JSON object by itself, faults.jsonl lines have time, phase,
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

static json_t *
s_op (const char *text)
{
    json_t *op = json_loads (text, 0, NULL);
    assert_non_null (op);
    return op;
}

static workload_outcome_t
s_outcome (workload_result_t result, json_t *value, int code, const char *why)
{
    workload_outcome_t outcome = { .result = result, .value = value, .code = code };
    snprintf (outcome.why, sizeof outcome.why, "%s", why);
    return outcome;
}

//  Line INDEX of history.jsonl as written, keys in their order.
static void
s_expect_text (int index, const char *want)
{
    char path [128];
    snprintf (path, sizeof path, "%s/history.jsonl", tap_dir);
    FILE *file = fopen (path, "r");
    assert_non_null (file);
    char line [4096] = "";
    for (int i = 0; i <= index; i++)
        assert_non_null (fgets (line, sizeof line, file));
    fclose (file);
    line [strcspn (line, "\n")] = 0;
    assert_string_equal (line, want);
}

//  Any workload's ops, written as they are: a lin-kv key and cas pair, a
//  g-set read's list, a kafka poll's map, an echo's text that needs
//  escaping; ok takes the outcome's value, or the invoke's when it has
//  none; fail has its code, info its code or its reason, a timeout's info
//  nothing; final-phase ops say so on both lines.
static void
test_op_lines (void **state)
{
    (void) state;
    char *error = NULL;
    history_t *history = history_new (tap_dir, &error);
    assert_non_null (history);
    json_t *read = s_op ("{\"f\":\"read\",\"key\":\"2\",\"value\":null}");
    json_t *cas = s_op ("{\"f\":\"cas\",\"key\":\"0\",\"value\":[7,9]}");
    json_t *add = s_op ("{\"f\":\"add\",\"value\":3}");
    json_t *set_read = s_op ("{\"f\":\"read\",\"value\":null}");
    json_t *poll = s_op ("{\"f\":\"poll\",\"value\":{\"3\":0,\"4\":2}}");
    json_t *echo = s_op ("{\"f\":\"echo\",\"value\":\"Please echo \\\"42\\\"\\n\"}");
    workload_outcome_t o;

    history_invoke (history, 100, 3, read, false, 0);                              // 0
    o = s_outcome (WORKLOAD_OK, json_null (), -1, "");                         // nil read
    history_complete (history, 200, 3, read, false, &o);                        // 1
    json_decref (o.value);
    history_invoke (history, 300, 4, cas, false, 0);                               // 2
    o = s_outcome (WORKLOAD_FAIL, NULL, 22, "");
    history_complete (history, 400, 4, cas, false, &o);                         // 3
    history_invoke (history, 500, 5, add, false, 0);                               // 4
    o = s_outcome (WORKLOAD_OK, NULL, -1, "");                                 // add_ok
    history_complete (history, 600, 5, add, false, &o);                         // 5
    history_invoke (history, 700, 6, add, false, 0);                               // 6
    o = s_outcome (WORKLOAD_INFO, NULL, -1, "");                               // timeout
    history_complete (history, 800, 6, add, false, &o);                         // 7
    history_invoke (history, 900, 7, add, false, 0);                               // 8
    o = s_outcome (WORKLOAD_INFO, NULL, 13, "");                               // code 13
    history_complete (history, 950, 7, add, false, &o);                         // 9
    history_invoke (history, 1000, 8, set_read, true, 0);                          // 10
    o = s_outcome (WORKLOAD_INFO, NULL, -1,
                   "malformed RPC response: read_ok's 'value' is an integer, expected an array");
    history_complete (history, 1100, 8, set_read, true, &o);                    // 11
    history_invoke (history, 1200, 9, set_read, true, 0);                          // 12
    o = s_outcome (WORKLOAD_OK, json_pack ("[i, i, i]", 1, 2, 3), -1, "");
    history_complete (history, 1300, 9, set_read, true, &o);                    // 13
    json_decref (o.value);
    history_invoke (history, 1400, 10, poll, false, 0);                            // 14
    o = s_outcome (WORKLOAD_OK, json_pack ("{s:[[i, i]]}", "3", 0, 5), -1, "");
    history_complete (history, 1500, 10, poll, false, &o);                      // 15
    json_decref (o.value);
    history_invoke (history, 1600, 11, echo, false, 0);                            // 16
    o = s_outcome (WORKLOAD_FAIL, NULL, 0, "");                                // idempotent timeout
    history_complete (history, 1700, 11, echo, false, &o);                      // 17
    assert_int_equal (history_invoke_count (history), 9);
    assert_int_equal (history_ok_count (history), 4);
    assert_int_equal (history_fail_count (history), 2);
    assert_int_equal (history_info_count (history), 3);
    history_destroy (&history);
    assert_null (history);

    //  Keys in one order: index, time, process, type, f, key, value,
    //  error, final.
    s_expect_text (0, "{\"index\":0,\"time\":100,\"process\":3,\"type\":\"invoke\",\"f\":\"read\","
                      "\"key\":\"2\",\"value\":null}");
    s_expect_text (1, "{\"index\":1,\"time\":200,\"process\":3,\"type\":\"ok\",\"f\":\"read\","
                      "\"key\":\"2\",\"value\":null}");
    s_expect_text (2, "{\"index\":2,\"time\":300,\"process\":4,\"type\":\"invoke\",\"f\":\"cas\","
                      "\"key\":\"0\",\"value\":[7,9]}");
    s_expect_text (3, "{\"index\":3,\"time\":400,\"process\":4,\"type\":\"fail\",\"f\":\"cas\","
                      "\"key\":\"0\",\"value\":[7,9],\"error\":22}");
    //  No key when the workload has none; ok without a value: the invoke's.
    s_expect_text (5, "{\"index\":5,\"time\":600,\"process\":5,\"type\":\"ok\",\"f\":\"add\","
                      "\"value\":3}");
    //  A timeout's info has no error; a code's has it.
    s_expect_text (7, "{\"index\":7,\"time\":800,\"process\":6,\"type\":\"info\",\"f\":\"add\","
                      "\"value\":3}");
    s_expect_text (9, "{\"index\":9,\"time\":950,\"process\":7,\"type\":\"info\",\"f\":\"add\","
                      "\"value\":3,\"error\":13}");
    //  The reason is the error, and final marks both lines.
    s_expect_text (10, "{\"index\":10,\"time\":1000,\"process\":8,\"type\":\"invoke\","
                       "\"f\":\"read\",\"value\":null,\"final\":true}");
    s_expect_text (11, "{\"index\":11,\"time\":1100,\"process\":8,\"type\":\"info\","
                       "\"f\":\"read\",\"value\":null,\"error\":\"malformed RPC response: "
                       "read_ok's 'value' is an integer, expected an array\",\"final\":true}");
    s_expect_text (13, "{\"index\":13,\"time\":1300,\"process\":9,\"type\":\"ok\","
                       "\"f\":\"read\",\"value\":[1,2,3],\"final\":true}");
    json_t *line = s_line ("history.jsonl", 14);
    assert_true (json_equal (json_object_get (line, "value"), json_object_get (poll, "value")));
    json_decref (line);
    line = s_line ("history.jsonl", 15);
    json_t *want = json_pack ("{s:[[i, i]]}", "3", 0, 5);
    assert_true (json_equal (json_object_get (line, "value"), want));
    json_decref (want);
    json_decref (line);
    //  Text that needs escaping comes back as it was; a code 0 is kept.
    line = s_line ("history.jsonl", 16);
    assert_string_equal (json_string_value (json_object_get (line, "value")),
                         "Please echo \"42\"\n");
    json_decref (line);
    line = s_line ("history.jsonl", 17);
    assert_string_equal (json_string_value (json_object_get (line, "type")), "fail");
    assert_true (json_is_integer (json_object_get (line, "error")));
    assert_int_equal (json_integer_value (json_object_get (line, "error")), 0);
    json_decref (line);
    //  Every line is one JSON object with an index in order.
    for (int i = 0; i < 18; i++) {
        line = s_line ("history.jsonl", i);
        assert_int_equal (json_integer_value (json_object_get (line, "index")), i);
        json_decref (line);
    }
    json_decref (read);
    json_decref (cas);
    json_decref (add);
    json_decref (set_read);
    json_decref (poll);
    json_decref (echo);
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
//  old), one per node (FL_NODES_MAX of them at most), or a type block (each
//  its own fault, FL_TYPE_BLOCKS_MAX of them at most).
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
        [ACTION_CLOCK_SKEW] = "clock-skew n1 100",
        [ACTION_BLOCK_TYPE] = "block-type read n1 -> n2",
        [ACTION_UNBLOCK_TYPE] = "unblock-type read n1 -> n2" };
    _Static_assert (sizeof texts / sizeof texts [0] == ACTION_UNBLOCK_TYPE + 1,
                    "a text for every action kind");
    size_t most = 0;
    for (int kind = 0; kind <= ACTION_UNBLOCK_TYPE; kind++) {
        action_t action;
        char *error = NULL;
        if (action_parse (&action, texts [kind], FL_NODES_MAX, &error) != 0)
            fail_msg ("'%s': %s", texts [kind], error);
        assert_int_equal (action.kind, kind);
        if (action_starts (&action))
            most += kind == ACTION_BLOCK_TYPE? FL_TYPE_BLOCKS_MAX
                  : kind == ACTION_PARTITION || !action_has_node (&action)? 1: FL_NODES_MAX;
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
