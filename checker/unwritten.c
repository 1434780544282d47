/*  unwritten.c -- a register key with an ok read of a value nobody wrote
    (or an ok cas from one).

    The values a key can hold are its initial value and the value of every
    op that may set it (model_register_effect's `sets`: a write that did
    not fail, whatever its outcome, and a cas that did not fail, known or
    not, for its `to`). A failed write is not in the partition at all, and
    a failed cas (error 22) ran but changed nothing. A read of known
    outcome must be linearized at a moment where the register holds its
    value, so a read whose value is not in that set cannot be: the key is
    invalid. So is an ok cas whose `from` is not in it: it too saw the
    value current. Values are the partition's interned ids, so they compare by
    the model's own equality (a string "1" is not the number 1, a read
    of nil is nil, and a read of unknown value, as EDN's nil or an info
    read, is flagged unknown by the compiler and says nothing here).

    Sound by construction: nothing is assumed about order or about ops
    that may not have happened, only the set of values any linearization
    could reach, which is over-approximated (every cas's `to` is in it,
    even one whose `from` never comes). A key with an append is left
    alone: appends build values no op names.
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "op.h"
#include "unwritten.h"

static int
s_by_value (const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
    return x < y? -1: x > y;
}

static bool
s_has (const uint64_t *values, size_t n, uint64_t value)
{
    return bsearch (&value, values, n, sizeof (uint64_t), s_by_value) != NULL;
}

//  The values the key may hold, sorted, in *values (n + 1 slots): 0, or -1
//  when the key has an op that is not a read, write or cas.
static int
s_values (model_part_t *part, uint64_t *values, size_t *nvalues)
{
    const model_op_t *ops = model_part_ops (part);
    size_t n = model_part_size (part);
    *nvalues = 0;
    values [(*nvalues)++] = model_part_init (part);
    for (size_t i = 0; i < n; i++) {
        bool needs, sets;
        uint64_t need, set;
        if (model_op_class (part, &ops [i]) == MODEL_OP_OTHER
        ||  !model_register_effect (&ops [i], &needs, &need, &sets, &set))
            return -1;
        if (sets)
            values [(*nvalues)++] = set;
    }
    qsort (values, *nvalues, sizeof (uint64_t), s_by_value);
    return 0;
}

unwritten_verdict_t
unwritten_check (model_part_t *part, wgl_result_t *result)
{
    assert (part && result);
    //  Out of memory while compiling: ops may be missing and values be
    //  wrong ids, so a read could look unwritten when it is not
    if (model_part_oom (part))
        return UNWRITTEN_UNFIT;
    const model_op_t *ops = model_part_ops (part);
    size_t n = model_part_size (part);
    uint64_t *values = malloc ((n + 1) * sizeof (uint64_t));
    if (!values)
        return UNWRITTEN_UNFIT;
    size_t nvalues;
    if (s_values (part, values, &nvalues)) {
        free (values);
        return UNWRITTEN_UNFIT;
    }
    //  Of the ops that saw an unwritten value (an ok read of it, an ok cas
    //  from it: model_register_effect's `needs`), the one that returns
    //  first: the search could go no further than its return
    int64_t blocked = -1;
    for (size_t i = 0; i < n; i++) {
        const model_op_t *op = &ops [i];
        bool needs, sets;
        uint64_t need, set;
        model_register_effect (op, &needs, &need, &sets, &set);
        if (needs && !s_has (values, nvalues, need)
        &&  (blocked < 0 || op->ret < ops [blocked].ret))
            blocked = (int64_t) i;
    }
    free (values);
    if (blocked < 0)
        return UNWRITTEN_NONE;
    memset (result, 0, sizeof (*result));
    result->verdict = WGL_INVALID;
    result->blocked = blocked;
    result->prefix_state = model_part_init (part);
    result->memory_bytes = (n + 1) * sizeof (uint64_t);
    return UNWRITTEN_INVALID;
}
