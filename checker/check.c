/*  check.c -- placeholder implementation of check.h so that ./harness links
    while the real checker is written: every history is "unknown".
*/
#include <stdlib.h>
#include <string.h>
#include "check.h"

struct _check_result_t {
    char *file;
    char *model;
};

check_result_t *
check_file (const char *path, const check_opts_t *opts, char **error)
{
    (void) error;
    check_result_t *self = calloc (1, sizeof (*self));
    if (!self)
        return NULL;
    self->file = strdup (path);
    self->model = strdup (opts && opts->model? opts->model: "register");
    return self;
}

check_verdict_t
check_result_verdict (const check_result_t *self)
{
    (void) self;
    return CHECK_UNKNOWN;
}

json_t *
check_result_json (const check_result_t *self)
{
    return json_pack ("{s:s, s:s, s:s, s:i, s:f}", "file", self->file,
                      "valid", "unknown", "model", self->model, "ops", 0,
                      "time_ms", 0.0);
}

void
check_result_explain (const check_result_t *self, FILE *out)
{
    (void) self;
    fprintf (out, "checker not built yet\n");
}

int
check_result_report_html (const check_result_t *self, const char *path)
{
    (void) self;
    (void) path;
    return -1;
}

void
check_result_destroy (check_result_t **self_p)
{
    if (self_p && *self_p) {
        free ((*self_p)->file);
        free ((*self_p)->model);
        free (*self_p);
        *self_p = NULL;
    }
}
