/*  zoo_run.h -- ./harness run bug-zoo: every entry of a zoo file
    (scenario/zoo.h) run in turn, each its scenario against its system with
    its bug switched on, expecting invalid; then one table: system, bug,
    scenario, seed, caught (yes/NO), the time from the load's start to the
    first violating op's invoke, and the run's report.

    Exit status: 0 when every bug was caught, 1 when one was not (the run
    ended valid or unknown), 65 a bad zoo file or an entry naming no
    scenario or a bug its system does not have (nothing runs then), 69 a
    program is missing, 70 a run failed, 130 interrupted.
*/
#ifndef FL_ZOO_RUN_H_INCLUDED
#define FL_ZOO_RUN_H_INCLUDED

#include <stdbool.h>
#include <stdint.h>
#include <signal.h>

typedef struct {
    const char *path;           // the zoo file
    const char *store;
    bool tcp;
    bool has_seed;              // --seed: every entry with this seed
    uint64_t seed;
    double time_limit_s;        // --time-limit: every entry's, or 0
    volatile sig_atomic_t *interrupted;
} zoo_run_opts_t;

int zoo_run (const zoo_run_opts_t *opts);

#endif
