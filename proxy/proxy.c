/*  proxy.c -- the fault-injection proxy's loop and message path (see proxy.h).

    Each poll wake-up drains up to FL_PROXY_BATCH_MAX messages from the
    ROUTER, then releases held messages that are due, then answers control
    requests, then hands the batch's trace records to the trace's writer
    thread (trace.c: the loop copies bytes, the writer parses and formats). A message is three frames
    [sender routing id][dest][envelope]; it leaves as [dest][sender][envelope]
    with the envelope frame moved, never copied, and the routing frames built
    from the party table's ids (small enough for ZeroMQ's inline storage).

    Fast path: no rule on the link, neither end paused, no trace: lookup
    sender and dest by their id bytes, bump two counters, send. No JSON, no
    allocation, no clock read.

    Slow path, in this order, drawing only where a rule kind is set from a
    generator seeded by (seed, link, the message's number on its link), so
    the k-th message on a link gets the same decisions in every run with
    the seed, whatever other links do:
        paused src or dest -> pause FIFO (decided on release, at resume time)
        block -> dropped;  body.type in the link's type set -> dropped
        drop p (draw) -> dropped
        duplicate p (draw) -> a second copy
        per copy: jitter (draw, if jitter > 0), reorder p (draw)
            reorder -> held on the link until a message that arrived later
                       is delivered on it, or FL_REORDER_HOLD_MS after its
                       delay ends
            delay   -> held in the heap until due
            else    -> delivered now
    Delivery checks the dest is not paused (else the FIFO, already decided),
    sends with ZMQ_DONTWAIT (router_mandatory: an unknown dest fails with
    EHOSTUNREACH and is counted unroutable; a full pipe fails with EAGAIN and
    is counted overflow), then releases reorder-held copies that arrived
    before this one.

    Invariant per link: sent + duplicated == delivered + dropped + queued.
*/
#include <errno.h>
#include <math.h>
#include "limits.h"
#include "rng.h"
#include "hash.h"
#include "clock.h"
#include "party.h"
#include "held.h"
#include "trace.h"
#include "control.h"
#include "proxy.h"

typedef struct {
    uint64_t unroutable;    // dest unknown to the ROUTER (or to the table)
    uint64_t oversize;      // envelope over FL_MSG_BYTES_MAX
    uint64_t rejected;      // anonymous sender, wrong frame count, empty dest
    uint64_t overflow;      // dropped because a queue or pipe was full
} proxy_totals_t;

struct _proxy_t {
    zsock_t *net;
    zsock_t *control;
    void *net_socket;           // zsock_resolve (net), for zmq_msg_*
    char *net_endpoint;
    char *control_endpoint;
    uint64_t seed;
    int64_t start_ns;
    rule_table_t *rules;
    party_table_t *parties;
    held_heap_t heap;           // delayed and reorder-held copies
    held_t *pause_head;         // pause FIFO, arrival order
    held_t *pause_tail;
    size_t pause_count;
    uint64_t seq;               // arrival counter
    trace_t *trace;
    proxy_totals_t totals;
};

static void s_deliver (proxy_t *self, party_link_t *link, held_t *held, int64_t now,
                       bool from_hold);
static void s_decide (proxy_t *self, party_link_t *link, held_t *held, int64_t now);

//  --------------------------------------------------------------------------
//  Lifecycle

static zsock_t *
s_bind (int type, const char *endpoint, char **bound, char *error, size_t error_size)
{
    zsock_t *sock = zsock_new (type);
    if (!sock) {
        snprintf (error, error_size, "cannot create socket for '%s'", endpoint);
        return NULL;
    }
    zsock_set_linger (sock, 0);
    if (type == ZMQ_ROUTER) {
        zsock_set_router_mandatory (sock, 1);
        zsock_set_router_handover (sock, 0);    // a live id cannot be taken over
        zsock_set_sndhwm (sock, FL_SOCKET_HWM);
        zsock_set_rcvhwm (sock, FL_SOCKET_HWM);
    }
    if (zsock_bind (sock, "%s", endpoint) == -1) {
        snprintf (error, error_size, "cannot bind '%s': %s", endpoint, zmq_strerror (errno));
        zsock_destroy (&sock);
        return NULL;
    }
    *bound = zsock_last_endpoint (sock);
    return sock;
}

proxy_t *
proxy_new (const proxy_config_t *config, char *error, size_t error_size)
{
    assert (config);
    assert (config->net && config->control);
    proxy_t *self = (proxy_t *) zmalloc (sizeof (proxy_t));
    assert (self);
    self->start_ns = clock_mono_ns ();
    self->seed = config->seed;
    self->rules = rule_table_new ();
    self->parties = party_table_new ();
    held_heap_init (&self->heap);
    self->net = s_bind (ZMQ_ROUTER, config->net, &self->net_endpoint, error, error_size);
    if (self->net)
        self->control = s_bind (ZMQ_REP, config->control, &self->control_endpoint,
                                error, error_size);
    if (self->control && config->trace) {
        self->trace = trace_new (config->trace, config->t0_ns? config->t0_ns: self->start_ns, 0);
        if (!self->trace)
            snprintf (error, error_size, "cannot open trace '%s': %s",
                      config->trace, strerror (errno));
    }
    if (!self->net || !self->control || (config->trace && !self->trace)) {
        proxy_destroy (&self);
        return NULL;
    }
    self->net_socket = zsock_resolve (self->net);
    return self;
}

void
proxy_destroy (proxy_t **self_p)
{
    assert (self_p);
    proxy_t *self = *self_p;
    if (!self)
        return;
    zsock_destroy (&self->net);
    zsock_destroy (&self->control);
    free (self->net_endpoint);
    free (self->control_endpoint);
    while (self->pause_head) {
        held_t *next = self->pause_head->next;
        held_heap_free (&self->heap, self->pause_head);
        self->pause_head = next;
    }
    held_heap_release (&self->heap);
    party_table_destroy (&self->parties);
    rule_table_destroy (&self->rules);
    if (self->trace && trace_waits (self->trace))
        //  Not a loss (every record was written) but the lab was slowed.
        fprintf (stderr, "proxy: the trace writer fell behind: the loop waited %" PRIu64
                 " times for it (FL_TRACE_QUEUE_BYTES_MAX)\n", trace_waits (self->trace));
    trace_destroy (&self->trace);
    free (self);
    *self_p = NULL;
}

const char *
proxy_net_endpoint (proxy_t *self)
{
    assert (self);
    return self->net_endpoint;
}

const char *
proxy_control_endpoint (proxy_t *self)
{
    assert (self);
    return self->control_endpoint;
}

uint64_t
proxy_seed (proxy_t *self)
{
    assert (self);
    return self->seed;
}

int64_t
proxy_uptime_ms (proxy_t *self)
{
    assert (self);
    return (clock_mono_ns () - self->start_ns) / 1000000;
}

//  --------------------------------------------------------------------------
//  Trace helpers (slow path only)

static void
s_trace_full (proxy_t *self, party_link_t *link, const char *action, held_t *held,
              int64_t sent_ns, int64_t delay_ns)
{
    if (!self->trace)
        return;
    party_t *src = party_table_at (self->parties, link->src);
    party_t *dest = party_table_at (self->parties, link->dest);
    trace_event (self->trace, clock_mono_ns (), src->id, dest->id, action,
                 held->link_seq, zmq_msg_data (&held->body), zmq_msg_size (&held->body),
                 sent_ns, delay_ns);
}

static void
s_trace (proxy_t *self, party_link_t *link, const char *action, held_t *held, int64_t sent_ns)
{
    s_trace_full (self, link, action, held, sent_ns, -1);
}

static json_t *
s_parse (zmq_msg_t *body)
{
    return json_loadb ((const char *) zmq_msg_data (body), zmq_msg_size (body), 0, NULL);
}

//  --------------------------------------------------------------------------
//  Message path

static void
s_drop (proxy_t *self, party_link_t *link, held_t *held, const char *action)
{
    link->n.dropped++;
    s_trace (self, link, action, held, -1);
    held_heap_free (&self->heap, held);
}

//  Tell the sender its dest does not exist, if it asked for a reply.
static void
s_reply_not_found (proxy_t *self, party_t *sender, const void *dest, size_t dest_size,
                   zmq_msg_t *body, json_t *envelope)
{
    json_t *parsed = envelope? json_incref (envelope): s_parse (body);
    json_t *msg_id = json_object_get (json_object_get (parsed, "body"), "msg_id");
    json_t *dest_id = json_stringn ((const char *) dest, dest_size);
    if (json_is_integer (msg_id) && dest_id) {
        char text [FL_ID_BYTES_MAX * 4 + 64];
        snprintf (text, sizeof text, "node not found: '%.*s'",
                  (int) (dest_size > FL_ID_BYTES_MAX? FL_ID_BYTES_MAX: dest_size),
                  (const char *) dest);
        json_t *reply = json_pack ("{s:O, s:s, s:{s:s, s:O, s:i, s:s}}",
            "src", dest_id, "dest", sender->id,
            "body", "type", "error", "in_reply_to", msg_id, "code", 1, "text", text);
        char *json = json_dumps (reply, JSON_COMPACT);
        if (json) {
            void *net = self->net_socket;
            //  [sender][dest as src][error]; the sender may be gone: ignore.
            if (zmq_send (net, sender->id, sender->id_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) != -1) {
                zmq_send (net, dest, dest_size, ZMQ_SNDMORE | ZMQ_DONTWAIT);
                zmq_send (net, json, strlen (json), ZMQ_DONTWAIT);
            }
            free (json);
        }
        json_decref (reply);
    }
    json_decref (dest_id);
    json_decref (parsed);
}

//  Queue a message behind a paused party (FIFO, released on resume).
//  'decided': its link's rule was applied already; release delivers it.
static void
s_pause_hold (proxy_t *self, party_link_t *link, held_t *held, bool decided)
{
    if (link->n.queued >= FL_LINK_QUEUE_MAX) {
        self->totals.overflow++;
        s_drop (self, link, held, "overflow");
        return;
    }
    held->kind = HELD_PAUSE;
    held->decided = decided;
    held->next = NULL;
    if (self->pause_tail)
        self->pause_tail->next = held;
    else
        self->pause_head = held;
    self->pause_tail = held;
    self->pause_count++;
    link->n.queued++;
    link->n.paused++;
    s_trace (self, link, "queue", held, -1);
}

//  Send one copy to its dest now, or queue it if the dest is paused.
static void
s_deliver (proxy_t *self, party_link_t *link, held_t *held, int64_t now, bool from_hold)
{
    party_t *dest = party_table_at (self->parties, link->dest);
    party_t *src = party_table_at (self->parties, link->src);
    if (dest->paused) {
        s_pause_hold (self, link, held, true);
        return;
    }
    void *net = self->net_socket;
    uint64_t seq = held->seq;
    if (zmq_send (net, dest->id, dest->id_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) == -1) {
        if (errno == EHOSTUNREACH) {
            self->totals.unroutable++;
            s_reply_not_found (self, src, dest->id, dest->id_len, &held->body, held->envelope);
            s_drop (self, link, held, "unroutable");
        }
        else {
            self->totals.overflow++;
            s_drop (self, link, held, "overflow");
        }
    }
    else {
        //  Once the first frame is accepted the rest of the message is too.
        s_trace (self, link, "deliver", held, held->sent_ns);
        int rc = zmq_send (net, src->id, src->id_len, ZMQ_SNDMORE | ZMQ_DONTWAIT);
        assert (rc != -1);
        rc = zmq_msg_send (&held->body, net, ZMQ_DONTWAIT);
        assert (rc != -1);
        link->n.delivered++;
        held_heap_free (&self->heap, held);
    }
    //  Copies held back behind later messages leave after this later one.
    while (!from_hold && link->hold_head && link->hold_head->seq < seq) {
        held_t *back = link->hold_head;
        link->hold_head = back->next;
        if (!link->hold_head)
            link->hold_tail = NULL;
        held_heap_remove (&self->heap, back);
        link->n.queued--;
        s_deliver (self, link, back, now, true);
    }
}

//  Hold a copy in the heap until due; reorder-held copies also join the
//  link's hold list.
static void
s_hold (proxy_t *self, party_link_t *link, held_t *held, held_kind_t kind, int64_t now,
        int64_t due_ns)
{
    if (link->n.queued >= FL_LINK_QUEUE_MAX) {
        self->totals.overflow++;
        s_drop (self, link, held, "overflow");
        return;
    }
    held->kind = kind;
    held->due_ns = due_ns;
    held->next = NULL;
    held_heap_push (&self->heap, held);
    link->n.queued++;
    if (kind == HELD_REORDER) {
        if (link->hold_tail)
            link->hold_tail->next = held;
        else
            link->hold_head = held;
        link->hold_tail = held;
        link->n.reordered++;
        s_trace (self, link, "reorder", held, -1);
    }
    else {
        link->n.delayed++;
        s_trace_full (self, link, "delay", held, -1, due_ns - now);
    }
}

//  Delay, reorder or deliver one copy.
static void
s_route_copy (proxy_t *self, party_link_t *link, held_t *held, int64_t now, rng_t *rng)
{
    const rule_t *rule = &link->rule;
    int64_t delay_ns = 0;
    bool delayed = (rule->set & RULE_DELAY) && (rule->delay_ms > 0 || rule->jitter_ms > 0);
    if (delayed) {
        double ms = rule->delay_ms;
        if (rule->jitter_ms > 0)
            ms += rule->jitter_ms * (2 * rng_double (rng) - 1);
        delay_ns = (int64_t) llround ((ms < 0? 0: ms) * 1e6);
    }
    if ((rule->set & RULE_REORDER) && rule->reorder_p > 0
    &&  rng_chance (rng, rule->reorder_p))
        s_hold (self, link, held, HELD_REORDER, now,
                now + delay_ns + (int64_t) FL_REORDER_HOLD_MS * 1000000);
    else
    if (delayed)
        s_hold (self, link, held, HELD_DELAY, now, now + delay_ns);
    else
        s_deliver (self, link, held, now, false);
}

//  The generator for one message's decisions: a function of the seed, the
//  link (its two ids) and the message's number on that link only, so the
//  k-th message on a link meets the same draws in every run with the seed,
//  whatever the timing of other links' traffic (docs/proxy.md, Replay).
static void
s_decision_rng (proxy_t *self, party_link_t *link, held_t *held, rng_t *rng)
{
    party_t *src = party_table_at (self->parties, link->src);
    party_t *dest = party_table_at (self->parties, link->dest);
    uint64_t h = hash_fnv1a64 (src->id, src->id_len, HASH_FNV1A64_BASIS);
    h = hash_fnv1a64 ("\0", 1, h);
    h = hash_fnv1a64 (dest->id, dest->id_len, h);
    rng_init_stream (rng, self->seed, hash_mix64 (h) ^ held->link_seq);
}

//  Is the message's body.type in the rule's type set? Exact for any
//  envelope: one that does not parse as JSON, or has no string body.type,
//  is not matched. A cheap refusal comes first: in JSON with no backslash
//  every string is its bytes between quotes, so if no blocked type T
//  appears as "T", body.type is none of them and nothing is parsed (a link
//  blocking request_vote lets its append_entries by without a parse).
//  Otherwise the envelope is parsed, as the trace writer would.
static bool
s_type_blocked (proxy_t *self, const rule_t *rule, zmq_msg_t *body)
{
    const char *data = (const char *) zmq_msg_data (body);
    size_t size = zmq_msg_size (body);
    if (!memchr (data, '\\', size)) {
        bool mentioned = false;
        uint32_t mask = rule->types;
        for (unsigned i = 0; mask && !mentioned; i++, mask >>= 1) {
            if (!(mask & 1))
                continue;
            char quoted [FL_TYPE_BYTES_MAX + 3];
            int quoted_size = snprintf (quoted, sizeof quoted, "\"%s\"",
                                        rule_table_type_name (self->rules, i));
            mentioned = memmem (data, size, quoted, (size_t) quoted_size) != NULL;
        }
        if (!mentioned)
            return false;
    }
    json_t *envelope = s_parse (body);
    json_t *type = json_object_get (json_object_get (envelope, "body"), "type");
    bool blocked = json_is_string (type)
                && rule_table_types_match (self->rules, rule->types, json_string_value (type),
                                           json_string_length (type));
    json_decref (envelope);
    return blocked;
}

//  The decision log: a "decide" line naming the rule in force for this
//  message (its link and seq); the decisions follow as its block, drop,
//  duplicate, delay and reorder lines (docs/proxy.md, Replay). A type set
//  is added as " types=a,b" (sorted, so the same set reads the same in
//  every run), only when there is one: rules without stay as they were.
static void
s_trace_rule (proxy_t *self, party_link_t *link, held_t *held)
{
    const rule_t *rule = &link->rule;
    //  The numbers, then each type escaped (at most twice its bytes) and a
    //  comma, then the close.
    char text [256 + FL_PROXY_TYPES_MAX * (2 * FL_TYPE_BYTES_MAX + 1)];
    size_t size = (size_t) snprintf (text, sizeof text,
        "{\"rule\":\"block=%d drop=%g duplicate=%g delay=%g jitter=%g reorder=%g",
        (rule->set & RULE_BLOCK) && rule->block,
        (rule->set & RULE_DROP)? rule->drop_p: 0,
        (rule->set & RULE_DUPLICATE)? rule->duplicate_p: 0,
        (rule->set & RULE_DELAY)? rule->delay_ms: 0,
        (rule->set & RULE_DELAY)? rule->jitter_ms: 0,
        (rule->set & RULE_REORDER)? rule->reorder_p: 0);
    assert (size < 200);
    if (rule->set & RULE_TYPES) {
        const char *names [FL_PROXY_TYPES_MAX];
        size_t count = rule_table_types_names (self->rules, rule->types, names);
        memcpy (text + size, " types=", 7);
        size += 7;
        for (size_t i = 0; i < count; i++) {
            if (i)
                text [size++] = ',';
            //  Types hold no control characters (control.c): only the
            //  quote and the backslash need escaping in a JSON string.
            for (const char *c = names [i]; *c; c++) {
                if (*c == '"' || *c == '\\')
                    text [size++] = '\\';
                text [size++] = *c;
            }
        }
    }
    memcpy (text + size, "\"}", 2);
    size += 2;
    assert (size <= sizeof text);
    party_t *src = party_table_at (self->parties, link->src);
    party_t *dest = party_table_at (self->parties, link->dest);
    trace_event (self->trace, clock_mono_ns (), src->id, dest->id, "decide",
                 held->link_seq, text, size, -1, -1);
}

//  Apply the link's rule to a message that is free to go (a paused one is
//  decided here at its release, so a type block set meanwhile applies).
static void
s_decide (proxy_t *self, party_link_t *link, held_t *held, int64_t now)
{
    const rule_t *rule = &link->rule;
    rng_t rng;
    s_decision_rng (self, link, held, &rng);
    if (self->trace && rule->set)
        s_trace_rule (self, link, held);
    if (((rule->set & RULE_BLOCK) && rule->block)
    ||  ((rule->set & RULE_TYPES) && s_type_blocked (self, rule, &held->body))) {
        s_drop (self, link, held, "block");
        return;
    }
    if ((rule->set & RULE_DROP) && rule->drop_p > 0 && rng_chance (&rng, rule->drop_p)) {
        s_drop (self, link, held, "drop");
        return;
    }
    held_t *copy = NULL;
    if ((rule->set & RULE_DUPLICATE) && rule->duplicate_p > 0
    &&  rng_chance (&rng, rule->duplicate_p)) {
        copy = held_heap_alloc (&self->heap);
        zmq_msg_copy (&copy->body, &held->body);
        copy->envelope = json_incref (held->envelope);
        copy->sent_ns = held->sent_ns;
        copy->seq = held->seq;
        copy->link_seq = held->link_seq;
        copy->src = held->src;
        copy->dest = held->dest;
        link->n.duplicated++;
        s_trace (self, link, "duplicate", held, -1);
    }
    s_route_copy (self, link, held, now, &rng);
    if (copy)
        s_route_copy (self, link, copy, now, &rng);
}

//  A message that crossed no rule and no pause: send it straight on,
//  moving the frames we received.
static void
s_forward (proxy_t *self, party_link_t *link, party_t *src, zmq_msg_t *dest_frame,
           zmq_msg_t *body)
{
    void *net = self->net_socket;
    if (zmq_msg_send (dest_frame, net, ZMQ_SNDMORE | ZMQ_DONTWAIT) == -1) {
        link->n.dropped++;
        if (errno == EHOSTUNREACH) {
            self->totals.unroutable++;
            party_t *dest = party_table_at (self->parties, link->dest);
            s_reply_not_found (self, src, dest->id, dest->id_len, body, NULL);
        }
        else
            self->totals.overflow++;
        return;
    }
    int rc = zmq_send (net, src->id, src->id_len, ZMQ_SNDMORE | ZMQ_DONTWAIT);
    assert (rc != -1);
    rc = zmq_msg_send (body, net, ZMQ_DONTWAIT);
    assert (rc != -1);
    link->n.delivered++;
}

//  One message received whole: account it, then route it.
static void
s_arrive (proxy_t *self, zmq_msg_t *frames)
{
    zmq_msg_t *id = &frames [0], *dest_frame = &frames [1], *body = &frames [2];
    party_t *src = party_table_ensure (self->parties, zmq_msg_data (id), zmq_msg_size (id));
    if (!src) {
        self->totals.rejected++;
        return;
    }
    if (zmq_msg_size (body) > FL_MSG_BYTES_MAX) {
        self->totals.oversize++;
        if (self->trace)
            trace_event (self->trace, clock_mono_ns (), src->id, "", "oversize",
                         0, NULL, 0, -1, -1);
        return;
    }
    party_t *dest = party_table_ensure (self->parties, zmq_msg_data (dest_frame),
                                        zmq_msg_size (dest_frame));
    if (!dest) {
        //  Too long an id, or the table is full: no such party can exist.
        self->totals.unroutable++;
        if (self->trace) {
            char id [FL_ID_BYTES_MAX + 1];
            size_t size = zmq_msg_size (dest_frame) < FL_ID_BYTES_MAX?
                          zmq_msg_size (dest_frame): FL_ID_BYTES_MAX;
            memcpy (id, zmq_msg_data (dest_frame), size);
            id [size] = 0;
            trace_event (self->trace, clock_mono_ns (), src->id, id, "unroutable",
                         0, zmq_msg_data (body), zmq_msg_size (body), -1, -1);
        }
        s_reply_not_found (self, src, zmq_msg_data (dest_frame), zmq_msg_size (dest_frame),
                           body, NULL);
        return;
    }
    party_link_t *link = party_table_link (self->parties, src, dest, self->rules);
    link->n.sent++;
    self->seq++;
    if (!link->has_rule && !src->paused && !dest->paused && !self->trace && !link->hold_head) {
        s_forward (self, link, src, dest_frame, body);
        return;
    }
    held_t *held = held_heap_alloc (&self->heap);
    zmq_msg_move (&held->body, body);
    held->sent_ns = clock_mono_ns ();
    held->seq = self->seq;
    held->link_seq = link->n.sent;
    held->src = src->index;
    held->dest = dest->index;
    if (src->paused || dest->paused)
        s_pause_hold (self, link, held, false);
    else
        s_decide (self, link, held, held->sent_ns);
}

//  Receive up to FL_PROXY_BATCH_MAX messages. Returns how many were read.
static int
s_net_drain (proxy_t *self)
{
    void *net = self->net_socket;
    zmq_msg_t frames [3];
    for (int i = 0; i < 3; i++)
        zmq_msg_init (&frames [i]);
    int count;
    for (count = 0; count < FL_PROXY_BATCH_MAX; count++) {
        if (zmq_msg_recv (&frames [0], net, ZMQ_DONTWAIT) == -1)
            break;
        int parts = 1;
        bool more = zmq_msg_more (&frames [0]);
        while (more) {
            zmq_msg_t *into = &frames [parts < 3? parts: 2];
            if (zmq_msg_recv (into, net, 0) == -1)
                break;
            more = zmq_msg_more (into);
            parts++;
        }
        //  Anonymous peers get ids beginning with a zero byte.
        bool anonymous = zmq_msg_size (&frames [0]) == 0
                      || ((const uint8_t *) zmq_msg_data (&frames [0])) [0] == 0;
        if (parts != 3 || anonymous || zmq_msg_size (&frames [1]) == 0)
            self->totals.rejected++;
        else
            s_arrive (self, frames);
    }
    for (int i = 0; i < 3; i++)
        zmq_msg_close (&frames [i]);
    return count;
}

//  Take a reorder-held entry off its link's hold list. Its timeout need not
//  be the list head's: with delay jitter a later hold can come due first.
//  The list is bounded by FL_LINK_QUEUE_MAX and short in practice.
static void
s_hold_unlink (party_link_t *link, held_t *held)
{
    held_t *prev = NULL, *cur = link->hold_head;
    while (cur && cur != held) {
        prev = cur;
        cur = cur->next;
    }
    assert (cur == held);
    if (prev)
        prev->next = held->next;
    else
        link->hold_head = held->next;
    if (link->hold_tail == held)
        link->hold_tail = prev;
    held->next = NULL;
}

//  Release every heap entry that is due.
static void
s_timers (proxy_t *self, int64_t now)
{
    held_t *held;
    while ((held = held_heap_peek (&self->heap)) && held->due_ns <= now) {
        held_heap_remove (&self->heap, held);
        party_t *src = party_table_at (self->parties, held->src);
        party_t *dest = party_table_at (self->parties, held->dest);
        party_link_t *link = party_table_link (self->parties, src, dest, self->rules);
        link->n.queued--;
        if (held->kind == HELD_REORDER)
            s_hold_unlink (link, held);
        s_deliver (self, link, held, now, held->kind == HELD_REORDER);
    }
}

//  --------------------------------------------------------------------------
//  Control side

rule_table_t *
proxy_rules (proxy_t *self)
{
    assert (self);
    return self->rules;
}

void
proxy_rules_changed (proxy_t *self)
{
    assert (self);
    party_table_refresh (self->parties, self->rules);
}

int
proxy_party_add (proxy_t *self, const char *id)
{
    assert (self);
    assert (id);
    return party_table_ensure (self->parties, id, strlen (id))? 0: -1;
}

//  Release, in order, every paused entry whose parties now run.
static void
s_pause_release (proxy_t *self)
{
    held_t *ready_head = NULL, *ready_tail = NULL;
    held_t *keep_head = NULL, *keep_tail = NULL;
    held_t *held = self->pause_head;
    while (held) {
        held_t *next = held->next;
        held->next = NULL;
        party_t *src = party_table_at (self->parties, held->src);
        party_t *dest = party_table_at (self->parties, held->dest);
        bool blocked = dest->paused || (!held->decided && src->paused);
        held_t **head = blocked? &keep_head: &ready_head;
        held_t **tail = blocked? &keep_tail: &ready_tail;
        if (*tail)
            (*tail)->next = held;
        else
            *head = held;
        *tail = held;
        if (!blocked)
            self->pause_count--;
        held = next;
    }
    self->pause_head = keep_head;
    self->pause_tail = keep_tail;
    int64_t now = clock_mono_ns ();
    while (ready_head) {
        held = ready_head;
        ready_head = held->next;
        held->next = NULL;
        party_t *src = party_table_at (self->parties, held->src);
        party_t *dest = party_table_at (self->parties, held->dest);
        party_link_t *link = party_table_link (self->parties, src, dest, self->rules);
        link->n.queued--;
        s_trace (self, link, "release", held, -1);
        if (held->decided)
            s_deliver (self, link, held, now, false);
        else
            s_decide (self, link, held, now);
    }
}

int
proxy_pause (proxy_t *self, const char *id, bool paused)
{
    assert (self);
    party_t *party = party_table_ensure (self->parties, id, strlen (id));
    if (!party)
        return -1;
    party->paused = paused;
    if (!paused)
        s_pause_release (self);
    return 0;
}

void
proxy_heal (proxy_t *self)
{
    assert (self);
    rule_table_clear (self->rules, RULE_ALL);
    party_table_refresh (self->parties, self->rules);
    for (size_t i = 0; i < party_table_size (self->parties); i++)
        party_table_at (self->parties, i)->paused = false;
    s_pause_release (self);
}

static json_t *
s_counts_json (const party_link_counts_t *n)
{
    return json_pack ("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
        "sent", (json_int_t) n->sent, "delivered", (json_int_t) n->delivered,
        "dropped", (json_int_t) n->dropped, "duplicated", (json_int_t) n->duplicated,
        "delayed", (json_int_t) n->delayed, "reordered", (json_int_t) n->reordered,
        "paused", (json_int_t) n->paused, "queued", (json_int_t) n->queued);
}

json_t *
proxy_stats (proxy_t *self)
{
    assert (self);
    json_t *links = json_object ();
    party_link_counts_t sum = { 0 };
    size_t size = party_table_size (self->parties);
    for (size_t i = 0; i < size; i++) {
        party_t *src = party_table_at (self->parties, i);
        for (size_t j = 0; j < size; j++) {
            party_link_t *link = src->links [j];
            if (!link)
                continue;
            char name [2 * FL_ID_BYTES_MAX + 3];
            snprintf (name, sizeof name, "%s->%s", src->id,
                      party_table_at (self->parties, j)->id);
            json_object_set_new (links, name, s_counts_json (&link->n));
            sum.sent += link->n.sent;
            sum.delivered += link->n.delivered;
            sum.dropped += link->n.dropped;
            sum.duplicated += link->n.duplicated;
            sum.delayed += link->n.delayed;
            sum.reordered += link->n.reordered;
            sum.paused += link->n.paused;
            sum.queued += link->n.queued;
        }
    }
    json_t *stats = json_pack ("{s:o, s:o, s:I, s:I, s:I, s:I}",
        "links", links, "totals", s_counts_json (&sum),
        "unroutable", (json_int_t) self->totals.unroutable,
        "oversize", (json_int_t) self->totals.oversize,
        "rejected", (json_int_t) self->totals.rejected,
        "overflow", (json_int_t) self->totals.overflow);
    //  Lines of messages.jsonl past FL_TRACE_BYTES_MAX (so far), when any
    if (self->trace && trace_cut (self->trace))
        json_object_set_new (stats, "trace_cut", json_integer ((json_int_t) trace_cut (self->trace)));
    return stats;
}

json_t *
proxy_state (proxy_t *self)
{
    assert (self);
    json_t *paused = json_array ();
    json_t *parties = json_array ();
    for (size_t i = 0; i < party_table_size (self->parties); i++) {
        party_t *party = party_table_at (self->parties, i);
        json_array_append_new (parties, json_string (party->id));
        if (party->paused)
            json_array_append_new (paused, json_string (party->id));
    }
    return json_pack ("{s:o, s:o, s:o, s:I, s:I}",
        "rules", rule_table_json (self->rules), "paused", paused, "parties", parties,
        "held", (json_int_t) self->heap.size, "queued", (json_int_t) self->pause_count);
}

//  Answer every waiting control request.
static void
s_control_drain (proxy_t *self)
{
    void *control = zsock_resolve (self->control);
    zmq_msg_t request;
    zmq_msg_init (&request);
    while (zmq_msg_recv (&request, control, ZMQ_DONTWAIT) != -1) {
        json_t *reply;
        bool more = zmq_msg_more (&request);
        if (more) {
            while (more && zmq_msg_recv (&request, control, 0) != -1)
                more = zmq_msg_more (&request);
            reply = json_pack ("{s:b, s:s}", "ok", 0, "error",
                               "malformed request: expected one frame, got more");
        }
        else
        if (zmq_msg_size (&request) > FL_CONTROL_BYTES_MAX) {
            char text [128];
            snprintf (text, sizeof text, "request too large: %zu bytes (max %d)",
                      zmq_msg_size (&request), FL_CONTROL_BYTES_MAX);
            reply = json_pack ("{s:b, s:s}", "ok", 0, "error", text);
        }
        else
            reply = control_handle (self, (const char *) zmq_msg_data (&request),
                                    zmq_msg_size (&request));
        char *text = json_dumps (reply, JSON_COMPACT | JSON_REAL_PRECISION (12));
        assert (text);
        zmq_send (control, text, strlen (text), 0);
        free (text);
        json_decref (reply);
    }
    zmq_msg_close (&request);
}

//  --------------------------------------------------------------------------
//  Loop

int
proxy_run (proxy_t *self, zsock_t *pipe, volatile sig_atomic_t *stop)
{
    assert (self);
    zmq_pollitem_t items [3] = {
        { self->net_socket, 0, ZMQ_POLLIN, 0 },
        { zsock_resolve (self->control), 0, ZMQ_POLLIN, 0 },
        { pipe? zsock_resolve (pipe): NULL, 0, ZMQ_POLLIN, 0 }
    };
    int nitems = pipe? 3: 2;
    while (!(stop && *stop)) {
        if (zmq_poll (items, nitems, held_heap_wait_ms (&self->heap, clock_mono_ns ())) == -1) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (items [0].revents & ZMQ_POLLIN)
            s_net_drain (self);
        if (self->heap.size)
            s_timers (self, clock_mono_ns ());
        if (items [1].revents & ZMQ_POLLIN)
            s_control_drain (self);
        if (self->trace)
            trace_flush (self->trace);
        if (pipe && (items [2].revents & ZMQ_POLLIN)) {
            char *command = zstr_recv (pipe);
            bool term = !command || streq (command, "$TERM");
            zstr_free (&command);
            if (term)
                break;
        }
    }
    if (self->trace)
        trace_flush (self->trace);
    return 0;
}

void
proxy_actor (zsock_t *pipe, void *args)
{
    proxy_t *self = (proxy_t *) args;
    assert (self);
    zsock_signal (pipe, 0);
    proxy_run (self, pipe, NULL);
}
