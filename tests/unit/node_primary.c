/*  node_primary.c -- bin/node-primary, three real processes, with this test
    as their proxy.

    The test binds a ROUTER, starts n1..n3, and routes their messages itself
    ([from][to][env] in, [to][from][env] out) through a block matrix, so it
    can partition them without bin/proxy. It checks the lin-kv answers, the
    forwarding of a backup, the indefinite error when the primary is
    unreachable, and the point of the system: under a partition both sides
    have a primary, and after the heal an acknowledged write is lost.

    Waits poll for a condition under a deadline; no assertion depends on how
    fast anything happened.
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
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "clock.h"
#include "../../nodes/lib/node.h"

#define NODES       3
#define WAIT_MS     5000

typedef struct {
    char dir [64];
    char endpoint [128];
    zsock_t *router;
    pid_t pids [NODES];
    bool blocked [NODES][NODES];    //  [from][to]
    zlist_t *inbox;                 //  json_t bodies sent to c1
    int msg_id;
} fx_t;

static int
s_index (const char *id)
{
    if (strlen (id) == 2 && id [0] == 'n' && id [1] >= '1' && id [1] < '1' + NODES)
        return id [1] - '1';
    return -1;
}

//  Route messages for up to ms milliseconds.
static void
s_pump (fx_t *fx, int ms)
{
    int64_t deadline = clock_mono_ms () + ms;
    while (clock_mono_ms () < deadline) {
        zsock_set_rcvtimeo (fx->router, 5);
        zmsg_t *msg = zmsg_recv (fx->router);
        if (!msg)
            continue;
        char *from = zmsg_popstr (msg);
        char *to = zmsg_popstr (msg);
        char *text = zmsg_popstr (msg);
        assert_non_null (text);
        int src = s_index (from), dest = s_index (to);
        if (streq (to, "c1")) {
            json_t *envelope = json_loads (text, 0, NULL);
            assert_non_null (envelope);
            zlist_append (fx->inbox, json_incref (json_object_get (envelope, "body")));
            json_decref (envelope);
        }
        else
        if (src >= 0 && dest >= 0 && !fx->blocked [src][dest])
            kit_router_send (fx->router, to, from, text, WAIT_MS);
        free (from), free (to), free (text);
        zmsg_destroy (&msg);
    }
}

//  Send body from c1 to node and route until its reply comes; returns it.
static json_t *
s_call (fx_t *fx, const char *node, json_t *body)
{
    int msg_id = ++fx->msg_id;
    json_object_set_new (body, "msg_id", json_integer (msg_id));
    char *text = kit_envelope ("c1", node, body);
    kit_router_send (fx->router, node, "c1", text, WAIT_MS);
    free (text);
    int64_t deadline = clock_mono_ms () + WAIT_MS;
    while (clock_mono_ms () < deadline) {
        s_pump (fx, 10);
        json_t *reply;
        while ((reply = (json_t *) zlist_pop (fx->inbox))) {
            if (json_integer_value (json_object_get (reply, "in_reply_to")) == msg_id)
                return reply;
            json_decref (reply);
        }
    }
    fail_msg ("no reply from %s to msg_id %d", node, msg_id);
    return NULL;
}

static const char *
s_type (json_t *body)
{
    return json_string_value (json_object_get (body, "type"));
}

static json_int_t
s_code (json_t *body)
{
    assert_string_equal (s_type (body), "error");
    return json_integer_value (json_object_get (body, "code"));
}

//  The role a node reports ("primary"/"backup"); the caller frees it.
static char *
s_role (fx_t *fx, const char *node, json_int_t *term)
{
    json_t *reply = s_call (fx, node, json_pack ("{s:s}", "type", "role"));
    assert_string_equal (s_type (reply), "role_ok");
    char *role = strdup (json_string_value (json_object_get (reply, "role")));
    if (term)
        *term = json_integer_value (json_object_get (reply, "term"));
    json_decref (reply);
    return role;
}

static bool
s_role_is (fx_t *fx, const char *node, const char *role)
{
    char *got = s_role (fx, node, NULL);
    bool is = streq (got, role);
    free (got);
    return is;
}

//  Route until node reports role, or fail after WAIT_MS.
static void
s_await_role (fx_t *fx, const char *node, const char *role)
{
    int64_t deadline = clock_mono_ms () + WAIT_MS;
    while (!s_role_is (fx, node, role)) {
        if (clock_mono_ms () > deadline)
            fail_msg ("%s never became %s", node, role);
        s_pump (fx, 50);
    }
}

//  Route until n2 or n3 reports primary, or fail after WAIT_MS.
static void
s_await_new_primary (fx_t *fx)
{
    int64_t deadline = clock_mono_ms () + WAIT_MS;
    while (!s_role_is (fx, "n2", "primary") && !s_role_is (fx, "n3", "primary")) {
        if (clock_mono_ms () > deadline)
            fail_msg ("neither n2 nor n3 took over");
        s_pump (fx, 50);
    }
}

static void
s_expect_ok (fx_t *fx, const char *node, json_t *body, const char *type)
{
    json_t *reply = s_call (fx, node, body);
    if (!streq (s_type (reply), type))
        fail_msg ("%s answered %s (code %lld), expected %s", node, s_type (reply),
                  (long long) json_integer_value (json_object_get (reply, "code")), type);
    json_decref (reply);
}

static json_t *
s_read (fx_t *fx, const char *node, const char *key)
{
    json_t *reply = s_call (fx, node, json_pack ("{s:s, s:s}", "type", "read", "key", key));
    assert_string_equal (s_type (reply), "read_ok");
    json_t *value = json_incref (json_object_get (reply, "value"));
    json_decref (reply);
    return value;
}

static void
s_partition (fx_t *fx, int alone)
{
    for (int a = 0; a < NODES; a++)
        for (int b = 0; b < NODES; b++)
            fx->blocked [a][b] = a != b && (a == alone || b == alone);
}

static int
s_setup (void **state)
{
    fx_t *fx = (fx_t *) zmalloc (sizeof (fx_t));
    strcpy (fx->dir, "/tmp/fl-node-primary-XXXXXX");
    assert_non_null (mkdtemp (fx->dir));
    snprintf (fx->endpoint, sizeof fx->endpoint, "ipc://%s/net", fx->dir);
    fx->router = zsock_new (ZMQ_ROUTER);
    zsock_set_router_mandatory (fx->router, 1);
    assert_int_equal (zsock_bind (fx->router, "%s", fx->endpoint), 0);
    fx->inbox = zlist_new ();
    for (int index = 0; index < NODES; index++) {
        char id [16], log [128];
        snprintf (id, sizeof id, "n%d", index + 1);
        snprintf (log, sizeof log, "%s/%s.log", fx->dir, id);
        char *argv [] = { "bin/node-primary", "--id", id, "--connect", fx->endpoint,
                          "--seed", "42", NULL };
        fx->pids [index] = kit_spawn (argv, log, false);
    }
    for (int index = 0; index < NODES; index++) {
        char id [16];
        snprintf (id, sizeof id, "n%d", index + 1);
        json_t *reply = s_call (fx, id, json_pack ("{s:s, s:s, s:[sss]}", "type", "init",
                                "node_id", id, "node_ids", "n1", "n2", "n3"));
        assert_string_equal (s_type (reply), "init_ok");
        json_decref (reply);
    }
    *state = fx;
    return 0;
}

static int
s_teardown (void **state)
{
    fx_t *fx = (fx_t *) *state;
    for (int index = 0; index < NODES; index++)
        kill (fx->pids [index], SIGTERM);
    for (int index = 0; index < NODES; index++) {
        assert_int_equal (kit_wait (fx->pids [index], WAIT_MS), 0);
        char log [128];
        snprintf (log, sizeof log, "%s/n%d.log", fx->dir, index + 1);
        unlink (log);
    }
    json_t *body;
    while ((body = (json_t *) zlist_pop (fx->inbox)))
        json_decref (body);
    zlist_destroy (&fx->inbox);
    zsock_destroy (&fx->router);
    char path [256];
    snprintf (path, sizeof path, "%s/net", fx->dir);
    unlink (path);
    rmdir (fx->dir);
    free (fx);
    return 0;
}

static void
test_lin_kv_answers (void **state)
{
    fx_t *fx = (fx_t *) *state;
    json_int_t term = -1;
    char *role = s_role (fx, "n1", &term);
    assert_string_equal (role, "primary");
    assert_int_equal (term, 0);
    free (role);
    assert_true (s_role_is (fx, "n2", "backup"));
    //  Through a backup (forwarded) and at the primary
    s_expect_ok (fx, "n2", json_pack ("{s:s, s:s, s:i}", "type", "write", "key", "x", "value", 1), "write_ok");
    json_t *value = s_read (fx, "n3", "x");
    assert_int_equal (json_integer_value (value), 1);
    json_decref (value);
    s_expect_ok (fx, "n1", json_pack ("{s:s, s:s, s:i, s:i}", "type", "cas", "key", "x",
                 "from", 1, "to", 2), "cas_ok");
    json_t *reply = s_call (fx, "n3", json_pack ("{s:s, s:s, s:i, s:i}", "type", "cas",
                            "key", "x", "from", 1, "to", 3));
    assert_int_equal (s_code (reply), NODE_ERR_PRECONDITION_FAILED);
    json_decref (reply);
    reply = s_call (fx, "n2", json_pack ("{s:s, s:s}", "type", "read", "key", "nope"));
    assert_int_equal (s_code (reply), NODE_ERR_KEY_DOES_NOT_EXIST);
    json_decref (reply);
    reply = s_call (fx, "n1", json_pack ("{s:s, s:s, s:i, s:i}", "type", "cas",
                    "key", "nope", "from", 1, "to", 2));
    assert_int_equal (s_code (reply), NODE_ERR_KEY_DOES_NOT_EXIST);
    json_decref (reply);
    //  Keys and values are any JSON
    s_expect_ok (fx, "n3", json_pack ("{s:s, s:[i,i], s:{s:[s]}}", "type", "write",
                 "key", 1, 2, "value", "a", "b"), "write_ok");
    reply = s_call (fx, "n1", json_pack ("{s:s, s:[i,i]}", "type", "read", "key", 1, 2));
    json_t *expected = json_pack ("{s:[s]}", "a", "b");
    assert_true (json_equal (json_object_get (reply, "value"), expected));
    json_decref (expected);
    json_decref (reply);
    //  Replicated: once the primary is cut off, a backup that takes over
    //  still has what was written before
    s_partition (fx, 0);
    s_await_new_primary (fx);
    value = s_read (fx, "n2", "x");
    assert_int_equal (json_integer_value (value), 2);
    json_decref (value);
}

//  A forward unanswered for FL_PRIMARY_FORWARD_TIMEOUT_MS is error 0
//  (indefinite: the primary may have applied it), and the text names it.
static void
test_forward_timeout_is_indefinite (void **state)
{
    fx_t *fx = (fx_t *) *state;
    //  n2 cannot reach n1, but hears its heartbeats, so it stays a backup
    fx->blocked [1][0] = true;
    json_t *reply = s_call (fx, "n2", json_pack ("{s:s, s:s, s:i}", "type", "write",
                            "key", "x", "value", 5));
    assert_int_equal (s_code (reply), NODE_ERR_TIMEOUT);
    const char *text = json_string_value (json_object_get (reply, "text"));
    assert_non_null (text);
    assert_non_null (strstr (text, "FL_PRIMARY_FORWARD_TIMEOUT_MS"));
    json_decref (reply);
    assert_true (s_role_is (fx, "n2", "backup"));
}

static void
test_split_brain_loses_acknowledged_write (void **state)
{
    fx_t *fx = (fx_t *) *state;
    s_expect_ok (fx, "n1", json_pack ("{s:s, s:s, s:s}", "type", "write", "key", "k",
                 "value", "before"), "write_ok");
    s_pump (fx, 300);                   //  replicated
    s_partition (fx, 0);
    //  The majority side promotes one of its own; n1 stays primary alone
    s_await_new_primary (fx);
    assert_true (s_role_is (fx, "n1", "primary"));
    //  Both primaries acknowledge a write
    s_expect_ok (fx, "n1", json_pack ("{s:s, s:s, s:s}", "type", "write", "key", "k",
                 "value", "lost"), "write_ok");
    s_expect_ok (fx, "n2", json_pack ("{s:s, s:s, s:s}", "type", "write", "key", "k",
                 "value", "kept"), "write_ok");
    //  Heal: the higher epoch wins, n1 steps down and its write is gone
    s_partition (fx, -1);
    s_await_role (fx, "n1", "backup");
    json_t *value = s_read (fx, "n1", "k");
    assert_string_equal (json_string_value (value), "kept");
    json_decref (value);
}

//  replica_read: the node's own store, at once, sorted by the key's text
//  ("x" before 1); a backup holds the primary's after a sync; a cut-off
//  backup still answers, from what it has, asking no one.
static char *
s_replica (fx_t *fx, const char *node)
{
    json_t *reply = s_call (fx, node, json_pack ("{s:s}", "type", "replica_read"));
    assert_string_equal (s_type (reply), "replica_read_ok");
    char *text = json_dumps (json_object_get (reply, "state"), JSON_COMPACT);
    json_decref (reply);
    return text;
}

static void
test_replica_read (void **state)
{
    fx_t *fx = (fx_t *) *state;
    char *text = s_replica (fx, "n3");
    assert_string_equal (text, "[]");
    free (text);
    s_expect_ok (fx, "n1", json_pack ("{s:s, s:i, s:i}", "type", "write", "key", 1,
                 "value", 2), "write_ok");
    s_expect_ok (fx, "n1", json_pack ("{s:s, s:s, s:i}", "type", "write", "key", "x",
                 "value", 1), "write_ok");
    text = s_replica (fx, "n1");
    assert_string_equal (text, "[[\"x\",1],[1,2]]");
    free (text);
    int64_t deadline = clock_mono_ms () + WAIT_MS;
    while (true) {
        text = s_replica (fx, "n3");
        if (streq (text, "[[\"x\",1],[1,2]]"))
            break;
        free (text);
        if (clock_mono_ms () > deadline)
            fail_msg ("n3 never held n1's store");
        s_pump (fx, 50);
    }
    free (text);
    s_partition (fx, 2);
    text = s_replica (fx, "n3");
    assert_string_equal (text, "[[\"x\",1],[1,2]]");
    free (text);
}

int
main (void)
{
    tap_start (120);
    zsys_set_logstream (stderr);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_lin_kv_answers, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_forward_timeout_is_indefinite, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_split_brain_loses_acknowledged_write, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_replica_read, s_setup, s_teardown),
    };
    return cmocka_run_group_tests_name ("node_primary", tests, NULL, NULL);
}
