/*  proxy_rules.c -- the rule table (proxy/rule.h) without sockets:
    specificity, "latest command wins on the links it names", clients and
    services untouched by "*" (only n<digits> ids are nodes), and heal.
    Type sets: they add up over selectors, removing strips covered
    selectors, partition keeps them, heal clears them, the registry's cap,
    and their JSON.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <unistd.h>
#include "tap.h"
#include <czmq.h>
#include "limits.h"
#include "../../proxy/rule.h"

static rule_t
s_resolve (rule_table_t *rules, const char *src, const char *dest)
{
    rule_t f;
    rule_table_resolve (rules, src, dest, &f);
    return f;
}

static void
test_specific_beats_default (void **state)
{
    (void) state;
    rule_table_t *rules = rule_table_new ();
    rule_t drop = { .set = RULE_DROP, .drop_p = 0.3 };
    rule_table_set (rules, "*", "*", &drop);
    rule_t none = { .set = RULE_DROP, .drop_p = 0 };
    rule_table_set (rules, "n1", "n2", &none);
    assert_true (s_resolve (rules, "n1", "n2").drop_p == 0);
    assert_true (rule_is_none (&(rule_t) { 0 }));
    rule_t f = s_resolve (rules, "n2", "n1");
    assert_true (f.drop_p == 0.3);
    assert_false (rule_is_none (&f));
    //  A later default covers the specific rule and replaces it.
    drop.drop_p = 0.1;
    rule_table_set (rules, "*", "*", &drop);
    assert_true (s_resolve (rules, "n1", "n2").drop_p == 0.1);
    assert_int_equal (rule_table_size (rules), 1);
    rule_table_destroy (&rules);
    assert_null (rules);
}

static void
test_kinds_resolve_independently (void **state)
{
    (void) state;
    rule_table_t *rules = rule_table_new ();
    rule_t delay = { .set = RULE_DELAY, .delay_ms = 50, .jitter_ms = 5 };
    rule_t block = { .set = RULE_BLOCK, .block = true };
    rule_table_set (rules, "*", "*", &delay);
    rule_table_set (rules, "n1", "*", &block);
    rule_t f = s_resolve (rules, "n1", "n3");
    assert_true (f.block);
    assert_true (f.delay_ms == 50 && f.jitter_ms == 5);
    assert_false (s_resolve (rules, "n3", "n1").block);
    //  "* dest" is less specific than "src *".
    rule_t open = { .set = RULE_BLOCK, .block = false };
    rule_table_set (rules, "*", "n3", &open);
    assert_true (s_resolve (rules, "n1", "n3").block);
    assert_false (s_resolve (rules, "n2", "n3").block);
    json_t *json = rule_table_json (rules);
    assert_int_equal (json_array_size (json), 3);
    assert_string_equal (json_string_value (json_object_get (json_array_get (json, 0), "src")), "*");
    json_decref (json);
    rule_table_clear (rules, RULE_ALL);
    assert_int_equal (rule_table_size (rules), 0);
    assert_true (rule_is_none (&(rule_t) { 0 }));
    rule_table_destroy (&rules);
}

static void
test_star_never_matches_clients (void **state)
{
    (void) state;
    rule_table_t *rules = rule_table_new ();
    rule_t block = { .set = RULE_BLOCK, .block = true };
    rule_table_set (rules, "*", "*", &block);
    assert_true (s_resolve (rules, "n1", "n2").block);
    assert_false (s_resolve (rules, "c1", "n2").block);
    assert_false (s_resolve (rules, "n2", "c1").block);
    rule_table_set (rules, "c1", "*", &block);
    assert_true (s_resolve (rules, "c1", "n2").block);
    assert_false (s_resolve (rules, "c1", "c2").block);
    assert_false (s_resolve (rules, "n2", "c1").block);
    //  Unblocking "*" does not cover the client's own rule.
    rule_t open = { .set = RULE_BLOCK, .block = false };
    rule_table_set (rules, "*", "*", &open);
    assert_false (s_resolve (rules, "n1", "n2").block);
    assert_true (s_resolve (rules, "c1", "n2").block);
    rule_table_destroy (&rules);
}

static void
test_node_ids (void **state)
{
    (void) state;
    assert_true (rule_is_node ("n1"));
    assert_true (rule_is_node ("n12"));
    assert_true (rule_is_node ("n0"));
    assert_false (rule_is_node ("n"));
    assert_false (rule_is_node ("n1a"));
    assert_false (rule_is_node ("node1"));
    assert_false (rule_is_node ("c1"));
    assert_false (rule_is_node ("lin-kv"));
    assert_false (rule_is_node ("seq-kv"));
    assert_false (rule_is_node ("lin-tso"));
    assert_false (rule_is_node ("*"));
    assert_false (rule_is_node (""));
}

//  A service (any id not n<digits>) is faulted only by a selector that
//  names it: "*" rules, and unblocking "*", leave its links alone.
static void
test_star_never_matches_services (void **state)
{
    (void) state;
    rule_table_t *rules = rule_table_new ();
    rule_t block = { .set = RULE_BLOCK, .block = true };
    rule_t drop = { .set = RULE_DROP, .drop_p = 0.5 };
    rule_table_set (rules, "*", "*", &block);
    rule_table_set (rules, "n1", "*", &drop);
    assert_true (s_resolve (rules, "n1", "n2").block);
    assert_false (s_resolve (rules, "n1", "lin-kv").block);
    assert_false (s_resolve (rules, "lin-kv", "n1").block);
    rule_t to_service = s_resolve (rules, "n1", "lin-kv");
    assert_true (to_service.drop_p == 0);
    assert_true (rule_is_none (&to_service));
    //  Ids that only look like nodes are not nodes either.
    assert_false (s_resolve (rules, "n1", "node2").block);
    assert_false (s_resolve (rules, "n1x", "n2").block);
    //  Named, the service is faulted; "* *" unblocking does not cover it.
    rule_table_set (rules, "n1", "seq-kv", &block);
    rule_table_set (rules, "*", "lww-kv", &block);
    assert_true (s_resolve (rules, "n1", "seq-kv").block);
    assert_false (s_resolve (rules, "n2", "seq-kv").block);
    assert_true (s_resolve (rules, "n2", "lww-kv").block);
    assert_false (s_resolve (rules, "c1", "lww-kv").block);
    rule_t open = { .set = RULE_BLOCK, .block = false };
    rule_table_set (rules, "*", "*", &open);
    assert_false (s_resolve (rules, "n1", "n2").block);
    assert_true (s_resolve (rules, "n1", "seq-kv").block);
    rule_table_clear (rules, RULE_ALL);
    assert_false (s_resolve (rules, "n1", "seq-kv").block);
    rule_table_destroy (&rules);
}

static void
test_rule_limit (void **state)
{
    (void) state;
    rule_table_t *rules = rule_table_new ();
    rule_t block = { .set = RULE_BLOCK, .block = true };
    char src [16], dest [16];
    int rc = 0, count = 0;
    for (int i = 0; rc == 0; i++) {
        snprintf (src, sizeof src, "n%d", i / 200);
        snprintf (dest, sizeof dest, "n%d", i % 200);
        rc = rule_table_set (rules, src, dest, &block);
        count += rc == 0;
    }
    assert_int_equal (count, FL_PROXY_RULES_MAX);
    rule_table_destroy (&rules);
}

//  The mask of names, registering them (must fit).
static uint32_t
s_mask (rule_table_t *rules, const char *a, const char *b)
{
    const char *names [] = { a, b };
    uint32_t mask = 0;
    assert_int_equal (rule_table_types_intern (rules, names, b? 2: 1, &mask), 0);
    return mask;
}

//  The link's type set has exactly this type?
static bool
s_blocks (rule_table_t *rules, const char *src, const char *dest, const char *type)
{
    rule_t f = s_resolve (rules, src, dest);
    return rule_table_types_match (rules, f.types, type, strlen (type));
}

static void
test_types_add_up (void **state)
{
    (void) state;
    rule_table_t *rules = rule_table_new ();
    uint32_t append = s_mask (rules, "append_entries", NULL);
    uint32_t vote = s_mask (rules, "request_vote", NULL);
    assert_int_not_equal (append, vote);
    assert_int_equal (s_mask (rules, "append_entries", NULL), append);    //  same bit again
    assert_int_equal (rule_table_types_add (rules, "n5", "*", append), 0);
    assert_int_equal (rule_table_types_add (rules, "*", "*", vote), 0);
    assert_int_equal (rule_table_types_add (rules, "n5", "n1", vote), 0);
    //  n5->n1 is covered by all three: the union, not the most specific.
    rule_t f = s_resolve (rules, "n5", "n1");
    assert_true (f.set & RULE_TYPES);
    assert_int_equal (f.types, append | vote);
    assert_false (rule_is_none (&f));
    assert_true (s_blocks (rules, "n5", "n1", "append_entries"));
    assert_true (s_blocks (rules, "n5", "n2", "append_entries"));
    assert_true (s_blocks (rules, "n5", "n2", "request_vote"));
    assert_false (s_blocks (rules, "n2", "n5", "append_entries"));
    assert_true (s_blocks (rules, "n2", "n5", "request_vote"));
    assert_false (s_blocks (rules, "n5", "n1", "append"));
    assert_false (s_blocks (rules, "n5", "n1", "append_entries_x"));
    //  "*" covers nodes only; a type block neither sets nor clears block.
    f = s_resolve (rules, "c1", "n1");
    assert_true (rule_is_none (&f));
    assert_false (s_resolve (rules, "n5", "n1").block);
    rule_t block = { .set = RULE_BLOCK, .block = true };
    rule_table_set (rules, "n5", "n1", &block);
    f = s_resolve (rules, "n5", "n1");
    assert_true (f.block);
    assert_int_equal (f.types, append | vote);      //  a block strips no types
    //  Adding a set strips nothing: the "n5 n1" vote survived "n5 *".
    assert_int_equal (rule_table_types_add (rules, "n5", "*", vote), 0);
    assert_int_equal (rule_table_size (rules), 3);
    //  Adding the empty set makes no entry.
    assert_int_equal (rule_table_types_add (rules, "n7", "n8", 0), 0);
    assert_int_equal (rule_table_size (rules), 3);
    rule_table_destroy (&rules);
}

//  Removing types removes them from the selector and every selector it
//  covers, and nowhere else.
static void
test_types_remove_strips_covered (void **state)
{
    (void) state;
    rule_table_t *rules = rule_table_new ();
    uint32_t append = s_mask (rules, "append_entries", NULL);
    uint32_t vote = s_mask (rules, "request_vote", NULL);
    rule_table_types_add (rules, "n1", "n2", append | vote);
    rule_table_types_add (rules, "n1", "*", append);
    rule_table_types_add (rules, "*", "*", append);
    rule_table_types_add (rules, "n1", "c1", append);
    rule_table_types_add (rules, "n2", "n1", append);
    rule_table_types_remove (rules, "n1", "*", append);
    //  Covered by "n1 *": n1->n2 loses its append, n1 * is emptied; the
    //  link still sees "* *"'s append.
    rule_t f = s_resolve (rules, "n1", "n2");
    assert_int_equal (f.types, append | vote);      //  still "* *"'s append
    rule_table_types_remove (rules, "*", "*", append);
    f = s_resolve (rules, "n1", "n2");
    assert_int_equal (f.types, vote);
    assert_true (f.set & RULE_TYPES);
    //  Not covered by "*": the client's selector keeps its set.
    assert_true (s_blocks (rules, "n1", "c1", "append_entries"));
    assert_false (s_blocks (rules, "n2", "n1", "append_entries"));
    //  Emptied entries are gone: n1 n2 (vote) and n1 c1 remain.
    assert_int_equal (rule_table_size (rules), 2);
    //  A narrower removal does not lift a wider set (sets add up).
    rule_table_types_add (rules, "*", "*", append);
    rule_table_types_remove (rules, "n1", "n2", append | vote);
    assert_true (s_blocks (rules, "n1", "n2", "append_entries"));
    assert_false (s_blocks (rules, "n1", "n2", "request_vote"));
    //  The whole set through "* *" (a plain unblock's part): every node
    //  selector loses every type, and RULE_TYPES goes with the last one.
    rule_table_types_add (rules, "n3", "n4", vote);
    rule_table_types_remove (rules, "*", "*", UINT32_MAX);
    f = s_resolve (rules, "n3", "n4");
    assert_int_equal (f.types, 0);
    assert_false (f.set & RULE_TYPES);
    assert_true (rule_is_none (&f));
    assert_int_equal (rule_table_size (rules), 1);  //  n1 c1
    rule_table_destroy (&rules);
}

//  Partition clears RULE_BLOCK only; heal (RULE_ALL) clears type sets too.
static void
test_types_partition_keeps_heal_clears (void **state)
{
    (void) state;
    rule_table_t *rules = rule_table_new ();
    uint32_t append = s_mask (rules, "append_entries", NULL);
    rule_t block = { .set = RULE_BLOCK, .block = true };
    rule_table_set (rules, "n1", "n2", &block);
    rule_table_types_add (rules, "n1", "n2", append);
    rule_table_types_add (rules, "n3", "*", append);
    rule_table_clear (rules, RULE_BLOCK);
    assert_false (s_resolve (rules, "n1", "n2").block);
    assert_true (s_blocks (rules, "n1", "n2", "append_entries"));
    assert_true (s_blocks (rules, "n3", "n1", "append_entries"));
    assert_int_equal (rule_table_size (rules), 2);
    rule_table_clear (rules, RULE_ALL);
    assert_false (s_blocks (rules, "n1", "n2", "append_entries"));
    rule_t f = s_resolve (rules, "n3", "n1");
    assert_true (rule_is_none (&f));
    assert_int_equal (rule_table_size (rules), 0);
    //  The registry outlives a heal: the same name keeps its bit.
    assert_int_equal (s_mask (rules, "append_entries", NULL), append);
    rule_table_destroy (&rules);
}

//  At most FL_PROXY_TYPES_MAX names for the table's life; a refusal
//  registers none of the request's names.
static void
test_types_registry_cap (void **state)
{
    (void) state;
    rule_table_t *rules = rule_table_new ();
    char names [FL_PROXY_TYPES_MAX + 1][16];
    for (int i = 0; i < FL_PROXY_TYPES_MAX - 1; i++) {
        snprintf (names [i], sizeof names [i], "t%d", i);
        s_mask (rules, names [i], NULL);
    }
    //  One slot left: two new names are refused, both unregistered.
    uint32_t mask = 0;
    const char *two [] = { "fresh_a", "fresh_b" };
    assert_int_equal (rule_table_types_intern (rules, two, 2, &mask), -1);
    assert_int_equal (rule_table_types_known (rules, two, 2), 0);
    //  A repeated new name counts once; known names take no slot.
    const char *repeat [] = { "fresh_a", "t0", "fresh_a" };
    assert_int_equal (rule_table_types_intern (rules, repeat, 3, &mask), 0);
    assert_int_equal (mask, (uint32_t) 1 << (FL_PROXY_TYPES_MAX - 1) | 1);
    const char *more [] = { "fresh_b" };
    assert_int_equal (rule_table_types_intern (rules, more, 1, &mask), -1);
    const char *old [] = { "t5", "fresh_a" };
    assert_int_equal (rule_table_types_intern (rules, old, 2, &mask), 0);
    //  The last bit works end to end.
    rule_table_types_add (rules, "*", "*", mask);
    assert_true (s_blocks (rules, "n1", "n2", "fresh_a"));
    assert_true (s_blocks (rules, "n1", "n2", "t5"));
    assert_false (s_blocks (rules, "n1", "n2", "t6"));
    rule_table_destroy (&rules);
}

//  rule_table_json: "types" sorted by name whatever the registry order,
//  and absent on rules without a type set.
static void
test_types_json (void **state)
{
    (void) state;
    rule_table_t *rules = rule_table_new ();
    uint32_t mask = s_mask (rules, "vote", "append_entries");
    rule_table_types_add (rules, "n1", "n2", mask);
    rule_t block = { .set = RULE_BLOCK, .block = true };
    rule_table_set (rules, "n2", "n1", &block);
    json_t *json = rule_table_json (rules);
    char *text = json_dumps (json, JSON_COMPACT);
    assert_string_equal (text, "[{\"src\":\"n1\",\"dest\":\"n2\",\"types\":"
                         "[\"append_entries\",\"vote\"]},{\"src\":\"n2\",\"dest\":\"n1\","
                         "\"block\":true}]");
    free (text);
    json_decref (json);
    rule_table_destroy (&rules);
}

int
main (void)
{
    tap_start (30);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_specific_beats_default),
        cmocka_unit_test (test_kinds_resolve_independently),
        cmocka_unit_test (test_star_never_matches_clients),
        cmocka_unit_test (test_node_ids),
        cmocka_unit_test (test_star_never_matches_services),
        cmocka_unit_test (test_rule_limit),
        cmocka_unit_test (test_types_add_up),
        cmocka_unit_test (test_types_remove_strips_covered),
        cmocka_unit_test (test_types_partition_keeps_heal_clears),
        cmocka_unit_test (test_types_registry_cap),
        cmocka_unit_test (test_types_json),
    };
    return cmocka_run_group_tests_name ("proxy_rules", tests, NULL, NULL);
}
