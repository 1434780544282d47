/*  stale.c -- counts stale reads, conservatively.

    A read R of key k that returned v is stale when some write to k had
    completed ok before R was invoked, and v is none of the values R could
    legally have seen:
      - the value of a write that completed ok before R was invoked and was
        not followed, before R, by another such write (the "frontier": with
        L the latest invoke time among writes to k that completed before R
        was invoked, these are the ones that returned at or after L);
      - the value of an ok write that was not yet complete when R was
        invoked (concurrent with R, or later);
      - the value of any write that ended info or never ended (it may take
        effect at any time).
    A value that no write ever wrote is not counted (that is an invented
    value, for the checker), except nil: reading nil after a write completed
    is stale. Writes are write/put and cas (its "to" value); failed ones
    never happened. Equal values make a read look fresh, never stale, so
    repeated values can only hide staleness, never invent it.

    Work: two sorted tables, then two binary searches per read. Table A is
    the ok writes by (key, return time) with the running maximum of invoke
    times, which gives L; table T holds for each (key, value) the latest ok
    return and whether an info/pending write wrote it.
*/
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include "stale.h"

typedef struct {
    int32_t key;
    int64_t return_ns;
    int64_t invoke_max_ns;      // max invoke over this key's entries up to here
} s_done_t;

typedef struct {
    int32_t key, value;
    int64_t ok_return_max_ns;   // -1 if no ok write wrote it
    bool maybe;                 // an info or pending write wrote it
} s_value_t;

static int
s_done_compare (const void *a, const void *b)
{
    const s_done_t *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->return_ns > y->return_ns) - (x->return_ns < y->return_ns);
}

static int
s_value_compare (const void *a, const void *b)
{
    const s_value_t *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->value > y->value) - (x->value < y->value);
}

static bool
s_is_write (const opslog_op_t *op)
{
    return (op->f == OPSLOG_F_WRITE || op->f == OPSLOG_F_CAS)
        && op->key >= 0 && op->value >= 0 && op->type != OPSLOG_FAIL;
}

//  Fill the tables; returns the number of values in T after merging.
static size_t
s_tables (const opslog_t *log, s_done_t *done, size_t *done_size, s_value_t *values)
{
    size_t values_size = 0;
    *done_size = 0;
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        if (!s_is_write (op))
            continue;
        bool ok = op->type == OPSLOG_OK;
        if (ok)
            done [(*done_size)++] = (s_done_t) { op->key, op->return_ns, op->invoke_ns };
        values [values_size++] = (s_value_t) { op->key, op->value,
                                               ok ? op->return_ns : -1, !ok };
    }
    qsort (done, *done_size, sizeof *done, s_done_compare);
    for (size_t i = 1; i < *done_size; i++)
        if (done [i].key == done [i - 1].key
        &&  done [i - 1].invoke_max_ns > done [i].invoke_max_ns)
            done [i].invoke_max_ns = done [i - 1].invoke_max_ns;
    qsort (values, values_size, sizeof *values, s_value_compare);
    size_t merged = 0;
    for (size_t i = 0; i < values_size; i++) {
        s_value_t *last = merged ? &values [merged - 1] : NULL;
        if (last && s_value_compare (last, &values [i]) == 0) {
            if (values [i].ok_return_max_ns > last->ok_return_max_ns)
                last->ok_return_max_ns = values [i].ok_return_max_ns;
            last->maybe |= values [i].maybe;
        }
        else
            values [merged++] = values [i];
    }
    return merged;
}

//  L for a read of KEY invoked at INVOKE_NS, or -1 if no write of KEY had
//  completed ok by then.
static int64_t
s_frontier_start (const s_done_t *done, size_t size, int32_t key, int64_t invoke_ns)
{
    size_t low = 0, high = size;        // first entry not before (key, invoke_ns)
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        const s_done_t *entry = &done [middle];
        if (entry->key < key || (entry->key == key && entry->return_ns < invoke_ns))
            low = middle + 1;
        else
            high = middle;
    }
    if (low == 0 || done [low - 1].key != key)
        return -1;
    return done [low - 1].invoke_max_ns;
}

static bool
s_is_stale (const opslog_op_t *read, int32_t nil, const s_done_t *done, size_t done_size,
            const s_value_t *values, size_t values_size)
{
    int64_t frontier_ns = s_frontier_start (done, done_size, read->key, read->invoke_ns);
    if (frontier_ns < 0)
        return false;                   // nothing written yet: any value will do
    int32_t value = read->type == OPSLOG_OK ? read->value : nil;
    s_value_t wanted = { read->key, value, 0, false };
    const s_value_t *found = value < 0 ? NULL
        : bsearch (&wanted, values, values_size, sizeof *values, s_value_compare);
    if (!found)
        return value < 0 || value == nil;   // nil is stale; invented is not ours
    return !found->maybe && found->ok_return_max_ns < frontier_ns;
}

long
stale_count (const opslog_t *log, size_t *reads_p)
{
    assert (log);
    size_t size = opslog_size (log);
    s_done_t *done = malloc ((size + 1) * sizeof *done);
    s_value_t *values = malloc ((size + 1) * sizeof *values);
    if (!done || !values) {
        free (done);
        free (values);
        return -1;
    }
    size_t done_size;
    size_t values_size = s_tables (log, done, &done_size, values);
    int32_t nil = opslog_atom_find (log, "null");
    long stale = 0;
    size_t reads = 0;
    for (size_t i = 0; i < size; i++) {
        const opslog_op_t *op = opslog_op (log, i);
        bool judged = op->f == OPSLOG_F_READ && op->key >= 0
            && (op->type == OPSLOG_OK || (op->type == OPSLOG_FAIL && op->error == 20));
        if (!judged)
            continue;
        reads++;
        stale += s_is_stale (op, nil, done, done_size, values, values_size);
    }
    free (done);
    free (values);
    if (reads_p)
        *reads_p = reads;
    return stale;
}
