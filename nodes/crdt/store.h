/*  store.h -- one crdt node's replica: the workload's CRDT (no key) and the
    keyed CRDTs of the tours, the client requests that change them, and the
    gossip that joins two replicas. Pure like crdt.h: the node passes its
    wall clock in; replies and errors are returned, never sent or printed.

    Requests (bodies as Maelstrom's; the reply has no in_reply_to yet):
      no key, by the workload the store was made for
        g-set        add {element} -> add_ok; read -> read_ok {value: [sorted]}
        g-counter    add {delta >= 0} -> add_ok; read -> read_ok {value: N}
        pn-counter   add {delta} -> add_ok; read -> read_ok {value: N}
      with a key (any JSON but null; in every workload)
        add {key, element}, remove {key, element}   an or-set
        write {key, value}                          an lww-register
        read {key}                                  either: the or-set's
                                                    sorted elements, the value
    A key is the kind its first update made it: the other kind's update is
    error 12 naming the key; read or remove of a key never updated here is
    error 20. Updates past a bound (common/limits.h) are error 12 naming it.

    Gossip body: {"type": "crdt_gossip", "kind": KIND, "state": STATE,
    "keys": [[KEY, KIND, STATE], ...]} (crdt.h's wire forms). store_merge
    checks all of it before it changes anything: a malformed gossip, or one
    whose join would pass FL_CRDT_MERGE_BYTES_MAX, is refused whole. If two
    replicas made one key different kinds (concurrently, in a partition),
    the or-set wins everywhere, so the replicas still agree.
*/
#ifndef FL_CRDT_STORE_H_INCLUDED
#define FL_CRDT_STORE_H_INCLUDED

#include "crdt.h"

typedef struct _store_t store_t;

//  A replica whose unkeyed CRDT is of kind (CRDT_GSET, CRDT_GCOUNTER or
//  CRDT_PNCOUNTER). node is this node's id; start_wall_ms its wall clock
//  now, which makes the replica id "node@start_wall_ms" (crdt.h).
store_t *store_new (crdt_kind_t kind, const char *node, int64_t start_wall_ms);
void store_destroy (store_t **self_p);

//  The replica id, "n1@1764691200000". Borrowed.
const char *store_replica_id (const store_t *self);
//  The unkeyed CRDT, and the keyed one of key (NULL when none). Borrowed.
const crdt_t *store_main (const store_t *self);
const crdt_t *store_keyed (const store_t *self, const json_t *key);
//  Upper bound of the state's bytes in a gossip.
size_t store_bytes (const store_t *self);

//  Apply a client request (its body, borrowed) at wall_ms. Returns the
//  reply body: *_ok, or {type: error, code, text}. *changed is set when
//  the state changed.
json_t *store_request (store_t *self, const json_t *request, int64_t wall_ms, bool *changed);

//  The whole state as a crdt_gossip body (no msg_id). New reference.
json_t *store_gossip (const store_t *self);

//  Join a gossip body into the store at wall_ms. Returns 0, or -1 with
//  err (CRDT_ERR_BYTES) naming what was wrong and the store unchanged.
int store_merge (store_t *self, const json_t *gossip, int64_t wall_ms, char *err);

//  The replica_read state: [[null, value], [KEY, value], ...], the keyed
//  ones sorted by key text. New reference.
json_t *store_replica (const store_t *self);

#endif
