/*  gen.h -- the lin-kv workload generator: a stream of read / write / cas
    operations over a few keys, one generator per client, seeded from the
    run's seed and the client's number (rng_init_stream), so the same seed
    draws the same operations.

    Values written (by write, and as cas's "to") are unique across the run:
    client c of K writes c, c+K, c+2K, ... (plus one), which lets the
    checker and a person reading a history tell every write apart. A cas's
    "from" is the last value this client saw or wrote for the key; before it
    has seen any, the generator writes instead. Embedded object: gen_init.
*/
#ifndef FL_GEN_H_INCLUDED
#define FL_GEN_H_INCLUDED

#include <stdint.h>
#include <stdbool.h>
#include "rng.h"
#include "limits.h"

typedef enum { GEN_READ, GEN_WRITE, GEN_CAS } gen_f_t;

typedef struct {
    gen_f_t f;
    int key;                // 0..keys-1
    int64_t value;          // write: the value; cas: "to"
    int64_t from;           // cas only
} gen_op_t;

typedef struct {
    rng_t rng;
    int client;             // 1..clients
    int clients;
    int keys;
    int64_t written;        // values this client has drawn
    int64_t last [FL_SCENARIO_KEYS_MAX];
    bool known [FL_SCENARIO_KEYS_MAX];
} gen_t;

//  Shares of each operation, in percent.
#define GEN_READ_PERCENT   50
#define GEN_WRITE_PERCENT  30   // the rest are cas

//  Seed a generator for client (1..clients) over keys keys.
void gen_init (gen_t *self, uint64_t seed, int client, int clients, int keys);

//  The next operation.
gen_op_t gen_next (gen_t *self);

//  Tell the generator a value was seen (read ok) or written (write/cas ok)
//  for key: later cas ops start from it. has_value false means nil.
void gen_observe (gen_t *self, int key, bool has_value, int64_t value);

//  "read", "write", "cas".
const char *gen_f_name (gen_f_t f);

#endif
