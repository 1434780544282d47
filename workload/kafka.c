/*  kafka.c -- Maelstrom's kafka workload: replicated logs, one per key,
    that clients send to, poll from, and commit consumer offsets on.

    The ops, as the history records them (docs/workloads.md), and their
    RPCs (MAELSTROM.md section 3):
        send    {"f":"send","key":"3","value":7}
                -> send {key:"3", msg:7}, send_ok {offset}; ok value [offset, 7]
        poll    {"f":"poll","value":{"3":0,"4":2}}          (the offsets asked)
                -> poll {offsets}, poll_ok {msgs:{"3":[[0,5],[1,7]]}}; ok value msgs
        commit_offsets  {"f":"commit_offsets","value":{"3":1}}
                -> commit_offsets {offsets}, commit_offsets_ok; ok value the offsets
        list_committed_offsets  {"f":"list_committed_offsets","value":["3","4"]}
                -> list_committed_offsets {keys}, list_committed_offsets_ok
                {offsets}; ok value the offsets
    Besides the generic schema (workload.c), observe holds poll_ok's msgs
    to {key: [[int, any] ...]} and list_committed_offsets_ok's offsets to
    {key: int}; a reply that breaks them is info, "malformed RPC
    response: ...", as Maelstrom's schema makes it. Idempotent:
    list_committed_offsets, Maelstrom's {assign}.

    The generator is Maelstrom's client, one per client. Keys are "0" ..
    "K-1", K the scenario's keys (at least 1, at most FL_SCENARIO_KEYS_MAX).
    It holds the keys assigned to it (none at first) and, per key, the
    local offset its next poll asks from. Each op:
    - the commit_offsets {key: highest offset polled} of the poll just
      answered, if it returned any message;
    - else, 1 time in 64, an assign: a list_committed_offsets of a random
      non-empty subset of the keys, to which a third of the time are added
      the keys with unseen sends (an ok send whose offset is above what
      this client has polled of that key). Its answer makes those keys the
      assignment; a key starts at its local offset, else the committed
      offset, else 0 (MAELSTROM.md's order);
    - else a send (half the time) of a message unique across the run
      (workload_basic_unique) to a uniform key, or a poll of every
      assigned key from its local offset (an empty map before the first
      assign). A poll that returns messages moves each key's local offset
      to the highest returned plus one.
    It learns through observe, which sees every reply (NULL on a timeout),
    so one seed and the same answers give the same ops. An op that ends
    info (in the load) starts a new process: assignment, local offsets and
    the commit due are forgotten.

    The final phase (the final hook, one op at a time): a
    list_committed_offsets of every key, whose answer is ignored (the
    polls seek to the beginning), then polls of every key, the first from
    0, each next one from where the last one ended, until a poll returns
    nothing new (no message at or above the offset asked) or
    FL_KAFKA_FINAL_POLLS_MAX polls were made. A poll that fails (a
    definite error) is made again; one that ends info ends the phase for
    this client. The client loop asks for op N only after op N-1 was
    observed, and stops at FL_FINAL_OPS_MAX ops or FL_FINAL_PHASE_MS.

    Where this differs from Maelstrom, on purpose:
    - a fixed set of K keys, where Maelstrom keeps 10 active keys and
      replaces one by a fresh key after 16 messages; messages unique across
      the run (client c of n sends c-1, c-1+n, ...), where Maelstrom's
      shared generator sends 1..16 per key; sends pick keys uniformly,
      where Maelstrom's (Elle's list-append generator) skews them;
    - the commit after a poll is an op of its own, the client's next,
      where Maelstrom's client commits inside the poll op; a poll that
      returned nothing commits nothing;
    - "unseen" is what this client sent and did not poll; Maelstrom's
      generator sees the sends and polls of every client;
    - no crash op: Maelstrom crashes each client about every 30 s (a new
      id, its assignment and offsets forgotten); here that happens only
      after an op ends info, when the client goes on as a new process
      (lab/client.c) and the generator forgets them as Maelstrom's new
      client would;
    - the final phase polls back to back until nothing new, at most
      FL_KAFKA_FINAL_POLLS_MAX polls, where Maelstrom crashes the client,
      assigns every key from 0, and polls every 0.2 s until the highest
      known offsets, for at most 10 s.
*/
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "workloads.h"

#define S_STREAM 0x690000ULL         // apart from every other stream (lab/client.c has 0x70...)
#define S_ASSIGN_ONE_IN 64          // Maelstrom's assign rate, 1/64
#define S_UNSEEN_ONE_IN 3           // of which a third add the unseen keys

typedef struct {
    workload_basic_t basic;
    int keys;                                   // "0" .. keys-1
    bool assigned [FL_SCENARIO_KEYS_MAX];
    bool local [FL_SCENARIO_KEYS_MAX];          // has a local offset
    int64_t next [FL_SCENARIO_KEYS_MAX];        // the local offset: next poll's
    int64_t sent [FL_SCENARIO_KEYS_MAX];        // highest ok send offset, -1
    int64_t polled [FL_SCENARIO_KEYS_MAX];      // highest offset polled, -1
    json_t *commit;                             // the next op's offsets, or NULL
    bool final;                                 // in the final phase
    bool final_more;                            // the last final poll brought news
    int final_polls;
    int64_t final_next [FL_SCENARIO_KEYS_MAX];
} s_gen_t;

static void *
s_new (const workload_t *workload, const workload_ctx_t *ctx)
{
    (void) workload;
    s_gen_t *self = calloc (1, sizeof *self);
    assert (self);
    workload_basic_t *basic = workload_basic_new (ctx, S_STREAM);
    self->basic = *basic;
    workload_basic_destroy (basic);
    self->keys = ctx->keys < 1? 1: ctx->keys > FL_SCENARIO_KEYS_MAX? FL_SCENARIO_KEYS_MAX: ctx->keys;
    for (int k = 0; k < FL_SCENARIO_KEYS_MAX; k++)
        self->sent [k] = self->polled [k] = -1;
    return self;
}

static void
s_destroy (void *gen)
{
    s_gen_t *self = gen;
    json_decref (self->commit);
    free (self);
}

//  Key K's name, "3".
static void
s_key_name (int k, char *name, size_t size)
{
    snprintf (name, size, "%d", k);
}

//  The key NAME is, 0..keys-1, or -1 when it is none of ours ("03", "x").
static int
s_key_of (const s_gen_t *self, const char *name)
{
    if (!name || !*name || (name [0] == '0' && name [1]))
        return -1;
    int k = 0;
    for (const char *at = name; *at; at++) {
        k = k * 10 + (*at - '0');
        if (*at < '0' || *at > '9' || k >= self->keys)
            return -1;              // stops before k can overflow
    }
    return k;
}

//  An offset the generator may learn from: one it can add 1 to.
static bool
s_offset_ok (const json_t *offset)
{
    return json_is_integer (offset) && json_integer_value (offset) >= 0
        && json_integer_value (offset) < INT64_MAX;
}

//  A poll of every key set in KEYS from OFFSETS.
static json_t *
s_poll_op (const s_gen_t *self, const bool *keys, const int64_t *offsets)
{
    json_t *value = json_object ();
    for (int k = 0; k < self->keys; k++)
        if (keys [k]) {
            char name [16];
            s_key_name (k, name, sizeof name);
            json_object_set_new (value, name, json_integer (offsets [k]));
        }
    return workload_op ("poll", value);
}

//  A list_committed_offsets of every key set in KEYS.
static json_t *
s_assign_op (const s_gen_t *self, const bool *keys)
{
    json_t *value = json_array ();
    for (int k = 0; k < self->keys; k++)
        if (keys [k]) {
            char name [16];
            s_key_name (k, name, sizeof name);
            json_array_append_new (value, json_string (name));
        }
    return workload_op ("list_committed_offsets", value);
}

static json_t *
s_assign (s_gen_t *self)
{
    rng_t *rng = &self->basic.rng;
    bool keys [FL_SCENARIO_KEYS_MAX] = { false };
    int count = 0;
    for (int k = 0; k < self->keys; k++)
        count += keys [k] = rng_below (rng, 2) == 0;
    if (count == 0)
        keys [rng_below (rng, (uint64_t) self->keys)] = true;
    if (rng_below (rng, S_UNSEEN_ONE_IN) == 0)
        for (int k = 0; k < self->keys; k++)
            keys [k] |= self->sent [k] > self->polled [k];
    return s_assign_op (self, keys);
}

static json_t *
s_next (void *gen)
{
    s_gen_t *self = gen;
    rng_t *rng = &self->basic.rng;
    if (self->commit) {
        json_t *offsets = self->commit;
        self->commit = NULL;
        return workload_op ("commit_offsets", offsets);
    }
    if (rng_below (rng, S_ASSIGN_ONE_IN) == 0)
        return s_assign (self);
    if (rng_below (rng, 2) == 0)
        return s_poll_op (self, self->assigned, self->next);
    char key [16];
    s_key_name ((int) rng_below (rng, (uint64_t) self->keys), key, sizeof key);
    json_t *op = workload_op ("send", json_integer (workload_basic_unique (&self->basic)));
    json_object_set_new (op, "key", json_string (key));
    return op;
}

static json_t *
s_final (void *gen, int n)
{
    s_gen_t *self = gen;
    bool every [FL_SCENARIO_KEYS_MAX];
    for (int k = 0; k < FL_SCENARIO_KEYS_MAX; k++)
        every [k] = true;
    if (n == 0) {
        self->final = true;
        self->final_more = true;
        self->final_polls = 0;
        memset (self->final_next, 0, sizeof self->final_next);
        json_decref (self->commit);
        self->commit = NULL;
        return s_assign_op (self, every);
    }
    assert (self->final);
    if (!self->final_more || self->final_polls >= FL_KAFKA_FINAL_POLLS_MAX)
        return NULL;
    self->final_polls++;
    self->final_more = false;
    return s_poll_op (self, every, self->final_next);
}

static json_t *
s_request (void *gen, const json_t *op)
{
    (void) gen;
    const char *f = json_string_value (json_object_get (op, "f"));
    if (f && strcmp (f, "send") == 0)
        return json_pack ("{s:s, s:O, s:O}", "type", "send", "key", json_object_get (op, "key"),
                          "msg", json_object_get (op, "value"));
    return workload_body (op, f && strcmp (f, "list_committed_offsets") == 0? "keys": "offsets");
}

//  Send: [offset, msg]; poll: msgs; list_committed_offsets: offsets;
//  commit_offsets: the offsets it committed (the invoke's).
static json_t *
s_ok_value (void *gen, const json_t *op, json_t *body)
{
    (void) gen;
    const char *f = json_string_value (json_object_get (op, "f"));
    assert (f);
    if (strcmp (f, "send") == 0)
        return json_pack ("[O, O]", json_object_get (body, "offset"), json_object_get (op, "value"));
    if (strcmp (f, "poll") == 0)
        return json_incref (json_object_get (body, "msgs"));
    if (strcmp (f, "list_committed_offsets") == 0)
        return json_incref (json_object_get (body, "offsets"));
    return NULL;
}

//  Is poll_ok's MSGS {key: [[int, any] ...]}? 0, or -1 with why.
static int
s_msgs_check (json_t *msgs, char *why, size_t size)
{
    const char *name;
    json_t *pairs;
    json_object_foreach (msgs, name, pairs) {
        if (!json_is_array (pairs)) {
            snprintf (why, size, "malformed RPC response: poll_ok's msgs[\"%.32s\"] is %s, "
                      "expected an array of [offset, msg]", name, workload_type_name (pairs));
            return -1;
        }
        size_t i;
        json_t *pair;
        json_array_foreach (pairs, i, pair) {
            if (!json_is_array (pair) || json_array_size (pair) != 2) {
                snprintf (why, size, "malformed RPC response: poll_ok's msgs[\"%.32s\"][%zu] is "
                          "%s%s, expected [offset, msg]", name, i, workload_type_name (pair),
                          json_is_array (pair)? " not of 2": "");
                return -1;
            }
            if (!json_is_integer (json_array_get (pair, 0))) {
                snprintf (why, size, "malformed RPC response: poll_ok's msgs[\"%.32s\"][%zu]'s "
                          "offset is %s, expected an integer", name, i,
                          workload_type_name (json_array_get (pair, 0)));
                return -1;
            }
        }
    }
    return 0;
}

//  Is list_committed_offsets_ok's OFFSETS {key: int}? 0, or -1 with why.
static int
s_offsets_check (json_t *offsets, char *why, size_t size)
{
    const char *name;
    json_t *offset;
    json_object_foreach (offsets, name, offset)
        if (!json_is_integer (offset)) {
            snprintf (why, size, "malformed RPC response: list_committed_offsets_ok's "
                      "offsets[\"%.32s\"] is %s, expected an integer", name,
                      workload_type_name (offset));
            return -1;
        }
    return 0;
}

//  An ok send: the highest offset this client's sends got, per key.
static void
s_learn_send (s_gen_t *self, const json_t *op, json_t *body)
{
    int k = s_key_of (self, json_string_value (json_object_get (op, "key")));
    json_t *offset = json_object_get (body, "offset");
    if (k >= 0 && s_offset_ok (offset) && json_integer_value (offset) > self->sent [k])
        self->sent [k] = json_integer_value (offset);
}

//  The highest offset in PAIRS (valid [offset, msg] pairs), -1 if none.
static int64_t
s_max_offset (json_t *pairs)
{
    int64_t max = -1;
    size_t i;
    json_t *pair;
    json_array_foreach (pairs, i, pair) {
        json_t *offset = json_array_get (pair, 0);
        if (s_offset_ok (offset) && json_integer_value (offset) > max)
            max = json_integer_value (offset);
    }
    return max;
}

//  An ok poll of the load: each key asked that returned messages moves
//  on past the highest, and is committed by the next op.
static void
s_learn_poll (s_gen_t *self, const json_t *op, json_t *msgs)
{
    json_t *asked = json_object_get (op, "value");
    json_t *commit = json_object ();
    const char *name;
    json_t *pairs;
    json_object_foreach (msgs, name, pairs) {
        int k = s_key_of (self, name);
        int64_t max = s_max_offset (pairs);
        if (k < 0 || !json_object_get (asked, name) || max < 0)
            continue;
        self->next [k] = max + 1;
        self->local [k] = true;
        if (max > self->polled [k])
            self->polled [k] = max;
        json_object_set_new (commit, name, json_integer (max));
    }
    json_decref (self->commit);
    self->commit = NULL;
    if (json_object_size (commit) > 0)
        self->commit = commit;
    else
        json_decref (commit);
}

//  An ok assign of the load: the keys asked are the assignment, each from
//  its local offset, else the committed one, else 0.
static void
s_learn_assign (s_gen_t *self, const json_t *op, json_t *offsets)
{
    memset (self->assigned, 0, sizeof self->assigned);
    size_t i;
    json_t *key;
    json_array_foreach (json_object_get (op, "value"), i, key) {
        const char *name = json_string_value (key);
        int k = s_key_of (self, name);
        if (k < 0)
            continue;
        self->assigned [k] = true;
        if (!self->local [k]) {
            json_t *committed = json_object_get (offsets, name);
            self->next [k] = s_offset_ok (committed)? json_integer_value (committed): 0;
            self->local [k] = true;
        }
    }
}

//  A final poll: news is a message at or above the offset asked; the next
//  final poll asks past the highest returned. A failed poll is made again.
static void
s_learn_final_poll (s_gen_t *self, const json_t *op, json_t *msgs, workload_result_t result)
{
    self->final_more = result == WORKLOAD_FAIL;
    if (result != WORKLOAD_OK)
        return;
    json_t *asked = json_object_get (op, "value");
    const char *name;
    json_t *pairs;
    json_object_foreach (msgs, name, pairs) {
        int k = s_key_of (self, name);
        json_t *from = json_object_get (asked, name);
        int64_t max = s_max_offset (pairs);
        if (k < 0 || !json_is_integer (from) || max < json_integer_value (from))
            continue;
        self->final_next [k] = max + 1;
        self->final_more = true;
    }
}

//  After an info the client goes on as a new process, which is
//  Maelstrom's new client: nothing assigned, no local offsets, no commit
//  due. What it sent and polled (for unseen keys) is the generator's and
//  stays.
static void
s_new_process (s_gen_t *self)
{
    memset (self->assigned, 0, sizeof self->assigned);
    memset (self->local, 0, sizeof self->local);
    memset (self->next, 0, sizeof self->next);
    json_decref (self->commit);
    self->commit = NULL;
}

static void
s_observe (void *gen, const json_t *op, json_t *body, workload_outcome_t *outcome)
{
    s_gen_t *self = gen;
    const char *f = json_string_value (json_object_get (op, "f"));
    assert (f);
    bool poll = strcmp (f, "poll") == 0, assign = strcmp (f, "list_committed_offsets") == 0;
    char why [FL_WHY_BYTES_MAX];
    if (outcome->result == WORKLOAD_OK
    && ((poll && s_msgs_check (json_object_get (body, "msgs"), why, sizeof why))
    ||  (assign && s_offsets_check (json_object_get (body, "offsets"), why, sizeof why)))) {
        json_decref (outcome->value);
        *outcome = (workload_outcome_t) { .result = WORKLOAD_INFO, .code = -1 };
        snprintf (outcome->why, sizeof outcome->why, "%s", why);
    }
    bool ok = outcome->result == WORKLOAD_OK;
    if (outcome->result == WORKLOAD_INFO && !self->final)
        s_new_process (self);
    else
    if (poll && self->final)
        s_learn_final_poll (self, op, json_object_get (body, "msgs"), outcome->result);
    else
    if (poll && ok)
        s_learn_poll (self, op, json_object_get (body, "msgs"));
    else
    if (assign && ok && !self->final)
        s_learn_assign (self, op, json_object_get (body, "offsets"));
    else
    if (strcmp (f, "send") == 0 && ok)
        s_learn_send (self, op, body);
}

static const workload_class_t s_class = {
    .gen_new = s_new, .gen_destroy = s_destroy, .next = s_next, .final = s_final,
    .request = s_request, .observe = s_observe, .ok_value = s_ok_value,
};

static const workload_rpc_t s_rpcs [] = {
    { "send", "send_ok", "offset:int" },
    { "poll", "poll_ok", "msgs:object" },
    { "commit_offsets", "commit_offsets_ok", "" },
    { "list_committed_offsets", "list_committed_offsets_ok", "offsets:object" },
    { NULL, NULL, NULL }
};

const workload_t kafka_workload = {
    .name = "kafka", .summary = "replicated logs: send, poll, commit offsets; no acknowledged send lost",
    .check = "kafka", .idempotent = "list_committed_offsets", .final_reads = true,
    .rpcs = s_rpcs, .klass = &s_class,
};
