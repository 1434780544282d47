/*  analysis_pacelc.c -- the matrix's measures on a hand-made run: which
    ops fall in the calm and slow phases and on which side of a partition
    (by the invoke's "node" and the partition's detail), the PACELC class
    at the threshold's edges, and a row and the tables made from it.
*/
#include "tap.h"
#include <string.h>
#include <jansson.h>
#include "limits.h"
#include "../../analysis/pacelc.h"

#define MS 1000000LL

static char s_dir [64];
static int s_index;

static void
s_op (FILE *file, int process, long long invoke_ms, long long return_ms, int node,
      const char *type, const char *error, bool final)
{
    fprintf (file, "{\"index\":%d,\"time\":%lld,\"process\":%d,\"type\":\"invoke\","
             "\"f\":\"read\",\"key\":\"1\",\"value\":null%s,\"node\":\"n%d\"}\n",
             s_index++, invoke_ms * MS, process, final? ",\"final\":true": "", node);
    fprintf (file, "{\"index\":%d,\"time\":%lld,\"process\":%d,\"type\":\"%s\","
             "\"f\":\"read\",\"key\":\"1\",\"value\":1%s%s%s}\n", s_index++, return_ms * MS,
             process, type, error? ",\"error\":": "", error? error: "",
             final? ",\"final\":true": "");
}

//  Calm: 2 and 10 ms. Slow (delay 50 +- 10 from 1 s to 2 s): 60, 100, 20
//  ms. Partition halves n1,n2 | n3,n4,n5 from 3 s to 4 s: the minority
//  side answers 1 of 3 (an info, an error 11, an ok), the majority 3 of 3
//  (two oks and a cas's own refusal, error 22). A final read counts nowhere.
static void
s_make_run (void)
{
    snprintf (s_dir, sizeof s_dir, "/tmp/analysis-pacelc-XXXXXX");
    assert_non_null (mkdtemp (s_dir));
    char path [128];
    snprintf (path, sizeof path, "%s/history.jsonl", s_dir);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    s_index = 0;
    s_op (file, 0, 100, 102, 1, "ok", NULL, false);
    s_op (file, 1, 200, 210, 2, "ok", NULL, false);
    s_op (file, 0, 1100, 1160, 3, "ok", NULL, false);
    s_op (file, 1, 1200, 1300, 4, "ok", NULL, false);
    s_op (file, 2, 1300, 1320, 5, "ok", NULL, false);
    s_op (file, 0, 3100, 4100, 1, "info", NULL, false);
    s_op (file, 1, 3200, 3201, 2, "fail", "11", false);
    s_op (file, 2, 3300, 3305, 3, "ok", NULL, false);
    s_op (file, 3, 3400, 3402, 4, "ok", NULL, false);
    s_op (file, 4, 3500, 3501, 1, "ok", NULL, false);
    s_op (file, 5, 3600, 3601, 5, "fail", "22", false);
    s_op (file, 6, 5000, 5001, 1, "ok", NULL, true);
    fclose (file);
    snprintf (path, sizeof path, "%s/faults.jsonl", s_dir);
    file = fopen (path, "w");
    assert_non_null (file);
    fprintf (file, "{\"time\":%lld,\"phase\":\"start\",\"fault\":\"delay\",\"target\":\"\","
             "\"detail\":\"50 ms +- 10\"}\n", 1000 * MS);
    fprintf (file, "{\"time\":%lld,\"phase\":\"end\",\"fault\":\"delay\",\"target\":\"\","
             "\"detail\":\"50 ms +- 10\"}\n", 2000 * MS);
    fprintf (file, "{\"time\":%lld,\"phase\":\"start\",\"fault\":\"partition\",\"target\":\"\","
             "\"detail\":\"halves: n1,n2 | n3,n4,n5\"}\n", 3000 * MS);
    fprintf (file, "{\"time\":%lld,\"phase\":\"end\",\"fault\":\"partition\",\"target\":\"\","
             "\"detail\":\"halves: n1,n2 | n3,n4,n5\"}\n", 4000 * MS);
    fclose (file);
}

static void
test_measure (void **state)
{
    (void) state;
    s_make_run ();
    pacelc_measures_t m;
    char *error = NULL;
    assert_int_equal (pacelc_measure_run (s_dir, 5, &m, &error), 0);
    assert_int_equal (m.minority_ops, 3);
    assert_int_equal (m.majority_ops, 3);
    assert_float_equal (m.minority, 1.0 / 3, 1e-9);
    assert_float_equal (m.majority, 1.0, 1e-9);
    assert_int_equal (m.calm_ops, 2);
    assert_float_equal (m.calm_p50, 2, 1e-9);
    assert_float_equal (m.calm_p99, 10, 1e-9);
    assert_int_equal (m.slow_ops, 3);
    assert_float_equal (m.slow_p50, 60, 1e-9);
    assert_float_equal (m.slow_p99, 100, 1e-9);
    assert_float_equal (m.delay_mean_ms, 50, 1e-9);
    char klass [16], why [256];
    pacelc_classify (&m, klass, sizeof klass, why, sizeof why);
    assert_string_equal (klass, "PC/EC");
    assert_non_null (strstr (why, "PC (minority 33.3% ok < 80%)"));
    assert_non_null (strstr (why, "EC (slow p50 60.0 ms >= 50 ms)"));
    assert_int_equal (tap_remove_dir (s_dir), 0);
}

static void
test_missing_history (void **state)
{
    (void) state;
    pacelc_measures_t m;
    char *error = NULL;
    assert_int_equal (pacelc_measure_run ("/tmp/no-such-run-dir", 5, &m, &error), -1);
    assert_non_null (error);
    assert_non_null (strstr (error, "history.jsonl"));
    free (error);
}

static void
test_sides (void **state)
{
    (void) state;
    int8_t side [FL_NODES_MAX + 1];
    assert_int_equal (pacelc_sides ("minority: n5 | n1,n2,n3,n4", 5, side), 5);
    assert_int_equal (side [5], 0);
    assert_int_equal (side [1], 1);
    assert_int_equal (side [4], 1);
    //  isolate-leader's detail names the leader first, then the groups.
    assert_int_equal (pacelc_sides ("leader n3: n3 | n1,n2,n4,n5", 5, side), 5);
    assert_int_equal (side [3], 0);
    assert_int_equal (side [2], 1);
    //  No group is a majority (2 | 2 of 4): every node is on a minority side.
    assert_int_equal (pacelc_sides ("halves: n1,n2 | n3,n4", 4, side), 4);
    for (int k = 1; k <= 4; k++)
        assert_int_equal (side [k], 0);
    //  A node the detail does not name is on no side.
    assert_int_equal (pacelc_sides ("groups: n1 | n2", 3, side), 2);
    assert_int_equal (side [3], -1);
}

static void
test_classify_edges (void **state)
{
    (void) state;
    char klass [16], why [256];
    pacelc_measures_t m = { .minority = PACELC_AVAILABLE, .majority = 1, .slow_p50 = 49.9,
                            .delay_mean_ms = 50, .calm_p50 = 1 };
    pacelc_classify (&m, klass, sizeof klass, why, sizeof why);
    assert_string_equal (klass, "PA/EL");
    assert_non_null (strstr (why, "EL (slow p50 49.9 ms < 50 ms)"));
    m.minority = PACELC_AVAILABLE - 0.001;
    m.slow_p50 = 50;
    pacelc_classify (&m, klass, sizeof klass, why, sizeof why);
    assert_string_equal (klass, "PC/EC");
    m.minority = -1;
    m.delay_mean_ms = -1;
    pacelc_classify (&m, klass, sizeof klass, why, sizeof why);
    assert_string_equal (klass, "P?/E?");
    assert_non_null (strstr (why, "no op reached a minority side"));
    assert_non_null (strstr (why, "no delay period"));
}

static void
test_row_and_tables (void **state)
{
    (void) state;
    pacelc_measures_t m = { .minority = 1, .majority = 1, .slow_p50 = 2, .slow_p99 = 5,
                            .calm_p50 = 1, .calm_p99 = 3, .delay_mean_ms = 50 };
    json_t *results = json_pack ("{s:b, s:s, s:s, s:[{s:s, s:b}], s:{s:b, s:i},"
                                 " s:{s:i}}", "valid", 0, "expected", "invalid",
                                 "run_dir", "store/pacelc/lww/x", "checks", "model", "kv",
                                 "valid", 0, "convergence", "converged", 1, "lost_count", 4,
                                 "stale_reads", "count", 7);
    json_t *rows = json_array ();
    json_t *row = pacelc_row ("lww", "", results, &m);
    assert_string_equal (json_string_value (json_object_get (row, "pacelc")), "PA/EL");
    assert_true (json_is_false (json_object_get (row, "linearizable")));
    assert_true (json_is_true (json_object_get (row, "converged")));
    assert_int_equal (json_integer_value (json_object_get (row, "lost_writes")), 4);
    assert_int_equal (json_integer_value (json_object_get (row, "stale_reads")), 7);
    assert_float_equal (json_number_value (json_object_get (json_object_get (row,
                        "availability_during_partitions"), "minority")), 1, 1e-9);
    json_array_append_new (rows, row);
    //  A run that did not finish: every cell "-".
    row = pacelc_row ("crdt", "", NULL, NULL);
    assert_string_equal (json_string_value (json_object_get (row, "pacelc")), "-");
    assert_string_equal (json_string_value (json_object_get (row, "converged")), "-");
    assert_string_equal (json_string_value (json_object_get (row, "why")), "not run");
    json_array_append_new (rows, row);
    //  A workload without a model: linearizable "n/a"; quorum's config kept.
    json_t *counter = json_pack ("{s:b, s:[{s:s, s:b}]}", "valid", 1, "checks", "name",
                                 "counter", "valid", 1);
    row = pacelc_row ("quorum", "w=one,r=one", counter, &m);
    assert_string_equal (json_string_value (json_object_get (row, "linearizable")), "n/a");
    assert_string_equal (json_string_value (json_object_get (row, "config")), "w=one,r=one");
    json_array_append_new (rows, row);
    //  The longest strongest: kept whole in the row, shortened in the tables.
    const char *sessions = "read-your-writes+monotonic-reads+monotonic-writes+writes-follow-reads";
    json_t *spectrum = json_pack ("{s:b, s:[{s:s, s:b}], s:{s:s}}", "valid", 0, "checks",
                                  "model", "kv", "valid", 0, "spectrum", "strongest", sessions);
    row = pacelc_row ("quorum", "w=quorum,r=quorum", spectrum, &m);
    assert_string_equal (json_string_value (json_object_get (row, "strongest")), sessions);
    json_array_append_new (rows, row);
    json_decref (spectrum);
    char *text = pacelc_table (rows, false);
    assert_non_null (strstr (text, "system"));
    assert_non_null (strstr (text, "lww "));
    assert_non_null (strstr (text, "100.0%"));
    assert_non_null (strstr (text, "1.0/3.0 ms"));
    assert_non_null (strstr (text, "PACELC_AVAILABLE"));
    assert_non_null (strstr (text, "quorum w=one,r=one: PA (minority 100.0% ok"));
    assert_non_null (strstr (text, "  ryw+mr+mw+wfr  "));
    assert_null (strstr (text, "read-your-writes+"));
    assert_non_null (strstr (text, "strongest: ryw = read-your-writes, mr = monotonic-reads,"
                                   " mw = monotonic-writes, wfr = writes-follow-reads"));
    free (text);
    char *markdown = pacelc_table (rows, true);
    assert_true (strncmp (markdown, "| system", 8) == 0);
    assert_non_null (strstr (markdown, "**Rule.**"));
    assert_non_null (strstr (markdown, "**Strongest.** ryw = read-your-writes"));
    //  Every line of the table (head, separator, rows) is as long as the head.
    const char *line = markdown;
    size_t head = strcspn (markdown, "\n");
    for (int i = 0; i < 6; i++) {
        assert_true (*line == '|');
        assert_int_equal (strcspn (line, "\n"), head);
        line += head + 1;
    }
    assert_true (*line == '\n');
    free (markdown);
    json_decref (rows);
    json_decref (results);
    json_decref (counter);
}

int
main (void)
{
    tap_start (30);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_measure),
        cmocka_unit_test (test_missing_history),
        cmocka_unit_test (test_sides),
        cmocka_unit_test (test_classify_edges),
        cmocka_unit_test (test_row_and_tables),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
