/*  node_stdio.c -- bin/node-stdio bridges a Maelstrom binary to the proxy.

    The test plays the proxy: it binds a ROUTER, starts bin/node-stdio with
    a Python node (examples/maelstrom/echo.py, or tests/nodes/mirror.py,
    which reports every line it is given and writes any line it is told
    to), and checks

        test ROUTER --[n1][c1][init]--> node-stdio --stdin--> node.py
                    <--[n1][c1][init_ok]--          <--stdout--

    that init and echo round-trip; that a delivered line is the envelope as
    written plus "id" (0, 1, 2...) and "src" only when it had none; that a
    node's src reaches the peer as written (c7 through n1 to n2); that every
    kind of bad output is recorded with its reason in --bad-output and not
    forwarded, while a good line after it is; that known dests follow the
    init; that --faketime shifts a Python node's time.time () when the file
    changes; that a node that exits makes the bridge exit 1, that SIGTERM
    stops it with 0, and that messages for a node that does not read its
    stdin are dropped past FL_STDIO_PENDING_BYTES_MAX, the log naming the
    limit.
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
#include <math.h>
#include "clock.h"
#include "faketime.h"
#include "limits.h"

#define MIRROR "python3 tests/nodes/mirror.py"
#define BRIDGES_MAX 2

typedef struct {
    char dir [64];
    char endpoint [128];
    char bad_output [128];      //  dir/bad.jsonl, shared by the bridges
    char faketime [128];        //  dir/n1.faketime
    zsock_t *router;
    pid_t bridge [BRIDGES_MAX];
} fixture_t;

//  Start bridge slot as node id on command, with --bad-output, and with
//  --faketime when faketime is set. Its stderr goes to dir/ID.log.
static void
s_bridge_start (fixture_t *self, int slot, const char *id, const char *command,
                bool faketime)
{
    self->bridge [slot] = fork ();
    assert_true (self->bridge [slot] >= 0);
    if (self->bridge [slot] == 0) {
        char log [128];
        snprintf (log, sizeof log, "%s/%s.log", self->dir, id);
        int fd = open (log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0)
            dup2 (fd, 2);
        if (faketime)
            execl ("bin/node-stdio", "node-stdio", "--id", id, "--connect", self->endpoint,
                   "--bad-output", self->bad_output, "--faketime", self->faketime,
                   "--", command, (char *) NULL);
        else
            execl ("bin/node-stdio", "node-stdio", "--id", id, "--connect", self->endpoint,
                   "--bad-output", self->bad_output, "--", command, (char *) NULL);
        _exit (127);
    }
}

static fixture_t *
s_fixture_new (void)
{
    fixture_t *self = calloc (1, sizeof (fixture_t));
    strcpy (self->dir, "/tmp/fl-stdio-XXXXXX");
    assert_non_null (mkdtemp (self->dir));
    snprintf (self->endpoint, sizeof self->endpoint, "ipc://%s/net", self->dir);
    snprintf (self->bad_output, sizeof self->bad_output, "%s/bad.jsonl", self->dir);
    snprintf (self->faketime, sizeof self->faketime, "%s/n1.faketime", self->dir);
    self->router = zsock_new (ZMQ_ROUTER);
    assert_int_equal (zsock_bind (self->router, "%s", self->endpoint), 0);
    zsock_set_rcvtimeo (self->router, 5000);
    zsock_set_router_mandatory (self->router, 1);
    return self;
}

static int
s_setup_command (void **state, const char *command)
{
    fixture_t *self = s_fixture_new ();
    s_bridge_start (self, 0, "n1", command, false);
    *state = self;
    return 0;
}

static int
s_setup (void **state)
{
    return s_setup_command (state, "python3 examples/maelstrom/echo.py");
}

static int
s_setup_mirror (void **state)
{
    return s_setup_command (state, MIRROR);
}

//  Two mirrors, n1 and n2, sharing the --bad-output file.
static int
s_setup_mirrors (void **state)
{
    fixture_t *self = s_fixture_new ();
    s_bridge_start (self, 0, "n1", MIRROR, false);
    s_bridge_start (self, 1, "n2", MIRROR " n2", false);
    *state = self;
    return 0;
}

//  A mirror under libfaketime (the file does not exist yet).
static int
s_setup_faketime (void **state)
{
    fixture_t *self = s_fixture_new ();
    s_bridge_start (self, 0, "n1", MIRROR, true);
    *state = self;
    return 0;
}

//  A mirror under libfaketime whose file already says +3 s.
static int
s_setup_faketime_kept (void **state)
{
    fixture_t *self = s_fixture_new ();
    assert_int_equal (faketime_write (self->faketime, 3000), 0);
    s_bridge_start (self, 0, "n1", MIRROR, true);
    *state = self;
    return 0;
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
    for (int slot = 0; slot < BRIDGES_MAX; slot++)
        if (self->bridge [slot] > 0) {
            kill (self->bridge [slot], SIGKILL);
            waitpid (self->bridge [slot], NULL, 0);
        }
    zsock_destroy (&self->router);
    assert_int_equal (tap_remove_dir (self->dir), 0);
    free (self);
    return 0;
}

//  Send [to][src][text] on the ROUTER. router_mandatory: until the bridge
//  has connected, the send fails with EHOSTUNREACH instead of vanishing;
//  retry with a deadline.
static void
s_send_raw (fixture_t *self, const char *to, const char *src, const char *text)
{
    int rc = -1;
    for (int tries = 0; rc < 0 && tries < 500; tries++) {
        zmsg_t *msg = zmsg_new ();
        zmsg_addstr (msg, to);
        zmsg_addstr (msg, src);
        zmsg_addstr (msg, text);
        rc = zmsg_send (&msg, self->router);
        if (rc < 0) {
            zmsg_destroy (&msg);
            zclock_sleep (10);
        }
    }
    assert_int_equal (rc, 0);
}

//  Send body to n1 as if from src, claiming to be `claimed` in the envelope.
static void
s_send (fixture_t *self, const char *src, const char *claimed, const char *body)
{
    char *json = zsys_sprintf ("{\"src\":\"%s\",\"dest\":\"n1\",\"body\":%s}", claimed, body);
    s_send_raw (self, "n1", src, json);
    zstr_free (&json);
}

//  Receive one message: who sent it, to whom, and its text (caller frees
//  all three with zstr_free).
static void
s_recv_raw (fixture_t *self, char **from, char **dest, char **text)
{
    zmsg_t *msg = zmsg_recv (self->router);
    assert_non_null (msg);
    *from = zmsg_popstr (msg);
    *dest = zmsg_popstr (msg);
    *text = zmsg_popstr (msg);
    assert_non_null (*text);
    zmsg_destroy (&msg);
}

//  Receive one message from n1; returns its envelope (caller decrefs).
static json_t *
s_recv (fixture_t *self, const char *expect_dest)
{
    char *from, *dest, *text;
    s_recv_raw (self, &from, &dest, &text);
    assert_string_equal (from, "n1");
    assert_string_equal (dest, expect_dest);
    json_t *envelope = json_loads (text, 0, NULL);
    assert_non_null (envelope);
    zstr_free (&from); zstr_free (&dest); zstr_free (&text);
    return envelope;
}

//  The body type of an envelope.
static const char *
s_type (json_t *envelope)
{
    return json_string_value (json_object_get (json_object_get (envelope, "body"), "type"));
}

//  Receive from n1 to c1 until a body of type `type`; returns it (caller
//  decrefs). Fails on a message to another dest, or after 5 s.
static json_t *
s_recv_type (fixture_t *self, const char *type)
{
    int64_t deadline = clock_mono_ms () + 5000;
    while (true) {
        assert_true (clock_mono_ms () < deadline);
        json_t *envelope = s_recv (self, "c1");
        if (s_type (envelope) && streq (s_type (envelope), type))
            return envelope;
        json_decref (envelope);
    }
}

//  The line the mirror n1 reports it was given next (caller frees).
static char *
s_delivered (fixture_t *self)
{
    json_t *got = s_recv_type (self, "got");
    char *line = strdup (json_string_value (json_object_get (json_object_get (got, "body"),
                                                              "line")));
    json_decref (got);
    return line;
}

#define S_INIT "{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\",\"node_ids\":[\"n1\",\"n2\"]}"

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
    //  The envelope says c9, the frame c1: the node sees the envelope's
    //  src, as written, and answers c9.
    s_send (self, "c1", "c9", "{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\",\"node_ids\":[\"n1\"]}");
    json_t *reply = s_recv (self, "c9");
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
    //  The bridge exits with the node's own status (the test node's 3),
    //  so that the harness can say it.
    assert_int_equal (s_wait_exit (self->bridge [0], 5000), 3);
    self->bridge [0] = 0;
}

static void
test_sigterm_stops_cleanly (void **state)
{
    fixture_t *self = *state;
    s_send (self, "c1", "c1", "{\"type\":\"init\",\"msg_id\":1,\"node_id\":\"n1\",\"node_ids\":[\"n1\"]}");
    json_decref (s_recv (self, "c1"));
    kill (self->bridge [0], SIGTERM);
    assert_int_equal (s_wait_exit (self->bridge [0], 5000), 0);
    self->bridge [0] = 0;
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
    kill (self->bridge [0], SIGTERM);
    assert_int_equal (s_wait_exit (self->bridge [0], FL_SHUTDOWN_GRACE_MS + 5000), 0);
    self->bridge [0] = 0;
    assert_true (clock_mono_ms () - start >= FL_SHUTDOWN_GRACE_MS);
    char path [128];
    snprintf (path, sizeof path, "%s/n1.log", self->dir);
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
    kill (self->bridge [0], SIGTERM);
    assert_int_equal (s_wait_exit (self->bridge [0], 5000), 0);
    self->bridge [0] = 0;
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
    //  The bridge exits with the node's own status (the test node's 3),
    //  so that the harness can say it.
    assert_int_equal (s_wait_exit (self->bridge [0], 5000), 3);
    self->bridge [0] = 0;
    assert_int_equal (s_spawned_left (), 0);
}

//  Does the bridge's log hold text yet?
static bool
s_log_has (fixture_t *self, const char *text)
{
    char path [128];
    snprintf (path, sizeof path, "%s/n1.log", self->dir);
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
    assert_int_equal (waitpid (self->bridge [0], NULL, WNOHANG), 0);
}

//  A delivered line is the envelope's text as written, on one line, with
//  "id" (0, 1, 2... per bridge) spliced in, and "src" from the frame only
//  when the envelope has none. Keys the proxy added are kept.
static void
test_delivered_as_written (void **state)
{
    fixture_t *self = *state;
    //  From n3, forwarding a client's request (src c7), with numbers that
    //  jansson would write otherwise, and a key of the proxy's.
    s_send_raw (self, "n1", "n3", "{\"src\":\"c7\", \"dest\":\"n1\",\"body\":{\"type\":\"probe\","
                "\"big\":123456789012345678901234567890,\"r\":1e3},\"x\":[1]}");
    char *line = s_delivered (self);
    assert_string_equal (line, "{\"src\":\"c7\", \"dest\":\"n1\",\"body\":{\"type\":\"probe\","
                         "\"big\":123456789012345678901234567890,\"r\":1e3},\"x\":[1],\"id\":0}");
    free (line);
    s_send_raw (self, "n1", "c3", "{\"dest\":\"n1\",\"body\":{\"type\":\"probe\"}}");
    line = s_delivered (self);
    assert_string_equal (line, "{\"dest\":\"n1\",\"body\":{\"type\":\"probe\"},\"src\":\"c3\",\"id\":1}");
    free (line);
    //  An id of its own is replaced by ours.
    s_send_raw (self, "n1", "n2", "{\"src\":\"n2\",\"dest\":\"n1\",\"body\":{\"type\":\"probe\"},\"id\":99}");
    line = s_delivered (self);
    json_t *envelope = json_loads (line, 0, NULL);
    assert_non_null (envelope);
    assert_int_equal (json_integer_value (json_object_get (envelope, "id")), 2);
    assert_string_equal (json_string_value (json_object_get (envelope, "src")), "n2");
    json_decref (envelope);
    free (line);
    //  Written over several lines: delivered as one.
    s_send_raw (self, "n1", "c2", "{\"src\":\"c2\",\n\"dest\":\"n1\",\r\n\"body\":{\"type\":\"probe\"}}\n");
    line = s_delivered (self);
    assert_string_equal (line, "{\"src\":\"c2\", \"dest\":\"n1\",  \"body\":{\"type\":\"probe\"},\"id\":3}");
    free (line);
}

//  Receive the next message from `from` that is not the mirror's report
//  of what it got (nor an init_ok); sets *dest and returns the text
//  (caller frees both).
static char *
s_recv_said (fixture_t *self, const char *from, char **dest)
{
    int64_t deadline = clock_mono_ms () + 5000;
    while (true) {
        assert_true (clock_mono_ms () < deadline);
        char *sender, *text;
        s_recv_raw (self, &sender, dest, &text);
        assert_string_equal (sender, from);
        zstr_free (&sender);
        json_t *envelope = json_loads (text, 0, NULL);
        const char *type = envelope? s_type (envelope): NULL;
        bool report = type && (streq (type, "got") || streq (type, "init_ok"));
        json_decref (envelope);
        if (!report)
            return text;
        zstr_free (dest);
        zstr_free (&text);
    }
}

//  The --bad-output file's records, once it has count of them (polled,
//  5 s deadline); each line must be one JSON object. Caller decrefs.
static json_t *
s_bad_records (fixture_t *self, size_t count)
{
    int64_t deadline = clock_mono_ms () + 5000;
    while (true) {
        json_t *records = json_array ();
        FILE *file = fopen (self->bad_output, "r");
        char *line = NULL;
        size_t size = 0;
        while (file && getline (&line, &size, file) > 0) {
            json_t *record = json_loads (line, 0, NULL);
            if (!json_is_object (record))
                fail_msg ("a --bad-output line is not a JSON object: %s", line);
            assert_int_equal (json_object_size (record), 4);
            json_array_append_new (records, record);
        }
        free (line);
        if (file)
            fclose (file);
        if (json_array_size (records) >= count)
            return records;
        json_decref (records);
        assert_true (clock_mono_ms () < deadline);
        zclock_sleep (10);
    }
}

//  n1 writes src "c7" to dest n2: the line leaves n1's bridge as written,
//  and reaches n2's node with src "c7". Both bridges append their bad
//  lines to one --bad-output file.
static void
test_src_passthrough (void **state)
{
    fixture_t *self = *state;
    const char *forward = "{\"src\":\"c7\",\"dest\":\"n2\",\"body\":{\"type\":\"fwd\",\"msg_id\":4}}";
    json_t *say = json_pack ("{s:s, s:[s]}", "type", "say", "lines", forward);
    char *body = json_dumps (say, JSON_COMPACT);
    s_send (self, "c1", "c1", body);
    char *dest;
    char *text = s_recv_said (self, "n1", &dest);
    assert_string_equal (dest, "n2");
    assert_string_equal (text, forward);
    zstr_free (&dest);
    s_send_raw (self, "n2", "n1", text);        //  as the proxy routes it
    zstr_free (&text);
    char *from, *got;
    s_recv_raw (self, &from, &dest, &got);
    assert_string_equal (from, "n2");
    json_t *report = json_loads (got, 0, NULL);
    json_t *line = json_loads (json_string_value (json_object_get (
                       json_object_get (report, "body"), "line")), 0, NULL);
    assert_non_null (line);
    assert_string_equal (json_string_value (json_object_get (line, "src")), "c7");
    assert_string_equal (json_string_value (json_object_get (line, "dest")), "n2");
    assert_int_equal (json_integer_value (json_object_get (line, "id")), 0);
    json_decref (line);
    json_decref (report);
    zstr_free (&from); zstr_free (&dest); zstr_free (&got);

    //  Junk from both nodes, into the one file.
    s_send (self, "c1", "c1", "{\"type\":\"say\",\"lines\":[\"junk from n1\"]}");
    s_send_raw (self, "n2", "c1", "{\"src\":\"c1\",\"dest\":\"n2\",\"body\":"
                "{\"type\":\"say\",\"lines\":[\"junk from n2\"]}}");
    json_t *records = s_bad_records (self, 2);
    bool seen [2] = { false, false };
    size_t index;
    json_t *record;
    json_array_foreach (records, index, record) {
        const char *node = json_string_value (json_object_get (record, "node"));
        const char *junk = json_string_value (json_object_get (record, "text"));
        assert_non_null (node);
        assert_non_null (junk);
        assert_true (streq (node, "n1") || streq (node, "n2"));
        assert_true (strstr (junk, node) != NULL);
        seen [streq (node, "n2")] = true;
    }
    assert_true (seen [0] && seen [1]);
    json_decref (records);
    free (body);
    json_decref (say);
}

typedef struct {
    const char *line;           //  as the node writes it (hex when hex)
    bool hex;
    const char *problem;
    const char *text;           //  the record's text, when not the line
} s_bad_case_t;

static const s_bad_case_t s_bad_cases [] = {
    { "not json", false, "invalid-json", NULL },
    { "", false, "invalid-json", NULL },
    { "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":\"x\"}", false, "invalid-json", NULL },
    { "[1,2]", false, "not-an-object", NULL },
    { "\"text\"", false, "not-an-object", NULL },
    { "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":\"x\"},\"extra\":1}", false, "extra-key", NULL },
    { "{\"dest\":\"c1\",\"body\":{\"type\":\"x\"}}", false, "bad-src", NULL },
    { "{\"src\":null,\"dest\":\"c1\",\"body\":{\"type\":\"x\"}}", false, "bad-src", NULL },
    { "{\"src\":\"n1\",\"body\":{\"type\":\"x\"}}", false, "bad-dest", NULL },
    { "{\"src\":\"n1\",\"dest\":5,\"body\":{\"type\":\"x\"}}", false, "bad-dest", NULL },
    { "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":\"x\"},\"id\":\"a\"}", false, "bad-id", NULL },
    { "{\"src\":\"n1\",\"dest\":\"c1\"}", false, "bad-body", NULL },
    { "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":[1]}", false, "bad-body", NULL },
    { "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"msg_id\":1}}", false, "no-type", NULL },
    { "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":{\"type\":7}}", false, "no-type", NULL },
    { "{\"src\":\"zz\",\"dest\":\"c1\",\"body\":{\"type\":\"x\"}}", false, "unknown-src", NULL },
    { "{\"src\":\"n1\",\"dest\":\"n9\",\"body\":{\"type\":\"x\"}}", false, "unknown-dest", NULL },
    { "{\"src\":\"n1\",\"dest\":\"lin-kvx\",\"body\":{\"type\":\"x\"}}", false, "unknown-dest", NULL },
    { "fffe7b", true, "invalid-json", "??{" },
};
#define S_BAD_CASES (sizeof s_bad_cases / sizeof s_bad_cases [0])

//  Every kind of bad output is recorded in --bad-output with its reason,
//  the node and the stdout line number, logged on stderr, and not
//  forwarded; the good line written after each one is.
static void
test_bad_output_recorded (void **state)
{
    fixture_t *self = *state;
    s_send (self, "c1", "c1", S_INIT);                      //  stdout lines 1, 2
    json_decref (s_recv_type (self, "init_ok"));
    json_t *say = json_pack ("{s:s, s:[], s:[]}", "type", "say", "lines", "hex");
    for (size_t index = 0; index < S_BAD_CASES; index++) {
        char good [128];
        snprintf (good, sizeof good, "{\"src\":\"n1\",\"dest\":\"c1\",\"body\":"
                  "{\"type\":\"after\",\"case\":%zu}}", index);
        json_t *lines = json_object_get (say, s_bad_cases [index].hex? "hex": "lines");
        json_array_append_new (lines, json_string (s_bad_cases [index].line));
        if (s_bad_cases [index].hex) {
            char hex [256] = "";
            for (const char *at = good; *at; at++)
                sprintf (hex + strlen (hex), "%02x", (unsigned char) *at);
            json_array_append_new (lines, json_string (hex));
        }
        else
            json_array_append_new (lines, json_string (good));
    }
    json_object_set_new (say, "long", json_integer (FL_MSG_BYTES_MAX + 1));
    char *body = json_dumps (say, JSON_COMPACT);
    s_send (self, "c1", "c1", body);                       //  line 3: got
    s_send (self, "c1", "c1", "{\"type\":\"say\",\"lines\":[\"{\\\"src\\\":\\\"n1\\\","
            "\\\"dest\\\":\\\"c1\\\",\\\"body\\\":{\\\"type\\\":\\\"after\\\",\\\"case\\\":99}}\"]}");
    free (body);
    json_decref (say);
    //  Only the good lines come through, in order: the text cases, the
    //  hex case, then (after the long line) the last one.
    for (size_t index = 0; index <= S_BAD_CASES; index++) {
        char *dest;
        char *text = s_recv_said (self, "n1", &dest);
        assert_string_equal (dest, "c1");
        json_t *envelope = json_loads (text, 0, NULL);
        assert_non_null (envelope);
        if (!s_type (envelope) || !streq (s_type (envelope), "after"))
            fail_msg ("forwarded a line that is not the good one: %s", text);
        assert_int_equal (json_integer_value (json_object_get (json_object_get (envelope, "body"),
                          "case")), index == S_BAD_CASES? 99: (int) index);
        json_decref (envelope);
        zstr_free (&dest);
        zstr_free (&text);
    }
    json_t *records = s_bad_records (self, S_BAD_CASES + 1);
    assert_int_equal (json_array_size (records), S_BAD_CASES + 1);
    //  Text cases are written first (a bad and a good line each), then the
    //  hex ones, then the long line.
    long line_no = 4;
    size_t record_index = 0;
    for (int hex = 0; hex < 2; hex++)
        for (size_t index = 0; index < S_BAD_CASES; index++) {
            const s_bad_case_t *bad = &s_bad_cases [index];
            if (bad->hex != (bool) hex)
                continue;
            json_t *record = json_array_get (records, record_index++);
            const char *problem = json_string_value (json_object_get (record, "problem"));
            if (!problem || !streq (problem, bad->problem))
                fail_msg ("case %zu (%s): recorded '%s', wanted '%s'", index, bad->line,
                          problem? problem: "?", bad->problem);
            assert_string_equal (json_string_value (json_object_get (record, "node")), "n1");
            assert_int_equal (json_integer_value (json_object_get (record, "line")), line_no);
            assert_string_equal (json_string_value (json_object_get (record, "text")),
                                 bad->text? bad->text: bad->line);
            line_no += 2;
        }
    json_t *record = json_array_get (records, S_BAD_CASES);
    assert_string_equal (json_string_value (json_object_get (record, "problem")), "too-long");
    assert_int_equal (json_integer_value (json_object_get (record, "line")), line_no);
    //  The text is cut to FL_BAD_OUTPUT_TEXT_BYTES.
    const char *head = json_string_value (json_object_get (record, "text"));
    assert_int_equal (strlen (head), FL_BAD_OUTPUT_TEXT_BYTES);
    assert_int_equal (strspn (head, "x"), FL_BAD_OUTPUT_TEXT_BYTES);
    json_decref (records);
    //  And on stderr, with the node, the line number and the line.
    assert_true (s_log_has (self, "node-stdio n1: stdout line 4: invalid-json"));
    assert_true (s_log_has (self, "not forwarded: not json"));
    assert_true (s_log_has (self, "unknown-dest (dest 'n9' is not a known id)"));
}

//  Say one line; return the dest it was forwarded to, or NULL when it was
//  recorded as bad instead (bad_count then grows).
static char *
s_say_dest (fixture_t *self, const char *dest, size_t *bad_count)
{
    char line [160], marker [160];
    snprintf (line, sizeof line, "{\\\"src\\\":\\\"n1\\\",\\\"dest\\\":\\\"%s\\\","
              "\\\"body\\\":{\\\"type\\\":\\\"to\\\"}}", dest);
    snprintf (marker, sizeof marker, "{\\\"src\\\":\\\"n1\\\",\\\"dest\\\":\\\"c1\\\","
              "\\\"body\\\":{\\\"type\\\":\\\"marker\\\"}}");
    char *body = zsys_sprintf ("{\"type\":\"say\",\"lines\":[\"%s\",\"%s\"]}", line, marker);
    s_send (self, "c1", "c1", body);
    zstr_free (&body);
    char *to;
    char *text = s_recv_said (self, "n1", &to);
    json_t *envelope = json_loads (text, 0, NULL);
    zstr_free (&text);
    assert_non_null (envelope);
    bool marked = streq (s_type (envelope), "marker");
    json_decref (envelope);
    if (marked) {
        zstr_free (&to);
        json_decref (s_bad_records (self, ++*bad_count));
        return NULL;
    }
    char *marker_dest;
    text = s_recv_said (self, "n1", &marker_dest);      //  the marker after it
    zstr_free (&marker_dest);
    zstr_free (&text);
    return to;
}

//  Before init any n<digits> is a known dest; after init only its
//  node_ids are; clients c<digits> and the four services always are.
static void
test_known_dests_follow_init (void **state)
{
    fixture_t *self = *state;
    size_t bad = 0;
    const char *before [] = { "n7", "n", "x1", "c0" };
    bool known_before [] = { true, false, false, true };
    for (size_t index = 0; index < 4; index++) {
        char *dest = s_say_dest (self, before [index], &bad);
        if ((dest != NULL) != known_before [index])
            fail_msg ("before init, dest '%s' should be %s", before [index],
                      known_before [index]? "forwarded": "bad");
        zstr_free (&dest);
    }
    s_send (self, "c1", "c1", S_INIT);
    json_decref (s_recv_type (self, "init_ok"));
    const char *after [] = { "n7", "n2", "n1", "lin-kv", "seq-kv", "lww-kv", "lin-tso",
                             "c0", "c123", "c", "c1x" };
    bool known_after [] = { false, true, true, true, true, true, true, true, true, false, false };
    for (size_t index = 0; index < sizeof after / sizeof after [0]; index++) {
        char *dest = s_say_dest (self, after [index], &bad);
        if ((dest != NULL) != known_after [index])
            fail_msg ("after init, dest '%s' should be %s", after [index],
                      known_after [index]? "forwarded": "bad");
        if (dest)
            assert_string_equal (dest, after [index]);
        zstr_free (&dest);
    }
    json_t *records = s_bad_records (self, bad);
    size_t index;
    json_t *record;
    json_array_foreach (records, index, record)
        assert_string_equal (json_string_value (json_object_get (record, "problem")),
                             "unknown-dest");
    json_decref (records);
}

//  The node's time.time () minus ours, in seconds, from a time request.
static double
s_node_offset_s (fixture_t *self)
{
    s_send (self, "c1", "c1", "{\"type\":\"time\"}");
    double before = clock_wall_ms () / 1000.0;
    json_t *reply = s_recv_type (self, "time_ok");
    double after = clock_wall_ms () / 1000.0;
    double now = json_number_value (json_object_get (json_object_get (reply, "body"), "now"));
    json_decref (reply);
    return now - (before + after) / 2;
}

//  Poll the node's offset until it is within 0.5 s of want_s (5 s deadline).
static void
s_wait_offset (fixture_t *self, double want_s)
{
    int64_t deadline = clock_mono_ms () + 5000;
    double offset = s_node_offset_s (self);
    while (fabs (offset - want_s) > 0.5) {
        if (clock_mono_ms () > deadline)
            fail_msg ("the node's clock is %.3f s off, wanted %.3f s", offset, want_s);
        zclock_sleep (20);
        offset = s_node_offset_s (self);
    }
}

static void
s_need_faketime (void)
{
    if (access (faketime_lib (), R_OK))
        fail_msg ("libfaketime '%s' not found: run make lab (installs Debian package %s)",
                  faketime_lib (), FAKETIME_PACKAGE);
}

//  --faketime: the bridge writes +0, and the Python node's time.time ()
//  follows the file when it changes: +5 s, then -2.5 s.
static void
test_faketime_shifts_python_clock (void **state)
{
    fixture_t *self = *state;
    s_need_faketime ();
    s_wait_offset (self, 0);
    int64_t offset_ms = -1;
    assert_int_equal (faketime_read (self->faketime, &offset_ms), 0);
    assert_int_equal (offset_ms, 0);
    assert_int_equal (faketime_write (self->faketime, 5000), 0);
    s_wait_offset (self, 5);
    assert_int_equal (faketime_write (self->faketime, -2500), 0);
    s_wait_offset (self, -2.5);
}

//  A file that already holds an offset (a node restarted on a skewed
//  clock) is kept.
static void
test_faketime_kept (void **state)
{
    fixture_t *self = *state;
    s_need_faketime ();
    s_wait_offset (self, 3);
    int64_t offset_ms = -1;
    assert_int_equal (faketime_read (self->faketime, &offset_ms), 0);
    assert_int_equal (offset_ms, 3000);
}

//  Without libfaketime, or with a --bad-output it cannot open, the bridge
//  does not start: exit 69 and a message that says what to do.
static void
test_unavailable_at_start (void **state)
{
    (void) state;
    char dir [] = "/tmp/fl-stdio-XXXXXX";
    assert_non_null (mkdtemp (dir));
    char *command = zsys_sprintf ("FAULTLAB_LIBFAKETIME=/nonexistent/libfaketime.so.1 "
                                  "bin/node-stdio --id n1 --connect ipc://%s/net --faketime %s/ft"
                                  " -- true 2> %s/log", dir, dir, dir);
    int status = system (command);
    zstr_free (&command);
    assert_true (WIFEXITED (status));
    assert_int_equal (WEXITSTATUS (status), 69);
    char *log = zsys_sprintf ("%s/log", dir);
    FILE *file = fopen (log, "r");
    assert_non_null (file);
    char text [512] = "";
    assert_true (fread (text, 1, sizeof text - 1, file) > 0);
    fclose (file);
    if (!strstr (text, "install Debian package faketime"))
        fail_msg ("the bridge does not name the package: %s", text);
    command = zsys_sprintf ("bin/node-stdio --id n1 --connect ipc://%s/net --bad-output"
                            " %s/no/such/dir -- true 2> %s/log", dir, dir, dir);
    status = system (command);
    zstr_free (&command);
    assert_true (WIFEXITED (status));
    assert_int_equal (WEXITSTATUS (status), 69);
    zstr_free (&log);
    assert_int_equal (tap_remove_dir (dir), 0);
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
        "bin/node-stdio --id n1 --connect ipc:///tmp/x --bad-output",
        "bin/node-stdio --id n1 --connect ipc:///tmp/x --faketime",
        "bin/node-stdio --id n1 --connect ipc:///tmp/x --faketime '' -- true",
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
        cmocka_unit_test_setup_teardown (test_delivered_as_written, s_setup_mirror, s_teardown),
        cmocka_unit_test_setup_teardown (test_src_passthrough, s_setup_mirrors, s_teardown),
        cmocka_unit_test_setup_teardown (test_bad_output_recorded, s_setup_mirror, s_teardown),
        cmocka_unit_test_setup_teardown (test_known_dests_follow_init, s_setup_mirror, s_teardown),
        cmocka_unit_test_setup_teardown (test_faketime_shifts_python_clock, s_setup_faketime, s_teardown),
        cmocka_unit_test_setup_teardown (test_faketime_kept, s_setup_faketime_kept, s_teardown),
        cmocka_unit_test (test_unavailable_at_start),
        cmocka_unit_test (test_bad_command_lines),
    };
    return cmocka_run_group_tests_name ("node_stdio", tests, NULL, NULL);
}
