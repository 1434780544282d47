/*  proxy_netq.c -- bin/netqueue's holding, without a queue: a delay holds
    each packet its time and gives them back in arrival order; jitter
    stays within its bounds; reorder lets later packets pass a held one;
    heal ("set 0 0 0") makes every held packet due at once;
    FL_NETQ_HELD_MAX passes the rest at once, counted; config lines are
    checked.
*/
#include "tap.h"
#include <string.h>
#include "limits.h"
#include "proxy/netq.h"

#define MS 1000000LL

static void
test_delay_holds_then_releases_in_order (void **state)
{
    (void) state;
    netq_t q;
    netq_init (&q, 7);
    netq_config_t c = { .delay_ms = 100 };
    netq_set (&q, &c, 0);
    assert_false (netq_arrive (&q, 10, 0));
    assert_false (netq_arrive (&q, 11, 0));
    assert_false (netq_arrive (&q, 12, 5 * MS));
    assert_int_equal (netq_held (&q), 3);
    uint32_t id;
    assert_false (netq_due (&q, 99 * MS, &id));
    assert_int_equal (netq_wait_ms (&q, 99 * MS), 1);
    assert_true (netq_due (&q, 100 * MS, &id));
    assert_int_equal (id, 10);
    assert_true (netq_due (&q, 100 * MS, &id));
    assert_int_equal (id, 11);
    assert_false (netq_due (&q, 104 * MS, &id));
    assert_true (netq_due (&q, 105 * MS, &id));
    assert_int_equal (id, 12);
    assert_int_equal (netq_held (&q), 0);
    netq_release (&q);
}

static void
test_jitter_stays_in_bounds (void **state)
{
    (void) state;
    netq_t q;
    netq_init (&q, 42);
    netq_config_t c = { .delay_ms = 50, .jitter_ms = 20 };
    netq_set (&q, &c, 0);
    for (uint32_t i = 0; i < 500; i++)
        assert_false (netq_arrive (&q, i, 0));
    uint32_t id;
    assert_false (netq_due (&q, 29 * MS, &id));
    int released = 0;
    bool out_of_order = false;
    uint32_t last = 0;
    while (netq_due (&q, 70 * MS, &id)) {
        out_of_order |= released > 0 && id < last;
        last = id;
        released++;
    }
    assert_int_equal (released, 500);
    assert_true (out_of_order);     // jitter alone reorders
    netq_release (&q);
}

static void
test_reorder_lets_later_packets_pass (void **state)
{
    (void) state;
    netq_t q;
    netq_init (&q, 3);
    netq_config_t c = { .reorder_p = 0.5 };
    netq_set (&q, &c, 0);
    int passed = 0, held = 0;
    for (uint32_t i = 0; i < 200; i++)
        netq_arrive (&q, i, 0)? passed++: held++;
    assert_true (passed > 50 && held > 50);
    uint32_t id;
    assert_false (netq_due (&q, (FL_NETQ_REORDER_MS - 1) * MS, &id));
    assert_true (netq_due (&q, FL_NETQ_REORDER_MS * MS, &id));
    netq_release (&q);
}

static void
test_heal_releases_everything_now (void **state)
{
    (void) state;
    netq_t q;
    netq_init (&q, 1);
    netq_config_t c = { .delay_ms = 5000 };
    netq_set (&q, &c, 0);
    for (uint32_t i = 0; i < 10; i++)
        assert_false (netq_arrive (&q, 100 + i, i * MS));
    netq_config_t heal = { 0 };
    netq_set (&q, &heal, 20 * MS);
    uint32_t id;
    for (uint32_t i = 0; i < 10; i++) {
        assert_true (netq_due (&q, 20 * MS, &id));
        assert_int_equal (id, 100 + i);
    }
    assert_true (netq_arrive (&q, 200, 21 * MS));
    netq_release (&q);
}

static void
test_FL_NETQ_HELD_MAX_passes_the_rest (void **state)
{
    (void) state;
    netq_t q;
    netq_init (&q, 1);
    netq_config_t c = { .delay_ms = 10 };
    netq_set (&q, &c, 0);
    for (uint32_t i = 0; i < FL_NETQ_HELD_MAX; i++)
        assert_false (netq_arrive (&q, i, 0));
    assert_true (netq_arrive (&q, FL_NETQ_HELD_MAX, 0));
    assert_int_equal (q.over, 1);
    netq_release (&q);
}

static void
test_config_lines (void **state)
{
    (void) state;
    netq_config_t c;
    char *error = NULL;
    assert_int_equal (netq_config_parse (&c, "set 100 20 0.250000\n", &error), 0);
    assert_int_equal (c.delay_ms, 100);
    assert_int_equal (c.jitter_ms, 20);
    assert_true (c.reorder_p == 0.25);
    assert_int_equal (netq_config_parse (&c, "set 100 20 nan", &error), -1);
    assert_non_null (strstr (error, "reorder p in [0,1]"));
    free (error);
    assert_int_equal (netq_config_parse (&c, "delay 100", &error), -1);
    assert_non_null (strstr (error, "want 'set DELAY_MS"));
    free (error);
    assert_int_equal (netq_config_parse (&c, "set 100 20 0.1 extra", &error), -1);
    free (error);
}

int
main (void)
{
    tap_start (30);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_delay_holds_then_releases_in_order),
        cmocka_unit_test (test_jitter_stays_in_bounds),
        cmocka_unit_test (test_reorder_lets_later_packets_pass),
        cmocka_unit_test (test_heal_releases_everything_now),
        cmocka_unit_test (test_FL_NETQ_HELD_MAX_passes_the_rest),
        cmocka_unit_test (test_config_lines),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
