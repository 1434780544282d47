/*  proxy_rules.c -- the rule table (proxy/rule.h) without sockets:
    specificity, "latest command wins on the links it names", clients and
    services untouched by "*" (only n<digits> ids are nodes), and heal.
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
    };
    return cmocka_run_group_tests_name ("proxy_rules", tests, NULL, NULL);
}
