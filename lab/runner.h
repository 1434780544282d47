/*  lab/ -- owns running a lab: the proxy and node processes (lab.c),
    the clients (client.c), the nemesis that applies actions and keeps the
    book of faults in force (nemesis.c), the history writer (history.c),
    the run store (store.c), a scripted tour's steps (tour.c) and one
    whole run (runner.c, this header). The
    only room besides proxy/ and nodes/ that forks, opens sockets or reads
    the clock. It uses scenario/, workload/, checker/ (through check.h),
    analysis/, report/ and common/; never cli/, and it prints only the live
    status line a run asks for.

    runner.h -- one scenario run against one system: start the lab, drive
    the clients and the fault schedule, heal, settle, stop, check, and
    write the run directory (history.jsonl, faults.jsonl, messages.jsonl,
    nK.log, proxy.log, scenario.conf, results.json, report.html).
*/
#ifndef FL_RUNNER_H_INCLUDED
#define FL_RUNNER_H_INCLUDED

#include <stdint.h>
#include <stdbool.h>
#include <signal.h>
#include <jansson.h>
#include "scenario/scenario.h"
#include "checker/check.h"

typedef struct {
    const scenario_t *scenario;
    const char *system;         // "raft", or "stdio" with node_cmd
    const char *node_cmd;       // --node 'CMD ARGS', or NULL
    const char *bin_dir;        // where bin/ is
    const char *run_dir;        // an empty directory for this run
    uint64_t seed;
    double duration_s;          // the load's length (scenario's, or --time-limit)
    bool tty;                   // draw the live status line on stdout
    bool tcp;                   // --transport tcp (see lab.h)
    const char *config;         // --config K=V,... as given (already applied to
                                // the scenario's params: scenario/config.h), or NULL
    volatile sig_atomic_t *interrupted;     // set by SIGINT/SIGTERM
    double check_timeout_s;     // --check-timeout; 0: the scenario's
                                // checks/timeout_s, else FL_RUN_CHECK_TIMEOUT_S
} runner_opts_t;

//  Run. results.json's ready_ms and first_op_ms count from this system's
//  start (runner_run's call), not the command's: the second system of a
//  scenario is not charged for the first one's run. Always writes results.json when the run directory could be used,
//  and returns it in *results (new reference) -- with "valid": "unknown"
//  and an "error" when the run could not finish. Returns 0 when the run
//  finished (whatever the verdict), else the exit status (69 a program is
//  missing, 70 the lab failed, 130 interrupted) with *error set (malloc'd).
int runner_run (const runner_opts_t *opts, json_t **results, char **error);

//  The options a run checks its history.jsonl with: the workload's model
//  (not copied: it must outlive the options), JSON lines, and the budget
//  timeout_s (<= 0: FL_RUN_CHECK_TIMEOUT_S), so that the run ends; a
//  longer search is ./harness check on the same file.
check_opts_t runner_check_opts (const char *model, double timeout_s);

//  RUN_DIR/history.jsonl checked against MODEL (runner_check_opts), as one
//  entry of results.json's "checks": {name, model, budget_s, valid,
//  details} with the spectrum and a txn check's reason lifted from the
//  details, or {name, model, valid: "unknown", error} when the history could
//  not be read. *verdict gets the verdict. A new object.
json_t *runner_check_entry (const char *run_dir, const char *name, const char *model,
                            double timeout_s, check_verdict_t *verdict);

#endif
