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
    lin_kv_init (&self->gen, seed, index, clients, keys);
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
    self->op = lin_kv_next (&self->gen);
    self->node = (int) rng_range (&self->rng, 1, self->nodes);
    self->msg_id++;
    char dest [FL_ID_BYTES_MAX];
    snprintf (dest, sizeof dest, "n%d", self->node);
    json_t *body = lin_kv_request (&self->op, self->msg_id);
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
    lin_kv_op_t *op = &self->op;
    lin_kv_reply_t reply = lin_kv_reply (&self->gen, op, body);
    if (reply.result == LIN_KV_REPLY_INFO) {
        s_info (self, now_ns, history, reply.code, *reply.why? reply.why: NULL);
        return;
    }
    if (reply.result == LIN_KV_REPLY_OK)
        history_ok (history, now_ns, self->process, op, reply.has_value, reply.value);
    else
        history_fail (history, now_ns, self->process, op, reply.code);
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
