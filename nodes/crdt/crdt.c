/*  crdt.c -- the five CRDTs of bin/node-crdt and their joins (crdt.h).

    Every set-like part of a state is a jansson object keyed by the
    canonical text of its member, so "is x in it" is one lookup and a
    union is a walk over the other side:

      g-set     elements: text -> element
      counters  p (and n): replica -> count
      or-set    elements: text -> {"e": element, "t": {tag text: tag}}
                removed:  tag text -> tag
      register  value, stamp, node

    Invariants: every text is at most FL_CRDT_ELEMENT_BYTES_MAX bytes,
    every count in 0..FL_CRDT_COUNT_MAX, at most FL_CRDT_REPLICAS_MAX
    replicas per counter, and bytes is an upper bound of the wire text
    (each piece is charged its text plus its punctuation when it enters;
    nothing ever leaves a state). Joins only add, or raise a count, or
    replace a register by a greater version: which is why they commute,
    associate and are idempotent.

    OR-set semantics (add wins): an element is present while one of its
    tags is not removed. A remove tombstones only the tags it has seen, so
    an add concurrent with it (a tag the remover never saw) survives the
    join, and a re-add after a remove gets a fresh tag and is present.
*/
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "limits.h"
#include "crdt.h"

struct _crdt_t {
    crdt_kind_t kind;
    json_t *elements;       //  g-set, or-set
    json_t *removed;        //  or-set
    json_t *p, *n;          //  counters (n: pn-counter only)
    json_t *value;          //  register, NULL when empty
    hlc_t stamp;
    char node [FL_ID_BYTES_MAX + 1];
    size_t bytes;
};

#define S_BASE_BYTES      48      //  the kind's braces and key names
#define S_ENTRY_BYTES     24      //  a count's digits, quotes, colon, comma
#define S_REGISTER_BYTES  (80 + FL_ID_BYTES_MAX)

static const char *s_names [] = { "g-set", "g-counter", "pn-counter", "or-set", "lww-register" };

const char *
crdt_kind_name (crdt_kind_t kind)
{
    assert (kind <= CRDT_REGISTER);
    return s_names [kind];
}

int
crdt_kind_parse (const char *name, crdt_kind_t *kind)
{
    for (int index = 0; name && index <= CRDT_REGISTER; index++)
        if (strcmp (name, s_names [index]) == 0) {
            *kind = (crdt_kind_t) index;
            return 0;
        }
    return -1;
}

char *
crdt_text (const json_t *json)
{
    char *text = json_dumps (json, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);
    assert (text);
    return text;
}

crdt_t *
crdt_new (crdt_kind_t kind)
{
    assert (kind <= CRDT_REGISTER);
    crdt_t *self = (crdt_t *) calloc (1, sizeof (crdt_t));
    assert (self);
    self->kind = kind;
    self->bytes = S_BASE_BYTES;
    if (kind == CRDT_GSET || kind == CRDT_ORSET)
        self->elements = json_object ();
    if (kind == CRDT_ORSET)
        self->removed = json_object ();
    if (kind == CRDT_GCOUNTER || kind == CRDT_PNCOUNTER)
        self->p = json_object ();
    if (kind == CRDT_PNCOUNTER)
        self->n = json_object ();
    return self;
}

void
crdt_destroy (crdt_t **self_p)
{
    assert (self_p);
    crdt_t *self = *self_p;
    if (!self)
        return;
    json_decref (self->elements);
    json_decref (self->removed);
    json_decref (self->p);
    json_decref (self->n);
    json_decref (self->value);
    free (self);
    *self_p = NULL;
}

crdt_t *
crdt_dup (const crdt_t *self)
{
    assert (self);
    crdt_t *copy = crdt_new (self->kind);
    crdt_merge (copy, self);
    return copy;
}

crdt_kind_t
crdt_kind (const crdt_t *self)
{
    assert (self);
    return self->kind;
}

size_t
crdt_bytes (const crdt_t *self)
{
    assert (self);
    return self->bytes;
}


//  --------------------------------------------------------------------------
//  Checks of one piece

//  The text of json if it is within the element bound, else NULL with err.
static char *
s_checked_text (const json_t *json, const char *what, char *err)
{
    if (!json) {
        snprintf (err, CRDT_ERR_BYTES, "no %s", what);
        return NULL;
    }
    char *text = crdt_text (json);
    size_t size = strlen (text);
    if (size > FL_CRDT_ELEMENT_BYTES_MAX) {
        snprintf (err, CRDT_ERR_BYTES, "%s of %zu bytes is past FL_CRDT_ELEMENT_BYTES_MAX (%d)",
                  what, size, FL_CRDT_ELEMENT_BYTES_MAX);
        free (text);
        return NULL;
    }
    return text;
}

static bool
s_replica_ok (const char *replica, char *err)
{
    size_t size = replica? strlen (replica): 0;
    if (size == 0 || size > FL_CRDT_REPLICA_BYTES_MAX) {
        snprintf (err, CRDT_ERR_BYTES, "replica id of %zu bytes is not 1..%d bytes",
                  size, FL_CRDT_REPLICA_BYTES_MAX);
        return false;
    }
    return true;
}

//  A tag [replica, counter >= 1]: its text, or NULL with err.
static char *
s_tag_text (const json_t *tag, char *err)
{
    if (!json_is_array (tag) || json_array_size (tag) != 2
    ||  !json_is_string (json_array_get (tag, 0))
    ||  !json_is_integer (json_array_get (tag, 1))
    ||  json_integer_value (json_array_get (tag, 1)) < 1) {
        snprintf (err, CRDT_ERR_BYTES, "a tag is not [replica, counter >= 1]");
        return NULL;
    }
    if (!s_replica_ok (json_string_value (json_array_get (tag, 0)), err))
        return NULL;
    return crdt_text (tag);
}


//  --------------------------------------------------------------------------
//  Sets: g-set, and the or-set's two parts

//  Put member under text in set unless there; returns the bytes it added.
static size_t
s_set_put (json_t *set, const char *text, const json_t *member)
{
    if (json_object_get (set, text))
        return 0;
    json_object_set_new (set, text, json_deep_copy (member));
    return strlen (text) + 1;
}

int
crdt_gset_add (crdt_t *self, const json_t *element, char *err)
{
    assert (self && self->kind == CRDT_GSET);
    char *text = s_checked_text (element, "element", err);
    if (!text)
        return -1;
    self->bytes += s_set_put (self->elements, text, element);
    free (text);
    return 0;
}

//  The or-set entry of element text, made when absent (charging its bytes).
static json_t *
s_orset_entry (crdt_t *self, const char *text, const json_t *element)
{
    json_t *entry = json_object_get (self->elements, text);
    if (!entry) {
        entry = json_pack ("{s:O, s:o}", "e", element, "t", json_object ());
        json_object_set_new (self->elements, text, entry);
        self->bytes += strlen (text) + 8;
    }
    return entry;
}

int
crdt_orset_add (crdt_t *self, const json_t *element, const char *replica,
                int64_t counter, char *err)
{
    assert (self && self->kind == CRDT_ORSET);
    if (!s_replica_ok (replica, err))
        return -1;
    if (counter < 1) {
        snprintf (err, CRDT_ERR_BYTES, "tag counter %lld is not >= 1", (long long) counter);
        return -1;
    }
    char *text = s_checked_text (element, "element", err);
    if (!text)
        return -1;
    json_t *tag = json_pack ("[s, I]", replica, (json_int_t) counter);
    char *tag_text = crdt_text (tag);
    json_t *entry = s_orset_entry (self, text, element);
    self->bytes += s_set_put (json_object_get (entry, "t"), tag_text, tag);
    free (tag_text);
    json_decref (tag);
    free (text);
    return 0;
}

int
crdt_orset_remove (crdt_t *self, const json_t *element, char *err)
{
    assert (self && self->kind == CRDT_ORSET);
    char *text = s_checked_text (element, "element", err);
    if (!text)
        return -1;
    json_t *entry = json_object_get (self->elements, text);
    free (text);
    const char *tag_text;
    json_t *tag;
    json_object_foreach (json_object_get (entry, "t"), tag_text, tag)
        self->bytes += s_set_put (self->removed, tag_text, tag);
    return 0;
}

int64_t
crdt_orset_counter_max (const crdt_t *self, const char *replica)
{
    assert (self && self->kind == CRDT_ORSET);
    int64_t max = 0;
    const char *text, *tag_text;
    json_t *entry, *tag;
    json_object_foreach (self->elements, text, entry)
        json_object_foreach (json_object_get (entry, "t"), tag_text, tag)
            if (strcmp (json_string_value (json_array_get (tag, 0)), replica) == 0
            &&  json_integer_value (json_array_get (tag, 1)) > max)
                max = json_integer_value (json_array_get (tag, 1));
    return max;
}

//  Is some tag of the or-set entry not removed?
static bool
s_orset_live (const crdt_t *self, const json_t *entry)
{
    const char *tag_text;
    json_t *tag;
    json_object_foreach (json_object_get (entry, "t"), tag_text, tag)
        if (!json_object_get (self->removed, tag_text))
            return true;
    return false;
}

static int
s_text_compare (const void *a, const void *b)
{
    return strcmp (*(const char **) a, *(const char **) b);
}

//  The members of a set (the or-set's live ones) sorted by text.
static json_t *
s_set_value (const crdt_t *self)
{
    size_t count = json_object_size (self->elements), used = 0;
    const char **texts = (const char **) calloc (count + 1, sizeof (char *));
    assert (texts);
    const char *text;
    json_t *member;
    json_object_foreach (self->elements, text, member)
        if (self->kind == CRDT_GSET || s_orset_live (self, member))
            texts [used++] = text;
    qsort (texts, used, sizeof (char *), s_text_compare);
    json_t *value = json_array ();
    for (size_t index = 0; index < used; index++) {
        member = json_object_get (self->elements, texts [index]);
        json_array_append (value, self->kind == CRDT_GSET? member: json_object_get (member, "e"));
    }
    free (texts);
    return value;
}


//  --------------------------------------------------------------------------
//  Counters

static int64_t
s_count_sum (const json_t *counts)
{
    int64_t sum = 0;            //  cannot overflow: see FL_CRDT_COUNT_MAX
    const char *replica;
    json_t *count;
    json_object_foreach ((json_t *) counts, replica, count)
        sum += json_integer_value (count);
    return sum;
}

//  Raise replica's count in counts to count (never lowers it).
static void
s_count_raise (crdt_t *self, json_t *counts, const char *replica, int64_t count)
{
    json_t *held = json_object_get (counts, replica);
    if (!held)
        self->bytes += strlen (replica) + S_ENTRY_BYTES;
    if (!held || json_integer_value (held) < count)
        json_object_set_new (counts, replica, json_integer (count));
}

int
crdt_counter_add (crdt_t *self, const char *replica, int64_t delta, char *err)
{
    assert (self && (self->kind == CRDT_GCOUNTER || self->kind == CRDT_PNCOUNTER));
    if (!s_replica_ok (replica, err))
        return -1;
    if (delta < 0 && self->kind == CRDT_GCOUNTER) {
        snprintf (err, CRDT_ERR_BYTES, "delta %lld is negative: a g-counter only grows",
                  (long long) delta);
        return -1;
    }
    if (delta < -FL_CRDT_COUNT_MAX || delta > FL_CRDT_COUNT_MAX) {
        snprintf (err, CRDT_ERR_BYTES, "delta %lld is past FL_CRDT_COUNT_MAX (%lld) either way",
                  (long long) delta, (long long) FL_CRDT_COUNT_MAX);
        return -1;
    }
    json_t *counts = delta < 0? self->n: self->p;
    int64_t size = delta < 0? -delta: delta;
    json_t *held = json_object_get (counts, replica);
    int64_t count = json_integer_value (held);      //  0 when absent
    if (!held && json_object_size (counts) >= FL_CRDT_REPLICAS_MAX) {
        snprintf (err, CRDT_ERR_BYTES, "counter has FL_CRDT_REPLICAS_MAX (%d) replicas;"
                  " replica '%s' is one more", FL_CRDT_REPLICAS_MAX, replica);
        return -1;
    }
    if (size > FL_CRDT_COUNT_MAX - count) {
        snprintf (err, CRDT_ERR_BYTES, "delta %lld would take the sum past FL_CRDT_COUNT_MAX"
                  " (%lld) for replica '%s'", (long long) delta,
                  (long long) FL_CRDT_COUNT_MAX, replica);
        return -1;
    }
    if (size > 0 || !held)
        s_count_raise (self, counts, replica, count + size);
    return 0;
}


//  --------------------------------------------------------------------------
//  Register

//  Is (stamp, node) greater than the register's version (or is it empty)?
static bool
s_register_newer (const crdt_t *self, hlc_t stamp, const char *node)
{
    return !self->value || hlc_version_compare (stamp, node, self->stamp, self->node) > 0;
}

int
crdt_register_write (crdt_t *self, const json_t *value, hlc_t stamp,
                     const char *node, char *err)
{
    assert (self && self->kind == CRDT_REGISTER);
    if (!node || !*node || strlen (node) > FL_ID_BYTES_MAX) {
        snprintf (err, CRDT_ERR_BYTES, "writer id is not 1..%d bytes", FL_ID_BYTES_MAX);
        return -1;
    }
    char *text = s_checked_text (value, "value", err);
    if (!text)
        return -1;
    if (s_register_newer (self, stamp, node)) {
        json_decref (self->value);
        self->value = json_deep_copy (value);
        self->stamp = stamp;
        snprintf (self->node, sizeof self->node, "%s", node);
        self->bytes = S_BASE_BYTES + S_REGISTER_BYTES + strlen (text);
    }
    free (text);
    return 0;
}

bool
crdt_register_version (const crdt_t *self, hlc_t *stamp)
{
    assert (self && self->kind == CRDT_REGISTER);
    if (self->value && stamp)
        *stamp = self->stamp;
    return self->value != NULL;
}


//  --------------------------------------------------------------------------
//  Value, join, equality

json_t *
crdt_value (const crdt_t *self)
{
    assert (self);
    switch (self->kind) {
        case CRDT_GSET:
        case CRDT_ORSET:
            return s_set_value (self);
        case CRDT_GCOUNTER:
            return json_integer (s_count_sum (self->p));
        case CRDT_PNCOUNTER:
            return json_integer (s_count_sum (self->p) - s_count_sum (self->n));
        case CRDT_REGISTER:
            return self->value? json_deep_copy (self->value): NULL;
    }
    return NULL;
}

//  One process, one node: the bug is the process's, set once at start.
static bool s_merge_last = false;

void
crdt_bug_merge_last (bool on)
{
    s_merge_last = on;
}

static void
s_counts_merge (crdt_t *self, json_t *counts, const json_t *other)
{
    const char *replica;
    json_t *count;
    json_object_foreach ((json_t *) other, replica, count) {
        //  Bug merge-last: the last state heard wins, even when it is older.
        if (s_merge_last && json_object_get (counts, replica))
            json_object_set_new (counts, replica, json_integer (json_integer_value (count)));
        else
            s_count_raise (self, counts, replica, json_integer_value (count));
    }
}

static void
s_orset_merge (crdt_t *self, const crdt_t *other)
{
    const char *text, *tag_text;
    json_t *entry, *tag;
    json_object_foreach (other->elements, text, entry) {
        json_t *mine = s_orset_entry (self, text, json_object_get (entry, "e"));
        json_object_foreach (json_object_get (entry, "t"), tag_text, tag)
            self->bytes += s_set_put (json_object_get (mine, "t"), tag_text, tag);
    }
    json_object_foreach (other->removed, tag_text, tag)
        self->bytes += s_set_put (self->removed, tag_text, tag);
}

void
crdt_merge (crdt_t *self, const crdt_t *other)
{
    assert (self && other && self->kind == other->kind);
    const char *text;
    json_t *member;
    char err [CRDT_ERR_BYTES];
    switch (self->kind) {
        case CRDT_GSET:
            json_object_foreach (other->elements, text, member)
                self->bytes += s_set_put (self->elements, text, member);
            break;
        case CRDT_PNCOUNTER:
            s_counts_merge (self, self->n, other->n);
            s_counts_merge (self, self->p, other->p);
            break;
        case CRDT_GCOUNTER:
            s_counts_merge (self, self->p, other->p);
            break;
        case CRDT_ORSET:
            s_orset_merge (self, other);
            break;
        case CRDT_REGISTER:
            if (other->value)
                crdt_register_write (self, other->value, other->stamp, other->node, err);
            break;
    }
}

//  Bytes the members of other not in set would add.
static size_t
s_set_join_bytes (const json_t *set, const json_t *other, size_t extra)
{
    size_t bytes = 0;
    const char *text;
    json_t *member;
    json_object_foreach ((json_t *) other, text, member)
        if (!json_object_get (set, text))
            bytes += strlen (text) + 1 + extra;
    return bytes;
}

size_t
crdt_join_bytes (const crdt_t *self, const crdt_t *other)
{
    assert (self && other && self->kind == other->kind);
    size_t bytes = self->bytes;
    const char *text;
    json_t *entry;
    switch (self->kind) {
        case CRDT_GSET:
            return bytes + s_set_join_bytes (self->elements, other->elements, 0);
        case CRDT_PNCOUNTER:
            bytes += s_set_join_bytes (self->n, other->n, S_ENTRY_BYTES);
            return bytes + s_set_join_bytes (self->p, other->p, S_ENTRY_BYTES);
        case CRDT_GCOUNTER:
            return bytes + s_set_join_bytes (self->p, other->p, S_ENTRY_BYTES);
        case CRDT_ORSET:
            json_object_foreach (other->elements, text, entry) {
                json_t *mine = json_object_get (self->elements, text);
                bytes += mine? 0: strlen (text) + 8;
                bytes += s_set_join_bytes (json_object_get (mine, "t"),
                                           json_object_get (entry, "t"), 0);
            }
            return bytes + s_set_join_bytes (self->removed, other->removed, 0);
        case CRDT_REGISTER:
            return bytes > other->bytes? bytes: other->bytes;
    }
    return bytes;
}

//  json_equal, with two absent parts equal.
static bool
s_same (const json_t *a, const json_t *b)
{
    return (!a && !b) || json_equal (a, b);
}

bool
crdt_equal (const crdt_t *a, const crdt_t *b)
{
    assert (a && b);
    if (a->kind != b->kind)
        return false;
    if (a->kind == CRDT_REGISTER)
        return (!a->value && !b->value)
            || (a->value && b->value && json_equal (a->value, b->value)
                && hlc_version_compare (a->stamp, a->node, b->stamp, b->node) == 0);
    return s_same (a->elements, b->elements) && s_same (a->removed, b->removed)
        && s_same (a->p, b->p) && s_same (a->n, b->n);
}


//  --------------------------------------------------------------------------
//  Wire form

static json_t *
s_orset_to_json (const crdt_t *self)
{
    json_t *adds = json_array (), *removed = json_array ();
    const char *text, *tag_text;
    json_t *entry, *tag;
    json_object_foreach (self->elements, text, entry) {
        json_t *tags = json_array ();
        json_object_foreach (json_object_get (entry, "t"), tag_text, tag)
            json_array_append (tags, tag);
        json_array_append_new (adds, json_pack ("[O, o]", json_object_get (entry, "e"), tags));
    }
    json_object_foreach (self->removed, tag_text, tag)
        json_array_append (removed, tag);
    return json_pack ("{s:o, s:o}", "adds", adds, "removed", removed);
}

json_t *
crdt_to_json (const crdt_t *self)
{
    assert (self);
    json_t *members;
    const char *text;
    json_t *member;
    switch (self->kind) {
        case CRDT_GSET:
            members = json_array ();
            json_object_foreach (self->elements, text, member)
                json_array_append (members, member);
            return members;
        case CRDT_GCOUNTER:
            return json_deep_copy (self->p);
        case CRDT_PNCOUNTER:
            return json_pack ("{s:O, s:O}", "p", self->p, "n", self->n);
        case CRDT_ORSET:
            return s_orset_to_json (self);
        case CRDT_REGISTER:
            if (!self->value)
                return json_null ();
            return json_pack ("{s:O, s:o, s:s}", "value", self->value,
                              "version", hlc_to_json (self->stamp), "node", self->node);
    }
    return NULL;
}

//  Read a g-counter's wire form into counts.
static int
s_counts_from_json (crdt_t *self, json_t *counts, const json_t *json, char *err)
{
    if (!json_is_object (json)) {
        snprintf (err, CRDT_ERR_BYTES, "counts are not an object");
        return -1;
    }
    if (json_object_size (json) > FL_CRDT_REPLICAS_MAX) {
        snprintf (err, CRDT_ERR_BYTES, "%zu replicas are past FL_CRDT_REPLICAS_MAX (%d)",
                  json_object_size (json), FL_CRDT_REPLICAS_MAX);
        return -1;
    }
    const char *replica;
    json_t *count;
    json_object_foreach ((json_t *) json, replica, count) {
        if (!s_replica_ok (replica, err))
            return -1;
        if (!json_is_integer (count) || json_integer_value (count) < 0
        ||  json_integer_value (count) > FL_CRDT_COUNT_MAX) {
            snprintf (err, CRDT_ERR_BYTES, "count of replica '%s' is not an integer"
                      " in 0..FL_CRDT_COUNT_MAX", replica);
            return -1;
        }
        s_count_raise (self, counts, replica, json_integer_value (count));
    }
    return 0;
}

static int
s_orset_from_json (crdt_t *self, const json_t *json, char *err)
{
    json_t *adds = json_object_get (json, "adds");
    json_t *removed = json_object_get (json, "removed");
    if (!json_is_array (adds) || !json_is_array (removed)) {
        snprintf (err, CRDT_ERR_BYTES, "or-set is not {adds: [...], removed: [...]}");
        return -1;
    }
    size_t index, inner;
    json_t *add, *tag;
    json_array_foreach (adds, index, add) {
        json_t *tags = json_array_get (add, 1);
        if (json_array_size (add) != 2 || !json_is_array (tags)) {
            snprintf (err, CRDT_ERR_BYTES, "or-set add %zu is not [element, [tag, ...]]", index);
            return -1;
        }
        char *text = s_checked_text (json_array_get (add, 0), "element", err);
        if (!text)
            return -1;
        json_t *entry = s_orset_entry (self, text, json_array_get (add, 0));
        free (text);
        json_array_foreach (tags, inner, tag) {
            char *tag_text = s_tag_text (tag, err);
            if (!tag_text)
                return -1;
            self->bytes += s_set_put (json_object_get (entry, "t"), tag_text, tag);
            free (tag_text);
        }
    }
    json_array_foreach (removed, index, tag) {
        char *tag_text = s_tag_text (tag, err);
        if (!tag_text)
            return -1;
        self->bytes += s_set_put (self->removed, tag_text, tag);
        free (tag_text);
    }
    return 0;
}

static int
s_register_from_json (crdt_t *self, const json_t *json, char *err)
{
    if (json_is_null (json))
        return 0;
    hlc_t stamp;
    json_t *node = json_object_get (json, "node");
    if (!json_is_object (json) || !json_object_get (json, "value")
    ||  hlc_from_json (json_object_get (json, "version"), &stamp)
    ||  !json_is_string (node)) {
        snprintf (err, CRDT_ERR_BYTES, "register is not null or {value, version: [wall,"
                  " logical], node}");
        return -1;
    }
    return crdt_register_write (self, json_object_get (json, "value"), stamp,
                                json_string_value (node), err);
}

static int
s_gset_from_json (crdt_t *self, const json_t *json, char *err)
{
    if (!json_is_array (json)) {
        snprintf (err, CRDT_ERR_BYTES, "g-set is not an array");
        return -1;
    }
    size_t index;
    json_t *element;
    json_array_foreach (json, index, element)
        if (crdt_gset_add (self, element, err))
            return -1;
    return 0;
}

crdt_t *
crdt_from_json (crdt_kind_t kind, const json_t *json, char *err)
{
    assert (kind <= CRDT_REGISTER);
    crdt_t *self = crdt_new (kind);
    int rc = -1;
    if (!json)
        snprintf (err, CRDT_ERR_BYTES, "no state");
    else
    if (kind == CRDT_GSET)
        rc = s_gset_from_json (self, json, err);
    else
    if (kind == CRDT_GCOUNTER)
        rc = s_counts_from_json (self, self->p, json, err);
    else
    if (kind == CRDT_PNCOUNTER) {
        rc = json_is_object (json)? 0: -1;
        if (rc)
            snprintf (err, CRDT_ERR_BYTES, "pn-counter is not {p: counts, n: counts}");
        else
            rc = s_counts_from_json (self, self->p, json_object_get (json, "p"), err)
              || s_counts_from_json (self, self->n, json_object_get (json, "n"), err)? -1: 0;
    }
    else
    if (kind == CRDT_ORSET)
        rc = s_orset_from_json (self, json, err);
    else
        rc = s_register_from_json (self, json, err);
    if (rc)
        crdt_destroy (&self);
    return self;
}
