/*  cmd_matrix.c -- ./harness matrix [--system S]... [--seed N] [--store DIR]
                                     [--time-limit SEC]

    The measured CAP/PACELC matrix (issue 9): every row below runs
    scenarios/pacelc.conf's phase plan (calm, slow, two partitions) with the
    same seed, and the matrix prints one line per row: availability on the
    minority and majority side of the partitions, linearizable or not,
    converged and lost writes (results.json's convergence, when the run has
    it), stale reads, latency p50/p99 calm and slow, and the PACELC class
    with the numbers that decided it (analysis/pacelc.h; docs/matrix.md).
    It writes STORE/matrix/YYYYmmddTHHMMSS/matrix.json and matrix.md and
    prints their paths; each row's run is in STORE/pacelc/SYSTEM/...

    --system S (repeatable) keeps only S's rows (quorum: all its settings).
    --time-limit SEC scales the whole phase plan to SEC seconds of load:
    every step's at_s times SEC / duration_s (19 s), so that every phase is
    still there, shorter (a test's one-row matrix). settle_s is kept: the
    replicas' anti-entropy does not run faster for a shorter plan.

    Exit status, as run's (DESIGN section 8): 0 every verdict as expected,
    1 one differs (UPPERCASE), 2 one is unknown, 64 usage, 65 a bad or
    missing scenarios/pacelc.conf, 69 a row's program missing (the row is
    "-", the others run), 70 a run the lab could not finish, 130 on Ctrl-C
    (the rows that ran are tabled and written).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <unistd.h>
#include <czmq.h>
#include "commands.h"
#include "scenario/scenario.h"
#include "scenario/config.h"
#include "lab/runner.h"
#include "lab/lab.h"
#include "lab/store.h"
#include "analysis/pacelc.h"
#include "console.h"
#include "home.h"
#include "options.h"
#include "prologue.h"
#include "clock.h"

#define MATRIX_SCENARIO "pacelc"

//  The rows: a system, its --config, the workload it runs the phase plan
//  with (NULL: the scenario's lin-kv), and, for a system the scenario does
//  not list (it speaks no lin-kv), the verdict it owes on that workload.
typedef struct {
    const char *system;
    const char *config;
    const char *workload;
    scenario_expect_t expect;
} s_plan_t;

static const s_plan_t s_plan [] = {
    { "primary", NULL, NULL, SCENARIO_EXPECT_NONE },
    { "raft", NULL, NULL, SCENARIO_EXPECT_NONE },
    { "lww", NULL, NULL, SCENARIO_EXPECT_NONE },
    { "quorum", "w=one,r=one", NULL, SCENARIO_EXPECT_NONE },
    { "quorum", "w=quorum,r=quorum", NULL, SCENARIO_EXPECT_NONE },
    { "quorum", "w=all,r=one", NULL, SCENARIO_EXPECT_NONE },
    { "quorum", "w=all,r=all", NULL, SCENARIO_EXPECT_NONE },
    //  Speaks no lin-kv (linearizable "n/a"); a counter always available
    //  that converges: valid, or the row says VALID/INVALID in capitals.
    { "crdt", NULL, "g-counter", SCENARIO_EXPECT_VALID },
};
#define S_PLAN_ROWS (sizeof s_plan / sizeof s_plan [0])

typedef struct {
    double time_limit_s;        // 0: the scenario's plan as written
    uint64_t seed;
    const char *store;
    const char *only [FL_MATRIX_SYSTEMS_MAX];
    size_t only_count;
    volatile sig_atomic_t *interrupted;     // set by SIGINT/SIGTERM/SIGHUP (prologue.h)
} s_args_t;

const char cmd_matrix_usage [] = "matrix [--system S]... [--seed N] [--store DIR]"
                                " [--time-limit SEC]";

static int
s_usage (const char *problem)
{
    return options_usage ("matrix", cmd_matrix_usage, problem);
}

static bool
s_planned (const char *system)
{
    for (size_t i = 0; i < S_PLAN_ROWS; i++)
        if (streq (s_plan [i].system, system))
            return true;
    return false;
}

//  One option's value into args; 0, or the usage status with the reason.
static int
s_option (int option, const char *value, void *arg)
{
    s_args_t *args = arg;
    char problem [256];
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
            if (!*value)
                return s_usage ("--system needs a name");
            if (!s_planned (value)) {
                snprintf (problem, sizeof problem, "--system %.64s: the matrix has no row for"
                          " it (rows: primary, raft, lww, quorum, crdt)", value);
                return s_usage (problem);
            }
            if (args->only_count == FL_MATRIX_SYSTEMS_MAX) {
                snprintf (problem, sizeof problem, "more than %d --system options"
                          " (FL_MATRIX_SYSTEMS_MAX)", FL_MATRIX_SYSTEMS_MAX);
                return s_usage (problem);
            }
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
    *args = (s_args_t) { .seed = 1, .store = "store" };
    int rc = options_parse ("matrix", cmd_matrix_usage, argc, argv, options, "s", s_option,
                            args);
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

//  The phase plan for one row: loaded afresh (each row's config changes
//  its params), scaled to --time-limit, with the row's config and
//  workload. NULL after saying why, with *status set.
static scenario_t *
s_scenario (const s_args_t *args, const s_plan_t *row, int *status)
{
    char *path = home_scenario (MATRIX_SCENARIO), *error = NULL;
    scenario_t *sc = path? scenario_load (path, &error): NULL;
    free (path);
    *status = FL_EXIT_DATAERR;
    if (!sc) {
        fprintf (stderr, "harness matrix: %s\n", error? error: "no scenarios/pacelc.conf");
        free (error);
        return NULL;
    }
    *status = FL_EXIT_OK;
    scenario_scale (sc, args->time_limit_s);
    if (row->expect != SCENARIO_EXPECT_NONE
    &&  scenario_expect (sc, row->system) == SCENARIO_EXPECT_NONE
    &&  sc->systems_count < FL_SCENARIO_SYSTEMS_MAX) {
        scenario_system_t *added = &sc->systems [sc->systems_count++];
        snprintf (added->name, sizeof added->name, "%s", row->system);
        added->expect = row->expect;
    }
    if (row->workload)
        snprintf (sc->workload, sizeof sc->workload, "%s", row->workload);
    if (row->config && config_apply (sc, row->config, &error)) {
        fprintf (stderr, "harness matrix: %s: %s\n", row->system, error? error: "bad config");
        free (error);
        scenario_destroy (&sc);
        *status = FL_EXIT_SOFTWARE;
    }
    return sc;
}

//  One row's run into the store; returns its results (new) or NULL, and
//  sets *status to the run's exit status.
static json_t *
s_run (const s_args_t *args, const scenario_t *sc, const s_plan_t *row, const char *home,
       int *status)
{
    char *error = NULL;
    lab_opts_t check = { .system = row->system, .bin_dir = home };
    if (lab_check_programs (&check, &error)) {
        fprintf (stderr, "harness matrix: %s: %s\n", row->system, error? error: "missing");
        free (error);
        *status = FL_EXIT_UNAVAILABLE;
        return NULL;
    }
    char *run_dir = store_run_dir (args->store, sc->name, row->system, &error);
    json_t *results = NULL;
    *status = FL_EXIT_SOFTWARE;
    if (run_dir) {
        runner_opts_t opts = { .scenario = sc, .system = row->system, .bin_dir = home,
            .run_dir = run_dir, .seed = args->seed, .duration_s = sc->duration_s,
            .tty = isatty (STDOUT_FILENO), .interrupted = args->interrupted,
            .config = row->config };
        *status = runner_run (&opts, &results, &error);
        if (*status)
            fprintf (stderr, "harness matrix: %s: %s\n", row->system, error? error: "failed");
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

//  One row: run, measure, and its line of progress.
static json_t *
s_row (const s_args_t *args, const s_plan_t *row, const char *home, int *status)
{
    scenario_t *sc = s_scenario (args, row, status);
    if (!sc)
        return NULL;
    json_t *results = s_run (args, sc, row, home, status);
    pacelc_measures_t measures;
    char *error = NULL;
    const char *run_dir = json_string_value (json_object_get (results, "run_dir"));
    bool measured = run_dir && pacelc_measure_run (run_dir, sc->nodes, &measures, &error) == 0;
    if (run_dir && !measured) {
        fprintf (stderr, "harness matrix: %s: %s\n", row->system, error? error: "not measured");
        *status = console_worst (*status, FL_EXIT_SOFTWARE);
    }
    free (error);
    json_t *line = pacelc_row (row->system, row->config? row->config: "", results,
                               measured? &measures: NULL);
    printf ("%-8s %-18s %-6s %s\n", row->system, row->config? row->config: "",
            json_string_value (json_object_get (line, "pacelc")),
            json_string_value (json_object_get (line, "why")));
    fflush (stdout);
    json_decref (results);
    scenario_destroy (&sc);
    return line;
}

//  matrix.json and matrix.md into a new STORE/matrix/STAMP/. 0, or -1
//  after saying why.
static int
s_write (const s_args_t *args, json_t *matrix, const char *markdown)
{
    char *error = NULL;
    char *dir = store_run_dir (args->store, "matrix", NULL, &error);
    if (!dir) {
        fprintf (stderr, "harness matrix: %s\n", error? error: "no matrix directory");
        free (error);
        return -1;
    }
    char json_path [4096], md_path [4096];
    snprintf (json_path, sizeof json_path, "%s/matrix.json", dir);
    snprintf (md_path, sizeof md_path, "%s/matrix.md", dir);
    int rc = json_dump_file (matrix, json_path, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
    FILE *file = rc == 0? fopen (md_path, "w"): NULL;
    if (file) {
        fprintf (file, "# PACELC matrix, seed %" PRIu64 "\n\n%s", args->seed, markdown);
        rc = fclose (file);
    }
    if (rc || !file)
        fprintf (stderr, "harness matrix: cannot write %s\n", rc? json_path: md_path);
    else
        printf ("matrix: %s\nmatrix: %s\n", json_path, md_path);
    free (dir);
    return rc || !file? -1: 0;
}

int
cmd_matrix (int argc, char **argv)
{
    s_args_t args;
    int rc = s_parse (argc, argv, &args);
    if (rc)
        return rc < 0? FL_EXIT_OK: rc;
    int status = FL_EXIT_OK;
    scenario_t *probe = s_scenario (&args, &s_plan [0], &status);
    if (!probe)
        return status;
    printf ("faultlab matrix: scenario %s, %g s of load per row, seed %" PRIu64 "\n",
            MATRIX_SCENARIO, probe->duration_s, args.seed);
    scenario_destroy (&probe);
    fflush (stdout);
    args.interrupted = prologue_start ();
    char *home = home_dir ();
    int64_t start_ms = clock_mono_ms ();
    json_t *rows = json_array ();
    for (size_t i = 0; i < S_PLAN_ROWS && !*args.interrupted; i++) {
        if (!s_wanted (&args, s_plan [i].system))
            continue;
        int one = FL_EXIT_OK;
        json_t *row = s_row (&args, &s_plan [i], home, &one);
        status = console_worst (status, one);
        if (row)
            json_array_append_new (rows, row);
    }
    double elapsed_s = (clock_mono_ms () - start_ms) / 1000.0;
    json_t *matrix = json_pack ("{s:I, s:s, s:f, s:o}", "seed", (json_int_t) args.seed,
                                "rule", pacelc_rule (), "elapsed_s", elapsed_s, "rows", rows);
    char *text = pacelc_table (rows, false), *markdown = pacelc_table (rows, true);
    printf ("\n%s", text);
    printf ("%zu row%s in %.0f s\n", json_array_size (rows),
            json_array_size (rows) == 1? "": "s", elapsed_s);
    if (s_write (&args, matrix, markdown))
        status = console_worst (status, FL_EXIT_SOFTWARE);
    free (text);
    free (markdown);
    json_decref (matrix);
    free (home);
    return *args.interrupted? FL_EXIT_INTERRUPTED: status;
}
