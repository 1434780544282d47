/*  stdio.c -- bin/node-stdio: run any Maelstrom node binary in the lab.

    Maelstrom nodes speak JSON lines on stdin/stdout: one envelope
    {"src","dest","body"} per line. This bridge starts such a program as a
    child, connects to the proxy as a DEALER whose routing id is the node id,
    and moves messages both ways:

        proxy [src][envelope]  ->  child stdin   (envelope's "src" set to the
                                                  frame's: the proxy is the
                                                  authority on who sent it)
        child stdout line      ->  proxy [dest][line]

    The child's stderr is ours (the harness sends it to nK.log). Lines the
    child writes that are not envelopes are logged with their line number and
    skipped, never forwarded. Writes to the child never block the bridge:
    pending bytes wait in a bounded buffer until the pipe takes them, so a
    child that is busy writing cannot deadlock against us.

    When the child exits, the bridge exits with status 1 (the harness sees a
    crashed node); on SIGTERM/SIGINT it stops the child and exits 0. The
    child runs in a process group of its own, and every way out of the
    bridge kills that whole group: a node program that starts helpers of its
    own (a shell script that backgrounds something) leaves nothing behind.

    Usage: node-stdio --id ID --connect EP [--data DIR] [--seed N]
                      [--param K=V]... -- CMD [ARGS...]
    One argument after -- is a shell command line (run as sh -c 'exec CMD');
    several are exec'd as they are. --data and --seed reach the child as
    $FAULTLAB_DATA and $FAULTLAB_SEED.
*/
#include <czmq.h>
#include <jansson.h>
#include <getopt.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include "limits.h"
#include "exits.h"

//  The bridge's own status when the node exits by itself (the harness
//  reports "node nK exited with status 1", a crashed node).
#define STDIO_EXIT_NODE_GONE  1

//  Bytes queued for a child that does not read its stdin before we drop.
//  How often the loop wakes to notice a dead child or a signal.
#define STDIO_POLL_MS      100

static volatile sig_atomic_t s_stop = 0;

typedef struct {
    const char *id;
    void *sock;                 //  raw zmq socket handle of the DEALER
    pid_t child;
    int to_child;               //  child's stdin, non-blocking
    int from_child;             //  child's stdout
    char *line;                 //  partial line read from the child
    size_t line_len;
    bool line_too_long;         //  discarding until the next newline
    long line_no;
    char *pending;              //  bytes waiting for the child's stdin
    size_t pending_len;
    size_t pending_cap;
} bridge_t;

static void
s_on_signal (int sig)
{
    (void) sig;
    s_stop = 1;
}

static int
s_usage (const char *problem)
{
    fprintf (stderr, "node-stdio: %s\n"
             "usage: node-stdio --id ID --connect EP [--data DIR] [--seed N] -- CMD [ARGS...]\n",
             problem);
    return FL_EXIT_USAGE;
}

//  Start the child with its stdin and stdout on pipes. Returns 0 or -1.
static int
s_spawn (bridge_t *self, int argc, char **argv)
{
    int in [2], out [2];
    if (pipe (in) || pipe (out))
        return -1;
    self->child = fork ();
    if (self->child < 0)
        return -1;
    if (self->child == 0) {
        setpgid (0, 0);
        prctl (PR_SET_PDEATHSIG, SIGKILL);
        dup2 (in [0], 0);
        dup2 (out [1], 1);
        close (in [0]); close (in [1]); close (out [0]); close (out [1]);
        signal (SIGPIPE, SIG_DFL);
        if (argc == 1) {
            char *command = zsys_sprintf ("exec %s", argv [0]);
            execl ("/bin/sh", "sh", "-c", command, (char *) NULL);
        }
        else
            execvp (argv [0], argv);
        fprintf (stderr, "node-stdio: cannot run '%s': %s\n", argv [0], strerror (errno));
        _exit (FL_EXIT_NOEXEC);
    }
    setpgid (self->child, self->child);     //  both sides: no race with exec
    close (in [0]);
    close (out [1]);
    self->to_child = in [1];
    self->from_child = out [0];
    fcntl (self->to_child, F_SETFL, fcntl (self->to_child, F_GETFL) | O_NONBLOCK);
    return 0;
}

//  Queue bytes for the child; drops (and says so) past FL_STDIO_PENDING_BYTES_MAX.
static void
s_queue_for_child (bridge_t *self, const char *data, size_t size)
{
    if (self->pending_len + size > FL_STDIO_PENDING_BYTES_MAX) {
        fprintf (stderr, "node-stdio %s: child is not reading stdin: %d bytes waiting"
                 " (FL_STDIO_PENDING_BYTES_MAX); dropped a message\n", self->id,
                 FL_STDIO_PENDING_BYTES_MAX);
        return;
    }
    if (self->pending_len + size > self->pending_cap) {
        self->pending_cap = (self->pending_len + size) * 2;
        self->pending = realloc (self->pending, self->pending_cap);
        assert (self->pending);
    }
    memcpy (self->pending + self->pending_len, data, size);
    self->pending_len += size;
}

//  One message from the proxy: [src][envelope]. Sets the envelope's src
//  to the frame's and queues the line for the child.
static void
s_from_proxy (bridge_t *self, zmsg_t *msg)
{
    char *src = zmsg_popstr (msg);
    char *text = zmsg_popstr (msg);
    json_error_t error;
    json_t *envelope = text? json_loads (text, 0, &error): NULL;
    if (!src || !json_is_object (envelope))
        fprintf (stderr, "node-stdio %s: dropped a malformed message from '%s'\n",
                 self->id, src? src: "?");
    else {
        json_object_set_new (envelope, "src", json_string (src));
        char *line = json_dumps (envelope, JSON_COMPACT);
        s_queue_for_child (self, line, strlen (line));
        s_queue_for_child (self, "\n", 1);
        free (line);
    }
    json_decref (envelope);
    zstr_free (&src);
    zstr_free (&text);
}

//  One complete line the child wrote: forward it if it is an envelope.
static void
s_from_child_line (bridge_t *self, char *line, size_t len)
{
    self->line_no++;
    while (len && (line [len - 1] == '\r' || line [len - 1] == ' '))
        len--;
    if (len == 0)
        return;
    json_error_t error;
    json_t *envelope = json_loadb (line, len, 0, &error);
    const char *dest = json_string_value (json_object_get (envelope, "dest"));
    if (!dest || !json_is_object (json_object_get (envelope, "body")))
        fprintf (stderr, "node-stdio %s: stdout line %ld is not a message envelope "
                 "{\"dest\",\"body\"}; skipped: %.*s\n",
                 self->id, self->line_no, (int) (len > 200? 200: len), line);
    else
    if (strlen (dest) == 0 || strlen (dest) > FL_ID_BYTES_MAX)
        fprintf (stderr, "node-stdio %s: stdout line %ld: bad dest '%s'; skipped\n",
                 self->id, self->line_no, dest);
    else {
        zmq_send (self->sock, dest, strlen (dest), ZMQ_SNDMORE);
        zmq_send (self->sock, line, len, 0);
    }
    json_decref (envelope);
}

//  Read what the child wrote; split into lines. Returns -1 at EOF.
static int
s_from_child (bridge_t *self)
{
    char chunk [65536];
    ssize_t got = read (self->from_child, chunk, sizeof chunk);
    if (got <= 0)
        return got < 0 && errno == EINTR? 0: -1;
    for (ssize_t i = 0; i < got; i++) {
        if (chunk [i] == '\n') {
            if (!self->line_too_long)
                s_from_child_line (self, self->line, self->line_len);
            self->line_len = 0;
            self->line_too_long = false;
        }
        else
        if (self->line_len >= FL_MSG_BYTES_MAX) {
            if (!self->line_too_long)
                fprintf (stderr, "node-stdio %s: stdout line %ld is over %d bytes; skipped\n",
                         self->id, self->line_no + 1, FL_MSG_BYTES_MAX);
            self->line_too_long = true;
        }
        else
            self->line [self->line_len++] = chunk [i];
    }
    return 0;
}

static void
s_flush_to_child (bridge_t *self)
{
    ssize_t put = write (self->to_child, self->pending, self->pending_len);
    if (put > 0) {
        memmove (self->pending, self->pending + put, self->pending_len - put);
        self->pending_len -= put;
    }
}

//  Serve until the child exits or we are told to stop. Returns the exit code.
static int
s_serve (bridge_t *self)
{
    int status = 0;
    bool reaped = false;
    while (!s_stop) {
        zmq_pollitem_t items [] = {
            { self->sock, 0, ZMQ_POLLIN, 0 },
            { NULL, self->from_child, ZMQ_POLLIN, 0 },
            { NULL, self->to_child, self->pending_len? ZMQ_POLLOUT: 0, 0 },
        };
        if (zmq_poll (items, 3, STDIO_POLL_MS) < 0 && errno != EINTR)
            break;
        if (items [0].revents & ZMQ_POLLIN) {
            zmsg_t *msg;
            while ((msg = zmsg_recv_nowait (self->sock))) {
                s_from_proxy (self, msg);
                zmsg_destroy (&msg);
            }
        }
        if ((items [1].revents & (ZMQ_POLLIN | ZMQ_POLLERR))
        &&  s_from_child (self) < 0)
            break;
        if (items [2].revents & ZMQ_POLLOUT)
            s_flush_to_child (self);
        //  A helper the node started may hold its stdout open after the
        //  node itself is gone, so EOF alone does not say it exited.
        if (waitpid (self->child, &status, WNOHANG) == self->child) {
            reaped = true;
            break;
        }
    }
    //  Stopping: ask the node's group to end. At EOF: the node is most
    //  likely exiting; give it the same grace before taking it down.
    if (s_stop && !reaped)
        killpg (self->child, SIGTERM);
    for (int i = 0; i < FL_SHUTDOWN_GRACE_MS / 10 && !reaped; i++) {
        reaped = waitpid (self->child, &status, WNOHANG) == self->child;
        if (!reaped)
            zclock_sleep (10);
    }
    killpg (self->child, SIGKILL);          //  whatever is left of its group
    if (s_stop && !reaped)
        fprintf (stderr, "node-stdio %s: node still running FL_SHUTDOWN_GRACE_MS "
                 "(%d ms) after SIGTERM: killed\n", self->id, FL_SHUTDOWN_GRACE_MS);
    bool closed_stdout = !reaped;
    if (!reaped)
        waitpid (self->child, &status, 0);
    if (s_stop)
        return FL_EXIT_OK;
    if (closed_stdout)
        fprintf (stderr, "node-stdio %s: node closed its stdout and was stopped\n", self->id);
    else
    if (WIFEXITED (status))
        fprintf (stderr, "node-stdio %s: node exited with status %d\n", self->id, WEXITSTATUS (status));
    else
    if (WIFSIGNALED (status))
        fprintf (stderr, "node-stdio %s: node killed by signal %d\n", self->id, WTERMSIG (status));
    return STDIO_EXIT_NODE_GONE;
}

int
main (int argc, char **argv)
{
    static struct option options [] = {
        { "id", required_argument, 0, 'i' }, { "connect", required_argument, 0, 'c' },
        { "data", required_argument, 0, 'd' }, { "seed", required_argument, 0, 's' },
        { "param", required_argument, 0, 'p' }, { 0, 0, 0, 0 }
    };
    const char *id = getenv ("FAULTLAB_ID"), *endpoint = getenv ("FAULTLAB_CONNECT");
    int opt;
    opterr = 0;
    while ((opt = getopt_long (argc, argv, "+", options, NULL)) != -1) {
        if (opt == 'i') id = optarg;
        else if (opt == 'c') endpoint = optarg;
        else if (opt == 'd') setenv ("FAULTLAB_DATA", optarg, 1);
        else if (opt == 's') setenv ("FAULTLAB_SEED", optarg, 1);
        else if (opt == 'p') continue;
        else {
            char problem [64 + FL_ID_BYTES_MAX];
            snprintf (problem, sizeof problem, "unknown option '%.32s'", argv [optind - 1]);
            return s_usage (problem);
        }
    }
    if (!id || !*id || strlen (id) > FL_ID_BYTES_MAX)
        return s_usage ("--id ID is required (1 to 32 bytes)");
    if (!endpoint)
        return s_usage ("--connect EP is required");
    if (optind >= argc)
        return s_usage ("no node command after --");

    zsys_handler_set (NULL);
    zsys_set_logstream (stderr);
    signal (SIGPIPE, SIG_IGN);
    signal (SIGTERM, s_on_signal);
    signal (SIGINT, s_on_signal);

    bridge_t self = { .id = id };
    self.line = malloc (FL_MSG_BYTES_MAX);
    assert (self.line);
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    assert (dealer);
    zsock_set_identity (dealer, id);
    zsock_set_sndhwm (dealer, FL_SOCKET_HWM);
    zsock_set_rcvhwm (dealer, FL_SOCKET_HWM);
    zsock_set_linger (dealer, 200);
    if (zsock_connect (dealer, "%s", endpoint)) {
        fprintf (stderr, "node-stdio %s: cannot connect to '%s'\n", id, endpoint);
        zsock_destroy (&dealer);
        return FL_EXIT_UNAVAILABLE;
    }
    self.sock = zsock_resolve (dealer);
    if (s_spawn (&self, argc - optind, argv + optind)) {
        fprintf (stderr, "node-stdio %s: cannot start '%s': %s\n", id, argv [optind], strerror (errno));
        zsock_destroy (&dealer);
        return FL_EXIT_UNAVAILABLE;
    }
    int rc = s_serve (&self);
    zsock_destroy (&dealer);
    free (self.line);
    free (self.pending);
    return rc;
}
