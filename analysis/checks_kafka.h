/*  checks_kafka.h -- the check of kafka histories, per key: duplicates,
    inconsistent offsets, lost and unseen writes, nonmonotonic sends and
    polls, polls that skip. Called through checks.h (checks_run "kafka");
    the rule is in checks_kafka.c and docs/workloads.md, section "Checks".
*/
#ifndef FL_CHECKS_KAFKA_H_INCLUDED
#define FL_CHECKS_KAFKA_H_INCLUDED

#include <jansson.h>
#include "opslog.h"
#include "checks.h"

//  Judge LOG: fill DETAILS (an empty object, borrowed) and return the
//  verdict, with "reason" in DETAILS when it is not valid.
checks_verdict_t checks_kafka_run (const opslog_t *log, json_t *details);

#endif
