/*  report/ -- owns the run page, report.html: the page and its banner,
    figures and tables (report.c, this header), what every section shares
    (page.h, page.c), the time axis (axis.c), the op timeline
    (timeline.c), the charts (charts.c) and the Lamport diagram
    (messages.c); and the store browser's pages and path rules
    (storeindex.h, served by lab/serve.c). Pure: it reads a run directory through analysis/ and
    writes one file; it uses analysis/ and common/ only.

    report.h -- the run's human-readable report: RUN_DIR/report.html, one
    self-contained file (inline CSS and SVG, no external assets) with the
    verdict, key figures, a timeline of ops per process with fault periods
    shaded and failing ops marked, latency and availability over time, the
    proxy's per-link counters and a bounded Lamport message diagram.

    Inputs, in RUN_DIR: history.jsonl (required), results.json, faults.jsonl
    and messages.jsonl (each optional; the page says what is missing).
*/
#ifndef FL_REPORT_H_INCLUDED
#define FL_REPORT_H_INCLUDED

//  Write RUN_DIR/report.html. Returns 0, or -1 with *error set to a
//  malloc'd message (caller frees) naming the file and problem.
int report_write (const char *run_dir, char **error);

//  As report_write, and *notes (when not NULL) gets what the reader had to
//  pass over, one "PATH[:LINE]: problem" a line (a torn last history line,
//  ignored; a results.json that is not JSON), or NULL; caller frees (free).
//  Returns 0, 1 when the page was written but results.json was unreadable
//  (bad input: the page's banner says why), or -1 with *error set.
int report_write_notes (const char *run_dir, char **notes, char **error);

#endif
