/*  raft.h -- the Raft lin-kv server of bin/node-raft: roles, RPCs, client
    requests, batching, group commit. See docs/raft.md for the design.

    Module nodes/raft/ is a library (build/libraft.a: raft, core, rlog,
    kv) linked by its program (main.c, bin/node-raft) and by its tests
    (tests/unit/node_raft_*.c), which call these headers only. It owns
    Raft's state and rules: the durable term, vote and log (rlog.h), the
    rules as pure functions (core.h), the replicated map (kv.h) and this
    server that drives them. It depends on the node library (nodes/lib/node.h)
    for its socket, clock and timers and on common/ (limits) — never on the
    harness or the proxy: faults reach it only as messages that are late,
    lost or duplicated, and as kills and restarts.

    raft_new registers every handler and the init hook on a node; after
    node_run returns, raft_failed tells whether the node stopped because
    its disk failed (the process should then exit non-zero).
*/
#ifndef FL_RAFT_H_INCLUDED
#define FL_RAFT_H_INCLUDED

#include <stdbool.h>
#include "nodes/lib/node.h"

typedef struct _raft_t raft_t;

//  Open the durable state (under node_data_dir, or in memory when there is
//  none) and register the handlers on node. Returns NULL after logging why,
//  with *usage_p true for a bad --param, false when the data directory
//  cannot be opened.
raft_t *raft_new (node_t *node, bool *usage_p);

//  Free the server (the node is not touched). Accepts NULL.
void raft_destroy (raft_t **self_p);

//  True when the node stopped on a disk error.
bool raft_failed (raft_t *self);

#endif
