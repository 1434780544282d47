/*  stale.h -- stale reads in a key-value history (docs/report.md says what
    counts as stale and why the test is conservative). Private to the
    measures.
*/
#ifndef FL_STALE_H_INCLUDED
#define FL_STALE_H_INCLUDED

#include <stddef.h>
#include "opslog.h"

//  Count the stale reads in LOG. Sets *reads_p to the number of reads that
//  were judged (ok reads of a key, and reads failed with error 20
//  key-does-not-exist, which read nil). Returns the count, or -1 when out
//  of memory.
long stale_count (const opslog_t *log, size_t *reads_p);

#endif
