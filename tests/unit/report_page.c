/*  report_page.c -- report.html from run directories: the verdict,
    one lane per process, the fault periods shaded, the failing op marked,
    the message diagram, graceful pages when optional inputs are missing,
    errors for a bad history, and a page that stays small for a generated
    history of 10,000 and of 40,000 ops with a 100,000-line trace.

    Inputs are copied from tests/data/run-basic into a scratch directory,
    so the source tree is never written and tests can run in parallel.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tap.h"
#include "../../report/report.h"

#define BASIC "tests/data/run-basic"

static const char *s_files [] = { "history.jsonl", "faults.jsonl", "results.json",
                                  "messages.jsonl", "report.html", "report.html.tmp", NULL };

static void
s_copy (const char *from_dir, const char *to_dir, const char *name)
{
    char from [256], to [256], buffer [4096];
    snprintf (from, sizeof from, "%s/%s", from_dir, name);
    snprintf (to, sizeof to, "%s/%s", to_dir, name);
    FILE *in = fopen (from, "r");
    assert_non_null (in);
    FILE *out = fopen (to, "w");
    assert_non_null (out);
    size_t size;
    while ((size = fread (buffer, 1, sizeof buffer, in)) > 0)
        assert_int_equal (fwrite (buffer, 1, size, out), size);
    fclose (in);
    fclose (out);
}

//  A scratch run dir holding the named files of run-basic (NULL-ended).
static char *
s_run_dir (const char *first, ...)
{
    char *dir = strdup ("/tmp/fl-report-XXXXXX");
    assert_non_null (mkdtemp (dir));
    va_list names;
    va_start (names, first);
    for (const char *name = first; name; name = va_arg (names, const char *))
        s_copy (BASIC, dir, name);
    va_end (names);
    return dir;
}

static void
s_remove_dir (char *dir)
{
    char path [256];
    for (int i = 0; s_files [i]; i++) {
        snprintf (path, sizeof path, "%s/%s", dir, s_files [i]);
        unlink (path);
    }
    rmdir (dir);
    free (dir);
}

//  The report of DIR, as a string (caller frees); asserts it was written.
static char *
s_report (const char *dir, size_t *size_p)
{
    char *error = NULL;
    int rc = report_write (dir, &error);
    if (rc != 0)
        fprintf (stderr, "# %s\n", error);
    assert_int_equal (rc, 0);
    char path [256];
    snprintf (path, sizeof path, "%s/report.html", dir);
    FILE *file = fopen (path, "r");
    assert_non_null (file);
    struct stat info;
    assert_int_equal (fstat (fileno (file), &info), 0);
    char *text = calloc (1, (size_t) info.st_size + 1);
    assert_int_equal (fread (text, 1, (size_t) info.st_size, file), (size_t) info.st_size);
    fclose (file);
    if (size_p)
        *size_p = (size_t) info.st_size;
    return text;
}

static size_t
s_count (const char *text, const char *needle)
{
    size_t count = 0;
    for (const char *at = strstr (text, needle); at; at = strstr (at + 1, needle))
        count++;
    return count;
}

static void
test_full_page (void **state)
{
    (void) state;
    char *dir = s_run_dir ("history.jsonl", "faults.jsonl", "results.json", "messages.jsonl", NULL);
    char *html = s_report (dir, NULL);
    //  the verdict banner: invalid, as the scenario expects
    assert_non_null (strstr (html, "<h1>invalid &mdash; as expected</h1>"));
    assert_non_null (strstr (html, "scenario <b>unit</b>"));
    assert_non_null (strstr (html, "seed <b>7</b>"));
    //  one lane per process: p0..p3
    assert_int_equal (s_count (html, "text-anchor=\"end\">p"), 4);
    assert_non_null (strstr (html, ">p3</text>"));
    //  2 fault periods, shaded in the timeline and the three charts
    assert_int_equal (s_count (html, "<rect class=\"ft\""), 2 * 4);
    //  the failing op (history index 22) is marked, the context ops are not
    assert_int_equal (s_count (html, "class=\"failing\""), 1);
    assert_non_null (strstr (html, ">#22</text>"));
    //  the network table and the message diagram
    assert_non_null (strstr (html, "<td>n1-&gt;n2</td><td>10</td><td>8</td><td>2</td>"));
    assert_non_null (strstr (html, "Showing trace events"));
    assert_non_null (strstr (html, "1 trace lines were not understood"));
    assert_true (s_count (html, "marker-end=") >= 3);
    //  self-contained: nothing fetched from anywhere
    assert_null (strstr (html, "http:"));
    assert_null (strstr (html, "https:"));
    assert_null (strstr (html, "<script"));
    free (html);
    s_remove_dir (dir);
}

//  The checker's own JSON (./harness check --json on run-basic): "index"
//  there is the checker's op number and "line" the invoke's line, 7 here,
//  which is history event 6; the prefix's ops are context, not failing.
static void
test_checker_json (void **state)
{
    (void) state;
    char *dir = s_run_dir ("history.jsonl", NULL);
    char path [256];
    snprintf (path, sizeof path, "%s/results.json", dir);
    FILE *file = fopen (path, "w");
    fputs ("{\"scenario\":\"x\",\"system\":\"raft\",\"seed\":1,\"valid\":false,"
           "\"expected\":\"valid\",\"checks\":[{\"name\":\"linearizable\",\"valid\":false,"
           "\"details\":{\"valid\":false,\"model\":\"kv\",\"ops\":15,\"key\":\"k1\","
           "\"failing\":[{\"index\":3,\"process\":1,\"f\":\"read\",\"type\":\"ok\","
           "\"line\":7,\"key\":\"k1\",\"result\":1}],\"concurrent\":[],"
           "\"prefix\":{\"length\":3,\"last\":[{\"index\":0,\"line\":1},"
           "{\"index\":1,\"line\":3},{\"index\":2,\"line\":5}],\"state\":2}}}]}\n", file);
    fclose (file);
    char *html = s_report (dir, NULL);
    assert_non_null (strstr (html, "<h1>invalid &mdash; differs from what the scenario expects</h1>"));
    assert_non_null (strstr (html, "class=\"banner differ\""));
    assert_int_equal (s_count (html, "class=\"failing\""), 1);
    assert_non_null (strstr (html, ">#6</text>"));
    assert_non_null (strstr (html, "could not be linearized: #6 p1 read key k1 &rarr; ok 1,"));
    free (html);
    s_remove_dir (dir);
}

static void
test_run_error (void **state)
{
    (void) state;
    char *dir = s_run_dir ("history.jsonl", NULL);
    char path [256];
    snprintf (path, sizeof path, "%s/results.json", dir);
    FILE *file = fopen (path, "w");
    fputs ("{\"scenario\":\"x\",\"system\":\"raft\",\"valid\":\"unknown\","
           "\"expected\":\"valid\",\"nodes\":5,\"error\":\"node n3 <crashed>\"}\n", file);
    fclose (file);
    char *html = s_report (dir, NULL);
    assert_non_null (strstr (html, "class=\"banner unknown\""));
    assert_non_null (strstr (html, "<b>run error:</b> node n3 &lt;crashed&gt;"));
    assert_non_null (strstr (html, "5 nodes"));
    free (html);
    s_remove_dir (dir);
}

static void
test_history_only (void **state)
{
    (void) state;
    char *dir = s_run_dir ("history.jsonl", NULL);
    char *html = s_report (dir, NULL);
    assert_non_null (strstr (html, "results.json is missing or unreadable"));
    assert_non_null (strstr (html, "No faults were injected"));
    assert_non_null (strstr (html, "No message trace"));
    assert_non_null (strstr (html, "No per-link counters"));
    assert_int_equal (s_count (html, "text-anchor=\"end\">p"), 4);
    assert_int_equal (s_count (html, "<rect class=\"ft\""), 0);
    assert_int_equal (s_count (html, "class=\"failing\""), 0);
    free (html);
    s_remove_dir (dir);
}

static void
test_bad_history (void **state)
{
    (void) state;
    char *dir = s_run_dir (NULL);
    char path [256];
    snprintf (path, sizeof path, "%s/history.jsonl", dir);
    FILE *file = fopen (path, "w");
    fputs ("{\"time\":1,\"process\":0,\"type\":\"invoke\",\"f\":\"read\"}\n{oops\n", file);
    fclose (file);
    char *error = NULL;
    assert_int_equal (report_write (dir, &error), -1);
    assert_non_null (strstr (error, "history.jsonl:2:"));
    free (error);
    snprintf (path, sizeof path, "%s/report.html", dir);
    assert_int_equal (access (path, F_OK), -1);         // no half page
    s_remove_dir (dir);
}

//  A history of OPS ops by 10 clients over 60 s, with a timeout now and
//  then (a new process), faults every 10 s, and a long message trace.
static char *
s_generated (size_t ops, size_t messages)
{
    char *dir = s_run_dir (NULL);
    char path [256];
    snprintf (path, sizeof path, "%s/history.jsonl", dir);
    FILE *file = fopen (path, "w");
    uint64_t state = 42;
    int64_t process [10], clock_ns [10] = { 0 };
    for (int c = 0; c < 10; c++)
        process [c] = c;
    int64_t step_ns = 60000000000LL / (int64_t) (ops / 10);
    for (size_t i = 0; i < ops; i++) {
        int c = (int) (i % 10);
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        int64_t latency_ns = 200000 + (int64_t) ((state >> 33) % 5000000);
        int kind = (int) ((state >> 20) % 100);
        const char *type = kind < 85 ? "ok" : kind < 97 ? "fail" : "info";
        int64_t t0 = clock_ns [c] + step_ns / 2, t1 = t0 + latency_ns;
        fprintf (file, "{\"time\":%lld,\"process\":%lld,\"type\":\"invoke\",\"f\":\"write\","
                 "\"key\":%d,\"value\":%d}\n", (long long) t0, (long long) process [c],
                 (int) (i % 3), (int) (i % 7));
        fprintf (file, "{\"time\":%lld,\"process\":%lld,\"type\":\"%s\",\"f\":\"write\","
                 "\"key\":%d,\"value\":%d}\n", (long long) t1, (long long) process [c], type,
                 (int) (i % 3), (int) (i % 7));
        clock_ns [c] = t0 + step_ns / 2;
        if (*type == 'i')
            process [c] += 10;
    }
    fclose (file);
    snprintf (path, sizeof path, "%s/faults.jsonl", dir);
    file = fopen (path, "w");
    for (int i = 1; i < 6; i++)
        fprintf (file, "{\"time\":%lld,\"phase\":\"start\",\"fault\":\"partition\",\"target\":\"\"}\n"
                 "{\"time\":%lld,\"phase\":\"end\",\"fault\":\"partition\",\"target\":\"\"}\n",
                 i * 10000000000LL, i * 10000000000LL + 4000000000LL);
    fclose (file);
    snprintf (path, sizeof path, "%s/messages.jsonl", dir);
    file = fopen (path, "w");
    for (size_t i = 0; i < messages; i++)
        fprintf (file, "{\"time\":%lld,\"src\":\"n%d\",\"dest\":\"n%d\",\"action\":\"%s\","
                 "\"msg_id\":%zu,\"body\":{\"type\":\"append\",\"entries\":[1,2,3]}}\n",
                 (long long) (i * (60000000000LL / (int64_t) messages)), (int) (i % 5) + 1,
                 (int) ((i + 1) % 5) + 1, i % 4 ? "deliver" : "block", i);
    fclose (file);
    return dir;
}

static void
s_bounded (size_t ops, size_t bytes_max)
{
    char *dir = s_generated (ops, 100000);
    size_t size;
    char *html = s_report (dir, &size);
    fprintf (stderr, "# %zu ops: report.html is %zu bytes\n", ops, size);
    assert_true (size < bytes_max);
    assert_true (s_count (html, "marker-end=") <= 300);
    assert_int_equal (s_count (html, "<rect class=\"ft\""), 5 * 4);
    assert_non_null (strstr (html, "partition starts"));    // the diagram's anchor
    free (html);
    s_remove_dir (dir);
}

static void
test_size_10k (void **state)
{
    (void) state;
    s_bounded (10000, 500 * 1000);
}

static void
test_size_40k (void **state)
{
    (void) state;
    s_bounded (40000, 500 * 1000);
}

int
main (void)
{
    tap_start (120);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_full_page),
        cmocka_unit_test (test_checker_json),
        cmocka_unit_test (test_run_error),
        cmocka_unit_test (test_history_only),
        cmocka_unit_test (test_bad_history),
        cmocka_unit_test (test_size_10k),
        cmocka_unit_test (test_size_40k),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
