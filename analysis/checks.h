/*  checks.h -- the checks that judge a Maelstrom workload's history, by
    name: "set-full" (broadcast, g-set), "counter" (g-counter, pn-counter),
    "unique-ids", "echo", "kafka", and "stats" (every workload). Pure code
    over a history.jsonl read with opslog.h: no clock, no printing.

    Each check gives one entry of results.json's "checks" array:

        {"name": "set-full", "valid": true | false | "unknown",
         "details": { counts, capped lists of examples, "reason" }}

    "unknown" means the history cannot decide (no element ever stable, no
    final read of a counter, no op of the kind checked) and "reason" says
    why. Lists are capped at FL_CHECKS_LISTED_MAX items, each beside a count
    of the full number. An op named in the details is an object under the
    key "op" ({"line", "index", "process", "f", "type"}), which the report
    marks on its timeline; bare lists hold elements, never op numbers.
    docs/workloads.md, section "Checks", gives each rule and where it is
    stricter than Maelstrom's.

    The files behind the checks: checks.c (the table, stats, echo,
    unique-ids, and the helpers below), checks_setfull.c,
    checks_counter.c, checks_kafka.c.
*/
#ifndef FL_CHECKS_H_INCLUDED
#define FL_CHECKS_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "opslog.h"

typedef enum {
    CHECKS_VALID = 0,
    CHECKS_INVALID = 1,
    CHECKS_UNKNOWN = 2
} checks_verdict_t;

//  Run check NAME on the history at HISTORY_PATH. Returns a new entry as
//  above, or NULL with *error set to a malloc'd message (caller frees):
//  "PATH:LINE: problem" when the history cannot be read, or the unknown
//  name with the known ones.
json_t *checks_run (const char *name, const char *history_path, char **error);

//  As checks_run, on a history already loaded (a run calls several checks
//  on one history). NULL with *error only for an unknown name.
json_t *checks_run_log (const char *name, const opslog_t *log, char **error);

//  True if NAME is one of the checks.
bool checks_known (const char *name);

//  The names, for messages: "set-full, counter, unique-ids, echo, kafka,
//  stats". A static string.
const char *checks_names (void);

//  ----------------------------------------------------------------------
//  For the check files (checks_setfull.c, checks_counter.c,
//  checks_kafka.c): one way to name an op, list an example and read a
//  value back, so every check's details read alike.

//  A new {"line", "index", "process", "f", "type"} object naming op I.
json_t *checks_op_ref (const opslog_t *log, size_t i);

//  Append ITEM (taken) to the array LIST while it holds fewer than
//  FL_CHECKS_LISTED_MAX items, else drop it. Returns true if kept.
bool checks_listed (json_t *list, json_t *item);

//  A new JSON value decoded from ATOM's compact text, or NULL for -1 (no
//  value). Atoms are valid JSON, so NULL means there was none.
json_t *checks_atom_json (const opslog_t *log, int32_t atom);

//  The ms since the run began of a time in ns, as a JSON real.
json_t *checks_ms (int64_t ns);

//  The verdict's JSON: true, false or "unknown".
json_t *checks_verdict_json (checks_verdict_t verdict);

//  True if ATOM is a JSON integer, with *value set; false for anything
//  else (1.0, "1", a list, no value).
bool checks_atom_integer (const opslog_t *log, int32_t atom, int64_t *value);

#endif
