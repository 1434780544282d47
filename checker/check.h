/*  check.h -- the checker's public face: read a history, check it against a
    model, report. Used by `./harness check` and by `./harness run`.

    What the checker owns, and what it may not touch: checker/ is a pure
    library from a file name (or a buffer) to a verdict. It owns the
    history readers (ophistory, edn, op), the models (model, pqueue), the
    search (wgl), the result and its HTML page (check, linpage), and it
    uses only common/ (limits, clock, rng, hash, jsonl, escape). It starts
    no processes (only threads, for kv partitions), opens no sockets, reads
    the clock only for its own search timeout and the time_ms it reports,
    writes only to the FILE or path it is given, and never exits: every
    problem comes back as a return value and a message. Only this header is
    for code outside checker/ (the tests of its parts aside).

    A check_result_t is a one-shot object: check_file () makes one, the caller
    reads it and destroys it. Bad input is an operating error: check_file
    returns NULL and sets *error to a message naming file, line and problem
    ("history.jsonl:12: ok with no invoke for process 3"); the caller prints
    it and exits 65.

    What fail and info mean depends on the format (DESIGN.md section 6): in
    our JSONL a fail did not happen, except a cas failed with "error":22,
    which ran and saw another value; in Jepsen log lines `:fail :cas` ran
    and a fail whose value is `:timed-out` is an info; in EDN a fail
    did not happen and an ok register read of nil is "value unknown"
    (Knossos; a dequeue of nil still means "empty"). An
    info or never-completed op may take effect any time after its invoke,
    or never. docs/checker.md has the details.
*/
#ifndef FL_CHECK_H_INCLUDED
#define FL_CHECK_H_INCLUDED

#include <stdio.h>
#include <stdbool.h>
#include <jansson.h>

typedef enum {
    CHECK_VALID = 0,
    CHECK_INVALID = 1,
    CHECK_UNKNOWN = 2      // time or memory budget exhausted
} check_verdict_t;

typedef struct {
    const char *model;     // "register", "cas-register", "kv", "multi-register",
                           // "mutex", "set", "counter", "queue", or the txn
                           // models "list-append", "rw-register"; NULL: kv if
                           // the first op has a key or every op's value is a
                           // [k v] tuple, else cas-register
    const char *init;      // initial value in EDN or JSON text; NULL means nil
    const char *format;    // "jsonl", "edn", "jepsen-log", or NULL: guess from
                           // the file's extension and first bytes
    double timeout_s;      // search budget; <= 0 means FL_CHECK_TIMEOUT_S_DEFAULT
    size_t memory_mb;      // cache budget; 0 means FL_CHECK_MEMORY_MB_DEFAULT
    int threads;           // kv partitions checked in parallel; 0 = all cores
    const char *consistency;   // the model the verdict is for: for register,
                           // cas-register and kv histories one of
                           // consistency.h's names ("linearizable",
                           // "sequential", "causal", "read-your-writes", ...;
                           // NULL: linearizable); for the txn models an
                           // isolation level (NULL: strict-serializable)
    bool spectrum;         // check every model of the spectrum as well
    double spectrum_timeout_s; // budget of each model but linearizable; <= 0:
    size_t spectrum_memory_mb; // as timeout_s; 0: as memory_mb
    const char *method;    // NULL or "auto": register keys with an ok read of
                           // a value nobody wrote invalid at once, then keys
                           // with unique values decided without a search;
                           // "search": all searched, nothing else
} check_opts_t;

typedef struct _check_result_t check_result_t;

//  The budget a search is given for these options: timeout_s (<= 0 means
//  FL_CHECK_TIMEOUT_S_DEFAULT; past FL_CHECK_TIMEOUT_S_MAX, a year, it is
//  that: no limit, not an overflowed deadline), memory_mb (0 means
//  FL_CHECK_MEMORY_MB_DEFAULT) and threads (0 means the cores, at most
//  FL_CHECK_THREADS_MAX and at most one per partition). check_file
//  refuses opts->threads over FL_CHECK_THREADS_MAX.
typedef struct {
    double timeout_s;
    size_t memory_mb;
    size_t threads;
} check_budget_t;

check_budget_t check_budget (const check_opts_t *opts, size_t partitions);

//  True when text is an initial value check_file can read (EDN or JSON):
//  a command line can reject a bad --init as a usage error up front.
bool check_init_valid (const char *text);

//  Why --init TEXT (valid EDN) does not fit MODEL, a register or txn
//  model's name ("--init '7' does not fit the mutex model: it takes true
//  (held) or false (free)"; a txn model takes none), or NULL when it fits
//  or the model is not known here. Caller frees.
char *check_init_problem (const char *model, const char *text);

//  True when name is an isolation level the txn models (list-append,
//  rw-register) check against: read-uncommitted, read-committed,
//  repeatable-read, snapshot-isolation, serializable, each also as
//  strong-session-NAME and strong-NAME, and strict-serializable (the
//  default, also strong-serializable). A command line can refuse a bad
//  --consistency for them up front.
bool check_txn_level_valid (const char *name);

//  True when model names a txn model ("list-append", "rw-register").
bool check_model_is_txn (const char *model);

//  Read and check one history file. Returns a result, or NULL with *error
//  set to a malloc'd message (caller frees) when the input is bad.
check_result_t *check_file (const char *path, const check_opts_t *opts, char **error);

//  The verdict of the asked consistency model (opts->consistency).
check_verdict_t check_result_verdict (const check_result_t *self);

//  True when name is a consistency model check_file knows; and the names,
//  strongest first, for a usage message ("linearizable, sequential, ...").
bool check_consistency_valid (const char *name);
const char *check_consistency_names (void);

//  One JSON object: file, valid (true, false or "unknown", for the asked
//  consistency model or isolation level), consistency (its name), model, ops,
//  time_ms; for the txn models then txns,
//  anomaly_types (sorted names), anomalies ([{type, cycle: [OP...], edges:
//  [{from, to, type, key, value, why}], length}] for cycles, [{type, op,
//  key, ...what was read}] for the rest), anomaly_counts, not (the weakest
//  levels ruled out), also_not (the stronger ones), edges (counts by
//  kind), sccs, scc_largest, search ("complete" or "timeout"). Else:
//  time_ms (read + search), partitions, steps, cache_entries,
//  memory_bytes (the search's cache and model states), cache
//  {configurations, bytes, bytes_wide: the layout before, computed}, method
//  ("unique-values", "search", "unwritten-read" or "mixed"), methods
//  {unique-values: keys, search: keys, unwritten-read: keys}, for kv keys
//  [{key, method, valid}] (the first
//  FL_CHECK_KEYS_LISTED_MAX); on invalid key_method and:
//  key (kv), failing (the op that could not be linearized), concurrent (the
//  unlinearized ops overlapping it, at most FL_CHECK_EXPLAIN_OPS_MAX),
//  concurrent_more (how many more there were), prefix {length, last (its last ops),
//  state (the model state after it)} or, when the key was decided by another
//  method than the search and its search did not end, prefix_note; on
//  unknown also reason ("timeout",
//  "memory"). Ops are {index, process, f, key, value, result, type, line}.
//  The linearizability fields are there when that search ran (asked, or
//  --spectrum). For another model asked: violation {model, pattern, ops,
//  chain} when invalid, reason when unknown. With spectrum: spectrum
//  {model: true|false|"unknown"}, strongest, violations {model:
//  violation}, reasons {model: reason}, implied [models whose verdict
//  another's implies], implied_by {model: the model it came from}
//  (docs/checker.md, "The consistency spectrum").
//  New reference; caller decrefs.
json_t *check_result_json (const check_result_t *self);

//  A plain-text explanation of an invalid or unknown verdict (nothing for
//  valid), for a person reading a terminal.
void check_result_explain (const check_result_t *self, FILE *out);

//  Write DIR/index.html (or the given file path if it ends in .html): a
//  self-contained page with each process's ops on a time axis, the failing
//  op marked. Returns 0, or -1 with errno set.
int check_result_report_html (const check_result_t *self, const char *path);

//  Read a history (opts->format; the model is not needed) and write it to
//  out as Jepsen EDN, so that Knossos or Porcupine can check it too. Returns
//  0, or -1 with *error set (malloc'd, "file:line: problem") on bad input.
//  Keywords read from EDN come back as keywords.
int check_file_to_edn (const char *path, const check_opts_t *opts, FILE *out, char **error);

//  Destroy. Accepts NULL; nulls the pointer.
void check_result_destroy (check_result_t **self_p);

#endif
