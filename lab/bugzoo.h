/*  bugzoo.h -- what the bug zoo (./harness run bug-zoo, docs/bugs.md) reads
    from a run once it is over: how soon the first violating op began.
*/
#ifndef FL_BUGZOO_H_INCLUDED
#define FL_BUGZOO_H_INCLUDED

#include <jansson.h>

//  The first op a failing check names: linearizable's "failing" op (its
//  prefix, concurrent ops and violations are context), else any op object
//  with "index" and "process" in the check's details (the counter check's
//  out-of-bounds reads, ...): milliseconds from the history's first invoke
//  (the load's start) to that op's invoke, read from RESULTS' run_dir's
//  history.jsonl. -1 when no failing check names an op, or the history
//  cannot be read.
double bugzoo_first_violation_ms (json_t *results);

#endif
