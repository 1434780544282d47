/*  ellelevel.c -- the isolation levels a txn history is checked against,
    which anomalies each rules out (elle.consistency-model's lattice, cut to
    the levels Elle's txn checkers are asked for most), the verdict, and
    the result as JSON and as words.

    Five bases, weakest first, each proscribing the anomalies of the ones
    below it (Adya's PL-1, PL-2, PL-2.99, PL-SI, PL-3):

        read-uncommitted    G0, and what leaves no version order at all:
                            duplicate-elements, incompatible-order,
                            garbage-read, internal, future-read
        read-committed      + G1a, G1b, G1c, dirty-update
        repeatable-read     + G-single, G-nonadjacent, G2-item, lost-update
        snapshot-isolation  + G-single, G-nonadjacent, lost-update (not
                            G2-item)
        serializable        all of the above

    and three tiers: the base itself; strong-session-BASE, which also
    proscribes the -process variants of its cycles (a process's txns in
    order); strong-BASE, which also proscribes the -realtime variants (real
    time kept; strong-serializable is called strict-serializable).
    A level implies every level of a tier no higher whose base it implies
    (serializable implies repeatable-read and snapshot-isolation, both
    imply read-committed, which implies read-uncommitted). `not` lists
    the weakest levels the anomalies rule out, `also_not` the rest.
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "limits.h"
#include "elle_int.h"
#include "cyclesvg.h"

#define S_BASES 5
#define S_TIERS 3
#define S_LEVELS (S_BASES * S_TIERS)
#define S_DEFAULT (2 * S_BASES + 4)     // strict-serializable

static const char *s_names [S_LEVELS + 1] = {
    "read-uncommitted", "read-committed", "repeatable-read", "snapshot-isolation",
    "serializable",
    "strong-session-read-uncommitted", "strong-session-read-committed",
    "strong-session-repeatable-read", "strong-session-snapshot-isolation",
    "strong-session-serializable",
    "strong-read-uncommitted", "strong-read-committed", "strong-repeatable-read",
    "strong-snapshot-isolation", "strict-serializable",
    NULL
};

const char *const *
elle_levels (void)
{
    return s_names;
}

int
elle_level_parse (const char *name)
{
    if (!name)
        return S_DEFAULT;
    for (int i = 0; i < S_LEVELS; i++)
        if (strcmp (name, s_names [i]) == 0)
            return i;
    return strcmp (name, "strong-serializable") == 0? S_DEFAULT: -1;
}

bool
elle_level_valid (const char *name)
{
    return elle_level_parse (name) >= 0;
}

const char *
elle_level_name (int level)
{
    assert (level >= 0 && level < S_LEVELS);
    return s_names [level];
}

int
elle_level_tier (int level)
{
    return level / S_BASES;
}

//  Does base b imply base a (a weaker or equal)?
static bool
s_base_implies (int b, int a)
{
    return a == b || a == 0 || (a == 1 && b > 0) || b == 4;
}

static bool
s_implies (int m, int w)
{
    return w / S_BASES <= m / S_BASES && s_base_implies (m % S_BASES, w % S_BASES);
}

static bool
s_in (const char *name, const char *const *list)
{
    for (; *list; list++)
        if (strcmp (name, *list) == 0)
            return true;
    return false;
}

//  Does level rule out anomaly type?
static bool
s_prohibits (int level, const char *type)
{
    char base [48];
    snprintf (base, sizeof base, "%s", type);
    int suffix = 0;
    size_t len = strlen (base);
    if (len > 8 && strcmp (base + len - 8, "-process") == 0)
        suffix = 1, base [len - 8] = 0;
    else
    if (len > 9 && strcmp (base + len - 9, "-realtime") == 0)
        suffix = 2, base [len - 9] = 0;
    if (elle_level_tier (level) < suffix)
        return false;
    int b = level % S_BASES;
    static const char *const all [] = { "G0", "duplicate-elements", "incompatible-order",
                                        "garbage-read", "internal", "future-read", NULL };
    static const char *const g1 [] = { "G1a", "G1b", "G1c", "dirty-update", NULL };
    static const char *const single [] = { "G-single", "G-nonadjacent", "lost-update", NULL };
    if (s_in (base, all))
        return true;
    if (s_in (base, g1))
        return b >= 1;
    if (s_in (base, single))
        return b >= 2;
    if (strcmp (base, "G2-item") == 0)
        return b == 2 || b == 4;
    return false;
}

//  Every anomaly type found, sorted, as a JSON array of strings.
static json_t *
s_types (const elle_t *self)
{
    json_t *all = json_object ();
    json_object_update (all, self->cases);
    json_object_update (all, self->cycles);
    json_t *types = json_array ();
    const char *key;
    json_t *value;
    json_object_foreach (all, key, value)
        json_array_append_new (types, json_string (key));
    json_decref (all);
    size_t n = json_array_size (types);
    for (size_t i = 1; i < n; i++)          // insertion sort: a handful of names
        for (size_t j = i; j > 0 && strcmp (json_string_value (json_array_get (types, j - 1)),
                                            json_string_value (json_array_get (types, j))) > 0; j--) {
            json_t *a = json_incref (json_array_get (types, j - 1));
            json_array_set (types, j - 1, json_array_get (types, j));
            json_array_set_new (types, j, a);
        }
    return types;
}

void
elle_conclude (elle_t *self)
{
    json_t *types = s_types (self);
    self->ruled_out = json_array ();
    bool out [S_LEVELS] = { false };
    for (int m = 0; m < S_LEVELS; m++) {
        size_t i;
        json_t *t;
        json_array_foreach (types, i, t)
            out [m] = out [m] || s_prohibits (m, json_string_value (t));
        if (out [m])
            json_array_append_new (self->ruled_out, json_string (s_names [m]));
    }
    json_decref (types);
    self->verdict = out [self->level]? ELLE_INVALID: ELLE_VALID;
    self->reason = self->duplicate? "duplicate-writes"
                 : self->ok_txns == 0? "empty-transaction-graph"
                 : self->timed_out && self->verdict == ELLE_VALID? "timeout": NULL;
    if (self->reason)
        self->verdict = ELLE_UNKNOWN;
}

//  Split the ruled-out levels into the weakest (not) and the rest.
static void
s_not (const elle_t *self, json_t *obj)
{
    json_t *not = json_array (), *also = json_array ();
    size_t i, j;
    json_t *a, *b;
    json_array_foreach (self->ruled_out, i, a) {
        int m = elle_level_parse (json_string_value (a));
        bool weakest = true;
        json_array_foreach (self->ruled_out, j, b) {
            int w = elle_level_parse (json_string_value (b));
            weakest = weakest && (w == m || !s_implies (m, w));
        }
        json_array_append (weakest? not: also, a);
    }
    json_object_set_new (obj, "not", not);
    json_object_set_new (obj, "also_not", also);
}

void
elle_result_json (const elle_result_t *result, json_t *obj)
{
    const elle_t *self = (const elle_t *) result;
    assert (self && obj);
    json_object_set_new (obj, "consistency", json_string (s_names [self->level]));
    json_object_set_new (obj, "txns", json_integer ((json_int_t) self->ntxns));
    json_object_set_new (obj, "anomaly_types", s_types (self));
    json_t *anomalies = json_array (), *counts = json_object ();
    const char *key;
    json_t *list;
    json_object_foreach (self->cycles, key, list)
        json_array_extend (anomalies, list);
    json_object_foreach (self->cases, key, list)
        json_array_extend (anomalies, list);
    json_object_update (counts, self->cycle_counts);
    json_object_update (counts, self->case_counts);
    json_object_set_new (obj, "anomalies", anomalies);
    json_object_set_new (obj, "anomaly_counts", counts);
    s_not (self, obj);
    json_object_set_new (obj, "edges", json_pack ("{s:I, s:I, s:I, s:I, s:I}",
        "ww", (json_int_t) self->edge_counts [0], "wr", (json_int_t) self->edge_counts [1],
        "rw", (json_int_t) self->edge_counts [2], "process", (json_int_t) self->edge_counts [3],
        "realtime", (json_int_t) self->edge_counts [4]));
    json_object_set_new (obj, "sccs", json_integer ((json_int_t) self->sccs));
    json_object_set_new (obj, "scc_largest", json_integer ((json_int_t) self->scc_largest));
    json_object_set_new (obj, "search", json_string (self->timed_out? "timeout": "complete"));
    if (self->reason)
        json_object_set_new (obj, "reason", json_string (self->reason));
    if (self->duplicate)
        json_object_set (obj, "duplicate", self->duplicate);
}

//  "line 12: process 3 txn [...] ok"
static void
s_op_line (json_t *op, FILE *out)
{
    char *text = cyclesvg_op_text (op);
    fprintf (out, "%s\n", text? text: "?");
    free (text);
}

static void
s_text_line (const char *line, void *arg)
{
    fprintf ((FILE *) arg, "    %s\n", line);
}

//  A cycle in words, as the run report lists it (cyclesvg_lines).
static void
s_explain_cycle (json_t *cycle, FILE *out)
{
    fprintf (out, "  %s: a cycle of %lld transactions\n",
             json_string_value (json_object_get (cycle, "type")),
             (long long) json_integer_value (json_object_get (cycle, "length")));
    cyclesvg_lines (cycle, s_text_line, out);
}


//  What a non-cycle anomaly means, in one sentence.
static void
s_case_words (json_t *c, const char *type, FILE *out)
{
    char *key = cyclesvg_value_text (json_object_get (c, "key")), *value = cyclesvg_value_text (json_object_get (c, "value"));
    char *element = cyclesvg_value_text (json_object_get (c, "element"));
    long long wline = (long long) json_integer_value (json_object_get (
                          json_object_get (c, "writer"), "line"));
    if (json_is_true (json_object_get (c, "inferred")))
        fprintf (out, "%lld txns form a strongly connected component the search did not"
                 " finish: it holds at least a %s cycle", (long long) json_integer_value (
                 json_object_get (c, "scc_size")), type);
    else
    if (strcmp (type, "G1a") == 0)
        fprintf (out, "read %s from key %s, written by the failed txn at line %lld",
                 json_object_get (c, "element")? element: value, key, wline);
    else
    if (strcmp (type, "G1b") == 0)
        fprintf (out, "read %s from key %s, an intermediate write of the txn at line %lld",
                 json_object_get (c, "element")? element: value, key, wline);
    else
    if (strcmp (type, "internal") == 0) {
        char *expected = cyclesvg_value_text (json_object_get (c, "expected"));
        fprintf (out, "read key %s as %s; its own earlier ops say %s%s", key, value,
                 json_object_get (c, "expected_is")? "it ends with ": "", expected);
        free (expected);
    }
    else
    if (strcmp (type, "future-read") == 0)
        fprintf (out, "read %s from key %s at its micro-op %lld, but only its own"
                 " micro-op %lld writes it, later", element, key,
                 (long long) json_integer_value (json_object_get (c, "read_at")) + 1,
                 (long long) json_integer_value (json_object_get (c, "write_at")) + 1);
    else
    if (strcmp (type, "duplicate-elements") == 0)
        fprintf (out, "read key %s as %s: an element twice", key, value);
    else
    if (strcmp (type, "garbage-read") == 0)
        fprintf (out, "read key %s as %s: %s was never written", key, value,
                 json_object_get (c, "element")? element: value);
    else
    if (strcmp (type, "incompatible-order") == 0 && json_object_get (c, "appends")) {
        json_t *v = json_object_get (c, "appends");
        char *read = cyclesvg_value_text (json_array_get (json_object_get (c, "values"), 0));
        char *a = cyclesvg_value_text (json_array_get (v, 0)), *b = cyclesvg_value_text (json_array_get (v, 1));
        fprintf (out, "key %s read as %s: this txn appended %s before %s, but %s is not"
                 " before it there", key, read, a, b, a);
        free (read);
        free (a);
        free (b);
    }
    else
    if (strcmp (type, "incompatible-order") == 0) {
        json_t *v = json_object_get (c, "values");
        char *a = cyclesvg_value_text (json_array_get (v, 0)), *b = cyclesvg_value_text (json_array_get (v, 1));
        fprintf (out, "key %s read as %s and as %s: neither is a prefix of the other", key, a, b);
        free (a);
        free (b);
    }
    else
    if (strcmp (type, "lost-update") == 0) {
        json_t *others = json_object_get (c, "txns");
        fprintf (out, "this txn and the txn%s at line", json_array_size (others) > 1? "s": "");
        size_t i;
        json_t *t;
        json_array_foreach (others, i, t)
            fprintf (out, "%s %lld", i? ",": "", (long long) json_integer_value (
                     json_object_get (t, "line")));
        fprintf (out, " both read key %s as %s and then wrote it: each committed without"
                 " seeing the other's write", key,
                 json_is_null (json_object_get (c, "value"))? "nil": value);
    }
    else
    if (strcmp (type, "dirty-update") == 0) {
        char *aborted = cyclesvg_value_text (json_object_get (c, "aborted"));
        fprintf (out, "key %s is %s: the failed txn's %s comes before this txn's %s", key,
                 value, aborted, element);
        free (aborted);
    }
    free (key);
    free (value);
    free (element);
}

static void
s_explain_case (json_t *c, FILE *out)
{
    const char *type = json_string_value (json_object_get (c, "type"));
    fprintf (out, "  %s: ", type);
    s_case_words (c, type, out);
    fprintf (out, "\n    in ");
    s_op_line (json_object_get (c, "op"), out);
}

void
elle_result_explain (const elle_result_t *result, FILE *out)
{
    const elle_t *self = (const elle_t *) result;
    assert (self && out);
    json_t *obj = json_object ();
    elle_result_json (result, obj);
    char *not = json_dumps (json_object_get (obj, "not"), JSON_COMPACT);
    if (json_array_size (json_object_get (obj, "anomalies")))
        fprintf (out, "  checked against %s; ruled out: %s and the %zu level%s stronger\n",
                 s_names [self->level], not? not: "?",
                 json_array_size (json_object_get (obj, "also_not")),
                 json_array_size (json_object_get (obj, "also_not")) == 1? "": "s");
    free (not);
    size_t i;
    json_t *a;
    json_array_foreach (json_object_get (obj, "anomalies"), i, a) {
        if (json_object_get (a, "cycle"))
            s_explain_cycle (a, out);
        else
            s_explain_case (a, out);
    }
    if (self->timed_out)
        fprintf (out, "  the cycle search ran out of time: %zu components (the largest of %zu"
                 " txns) were not all searched\n", self->sccs, self->scc_largest);
    if (self->duplicate) {
        json_t *ops = json_object_get (self->duplicate, "ops");
        char *key = cyclesvg_value_text (json_object_get (self->duplicate, "key"));
        char *value = cyclesvg_value_text (json_object_get (self->duplicate, "value"));
        fprintf (out, "  not judged: key %s is given %s by two %s (line %lld and line %lld);"
                 " Elle's inference needs each value written once per key to know who"
                 " wrote what a txn read\n", key, value,
                 self->model == ELLE_LIST_APPEND? "appends": "writes",
                 (long long) json_integer_value (json_object_get (json_array_get (ops, 0), "line")),
                 (long long) json_integer_value (json_object_get (json_array_get (ops, 1), "line")));
        free (key);
        free (value);
    }
    else
    if (self->ok_txns == 0)
        fprintf (out, "  not judged: no txn committed (ok), so there is nothing to order"
                 " (Elle: empty-transaction-graph)\n");
    json_decref (obj);
}
