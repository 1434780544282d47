/*  lab.c -- start, drive and stop one lab (see lab.h).

    The lab owns every process of a run and the two sockets the harness
    itself uses besides the clients: a REQ to the proxy's control endpoint
    and the DEALER "c0" on the net endpoint, through which init, role and
    clock_skew travel like any other message (so they cross the proxy, as
    DESIGN section 1 wants; c0's links are never faulted because faults
    apply to node-to-node links unless a client is named).

    Invariants: a node is in exactly one of three states -- running (pid >
    0), killed by a fault (pid == 0, killed), or dead on its own (which is
    an error reported by lab_tick and ends the run). Every child is reaped
    by us; every wait has a deadline. A REQ socket that timed out is
    replaced, since its state machine would otherwise refuse the next send.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <dirent.h>
#include <signal.h>
#include <unistd.h>
#include <inttypes.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sched.h>
#include "lab.h"
#include "child.h"
#include "ipcdir.h"
#include "nodelog.h"
#include "client.h"
#include "scenario/schedule.h"
#include "clock.h"
#include "shellcmd.h"
#include "limits.h"
#include "exits.h"
#include "faketime.h"
#include "database.h"
#include "netplane.h"
#include "dbproc.h"

#define LAB_PROXY_STREAM  0x9e0000ULL
#define LAB_NODE_STREAM   0x9f0000ULL
#define LAB_SERVICES_STREAM 0x9d0000ULL
#define S_INIT_MSG_ID     1
#define LAB_ARGS_MAX      (16 + 2 * FL_NODES_MAX)

typedef struct {
    char id [FL_ID_BYTES_MAX];
    pid_t pid;
    bool killed;            // by a fault: restart brings it back
    bool stopped;           // SIGSTOP in force
    bool paused;            // the proxy holds its messages (pause)
    int skew_ms;
    bool skew_ever;         // a clock-skew action reached it
    bool init_pending;      // init not yet answered with init_ok
    int64_t init_id;        // msg_id of the init of this (re)start, 0 before
    int64_t probe_id;       // msg_id of the last gone-probe (s_await_gone)
    bool probe_bounced;     // the proxy answered it: no pipe holds the id
    int64_t init_since_ms;
    int64_t init_sent_ms;
    char *init_error;       // the node answered init with something else
    int64_t setup_id;       // msg_id of the workload's setup message, 0 if none
    bool setup_pending;
    char *setup_error;      // the node answered it with something else
    bool role_answered;
    char role [FL_ID_BYTES_MAX];
    int64_t term;
    int64_t replica_id;     // msg_id of the replica_read in flight, 0 if none
    json_t *replica;        // its answer's state, until lab_replicas takes it
    pid_t log_writer;       // the writer of its capped log (nodelog.h)
} s_node_t;

struct _lab_t {
    lab_opts_t opts;
    zhashx_t *type_blocks;      // "src\x1fdest\x1ftype" of each type the
                                // proxy holds blocked on a link (exact ids)
    zhashx_t *type_names;       // each type ever blocked: the proxy's registry
    char ipc_dir [64];
    char net [128];
    char control [128];
    pid_t proxy_pid;
    int proxy_out;          // the proxy's stdout, drained into proxy.log
    pid_t services_pid;     // bin/lab-services, 0 when not running
    json_t *notes;          // what the lab could not do as asked (lab_notes)
    json_t *setup_body;     // lab_setup's message, for nodes restarted later
    char setup_type [FL_ID_BYTES_MAX];      // lab_setup's message type
    char setup_reply [FL_ID_BYTES_MAX + 4]; // and the reply it wants
    zsock_t *request;
    zsock_t *harness;       // "c0"
    int64_t msg_id;
    int count;
    s_node_t nodes [FL_NODES_MAX];
    nodelog_t *logs;        // the nodes' capped logs: bytes cut per node
    const database_t *db;   // a real database (--system etcd), else NULL
    netplane_t *plane;      // its IP-level fault plane
    dbproc_t *servers;      // its processes in the plane's namespaces
};

//  Is the first word of a shell command line a program we can run?
static bool
s_command_exists (const char *command)
{
    char word [1024];
    if (sscanf (command, " %1023s", word) != 1)
        return false;
    return child_program_exists (word);
}

int
lab_check_node_syntax (const char *cmd, char **error)
{
    assert (cmd && error);
    int out [2];
    if (pipe2 (out, O_CLOEXEC))
        return 0;                   //  sh will say, when the nodes start
    pid_t pid = fork ();
    if (pid == 0) {
        dup2 (out [1], 2);
        int null = open ("/dev/null", O_RDWR);
        if (null >= 0)
            dup2 (null, 0), dup2 (null, 1);
        execl ("/bin/sh", "sh", "-n", "-c", cmd, (char *) NULL);
        _exit (FL_EXIT_NOEXEC);
    }
    close (out [1]);
    char said [512] = "";
    size_t used = 0;
    ssize_t got;
    while (pid > 0 && (got = read (out [0], said + used, sizeof said - 1 - used)) > 0)
        used += (size_t) got;
    said [used] = 0;
    close (out [0]);
    int status = 0;
    if (pid > 0 && waitpid (pid, &status, 0) == pid
    &&  !(WIFEXITED (status) && WEXITSTATUS (status) == 0)) {
        said [strcspn (said, "\n")] = 0;
        *error = zsys_sprintf ("--node '%s': sh cannot read it (%s)", cmd,
                               *said? said: "sh -n failed");
        return -1;
    }
    return 0;
}

//  --node CMD's program, when the line names one sh need not expand (after
//  any NAME=VALUE; not a builtin such as cd), is there and may be run. Its
//  syntax is the caller's to check first (lab_check_node_syntax: a usage
//  error, not a missing program). Returns 0, or -1 with *error.
static int
s_check_node_command (const char *cmd, char **error)
{
    shellcmd_t parsed;
    if (shellcmd_read (cmd, &parsed) || !*parsed.program)
        return 0;
    const char *program = parsed.program;
    if (child_program_exists (program))
        return 0;
    if (strchr (program, '/') && access (program, F_OK) == 0)
        *error = zsys_sprintf ("--node '%s': '%s' cannot be run (%s): make it executable"
                               " (chmod +x), or name its interpreter (--node 'python3 %s')",
                               cmd, program, strerror (errno), program);
    else
    if (strchr (program, '/'))
        *error = zsys_sprintf ("--node '%s': no program '%s' (%s)", cmd, program,
                               strerror (errno));
    else
        *error = zsys_sprintf ("--node '%s': program '%s' not found on PATH", cmd, program);
    return -1;
}

//  fork + exec with stdout/stderr to log (appended), stdin from /dev/null.
//  With stdout_pipe, stdout goes to a pipe whose read end is returned there.
//  With a log_fd >= 0 (a node's capped log, nodelog.h), that is the log:
//  taken, closed here.
static pid_t
s_spawn_in (char **argv, const char *log_path, int *stdout_pipe, int log_fd, int netns)
{
    int pipe_fds [2] = { -1, -1 };
    if (stdout_pipe && pipe2 (pipe_fds, O_CLOEXEC))
        return -1;
    int log = log_fd >= 0? log_fd:
              open (log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log < 0)
        return -1;
    pid_t parent = getpid ();
    pid_t pid = fork ();
    if (pid == 0) {
        child_prepare (stdout_pipe? pipe_fds [1]: log, log);
        if (getppid () != parent)
            _exit (FL_EXIT_SOFTWARE);
        if (netns >= 0 && setns (netns, CLONE_NEWNET)) {
            dprintf (2, "harness: cannot enter the node's network namespace: %s\n",
                     strerror (errno));
            _exit (FL_EXIT_UNAVAILABLE);
        }
        execv (argv [0], argv);
        dprintf (2, "harness: cannot run '%s': %s\n", argv [0], strerror (errno));
        _exit (FL_EXIT_NOEXEC);
    }
    close (log);
    if (stdout_pipe) {
        close (pipe_fds [1]);
        if (pid > 0)
            *stdout_pipe = pipe_fds [0];
        else
            close (pipe_fds [0]);
    }
    return pid;
}

static pid_t
s_spawn (char **argv, const char *log_path, int *stdout_pipe, int log_fd)
{
    return s_spawn_in (argv, log_path, stdout_pipe, log_fd, -1);
}

//  Read the proxy's ready line within FL_PROXY_READY_TIMEOUT_MS.
static json_t *
s_read_ready (int fd)
{
    char line [4096];
    size_t used = 0;
    int64_t deadline = clock_mono_ms () + FL_PROXY_READY_TIMEOUT_MS;
    while (used < sizeof line - 1) {
        int64_t left = deadline - clock_mono_ms ();
        struct pollfd item = { .fd = fd, .events = POLLIN };
        if (left <= 0 || poll (&item, 1, (int) left) <= 0)
            return NULL;
        ssize_t got = read (fd, line + used, 1);
        if (got <= 0)
            return NULL;
        if (line [used] == '\n')
            break;
        used++;
    }
    line [used] = 0;
    return json_loads (line, 0, NULL);
}

static uint64_t
s_derived_seed (uint64_t seed, uint64_t stream)
{
    rng_t rng;
    rng_init_stream (&rng, seed, stream);
    return rng_next (&rng) >> 11;      // exact in a JSON double, too
}

static int s_resolved (lab_t *self, json_t *ready, char **error);

static int
s_start_proxy (lab_t *self, char **error, int *status)
{
    char proxy [4096], log [4096], trace [4096], seed [32], t0 [32];
    snprintf (proxy, sizeof proxy, "%s/bin/proxy", self->opts.bin_dir);
    snprintf (log, sizeof log, "%s/proxy.log", self->opts.run_dir);
    snprintf (trace, sizeof trace, "%s/messages.jsonl", self->opts.run_dir);
    snprintf (seed, sizeof seed, "%" PRIu64, s_derived_seed (self->opts.seed, LAB_PROXY_STREAM));
    snprintf (t0, sizeof t0, "%" PRId64, self->opts.t0_ns);
    if (access (proxy, X_OK)) {
        *error = zsys_sprintf ("cannot run '%s': %s (build it: make lab)", proxy, strerror (errno));
        *status = FL_EXIT_UNAVAILABLE;
        return -1;
    }
    char *argv [] = { proxy, "--net", self->net, "--control", self->control,
                      "--seed", seed, "--trace", trace, "--t0", t0, NULL };
    self->proxy_pid = s_spawn (argv, log, &self->proxy_out, -1);
    json_t *ready = self->proxy_pid > 0? s_read_ready (self->proxy_out): NULL;
    if (!ready || !json_is_true (json_object_get (ready, "ready"))) {
        json_decref (ready);
        *error = zsys_sprintf ("proxy did not say it was ready within %d ms"
                           " (FL_PROXY_READY_TIMEOUT_MS; see %s)",
                           FL_PROXY_READY_TIMEOUT_MS, log);
        *status = FL_EXIT_SOFTWARE;
        return -1;
    }
    if (self->opts.tcp && s_resolved (self, ready, error)) {
        json_decref (ready);
        *status = FL_EXIT_SOFTWARE;
        return -1;
    }
    //  The ready line goes to proxy.log too: it holds the seed and pid.
    char *line = json_dumps (ready, JSON_COMPACT);
    FILE *file = fopen (log, "a");
    if (file && line)
        fprintf (file, "%s\n", line);
    if (file)
        fclose (file);
    free (line);
    json_decref (ready);
    fcntl (self->proxy_out, F_SETFL, O_NONBLOCK);
    return 0;
}

//  With tcp the proxy was asked for ephemeral ports: take the endpoints
//  it says it bound from its ready line.
static int
s_resolved (lab_t *self, json_t *ready, char **error)
{
    const char *net = json_string_value (json_object_get (ready, "net"));
    const char *control = json_string_value (json_object_get (ready, "control"));
    if (!net || !control || strchr (net, '*') || strchr (control, '*')
    ||  strlen (net) >= sizeof self->net || strlen (control) >= sizeof self->control) {
        *error = zsys_sprintf ("the proxy's ready line does not say which tcp ports it bound");
        return -1;
    }
    snprintf (self->net, sizeof self->net, "%s", net);
    snprintf (self->control, sizeof self->control, "%s", control);
    return 0;
}

//  Maelstrom's services (lin-kv, seq-kv, lww-kv, lin-tso) as parties on
//  the net endpoint: bin/lab-services, ready once every service heard its
//  own hello back through the proxy.
static int
s_start_services (lab_t *self, char **error)
{
    char program [4096], log [4096], seed [32];
    snprintf (program, sizeof program, "%s/bin/lab-services", self->opts.bin_dir);
    snprintf (log, sizeof log, "%s/services.log", self->opts.run_dir);
    snprintf (seed, sizeof seed, "%" PRIu64, s_derived_seed (self->opts.seed, LAB_SERVICES_STREAM));
    char *argv [] = { program, "--connect", self->net, "--seed", seed, NULL };
    int out = -1;
    self->services_pid = s_spawn (argv, log, &out, -1);
    json_t *ready = self->services_pid > 0? s_read_ready (out): NULL;
    if (out >= 0)
        close (out);
    bool ok = ready && json_is_true (json_object_get (ready, "ready"));
    json_decref (ready);
    if (!ok) {
        *error = zsys_sprintf ("Maelstrom's services (%s) did not say they were ready within %d ms"
                           " (FL_PROXY_READY_TIMEOUT_MS; see %s)", program,
                           FL_PROXY_READY_TIMEOUT_MS, log);
        return -1;
    }
    return 0;
}

static int
s_start_node (lab_t *self, int index)
{
    s_node_t *node = &self->nodes [index];
    char program [4096], log [4096], data [4096], seed [32];
    if (self->db)
        snprintf (program, sizeof program, "%s/bin/%s", self->opts.bin_dir,
                  database_shim (self->db));
    else
        snprintf (program, sizeof program, "%s/bin/node-%s", self->opts.bin_dir,
                  self->opts.node_cmd? "stdio": self->opts.system);
    snprintf (log, sizeof log, "%s/%s.log", self->opts.run_dir, node->id);
    snprintf (data, sizeof data, "%s/data/%s", self->opts.run_dir, node->id);
    snprintf (seed, sizeof seed, "%" PRIu64,
              s_derived_seed (self->opts.seed, LAB_NODE_STREAM + (uint64_t) index));
    mkdir (data, 0755);
    char *argv [LAB_ARGS_MAX];
    int argc = 0;
    argv [argc++] = program;
    argv [argc++] = "--id";       argv [argc++] = node->id;
    argv [argc++] = "--connect";  argv [argc++] = self->net;
    argv [argc++] = "--data";     argv [argc++] = data;
    argv [argc++] = "--seed";     argv [argc++] = seed;
    for (size_t i = 0; i < self->opts.params_count && argc < LAB_ARGS_MAX - 8; i++) {
        argv [argc++] = "--param";
        argv [argc++] = self->opts.params [i];
    }
    char workload [FL_ID_BYTES_MAX + 16];
    if (!self->opts.node_cmd && self->opts.workload) {
        snprintf (workload, sizeof workload, "workload=%s", self->opts.workload);
        argv [argc++] = "--param";
        argv [argc++] = workload;
    }
    char bad [4096], bad_cut [4096], faketime [4096];
    if (self->opts.node_cmd) {
        snprintf (bad, sizeof bad, "%s/bad-output.jsonl", self->opts.run_dir);
        snprintf (bad_cut, sizeof bad_cut, "%s/%s.bad-output-cut", self->opts.run_dir, node->id);
        snprintf (faketime, sizeof faketime, "%s/%s.faketime", self->opts.run_dir, node->id);
        argv [argc++] = "--bad-output";  argv [argc++] = bad;
        argv [argc++] = "--bad-output-cut";  argv [argc++] = bad_cut;
        if (self->opts.faketime) {
            argv [argc++] = "--faketime";
            argv [argc++] = faketime;
        }
        argv [argc++] = "--";
        argv [argc++] = (char *) self->opts.node_cmd;
    }
    //  A database's shim: the --param words its member needs.
    char **shim = self->db? database_shim_params (self->db, index + 1, self->count,
                                                 netplane_addrs (self->plane)): NULL;
    for (int i = 0; shim && shim [i] && argc < LAB_ARGS_MAX - 1; i++)
        argv [argc++] = shim [i];
    argv [argc] = NULL;
    //  The writer of the node's last life has ended or ends soon (its node
    //  is gone): reap it, so restarts leave no zombies.
    if (node->log_writer > 0 && waitpid (node->log_writer, NULL, WNOHANG) == node->log_writer)
        node->log_writer = 0;
    pid_t writer = 0;
    int log_fd = self->logs? nodelog_start (self->logs, index, log, &writer): -1;
    if (log_fd < 0)
        return -1;
    node->log_writer = writer;
    node->pid = s_spawn_in (argv, log, NULL, log_fd,
                            self->plane? netplane_netns (self->plane, index + 1): -1);
    database_argv_free (shim);
    node->killed = false;
    node->stopped = false;
    node->init_pending = true;
    node->init_id = 0;
    node->init_since_ms = clock_mono_ms ();
    node->init_sent_ms = 0;
    zstr_free (&node->init_error);
    return node->pid > 0? 0: -1;
}

//  A real database: its shim, its programs (each role's argv [0]); no
//  --node and no tcp (the shim reaches the proxy over ipc://, a unix
//  socket in the filesystem, across network namespaces).
static int
s_check_database (const lab_opts_t *opts, const database_t *db, char **error)
{
    if (opts->node_cmd || opts->tcp) {
        *error = zsys_sprintf ("--system %s: %s is not for a real database (its shims run in"
                           " network namespaces and reach the proxy over ipc://)",
                           database_name (db), opts->node_cmd? "--node": "--transport tcp");
        return -1;
    }
    char program [4096];
    snprintf (program, sizeof program, "%s/bin/%s", opts->bin_dir, database_shim (db));
    if (access (program, X_OK)) {
        *error = zsys_sprintf ("--system %s needs its shim '%s': %s (build it: make lab)",
                           database_name (db), program, strerror (errno));
        return -1;
    }
    const char *const addrs [] = { "10.91.0.1", NULL };
    for (const char *const *role = database_roles (db); *role; role++) {
        char **argv = database_argv (db, *role, 1, 1, addrs, "/nonexistent", "/nonexistent");
        bool found = argv && s_command_exists (argv [0]);
        if (!found)
            *error = zsys_sprintf ("--system %s needs the program '%s' for its %s (make lab"
                               " installs it)", database_name (db), argv? argv [0]: "?", *role);
        database_argv_free (argv);
        if (!found)
            return -1;
    }
    return 0;
}

int
lab_check_programs (const lab_opts_t *opts, char **error)
{
    assert (opts && error);
    const database_t *db = opts->system && !opts->node_cmd? database_find (opts->system): NULL;
    if (db && s_check_database (opts, db, error))
        return -1;
    char program [4096];
    if (db)
        snprintf (program, sizeof program, "%s/bin/%s", opts->bin_dir, database_shim (db));
    else
        snprintf (program, sizeof program, "%s/bin/node-%s", opts->bin_dir,
                  opts->node_cmd? "stdio": opts->system);
    if (access (program, X_OK)) {
        if (opts->node_cmd)
            *error = zsys_sprintf ("--node needs the stdio bridge '%s', which is not"
                               " built (make lab)", program);
        else
            *error = zsys_sprintf ("no system '%s': cannot run '%s' (%s; ./harness list"
                               " shows the systems)", opts->system, program,
                               strerror (errno));
        return -1;
    }
    snprintf (program, sizeof program, "%s/bin/lab-services", opts->bin_dir);
    if (access (program, X_OK)) {
        *error = zsys_sprintf ("cannot run Maelstrom's services '%s': %s (build it: make lab)",
                           program, strerror (errno));
        return -1;
    }
    if (opts->node_cmd && s_check_node_command (opts->node_cmd, error))
        return -1;
    return 0;
}

//  A real database: the plane, then its servers (ready), before the shims.
static int
s_start_database (lab_t *self, char **error, int *status)
{
    if (!netplane_is_private ()) {
        *error = zsys_sprintf ("--system %s runs only under ./harness run, inside its private"
                           " namespaces", database_name (self->db));
        *status = FL_EXIT_USAGE;
        return -1;
    }
    self->plane = netplane_new (self->count, self->opts.bin_dir, self->opts.run_dir,
                                self->opts.seed, error);
    if (!self->plane) {
        *status = FL_EXIT_UNAVAILABLE;
        return -1;
    }
    self->servers = dbproc_new (self->db, self->plane, self->count, self->opts.bin_dir,
                                self->opts.run_dir, self->opts.faketime, error);
    if (self->servers && dbproc_note (self->servers))
        json_array_append_new (self->notes, json_string (dbproc_note (self->servers)));
    //  Said only where it matters: a scenario with a clock-skew fault.
    if (!database_faketime (self->db) && self->opts.faketime) {
        char *note = zsys_sprintf ("%s is a Go binary: it reads the clock through the vDSO, not"
                               " libc, so libfaketime cannot skew it and clock-skew faults do"
                               " not reach it", database_name (self->db));
        json_array_append_new (self->notes, json_string (note));
        free (note);
    }
    return self->servers? 0: -1;
}

lab_t *
lab_new (const lab_opts_t *opts, char **error, int *status)
{
    assert (opts && opts->nodes > 0 && opts->nodes <= FL_NODES_MAX);
    lab_t *self = calloc (1, sizeof *self);
    assert (self);
    self->opts = *opts;
    self->count = opts->nodes;
    self->logs = nodelog_new (self->count);
    self->proxy_out = -1;
    self->msg_id = S_INIT_MSG_ID;     // the next message's is 2
    self->notes = json_array ();
    self->type_blocks = zhashx_new ();
    self->type_names = zhashx_new ();
    self->db = opts->system && !opts->node_cmd? database_find (opts->system): NULL;
    for (int i = 0; i < self->count; i++)
        snprintf (self->nodes [i].id, FL_ID_BYTES_MAX, "n%d", i + 1);
    *status = FL_EXIT_UNAVAILABLE;
    if (lab_check_programs (opts, error)) {
        lab_destroy (&self);
        return NULL;
    }
    *status = FL_EXIT_SOFTWARE;
    if (ipcdir_make ("/tmp/faultlab", self->ipc_dir, sizeof self->ipc_dir) < 0) {
        *error = zsys_sprintf ("cannot make a directory for ipc endpoints: %s", strerror (errno));
        lab_destroy (&self);
        return NULL;
    }
    if (opts->tcp) {
        snprintf (self->net, sizeof self->net, "tcp://127.0.0.1:*");
        snprintf (self->control, sizeof self->control, "tcp://127.0.0.1:*");
    }
    else {
        snprintf (self->net, sizeof self->net, "ipc://%s/net", self->ipc_dir);
        snprintf (self->control, sizeof self->control, "ipc://%s/ctl", self->ipc_dir);
    }
    char data [4096];
    snprintf (data, sizeof data, "%s/data", opts->run_dir);
    mkdir (data, 0755);
    if (s_start_proxy (self, error, status)) {
        lab_destroy (&self);
        return NULL;
    }
    if (s_start_services (self, error)) {
        lab_destroy (&self);
        return NULL;
    }
    self->request = zsock_new_req (self->control);
    self->harness = zsock_new (ZMQ_DEALER);
    assert (self->request && self->harness);
    zsock_set_identity (self->harness, "c0");
    zsock_set_rcvhwm (self->harness, FL_SOCKET_HWM);
    zsock_set_sndhwm (self->harness, FL_SOCKET_HWM);
    zsock_connect (self->harness, "%s", self->net);
    if (self->db && s_start_database (self, error, status)) {
        lab_destroy (&self);
        return NULL;
    }
    for (int i = 0; i < self->count; i++)
        if (s_start_node (self, i)) {
            *error = zsys_sprintf ("cannot start node %s: %s", self->nodes [i].id, strerror (errno));
            lab_destroy (&self);
            return NULL;
        }
    *status = 0;
    return self;
}

//  Wait for pid up to deadline; true when it was reaped.
static bool
s_reap (pid_t pid, int64_t deadline_ms)
{
    while (true) {
        pid_t done = waitpid (pid, NULL, WNOHANG);
        if (done == pid || (done < 0 && errno == ECHILD))
            return true;
        if (clock_mono_ms () >= deadline_ms)
            return false;
        usleep (5000);
    }
}

//  Send sig to every child of parent not reaped yet (group: to the child's
//  process group, when it leads one); returns how many there were. Read
//  from /proc/PID/stat: "pid (comm) state ppid pgrp ...", where comm may
//  hold spaces and parentheses, so ppid is read after the last ')'.
static int
s_signal_children (pid_t parent, int sig, bool group)
{
    DIR *proc = opendir ("/proc");
    if (!proc)
        return 0;
    int found = 0;
    struct dirent *entry;
    while ((entry = readdir (proc))) {
        char *end;
        long pid = strtol (entry->d_name, &end, 10);
        if (*end || pid <= 0)
            continue;
        char path [64], text [512];
        snprintf (path, sizeof path, "/proc/%ld/stat", pid);
        FILE *file = fopen (path, "r");
        size_t got = file? fread (text, 1, sizeof text - 1, file): 0;
        if (file)
            fclose (file);
        text [got] = 0;
        char *paren = strrchr (text, ')');
        long ppid = 0, pgrp = 0;
        if (!paren || sscanf (paren + 1, " %*c %ld %ld", &ppid, &pgrp) != 2 || ppid != parent)
            continue;
        kill (group && pgrp == pid? -(pid_t) pid: (pid_t) pid, sig);
        found++;
    }
    closedir (proc);
    return found;
}

static int
s_kill_children (void)
{
    return s_signal_children (getpid (), SIGKILL, false);
}

//  SIGSTOP or SIGCONT a node: its process and, for a --node program, the
//  program node-stdio runs in a process group of its own (stopping the
//  bridge alone left the program's timers and retries running).
static int
s_signal_node (pid_t pid, int sig)
{
    s_signal_children (pid, sig, true);
    return kill (pid, sig);
}

//  A node's own children (a script's `sleep &`) outlive it and re-parent to
//  us when the harness is a child subreaper (run, up and matrix make it
//  one). Once the lab's processes are reaped, every child left is such an
//  orphan: kill and reap them until none is left, at most
//  FL_SHUTDOWN_GRACE_MS. Without the subreaper flag (a test binary) the
//  children of this process are not ours to kill, so nothing is done.
static void
s_reap_orphans (void)
{
    int subreaper = 0;
    if (prctl (PR_GET_CHILD_SUBREAPER, &subreaper) || !subreaper)
        return;
    int64_t deadline = clock_mono_ms () + FL_SHUTDOWN_GRACE_MS;
    while (s_kill_children () > 0 && clock_mono_ms () < deadline) {
        while (waitpid (-1, NULL, WNOHANG) > 0)
            ;
        usleep (2000);
    }
    while (waitpid (-1, NULL, WNOHANG) > 0)
        ;
}

void
lab_become_subreaper (void)
{
    prctl (PR_SET_CHILD_SUBREAPER, 1);
}

void
lab_destroy (lab_t **self_p)
{
    assert (self_p);
    lab_t *self = *self_p;
    if (!self)
        return;
    zsock_destroy (&self->request);
    zsock_destroy (&self->harness);
    //  Nodes first (SIGCONT a stopped one, or SIGTERM waits forever), then
    //  the proxy, which flushes its trace on SIGTERM.
    for (int i = 0; i < self->count; i++)
        if (self->nodes [i].pid > 0) {
            kill (self->nodes [i].pid, SIGTERM);
            s_signal_node (self->nodes [i].pid, SIGCONT);
        }
    int64_t deadline = clock_mono_ms () + FL_SHUTDOWN_GRACE_MS;
    for (int i = 0; i < self->count; i++)
        if (self->nodes [i].pid > 0 && !s_reap (self->nodes [i].pid, deadline)) {
            kill (self->nodes [i].pid, SIGKILL);
            s_reap (self->nodes [i].pid, clock_mono_ms () + FL_SHUTDOWN_GRACE_MS);
        }
    //  Each log's writer ends at its EOF, once it has written what the node
    //  wrote last (the reason it died, often); one whose pipe a node's own
    //  child still holds is killed with the orphans below.
    deadline = clock_mono_ms () + FL_NODE_LOG_DRAIN_MS;
    for (int i = 0; i < self->count; i++)
        if (self->nodes [i].log_writer > 0)
            s_reap (self->nodes [i].log_writer, deadline);
    //  A database's servers, then its plane (no process is left in it).
    dbproc_destroy (&self->servers);
    netplane_destroy (&self->plane);
    if (self->services_pid > 0) {
        kill (self->services_pid, SIGTERM);
        if (!s_reap (self->services_pid, clock_mono_ms () + FL_SHUTDOWN_GRACE_MS)) {
            kill (self->services_pid, SIGKILL);
            s_reap (self->services_pid, clock_mono_ms () + FL_SHUTDOWN_GRACE_MS);
        }
    }
    for (int i = 0; i < self->count; i++) {
        zstr_free (&self->nodes [i].init_error);
        zstr_free (&self->nodes [i].setup_error);
        json_decref (self->nodes [i].replica);
    }
    json_decref (self->notes);
    zhashx_destroy (&self->type_blocks);
    zhashx_destroy (&self->type_names);
    json_decref (self->setup_body);
    if (self->proxy_pid > 0) {
        kill (self->proxy_pid, SIGTERM);
        if (!s_reap (self->proxy_pid, clock_mono_ms () + FL_SHUTDOWN_GRACE_MS)) {
            kill (self->proxy_pid, SIGKILL);
            s_reap (self->proxy_pid, clock_mono_ms () + FL_SHUTDOWN_GRACE_MS);
        }
    }
    s_reap_orphans ();
    if (self->proxy_out >= 0)
        close (self->proxy_out);
    ipcdir_remove (self->ipc_dir);
    nodelog_destroy (&self->logs);
    free (self);
    *self_p = NULL;
}

const char *lab_net (lab_t *self)     { assert (self); return self->net; }
const char *lab_control (lab_t *self) { assert (self); return self->control; }
int lab_nodes (lab_t *self)           { assert (self); return self->count; }
zsock_t *lab_socket (lab_t *self)     { assert (self); return self->harness; }
bool lab_node_killed (lab_t *self, int i)  { return self->nodes [i].killed; }
bool lab_node_stopped (lab_t *self, int i) { return self->nodes [i].stopped; }
int lab_node_skew (lab_t *self, int i)     { return self->nodes [i].skew_ms; }

json_t *
lab_request (lab_t *self, json_t *request, char **error)
{
    assert (self && request);
    char *text = json_dumps (request, JSON_COMPACT);
    json_decref (request);
    zstr_send (self->request, text);
    free (text);
    zpoller_t *poller = zpoller_new (self->request, NULL);
    void *which = zpoller_wait (poller, FL_CONTROL_TIMEOUT_MS);
    zpoller_destroy (&poller);
    if (!which) {
        //  A REQ that missed its reply cannot send again: replace it.
        zsock_destroy (&self->request);
        self->request = zsock_new_req (self->control);
        *error = zsys_sprintf ("proxy did not answer a control request within %d ms"
                           " (FL_CONTROL_TIMEOUT_MS)", FL_CONTROL_TIMEOUT_MS);
        return NULL;
    }
    char *answer = zstr_recv (self->request);
    json_t *reply = answer? json_loads (answer, 0, NULL): NULL;
    zstr_free (&answer);
    if (!reply || !json_is_true (json_object_get (reply, "ok"))) {
        const char *why = json_string_value (json_object_get (reply, "error"));
        *error = zsys_sprintf ("proxy refused a control request: %s", why? why: "bad reply");
        json_decref (reply);
        return NULL;
    }
    return reply;
}

//  Send a body from c0 to a node. Takes body. Returns its msg_id.
static int64_t
s_send (lab_t *self, const char *dest, json_t *body)
{
    //  Init alone uses msg_id 1 (S_INIT_MSG_ID), as Maelstrom's fresh init
    //  client does; everything else counts on from 2.
    if (!json_object_get (body, "msg_id"))
        json_object_set_new (body, "msg_id", json_integer (++self->msg_id));
    int64_t msg_id = json_integer_value (json_object_get (body, "msg_id"));
    client_send_envelope (self->harness, "c0", dest, body);
    return msg_id;
}

//  Maelstrom's init: {"type":"init","node_id","node_ids","msg_id"}, once
//  per start of the node. It is sent again only when the proxy answers
//  that it could not route it (error 1: the node had not connected yet),
//  so a node receives exactly one.
static void
s_send_init (lab_t *self, int index, int64_t now_ms)
{
    json_t *ids = json_array ();
    for (int i = 0; i < self->count; i++)
        json_array_append_new (ids, json_string (self->nodes [i].id));
    s_node_t *node = &self->nodes [index];
    node->init_id = s_send (self, node->id, json_pack ("{s:s, s:s, s:o, s:i}", "type", "init",
                            "node_id", node->id, "node_ids", ids, "msg_id", S_INIT_MSG_ID));
    node->init_sent_ms = now_ms;
}

static int
s_index (lab_t *self, const char *id)
{
    for (int i = 0; i < self->count; i++)
        if (streq (self->nodes [i].id, id))
            return i;
    return -1;
}

//  Is this the proxy's answer that it could not route our message (error
//  1 "node not found"), rather than anything a node said?
static bool
s_bounced (const char *type, json_t *body)
{
    const char *text = json_string_value (json_object_get (body, "text"));
    return streq (type, "error") && json_integer_value (json_object_get (body, "code")) == 1
        && text && strncmp (text, "node not found", 14) == 0;
}

void
lab_on_message (lab_t *self)
{
    assert (self);
    zmsg_t *msg = zmsg_recv (self->harness);
    if (!msg)
        return;
    char *src = zmsg_popstr (msg);
    char *text = zmsg_popstr (msg);
    json_t *envelope = text? json_loads (text, 0, NULL): NULL;
    json_t *body = json_object_get (envelope, "body");
    const char *type = json_string_value (json_object_get (body, "type"));
    int index = src? s_index (self, src): -1;
    if (index >= 0 && type) {
        s_node_t *node = &self->nodes [index];
        json_t *reply_to = json_object_get (body, "in_reply_to");
        int64_t id = json_is_integer (reply_to)? json_integer_value (reply_to): -1;
        //  The proxy's "node not found" to a gone-probe: the old pipe is gone.
        if (id == node->probe_id && node->probe_id && s_bounced (type, body))
            node->probe_bounced = true;
        else
        //  The answer to this start's init: init_ok, or the end of the run.
        if (node->init_pending && node->init_id && id == node->init_id) {
            if (streq (type, "init_ok")) {
                node->init_pending = false;
                //  A node restarted after the workload's setup gets it again.
                if (self->setup_body) {
                    node->setup_pending = true;
                    node->setup_id = s_send (self, node->id, json_deep_copy (self->setup_body));
                }
            }
            else
            if (s_bounced (type, body))
                node->init_id = 0;      // unroutable, said the proxy: send it again
            else
            if (!node->init_error) {
                char *shown = json_dumps (body, JSON_COMPACT);
                node->init_error = zsys_sprintf ("node %s answered init with '%s', not init_ok:"
                                             " %.300s", node->id, type, shown? shown: "?");
                free (shown);
            }
        }
        else
        if (node->setup_pending && id == node->setup_id) {
            node->setup_pending = false;
            if (!streq (type, self->setup_reply)) {
                char *shown = json_dumps (body, JSON_COMPACT);
                zstr_free (&node->setup_error);
                node->setup_error = zsys_sprintf ("node %s answered %s with '%s', not %s: %.300s",
                                              node->id, self->setup_type, type,
                                              self->setup_reply, shown? shown: "?");
                free (shown);
            }
        }
        else
        if (node->replica_id && id == node->replica_id) {
            node->replica_id = 0;
            json_t *state = json_object_get (body, "state");
            if (streq (type, "replica_read_ok") && json_is_array (state))
                node->replica = json_incref (state);
        }
        else
        if (streq (type, "role_ok")) {
            const char *role = json_string_value (json_object_get (body, "role"));
            snprintf (node->role, sizeof node->role, "%s", role? role: "none");
            node->term = json_integer_value (json_object_get (body, "term"));
            node->role_answered = true;
        }
    }
    json_decref (envelope);
    zstr_free (&src);
    zstr_free (&text);
    zmsg_destroy (&msg);
}

static void
s_drain_proxy_out (lab_t *self)
{
    char buffer [4096];
    if (self->proxy_out < 0)
        return;
    while (read (self->proxy_out, buffer, sizeof buffer) > 0)
        ;
}

//  How a child ended, from waitpid's status: "died of signal 9",
//  "exited with status 3".
static const char *
s_ended (int status, char *buf, size_t size)
{
    if (WIFSIGNALED (status))
        snprintf (buf, size, "died of signal %d", WTERMSIG (status));
    else
        snprintf (buf, size, "exited with status %d", WEXITSTATUS (status));
    return buf;
}

//  A node or the proxy that exited without us asking ends the run.
static int
s_check_children (lab_t *self, char **error)
{
    char ended [48];
    if (self->servers && dbproc_check (self->servers, error))
        return -1;
    int status;
    if (self->proxy_pid > 0 && waitpid (self->proxy_pid, &status, WNOHANG) == self->proxy_pid) {
        self->proxy_pid = 0;
        *error = zsys_sprintf ("the proxy %s, unasked (see %s/proxy.log)",
                               s_ended (status, ended, sizeof ended), self->opts.run_dir);
        return -1;
    }
    if (self->services_pid > 0
    &&  waitpid (self->services_pid, &status, WNOHANG) == self->services_pid) {
        self->services_pid = 0;
        *error = zsys_sprintf ("Maelstrom's services (bin/lab-services) %s, unasked"
                               " (see %s/services.log)", s_ended (status, ended, sizeof ended),
                               self->opts.run_dir);
        return -1;
    }
    for (int i = 0; i < self->count; i++) {
        s_node_t *node = &self->nodes [i];
        if (node->pid <= 0 || waitpid (node->pid, &status, WNOHANG) != node->pid)
            continue;
        node->pid = 0;
        if (WIFSIGNALED (status))
            *error = zsys_sprintf ("node %s died of signal %d%s (see %s/%s.log)", node->id,
                               WTERMSIG (status), node->init_pending? " before answering init": "",
                               self->opts.run_dir, node->id);
        else
        if (self->opts.node_cmd && WEXITSTATUS (status) > 128)
            *error = zsys_sprintf ("node %s: the program was killed by signal %d%s (see %s/%s.log)",
                               node->id, WEXITSTATUS (status) - 128,
                               node->init_pending? " before answering init": "",
                               self->opts.run_dir, node->id);
        else
        if (self->opts.node_cmd && WEXITSTATUS (status) == 1)
            //  node-stdio's own 1 too: the program closed its stdout
            *error = zsys_sprintf ("node %s: the program exited with status 1 or closed its"
                               " stdout%s (see %s/%s.log: node-stdio says which)", node->id,
                               node->init_pending? " before answering init": "",
                               self->opts.run_dir, node->id);
        else
            *error = zsys_sprintf ("node %s%s exited with status %d%s (see %s/%s.log)", node->id,
                               self->opts.node_cmd? ": the program": "",
                               WEXITSTATUS (status), node->init_pending? " before answering init": "",
                               self->opts.run_dir, node->id);
        return -1;
    }
    return 0;
}

int
lab_tick (lab_t *self, int64_t now_ms, char **error)
{
    assert (self);
    s_drain_proxy_out (self);
    if (s_check_children (self, error))
        return -1;
    for (int i = 0; i < self->count; i++) {
        s_node_t *node = &self->nodes [i];
        if (node->init_error || node->setup_error) {
            *error = zsys_sprintf ("%s (see %s/%s.log)", node->init_error? node->init_error:
                               node->setup_error, self->opts.run_dir, node->id);
            return -1;
        }
        if (!node->init_pending || node->pid <= 0 || node->stopped || node->paused)
            continue;
        if (now_ms - node->init_since_ms > FL_INIT_TIMEOUT_MS) {
            *error = zsys_sprintf ("node %s never answered init within %d ms"
                               " (FL_INIT_TIMEOUT_MS%s; see %s/%s.log)",
                               node->id, FL_INIT_TIMEOUT_MS,
                               node->init_id? ", init was delivered":
                               ", it never connected to the proxy",
                               self->opts.run_dir, node->id);
            return -1;
        }
        if (!node->init_id && now_ms - node->init_sent_ms >= FL_INIT_RESEND_MS)
            s_send_init (self, i, now_ms);
    }
    return 0;
}

int
lab_init (lab_t *self, char **error)
{
    assert (self);
    while (true) {
        if (lab_tick (self, clock_mono_ms (), error))
            return -1;
        bool pending = false;
        for (int i = 0; i < self->count; i++)
            pending |= self->nodes [i].init_pending;
        if (!pending)
            return 0;
        zpoller_t *poller = zpoller_new (self->harness, NULL);
        if (zpoller_wait (poller, 20))
            lab_on_message (self);
        zpoller_destroy (&poller);
    }
}

int
lab_setup (lab_t *self, json_t *body, char **error)
{
    assert (self && body);
    const char *type = json_string_value (json_object_get (body, "type"));
    assert (type);
    snprintf (self->setup_type, sizeof self->setup_type, "%s", type);
    json_decref (self->setup_body);
    self->setup_body = NULL;
    snprintf (self->setup_reply, sizeof self->setup_reply, "%s_ok", type);
    for (int i = 0; i < self->count; i++) {
        s_node_t *node = &self->nodes [i];
        zstr_free (&node->setup_error);
        node->setup_pending = true;
        node->setup_id = s_send (self, node->id, json_deep_copy (body));
    }
    self->setup_body = body;
    int64_t deadline = clock_mono_ms () + FL_SETUP_TIMEOUT_MS;
    zpoller_t *poller = zpoller_new (self->harness, NULL);
    int rc = 0;
    while (rc == 0) {
        bool pending = false;
        for (int i = 0; i < self->count && rc == 0; i++) {
            s_node_t *node = &self->nodes [i];
            pending |= node->setup_pending;
            if (node->setup_error) {
                *error = zsys_sprintf ("%s (see %s/%s.log)", node->setup_error,
                                   self->opts.run_dir, node->id);
                rc = -1;
            }
        }
        if (rc || !pending)
            break;
        if (clock_mono_ms () >= deadline) {
            for (int i = 0; i < self->count; i++)
                if (self->nodes [i].setup_pending) {
                    *error = zsys_sprintf ("node %s never answered %s within %d ms"
                                       " (FL_SETUP_TIMEOUT_MS; see %s/%s.log)",
                                       self->nodes [i].id, self->setup_type,
                                       FL_SETUP_TIMEOUT_MS, self->opts.run_dir,
                                       self->nodes [i].id);
                    break;
                }
            rc = -1;
            break;
        }
        if (lab_tick (self, clock_mono_ms (), error))
            rc = -1;
        else
        if (zpoller_wait (poller, 20))
            lab_on_message (self);
    }
    zpoller_destroy (&poller);
    return rc;
}

int
lab_leader (lab_t *self)
{
    assert (self);
    //  A Maelstrom program gets Maelstrom's messages only: no role query.
    if (self->opts.node_cmd)
        return -1;
    for (int i = 0; i < self->count; i++) {
        self->nodes [i].role_answered = false;
        if (self->nodes [i].pid > 0 && !self->nodes [i].stopped)
            s_send (self, self->nodes [i].id, json_pack ("{s:s}", "type", "role"));
    }
    int64_t deadline = clock_mono_ms () + FL_ROLE_TIMEOUT_MS;
    zpoller_t *poller = zpoller_new (self->harness, NULL);
    while (clock_mono_ms () < deadline) {
        bool all = true;
        for (int i = 0; i < self->count; i++)
            if (self->nodes [i].pid > 0 && !self->nodes [i].stopped)
                all &= self->nodes [i].role_answered;
        if (all)
            break;
        if (zpoller_wait (poller, 10))
            lab_on_message (self);
    }
    zpoller_destroy (&poller);
    int leader = 0;
    int64_t term = -1;
    bool roles = false;
    for (int i = 0; i < self->count; i++) {
        s_node_t *node = &self->nodes [i];
        roles |= node->role_answered && !streq (node->role, "none");
        if (node->role_answered && node->term > term
        &&  (streq (node->role, "leader") || streq (node->role, "primary"))) {
            leader = i + 1;
            term = node->term;
        }
    }
    return leader? leader: roles? 0: -1;
}

json_t *
lab_replicas (lab_t *self, int timeout_ms)
{
    assert (self);
    json_t *replicas = json_object ();
    if (self->opts.node_cmd)
        return replicas;
    for (int i = 0; i < self->count; i++) {
        s_node_t *node = &self->nodes [i];
        json_decref (node->replica);
        node->replica = NULL;
        node->replica_id = 0;
        if (node->pid > 0 && !node->stopped)
            node->replica_id = s_send (self, node->id, json_pack ("{s:s}", "type", "replica_read"));
    }
    int64_t deadline = clock_mono_ms () + timeout_ms;
    zpoller_t *poller = zpoller_new (self->harness, NULL);
    while (clock_mono_ms () < deadline) {
        bool waiting = false;
        for (int i = 0; i < self->count; i++)
            waiting |= self->nodes [i].replica_id != 0;
        if (!waiting)
            break;
        if (zpoller_wait (poller, 5))
            while (zsock_events (self->harness) & ZMQ_POLLIN)
                lab_on_message (self);
    }
    zpoller_destroy (&poller);
    for (int i = 0; i < self->count; i++) {
        s_node_t *node = &self->nodes [i];
        node->replica_id = 0;
        json_object_set_new (replicas, node->id, node->replica? node->replica: json_null ());
        node->replica = NULL;
    }
    return replicas;
}

int
lab_warm_up_pause_ms (int64_t start_ms, int64_t now_ms, int leader)
{
    int64_t left = start_ms + FL_WARMUP_MS - now_ms;
    if (leader != 0 || left <= 0)
        return -1;
    return left < FL_WARMUP_POLL_MS? (int) left: FL_WARMUP_POLL_MS;
}

int
lab_warm_up (lab_t *self)
{
    assert (self);
    int64_t start = clock_mono_ms ();
    int leader = lab_leader (self);
    int pause_ms;
    while ((pause_ms = lab_warm_up_pause_ms (start, clock_mono_ms (), leader)) >= 0) {
        usleep ((useconds_t) pause_ms * 1000);
        leader = lab_leader (self);
    }
    return leader;
}

json_t *
lab_stats (lab_t *self)
{
    char *error = NULL;
    json_t *reply = lab_request (self, json_pack ("{s:s}", "cmd", "stats"), &error);
    free (error);
    if (reply) {
        json_object_del (reply, "ok");
        json_object_del (reply, "cmd");
    }
    return reply;
}

//  "n1,n2|n3" -> [["n1","n2"],["n3"]]; detail "n1,n2 | n3".
static json_t *
s_groups_json (const char *groups, char *detail, size_t size)
{
    json_t *array = json_array ();
    char copy [FL_FAULT_TEXT_BYTES_MAX];
    snprintf (copy, sizeof copy, "%s", groups);
    char *save_group = NULL;
    size_t used = strlen (detail);
    for (char *group = strtok_r (copy, "|", &save_group); group;
         group = strtok_r (NULL, "|", &save_group)) {
        if (used < size) {
            int n = snprintf (detail + used, size - used, "%s%s",
                              json_array_size (array) > 0? " | ": "", group);
            used += n > 0? (size_t) n: 0;
        }
        json_t *members = json_array ();
        char *save_id = NULL;
        for (char *id = strtok_r (group, ",", &save_id); id; id = strtok_r (NULL, ",", &save_id))
            json_array_append_new (members, json_string (id));
        json_array_append_new (array, members);
    }
    return array;
}

//  One-way "n1,n2|n3": every link n1->n3, n2->n3 blocked, n3->n1, n3->n2
//  left alone. The proxy's partition cuts both ways, so this clears every
//  block (an empty partition: the new one replaces the old, as for any
//  shape) and blocks each directed link. Ids are checked before anything
//  changes.
static int
s_apply_one_way (lab_t *self, const action_t *spec, char *detail, size_t size,
                 char **error)
{
    char copy [FL_FAULT_TEXT_BYTES_MAX];
    snprintf (copy, sizeof copy, "%s", spec->groups);
    char *bar = strchr (copy, '|');
    assert (bar);
    *bar = 0;
    snprintf (detail, size, "one-way: %s -/-> %s", copy, bar + 1);
    char *ids [2][FL_NODES_MAX];
    int counts [2] = { 0, 0 };
    char *save = NULL;
    for (int side = 0; side < 2; side++)
        for (char *id = strtok_r (side? bar + 1: copy, ",", &save); id;
             id = strtok_r (NULL, ",", &save)) {
            if (s_index (self, id) < 0) {
                *error = zsys_sprintf ("no node '%s' in this lab", id);
                return -1;
            }
            assert (counts [side] < FL_NODES_MAX);
            ids [side][counts [side]++] = id;
        }
    json_t *reply = lab_request (self, json_pack ("{s:s, s:[]}", "cmd", "partition",
                                 "groups"), error);
    for (int i = 0; reply && i < counts [0]; i++)
        for (int j = 0; reply && j < counts [1]; j++) {
            json_decref (reply);
            reply = lab_request (self, json_pack ("{s:s, s:s, s:s}", "cmd", "block",
                                 "src", ids [0][i], "dest", ids [1][j]), error);
        }
    json_decref (reply);
    return reply? 0: -1;
}

static int
s_proxy (lab_t *self, json_t *request, char **error)
{
    json_t *reply = lab_request (self, request, error);
    json_decref (reply);
    return reply? 0: -1;
}

//  One side of a block-type ("*", or nodes and "clients") as ids: at most
//  FL_NODES_MAX + FL_CLIENTS_MAX of them, in ids (each FL_ID_BYTES_MAX).
static int
s_type_side (lab_t *self, const char *side, size_t side_len, char ids [][FL_ID_BYTES_MAX],
             char **error)
{
    int count = 0;
    char text [FL_FAULT_TEXT_BYTES_MAX];
    snprintf (text, sizeof text, "%.*s", (int) side_len, side);
    char *save = NULL;
    for (char *id = strtok_r (text, ",", &save); id; id = strtok_r (NULL, ",", &save)) {
        if (streq (id, "*") || streq (id, "clients")) {
            bool nodes = streq (id, "*");
            if (!nodes && self->opts.clients == 0) {
                *error = zsys_sprintf ("this lab runs no clients of its own (harness up):"
                                       " 'clients' names none; name the parties instead");
                return -1;
            }
            for (int i = 1; i <= (nodes? self->count: self->opts.clients); i++)
                snprintf (ids [count++], FL_ID_BYTES_MAX, "%c%d", nodes? 'n': 'c', i);
        }
        else
        if (s_index (self, id) < 0) {
            *error = zsys_sprintf ("no node '%s' in this lab", id);
            return -1;
        }
        else
            snprintf (ids [count++], FL_ID_BYTES_MAX, "%s", id);
    }
    return count;
}

//  The links and types a block-type names: its sides as ids (at most
//  FL_NODES_MAX + FL_CLIENTS_MAX each) and its types, split.
typedef struct {
    char (*from) [FL_ID_BYTES_MAX];
    char (*to) [FL_ID_BYTES_MAX];
    int from_count, to_count;
    char types [FL_RULE_TYPES_MAX][FL_TYPE_BYTES_MAX + 1];
    int type_count;
} s_links_t;

static void
s_links_free (s_links_t *links)
{
    free (links->from);
    free (links->to);
}

//  0, or -2 with *error (a side names no node of this lab, or clients it
//  has not: nothing was sent); free with s_links_free either way.
static int
s_links_init (lab_t *self, const action_t *spec, s_links_t *links, char **error)
{
    const char *bar = strchr (spec->groups, '|');
    assert (bar);
    memset (links, 0, sizeof *links);
    links->from = calloc (FL_NODES_MAX + FL_CLIENTS_MAX, FL_ID_BYTES_MAX);
    links->to = calloc (FL_NODES_MAX + FL_CLIENTS_MAX, FL_ID_BYTES_MAX);
    assert (links->from && links->to);
    char copy [FL_FAULT_TEXT_BYTES_MAX], *save = NULL;
    snprintf (copy, sizeof copy, "%s", spec->types);
    for (char *type = strtok_r (copy, ",", &save); type && links->type_count < FL_RULE_TYPES_MAX;
         type = strtok_r (NULL, ",", &save))
        snprintf (links->types [links->type_count++], FL_TYPE_BYTES_MAX + 1, "%s", type);
    links->from_count = s_type_side (self, spec->groups, (size_t) (bar - spec->groups),
                                     links->from, error);
    if (links->from_count < 0)
        return -2;
    links->to_count = s_type_side (self, bar + 1, strlen (bar + 1), links->to, error);
    return links->to_count < 0? -2: 0;
}

//  The key of one type blocked on one link in the lab's book.
static void
s_link_key (char *key, size_t size, const char *src, const char *dest, const char *type)
{
    snprintf (key, size, "%s\x1f%s\x1f%s", src, dest, type);
}

#define S_LINK_KEY_BYTES    (2 * FL_ID_BYTES_MAX + FL_TYPE_BYTES_MAX + 3)

bool
lab_types_held (lab_t *self, const action_t *spec)
{
    assert (self && spec);
    s_links_t links;
    char *error = NULL;
    bool held = false;
    if (s_links_init (self, spec, &links, &error) == 0)
        for (int i = 0; !held && i < links.from_count; i++)
            for (int j = 0; !held && j < links.to_count; j++)
                for (int t = 0; !held && t < links.type_count; t++) {
                    char key [S_LINK_KEY_BYTES];
                    s_link_key (key, sizeof key, links.from [i], links.to [j], links.types [t]);
                    held = zhashx_lookup (self->type_blocks, key) != NULL;
                }
    free (error);
    s_links_free (&links);
    return held;
}

//  A block of types the proxy would refuse (its registry, FL_PROXY_TYPES_MAX,
//  would overflow) is refused here before anything is sent: 0, or -2 with
//  *error.
static int
s_types_fit (lab_t *self, const s_links_t *links, char **error)
{
    size_t fresh = 0;
    for (int t = 0; t < links->type_count; t++)
        fresh += zhashx_lookup (self->type_names, links->types [t]) == NULL;
    if (zhashx_size (self->type_names) + fresh <= FL_PROXY_TYPES_MAX)
        return 0;
    *error = zsys_sprintf ("this lab has blocked %zu distinct message types, and %zu more"
                           " would pass the proxy's %d (FL_PROXY_TYPES_MAX)",
                           zhashx_size (self->type_names), fresh, FL_PROXY_TYPES_MAX);
    return -2;
}

//  block-type / unblock-type: one block (or unblock) naming the types per
//  link from a FROM party to a TO party (exact ids), and the lab's book of
//  (link, type) in force kept in step with what the proxy took, so that
//  overlapping and partial unblocks are told apart (lab_types_held).
static int
s_apply_block_type (lab_t *self, action_t *spec, char *detail, size_t size, char **error)
{
    bool block = spec->kind == ACTION_BLOCK_TYPE;
    const char *bar = strchr (spec->groups, '|');
    assert (bar);
    s_links_t links;
    int rc = s_links_init (self, spec, &links, error);
    if (rc == 0 && block)
        rc = s_types_fit (self, &links, error);
    snprintf (detail, size, "%s%s: %.*s %s %s", block? "": "unblocked ", spec->types,
              (int) (bar - spec->groups), spec->groups, block? "-/->": "->", bar + 1);
    json_t *types = json_array ();
    for (int t = 0; t < links.type_count; t++)
        json_array_append_new (types, json_string (links.types [t]));
    for (int i = 0; rc == 0 && i < links.from_count; i++)
        for (int j = 0; rc == 0 && j < links.to_count; j++) {
            if (streq (links.from [i], links.to [j]))
                continue;
            rc = s_proxy (self, json_pack ("{s:s, s:s, s:s, s:O}", "cmd", block? "block": "unblock",
                          "src", links.from [i], "dest", links.to [j], "types", types), error);
            for (int t = 0; rc == 0 && t < links.type_count; t++) {
                char key [S_LINK_KEY_BYTES];
                s_link_key (key, sizeof key, links.from [i], links.to [j], links.types [t]);
                if (block) {
                    zhashx_update (self->type_blocks, key, (void *) 1);
                    zhashx_update (self->type_names, links.types [t], (void *) 1);
                }
                else
                    zhashx_delete (self->type_blocks, key);
            }
        }
    json_decref (types);
    s_links_free (&links);
    return rc;
}

//  isolate-leader: ask the nodes for their role (or draw one from the
//  seed, saying why), and resolve spec's groups to isolate it.
static void
s_isolate_leader (lab_t *self, action_t *spec, rng_t *rng, char *detail, size_t size)
{
    int leader = lab_leader (self);
    if (leader < 0 && self->opts.node_cmd) {
        leader = (int) rng_range (rng, 1, self->count);
        snprintf (detail, size, "n%d, drawn from the seed (a --node program cannot say its"
                  " role: Maelstrom has no such message): ", leader);
        char *note = zsys_sprintf ("isolate-leader: a --node program cannot say its role"
                               " (Maelstrom has no such message); isolated n%d instead,"
                               " drawn from the seed", leader);
        json_array_append_new (self->notes, json_string (note));
        free (note);
    }
    else
    if (leader < 0) {
        //  No role but "none": the nodes answered, and none of them leads
        //  (lww, quorum, crdt); or no node answered in time.
        bool answered = false;
        for (int i = 0; i < self->count; i++)
            answered |= self->nodes [i].role_answered;
        leader = (int) rng_range (rng, 1, self->count);
        if (answered)
            snprintf (detail, size, "n%d, drawn from the seed (no node leads: every role"
                      " is 'none'): ", leader);
        else
            snprintf (detail, size, "n%d, drawn from the seed (no node reported a role"
                      " within %d ms, FL_ROLE_TIMEOUT_MS): ", leader, FL_ROLE_TIMEOUT_MS);
    }
    else
    if (leader == 0) {
        leader = (int) rng_range (rng, 1, self->count);
        snprintf (detail, size, "n%d, drawn from the seed (no node leads now): ", leader);
    }
    else
        snprintf (detail, size, "leader n%d: ", leader);
    char node [FL_ID_BYTES_MAX];
    snprintf (node, sizeof node, "n%d", leader);
    snprintf (spec->node, sizeof spec->node, "%s", node);
    schedule_partition_groups (ACTION_SHAPE_ISOLATE, node, self->count, rng,
                               spec->groups, sizeof spec->groups);
}

static int
s_apply_partition (lab_t *self, action_t *spec, rng_t *rng, char *detail,
                   size_t size, char **error)
{
    if (spec->shape == ACTION_SHAPE_ONE_WAY)
        return s_apply_one_way (self, spec, detail, size, error);
    if (spec->shape == ACTION_SHAPE_ISOLATE_LEADER)
        s_isolate_leader (self, spec, rng, detail, size);
    else {
        char text [64];
        action_format (spec, text, sizeof text);
        snprintf (detail, size, "%s: ", spec->shape == ACTION_SHAPE_GROUPS? "groups": text + 10);
    }
    json_t *groups = s_groups_json (spec->groups, detail, size);
    json_t *reply = lab_request (self, json_pack ("{s:s, s:o}", "cmd", "partition",
                                 "groups", groups), error);
    json_decref (reply);
    return reply? 0: -1;
}


//  Before a killed node starts again: wait until the proxy no longer
//  holds a pipe for its id, at most FL_SHUTDOWN_GRACE_MS. The proxy's
//  ROUTER refuses a second connection with a live id (no handover), and
//  until it notices the old one died it routes the new init into the dead
//  pipe, where it is lost without a bounce. A probe from c0 to the id that
//  comes back as error 1 "node not found" says the pipe is gone; no
//  program is running under that id to receive a probe that gets through.
static void
s_await_gone (lab_t *self, s_node_t *node)
{
    int64_t deadline = clock_mono_ms () + FL_SHUTDOWN_GRACE_MS;
    zpoller_t *poller = zpoller_new (self->harness, NULL);
    node->probe_bounced = false;
    while (!node->probe_bounced && clock_mono_ms () < deadline) {
        node->probe_id = s_send (self, node->id, json_pack ("{s:s}", "type", "lab_gone_probe"));
        int64_t until = clock_mono_ms () + 20;
        while (!node->probe_bounced && clock_mono_ms () < until)
            if (zpoller_wait (poller, 5))
                lab_on_message (self);
    }
    zpoller_destroy (&poller);
    node->probe_id = 0;
}

//  Clock skew: our nodes read time through the node library, which the
//  clock_skew message shifts; a --node program gets no private message, so
//  its clock is shifted by libfaketime, through the file its bridge
//  started it with (common/faketime.h).
static int
s_apply_skew (lab_t *self, s_node_t *node, int ms, char *detail, size_t size, char **error)
{
    if (self->opts.node_cmd && !self->opts.faketime) {
        *error = zsys_sprintf ("cannot shift %s's clock: this lab's --node programs run without"
                           " libfaketime (a scenario with clock-skew steps or kinds starts"
                           " them under it, and so does ./harness up --faketime)", node->id);
        return -2;                      //  refused: nothing changed
    }
    if (self->opts.node_cmd) {
        char path [4096];
        snprintf (path, sizeof path, "%s/%s.faketime", self->opts.run_dir, node->id);
        if (faketime_write (path, ms)) {
            *error = zsys_sprintf ("cannot shift %s's clock: cannot write '%s': %s", node->id,
                               path, strerror (errno));
            return -1;
        }
        snprintf (detail, size, "%s %+d ms (libfaketime)", node->id, ms);
    }
    else {
        s_send (self, node->id, json_pack ("{s:s, s:i}", "type", "clock_skew", "offset_ms", ms));
        snprintf (detail, size, "%s %+d ms", node->id, ms);
    }
    node->skew_ms = ms;
    node->skew_ever |= ms != 0;
    return 0;
}

//  A real database's process faults act on node K's server (its shim
//  keeps answering for it): kill/restart (data kept, the first start's
//  argv), stop/cont and pause/resume by signals, clock skew through
//  libfaketime where the server reads time through libc (else 1: not
//  applied, as lab_apply returns).
static int
s_apply_database (lab_t *self, action_t *spec, s_node_t *node, int k, char *detail,
                  size_t size, char **error)
{
    const char *name = database_name (self->db);
    switch (spec->kind) {
        case ACTION_KILL:
            dbproc_kill (self->servers, k);
            node->killed = true;
            node->stopped = false;
            snprintf (detail, size, "%s's %s (SIGKILL)", node->id, name);
            return 0;
        case ACTION_RESTART:
            node->killed = false;
            snprintf (detail, size, "%s's %s (data kept)", node->id, name);
            return dbproc_restart (self->servers, k, error);
        case ACTION_STOP: case ACTION_PAUSE:
            dbproc_stop (self->servers, k, true);
            node->stopped = spec->kind == ACTION_STOP;
            snprintf (detail, size, "%s's %s (SIGSTOP)", node->id, name);
            return 0;
        case ACTION_CONT: case ACTION_RESUME:
            dbproc_stop (self->servers, k, false);
            node->stopped = false;
            snprintf (detail, size, "%s's %s (SIGCONT)", node->id, name);
            return 0;
        default:
            assert (spec->kind == ACTION_CLOCK_SKEW);
            if (!database_faketime (self->db) || !dbproc_skews (self->servers)) {
                snprintf (detail, size, "%s %+d ms: not applied (%s %s; see the notes)",
                          node->id, spec->ms, name, !database_faketime (self->db)
                          ? "does not read time through libc": "runs without libfaketime");
                return 1;               //  not applied: lab_apply says so
            }
            if (dbproc_skew (self->servers, k, spec->ms, error))
                return -1;
            snprintf (detail, size, "%s's %s %+d ms (libfaketime)", node->id, name, spec->ms);
            node->skew_ms = spec->ms;
            node->skew_ever |= spec->ms != 0;
            return 0;
    }
}

//  Process faults: kill/restart, stop/cont; clock-skew.
static int
s_apply_process (lab_t *self, action_t *spec, char *detail, size_t size, char **error)
{
    int index = s_index (self, spec->node);
    if (index < 0) {
        *error = zsys_sprintf ("no node '%s' in this lab", spec->node);
        return -1;
    }
    s_node_t *node = &self->nodes [index];
    if (self->db)
        return s_apply_database (self, spec, node, index + 1, detail, size, error);
    snprintf (detail, size, "%s", node->id);
    switch (spec->kind) {
        case ACTION_KILL:
            snprintf (detail, size, "%s (%s)", node->id,
                      node->pid > 0? "SIGKILL": "not running: nothing to kill");
            if (node->pid <= 0)
                return 1;       //  nothing happened: the kill in force stays
            //  A --node program's process group first: stopped with its
            //  bridge, it would not see its stdin close, and linger
            s_signal_children (node->pid, SIGKILL, true);
            kill (node->pid, SIGKILL);
            s_reap (node->pid, clock_mono_ms () + FL_SHUTDOWN_GRACE_MS);
            node->pid = 0;
            node->killed = true;
            node->stopped = false;
            return 0;
        case ACTION_RESTART:
            if (node->pid > 0) {
                snprintf (detail, size, "%s (running: nothing to restart)", node->id);
                return 1;
            }
            s_await_gone (self, node);
            if (s_start_node (self, index)) {
                *error = zsys_sprintf ("cannot restart node %s: %s", node->id, strerror (errno));
                return -1;
            }
            return 0;
        case ACTION_STOP:
            snprintf (detail, size, "%s (%s)", node->id,
                      node->pid > 0? "SIGSTOP": "not running: nothing to stop");
            if (node->pid <= 0)
                return 1;
            if (s_signal_node (node->pid, SIGSTOP) == 0)
                node->stopped = true;
            return 0;
        case ACTION_CONT:
            if (node->pid <= 0 || !node->stopped) {
                snprintf (detail, size, "%s (%s)", node->id, node->pid <= 0?
                          "not running: nothing to continue": "not stopped: nothing to continue");
                return 1;
            }
            s_signal_node (node->pid, SIGCONT);
            node->stopped = false;
            //  Time a stopped node spent waiting for init does not count.
            node->init_since_ms = clock_mono_ms ();
            return 0;
        default:
            assert (spec->kind == ACTION_CLOCK_SKEW);
            return s_apply_skew (self, node, spec->ms, detail, size, error);
    }
}

//  A real database: network faults go to the IP plane (the proxy only
//  carries client<->shim traffic), process faults to its servers.
static int
s_apply_plane (lab_t *self, action_t *spec, rng_t *rng, char *detail, size_t size,
               char **error)
{
    switch (spec->kind) {
        case ACTION_PARTITION:
            if (spec->shape != ACTION_SHAPE_ONE_WAY) {
                //  Resolve isolate-leader and word the detail as for the proxy.
                if (spec->shape == ACTION_SHAPE_ISOLATE_LEADER)
                    s_isolate_leader (self, spec, rng, detail, size);
                else {
                    char text [64];
                    action_format (spec, text, sizeof text);
                    snprintf (detail, size, "%s: ", spec->shape == ACTION_SHAPE_GROUPS? "groups":
                              text + 10);
                }
                json_decref (s_groups_json (spec->groups, detail, size));
            }
            else {
                const char *bar = strchr (spec->groups, '|');
                snprintf (detail, size, "one-way: %.*s -/-> %s", bar? (int) (bar - spec->groups): 0,
                          spec->groups, bar? bar + 1: spec->groups);
            }
            return netplane_apply (self->plane, spec, detail, size, error);
        case ACTION_HEAL: case ACTION_DROP: case ACTION_DUPLICATE: case ACTION_REORDER:
        case ACTION_DELAY:
            return netplane_apply (self->plane, spec, detail, size, error);
        case ACTION_BLOCK_TYPE: case ACTION_UNBLOCK_TYPE:
            *error = zsys_sprintf ("%s: system %s's faults are IP-level: its plane sees"
                                   " packets, not message types", action_name (spec),
                                   self->opts.system);
            return -1;
        default:
            return s_apply_process (self, spec, detail, size, error);
    }
}

//  A paused node's init waits in the proxy with everything else it is sent
//  (a node restarted while paused): the wait for its init_ok starts over at
//  resume, as at SIGCONT, instead of ending the lab.
static void
s_pause_mark (s_node_t *node, bool paused)
{
    if (node->paused && !paused)
        node->init_since_ms = clock_mono_ms ();
    node->paused = paused;
}

int
lab_apply (lab_t *self, action_t *spec, rng_t *rng, char *detail,
           size_t size, char **error)
{
    assert (self && spec && detail);
    *detail = 0;
    if (self->db)
        return s_apply_plane (self, spec, rng, detail, size, error);
    switch (spec->kind) {
        case ACTION_PARTITION:
            return s_apply_partition (self, spec, rng, detail, size, error);
        case ACTION_BLOCK_TYPE: case ACTION_UNBLOCK_TYPE:
            return s_apply_block_type (self, spec, detail, size, error);
        case ACTION_HEAL:
            zhashx_purge (self->type_blocks);
            for (int i = 0; i < self->count; i++)
                s_pause_mark (&self->nodes [i], false);
            return s_proxy (self, json_pack ("{s:s}", "cmd", "heal"), error);
        case ACTION_DROP:
            snprintf (detail, size, "p=%g", spec->p);
            return s_proxy (self, json_pack ("{s:s, s:f}", "cmd", "drop", "p", spec->p), error);
        case ACTION_DUPLICATE:
            snprintf (detail, size, "p=%g", spec->p);
            return s_proxy (self, json_pack ("{s:s, s:f}", "cmd", "duplicate", "p", spec->p), error);
        case ACTION_REORDER:
            snprintf (detail, size, "p=%g", spec->p);
            return s_proxy (self, json_pack ("{s:s, s:f}", "cmd", "reorder", "p", spec->p), error);
        case ACTION_DELAY:
            snprintf (detail, size, "%d ms +- %d", spec->ms, spec->jitter_ms);
            return s_proxy (self, json_pack ("{s:s, s:i, s:i}", "cmd", "delay", "ms", spec->ms,
                            "jitter_ms", spec->jitter_ms), error);
        case ACTION_PAUSE: case ACTION_RESUME: {
            snprintf (detail, size, "%s", spec->node);
            int index = s_index (self, spec->node);
            if (spec->kind == ACTION_RESUME && index >= 0 && !self->nodes [index].paused) {
                snprintf (detail, size, "%s (not paused: nothing to resume)", spec->node);
                return 1;
            }
            int rc = s_proxy (self, json_pack ("{s:s, s:s}", "cmd",
                              spec->kind == ACTION_PAUSE? "pause": "resume", "node", spec->node),
                              error);
            if (rc == 0 && index >= 0)
                s_pause_mark (&self->nodes [index], spec->kind == ACTION_PAUSE);
            return rc;
        }
        default:
            return s_apply_process (self, spec, detail, size, error);
    }
}

json_t *
lab_log_cut_json (lab_t *self)
{
    assert (self);
    json_t *cut = json_object ();
    for (int i = 0; self->logs && i < self->count; i++)
        if (nodelog_cut (self->logs, i) > 0)
            json_object_set_new (cut, self->nodes [i].id,
                                 json_integer (nodelog_cut (self->logs, i)));
    return cut;
}

json_t *
lab_notes (lab_t *self)
{
    assert (self);
    return self->notes;
}

json_t *
lab_skew_json (lab_t *self)
{
    assert (self);
    json_t *skews = json_object ();
    for (int i = 0; i < self->count; i++) {
        s_node_t *node = &self->nodes [i];
        if (node->skew_ever)
            json_object_set_new (skews, node->id, json_pack ("{s:i, s:s}", "offset_ms",
                node->skew_ms, "via", self->opts.node_cmd || self->db? "libfaketime": "node library"));
    }
    return skews;
}

const char *
lab_system_workload (const char *system)
{
    if (!system)
        return NULL;
    if (database_find (system))
        return database_workloads (database_find (system));
    if (streq (system, "raft") || streq (system, "lww"))
        return "lin-kv, txn-list-append, txn-rw-register";
    if (streq (system, "primary") || streq (system, "quorum"))
        return "lin-kv";
    if (streq (system, "crdt"))
        return "g-set, g-counter, pn-counter";
    if (streq (system, "echo"))
        return "echo";
    return NULL;
}

bool
lab_system_is_database (const char *system)
{
    return system && database_find (system);
}

int
lab_check_plane (const char *bin_dir, char **error)
{
    return netplane_check (bin_dir, error);
}

int
lab_sweep (FILE *out)
{
    return netplane_sweep (out);
}

int
lab_private (int *status)
{
    return netplane_private (status);
}

bool
lab_system_speaks (const char *system, const char *workload)
{
    const char *speaks = lab_system_workload (system);
    if (!speaks)
        return true;
    size_t len = strlen (workload);
    for (const char *at = speaks; (at = strstr (at, workload)); at += len)
        if ((at == speaks || at [-1] == ' ') && (at [len] == ',' || at [len] == 0))
            return true;
    return false;
}

const char *
lab_system_bugs (const char *system)
{
    static const struct { const char *system, *bugs; } table [] = {
        { "raft", "stale-read, commit-old-term, double-vote, ack-before-fsync, no-prev-check" },
        { "primary", "eager-promote" },
        { "quorum", "read-r-minus-1, repair-overwrites" },
        { "lww", "wall-clock" },
        { "crdt", "merge-last" },
    };
    for (size_t i = 0; system && i < sizeof table / sizeof table [0]; i++)
        if (streq (table [i].system, system))
            return table [i].bugs;
    return "";
}

bool
lab_system_has_bug (const char *system, const char *bug)
{
    const char *bugs = lab_system_bugs (system);
    size_t len = strlen (bug);
    for (const char *at = bugs; len && (at = strstr (at, bug)); at += len)
        if ((at == bugs || at [-1] == ' ') && (at [len] == ',' || at [len] == 0))
            return true;
    return false;
}
