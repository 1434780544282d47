/*  checks_counter.c -- the check of g-counter and pn-counter histories: "add"
    ops carry a delta (an integer), ok "read" ops the counter's value.

    Each ok read is held to its own window, in the history's event order
    (index). Of the adds that did not fail, an ok add that completed
    before the read was invoked is *in* it; any other invoked before the
    read completed (concurrent, info or pending) *may* be; the rest are
    not. So, with P and N the sums of the positive and negative deltas:

        lower = P(in) + N(in) + N(may)      upper = P(in) + N(in) + P(may)

    Final reads ("final": true) must lie in that window, and, when the
    work is within FL_CHECKS_SUBSET_WORDS_MAX, be exactly the adds in plus
    some subset of those that may be (Maelstrom's rule). After a quiet
    final phase nothing is concurrent with a final read, and the window is
    Maelstrom's and Jepsen's [ok sum + negative unsure, ok sum + positive
    unsure]. Other reads outside their window are only reported (an
    eventually consistent counter may be stale), but a read outside the
    *envelope* [N(in) + N(may), P(in) + P(may)] -- the sums of every delta
    that could have happened -- is impossible for any correct counter and
    is invalid; in a g-counter history (no negative delta) that is a read
    beyond every add invoked so far.

    The subset test is a bitset of the reachable sums, one shift-or per
    item; items of the same delta are merged in binary chunks (1, 2, 4 ..
    of them), so a thousand info adds of deltas -5..4 cost about ten
    values x eleven chunks of shifts, not a thousand.

    No ok final read is "unknown": Maelstrom calls it valid, but nothing
    then shows that the counter converged. Sums that overflow int64 are
    "unknown" too.
*/
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include <jansson.h>
#include "jsonl.h"
#include "limits.h"
#include "checks_counter.h"

typedef struct {
    int64_t index;              // the event index the sums are taken at
    int64_t pos, neg;           // sums of the deltas before it
} s_prefix_t;

typedef struct {
    size_t op;
    int64_t delta;
} s_add_t;

typedef struct {
    const opslog_t *log;
    s_add_t *adds;              // adds not failed, in invoke order
    size_t adds_size;
    s_prefix_t *invoked;        // by the adds' invoke indices, ascending
    s_prefix_t *done;           // ok adds, by return index, ascending
    size_t *done_add;           // the add of each done entry
    size_t done_size;
    s_prefix_t *unsure;         // info and pending adds, by invoke index
    size_t *unsure_add;
    size_t unsure_size;
    bool overflow;
    int64_t subset_words;       // work spent on subset tests
    int64_t ok_sum, unsure_pos, unsure_neg;
    json_t *errors, *out_of_bounds;
    int64_t errors_count, invalid_count, out_of_bounds_count;
    int64_t subset_checked, subset_unchecked;
} s_state_t;

static int64_t
s_sum (s_state_t *self, int64_t a, int64_t b)
{
    int64_t sum;
    if (__builtin_add_overflow (a, b, &sum)) {
        self->overflow = true;
        return a;
    }
    return sum;
}

//  Entry 0 is all-zero; entry k+1 holds the sums over items [0, k].
static void
s_prefix_push (s_state_t *self, s_prefix_t *array, size_t size, int64_t index, int64_t delta)
{
    s_prefix_t last = array [size];
    array [size + 1] = (s_prefix_t) { index,
        delta > 0 ? s_sum (self, last.pos, delta) : last.pos,
        delta < 0 ? s_sum (self, last.neg, delta) : last.neg };
}

//  How many entries have an index below INDEX: array [that] holds their
//  sums.
static size_t
s_prefix_count (const s_prefix_t *array, size_t size, int64_t index)
{
    size_t low = 0, high = size;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (array [middle + 1].index < index)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

//  One error into the capped list; INVALID says if it makes the check
//  invalid (else it leaves it unknown).
static void
s_error (s_state_t *self, const char *kind, size_t op, json_t *more, bool invalid)
{
    json_t *error = json_pack ("{s:s, s:o}", "kind", kind, "op", checks_op_ref (self->log, op));
    if (more)
        json_object_update (error, more);
    json_decref (more);
    self->errors_count++;
    self->invalid_count += invalid;
    checks_listed (self->errors, error);
}

static int
s_compare_done (const void *a, const void *b, void *arg)
{
    const s_state_t *self = arg;
    int64_t x = opslog_op (self->log, self->adds [*(const size_t *) a].op)->return_index;
    int64_t y = opslog_op (self->log, self->adds [*(const size_t *) b].op)->return_index;
    return (x > y) - (x < y);
}

//  The adds and their prefix sums by invoke, by completion (oks) and of
//  the unsure ones. A delta that is not an integer is an error.
static void
s_adds (s_state_t *self, int32_t add_f)
{
    const opslog_t *log = self->log;
    size_t size = opslog_size (log) + 1;
    self->adds = zmalloc (size * sizeof (s_add_t));
    self->invoked = zmalloc ((size + 1) * sizeof (s_prefix_t));
    self->done = zmalloc ((size + 1) * sizeof (s_prefix_t));
    self->done_add = zmalloc (size * sizeof (size_t));
    self->unsure = zmalloc ((size + 1) * sizeof (s_prefix_t));
    self->unsure_add = zmalloc (size * sizeof (size_t));
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        if (op->f_atom != add_f || op->type == OPSLOG_FAIL)
            continue;
        int64_t delta;
        if (!checks_atom_integer (log, op->invoke_value, &delta)) {
            json_t *value = checks_atom_json (log, op->invoke_value);
            s_error (self, "bad-add", i, json_pack ("{s:o}", "delta", value ? value : json_null ()), false);
            continue;
        }
        size_t k = self->adds_size++;
        self->adds [k] = (s_add_t) { i, delta };
        s_prefix_push (self, self->invoked, k, op->invoke_index, delta);
        if (op->type == OPSLOG_OK) {
            self->done_add [self->done_size++] = k;
            self->ok_sum = s_sum (self, self->ok_sum, delta);
        }
        else {
            s_prefix_push (self, self->unsure, self->unsure_size, op->invoke_index, delta);
            self->unsure_add [self->unsure_size++] = k;
            if (delta > 0)
                self->unsure_pos = s_sum (self, self->unsure_pos, delta);
            else
                self->unsure_neg = s_sum (self, self->unsure_neg, delta);
        }
    }
    qsort_r (self->done_add, self->done_size, sizeof (size_t), s_compare_done, self);
    for (size_t k = 0; k < self->done_size; k++) {
        const s_add_t *add = &self->adds [self->done_add [k]];
        s_prefix_push (self, self->done, k, opslog_op (log, add->op)->return_index, add->delta);
    }
}

//  b |= b shifted by D bits (towards the high end when D > 0): adding an
//  item of D to every reachable sum. In place, walking against the shift.
static void
s_shift_or (uint64_t *bits, size_t words, int64_t d)
{
    size_t by = (size_t) (d > 0 ? d : -d), w = by / 64, r = by % 64;
    if (w >= words)
        return;
    if (d > 0)
        for (size_t i = words; i-- > w; ) {
            uint64_t v = bits [i - w] << r;
            if (r && i - w > 0)
                v |= bits [i - w - 1] >> (64 - r);
            bits [i] |= v;
        }
    else
        for (size_t i = 0; i + w < words; i++) {
            uint64_t v = bits [i + w] >> r;
            if (r && i + w + 1 < words)
                v |= bits [i + w + 1] << (64 - r);
            bits [i] |= v;
        }
}

static int
s_compare_int64 (const void *a, const void *b)
{
    int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
    return (x > y) - (x < y);
}

//  Items of one delta merged in binary chunks (1, 2, 4 .. and the rest),
//  so that any number of them is a sum of some chunks: ITEMS (SIZE,
//  sorted) into OUT (room for SIZE). Returns the number of chunks.
static size_t
s_chunks (const int64_t *items, size_t size, int64_t *out)
{
    size_t chunks = 0;
    for (size_t i = 0, j; i < size; i = j) {
        for (j = i; j < size && items [j] == items [i]; j++);
        size_t count = j - i;
        for (size_t chunk = 1; count > 0; chunk *= 2) {
            size_t take = chunk < count ? chunk : count;
            out [chunks++] = items [i] * (int64_t) take;    // within the group's sum
            count -= take;
        }
    }
    return chunks;
}

//  Is TARGET a sum of some subset of ITEMS (SIZE, sorted; their sums are
//  known not to overflow)? 1 yes, 0 no, -1 when the test would pass the
//  work budget (then it is not made).
static int
s_subset_sum (s_state_t *self, const int64_t *items, size_t size, int64_t target)
{
    int64_t low = 0, high = 0;
    for (size_t i = 0; i < size; i++)
        if (items [i] < 0)
            low = s_sum (self, low, items [i]);
        else
            high = s_sum (self, high, items [i]);
    if (target < low || target > high)
        return 0;
    if (self->overflow || high / 64 - low / 64 >= FL_CHECKS_SUBSET_WORDS_MAX)
        return -1;
    size_t words = (size_t) ((high - low) / 64 + 1);
    int64_t *chunks = zmalloc ((size + 1) * sizeof (int64_t));
    size_t chunks_size = s_chunks (items, size, chunks);
    int64_t work = (int64_t) (words * (chunks_size + 1));
    if (self->subset_words + work > FL_CHECKS_SUBSET_WORDS_MAX) {
        free (chunks);
        return -1;
    }
    self->subset_words += work;
    uint64_t *bits = zmalloc (words * sizeof (uint64_t));
    size_t zero = (size_t) -low;        // bit i is the sum low + i
    bits [zero / 64] = 1ULL << (zero % 64);
    for (size_t i = 0; i < chunks_size; i++)
        s_shift_or (bits, words, chunks [i]);
    size_t at = (size_t) (target - low);
    int found = (int) ((bits [at / 64] >> (at % 64)) & 1);
    free (bits);
    free (chunks);
    return found;
}

//  The deltas that may be in read OP (see the top): the unsure adds
//  invoked before it completed, and the ok adds that completed after it
//  was invoked but were invoked before it completed. Sorted, into ITEMS;
//  returns how many.
static size_t
s_may (const s_state_t *self, const opslog_op_t *op, int64_t *items)
{
    size_t size = 0;
    size_t unsure = s_prefix_count (self->unsure, self->unsure_size, op->return_index);
    for (size_t k = 0; k < unsure; k++)
        items [size++] = self->adds [self->unsure_add [k]].delta;
    size_t k = s_prefix_count (self->done, self->done_size, op->invoke_index);
    for (; k < self->done_size; k++) {
        const s_add_t *add = &self->adds [self->done_add [k]];
        if (opslog_op (self->log, add->op)->invoke_index < op->return_index)
            items [size++] = add->delta;
    }
    size_t nonzero = 0;
    for (size_t i = 0; i < size; i++)
        if (items [i])
            items [nonzero++] = items [i];
    qsort (items, nonzero, sizeof (int64_t), s_compare_int64);
    return nonzero;
}

//  A final read of VALUE, in [LOWER, UPPER], IN the sum of the adds in
//  it: is it the adds in plus a subset of those that may be?
static void
s_final_subset (s_state_t *self, size_t i, int64_t value, int64_t in, int64_t *items)
{
    const opslog_op_t *op = opslog_op (self->log, i);
    size_t size = s_may (self, op, items);
    int found = s_subset_sum (self, items, size, value - in);
    if (found < 0) {
        self->subset_unchecked++;
        return;
    }
    self->subset_checked++;
    if (!found)
        s_error (self, "final-not-a-subset-sum", i, json_pack ("{s:I, s:I, s:I}",
                 "value", (json_int_t) value, "ok_sum_before", (json_int_t) in,
                 "unsure_adds", (json_int_t) size), true);
}

//  Read op I of VALUE against its window and envelope.
static void
s_read (s_state_t *self, size_t i, int64_t value, int64_t *items)
{
    const opslog_op_t *op = opslog_op (self->log, i);
    s_prefix_t in = self->done [s_prefix_count (self->done, self->done_size, op->invoke_index)];
    s_prefix_t all = self->invoked [s_prefix_count (self->invoked, self->adds_size,
                                                    op->return_index)];
    int64_t lower = s_sum (self, in.pos, all.neg), upper = s_sum (self, in.neg, all.pos);
    json_t *more = json_pack ("{s:I, s:I, s:I, s:I, s:I}", "value", (json_int_t) value,
        "lower", (json_int_t) lower, "upper", (json_int_t) upper,
        "envelope_lower", (json_int_t) all.neg, "envelope_upper", (json_int_t) all.pos);
    if (op->final && (value < lower || value > upper))
        s_error (self, "final-out-of-range", i, more, true);
    else
    if (value < all.neg || value > all.pos)
        s_error (self, "beyond-every-add", i, more, true);
    else
    if (value < lower || value > upper) {
        self->out_of_bounds_count++;
        json_object_set_new (more, "op", checks_op_ref (self->log, i));
        checks_listed (self->out_of_bounds, more);
    }
    else {
        json_decref (more);
        if (op->final)
            s_final_subset (self, i, value, s_sum (self, in.pos, in.neg), items);
    }
}

//  Every ok read; returns the number of final ones, listing their values.
static int64_t
s_reads (s_state_t *self, int32_t read_f, json_t *final_values)
{
    const opslog_t *log = self->log;
    int64_t *items = zmalloc ((self->adds_size + 1) * sizeof (int64_t));
    int64_t finals = 0, value;
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        if (op->f_atom != read_f || op->type != OPSLOG_OK)
            continue;
        if (!checks_atom_integer (log, op->return_value, &value)) {
            //  An integer past 64 bits (the client keeps it as its digits):
            //  no sum of the adds, each within int64, comes to it
            json_t *got = checks_atom_json (log, op->return_value);
            s_error (self, jsonl_wide_digits (json_string_value (got))? "beyond-int64":
                     "not-an-integer", i,
                     json_pack ("{s:o}", "value", got ? got : json_null ()), true);
            continue;
        }
        if (op->final) {
            finals++;
            checks_listed (final_values, json_integer (value));
        }
        s_read (self, i, value, items);
    }
    free (items);
    return finals;
}

static checks_verdict_t
s_verdict (const s_state_t *self, json_t *details, int64_t finals)
{
    if (self->overflow) {       // then no bound can be trusted
        json_object_set_new (details, "reason", json_string ("sums of the deltas overflow int64"));
        return CHECKS_UNKNOWN;
    }
    if (self->invalid_count) {
        json_t *first = json_array_get (self->errors, 0);
        json_object_set_new (details, "reason", json_sprintf ("%" PRId64
            " reads the adds cannot explain (first: %s at line %" JSON_INTEGER_FORMAT ")",
            self->invalid_count, json_string_value (json_object_get (first, "kind")),
            json_integer_value (json_object_get (json_object_get (first, "op"), "line"))));
        return CHECKS_INVALID;
    }
    if (self->errors_count) {
        json_object_set_new (details, "reason", json_sprintf ("%" PRId64
            " adds whose delta is not an integer", self->errors_count));
        return CHECKS_UNKNOWN;
    }
    if (finals == 0) {
        json_object_set_new (details, "reason", json_sprintf ("no ok final read (%zu adds):"
            " Maelstrom calls this valid, but nothing shows that the counter converged",
            self->adds_size));
        return CHECKS_UNKNOWN;
    }
    return CHECKS_VALID;
}

checks_verdict_t
checks_counter_run (const opslog_t *log, json_t *details)
{
    assert (log);
    assert (details);
    s_state_t self = { .log = log, .errors = json_array (), .out_of_bounds = json_array () };
    s_adds (&self, opslog_atom_find (log, "add"));
    json_t *final_values = json_array ();
    int64_t finals = s_reads (&self, opslog_atom_find (log, "read"), final_values);
    bool negative = self.invoked [self.adds_size].neg < 0;
    json_object_set_new (details, "adds", json_integer ((json_int_t) self.adds_size));
    json_object_set_new (details, "ok_sum", json_integer (self.ok_sum));
    json_object_set_new (details, "unsure_adds", json_integer ((json_int_t) self.unsure_size));
    json_object_set_new (details, "expected", json_pack ("[I, I]",
        (json_int_t) s_sum (&self, self.ok_sum, self.unsure_neg),
        (json_int_t) s_sum (&self, self.ok_sum, self.unsure_pos)));
    json_object_set_new (details, "negative_deltas", json_boolean (negative));
    json_object_set_new (details, "final_reads", json_integer (finals));
    json_object_set_new (details, "final_values", final_values);
    json_object_set_new (details, "subset_checked", json_integer (self.subset_checked));
    json_object_set_new (details, "subset_unchecked", json_integer (self.subset_unchecked));
    json_object_set_new (details, "errors_count", json_integer (self.errors_count));
    json_object_set_new (details, "errors", self.errors);
    json_object_set_new (details, "out_of_bounds_count", json_integer (self.out_of_bounds_count));
    json_object_set_new (details, "out_of_bounds", self.out_of_bounds);
    checks_verdict_t verdict = s_verdict (&self, details, finals);
    free (self.adds);
    free (self.invoked);
    free (self.done);
    free (self.done_add);
    free (self.unsure);
    free (self.unsure_add);
    return verdict;
}
