/*  causal.c -- how fast the causal and session checks are on a large
    history: `causal OPS KEYS SEED [INFO_P]` prints `bench NAME VALUE UNIT`.

    The history is bench/checker_gen's shape (10 client processes, read,
    write and cas on KEYS keys, each op taking effect at a random moment
    inside its interval, so linearizable and therefore causal), except that
    every write and cas writes a fresh value per key, as the causal checks
    need (checker_gen's values 0..4 repeat). With probability INFO_P an
    answer is lost and the client goes on under a new process id.

        causal_load_ms        parsing the history (ophistory_parse): the
                              baseline measured in the same run
        causal_ms             causal_check (causal memory)
        causal_vs_load        the two over each other
        session_ms            the four session guarantees, one after another
        session_vs_load

    Best of 3 runs each. The verdicts must be valid (the history is
    linearizable); anything else is printed to stderr and exits 1.
*/
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "clock.h"
#include "exits.h"
#include "rng.h"
#include "checker/ophistory.h"
#include "checker/consistency.h"

#define PROCS 10
#define KEYS_MAX 1000

typedef struct {
    int id;
    bool busy, effected, matched;
    int f, key, a, b, result;
} s_proc_t;

typedef struct {
    char *buf;
    size_t len, cap;
} s_text_t;

static void
s_put (s_text_t *t, const char *format, ...)
{
    va_list args;
    for (;;) {
        va_start (args, format);
        int n = vsnprintf (t->buf + t->len, t->cap - t->len, format, args);
        va_end (args);
        if ((size_t) n < t->cap - t->len) {
            t->len += (size_t) n;
            return;
        }
        t->cap = t->cap? t->cap * 2: 1 << 20;
        t->buf = realloc (t->buf, t->cap);
        if (!t->buf)
            exit (FL_EXIT_SOFTWARE);
    }
}

static void
s_event (s_text_t *t, const s_proc_t *p, const char *type, bool completion)
{
    static const char *fs [] = { "read", "write", "cas" };
    s_put (t, "{\"process\":%d,\"type\":\"%s\",\"f\":\"%s\",\"key\":\"k%d\",\"value\":",
           p->id, type, fs [p->f], p->key);
    if (p->f == 0)
        s_put (t, completion && p->result >= 0? "%d}\n": "null}\n", p->result);
    else
    if (p->f == 1)
        s_put (t, "%d}\n", p->a);
    else
        s_put (t, "[%d,%d]%s}\n", p->a, p->b,
               completion && !p->matched && type [0] == 'f'? ",\"error\":22": "");
}

//  The generator: checker_gen's loop, with fresh values.
static s_text_t
s_generate (long ops, int keys, uint64_t seed, double info_p)
{
    rng_t rng;
    rng_init (&rng, seed);
    int store [KEYS_MAX], next [KEYS_MAX];
    for (int k = 0; k < keys; k++) {
        store [k] = -1;
        next [k] = 1;
    }
    s_proc_t procs [PROCS] = { { 0 } };
    int next_id = 0;
    for (int i = 0; i < PROCS; i++)
        procs [i].id = next_id++;
    s_text_t t = { NULL, 0, 0 };
    long started = 0, done = 0;
    while (done < ops) {
        s_proc_t *p = &procs [rng_below (&rng, PROCS)];
        if (!p->busy) {
            if (started == ops)
                continue;
            p->busy = true;
            p->effected = false;
            p->f = (int) rng_below (&rng, 3);
            p->key = (int) rng_below (&rng, (uint64_t) keys);
            p->b = next [p->key]++;
            //  A cas from the current value most of the time, so it succeeds
            p->a = p->f == 1? p->b: rng_chance (&rng, 0.7) && store [p->key] > 0? store [p->key]
                 : (int) rng_below (&rng, (uint64_t) next [p->key]);
            if (p->f == 2 && p->a == 0)
                p->a = 1;
            started++;
            s_event (&t, p, "invoke", false);
        }
        else
        if (!p->effected) {
            p->effected = true;
            if (p->f == 0)
                p->result = store [p->key];
            else
            if (p->f == 1)
                store [p->key] = p->a;
            else
            if ((p->matched = store [p->key] == p->a))
                store [p->key] = p->b;
        }
        else {
            bool lost = rng_chance (&rng, info_p);
            s_event (&t, p, lost? "info": p->f == 2 && !p->matched? "fail": "ok", true);
            if (lost)
                p->id = next_id++;
            p->busy = false;
            done++;
        }
    }
    return t;
}

static double
s_ms (int64_t since_ns)
{
    return (double) (clock_mono_ns () - since_ns) / 1e6;
}

int
main (int argc, char **argv)
{
    if (argc < 4) {
        fprintf (stderr, "usage: causal OPS KEYS SEED [INFO_P]\n");
        return FL_EXIT_USAGE;
    }
    long ops = atol (argv [1]);
    int keys = atoi (argv [2]);
    double info_p = argc > 4? atof (argv [4]): 0;
    if (ops < 1 || keys < 1 || keys > KEYS_MAX)
        return FL_EXIT_USAGE;
    s_text_t t = s_generate (ops, keys, strtoull (argv [3], NULL, 10), info_p);
    double load = 1e300, causal = 1e300, session = 1e300;
    int status = FL_EXIT_OK;
    for (int run = 0; run < 3; run++) {
        char *error = NULL;
        int64_t t0 = clock_mono_ns ();
        ophistory_t *h = ophistory_parse ("gen.jsonl", t.buf, t.len, OPHISTORY_JSONL, &error);
        double ms = s_ms (t0);
        if (!h) {
            fprintf (stderr, "causal: %s\n", error);
            return FL_EXIT_SOFTWARE;
        }
        load = ms < load? ms: load;
        t0 = clock_mono_ns ();
        consistency_result_t r = causal_check (h, NULL);
        ms = s_ms (t0);
        causal = ms < causal? ms: causal;
        if (r.verdict != CHECK_VALID) {
            fprintf (stderr, "causal: causal verdict %d: %s\n", r.verdict, r.reason? r.reason: "invalid");
            status = 1;
        }
        consistency_result_release (&r);
        t0 = clock_mono_ns ();
        for (int m = CONSISTENCY_READ_YOUR_WRITES; m < CONSISTENCY_COUNT; m++) {
            r = session_check (h, NULL, (consistency_t) m);
            if (r.verdict != CHECK_VALID) {
                fprintf (stderr, "causal: %s verdict %d: %s\n", consistency_name ((consistency_t) m),
                         r.verdict, r.reason? r.reason: "invalid");
                status = 1;
            }
            consistency_result_release (&r);
        }
        ms = s_ms (t0);
        session = ms < session? ms: session;
        ophistory_destroy (&h);
    }
    printf ("bench causal_load_ms %.1f ms\n", load);
    printf ("bench causal_ms %.1f ms\n", causal);
    printf ("bench causal_vs_load %.2f ratio\n", causal / load);
    printf ("bench session_ms %.1f ms\n", session);
    printf ("bench session_vs_load %.2f ratio\n", session / load);
    free (t.buf);
    return status;
}
