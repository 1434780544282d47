/*  checks_kafka.c -- the check of kafka histories: "send" (invoke "key" and
    "value" the message; ok "value" [offset, message]), "poll" (ok "value"
    {key: [[offset, message] ...]}), "commit_offsets" and
    "list_committed_offsets".

    First every (key, offset, message) that an ok send or an ok poll shows
    is gathered and sorted two ways. By (key, offset): two messages at one
    offset are *inconsistent-offsets*, and the distinct offsets of a key
    are the offsets *known to exist*. By (key, message): a message at more
    offsets than it was sent times is a *duplicate*; an ok send whose
    message no poll returned is a *lost-write* if its offset is below the
    highest offset any poll returned for the key, else *unseen* (the two
    are apart: a lost write is not counted unseen too).

    Then each process's ops, in order: its ok sends to a key must get
    increasing offsets (else *nonmonotonic-send*); each poll of a key must
    go on above the offset its previous poll of that key ended at, and
    rise within itself (else *nonmonotonic-poll*), and must not step over
    an offset known to exist (*poll-skip*). A polled message that no send
    tried is *unexpected*. A process's
    list_committed_offsets (Maelstrom's client reassigning keys) starts
    its polls afresh. Values that break the shapes above are *malformed*.
    Valid iff none of these.

    Messages and keys are compared by compact JSON text; a key that is not
    a string is taken by its text, so send key 3 and poll key "3" agree.
*/
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include <jansson.h>
#include "limits.h"
#include "checks_kafka.h"

typedef enum {
    S_DUPLICATE, S_INCONSISTENT, S_LOST, S_UNSEEN,
    S_NONMONOTONIC_SEND, S_NONMONOTONIC_POLL, S_POLL_SKIP, S_UNEXPECTED, S_MALFORMED, S_KINDS
} s_kind_t;

static const char *s_kind_names [S_KINDS] = {
    "duplicate", "inconsistent-offsets", "lost-write", "unseen",
    "nonmonotonic-send", "nonmonotonic-poll", "poll-skip", "unexpected", "malformed"
};

typedef struct {
    int32_t key, msg;
    int64_t offset;
    size_t op;
    bool polled;                // from a poll (else from an ok send)
} s_seen_t;

typedef struct {
    const opslog_t *log;
    zhashx_t *ids;              // "k" + key text or "m" + message text -> id + 1
    char **texts;               // id -> key name or message text
    size_t texts_size, texts_capacity;
    s_seen_t *seen;
    size_t seen_size, seen_capacity;
    int32_t *sends;             // per message id: sends tried (not failed)
    int64_t *offsets;           // distinct offsets, by key, ascending
    size_t *key_start;          // key id -> first in offsets, key_end next
    size_t *key_end;
    int64_t *max_polled;        // key id -> highest offset polled, -1
    bool frozen;                // every id made: arrays by id are sized
    json_t *lists [S_KINDS];
    int64_t counts [S_KINDS];
    int64_t sends_count, polls_count;
} s_state_t;

//  The id of TEXT under PREFIX (a key: "k"; a message of key K: "mK/"),
//  new ones numbered on; texts [id] is TEXT.
static int32_t
s_id (s_state_t *self, const char *prefix, const char *text)
{
    char *name = zsys_sprintf ("%s%s", prefix, text);
    void *found = zhashx_lookup (self->ids, name);
    int32_t id;
    if (found)
        id = (int32_t) ((uintptr_t) found - 1);
    else {
        assert (!self->frozen);     // the per-id arrays are sized by now
        if (self->texts_size == self->texts_capacity) {
            self->texts_capacity = self->texts_capacity ? self->texts_capacity * 2 : 256;
            self->texts = realloc (self->texts, self->texts_capacity * sizeof (char *));
            assert (self->texts);
        }
        id = (int32_t) self->texts_size;
        self->texts [self->texts_size++] = strdup (text);
        zhashx_insert (self->ids, name, (void *) (uintptr_t) (id + 1));
    }
    zstr_free (&name);
    return id;
}

//  A key's id from a send's key atom: a JSON string by its contents.
static int32_t
s_key_of_atom (s_state_t *self, int32_t atom)
{
    json_t *key = checks_atom_json (self->log, atom);
    int32_t id = json_is_string (key) ? s_id (self, "k", json_string_value (key))
                                      : s_id (self, "k", key ? opslog_atom (self->log, atom) : "null");
    json_decref (key);
    return id;
}

//  The id of message TEXT of KEY: messages are told apart per key.
static int32_t
s_msg_of_text (s_state_t *self, int32_t key, const char *text)
{
    char prefix [32];
    snprintf (prefix, sizeof prefix, "m%" PRId32 "/", key);
    return s_id (self, prefix, text);
}

static int32_t
s_msg_of_json (s_state_t *self, int32_t key, json_t *msg)
{
    char small [32];
    char *text = small;
    if (json_is_integer (msg))
        snprintf (small, sizeof small, "%" JSON_INTEGER_FORMAT, json_integer_value (msg));
    else
        text = json_dumps (msg, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    assert (text);
    int32_t id = s_msg_of_text (self, key, text);
    if (text != small)
        free (text);
    return id;
}

//  The decoded JSON of an id's text: a message as the value it was.
static json_t *
s_msg_json (const s_state_t *self, int32_t id)
{
    json_t *value = json_loads (self->texts [id], JSON_DECODE_ANY, NULL);
    return value ? value : json_null ();
}

static void
s_note (s_state_t *self, s_kind_t kind, json_t *example, size_t op)
{
    self->counts [kind]++;
    json_object_set_new (example, "op", checks_op_ref (self->log, op));
    checks_listed (self->lists [kind], example);
}

static void
s_seen (s_state_t *self, int32_t key, int64_t offset, int32_t msg, size_t op, bool polled)
{
    if (self->seen_size == self->seen_capacity) {
        self->seen_capacity = self->seen_capacity ? self->seen_capacity * 2 : 4096;
        self->seen = realloc (self->seen, self->seen_capacity * sizeof (s_seen_t));
        assert (self->seen);
    }
    self->seen [self->seen_size++] = (s_seen_t) { key, msg, offset, op, polled };
}

//  A poll's [offset, message] pair, or false if it is not one.
static bool
s_pair (json_t *pair, int64_t *offset, json_t **msg)
{
    if (!json_is_array (pair) || json_array_size (pair) != 2
    ||  !json_is_integer (json_array_get (pair, 0)))
        return false;
    *offset = json_integer_value (json_array_get (pair, 0));
    *msg = json_array_get (pair, 1);
    return true;
}

//  An ok send (its [offset, message]) into the seen list.
static void
s_gather_send (s_state_t *self, size_t i, int32_t key, int32_t msg)
{
    const opslog_op_t *op = opslog_op (self->log, i);
    json_t *value = checks_atom_json (self->log, op->return_value);
    int64_t offset;
    json_t *ignored;
    if (s_pair (value, &offset, &ignored))
        s_seen (self, key, offset, msg, i, false);
    else
        s_note (self, S_MALFORMED, json_pack ("{s:s, s:o}", "what", "send_ok value is not [offset, msg]",
                "value", value ? json_incref (value) : json_null ()), i);
    json_decref (value);
}

//  An ok poll's messages into the seen list.
static void
s_gather_poll (s_state_t *self, size_t i)
{
    json_t *value = checks_atom_json (self->log, opslog_op (self->log, i)->return_value);
    if (!json_is_object (value))
        s_note (self, S_MALFORMED, json_pack ("{s:s, s:o}", "what", "poll_ok value is not an object",
                "value", value ? json_incref (value) : json_null ()), i);
    const char *name;
    json_t *pairs;
    json_object_foreach (value, name, pairs) {
        int32_t key = s_id (self, "k", name);
        size_t k;
        json_t *pair, *msg;
        int64_t offset;
        bool shaped = json_is_array (pairs);
        json_array_foreach (pairs, k, pair)
            if (s_pair (pair, &offset, &msg))
                s_seen (self, key, offset, s_msg_of_json (self, key, msg), i, true);
            else
                shaped = false;
        if (!shaped)
            s_note (self, S_MALFORMED, json_pack ("{s:s, s:s, s:O}", "what",
                    "poll_ok messages of a key are not a list of [offset, msg]",
                    "key", name, "value", pairs), i);
    }
    json_decref (value);
}

//  Every send and poll: what they show into seen, sends tried per message.
static void
s_gather (s_state_t *self)
{
    const opslog_t *log = self->log;
    int32_t send_f = opslog_atom_find (log, "send"), poll_f = opslog_atom_find (log, "poll");
    int32_t *msgs = zmalloc ((opslog_size (log) + 1) * sizeof (int32_t));
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        if (op->f_atom == send_f && op->type != OPSLOG_FAIL) {
            self->sends_count++;
            int32_t key = s_key_of_atom (self, op->key);
            msgs [i] = s_msg_of_text (self, key, op->invoke_value >= 0
                                      ? opslog_atom (log, op->invoke_value) : "null");
            if (op->type == OPSLOG_OK)
                s_gather_send (self, i, key, msgs [i]);
        }
        else
        if (op->f_atom == poll_f && op->type == OPSLOG_OK) {
            self->polls_count++;
            s_gather_poll (self, i);
        }
    }
    self->frozen = true;
    self->sends = zmalloc ((self->texts_size + 1) * sizeof (int32_t));
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        if (op->f_atom == send_f && op->type != OPSLOG_FAIL)
            self->sends [msgs [i]]++;
    }
    free (msgs);
}

static int
s_by_offset (const void *a, const void *b)
{
    const s_seen_t *x = a, *y = b;
    if (x->key != y->key)
        return (x->key > y->key) - (x->key < y->key);
    if (x->offset != y->offset)
        return (x->offset > y->offset) - (x->offset < y->offset);
    if (x->msg != y->msg)
        return (x->msg > y->msg) - (x->msg < y->msg);
    return (x->op > y->op) - (x->op < y->op);
}

static int
s_by_msg (const void *a, const void *b)
{
    const s_seen_t *x = a, *y = b;
    if (x->msg != y->msg)           // message ids are per key
        return (x->msg > y->msg) - (x->msg < y->msg);
    if (x->offset != y->offset)
        return (x->offset > y->offset) - (x->offset < y->offset);
    return (x->op > y->op) - (x->op < y->op);
}

//  Sorted by (key, offset): inconsistent offsets, the distinct offsets of
//  each key, and the highest polled.
static void
s_offsets (s_state_t *self)
{
    if (self->seen_size)
        qsort (self->seen, self->seen_size, sizeof (s_seen_t), s_by_offset);
    size_t keys = self->texts_size + 1;         // ids are shared with messages
    self->offsets = zmalloc ((self->seen_size + 1) * sizeof (int64_t));
    self->key_start = zmalloc (keys * sizeof (size_t));
    self->key_end = zmalloc (keys * sizeof (size_t));
    self->max_polled = zmalloc (keys * sizeof (int64_t));
    for (size_t k = 0; k < keys; k++)
        self->max_polled [k] = -1;
    size_t size = 0;
    for (size_t i = 0, j; i < self->seen_size; i = j) {
        const s_seen_t *first = &self->seen [i];
        if (i == 0 || self->seen [i - 1].key != first->key)
            self->key_start [first->key] = size;
        self->offsets [size++] = first->offset;
        self->key_end [first->key] = size;
        const s_seen_t *other = NULL;
        for (j = i; j < self->seen_size && self->seen [j].key == first->key
                    && self->seen [j].offset == first->offset; j++) {
            if (self->seen [j].polled && first->offset > self->max_polled [first->key])
                self->max_polled [first->key] = first->offset;
            if (self->seen [j].msg != first->msg && !other)
                other = &self->seen [j];
        }
        if (other)
            s_note (self, S_INCONSISTENT, json_pack ("{s:s, s:I, s:[o, o]}",
                "key", self->texts [first->key], "offset", (json_int_t) first->offset,
                "msgs", s_msg_json (self, first->msg), s_msg_json (self, other->msg)), other->op);
    }
}

//  Sorted by message (per key): duplicates, unexpected messages, and ok
//  sends that no poll returned (lost below the highest polled offset,
//  else unseen).
static void
s_messages (s_state_t *self)
{
    if (self->seen_size)
        qsort (self->seen, self->seen_size, sizeof (s_seen_t), s_by_msg);
    for (size_t i = 0, j; i < self->seen_size; i = j) {
        const s_seen_t *first = &self->seen [i];
        size_t offsets = 0;
        bool polled = false;
        const s_seen_t *second = NULL;
        for (j = i; j < self->seen_size && self->seen [j].msg == first->msg; j++) {
            polled |= self->seen [j].polled;
            if (j == i || self->seen [j].offset != self->seen [j - 1].offset) {
                offsets++;
                second = offsets == 2 ? &self->seen [j] : second;
            }
        }
        const char *key = self->texts [first->key];
        if (self->sends [first->msg] == 0)
            s_note (self, S_UNEXPECTED, json_pack ("{s:s, s:o, s:I}", "key", key,
                    "msg", s_msg_json (self, first->msg), "offset", (json_int_t) first->offset), first->op);
        else
        if (offsets > (size_t) self->sends [first->msg])
            s_note (self, S_DUPLICATE, json_pack ("{s:s, s:o, s:[I, I], s:i}", "key", key,
                    "msg", s_msg_json (self, first->msg), "offsets", (json_int_t) first->offset,
                    (json_int_t) second->offset, "sends", self->sends [first->msg]), second->op);
        for (size_t k = i; k < j && !polled; k++) {
            const s_seen_t *send = &self->seen [k];
            bool lost = send->offset < self->max_polled [send->key];
            json_t *example = json_pack ("{s:s, s:I, s:o}", "key", key,
                "offset", (json_int_t) send->offset, "msg", s_msg_json (self, send->msg));
            if (lost)
                json_object_set_new (example, "max_polled_offset",
                                     json_integer (self->max_polled [send->key]));
            s_note (self, lost ? S_LOST : S_UNSEEN, example, send->op);
        }
    }
}

//  Is an offset known to exist for KEY in (LOW, HIGH)? Sets *at to it.
static bool
s_known_between (const s_state_t *self, int32_t key, int64_t low, int64_t high, int64_t *at)
{
    size_t begin = self->key_start [key], end = self->key_end [key];
    while (begin < end) {
        size_t middle = begin + (end - begin) / 2;
        if (self->offsets [middle] <= low)
            begin = middle + 1;
        else
            end = middle;
    }
    if (begin < self->key_end [key] && self->offsets [begin] < high) {
        *at = self->offsets [begin];
        return true;
    }
    return false;
}

//  What one process last did with one key.
typedef struct {
    int64_t send, poll;         // last offsets
    bool sent;
    int64_t poll_epoch;         // the process's epoch of the poll; 0 none
} s_track_t;

typedef struct {
    zhashx_t *tracks;           // "process/key" -> s_track_t (owned)
    zhashx_t *epochs;           // "process" -> epoch (from 1)
} s_tracking_t;

static s_track_t *
s_track (s_tracking_t *tracking, int64_t process, int32_t key)
{
    char name [64];
    snprintf (name, sizeof name, "%" PRId64 "/%" PRId32, process, key);
    s_track_t *track = zhashx_lookup (tracking->tracks, name);
    if (!track) {
        track = zmalloc (sizeof *track);
        zhashx_insert (tracking->tracks, name, track);
    }
    return track;
}

static void
s_track_free (void **item)
{
    free (*item);
    *item = NULL;
}

static int64_t
s_epoch (s_tracking_t *tracking, int64_t process, bool next)
{
    char name [32];
    snprintf (name, sizeof name, "%" PRId64, process);
    uintptr_t epoch = (uintptr_t) zhashx_lookup (tracking->epochs, name);
    if (!epoch || next)
        zhashx_update (tracking->epochs, name, (void *) ++epoch);
    return (int64_t) epoch;
}

//  Offset TO of KEY polled by op I after FROM (the end of this process's
//  previous poll of it, or the pair before in this poll: WITHIN).
static void
s_poll_step (s_state_t *self, size_t i, int32_t key, int64_t from, int64_t to, bool within)
{
    const opslog_op_t *op = opslog_op (self->log, i);
    int64_t skipped;
    if (to <= from)
        s_note (self, S_NONMONOTONIC_POLL, json_pack ("{s:s, s:I, s:[I, I], s:b}",
                "key", self->texts [key], "process", (json_int_t) op->process,
                "offsets", (json_int_t) from, (json_int_t) to, "within", within), i);
    else
    if (s_known_between (self, key, from, to, &skipped))
        s_note (self, S_POLL_SKIP, json_pack ("{s:s, s:I, s:I, s:I, s:I, s:b}",
                "key", self->texts [key], "process", (json_int_t) op->process,
                "from", (json_int_t) from, "to", (json_int_t) to, "skipped", (json_int_t) skipped,
                "within", within), i);
}

//  An ok poll of op I, key by key, against the process's last polls.
static void
s_order_poll (s_state_t *self, s_tracking_t *tracking, size_t i)
{
    const opslog_op_t *op = opslog_op (self->log, i);
    int64_t epoch = s_epoch (tracking, op->process, false);
    json_t *value = checks_atom_json (self->log, op->return_value);
    const char *name;
    json_t *pairs;
    json_object_foreach (value, name, pairs) {
        int32_t key = s_id (self, "k", name);
        s_track_t *track = s_track (tracking, op->process, key);
        bool before = track->poll_epoch == epoch;
        int64_t last = track->poll, offset;
        size_t k;
        json_t *pair, *msg;
        json_array_foreach (pairs, k, pair) {
            if (!s_pair (pair, &offset, &msg))
                continue;
            if (before)
                s_poll_step (self, i, key, last, offset, k > 0);
            last = offset;
            before = true;
        }
        if (before) {
            track->poll = last;
            track->poll_epoch = epoch;
        }
    }
    json_decref (value);
}

//  An ok send of op I to KEY against the process's last send to it.
static void
s_order_send (s_state_t *self, s_tracking_t *tracking, size_t i)
{
    const opslog_op_t *op = opslog_op (self->log, i);
    json_t *value = checks_atom_json (self->log, op->return_value);
    int64_t offset;
    json_t *msg;
    if (s_pair (value, &offset, &msg)) {
        int32_t key = s_key_of_atom (self, op->key);
        s_track_t *track = s_track (tracking, op->process, key);
        if (track->sent && offset <= track->send)
            s_note (self, S_NONMONOTONIC_SEND, json_pack ("{s:s, s:I, s:[I, I]}",
                    "key", self->texts [key], "process", (json_int_t) op->process,
                    "offsets", (json_int_t) track->send, (json_int_t) offset), i);
        track->send = offset;
        track->sent = true;
    }
    json_decref (value);
}

//  Each process's sends and polls in its order.
static void
s_orders (s_state_t *self)
{
    const opslog_t *log = self->log;
    int32_t send_f = opslog_atom_find (log, "send"), poll_f = opslog_atom_find (log, "poll");
    int32_t list_f = opslog_atom_find (log, "list_committed_offsets");
    s_tracking_t tracking = { zhashx_new (), zhashx_new () };
    zhashx_set_destructor (tracking.tracks, s_track_free);
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        if (op->f_atom == list_f)
            s_epoch (&tracking, op->process, true);
        if (op->type != OPSLOG_OK)
            continue;
        if (op->f_atom == send_f)
            s_order_send (self, &tracking, i);
        else
        if (op->f_atom == poll_f)
            s_order_poll (self, &tracking, i);
    }
    zhashx_destroy (&tracking.tracks);
    zhashx_destroy (&tracking.epochs);
}

checks_verdict_t
checks_kafka_run (const opslog_t *log, json_t *details)
{
    assert (log);
    assert (details);
    s_state_t self = { .log = log, .ids = zhashx_new () };
    for (int k = 0; k < S_KINDS; k++)
        self.lists [k] = json_array ();
    s_gather (&self);
    s_offsets (&self);
    s_messages (&self);
    s_orders (&self);
    json_t *counts = json_object ();
    int64_t anomalies = 0;
    for (int k = 0; k < S_KINDS; k++) {
        json_object_set_new (counts, s_kind_names [k], json_integer (self.counts [k]));
        json_object_set_new (details, s_kind_names [k], self.lists [k]);
        anomalies += self.counts [k];
    }
    json_object_set_new (details, "counts", counts);
    json_object_set_new (details, "sends", json_integer (self.sends_count));
    json_object_set_new (details, "polls_ok", json_integer (self.polls_count));
    checks_verdict_t verdict = CHECKS_VALID;
    if (anomalies) {
        char reason [512] = "";
        for (int k = 0; k < S_KINDS; k++)
            if (self.counts [k])
                snprintf (reason + strlen (reason), sizeof reason - strlen (reason), "%s%" PRId64 " %s",
                          *reason ? ", " : "", self.counts [k], s_kind_names [k]);
        json_object_set_new (details, "reason", json_string (reason));
        verdict = CHECKS_INVALID;
    }
    else
    if (self.sends_count == 0 && self.polls_count == 0) {
        json_object_set_new (details, "reason", json_string ("no sends or ok polls in the history"));
        verdict = CHECKS_UNKNOWN;
    }
    for (size_t i = 0; i < self.texts_size; i++)
        free (self.texts [i]);
    free (self.texts);
    free (self.seen);
    free (self.sends);
    free (self.offsets);
    free (self.key_start);
    free (self.key_end);
    free (self.max_polled);
    zhashx_destroy (&self.ids);
    return verdict;
}
