/*  checker_sequential.c -- sequential_check against a brute force one.

    Thousands of small random multi-key histories (at most 8 ops, 2 to 3
    processes, 2 keys, fixed seed) in our JSONL with every kind of
    completion: ok, fail (did not happen), cas fail with error 22 (ran and
    saw another value), info (may have happened, or not). Half are
    sequential by construction (the reads' values come from one random
    interleaving of the processes), half then have a read's value changed.
    The brute force tries every interleaving that keeps each process's
    order (an info op placed any time after its process's earlier ops, as
    the linearizability check has it, or never), with its own register
    model, written apart from checker/model.c. Both must agree on every one.

    Also: store buffering is sequential on each key alone and not as a
    whole; an exhausted budget is unknown with a reason, never a crash.
*/
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tap.h"
#include "rng.h"
#include "../../checker/consistency.h"

#define OPS_MAX 8
#define KEYS 2
#define PROCS_MAX 3

enum { F_READ, F_WRITE, F_CAS };
enum { C_OK, C_FAIL, C_CASFAIL, C_INFO };

typedef struct {
    int proc, f, key;
    int a, b;               // write value; cas from, to (0 is nil)
    int result;             // a read's value (0 nil)
    int completion;
} sop_t;

typedef struct {
    sop_t ops [OPS_MAX];    // in each process's order, processes interleaved
    int n;
} shist_t;

//  --------------------------------------------------------------------------
//  Brute force

static bool
s_step (int *regs, const sop_t *op)
{
    int *r = &regs [op->key];
    switch (op->f) {
        case F_READ:
            return op->completion == C_INFO || *r == op->result;
        case F_WRITE:
            *r = op->a;
            return true;
        default:
            if (op->completion == C_CASFAIL)
                return *r != op->a;
            if (*r != op->a)
                return op->completion == C_INFO;    // an unknown cas that did nothing
            *r = op->b;
            return true;
    }
}

//  Every interleaving from here. lists [p]: process p's ops of known
//  outcome (ok, cas failed; fail ops never happened), next [p] the next
//  one. floats: the info ops, each placed any time after its process's
//  earlier ops (gate: how many of them), or never; placed their mask.
typedef struct {
    const shist_t *h;
    int lists [PROCS_MAX][OPS_MAX], len [PROCS_MAX], next [PROCS_MAX];
    int floats [OPS_MAX], gate [OPS_MAX], nfloats;
    unsigned placed;
} sbrute_t;

static bool
s_brute (sbrute_t *b, int *regs)
{
    bool all = true;
    for (int p = 0; p < PROCS_MAX; p++)
        all &= b->next [p] == b->len [p];
    if (all)
        return true;
    int saved [KEYS];
    memcpy (saved, regs, sizeof saved);
    for (int p = 0; p < PROCS_MAX; p++) {
        if (b->next [p] == b->len [p])
            continue;
        const sop_t *op = &b->h->ops [b->lists [p][b->next [p]]];
        b->next [p]++;
        bool found = s_step (regs, op) && s_brute (b, regs);
        memcpy (regs, saved, sizeof saved);
        b->next [p]--;
        if (found)
            return true;
    }
    for (int f = 0; f < b->nfloats; f++) {
        const sop_t *op = &b->h->ops [b->floats [f]];
        if ((b->placed & (1u << f)) || b->next [op->proc] < b->gate [f])
            continue;
        b->placed |= 1u << f;
        bool found = s_step (regs, op) && s_brute (b, regs);
        memcpy (regs, saved, sizeof saved);
        b->placed &= ~(1u << f);
        if (found)
            return true;
    }
    return false;
}

static bool
s_brute_sequential (const shist_t *h)
{
    sbrute_t b = { .h = h };
    for (int i = 0; i < h->n; i++) {
        const sop_t *op = &h->ops [i];
        if (op->completion == C_INFO) {
            b.gate [b.nfloats] = b.len [op->proc];
            b.floats [b.nfloats++] = i;
        }
        else
        if (op->completion != C_FAIL)
            b.lists [op->proc][b.len [op->proc]++] = i;
    }
    int regs [KEYS] = { 0 };
    return s_brute (&b, regs);
}

//  --------------------------------------------------------------------------
//  Random histories

static void
s_value (char *out, size_t size, int v)
{
    if (v)
        snprintf (out, size, "%d", v);
    else
        snprintf (out, size, "null");
}

//  One op's invoke and completion lines; the file keeps each op's invoke
//  and completion together (real time does not matter here).
static void
s_write_op (FILE *out, const sop_t *op)
{
    static const char *fs [] = { "read", "write", "cas" };
    char a [16], b [16], res [16];
    s_value (a, sizeof a, op->a);
    s_value (b, sizeof b, op->b);
    s_value (res, sizeof res, op->result);
    char in [40];
    if (op->f == F_READ)
        snprintf (in, sizeof in, "null");
    else
    if (op->f == F_WRITE)
        snprintf (in, sizeof in, "%s", a);
    else
        snprintf (in, sizeof in, "[%s,%s]", a, b);
    fprintf (out, "{\"process\":%d,\"type\":\"invoke\",\"f\":\"%s\",\"key\":\"k%d\",\"value\":%s}\n",
             op->proc, fs [op->f], op->key, in);
    static const char *types [] = { "ok", "fail", "fail", "info" };
    fprintf (out, "{\"process\":%d,\"type\":\"%s\",\"f\":\"%s\",\"key\":\"k%d\",\"value\":%s%s}\n",
             op->proc, types [op->completion], fs [op->f], op->key,
             op->f == F_READ && op->completion == C_OK? res: in,
             op->completion == C_CASFAIL? ",\"error\":22": "");
}

//  Ops in a random interleaving of the processes; reads and cas outcomes
//  from running that interleaving (sequential by construction); then,
//  when mutate, one read's value changed.
static void
s_random (rng_t *rng, shist_t *h, bool mutate)
{
    int procs = 2 + (int) rng_below (rng, PROCS_MAX - 1);
    h->n = 1 + (int) rng_below (rng, OPS_MAX);
    int regs [KEYS] = { 0 }, written = 0;
    for (int i = 0; i < h->n; i++) {
        sop_t *op = &h->ops [i];
        *op = (sop_t) { .proc = (int) rng_below (rng, (uint64_t) procs),
                        .f = (int) rng_below (rng, 3), .key = (int) rng_below (rng, KEYS) };
        uint64_t c = rng_below (rng, 10);
        op->completion = c < 7? C_OK: c < 8? C_FAIL: C_INFO;
        if (op->f == F_WRITE)
            op->a = ++written;
        if (op->f == F_CAS) {
            op->a = rng_below (rng, 2)? regs [op->key]: (int) rng_below (rng, (uint64_t) written + 1);
            op->b = ++written;
            if (op->completion == C_OK && regs [op->key] != op->a)
                op->completion = C_CASFAIL;
        }
        bool happens = op->completion == C_OK || op->completion == C_CASFAIL
                    || (op->completion == C_INFO && rng_below (rng, 2));
        if (happens && op->f != F_READ)
            s_step (regs, op);
        op->result = regs [op->key];
    }
    if (mutate) {
        int i = (int) rng_below (rng, (uint64_t) h->n);
        if (h->ops [i].f == F_READ)
            h->ops [i].result = (int) rng_below (rng, (uint64_t) written + 1);
        else
            h->ops [i].a = (int) rng_below (rng, (uint64_t) written + 1);
    }
}

static consistency_result_t
s_check_text (const char *text)
{
    char *error = NULL;
    ophistory_t *history = ophistory_parse ("test", text, strlen (text), OPHISTORY_JSONL, &error);
    assert_non_null (history);
    consistency_result_t r = sequential_check (history, NULL, 10, 64);
    ophistory_destroy (&history);
    return r;
}

static void
test_brute_force (void **state)
{
    (void) state;
    rng_t rng;
    rng_init (&rng, 20261202);
    int valid = 0, invalid = 0;
    for (int t = 0; t < 4000; t++) {
        shist_t h;
        s_random (&rng, &h, t % 2);
        char *text = NULL;
        size_t len = 0;
        FILE *mem = open_memstream (&text, &len);
        for (int i = 0; i < h.n; i++)
            s_write_op (mem, &h.ops [i]);
        fclose (mem);
        bool want = s_brute_sequential (&h);
        consistency_result_t r = s_check_text (text);
        if ((r.verdict == CHECK_VALID) != want || r.verdict == CHECK_UNKNOWN) {
            fprintf (stderr, "# history %d: brute %s, checker %d\n%s", t,
                     want? "valid": "invalid", r.verdict, text);
            fail ();
        }
        if (r.verdict == CHECK_INVALID)
            assert_non_null (json_object_get (r.violation, "chain"));
        valid += want;
        invalid += !want;
        consistency_result_release (&r);
        free (text);
    }
    fprintf (stderr, "# %d sequential, %d not\n", valid, invalid);
    assert_true (valid > 1000 && invalid > 400);
}

//  Store buffering (p0: w x 1, r y nil; p1: w y 1, r x nil): each key
//  alone is sequential, the whole is not.
static void
test_not_compositional (void **state)
{
    (void) state;
    const char *x =
        "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"x\",\"value\":1}\n"
        "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":\"x\",\"value\":1}\n"
        "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"x\",\"value\":null}\n"
        "{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"key\":\"x\",\"value\":null}\n";
    const char *y =
        "{\"process\":1,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"y\",\"value\":1}\n"
        "{\"process\":1,\"type\":\"ok\",\"f\":\"write\",\"key\":\"y\",\"value\":1}\n"
        "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"y\",\"value\":null}\n"
        "{\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"key\":\"y\",\"value\":null}\n";
    const char *whole =
        "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"x\",\"value\":1}\n"
        "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":\"x\",\"value\":1}\n"
        "{\"process\":1,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"y\",\"value\":1}\n"
        "{\"process\":1,\"type\":\"ok\",\"f\":\"write\",\"key\":\"y\",\"value\":1}\n"
        "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"y\",\"value\":null}\n"
        "{\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"key\":\"y\",\"value\":null}\n"
        "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"x\",\"value\":null}\n"
        "{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"key\":\"x\",\"value\":null}\n";
    consistency_result_t rx = s_check_text (x), ry = s_check_text (y), rw = s_check_text (whole);
    assert_int_equal (rx.verdict, CHECK_VALID);
    assert_int_equal (ry.verdict, CHECK_VALID);
    assert_int_equal (rw.verdict, CHECK_INVALID);
    assert_string_equal (json_string_value (json_object_get (rw.violation, "model")), "sequential");
    assert_true (json_array_size (json_object_get (rw.violation, "ops")) >= 2);
    consistency_result_release (&rx);
    consistency_result_release (&ry);
    consistency_result_release (&rw);
}

//  Many processes writing and reading few values on few keys, the reads
//  random: there are many orders to rule out, none dead early. The search
//  is cut by its budget (a tiny timeout, then a tiny memory) and says
//  unknown with the reason.
static void
test_budget (void **state)
{
    (void) state;
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream (&text, &len);
    rng_t rng;
    rng_init (&rng, 7);
    for (int p = 0; p < 10; p++)
        for (int i = 0; i < 20; i++) {
            int k = (int) rng_below (&rng, 3), v = 1 + (int) rng_below (&rng, 3);
            bool w = rng_below (&rng, 2);
            fprintf (mem, "{\"process\":%d,\"type\":\"invoke\",\"f\":\"%s\",\"key\":\"k%d\","
                     "\"value\":%d}\n{\"process\":%d,\"type\":\"ok\",\"f\":\"%s\",\"key\":"
                     "\"k%d\",\"value\":%d}\n", p, w? "write": "read", k, w? v: 0, p,
                     w? "write": "read", k, v);
        }
    fclose (mem);
    char *error = NULL;
    ophistory_t *history = ophistory_parse ("budget", text, len, OPHISTORY_JSONL, &error);
    assert_non_null (history);
    consistency_result_t r = sequential_check (history, NULL, 1e-6, 4096);
    fprintf (stderr, "# timeout 1 us: verdict %d (%s)\n", r.verdict, r.reason? r.reason: "-");
    assert_int_equal (r.verdict, CHECK_UNKNOWN);
    assert_string_equal (r.reason, "timeout");
    consistency_result_release (&r);
    r = sequential_check (history, NULL, 30, 1);
    fprintf (stderr, "# memory 1 MB: verdict %d (%s)\n", r.verdict, r.reason? r.reason: "-");
    assert_int_equal (r.verdict, CHECK_UNKNOWN);
    assert_string_equal (r.reason, "memory");
    consistency_result_release (&r);
    ophistory_destroy (&history);
    free (text);
}

int
main (void)
{
    tap_start (120);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_brute_force),
        cmocka_unit_test (test_not_compositional),
        cmocka_unit_test (test_budget),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
