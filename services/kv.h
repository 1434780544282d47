/*  kv.h -- one request to Maelstrom's key-value services (read, write,
    cas: MAELSTROM.md section 4), decided as a pure function of the value
    its key holds, and the map of keys to values that lin-kv and each
    lww-kv replica keep (seq-kv keeps its own window of states, seq_kv.h).

    Keys and values are any JSON and compare by decoded value, as
    Maelstrom's Clojure maps do: 1, 1.0 and "1" are three different keys,
    {"a":1,"b":2} and {"b":2,"a":1} are one. So a key is held by its
    canonical text (compact JSON, object keys sorted) and values compare
    with json_equal. A missing field reads as JSON null, as Clojure's nil
    does in Maelstrom: {"type":"read"} reads the key null, and a cas
    without "from" expects null.

        request                                   reply
        read {key}                                read_ok {value} | 20
        write {key, value}                        write_ok
        cas {key, from, to, create_if_not_exists} cas_ok | 22 | 20

    Error 20's text is "key does not exist"; 22's shows the current value
    and the expected one. create_if_not_exists counts when truthy as in
    Clojure (anything but false and null): the missing key is created
    holding "to". A stored key or value past FL_SERVICE_KEY_BYTES_MAX or
    FL_SERVICE_VALUE_BYTES_MAX gets error 12, a new key past
    FL_SERVICE_KEYS_MAX error 14 (kv_bound); reads are never refused.
*/
#ifndef FL_KV_H_INCLUDED
#define FL_KV_H_INCLUDED
#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

//  Maelstrom's error codes that the services answer with (errors.edn).
enum {
    KV_ERR_MALFORMED_REQUEST    = 12,
    KV_ERR_ABORT                = 14,
    KV_ERR_KEY_DOES_NOT_EXIST   = 20,
    KV_ERR_PRECONDITION_FAILED  = 22
};

typedef enum { KV_READ, KV_WRITE, KV_CAS } kv_type_t;

//  A parsed request. Embedded: kv_op_parse fills it, kv_op_release frees
//  what it holds.
typedef struct {
    kv_type_t type;
    char *key;              // canonical JSON text of the key (owned)
    json_t *value;          // write: the value (a reference held)
    json_t *from;           // cas: the expected value (a reference held)
    json_t *to;             // cas: the new value (a reference held)
    bool create;            // cas: create_if_not_exists is truthy
} kv_op_t;

//  Read a request body into op. Returns 0, or -1 when its type is not
//  read, write or cas (op is left empty; release is still safe).
int kv_op_parse (kv_op_t *op, json_t *body);

//  Free what op holds; op may be released twice.
void kv_op_release (kv_op_t *op);

//  What an op does to its key: the reply, and the value to store.
typedef struct {
    json_t *reply;          // the reply body, without in_reply_to (owned)
    json_t *store;          // the key's new value (owned), or NULL when the
                            // op leaves the state as it is (a read, a failed
                            // cas, writing the value the key holds)
} kv_outcome_t;

//  Decide op on a key whose value is current (borrowed; NULL when the key
//  does not exist). create_if_not_exists is honoured only when
//  create_allowed (lww-kv ignores it, as Maelstrom's does). Pure.
void kv_decide (const kv_op_t *op, const json_t *current, bool create_allowed,
                kv_outcome_t *out);

//  Whether storing out->store would pass a bound, in a state that holds
//  'keys' keys and where the key is new when new_key. If so, out's reply
//  becomes the error naming the bound, out->store is dropped (nothing
//  changes), and it returns true.
bool kv_bound (const kv_op_t *op, kv_outcome_t *out, bool new_key, size_t keys);

//  Free the outcome's reply and store.
void kv_outcome_release (kv_outcome_t *out);

//  An error reply body {"type":"error","code":code,"text":...}. Caller owns.
json_t *kv_error (int code, const char *format, ...)
    __attribute__ ((format (printf, 2, 3)));

//  A map of keys (canonical text) to values.
typedef struct _kv_map_t kv_map_t;

kv_map_t *kv_map_new (void);

//  Destroy; accepts NULL, nulls the pointer.
void kv_map_destroy (kv_map_t **self_p);

//  The value at key, or NULL. Borrowed.
json_t *kv_map_get (kv_map_t *self, const char *key);

//  Set key to value; takes value.
void kv_map_set (kv_map_t *self, const char *key, json_t *value);

//  Number of keys.
size_t kv_map_size (kv_map_t *self);

//  Decide op on this map, check the bounds, store. Returns the reply body
//  without in_reply_to; caller owns it.
json_t *kv_map_apply (kv_map_t *self, const kv_op_t *op, bool create_allowed);

#endif
