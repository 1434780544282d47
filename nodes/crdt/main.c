/*  main.c -- bin/node-crdt, an AP store of state-based CRDTs replicated by
    gossip (docs/nodes.md, "bin/node-crdt").

    Every node answers every request at once from its own replica
    (store.h), asking no one, so it answers in any partition; what it
    acknowledged is in its state, and a state only grows by joins, so no
    acknowledged update is ever lost once the node's state has reached
    the others. Every FL_CRDT_GOSSIP_MS a node whose state changed through
    a client sends its whole state to every peer as one crdt_gossip; every
    FL_CRDT_ANTI_ENTROPY_MS it sends it even unchanged, so a peer cut off
    by a partition catches up within a second of the heal. A peer joins
    what it receives (store_merge); the join is idempotent, so duplicated,
    reordered or old gossip does no harm.

    --param workload=g-set (default) | g-counter | pn-counter picks the
    unkeyed CRDT; keyed requests (with "key") are or-sets and
    lww-registers in any workload. replica_read (the lab's) gets the
    replica's state at once. There is no leader: the role stays "none".
    --param gossip=false sends no gossip at all: the replicas never meet,
    which is the lab's negative control (tests/chaos_crdt.t: set-full must
    then find the other sides' adds lost).

    Kept in memory only: a node killed before its last update's gossip
    went out loses that update (its --data directory is not used).
*/
#include <czmq.h>
#include "limits.h"
#include "exits.h"
#include "nodes/lib/node.h"
#include "store.h"

typedef struct {
    node_t *node;
    crdt_kind_t kind;
    store_t *store;             //  made at init, when the id is sure
    bool changed;               //  a client update since the last gossip
    int64_t full_ms;            //  when the last gossip went out
} crdt_node_t;

static void
s_on_init (node_t *node, void *arg)
{
    crdt_node_t *self = (crdt_node_t *) arg;
    if (!self->store)
        self->store = store_new (self->kind, node_id (node), node_wall_ms (node));
    node_log (node, "replica %s of a %s, %zu nodes", store_replica_id (self->store),
              crdt_kind_name (self->kind), node_count (node));
}

static void
s_on_client (node_t *node, const char *src, json_t *body, void *arg)
{
    crdt_node_t *self = (crdt_node_t *) arg;
    if (!self->store) {
        node_reply_error (node, src, body, NODE_ERR_TEMPORARILY_UNAVAILABLE,
                          "not initialized yet");
        return;
    }
    bool changed = false;
    json_t *reply = store_request (self->store, body, node_wall_ms (node), &changed);
    self->changed |= changed;
    node_reply (node, src, body, reply);
}

static void
s_on_gossip (node_t *node, const char *src, json_t *body, void *arg)
{
    crdt_node_t *self = (crdt_node_t *) arg;
    char err [CRDT_ERR_BYTES];
    if (self->store && store_merge (self->store, body, node_wall_ms (node), err))
        node_log (node, "refused a crdt_gossip from '%s': %s", src, err);
}

static void
s_on_replica_read (node_t *node, const char *src, json_t *body, void *arg)
{
    crdt_node_t *self = (crdt_node_t *) arg;
    if (!self->store) {
        node_reply_error (node, src, body, NODE_ERR_TEMPORARILY_UNAVAILABLE,
                          "not initialized yet");
        return;
    }
    node_reply (node, src, body, json_pack ("{s:s, s:o}", "type", "replica_read_ok",
                "state", store_replica (self->store)));
}

//  The whole state to every peer when a client changed it, or when the
//  anti-entropy period has passed.
static void
s_on_gossip_timer (node_t *node, void *arg)
{
    crdt_node_t *self = (crdt_node_t *) arg;
    int64_t now_ms = node_now_ms (node);
    if (!self->store || (!self->changed && now_ms - self->full_ms < FL_CRDT_ANTI_ENTROPY_MS))
        return;
    json_t *gossip = store_gossip (self->store);
    for (size_t index = 0; index < node_count (node); index++) {
        const char *peer = node_ids (node, index);
        if (!streq (peer, node_id (node)))
            node_send (node, peer, json_copy (gossip));     //  shallow: msg_id is its own
    }
    json_decref (gossip);
    self->changed = false;
    self->full_ms = now_ms;
}

int
main (int argc, char **argv)
{
    node_t *node = node_new (argc, argv);
    if (!node)
        return FL_EXIT_USAGE;
    static const char *const bugs [] = { "merge-last", NULL };
    int bug = node_bug (node, "crdt", bugs);
    if (bug == -2) {
        node_destroy (&node);
        return FL_EXIT_USAGE;
    }
    crdt_bug_merge_last (bug == 0);
    crdt_node_t self = { .node = node, .kind = CRDT_GSET };
    const char *workload = node_param (node, "workload");
    if (workload && (crdt_kind_parse (workload, &self.kind) || self.kind > CRDT_PNCOUNTER)) {
        fprintf (stderr, "node-crdt: workload '%s' is not g-set, g-counter or pn-counter\n",
                 workload);
        node_destroy (&node);
        return FL_EXIT_USAGE;
    }
    node_on_init (node, s_on_init, &self);
    node_on (node, "add", s_on_client, &self);
    node_on (node, "remove", s_on_client, &self);
    node_on (node, "read", s_on_client, &self);
    node_on (node, "write", s_on_client, &self);
    node_on (node, "crdt_gossip", s_on_gossip, &self);
    node_on (node, "replica_read", s_on_replica_read, &self);
    const char *gossip = node_param (node, "gossip");
    if (gossip && !streq (gossip, "true") && !streq (gossip, "false")) {
        fprintf (stderr, "node-crdt: gossip '%s' is not true or false\n", gossip);
        node_destroy (&node);
        return FL_EXIT_USAGE;
    }
    if (!gossip || streq (gossip, "true"))
        node_every (node, FL_CRDT_GOSSIP_MS, s_on_gossip_timer, &self);
    int rc = node_run (node);
    store_destroy (&self.store);
    node_destroy (&node);
    return rc? FL_EXIT_SOFTWARE: FL_EXIT_OK;
}
