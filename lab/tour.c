/*  tour.c -- run a scripted tour (see tour.h).

    One client, one op at a time, so the story reads in order and the same
    seed tells it the same way: no op is retried, every wait is a step of
    the scenario, and the only random choice (a fault such as "partition
    halves") is drawn from the run's seed. While an op waits for its
    answer the lab's own party keeps being served (lab_on_message) and
    ticked (lab_tick: a node that dies ends the tour), so nothing blocks
    for longer than the op's timeout or a settle's final/settle_s.

    What an answer means is Maelstrom's rule (workload.h): an ok reply is
    ok; an error is fail when its code is definite or the op is a read,
    else info; no answer is fail for a read (code 0) and info otherwise;
    error 20 on a read is a read of nothing (null). After an info the
    client continues as a new process (Jepsen's rule).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <assert.h>
#include <czmq.h>
#include "tour.h"
#include "runner.h"
#include "client.h"
#include "clock.h"
#include "exits.h"
#include "rng.h"
#include "scenario/schedule.h"
#include "workload/workload.h"

#define TOUR_CLIENT        "c1"
#define TOUR_TICK_MS       50       // lab_tick this often while waiting
#define TOUR_FAULT_STREAM  0x7a0000ULL

typedef struct {
    const tour_opts_t *opts;
    const scenario_t *sc;
    zsock_t *sock;
    zmq_pollitem_t items [2];
    int process;
    int64_t msg_id;
    bool orset;             // cart-add is the OR-set's add (crdt)
    rng_t rng;
    json_t *steps;
    json_t *pending;        // waited_ms, settle_ms: for the next numbered step
    int number;
    int64_t tick_ms;
    int64_t unmatched;      // answers to no op in flight
    char *error;
} s_tour_t;

static int64_t
s_now (s_tour_t *self)
{
    return clock_mono_ns () - self->opts->t0_ns;
}

static void
s_fail (s_tour_t *self, char *error)
{
    if (!self->error)
        self->error = error? error: strdup ("tour failed");
    else
        free (error);
}

//  Serve the lab and the client socket for at most wait_ms; a message to
//  the client that answers msg_id (0: none) is returned (the body, new
//  reference), any other counted as unmatched.
static json_t *
s_pump (s_tour_t *self, int wait_ms, int64_t msg_id)
{
    if (*self->opts->interrupted)
        s_fail (self, strdup ("interrupted"));
    int64_t now_ms = clock_mono_ms ();
    if (now_ms - self->tick_ms >= TOUR_TICK_MS) {
        self->tick_ms = now_ms;
        char *error = NULL;
        if (lab_tick (self->opts->lab, now_ms, &error))
            s_fail (self, error);
    }
    if (self->error)
        return NULL;
    if (zmq_poll (self->items, 2, wait_ms < TOUR_TICK_MS? wait_ms: TOUR_TICK_MS) <= 0)
        return NULL;
    while (zsock_events (lab_socket (self->opts->lab)) & ZMQ_POLLIN)
        lab_on_message (self->opts->lab);
    json_t *answer = NULL;
    while (!answer && (zsock_events (self->sock) & ZMQ_POLLIN)) {
        zmsg_t *msg = zmsg_recv (self->sock);
        char *src = msg? zmsg_popstr (msg): NULL;
        char *text = msg? zmsg_popstr (msg): NULL;
        json_t *envelope = text? json_loads (text, 0, NULL): NULL;
        json_t *body = json_object_get (envelope, "body");
        json_t *reply_to = json_object_get (body, "in_reply_to");
        if (msg_id && json_is_object (body) && json_is_integer (reply_to)
        &&  json_integer_value (reply_to) == msg_id)
            answer = json_incref (body);
        else
            self->unmatched++;
        json_decref (envelope);
        zstr_free (&src);
        zstr_free (&text);
        zmsg_destroy (&msg);
    }
    return answer;
}

//  Do nothing but serve the lab for ms.
static void
s_sleep (s_tour_t *self, int ms)
{
    int64_t end = clock_mono_ms () + ms;
    for (int64_t now = clock_mono_ms (); now < end && !self->error; now = clock_mono_ms ())
        s_pump (self, (int) (end - now), 0);
}

//  Send BODY (taken) to node and wait for its answer, at most timeout_ms.
//  NULL on a timeout.
static json_t *
s_rpc (s_tour_t *self, int node, json_t *body)
{
    char dest [FL_ID_BYTES_MAX];
    snprintf (dest, sizeof dest, "n%d", node);
    json_object_set_new (body, "msg_id", json_integer (++self->msg_id));
    client_send_envelope (self->sock, TOUR_CLIENT, dest, body);     // lost: it times out
    int64_t end = clock_mono_ms () + self->sc->timeout_ms;
    json_t *answer = NULL;
    for (int64_t now = clock_mono_ms (); !answer && now < end && !self->error;
         now = clock_mono_ms ())
        answer = s_pump (self, (int) (end - now), self->msg_id);
    return answer;
}

//  What the answer (NULL: none) to an op f means (the rule at the top).
static workload_outcome_t
s_outcome (const char *f, json_t *answer)
{
    workload_outcome_t out = { .result = WORKLOAD_INFO, .code = -1 };
    bool read = streq (f, "read");
    if (!answer) {
        if (read)
            out = (workload_outcome_t) { .result = WORKLOAD_FAIL, .code = 0 };
        return out;
    }
    const char *type = json_string_value (json_object_get (answer, "type"));
    char ok [FL_ID_BYTES_MAX];
    snprintf (ok, sizeof ok, "%s_ok", f);
    if (type && streq (type, ok)) {
        out.result = WORKLOAD_OK;
        if (read)
            out.value = json_incref (json_object_get (answer, "value"));
        if (read && !out.value)
            out.value = json_null ();
        return out;
    }
    if (!type || !streq (type, "error")) {
        snprintf (out.why, sizeof out.why, "unexpected reply type '%s'", type? type: "?");
        return out;
    }
    out.code = (int) json_integer_value (json_object_get (answer, "code"));
    if (read && out.code == 20)
        return (workload_outcome_t) { .result = WORKLOAD_OK, .value = json_null (), .code = -1 };
    if (read || workload_error_definite (out.code))
        out.result = WORKLOAD_FAIL;
    return out;
}

//  One op, recorded: f (read, write, cas, add) of key at node with value
//  (borrowed; cas: [from, to]). Returns its outcome (the caller owns its
//  value); *text gets the node's error text, *ms the latency.
static workload_outcome_t
s_op (s_tour_t *self, const char *f, int node, const char *key, json_t *value,
      char *text, size_t size, double *ms)
{
    json_t *op = json_pack ("{s:s, s:s, s:O}", "f", f, "key", key,
                            "value", value? value: json_null ());
    json_t *body = json_pack ("{s:s, s:s}", "type", f, "key", key);
    if (streq (f, "write"))
        json_object_set (body, "value", value);
    else
    if (streq (f, "cas")) {
        json_object_set (body, "from", json_array_get (value, 0));
        json_object_set (body, "to", json_array_get (value, 1));
    }
    else
    if (streq (f, "add"))
        json_object_set (body, "element", value);
    int64_t start = s_now (self);
    history_invoke (self->opts->history, start, self->process, op, false, node);
    json_t *answer = s_rpc (self, node, body);
    workload_outcome_t out = s_outcome (f, answer);
    int64_t end = s_now (self);
    history_complete (self->opts->history, end, self->process, op, false, &out);
    if (out.result == WORKLOAD_INFO)
        self->process++;
    const char *said = json_string_value (json_object_get (answer, "text"));
    snprintf (text, size, "%s", said? said: *out.why? out.why: answer? "": "no answer"
              " within workload/timeout_ms");
    *ms = (end - start) / 1e6;
    json_decref (answer);
    json_decref (op);
    return out;
}

static const char *
s_type (workload_result_t result)
{
    return result == WORKLOAD_OK? "ok": result == WORKLOAD_FAIL? "fail": "info";
}

//  A numbered entry of "steps" for step, with what a wait or settle
//  before it said.
static json_t *
s_entry (s_tour_t *self, const tour_step_t *step, const char *type)
{
    json_t *entry = json_pack ("{s:i, s:s, s:s, s:s}", "step", ++self->number,
                               "f", tour_step_word (step), "type", type, "do", step->text);
    if (tour_step_is_op (step)) {
        char node [FL_ID_BYTES_MAX];
        snprintf (node, sizeof node, "n%d", step->node);
        json_object_set_new (entry, "node", json_string (node));
        json_object_set_new (entry, "key", json_string (step->key));
    }
    json_object_update (entry, self->pending);
    json_object_clear (self->pending);
    json_array_append (self->steps, entry);
    return entry;
}

//  An outcome into entry: value for ok, error and text otherwise.
static void
s_entry_outcome (json_t *entry, workload_outcome_t *out, const char *text, double ms)
{
    json_object_set_new (entry, "type", json_string (s_type (out->result)));
    json_object_set_new (entry, "value", out->value? out->value: json_null ());
    out->value = NULL;
    if (out->result != WORKLOAD_OK) {
        if (out->code >= 0)
            json_object_set_new (entry, "error", json_integer (out->code));
        if (*text)
            json_object_set_new (entry, "text", json_string (text));
    }
    json_object_set_new (entry, "ms", json_real (ms));
}

//  cart-add against a lin-kv system: read the cart, write it with the
//  element appended. The entry's value is the list written.
static void
s_cart_rmw (s_tour_t *self, const tour_step_t *step, json_t *element, json_t *entry)
{
    char text [FL_WHY_BYTES_MAX];
    double read_ms, write_ms;
    workload_outcome_t read = s_op (self, "read", step->node, step->key, NULL, text,
                                    sizeof text, &read_ms);
    if (read.result != WORKLOAD_OK) {
        s_entry_outcome (entry, &read, text, read_ms);
        json_object_set_new (entry, "text", json_sprintf ("the read of the cart failed%s%s",
                             *text? ": ": "", text));
        return;
    }
    json_t *list = json_is_array (read.value)? json_deep_copy (read.value): json_array ();
    if (!json_is_array (read.value) && !json_is_null (read.value))
        json_array_append (list, read.value);
    json_array_append (list, element);
    json_object_set_new (entry, "read", read.value);
    workload_outcome_t write = s_op (self, "write", step->node, step->key, list, text,
                                     sizeof text, &write_ms);
    json_decref (write.value);
    write.value = write.result == WORKLOAD_OK? list: (json_decref (list), NULL);
    s_entry_outcome (entry, &write, text, read_ms + write_ms);
}

static void
s_client_step (s_tour_t *self, const tour_step_t *step)
{
    json_t *entry = s_entry (self, step, "info");
    json_t *value = *step->value? json_loads (step->value, JSON_DECODE_ANY, NULL): NULL;
    if (step->kind == TOUR_CART_ADD) {
        json_object_set (entry, "element", value);
        json_object_set_new (entry, "cart", json_string (self->orset? "or-set":
                                                         "read-modify-write"));
    }
    if (step->kind == TOUR_CART_ADD && !self->orset)
        s_cart_rmw (self, step, value, entry);
    else {
        if (step->kind == TOUR_CAS) {
            json_t *to = value;
            value = json_pack ("[o, O]", json_loads (step->from, JSON_DECODE_ANY, NULL), to);
            json_decref (to);
        }
        const char *f = step->kind == TOUR_READ? "read": step->kind == TOUR_WRITE? "write":
                        step->kind == TOUR_CAS? "cas": "add";
        char text [FL_WHY_BYTES_MAX];
        double ms;
        workload_outcome_t out = s_op (self, f, step->node, step->key, value, text,
                                       sizeof text, &ms);
        if (out.result == WORKLOAD_OK && !out.value && step->kind != TOUR_READ)
            out.value = json_incref (step->kind == TOUR_CAS? json_array_get (value, 1): value);
        s_entry_outcome (entry, &out, text, ms);
    }
    json_decref (value);
    json_decref (entry);
}

static void
s_fault_step (s_tour_t *self, const tour_step_t *step)
{
    action_t spec = step->action;
    schedule_resolve (&spec, self->sc->nodes, &self->rng);
    char detail [FL_FAULT_TEXT_BYTES_MAX] = "", *error = NULL;
    json_t *entry = s_entry (self, step, "fault");
    if (action_has_node (&spec) && *spec.node)
        json_object_set_new (entry, "node", json_string (spec.node));
    if (nemesis_apply (self->opts->nemesis, &spec, s_now (self), detail, sizeof detail, &error)) {
        json_object_set_new (entry, "error", json_string (error? error: "?"));
        char *message = NULL;
        if (asprintf (&message, "tour step %d (%s) failed: %s", self->number, step->text,
                      error? error: "?") < 0)
            message = NULL;
        s_fail (self, message);
        free (error);
    }
    json_object_set_new (entry, "detail", json_string (detail));
    json_decref (entry);
}

//  Do the replicas agree? Every node answered, and each state, as a
//  canonical map from key text to value, is the same.
static bool
s_agree (json_t *replicas)
{
    char *first = NULL;
    bool agree = json_object_size (replicas) > 0;
    const char *node;
    json_t *state;
    json_object_foreach (replicas, node, state) {
        if (!json_is_array (state)) {
            agree = false;
            break;
        }
        json_t *map = json_object ();
        size_t i;
        json_t *pair;
        json_array_foreach (state, i, pair) {
            char *key = json_dumps (json_array_get (pair, 0), JSON_ENCODE_ANY | JSON_COMPACT);
            json_object_set (map, key? key: "?", json_array_get (pair, 1));
            free (key);
        }
        char *text = json_dumps (map, JSON_COMPACT | JSON_SORT_KEYS);
        json_decref (map);
        if (first && (!text || !streq (first, text)))
            agree = false;
        if (!first)
            first = text;
        else
            free (text);
    }
    free (first);
    return agree;
}

//  Wait until every replica holds the same, at most final/settle_s; the
//  next numbered step says how long it took ("settle_ms", "settled").
static void
s_settle (s_tour_t *self)
{
    int64_t start = clock_mono_ms ();
    int64_t end = start + (int64_t) (self->sc->settle_s * 1000);
    bool settled = false;
    while (!self->error) {
        json_t *replicas = lab_replicas (self->opts->lab, FL_TOUR_REPLICA_MS);
        settled = s_agree (replicas);
        json_decref (replicas);
        if (settled || clock_mono_ms () >= end)
            break;
        s_sleep (self, FL_TOUR_SETTLE_POLL_MS);
    }
    json_object_set_new (self->pending, "settle_ms", json_integer (clock_mono_ms () - start));
    json_object_set_new (self->pending, "settled", json_boolean (settled));
}

static void
s_step (s_tour_t *self, const tour_step_t *step)
{
    switch (step->kind) {
        case TOUR_WAIT:
            s_sleep (self, step->ms);
            json_object_set_new (self->pending, "waited_ms", json_integer (step->ms));
            break;
        case TOUR_SETTLE:
            s_settle (self);
            break;
        case TOUR_FAULT:
            s_fault_step (self, step);
            break;
        default:
            s_client_step (self, step);
    }
}

//  The steps, then a final heal of what is still in force (final/heal),
//  then what every replica holds.
static void
s_steps (s_tour_t *self, json_t *record)
{
    int64_t end_ns = s_now (self) + (int64_t) (self->opts->duration_s * 1e9);
    size_t i;
    for (i = 0; i < self->sc->tour_count && !self->error; i++) {
        if (s_now (self) >= end_ns) {
            json_object_set_new (record, "stopped", json_sprintf ("duration_s %g reached:"
                                 " steps from line %d on were not run", self->opts->duration_s,
                                 self->sc->tour [i].line));
            break;
        }
        s_step (self, &self->sc->tour [i]);
    }
    //  A wait or settle at the very end has no step to tell it: its own.
    if (json_object_size (self->pending)) {
        json_t *entry = json_pack ("{s:i, s:s, s:s}", "step", ++self->number, "f",
                                   tour_step_word (&self->sc->tour [i - 1]), "type", "info");
        json_object_update (entry, self->pending);
        json_array_append_new (self->steps, entry);
    }
    char *error = NULL;
    if (!self->error && self->sc->final_heal && nemesis_active (self->opts->nemesis)
    &&  nemesis_heal_all (self->opts->nemesis, s_now (self), &error))
        s_fail (self, error);
    if (!self->error)
        json_object_set_new (record, "replicas", lab_replicas (self->opts->lab,
                                                               FL_TOUR_REPLICA_MS));
}

int
tour_run (const tour_opts_t *opts, json_t **record, char **error)
{
    assert (opts && opts->scenario && opts->scenario->tour && record && error);
    s_tour_t tour = { .opts = opts, .sc = opts->scenario, .steps = json_array (),
                      .pending = json_object (),
                      .orset = !lab_system_speaks (opts->system, "lin-kv") };
    s_tour_t *self = &tour;
    rng_init_stream (&self->rng, opts->seed, TOUR_FAULT_STREAM);
    self->sock = zsock_new (ZMQ_DEALER);
    assert (self->sock);
    zsock_set_identity (self->sock, TOUR_CLIENT);
    zsock_connect (self->sock, "%s", lab_net (opts->lab));
    self->items [0] = (zmq_pollitem_t) { zsock_resolve (self->sock), 0, ZMQ_POLLIN, 0 };
    self->items [1] = (zmq_pollitem_t) { zsock_resolve (lab_socket (opts->lab)), 0,
                                         ZMQ_POLLIN, 0 };
    *record = json_object ();
    s_steps (self, *record);
    json_object_set_new (*record, "steps", self->steps);
    json_object_set_new (*record, "tour_unmatched", json_integer (self->unmatched));
    json_decref (self->pending);
    zsock_destroy (&self->sock);
    *error = self->error;
    return self->error? -1: 0;
}

//  The value KEY has in a replica's state [[KEY, VALUE], ...], or NULL.
static json_t *
s_held (json_t *state, const char *key)
{
    size_t i;
    json_t *pair;
    json_array_foreach (state, i, pair)
        if (json_is_string (json_array_get (pair, 0))
        &&  streq (json_string_value (json_array_get (pair, 0)), key))
            return json_array_get (pair, 1);
    return NULL;
}

//  Does some replica hold one of values (an array) for key, or, with
//  member, a list for key that has values [0] in it?
static bool
s_on_a_replica (json_t *replicas, const char *key, json_t *values, bool member)
{
    const char *node;
    json_t *state;
    json_object_foreach (replicas, node, state) {
        json_t *held = s_held (state, key);
        size_t i;
        json_t *value;
        if (!held)
            continue;
        if (member) {
            json_array_foreach (held, i, value)
                if (json_equal (value, json_array_get (values, 0)))
                    return true;
        }
        else
            json_array_foreach (values, i, value)
                if (json_equal (value, held))
                    return true;
    }
    return false;
}

//  One lost update into lost, with its words for the reason.
static void
s_lost_add (json_t *lost, json_t *entry, json_t *value, const char *what, char *reason,
            size_t size)
{
    json_array_append_new (lost, json_pack ("{s:O, s:O, s:O, s:s}", "step",
                           json_object_get (entry, "step"), "key", json_object_get (entry, "key"),
                           "value", value, "f", what));
    char *text = json_dumps (value, JSON_ENCODE_ANY | JSON_COMPACT);
    size_t used = strlen (reason);
    snprintf (reason + used, size - used, "%s%s %s (step %lld, %s)", used? "; ": "", what,
              text? text: "?", (long long) json_integer_value (json_object_get (entry, "step")),
              json_string_value (json_object_get (entry, "node")));
    free (text);
}

//  The last acknowledged write of the key of steps [at] (a write or cas),
//  unless an ok write of it follows: lost when no replica holds its value
//  or that of an info write after it (which may have happened).
static bool
s_last_write (json_t *steps, size_t at)
{
    const char *key = json_string_value (json_object_get (json_array_get (steps, at), "key"));
    for (size_t i = at + 1; i < json_array_size (steps); i++) {
        json_t *later = json_array_get (steps, i);
        const char *f = json_string_value (json_object_get (later, "f"));
        if (streq (json_string_value (json_object_get (later, "type")), "ok") && key
        &&  json_is_string (json_object_get (later, "key"))
        &&  streq (json_string_value (json_object_get (later, "key")), key)
        &&  (streq (f, "write") || streq (f, "cas")))
            return false;
    }
    return true;
}

static json_t *
s_lost_check (const json_t *record)
{
    json_t *replicas = json_object_get (record, "replicas");
    json_t *steps = json_object_get (record, "steps");
    json_t *lost = json_array ();
    char reason [FL_WHY_BYTES_MAX * 2] = "";
    bool any = false;
    const char *node;
    json_t *state;
    json_object_foreach (replicas, node, state)
        any |= json_is_array (state);
    for (size_t i = 0; any && i < json_array_size (steps); i++) {
        json_t *entry = json_array_get (steps, i);
        const char *f = json_string_value (json_object_get (entry, "f"));
        const char *key = json_string_value (json_object_get (entry, "key"));
        if (!key || !streq (json_string_value (json_object_get (entry, "type")), "ok"))
            continue;
        json_t *value = json_object_get (entry, "value");
        json_t *wanted = json_array ();
        if (streq (f, "cart-add")) {
            json_array_append (wanted, json_object_get (entry, "element"));
            if (!s_on_a_replica (replicas, key, wanted, true))
                s_lost_add (lost, entry, json_object_get (entry, "element"), "cart item",
                            reason, sizeof reason);
        }
        else
        if ((streq (f, "write") || streq (f, "cas")) && s_last_write (steps, i)) {
            json_array_append (wanted, value);
            for (size_t j = i + 1; j < json_array_size (steps); j++) {
                json_t *later = json_array_get (steps, j);
                const char *later_f = json_string_value (json_object_get (later, "f"));
                const char *later_key = json_string_value (json_object_get (later, "key"));
                if (streq (json_string_value (json_object_get (later, "type")), "info")
                &&  later_key && streq (later_key, key)
                &&  (streq (later_f, "write") || streq (later_f, "cas")))
                    json_array_append (wanted, json_object_get (later, "value"));
            }
            if (!s_on_a_replica (replicas, key, wanted, false))
                s_lost_add (lost, entry, value, "write", reason, sizeof reason);
        }
        json_decref (wanted);
    }
    if (!any)
        return json_pack ("{s:s, s:s, s:{s:s}}", "name", "lost", "valid", "unknown", "details",
                          "reason", "no replica answered replica_read: what the nodes hold"
                          " is not known");
    json_t *details = json_pack ("{s:o}", "lost", lost);
    if (*reason)
        json_object_set_new (details, "reason", json_sprintf ("acknowledged but on no"
                             " replica after the tour: %s", reason));
    return json_pack ("{s:s, s:b, s:o}", "name", "lost", "valid", json_array_size (lost) == 0,
                      "details", details);
}

//  The kv model's verdict on the tour's history.jsonl.
static json_t *
s_linearizable (const char *run_dir)
{
    check_verdict_t verdict;
    return runner_check_entry (run_dir, "linearizable", "kv", 0, &verdict);
}

//  A tour none of whose client steps succeeded judged nothing: every
//  history is linearizable when no op took effect. A "tour" check with
//  valid "unknown" saying so (the first step's error), or NULL when some
//  client step was ok (or there were none).
static json_t *
s_all_failed (const json_t *record)
{
    size_t i, ops = 0;
    json_t *entry, *first = NULL;
    json_array_foreach (json_object_get (record, "steps"), i, entry) {
        const char *type = json_string_value (json_object_get (entry, "type"));
        if (!json_object_get (entry, "node") || !type)
            continue;           //  a fault, wait or settle
        if (streq (type, "ok"))
            return NULL;
        ops++;
        first = first? first: entry;
    }
    if (!ops)
        return NULL;
    const char *text = json_string_value (json_object_get (first, "text"));
    json_t *error = json_object_get (first, "error");
    char code [32] = "";
    if (json_is_integer (error))
        snprintf (code, sizeof code, " %lld", (long long) json_integer_value (error));
    return json_pack ("{s:s, s:s, s:{s:o}}", "name", "tour", "valid", "unknown", "details",
                      "reason", json_sprintf ("no client step succeeded (all %zu failed or went"
                      " unanswered; step %lld: %s%s%s%s): nothing was judged", ops,
                      (long long) json_integer_value (json_object_get (first, "step")),
                      json_string_value (json_object_get (first, "type")), code,
                      text && *text? ", ": "", text? text: ""));
}

json_t *
tour_checks (const json_t *record, const char *run_dir, check_verdict_t *verdict)
{
    assert (record && run_dir && verdict);
    json_t *checks = json_array ();
    //  The OR-set's adds are no register ops: the kv model has no word for them.
    bool registers = true;
    size_t i;
    json_t *entry;
    json_array_foreach (json_object_get (record, "steps"), i, entry) {
        const char *cart = json_string_value (json_object_get (entry, "cart"));
        registers &= !cart || !streq (cart, "or-set");
    }
    if (registers)
        json_array_append_new (checks, s_linearizable (run_dir));
    //  A --node program has no replica_read (lab_replicas gives {}): its
    //  history alone is judged.
    if (json_object_size (json_object_get (record, "replicas")))
        json_array_append_new (checks, s_lost_check (record));
    json_t *failed = s_all_failed (record);
    if (failed)
        json_array_append_new (checks, failed);
    if (json_array_size (checks) == 0)
        json_array_append_new (checks, json_pack ("{s:s, s:s, s:{s:s}}", "name", "tour",
                               "valid", "unknown", "details", "reason", "nothing to judge:"
                               " no register history and no replica states"));
    bool invalid = false, unknown = false;
    json_array_foreach (checks, i, entry) {
        json_t *valid = json_object_get (entry, "valid");
        invalid |= json_is_false (valid);
        unknown |= !json_is_boolean (valid);
    }
    *verdict = invalid? CHECK_INVALID: unknown? CHECK_UNKNOWN: CHECK_VALID;
    return checks;
}
