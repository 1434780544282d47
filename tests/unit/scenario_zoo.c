/*  scenario_zoo.c -- the bug zoo's files (scenario/zoo.c): the shipped
    scenarios/bug-zoo.zoo, an entry's optional words, and every refusal
    naming file and line; and a scenario's `bug = NAME` key, passed as the
    param bug=NAME, refused when malformed or named twice.
*/
#include "tap.h"
#include <string.h>
#include "../../scenario/zoo.h"
#include "../../scenario/scenario.h"

static char s_dir [] = "/tmp/scenario_zoo.XXXXXX";

static const char *
s_write (const char *name, const char *text)
{
    static char path [256];
    snprintf (path, sizeof path, "%s/%s", s_dir, name);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fputs (text, file);
    fclose (file);
    return path;
}

static void
test_shipped (void **state)
{
    (void) state;
    assert_true (zoo_file ("scenarios/bug-zoo.zoo"));
    assert_false (zoo_file ("scenarios/split-brain.conf"));
    assert_false (zoo_file ("/nonexistent"));
    char *error = NULL;
    zoo_t *zoo = zoo_load ("scenarios/bug-zoo.zoo", &error);
    if (!zoo)
        fprintf (stderr, "# %s\n", error);
    assert_non_null (zoo);
    assert_true (zoo->count >= 7);
    assert_string_equal (zoo->entries [0].system, "raft");
    assert_string_equal (zoo->entries [0].bug, "stale-read");
    assert_true (zoo->entries [0].time_limit_s > 0);
    zoo_destroy (&zoo);
    assert_null (zoo);
}

static void
test_words (void **state)
{
    (void) state;
    const char *path = s_write ("w.conf", "# a zoo\ntime_limit_s = 5\nzoo\n"
        "    entry = crdt merge-last crdt-partition workload=pn-counter seed=7\n"
        "    entry = raft stale-read isolate-leader time_limit_s=3   # short\n");
    char *error = NULL;
    zoo_t *zoo = zoo_load (path, &error);
    assert_non_null (zoo);
    assert_int_equal (zoo->count, 2);
    assert_string_equal (zoo->entries [0].workload, "pn-counter");
    assert_true (zoo->entries [0].has_seed);
    assert_int_equal (zoo->entries [0].seed, 7);
    assert_true (zoo->entries [0].time_limit_s == 5);
    assert_int_equal (zoo->entries [0].line, 4);
    assert_false (zoo->entries [1].has_seed);
    assert_true (zoo->entries [1].time_limit_s == 3);
    zoo_destroy (&zoo);
}

static void
s_refused (const char *text, const char *message)
{
    const char *path = s_write ("bad.conf", text);
    char *error = NULL;
    zoo_t *zoo = zoo_load (path, &error);
    assert_null (zoo);
    assert_non_null (error);
    if (!strstr (error, message))
        fprintf (stderr, "# got: %s\n", error);
    assert_non_null (strstr (error, message));
    free (error);
}

static void
test_refusals (void **state)
{
    (void) state;
    s_refused ("zoo\n    entry = raft stale-read\n", "bad.conf:2: entry: 'raft' is not SYSTEM BUG");
    s_refused ("zoo\n    entry = raft a b seed=x\n", "bad.conf:2: entry: seed 'x' is not a whole");
    s_refused ("zoo\n    entry = raft a b time_limit_s=nan\n", ":2: entry: time_limit_s 'nan'");
    s_refused ("zoo\n    entry = raft a b colour=red\n", ":2: entry: 'colour=red' is not seed=N");
    s_refused ("time_limit_s = 0\nzoo\n    entry = raft a b\n", ":1: time_limit_s: '0' is not");
    s_refused ("zoo\n\tentry = raft a b\n", ":2: a tab");
    s_refused ("nodes = 3\nzoo\n    entry = raft a b\n", ":1: 'nodes' is not a key of a zoo");
    s_refused ("zoo\n  entry = raft a b\n", ":2: entry: only 'entry = SYSTEM BUG SCENARIO' lines");
    s_refused ("description = x\nzoo\n", ":1: zoo: no entry");
    const char *path = s_write ("nul.conf", "");
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fwrite ("zoo\n    entry = r b s\0x\n", 1, 24, file);
    fclose (file);
    char *error = NULL;
    assert_null (zoo_load (path, &error));
    assert_non_null (strstr (error, "holds a NUL byte"));
    free (error);
}

static void
test_scenario_bug_key (void **state)
{
    (void) state;
    const char *base = "nodes = 3\nduration_s = 2\nsystems\n    raft = valid\n"
                       "workload\n    name = lin-kv\n    clients = 1\n";
    char text [512];
    snprintf (text, sizeof text, "bug = stale-read\n%s", base);
    char *error = NULL;
    scenario_t *sc = scenario_load (s_write ("b.conf", text), &error);
    assert_non_null (sc);
    assert_int_equal (sc->params_count, 1);
    assert_string_equal (sc->params [0], "bug=stale-read");
    scenario_destroy (&sc);
    snprintf (text, sizeof text, "bug = Stale Read\n%s", base);
    assert_null (scenario_load (s_write ("b.conf", text), &error));
    assert_non_null (strstr (error, "b.conf:1: bug: 'Stale Read' is not a bug name"));
    free (error);
    snprintf (text, sizeof text, "bug = stale-read\n%sparams\n    bug = double-vote\n", base);
    assert_null (scenario_load (s_write ("b.conf", text), &error));
    assert_non_null (strstr (error, "a bug is named at the top too"));
    free (error);
}

int
main (void)
{
    tap_start (30);
    if (!mkdtemp (s_dir))
        return 1;
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_shipped),
        cmocka_unit_test (test_words),
        cmocka_unit_test (test_refusals),
        cmocka_unit_test (test_scenario_bug_key),
    };
    int rc = cmocka_run_group_tests_name ("scenario_zoo", tests, NULL, NULL);
    tap_remove_dir (s_dir);
    return rc;
}
