/*  core.c -- the quorum node's decisions as pure functions (see core.h).

    The one invariant the store keeps: a replica's version of a key only
    grows (core_store_put applies a write only when its version is
    greater), so replicas that saw the same writes hold the same value
    whatever order the writes came in, and a read that sees R replicas
    returns the greatest version any of them holds (core_answer_winner).
    Whether R and W overlap is the caller's business; nothing here knows N
    except core_level_needed.

    Hints are a fixed array of FL_QUORUM_HINTS_MAX slots scanned linearly:
    a coordinator holds at most one per (replica, key), lin-kv has a few
    keys, and a scan of 4096 small structs per write costs microseconds.
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "number.h"
#include "core.h"

//  --------------------------------------------------------------------------
//  Levels

int
core_level_parse (const char *text, core_level_t *level)
{
    assert (level);
    if (!text)
        return -1;
    if (strcmp (text, "one") == 0)
        *level = (core_level_t) { CORE_LEVEL_ONE, 0 };
    else
    if (strcmp (text, "quorum") == 0)
        *level = (core_level_t) { CORE_LEVEL_QUORUM, 0 };
    else
    if (strcmp (text, "all") == 0)
        *level = (core_level_t) { CORE_LEVEL_ALL, 0 };
    else {
        uint64_t count;
        if (number_parse_whole (text, FL_NODES_MAX, &count) || count == 0)
            return -1;
        *level = (core_level_t) { CORE_LEVEL_COUNT, (size_t) count };
    }
    return 0;
}

int
core_level_needed (core_level_t level, size_t n, size_t *needed)
{
    assert (needed);
    switch (level.kind) {
        case CORE_LEVEL_ONE:    *needed = 1; return 0;
        case CORE_LEVEL_QUORUM: *needed = n / 2 + 1; return 0;
        case CORE_LEVEL_ALL:    *needed = n; return 0;
        case CORE_LEVEL_COUNT:
            if (level.count < 1 || level.count > n)
                return -1;
            *needed = level.count;
            return 0;
    }
    return -1;
}

int
core_bool_parse (const char *text, bool *value)
{
    assert (value);
    if (text && strcmp (text, "true") == 0)
        *value = true;
    else
    if (text && strcmp (text, "false") == 0)
        *value = false;
    else
        return -1;
    return 0;
}

int
core_level_param (const char *name, const char *text, core_level_t *level,
                  char *error, size_t error_size)
{
    assert (name);
    if (core_level_parse (text? text: "quorum", level) == 0)
        return 0;
    snprintf (error, error_size, "param %s: '%s' is not one, quorum, all or 1..N", name, text);
    return -1;
}

int
core_bool_param (const char *name, const char *text, bool default_value,
                 bool *value, char *error, size_t error_size)
{
    assert (name);
    if (!text) {
        *value = default_value;
        return 0;
    }
    if (core_bool_parse (text, value) == 0)
        return 0;
    snprintf (error, error_size, "param %s: '%s' is not true or false", name, text);
    return -1;
}

int
core_level_param_needed (const char *name, const char *text, core_level_t level,
                         size_t n, size_t *needed, char *error, size_t error_size)
{
    assert (name);
    if (core_level_needed (level, n, needed) == 0)
        return 0;
    snprintf (error, error_size, "param %s: '%s' is not one, quorum, all or 1..%zu",
              name, text? text: "quorum", n);
    return -1;
}

int64_t
core_left_ms (int64_t started_ms, int64_t now_ms, int64_t budget_ms)
{
    assert (budget_ms >= 1);
    int64_t left = budget_ms - (now_ms - started_ms);
    return left < 1? 1: left > budget_ms? budget_ms: left;
}

//  --------------------------------------------------------------------------
//  Versions and answers

core_version_t
core_version (hlc_t stamp, const char *node)
{
    assert (node);
    core_version_t version = { .stamp = stamp };
    snprintf (version.node, sizeof version.node, "%s", node);
    return version;
}

int
core_version_compare (const core_version_t *a, const core_version_t *b)
{
    assert (a);
    assert (b);
    return hlc_version_compare (a->stamp, a->node, b->stamp, b->node);
}

bool
core_answer_older (const core_answer_t *answer, const core_answer_t *winner)
{
    assert (answer);
    assert (winner);
    if (!winner->found)
        return false;
    if (!answer->found)
        return true;
    return core_version_compare (&answer->version, &winner->version) < 0;
}

size_t
core_answer_winner (const core_answer_t *answers, size_t count)
{
    size_t winner = count;
    for (size_t i = 0; i < count; i++) {
        if (!answers [i].found)
            continue;
        if (winner == count
        ||  core_version_compare (&answers [i].version, &answers [winner].version) > 0)
            winner = i;
    }
    return winner;
}

size_t
core_repair_targets (const core_answer_t *answers, size_t count,
                     const core_answer_t *winner, size_t *targets)
{
    assert (winner);
    size_t targeted = 0;
    for (size_t i = 0; i < count; i++)
        if (core_answer_older (&answers [i], winner))
            targets [targeted++] = i;
    return targeted;
}

//  --------------------------------------------------------------------------
//  The store: key text -> [key, value, [wall, logical], node]

char *
core_key_text (const json_t *key)
{
    if (!key)
        return NULL;
    return json_dumps (key, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);
}

//  An entry's version, or -1 when the entry is not one the store wrote.
static int
s_entry_version (json_t *entry, core_version_t *version)
{
    hlc_t stamp;
    const char *node = json_string_value (json_array_get (entry, 3));
    if (!node || hlc_from_json (json_array_get (entry, 2), &stamp))
        return -1;
    *version = core_version (stamp, node);
    return 0;
}

void
core_store_get (json_t *store, const char *key_text, core_answer_t *answer)
{
    assert (store);
    assert (key_text);
    assert (answer);
    memset (answer, 0, sizeof *answer);
    json_t *entry = json_object_get (store, key_text);
    if (entry && s_entry_version (entry, &answer->version) == 0) {
        answer->found = true;
        answer->value = json_array_get (entry, 1);
    }
}

int
core_store_put (json_t *store, const json_t *key, json_t *value,
                const core_version_t *version)
{
    assert (store);
    assert (key);
    assert (value);
    assert (version);
    char *key_text = core_key_text (key);
    assert (key_text);
    core_answer_t held;
    core_store_get (store, key_text, &held);
    int result = 1;
    if (held.found && core_version_compare (version, &held.version) <= 0)
        result = 0;
    else
    if (!held.found && json_object_size (store) >= FL_QUORUM_KEYS_MAX)
        result = -1;
    else
        json_object_set_new (store, key_text, json_pack ("[O,O,o,s]", (json_t *) key, value,
                             hlc_to_json (version->stamp), version->node));
    free (key_text);
    return result;
}

json_t *
core_store_state (json_t *store)
{
    assert (store);
    json_t *state = json_array ();
    const char *key_text;
    json_t *entry;
    json_object_foreach (store, key_text, entry)
        json_array_append_new (state, json_pack ("[O,O]", json_array_get (entry, 0),
                                                 json_array_get (entry, 1)));
    return state;
}

char *
core_store_line (const json_t *key, json_t *value, const core_version_t *version)
{
    assert (key);
    assert (value);
    assert (version);
    json_t *entry = json_pack ("[O,O,o,s]", (json_t *) key, value,
                               hlc_to_json (version->stamp), version->node);
    char *line = json_dumps (entry, JSON_COMPACT | JSON_ENCODE_ANY);
    json_decref (entry);
    return line;
}

int
core_store_replay (json_t *store, const char *line, core_version_t *version)
{
    assert (store);
    assert (line);
    assert (version);
    json_t *entry = json_loads (line, JSON_DECODE_ANY, NULL);
    int result = -1;
    if (json_is_array (entry) && json_array_size (entry) == 4
    &&  json_array_get (entry, 1) && s_entry_version (entry, version) == 0)
        result = core_store_put (store, json_array_get (entry, 0),
                                 json_array_get (entry, 1), version) < 0? -1: 0;
    json_decref (entry);
    return result;
}

//  --------------------------------------------------------------------------
//  Hints

typedef struct {
    bool used;
    char replica [FL_ID_BYTES_MAX + 1];
    char *key_text;
    json_t *key;
    json_t *value;
    core_version_t version;
    int64_t due_ms;
} s_hint_t;

struct _core_hints_t {
    s_hint_t slots [FL_QUORUM_HINTS_MAX];
    size_t size;
    size_t refused;
};

core_hints_t *
core_hints_new (void)
{
    core_hints_t *self = (core_hints_t *) calloc (1, sizeof (core_hints_t));
    assert (self);
    return self;
}

static void
s_hint_clear (core_hints_t *self, s_hint_t *hint)
{
    free (hint->key_text);
    json_decref (hint->key);
    json_decref (hint->value);
    memset (hint, 0, sizeof *hint);
    self->size--;
}

void
core_hints_destroy (core_hints_t **self_p)
{
    assert (self_p);
    core_hints_t *self = *self_p;
    if (!self)
        return;
    for (size_t i = 0; i < FL_QUORUM_HINTS_MAX; i++)
        if (self->slots [i].used)
            s_hint_clear (self, &self->slots [i]);
    free (self);
    *self_p = NULL;
}

static s_hint_t *
s_hint_find (core_hints_t *self, const char *replica, const char *key_text)
{
    for (size_t i = 0; i < FL_QUORUM_HINTS_MAX; i++) {
        s_hint_t *hint = &self->slots [i];
        if (hint->used && strcmp (hint->replica, replica) == 0
        &&  strcmp (hint->key_text, key_text) == 0)
            return hint;
    }
    return NULL;
}

int
core_hints_add (core_hints_t *self, const char *replica, json_t *key,
                json_t *value, const core_version_t *version, int64_t due_ms)
{
    assert (self);
    assert (replica);
    char *key_text = core_key_text (key);
    assert (key_text);
    s_hint_t *hint = s_hint_find (self, replica, key_text);
    if (hint) {
        free (key_text);
        if (core_version_compare (version, &hint->version) > 0) {
            json_decref (hint->value);
            hint->value = json_incref (value);
            hint->version = *version;
        }
        return 0;
    }
    for (size_t i = 0; i < FL_QUORUM_HINTS_MAX && !hint; i++)
        if (!self->slots [i].used)
            hint = &self->slots [i];
    if (!hint) {
        free (key_text);
        self->refused++;
        return -1;
    }
    *hint = (s_hint_t) { .used = true, .key_text = key_text, .key = json_incref (key),
                         .value = json_incref (value), .version = *version,
                         .due_ms = due_ms };
    snprintf (hint->replica, sizeof hint->replica, "%s", replica);
    self->size++;
    return 0;
}

bool
core_hints_ack (core_hints_t *self, const char *replica, const char *key_text,
                const core_version_t *version)
{
    assert (self);
    assert (replica);
    assert (key_text);
    s_hint_t *hint = s_hint_find (self, replica, key_text);
    if (!hint || core_version_compare (&hint->version, version) > 0)
        return false;
    s_hint_clear (self, hint);
    return true;
}

size_t
core_hints_size (core_hints_t *self)
{
    assert (self);
    return self->size;
}

size_t
core_hints_refused (core_hints_t *self)
{
    assert (self);
    return self->refused;
}

size_t
core_hints_due (core_hints_t *self, int64_t now_ms, int64_t retry_ms,
                core_hint_t *due, size_t max)
{
    assert (self);
    size_t count = 0;
    for (size_t i = 0; i < FL_QUORUM_HINTS_MAX && count < max; i++) {
        s_hint_t *hint = &self->slots [i];
        if (!hint->used || hint->due_ms > now_ms)
            continue;
        due [count++] = (core_hint_t) { hint->replica, hint->key_text, hint->key,
                                        hint->value, hint->version };
        hint->due_ms = now_ms + retry_ms;
    }
    return count;
}
