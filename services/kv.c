/*  kv.c -- Maelstrom's KV requests decided on one key, and the key map
    (see kv.h).

    Every KV request touches exactly one key, so kv_decide needs only that
    key's value: the services differ in which state they take it from
    (lin-kv: the one map; lww-kv: a random replica; seq-kv: a state of its
    window) and what they do with the outcome, never in the decision. That
    keeps Maelstrom's semantics in one function, tested without sockets.

    The map is a jansson object keyed by canonical key text: compact JSON
    with sorted object keys, so equal decoded keys have equal text. Reals
    print with 17 significant digits, so equal doubles print alike.
*/
#include <czmq.h>
#include "limits.h"
#include "kv.h"

#define KV_TEXT_FLAGS (JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY)

struct _kv_map_t {
    json_t *object;         //  canonical key text -> value
};

//  A field of the body, JSON null when absent (Clojure's nil).
static json_t *
s_field (json_t *body, const char *name)
{
    json_t *field = json_object_get (body, name);
    return json_incref (field? field: json_null ());
}

//  Clojure's truthiness: anything but false and nil.
static bool
s_truthy (json_t *value)
{
    return value && !json_is_false (value) && !json_is_null (value);
}

int
kv_op_parse (kv_op_t *op, json_t *body)
{
    assert (op);
    memset (op, 0, sizeof *op);
    const char *type = json_string_value (json_object_get (body, "type"));
    if (!type)
        return -1;
    if (streq (type, "read"))
        op->type = KV_READ;
    else
    if (streq (type, "write"))
        op->type = KV_WRITE;
    else
    if (streq (type, "cas"))
        op->type = KV_CAS;
    else
        return -1;
    json_t *key = s_field (body, "key");
    op->key = json_dumps (key, KV_TEXT_FLAGS);
    assert (op->key);
    json_decref (key);
    if (op->type == KV_WRITE)
        op->value = s_field (body, "value");
    if (op->type == KV_CAS) {
        op->from = s_field (body, "from");
        op->to = s_field (body, "to");
        op->create = s_truthy (json_object_get (body, "create_if_not_exists"));
    }
    return 0;
}

void
kv_op_release (kv_op_t *op)
{
    assert (op);
    free (op->key);
    json_decref (op->value);
    json_decref (op->from);
    json_decref (op->to);
    memset (op, 0, sizeof *op);
}

json_t *
kv_error (int code, const char *format, ...)
{
    char text [FL_SERVICE_LOG_LINE_BYTES_MAX];
    va_list args;
    va_start (args, format);
    vsnprintf (text, sizeof text, format, args);
    va_end (args);
    json_t *reply = json_pack ("{s:s, s:i, s:s}", "type", "error", "code", code, "text", text);
    assert (reply);
    return reply;
}

//  Error 22: the current value and the expected one, whole (both are
//  below FL_SERVICE_VALUE_BYTES_MAX, so the reply stays a message).
static json_t *
s_precondition_failed (const json_t *current, const json_t *from)
{
    char *have = json_dumps (current, KV_TEXT_FLAGS);
    char *want = json_dumps (from, KV_TEXT_FLAGS);
    char *text = NULL;
    int rc = asprintf (&text, "current value %s is not %s", have, want);
    assert (rc >= 0);
    json_t *reply = json_pack ("{s:s, s:i, s:s}", "type", "error",
                               "code", KV_ERR_PRECONDITION_FAILED, "text", text);
    free (have);
    free (want);
    free (text);
    return reply;
}

static json_t *
s_ok (const char *type)
{
    return json_pack ("{s:s}", "type", type);
}

void
kv_decide (const kv_op_t *op, const json_t *current, bool create_allowed, kv_outcome_t *out)
{
    assert (op && op->key && out);
    out->reply = NULL;
    out->store = NULL;
    if (op->type == KV_READ) {
        out->reply = current? json_pack ("{s:s, s:O}", "type", "read_ok", "value", current)
                            : kv_error (KV_ERR_KEY_DOES_NOT_EXIST, "key does not exist");
        return;
    }
    if (op->type == KV_WRITE) {
        out->reply = s_ok ("write_ok");
        if (!current || !json_equal ((json_t *) current, op->value))
            out->store = json_incref (op->value);
        return;
    }
    assert (op->type == KV_CAS);
    if (!current) {
        if (op->create && create_allowed) {
            out->reply = s_ok ("cas_ok");
            out->store = json_incref (op->to);
        }
        else
            out->reply = kv_error (KV_ERR_KEY_DOES_NOT_EXIST, "key does not exist");
        return;
    }
    if (!json_equal ((json_t *) current, op->from)) {
        out->reply = s_precondition_failed (current, op->from);
        return;
    }
    out->reply = s_ok ("cas_ok");
    if (!json_equal ((json_t *) current, op->to))
        out->store = json_incref (op->to);
}

bool
kv_bound (const kv_op_t *op, kv_outcome_t *out, bool new_key, size_t keys)
{
    assert (op && out);
    if (!out->store)
        return false;
    size_t key_bytes = strlen (op->key);
    size_t value_bytes = json_dumpb (out->store, NULL, 0, KV_TEXT_FLAGS);
    json_t *error = NULL;
    if (key_bytes > FL_SERVICE_KEY_BYTES_MAX)
        error = kv_error (KV_ERR_MALFORMED_REQUEST, "key of %zu bytes is over "
                          "FL_SERVICE_KEY_BYTES_MAX (%d)", key_bytes, FL_SERVICE_KEY_BYTES_MAX);
    else
    if (value_bytes > FL_SERVICE_VALUE_BYTES_MAX)
        error = kv_error (KV_ERR_MALFORMED_REQUEST, "value of %zu bytes is over "
                          "FL_SERVICE_VALUE_BYTES_MAX (%d)", value_bytes,
                          FL_SERVICE_VALUE_BYTES_MAX);
    else
    if (new_key && keys >= FL_SERVICE_KEYS_MAX)
        error = kv_error (KV_ERR_ABORT, "a new key would pass FL_SERVICE_KEYS_MAX (%d): "
                          "%.64s not stored", FL_SERVICE_KEYS_MAX, op->key);
    if (!error)
        return false;
    kv_outcome_release (out);
    out->reply = error;
    return true;
}

void
kv_outcome_release (kv_outcome_t *out)
{
    assert (out);
    json_decref (out->reply);
    json_decref (out->store);
    out->reply = NULL;
    out->store = NULL;
}


//  --------------------------------------------------------------------------
//  The map

kv_map_t *
kv_map_new (void)
{
    kv_map_t *self = (kv_map_t *) calloc (1, sizeof (kv_map_t));
    assert (self);
    self->object = json_object ();
    assert (self->object);
    return self;
}

void
kv_map_destroy (kv_map_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        json_decref ((*self_p)->object);
        free (*self_p);
        *self_p = NULL;
    }
}

json_t *
kv_map_get (kv_map_t *self, const char *key)
{
    assert (self && key);
    return json_object_get (self->object, key);
}

void
kv_map_set (kv_map_t *self, const char *key, json_t *value)
{
    assert (self && key && value);
    int rc = json_object_set_new (self->object, key, value);
    assert (rc == 0);
}

size_t
kv_map_size (kv_map_t *self)
{
    assert (self);
    return json_object_size (self->object);
}

json_t *
kv_map_apply (kv_map_t *self, const kv_op_t *op, bool create_allowed)
{
    assert (self && op);
    json_t *current = kv_map_get (self, op->key);
    kv_outcome_t out;
    kv_decide (op, current, create_allowed, &out);
    if (!kv_bound (op, &out, current == NULL, kv_map_size (self)) && out.store) {
        kv_map_set (self, op->key, out.store);
        out.store = NULL;
    }
    return out.reply;
}
