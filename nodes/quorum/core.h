/*  core.h -- the decisions of bin/node-quorum as pure functions: reading
    its parameters, the replica's store and which version it keeps, which
    answer a read returns, whom read repair updates, and the hints kept
    for replicas that missed a write.

    No I/O, no clock, no network: the server (quorum.c) reads the time and
    the messages and asks these functions what to do, so every rule is unit
    tested on its own (tests/unit/node_quorum_core.c). Time is passed in
    as now_ms where a rule needs it. docs/nodes.md ("quorum") has the
    design.
*/
#ifndef FL_QUORUM_CORE_H_INCLUDED
#define FL_QUORUM_CORE_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "limits.h"
#include "nodes/lib/hlc.h"

//  --------------------------------------------------------------------------
//  Levels: how many replicas a read (R) or write (W) waits for.

typedef enum {
    CORE_LEVEL_ONE,             //  1
    CORE_LEVEL_QUORUM,          //  floor (N / 2) + 1
    CORE_LEVEL_ALL,             //  N
    CORE_LEVEL_COUNT            //  a number the user wrote, 1..N
} core_level_kind_t;

typedef struct {
    core_level_kind_t kind;
    size_t count;               //  CORE_LEVEL_COUNT only
} core_level_t;

//  Read a level as written in a param: "one", "quorum", "all", or a whole
//  number 1..FL_NODES_MAX (N is not known before init, so the upper bound
//  N is checked by core_level_needed). Returns 0, or -1 (level untouched).
int core_level_parse (const char *text, core_level_t *level);

//  How many replicas of n the level needs: 1, n / 2 + 1, n, or the count.
//  Returns 0 with *needed set, or -1 when the count is above n.
int core_level_needed (core_level_t level, size_t n, size_t *needed);

//  Read "true" or "false". Returns 0, or -1 (value untouched).
int core_bool_parse (const char *text, bool *value);

//  The params as the node reads them, with the error words the node
//  prints. text is node_param's value, NULL when the param was not given
//  (then the default: "quorum" for a level, true for a flag). On a bad
//  value each returns -1 with error set, e.g.
//      param w: 'x' is not one, quorum, all or 1..N
//      param read_repair: 'x' is not true or false
int core_level_param (const char *name, const char *text, core_level_t *level,
                      char *error, size_t error_size);
int core_bool_param (const char *name, const char *text, bool default_value,
                     bool *value, char *error, size_t error_size);

//  At init, with n replicas: the level's count, or -1 with error set
//      param w: '7' is not one, quorum, all or 1..3
int core_level_param_needed (const char *name, const char *text, core_level_t level,
                             size_t n, size_t *needed, char *error, size_t error_size);

//  An op started at started_ms with a budget of budget_ms: the timeout its
//  next round gets at now_ms, what is left, at least 1 and at most budget_ms
//  (a clock skewed between the rounds cannot make it negative or longer).
int64_t core_left_ms (int64_t started_ms, int64_t now_ms, int64_t budget_ms);

//  --------------------------------------------------------------------------
//  Versions: (HLC stamp, coordinator's node id), a total order.

typedef struct {
    hlc_t stamp;
    char node [FL_ID_BYTES_MAX + 1];
} core_version_t;

//  A version from a stamp and a node id (cut to FL_ID_BYTES_MAX).
core_version_t core_version (hlc_t stamp, const char *node);

//  -1, 0, 1 by hlc_version_compare.
int core_version_compare (const core_version_t *a, const core_version_t *b);

//  --------------------------------------------------------------------------
//  What one replica answered a read (q_get) with: the key found, with its
//  value (borrowed) and version, or not found.

typedef struct {
    bool found;
    json_t *value;              //  borrowed; NULL when not found
    core_version_t version;
} core_answer_t;

//  Is answer older than winner: it has not the key while winner has, or
//  its version is below winner's? (A replica with nothing is older than
//  any replica with something; two without the key are even.)
bool core_answer_older (const core_answer_t *answer, const core_answer_t *winner);

//  Among count answers (the R first ones), the index of the one a read
//  returns: the greatest version among those that found the key; count
//  when none did (the read answers error 20).
size_t core_answer_winner (const core_answer_t *answers, size_t count);

//  Read repair: the indices (into targets, room for count) of the answers
//  older than the winner, who must be sent the winning version. Returns how
//  many. None when the winner did not find the key (nothing to repair with).
size_t core_repair_targets (const core_answer_t *answers, size_t count,
                            const core_answer_t *winner, size_t *targets);

//  --------------------------------------------------------------------------
//  A replica's store: key (canonical JSON text) -> [key, value, version].
//  A jansson object the caller owns; these functions keep its invariant,
//  that a key only ever moves to a greater version.

//  The canonical text of a key (compact, sorted), for the store. Caller
//  frees it. NULL when key is NULL.
char *core_key_text (const json_t *key);

//  Look key_text up: fills *answer (value borrowed from the store).
void core_store_get (json_t *store, const char *key_text, core_answer_t *answer);

//  Apply a write of value at version (both as a replica receives them):
//  kept when the key is new or version is greater than what the store has.
//  Returns 1 when applied, 0 when the store already holds this version or a
//  greater one (still an ack: the replica holds it or newer), -1 when the
//  key is new and the store holds FL_QUORUM_KEYS_MAX keys (refused).
int core_store_put (json_t *store, const json_t *key, json_t *value,
                    const core_version_t *version);

//  The store as replica_read reports it: [[key, value], ...]. Caller owns.
json_t *core_store_state (json_t *store);

//  One entry as the store file (qlog.h) keeps it: [key, value, [wall,
//  logical], node] as compact JSON text, no newline. Caller frees it.
char *core_store_line (const json_t *key, json_t *value, const core_version_t *version);

//  Replay one line of the store file: core_store_put of its entry, and
//  its version into *version. Returns 0 (applied or already held), or -1
//  when the line is not a whole entry (torn, or not ours), or the store
//  is full of other keys.
int core_store_replay (json_t *store, const char *line, core_version_t *version);

//  --------------------------------------------------------------------------
//  Hints (hinted handoff): a coordinator keeps, per replica and key, the
//  newest version that replica did not acknowledge, and resends it until
//  it does. At most FL_QUORUM_HINTS_MAX hints.

typedef struct _core_hints_t core_hints_t;

core_hints_t *core_hints_new (void);
void core_hints_destroy (core_hints_t **self_p);

//  Keep a hint that replica lacks (key, value, version); takes neither key
//  nor value (holds references). A hint for the same replica and key is
//  replaced when version is greater and kept otherwise. due_ms is when it
//  is first resent. Returns 0, or -1 when FL_QUORUM_HINTS_MAX hints are
//  held (nothing kept; the caller counts it).
int core_hints_add (core_hints_t *self, const char *replica, json_t *key,
                    json_t *value, const core_version_t *version, int64_t due_ms);

//  replica acknowledged version of key_text: the hint for them is dropped
//  when its version is not greater. Returns true when one was dropped.
bool core_hints_ack (core_hints_t *self, const char *replica, const char *key_text,
                     const core_version_t *version);

//  How many hints are held; and how many core_hints_add refused so far.
size_t core_hints_size (core_hints_t *self);
size_t core_hints_refused (core_hints_t *self);

//  One hint, as core_hints_due hands them out (all borrowed).
typedef struct {
    const char *replica;
    const char *key_text;
    json_t *key;
    json_t *value;
    core_version_t version;
} core_hint_t;

//  The hints due at now_ms (due_ms <= now_ms), up to max of them, into
//  due; each handed out is next due at now_ms + retry_ms. Returns how many.
size_t core_hints_due (core_hints_t *self, int64_t now_ms, int64_t retry_ms,
                       core_hint_t *due, size_t max);

#endif
