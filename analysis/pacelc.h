/*  pacelc.h -- one run of the matrix's phase plan (scenarios/pacelc.conf)
    measured by phase, its PACELC class, and the matrix's rows and tables
    (./harness matrix; docs/matrix.md). Pure: it reads a run's
    history.jsonl and faults.jsonl back and returns numbers and text.

    Phases are read from faults.jsonl, not from the scenario: the calm
    phase is from the history's start to the first fault; the slow phase
    every "delay" period (its mean from the detail "50 ms +- 10"); the
    partition phase every "partition" period, split by side from the
    detail's groups ("halves: n1,n2 | n3,n4,n5"): the majority side is the
    nodes of a group holding more than half the cluster, the minority side
    every other node. An op belongs to a phase by its invoke time and to a
    side by the node it was sent to (the invoke's "node"); final reads
    belong to none.

    Availability is the share of ops answered (measures_answered: ok, or a
    fail the system gave itself, such as a cas's precondition). Latency is
    of ok ops, invoke to return, nearest rank.

    The rule: PA when the minority side's availability during partitions
    is at least PACELC_AVAILABLE, else PC; EC when the slow phase's median
    latency is at least the delay's mean (an op waited for another node's
    answer), else EL.
*/
#ifndef FL_PACELC_H_INCLUDED
#define FL_PACELC_H_INCLUDED

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <jansson.h>
#include "opslog.h"
#include "period.h"

//  "available during a partition": the share of ops the minority side
//  answers. Measured on pacelc.conf, seed 1 (docs/matrix.md): systems that
//  serve their minority answer 92-100% there (primary 92.6%, its backups
//  taking a second to promote themselves; lww, quorum one/one, crdt 100%),
//  those that do not at most 54% (quorum all/one: its reads), raft and
//  quorum/quorum 0%. 0.8 sits in the gap with room on both sides.
#define PACELC_AVAILABLE 0.8

typedef struct {
    double minority;            // availability, 0..1; -1 when no op
    double majority;
    int64_t minority_ops, majority_ops;
    double calm_p50, calm_p99;  // ms; -1 when no ok op
    double slow_p50, slow_p99;
    int64_t calm_ops, slow_ops; // ok ops measured
    double delay_mean_ms;       // the slow phase's delay; -1 when none
} pacelc_measures_t;

//  The phase measures of a loaded history and its fault periods, for a
//  cluster of NODES nodes.
void pacelc_measure (const opslog_t *log, const period_log_t *periods, int nodes,
                     pacelc_measures_t *out);

//  The same from RUN_DIR's history.jsonl and faults.jsonl. 0, or -1 with
//  *error set (malloc'd, naming the file and line).
int pacelc_measure_run (const char *run_dir, int nodes, pacelc_measures_t *out,
                        char **error);

//  The groups of a partition's detail ("halves: n1,n2 | n3,n4,n5"): sets
//  side [K] (K = 1..nodes) to 1 for the majority side, 0 for the minority,
//  -1 for a node the detail does not name. Returns the number of nodes
//  named.
int pacelc_sides (const char *detail, int nodes, int8_t *side);

//  The class ("PA/EL", "PC/EC", "P?/EL" when a number is missing) into
//  klass, and the numbers that decided it into why ("PA (minority 100.0%
//  ok) / EL (slow p50 0.9 ms < 50 ms)").
void pacelc_classify (const pacelc_measures_t *m, char *klass, size_t klass_size,
                      char *why, size_t why_size);

//  The rule in words, for under the table (static text).
const char *pacelc_rule (void);

//  One matrix row (new object): system, config ("" or "w=one,r=one"),
//  pacelc, why, linearizable (true/false/"unknown"/"n/a"), strongest (the
//  strongest model of the consistency spectrum the history satisfies, or "-"),
//  availability_during_partitions {minority, majority}, converged,
//  lost_writes, stale_reads (results.json's, or "-"), latency_ms {calm,
//  slow: {p50, p99}}, valid, expected, run_dir; from the run's RESULTS
//  (NULL: the row did not run; its why is "not run", its cells "-") and
//  its measures M (NULL: not measured).
json_t *pacelc_row (const char *system, const char *config, const json_t *results,
                    const pacelc_measures_t *m);

//  The table of ROWS (a JSON array of pacelc_row objects) as text for a
//  terminal, or as Markdown; then the rule and each row's reasons. New
//  string (caller frees).
char *pacelc_table (const json_t *rows, bool markdown);

#endif
