/*  analysis_checks.c -- the workload checks (analysis/checks.h) on small
    hand-written histories, one or more for every rule, each worked out by
    hand in its comment; malformed histories; every check on a 100k-op
    history (asserting counts: a slow check shows as this binary's alarm).

    A history is written in a short form, one event a line:

        PROCESS TYPE F [VALUE] [key=KEY] [final]

    VALUE is JSON without spaces ("-" for none). Events get index = their
    position and time = index ms, so "invoked after" reads off the order.
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
#include "../../analysis/checks.h"

//  Write the short-form EVENTS (lines) to tap_dir/NAME.jsonl as a history.
static char *
s_write (const char *name, const char *events)
{
    char *path = NULL;
    assert_true (asprintf (&path, "%s/%s.jsonl", tap_dir, name) > 0);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    char *copy = strdup (events), *save = NULL;
    int index = 0;
    for (char *line = strtok_r (copy, "\n", &save); line; line = strtok_r (NULL, "\n", &save)) {
        char type [16], f [64], value [4096] = "-", extra [2][64] = { "", "" };
        int words = sscanf (line, " %*d %15s %63s %4095s %63s %63s", type, f, value, extra [0], extra [1]);
        int process = atoi (line);
        assert_true (words >= 2);
        fprintf (file, "{\"index\":%d,\"time\":%lld,\"process\":%d,\"type\":\"%s\",\"f\":\"%s\"",
                 index, (long long) index * 1000000, process, type, f);
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
    return path;
}

//  Run CHECK on the short-form history; the entry, checked for its shape.
static json_t *
s_check (const char *check, const char *events)
{
    char *path = s_write (check, events);
    char *error = NULL;
    json_t *entry = checks_run (check, path, &error);
    if (!entry)
        fprintf (stderr, "# %s\n", error);
    assert_non_null (entry);
    assert_string_equal (json_string_value (json_object_get (entry, "name")), check);
    assert_true (json_is_object (json_object_get (entry, "details")));
    free (path);
    return entry;
}

//  "valid", "invalid" or "unknown" of an entry.
static const char *
s_verdict (json_t *entry)
{
    json_t *valid = json_object_get (entry, "valid");
    if (json_is_true (valid))
        return "valid";
    if (json_is_false (valid))
        return "invalid";
    assert_string_equal (json_string_value (valid), "unknown");
    return "unknown";
}

static json_t *
s_detail (json_t *entry, const char *key)
{
    json_t *value = json_object_get (json_object_get (entry, "details"), key);
    if (!value)
        fprintf (stderr, "# no detail '%s'\n", key);
    assert_non_null (value);
    return value;
}

static long long
s_count (json_t *entry, const char *key)
{
    json_t *value = s_detail (entry, key);
    assert_true (json_is_integer (value));
    return (long long) json_integer_value (value);
}

//  The compact JSON of a detail, to compare with what a test expects.
static void
s_detail_is (json_t *entry, const char *key, const char *expected)
{
    char *text = json_dumps (s_detail (entry, key), JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    if (strcmp (text, expected))
        fprintf (stderr, "# %s is %s, not %s\n", key, text, expected);
    assert_string_equal (text, expected);
    free (text);
}

static void
s_reason_has (json_t *entry, const char *words)
{
    const char *reason = json_string_value (s_detail (entry, "reason"));
    if (!strstr (reason, words))
        fprintf (stderr, "# reason '%s' lacks '%s'\n", reason, words);
    assert_non_null (strstr (reason, words));
}

//  --------------------------------------------------------------------
//  set-full

static void
test_gset_valid (void **state)
{
    (void) state;
    //  1 and 2 added ok, both in every read after: stable, valid.
    json_t *entry = s_check ("set-full",
        "0 invoke add 1\n0 ok add 1\n1 invoke add 2\n1 ok add 2\n"
        "0 invoke read -\n0 ok read [1,2]\n1 invoke read -\n1 ok read [2,1] final\n");
    assert_string_equal (s_verdict (entry), "valid");
    assert_int_equal (s_count (entry, "stable_count"), 2);
    assert_int_equal (s_count (entry, "lost_count"), 0);
    assert_int_equal (s_count (entry, "stale_count"), 0);
    assert_int_equal (s_count (entry, "read_count"), 2);
    json_decref (entry);
}

static void
test_broadcast_lossy (void **state)
{
    (void) state;
    //  2 is read once, then a later read (and the last) misses it: lost.
    json_t *entry = s_check ("set-full",
        "0 invoke broadcast 1\n0 ok broadcast 1\n1 invoke broadcast 2\n1 ok broadcast 2\n"
        "0 invoke read -\n0 ok read [1,2]\n1 invoke read -\n1 ok read [1]\n");
    assert_string_equal (s_verdict (entry), "invalid");
    assert_int_equal (s_count (entry, "lost_count"), 1);
    s_detail_is (entry, "lost", "[2]");
    s_reason_has (entry, "1 lost");
    json_t *example = json_array_get (s_detail (entry, "lost_examples"), 0);
    //  the read that missed it last: invoked on line 7
    assert_int_equal (json_integer_value (json_object_get (json_object_get (example, "op"), "line")), 7);
    assert_int_equal (s_count (entry, "stable_count"), 1);
    json_decref (entry);
}

//  Final reads are invoked together, one per node: each must hold every
//  element known before them. The first node's read misses 2 while the
//  later ones hold it: by event order alone 2 would only be stale, but
//  that node lost it.
static void
test_setfull_final_read_missing_is_lost (void **state)
{
    (void) state;
    json_t *entry = s_check ("set-full",
        "0 invoke add 1\n0 ok add 1\n1 invoke add 2\n1 ok add 2\n"
        "0 invoke read - final\n1 invoke read - final\n2 invoke read - final\n"
        "0 ok read [1] final\n1 ok read [1,2] final\n2 ok read [2,1] final\n");
    assert_string_equal (s_verdict (entry), "invalid");
    assert_int_equal (s_count (entry, "lost_count"), 1);
    json_decref (entry);
    //  All hold both: valid.
    entry = s_check ("set-full",
        "0 invoke add 1\n0 ok add 1\n1 invoke add 2\n1 ok add 2\n"
        "0 invoke read - final\n1 invoke read - final\n"
        "0 ok read [1,2] final\n1 ok read [2,1] final\n");
    assert_string_equal (s_verdict (entry), "valid");
    json_decref (entry);
}

static void
test_setfull_stale_and_never_read (void **state)
{
    (void) state;
    //  1 is known at event 1; the read invoked at 2 misses it, the one at
    //  4 holds it: stable but stale by 2 - 1 = 1 ms. 2's add completes at
    //  7, after the last read was invoked: never read.
    json_t *entry = s_check ("set-full",
        "0 invoke add 1\n0 ok add 1\n1 invoke read -\n1 ok read []\n"
        "1 invoke read -\n2 invoke add 2\n1 ok read [1]\n2 ok add 2\n");
    assert_string_equal (s_verdict (entry), "valid");
    assert_int_equal (s_count (entry, "stale_count"), 1);
    s_detail_is (entry, "stale", "[1]");
    json_t *worst = json_array_get (s_detail (entry, "worst_stale"), 0);
    assert_float_equal (json_number_value (json_object_get (worst, "latency_ms")), 1.0, 1e-9);
    assert_float_equal (json_number_value (json_object_get (s_detail (entry, "stale_latency_ms"), "max")),
                        1.0, 1e-9);
    assert_int_equal (s_count (entry, "never_read_count"), 1);
    s_detail_is (entry, "never_read", "[2]");
    json_decref (entry);
}

static void
test_setfull_concurrent_read_is_not_lost (void **state)
{
    (void) state;
    //  The read is invoked before the add completes, so missing 1 says
    //  nothing: not lost, and never read after known (1 is never read).
    //  Nothing stable, so unknown.
    json_t *entry = s_check ("set-full",
        "0 invoke add 1\n1 invoke read -\n1 ok read []\n0 ok add 1\n");
    assert_string_equal (s_verdict (entry), "unknown");
    assert_int_equal (s_count (entry, "lost_count"), 0);
    assert_int_equal (s_count (entry, "never_read_count"), 1);
    s_reason_has (entry, "no element is stable");
    json_decref (entry);
}

static void
test_setfull_duplicate_in_one_read (void **state)
{
    (void) state;
    json_t *entry = s_check ("set-full",
        "0 invoke add 1\n0 ok add 1\n0 invoke read -\n0 ok read [1,1,1]\n");
    assert_string_equal (s_verdict (entry), "invalid");
    assert_int_equal (s_count (entry, "duplicated_count"), 1);
    json_t *dup = json_array_get (s_detail (entry, "duplicated"), 0);
    assert_int_equal (json_integer_value (json_object_get (dup, "element")), 1);
    assert_int_equal (json_integer_value (json_object_get (dup, "times")), 3);
    s_reason_has (entry, "1 duplicated");
    json_decref (entry);
}

static void
test_setfull_invented (void **state)
{
    (void) state;
    //  99 was never added; 5's only add failed, so reading it is invented
    //  too; "1" (a string) is not the element 1.
    json_t *entry = s_check ("set-full",
        "0 invoke add 1\n0 ok add 1\n1 invoke add 5\n1 fail add 5\n"
        "0 invoke read -\n0 ok read [1,99,5,\"1\"]\n");
    assert_string_equal (s_verdict (entry), "invalid");
    assert_int_equal (s_count (entry, "unexpected_count"), 3);
    assert_int_equal (s_count (entry, "stable_count"), 1);
    s_reason_has (entry, "3 unexpected");
    json_decref (entry);
}

static void
test_setfull_info_add (void **state)
{
    (void) state;
    //  3's add timed out but a read holds it: known then, and stable. 4's
    //  timed out and was never seen: unresolved, not lost.
    json_t *entry = s_check ("set-full",
        "0 invoke add 3\n0 info add 3\n1 invoke add 4\n1 info add 4\n"
        "2 invoke read -\n2 ok read [3]\n2 invoke read -\n2 ok read [3]\n");
    assert_string_equal (s_verdict (entry), "valid");
    assert_int_equal (s_count (entry, "stable_count"), 1);
    assert_int_equal (s_count (entry, "unresolved_count"), 1);
    assert_int_equal (s_count (entry, "lost_count"), 0);
    json_decref (entry);
}

static void
test_setfull_unknown_and_malformed (void **state)
{
    (void) state;
    json_t *entry = s_check ("set-full", "0 invoke add 1\n0 ok add 1\n");
    assert_string_equal (s_verdict (entry), "unknown");
    json_decref (entry);
    entry = s_check ("set-full", "0 invoke read -\n0 ok read []\n");
    assert_string_equal (s_verdict (entry), "unknown");
    s_reason_has (entry, "nothing was added");
    json_decref (entry);
    //  a read whose value is not a list is named
    entry = s_check ("set-full",
        "0 invoke add 1\n0 ok add 1\n0 invoke read -\n0 ok read 7\n0 invoke read -\n0 ok read [1]\n");
    assert_string_equal (s_verdict (entry), "invalid");
    assert_int_equal (s_count (entry, "malformed_reads_count"), 1);
    json_decref (entry);
}

static void
test_setfull_listed_max (void **state)
{
    (void) state;
    //  FL_CHECKS_LISTED_MAX + 8 elements lost: the list is capped, the
    //  count is not.
    int lost = FL_CHECKS_LISTED_MAX + 8;
    char *events = malloc (100000), *p = events;
    p += sprintf (p, "0 invoke read -\n0 ok read [");
    for (int e = 0; e < lost; e++) {
        char add [64];
        sprintf (add, "%s%d", e ? "," : "", e);
        p += sprintf (p, "%s", add);
    }
    p += sprintf (p, "]\n0 invoke read -\n0 ok read []\n");
    for (int e = 0; e < lost; e++)
        p += sprintf (p, "1 invoke add %d\n1 ok add %d\n", e, e);
    //  the adds' ops come after, but every element was attempted
    json_t *entry = s_check ("set-full", events);
    free (events);
    assert_string_equal (s_verdict (entry), "invalid");
    assert_int_equal (s_count (entry, "lost_count"), lost);
    assert_int_equal (json_array_size (s_detail (entry, "lost")), FL_CHECKS_LISTED_MAX);
    json_decref (entry);
}

//  --------------------------------------------------------------------
//  counter

static void
test_counter_valid (void **state)
{
    (void) state;
    //  ok adds 3 and -2, an info add of 5: final reads may be 1 or 6.
    json_t *entry = s_check ("counter",
        "0 invoke add 3\n0 ok add 3\n1 invoke add -2\n1 ok add -2\n2 invoke add 5\n2 info add 5\n"
        "0 invoke read - final\n0 ok read 1 final\n1 invoke read - final\n1 ok read 6 final\n");
    assert_string_equal (s_verdict (entry), "valid");
    s_detail_is (entry, "expected", "[1,6]");
    assert_int_equal (s_count (entry, "final_reads"), 2);
    assert_int_equal (s_count (entry, "subset_checked"), 2);
    json_decref (entry);
}

static void
test_counter_final_out_of_range (void **state)
{
    (void) state;
    json_t *entry = s_check ("counter",
        "0 invoke add 3\n0 ok add 3\n0 invoke read - final\n0 ok read 4 final\n");
    assert_string_equal (s_verdict (entry), "invalid");
    json_t *error = json_array_get (s_detail (entry, "errors"), 0);
    assert_string_equal (json_string_value (json_object_get (error, "kind")), "final-out-of-range");
    assert_int_equal (json_integer_value (json_object_get (error, "lower")), 3);
    assert_int_equal (json_integer_value (json_object_get (error, "upper")), 3);
    s_reason_has (entry, "final-out-of-range at line 3");
    json_decref (entry);
}

static void
test_counter_subset_sum (void **state)
{
    (void) state;
    //  info adds of 2 and 2: the range is [0, 4], but 3 is no subset sum.
    json_t *entry = s_check ("counter",
        "0 invoke add 2\n0 info add 2\n1 invoke add 2\n1 info add 2\n"
        "2 invoke read - final\n2 ok read 3 final\n");
    assert_string_equal (s_verdict (entry), "invalid");
    json_t *error = json_array_get (s_detail (entry, "errors"), 0);
    assert_string_equal (json_string_value (json_object_get (error, "kind")), "final-not-a-subset-sum");
    json_decref (entry);
    //  4 is
    entry = s_check ("counter",
        "0 invoke add 2\n0 info add 2\n1 invoke add 2\n1 info add 2\n"
        "2 invoke read - final\n2 ok read 4 final\n");
    assert_string_equal (s_verdict (entry), "valid");
    json_decref (entry);
}

static void
test_counter_no_final_read (void **state)
{
    (void) state;
    json_t *entry = s_check ("counter",
        "0 invoke add 1\n0 ok add 1\n0 invoke read -\n0 ok read 1\n");
    assert_string_equal (s_verdict (entry), "unknown");
    s_reason_has (entry, "no ok final read");
    s_reason_has (entry, "Maelstrom calls this valid");
    json_decref (entry);
}

static void
test_counter_not_integer (void **state)
{
    (void) state;
    json_t *entry = s_check ("counter",
        "0 invoke add 1\n0 ok add 1\n0 invoke read -\n0 ok read 1.0\n"
        "0 invoke read - final\n0 ok read \"1\" final\n");
    assert_string_equal (s_verdict (entry), "invalid");
    assert_int_equal (s_count (entry, "errors_count"), 2);
    json_t *error = json_array_get (s_detail (entry, "errors"), 0);
    assert_string_equal (json_string_value (json_object_get (error, "kind")), "not-an-integer");
    json_decref (entry);
}

//  A read past 64 bits (the client keeps its digits, as jsonl_loads_wide
//  does) is no sum of the adds: invalid, and said so
static void
test_counter_wide_read (void **state)
{
    (void) state;
    json_t *entry = s_check ("counter",
        "0 invoke add 1\n0 ok add 1\n0 invoke read - final\n0 ok read \"18446744073709551617\" final\n");
    assert_string_equal (s_verdict (entry), "invalid");
    json_t *error = json_array_get (s_detail (entry, "errors"), 0);
    assert_string_equal (json_string_value (json_object_get (error, "kind")), "beyond-int64");
    json_decref (entry);
}

static void
test_counter_nonfinal_reads (void **state)
{
    (void) state;
    //  g-counter: a read of 9 when only 1 + 3 were ever invoked is beyond
    //  every add: invalid.
    json_t *entry = s_check ("counter",
        "0 invoke add 1\n0 ok add 1\n1 invoke add 3\n2 invoke read -\n2 ok read 9\n"
        "0 invoke read - final\n0 ok read 4 final\n");
    assert_string_equal (s_verdict (entry), "invalid");
    json_t *error = json_array_get (s_detail (entry, "errors"), 0);
    assert_string_equal (json_string_value (json_object_get (error, "kind")), "beyond-every-add");
    json_decref (entry);
    //  a stale read (0 after the add of 1 completed) is only reported
    entry = s_check ("counter",
        "0 invoke add 1\n0 ok add 1\n1 invoke read -\n1 ok read 0\n"
        "0 invoke read - final\n0 ok read 1 final\n");
    assert_string_equal (s_verdict (entry), "valid");
    assert_int_equal (s_count (entry, "out_of_bounds_count"), 1);
    json_decref (entry);
    //  pn-counter: -2 concurrent with the read; 1 - 2 = -1 is in the
    //  window, -3 is beyond every add
    entry = s_check ("counter",
        "0 invoke add 1\n0 ok add 1\n1 invoke add -2\n2 invoke read -\n2 ok read -3\n1 ok add -2\n"
        "0 invoke read - final\n0 ok read -1 final\n");
    assert_string_equal (s_verdict (entry), "invalid");
    assert_true (json_is_true (s_detail (entry, "negative_deltas")));
    json_decref (entry);
}

static void
test_counter_subset_budget (void **state)
{
    (void) state;
    //  An info add of 10^15: the subset test would pass
    //  FL_CHECKS_SUBSET_WORDS_MAX, so only the range is checked.
    json_t *entry = s_check ("counter",
        "0 invoke add 1000000000000000\n0 info add 1000000000000000\n"
        "1 invoke add 1\n1 info add 1\n"
        "2 invoke read - final\n2 ok read 1 final\n");
    assert_true (1000000000000000LL / 64 > FL_CHECKS_SUBSET_WORDS_MAX);
    assert_string_equal (s_verdict (entry), "valid");
    assert_int_equal (s_count (entry, "subset_unchecked"), 1);
    assert_int_equal (s_count (entry, "subset_checked"), 0);
    json_decref (entry);
    //  sums past int64
    entry = s_check ("counter",
        "0 invoke add 9223372036854775807\n0 ok add 9223372036854775807\n"
        "1 invoke add 1\n1 ok add 1\n2 invoke read - final\n2 ok read 1 final\n");
    assert_string_equal (s_verdict (entry), "unknown");
    s_reason_has (entry, "overflow");
    json_decref (entry);
}

//  --------------------------------------------------------------------
//  unique-ids, echo, stats

static void
test_unique_ids (void **state)
{
    (void) state;
    //  1, 1.0 and "1" are three ids
    json_t *entry = s_check ("unique-ids",
        "0 invoke generate -\n0 ok generate 1\n1 invoke generate -\n1 ok generate 1.0\n"
        "2 invoke generate -\n2 ok generate \"1\"\n3 invoke generate -\n3 info generate\n");
    assert_string_equal (s_verdict (entry), "valid");
    assert_int_equal (s_count (entry, "attempted"), 4);
    assert_int_equal (s_count (entry, "acknowledged"), 3);
    assert_true (json_is_null (s_detail (entry, "range")));
    json_decref (entry);
    entry = s_check ("unique-ids",
        "0 invoke generate -\n0 ok generate 7\n1 invoke generate -\n1 ok generate 3\n"
        "2 invoke generate -\n2 ok generate 7\n");
    assert_string_equal (s_verdict (entry), "invalid");
    s_detail_is (entry, "duplicated", "{\"7\":2}");
    s_detail_is (entry, "range", "[3,7]");
    json_decref (entry);
    //  generates tried, none answered: no id to judge, so unknown
    entry = s_check ("unique-ids",
        "0 invoke generate -\n0 info generate\n1 invoke generate -\n1 fail generate\n");
    assert_string_equal (s_verdict (entry), "unknown");
    s_detail_is (entry, "reason", "\"no generate succeeded (2 attempted): no id to judge\"");
    json_decref (entry);
}

static void
test_echo (void **state)
{
    (void) state;
    json_t *entry = s_check ("echo",
        "0 invoke echo \"Please_echo_1\"\n0 ok echo \"Please_echo_1\"\n");
    assert_string_equal (s_verdict (entry), "valid");
    json_decref (entry);
    entry = s_check ("echo",
        "0 invoke echo \"Please_echo_1\"\n0 ok echo \"Please_echo_2\"\n"
        "1 invoke echo \"Please_echo_3\"\n1 info echo\n");
    assert_string_equal (s_verdict (entry), "invalid");
    assert_int_equal (s_count (entry, "mismatched_count"), 1);
    assert_int_equal (s_count (entry, "failed_count"), 1);
    json_t *mismatch = json_array_get (s_detail (entry, "mismatched"), 0);
    assert_string_equal (json_string_value (json_object_get (mismatch, "got")), "Please_echo_2");
    json_decref (entry);
}

static void
test_stats (void **state)
{
    (void) state;
    //  no read ever ok; the final-phase read counts as a read
    json_t *entry = s_check ("stats",
        "0 invoke add 1\n0 ok add 1\n1 invoke read -\n1 fail read\n"
        "1 invoke read - final\n1 info read - final\n");
    assert_string_equal (s_verdict (entry), "invalid");
    s_reason_has (entry, "no successful read");
    json_t *read = json_object_get (s_detail (entry, "by_f"), "read");
    assert_int_equal (json_integer_value (json_object_get (read, "count")), 2);
    assert_int_equal (json_integer_value (json_object_get (read, "final")), 1);
    assert_int_equal (json_integer_value (json_object_get (read, "info")), 1);
    json_decref (entry);
    entry = s_check ("stats", "0 invoke add 1\n0 ok add 1\n");
    assert_string_equal (s_verdict (entry), "valid");
    json_decref (entry);
    entry = s_check ("stats", "");
    assert_string_equal (s_verdict (entry), "unknown");
    s_reason_has (entry, "no ops");
    json_decref (entry);
    //  FL_HISTORY_FS_MAX + 1 distinct f names, each ok: not a workload's
    char *events = malloc (100000), *p = events;
    for (int f = 0; f <= FL_HISTORY_FS_MAX; f++)
        p += sprintf (p, "0 invoke f%d -\n0 ok f%d -\n", f, f);
    entry = s_check ("stats", events);
    free (events);
    assert_string_equal (s_verdict (entry), "unknown");
    s_reason_has (entry, "FL_HISTORY_FS_MAX");
    assert_int_equal (json_object_size (s_detail (entry, "by_f")), FL_HISTORY_FS_MAX);
    json_decref (entry);
}

//  --------------------------------------------------------------------
//  kafka

static long long
s_kafka_count (json_t *entry, const char *kind)
{
    return (long long) json_integer_value (json_object_get (s_detail (entry, "counts"), kind));
}

//  Every kind is 0 but KIND, which is COUNT.
static void
s_kafka_only (json_t *entry, const char *kind, long long count)
{
    const char *kinds [] = { "duplicate", "inconsistent-offsets", "lost-write", "unseen",
        "nonmonotonic-send", "nonmonotonic-poll", "poll-skip", "unexpected", "malformed" };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds [0]; i++) {
        long long got = s_kafka_count (entry, kinds [i]);
        long long want = kind && strcmp (kind, kinds [i]) == 0 ? count : 0;
        if (got != want)
            fprintf (stderr, "# %s: %lld, not %lld\n", kinds [i], got, want);
        assert_int_equal (got, want);
    }
    assert_string_equal (s_verdict (entry), kind ? "invalid" : "valid");
    if (kind)
        assert_int_equal (json_array_size (s_detail (entry, kind)), count);
}

#define SENDS_5_7 "0 invoke send 5 key=3\n0 ok send [0,5]\n0 invoke send 7 key=3\n0 ok send [1,7]\n"

static void
test_kafka_valid (void **state)
{
    (void) state;
    json_t *entry = s_check ("kafka", SENDS_5_7
        "1 invoke poll {\"3\":0}\n1 ok poll {\"3\":[[0,5],[1,7]]}\n"
        "1 invoke commit_offsets {\"3\":1}\n1 ok commit_offsets\n"
        "1 invoke poll {\"3\":2}\n1 ok poll {\"3\":[]}\n");
    s_kafka_only (entry, NULL, 0);
    json_decref (entry);
}

static void
test_kafka_duplicate (void **state)
{
    (void) state;
    //  5, sent once, polled at offsets 0 and 2
    json_t *entry = s_check ("kafka", SENDS_5_7
        "1 invoke poll {\"3\":0}\n1 ok poll {\"3\":[[0,5],[1,7],[2,5]]}\n");
    s_kafka_only (entry, "duplicate", 1);
    json_decref (entry);
}

static void
test_kafka_inconsistent (void **state)
{
    (void) state;
    //  offset 0 of key 3 is 5 to one send, 6 to another
    json_t *entry = s_check ("kafka",
        "0 invoke send 5 key=3\n0 ok send [0,5]\n1 invoke send 6 key=3\n1 ok send [0,6]\n"
        "2 invoke poll {\"3\":0}\n2 ok poll {\"3\":[[0,5]]}\n"
        "3 invoke poll {\"3\":0}\n3 ok poll {\"3\":[[0,6]]}\n");
    s_kafka_only (entry, "inconsistent-offsets", 1);
    json_decref (entry);
}

static void
test_kafka_lost_and_unseen (void **state)
{
    (void) state;
    //  6 at offset 1 is never polled though offset 2 was: lost. 8 at 3,
    //  above every polled offset, is unseen. (Each process polls once, so
    //  no poll skips.)
    json_t *entry = s_check ("kafka",
        "0 invoke send 5 key=3\n0 ok send [0,5]\n0 invoke send 6 key=3\n0 ok send [1,6]\n"
        "0 invoke send 7 key=3\n0 ok send [2,7]\n"
        "1 invoke poll {\"3\":0}\n1 ok poll {\"3\":[[0,5]]}\n"
        "2 invoke poll {\"3\":2}\n2 ok poll {\"3\":[[2,7]]}\n");
    s_kafka_only (entry, "lost-write", 1);
    json_decref (entry);
    entry = s_check ("kafka", SENDS_5_7
        "0 invoke send 8 key=3\n0 ok send [2,8]\n"
        "1 invoke poll {\"3\":0}\n1 ok poll {\"3\":[[0,5],[1,7]]}\n");
    s_kafka_only (entry, "unseen", 1);
    json_decref (entry);
}

static void
test_kafka_nonmonotonic_send (void **state)
{
    (void) state;
    json_t *entry = s_check ("kafka",
        "0 invoke send 5 key=3\n0 ok send [1,5]\n0 invoke send 7 key=3\n0 ok send [0,7]\n"
        "1 invoke poll {\"3\":0}\n1 ok poll {\"3\":[[0,7],[1,5]]}\n");
    s_kafka_only (entry, "nonmonotonic-send", 1);
    json_decref (entry);
}

static void
test_kafka_nonmonotonic_poll (void **state)
{
    (void) state;
    //  process 1 polls 1 then 0: backwards
    json_t *entry = s_check ("kafka", SENDS_5_7
        "1 invoke poll {\"3\":1}\n1 ok poll {\"3\":[[1,7]]}\n"
        "1 invoke poll {\"3\":0}\n1 ok poll {\"3\":[[0,5]]}\n");
    s_kafka_only (entry, "nonmonotonic-poll", 1);
    json_decref (entry);
    //  within one poll
    entry = s_check ("kafka", SENDS_5_7
        "1 invoke poll {\"3\":0}\n1 ok poll {\"3\":[[1,7],[0,5]]}\n");
    s_kafka_only (entry, "nonmonotonic-poll", 1);
    json_decref (entry);
    //  after list_committed_offsets the process starts afresh
    entry = s_check ("kafka", SENDS_5_7
        "1 invoke poll {\"3\":1}\n1 ok poll {\"3\":[[1,7]]}\n"
        "1 invoke list_committed_offsets [\"3\"]\n1 ok list_committed_offsets {}\n"
        "1 invoke poll {\"3\":0}\n1 ok poll {\"3\":[[0,5],[1,7]]}\n");
    s_kafka_only (entry, NULL, 0);
    json_decref (entry);
}

static void
test_kafka_poll_skip (void **state)
{
    (void) state;
    //  process 1 polls 0, then 2: offset 1 exists (an ok send) and was
    //  stepped over
    json_t *entry = s_check ("kafka", SENDS_5_7
        "0 invoke send 8 key=3\n0 ok send [2,8]\n"
        "1 invoke poll {\"3\":0}\n1 ok poll {\"3\":[[0,5]]}\n"
        "1 invoke poll {\"3\":1}\n1 ok poll {\"3\":[[2,8]]}\n"
        "2 invoke poll {\"3\":0}\n2 ok poll {\"3\":[[0,5],[1,7],[2,8]]}\n");
    s_kafka_only (entry, "poll-skip", 1);
    json_t *skip = json_array_get (s_detail (entry, "poll-skip"), 0);
    assert_int_equal (json_integer_value (json_object_get (skip, "skipped")), 1);
    json_decref (entry);
}

static void
test_kafka_unexpected_and_malformed (void **state)
{
    (void) state;
    json_t *entry = s_check ("kafka", SENDS_5_7
        "1 invoke poll {\"3\":0}\n1 ok poll {\"3\":[[0,5],[1,7],[2,99]]}\n");
    s_kafka_only (entry, "unexpected", 1);
    json_decref (entry);
    entry = s_check ("kafka",
        "0 invoke send 5 key=3\n0 ok send 0\n1 invoke poll {\"3\":0}\n1 ok poll {\"3\":[0,5]}\n");
    s_kafka_only (entry, "malformed", 2);
    json_decref (entry);
}

//  --------------------------------------------------------------------
//  errors

static void
test_errors (void **state)
{
    (void) state;
    char *path = NULL;
    assert_true (asprintf (&path, "%s/bad.jsonl", tap_dir) > 0);
    FILE *file = fopen (path, "w");
    fprintf (file, "{\"index\":0,\"time\":0,\"process\":0,\"type\":\"invoke\",\"f\":\"add\",\"value\":1}\n"
                   "{\"index\":1,\"time\":1,\"process\":0,\"type\":\"ok\",\"f\":\"add\",\"value\":1}\n"
                   "{\"index\":2,\"time\":2,\"process\":0,\"type\":\"invoke\",\n");
    fclose (file);
    char *error = NULL;
    assert_null (checks_run ("set-full", path, &error));
    char *where = NULL;
    assert_true (asprintf (&where, "%s:3: ", path) > 0);
    if (strncmp (error, where, strlen (where)))
        fprintf (stderr, "# %s\n", error);
    assert_int_equal (strncmp (error, where, strlen (where)), 0);
    free (where);
    free (error);
    error = NULL;
    assert_null (checks_run ("no-such", path, &error));
    assert_non_null (strstr (error, "unknown check 'no-such'"));
    assert_non_null (strstr (error, checks_names ()));
    free (error);
    error = NULL;
    assert_null (checks_run ("counter", "/nonexistent/history.jsonl", &error));
    assert_non_null (strstr (error, "/nonexistent/history.jsonl"));
    free (error);
    free (path);
    assert_true (checks_known ("set-full"));
    assert_true (checks_known ("stats"));
    assert_false (checks_known ("lin-kv"));
}

//  --------------------------------------------------------------------
//  100k ops

#define BIG_OPS 100000

static char *
s_big_path (const char *name)
{
    char *path = NULL;
    assert_true (asprintf (&path, "%s/big-%s.jsonl", tap_dir, name) > 0);
    return path;
}

static void
s_event (FILE *file, long *index, int process, const char *type, const char *f, const char *rest)
{
    fprintf (file, "{\"index\":%ld,\"time\":%ld,\"process\":%d,\"type\":\"%s\",\"f\":\"%s\"%s}\n",
             *index, *index * 1000, process, type, f, rest);
    (*index)++;
}

static json_t *
s_big_check (const char *check, const char *path)
{
    char *error = NULL;
    json_t *entry = checks_run (check, path, &error);
    if (!entry)
        fprintf (stderr, "# %s\n", error);
    assert_non_null (entry);
    return entry;
}

static void
test_big_setfull (void **state)
{
    (void) state;
    //  Ops 0..99999: every 4000th a read of all elements added so far,
    //  25 reads in all, the last after every add: all 99 975 are stable.
    char *path = s_big_path ("setfull");
    FILE *file = fopen (path, "w");
    long index = 0;
    int added = 0;
    char *list = malloc (BIG_OPS * 8 + 64), rest [64];
    for (int op = 0; op < BIG_OPS; op++) {
        if (op % 4000 == 3999) {
            char *p = list + sprintf (list, ",\"value\":[");
            for (int e = 0; e < added; e++)
                p += sprintf (p, e ? ",%d" : "%d", e);
            sprintf (p, "]");
            s_event (file, &index, 1, "invoke", "read", "");
            s_event (file, &index, 1, "ok", "read", list);
            continue;
        }
        sprintf (rest, ",\"value\":%d", added++);
        s_event (file, &index, 0, "invoke", "add", rest);
        s_event (file, &index, 0, "ok", "add", rest);
    }
    fclose (file);
    free (list);
    json_t *entry = s_big_check ("set-full", path);
    assert_string_equal (s_verdict (entry), "valid");
    assert_int_equal (s_count (entry, "stable_count"), added);
    assert_int_equal (s_count (entry, "read_count"), 25);
    assert_int_equal (s_count (entry, "attempted_count"), BIG_OPS - 25);
    json_decref (entry);
    free (path);
}

static void
test_big_counter_kafka_ids (void **state)
{
    (void) state;
    //  A counter: 100k ops of 10 processes, adds of +1 and -1 (one in
    //  ten info) and reads of the definite sum, then one final read.
    char *path = s_big_path ("counter");
    FILE *file = fopen (path, "w");
    long index = 0, sum = 0;
    char rest [64];
    for (int op = 0; op < BIG_OPS - 1; op++) {
        int delta = op % 2 ? 1 : -1;
        bool info = op % 10 == 4;       // always -1
        if (op % 3 == 0) {
            sprintf (rest, ",\"value\":%ld", sum);
            s_event (file, &index, op % 10, "invoke", "read", "");
            s_event (file, &index, op % 10, "ok", "read", rest);
            continue;
        }
        sprintf (rest, ",\"value\":%d", delta);
        s_event (file, &index, op % 10, "invoke", "add", rest);
        s_event (file, &index, op % 10, info ? "info" : "ok", "add", rest);
        sum += info ? 0 : delta;
    }
    sprintf (rest, ",\"value\":%ld,\"final\":true", sum);
    s_event (file, &index, 0, "invoke", "read", ",\"final\":true");
    s_event (file, &index, 0, "ok", "read", rest);
    fclose (file);
    json_t *entry = s_big_check ("counter", path);
    assert_string_equal (s_verdict (entry), "valid");
    assert_int_equal (s_count (entry, "final_reads"), 1);
    assert_int_equal (s_count (entry, "subset_checked"), 1);
    assert_int_equal (s_count (entry, "out_of_bounds_count"), 0);
    json_decref (entry);
    free (path);

    //  kafka: 50k sends to 10 keys, each process polling its key after
    //  each send
    path = s_big_path ("kafka");
    file = fopen (path, "w");
    index = 0;
    int offsets [10] = { 0 };
    for (int op = 0; op < BIG_OPS / 2; op++) {
        int key = op % 10, offset = offsets [key]++;
        sprintf (rest, ",\"key\":\"%d\",\"value\":%d", key, op);
        s_event (file, &index, key, "invoke", "send", rest);
        sprintf (rest, ",\"value\":[%d,%d]", offset, op);
        s_event (file, &index, key, "ok", "send", rest);
        sprintf (rest, ",\"value\":{\"%d\":%d}", key, offset);
        s_event (file, &index, key, "invoke", "poll", rest);
        sprintf (rest, ",\"value\":{\"%d\":[[%d,%d]]}", key, offset, op);
        s_event (file, &index, key, "ok", "poll", rest);
    }
    fclose (file);
    entry = s_big_check ("kafka", path);
    s_kafka_only (entry, NULL, 0);
    assert_int_equal (s_count (entry, "sends"), BIG_OPS / 2);
    json_decref (entry);
    free (path);

    //  unique ids: 100k, the last one repeating the first
    path = s_big_path ("ids");
    file = fopen (path, "w");
    index = 0;
    for (int op = 0; op < BIG_OPS; op++) {
        sprintf (rest, ",\"value\":\"n1-%d\"", op == BIG_OPS - 1 ? 0 : op);
        s_event (file, &index, op % 5, "invoke", "generate", "");
        s_event (file, &index, op % 5, "ok", "generate", rest);
    }
    fclose (file);
    entry = s_big_check ("unique-ids", path);
    assert_string_equal (s_verdict (entry), "invalid");
    assert_int_equal (s_count (entry, "duplicated_count"), 1);
    assert_int_equal (s_count (entry, "acknowledged"), BIG_OPS);
    json_decref (entry);
    entry = s_big_check ("stats", path);
    assert_string_equal (s_verdict (entry), "valid");
    json_decref (entry);
    free (path);
}

int
main (void)
{
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_gset_valid),
        cmocka_unit_test (test_broadcast_lossy),
        cmocka_unit_test (test_setfull_stale_and_never_read),
        cmocka_unit_test (test_setfull_final_read_missing_is_lost),
        cmocka_unit_test (test_setfull_concurrent_read_is_not_lost),
        cmocka_unit_test (test_setfull_duplicate_in_one_read),
        cmocka_unit_test (test_setfull_invented),
        cmocka_unit_test (test_setfull_info_add),
        cmocka_unit_test (test_setfull_unknown_and_malformed),
        cmocka_unit_test (test_setfull_listed_max),
        cmocka_unit_test (test_counter_valid),
        cmocka_unit_test (test_counter_final_out_of_range),
        cmocka_unit_test (test_counter_subset_sum),
        cmocka_unit_test (test_counter_no_final_read),
        cmocka_unit_test (test_counter_not_integer),
        cmocka_unit_test (test_counter_wide_read),
        cmocka_unit_test (test_counter_nonfinal_reads),
        cmocka_unit_test (test_counter_subset_budget),
        cmocka_unit_test (test_unique_ids),
        cmocka_unit_test (test_echo),
        cmocka_unit_test (test_stats),
        cmocka_unit_test (test_kafka_valid),
        cmocka_unit_test (test_kafka_duplicate),
        cmocka_unit_test (test_kafka_inconsistent),
        cmocka_unit_test (test_kafka_lost_and_unseen),
        cmocka_unit_test (test_kafka_nonmonotonic_send),
        cmocka_unit_test (test_kafka_nonmonotonic_poll),
        cmocka_unit_test (test_kafka_poll_skip),
        cmocka_unit_test (test_kafka_unexpected_and_malformed),
        cmocka_unit_test (test_errors),
        cmocka_unit_test (test_big_setfull),
        cmocka_unit_test (test_big_counter_kafka_ids),
    };
    return cmocka_run_group_tests (tests, tap_dir_make, tap_dir_remove);
}
