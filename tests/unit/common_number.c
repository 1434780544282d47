/*  common_number.c -- number_parse takes finite decimal numbers in range
    and nothing else: not NaN (which passes every range test), not inf,
    not hex, not blanks or trailing words.
*/
#include "tap.h"
#include "number.h"

static void
test_accepts (void **state)
{
    (void) state;
    double value = 0;
    assert_int_equal (number_parse ("0.5", 0, 1, &value), 0);
    assert_true (value == 0.5);
    assert_int_equal (number_parse ("-200", -1000, 1000, &value), 0);
    assert_true (value == -200);
    assert_int_equal (number_parse ("1e3", 0, 1000, &value), 0);
    assert_true (value == 1000);
    assert_int_equal (number_parse ("1", 1, 1, &value), 0);       //  bounds are in range
}

static void
test_refuses (void **state)
{
    (void) state;
    const char *bad [] = { "", "nan", "-nan", "NAN", "inf", "-inf", "infinity", "0x5",
                           " 1", "1 ", "1s", "1,5", "1e999", "--1", "." };
    for (size_t i = 0; i < sizeof bad / sizeof bad [0]; i++) {
        double value = 42;
        if (number_parse (bad [i], -1e300, 1e300, &value) != -1)
            fail_msg ("'%s' was taken as %g", bad [i], value);
        assert_true (value == 42);                                  //  untouched
    }
    double value = 42;
    assert_int_equal (number_parse ("1.01", 0, 1, &value), -1);
    assert_int_equal (number_parse ("-0.01", 0, 1, &value), -1);
}

//  Whole numbers (seeds, counts): digits only, exact up to INT64_MAX.
static void
test_whole (void **state)
{
    (void) state;
    uint64_t out = 7;
    assert_int_equal (number_parse_whole ("9223372036854775807", INT64_MAX, &out), 0);
    assert_true (out == (uint64_t) INT64_MAX);
    assert_int_equal (number_parse_whole ("0", 10, &out), 0);
    assert_true (out == 0);
    const char *bad [] = { "", "-1", "+1", " 1", "1 ", "1.0", "1e3", "0x5", "11",
                           "9223372036854775808", "99999999999999999999" };
    for (size_t i = 0; i < sizeof bad / sizeof bad [0]; i++) {
        out = 7;
        assert_int_equal (number_parse_whole (bad [i], i == 8? 10: INT64_MAX, &out), -1);
        assert_true (out == 7);
    }
}

int
main (void)
{
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_whole),
        cmocka_unit_test (test_accepts),
        cmocka_unit_test (test_refuses),
    };
    return cmocka_run_group_tests_name ("common_number", tests, NULL, NULL);
}
