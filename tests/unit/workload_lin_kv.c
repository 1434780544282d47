/*  workload_lin_kv.c -- the lin-kv generator: a seed replays the same ops,
    clients draw from independent streams, written values are unique across
    clients, the mix is roughly as documented, and cas starts from what the
    client saw; through the generic workload (workload.h), its requests are
    Maelstrom's and its replies land where Maelstrom's lin-kv client puts
    them, teaching the generator what the key holds.
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
    lin_kv_init (&a, 42, 3, 5, 4, 0);
    lin_kv_init (&b, 42, 3, 5, 4, 0);
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
    lin_kv_init (&a, 42, 1, 5, 4, 0);
    lin_kv_init (&b, 42, 2, 5, 4, 0);
    //  Independent streams agree on (f, key) about 1/3 * 1/4 of the time.
    assert_true (s_same_ops (&a, &b) < 60);
}

static void
test_other_seed_differs (void **state)
{
    (void) state;
    lin_kv_t a, b;
    lin_kv_init (&a, 1, 1, 5, 4, 0);
    lin_kv_init (&b, 2, 1, 5, 4, 0);
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
        lin_kv_init (&gen, 9, c, CLIENTS, 3, 0);
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
    lin_kv_init (&gen, 5, 1, 1, 3, 0);
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

//  workload/values: writes drawn from 0..values-1, each value met many
//  times, the same for one seed.
static void
test_repeated_values (void **state)
{
    (void) state;
    lin_kv_t a, b;
    lin_kv_init (&a, 42, 2, 5, 3, 5);
    lin_kv_init (&b, 42, 2, 5, 3, 5);
    int seen [5] = { 0 };
    for (int i = 0; i < 1000; i++) {
        lin_kv_op_t x = lin_kv_next (&a), y = lin_kv_next (&b);
        assert_int_equal (x.f, y.f);
        assert_int_equal (x.key, y.key);
        assert_int_equal (x.value, y.value);
        if (x.f != LIN_KV_READ) {
            assert_true (x.value >= 0 && x.value < 5);
            seen [x.value]++;
        }
    }
    for (int v = 0; v < 5; v++)
        assert_true (seen [v] > 50);
}

static void
test_cas_from_what_was_seen (void **state)
{
    (void) state;
    lin_kv_t gen;
    lin_kv_init (&gen, 8, 1, 1, 1, 0);
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

//  The request bodies are Maelstrom's lin-kv schema; the ops are what
//  the history records ("key" a string, cas's value [from, to]).
static void
test_requests (void **state)
{
    (void) state;
    lin_kv_op_t cas = { .f = LIN_KV_CAS, .key = 2, .from = 7, .value = 9 };
    json_t *body = lin_kv_request (&cas);
    char *text = json_dumps (body, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal (text, "{\"from\":7,\"key\":2,\"to\":9,\"type\":\"cas\"}");
    free (text);
    json_decref (body);
    lin_kv_op_t write = { .f = LIN_KV_WRITE, .key = 0, .value = 3 };
    body = lin_kv_request (&write);
    text = json_dumps (body, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal (text, "{\"key\":0,\"type\":\"write\",\"value\":3}");
    free (text);
    json_decref (body);
    lin_kv_op_t read = { .f = LIN_KV_READ, .key = 1 };
    body = lin_kv_request (&read);
    text = json_dumps (body, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal (text, "{\"key\":1,\"type\":\"read\"}");
    free (text);
    json_decref (body);
    const lin_kv_op_t *ops [] = { &cas, &write, &read };
    const char *want [] = { "{\"f\":\"cas\",\"key\":\"2\",\"value\":[7,9]}",
                            "{\"f\":\"write\",\"key\":\"0\",\"value\":3}",
                            "{\"f\":\"read\",\"key\":\"1\",\"value\":null}" };
    for (size_t i = 0; i < 3; i++) {
        json_t *op = lin_kv_op_json (ops [i]);
        text = json_dumps (op, JSON_COMPACT | JSON_SORT_KEYS);
        assert_string_equal (text, want [i]);
        free (text);
        json_decref (op);
    }
    //  Through the workload: the same body, with the client's msg_id.
    const workload_t *w = workload_lookup ("lin-kv");
    workload_ctx_t ctx = { .seed = 3, .client = 1, .clients = 1, .nodes = 3, .keys = 3 };
    void *gen = workload_gen_new (w, &ctx);
    json_t *op = workload_next (w, gen);
    body = workload_request (w, gen, op, 41);
    assert_int_equal (json_integer_value (json_object_get (body, "msg_id")), 41);
    assert_string_equal (json_string_value (json_object_get (body, "type")),
                         json_string_value (json_object_get (op, "f")));
    assert_int_equal (json_integer_value (json_object_get (body, "key")),
                      atoi (json_string_value (json_object_get (op, "key"))));
    json_decref (body);
    json_decref (op);
    workload_gen_destroy (w, &gen);
}

//  The generic workload around the generator: one client over one key.
typedef struct {
    const workload_t *w;
    void *gen;
    json_t *op;                 //  the op in flight
} s_kv_t;

static void
s_kv_new (s_kv_t *kv)
{
    kv->w = workload_lookup ("lin-kv");
    assert_non_null (kv->w);
    workload_ctx_t ctx = { .seed = 1, .client = 1, .clients = 1, .nodes = 3, .keys = 1 };
    kv->gen = workload_gen_new (kv->w, &ctx);
    kv->op = NULL;
}

static void
s_kv_destroy (s_kv_t *kv)
{
    json_decref (kv->op);
    workload_gen_destroy (kv->w, &kv->gen);
}

//  Draw N ops, answering none: how many were cas.
static int
s_kv_cas_in (s_kv_t *kv, int n)
{
    int cas = 0;
    for (int i = 0; i < n; i++) {
        json_decref (kv->op);
        kv->op = workload_next (kv->w, kv->gen);
        cas += strcmp (json_string_value (json_object_get (kv->op, "f")), "cas") == 0;
    }
    return cas;
}

//  Draw until an op of f is in flight. Ops drawn on the way are left
//  unanswered (a generator learns only from answers).
static void
s_kv_draw (s_kv_t *kv, const char *f)
{
    for (int i = 0; i < 1000; i++) {
        json_decref (kv->op);
        kv->op = workload_next (kv->w, kv->gen);
        const char *drawn = json_string_value (json_object_get (kv->op, "f"));
        if (strcmp (drawn, f) == 0)
            return;
    }
    fail_msg ("no %s in 1000 ops", f);
}

static workload_outcome_t
s_kv_reply (s_kv_t *kv, const char *body_text)
{
    json_t *body = json_loads (body_text, 0, NULL);
    assert_non_null (body);
    workload_outcome_t outcome = workload_reply (kv->w, kv->gen, kv->op, body);
    json_decref (body);
    return outcome;
}

//  The next cas's from: draws (answering nothing) until a cas comes.
static int64_t
s_kv_next_from (s_kv_t *kv)
{
    s_kv_draw (kv, "cas");
    return json_integer_value (json_array_get (json_object_get (kv->op, "value"), 0));
}

//  Every kind of reply lands where Maelstrom's lin-kv client puts it, and
//  the generator learns what the key holds from it.
static void
test_replies (void **state)
{
    (void) state;
    s_kv_t kv;
    s_kv_new (&kv);
    //  A read ok: its value, and cas starts from it.
    s_kv_draw (&kv, "read");
    workload_outcome_t r = s_kv_reply (&kv, "{\"type\":\"read_ok\",\"in_reply_to\":1,\"value\":4}");
    assert_int_equal (r.result, WORKLOAD_OK);
    assert_int_equal (json_integer_value (r.value), 4);
    json_decref (r.value);
    assert_int_equal (s_kv_next_from (&kv), 4);
    //  A read of null is ok with null.
    s_kv_draw (&kv, "read");
    r = s_kv_reply (&kv, "{\"type\":\"read_ok\",\"value\":null}");
    assert_int_equal (r.result, WORKLOAD_OK);
    assert_true (json_is_null (r.value));
    json_decref (r.value);
    //  A write ok records what it wrote; cas starts from it.
    s_kv_draw (&kv, "write");
    json_int_t written = json_integer_value (json_object_get (kv.op, "value"));
    r = s_kv_reply (&kv, "{\"type\":\"write_ok\",\"in_reply_to\":1}");
    assert_int_equal (r.result, WORKLOAD_OK);
    assert_true (!r.value || json_integer_value (r.value) == written);
    json_decref (r.value);
    assert_int_equal (s_kv_next_from (&kv), written);
    //  Error 20 on a read: a key never written reads nil; no cas follows
    //  until a write is acknowledged.
    s_kv_draw (&kv, "read");
    r = s_kv_reply (&kv, "{\"type\":\"error\",\"in_reply_to\":1,\"code\":20}");
    assert_int_equal (r.result, WORKLOAD_OK);
    assert_true (json_is_null (r.value));
    json_decref (r.value);
    assert_int_equal (s_kv_cas_in (&kv, 200), 0);
    s_kv_draw (&kv, "write");
    r = s_kv_reply (&kv, "{\"type\":\"write_ok\"}");
    json_decref (r.value);
    //  Error 22 on a cas: fail, definite; the client forgets the key.
    assert_true (s_kv_cas_in (&kv, 200) > 0);
    s_kv_draw (&kv, "cas");
    r = s_kv_reply (&kv, "{\"type\":\"error\",\"code\":22,\"text\":\"expected 3, had 5\"}");
    assert_int_equal (r.result, WORKLOAD_FAIL);
    assert_int_equal (r.code, 22);
    assert_null (r.value);
    assert_int_equal (s_kv_cas_in (&kv, 200), 0);
    s_kv_draw (&kv, "write");
    //  Definite and indefinite codes on a write, no code at all.
    r = s_kv_reply (&kv, "{\"type\":\"error\",\"code\":11}");
    assert_int_equal (r.result, WORKLOAD_FAIL);
    assert_int_equal (r.code, 11);
    int indefinite [] = { 0, 13, 1000, 99 };
    for (size_t i = 0; i < sizeof indefinite / sizeof indefinite [0]; i++) {
        char text [64];
        snprintf (text, sizeof text, "{\"type\":\"error\",\"code\":%d}", indefinite [i]);
        r = s_kv_reply (&kv, text);
        assert_int_equal (r.result, WORKLOAD_INFO);
        assert_int_equal (r.code, indefinite [i]);
        assert_string_equal (r.why, "");
    }
    r = s_kv_reply (&kv, "{\"type\":\"error\",\"code\":\"x\"}");
    assert_int_equal (r.result, WORKLOAD_INFO);
    assert_non_null (strstr (r.why, "without a valid integer code"));
    //  Another op's answer, or a write_ok with something extra.
    r = s_kv_reply (&kv, "{\"type\":\"cas_ok\"}");
    assert_int_equal (r.result, WORKLOAD_INFO);
    assert_string_equal (r.why, "unexpected reply type 'cas_ok' to write (expected write_ok)");
    r = s_kv_reply (&kv, "{\"type\":\"write_ok\",\"value\":3}");
    assert_int_equal (r.result, WORKLOAD_INFO);
    assert_string_equal (r.why, "malformed RPC response: write_ok has an unexpected key 'value'");
    //  A read_ok without its value is not a read of nil.
    s_kv_draw (&kv, "read");
    r = s_kv_reply (&kv, "{\"type\":\"read_ok\"}");
    assert_int_equal (r.result, WORKLOAD_INFO);
    assert_string_equal (r.why, "malformed RPC response: read_ok has no 'value'");
    //  Timeouts: a read did nothing (fail, code 0), a write may have.
    r = workload_timeout (kv.w, kv.gen, kv.op);
    assert_int_equal (r.result, WORKLOAD_FAIL);
    assert_int_equal (r.code, 0);
    s_kv_draw (&kv, "write");
    r = workload_timeout (kv.w, kv.gen, kv.op);
    assert_int_equal (r.result, WORKLOAD_INFO);
    assert_int_equal (r.code, -1);
    s_kv_destroy (&kv);
}

//  The registry: lin-kv is there with its model and check; nothing else
//  by accident.
static void
test_registry (void **state)
{
    (void) state;
    const workload_t *w = workload_lookup ("lin-kv");
    assert_non_null (w);
    assert_string_equal (w->model, "kv");
    assert_string_equal (w->check, "linearizable");
    assert_true (workload_idempotent (w, "read"));
    assert_false (workload_idempotent (w, "write"));
    assert_false (workload_idempotent (w, "cas"));
    assert_false (w->final_reads);
    assert_null (workload_lookup ("lin_kv"));
    assert_null (workload_lookup (NULL));
    bool listed = false;
    for (size_t i = 0; i < workload_count (); i++)
        listed |= workload_at (i) == w;
    assert_true (listed);
    assert_null (workload_at (workload_count ()));
    char names [256];
    assert_non_null (strstr (workload_names (names, sizeof names), "lin-kv"));
    assert_non_null (strstr (names, ", "));
    size_t full = strlen (names);
    assert_int_equal (strlen (workload_names (names, 4)), 3);    //  cut, never overrun
    assert_true (full > 3);
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
        cmocka_unit_test (test_repeated_values),
        cmocka_unit_test (test_requests),
        cmocka_unit_test (test_replies),
        cmocka_unit_test (test_registry),
    };
    return cmocka_run_group_tests_name ("workload_lin_kv", tests, NULL, NULL);
}
