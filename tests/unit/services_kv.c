/*  services_kv.c -- the services' state machines (services/service.h,
    kv.h, seq_kv.h) without sockets: Maelstrom's KV semantics and errors,
    keys and values by decoded JSON value, the reply's shape, seq-kv's
    stale but per-sender ordered states, lww-kv's replicas that never
    converge, lin-tso's counter, malformed input, and every bound by name.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <unistd.h>
#include "tap.h"
#include <czmq.h>
#include "limits.h"
#include "rng.h"
#include "../../services/service.h"
#include "../../services/kv.h"
#include "../../services/seq_kv.h"

//  The reply of service to body (JSON text) from src; NULL if none.
static json_t *
s_call (service_t *service, const char *src, const char *text)
{
    json_error_t error;
    json_t *body = json_loads (text, 0, &error);
    if (!body)
        fail_msg ("bad test body %s: %s", text, error.text);
    json_t *reply = service_handle (service, src, body);
    json_decref (body);
    return reply;
}

static const char *
s_type (json_t *reply)
{
    return json_string_value (json_object_get (reply, "type"));
}

//  The error code of a reply, or -1 when it is not an error.
static int
s_code (json_t *reply)
{
    return streq (s_type (reply), "error")? (int) json_integer_value (json_object_get (reply, "code")): -1;
}

static const char *
s_text (json_t *reply)
{
    return json_string_value (json_object_get (reply, "text"));
}

//  Expect the reply of a call to be of type (or error code, when type is NULL).
static void
s_expect (service_t *service, const char *src, const char *text, const char *type, int code)
{
    json_t *reply = s_call (service, src, text);
    assert_non_null (reply);
    if (type && !streq (s_type (reply), type))
        fail_msg ("%s: want %s, got %s", text, type, json_dumps (reply, JSON_COMPACT));
    if (!type && s_code (reply) != code)
        fail_msg ("%s: want error %d, got %s", text, code, json_dumps (reply, JSON_COMPACT));
    json_decref (reply);
}

//  The value a read returns, as compact JSON text, or "error N".
static char *
s_read (service_t *service, const char *src, const char *key)
{
    char text [256];
    snprintf (text, sizeof text, "{\"type\":\"read\",\"key\":%s,\"msg_id\":1}", key);
    json_t *reply = s_call (service, src, text);
    assert_non_null (reply);
    char *got = s_code (reply) >= 0? zsys_sprintf ("error %d", s_code (reply))
              : json_dumps (json_object_get (reply, "value"), JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref (reply);
    return got;
}

//  A read of key whose value is an integer; -1 for error 20.
static int64_t
s_read_int (service_t *service, const char *src, const char *key)
{
    char *got = s_read (service, src, key);
    int64_t value = streq (got, "error 20")? -1: atoll (got);
    if (value == 0 && !streq (got, "0"))
        fail_msg ("read of %s: %s", key, got);
    free (got);
    return value;
}

static void
s_write_int (service_t *service, const char *src, const char *key, int64_t value)
{
    char text [256];
    snprintf (text, sizeof text, "{\"type\":\"write\",\"key\":%s,\"value\":%lld,\"msg_id\":1}",
              key, (long long) value);
    s_expect (service, src, text, "write_ok", 0);
}

static void
test_kind_ids (void **state)
{
    (void) state;
    for (int kind = 0; kind < SERVICE_KINDS; kind++) {
        assert_int_equal (service_kind_find (service_kind_id ((service_kind_t) kind)), kind);
        service_t *service = service_new ((service_kind_t) kind, 1);
        assert_string_equal (service_id (service), service_kind_id ((service_kind_t) kind));
        service_destroy (&service);
        assert_null (service);
    }
    assert_string_equal (service_kind_id (SERVICE_LIN_KV), "lin-kv");
    assert_string_equal (service_kind_id (SERVICE_SEQ_KV), "seq-kv");
    assert_string_equal (service_kind_id (SERVICE_LWW_KV), "lww-kv");
    assert_string_equal (service_kind_id (SERVICE_LIN_TSO), "lin-tso");
    assert_int_equal (service_kind_find ("lin-kv-x"), -1);
    assert_int_equal (service_kind_find (""), -1);
    assert_int_equal (service_kind_find (NULL), -1);
    service_destroy (&(service_t *) { NULL });
}

static void
test_lin_kv_semantics (void **state)
{
    (void) state;
    service_t *kv = service_new (SERVICE_LIN_KV, 1);
    json_t *reply = s_call (kv, "n1", "{\"type\":\"read\",\"key\":\"a\",\"msg_id\":1}");
    assert_int_equal (s_code (reply), KV_ERR_KEY_DOES_NOT_EXIST);
    assert_string_equal (s_text (reply), "key does not exist");
    json_decref (reply);
    //  cas on a missing key: 20, unless create_if_not_exists (truthy).
    s_expect (kv, "n1", "{\"type\":\"cas\",\"key\":\"a\",\"from\":1,\"to\":2}", NULL, 20);
    s_expect (kv, "n1", "{\"type\":\"cas\",\"key\":\"a\",\"from\":1,\"to\":2,"
              "\"create_if_not_exists\":false}", NULL, 20);
    s_expect (kv, "n1", "{\"type\":\"cas\",\"key\":\"a\",\"from\":1,\"to\":2,"
              "\"create_if_not_exists\":null}", NULL, 20);
    s_expect (kv, "n1", "{\"type\":\"cas\",\"key\":\"a\",\"from\":1,\"to\":2,"
              "\"create_if_not_exists\":true}", "cas_ok", 0);
    assert_int_equal (s_read_int (kv, "n2", "\"a\""), 2);
    s_expect (kv, "n1", "{\"type\":\"cas\",\"key\":\"b\",\"from\":null,\"to\":[1],"
              "\"create_if_not_exists\":\"yes\"}", "cas_ok", 0);
    char *got = s_read (kv, "n1", "\"b\"");
    assert_string_equal (got, "[1]");
    free (got);
    //  cas mismatch: 22, the text shows the current value; create does
    //  not apply to a key that exists.
    reply = s_call (kv, "n1", "{\"type\":\"cas\",\"key\":\"a\",\"from\":1,\"to\":3,"
                    "\"create_if_not_exists\":true}");
    assert_int_equal (s_code (reply), KV_ERR_PRECONDITION_FAILED);
    assert_string_equal (s_text (reply), "current value 2 is not 1");
    json_decref (reply);
    assert_int_equal (s_read_int (kv, "n1", "\"a\""), 2);
    s_expect (kv, "n1", "{\"type\":\"cas\",\"key\":\"a\",\"from\":2,\"to\":3}", "cas_ok", 0);
    assert_int_equal (s_read_int (kv, "n1", "\"a\""), 3);
    //  write always succeeds and overwrites.
    s_write_int (kv, "n3", "\"a\"", 9);
    assert_int_equal (s_read_int (kv, "n1", "\"a\""), 9);
    //  A value may be null: the key exists and holds null.
    s_expect (kv, "n1", "{\"type\":\"write\",\"key\":\"z\",\"value\":null}", "write_ok", 0);
    got = s_read (kv, "n1", "\"z\"");
    assert_string_equal (got, "null");
    free (got);
    service_destroy (&kv);
}

//  Keys and values compare by decoded JSON value; a missing field is null.
static void
test_decoded_values (void **state)
{
    (void) state;
    service_t *kv = service_new (SERVICE_LIN_KV, 1);
    s_write_int (kv, "n1", "1", 10);
    s_write_int (kv, "n1", "\"1\"", 11);
    s_write_int (kv, "n1", "1.0", 12);
    s_write_int (kv, "n1", "{\"a\":1,\"b\":[2,3]}", 13);
    assert_int_equal (s_read_int (kv, "n1", "1"), 10);
    assert_int_equal (s_read_int (kv, "n1", "\"1\""), 11);
    assert_int_equal (s_read_int (kv, "n1", "1.0"), 12);
    assert_int_equal (s_read_int (kv, "n1", "{\"b\":[2,3],\"a\":1}"), 13);
    assert_int_equal (s_read_int (kv, "n1", "{\"b\":[3,2],\"a\":1}"), -1);
    assert_int_equal (s_read_int (kv, "n1", "[1]"), -1);
    //  No key field: the key null.
    s_expect (kv, "n1", "{\"type\":\"read\"}", NULL, 20);
    s_expect (kv, "n1", "{\"type\":\"write\",\"value\":5}", "write_ok", 0);
    assert_int_equal (s_read_int (kv, "n1", "null"), 5);
    //  Values: 1 is not 1.0, objects compare whatever their key order.
    s_expect (kv, "n1", "{\"type\":\"cas\",\"key\":1,\"from\":10.0,\"to\":0}", NULL, 22);
    s_expect (kv, "n1", "{\"type\":\"write\",\"key\":\"o\",\"value\":{\"x\":[1,{\"y\":null}],\"z\":\"s\"}}",
              "write_ok", 0);
    s_expect (kv, "n1", "{\"type\":\"cas\",\"key\":\"o\",\"from\":{\"z\":\"s\",\"x\":[1,{\"y\":null}]},"
              "\"to\":1}", "cas_ok", 0);
    //  A cas without from expects null.
    s_expect (kv, "n1", "{\"type\":\"write\",\"key\":\"n\",\"value\":null}", "write_ok", 0);
    s_expect (kv, "n1", "{\"type\":\"cas\",\"key\":\"n\",\"to\":4}", "cas_ok", 0);
    assert_int_equal (s_read_int (kv, "n1", "\"n\""), 4);
    service_destroy (&kv);
}

//  service_serve: the reply envelope, sent to the envelope's src.
static void
test_reply_envelope (void **state)
{
    (void) state;
    service_t *kv = service_new (SERVICE_LIN_KV, 1);
    service_out_t out;
    const char *request = "{\"src\":\"c1\",\"dest\":\"lin-kv\",\"id\":4,"
                          "\"body\":{\"type\":\"read\",\"key\":0,\"msg_id\":7}}";
    assert_int_equal (service_serve (kv, "n1", request, strlen (request), &out), 0);
    assert_string_equal (out.dest, "c1");       //  as written, not the frame's n1
    json_t *reply = json_loads (out.reply, 0, NULL);
    assert_non_null (reply);
    assert_int_equal (json_object_size (reply), 3);
    assert_string_equal (json_string_value (json_object_get (reply, "src")), "lin-kv");
    assert_string_equal (json_string_value (json_object_get (reply, "dest")), "c1");
    json_t *body = json_object_get (reply, "body");
    assert_int_equal (json_integer_value (json_object_get (body, "in_reply_to")), 7);
    assert_null (json_object_get (body, "msg_id"));
    assert_int_equal (s_code (body), 20);
    json_decref (reply);
    free (out.reply);
    //  No msg_id: in_reply_to is there, and null.
    request = "{\"src\":\"n2\",\"dest\":\"lin-kv\",\"body\":{\"type\":\"write\",\"key\":0,\"value\":1}}";
    assert_int_equal (service_serve (kv, "n2", request, strlen (request), &out), 0);
    reply = json_loads (out.reply, 0, NULL);
    body = json_object_get (reply, "body");
    assert_non_null (json_object_get (body, "in_reply_to"));
    assert_true (json_is_null (json_object_get (body, "in_reply_to")));
    assert_string_equal (s_type (body), "write_ok");
    assert_int_equal (json_object_size (body), 2);
    json_decref (reply);
    free (out.reply);
    //  A msg_id of another type is echoed as it was.
    reply = s_call (kv, "n2", "{\"type\":\"read\",\"key\":0,\"msg_id\":\"x\"}");
    assert_string_equal (json_string_value (json_object_get (reply, "in_reply_to")), "x");
    json_decref (reply);
    service_destroy (&kv);
}

//  Malformed input and unknown types: no reply, a problem naming the
//  sender and quoting the message; the service goes on.
static void
test_no_reply (void **state)
{
    (void) state;
    service_t *kv = service_new (SERVICE_LIN_KV, 1);
    struct { const char *data; const char *why; } cases [] = {
        { "nope", "not JSON" },
        { "", "not JSON" },
        { "[1]", "not a JSON object" },
        { "{\"src\":\"n1\",\"dest\":\"lin-kv\"}", "no body object" },
        { "{\"src\":\"n1\",\"body\":[1]}", "no body object" },
        { "{\"dest\":\"lin-kv\",\"body\":{\"type\":\"read\",\"msg_id\":1}}", "no src to reply to" },
        { "{\"src\":3,\"body\":{\"type\":\"read\",\"msg_id\":1}}", "no src to reply to" },
        { "{\"src\":\"\",\"body\":{\"type\":\"read\",\"msg_id\":1}}", "no src to reply to" },
        { "{\"src\":\"n1\",\"body\":{\"msg_id\":1}}", "the body has no type" },
        { "{\"src\":\"n1\",\"body\":{\"type\":4,\"msg_id\":1}}", "the body has no type" },
        { "{\"src\":\"n1\",\"body\":{\"type\":\"frobnicate\",\"msg_id\":1}}",
          "unknown type \"frobnicate\" for lin-kv" },
        { "{\"src\":\"n1\",\"body\":{\"type\":\"ts\",\"msg_id\":1}}", "unknown type \"ts\"" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++) {
        service_out_t out;
        const char *data = cases [index].data;
        assert_int_equal (service_serve (kv, "n9", data, strlen (data), &out), -1);
        assert_null (out.reply);
        if (!strstr (out.problem, cases [index].why) || !strstr (out.problem, "no reply to n9: ")
        ||  !strstr (out.problem, data))
            fail_msg ("%s: problem '%s'", data, out.problem);
    }
    //  The whole line, as docs/services.md shows it.
    service_out_t out;
    assert_int_equal (service_serve (kv, "n2", "nope", 4, &out), -1);
    assert_string_equal (out.problem, "no reply to n2: not JSON ('[' or '{' expected near "
                         "'nope' at column 4): nope");
    //  Bytes that are not text are quoted as '?', a NUL does not cut it.
    assert_int_equal (service_serve (kv, "n9", "{\0\x01\xff}", 5, &out), -1);
    assert_non_null (strstr (out.problem, "not JSON"));
    assert_non_null (strstr (out.problem, ": {???}"));
    //  Still serving.
    s_expect (kv, "n1", "{\"type\":\"write\",\"key\":0,\"value\":1}", "write_ok", 0);
    assert_int_equal (s_read_int (kv, "n1", "0"), 1);
    service_destroy (&kv);
}

//  The quoted message stops at FL_SERVICE_LOG_LINE_BYTES_MAX bytes.
static void
test_log_line_bound (void **state)
{
    (void) state;
    char *long_text = (char *) malloc (FL_SERVICE_LOG_LINE_BYTES_MAX * 2);
    memset (long_text, 'x', FL_SERVICE_LOG_LINE_BYTES_MAX * 2);
    char quoted [FL_SERVICE_LOG_LINE_BYTES_MAX + 4];
    service_quote (long_text, FL_SERVICE_LOG_LINE_BYTES_MAX, quoted);
    assert_int_equal (strlen (quoted), FL_SERVICE_LOG_LINE_BYTES_MAX);
    service_quote (long_text, FL_SERVICE_LOG_LINE_BYTES_MAX + 1, quoted);
    assert_int_equal (strlen (quoted), FL_SERVICE_LOG_LINE_BYTES_MAX + 3);
    assert_string_equal (quoted + FL_SERVICE_LOG_LINE_BYTES_MAX, "...");
    service_t *kv = service_new (SERVICE_LIN_KV, 1);
    service_out_t out;
    assert_int_equal (service_serve (kv, "n1", long_text, FL_SERVICE_LOG_LINE_BYTES_MAX * 2,
                                     &out), -1);
    assert_non_null (strstr (out.problem, "x..."));
    assert_true (strlen (out.problem) < FL_SERVICE_LOG_LINE_BYTES_MAX + 200);
    service_destroy (&kv);
    free (long_text);
}

static void
test_lin_tso (void **state)
{
    (void) state;
    service_t *tso = service_new (SERVICE_LIN_TSO, 1);
    const char *srcs [] = { "n1", "n2", "c1", "n1", "lin-kv" };
    for (int64_t expect = 0; expect < 50; expect++) {
        json_t *reply = s_call (tso, srcs [expect % 5], "{\"type\":\"ts\",\"msg_id\":3}");
        assert_string_equal (s_type (reply), "ts_ok");
        assert_int_equal (json_integer_value (json_object_get (reply, "ts")), expect);
        assert_int_equal (json_integer_value (json_object_get (reply, "in_reply_to")), 3);
        json_decref (reply);
    }
    //  KV requests are not lin-tso's, nor ts lin-kv's.
    assert_null (s_call (tso, "n1", "{\"type\":\"read\",\"key\":0}"));
    service_t *kv = service_new (SERVICE_LIN_KV, 1);
    assert_null (s_call (kv, "n1", "{\"type\":\"ts\"}"));
    service_destroy (&kv);
    service_destroy (&tso);
}

//  A sender new to seq-kv may read any state of the window: stale reads.
static void
test_seq_kv_stale (void **state)
{
    (void) state;
    service_t *seq = service_new (SERVICE_SEQ_KV, 5);
    for (int value = 1; value <= 20; value++)
        s_write_int (seq, "n1", "\"k\"", value);
    int stale = 0, fresh = 0;
    for (int reader = 0; reader < 200; reader++) {
        char src [16];
        snprintf (src, sizeof src, "r%d", reader);
        int64_t value = s_read_int (seq, src, "\"k\"");
        assert_true (value == -1 || (value >= 1 && value <= 20));
        stale += value < 20;
        fresh += value == 20;
    }
    //  Uniform over 21 states: about 190 stale, 10 fresh.
    assert_in_range (stale, 150, 199);
    assert_in_range (fresh, 1, 50);
    //  The writer itself reads its last write.
    assert_int_equal (s_read_int (seq, "n1", "\"k\""), 20);
    service_destroy (&seq);
}

//  Per sender, states only move forward: a writer's next read is never
//  older than its write, and a reader's reads never go back.
static void
test_seq_kv_sessions (void **state)
{
    (void) state;
    service_t *seq = service_new (SERVICE_SEQ_KV, 9);
    int64_t counter = 0, reader_last = -1;
    int reader_stale = 0;
    for (int round = 0; round < 500; round++) {
        const char *writer = round % 3? "n1": "n2";
        s_write_int (seq, writer, "\"k\"", ++counter);
        int64_t written = counter;
        if (round % 7 == 0)
            s_write_int (seq, "n2", "\"k\"", ++counter);
        int64_t seen = s_read_int (seq, writer, "\"k\"");
        if (seen < written)
            fail_msg ("round %d: %s wrote %lld, then read %lld", round, writer,
                      (long long) written, (long long) seen);
        int64_t read = s_read_int (seq, "r1", "\"k\"");
        if (read < reader_last)
            fail_msg ("round %d: r1 read %lld after %lld", round, (long long) read,
                      (long long) reader_last);
        reader_stale += read < counter;
        reader_last = read;
    }
    //  ... and yet the reader does see the past: seq-kv is not lin-kv.
    assert_true (reader_stale > 100);
    service_destroy (&seq);
}

//  Only the last FL_SEQ_KV_STATES states are kept; a sender whose state
//  left the window starts at the oldest kept.
static void
test_seq_kv_window (void **state)
{
    (void) state;
    seq_kv_t *seq = seq_kv_new ();
    rng_t rng;
    rng_init (&rng, 3);
    assert_int_equal (seq_kv_newest (seq), 0);
    assert_int_equal (seq_kv_session (seq, "n1"), -1);
    for (int value = 1; value <= 100; value++) {
        json_t *body = json_pack ("{s:s, s:s, s:i}", "type", "write", "key", "k", "value", value);
        kv_op_t op;
        assert_int_equal (kv_op_parse (&op, body), 0);
        json_t *reply = seq_kv_apply (seq, &rng, "n1", &op);
        assert_string_equal (s_type (reply), "write_ok");
        json_decref (reply);
        kv_op_release (&op);
        json_decref (body);
        if (value == 10) {          //  r0 last saw state 10 ...
            body = json_pack ("{s:s, s:s}", "type", "read", "key", "k");
            assert_int_equal (kv_op_parse (&op, body), 0);
            json_decref (seq_kv_apply (seq, &rng, "r0", &op));
            kv_op_release (&op);
            json_decref (body);
            assert_in_range (seq_kv_session (seq, "r0"), 0, 10);
        }
    }
    assert_int_equal (seq_kv_newest (seq), 100);
    assert_int_equal (seq_kv_oldest (seq), 100 - FL_SEQ_KV_STATES + 1);
    assert_int_equal (seq_kv_session (seq, "n1"), 100);
    seq_kv_destroy (&seq);
    assert_null (seq);
    service_t *service = service_new (SERVICE_SEQ_KV, 3);
    for (int value = 1; value <= 100; value++)
        s_write_int (service, "n1", "\"k\"", value);
    int stale = 0;
    for (int reader = 0; reader < 300; reader++) {
        char src [16];
        snprintf (src, sizeof src, "r%d", reader);
        int64_t value = s_read_int (service, src, "\"k\"");
        assert_in_range (value, 100 - FL_SEQ_KV_STATES + 1, 100);
        stale += value < 100;
    }
    assert_true (stale > 200);
    service_destroy (&service);
}

//  An op that changes nothing in the state it picked is answered from it
//  and appends nothing; one that would change it is decided again on the
//  newest state, whose answer is the reply.
static void
test_seq_kv_no_change (void **state)
{
    (void) state;
    seq_kv_t *seq = seq_kv_new ();
    rng_t rng;
    rng_init (&rng, 11);
    const char *bodies [] = {
        "{\"type\":\"write\",\"key\":\"k\",\"value\":1}",               //  state 1
        "{\"type\":\"write\",\"key\":\"k\",\"value\":1}",               //  same value
        "{\"type\":\"cas\",\"key\":\"k\",\"from\":1,\"to\":1}",         //  same value
        "{\"type\":\"cas\",\"key\":\"k\",\"from\":7,\"to\":8}",         //  fails
        "{\"type\":\"read\",\"key\":\"k\"}",
        "{\"type\":\"write\",\"key\":\"k\",\"value\":2}",               //  state 2
    };
    const char *types [] = { "write_ok", "write_ok", "cas_ok", "error", "read_ok", "write_ok" };
    int64_t newest [] = { 1, 1, 1, 1, 1, 2 };
    for (size_t index = 0; index < 6; index++) {
        json_t *body = json_loads (bodies [index], 0, NULL);
        kv_op_t op;
        assert_int_equal (kv_op_parse (&op, body), 0);
        json_t *reply = seq_kv_apply (seq, &rng, "n1", &op);
        assert_string_equal (s_type (reply), types [index]);
        assert_int_equal (seq_kv_newest (seq), newest [index]);
        json_decref (reply);
        kv_op_release (&op);
        json_decref (body);
    }
    //  New senders cas 1 -> 5: from state 0 they get 20 (nothing changes);
    //  from state 1 the cas would succeed, so it is decided on state 2
    //  (value 2): error 22 naming 2, and a state equal to state 2 is
    //  appended; from state 2 it is 22 at once. Never cas_ok.
    int appended = 0, missing = 0;
    for (int sender = 0; sender < 100; sender++) {
        char src [16];
        snprintf (src, sizeof src, "f%d", sender);
        json_t *body = json_loads ("{\"type\":\"cas\",\"key\":\"k\",\"from\":1,\"to\":5}", 0, NULL);
        kv_op_t op;
        assert_int_equal (kv_op_parse (&op, body), 0);
        int64_t before = seq_kv_newest (seq);
        json_t *reply = seq_kv_apply (seq, &rng, src, &op);
        int code = s_code (reply);
        assert_true (code == 20 || code == 22);
        if (code == 22)
            assert_string_equal (s_text (reply), "current value 2 is not 1");
        appended += seq_kv_newest (seq) > before;
        missing += code == 20;
        if (seq_kv_newest (seq) > before)
            assert_int_equal (seq_kv_session (seq, src), seq_kv_newest (seq));
        json_decref (reply);
        kv_op_release (&op);
        json_decref (body);
    }
    assert_true (appended > 0);
    assert_true (missing > 0);
    seq_kv_destroy (&seq);
}

//  lww-kv: a random replica per request, never merged: a write is seen
//  by the reads that reach its replica only; create_if_not_exists is
//  ignored.
static void
test_lww_kv (void **state)
{
    (void) state;
    service_t *lww = service_new (SERVICE_LWW_KV, 2);
    s_write_int (lww, "n1", "\"k\"", 1);
    int seen = 0, missing = 0;
    for (int round = 0; round < 200; round++) {
        int64_t value = s_read_int (lww, "n1", "\"k\"");
        assert_true (value == 1 || value == -1);
        seen += value == 1;
        missing += value == -1;
    }
    assert_in_range (seen, 50, 150);
    assert_in_range (missing, 50, 150);
    for (int round = 0; round < 50; round++)
        s_expect (lww, "n1", "{\"type\":\"cas\",\"key\":\"new\",\"from\":null,\"to\":1,"
                  "\"create_if_not_exists\":true}", NULL, 20);
    //  Writes to both replicas: then every read finds the key.
    for (int round = 0; round < 50; round++)
        s_write_int (lww, "n2", "\"w\"", 7);
    for (int round = 0; round < 50; round++)
        assert_int_equal (s_read_int (lww, "n3", "\"w\""), 7);
    //  Replicas hold different values and stay so.
    for (int round = 0; round < 50; round++)
        s_write_int (lww, "n2", "\"w\"", round);
    int64_t first = s_read_int (lww, "n1", "\"w\"");
    int differ = 0;
    for (int round = 0; round < 100; round++)
        differ += s_read_int (lww, "n1", "\"w\"") != first;
    assert_true (differ > 10);
    service_destroy (&lww);
}

//  The same seed gives the same answers; another seed other ones.
static void
test_deterministic (void **state)
{
    (void) state;
    char answers [3][64];
    uint64_t seeds [3] = { 42, 42, 43 };
    for (int run = 0; run < 3; run++) {
        service_t *lww = service_new (SERVICE_LWW_KV, seeds [run]);
        s_write_int (lww, "n1", "0", 1);
        for (int round = 0; round < 63; round++)
            answers [run][round] = s_read_int (lww, "n1", "0") == 1? '1': '-';
        answers [run][63] = 0;
        service_destroy (&lww);
    }
    assert_string_equal (answers [0], answers [1]);
    assert_string_not_equal (answers [0], answers [2]);
}

//  Each bound refuses with its error naming it, and changes nothing.
static void
test_bounds (void **state)
{
    (void) state;
    service_kind_t kinds [] = { SERVICE_LIN_KV, SERVICE_SEQ_KV };
    for (int index = 0; index < 2; index++) {
        service_t *kv = service_new (kinds [index], 1);
        char key [32];
        for (int count = 0; count < FL_SERVICE_KEYS_MAX; count++) {
            snprintf (key, sizeof key, "%d", count);
            s_write_int (kv, "n1", key, count);
        }
        json_t *reply = s_call (kv, "n1", "{\"type\":\"write\",\"key\":\"one more\",\"value\":1}");
        assert_int_equal (s_code (reply), KV_ERR_ABORT);
        assert_non_null (strstr (s_text (reply), "FL_SERVICE_KEYS_MAX"));
        json_decref (reply);
        s_expect (kv, "n1", "{\"type\":\"cas\",\"key\":\"one more\",\"to\":1,"
                  "\"create_if_not_exists\":true}", NULL, KV_ERR_ABORT);
        assert_int_equal (s_read_int (kv, "n1", "\"one more\""), -1);
        s_write_int (kv, "n1", "7", 70);                //  an old key: fine
        assert_int_equal (s_read_int (kv, "n1", "7"), 70);
        service_destroy (&kv);
    }
    //  Values up to FL_SERVICE_VALUE_BYTES_MAX bytes of JSON text.
    service_t *kv = service_new (SERVICE_LIN_KV, 1);
    char *big = (char *) malloc (FL_SERVICE_VALUE_BYTES_MAX + 1);
    memset (big, 'v', FL_SERVICE_VALUE_BYTES_MAX);
    big [FL_SERVICE_VALUE_BYTES_MAX - 2] = 0;          //  with its quotes: the max
    json_t *body = json_pack ("{s:s, s:s, s:s}", "type", "write", "key", "b", "value", big);
    json_t *reply = service_handle (kv, "n1", body);
    assert_string_equal (s_type (reply), "write_ok");
    json_decref (reply);
    json_decref (body);
    big [FL_SERVICE_VALUE_BYTES_MAX - 2] = 'v';
    big [FL_SERVICE_VALUE_BYTES_MAX - 1] = 0;          //  one byte over
    body = json_pack ("{s:s, s:s, s:s}", "type", "write", "key", "c", "value", big);
    reply = service_handle (kv, "n1", body);
    assert_int_equal (s_code (reply), KV_ERR_MALFORMED_REQUEST);
    assert_non_null (strstr (s_text (reply), "FL_SERVICE_VALUE_BYTES_MAX"));
    json_decref (reply);
    json_decref (body);
    assert_int_equal (s_read_int (kv, "n1", "\"c\""), -1);
    //  Keys up to FL_SERVICE_KEY_BYTES_MAX; a longer one may still be read.
    big [FL_SERVICE_KEY_BYTES_MAX - 1] = 0;            //  quoted: one byte over
    body = json_pack ("{s:s, s:s, s:i}", "type", "write", "key", big, "value", 1);
    reply = service_handle (kv, "n1", body);
    assert_int_equal (s_code (reply), KV_ERR_MALFORMED_REQUEST);
    assert_non_null (strstr (s_text (reply), "FL_SERVICE_KEY_BYTES_MAX"));
    json_decref (reply);
    json_object_set_new (body, "type", json_string ("read"));
    reply = service_handle (kv, "n1", body);
    assert_int_equal (s_code (reply), KV_ERR_KEY_DOES_NOT_EXIST);
    json_decref (reply);
    big [FL_SERVICE_KEY_BYTES_MAX - 2] = 0;            //  quoted: the max
    json_object_set_new (body, "type", json_string ("write"));
    json_object_set_new (body, "key", json_string (big));
    reply = service_handle (kv, "n1", body);
    assert_string_equal (s_type (reply), "write_ok");
    json_decref (reply);
    json_decref (body);
    free (big);
    service_destroy (&kv);
    //  seq-kv remembers FL_SERVICE_SESSIONS_MAX senders.
    service_t *seq = service_new (SERVICE_SEQ_KV, 1);
    char src [32];
    for (int sender = 0; sender < FL_SERVICE_SESSIONS_MAX; sender++) {
        snprintf (src, sizeof src, "c%d", sender);
        s_expect (seq, src, "{\"type\":\"read\",\"key\":0}", NULL, 20);
    }
    reply = s_call (seq, "c-last", "{\"type\":\"write\",\"key\":0,\"value\":1}");
    assert_int_equal (s_code (reply), KV_ERR_ABORT);
    assert_non_null (strstr (s_text (reply), "FL_SERVICE_SESSIONS_MAX"));
    json_decref (reply);
    s_expect (seq, "c7", "{\"type\":\"write\",\"key\":0,\"value\":1}", "write_ok", 0);
    service_destroy (&seq);
}

int
main (void)
{
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_kind_ids),
        cmocka_unit_test (test_lin_kv_semantics),
        cmocka_unit_test (test_decoded_values),
        cmocka_unit_test (test_reply_envelope),
        cmocka_unit_test (test_no_reply),
        cmocka_unit_test (test_log_line_bound),
        cmocka_unit_test (test_lin_tso),
        cmocka_unit_test (test_seq_kv_stale),
        cmocka_unit_test (test_seq_kv_sessions),
        cmocka_unit_test (test_seq_kv_window),
        cmocka_unit_test (test_seq_kv_no_change),
        cmocka_unit_test (test_lww_kv),
        cmocka_unit_test (test_deterministic),
        cmocka_unit_test (test_bounds),
    };
    return cmocka_run_group_tests_name ("services_kv", tests, NULL, NULL);
}
