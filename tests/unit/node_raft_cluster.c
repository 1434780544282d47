/*  node_raft_cluster.c -- bin/node-raft end to end: a real bin/proxy and
    five real nodes, this test being the client ("c1", a DEALER) and the
    fault controller (a REQ on the proxy's control endpoint).

    Checks: lin-kv answers through the leader and through a follower
    (forwarding); a kill -9 of the leader elects a new one and keeps every
    acknowledged write; the killed node restarts from its data directory
    and rejoins; a kill -9 of the whole cluster loses no acknowledged write;
    a leader cut off from its majority stops acknowledging and steps down
    (error 11), the majority goes on, and after the heal the old leader
    follows again; pipelined load from ten in-flight requests succeeds;
    and a chaos run -- ten client processes against random nodes while a
    seeded nemesis partitions, kills and restarts, pauses, and drops,
    duplicates and reorders messages -- leaves a history that
    ./harness check finds linearizable (model kv).

    Every wait has a deadline; every child gets PR_SET_PDEATHSIG and is
    killed in teardown. Needs bin/proxy and bin/node-raft (make lab).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"
#include "node_kit.h"
#include <czmq.h>
#include <jansson.h>
#include "clock.h"
#include "rng.h"

#define NODES        5
#define WAIT_MS      10000      // deadline of any wait for the cluster
#define CALL_MS      2000       // deadline of one request
#define LOAD_OPS     3000       // ops in the pipelined load test
#define LOAD_WINDOW  10         // requests in flight, like ten clients
#define CHAOS_MS     12000      // chaos run: load and faults
#define CHAOS_SETTLE_MS 3000    // then healed, load goes on this long
#define CHAOS_STEP_MS 1000      // one nemesis action per step
#define CHAOS_PROCS  10         // client processes (one op in flight each)
#define CHAOS_KEYS   4
#define CHAOS_THINK_MS 5        // pause between a process's ops
#define CHAOS_TIMEOUT_MS 1000   // an op unanswered by then is info

typedef struct {
    char dir [64];
    char net [128];
    char ctl [128];
    pid_t proxy;
    pid_t pids [NODES];
    zsock_t *client;             // "c1": the client's requests
    zsock_t *admin;              // "c0": init and role, apart from the load
    zsock_t *control;
    int64_t msg_id;
} fx_t;

static void
s_exec_child (const char *log, char **argv)
{
    prctl (PR_SET_PDEATHSIG, SIGKILL);
    int fd = open (log, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0)
        dup2 (fd, 2);
    execv (argv [0], argv);
    _exit (127);
}

static void
s_start_node (fx_t *fx, int index)
{
    char id [16], log [128], data [128], seed [16];
    snprintf (id, sizeof id, "n%d", index + 1);
    snprintf (log, sizeof log, "%s/%s.log", fx->dir, id);
    snprintf (data, sizeof data, "%s/%s.data", fx->dir, id);
    snprintf (seed, sizeof seed, "%d", index + 1);
    fx->pids [index] = fork ();
    assert_true (fx->pids [index] >= 0);
    if (fx->pids [index] == 0) {
        char *argv [] = { "bin/node-raft", "--id", id, "--connect", fx->net,
                          "--data", data, "--seed", seed, NULL };
        s_exec_child (log, argv);
    }
}

static void
s_kill_node (fx_t *fx, int index)
{
    assert_true (fx->pids [index] > 0);
    kill (fx->pids [index], SIGKILL);
    waitpid (fx->pids [index], NULL, 0);
    fx->pids [index] = 0;
}

//  Start bin/proxy and wait for its ready line.
static void
s_start_proxy (fx_t *fx)
{
    int out [2];
    assert_int_equal (pipe (out), 0);
    fx->proxy = fork ();
    assert_true (fx->proxy >= 0);
    if (fx->proxy == 0) {
        dup2 (out [1], 1);
        close (out [0]);
        char log [128];
        snprintf (log, sizeof log, "%s/proxy.log", fx->dir);
        char *argv [] = { "bin/proxy", "--net", fx->net, "--control", fx->ctl,
                          "--seed", "1", NULL };
        s_exec_child (log, argv);
    }
    close (out [1]);
    struct pollfd pfd = { out [0], POLLIN, 0 };
    char line [512] = "";
    assert_int_equal (poll (&pfd, 1, WAIT_MS), 1);
    ssize_t got = read (out [0], line, sizeof line - 1);
    close (out [0]);
    assert_true (got > 0);
    assert_non_null (strstr (line, "\"ready\":true"));
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

//  Send body (taken) to node with a fresh msg_id; returns that id.
static int64_t
s_send_on (fx_t *fx, zsock_t *sock, const char *node, json_t *body)
{
    int64_t msg_id = ++fx->msg_id;
    json_object_set_new (body, "msg_id", json_integer (msg_id));
    char *text = kit_envelope ("c1", node, body);
    zstr_sendm (sock, node);
    zstr_send (sock, text);
    free (text);
    return msg_id;
}

static int64_t
s_send (fx_t *fx, const char *node, json_t *body)
{
    return s_send_on (fx, fx->client, node, body);
}

//  Receive one reply body within timeout_ms, or NULL.
static json_t *
s_recv_on (zsock_t *sock, int timeout_ms)
{
    zsock_set_rcvtimeo (sock, timeout_ms);
    char *src = NULL, *text = NULL;
    if (zstr_recvx (sock, &src, &text, NULL) != 2) {
        zstr_free (&src);
        return NULL;
    }
    json_t *root = json_loads (text, 0, NULL);
    zstr_free (&src);
    zstr_free (&text);
    json_t *body = json_incref (json_object_get (root, "body"));
    json_decref (root);
    return body;
}

static json_t *
s_recv (fx_t *fx, int timeout_ms)
{
    return s_recv_on (fx->client, timeout_ms);
}

//  Send body (taken) and wait for its reply; NULL at the deadline.
static json_t *
s_call_on (fx_t *fx, zsock_t *sock, const char *node, json_t *body, int timeout_ms)
{
    int64_t msg_id = s_send_on (fx, sock, node, body);
    int64_t deadline = clock_mono_ms () + timeout_ms;
    while (clock_mono_ms () < deadline) {
        json_t *reply = s_recv_on (sock, (int) (deadline - clock_mono_ms ()) + 1);
        if (reply && json_integer_value (json_object_get (reply, "in_reply_to")) == msg_id)
            return reply;
        json_decref (reply);            //  a late reply to an earlier call
    }
    return NULL;
}

static json_t *
s_call (fx_t *fx, const char *node, json_t *body, int timeout_ms)
{
    return s_call_on (fx, fx->client, node, body, timeout_ms);
}

static void
s_init_node (fx_t *fx, int index)
{
    char id [16];
    snprintf (id, sizeof id, "n%d", index + 1);
    int64_t deadline = clock_mono_ms () + WAIT_MS;
    while (clock_mono_ms () < deadline) {
        json_t *reply = s_call_on (fx, fx->admin, id, json_pack ("{s:s, s:s, s:[sssss]}", "type", "init",
                                "node_id", id, "node_ids", "n1", "n2", "n3", "n4", "n5"), 200);
        bool ok = reply && streq (s_type (reply), "init_ok");
        json_decref (reply);
        if (ok)
            return;
    }
    fail_msg ("n%d never answered init", index + 1);
}

//  The live node that says it is leader with the highest term, or -1.
static int
s_leader (fx_t *fx, int64_t *term_p)
{
    int leader = -1;
    int64_t best = -1;
    for (int i = 0; i < NODES; i++) {
        if (!fx->pids [i])
            continue;
        char id [16];
        snprintf (id, sizeof id, "n%d", i + 1);
        json_t *reply = s_call_on (fx, fx->admin, id, json_pack ("{s:s}", "type", "role"), 300);
        const char *role = json_string_value (json_object_get (reply, "role"));
        int64_t term = (int64_t) json_integer_value (json_object_get (reply, "term"));
        if (role && streq (role, "leader") && term > best) {
            best = term;
            leader = i;
        }
        json_decref (reply);
    }
    if (term_p)
        *term_p = best;
    return leader;
}

//  Wait for a leader other than `not` (or any, with -1) in a term > after.
static int
s_await_leader (fx_t *fx, int not, int64_t after, int64_t *term_p)
{
    int64_t deadline = clock_mono_ms () + WAIT_MS;
    while (clock_mono_ms () < deadline) {
        int64_t term;
        int leader = s_leader (fx, &term);
        if (leader >= 0 && leader != not && term > after) {
            if (term_p)
                *term_p = term;
            return leader;
        }
        zclock_sleep (50);
    }
    fail_msg ("no leader elected within %d ms", WAIT_MS);
    return -1;
}

//  A request through node; retried while the answer is a definite
//  "unavailable" (11), and for reads and writes (idempotent in these tests)
//  also after an indefinite one (0, or no answer), as happens when a busy
//  machine delays a heartbeat into an election. Returns the reply.
static json_t *
s_request (fx_t *fx, int node, json_t *body)
{
    char id [16];
    snprintf (id, sizeof id, "n%d", node + 1);
    int64_t deadline = clock_mono_ms () + WAIT_MS;
    bool idempotent = !streq (s_type (body), "cas");
    while (true) {
        json_t *reply = s_call (fx, id, json_deep_copy (body), CALL_MS);
        bool error = reply && streq (s_type (reply), "error");
        bool retry = (error && s_code (reply) == 11)
                  || (idempotent && (!reply || (error && s_code (reply) == 0)));
        if (!retry || clock_mono_ms () > deadline) {
            json_decref (body);
            return reply;
        }
        json_decref (reply);
        zclock_sleep (50);
    }
}

static void
s_expect (fx_t *fx, int node, json_t *body, const char *type, int code)
{
    json_t *reply = s_request (fx, node, body);
    assert_non_null (reply);
    if (!streq (s_type (reply), type) || (code >= 0 && s_code (reply) != code)) {
        char *text = json_dumps (reply, JSON_COMPACT);
        fail_msg ("n%d: expected %s %d, got %s", node + 1, type, code, text);
    }
    json_decref (reply);
}

static void
s_expect_read (fx_t *fx, int node, const char *key, int value)
{
    json_t *reply = s_request (fx, node, json_pack ("{s:s, s:s}", "type", "read", "key", key));
    assert_non_null (reply);
    if (!streq (s_type (reply), "read_ok")
    ||  json_integer_value (json_object_get (reply, "value")) != value) {
        char *text = json_dumps (reply, JSON_COMPACT);
        fail_msg ("n%d: read %s expected %d, got %s", node + 1, key, value, text);
    }
    json_decref (reply);
}

static json_t *
s_write (const char *key, int value)
{
    return json_pack ("{s:s, s:s, s:i}", "type", "write", "key", key, "value", value);
}

static json_t *
s_cas (const char *key, int from, int to)
{
    return json_pack ("{s:s, s:s, s:i, s:i}", "type", "cas", "key", key, "from", from, "to", to);
}

static void
s_control (fx_t *fx, const char *request)
{
    zstr_send (fx->control, request);
    char *reply = zstr_recv (fx->control);
    if (!reply || !strstr (reply, "\"ok\":true"))
        fail_msg ("proxy control %s: %s", request, reply ? reply : "no answer");
    zstr_free (&reply);
}

static int
s_setup (void **state)
{
    fx_t *fx = (fx_t *) zmalloc (sizeof (fx_t));
    strcpy (fx->dir, "/tmp/fl-raft-XXXXXX");
    assert_non_null (mkdtemp (fx->dir));
    snprintf (fx->net, sizeof fx->net, "ipc://%s/net", fx->dir);
    snprintf (fx->ctl, sizeof fx->ctl, "ipc://%s/ctl", fx->dir);
    s_start_proxy (fx);
    fx->client = zsock_new (ZMQ_DEALER);
    zsock_set_identity (fx->client, "c1");
    assert_int_equal (zsock_connect (fx->client, "%s", fx->net), 0);
    fx->admin = zsock_new (ZMQ_DEALER);
    zsock_set_identity (fx->admin, "c0");
    assert_int_equal (zsock_connect (fx->admin, "%s", fx->net), 0);
    fx->control = zsock_new (ZMQ_REQ);
    zsock_set_rcvtimeo (fx->control, WAIT_MS);
    assert_int_equal (zsock_connect (fx->control, "%s", fx->ctl), 0);
    for (int i = 0; i < NODES; i++)
        s_start_node (fx, i);
    for (int i = 0; i < NODES; i++)
        s_init_node (fx, i);
    *state = fx;
    return 0;
}

static int
s_teardown (void **state)
{
    fx_t *fx = (fx_t *) *state;
    for (int i = 0; i < NODES; i++)
        if (fx->pids [i])
            s_kill_node (fx, i);
    kill (fx->proxy, SIGKILL);
    waitpid (fx->proxy, NULL, 0);
    zsock_destroy (&fx->client);
    zsock_destroy (&fx->admin);
    zsock_destroy (&fx->control);
    if (!getenv ("RAFT_TEST_KEEP")) {
        if (tap_remove_dir (fx->dir)) { /* best effort */ }
    }
    else
        fprintf (stderr, "kept %s\n", fx->dir);
    free (fx);
    return 0;
}

static void
test_lin_kv_answers (void **state)
{
    fx_t *fx = (fx_t *) *state;
    int leader = s_await_leader (fx, -1, 0, NULL);
    int follower = (leader + 1) % NODES;
    json_t *read = json_pack ("{s:s, s:s}", "type", "read", "key", "x");
    s_expect (fx, leader, json_deep_copy (read), "error", 20);
    s_expect (fx, follower, json_deep_copy (read), "error", 20);
    s_expect (fx, follower, s_cas ("x", 1, 2), "error", 20);
    s_expect (fx, leader, s_write ("x", 1), "write_ok", -1);
    s_expect_read (fx, follower, "x", 1);
    s_expect (fx, follower, s_cas ("x", 5, 6), "error", 22);
    s_expect (fx, follower, s_cas ("x", 1, 2), "cas_ok", -1);
    s_expect_read (fx, leader, "x", 2);
    //  Keys and values of any JSON type.
    s_expect (fx, follower, json_pack ("{s:s, s:[i,s], s:{s:b}}", "type", "write",
              "key", 1, "k", "value", "v", 1), "write_ok", -1);
    json_t *reply = s_request (fx, leader, json_pack ("{s:s, s:[i,s]}", "type", "read",
                               "key", 1, "k"));
    assert_string_equal (s_type (reply), "read_ok");
    assert_true (json_is_true (json_object_get (json_object_get (reply, "value"), "v")));
    json_decref (reply);
    s_expect (fx, follower, json_pack ("{s:s}", "type", "write"), "error", 12);
    json_decref (read);
}

static void
test_leader_crash_and_restart (void **state)
{
    fx_t *fx = (fx_t *) *state;
    int64_t term;
    int leader = s_await_leader (fx, -1, 0, &term);
    for (int i = 0; i < 20; i++)
        s_expect (fx, (leader + 1 + i % 4) % NODES, s_write ("k", i), "write_ok", -1);
    s_kill_node (fx, leader);
    int64_t term2;
    int leader2 = s_await_leader (fx, leader, term, &term2);
    assert_true (term2 > term);
    s_expect_read (fx, leader2, "k", 19);
    s_expect (fx, leader2, s_cas ("k", 19, 100), "cas_ok", -1);
    //  The killed node restarts from its data directory and rejoins.
    s_start_node (fx, leader);
    s_init_node (fx, leader);
    s_expect_read (fx, leader, "k", 100);
    //  A kill -9 of every node: the acknowledged writes are on disk.
    for (int i = 0; i < NODES; i++)
        s_kill_node (fx, i);
    for (int i = 0; i < NODES; i++)
        s_start_node (fx, i);
    for (int i = 0; i < NODES; i++)
        s_init_node (fx, i);
    int64_t term3;
    int leader3 = s_await_leader (fx, -1, term2, &term3);
    s_expect_read (fx, (leader3 + 2) % NODES, "k", 100);
    s_expect (fx, leader3, json_pack ("{s:s, s:s}", "type", "read", "key", "missing"),
              "error", 20);
}

static void
test_minority_leader_stops_acknowledging (void **state)
{
    fx_t *fx = (fx_t *) *state;
    int64_t term;
    int leader = s_await_leader (fx, -1, 0, &term);
    s_expect (fx, leader, s_write ("p", 1), "write_ok", -1);
    //  Cut the leader off from every other node (clients still reach it).
    char request [256];
    char others [128] = "";
    for (int i = 0; i < NODES; i++)
        if (i != leader)
            snprintf (others + strlen (others), sizeof others - strlen (others),
                      "%s\"n%d\"", *others ? "," : "", i + 1);
    snprintf (request, sizeof request, "{\"cmd\":\"partition\",\"groups\":[[\"n%d\"],[%s]]}",
              leader + 1, others);
    s_control (fx, request);
    //  The isolated leader must never acknowledge: a write through it gets
    //  an error (0: timeout, or 11 once it stepped down), never write_ok.
    char id [16];
    snprintf (id, sizeof id, "n%d", leader + 1);
    json_t *reply = s_call (fx, id, s_write ("p", 2), CALL_MS);
    if (reply) {
        assert_string_equal (s_type (reply), "error");
        assert_true (s_code (reply) == 0 || s_code (reply) == 11);
    }
    json_decref (reply);
    //  Check-quorum: it steps down and answers 11 quickly.
    int64_t deadline = clock_mono_ms () + WAIT_MS;
    bool unavailable = false;
    while (!unavailable && clock_mono_ms () < deadline) {
        reply = s_call (fx, id, s_write ("p", 3), CALL_MS);
        unavailable = reply && streq (s_type (reply), "error") && s_code (reply) == 11;
        json_decref (reply);
    }
    assert_true (unavailable);
    //  The majority elects a leader and goes on.
    int majority = (leader + 1) % NODES;
    s_expect (fx, majority, s_write ("p", 4), "write_ok", -1);
    s_control (fx, "{\"cmd\":\"heal\"}");
    //  The old leader follows again and reads the majority's value.
    s_expect_read (fx, leader, "p", 4);
}

//  Ten requests in flight at once (reads, writes, cas over 5 keys), spread
//  over every node: all answered, none lost. Prints the rate as a TAP
//  comment; asserts only correctness, never a wall-clock figure.
static void
test_pipelined_load (void **state)
{
    fx_t *fx = (fx_t *) *state;
    s_await_leader (fx, -1, 0, NULL);
    for (int k = 0; k < 5; k++) {
        char key [16];
        snprintf (key, sizeof key, "%d", k);
        s_expect (fx, k, s_write (key, 0), "write_ok", -1);
    }
    int64_t start = clock_mono_ms ();
    int sent = 0, answered = 0, ok = 0, in_flight = 0;
    int64_t deadline = start + 30000;
    while (answered < LOAD_OPS && clock_mono_ms () < deadline) {
        while (in_flight < LOAD_WINDOW && sent < LOAD_OPS) {
            char key [8], node [8];
            snprintf (key, sizeof key, "%d", sent % 5);
            snprintf (node, sizeof node, "n%d", sent % NODES + 1);
            json_t *body = sent % 3 == 0 ? json_pack ("{s:s, s:s}", "type", "read", "key", key)
                         : sent % 3 == 1 ? s_write (key, sent)
                         : s_cas (key, sent, sent + 1);
            s_send (fx, node, body);
            sent++;
            in_flight++;
        }
        json_t *reply = s_recv (fx, CALL_MS);
        if (!reply)
            break;
        const char *type = s_type (reply);
        if (!streq (type, "error") || s_code (reply) == 22)
            ok++;
        answered++;
        in_flight--;
        json_decref (reply);
    }
    int64_t elapsed = clock_mono_ms () - start;
    printf ("# raft pipelined load: %d ops answered, %d ok, in %lld ms (%.0f ops/s)\n",
            answered, ok, (long long) elapsed, answered * 1000.0 / (elapsed ? elapsed : 1));
    //  Every op answered; most of them ok (an election on a busy machine
    //  may fail a burst with 11: this checks correctness, not speed).
    assert_int_equal (answered, LOAD_OPS);
    assert_true (ok >= LOAD_OPS * 80 / 100);
}

//  --------------------------------------------------------------------------
//  Chaos: a history for the checker

typedef struct {
    bool busy;
    int process;                 // Jepsen process id; + CHAOS_PROCS after info
    int64_t msg_id;
    int f;                       // 0 read, 1 write, 2 cas
    int key, value, from;
    int node;                    // where the op was sent
    int64_t deadline_ms;
    int64_t next_ms;             // earliest next invoke
} chaos_proc_t;

typedef struct {
    fx_t *fx;
    FILE *history;
    FILE *faults;                // the nemesis's actions, for a reader
    int64_t index;
    int64_t t0_ms;
    rng_t rng;                   // ops
    rng_t nemesis_rng;           // faults: the same schedule every run
    int oks, fails, infos;
    bool paused [NODES];
    int64_t restart_ms [NODES];  // killed node restarts then (0: alive)
} chaos_t;

static const char *s_chaos_f [] = { "read", "write", "cas" };

static void
s_chaos_line (chaos_t *chaos, chaos_proc_t *proc, const char *type, json_t *read_value, int code)
{
    int64_t time_ns = (clock_mono_ms () - chaos->t0_ms) * 1000000;
    fprintf (chaos->history, "{\"index\":%lld,\"time\":%lld,\"process\":%d,\"type\":\"%s\","
             "\"f\":\"%s\",\"key\":\"%d\",\"node\":\"n%d\"", (long long) chaos->index++,
             (long long) time_ns, proc->process, type, s_chaos_f [proc->f], proc->key,
             proc->node + 1);
    if (proc->f == 1)
        fprintf (chaos->history, ",\"value\":%d", proc->value);
    else
    if (proc->f == 2)
        fprintf (chaos->history, ",\"value\":[%d,%d]", proc->from, proc->value);
    else
    if (read_value && json_is_integer (read_value))
        fprintf (chaos->history, ",\"value\":%lld", (long long) json_integer_value (read_value));
    else
        fprintf (chaos->history, ",\"value\":null");
    if (code >= 0)
        fprintf (chaos->history, ",\"error\":%d", code);
    fprintf (chaos->history, "}\n");
}

static void
s_chaos_invoke (chaos_t *chaos, chaos_proc_t *proc)
{
    proc->f = (int) rng_below (&chaos->rng, 3);
    proc->key = (int) rng_below (&chaos->rng, CHAOS_KEYS);
    proc->value = (int) rng_below (&chaos->rng, 5);
    proc->from = (int) rng_below (&chaos->rng, 5);
    proc->node = (int) rng_below (&chaos->rng, NODES);
    char node [16];
    snprintf (node, sizeof node, "n%d", proc->node + 1);
    json_t *body = proc->f == 0 ? json_pack ("{s:s, s:i}", "type", "read", "key", proc->key)
                 : proc->f == 1 ? json_pack ("{s:s, s:i, s:i}", "type", "write", "key", proc->key,
                                             "value", proc->value)
                 : json_pack ("{s:s, s:i, s:i, s:i}", "type", "cas", "key", proc->key,
                              "from", proc->from, "to", proc->value);
    s_chaos_line (chaos, proc, "invoke", NULL, -1);
    proc->msg_id = s_send (chaos->fx, node, body);
    proc->busy = true;
    proc->deadline_ms = clock_mono_ms () + CHAOS_TIMEOUT_MS;
}

//  Record a reply the way the harness's client does (cli/client.c).
static void
s_chaos_complete (chaos_t *chaos, chaos_proc_t *proc, json_t *reply)
{
    const char *type = s_type (reply);
    int code = type && streq (type, "error") ? s_code (reply) : -1;
    char ok_type [16];
    snprintf (ok_type, sizeof ok_type, "%s_ok", s_chaos_f [proc->f]);
    bool definite = code == 1 || code == 10 || code == 11 || code == 12 || code == 14
                 || code == 20 || code == 21 || code == 22 || code == 30;
    if (code == 20 && proc->f == 0) {   //  a read of a missing key: nil
        s_chaos_line (chaos, proc, "ok", NULL, -1);
        chaos->oks++;
    }
    else
    if (code >= 0 && definite) {
        s_chaos_line (chaos, proc, "fail", NULL, code);
        chaos->fails++;
    }
    else
    if (code < 0 && type && streq (type, ok_type)) {
        s_chaos_line (chaos, proc, "ok", json_object_get (reply, "value"), -1);
        chaos->oks++;
    }
    else {
        s_chaos_line (chaos, proc, "info", NULL, code);
        chaos->infos++;
        proc->process += CHAOS_PROCS;
    }
    proc->busy = false;
    proc->next_ms = clock_mono_ms () + CHAOS_THINK_MS;
}

//  Undo the fault in force: resume, restart, heal.
static void
s_chaos_undo (chaos_t *chaos)
{
    fx_t *fx = chaos->fx;
    for (int i = 0; i < NODES; i++) {
        if (chaos->paused [i]) {
            kill (fx->pids [i], SIGCONT);
            chaos->paused [i] = false;
        }
        if (!fx->pids [i]) {
            s_start_node (fx, i);
            s_init_node (fx, i);
        }
    }
    s_control (fx, "{\"cmd\":\"heal\"}");
}

//  One nemesis step, drawn from the seeded stream: undo the last fault,
//  then a random partition, kill -9 of the leader (restarted next step),
//  SIGSTOP (SIGCONT next step), a flaky network, or nothing.
static void
s_chaos_nemesis (chaos_t *chaos)
{
    fx_t *fx = chaos->fx;
    s_chaos_undo (chaos);
    int victim = (int) rng_below (&chaos->nemesis_rng, NODES);
    int action = (int) rng_below (&chaos->nemesis_rng, 6);
    char request [256] = "";
    if (action == 0 || action == 1) {
        //  A random split into a minority and a majority.
        int size = action == 0 ? 1 : 2;
        char minority [64] = "", majority [64] = "";
        for (int i = 0; i < NODES; i++) {
            bool in = (i - victim + NODES) % NODES < size;
            char *group = in ? minority : majority;
            snprintf (group + strlen (group), 64 - strlen (group), "%s\"n%d\"",
                      *group ? "," : "", i + 1);
        }
        snprintf (request, sizeof request,
                  "{\"cmd\":\"partition\",\"groups\":[[%s],[%s]]}", minority, majority);
        s_control (fx, request);
    }
    else
    if (action == 2) {
        int leader = s_leader (fx, NULL);
        victim = leader >= 0 ? leader : victim;
        s_kill_node (fx, victim);
        snprintf (request, sizeof request, "kill -9 n%d", victim + 1);
    }
    else
    if (action == 3) {
        kill (fx->pids [victim], SIGSTOP);
        chaos->paused [victim] = true;
        snprintf (request, sizeof request, "SIGSTOP n%d", victim + 1);
    }
    else
    if (action == 4) {
        s_control (fx, "{\"cmd\":\"drop\",\"p\":0.2}");
        s_control (fx, "{\"cmd\":\"duplicate\",\"p\":0.3}");
        s_control (fx, "{\"cmd\":\"delay\",\"ms\":4,\"jitter_ms\":4}");
        snprintf (request, sizeof request, "drop 0.2, duplicate 0.3, delay 4+-4 ms");
    }
    fprintf (chaos->faults, "%lld %s\n", (long long) (clock_mono_ms () - chaos->t0_ms),
             *request ? request : "none");
    fflush (chaos->faults);
}

static void
s_chaos_run (chaos_t *chaos, chaos_proc_t *procs, int64_t until_ms, bool nemesis)
{
    int64_t next_step = clock_mono_ms () + CHAOS_STEP_MS;
    while (clock_mono_ms () < until_ms) {
        int64_t now = clock_mono_ms ();
        if (nemesis && now >= next_step) {
            s_chaos_nemesis (chaos);
            next_step = now + CHAOS_STEP_MS;
        }
        for (int p = 0; p < CHAOS_PROCS; p++) {
            chaos_proc_t *proc = &procs [p];
            if (proc->busy && now >= proc->deadline_ms) {
                s_chaos_line (chaos, proc, "info", NULL, -1);
                chaos->infos++;
                proc->process += CHAOS_PROCS;
                proc->busy = false;
            }
            if (!proc->busy && now >= proc->next_ms)
                s_chaos_invoke (chaos, proc);
        }
        json_t *reply = s_recv (chaos->fx, CHAOS_THINK_MS);
        int64_t reply_to = json_integer_value (json_object_get (reply, "in_reply_to"));
        for (int p = 0; reply && p < CHAOS_PROCS; p++)
            if (procs [p].busy && procs [p].msg_id == reply_to)
                s_chaos_complete (chaos, &procs [p], reply);
        json_decref (reply);
    }
}

static void
test_chaos_linearizable (void **state)
{
    fx_t *fx = (fx_t *) *state;
    if (access ("./harness", X_OK))
        fail_msg ("./harness is missing: run make lab");
    s_await_leader (fx, -1, 0, NULL);
    chaos_t chaos = { .fx = fx, .t0_ms = clock_mono_ms () };
    rng_init_stream (&chaos.rng, 20261121, 1);
    rng_init_stream (&chaos.nemesis_rng, 20261121, 2);
    char path [128];
    snprintf (path, sizeof path, "%s/history.jsonl", fx->dir);
    chaos.history = fopen (path, "w");
    assert_non_null (chaos.history);
    char faults [128];
    snprintf (faults, sizeof faults, "%s/faults.log", fx->dir);
    chaos.faults = fopen (faults, "w");
    assert_non_null (chaos.faults);
    chaos_proc_t procs [CHAOS_PROCS] = { { 0 } };
    for (int p = 0; p < CHAOS_PROCS; p++)
        procs [p].process = p;
    s_chaos_run (&chaos, procs, clock_mono_ms () + CHAOS_MS, true);
    s_chaos_undo (&chaos);
    int oks_before = chaos.oks;
    s_chaos_run (&chaos, procs, clock_mono_ms () + CHAOS_SETTLE_MS, false);
    for (int p = 0; p < CHAOS_PROCS; p++)
        if (procs [p].busy) {
            s_chaos_line (&chaos, &procs [p], "info", NULL, -1);
            chaos.infos++;
        }
    fclose (chaos.history);
    fclose (chaos.faults);
    printf ("# raft chaos: %d ok, %d fail, %d info; %d ok after the heal\n",
            chaos.oks, chaos.fails, chaos.infos, chaos.oks - oks_before);
    //  After the heal the cluster serves again.
    assert_true (chaos.oks - oks_before > 100);
    fflush (stdout);
    char command [512];
    snprintf (command, sizeof command,
              "./harness check '%s' --model kv --timeout 60 >'%s/check.out' 2>&1", path, fx->dir);
    int rc = system (command);
    snprintf (command, sizeof command, "sed 's/^/# /' '%s/check.out'", fx->dir);
    if (system (command)) { /* diagnostics only */ }
    fflush (stdout);
    assert_true (WIFEXITED (rc));
    assert_int_equal (WEXITSTATUS (rc), 0);
}

int
main (void)
{
    tap_start (240);
    zsys_init ();
    zsys_set_logstream (stderr);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_lin_kv_answers, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_leader_crash_and_restart, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_minority_leader_stops_acknowledging, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_pipelined_load, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_chaos_linearizable, s_setup, s_teardown),
    };
    return cmocka_run_group_tests_name ("node_raft_cluster", tests, NULL, NULL);
}
