/*  report_storeindex.c -- the store browser's pure parts: a run's summary
    from its results.json (valid, invalid, unknown, missing, broken), the
    newest-first order (same-second runs -2 ... -10 too), the index page
    (rows in order, coloured by verdict, links escaped), a listing, the URL
    path checks (every ".." refused) and the inside-the-store test.
*/
#include "tap.h"
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include "limits.h"
#include "../../report/storeindex.h"

static void
s_write (const char *path, const char *text)
{
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fputs (text, file);
    fclose (file);
}

//  TAP_DIR/NAME as a run directory with results.json TEXT (NULL: none).
static void
s_run (const char *name, const char *text, bool report)
{
    char path [512];
    snprintf (path, sizeof path, "mkdir -p '%s/%s'", tap_dir, name);
    assert_int_equal (system (path), 0);
    if (text) {
        snprintf (path, sizeof path, "%s/%s/results.json", tap_dir, name);
        s_write (path, text);
    }
    if (report) {
        snprintf (path, sizeof path, "%s/%s/report.html", tap_dir, name);
        s_write (path, "<html></html>");
    }
}

static void
test_run_read (void **state)
{
    (void) state;
    s_run ("sb/primary/20261202T185929", "{\"valid\": false, \"expected\": \"invalid\", "
           "\"scenario\": \"split-brain\", \"system\": \"primary\", \"seed\": 7, "
           "\"ops\": {\"total\": 826}}", true);
    s_run ("sb/raft/20261202T185930", "{\"valid\": \"unknown\", \"expected\": \"valid\"}", false);
    s_run ("sb/raft/20261202T185931", NULL, false);
    s_run ("sb/raft/20261202T185932", "{\"valid\": tru", false);
    storeindex_run_t run;
    assert_int_equal (storeindex_run_read (&run, tap_dir, "sb/primary/20261202T185929"), 0);
    assert_string_equal (run.verdict, "invalid");
    assert_string_equal (run.scenario, "split-brain");
    assert_string_equal (run.system, "primary");
    assert_string_equal (run.stamp, "20261202T185929");
    assert_true (run.as_expected && run.has_report);
    assert_int_equal (run.ops, 826);
    assert_int_equal (run.seed, 7);
    assert_null (run.problem);
    storeindex_run_release (&run);
    assert_int_equal (storeindex_run_read (&run, tap_dir, "sb/raft/20261202T185930"), 0);
    assert_string_equal (run.verdict, "unknown");
    assert_string_equal (run.scenario, "sb");       // from the path
    assert_string_equal (run.system, "raft");
    assert_false (run.as_expected || run.has_report);
    assert_int_equal (run.ops, -1);
    storeindex_run_release (&run);
    assert_int_equal (storeindex_run_read (&run, tap_dir, "sb/raft/20261202T185931"), 0);
    assert_null (run.verdict);
    assert_null (run.problem);
    storeindex_run_release (&run);
    assert_int_equal (storeindex_run_read (&run, tap_dir, "sb/raft/20261202T185932"), 0);
    assert_null (run.verdict);
    assert_non_null (run.problem);
    assert_non_null (strstr (run.problem, "results.json:1:"));
    storeindex_run_release (&run);
    //  STORE/matrix/STAMP: no system
    s_run ("matrix/20261202T185933", NULL, false);
    assert_int_equal (storeindex_run_read (&run, tap_dir, "matrix/20261202T185933"), 0);
    assert_string_equal (run.scenario, "matrix");
    assert_null (run.system);
    storeindex_run_release (&run);
}

static void
test_sort (void **state)
{
    (void) state;
    const char *paths [] = { "a/x/20261202T100000", "b/y/20261202T100000-10",
                             "a/x/20261203T000000", "a/x/20261202T100000-2",
                             "c/z/20261202T100000-9", "a/y/20261202T100000" };
    const char *order [] = { "a/x/20261203T000000", "b/y/20261202T100000-10",
                             "c/z/20261202T100000-9", "a/x/20261202T100000-2",
                             "a/x/20261202T100000", "a/y/20261202T100000" };
    storeindex_run_t runs [6];
    for (size_t i = 0; i < 6; i++)
        assert_int_equal (storeindex_run_read (&runs [i], tap_dir, paths [i]), 0);
    storeindex_sort (runs, 6);
    for (size_t i = 0; i < 6; i++)
        assert_string_equal (runs [i].path, order [i]);
    for (size_t i = 0; i < 6; i++)
        storeindex_run_release (&runs [i]);
}

static char *
s_page (storeindex_run_t *runs, size_t size, size_t unlisted)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream (&text, &length);
    assert_non_null (out);
    storeindex_write (out, "my <store>", runs, size, unlisted);
    fclose (out);
    return text;
}

static void
test_index_page (void **state)
{
    (void) state;
    s_run ("sp ace/raft/20261202T185940", "{\"valid\": true, \"expected\": \"invalid\"}", true);
    storeindex_run_t runs [2];
    assert_int_equal (storeindex_run_read (&runs [0], tap_dir, "sp ace/raft/20261202T185940"), 0);
    assert_int_equal (storeindex_run_read (&runs [1], tap_dir, "sb/primary/20261202T185929"), 0);
    storeindex_sort (runs, 2);
    char *page = s_page (runs, 2, 3);
    const char *first = strstr (page, "data-path=\"sp ace/raft/20261202T185940\"");
    const char *second = strstr (page, "data-path=\"sb/primary/20261202T185929\"");
    assert_true (first && second && first < second);
    assert_non_null (strstr (page, "<tr class=\"run valid\""));
    assert_non_null (strstr (page, "<tr class=\"run invalid\""));
    assert_non_null (strstr (page, "href=\"/sp%20ace/raft/20261202T185940/report.html\""));
    assert_non_null (strstr (page, "href=\"/sb/primary/20261202T185929/\">files"));
    assert_non_null (strstr (page, "2026-12-02 18:59:40 UTC"));
    assert_non_null (strstr (page, "class=\"differs\""));          // valid, expected invalid
    assert_non_null (strstr (page, "my &lt;store&gt;: 5 runs"));
    assert_non_null (strstr (page, "3 older runs are not listed"));
    assert_null (strstr (page, "<store>"));
    free (page);
    for (size_t i = 0; i < 2; i++)
        storeindex_run_release (&runs [i]);
    page = s_page (NULL, 0, 0);
    assert_non_null (strstr (page, "No runs yet"));
    free (page);
}

static void
test_listing (void **state)
{
    (void) state;
    char *names [] = { "data", "history.jsonl", "a\"b<c" };
    bool dirs [] = { true, false, false };
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream (&text, &length);
    storeindex_listing_write (out, "/sb/raft/STAMP", names, dirs, 3, 0);
    fclose (out);
    assert_non_null (strstr (text, "href=\"/sb/raft/STAMP/data/\">data/</a>"));
    assert_non_null (strstr (text, "href=\"/sb/raft/STAMP/history.jsonl\""));
    assert_non_null (strstr (text, "href=\"/sb/raft/STAMP/a%22b%3Cc\">a&quot;b&lt;c</a>"));
    free (text);
}

static void
test_path_check (void **state)
{
    (void) state;
    char problem [256];
    const char *good [] = { "/", "/sb/raft/20261202T185929/report.html", "/sb/raft/",
                            "/a..b/c", "/.hidden", "/latest/report.html" };
    for (size_t i = 0; i < sizeof good / sizeof good [0]; i++) {
        int rc = storeindex_path_check (good [i], problem, sizeof problem);
        if (rc)
            fprintf (stderr, "# %s: %s\n", good [i], problem);
        assert_int_equal (rc, 0);
    }
    const char *bad [] = { "/..", "/../etc/passwd", "/sb/../../x", "/sb/..", "/./x",
                           "/sb/./x", "relative", "", "/a//b", "/a\\..\\b", "/a\tb" };
    for (size_t i = 0; i < sizeof bad / sizeof bad [0]; i++)
        assert_int_equal (storeindex_path_check (bad [i], problem, sizeof problem), -1);
    storeindex_path_check ("/sb/../x", problem, sizeof problem);
    assert_non_null (strstr (problem, "'..'"));
    char longer [FL_SERVE_PATH_BYTES_MAX + 8];
    memset (longer, 'a', sizeof longer - 1);
    longer [0] = '/';
    longer [sizeof longer - 1] = 0;
    assert_int_equal (storeindex_path_check (longer, problem, sizeof problem), -1);
    assert_non_null (strstr (problem, "FL_SERVE_PATH_BYTES_MAX"));
    //  The raw target: an encoded NUL in the path is refused, at its byte
    //  in the decoded path; elsewhere (the query) and other escapes pass
    const char *raw_good [] = { "/", "/latest/results.json", "/a%20b", "/a%0", "/%zz",
                                "/a?x=%00", "/a%2500" };
    for (size_t i = 0; i < sizeof raw_good / sizeof raw_good [0]; i++)
        assert_int_equal (storeindex_raw_check (raw_good [i], problem, sizeof problem), 0);
    assert_int_equal (storeindex_raw_check ("/latest/results.json%00.html", problem,
                                            sizeof problem), -1);
    assert_string_equal (problem, "the path has a control byte at byte 20 (an encoded NUL, %00)");
    assert_int_equal (storeindex_raw_check ("/%41%00/../etc", problem, sizeof problem), -1);
    assert_non_null (strstr (problem, "at byte 2 "));
    //  Names listed: only those a path can hold
    assert_true (storeindex_name_served ("20261202T185929"));
    assert_true (storeindex_name_served ("a..b"));
    const char *unserved [] = { "", ".", "..", "a\nb", "a\\b", "a\x7f" };
    for (size_t i = 0; i < sizeof unserved / sizeof unserved [0]; i++)
        assert_false (storeindex_name_served (unserved [i]));
}

static void
test_inside (void **state)
{
    (void) state;
    assert_true (storeindex_inside ("/tmp/store", "/tmp/store"));
    assert_true (storeindex_inside ("/tmp/store", "/tmp/store/a/b"));
    assert_true (storeindex_inside ("/tmp/store/", "/tmp/store/a"));
    assert_false (storeindex_inside ("/tmp/store", "/tmp/store2/a"));
    assert_false (storeindex_inside ("/tmp/store", "/tmp"));
    assert_false (storeindex_inside ("/tmp/store", "/etc/passwd"));
    assert_true (storeindex_inside ("/", "/etc"));
    assert_string_equal (storeindex_content_type ("report.html"), "text/html; charset=utf-8");
    assert_string_equal (storeindex_content_type ("results.json"), "application/json");
    assert_string_equal (storeindex_content_type ("n1.log"), "text/plain; charset=utf-8");
}

int
main (void)
{
    tap_start (30);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_run_read),
        cmocka_unit_test (test_sort),
        cmocka_unit_test (test_index_page),
        cmocka_unit_test (test_listing),
        cmocka_unit_test (test_path_check),
        cmocka_unit_test (test_inside),
    };
    return cmocka_run_group_tests (tests, tap_dir_make, tap_dir_remove);
}
