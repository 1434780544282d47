/*  checks_counter.h -- the check of g-counter and pn-counter histories: final
    reads in Jepsen's range and, when cheap, an exact subset sum; other
    reads against their own bounds. Called through checks.h (checks_run
    "counter"); the rule is in checks_counter.c and docs/workloads.md, "Checks".
*/
#ifndef FL_CHECKS_COUNTER_H_INCLUDED
#define FL_CHECKS_COUNTER_H_INCLUDED

#include <jansson.h>
#include "opslog.h"
#include "checks.h"

//  Judge LOG: fill DETAILS (an empty object, borrowed) and return the
//  verdict, with "reason" in DETAILS when it is not valid.
checks_verdict_t checks_counter_run (const opslog_t *log, json_t *details);

#endif
