/*  lab.h -- one running lab: the proxy, N node processes, Maelstrom's
    services (bin/lab-services), and the harness's own party "c0" plus a
    control client for the proxy.

    c0 sends every node Maelstrom's init once per start (again only if the
    proxy says it could not route it), and the workload's setup (broadcast's
    topology). Our own systems also get the lab's private messages "role"
    (isolate-leader) and "clock_skew"; a --node program never does: it gets
    only Maelstrom's messages, its clock is shifted through libfaketime,
    and isolate-leader picks a node from the seed and says so (lab_notes).

    Processes are children of the harness in its process group, each with
    PR_SET_PDEATHSIG SIGKILL, so nothing outlives the harness. What the
    nodes start themselves re-parents to the harness once it called
    lab_become_subreaper, and lab_destroy kills it too. Endpoints are
    ipc:// under a private mkdtemp directory that records the harness's
    pid, so that a later lab sweeps it if the harness was killed
    (lab/ipcdir.h), or with tcp the
    tcp://127.0.0.1 ports the proxy bound. Node stdout and stderr go to
    RUN_DIR/nK.log (appended across restarts, capped at
    FL_NODE_LOG_BYTES_MAX: lab/nodelog.h), the proxy's stderr to
    RUN_DIR/proxy.log, its trace to RUN_DIR/messages.jsonl.

    Operating errors (a missing binary, a node that never answers init, a
    node or the proxy dying) are returned with a message naming the node and
    the exit status the harness should use (69 missing program, 70 otherwise).
*/
#ifndef FL_LAB_H_INCLUDED
#define FL_LAB_H_INCLUDED

#include <stdint.h>
#include <stdbool.h>
#include <czmq.h>
#include <jansson.h>
#include "rng.h"
#include "scenario/action.h"

typedef struct {
    const char *system;         // "raft": runs BIN_DIR/bin/node-raft
    const char *node_cmd;       // --node 'CMD': runs bin/node-stdio -- CMD
    const char *bin_dir;        // directory holding bin/
    const char *run_dir;        // logs, trace and node data go here
    int nodes;
    int clients;                // c1..cN: who "clients" names in a block-type
    uint64_t seed;              // proxy and node seeds derive from it
    int64_t t0_ns;              // run start, CLOCK_MONOTONIC
    char *const *params;        // "K=V" passed as --param to every node
    size_t params_count;
    const char *workload;       // our own systems get --param workload=NAME
                                // (crdt picks its type by it); a --node
                                // program gets Maelstrom's arguments only
    bool faketime;              // --node programs start under libfaketime, so
                                // that clock-skew reaches them (only when
                                // asked: libfaketime 0.9.10 hangs Python's
                                // timed waits, threading.Timer and Event.wait)
    bool tcp;                   // --transport tcp: the proxy binds
                                // tcp://127.0.0.1:* (ephemeral ports) and
                                // nodes and clients get what it resolved
} lab_opts_t;

typedef struct _lab_t lab_t;

//  The workloads our own system SYSTEM speaks, as "lin-kv" (raft, primary,
//  lww, quorum), "g-set, g-counter, pn-counter" (crdt) or "echo", or NULL
//  when any may be tried (stdio, or a system the lab does not know). A run
//  of another is refused up front (lab_system_speaks). The first one named
//  is the system's default (./harness up).
const char *lab_system_workload (const char *system);
bool lab_system_speaks (const char *system, const char *workload);

//  Is SYSTEM a real database (lab/database.h: etcd, redis), run on the
//  IP-level fault plane (lab/netplane.h) rather than our own nodes?
bool lab_system_is_database (const char *system);

//  Can real databases run here: root, ip, nft, iptables, bin/netqueue,
//  namespaces? 0, or the exit status (77 not root, 69 missing) with
//  *error (malloc'd) naming what is missing. Checked before anything
//  starts.
int lab_check_plane (const char *bin_dir, char **error);

//  Enter the private PID and mount namespaces a real-database run needs
//  (netplane_private): 1 in the child, which runs the run; 0 in the
//  parent once it ended, with *status to exit with; -1 with errno.
int lab_private (int *status);

//  ./harness sweep: remove stale ipc directories and fl-* network
//  namespaces of dead harnesses (netplane_sweep), one line each to OUT.
//  Returns how many.
int lab_sweep (FILE *out);

//  The bugs our own system SYSTEM can switch on with --param bug=NAME
//  (docs/bugs.md), as "stale-read, double-vote, ..." ("" when it has none);
//  the nodes keep the same list and refuse any other name (exit 64).
//  lab_system_has_bug: is BUG one of them?
const char *lab_system_bugs (const char *system);
bool lab_system_has_bug (const char *system, const char *bug);

//  Can the nodes of opts be run (bin/node-SYSTEM, or node-stdio and the
//  --node command)? 0, or -1 with *error (malloc'd) saying what is missing
//  (status 69). Checked before a run directory is made.
int lab_check_programs (const lab_opts_t *opts, char **error);

//  Can sh read --node CMD (sh -n: a quote never closed, a dangling &&)?
//  0, or -1 with *error (malloc'd) quoting sh (a usage error, 64). Checked
//  before lab_check_programs, which looks for the line's program only.
int lab_check_node_syntax (const char *cmd, char **error);

//  Start the proxy and the nodes (not yet initialised). NULL on failure,
//  with *error (malloc'd) and *status (69 or 70) set; everything started
//  is stopped again.
lab_t *lab_new (const lab_opts_t *opts, char **error, int *status);

//  Make this process a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so
//  that a node's own children re-parent to it when the node dies, and
//  lab_destroy can kill them. Called once at the start of run, up, matrix.
void lab_become_subreaper (void);

//  Stop every process (SIGTERM, then SIGKILL after FL_SHUTDOWN_GRACE_MS),
//  then, in a subreaper, every orphan left (a node's own children); remove
//  the ipc directory. Accepts NULL; nulls the pointer.
void lab_destroy (lab_t **self_p);

//  Send init to every node and wait until all answered init_ok, at most
//  FL_INIT_TIMEOUT_MS. 0, or -1 with *error naming the node(s) (status 70).
int lab_init (lab_t *self, char **error);

//  Send BODY (taken; a workload's setup, e.g. broadcast's topology) from
//  c0 to every node and wait until each answered TYPE_ok, at most
//  FL_SETUP_TIMEOUT_MS. 0, or -1 with *error naming the node and what it
//  answered (Maelstrom aborts the test too).
int lab_setup (lab_t *self, json_t *body, char **error);

//  The proxy's net endpoint (clients connect here) and control endpoint.
const char *lab_net (lab_t *self);
const char *lab_control (lab_t *self);
int lab_nodes (lab_t *self);

//  One control request to the proxy. Takes request; returns the reply (new
//  reference) or NULL with *error set when the proxy is silent for
//  FL_CONTROL_TIMEOUT_MS or answers ok:false.
json_t *lab_request (lab_t *self, json_t *request, char **error);

//  The harness party's socket, to poll; call lab_on_message when readable.
zsock_t *lab_socket (lab_t *self);
void lab_on_message (lab_t *self);

//  Periodic work: re-send init to restarted nodes until they answer, drain
//  the proxy's stdout, notice processes that died. Returns 0, or -1 with
//  *error naming the node or proxy that died (or never answered init).
int lab_tick (lab_t *self, int64_t now_ms, char **error);

//  Apply one fault action (partition, heal, drop, ..., kill, restart, stop,
//  cont, clock-skew). The action must be resolved (no "random"), except
//  isolate-leader, which asks the nodes for their role here. Writes a
//  human description ("halves: n1,n2 | n3,n4,n5") to detail. 0, or 1 when
//  it took no effect and detail says why (a clock skew on a database that
//  libfaketime cannot reach: "not applied"), or -1 with *error, or -2 with
//  *error when the action was refused before anything changed (a
//  block-type naming clients this lab has not, or more message types than
//  the proxy can know: a bad input, not a broken lab).
int lab_apply (lab_t *self, action_t *spec, rng_t *rng, char *detail,
               size_t detail_size, char **error);

//  Does the proxy still hold blocked, as far as this lab sent it, any type
//  on any link that spec (a block-type or unblock-type) names? The lab
//  keeps a book of (link, type) per block-type, unblock-type and heal, so
//  overlapping, partial and reordered unblocks are all told apart.
bool lab_types_held (lab_t *self, const action_t *spec);

//  The highest-term node reporting role "leader" or "primary" (1-based
//  index); 0 if nodes report roles but none leads; -1 if no node reports a
//  role at all (a system without leaders, or nodes that do not answer
//  "role" within FL_ROLE_TIMEOUT_MS).
int lab_leader (lab_t *self);

//  Wait until some node reports it leads, at most FL_WARMUP_MS, so that
//  the load does not start into an election. Returns at once for systems
//  that report no roles. Returns the leader (as lab_leader).
int lab_warm_up (lab_t *self);

//  What each replica holds, read directly: sends our own systems' private
//  {"type":"replica_read"} to every running node and waits at most
//  timeout_ms for the answers {"type":"replica_read_ok","state":[[KEY,
//  VALUE],...]} (KEY null for a workload without keys: g-set's set, a
//  counter's value; an item may add what the node applied to KEY, in
//  order, [KEY, VALUE, [V, ...](, TRIMMED)], as the Redis shim does:
//  analysis/convergence.h). Each state is passed on unchanged.
//  Returns a new object {"n1": state, ...} with null for
//  a node that is down, paused, did not answer in time or answered
//  something else; an empty object for a --node program (Maelstrom has no
//  such message: its final reads stand in, analysis/convergence.h).
json_t *lab_replicas (lab_t *self, int timeout_ms);

//  lab_warm_up's decision, pure: started at start_ms, it is now now_ms and
//  the last lab_leader answered leader. Returns -1 when the wait is over
//  (a leader, a system without roles, or FL_WARMUP_MS passed), else the ms
//  to sleep before asking again: FL_WARMUP_POLL_MS, or less so that the
//  wait ends at FL_WARMUP_MS.
int lab_warm_up_pause_ms (int64_t start_ms, int64_t now_ms, int leader);

//  Which nodes are killed / stopped right now (for the final heal).
bool lab_node_killed (lab_t *self, int index);
bool lab_node_stopped (lab_t *self, int index);
int lab_node_skew (lab_t *self, int index);

//  What the lab could not do as asked, one text per case (isolate-leader
//  on nodes that cannot say their role, and what it isolated instead).
//  Borrowed; lives as long as the lab.
json_t *lab_notes (lab_t *self);

//  Bytes of each node's output cut from its log past FL_NODE_LOG_BYTES_MAX
//  (nodelog.h), as {"n2": 1048576}: only the nodes that had some cut, so
//  usually {}. The caller owns it.
json_t *lab_log_cut_json (lab_t *self);

//  The nodes a clock-skew action reached: {"n2":{"offset_ms":500,"via":
//  "libfaketime"|"node library"}} with the offset in force now (new
//  reference). libfaketime shifts programs that read the clock through
//  libc; a static or Go binary does not see it.
json_t *lab_skew_json (lab_t *self);

//  The proxy's stats reply (links, totals) or NULL.
json_t *lab_stats (lab_t *self);

#endif
