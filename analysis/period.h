/*  period.h -- a run's faults.jsonl read back as fault periods: a
    period_t is one fault in force from start to end, a period_log_t all of
    a run's, in start order.

    Words: a *rule* is a link's fault state in the proxy (proxy/rule.h),
    an *action* what a person or schedule asks for (scenario/action.h), a
    *period* the time an action's fault was in force (here), and the
    *nemesis* (lab/nemesis.h) the bookkeeping that applies actions and
    writes their periods.

    Lines are {"time":NS,"phase":"start"|"end","fault":F,"target":T,
    "detail":D}. A start is ended by the next end with the same fault and
    target; a start never ended lasts to the end of the history. An end
    with no open start is ignored (a final "heal" may end faults already
    ended). A missing file means no faults.
*/
#ifndef FL_PERIOD_H_INCLUDED
#define FL_PERIOD_H_INCLUDED

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef struct {
    char *fault;            // "partition", "kill", ...
    char *target;           // "n3" or ""
    char *detail;           // free text, "" if none
    int64_t start_ns;
    int64_t end_ns;         // >= start_ns
} period_t;

typedef struct _period_log_t period_log_t;

//  Read PATH. END_NS is the end of the history, where unended faults end.
//  Returns a new log (empty if PATH does not exist), or NULL with *error
//  set to a malloc'd "PATH:LINE: problem" message (caller frees).
period_log_t *period_log_load (const char *path, int64_t end_ns, char **error);

//  The line number of a torn last line period_log_load passed over (a run
//  cut mid-write), or 0.
size_t period_log_torn_line (const period_log_t *self);

//  Destroy. Accepts NULL; nulls the pointer.
void period_log_destroy (period_log_t **self_p);

//  Number of periods, ordered by start time.
size_t period_log_size (const period_log_t *self);

//  The i-th period.
const period_t *period_log_get (const period_log_t *self, size_t i);

//  True if time T_NS falls inside some period [start, end).
bool period_log_covers (const period_log_t *self, int64_t t_ns);

#endif
