/*  store.c -- a crdt node's replica (store.h): the unkeyed CRDT, the keyed
    ones in a small array (at most FL_CRDT_KEYS_MAX, found by their key's
    canonical text; tours use a handful), the requests and the gossip.

    Invariants: store_bytes never passes FL_CRDT_STATE_BYTES_MAX through a
    client update (the update is refused first) nor FL_CRDT_MERGE_BYTES_MAX
    through a merge (the gossip is refused first); every keyed CRDT is an
    or-set or an lww-register; keys are unique by text.

    Freshness: or-set tags are (replica id, 1, 2, ...): the replica id is
    this incarnation's, so no one else makes them. Register writes are
    stamped by a hybrid logical clock that receives every version merged,
    so a write made after seeing another has a greater version.
*/
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "limits.h"
#include "store.h"

#define S_KEY_BYTES     16      //  a keyed entry's brackets and kind name
#define S_TAG_BYTES     (FL_CRDT_REPLICA_BYTES_MAX + 28)  //  ["replica",counter],
#define S_KEY_SHOWN     64      //  bytes of a key's text quoted in errors

typedef struct {
    json_t *key;                //  as the client sent it
    char *text;                 //  its canonical text
    crdt_t *crdt;
} s_item_t;

struct _store_t {
    crdt_t *main;
    s_item_t *items;
    size_t count, capacity;
    char node [FL_ID_BYTES_MAX + 1];
    char replica [FL_CRDT_REPLICA_BYTES_MAX + 1];
    int64_t tag_last;           //  this replica's last or-set tag counter
    hlc_t clock;
};

store_t *
store_new (crdt_kind_t kind, const char *node, int64_t start_wall_ms)
{
    assert (kind == CRDT_GSET || kind == CRDT_GCOUNTER || kind == CRDT_PNCOUNTER);
    assert (node && *node && strlen (node) <= FL_ID_BYTES_MAX);
    store_t *self = (store_t *) calloc (1, sizeof (store_t));
    assert (self);
    self->main = crdt_new (kind);
    snprintf (self->node, sizeof self->node, "%s", node);
    snprintf (self->replica, sizeof self->replica, "%s@%lld", node, (long long) start_wall_ms);
    return self;
}

void
store_destroy (store_t **self_p)
{
    assert (self_p);
    store_t *self = *self_p;
    if (!self)
        return;
    crdt_destroy (&self->main);
    for (size_t index = 0; index < self->count; index++) {
        json_decref (self->items [index].key);
        free (self->items [index].text);
        crdt_destroy (&self->items [index].crdt);
    }
    free (self->items);
    free (self);
    *self_p = NULL;
}

const char *
store_replica_id (const store_t *self)
{
    assert (self);
    return self->replica;
}

const crdt_t *
store_main (const store_t *self)
{
    assert (self);
    return self->main;
}

static s_item_t *
s_find (const store_t *self, const char *text)
{
    for (size_t index = 0; index < self->count; index++)
        if (strcmp (self->items [index].text, text) == 0)
            return &self->items [index];
    return NULL;
}

const crdt_t *
store_keyed (const store_t *self, const json_t *key)
{
    assert (self && key);
    char *text = crdt_text (key);
    s_item_t *item = s_find (self, text);
    free (text);
    return item? item->crdt: NULL;
}

size_t
store_bytes (const store_t *self)
{
    assert (self);
    size_t bytes = crdt_bytes (self->main);
    for (size_t index = 0; index < self->count; index++)
        bytes += strlen (self->items [index].text) + S_KEY_BYTES
               + crdt_bytes (self->items [index].crdt);
    return bytes;
}

//  Add a keyed CRDT (the caller checked the bound); takes crdt.
static s_item_t *
s_insert (store_t *self, const json_t *key, const char *text, crdt_t *crdt)
{
    assert (self->count < FL_CRDT_KEYS_MAX);
    if (self->count == self->capacity) {
        self->capacity = self->capacity? 2 * self->capacity: 8;
        self->items = (s_item_t *) realloc (self->items, self->capacity * sizeof (s_item_t));
        assert (self->items);
    }
    s_item_t *item = &self->items [self->count++];
    item->key = json_deep_copy (key);
    item->text = strdup (text);
    assert (item->text);
    item->crdt = crdt;
    return item;
}


//  --------------------------------------------------------------------------
//  Requests

static json_t *
s_error (int code, const char *format, ...) __attribute__ ((format (printf, 2, 3)));

static json_t *
s_error (int code, const char *format, ...)
{
    char text [CRDT_ERR_BYTES + 2 * S_KEY_SHOWN + 64];
    va_list args;
    va_start (args, format);
    vsnprintf (text, sizeof text, format, args);
    va_end (args);
    return json_pack ("{s:s, s:i, s:s}", "type", "error", "code", code, "text", text);
}

static json_t *
s_ok (const char *type, json_t *value)
{
    json_t *reply = json_pack ("{s:s}", "type", type);
    if (value)
        json_object_set_new (reply, "value", value);
    return reply;
}

//  NULL when extra more bytes fit the state bound, else the error reply.
static json_t *
s_no_room (const store_t *self, size_t extra)
{
    size_t bytes = store_bytes (self);
    if (bytes + extra <= FL_CRDT_STATE_BYTES_MAX)
        return NULL;
    return s_error (12, "the state (%zu bytes) would pass FL_CRDT_STATE_BYTES_MAX (%d)",
                    bytes, FL_CRDT_STATE_BYTES_MAX);
}

static json_t *
s_unkeyed (store_t *self, const char *type, const json_t *request, bool *changed)
{
    char err [CRDT_ERR_BYTES];
    crdt_kind_t kind = crdt_kind (self->main);
    if (strcmp (type, "read") == 0)
        return s_ok ("read_ok", crdt_value (self->main));
    if (strcmp (type, "add") != 0)
        return s_error (12, "%s needs a key", type);
    json_t *room = NULL;
    int rc = -1;
    if (kind == CRDT_GSET) {
        json_t *element = json_object_get (request, "element");
        if (!element)
            return s_error (12, "add needs an element (the workload is g-set)");
        char *text = crdt_text (element);
        room = s_no_room (self, strlen (text) + 1);
        free (text);
        rc = room? -1: crdt_gset_add (self->main, element, err);
    }
    else {
        json_t *delta = json_object_get (request, "delta");
        if (!json_is_integer (delta))
            return s_error (12, "add needs an integer delta (the workload is %s)",
                            crdt_kind_name (kind));
        room = s_no_room (self, strlen (self->replica) + 32);
        rc = room? -1: crdt_counter_add (self->main, self->replica, json_integer_value (delta), err);
    }
    if (room)
        return room;
    if (rc)
        return s_error (12, "%s: %s", crdt_kind_name (kind), err);
    *changed = true;
    return s_ok ("add_ok", NULL);
}

//  The keyed CRDT of text for an update of kind, made when absent; NULL
//  with *reply set when it is another kind or no more keys fit.
static crdt_t *
s_keyed_for (store_t *self, const json_t *key, const char *text, crdt_kind_t kind,
             const char *type, json_t **reply)
{
    s_item_t *item = s_find (self, text);
    if (item && crdt_kind (item->crdt) != kind)
        *reply = s_error (12, "key %.*s is an %s: %s is for an %s", S_KEY_SHOWN, text,
                          crdt_kind_name (crdt_kind (item->crdt)), type, crdt_kind_name (kind));
    else
    if (!item && self->count >= FL_CRDT_KEYS_MAX)
        *reply = s_error (12, "key %.*s would be one past FL_CRDT_KEYS_MAX (%d)",
                          S_KEY_SHOWN, text, FL_CRDT_KEYS_MAX);
    else
    if (!item && !(*reply = s_no_room (self, strlen (text) + S_KEY_BYTES + 64)))
        item = s_insert (self, key, text, crdt_new (kind));
    return item && !*reply? item->crdt: NULL;
}

//  One update of a keyed CRDT; text is the key's text.
static json_t *
s_keyed_update (store_t *self, const char *type, const json_t *request, const char *text,
                int64_t wall_ms, bool *changed)
{
    const json_t *key = json_object_get (request, "key");
    bool write = strcmp (type, "write") == 0;
    json_t *what = json_object_get (request, write? "value": "element");
    if (!what)
        return s_error (12, "%s of key %.*s needs %s", type, S_KEY_SHOWN, text,
                        write? "a value": "an element");
    char *what_text = crdt_text (what);
    size_t what_bytes = strlen (what_text);
    free (what_text);
    if (what_bytes > FL_CRDT_ELEMENT_BYTES_MAX)        //  before the key is made
        return s_error (12, "%s of key %.*s: %s of %zu bytes is past"
                        " FL_CRDT_ELEMENT_BYTES_MAX (%d)", type, S_KEY_SHOWN, text,
                        write? "value": "element", what_bytes, FL_CRDT_ELEMENT_BYTES_MAX);
    json_t *reply = s_no_room (self, what_bytes + S_TAG_BYTES);
    if (reply)
        return reply;
    crdt_t *crdt = s_keyed_for (self, key, text, write? CRDT_REGISTER: CRDT_ORSET, type, &reply);
    if (!crdt)
        return reply;
    char err [CRDT_ERR_BYTES];
    int rc;
    if (write)
        rc = crdt_register_write (crdt, what, hlc_tick (&self->clock, wall_ms), self->node, err);
    else
    if (strcmp (type, "add") == 0)
        rc = crdt_orset_add (crdt, what, self->replica, self->tag_last + 1, err);
    else
        rc = crdt_orset_remove (crdt, what, err);
    if (rc)
        return s_error (12, "key %.*s: %s", S_KEY_SHOWN, text, err);
    if (strcmp (type, "add") == 0)
        self->tag_last++;
    *changed = true;
    return s_ok (write? "write_ok": strcmp (type, "add") == 0? "add_ok": "remove_ok", NULL);
}

static json_t *
s_keyed (store_t *self, const char *type, const json_t *request, int64_t wall_ms, bool *changed)
{
    const json_t *key = json_object_get (request, "key");
    if (json_is_null (key))
        return s_error (12, "key null is not a key (null names the unkeyed %s)",
                        crdt_kind_name (crdt_kind (self->main)));
    char *text = crdt_text (key);
    json_t *reply = NULL;
    s_item_t *item = s_find (self, text);
    if (strlen (text) > FL_CRDT_ELEMENT_BYTES_MAX)
        reply = s_error (12, "key of %zu bytes is past FL_CRDT_ELEMENT_BYTES_MAX (%d)",
                         strlen (text), FL_CRDT_ELEMENT_BYTES_MAX);
    else
    if (!item && (strcmp (type, "read") == 0 || strcmp (type, "remove") == 0))
        reply = s_error (20, "key %.*s does not exist", S_KEY_SHOWN, text);
    else
    if (strcmp (type, "read") == 0)
        reply = s_ok ("read_ok", crdt_value (item->crdt));
    else
    if (strcmp (type, "add") == 0 || strcmp (type, "remove") == 0 || strcmp (type, "write") == 0)
        reply = s_keyed_update (self, type, request, text, wall_ms, changed);
    else
        reply = s_error (10, "%s is not supported on a keyed CRDT", type);
    free (text);
    return reply;
}

json_t *
store_request (store_t *self, const json_t *request, int64_t wall_ms, bool *changed)
{
    assert (self && request && changed);
    *changed = false;
    const char *type = json_string_value (json_object_get (request, "type"));
    if (!type)
        return s_error (12, "request has no type");
    if (json_object_get (request, "key"))
        return s_keyed (self, type, request, wall_ms, changed);
    return s_unkeyed (self, type, request, changed);
}


//  --------------------------------------------------------------------------
//  Gossip and replica_read

json_t *
store_gossip (const store_t *self)
{
    assert (self);
    json_t *keys = json_array ();
    for (size_t index = 0; index < self->count; index++) {
        const s_item_t *item = &self->items [index];
        json_array_append_new (keys, json_pack ("[O, s, o]", item->key,
                               crdt_kind_name (crdt_kind (item->crdt)), crdt_to_json (item->crdt)));
    }
    return json_pack ("{s:s, s:s, s:o, s:o}", "type", "crdt_gossip",
                      "kind", crdt_kind_name (crdt_kind (self->main)),
                      "state", crdt_to_json (self->main), "keys", keys);
}

//  A gossip read and checked: the unkeyed CRDT and the keyed ones.
typedef struct {
    crdt_t *main;
    s_item_t *items;
    size_t count;
} s_remote_t;

static void
s_remote_release (s_remote_t *remote)
{
    crdt_destroy (&remote->main);
    for (size_t index = 0; index < remote->count; index++) {
        free (remote->items [index].text);
        crdt_destroy (&remote->items [index].crdt);
    }
    free (remote->items);
}

//  Read one [KEY, KIND, STATE] of a gossip into remote's next item.
static int
s_remote_key (s_remote_t *remote, size_t index, const json_t *entry, char *err)
{
    char inner [CRDT_ERR_BYTES];
    crdt_kind_t kind;
    json_t *key = json_array_get (entry, 0);
    if (json_array_size (entry) != 3 || json_is_null (key)
    ||  crdt_kind_parse (json_string_value (json_array_get (entry, 1)), &kind)
    ||  (kind != CRDT_ORSET && kind != CRDT_REGISTER)) {
        snprintf (err, CRDT_ERR_BYTES, "keys[%zu] is not [key, \"or-set\" or"
                  " \"lww-register\", state]", index);
        return -1;
    }
    char *text = crdt_text (key);
    if (strlen (text) > FL_CRDT_ELEMENT_BYTES_MAX) {
        snprintf (err, CRDT_ERR_BYTES, "keys[%zu]: key of %zu bytes is past"
                  " FL_CRDT_ELEMENT_BYTES_MAX", index, strlen (text));
        free (text);
        return -1;
    }
    crdt_t *crdt = crdt_from_json (kind, json_array_get (entry, 2), inner);
    if (crdt && kind == CRDT_REGISTER && !crdt_register_version (crdt, NULL)) {
        snprintf (inner, sizeof inner, "a keyed register is never empty");
        crdt_destroy (&crdt);
    }
    if (!crdt) {
        snprintf (err, CRDT_ERR_BYTES, "keys[%zu] (%.*s): %.150s", index, S_KEY_SHOWN, text, inner);
        free (text);
        return -1;
    }
    remote->items [remote->count++] = (s_item_t) { .key = key, .text = text, .crdt = crdt };
    return 0;
}

static int
s_remote_read (s_remote_t *remote, const store_t *self, const json_t *gossip, char *err)
{
    char inner [CRDT_ERR_BYTES];
    crdt_kind_t kind;
    const char *name = json_string_value (json_object_get (gossip, "kind"));
    json_t *keys = json_object_get (gossip, "keys");
    if (crdt_kind_parse (name, &kind) || kind != crdt_kind (self->main)) {
        snprintf (err, CRDT_ERR_BYTES, "kind '%.32s' is not this node's '%s'",
                  name? name: "(none)", crdt_kind_name (crdt_kind (self->main)));
        return -1;
    }
    if (!json_is_array (keys) || json_array_size (keys) > FL_CRDT_KEYS_MAX) {
        snprintf (err, CRDT_ERR_BYTES, "keys is not an array of at most FL_CRDT_KEYS_MAX (%d)",
                  FL_CRDT_KEYS_MAX);
        return -1;
    }
    remote->main = crdt_from_json (kind, json_object_get (gossip, "state"), inner);
    if (!remote->main) {
        snprintf (err, CRDT_ERR_BYTES, "state: %.200s", inner);
        return -1;
    }
    remote->items = (s_item_t *) calloc (json_array_size (keys) + 1, sizeof (s_item_t));
    assert (remote->items);
    size_t index;
    json_t *entry;
    json_array_foreach (keys, index, entry)
        if (s_remote_key (remote, index, entry, err))
            return -1;
    return 0;
}

//  The bytes of the join, and the number of keys it has; the or-set wins a
//  key both sides made different kinds.
static size_t
s_join_bytes (const store_t *self, const s_remote_t *remote, size_t *keys)
{
    size_t bytes = crdt_join_bytes (self->main, remote->main);
    *keys = self->count;
    for (size_t index = 0; index < self->count; index++)
        bytes += strlen (self->items [index].text) + S_KEY_BYTES
               + crdt_bytes (self->items [index].crdt);
    for (size_t index = 0; index < remote->count; index++) {
        const s_item_t *theirs = &remote->items [index];
        s_item_t *mine = s_find (self, theirs->text);
        if (!mine) {
            bytes += strlen (theirs->text) + S_KEY_BYTES + crdt_bytes (theirs->crdt);
            (*keys)++;          //  (a key twice in one gossip counts twice: an upper bound)
        }
        else
        if (crdt_kind (mine->crdt) == crdt_kind (theirs->crdt))
            bytes += crdt_join_bytes (mine->crdt, theirs->crdt) - crdt_bytes (mine->crdt);
        else
        if (crdt_kind (theirs->crdt) == CRDT_ORSET)
            bytes += crdt_bytes (theirs->crdt);
    }
    return bytes;
}

//  Join one remote keyed CRDT in (room was checked).
static void
s_merge_item (store_t *self, const s_item_t *theirs, int64_t wall_ms)
{
    hlc_t stamp;
    if (crdt_kind (theirs->crdt) == CRDT_REGISTER && crdt_register_version (theirs->crdt, &stamp))
        hlc_receive (&self->clock, stamp, wall_ms);
    s_item_t *mine = s_find (self, theirs->text);
    if (!mine)
        s_insert (self, theirs->key, theirs->text, crdt_dup (theirs->crdt));
    else
    if (crdt_kind (mine->crdt) == crdt_kind (theirs->crdt))
        crdt_merge (mine->crdt, theirs->crdt);
    else
    if (crdt_kind (theirs->crdt) == CRDT_ORSET) {
        crdt_destroy (&mine->crdt);
        mine->crdt = crdt_dup (theirs->crdt);
    }
}

int
store_merge (store_t *self, const json_t *gossip, int64_t wall_ms, char *err)
{
    assert (self && gossip && err);
    s_remote_t remote = { NULL, NULL, 0 };
    int rc = s_remote_read (&remote, self, gossip, err);
    size_t keys = 0, bytes = rc? 0: s_join_bytes (self, &remote, &keys);
    if (rc == 0 && bytes > FL_CRDT_MERGE_BYTES_MAX) {
        snprintf (err, CRDT_ERR_BYTES, "the join (%zu bytes) would pass"
                  " FL_CRDT_MERGE_BYTES_MAX (%d)", bytes, FL_CRDT_MERGE_BYTES_MAX);
        rc = -1;
    }
    if (rc == 0 && keys > FL_CRDT_KEYS_MAX) {
        snprintf (err, CRDT_ERR_BYTES, "the join would have %zu keys, past"
                  " FL_CRDT_KEYS_MAX (%d)", keys, FL_CRDT_KEYS_MAX);
        rc = -1;
    }
    if (rc == 0) {
        crdt_merge (self->main, remote.main);
        for (size_t index = 0; index < remote.count; index++)
            s_merge_item (self, &remote.items [index], wall_ms);
    }
    s_remote_release (&remote);
    return rc;
}

static int
s_item_compare (const void *a, const void *b)
{
    return strcmp ((*(const s_item_t **) a)->text, (*(const s_item_t **) b)->text);
}

json_t *
store_replica (const store_t *self)
{
    assert (self);
    json_t *state = json_array ();
    json_array_append_new (state, json_pack ("[n, o]", crdt_value (self->main)));
    const s_item_t **sorted = (const s_item_t **) calloc (self->count + 1, sizeof (s_item_t *));
    assert (sorted);
    for (size_t index = 0; index < self->count; index++)
        sorted [index] = &self->items [index];
    qsort (sorted, self->count, sizeof (s_item_t *), s_item_compare);
    for (size_t index = 0; index < self->count; index++) {
        json_t *value = crdt_value (sorted [index]->crdt);
        json_array_append_new (state, json_pack ("[O, o]", sorted [index]->key,
                               value? value: json_null ()));
    }
    free (sorted);
    return state;
}
