/*  storeindex.h -- the pages of the store browser (./harness serve,
    lab/serve.c), and the rules on what it may serve, as pure code: the
    index of runs (newest first, coloured by verdict, linking to each
    run's report.html and files), a directory's listing, a run's summary
    read from its results.json, and the checks of a URL path and of a
    resolved file against the store. The server lists directories,
    resolves paths and answers; everything it decides is here.
*/
#ifndef FL_STOREINDEX_H_INCLUDED
#define FL_STOREINDEX_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
    char *path;             // relative to the store: "split-brain/raft/20261202T185929"
    char *stamp;            // its last part: the run's start, UTC (lab/store.h)
    char *scenario;         // from results.json, else the path's first part
    char *system;           // from results.json, else the path's second part, or NULL
    const char *verdict;    // "valid", "invalid", "unknown", or NULL: no results.json
    char *expected;         // results.json "expected", or NULL
    bool as_expected;       // verdict is what was expected
    bool has_report;        // report.html is there
    int64_t ops;            // results.json ops.total, or -1
    int64_t seed;           // results.json seed, or -1
    char *problem;          // why results.json could not be read, or NULL
} storeindex_run_t;

//  Fill SELF for the run directory STORE/PATH: what results.json says
//  (a missing file leaves the verdict NULL; an unreadable one says why in
//  problem), whether report.html exists. Returns 0, or -1 out of memory.
int storeindex_run_read (storeindex_run_t *self, const char *store, const char *path);

//  Free what storeindex_run_read allocated.
void storeindex_run_release (storeindex_run_t *self);

//  Newest first: by start stamp ("20261202T185929", then -2, -3 ... for
//  runs started in the same second), then by path.
void storeindex_sort (storeindex_run_t *runs, size_t size);

//  The index page: a row per run in the order given; UNLISTED runs past
//  FL_SERVE_RUNS_MAX are counted under the table. STORE names the store.
void storeindex_write (FILE *out, const char *store, const storeindex_run_t *runs,
                       size_t size, size_t unlisted);

//  A directory's listing: PATH its URL path ("/split-brain/raft/STAMP/"),
//  NAMES its entries (IS_DIR says which are directories), UNLISTED the
//  entries past FL_SERVE_ENTRIES_MAX.
void storeindex_listing_write (FILE *out, const char *path, char *const *names,
                               const bool *is_dir, size_t size, size_t unlisted);

//  A URL path (already percent-decoded) the server may look up: starts
//  with '/', at most FL_SERVE_PATH_BYTES_MAX bytes, no "." or ".."
//  segment, no backslash, no control byte, no empty segment but a
//  trailing '/'. Returns 0, or -1 with PROBLEM (SIZE bytes) saying why.
int storeindex_path_check (const char *path, char *problem, size_t size);

//  The request target as the client sent it (RAW, before libmicrohttpd
//  decodes it and hands over a string cut at the first NUL): its path
//  (up to '?' or '#') must have no encoded NUL ("%00"), else "/x%00.html"
//  would be served as "/x". Returns 0, or -1 with PROBLEM saying at which
//  byte of the decoded path.
int storeindex_raw_check (const char *raw, char *problem, size_t size);

//  True if a directory entry NAME can be served (storeindex_path_check
//  would pass it as a segment: no control byte, backslash or '/', not
//  "." or ".."): the index and listings show only those.
bool storeindex_name_served (const char *name);

//  True if canonical path TARGET (realpath's) is ROOT or lies under it:
//  a symbolic link in the store pointing out of it resolves outside.
bool storeindex_inside (const char *root, const char *target);

//  The Content-Type for a file NAME, by its extension; text/plain for
//  the run's logs and unknown text, so a browser shows them.
const char *storeindex_content_type (const char *name);

#endif
