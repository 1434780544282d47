/*  scenario_schedule.c -- fault schedules and partition shapes: the same
    seed gives the same schedule, another seed another; random steps follow
    start / fault_s / gap_s and end each fault with its undo on the same
    node; --time-limit cuts the schedule; every shape splits the nodes as
    documented, for cluster sizes 1 to 9 and many seeds.
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
#include "../../scenario/schedule.h"

static char s_path [64];

//  A scenario from text, through a temporary file.
static scenario_t *
s_scenario (const char *faults)
{
    char dir [] = "/tmp/fl-schedule-XXXXXX";
    assert_non_null (mkdtemp (dir));
    snprintf (s_path, sizeof s_path, "%s/s.conf", dir);
    FILE *file = fopen (s_path, "w");
    fprintf (file, "nodes = 5\nduration_s = 20\nsystems\n    raft = valid\n"
             "workload\n    name = lin-kv\n    clients = 2\nfaults\n%s", faults);
    fclose (file);
    char *error = NULL;
    scenario_t *sc = scenario_load (s_path, &error);
    if (!sc)
        fail_msg ("%s", error);
    unlink (s_path);
    rmdir (dir);
    return sc;
}

#define RANDOM \
    "    random\n        start_s = 2\n        fault_s = 3\n        gap_s = 1\n" \
    "        kinds = partition halves; partition majority; kill random; stop random\n"

static bool
s_same (const schedule_t *a, const schedule_t *b)
{
    if (schedule_size (a) != schedule_size (b))
        return false;
    for (size_t i = 0; i < schedule_size (a); i++) {
        const schedule_step_t *x = schedule_step (a, i), *y = schedule_step (b, i);
        if (x->at_ms != y->at_ms || memcmp (&x->spec, &y->spec, sizeof x->spec))
            return false;
    }
    return true;
}

static void
test_same_seed_same_schedule (void **state)
{
    (void) state;
    scenario_t *sc = s_scenario (RANDOM);
    schedule_t *a = schedule_new (sc, 7, 20000);
    schedule_t *b = schedule_new (sc, 7, 20000);
    schedule_t *c = schedule_new (sc, 8, 20000);
    assert_true (s_same (a, b));
    assert_false (s_same (a, c));
    schedule_destroy (&a);
    schedule_destroy (&b);
    schedule_destroy (&c);
    assert_null (a);
    scenario_destroy (&sc);
}

static void
test_random_rhythm_and_undo (void **state)
{
    (void) state;
    scenario_t *sc = s_scenario (RANDOM);
    schedule_t *schedule = schedule_new (sc, 3, 20000);
    //  Faults at 2, 6, 10, 14, 18 s; undos 3 s later while inside 20 s.
    assert_int_equal (schedule_size (schedule), 9);
    for (size_t i = 0; i < schedule_size (schedule); i++) {
        const schedule_step_t *step = schedule_step (schedule, i);
        int64_t expected = 2000 + (int64_t) (i / 2) * 4000 + (i % 2) * 3000;
        assert_int_equal (step->at_ms, expected);
        if (i % 2 == 0) {
            assert_true (action_starts (&step->spec));
            assert_string_not_equal (step->spec.node, "random");
            if (step->spec.kind == ACTION_PARTITION)
                assert_true (strchr (step->spec.groups, '|') != NULL);
        }
        else {
            const action_t *fault = &schedule_step (schedule, i - 1)->spec;
            action_t undo = action_undo (fault);
            assert_int_equal (step->spec.kind, undo.kind);
            assert_string_equal (step->spec.node, undo.node);
        }
    }
    schedule_destroy (&schedule);
    //  A time limit cuts the schedule, keeping the same prefix.
    schedule_t *whole = schedule_new (sc, 3, 20000);
    schedule_t *cut = schedule_new (sc, 3, 7000);
    assert_int_equal (schedule_size (cut), 3);
    for (size_t i = 0; i < 3; i++)
        assert_memory_equal (schedule_step (cut, i), schedule_step (whole, i),
                             sizeof (schedule_step_t));
    schedule_destroy (&whole);
    schedule_destroy (&cut);
    scenario_destroy (&sc);
}

static void
test_explicit_steps_merge (void **state)
{
    (void) state;
    scenario_t *sc = s_scenario (
        "    step\n        at_s = 2\n        do = partition isolate n2\n"
        "    step\n        at_s = 5\n        do = heal\n"
        "    random\n        start_s = 1\n        fault_s = 1\n        gap_s = 10\n"
        "        kinds = drop 0.5\n");
    schedule_t *schedule = schedule_new (sc, 1, 20000);
    //  random: drop at 1, heal at 2, drop at 12, heal at 13; explicit at 2, 5.
    int64_t times [] = { 1000, 2000, 2000, 5000, 12000, 13000 };
    assert_int_equal (schedule_size (schedule), 6);
    for (size_t i = 0; i < 6; i++)
        assert_int_equal (schedule_step (schedule, i)->at_ms, times [i]);
    //  At equal times the explicit step comes first.
    assert_int_equal (schedule_step (schedule, 1)->spec.kind, ACTION_PARTITION);
    assert_string_equal (schedule_step (schedule, 1)->spec.groups, "n2|n1,n3,n4,n5");
    schedule_destroy (&schedule);
    scenario_destroy (&sc);
}

//  Parse "n1,n2|n3" into membership counts per node and group sizes.
static int
s_parse_groups (const char *text, int nodes, int *count, int *sizes, int *seen)
{
    int groups = 0;
    memset (seen, 0, sizeof (int) * (nodes + 1));
    char copy [FL_FAULT_TEXT_BYTES_MAX];
    assert_true (strlen (text) < sizeof copy);
    snprintf (copy, sizeof copy, "%s", text);
    char *save = NULL;
    for (char *group = strtok_r (copy, "|", &save); group; group = strtok_r (NULL, "|", &save)) {
        sizes [groups] = 0;
        char *save_id = NULL;
        int last = 0;
        for (char *id = strtok_r (group, ",", &save_id); id; id = strtok_r (NULL, ",", &save_id)) {
            int n = atoi (id + 1);
            assert_true (n >= 1 && n <= nodes);
            assert_true (n > last);         // ascending within a group
            last = n;
            seen [n]++;
            sizes [groups]++;
        }
        groups++;
    }
    *count = groups;
    return groups;
}

static void
test_partition_shapes (void **state)
{
    (void) state;
    for (int nodes = 3; nodes <= 9; nodes++)
        for (uint64_t seed = 0; seed < 50; seed++) {
            rng_t rng;
            rng_init (&rng, seed);
            char out [256];
            int groups, sizes [32], seen [32];
            schedule_partition_groups (ACTION_SHAPE_HALVES, NULL, nodes, &rng, out, sizeof out);
            s_parse_groups (out, nodes, &groups, sizes, seen);
            assert_int_equal (groups, 2);
            assert_int_equal (sizes [0], nodes / 2);
            assert_int_equal (sizes [1], nodes - nodes / 2);
            for (int n = 1; n <= nodes; n++)
                assert_int_equal (seen [n], 1);

            schedule_partition_groups (ACTION_SHAPE_MAJORITY, NULL, nodes, &rng, out, sizeof out);
            s_parse_groups (out, nodes, &groups, sizes, seen);
            assert_int_equal (sizes [0], nodes / 2 + 1);
            assert_int_equal (sizes [0] + sizes [1], nodes);

            schedule_partition_groups (ACTION_SHAPE_MINORITY, NULL, nodes, &rng, out, sizeof out);
            s_parse_groups (out, nodes, &groups, sizes, seen);
            assert_true (sizes [0] >= 1 && 2 * sizes [0] < nodes);
            assert_int_equal (sizes [0] + sizes [1], nodes);
            for (int n = 1; n <= nodes; n++)
                assert_int_equal (seen [n], 1);

            schedule_partition_groups (ACTION_SHAPE_BRIDGE, NULL, nodes, &rng, out, sizeof out);
            s_parse_groups (out, nodes, &groups, sizes, seen);
            assert_int_equal (groups, 2);
            int bridges = 0;
            for (int n = 1; n <= nodes; n++) {
                assert_true (seen [n] == 1 || seen [n] == 2);
                bridges += seen [n] == 2;
            }
            assert_int_equal (bridges, 1);      // exactly one node sees both

            schedule_partition_groups (ACTION_SHAPE_RING, NULL, nodes, &rng, out, sizeof out);
            s_parse_groups (out, nodes, &groups, sizes, seen);
            assert_int_equal (groups, nodes);
            for (int g = 0; g < groups; g++)
                assert_int_equal (sizes [g], 2);
            for (int n = 1; n <= nodes; n++)
                assert_int_equal (seen [n], 2);  // two neighbours each

            schedule_partition_groups (ACTION_SHAPE_ISOLATE, "n2", nodes, &rng, out, sizeof out);
            s_parse_groups (out, nodes, &groups, sizes, seen);
            assert_int_equal (sizes [0], 1);
            assert_int_equal (sizes [1], nodes - 1);
            assert_true (strncmp (out, "n2|", 3) == 0);
        }
}

//  The largest cluster's shapes fit a fault text whole: a ring of 64 is 64
//  groups of two (some 500 bytes), never cut short.
static void
test_partition_shapes_at_the_limit (void **state)
{
    (void) state;
    const int nodes = FL_NODES_MAX;
    rng_t rng;
    rng_init (&rng, 7);
    char out [FL_FAULT_TEXT_BYTES_MAX];
    int groups, sizes [FL_NODES_MAX + 1], seen [FL_NODES_MAX + 1];
    schedule_partition_groups (ACTION_SHAPE_RING, NULL, nodes, &rng, out, sizeof out);
    s_parse_groups (out, nodes, &groups, sizes, seen);
    assert_int_equal (groups, nodes);
    for (int n = 1; n <= nodes; n++)
        assert_int_equal (seen [n], 2);
    schedule_partition_groups (ACTION_SHAPE_BRIDGE, NULL, nodes, &rng, out, sizeof out);
    s_parse_groups (out, nodes, &groups, sizes, seen);
    assert_int_equal (sizes [0] + sizes [1], nodes + 1);
    //  And the explicit form of that ring is taken as it is written.
    schedule_partition_groups (ACTION_SHAPE_RING, NULL, nodes, &rng, out, sizeof out);
    char text [FL_FAULT_TEXT_BYTES_MAX + 16];
    snprintf (text, sizeof text, "partition %s", out);
    action_t spec;
    char *error = NULL;
    if (action_parse (&spec, text, nodes, &error))
        fail_msg ("'%s' was refused: %s", text, error);
    assert_string_equal (spec.groups, out);
}

static void
test_shapes_seeded (void **state)
{
    (void) state;
    rng_t a, b;
    rng_init (&a, 99);
    rng_init (&b, 99);
    char x [256], y [256];
    for (int i = 0; i < 20; i++) {
        schedule_partition_groups (ACTION_SHAPE_HALVES, NULL, 5, &a, x, sizeof x);
        schedule_partition_groups (ACTION_SHAPE_HALVES, NULL, 5, &b, y, sizeof y);
        assert_string_equal (x, y);
    }
    //  And halves are not always the same halves.
    rng_init (&a, 1);
    schedule_partition_groups (ACTION_SHAPE_HALVES, NULL, 5, &a, x, sizeof x);
    bool varied = false;
    for (int i = 0; i < 20 && !varied; i++) {
        schedule_partition_groups (ACTION_SHAPE_HALVES, NULL, 5, &a, y, sizeof y);
        varied = strcmp (x, y) != 0;
    }
    assert_true (varied);
}

//  One-way sides resolved: "random" one node, "rest" the others in
//  ascending order; the two sides disjoint and non-empty, the same for a
//  seed, and the drawn node not always the same one.
static void
test_one_way_resolved (void **state)
{
    (void) state;
    action_t spec;
    rng_t rng;
    rng_init (&rng, 1);
    assert_int_equal (action_parse (&spec, "partition one-way rest -> n2,n4", 5, NULL), 0);
    schedule_resolve (&spec, 5, &rng);
    assert_string_equal (spec.groups, "n1,n3,n5|n2,n4");
    assert_int_equal (action_parse (&spec, "partition one-way n3,n1 -> n2", 5, NULL), 0);
    schedule_resolve (&spec, 5, &rng);
    assert_string_equal (spec.groups, "n3,n1|n2");   // explicit lists as written
    char text [256];
    action_format (&spec, text, sizeof text);
    assert_string_equal (text, "partition one-way n3,n1 -> n2");
    int drawn [10] = { 0 };
    for (int nodes = 2; nodes <= 9; nodes++)
        for (uint64_t seed = 0; seed < 50; seed++)
            for (int way = 0; way < 2; way++) {
                rng_init (&rng, seed);
                assert_int_equal (action_parse (&spec, way? "partition one-way rest -> random":
                                  "partition one-way random -> rest", nodes, NULL), 0);
                schedule_resolve (&spec, nodes, &rng);
                int groups, sizes [32], seen [32];
                s_parse_groups (spec.groups, nodes, &groups, sizes, seen);
                assert_int_equal (groups, 2);
                assert_int_equal (sizes [way], 1);
                assert_int_equal (sizes [1 - way], nodes - 1);
                for (int n = 1; n <= nodes; n++)
                    assert_int_equal (seen [n], 1);
                if (nodes == 5 && way == 0)
                    drawn [atoi (spec.groups + 1)]++;
            }
    for (int n = 1; n <= 5; n++)
        assert_true (drawn [n] > 0);
    //  In a schedule: resolved, ended by a heal, replayed by its seed.
    scenario_t *sc = s_scenario (
        "    random\n        start_s = 1\n        fault_s = 2\n        gap_s = 1\n"
        "        kinds = partition one-way random -> rest; partition one-way rest -> random\n");
    schedule_t *a = schedule_new (sc, 5, 20000);
    schedule_t *b = schedule_new (sc, 5, 20000);
    assert_true (s_same (a, b));
    for (size_t i = 0; i < schedule_size (a); i++) {
        const action_t *step = &schedule_step (a, i)->spec;
        if (i % 2) {
            assert_int_equal (step->kind, ACTION_HEAL);
            continue;
        }
        assert_int_equal (step->shape, ACTION_SHAPE_ONE_WAY);
        assert_null (strstr (step->groups, "rest"));
        assert_null (strstr (step->groups, "random"));
    }
    schedule_destroy (&a);
    schedule_destroy (&b);
    scenario_destroy (&sc);
}

int
main (void)
{
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_same_seed_same_schedule),
        cmocka_unit_test (test_random_rhythm_and_undo),
        cmocka_unit_test (test_explicit_steps_merge),
        cmocka_unit_test (test_partition_shapes),
        cmocka_unit_test (test_partition_shapes_at_the_limit),
        cmocka_unit_test (test_shapes_seeded),
        cmocka_unit_test (test_one_way_resolved),
    };
    return cmocka_run_group_tests_name ("scenario_schedule", tests, NULL, NULL);
}
