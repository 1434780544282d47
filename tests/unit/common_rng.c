/*  common_rng.c -- the seeded generator every random decision comes from.
    Same seed, same sequence; streams independent; bounded draws in range and
    unbiased enough that a chi-square test over 16 buckets passes.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include "tap.h"
#include "rng.h"

static void
test_same_seed_same_sequence (void **state)
{
    (void) state;
    rng_t a, b;
    rng_init (&a, 42);
    rng_init (&b, 42);
    for (int i = 0; i < 1000; i++)
        assert_int_equal (rng_next (&a), rng_next (&b));
}

//  The values themselves, not only their repetition: a seed printed by an
//  old run must replay it, so the seeding (splitmix64, common/hash.h) and
//  the generator may never change. Pinned from the generator as first
//  written.
static void
test_pinned_values (void **state)
{
    (void) state;
    static const uint64_t seed42 [] = {
        0x15780b2e0c2ec716ULL, 0x6104d9866d113a7eULL,
        0xae17533239e499a1ULL, 0xecb8ad4703b360a1ULL };
    static const uint64_t seed42_stream3 [] = {
        0x44ad28f44a5c0633ULL, 0xa9625f7b75117928ULL,
        0x509bf6cdd4be5f13ULL, 0x3bbfc52fdaca500fULL };
    rng_t r;
    rng_init (&r, 42);
    for (int i = 0; i < 4; i++)
        assert_int_equal (rng_next (&r), seed42 [i]);
    rng_init_stream (&r, 42, 3);
    for (int i = 0; i < 4; i++)
        assert_int_equal (rng_next (&r), seed42_stream3 [i]);
}

static void
test_streams_differ (void **state)
{
    (void) state;
    rng_t a, b, c;
    rng_init_stream (&a, 7, 1);
    rng_init_stream (&b, 7, 2);
    rng_init_stream (&c, 7, 1);
    int same = 0;
    for (int i = 0; i < 100; i++) {
        uint64_t x = rng_next (&a);
        same += x == rng_next (&b);
        assert_int_equal (x, rng_next (&c));
    }
    assert_true (same == 0);
}

static void
test_bounds (void **state)
{
    (void) state;
    rng_t r;
    rng_init (&r, 1);
    for (int i = 0; i < 100000; i++) {
        int64_t v = rng_range (&r, -3, 3);
        assert_true (v >= -3 && v <= 3);
        double d = rng_double (&r);
        assert_true (d >= 0 && d < 1);
    }
    assert_false (rng_chance (&r, 0));
    assert_true (rng_chance (&r, 1));
}

static void
test_uniform_chi_square (void **state)
{
    (void) state;
    rng_t r;
    rng_init (&r, 2026);
    enum { BUCKETS = 16, DRAWS = 160000 };
    long count [BUCKETS] = { 0 };
    for (int i = 0; i < DRAWS; i++)
        count [rng_below (&r, BUCKETS)]++;
    double expected = (double) DRAWS / BUCKETS, chi = 0;
    for (int i = 0; i < BUCKETS; i++)
        chi += (count [i] - expected) * (count [i] - expected) / expected;
    //  15 degrees of freedom: P(chi2 > 37.7) = 0.001. Fixed seed: no flake.
    assert_true (chi < 37.7);
}

int
main (void)
{
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_same_seed_same_sequence),
        cmocka_unit_test (test_pinned_values),
        cmocka_unit_test (test_streams_differ),
        cmocka_unit_test (test_bounds),
        cmocka_unit_test (test_uniform_chi_square),
    };
    return cmocka_run_group_tests_name ("common_rng", tests, NULL, NULL);
}
