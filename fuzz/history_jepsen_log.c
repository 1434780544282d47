/*  history_jepsen_log.c -- fuzz target: ophistory_parse as OPHISTORY_JEPSEN_LOG, then the
    EDN writer and its read-back (history.h).
*/
#include "history.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    return s_fuzz_history (data, size, OPHISTORY_JEPSEN_LOG);
}
