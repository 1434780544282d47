/*  node_quorum_qlog.c -- the quorum replica's store file (nodes/quorum/
    qlog.c) in a private directory: what is appended is replayed after a
    reopen (as after a kill), a torn last line is cut off before anything
    is appended after it, replay keeps the greater version whatever the
    order of lines, and past FL_QUORUM_LOG_LINES_MAX lines the file is
    rewritten as the store. Links build/libquorum.a.
*/
#include "tap.h"
#include <string.h>
#include <sys/stat.h>
#include "limits.h"
#include "../../nodes/quorum/core.h"
#include "../../nodes/quorum/qlog.h"

static char s_path [128];

static qlog_t *
s_open (json_t *store, hlc_t *clock, size_t *replayed, size_t *torn)
{
    char err [256] = "";
    qlog_t *qlog = qlog_open (tap_dir, store, clock, err, sizeof err, replayed, torn);
    if (!qlog)
        fprintf (stderr, "# %s\n", err);
    assert_non_null (qlog);
    snprintf (s_path, sizeof s_path, "%s/quorum-store.jsonl", tap_dir);
    return qlog;
}

static void
s_put (qlog_t *qlog, json_t *store, int key, int value, int64_t wall)
{
    char err [256];
    json_t *k = json_integer (key), *v = json_integer (value);
    core_version_t version = core_version ((hlc_t) { wall, 0 }, "n1");
    assert_int_equal (core_store_put (store, k, v, &version), 1);
    assert_int_equal (qlog_append (qlog, store, k, v, &version, err, sizeof err), 0);
    json_decref (k); json_decref (v);
}

static int64_t
s_value (json_t *store, const char *key_text)
{
    core_answer_t answer;
    core_store_get (store, key_text, &answer);
    return answer.found? json_integer_value (answer.value): -1;
}

static void
test_replay_after_reopen (void **state)
{
    (void) state;
    unlink (s_path);
    json_t *store = json_object ();
    hlc_t clock = { 0, 0 };
    size_t replayed = 99, torn = 99;
    qlog_t *qlog = s_open (store, &clock, &replayed, &torn);
    assert_int_equal (replayed, 0);
    assert_int_equal (torn, 0);
    s_put (qlog, store, 1, 10, 100);
    s_put (qlog, store, 2, 20, 101);
    s_put (qlog, store, 1, 11, 102);
    qlog_destroy (&qlog);
    assert_null (qlog);
    json_decref (store);

    store = json_object ();
    clock = (hlc_t) { 0, 0 };
    qlog = s_open (store, &clock, &replayed, &torn);
    assert_int_equal (replayed, 3);
    assert_int_equal (s_value (store, "1"), 11);
    assert_int_equal (s_value (store, "2"), 20);
    assert_true (clock.wall >= 102);     //  new writes stamp above what was kept
    qlog_destroy (&qlog);
    json_decref (store);
}

static void
test_torn_tail_cut (void **state)
{
    (void) state;
    FILE *file = fopen (s_path, "a");
    assert_non_null (file);
    fputs ("[3,30,[20", file);          //  a kill in the middle of a line
    fclose (file);
    json_t *store = json_object ();
    hlc_t clock = { 0, 0 };
    size_t replayed, torn;
    qlog_t *qlog = s_open (store, &clock, &replayed, &torn);
    assert_int_equal (replayed, 3);
    assert_int_equal (torn, strlen ("[3,30,[20"));
    assert_int_equal (s_value (store, "3"), -1);
    s_put (qlog, store, 3, 31, 200);     //  appended after the cut, not glued
    qlog_destroy (&qlog);
    json_decref (store);
    store = json_object ();
    qlog = s_open (store, &clock, &replayed, &torn);
    assert_int_equal (replayed, 4);
    assert_int_equal (torn, 0);
    assert_int_equal (s_value (store, "3"), 31);
    qlog_destroy (&qlog);
    json_decref (store);
}

static void
test_replay_keeps_greater (void **state)
{
    (void) state;
    json_t *store = json_object ();
    core_version_t version;
    //  Lines out of version order (a read repair of an older write): the
    //  greater version stays.
    assert_int_equal (core_store_replay (store, "[5,2,[9,1],\"n2\"]", &version), 0);
    assert_int_equal (core_store_replay (store, "[5,1,[9,0],\"n3\"]", &version), 0);
    assert_int_equal (s_value (store, "5"), 2);
    assert_int_equal (core_store_replay (store, "[5,2,[9,1]]", &version), -1);
    assert_int_equal (core_store_replay (store, "[5,2,[9,-1],\"n1\"]", &version), -1);
    assert_int_equal (core_store_replay (store, "{}", &version), -1);
    assert_int_equal (core_store_replay (store, "", &version), -1);
    json_t *key = json_string ("k"), *value = json_true ();
    version = core_version ((hlc_t) { 9, 0 }, "n3");
    char *line = core_store_line (key, value, &version);
    assert_string_equal (line, "[\"k\",true,[9,0],\"n3\"]");
    assert_int_equal (core_store_replay (store, line, &version), 0);
    assert_int_equal (json_object_size (store), 2);
    free (line);
    json_decref (key); json_decref (value);
    json_decref (store);
}

static void
test_rewrite_when_long (void **state)
{
    (void) state;
    unlink (s_path);
    json_t *store = json_object ();
    hlc_t clock = { 0, 0 };
    qlog_t *qlog = s_open (store, &clock, NULL, NULL);
    for (int i = 0; i <= FL_QUORUM_LOG_LINES_MAX; i++)
        s_put (qlog, store, i % 3, i, 1000 + i);
    struct stat st;
    assert_int_equal (stat (s_path, &st), 0);
    assert_true (st.st_size < 200);      //  three lines, not 100 001
    s_put (qlog, store, 7, 70, 999999);
    qlog_destroy (&qlog);
    json_decref (store);
    store = json_object ();
    size_t replayed;
    qlog = s_open (store, &clock, &replayed, NULL);
    assert_int_equal (replayed, 4);
    assert_int_equal (s_value (store, "0"), FL_QUORUM_LOG_LINES_MAX - FL_QUORUM_LOG_LINES_MAX % 3);
    assert_int_equal (s_value (store, "7"), 70);
    qlog_destroy (&qlog);
    json_decref (store);
}

static void
test_open_fails (void **state)
{
    (void) state;
    char err [256] = "";
    json_t *store = json_object ();
    hlc_t clock = { 0, 0 };
    assert_null (qlog_open ("/nonexistent/fl-quorum", store, &clock, err, sizeof err,
                            NULL, NULL));
    assert_non_null (strstr (err, "cannot read '/nonexistent/fl-quorum/quorum-store.jsonl'"));
    json_decref (store);
    qlog_t *none = NULL;
    qlog_destroy (&none);                   //  NULL is fine
}

int
main (void)
{
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_replay_after_reopen),
        cmocka_unit_test (test_torn_tail_cut),
        cmocka_unit_test (test_replay_keeps_greater),
        cmocka_unit_test (test_rewrite_when_long),
        cmocka_unit_test (test_open_fails),
    };
    return cmocka_run_group_tests (tests, tap_dir_make, tap_dir_remove);
}
