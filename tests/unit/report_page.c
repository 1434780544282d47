/*  report_page.c -- report.html from run directories: the verdict,
    one lane per process, the fault periods shaded, the failing op marked,
    the message diagram, graceful pages when optional inputs are missing,
    errors for a bad history and a bad message trace, and a page that stays small for a generated
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
#include <stdbool.h>
#include "limits.h"
#include "../../report/report.h"
#include "cyclesvg.h"

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
    assert_non_null (strstr (html, "results.json is missing: the verdict is not known"));
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
    //  A NUL byte in a line is named with its column, not as jansson's
    //  "'}' expected near end of file"
    snprintf (path, sizeof path, "%s/history.jsonl", dir);
    file = fopen (path, "w");
    fwrite ("{\"time\":1,\"process\":0,\"type\":\"invoke\",\"f\":\"read\"}\n{\"ti\0me\":2}\n",
            1, 62, file);
    fclose (file);
    assert_int_equal (report_write (dir, &error), -1);
    assert_non_null (strstr (error, "history.jsonl:2: NUL byte at column 5"));
    free (error);
    s_remove_dir (dir);
}

//  A bad messages.jsonl line is refused as a bad history line is, naming
//  file:line and what is wrong, and no page is written; an action the
//  diagram has no arrow for, or a torn last line (the proxy killed
//  mid-write), is passed over as not understood.
static void
test_bad_messages (void **state)
{
    (void) state;
    static const struct { const char *trace, *error; } cases [] = {
        { "not json\n", "messages.jsonl:1: bad JSON: " },
        { "{\"time\":1,\"src\":\"a\"}\nzzz\n", "messages.jsonl:1: missing string 'dest'" },
        { "{\"time\":1,\"src\":\"n1\",\"dest\":\"n2\",\"action\":\"deliver\"}\n\nzzz\n",
          "messages.jsonl:3: bad JSON: " },
        { "[1]\n", "messages.jsonl:1: not a JSON object" },
        { "{\"time\":-1,\"src\":\"n1\",\"dest\":\"n2\",\"action\":\"deliver\"}\n",
          "messages.jsonl:1: 'time' is not a non-negative integer" },
        { "{\"time\":1,\"src\":\"n1\",\"dest\":\"n2\"}\n", "messages.jsonl:1: missing string 'action'" },
    };
    char *dir = s_run_dir ("history.jsonl", "faults.jsonl", "results.json", NULL);
    char path [256], page [256];
    snprintf (path, sizeof path, "%s/messages.jsonl", dir);
    snprintf (page, sizeof page, "%s/report.html", dir);
    for (size_t i = 0; i < sizeof cases / sizeof cases [0]; i++) {
        FILE *file = fopen (path, "w");
        fputs (cases [i].trace, file);
        fclose (file);
        char *error = NULL;
        assert_int_equal (report_write (dir, &error), -1);
        if (!strstr (error, cases [i].error))
            fail_msg ("case %zu: '%s', wanted '%s'", i, error, cases [i].error);
        free (error);
        assert_int_equal (access (page, F_OK), -1);     // no half page
    }
    FILE *file = fopen (path, "w");
    fputs ("{\"time\":1,\"src\":\"n1\",\"dest\":\"n2\",\"action\":\"deliver\"}\n"
           "{\"time\":2,\"src\":\"n1\",\"dest\":\"n2\",\"action\":\"reorder\"}\n"
           "{\"time\":3,\"src\":\"n1\",\"de", file);
    fclose (file);
    char *html = s_report (dir, NULL);
    assert_non_null (strstr (html, "2 trace lines were not understood"));
    free (html);
    s_remove_dir (dir);
}

//  A crashed run: the history's last line cut mid-write is ignored, said
//  in the notes and on the page; a results.json cut short is bad input
//  (1: page written) named with jansson's line and column.
static void
test_torn_history (void **state)
{
    (void) state;
    char *dir = s_run_dir ("history.jsonl", NULL);
    char path [256];
    snprintf (path, sizeof path, "%s/history.jsonl", dir);
    FILE *file = fopen (path, "a");
    fputs ("{\"time\":999,\"process\":0,\"ty", file);
    fclose (file);
    snprintf (path, sizeof path, "%s/results.json", dir);
    file = fopen (path, "w");
    fputs ("{\"valid\": true,\n \"scenario\": \"x", file);
    fclose (file);
    char *error = NULL, *notes = NULL;
    int rc = report_write_notes (dir, &notes, &error);
    if (rc < 0)
        fprintf (stderr, "# %s\n", error);
    assert_int_equal (rc, 1);
    assert_non_null (notes);
    assert_non_null (strstr (notes, "history.jsonl:"));
    assert_non_null (strstr (notes, ": torn last line (a run cut mid-write) ignored\n"));
    assert_non_null (strstr (notes, "results.json: line 2, column"));
    free (notes);
    char *html = s_report (dir, NULL);   // report_write: 0, the page is there
    assert_non_null (strstr (html, "torn last line (a run cut mid-write) ignored"));
    assert_non_null (strstr (html, "results.json is unreadable (line 2, column"));
    free (html);
    s_remove_dir (dir);
}

//  The same for faults.jsonl: its last line cut mid-write is passed over
//  and said, as the history's is (it was refused, 65, and no page).
static void
test_torn_faults (void **state)
{
    (void) state;
    char *dir = s_run_dir ("history.jsonl", "faults.jsonl", NULL);
    char path [256];
    snprintf (path, sizeof path, "%s/faults.jsonl", dir);
    FILE *file = fopen (path, "a");
    fputs ("{\"time\":999,\"phase\":\"sta", file);
    fclose (file);
    char *error = NULL, *notes = NULL;
    int rc = report_write_notes (dir, &notes, &error);
    if (rc < 0)
        fprintf (stderr, "# %s\n", error);
    assert_true (rc >= 0);
    assert_non_null (notes);
    assert_non_null (strstr (notes, "faults.jsonl:"));
    assert_non_null (strstr (notes, ": torn last line (a run cut mid-write) ignored\n"));
    free (notes);
    char *html = s_report (dir, NULL);
    assert_non_null (strstr (html, "faults.jsonl:"));
    free (html);
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

//  A txn run the elle check found invalid: the page names the anomalies
//  (the Checks table's "found" column and their own section), draws the
//  cycle as ./harness check --report does, shows the micro-ops of a
//  marked txn op, and says convergence was not measured (there is no
//  "converged" for a workload without a rule) rather than "did not
//  converge".
static void s_write (const char *dir, const char *name, const char *text);

static void
test_txn_anomalies (void **state)
{
    (void) state;
    char *dir = s_run_dir (NULL);
    s_write (dir, "history.jsonl",
        "{\"index\":0,\"time\":1000000,\"process\":0,\"type\":\"invoke\",\"f\":\"txn\","
        "\"value\":[[\"append\",1,1],[\"append\",2,1]]}\n"
        "{\"index\":1,\"time\":1100000,\"process\":1,\"type\":\"invoke\",\"f\":\"txn\","
        "\"value\":[[\"append\",1,2],[\"append\",2,2]]}\n"
        "{\"index\":2,\"time\":2000000,\"process\":0,\"type\":\"ok\",\"f\":\"txn\","
        "\"value\":[[\"append\",1,1],[\"append\",2,1]]}\n"
        "{\"index\":3,\"time\":2100000,\"process\":1,\"type\":\"ok\",\"f\":\"txn\","
        "\"value\":[[\"append\",1,2],[\"append\",2,2]]}\n"
        "{\"index\":4,\"time\":3000000,\"process\":0,\"type\":\"invoke\",\"f\":\"txn\","
        "\"value\":[[\"r\",1,null],[\"r\",2,null]]}\n"
        "{\"index\":5,\"time\":4000000,\"process\":0,\"type\":\"ok\",\"f\":\"txn\","
        "\"value\":[[\"r\",1,[1,2]],[\"r\",2,[2,1]]]}\n");
    s_write (dir, "results.json",
        "{\"scenario\":\"no-faults\",\"system\":\"lww\",\"seed\":3,\"valid\":false,"
        "\"expected\":\"valid\",\"checks\":[{\"name\":\"elle\",\"valid\":false,\"details\":"
        "{\"valid\":false,\"model\":\"list-append\",\"ops\":3,"
        "\"reason\":\"G0 (not read-uncommitted)\",\"anomaly_types\":[\"G0\"],"
        "\"anomaly_counts\":{\"G0\":1},\"anomalies\":[{\"type\":\"G0\",\"cycle\":["
        "{\"f\":\"txn\",\"index\":2,\"line\":1,\"process\":0,\"type\":\"ok\","
        "\"value\":[[\"append\",1,1],[\"append\",2,1]]},"
        "{\"f\":\"txn\",\"index\":3,\"line\":2,\"process\":1,\"type\":\"ok\","
        "\"value\":[[\"append\",1,2],[\"append\",2,2]]}],\"edges\":["
        "{\"type\":\"ww\",\"key\":1,\"why\":\"key 1: 1 before 2\"},"
        "{\"type\":\"ww\",\"key\":2,\"why\":\"key 2: 2 before 1\"}]}]}}],"
        "\"convergence\":{\"workload\":\"txn-list-append\",\"valid\":\"unknown\","
        "\"reasons\":[\"not measured: no rule for txn-list-append\"]}}\n");
    char *html = s_report (dir, NULL);
    assert_non_null (strstr (html, "<td style=\"text-align:left\">G0 (not read-uncommitted)</td>"));
    assert_non_null (strstr (html, "<h2>Anomalies found by the elle check</h2><p><b>G0</b> &times;1"));
    assert_non_null (strstr (html, "<h3>G0</h3>"));
    assert_non_null (strstr (html, "T1 (line 1)</text>"));
    assert_non_null (strstr (html, "T2 (line 2)</text>"));
    assert_non_null (strstr (html, "</title>ww k=1</text>"));
    //  and in words, as ./harness check says it
    assert_non_null (strstr (html, "<ul class=\"cycle\"><li>T1 = line 1: process 0 txn "
        "[[&quot;append&quot;,1,1],[&quot;append&quot;,2,1]] ok</li><li>T2 = line 2: process 1 txn "
        "[[&quot;append&quot;,1,2],[&quot;append&quot;,2,2]] ok</li><li>T1 &lt; T2: key 1: 1 before 2"
        "</li><li>T2 &lt; T1: key 2: 2 before 1</li></ul>"));
    //  both cycle ops are marked, each with its micro-ops
    assert_int_equal (s_count (html, "class=\"failing\""), 2);
    assert_non_null (strstr (html, "named by the elle check: #1 p1 txn &rarr; ok "
        "[[&quot;append&quot;,1,2],[&quot;append&quot;,2,2]],"));
    assert_non_null (strstr (html, "<b>unknown</b> &mdash; not measured."));
    assert_non_null (strstr (html, "not measured: no rule for txn-list-append"));
    assert_null (strstr (html, "did not converge"));
    free (html);
    s_remove_dir (dir);
}

//  A cycle the checker cut (length over the edges listed): its edges are
//  named as the checker named them, the last one going on (T2 < T3), not
//  back to T1, and the cut is said.
static void
test_cycle_cut_words (void **state)
{
    (void) state;
    json_t *anomaly = json_loads ("{\"type\":\"G0\",\"length\":70,\"cycle\":["
        "{\"line\":1,\"process\":0,\"f\":\"txn\",\"value\":[],\"type\":\"ok\"},"
        "{\"line\":2,\"process\":1,\"f\":\"txn\",\"value\":[],\"type\":\"ok\"}],\"edges\":["
        "{\"from\":\"T1\",\"to\":\"T2\",\"why\":\"a\"},"
        "{\"from\":\"T2\",\"to\":\"T3\",\"why\":\"b\"}]}", 0, NULL);
    assert_non_null (anomaly);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream (&text, &len);
    cyclesvg_explain (out, anomaly);
    fclose (out);
    assert_non_null (strstr (text, "<li>T1 &lt; T2: a</li><li>T2 &lt; T3: b</li>"
                                   "<li>... (cut: 70 steps in all, 2 shown)</li>"));
    free (text);
    json_decref (anomaly);
}

//  A counter's lost updates are nodes whose final value is out of range,
//  not ops: the table shows the node, the value it holds and the range
//  expected, never op columns full of nulls.
static void
test_counter_lost (void **state)
{
    (void) state;
    char *dir = s_run_dir ("history.jsonl", NULL);
    s_write (dir, "results.json",
        "{\"scenario\":\"crdt-partition\",\"system\":\"crdt\",\"valid\":false,"
        "\"expected\":\"valid\",\"convergence\":{\"workload\":\"pn-counter\","
        "\"valid\":false,\"converged\":true,\"lost_count\":1,\"lost\":[{\"f\":\"add\","
        "\"index\":null,\"key\":null,\"node\":\"n1\",\"process\":null,\"value\":-41,"
        "\"reason\":\"n1 holds -41, above -134\"}],\"range\":{\"acknowledged\":-134,"
        "\"lower\":-140,\"upper\":-130},\"invented\":[],\"invented_count\":0,"
        "\"final\":{\"n1\":{\"null\":-41}}}}\n");
    char *html = s_report (dir, NULL);
    assert_non_null (strstr (html, "<tr><th>node</th><th>value held</th><th>expected range"
                             "</th><th>why lost</th></tr><tr><td>n1</td><td>-41</td>"
                             "<td>[-140, -130] (acknowledged -134)</td>"));
    assert_null (strstr (html, "<td>null</td>"));
    free (html);
    s_remove_dir (dir);
}

//  A run killed with kill -9 leaves no results.json: the title and banner
//  name the scenario and system from the store's path
//  (STORE/SCENARIO/SYSTEM/STAMP) and scenario.conf's name, which wins.
static void
test_no_results_names (void **state)
{
    (void) state;
    char *root = s_run_dir (NULL);
    char run [256], path [300];
    snprintf (run, sizeof run, "%s/partition", root);
    assert_int_equal (mkdir (run, 0700), 0);
    snprintf (run, sizeof run, "%s/partition/lww", root);
    assert_int_equal (mkdir (run, 0700), 0);
    snprintf (run, sizeof run, "%s/partition/lww/20261206T220448-2", root);
    assert_int_equal (mkdir (run, 0700), 0);
    s_copy (BASIC, run, "history.jsonl");
    char *html = s_report (run, NULL);
    assert_non_null (strstr (html, "<title>faultlab: partition / lww</title>"));
    assert_non_null (strstr (html, "scenario <b>partition</b> &middot; system <b>lww</b>"));
    free (html);
    s_write (run, "scenario.conf", "seed = 1    # the seed\n    name = indented\n"
             "name = no-faults    # the scenario this run was\n");
    html = s_report (run, NULL);
    assert_non_null (strstr (html, "<title>faultlab: no-faults / lww</title>"));
    free (html);
    //  outside a store, without scenario.conf: nothing to name
    char *plain = s_run_dir ("history.jsonl", NULL);
    html = s_report (plain, NULL);
    assert_non_null (strstr (html, "<title>faultlab: run / ?</title>"));
    free (html);
    s_remove_dir (plain);
    const char *names [] = { "history.jsonl", "scenario.conf", "report.html", NULL };
    for (int i = 0; names [i]; i++) {
        snprintf (path, sizeof path, "%s/%s", run, names [i]);
        unlink (path);
    }
    rmdir (run);
    snprintf (run, sizeof run, "%s/partition/lww", root);
    rmdir (run);
    snprintf (run, sizeof run, "%s/partition", root);
    rmdir (run);
    s_remove_dir (root);
}

//  --------------------------------------------------------------------------
//  The page's limits, each reached by name: what is left out is counted

//  Write TEXT to DIR/NAME.
static void
s_write (const char *dir, const char *name, const char *text)
{
    char path [256];
    snprintf (path, sizeof path, "%s/%s", dir, name);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    fputs (text, file);
    fclose (file);
}

//  A history of OPS ops: op i by process i (CONCURRENT: all over 1..2 s)
//  or process i one after another (each 1 ms), of TYPE.
static char *
s_ops_dir (size_t ops, bool concurrent, const char *type)
{
    char *dir = s_run_dir (NULL);
    char path [256];
    snprintf (path, sizeof path, "%s/history.jsonl", dir);
    FILE *file = fopen (path, "w");
    assert_non_null (file);
    for (size_t i = 0; i < ops; i++) {
        long long t0 = concurrent ? 1000000000LL + (long long) i : (long long) i * 2000000;
        long long t1 = concurrent ? 2000000000LL + (long long) i : t0 + 1000000;
        fprintf (file, "{\"time\":%lld,\"process\":%zu,\"type\":\"invoke\",\"f\":\"write\","
                 "\"key\":1,\"value\":1}\n{\"time\":%lld,\"process\":%zu,\"type\":\"%s\","
                 "\"f\":\"write\",\"key\":1,\"value\":1}\n", t0, i, t1, i, type);
    }
    fclose (file);
    return dir;
}

//  FL_REPORT_LANES_PACK processes get a lane each; one more and retired
//  processes' lanes are reused; past FL_REPORT_LANES_MAX lanes the rest
//  share the last, and the page says how many.
static void
test_lanes_limits (void **state)
{
    (void) state;
    char *dir = s_ops_dir (FL_REPORT_LANES_PACK, false, "ok");
    char *html = s_report (dir, NULL);
    assert_null (strstr (html, "processes in"));
    free (html);
    s_remove_dir (dir);
    dir = s_ops_dir (FL_REPORT_LANES_PACK + 1, false, "ok");
    html = s_report (dir, NULL);
    char text [160];
    snprintf (text, sizeof text, "%d processes in 1 lanes", FL_REPORT_LANES_PACK + 1);
    assert_non_null (strstr (html, text));
    free (html);
    s_remove_dir (dir);
    dir = s_ops_dir (FL_REPORT_LANES_MAX, true, "ok");
    html = s_report (dir, NULL);
    assert_null (strstr (html, "FL_REPORT_LANES_MAX"));
    free (html);
    s_remove_dir (dir);
    dir = s_ops_dir (FL_REPORT_LANES_MAX + 1, true, "ok");
    html = s_report (dir, NULL);
    snprintf (text, sizeof text, "2 processes share the last lane: there are at most %d "
              "(FL_REPORT_LANES_MAX)", FL_REPORT_LANES_MAX);
    assert_non_null (strstr (html, text));
    free (html);
    s_remove_dir (dir);
}

//  FL_REPORT_HOVER_OPS_MAX fails have their own hover text; past that the
//  page counts the ones drawn without.
static void
test_hover_ops_max (void **state)
{
    (void) state;
    char *dir = s_ops_dir (FL_REPORT_HOVER_OPS_MAX, false, "fail");
    char *html = s_report (dir, NULL);
    assert_null (strstr (html, "FL_REPORT_HOVER_OPS_MAX"));
    free (html);
    s_remove_dir (dir);
    dir = s_ops_dir (FL_REPORT_HOVER_OPS_MAX + 5, false, "fail");
    html = s_report (dir, NULL);
    char text [160];
    snprintf (text, sizeof text, "5 more fails, infos or failing ops are drawn without their "
              "own hover text: %d have one (FL_REPORT_HOVER_OPS_MAX)", FL_REPORT_HOVER_OPS_MAX);
    assert_non_null (strstr (html, text));
    free (html);
    s_remove_dir (dir);
}

//  results.json naming failing ops by line: FL_REPORT_FAILING_MAX are
//  marked and the rest counted; an op nested deeper than
//  FL_REPORT_JSON_DEPTH_MAX is not searched for, and that is counted too.
static void
test_failing_and_depth_max (void **state)
{
    (void) state;
    size_t ops = FL_REPORT_FAILING_MAX + 3;
    char *dir = s_ops_dir (ops, false, "ok");
    char *results = calloc (1, 64 * ops + 256);
    strcpy (results, "{\"valid\":false,\"checks\":[{\"name\":\"l\",\"valid\":false,"
                     "\"details\":{\"failing\":[");
    for (size_t i = 0; i < ops; i++)
        sprintf (results + strlen (results), "%s{\"line\":%zu}", i ? "," : "", 2 * i + 1);
    strcat (results, "]}}]}\n");
    s_write (dir, "results.json", results);
    free (results);
    char *html = s_report (dir, NULL);
    assert_int_equal (s_count (html, "class=\"failing\""), FL_REPORT_FAILING_MAX);
    char text [160];
    snprintf (text, sizeof text, "3 more mentions of failing ops by the checker are not "
              "marked: %d ops are (FL_REPORT_FAILING_MAX)", FL_REPORT_FAILING_MAX);
    assert_non_null (strstr (html, text));
    free (html);
    //  "failing" is at depth 1; K arrays around the op put it at 1 + K
    for (int k = FL_REPORT_JSON_DEPTH_MAX - 1; k <= FL_REPORT_JSON_DEPTH_MAX; k++) {
        char nested [512] = "{\"checks\":[{\"valid\":false,\"details\":{\"failing\":";
        for (int i = 0; i < k; i++)
            strcat (nested, "[");
        strcat (nested, "{\"line\":1}");
        for (int i = 0; i < k; i++)
            strcat (nested, "]");
        strcat (nested, "}}]}\n");
        s_write (dir, "results.json", nested);
        html = s_report (dir, NULL);
        bool deep = k == FL_REPORT_JSON_DEPTH_MAX;
        assert_int_equal (s_count (html, "class=\"failing\""), deep ? 0 : 1);
        snprintf (text, sizeof text, "1 parts of the check details were not searched for "
                  "failing ops: they lie deeper than %d levels (FL_REPORT_JSON_DEPTH_MAX)",
                  FL_REPORT_JSON_DEPTH_MAX);
        if (deep)
            assert_non_null (strstr (html, text));
        else
            assert_null (strstr (html, "FL_REPORT_JSON_DEPTH_MAX"));
        free (html);
    }
    s_remove_dir (dir);
}

//  FL_REPORT_LINKS_MAX rows of links and of fault periods, then a note of
//  how many there were.
static void
test_links_max (void **state)
{
    (void) state;
    char *dir = s_ops_dir (2, false, "ok");
    size_t rows = FL_REPORT_LINKS_MAX + 1;
    char *text = calloc (1, 128 * rows + 64);
    strcpy (text, "{\"network\":{\"links\":{");
    for (size_t i = 0; i < rows; i++)
        sprintf (text + strlen (text), "%s\"n%zu->n%zu\":{\"sent\":1}", i ? "," : "", i, i + 1);
    strcat (text, "}}}\n");
    s_write (dir, "results.json", text);
    text [0] = 0;
    for (size_t i = 0; i < rows; i++)
        sprintf (text + strlen (text), "{\"time\":%zu,\"phase\":\"start\",\"fault\":\"kill\","
                 "\"target\":\"n%zu\"}\n", i, i);
    s_write (dir, "faults.jsonl", text);
    free (text);
    char *html = s_report (dir, NULL);
    char note [96];
    snprintf (note, sizeof note, "%d of %zu links.", FL_REPORT_LINKS_MAX, rows);
    assert_non_null (strstr (html, note));
    snprintf (note, sizeof note, "First %d of %zu fault periods.", FL_REPORT_LINKS_MAX, rows);
    assert_non_null (strstr (html, note));
    free (html);
    s_remove_dir (dir);
}

//  Messages the proxy lost with no fault in force are said, with their
//  count: unroutable, overflow (a dest's full queue) and oversize.
static void
test_network_losses (void **state)
{
    (void) state;
    char *dir = s_ops_dir (2, false, "ok");
    s_write (dir, "results.json", "{\"network\":{\"links\":{\"n1->n2\":{\"sent\":9,"
             "\"delivered\":2,\"dropped\":7}},\"unroutable\":3,\"overflow\":4,"
             "\"oversize\":2,\"rejected\":0}}\n");
    char *html = s_report (dir, NULL);
    assert_non_null (strstr (html, "Unroutable: 3 (messages"));
    assert_non_null (strstr (html, "Overflow: 4 messages lost because their dest's queue was"
                                   " full (100000 messages, FL_SOCKET_HWM)"));
    assert_non_null (strstr (html, "Oversize: 2 messages refused by the proxy for being over"
                                   " 1048576 bytes"));
    free (html);
    s_write (dir, "results.json", "{\"network\":{\"links\":{},\"unroutable\":0,"
             "\"overflow\":0,\"oversize\":0}}\n");
    html = s_report (dir, NULL);
    assert_null (strstr (html, "Unroutable:"));
    assert_null (strstr (html, "Overflow:"));
    assert_null (strstr (html, "Oversize:"));
    free (html);
    s_remove_dir (dir);
}

//  A trace of 1000 messages among FL_REPORT_PARTIES_MAX + 2 parties, a
//  fault from message 500 on: the window is FL_REPORT_ARROWS_BEFORE events
//  before it and the rest after, FL_REPORT_ARROWS_MAX in all; the lines
//  after the window and the messages of the parties not drawn are counted.
static void
test_arrows_and_parties_max (void **state)
{
    (void) state;
    char *dir = s_ops_dir (2, false, "ok");
    int parties = FL_REPORT_PARTIES_MAX + 2;
    char *text = calloc (1, 160 * 1000);
    for (int i = 0; i < 1000; i++)
        sprintf (text + strlen (text), "{\"time\":%d,\"src\":\"n%d\",\"dest\":\"n%d\","
                 "\"action\":\"deliver\",\"msg_id\":%d,\"body\":{\"type\":\"x\"}}\n",
                 i * 1000, i % parties + 1, (i + 1) % parties + 1, i);
    s_write (dir, "messages.jsonl", text);
    free (text);
    s_write (dir, "faults.jsonl", "{\"time\":500000,\"phase\":\"start\",\"fault\":\"kill\","
                                  "\"target\":\"n1\"}\n");
    char *html = s_report (dir, NULL);
    char note [200];
    int first = 500 - FL_REPORT_ARROWS_BEFORE;
    snprintf (note, sizeof note, "Showing trace events %d&ndash;%d ", first + 1,
              first + FL_REPORT_ARROWS_MAX);
    assert_non_null (strstr (html, note));
    snprintf (note, sizeof note, "The %d trace lines after these are left out: the diagram "
              "shows at most %d events (FL_REPORT_ARROWS_MAX).", 1000 - first - FL_REPORT_ARROWS_MAX,
              FL_REPORT_ARROWS_MAX);
    assert_non_null (strstr (html, note));
    assert_non_null (strstr (html, "messages to or from parties past the first"));
    snprintf (note, sizeof note, "past the first %d (FL_REPORT_PARTIES_MAX) are not drawn",
              FL_REPORT_PARTIES_MAX);
    assert_non_null (strstr (html, note));
    free (html);
    s_remove_dir (dir);
}

//  Latency dots: every ok op up to FL_REPORT_OPS_DRAWN_MAX / 8; past that
//  one in k, and the chart says so.
static void
test_ops_drawn_max (void **state)
{
    (void) state;
    char *dir = s_ops_dir (FL_REPORT_OPS_DRAWN_MAX / 8, false, "ok");
    char *html = s_report (dir, NULL);
    assert_null (strstr (html, "FL_REPORT_OPS_DRAWN_MAX"));
    free (html);
    s_remove_dir (dir);
    dir = s_ops_dir (FL_REPORT_OPS_DRAWN_MAX / 8 + 1, false, "ok");
    html = s_report (dir, NULL);
    char note [160];
    snprintf (note, sizeof note, "dots: 1 in 2 of %d ok ops (at most FL_REPORT_OPS_DRAWN_MAX / 8 = %d)",
              FL_REPORT_OPS_DRAWN_MAX / 8 + 1, FL_REPORT_OPS_DRAWN_MAX / 8);
    assert_non_null (strstr (html, note));
    free (html);
    s_remove_dir (dir);
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
        cmocka_unit_test (test_bad_messages),
        cmocka_unit_test (test_torn_history),
        cmocka_unit_test (test_torn_faults),
        cmocka_unit_test (test_txn_anomalies),
        cmocka_unit_test (test_counter_lost),
        cmocka_unit_test (test_no_results_names),
        cmocka_unit_test (test_size_10k),
        cmocka_unit_test (test_size_40k),
        cmocka_unit_test (test_lanes_limits),
        cmocka_unit_test (test_hover_ops_max),
        cmocka_unit_test (test_failing_and_depth_max),
        cmocka_unit_test (test_links_max),
        cmocka_unit_test (test_network_losses),
        cmocka_unit_test (test_cycle_cut_words),
        cmocka_unit_test (test_arrows_and_parties_max),
        cmocka_unit_test (test_ops_drawn_max),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
