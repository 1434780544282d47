/*  page.c -- what every section of report.html shares besides the time
    axis (axis.c) and HTML escaping (common/escape.h): the question "is
    this op one the checker named as failing?". The page itself (page_t)
    is built by report.c and only read here.
*/
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "page.h"

bool
page_is_failing (const page_t *self, int64_t op)
{
    assert (self);
    for (size_t i = 0; i < self->failing_size; i++)
        if (self->failing [i] == op)
            return true;
    return false;
}
