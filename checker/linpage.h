/*  linpage.h -- the self-contained HTML page of a checked history: one lane
    per process, each op a bar from invoke to completion on a time axis
    (event positions), the op that could not be linearized marked, the ops
    concurrent with it and the linearized prefix shaded. Inline SVG and CSS,
    no scripts or external assets.
*/
#ifndef FL_LINPAGE_H_INCLUDED
#define FL_LINPAGE_H_INCLUDED

#include <stdint.h>
#include "ophistory.h"

typedef enum {
    LINPAGE_PLAIN = 0,      // nothing to say about this op
    LINPAGE_PREFIX,         // in the longest linearizable prefix
    LINPAGE_CONCURRENT,     // concurrent with the failing op
    LINPAGE_FAILING,        // could not be linearized
    LINPAGE_HIDDEN = 255    // not drawn (another key than the one explained)
} linpage_mark_t;

//  Write the page to path. marks has one entry per history op (may be
//  NULL); so has notes, text added to an op's tooltip (may be NULL, as may
//  each note). explain is preformatted text shown above the picture (may
//  be NULL). Returns 0, or -1 with errno set.
int linpage_write (const char *path, const char *title, const char *verdict,
                   const ophistory_t *history, const uint8_t *marks,
                   char *const *notes, const char *explain);

#endif
