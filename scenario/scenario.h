/*  scenario/ -- owns the scenario language: reading and validating
    scenarios/NAME.conf (scenario.c), fault actions as people write them
    (action.c), the seeded fault schedule made from both before a run
    (schedule.c), and a scripted tour's steps (tour_step.c). Pure: it uses workload/ (for workload names) and common/
    only, touches no process, socket or clock, and prints nothing.

    scenario.h -- a scenario file (scenarios/NAME.conf, ZPL), read and
    validated. docs/scenarios.md describes every key.

    scenario_load reads the whole file, checks every key and value, and
    either returns a scenario whose fields are all in range or NULL with an
    error naming file, line and key ("scenarios/x.conf:12: workload/clients:
    '0' is not a whole number in 1..256"). The fields are plain data, read
    directly by the harness; the scenario owns every string in it.
*/
#ifndef FL_SCENARIO_H_INCLUDED
#define FL_SCENARIO_H_INCLUDED

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "limits.h"
#include "tour_step.h"

//  What a scenario expects of a system.
typedef enum {
    SCENARIO_EXPECT_VALID,
    SCENARIO_EXPECT_INVALID,
    SCENARIO_EXPECT_VARIES,      // depends on the seed: reported, never "differs"
    SCENARIO_EXPECT_NONE         // the system is not listed in the scenario
} scenario_expect_t;

typedef struct {
    char name [FL_ID_BYTES_MAX];
    scenario_expect_t expect;
    int line;                   // its line in the file, for errors
} scenario_system_t;

typedef struct {
    double at_s;                            // seconds after the load starts
    char text [FL_FAULT_TEXT_BYTES_MAX];    // an action (action.h)
    int line;
} scenario_step_t;


typedef struct {
    char *path;                 // as given to scenario_load
    char *name;                 // file name without directory and .conf
    char *description;          // "" when absent
    char *text;                 // the file's text, for scenario.conf as run
    bool has_seed;              // the file sets `seed`
    uint64_t seed;

    int nodes;                  // cluster size, 1..FL_NODES_MAX
    double duration_s;          // load (and schedule) length
    scenario_system_t systems [FL_SCENARIO_SYSTEMS_MAX];
    size_t systems_count;
    char *params [FL_SCENARIO_PARAMS_MAX];    // "K=V", passed as --param
    size_t params_count;
    int bug_line;               // the line naming a bug (bug = or params/bug), 0: none

    //  workload
    char workload [FL_ID_BYTES_MAX];        // "lin-kv"
    char topology [FL_ID_BYTES_MAX];        // broadcast's: "grid" (Maelstrom's default)
    int clients;                // 1..FL_CLIENTS_MAX
    double rate;                // ops/s over all clients; 0 = unthrottled
    int keys;                   // 1..FL_SCENARIO_KEYS_MAX
    int values;                 // lin-kv: writes drawn from 0..values-1, as
                                // Maelstrom's 0..4; 0 = every value unique
    int timeout_ms;             // client timeout -> info

    //  faults: explicit steps, and/or a seeded random generator
    scenario_step_t *steps;
    size_t steps_count;
    bool random;
    double random_start_s;      // first random fault
    double random_fault_s;      // how long each fault lasts
    double random_gap_s;        // healed time between faults
    char *kinds [FL_SCENARIO_KINDS_MAX];    // action texts
    size_t kinds_count;
    int kinds_line;             // the line of random's kinds, for errors

    //  a scripted tour (tour_step.h): steps run one at a time by one client,
    //  instead of the load and the fault schedule; NULL when none
    tour_step_t *tour;
    size_t tour_count;

    //  end of run
    bool final_heal;
    double settle_s;            // load keeps going this long after the heal;
                                // for a workload with final reads, the
                                // quiet period between the heal and them;
                                // a tour's settle step waits at most this

    //  checks
    bool check_linearizable;
    double check_timeout_s;     // checks/timeout_s: the run's check budget;
                                // 0: FL_RUN_CHECK_TIMEOUT_S
} scenario_t;

//  Load and validate a scenario file. Returns NULL with *error set to a
//  malloc'd message naming file:line: key (caller frees).
scenario_t *scenario_load (const char *path, char **error);

//  The same from LEN bytes at BUF (need not be NUL-terminated; a NUL byte
//  in it is refused as in a file); PATH names it in errors. For tests and
//  the fuzzer (fuzz/scenario.c).
scenario_t *scenario_parse (const char *path, const char *buf, size_t len, char **error);

//  Destroy. Accepts NULL; nulls the pointer.
void scenario_destroy (scenario_t **self_p);

//  The expectation for a system ("primary"), SCENARIO_EXPECT_NONE if not listed.
scenario_expect_t scenario_expect (const scenario_t *self, const char *system);

//  The whole plan in DURATION_S seconds of load (0 < DURATION_S <
//  duration_s; otherwise nothing changes): every step's at_s
//  times DURATION_S / duration_s, so that every phase stays, shorter (the
//  matrix's --time-limit). settle_s stays: the replicas' anti-entropy
//  does not run faster for a shorter plan. The file text is not changed.
void scenario_scale (scenario_t *self, double duration_s);

//  "valid", "invalid", "varies", "none".
const char *scenario_expect_name (scenario_expect_t expect);

//  The file text as run, so that `./harness run RUN_DIR/scenario.conf`
//  replays it: `seed = SEED` and `name = NAME` first (replacing the file's
//  own lines), duration_s replaced by the one run (--time-limit applied)
//  and the steps the run dropped (at or after it) commented out. Caller
//  frees.
char *scenario_text_as_run (const scenario_t *self, uint64_t seed, double duration_s);

#endif
