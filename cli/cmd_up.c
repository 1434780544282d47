/*  cmd_up.c -- ./harness up [--system S | --node 'CMD'] [--nodes N] [--seed N] [--store DIR]
                             [--transport ipc|tcp]

    A lab that stays up for exploring by hand: the proxy and N nodes of a
    system, initialised, with no clients and no schedule. It writes
    .faultlab/up.json (or $FAULTLAB_UP) saying where the lab is:

        {"pid": 1234, "system": "raft", "nodes": 5, "seed": 42,
         "net": "ipc:///tmp/faultlab-x/net", "proxy": "ipc:///tmp/faultlab-x/ctl",
         "control": "ipc:///tmp/faultlab-up-y/ctl", "run_dir": "store/up/raft/..."}

    Your own clients connect a DEALER to "net" (routing id "c1"...). Faults
    go through `./harness fault ...`, which sends {"cmd":"fault","args":
    "partition halves"} to "control": this process applies it with the same
    code as a scenario run (so kill/restart/stop/cont/clock-skew and
    isolate-leader work too) and records it in RUN_DIR/faults.jsonl.
    {"cmd":"state"} answers the faults in force. Ctrl-C stops everything
    and removes up.json. A second `up` while up.json names a live pid is
    refused (69); a file whose pid is gone is replaced.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <unistd.h>
#include <assert.h>
#include <czmq.h>
#include "commands.h"
#include "lab/lab.h"
#include "lab/nemesis.h"
#include "lab/history.h"
#include "lab/ipcdir.h"
#include "scenario/schedule.h"
#include "scenario/config.h"
#include "lab/store.h"
#include "home.h"
#include "options.h"
#include "prologue.h"
#include "workload/workload.h"
#include "clock.h"
#include "number.h"

#define UP_STREAM 0xb10000ULL

typedef struct {
    const char *system;
    const char *node_cmd;       // --node 'CMD': the stdio system bridging CMD
    const char *workload;       // --workload: its setup (broadcast's topology) is sent
    bool system_given;
    const char *store;
    int nodes;
    uint64_t seed;
    bool tcp;
    bool faketime;              // --faketime: --node programs under libfaketime
    const char *config;         // --config K=V,...: checked against --nodes
    scenario_t *params;         // its items as params (scenario/config.h), or NULL
} s_args_t;

const char cmd_up_usage [] = "up [--system S | --node 'CMD ARGS'] [--workload W] [--nodes N] [--seed N] [--store DIR]"
                            " [--transport ipc|tcp] [--config K=V[,K=V...]] [--faketime]";

static int
s_usage (const char *problem)
{
    return options_usage ("up", cmd_up_usage, problem);
}

//  One option's value; 0, or the usage status with the reason said.
static int
s_option (int option, const char *value, void *arg)
{
    s_args_t *args = arg;
    char problem [128];
    switch (option) {
        case 's':
            if (!*value)
                return s_usage ("--system needs a name");
            //  node-stdio needs the program it bridges, which only
            //  `run --node` passes: its nodes would exit 64 at once.
            if (streq (value, "stdio"))
                return s_usage ("--system stdio needs --node 'CMD ARGS' (give --node alone)");
            if (args->node_cmd)
                return s_usage ("--system and --node exclude each other");
            args->system = value;
            args->system_given = true;
            return 0;
        case 'w':
            if (!workload_lookup (value)) {
                char names [512], text [640];
                snprintf (text, sizeof text, "no workload '%.32s' (%s)", value,
                          workload_names (names, sizeof names));
                return s_usage (text);
            }
            args->workload = value;
            return 0;
        case 'N':
            if (args->system_given)
                return s_usage ("--system and --node exclude each other");
            if (!*value || value [strspn (value, " \t")] == 0)
                return s_usage ("--node needs a command ('python3 my_node.py')");
            args->node_cmd = value;
            args->system = "stdio";
            return 0;
        case 'd':
            if (!*value)
                return s_usage ("--store needs a directory (an empty one would write in /)");
            args->store = value;
            return 0;
        case 'n': {
            //  Digits only: strtol took " 3" and "+3".
            uint64_t nodes = 0;
            if (number_parse_whole (value, FL_NODES_MAX, &nodes) || nodes < 1) {
                snprintf (problem, sizeof problem, "--nodes '%s' is not a whole number in 1..%d",
                          value, FL_NODES_MAX);
                return s_usage (problem);
            }
            args->nodes = (int) nodes;
            return 0;
        }
        case 'S':
            if (options_seed (value, &args->seed, problem, sizeof problem))
                return s_usage (problem);
            return 0;
        case 'T':
            if (!streq (value, "ipc") && !streq (value, "tcp"))
                return s_usage ("--transport is ipc or tcp");
            args->tcp = streq (value, "tcp");
            return 0;
        case 'c':
            if (args->config)
                return s_usage ("--config may be given once (K=V,K=V sets several)");
            args->config = value;
            return 0;
        case 'F':
            args->faketime = true;
            return 0;
        default:
            return s_usage (NULL);
    }
}

static int
s_parse (int argc, char **argv, s_args_t *args)
{
    static struct option options [] = {
        { "system", required_argument, 0, 's' }, { "nodes", required_argument, 0, 'n' },
        { "seed", required_argument, 0, 'S' }, { "store", required_argument, 0, 'd' },
        { "transport", required_argument, 0, 'T' }, { "help", no_argument, 0, 'h' },
        { "node", required_argument, 0, 'N' }, { "workload", required_argument, 0, 'w' },
        { "config", required_argument, 0, 'c' }, { "faketime", no_argument, 0, 'F' },
        { 0, 0, 0, 0 }
    };
    *args = (s_args_t) { .system = "raft", .store = "store", .nodes = 5,
                         .seed = (uint64_t) clock_wall_ms () % 1000000 };
    int rc = options_parse ("up", cmd_up_usage, argc, argv, options, "c", s_option, args);
    if (rc)
        return rc;
    if (optind != argc) {
        char problem [128];
        snprintf (problem, sizeof problem, "unexpected '%s' (up takes options only)", argv [optind]);
        return s_usage (problem);
    }
    //  After every option: w and r are checked against --nodes, wherever
    //  it was given. The items live as a bare scenario's params.
    if (args->config) {
        args->params = calloc (1, sizeof *args->params);
        assert (args->params);
        args->params->nodes = args->nodes;
        char *error = NULL;
        if (config_apply_to (args->params, args->config, "the lab's", &error)) {
            rc = s_usage (error? error: "--config: bad value");
            free (error);
            scenario_destroy (&args->params);
            return rc;
        }
    }
    return 0;
}

//  Another `up` whose up.json is still there: if its pid is alive, this one
//  must not take the file (the first lab would be lost to `fault`); a file
//  left by a lab that died is removed. 0, or FL_EXIT_UNAVAILABLE (said here).
static int
s_claim_up_file (void)
{
    const char *path = home_up_file ();
    json_t *up = json_load_file (path, 0, NULL);
    if (!up)
        return 0;
    json_t *pid_json = json_object_get (up, "pid");
    pid_t pid = json_is_integer (pid_json)? (pid_t) json_integer_value (pid_json): 0;
    json_decref (up);
    if (pid > 0 && pid != getpid () && (kill (pid, 0) == 0 || errno == EPERM)) {
        fprintf (stderr, "harness up: a lab is already up (pid %d, in %s): stop it first,"
                 " or set FAULTLAB_UP to another file\n", (int) pid, path);
        return FL_EXIT_UNAVAILABLE;
    }
    unlink (path);
    return 0;
}

//  Remove up.json only if it is still ours.
static void
s_remove_up_file (void)
{
    json_t *up = json_load_file (home_up_file (), 0, NULL);
    if (up && json_integer_value (json_object_get (up, "pid")) == getpid ())
        unlink (home_up_file ());
    json_decref (up);
}

static int
s_write_up_file (const s_args_t *args, lab_t *lab, const char *control, const char *run_dir)
{
    const char *path = home_up_file ();
    char *dir = strdup (path);
    char *slash = strrchr (dir, '/');
    if (slash) {
        *slash = 0;
        store_mkdirs (dir);
    }
    free (dir);
    json_t *up = json_pack ("{s:i, s:s, s:i, s:I, s:s, s:s, s:s, s:s}", "pid", (int) getpid (),
        "system", args->system, "nodes", args->nodes, "seed", (json_int_t) args->seed,
        "net", lab_net (lab), "proxy", lab_control (lab), "control", control, "run_dir", run_dir);
    int rc = json_dump_file (up, path, JSON_INDENT (2));
    json_decref (up);
    return rc;
}

//  One request from `./harness fault`. Returns the reply (new reference).
static json_t *
s_handle (json_t *request, nemesis_t *nemesis, int nodes, rng_t *rng, int64_t t0_ns)
{
    const char *cmd = json_string_value (json_object_get (request, "cmd"));
    char in_force [1024];
    if (cmd && streq (cmd, "state")) {
        nemesis_describe (nemesis, in_force, sizeof in_force);
        return json_pack ("{s:b, s:s}", "ok", 1, "in_force", in_force);
    }
    const char *text = json_string_value (json_object_get (request, "args"));
    if (!cmd || !streq (cmd, "fault") || !text)
        return json_pack ("{s:b, s:s}", "ok", 0, "error", "expected {\"cmd\":\"fault\",\"args\":TEXT} or {\"cmd\":\"state\"}");
    action_t spec;
    char *error = NULL;
    char detail [FL_FAULT_TEXT_BYTES_MAX];
    //  "refused": the fault was a bad input (cmd_fault exits 64), not a
    //  lab that failed.
    int rc = action_parse (&spec, text, nodes, &error)? -2: 0;
    if (rc == 0) {
        schedule_resolve (&spec, nodes, rng);
        rc = nemesis_apply (nemesis, &spec, clock_mono_ns () - t0_ns, detail, sizeof detail, &error);
        if (rc == 0) {
            nemesis_describe (nemesis, in_force, sizeof in_force);
            return json_pack ("{s:b, s:s, s:s}", "ok", 1, "detail", detail, "in_force", in_force);
        }
    }
    json_t *reply = json_pack ("{s:b, s:s, s:b}", "ok", 0, "error", error? error: "failed",
                               "refused", rc == -2);
    free (error);
    return reply;
}

//  A lab that stays up: what cmd_up starts, serves and stops.
typedef struct {
    s_args_t args;
    volatile sig_atomic_t *interrupted;     // prologue.h
    char *home;
    char *run_dir;
    lab_t *lab;
    history_t *history;
    zsock_t *control;                       // REP: ./harness fault's requests
    char ipc [32];                          // the control endpoint's directory
    char control_ep [128];
    bool made_ipc;
    int64_t t0_ns;
} s_up_t;

static int
s_serve (s_up_t *self, nemesis_t *nemesis)
{
    rng_t rng;
    rng_init_stream (&rng, self->args.seed, UP_STREAM);
    zpoller_t *poller = zpoller_new (self->control, lab_socket (self->lab), NULL);
    int status = 0;
    while (!*self->interrupted) {
        void *which = zpoller_wait (poller, 100);
        if (which == self->control) {
            char *text = zstr_recv (self->control);
            json_t *request = text? json_loads (text, 0, NULL): NULL;
            json_t *reply = s_handle (request, nemesis, self->args.nodes, &rng, self->t0_ns);
            char *answer = json_dumps (reply, JSON_COMPACT);
            zstr_send (self->control, answer);
            printf ("fault %s -> %s\n", text? text: "?", answer);
            fflush (stdout);
            free (answer);
            json_decref (reply);
            json_decref (request);
            zstr_free (&text);
        }
        else
        if (which == lab_socket (self->lab))
            lab_on_message (self->lab);
        char *error = NULL;
        if (lab_tick (self->lab, clock_mono_ms (), &error)) {
            fprintf (stderr, "harness up: %s\n", error);
            free (error);
            status = FL_EXIT_SOFTWARE;
            break;
        }
    }
    zpoller_destroy (&poller);
    return status;
}

//  A request the lab's nodes answer, for the "poke a node" line: one of
//  the workload's (--workload, else the system's first), since a node in
//  Maelstrom's idiom raises on a type it does not know and the lab ends.
static const char *
s_poke_body (const s_args_t *args)
{
    static const struct { const char *workload, *body; } bodies [] = {
        { "echo", "{\"type\":\"echo\",\"echo\":\"hi\"}" },
        { "unique-ids", "{\"type\":\"generate\"}" },
        { "broadcast", "{\"type\":\"read\"}" },
        { "g-set", "{\"type\":\"read\"}" },
        { "g-counter", "{\"type\":\"read\"}" },
        { "pn-counter", "{\"type\":\"read\"}" },
        { "lin-kv", "{\"type\":\"read\",\"key\":0}" },
        { "txn-list-append", "{\"type\":\"txn\",\"txn\":[[\"r\",0,null]]}" },
        { "txn-rw-register", "{\"type\":\"txn\",\"txn\":[[\"r\",0,null]]}" },
        { "kafka", "{\"type\":\"list_committed_offsets\",\"keys\":[\"0\"]}" } };
    const char *speaks = args->workload? args->workload
                       : args->node_cmd? NULL: lab_system_workload (args->system);
    for (size_t i = 0; speaks && i < sizeof bodies / sizeof bodies [0]; i++) {
        size_t len = strlen (bodies [i].workload);
        if (strncmp (speaks, bodies [i].workload, len) == 0 && (!speaks [len] || speaks [len] == ','))
            return bodies [i].body;
    }
    return args->node_cmd? "{\"type\":\"read\"}": "{\"type\":\"echo\",\"echo\":\"hi\"}";
}

//  Programs, run directory, the lab answering init, the control endpoint,
//  the history and up.json. Returns 0, or the exit status with *error set.
static int
s_up_start (s_up_t *self, char **error)
{
    const workload_t *wanted = self->args.workload? workload_lookup (self->args.workload): NULL;
    const char *speaks = lab_system_workload (self->args.node_cmd? NULL: self->args.system);
    if (wanted && speaks && !lab_system_speaks (self->args.system, wanted->name)) {
        if (asprintf (error, "system %s speaks the %s workload only, not %s", self->args.system,
                      speaks, wanted->name) < 0)
            *error = NULL;
        return FL_EXIT_USAGE;
    }
    if (self->args.node_cmd && lab_check_node_syntax (self->args.node_cmd, error))
        return FL_EXIT_USAGE;
    lab_opts_t check = { .system = self->args.system, .node_cmd = self->args.node_cmd,
                         .bin_dir = self->home };
    if (lab_check_programs (&check, error))
        return FL_EXIT_UNAVAILABLE;
    self->run_dir = store_run_dir (self->args.store, "up", self->args.system, error);
    if (!self->run_dir)
        return FL_EXIT_SOFTWARE;
    self->t0_ns = clock_mono_ns ();
    lab_opts_t opts = { .system = self->args.system, .node_cmd = self->args.node_cmd,
                        .bin_dir = self->home, .faketime = self->args.faketime,
                        .run_dir = self->run_dir, .nodes = self->args.nodes,
                        .seed = self->args.seed, .t0_ns = self->t0_ns, .tcp = self->args.tcp,
                        .workload = self->args.workload,
                        .params = self->args.params? self->args.params->params: NULL,
                        .params_count = self->args.params? self->args.params->params_count: 0 };
    int status = 0;
    self->lab = lab_new (&opts, error, &status);
    if (!self->lab)
        return status? status: FL_EXIT_SOFTWARE;
    if (lab_init (self->lab, error))
        return FL_EXIT_SOFTWARE;
    const workload_t *workload = self->args.workload? workload_lookup (self->args.workload): NULL;
    if (workload && workload->topology
    &&  lab_setup (self->lab, json_pack ("{s:s, s:o}", "type", "topology", "topology",
                   workload_topology ("grid", self->args.nodes)), error))
        return FL_EXIT_SOFTWARE;
    self->made_ipc = ipcdir_make ("/tmp/faultlab-up", self->ipc, sizeof self->ipc) >= 0;
    if (self->made_ipc) {
        snprintf (self->control_ep, sizeof self->control_ep, "ipc://%s/ctl", self->ipc);
        self->control = zsock_new_rep (self->control_ep);
        self->history = history_new (self->run_dir, error);
    }
    if (!self->control || !self->history
    ||  s_write_up_file (&self->args, self->lab, self->control_ep, self->run_dir)) {
        if (!*error && asprintf (error, "cannot set up the control endpoint or %s",
                                 home_up_file ()) < 0)
            *error = NULL;
        return FL_EXIT_SOFTWARE;
    }
    return 0;
}

static void
s_up_stop (s_up_t *self)
{
    zsock_destroy (&self->control);
    if (self->made_ipc)
        ipcdir_remove (self->ipc);
    history_destroy (&self->history);
    json_t *cut = self->lab? lab_log_cut_json (self->lab): NULL;
    const char *node;
    json_t *bytes;
    json_object_foreach (cut, node, bytes)
        fprintf (stderr, "harness up: %s's log reached FL_NODE_LOG_BYTES_MAX (%lld bytes);"
                 " %lld bytes more of its output were cut\n", node,
                 (long long) FL_NODE_LOG_BYTES_MAX, (long long) json_integer_value (bytes));
    json_decref (cut);
    lab_destroy (&self->lab);
    free (self->home);
    free (self->run_dir);
}

int
cmd_up (int argc, char **argv)
{
    s_up_t self = { .control = NULL };
    int status = s_parse (argc, argv, &self.args);
    if (status)
        return status < 0? FL_EXIT_OK: status;
    self.interrupted = prologue_start ();
    if (s_claim_up_file ())
        return FL_EXIT_UNAVAILABLE;
    self.home = home_dir ();
    char *error = NULL;
    status = s_up_start (&self, &error);
    if (!status) {
        printf ("lab up: %s, %d node%s, seed %" PRIu64 "\n  net      %s\n  proxy    %s\n"
                "  control  %s (in %s)\n  logs     %s\n"
                "try: ./harness fault partition halves; ./harness fault heal; Ctrl-C stops\n"
                "poke a node: bin/proxy --send %s --as c1 --to n1 '%s'%s\n",
                self.args.node_cmd? self.args.node_cmd: self.args.system, self.args.nodes,
                self.args.nodes == 1? "": "s", self.args.seed, lab_net (self.lab), lab_control (self.lab), self.control_ep,
                home_up_file (), self.run_dir, lab_net (self.lab), s_poke_body (&self.args),
                self.args.workload || !self.args.node_cmd? "": " (a request of your node's"
                " workload: give --workload W for one)");
        fflush (stdout);
        nemesis_t *nemesis = nemesis_new (self.lab, self.history, self.args.seed);
        status = s_serve (&self, nemesis);
        nemesis_destroy (&nemesis);
        s_remove_up_file ();
    }
    else
        fprintf (stderr, "harness up: %s\n", error? error: "failed");
    free (error);
    s_up_stop (&self);
    scenario_destroy (&self.args.params);
    return status;
}
