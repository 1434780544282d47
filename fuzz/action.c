/*  action.c -- fuzz target: action_parse, the fault-action language of
    `do = ...`, `kinds` and ./harness fault (scenario/action.h). The first
    byte picks the cluster size (1..FL_NODES_MAX) the names are checked
    against; the rest is the text. An action it takes is formatted
    (action_format, what faults.jsonl and ./harness fault send) and must
    parse again to the same text.
*/
#include <string.h>
#include "fuzz.h"
#include "scenario/action.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    int nodes = 1 + data [0] % FL_NODES_MAX;
    char *text = malloc (size);
    FUZZ_ASSERT (text);
    memcpy (text, data + 1, size - 1);
    text [size - 1] = 0;            //  a NUL inside ends the text, as in argv
    action_t action;
    char *error = NULL;
    if (action_parse (&action, text, nodes, &error)) {
        FUZZ_ASSERT (error && *error);
        free (error);
        free (text);
        return 0;
    }
    char first [FL_FAULT_TEXT_BYTES_MAX], second [FL_FAULT_TEXT_BYTES_MAX];
    action_format (&action, first, sizeof first);
    action_t again;
    if (action_parse (&again, first, nodes, &error))
        fprintf (stderr, "'%s' formatted as '%s' does not parse: %s\n", text, first, error);
    FUZZ_ASSERT (error == NULL);
    action_format (&again, second, sizeof second);
    FUZZ_ASSERT (!strcmp (first, second));
    action_t undo = action_undo (&action);
    action_format (&undo, second, sizeof second);
    (void) action_name (&undo);
    free (text);
    return 0;
}
