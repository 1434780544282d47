/*  client.c -- one client worker (see client.h).

    A reply counts only if its in_reply_to is the msg_id of the op in
    flight (as a number: 2.0 names op 2, and is a malformed reply that ends
    it info); its src and the node that sent it do not matter. A late reply
    to an op that already timed out, or a duplicate made by the proxy,
    matches nothing in flight and is counted in `unmatched`. Which node an
    op goes to is drawn from the client's own stream, so the same seed
    sends the same ops to the same nodes.
*/
#include <assert.h>
#include <jansson.h>
#include "client.h"
#include "jsonl.h"
#include "limits.h"

#define CLIENT_NODE_STREAM 0x700000ULL

client_t *
client_new (int index, int clients, int nodes, int keys, int values, int timeout_ms,
            uint64_t seed, const char *net, const workload_t *workload)
{
    assert (index >= 1 && index <= clients && workload);
    client_t *self = calloc (1, sizeof *self);
    assert (self);
    self->index = index;
    self->clients = clients;
    self->nodes = nodes;
    self->process = index - 1;
    self->timeout_ms = timeout_ms;
    self->workload = workload;
    snprintf (self->id, sizeof self->id, "c%d", index);
    workload_ctx_t ctx = { .seed = seed, .client = index, .clients = clients,
                           .nodes = nodes, .keys = keys, .values = values };
    self->gen = workload_gen_new (workload, &ctx);
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
    client_t *self = *self_p;
    if (self) {
        zsock_destroy (&self->sock);
        workload_gen_destroy (self->workload, &self->gen);
        json_decref (self->op);
        free (self);
        *self_p = NULL;
    }
}

//  Send op (taken) to node and record its invoke.
static void
s_send (client_t *self, json_t *op, int node, bool final, int64_t now_ns, history_t *history)
{
    json_decref (self->op);
    self->op = op;
    self->node = node;
    self->final = final;
    self->msg_id++;
    char dest [FL_ID_BYTES_MAX];
    snprintf (dest, sizeof dest, "n%d", node);
    json_t *body = workload_request (self->workload, self->gen, op, self->msg_id);
    history_invoke (history, now_ns, self->process, op, final, node);
    self->busy = true;
    self->invoke_ns = now_ns;
    self->deadline_ns = now_ns + (int64_t) self->timeout_ms * 1000000;
    //  A send that fails is an op that never left: it will time out.
    client_send_envelope (self->sock, self->id, dest, body);
}

void
client_send_envelope (zsock_t *sock, const char *src, const char *dest, json_t *body)
{
    assert (sock && src && dest && body);
    json_t *envelope = json_pack ("{s:s, s:s, s:o}", "src", src, "dest", dest, "body", body);
    char *text = json_dumps (envelope, JSON_COMPACT);
    json_decref (envelope);
    zmsg_t *msg = zmsg_new ();
    zmsg_addstr (msg, dest);
    zmsg_addstr (msg, text? text: "");
    free (text);
    if (zmsg_send (&msg, sock))
        zmsg_destroy (&msg);
}

void
client_invoke (client_t *self, int64_t now_ns, history_t *history)
{
    assert (self && !self->busy);
    json_t *op = workload_next (self->workload, self->gen);
    s_send (self, op, (int) rng_range (&self->rng, 1, self->nodes), false, now_ns, history);
}

bool
client_invoke_final (client_t *self, int64_t now_ns, history_t *history)
{
    assert (self && !self->busy);
    int n = self->finals;
    int slot = self->index - 1 + n * self->clients;
    //  The default final phase is one read per node: stop past the last.
    bool per_node = !self->workload->klass->final;
    json_t *op = per_node && n > 0 && slot >= self->nodes? NULL:
                 workload_final (self->workload, self->gen, n);
    if (!op || n >= FL_FINAL_OPS_MAX) {
        json_decref (op);
        self->finals_done = true;
        return false;
    }
    self->finals++;
    s_send (self, op, slot % self->nodes + 1, true, now_ns, history);
    return true;
}

static void
s_complete (client_t *self, int64_t now_ns, history_t *history, workload_outcome_t *outcome)
{
    history_complete (history, now_ns, self->process, self->op, self->final, outcome);
    if (workload_malformed (outcome) && self->malformed++ == 0)
        snprintf (self->malformed_first, sizeof self->malformed_first, "%s", outcome->why);
    json_decref (outcome->value);
    //  The process that saw an indefinite outcome is done: a new one follows.
    if (outcome->result == WORKLOAD_INFO)
        self->process += self->clients;
    self->busy = false;
}

//  Does in_reply_to name msg_id? An integer, or a number of the same value
//  (2.0): that reply is the op's, malformed (workload_schema_check wants an
//  integer, as Maelstrom's schema does), and ends it info at once rather
//  than at its timeout.
static bool
s_replies_to (json_t *reply_to, int64_t msg_id)
{
    if (json_is_integer (reply_to))
        return json_integer_value (reply_to) == msg_id;
    return json_is_real (reply_to) && json_real_value (reply_to) == (double) msg_id;
}

bool
client_on_message (client_t *self, int64_t now_ns, history_t *history)
{
    assert (self);
    zmsg_t *msg = zmsg_recv (self->sock);
    if (!msg)
        return false;
    zframe_t *src = zmsg_pop (msg);     // who sent it does not matter
    zframe_destroy (&src);
    char *text = zmsg_popstr (msg);
    zmsg_destroy (&msg);
    size_t wide = 0;
    json_t *envelope = text? jsonl_loads_wide (text, 0, &wide): NULL;
    zstr_free (&text);
    self->wide += (int64_t) wide;
    json_t *body = json_object_get (envelope, "body");
    json_t *reply_to = json_object_get (body, "in_reply_to");
    bool completed = false;
    if (!json_is_object (body))
        self->unreadable++;
    else
    if (self->busy && s_replies_to (reply_to, self->msg_id)) {
        workload_outcome_t outcome = workload_reply (self->workload, self->gen, self->op, body);
        s_complete (self, now_ns, history, &outcome);
        completed = true;
    }
    else
        self->unmatched++;
    json_decref (envelope);
    return completed;
}

void
client_expire (client_t *self, int64_t now_ns, history_t *history, bool force)
{
    assert (self);
    if (self->busy && (force || now_ns >= self->deadline_ns)) {
        workload_outcome_t outcome = workload_timeout (self->workload, self->gen, self->op);
        s_complete (self, now_ns, history, &outcome);
    }
}
