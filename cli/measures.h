/*  measures.h -- the run's measures (DESIGN.md section 7 "Measures"):
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

#include <jansson.h>

//  Read RUN_DIR/history.jsonl and RUN_DIR/faults.jsonl and return a new JSON
//  object (caller decrefs) with the keys:
//    "ops":          {"total","ok","fail","info", "by_f": {F: {ok,fail,info}}}
//    "availability": {"overall","during_faults","outside_faults"}  (0..1, or
//                    null when no op fell in that class)
//    "latency_ms":   {"p50","p95","p99","max",
//                     "during_faults": {p50,p95,p99},
//                     "outside_faults": {p50,p95,p99}}  (ok ops; null if none)
//    "stale_reads":  {"count","share"}
//    "fault_periods": [{"fault","target","detail","start_ms","end_ms"}]
//    "timeline":     {"bucket_ms":1000,
//                     "buckets": [{"t_ms","ok","fail","info","p50_ms"}]}
//  On bad input returns NULL and sets *error to a malloc'd message naming
//  file:line and the problem (caller frees).
json_t *measures_compute (const char *run_dir, char **error);

#endif
