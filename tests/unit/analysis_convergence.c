/*  analysis_convergence.c -- the convergence check (analysis/convergence.h)
    on small hand-written histories and replica states, each worked out in
    its comment: agreement, a disagreement named, an injected lost write
    caught, a concurrent overwrite not flagged, invented values, a
    counter's range both ways, a set's missing and invented elements, a
    replica that did not answer, the caps, final reads as replicas, and
    registers judged by the replicas' applied lists (kept, lost, not
    judged when a replica is missing, trimmed lists, repeated values).

    A history is written in a short form, one event a line:

        PROCESS TYPE F [VALUE] [key=KEY] [final]

    VALUE is JSON without spaces ("-" for none). Events get index = their
    position and time = index ms, so real-time order reads off the lines.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "limits.h"
#include <jansson.h>
#include "../../analysis/convergence.h"

//  Write the short-form EVENTS to tap_dir/NAME.jsonl and load it.
static opslog_t *
s_log (const char *name, const char *events)
{
    char *path = NULL;
    assert_true (asprintf (&path, "%s/%s.jsonl", tap_dir, name) > 0);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    char *copy = strdup (events), *save = NULL;
    int index = 0;
    for (char *line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save)) {
        char type [16], f [64], value [4096] = "-", extra [2][64] = { "", "" };
        int words = sscanf (line, " %*d %15s %63s %4095s %63s %63s", type, f, value,
                            extra [0], extra [1]);
        assert_true (words >= 2);
        fprintf (file, "{\"index\":%d,\"time\":%lld,\"process\":%d,\"type\":\"%s\",\"f\":\"%s\"",
                 index, (long long) index * 1000000, atoi (line), type, f);
        if (strcmp (value, "-"))
            fprintf (file, ",\"value\":%s", value);
        for (int i = 0; i < 2; i++) {
            if (strncmp (extra [i], "key=", 4) == 0)
                fprintf (file, ",\"key\":\"%s\"", extra [i] + 4);
            if (strcmp (extra [i], "final") == 0)
                fprintf (file, ",\"final\":true");
        }
        fprintf (file, "}\n");
        index++;
    }
    free (copy);
    fclose (file);
    char *error = NULL;
    opslog_t *log = opslog_load (path, &error);
    if (!log)
        fprintf (stderr, "# %s\n", error);
    assert_non_null (log);
    free (path);
    return log;
}

//  Convergence of WORKLOAD for the history EVENTS and REPLICAS (JSON text).
static json_t *
s_run (const char *workload, const char *events, const char *replicas, double time_ms)
{
    opslog_t *log = s_log (workload, events);
    json_t *states = json_loads (replicas, 0, NULL);
    assert_non_null (states);
    json_t *out = convergence_compute (log, workload, states, time_ms);
    json_decref (states);
    opslog_destroy (&log);
    assert_non_null (out);
    //  Its shape, whatever the verdict.
    const char *fields [] = { "valid", "converged", "lost", "lost_count", "invented",
        "invented_count", "time_to_converge_ms", "final", "reasons", "unanswered", NULL };
    for (int i = 0; fields [i]; i++)
        assert_non_null (json_object_get (out, fields [i]));
    assert_true (json_is_boolean (json_object_get (out, "converged")));
    return out;
}

static const char *
s_valid (json_t *out)
{
    json_t *valid = json_object_get (out, "valid");
    return json_is_true (valid)? "valid": json_is_false (valid)? "invalid":
           json_is_string (valid)? json_string_value (valid): "?";
}

static json_int_t
s_count (json_t *out, const char *field)
{
    return json_integer_value (json_object_get (out, field));
}

//  Does some reason contain TEXT?
static bool
s_says (json_t *out, const char *text)
{
    size_t i;
    json_t *reason;
    json_array_foreach (json_object_get (out, "reasons"), i, reason)
        if (strstr (json_string_value (reason), text))
            return true;
    return false;
}

//  Two writes in sequence; every replica holds the second: agreement,
//  nothing lost (W1 is overwritten by W2, which it precedes).
static void
test_register_agreement (void **state)
{
    (void) state;
    json_t *out = s_run ("lin-kv",
        "0 invoke write 1 key=1\n0 ok write 1 key=1\n"
        "0 invoke write 2 key=1\n0 ok write 2 key=1\n",
        "{\"n1\":[[1,2]],\"n2\":[[1,2]],\"n3\":[[1,2]]}", 120.5);
    assert_string_equal (s_valid (out), "valid");
    assert_true (json_is_true (json_object_get (out, "converged")));
    assert_int_equal (s_count (out, "lost_count"), 0);
    assert_int_equal (s_count (out, "invented_count"), 0);
    assert_true (json_real_value (json_object_get (out, "time_to_converge_ms")) == 120.5);
    //  final: node -> key text -> value (the key 1 and the history's "1" are one).
    json_t *n2 = json_object_get (json_object_get (out, "final"), "n2");
    assert_int_equal (json_integer_value (json_object_get (n2, "1")), 2);
    json_decref (out);
}

//  n3 holds another value: not converged, n3 named, with the key.
static void
test_register_disagreement (void **state)
{
    (void) state;
    json_t *out = s_run ("lin-kv",
        "0 invoke write 1 key=1\n0 ok write 1 key=1\n"
        "1 invoke write 2 key=1\n1 ok write 2 key=1\n",
        "{\"n1\":[[1,2]],\"n2\":[[1,2]],\"n3\":[[1,1]]}", -1);
    assert_string_equal (s_valid (out), "invalid");
    assert_true (json_is_false (json_object_get (out, "converged")));
    assert_true (s_says (out, "n1 and n3 hold different states"));
    json_t *first = json_array_get (json_object_get (out, "differing"), 0);
    assert_string_equal (json_string_value (json_object_get (first, "node")), "n3");
    assert_string_equal (json_string_value (json_object_get (first, "key")), "1");
    assert_true (json_is_null (json_object_get (out, "time_to_converge_ms")));
    //  W2 is kept by n1 and n2: not lost.
    assert_int_equal (s_count (out, "lost_count"), 0);
    json_decref (out);
}

//  The injected fault: W2 invoked after W1 completed, acknowledged, and
//  every replica holds W1: W2 is lost (index 2, process 1), and the
//  replicas agree.
static void
test_register_lost_write (void **state)
{
    (void) state;
    json_t *out = s_run ("lin-kv",
        "0 invoke write 1 key=1\n0 ok write 1 key=1\n"
        "1 invoke write 2 key=1\n1 ok write 2 key=1\n",
        "{\"n1\":[[1,1]],\"n2\":[[1,1]]}", 10);
    assert_string_equal (s_valid (out), "invalid");
    assert_true (json_is_true (json_object_get (out, "converged")));
    assert_int_equal (s_count (out, "lost_count"), 1);
    json_t *lost = json_array_get (json_object_get (out, "lost"), 0);
    assert_int_equal (json_integer_value (json_object_get (lost, "index")), 2);
    assert_int_equal (json_integer_value (json_object_get (lost, "process")), 1);
    assert_string_equal (json_string_value (json_object_get (lost, "f")), "write");
    assert_string_equal (json_string_value (json_object_get (lost, "key")), "1");
    assert_int_equal (json_integer_value (json_object_get (lost, "value")), 2);
    assert_non_null (strstr (json_string_value (json_object_get (lost, "reason")), "n1 holds 1"));
    assert_true (s_says (out, "1 lost writes"));
    json_decref (out);
}

//  W1 and W2 overlap; the replicas hold W1: a concurrent overwrite, which
//  last-write-wins may pick either way: nothing lost. A cas that wrote 3
//  after both, held on key 2, keeps itself too.
static void
test_register_concurrent_not_lost (void **state)
{
    (void) state;
    json_t *out = s_run ("lin-kv",
        "0 invoke write 1 key=1\n1 invoke write 2 key=1\n"
        "0 ok write 1 key=1\n1 ok write 2 key=1\n"
        "2 invoke write 5 key=2\n2 ok write 5 key=2\n"
        "2 invoke cas [5,3] key=2\n2 ok cas [5,3] key=2\n",
        "{\"n1\":[[1,1],[2,3]],\"n2\":[[2,3],[1,1]]}", 0);
    assert_string_equal (s_valid (out), "valid");
    assert_int_equal (s_count (out, "lost_count"), 0);
    json_decref (out);
}

//  A value no write wrote (9), and one only a failed write wrote (7):
//  both invented; an info write's value (4) is not.
static void
test_register_invented (void **state)
{
    (void) state;
    json_t *out = s_run ("lin-kv",
        "0 invoke write 7 key=1\n0 fail write 7 key=1\n"
        "1 invoke write 4 key=3\n1 info write 4 key=3\n"
        "2 invoke write 9 key=5\n",
        "{\"n1\":[[1,7],[2,9],[3,4]],\"n2\":[[1,7],[2,9],[3,4]]}", 0);
    assert_string_equal (s_valid (out), "invalid");
    assert_true (json_is_true (json_object_get (out, "converged")));
    assert_int_equal (s_count (out, "invented_count"), 4);
    json_t *first = json_array_get (json_object_get (out, "invented"), 0);
    assert_string_equal (json_string_value (json_object_get (first, "node")), "n1");
    assert_string_equal (json_string_value (json_object_get (first, "key")), "1");
    json_decref (out);
}

//  A counter: ok adds 5 and 3 (8), an info +4 and a pending -2: each
//  replica in [6, 12]. 8 and 12 fit; 5 is below (lost), 13 above
//  (invented, with no acknowledged decrement); a failed add counts for
//  nothing.
static void
test_counter_range (void **state)
{
    (void) state;
    const char *history =
        "0 invoke add 5\n0 ok add 5\n1 invoke add 3\n1 ok add 3\n"
        "2 invoke add 4\n2 info add 4\n3 invoke add -2\n"
        "4 invoke add 100\n4 fail add 100\n";
    json_t *out = s_run ("pn-counter", history, "{\"n1\":[[null,8]],\"n2\":[[null,8]]}", 5);
    assert_string_equal (s_valid (out), "valid");
    json_t *range = json_object_get (out, "range");
    assert_int_equal (json_integer_value (json_object_get (range, "lower")), 6);
    assert_int_equal (json_integer_value (json_object_get (range, "upper")), 12);
    json_decref (out);
    out = s_run ("pn-counter", history, "{\"n1\":[[null,12]],\"n2\":[[null,6]]}", 5);
    assert_int_equal (s_count (out, "lost_count"), 0);
    assert_int_equal (s_count (out, "invented_count"), 0);
    assert_string_equal (s_valid (out), "invalid");     // they differ
    json_decref (out);
    out = s_run ("pn-counter", history, "{\"n1\":[[null,5]],\"n2\":[[null,13]]}", 5);
    assert_int_equal (s_count (out, "lost_count"), 1);
    assert_int_equal (s_count (out, "invented_count"), 1);
    json_t *lost = json_array_get (json_object_get (out, "lost"), 0);
    assert_string_equal (json_string_value (json_object_get (lost, "node")), "n1");
    json_t *invented = json_array_get (json_object_get (out, "invented"), 0);
    assert_string_equal (json_string_value (json_object_get (invented, "node")), "n2");
    json_decref (out);
    //  Too high after an acknowledged decrement: the decrement was lost
    //  (a merge that drops negative adds), not a value invented
    const char *down = "0 invoke add 5\n0 ok add 5\n1 invoke add -3\n1 ok add -3\n";
    out = s_run ("pn-counter", down, "{\"n1\":[[null,5]],\"n2\":[[null,2]]}", 5);
    assert_int_equal (s_count (out, "lost_count"), 1);
    assert_int_equal (s_count (out, "invented_count"), 0);
    lost = json_array_get (json_object_get (out, "lost"), 0);
    assert_string_equal (json_string_value (json_object_get (lost, "node")), "n1");
    json_decref (out);
}

//  A g-set: 1 and 2 acknowledged, 3 info, 4 failed. n2 misses 2 (lost,
//  named), n1 holds 3 (fine) and 4 (invented: its add failed) and 9
//  (invented: never added).
static void
test_set_missing_and_invented (void **state)
{
    (void) state;
    const char *history =
        "0 invoke add 1\n0 ok add 1\n1 invoke add 2\n1 ok add 2\n"
        "2 invoke add 3\n2 info add 3\n3 invoke add 4\n3 fail add 4\n";
    json_t *out = s_run ("g-set", history,
        "{\"n1\":[[null,[3,2,1]]],\"n2\":[[null,[1,2,3]]]}", 1);
    assert_string_equal (s_valid (out), "valid");       // sorted: one state
    json_decref (out);
    out = s_run ("g-set", history, "{\"n1\":[[null,[1,2,3,4,9]]],\"n2\":[[null,[1]]]}", 1);
    assert_string_equal (s_valid (out), "invalid");
    assert_int_equal (s_count (out, "lost_count"), 1);
    json_t *lost = json_array_get (json_object_get (out, "lost"), 0);
    assert_int_equal (json_integer_value (json_object_get (lost, "value")), 2);
    assert_non_null (strstr (json_string_value (json_object_get (lost, "reason")), "missing on n2"));
    assert_int_equal (s_count (out, "invented_count"), 2);
    json_decref (out);
}

//  n3 is down (null): not converged and named, though n1 and n2 agree
//  and hold everything; no replica at all: unknown.
static void
test_null_replica (void **state)
{
    (void) state;
    const char *history = "0 invoke add 1\n0 ok add 1\n";
    json_t *out = s_run ("g-set", history,
        "{\"n1\":[[null,[1]]],\"n2\":[[null,[1]]],\"n3\":null}", 1);
    assert_string_equal (s_valid (out), "invalid");
    assert_true (json_is_false (json_object_get (out, "converged")));
    assert_string_equal (json_string_value (json_array_get (json_object_get (out, "unanswered"), 0)),
                         "n3");
    assert_true (s_says (out, "n3 did not answer"));
    assert_true (json_is_null (json_object_get (json_object_get (out, "final"), "n3")));
    assert_int_equal (s_count (out, "lost_count"), 0);
    json_decref (out);
    out = s_run ("g-set", history, "{\"n1\":null}", -1);
    assert_string_equal (s_valid (out), "unknown");
    json_decref (out);
    //  A malformed answer counts as none, named.
    out = s_run ("g-set", history, "{\"n1\":[[null,[1]]],\"n2\":{\"x\":1}}", -1);
    assert_true (s_says (out, "n2 is not a list"));
    json_decref (out);
    //  A workload without a rule: unknown, said why; not "did not
    //  converge": nothing was compared, so there is no "converged" at all,
    //  even when the replicas answered (lww holds a txn run's lists).
    opslog_t *log = s_log ("txn-list-append", "0 invoke txn [[\"append\",1,2]]\n"
                           "0 ok txn [[\"append\",1,2]]\n");
    json_t *replicas = json_loads ("{\"n1\":[[1,[2]]],\"n2\":[[1,[2]]]}", 0, NULL);
    out = convergence_compute (log, "txn-list-append", replicas, 12);
    json_decref (replicas);
    opslog_destroy (&log);
    assert_string_equal (s_valid (out), "unknown");
    assert_null (json_object_get (out, "converged"));
    assert_null (json_object_get (out, "lost_count"));
    assert_true (s_says (out, "not measured"));
    assert_true (s_says (out, "not for txn-list-append"));
    assert_false (s_says (out, "no replicated state"));
    assert_false (convergence_known ("txn-list-append"));
    assert_false (convergence_known ("echo"));
    assert_true (convergence_known ("lin-kv"));
    json_decref (out);
}

//  Lists stop at FL_CONVERGENCE_LISTED_MAX, the counts go on.
static void
test_caps (void **state)
{
    (void) state;
    char history [16384] = "";
    int adds = FL_CONVERGENCE_LISTED_MAX + 8;
    for (int i = 0; i < adds; i++) {
        size_t used = strlen (history);
        snprintf (history + used, sizeof history - used, "0 invoke add %d\n0 ok add %d\n", i, i);
    }
    json_t *out = s_run ("g-set", history, "{\"n1\":[[null,[]]]}", -1);
    assert_int_equal (s_count (out, "lost_count"), adds);
    assert_int_equal (json_array_size (json_object_get (out, "lost")), FL_CONVERGENCE_LISTED_MAX);
    json_decref (out);
}

//  A --node program's replicas from its final reads: 2 clients, 3 nodes.
//  Client 0 sends its final reads to n1, n3; client 1 to n2 (lab/client.c:
//  node = (c + k * clients) % nodes + 1). A failed or info final read
//  leaves its node null.
static void
test_replicas_from_finals (void **state)
{
    (void) state;
    opslog_t *log = s_log ("finals",
        "0 invoke add 1\n0 ok add 1\n"
        "0 invoke read - final\n1 invoke read - final\n"
        "0 ok read [1] final\n1 fail read - final\n"
        "2 invoke read - final\n2 info read - final\n");
    json_t *replicas = convergence_replicas_from_finals (log, 2, 3);
    char *text = json_dumps (replicas, JSON_COMPACT | JSON_SORT_KEYS);
    assert_string_equal (text, "{\"n1\":[[null,[1]]],\"n2\":null,\"n3\":null}");
    free (text);
    json_t *out = convergence_compute (log, "g-set", replicas, -1);
    assert_true (json_is_false (json_object_get (out, "converged")));
    json_decref (out);
    json_decref (replicas);
    opslog_destroy (&log);
}

//  The checks entry: named "convergence", its verdict, and one line for
//  the console that says how many writes were lost and what the nodes hold.
static void
test_check_entry (void **state)
{
    (void) state;
    json_t *out = s_run ("lin-kv",
        "0 invoke write 17 key=1\n0 ok write 17 key=1\n"
        "1 invoke write 18 key=1\n1 ok write 18 key=1\n",
        "{\"n1\":[[1,17]],\"n2\":[[1,17]],\"n3\":null}", 10);
    json_t *entry = convergence_check (out);
    assert_string_equal (json_string_value (json_object_get (entry, "name")), "convergence");
    assert_true (json_is_false (json_object_get (entry, "valid")));
    json_t *details = json_object_get (entry, "details");
    const char *reason = json_string_value (json_object_get (details, "reason"));
    assert_non_null (reason);
    assert_non_null (strstr (reason, "1 lost writes (first: write 18 to key 1 by process 1;"
                                     " n1 holds 17, n2 holds 17, all written before it began)"));
    assert_non_null (strstr (reason, "not converged: n3 did not answer"));
    //  The lost op, under "op", for the report's timeline.
    json_t *lost = json_array_get (json_object_get (details, "lost"), 0);
    assert_int_equal (json_integer_value (json_object_get (json_object_get (lost, "op"), "index")), 2);
    json_decref (entry);
    json_decref (out);
    out = s_run ("lin-kv", "0 invoke write 1 key=1\n0 ok write 1 key=1\n",
                 "{\"n1\":[[1,1]]}", 10);
    entry = convergence_check (out);
    assert_true (json_is_true (json_object_get (entry, "valid")));
    assert_null (json_object_get (json_object_get (entry, "details"), "reason"));
    json_decref (entry);
    json_decref (out);
}

//  Registers with the database's own record: every replica gives, per
//  key, the values it applied in order ([KEY, VALUE, [V, ...]]). Writes
//  1, 2, 3 in sequence; every list holds 1 and 3 but not 2: write 2 was
//  acknowledged and no replica applied it, so it is lost though 3
//  supersedes it (the register rule would not see it); 1 and 3 are kept.
static const char *s_applied_history =
    "0 invoke write 1 key=1\n0 ok write 1 key=1\n"
    "1 invoke write 2 key=1\n1 ok write 2 key=1\n"
    "2 invoke write 3 key=1\n2 ok write 3 key=1\n";

static void
test_applied_lost (void **state)
{
    (void) state;
    json_t *out = s_run ("lin-kv", s_applied_history,
        "{\"n1\":[[1,3,[1,3]]],\"n2\":[[1,3,[1,3]]],\"n3\":[[1,3,[1,3]]]}", 1);
    assert_string_equal (s_valid (out), "invalid");
    assert_true (json_is_true (json_object_get (out, "converged")));
    assert_int_equal (s_count (out, "applied_keys"), 1);
    assert_int_equal (s_count (out, "lost_count"), 1);
    json_t *lost = json_array_get (json_object_get (out, "lost"), 0);
    assert_int_equal (json_integer_value (json_object_get (lost, "index")), 2);
    assert_int_equal (json_integer_value (json_object_get (lost, "value")), 2);
    assert_string_equal (json_string_value (json_object_get (lost, "reason")),
        "acknowledged, but no replica applied it: n1, n2, n3 applied 1, 3 to key 1");
    json_decref (out);
    //  Lists that differ are named apart; a cas's "to" is what it applied.
    out = s_run ("lin-kv", "0 invoke write 1 key=1\n0 ok write 1 key=1\n"
        "1 invoke cas [1,4] key=1\n1 ok cas [1,4] key=1\n",
        "{\"n1\":[[1,1,[1]]],\"n2\":[[1,1,[1,9]]]}", 1);
    assert_int_equal (s_count (out, "lost_count"), 1);
    lost = json_array_get (json_object_get (out, "lost"), 0);
    assert_string_equal (json_string_value (json_object_get (lost, "f")), "cas");
    assert_non_null (strstr (json_string_value (json_object_get (lost, "reason")),
                             "n1 applied 1 to key 1; n2 applied 1, 9 to key 1"));
    json_decref (out);
}

//  Every acknowledged write in the lists: nothing lost, though 1 and 2
//  were overwritten; a node without the key applied nothing to it.
static void
test_applied_kept (void **state)
{
    (void) state;
    json_t *out = s_run ("lin-kv", s_applied_history,
        "{\"n1\":[[1,3,[1,2,3]]],\"n2\":[[1,3,[1,2,3]]]}", 1);
    assert_string_equal (s_valid (out), "valid");
    assert_int_equal (s_count (out, "lost_count"), 0);
    assert_true (s_says (out, "applied lists on 1 keys"));
    json_decref (out);
    out = s_run ("lin-kv", s_applied_history, "{\"n1\":[[1,3,[1,2,3]]],\"n2\":[[2,5,[5]]]}", 1);
    assert_int_equal (s_count (out, "lost_count"), 0);     // n1 applied them all
    json_decref (out);
}

//  A replica that did not answer may hold what the others lack: the
//  lists are not used, said why, and the register rule (2 superseded by
//  3: not lost) judges. Likewise when one node gives no lists.
static void
test_applied_not_judged (void **state)
{
    (void) state;
    json_t *out = s_run ("lin-kv", s_applied_history,
        "{\"n1\":[[1,3,[1,3]]],\"n2\":[[1,3,[1,3]]],\"n3\":null}", 1);
    assert_int_equal (s_count (out, "lost_count"), 0);
    assert_int_equal (s_count (out, "applied_keys"), 0);
    assert_true (s_says (out, "applied lists not used: only 2 of 3 nodes gave a state"));
    json_decref (out);
    out = s_run ("lin-kv", s_applied_history, "{\"n1\":[[1,3,[1,3]]],\"n2\":[[1,3]]}", 1);
    assert_int_equal (s_count (out, "lost_count"), 0);
    assert_true (s_says (out, "applied lists not used: n2 gave none"));
    json_decref (out);
    //  A malformed list is a malformed answer.
    out = s_run ("lin-kv", s_applied_history, "{\"n1\":[[1,3,7]],\"n2\":[[1,3,[3],-1]]}", 1);
    assert_int_equal (s_count (out, "answered"), 0);
    assert_true (s_says (out, "n1 has an applied list that is not"));
    json_decref (out);
}

//  Lists trimmed at the front (2 older values dropped, 3 the first kept):
//  writes 1 and 2 may have been in the dropped part, so they are not
//  judged; write 5 began after write 3 completed, so it would come after 3
//  in the list: it is lost.
static void
test_applied_trimmed (void **state)
{
    (void) state;
    char history [1024];
    snprintf (history, sizeof history, "%s%s", s_applied_history,
              "3 invoke write 5 key=1\n3 ok write 5 key=1\n");
    json_t *out = s_run ("lin-kv", history, "{\"n1\":[[1,3,[3],2]],\"n2\":[[1,3,[3],2]]}", 1);
    assert_int_equal (s_count (out, "lost_count"), 1);
    json_t *lost = json_array_get (json_object_get (out, "lost"), 0);
    assert_int_equal (json_integer_value (json_object_get (lost, "value")), 5);
    assert_int_equal (s_count (out, "lost_unjudged_count"), 2);
    json_t *unjudged = json_array_get (json_object_get (out, "lost_unjudged"), 1);
    assert_int_equal (json_integer_value (json_object_get (unjudged, "value")), 2);
    assert_non_null (strstr (json_string_value (json_object_get (unjudged, "reason")),
                             "n1's list for key 1 was trimmed"));
    assert_true (s_says (out, "2 acknowledged writes not judged"));
    json_decref (out);
}

//  A value written twice on a key: its lists cannot tell the writes apart,
//  so the register rule judges that key (2 superseded: not lost), said so.
static void
test_applied_repeated (void **state)
{
    (void) state;
    json_t *out = s_run ("lin-kv", "0 invoke write 2 key=1\n0 ok write 2 key=1\n"
        "1 invoke write 2 key=1\n1 ok write 2 key=1\n2 invoke write 3 key=1\n2 ok write 3 key=1\n",
        "{\"n1\":[[1,3,[3]]],\"n2\":[[1,3,[3]]]}", 1);
    assert_int_equal (s_count (out, "lost_count"), 0);
    assert_int_equal (s_count (out, "applied_keys"), 0);
    assert_true (s_says (out, "key 1: value 2 written more than once"));
    json_decref (out);
}

int
main (void)
{
    tap_start (30);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_register_agreement),
        cmocka_unit_test (test_register_disagreement),
        cmocka_unit_test (test_register_lost_write),
        cmocka_unit_test (test_register_concurrent_not_lost),
        cmocka_unit_test (test_register_invented),
        cmocka_unit_test (test_counter_range),
        cmocka_unit_test (test_set_missing_and_invented),
        cmocka_unit_test (test_null_replica),
        cmocka_unit_test (test_caps),
        cmocka_unit_test (test_replicas_from_finals),
        cmocka_unit_test (test_check_entry),
        cmocka_unit_test (test_applied_lost),
        cmocka_unit_test (test_applied_kept),
        cmocka_unit_test (test_applied_not_judged),
        cmocka_unit_test (test_applied_trimmed),
        cmocka_unit_test (test_applied_repeated),
    };
    return cmocka_run_group_tests_name ("analysis_convergence", tests, NULL, NULL);
}
