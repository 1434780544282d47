/*  lab_lab.c -- the lab's protocol with its nodes and its waits, each
    reached by name.

    A real lab (bin/proxy, bin/lab-services and bin/node-stdio) whose nodes
    run a small Maelstrom node in sh (S_NODE below): it appends every line
    it receives to its inbox file, and answers init and the setup message
    as the test tells it (init_ok, an error, another type, or nothing), so
    the test sees what the lab sent, in which order, and how it takes the
    answers. A node "connects late" through a bin/ whose node-stdio waits
    for a gate file before it runs the real bridge: until then the proxy
    answers every message to it with error 1, node not found.

    What is tested: init goes once per start of a node, Maelstrom's fields
    exactly, even when the node connects late (the proxy's error 1 makes
    the lab send it again, at most every FL_INIT_RESEND_MS); an init
    answered with an error or another type ends the run naming the node and
    what it sent; a node silent past FL_INIT_TIMEOUT_MS ends it too, saying
    whether init reached it; lab_setup's answers, its error and its
    FL_SETUP_TIMEOUT_MS; a --node program never gets "role" or
    "clock_skew" (its clock moves through libfaketime, and without it a
    clock-skew is refused). lab_tick takes the time, so init's re-send and its
    deadline are reached at chosen times, not waited for. The role query
    (FL_ROLE_TIMEOUT_MS, 500 ms), the setup wait (FL_SETUP_TIMEOUT_MS,
    10 s), the control request (FL_CONTROL_TIMEOUT_MS, a stopped proxy)
    and the proxy's ready line (FL_PROXY_READY_TIMEOUT_MS, a proxy that
    never says it) are real waits: those tests take the limit's time. The
    pure decisions (lab_warm_up_pause_ms for FL_WARMUP_MS and
    FL_WARMUP_POLL_MS, runner_check_opts for FL_RUN_CHECK_TIMEOUT_S) are
    tested without a lab.
*/
#include "tap.h"
#include <string.h>
#include <inttypes.h>
#include <glob.h>
#include <signal.h>
#include <sys/stat.h>
#include <czmq.h>
#include <jansson.h>
#include "clock.h"
#include "limits.h"
#include "../../lab/lab.h"
#include "../../lab/runner.h"
#include "../../workload/workload.h"

#define S_WAIT_MS 5000          //  what the lab sends arrives by then

//  The test node: sh NODE INBOX INIT SETUP WHO. It answers init as INIT
//  says (init_ok, error, other or none) and topology as SETUP says (ok,
//  error, other or none) when it is node WHO or WHO is "all", else ok;
//  nothing else. Each line it receives goes to INBOX.PID first.
static const char *S_NODE =
    "inbox=$1 init=$2 setup=$3 who=$4\n"
    "while IFS= read -r line; do\n"
    "    printf '%s\\n' \"$line\" >> \"$inbox.$$\"\n"
    "    type=$(printf '%s' \"$line\" | sed -n 's/.*\"type\":\"\\([^\"]*\\)\".*/\\1/p')\n"
    "    id=$(printf '%s' \"$line\" | sed -n 's/.*\"msg_id\":\\([0-9]*\\).*/\\1/p')\n"
    "    me=$(printf '%s' \"$line\" | sed -n 's/.*\"dest\":\"\\([^\"]*\\)\".*/\\1/p')\n"
    "    case \"$type:$id\" in init:?*|topology:?*) ;; *) continue ;; esac\n"
    "    if [ \"$type\" = init ]; then answer=$init\n"
    "    elif [ \"$who\" = all ] || [ \"$who\" = \"$me\" ]; then answer=$setup\n"
    "    else answer=ok; fi\n"
    "    case \"$type:$answer\" in\n"
    "        init:init_ok) body='\"type\":\"init_ok\"' ;;\n"
    "        init:error) body='\"type\":\"error\",\"code\":11,\"text\":\"not ready yet\"' ;;\n"
    "        init:other) body='\"type\":\"hello_ok\"' ;;\n"
    "        *:ok) body=\"\\\"type\\\":\\\"${type}_ok\\\"\" ;;\n"
    "        *:error) body='\"type\":\"error\",\"code\":10,\"text\":\"no topology here\"' ;;\n"
    "        *:other) body='\"type\":\"topology_okay\"' ;;\n"
    "        *) continue ;;\n"
    "    esac\n"
    "    printf '{\"src\":\"%s\",\"dest\":\"c0\",\"body\":{%s,\"in_reply_to\":%s}}\\n' "
    "\"$me\" \"$body\" \"$id\"\n"
    "done\n";

static int s_labs;              //  labs made, each with its own run dir

typedef struct {
    char run [128];
    char inbox [192];           //  INBOX: each node writes INBOX.PID
    char node_cmd [768];
    char gate [192];            //  a late bin/ runs the bridge once this exists
    lab_opts_t opts;
    lab_t *lab;
} s_fixture_t;

static void
s_write_script (const char *path, const char *text)
{
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fputs (text, file);
    fclose (file);
    assert_int_equal (chmod (path, 0755), 0);
}

//  A bin/ under tap_dir/NAME whose proxy and services are the real ones
//  (unless PROXY_SCRIPT is given) and whose PROGRAM is SCRIPT (NULL: the
//  real bin/node-stdio). Returns the directory holding bin/, in dir.
static void
s_bin_dir (char *dir, size_t size, const char *name, const char *proxy_script,
           const char *program, const char *script)
{
    char cwd [4096], path [4352], target [4352];
    assert_non_null (getcwd (cwd, sizeof cwd));
    snprintf (dir, size, "%s/%s", tap_dir, name);
    assert_int_equal (mkdir (dir, 0755), 0);
    snprintf (path, sizeof path, "%s/bin", dir);
    assert_int_equal (mkdir (path, 0755), 0);
    const char *programs [] = { "proxy", "lab-services", program };
    for (size_t i = 0; i < 3; i++) {
        snprintf (path, sizeof path, "%s/bin/%s", dir, programs [i]);
        if (i == 0 && proxy_script)
            s_write_script (path, proxy_script);
        else
        if (i == 2 && script)
            s_write_script (path, script);
        else {
            snprintf (target, sizeof target, "%s/bin/%s", cwd, programs [i]);
            assert_int_equal (symlink (target, path), 0);
        }
    }
}

//  Options for a lab of NODES test nodes answering as INIT, SETUP, WHO
//  say (S_NODE), with bin/ under bin_dir.
static void
s_opts (s_fixture_t *fx, int nodes, const char *bin_dir, const char *init,
        const char *setup, const char *who)
{
    memset (fx, 0, sizeof *fx);
    snprintf (fx->run, sizeof fx->run, "%s/run%d", tap_dir, ++s_labs);
    assert_int_equal (mkdir (fx->run, 0755), 0);
    snprintf (fx->inbox, sizeof fx->inbox, "%s/inbox", fx->run);
    char script [192];
    snprintf (script, sizeof script, "%s/node.sh", fx->run);
    s_write_script (script, S_NODE);
    snprintf (fx->node_cmd, sizeof fx->node_cmd, "sh %s %s %s %s %s", script, fx->inbox,
              init, setup, who);
    fx->opts = (lab_opts_t) { .system = "stdio", .node_cmd = fx->node_cmd,
        .bin_dir = bin_dir, .run_dir = fx->run, .nodes = nodes, .seed = 7,
        .t0_ns = clock_mono_ns () };
}

static void
s_new_lab (s_fixture_t *fx)
{
    char *error = NULL;
    int status = 0;
    fx->lab = lab_new (&fx->opts, &error, &status);
    if (!fx->lab)
        fail_msg ("lab_new: %s", error);
}

static void
s_start (s_fixture_t *fx, int nodes, const char *init, const char *setup, const char *who)
{
    s_opts (fx, nodes, ".", init, setup, who);
    s_new_lab (fx);
}

//  A lab whose nodes connect only once fx->gate exists.
static void
s_start_late (s_fixture_t *fx, const char *init)
{
    static char bin_dir [128];
    char name [32], cwd [4096], script [8192];
    assert_non_null (getcwd (cwd, sizeof cwd));
    snprintf (name, sizeof name, "late%d", s_labs + 1);
    char gate [192];
    snprintf (gate, sizeof gate, "%s/%s/gate", tap_dir, name);
    //  A bounded wait: the test opens the gate within S_WAIT_MS or fails.
    snprintf (script, sizeof script, "#!/bin/sh\ni=0\n"
              "while [ ! -e '%s' ] && [ $i -lt 1000 ]; do sleep 0.01; i=$((i+1)); done\n"
              "exec '%s/bin/node-stdio' \"$@\"\n", gate, cwd);
    s_bin_dir (bin_dir, sizeof bin_dir, name, NULL, "node-stdio", script);
    s_opts (fx, 1, bin_dir, init, "ok", "all");
    snprintf (fx->gate, sizeof fx->gate, "%s", gate);
    s_new_lab (fx);
}

static void
s_open_gate (s_fixture_t *fx)
{
    FILE *file = fopen (fx->gate, "w");
    assert_non_null (file);
    fclose (file);
}

//  The envelopes each node process received so far: one array per inbox
//  file (per start of a node), in the order the files sort.
static json_t *
s_inboxes (s_fixture_t *fx)
{
    json_t *all = json_array ();
    char pattern [256];
    snprintf (pattern, sizeof pattern, "%s.*", fx->inbox);
    glob_t found;
    if (glob (pattern, 0, NULL, &found) == 0)
        for (size_t i = 0; i < found.gl_pathc; i++) {
            json_t *lines = json_array ();
            FILE *file = fopen (found.gl_pathv [i], "r");
            char line [8192];
            while (file && fgets (line, sizeof line, file)) {
                json_t *envelope = json_loads (line, 0, NULL);
                if (envelope)
                    json_array_append_new (lines, envelope);
            }
            if (file)
                fclose (file);
            json_array_append_new (all, lines);
        }
    globfree (&found);
    return all;
}

static json_t *
s_body (json_t *envelope)
{
    return json_object_get (envelope, "body");
}

static const char *
s_type (json_t *envelope)
{
    return json_string_value (json_object_get (s_body (envelope), "type"));
}

static int64_t
s_msg_id (json_t *envelope)
{
    return json_integer_value (json_object_get (s_body (envelope), "msg_id"));
}

//  What c0 sent that a node received, over all its inboxes, as
//  "init:4 topology:5" (type:msg_id), one text per inbox file, joined
//  with " | ".
static void
s_from_c0 (s_fixture_t *fx, char *text, size_t size)
{
    json_t *all = s_inboxes (fx);
    *text = 0;
    size_t f, i;
    json_t *lines, *envelope;
    json_array_foreach (all, f, lines) {
        size_t used = strlen (text);
        snprintf (text + used, size - used, "%s", f? " |": "");
        json_array_foreach (lines, i, envelope)
            if (streq (json_string_value (json_object_get (envelope, "src")), "c0")) {
                used = strlen (text);
                snprintf (text + used, size - used, "%s%s:%" PRId64, *text? " ": "",
                          s_type (envelope), s_msg_id (envelope));
            }
    }
    json_decref (all);
}

//  Does any inbox hold a message of TYPE?
static bool
s_received (s_fixture_t *fx, const char *type)
{
    json_t *all = s_inboxes (fx);
    bool found = false;
    size_t f, i;
    json_t *lines, *envelope;
    json_array_foreach (all, f, lines)
        json_array_foreach (lines, i, envelope)
            found |= s_type (envelope) && streq (s_type (envelope), type);
    json_decref (all);
    return found;
}

//  Wait for the lab's socket, at most ms; handle one message. True if
//  there was one.
static bool
s_pump (s_fixture_t *fx, int ms)
{
    zpoller_t *poller = zpoller_new (lab_socket (fx->lab), NULL);
    bool ready = zpoller_wait (poller, ms) != NULL;
    zpoller_destroy (&poller);
    if (ready)
        lab_on_message (fx->lab);
    return ready;
}

//  Wait until node n1 is connected to the proxy: a probe of our own (from
//  "c9", which the test node records and does not answer) bounces as
//  error 1 until it reaches the node. One probe every 10 ms, at most
//  S_WAIT_MS.
static void
s_await_connected (s_fixture_t *fx)
{
    zsock_t *probe = zsock_new (ZMQ_DEALER);
    zsock_set_identity (probe, "c9");
    assert_int_equal (zsock_connect (probe, "%s", lab_net (fx->lab)), 0);
    int64_t deadline = clock_mono_ms () + S_WAIT_MS;
    for (int n = 1; !s_received (fx, "probe"); n++) {
        zmsg_t *msg = zmsg_new ();
        zmsg_addstr (msg, "n1");
        zmsg_addstrf (msg, "{\"src\":\"c9\",\"dest\":\"n1\",\"body\":{\"type\":\"probe\","
                      "\"msg_id\":%d}}", n);
        assert_int_equal (zmsg_send (&msg, probe), 0);
        zpoller_t *poller = zpoller_new (probe, NULL);
        if (zpoller_wait (poller, 10)) {
            zmsg_t *bounce = zmsg_recv (probe);
            zmsg_destroy (&bounce);
        }
        zpoller_destroy (&poller);
        if (clock_mono_ms () > deadline)
            fail_msg ("n1 never connected to the proxy within %d ms", S_WAIT_MS);
    }
    zsock_destroy (&probe);
}

//  Tick at t0 + k * FL_INIT_RESEND_MS (one tick before each, 1 ms early,
//  which must send nothing) until the node received its init; each init
//  the proxy could not route comes back as error 1 before the next tick.
//  Returns the ticks that sent (k + 1).
static int64_t
s_deliver_init (s_fixture_t *fx, int64_t t0)
{
    char *error = NULL;
    for (int64_t k = 0; k < 40; k++) {
        if (k > 0)
            assert_int_equal (lab_tick (fx->lab, t0 + k * FL_INIT_RESEND_MS - 1, &error), 0);
        assert_int_equal (lab_tick (fx->lab, t0 + k * FL_INIT_RESEND_MS, &error), 0);
        int64_t deadline = clock_mono_ms () + S_WAIT_MS;
        while (!s_received (fx, "init")) {
            if (s_pump (fx, 10))
                break;              //  bounced: the next tick sends again
            if (clock_mono_ms () > deadline)
                fail_msg ("init neither arrived nor bounced within %d ms", S_WAIT_MS);
        }
        if (s_received (fx, "init"))
            return k + 1;
    }
    fail_msg ("init never reached the node in 40 ticks");
    return 0;
}

//  The topology message for NODES nodes (Maelstrom's line).
static json_t *
s_topology (int nodes)
{
    return json_pack ("{s:s, s:o}", "type", "topology", "topology",
                      workload_topology ("line", nodes));
}

//  A node that connects late gets init exactly once: every init sent
//  before it connected came back as error 1 and went again, not sooner
//  than FL_INIT_RESEND_MS later; the one it got is Maelstrom's, and
//  nothing follows it but what the lab sends next.
static void
test_init_once_when_the_node_connects_late (void **state)
{
    (void) state;
    s_fixture_t fx;
    s_start_late (&fx, "init_ok");
    char *error = NULL;
    int64_t t0 = clock_mono_ms ();
    //  Three inits into the void, each bounced before the next tick, and
    //  none sent again before FL_INIT_RESEND_MS passed: a tick 1 ms early
    //  sends nothing, so nothing bounces (a wrong lab's bounce takes a
    //  millisecond; 200 ms of quiet is plenty).
    for (int64_t k = 0; k < 3; k++) {
        if (k > 0) {
            assert_int_equal (lab_tick (fx.lab, t0 + k * FL_INIT_RESEND_MS - 1, &error), 0);
            if (s_pump (&fx, 200))
                fail_msg ("init went again before FL_INIT_RESEND_MS (%d ms)", FL_INIT_RESEND_MS);
        }
        assert_int_equal (lab_tick (fx.lab, t0 + k * FL_INIT_RESEND_MS, &error), 0);
        if (!s_pump (&fx, S_WAIT_MS))
            fail_msg ("init %" PRId64 " to an unconnected node did not bounce", k + 1);
    }
    json_t *stats = lab_stats (fx.lab);
    assert_int_equal (json_integer_value (json_object_get (stats, "unroutable")), 3);
    json_decref (stats);
    //  The node connects: a probe of our own reaches it.
    s_open_gate (&fx);
    s_await_connected (&fx);
    //  The fourth init reaches it, answered init_ok; then ticks send no
    //  more inits.
    int64_t sent = 3 + s_deliver_init (&fx, t0 + 3 * FL_INIT_RESEND_MS);
    assert_int_equal (sent, 4);
    assert_int_equal (lab_init (fx.lab, &error), 0);
    for (int64_t k = 0; k < 5; k++)
        assert_int_equal (lab_tick (fx.lab, t0 + (sent + k) * FL_INIT_RESEND_MS, &error), 0);
    assert_int_equal (lab_setup (fx.lab, s_topology (1), &error), 0);
    char text [256], want [64];
    s_from_c0 (&fx, text, sizeof text);
    //  Init is msg_id 1 however often it bounced (Maelstrom's); the
    //  lab's next message counts on from 2.
    snprintf (want, sizeof want, "init:1 topology:2");
    assert_string_equal (text, want);
    //  Maelstrom's init, field for field.
    json_t *all = s_inboxes (&fx);
    json_t *init = NULL;
    size_t i;
    json_t *envelope;
    json_array_foreach (json_array_get (all, 0), i, envelope)
        if (streq (s_type (envelope), "init"))
            init = envelope;
    assert_non_null (init);
    json_t *want_body = json_pack ("{s:s, s:s, s:[s], s:I}", "type", "init", "node_id", "n1",
                                   "node_ids", "n1", "msg_id", (json_int_t) 1);
    assert_true (json_equal (s_body (init), want_body));
    assert_string_equal (json_string_value (json_object_get (init, "src")), "c0");
    assert_string_equal (json_string_value (json_object_get (init, "dest")), "n1");
    json_decref (want_body);
    json_decref (all);
    lab_destroy (&fx.lab);
}

//  Each start of a node gets one init of its own: killed and restarted,
//  n2 is initialised again, once; the others are not.
//  A node restarted after the workload's setup gets the setup again once
//  its new init is answered: a broadcast node comes back knowing its
//  neighbours.
static void
test_setup_again_after_restart (void **state)
{
    (void) state;
    s_fixture_t fx;
    s_start (&fx, 2, "init_ok", "ok", "all");
    char *error = NULL;
    if (lab_init (fx.lab, &error))
        fail_msg ("lab_init: %s", error);
    assert_int_equal (lab_setup (fx.lab, s_topology (2), &error), 0);
    action_t spec;
    rng_t rng;
    rng_init (&rng, 7);
    char detail [256];
    assert_int_equal (action_parse (&spec, "kill n2", 2, &error), 0);
    assert_int_equal (lab_apply (fx.lab, &spec, &rng, detail, sizeof detail, &error), 0);
    assert_int_equal (action_parse (&spec, "restart n2", 2, &error), 0);
    assert_int_equal (lab_apply (fx.lab, &spec, &rng, detail, sizeof detail, &error), 0);
    if (lab_init (fx.lab, &error))
        fail_msg ("lab_init after restart: %s", error);
    //  The restarted n2's inbox (the third file) gets init, then topology.
    bool again = false;
    int64_t deadline = zclock_mono () + 5000;
    while (!again && zclock_mono () < deadline) {
        json_t *all = s_inboxes (&fx);
        json_t *lines = json_array_get (all, 2);
        size_t i;
        json_t *envelope;
        json_array_foreach (lines, i, envelope)
            again |= streq (s_type (envelope), "topology");
        json_decref (all);
        if (!again) {
            zpoller_t *poller = zpoller_new (lab_socket (fx.lab), NULL);
            if (zpoller_wait (poller, 20))
                lab_on_message (fx.lab);
            zpoller_destroy (&poller);
        }
    }
    assert_true (again);
    assert_int_equal (lab_tick (fx.lab, zclock_mono (), &error), 0);
    lab_destroy (&fx.lab);
}

static void
test_init_once_per_start (void **state)
{
    (void) state;
    s_fixture_t fx;
    s_start (&fx, 2, "init_ok", "ok", "all");
    char *error = NULL;
    if (lab_init (fx.lab, &error))
        fail_msg ("lab_init: %s", error);
    action_t spec;
    rng_t rng;
    rng_init (&rng, 7);
    char detail [256];
    assert_int_equal (action_parse (&spec, "kill n2", 2, &error), 0);
    assert_int_equal (lab_apply (fx.lab, &spec, &rng, detail, sizeof detail, &error), 0);
    assert_true (lab_node_killed (fx.lab, 1));
    assert_int_equal (action_parse (&spec, "restart n2", 2, &error), 0);
    assert_int_equal (lab_apply (fx.lab, &spec, &rng, detail, sizeof detail, &error), 0);
    assert_false (lab_node_killed (fx.lab, 1));
    if (lab_init (fx.lab, &error))
        fail_msg ("lab_init after restart: %s", error);
    assert_int_equal (lab_setup (fx.lab, s_topology (2), &error), 0);
    //  Three node processes, three inbox files: n1, n2, and n2 again.
    json_t *all = s_inboxes (&fx);
    assert_int_equal (json_array_size (all), 3);
    int topologies = 0;
    size_t f, i;
    json_t *lines, *envelope;
    json_array_foreach (all, f, lines) {
        int inits = 0;
        const char *node = NULL;
        json_array_foreach (lines, i, envelope)
            if (streq (s_type (envelope), "init")) {
                inits++;
                node = json_string_value (json_object_get (s_body (envelope), "node_id"));
            }
            else
            if (streq (s_type (envelope), "topology"))
                topologies++;
        assert_int_equal (inits, 1);
        assert_non_null (node);
    }
    assert_int_equal (topologies, 2);       //  the live n1 and the new n2
    json_decref (all);
    lab_destroy (&fx.lab);
}

//  An init answered with an error, or with another type than init_ok,
//  ends the run with a message naming the node and what it sent.
static void
test_init_answered_otherwise_fails_naming_the_node (void **state)
{
    (void) state;
    struct { const char *mode, *says, *shows; } cases [] = {
        { "error", "node n1 answered init with 'error', not init_ok", "not ready yet" },
        { "other", "node n1 answered init with 'hello_ok', not init_ok", "hello_ok" },
    };
    for (size_t c = 0; c < 2; c++) {
        s_fixture_t fx;
        s_start (&fx, 1, cases [c].mode, "ok", "all");
        char *error = NULL;
        assert_int_equal (lab_init (fx.lab, &error), -1);
        assert_non_null (error);
        if (!strstr (error, cases [c].says) || !strstr (error, cases [c].shows)
        ||  !strstr (error, "n1.log"))
            fail_msg ("init %s: '%s'", cases [c].mode, error);
        free (error);
        //  And the next tick says so again: the run cannot go on.
        error = NULL;
        assert_int_equal (lab_tick (fx.lab, clock_mono_ms (), &error), -1);
        assert_non_null (strstr (error, cases [c].says));
        free (error);
        lab_destroy (&fx.lab);
    }
}

//  A node silent past FL_INIT_TIMEOUT_MS ends the run with an error that
//  names the node and the limit, and whether init reached it; at the
//  limit it is still waited for.
static void
test_init_timeout_names_node_and_limit (void **state)
{
    (void) state;
    char ms [32];
    snprintf (ms, sizeof ms, "within %d ms", FL_INIT_TIMEOUT_MS);
    //  Connected, init delivered, never answered.
    s_fixture_t fx;
    int64_t before = clock_mono_ms ();
    s_opts (&fx, 1, ".", "none", "ok", "all");
    s_new_lab (&fx);
    int64_t after = clock_mono_ms ();
    s_await_connected (&fx);
    int64_t sent = s_deliver_init (&fx, before);
    assert_int_equal (sent, 1);
    //  Ticks while the node thinks it over send nothing more: init went
    //  once (the setup that follows marks the end of what c0 sent).
    char *error = NULL;
    for (int64_t k = sent; k * FL_INIT_RESEND_MS <= FL_INIT_TIMEOUT_MS; k++)
        assert_int_equal (lab_tick (fx.lab, before + k * FL_INIT_RESEND_MS, &error), 0);
    assert_int_equal (lab_tick (fx.lab, before + FL_INIT_TIMEOUT_MS, &error), 0);
    assert_null (error);
    assert_int_equal (lab_setup (fx.lab, s_topology (1), &error), 0);
    char text [128], want [64];
    s_from_c0 (&fx, text, sizeof text);
    //  Init is msg_id 1 however often it bounced (Maelstrom's); the
    //  lab's next message counts on from 2.
    snprintf (want, sizeof want, "init:1 topology:2");
    assert_string_equal (text, want);
    assert_int_equal (lab_tick (fx.lab, after + FL_INIT_TIMEOUT_MS + 1, &error), -1);
    assert_non_null (error);
    assert_non_null (strstr (error, "node n1 never answered init"));
    assert_non_null (strstr (error, "FL_INIT_TIMEOUT_MS"));
    assert_non_null (strstr (error, ms));
    assert_non_null (strstr (error, "init was delivered"));
    free (error);
    lab_destroy (&fx.lab);
    //  Never connected: every init bounced.
    before = clock_mono_ms ();
    s_start_late (&fx, "init_ok");
    after = clock_mono_ms ();
    error = NULL;
    assert_int_equal (lab_tick (fx.lab, before, &error), 0);
    assert_true (s_pump (&fx, S_WAIT_MS));
    assert_int_equal (lab_tick (fx.lab, before + FL_INIT_TIMEOUT_MS, &error), 0);
    assert_true (s_pump (&fx, S_WAIT_MS));
    assert_int_equal (lab_tick (fx.lab, after + FL_INIT_TIMEOUT_MS + 1, &error), -1);
    assert_non_null (strstr (error, "node n1 never answered init"));
    assert_non_null (strstr (error, ms));
    assert_non_null (strstr (error, "it never connected to the proxy"));
    free (error);
    lab_destroy (&fx.lab);
}

//  lab_setup sends the body to every node, each with its own msg_id, and
//  returns once each answered TYPE_ok.
static void
test_setup_reaches_every_node (void **state)
{
    (void) state;
    s_fixture_t fx;
    s_start (&fx, 3, "init_ok", "ok", "all");
    char *error = NULL;
    if (lab_init (fx.lab, &error))
        fail_msg ("lab_init: %s", error);
    json_t *map = workload_topology ("grid", 3);
    if (lab_setup (fx.lab, s_topology (3), &error))
        fail_msg ("lab_setup: %s", error);
    json_t *all = s_inboxes (&fx);
    assert_int_equal (json_array_size (all), 3);
    json_t *ids = json_object ();
    size_t f, i;
    json_t *lines, *envelope;
    json_array_foreach (all, f, lines) {
        int got = 0;
        json_array_foreach (lines, i, envelope)
            if (streq (s_type (envelope), "topology")) {
                got++;
                json_t *body = s_body (envelope);
                assert_int_equal (json_object_size (body), 3);       //  type, topology, msg_id
                json_t *line = workload_topology ("line", 3);
                assert_true (json_equal (json_object_get (body, "topology"), line));
                json_decref (line);
                char id [32];
                snprintf (id, sizeof id, "%" PRId64, s_msg_id (envelope));
                assert_null (json_object_get (ids, id));
                json_object_set_new (ids, id, json_true ());
            }
        assert_int_equal (got, 1);
    }
    json_decref (ids);
    json_decref (all);
    json_decref (map);
    lab_destroy (&fx.lab);
}

//  A node that answers the setup with an error or another type fails it,
//  named, with what it sent.
static void
test_setup_answered_otherwise_fails_naming_the_node (void **state)
{
    (void) state;
    struct { const char *mode, *says, *shows; } cases [] = {
        { "error", "node n2 answered topology with 'error', not topology_ok", "no topology here" },
        { "other", "node n2 answered topology with 'topology_okay', not topology_ok",
          "topology_okay" },
    };
    for (size_t c = 0; c < 2; c++) {
        s_fixture_t fx;
        s_start (&fx, 3, "init_ok", cases [c].mode, "n2");
        char *error = NULL;
        if (lab_init (fx.lab, &error))
            fail_msg ("lab_init: %s", error);
        assert_int_equal (lab_setup (fx.lab, s_topology (3), &error), -1);
        assert_non_null (error);
        if (!strstr (error, cases [c].says) || !strstr (error, cases [c].shows)
        ||  !strstr (error, "n2.log"))
            fail_msg ("setup %s: '%s'", cases [c].mode, error);
        free (error);
        lab_destroy (&fx.lab);
    }
}

//  A node that never answers the setup fails it at FL_SETUP_TIMEOUT_MS
//  (a real wait of the limit), named.
static void
test_setup_timeout_names_FL_SETUP_TIMEOUT_MS (void **state)
{
    (void) state;
    s_fixture_t fx;
    s_start (&fx, 2, "init_ok", "none", "n1");
    char *error = NULL;
    if (lab_init (fx.lab, &error))
        fail_msg ("lab_init: %s", error);
    int64_t start = clock_mono_ms ();
    assert_int_equal (lab_setup (fx.lab, s_topology (2), &error), -1);
    int64_t took = clock_mono_ms () - start;
    assert_non_null (error);
    char want [128];
    snprintf (want, sizeof want, "node n1 never answered topology within %d ms"
              " (FL_SETUP_TIMEOUT_MS", FL_SETUP_TIMEOUT_MS);
    if (!strstr (error, want))
        fail_msg ("setup timeout: '%s'", error);
    assert_true (took >= FL_SETUP_TIMEOUT_MS && took < FL_SETUP_TIMEOUT_MS + S_WAIT_MS);
    free (error);
    lab_destroy (&fx.lab);
}

//  isolate-leader among our own kind of nodes that never answer "role":
//  the wait ends at FL_ROLE_TIMEOUT_MS and the action says so, then
//  isolates some node.
static void
test_isolate_leader_names_FL_ROLE_TIMEOUT_MS (void **state)
{
    (void) state;
    char cwd [4096], script [4352], bin_dir [128];
    assert_non_null (getcwd (cwd, sizeof cwd));
    snprintf (script, sizeof script, "#!/bin/sh\nexec '%s/bin/node-stdio' \"$@\" -- 'cat >/dev/null'\n",
              cwd);
    s_bin_dir (bin_dir, sizeof bin_dir, "quiet", NULL, "node-quiet", script);
    s_fixture_t fx;
    s_opts (&fx, 3, bin_dir, "none", "none", "all");
    fx.opts.system = "quiet";
    fx.opts.node_cmd = NULL;
    s_new_lab (&fx);
    action_t spec;
    char *error = NULL;
    assert_int_equal (action_parse (&spec, "partition isolate-leader", 3, &error), 0);
    rng_t rng;
    rng_init (&rng, 7);
    char detail [256] = "";
    int64_t start = clock_mono_ms ();
    assert_int_equal (lab_apply (fx.lab, &spec, &rng, detail, sizeof detail, &error), 0);
    assert_true (clock_mono_ms () - start >= FL_ROLE_TIMEOUT_MS);
    assert_non_null (strstr (detail, "no node reported a role within"));
    assert_non_null (strstr (detail, "FL_ROLE_TIMEOUT_MS"));
    assert_int_equal (json_array_size (lab_notes (fx.lab)), 0);
    lab_destroy (&fx.lab);
}

//  A --node program gets Maelstrom's messages only: isolate-leader picks
//  a node from the seed and says so (detail and lab_notes) without asking
//  for roles, clock-skew goes through libfaketime, and the node's inbox
//  holds init and the setup, nothing private.
static void
test_node_program_gets_no_private_messages (void **state)
{
    (void) state;
    s_fixture_t fx;
    s_opts (&fx, 3, ".", "init_ok", "ok", "all");
    fx.opts.faketime = true;            //  as a scenario with clock-skew asks
    s_new_lab (&fx);
    char *error = NULL;
    if (lab_init (fx.lab, &error))
        fail_msg ("lab_init: %s", error);
    action_t spec;
    rng_t rng;
    rng_init (&rng, 7);
    char detail [256] = "";
    assert_int_equal (action_parse (&spec, "partition isolate-leader", 3, &error), 0);
    int64_t start = clock_mono_ms ();
    assert_int_equal (lab_apply (fx.lab, &spec, &rng, detail, sizeof detail, &error), 0);
    assert_true (clock_mono_ms () - start < FL_ROLE_TIMEOUT_MS);   //  nobody was asked
    assert_non_null (strstr (detail, "a --node program cannot say its role"));
    json_t *notes = lab_notes (fx.lab);
    assert_int_equal (json_array_size (notes), 1);
    assert_true (strncmp (json_string_value (json_array_get (notes, 0)), "isolate-leader: ",
                          16) == 0);
    assert_int_equal (action_parse (&spec, "clock-skew n2 500", 3, &error), 0);
    assert_int_equal (lab_apply (fx.lab, &spec, &rng, detail, sizeof detail, &error), 0);
    assert_string_equal (detail, "n2 +500 ms (libfaketime)");
    json_t *skews = lab_skew_json (fx.lab);
    json_t *want = json_pack ("{s:{s:i, s:s}}", "n2", "offset_ms", 500, "via", "libfaketime");
    assert_true (json_equal (skews, want));
    json_decref (want);
    json_decref (skews);
    assert_int_equal (action_parse (&spec, "heal", 3, &error), 0);
    assert_int_equal (lab_apply (fx.lab, &spec, &rng, detail, sizeof detail, &error), 0);
    //  The setup comes after both actions: every node's inbox is complete.
    assert_int_equal (lab_setup (fx.lab, s_topology (3), &error), 0);
    json_t *all = s_inboxes (&fx);
    assert_int_equal (json_array_size (all), 3);
    size_t f, i;
    json_t *lines, *envelope;
    json_array_foreach (all, f, lines) {
        char types [128] = "";
        json_array_foreach (lines, i, envelope) {
            size_t used = strlen (types);
            snprintf (types + used, sizeof types - used, "%s%s", *types? " ": "",
                      s_type (envelope));
        }
        assert_string_equal (types, "init topology");
    }
    json_decref (all);
    lab_destroy (&fx.lab);
}

//  A lab whose --node programs run without libfaketime (no clock-skew in
//  the scenario) refuses a clock-skew, naming the node, and writes no
//  clock file.
static void
test_clock_skew_without_faketime_is_refused (void **state)
{
    (void) state;
    s_fixture_t fx;
    s_start (&fx, 2, "none", "none", "all");
    action_t spec;
    rng_t rng;
    rng_init (&rng, 7);
    char detail [256] = "", *error = NULL;
    assert_int_equal (action_parse (&spec, "clock-skew n2 500", 2, &error), 0);
    assert_int_equal (lab_apply (fx.lab, &spec, &rng, detail, sizeof detail, &error), -2);   //  refused
    assert_non_null (error);
    assert_non_null (strstr (error, "cannot shift n2's clock"));
    assert_non_null (strstr (error, "libfaketime"));
    free (error);
    char path [256];
    snprintf (path, sizeof path, "%s/n2.faketime", fx.run);
    assert_int_equal (access (path, F_OK), -1);
    json_t *skews = lab_skew_json (fx.lab);
    assert_int_equal (json_object_size (skews), 0);
    json_decref (skews);
    lab_destroy (&fx.lab);
}

//  The proxy's pid, from the ready line lab_new copied to proxy.log.
static pid_t
s_proxy_pid (s_fixture_t *fx)
{
    char path [256], line [4096];
    snprintf (path, sizeof path, "%s/proxy.log", fx->run);
    FILE *file = fopen (path, "r");
    assert_non_null (file);
    pid_t pid = 0;
    while (!pid && fgets (line, sizeof line, file)) {
        json_t *ready = json_loads (line, 0, NULL);
        pid = (pid_t) json_integer_value (json_object_get (ready, "pid"));
        json_decref (ready);
    }
    fclose (file);
    assert_true (pid > 0);
    return pid;
}

//  A stopped proxy: the control request gives up at FL_CONTROL_TIMEOUT_MS
//  (5 s of waiting) with an error naming it; the next request works.
static void
test_control_timeout_names_limit (void **state)
{
    (void) state;
    s_fixture_t fx;
    s_start (&fx, 1, "none", "none", "all");
    pid_t proxy = s_proxy_pid (&fx);
    assert_int_equal (kill (proxy, SIGSTOP), 0);
    char *error = NULL;
    json_t *reply = lab_request (fx.lab, json_pack ("{s:s}", "cmd", "stats"), &error);
    assert_int_equal (kill (proxy, SIGCONT), 0);
    assert_null (reply);
    assert_non_null (error);
    assert_non_null (strstr (error, "FL_CONTROL_TIMEOUT_MS"));
    free (error);
    error = NULL;
    reply = lab_request (fx.lab, json_pack ("{s:s}", "cmd", "stats"), &error);
    assert_non_null (reply);
    json_decref (reply);
    lab_destroy (&fx.lab);
}

//  A bin/ whose proxy never prints its ready line: lab_new gives up at
//  FL_PROXY_READY_TIMEOUT_MS (5 s of waiting) and names it.
static void
test_proxy_ready_timeout_names_limit (void **state)
{
    (void) state;
    char bin_dir [128];
    s_bin_dir (bin_dir, sizeof bin_dir, "mute", "#!/bin/sh\nexec sleep 30\n", "node-stdio", NULL);
    s_fixture_t fx;
    s_opts (&fx, 1, bin_dir, "init_ok", "ok", "all");
    char *error = NULL;
    int status = 0;
    fx.lab = lab_new (&fx.opts, &error, &status);
    assert_null (fx.lab);
    assert_non_null (error);
    assert_non_null (strstr (error, "FL_PROXY_READY_TIMEOUT_MS"));
    assert_int_not_equal (status, 0);
    free (error);
}

//  lab_warm_up's pauses: FL_WARMUP_POLL_MS each, the last one cut so that
//  the wait ends exactly at FL_WARMUP_MS; a leader or no roles end it.
static void
test_warm_up_pauses_to_FL_WARMUP_MS (void **state)
{
    (void) state;
    int64_t start = 1000;
    assert_int_equal (lab_warm_up_pause_ms (start, start, 0), FL_WARMUP_POLL_MS);
    assert_int_equal (lab_warm_up_pause_ms (start, start + FL_WARMUP_MS - 1, 0), 1);
    assert_int_equal (lab_warm_up_pause_ms (start, start + FL_WARMUP_MS, 0), -1);
    assert_int_equal (lab_warm_up_pause_ms (start, start, 2), -1);
    assert_int_equal (lab_warm_up_pause_ms (start, start, -1), -1);
    //  Queries answered instantly: the pauses add up to FL_WARMUP_MS.
    int64_t now = start;
    int pauses = 0, pause;
    while ((pause = lab_warm_up_pause_ms (start, now, 0)) >= 0) {
        assert_true (pause > 0 && pause <= FL_WARMUP_POLL_MS);
        now += pause;
        assert_true (++pauses <= FL_WARMUP_MS);
    }
    assert_int_equal (now - start, FL_WARMUP_MS);
    assert_int_equal (pauses, (FL_WARMUP_MS + FL_WARMUP_POLL_MS - 1) / FL_WARMUP_POLL_MS);
}

//  A run's check carries FL_RUN_CHECK_TIMEOUT_S, not the checker's default.
static void
test_run_check_has_FL_RUN_CHECK_TIMEOUT_S (void **state)
{
    (void) state;
    check_opts_t opts = runner_check_opts ("kv", 0);
    assert_string_equal (opts.model, "kv");
    assert_string_equal (opts.format, "jsonl");
    assert_null (opts.init);
    check_budget_t budget = check_budget (&opts, 1);
    assert_true (budget.timeout_s == FL_RUN_CHECK_TIMEOUT_S);
    assert_true (FL_RUN_CHECK_TIMEOUT_S != FL_CHECK_TIMEOUT_S_DEFAULT);
    //  --check-timeout or checks/timeout_s
    opts = runner_check_opts ("kv", 240);
    assert_true (check_budget (&opts, 1).timeout_s == 240);
}

int
main (void)
{
    zsys_init ();
    zsys_set_logstream (stderr);
    tap_start (120);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_init_once_when_the_node_connects_late),
        cmocka_unit_test (test_init_once_per_start),
        cmocka_unit_test (test_setup_again_after_restart),
        cmocka_unit_test (test_init_answered_otherwise_fails_naming_the_node),
        cmocka_unit_test (test_init_timeout_names_node_and_limit),
        cmocka_unit_test (test_setup_reaches_every_node),
        cmocka_unit_test (test_setup_answered_otherwise_fails_naming_the_node),
        cmocka_unit_test (test_setup_timeout_names_FL_SETUP_TIMEOUT_MS),
        cmocka_unit_test (test_isolate_leader_names_FL_ROLE_TIMEOUT_MS),
        cmocka_unit_test (test_node_program_gets_no_private_messages),
        cmocka_unit_test (test_clock_skew_without_faketime_is_refused),
        cmocka_unit_test (test_control_timeout_names_limit),
        cmocka_unit_test (test_proxy_ready_timeout_names_limit),
        cmocka_unit_test (test_warm_up_pauses_to_FL_WARMUP_MS),
        cmocka_unit_test (test_run_check_has_FL_RUN_CHECK_TIMEOUT_S),
    };
    return cmocka_run_group_tests (tests, tap_dir_make, tap_dir_remove);
}
