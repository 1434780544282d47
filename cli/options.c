/*  options.c -- see options.h. strtoull alone is not enough: it takes
    "-1" and gives back UINT64_MAX, and skips leading blanks, so a seed is
    checked to be digits before it is converted.
*/
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "options.h"
#include "number.h"
#include "exits.h"
#include "limits.h"

int
options_seed (const char *value, uint64_t *seed, char *problem, size_t size)
{
    errno = 0;
    char *end = NULL;
    unsigned long long number = *value && strspn (value, "0123456789") == strlen (value)
                              ? strtoull (value, &end, 10): 0;
    if (!end || *end || errno) {
        snprintf (problem, size, "--seed '%s' is not a whole number in 0..%llu",
                  value, (unsigned long long) UINT64_MAX);
        return -1;
    }
    *seed = (uint64_t) number;
    return 0;
}

int
options_time_limit (const char *value, double *seconds, char *problem, size_t size)
{
    if (number_parse (value, 0.1, FL_RUN_SECONDS_MAX, seconds)) {
        snprintf (problem, size, "--time-limit '%s' is not a number of seconds in 0.1..%d",
                  value, FL_RUN_SECONDS_MAX);
        return -1;
    }
    return 0;
}


int
options_usage (const char *name, const char *usage, const char *problem)
{
    if (problem)
        fprintf (stderr, "harness %s: %s\n", name, problem);
    fprintf (stderr, "usage: harness %s\n", usage);
    return FL_EXIT_USAGE;
}

//  What getopt_long's return OPTION meant, with opterr = 0 and an option
//  string that begins with ':'. ARG is the word it stopped at.
static int
s_getopt_problem (const char *name, const char *usage, int option, const char *arg)
{
    char problem [128];
    if (option == ':')
        snprintf (problem, sizeof problem, "%s needs a value", arg);
    else
        snprintf (problem, sizeof problem, "unknown option '%s'", arg);
    return options_usage (name, usage, problem);
}

int
options_once (bool seen [256], const struct option *longs, int option, char *problem,
              size_t size)
{
    if (option <= 0 || option >= 256)
        return 0;
    if (!seen [option]) {
        seen [option] = true;
        return 0;
    }
    const struct option *long_option = longs;
    while (long_option->name && long_option->val != option)
        long_option++;
    snprintf (problem, size, "--%s given twice: give it once",
              long_option->name? long_option->name: "?");
    return -1;
}

int
options_parse (const char *name, const char *usage, int argc, char **argv,
               const struct option *longs, const char *own_repeats, options_fn *fn,
               void *arg)
{
    optind = 1;
    opterr = 0;
    bool seen [256] = { false };
    int option;
    while ((option = getopt_long (argc, argv, ":h", longs, NULL)) != -1) {
        if (option == 'h') {
            printf ("usage: harness %s\n", usage);
            return -1;
        }
        if (option == ':' || option == '?')
            return s_getopt_problem (name, usage, option, argv [optind - 1]);
        char problem [160];
        if (!(own_repeats && strchr (own_repeats, option))
        &&  options_once (seen, longs, option, problem, sizeof problem))
            return options_usage (name, usage, problem);
        int rc = fn (option, optarg, arg);
        if (rc)
            return rc;
    }
    return 0;
}
