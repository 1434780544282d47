/*  cmd_matrix.c -- ./harness matrix [--time-limit SEC] [--seed N] [--store DIR]
                                     [--system S]...

    The measured CAP/PACELC table: every scenario in scenarios/ against
    every system it lists (or only the --system ones), each run shortened to
    --time-limit seconds of load (default 8), then one row per system:

        system   split-brain  minority-pa  ...  avail.faults  slow p50  CAP  PACELC
        primary  invalid      invalid           97.9%         1.2 ms    AP   EL
        raft     valid        valid             64.0%         60.1 ms   CP   EC

    Columns are verdicts (lowercase when as the scenario expects, UPPERCASE
    when not). avail.faults is the share of ok answers while a partition was
    in force, over the partition scenarios. "slow p50" is the median latency
    while slow-network's delay is in force. CAP: "CP" if every partition
    scenario came out linearizable, "AP" if not but availability during
    partitions stayed >= MATRIX_AVAILABLE, else "--" (neither). PACELC's else
    part: "EC" if the median under delay is at least the delay's mean (the
    system waits for other nodes), else "EL". These are measurements of
    these runs, not proofs.

    Exit status, as run's (DESIGN section 8): 0 when every cell is the
    verdict its scenario expects, 1 when one differs (an UPPERCASE cell), 2
    when one is unknown and none differs, 64 usage (the option is named),
    65 a bad or missing scenarios/ (a file that does not load is skipped and
    said), 69 a system's program missing, 70 a run the lab could not finish
    (its cell is "-"; errors outrank verdicts), 130 on Ctrl-C (what ran is
    tabled and kept in the store).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <glob.h>
#include <getopt.h>
#include <math.h>
#include <inttypes.h>
#include <signal.h>
#include <unistd.h>
#include <czmq.h>
#include "commands.h"
#include "scenario/scenario.h"
#include "scenario/action.h"
#include "lab/runner.h"
#include "lab/lab.h"
#include "lab/store.h"
#include "console.h"
#include "home.h"
#include "options.h"
#include "prologue.h"
#include "clock.h"

#define MATRIX_AVAILABLE       0.99     // "stays available" under partition
#define MATRIX_SLOW_MEAN_MS    50       // slow-network's delay mean

typedef struct {
    char name [FL_ID_BYTES_MAX];
    char verdicts [FL_MATRIX_SCENARIOS_MAX][16];
    double available_sum;
    int available_count;
    bool partition_invalid;
    double slow_p50;
    bool ran;
} s_row_t;

typedef struct {
    double time_limit_s;
    uint64_t seed;
    const char *store;
    const char *only [FL_SCENARIO_SYSTEMS_MAX];
    size_t only_count;
    volatile sig_atomic_t *interrupted;     // set by SIGINT/SIGTERM (prologue.h)
} s_args_t;

const char cmd_matrix_usage [] = "matrix [--time-limit SEC] [--seed N] [--store DIR]"
                                " [--system S]...";

static int
s_usage (const char *problem)
{
    return options_usage ("matrix", cmd_matrix_usage, problem);
}

//  One option's value into args; 0, or the usage status with the reason
//  (the same parsers as run's, so both take and refuse the same values).
static int
s_option (int option, const char *value, void *arg)
{
    s_args_t *args = arg;
    char problem [128];
    switch (option) {
        case 't':
            if (options_time_limit (value, &args->time_limit_s, problem, sizeof problem))
                return s_usage (problem);
            return 0;
        case 'S':
            if (options_seed (value, &args->seed, problem, sizeof problem))
                return s_usage (problem);
            return 0;
        case 'd':
            if (!*value)
                return s_usage ("--store needs a directory (an empty one would write in /)");
            args->store = value;
            return 0;
        case 's':
            if (args->only_count == FL_SCENARIO_SYSTEMS_MAX) {
                snprintf (problem, sizeof problem, "more than %d --system options"
                          " (FL_SCENARIO_SYSTEMS_MAX)", FL_SCENARIO_SYSTEMS_MAX);
                return s_usage (problem);
            }
            if (!*value)
                return s_usage ("--system needs a name");
            args->only [args->only_count++] = value;
            return 0;
        default:
            return s_usage ("unknown option");
    }
}

//  Options into args: 0 to go on, -1 after --help, else the usage status.
static int
s_parse (int argc, char **argv, s_args_t *args)
{
    static struct option options [] = {
        { "time-limit", required_argument, 0, 't' }, { "seed", required_argument, 0, 'S' },
        { "store", required_argument, 0, 'd' }, { "system", required_argument, 0, 's' },
        { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 }
    };
    *args = (s_args_t) { .time_limit_s = 8, .seed = 1, .store = "store" };
    int rc = options_parse ("matrix", cmd_matrix_usage, argc, argv, options, s_option, args);
    if (rc)
        return rc;
    if (optind != argc) {
        char problem [128];
        snprintf (problem, sizeof problem, "unexpected '%s' (matrix takes options only)",
                  argv [optind]);
        return s_usage (problem);
    }
    return 0;
}

//  True if a scenario before column C lists SYSTEM: a system left out of
//  the table has been reported once already.
static bool
s_listed_before (scenario_t **scenarios, size_t c, const char *system)
{
    for (size_t b = 0; b < c; b++)
        for (size_t s = 0; s < scenarios [b]->systems_count; s++)
            if (streq (scenarios [b]->systems [s].name, system))
                return true;
    return false;
}

static s_row_t *
s_row (s_row_t *rows, size_t *count, const char *name, bool told)
{
    for (size_t i = 0; i < *count; i++)
        if (streq (rows [i].name, name))
            return &rows [i];
    if (*count == FL_MATRIX_SYSTEMS_MAX) {
        if (!told)
            fprintf (stderr, "harness matrix: %s not run: the table has room for %d systems"
                     " (FL_MATRIX_SYSTEMS_MAX)\n", name, FL_MATRIX_SYSTEMS_MAX);
        return NULL;
    }
    s_row_t *row = &rows [(*count)++];
    memset (row, 0, sizeof *row);
    snprintf (row->name, sizeof row->name, "%s", name);
    row->slow_p50 = -1;
    return row;
}

static bool
s_wanted (const s_args_t *args, const char *system)
{
    if (args->only_count == 0)
        return true;
    for (size_t i = 0; i < args->only_count; i++)
        if (streq (args->only [i], system))
            return true;
    return false;
}

//  The first --system that no scenario lists, or NULL: running nothing and
//  printing an empty table would look like success.
static const char *
s_unknown_system (const s_args_t *args, scenario_t **scenarios, size_t columns)
{
    for (size_t i = 0; i < args->only_count; i++) {
        bool listed = false;
        for (size_t c = 0; c < columns && !listed; c++)
            for (size_t s = 0; s < scenarios [c]->systems_count && !listed; s++)
                listed = streq (scenarios [c]->systems [s].name, args->only [i]);
        if (!listed)
            return args->only [i];
    }
    return NULL;
}

//  Fold one run's results into its row, under scenario column column.
static void
s_record (s_row_t *row, size_t column, const scenario_t *sc, json_t *results)
{
    const char *verdict = console_verdict (json_object_get (results, "valid"));
    const char *expected = json_string_value (json_object_get (results, "expected"));
    char text [16];
    snprintf (text, sizeof text, "%s", verdict);
    if (expected && !streq (expected, "varies") && !streq (expected, "none")
    &&  !streq (expected, verdict))
        for (char *c = text; *c; c++)
            *c = (char) toupper ((unsigned char) *c);
    snprintf (row->verdicts [column], sizeof row->verdicts [column], "%s", text);
    row->ran = true;
    bool partition = false;
    //  Parsed, so that "isolate n1" counts as the partition it is.
    for (size_t k = 0; k < sc->kinds_count; k++) {
        action_t spec;
        partition |= action_parse (&spec, sc->kinds [k], sc->nodes, NULL) == 0
                  && spec.kind == ACTION_PARTITION;
    }
    for (size_t s = 0; s < sc->steps_count; s++)
        partition |= strncmp (sc->steps [s].text, "partition", 9) == 0;
    json_t *during = json_object_get (json_object_get (results, "availability"), "during_faults");
    if (partition) {
        row->partition_invalid |= !streq (verdict, "valid");
        if (json_is_number (during)) {
            row->available_sum += json_number_value (during);
            row->available_count++;
        }
    }
    json_t *slow = json_object_get (json_object_get (json_object_get (results, "latency_ms"),
                                    "during_faults"), "p50");
    if (streq (sc->name, "slow-network") && json_is_number (slow))
        row->slow_p50 = json_number_value (slow);
}

static void
s_print (s_row_t *rows, size_t count, scenario_t **scenarios, size_t columns)
{
    //  Each column as wide as its scenario's name (at least a verdict's
    //  "invalid"), the first as the longest system name: nothing is cut.
    int widths [FL_MATRIX_SCENARIOS_MAX];
    int first = (int) strlen ("system");
    for (size_t r = 0; r < count; r++)
        if ((int) strlen (rows [r].name) > first)
            first = (int) strlen (rows [r].name);
    printf ("\n%-*s", first, "system");
    for (size_t c = 0; c < columns; c++) {
        widths [c] = (int) strlen (scenarios [c]->name);
        if (widths [c] < (int) strlen ("invalid"))
            widths [c] = (int) strlen ("invalid");
        printf (" %-*s", widths [c], scenarios [c]->name);
    }
    printf (" %-13s %-10s %-4s %s\n", "avail.faults", "slow p50", "CAP", "PACELC");
    for (size_t r = 0; r < count; r++) {
        s_row_t *row = &rows [r];
        printf ("%-*s", first, row->name);
        for (size_t c = 0; c < columns; c++)
            printf (" %-*s", widths [c], *row->verdicts [c]? row->verdicts [c]: "-");
        double available = row->available_count? row->available_sum / row->available_count: -1;
        char avail [16] = "-", slow [16] = "-";
        if (available >= 0)
            snprintf (avail, sizeof avail, "%.1f%%", available * 100);
        if (row->slow_p50 >= 0)
            snprintf (slow, sizeof slow, "%.1f ms", row->slow_p50);
        const char *cap = !row->available_count? "?":
                          !row->partition_invalid? "CP":
                          available >= MATRIX_AVAILABLE? "AP": "--";
        const char *pacelc = row->slow_p50 < 0? "?":
                             row->slow_p50 >= MATRIX_SLOW_MEAN_MS? "EC": "EL";
        printf (" %-13s %-10s %-4s %s\n", avail, slow, cap, pacelc);
    }
    printf ("(UPPERCASE: not the verdict the scenario expects)\n");
}

//  Every scenario file that loads, at most FL_MATRIX_SCENARIOS_MAX of
//  them: more files than that is an error (-1), not a table cut short.
static ssize_t
s_load_scenarios (scenario_t **scenarios)
{
    glob_t found;
    size_t count = 0;
    if (home_scenarios (&found))
        return 0;
    if (found.gl_pathc > FL_MATRIX_SCENARIOS_MAX) {
        fprintf (stderr, "harness matrix: %zu scenario files (%s ...), more than the %d"
                 " one table holds (FL_MATRIX_SCENARIOS_MAX)\n", found.gl_pathc,
                 found.gl_pathv [0], FL_MATRIX_SCENARIOS_MAX);
        globfree (&found);
        return -1;
    }
    for (size_t i = 0; i < found.gl_pathc; i++) {
        char *error = NULL;
        scenarios [count] = scenario_load (found.gl_pathv [i], &error);
        if (scenarios [count])
            count++;
        else {
            fprintf (stderr, "harness matrix: skipping %s\n", error? error: "?");
            free (error);
        }
    }
    globfree (&found);
    return count;
}

//  One run into the store; returns its results (new) or NULL, and sets
//  *status to the run's exit status (run's meaning: a failed run's error,
//  else what its verdict earns against the scenario's expectation).
static json_t *
s_run (const s_args_t *args, const scenario_t *sc, const char *system, const char *home,
       int *status)
{
    char *error = NULL;
    char *run_dir = store_run_dir (args->store, sc->name, system, &error);
    json_t *results = NULL;
    *status = FL_EXIT_SOFTWARE;
    if (run_dir) {
        runner_opts_t opts = { .scenario = sc, .system = system, .bin_dir = home,
            .run_dir = run_dir, .seed = args->seed,
            .duration_s = args->time_limit_s < sc->duration_s? args->time_limit_s: sc->duration_s,
            .tty = isatty (STDOUT_FILENO),
            .interrupted = args->interrupted };
        *status = runner_run (&opts, &results, &error);
        if (*status)
            fprintf (stderr, "harness matrix: %s on %s: %s\n", sc->name, system, error? error: "failed");
        else
            *status = console_status (results);
        store_link_latest (args->store, run_dir);
    }
    else
        fprintf (stderr, "harness matrix: %s\n", error? error: "no run directory");
    free (error);
    free (run_dir);
    return results;
}

int
cmd_matrix (int argc, char **argv)
{
    s_args_t args;
    int rc = s_parse (argc, argv, &args);
    if (rc)
        return rc < 0? FL_EXIT_OK: rc;
    args.interrupted = prologue_start ();
    scenario_t *scenarios [FL_MATRIX_SCENARIOS_MAX];
    ssize_t loaded = s_load_scenarios (scenarios);
    if (loaded < 0)
        return FL_EXIT_DATAERR;
    size_t columns = (size_t) loaded;
    if (columns == 0) {
        fprintf (stderr, "harness matrix: no scenarios found\n");
        return FL_EXIT_DATAERR;
    }
    const char *unknown = s_unknown_system (&args, scenarios, columns);
    if (unknown) {
        fprintf (stderr, "harness matrix: no scenario lists system '%s' (see ./harness list)\n", unknown);
        for (size_t c = 0; c < columns; c++)
            scenario_destroy (&scenarios [c]);
        return FL_EXIT_USAGE;
    }
    char *home = home_dir ();
    s_row_t rows [FL_MATRIX_SYSTEMS_MAX];
    size_t count = 0;
    int status = FL_EXIT_OK;
    printf ("faultlab matrix: %zu scenarios, %g s of load each, seed %" PRIu64 "\n",
            columns, args.time_limit_s, args.seed);
    for (size_t c = 0; c < columns && !*args.interrupted; c++)
        for (size_t s = 0; s < scenarios [c]->systems_count && !*args.interrupted; s++) {
            const char *system = scenarios [c]->systems [s].name;
            s_row_t *row = s_wanted (&args, system)?
                s_row (rows, &count, system, s_listed_before (scenarios, c, system)): NULL;
            int one = FL_EXIT_OK;
            json_t *results = row? s_run (&args, scenarios [c], system, home, &one): NULL;
            status = console_worst (status, one);
            if (results) {
                s_record (row, c, scenarios [c], results);
                printf ("%-20s %-8s %s\n", scenarios [c]->name, system,
                        console_verdict (json_object_get (results, "valid")));
                fflush (stdout);
            }
            json_decref (results);
        }
    s_print (rows, count, scenarios, columns);
    for (size_t c = 0; c < columns; c++)
        scenario_destroy (&scenarios [c]);
    free (home);
    return *args.interrupted? FL_EXIT_INTERRUPTED: status;
}
