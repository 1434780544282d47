/*  lab_netrules.c -- the IP plane's rules and nft script, pure: every
    partition shape as the set of cut (saddr . daddr) pairs the hub gets,
    one-way as one direction, the script's transaction (flush and refill
    of the set and the chain), drop's and duplicate's numgen percent
    (nft refuses "mod 100 < 100"), heal clearing everything, and names
    that are not nodes refused. No namespaces: lab_netplane_live.c runs
    the scripts for real.
*/
#include "tap.h"
#include <string.h>
#include "lab/netrules.h"
#include "scenario/action.h"

static void
s_parse (action_t *spec, const char *text, int nodes)
{
    char *error = NULL;
    assert_int_equal (action_parse (spec, text, nodes, &error), 0);
}

static void
test_halves_cut_both_ways_between_groups (void **state)
{
    (void) state;
    netrules_t rules;
    netrules_init (&rules, 5);
    action_t spec;
    s_parse (&spec, "partition n1,n2|n3,n4,n5", 5);
    assert_int_equal (netrules_partition (&rules, &spec, NULL), 0);
    assert_int_equal (netrules_cut_count (&rules), 2 * 2 * 3);
    assert_true (rules.cut [0][2] && rules.cut [2][0]);
    assert_false (rules.cut [0][1] || rules.cut [2][3] || rules.cut [0][0]);
    char *script = netrules_script (&rules);
    assert_non_null (strstr (script, "flush set ip fl cut\nadd element ip fl cut {"
                                     " 10.91.0.1 . 10.91.0.3, 10.91.0.1 . 10.91.0.4"));
    assert_non_null (strstr (script, "10.91.0.5 . 10.91.0.2 }\n"));
    assert_non_null (strstr (script, "flush chain ip fl forward\n"
                                     "add rule ip fl forward ip saddr . ip daddr @cut drop\n"));
    assert_null (strstr (script, "numgen"));
    free (script);
}

static void
test_bridge_keeps_the_bridge_node_linked (void **state)
{
    (void) state;
    netrules_t rules;
    netrules_init (&rules, 5);
    action_t spec;
    //  The groups schedule_partition_groups makes of a bridge.
    spec = (action_t) { .kind = ACTION_PARTITION, .shape = ACTION_SHAPE_BRIDGE };
    snprintf (spec.groups, sizeof spec.groups, "n1,n2,n3|n3,n4,n5");
    assert_int_equal (netrules_partition (&rules, &spec, NULL), 0);
    for (int j = 0; j < 5; j++)
        assert_false (rules.cut [2][j] || rules.cut [j][2]);
    assert_true (rules.cut [0][3] && rules.cut [4][1]);
    assert_int_equal (netrules_cut_count (&rules), 2 * 2 * 2);
}

static void
test_ring_cuts_only_non_neighbours (void **state)
{
    (void) state;
    netrules_t rules;
    netrules_init (&rules, 5);
    action_t spec;
    //  What schedule_partition_groups makes of a ring: each node with its
    //  next, in a circle.
    spec = (action_t) { .kind = ACTION_PARTITION, .shape = ACTION_SHAPE_RING };
    snprintf (spec.groups, sizeof spec.groups, "n1,n2|n2,n3|n3,n4|n4,n5|n5,n1");
    assert_int_equal (netrules_partition (&rules, &spec, NULL), 0);
    assert_false (rules.cut [0][1] || rules.cut [1][0] || rules.cut [4][0]);
    assert_true (rules.cut [0][2] && rules.cut [2][0] && rules.cut [1][3]);
    assert_int_equal (netrules_cut_count (&rules), 5 * 4 - 2 * 5);
}

static void
test_isolate_and_replacement (void **state)
{
    (void) state;
    netrules_t rules;
    netrules_init (&rules, 3);
    action_t spec;
    s_parse (&spec, "partition n1,n2|n3,n4,n5", 5);
    netrules_init (&rules, 5);
    assert_int_equal (netrules_partition (&rules, &spec, NULL), 0);
    s_parse (&spec, "partition n2|n1,n3,n4,n5", 5);
    assert_int_equal (netrules_partition (&rules, &spec, NULL), 0);
    //  The new partition replaces the old: n1-n3 are linked again.
    assert_false (rules.cut [0][2]);
    assert_int_equal (netrules_cut_count (&rules), 2 * 4);
}

static void
test_one_way_cuts_one_direction (void **state)
{
    (void) state;
    netrules_t rules;
    netrules_init (&rules, 3);
    action_t spec;
    s_parse (&spec, "partition one-way n1 -> n2,n3", 3);
    assert_int_equal (netrules_partition (&rules, &spec, NULL), 0);
    assert_true (rules.cut [0][1] && rules.cut [0][2]);
    assert_false (rules.cut [1][0] || rules.cut [2][0] || rules.cut [1][2]);
    assert_int_equal (netrules_cut_count (&rules), 2);
}

static void
test_not_a_node_is_refused (void **state)
{
    (void) state;
    netrules_t rules;
    netrules_init (&rules, 3);
    action_t spec = { .kind = ACTION_PARTITION, .shape = ACTION_SHAPE_GROUPS };
    snprintf (spec.groups, sizeof spec.groups, "n1|lin-kv");
    char *error = NULL;
    assert_int_equal (netrules_partition (&rules, &spec, &error), -1);
    assert_non_null (strstr (error, "'lin-kv' is not a node"));
    free (error);
    snprintf (spec.groups, sizeof spec.groups, "n1|n4");
    assert_int_equal (netrules_partition (&rules, &spec, &error), -1);
    assert_non_null (strstr (error, "'n4'"));
    free (error);
}

static void
test_drop_and_duplicate_percent (void **state)
{
    (void) state;
    assert_int_equal (netrules_percent (0), 0);
    assert_int_equal (netrules_percent (0.001), 1);
    assert_int_equal (netrules_percent (0.25), 25);
    assert_int_equal (netrules_percent (1), 100);
    netrules_t rules;
    netrules_init (&rules, 2);
    rules.drop_p = 0.3;
    rules.duplicate_p = 1;
    char *script = netrules_script (&rules);
    assert_non_null (strstr (script, "add rule ip fl forward numgen random mod 100 < 30 drop\n"));
    //  p = 1: no numgen (nft refuses a value not below the modulus).
    assert_non_null (strstr (script, "add rule ip fl forward ip daddr 10.91.0.2"
                                     " dup to 10.91.0.2 device \"v2\"\n"));
    assert_null (strstr (script, "< 100"));
    assert_null (strstr (script, "add element"));
    free (script);
    rules.drop_p = 1;
    script = netrules_script (&rules);
    assert_non_null (strstr (script, "forward drop\n"));
    free (script);
}

static void
test_heal_clears_everything (void **state)
{
    (void) state;
    netrules_t rules;
    netrules_init (&rules, 3);
    action_t spec;
    s_parse (&spec, "partition n1|n2,n3", 3);
    assert_int_equal (netrules_partition (&rules, &spec, NULL), 0);
    rules.drop_p = 0.5;
    rules.delay_ms = 100;
    rules.reorder_p = 0.2;
    assert_true (netrules_queues (&rules));
    netrules_heal (&rules);
    assert_int_equal (rules.nodes, 3);
    assert_int_equal (netrules_cut_count (&rules), 0);
    assert_false (netrules_queues (&rules));
    char *script = netrules_script (&rules);
    assert_string_equal (script, "flush set ip fl cut\nflush chain ip fl forward\n"
                         "add rule ip fl forward ip saddr . ip daddr @cut drop\n");
    free (script);
    char line [64];
    netrules_queue_line (&rules, line, sizeof line);
    assert_string_equal (line, "set 0 0 0.000000\n");
}

static void
test_setup_script_and_names (void **state)
{
    (void) state;
    char *script = netrules_setup_script ();
    assert_non_null (strstr (script, "table ip fl {"));
    assert_non_null (strstr (script, "type ipv4_addr . ipv4_addr"));
    assert_non_null (strstr (script, "hook forward priority -10"));
    free (script);
    char buf [32];
    netrules_addr (7, buf, sizeof buf);
    assert_string_equal (buf, "10.91.0.7");
    netrules_link (7, buf, sizeof buf);
    assert_string_equal (buf, "v7");
}

int
main (void)
{
    tap_start (30);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_halves_cut_both_ways_between_groups),
        cmocka_unit_test (test_bridge_keeps_the_bridge_node_linked),
        cmocka_unit_test (test_ring_cuts_only_non_neighbours),
        cmocka_unit_test (test_isolate_and_replacement),
        cmocka_unit_test (test_one_way_cuts_one_direction),
        cmocka_unit_test (test_not_a_node_is_refused),
        cmocka_unit_test (test_drop_and_duplicate_percent),
        cmocka_unit_test (test_heal_clears_everything),
        cmocka_unit_test (test_setup_script_and_names),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
