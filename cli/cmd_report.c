/*  cmd_report.c -- `./harness report RUN_DIR...`: write each run
    directory's report.html again from its files (history.jsonl,
    results.json, faults.jsonl, messages.jsonl), as `./harness run` wrote
    it: after an upgrade of the page, for a run directory made by another
    tool, or for the browser test's and bench's generated runs.

    Exit status: 0 when every page was written; 64 usage; 65 when a run
    directory's files were bad (the error names the file and line), also
    when the page was written without an unreadable results.json. A torn
    last history line is ignored with a warning (exit 0).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <czmq.h>
#include "commands.h"
#include "report/report.h"

const char cmd_report_usage [] = "report RUN_DIR...";

int
cmd_report (int argc, char **argv)
{
    if (argc > 1 && (streq (argv [1], "--help") || streq (argv [1], "-h"))) {
        printf ("usage: harness %s\n"
                "  writes RUN_DIR/report.html again from the run's files\n", cmd_report_usage);
        return FL_EXIT_OK;
    }
    if (argc < 2 || argv [1][0] == '-') {
        if (argc < 2)
            fprintf (stderr, "harness report: no run directory given\n");
        else
            fprintf (stderr, "harness report: unknown option '%s'\n", argv [1]);
        fprintf (stderr, "usage: harness %s\n", cmd_report_usage);
        return FL_EXIT_USAGE;
    }
    int status = FL_EXIT_OK;
    for (int i = 1; i < argc; i++) {
        char *error = NULL, *notes = NULL;
        int rc = report_write_notes (argv [i], &notes, &error);
        if (rc < 0) {
            fprintf (stderr, "harness report: %s\n", error? error: "out of memory");
            free (error);
            status = FL_EXIT_DATAERR;
        }
        else
            printf ("%s/report.html\n", argv [i]);
        //  What was passed over, one per line: a torn last history line
        //  (accepted), an unreadable results.json (bad input: 65)
        for (char *line = notes, *nl; line && *line; line = *nl? nl + 1: nl) {
            nl = strchrnul (line, '\n');
            fprintf (stderr, "harness report: warning: %.*s\n", (int) (nl - line), line);
        }
        free (notes);
        if (rc > 0)
            status = FL_EXIT_DATAERR;
    }
    return status;
}
