/*  node_hlc.c -- the hybrid logical clock (nodes/lib/hlc.c): it never goes
    back, a timestamp taken after a receive is after what was received, and
    versions are totally ordered by (timestamp, node id).
*/
#include <string.h>
#include "tap.h"
#include "nodes/lib/hlc.h"

static void
test_tick (void **state)
{
    (void) state;
    hlc_t clock = { 0, 0 };
    hlc_t a = hlc_tick (&clock, 100);
    assert_true (a.wall == 100 && a.logical == 0);
    hlc_t b = hlc_tick (&clock, 90);            //  the physical clock went back
    assert_true (hlc_compare (b, a) > 0);
    assert_true (b.wall == 100 && b.logical == 1);
    hlc_t c = hlc_tick (&clock, 6000);          //  past the clock: logical resets
    assert_true (c.wall == 6000 && c.logical == 0);
}

static void
test_receive (void **state)
{
    (void) state;
    hlc_t clock = { 100, 3 };
    hlc_t remote = { 5000, 7 };                 //  a node 5 s ahead
    hlc_t c = hlc_receive (&clock, remote, 120);
    assert_true (hlc_compare (c, remote) > 0);
    assert_true (c.wall == 5000 && c.logical == 8);
    hlc_t d = hlc_tick (&clock, 130);
    assert_true (hlc_compare (d, c) > 0);       //  causality: after what it saw
    hlc_t old = { 10, 0 };
    hlc_t e = hlc_receive (&clock, old, 140);   //  an old stamp changes little
    assert_true (hlc_compare (e, d) > 0 && e.wall == 5000);
    hlc_t now = hlc_receive (&clock, (hlc_t) { 10, 0 }, 9000);
    assert_true (now.wall == 9000 && now.logical == 0);
}

static void
test_versions (void **state)
{
    (void) state;
    assert_true (hlc_version_compare ((hlc_t) { 1, 1 }, "n2", (hlc_t) { 1, 1 }, "n10") < 0);
    assert_true (hlc_version_compare ((hlc_t) { 1, 2 }, "n2", (hlc_t) { 1, 1 }, "n10") > 0);
    assert_int_equal (hlc_version_compare ((hlc_t) { 4, 0 }, "n3", (hlc_t) { 4, 0 }, "n3"), 0);
    assert_true (hlc_id_compare ("n9", "n10") < 0 && hlc_id_compare ("n2", "n1") > 0);
}

static void
test_json (void **state)
{
    (void) state;
    hlc_t back = { 9, 9 };
    json_t *json = hlc_to_json ((hlc_t) { 1234, 5 });
    assert_int_equal (hlc_from_json (json, &back), 0);
    assert_true (back.wall == 1234 && back.logical == 5);
    json_decref (json);
    const char *bad [] = { "[1,2,3]", "[-1,0]", "[1]", "[1,\"x\"]", "{}", "7" };
    for (size_t i = 0; i < sizeof bad / sizeof bad [0]; i++) {
        json = json_loads (bad [i], JSON_DECODE_ANY, NULL);
        assert_non_null (json);
        back = (hlc_t) { 9, 9 };
        assert_int_equal (hlc_from_json (json, &back), -1);
        assert_true (back.wall == 9 && back.logical == 9);
        json_decref (json);
    }
}

int
main (void)
{
    tap_start (30);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_tick),
        cmocka_unit_test (test_receive),
        cmocka_unit_test (test_versions),
        cmocka_unit_test (test_json),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
