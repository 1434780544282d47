/*  scenario.c -- fuzz target: scenario_parse (the scenario reader, every
    section and key of docs/scenarios.md). A scenario it takes is written
    back as run (scenario_text_as_run, what RUN_DIR/scenario.conf holds,
    the replay line's file) and must read again: a run that cannot be
    replayed is a broken promise.
*/
#include <string.h>
#include "fuzz.h"
#include "scenario/scenario.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    char *error = NULL;
    scenario_t *scenario = scenario_parse ("fuzz.conf", (const char *) data, size, &error);
    if (!scenario) {
        FUZZ_ASSERT (error && *error);
        free (error);
        return 0;
    }
    char *text = scenario_text_as_run (scenario, 7, scenario->duration_s);
    FUZZ_ASSERT (text);
    scenario_t *again = scenario_parse ("as-run.conf", text, strlen (text), &error);
    if (!again)
        fprintf (stderr, "the scenario as run does not read back: %s\n%s\n", error, text);
    FUZZ_ASSERT (again);
    scenario_destroy (&again);
    free (text);
    scenario_destroy (&scenario);
    return 0;
}
