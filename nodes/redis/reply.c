/*  reply.c -- Redis replies as lin-kv answers (reply.h). Pure: no sockets.
*/
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "limits.h"
#include "nodes/lib/node.h"
#include "nodes/redis/reply.h"

#define streq(a, b) (strcmp ((a), (b)) == 0)

static bool
s_word (json_t *body, const char *field, const char *format, char *out)
{
    json_t *value = json_object_get (body, field);
    if (!json_is_integer (value))
        return false;
    snprintf (out, 32, format, (long long) json_integer_value (value));
    return true;
}

bool
reply_words (json_t *body, reply_words_t *words, const char **error)
{
    const char *type = json_string_value (json_object_get (body, "type"));
    memset (words, 0, sizeof *words);
    *error = NULL;
    words->set = type && (streq (type, "add")
                      || (streq (type, "read") && !json_object_get (body, "key")));
    if (words->set) {
        snprintf (words->key, sizeof words->key, "fl:set");
        if (streq (type, "add") && !s_word (body, "element", "%lld", words->value))
            *error = "g-set on Redis needs an integer element to add";
    }
    else
    if (!type || !s_word (body, "key", "fl:%lld", words->key))
        *error = "lin-kv on Redis needs an integer key";
    else
    if (snprintf (words->applied, sizeof words->applied, "%s:applied", words->key) < 0
    ||  snprintf (words->trimmed, sizeof words->trimmed, "%s:trimmed", words->key) < 0)
        *error = "the key's list names did not fit";
    else
    if (streq (type, "write") && !s_word (body, "value", "%lld", words->value))
        *error = "lin-kv on Redis needs an integer value to write";
    else
    if (streq (type, "cas") && (!s_word (body, "from", "%lld", words->from)
                            ||  !s_word (body, "to", "%lld", words->to)))
        *error = "lin-kv on Redis needs integer from and to for cas";
    return *error == NULL;
}

static json_t *
s_error (int code, const char *text)
{
    return json_pack ("{s:s, s:i, s:s}", "type", "error", "code", code, "text", text);
}

static bool
s_prefix (const char *text, const char *prefix)
{
    return strncmp (text, prefix, strlen (prefix)) == 0;
}

//  An integer in Redis's text: true and *out when it is one.
static bool
s_integer (const char *text, size_t len, long long *out)
{
    if (len == 0 || len >= 32)
        return false;
    char copy [32], *end = NULL;
    memcpy (copy, text, len);
    copy [len] = 0;
    *out = strtoll (copy, &end, 10);
    return end && *end == 0;
}

//  An error reply: refusals before anything ran are definite.
static json_t *
s_refusal (const redisReply *reply)
{
    const char *text = reply->str? reply->str: "";
    if (s_prefix (text, "READONLY") || s_prefix (text, "MASTERDOWN")
    ||  s_prefix (text, "LOADING"))
        return s_error (NODE_ERR_TEMPORARILY_UNAVAILABLE, text);
    return s_error (NODE_ERR_TIMEOUT, text);
}

static json_t *s_members (const redisReply *members);

json_t *
reply_result (const char *type, bool set, reply_transport_t transport,
              const redisReply *reply, int wait_wanted, long long wait_acked)
{
    if (transport == REPLY_UNSENT)
        return s_error (NODE_ERR_TEMPORARILY_UNAVAILABLE, "no connection to the Redis primary");
    if (transport == REPLY_LOST || !reply)
        return s_error (NODE_ERR_TIMEOUT, "Redis did not answer in time");
    if (reply->type == REDIS_REPLY_ERROR)
        return s_refusal (reply);
    long long value = 0;
    if (set && streq (type, "add")) {
        if (reply->type != REDIS_REPLY_INTEGER)
            return s_error (NODE_ERR_TIMEOUT, "SADD's answer was not understood");
        if (wait_wanted > 0 && wait_acked < wait_wanted)
            return s_error (NODE_ERR_TIMEOUT, "added on the primary, WAIT short of replicas");
        return json_pack ("{s:s}", "type", "add_ok");
    }
    if (set) {
        json_t *elements = s_members (reply);
        return elements? json_pack ("{s:s, s:o}", "type", "read_ok", "value", elements)
             : s_error (NODE_ERR_TIMEOUT, "SMEMBERS's answer was not understood");
    }
    if (streq (type, "read")) {
        if (reply->type == REDIS_REPLY_NIL)
            return s_error (NODE_ERR_KEY_DOES_NOT_EXIST, "key does not exist");
        if (reply->type == REDIS_REPLY_STRING && s_integer (reply->str, reply->len, &value))
            return json_pack ("{s:s, s:I}", "type", "read_ok", "value", (json_int_t) value);
        return s_error (NODE_ERR_TIMEOUT, "GET's answer is not an integer");
    }
    if (streq (type, "write")) {
        if (reply->type != REDIS_REPLY_STATUS || !reply->str || !streq (reply->str, "OK"))
            return s_error (NODE_ERR_TIMEOUT, "SET's answer was not understood");
        if (wait_wanted > 0 && wait_acked < wait_wanted)
            return s_error (NODE_ERR_TIMEOUT, "written on the primary, WAIT short of replicas");
        return json_pack ("{s:s}", "type", "write_ok");
    }
    if (reply->type != REDIS_REPLY_INTEGER)
        return s_error (NODE_ERR_TIMEOUT, "the cas script's answer was not understood");
    if (reply->integer == 0 && wait_wanted > 0 && wait_acked < wait_wanted)
        return s_error (NODE_ERR_TIMEOUT, "cas applied on the primary, WAIT short of replicas");
    if (reply->integer == 0)
        return json_pack ("{s:s}", "type", "cas_ok");
    if (reply->integer == 1)
        return s_error (NODE_ERR_PRECONDITION_FAILED, "current value is not from");
    if (reply->integer == 2)
        return s_error (NODE_ERR_KEY_DOES_NOT_EXIST, "key does not exist");
    return s_error (NODE_ERR_TIMEOUT, "the cas script answered an unknown code");
}

bool
reply_master (const redisReply *reply, char *host, size_t size, int *port)
{
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 2)
        return false;
    const redisReply *name = reply->element [0], *number = reply->element [1];
    long long value = 0;
    if (name->type != REDIS_REPLY_STRING || number->type != REDIS_REPLY_STRING
    ||  name->len == 0 || name->len >= size
    ||  !s_integer (number->str, number->len, &value) || value < 1 || value > 65535)
        return false;
    memcpy (host, name->str, name->len);
    host [name->len] = 0;
    *port = (int) value;
    return true;
}

const char *
reply_role (const char *info)
{
    const char *line = info? strstr (info, "role:"): NULL;
    if (!line)
        return NULL;
    if (s_prefix (line, "role:master"))
        return "primary";
    if (s_prefix (line, "role:slave"))
        return "replica";
    return NULL;
}

long long
reply_config_epoch (const redisReply *reply)
{
    if (!reply || reply->type != REDIS_REPLY_ARRAY)
        return -1;
    for (size_t index = 0; index + 1 < reply->elements; index += 2) {
        const redisReply *field = reply->element [index], *value = reply->element [index + 1];
        long long epoch;
        if (field->type == REDIS_REPLY_STRING && field->str && streq (field->str, "config-epoch")
        &&  value->type == REDIS_REPLY_STRING && s_integer (value->str, value->len, &epoch))
            return epoch;
    }
    return -1;
}

static int
s_pair_compare (const void *a, const void *b)
{
    json_int_t x = json_integer_value (json_array_get (*(json_t *const *) a, 0));
    json_int_t y = json_integer_value (json_array_get (*(json_t *const *) b, 0));
    return x < y? -1: x > y;
}

static int
s_integer_compare (const void *a, const void *b)
{
    long long x = *(const long long *) a, y = *(const long long *) b;
    return x < y? -1: x > y;
}

//  SMEMBERS's reply as a sorted array of integers, or NULL.
static json_t *
s_members (const redisReply *members)
{
    if (!members || members->type != REDIS_REPLY_ARRAY)
        return NULL;
    long long *values = (long long *) calloc (members->elements + 1, sizeof (long long));
    assert (values);
    size_t have = 0;
    for (size_t index = 0; index < members->elements; index++) {
        const redisReply *member = members->element [index];
        if (member->type == REDIS_REPLY_STRING
        &&  s_integer (member->str, member->len, &values [have]))
            have++;
    }
    qsort (values, have, sizeof (long long), s_integer_compare);
    json_t *elements = json_array ();
    for (size_t index = 0; index < have; index++)
        json_array_append_new (elements, json_integer ((json_int_t) values [index]));
    free (values);
    return elements;
}

json_t *
reply_state (const redisReply *keys, const redisReply *values,
             const redisReply *members)
{
    if (!keys || !values || keys->type != REDIS_REPLY_ARRAY
    ||  values->type != REDIS_REPLY_ARRAY || keys->elements != values->elements)
        return NULL;
    size_t count = keys->elements, have = 0;
    json_t **pairs = (json_t **) calloc (count + 1, sizeof (json_t *));
    assert (pairs);
    for (size_t index = 0; index < count && have < FL_DB_KEYS_MAX; index++) {
        const redisReply *key = keys->element [index], *value = values->element [index];
        long long k, v;
        if (key->type == REDIS_REPLY_STRING && key->len > 3 && s_prefix (key->str, "fl:")
        &&  s_integer (key->str + 3, key->len - 3, &k)
        &&  value->type == REDIS_REPLY_STRING && s_integer (value->str, value->len, &v))
            pairs [have++] = json_pack ("[I, I]", (json_int_t) k, (json_int_t) v);
    }
    qsort (pairs, have, sizeof (json_t *), s_pair_compare);
    json_t *state = json_array ();
    for (size_t index = 0; index < have; index++)
        json_array_append_new (state, pairs [index]);
    free (pairs);
    json_t *elements = s_members (members);
    if (elements)
        json_array_append_new (state, json_pack ("[n, o]", elements));
    return state;
}

//  A key of KEYS fl:* that is lin-kv data, "fl:INTEGER", into *k.
static bool
s_data_key (const redisReply *key, long long *k)
{
    return key->type == REDIS_REPLY_STRING && key->len > 3 && s_prefix (key->str, "fl:")
        && s_integer (key->str + 3, key->len - 3, k);
}

size_t
reply_data_keys (const redisReply *keys, redisReply **picked, size_t max)
{
    if (!keys || keys->type != REDIS_REPLY_ARRAY)
        return 0;
    size_t count = 0;
    for (size_t index = 0; index < keys->elements; index++) {
        redisReply *key = keys->element [index];
        long long k;
        if (s_data_key (key, &k) || (key->type == REDIS_REPLY_STRING && key->str
                                 &&  streq (key->str, "fl:set"))) {
            if (count < max)
                picked [count] = key;
            count++;
        }
    }
    return count;
}

bool
reply_applied (json_t *pair, const redisReply *list, const redisReply *trimmed)
{
    assert (json_is_array (pair) && json_array_size (pair) == 2);
    if (!list || list->type != REDIS_REPLY_ARRAY || list->elements == 0)
        return false;
    json_t *values = json_array ();
    for (size_t index = 0; index < list->elements; index++) {
        const redisReply *item = list->element [index];
        long long value;
        if (item->type != REDIS_REPLY_STRING || !s_integer (item->str, item->len, &value)) {
            json_decref (values);
            return false;
        }
        json_array_append_new (values, json_integer ((json_int_t) value));
    }
    json_array_append_new (pair, values);
    long long dropped = 0;
    if (trimmed && trimmed->type == REDIS_REPLY_STRING
    &&  s_integer (trimmed->str, trimmed->len, &dropped) && dropped > 0)
        json_array_append_new (pair, json_integer ((json_int_t) dropped));
    return true;
}
