/*  workload_txn.c -- the txn-list-append and txn-rw-register workloads: a
    seed replays the same txns, bodies are Maelstrom's, txns are 1..4 ops
    of reads and writes 50/50 on 10 exponentially skewed key slots, a key
    is replaced after 16 writes, values are unique per key across
    clients, and a txn_ok that is not the request with reads filled in is
    info with the reason.
*/
#include <string.h>
#include "tap.h"
#include "../../workload/workload.h"

static const workload_t *s_append, *s_rw;

static void *
s_gen (const workload_t *w, uint64_t seed, int client, int clients)
{
    workload_ctx_t ctx = { .seed = seed, .client = client, .clients = clients, .nodes = 3,
                           .keys = 3 };
    return workload_gen_new (w, &ctx);
}

static char *
s_text (const json_t *json)
{
    char *text = json_dumps (json, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    assert_non_null (text);
    return text;
}

static void
s_assert_json (const json_t *json, const char *expected)
{
    char *text = s_text (json);
    if (strcmp (text, expected) != 0)
        fprintf (stderr, "# got %s\n# expected %s\n", text, expected);
    assert_string_equal (text, expected);
    free (text);
}

static workload_outcome_t
s_reply (const workload_t *w, const char *op_text, const char *reply)
{
    json_t *op = json_loads (op_text, 0, NULL), *body = json_loads (reply, 0, NULL);
    assert_non_null (op);
    assert_non_null (body);
    void *gen = s_gen (w, 1, 1, 1);
    workload_outcome_t outcome = workload_reply (w, gen, op, body);
    workload_gen_destroy (w, &gen);
    json_decref (op);
    json_decref (body);
    return outcome;
}

static void
test_registry (void **state)
{
    (void) state;
    const workload_t *ws [] = { s_append, s_rw };
    for (int i = 0; i < 2; i++) {
        assert_non_null (ws [i]);
        assert_string_equal (ws [i]->check, "elle");
        assert_string_equal (ws [i]->model, i? "rw-register": "list-append");
        assert_false (ws [i]->final_reads);
        assert_false (workload_idempotent (ws [i], "txn"));
        assert_string_equal (workload_rpc (ws [i], "txn")->reply, "txn_ok");
        void *gen = s_gen (ws [i], 1, 1, 1);
        assert_null (workload_final (ws [i], gen, 0));       // no final phase
        workload_gen_destroy (ws [i], &gen);
    }
    assert_string_equal (s_append->name, "txn-list-append");
    assert_string_equal (s_rw->name, "txn-rw-register");
}

//  The same seed and client give the same txns; another client or seed
//  others. Bodies are {"type":"txn","txn":[...]} with reads null.
static void
test_same_seed_same_ops (void **state)
{
    (void) state;
    void *a = s_gen (s_append, 9, 2, 3), *b = s_gen (s_append, 9, 2, 3);
    void *c = s_gen (s_append, 9, 3, 3), *d = s_gen (s_append, 10, 2, 3);
    int same_c = 0, same_d = 0;
    for (int i = 0; i < 1000; i++) {
        json_t *x = workload_next (s_append, a), *y = workload_next (s_append, b);
        json_t *z = workload_next (s_append, c), *w = workload_next (s_append, d);
        assert_true (json_equal (x, y));
        same_c += json_equal (x, z);
        same_d += json_equal (x, w);
        json_t *body = workload_request (s_append, a, x, i + 1);
        json_t *expected = json_pack ("{s:s, s:O, s:i}", "type", "txn", "txn",
                                      json_object_get (x, "value"), "msg_id", i + 1);
        assert_true (json_equal (body, expected));
        json_decref (body);
        json_decref (expected);
        json_decref (x); json_decref (y); json_decref (z); json_decref (w);
    }
    assert_true (same_c < 200);
    assert_true (same_d < 200);
    workload_gen_destroy (s_append, &a);
    workload_gen_destroy (s_append, &b);
    workload_gen_destroy (s_append, &c);
    workload_gen_destroy (s_append, &d);
    json_t *op = json_loads ("{\"f\":\"txn\",\"value\":[[\"r\",1,null],[\"append\",1,3]]}", 0, NULL);
    void *gen = s_gen (s_append, 1, 1, 1);
    json_t *body = workload_request (s_append, gen, op, 5);
    s_assert_json (body, "{\"msg_id\":5,\"txn\":[[\"r\",1,null],[\"append\",1,3]],\"type\":\"txn\"}");
    json_decref (body);
    json_decref (op);
    workload_gen_destroy (s_append, &gen);
}

//  Lengths 1..4 uniform, reads and writes 50/50, and the shapes: ["r",
//  k, null] and [append or w, k, v] with integer k and v.
static void
test_shapes_and_mix (void **state)
{
    (void) state;
    const workload_t *ws [] = { s_append, s_rw };
    const char *write_f [] = { "append", "w" };
    for (int t = 0; t < 2; t++) {
        void *gen = s_gen (ws [t], 3, 1, 1);
        int lengths [5] = { 0 }, reads = 0, writes = 0;
        for (int i = 0; i < 4000; i++) {
            json_t *op = workload_next (ws [t], gen);
            assert_string_equal (json_string_value (json_object_get (op, "f")), "txn");
            json_t *txn = json_object_get (op, "value");
            size_t n = json_array_size (txn);
            assert_true (n >= 1 && n <= 4);
            lengths [n]++;
            size_t k;
            json_t *mop;
            json_array_foreach (txn, k, mop) {
                assert_int_equal (json_array_size (mop), 3);
                const char *f = json_string_value (json_array_get (mop, 0));
                assert_true (json_is_integer (json_array_get (mop, 1)));
                if (strcmp (f, "r") == 0) {
                    assert_true (json_is_null (json_array_get (mop, 2)));
                    reads++;
                }
                else {
                    assert_string_equal (f, write_f [t]);
                    assert_true (json_is_integer (json_array_get (mop, 2)));
                    writes++;
                }
            }
            json_decref (op);
        }
        for (int n = 1; n <= 4; n++)
            assert_true (lengths [n] > 850 && lengths [n] < 1150);
        double share = (double) reads / (reads + writes);
        assert_true (share > 0.47 && share < 0.53);
        workload_gen_destroy (ws [t], &gen);
    }
}

//  Replays a client's writes the way the generator keeps its slots: keys
//  0..9 start in slots 0..9, and a key's 16th write hands its slot to the
//  next fresh key (10, 11, ...). Counts reads and writes per slot, and
//  checks each key gets at most 16 writes, values 1..16 in order, and is
//  never used after its 16th.
static void
test_skew_and_replacement (void **state)
{
    (void) state;
    enum { KEYS_MAX = 4000 };
    static int writes [KEYS_MAX];
    static int slot_of [KEYS_MAX];
    static bool retired [KEYS_MAX];
    memset (writes, 0, sizeof writes);
    memset (retired, 0, sizeof retired);
    for (int k = 0; k < KEYS_MAX; k++)
        slot_of [k] = k < 10? k: -1;
    int64_t fresh = 10;
    int per_slot [10] = { 0 }, total = 0;
    void *gen = s_gen (s_rw, 17, 1, 1);
    for (int i = 0; i < 3000; i++) {
        json_t *op = workload_next (s_rw, gen);
        size_t m;
        json_t *mop;
        json_array_foreach (json_object_get (op, "value"), m, mop) {
            json_int_t key = json_integer_value (json_array_get (mop, 1));
            assert_true (key >= 0 && key < fresh && key < KEYS_MAX);
            assert_false (retired [key]);
            int slot = slot_of [key];
            assert_true (slot >= 0 && slot < 10);
            per_slot [slot]++;
            total++;
            if (json_is_null (json_array_get (mop, 2)))
                continue;
            writes [key]++;
            assert_int_equal (json_integer_value (json_array_get (mop, 2)), writes [key]);
            if (writes [key] == 16) {
                retired [key] = true;
                slot_of [fresh++] = slot;
            }
        }
        json_decref (op);
    }
    assert_true (fresh > 100);                  // replacement happened, many times
    //  Slot i has weight 2^(9-i) / 1023: 0.500, 0.250, 0.125, ...
    for (int s = 0; s < 4; s++) {
        double share = (double) per_slot [s] / total, expected = (double) (512 >> s) / 1023;
        assert_true (share > expected * 0.9 && share < expected * 1.1);
    }
    assert_true (per_slot [9] < total / 200);
    workload_gen_destroy (s_rw, &gen);
}

//  Client c of n writes c, c+n, c+2n, ... to each key: no value twice on
//  a key across clients.
static void
test_values_unique_per_key (void **state)
{
    (void) state;
    enum { CLIENTS = 5 };
    json_t *seen = json_object ();
    int count = 0;
    for (int c = 1; c <= CLIENTS; c++) {
        void *gen = s_gen (s_append, 4, c, CLIENTS);
        for (int i = 0; i < 500; i++) {
            json_t *op = workload_next (s_append, gen);
            size_t m;
            json_t *mop;
            json_array_foreach (json_object_get (op, "value"), m, mop) {
                json_t *value = json_array_get (mop, 2);
                if (json_is_null (value))
                    continue;
                assert_int_equal ((json_integer_value (value) - c) % CLIENTS, 0);
                char name [64];
                snprintf (name, sizeof name, "%lld/%lld",
                          (long long) json_integer_value (json_array_get (mop, 1)),
                          (long long) json_integer_value (value));
                assert_null (json_object_get (seen, name));
                json_object_set_new (seen, name, json_true ());
                count++;
            }
            json_decref (op);
        }
        workload_gen_destroy (s_append, &gen);
    }
    assert_true (count > CLIENTS * 500);
    json_decref (seen);
}

static void
s_assert_mismatch (const workload_t *w, const char *op, const char *reply, const char *reason)
{
    workload_outcome_t outcome = s_reply (w, op, reply);
    assert_int_equal (outcome.result, WORKLOAD_INFO);
    assert_null (outcome.value);
    if (!strstr (outcome.why, reason))
        fprintf (stderr, "# why: %s\n", outcome.why);
    assert_non_null (strstr (outcome.why, reason));
}

//  Ok: the returned txn is the ok value. Anything but the request with
//  reads filled in is info with the reason.
static void
test_replies (void **state)
{
    (void) state;
    const char *op = "{\"f\":\"txn\",\"value\":[[\"r\",1,null],[\"append\",1,3]]}";
    workload_outcome_t outcome = s_reply (s_append, op,
        "{\"type\":\"txn_ok\",\"txn\":[[\"r\",1,[1,2]],[\"append\",1,3]],\"in_reply_to\":2}");
    assert_int_equal (outcome.result, WORKLOAD_OK);
    s_assert_json (outcome.value, "[[\"r\",1,[1,2]],[\"append\",1,3]]");
    json_decref (outcome.value);
    outcome = s_reply (s_append, op, "{\"type\":\"txn_ok\",\"txn\":[[\"r\",1,null],[\"append\",1,3]]}");
    assert_int_equal (outcome.result, WORKLOAD_OK);
    json_decref (outcome.value);
    const char *rw = "{\"f\":\"txn\",\"value\":[[\"w\",2,5],[\"r\",2,null]]}";
    outcome = s_reply (s_rw, rw, "{\"type\":\"txn_ok\",\"txn\":[[\"w\",2,5],[\"r\",2,5]]}");
    assert_int_equal (outcome.result, WORKLOAD_OK);
    s_assert_json (outcome.value, "[[\"w\",2,5],[\"r\",2,5]]");
    json_decref (outcome.value);
    s_assert_mismatch (s_append, op, "{\"type\":\"txn_ok\",\"txn\":[[\"r\",1,[1]]]}",
                       "malformed RPC response: txn_ok's txn has 1 op, the request had 2");
    s_assert_mismatch (s_append, op,
                       "{\"type\":\"txn_ok\",\"txn\":[[\"r\",1,[]],[\"append\",1,3],[\"r\",1,[3]]]}",
                       "txn has 3 ops, the request had 2");
    s_assert_mismatch (s_append, op, "{\"type\":\"txn_ok\",\"txn\":[[\"r\",1,[]],[\"append\",1,4]]}",
                       "malformed RPC response: txn_ok's txn[1] is [\"append\",1,4], the "
                       "request's was [\"append\",1,3] (only a read's value may change)");
    s_assert_mismatch (s_append, op, "{\"type\":\"txn_ok\",\"txn\":[[\"r\",2,[]],[\"append\",1,3]]}",
                       "txn[0] is [\"r\",2,[]], the request's was [\"r\",1,null]");
    s_assert_mismatch (s_append, op, "{\"type\":\"txn_ok\",\"txn\":[[\"r\",\"1\",[]],[\"append\",1,3]]}",
                       "txn[0] is [\"r\",\"1\",[]]");
    s_assert_mismatch (s_append, op, "{\"type\":\"txn_ok\",\"txn\":[[\"w\",1,null],[\"append\",1,3]]}",
                       "txn[0] is [\"w\",1,null]");
    s_assert_mismatch (s_append, op, "{\"type\":\"txn_ok\",\"txn\":[[\"r\",1],[\"append\",1,3]]}",
                       "malformed RPC response: txn_ok's txn[0] is an array not of 3, "
                       "expected [f, key, value]");
    s_assert_mismatch (s_append, op, "{\"type\":\"txn_ok\",\"txn\":[5,[\"append\",1,3]]}",
                       "txn_ok's txn[0] is an integer, expected [f, key, value]");
    s_assert_mismatch (s_append, op, "{\"type\":\"txn_ok\",\"txn\":{}}",
                       "malformed RPC response: txn_ok's 'txn' is an object, expected an array");
    s_assert_mismatch (s_append, op, "{\"type\":\"txn_ok\"}", "txn_ok has no 'txn'");
    s_assert_mismatch (s_append, op, "{\"type\":\"txn_ok\",\"txn\":[],\"value\":1}",
                       "txn_ok has an unexpected key 'value'");
    s_assert_mismatch (s_rw, rw, "{\"type\":\"txn_ok\",\"txn\":[[\"w\",2,6],[\"r\",2,6]]}",
                       "txn[0] is [\"w\",2,6]");
    //  Errors: 30 (txn-conflict) is definite; nothing is idempotent.
    outcome = s_reply (s_append, op, "{\"type\":\"error\",\"code\":30,\"text\":\"conflict\"}");
    assert_int_equal (outcome.result, WORKLOAD_FAIL);
    assert_int_equal (outcome.code, 30);
    outcome = s_reply (s_append, op, "{\"type\":\"error\",\"code\":13}");
    assert_int_equal (outcome.result, WORKLOAD_INFO);
    json_t *json = json_loads (op, 0, NULL);
    void *gen = s_gen (s_append, 1, 1, 1);
    outcome = workload_timeout (s_append, gen, json);
    assert_int_equal (outcome.result, WORKLOAD_INFO);
    workload_gen_destroy (s_append, &gen);
    json_decref (json);
}

int
main (void)
{
    tap_start (60);
    s_append = workload_lookup ("txn-list-append");
    s_rw = workload_lookup ("txn-rw-register");
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_registry),
        cmocka_unit_test (test_same_seed_same_ops),
        cmocka_unit_test (test_shapes_and_mix),
        cmocka_unit_test (test_skew_and_replacement),
        cmocka_unit_test (test_values_unique_per_key),
        cmocka_unit_test (test_replies),
    };
    return cmocka_run_group_tests_name ("workload_txn", tests, NULL, NULL);
}
