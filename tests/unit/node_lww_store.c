/*  node_lww_store.c -- the replica of bin/node-lww (nodes/lww/store.c):
    merge keeps the greater version whatever the order and however often
    entries arrive, a write from a clock that is behind loses to an
    earlier one (and the loser's node is told), cas compares the local
    value only, replica_read's state has the lab's shape, deltas carry
    each change once within FL_LWW_GOSSIP_ENTRIES_MAX per chunk, and the
    limits refuse with a definite error. Links build/liblww.a.
*/
#include <string.h>
#include "tap.h"
#include "limits.h"
#include "nodes/lww/store.h"

#define T0      1700000000000LL         //  a wall clock reading, ms

static json_t *
s_req (const char *text)
{
    json_error_t error;
    json_t *body = json_loads (text, 0, &error);
    assert_non_null (body);
    return body;
}

//  The reply to a request given as JSON text; returns its type, and its
//  error code in *code (-1 when not an error). Frees the reply.
static int
s_ask (store_t *store, const char *text, int64_t now_ms, json_t **value_p)
{
    json_t *body = s_req (text);
    json_t *reply = store_request (store, body, now_ms);
    json_decref (body);
    assert_non_null (reply);
    const char *type = json_string_value (json_object_get (reply, "type"));
    assert_non_null (type);
    int code = strcmp (type, "error") == 0? (int) json_integer_value (json_object_get (reply, "code")): -1;
    if (value_p)
        *value_p = json_incref (json_object_get (reply, "value"));
    json_decref (reply);
    return code;
}

//  Every entry of store, in one array (the snapshot's chunks joined).
static json_t *
s_entries (store_t *store)
{
    json_t *chunks = store_snapshot (store, FL_LWW_GOSSIP_ENTRIES_MAX);
    json_t *all = json_array ();
    size_t i;
    json_t *chunk;
    json_array_foreach (chunks, i, chunk)
        json_array_extend (all, chunk);
    json_decref (chunks);
    return all;
}

static void
s_merge_all (store_t *store, json_t *entries, int64_t now_ms)
{
    size_t i;
    json_t *entry;
    json_array_foreach (entries, i, entry)
        assert_true (store_merge (store, entry, now_ms, NULL) != STORE_MERGE_BAD);
}

static bool
s_state_is (store_t *store, const char *text)
{
    json_t *want = s_req (text);
    json_t *state = store_state (store);
    bool same = json_equal (state, want);
    if (!same) {
        char *got = json_dumps (state, JSON_COMPACT);
        fprintf (stderr, "# state %s, wanted %s\n", got, text);
        free (got);
    }
    json_decref (want);
    json_decref (state);
    return same;
}

static void
test_read_write_cas (void **state)
{
    (void) state;
    store_t *store = store_new ("n1");
    json_t *value = NULL;
    assert_int_equal (s_ask (store, "{\"type\":\"read\",\"key\":0}", T0, NULL), 20);
    assert_int_equal (s_ask (store, "{\"type\":\"cas\",\"key\":0,\"from\":1,\"to\":2}", T0, NULL), 20);
    assert_int_equal (s_ask (store, "{\"type\":\"write\",\"key\":0,\"value\":3}", T0, NULL), -1);
    assert_int_equal (s_ask (store, "{\"type\":\"read\",\"key\":0}", T0, &value), -1);
    assert_true (json_integer_value (value) == 3);
    json_decref (value);
    //  The string "0" is another key than the integer 0.
    assert_int_equal (s_ask (store, "{\"type\":\"read\",\"key\":\"0\"}", T0, NULL), 20);
    //  cas compares the local value: 22 when from differs, and nothing changes.
    assert_int_equal (s_ask (store, "{\"type\":\"cas\",\"key\":0,\"from\":4,\"to\":1}", T0, NULL), 22);
    assert_int_equal (s_ask (store, "{\"type\":\"cas\",\"key\":0,\"from\":3,\"to\":1}", T0, NULL), -1);
    assert_int_equal (s_ask (store, "{\"type\":\"read\",\"key\":0}", T0, &value), -1);
    assert_true (json_integer_value (value) == 1);
    json_decref (value);
    assert_int_equal (s_ask (store, "{\"type\":\"cas\",\"key\":5,\"from\":0,\"to\":7,"
                                    "\"create_if_not_exists\":true}", T0, NULL), -1);
    //  Malformed requests: 12; another type: 10.
    assert_int_equal (s_ask (store, "{\"type\":\"read\"}", T0, NULL), 12);
    assert_int_equal (s_ask (store, "{\"type\":\"write\",\"key\":1}", T0, NULL), 12);
    assert_int_equal (s_ask (store, "{\"type\":\"cas\",\"key\":0,\"to\":1}", T0, NULL), 12);
    assert_int_equal (s_ask (store, "{\"type\":\"txn\",\"key\":0}", T0, NULL), 10);
    //  Each write takes a fresh version from the clock, after the last.
    store_version_t one, two;
    json_t *key = json_integer (0);
    assert_true (store_version (store, key, &one));
    assert_int_equal (s_ask (store, "{\"type\":\"write\",\"key\":0,\"value\":9}", T0 - 5000, NULL), -1);
    assert_true (store_version (store, key, &two));
    assert_true (hlc_version_compare (two.stamp, two.node, one.stamp, one.node) > 0);
    assert_string_equal (two.node, "n1");
    json_decref (key);
    store_destroy (&store);
    assert_null (store);
}

//  Three replicas' writes to the same keys, merged in every order and
//  twice over: every replica ends with the same state, the greatest
//  version of each key.
static void
test_merge_order (void **state)
{
    (void) state;
    store_t *writers [3] = { store_new ("n1"), store_new ("n2"), store_new ("n3") };
    const char *writes [3][2] = {
        { "{\"type\":\"write\",\"key\":\"a\",\"value\":1}", "{\"type\":\"write\",\"key\":\"b\",\"value\":1}" },
        { "{\"type\":\"write\",\"key\":\"a\",\"value\":2}", "{\"type\":\"write\",\"key\":\"c\",\"value\":2}" },
        { "{\"type\":\"write\",\"key\":\"a\",\"value\":3}", "{\"type\":\"write\",\"key\":\"b\",\"value\":3}" },
    };
    int64_t at [3] = { T0 + 20, T0 + 10, T0 + 10 };   //  n1 latest; n2, n3 tie on wall
    json_t *sets [3];
    for (int w = 0; w < 3; w++) {
        for (int k = 0; k < 2; k++)
            assert_int_equal (s_ask (writers [w], writes [w][k], at [w], NULL), -1);
        sets [w] = s_entries (writers [w]);
    }
    int orders [6][3] = { {0,1,2}, {0,2,1}, {1,0,2}, {1,2,0}, {2,0,1}, {2,1,0} };
    for (int o = 0; o < 6; o++) {
        store_t *replica = store_new ("n9");
        for (int i = 0; i < 3; i++)
            s_merge_all (replica, sets [orders [o][i]], T0);
        //  a: n1's (latest wall); b: n1's over n3's; c: n2's only
        assert_true (s_state_is (replica, "[[\"a\",1],[\"b\",1],[\"c\",2]]"));
        for (int i = 2; i >= 0; i--)            //  again, reversed: nothing changes
            s_merge_all (replica, sets [orders [o][i]], T0);
        assert_true (s_state_is (replica, "[[\"a\",1],[\"b\",1],[\"c\",2]]"));
        store_destroy (&replica);
    }
    //  On a tie of clock readings the node id decides: n3 over n2.
    store_t *tie = store_new ("n9");
    s_merge_all (tie, sets [2], T0);
    s_merge_all (tie, sets [1], T0);
    json_t *a = json_string ("a");
    store_version_t version;
    assert_true (store_version (tie, a, &version));
    assert_string_equal (version.node, "n3");
    json_decref (a);
    store_destroy (&tie);
    //  A merge result: SAME for a repeat, STALE for an older version.
    json_t *entry = json_array_get (sets [0], 0);
    assert_int_equal (store_merge (writers [0], entry, T0, NULL), STORE_MERGE_SAME);
    assert_int_equal (store_merge (writers [1], entry, T0, NULL), STORE_MERGE_REPLACED);
    assert_int_equal (store_merge (writers [1], json_array_get (sets [2], 0), T0, NULL),
                      STORE_MERGE_STALE);
    for (int w = 0; w < 3; w++) {
        json_decref (sets [w]);
        store_destroy (&writers [w]);
    }
}

//  The skew story: n2's clock is 5 s behind. n1 writes x = "early" at
//  real time T0; n2, partitioned, writes x = "late" one second later by
//  real time, stamped T0 - 4000. After the heal both keep n1's earlier
//  write, and n2 is told its acknowledged write was thrown away.
static void
test_skew_behind_loses (void **state)
{
    (void) state;
    store_t *n1 = store_new ("n1"), *n2 = store_new ("n2");
    assert_int_equal (s_ask (n1, "{\"type\":\"write\",\"key\":\"x\",\"value\":\"early\"}", T0, NULL), -1);
    assert_int_equal (s_ask (n2, "{\"type\":\"write\",\"key\":\"x\",\"value\":\"late\"}",
                             T0 + 1000 - 5000, NULL), -1);
    json_t *from1 = s_entries (n1), *from2 = s_entries (n2);
    store_loss_t loss;
    //  n1 gets n2's lower version: kept its own, nothing lost at n1.
    assert_int_equal (store_merge (n1, json_array_get (from2, 0), T0 + 1100, &loss),
                      STORE_MERGE_STALE);
    assert_false (loss.lost);
    //  n2 gets n1's: n1's wins and n2's acknowledged write is lost.
    assert_int_equal (store_merge (n2, json_array_get (from1, 0), T0 + 1100 - 5000, &loss),
                      STORE_MERGE_REPLACED);
    assert_true (loss.lost);
    assert_string_equal (loss.key, "\"x\"");
    assert_string_equal (loss.theirs.node, "n1");
    assert_string_equal (loss.ours.node, "n2");
    assert_true (loss.theirs.stamp.wall == T0);
    assert_true (loss.ours.stamp.wall == T0 - 4000);
    assert_true (s_state_is (n1, "[[\"x\",\"early\"]]"));
    assert_true (s_state_is (n2, "[[\"x\",\"early\"]]"));
    //  Receiving advanced n2's clock past n1's stamp: its next write wins.
    assert_true (store_clock (n2).wall >= T0);
    assert_int_equal (s_ask (n2, "{\"type\":\"write\",\"key\":\"x\",\"value\":\"after\"}",
                             T0 + 1200 - 5000, NULL), -1);
    json_decref (from2);
    from2 = s_entries (n2);
    assert_int_equal (store_merge (n1, json_array_get (from2, 0), T0 + 1300, &loss),
                      STORE_MERGE_REPLACED);
    //  n2 had seen n1's write (replaced names it): an overwrite, no loss.
    assert_false (loss.lost);
    assert_true (s_state_is (n1, "[[\"x\",\"after\"]]"));
    json_decref (from1);
    json_decref (from2);
    store_destroy (&n1);
    store_destroy (&n2);
}

//  Only our own writes count as lost, and not when the winner replaced them.
static void
test_loss_only_ours (void **state)
{
    (void) state;
    store_t *n1 = store_new ("n1"), *n2 = store_new ("n2"), *n3 = store_new ("n3");
    assert_int_equal (s_ask (n2, "{\"type\":\"write\",\"key\":\"k\",\"value\":2}", T0, NULL), -1);
    assert_int_equal (s_ask (n3, "{\"type\":\"write\",\"key\":\"k\",\"value\":3}", T0 + 5, NULL), -1);
    json_t *from2 = s_entries (n2), *from3 = s_entries (n3);
    store_loss_t loss;
    s_merge_all (n1, from2, T0);                //  n1 holds n2's write
    assert_int_equal (store_merge (n1, json_array_get (from3, 0), T0, &loss),
                      STORE_MERGE_REPLACED);
    assert_false (loss.lost);                   //  not n1's own write
    json_decref (from2);
    json_decref (from3);
    store_destroy (&n1);
    store_destroy (&n2);
    store_destroy (&n3);
}

static void
test_replica_read_state (void **state)
{
    (void) state;
    store_t *store = store_new ("n1");
    assert_true (s_state_is (store, "[]"));
    assert_int_equal (s_ask (store, "{\"type\":\"write\",\"key\":\"user:bob\",\"value\":\"b\"}", T0, NULL), -1);
    assert_int_equal (s_ask (store, "{\"type\":\"write\",\"key\":2,\"value\":[1,2]}", T0, NULL), -1);
    assert_int_equal (s_ask (store, "{\"type\":\"write\",\"key\":\"user:alice\",\"value\":null}", T0, NULL), -1);
    assert_int_equal (s_ask (store, "{\"type\":\"read\",\"key\":7}", T0, NULL), 20);
    //  [key, value] pairs, keys as sent, sorted by key text ("\"user..." <
    //  "2"); key 7 absent.
    assert_true (s_state_is (store, "[[\"user:alice\",null],[\"user:bob\",\"b\"],[2,[1,2]]]"));
    store_destroy (&store);
}

static void
test_delta (void **state)
{
    (void) state;
    store_t *store = store_new ("n1");
    json_t *delta = store_delta (store, FL_LWW_GOSSIP_ENTRIES_MAX);
    assert_int_equal (json_array_size (delta), 0);      //  nothing changed
    json_decref (delta);
    assert_int_equal (s_ask (store, "{\"type\":\"write\",\"key\":\"b\",\"value\":1}", T0, NULL), -1);
    assert_int_equal (s_ask (store, "{\"type\":\"write\",\"key\":\"a\",\"value\":1}", T0, NULL), -1);
    assert_int_equal (s_ask (store, "{\"type\":\"write\",\"key\":\"b\",\"value\":2}", T0, NULL), -1);
    //  b and a changed: each once, oldest change first (a, then b's latest).
    delta = store_delta (store, FL_LWW_GOSSIP_ENTRIES_MAX);
    assert_int_equal (json_array_size (delta), 1);
    json_t *chunk = json_array_get (delta, 0);
    assert_int_equal (json_array_size (chunk), 2);
    assert_string_equal (json_string_value (json_object_get (json_array_get (chunk, 0), "key")), "a");
    json_t *b = json_array_get (chunk, 1);
    assert_true (json_integer_value (json_object_get (b, "value")) == 2);
    assert_non_null (json_object_get (b, "replaced"));  //  b's second write replaced its first
    assert_null (json_object_get (json_array_get (chunk, 0), "replaced"));
    json_decref (delta);
    delta = store_delta (store, FL_LWW_GOSSIP_ENTRIES_MAX);
    assert_int_equal (json_array_size (delta), 0);      //  all went out already
    json_decref (delta);
    //  A failed cas and a stale merge change nothing; a won merge does.
    assert_int_equal (s_ask (store, "{\"type\":\"cas\",\"key\":\"a\",\"from\":5,\"to\":6}", T0, NULL), 22);
    json_t *old = s_req ("{\"key\":\"c\",\"value\":0,\"version\":[5,0,\"n2\"]}");
    assert_int_equal (store_merge (store, old, T0, NULL), STORE_MERGE_ADDED);
    assert_int_equal (store_merge (store, old, T0, NULL), STORE_MERGE_SAME);
    json_decref (old);
    delta = store_delta (store, FL_LWW_GOSSIP_ENTRIES_MAX);
    assert_int_equal (json_array_size (delta), 1);
    assert_int_equal (json_array_size (json_array_get (delta, 0)), 1);
    json_decref (delta);
    //  Many changes: chunks of at most max entries, all of them once.
    for (int k = 0; k < 300; k++) {
        char text [80];
        snprintf (text, sizeof text, "{\"type\":\"write\",\"key\":%d,\"value\":%d}", k, k);
        assert_int_equal (s_ask (store, text, T0, NULL), -1);
    }
    delta = store_delta (store, FL_LWW_GOSSIP_ENTRIES_MAX);
    size_t total = 0, i;
    json_array_foreach (delta, i, chunk) {
        assert_true (json_array_size (chunk) >= 1
                     && json_array_size (chunk) <= FL_LWW_GOSSIP_ENTRIES_MAX);
        total += json_array_size (chunk);
    }
    assert_int_equal (total, 300);
    assert_int_equal (json_array_size (delta), (300 + FL_LWW_GOSSIP_ENTRIES_MAX - 1)
                                               / FL_LWW_GOSSIP_ENTRIES_MAX);
    json_decref (delta);
    //  The snapshot is everything, whatever went out.
    json_t *all = s_entries (store);
    assert_int_equal (json_array_size (all), 303);
    json_decref (all);
    store_destroy (&store);
}

static void
test_limits_and_bad_entries (void **state)
{
    (void) state;
    store_t *store = store_new ("n1");
    char big [FL_LWW_ENTRY_BYTES_MAX + 64];
    snprintf (big, sizeof big, "{\"type\":\"write\",\"key\":1,\"value\":\"%0*d\"}",
              FL_LWW_ENTRY_BYTES_MAX, 0);
    assert_int_equal (s_ask (store, big, T0, NULL), 12);
    assert_int_equal (store_size (store), 0);
    const char *bad [] = {
        "[1]", "{\"key\":1}", "{\"key\":1,\"value\":1}",
        "{\"key\":1,\"value\":1,\"version\":[1,0]}",
        "{\"key\":1,\"value\":1,\"version\":[-1,0,\"n2\"]}",
        "{\"key\":1,\"value\":1,\"version\":[1,0,\"\"]}",
        "{\"key\":1,\"value\":1,\"version\":[1,0,\"n2\"],\"replaced\":7}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad [0]; i++) {
        json_t *entry = s_req (bad [i]);
        assert_int_equal (store_merge (store, entry, T0, NULL), STORE_MERGE_BAD);
        json_decref (entry);
    }
    assert_true (store_clock (store).wall == 0);        //  bad entries move no clock
    for (int k = 0; k < FL_LWW_KEYS_MAX; k++) {
        char text [80];
        snprintf (text, sizeof text, "{\"type\":\"write\",\"key\":%d,\"value\":0}", k);
        assert_int_equal (s_ask (store, text, T0, NULL), -1);
    }
    assert_int_equal (s_ask (store, "{\"type\":\"write\",\"key\":\"one more\",\"value\":0}", T0, NULL), 14);
    assert_int_equal (s_ask (store, "{\"type\":\"write\",\"key\":0,\"value\":1}", T0, NULL), -1);
    json_t *entry = s_req ("{\"key\":\"new\",\"value\":1,\"version\":[1,0,\"n2\"]}");
    assert_int_equal (store_merge (store, entry, T0, NULL), STORE_MERGE_BAD);
    assert_int_equal (store_refused (store), 1);
    json_decref (entry);
    //  A full replica still fits in snapshot chunks under the bound.
    json_t *chunks = store_snapshot (store, FL_LWW_GOSSIP_ENTRIES_MAX);
    assert_int_equal (json_array_size (chunks), FL_LWW_KEYS_MAX / FL_LWW_GOSSIP_ENTRIES_MAX);
    json_decref (chunks);
    store_destroy (&store);
}

static void
test_version_json (void **state)
{
    (void) state;
    store_version_t version = { { T0, 3 }, "n12" }, back;
    json_t *json = store_version_to_json (version);
    assert_int_equal (store_version_from_json (json, &back), 0);
    assert_true (back.stamp.wall == T0 && back.stamp.logical == 3);
    assert_string_equal (back.node, "n12");
    json_decref (json);
    json = s_req ("[1,2,\"n123456789012345678901234567890123\"]");   //  33 bytes
    assert_int_equal (store_version_from_json (json, &back), -1);
    assert_string_equal (back.node, "n12");
    json_decref (json);
}

int
main (void)
{
    tap_start (30);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_read_write_cas),
        cmocka_unit_test (test_merge_order),
        cmocka_unit_test (test_skew_behind_loses),
        cmocka_unit_test (test_loss_only_ours),
        cmocka_unit_test (test_replica_read_state),
        cmocka_unit_test (test_delta),
        cmocka_unit_test (test_limits_and_bad_entries),
        cmocka_unit_test (test_version_json),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
