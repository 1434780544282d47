/*  checker_brute.c -- the fast checker against a brute force one.

    Thousands of small random histories (at most 8 ops, 2 to 4 processes,
    and 2 to 6 in test_wide)
    for register, cas-register and kv, written as our JSONL with every kind
    of completion: ok, fail (did not happen), cas fail with error 22 (ran and
    saw another value), info and never completed (may happen at any point
    after the invoke, or never). Half are linearizable by construction (each
    op takes effect at a random moment inside its interval), half are then
    mutated (a read's value or a write's value changed). A mutated read
    that returns a value no op may have written (nor the initial value)
    must be decided by the default method's pre-check (unwritten-read),
    and the search alone must agree. The brute force
    tries every order of the ops consistent with real time, with its own
    sequential model written independently of checker/model.c, leaving out
    any op whose outcome is unknown and that never returned. Both must agree
    on every history.

    Then the same with unique values (every write and cas writes a value
    never written before, a cas's `from` is a value written earlier or now
    and then one nobody wrote), checked twice: by default, where the
    unique-values method decides most keys, and with method "search". The
    mutation there changes a read to another value of the history.
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
#include "rng.h"
#include "../../checker/check.h"

#define OPS_MAX 8
#define KEYS 2

enum { R_READ, R_WRITE, R_CAS, R_APPEND };
enum { C_OK, C_FAIL, C_CASFAIL, C_INFO, C_PENDING };

typedef struct {
    int process;
    int f;
    int key;
    char arg [16], arg2 [16];   // write/append value, cas from/to
    bool nil_result;            // a read that saw nil
    char result [64];           // a read's value (raw string or number text)
    int completion;
    int call, ret;              // event positions; ret = 1000 for never
} bop_t;

typedef struct {
    bool nil [KEYS];
    char v [KEYS][64];
} bstate_t;

typedef struct {
    int model;                  // 0 register, 1 cas-register, 2 kv
    bop_t ops [OPS_MAX];
    int n;
} bhist_t;

//  --------------------------------------------------------------------------
//  Reference model and brute force

//  Apply op to st. Returns false if the op cannot happen with its result.
static bool
s_ref_step (const bhist_t *h, bstate_t *st, const bop_t *op)
{
    int k = op->key;
    bool unknown = op->completion == C_INFO || op->completion == C_PENDING;
    switch (op->f) {
        case R_READ:
            if (unknown)
                return true;
            if (op->nil_result)
                return st->nil [k];
            return !st->nil [k] && strcmp (st->v [k], op->result) == 0;
        case R_WRITE:
            st->nil [k] = false;
            strcpy (st->v [k], op->arg);
            return true;
        case R_APPEND:
            if (st->nil [k])
                st->v [k][0] = 0;
            st->nil [k] = false;
            if (strlen (st->v [k]) + strlen (op->arg) < 63)
                strcat (st->v [k], op->arg);
            return true;
        default: {
            bool match = !st->nil [k] && strcmp (st->v [k], op->arg) == 0;
            if (op->completion == C_CASFAIL)
                return !match;
            if (match) {
                strcpy (st->v [k], op->arg2);
                return true;
            }
            return unknown;
        }
    }
    (void) h;
}

static bool
s_may_skip (const bop_t *op)
{
    return op->completion == C_FAIL || op->completion == C_PENDING || op->completion == C_INFO;
}

//  Iterative search over orders: placed[] marks placed ops; an op may be
//  placed when every op that returned before its call is placed. Ops whose
//  completion lets them not happen may be left out.
static bool
s_brute (const bhist_t *h)
{
    int choice [OPS_MAX + 1];
    bstate_t states [OPS_MAX + 1];
    bool placed [OPS_MAX] = { false };
    int depth = 0;
    for (int k = 0; k < KEYS; k++) {
        states [0].nil [k] = h->model != 2;
        strcpy (states [0].v [k], "");
    }
    choice [0] = -1;
    while (true) {
        //  Done when every op that must happen is placed
        bool done = true;
        for (int i = 0; i < h->n; i++)
            if (!placed [i] && !s_may_skip (&h->ops [i]))
                done = false;
        if (done)
            return true;
        int next = -1;
        for (int i = choice [depth] + 1; i < h->n && next < 0; i++) {
            if (placed [i] || h->ops [i].completion == C_FAIL)
                continue;
            bool ready = true;
            for (int j = 0; j < h->n; j++)
                if (!placed [j] && j != i && h->ops [j].ret < h->ops [i].call
                && h->ops [j].completion != C_FAIL)
                    ready = false;
            bstate_t st = states [depth];
            if (ready && s_ref_step (h, &st, &h->ops [i])) {
                next = i;
                states [depth + 1] = st;
            }
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
        depth++;
        choice [depth] = -1;
    }
}

//  --------------------------------------------------------------------------
//  Generation: ops take effect at a random moment inside their interval

static void
s_value (rng_t *rng, int model, char *buf)
{
    static const char *words [] = { "x", "y", "z" };
    if (model == 2)
        strcpy (buf, words [rng_below (rng, 3)]);
    else
        sprintf (buf, "%d", (int) rng_below (rng, 3));
}

typedef struct {
    int op;                     // in-flight op, -1 none
    bool effected;
} bproc_t;

static void
s_effect (bhist_t *h, bstate_t *st, bop_t *op, rng_t *rng)
{
    int k = op->key;
    if (op->f == R_READ) {
        op->nil_result = st->nil [k];
        strcpy (op->result, st->v [k]);
    }
    else
    if (op->f == R_CAS) {
        bool match = !st->nil [k] && strcmp (st->v [k], op->arg) == 0;
        if (!match) {
            op->completion = rng_chance (rng, 0.5)? C_CASFAIL: C_FAIL;
            return;
        }
        strcpy (st->v [k], op->arg2);
    }
    else
        s_ref_step (h, st, op);
}

typedef struct {
    bool on;
    int fresh;
    char written [OPS_MAX][16];
    int nwritten;
} bunique_t;

//  Unique values: a write's value and a cas's `to` never seen before; a
//  cas's `from` mostly one already written.
static void
s_unique_args (rng_t *rng, int model, bunique_t *u, bop_t *op)
{
    if (op->f == R_CAS && u->nwritten && !rng_chance (rng, 0.15))
        strcpy (op->arg, u->written [rng_below (rng, (uint64_t) u->nwritten)]);
    else
        sprintf (op->arg, model == 2? "v%d": "%d", 100 + u->fresh++);
    if (op->f == R_CAS)
        sprintf (op->arg2, model == 2? "v%d": "%d", 100 + u->fresh++);
    if (op->f != R_READ)
        strcpy (u->written [u->nwritten++], op->f == R_CAS? op->arg2: op->arg);
}

static int s_procs_max = 4;     // processes of a history: 2 .. this (at most 6)

static void
s_generate_with (rng_t *rng, int model, bhist_t *h, bunique_t *u)
{
    memset (h, 0, sizeof (*h));
    h->model = model;
    int target = 1 + (int) rng_below (rng, OPS_MAX);
    int nproc = 2 + (int) rng_below (rng, (uint64_t) s_procs_max - 1);
    bproc_t procs [6];
    for (int p = 0; p < 6; p++)
        procs [p] = (bproc_t) { -1, false };
    bstate_t st;
    for (int k = 0; k < KEYS; k++) {
        st.nil [k] = model != 2;
        st.v [k][0] = 0;
    }
    int event = 0, next_process = 0;
    int pids [6];
    for (int p = 0; p < 6; p++)
        pids [p] = next_process++;
    while (true) {
        int p = (int) rng_below (rng, (uint64_t) nproc);
        bproc_t *proc = &procs [p];
        if (proc->op < 0) {
            if (h->n == target) {
                bool busy = false;
                for (int q = 0; q < nproc; q++)
                    busy |= procs [q].op >= 0;
                if (!busy)
                    break;
                continue;
            }
            bop_t *op = &h->ops [h->n];
            op->process = pids [p];
            int fs = model == 0? 2: model == 1 || u->on? 3: 4;     // no appends: not unique
            op->f = (int) rng_below (rng, (uint64_t) fs);
            op->key = model == 2? (int) rng_below (rng, KEYS): 0;
            if (u->on)
                s_unique_args (rng, model, u, op);
            else {
                s_value (rng, model, op->arg);
                s_value (rng, model, op->arg2);
            }
            op->call = event++;
            op->ret = 1000;
            op->completion = C_OK;
            proc->op = h->n++;
            proc->effected = false;
        }
        else
        if (!proc->effected && rng_chance (rng, 0.6)) {
            s_effect (h, &st, &h->ops [proc->op], rng);
            proc->effected = true;
        }
        else {
            bop_t *op = &h->ops [proc->op];
            if (!proc->effected) {
                //  Completing without effect: only info/pending may
                op->completion = rng_chance (rng, 0.5)? C_INFO: C_PENDING;
                if (op->f == R_READ)
                    op->completion = C_INFO;
            }
            else
            if (op->completion == C_OK && rng_chance (rng, 0.1))
                op->completion = C_INFO;     // took effect, answer lost
            if (op->completion != C_PENDING) {
                op->ret = event++;
                if (op->completion == C_INFO)
                    op->ret = 1000;         // info: never returns
            }
            proc->op = -1;
            if (op->completion == C_INFO || op->completion == C_PENDING)
                pids [p] = next_process++;
        }
    }
}

static void
s_generate (rng_t *rng, int model, bhist_t *h)
{
    bunique_t u = { .on = false };
    s_generate_with (rng, model, h, &u);
}

//  A unique-value history's read changed to another value of the history
//  (or nil, the initial value); its writes are left alone.
static void
s_mutate_unique (rng_t *rng, bhist_t *h, const bunique_t *u)
{
    int reads [OPS_MAX], nreads = 0;
    for (int i = 0; i < h->n; i++)
        if (h->ops [i].f == R_READ && h->ops [i].completion == C_OK)
            reads [nreads++] = i;
    if (!nreads || !u->nwritten)
        return;
    bop_t *op = &h->ops [reads [rng_below (rng, (uint64_t) nreads)]];
    char old [64];
    strcpy (old, op->nil_result? "": op->result);
    for (int tries = 0; tries < 10 && strcmp (old, op->nil_result? "": op->result) == 0; tries++) {
        int pick = (int) rng_below (rng, (uint64_t) u->nwritten + (h->model != 2));
        op->nil_result = pick == u->nwritten;
        strcpy (op->result, op->nil_result? "": u->written [pick]);
    }
}

//  Change a read's value (preferred) or a write's, to one not seen there.
static void
s_mutate (rng_t *rng, bhist_t *h)
{
    int reads [OPS_MAX], nreads = 0;
    for (int i = 0; i < h->n; i++)
        if (h->ops [i].f == R_READ && h->ops [i].completion == C_OK)
            reads [nreads++] = i;
    bop_t *op = &h->ops [nreads? reads [rng_below (rng, (uint64_t) nreads)]
                              : (int) rng_below (rng, (uint64_t) h->n)];
    char *target = op->f == R_READ? op->result: op->arg;
    char old [64];
    strcpy (old, target);
    bool was_nil = op->nil_result;
    do {
        s_value (rng, h->model, target);
        if (rng_chance (rng, 0.2) && h->model == 2)
            strcat (target, "w");
        else
        if (rng_chance (rng, 0.2))
            sprintf (target, "%d", 7 + (int) rng_below (rng, 3));
    } while (strcmp (old, target) == 0 && !was_nil);
    op->nil_result = false;
}

//  --------------------------------------------------------------------------
//  JSONL writer: events in position order

static void
s_json_value (FILE *out, int model, const char *v)
{
    if (model == 2)
        fprintf (out, "\"%s\"", v);
    else
        fprintf (out, "%s", v);
}

static void
s_event (FILE *out, const bhist_t *h, const bop_t *op, bool invoke)
{
    static const char *fs [] = { "read", "write", "cas", "append" };
    const char *type = invoke? "invoke": op->completion == C_OK? "ok"
                     : op->completion == C_INFO? "info": "fail";
    fprintf (out, "{\"process\":%d,\"type\":\"%s\",\"f\":\"%s\"", op->process, type, fs [op->f]);
    if (h->model == 2)
        fprintf (out, ",\"key\":\"k%d\"", op->key);
    fprintf (out, ",\"value\":");
    if (op->f == R_READ) {
        if (invoke || op->completion != C_OK || op->nil_result)
            fprintf (out, "null");
        else
            s_json_value (out, h->model, op->result);
    }
    else
    if (op->f == R_CAS) {
        fprintf (out, "[");
        s_json_value (out, h->model, op->arg);
        fprintf (out, ",");
        s_json_value (out, h->model, op->arg2);
        fprintf (out, "]");
    }
    else
        s_json_value (out, h->model, op->arg);
    if (!invoke && op->completion == C_CASFAIL)
        fprintf (out, ",\"error\":22");
    else
    if (!invoke && op->completion == C_FAIL)
        fprintf (out, ",\"error\":11");
    fprintf (out, "}\n");
}

static void
s_write (const bhist_t *h, const char *path)
{
    FILE *out = fopen (path, "w");
    assert_non_null (out);
    for (int e = 0; e < 2 * OPS_MAX; e++)
        for (int i = 0; i < h->n; i++) {
            if (h->ops [i].call == e)
                s_event (out, h, &h->ops [i], true);
            if (h->ops [i].ret == e)
                s_event (out, h, &h->ops [i], false);
        }
    //  info completions are written at the end, after every other event
    for (int i = 0; i < h->n; i++)
        if (h->ops [i].completion == C_INFO)
            s_event (out, h, &h->ops [i], false);
    fclose (out);
}

//  With prefix, *prefix gets the invalid verdict's "prefix" as JSON text
//  (NULL when there is none); free it.
static int
s_fast_why (const bhist_t *h, const char *path, const char *method, bool *unique,
            char **prefix)
{
    static const char *models [] = { "register", "cas-register", "kv" };
    s_write (h, path);
    check_opts_t opts = { .model = models [h->model], .format = "jsonl", .threads = 1,
                          .method = method };
    if (h->model == 2)
        opts.init = "\"\"";
    char *error = NULL;
    check_result_t *result = check_file (path, &opts, &error);
    if (!result)
        fail_msg ("bad history: %s", error);
    int verdict = check_result_verdict (result);
    if (unique) {
        json_t *json = check_result_json (result);
        json_t *m = json_object_get (json, "methods");
        *unique = json_integer_value (json_object_get (m, "search")) == 0;
        json_decref (json);
    }
    if (prefix) {
        json_t *json = check_result_json (result);
        json_t *p = json_object_get (json, "prefix");
        *prefix = p? json_dumps (p, JSON_COMPACT | JSON_SORT_KEYS): NULL;
        json_decref (json);
    }
    check_result_destroy (&result);
    return verdict;
}

//  The verdict, and in key_method the method that decided the key explained
//  ("" when none is).
static int
s_fast_key_method (const bhist_t *h, const char *path, const char *method,
                   char *key_method, size_t size)
{
    static const char *models [] = { "register", "cas-register", "kv" };
    s_write (h, path);
    check_opts_t opts = { .model = models [h->model], .format = "jsonl", .threads = 1,
                          .method = method, .init = h->model == 2? "\"\"": NULL };
    char *error = NULL;
    check_result_t *result = check_file (path, &opts, &error);
    if (!result)
        fail_msg ("bad history: %s", error);
    int verdict = check_result_verdict (result);
    json_t *json = check_result_json (result);
    const char *name = json_string_value (json_object_get (json, "key_method"));
    snprintf (key_method, size, "%s", name? name: "");
    json_decref (json);
    check_result_destroy (&result);
    return verdict;
}

//  The reference for the pre-check, from the history as generated: an ok
//  read of a value, or an ok cas from a value, that is not the initial
//  value (nil, or "" for kv) and not the value of a write that did not
//  fail nor the `to` of a cas that did not fail (ok, info, never
//  returned), on its key. A key with an append says nothing.
static bool
s_unwritten_ref (const bhist_t *h)
{
    for (int i = 0; i < h->n; i++) {
        const bop_t *r = &h->ops [i];
        if (r->completion != C_OK || (r->f == R_READ && r->nil_result)
        ||  (r->f != R_READ && r->f != R_CAS))
            continue;
        const char *seen = r->f == R_READ? r->result: r->arg;
        bool written = h->model == 2 && seen [0] == 0, append = false;
        for (int j = 0; j < h->n; j++) {
            const bop_t *w = &h->ops [j];
            bool happened = w->completion == C_OK || w->completion == C_INFO
                         || w->completion == C_PENDING;
            if (w->key != r->key)
                continue;
            append |= w->f == R_APPEND;
            written |= happened && w->f == R_WRITE && strcmp (w->arg, seen) == 0;
            written |= happened && w->f == R_CAS && strcmp (w->arg2, seen) == 0;
        }
        if (!written && !append)
            return true;
    }
    return false;
}

static int
s_fast_with (const bhist_t *h, const char *path, const char *method, bool *unique)
{
    return s_fast_why (h, path, method, unique, NULL);
}

//  A history a check got wrong, kept as /tmp/checker_brute_WHAT_fail_M.jsonl
//  for the failure message (the scratch file at path removed): the path.
static const char *
s_keep (const bhist_t *h, const char *path, const char *what, int model)
{
    static char copy [80];
    snprintf (copy, sizeof (copy), "/tmp/checker_brute_%s%sfail_%d.jsonl", what,
              *what? "_": "", model);
    s_write (h, copy);
    if (path)
        unlink (path);
    return copy;
}

static void
s_cross_check (int model, uint64_t seed, int count)
{
    char path [] = "/tmp/checker_brute_XXXXXX";
    int fd = mkstemp (path);
    assert_true (fd >= 0);
    close (fd);
    rng_t rng;
    rng_init (&rng, seed);
    int valid = 0, invalid = 0, unwritten = 0;
    for (int i = 0; i < count; i++) {
        bhist_t h;
        s_generate (&rng, model, &h);
        if (i % 2)
            s_mutate (&rng, &h);
        bool expected = s_brute (&h);
        char key_method [32];
        int verdict = s_fast_key_method (&h, path, NULL, key_method, sizeof key_method);
        //  A read of a value nobody wrote: decided by the pre-check, and
        //  the plain search says the same; the pre-check says nothing else
        bool ref = s_unwritten_ref (&h);
        bool by_pre = strcmp (key_method, "unwritten-read") == 0;
        int search = ref? s_fast_with (&h, path, "search", NULL): CHECK_INVALID;
        if (ref != by_pre || (ref && (expected || search != CHECK_INVALID))) {
            const char *copy = s_keep (&h, path, "unwritten", model);
            fail_msg ("history %d (seed %llu): unwritten read %s, decided by %s, brute force"
                      " %s, search %d; kept in %s", i, (unsigned long long) seed,
                      ref? "yes": "no", key_method, expected? "valid": "invalid", search, copy);
        }
        unwritten += ref;
        if ((verdict == CHECK_VALID) != expected) {
            const char *copy = s_keep (&h, path, "", model);
            fail_msg ("history %d (seed %llu): brute force says %s, checker %d; kept in %s",
                      i, (unsigned long long) seed, expected? "valid": "invalid", verdict, copy);
        }
        assert_int_not_equal (verdict, CHECK_UNKNOWN);
        valid += expected;
        invalid += !expected;
        if (i % 2 == 0)
            assert_true (expected);     // by construction
    }
    unlink (path);
    //  Both kinds must be well represented for the test to mean anything
    printf ("# model %d: %d valid, %d invalid, %d of them by unwritten-read\n",
            model, valid, invalid, unwritten);
    assert_true (valid > count / 4);
    assert_true (invalid > count / 8);
    assert_true (unwritten > count / 40);
}

//  Unique values, both methods against the brute force; most keys must be
//  decided by the unique-values method for this to test it.
static void
s_cross_check_unique (int model, uint64_t seed, int count)
{
    char path [] = "/tmp/checker_brute_XXXXXX";
    int fd = mkstemp (path);
    assert_true (fd >= 0);
    close (fd);
    rng_t rng;
    rng_init (&rng, seed);
    int valid = 0, invalid = 0, by_unique = 0;
    for (int i = 0; i < count; i++) {
        bhist_t h;
        bunique_t u = { .on = true };
        s_generate_with (&rng, model, &h, &u);
        if (i % 2)
            s_mutate_unique (&rng, &h, &u);
        bool expected = s_brute (&h);
        bool unique = false;
        char *fast_prefix = NULL, *search_prefix = NULL;
        int fast = s_fast_why (&h, path, "auto", &unique, &fast_prefix);
        int search = s_fast_why (&h, path, "search", NULL, &search_prefix);
        if ((fast == CHECK_VALID) != expected || (search == CHECK_VALID) != expected) {
            const char *copy = s_keep (&h, path, "unique", model);
            fail_msg ("unique history %d (seed %llu): brute force says %s, auto %d (%s),"
                      " search %d; kept in %s", i, (unsigned long long) seed,
                      expected? "valid": "invalid", fast, unique? "unique-values": "search",
                      search, copy);
        }
        //  An invalid key decided by unique values is explained as the
        //  search explains it: the same prefix, last ops and state
        if (!expected && unique
        &&  (!fast_prefix || !search_prefix || strcmp (fast_prefix, search_prefix))) {
            const char *copy = s_keep (&h, NULL, "prefix", model);
            fail_msg ("unique history %d (seed %llu): prefix by unique values %s,"
                      " by the search %s; kept in %s", i, (unsigned long long) seed,
                      fast_prefix? fast_prefix: "none", search_prefix? search_prefix: "none",
                      copy);
        }
        by_unique += unique && !expected;
        free (fast_prefix);
        free (search_prefix);
        by_unique += unique && expected;
        valid += expected;
        invalid += !expected;
        if (i % 2 == 0)
            assert_true (expected);
    }
    unlink (path);
    printf ("# unique model %d: %d valid, %d invalid, %d without a search"
            " (unique values, unwritten-read)\n", model, valid, invalid, by_unique);
    assert_true (valid > count / 4);
    assert_true (invalid > count / 10);
    assert_true (by_unique > count / 2);
}

static void test_unique_register (void **state) { (void) state; s_cross_check_unique (0, 4, 3000); }
static void test_unique_cas (void **state) { (void) state; s_cross_check_unique (1, 5, 3000); }
static void test_unique_kv (void **state) { (void) state; s_cross_check_unique (2, 6, 3000); }

static void test_register (void **state) { (void) state; s_cross_check (0, 1, 1500); }
//  Up to 6 processes on 8 ops: ops with the same effect overlap often, so
//  the symmetry between them (checker/wgl.c) is exercised
static void
test_wide (void **state)
{
    (void) state;
    s_procs_max = 6;
    s_cross_check (0, 7, 1500);
    s_cross_check (1, 8, 1500);
    s_cross_check (2, 9, 1500);
    s_procs_max = 4;
}
static void test_cas_register (void **state) { (void) state; s_cross_check (1, 2, 1500); }
static void test_kv (void **state) { (void) state; s_cross_check (2, 3, 1500); }

int
main (void)
{
    tap_start (120);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_register),
        cmocka_unit_test (test_cas_register),
        cmocka_unit_test (test_kv),
        cmocka_unit_test (test_wide),
        cmocka_unit_test (test_unique_register),
        cmocka_unit_test (test_unique_cas),
        cmocka_unit_test (test_unique_kv),
    };
    return cmocka_run_group_tests_name ("checker_brute", tests, NULL, NULL);
}
