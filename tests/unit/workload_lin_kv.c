/*  workload_lin_kv.c -- the lin-kv generator: a seed replays the same ops,
    clients draw from independent streams, written values are unique across
    clients, the mix is roughly as documented, and cas starts from what the
    client saw.
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
#include "../../workload/lin_kv.h"
#include "../../workload/workload.h"

static void
test_same_seed_same_ops (void **state)
{
    (void) state;
    lin_kv_t a, b;
    lin_kv_init (&a, 42, 3, 5, 4);
    lin_kv_init (&b, 42, 3, 5, 4);
    for (int i = 0; i < 1000; i++) {
        lin_kv_op_t x = lin_kv_next (&a), y = lin_kv_next (&b);
        assert_int_equal (x.f, y.f);
        assert_int_equal (x.key, y.key);
        assert_int_equal (x.value, y.value);
        assert_int_equal (x.from, y.from);
        if (x.f != LIN_KV_READ) {          // both see their own writes alike
            lin_kv_observe (&a, x.key, true, x.value);
            lin_kv_observe (&b, y.key, true, y.value);
        }
    }
}

//  Of the first 200 ops of a and b, how many agree on (f, key).
static int
s_same_ops (lin_kv_t *a, lin_kv_t *b)
{
    int same = 0;
    for (int i = 0; i < 200; i++) {
        lin_kv_op_t x = lin_kv_next (a), y = lin_kv_next (b);
        same += x.f == y.f && x.key == y.key;
    }
    return same;
}

static void
test_clients_differ (void **state)
{
    (void) state;
    lin_kv_t a, b;
    lin_kv_init (&a, 42, 1, 5, 4);
    lin_kv_init (&b, 42, 2, 5, 4);
    //  Independent streams agree on (f, key) about 1/3 * 1/4 of the time.
    assert_true (s_same_ops (&a, &b) < 60);
}

static void
test_other_seed_differs (void **state)
{
    (void) state;
    lin_kv_t a, b;
    lin_kv_init (&a, 1, 1, 5, 4);
    lin_kv_init (&b, 2, 1, 5, 4);
    assert_true (s_same_ops (&a, &b) < 60);
}

static void
test_values_unique_across_clients (void **state)
{
    (void) state;
    enum { CLIENTS = 7, OPS = 500 };
    static int64_t seen [CLIENTS * OPS];
    size_t count = 0;
    for (int c = 1; c <= CLIENTS; c++) {
        lin_kv_t gen;
        lin_kv_init (&gen, 9, c, CLIENTS, 3);
        for (int i = 0; i < OPS; i++) {
            lin_kv_op_t op = lin_kv_next (&gen);
            if (op.f == LIN_KV_READ)
                continue;
            assert_true (op.value > 0);
            for (size_t j = 0; j < count; j++)
                assert_true (seen [j] != op.value);
            seen [count++] = op.value;
            lin_kv_observe (&gen, op.key, true, op.value);
        }
    }
    assert_true (count > CLIENTS * OPS / 3);
}

static void
test_mix_and_keys (void **state)
{
    (void) state;
    lin_kv_t gen;
    lin_kv_init (&gen, 5, 1, 1, 3);
    int count [3] = { 0 }, keys [3] = { 0 };
    for (int i = 0; i < 10000; i++) {
        lin_kv_op_t op = lin_kv_next (&gen);
        assert_true (op.key >= 0 && op.key < 3);
        count [op.f]++;
        keys [op.key]++;
        if (op.f != LIN_KV_READ)
            lin_kv_observe (&gen, op.key, true, op.value);
    }
    //  50 / 30 / 20 percent; fixed seed, wide margins.
    assert_true (count [LIN_KV_READ] > 4500 && count [LIN_KV_READ] < 5500);
    assert_true (count [LIN_KV_WRITE] > 2500 && count [LIN_KV_WRITE] < 3500);
    assert_true (count [LIN_KV_CAS] > 1500 && count [LIN_KV_CAS] < 2500);
    for (int k = 0; k < 3; k++)
        assert_true (keys [k] > 3000);
}

static void
test_cas_from_what_was_seen (void **state)
{
    (void) state;
    lin_kv_t gen;
    lin_kv_init (&gen, 8, 1, 1, 1);
    //  Nothing known: no cas, only reads and writes.
    for (int i = 0; i < 100; i++)
        assert_int_not_equal (lin_kv_next (&gen).f, LIN_KV_CAS);
    lin_kv_observe (&gen, 0, true, 12345);
    int cas = 0;
    for (int i = 0; i < 100; i++) {
        lin_kv_op_t op = lin_kv_next (&gen);
        if (op.f == LIN_KV_CAS) {
            assert_int_equal (op.from, 12345);
            cas++;
        }
    }
    assert_true (cas > 0);
    assert_string_equal (lin_kv_f_name (LIN_KV_CAS), "cas");
}

//  The request bodies are Maelstrom's lin-kv schema.
static void
test_requests (void **state)
{
    (void) state;
    lin_kv_op_t cas = { .f = LIN_KV_CAS, .key = 2, .from = 7, .value = 9 };
    json_t *body = lin_kv_request (&cas, 41);
    char *text = json_dumps (body, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal (text, "{\"from\":7,\"key\":2,\"msg_id\":41,\"to\":9,\"type\":\"cas\"}");
    free (text);
    json_decref (body);
    lin_kv_op_t write = { .f = LIN_KV_WRITE, .key = 0, .value = 3 };
    body = lin_kv_request (&write, 1);
    text = json_dumps (body, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal (text, "{\"key\":0,\"msg_id\":1,\"type\":\"write\",\"value\":3}");
    free (text);
    json_decref (body);
}

static lin_kv_reply_t
s_reply (lin_kv_t *gen, lin_kv_f_t f, const char *body_text)
{
    lin_kv_op_t op = { .f = f, .key = 0, .from = 1, .value = 5 };
    json_t *body = json_loads (body_text, 0, NULL);
    assert_non_null (body);
    lin_kv_reply_t reply = lin_kv_reply (gen, &op, body);
    json_decref (body);
    return reply;
}

//  Every kind of reply lands where the client's rules (client.h) say.
static void
test_replies (void **state)
{
    (void) state;
    lin_kv_t gen;
    lin_kv_init (&gen, 1, 1, 1, 1);
    lin_kv_reply_t r = s_reply (&gen, LIN_KV_READ, "{\"type\":\"read_ok\",\"value\":4}");
    assert_int_equal (r.result, LIN_KV_REPLY_OK);
    assert_true (r.has_value);
    assert_int_equal (r.value, 4);
    assert_true (gen.known [0] && gen.last [0] == 4);
    r = s_reply (&gen, LIN_KV_READ, "{\"type\":\"read_ok\",\"value\":null}");
    assert_int_equal (r.result, LIN_KV_REPLY_OK);
    assert_false (r.has_value);
    r = s_reply (&gen, LIN_KV_WRITE, "{\"type\":\"write_ok\"}");
    assert_int_equal (r.result, LIN_KV_REPLY_OK);
    assert_int_equal (r.value, 5);
    r = s_reply (&gen, LIN_KV_READ, "{\"type\":\"error\",\"code\":20}");
    assert_int_equal (r.result, LIN_KV_REPLY_OK);        // a key never written reads nil
    assert_false (r.has_value);
    assert_false (gen.known [0]);
    r = s_reply (&gen, LIN_KV_CAS, "{\"type\":\"error\",\"code\":22}");
    assert_int_equal (r.result, LIN_KV_REPLY_FAIL);
    assert_int_equal (r.code, 22);
    r = s_reply (&gen, LIN_KV_WRITE, "{\"type\":\"error\",\"code\":11}");
    assert_int_equal (r.result, LIN_KV_REPLY_FAIL);
    int indefinite [] = { 0, 13, 1000, 99 };
    for (size_t i = 0; i < sizeof indefinite / sizeof indefinite [0]; i++) {
        char text [64];
        snprintf (text, sizeof text, "{\"type\":\"error\",\"code\":%d}", indefinite [i]);
        r = s_reply (&gen, LIN_KV_WRITE, text);
        assert_int_equal (r.result, LIN_KV_REPLY_INFO);
        assert_int_equal (r.code, indefinite [i]);
        assert_string_equal (r.why, "");
    }
    r = s_reply (&gen, LIN_KV_WRITE, "{\"type\":\"error\",\"code\":\"x\"}");
    assert_int_equal (r.result, LIN_KV_REPLY_INFO);
    assert_non_null (strstr (r.why, "without an integer code"));
    r = s_reply (&gen, LIN_KV_WRITE, "{\"type\":\"cas_ok\"}");     // not this op's answer
    assert_int_equal (r.result, LIN_KV_REPLY_INFO);
    assert_non_null (strstr (r.why, "unexpected reply type 'cas_ok'"));
}

//  The registry: lin-kv is there with its model; nothing else by accident.
static void
test_registry (void **state)
{
    (void) state;
    const workload_t *w = workload_lookup ("lin-kv");
    assert_non_null (w);
    assert_string_equal (w->model, "kv");
    assert_null (workload_lookup ("lin_kv"));
    assert_null (workload_lookup (NULL));
    assert_true (workload_count () >= 1);
    assert_ptr_equal (workload_at (0), w);
    assert_null (workload_at (workload_count ()));
    char names [64];
    assert_non_null (strstr (workload_names (names, sizeof names), "lin-kv"));
    assert_string_equal (workload_names (names, 4), "lin");    //  cut, never overrun
    assert_true (workload_error_definite (22));
    assert_false (workload_error_definite (13));
}

int
main (void)
{
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_same_seed_same_ops),
        cmocka_unit_test (test_clients_differ),
        cmocka_unit_test (test_other_seed_differs),
        cmocka_unit_test (test_values_unique_across_clients),
        cmocka_unit_test (test_mix_and_keys),
        cmocka_unit_test (test_cas_from_what_was_seen),
        cmocka_unit_test (test_requests),
        cmocka_unit_test (test_replies),
        cmocka_unit_test (test_registry),
    };
    return cmocka_run_group_tests_name ("workload_lin_kv", tests, NULL, NULL);
}
