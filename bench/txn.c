/*  txn.c -- the txn checker's benchmark (issue 11): `txn N...` generates,
    for each N, a strict serializable list-append history of N
    transactions over 100 keys, writes it as our JSONL, and prints

        bench txn_parse_Nk SECONDS s    the baseline: every line read and
                                        parsed as JSON (jansson), nothing kept
        bench txn_check_Nk SECONDS s    check_file (): read, infer, search
        bench txn_check_Nk_rss MB MB    peak resident memory after it

    The history is Elle's generator as Maelstrom runs it, with Jepsen's
    concurrency: 10 processes, each txn 1..4 micro-ops (read or append,
    50/50) on one of 100 key slots (uniform); a slot takes a fresh key after
    16 appends (Maelstrom's --max-writes-per-key), so that lists stay as
    short as in real runs. Each txn takes effect atomically at a random
    moment between its invoke and its completion (so real time is kept),
    and its reads see the state of that moment. Same N, same history.

    N followed by "s" (`txn 100000s`) makes 1 read in 20 miss the key's
    last append: the history is full of anomalies in large strongly
    connected components (thousands of txns), and the figure printed is
    txn_check_Nk_stale, with the search's verdict on stderr: the cost of
    finding and naming cycles, not only of proving there are none.
*/
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include "rng.h"
#include "exits.h"
#include "../checker/check.h"

#define PROCS 10
#define SLOTS 100
#define WRITES_PER_KEY 16
#define MOPS_MAX 4

typedef struct {
    int n, f [MOPS_MAX], key [MOPS_MAX], value [MOPS_MAX];
    int *read [MOPS_MAX], nread [MOPS_MAX];
    int stage;              // 0 idle, 1 invoked, 2 took effect
} s_proc_t;

typedef struct {
    int **list;             // key -> its elements
    int *len;
    int nkeys, cap;
    int slot_key [SLOTS], slot_writes [SLOTS];
} s_store_t;

static void
s_print_txn (FILE *out, int p, const s_proc_t *x, bool ok)
{
    fprintf (out, "{\"process\":%d,\"type\":\"%s\",\"f\":\"txn\",\"value\":[", p, ok? "ok": "invoke");
    for (int i = 0; i < x->n; i++) {
        fprintf (out, "%s[\"%s\",%d,", i? ",": "", x->f [i]? "append": "r", x->key [i]);
        if (x->f [i])
            fprintf (out, "%d]", x->value [i]);
        else
        if (!ok)
            fprintf (out, "null]");
        else {
            fputc ('[', out);
            for (int j = 0; j < x->nread [i]; j++)
                fprintf (out, "%s%d", j? ",": "", x->read [i][j]);
            fputs ("]]", out);
        }
    }
    fputs ("]}\n", out);
}

static int
s_fresh_key (s_store_t *s)
{
    if (s->nkeys == s->cap) {
        s->cap = s->cap? s->cap * 2: 256;
        s->list = realloc (s->list, (size_t) s->cap * sizeof (int *));
        s->len = realloc (s->len, (size_t) s->cap * sizeof (int));
    }
    s->list [s->nkeys] = calloc (WRITES_PER_KEY, sizeof (int));
    s->len [s->nkeys] = 0;
    return s->nkeys++;
}

static void
s_invoke (rng_t *rng, s_store_t *s, s_proc_t *x)
{
    x->n = (int) rng_range (rng, 1, MOPS_MAX);
    for (int i = 0; i < x->n; i++) {
        int slot = (int) rng_below (rng, SLOTS);
        x->f [i] = (int) rng_below (rng, 2);
        x->key [i] = s->slot_key [slot];
        if (x->f [i] && ++s->slot_writes [slot] == WRITES_PER_KEY) {
            s->slot_key [slot] = s_fresh_key (s);
            s->slot_writes [slot] = 0;
        }
    }
}

static void
s_effect (rng_t *rng, bool stale, s_store_t *s, s_proc_t *x)
{
    for (int i = 0; i < x->n; i++) {
        int k = x->key [i];
        if (x->f [i]) {
            x->value [i] = s->len [k] + 1;
            s->list [k][s->len [k]++] = x->value [i];
        }
        else {
            x->nread [i] = s->len [k];
            if (stale && x->nread [i] > 0 && rng_below (rng, 20) == 0)
                x->nread [i]--;
            memcpy (x->read [i], s->list [k], sizeof (int) * (size_t) s->len [k]);
        }
    }
}

static void
s_generate (long n, bool stale, FILE *out)
{
    rng_t rng;
    rng_init_stream (&rng, 11, 0);
    s_store_t s = { 0 };
    for (int i = 0; i < SLOTS; i++)
        s.slot_key [i] = s_fresh_key (&s);
    s_proc_t procs [PROCS] = { 0 };
    for (int p = 0; p < PROCS; p++)
        for (int i = 0; i < MOPS_MAX; i++)
            procs [p].read [i] = calloc (WRITES_PER_KEY, sizeof (int));
    long started = 0, done = 0;
    while (done < n) {
        int p = (int) rng_below (&rng, PROCS);
        s_proc_t *x = &procs [p];
        if (x->stage == 0 && started < n) {
            s_invoke (&rng, &s, x);
            s_print_txn (out, p, x, false);
            started++;
            x->stage = 1;
        }
        else
        if (x->stage == 1) {
            s_effect (&rng, stale, &s, x);
            x->stage = 2;
        }
        else
        if (x->stage == 2) {
            s_print_txn (out, p, x, true);
            done++;
            x->stage = 0;
        }
    }
    for (int k = 0; k < s.nkeys; k++)
        free (s.list [k]);
    free (s.list);
    free (s.len);
    for (int p = 0; p < PROCS; p++)
        for (int i = 0; i < MOPS_MAX; i++)
            free (procs [p].read [i]);
}

static double
s_now (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static double
s_parse (const char *path)
{
    double t0 = s_now ();
    FILE *in = fopen (path, "r");
    char *line = NULL;
    size_t cap = 0;
    while (in && getline (&line, &cap, in) > 0) {
        json_t *v = json_loads (line, 0, NULL);
        json_decref (v);
    }
    free (line);
    if (in)
        fclose (in);
    return s_now () - t0;
}

int
main (int argc, char **argv)
{
    if (argc < 2) {
        fprintf (stderr, "usage: txn N...\n");
        return FL_EXIT_USAGE;
    }
    for (int a = 1; a < argc; a++) {
        long n = atol (argv [a]);
        bool stale = argv [a][strlen (argv [a]) - 1] == 's';
        char path [] = "/tmp/fl-bench-txn-XXXXXX";
        int fd = mkstemp (path);
        FILE *out = fd >= 0? fdopen (fd, "w"): NULL;
        if (!out || n <= 0)
            return FL_EXIT_SOFTWARE;
        s_generate (n, stale, out);
        fclose (out);
        char name [32];
        snprintf (name, sizeof name, n >= 1000000? "%ldm%s": "%ldk%s",
                  n >= 1000000? n / 1000000: n / 1000, stale? "_stale": "");
        printf ("bench txn_parse_%s %.3f s\n", name, s_parse (path));
        check_opts_t opts = { .model = "list-append", .format = "jsonl", .timeout_s = 600 };
        char *error = NULL;
        double t0 = s_now ();
        check_result_t *r = check_file (path, &opts, &error);
        double t = s_now () - t0;
        struct rusage ru;
        getrusage (RUSAGE_SELF, &ru);
        fflush (stdout);
        if (r && stale) {
            json_t *j = check_result_json (r);
            fprintf (stderr, "txn: %s: %zu anomaly types, search %s, largest component %lld txns\n",
                     name, json_array_size (json_object_get (j, "anomaly_types")),
                     json_string_value (json_object_get (j, "search")),
                     (long long) json_integer_value (json_object_get (j, "scc_largest")));
            json_decref (j);
        }
        if (!r || (!stale && check_result_verdict (r) != CHECK_VALID)) {
            fprintf (stderr, "txn: %s: %s\n", path, r? "not valid": error);
            unlink (path);
            return FL_EXIT_SOFTWARE;
        }
        printf ("bench txn_check_%s %.3f s\n", name, t);
        printf ("bench txn_check_%s_rss_mb %ld MB\n", name, ru.ru_maxrss / 1024);
        fflush (stdout);
        check_result_destroy (&r);
        unlink (path);
    }
    return 0;
}
