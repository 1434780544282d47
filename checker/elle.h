/*  elle.h -- the transaction checker (issue 11): Elle's inference for
    list-append and rw-register histories, in C. Internal to checker/:
    outside code reaches it through check.h (model "list-append" or
    "rw-register", check_opts_t's consistency, check_result_json's
    anomalies).

    A history of `txn` ops (value: micro-ops [f key value], f "append"/"r"
    or "w"/"r", EDN keywords alike) becomes a graph of transactions with
    ww, wr and rw edges inferred from the values (Kingsbury and Alvaro,
    "Elle", VLDB 2020), plus process and real-time edges when the level
    asked for needs them; its cycles, and the anomalies that need no cycle
    (G1a, G1b, internal, future-read, dirty-update, duplicate-elements, garbage-read,
    incompatible-order), rule out consistency models. docs/checker.md,
    "Transactions", says what each inference assumes.
*/
#ifndef FL_ELLE_H_INCLUDED
#define FL_ELLE_H_INCLUDED

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "ophistory.h"

typedef enum { ELLE_LIST_APPEND, ELLE_RW_REGISTER } elle_model_t;

typedef enum { ELLE_VALID = 0, ELLE_INVALID = 1, ELLE_UNKNOWN = 2 } elle_verdict_t;

//  Edge types, as bits (a cycle search names the types it may follow).
#define ELLE_WW       1
#define ELLE_WR       2
#define ELLE_RW       4
#define ELLE_PROCESS  8
#define ELLE_REALTIME 16

typedef struct _elle_result_t elle_result_t;

//  "list-append" / "rw-register" -> model, -1 if neither; and back.
int elle_model_parse (const char *name);
const char *elle_model_name (elle_model_t model);

//  elle_model_guess's answers besides a model.
#define ELLE_GUESS_NONE   (-1)  // no op is a txn: not a txn history
#define ELLE_GUESS_UNSURE (-2)  // txns, but no model can be told: *error says why

//  The txn model of a history given no --model: when every op's f is txn,
//  ELLE_LIST_APPEND if a micro-op is an append, ELLE_RW_REGISTER if one is
//  a w. ELLE_GUESS_NONE when no op is a txn. ELLE_GUESS_UNSURE, with
//  *error ("file:line: problem; give --model ...", malloc'd), when txns
//  are mixed with other ops, when they only read (r) or have both append
//  and w, or when their micro-ops are none of these.
int elle_model_guess (const ophistory_t *history, const char *file, char **error);

//  True when name is an isolation level elle_check knows (NULL: the
//  default, strict-serializable).
bool elle_level_valid (const char *name);

//  The levels known, NULL-terminated, weakest first within each tier.
const char *const *elle_levels (void);

//  Check a history. level NULL means strict-serializable; timeout_s bounds
//  the cycle search (past it, each component not yet searched is reported
//  by the anomaly it must hold). Returns NULL with *error ("file:line:
//  problem", malloc'd) on bad input.
elle_result_t *elle_check (const ophistory_t *history, elle_model_t model, const char *level,
                           double timeout_s, const char *file, char **error);

elle_verdict_t elle_result_verdict (const elle_result_t *self);

//  Add the result's fields to obj: consistency, txns, anomaly_types,
//  anomalies, not, also_not, edges (counts), search; reason when unknown.
void elle_result_json (const elle_result_t *self, json_t *obj);

//  Each anomaly in words; each cycle step by step.
void elle_result_explain (const elle_result_t *self, FILE *out);

//  Write an HTML page drawing each cycle (SVG boxes and labelled edges).
//  title names the history. Returns 0 or -1 with errno set.
int elle_result_page (const elle_result_t *self, const char *path, const char *title);

void elle_result_destroy (elle_result_t **self_p);

#endif
