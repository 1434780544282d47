/*  crdt.h -- state-based CRDTs (Shapiro, Preguica, Baquero, Zawirski,
    "Conflict-free Replicated Data Types", 2011) and their joins, for
    bin/node-crdt. Pure: no sockets, no clock (time comes in as arguments),
    no printing; errors are returned as text naming what was wrong.

    Five kinds, each a join-semilattice whose merge (crdt_merge) is the
    least upper bound: commutative, associative, idempotent, so replicas
    that have seen the same updates, in any order and any number of times,
    hold the same state.

    kind            state                         join                   value
    g-set           set of elements               union                  sorted elements
    g-counter       replica -> count              per-replica max        sum
    pn-counter      two g-counters P, N           each joined            sum P - sum N
    or-set          element -> tags; tombstones   both unions            elements with a
                    (removed tags)                                       tag not removed
    lww-register    value, version (hlc, node)    the greater version    the value

    Elements, values and keys are any JSON; two are the same when their
    canonical text (compact, sorted object keys) is, and "sorted" means by
    that text, as the lab's replica_read wants.

    Replicas: counters count per replica id and or-set tags are (replica,
    counter). A replica is a node incarnation, "n1@WALL" (node id and the
    wall clock at start), not just "n1": a node restarted without its
    state starts a fresh entry, so its new increments are not hidden under
    the max of its old ones, and its new tags cannot be old removed ones.

    Bounds (common/limits.h): each element, value or key at most
    FL_CRDT_ELEMENT_BYTES_MAX of text, a counter entry at most
    FL_CRDT_COUNT_MAX (so no sum of FL_CRDT_REPLICAS_MAX entries
    overflows int64), at most FL_CRDT_REPLICAS_MAX replicas per counter.
    crdt_bytes is an upper bound of the state's JSON text, which the store
    holds under FL_CRDT_STATE_BYTES_MAX.
*/
#ifndef FL_CRDT_H_INCLUDED
#define FL_CRDT_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "nodes/lib/hlc.h"

typedef enum {
    CRDT_GSET,
    CRDT_GCOUNTER,
    CRDT_PNCOUNTER,
    CRDT_ORSET,
    CRDT_REGISTER
} crdt_kind_t;

typedef struct _crdt_t crdt_t;

//  Error texts are at most this long (a buffer of this size is enough).
#define CRDT_ERR_BYTES 256

//  The kind's name on the wire ("g-set", "g-counter", "pn-counter",
//  "or-set", "lww-register"); crdt_kind_parse returns 0 and sets *kind,
//  or -1 for an unknown name.
const char *crdt_kind_name (crdt_kind_t kind);
int crdt_kind_parse (const char *name, crdt_kind_t *kind);

//  An empty CRDT of a kind (a register holds no value until written).
crdt_t *crdt_new (crdt_kind_t kind);
//  Destroy; accepts NULL; nulls the pointer.
void crdt_destroy (crdt_t **self_p);
//  A deep copy.
crdt_t *crdt_dup (const crdt_t *self);

crdt_kind_t crdt_kind (const crdt_t *self);
//  Upper bound of the bytes of crdt_to_json's text.
size_t crdt_bytes (const crdt_t *self);

//  Canonical text of any JSON (compact, sorted keys). Caller frees.
char *crdt_text (const json_t *json);

//  Updates. Each returns 0, or -1 with err (CRDT_ERR_BYTES) saying why,
//  the state unchanged. Borrowed arguments.
//  g-set: add element.
int crdt_gset_add (crdt_t *self, const json_t *element, char *err);
//  g-counter (delta >= 0) and pn-counter (any delta): add delta to
//  replica's count, refused past FL_CRDT_COUNT_MAX or FL_CRDT_REPLICAS_MAX.
int crdt_counter_add (crdt_t *self, const char *replica, int64_t delta, char *err);
//  or-set: add element with the fresh tag (replica, counter).
int crdt_orset_add (crdt_t *self, const json_t *element, const char *replica,
                    int64_t counter, char *err);
//  or-set: remove element, tombstoning the tags of it this replica has
//  seen (a concurrent add elsewhere has a tag not seen here: it survives).
//  Removing an absent element changes nothing and succeeds.
int crdt_orset_remove (crdt_t *self, const json_t *element, char *err);
//  lww-register: set value if (stamp, node) is greater than the version
//  held (always, for an empty register).
int crdt_register_write (crdt_t *self, const json_t *value, hlc_t stamp,
                         const char *node, char *err);

//  The largest tag counter of replica in an or-set (0 when none), so a
//  replica can keep its tags fresh.
int64_t crdt_orset_counter_max (const crdt_t *self, const char *replica);
//  The register's version; false when it holds no value.
bool crdt_register_version (const crdt_t *self, hlc_t *stamp);

//  What a client reads: g-set, or-set -> array sorted by text; counters
//  -> integer; register -> the value (NULL when empty). New reference.
json_t *crdt_value (const crdt_t *self);

//  Join other into self. Both must be of the same kind (asserted).
void crdt_merge (crdt_t *self, const crdt_t *other);

//  Bug merge-last (docs/bugs.md), for this process: a counter's merge takes
//  the other replica's count for each replica it names instead of the
//  per-replica maximum, so an older state gossiped late undoes adds (the
//  merge is no longer idempotent, commutative and associative).
void crdt_bug_merge_last (bool on);
//  Upper bound of crdt_bytes of the join, without making it.
size_t crdt_join_bytes (const crdt_t *self, const crdt_t *other);
//  Same state (for tests and to see whether a merge changed anything).
bool crdt_equal (const crdt_t *a, const crdt_t *b);

//  Wire form (the state inside crdt_gossip):
//    g-set        [element, ...]
//    g-counter    {replica: count, ...}
//    pn-counter   {"p": g-counter, "n": g-counter}
//    or-set       {"adds": [[element, [tag, ...]], ...], "removed": [tag, ...]},
//                 a tag [replica, counter]
//    lww-register null, or {"value": V, "version": [wall, logical], "node": ID}
json_t *crdt_to_json (const crdt_t *self);
//  Read the wire form back, checking every part and bound. Returns a new
//  CRDT, or NULL with err naming what was wrong.
crdt_t *crdt_from_json (crdt_kind_t kind, const json_t *json, char *err);

#endif
