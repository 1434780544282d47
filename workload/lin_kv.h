/*  lin_kv.h -- Maelstrom's lin-kv workload: its generator, its requests
    and how its replies read (workload.h says what a workload is).

    The generator draws a stream of read / write / cas operations over a
    few keys, one generator per client, seeded from the
    run's seed and the client's number (rng_init_stream), so the same seed
    draws the same operations.

    Values written (by write, and as cas's "to") are unique across the run:
    client c of K writes c, c+K, c+2K, ... (plus one), which lets the
    checker and a person reading a history tell every write apart. With
    values > 0 (the scenario's workload/values) they are drawn from
    0..values-1 instead, as Maelstrom's 0..4, so that a cas can meet a
    value that came back (ABA). A cas's
    "from" is the last value this client saw or wrote for the key; before it
    has seen any, the generator writes instead. Embedded object: lin_kv_init.
*/
#ifndef FL_LIN_KV_H_INCLUDED
#define FL_LIN_KV_H_INCLUDED

#include <stdint.h>
#include <stdbool.h>
#include <jansson.h>
#include "rng.h"
#include "limits.h"

typedef enum { LIN_KV_READ, LIN_KV_WRITE, LIN_KV_CAS } lin_kv_f_t;

typedef struct {
    lin_kv_f_t f;
    int key;                // 0..keys-1
    int64_t value;          // write: the value; cas: "to"
    int64_t from;           // cas only
} lin_kv_op_t;

typedef struct {
    rng_t rng;
    int client;             // 1..clients
    int clients;
    int keys;
    int values;             // workload/values: 0 unique, else 0..values-1
    int64_t written;        // values this client has drawn
    int64_t last [FL_SCENARIO_KEYS_MAX];
    bool known [FL_SCENARIO_KEYS_MAX];
} lin_kv_t;

//  Shares of each operation, in percent.
#define LIN_KV_READ_PERCENT   50
#define LIN_KV_WRITE_PERCENT  30   // the rest are cas

//  Seed a generator for client (1..clients) over keys keys.
void lin_kv_init (lin_kv_t *self, uint64_t seed, int client, int clients, int keys,
                  int values);

//  The next operation.
lin_kv_op_t lin_kv_next (lin_kv_t *self);

//  Tell the generator a value was seen (read ok) or written (write/cas ok)
//  for key: later cas ops start from it. has_value false means nil.
void lin_kv_observe (lin_kv_t *self, int key, bool has_value, int64_t value);

//  "read", "write", "cas".
const char *lin_kv_f_name (lin_kv_f_t f);

//  The op as the history records it: {"f":"cas","key":"2","value":[from,to]}
//  ("key" as a string, Jepsen's independent keys; read's value null).
json_t *lin_kv_op_json (const lin_kv_op_t *op);

//  The request body for OP (Maelstrom's lin-kv schema): {"type":"read",
//  "key":K}, "write" with "value", "cas" with "from" and "to". Caller owns
//  the result.
json_t *lin_kv_request (const lin_kv_op_t *op);

#endif
