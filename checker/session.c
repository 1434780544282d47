/*  session.c -- the session guarantees of Terry et al. (1994), per process,
    over the registers' view (regview.h): values unique per key, so each
    read names the write it read, and "a later write" means a write w' with
    a write that is not older: not causally before w (causal order CO =
    (program order + reads-from)+). With unique values no order of the
    writes is known but CO, and a write concurrent with w may come after it
    in some process's order, so only "older" is sure to be wrong.

    For a read r of key x by process p, "r sees w or later" means: r read w,
    or r read a write w' that is not CO-before w. A read of the initial
    value sees nothing; a read of a value no one wrote is left to
    causal_check. So causal memory implies all four.

        read-your-writes     r sees p's last write of x before r
        monotonic-reads      r sees what p's previous read of x read
        monotonic-writes     when p read w2, written by another process q,
                             each later read of p of a key y sees q's last
                             write of y before w2
        writes-follow-reads  when p read w2, written by another process q,
                             each later read of p of a key y sees what q's
                             last read of y before w2 read

    So monotonic-writes and writes-follow-reads are checked where they show:
    in what a process that saw a write sees afterwards. One pass over each
    process's ops: each check is a binary search per read (per chain for
    the last two), on CO's vector clocks (regview_clocks), so the whole is
    ops * chains * log ops.
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "limits.h"
#include "regview.h"
#include "consistency.h"

typedef struct {
    const regview_t *view;
    const uint32_t *co;
    size_t chains;
    consistency_t model;
    uint32_t *seen_pos;     // per chain: 1 + the place of the latest write read from it
    int32_t *seen_by;       // and the read that read it
    consistency_result_t result;
} s_session_t;

//  Does a read whose source is `source` see w or later? It does unless it
//  read the initial value or a write causally before w.
static bool
s_sees (const s_session_t *self, int32_t source, int32_t w)
{
    if (source == REGVIEW_THIN_AIR || source == w)
        return true;
    return source >= 0 && !regview_before (self->view, self->co, self->chains, source, w);
}

static void
s_tell (s_session_t *self, const int32_t *ops, size_t n, int32_t wanted, int32_t r)
{
    regview_story_t story;
    regview_story_init (&story);
    for (size_t i = 0; i < n; i++)
        if (ops [i] >= 0)
            regview_story_op (self->view, &story, (size_t) ops [i]);
    char kv [128], got [128];
    const regview_op_t *w = regview_op (self->view, (size_t) wanted);
    const regview_op_t *v = regview_op (self->view, (size_t) r);
    regview_kv (self->view, (size_t) wanted, w->written_value, kv, sizeof kv);
    if (v->source == REGVIEW_INIT)
        regview_story_say (&story, ", the initial value, older than %s", kv);
    else
        regview_story_say (&story, ", older than %s: %s causally precedes it", kv,
                           regview_kv (self->view, (size_t) r, v->read_value, got, sizeof got));
    static const char *patterns [] = {
        [CONSISTENCY_READ_YOUR_WRITES] = "own write not seen",
        [CONSISTENCY_MONOTONIC_READS] = "read went back",
        [CONSISTENCY_MONOTONIC_WRITES] = "writes seen out of order",
        [CONSISTENCY_WRITES_FOLLOW_READS] = "write seen before what it followed" };
    self->result.verdict = CHECK_INVALID;
    self->result.violation = regview_story_violation (&story, consistency_name (self->model),
                                                      patterns [self->model]);
}

//  Read-your-writes and monotonic reads of read r: true when told.
static bool
s_own (s_session_t *self, size_t r)
{
    const regview_op_t *v = regview_op (self->view, r);
    if (self->model == CONSISTENCY_READ_YOUR_WRITES) {
        int32_t w = regview_last (self->view, v->key, v->chain, v->pos, true);
        if (w >= 0 && !s_sees (self, v->source, w)) {
            int32_t ops [] = { w, (int32_t) r };
            s_tell (self, ops, 2, w, (int32_t) r);
            return true;
        }
    }
    if (self->model == CONSISTENCY_MONOTONIC_READS) {
        int32_t r1 = regview_last (self->view, v->key, v->chain, v->pos, false);
        int32_t w = r1 >= 0? regview_op (self->view, (size_t) r1)->source: REGVIEW_NONE;
        if (w >= 0 && !s_sees (self, v->source, w)) {
            int32_t ops [] = { w, r1, (int32_t) r };
            s_tell (self, ops, 3, w, (int32_t) r);
            return true;
        }
    }
    return false;
}

//  Monotonic writes and writes-follow-reads of read r, against every other
//  process whose writes r's process has read: true when told.
static bool
s_others (s_session_t *self, size_t r)
{
    const regview_op_t *v = regview_op (self->view, r);
    bool writes = self->model == CONSISTENCY_MONOTONIC_WRITES;
    for (size_t c = 0; c < self->chains; c++) {
        if (!self->seen_pos [c] || c == v->chain)
            continue;
        uint32_t end = self->seen_pos [c] - 1;      // before w2
        int32_t before = regview_last (self->view, v->key, (uint32_t) c, end, writes);
        int32_t d = before < 0? REGVIEW_NONE
                  : writes? before: regview_op (self->view, (size_t) before)->source;
        if (d < 0 || s_sees (self, v->source, d))
            continue;
        int32_t r2 = self->seen_by [c];
        int32_t w2 = regview_op (self->view, (size_t) r2)->source;
        int32_t ops [] = { writes? d: before, w2, r2, (int32_t) r };
        s_tell (self, ops, 4, d, (int32_t) r);
        return true;
    }
    return false;
}

//  One process's main chain (lone unknown writes have no reads).
static bool
s_process (s_session_t *self, size_t chain)
{
    size_t length;
    const uint32_t *ops = regview_chain (self->view, chain, &length);
    memset (self->seen_pos, 0, self->chains * sizeof (uint32_t));
    bool others = self->model == CONSISTENCY_MONOTONIC_WRITES
               || self->model == CONSISTENCY_WRITES_FOLLOW_READS;
    for (size_t k = 0; k < length; k++) {
        const regview_op_t *v = regview_op (self->view, ops [k]);
        if (!v->reads)
            continue;
        if (others? s_others (self, ops [k]): s_own (self, ops [k]))
            return true;
        if (v->source >= 0) {
            const regview_op_t *w = regview_op (self->view, (size_t) v->source);
            if (w->pos + 1 > self->seen_pos [w->chain]) {
                self->seen_pos [w->chain] = w->pos + 1;
                self->seen_by [w->chain] = (int32_t) ops [k];
            }
        }
    }
    return false;
}

consistency_result_t
session_check (const ophistory_t *history, const char *init, consistency_t model)
{
    assert (history);
    assert (model >= CONSISTENCY_READ_YOUR_WRITES && model <= CONSISTENCY_WRITES_FOLLOW_READS);
    char *reason = NULL;
    regview_t *view = regview_new (history, init, &reason);
    if (!view)
        return (consistency_result_t) { CHECK_UNKNOWN, NULL, reason, true };
    bool cyclic;
    s_session_t self = { .view = view, .chains = regview_chains (view), .model = model,
                         .result = { CHECK_VALID, NULL, NULL, false } };
    uint32_t *co = regview_clocks (view, &cyclic, NULL, NULL);
    self.co = co;
    self.seen_pos = calloc (self.chains + 1, sizeof (uint32_t));
    self.seen_by = calloc (self.chains + 1, sizeof (int32_t));
    if (!co || !self.seen_pos || !self.seen_by)
        self.result = (consistency_result_t) { CHECK_UNKNOWN, NULL,
                                               strdup ("out of memory for causal order's clocks"), true };
    for (size_t c = 0; self.result.verdict == CHECK_VALID && c < self.chains; c++)
        s_process (&self, c);
    free (co);
    free (self.seen_pos);
    free (self.seen_by);
    regview_destroy (&view);
    return self.result;
}
