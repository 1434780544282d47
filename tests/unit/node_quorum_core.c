/*  node_quorum_core.c -- the quorum node's decisions (nodes/quorum/core.c)
    without sockets: level parsing and the numbers they give for N, the
    param errors the node prints, the version a read returns among its R
    answers, whom read repair updates, the store keeping the greater
    version, and the hints kept for replicas that missed a write. Links
    build/libquorum.a.
*/
#include "tap.h"
#include <string.h>
#include "limits.h"
#include "../../nodes/quorum/core.h"

static core_version_t
s_v (int64_t wall, int64_t logical, const char *node)
{
    return core_version ((hlc_t) { wall, logical }, node);
}

static size_t
s_needed (const char *text, size_t n)
{
    core_level_t level;
    assert_int_equal (core_level_parse (text, &level), 0);
    size_t needed = 0;
    assert_int_equal (core_level_needed (level, n, &needed), 0);
    return needed;
}

static void
test_levels (void **state)
{
    (void) state;
    assert_int_equal (s_needed ("one", 5), 1);
    assert_int_equal (s_needed ("quorum", 5), 3);
    assert_int_equal (s_needed ("quorum", 4), 3);      //  floor (4/2) + 1
    assert_int_equal (s_needed ("quorum", 3), 2);
    assert_int_equal (s_needed ("quorum", 1), 1);
    assert_int_equal (s_needed ("all", 5), 5);
    assert_int_equal (s_needed ("2", 3), 2);
    assert_int_equal (s_needed ("3", 3), 3);
    assert_int_equal (s_needed ("64", FL_NODES_MAX), 64);
}

static void
test_bad_levels (void **state)
{
    (void) state;
    core_level_t level = { CORE_LEVEL_ONE, 0 };
    const char *bad [] = { "", "One", "ALL", "majority", "0", "-1", "+2", "2.0",
                           "1e1", " 2", "2 ", "0x2", "65", "99999999999999999999" };
    for (size_t i = 0; i < sizeof bad / sizeof bad [0]; i++)
        assert_int_equal (core_level_parse (bad [i], &level), -1);
    assert_int_equal (core_level_parse (NULL, &level), -1);
    assert_int_equal (level.kind, CORE_LEVEL_ONE);     //  untouched
    //  A number is a word at startup; whether it fits is known at init.
    assert_int_equal (core_level_parse ("4", &level), 0);
    size_t needed = 99;
    assert_int_equal (core_level_needed (level, 3, &needed), -1);
    assert_int_equal (needed, 99);
    assert_int_equal (core_level_needed (level, 4, &needed), 0);
    assert_int_equal (needed, 4);
}

static void
test_param_errors (void **state)
{
    (void) state;
    char error [128] = "";
    core_level_t level;
    assert_int_equal (core_level_param ("w", NULL, &level, error, sizeof error), 0);
    assert_int_equal (level.kind, CORE_LEVEL_QUORUM);  //  the default
    assert_int_equal (core_level_param ("w", "x", &level, error, sizeof error), -1);
    assert_string_equal (error, "param w: 'x' is not one, quorum, all or 1..N");
    assert_int_equal (core_level_param ("r", "7", &level, error, sizeof error), 0);
    size_t needed;
    assert_int_equal (core_level_param_needed ("r", "7", level, 3, &needed,
                                               error, sizeof error), -1);
    assert_string_equal (error, "param r: '7' is not one, quorum, all or 1..3");
    bool flag = false;
    assert_int_equal (core_bool_param ("read_repair", NULL, true, &flag, error, sizeof error), 0);
    assert_true (flag);
    assert_int_equal (core_bool_param ("read_repair", "false", true, &flag,
                                       error, sizeof error), 0);
    assert_false (flag);
    assert_int_equal (core_bool_param ("hinted_handoff", "yes", true, &flag,
                                       error, sizeof error), -1);
    assert_string_equal (error, "param hinted_handoff: 'yes' is not true or false");
    assert_int_equal (core_bool_parse ("True", &flag), -1);
}

static void
test_left_ms (void **state)
{
    (void) state;
    assert_int_equal (core_left_ms (1000, 1000, 600), 600);
    assert_int_equal (core_left_ms (1000, 1250, 600), 350);
    assert_int_equal (core_left_ms (1000, 1600, 600), 1);   //  spent: one ms
    assert_int_equal (core_left_ms (1000, 9000, 600), 1);   //  skewed forward
    assert_int_equal (core_left_ms (1000, 100, 600), 600);  //  skewed back
}

static void
test_versions (void **state)
{
    (void) state;
    core_version_t a = s_v (5, 0, "n2"), b = s_v (5, 1, "n1"), c = s_v (5, 1, "n10");
    assert_int_equal (core_version_compare (&a, &b), -1);  //  logical first
    assert_int_equal (core_version_compare (&b, &c), -1);  //  then id: n1 < n10
    assert_int_equal (core_version_compare (&c, &c), 0);
    core_version_t d = s_v (6, 0, "n1");
    assert_int_equal (core_version_compare (&d, &c), 1);   //  wall first
}

static void
test_winner (void **state)
{
    (void) state;
    json_t *x = json_integer (1), *y = json_integer (2), *z = json_integer (3);
    core_answer_t answers [] = {
        { false, NULL, s_v (0, 0, "") },
        { true, x, s_v (10, 0, "n3") },
        { true, y, s_v (10, 2, "n1") },
        { true, z, s_v (10, 2, "n2") },     //  same stamp, greater id: wins
        { false, NULL, s_v (0, 0, "") }
    };
    //  Only the R first answers count: with 3 of them, y wins.
    assert_int_equal (core_answer_winner (answers, 3), 2);
    assert_int_equal (core_answer_winner (answers, 5), 3);
    assert_int_equal (core_answer_winner (answers, 1), 1);   //  none found: count
    assert_int_equal (core_answer_winner (answers, 0), 0);
    //  Not found is older than found; two not found are even.
    assert_true (core_answer_older (&answers [0], &answers [1]));
    assert_false (core_answer_older (&answers [1], &answers [0]));
    assert_false (core_answer_older (&answers [0], &answers [4]));
    json_decref (x); json_decref (y); json_decref (z);
}

static void
test_repair_targets (void **state)
{
    (void) state;
    json_t *old = json_integer (1), *new = json_integer (2);
    core_answer_t answers [] = {
        { true, new, s_v (20, 0, "n1") },   //  the winner
        { true, old, s_v (19, 5, "n2") },   //  older: repaired
        { false, NULL, s_v (0, 0, "") },    //  missing: repaired
        { true, new, s_v (20, 0, "n1") }    //  already has it
    };
    size_t targets [4];
    size_t count = core_repair_targets (answers, 4, &answers [0], targets);
    assert_int_equal (count, 2);
    assert_int_equal (targets [0], 1);
    assert_int_equal (targets [1], 2);
    //  A winner that found nothing repairs nothing.
    core_answer_t none = { false, NULL, s_v (0, 0, "") };
    assert_int_equal (core_repair_targets (answers, 4, &none, targets), 0);
    json_decref (old); json_decref (new);
}

static void
test_store_keeps_greater (void **state)
{
    (void) state;
    json_t *store = json_object ();
    json_t *key = json_integer (7), *one = json_integer (1), *two = json_integer (2);
    core_version_t v1 = s_v (100, 0, "n1"), v2 = s_v (100, 1, "n3");
    assert_int_equal (core_store_put (store, key, two, &v2), 1);
    assert_int_equal (core_store_put (store, key, one, &v1), 0);     //  older: kept v2
    assert_int_equal (core_store_put (store, key, two, &v2), 0);     //  same: an ack
    char *text = core_key_text (key);
    core_answer_t answer;
    core_store_get (store, text, &answer);
    assert_true (answer.found);
    assert_int_equal (json_integer_value (answer.value), 2);
    assert_int_equal (core_version_compare (&answer.version, &v2), 0);
    core_store_get (store, "8", &answer);
    assert_false (answer.found);
    //  replica_read's state: [[key as sent, value]].
    json_t *state_json = core_store_state (store);
    char *dumped = json_dumps (state_json, JSON_COMPACT);
    assert_string_equal (dumped, "[[7,2]]");
    free (dumped);
    free (text);
    json_decref (state_json);
    json_decref (key); json_decref (one); json_decref (two);
    json_decref (store);
}

static void
test_store_full (void **state)
{
    (void) state;
    json_t *store = json_object ();
    json_t *value = json_true ();
    core_version_t v = s_v (1, 0, "n1");
    for (int i = 0; i < FL_QUORUM_KEYS_MAX; i++) {
        json_t *key = json_integer (i);
        assert_int_equal (core_store_put (store, key, value, &v), 1);
        json_decref (key);
    }
    json_t *extra = json_integer (FL_QUORUM_KEYS_MAX);
    assert_int_equal (core_store_put (store, extra, value, &v), -1);
    json_t *known = json_integer (0);
    core_version_t later = s_v (2, 0, "n1");
    assert_int_equal (core_store_put (store, known, value, &later), 1);  //  old keys still move
    json_decref (known); json_decref (extra); json_decref (value);
    json_decref (store);
}

static void
test_hints (void **state)
{
    (void) state;
    core_hints_t *hints = core_hints_new ();
    json_t *key = json_integer (3), *a = json_integer (10), *b = json_integer (11);
    core_version_t v1 = s_v (50, 0, "n1"), v2 = s_v (51, 0, "n1");
    assert_int_equal (core_hints_add (hints, "n2", key, a, &v1, 200), 0);
    assert_int_equal (core_hints_add (hints, "n3", key, a, &v1, 200), 0);
    assert_int_equal (core_hints_size (hints), 2);
    //  A newer write for n2 replaces its hint; an older one does not.
    assert_int_equal (core_hints_add (hints, "n2", key, b, &v2, 200), 0);
    assert_int_equal (core_hints_add (hints, "n2", key, a, &v1, 200), 0);
    assert_int_equal (core_hints_size (hints), 2);
    core_hint_t due [4];
    assert_int_equal (core_hints_due (hints, 199, 200, due, 4), 0);     //  not yet
    size_t count = core_hints_due (hints, 200, 200, due, 4);
    assert_int_equal (count, 2);
    for (size_t i = 0; i < count; i++)
        if (strcmp (due [i].replica, "n2") == 0) {
            assert_int_equal (json_integer_value (due [i].value), 11);
            assert_string_equal (due [i].key_text, "3");
        }
    //  Handed out: next due a retry later.
    assert_int_equal (core_hints_due (hints, 300, 200, due, 4), 0);
    assert_int_equal (core_hints_due (hints, 400, 200, due, 1), 1);    //  at most max
    //  An ack of the older version does not drop n2's newer hint.
    assert_false (core_hints_ack (hints, "n2", "3", &v1));
    assert_true (core_hints_ack (hints, "n2", "3", &v2));
    assert_true (core_hints_ack (hints, "n3", "3", &v2));   //  newer than the hint: drops it
    assert_false (core_hints_ack (hints, "n3", "3", &v2));  //  gone
    assert_int_equal (core_hints_size (hints), 0);
    json_decref (key); json_decref (a); json_decref (b);
    core_hints_destroy (&hints);
    assert_null (hints);
    core_hints_destroy (&hints);                            //  NULL is fine
}

static void
test_hints_bounded (void **state)
{
    (void) state;
    core_hints_t *hints = core_hints_new ();
    json_t *value = json_integer (1);
    core_version_t v = s_v (1, 0, "n1");
    for (int i = 0; i < FL_QUORUM_HINTS_MAX; i++) {
        json_t *key = json_integer (i);
        assert_int_equal (core_hints_add (hints, "n2", key, value, &v, 0), 0);
        json_decref (key);
    }
    json_t *key = json_integer (FL_QUORUM_HINTS_MAX);
    assert_int_equal (core_hints_add (hints, "n2", key, value, &v, 0), -1);
    assert_int_equal (core_hints_refused (hints), 1);
    assert_int_equal (core_hints_size (hints), FL_QUORUM_HINTS_MAX);
    //  An existing hint is still replaced when full.
    json_t *zero = json_integer (0);
    core_version_t later = s_v (2, 0, "n1");
    assert_int_equal (core_hints_add (hints, "n2", zero, value, &later, 0), 0);
    //  Acked, a slot frees and the refused key fits.
    assert_true (core_hints_ack (hints, "n2", "0", &later));
    assert_int_equal (core_hints_add (hints, "n2", key, value, &v, 0), 0);
    core_hint_t due [FL_QUORUM_HINTS_BATCH];
    assert_int_equal (core_hints_due (hints, 0, 200, due, FL_QUORUM_HINTS_BATCH),
                      FL_QUORUM_HINTS_BATCH);
    json_decref (zero); json_decref (key); json_decref (value);
    core_hints_destroy (&hints);
}

int
main (void)
{
    tap_start (30);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_levels),
        cmocka_unit_test (test_bad_levels),
        cmocka_unit_test (test_param_errors),
        cmocka_unit_test (test_left_ms),
        cmocka_unit_test (test_versions),
        cmocka_unit_test (test_winner),
        cmocka_unit_test (test_repair_targets),
        cmocka_unit_test (test_store_keeps_greater),
        cmocka_unit_test (test_store_full),
        cmocka_unit_test (test_hints),
        cmocka_unit_test (test_hints_bounded),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
