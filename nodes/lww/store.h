/*  store.h -- the replica of bin/node-lww: a last-write-wins map whose
    entries carry hybrid-clock versions, as pure functions.

    Module nodes/lww/ owns the AP store of DESIGN.md section 4: this
    replica (build/liblww.a: store) and the program that serves it
    (main.c: client requests, gossip, anti-entropy, replica_read). It
    depends on the node library's clock type (nodes/lib/hlc.h) and on
    common/ (limits) only -- never on the harness or the proxy. Nothing
    here reads a clock, sends or prints: the caller passes physical time
    (node_wall_ms) in and does the talking, so every rule is unit tested
    without sockets (tests/unit/node_lww_store.c).

    An entry is a key (any JSON, as the client sent it; the map is keyed by
    its canonical compact text with sorted object keys, so 1 and "1" are
    two keys), a value, and a version: (hlc stamp, writer's node id),
    totally ordered by hlc_version_compare. Merging keeps the greater
    version, so a replica's state after merging a set of entries does not
    depend on their order or on repeats (commutative, idempotent), and
    replicas that saw the same entries hold the same map. Last write wins
    by the clock, not by real time: a writer whose clock is behind stamps
    its later write lower, and the earlier write wins.

    Each entry also carries the version it replaced at its writer
    ("replaced", absent for a key the writer did not have). When a remote
    entry beats one this node wrote and acknowledged, and its writer had
    not replaced exactly that version, the writer never saw our write:
    the merge throws an acknowledged write away, and store_merge says so
    (store_loss_t) for the log.

    Entries on the wire (gossip and anti-entropy):
        {"key": K, "value": V, "version": [wall, logical, "n2"],
         "replaced": [wall, logical, "n1"]}          // replaced optional
*/
#ifndef FL_LWW_STORE_H_INCLUDED
#define FL_LWW_STORE_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "limits.h"
#include "nodes/lib/hlc.h"

typedef struct _store_t store_t;

//  A version: the writer's clock reading and its node id.
typedef struct {
    hlc_t stamp;
    char node [FL_ID_BYTES_MAX + 1];
} store_version_t;

//  What merging one remote entry did.
typedef enum {
    STORE_MERGE_BAD = -1,       //  malformed, or past a limit: ignored
    STORE_MERGE_STALE,          //  ours is newer: kept ours
    STORE_MERGE_SAME,           //  we had this very version
    STORE_MERGE_ADDED,          //  a key we did not hold
    STORE_MERGE_REPLACED        //  the remote version beat ours
} store_merge_t;

//  Filled by store_merge when the merge discarded a write of our own that
//  the winner's writer had not seen. key is the key's canonical text,
//  borrowed: valid until the next call that changes the store.
typedef struct {
    bool lost;
    const char *key;
    store_version_t ours;
    store_version_t theirs;
} store_loss_t;

//  A replica for node id (1..FL_ID_BYTES_MAX bytes), empty, its clock at 0.
store_t *store_new (const char *id);

//  Free it. Accepts NULL; nulls the pointer.
void store_destroy (store_t **self_p);

//  Bug wall-clock (docs/bugs.md): from now on a write is stamped with the
//  physical time alone (now_ms, and a counter within this node), and merges
//  leave the clock alone: a write at a node whose clock is behind the
//  entry's stamp is acknowledged and loses at once, as Cassandra's writes do
//  under skew. Off by default: the hybrid clock orders them.
void store_wall_clock (store_t *self, bool on);

//  Answer a lin-kv request body (read {key}, write {key, value}, cas {key,
//  from, to, create_if_not_exists?}; borrowed) at physical time now_ms.
//  Returns a new reply body without in_reply_to: read_ok {value},
//  write_ok, cas_ok, or {type: error, code, text} with code 20 (read or cas
//  of a key this replica does not hold), 22 (cas whose from is not the
//  local value), 12 (malformed, or an entry past FL_LWW_ENTRY_BYTES_MAX),
//  14 (a new key past FL_LWW_KEYS_MAX), 10 (another type). A write or a
//  successful cas takes a fresh version from the clock (hlc_tick) and
//  changes the replica at once: nothing is asked of anyone.
json_t *store_request (store_t *self, json_t *body, int64_t now_ms);

//  Merge one remote entry (borrowed; the wire form above) at physical time
//  now_ms. Every well-formed entry advances the clock (hlc_receive), won
//  or not. loss may be NULL; else it is cleared, then filled when the
//  merge threw away a write of ours (see above).
store_merge_t store_merge (store_t *self, json_t *entry, int64_t now_ms,
                           store_loss_t *loss);

//  The entries changed (written here or won in a merge) since the last
//  call, oldest change first, as chunks of at most max_entries entries
//  each (1..FL_LWW_GOSSIP_ENTRIES_MAX): a new array of arrays, empty when
//  nothing changed. Each change is in one delta only, with the entry's
//  value at the time of the call.
json_t *store_delta (store_t *self, size_t max_entries);

//  Every entry, sorted by key text, in chunks as store_delta's: a new
//  array of arrays, empty when the replica is. Marks nothing.
json_t *store_snapshot (store_t *self, size_t max_entries);

//  The state as the lab's replica_read wants it: a new array of
//  [key, value] pairs, keys as the clients sent them, sorted by key text;
//  only keys this replica holds.
json_t *store_state (store_t *self);

//  The version of key (borrowed JSON) into *version: true, or false when
//  the replica does not hold the key.
bool store_version (store_t *self, json_t *key, store_version_t *version);

//  Keys held; remote entries for new keys dropped at FL_LWW_KEYS_MAX.
size_t store_size (store_t *self);
size_t store_refused (store_t *self);

//  The clock as it stands (the last stamp taken or received).
hlc_t store_clock (store_t *self);

//  This node's id, as given to store_new.
const char *store_id (store_t *self);

//  A version as JSON [wall, logical, "node"] (new), and back: 0, or -1
//  (version untouched) when json is not that shape with an id of
//  1..FL_ID_BYTES_MAX bytes.
json_t *store_version_to_json (store_version_t version);
int store_version_from_json (const json_t *json, store_version_t *version);

#endif
