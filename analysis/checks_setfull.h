/*  checks_setfull.h -- Jepsen's set-full check, for broadcast and g-set: adds
    ("add", "broadcast") judged by the ok reads whose value is the list of
    elements. Called through checks.h (checks_run "set-full"); the rule is
    in setfull.c and docs/workloads.md, section "Checks".
*/
#ifndef FL_CHECKS_SETFULL_H_INCLUDED
#define FL_CHECKS_SETFULL_H_INCLUDED

#include <jansson.h>
#include "opslog.h"
#include "checks.h"

//  Judge LOG: fill DETAILS (an empty object, borrowed) and return the
//  verdict, with "reason" in DETAILS when it is not valid.
checks_verdict_t checks_setfull_run (const opslog_t *log, json_t *details);

#endif
