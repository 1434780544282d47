/*  options.h -- the option values more than one command takes (--seed,
    --time-limit) and the option loop with getopt_long's complaints, parsed and worded once, so
    that `run`, `up` and `matrix` accept and refuse the same things with
    the same message.

    Each parser fills a caller's buffer with the problem, naming the option
    and quoting the value ("--seed '-1' is not a whole number in
    0..18446744073709551615"); the command prefixes its name and prints it.
*/
#ifndef FL_OPTIONS_H_INCLUDED
#define FL_OPTIONS_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <getopt.h>

//  VALUE as a seed: decimal digits only (no sign, no blanks), at most
//  UINT64_MAX. Returns 0 with *seed set, or -1 with problem (size bytes)
//  saying what was wrong.
int options_seed (const char *value, uint64_t *seed, char *problem, size_t size);

//  VALUE as --time-limit seconds: finite, in 0.1..FL_RUN_SECONDS_MAX (0.1
//  is the shortest duration_s a scenario may have, so that the run's
//  scenario.conf replays). Returns 0 with *seconds set, or -1 with problem.
int options_time_limit (const char *value, double *seconds, char *problem, size_t size);

//  One option of a command: OPTION is its val in the struct option table,
//  VALUE its argument (NULL for none). Returns 0, or the usage status with
//  the problem said (options_usage).
typedef int (options_fn) (int option, const char *value, void *arg);

//  The option loop of a command NAME with synopsis USAGE: getopt_long over
//  ARGV with the long options LONGS (--help among them, as 'h'), calling
//  FN (option, value, ARG) for each other one. An unknown option or one
//  missing its value is a usage error naming it, and so is an option given
//  twice ("--time-limit given twice: give it once"; a second one silently
//  won, where a scenario file refuses a key twice), but for the vals in
//  OWN_REPEATS (NULL: none), whose repeats FN judges itself (matrix's
//  --system adds a row; run's says what to do instead).
//  Returns 0 with optind at the first operand, -1 after --help (the
//  synopsis on stdout), or the usage status.
int options_parse (const char *name, const char *usage, int argc, char **argv,
                   const struct option *longs, const char *own_repeats, options_fn *fn,
                   void *arg);

//  Option OPTION (a val of LONGS) seen now: 0, marking it in SEEN, or -1
//  with problem ("--model given twice: give it once") when it was seen
//  before. options_parse refuses repeats so; a command with its own
//  option loop (check) calls this.
int options_once (bool seen [256], const struct option *longs, int option, char *problem,
                  size_t size);

//  A usage error of command NAME: "harness NAME: PROBLEM" (when PROBLEM is
//  not NULL), then "usage: harness USAGE", on stderr. Returns FL_EXIT_USAGE.
int options_usage (const char *name, const char *usage, const char *problem);

#endif
