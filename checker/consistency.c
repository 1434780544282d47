/*  consistency.c -- the names of the consistency spectrum's models and the
    release of one check's outcome (consistency.h).
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "consistency.h"

static const char *s_names [CONSISTENCY_COUNT] = {
    "linearizable", "sequential", "causal", "read-your-writes",
    "monotonic-reads", "monotonic-writes", "writes-follow-reads"
};

const char *
consistency_name (consistency_t model)
{
    assert (model >= 0 && model < CONSISTENCY_COUNT);
    return s_names [model];
}

int
consistency_parse (const char *name)
{
    for (int i = 0; name && i < CONSISTENCY_COUNT; i++)
        if (strcmp (name, s_names [i]) == 0)
            return i;
    return -1;
}

void
consistency_result_release (consistency_result_t *self)
{
    assert (self);
    json_decref (self->violation);
    self->violation = NULL;
    if (self->reason_owned)
        free (self->reason);
    self->reason = NULL;
    self->reason_owned = false;
}
