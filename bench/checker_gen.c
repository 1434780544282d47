/*  checker_gen.c -- a large kv history, linearizable by construction, for
    the checker benchmark:
    `checker_gen OPS KEYS SEED [INFO_P [PROCS [unique|unique-bad|bad]]] > h.jsonl`.

    PROCS (default 10, at most 64) client processes issue read, write and cas on KEYS keys with values
    0..4 (few values, as Jepsen's register tests use: that is what makes the
    search work). Each op takes effect at a random moment between its invoke
    and its completion; with probability INFO_P its answer is lost (`info`,
    the effect may or may not have happened) and the process continues under
    a new id, as Jepsen's clients do. A cas whose `from` did not match
    completes as fail with error 22. Same arguments, same history.
    unique-bad changes one read in the middle to a value written long
    before (unique values); bad, with the repeated values 0..4, makes the
    first ok read in the middle return 5, which nobody wrote.
*/
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rng.h"
#include "exits.h"

#define PROCS_MAX 64
#define KEYS_MAX 1000

typedef struct {
    int id;             // process id in the history
    bool busy, effected, matched;
    int f, key, a, b, result;
} s_proc_t;

static long s_bad_at = -1;      // unique-bad: the op whose read is changed
static long s_printed;
static bool s_bad_never;        // bad: that read returns a value never written

static void
s_print (const s_proc_t *p, const char *type, bool completion)
{
    static const char *fs [] = { "read", "write", "cas" };
    printf ("{\"process\":%d,\"type\":\"%s\",\"f\":\"%s\",\"key\":\"k%d\",\"value\":",
            p->id, type, fs [p->f], p->key);
    if (p->f == 0) {
        if (completion && p->result >= 0 && s_bad_never && s_printed >= s_bad_at
        &&  type [0] == 'o') {
            printf ("5}\n");
            s_bad_at = -1;
            s_bad_never = false;
        }
        else
        if (completion && p->result >= 0 && s_bad_at >= 0 && s_printed >= s_bad_at
        &&  type [0] == 'o' && p->result > 10) {
            printf ("%d}\n", p->result / 2);     // written long before: stale
            s_bad_at = -1;
        }
        else
        if (completion && p->result >= 0)
            printf ("%d}\n", p->result);
        else
            printf ("null}\n");
    }
    else
    if (p->f == 1)
        printf ("%d}\n", p->a);
    else
        printf ("[%d,%d]%s}\n", p->a, p->b,
                completion && !p->matched && type [0] == 'f'? ",\"error\":22": "");
}

int
main (int argc, char **argv)
{
    if (argc < 4) {
        fprintf (stderr, "usage: checker_gen OPS KEYS SEED [INFO_P]\n");
        return FL_EXIT_USAGE;
    }
    long ops = atol (argv [1]);
    int keys = atoi (argv [2]);
    rng_t rng;
    rng_init (&rng, strtoull (argv [3], NULL, 10));
    double info_p = argc > 4? atof (argv [4]): 0.01;
    int nprocs = argc > 5? atoi (argv [5]): 10;
    bool unique = argc > 6 && strncmp (argv [6], "unique", 6) == 0;
    if (argc > 6 && (strcmp (argv [6], "unique-bad") == 0 || strcmp (argv [6], "bad") == 0))
        s_bad_at = ops;             // the middle: ops events of 2 * ops
    s_bad_never = argc > 6 && strcmp (argv [6], "bad") == 0;
    if (keys < 1 || keys > KEYS_MAX || ops < 1 || nprocs < 1 || nprocs > PROCS_MAX)
        return FL_EXIT_USAGE;
    int fresh = 0;
    int store [KEYS_MAX];
    for (int k = 0; k < keys; k++)
        store [k] = -1;                 // nil
    s_proc_t procs [PROCS_MAX] = { { 0 } };
    int next_id = 0;
    for (int i = 0; i < nprocs; i++)
        procs [i].id = next_id++;
    long started = 0, done = 0;
    while (done < ops) {
        s_proc_t *p = &procs [rng_below (&rng, (uint64_t) nprocs)];
        if (!p->busy) {
            if (started == ops)
                continue;
            p->busy = true;
            p->effected = false;
            p->f = (int) rng_below (&rng, 3);
            p->key = (int) rng_below (&rng, (uint64_t) keys);
            p->a = (int) rng_below (&rng, 5);
            p->b = (int) rng_below (&rng, 5);
            if (unique) {
                p->a = p->f == 2 && store [p->key] >= 0 && rng_chance (&rng, 0.7)? store [p->key]: ++fresh;
                p->b = ++fresh;
                if (p->f == 1)
                    p->a = p->b;
            }
            started++;
            s_print (p, "invoke", false);
            s_printed++;
        }
        else
        if (!p->effected) {
            p->effected = true;
            if (p->f == 0)
                p->result = store [p->key];
            else
            if (p->f == 1)
                store [p->key] = p->a;
            else {
                p->matched = store [p->key] == p->a;
                if (p->matched)
                    store [p->key] = p->b;
            }
        }
        else {
            bool lost = rng_chance (&rng, info_p);
            s_print (p, lost? "info": p->f == 2 && !p->matched? "fail": "ok", true);
            s_printed++;
            if (lost)
                p->id = next_id++;
            p->busy = false;
            done++;
        }
    }
    return FL_EXIT_OK;
}
