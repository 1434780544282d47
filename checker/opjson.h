/*  opjson.h -- one op of a history as the checker's results name it: a
    JSON object (check_result_json's ops, the spectrum's violations) and a
    few words for a chain ("p1 wrote x=1", "p2 read y=0").
*/
#ifndef FL_OPJSON_H_INCLUDED
#define FL_OPJSON_H_INCLUDED

#include <stddef.h>
#include <jansson.h>
#include "ophistory.h"

//  {index, op, process, f, key, value, result, type, line}: index is the
//  invoke's Jepsen index, op the op's place in the history. New reference.
json_t *opjson_op (const ophistory_t *history, size_t index);

//  "p1 wrote x=1", "p2 read y=0", "p3 cas x 1->2", "p4 cas x 1->2
//  (failed: saw another value)", with " (info)" for an op of unknown
//  outcome and " (line N)". A string key as it is, another one as
//  compact JSON in brackets ("[1]=5"), values as compact JSON; a register
//  without key says "the register". Malloc'd; caller frees.
char *opjson_words (const ophistory_t *history, size_t index);

#endif
