/*  netrules.h -- the IP-level fault plane's rules as data, and the nft
    script and bin/netqueue line that put them in force: pure functions,
    no processes (lab/netplane.c runs what these write).

    The hub namespace forwards every node-to-node packet (routed /32
    links, docs/real-databases.md). Its nftables table `ip fl` holds ONE
    set `cut` of (saddr . daddr) pairs: a partition of any shape is the
    set's new contents, written by one `nft -f` script that flushes and
    refills it, so it changes in one transaction (never half a
    partition). The same script rewrites the chain: the cut rule first,
    then drop (numgen random mod 100 < P) and duplicate (dup to the
    destination through its link). Delay, jitter and reorder go through
    NFQUEUE to bin/netqueue, told by one line ("set MS JITTER P").
*/
#ifndef FL_NETRULES_H_INCLUDED
#define FL_NETRULES_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include "limits.h"
#include "scenario/action.h"

#define NETRULES_TABLE   "fl"           // table ip fl in the hub (ip, not inet: dup needs it)
#define NETRULES_HUB_ADDR "10.91.0.254" // the hub's address on every link

typedef struct {
    int nodes;
    bool cut [FL_NODES_MAX][FL_NODES_MAX];  // [i][j]: n(i+1)'s packets to n(j+1) dropped
    double drop_p;                          // every forwarded packet
    double duplicate_p;
    int delay_ms, jitter_ms;                // bin/netqueue
    double reorder_p;
} netrules_t;

//  No fault on NODES nodes.
void netrules_init (netrules_t *self, int nodes);

//  Node K's (1-based) namespace address "10.91.0.K"; its hub-side link
//  "vK"; the node side is always "eth0".
void netrules_addr (int k, char *buf, size_t size);
void netrules_link (int k, char *buf, size_t size);

//  A resolved partition (groups "n1,n2|n3,n4,n5", overlapping groups for
//  bridge and ring; one-way "FROM|TO") replaces the cut: a link a->b is
//  cut when a and b are both named and no group holds both (the proxy's
//  rule, proxy/control.c); one-way cuts FROM->TO only. Names that are not
//  nodes of this plane (Maelstrom's services) are refused. 0, or -1 with
//  *error (malloc'd) naming the id.
int netrules_partition (netrules_t *self, const action_t *spec, char **error);

//  Heal: no cut, drop, duplicate, delay or reorder.
void netrules_heal (netrules_t *self);

//  How many directed links are cut.
int netrules_cut_count (const netrules_t *self);

//  The script that creates the table, its set and chain (priority -10:
//  before iptables-nft's FORWARD chain, where NFQUEUE sits). Malloc'd.
char *netrules_setup_script (void);

//  The script that puts SELF in force in one transaction: flush and fill
//  the set, flush and refill the chain. Malloc'd.
char *netrules_script (const netrules_t *self);

//  Percent for numgen (P in (0,1] -> 1..100; 0 -> 0).
int netrules_percent (double p);

//  Does SELF need NFQUEUE (delay, jitter or reorder)?
bool netrules_queues (const netrules_t *self);

//  bin/netqueue's line for SELF: "set DELAY_MS JITTER_MS REORDER_P\n".
void netrules_queue_line (const netrules_t *self, char *buf, size_t size);

#endif
