/*  checker_search.c -- the search against a brute force for every model.

    checker_brute.c checks register, cas-register and kv against a model of
    its own. This one covers all eight models, including the ones whose ops
    are not pure and whose unknown ops behave differently (mutex acquire,
    queue dequeue, multi-register transactions), by comparing the WGL search
    (with its greedy pure ops and subset-cached never-returned ops) with a
    plain enumeration of every real-time-consistent order that uses the same
    model_step. Random histories of at most 8 ops, every completion type.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tap.h"
#include "clock.h"
#include "rng.h"
#include "../../checker/ophistory.h"
#include "../../checker/model.h"
#include "../../checker/wgl.h"

#define OPS_MAX 8

//  Every order of the ops consistent with real time; never-returned ops may
//  be left out. Iterative, at most OPS_MAX deep.
static bool
s_brute (model_part_t *part)
{
    model_op_t *ops = model_part_ops (part);
    int n = (int) model_part_size (part);
    assert_true (n <= OPS_MAX);
    int choice [OPS_MAX + 1];
    uint64_t states [OPS_MAX + 1];
    bool placed [OPS_MAX] = { false };
    int depth = 0;
    states [0] = model_part_init (part);
    choice [0] = -1;
    while (true) {
        bool done = true;
        for (int i = 0; i < n; i++)
            done &= placed [i] || ops [i].ret == OP_RET_NEVER;
        if (done)
            return true;
        int next = -1;
        for (int i = choice [depth] + 1; i < n && next < 0; i++) {
            if (placed [i])
                continue;
            bool ready = true;
            for (int j = 0; j < n; j++)
                ready &= placed [j] || j == i || ops [j].ret > ops [i].call;
            if (ready && model_step (part, states [depth], &ops [i], &states [depth + 1]))
                next = i;
        }
        if (next < 0) {
            if (depth == 0)
                return false;
            depth--;
            placed [choice [depth]] = false;
            continue;
        }
        choice [depth] = next;
        placed [next] = true;
        choice [++depth] = -1;
    }
}

typedef struct {
    const char *model;
    const char *init;
    const char *fs [2];
} s_spec_t;

//  A random invoke value and ok result for model m's op f (0 or 1).
static void
s_values (rng_t *rng, const s_spec_t *spec, int f, char *in, char *out)
{
    int v = 1 + (int) rng_below (rng, 2);
    strcpy (in, "null");
    strcpy (out, "null");
    if (strcmp (spec->model, "multi-register") == 0) {
        static const char *keys [] = { "x", "y" };
        size_t len = 0;
        len += (size_t) sprintf (in, "[");
        size_t olen = (size_t) sprintf (out, "[");
        int micro = 1 + (int) rng_below (rng, 2);
        for (int i = 0; i < micro; i++) {
            const char *k = keys [rng_below (rng, 2)];
            int val = (int) rng_below (rng, 2);
            bool write = rng_chance (rng, 0.5);
            len += (size_t) sprintf (in + len, "%s[\"%s\",\"%s\",%s]", i? ",": "",
                                     write? "write": "read", k, write? (val? "1": "0"): "null");
            olen += (size_t) sprintf (out + olen, "%s[\"%s\",\"%s\",%d]", i? ",": "",
                                      write? "write": "read", k, val);
        }
        strcat (in, "]");
        strcat (out, "]");
        return;
    }
    if (strcmp (spec->model, "cas-register") == 0) {
        if (f == 0) {
            sprintf (in, "[%d,%d]", (int) rng_below (rng, 3), (int) rng_below (rng, 3));
            strcpy (out, in);
        }
        else
            sprintf (out, "%d", (int) rng_below (rng, 3));
        return;
    }
    if (f == 0 && strcmp (spec->model, "mutex") != 0)
        sprintf (in, "%d", v);                                  // add, enqueue
    if (f == 1 && strcmp (spec->model, "set") == 0) {
        static const char *sets [] = { "[]", "[1]", "[2]", "[1,2]" };
        strcpy (out, sets [rng_below (rng, 4)]);
    }
    else
    if (f == 1 && strcmp (spec->model, "counter") == 0)
        sprintf (out, "%d", (int) rng_below (rng, 4));
    else
    if (f == 1 && strcmp (spec->model, "queue") == 0) {
        int r = (int) rng_below (rng, 3);
        sprintf (out, r? "%d": "null", r);
    }
}

//  A random history of at most max_ops ops as JSONL.
static size_t
s_history (rng_t *rng, const s_spec_t *spec, char *buf, size_t size, int max_ops)
{
    int target = 1 + (int) rng_below (rng, (uint64_t) max_ops);
    int procs = 2 + (int) rng_below (rng, 3);
    int busy [4] = { -1, -1, -1, -1 }, ids [4] = { 0, 1, 2, 3 }, next_id = 4;
    char in [4][160], out [4][160];
    int f [4];
    size_t len = 0;
    int started = 0, open = 0;
    while (started < target || open > 0) {
        int p = (int) rng_below (rng, (uint64_t) procs);
        if (busy [p] < 0 && started < target) {
            f [p] = (int) rng_below (rng, 2);
            s_values (rng, spec, f [p], in [p], out [p]);
            len += (size_t) snprintf (buf + len, size - len,
                "{\"process\":%d,\"type\":\"invoke\",\"f\":\"%s\",\"value\":%s}\n",
                ids [p], spec->fs [f [p]], in [p]);
            busy [p] = started++;
            open++;
        }
        else
        if (busy [p] >= 0) {
            double r = rng_double (rng);
            const char *type = r < 0.7? "ok": r < 0.8? "fail": r < 0.9? "info": NULL;
            if (type)
                len += (size_t) snprintf (buf + len, size - len,
                    "{\"process\":%d,\"type\":\"%s\",\"f\":\"%s\",\"value\":%s}\n",
                    ids [p], type, spec->fs [f [p]], strcmp (type, "ok")? in [p]: out [p]);
            if (!type || strcmp (type, "info") == 0)
                ids [p] = next_id++;    // pending or info: a new process
            busy [p] = -1;
            open--;
        }
    }
    return len;
}

static void
s_cross_check (const s_spec_t *spec, uint64_t seed, int count)
{
    rng_t rng;
    rng_init (&rng, seed);
    int verdicts [2] = { 0, 0 };
    for (int i = 0; i < count; i++) {
        char buf [8192];
        size_t len = s_history (&rng, spec, buf, sizeof (buf), OPS_MAX);
        char *error = NULL;
        ophistory_t *h = ophistory_parse ("h.jsonl", buf, len, OPHISTORY_JSONL, &error);
        if (!h)
            fail_msg ("bad history: %s\n%s", error, buf);
        json_t *init = spec->init? json_loads (spec->init, JSON_DECODE_ANY, NULL): NULL;
        size_t nparts;
        model_part_t **parts = model_partition (h, model_parse (spec->model), init, "h.jsonl",
                                                &nparts, &error);
        json_decref (init);
        if (!parts)
            fail_msg ("cannot compile: %s\n%s", error, buf);
        for (size_t p = 0; p < nparts; p++) {
            bool expected = s_brute (parts [p]);
            wgl_budget_t budget = { 0 };
            wgl_result_t result;
            wgl_check (parts [p], &budget, &result);
            wgl_result_release (&result);
            if ((result.verdict == WGL_VALID) != expected)
                fail_msg ("%s history %d: brute force says %s, search %d:\n%s", spec->model, i,
                          expected? "valid": "invalid", result.verdict, buf);
            verdicts [expected]++;
            //  A shared budget, tight or not: the verdict is right or unknown
            //  for memory, and the search gives back all it took
            atomic_size_t used;
            atomic_init (&used, 1000);
            wgl_budget_t capped = { .memory_bytes = 1000 + (i % 2? 2048: 64 << 20),
                                    .used = &used };
            wgl_check (parts [p], &capped, &result);
            wgl_result_release (&result);
            if (result.verdict == WGL_UNKNOWN)
                assert_string_equal (result.why_unknown, "memory");
            else
                assert_int_equal (result.verdict == WGL_VALID, expected);
            assert_int_equal (atomic_load (&used), 1000);
        }
        model_parts_destroy (&parts, nparts);
        ophistory_destroy (&h);
    }
    printf ("# %s: %d valid, %d invalid\n", spec->model, verdicts [1], verdicts [0]);
    assert_true (verdicts [0] > count / 20);
    assert_true (verdicts [1] > count / 20);
}

static int s_procs = 4;     // processes of s_constructed (at most 8)

//  A cas-register history up to max_ops, linearizable by construction:
//  each op takes effect at a random moment of its interval; 30% of answers
//  are lost (info: the effect may or may not have happened). Mutated: one
//  read's value changed.
static size_t
s_constructed (rng_t *rng, char *buf, size_t size, int max_ops, bool mutate)
{
    typedef struct { int id, f, a, b, result; bool busy, effected, matched; } proc_t;
    proc_t procs [8];
    for (int p = 0; p < s_procs; p++)
        procs [p] = (proc_t) { .id = p };
    int store = 0, next_id = s_procs, started = 0, done = 0;
    int target = 2 + (int) rng_below (rng, (uint64_t) max_ops - 1);
    int mutate_at = mutate? (int) rng_below (rng, (uint64_t) target): -1;
    size_t len = 0;
    static const char *fs [] = { "read", "write", "cas" };
    while (done < target) {
        proc_t *p = &procs [rng_below (rng, (uint64_t) s_procs)];
        char value [32];
        if (!p->busy) {
            if (started == target)
                continue;
            *p = (proc_t) { .id = p->id, .f = (int) rng_below (rng, 3), .busy = true,
                            .a = (int) rng_below (rng, 3), .b = (int) rng_below (rng, 3) };
            started++;
            snprintf (value, sizeof (value), p->f == 0? "null": p->f == 1? "%d": "[%d,%d]", p->a, p->b);
            len += (size_t) snprintf (buf + len, size - len,
                "{\"process\":%d,\"type\":\"invoke\",\"f\":\"%s\",\"value\":%s}\n",
                p->id, fs [p->f], value);
        }
        else
        if (!p->effected && rng_chance (rng, 0.6)) {
            p->effected = true;
            p->result = store;
            p->matched = store == p->a;
            if (p->f == 1 || (p->f == 2 && p->matched))
                store = p->f == 1? p->a: p->b;
        }
        else {
            bool lost = !p->effected || rng_chance (rng, 0.3);
            const char *type = lost? "info": p->f == 2 && !p->matched? "fail": "ok";
            if (p->f == 0 && !lost)
                snprintf (value, sizeof (value), "%d", done == mutate_at? p->result + 1: p->result);
            else
                snprintf (value, sizeof (value), p->f == 0? "null": p->f == 1? "%d": "[%d,%d]", p->a, p->b);
            len += (size_t) snprintf (buf + len, size - len,
                "{\"process\":%d,\"type\":\"%s\",\"f\":\"%s\",\"value\":%s%s}\n",
                p->id, type, fs [p->f], value, type [0] == 'f'? ",\"error\":22": "");
            if (lost)
                p->id = next_id++;
            p->busy = false;
            done++;
        }
    }
    return len;
}

//  Larger histories (up to 24 ops, many info): the search with its
//  prunings against the plain Porcupine-like search, on the same partition.
static void
s_plain_check (const s_spec_t *spec, uint64_t seed, int count)
{
    rng_t rng;
    rng_init (&rng, seed);
    int verdicts [2] = { 0, 0 }, unknown = 0;
    for (int i = 0; i < count; i++) {
        char buf [32768];
        size_t len = spec->init && strcmp (spec->model, "cas-register") == 0 && i % 2
                   ? s_constructed (&rng, buf, sizeof (buf), 24, i % 4 == 3)
                   : s_history (&rng, spec, buf, sizeof (buf), 24);
        char *error = NULL;
        ophistory_t *h = ophistory_parse ("h.jsonl", buf, len, OPHISTORY_JSONL, &error);
        assert_non_null (h);
        json_t *init = spec->init? json_loads (spec->init, JSON_DECODE_ANY, NULL): NULL;
        size_t nparts;
        model_part_t **parts = model_partition (h, model_parse (spec->model), init, "h.jsonl",
                                                &nparts, &error);
        json_decref (init);
        assert_non_null (parts);
        for (size_t p = 0; p < nparts; p++) {
            //  The plain search can take seconds where the pruned one takes
            //  microseconds: bound it, and count the ones it cannot finish
            wgl_budget_t plain = { .plain = true, .memory_bytes = 256 << 20,
                                   .deadline_ns = clock_mono_ns () + 50 * 1000 * 1000 };
            wgl_budget_t fast = { 0 }, listed = { .no_witness = true };
            //  rounds of a few configurations: the list's search pauses
            //  for draws again and again, and must end as if it had not
            wgl_budget_t paused = { .round_configs = 2 + (size_t) i % 8 };
            wgl_result_t a, b, c, d;
            wgl_check (parts [p], &plain, &a);
            wgl_check (parts [p], &fast, &b);
            wgl_check (parts [p], &listed, &c);
            wgl_check (parts [p], &paused, &d);
            //  The witness run (registers) may only say valid: an invalid
            //  verdict and its explanation are the list order's
            assert_int_equal (b.verdict, c.verdict);
            assert_int_equal (d.verdict, c.verdict);
            if (b.verdict == WGL_INVALID) {
                assert_int_equal (b.nprefix, c.nprefix);
                assert_int_equal (b.blocked, c.blocked);
                assert_true (b.prefix_state == c.prefix_state);
                if (b.nprefix > 0)
                    assert_memory_equal (b.prefix, c.prefix, b.nprefix * sizeof (uint32_t));
                assert_int_equal (d.nprefix, c.nprefix);
                assert_int_equal (d.blocked, c.blocked);
                assert_true (d.prefix_state == c.prefix_state);
                if (d.nprefix > 0)
                    assert_memory_equal (d.prefix, c.prefix, d.nprefix * sizeof (uint32_t));
            }
            wgl_result_release (&a);
            wgl_result_release (&b);
            wgl_result_release (&c);
            wgl_result_release (&d);
            assert_int_not_equal (b.verdict, WGL_UNKNOWN);
            if (a.verdict == WGL_UNKNOWN) {
                unknown++;
                continue;
            }
            if (a.verdict != b.verdict)
                fail_msg ("%s history %d: plain search says %d, pruned %d:\n%s",
                          spec->model, i, a.verdict, b.verdict, buf);
            verdicts [a.verdict == WGL_VALID]++;
        }
        model_parts_destroy (&parts, nparts);
        ophistory_destroy (&h);
    }
    printf ("# %s, up to 24 ops: %d valid, %d invalid, %d too big for the plain search\n",
            spec->model, verdicts [1], verdicts [0], unknown);
    assert_true (unknown < count / 20);
    assert_true (verdicts [0] > count / 20 && verdicts [1] > count / 20);
}

static const s_spec_t s_specs [] = {
    { "register", NULL, { "write", "read" } },
    { "mutex", NULL, { "acquire", "release" } },
    { "set", NULL, { "add", "read" } },
    { "counter", "0", { "add", "read" } },
    { "queue", NULL, { "enqueue", "dequeue" } },
    { "multi-register", "{\"x\":0,\"y\":0}", { "txn", "txn" } },
    { "cas-register", "0", { "cas", "read" } },
};

static void test_register (void **state) { (void) state; s_cross_check (&s_specs [0], 11, 5000); }
static void test_mutex (void **state) { (void) state; s_cross_check (&s_specs [1], 12, 5000); }
static void test_set (void **state) { (void) state; s_cross_check (&s_specs [2], 13, 5000); }
static void test_counter (void **state) { (void) state; s_cross_check (&s_specs [3], 14, 5000); }
static void test_queue (void **state) { (void) state; s_cross_check (&s_specs [4], 15, 5000); }
static void test_multi_register (void **state) { (void) state; s_cross_check (&s_specs [5], 16, 5000); }
static void test_cas_register (void **state) { (void) state; s_cross_check (&s_specs [6], 17, 5000); }
//  8 processes on 3 values: many concurrent ops with the same effect, where
//  the symmetry between them (only the one that returns first is tried)
//  prunes; against the plain search, which tries every one.
static void
test_plain_symmetry (void **state)
{
    (void) state;
    s_procs = 8;
    s_plain_check (&s_specs [6], 27, 3000);
    s_procs = 4;
}

static void test_plain_register (void **state) { (void) state; s_plain_check (&s_specs [0], 21, 3000); }
static void test_plain_cas_register (void **state) { (void) state; s_plain_check (&s_specs [6], 22, 2000); }
static void test_plain_mutex (void **state) { (void) state; s_plain_check (&s_specs [1], 23, 3000); }
static void test_plain_queue (void **state) { (void) state; s_plain_check (&s_specs [4], 24, 3000); }
static void test_plain_set (void **state) { (void) state; s_plain_check (&s_specs [2], 25, 3000); }

int
main (void)
{
    tap_start (120);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_register),
        cmocka_unit_test (test_mutex),
        cmocka_unit_test (test_set),
        cmocka_unit_test (test_counter),
        cmocka_unit_test (test_queue),
        cmocka_unit_test (test_multi_register),
        cmocka_unit_test (test_cas_register),
        cmocka_unit_test (test_plain_register),
        cmocka_unit_test (test_plain_cas_register),
        cmocka_unit_test (test_plain_mutex),
        cmocka_unit_test (test_plain_queue),
        cmocka_unit_test (test_plain_set),
        cmocka_unit_test (test_plain_symmetry),
    };
    return cmocka_run_group_tests_name ("checker_search", tests, NULL, NULL);
}
