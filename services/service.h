/*  service.h -- Maelstrom's services as parties of the lab: lin-kv, seq-kv,
    lww-kv and lin-tso (MAELSTROM.md section 4, docs/services.md).

    Module services/ owns them: the state machine of each service and its
    envelopes, as pure code (this library, build/libservices.a, driven
    without sockets by its tests), and bin/lab-services (main.c), which
    connects one DEALER per service to the proxy's net endpoint. It uses
    only common/: it knows nothing of the harness, the proxy's code or the
    node library, and, like the proxy, decides with the randomness it is
    given (one seed) and never reads the clock.

    A service handles one request at a time, in arrival order, as
    Maelstrom's one thread per service does:

        lin-kv   one atomic map (kv.h)
        seq-kv   the last 32 states, sessions by sender (seq_kv.h)
        lww-kv   2 replicas, each request to a random one, never merged
                 (Maelstrom's behaviour); create_if_not_exists ignored
        lin-tso  ts -> ts_ok {ts}: 0, 1, 2, ... across all callers

    The reply to a request is the result with in_reply_to = the request's
    msg_id (null when it has none) and no msg_id, sent from the service's
    id to the envelope's src as written (not the frame's: a node that
    forwards a client's request keeping its src has the answer go to the
    client). A type the service does not serve gets no reply, as in
    Maelstrom; we also say why on stderr.

    Each service draws from its own stream of the seed (rng_init_stream
    with the FNV-1a hash of its id), so --only does not change another
    service's draws.
*/
#ifndef FL_SERVICE_H_INCLUDED
#define FL_SERVICE_H_INCLUDED
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "limits.h"

typedef enum {
    SERVICE_LIN_KV,
    SERVICE_SEQ_KV,
    SERVICE_LWW_KV,
    SERVICE_LIN_TSO,
    SERVICE_KINDS               //  how many there are
} service_kind_t;

//  Number of lww-kv replicas: Maelstrom's (its docs say 5, its code 2).
#define SERVICE_LWW_REPLICAS 2

//  The id of a kind ("lin-kv"). Static string.
const char *service_kind_id (service_kind_t kind);

//  The kind whose id is id, or -1 when there is none.
int service_kind_find (const char *id);

typedef struct _service_t service_t;

//  A service of this kind with its empty state, drawing from seed.
service_t *service_new (service_kind_t kind, uint64_t seed);

//  Destroy; accepts NULL, nulls the pointer.
void service_destroy (service_t **self_p);

//  The service's id ("lin-kv"): its routing id and the src of its replies.
const char *service_id (service_t *self);

//  Handle one request body from src (the envelope's src). Returns the
//  reply body with in_reply_to set (caller owns), or NULL when the body's
//  type is not one this service serves: no reply.
json_t *service_handle (service_t *self, const char *src, json_t *body);

//  What service_serve made of one message.
typedef struct {
    char dest [FL_ID_BYTES_MAX + 1];    //  where the reply goes
    char *reply;                        //  the reply envelope as JSON text
                                        //  (caller frees), or NULL
    char problem [FL_SERVICE_LOG_LINE_BYTES_MAX + 512];
                                        //  when no reply: why, naming the
                                        //  sender and quoting the message
} service_out_t;

//  Serve one message that arrived from the party 'from' (the proxy's src
//  frame) with envelope text data of size bytes (not NUL-terminated; may
//  hold anything). Returns 0 with out->dest and out->reply set, or -1 with
//  out->problem saying why there is no reply: not JSON, not an object, no
//  body object, no src to reply to, no type, or a type not served. Never
//  fails otherwise.
int service_serve (service_t *self, const char *from, const char *data, size_t size,
                   service_out_t *out);

//  The message as service_serve quotes it in a problem: at most
//  FL_SERVICE_LOG_LINE_BYTES_MAX bytes then "...", each control byte or
//  non-ASCII byte as '?'. Writes a NUL-terminated string into text, which
//  holds FL_SERVICE_LOG_LINE_BYTES_MAX + 4 bytes.
void service_quote (const char *data, size_t size, char *text);

#endif
