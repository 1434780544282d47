/*  netplane.h -- the IP-level fault plane of a real-database run: a hub
    network namespace and one per node, their links, the nftables table
    and bin/netqueue that put faults in force, and the private PID and
    mount namespace that make all of it vanish with the harness.

    Layout (docs/real-databases.md): node K's namespace has one link
    "eth0" with 10.91.0.K/32 and a route to 10.91.0.0/24 through the hub
    (10.91.0.254); the hub has the other end "vK" of every link and
    forwards between them, so every node-to-node packet crosses the hub's
    forward hook, where netrules.h's table and the NFQUEUE rule see it.
    Traffic from a node to its own address (a shim to its own member)
    stays inside the node's namespace and is never faulted. No namespace
    has a route out: the addresses exist only there.

    netplane_private is called once at the start of a run that has a
    database system: the harness unshares a mount and a PID namespace and
    forks; the child becomes pid 1 of the new PID namespace (with
    PR_SET_PDEATHSIG SIGKILL) and runs the run; /run/netns is a tmpfs of
    the private mount namespace, so every namespace the run names is
    known only to it. When the harness dies, even by SIGKILL, pid 1 dies,
    the kernel kills everything in its PID namespace, and the network
    namespaces go with their last process and mount.
*/
#ifndef FL_NETPLANE_H_INCLUDED
#define FL_NETPLANE_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "scenario/action.h"

typedef struct _netplane_t netplane_t;

//  Can this process build a plane? Checks root, the ip, nft and iptables
//  programs, BIN_DIR/bin/netqueue, and that a child can unshare network,
//  mount and PID namespaces and run nft in a fresh network namespace.
//  0, or the exit status (FL_EXIT_NOPERM not root, FL_EXIT_UNAVAILABLE
//  otherwise) with *error (malloc'd) naming what is missing.
int netplane_check (const char *bin_dir, char **error);

//  Enter the private mount and PID namespaces (see above). Returns 1 in
//  the child, which goes on with the run; 0 in the parent once the child
//  is gone, with *status its exit status (128 + N when a signal N ended
//  it; SIGINT, SIGTERM and SIGHUP sent to the parent are passed on);
//  -1 with errno when the namespaces cannot be made (nothing forked).
int netplane_private (int *status);

//  Is this process the private namespaces' pid 1 (netplane_private)?
bool netplane_is_private (void);

//  Build the plane for NODES nodes: namespaces, links, routes, the
//  table, bin/netqueue (its stderr to RUN_DIR/netqueue.log). NULL with
//  *error (malloc'd) naming the command that failed and what it said;
//  what was made is removed again.
netplane_t *netplane_new (int nodes, const char *bin_dir, const char *run_dir,
                          uint64_t seed, char **error);

//  Remove the namespaces (after the processes in them are gone) and
//  stop bin/netqueue. Accepts NULL; nulls the pointer.
void netplane_destroy (netplane_t **self_p);

//  Node K's (1-based) namespace, open, for setns (CLONE_NEWNET) in a
//  child before it execs; and the nodes' addresses ("10.91.0.K"), as
//  database.h wants them.
int netplane_netns (netplane_t *self, int k);
const char *const *netplane_addrs (netplane_t *self);

//  Put a network fault in force: partition (groups resolved), heal,
//  drop, duplicate, delay, reorder. Writes what it did to DETAIL. 0, or
//  -1 with *error. Other kinds are not the plane's (assert).
int netplane_apply (netplane_t *self, const action_t *spec, char *detail,
                    size_t size, char **error);

//  What ./harness sweep removes: stale ipc directories (lab/ipcdir.h),
//  and named network namespaces fl-PID-* in /run/netns whose PID is
//  dead. One line per thing removed goes to OUT. Returns how many.
int netplane_sweep (FILE *out);

#endif
