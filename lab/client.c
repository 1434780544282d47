/*  client.c -- one client worker (see client.h).

    A reply counts only if its in_reply_to is the msg_id of the op in
    flight and it comes from the node the op was sent to (the proxy's src
    frame says who sent it): a reply from another node is ignored and
    counted in `ignored`. A late reply to an op that already timed out, or a duplicate
    made by the proxy, is ignored -- that op is already info, and the
    process that sent it is gone. Which node an op goes to is drawn from the
    client's own stream, so the same seed sends the same ops to the same
    nodes.
*/
#include <assert.h>
#include <jansson.h>
#include "client.h"
#include "limits.h"

#define CLIENT_NODE_STREAM 0x700000ULL

client_t *
client_new (int index, int clients, int nodes, int keys, int timeout_ms,
            uint64_t seed, const char *net)
{
    assert (index >= 1 && index <= clients);
    client_t *self = calloc (1, sizeof *self);
    assert (self);
    self->index = index;
    self->clients = clients;
    self->nodes = nodes;
    self->process = index - 1;
    self->timeout_ms = timeout_ms;
    snprintf (self->id, sizeof self->id, "c%d", index);
    gen_init (&self->gen, seed, index, clients, keys);
    rng_init_stream (&self->rng, seed, CLIENT_NODE_STREAM + (uint64_t) index);
    self->sock = zsock_new (ZMQ_DEALER);
    assert (self->sock);
    zsock_set_identity (self->sock, self->id);
    zsock_set_sndhwm (self->sock, FL_SOCKET_HWM);
    zsock_set_rcvhwm (self->sock, FL_SOCKET_HWM);
    zsock_connect (self->sock, "%s", net);
    return self;
}

void
client_destroy (client_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        zsock_destroy (&(*self_p)->sock);
        free (*self_p);
        *self_p = NULL;
    }
}

void
client_invoke (client_t *self, int64_t now_ns, history_t *history)
{
    assert (self && !self->busy);
    self->op = gen_next (&self->gen);
    self->node = (int) rng_range (&self->rng, 1, self->nodes);
    self->msg_id++;
    char dest [FL_ID_BYTES_MAX];
    snprintf (dest, sizeof dest, "n%d", self->node);
    json_t *body = json_pack ("{s:s, s:I, s:i}", "type", gen_f_name (self->op.f),
                              "msg_id", (json_int_t) self->msg_id, "key", self->op.key);
    if (self->op.f == GEN_WRITE)
        json_object_set_new (body, "value", json_integer (self->op.value));
    else
    if (self->op.f == GEN_CAS) {
        json_object_set_new (body, "from", json_integer (self->op.from));
        json_object_set_new (body, "to", json_integer (self->op.value));
    }
    json_t *envelope = json_pack ("{s:s, s:s, s:o}", "src", self->id, "dest", dest, "body", body);
    char *text = json_dumps (envelope, JSON_COMPACT);
    json_decref (envelope);
    history_invoke (history, now_ns, self->process, &self->op);
    self->busy = true;
    self->invoke_ns = now_ns;
    self->deadline_ns = now_ns + (int64_t) self->timeout_ms * 1000000;
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, dest);
    zmsg_addstr (msg, text);
    free (text);
    //  A send that fails is an op that never left: it will time out (info).
    if (zmsg_send (&msg, self->sock))
        zmsg_destroy (&msg);
}

static bool
s_definite (int code)
{
    switch (code) {
        case 1: case 10: case 11: case 12: case 14: case 20: case 21: case 22: case 30:
            return true;
        default:
            return false;
    }
}

//  The process that saw an indefinite outcome is done: a new one follows.
//  A code < 0 is a timeout; why, when given, replaces the code.
static void
s_info (client_t *self, int64_t now_ns, history_t *history, int code, const char *why)
{
    if (why)
        history_info_why (history, now_ns, self->process, &self->op, why);
    else
        history_info (history, now_ns, self->process, &self->op, code);
    self->process += self->clients;
    self->busy = false;
}

static void
s_complete (client_t *self, int64_t now_ns, history_t *history, json_t *body)
{
    const char *type = json_string_value (json_object_get (body, "type"));
    gen_op_t *op = &self->op;
    if (type && streq (type, "error")) {
        json_t *code_json = json_object_get (body, "code");
        if (!json_is_integer (code_json)) {
            s_info (self, now_ns, history, 0, "error reply without an integer code");
            return;
        }
        int code = (int) json_integer_value (code_json);
        if (code == 20 && op->f == GEN_READ) {
            history_ok (history, now_ns, self->process, op, false, 0);
            gen_observe (&self->gen, op->key, false, 0);
        }
        else
        if (s_definite (code)) {
            history_fail (history, now_ns, self->process, op, code);
            if (code == 22 || code == 20)
                gen_observe (&self->gen, op->key, false, 0);
        }
        else {
            s_info (self, now_ns, history, code, NULL);
            return;
        }
    }
    else
    if (op->f == GEN_READ && type && streq (type, "read_ok")) {
        json_t *value = json_object_get (body, "value");
        bool has = value && !json_is_null (value);
        history_ok (history, now_ns, self->process, op, has, json_integer_value (value));
        gen_observe (&self->gen, op->key, has, json_integer_value (value));
    }
    else
    if ((op->f == GEN_WRITE && type && streq (type, "write_ok"))
    ||  (op->f == GEN_CAS && type && streq (type, "cas_ok"))) {
        history_ok (history, now_ns, self->process, op, true, op->value);
        gen_observe (&self->gen, op->key, true, op->value);
    }
    else {
        //  An answer we cannot read says nothing about whether it happened,
        //  and the node did not say 13 (crash): say what came instead.
        char why [FL_ID_BYTES_MAX + 64];
        snprintf (why, sizeof why, "unexpected reply type '%.*s'", FL_ID_BYTES_MAX,
                  type? type: "(none)");
        s_info (self, now_ns, history, 0, why);
        return;
    }
    self->busy = false;
}

bool
client_on_message (client_t *self, int64_t now_ns, history_t *history)
{
    assert (self);
    zmsg_t *msg = zmsg_recv (self->sock);
    if (!msg)
        return false;
    char *src = zmsg_popstr (msg);
    char *text = zmsg_popstr (msg);
    zmsg_destroy (&msg);
    char dest [FL_ID_BYTES_MAX];
    snprintf (dest, sizeof dest, "n%d", self->node);
    bool from_dest = src && streq (src, dest);
    zstr_free (&src);
    json_t *envelope = text? json_loads (text, 0, NULL): NULL;
    zstr_free (&text);
    json_t *body = json_object_get (envelope, "body");
    json_t *reply_to = json_object_get (body, "in_reply_to");
    bool completed = false;
    if (self->busy && json_is_integer (reply_to)
    &&  json_integer_value (reply_to) == self->msg_id) {
        if (from_dest) {
            s_complete (self, now_ns, history, body);
            completed = true;
        }
        else
            self->ignored++;
    }
    json_decref (envelope);
    return completed;
}

void
client_expire (client_t *self, int64_t now_ns, history_t *history, bool force)
{
    assert (self);
    if (self->busy && (force || now_ns >= self->deadline_ns))
        s_info (self, now_ns, history, -1, NULL);
}
