/*  options.c -- see options.h. strtoull alone is not enough: it takes
    "-1" and gives back UINT64_MAX, and skips leading blanks, so a seed is
    checked to be digits before it is converted.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "options.h"
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
    errno = 0;
    char *end = NULL;
    double number = strtod (value, &end);
    if (errno || end == value || *end || !isfinite (number)
    ||  number < 0.1 || number > FL_RUN_SECONDS_MAX) {
        snprintf (problem, size, "--time-limit '%s' is not a number of seconds in 0.1..%d",
                  value, FL_RUN_SECONDS_MAX);
        return -1;
    }
    *seconds = number;
    return 0;
}

void
options_getopt_problem (int option, const char *arg, char *problem, size_t size)
{
    if (option == ':')
        snprintf (problem, size, "%s needs a value", arg);
    else
        snprintf (problem, size, "unknown option '%s'", arg);
}

int
options_usage (const char *name, const char *usage, const char *problem)
{
    if (problem)
        fprintf (stderr, "harness %s: %s\n", name, problem);
    fprintf (stderr, "usage: harness %s\n", usage);
    return FL_EXIT_USAGE;
}
