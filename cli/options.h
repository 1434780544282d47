/*  options.h -- the option values more than one command takes (--seed,
    --time-limit) and getopt_long's complaints, parsed and worded once, so
    that `run`, `up` and `matrix` accept and refuse the same things with
    the same message.

    Each parser fills a caller's buffer with the problem, naming the option
    and quoting the value ("--seed '-1' is not a whole number in
    0..18446744073709551615"); the command prefixes its name and prints it.
*/
#ifndef FL_OPTIONS_H_INCLUDED
#define FL_OPTIONS_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

//  VALUE as a seed: decimal digits only (no sign, no blanks), at most
//  UINT64_MAX. Returns 0 with *seed set, or -1 with problem (size bytes)
//  saying what was wrong.
int options_seed (const char *value, uint64_t *seed, char *problem, size_t size);

//  VALUE as --time-limit seconds: finite, in 0.1..FL_RUN_SECONDS_MAX (0.1
//  is the shortest duration_s a scenario may have, so that the run's
//  scenario.conf replays). Returns 0 with *seconds set, or -1 with problem.
int options_time_limit (const char *value, double *seconds, char *problem, size_t size);

//  What getopt_long's return OPTION meant, for a parse that set opterr = 0
//  and began its option string with ':': '?' an unknown option, ':' one
//  missing its value. ARG is argv [optind - 1], the word getopt stopped at.
void options_getopt_problem (int option, const char *arg, char *problem, size_t size);

//  A usage error of command NAME: "harness NAME: PROBLEM" (when PROBLEM is
//  not NULL), then "usage: harness USAGE", on stderr. Returns FL_EXIT_USAGE.
int options_usage (const char *name, const char *usage, const char *problem);

#endif
