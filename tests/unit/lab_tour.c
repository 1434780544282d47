/*  lab_tour.c -- a tour's checks (lab/tour.h: tour_checks) on records
    written by hand: the last acknowledged write on no replica is lost and
    named, one on a replica is not; an info write after it may be what the
    replicas hold; a cart item acknowledged and on no replica is lost; the
    OR-set's record gets no linearizability check; a --node program's
    (no replicas) is judged on its history alone; a tour none of whose
    client steps succeeded is unknown, saying why.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "../../lab/tour.h"

//  A history.jsonl in the test directory: write then read of k, both ok.
static void
s_history (const char *read_value)
{
    char path [256];
    snprintf (path, sizeof path, "%s/history.jsonl", tap_dir);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fprintf (file,
        "{\"index\":0,\"time\":1,\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"k\",\"value\":\"a\"}\n"
        "{\"index\":1,\"time\":2,\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":\"k\",\"value\":\"a\"}\n"
        "{\"index\":2,\"time\":3,\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\",\"value\":null}\n"
        "{\"index\":3,\"time\":4,\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"key\":\"k\",\"value\":%s}\n",
        read_value);
    fclose (file);
}

//  The check named name in checks, or NULL.
static json_t *
s_check (json_t *checks, const char *name)
{
    size_t i;
    json_t *entry;
    json_array_foreach (checks, i, entry)
        if (strcmp (json_string_value (json_object_get (entry, "name")), name) == 0)
            return entry;
    return NULL;
}

static json_t *
s_record (const char *text)
{
    json_error_t error;
    json_t *record = json_loads (text, 0, &error);
    if (!record)
        fail_msg ("bad record: %s", error.text);
    return record;
}

static void
test_lost_write_named (void **state)
{
    (void) state;
    s_history ("\"a\"");
    json_t *record = s_record ("{\"steps\": ["
        "{\"step\":1,\"f\":\"write\",\"key\":\"k\",\"node\":\"n1\",\"type\":\"ok\",\"value\":\"old\"},"
        "{\"step\":2,\"f\":\"write\",\"key\":\"k\",\"node\":\"n1\",\"type\":\"ok\",\"value\":\"new\"}],"
        "\"replicas\": {\"n1\": [[\"k\",\"old\"]], \"n2\": [[\"k\",\"old\"]]}}");
    check_verdict_t verdict;
    json_t *checks = tour_checks (record, tap_dir, &verdict);
    assert_int_equal (verdict, CHECK_INVALID);
    json_t *lost = s_check (checks, "lost");
    assert_non_null (lost);
    assert_true (json_is_false (json_object_get (lost, "valid")));
    json_t *first = json_array_get (json_object_get (json_object_get (lost, "details"), "lost"), 0);
    assert_string_equal (json_string_value (json_object_get (first, "value")), "new");
    assert_int_equal (json_integer_value (json_object_get (first, "step")), 2);
    assert_non_null (strstr (json_string_value (json_object_get (json_object_get (lost,
                     "details"), "reason")), "write \"new\" (step 2, n1)"));
    assert_true (json_is_true (json_object_get (s_check (checks, "linearizable"), "valid")));
    json_decref (checks);
    //  On one replica: kept.
    json_object_set_new (json_object_get (record, "replicas"), "n2", json_pack ("[[s,s]]", "k", "new"));
    checks = tour_checks (record, tap_dir, &verdict);
    assert_int_equal (verdict, CHECK_VALID);
    json_decref (checks);
    json_decref (record);
}

static void
test_info_write_may_win (void **state)
{
    (void) state;
    s_history ("\"a\"");
    json_t *record = s_record ("{\"steps\": ["
        "{\"step\":1,\"f\":\"write\",\"key\":\"k\",\"node\":\"n1\",\"type\":\"ok\",\"value\":\"a\"},"
        "{\"step\":2,\"f\":\"write\",\"key\":\"k\",\"node\":\"n3\",\"type\":\"info\",\"value\":\"b\"}],"
        "\"replicas\": {\"n1\": [[\"k\",\"b\"]]}}");
    check_verdict_t verdict;
    json_t *checks = tour_checks (record, tap_dir, &verdict);
    assert_true (json_is_true (json_object_get (s_check (checks, "lost"), "valid")));
    json_decref (checks);
    json_decref (record);
}

static void
test_cart_items (void **state)
{
    (void) state;
    s_history ("\"a\"");
    json_t *record = s_record ("{\"steps\": ["
        "{\"step\":1,\"f\":\"cart-add\",\"key\":\"c\",\"node\":\"n1\",\"type\":\"ok\","
        "\"element\":\"milk\",\"cart\":\"or-set\"},"
        "{\"step\":2,\"f\":\"cart-add\",\"key\":\"c\",\"node\":\"n3\",\"type\":\"ok\","
        "\"element\":\"eggs\",\"cart\":\"or-set\"}],"
        "\"replicas\": {\"n1\": [[\"c\",[\"eggs\",\"milk\"]]], \"n3\": [[\"c\",[\"eggs\",\"milk\"]]]}}");
    check_verdict_t verdict;
    json_t *checks = tour_checks (record, tap_dir, &verdict);
    assert_int_equal (verdict, CHECK_VALID);
    assert_null (s_check (checks, "linearizable"));         // the OR-set's adds
    json_decref (checks);
    json_object_set_new (json_object_get (record, "replicas"), "n1", json_pack ("[[s,[s]]]", "c", "eggs"));
    json_object_set_new (json_object_get (record, "replicas"), "n3", json_pack ("[[s,[s]]]", "c", "eggs"));
    checks = tour_checks (record, tap_dir, &verdict);
    assert_int_equal (verdict, CHECK_INVALID);
    json_t *lost = json_object_get (json_object_get (s_check (checks, "lost"), "details"), "lost");
    assert_int_equal (json_array_size (lost), 1);
    assert_string_equal (json_string_value (json_object_get (json_array_get (lost, 0), "value")),
                         "milk");
    json_decref (checks);
    json_decref (record);
}

static void
test_no_replicas (void **state)
{
    (void) state;
    s_history ("null");         // a read of nothing after a write: not linearizable
    json_t *record = s_record ("{\"steps\": [], \"replicas\": {}}");
    check_verdict_t verdict;
    json_t *checks = tour_checks (record, tap_dir, &verdict);
    assert_int_equal (verdict, CHECK_INVALID);
    assert_null (s_check (checks, "lost"));
    json_decref (checks);
    //  Our system's nodes all silent: what they hold is unknown.
    json_object_set_new (record, "replicas", json_pack ("{s:n}", "n1"));
    s_history ("\"a\"");
    checks = tour_checks (record, tap_dir, &verdict);
    assert_int_equal (verdict, CHECK_UNKNOWN);
    json_decref (checks);
    json_decref (record);
}

static void
test_all_failed_unknown (void **state)
{
    (void) state;
    s_history ("\"a\"");
    json_t *record = s_record ("{\"steps\": ["
        "{\"step\":1,\"f\":\"write\",\"key\":\"k\",\"node\":\"n1\",\"type\":\"fail\","
        "\"error\":12,\"text\":\"lin-kv on etcd needs an integer key\"},"
        "{\"step\":2,\"f\":\"isolate\",\"type\":\"fault\"},"
        "{\"step\":3,\"f\":\"read\",\"key\":\"k\",\"node\":\"n2\",\"type\":\"fail\",\"error\":12}],"
        "\"replicas\": {}}");
    check_verdict_t verdict;
    json_t *checks = tour_checks (record, tap_dir, &verdict);
    assert_int_equal (verdict, CHECK_UNKNOWN);
    json_t *tour = s_check (checks, "tour");
    assert_non_null (tour);
    const char *reason = json_string_value (json_object_get (json_object_get (tour, "details"),
                                            "reason"));
    assert_non_null (strstr (reason, "no client step succeeded (all 2 failed"));
    assert_non_null (strstr (reason, "step 1: fail 12, lin-kv on etcd needs an integer key"));
    json_decref (checks);
    //  One ok step: judged as before, no "tour" check.
    json_object_set_new (json_array_get (json_object_get (record, "steps"), 2), "type",
                         json_string ("ok"));
    checks = tour_checks (record, tap_dir, &verdict);
    assert_int_equal (verdict, CHECK_VALID);
    assert_null (s_check (checks, "tour"));
    json_decref (checks);
    json_decref (record);
}

int
main (void)
{
    tap_start (30);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_lost_write_named),
        cmocka_unit_test (test_info_write_may_win),
        cmocka_unit_test (test_cart_items),
        cmocka_unit_test (test_no_replicas),
        cmocka_unit_test (test_all_failed_unknown),
    };
    return cmocka_run_group_tests_name ("lab_tour", tests, tap_dir_make, tap_dir_remove);
}
