/*  proxy_trace.c -- the trace writer (proxy/trace.h): every event handed
    to the writer thread reaches the file, in order, in today's line format,
    whatever the body (JSON with a body, JSON without, not JSON, none).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "limits.h"
#include "../../proxy/trace.h"

#define EVENTS 200000       //  several chunks, many flushes

static void
test_all_in_order (void **state)
{
    (void) state;
    char path [] = "/tmp/fl-trace-test-XXXXXX";
    int fd = mkstemp (path);
    assert_true (fd >= 0);
    close (fd);
    trace_t *trace = trace_new (path, 1000, 0);
    assert_non_null (trace);
    char body [128];
    for (int i = 0; i < EVENTS; i++) {
        int size = snprintf (body, sizeof body,
                             "{\"src\":\"n1\",\"dest\":\"n2\",\"body\":{\"msg_id\":%d}}", i);
        trace_event (trace, 1000 + i, "n1", "n2", "deliver", (uint64_t) i + 1, body, (size_t) size,
                     1000 + i, -1);
        if (i % 100 == 99)
            trace_flush (trace);
    }
    trace_event (trace, 1000 + EVENTS, "n1", "odd id", "delay", 0, "not json", 8, -1, 2500000);
    trace_event (trace, 1000 + EVENTS + 1, "n3", "", "oversize", 0, NULL, 0, -1, -1);
    trace_destroy (&trace);
    assert_null (trace);

    FILE *file = fopen (path, "r");
    assert_non_null (file);
    char line [512], want [512];
    for (int i = 0; i < EVENTS; i++) {
        assert_non_null (fgets (line, sizeof line, file));
        snprintf (want, sizeof want, "{\"time\":%d,\"src\":\"n1\",\"dest\":\"n2\","
                  "\"action\":\"deliver\",\"seq\":%d,\"msg_id\":%d,\"body\":{\"msg_id\":%d},"
                  "\"sent\":%d}\n", i, i + 1, i, i, i);
        assert_string_equal (line, want);
    }
    assert_non_null (fgets (line, sizeof line, file));
    assert_string_equal (line, "{\"time\":200000,\"src\":\"n1\",\"dest\":\"odd id\","
                         "\"action\":\"delay\",\"msg_id\":null,\"body\":\"not json\","
                         "\"delay_ms\":2.500}\n");
    assert_non_null (fgets (line, sizeof line, file));
    assert_string_equal (line, "{\"time\":200001,\"src\":\"n3\",\"dest\":\"\","
                         "\"action\":\"oversize\",\"msg_id\":null,\"body\":null}\n");
    assert_null (fgets (line, sizeof line, file));
    fclose (file);
    unlink (path);
}

//  The file stops at its cap: whole lines up to it, the rest counted.
static void
test_cap (void **state)
{
    (void) state;
    char path [] = "/tmp/fl-trace-cap-XXXXXX";
    int fd = mkstemp (path);
    assert_true (fd >= 0);
    close (fd);
    trace_t *trace = trace_new (path, 0, 10000);
    assert_non_null (trace);
    //  Big and small bodies by turns: once a big one is cut, a small one
    //  that would still fit must not be written after it (no hole)
    char big [400];
    snprintf (big, sizeof big, "{\"body\":{\"pad\":\"%0300d\"}}", 0);
    for (int i = 0; i < 1000; i++) {
        const char *body = i % 2? big: "{\"body\":{}}";
        trace_event (trace, i, "n1", "n2", "deliver", (uint64_t) i + 1, body, strlen (body), i, -1);
    }
    trace_flush (trace);
    trace_destroy (&trace);
    FILE *file = fopen (path, "r");
    assert_non_null (file);
    char line [512];
    long bytes = 0, lines = 0;
    while (fgets (line, sizeof line, file)) {
        assert_true (line [strlen (line) - 1] == '\n');   //  whole lines only
        char want [32];
        snprintf (want, sizeof want, "\"seq\":%ld,", lines + 1);
        assert_non_null (strstr (line, want));              //  no hole
        bytes += (long) strlen (line);
        lines++;
    }
    fclose (file);
    unlink (path);
    assert_true (bytes <= 10000 && bytes > 9000);
    assert_true (lines > 20 && lines < 1000);
}

int
main (void)
{
    tap_start (30);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_all_in_order),
        cmocka_unit_test (test_cap),
    };
    return cmocka_run_group_tests_name ("proxy_trace", tests, NULL, NULL);
}
