/*  seq_kv.h -- Maelstrom's seq-kv: a sequentially consistent key-value
    store that may answer from an old state (MAELSTROM.md section 4).

    It keeps the last FL_SEQ_KV_STATES (32) states, numbered 0 (the empty
    store), 1, 2, ..., and for each sender (the envelope's src) the number
    of the state it last used. A request picks a state uniformly between
    the sender's number and the newest (a sender not seen before, or whose
    state has left the window, starts at the oldest kept):

    - an op that would not change the picked state (a read, a failed cas,
      a write or cas to the value already there) is answered from it, so a
      read may be stale, and the sender's number moves to the picked state;
    - any other op is decided again on the newest state, which appends one
      state (its result; equal to the newest when the op changes nothing
      there, e.g. a cas whose "from" the newest no longer holds), the
      reply is that decision, and the sender's number moves to the new
      newest state.

    So each sender sees states in order (its reads never go back, and a
    read after its own write sees that write or later), while different
    senders may see different pasts. create_if_not_exists is honoured.
    Bounds: FL_SERVICE_KEYS_MAX in the newest state, and
    FL_SERVICE_SESSIONS_MAX senders, past which a new sender gets error 14.
*/
#ifndef FL_SEQ_KV_H_INCLUDED
#define FL_SEQ_KV_H_INCLUDED
#include <stdint.h>
#include <jansson.h>
#include "rng.h"
#include "kv.h"

typedef struct _seq_kv_t seq_kv_t;

//  An empty store: state 0 only, no senders.
seq_kv_t *seq_kv_new (void);

//  Destroy; accepts NULL, nulls the pointer.
void seq_kv_destroy (seq_kv_t **self_p);

//  Apply op from sender src, drawing the state to use from rng. Returns
//  the reply body without in_reply_to; caller owns it.
json_t *seq_kv_apply (seq_kv_t *self, rng_t *rng, const char *src, const kv_op_t *op);

//  The numbers of the newest and the oldest state kept.
int64_t seq_kv_newest (seq_kv_t *self);
int64_t seq_kv_oldest (seq_kv_t *self);

//  The state sender src last used, or -1 when src has none.
int64_t seq_kv_session (seq_kv_t *self, const char *src);

#endif
