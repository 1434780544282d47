/*  runnotes.h -- a run's notes in words, from its results.json: what the
    node wrote that was no message, replies that broke the workload's
    schema, logs and traces cut at their caps; with all, also the lab's
    own notes (results.json's notes: what it could not do as asked) and
    the replies that answered no op in flight or were no envelope. The
    console prints the first kind after the checks (the lab's notes it
    prints beside the verdict); the run page all of them.
*/
#ifndef FL_RUNNOTES_H_INCLUDED
#define FL_RUNNOTES_H_INCLUDED

#include <stdbool.h>
#include <jansson.h>

//  A new array of strings (empty when there is nothing to say, or when
//  results is not an object). RUN_DIR names bad-output.jsonl.
json_t *runnotes_json (json_t *results, const char *run_dir, bool all);

//  Append a note, printf-style, to the array notes (the runner's own, too).
void runnotes_add (json_t *notes, const char *format, ...) __attribute__ ((format (printf, 2, 3)));

#endif
