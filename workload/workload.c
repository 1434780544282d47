/*  workload.c -- the table of workloads and the error codes they share.

    The table is the one place a workload is listed: the scenario reader
    accepts the names in it, ./harness list prints it, and a run asks it
    which model checks the history. Order is the order of the list.
*/
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include "workload.h"

static const workload_t s_workloads [] = {
    { "lin-kv", "read / write / cas over a few keys, checked with the kv model",
      "kv", "linearizable" },
};
#define S_COUNT (sizeof s_workloads / sizeof s_workloads [0])

const workload_t *
workload_lookup (const char *name)
{
    for (size_t i = 0; name && i < S_COUNT; i++)
        if (strcmp (s_workloads [i].name, name) == 0)
            return &s_workloads [i];
    return NULL;
}

size_t
workload_count (void)
{
    return S_COUNT;
}

const workload_t *
workload_at (size_t index)
{
    return index < S_COUNT? &s_workloads [index]: NULL;
}

char *
workload_names (char *buf, size_t size)
{
    assert (buf && size > 0);
    *buf = 0;
    for (size_t i = 0, used = 0; i < S_COUNT && used < size; i++) {
        int n = snprintf (buf + used, size - used, "%s%s", i? ", ": "", s_workloads [i].name);
        used += n > 0? (size_t) n: 0;
    }
    return buf;
}

bool
workload_error_definite (int code)
{
    switch (code) {
        case 1: case 10: case 11: case 12: case 14: case 20: case 21: case 22: case 30:
            return true;
        default:
            return false;
    }
}
