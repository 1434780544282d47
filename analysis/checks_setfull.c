/*  checks_setfull.c -- Jepsen's set-full check for broadcast and g-set histories:
    every element added is judged by the ok reads that came after it
    became known.

    An element is added by an "add" or "broadcast" op (its invoke value)
    that did not fail; it becomes *known* at the earlier of its ok add's
    completion and the completion of the first ok read that holds it. A
    read is *after* an element when it was invoked after that moment; the
    order is the history's event order (index), which time can only tie.
    With the ok reads in invoke order, each element ends as one of:

        stable      some read holds it and no read after it became known
                    misses it later than the last read that holds it; it
                    is *stale* too if a read after known missed it before
                    that (its stale latency: that read's invoke - known);
        lost        a read after known misses it, later than every read
                    that holds it;
        never read  known by its ok add, and no read came after;
        unresolved  added by an info or pending op and never seen.

    And the final reads (marked "final": after the heal and the quiet
    period, one on every node, all invoked at once) must each hold every
    element known before the first of them: one that misses it makes the
    element lost on that node, whatever the other final reads hold.

    Besides, an element held twice by one read is *duplicated*, and one
    that no add (ok, info or pending) tried is *unexpected*. Valid: none
    lost, duplicated or unexpected, and (if anything was added) at least
    one stable; no stable element is "unknown".

    Cost: one pass over the reads' elements. A read that is a list of
    plain integers (broadcast's and g-set's are) is scanned from its text
    and its integers looked up in a table of the integer elements; any
    other goes through jansson and the atoms. The (element, read) pairs are
    kept in one array and bucketed by element (a counting sort, stable, so
    each element's reads stay in order); an element's latest read that
    misses it is then found from the end of its bucket, in as many steps
    as the trailing run of reads that hold it. So the whole check is linear
    in the total size of the reads, never reads x elements as a per-read
    walk of every element would be.
*/
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include <jansson.h>
#include "limits.h"
#include "hash.h"
#include "checks_setfull.h"

typedef enum {
    S_UNRESOLVED = 0, S_STABLE, S_LOST, S_NEVER_READ
} s_outcome_t;

typedef struct {
    int32_t atom;               // the element's compact JSON
    bool add_ok;
    bool duplicated;            // held twice by some read
    uint8_t outcome;            // s_outcome_t
    int64_t known_index;        // history index it became known; INT64_MAX
    int64_t known_ns;
    int32_t last_present;       // latest read (position) holding it, -1
    int32_t last_absent;        // latest read after known missing it, -1
    int32_t stamp, times;       // the read seen last, and how often in it
} s_element_t;

typedef struct {
    int32_t element, read;
} s_pair_t;

typedef struct {
    int64_t value;
    int32_t element;            // -1: empty slot
} s_slot_t;

typedef struct {
    const opslog_t *log;
    s_element_t *elements;
    size_t elements_size;
    int32_t *element_of;        // atom -> element, -1
    size_t *reads;              // ok, well-formed reads: op indices, in invoke order
    size_t reads_size;
    s_pair_t *pairs;            // (element, read) for each element a read holds
    size_t pairs_size, pairs_capacity;
    int64_t acknowledged;       // ok adds
    zhashx_t *unexpected;       // element text -> times seen (uintptr_t)
    s_slot_t *ints;             // integer element -> element: open addressing
    size_t ints_mask;
    int64_t *values;            // a read's integers, parsed
    int32_t *items;             // a read's elements, -1 for unexpected ones
    size_t items_capacity;
    json_t *duplicated, *malformed;
    int64_t duplicated_count, malformed_count;
} s_state_t;

static bool
s_is_add (const opslog_t *log, const opslog_op_t *op)
{
    const char *f = opslog_atom (log, op->f_atom);
    return streq (f, "add") || streq (f, "broadcast");
}

//  Every element an add tried (not a failed one), with its ok add's time.
static void
s_elements (s_state_t *self)
{
    const opslog_t *log = self->log;
    self->element_of = zmalloc ((opslog_atoms (log) + 1) * sizeof (int32_t));
    memset (self->element_of, 0xff, (opslog_atoms (log) + 1) * sizeof (int32_t));
    self->elements = zmalloc ((opslog_size (log) + 1) * sizeof (s_element_t));
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        if (!s_is_add (log, op) || op->type == OPSLOG_FAIL || op->invoke_value < 0)
            continue;
        int32_t e = self->element_of [op->invoke_value];
        if (e < 0) {
            e = self->element_of [op->invoke_value] = (int32_t) self->elements_size++;
            self->elements [e] = (s_element_t) { .atom = op->invoke_value,
                .known_index = INT64_MAX, .last_present = -1, .last_absent = -1, .stamp = -1 };
        }
        s_element_t *element = &self->elements [e];
        if (op->type == OPSLOG_OK) {
            self->acknowledged++;
            element->add_ok = true;
            if (op->return_index < element->known_index) {
                element->known_index = op->return_index;
                element->known_ns = op->return_ns;
            }
        }
    }
}

static s_slot_t *
s_int_slot (const s_state_t *self, int64_t value)
{
    size_t at = (size_t) hash_mix64 ((uint64_t) value) & self->ints_mask;
    while (self->ints [at].element >= 0 && self->ints [at].value != value)
        at = (at + 1) & self->ints_mask;
    return &self->ints [at];
}

//  The integer elements by value, for the reads' fast path.
static void
s_ints (s_state_t *self)
{
    size_t size = 64;
    while (size < 2 * self->elements_size)
        size *= 2;
    self->ints = zmalloc (size * sizeof (s_slot_t));
    self->ints_mask = size - 1;
    for (size_t at = 0; at < size; at++)
        self->ints [at].element = -1;
    int64_t value;
    for (size_t e = 0; e < self->elements_size; e++)
        if (checks_atom_integer (self->log, self->elements [e].atom, &value))
            *s_int_slot (self, value) = (s_slot_t) { value, (int32_t) e };
}

//  Room for N items of a read.
static void
s_items_room (s_state_t *self, size_t n)
{
    if (n <= self->items_capacity)
        return;
    self->items_capacity = n * 2;
    self->values = realloc (self->values, self->items_capacity * sizeof (int64_t));
    self->items = realloc (self->items, self->items_capacity * sizeof (int32_t));
    assert (self->values && self->items);
}

//  The fast path: TEXT parsed as a list of plain integers (what reads of
//  broadcast and g-set hold) into values []; the count, or -1 when it is
//  anything else (then the read goes through jansson).
static int64_t
s_int_list (s_state_t *self, const char *text)
{
    if (*text++ != '[')
        return -1;
    if (*text == ']')
        return text [1] ? -1 : 0;
    size_t n = 0;
    while (true) {
        bool negative = *text == '-';
        text += negative;
        int64_t value = 0;
        int digits = 0;
        for (; *text >= '0' && *text <= '9'; text++, digits++)
            value = value * 10 + (*text - '0');
        if (digits == 0 || digits > 18 || (*text != ',' && *text != ']'))
            return -1;          // longer than 18 digits: jansson's range check
        s_items_room (self, n + 1);
        self->values [n++] = negative ? -value : value;
        if (*text++ == ']')
            return *text ? -1 : (int64_t) n;
    }
}

//  An item not among the elements: counted by its text.
static void
s_unexpected_item (s_state_t *self, const char *text)
{
    uintptr_t seen = (uintptr_t) zhashx_lookup (self->unexpected, text);
    zhashx_update (self->unexpected, text, (void *) (seen + 1));
}

//  The element of a read's item, or -1 (then it is unexpected, counted).
static int32_t
s_element_of (s_state_t *self, json_t *item)
{
    char small [32];
    char *text = small;
    if (json_is_integer (item))
        snprintf (small, sizeof small, "%" JSON_INTEGER_FORMAT, json_integer_value (item));
    else
        text = json_dumps (item, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    assert (text);
    int32_t atom = opslog_atom_find (self->log, text);
    int32_t e = atom >= 0 ? self->element_of [atom] : -1;
    if (e < 0)
        s_unexpected_item (self, text);
    if (text != small)
        free (text);
    return e;
}

static void
s_pair (s_state_t *self, int32_t element, int32_t read)
{
    if (self->pairs_size == self->pairs_capacity) {
        self->pairs_capacity = self->pairs_capacity ? self->pairs_capacity * 2 : 4096;
        self->pairs = realloc (self->pairs, self->pairs_capacity * sizeof (s_pair_t));
        assert (self->pairs);
    }
    self->pairs [self->pairs_size++] = (s_pair_t) { element, read };
}

//  The elements of read op I's value (items [], -1 for unexpected ones);
//  their count, or -1 when the value is not a list.
static int64_t
s_read_items (s_state_t *self, size_t i)
{
    const char *text = opslog_atom (self->log, opslog_op (self->log, i)->return_value);
    int64_t n = s_int_list (self, text);
    if (n >= 0) {
        for (int64_t k = 0; k < n; k++) {
            s_slot_t *slot = s_int_slot (self, self->values [k]);
            self->items [k] = slot->element;
            if (slot->element < 0) {
                char small [32];
                snprintf (small, sizeof small, "%" PRId64, self->values [k]);
                s_unexpected_item (self, small);
            }
        }
        return n;
    }
    json_t *list = json_loads (text, JSON_DECODE_ANY, NULL);
    if (json_is_array (list)) {
        s_items_room (self, json_array_size (list) + 1);
        size_t k;
        json_t *item;
        json_array_foreach (list, k, item)
            self->items [k] = s_element_of (self, item);
        n = (int64_t) json_array_size (list);
    }
    json_decref (list);
    return n;
}

//  One ok read of op I with its N elements in items []: pairs,
//  duplicates, known times.
static void
s_read (s_state_t *self, size_t i, size_t n)
{
    const opslog_op_t *op = opslog_op (self->log, i);
    int32_t read = (int32_t) self->reads_size;
    self->reads [self->reads_size++] = i;
    size_t first_pair = self->pairs_size;
    for (size_t k = 0; k < n; k++) {
        int32_t e = self->items [k];
        if (e < 0)
            continue;
        s_element_t *element = &self->elements [e];
        if (element->stamp == read) {
            element->times++;
            continue;
        }
        element->stamp = read;
        element->times = 1;
        s_pair (self, e, read);
        if (op->return_index < element->known_index) {
            element->known_index = op->return_index;
            element->known_ns = op->return_ns;
        }
    }
    for (size_t p = first_pair; p < self->pairs_size; p++) {
        s_element_t *element = &self->elements [self->pairs [p].element];
        if (element->times < 2)
            continue;
        self->duplicated_count += !element->duplicated;
        element->duplicated = true;
        json_t *value = checks_atom_json (self->log, element->atom);
        checks_listed (self->duplicated, json_pack ("{s:o, s:i, s:o}", "element", value,
                       "times", element->times, "op", checks_op_ref (self->log, i)));
    }
}

//  Every ok read, in invoke order; a value that is not a list is malformed
//  (listed, and left out of the judgement).
static void
s_reads (s_state_t *self)
{
    const opslog_t *log = self->log;
    int32_t read_f = opslog_atom_find (log, "read");
    self->reads = zmalloc ((opslog_size (log) + 1) * sizeof (size_t));
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        if (op->f_atom != read_f || op->type != OPSLOG_OK)
            continue;
        int64_t n = op->return_value >= 0 ? s_read_items (self, i) : -1;
        if (n >= 0)
            s_read (self, i, (size_t) n);
        else {
            self->malformed_count++;
            json_t *value = checks_atom_json (log, op->return_value);
            checks_listed (self->malformed, json_pack ("{s:o, s:o}", "op", checks_op_ref (log, i),
                           "value", value ? value : json_null ()));
        }
    }
}

//  Bucket the pairs by element, reads in order (counting sort), and judge
//  each element from the end of its bucket.
static void
s_outcomes (s_state_t *self)
{
    size_t *start = zmalloc ((self->elements_size + 1) * sizeof (size_t));
    for (size_t p = 0; p < self->pairs_size; p++)
        start [self->pairs [p].element + 1]++;
    for (size_t e = 0; e < self->elements_size; e++)
        start [e + 1] += start [e];
    int32_t *held = zmalloc ((self->pairs_size + 1) * sizeof (int32_t));
    size_t *fill = zmalloc ((self->elements_size + 1) * sizeof (size_t));
    memcpy (fill, start, self->elements_size * sizeof (size_t));
    for (size_t p = 0; p < self->pairs_size; p++)
        held [fill [self->pairs [p].element]++] = self->pairs [p].read;
    int64_t first_final = -1, first_final_index = INT64_MAX;
    for (size_t r = 0; r < self->reads_size && first_final < 0; r++)
        if (opslog_op (self->log, self->reads [r])->final) {
            first_final = (int64_t) r;
            first_final_index = opslog_op (self->log, self->reads [r])->invoke_index;
        }
    for (size_t e = 0; e < self->elements_size; e++) {
        s_element_t *element = &self->elements [e];
        size_t begin = start [e], end = start [e + 1];
        element->last_present = end > begin ? held [end - 1] : -1;
        int64_t gap = (int64_t) self->reads_size - 1;   // latest read missing it
        for (size_t j = end; j > begin && held [j - 1] == gap; j--)
            gap--;
        if (gap >= 0 && element->known_index != INT64_MAX
        &&  opslog_op (self->log, self->reads [gap])->invoke_index > element->known_index)
            element->last_absent = (int32_t) gap;
        if (element->known_index == INT64_MAX)
            element->outcome = S_UNRESOLVED;
        else
        if (element->last_absent > element->last_present)
            element->outcome = S_LOST;
        else
            element->outcome = element->last_present >= 0 ? S_STABLE : S_NEVER_READ;
        //  The final reads (after the heal and the quiet period, one per
        //  node) are invoked together, so event order says little among
        //  them: each must hold every element known before the first of
        //  them, or that node lost it.
        if (element->outcome != S_UNRESOLVED && element->outcome != S_LOST
        &&  first_final >= 0 && element->known_index < first_final_index) {
            size_t j = begin;
            for (size_t r = (size_t) first_final; r < self->reads_size; r++) {
                if (!opslog_op (self->log, self->reads [r])->final)
                    continue;
                while (j < end && (size_t) held [j] < r)
                    j++;
                if (j < end && (size_t) held [j] == r)
                    continue;
                element->last_absent = (int32_t) r;
                element->outcome = S_LOST;
                break;
            }
        }
    }
    free (start);
    free (held);
    free (fill);
}

//  An element's stale latency in ms: from known to the invoke of the
//  latest read after known that missed it.
static double
s_stale_ms (const s_state_t *self, const s_element_t *element)
{
    int64_t ns = opslog_op (self->log, self->reads [element->last_absent])->invoke_ns
               - element->known_ns;
    return ns > 0 ? (double) ns / 1e6 : 0;
}

static int
s_compare_stale (const void *a, const void *b, void *arg)
{
    const s_state_t *self = arg;
    double x = s_stale_ms (self, &self->elements [*(const size_t *) a]);
    double y = s_stale_ms (self, &self->elements [*(const size_t *) b]);
    return (x < y) - (x > y);       // worst first
}

//  The stale elements, worst first: "stale" (elements), "worst_stale"
//  (with latency and the read that missed it) and a latency summary.
static void
s_stale (s_state_t *self, json_t *details, int64_t stale_count)
{
    size_t *stale = zmalloc ((size_t) (stale_count + 1) * sizeof (size_t));
    size_t size = 0;
    for (size_t e = 0; e < self->elements_size; e++)
        if (self->elements [e].outcome == S_STABLE && self->elements [e].last_absent >= 0)
            stale [size++] = e;
    qsort_r (stale, size, sizeof (size_t), s_compare_stale, self);
    json_t *elements = json_array ();
    json_t *worst = json_array ();
    for (size_t i = 0; i < size && i < FL_CHECKS_LISTED_MAX; i++) {
        const s_element_t *element = &self->elements [stale [i]];
        checks_listed (elements, checks_atom_json (self->log, element->atom));
        checks_listed (worst, json_pack ("{s:o, s:f, s:o, s:o}",
            "element", checks_atom_json (self->log, element->atom),
            "latency_ms", s_stale_ms (self, element), "known_ms", checks_ms (element->known_ns),
            "read", checks_op_ref (self->log, self->reads [element->last_absent])));
    }
    json_object_set_new (details, "stale", elements);
    json_object_set_new (details, "worst_stale", worst);
    if (size > 0)
        json_object_set_new (details, "stale_latency_ms", json_pack ("{s:f, s:f, s:f}",
            "max", s_stale_ms (self, &self->elements [stale [0]]),
            "p95", s_stale_ms (self, &self->elements [stale [size / 20]]),
            "p50", s_stale_ms (self, &self->elements [stale [size / 2]])));
    free (stale);
}

//  A lost element with the read that missed it last, and when it was
//  known and last seen.
static json_t *
s_lost_example (const s_state_t *self, const s_element_t *element)
{
    const opslog_op_t *seen = element->last_present >= 0
                            ? opslog_op (self->log, self->reads [element->last_present]) : NULL;
    return json_pack ("{s:o, s:o, s:o, s:o}",
        "element", checks_atom_json (self->log, element->atom),
        "known_ms", checks_ms (element->known_ns),
        "last_seen_ms", seen ? checks_ms (seen->invoke_ns) : json_null (),
        "op", checks_op_ref (self->log, self->reads [element->last_absent]));
}

//  Counts and lists of the outcomes into DETAILS; returns the counts by
//  outcome in COUNTS.
static void
s_outcome_details (s_state_t *self, json_t *details, int64_t counts [4], int64_t *stale_count)
{
    json_t *lost = json_array (), *lost_examples = json_array (), *never = json_array ();
    json_t *unresolved = json_array ();
    *stale_count = 0;
    for (size_t e = 0; e < self->elements_size; e++) {
        const s_element_t *element = &self->elements [e];
        counts [element->outcome]++;
        json_t *value = checks_atom_json (self->log, element->atom);
        if (element->outcome == S_LOST) {
            checks_listed (lost, value);
            checks_listed (lost_examples, s_lost_example (self, element));
        }
        else
        if (element->outcome == S_NEVER_READ)
            checks_listed (never, value);
        else
        if (element->outcome == S_UNRESOLVED)
            checks_listed (unresolved, value);
        else {
            *stale_count += element->last_absent >= 0;
            json_decref (value);
        }
    }
    json_object_set_new (details, "attempted_count", json_integer ((json_int_t) self->elements_size));
    json_object_set_new (details, "acknowledged_count", json_integer (self->acknowledged));
    json_object_set_new (details, "read_count", json_integer ((json_int_t) self->reads_size));
    json_object_set_new (details, "stable_count", json_integer (counts [S_STABLE]));
    json_object_set_new (details, "lost_count", json_integer (counts [S_LOST]));
    json_object_set_new (details, "lost", lost);
    json_object_set_new (details, "lost_examples", lost_examples);
    json_object_set_new (details, "stale_count", json_integer (*stale_count));
    json_object_set_new (details, "never_read_count", json_integer (counts [S_NEVER_READ]));
    json_object_set_new (details, "never_read", never);
    json_object_set_new (details, "unresolved_count", json_integer (counts [S_UNRESOLVED]));
    json_object_set_new (details, "unresolved", unresolved);
}

//  The unexpected elements (never tried by any add) into DETAILS.
static size_t
s_unexpected (s_state_t *self, json_t *details)
{
    json_t *list = json_array ();
    for (void *seen = zhashx_first (self->unexpected); seen; seen = zhashx_next (self->unexpected)) {
        const char *text = (const char *) zhashx_cursor (self->unexpected);
        checks_listed (list, json_pack ("{s:o, s:I}", "element",
                       json_loads (text, JSON_DECODE_ANY, NULL), "reads", (json_int_t) (uintptr_t) seen));
    }
    size_t count = zhashx_size (self->unexpected);
    json_object_set_new (details, "unexpected_count", json_integer ((json_int_t) count));
    json_object_set_new (details, "unexpected", list);
    return count;
}

static checks_verdict_t
s_verdict (json_t *details, int64_t lost, int64_t duplicated, size_t unexpected,
           int64_t malformed, size_t attempted, int64_t stable)
{
    if (lost || duplicated || unexpected || malformed) {
        json_object_set_new (details, "reason", json_sprintf ("%" PRId64 " lost, %" PRId64
            " duplicated within a read, %zu unexpected (never added), %" PRId64
            " reads not a list", lost, duplicated, unexpected, malformed));
        return CHECKS_INVALID;
    }
    if (attempted == 0) {
        json_object_set_new (details, "reason", json_string ("nothing was added"));
        return CHECKS_UNKNOWN;
    }
    if (stable == 0) {
        json_object_set_new (details, "reason", json_string (
            "no element is stable: no ok read after an add held what was added"));
        return CHECKS_UNKNOWN;
    }
    return CHECKS_VALID;
}

checks_verdict_t
checks_setfull_run (const opslog_t *log, json_t *details)
{
    assert (log);
    assert (details);
    s_state_t self = { .log = log, .unexpected = zhashx_new (),
                       .duplicated = json_array (), .malformed = json_array () };
    s_elements (&self);
    s_ints (&self);
    s_reads (&self);
    s_outcomes (&self);
    int64_t counts [4] = { 0 }, stale_count;
    s_outcome_details (&self, details, counts, &stale_count);
    s_stale (&self, details, stale_count);
    json_object_set_new (details, "duplicated_count", json_integer (self.duplicated_count));
    json_object_set_new (details, "duplicated", self.duplicated);
    json_object_set_new (details, "malformed_reads_count", json_integer (self.malformed_count));
    json_object_set_new (details, "malformed_reads", self.malformed);
    size_t unexpected = s_unexpected (&self, details);
    checks_verdict_t verdict = s_verdict (details, counts [S_LOST], self.duplicated_count,
        unexpected, self.malformed_count, self.elements_size, counts [S_STABLE]);
    zhashx_destroy (&self.unexpected);
    free (self.elements);
    free (self.element_of);
    free (self.reads);
    free (self.pairs);
    free (self.ints);
    free (self.values);
    free (self.items);
    return verdict;
}
