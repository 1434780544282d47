/*  zoo_run.c -- ./harness run bug-zoo (see zoo_run.h). Every entry is
    checked before the first one runs, so a typo in the zoo costs no
    minutes.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <unistd.h>
#include <czmq.h>
#include "zoo_run.h"
#include "home.h"
#include "console.h"
#include "scenario/scenario.h"
#include "scenario/config.h"
#include "scenario/zoo.h"
#include "lab/runner.h"
#include "lab/lab.h"
#include "lab/store.h"
#include "lab/bugzoo.h"
#include "workload/workload.h"
#include "exits.h"

//  One entry's outcome, for the table.
typedef struct {
    uint64_t seed;
    bool caught;
    const char *verdict;        // "invalid", "valid", "unknown", "failed"
    double first_ms;            // -1: no op named
    char report [4096];
} s_outcome_t;

//  The entry's scenario, with its workload and bug applied; NULL after
//  saying why (file:line of the entry first).
static scenario_t *
s_scenario (const zoo_t *zoo, const zoo_entry_t *entry)
{
    char *path = home_scenario (entry->scenario);
    if (!path) {
        fprintf (stderr, "harness run: %s:%d: no scenario '%s' (./harness list shows them)\n",
                 zoo->path, entry->line, entry->scenario);
        return NULL;
    }
    char *error = NULL;
    scenario_t *scenario = scenario_load (path, &error);
    free (path);
    char item [FL_ID_BYTES_MAX + 8];
    snprintf (item, sizeof item, "bug=%s", entry->bug);
    if (scenario && *entry->workload && !workload_lookup (entry->workload)) {
        error = strdup ("no such workload");
        scenario_destroy (&scenario);
    }
    if (scenario && *entry->workload)
        snprintf (scenario->workload, sizeof scenario->workload, "%s", entry->workload);
    if (scenario && config_apply (scenario, item, &error))
        scenario_destroy (&scenario);
    if (!scenario) {
        fprintf (stderr, "harness run: %s:%d: %s\n", zoo->path, entry->line,
                 error? error: "bad scenario");
        free (error);
    }
    return scenario;
}

//  Can the entry run: its system has the bug, speaks the workload, and its
//  program is there? 0, or the exit status after saying why not.
static int
s_check_entry (const zoo_t *zoo, const zoo_entry_t *entry, const char *home)
{
    if (!lab_system_has_bug (entry->system, entry->bug)) {
        const char *bugs = lab_system_bugs (entry->system);
        fprintf (stderr, "harness run: %s:%d: system %s has no bug '%s' (%s%s)\n", zoo->path,
                 entry->line, entry->system, entry->bug, *bugs? "its bugs: ": "it has none",
                 bugs);
        return FL_EXIT_DATAERR;
    }
    scenario_t *scenario = s_scenario (zoo, entry);
    if (!scenario)
        return FL_EXIT_DATAERR;
    int rc = 0;
    bool tour_crdt = scenario->tour && streq (entry->system, "crdt");
    if (!tour_crdt && !lab_system_speaks (entry->system, scenario->workload)) {
        fprintf (stderr, "harness run: %s:%d: system %s does not speak %s\n", zoo->path,
                 entry->line, entry->system, scenario->workload);
        rc = FL_EXIT_DATAERR;
    }
    char *error = NULL;
    lab_opts_t check = { .system = entry->system, .bin_dir = home };
    if (rc == 0 && lab_check_programs (&check, &error)) {
        fprintf (stderr, "harness run: %s\n", error);
        rc = FL_EXIT_UNAVAILABLE;
    }
    free (error);
    scenario_destroy (&scenario);
    return rc;
}

//  Run one entry; its outcome into *out. Returns the run's status (0 when
//  it finished, whatever the verdict).
static int
s_run_entry (const zoo_run_opts_t *opts, const zoo_t *zoo, const zoo_entry_t *entry,
             const char *home, s_outcome_t *out)
{
    *out = (s_outcome_t) { .verdict = "failed", .first_ms = -1 };
    scenario_t *scenario = s_scenario (zoo, entry);
    if (!scenario)
        return FL_EXIT_DATAERR;
    out->seed = opts->has_seed? opts->seed: entry->has_seed? entry->seed
              : scenario->has_seed? scenario->seed: 1;
    double limit = opts->time_limit_s > 0? opts->time_limit_s: entry->time_limit_s;
    double duration = limit < scenario->duration_s? limit: scenario->duration_s;
    //  --time-limit under what the zoo gives this entry may cut off the
    //  fault that exposes the bug (figure-8's comes at 4-6 s): a miss then
    //  says little, and the user is told so before it runs.
    if (opts->time_limit_s > 0 && opts->time_limit_s < entry->time_limit_s
    &&  opts->time_limit_s < scenario->duration_s)
        printf ("note: --time-limit %g cuts %s %s's %s to %g s, under the zoo's %g s for it:"
                " the fault that exposes the bug may not come\n", opts->time_limit_s,
                entry->system, entry->bug, scenario->name, opts->time_limit_s,
                entry->time_limit_s < scenario->duration_s? entry->time_limit_s
                                                         : scenario->duration_s);
    char *error = NULL;
    char *run_dir = store_run_dir (opts->store, scenario->name, entry->system, &error);
    int status = FL_EXIT_SOFTWARE;
    json_t *results = NULL;
    if (run_dir) {
        runner_opts_t run = { .scenario = scenario, .system = entry->system,
            .bin_dir = home, .run_dir = run_dir, .seed = out->seed, .duration_s = duration,
            .tty = isatty (STDOUT_FILENO), .tcp = opts->tcp, .interrupted = opts->interrupted };
        status = runner_run (&run, &results, &error);
        store_link_latest (opts->store, run_dir);
        snprintf (out->report, sizeof out->report, "%s/report.html", run_dir);
    }
    if (status)
        fprintf (stderr, "harness run: %s %s: %s\n", entry->system, entry->bug,
                 error? error: "run failed");
    else {
        json_t *valid = json_object_get (results, "valid");
        out->caught = json_is_false (valid);
        out->verdict = console_verdict (valid);
        out->first_ms = out->caught? bugzoo_first_violation_ms (results): -1;
    }
    printf ("%-8s %-18s %-16s %s%s, in %s\n", entry->system, entry->bug, scenario->name,
            out->caught? "caught: ": "NOT caught: ", out->verdict, run_dir? run_dir: "?");
    fflush (stdout);
    json_decref (results);
    free (run_dir);
    free (error);
    scenario_destroy (&scenario);
    return status;
}

static void
s_table (const zoo_t *zoo, const s_outcome_t *outcomes, size_t count)
{
    printf ("\n%-8s %-18s %-16s %-6s %-7s %-16s %s\n", "system", "bug", "scenario", "seed",
            "caught", "first violation", "report");
    size_t caught = 0;
    for (size_t i = 0; i < count; i++) {
        const zoo_entry_t *entry = &zoo->entries [i];
        const s_outcome_t *out = &outcomes [i];
        char first [32] = "-";
        if (out->first_ms >= 0)
            snprintf (first, sizeof first, "%.2f s", out->first_ms / 1000);
        printf ("%-8s %-18s %-16s %-6" PRIu64 " %-7s %-16s %s\n", entry->system, entry->bug,
                entry->scenario, out->seed, out->caught? "yes": "NO", first, out->report);
        caught += out->caught;
    }
    printf ("%zu of %zu bugs caught\n", caught, count);
}

int
zoo_run (const zoo_run_opts_t *opts)
{
    char *error = NULL;
    zoo_t *zoo = zoo_load (opts->path, &error);
    if (!zoo) {
        fprintf (stderr, "harness run: %s\n", error? error: "bad zoo");
        free (error);
        return FL_EXIT_DATAERR;
    }
    char *home = home_dir ();
    int status = 0;
    for (size_t i = 0; i < zoo->count && status == 0; i++)
        status = s_check_entry (zoo, &zoo->entries [i], home);
    s_outcome_t *outcomes = calloc (zoo->count, sizeof (s_outcome_t));
    size_t ran = 0;
    if (status == 0) {
        printf ("faultlab: bug zoo %s, %zu bugs\n", zoo->path, zoo->count);
        fflush (stdout);
        for (; ran < zoo->count && !*opts->interrupted; ran++) {
            int one = s_run_entry (opts, zoo, &zoo->entries [ran], home, &outcomes [ran]);
            status = console_worst (status, one);
            if (one == 0 && !outcomes [ran].caught)
                status = console_worst (status, FL_EXIT_DIFFERS);
        }
        s_table (zoo, outcomes, ran);
    }
    free (outcomes);
    free (home);
    zoo_destroy (&zoo);
    if (*opts->interrupted)
        return FL_EXIT_INTERRUPTED;
    return status;
}
