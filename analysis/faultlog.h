/*  faultlog.h -- a run's faults.jsonl read back as fault periods.

    Lines are {"time":NS,"phase":"start"|"end","fault":F,"target":T,
    "detail":D}. A start is ended by the next end with the same fault and
    target; a start never ended lasts to the end of the history. An end
    with no open start is ignored (a final "heal" may end faults already
    ended). A missing file means no faults.
*/
#ifndef FL_FAULTLOG_H_INCLUDED
#define FL_FAULTLOG_H_INCLUDED

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

typedef struct {
    char *fault;            // "partition", "kill", ...
    char *target;           // "n3" or ""
    char *detail;           // free text, "" if none
    int64_t start_ns;
    int64_t end_ns;         // >= start_ns
} faultlog_period_t;

typedef struct _faultlog_t faultlog_t;

//  Read PATH. END_NS is the end of the history, where unended faults end.
//  Returns a new log (empty if PATH does not exist), or NULL with *error
//  set to a malloc'd "PATH:LINE: problem" message (caller frees).
faultlog_t *faultlog_load (const char *path, int64_t end_ns, char **error);

//  Destroy. Accepts NULL; nulls the pointer.
void faultlog_destroy (faultlog_t **self_p);

//  Number of periods, ordered by start time.
size_t faultlog_size (const faultlog_t *self);

//  The i-th period.
const faultlog_period_t *faultlog_period (const faultlog_t *self, size_t i);

//  True if time T_NS falls inside some period [start, end).
bool faultlog_covers (const faultlog_t *self, int64_t t_ns);

#endif
