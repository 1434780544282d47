/*  runreport.h -- the parts of report.html, shared by cli/report*.c.
    Private to the report: report.h is the public face.

    Every section draws against one time axis (runreport_x) so that fault
    shading lines up from chart to chart. Sections write straight to the
    output file; none holds the page in memory.
*/
#ifndef FL_RUNREPORT_H_INCLUDED
#define FL_RUNREPORT_H_INCLUDED

#include <stdio.h>
#include <stdint.h>
#include <jansson.h>
#include "opslog.h"
#include "faultlog.h"

//  Geometry of every time-axis chart, in px.
#define RUNREPORT_WIDTH      1200
#define RUNREPORT_LEFT       80
#define RUNREPORT_RIGHT      30
#define RUNREPORT_PLOT       (RUNREPORT_WIDTH - RUNREPORT_LEFT - RUNREPORT_RIGHT)

typedef struct {
    FILE *out;
    const char *run_dir;
    const opslog_t *log;
    const faultlog_t *faults;
    json_t *measures;           // measures_of ()
    json_t *results;            // results.json, or NULL
    int64_t *failing;           // op numbers (opslog) of the failing ops
    size_t failing_size;
    int64_t end_ns;             // right end of the time axis (> 0)
} runreport_t;

//  x of time T_NS on the shared axis.
double runreport_x (const runreport_t *self, int64_t t_ns);

//  Shaded fault periods from TOP to BOTTOM, labelled if LABELS.
void runreport_fault_shading (const runreport_t *self, double top, double bottom, bool labels);

//  Time ticks and labels along Y (a horizontal axis line).
void runreport_time_axis (const runreport_t *self, double y, double grid_top);

//  True if op number OP is one of the failing ops.
bool runreport_is_failing (const runreport_t *self, int64_t op);

//  The sections.
void runreport_timeline (const runreport_t *self);
void runreport_charts (const runreport_t *self);
void runreport_messages (const runreport_t *self);

#endif
