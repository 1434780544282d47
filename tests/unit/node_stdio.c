/*  node_stdio.c -- bin/node-stdio bridges a Maelstrom binary to the proxy.

    The test plays the proxy: it binds a ROUTER, starts bin/node-stdio with
    the Python echo node of examples/maelstrom, and checks

        test ROUTER --[n1][c1][init]--> node-stdio --stdin--> echo.py
                    <--[n1][c1][init_ok]--          <--stdout--

    that init and echo round-trip, that the envelope's src is rewritten to the
    frame's, that non-envelope stdout is skipped, that a node that exits makes
    the bridge exit 1, that SIGTERM stops it with 0, and that messages for
    a node that does not read its stdin are dropped past
    FL_STDIO_PENDING_BYTES_MAX, the log naming the limit.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include "tap.h"
#include <czmq.h>
#include <jansson.h>
#include <sys/wait.h>
#include <fcntl.h>
#include "clock.h"
#include "limits.h"

typedef struct {
    char dir [64];
    char endpoint [128];
    zsock_t *router;
    pid_t bridge;
} fixture_t;

static int
s_setup_command (void **state, const char *command)
{
    fixture_t *self = calloc (1, sizeof (fixture_t));
    strcpy (self->dir, "/tmp/fl-stdio-XXXXXX");
    assert_non_null (mkdtemp (self->dir));
    snprintf (self->endpoint, sizeof self->endpoint, "ipc://%s/net", self->dir);
    self->router = zsock_new (ZMQ_ROUTER);
    assert_int_equal (zsock_bind (self->router, "%s", self->endpoint), 0);
    zsock_set_rcvtimeo (self->router, 5000);
    zsock_set_router_mandatory (self->router, 1);
    self->bridge = fork ();
    if (self->bridge == 0) {
        char log [128];
        snprintf (log, sizeof log, "%s/bridge.log", self->dir);
        int fd = open (log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0)
            dup2 (fd, 2);
        execl ("bin/node-stdio", "node-stdio", "--id", "n1", "--connect", self->endpoint,
               "--", command, (char *) NULL);
        _exit (127);
    }
    *state = self;
    return 0;
}

static int
s_setup (void **state)
{
    return s_setup_command (state, "python3 examples/maelstrom/echo.py");
}

//  A node that ignores SIGTERM (the ignored disposition survives exec).
static int
s_setup_stubborn (void **state)
{
    return s_setup_command (state, "sh -c \"trap '' TERM; exec python3 examples/maelstrom/echo.py\"");
}

//  A node program that starts a helper of its own before it serves.
#define S_SPAWNER_MARK "3131.5"
static int
s_setup_spawner (void **state)
{
    return s_setup_command (state, "sleep " S_SPAWNER_MARK " & exec python3 examples/maelstrom/echo.py");
}

//  A node that never reads its stdin.
static int
s_setup_deaf (void **state)
{
    return s_setup_command (state, "sleep 30");
}

static int
s_teardown (void **state)
{
    fixture_t *self = *state;
    if (self->bridge > 0) {
        kill (self->bridge, SIGKILL);
        waitpid (self->bridge, NULL, 0);
    }
    zsock_destroy (&self->router);
    assert_int_equal (tap_remove_dir (self->dir), 0);
    free (self);
    return 0;
}

//  Send body to n1 as if from src, claiming to be `claimed` in the envelope.
static void
s_send (fixture_t *self, const char *src, const char *claimed, const char *body)
{
    char *json = zsys_sprintf ("{\"src\":\"%s\",\"dest\":\"n1\",\"body\":%s}", claimed, body);
    //  router_mandatory: until the bridge has connected, the send fails
    //  with EHOSTUNREACH instead of vanishing; retry with a deadline.
    int rc = -1;
    for (int tries = 0; rc < 0 && tries < 500; tries++) {
        zmsg_t *msg = zmsg_new ();
        zmsg_addstr (msg, "n1");
        zmsg_addstr (msg, src);
        zmsg_addstr (msg, json);
        rc = zmsg_send (&msg, self->router);
        if (rc < 0) {
            zmsg_destroy (&msg);
            zclock_sleep (10);
        }
    }
    assert_int_equal (rc, 0);
    zstr_free (&json);
}

//  Receive one message from n1; returns its envelope (caller decrefs).
static json_t *
s_recv (fixture_t *self, const char *expect_dest)
{
    zmsg_t *msg = zmsg_recv (self->router);
    assert_non_null (msg);
    char *from = zmsg_popstr (msg), *dest = zmsg_popstr (msg), *text = zmsg_popstr (msg);
    assert_string_equal (from, "n1");
    assert_string_equal (dest, expect_dest);
    json_t *envelope = json_loads (text, 0, NULL);
    assert_non_null (envelope);
    zstr_free (&from); zstr_free (&dest); zstr_free (&text);
    zmsg_destroy (&msg);
    return envelope;
}

static int
s_wait_exit (pid_t pid, int timeout_ms)
{
    int status;
    for (int i = 0; i < timeout_ms / 10; i++) {
        if (waitpid (pid, &status, WNOHANG) == pid)
            return WIFEXITED (status)? WEXITSTATUS (status): 128 + WTERMSIG (status);
        zclock_sleep (10);
    }
    return -1;
}

static void
test_init_and_echo (void **state)
{
    fixture_t *self = *state;
    //  The client claims to be c9 in the envelope; the frame says c1.
    s_send (self, "c1", "c9", "{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\",\"node_ids\":[\"n1\"]}");
    json_t *reply = s_recv (self, "c1");
    json_t *body = json_object_get (reply, "body");
    assert_string_equal (json_string_value (json_object_get (body, "type")), "init_ok");
    assert_int_equal (json_integer_value (json_object_get (body, "in_reply_to")), 1);
    json_decref (reply);

    s_send (self, "c1", "c1", "{\"type\":\"noise\",\"msg_id\":2}");
    s_send (self, "c1", "c1", "{\"type\":\"echo\",\"msg_id\":3,\"echo\":\"hello\"}");
    reply = s_recv (self, "c1");    //  the noise line was skipped
    body = json_object_get (reply, "body");
    assert_string_equal (json_string_value (json_object_get (body, "type")), "echo_ok");
    assert_string_equal (json_string_value (json_object_get (body, "echo")), "hello");
    json_decref (reply);
}

static void
test_node_exit_is_a_crash (void **state)
{
    fixture_t *self = *state;
    s_send (self, "c1", "c1", "{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\",\"node_ids\":[\"n1\"]}");
    json_decref (s_recv (self, "c1"));
    s_send (self, "c1", "c1", "{\"type\":\"exit\",\"msg_id\":2}");
    assert_int_equal (s_wait_exit (self->bridge, 5000), 1);
    self->bridge = 0;
}

static void
test_sigterm_stops_cleanly (void **state)
{
    fixture_t *self = *state;
    s_send (self, "c1", "c1", "{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\",\"node_ids\":[\"n1\"]}");
    json_decref (s_recv (self, "c1"));
    kill (self->bridge, SIGTERM);
    assert_int_equal (s_wait_exit (self->bridge, 5000), 0);
    self->bridge = 0;
}

//  A node that ignores SIGTERM is killed FL_SHUTDOWN_GRACE_MS after it,
//  never sooner, and the bridge says so.
static void
test_shutdown_grace (void **state)
{
    fixture_t *self = *state;
    s_send (self, "c1", "c1", "{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\",\"node_ids\":[\"n1\"]}");
    json_decref (s_recv (self, "c1"));
    int64_t start = clock_mono_ms ();
    kill (self->bridge, SIGTERM);
    assert_int_equal (s_wait_exit (self->bridge, FL_SHUTDOWN_GRACE_MS + 5000), 0);
    self->bridge = 0;
    assert_true (clock_mono_ms () - start >= FL_SHUTDOWN_GRACE_MS);
    char path [128];
    snprintf (path, sizeof path, "%s/bridge.log", self->dir);
    FILE *file = fopen (path, "r");
    assert_non_null (file);
    char *text = NULL;
    size_t size = 0;
    assert_true (getdelim (&text, &size, 0, file) > 0);
    fclose (file);
    if (!strstr (text, "node still running FL_SHUTDOWN_GRACE_MS (1000 ms) after SIGTERM: killed"))
        fail_msg ("the bridge does not name FL_SHUTDOWN_GRACE_MS: %s", text);
    free (text);
}

//  How many processes run 'sleep S_SPAWNER_MARK' now.
static int
s_spawned (void)
{
    int count = -1;
    //  [.] keeps the pattern from matching the shell that runs pgrep.
    FILE *ps = popen ("if command -v pgrep > /dev/null; then pgrep -f 'sleep 3131[.]5' | wc -l;"
                      " else echo -1; fi", "r");
    assert_non_null (ps);
    assert_int_equal (fscanf (ps, "%d", &count), 1);
    pclose (ps);
    //  Without pgrep every count would be 0, and "none left" would pass.
    if (count < 0)
        fail_msg ("pgrep not found: run make lab (installs Debian package procps)");
    return count;
}

//  How many are left once they had up to two seconds to die.
static int
s_spawned_left (void)
{
    int left = s_spawned ();
    for (int i = 0; i < 100 && left > 0; i++) {
        zclock_sleep (20);
        left = s_spawned ();
    }
    return left;
}

//  The node's own helpers die with it, whether the bridge is stopped or the
//  node exits by itself: no orphans after a run.
static void
test_node_group_dies_with_bridge (void **state)
{
    fixture_t *self = *state;
    s_send (self, "c1", "c1", "{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\",\"node_ids\":[\"n1\"]}");
    json_decref (s_recv (self, "c1"));
    assert_true (s_spawned () > 0);         //  the node's helper runs
    kill (self->bridge, SIGTERM);
    assert_int_equal (s_wait_exit (self->bridge, 5000), 0);
    self->bridge = 0;
    assert_int_equal (s_spawned_left (), 0);
}

static void
test_node_group_dies_with_node (void **state)
{
    fixture_t *self = *state;
    s_send (self, "c1", "c1", "{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\",\"node_ids\":[\"n1\"]}");
    json_decref (s_recv (self, "c1"));
    assert_true (s_spawned () > 0);         //  the node's helper runs
    s_send (self, "c1", "c1", "{\"type\":\"exit\",\"msg_id\":2}");
    assert_int_equal (s_wait_exit (self->bridge, 5000), 1);
    self->bridge = 0;
    assert_int_equal (s_spawned_left (), 0);
}

//  Does the bridge's log hold text yet?
static bool
s_log_has (fixture_t *self, const char *text)
{
    char path [128];
    snprintf (path, sizeof path, "%s/bridge.log", self->dir);
    char *log = NULL;
    size_t size = 0;
    FILE *file = fopen (path, "r");
    if (file) {
        FILE *out = open_memstream (&log, &size);
        int c;
        while ((c = fgetc (file)) != EOF)
            fputc (c, out);
        fclose (out);
        fclose (file);
    }
    bool found = log && strstr (log, text);
    free (log);
    return found;
}

//  A node that never reads its stdin: past FL_STDIO_PENDING_BYTES_MAX
//  queued for it the bridge drops a message, its log names the limit, and
//  it keeps running.
static void
test_pending_bytes_max_names_limit (void **state)
{
    fixture_t *self = *state;
    size_t pad = 1000 * 1000;               //  one message, below FL_MSG_BYTES_MAX
    char *body = malloc (pad + 64);
    assert_non_null (body);
    int head = snprintf (body, 64, "{\"type\":\"fill\",\"pad\":\"");
    memset (body + head, 'x', pad);
    strcpy (body + head + pad, "\"}");
    //  Enough to fill the pending buffer and the pipe, and one more.
    int count = FL_STDIO_PENDING_BYTES_MAX / (int) pad + 3;
    for (int i = 0; i < count; i++)
        s_send (self, "c1", "c1", body);
    free (body);
    int64_t deadline = clock_mono_ms () + 20000;
    while (!s_log_has (self, "(FL_STDIO_PENDING_BYTES_MAX); dropped a message")) {
        assert_true (clock_mono_ms () < deadline);
        zclock_sleep (20);
    }
    assert_int_equal (waitpid (self->bridge, NULL, WNOHANG), 0);
}

static void
test_bad_command_lines (void **state)
{
    (void) state;
    const char *cases [] = {
        "bin/node-stdio --connect ipc:///tmp/x -- true",
        "bin/node-stdio --id n1 -- true",
        "bin/node-stdio --id n1 --connect ipc:///tmp/x",
        "bin/node-stdio --id n1 --connect ipc:///tmp/x --bogus 1 -- true",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases [0]; i++) {
        char *command = zsys_sprintf ("%s 2>/dev/null", cases [i]);
        int status = system (command);
        zstr_free (&command);
        assert_true (WIFEXITED (status));
        assert_int_equal (WEXITSTATUS (status), 64);
    }
}

int
main (void)
{
    tap_start (60);
    zsys_set_logstream (stderr);
    //  The nodes under test are Python: without python3 every test would
    //  fail with no word on why.
    if (system ("command -v python3 > /dev/null 2>&1") != 0) {
        printf ("Bail out! python3 not found: run make lab (installs Debian package python3)\n");
        return 1;
    }
    const struct CMUnitTest tests [] = {
        cmocka_unit_test_setup_teardown (test_init_and_echo, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_node_exit_is_a_crash, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_sigterm_stops_cleanly, s_setup, s_teardown),
        cmocka_unit_test_setup_teardown (test_shutdown_grace, s_setup_stubborn, s_teardown),
        cmocka_unit_test_setup_teardown (test_node_group_dies_with_bridge, s_setup_spawner, s_teardown),
        cmocka_unit_test_setup_teardown (test_node_group_dies_with_node, s_setup_spawner, s_teardown),
        cmocka_unit_test_setup_teardown (test_pending_bytes_max_names_limit, s_setup_deaf, s_teardown),
        cmocka_unit_test (test_bad_command_lines),
    };
    return cmocka_run_group_tests_name ("node_stdio", tests, NULL, NULL);
}
