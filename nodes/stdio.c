/*  stdio.c -- bin/node-stdio: run any Maelstrom node binary in the lab.

    Maelstrom nodes speak JSON lines on stdin/stdout: one envelope
    {"src","dest","body"} per line. This bridge starts such a program as a
    child, connects to the proxy as a DEALER whose routing id is the node id,
    and moves messages both ways, adding nothing private:

        proxy [src][envelope]  ->  child stdin   the envelope as it was
                                                 written, plus "id" (this
                                                 bridge's counter from 0),
                                                 and "src" from the frame
                                                 only when it has none
        child stdout line      ->  proxy [dest][line]   the line as written,
                                                 if it is a good envelope

    "src" is carried as the sending node wrote it (Maelstrom does not check
    it against the sender), so a node that forwards a client's request
    keeping the client's src reaches its peer with that src, and the peer
    can answer the client directly. The envelope's text is kept byte for
    byte; "id" is spliced in before its closing brace, so numbers jansson
    would reformat (1e3, integers past 64 bits) reach the node as written.

    Bad output (MAELSTROM.md section 2: not JSON, not an object, a key
    other than src/dest/body/id, src or dest missing or not a string or
    not a known id, a body that is not an object or has no string type, a
    line over FL_MSG_BYTES_MAX) is not forwarded: it is logged on stderr
    with the node, the stdout line number and the line's first
    FL_BAD_OUTPUT_TEXT_BYTES, appended to the --bad-output file as
    {"node","line","problem","text"}, and the bridge reads on (Maelstrom
    stops reading that node). The file is capped at
    FL_BAD_OUTPUT_BYTES_MAX (the file's size, whoever wrote it: the
    bridges of a run share it, and each looks before it writes, so it
    ends at most a record per bridge past the cap): the record that
    crosses the cap is followed by one {"note"} line saying so, and the
    bad lines after it are counted, not written. The count is this
    node's, kept in the --bad-output-cut file as one decimal line
    (rewritten after every read of the node's stdout, read back when a
    restarted bridge opens it), so it survives a kill -9. Known ids: the node_ids of the last init
    delivered to the node, this bridge's --id, c<digits>, and the services
    lin-kv, seq-kv, lww-kv, lin-tso; before any init, every n<digits>.

    --faketime PATH starts the child under libfaketime (common/faketime.h)
    reading its clock offset from PATH, which the lab rewrites on a
    clock-skew action.

    The child's stderr is ours (the harness sends it to nK.log). Writes to
    the child never block the bridge: pending bytes wait in a bounded
    buffer until the pipe takes them, so a child that is busy writing
    cannot deadlock against us.

    When the child exits, the bridge exits with status 1 (the harness sees a
    crashed node); on SIGTERM/SIGINT it stops the child and exits 0. The
    child runs in a process group of its own, and every way out of the
    bridge kills that whole group: a node program that starts helpers of its
    own (a shell script that backgrounds something) leaves nothing behind.

    Usage: node-stdio --id ID --connect EP [--data DIR] [--seed N]
                      [--param K=V]... [--bad-output PATH]
                      [--bad-output-cut PATH] [--faketime PATH] -- CMD [ARGS...]
    One argument after -- is a shell command line (sh -c, its program exec'd
    when it is one simple command: common/shellcmd.h);
    several are exec'd as they are. --data and --seed reach the child as
    $FAULTLAB_DATA and $FAULTLAB_SEED.
*/
#include <czmq.h>
#include <jansson.h>
#include <ctype.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "limits.h"
#include "exits.h"
#include "faketime.h"
#include "shellcmd.h"
#include "nodes/lib/linebuf.h"

//  The bridge's own status when the node exits by itself (the harness
//  reports "node nK exited with status 1", a crashed node).
#define STDIO_EXIT_NODE_GONE  1

//  How often the loop wakes to notice a dead child or a signal.
#define STDIO_POLL_MS      100

static volatile sig_atomic_t s_stop = 0;

typedef struct {
    const char *id;
    void *sock;                 //  raw zmq socket handle of the DEALER
    pid_t child;
    int to_child;               //  child's stdin, non-blocking
    int from_child;             //  child's stdout
    linebuf_t out;              //  lines the child wrote
    char *pending;              //  bytes waiting for the child's stdin
    size_t pending_len;
    size_t pending_cap;
    int64_t delivered;          //  the next delivered envelope's "id"
    int bad_fd;                 //  --bad-output, or -1
    bool bad_write_failed;      //  said once
    bool bad_full;              //  --bad-output reached FL_BAD_OUTPUT_BYTES_MAX
    int64_t bad_cut;            //  bad lines not written since (all lives)
    int64_t bad_cut_saved;      //  ... as the --bad-output-cut file says
    int cut_fd;                 //  --bad-output-cut, or -1
    //  Ids the node may name, from the last init delivered to it
    bool init_seen;
    char known [FL_NODES_MAX][FL_ID_BYTES_MAX + 1];
    size_t known_count;
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
             "usage: node-stdio --id ID --connect EP [--data DIR] [--seed N] [--param K=V]...\n"
             "                  [--bad-output PATH] [--bad-output-cut PATH] [--faketime PATH]\n"
             "                  -- CMD [ARGS...]\n",
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
    //  One word: a shell command line, its program exec'd by sh where it
    //  can be (a simple command), so that the node is our own child.
    char *command = argc == 1? shellcmd_exec_line (argv [0]): NULL;
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
        if (command)
            execl ("/bin/sh", "sh", "-c", command, (char *) NULL);
        else
            execvp (argv [0], argv);
        fprintf (stderr, "node-stdio: cannot run '%s': %s\n", argv [0], strerror (errno));
        _exit (FL_EXIT_NOEXEC);
    }
    free (command);
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


//  --------------------------------------------------------------------------
//  Ids the node may name

//  Is id letter followed by one or more digits ("n3", "c12")?
static bool
s_is_numbered (const char *id, char letter)
{
    if (id [0] != letter || !id [1])
        return false;
    for (const char *digit = id + 1; *digit; digit++)
        if (*digit < '0' || *digit > '9')
            return false;
    return true;
}

static bool
s_known (bridge_t *self, const char *id)
{
    if (strlen (id) > FL_ID_BYTES_MAX)
        return false;
    if (streq (id, self->id) || s_is_numbered (id, 'c')
    ||  streq (id, "lin-kv") || streq (id, "seq-kv") || streq (id, "lww-kv")
    ||  streq (id, "lin-tso"))
        return true;
    if (!self->init_seen)
        return s_is_numbered (id, 'n');
    for (size_t index = 0; index < self->known_count; index++)
        if (streq (self->known [index], id))
            return true;
    return false;
}

//  An init on its way to the node: its node_ids become the known nodes.
static void
s_learn_init (bridge_t *self, json_t *body)
{
    const char *type = json_string_value (json_object_get (body, "type"));
    json_t *ids = json_object_get (body, "node_ids");
    if (!type || !streq (type, "init") || !json_is_array (ids))
        return;
    self->init_seen = true;
    self->known_count = 0;
    size_t index;
    json_t *id;
    json_array_foreach (ids, index, id) {
        const char *text = json_string_value (id);
        if (!text || !*text || strlen (text) > FL_ID_BYTES_MAX)
            continue;
        if (self->known_count == FL_NODES_MAX) {
            fprintf (stderr, "node-stdio %s: init names more than FL_NODES_MAX (%d) nodes;"
                     " the rest are unknown dests\n", self->id, FL_NODES_MAX);
            break;
        }
        snprintf (self->known [self->known_count++], FL_ID_BYTES_MAX + 1, "%s", text);
    }
}


//  --------------------------------------------------------------------------
//  Proxy to node

//  Parse text as JSON. Integers past 64 bits are valid JSON that jansson
//  refuses: those texts are read again with every integer as a real, only
//  to be checked (*exact false); what is delivered or forwarded is the text.
static json_t *
s_parse (const char *text, size_t len, bool *exact, json_error_t *error)
{
    *exact = true;
    json_t *root = json_loadb (text, len, JSON_DECODE_ANY, error);
    if (!root) {
        json_error_t again;
        root = json_loadb (text, len, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, &again);
        *exact = false;
    }
    return root;
}

//  The line to give the node for an envelope from the proxy: its text with
//  "src" (only when it has none) and "id" spliced in before the closing
//  brace, one line. An envelope that carries an "id" of its own is written
//  again with ours instead (or, when jansson cannot write it back exactly,
//  ours last, which JSON readers take over the first). Caller frees.
static char *
s_delivery_line (bridge_t *self, const char *text, size_t len, json_t *envelope,
                 bool exact, const char *src)
{
    int64_t id = self->delivered++;
    bool has_src = json_object_get (envelope, "src") != NULL;
    if (json_object_get (envelope, "id") && exact) {
        if (!has_src)
            json_object_set_new (envelope, "src", json_string (src));
        json_object_set_new (envelope, "id", json_integer (id));
        char *line = json_dumps (envelope, JSON_COMPACT);
        assert (line);
        return line;
    }
    while (len && isspace ((unsigned char) text [len - 1]))
        len--;
    assert (len && text [len - 1] == '}');
    json_t *src_json = json_string (src);
    char *src_text = json_dumps (src_json, JSON_ENCODE_ANY);
    json_decref (src_json);
    assert (src_text);
    char *line = zsys_sprintf ("%.*s%s%s%s%s\"id\":%" PRId64 "}", (int) (len - 1), text,
                               json_object_size (envelope)? ",": "",
                               has_src? "": "\"src\":", has_src? "": src_text,
                               has_src? "": ",", id);
    free (src_text);
    //  In valid JSON a raw newline can only be whitespace between tokens.
    for (char *at = line; *at; at++)
        if (*at == '\n' || *at == '\r')
            *at = ' ';
    return line;
}

//  One message from the proxy: [src][envelope]. Queues it for the child,
//  learning the membership from an init on the way.
static void
s_from_proxy (bridge_t *self, zmsg_t *msg)
{
    zframe_t *src_frame = zmsg_pop (msg);
    zframe_t *text_frame = zmsg_pop (msg);
    char *src = src_frame? zframe_strdup (src_frame): NULL;
    const char *text = text_frame? (const char *) zframe_data (text_frame): NULL;
    size_t len = text_frame? zframe_size (text_frame): 0;
    json_error_t error;
    bool exact = true;
    json_t *envelope = text? s_parse (text, len, &exact, &error): NULL;
    json_t *src_json = src? json_string (src): NULL;
    if (!src || !*src || !src_json || !json_is_object (envelope))
        fprintf (stderr, "node-stdio %s: dropped a malformed message from '%s'\n",
                 self->id, src && src_json? src: "?");
    else {
        s_learn_init (self, json_object_get (envelope, "body"));
        char *line = s_delivery_line (self, text, len, envelope, exact, src);
        s_queue_for_child (self, line, strlen (line));
        s_queue_for_child (self, "\n", 1);
        free (line);
    }
    json_decref (src_json);
    json_decref (envelope);
    zstr_free (&src);
    zframe_destroy (&src_frame);
    zframe_destroy (&text_frame);
}


//  --------------------------------------------------------------------------
//  Node to proxy

//  The first FL_BAD_OUTPUT_TEXT_BYTES of a line as a JSON string: cut at a
//  character boundary; if the bytes are not UTF-8, every byte past ASCII
//  becomes '?'. Caller decrefs.
static json_t *
s_line_head (const char *line, size_t len)
{
    size_t cut = len > FL_BAD_OUTPUT_TEXT_BYTES? FL_BAD_OUTPUT_TEXT_BYTES: len;
    while (cut > 0 && cut < len && ((unsigned char) line [cut] & 0xC0) == 0x80)
        cut--;
    json_t *text = json_stringn (line, cut);
    if (!text) {
        char ascii [FL_BAD_OUTPUT_TEXT_BYTES];
        for (size_t index = 0; index < cut; index++)
            ascii [index] = (unsigned char) line [index] < 0x80? line [index]: '?';
        text = json_stringn (ascii, cut);
    }
    assert (text);
    return text;
}

//  A line the bridge does not forward: logged with the node, the line
//  number and the line's head, and recorded in --bad-output.
static void
s_bad_output (bridge_t *self, long line_no, const char *problem, const char *detail,
              const char *line, size_t len)
{
    json_t *head = s_line_head (line, len);
    fprintf (stderr, "node-stdio %s: stdout line %ld: %s (%s); not forwarded: %s%s\n",
             self->id, line_no, problem, detail, json_string_value (head),
             len > FL_BAD_OUTPUT_TEXT_BYTES? "...": "");
    if (self->bad_fd < 0) {
        json_decref (head);
        return;
    }
    if (!self->bad_full) {
        struct stat info;
        self->bad_full = fstat (self->bad_fd, &info) == 0
                      && info.st_size >= FL_BAD_OUTPUT_BYTES_MAX;
    }
    if (self->bad_full) {
        self->bad_cut++;
        json_decref (head);
        return;
    }
    json_t *record = json_pack ("{s:s, s:I, s:s, s:o}", "node", self->id,
                                "line", (json_int_t) line_no, "problem", problem,
                                "text", head);
    char *text = record? json_dumps (record, JSON_COMPACT): NULL;
    json_decref (record);
    assert (text);
    //  One write per record: O_APPEND keeps several bridges' lines whole.
    char *record_line = zsys_sprintf ("%s\n", text);
    size_t size = strlen (record_line);
    if (write (self->bad_fd, record_line, size) != (ssize_t) size && !self->bad_write_failed) {
        fprintf (stderr, "node-stdio %s: cannot append to --bad-output: %s\n",
                 self->id, strerror (errno));
        self->bad_write_failed = true;
    }
    //  O_APPEND leaves the offset at the end of this record: the one
    //  record whose bytes cross the cap says so, once for the run.
    off_t end = lseek (self->bad_fd, 0, SEEK_CUR);
    if (end >= FL_BAD_OUTPUT_BYTES_MAX && end - (off_t) size < FL_BAD_OUTPUT_BYTES_MAX) {
        static const char note [] = "{\"note\":\"bad-output.jsonl reached "
            "FL_BAD_OUTPUT_BYTES_MAX; later bad lines are counted, not written "
            "(results.json: bad_output.cut)\"}\n";
        if (write (self->bad_fd, note, sizeof note - 1) < 0 && !self->bad_write_failed) {
            fprintf (stderr, "node-stdio %s: cannot append to --bad-output: %s\n",
                     self->id, strerror (errno));
            self->bad_write_failed = true;
        }
        self->bad_full = true;
    }
    zstr_free (&record_line);
    free (text);
}

//  Why an envelope from the node is bad (a problem word, and a detail in
//  detail), or NULL when it may go out.
static const char *
s_envelope_problem (bridge_t *self, json_t *envelope, char *detail, size_t size)
{
    if (!json_is_object (envelope)) {
        snprintf (detail, size, "a JSON %s, not an object",
                  json_is_array (envelope)? "array": "scalar");
        return "not-an-object";
    }
    const char *key;
    json_t *value;
    json_object_foreach (envelope, key, value)
        if (!streq (key, "src") && !streq (key, "dest") && !streq (key, "body")
        &&  !streq (key, "id")) {
            snprintf (detail, size, "top-level key '%.64s': only src, dest, body, id", key);
            return "extra-key";
        }
    const char *src = json_string_value (json_object_get (envelope, "src"));
    const char *dest = json_string_value (json_object_get (envelope, "dest"));
    json_t *body = json_object_get (envelope, "body");
    json_t *id = json_object_get (envelope, "id");
    snprintf (detail, size, "%s", !src? "src missing or not a string"
              : !dest? "dest missing or not a string"
              : id && !json_is_integer (id)? "id not an integer"
              : !json_is_object (body)? "body missing or not an object"
              : !json_is_string (json_object_get (body, "type"))? "body has no string type"
              : "");
    if (!src)
        return "bad-src";
    if (!dest)
        return "bad-dest";
    if (id && !json_is_integer (id))
        return "bad-id";
    if (!json_is_object (body))
        return "bad-body";
    if (!json_is_string (json_object_get (body, "type")))
        return "no-type";
    if (!s_known (self, src)) {
        snprintf (detail, size, "src '%.64s' is not a known id", src);
        return "unknown-src";
    }
    if (!s_known (self, dest)) {
        snprintf (detail, size, "dest '%.64s' is not a known id", dest);
        return "unknown-dest";
    }
    return NULL;
}

//  One complete line the child wrote: forward it as written if it is a
//  good envelope, else report it.
static void
s_from_child_line (bridge_t *self, const char *line, size_t len, long line_no)
{
    while (len && line [len - 1] == '\r')
        len--;
    json_error_t error;
    bool exact;
    json_t *envelope = s_parse (line, len, &exact, &error);
    char detail [192];
    const char *problem = NULL;
    if (!envelope) {
        snprintf (detail, sizeof detail, "%.100s at column %d", error.text, error.column);
        problem = "invalid-json";
    }
    else
        problem = s_envelope_problem (self, envelope, detail, sizeof detail);
    if (problem)
        s_bad_output (self, line_no, problem, detail, line, len);
    else {
        const char *dest = json_string_value (json_object_get (envelope, "dest"));
        zmq_send (self->sock, dest, strlen (dest), ZMQ_SNDMORE);
        zmq_send (self->sock, line, len, 0);
    }
    json_decref (envelope);
}

//  The count of bad lines past the cap to --bad-output-cut, when it grew
//  (a number that only grows: rewriting it in place never leaves a digit).
static void
s_save_cut (bridge_t *self)
{
    if (self->cut_fd < 0 || self->bad_cut == self->bad_cut_saved)
        return;
    char text [32];
    int size = snprintf (text, sizeof text, "%" PRId64 "\n", self->bad_cut);
    if (pwrite (self->cut_fd, text, (size_t) size, 0) != size && !self->bad_write_failed) {
        fprintf (stderr, "node-stdio %s: cannot write --bad-output-cut: %s\n",
                 self->id, strerror (errno));
        self->bad_write_failed = true;
    }
    self->bad_cut_saved = self->bad_cut;
}

//  Open --bad-output-cut and take up its count (a restarted node's bridge
//  goes on from its last life's). Returns 0, or -1 with errno set.
static int
s_open_cut (bridge_t *self, const char *path)
{
    self->cut_fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (self->cut_fd < 0)
        return -1;
    char text [32] = "";
    ssize_t got = pread (self->cut_fd, text, sizeof text - 1, 0);
    long long count = got > 0? strtoll (text, NULL, 10): 0;
    self->bad_cut = self->bad_cut_saved = count > 0? count: 0;
    return 0;
}

//  Read what the child wrote and handle its complete lines. Returns -1 at
//  EOF (after the last, unterminated line).
static int
s_from_child (bridge_t *self)
{
    ssize_t got = linebuf_read (&self->out, self->from_child);
    if (got < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    const char *line;
    size_t len;
    linebuf_result_t result;
    while ((result = linebuf_next (&self->out, &line, &len)) != LINEBUF_NONE) {
        if (result == LINEBUF_TOO_LONG) {
            char detail [64];
            snprintf (detail, sizeof detail, "over FL_MSG_BYTES_MAX (%d bytes)", FL_MSG_BYTES_MAX);
            s_bad_output (self, self->out.line_no, "too-long", detail, line, len);
        }
        else
            s_from_child_line (self, line, len, self->out.line_no);
    }
    s_save_cut (self);
    return got <= 0? -1: 0;
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
    if (WIFEXITED (status)) {
        fprintf (stderr, "node-stdio %s: node exited with status %d\n", self->id, WEXITSTATUS (status));
        //  The program's own status, so that the harness can say it.
        return WEXITSTATUS (status);
    }
    else
    if (WIFSIGNALED (status)) {
        fprintf (stderr, "node-stdio %s: node killed by signal %d\n", self->id, WTERMSIG (status));
        return 128 + WTERMSIG (status);       // as a shell says it
    }
    return STDIO_EXIT_NODE_GONE;
}


//  --------------------------------------------------------------------------
//  Start

//  --faketime PATH: check the library, keep PATH's offset if it holds one
//  (a restarted node keeps its machine's skew) or write "+0", and put the
//  child's environment in ours. nodejs: the node's program (argv [0]), or
//  a command of its line, is Node.js (shellcmd.h). Node.js keeps its true
//  monotonic clock (libuv aborts when it goes back, as a negative skew made
//  it); every other program has it shifted with the wall clock, because
//  libfaketime 0.9.10 with FAKETIME_DONT_FAKE_MONOTONIC fails python3's
//  time.sleep (EINVAL).
//  Returns 0, or an exit status after saying why.
static int
s_faketime_setup (const char *id, const char *path, bool nodejs)
{
    const char *lib = faketime_lib ();
    if (access (lib, R_OK)) {
        fprintf (stderr, "node-stdio %s: --faketime needs libfaketime '%s' (%s): install "
                 "Debian package %s (apt-get install %s, or make lab)\n", id, lib,
                 strerror (errno), FAKETIME_PACKAGE, FAKETIME_PACKAGE);
        return FL_EXIT_UNAVAILABLE;
    }
    int64_t offset_ms;
    if (faketime_read (path, &offset_ms)) {
        if (errno != ENOENT)
            fprintf (stderr, "node-stdio %s: --faketime '%s' holds no offset; starting "
                     "at +0\n", id, path);
        if (faketime_write (path, 0)) {
            fprintf (stderr, "node-stdio %s: cannot write --faketime '%s': %s\n",
                     id, path, strerror (errno));
            return FL_EXIT_UNAVAILABLE;
        }
    }
    char *absolute = realpath (path, NULL);
    assert (absolute);                      //  it was just read or written
    const char *preload = getenv ("LD_PRELOAD");
    char *preloads = preload && *preload? zsys_sprintf ("%s:%s", preload, lib)
                                        : zsys_sprintf ("%s", lib);
    //  Set in our environment, which only the child reads: the bridge
    //  itself is already running and stays on the real clock.
    setenv ("LD_PRELOAD", preloads, 1);
    setenv ("FAKETIME_TIMESTAMP_FILE", absolute, 1);
    setenv ("FAKETIME_NO_CACHE", "1", 1);   //  a new offset counts at once
    unsetenv ("FAKETIME");                  //  it would win over the file
    if (nodejs)
        setenv ("FAKETIME_DONT_FAKE_MONOTONIC", "1", 1);
    zstr_free (&preloads);
    free (absolute);
    return 0;
}

typedef struct {
    const char *id;
    const char *endpoint;
    const char *bad_output;
    const char *bad_output_cut;
    const char *faketime;
} s_opts_t;

//  Parse the command line up to "--". Returns 0 or a usage exit status.
static int
s_parse_args (int argc, char **argv, s_opts_t *opts)
{
    static struct option options [] = {
        { "id", required_argument, 0, 'i' }, { "connect", required_argument, 0, 'c' },
        { "data", required_argument, 0, 'd' }, { "seed", required_argument, 0, 's' },
        { "param", required_argument, 0, 'p' }, { "bad-output", required_argument, 0, 'b' },
        { "faketime", required_argument, 0, 'f' },
        { "bad-output-cut", required_argument, 0, 'k' }, { 0, 0, 0, 0 }
    };
    opts->id = getenv ("FAULTLAB_ID");
    opts->endpoint = getenv ("FAULTLAB_CONNECT");
    int opt;
    opterr = 0;
    while ((opt = getopt_long (argc, argv, "+", options, NULL)) != -1) {
        if (opt == 'i') opts->id = optarg;
        else if (opt == 'c') opts->endpoint = optarg;
        else if (opt == 'd') setenv ("FAULTLAB_DATA", optarg, 1);
        else if (opt == 's') setenv ("FAULTLAB_SEED", optarg, 1);
        else if (opt == 'p') continue;
        else if (opt == 'b') opts->bad_output = optarg;
        else if (opt == 'f') opts->faketime = optarg;
        else if (opt == 'k') opts->bad_output_cut = optarg;
        else {
            char problem [64 + FL_ID_BYTES_MAX];
            snprintf (problem, sizeof problem, "unknown option or missing value '%.32s'",
                      argv [optind - 1]);
            return s_usage (problem);
        }
    }
    if (!opts->id || !*opts->id || strlen (opts->id) > FL_ID_BYTES_MAX)
        return s_usage ("--id ID is required (1 to 32 bytes)");
    if (!opts->endpoint)
        return s_usage ("--connect EP is required");
    if ((opts->bad_output && !*opts->bad_output) || (opts->faketime && !*opts->faketime)
    ||  (opts->bad_output_cut && !*opts->bad_output_cut))
        return s_usage ("--bad-output, --bad-output-cut and --faketime need a file path");
    if (optind >= argc)
        return s_usage ("no node command after --");
    return 0;
}

int
main (int argc, char **argv)
{
    s_opts_t opts = { 0 };
    int rc = s_parse_args (argc, argv, &opts);
    if (rc)
        return rc;
    const char *id = opts.id;
    shellcmd_t command = { .program = "" };
    if (argc - optind == 1)
        shellcmd_read (argv [optind], &command);
    else
    if (argc > optind)
        command.nodejs = shellcmd_argv_nodejs (argv + optind, argc - optind);
    if (opts.faketime && (rc = s_faketime_setup (id, opts.faketime, command.nodejs)))
        return rc;
    bridge_t self = { .id = id, .bad_fd = -1, .cut_fd = -1 };
    if (opts.bad_output_cut && s_open_cut (&self, opts.bad_output_cut)) {
        fprintf (stderr, "node-stdio %s: cannot open --bad-output-cut '%s': %s\n",
                 id, opts.bad_output_cut, strerror (errno));
        return FL_EXIT_UNAVAILABLE;
    }
    if (opts.bad_output) {
        self.bad_fd = open (opts.bad_output, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (self.bad_fd < 0) {
            fprintf (stderr, "node-stdio %s: cannot open --bad-output '%s': %s\n",
                     id, opts.bad_output, strerror (errno));
            return FL_EXIT_UNAVAILABLE;
        }
    }

    zsys_handler_set (NULL);
    zsys_set_logstream (stderr);
    signal (SIGPIPE, SIG_IGN);
    signal (SIGTERM, s_on_signal);
    signal (SIGINT, s_on_signal);

    linebuf_init (&self.out, FL_MSG_BYTES_MAX);
    zsock_t *dealer = zsock_new (ZMQ_DEALER);
    assert (dealer);
    zsock_set_identity (dealer, id);
    zsock_set_sndhwm (dealer, FL_SOCKET_HWM);
    zsock_set_rcvhwm (dealer, FL_SOCKET_HWM);
    zsock_set_linger (dealer, 200);
    rc = FL_EXIT_UNAVAILABLE;
    if (zsock_connect (dealer, "%s", opts.endpoint))
        fprintf (stderr, "node-stdio %s: cannot connect to '%s'\n", id, opts.endpoint);
    else {
        self.sock = zsock_resolve (dealer);
        if (s_spawn (&self, argc - optind, argv + optind))
            fprintf (stderr, "node-stdio %s: cannot start '%s': %s\n", id, argv [optind],
                     strerror (errno));
        else
            rc = s_serve (&self);
    }
    zsock_destroy (&dealer);
    linebuf_release (&self.out);
    free (self.pending);
    if (self.bad_fd >= 0)
        close (self.bad_fd);
    if (self.cut_fd >= 0)
        close (self.cut_fd);
    return rc;
}
