/*  analysis/ -- owns reading a finished run back: history.jsonl as ops
    (opslog.c), faults.jsonl as fault periods (period.c), stale reads
    (stale.c) and the measures that go into results.json (measures.c, this
    header). Pure: it reads files and uses common/ only; it never writes,
    forks, or reads the clock.

    measures.h -- the run's measures (DESIGN.md section 7 "Measures"):
    op counts, availability during and outside fault periods, latency
    percentiles, stale reads, the fault periods themselves and a per-second
    timeline. Computed from a run directory after the run, by `./harness run`
    (which puts them into results.json and the console summary) and by the
    report (report.h).

    Inputs, in RUN_DIR:
      history.jsonl   DESIGN section 6 (required)
      faults.jsonl    {"time":NS,"phase":"start"|"end","fault","target","detail"}
                      (optional: missing means no faults)

    docs/report.md says what each measure means and how it is computed.
*/
#ifndef FL_MEASURES_H_INCLUDED
#define FL_MEASURES_H_INCLUDED

#include <stdbool.h>
#include <jansson.h>
#include "opslog.h"
#include "period.h"

//  Read RUN_DIR/history.jsonl and RUN_DIR/faults.jsonl and return a new JSON
//  object (caller decrefs) with the keys:
//    "ops":          {"total","ok","fail","info","pending",
//                     "by_f": {F: {"ok","fail","info"}}, "errors": {CODE: n}}
//                    (info includes pending: invoked, never completed)
//    "availability": {"overall","during_faults","outside_faults"}: share of
//                    ops answered (measures_answered), 0..1, null if no op
//                    fell in that class; ops are classed by invoke time
//    "latency_ms":   {"p50","p95","p99","max",
//                     "during_faults": {p50,p95,p99},
//                     "outside_faults": {p50,p95,p99}}  (ok ops, invoke to
//                    return, nearest rank; null if none)
//    "stale_reads":  {"count","reads","share"}
//    "fault_periods": [{"fault","target","detail","start_ms","end_ms"}]
//    "timeline":     {"bucket_ms":B, "end_ms":E,
//                     "buckets": [{"t_ms","ok","fail","info","answered",
//                                  "availability","p50_ms","p99_ms"}]}
//                    (ops by invoke time; at most FL_TIMELINE_BUCKETS_MAX)
//  On bad input returns NULL and sets *error to a malloc'd message naming
//  file:line and the problem (caller frees).
json_t *measures_compute (const char *run_dir, char **error);

//  The same measures from a history and faults already loaded (the report
//  uses this to read the history once). NULL only when out of memory.
json_t *measures_of (const opslog_t *log, const period_log_t *faults);

//  True if an op counts as answered for availability: ok, or a fail whose
//  error says the system answered the request itself (20 key-does-not-
//  exist, 21 key-already-exists, 22 precondition-failed).
bool measures_answered (const opslog_op_t *op);

#endif
