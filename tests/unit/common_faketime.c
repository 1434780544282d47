/*  common_faketime.c -- libfaketime's offset file: the format written is
    the one read back, offsets past FL_FAKETIME_OFFSET_MS_MAX are refused,
    the write is whole (temp + rename, no temp left), and a real
    libfaketime reads the file as a relative, running offset (date).
*/
#include "tap.h"
#include <string.h>
#include <sys/stat.h>
#include "faketime.h"
#include "limits.h"

static void
test_format_and_parse (void **state)
{
    (void) state;
    struct { int64_t ms; const char *text; } cases [] = {
        { 0, "+0.000" }, { 5000, "+5.000" }, { -2500, "-2.500" }, { 1, "+0.001" },
        { -999, "-0.999" }, { 3600000, "+3600.000" },
        { FL_FAKETIME_OFFSET_MS_MAX, "+31622400.000" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases [0]; i++) {
        char text [64];
        assert_int_equal (faketime_format (cases [i].ms, text, sizeof text), 0);
        assert_string_equal (text, cases [i].text);
        int64_t back = 42;
        assert_int_equal (faketime_parse (text, &back), 0);
        assert_true (back == cases [i].ms);
    }
    int64_t value = 42;
    assert_int_equal (faketime_parse ("+0", &value), 0);          //  what a person types
    assert_true (value == 0);
    assert_int_equal (faketime_parse ("-1.5\n", &value), 0);
    assert_true (value == -1500);
    char tiny [4];
    assert_int_equal (faketime_format (5000, tiny, sizeof tiny), -1);
}

static void
test_refuses (void **state)
{
    (void) state;
    char text [64];
    assert_int_equal (faketime_format (FL_FAKETIME_OFFSET_MS_MAX + 1, text, sizeof text), -1);
    assert_int_equal (faketime_format (-FL_FAKETIME_OFFSET_MS_MAX - 1, text, sizeof text), -1);
    const char *bad [] = { "", "5", "+", "+.5", "+1.2345", "+1x", " +1", "+1\n\n", "@2020-01-01",
                           "+31622400.001", "+99999999999999999999", "+1e3", "++1" };
    for (size_t i = 0; i < sizeof bad / sizeof bad [0]; i++) {
        int64_t value = 42;
        if (faketime_parse (bad [i], &value) != -1)
            fail_msg ("'%s' was taken as %lld ms", bad [i], (long long) value);
        assert_true (value == 42);
    }
}

static void
test_write_and_read (void **state)
{
    (void) state;
    char path [128];
    snprintf (path, sizeof path, "%s/n1.faketime", tap_dir);
    int64_t value = 0;
    assert_int_equal (faketime_read (path, &value), -1);          //  not there yet
    assert_int_equal (errno, ENOENT);
    assert_int_equal (faketime_write (path, -2500), 0);
    FILE *file = fopen (path, "r");
    assert_non_null (file);
    char text [64] = "";
    assert_non_null (fgets (text, sizeof text, file));
    fclose (file);
    assert_string_equal (text, "-2.500\n");
    assert_int_equal (faketime_read (path, &value), 0);
    assert_true (value == -2500);
    assert_int_equal (faketime_write (path, FL_FAKETIME_OFFSET_MS_MAX + 1), -1);
    assert_int_equal (errno, EINVAL);
    assert_int_equal (faketime_read (path, &value), 0);           //  untouched
    assert_true (value == -2500);
    char command [256];                                           //  no temp left
    snprintf (command, sizeof command, "test $(ls '%s' | wc -l) -eq 1", tap_dir);
    assert_int_equal (system (command), 0);
    assert_int_equal (faketime_write ("/nonexistent/dir/ft", 0), -1);
}

//  The format is the one libfaketime reads: date under it runs +5 s ahead.
static void
test_libfaketime_reads_it (void **state)
{
    (void) state;
    if (access (faketime_lib (), R_OK))
        fail_msg ("libfaketime '%s' not found: run make lab (installs Debian package %s)",
                  faketime_lib (), FAKETIME_PACKAGE);
    char path [128];
    snprintf (path, sizeof path, "%s/date.faketime", tap_dir);
    assert_int_equal (faketime_write (path, 5000), 0);
    char command [512];
    snprintf (command, sizeof command, "a=$(date +%%s%%N); b=$(LD_PRELOAD='%s' "
              "FAKETIME_TIMESTAMP_FILE='%s' FAKETIME_NO_CACHE=1 date +%%s%%N); "
              "d=$(( (b - a) / 1000000 )); test $d -gt 4500 -a $d -lt 5500",
              faketime_lib (), path);
    assert_int_equal (system (command), 0);
}

int
main (void)
{
    tap_start (30);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_format_and_parse),
        cmocka_unit_test (test_refuses),
        cmocka_unit_test (test_write_and_read),
        cmocka_unit_test (test_libfaketime_reads_it),
    };
    return cmocka_run_group_tests_name ("common_faketime", tests, tap_dir_make, tap_dir_remove);
}
