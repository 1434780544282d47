/*  scenario_file.c -- scenario files: a good one loads with every field
    as written; every malformed case is refused with a message naming the
    file, the line and the key. Also the fault-action parser the scenario
    uses for its steps, and every shipped scenario in scenarios/ loads.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glob.h>
#include "tap.h"
#include "limits.h"
#include "../../scenario/scenario.h"
#include "../../scenario/action.h"
#include "../../scenario/schedule.h"

#define GOOD \
    "# a comment\n" \
    "description = \"two # halves\"\n" \
    "nodes = 5\n" \
    "duration_s = 10\n" \
    "systems\n" \
    "    primary = invalid\n" \
    "    raft = valid   # trailing comment\n" \
    "params\n" \
    "    w = quorum\n" \
    "workload\n" \
    "    name = lin-kv\n" \
    "    clients = 4\n" \
    "    rate = 50\n" \
    "    keys = 2\n" \
    "    timeout_ms = 700\n" \
    "faults\n" \
    "    step\n" \
    "        at_s = 1\n" \
    "        do = partition n1,n2|n3,n4,n5\n" \
    "    step\n" \
    "        at_s = 3.5\n" \
    "        do = heal\n" \
    "    random\n" \
    "        start_s = 4\n" \
    "        fault_s = 2\n" \
    "        gap_s = 1\n" \
    "        kinds = partition halves; kill random\n" \
    "final\n" \
    "    heal = true\n" \
    "    settle_s = 2\n" \
    "checks\n" \
    "    linearizable = true\n"


//  Write text to DIR/t.conf and load it.
static scenario_t *
s_load (const char *text, char **error)
{
    char path [128];
    snprintf (path, sizeof path, "%s/t.conf", tap_dir);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fputs (text, file);
    fclose (file);
    *error = NULL;
    return scenario_load (path, error);
}

//  Replace the first occurrence of from in GOOD by to, load, expect the
//  error to contain "t.conf:LINE: " and the key text.
static void
s_expect_error (const char *from, const char *to, int line, const char *key)
{
    const char *good = GOOD;
    const char *at = strstr (good, from);
    assert_non_null (at);
    char text [4096];
    snprintf (text, sizeof text, "%.*s%s%s", (int) (at - good), good, to, at + strlen (from));
    char *error = NULL;
    scenario_t *scenario = s_load (text, &error);
    if (scenario || !error)
        fail_msg ("expected an error for '%s' -> '%s'", from, to);
    char where [64];
    snprintf (where, sizeof where, "t.conf:%d: ", line);
    if (!strstr (error, where) || !strstr (error, key))
        fail_msg ("error '%s' does not name line %d and key '%s'", error, line, key);
    free (error);
}

//  FL_SCENARIO_PARAMS_MAX and FL_ACTION_WORDS_MAX are reached by name:
//  one more param or word than they allow is an error that says so.
static void
test_limits_by_name (void **state)
{
    (void) state;
    char params [2048] = "params\n";
    for (int i = 0; i <= FL_SCENARIO_PARAMS_MAX; i++) {
        size_t used = strlen (params);
        snprintf (params + used, sizeof params - used, "    p%d = %d\n", i, i);
    }
    s_expect_error ("params\n    w = quorum\n", params, 9 + FL_SCENARIO_PARAMS_MAX,
                    "FL_SCENARIO_PARAMS_MAX");
    action_t action;
    char words [256] = "partition";
    for (int i = 1; i <= FL_ACTION_WORDS_MAX; i++) {
        size_t used = strlen (words);
        snprintf (words + used, sizeof words - used, " n%d", i);
    }
    char *error = NULL;
    assert_int_equal (action_parse (&action, words, 5, &error), -1);
    assert_non_null (error);
    assert_non_null (strstr (error, "FL_ACTION_WORDS_MAX"));
    free (error);
}

//  The head of a scenario, 7 lines; tests append to it.
#define HEAD(duration) \
    "nodes = 5\nduration_s = " duration "\nsystems\n    raft = valid\n" \
    "workload\n    name = lin-kv\n    clients = 4\n"

//  TEXT (malloc'd, freed here) must be refused with an error naming
//  t.conf:LINE and containing WHAT, and WHAT2 if not NULL.
static void
s_refused (char *text, int line, const char *what, const char *what2)
{
    char *error = NULL;
    scenario_t *scenario = s_load (text, &error);
    free (text);
    if (scenario || !error)
        fail_msg ("expected an error naming line %d and '%s'", line, what);
    char where [64];
    snprintf (where, sizeof where, "t.conf:%d: ", line);
    if (!strstr (error, where) || !strstr (error, what) || (what2 && !strstr (error, what2)))
        fail_msg ("error '%s' does not name line %d and '%s'", error, line, what);
    free (error);
}

//  TEXT (malloc'd, freed here) loads.
static scenario_t *
s_loads (char *text)
{
    char *error = NULL;
    scenario_t *scenario = s_load (text, &error);
    free (text);
    if (!scenario)
        fail_msg ("expected to load: %s", error);
    return scenario;
}

//  HEAD then COUNT copies of REPEAT, then TAIL (malloc'd).
static char *
s_repeat (const char *head, const char *repeat, size_t count, const char *tail)
{
    size_t size = strlen (head) + strlen (repeat) * count + strlen (tail) + 1;
    char *text = malloc (size);
    assert_non_null (text);
    size_t used = (size_t) snprintf (text, size, "%s", head);
    for (size_t i = 0; i < count; i++)
        used += (size_t) snprintf (text + used, size - used, "%s", repeat);
    snprintf (text + used, size - used, "%s", tail);
    return text;
}

//  FL_SCENARIO_STEPS_MAX steps load; one more is refused at its line.
//  The random generator's steps count too: a scenario whose random
//  section would make more is refused, not cut short.
static void
test_steps_max (void **state)
{
    (void) state;
    const char *step = "    step\n        at_s = 1\n        do = heal\n";
    scenario_t *sc = s_loads (s_repeat (HEAD ("10") "faults\n", step, FL_SCENARIO_STEPS_MAX, ""));
    assert_int_equal (sc->steps_count, FL_SCENARIO_STEPS_MAX);
    scenario_destroy (&sc);
    char bound [64];
    snprintf (bound, sizeof bound, "more than %d steps (FL_SCENARIO_STEPS_MAX)",
              FL_SCENARIO_STEPS_MAX);
    s_refused (s_repeat (HEAD ("10") "faults\n", step, FL_SCENARIO_STEPS_MAX + 1, ""),
               8 + 3 * FL_SCENARIO_STEPS_MAX + 1, "faults/step", bound);
    //  Random: a fault and its undo every 0.2 s from 0 s; 512 pairs fit
    //  in 102.4 s, FL_SCENARIO_STEPS_MAX steps; one explicit step more
    //  does not fit
    const char *random = "    random\n        start_s = 0\n        fault_s = 0.1\n"
                         "        gap_s = 0.1\n        kinds = kill n1\n";
    sc = s_loads (s_repeat (HEAD ("102.4") "faults\n", random, 1, ""));
    schedule_t *schedule = schedule_new (sc, 1, (int64_t) (sc->duration_s * 1000));
    assert_int_equal (schedule_size (schedule), FL_SCENARIO_STEPS_MAX);
    schedule_destroy (&schedule);
    scenario_destroy (&sc);
    s_refused (s_repeat (HEAD ("102.4") "faults\n", step, 1, random), 12,
               "faults/random", "FL_SCENARIO_STEPS_MAX");
    s_refused (s_repeat (HEAD ("3600") "faults\n", random, 1, ""), 9,
               "faults/random: makes 36000 random steps", "FL_SCENARIO_STEPS_MAX");
}

//  FL_TYPE_BLOCKS_MAX distinct block-type faults load, one more is
//  refused at its line; so is the type that would be one past what the
//  proxy can hold (FL_PROXY_TYPES_MAX): a run never meets either limit.
static void
test_type_blocks_max (void **state)
{
    (void) state;
    char step [128], *text = strdup (HEAD ("10") "faults\n");
    for (int k = 0; k <= FL_TYPE_BLOCKS_MAX; k++) {
        //  Distinct by type (t0..t3) and by link (20 ordered pairs)
        int from = k % 20 / 4 + 1, to = (from + k % 4) % 5 + 1;
        snprintf (step, sizeof step, "    step\n        at_s = 1\n"
                  "        do = block-type t%d n%d -> n%d\n", k / 20, from, to);
        char *grown = s_repeat (text, step, 1, "");
        free (text);
        text = grown;
        if (k == FL_TYPE_BLOCKS_MAX - 1) {
            scenario_t *sc = s_loads (strdup (text));
            assert_int_equal (sc->steps_count, FL_TYPE_BLOCKS_MAX);
            scenario_destroy (&sc);
        }
    }
    //  A step repeated is the same block: it does not count again
    char *again = s_repeat (HEAD ("10") "faults\n",
                            "    step\n        at_s = 1\n        do = block-type t1 n1 -> n2\n",
                            FL_TYPE_BLOCKS_MAX + 1, "");
    scenario_t *sc = s_loads (again);
    scenario_destroy (&sc);
    s_refused (text, 8 + 3 * FL_TYPE_BLOCKS_MAX + 3, "more than 64 distinct block-type",
               "FL_TYPE_BLOCKS_MAX");
    text = strdup (HEAD ("10") "faults\n");
    for (int k = 0; k <= FL_PROXY_TYPES_MAX; k++) {
        snprintf (step, sizeof step, "    step\n        at_s = 1\n"
                  "        do = block-type t%d n1 -> n2\n", k);
        char *grown = s_repeat (text, step, 1, "");
        free (text);
        text = grown;
    }
    char bound [96];
    snprintf (bound, sizeof bound, "'t%d' is one message type too many", FL_PROXY_TYPES_MAX);
    s_refused (text, 8 + 3 * FL_PROXY_TYPES_MAX + 3, bound, "FL_PROXY_TYPES_MAX");
}

//  FL_SCENARIO_LINES_MAX lines load (comments count); one more does not.
static void
test_lines_max (void **state)
{
    (void) state;
    scenario_t *sc = s_loads (s_repeat (HEAD ("10"), "# note\n", FL_SCENARIO_LINES_MAX - 7, ""));
    scenario_destroy (&sc);
    char bound [64];
    snprintf (bound, sizeof bound, "more than %d lines (FL_SCENARIO_LINES_MAX)",
              FL_SCENARIO_LINES_MAX);
    s_refused (s_repeat (HEAD ("10"), "# note\n", FL_SCENARIO_LINES_MAX - 6, ""),
               FL_SCENARIO_LINES_MAX + 1, bound, NULL);
}

//  FL_SCENARIO_SYSTEMS_MAX systems and FL_SCENARIO_KINDS_MAX kinds load;
//  one more of either is refused at its line.
static void
test_systems_and_kinds_max (void **state)
{
    (void) state;
    char systems [2048] = "nodes = 5\nduration_s = 10\nworkload\n    name = lin-kv\n"
                          "    clients = 1\nsystems\n";
    for (int i = 0; i <= FL_SCENARIO_SYSTEMS_MAX; i++) {
        size_t used = strlen (systems);
        snprintf (systems + used, sizeof systems - used, "    s%d = valid\n", i);
        if (i == FL_SCENARIO_SYSTEMS_MAX - 1) {
            scenario_t *sc = s_loads (strdup (systems));
            assert_int_equal (sc->systems_count, FL_SCENARIO_SYSTEMS_MAX);
            scenario_destroy (&sc);
        }
    }
    char bound [64];
    snprintf (bound, sizeof bound, "more than %d systems (FL_SCENARIO_SYSTEMS_MAX)",
              FL_SCENARIO_SYSTEMS_MAX);
    s_refused (strdup (systems), 7 + FL_SCENARIO_SYSTEMS_MAX, "systems/s16", bound);
    const char *random = HEAD ("10") "faults\n    random\n        kinds = kill n1";
    scenario_t *sc = s_loads (s_repeat (random, "; kill n2", FL_SCENARIO_KINDS_MAX - 1, "\n"));
    assert_int_equal (sc->kinds_count, FL_SCENARIO_KINDS_MAX);
    scenario_destroy (&sc);
    snprintf (bound, sizeof bound, "more than %d kinds (FL_SCENARIO_KINDS_MAX)",
              FL_SCENARIO_KINDS_MAX);
    s_refused (s_repeat (random, "; kill n2", FL_SCENARIO_KINDS_MAX, "\n"), 10,
               "faults/random/kinds", bound);
}

//  Values at their bounds load, one past is refused with the range:
//  FL_CLIENTS_MAX, FL_CLIENT_TIMEOUT_MS_MAX, FL_RUN_SECONDS_MAX and
//  FL_DELAY_MS_MAX; no timeout_ms means FL_CLIENT_TIMEOUT_MS_DEFAULT.
static void
test_value_bounds (void **state)
{
    (void) state;
    char text [1024], range [64];
    const char *form = "nodes = 5\nduration_s = %d\nsystems\n    raft = valid\nworkload\n"
                       "    name = lin-kv\n    clients = %d\n%s"
                       "faults\n    step\n        at_s = %d\n        do = delay %d\n";
    char timeout [64];
    snprintf (timeout, sizeof timeout, "    timeout_ms = %d\n", FL_CLIENT_TIMEOUT_MS_MAX);
    snprintf (text, sizeof text, form, FL_RUN_SECONDS_MAX, FL_CLIENTS_MAX, timeout,
              FL_RUN_SECONDS_MAX, FL_DELAY_MS_MAX);
    scenario_t *sc = s_loads (strdup (text));
    assert_int_equal (sc->clients, FL_CLIENTS_MAX);
    assert_int_equal (sc->timeout_ms, FL_CLIENT_TIMEOUT_MS_MAX);
    assert_float_equal (sc->duration_s, FL_RUN_SECONDS_MAX, 0);
    scenario_destroy (&sc);
    snprintf (text, sizeof text, form, 10, 4, "", 1, 5);
    sc = s_loads (strdup (text));
    assert_int_equal (sc->timeout_ms, FL_CLIENT_TIMEOUT_MS_DEFAULT);
    scenario_destroy (&sc);
    snprintf (text, sizeof text, form, FL_RUN_SECONDS_MAX + 1, 4, "", 1, 5);
    snprintf (range, sizeof range, "in 0.1..%d", FL_RUN_SECONDS_MAX);
    s_refused (strdup (text), 2, "duration_s:", range);
    snprintf (text, sizeof text, form, 10, FL_CLIENTS_MAX + 1, "", 1, 5);
    snprintf (range, sizeof range, "in 1..%d", FL_CLIENTS_MAX);
    s_refused (strdup (text), 7, "workload/clients:", range);
    snprintf (timeout, sizeof timeout, "    timeout_ms = %d\n", FL_CLIENT_TIMEOUT_MS_MAX + 1);
    snprintf (text, sizeof text, form, 10, 4, timeout, 1, 5);
    snprintf (range, sizeof range, "in 1..%d", FL_CLIENT_TIMEOUT_MS_MAX);
    s_refused (strdup (text), 8, "workload/timeout_ms:", range);
    snprintf (text, sizeof text, form, 10, 4, "", 1, FL_DELAY_MS_MAX + 1);
    snprintf (range, sizeof range, "in [0, %d]", FL_DELAY_MS_MAX);
    s_refused (strdup (text), 11, "faults/step/do:", range);
}

//  A fault text of FL_FAULT_TEXT_BYTES_MAX - 1 bytes parses; one byte
//  more is refused with its length and the bound.
static void
test_fault_text_max (void **state)
{
    (void) state;
    char text [FL_FAULT_TEXT_BYTES_MAX + 1];
    memset (text, ' ', sizeof text);
    memcpy (text, "kill", 4);
    memcpy (text + FL_FAULT_TEXT_BYTES_MAX - 3, "n1", 2);
    text [FL_FAULT_TEXT_BYTES_MAX - 1] = 0;
    action_t action;
    char *error = NULL;
    assert_int_equal (action_parse (&action, text, 5, &error), 0);
    assert_int_equal (action.kind, ACTION_KILL);
    memcpy (text + FL_FAULT_TEXT_BYTES_MAX - 3, " n1", 3);
    text [FL_FAULT_TEXT_BYTES_MAX] = 0;
    assert_int_equal (action_parse (&action, text, 5, &error), -1);
    char bound [96];
    snprintf (bound, sizeof bound, "is %d bytes, more than %d (FL_FAULT_TEXT_BYTES_MAX)",
              FL_FAULT_TEXT_BYTES_MAX, FL_FAULT_TEXT_BYTES_MAX - 1);
    if (!error || !strstr (error, bound))
        fail_msg ("error '%s' does not say '%s'", error? error: "", bound);
    free (error);
}

//  FL_SCENARIO_BYTES_MAX: a file past it is refused, never read in part;
//  so is one with a NUL byte, which a string would silently cut.
static void
test_bytes_max (void **state)
{
    (void) state;
    char path [128];
    snprintf (path, sizeof path, "%s/big.conf", tap_dir);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fputs (GOOD, file);
    for (size_t i = strlen (GOOD); i <= FL_SCENARIO_BYTES_MAX; i++)
        fputc (i % 64 == 63? '\n': '#', file);
    fclose (file);
    char *error = NULL;
    assert_null (scenario_load (path, &error));
    assert_non_null (error);
    assert_non_null (strstr (error, "FL_SCENARIO_BYTES_MAX"));
    free (error);
    file = fopen (path, "w");
    assert_non_null (file);
    fputs ("nodes = 5\n", file);
    fputc (0, file);
    fputs (GOOD, file);
    fclose (file);
    error = NULL;
    assert_null (scenario_load (path, &error));
    assert_non_null (error);
    assert_non_null (strstr (error, "NUL byte at offset 10"));
    free (error);
}

//  Numbers are finite, decimal and in range, or refused: a NaN passes
//  every range test, so it must be refused by name before one is made.
//  Partition groups name each node once, in two groups or more.
static void
test_actions_refuse_nonsense (void **state)
{
    (void) state;
    const char *bad [] = {
        "drop nan", "drop -nan", "duplicate nan", "reorder inf", "drop 0x1",
        "delay nan", "delay 50 nan", "delay inf", "delay 1e999", "clock-skew n1 nan",
        "partition n1,n1|n2", "partition n1|", "partition |n1", "partition n1,n2",
        "partition n99999999999|n1", "isolate n0",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad [0]; i++) {
        action_t action;
        char *error = NULL;
        if (action_parse (&action, bad [i], 5, &error) != -1 || !error)
            fail_msg ("'%s' was accepted", bad [i]);
        free (error);
    }
    const char *good [] = { "drop 0.5", "delay 50 10", "clock-skew n1 -200",
                            "partition n1,n2|n3,n4,n5", "partition n1|n2",
                            //  Overlapping groups: a bridge through n3, a ring.
                            "partition n1,n2,n3|n3,n4,n5",
                            "partition n1,n2|n2,n3|n3,n4|n4,n5|n5,n1" };
    for (size_t i = 0; i < sizeof good / sizeof good [0]; i++) {
        action_t action;
        char *error = NULL;
        if (action_parse (&action, good [i], 5, &error))
            fail_msg ("'%s' was refused: %s", good [i], error);
    }
    //  A node twice in one group is a typo, named as such.
    action_t action;
    char *error = NULL;
    assert_int_equal (action_parse (&action, "partition n1,n2,n1|n3", 5, &error), -1);
    assert_non_null (strstr (error, "n1 is in one group of partition groups"));
    free (error);
    //  The same rule for a scenario's own numbers.
    s_expect_error ("duration_s = 10\n", "duration_s = nan\n", 4, "duration_s");
    s_expect_error ("    rate = 50\n", "    rate = nan\n", 13, "workload/rate");
    s_expect_error ("nodes = 5\n", "nodes = 0x5\n", 3, "nodes");
    s_expect_error ("        at_s = 1\n", "        at_s = nan\n", 18, "at_s");
    //  A misspelt required key is named where it is, not reported missing.
    s_expect_error ("duration_s = 10\n", "duraton_s = 10\n", 4, "duraton_s: unknown key");
}

static void
test_good_scenario (void **state)
{
    (void) state;
    char *error = NULL;
    scenario_t *sc = s_load (GOOD, &error);
    if (!sc)
        fail_msg ("%s", error);
    assert_string_equal (sc->name, "t");
    assert_string_equal (sc->description, "two # halves");
    assert_int_equal (sc->nodes, 5);
    assert_true (sc->duration_s == 10);
    assert_int_equal (sc->systems_count, 2);
    assert_int_equal (scenario_expect (sc, "primary"), SCENARIO_EXPECT_INVALID);
    assert_int_equal (scenario_expect (sc, "raft"), SCENARIO_EXPECT_VALID);
    assert_int_equal (scenario_expect (sc, "lww"), SCENARIO_EXPECT_NONE);
    assert_int_equal (sc->params_count, 1);
    assert_string_equal (sc->params [0], "w=quorum");
    assert_string_equal (sc->workload, "lin-kv");
    assert_int_equal (sc->clients, 4);
    assert_true (sc->rate == 50);
    assert_int_equal (sc->keys, 2);
    assert_int_equal (sc->timeout_ms, 700);
    assert_int_equal (sc->steps_count, 2);
    assert_string_equal (sc->steps [0].text, "partition n1,n2|n3,n4,n5");
    assert_int_equal (sc->steps [0].line, 17);
    assert_true (sc->steps [1].at_s == 3.5);
    assert_true (sc->random);
    assert_int_equal (sc->kinds_count, 2);
    assert_string_equal (sc->kinds [1], "kill random");
    assert_true (sc->final_heal);
    assert_true (sc->settle_s == 2);
    assert_true (sc->check_linearizable);
    assert_false (sc->has_seed);
    char *text = scenario_text_as_run (sc, 77, sc->duration_s);
    assert_non_null (strstr (text, "seed = 77"));
    free (text);
    scenario_destroy (&sc);
    assert_null (sc);
}

static void
test_seed_line_replays (void **state)
{
    (void) state;
    char *error = NULL;
    scenario_t *sc = s_load ("seed = 99\n" GOOD, &error);
    assert_non_null (sc);
    assert_true (sc->has_seed);
    assert_int_equal (sc->seed, 99);
    char *text = scenario_text_as_run (sc, 5, sc->duration_s);
    assert_non_null (strstr (text, "seed = 5"));
    assert_null (strstr (text, "seed = 99"));
    free (text);
    scenario_destroy (&sc);
    //  With a shorter run: its duration, its name, no step after it; and
    //  the text loads again as the same scenario.
    sc = s_load (GOOD, &error);
    assert_non_null (sc);
    text = scenario_text_as_run (sc, 5, 2);
    scenario_destroy (&sc);
    char path [128];
    snprintf (path, sizeof path, "%s/as-run.conf", tap_dir);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fputs (text, file);
    fclose (file);
    free (text);
    sc = scenario_load (path, &error);
    if (!sc)
        fail_msg ("the text as run does not load: %s", error);
    assert_string_equal (sc->name, "t");
    assert_true (sc->duration_s == 2);
    assert_int_equal (sc->seed, 5);
    assert_int_equal (sc->steps_count, 1);
    scenario_destroy (&sc);
}

static void
test_syntax_errors (void **state)
{
    (void) state;
    s_expect_error ("    clients = 4\n", "   clients = 4\n", 12, "multiple of 4");
    s_expect_error ("    clients = 4\n", "\tclients = 4\n", 12, "tab");
    s_expect_error ("    rate = 50\n", "            rate = 50\n", 13, "more than one level");
    s_expect_error ("nodes = 5\n", "nodes = \"5\n", 3, "unterminated");
    s_expect_error ("nodes = 5\n", "nodes = \"5\" x\n", 3, "after quoted value");
    s_expect_error ("nodes = 5\n", "= 5\n", 3, "expected a key name");
    s_expect_error ("nodes = 5\n", "nodes 5\n", 3, "expected 'name = value'");
}

static void
test_bad_values (void **state)
{
    (void) state;
    s_expect_error ("nodes = 5", "nodes = five", 3, "nodes: 'five' is not");
    s_expect_error ("nodes = 5", "nodes = 0", 3, "nodes:");
    s_expect_error ("nodes = 5", "nodes = 2.5", 3, "nodes: '2.5' is not a whole");
    s_expect_error ("duration_s = 10", "duration_s = -1", 4, "duration_s:");
    s_expect_error ("raft = valid", "raft = maybe", 7, "systems/raft: 'maybe' is not a verdict");
    s_expect_error ("name = lin-kv", "name = g-sets", 11, "workload/name: unknown workload");
    s_expect_error ("clients = 4", "clients = 0", 12, "workload/clients:");
    s_expect_error ("clients = 4", "clients = 100000", 12, "workload/clients:");
    s_expect_error ("rate = 50", "rate = fast", 13, "workload/rate:");
    s_expect_error ("keys = 2", "keys = 1000", 14, "workload/keys:");
    s_expect_error ("timeout_ms = 700", "timeout_ms = 0", 15, "workload/timeout_ms:");
    s_expect_error ("heal = true", "heal = perhaps", 29, "final/heal: 'perhaps' is not true or false");
    s_expect_error ("settle_s = 2", "settle_s = x", 30, "final/settle_s:");
    s_expect_error ("linearizable = true", "linearizable = 3", 32, "checks/linearizable:");
    s_expect_error ("nodes = 5", "seed = -4\nnodes = 5", 3, "seed: '-4' is not a seed");
}

static void
test_structure_errors (void **state)
{
    (void) state;
    s_expect_error ("nodes = 5", "nodes = 5\ncolour = red", 4, "colour: unknown key");
    s_expect_error ("    keys = 2", "    keyz = 2", 14, "workload/keyz: unknown key");
    s_expect_error ("systems\n", "systems = 2\n", 5, "systems: is a section");
    s_expect_error ("nodes = 5\n", "nodes\n", 3, "nodes: needs a value");
    s_expect_error ("    raft = valid   # trailing comment\n",
                    "    raft = valid\n        deep = 1\n", 7, "systems/raft: takes a value, not indented keys");
    s_expect_error ("        gap_s = 1\n", "        gap_s = 1\n        jitter = 2\n", 27,
                    "faults/random/jitter: unknown key");
    s_expect_error ("final\n", "finale\n", 28, "finale: unknown key");
    s_expect_error ("linearizable = true", "serializable = true", 32, "checks/serializable: unknown check");
    //  A key given twice in one section names both lines (steps repeat).
    s_expect_error ("nodes = 5\n", "nodes = 5\nduration_s = 3\n", 5, "duration_s: given twice (first at line 4)");
    s_expect_error ("    clients = 4\n", "    clients = 4\n    clients = 6\n", 13,
                    "workload/clients: given twice (first at line 12)");
    s_expect_error ("    primary = invalid\n", "    primary = invalid\n    primary = valid\n", 7,
                    "systems/primary: given twice (first at line 6)");
    s_expect_error ("        at_s = 1\n", "        at_s = 1\n        at_s = 2\n", 19,
                    "faults/step/at_s: given twice (first at line 18)");
}

static void
test_missing_keys (void **state)
{
    (void) state;
    s_expect_error ("nodes = 5\n", "", 1, "nodes: missing");
    s_expect_error ("duration_s = 10\n", "", 1, "duration_s: missing");
    s_expect_error ("    name = lin-kv\n", "", 10, "workload: missing 'name'");
    s_expect_error ("    clients = 4\n", "", 10, "workload: missing 'clients'");
    s_expect_error ("        at_s = 1\n", "", 17, "faults/step: missing 'at_s'");
    s_expect_error ("        do = partition n1,n2|n3,n4,n5\n", "", 17, "faults/step: missing 'do'");
    s_expect_error ("        kinds = partition halves; kill random\n", "", 23,
                    "faults/random: missing 'kinds'");
    s_expect_error ("    primary = invalid\n    raft = valid   # trailing comment\n", "", 5,
                    "systems: lists no system");
}

static void
test_bad_fault_steps (void **state)
{
    (void) state;
    s_expect_error ("do = partition n1,n2|n3,n4,n5", "do = partition n1,n2|n3,n9", 19,
                    "faults/step/do: 'n9' in partition groups");
    s_expect_error ("do = heal", "do = explode", 22, "faults/step/do: unknown fault 'explode'");
    s_expect_error ("do = heal", "do = drop 1.5", 22, "probability '1.5'");
    s_expect_error ("do = heal", "do = delay", 22, "delay needs milliseconds");
    s_expect_error ("do = heal", "do = delay 10 20", 22, "jitter '20'");
    s_expect_error ("do = heal", "do = kill n6", 22, "'n6' is not a node");
    s_expect_error ("do = heal", "do = kill", 22, "kill needs a node");
    s_expect_error ("do = heal", "do = heal now", 22, "unexpected 'now'");
    s_expect_error ("do = heal", "do = partition sideways", 22, "unknown partition shape");
    s_expect_error ("nodes = 5", "nodes = 2", 19, "faults/step/do: 'n3' in partition groups");
    s_expect_error ("nodes = 5", "nodes = 1", 19, "faults/step/do:");
    s_expect_error ("at_s = 3.5", "at_s = 0.5", 20, "faults/step: at_s 0.5 is before");
    s_expect_error ("at_s = 3.5", "at_s = 11", 20, "faults/step: at_s 11 is after duration_s");
    s_expect_error ("kinds = partition halves; kill random", "kinds = heal", 27,
                    "faults/random/kinds: 'heal' does not start a fault");
    s_expect_error ("kinds = partition halves; kill random", "kinds = partition halves; kill",
                    27, "faults/random/kinds: kill needs a node");
    s_expect_error ("kinds = partition halves; kill random", "kinds = ;", 27,
                    "faults/random/kinds: kind 1 is empty");
    s_expect_error ("kinds = partition halves; kill random",
                    "kinds = partition halves;; kill random", 27,
                    "faults/random/kinds: kind 2 is empty (kinds are separated by ';')");
}

static void
test_missing_file (void **state)
{
    (void) state;
    char *error = NULL;
    assert_null (scenario_load ("/nonexistent/x.conf", &error));
    assert_non_null (strstr (error, "/nonexistent/x.conf: cannot open"));
    free (error);
}

static void
test_action_round_trip (void **state)
{
    (void) state;
    const char *texts [] = {
        "partition halves", "partition majority", "partition minority",
        "partition isolate n3", "partition isolate-leader", "partition bridge",
        "partition ring", "partition n1,n2|n3,n4,n5", "heal", "drop 0.2",
        "duplicate 0.5", "reorder 0.1", "delay 50 10", "pause n2", "resume n2",
        "kill n4", "restart n4", "stop n1", "cont n1", "clock-skew n2 -500"
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts [0]; i++) {
        action_t spec;
        char *error = NULL;
        if (action_parse (&spec, texts [i], 5, &error))
            fail_msg ("'%s': %s", texts [i], error);
        char back [256];
        action_format (&spec, back, sizeof back);
        assert_string_equal (back, texts [i]);
    }
    //  "isolate NODE" and "isolate-leader" are partitions without the word.
    action_t spec;
    const char *aliases [][2] = { { "isolate n3", "partition isolate n3" },
                                  { "isolate-leader", "partition isolate-leader" } };
    for (size_t i = 0; i < 2; i++) {
        char *error = NULL;
        if (action_parse (&spec, aliases [i][0], 5, &error))
            fail_msg ("'%s': %s", aliases [i][0], error);
        char back [256];
        action_format (&spec, back, sizeof back);
        assert_string_equal (back, aliases [i][1]);
    }
    assert_int_equal (action_parse (&spec, "isolate", 5, NULL), -1);
    //  Partitions a tiny cluster cannot have.
    const char *one [] = { "partition halves", "isolate n1", "partition isolate-leader",
                           "partition ring", "partition n1|n1" };
    for (size_t i = 0; i < sizeof one / sizeof one [0]; i++) {
        char *error = NULL;
        if (action_parse (&spec, one [i], 1, &error) == 0)
            fail_msg ("'%s' accepted for 1 node", one [i]);
        assert_non_null (strstr (error, "at least 2 nodes"));
        free (error);
    }
    const char *two [] = { "partition minority", "partition majority", "partition bridge" };
    for (size_t i = 0; i < sizeof two / sizeof two [0]; i++) {
        char *error = NULL;
        if (action_parse (&spec, two [i], 2, &error) == 0)
            fail_msg ("'%s' accepted for 2 nodes", two [i]);
        assert_non_null (strstr (error, "at least 3 nodes"));
        free (error);
    }
    //  A ring of 3 is every link: it cuts nothing, as groups that share
    //  every pair do; empty groups and names are typos
    const char *nothing [] [2] = {
        { "partition ring", "at least 4 nodes (of 3" },
        { "partition n1|n1", "cut no two nodes apart" },
        { "partition n1,n2|n2,n1", "cut no two nodes apart" },
        { "partition n1||n2,n3", "an empty group" },
        { "partition |n1|n2", "an empty group" },
        { "partition n1,,n2|n3", "an empty node name" },
        { "partition n1,n2|n3,", "an empty node name" } };
    for (size_t i = 0; i < sizeof nothing / sizeof nothing [0]; i++) {
        char *error = NULL;
        if (action_parse (&spec, nothing [i][0], 3, &error) == 0)
            fail_msg ("'%s' accepted for 3 nodes", nothing [i][0]);
        if (!strstr (error, nothing [i][1]))
            fail_msg ("'%s': %s", nothing [i][0], error);
        free (error);
    }
    assert_int_equal (action_parse (&spec, "partition ring", 4, NULL), 0);
    assert_int_equal (action_parse (&spec, "partition n1|n2", 3, NULL), 0);
    assert_int_equal (action_parse (&spec, "partition halves", 2, NULL), 0);
    assert_int_equal (action_parse (&spec, "isolate n2", 2, NULL), 0);
    action_parse (&spec, "kill n2", 5, NULL);
    action_t undo = action_undo (&spec);
    assert_int_equal (undo.kind, ACTION_RESTART);
    assert_string_equal (undo.node, "n2");
    assert_string_equal (action_name (&undo), "kill");
    assert_false (action_starts (&undo));
    action_parse (&spec, "partition halves", 5, NULL);
    assert_int_equal (action_undo (&spec).kind, ACTION_HEAL);
    action_parse (&spec, "clock-skew n1 300", 5, NULL);
    undo = action_undo (&spec);
    assert_int_equal (undo.ms, 0);
    assert_false (action_starts (&undo));
}

//  One-way partitions: FROM -> TO, read back in one spelling, ended by a
//  heal; every malformed one refused naming the word and what was wanted.
static void
test_block_type (void **state)
{
    (void) state;
    const char *texts [][2] = {
        { "block-type append_entries n5 -> *", "block-type append_entries n5 -> *" },
        { "block-type request_vote,pre_vote n2,n03->*", "block-type request_vote,pre_vote n2,n3 -> *" },
        { "unblock-type read,write,cas clients,n2 -> n1", "unblock-type read,write,cas clients,n2 -> n1" },
        { "block-type x.y:z-1 * -> n1,n2", "block-type x.y:z-1 * -> n1,n2" },
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts [0]; i++) {
        action_t spec;
        char *error = NULL;
        if (action_parse (&spec, texts [i][0], 5, &error))
            fail_msg ("'%s': %s", texts [i][0], error);
        char back [256];
        action_format (&spec, back, sizeof back);
        assert_string_equal (back, texts [i][1]);
        assert_string_equal (action_name (&spec), "block-type");
        assert_int_equal (action_starts (&spec), spec.kind == ACTION_BLOCK_TYPE);
        //  A block-type's undo is the unblock-type of the same types and links.
        action_t undo = action_undo (&spec);
        assert_int_equal (undo.kind, ACTION_UNBLOCK_TYPE);
        assert_string_equal (undo.types, spec.types);
        assert_string_equal (undo.groups, spec.groups);
    }
    const char *bad [][2] = {
        { "block-type", "block-type needs TYPES FROM -> TO" },
        { "block-type append_entries", "block-type needs TYPES FROM -> TO" },
        { "block-type append_entries n1 n2", "has no '->'" },
        { "block-type append_entries n1 -> ", "has no nodes after '->'" },
        { "block-type a,,b n1 -> n2", "'' in block-type 'a,,b' is not a message type" },
        { "block-type a\"b n1 -> n2", "is not a message type" },
        { "block-type a,b,a n1 -> n2", "'a' is in block-type 'a,b,a' twice" },
        { "block-type a,b,c,d,e,f,g,h,i n1 -> n2", "more than 8 message types" },
        { "block-type aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa n1 -> n2", "is not a message type (1 to 32" },
        { "block-type a n9 -> n2", "'n9' in block-type 'n9 -> n2' is not a node (n1..n5" },
        { "block-type a n1,* -> n2", "'*' in block-type" },
        { "block-type a random -> n2", "'random' in block-type" },
        { "unblock-type a n1,n1 -> n2", "n1 is in unblock-type 'n1,n1 -> n2' twice" },
        { "block-type a n1 -> n2 -> n3", "more than one '->'" },
        { "block-type a n1 -> n1", "names no link: n1 on both sides" },
        { "unblock-type a clients -> clients", "names no link: clients on both sides" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad [0]; i++) {
        action_t spec;
        char *error = NULL;
        if (action_parse (&spec, bad [i][0], 5, &error) == 0)
            fail_msg ("'%s' was taken", bad [i][0]);
        if (!strstr (error, bad [i][1]))
            fail_msg ("'%s': '%s' does not say '%s'", bad [i][0], error, bad [i][1]);
        free (error);
    }
    //  The most a block-type may name fits: FL_RULE_TYPES_MAX types of
    //  FL_TYPE_BYTES_MAX letters (283 bytes, once refused as too long).
    const char *most = "block-type aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2,"
                       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa4,"
                       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa5,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa6,"
                       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa7,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa8 n1 -> n2";
    action_t spec;
    char *error = NULL;
    if (action_parse (&spec, most, 5, &error))
        fail_msg ("'%s' was refused: %s", most, error);
}

static void
test_one_way (void **state)
{
    (void) state;
    const char *texts [][2] = {
        { "partition one-way n1,n2 -> n3", "partition one-way n1,n2 -> n3" },
        { "partition one-way n1,n2->n3", "partition one-way n1,n2 -> n3" },
        { "partition one-way n1 ->n3,n4", "partition one-way n1 -> n3,n4" },
        { "partition one-way n01 -> n2", "partition one-way n1 -> n2" },
        { "partition one-way random -> rest", "partition one-way random -> rest" },
        { "partition one-way rest -> random", "partition one-way rest -> random" },
        { "partition one-way rest -> n2,n4", "partition one-way rest -> n2,n4" },
        { "partition   one-way  n5  ->  n1", "partition one-way n5 -> n1" },
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts [0]; i++) {
        action_t spec;
        char *error = NULL;
        if (action_parse (&spec, texts [i][0], 5, &error))
            fail_msg ("'%s': %s", texts [i][0], error);
        assert_int_equal (spec.kind, ACTION_PARTITION);
        assert_int_equal (spec.shape, ACTION_SHAPE_ONE_WAY);
        char back [256];
        action_format (&spec, back, sizeof back);
        assert_string_equal (back, texts [i][1]);
        //  What it prints parses to the same action.
        action_t again;
        assert_int_equal (action_parse (&again, back, 5, NULL), 0);
        assert_memory_equal (&again, &spec, sizeof spec);
    }
    action_t spec;
    assert_int_equal (action_parse (&spec, "partition one-way n1,n2 -> n3", 5, NULL), 0);
    assert_string_equal (spec.groups, "n1,n2|n3");
    assert_string_equal (action_name (&spec), "partition");
    assert_true (action_starts (&spec));
    assert_false (action_has_node (&spec));
    assert_int_equal (action_undo (&spec).kind, ACTION_HEAL);
    //  argv words as a shell passes them, the arrow quoted or the whole.
    char *argv [] = { "partition", "one-way", "n1,n2", "->", "n3" };
    assert_int_equal (action_parse_argv (&spec, 5, argv, 5, NULL), 0);
    assert_string_equal (spec.groups, "n1,n2|n3");
    char *quoted [] = { "partition", "one-way", "n4 -> n1,n2" };
    assert_int_equal (action_parse_argv (&spec, 3, quoted, 5, NULL), 0);
    assert_string_equal (spec.groups, "n4|n1,n2");
    //  Each bad one, with what its error must say.
    const char *bad [][2] = {
        { "partition one-way", "partition one-way needs FROM -> TO" },
        { "partition one-way n1 n2", "partition one-way 'n1 n2' has no '->'" },
        { "partition one-way n1,n2 -", "quote it" },
        { "partition one-way n1 -> n2 -> n3", "has more than one '->'" },
        { "partition one-way -> n3", "has no nodes before '->'" },
        { "partition one-way n1 ->", "has no nodes after '->'" },
        { "partition one-way n1,n9 -> n2", "'n9' in partition one-way 'n1,n9 -> n2' is not a node (n1..n5" },
        { "partition one-way n1 -> x", "'x' in partition one-way 'n1 -> x' is not a node" },
        { "partition one-way n1,,n2 -> n3", "'n1,,n2' in partition one-way 'n1,,n2 -> n3' has an empty node name" },
        { "partition one-way n1, -> n3", "has an empty node name" },
        { "partition one-way n1 n2 -> n3", "'n1 n2' in partition one-way 'n1 n2 -> n3' is not a node list" },
        { "partition one-way n1,n1 -> n3", "n1 is in partition one-way 'n1,n1 -> n3' twice" },
        { "partition one-way n1,n2 -> n3,n2", "n2 is on both sides of partition one-way 'n1,n2 -> n3,n2'" },
        { "partition one-way rest -> rest", "'rest' on both sides" },
        { "partition one-way random -> n2", "'random' in partition one-way 'random -> n2' needs 'rest'" },
        { "partition one-way random -> random", "needs 'rest' on the other side" },
        { "partition one-way n1,random -> rest", "'random' in partition one-way 'n1,random -> rest' is not a node" },
        { "partition one-way n1,rest -> n2", "'rest' in partition one-way 'n1,rest -> n2' is not a node" },
        { "partition one-way n1,n2,n3,n4,n5 -> rest", "'rest' in partition one-way 'n1,n2,n3,n4,n5 -> rest' is empty" },
        { "partition one-way", "like n1,n2 -> n3" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad [0]; i++) {
        char *error = NULL;
        if (action_parse (&spec, bad [i][0], 5, &error) != -1 || !error)
            fail_msg ("'%s' was accepted", bad [i][0]);
        if (!strstr (error, bad [i][1]))
            fail_msg ("'%s': error '%s' does not say '%s'", bad [i][0], error, bad [i][1]);
        free (error);
    }
    //  One node cannot be cut, even one way.
    char *error = NULL;
    assert_int_equal (action_parse (&spec, "partition one-way n1 -> rest", 1, &error), -1);
    assert_non_null (strstr (error, "partition one-way needs at least 2 nodes"));
    free (error);
    assert_int_equal (action_parse (&spec, "partition one-way n1 -> rest", 2, NULL), 0);
    //  In a scenario, the error names the file, line and key.
    s_expect_error ("do = partition n1,n2|n3,n4,n5", "do = partition one-way n1 -> n9", 19,
                    "faults/step/do: 'n9' in partition one-way 'n1 -> n9' is not a node");
    s_expect_error ("kinds = partition halves; kill random",
                    "kinds = partition one-way random -> n1", 27,
                    "faults/random/kinds: 'random' in partition one-way");
}

//  Every scenario we ship loads (run from the repository root).
static void
test_shipped_scenarios_load (void **state)
{
    (void) state;
    glob_t found;
    assert_int_equal (glob ("scenarios/*.conf", 0, NULL, &found), 0);
    assert_true (found.gl_pathc >= 7);
    for (size_t i = 0; i < found.gl_pathc; i++) {
        char *error = NULL;
        scenario_t *sc = scenario_load (found.gl_pathv [i], &error);
        if (!sc)
            fail_msg ("%s", error);
        assert_true (sc->systems_count > 0);
        //  raft is linearizable wherever it runs; an AP scenario
        //  (crdt-partition) does not list it.
        scenario_expect_t raft = scenario_expect (sc, "raft");
        if (raft != SCENARIO_EXPECT_VALID && raft != SCENARIO_EXPECT_NONE)
            fail_msg ("%s: raft is expected %s", found.gl_pathv [i], scenario_expect_name (raft));
        scenario_destroy (&sc);
    }
    globfree (&found);
}

int
main (void)
{
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_good_scenario),
        cmocka_unit_test (test_seed_line_replays),
        cmocka_unit_test (test_syntax_errors),
        cmocka_unit_test (test_bad_values),
        cmocka_unit_test (test_structure_errors),
        cmocka_unit_test (test_missing_keys),
        cmocka_unit_test (test_bad_fault_steps),
        cmocka_unit_test (test_missing_file),
        cmocka_unit_test (test_action_round_trip),
        cmocka_unit_test (test_one_way),
        cmocka_unit_test (test_block_type),
        cmocka_unit_test (test_limits_by_name),
        cmocka_unit_test (test_bytes_max),
        cmocka_unit_test (test_actions_refuse_nonsense),
        cmocka_unit_test (test_steps_max),
        cmocka_unit_test (test_lines_max),
        cmocka_unit_test (test_type_blocks_max),
        cmocka_unit_test (test_systems_and_kinds_max),
        cmocka_unit_test (test_value_bounds),
        cmocka_unit_test (test_fault_text_max),
        cmocka_unit_test (test_shipped_scenarios_load),
    };
    return cmocka_run_group_tests_name ("scenario_file", tests, tap_dir_make, tap_dir_remove);
}
