/*  node_lib.c -- the node library against a test that plays the proxy.

    The test binds a ROUTER on an ipc endpoint in a private mkdtemp directory
    and runs a node built with the library in a thread (or bin/node-echo as a
    child process). Frames reach the test as [node][dest][envelope] and go
    back as [node][src][envelope], as the proxy would route them. The test
    node has extra handlers (go_rpc, timers, cancel, probe, stop) that report
    what the library did as messages to "c1", so every assertion is made on
    the wire from the test thread.

    Timing assertions are one-sided only (a timeout never fires early), never
    on how fast something happened.
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
#include <pthread.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "clock.h"
#include "limits.h"
#include "../../nodes/lib/node.h"

#define WAIT_MS     3000            //  every wait for a message has this deadline

typedef struct {
    char dir [64];
    char endpoint [128];
    zsock_t *router;
    node_t *node;
    pthread_t thread;
    bool running;
    //  Owned by the node thread while it runs
    int init_calls;
    int rpc_calls;
    int reentrant;
    bool in_rpc;
    int every_id, never_id;
    int every_count;
    int many_calls, many_replies;
    int batch_expired;
    int stubborn_calls;
} fx_t;


//  --------------------------------------------------------------------------
//  The test node (runs in the node thread)

static void
s_report (node_t *node, json_t *body)
{
    node_send (node, "c1", body);
}

static void
s_on_init (node_t *node, void *arg)
{
    (void) node;
    ((fx_t *) arg)->init_calls++;
}

static void
s_rpc_done (node_t *node, json_t *reply, void *arg)
{
    fx_t *fx = (fx_t *) arg;
    fx->rpc_calls++;
    if (fx->in_rpc)
        fx->reentrant++;
    s_report (node, json_pack ("{s:s, s:i, s:O?}", "type", "rpc_done",
                               "calls", fx->rpc_calls, "reply", reply));
}

static void
s_go_rpc (node_t *node, const char *src, json_t *body, void *arg)
{
    (void) src;
    fx_t *fx = (fx_t *) arg;
    const char *to = json_string_value (json_object_get (body, "to"));
    int timeout_ms = (int) json_integer_value (json_object_get (body, "timeout_ms"));
    fx->in_rpc = true;
    node_rpc (node, to, json_pack ("{s:s}", "type", "ping"), timeout_ms, s_rpc_done, fx);
    fx->in_rpc = false;
}

static void
s_many_done (node_t *node, json_t *reply, void *arg)
{
    (void) node;
    fx_t *fx = (fx_t *) arg;
    fx->many_calls++;
    fx->many_replies += reply != NULL;
    if (fx->in_rpc)
        fx->reentrant++;
}

//  count RPCs at once: about half flagged "answer" (the test replies; they
//  get a long timeout), the rest time out after 50..549 ms, interleaved in
//  the heap with the answered ones.
static void
s_go_many (node_t *node, const char *src, json_t *body, void *arg)
{
    fx_t *fx = (fx_t *) arg;
    const char *to = json_string_value (json_object_get (body, "to"));
    int count = (int) json_integer_value (json_object_get (body, "count"));
    int answered = 0;
    fx->in_rpc = true;
    for (int index = 0; index < count; index++) {
        bool answer = node_random (node) % 2;
        int timeout_ms = answer? 10000: 50 + (int) (node_random (node) % 500);
        answered += answer;
        node_rpc (node, to, json_pack ("{s:s, s:b}", "type", "ping", "answer", answer),
                  timeout_ms, s_many_done, fx);
    }
    fx->in_rpc = false;
    node_reply (node, src, body, json_pack ("{s:s, s:i}", "type", "go_many_ok",
                "answered", answered));
}

static void
s_tick (node_t *node, void *arg)
{
    fx_t *fx = (fx_t *) arg;
    fx->every_count++;
    s_report (node, json_pack ("{s:s, s:s}", "type", "tick", "which", "every"));
}

static void
s_tick_after (node_t *node, void *arg)
{
    (void) arg;
    s_report (node, json_pack ("{s:s, s:s}", "type", "tick", "which", "after"));
}

static void
s_tick_never (node_t *node, void *arg)
{
    (void) arg;
    s_report (node, json_pack ("{s:s, s:s}", "type", "tick", "which", "never"));
}

static void
s_timers (node_t *node, const char *src, json_t *body, void *arg)
{
    fx_t *fx = (fx_t *) arg;
    fx->every_id = node_every (node, 20, s_tick, fx);
    node_after (node, 50, s_tick_after, fx);
    fx->never_id = node_after (node, 30, s_tick_never, fx);
    node_timer_cancel (node, fx->never_id);
    node_reply (node, src, body, json_pack ("{s:s, s:i, s:i}", "type", "timers_ok",
                "every", fx->every_id, "never", fx->never_id));
}

static void
s_cancel (node_t *node, const char *src, json_t *body, void *arg)
{
    fx_t *fx = (fx_t *) arg;
    node_timer_cancel (node, fx->every_id);
    node_reply (node, src, body, json_pack ("{s:s, s:i}", "type", "cancel_ok",
                "every_count", fx->every_count));
}

static void
s_probe (node_t *node, const char *src, json_t *body, void *arg)
{
    fx_t *fx = (fx_t *) arg;
    json_t *ids = json_array ();
    for (size_t index = 0; index < node_count (node); index++)
        json_array_append_new (ids, json_string (node_ids (node, index)));
    node_reply (node, src, body, json_pack ("{s:s, s:o, s:i, s:i, s:i, s:i, s:i, s:I, s:I}",
                "type", "probe_ok", "ids", ids, "init_calls", fx->init_calls,
                "rpc_calls", fx->rpc_calls + fx->many_calls, "reentrant", fx->reentrant,
                "many_replies", fx->many_replies, "batch_expired", fx->batch_expired,
                "skew_ms", (json_int_t) node_skew_ms (node),
                "now_ms", (json_int_t) node_now_ms (node)));
}

static void
s_stop (node_t *node, const char *src, json_t *body, void *arg)
{
    (void) src, (void) body, (void) arg;
    node_stop (node);
}

//  FL_TIMERS_MAX + 1 timers: report how many were added and what the last
//  call returned, then cancel them.
static void
s_fill_timers (node_t *node, const char *src, json_t *body, void *arg)
{
    int ids [FL_TIMERS_MAX + 1];
    int added = 0;
    for (int index = 0; index < FL_TIMERS_MAX + 1; index++) {
        ids [index] = node_after (node, 60000, s_tick_never, arg);
        added += ids [index] > 0;
    }
    for (int index = 0; index < FL_TIMERS_MAX + 1; index++)
        node_timer_cancel (node, ids [index]);
    node_reply (node, src, body, json_pack ("{s:s, s:i, s:i}", "type", "fill_timers_ok",
                "added", added, "last", ids [FL_TIMERS_MAX]));
}

//  FL_RPC_INFLIGHT_MAX + 1 RPCs nobody answers: report how many node_rpc
//  refused and what the last call returned.
static void
s_fill_rpcs (node_t *node, const char *src, json_t *body, void *arg)
{
    fx_t *fx = (fx_t *) arg;
    int refused = 0, last = 0;
    fx->in_rpc = true;
    for (int index = 0; index < FL_RPC_INFLIGHT_MAX + 1; index++) {
        last = node_rpc (node, "n2", json_pack ("{s:s}", "type", "ping"), 60000,
                         s_many_done, fx);
        refused += last != 0;
    }
    fx->in_rpc = false;
    node_reply (node, src, body, json_pack ("{s:s, s:i, s:i}", "type", "fill_rpcs_ok",
                "refused", refused, "last", last));
}

static void
s_batch_done (node_t *node, json_t *reply, void *arg)
{
    (void) node, (void) reply;
    ((fx_t *) arg)->batch_expired++;
}

static void
s_batch_tick (node_t *node, void *arg)
{
    fx_t *fx = (fx_t *) arg;
    s_report (node, json_pack ("{s:s, s:i}", "type", "batch_tick",
                               "expired", fx->batch_expired));
}

//  FL_NODE_EVENTS_BATCH + 1 RPCs that are due at once, and a timer due
//  as soon: the timer runs after one batch of expiries, before the rest.
static void
s_go_batch (node_t *node, const char *src, json_t *body, void *arg)
{
    (void) src, (void) body;
    for (int index = 0; index < FL_NODE_EVENTS_BATCH + 1; index++)
        node_rpc (node, "n2", json_pack ("{s:s}", "type", "ping"), 0, s_batch_done, arg);
    node_after (node, 0, s_batch_tick, arg);
}

//  An RPC whose callback issues it again whenever it gets NULL.
static void
s_stubborn_done (node_t *node, json_t *reply, void *arg)
{
    fx_t *fx = (fx_t *) arg;
    fx->stubborn_calls++;
    if (!reply)
        node_rpc (node, "n2", json_pack ("{s:s}", "type", "ping"), 60000,
                  s_stubborn_done, fx);
}

static void
s_go_stubborn (node_t *node, const char *src, json_t *body, void *arg)
{
    (void) src, (void) body;
    node_rpc (node, "n2", json_pack ("{s:s}", "type", "ping"), 60000, s_stubborn_done, arg);
}

static void *
s_node_thread (void *arg)
{
    fx_t *fx = (fx_t *) arg;
    node_run (fx->node);
    return NULL;
}


//  --------------------------------------------------------------------------
//  The test's side: a ROUTER playing the proxy

//  Send [to][from][envelope]; retries while the node is not connected yet.
static void
s_send_raw (fx_t *fx, const char *to, const char *from, const char *text)
{
    kit_router_send (fx->router, to, from, text, WAIT_MS);
}

static void
s_send (fx_t *fx, const char *to, const char *from, json_t *body)
{
    char *text = kit_envelope (from, to, body);
    s_send_raw (fx, to, from, text);
    free (text);
}

//  Next message within timeout_ms, as its body (caller owns), or NULL. The
//  routing frames are checked: it comes from n1 (or "from") to "dest".
static json_t *
s_recv (fx_t *fx, int timeout_ms, const char *dest)
{
    zsock_set_rcvtimeo (fx->router, timeout_ms);
    zmsg_t *msg = zmsg_recv (fx->router);
    if (!msg)
        return NULL;
    assert_int_equal (zmsg_size (msg), 3);
    char *sender = zmsg_popstr (msg);
    char *to = zmsg_popstr (msg);
    char *text = zmsg_popstr (msg);
    if (dest)
        assert_string_equal (to, dest);
    json_t *envelope = json_loads (text, 0, NULL);
    assert_non_null (envelope);
    assert_string_equal (json_string_value (json_object_get (envelope, "src")), sender);
    assert_string_equal (json_string_value (json_object_get (envelope, "dest")), to);
    json_t *body = json_incref (json_object_get (envelope, "body"));
    assert_true (json_is_object (body));
    json_decref (envelope);
    free (sender), free (to), free (text);
    zmsg_destroy (&msg);
    return body;
}

//  Expect a message of this type to dest within WAIT_MS.
static json_t *
s_expect (fx_t *fx, const char *type, const char *dest)
{
    json_t *body = s_recv (fx, WAIT_MS, dest);
    assert_non_null (body);
    const char *got = json_string_value (json_object_get (body, "type"));
    if (!got || strcmp (got, type))
        fail_msg ("expected '%s', got '%s'", type, got? got: "(none)");
    return body;
}

static json_int_t
s_int (json_t *body, const char *key)
{
    json_t *value = json_object_get (body, key);
    assert_true (json_is_integer (value));
    return json_integer_value (value);
}

//  Ask the node for its probe; returns the probe_ok body.
static json_t *
s_probe_node (fx_t *fx)
{
    s_send (fx, "n1", "c1", json_pack ("{s:s, s:i}", "type", "probe", "msg_id", 900));
    json_t *probe = s_expect (fx, "probe_ok", "c1");
    assert_int_equal (s_int (probe, "in_reply_to"), 900);
    return probe;
}

static void
s_init_node (fx_t *fx)
{
    s_send (fx, "n1", "c1", json_pack ("{s:s, s:i, s:s, s:[sss]}", "type", "init",
            "msg_id", 1, "node_id", "n1", "node_ids", "n1", "n2", "n3"));
    json_t *reply = s_expect (fx, "init_ok", "c1");
    assert_int_equal (s_int (reply, "in_reply_to"), 1);
    json_decref (reply);
}

static int
s_setup (void **state)
{
    fx_t *fx = (fx_t *) zmalloc (sizeof (fx_t));
    strcpy (fx->dir, "/tmp/fl-node-lib-XXXXXX");
    assert_non_null (mkdtemp (fx->dir));
    snprintf (fx->endpoint, sizeof fx->endpoint, "ipc://%s/net", fx->dir);
    fx->router = zsock_new (ZMQ_ROUTER);
    zsock_set_router_mandatory (fx->router, 1);
    assert_int_equal (zsock_bind (fx->router, "%s", fx->endpoint), 0);
    char *argv [] = { "node-test", "--id", "n1", "--connect", fx->endpoint,
                      "--seed", "7", NULL };
    fx->node = node_new (7, argv);
    assert_non_null (fx->node);
    node_on_init (fx->node, s_on_init, fx);
    node_on (fx->node, "go_rpc", s_go_rpc, fx);
    node_on (fx->node, "timers", s_timers, fx);
    node_on (fx->node, "go_many", s_go_many, fx);
    node_on (fx->node, "cancel", s_cancel, fx);
    node_on (fx->node, "probe", s_probe, fx);
    node_on (fx->node, "stop", s_stop, fx);
    node_on (fx->node, "fill_timers", s_fill_timers, fx);
    node_on (fx->node, "fill_rpcs", s_fill_rpcs, fx);
    node_on (fx->node, "go_batch", s_go_batch, fx);
    node_on (fx->node, "go_stubborn", s_go_stubborn, fx);
    assert_int_equal (pthread_create (&fx->thread, NULL, s_node_thread, fx), 0);
    fx->running = true;
    *state = fx;
    return 0;
}

static int
s_teardown (void **state)
{
    fx_t *fx = (fx_t *) *state;
    if (fx->running) {
        s_send (fx, "n1", "c1", json_pack ("{s:s}", "type", "stop"));
        struct timespec deadline;
        clock_gettime (CLOCK_REALTIME, &deadline);
        deadline.tv_sec += WAIT_MS / 1000;
        assert_int_equal (pthread_timedjoin_np (fx->thread, NULL, &deadline), 0);
    }
    node_destroy (&fx->node);
    zsock_destroy (&fx->router);
    char path [256];
    snprintf (path, sizeof path, "%s/net", fx->dir);
    unlink (path);
    rmdir (fx->dir);
    free (fx);
    return 0;
}


//  --------------------------------------------------------------------------
//  Tests

static void
test_init_handshake (void **state)
{
    fx_t *fx = (fx_t *) *state;
    s_init_node (fx);
    json_t *probe = s_probe_node (fx);
    json_t *ids = json_object_get (probe, "ids");
    assert_int_equal (json_array_size (ids), 3);
    assert_string_equal (json_string_value (json_array_get (ids, 2)), "n3");
    assert_int_equal (s_int (probe, "init_calls"), 1);
    json_decref (probe);
    //  A repeated init is answered again; the hook runs once
    s_init_node (fx);
    probe = s_probe_node (fx);
    assert_int_equal (s_int (probe, "init_calls"), 1);
    json_decref (probe);
    //  An init naming another node is a malformed request
    s_send (fx, "n1", "c1", json_pack ("{s:s, s:i, s:s, s:[s]}", "type", "init",
            "msg_id", 2, "node_id", "n9", "node_ids", "n9"));
    json_t *error = s_expect (fx, "error", "c1");
    assert_int_equal (s_int (error, "code"), NODE_ERR_MALFORMED_REQUEST);
    assert_int_equal (s_int (error, "in_reply_to"), 2);
    json_decref (error);
}

static void
test_reply_routing (void **state)
{
    fx_t *fx = (fx_t *) *state;
    s_init_node (fx);
    s_send (fx, "n1", "c1", json_pack ("{s:s, s:s, s:i}", "type", "go_rpc",
            "to", "n2", "timeout_ms", 5000));
    json_t *ping = s_expect (fx, "ping", "n2");
    json_int_t msg_id = s_int (ping, "msg_id");
    json_decref (ping);
    //  A reply to some other msg_id does not complete the RPC
    s_send (fx, "n1", "n2", json_pack ("{s:s, s:I}", "type", "pong",
            "in_reply_to", (json_int_t) (msg_id + 1000)));
    json_t *probe = s_probe_node (fx);
    assert_int_equal (s_int (probe, "rpc_calls"), 0);
    json_decref (probe);
    //  The right one does, exactly once, even when duplicated
    for (int copy = 0; copy < 2; copy++)
        s_send (fx, "n1", "n2", json_pack ("{s:s, s:I, s:i}", "type", "pong",
                "in_reply_to", (json_int_t) msg_id, "n", copy));
    json_t *done = s_expect (fx, "rpc_done", "c1");
    assert_int_equal (s_int (done, "calls"), 1);
    json_t *reply = json_object_get (done, "reply");
    assert_string_equal (json_string_value (json_object_get (reply, "type")), "pong");
    assert_int_equal (s_int (reply, "n"), 0);
    json_decref (done);
    probe = s_probe_node (fx);
    assert_int_equal (s_int (probe, "rpc_calls"), 1);
    assert_int_equal (s_int (probe, "reentrant"), 0);
    json_decref (probe);
}

static void
test_rpc_timeout_once (void **state)
{
    fx_t *fx = (fx_t *) *state;
    s_init_node (fx);
    int64_t start = clock_mono_ms ();
    s_send (fx, "n1", "c1", json_pack ("{s:s, s:s, s:i}", "type", "go_rpc",
            "to", "n2", "timeout_ms", 100));
    json_t *ping = s_expect (fx, "ping", "n2");
    json_int_t msg_id = s_int (ping, "msg_id");
    json_decref (ping);
    json_t *done = s_expect (fx, "rpc_done", "c1");
    assert_true (clock_mono_ms () - start >= 100);
    assert_true (json_is_null (json_object_get (done, "reply")));
    assert_int_equal (s_int (done, "calls"), 1);
    json_decref (done);
    //  The late reply is dropped
    s_send (fx, "n1", "n2", json_pack ("{s:s, s:I}", "type", "pong",
            "in_reply_to", (json_int_t) msg_id));
    json_t *probe = s_probe_node (fx);
    assert_int_equal (s_int (probe, "rpc_calls"), 1);
    json_decref (probe);
}

static void
test_rpc_send_failure_not_reentrant (void **state)
{
    fx_t *fx = (fx_t *) *state;
    s_init_node (fx);
    //  An id longer than FL_ID_BYTES_MAX cannot be sent: the callback still
    //  runs once, with NULL, from the loop rather than inside node_rpc
    s_send (fx, "n1", "c1", json_pack ("{s:s, s:s, s:i}", "type", "go_rpc",
            "to", "n-this-id-is-far-too-long-to-be-a-routing-id", "timeout_ms", 5000));
    json_t *done = s_expect (fx, "rpc_done", "c1");
    assert_true (json_is_null (json_object_get (done, "reply")));
    json_decref (done);
    json_t *probe = s_probe_node (fx);
    assert_int_equal (s_int (probe, "rpc_calls"), 1);
    assert_int_equal (s_int (probe, "reentrant"), 0);
    json_decref (probe);
}

static void
test_many_rpcs_each_once (void **state)
{
    fx_t *fx = (fx_t *) *state;
    enum { COUNT = 2000 };
    s_init_node (fx);
    s_send (fx, "n1", "c1", json_pack ("{s:s, s:i, s:s, s:i}", "type", "go_many",
            "msg_id", 5, "to", "n2", "count", COUNT));
    int replied = 0;
    for (int index = 0; index < COUNT; index++) {
        json_t *ping = s_expect (fx, "ping", "n2");
        if (json_is_true (json_object_get (ping, "answer"))) {
            s_send (fx, "n1", "n2", json_pack ("{s:s, s:I}", "type", "pong",
                    "in_reply_to", (json_int_t) s_int (ping, "msg_id")));
            replied++;
        }
        json_decref (ping);
    }
    json_t *reply = s_expect (fx, "go_many_ok", "c1");
    assert_int_equal (s_int (reply, "answered"), replied);
    json_decref (reply);
    int64_t deadline = clock_mono_ms () + WAIT_MS;
    while (true) {
        json_t *probe = s_probe_node (fx);
        json_int_t calls = s_int (probe, "rpc_calls");
        json_int_t replies = s_int (probe, "many_replies");
        assert_int_equal (s_int (probe, "reentrant"), 0);
        json_decref (probe);
        assert_true (calls <= COUNT);
        if (calls == COUNT) {
            assert_int_equal (replies, replied);
            break;
        }
        assert_true (clock_mono_ms () < deadline);
        zclock_sleep (50);
    }
}

static void
test_stop_answers_waiting_rpcs (void **state)
{
    fx_t *fx = (fx_t *) *state;
    s_init_node (fx);
    s_send (fx, "n1", "c1", json_pack ("{s:s, s:s, s:i}", "type", "go_rpc",
            "to", "n2", "timeout_ms", 60000));
    json_decref (s_expect (fx, "ping", "n2"));
    //  At stop the callback runs with NULL, and what it sends still goes out
    s_send (fx, "n1", "c1", json_pack ("{s:s}", "type", "stop"));
    json_t *done = s_expect (fx, "rpc_done", "c1");
    assert_true (json_is_null (json_object_get (done, "reply")));
    assert_int_equal (s_int (done, "calls"), 1);
    json_decref (done);
}

static void
test_timers_fire_and_cancel (void **state)
{
    fx_t *fx = (fx_t *) *state;
    s_init_node (fx);
    s_send (fx, "n1", "c1", json_pack ("{s:s, s:i}", "type", "timers", "msg_id", 3));
    json_t *reply = s_expect (fx, "timers_ok", "c1");
    assert_true (s_int (reply, "every") > 0);
    assert_true (s_int (reply, "never") > s_int (reply, "every"));
    json_decref (reply);
    int every = 0, after = 0;
    while (every < 4 || after < 1) {
        json_t *tick = s_expect (fx, "tick", "c1");
        const char *which = json_string_value (json_object_get (tick, "which"));
        assert_string_not_equal (which, "never");
        every += streq (which, "every");
        after += streq (which, "after");
        json_decref (tick);
    }
    s_send (fx, "n1", "c1", json_pack ("{s:s, s:i}", "type", "cancel", "msg_id", 4));
    json_t *cancel_ok = NULL;
    while (!cancel_ok) {                //  ticks already queued may come first
        json_t *body = s_recv (fx, WAIT_MS, "c1");
        assert_non_null (body);
        const char *type = json_string_value (json_object_get (body, "type"));
        if (streq (type, "cancel_ok"))
            cancel_ok = body;
        else {
            assert_string_equal (json_string_value (json_object_get (body, "which")), "every");
            json_decref (body);
        }
    }
    json_decref (cancel_ok);
    //  Nothing more: no tick after the cancel, and the one-shot never twice
    json_t *extra = s_recv (fx, 200, NULL);
    if (extra)
        fail_msg ("unexpected message after cancel: %s",
                  json_string_value (json_object_get (extra, "type")));
}

static void
test_unknown_type_error_10 (void **state)
{
    fx_t *fx = (fx_t *) *state;
    s_init_node (fx);
    s_send (fx, "n1", "c1", json_pack ("{s:s, s:i}", "type", "frobnicate", "msg_id", 7));
    json_t *error = s_expect (fx, "error", "c1");
    assert_int_equal (s_int (error, "code"), NODE_ERR_NOT_SUPPORTED);
    assert_int_equal (s_int (error, "in_reply_to"), 7);
    json_decref (error);
    //  No msg_id, no answer; an unknown reply gets no error either
    s_send (fx, "n1", "c1", json_pack ("{s:s}", "type", "frobnicate"));
    s_send (fx, "n1", "c1", json_pack ("{s:s, s:i}", "type", "frob_ok", "in_reply_to", 5));
    json_t *probe = s_probe_node (fx);
    json_decref (probe);
}

static void
test_malformed_survives (void **state)
{
    fx_t *fx = (fx_t *) *state;
    s_init_node (fx);
    s_send_raw (fx, "n1", "c1", "this is not json");
    s_send_raw (fx, "n1", "c1", "[1, 2, 3]");
    s_send_raw (fx, "n1", "c1", "{\"src\":\"c1\",\"body\":[]}");
    s_send_raw (fx, "n1", "c1", "{\"src\":\"c1\",\"body\":{\"type\":7}}");
    s_send_raw (fx, "n1", "c1", "");
    s_send_raw (fx, "n1", "c1", NULL);                  //  one frame
    zmsg_t *msg = zmsg_new ();                          //  three frames
    zmsg_addstr (msg, "n1");
    zmsg_addstr (msg, "c1");
    zmsg_addstr (msg, "{}");
    zmsg_addstr (msg, "extra");
    assert_int_equal (zmsg_send (&msg, fx->router), 0);
    //  A request with no type gets error 12
    s_send_raw (fx, "n1", "c1", "{\"body\":{\"msg_id\":5}}");
    json_t *error = s_expect (fx, "error", "c1");
    assert_int_equal (s_int (error, "code"), NODE_ERR_MALFORMED_REQUEST);
    assert_int_equal (s_int (error, "in_reply_to"), 5);
    json_decref (error);
    json_t *probe = s_probe_node (fx);
    json_decref (probe);
}

static void
test_role_and_clock_skew (void **state)
{
    fx_t *fx = (fx_t *) *state;
    s_init_node (fx);
    s_send (fx, "n1", "c1", json_pack ("{s:s, s:i}", "type", "role", "msg_id", 11));
    json_t *role = s_expect (fx, "role_ok", "c1");
    assert_string_equal (json_string_value (json_object_get (role, "role")), "none");
    assert_int_equal (s_int (role, "term"), 0);
    json_decref (role);
    int64_t before = clock_mono_ms ();
    s_send (fx, "n1", "c1", json_pack ("{s:s, s:i, s:i}", "type", "clock_skew",
            "msg_id", 12, "offset_ms", 3600000));
    json_t *skew = s_expect (fx, "clock_skew_ok", "c1");
    assert_int_equal (s_int (skew, "offset_ms"), 3600000);
    json_decref (skew);
    json_t *probe = s_probe_node (fx);
    assert_int_equal (s_int (probe, "skew_ms"), 3600000);
    assert_true (s_int (probe, "now_ms") >= before + 3600000);
    json_decref (probe);
    s_send (fx, "n1", "c1", json_pack ("{s:s, s:i, s:s}", "type", "clock_skew",
            "msg_id", 13, "offset_ms", "soon"));
    json_t *error = s_expect (fx, "error", "c1");
    assert_int_equal (s_int (error, "code"), NODE_ERR_MALFORMED_REQUEST);
    json_decref (error);
    //  Past FL_FAKETIME_OFFSET_MS_MAX either way, or past int64 (1e300 cast
    //  to int64_t is undefined: it gave INT64_MIN), refused; the skew stays.
    double far [] = { 1e300, -1e300, (double) FL_FAKETIME_OFFSET_MS_MAX + 1 };
    for (int i = 0; i < 3; i++) {
        s_send (fx, "n1", "c1", json_pack ("{s:s, s:i, s:f}", "type", "clock_skew",
                "msg_id", 14 + i, "offset_ms", far [i]));
        error = s_expect (fx, "error", "c1");
        assert_int_equal (s_int (error, "code"), NODE_ERR_MALFORMED_REQUEST);
        assert_non_null (strstr (json_string_value (json_object_get (error, "text")),
                                 "FL_FAKETIME_OFFSET_MS_MAX"));
        json_decref (error);
    }
    probe = s_probe_node (fx);
    assert_int_equal (s_int (probe, "skew_ms"), 3600000);
    json_decref (probe);
}

static void
test_bad_arguments_in_process (void **state)
{
    (void) state;
    char *no_id [] = { "node", "--connect", "ipc:///tmp/x", NULL };
    char *unknown [] = { "node", "--id", "n1", "--connect", "ipc:///tmp/x", "--frob", NULL };
    char *no_value [] = { "node", "--id", "n1", "--connect", NULL };
    char *bad_seed [] = { "node", "--id=n1", "--connect=ipc:///tmp/x", "--seed=x1", NULL };
    unsetenv ("FAULTLAB_ID");
    unsetenv ("FAULTLAB_CONNECT");
    assert_null (node_new (3, no_id));
    assert_null (node_new (6, unknown));
    assert_null (node_new (4, no_value));
    assert_null (node_new (4, bad_seed));
}

//  Send fd 2 to path until s_stderr_restore; returns the saved fd.
static int
s_stderr_to (const char *path)
{
    fflush (stderr);
    int saved = dup (2);
    int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true (saved >= 0 && fd >= 0);
    dup2 (fd, 2);
    close (fd);
    return saved;
}

//  Put fd 2 back; returns what was written to path (caller frees).
static char *
s_stderr_restore (int saved, const char *path)
{
    fflush (stderr);
    dup2 (saved, 2);
    close (saved);
    FILE *file = fopen (path, "r");
    assert_non_null (file);
    char *text = NULL;
    size_t size = 0;
    if (getdelim (&text, &size, 0, file) < 0) {
        free (text);
        text = strdup ("");
    }
    fclose (file);
    unlink (path);
    return text;
}

//  Stop the node thread and wait for it.
static void
s_stop_node (fx_t *fx)
{
    s_send (fx, "n1", "c1", json_pack ("{s:s}", "type", "stop"));
    struct timespec deadline;
    clock_gettime (CLOCK_REALTIME, &deadline);
    deadline.tv_sec += WAIT_MS / 1000;
    assert_int_equal (pthread_timedjoin_np (fx->thread, NULL, &deadline), 0);
    fx->running = false;
}

static void
test_timers_max (void **state)
{
    fx_t *fx = (fx_t *) *state;
    s_init_node (fx);
    s_send (fx, "n1", "c1", json_pack ("{s:s, s:i}", "type", "fill_timers", "msg_id", 20));
    json_t *reply = s_expect (fx, "fill_timers_ok", "c1");
    assert_int_equal (s_int (reply, "added"), FL_TIMERS_MAX);
    assert_int_equal (s_int (reply, "last"), -1);
    json_decref (reply);
    //  Cancelled, they free their slots: the node still runs timers.
    s_send (fx, "n1", "c1", json_pack ("{s:s, s:i}", "type", "fill_timers", "msg_id", 21));
    reply = s_expect (fx, "fill_timers_ok", "c1");
    assert_int_equal (s_int (reply, "added"), FL_TIMERS_MAX);
    json_decref (reply);
}

static void
test_rpc_inflight_max (void **state)
{
    fx_t *fx = (fx_t *) *state;
    s_init_node (fx);
    s_send (fx, "n1", "c1", json_pack ("{s:s, s:i}", "type", "fill_rpcs", "msg_id", 22));
    for (int index = 0; index < FL_RPC_INFLIGHT_MAX; index++)
        json_decref (s_expect (fx, "ping", "n2"));
    json_t *reply = s_expect (fx, "fill_rpcs_ok", "c1");
    assert_int_equal (s_int (reply, "refused"), 1);
    assert_int_equal (s_int (reply, "last"), -1);
    json_decref (reply);
    //  The refused one's callback ran once, with NULL, from the loop.
    json_t *probe = s_probe_node (fx);
    assert_int_equal (s_int (probe, "rpc_calls"), 1);
    assert_int_equal (s_int (probe, "many_replies"), 0);
    assert_int_equal (s_int (probe, "reentrant"), 0);
    json_decref (probe);
}

static void
test_events_batch (void **state)
{
    fx_t *fx = (fx_t *) *state;
    s_init_node (fx);
    s_send (fx, "n1", "c1", json_pack ("{s:s}", "type", "go_batch"));
    for (int index = 0; index < FL_NODE_EVENTS_BATCH + 1; index++)
        json_decref (s_expect (fx, "ping", "n2"));
    json_t *tick = s_expect (fx, "batch_tick", "c1");
    assert_int_equal (s_int (tick, "expired"), FL_NODE_EVENTS_BATCH);
    json_decref (tick);
    int64_t deadline = clock_mono_ms () + WAIT_MS;
    while (true) {
        json_t *probe = s_probe_node (fx);
        json_int_t expired = s_int (probe, "batch_expired");
        json_decref (probe);
        if (expired == FL_NODE_EVENTS_BATCH + 1)
            break;
        assert_true (clock_mono_ms () < deadline);
        zclock_sleep (5);
    }
}

static void
test_stop_rounds (void **state)
{
    fx_t *fx = (fx_t *) *state;
    s_init_node (fx);
    s_send (fx, "n1", "c1", json_pack ("{s:s}", "type", "go_stubborn"));
    json_decref (s_expect (fx, "ping", "n2"));
    char path [128];
    snprintf (path, sizeof path, "%s/stderr.log", fx->dir);
    int saved = s_stderr_to (path);
    s_stop_node (fx);
    char *text = s_stderr_restore (saved, path);
    //  The expiry at stop and one call per round; the call still owed
    //  after the last round is not made, and the log says so.
    assert_int_equal (fx->stubborn_calls, FL_NODE_STOP_ROUNDS + 1);
    if (!strstr (text, "1 rpc callback(s) still owed after FL_NODE_STOP_ROUNDS"))
        fail_msg ("stderr does not name FL_NODE_STOP_ROUNDS: %s", text);
    free (text);
}

static void
test_params_max (void **state)
{
    (void) state;
    char *argv [FL_NODE_PARAMS_MAX + 8];
    char params [FL_NODE_PARAMS_MAX + 1][32];     //  room for any int under -O1
    int argc = 0;
    argv [argc++] = "node";
    argv [argc++] = "--id=n1";
    argv [argc++] = "--connect=ipc:///tmp/fl-node-lib-params";
    for (int index = 0; index < FL_NODE_PARAMS_MAX; index++) {
        snprintf (params [index], sizeof params [index], "--param=k%d=v", index);
        argv [argc++] = params [index];
    }
    argv [argc] = NULL;
    node_t *node = node_new (argc, argv);
    assert_non_null (node);
    assert_string_equal (node_param (node, "k0"), "v");
    node_destroy (&node);
    snprintf (params [FL_NODE_PARAMS_MAX], sizeof params [0], "--param=k%d=v",
              FL_NODE_PARAMS_MAX);
    argv [argc++] = params [FL_NODE_PARAMS_MAX];
    argv [argc] = NULL;
    char path [] = "/tmp/fl-node-lib-params-XXXXXX";
    int fd = mkstemp (path);
    assert_true (fd >= 0);
    close (fd);
    int saved = s_stderr_to (path);
    node = node_new (argc, argv);
    char *text = s_stderr_restore (saved, path);
    assert_null (node);
    if (!strstr (text, "more than FL_NODE_PARAMS_MAX (32) --param 'k32=v'"))
        fail_msg ("stderr does not name FL_NODE_PARAMS_MAX: %s", text);
    free (text);
}


//  --------------------------------------------------------------------------
//  bin/node-echo as a real child process

static void
test_echo_round_trip (void **state)
{
    fx_t *fx = (fx_t *) *state;
    char log [128];
    snprintf (log, sizeof log, "%s/echo.log", fx->dir);
    char *argv [] = { "bin/node-echo", "--id", "n7", "--connect", fx->endpoint, NULL };
    pid_t pid = kit_spawn (argv, log, false);
    s_send (fx, "n7", "c1", json_pack ("{s:s, s:i, s:s, s:[s]}", "type", "init",
            "msg_id", 1, "node_id", "n7", "node_ids", "n7"));
    json_decref (s_expect (fx, "init_ok", "c1"));
    s_send (fx, "n7", "c1", json_pack ("{s:s, s:i, s:{s:[i,s]}}", "type", "echo",
            "msg_id", 2, "echo", "deep", 1, "x"));
    json_t *reply = s_expect (fx, "echo_ok", "c1");
    assert_int_equal (s_int (reply, "in_reply_to"), 2);
    json_t *expected = json_pack ("{s:[i,s]}", "deep", 1, "x");
    assert_true (json_equal (json_object_get (reply, "echo"), expected));
    json_decref (expected);
    json_decref (reply);
    kill (pid, SIGTERM);
    assert_int_equal (kit_wait (pid, WAIT_MS), 0);
    unlink (log);
}

//  Read one line from fd within WAIT_MS; returns it parsed (caller decrefs).
static json_t *
s_read_line (int fd)
{
    char line [4096];
    size_t len = 0;
    int64_t deadline = clock_mono_ms () + WAIT_MS;
    while (len < sizeof line - 1) {
        struct pollfd item = { fd, POLLIN, 0 };
        long left = (long) (deadline - clock_mono_ms ());
        assert_true (left > 0);
        if (poll (&item, 1, (int) left) <= 0)
            continue;
        assert_int_equal (read (fd, line + len, 1), 1);
        if (line [len] == '\n')
            break;
        len++;
    }
    line [len] = 0;
    json_t *envelope = json_loads (line, 0, NULL);
    if (!envelope)
        fail_msg ("the node wrote a line that is not JSON: %s", line);
    return envelope;
}

//  --stdio: Maelstrom's transport. No --id: init names the node. A line
//  over FL_MSG_BYTES_MAX and junk are logged and dropped, requests are
//  answered on stdout with src as init said, and EOF on stdin stops the
//  node cleanly.
static void
test_echo_stdio (void **state)
{
    fx_t *fx = (fx_t *) *state;
    char log [128];
    snprintf (log, sizeof log, "%s/stdio.log", fx->dir);
    int in [2], out [2];
    assert_int_equal (pipe (in), 0);
    assert_int_equal (pipe (out), 0);
    pid_t pid = fork ();
    assert_true (pid >= 0);
    if (pid == 0) {
        prctl (PR_SET_PDEATHSIG, SIGKILL);
        int fd = open (log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2 (in [0], 0);
        dup2 (out [1], 1);
        if (fd >= 0)
            dup2 (fd, 2);
        close (in [1]);
        close (out [0]);
        execl ("bin/node-echo", "bin/node-echo", "--stdio", (char *) NULL);
        _exit (127);
    }
    close (in [0]);
    close (out [1]);
    FILE *to = fdopen (in [1], "w");
    assert_non_null (to);
    for (int index = 0; index <= FL_MSG_BYTES_MAX; index++)
        fputc ('x', to);
    fputs ("\njunk\n", to);
    fputs ("{\"src\":\"c0\",\"dest\":\"n4\",\"body\":{\"type\":\"init\",\"msg_id\":1,"
           "\"node_id\":\"n4\",\"node_ids\":[\"n4\",\"n5\"]},\"id\":0}\n", to);
    fputs ("{\"src\":\"c9\",\"dest\":\"n4\",\"body\":{\"type\":\"echo\",\"msg_id\":7,"
           "\"echo\":\"hi\"},\"id\":1}\n", to);
    fflush (to);
    json_t *reply = s_read_line (out [0]);
    assert_string_equal (json_string_value (json_object_get (reply, "src")), "n4");
    assert_string_equal (json_string_value (json_object_get (reply, "dest")), "c0");
    json_t *body = json_object_get (reply, "body");
    assert_string_equal (json_string_value (json_object_get (body, "type")), "init_ok");
    assert_int_equal (json_integer_value (json_object_get (body, "in_reply_to")), 1);
    json_decref (reply);
    reply = s_read_line (out [0]);
    assert_string_equal (json_string_value (json_object_get (reply, "dest")), "c9");
    body = json_object_get (reply, "body");
    assert_string_equal (json_string_value (json_object_get (body, "type")), "echo_ok");
    assert_string_equal (json_string_value (json_object_get (body, "echo")), "hi");
    assert_int_equal (json_integer_value (json_object_get (body, "in_reply_to")), 7);
    json_decref (reply);
    fclose (to);                        //  EOF: Maelstrom is done
    assert_int_equal (kit_wait (pid, WAIT_MS), 0);
    close (out [0]);
    char *text = NULL;
    size_t size = 0;
    FILE *file = fopen (log, "r");
    assert_non_null (file);
    assert_true (getdelim (&text, &size, 0, file) > 0);
    fclose (file);
    const char *says [] = { "stdin line 1: over FL_MSG_BYTES_MAX", "stdin line 2: dropped malformed JSON",
                            "stdin closed: stopping" };
    for (size_t index = 0; index < 3; index++)
        if (!strstr (text, says [index]))
            fail_msg ("stderr does not say '%s': %s", says [index], text);
    free (text);
    unlink (log);
}

static void
test_echo_bad_command_lines (void **state)
{
    fx_t *fx = (fx_t *) *state;
    char log [128];
    snprintf (log, sizeof log, "%s/bad.log", fx->dir);
    struct { char *argv [8]; const char *says; } cases [] = {
        { { "bin/node-echo", NULL }, "'--id'" },
        { { "bin/node-echo", "--id", "n1", NULL }, "'--connect'" },
        { { "bin/node-echo", "--id", "n1", "--connect", fx->endpoint, "--frob", NULL }, "'--frob'" },
        { { "bin/node-echo", "--id", "n1", "--connect", fx->endpoint, "stray", NULL }, "'stray'" },
        { { "bin/node-echo", "--id", "n1", "--connect", "nowhere", NULL }, "'nowhere'" },
        { { "bin/node-echo", "--stdio", "--connect", fx->endpoint, NULL }, "takes no '--connect'" },
    };
    for (size_t index = 0; index < sizeof cases / sizeof cases [0]; index++) {
        pid_t pid = kit_spawn (cases [index].argv, log, false);
        assert_int_equal (kit_wait (pid, WAIT_MS), 64);
        char *text = NULL;
        FILE *file = fopen (log, "r");
        assert_non_null (file);
        size_t size = 0;
        assert_true (getdelim (&text, &size, 0, file) > 0);
        fclose (file);
        if (!strstr (text, cases [index].says))
            fail_msg ("stderr does not name %s: %s", cases [index].says, text);
        free (text);
    }
    unlink (log);
}

//  The loop's poll: the time to the next deadline, capped at
//  FL_NODE_POLL_MS_MAX when it is further or there is none.
static void
test_poll_capped_at_FL_NODE_POLL_MS_MAX (void **state)
{
    (void) state;
    int64_t now = 5000;
    assert_int_equal (node_poll_ms (-1, now), FL_NODE_POLL_MS_MAX);
    assert_int_equal (node_poll_ms (now + FL_NODE_POLL_MS_MAX + 1, now), FL_NODE_POLL_MS_MAX);
    assert_int_equal (node_poll_ms (now + 3600 * 1000, now), FL_NODE_POLL_MS_MAX);
    assert_int_equal (node_poll_ms (now + FL_NODE_POLL_MS_MAX, now), FL_NODE_POLL_MS_MAX);
    assert_int_equal (node_poll_ms (now + FL_NODE_POLL_MS_MAX - 1, now), FL_NODE_POLL_MS_MAX - 1);
    assert_int_equal (node_poll_ms (now + 1, now), 1);
    assert_int_equal (node_poll_ms (now, now), 0);
    assert_int_equal (node_poll_ms (now - 10, now), 0);
}

int
main (void)
{
    tap_start (120);
    zsys_set_logstream (stderr);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_poll_capped_at_FL_NODE_POLL_MS_MAX),
        cmocka_unit_test_setup_teardown (test_init_handshake, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_reply_routing, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_rpc_timeout_once, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_rpc_send_failure_not_reentrant, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_many_rpcs_each_once, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_stop_answers_waiting_rpcs, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_timers_fire_and_cancel, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_unknown_type_error_10, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_malformed_survives, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_role_and_clock_skew, s_setup, s_teardown),
        cmocka_unit_test (test_bad_arguments_in_process),
        cmocka_unit_test_setup_teardown (test_timers_max, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_rpc_inflight_max, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_events_batch, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_stop_rounds, s_setup, s_teardown),
        cmocka_unit_test (test_params_max),
        cmocka_unit_test_setup_teardown (test_echo_round_trip, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_echo_bad_command_lines, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_echo_stdio, s_setup, s_teardown),
    };
    return cmocka_run_group_tests_name ("node_lib", tests, NULL, NULL);
}
