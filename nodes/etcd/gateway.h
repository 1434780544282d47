/*  gateway.h -- the pure half of bin/node-etcd: etcd v3 JSON gateway
    request bodies and what their replies mean as Maelstrom lin-kv answers.

    Module nodes/etcd owns the etcd shim (main.c does the HTTP with
    libcurl). This file knows etcd 3.4's gateway: keys and values are
    base64 in JSON; POST /v3/kv/put, /v3/kv/range ("serializable": true
    reads the member's own state without asking the leader), /v3/kv/txn
    (compare VALUE EQUAL, then requestPut, else requestRange so a failed
    cas says whether the key was missing); proto3 leaves false and empty
    fields out ("succeeded" absent means false, "kvs" absent means none).
    Lin-kv key K is stored as "fl/K", values as decimal text; both must be
    integers (the lin-kv workload's), anything else is malformed.
*/
#ifndef FL_NODES_ETCD_GATEWAY_H_INCLUDED
#define FL_NODES_ETCD_GATEWAY_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

//  How the HTTP exchange went, as far as the transport can tell.
typedef enum {
    GATEWAY_ANSWERED,       //  a full HTTP response came back
    GATEWAY_UNSENT,         //  nothing was sent (connection refused): definite
    GATEWAY_LOST            //  sent, then timeout or drop: indefinite
} gateway_transport_t;

//  Base64 (RFC 4648, with padding). Return malloc'd, NUL-terminated text;
//  decode returns NULL on bad input and sets *len to the decoded length.
char *gateway_base64_encode (const char *data, size_t len);
char *gateway_base64_decode (const char *text, size_t *len);

//  The gateway path and JSON body (malloc'd text) for lin-kv request
//  BODY (read, write, cas), or NULL with *error set to a static text when
//  the request is malformed (no integer key, value, from or to).
char *gateway_request (json_t *body, bool serializable, const char **path,
                       const char **error);

//  The body of a range over every lin-kv key ("fl/" up to "fl0"), read
//  serializable (the member's own state). Malloc'd.
char *gateway_prefix_request (void);

//  The Maelstrom reply (without in_reply_to) for lin-kv request TYPE
//  ("read", "write", "cas") after the exchange: read_ok/write_ok/cas_ok,
//  or error 20 (no such key), 22 (cas from mismatch), 11 (nothing sent),
//  0 (timeout, drop, HTTP 5xx or any answer we cannot read: the request
//  may have taken effect). New reference.
json_t *gateway_reply (const char *type, gateway_transport_t transport,
                       long status, const char *response);

//  The replica_read state from a prefix range's response: [[K, V], ...]
//  sorted by K, or NULL when the response is not a range's.
json_t *gateway_state (const char *response);

//  The member's role from /v3/maintenance/status: "leader" when its
//  member_id is the leader's, else "follower", with *term its raftTerm.
//  NULL when the response cannot be read.
const char *gateway_role (const char *response, long long *term);

//  Whether /health's response says healthy.
bool gateway_healthy (const char *response);

#endif
