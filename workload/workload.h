/*  workload.h -- what a workload is: the registry of the workloads the lab
    can drive, and the Maelstrom facts every workload shares.

    A workload (DESIGN.md section 5) is Maelstrom's notion: the operations
    clients send, how each is encoded as a request body and how each reply
    is read back into a history event, the final-read phase, and the check
    that judges the resulting history. This module owns that knowledge and
    nothing else: it never touches a socket, a process or the clock, and
    knows nothing of the lab that carries its messages (lab/client.c does)
    or of the checks that judge them (it names them; lab/runner.c asks
    checker/ for a model's linearizability and analysis/checks.h for the
    rest).

    An op is a JSON object as the history records it: {"f":"add",
    "value":3}, with "key" where the workload has keys (docs/workloads.md
    lists each workload's ops). A client asks its generator for the next op
    (workload_next), sends workload_request's body, and reads the answer
    with workload_reply, which applies Maelstrom's rules (MAELSTROM.md
    sections 1 and 3): an error reply is fail if its code is definite or
    the op's f is idempotent, else info (always info for a workload whose
    errors_indefinite is set); any other reply must be the RPC's
    reply type with exactly its fields (plus type, in_reply_to, msg_id),
    else the op is info with the reason, as Maelstrom's "malformed RPC
    response".

    One file per workload, named after it, prefixed after it:
        echo.c        echo                        (echo)
        unique_ids.c  generate                    (unique-ids)
        broadcast.c   broadcast / read, topology  (broadcast)
        g_set.c       add / read                  (g-set)
        counter.c     add / read                  (g-counter, pn-counter)
        lin_kv.c      read / write / cas          (lin-kv)
        kafka.c       send / poll / offsets       (kafka)
        txn.c         txn                         (txn-list-append, txn-rw-register)
    Adding a workload: its file with a workload_class_t and a row in
    workload.c's table.
*/
#ifndef FL_WORKLOAD_H_INCLUDED
#define FL_WORKLOAD_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "limits.h"

//  What a generator is told about its client and the run.
typedef struct {
    uint64_t seed;
    int client;                 // 1..clients
    int clients;
    int nodes;
    int keys;                   // the scenario's keys (lin-kv, kafka, txn)
    int values;                 // lin-kv's workload/values (0: unique)
} workload_ctx_t;

//  One RPC: the request's f, the reply type, and the reply's fields with
//  their types ("value:any messages:array offset:int"; types are any, int,
//  array, object, string). Every listed field is required; no other key
//  but type, in_reply_to and msg_id is allowed.
typedef struct {
    const char *f;
    const char *reply;
    const char *fields;
} workload_rpc_t;

typedef enum {
    WORKLOAD_OK,                // happened
    WORKLOAD_FAIL,              // definitely did not happen
    WORKLOAD_INFO               // may or may not have happened
} workload_result_t;

typedef struct {
    workload_result_t result;
    json_t *value;              // ok: the value the history records (owned;
                                // NULL: the invoke's value)
    int code;                   // fail, info: the error code; -1 for none
    char why [FL_WHY_BYTES_MAX];    // fail, info: the reason when no code says it
} workload_outcome_t;

//  Every reply that breaks the workload's schema ends its op info with a
//  why that starts with this (docs/scenarios.md)
#define WORKLOAD_MALFORMED "malformed RPC response"

//  Did the outcome come of such a reply?
bool workload_malformed (const workload_outcome_t *outcome);

typedef struct _workload_class_t workload_class_t;
typedef struct {
    const char *name;           // as a scenario's workload/name says it: "lin-kv"
    const char *summary;        // one line for ./harness list
    const char *model;          // the checker model that judges its history
                                // (linearizability), or NULL
    const char *check;          // the check's name in results.json: a
                                // name analysis/checks.h knows, or
                                // "linearizable" with a model
    const char *idempotent;     // f names, space-separated: a timeout or
                                // an error of these is fail, not info
    bool errors_indefinite;     // every error reply is info, whatever its
                                // code (Maelstrom's g-set and counter
                                // clients map no errors: MAELSTROM.md 3)
    bool final_reads;           // has a final-read phase (heal, quiet, reads)
    bool topology;              // nodes get Maelstrom's topology message first
    const workload_rpc_t *rpcs; // ends with { NULL }
    const workload_class_t *klass;
} workload_t;

//  A workload's code (each workload file defines one).
struct _workload_class_t {
    //  A generator for one client. Returns state the other calls get.
    void *(*gen_new) (const workload_t *workload, const workload_ctx_t *ctx);
    void (*gen_destroy) (void *gen);
    //  The next op of the load (new reference).
    json_t *(*next) (void *gen);
    //  The final-phase op number N of this client, or NULL when it has
    //  none left (new reference). NULL function: a read for every N, and
    //  the client stops after a read per node (client_invoke_final).
    json_t *(*final) (void *gen, int n);
    //  The request body for op, without msg_id (new reference). NULL
    //  function: {"type": f} plus the op's "value" under the RPC's name.
    json_t *(*request) (void *gen, const json_t *op);
    //  Learn from a completed op and adjust its outcome (lin-kv: error 20
    //  on a read is a read of nil). BODY is the reply, NULL on a timeout.
    //  May be NULL.
    void (*observe) (void *gen, const json_t *op, json_t *body, workload_outcome_t *outcome);
    //  The value an ok reply records (new reference). NULL function: the
    //  RPC's first field, or the invoke's value when it has none.
    json_t *(*ok_value) (void *gen, const json_t *op, json_t *body);
};

//  The workload called NAME, or NULL when there is none.
const workload_t *workload_lookup (const char *name);

//  The workloads, in the order ./harness list shows them: workload_at (i)
//  for i < workload_count (), NULL past the end.
size_t workload_count (void);
const workload_t *workload_at (size_t index);

//  The names of every workload, comma-separated, for messages that list
//  what is allowed, written into BUF (SIZE bytes, cut to fit). Returns buf.
char *workload_names (char *buf, size_t size);

//  True if Maelstrom error CODE is definite: the operation did not and
//  will never happen (1, 10, 11, 12, 14, 20, 21, 22, 30; DESIGN.md
//  section 2). 0 (timeout), 13 (crash), custom codes (1000 and up) and
//  codes we do not know are indefinite.
bool workload_error_definite (int code);

//  Is f in the workload's idempotent set?
bool workload_idempotent (const workload_t *self, const char *f);

//  The RPC of op f, or NULL.
const workload_rpc_t *workload_rpc (const workload_t *self, const char *f);

//  A generator for one client, and its ops (see workload_class_t).
void *workload_gen_new (const workload_t *self, const workload_ctx_t *ctx);
void workload_gen_destroy (const workload_t *self, void **gen_p);
json_t *workload_next (const workload_t *self, void *gen);
json_t *workload_final (const workload_t *self, void *gen, int n);

//  The request body for op with msg_id (new reference).
json_t *workload_request (const workload_t *self, void *gen, const json_t *op, int64_t msg_id);

//  What reply BODY means for op (see the top of this file), after the
//  workload observed it. The caller owns outcome.value.
workload_outcome_t workload_reply (const workload_t *self, void *gen, const json_t *op,
                                   json_t *body);

//  What no answer within the timeout means for op: fail with code 0 if
//  f is idempotent, else info.
workload_outcome_t workload_timeout (const workload_t *self, void *gen, const json_t *op);

//  True when value is an integer past 64 bits as the lab's client reads
//  one (jsonl_loads_wide: a string of its digits); an "int" field takes it.
bool workload_wide_integer (const json_t *value);

//  Check BODY against RPC's reply schema. 0, or -1 with why ("malformed
//  RPC response: ...") written to WHY (SIZE bytes).
int workload_schema_check (const workload_rpc_t *rpc, json_t *body, char *why, size_t size);

//  Maelstrom's topologies for the broadcast workload: "grid" (default),
//  "line", "tree", "tree2", "tree3", "tree4", "total". The topology map
//  {"n1":["n2",...],...} for nodes n1..nN, or NULL when NAME is unknown.
json_t *workload_topology (const char *name, int nodes);
//  The topology names, comma-separated.
const char *workload_topology_names (void);

#endif
