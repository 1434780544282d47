/*  gateway.c -- etcd v3 JSON gateway bodies and replies (gateway.h). Pure:
    no sockets, no clock.
*/
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include "limits.h"
#include "nodes/lib/node.h"
#include "nodes/etcd/gateway.h"

#define streq(a, b) (strcmp ((a), (b)) == 0)

static const char s_alphabet [] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *
gateway_base64_encode (const char *data, size_t len)
{
    char *text = (char *) malloc (4 * ((len + 2) / 3) + 1);
    assert (text);
    const unsigned char *in = (const unsigned char *) data;
    size_t at = 0;
    for (size_t index = 0; index < len; index += 3) {
        uint32_t word = (uint32_t) in [index] << 16;
        if (index + 1 < len)
            word |= (uint32_t) in [index + 1] << 8;
        if (index + 2 < len)
            word |= in [index + 2];
        text [at++] = s_alphabet [(word >> 18) & 63];
        text [at++] = s_alphabet [(word >> 12) & 63];
        text [at++] = index + 1 < len? s_alphabet [(word >> 6) & 63]: '=';
        text [at++] = index + 2 < len? s_alphabet [word & 63]: '=';
    }
    text [at] = 0;
    return text;
}

static int
s_sextet (char c)
{
    const char *at = c? strchr (s_alphabet, c): NULL;
    return at? (int) (at - s_alphabet): -1;
}

char *
gateway_base64_decode (const char *text, size_t *len)
{
    size_t size = strlen (text);
    if (size % 4)
        return NULL;
    char *data = (char *) malloc (size / 4 * 3 + 1);
    assert (data);
    size_t at = 0;
    for (size_t index = 0; index < size; index += 4) {
        int a = s_sextet (text [index]), b = s_sextet (text [index + 1]);
        int c = s_sextet (text [index + 2]), d = s_sextet (text [index + 3]);
        bool last = index + 4 == size;
        bool pad_c = last && text [index + 2] == '=' && text [index + 3] == '=';
        bool pad_d = last && text [index + 3] == '=';
        if (a < 0 || b < 0 || (c < 0 && !pad_c) || (d < 0 && !pad_d)) {
            free (data);
            return NULL;
        }
        uint32_t word = (uint32_t) a << 18 | (uint32_t) b << 12
                      | (uint32_t) (c < 0? 0: c) << 6 | (uint32_t) (d < 0? 0: d);
        data [at++] = (char) (word >> 16);
        if (!pad_c)
            data [at++] = (char) (word >> 8 & 255);
        if (!pad_d)
            data [at++] = (char) (word & 255);
    }
    data [at] = 0;
    *len = at;
    return data;
}

//  The base64 of "fl/K" for integer key K.
static char *
s_key (json_int_t key)
{
    char text [32];
    snprintf (text, sizeof text, "fl/%" JSON_INTEGER_FORMAT, key);
    return gateway_base64_encode (text, strlen (text));
}

static char *
s_value (json_int_t value)
{
    char text [32];
    snprintf (text, sizeof text, "%" JSON_INTEGER_FORMAT, value);
    return gateway_base64_encode (text, strlen (text));
}

static char *
s_dump (json_t *json)
{
    char *text = json_dumps (json, JSON_COMPACT);
    json_decref (json);
    assert (text);
    return text;
}

//  The txn of a cas: put TO if the value is FROM, else read the key back.
static json_t *
s_cas (const char *key, const char *from, const char *to)
{
    return json_pack ("{s:[{s:s, s:s, s:s, s:s}], s:[{s:{s:s, s:s}}], s:[{s:{s:s}}]}",
        "compare", "key", key, "target", "VALUE", "result", "EQUAL", "value", from,
        "success", "requestPut", "key", key, "value", to,
        "failure", "requestRange", "key", key);
}

char *
gateway_request (json_t *body, bool serializable, const char **path,
                 const char **error)
{
    const char *type = json_string_value (json_object_get (body, "type"));
    json_t *key = json_object_get (body, "key");
    *error = NULL;
    if (!type || !json_is_integer (key)) {
        *error = "lin-kv on etcd needs an integer key";
        return NULL;
    }
    char *key64 = s_key (json_integer_value (key)), *text = NULL;
    json_t *value = json_object_get (body, "value");
    json_t *from = json_object_get (body, "from"), *to = json_object_get (body, "to");
    if (streq (type, "read")) {
        *path = "/v3/kv/range";
        text = s_dump (json_pack ("{s:s, s:b}", "key", key64, "serializable", serializable));
    }
    else
    if (streq (type, "write") && json_is_integer (value)) {
        char *value64 = s_value (json_integer_value (value));
        *path = "/v3/kv/put";
        text = s_dump (json_pack ("{s:s, s:s}", "key", key64, "value", value64));
        free (value64);
    }
    else
    if (streq (type, "cas") && json_is_integer (from) && json_is_integer (to)) {
        char *from64 = s_value (json_integer_value (from));
        char *to64 = s_value (json_integer_value (to));
        *path = "/v3/kv/txn";
        text = s_dump (s_cas (key64, from64, to64));
        free (from64);
        free (to64);
    }
    else
        *error = "lin-kv on etcd needs an integer value (write) or from and to (cas)";
    free (key64);
    return text;
}

char *
gateway_prefix_request (void)
{
    char *key = gateway_base64_encode ("fl/", 3), *end = gateway_base64_encode ("fl0", 3);
    char *text = s_dump (json_pack ("{s:s, s:s, s:b}", "key", key, "range_end", end,
                                    "serializable", 1));
    free (key);
    free (end);
    return text;
}

static json_t *
s_error (int code, const char *text)
{
    return json_pack ("{s:s, s:i, s:s}", "type", "error", "code", code, "text", text);
}

//  A kv's base64 field as an integer into *out; false when it is not one.
static bool
s_integer (json_t *kv, const char *field, size_t skip, json_int_t *out)
{
    const char *text = json_string_value (json_object_get (kv, field));
    size_t len = 0;
    char *data = text? gateway_base64_decode (text, &len): NULL;
    bool ok = false;
    if (data && len > skip && len < 32) {
        char *end = NULL;
        long long value = strtoll (data + skip, &end, 10);
        ok = end && *end == 0;
        *out = (json_int_t) value;
    }
    free (data);
    return ok;
}

//  The value of a range response's first kv: 1 found, 0 none, -1 unreadable.
static int
s_range_value (json_t *range, json_int_t *value)
{
    json_t *kvs = json_object_get (range, "kvs");
    if (!kvs || json_array_size (kvs) == 0)
        return json_is_object (range)? 0: -1;
    return s_integer (json_array_get (kvs, 0), "value", 0, value)? 1: -1;
}

json_t *
gateway_reply (const char *type, gateway_transport_t transport, long status,
               const char *response)
{
    if (transport == GATEWAY_UNSENT)
        return s_error (NODE_ERR_TEMPORARILY_UNAVAILABLE, "etcd member refused the connection");
    if (transport == GATEWAY_LOST)
        return s_error (NODE_ERR_TIMEOUT, "etcd did not answer in time");
    json_t *json = response? json_loads (response, 0, NULL): NULL;
    json_t *reply = NULL;
    json_int_t value = 0;
    if (status != 200 || !json_is_object (json))
        reply = s_error (NODE_ERR_TIMEOUT, status >= 500? "etcd answered a server error"
                                                        : "etcd's answer was not understood");
    else
    if (streq (type, "write"))
        reply = json_pack ("{s:s}", "type", "write_ok");
    else
    if (streq (type, "read")) {
        int found = s_range_value (json, &value);
        reply = found > 0? json_pack ("{s:s, s:I}", "type", "read_ok", "value", value)
              : found == 0? s_error (NODE_ERR_KEY_DOES_NOT_EXIST, "key does not exist")
              : s_error (NODE_ERR_TIMEOUT, "etcd's range was not understood");
    }
    else
    if (json_is_true (json_object_get (json, "succeeded")))
        reply = json_pack ("{s:s}", "type", "cas_ok");
    else {
        json_t *first = json_array_get (json_object_get (json, "responses"), 0);
        int found = s_range_value (json_object_get (first, "response_range"), &value);
        reply = found > 0? s_error (NODE_ERR_PRECONDITION_FAILED, "current value is not from")
              : found == 0? s_error (NODE_ERR_KEY_DOES_NOT_EXIST, "key does not exist")
              : s_error (NODE_ERR_TIMEOUT, "etcd's txn was not understood");
    }
    json_decref (json);
    return reply;
}

static int
s_pair_compare (const void *a, const void *b)
{
    json_int_t x = json_integer_value (json_array_get (*(json_t *const *) a, 0));
    json_int_t y = json_integer_value (json_array_get (*(json_t *const *) b, 0));
    return x < y? -1: x > y;
}

json_t *
gateway_state (const char *response)
{
    json_t *json = response? json_loads (response, 0, NULL): NULL;
    if (!json_is_object (json) || !json_is_object (json_object_get (json, "header"))) {
        json_decref (json);
        return NULL;
    }
    json_t *kvs = json_object_get (json, "kvs");
    size_t count = json_array_size (kvs), have = 0;
    json_t **pairs = (json_t **) calloc (count + 1, sizeof (json_t *));
    assert (pairs);
    for (size_t index = 0; index < count && have < FL_DB_KEYS_MAX; index++) {
        json_int_t key, value;
        json_t *kv = json_array_get (kvs, index);
        if (s_integer (kv, "key", 3, &key) && s_integer (kv, "value", 0, &value))
            pairs [have++] = json_pack ("[I, I]", key, value);
    }
    qsort (pairs, have, sizeof (json_t *), s_pair_compare);
    json_t *state = json_array ();
    for (size_t index = 0; index < have; index++)
        json_array_append_new (state, pairs [index]);
    free (pairs);
    json_decref (json);
    return state;
}

const char *
gateway_role (const char *response, long long *term)
{
    json_t *json = response? json_loads (response, 0, NULL): NULL;
    const char *member = json_string_value (json_object_get (
                         json_object_get (json, "header"), "member_id"));
    const char *leader = json_string_value (json_object_get (json, "leader"));
    const char *raft_term = json_string_value (json_object_get (json, "raftTerm"));
    const char *role = NULL;
    if (member && leader) {
        role = streq (member, leader)? "leader": "follower";
        *term = raft_term? strtoll (raft_term, NULL, 10): 0;
    }
    json_decref (json);
    return role;
}

bool
gateway_healthy (const char *response)
{
    json_t *json = response? json_loads (response, 0, NULL): NULL;
    const char *health = json_string_value (json_object_get (json, "health"));
    bool healthy = health && streq (health, "true");
    json_decref (json);
    return healthy;
}
