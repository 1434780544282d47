/*  causal.c -- how fast the causal and session checks are on a large
    history: `causal FILE` prints `bench NAME VALUE UNIT`.

    FILE is bench/checker_gen's history with fresh values per key
    (`checker_gen OPS KEYS SEED INFO_P PROCS unique`, linearizable and so
    causal), as the causal checks need (its default values 0..4 repeat).

        causal_load_ms        parsing the history (ophistory_parse): the
                              baseline measured in the same run
        causal_ms             causal_check (causal memory)
        causal_vs_load        the two over each other
        session_ms            the four session guarantees, one after another
        session_vs_load

    Best of 3 runs each. The verdicts must be valid (the history is
    linearizable); anything else is printed to stderr and exits 1.
*/
#include <stdio.h>
#include <stdlib.h>
#include "clock.h"
#include "exits.h"
#include "checker/ophistory.h"
#include "checker/consistency.h"

static double
s_ms (int64_t since_ns)
{
    return (double) (clock_mono_ns () - since_ns) / 1e6;
}

int
main (int argc, char **argv)
{
    if (argc != 2) {
        fprintf (stderr, "usage: causal FILE (from checker_gen ... unique)\n");
        return FL_EXIT_USAGE;
    }
    FILE *file = fopen (argv [1], "r");
    char *buf = NULL;
    size_t len = 0;
    FILE *text = open_memstream (&buf, &len);
    int c;
    while (file && text && (c = getc (file)) != EOF)
        putc (c, text);
    if (!file || !text) {
        fprintf (stderr, "causal: cannot read '%s'\n", argv [1]);
        return FL_EXIT_DATAERR;
    }
    fclose (file);
    fclose (text);
    double load = 1e300, causal = 1e300, session = 1e300;
    int status = FL_EXIT_OK;
    for (int run = 0; run < 3; run++) {
        char *error = NULL;
        int64_t t0 = clock_mono_ns ();
        ophistory_t *h = ophistory_parse (argv [1], buf, len, OPHISTORY_JSONL, &error);
        double ms = s_ms (t0);
        if (!h) {
            fprintf (stderr, "causal: %s\n", error);
            return FL_EXIT_SOFTWARE;
        }
        load = ms < load? ms: load;
        t0 = clock_mono_ns ();
        consistency_result_t r = causal_check (h, NULL);
        ms = s_ms (t0);
        causal = ms < causal? ms: causal;
        if (r.verdict != CHECK_VALID) {
            fprintf (stderr, "causal: causal verdict %d: %s\n", r.verdict, r.reason? r.reason: "invalid");
            status = 1;
        }
        consistency_result_release (&r);
        t0 = clock_mono_ns ();
        for (int m = CONSISTENCY_READ_YOUR_WRITES; m < CONSISTENCY_COUNT; m++) {
            r = session_check (h, NULL, (consistency_t) m);
            if (r.verdict != CHECK_VALID) {
                fprintf (stderr, "causal: %s verdict %d: %s\n", consistency_name ((consistency_t) m),
                         r.verdict, r.reason? r.reason: "invalid");
                status = 1;
            }
            consistency_result_release (&r);
        }
        ms = s_ms (t0);
        session = ms < session? ms: session;
        ophistory_destroy (&h);
    }
    printf ("bench causal_load_ms %.1f ms\n", load);
    printf ("bench causal_ms %.1f ms\n", causal);
    printf ("bench causal_vs_load %.2f ratio\n", causal / load);
    printf ("bench session_ms %.1f ms\n", session);
    printf ("bench session_vs_load %.2f ratio\n", session / load);
    free (buf);
    return status;
}
