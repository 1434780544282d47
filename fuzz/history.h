/*  history.h -- the body of the three history targets (history_jsonl.c,
    history_edn.c, history_jepsen_log.c): read the input as a history in
    one format with ophistory_parse; if it is one, write it as EDN with
    ophistory_write_edn, read that back, and require the same number of
    ops with the same processes (named processes are where the EDN writer
    crashed or mixed ids up). Included once per target: static.
*/
#ifndef FL_FUZZ_HISTORY_H_INCLUDED
#define FL_FUZZ_HISTORY_H_INCLUDED

#include <string.h>
#include "fuzz.h"
#include "checker/ophistory.h"

//  A process as the EDN text would show it: its name, or its number.
static void
s_process (const ophistory_t *history, const op_t *op, char *out, size_t size)
{
    const char *name = ophistory_process_name (history, op->process);
    if (name)
        snprintf (out, size, "name:%s", name);
    else
        snprintf (out, size, "num:%lld", (long long) op->process);
}

static int
s_fuzz_history (const uint8_t *data, size_t size, ophistory_format_t format)
{
    char *error = NULL;
    ophistory_t *history = ophistory_parse ("fuzz", (const char *) data, size,
                                            (int) format, &error);
    if (!history) {
        FUZZ_ASSERT (error && *error);      //  a refusal always says why
        free (error);
        return 0;
    }
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream (&text, &length);
    FUZZ_ASSERT (out);
    FUZZ_ASSERT (ophistory_write_edn (history, out) == 0);
    fclose (out);
    ophistory_t *again = ophistory_parse ("fuzz.edn", text, length, OPHISTORY_EDN, &error);
    if (!again)
        fprintf (stderr, "the EDN written does not read back: %s\n%s\n", error, text);
    FUZZ_ASSERT (again);
    FUZZ_ASSERT (ophistory_size (again) == ophistory_size (history));
    for (size_t i = 0; i < ophistory_size (history); i++) {
        char first [128], second [128];
        s_process (history, ophistory_op (history, i), first, sizeof first);
        s_process (again, ophistory_op (again, i), second, sizeof second);
        if (strcmp (first, second))
            fprintf (stderr, "op %zu: process %s written, %s read back\n", i, first, second);
        FUZZ_ASSERT (!strcmp (first, second));
    }
    ophistory_destroy (&again);
    ophistory_destroy (&history);
    free (text);
    return 0;
}

#endif
