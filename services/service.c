/*  service.c -- one Maelstrom service: its state, the requests it serves,
    and the envelopes around them (see service.h).

    The kinds share one shape: a request body in, a reply body out (or
    none). Every KV kind parses the body into a kv_op_t and differs only
    in the state it applies the op to; lin-tso is a counter. The envelope
    layer (service_serve) is the same for all four: it is where malformed
    input stops, so the state machines only ever see a body object from
    a sender with an id.
*/
#include <czmq.h>
#include "hash.h"
#include "rng.h"
#include "kv.h"
#include "seq_kv.h"
#include "service.h"

static const char *s_ids [SERVICE_KINDS] = { "lin-kv", "seq-kv", "lww-kv", "lin-tso" };

struct _service_t {
    service_kind_t kind;
    rng_t rng;
    kv_map_t *map;                              //  lin-kv
    seq_kv_t *seq;                              //  seq-kv
    kv_map_t *replicas [SERVICE_LWW_REPLICAS];  //  lww-kv
    int64_t ts_next;                            //  lin-tso
};

const char *
service_kind_id (service_kind_t kind)
{
    assert (kind >= 0 && kind < SERVICE_KINDS);
    return s_ids [kind];
}

int
service_kind_find (const char *id)
{
    for (int kind = 0; id && kind < SERVICE_KINDS; kind++)
        if (streq (id, s_ids [kind]))
            return kind;
    return -1;
}

service_t *
service_new (service_kind_t kind, uint64_t seed)
{
    assert (kind >= 0 && kind < SERVICE_KINDS);
    service_t *self = (service_t *) zmalloc (sizeof (service_t));
    assert (self);
    self->kind = kind;
    const char *id = s_ids [kind];
    rng_init_stream (&self->rng, seed, hash_fnv1a64 (id, strlen (id), HASH_FNV1A64_BASIS));
    if (kind == SERVICE_LIN_KV)
        self->map = kv_map_new ();
    if (kind == SERVICE_SEQ_KV)
        self->seq = seq_kv_new ();
    if (kind == SERVICE_LWW_KV)
        for (int index = 0; index < SERVICE_LWW_REPLICAS; index++)
            self->replicas [index] = kv_map_new ();
    return self;
}

void
service_destroy (service_t **self_p)
{
    assert (self_p);
    service_t *self = *self_p;
    if (!self)
        return;
    kv_map_destroy (&self->map);
    seq_kv_destroy (&self->seq);
    for (int index = 0; index < SERVICE_LWW_REPLICAS; index++)
        kv_map_destroy (&self->replicas [index]);
    free (self);
    *self_p = NULL;
}

const char *
service_id (service_t *self)
{
    assert (self);
    return s_ids [self->kind];
}

//  The reply body for a body this kind serves, without in_reply_to, or
//  NULL for a type it does not serve.
static json_t *
s_result (service_t *self, const char *src, json_t *body)
{
    if (self->kind == SERVICE_LIN_TSO) {
        const char *type = json_string_value (json_object_get (body, "type"));
        if (!type || !streq (type, "ts"))
            return NULL;
        return json_pack ("{s:s, s:I}", "type", "ts_ok", "ts", (json_int_t) self->ts_next++);
    }
    kv_op_t op;
    if (kv_op_parse (&op, body))
        return NULL;
    json_t *reply;
    if (self->kind == SERVICE_LIN_KV)
        reply = kv_map_apply (self->map, &op, true);
    else
    if (self->kind == SERVICE_SEQ_KV)
        reply = seq_kv_apply (self->seq, &self->rng, src, &op);
    else {
        kv_map_t *replica = self->replicas [rng_below (&self->rng, SERVICE_LWW_REPLICAS)];
        reply = kv_map_apply (replica, &op, false);
    }
    kv_op_release (&op);
    return reply;
}

json_t *
service_handle (service_t *self, const char *src, json_t *body)
{
    assert (self && src && body);
    json_t *reply = s_result (self, src, body);
    if (reply) {
        json_t *msg_id = json_object_get (body, "msg_id");
        json_object_set_new (reply, "in_reply_to", msg_id? json_incref (msg_id): json_null ());
    }
    return reply;
}


//  --------------------------------------------------------------------------
//  Envelopes

void
service_quote (const char *data, size_t size, char *text)
{
    assert (data || size == 0);
    size_t shown = size > FL_SERVICE_LOG_LINE_BYTES_MAX? FL_SERVICE_LOG_LINE_BYTES_MAX: size;
    for (size_t index = 0; index < shown; index++) {
        unsigned char byte = (unsigned char) data [index];
        text [index] = byte < 0x20 || byte > 0x7e? '?': (char) byte;
    }
    strcpy (text + shown, size > shown? "...": "");
}

//  A routable id: 1 to FL_ID_BYTES_MAX bytes, no control characters.
static bool
s_is_id (const char *id)
{
    size_t length = id? strlen (id): 0;
    if (length == 0 || length > FL_ID_BYTES_MAX)
        return false;
    for (size_t index = 0; index < length; index++)
        if ((unsigned char) id [index] < 0x20)
            return false;
    return true;
}

static int
s_problem (service_out_t *out, const char *from, const char *data, size_t size,
           const char *why)
{
    char quoted [FL_SERVICE_LOG_LINE_BYTES_MAX + 4];
    service_quote (data, size, quoted);
    snprintf (out->problem, sizeof out->problem, "no reply to %s: %s: %s", from, why, quoted);
    return -1;
}

int
service_serve (service_t *self, const char *from, const char *data, size_t size,
               service_out_t *out)
{
    assert (self && from && out);
    memset (out, 0, sizeof *out);
    json_error_t error;
    json_t *envelope = json_loadb (data? data: "", size, 0, &error);
    char why [256 + JSON_ERROR_TEXT_LENGTH];
    if (!envelope) {
        snprintf (why, sizeof why, "not JSON (%s at column %d)", error.text, error.column);
        return s_problem (out, from, data, size, why);
    }
    json_t *body = json_object_get (envelope, "body");
    const char *src = json_string_value (json_object_get (envelope, "src"));
    const char *type = json_string_value (json_object_get (body, "type"));
    int rc = 0;
    if (!json_is_object (envelope))
        rc = s_problem (out, from, data, size, "not a JSON object");
    else
    if (!json_is_object (body))
        rc = s_problem (out, from, data, size, "no body object");
    else
    if (!s_is_id (src))
        rc = s_problem (out, from, data, size, "no src to reply to (an id of 1 to 32 bytes)");
    else
    if (!type)
        rc = s_problem (out, from, data, size, "the body has no type");
    if (rc) {
        json_decref (envelope);
        return rc;
    }
    json_t *reply = service_handle (self, src, body);
    if (!reply) {
        snprintf (why, sizeof why, "unknown type \"%.64s\" for %s", type, service_id (self));
        rc = s_problem (out, from, data, size, why);
        json_decref (envelope);
        return rc;
    }
    json_t *answer = json_pack ("{s:s, s:s, s:o}", "src", service_id (self), "dest", src,
                                "body", reply);
    assert (answer);
    snprintf (out->dest, sizeof out->dest, "%s", src);
    out->reply = json_dumps (answer, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert (out->reply);
    json_decref (answer);
    json_decref (envelope);
    return 0;
}
