/*  period.c -- reads faults.jsonl into fault periods.

    Faults are few (a schedule has at most FL_SCENARIO_STEPS_MAX steps; a
    random generator a few per second), so every period is kept. Open
    starts are found by "fault\ttarget" in a hash. After loading, periods
    are sorted by start and their union is kept as disjoint intervals, so
    period_log_covers () is one binary search.
*/
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include <jansson.h>
#include "limits.h"
#include "period.h"
#include "jsonl.h"

typedef struct {
    int64_t start_ns, end_ns;
} s_span_t;

struct _period_log_t {
    period_t *periods;
    size_t size, capacity;
    s_span_t *union_spans;      // disjoint, sorted
    size_t union_size;
    zhashx_t *open;             // "fault\ttarget" -> period + 1
    size_t torn;                // the torn last line ignored, or 0
};

static const char *
s_optional_string (json_t *event, const char *name)
{
    const char *text = json_string_value (json_object_get (event, name));
    return text ? text : "";
}

static int
s_start (period_log_t *self, const char *name, json_t *event, int64_t time_ns)
{
    if (zhashx_lookup (self->open, name))
        return 0;                       // already in force: one period
    if (self->size == self->capacity) {
        size_t wanted = self->capacity ? self->capacity * 2 : 64;
        period_t *bigger = realloc (self->periods, wanted * sizeof *bigger);
        if (!bigger)
            return -1;
        self->periods = bigger;
        self->capacity = wanted;
    }
    period_t *period = &self->periods [self->size];
    period->fault = strdup (s_optional_string (event, "fault"));
    period->target = strdup (s_optional_string (event, "target"));
    period->detail = strdup (s_optional_string (event, "detail"));
    period->start_ns = time_ns;
    period->end_ns = -1;
    self->size++;
    if (!period->fault || !period->target || !period->detail)
        return -1;
    zhashx_insert (self->open, name, (void *) (uintptr_t) self->size);
    return 0;
}

static int
s_event (void *arg, json_t *event, const char *path, size_t line, char **error)
{
    period_log_t *self = (period_log_t *) arg;
    if (!json_is_object (event))
        return jsonl_fail (error, path, line, "not a JSON object");
    json_t *time = json_object_get (event, "time");
    const char *phase = json_string_value (json_object_get (event, "phase"));
    const char *fault = json_string_value (json_object_get (event, "fault"));
    json_t *target = json_object_get (event, "target");
    if (!json_is_integer (time) || json_integer_value (time) < 0)
        return jsonl_fail (error, path, line, "'time' is not a non-negative integer");
    if (!phase || (!streq (phase, "start") && !streq (phase, "end")))
        return jsonl_fail (error, path, line, "'phase' is not \"start\" or \"end\"");
    if (!fault || !*fault)
        return jsonl_fail (error, path, line, "missing string 'fault'");
    if (target && !json_is_string (target))
        return jsonl_fail (error, path, line, "'target' is not a string");
    char *name = zsys_sprintf ("%s\t%s", fault, s_optional_string (event, "target"));
    //  Only a start of a fault not in force opens a period: the end of the
    //  last one allowed is fine
    if (streq (phase, "start") && self->size >= FL_FAULT_PERIODS_MAX
    &&  !zhashx_lookup (self->open, name)) {
        zstr_free (&name);
        return jsonl_fail (error, path, line, "more than %d fault periods (FL_FAULT_PERIODS_MAX)",
                           FL_FAULT_PERIODS_MAX);
    }
    int rc = 0;
    if (streq (phase, "start"))
        rc = s_start (self, name, event, json_integer_value (time));
    else {
        void *open = zhashx_lookup (self->open, name);
        if (open) {
            self->periods [(uintptr_t) open - 1].end_ns = json_integer_value (time);
            zhashx_delete (self->open, name);
        }
    }
    zstr_free (&name);
    return rc == 0 ? 0 : jsonl_fail (error, path, line, "out of memory");
}

static int
s_period_compare (const void *a, const void *b)
{
    const period_t *x = a, *y = b;
    if (x->start_ns != y->start_ns)
        return x->start_ns < y->start_ns ? -1 : 1;
    return (x->end_ns > y->end_ns) - (x->end_ns < y->end_ns);
}

//  Close unended periods at END_NS, sort, and build the union.
static int
s_finish (period_log_t *self, int64_t end_ns)
{
    for (size_t i = 0; i < self->size; i++) {
        period_t *period = &self->periods [i];
        if (period->end_ns < 0)
            period->end_ns = end_ns > period->start_ns ? end_ns : period->start_ns;
        if (period->end_ns < period->start_ns)
            period->end_ns = period->start_ns;
    }
    if (self->size)
        qsort (self->periods, self->size, sizeof *self->periods, s_period_compare);
    self->union_spans = malloc ((self->size + 1) * sizeof (s_span_t));
    if (!self->union_spans)
        return -1;
    for (size_t i = 0; i < self->size; i++) {
        const period_t *period = &self->periods [i];
        s_span_t *last = self->union_size ? &self->union_spans [self->union_size - 1] : NULL;
        if (last && period->start_ns <= last->end_ns) {
            if (period->end_ns > last->end_ns)
                last->end_ns = period->end_ns;
        }
        else
            self->union_spans [self->union_size++] =
                (s_span_t) { period->start_ns, period->end_ns };
    }
    return 0;
}

period_log_t *
period_log_load (const char *path, int64_t end_ns, char **error)
{
    assert (path);
    period_log_t *self = calloc (1, sizeof *self);
    if (!self || !(self->open = zhashx_new ())) {
        period_log_destroy (&self);
        jsonl_fail (error, path, 0, "out of memory");
        return NULL;
    }
    FILE *file = fopen (path, "r");
    if (!file && errno != ENOENT) {
        jsonl_fail (error, path, 0, "cannot open: %s", strerror (errno));
        period_log_destroy (&self);
        return NULL;
    }
    //  A crashed run can leave its last line half written: passed over, as
    //  history.jsonl's is, and said (period_log_torn_line).
    int rc = file ? jsonl_read_torn (file, path, s_event, self, NULL, &self->torn, error) : 0;
    if (file)
        fclose (file);
    if (rc == 0 && s_finish (self, end_ns) != 0)
        rc = jsonl_fail (error, path, 0, "out of memory");
    if (rc != 0)
        period_log_destroy (&self);
    return self;
}

size_t
period_log_torn_line (const period_log_t *self)
{
    assert (self);
    return self->torn;
}

void
period_log_destroy (period_log_t **self_p)
{
    assert (self_p);
    period_log_t *self = *self_p;
    if (!self)
        return;
    for (size_t i = 0; i < self->size; i++) {
        free (self->periods [i].fault);
        free (self->periods [i].target);
        free (self->periods [i].detail);
    }
    free (self->periods);
    free (self->union_spans);
    zhashx_destroy (&self->open);
    free (self);
    *self_p = NULL;
}

size_t
period_log_size (const period_log_t *self)
{
    assert (self);
    return self->size;
}

const period_t *
period_log_get (const period_log_t *self, size_t i)
{
    assert (self);
    assert (i < self->size);
    return &self->periods [i];
}

bool
period_log_covers (const period_log_t *self, int64_t t_ns)
{
    assert (self);
    size_t low = 0, high = self->union_size;
    while (low < high) {                // first span with end > t
        size_t middle = low + (high - low) / 2;
        if (self->union_spans [middle].end_ns <= t_ns)
            low = middle + 1;
        else
            high = middle;
    }
    return low < self->union_size && self->union_spans [low].start_ns <= t_ns;
}
