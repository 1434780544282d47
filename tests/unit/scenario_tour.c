/*  scenario_tour.c -- the tour step parser (scenario/tour_step.h) and a
    scenario's tour section: every step word parses into its fields,
    values are JSON when they parse and strings otherwise, and every bad
    step is refused naming the word that was wrong, as file:line:
    tour/step: ...
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "limits.h"
#include "../../scenario/scenario.h"
#include "../../scenario/tour_step.h"

static tour_step_t
s_parse (const char *text)
{
    tour_step_t step;
    char *error = NULL;
    if (tour_step_parse (&step, text, 3, &error))
        fail_msg ("'%s' refused: %s", text, error);
    return step;
}

//  TEXT is refused with an error containing WHAT.
static void
s_refused (const char *text, const char *what)
{
    tour_step_t step;
    char *error = NULL;
    if (tour_step_parse (&step, text, 3, &error) == 0 || !error)
        fail_msg ("'%s' was not refused", text);
    if (!strstr (error, what))
        fail_msg ("error for '%s' is '%s', not naming '%s'", text, error, what);
    free (error);
}

static void
test_client_ops (void **state)
{
    (void) state;
    tour_step_t step = s_parse ("write n1 user:alice active");
    assert_int_equal (step.kind, TOUR_WRITE);
    assert_int_equal (step.node, 1);
    assert_string_equal (step.key, "user:alice");
    assert_string_equal (step.value, "\"active\"");
    assert_string_equal (tour_step_word (&step), "write");
    assert_true (tour_step_is_op (&step));
    step = s_parse ("write n2 X 20");
    assert_string_equal (step.value, "20");
    step = s_parse ("write n2 X [1, 2]");           // the rest of the step
    assert_string_equal (step.value, "[1,2]");
    step = s_parse ("write n2 X two words ");
    assert_string_equal (step.value, "\"two words\"");
    step = s_parse ("read n3 user:alice");
    assert_int_equal (step.kind, TOUR_READ);
    assert_int_equal (step.node, 3);
    step = s_parse ("cas n1 X 10 20");
    assert_int_equal (step.kind, TOUR_CAS);
    assert_string_equal (step.from, "10");
    assert_string_equal (step.value, "20");
    step = s_parse ("cart-add n3 cart:bob eggs");
    assert_int_equal (step.kind, TOUR_CART_ADD);
    assert_string_equal (step.value, "\"eggs\"");
    assert_string_equal (tour_step_word (&step), "cart-add");
}

//  A word that starts with '"' is a JSON string up to its closing quote.
static void
test_quoted_words (void **state)
{
    (void) state;
    tour_step_t step = s_parse ("write n1 \"user alice\" active");
    assert_string_equal (step.key, "user alice");
    assert_string_equal (step.value, "\"active\"");
    step = s_parse ("write n1 k \"a # b\"");
    assert_string_equal (step.key, "k");
    assert_string_equal (step.value, "\"a # b\"");
    step = s_parse ("read n2   \"say \\\"hi\\\" now\"  ");
    assert_string_equal (step.key, "say \"hi\" now");
    step = s_parse ("cas n1 \"a b\" \"x y\" \"z #\"");
    assert_string_equal (step.key, "a b");
    assert_string_equal (step.from, "\"x y\"");
    assert_string_equal (step.value, "\"z #\"");
    step = s_parse ("cart-add n3 \"cart bob\" \"oat milk\"");
    assert_string_equal (step.key, "cart bob");
    assert_string_equal (step.value, "\"oat milk\"");
    s_refused ("read n1 \"user alice", "read: '\"user alice' opens a quoted word");
    s_refused ("read n1 \"user\"alice", "opens a quoted word");
    s_refused ("read n1 \"\"", "read: key \"\" is not a non-empty JSON string");
    s_refused ("read n1 \"a\\x\"", "is not a non-empty JSON string");
}

static void
test_settle_wait_faults (void **state)
{
    (void) state;
    tour_step_t step = s_parse ("settle");
    assert_int_equal (step.kind, TOUR_SETTLE);
    assert_false (tour_step_is_op (&step));
    step = s_parse ("wait 1500");
    assert_int_equal (step.kind, TOUR_WAIT);
    assert_int_equal (step.ms, 1500);
    step = s_parse ("isolate n3");
    assert_int_equal (step.kind, TOUR_FAULT);
    assert_int_equal (step.action.kind, ACTION_PARTITION);
    assert_string_equal (tour_step_word (&step), "partition");
    step = s_parse ("partition n1|n2,n3");
    assert_int_equal (step.kind, TOUR_FAULT);
    step = s_parse ("heal");
    assert_string_equal (tour_step_word (&step), "heal");
    step = s_parse ("kill n2");
    assert_int_equal (step.action.kind, ACTION_KILL);
    assert_string_equal (step.text, "kill n2");
}

static void
test_bad_steps (void **state)
{
    (void) state;
    s_refused ("", "empty step");
    s_refused ("jump n1", "unknown step 'jump'");
    s_refused ("read n4 X", "'n4' is not a node of n1..n3");
    s_refused ("read node1 X", "'node1'");
    s_refused ("read n1", "'read' takes 2 words");
    s_refused ("read n1 X Y", "more than 2");
    s_refused ("write n1 X", "write NODE KEY VALUE");
    s_refused ("cas n1 X 10", "cas NODE KEY FROM TO");
    s_refused ("cas n1 X 10 20 30", "more than 4");
    s_refused ("settle now", "'settle' takes 0 words");
    s_refused ("wait", "wait MS");
    s_refused ("wait soon", "wait: 'soon'");
    s_refused ("wait 1.5", "wait: '1.5'");
    s_refused ("wait 60001", "0..60000");
    s_refused ("isolate n9", "n9");
    s_refused ("drop 2", "probability");
    char key [FL_TOUR_KEY_BYTES_MAX + 16] = "read n1 ";
    memset (key + 8, 'k', FL_TOUR_KEY_BYTES_MAX);
    key [8 + FL_TOUR_KEY_BYTES_MAX] = 0;
    s_refused (key, "longer than");
}

//  Write TEXT to the test directory and load it.
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

#define TOUR_HEAD "nodes = 3\nsystems\n    raft = valid\ntour\n"

static void
test_tour_section (void **state)
{
    (void) state;
    char *error = NULL;
    scenario_t *sc = s_load (TOUR_HEAD "    step = write n1 k v\n    step = isolate n3\n"
                             "    step = settle\n    step = read n3 k\n", &error);
    if (!sc)
        fail_msg ("%s", error);
    assert_int_equal (sc->tour_count, 4);
    assert_int_equal (sc->tour [0].line, 5);
    assert_int_equal (sc->tour [3].kind, TOUR_READ);
    assert_string_equal (sc->workload, "lin-kv");   // a tour's, without a workload section
    assert_int_equal (sc->clients, 1);
    assert_true (sc->duration_s == FL_TOUR_SECONDS_DEFAULT);
    scenario_destroy (&sc);

    //  A step quoted as a whole with ' keeps its '#' and its double quotes
    //  (the reader has no escapes: inside "..." no '"'); unquoted, '#'
    //  starts a comment.
    sc = s_load (TOUR_HEAD "    step = 'write n1 k \"a # b\"'\n"
                 "    step = write n1 \"user bob\" on # a comment\n", &error);
    if (!sc)
        fail_msg ("%s", error);
    assert_int_equal (sc->tour_count, 2);
    assert_string_equal (sc->tour [0].key, "k");
    assert_string_equal (sc->tour [0].value, "\"a # b\"");
    assert_string_equal (sc->tour [1].key, "user bob");
    assert_string_equal (sc->tour [1].value, "\"on\"");
    scenario_destroy (&sc);

    sc = s_load (TOUR_HEAD "    step = write n1 k v\n    step = read n7 k\n", &error);
    assert_null (sc);
    assert_non_null (strstr (error, "t.conf:6: tour/step: read: 'n7' is not a node"));
    free (error);

    sc = s_load (TOUR_HEAD "    step = fly n1\n", &error);
    assert_null (sc);
    assert_non_null (strstr (error, "t.conf:5: tour/step: unknown step 'fly'"));
    free (error);

    sc = s_load (TOUR_HEAD, &error);
    assert_null (sc);
    assert_non_null (strstr (error, "t.conf:4: tour: has no step"));
    free (error);

    sc = s_load (TOUR_HEAD "    step = heal\n", &error);
    assert_null (sc);
    assert_non_null (strstr (error, "t.conf:4: tour: has no client step"));
    free (error);

    sc = s_load (TOUR_HEAD "    step = read n1 k\n    step = heal\nfaults\n    step\n"
                 "        at_s = 1\n        do = heal\n", &error);
    assert_null (sc);
    assert_non_null (strstr (error, "t.conf:7: faults: a tour's faults are its steps"));
    free (error);

    sc = s_load (TOUR_HEAD "    step = read n1 k\nworkload\n    name = g-set\n    clients = 1\n",
                 &error);
    assert_null (sc);
    assert_non_null (strstr (error, "t.conf:7: workload/name: a tour's workload is lin-kv"));
    free (error);
}

static void
test_steps_max (void **state)
{
    (void) state;
    char text [8192] = TOUR_HEAD;
    for (int i = 0; i <= FL_TOUR_STEPS_MAX; i++)
        strcat (text, "    step = heal\n");
    char *error = NULL;
    scenario_t *sc = s_load (text, &error);
    assert_null (sc);
    assert_non_null (strstr (error, "FL_TOUR_STEPS_MAX"));
    free (error);
}

//  The shipped tours load, with the steps the issue tells.
static void
test_shipped_tours (void **state)
{
    (void) state;
    const char *names [] = { "scenarios/cap-tour.conf", "scenarios/cap-proof.conf",
                             "scenarios/cart-conflict.conf" };
    for (int i = 0; i < 3; i++) {
        char *error = NULL;
        scenario_t *sc = scenario_load (names [i], &error);
        if (!sc)
            fail_msg ("%s", error);
        assert_true (sc->tour_count > 0);
        scenario_destroy (&sc);
    }
    char *error = NULL;
    scenario_t *sc = scenario_load ("scenarios/cap-tour.conf", &error);
    assert_non_null (sc);
    int story = 0;
    for (size_t i = 0; i < sc->tour_count; i++)
        story += sc->tour [i].kind != TOUR_WAIT && sc->tour [i].kind != TOUR_SETTLE;
    assert_int_equal (story, 10);
    assert_int_equal (sc->systems_count, 5);
    scenario_destroy (&sc);
}

int
main (void)
{
    tap_start (30);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_client_ops),
        cmocka_unit_test (test_quoted_words),
        cmocka_unit_test (test_settle_wait_faults),
        cmocka_unit_test (test_bad_steps),
        cmocka_unit_test (test_tour_section),
        cmocka_unit_test (test_steps_max),
        cmocka_unit_test (test_shipped_tours),
    };
    return cmocka_run_group_tests_name ("scenario_tour", tests, tap_dir_make, tap_dir_remove);
}
