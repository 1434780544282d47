/*  zoo.h -- a bug-zoo file (scenarios/bug-zoo.zoo): which bug of which
    system each fault scenario must catch (docs/bugs.md).

    The file is a small ZPL page, as a scenario is:

        description = "every bug of the zoo against the fault that exposes it"
        time_limit_s = 8            # each run's --time-limit (default 8)
        zoo
            entry = raft stale-read isolate-leader
            entry = crdt merge-last crdt-partition workload=pn-counter seed=2

    Each entry is SYSTEM BUG SCENARIO, then optional words: seed=N (else the
    scenario's seed, else 1), workload=W (else the scenario's), and
    time_limit_s=S (else the file's). The zoo does not know the systems'
    bugs or the scenarios (lab/ and the harness check them when it runs);
    it checks the shape and the numbers, and every error names the file
    and the line: "scenarios/bug-zoo.zoo:7: entry: 'x' is not seed=N,
    workload=W or time_limit_s=S".
*/
#ifndef FL_ZOO_H_INCLUDED
#define FL_ZOO_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "limits.h"

typedef struct {
    char system [FL_ID_BYTES_MAX];
    char bug [FL_ID_BYTES_MAX];
    char scenario [FL_FAULT_TEXT_BYTES_MAX];    // a name or a path
    char workload [FL_ID_BYTES_MAX];            // "" = the scenario's
    bool has_seed;
    uint64_t seed;
    double time_limit_s;
    int line;
} zoo_entry_t;

typedef struct {
    char *path;
    char *description;          // "" when absent
    double time_limit_s;
    zoo_entry_t *entries;
    size_t count;
} zoo_t;

//  Is the file at path a zoo (a line "zoo" at the top level)? False when
//  it cannot be read: scenario_load then says why.
bool zoo_file (const char *path);

//  Load and check. NULL with *error (malloc'd, naming file:line) when bad.
zoo_t *zoo_load (const char *path, char **error);

void zoo_destroy (zoo_t **self_p);

#endif
