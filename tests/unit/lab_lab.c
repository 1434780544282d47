/*  lab_lab.c -- the lab's waits, each reached by name.

    A real lab (bin/proxy and bin/node-stdio) whose nodes run a program
    that never answers: `cat` writes what the node receives to a file, the
    inbox, so the test sees what the lab sent and in which order. lab_tick
    takes the time, so init's re-send (FL_INIT_RESEND_MS) and its deadline
    (FL_INIT_TIMEOUT_MS) are reached at chosen times, not waited for. The
    role query (FL_ROLE_TIMEOUT_MS, 500 ms) and the control request
    (FL_CONTROL_TIMEOUT_MS, a stopped proxy) and the proxy's ready line
    (FL_PROXY_READY_TIMEOUT_MS, a proxy that never says it) are real waits:
    those tests take the limit's time, 5 s for the last two. The pure
    decisions (lab_warm_up_pause_ms for FL_WARMUP_MS and
    FL_WARMUP_POLL_MS, runner_check_opts for FL_RUN_CHECK_TIMEOUT_S) are
    tested without a lab.
*/
#include "tap.h"
#include <string.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/stat.h>
#include <czmq.h>
#include <jansson.h>
#include "clock.h"
#include "limits.h"
#include "../../lab/lab.h"
#include "../../lab/runner.h"

static int s_labs;              //  labs made, each with its own run dir

typedef struct {
    char run [128];
    char inbox [192];           //  what n1 received, one envelope a line
    char node_cmd [512];
    lab_opts_t opts;
    lab_t *lab;
} s_fixture_t;

//  Options for a lab of `nodes` silent nodes, with bin/ under bin_dir.
static void
s_opts (s_fixture_t *fx, int nodes, const char *bin_dir)
{
    snprintf (fx->run, sizeof fx->run, "%s/run%d", tap_dir, ++s_labs);
    assert_int_equal (mkdir (fx->run, 0755), 0);
    snprintf (fx->inbox, sizeof fx->inbox, "%s/inbox", fx->run);
    //  The inner sh keeps the bridge's stdout pipe open; each node writes
    //  its own inbox.PID.
    snprintf (fx->node_cmd, sizeof fx->node_cmd,
              "sh -c 'cat >> %s.$$; sleep 30'", fx->inbox);
    fx->opts = (lab_opts_t) { .system = "stdio", .node_cmd = fx->node_cmd,
        .bin_dir = bin_dir, .run_dir = fx->run, .nodes = nodes, .seed = 7,
        .t0_ns = clock_mono_ns () };
}

static void
s_start (s_fixture_t *fx, int nodes)
{
    s_opts (fx, nodes, ".");
    char *error = NULL;
    int status = 0;
    fx->lab = lab_new (&fx->opts, &error, &status);
    if (!fx->lab)
        fail_msg ("lab_new: %s", error);
}

//  The envelopes the nodes received so far (every node's inbox file).
static json_t *
s_inbox (s_fixture_t *fx)
{
    json_t *lines = json_array ();
    char command [512];
    snprintf (command, sizeof command, "cat %s.* 2>/dev/null", fx->inbox);
    FILE *pipe = popen (command, "r");
    assert_non_null (pipe);
    char line [8192];
    while (fgets (line, sizeof line, pipe)) {
        json_t *envelope = json_loads (line, 0, NULL);
        if (envelope)
            json_array_append_new (lines, envelope);
    }
    pclose (pipe);
    return lines;
}

static const char *
s_type (json_t *envelope)
{
    return json_string_value (json_object_get (json_object_get (envelope, "body"), "type"));
}

static int64_t
s_msg_id (json_t *envelope)
{
    return json_integer_value (json_object_get (json_object_get (envelope, "body"), "msg_id"));
}

//  Wait (at most 5 s) until a message with msg_id has arrived; returns
//  the inbox then (caller decrefs).
static json_t *
s_await_msg (s_fixture_t *fx, int64_t msg_id)
{
    int64_t deadline = clock_mono_ms () + 5000;
    while (true) {
        json_t *lines = s_inbox (fx);
        size_t i;
        json_t *envelope;
        json_array_foreach (lines, i, envelope)
            if (s_msg_id (envelope) == msg_id)
                return lines;
        json_decref (lines);
        if (clock_mono_ms () > deadline)
            fail_msg ("message %" PRId64 " never reached the node", msg_id);
        zclock_sleep (10);
    }
}

//  Until the node is connected the proxy may drop an init: tick at a
//  pretend FL_INIT_RESEND_MS pace until one arrives. Every tick sends one
//  init, so msg_ids 1..ticks are inits. Returns the last tick's time.
static int64_t
s_connect (s_fixture_t *fx, int64_t *ticks)
{
    int64_t start = clock_mono_ms ();
    char *error = NULL;
    for (*ticks = 0; ; ) {
        int64_t now = start + *ticks * FL_INIT_RESEND_MS;
        assert_int_equal (lab_tick (fx->lab, now, &error), 0);
        (*ticks)++;
        json_t *lines = s_inbox (fx);
        size_t got = json_array_size (lines);
        json_decref (lines);
        if (got > 0)
            return now;
        assert_true (*ticks < 40);
        zclock_sleep (FL_INIT_RESEND_MS);
    }
}

//  Init goes again FL_INIT_RESEND_MS after the last one, not a ms sooner:
//  role queries in between mark the order.
static void
test_init_resent_after_FL_INIT_RESEND_MS (void **state)
{
    (void) state;
    s_fixture_t fx;
    s_start (&fx, 1);
    int64_t ticks = 0;
    int64_t last = s_connect (&fx, &ticks);
    json_decref (s_await_msg (&fx, ticks));
    char *error = NULL;
    assert_int_equal (lab_tick (fx.lab, last + FL_INIT_RESEND_MS - 1, &error), 0);
    //  A silent node leaves lab_leader at FL_ROLE_TIMEOUT_MS with no role.
    assert_int_equal (lab_leader (fx.lab), -1);
    assert_int_equal (lab_tick (fx.lab, last + FL_INIT_RESEND_MS, &error), 0);
    assert_int_equal (lab_leader (fx.lab), -1);
    json_t *lines = s_await_msg (&fx, ticks + 3);
    const char *expect [] = { "role", "init", "role" };
    size_t seen = 0, i;
    json_t *envelope;
    json_array_foreach (lines, i, envelope) {
        if (s_msg_id (envelope) <= ticks)
            continue;
        assert_true (seen < 3);
        assert_int_equal (s_msg_id (envelope), ticks + 1 + (int64_t) seen);
        assert_string_equal (s_type (envelope), expect [seen]);
        seen++;
    }
    assert_int_equal (seen, 3);
    json_decref (lines);
    lab_destroy (&fx.lab);
}

//  A node silent past FL_INIT_TIMEOUT_MS ends the run with an error that
//  names the node and the limit; at the limit it is still waited for.
static void
test_init_timeout_names_node_and_limit (void **state)
{
    (void) state;
    s_fixture_t fx;
    int64_t before = clock_mono_ms ();
    s_start (&fx, 1);
    int64_t after = clock_mono_ms ();
    char *error = NULL;
    assert_int_equal (lab_tick (fx.lab, before + FL_INIT_TIMEOUT_MS, &error), 0);
    assert_null (error);
    assert_int_equal (lab_tick (fx.lab, after + FL_INIT_TIMEOUT_MS + 1, &error), -1);
    assert_non_null (error);
    assert_non_null (strstr (error, "node n1 never answered init"));
    assert_non_null (strstr (error, "FL_INIT_TIMEOUT_MS"));
    char ms [32];
    snprintf (ms, sizeof ms, "%d ms", FL_INIT_TIMEOUT_MS);
    assert_non_null (strstr (error, ms));
    free (error);
    lab_destroy (&fx.lab);
}

//  isolate-leader among nodes that never answer "role": the wait ends at
//  FL_ROLE_TIMEOUT_MS and the action says so, then isolates some node.
static void
test_isolate_leader_names_FL_ROLE_TIMEOUT_MS (void **state)
{
    (void) state;
    s_fixture_t fx;
    s_start (&fx, 3);
    action_t spec;
    char *error = NULL;
    assert_int_equal (action_parse (&spec, "partition isolate-leader", 3, &error), 0);
    rng_t rng;
    rng_init (&rng, 7);
    char detail [256] = "";
    assert_int_equal (lab_apply (fx.lab, &spec, &rng, detail, sizeof detail, &error), 0);
    assert_non_null (strstr (detail, "no node reported a role within"));
    assert_non_null (strstr (detail, "FL_ROLE_TIMEOUT_MS"));
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
    s_start (&fx, 1);
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
    char bin_dir [128], path [256], cwd [4096];
    snprintf (bin_dir, sizeof bin_dir, "%s/mute", tap_dir);
    snprintf (path, sizeof path, "%s/bin", bin_dir);
    assert_int_equal (mkdir (bin_dir, 0755), 0);
    assert_int_equal (mkdir (path, 0755), 0);
    snprintf (path, sizeof path, "%s/bin/proxy", bin_dir);
    FILE *script = fopen (path, "w");
    assert_non_null (script);
    fprintf (script, "#!/bin/sh\nexec sleep 30\n");
    fclose (script);
    assert_int_equal (chmod (path, 0755), 0);
    assert_non_null (getcwd (cwd, sizeof cwd));
    char target [4200];
    snprintf (target, sizeof target, "%s/bin/node-stdio", cwd);
    snprintf (path, sizeof path, "%s/bin/node-stdio", bin_dir);
    assert_int_equal (symlink (target, path), 0);
    s_fixture_t fx;
    s_opts (&fx, 1, bin_dir);
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
    check_opts_t opts = runner_check_opts ("kv");
    assert_string_equal (opts.model, "kv");
    assert_string_equal (opts.format, "jsonl");
    assert_null (opts.init);
    check_budget_t budget = check_budget (&opts, 1);
    assert_true (budget.timeout_s == FL_RUN_CHECK_TIMEOUT_S);
    assert_true (FL_RUN_CHECK_TIMEOUT_S != FL_CHECK_TIMEOUT_S_DEFAULT);
}

int
main (void)
{
    zsys_init ();
    zsys_set_logstream (stderr);
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_init_resent_after_FL_INIT_RESEND_MS),
        cmocka_unit_test (test_init_timeout_names_node_and_limit),
        cmocka_unit_test (test_isolate_leader_names_FL_ROLE_TIMEOUT_MS),
        cmocka_unit_test (test_control_timeout_names_limit),
        cmocka_unit_test (test_proxy_ready_timeout_names_limit),
        cmocka_unit_test (test_warm_up_pauses_to_FL_WARMUP_MS),
        cmocka_unit_test (test_run_check_has_FL_RUN_CHECK_TIMEOUT_S),
    };
    return cmocka_run_group_tests (tests, tap_dir_make, tap_dir_remove);
}
