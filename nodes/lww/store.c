/*  store.c -- the last-write-wins replica of bin/node-lww (see store.h).

    The map is a zhashx from the key's canonical text to an entry (key as
    sent, value, version, the version it replaced at its writer, and the
    number of the change that last touched it). Invariants:

    - Merge is a join: an entry is replaced only by a strictly greater
      version (hlc_version_compare, a total order), so merging the same
      entries in any order, any number of times, leaves the same map.
    - The clock is never behind a version the replica holds: a local
      write ticks it, every well-formed remote entry is received into it
      (hlc_receive). So a local write's version beats the entry it
      replaces, and a write after seeing another is ordered after it --
      whatever the physical clocks say. Concurrent writes (neither saw the
      other) are ordered by clock reading and node id: the one with the
      higher reading wins, which need not be the later one in real time.
    - Changes are numbered 1, 2, ...; store_delta hands out each change
      once, oldest first: the entries whose number is above the last
      delta's mark. An entry changed twice between two deltas goes once,
      with its latest value.
*/
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include "limits.h"
#include "nodes/lib/node.h"
#include "store.h"

typedef struct {
    char *key_text;             //  canonical compact JSON of key
    json_t *key;                //  as the client sent it
    json_t *value;
    store_version_t version;
    bool has_replaced;
    store_version_t replaced;   //  the version this write replaced at its writer
    uint64_t change;            //  number of the last change to this entry
} s_entry_t;

struct _store_t {
    char id [FL_ID_BYTES_MAX + 1];
    hlc_t clock;
    zhashx_t *entries;          //  key text -> s_entry_t, owned
    uint64_t change;            //  number of the last change
    uint64_t delta_mark;        //  changes up to this went out in a delta
    size_t refused;             //  remote new keys dropped at FL_LWW_KEYS_MAX
    bool wall_clock;            //  bug wall-clock (store_wall_clock)
    int64_t wall_seq;           //  its counter
};

static void
s_entry_destroy (void **item)
{
    s_entry_t *entry = (s_entry_t *) *item;
    if (!entry)
        return;
    free (entry->key_text);
    json_decref (entry->key);
    json_decref (entry->value);
    free (entry);
    *item = NULL;
}

store_t *
store_new (const char *id)
{
    assert (id && *id && strlen (id) <= FL_ID_BYTES_MAX);
    store_t *self = (store_t *) calloc (1, sizeof (store_t));
    assert (self);
    snprintf (self->id, sizeof self->id, "%s", id);
    self->entries = zhashx_new ();
    assert (self->entries);
    zhashx_set_destructor (self->entries, s_entry_destroy);
    return self;
}

void
store_destroy (store_t **self_p)
{
    assert (self_p);
    store_t *self = *self_p;
    if (!self)
        return;
    zhashx_destroy (&self->entries);
    free (self);
    *self_p = NULL;
}


//  --------------------------------------------------------------------------
//  Pure helpers

static json_t *
s_error (int code, const char *format, ...)
{
    char text [FL_WHY_BYTES_MAX];
    va_list args;
    va_start (args, format);
    vsnprintf (text, sizeof text, format, args);
    va_end (args);
    return json_pack ("{s:s, s:i, s:s}", "type", "error", "code", code, "text", text);
}

static char *
s_json_text (const json_t *json)
{
    char *text = json_dumps (json, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);
    assert (text);
    return text;
}

//  Bytes of key text and value text together.
static size_t
s_entry_bytes (const char *key_text, const json_t *value)
{
    char *value_text = s_json_text (value);
    size_t bytes = strlen (key_text) + strlen (value_text);
    free (value_text);
    return bytes;
}

static int
s_version_compare (const store_version_t *a, const store_version_t *b)
{
    return hlc_version_compare (a->stamp, a->node, b->stamp, b->node);
}

json_t *
store_version_to_json (store_version_t version)
{
    return json_pack ("[I,I,s]", (json_int_t) version.stamp.wall,
                      (json_int_t) version.stamp.logical, version.node);
}

int
store_version_from_json (const json_t *json, store_version_t *version)
{
    assert (version);
    if (!json_is_array (json) || json_array_size (json) != 3)
        return -1;
    json_t *wall = json_array_get (json, 0), *logical = json_array_get (json, 1);
    const char *node = json_string_value (json_array_get (json, 2));
    if (!json_is_integer (wall) || !json_is_integer (logical)
    ||  json_integer_value (wall) < 0 || json_integer_value (logical) < 0
    ||  !node || !*node || strlen (node) > FL_ID_BYTES_MAX)
        return -1;
    version->stamp = (hlc_t) { json_integer_value (wall), json_integer_value (logical) };
    snprintf (version->node, sizeof version->node, "%s", node);
    return 0;
}

static json_t *
s_entry_json (const s_entry_t *entry)
{
    json_t *json = json_pack ("{s:O, s:O, s:o}", "key", entry->key, "value", entry->value,
                              "version", store_version_to_json (entry->version));
    assert (json);
    if (entry->has_replaced)
        json_object_set_new (json, "replaced", store_version_to_json (entry->replaced));
    return json;
}


//  --------------------------------------------------------------------------
//  Client requests

//  Bump the change counter and stamp entry with it.
static void
s_changed (store_t *self, s_entry_t *entry)
{
    entry->change = ++self->change;
}

//  Write value under key with a fresh version. Returns NULL, or an error
//  body when the write is past a limit (nothing changed then).
void
store_wall_clock (store_t *self, bool on)
{
    assert (self);
    self->wall_clock = on;
}

static json_t *
s_put (store_t *self, const char *key_text, json_t *key, json_t *value, int64_t now_ms)
{
    size_t bytes = s_entry_bytes (key_text, value);
    if (bytes > FL_LWW_ENTRY_BYTES_MAX)
        return s_error (NODE_ERR_MALFORMED_REQUEST, "key and value take %zu bytes of JSON,"
                        " past FL_LWW_ENTRY_BYTES_MAX (%d)", bytes, FL_LWW_ENTRY_BYTES_MAX);
    s_entry_t *entry = (s_entry_t *) zhashx_lookup (self->entries, key_text);
    if (!entry && zhashx_size (self->entries) >= FL_LWW_KEYS_MAX)
        return s_error (NODE_ERR_ABORT, "the replica holds FL_LWW_KEYS_MAX (%d) keys already",
                        FL_LWW_KEYS_MAX);
    store_version_t version = { .stamp = hlc_tick (&self->clock, now_ms) };
    if (self->wall_clock)
        version.stamp = (hlc_t) { now_ms, ++self->wall_seq };
    snprintf (version.node, sizeof version.node, "%s", self->id);
    if (entry && self->wall_clock && s_version_compare (&version, &entry->version) <= 0)
        return NULL;                    //  acknowledged, and lost to a "later" stamp
    if (entry) {
        assert (s_version_compare (&version, &entry->version) > 0);
        entry->has_replaced = true;
        entry->replaced = entry->version;
        json_decref (entry->value);
    }
    else {
        entry = (s_entry_t *) calloc (1, sizeof (s_entry_t));
        assert (entry);
        entry->key_text = strdup (key_text);
        entry->key = json_deep_copy (key);
        assert (entry->key_text && entry->key);
        zhashx_insert (self->entries, key_text, entry);
    }
    entry->value = json_deep_copy (value);
    entry->version = version;
    s_changed (self, entry);
    return NULL;
}

static json_t *
s_cas (store_t *self, const char *key_text, json_t *key, json_t *body, int64_t now_ms)
{
    json_t *from = json_object_get (body, "from");
    json_t *to = json_object_get (body, "to");
    if (!from || !to)
        return s_error (NODE_ERR_MALFORMED_REQUEST, "cas needs from and to");
    bool create = json_is_true (json_object_get (body, "create_if_not_exists"));
    s_entry_t *entry = (s_entry_t *) zhashx_lookup (self->entries, key_text);
    if (!entry && !create)
        return s_error (NODE_ERR_KEY_DOES_NOT_EXIST, "key %.200s does not exist", key_text);
    if (entry && !json_equal (entry->value, from))
        return s_error (NODE_ERR_PRECONDITION_FAILED, "current value is not from");
    json_t *error = s_put (self, key_text, key, to, now_ms);
    return error? error: json_pack ("{s:s}", "type", "cas_ok");
}

json_t *
store_request (store_t *self, json_t *body, int64_t now_ms)
{
    assert (self);
    assert (body);
    const char *type = json_string_value (json_object_get (body, "type"));
    if (!type)
        return s_error (NODE_ERR_MALFORMED_REQUEST, "request needs a type");
    bool read = streq (type, "read"), write = streq (type, "write");
    if (!read && !write && !streq (type, "cas"))
        return s_error (NODE_ERR_NOT_SUPPORTED, "lww serves read, write and cas, not %.64s",
                        type);
    json_t *key = json_object_get (body, "key");
    if (!key)
        return s_error (NODE_ERR_MALFORMED_REQUEST, "%s needs a key", type);
    char *key_text = s_json_text (key);
    s_entry_t *entry = (s_entry_t *) zhashx_lookup (self->entries, key_text);
    json_t *reply = NULL;
    if (read)
        reply = entry? json_pack ("{s:s, s:O}", "type", "read_ok", "value", entry->value)
                     : s_error (NODE_ERR_KEY_DOES_NOT_EXIST, "key %.200s does not exist",
                                key_text);
    else
    if (write) {
        json_t *value = json_object_get (body, "value");
        if (!value)
            reply = s_error (NODE_ERR_MALFORMED_REQUEST, "write needs a value");
        else
            reply = s_put (self, key_text, key, value, now_ms);
        if (!reply)
            reply = json_pack ("{s:s}", "type", "write_ok");
    }
    else
        reply = s_cas (self, key_text, key, body, now_ms);
    free (key_text);
    assert (reply);
    return reply;
}


//  --------------------------------------------------------------------------
//  Merging remote entries

typedef struct {
    json_t *key, *value;
    store_version_t version;
    bool has_replaced;
    store_version_t replaced;
} s_remote_t;

static int
s_remote_parse (json_t *json, s_remote_t *remote)
{
    memset (remote, 0, sizeof *remote);
    if (!json_is_object (json))
        return -1;
    remote->key = json_object_get (json, "key");
    remote->value = json_object_get (json, "value");
    json_t *replaced = json_object_get (json, "replaced");
    if (!remote->key || !remote->value
    ||  store_version_from_json (json_object_get (json, "version"), &remote->version))
        return -1;
    if (replaced) {
        if (store_version_from_json (replaced, &remote->replaced))
            return -1;
        remote->has_replaced = true;
    }
    return 0;
}

//  A remote entry for a key we do not hold.
static store_merge_t
s_add (store_t *self, const char *key_text, const s_remote_t *remote)
{
    if (zhashx_size (self->entries) >= FL_LWW_KEYS_MAX) {
        self->refused++;
        return STORE_MERGE_BAD;
    }
    s_entry_t *entry = (s_entry_t *) calloc (1, sizeof (s_entry_t));
    assert (entry);
    entry->key_text = strdup (key_text);
    entry->key = json_deep_copy (remote->key);
    entry->value = json_deep_copy (remote->value);
    assert (entry->key_text && entry->key && entry->value);
    entry->version = remote->version;
    entry->has_replaced = remote->has_replaced;
    entry->replaced = remote->replaced;
    zhashx_insert (self->entries, key_text, entry);
    s_changed (self, entry);
    return STORE_MERGE_ADDED;
}

store_merge_t
store_merge (store_t *self, json_t *json, int64_t now_ms, store_loss_t *loss)
{
    assert (self);
    if (loss)
        memset (loss, 0, sizeof *loss);
    s_remote_t remote;
    if (s_remote_parse (json, &remote))
        return STORE_MERGE_BAD;
    char *key_text = s_json_text (remote.key);
    if (s_entry_bytes (key_text, remote.value) > FL_LWW_ENTRY_BYTES_MAX) {
        free (key_text);
        return STORE_MERGE_BAD;
    }
    if (!self->wall_clock)
        hlc_receive (&self->clock, remote.version.stamp, now_ms);
    s_entry_t *entry = (s_entry_t *) zhashx_lookup (self->entries, key_text);
    if (!entry) {
        store_merge_t result = s_add (self, key_text, &remote);
        free (key_text);
        return result;
    }
    free (key_text);
    int order = s_version_compare (&remote.version, &entry->version);
    if (order <= 0)
        return order? STORE_MERGE_STALE: STORE_MERGE_SAME;
    //  Ours was acknowledged here; unless the winner replaced exactly it,
    //  its writer never saw it and the write is thrown away.
    bool seen = remote.has_replaced
             && s_version_compare (&remote.replaced, &entry->version) == 0;
    if (loss && streq (entry->version.node, self->id) && !seen)
        *loss = (store_loss_t) { true, entry->key_text, entry->version, remote.version };
    json_decref (entry->value);
    entry->value = json_deep_copy (remote.value);
    assert (entry->value);
    entry->version = remote.version;
    entry->has_replaced = remote.has_replaced;
    entry->replaced = remote.replaced;
    s_changed (self, entry);
    return STORE_MERGE_REPLACED;
}


//  --------------------------------------------------------------------------
//  Gossip, anti-entropy and replica_read

static int
s_by_change (const void *a, const void *b)
{
    const s_entry_t *x = *(s_entry_t * const *) a, *y = *(s_entry_t * const *) b;
    return x->change < y->change? -1: x->change > y->change;
}

static int
s_by_key (const void *a, const void *b)
{
    const s_entry_t *x = *(s_entry_t * const *) a, *y = *(s_entry_t * const *) b;
    return strcmp (x->key_text, y->key_text);
}

//  The entries changed after change number after, sorted by order: a new
//  array the caller frees (NULL when there are none), count in *count.
static s_entry_t **
s_collect (store_t *self, uint64_t after, int (*order) (const void *, const void *),
           size_t *count)
{
    *count = 0;
    size_t size = zhashx_size (self->entries);
    if (size == 0)
        return NULL;
    s_entry_t **list = (s_entry_t **) calloc (size, sizeof (s_entry_t *));
    assert (list);
    for (s_entry_t *entry = (s_entry_t *) zhashx_first (self->entries); entry;
         entry = (s_entry_t *) zhashx_next (self->entries))
        if (entry->change > after)
            list [(*count)++] = entry;
    qsort (list, *count, sizeof (s_entry_t *), order);
    return list;
}

static json_t *
s_chunks (s_entry_t **list, size_t count, size_t max_entries)
{
    json_t *chunks = json_array ();
    json_t *chunk = NULL;
    for (size_t i = 0; i < count; i++) {
        if (i % max_entries == 0) {
            chunk = json_array ();
            json_array_append_new (chunks, chunk);
        }
        json_array_append_new (chunk, s_entry_json (list [i]));
    }
    return chunks;
}

json_t *
store_delta (store_t *self, size_t max_entries)
{
    assert (self);
    assert (max_entries >= 1 && max_entries <= FL_LWW_GOSSIP_ENTRIES_MAX);
    size_t count;
    s_entry_t **list = s_collect (self, self->delta_mark, s_by_change, &count);
    json_t *chunks = s_chunks (list, count, max_entries);
    free (list);
    self->delta_mark = self->change;
    return chunks;
}

json_t *
store_snapshot (store_t *self, size_t max_entries)
{
    assert (self);
    assert (max_entries >= 1 && max_entries <= FL_LWW_GOSSIP_ENTRIES_MAX);
    size_t count;
    s_entry_t **list = s_collect (self, 0, s_by_key, &count);
    json_t *chunks = s_chunks (list, count, max_entries);
    free (list);
    return chunks;
}

json_t *
store_state (store_t *self)
{
    assert (self);
    size_t count;
    s_entry_t **list = s_collect (self, 0, s_by_key, &count);
    json_t *state = json_array ();
    for (size_t i = 0; i < count; i++)
        json_array_append_new (state, json_pack ("[O,O]", list [i]->key, list [i]->value));
    free (list);
    return state;
}

bool
store_version (store_t *self, json_t *key, store_version_t *version)
{
    assert (self);
    assert (key && version);
    char *key_text = s_json_text (key);
    s_entry_t *entry = (s_entry_t *) zhashx_lookup (self->entries, key_text);
    free (key_text);
    if (entry)
        *version = entry->version;
    return entry != NULL;
}

size_t
store_size (store_t *self)
{
    assert (self);
    return zhashx_size (self->entries);
}

size_t
store_refused (store_t *self)
{
    assert (self);
    return self->refused;
}

hlc_t
store_clock (store_t *self)
{
    assert (self);
    return self->clock;
}

const char *
store_id (store_t *self)
{
    assert (self);
    return self->id;
}
