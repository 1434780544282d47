/*  elle_int.h -- the transaction checker's insides, shared by elle.c
    (reading, inference), ellegraph.c (order edges, SCCs, cycle search),
    ellelevel.c (the consistency lattice, verdict, output) and ellepage.c
    (the HTML page). Nothing outside those files includes it.
*/
#ifndef FL_ELLE_INT_H_INCLUDED
#define FL_ELLE_INT_H_INCLUDED

#include <stdint.h>
#include "elle.h"

#define ELLE_NONE UINT32_MAX        // no value (nil), no mop, no txn

#define ELLE_F_READ  1
#define ELLE_F_WRITE 2              // an append or a register write

typedef struct {                    // interned texts: id -> text
    char **text;
    size_t n, cap;
    uint32_t *slot;                 // open addressing, ELLE_NONE free
    size_t slots;
} elle_strs_t;

typedef struct {                    // (key << 32 | value) -> mop
    uint64_t *keys;
    uint32_t *vals;
    size_t n, cap;
} elle_map_t;

typedef struct {
    uint32_t txn;
    uint32_t key;
    uint32_t value;                 // write: the value; register read: the
                                    // value read, ELLE_NONE for nil
    uint32_t list, nlist;           // list-append read (ok txns): offset
                                    // into lists, ELLE_NONE when unknown
    uint8_t f;
    bool final;                     // a write: the txn's last to this key
    bool external;                  // a read: first touch of the key
} elle_mop_t;

typedef struct {
    uint32_t op;                    // index in the history
    op_type_t type;
    int64_t process, call, ret;
    uint32_t mop, nmops;
} elle_txn_t;

typedef struct {
    uint32_t from, to;
    uint8_t type;                   // ELLE_WW...
    uint32_t key;
    uint32_t value;                 // ww: from's value; wr: the value read;
                                    // rw: what from read (NONE: nil or [])
    uint32_t value2;                // ww, rw: to's value
} elle_edge_t;

typedef struct {
    const ophistory_t *history;
    elle_model_t model;
    const char *file;
    int level;                      // index into ellelevel.c's table
    double timeout_s;
    char *error;
    elle_strs_t keys, values;
    size_t keys_n;
    elle_map_t writers;
    elle_txn_t *txns;
    size_t ntxns;
    elle_mop_t *mops;
    size_t nmops, capmops;
    uint32_t *lists;
    size_t nlists, caplists;
    elle_edge_t *edges;
    size_t nedges, capedges;
    size_t edge_counts [5];         // by type, for the output
    json_t *cases;                  // type -> [case], capped
    json_t *case_counts;            // type -> count
    json_t *cycles;                 // type -> [cycle], capped
    json_t *cycle_counts;
    json_t *ruled_out;              // level names, weakest first
    size_t sccs;                    // components of more than one txn
    size_t scc_largest;
    bool timed_out;
    json_t *duplicate;              // the first (key, value) written twice:
                                    // {key, value, ops}, NULL when none
    size_t ok_txns;
    const char *reason;             // why unknown: "timeout",
                                    // "duplicate-writes", "empty-transaction-graph"
    elle_verdict_t verdict;
} elle_t;

//  elle.c
uint32_t elle_intern_text (elle_strs_t *t, const char *text);
//  (key, value) -> slot (ELLE_NONE when new: set it, count n); lookup.
uint32_t *elle_map_slot (elle_map_t *m, uint32_t key, uint32_t value);
uint32_t elle_map_get (const elle_map_t *m, uint32_t key, uint32_t value);
uint32_t elle_writer (const elle_t *self, uint32_t key, uint32_t value);
void elle_edge (elle_t *self, uint32_t from, uint32_t to, uint8_t type, uint32_t key,
                uint32_t value, uint32_t value2);
void elle_case (elle_t *self, const char *type, uint32_t txn, json_t *details);
json_t *elle_value_json (const elle_t *self, uint32_t value);
json_t *elle_key_json (const elle_t *self, uint32_t key);
json_t *elle_list_json (const elle_t *self, const elle_mop_t *m);
json_t *elle_op_json (const elle_t *self, uint32_t txn);
void elle_destroy (elle_t **self_p);

//  elleinfer.c: version orders, ww/wr/rw edges, non-cycle anomalies
void elle_infer_list_append (elle_t *self);
void elle_infer_rw_register (elle_t *self);

//  ellegraph.c: process and real-time edges, SCCs, the cycle search
void elle_infer_order (elle_t *self);
void elle_search (elle_t *self);
//  Why from < to, in words ("T2 read T1's append of 3 to key 9"), given
//  the names the explanation uses. Caller frees.
char *elle_edge_why (const elle_t *self, const elle_edge_t *e, const char *from,
                     const char *to);
const char *elle_edge_type_name (uint8_t type);

//  ellelevel.c
int elle_level_parse (const char *name);       // -1 if unknown; NULL: default
const char *elle_level_name (int level);
int elle_level_tier (int level);               // 0 base, 1 strong-session, 2 strong
void elle_conclude (elle_t *self);

#endif
