/*  page.h -- the parts of report.html, shared by the files of report/
    (page.c, axis.c, timeline.c, charts.c, messages.c; report.c builds it).
    Private to the report: report.h is the public face.

    Every section draws against one time axis (axis_x) so that fault
    shading lines up from chart to chart. Sections write straight to the
    output file; none holds the page in memory.
*/
#ifndef FL_PAGE_H_INCLUDED
#define FL_PAGE_H_INCLUDED

#include <stdio.h>
#include <stdint.h>
#include <jansson.h>
#include "analysis/opslog.h"
#include "analysis/period.h"

//  Geometry of every time-axis chart, in px.
#define PAGE_WIDTH      1200
#define PAGE_LEFT       80
#define PAGE_RIGHT      30
#define PAGE_PLOT       (PAGE_WIDTH - PAGE_LEFT - PAGE_RIGHT)

typedef struct {
    FILE *out;
    const char *run_dir;
    const opslog_t *log;
    const period_log_t *faults;
    json_t *measures;           // measures_of ()
    json_t *results;            // results.json, or NULL
    char results_error [256];   // why results.json could not be read ("" when
                                // missing or read)
    char torn_note [1024];      // the torn history and faults lines ignored, or ""
    char scenario [128];        // the run's scenario and system when
    char system [128];          // results.json does not say: scenario.conf's
                                // name, the path's store/SCENARIO/SYSTEM/STAMP
                                // ("" when neither names them)
    int64_t *failing;           // op numbers (opslog) of the failing ops
    size_t failing_size;
    size_t failing_unmarked;    // mentions of failing ops past FL_REPORT_FAILING_MAX
    const char *failing_label;  // what the failing ops failed: "could not be
                                // linearized", or "named by the set-full check"
    char failing_text [96];     // failing_label's storage when it is built
    size_t details_unread;      // check details not searched (too deep, or the
                                // search's stack full)
    int64_t end_ns;             // right end of the time axis (> 0)
} page_t;

//  x of time T_NS on the shared axis.
double axis_x (const page_t *self, int64_t t_ns);

//  Shaded fault periods from TOP to BOTTOM, labelled if LABELS.
void axis_shading (const page_t *self, double top, double bottom, bool labels);

//  Time ticks and labels along Y (a horizontal axis line).
void axis_time (const page_t *self, double y, double grid_top);

//  True if op number OP is one of the failing ops.
bool page_is_failing (const page_t *self, int64_t op);

//  The sections.
void timeline_write (const page_t *self);
void charts_write (const page_t *self);
//  The Lamport diagram of RUN_DIR/messages.jsonl (none: the page says so).
//  Returns 0, or -1 with *error "PATH:LINE: problem" at a bad trace line.
int messages_write (const page_t *self, char **error);
void replicas_write (const page_t *self);      // Convergence
//  report/spectrum.c: the consistency spectrum of a register or kv run
void spectrum_write (const page_t *self);

#endif
