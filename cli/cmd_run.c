/*  cmd_run.c -- ./harness run SCENARIO [--system S | --node 'CMD ARGS']
                               [--seed N] [--time-limit SEC] [--store DIR]
                               [--transport ipc|tcp]

    Loads and validates the scenario, picks the seed (given, the scenario's,
    or fresh -- always printed), and runs the scenario against each system
    in turn (runner.c), each into its own run directory of the store; then
    prints one comparison table and exits with DESIGN section 8's status:
    0 every verdict as expected, 1 one differs, 2 one is unknown, 64 usage,
    65 bad scenario, 69 a program is missing, 70 the lab failed, 130
    interrupted (SIGINT/SIGTERM: everything is stopped, what was recorded is
    kept and results.json says so).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <errno.h>
#include <unistd.h>
#include <czmq.h>
#include "commands.h"
#include "scenario/scenario.h"
#include "scenario/config.h"
#include "scenario/action.h"
#include "scenario/syskeys.h"
#include "lab/runner.h"
#include "lab/lab.h"
#include "lab/store.h"
#include "report/runnotes.h"
#include "console.h"
#include "tour_table.h"
#include "zoo_run.h"
#include "scenario/zoo.h"
#include "home.h"
#include "options.h"
#include "prologue.h"
#include "workload/workload.h"
#include "clock.h"
#include "rng.h"
#include "number.h"
#include "limits.h"

typedef struct {
    const char *scenario;
    const char *system;
    const char *node_cmd;
    const char *workload;       // --workload: replaces the scenario's
    const char *store;
    const char *config;         // --config K=V,...: checked against the scenario
    const char *bug;            // --bug NAME: a bug of the zoo (docs/bugs.md)
    bool has_seed;
    uint64_t seed;
    double time_limit_s;
    double check_timeout_s;     // --check-timeout
    bool tcp;
    volatile sig_atomic_t *interrupted;     // set by SIGINT/SIGTERM/SIGHUP (prologue.h)
} s_args_t;

const char cmd_run_usage [] = "run SCENARIO [--system S | --node 'CMD ARGS'] [--workload W] [--seed N]"
                             " [--time-limit SEC] [--store DIR] [--transport ipc|tcp]"
                             " [--config K=V[,K=V...]] [--check-timeout SEC]"
                             " [--bug NAME]";

static int
s_usage (const char *problem)
{
    return options_usage ("run", cmd_run_usage, problem);
}

//  One option's value into args; 0, or the usage status with the reason.
static int
s_option (int option, const char *value, void *arg)
{
    s_args_t *args = arg;
    char problem [128];
    switch (option) {
        case 's':
            if (args->system)
                return s_usage ("--system may be given once (leave it out to run every"
                                " system the scenario lists)");
            if (!*value)
                return s_usage ("--system needs a name");
            args->system = value;
            return 0;
        case 'n':
            if (args->node_cmd)
                return s_usage ("--node may be given once");
            if (!*value || value [strspn (value, " \t")] == 0)
                return s_usage ("--node needs a command ('python3 my_node.py')");
            args->node_cmd = value;
            return 0;
        case 'w':
            if (args->workload)
                return s_usage ("--workload may be given once");
            if (!workload_lookup (value)) {
                char names [512], text [640];
                snprintf (text, sizeof text, "no workload '%.64s' (one of: %s)", value,
                          workload_names (names, sizeof names));
                return s_usage (text);
            }
            args->workload = value;
            return 0;
        case 'd':
            if (!*value)
                return s_usage ("--store needs a directory (an empty one would write in /)");
            args->store = value;
            return 0;
        case 'S':
            if (options_seed (value, &args->seed, problem, sizeof problem))
                return s_usage (problem);
            args->has_seed = true;
            return 0;
        case 't':
            if (options_time_limit (value, &args->time_limit_s, problem, sizeof problem))
                return s_usage (problem);
            return 0;
        case 'c':
            if (args->config)
                return s_usage ("--config may be given once (K=V,K=V sets several)");
            args->config = value;
            return 0;
        case 'C':
            if (number_parse (value, FL_CHECK_TIMEOUT_S_MIN, FL_CHECK_TIMEOUT_S_MAX,
                              &args->check_timeout_s)) {
                snprintf (problem, sizeof problem, "--check-timeout '%s' is not a number of"
                          " seconds in %g..%.0f", value, FL_CHECK_TIMEOUT_S_MIN,
                          FL_CHECK_TIMEOUT_S_MAX);
                return s_usage (problem);
            }
            return 0;
        case 'b':
            if (args->bug)
                return s_usage ("--bug may be given once");
            if (!*value || strchr (value, ',') || strchr (value, '='))
                return s_usage ("--bug needs a bug's name (docs/bugs.md)");
            args->bug = value;
            return 0;
        case 'T':
            if (!streq (value, "ipc") && !streq (value, "tcp"))
                return s_usage ("--transport is ipc or tcp");
            args->tcp = streq (value, "tcp");
            return 0;
        default:
            return s_usage ("unknown option");
    }
}

static int
s_parse (int argc, char **argv, s_args_t *args)
{
    static struct option options [] = {
        { "system", required_argument, 0, 's' }, { "node", required_argument, 0, 'n' },
        { "seed", required_argument, 0, 'S' }, { "time-limit", required_argument, 0, 't' },
        { "store", required_argument, 0, 'd' }, { "help", no_argument, 0, 'h' },
        { "transport", required_argument, 0, 'T' }, { "workload", required_argument, 0, 'w' },
        { "config", required_argument, 0, 'c' },
        { "check-timeout", required_argument, 0, 'C' },
        { "bug", required_argument, 0, 'b' },
        { 0, 0, 0, 0 }
    };
    *args = (s_args_t) { .store = "store" };
    int rc = options_parse ("run", cmd_run_usage, argc, argv, options, "snwcb", s_option, args);
    if (rc)
        return rc;
    if (optind != argc - 1)
        return s_usage (optind >= argc? "which scenario? (./harness list)": "one scenario at a time");
    args->scenario = argv [optind];
    if (args->system && args->node_cmd)
        return s_usage ("--system and --node exclude each other");
    //  node-stdio with no program to bridge exits 64 at each node's start,
    //  which the lab could only report as a failed run (70).
    if (args->system && streq (args->system, "stdio"))
        return s_usage ("--system stdio needs --node 'CMD ARGS' (give --node alone:"
                        " it runs CMD through node-stdio)");
    return 0;
}

//  --bug NAME over the scenario's own: one bug at a time, --bug's wins.
static int
s_apply_bug (scenario_t *scenario, const char *bug)
{
    char item [FL_ID_BYTES_MAX + 8];
    snprintf (item, sizeof item, "bug=%s", bug);
    char *error = NULL;
    int rc = config_apply (scenario, item, &error);
    if (rc)
        s_usage (error? error: "--bug: bad name");
    free (error);
    return rc;
}

static uint64_t
s_fresh_seed (void)
{
    rng_t rng;
    rng_init (&rng, (uint64_t) clock_wall_ms () * 1000003ULL ^ (uint64_t) getpid ());
    return rng_next (&rng) % 1000000000ULL;
}

//  Run one system; returns its exit status contribution.
static int
s_run_system (const s_args_t *args, const scenario_t *scenario, const char *system,
              uint64_t seed, const char *home, json_t **results)
{
    char *error = NULL;
    char *run_dir = store_run_dir (args->store, scenario->name, system, &error);
    if (!run_dir) {
        fprintf (stderr, "harness run: %s\n", error? error: "cannot create a run directory");
        free (error);
        return FL_EXIT_SOFTWARE;
    }
    double duration = scenario->duration_s;
    if (args->time_limit_s > 0 && args->time_limit_s < duration)
        duration = args->time_limit_s;
    runner_opts_t opts = { .scenario = scenario, .system = system, .node_cmd = args->node_cmd,
        .bin_dir = home, .run_dir = run_dir, .seed = seed, .duration_s = duration,
        .tty = isatty (STDOUT_FILENO), .tcp = args->tcp, .interrupted = args->interrupted,
        .config = args->config, .check_timeout_s = args->check_timeout_s };
    int status = runner_run (&opts, results, &error);
    store_link_latest (args->store, run_dir);
    if (status) {
        fprintf (stderr, "harness run: %s: %s\n", system, error? error: "run failed");
        fprintf (stderr, "harness run: what was recorded is in %s\n", run_dir);
    }
    else
        printf ("%-10s %s (expected %s), %lld ops, in %s\n", system,
                console_verdict (json_object_get (*results, "valid")),
                json_string_value (json_object_get (*results, "expected")),
                (long long) json_integer_value (json_object_get (json_object_get (*results, "ops"), "total")),
                run_dir);
    //  What the lab could not do as asked (isolate-leader on nodes that
    //  cannot say their role) is said here, not only in results.json.
    size_t i;
    json_t *note;
    json_array_foreach (json_object_get (*results, "notes"), i, note)
        printf ("%-10s note: %s\n", system, json_string_value (note));
    //  Why a check is not valid, in its own words.
    json_t *check;
    json_array_foreach (json_object_get (*results, "checks"), i, check) {
        json_t *valid = json_object_get (check, "valid");
        json_t *budget = json_object_get (check, "budget_s");
        json_t *details = json_object_get (check, "details");
        if (json_is_number (budget))    // the budget, with the verdict
            printf ("%-10s %s: %s in %.0f ms of a %g s budget (--check-timeout SEC,"
                    " checks/timeout_s), by %s\n", system,
                    json_string_value (json_object_get (check, "name")),
                    console_verdict (valid), json_number_value (json_object_get (details, "time_ms")),
                    json_number_value (budget),
                    json_string_value (json_object_get (details, "method"))?
                    json_string_value (json_object_get (details, "method")): "search");
        if (json_is_true (valid))
            continue;
        //  The op the check could not place, as the history has it
        json_t *failing = json_array_get (json_object_get (details, "failing"), 0);
        if (json_is_false (valid) && json_is_object (failing)) {
            char *value = json_dumps (json_object_get (failing, "value"), JSON_ENCODE_ANY | JSON_COMPACT);
            char *result = json_dumps (json_object_get (failing, "result"), JSON_ENCODE_ANY | JSON_COMPACT);
            char *key = json_dumps (json_object_get (failing, "key"), JSON_ENCODE_ANY | JSON_COMPACT);
            printf ("%-10s %s: could not place history.jsonl line %lld: process %lld %s%s%s %s"
                    " -> %s %s\n", system, json_string_value (json_object_get (check, "name")),
                    (long long) json_integer_value (json_object_get (failing, "line")),
                    (long long) json_integer_value (json_object_get (failing, "process")),
                    json_string_value (json_object_get (failing, "f"))?
                    json_string_value (json_object_get (failing, "f")): "?",
                    key? " key ": "", key? key: "", value? value: "null",
                    json_string_value (json_object_get (failing, "type"))?
                    json_string_value (json_object_get (failing, "type")): "?",
                    result? result: "null");
            free (value);
            free (result);
            free (key);
        }
        const char *reason = json_string_value (json_object_get (details, "reason"));
        if (!reason)
            reason = json_string_value (json_object_get (check, "error"));
        if (json_is_number (budget) && !reason)
            continue;                   //  the budget line said the verdict
        printf ("%-10s %s: %s%s%s\n", system, json_string_value (json_object_get (check, "name")),
                json_is_false (valid)? "invalid": "unknown", reason? ": ": "", reason? reason: "");

    }
    //  What the node and the replies did that the verdict does not say
    json_t *notes = runnotes_json (*results, run_dir, false);
    json_array_foreach (notes, i, note)
        printf ("%-10s note: %s\n", system, json_string_value (note));
    json_decref (notes);
    fflush (stdout);
    free (error);
    free (run_dir);
    return status? status: console_status (*results);
}

//  text quoted for a POSIX shell: 'it'\''s' (single quotes, each ' as '\'').
static void
s_print_quoted (FILE *out, const char *text)
{
    fputc ('\'', out);
    for (const char *c = text; *c; c++)
        if (*c == '\'')
            fputs ("'\\''", out);
        else
            fputc (*c, out);
    fputc ('\'', out);
}

//  One replay line per run: the run directory's scenario.conf holds the
//  seed, the duration as run and the scenario's name, so it replays the
//  run by itself (store/latest would move with the next run).
static void
s_print_replays (const s_args_t *args, json_t **results, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const char *run_dir = json_string_value (json_object_get (results [i], "run_dir"));
        const char *system = json_string_value (json_object_get (results [i], "system"));
        if (!run_dir || !system)
            continue;
        printf ("replay: ./harness run ");
        char conf [4096];
        snprintf (conf, sizeof conf, "%s/scenario.conf", run_dir);
        s_print_quoted (stdout, conf);
        if (args->node_cmd) {
            printf (" --node ");
            s_print_quoted (stdout, args->node_cmd);
        }
        else
            printf (" --system %s", system);
        if (args->workload)
            printf (" --workload %s", args->workload);
        if (args->config) {
            printf (" --config ");
            s_print_quoted (stdout, args->config);
        }
        if (args->bug)
            printf (" --bug %s", args->bug);
        if (args->store && strcmp (args->store, "store") != 0) {    //  not the default
            printf (" --store ");
            s_print_quoted (stdout, args->store);
        }
        if (args->check_timeout_s > 0)
            printf (" --check-timeout %g", args->check_timeout_s);
        printf ("%s\n", args->tcp? " --transport tcp": "");
    }
}

//  The bug the run switches on (--bug or the scenario's), or NULL.
static const char *
s_bug (const scenario_t *scenario)
{
    for (size_t i = 0; i < scenario->params_count; i++)
        if (strncmp (scenario->params [i], "bug=", 4) == 0)
            return scenario->params [i] + 4;
    return NULL;
}

//  Has system the bug asked for? 0, or 64 (--bug, --config bug=) / 65
//  (the scenario's) after naming it and the system's bugs.
static int
s_check_bug (const s_args_t *args, const scenario_t *scenario, const char *system)
{
    const char *bug = s_bug (scenario);
    if (!bug || (!args->node_cmd && lab_system_has_bug (system, bug)))
        return 0;
    const char *bugs = args->node_cmd? "": lab_system_bugs (system);
    //  Where the name came from: --bug, a --config item (both usage, 64),
    //  or the scenario file (65).
    bool config = !args->bug && args->config
               && (strncmp (args->config, "bug=", 4) == 0 || strstr (args->config, ",bug="));
    if (args->bug || config)
        fprintf (stderr, "harness run: %s%s", args->bug? "--bug ": "--config bug=", bug);
    else
        fprintf (stderr, "harness run: %s:%d: bug", scenario->path, scenario->bug_line);
    fprintf (stderr, ": system %s has no bug '%s' (%s%s)\n",
             args->node_cmd? "--node": system, bug, *bugs? "its bugs: ": "it has none",
             bugs);
    return args->bug || config? FL_EXIT_USAGE: FL_EXIT_DATAERR;
}

//  A fault a database run's IP plane cannot do: cut off one of
//  Maelstrom's services (partition isolate lin-kv: they are not on it), or
//  block messages by type (it sees packets). Refused before anything
//  starts. The step's text and where it is (":LINE: faults/step",
//  ":LINE: faults/random/kinds" for the generator's) and *why, or NULL when
//  there is none.
static const char *
s_plane_fault (const scenario_t *scenario, char *where, size_t size, const char **why)
{
    for (size_t i = 0; i < scenario->steps_count + scenario->kinds_count; i++) {
        bool step = i < scenario->steps_count;
        const char *text = step? scenario->steps [i].text
                         : scenario->kinds [i - scenario->steps_count];
        action_t action;
        char *error = NULL;
        if (action_parse (&action, text, scenario->nodes, &error)) {
            free (error);           //  already refused by the parser
            continue;
        }
        bool types = action.kind == ACTION_BLOCK_TYPE || action.kind == ACTION_UNBLOCK_TYPE;
        if (types || (action.kind == ACTION_PARTITION && action.shape == ACTION_SHAPE_ISOLATE
                      && action_is_service (action.node))) {
            *why = types? "sees packets, not message types, so it cannot block by type"
                        : "has no Maelstrom services on it to cut off";
            if (step)
                snprintf (where, size, ":%d: faults/step", scenario->steps [i].line);
            else
                snprintf (where, size, ":%d: faults/random/kinds", scenario->kinds_line);
            return text;
        }
    }
    return NULL;
}

//  The first key a tour's steps name, for the refusal above.
static const char *
s_tour_key (const scenario_t *scenario)
{
    for (size_t i = 0; i < scenario->tour_count; i++)
        if (tour_step_is_op (&scenario->tour [i]))
            return scenario->tour [i].key;
    return "user:alice";
}

//  Can every system run? 0, or the exit status after saying why not: a
//  missing program (69), or node-stdio with no --node to bridge (64).
static int
s_check_systems (const s_args_t *args, const scenario_t *scenario, const char **systems,
                 size_t count, const char *home)
{
    for (size_t i = 0; i < count; i++) {
        int rc = s_check_bug (args, scenario, systems [i]);
        if (rc)
            return rc;
        //  A tour's keys are strings (user:alice) and its values strings and
        //  lists; a database's shim keeps only integer lin-kv keys and values.
        if (scenario->tour && !args->node_cmd && lab_system_is_database (systems [i])) {
            fprintf (stderr, "harness run: scenario %s is a tour, whose keys are strings"
                     " (%s): system %s cannot take its ops, its shim keeps only integer"
                     " lin-kv keys and values\n", scenario->name,
                     s_tour_key (scenario), systems [i]);
            return FL_EXIT_USAGE;
        }
        char where [48];
        const char *why = NULL;
        const char *cut = !args->node_cmd && lab_system_is_database (systems [i])?
                          s_plane_fault (scenario, where, sizeof where, &why): NULL;
        if (cut) {
            fprintf (stderr, "harness run: %s%s: '%s': system %s's network plane %s"
                     " (its faults are IP-level, between its nodes)\n", scenario->path,
                     where, cut, systems [i], why);
            return FL_EXIT_DATAERR;
        }
        const char *speaks = args->node_cmd? NULL: lab_system_workload (systems [i]);
        //  A tour's keyed ops are lin-kv's, and crdt answers them too: keyed
        //  write/read as an LWW register, keyed add/read as an OR-set.
        bool tour_crdt = scenario->tour && streq (systems [i], "crdt");
        if (speaks && !tour_crdt && !lab_system_speaks (systems [i], scenario->workload)) {
            fprintf (stderr, "harness run: system %s speaks the %s workload only, not %s"
                     " (--node 'CMD' runs a program that speaks %s)\n", systems [i], speaks,
                     scenario->workload, scenario->workload);
            return FL_EXIT_USAGE;
        }
        if (!args->node_cmd && streq (systems [i], "stdio")) {
            fprintf (stderr, "harness run: scenario %s lists system 'stdio', which needs"
                     " --node 'CMD ARGS'\n", scenario->name);
            return FL_EXIT_USAGE;
        }
        char *error = NULL;
        if (args->node_cmd && lab_check_node_syntax (args->node_cmd, &error)) {
            fprintf (stderr, "harness run: %s\n", error);
            free (error);
            return FL_EXIT_USAGE;
        }
        lab_opts_t check = { .system = systems [i], .node_cmd = args->node_cmd, .bin_dir = home,
                             .tcp = args->tcp };
        if (lab_check_programs (&check, &error)) {
            //  A system the file lists: where (a typo there is the usual cause)
            int line = 0;
            for (size_t s = 0; !args->system && s < scenario->systems_count; s++)
                if (streq (scenario->systems [s].name, systems [i]))
                    line = scenario->systems [s].line;
            if (line)
                fprintf (stderr, "harness run: %s:%d: systems/%s: %s\n", scenario->path, line,
                         systems [i], error);
            else
                fprintf (stderr, "harness run: %s\n", error);
            free (error);
            return args->tcp && lab_system_is_database (systems [i])? FL_EXIT_USAGE:
                   FL_EXIT_UNAVAILABLE;
        }
        int plane = lab_system_is_database (systems [i])? lab_check_plane (home, &error): 0;
        if (plane) {
            fprintf (stderr, "harness run: --system %s: %s\n", systems [i], error);
            free (error);
            return plane;
        }
    }
    return 0;
}

//  A zoo file (scenarios/bug-zoo.zoo) names its systems, bugs and
//  workloads per entry; --seed, --time-limit, --store, --transport apply
//  to every entry.
static int
s_run_zoo (s_args_t *args, const char *path)
{
    if (args->system || args->node_cmd || args->bug || args->workload || args->config)
        return s_usage ("a bug zoo names each entry's system, bug and workload: only --seed,"
                        " --time-limit, --store and --transport go with it");
    args->interrupted = prologue_start ();
    zoo_run_opts_t opts = { .path = path, .store = args->store, .tcp = args->tcp,
        .has_seed = args->has_seed, .seed = args->seed, .time_limit_s = args->time_limit_s,
        .interrupted = args->interrupted };
    return zoo_run (&opts);
}

int
cmd_run (int argc, char **argv)
{
    s_args_t args;
    int rc = s_parse (argc, argv, &args);
    if (rc)
        return rc < 0? 0: rc;
    char *path = home_scenario (args.scenario);
    if (!path) {
        fprintf (stderr, "harness run: no scenario '%s' (./harness list shows them)\n", args.scenario);
        return FL_EXIT_DATAERR;
    }
    if (zoo_file (path)) {
        rc = s_run_zoo (&args, path);
        free (path);
        return rc;
    }
    char *error = NULL;
    scenario_t *scenario = scenario_load (path, &error);
    free (path);
    if (!scenario) {
        fprintf (stderr, "harness run: %s\n", error? error: "bad scenario");
        free (error);
        return FL_EXIT_DATAERR;
    }
    if (args.workload && scenario->tour) {
        //  A tour's steps are lin-kv ops, as a tour file's workload must be.
        char text [256];
        snprintf (text, sizeof text, "--workload %.64s: scenario %.64s is a tour, whose steps"
                  " are lin-kv ops (no --workload)", args.workload, scenario->name);
        scenario_destroy (&scenario);
        return s_usage (text);
    }
    if (args.workload && scenario->values && strcmp (args.workload, "lin-kv")) {
        //  The scenario's workload/values is lin-kv's: refused for another
        //  workload in the file, so for one given here too
        char text [256];
        snprintf (text, sizeof text, "--workload %.64s: scenario %.64s sets workload/values,"
                  " which only lin-kv draws", args.workload, scenario->name);
        scenario_destroy (&scenario);
        return s_usage (text);
    }
    if (args.workload)
        snprintf (scenario->workload, sizeof scenario->workload, "%s", args.workload);
    if (args.config && config_apply (scenario, args.config, &error)) {
        rc = s_usage (error? error: "--config: bad value");
        free (error);
        scenario_destroy (&scenario);
        return rc;
    }
    if (args.bug && s_apply_bug (scenario, args.bug)) {
        scenario_destroy (&scenario);
        return FL_EXIT_USAGE;
    }
    uint64_t seed = args.has_seed? args.seed: scenario->has_seed? scenario->seed: s_fresh_seed ();
    const char *systems [FL_SCENARIO_SYSTEMS_MAX];
    size_t count = 0;
    if (args.node_cmd)
        systems [count++] = "stdio";
    else
    if (args.system)
        systems [count++] = args.system;
    else {
        //  A real database (etcd, redis) needs root and starts real servers:
        //  listed beside our own systems, it runs only when named with
        //  --system, so `./harness run split-brain` stays what it was.
        //  A scenario that lists only databases runs them all.
        bool ours = false;
        for (size_t i = 0; i < scenario->systems_count; i++)
            ours |= !lab_system_is_database (scenario->systems [i].name);
        for (size_t i = 0; i < scenario->systems_count; i++)
            if (!ours || !lab_system_is_database (scenario->systems [i].name))
                systems [count++] = scenario->systems [i].name;
    }
    //  The scenario's own params, as our nodes will read them
    if (!args.node_cmd && config_check_params (scenario, &error)) {
        fprintf (stderr, "harness run: %s\n", error? error: "params: bad value");
        free (error);
        scenario_destroy (&scenario);
        return FL_EXIT_DATAERR;
    }
    //  A --config key only other systems read would be recorded and unused.
    if (args.config && !args.node_cmd && syskeys_check (args.config, systems, count, &error)) {
        rc = s_usage (error? error: "--config: a key no chosen system reads");
        free (error);
        scenario_destroy (&scenario);
        return rc;
    }
    char *home = home_dir ();
    //  A system that cannot run makes no run directory and moves no link.
    rc = s_check_systems (&args, scenario, systems, count, home);
    if (rc) {
        free (home);
        scenario_destroy (&scenario);
        return rc;
    }
    //  A real database runs in private PID and mount namespaces, so that
    //  nothing it starts outlives the harness: the parent waits here.
    bool database = false;
    for (size_t i = 0; i < count; i++)
        database |= lab_system_is_database (systems [i]);
    int private_status = 0;
    int private = database? lab_private (&private_status): 1;
    if (private <= 0) {
        if (private < 0)
            fprintf (stderr, "harness run: cannot make the private PID and mount namespaces a"
                     " real database runs in: %s\n", strerror (errno));
        free (home);
        scenario_destroy (&scenario);
        return private < 0? FL_EXIT_UNAVAILABLE: private_status;
    }
    if (scenario->tour)
        printf ("faultlab: scenario %s, a tour of %zu steps, seed %" PRIu64 ", %d node%s\n",
                scenario->name, scenario->tour_count, seed, scenario->nodes,
                scenario->nodes == 1? "": "s");
    else
        printf ("faultlab: scenario %s, workload %s, seed %" PRIu64 ", %d node%s, %d client%s,"
                " %g s\n", scenario->name, scenario->workload, seed, scenario->nodes,
                scenario->nodes == 1? "": "s", scenario->clients,
                scenario->clients == 1? "": "s", args.time_limit_s > 0 && args.time_limit_s < scenario->duration_s
                ? args.time_limit_s: scenario->duration_s);
    fflush (stdout);
    args.interrupted = prologue_start ();
    json_t *results [FL_SCENARIO_SYSTEMS_MAX] = { NULL };
    int status = 0;
    for (size_t i = 0; i < count && !*args.interrupted; i++) {
        int one = s_run_system (&args, scenario, systems [i], seed, home, &results [i]);
        status = console_worst (status, one);
    }
    printf ("\n");
    if (scenario->tour) {
        tour_table (stdout, results, count);
        printf ("\n");
    }
    console_table (stdout, results, count);
    printf ("seed %" PRIu64 "\n", seed);
    s_print_replays (&args, results, count);
    for (size_t i = 0; i < count; i++)
        json_decref (results [i]);
    free (home);
    scenario_destroy (&scenario);
    if (*args.interrupted)
        return FL_EXIT_INTERRUPTED;
    return status;
}
