/*  kv.h -- the replicated state machine of node-raft: a lin-kv map, and
    Maelstrom's txns over it (txn-list-append, txn-rw-register).

    Keys and values are any JSON. Operations are the Maelstrom lin-kv bodies
    as they are stored in the log: {"f":"read"|"write"|"cas", "key":K,
    "value":V, "from":A, "to":B, "id":"request id", "retry":true}, or
    {"f":"txn", "txn":[["r",K,null],["append",K,V],["w",K,V]...], "id",
    "retry"}, a whole txn in one entry. Applying one returns the reply body a
    client gets, so every replica computes the same answers in log order.
*/
#ifndef FL_KV_H_INCLUDED
#define FL_KV_H_INCLUDED

#include <stdbool.h>
#include <jansson.h>

typedef struct _kv_t kv_t;

kv_t *kv_new (void);
void kv_destroy (kv_t **self_p);

//  Apply op (borrowed) and return a new reply body: read_ok {value},
//  write_ok, cas_ok, txn_ok {txn: the txn with its reads filled in}, or {type:error, code, text} with code 20
//  (key-does-not-exist), 22 (precondition-failed), 12 (malformed). When
//  op's "id" was applied before, the op is skipped: with "retry" the first
//  execution's reply is returned again, else error 0 (indefinite).
json_t *kv_apply (kv_t *self, json_t *op);

//  Turn a client request body (read/write/cas/txn) into a log op tagged with
//  the request id (may be NULL) and whether its sender may retry it under
//  the same id: a new object, or NULL when the body is malformed (missing
//  key or value fields).
json_t *kv_op_from_request (json_t *body, const char *id, bool retry);

//  The applied state as the lab's replica_read answers it: a new array
//  [[KEY, VALUE], ...], one pair per key held, KEY decoded back from its
//  canonical text (the key as clients sent it), sorted by that text so
//  that two replicas holding the same map give the same array. Keys never
//  written are absent.
json_t *kv_state (kv_t *self);

//  Number of keys held.
size_t kv_size (kv_t *self);

#endif
