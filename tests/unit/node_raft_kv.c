/*  node_raft_kv.c -- the lin-kv state machine of node-raft
    (nodes/raft/kv.c): reads, writes, cas with its two definite errors,
    keys and values of any JSON type; txns (list-append and rw-register)
    applied whole. Links build/libraft.a.
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
#include "../../nodes/raft/kv.h"

//  Apply the op written as JSON text; return the reply as compact text.
static char *
s_apply (kv_t *kv, const char *op_text)
{
    json_error_t error;
    json_t *op = json_loads (op_text, 0, &error);
    assert_non_null (op);
    json_t *reply = kv_apply (kv, op);
    char *text = json_dumps (reply, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref (reply);
    json_decref (op);
    return text;
}

static void
s_expect (kv_t *kv, const char *op, const char *reply)
{
    char *got = s_apply (kv, op);
    assert_string_equal (got, reply);
    free (got);
}

static void
test_read_write_cas (void **state)
{
    (void) state;
    kv_t *kv = kv_new ();
    s_expect (kv, "{\"f\":\"read\",\"key\":1}",
              "{\"code\":20,\"text\":\"key does not exist\",\"type\":\"error\"}");
    s_expect (kv, "{\"f\":\"cas\",\"key\":1,\"from\":1,\"to\":2}",
              "{\"code\":20,\"text\":\"key does not exist\",\"type\":\"error\"}");
    s_expect (kv, "{\"f\":\"write\",\"key\":1,\"value\":3}", "{\"type\":\"write_ok\"}");
    s_expect (kv, "{\"f\":\"read\",\"key\":1}", "{\"type\":\"read_ok\",\"value\":3}");
    s_expect (kv, "{\"f\":\"cas\",\"key\":1,\"from\":4,\"to\":5}",
              "{\"code\":22,\"text\":\"current value differs from 'from'\",\"type\":\"error\"}");
    s_expect (kv, "{\"f\":\"cas\",\"key\":1,\"from\":3,\"to\":5}", "{\"type\":\"cas_ok\"}");
    s_expect (kv, "{\"f\":\"read\",\"key\":1}", "{\"type\":\"read_ok\",\"value\":5}");
    //  "1" is another key than 1.
    s_expect (kv, "{\"f\":\"read\",\"key\":\"1\"}",
              "{\"code\":20,\"text\":\"key does not exist\",\"type\":\"error\"}");
    assert_int_equal (kv_size (kv), 1);
    kv_destroy (&kv);
    assert_null (kv);
}

static void
test_any_json (void **state)
{
    (void) state;
    kv_t *kv = kv_new ();
    s_expect (kv, "{\"f\":\"write\",\"key\":{\"b\":1,\"a\":[1,2]},\"value\":{\"x\":[null,true]}}",
              "{\"type\":\"write_ok\"}");
    //  Same object key written in another order.
    s_expect (kv, "{\"f\":\"read\",\"key\":{\"a\":[1,2],\"b\":1}}",
              "{\"type\":\"read_ok\",\"value\":{\"x\":[null,true]}}");
    s_expect (kv, "{\"f\":\"cas\",\"key\":{\"a\":[1,2],\"b\":1},\"from\":{\"x\":[null,true]},\"to\":null}",
              "{\"type\":\"cas_ok\"}");
    s_expect (kv, "{\"f\":\"read\",\"key\":{\"a\":[1,2],\"b\":1}}",
              "{\"type\":\"read_ok\",\"value\":null}");
    s_expect (kv, "{\"f\":\"write\",\"key\":null,\"value\":\"s\"}", "{\"type\":\"write_ok\"}");
    s_expect (kv, "{\"f\":\"read\",\"key\":null}", "{\"type\":\"read_ok\",\"value\":\"s\"}");
    kv_destroy (&kv);
}

static void
test_malformed (void **state)
{
    (void) state;
    kv_t *kv = kv_new ();
    char *got = s_apply (kv, "{\"f\":\"write\",\"key\":1}");
    assert_non_null (strstr (got, "\"code\":12"));
    free (got);
    got = s_apply (kv, "{\"f\":\"bogus\",\"key\":1}");
    assert_non_null (strstr (got, "\"code\":12"));
    free (got);
    kv_destroy (&kv);
}

static void
test_op_from_request (void **state)
{
    (void) state;
    json_t *body = json_pack ("{s:s, s:i, s:s, s:i}", "type", "cas", "msg_id", 4,
                              "key", "k", "from", 1);
    assert_null (kv_op_from_request (body, NULL, false));      // no "to"
    json_object_set_new (body, "to", json_integer (2));
    json_t *op = kv_op_from_request (body, "n2/7", true);
    char *text = json_dumps (op, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal (text, "{\"f\":\"cas\",\"from\":1,\"id\":\"n2/7\",\"key\":\"k\",\"retry\":true,\"to\":2}");
    free (text);
    json_decref (op);
    json_decref (body);
    body = json_pack ("{s:s}", "type", "read");
    assert_null (kv_op_from_request (body, NULL, false));      // no key
    json_decref (body);
}

//  A duplicated request id is applied once; the copy answers error 0.
//  After FL_RAFT_DEDUP_IDS newer ids the oldest is forgotten.
static void
test_dedup (void **state)
{
    (void) state;
    kv_t *kv = kv_new ();
    s_expect (kv, "{\"f\":\"write\",\"key\":1,\"value\":1,\"id\":\"a\"}",
              "{\"type\":\"write_ok\"}");
    s_expect (kv, "{\"f\":\"write\",\"key\":1,\"value\":2,\"id\":\"b\"}",
              "{\"type\":\"write_ok\"}");
    char *got = s_apply (kv, "{\"f\":\"write\",\"key\":1,\"value\":1,\"id\":\"a\"}");
    assert_non_null (strstr (got, "\"code\":0"));
    free (got);
    s_expect (kv, "{\"f\":\"read\",\"key\":1}", "{\"type\":\"read_ok\",\"value\":2}");
    for (int i = 0; i < FL_RAFT_DEDUP_IDS; i++) {
        char op [128];
        snprintf (op, sizeof op, "{\"f\":\"read\",\"key\":1,\"id\":\"r%d\"}", i);
        free (s_apply (kv, op));
    }
    s_expect (kv, "{\"f\":\"write\",\"key\":1,\"value\":3,\"id\":\"a\"}",
              "{\"type\":\"write_ok\"}");
    kv_destroy (&kv);
}

//  A retried op runs once; every retry gets the first execution's reply,
//  even after the value changed.
static void
test_retry_gets_first_reply (void **state)
{
    (void) state;
    kv_t *kv = kv_new ();
    s_expect (kv, "{\"f\":\"write\",\"key\":1,\"value\":1}", "{\"type\":\"write_ok\"}");
    const char *cas = "{\"f\":\"cas\",\"key\":1,\"from\":1,\"to\":2,\"id\":\"n2.9/1\",\"retry\":true}";
    s_expect (kv, cas, "{\"type\":\"cas_ok\"}");
    s_expect (kv, "{\"f\":\"write\",\"key\":1,\"value\":1}", "{\"type\":\"write_ok\"}");
    s_expect (kv, cas, "{\"type\":\"cas_ok\"}");         // not run again
    s_expect (kv, "{\"f\":\"read\",\"key\":1}", "{\"type\":\"read_ok\",\"value\":1}");
    const char *read = "{\"f\":\"read\",\"key\":1,\"id\":\"n2.9/2\",\"retry\":true}";
    s_expect (kv, read, "{\"type\":\"read_ok\",\"value\":1}");
    s_expect (kv, "{\"f\":\"write\",\"key\":1,\"value\":7}", "{\"type\":\"write_ok\"}");
    s_expect (kv, read, "{\"type\":\"read_ok\",\"value\":1}");   // the first answer
    kv_destroy (&kv);
}

//  replica_read's state: every key held with its value, the key as the
//  client sent it, sorted by its text; reads and failed cas change
//  nothing; an empty store is an empty list.
static void
test_state (void **state)
{
    (void) state;
    kv_t *kv = kv_new ();
    json_t *got = kv_state (kv);
    char *text = json_dumps (got, JSON_COMPACT);
    assert_string_equal (text, "[]");
    free (text);
    json_decref (got);
    s_expect (kv, "{\"f\":\"write\",\"key\":2,\"value\":20}", "{\"type\":\"write_ok\"}");
    s_expect (kv, "{\"f\":\"write\",\"key\":\"user:a\",\"value\":[1]}", "{\"type\":\"write_ok\"}");
    s_expect (kv, "{\"f\":\"write\",\"key\":1,\"value\":10}", "{\"type\":\"write_ok\"}");
    s_expect (kv, "{\"f\":\"cas\",\"key\":1,\"from\":10,\"to\":11}", "{\"type\":\"cas_ok\"}");
    free (s_apply (kv, "{\"f\":\"cas\",\"key\":2,\"from\":9,\"to\":99}"));
    free (s_apply (kv, "{\"f\":\"read\",\"key\":3}"));
    got = kv_state (kv);
    text = json_dumps (got, JSON_COMPACT);
    assert_string_equal (text, "[[\"user:a\",[1]],[1,11],[2,20]]");
    free (text);
    json_decref (got);
    kv_destroy (&kv);
}

//  A txn is one op: reads see the state its earlier micro-ops left, an
//  append creates the list, a refused txn changes nothing.
static void
test_txn (void **state)
{
    (void) state;
    kv_t *kv = kv_new ();
    s_expect (kv, "{\"f\":\"txn\",\"txn\":[[\"r\",1,null],[\"append\",1,3],[\"r\",1,null]]}",
              "{\"txn\":[[\"r\",1,null],[\"append\",1,3],[\"r\",1,[3]]],\"type\":\"txn_ok\"}");
    s_expect (kv, "{\"f\":\"txn\",\"txn\":[[\"append\",1,4],[\"w\",2,7],[\"r\",2,null]]}",
              "{\"txn\":[[\"append\",1,4],[\"w\",2,7],[\"r\",2,7]],\"type\":\"txn_ok\"}");
    //  an append to a register: refused whole, the write before it too
    s_expect (kv, "{\"f\":\"txn\",\"txn\":[[\"w\",1,9],[\"append\",2,1]]}",
              "{\"code\":12,\"text\":\"append to a key that holds no list\",\"type\":\"error\"}");
    s_expect (kv, "{\"f\":\"txn\",\"txn\":[[\"r\",1,null]]}",
              "{\"txn\":[[\"r\",1,[3,4]]],\"type\":\"txn_ok\"}");
    s_expect (kv, "{\"f\":\"txn\",\"txn\":[[\"cas\",1,2]]}",
              "{\"code\":12,\"text\":\"txn needs [[f, key, value], ...]\",\"type\":\"error\"}");
    json_t *body = json_loads ("{\"type\":\"txn\",\"msg_id\":1,\"txn\":[[\"r\",1,null]]}", 0, NULL);
    json_t *op = kv_op_from_request (body, "c1/1", false);
    char *text = json_dumps (op, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal (text, "{\"f\":\"txn\",\"id\":\"c1/1\",\"txn\":[[\"r\",1,null]]}");
    free (text);
    json_decref (op);
    json_decref (body);
    kv_destroy (&kv);
}

int
main (void)
{
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_read_write_cas),
        cmocka_unit_test (test_any_json),
        cmocka_unit_test (test_malformed),
        cmocka_unit_test (test_op_from_request),
        cmocka_unit_test (test_dedup),
        cmocka_unit_test (test_retry_gets_first_reply),
        cmocka_unit_test (test_state),
        cmocka_unit_test (test_txn),
    };
    return cmocka_run_group_tests_name ("node_raft_kv", tests, NULL, NULL);
}
