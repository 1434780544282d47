/*  services_proxy.c -- bin/lab-services behind the real bin/proxy.

    The deployment the lab uses: the proxy in the middle, lab-services
    connected to its net endpoint, and the test's own parties n1, n2 and c1
    as DEALERs. Checks Maelstrom's services end to end through the proxy's
    framing: the reply's envelope and where it goes, lin-kv's errors,
    seq-kv's stale but per-sender ordered reads, lww-kv's replicas,
    lin-tso across callers, silence (and a log line) for unknown types and
    junk, that faults on "*" and partitions of the nodes never cut a node
    from a service, and that a fault naming a service does. SIGTERM ends
    lab-services with status 0.

    Every wait polls a condition under a deadline.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include "tap.h"
#include "node_kit.h"
#include <czmq.h>
#include "clock.h"
#include "limits.h"

#define WAIT_MS     5000        //  deadline of any wait for an expected event
#define QUIET_MS    250         //  how long "nothing arrives" is watched

typedef struct {
    char dir [64];
    char net [128];
    char control [128];
    char services_log [128];
    pid_t proxy;
    pid_t services;
    zsock_t *n1, *n2, *c1;
    zsock_t *ctl;
    int msg_id;
} fx_t;

//  Wait until the file at path holds text.
static void
s_await_text (const char *path, const char *text)
{
    int64_t deadline = clock_mono_ms () + WAIT_MS;
    while (true) {
        char *data = NULL;
        size_t size = 0;
        FILE *file = fopen (path, "r");
        bool found = file && getdelim (&data, &size, 0, file) > 0 && strstr (data, text);
        if (file)
            fclose (file);
        free (data);
        if (found)
            return;
        if (clock_mono_ms () > deadline)
            fail_msg ("'%s' never appeared in %s", text, path);
        zclock_sleep (10);
    }
}

//  [dest][text] from party.
static void
s_send (zsock_t *party, const char *dest, const char *text)
{
    assert_int_equal (zstr_sendx (party, dest, text, NULL), 0);
}

//  The next message at party within timeout_ms: its envelope (caller
//  frees), the proxy's src frame copied into from (if not NULL); or NULL.
static json_t *
s_recv (zsock_t *party, char *from, int timeout_ms)
{
    zsock_set_rcvtimeo (party, timeout_ms);
    char *src = NULL, *data = NULL;
    if (zstr_recvx (party, &src, &data, NULL) != 2) {
        zstr_free (&src);
        zstr_free (&data);
        return NULL;
    }
    if (from)
        snprintf (from, FL_ID_BYTES_MAX + 1, "%s", src);
    json_t *envelope = json_loads (data, 0, NULL);
    if (!envelope)
        fail_msg ("not JSON from %s: %s", src, data);
    zstr_free (&src);
    zstr_free (&data);
    return envelope;
}

//  Send body (takes it) from party to dest, with "src" as in the envelope
//  and a fresh msg_id; return the envelope.
static int
s_request (fx_t *fx, zsock_t *party, const char *as, const char *dest, json_t *body)
{
    int msg_id = ++fx->msg_id;
    json_object_set_new (body, "msg_id", json_integer (msg_id));
    char *text = kit_envelope (as, dest, body);
    s_send (party, dest, text);
    free (text);
    return msg_id;
}

//  The reply at party to msg_id, checked for Maelstrom's shape: from
//  service (frame and envelope), to 'to', no msg_id. Caller frees the body.
static json_t *
s_reply (zsock_t *party, int msg_id, const char *service, const char *to)
{
    char from [FL_ID_BYTES_MAX + 1];
    json_t *envelope = s_recv (party, from, WAIT_MS);
    if (!envelope)
        fail_msg ("no reply from %s to msg %d", service, msg_id);
    assert_string_equal (from, service);
    assert_string_equal (json_string_value (json_object_get (envelope, "src")), service);
    assert_string_equal (json_string_value (json_object_get (envelope, "dest")), to);
    json_t *body = json_incref (json_object_get (envelope, "body"));
    json_decref (envelope);
    assert_int_equal (json_integer_value (json_object_get (body, "in_reply_to")), msg_id);
    assert_null (json_object_get (body, "msg_id"));
    return body;
}

//  A call from party (as itself) to service; returns the reply body.
static json_t *
s_call (fx_t *fx, zsock_t *party, const char *id, const char *service, json_t *body)
{
    int msg_id = s_request (fx, party, id, service, body);
    return s_reply (party, msg_id, service, id);
}

static const char *
s_type (json_t *body)
{
    return json_string_value (json_object_get (body, "type"));
}

static int
s_code (json_t *body)
{
    return (int) json_integer_value (json_object_get (body, "code"));
}

//  Read key "k" of service as id: its integer value, or -1 for error 20.
static int64_t
s_read (fx_t *fx, zsock_t *party, const char *id, const char *service)
{
    json_t *reply = s_call (fx, party, id, service,
                            json_pack ("{s:s, s:s}", "type", "read", "key", "k"));
    int64_t value = streq (s_type (reply), "read_ok")
                  ? json_integer_value (json_object_get (reply, "value")): -1;
    if (value == -1 && s_code (reply) != 20)
        fail_msg ("read from %s: %s", service, json_dumps (reply, JSON_COMPACT));
    json_decref (reply);
    return value;
}

static void
s_write (fx_t *fx, zsock_t *party, const char *id, const char *service, int64_t value)
{
    json_t *reply = s_call (fx, party, id, service, json_pack ("{s:s, s:s, s:I}", "type",
                            "write", "key", "k", "value", (json_int_t) value));
    assert_string_equal (s_type (reply), "write_ok");
    json_decref (reply);
}

//  Nothing arrives at party for QUIET_MS.
static void
s_assert_quiet (zsock_t *party)
{
    json_t *envelope = s_recv (party, NULL, QUIET_MS);
    if (envelope)
        fail_msg ("unexpected message: %s", json_dumps (envelope, JSON_COMPACT));
}

static void
s_control (fx_t *fx, const char *request)
{
    zstr_send (fx->ctl, request);
    char *reply = zstr_recv (fx->ctl);
    assert_non_null (reply);
    if (!strstr (reply, "\"ok\":true"))
        fail_msg ("proxy refused %s: %s", request, reply);
    zstr_free (&reply);
}

//  A DEALER party 'id', reachable through the proxy once it returns (it
//  says hello to itself until one comes back, then drains the extras).
static zsock_t *
s_party (fx_t *fx, const char *id)
{
    zsock_t *party = zsock_new (ZMQ_DEALER);
    assert_non_null (party);
    zsock_set_identity (party, id);
    zsock_set_linger (party, 0);
    assert_int_equal (zsock_connect (party, "%s", fx->net), 0);
    int64_t deadline = clock_mono_ms () + WAIT_MS;
    json_t *hello = NULL;
    while (!hello) {
        assert_true (clock_mono_ms () < deadline);
        s_send (party, id, "{\"body\":{\"type\":\"hello\"}}");
        hello = s_recv (party, NULL, 50);
    }
    json_decref (hello);
    while ((hello = s_recv (party, NULL, 20)))
        json_decref (hello);
    return party;
}

static pid_t
s_spawn (char **argv, const char *log)
{
    if (access (argv [0], X_OK))
        fail_msg ("%s is missing: run make", argv [0]);
    return kit_spawn (argv, log, true);
}

static int
s_setup (void **state)
{
    fx_t *fx = (fx_t *) zmalloc (sizeof (fx_t));
    strcpy (fx->dir, "/tmp/fl-services-proxy-XXXXXX");
    assert_non_null (mkdtemp (fx->dir));
    snprintf (fx->net, sizeof fx->net, "ipc://%s/net", fx->dir);
    snprintf (fx->control, sizeof fx->control, "ipc://%s/ctl", fx->dir);
    char log [128];
    snprintf (log, sizeof log, "%s/proxy.log", fx->dir);
    char *proxy_argv [] = { "bin/proxy", "--net", fx->net, "--control", fx->control,
                            "--seed", "1", NULL };
    fx->proxy = s_spawn (proxy_argv, log);
    s_await_text (log, "\"ready\":true");
    snprintf (fx->services_log, sizeof fx->services_log, "%s/services.log", fx->dir);
    char *services_argv [] = { "bin/lab-services", "--connect", fx->net, "--seed", "7", NULL };
    fx->services = s_spawn (services_argv, fx->services_log);
    s_await_text (fx->services_log, "{\"ready\":true,\"seed\":7,\"services\":"
                  "[\"lin-kv\",\"seq-kv\",\"lww-kv\",\"lin-tso\"]");
    fx->ctl = zsock_new (ZMQ_REQ);
    zsock_set_rcvtimeo (fx->ctl, WAIT_MS);
    assert_int_equal (zsock_connect (fx->ctl, "%s", fx->control), 0);
    fx->n1 = s_party (fx, "n1");
    fx->n2 = s_party (fx, "n2");
    fx->c1 = s_party (fx, "c1");
    *state = fx;
    return 0;
}

static int
s_teardown (void **state)
{
    fx_t *fx = (fx_t *) *state;
    kill (fx->services, SIGTERM);
    int services_status = kit_wait (fx->services, WAIT_MS);
    kill (fx->proxy, SIGTERM);
    kit_wait (fx->proxy, WAIT_MS);
    zsock_destroy (&fx->n1);
    zsock_destroy (&fx->n2);
    zsock_destroy (&fx->c1);
    zsock_destroy (&fx->ctl);
    assert_int_equal (services_status, 0);          //  SIGTERM: a clean exit
    assert_int_equal (tap_remove_dir (fx->dir), 0);
    free (fx);
    return 0;
}

static void
test_lin_kv (void **state)
{
    fx_t *fx = (fx_t *) *state;
    json_t *reply = s_call (fx, fx->n1, "n1", "lin-kv",
                            json_pack ("{s:s, s:s}", "type", "read", "key", "k"));
    assert_string_equal (s_type (reply), "error");
    assert_int_equal (s_code (reply), 20);
    assert_string_equal (json_string_value (json_object_get (reply, "text")), "key does not exist");
    json_decref (reply);
    reply = s_call (fx, fx->n1, "n1", "lin-kv", json_pack ("{s:s, s:s, s:i, s:i, s:b}",
                    "type", "cas", "key", "k", "from", 0, "to", 1, "create_if_not_exists", 1));
    assert_string_equal (s_type (reply), "cas_ok");
    json_decref (reply);
    reply = s_call (fx, fx->n2, "n2", "lin-kv", json_pack ("{s:s, s:s, s:i, s:i}",
                    "type", "cas", "key", "k", "from", 0, "to", 2));
    assert_int_equal (s_code (reply), 22);
    assert_string_equal (json_string_value (json_object_get (reply, "text")),
                         "current value 1 is not 0");
    json_decref (reply);
    assert_int_equal (s_read (fx, fx->n2, "n2", "lin-kv"), 1);
}

//  No msg_id: in_reply_to null. The reply goes to the envelope's src as
//  written: n1 forwarding c1's request has the answer go to c1.
static void
test_reply_addressing (void **state)
{
    fx_t *fx = (fx_t *) *state;
    s_send (fx->n1, "lin-kv", "{\"src\":\"n1\",\"dest\":\"lin-kv\","
            "\"body\":{\"type\":\"write\",\"key\":\"k\",\"value\":5}}");
    json_t *envelope = s_recv (fx->n1, NULL, WAIT_MS);
    assert_non_null (envelope);
    json_t *body = json_object_get (envelope, "body");
    assert_string_equal (s_type (body), "write_ok");
    assert_non_null (json_object_get (body, "in_reply_to"));
    assert_true (json_is_null (json_object_get (body, "in_reply_to")));
    json_decref (envelope);
    int msg_id = s_request (fx, fx->n1, "c1", "lin-kv",
                            json_pack ("{s:s, s:s}", "type", "read", "key", "k"));
    json_t *reply = s_reply (fx->c1, msg_id, "lin-kv", "c1");
    assert_int_equal (json_integer_value (json_object_get (reply, "value")), 5);
    json_decref (reply);
    s_assert_quiet (fx->n1);
}

//  seq-kv: a writer reads its own writes (or later), a reader's reads
//  never go back, yet the reader sees the past.
static void
test_seq_kv (void **state)
{
    fx_t *fx = (fx_t *) *state;
    int64_t reader_last = -1;
    int stale = 0;
    for (int64_t value = 1; value <= 30; value++) {
        s_write (fx, fx->n1, "n1", "seq-kv", value);
        int64_t own = s_read (fx, fx->n1, "n1", "seq-kv");
        if (own < value)
            fail_msg ("n1 wrote %lld, then read %lld", (long long) value, (long long) own);
        int64_t read = s_read (fx, fx->n2, "n2", "seq-kv");
        if (read < reader_last)
            fail_msg ("n2 read %lld after %lld", (long long) read, (long long) reader_last);
        stale += read < value;
        reader_last = read;
    }
    assert_true (stale > 0);
}

//  lww-kv: one write reaches one replica; reads find it or not, and the
//  replicas never converge.
static void
test_lww_kv (void **state)
{
    fx_t *fx = (fx_t *) *state;
    s_write (fx, fx->n1, "n1", "lww-kv", 3);
    int seen = 0, missing = 0;
    for (int round = 0; round < 40; round++) {
        int64_t value = s_read (fx, fx->n2, "n2", "lww-kv");
        assert_true (value == 3 || value == -1);
        seen += value == 3;
        missing += value == -1;
    }
    assert_true (seen > 0 && missing > 0);
}

//  lin-tso: 0, 1, 2, ... whoever asks.
static void
test_lin_tso (void **state)
{
    fx_t *fx = (fx_t *) *state;
    zsock_t *parties [] = { fx->n1, fx->n2, fx->c1 };
    const char *ids [] = { "n1", "n2", "c1" };
    for (int64_t expect = 0; expect < 30; expect++) {
        json_t *reply = s_call (fx, parties [expect % 3], ids [expect % 3], "lin-tso",
                                json_pack ("{s:s}", "type", "ts"));
        assert_string_equal (s_type (reply), "ts_ok");
        assert_int_equal (json_integer_value (json_object_get (reply, "ts")), expect);
        json_decref (reply);
    }
}

//  An unknown type and junk get no reply, a log line each, and the
//  service goes on.
static void
test_silence_and_logs (void **state)
{
    fx_t *fx = (fx_t *) *state;
    s_request (fx, fx->n1, "n1", "lin-kv", json_pack ("{s:s}", "type", "frobnicate"));
    s_send (fx->n1, "seq-kv", "nope");
    s_send (fx->n1, "lww-kv", "{\"src\":\"n1\",\"dest\":\"lww-kv\"}");
    s_assert_quiet (fx->n1);
    s_await_text (fx->services_log, "lab-services: lin-kv: no reply to n1: unknown type "
                  "\"frobnicate\" for lin-kv: {\"src\":\"n1\"");
    s_await_text (fx->services_log, "lab-services: seq-kv: no reply to n1: not JSON");
    s_await_text (fx->services_log, "lab-services: lww-kv: no reply to n1: no body object");
    assert_int_equal (kill (fx->services, 0), 0);
    assert_int_equal (s_read (fx, fx->n1, "n1", "lin-kv"), -1);
}

//  "*" faults and partitions of the nodes leave the services reachable;
//  a fault naming a service cuts it.
static void
test_faults_spare_services (void **state)
{
    fx_t *fx = (fx_t *) *state;
    const char *cuts [] = {
        "{\"cmd\":\"block\"}",
        "{\"cmd\":\"block\",\"src\":\"n1\"}",
        "{\"cmd\":\"partition\",\"groups\":[[\"n1\"],[\"n2\"]]}",
    };
    for (int index = 0; index < 3; index++) {
        s_control (fx, cuts [index]);
        s_send (fx->n1, "n2", "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"type\":\"probe\"}}");
        s_assert_quiet (fx->n2);
        s_write (fx, fx->n1, "n1", "lin-kv", index);
        assert_int_equal (s_read (fx, fx->n2, "n2", "lin-kv"), index);
        s_control (fx, "{\"cmd\":\"heal\"}");
    }
    s_control (fx, "{\"cmd\":\"block\",\"src\":\"n1\",\"dest\":\"lin-kv\"}");
    s_request (fx, fx->n1, "n1", "lin-kv", json_pack ("{s:s, s:s}", "type", "read", "key", "k"));
    s_assert_quiet (fx->n1);
    assert_int_equal (s_read (fx, fx->n2, "n2", "lin-kv"), 2);
    s_control (fx, "{\"cmd\":\"heal\"}");
    assert_int_equal (s_read (fx, fx->n1, "n1", "lin-kv"), 2);
}

int
main (void)
{
    tap_start (120);
    zsys_set_logstream (stderr);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_lin_kv, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_reply_addressing, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_seq_kv, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_lww_kv, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_lin_tso, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_silence_and_logs, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_faults_spare_services, s_setup, s_teardown),
    };
    return cmocka_run_group_tests_name ("services_proxy", tests, NULL, NULL);
}
