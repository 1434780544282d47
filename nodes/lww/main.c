/*  main.c -- bin/node-lww, an AP lin-kv store: local writes, asynchronous
    gossip, anti-entropy, last-write-wins by hybrid clock and node id.

    The design that Dynamo-style stores without consensus share, built so
    the lab can measure it (DESIGN.md section 4: AP / EL):
    - Every client request (read, write, cas; Maelstrom lin-kv bodies) is
      answered at once from this node's replica (store.h), asking no one.
      A write or cas takes a fresh version from the node's hybrid logical
      clock (node_wall_ms as physical time, so the harness's clock_skew
      moves it) and is acknowledged before any other node knows of it;
      cas compares the local value only. So the node answers under any
      partition (available) and answers fast (low latency), and other
      nodes read stale values meanwhile.
    - Every LWW_GOSSIP_MS the entries changed since the last round
      (written here or won in a merge) go to every peer, fire-and-forget,
      FL_LWW_GOSSIP_ENTRIES_MAX per message. Lost gossip is not resent.
    - Every LWW_ENTROPY_MS the whole replica goes to one peer drawn from
      node_random: that repairs what gossip lost to drops and partitions,
      so replicas converge after a heal.
    - Merging keeps the greater version (store_merge). When the winner's
      writer had not seen a write this node acknowledged, that write is
      lost, and the node says so in its log:
          lww: key "x": kept n2's [1700000000123,0] over our [1699999995120,3]
      Under clock skew the loser can be the later write in real time.
    - replica_read (the lab's, docs/nodes.md) is answered from the replica.
    - txn (txn-list-append, txn-rw-register) is per-key operations on the
      same replica with no isolation: each micro-op in turn, a read from
      the local value (null when absent), a write as a lin-kv write, an
      append as a write of the local list plus the element. Concurrent
      appends on two nodes are two versions of the whole list and the
      later clock wins, so elements vanish and txns see each other's
      halves: the lab's Elle check must find the anomalies.
    No role: the node reports "none". No parameters besides the lab's
    workload=: lin-kv, txn-list-append or txn-rw-register. State is in memory: a killed node
    comes back empty and refills by gossip and anti-entropy; writes no
    other node had received are gone.
*/
#include <czmq.h>
#include "limits.h"
#include "exits.h"
#include "nodes/lib/node.h"
#include "store.h"

#define LWW_GOSSIP_MS       50      //  deltas to every peer
#define LWW_ENTROPY_MS      500     //  the whole replica to one random peer

typedef struct {
    node_t *node;
    store_t *store;             //  from init on (needs the node's id)
    bool wall_clock;            //  bug wall-clock (docs/bugs.md)
} lww_t;

//  Send each chunk of entries to peer as a message of type.
static void
s_send_chunks (lww_t *self, const char *peer, const char *type, json_t *chunks)
{
    size_t index;
    json_t *chunk;
    json_array_foreach (chunks, index, chunk)
        node_send (self->node, peer, json_pack ("{s:s, s:O}", "type", type,
                                                "entries", chunk));
}

static void
s_on_gossip (node_t *node, void *arg)
{
    lww_t *self = (lww_t *) arg;
    json_t *chunks = store_delta (self->store, FL_LWW_GOSSIP_ENTRIES_MAX);
    if (json_array_size (chunks))
        for (size_t index = 0; index < node_count (node); index++) {
            const char *peer = node_ids (node, index);
            if (!streq (peer, node_id (node)))
                s_send_chunks (self, peer, "gossip", chunks);
        }
    json_decref (chunks);
}

static void
s_on_entropy (node_t *node, void *arg)
{
    lww_t *self = (lww_t *) arg;
    size_t count = node_count (node);
    if (count < 2 || store_size (self->store) == 0)
        return;
    //  The k-th of the other nodes, k drawn from the node's stream.
    size_t pick = (size_t) (node_random (node) % (count - 1));
    const char *peer = NULL;
    for (size_t index = 0; index < count && !peer; index++)
        if (!streq (node_ids (node, index), node_id (node)) && pick-- == 0)
            peer = node_ids (node, index);
    if (!peer)
        return;                         //  we are not in node_ids: nobody to ask
    json_t *chunks = store_snapshot (self->store, FL_LWW_GOSSIP_ENTRIES_MAX);
    s_send_chunks (self, peer, "anti_entropy", chunks);
    json_decref (chunks);
}

//  gossip and anti_entropy {entries: [...]}: merge each entry.
static void
s_on_entries (node_t *node, const char *src, json_t *body, void *arg)
{
    lww_t *self = (lww_t *) arg;
    json_t *entries = json_object_get (body, "entries");
    const char *type = json_string_value (json_object_get (body, "type"));
    if (!self->store) {                 //  a restarted node, before its init
        node_debug (node, "lww: dropped a %s from '%s': not initialized yet", type, src);
        return;
    }
    if (!json_is_array (entries) || json_array_size (entries) > FL_LWW_GOSSIP_ENTRIES_MAX) {
        node_log (node, "lww: dropped a %s from '%s': entries is not an array of at most"
                  " FL_LWW_GOSSIP_ENTRIES_MAX (%d)", type, src, FL_LWW_GOSSIP_ENTRIES_MAX);
        return;
    }
    size_t index, bad = 0;
    json_t *entry;
    int64_t now_ms = node_wall_ms (node);
    json_array_foreach (entries, index, entry) {
        store_loss_t loss;
        if (store_merge (self->store, entry, now_ms, &loss) == STORE_MERGE_BAD)
            bad++;
        if (loss.lost)
            node_log (node, "lww: key %s: kept %s's [%lld,%lld] over our [%lld,%lld]",
                      loss.key, loss.theirs.node, (long long) loss.theirs.stamp.wall,
                      (long long) loss.theirs.stamp.logical,
                      (long long) loss.ours.stamp.wall, (long long) loss.ours.stamp.logical);
    }
    if (bad)
        node_log (node, "lww: dropped %zu of %zu entries from '%s': malformed, past"
                  " FL_LWW_ENTRY_BYTES_MAX, or a new key past FL_LWW_KEYS_MAX"
                  " (%zu refused so far)", bad, json_array_size (entries), src,
                  store_refused (self->store));
}

static void
s_on_client (node_t *node, const char *src, json_t *body, void *arg)
{
    lww_t *self = (lww_t *) arg;
    if (!self->store)
        node_reply_error (node, src, body, NODE_ERR_TEMPORARILY_UNAVAILABLE,
                          "not initialized yet");
    else
        node_reply (node, src, body, store_request (self->store, body, node_wall_ms (node)));
}

//  One micro-op [f, key, value] of a txn against the replica: the
//  micro-op as returned (a read filled in), or NULL with *error set (a
//  new reply body) when the store refused a write.
static json_t *
s_txn_mop (lww_t *self, json_t *mop, int64_t now_ms, json_t **error)
{
    const char *f = json_string_value (json_array_get (mop, 0));
    json_t *key = json_array_get (mop, 1), *value = json_array_get (mop, 2);
    json_t *read = json_pack ("{s:s, s:O}", "type", "read", "key", key);
    json_t *got = store_request (self->store, read, now_ms);
    json_decref (read);
    json_t *current = json_object_get (got, "value");
    json_t *out = NULL;
    if (streq (f, "r"))
        out = json_pack ("[s, O, O]", f, key, current? current: json_null ());
    else {
        json_t *written = json_incref (value);
        if (streq (f, "append")) {
            json_decref (written);
            written = json_is_array (current)? json_deep_copy (current): json_array ();
            json_array_append (written, value);
        }
        json_t *write = json_pack ("{s:s, s:O, s:o}", "type", "write", "key", key,
                                   "value", written);
        json_t *reply = store_request (self->store, write, now_ms);
        json_decref (write);
        if (streq (json_string_value (json_object_get (reply, "type")), "write_ok"))
            out = json_pack ("[s, O, O]", f, key, value);
        else
            *error = json_incref (reply);
        json_decref (reply);
    }
    json_decref (got);
    return out;
}

//  txn {txn: [[f, key, value]...]}: each micro-op in turn, no isolation.
//  A write the store refuses (a limit) ends the txn with error 13,
//  indefinite: the micro-ops before it stay applied.
static void
s_on_txn (node_t *node, const char *src, json_t *body, void *arg)
{
    lww_t *self = (lww_t *) arg;
    json_t *txn = json_object_get (body, "txn");
    if (!self->store) {
        node_reply_error (node, src, body, NODE_ERR_TEMPORARILY_UNAVAILABLE, "not initialized yet");
        return;
    }
    if (!json_is_array (txn)) {
        node_reply_error (node, src, body, NODE_ERR_MALFORMED_REQUEST, "txn is not an array");
        return;
    }
    size_t index;
    json_t *mop;
    json_array_foreach (txn, index, mop) {
        const char *f = json_string_value (json_array_get (mop, 0));
        if (json_array_size (mop) != 3 || !f || (!streq (f, "r") && !streq (f, "w")
                                                 && !streq (f, "append"))) {
            node_reply_error (node, src, body, NODE_ERR_MALFORMED_REQUEST,
                              "txn needs [[f, key, value], ...], f r, w or append");
            return;
        }
    }
    json_t *out = json_array ();
    int64_t now_ms = node_wall_ms (node);
    json_array_foreach (txn, index, mop) {
        json_t *error = NULL;
        json_t *done = s_txn_mop (self, mop, now_ms, &error);
        if (!done) {
            node_log (node, "lww: txn cut short at micro-op %zu: %s", index,
                      json_string_value (json_object_get (error, "text")));
            json_decref (error);
            json_decref (out);
            node_reply_error (node, src, body, NODE_ERR_CRASH, "a write was refused mid-txn");
            return;
        }
        json_array_append_new (out, done);
    }
    node_reply (node, src, body, json_pack ("{s:s, s:o}", "type", "txn_ok", "txn", out));
}

//  The lab's replica_read: the local state, asking no one.
static void
s_on_replica_read (node_t *node, const char *src, json_t *body, void *arg)
{
    lww_t *self = (lww_t *) arg;
    json_t *state = self->store? store_state (self->store): json_array ();
    node_reply (node, src, body, json_pack ("{s:s, s:o}", "type", "replica_read_ok",
                                            "state", state));
}

static void
s_on_init (node_t *node, void *arg)
{
    lww_t *self = (lww_t *) arg;
    self->store = store_new (node_id (node));
    store_wall_clock (self->store, self->wall_clock);
    if (node_every (node, LWW_GOSSIP_MS, s_on_gossip, self) < 0
    ||  node_every (node, LWW_ENTROPY_MS, s_on_entropy, self) < 0) {
        node_log (node, "lww: cannot start the gossip timers (FL_TIMERS_MAX)");
        node_stop (node);
    }
}

int
main (int argc, char **argv)
{
    node_t *node = node_new (argc, argv);
    if (!node)
        return FL_EXIT_USAGE;
    const char *workload = node_param (node, "workload");
    if (workload && !streq (workload, "lin-kv") && !streq (workload, "txn-list-append")
    &&  !streq (workload, "txn-rw-register")) {
        fprintf (stderr, "node-lww: --param workload=%s: lww speaks lin-kv, txn-list-append"
                 " and txn-rw-register only\n", workload);
        node_destroy (&node);
        return FL_EXIT_USAGE;
    }
    static const char *const bugs [] = { "wall-clock", NULL };
    int bug = node_bug (node, "lww", bugs);
    if (bug == -2) {
        node_destroy (&node);
        return FL_EXIT_USAGE;
    }
    lww_t self = { .node = node, .wall_clock = bug == 0 };
    node_on_init (node, s_on_init, &self);
    node_on (node, "read", s_on_client, &self);
    node_on (node, "write", s_on_client, &self);
    node_on (node, "cas", s_on_client, &self);
    node_on (node, "txn", s_on_txn, &self);
    node_on (node, "gossip", s_on_entries, &self);
    node_on (node, "anti_entropy", s_on_entries, &self);
    node_on (node, "replica_read", s_on_replica_read, &self);
    int rc = node_run (node);
    store_destroy (&self.store);
    node_destroy (&node);
    return rc? FL_EXIT_SOFTWARE: FL_EXIT_OK;
}
