/*  number.c -- see number.h. */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "number.h"

int
number_parse (const char *text, double low, double high, double *out)
{
    assert (text && out);
    if (!*text || text [strspn (text, "0123456789+-.eE")])
        return -1;
    char *end = NULL;
    errno = 0;
    double value = strtod (text, &end);
    if (errno || *end || !isfinite (value) || value < low || value > high)
        return -1;
    *out = value;
    return 0;
}

int
number_parse_whole (const char *text, uint64_t high, uint64_t *out)
{
    if (!text || !*text || strspn (text, "0123456789") != strlen (text))
        return -1;
    errno = 0;
    unsigned long long value = strtoull (text, NULL, 10);
    if (errno || value > high || value > INT64_MAX)
        return -1;
    *out = value;
    return 0;
}
