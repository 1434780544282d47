/*  node_primary_proxy.c -- bin/node-primary behind the real bin/proxy.

    The deployment the harness uses: the proxy in the middle, three primary
    nodes and one client "c1" as DEALERs, the partition set through the
    proxy's control socket (docs/proxy.md). This checks the node library
    against the proxy's framing and the system's point end to end: a write
    acknowledged by the old primary during a partition is gone after the
    heal.

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
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "clock.h"
#include "../../nodes/lib/node.h"

#define NODES       3
#define WAIT_MS     5000

typedef struct {
    char dir [64];
    char net [128];
    char control [128];
    pid_t proxy;
    pid_t pids [NODES];
    zsock_t *client;
    zsock_t *ctl;
    int msg_id;
} fx_t;

//  Send body to node from c1; wait for the reply to it, or NULL.
static json_t *
s_call_once (fx_t *fx, const char *node, json_t *body, int timeout_ms)
{
    int msg_id = ++fx->msg_id;
    json_object_set_new (body, "msg_id", json_integer (msg_id));
    char *text = kit_envelope ("c1", node, body);
    zstr_sendm (fx->client, node);
    zstr_send (fx->client, text);
    free (text);
    int64_t deadline = clock_mono_ms () + timeout_ms;
    while (clock_mono_ms () < deadline) {
        zsock_set_rcvtimeo (fx->client, 50);
        zmsg_t *msg = zmsg_recv (fx->client);
        if (!msg)
            continue;
        char *src = zmsg_popstr (msg);
        char *data = zmsg_popstr (msg);
        json_t *got = json_loads (data ? data: "", 0, NULL);
        json_t *reply = json_incref (json_object_get (got, "body"));
        json_decref (got);
        free (src), free (data);
        zmsg_destroy (&msg);
        if (json_integer_value (json_object_get (reply, "in_reply_to")) == msg_id)
            return reply;
        json_decref (reply);
    }
    return NULL;
}

static json_t *
s_call (fx_t *fx, const char *node, json_t *body)
{
    json_t *reply = s_call_once (fx, node, body, WAIT_MS);
    if (!reply)
        fail_msg ("no reply from %s", node);
    return reply;
}

static const char *
s_type (json_t *body)
{
    return json_string_value (json_object_get (body, "type"));
}

static void
s_control (fx_t *fx, const char *request)
{
    zstr_send (fx->ctl, request);
    char *reply = zstr_recv (fx->ctl);
    assert_non_null (reply);
    if (!strstr (reply, "\"ok\":true") && !strstr (reply, "\"ok\": true"))
        fail_msg ("proxy refused %s: %s", request, reply);
    free (reply);
}

static bool
s_role_is (fx_t *fx, const char *node, const char *role)
{
    json_t *reply = s_call (fx, node, json_pack ("{s:s}", "type", "role"));
    bool is = streq (json_string_value (json_object_get (reply, "role")), role);
    json_decref (reply);
    return is;
}

static void
s_write (fx_t *fx, const char *node, const char *value)
{
    json_t *reply = s_call (fx, node, json_pack ("{s:s, s:s, s:s}", "type", "write",
                            "key", "k", "value", value));
    assert_string_equal (s_type (reply), "write_ok");
    json_decref (reply);
}

//  The proxy prints its ready line once it serves; wait for it in its log.
static void
s_await_proxy (const char *log)
{
    int64_t deadline = clock_mono_ms () + WAIT_MS;
    while (true) {
        char *text = NULL;
        size_t size = 0;
        FILE *file = fopen (log, "r");
        bool ready = file && getdelim (&text, &size, 0, file) > 0
                  && strstr (text, "\"ready\":true");
        if (file)
            fclose (file);
        free (text);
        if (ready)
            return;
        assert_true (clock_mono_ms () < deadline);
        zclock_sleep (10);
    }
}

//  init through the proxy, re-sent until the node is there (as the harness).
static void
s_init (fx_t *fx, const char *id)
{
    int64_t deadline = clock_mono_ms () + WAIT_MS;
    while (true) {
        json_t *reply = s_call_once (fx, id, json_pack ("{s:s, s:s, s:[sss]}", "type", "init",
                                     "node_id", id, "node_ids", "n1", "n2", "n3"), 100);
        bool ok = reply && streq (s_type (reply), "init_ok");
        json_decref (reply);
        if (ok)
            return;
        assert_true (clock_mono_ms () < deadline);
    }
}

static int
s_setup (void **state)
{
    fx_t *fx = (fx_t *) zmalloc (sizeof (fx_t));
    strcpy (fx->dir, "/tmp/fl-primary-proxy-XXXXXX");
    assert_non_null (mkdtemp (fx->dir));
    snprintf (fx->net, sizeof fx->net, "ipc://%s/net", fx->dir);
    snprintf (fx->control, sizeof fx->control, "ipc://%s/ctl", fx->dir);
    char log [128];
    snprintf (log, sizeof log, "%s/proxy.log", fx->dir);
    char *proxy_argv [] = { "bin/proxy", "--net", fx->net, "--control", fx->control,
                            "--seed", "1", NULL };
    fx->proxy = kit_spawn (proxy_argv, log, true);
    s_await_proxy (log);
    fx->client = zsock_new (ZMQ_DEALER);
    zsock_set_identity (fx->client, "c1");
    assert_int_equal (zsock_connect (fx->client, "%s", fx->net), 0);
    fx->ctl = zsock_new (ZMQ_REQ);
    zsock_set_rcvtimeo (fx->ctl, WAIT_MS);
    assert_int_equal (zsock_connect (fx->ctl, "%s", fx->control), 0);
    for (int index = 0; index < NODES; index++) {
        char id [16];
        snprintf (id, sizeof id, "n%d", index + 1);
        snprintf (log, sizeof log, "%s/%s.log", fx->dir, id);
        char *argv [] = { "bin/node-primary", "--id", id, "--connect", fx->net,
                          "--seed", "42", NULL };
        fx->pids [index] = kit_spawn (argv, log, true);
    }
    for (int index = 0; index < NODES; index++) {
        char id [16];
        snprintf (id, sizeof id, "n%d", index + 1);
        s_init (fx, id);
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
    for (int index = 0; index < NODES; index++)
        assert_int_equal (kit_wait (fx->pids [index], WAIT_MS), 0);
    kill (fx->proxy, SIGTERM);
    kit_wait (fx->proxy, WAIT_MS);
    zsock_destroy (&fx->client);
    zsock_destroy (&fx->ctl);
    assert_int_equal (tap_remove_dir (fx->dir), 0);
    free (fx);
    return 0;
}

static void
test_split_brain_through_proxy (void **state)
{
    fx_t *fx = (fx_t *) *state;
    assert_true (s_role_is (fx, "n1", "primary"));
    s_write (fx, "n3", "before");       //  forwarded by n3 to n1
    s_control (fx, "{\"cmd\":\"partition\",\"groups\":[[\"n1\"],[\"n2\",\"n3\"]]}");
    int64_t deadline = clock_mono_ms () + WAIT_MS;
    while (!s_role_is (fx, "n2", "primary") && !s_role_is (fx, "n3", "primary")) {
        assert_true (clock_mono_ms () < deadline);
        zclock_sleep (50);
    }
    assert_true (s_role_is (fx, "n1", "primary"));
    s_write (fx, "n1", "lost");
    s_write (fx, "n2", "kept");
    s_control (fx, "{\"cmd\":\"heal\"}");
    deadline = clock_mono_ms () + WAIT_MS;
    while (!s_role_is (fx, "n1", "backup")) {
        assert_true (clock_mono_ms () < deadline);
        zclock_sleep (50);
    }
    json_t *reply = s_call (fx, "n1", json_pack ("{s:s, s:s}", "type", "read", "key", "k"));
    assert_string_equal (s_type (reply), "read_ok");
    assert_string_equal (json_string_value (json_object_get (reply, "value")), "kept");
    json_decref (reply);
}

int
main (void)
{
    tap_start (120);
    zsys_set_logstream (stderr);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_split_brain_through_proxy, s_setup, s_teardown),
    };
    return cmocka_run_group_tests_name ("node_primary_proxy", tests, NULL, NULL);
}
