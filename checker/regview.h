/*  regview.h -- the registers' view of a history, what the causal and
    session checks (causal.c, session.c) work on: each op that happened as a
    read of a value, a write of a value, or both (an ok cas), with the write
    each read read from.

    From an ophistory_t: read/get, write/put and cas, on the `key` field, or
    on Jepsen's [k v] tuples when no op has a key and every op is one (as
    check.c guesses kv), else one register. ok ops are kept; fail ops did not happen and are
    left out, and so is a cas failed with error 22 (it saw some value other
    than `from`, which names no write: leaving it out only drops a
    constraint). An info or pending write or cas may have happened: it is
    kept as a write (a cas as the write of `to`, its read part dropped),
    program-order after its process's earlier ops and before none of its
    later ones; a write no one read could always have happened last, so
    keeping it changes no verdict. An info read is left out (no result). In
    EDN an ok read of nil is "value unknown" (Knossos) and is left out too.

    Values written are unique per key (ours are): the write of a value is
    found by (key, value). A read of nil, or of the initial value, reads the
    initial value. A value written twice (or a write of the initial value)
    makes the view impossible: regview_new returns NULL with the reason,
    and the check says unknown.

    Chains: each process's kept ops, in invoke order, form a chain, except
    an unknown-outcome op that is not its process's last, which sits alone
    on a chain of its own (with a program-order edge from its process's
    previous op). Every chain is totally ordered by program order, which is
    what lets a down-set of causal order be a vector of per-chain prefixes.
*/
#ifndef FL_REGVIEW_H_INCLUDED
#define FL_REGVIEW_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "ophistory.h"

#define REGVIEW_NONE      (-1)  // no such op
#define REGVIEW_INIT      (-2)  // a read of the initial value
#define REGVIEW_THIN_AIR  (-3)  // a read of a value no op wrote

typedef struct {
    uint32_t op;            // index in the history
    int64_t process;
    uint32_t chain;         // its chain, and its place on it from 0
    uint32_t pos;
    uint32_t key;           // interned key, 0..nkeys-1
    bool reads, writes;     // an ok cas does both: reads, then writes
    bool unknown;           // info / pending (a write)
    int32_t source;         // reads: the view op it read from, or
                            // REGVIEW_INIT / REGVIEW_THIN_AIR
    int32_t po_pred;        // the op just before it in program order, or -1
    json_t *read_value;     // borrowed from the history (NULL: not a read)
    json_t *written_value;  // (NULL: not a write)
} regview_op_t;

typedef struct _regview_t regview_t;

//  Build the view. init is the initial value as text (EDN or JSON), NULL
//  for nil; as for the kv model, a map gives each key its own initial
//  value ({"x": 0} or {:x 0}; a key left out starts nil), anything else
//  is every key's. Returns NULL with *reason (malloc'd) when the history is not a
//  register history with unique values ("file:line: value 3 of key x is
//  written twice (lines 4 and 9)"), or has more chains than
//  FL_CAUSAL_CHAINS_MAX.
regview_t *regview_new (const ophistory_t *history, const char *init, char **reason);
void regview_destroy (regview_t **self_p);

size_t regview_size (const regview_t *self);
const regview_op_t *regview_op (const regview_t *self, size_t i);
size_t regview_chains (const regview_t *self);
size_t regview_keys (const regview_t *self);
//  The ops of a chain, view indices in program order.
const uint32_t *regview_chain (const regview_t *self, size_t chain, size_t *length);
const ophistory_t *regview_history (const regview_t *self);

//  The last op of chain `chain` at a place < pos_end that writes (writes
//  true) or reads (false) key `key`; REGVIEW_NONE if none. O(log n).
int32_t regview_last (const regview_t *self, uint32_t key, uint32_t chain,
                      uint32_t pos_end, bool writes);

//  Causal order's down-sets as vector clocks: clocks [i * chains + c] is
//  how many ops of chain c are in op i's causal past, i included (op j is
//  causally before-or-equal i iff clocks [i * chains + chain(j)] > pos(j)).
//  Causal order is (program order + reads-from)+. Returns a malloc'd
//  array, or NULL on out of memory. *cyclic is set when causal order has a
//  cycle; the clocks are then the least fixpoint (reachability), still
//  right for "is j before i". When cyclic and cycle is not NULL, a cycle
//  is written there: view indices in order, each op before the next and
//  the last before the first; *ncycle its length (caller frees *cycle).
uint32_t *regview_clocks (const regview_t *self, bool *cyclic,
                          uint32_t **cycle, size_t *ncycle);

//  j is in i's down-set per the clocks.
static inline bool
regview_before (const regview_t *self, const uint32_t *clocks, size_t nchains,
                int32_t j, int32_t i)
{
    const regview_op_t *o = regview_op (self, (size_t) j);
    return clocks [(size_t) i * nchains + o->chain] > o->pos;
}

//  An op as the checks' violations show it: {index, process, f, key,
//  value, result, type, line} (check_result_json's fields). New reference.
json_t *regview_op_json (const regview_t *self, size_t i);

//  Who and what, for explanations: "p3" (or the process's name) and
//  "wrote x=1", "read x=1", "read x=nil", "cas x 1->2". Written into buf.
const char *regview_who (const regview_t *self, size_t i, char *buf, size_t size);
const char *regview_what (const regview_t *self, size_t i, char *buf, size_t size);
//  "x=1": a key and value as explanations write them (value NULL: nil).
const char *regview_kv (const regview_t *self, size_t i, json_t *value, char *buf, size_t size);

//  A violation's story, built op by op: the ops (JSON) and the chain text
//  in Elle's manner, "p1 wrote x=1, then wrote y=1; p2 read y=1, then read
//  x=nil". regview_story_op adds an op: ", then WHAT" after an op of the
//  same process, "; WHO WHAT" after another's. At most
//  FL_CAUSAL_EXPLAIN_OPS_MAX ops are kept (the text says how many left).
typedef struct {
    char text [2048];
    size_t len;
    json_t *ops;
    int32_t last;           // the last op told, or -1
    size_t told, skipped;
} regview_story_t;

void regview_story_init (regview_story_t *story);
void regview_story_op (const regview_t *self, regview_story_t *story, size_t i);
//  A path of ops, each before the next: its first and last ops always,
//  the middle cut to fit with "... (N more) ...".
void regview_story_path (const regview_t *self, regview_story_t *story,
                         const uint32_t *path, size_t n);
void regview_story_say (regview_story_t *story, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));
//  {"model", "pattern", "ops", "chain"}; the story's ops move into it.
json_t *regview_story_violation (regview_story_t *story, const char *model,
                                 const char *pattern);

#endif
