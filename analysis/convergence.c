/*  convergence.c -- the replicas' final states judged against the history
    (see convergence.h; the rules in docs/checker.md, section Convergence).

    Three questions, one pass each:

    converged   every node answered and all hold the same normalized state
                (keys by text, a set's elements sorted by their JSON text);
    lost        an acknowledged update no replica kept;
    invented    a value a replica holds that no op (ok, info or pending)
                wrote; a failed op's value counts as never written.

    What "kept" means depends on the workload's data type:

    set         (g-set, broadcast) the element of every ok add is held by
                every answering replica; one that misses it loses the add.
    counter     (g-counter, pn-counter) each replica's value lies in
                [ok sum + negative indeterminate deltas, ok sum + positive
                indeterminate deltas]; indeterminate is info or pending.
                Below: updates lost; above: updates invented.
    register    (lin-kv) each key a register; write writes its value, cas
                [from,to] writes to. An ok write W is lost when no replica
                holds a value of W's key written by some X that does not
                real-time precede W (X = W, X concurrent with W, or X after
                W): every replica's value then comes from writes that
                completed before W was invoked, so W's effect is gone. A
                value written twice takes the latest completion of its
                writes (the most lenient reading); info and pending writes
                complete at infinity. When every replica answered with
                applied lists (the database's own record of what it
                applied to a key, in order), a key whose history values are
                unique is judged by them instead: an ok write or cas whose
                value is in no list is lost, whether or not later writes
                superseded it; one that a trimmed list may have held is
                "lost_unjudged".

    Cost: registers keep one table from (key text, value text) to the
    latest completion of its writes; every ok write then looks up one
    value per replica. Sets keep each replica's elements in a hash. Both
    are linear in history plus states times nodes.
*/
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include <jansson.h>
#include "jsonl.h"
#include "limits.h"
#include "checks.h"
#include "convergence.h"

typedef enum { S_SET, S_COUNTER, S_REGISTER, S_NONE } s_kind_t;

typedef struct {
    const opslog_t *log;
    s_kind_t kind;
    const char *nodes [FL_NODES_MAX];   // names, in id order ("n2" < "n10")
    json_t *states [FL_NODES_MAX];      // normalized: key text -> value, or NULL
    json_t *applied [FL_NODES_MAX];     // key text -> [[V, ...], trimmed], or NULL
                                        // when the node gives no applied lists
    size_t nodes_size;
    size_t answered;
    json_t *out;                        // the result being built
    json_t *lost, *invented, *reasons, *unjudged;
    int64_t lost_count, invented_count, unjudged_count, applied_keys;
    bool truncated;
} s_conv_t;

static s_kind_t
s_kind (const char *workload)
{
    if (!workload)
        return S_NONE;
    if (streq (workload, "g-set") || streq (workload, "broadcast"))
        return S_SET;
    if (streq (workload, "g-counter") || streq (workload, "pn-counter"))
        return S_COUNTER;
    if (streq (workload, "lin-kv"))
        return S_REGISTER;
    return S_NONE;
}

bool
convergence_known (const char *workload)
{
    return s_kind (workload) != S_NONE;
}

//  Compact, key-sorted JSON text (the opslog's atoms are written so).
static char *
s_text (const json_t *value)
{
    char *text = json_dumps (value, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    assert (text);
    return text;
}

//  A key's text: a string's content, any other JSON its compact text.
static char *
s_key_text (const json_t *key)
{
    return json_is_string (key)? strdup (json_string_value (key)): s_text (key);
}

//  The key text of a key atom of the history.
static char *
s_atom_key_text (const opslog_t *log, int32_t atom)
{
    json_t *key = checks_atom_json (log, atom);
    char *text = key? s_key_text (key): strdup ("null");
    json_decref (key);
    return text;
}

//  Node ids in order: shorter first, then by text ("n2" < "n10").
static int
s_id_compare (const void *a, const void *b)
{
    const char *x = *(const char *const *) a, *y = *(const char *const *) b;
    size_t lx = strlen (x), ly = strlen (y);
    return lx != ly? (lx < ly? -1: 1): strcmp (x, y);
}

static int
s_text_compare (const void *a, const void *b)
{
    const char *x = *(const char *const *) a, *y = *(const char *const *) b;
    return strcmp (x, y);
}

static void
s_reason (s_conv_t *self, const char *format, ...) __attribute__ ((format (printf, 2, 3)));

static void
s_reason (s_conv_t *self, const char *format, ...)
{
    if (json_array_size (self->reasons) >= FL_CONVERGENCE_LISTED_MAX)
        return;
    va_list args;
    va_start (args, format);
    char text [1024];
    vsnprintf (text, sizeof text, format, args);
    va_end (args);
    json_array_append_new (self->reasons, json_string (text));
}

//  A set's elements sorted by their JSON text, each once; NULL when VALUE
//  is not a list.
static json_t *
s_sorted_set (const json_t *value)
{
    if (!json_is_array (value))
        return NULL;
    size_t size = json_array_size (value);
    char **texts = calloc (size + 1, sizeof (char *));
    assert (texts);
    for (size_t i = 0; i < size; i++)
        texts [i] = s_text (json_array_get (value, i));
    qsort (texts, size, sizeof (char *), s_text_compare);
    json_t *sorted = json_array ();
    for (size_t i = 0; i < size; i++)
        if (i == 0 || strcmp (texts [i], texts [i - 1]))
            json_array_append_new (sorted, json_loads (texts [i], JSON_DECODE_ANY, NULL));
    for (size_t i = 0; i < size; i++)
        free (texts [i]);
    free (texts);
    return sorted;
}

//  An applied list's part of ITEM ([KEY, VALUE, [V, ...](, TRIMMED)]) as
//  [[V, ...], TRIMMED] into *applied (made on first use); false when it
//  is not a list and a count >= 0.
static bool
s_applied_item (const json_t *item, const char *key, json_t **applied)
{
    json_t *list = json_array_get (item, 2), *trimmed = json_array_get (item, 3);
    if (!json_is_array (list) || (trimmed && (!json_is_integer (trimmed)
                                           || json_integer_value (trimmed) < 0)))
        return false;
    if (!*applied)
        *applied = json_object ();
    json_object_set_new (*applied, key, json_pack ("[O, I]", list,
                         trimmed? json_integer_value (trimmed): (json_int_t) 0));
    return true;
}

//  One node's answer as key text -> value (and its applied lists into
//  *applied, NULL when it gives none); NULL with *problem when it is not
//  a list of [KEY, VALUE] or [KEY, VALUE, [APPLIED...](, TRIMMED)] items
//  (or a set's value is not a list).
static json_t *
s_normalize (s_conv_t *self, const json_t *state, json_t **applied, const char **problem)
{
    *applied = NULL;
    if (!json_is_array (state)) {
        *problem = "is not a list of [KEY, VALUE] pairs";
        return NULL;
    }
    json_t *normal = json_object ();
    size_t i;
    json_t *pair;
    json_array_foreach (state, i, pair) {
        size_t size = json_array_size (pair);
        if (!json_is_array (pair) || size < 2 || size > 4) {
            *problem = "has an item that is not a [KEY, VALUE] pair";
            break;
        }
        json_t *value = json_array_get (pair, 1);
        json_t *kept = self->kind == S_SET? s_sorted_set (value): json_incref (value);
        if (!kept) {
            *problem = "holds a set that is not a list";
            break;
        }
        char *key = s_key_text (json_array_get (pair, 0));
        json_object_set_new (normal, key, kept);
        bool fine = size == 2 || s_applied_item (pair, key, applied);
        free (key);
        if (!fine) {
            *problem = "has an applied list that is not [KEY, VALUE, [V, ...](, TRIMMED >= 0)]";
            break;
        }
    }
    if (i < json_array_size (state)) {
        json_decref (normal);
        json_decref (*applied);
        *applied = NULL;
        return NULL;
    }
    return normal;
}

//  Read REPLICAS into nodes [] and states [], naming the ones that did not
//  answer (or answered nonsense) in "unanswered".
static void
s_read_replicas (s_conv_t *self, json_t *replicas)
{
    const char *node;
    json_t *state;
    json_object_foreach (replicas, node, state)
        if (self->nodes_size < FL_NODES_MAX)
            self->nodes [self->nodes_size++] = node;
    if (json_object_size (replicas) > FL_NODES_MAX)
        s_reason (self, "%zu replicas, more than FL_NODES_MAX (%d): the rest not judged",
                  json_object_size (replicas), FL_NODES_MAX);
    qsort (self->nodes, self->nodes_size, sizeof (char *), s_id_compare);
    json_t *unanswered = json_array ();
    for (size_t n = 0; n < self->nodes_size; n++) {
        state = json_object_get (replicas, self->nodes [n]);
        const char *problem = "did not answer replica_read";
        self->states [n] = json_is_null (state)? NULL: s_normalize (self, state,
                                                    &self->applied [n], &problem);
        if (self->states [n])
            self->answered++;
        else {
            json_array_append_new (unanswered, json_string (self->nodes [n]));
            s_reason (self, "%s %s", self->nodes [n], problem);
        }
    }
    json_object_set_new (self->out, "nodes", json_integer ((json_int_t) self->nodes_size));
    json_object_set_new (self->out, "answered", json_integer ((json_int_t) self->answered));
    json_object_set_new (self->out, "unanswered", unanswered);
}

//  Does every node hold the first answering node's state? Lists the keys
//  where one differs, each with the two values.
static bool
s_converged (s_conv_t *self)
{
    json_t *differing = json_array ();
    int64_t count = 0;
    size_t first = 0;
    while (first < self->nodes_size && !self->states [first])
        first++;
    for (size_t n = first + 1; n < self->nodes_size; n++) {
        json_t *a = self->states [first], *b = self->states [n];
        if (!b || json_equal (a, b))
            continue;
        json_t *both [2] = { a, b };
        for (int side = 0; side < 2; side++) {
            const char *key;
            json_t *value;
            json_object_foreach (both [side], key, value) {
                json_t *other = json_object_get (both [1 - side], key);
                if (side == 1 && other)
                    continue;           // seen from side 0
                if (other && json_equal (value, other))
                    continue;
                count++;
                json_t *va = json_object_get (a, key), *vb = json_object_get (b, key);
                if (json_array_size (differing) < FL_CONVERGENCE_LISTED_MAX)
                    json_array_append_new (differing, json_pack ("{s:s, s:s, s:O, s:s, s:O}",
                        "key", key, "node", self->nodes [n], "value", vb? vb: json_null (),
                        "like", self->nodes [first], "like_value", va? va: json_null ()));
            }
        }
        s_reason (self, "%s and %s hold different states", self->nodes [first], self->nodes [n]);
    }
    json_object_set_new (self->out, "differing", differing);
    json_object_set_new (self->out, "differing_count", json_integer (count));
    return self->answered > 0 && self->answered == self->nodes_size && count == 0;
}

//  A lost op: its index, process, f, key, value, the reason and "op".
static void s_entry (s_conv_t *self, json_t *list, size_t i, const char *reason);

static void
s_lost (s_conv_t *self, size_t i, const char *reason)
{
    self->lost_count++;
    s_entry (self, self->lost, i, reason);
}

//  An op whose loss cannot be judged (its key's applied list was trimmed).
static void
s_unjudged (s_conv_t *self, size_t i, const char *reason)
{
    self->unjudged_count++;
    s_entry (self, self->unjudged, i, reason);
}

static void
s_entry (s_conv_t *self, json_t *list, size_t i, const char *reason)
{
    if (json_array_size (list) >= FL_CONVERGENCE_LISTED_MAX)
        return;
    const opslog_op_t *op = opslog_op (self->log, i);
    json_t *key = checks_atom_json (self->log, op->key);
    json_t *value = checks_atom_json (self->log, op->invoke_value);
    json_array_append_new (list, json_pack ("{s:I, s:I, s:s, s:o, s:o, s:s, s:o}",
        "index", (json_int_t) op->invoke_index, "process", (json_int_t) op->process,
        "f", opslog_atom (self->log, op->f_atom), "key", key? key: json_null (),
        "value", value? value: json_null (), "reason", reason,
        "op", checks_op_ref (self->log, i)));
}

static void
s_invented (s_conv_t *self, const char *node, const char *key, const json_t *value,
            const char *reason)
{
    self->invented_count++;
    if (json_array_size (self->invented) < FL_CONVERGENCE_LISTED_MAX)
        json_array_append_new (self->invented, json_pack ("{s:s, s:s, s:O, s:s}",
            "node", node, "key", key, "value", value, "reason", reason));
}

//  Append "n1 holds 17" (or "n1 holds nothing") to TEXT, within SIZE.
static void
s_holds (char *text, size_t size, const char *node, const json_t *value)
{
    size_t used = strlen (text);
    if (used + 2 >= size)
        return;
    char *shown = value? s_text (value): NULL;
    snprintf (text + used, size - used, "%s%s holds %.60s", used? ", ": "", node,
              shown? shown: "nothing");
    free (shown);
}

static void s_rule_set (s_conv_t *self);
static void s_rule_counter (s_conv_t *self);
static void s_rule_register (s_conv_t *self);

//  The kept part of each node's state, for "final".
static json_t *
s_final (s_conv_t *self)
{
    json_t *final = json_object ();
    for (size_t n = 0; n < self->nodes_size; n++) {
        json_t *state = self->states [n];
        if (!state) {
            json_object_set_new (final, self->nodes [n], json_null ());
            continue;
        }
        json_t *kept = json_object ();
        const char *key;
        json_t *value;
        size_t count = 0;
        json_object_foreach (state, key, value) {
            if (count++ >= FL_CONVERGENCE_FINAL_ITEMS_MAX) {
                self->truncated = true;
                break;
            }
            if (json_is_array (value) && self->kind == S_SET
            &&  json_array_size (value) > FL_CONVERGENCE_FINAL_ITEMS_MAX) {
                json_t *cut = json_array ();
                for (size_t k = 0; k < FL_CONVERGENCE_FINAL_ITEMS_MAX; k++)
                    json_array_append (cut, json_array_get (value, k));
                json_object_set_new (kept, key, cut);
                self->truncated = true;
            }
            else
                json_object_set (kept, key, value);
        }
        json_object_set_new (final, self->nodes [n], kept);
    }
    return final;
}

//  --------------------------------------------------------------------
//  The rules by data type

static void
s_free_item (void **item)
{
    free (*item);
    *item = NULL;
}

static bool
s_is_add (const opslog_t *log, const opslog_op_t *op)
{
    const char *f = opslog_atom (log, op->f_atom);
    return streq (f, "add") || streq (f, "broadcast");
}

//  A lost update that is no one op (a counter's value below its range).
static void
s_lost_value (s_conv_t *self, const char *node, const json_t *value, const char *reason)
{
    self->lost_count++;
    if (json_array_size (self->lost) < FL_CONVERGENCE_LISTED_MAX)
        json_array_append_new (self->lost, json_pack ("{s:n, s:n, s:s, s:n, s:O, s:s, s:s}",
            "index", "process", "f", "add", "key", "value", value, "node", node,
            "reason", reason));
}

//  Sets: every ok add's element on every answering node; every element
//  held tried by an add that did not fail.
static zhashx_t *
s_set_tried (const opslog_t *log)
{
    zhashx_t *tried = zhashx_new ();        // element text -> 1 tried, 2 failed only
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        if (!s_is_add (log, op) || op->invoke_value < 0)
            continue;
        const char *text = opslog_atom (log, op->invoke_value);
        if (op->type != OPSLOG_FAIL)
            zhashx_update (tried, text, (void *) 1);
        else
            zhashx_insert (tried, text, (void *) 2);
    }
    return tried;
}

static void
s_rule_set (s_conv_t *self)
{
    const opslog_t *log = self->log;
    zhashx_t *tried = s_set_tried (log);
    zhashx_t *held [FL_NODES_MAX] = { NULL };
    for (size_t n = 0; n < self->nodes_size; n++) {
        if (!self->states [n])
            continue;
        held [n] = zhashx_new ();
        const char *key;
        json_t *set;
        json_object_foreach (self->states [n], key, set) {
            size_t k;
            json_t *element;
            json_array_foreach (set, k, element) {
                char *text = s_text (element);
                zhashx_insert (held [n], text, (void *) 1);
                uintptr_t how = (uintptr_t) zhashx_lookup (tried, text);
                if (!streq (key, "null"))
                    s_invented (self, self->nodes [n], key, element,
                                "a set has no keys: the node holds it under one");
                else
                if (how != 1)
                    s_invented (self, self->nodes [n], key, element, how == 2
                        ? "its only add failed (a definite error: it never happened)"
                        : "no add ever tried it");
                free (text);
            }
        }
    }
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        if (!s_is_add (log, op) || op->type != OPSLOG_OK || op->invoke_value < 0)
            continue;
        char missing [512] = "";
        const char *text = opslog_atom (log, op->invoke_value);
        for (size_t n = 0; n < self->nodes_size; n++)
            if (held [n] && !zhashx_lookup (held [n], text)) {
                size_t used = strlen (missing);
                snprintf (missing + used, sizeof missing - used, "%s%s", used? ", ": "",
                          self->nodes [n]);
            }
        if (*missing) {
            char reason [640];
            snprintf (reason, sizeof reason, "acknowledged, missing on %s", missing);
            s_lost (self, i, reason);
        }
    }
    for (size_t n = 0; n < self->nodes_size; n++)
        zhashx_destroy (&held [n]);
    zhashx_destroy (&tried);
}

//  Counters: each value within [ok sum + negative indeterminate deltas,
//  ok sum + positive indeterminate deltas].
static void
s_rule_counter (s_conv_t *self)
{
    const opslog_t *log = self->log;
    int64_t acknowledged = 0, up = 0, down = 0, delta;
    bool decrements = false;            //  an acknowledged negative add
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        if (!s_is_add (log, op) || op->type == OPSLOG_FAIL
        ||  !checks_atom_integer (log, op->invoke_value, &delta))
            continue;
        decrements |= op->type == OPSLOG_OK && delta < 0;
        if (op->type == OPSLOG_OK)
            acknowledged += delta;
        else
        if (delta > 0)
            up += delta;
        else
            down += delta;
    }
    int64_t lower = acknowledged + down, upper = acknowledged + up;
    json_object_set_new (self->out, "range", json_pack ("{s:I, s:I, s:I}",
        "acknowledged", (json_int_t) acknowledged, "lower", (json_int_t) lower,
        "upper", (json_int_t) upper));
    for (size_t n = 0; n < self->nodes_size; n++) {
        if (!self->states [n])
            continue;
        json_t *value = json_object_get (self->states [n], "null");
        json_t *zero = value? NULL: json_integer (0);
        json_t *shown = value? value: zero;
        char reason [256];
        if (jsonl_wide_digits (json_string_value (shown)))
            s_invented (self, self->nodes [n], "null", shown,
                        "an integer past 64 bits: no sum of the adds comes to it");
        else
        if (!json_is_integer (shown))
            s_invented (self, self->nodes [n], "null", shown, "a counter's value is an integer");
        else
        if (json_integer_value (shown) < lower) {
            snprintf (reason, sizeof reason, "%s holds %" JSON_INTEGER_FORMAT ", below %" PRId64
                      " (acknowledged %" PRId64 ", at most %" PRId64 " uncertain)",
                      self->nodes [n], json_integer_value (shown), lower, acknowledged, -down);
            s_lost_value (self, self->nodes [n], shown, reason);
        }
        else
        if (json_integer_value (shown) > upper && decrements) {
            //  Too high with acknowledged decrements: some were lost (a
            //  pn-counter's merge that drops negative adds), as too low
            //  loses increments
            snprintf (reason, sizeof reason, "%s holds %" JSON_INTEGER_FORMAT ", above %" PRId64
                      " (acknowledged %" PRId64 ", at most %" PRId64 " uncertain):"
                      " acknowledged decrements lost", self->nodes [n],
                      json_integer_value (shown), upper, acknowledged, up);
            s_lost_value (self, self->nodes [n], shown, reason);
        }
        else
        if (json_integer_value (shown) > upper) {
            snprintf (reason, sizeof reason, "above %" PRId64 " (acknowledged %" PRId64
                      ", at most %" PRId64 " uncertain)", upper, acknowledged, up);
            s_invented (self, self->nodes [n], "null", shown, reason);
        }
        json_decref (zero);
    }
}

//  The key text of key atom ATOM, computed once (TEXTS has opslog_atoms).
static const char *
s_key_of (s_conv_t *self, char **texts, int32_t atom)
{
    if (!texts [atom])
        texts [atom] = s_atom_key_text (self->log, atom);
    return texts [atom];
}

//  Registers: the latest completion of the writes of each (key, value),
//  info and pending ones at infinity, failed ones left out.
static zhashx_t *
s_register_written (s_conv_t *self, char **keys)
{
    const opslog_t *log = self->log;
    zhashx_t *written = zhashx_new ();      // "key\x1fvalue" -> int64_t latest return
    zhashx_set_destructor (written, s_free_item);
    char slot [8192];
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        if ((op->f != OPSLOG_F_WRITE && op->f != OPSLOG_F_CAS) || op->type == OPSLOG_FAIL
        ||  op->key < 0 || op->value < 0)
            continue;
        snprintf (slot, sizeof slot, "%s\x1f%s", s_key_of (self, keys, op->key),
                  opslog_atom (log, op->value));
        int64_t done = op->type == OPSLOG_OK? op->return_ns: INT64_MAX;
        int64_t *latest = zhashx_lookup (written, slot);
        if (!latest) {
            latest = malloc (sizeof (int64_t));
            assert (latest);
            *latest = done;
            zhashx_insert (written, slot, latest);
        }
        else
        if (done > *latest)
            *latest = done;
    }
    return written;
}

//  Registers judged by the database's own record (Redis's fl:K:applied):
//  each answering replica gives, per key, the values its line of data
//  applied, in order. An ok write or cas of V to K is lost when V is in
//  no replica's list for K: the database kept no trace of applying it.
//  Used for a key only when every node answered and gives lists, the
//  history's values of K are unique, and every node holding K gives
//  its list; a list trimmed at its front may have held V, unless V's
//  write began after the write of the list's first value completed (V
//  would then come after it).
typedef struct {
    char *key;
    bool off;                           //  the register rule judges this key
    zhashx_t *ops;                      //  value text -> op index + 1
    zhashx_t *held [FL_NODES_MAX];      //  value text -> 1, per node
    json_int_t trimmed [FL_NODES_MAX];
    char *first [FL_NODES_MAX];         //  the text of the list's first value
    char *summary;                      //  "n1, n2 applied 3, 6 to key 1", lazily
} s_key_t;

static void
s_key_free (void **item)
{
    s_key_t *entry = (s_key_t *) *item;
    if (!entry)
        return;
    free (entry->key);
    zhashx_destroy (&entry->ops);
    for (size_t n = 0; n < FL_NODES_MAX; n++) {
        zhashx_destroy (&entry->held [n]);
        free (entry->first [n]);
    }
    free (entry->summary);
    free (entry);
    *item = NULL;
}

//  Can the lists be used at all? Silent when no node gives any (our own
//  systems); says why not when only some answered or gave them.
static bool
s_applied_usable (s_conv_t *self)
{
    char without [256] = "";
    size_t giving = 0;
    for (size_t n = 0; n < self->nodes_size; n++) {
        if (self->applied [n])
            giving++;
        else
        if (self->states [n]) {
            size_t used = strlen (without);
            snprintf (without + used, sizeof without - used, "%s%s", used? ", ": "",
                      self->nodes [n]);
        }
    }
    if (giving == 0)
        return false;
    if (self->answered < self->nodes_size)
        s_reason (self, "applied lists not used: only %zu of %zu nodes gave a state, and"
                  " a write may live on the others (the register rule judged instead)",
                  self->answered, self->nodes_size);
    else
    if (giving < self->nodes_size)
        s_reason (self, "applied lists not used: %s gave none (the register rule judged"
                  " instead)", without);
    return self->answered == self->nodes_size && giving == self->nodes_size;
}

//  Node N's list for ENTRY's key into held, trimmed and first; false when
//  N holds the key but gives no list for it.
static bool
s_key_node (s_conv_t *self, s_key_t *entry, size_t n)
{
    json_t *item = json_object_get (self->applied [n], entry->key);
    if (!item)
        return !json_object_get (self->states [n], entry->key);
    json_t *list = json_array_get (item, 0);
    entry->trimmed [n] = json_integer_value (json_array_get (item, 1));
    entry->held [n] = zhashx_new ();
    size_t k;
    json_t *value;
    json_array_foreach (list, k, value) {
        char *text = s_text (value);
        zhashx_insert (entry->held [n], text, (void *) 1);
        if (k == 0)
            entry->first [n] = text;
        else
            free (text);
    }
    return true;
}

//  The keys of the history's writes and cas ops, each with its values'
//  ops and every node's list; NULL when the lists cannot be used.
static zhashx_t *
s_applied_table (s_conv_t *self, char **keys)
{
    if (!s_applied_usable (self))
        return NULL;
    const opslog_t *log = self->log;
    zhashx_t *table = zhashx_new ();
    zhashx_set_destructor (table, s_key_free);
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        if ((op->f != OPSLOG_F_WRITE && op->f != OPSLOG_F_CAS) || op->key < 0 || op->value < 0)
            continue;
        const char *key = s_key_of (self, keys, op->key), *value = opslog_atom (log, op->value);
        s_key_t *entry = (s_key_t *) zhashx_lookup (table, key);
        if (!entry) {
            entry = (s_key_t *) calloc (1, sizeof (s_key_t));
            assert (entry);
            entry->key = strdup (key);
            entry->ops = zhashx_new ();
            zhashx_insert (table, key, entry);
        }
        if (!entry->off && zhashx_lookup (entry->ops, value)) {
            entry->off = true;
            s_reason (self, "key %.40s: value %.40s written more than once, so its applied"
                      " lists cannot tell the writes apart (the register rule judged it)",
                      key, value);
        }
        zhashx_update (entry->ops, value, (void *) (uintptr_t) (i + 1));
    }
    for (s_key_t *entry = (s_key_t *) zhashx_first (table); entry;
         entry = (s_key_t *) zhashx_next (table))
        for (size_t n = 0; n < self->nodes_size && !entry->off; n++)
            if (!s_key_node (self, entry, n)) {
                entry->off = true;
                s_reason (self, "key %.40s: %s holds it without an applied list (the"
                          " register rule judged it)", entry->key, self->nodes [n]);
            }
    return table;
}

//  LIST's values into TEXT: all of a short list, else the first and last
//  few and the count.
static void
s_list_text (char *text, size_t size, const json_t *list)
{
    size_t count = json_array_size (list), used = 0;
    for (size_t k = 0; k < count && used + 1 < size; k++) {
        if (count > 8 && k >= 3 && k < count - 3) {
            used += (size_t) snprintf (text + used, size - used, ", ...");
            k = count - 4;
            continue;
        }
        char *value = s_text (json_array_get (list, k));
        used += (size_t) snprintf (text + used, size - used, "%s%.24s", k? ", ": "", value);
        free (value);
    }
    if (count > 8 && used + 1 < size)
        snprintf (text + used, size - used, " (%zu values)", count);
}

//  "n1, n2, n3 applied 12, 15, 19 to key 3; n4 applied nothing": nodes
//  with equal lists together.
static const char *
s_summary (s_conv_t *self, s_key_t *entry)
{
    if (entry->summary)
        return entry->summary;
    char text [1024] = "";
    size_t used = 0;
    bool done [FL_NODES_MAX] = { false };
    for (size_t n = 0; n < self->nodes_size && used + 1 < sizeof text; n++) {
        if (done [n])
            continue;
        json_t *mine = json_object_get (self->applied [n], entry->key);
        used += (size_t) snprintf (text + used, sizeof text - used, "%s%s",
                                   used? "; ": "", self->nodes [n]);
        for (size_t m = n + 1; m < self->nodes_size && used + 1 < sizeof text; m++) {
            json_t *theirs = json_object_get (self->applied [m], entry->key);
            if ((!mine && !theirs) || (mine && theirs && json_equal (mine, theirs))) {
                done [m] = true;
                used += (size_t) snprintf (text + used, sizeof text - used, ", %s",
                                           self->nodes [m]);
            }
        }
        char values [384] = "nothing";
        if (mine)
            s_list_text (values, sizeof values, json_array_get (mine, 0));
        if (used + 1 < sizeof text)
            used += (size_t) snprintf (text + used, sizeof text - used, " applied %s%s to key"
                                       " %.40s", values, entry->trimmed [n]? " (after older"
                                       " ones trimmed)": "", entry->key);
    }
    entry->summary = strdup (text);
    return entry->summary;
}

//  Node N's list for ENTRY lacks value V: could it have held V before the
//  trimmed front? Not when the write of V began after the write of the
//  list's first value completed (ok).
static bool
s_maybe_trimmed (s_conv_t *self, s_key_t *entry, size_t n, const opslog_op_t *op)
{
    if (entry->trimmed [n] == 0)
        return false;
    uintptr_t first = entry->first [n]? (uintptr_t) zhashx_lookup (entry->ops,
                                                                   entry->first [n]): 0;
    if (!first)
        return true;
    const opslog_op_t *before = opslog_op (self->log, first - 1);
    return !(before->type == OPSLOG_OK && op->invoke_ns > before->return_ns);
}

//  The ok write or cas I of ENTRY's key: in some list (kept), in none
//  (lost), or in none but past a trimmed front (not judged).
static void
s_judge_applied (s_conv_t *self, s_key_t *entry, size_t i)
{
    const opslog_op_t *op = opslog_op (self->log, i);
    const char *value = opslog_atom (self->log, op->value);
    const char *trimmed = NULL;
    for (size_t n = 0; n < self->nodes_size; n++) {
        if (entry->held [n] && zhashx_lookup (entry->held [n], value))
            return;
        if (!trimmed && s_maybe_trimmed (self, entry, n, op))
            trimmed = self->nodes [n];
    }
    char reason [1280];
    if (trimmed) {
        snprintf (reason, sizeof reason, "not judged: no replica's list has it, but %s's"
                  " list for key %.40s was trimmed at FL_DB_APPLIED_MAX and may have held"
                  " it", trimmed, entry->key);
        s_unjudged (self, i, reason);
    }
    else {
        snprintf (reason, sizeof reason, "acknowledged, but no replica applied it: %s",
                  s_summary (self, entry));
        s_lost (self, i, reason);
    }
}

//  An ok write is lost when every replica's value of its key was written
//  only before it began; a value no write wrote is invented.
static void
s_rule_register (s_conv_t *self)
{
    const opslog_t *log = self->log;
    char **keys = calloc (opslog_atoms (log) + 1, sizeof (char *));
    assert (keys);
    zhashx_t *written = s_register_written (self, keys);
    zhashx_t *table = s_applied_table (self, keys);
    char slot [8192];
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        if ((op->f != OPSLOG_F_WRITE && op->f != OPSLOG_F_CAS) || op->type != OPSLOG_OK
        ||  op->key < 0 || op->value < 0)
            continue;
        const char *key = s_key_of (self, keys, op->key);
        s_key_t *entry = table? (s_key_t *) zhashx_lookup (table, key): NULL;
        if (entry && !entry->off) {
            s_judge_applied (self, entry, i);
            continue;
        }
        char holds [512] = "";
        bool kept = false;
        for (size_t n = 0; n < self->nodes_size && !kept; n++) {
            if (!self->states [n])
                continue;
            json_t *value = json_object_get (self->states [n], key);
            s_holds (holds, sizeof holds, self->nodes [n], value);
            if (!value)
                continue;
            char *text = s_text (value);
            snprintf (slot, sizeof slot, "%s\x1f%s", key, text);
            free (text);
            int64_t *latest = zhashx_lookup (written, slot);
            kept = latest && *latest >= op->invoke_ns;
        }
        if (!kept && self->answered > 0) {
            char reason [640];
            snprintf (reason, sizeof reason, "%s, all written before it began", holds);
            s_lost (self, i, reason);
        }
    }
    for (size_t n = 0; n < self->nodes_size; n++) {
        if (!self->states [n])
            continue;
        const char *key;
        json_t *value;
        json_object_foreach (self->states [n], key, value) {
            char *text = s_text (value);
            snprintf (slot, sizeof slot, "%s\x1f%s", key, text);
            free (text);
            if (!zhashx_lookup (written, slot))
                s_invented (self, self->nodes [n], key, value,
                            "no write or cas (ok, info or pending) of this key wrote it");
        }
    }
    for (s_key_t *entry = table? (s_key_t *) zhashx_first (table): NULL; entry;
         entry = (s_key_t *) zhashx_next (table))
        self->applied_keys += !entry->off;
    if (self->applied_keys)
        s_reason (self, "lost writes judged by the replicas' applied lists on %" PRId64
                  " keys", self->applied_keys);
    zhashx_destroy (&table);
    for (size_t a = 0; a < opslog_atoms (log); a++)
        free (keys [a]);
    free (keys);
    zhashx_destroy (&written);
}

//  --------------------------------------------------------------------

//  A workload without a rule: nothing was compared, so there is no
//  "converged" at all (false would claim the replicas were seen to differ)
//  and no lists; the reason says what was not done, not what the system
//  keeps (lww replicates a txn workload's lists as it does any key).
static json_t *
s_not_measured (s_conv_t *self, const char *workload)
{
    s_reason (self, "not measured: the replicas' final states are compared only for g-set,"
              " broadcast, g-counter, pn-counter and lin-kv (docs/checker.md), not for %s",
              workload? workload: "this workload");
    json_object_set_new (self->out, "valid", json_string ("unknown"));
    json_object_set_new (self->out, "reasons", self->reasons);
    json_decref (self->lost);
    json_decref (self->invented);
    json_decref (self->unjudged);
    return self->out;
}

json_t *
convergence_compute (const opslog_t *log, const char *workload, json_t *replicas,
                     double time_ms)
{
    assert (log);
    s_conv_t self = { .log = log, .kind = s_kind (workload), .out = json_object (),
                      .lost = json_array (), .invented = json_array (),
                      .unjudged = json_array (), .reasons = json_array () };
    json_object_set_new (self.out, "workload", json_string (workload? workload: "?"));
    if (self.kind == S_NONE)
        return s_not_measured (&self, workload);
    json_object_set_new (self.out, "time_to_converge_ms",
                         time_ms >= 0? json_real (time_ms): json_null ());
    if (json_is_object (replicas))
        s_read_replicas (&self, replicas);
    bool converged = s_converged (&self);
    if (self.kind == S_SET)
        s_rule_set (&self);
    else
    if (self.kind == S_COUNTER)
        s_rule_counter (&self);
    else
    if (self.kind == S_REGISTER)
        s_rule_register (&self);
    json_t *valid = json_boolean (converged && !self.lost_count && !self.invented_count);
    if (self.answered == 0) {
        s_reason (&self, "no replica answered: nothing to compare");
        json_decref (valid);
        valid = json_string ("unknown");
    }
    if (self.lost_count)
        s_reason (&self, "%" PRId64 " lost %s", self.lost_count,
                  self.kind == S_REGISTER? "writes": self.kind == S_SET? "adds": "updates");
    if (self.invented_count)
        s_reason (&self, "%" PRId64 " invented values", self.invented_count);
    if (self.unjudged_count)
        s_reason (&self, "%" PRId64 " acknowledged writes not judged: an applied list was"
                  " trimmed (FL_DB_APPLIED_MAX) where they would be", self.unjudged_count);
    json_object_set_new (self.out, "valid", valid);
    json_object_set_new (self.out, "converged", json_boolean (converged));
    json_object_set_new (self.out, "lost", self.lost);
    json_object_set_new (self.out, "lost_count", json_integer (self.lost_count));
    json_object_set_new (self.out, "lost_unjudged", self.unjudged);
    json_object_set_new (self.out, "lost_unjudged_count", json_integer (self.unjudged_count));
    json_object_set_new (self.out, "applied_keys", json_integer (self.applied_keys));
    json_object_set_new (self.out, "invented", self.invented);
    json_object_set_new (self.out, "invented_count", json_integer (self.invented_count));
    json_object_set_new (self.out, "final", s_final (&self));
    json_object_set_new (self.out, "final_truncated", json_boolean (self.truncated));
    json_object_set_new (self.out, "reasons", self.reasons);
    for (size_t n = 0; n < self.nodes_size; n++) {
        json_decref (self.states [n]);
        json_decref (self.applied [n]);
    }
    return self.out;
}

json_t *
convergence_replicas_from_finals (const opslog_t *log, int clients, int nodes)
{
    assert (log);
    assert (clients > 0 && nodes > 0 && nodes <= FL_NODES_MAX && clients <= FL_CLIENTS_MAX);
    json_t *replicas = json_object ();
    char id [16];
    for (int n = 1; n <= nodes; n++) {
        snprintf (id, sizeof id, "n%d", n);
        json_object_set_new (replicas, id, json_null ());
    }
    int64_t sent [FL_CLIENTS_MAX] = { 0 };
    int32_t read = opslog_atom_find (log, "read");
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        if (!op->final || op->f_atom != read || op->process < 0)
            continue;
        int64_t client = op->process % clients;
        int64_t node = (client + sent [client]++ * clients) % nodes + 1;
        if (op->node > 0 && op->node <= nodes)
            node = op->node;            // recorded: no need to know the rule
        snprintf (id, sizeof id, "n%" PRId64, node);
        json_t *value = op->type == OPSLOG_OK? checks_atom_json (log, op->return_value): NULL;
        if (value)
            json_object_set_new (replicas, id, json_pack ("[[n, o]]", value));
    }
    return replicas;
}

//  "write 18 to key 2 by process 4" of a lost entry, into TEXT.
static void
s_lost_what (const json_t *lost, char *text, size_t size)
{
    char *value = s_text (json_object_get (lost, "value"));
    json_t *key = json_object_get (lost, "key");
    char *key_text = key && !json_is_null (key)? s_key_text (key): NULL;
    json_t *process = json_object_get (lost, "process");
    const char *node = json_string_value (json_object_get (lost, "node"));
    if (json_is_integer (process))
        snprintf (text, size, "%s %.40s%s%.40s by process %" JSON_INTEGER_FORMAT,
                  json_string_value (json_object_get (lost, "f")), value,
                  key_text? " to key ": "", key_text? key_text: "",
                  json_integer_value (process));
    else
        snprintf (text, size, "%s", node? "": "?");
    free (value);
    free (key_text);
}

json_t *
convergence_check (const json_t *convergence)
{
    assert (convergence);
    const char *workload = json_string_value (json_object_get (convergence, "workload"));
    s_kind_t kind = s_kind (workload);
    json_int_t lost = json_integer_value (json_object_get (convergence, "lost_count"));
    json_int_t invented = json_integer_value (json_object_get (convergence, "invented_count"));
    char reason [1024] = "";
    size_t used = 0;
    if (lost) {
        char what [160];
        json_t *first = json_array_get (json_object_get (convergence, "lost"), 0);
        s_lost_what (first, what, sizeof what);
        used += snprintf (reason + used, sizeof reason - used, "%" JSON_INTEGER_FORMAT
            " lost %s (first: %s%s%.300s)", lost, kind == S_REGISTER? "writes":
            kind == S_SET? "adds": "updates", what, *what? "; ": "",
            json_string_value (json_object_get (first, "reason")));
    }
    if (invented && used < sizeof reason) {
        json_t *first = json_array_get (json_object_get (convergence, "invented"), 0);
        char *value = s_text (json_object_get (first, "value"));
        used += snprintf (reason + used, sizeof reason - used, "%s%" JSON_INTEGER_FORMAT
            " invented values (%s holds %.40s: %.200s)", used? "; ": "", invented,
            json_string_value (json_object_get (first, "node")), value,
            json_string_value (json_object_get (first, "reason")));
        free (value);
    }
    if (!json_is_true (json_object_get (convergence, "converged")) && used < sizeof reason) {
        size_t i;
        json_t *text;
        used += snprintf (reason + used, sizeof reason - used, "%snot converged", used? "; ": "");
        json_array_foreach (json_object_get (convergence, "reasons"), i, text)
            if (used < sizeof reason && (strstr (json_string_value (text), "differ")
                                      || strstr (json_string_value (text), "answer")))
                used += snprintf (reason + used, sizeof reason - used, "%s %s",
                                  i? ",": ":", json_string_value (text));
    }
    json_t *valid = json_object_get (convergence, "valid");
    json_t *none = json_array ();
    json_t *listed = json_object_get (convergence, "lost");
    json_t *details = json_pack ("{s:O, s:O*, s:O*, s:O*, s:O*, s:O*, s:O*}",
        "lost", listed? listed: none,
        "lost_unjudged_count", json_object_get (convergence, "lost_unjudged_count"),
        "converged", json_object_get (convergence, "converged"),
        "lost_count", json_object_get (convergence, "lost_count"),
        "invented_count", json_object_get (convergence, "invented_count"),
        "time_to_converge_ms", json_object_get (convergence, "time_to_converge_ms"),
        "reasons", json_object_get (convergence, "reasons"));
    json_decref (none);
    if (!json_is_true (valid)) {
        json_t *reasons = json_object_get (convergence, "reasons");
        const char *first = json_string_value (json_array_get (reasons, 0));
        json_object_set_new (details, "reason", json_string (*reason? reason:
                             first? first: "not valid"));
    }
    return json_pack ("{s:s, s:o, s:o}", "name", "convergence",
                      "valid", valid? json_incref (valid): json_string ("unknown"),
                      "details", details);
}
