/*  tour_step.c -- parse one tour step (see tour_step.h).

    The step's first word picks its kind; a word that names no client op,
    settle or wait goes to action_parse, so every fault a schedule knows is
    a tour step too and its errors read the same. Values are stored as
    canonical JSON text, so the run (lab/tour.c) never meets a bad one.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>
#include <czmq.h>
#include <jansson.h>
#include "tour_step.h"
#include "action.h"
#include "number.h"

#define S_WORDS_MAX 4       // cas NODE KEY FROM TO: the op word, then 4

//  "n3" -> 3 when the cluster has it; else 0.
static int
s_node (const char *word, int nodes)
{
    if (word [0] != 'n' || !word [1] || strspn (word + 1, "0123456789") != strlen (word + 1)
    ||  word [1] == '0' || strlen (word) > 4)
        return 0;
    int index = atoi (word + 1);
    return index >= 1 && index <= nodes? index: 0;
}

//  TEXT as JSON text into out: itself when it parses as JSON, else the
//  JSON string of it.
static int
s_value (const char *text, char *out, size_t size, const char *what, char **error)
{
    json_t *value = json_loads (text, JSON_DECODE_ANY, NULL);
    if (!value)
        value = json_string (text);
    if (!value)
        return action_error (error, "%s '%s' is not UTF-8 text", what, text);
    char *dumped = json_dumps (value, JSON_ENCODE_ANY | JSON_COMPACT | JSON_SORT_KEYS);
    json_decref (value);
    int rc = 0;
    if (!dumped || strlen (dumped) >= size)
        rc = action_error (error, "%s '%.40s' is longer than %zu bytes", what, text, size - 1);
    else
        snprintf (out, size, "%s", dumped);
    free (dumped);
    return rc;
}

//  The end of the JSON string starting at TEXT (its opening '"'): the
//  byte after the closing quote, or NULL when it has none.
static char *
s_quoted_end (char *text)
{
    for (char *at = text + 1; *at; at++)
        if (*at == '\\' && at [1])
            at++;
        else
        if (*at == '"')
            return at + 1;
    return NULL;
}

//  Split the words after the op's: want of them, the last taking the rest
//  of the text when rest. A word that starts with '"' is a JSON string and
//  runs to its closing quote, spaces and all. Returns how many there were
//  (want + 1: more), or -1 with *bad at a word whose quote is open or is
//  followed by more than a space.
static int
s_words (char *text, char **words, int want, bool rest, char **bad)
{
    int count = 0;
    char *cursor = text;
    while (true) {
        cursor += strspn (cursor, " \t");
        if (!*cursor)
            return count;
        if (count == want)
            return want + 1;
        words [count++] = cursor;
        if (rest && count == want) {
            size_t length = strlen (cursor);
            while (length && strchr (" \t", cursor [length - 1]))
                cursor [--length] = 0;
            return count;
        }
        if (*cursor == '"') {
            char *end = s_quoted_end (cursor);
            if (!end || (*end && !strchr (" \t", *end))) {
                *bad = cursor;
                return -1;
            }
            cursor = end;
        }
        else
            cursor += strcspn (cursor, " \t");
        if (*cursor)
            *cursor++ = 0;
    }
}

//  WORD as a key: itself, or the JSON string it is when quoted.
static int
s_key (tour_step_t *self, const char *op, const char *word, char **error)
{
    char key [FL_FAULT_TEXT_BYTES_MAX];
    snprintf (key, sizeof key, "%s", word);
    if (word [0] == '"') {
        json_t *string = json_loads (word, JSON_DECODE_ANY, NULL);
        if (!json_is_string (string) || !*json_string_value (string)) {
            json_decref (string);
            return action_error (error, "%s: key %s is not a non-empty JSON string", op, word);
        }
        snprintf (key, sizeof key, "%s", json_string_value (string));
        json_decref (string);
    }
    size_t length = strlen (key);
    if (length >= sizeof self->key)
        return action_error (error, "%s: key '%.40s' is longer than %zu bytes", op,
                       key, sizeof self->key - 1);
    memcpy (self->key, key, length + 1);
    return 0;
}

typedef struct {
    const char *word;
    tour_kind_t kind;
    int words;          // after the op word
    bool rest;          // the last word takes the rest of the step
    const char *usage;
} s_op_t;

static const s_op_t s_ops [] = {
    { "write",    TOUR_WRITE,    3, true,  "write NODE KEY VALUE" },
    { "read",     TOUR_READ,     2, false, "read NODE KEY" },
    { "cas",      TOUR_CAS,      4, false, "cas NODE KEY FROM TO" },
    { "cart-add", TOUR_CART_ADD, 3, true,  "cart-add NODE KEY ELEMENT" },
    { "settle",   TOUR_SETTLE,   0, false, "settle" },
    { "wait",     TOUR_WAIT,     1, false, "wait MS" },
};
#define S_OPS (sizeof s_ops / sizeof s_ops [0])

static int
s_op (tour_step_t *self, const s_op_t *op, char *rest, int nodes, char **error)
{
    char *words [S_WORDS_MAX + 1] = { NULL };
    char *bad = NULL;
    int count = s_words (rest, words, op->words, op->rest, &bad);
    if (count < 0)
        return action_error (error, "%s: '%.40s' opens a quoted word (a JSON string) that does"
                       " not close before a space or the end", op->word, bad);
    if (count != op->words)
        return action_error (error, "'%s' takes %d word%s after it, not %s%d (%s)", op->word,
                       op->words, op->words == 1? "": "s", count > op->words? "more than ": "",
                       count > op->words? op->words: count, op->usage);
    self->kind = op->kind;
    if (op->kind == TOUR_WAIT) {
        double ms;
        if (number_parse (words [0], 0, FL_TOUR_WAIT_MS_MAX, &ms) || ms != (int) ms)
            return action_error (error, "wait: '%s' is not a whole number of ms in 0..%d",
                           words [0], FL_TOUR_WAIT_MS_MAX);
        self->ms = (int) ms;
        return 0;
    }
    if (op->kind == TOUR_SETTLE)
        return 0;
    if (!(self->node = s_node (words [0], nodes)))
        return action_error (error, "%s: '%s' is not a node of n1..n%d", op->word, words [0], nodes);
    if (s_key (self, op->word, words [1], error))
        return -1;
    if (op->kind == TOUR_CAS)
        return s_value (words [2], self->from, sizeof self->from, "cas: FROM", error)
            || s_value (words [3], self->value, sizeof self->value, "cas: TO", error)? -1: 0;
    if (op->kind == TOUR_WRITE)
        return s_value (words [2], self->value, sizeof self->value, "write: VALUE", error);
    if (op->kind == TOUR_CART_ADD)
        return s_value (words [2], self->value, sizeof self->value, "cart-add: ELEMENT", error);
    return 0;
}

int
tour_step_parse (tour_step_t *self, const char *text, int nodes, char **error)
{
    assert (self && text);
    memset (self, 0, sizeof *self);
    if (strlen (text) >= sizeof self->text)
        return action_error (error, "step '%.40s...' is longer than %zu bytes", text,
                       sizeof self->text - 1);
    snprintf (self->text, sizeof self->text, "%s", text);
    char copy [FL_FAULT_TEXT_BYTES_MAX];
    snprintf (copy, sizeof copy, "%s", text);
    char *first = copy + strspn (copy, " \t");
    size_t length = strcspn (first, " \t");
    if (length == 0)
        return action_error (error, "empty step (write, read, cas, cart-add, settle, wait, or a fault)");
    char *rest = first + length;
    if (*rest)
        *rest++ = 0;
    for (size_t i = 0; i < S_OPS; i++)
        if (streq (first, s_ops [i].word))
            return s_op (self, &s_ops [i], rest, nodes, error);
    char *problem = NULL;
    if (action_parse (&self->action, text, nodes, &problem)) {
        bool unknown = problem && strstr (problem, "unknown fault");
        int rc = unknown? action_error (error, "unknown step '%s' (write, read, cas, cart-add,"
                                  " settle, wait, or a fault: partition, isolate, heal,"
                                  " kill, ...)", first)
                        : action_error (error, "%s", problem? problem: "bad fault");
        free (problem);
        return rc;
    }
    self->kind = TOUR_FAULT;
    return 0;
}

const char *
tour_step_word (const tour_step_t *self)
{
    assert (self);
    for (size_t i = 0; i < S_OPS; i++)
        if (s_ops [i].kind == self->kind && self->kind != TOUR_FAULT)
            return s_ops [i].word;
    return action_name (&self->action);
}

bool
tour_step_is_op (const tour_step_t *self)
{
    assert (self);
    return self->kind == TOUR_WRITE || self->kind == TOUR_READ || self->kind == TOUR_CAS
        || self->kind == TOUR_CART_ADD;
}
