/*  checker_gen.c -- a large kv history, linearizable by construction, for
    the checker benchmark: `checker_gen OPS KEYS SEED [INFO_P] > h.jsonl`.

    PROCS client processes issue read, write and cas on KEYS keys with values
    0..4 (few values, as Jepsen's register tests use: that is what makes the
    search work). Each op takes effect at a random moment between its invoke
    and its completion; with probability INFO_P its answer is lost (`info`,
    the effect may or may not have happened) and the process continues under
    a new id, as Jepsen's clients do. A cas whose `from` did not match
    completes as fail with error 22. Same arguments, same history.
*/
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include "rng.h"
#include "exits.h"

#define PROCS 10
#define KEYS_MAX 1000

typedef struct {
    int id;             // process id in the history
    bool busy, effected, matched;
    int f, key, a, b, result;
} s_proc_t;

static void
s_print (const s_proc_t *p, const char *type, bool completion)
{
    static const char *fs [] = { "read", "write", "cas" };
    printf ("{\"process\":%d,\"type\":\"%s\",\"f\":\"%s\",\"key\":\"k%d\",\"value\":",
            p->id, type, fs [p->f], p->key);
    if (p->f == 0) {
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
    if (keys < 1 || keys > KEYS_MAX || ops < 1)
        return FL_EXIT_USAGE;
    int store [KEYS_MAX];
    for (int k = 0; k < keys; k++)
        store [k] = -1;                 // nil
    s_proc_t procs [PROCS] = { { 0 } };
    int next_id = 0;
    for (int i = 0; i < PROCS; i++)
        procs [i].id = next_id++;
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
            p->a = (int) rng_below (&rng, 5);
            p->b = (int) rng_below (&rng, 5);
            started++;
            s_print (p, "invoke", false);
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
            if (lost)
                p->id = next_id++;
            p->busy = false;
            done++;
        }
    }
    return FL_EXIT_OK;
}
