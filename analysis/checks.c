/*  checks.c -- the table of workload checks, the three small ones (stats,
    echo, unique-ids), and the helpers every check's details are built
    with.

    A check reads an opslog (opslog.h: each invoke paired with its
    completion, values interned as compact JSON text) and never the file
    itself, so a run loads its history once for all its checks. Values are
    compared by atom: two values are equal when their compact, key-sorted
    JSON text is, which is decoded-value equality that keeps types apart
    (1, 1.0 and "1" are three atoms).

    Verdicts: invalid when an op shows a bug; unknown when the history
    cannot decide (nothing of the kind was done); valid otherwise. A detail
    that names an op puts it under "op", which the report marks; lists are
    capped at FL_CHECKS_LISTED_MAX with the full count beside them.
*/
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include <jansson.h>
#include "limits.h"
#include "checks.h"
#include "checks_setfull.h"
#include "checks_counter.h"
#include "checks_kafka.h"

static checks_verdict_t s_stats (const opslog_t *log, json_t *details);
static checks_verdict_t s_echo (const opslog_t *log, json_t *details);
static checks_verdict_t s_unique_ids (const opslog_t *log, json_t *details);

typedef struct {
    const char *name;
    checks_verdict_t (*check) (const opslog_t *log, json_t *details);
} s_check_t;

static const s_check_t s_checks [] = {
    { "set-full",   checks_setfull_run },
    { "counter",    checks_counter_run },
    { "unique-ids", s_unique_ids },
    { "echo",       s_echo },
    { "kafka",      checks_kafka_run },
    { "stats",      s_stats },
};
#define S_CHECKS (sizeof s_checks / sizeof s_checks [0])

static const s_check_t *
s_lookup (const char *name)
{
    for (size_t i = 0; i < S_CHECKS; i++)
        if (streq (s_checks [i].name, name))
            return &s_checks [i];
    return NULL;
}

bool
checks_known (const char *name)
{
    assert (name);
    return s_lookup (name) != NULL;
}

const char *
checks_names (void)
{
    return "set-full, counter, unique-ids, echo, kafka, stats";
}

//  The error for a name that is not in the table.
static void
s_unknown (const char *name, char **error)
{
    if (error && asprintf (error, "unknown check '%s' (known: %s)", name, checks_names ()) < 0)
        *error = NULL;
}

json_t *
checks_run_log (const char *name, const opslog_t *log, char **error)
{
    assert (name);
    assert (log);
    const s_check_t *check = s_lookup (name);
    if (!check) {
        s_unknown (name, error);
        return NULL;
    }
    json_t *details = json_object ();
    checks_verdict_t verdict = check->check (log, details);
    return json_pack ("{s:s, s:o, s:o}", "name", name,
                      "valid", checks_verdict_json (verdict), "details", details);
}

json_t *
checks_run (const char *name, const char *history_path, char **error)
{
    assert (name);
    assert (history_path);
    if (!checks_known (name)) {
        s_unknown (name, error);
        return NULL;
    }
    opslog_t *log = opslog_load (history_path, error);
    if (!log)
        return NULL;
    json_t *entry = checks_run_log (name, log, error);
    opslog_destroy (&log);
    return entry;
}

//  --------------------------------------------------------------------
//  Helpers

static const char *
s_type_name (uint8_t type)
{
    switch (type) {
        case OPSLOG_OK:   return "ok";
        case OPSLOG_FAIL: return "fail";
        case OPSLOG_INFO: return "info";
        default:          return "pending";
    }
}

json_t *
checks_op_ref (const opslog_t *log, size_t i)
{
    assert (log);
    const opslog_op_t *op = opslog_op (log, i);
    return json_pack ("{s:I, s:I, s:I, s:s, s:s, s:o}",
                      "line", (json_int_t) op->invoke_line,
                      "index", (json_int_t) op->invoke_index,
                      "process", (json_int_t) op->process,
                      "f", opslog_atom (log, op->f_atom),
                      "type", s_type_name (op->type),
                      "time_ms", checks_ms (op->invoke_ns));
}

bool
checks_listed (json_t *list, json_t *item)
{
    assert (json_is_array (list));
    if (json_array_size (list) >= FL_CHECKS_LISTED_MAX) {
        json_decref (item);
        return false;
    }
    json_array_append_new (list, item);
    return true;
}

json_t *
checks_atom_json (const opslog_t *log, int32_t atom)
{
    assert (log);
    if (atom < 0)
        return NULL;
    return json_loads (opslog_atom (log, atom), JSON_DECODE_ANY, NULL);
}

json_t *
checks_ms (int64_t ns)
{
    return json_real ((double) ns / 1e6);
}

json_t *
checks_verdict_json (checks_verdict_t verdict)
{
    return verdict == CHECKS_VALID ? json_true ()
         : verdict == CHECKS_INVALID ? json_false () : json_string ("unknown");
}

bool
checks_atom_integer (const opslog_t *log, int32_t atom, int64_t *value)
{
    assert (log);
    assert (value);
    if (atom < 0)
        return false;
    const char *text = opslog_atom (log, atom);
    const char *digits = text [0] == '-' ? text + 1 : text;
    if (!*digits || strspn (digits, "0123456789") != strlen (digits))
        return false;               // a real, a string, a list, ...
    errno = 0;
    long long parsed = strtoll (text, NULL, 10);
    if (errno)
        return false;               // jansson refuses these; be sure
    *value = parsed;
    return true;
}

//  --------------------------------------------------------------------
//  stats: every f invoked has at least one ok (Jepsen's stats checker).

typedef struct {
    int32_t f_atom;
    int64_t count [4];              // by opslog_type_t
    int64_t final;
} s_f_count_t;

//  The tally of f_atom in FS (SIZE used), added if new; NULL when there
//  are already FL_HISTORY_FS_MAX.
static s_f_count_t *
s_f_count (s_f_count_t *fs, size_t *size, int32_t f_atom)
{
    for (size_t i = 0; i < *size; i++)
        if (fs [i].f_atom == f_atom)
            return &fs [i];
    if (*size == FL_HISTORY_FS_MAX)
        return NULL;
    fs [*size] = (s_f_count_t) { .f_atom = f_atom };
    return &fs [(*size)++];
}

static checks_verdict_t
s_stats (const opslog_t *log, json_t *details)
{
    s_f_count_t fs [FL_HISTORY_FS_MAX];
    size_t fs_size = 0;
    int64_t total [4] = { 0 };
    bool too_many = false;
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        total [op->type]++;
        s_f_count_t *f = s_f_count (fs, &fs_size, op->f_atom);
        too_many |= f == NULL;
        if (f) {
            f->count [op->type]++;
            f->final += op->final;
        }
    }
    json_t *by_f = json_object ();
    json_t *never_ok = json_array ();
    for (size_t i = 0; i < fs_size; i++) {
        const int64_t *c = fs [i].count;
        const char *name = opslog_atom (log, fs [i].f_atom);
        json_object_set_new (by_f, name, json_pack ("{s:I, s:I, s:I, s:I, s:I, s:I}",
            "count", (json_int_t) (c [0] + c [1] + c [2] + c [3]), "ok", (json_int_t) c [OPSLOG_OK],
            "fail", (json_int_t) c [OPSLOG_FAIL], "info", (json_int_t) c [OPSLOG_INFO],
            "pending", (json_int_t) c [OPSLOG_PENDING], "final", (json_int_t) fs [i].final));
        if (c [OPSLOG_OK] == 0)
            json_array_append_new (never_ok, json_string (name));
    }
    json_object_set_new (details, "count", json_integer ((json_int_t) opslog_size (log)));
    json_object_set_new (details, "ok", json_integer (total [OPSLOG_OK]));
    json_object_set_new (details, "fail", json_integer (total [OPSLOG_FAIL]));
    json_object_set_new (details, "info", json_integer (total [OPSLOG_INFO]));
    json_object_set_new (details, "pending", json_integer (total [OPSLOG_PENDING]));
    json_object_set_new (details, "by_f", by_f);
    json_object_set_new (details, "never_ok", never_ok);
    if (json_array_size (never_ok) > 0) {
        char reason [1024] = "no successful";
        size_t i;
        json_t *name;
        json_array_foreach (never_ok, i, name) {
            size_t used = strlen (reason);
            snprintf (reason + used, sizeof reason - used, "%s %s", i ? "," : "",
                      json_string_value (name));
        }
        json_object_set_new (details, "reason", json_string (reason));
        return CHECKS_INVALID;
    }
    if (too_many) {
        json_object_set_new (details, "reason", json_sprintf (
            "more than %d distinct f names (FL_HISTORY_FS_MAX): not a workload's history",
            FL_HISTORY_FS_MAX));
        return CHECKS_UNKNOWN;
    }
    if (opslog_size (log) == 0) {
        json_object_set_new (details, "reason", json_string ("no ops in the history"));
        return CHECKS_UNKNOWN;
    }
    return CHECKS_VALID;
}

//  --------------------------------------------------------------------
//  echo: each ok echoes its invoke's value; any fail, info or pending echo
//  is invalid (Maelstrom's rule: an echo server has no excuse).

static checks_verdict_t
s_echo (const opslog_t *log, json_t *details)
{
    int32_t echo = opslog_atom_find (log, "echo");
    int64_t count = 0, ok = 0, mismatched_count = 0, failed_count = 0;
    json_t *mismatched = json_array ();
    json_t *failed = json_array ();
    int64_t failed_at [FL_NODES_MAX + 1] = { 0 };  //  by the node asked (0: not known)
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        if (op->f_atom != echo)
            continue;
        count++;
        if (op->type != OPSLOG_OK) {
            failed_count++;
            json_t *ref = checks_op_ref (log, i);
            if (op->error >= 0)
                json_object_set_new (ref, "error", json_integer (op->error));
            bool known = op->node > 0 && op->node <= FL_NODES_MAX;
            if (known)
                json_object_set_new (ref, "node", json_sprintf ("n%d", op->node));
            failed_at [known? op->node: 0]++;
            checks_listed (failed, ref);
            continue;
        }
        ok++;
        if (op->invoke_value >= 0 && op->return_value == op->invoke_value)
            continue;
        mismatched_count++;
        json_t *expected = checks_atom_json (log, op->invoke_value);
        json_t *got = checks_atom_json (log, op->return_value);
        checks_listed (mismatched, json_pack ("{s:o, s:o, s:o}", "op", checks_op_ref (log, i),
            "expected", expected ? expected : json_null (), "got", got ? got : json_null ()));
    }
    json_object_set_new (details, "count", json_integer (count));
    json_object_set_new (details, "ok", json_integer (ok));
    json_object_set_new (details, "mismatched_count", json_integer (mismatched_count));
    json_object_set_new (details, "mismatched", mismatched);
    json_object_set_new (details, "failed_count", json_integer (failed_count));
    json_object_set_new (details, "failed", failed);
    if (mismatched_count || failed_count) {
        //  Which nodes the failed echoes were sent to: "(n1 12, n3 1)"
        char by [256] = "";
        size_t used = 0;
        for (int k = 1; k <= FL_NODES_MAX && used + 24 < sizeof by; k++)
            if (failed_at [k])
                used += (size_t) snprintf (by + used, sizeof by - used, "%sn%d %" PRId64,
                                           used? ", ": " (", k, failed_at [k]);
        if (used)
            snprintf (by + used, sizeof by - used, ")");
        json_object_set_new (details, "reason", json_sprintf (
            "%" PRId64 " echoes returned another value, %" PRId64 " failed or timed out%s",
            mismatched_count, failed_count, by));
        return CHECKS_INVALID;
    }
    if (count == 0) {
        json_object_set_new (details, "reason", json_string ("no echo ops in the history"));
        return CHECKS_UNKNOWN;
    }
    return CHECKS_VALID;
}

//  --------------------------------------------------------------------
//  unique-ids: no id in two oks. Ids are atoms, so 1, 1.0 and "1" are
//  three ids; an ok without an id is invalid too.

//  The range of the ids when every one is an integer, else JSON null.
static json_t *
s_id_range (const opslog_t *log, int32_t generate)
{
    int64_t low = INT64_MAX, high = INT64_MIN, id;
    bool any = false;
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        if (op->f_atom != generate || op->type != OPSLOG_OK)
            continue;
        if (!checks_atom_integer (log, op->return_value, &id))
            return json_null ();
        low = id < low ? id : low;
        high = id > high ? id : high;
        any = true;
    }
    return any ? json_pack ("[I, I]", (json_int_t) low, (json_int_t) high) : json_null ();
}

static checks_verdict_t
s_unique_ids (const opslog_t *log, json_t *details)
{
    int32_t generate = opslog_atom_find (log, "generate");
    uint32_t *seen = zmalloc ((opslog_atoms (log) + 1) * sizeof (uint32_t));
    int64_t attempted = 0, acknowledged = 0, missing = 0, duplicated_count = 0;
    json_t *duplicated = json_object ();
    for (size_t i = 0; i < opslog_size (log); i++) {
        const opslog_op_t *op = opslog_op (log, i);
        if (op->f_atom != generate)
            continue;
        attempted++;
        if (op->type != OPSLOG_OK)
            continue;
        acknowledged++;
        if (op->return_value < 0) {
            missing++;
            continue;
        }
        uint32_t times = ++seen [op->return_value];
        duplicated_count += times == 2;
        const char *id = opslog_atom (log, op->return_value);
        if (times >= 2 && (json_object_size (duplicated) < FL_CHECKS_LISTED_MAX
                           || json_object_get (duplicated, id)))
            json_object_set_new (duplicated, id, json_integer (times));
    }
    free (seen);
    json_object_set_new (details, "attempted", json_integer (attempted));
    json_object_set_new (details, "acknowledged", json_integer (acknowledged));
    json_object_set_new (details, "duplicated_count", json_integer (duplicated_count));
    json_object_set_new (details, "duplicated", duplicated);
    json_object_set_new (details, "without_id", json_integer (missing));
    json_object_set_new (details, "range", s_id_range (log, generate));
    if (duplicated_count || missing) {
        json_object_set_new (details, "reason", json_sprintf (
            "%" PRId64 " ids were given more than once, %" PRId64 " oks carried no id",
            duplicated_count, missing));
        return CHECKS_INVALID;
    }
    if (attempted == 0) {
        json_object_set_new (details, "reason", json_string ("no generate ops in the history"));
        return CHECKS_UNKNOWN;
    }
    if (acknowledged == 0) {    //  no id to judge: not valid for want of one
        json_object_set_new (details, "reason", json_sprintf (
            "no generate succeeded (%" PRId64 " attempted): no id to judge", attempted));
        return CHECKS_UNKNOWN;
    }
    return CHECKS_VALID;
}
