/*  analysis_measures.c -- the run's measures on small hand-made run
    directories with answers worked out by hand (tests/data/run-basic: its
    fifteen ops are listed in tests/data/run-basic/README), and the errors
    that bad input lines give.
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
#include "limits.h"
#include <jansson.h>
#include "../../analysis/measures.h"

#define BASIC "tests/data/run-basic"

static double
s_number (json_t *root, const char *a, const char *b, const char *c)
{
    json_t *value = json_object_get (root, a);
    if (b)
        value = json_object_get (value, b);
    if (c)
        value = json_object_get (value, c);
    assert_true (json_is_number (value));
    return json_number_value (value);
}

static json_t *
s_basic (void)
{
    char *error = NULL;
    json_t *measures = measures_compute (BASIC, &error);
    if (!measures)
        fprintf (stderr, "# %s\n", error);
    assert_non_null (measures);
    return measures;
}

static void
test_ops_counts (void **state)
{
    (void) state;
    json_t *m = s_basic ();
    assert_int_equal ((int) s_number (m, "ops", "total", NULL), 15);
    assert_int_equal ((int) s_number (m, "ops", "ok", NULL), 10);
    assert_int_equal ((int) s_number (m, "ops", "fail", NULL), 3);
    assert_int_equal ((int) s_number (m, "ops", "info", NULL), 2);
    assert_int_equal ((int) s_number (m, "ops", "pending", NULL), 1);
    json_t *by_f = json_object_get (json_object_get (m, "ops"), "by_f");
    assert_int_equal ((int) s_number (by_f, "read", "ok", NULL), 6);
    assert_int_equal ((int) s_number (by_f, "read", "fail", NULL), 2);
    assert_int_equal ((int) s_number (by_f, "read", "info", NULL), 1);
    assert_int_equal ((int) s_number (by_f, "cas", "fail", NULL), 1);
    assert_int_equal ((int) s_number (m, "ops", "errors", "22"), 1);
    json_decref (m);
}

static void
test_availability (void **state)
{
    (void) state;
    json_t *m = s_basic ();
    //  during: 7 ops, answered: ok x3 + cas fail 22; info, pending and
    //  error 11 are not. Outside: 8 ops, all answered (fail 20 counts).
    assert_float_equal (s_number (m, "availability", "overall", NULL), 0.8, 1e-9);
    assert_float_equal (s_number (m, "availability", "during_faults", NULL), 0.5714, 1e-9);
    assert_float_equal (s_number (m, "availability", "outside_faults", NULL), 1.0, 1e-9);
    json_decref (m);
}

static void
test_latency (void **state)
{
    (void) state;
    json_t *m = s_basic ();
    //  ok latencies (ms): 1 2 3 3 4 6 10 10 10 10; nearest rank.
    assert_float_equal (s_number (m, "latency_ms", "p50", NULL), 4, 1e-9);
    assert_float_equal (s_number (m, "latency_ms", "p95", NULL), 10, 1e-9);
    assert_float_equal (s_number (m, "latency_ms", "p99", NULL), 10, 1e-9);
    assert_float_equal (s_number (m, "latency_ms", "max", NULL), 10, 1e-9);
    assert_float_equal (s_number (m, "latency_ms", "during_faults", "p50"), 10, 1e-9);
    //  outside: 1 2 3 3 4 6 10
    assert_float_equal (s_number (m, "latency_ms", "outside_faults", "p50"), 3, 1e-9);
    assert_float_equal (s_number (m, "latency_ms", "outside_faults", "p95"), 10, 1e-9);
    json_decref (m);
}

static void
test_stale_reads (void **state)
{
    (void) state;
    json_t *m = s_basic ();
    //  judged: 6 ok reads + 1 read failed with 20; stale: a superseded
    //  value twice and nil after a completed write. Fresh: a concurrent
    //  write's value, an info write's value, a read before any write.
    assert_int_equal ((int) s_number (m, "stale_reads", "count", NULL), 3);
    assert_int_equal ((int) s_number (m, "stale_reads", "reads", NULL), 7);
    assert_float_equal (s_number (m, "stale_reads", "share", NULL), 0.4286, 1e-9);
    json_decref (m);
}

static void
test_fault_periods (void **state)
{
    (void) state;
    json_t *m = s_basic ();
    json_t *periods = json_object_get (m, "fault_periods");
    assert_int_equal (json_array_size (periods), 2);   // the stray end is ignored
    json_t *first = json_array_get (periods, 0);
    assert_string_equal (json_string_value (json_object_get (first, "fault")), "partition");
    assert_string_equal (json_string_value (json_object_get (first, "detail")),
                         "halves: n1,n2 | n3,n4,n5");
    assert_float_equal (s_number (first, "start_ms", NULL, NULL), 100, 1e-9);
    assert_float_equal (s_number (first, "end_ms", NULL, NULL), 200, 1e-9);
    json_t *kill = json_array_get (periods, 1);
    assert_string_equal (json_string_value (json_object_get (kill, "target")), "n3");
    //  never ended: lasts to the end of the history
    assert_float_equal (s_number (kill, "end_ms", NULL, NULL), 350, 1e-9);
    json_decref (m);
}

static void
test_timeline (void **state)
{
    (void) state;
    json_t *m = s_basic ();
    json_t *timeline = json_object_get (m, "timeline");
    assert_int_equal ((int) s_number (timeline, "bucket_ms", NULL, NULL), 100);
    json_t *buckets = json_object_get (timeline, "buckets");
    assert_int_equal (json_array_size (buckets), 4);
    int expect [4][3] = { { 6, 0, 0 }, { 1, 2, 1 }, { 1, 1, 0 }, { 2, 0, 1 } };
    for (int i = 0; i < 4; i++) {
        json_t *bucket = json_array_get (buckets, i);
        assert_int_equal ((int) s_number (bucket, "ok", NULL, NULL), expect [i][0]);
        assert_int_equal ((int) s_number (bucket, "fail", NULL, NULL), expect [i][1]);
        assert_int_equal ((int) s_number (bucket, "info", NULL, NULL), expect [i][2]);
    }
    //  bucket 0 latencies: 2 4 1 3 10 3 -> p50 3
    assert_float_equal (s_number (json_array_get (buckets, 0), "p50_ms", NULL, NULL), 3, 1e-9);
    json_decref (m);
}

//  A scratch run directory with the given files.
static char *
s_run_dir (const char *history, const char *faults)
{
    char *dir = strdup ("/tmp/fl-measures-XXXXXX");
    assert_non_null (mkdtemp (dir));
    char path [256];
    snprintf (path, sizeof path, "%s/history.jsonl", dir);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fputs (history, file);
    fclose (file);
    if (faults) {
        snprintf (path, sizeof path, "%s/faults.jsonl", dir);
        file = fopen (path, "w");
        assert_non_null (file);
        fputs (faults, file);
        fclose (file);
    }
    return dir;
}

static void
s_remove_dir (char *dir)
{
    char path [256];
    snprintf (path, sizeof path, "%s/history.jsonl", dir);
    unlink (path);
    snprintf (path, sizeof path, "%s/faults.jsonl", dir);
    unlink (path);
    rmdir (dir);
    free (dir);
}

static void
s_expect_error (const char *history, const char *faults, const char *where, const char *what)
{
    char *dir = s_run_dir (history, faults);
    char *error = NULL;
    json_t *m = measures_compute (dir, &error);
    assert_null (m);
    assert_non_null (error);
    if (!strstr (error, where) || !strstr (error, what))
        fprintf (stderr, "# got: %s\n", error);
    assert_non_null (strstr (error, where));
    assert_non_null (strstr (error, what));
    free (error);
    s_remove_dir (dir);
}

#define INV(p, t) "{\"time\":" #t ",\"process\":" #p ",\"type\":\"invoke\",\"f\":\"read\",\"key\":1}\n"
#define OK(p, t)  "{\"time\":" #t ",\"process\":" #p ",\"type\":\"ok\",\"f\":\"read\",\"key\":1,\"value\":2}\n"

static void
test_malformed_history (void **state)
{
    (void) state;
    s_expect_error (INV (0, 1) OK (0, 2) "{\"time\":3,\n", NULL, "history.jsonl:3:", "bad JSON");
    s_expect_error (INV (0, 1) OK (1, 2), NULL, "history.jsonl:2:", "no open invoke for process 1");
    s_expect_error (INV (0, 1) INV (0, 2), NULL, "history.jsonl:2:", "still open");
    s_expect_error ("\n" "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\"}\n", NULL,
                    "history.jsonl:2:", "'time'");
    s_expect_error (INV (0, 1) "{\"time\":2,\"process\":0,\"type\":\"done\"}\n", NULL,
                    "history.jsonl:2:", "unknown type 'done'");
    s_expect_error (INV (0, 5) OK (0, 4), NULL, "history.jsonl:2:", "before its invoke");
    s_expect_error ("[1]\n", NULL, "history.jsonl:1:", "not a JSON object");
}

static void
test_malformed_faults (void **state)
{
    (void) state;
    s_expect_error (INV (0, 1) OK (0, 2),
                    "{\"time\":1,\"phase\":\"start\",\"fault\":\"kill\",\"target\":\"n1\"}\n"
                    "{\"time\":2,\"phase\":\"stop\",\"fault\":\"kill\"}\n",
                    "faults.jsonl:2:", "'phase'");
    s_expect_error (INV (0, 1) OK (0, 2), "{\"time\":-1,\"phase\":\"start\",\"fault\":\"x\"}\n",
                    "faults.jsonl:1:", "'time'");
    s_expect_error (INV (0, 1) OK (0, 2), "nope\n", "faults.jsonl:1:", "bad JSON");
}

static void
test_missing_inputs (void **state)
{
    (void) state;
    char *error = NULL;
    assert_null (measures_compute ("/nonexistent/run", &error));
    assert_non_null (strstr (error, "/nonexistent/run/history.jsonl"));
    free (error);
    //  no faults.jsonl: no faults, everything is "outside"
    char *dir = s_run_dir (INV (0, 1000000) OK (0, 3000000), NULL);
    json_t *m = measures_compute (dir, &error);
    assert_non_null (m);
    assert_int_equal (json_array_size (json_object_get (m, "fault_periods")), 0);
    assert_true (json_is_null (json_object_get (json_object_get (m, "availability"),
                                                "during_faults")));
    assert_float_equal (s_number (m, "availability", "outside_faults", NULL), 1.0, 1e-9);
    assert_float_equal (s_number (m, "latency_ms", "p50", NULL), 2, 1e-9);
    json_decref (m);
    s_remove_dir (dir);
}

static void
test_empty_history (void **state)
{
    (void) state;
    char *dir = s_run_dir ("", NULL);
    char *error = NULL;
    json_t *m = measures_compute (dir, &error);
    assert_non_null (m);
    assert_int_equal ((int) s_number (m, "ops", "total", NULL), 0);
    assert_true (json_is_null (json_object_get (json_object_get (m, "latency_ms"), "p50")));
    assert_true (json_is_null (json_object_get (json_object_get (m, "availability"), "overall")));
    json_decref (m);
    s_remove_dir (dir);
}

//  A read of a value no write wrote (invented) and of a write that had not
//  begun yet are the checker's business, not stale reads.
static void
test_not_stale (void **state)
{
    (void) state;
    const char *history =
        "{\"time\":1,\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":1,\"value\":5}\n"
        "{\"time\":2,\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":1,\"value\":5}\n"
        "{\"time\":3,\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"key\":1}\n"
        "{\"time\":4,\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"key\":1,\"value\":99}\n"
        "{\"time\":5,\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"key\":1}\n"
        "{\"time\":6,\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"key\":1,\"value\":7}\n"
        "{\"time\":7,\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":1,\"value\":7}\n"
        "{\"time\":8,\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":1,\"value\":7}\n"
        "{\"time\":9,\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"key\":1}\n"
        "{\"time\":10,\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"key\":1,\"value\":7}\n";
    char *dir = s_run_dir (history, NULL);
    char *error = NULL;
    json_t *m = measures_compute (dir, &error);
    assert_non_null (m);
    assert_int_equal ((int) s_number (m, "stale_reads", "reads", NULL), 3);
    assert_int_equal ((int) s_number (m, "stale_reads", "count", NULL), 0);
    json_decref (m);
    s_remove_dir (dir);
}

//  FL_MEASURES_ERROR_CODES_MAX: past that many distinct error codes, the
//  codes not yet seen are counted together as "other", never dropped.
static void
test_error_codes_limit (void **state)
{
    (void) state;
    int codes = FL_MEASURES_ERROR_CODES_MAX + 5;
    size_t size = (size_t) codes * 160 + 1;
    char *history = calloc (1, size);
    assert_non_null (history);
    size_t used = 0;
    for (int i = 0; i < codes; i++)
        used += (size_t) snprintf (history + used, size - used,
            "{\"time\":%d,\"process\":%d,\"type\":\"invoke\",\"f\":\"read\",\"key\":1,\"value\":null}\n"
            "{\"time\":%d,\"process\":%d,\"type\":\"fail\",\"f\":\"read\",\"key\":1,\"error\":%d}\n",
            2 * i, i, 2 * i + 1, i, 1000 + i);
    char *dir = s_run_dir (history, NULL);
    free (history);
    char *error = NULL;
    json_t *m = measures_compute (dir, &error);
    assert_non_null (m);
    json_t *errors = json_object_get (json_object_get (m, "ops"), "errors");
    assert_int_equal ((int) json_object_size (errors), FL_MEASURES_ERROR_CODES_MAX + 1);
    assert_int_equal ((int) s_number (errors, "other", NULL, NULL), 5);
    assert_int_equal ((int) s_number (errors, "1000", NULL, NULL), 1);
    json_decref (m);
    s_remove_dir (dir);
}

//  A start while the same fault+target is in force is one period; other
//  targets are their own; an end closes only its own; overlapping periods
//  count an op once; an op invoked exactly at an end is outside.
static void
test_fault_pairing (void **state)
{
    (void) state;
    const char *faults =
        "{\"time\":1000000,\"phase\":\"start\",\"fault\":\"kill\",\"target\":\"n1\"}\n"
        "{\"time\":2000000,\"phase\":\"start\",\"fault\":\"kill\",\"target\":\"n1\"}\n"
        "{\"time\":3000000,\"phase\":\"start\",\"fault\":\"kill\",\"target\":\"n2\"}\n"
        "{\"time\":4000000,\"phase\":\"end\",\"fault\":\"kill\",\"target\":\"n1\"}\n"
        "{\"time\":5000000,\"phase\":\"end\",\"fault\":\"kill\",\"target\":\"n2\"}\n";
    char *dir = s_run_dir (INV (0, 4000000) OK (0, 4500000) INV (1, 3500000) OK (1, 3600000)
                           INV (2, 5000000) OK (2, 6000000), faults);
    char *error = NULL;
    json_t *m = measures_compute (dir, &error);
    assert_non_null (m);
    json_t *periods = json_object_get (m, "fault_periods");
    assert_int_equal (json_array_size (periods), 2);
    assert_float_equal (s_number (json_array_get (periods, 0), "start_ms", NULL, NULL), 1, 1e-9);
    assert_float_equal (s_number (json_array_get (periods, 0), "end_ms", NULL, NULL), 4, 1e-9);
    assert_float_equal (s_number (json_array_get (periods, 1), "start_ms", NULL, NULL), 3, 1e-9);
    assert_float_equal (s_number (json_array_get (periods, 1), "end_ms", NULL, NULL), 5, 1e-9);
    //  during: the ops invoked at 4 ms (n2 still down) and 3.5 ms; outside: 5 ms
    assert_float_equal (s_number (m, "latency_ms", "during_faults", "p99"), 0.5, 1e-9);
    assert_float_equal (s_number (m, "latency_ms", "outside_faults", "p50"), 1, 1e-9);
    json_decref (m);
    s_remove_dir (dir);
}

//  FL_FAULT_PERIODS_MAX periods load (the last one's end too); one more
//  start is an error naming its line and the bound.
static void
test_fault_periods_max (void **state)
{
    (void) state;
    char dir [] = "/tmp/fl-periods-XXXXXX";
    assert_non_null (mkdtemp (dir));
    char path [64];
    snprintf (path, sizeof path, "%s/faults.jsonl", dir);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    for (int i = 0; i < FL_FAULT_PERIODS_MAX; i++)
        fprintf (file, "{\"time\":%d,\"phase\":\"start\",\"fault\":\"kill\",\"target\":\"n1\"}\n"
                 "{\"time\":%d,\"phase\":\"end\",\"fault\":\"kill\",\"target\":\"n1\"}\n",
                 2 * i, 2 * i + 1);
    fflush (file);
    char *error = NULL;
    period_log_t *faults = period_log_load (path, 1000000000, &error);
    if (!faults)
        fail_msg ("%s", error);
    assert_int_equal (period_log_size (faults), FL_FAULT_PERIODS_MAX);
    period_log_destroy (&faults);
    fprintf (file, "{\"time\":%d,\"phase\":\"start\",\"fault\":\"kill\",\"target\":\"n1\"}\n",
             2 * FL_FAULT_PERIODS_MAX);
    fclose (file);
    assert_null (period_log_load (path, 1000000000, &error));
    char where [160];
    snprintf (where, sizeof where, "faults.jsonl:%d: more than %d fault periods (FL_FAULT_PERIODS_MAX)",
              2 * FL_FAULT_PERIODS_MAX + 1, FL_FAULT_PERIODS_MAX);
    if (!error || !strstr (error, where))
        fail_msg ("error '%s' does not say '%s'", error? error: "", where);
    free (error);
    unlink (path);
    rmdir (dir);
}

//  FL_HISTORY_OPS_MAX, through a smaller bound (ten million ops would take
//  gigabytes): the invoke past the bound is an error naming its line.
static void
test_history_ops_max (void **state)
{
    (void) state;
    char *dir = s_run_dir (INV (0, 1) OK (0, 2) INV (1, 3) OK (1, 4) INV (0, 5), NULL);
    char path [256];
    snprintf (path, sizeof path, "%s/history.jsonl", dir);
    char *error = NULL;
    opslog_t *log = opslog_load_max (path, 3, &error);
    assert_non_null (log);
    assert_int_equal (opslog_size (log), 3);
    opslog_destroy (&log);
    assert_null (opslog_load_max (path, 2, &error));
    char bound [96];
    snprintf (bound, sizeof bound, "history.jsonl:5: more than 2 ops (FL_HISTORY_OPS_MAX is %d)",
              FL_HISTORY_OPS_MAX);
    if (!error || !strstr (error, bound))
        fail_msg ("error '%s' does not say '%s'", error? error: "", bound);
    free (error);
    s_remove_dir (dir);
}

//  However long the run, the timeline has at most FL_TIMELINE_BUCKETS_MAX
//  buckets, and every op is in one: at the last round bucket size (60 s,
//  a run of 2 h) and past it (a run of 10 h).
static void
test_timeline_buckets_max (void **state)
{
    (void) state;
    long long ends_ms [] = { 100LL * (FL_TIMELINE_BUCKETS_MAX - 1), 100LL * FL_TIMELINE_BUCKETS_MAX,
                             60000LL * FL_TIMELINE_BUCKETS_MAX - 1, 60000LL * FL_TIMELINE_BUCKETS_MAX,
                             36000000 };
    for (size_t e = 0; e < sizeof ends_ms / sizeof ends_ms [0]; e++) {
        char history [1024];
        snprintf (history, sizeof history,
            "{\"time\":1,\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":1}\n"
            "{\"time\":2,\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"key\":1,\"value\":2}\n"
            "{\"time\":%lld,\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":1}\n"
            "{\"time\":%lld,\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"key\":1,\"value\":2}\n",
            ends_ms [e] * 1000000 - 2, ends_ms [e] * 1000000 - 1);
        char *dir = s_run_dir (history, NULL);
        char *error = NULL;
        json_t *m = measures_compute (dir, &error);
        assert_non_null (m);
        json_t *buckets = json_object_get (json_object_get (m, "timeline"), "buckets");
        assert_true (json_array_size (buckets) <= FL_TIMELINE_BUCKETS_MAX);
        assert_true (json_array_size (buckets) >= FL_TIMELINE_BUCKETS_MAX / 3);
        size_t ok = 0, i;
        json_t *bucket;
        json_array_foreach (buckets, i, bucket)
            ok += (size_t) json_integer_value (json_object_get (bucket, "ok"));
        assert_int_equal (ok, 2);
        json_decref (m);
        s_remove_dir (dir);
    }
}

int
main (void)
{
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_ops_counts),
        cmocka_unit_test (test_availability),
        cmocka_unit_test (test_latency),
        cmocka_unit_test (test_stale_reads),
        cmocka_unit_test (test_fault_periods),
        cmocka_unit_test (test_timeline),
        cmocka_unit_test (test_malformed_history),
        cmocka_unit_test (test_malformed_faults),
        cmocka_unit_test (test_missing_inputs),
        cmocka_unit_test (test_empty_history),
        cmocka_unit_test (test_not_stale),
        cmocka_unit_test (test_fault_pairing),
        cmocka_unit_test (test_error_codes_limit),
        cmocka_unit_test (test_fault_periods_max),
        cmocka_unit_test (test_history_ops_max),
        cmocka_unit_test (test_timeline_buckets_max),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
