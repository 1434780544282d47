/*  checker_causal.c -- causal memory and the session guarantees
    (checker/causal.c, checker/session.c) on litmus histories, and causal
    memory against a brute-force definition on thousands of small random
    histories.

    Pictures: one line per process, its ops left to right in program order;
    w(x)1 writes 1 to x, r(x)1 reads 1 from x, r(x)- reads the initial
    value (nil). Real time does not matter to these models, so each op's
    invoke and completion are written one after the other.
*/
#include <stdbool.h>
#include <string.h>
#include <jansson.h>
#include "tap.h"
#include "rng.h"
#include "../../checker/ophistory.h"
#include "../../checker/consistency.h"

//  One op, invoke and ok, as our JSONL
#define W(p, k, v) "{\"process\":" #p ",\"type\":\"invoke\",\"f\":\"write\",\"key\":\"" k "\",\"value\":" #v "}\n" \
                   "{\"process\":" #p ",\"type\":\"ok\",\"f\":\"write\",\"key\":\"" k "\",\"value\":" #v "}\n"
#define R(p, k, v) "{\"process\":" #p ",\"type\":\"invoke\",\"f\":\"read\",\"key\":\"" k "\",\"value\":null}\n" \
                   "{\"process\":" #p ",\"type\":\"ok\",\"f\":\"read\",\"key\":\"" k "\",\"value\":" #v "}\n"
#define WINFO(p, k, v) "{\"process\":" #p ",\"type\":\"invoke\",\"f\":\"write\",\"key\":\"" k "\",\"value\":" #v "}\n" \
                   "{\"process\":" #p ",\"type\":\"info\",\"f\":\"write\",\"key\":\"" k "\",\"value\":" #v "}\n"

static ophistory_t *
s_parse (const char *text)
{
    char *error = NULL;
    ophistory_t *h = ophistory_parse ("litmus.jsonl", text, strlen (text), OPHISTORY_JSONL, &error);
    if (!h)
        fprintf (stderr, "# %s\n", error);
    free (error);
    assert_non_null (h);
    return h;
}

//  The verdict of one model on a text; the violation's pattern in pattern
//  (when invalid) and its chain printed as a TAP comment.
static check_verdict_t
s_verdict (const char *text, consistency_t model, char *pattern, size_t size)
{
    ophistory_t *h = s_parse (text);
    consistency_result_t r = model == CONSISTENCY_CAUSAL? causal_check (h, NULL)
                           : session_check (h, NULL, model);
    if (pattern)
        snprintf (pattern, size, "%s", r.violation?
                  json_string_value (json_object_get (r.violation, "pattern")): "");
    if (r.violation) {
        const char *chain = json_string_value (json_object_get (r.violation, "chain"));
        fprintf (stderr, "# %s: %s\n", consistency_name (model), chain);
        assert_string_equal (json_string_value (json_object_get (r.violation, "model")),
                             consistency_name (model));
        assert_true (json_array_size (json_object_get (r.violation, "ops")) >= 1);
    }
    if (r.verdict == CHECK_UNKNOWN)
        fprintf (stderr, "# unknown: %s\n", r.reason);
    check_verdict_t v = r.verdict;
    consistency_result_release (&r);
    ophistory_destroy (&h);
    return v;
}

static void
s_all_valid (const char *text)
{
    for (int m = CONSISTENCY_CAUSAL; m < CONSISTENCY_COUNT; m++)
        assert_int_equal (s_verdict (text, (consistency_t) m, NULL, 0), CHECK_VALID);
}

//  Store buffering: each process writes, then reads the other's key and
//  sees the initial value. Not sequential (one of the writes is first);
//  causal: neither write is in the other read's causal past.
//      p1: w(x)1 r(y)-
//      p2: w(y)1 r(x)-
static void
test_store_buffering (void **state)
{
    (void) state;
    s_all_valid (W (1, "x", 1) W (2, "y", 1) R (1, "y", null) R (2, "x", null));
}

//  Independent reads of independent writes: two readers see the two
//  writes in opposite orders. Not sequential; causal memory lets each
//  process order the unrelated writes its own way.
//      p1: w(x)1
//      p2: w(y)1
//      p3: r(x)1 r(y)-
//      p4: r(y)1 r(x)-
static void
test_iriw (void **state)
{
    (void) state;
    s_all_valid (W (1, "x", 1) W (2, "y", 1)
                 R (3, "x", 1) R (3, "y", null) R (4, "y", 1) R (4, "x", null));
}

//  Message passing: p2 sees the flag y=1, which p1 wrote after the data
//  x=1, then reads the data's initial value: x=1 is in its causal past.
//      p1: w(x)1 w(y)1
//      p2: r(y)1 r(x)-
static void
test_message_passing (void **state)
{
    (void) state;
    const char *mp = W (1, "x", 1) W (1, "y", 1) R (2, "y", 1) R (2, "x", null);
    char pattern [64];
    assert_int_equal (s_verdict (mp, CONSISTENCY_CAUSAL, pattern, sizeof pattern), CHECK_INVALID);
    assert_string_equal (pattern, "WriteCOInitRead");
    assert_int_equal (s_verdict (mp, CONSISTENCY_MONOTONIC_WRITES, NULL, 0), CHECK_INVALID);
    assert_int_equal (s_verdict (mp, CONSISTENCY_READ_YOUR_WRITES, NULL, 0), CHECK_VALID);
    assert_int_equal (s_verdict (mp, CONSISTENCY_MONOTONIC_READS, NULL, 0), CHECK_VALID);
    //  The same with the data read: fine
    s_all_valid (W (1, "x", 1) W (1, "y", 1) R (2, "y", 1) R (2, "x", 1));
}

//  Writes follow reads: p2 read x=1 and then wrote y=1; p3 sees y=1 and
//  then the initial x.
//      p1: w(x)1
//      p2: r(x)1 w(y)1
//      p3: r(y)1 r(x)-
static void
test_writes_follow_reads (void **state)
{
    (void) state;
    const char *h = W (1, "x", 1) R (2, "x", 1) W (2, "y", 1) R (3, "y", 1) R (3, "x", null);
    assert_int_equal (s_verdict (h, CONSISTENCY_WRITES_FOLLOW_READS, NULL, 0), CHECK_INVALID);
    assert_int_equal (s_verdict (h, CONSISTENCY_MONOTONIC_WRITES, NULL, 0), CHECK_VALID);
    assert_int_equal (s_verdict (h, CONSISTENCY_CAUSAL, NULL, 0), CHECK_INVALID);
}

//  A stale read: p2 reads the initial value after p1's write completed.
//  Not linearizable, but sequential and causal: nothing orders the write
//  before the read but real time.
//      p1: |w(x)1|
//      p2:          |r(x)-|
static void
test_stale_read (void **state)
{
    (void) state;
    s_all_valid (W (1, "x", 1) R (2, "x", null));
}

//  A process that does not see its own write.
//      p1: w(x)1 r(x)-
static void
test_own_write (void **state)
{
    (void) state;
    const char *h = W (1, "x", 1) R (1, "x", null);
    char pattern [64];
    assert_int_equal (s_verdict (h, CONSISTENCY_READ_YOUR_WRITES, NULL, 0), CHECK_INVALID);
    assert_int_equal (s_verdict (h, CONSISTENCY_CAUSAL, pattern, sizeof pattern), CHECK_INVALID);
    assert_string_equal (pattern, "WriteCOInitRead");
    assert_int_equal (s_verdict (h, CONSISTENCY_MONOTONIC_READS, NULL, 0), CHECK_VALID);
    //  A concurrent write read instead may have come after mine: fine
    s_all_valid (W (1, "x", 1) W (2, "x", 2) R (1, "x", 2));
    //  A write older than mine is not: p1 read x=2, wrote x=1, read x=2
    const char *older = W (2, "x", 2) R (1, "x", 2) W (1, "x", 1) R (1, "x", 2);
    assert_int_equal (s_verdict (older, CONSISTENCY_READ_YOUR_WRITES, NULL, 0), CHECK_INVALID);
    assert_int_equal (s_verdict (older, CONSISTENCY_CAUSAL, NULL, 0), CHECK_INVALID);
}

//  Reads going back in time: p2 reads x=2, which p1 wrote after x=1, then
//  x=1 again.
//      p1: w(x)1 w(x)2
//      p2: r(x)2 r(x)1
static void
test_back_in_time (void **state)
{
    (void) state;
    const char *h = W (1, "x", 1) W (1, "x", 2) R (2, "x", 2) R (2, "x", 1);
    char pattern [64];
    assert_int_equal (s_verdict (h, CONSISTENCY_MONOTONIC_READS, NULL, 0), CHECK_INVALID);
    assert_int_equal (s_verdict (h, CONSISTENCY_CAUSAL, pattern, sizeof pattern), CHECK_INVALID);
    assert_string_equal (pattern, "WriteCORead");
    assert_int_equal (s_verdict (h, CONSISTENCY_READ_YOUR_WRITES, NULL, 0), CHECK_VALID);
    //  Back to the initial value after reading a write
    const char *init = W (1, "x", 1) R (2, "x", 1) R (2, "x", null);
    assert_int_equal (s_verdict (init, CONSISTENCY_MONOTONIC_READS, NULL, 0), CHECK_INVALID);
}

//  A value never written.
//      p1: w(x)1
//      p2: r(x)5
static void
test_thin_air (void **state)
{
    (void) state;
    char pattern [64];
    assert_int_equal (s_verdict (W (1, "x", 1) R (2, "x", 5), CONSISTENCY_CAUSAL,
                                 pattern, sizeof pattern), CHECK_INVALID);
    assert_string_equal (pattern, "ThinAirRead");
}

//  Causal order with a cycle: each process reads the other's write before
//  making its own.
//      p1: r(y)1 w(x)1
//      p2: r(x)1 w(y)1
static void
test_cyclic_co (void **state)
{
    (void) state;
    const char *h = R (1, "y", 1) W (1, "x", 1) R (2, "x", 1) W (2, "y", 1);
    char pattern [64];
    assert_int_equal (s_verdict (h, CONSISTENCY_CAUSAL, pattern, sizeof pattern), CHECK_INVALID);
    assert_string_equal (pattern, "CyclicCO");
    //  The session guarantees hold: no process sees anything out of order
    for (int m = CONSISTENCY_READ_YOUR_WRITES; m < CONSISTENCY_COUNT; m++)
        assert_int_equal (s_verdict (h, (consistency_t) m, NULL, 0), CHECK_VALID);
}

//  Causal memory, beyond the CO patterns: a read orders two writes of x
//  in its process's view (happens-before, HB_p), which CO alone does not.
//      p1: w(x)1 w(y)1
//      p2: w(x)2 w(z)1
//      p3: r(y)1 r(x)2 r(z)1 r(x)1
//  p3 read x=2 with x=1 (via y) in its past: x=1 before x=2 in its view;
//  then x=1 with x=2 (via z) in its past: x=2 before x=1. A cycle in HB_p3.
static void
test_cyclic_hb (void **state)
{
    (void) state;
    const char *h = W (1, "x", 1) W (1, "y", 1) W (2, "x", 2) W (2, "z", 1)
                    R (3, "y", 1) R (3, "x", 2) R (3, "z", 1) R (3, "x", 1);
    char pattern [64];
    assert_int_equal (s_verdict (h, CONSISTENCY_CAUSAL, pattern, sizeof pattern), CHECK_INVALID);
    assert_string_equal (pattern, "CyclicHB");
}

//  A read of the initial value that only happens-before rules out.
//      p1: w(z)1 w(x)1 w(y)1
//      p2: w(x)2 w(u)1
//      p3: r(u)1 r(z)- r(y)1 r(x)2
//  p3 reads x=2 with x=1 in its past, so in p3's view z=1, x=1 come
//  before x=2, before u=1, which p3 read before it read z's initial value.
//  No CO pattern: z=1 is not in r(z)-'s causal past.
static void
test_write_hb_init_read (void **state)
{
    (void) state;
    const char *h = W (1, "z", 1) W (1, "x", 1) W (1, "y", 1) W (2, "x", 2) W (2, "u", 1)
                    R (3, "u", 1) R (3, "z", null) R (3, "y", 1) R (3, "x", 2);
    char pattern [64];
    assert_int_equal (s_verdict (h, CONSISTENCY_CAUSAL, pattern, sizeof pattern), CHECK_INVALID);
    assert_string_equal (pattern, "WriteHBInitRead");
    //  Without the last read nothing orders x=1 before x=2
    s_all_valid (W (1, "z", 1) W (1, "x", 1) W (1, "y", 1) W (2, "x", 2) W (2, "u", 1)
                 R (3, "u", 1) R (3, "z", null) R (3, "y", 1));
}

//  info: a write whose answer was lost may have happened; a read of its
//  value says it did.
//      p1: w(x)1? (info)
//      p2: r(x)1 r(x)-
static void
test_info (void **state)
{
    (void) state;
    s_all_valid (WINFO (1, "x", 1) R (2, "x", 1));
    assert_int_equal (s_verdict (WINFO (1, "x", 1) R (2, "x", 1) R (2, "x", null),
                                 CONSISTENCY_CAUSAL, NULL, 0), CHECK_INVALID);
    //  A value written twice: unknown, with the reason
    assert_int_equal (s_verdict (W (1, "x", 1) W (2, "x", 1), CONSISTENCY_CAUSAL, NULL, 0),
                      CHECK_UNKNOWN);
}

//  Jepsen's independent [k v] tuples (no key field), in EDN, initial value
//  0: message passing again, p2 sees y=1 and then x's initial 0.
static void
test_tuples (void **state)
{
    (void) state;
    const char *mp =
        "{:process 0, :type :invoke, :f :write, :value [:x 1]}\n"
        "{:process 0, :type :ok, :f :write, :value [:x 1]}\n"
        "{:process 0, :type :invoke, :f :write, :value [:y 1]}\n"
        "{:process 0, :type :ok, :f :write, :value [:y 1]}\n"
        "{:process 1, :type :invoke, :f :read, :value [:y nil]}\n"
        "{:process 1, :type :ok, :f :read, :value [:y 1]}\n"
        "{:process 1, :type :invoke, :f :read, :value [:x nil]}\n"
        "{:process 1, :type :ok, :f :read, :value [:x 0]}\n";
    char *error = NULL;
    ophistory_t *h = ophistory_parse ("mp.edn", mp, strlen (mp), OPHISTORY_EDN, &error);
    assert_non_null (h);
    consistency_result_t r = causal_check (h, "0");
    assert_int_equal (r.verdict, CHECK_INVALID);
    fprintf (stderr, "# %s\n", json_string_value (json_object_get (r.violation, "chain")));
    consistency_result_release (&r);
    r = session_check (h, "0", CONSISTENCY_READ_YOUR_WRITES);
    assert_int_equal (r.verdict, CHECK_VALID);
    consistency_result_release (&r);
    ophistory_destroy (&h);
}

//  A per-key --init map, JSON or EDN, as the kv model reads it: p0 reads
//  x=0 and y=0, the initial values, and that is causal; x's 0 is no
//  initial value of z (left out: nil), so a read of z=0 is from thin air.
static void
test_init_map (void **state)
{
    (void) state;
    const char *inits [] = { "{\"x\":0,\"y\":0}", "{:x 0 :y 0}" };
    for (int i = 0; i < 2; i++) {
        ophistory_t *h = s_parse (R (0, "x", 0) R (0, "y", 0));
        consistency_result_t r = causal_check (h, inits [i]);
        if (r.verdict != CHECK_VALID)
            fprintf (stderr, "# %s: %s\n", inits [i], r.violation?
                     json_string_value (json_object_get (r.violation, "chain")): r.reason);
        assert_int_equal (r.verdict, CHECK_VALID);
        consistency_result_release (&r);
        for (int m = CONSISTENCY_READ_YOUR_WRITES; m < CONSISTENCY_COUNT; m++) {
            r = session_check (h, inits [i], (consistency_t) m);
            assert_int_equal (r.verdict, CHECK_VALID);
            consistency_result_release (&r);
        }
        ophistory_destroy (&h);
        h = s_parse (R (0, "x", 0) R (0, "z", 0));
        r = causal_check (h, inits [i]);
        assert_int_equal (r.verdict, CHECK_INVALID);
        consistency_result_release (&r);
        ophistory_destroy (&h);
    }
    //  [k v] tuples in EDN, keys keywords
    const char *edn =
        "{:process 0, :type :invoke, :f :read, :value [:x nil]}\n"
        "{:process 0, :type :ok, :f :read, :value [:x 0]}\n";
    char *error = NULL;
    ophistory_t *h = ophistory_parse ("init.edn", edn, strlen (edn), OPHISTORY_EDN, &error);
    assert_non_null (h);
    consistency_result_t r = causal_check (h, "{:x 0}");
    assert_int_equal (r.verdict, CHECK_VALID);
    consistency_result_release (&r);
    ophistory_destroy (&h);
}

//  --------------------------------------------------------------------------
//  Brute force: for each process p, some order of all writes and p's ops
//  that keeps causal order, each read returning the last write to its key.

#define B_OPS 11
#define B_KEYS 3

typedef struct {
    int process, f;         // f: 0 read, 1 write, 2 cas
    int key, value, from;   // write value / cas to; read value / cas from (0 = init)
    int completion;         // 0 ok, 1 fail, 2 info
} bop_t;

typedef struct {
    bop_t ops [B_OPS];
    int n;
    bool co [B_OPS][B_OPS];
    bool kept [B_OPS];      // happened (as far as the checks go)
    bool reads [B_OPS], writes [B_OPS];
} bhist_t;

static void
s_brute_co (bhist_t *h)
{
    memset (h->co, 0, sizeof h->co);
    for (int i = 0; i < h->n; i++) {
        bop_t *a = &h->ops [i];
        h->kept [i] = a->completion == 0 || (a->completion == 2 && a->f != 0);
        h->reads [i] = a->completion == 0 && a->f != 1;
        h->writes [i] = h->kept [i] && a->f != 0;
    }
    for (int i = 0; i < h->n; i++)
        for (int j = i + 1; j < h->n; j++)
            //  Program order: later ops of the process, except after an info
            if (h->kept [i] && h->kept [j] && h->ops [i].process == h->ops [j].process
            &&  h->ops [i].completion == 0)
                h->co [i][j] = true;
    for (int r = 0; r < h->n; r++)
        for (int w = 0; w < h->n; w++)
            if (h->reads [r] && h->writes [w] && w != r && h->ops [w].key == h->ops [r].key
            &&  h->ops [w].value == h->ops [r].from)
                h->co [w][r] = true;
    for (int k = 0; k < h->n; k++)
        for (int i = 0; i < h->n; i++)
            for (int j = 0; j < h->n; j++)
                if (h->co [i][k] && h->co [k][j])
                    h->co [i][j] = true;
}

//  Place the ops of set (bit mask) one by one: any op whose CO-preds in
//  set are placed; a read must return the current value of its key.
static bool
s_brute_place (const bhist_t *h, unsigned set, unsigned placed, int *value)
{
    if (placed == set)
        return true;
    for (int i = 0; i < h->n; i++) {
        if (!(set & (1u << i)) || (placed & (1u << i)))
            continue;
        bool ready = true;
        for (int j = 0; j < h->n && ready; j++)
            if ((set & (1u << j)) && !(placed & (1u << j)) && h->co [j][i])
                ready = false;
        if (!ready)
            continue;
        const bop_t *o = &h->ops [i];
        //  Reads count only for p's own ops (set's reads are p's)
        if (h->reads [i] && value [o->key] != o->from)
            continue;
        int saved = value [o->key];
        if (h->writes [i])
            value [o->key] = o->value;
        if (s_brute_place (h, set, placed | (1u << i), value))
            return true;
        value [o->key] = saved;
    }
    return false;
}

static bool
s_brute_causal (bhist_t *h)
{
    s_brute_co (h);
    for (int i = 0; i < h->n; i++)
        if (h->co [i][i])
            return false;
    for (int p = 0; p < 4; p++) {
        unsigned set = 0;
        for (int i = 0; i < h->n; i++)
            if (h->writes [i] || (h->kept [i] && h->ops [i].process == p))
                set |= 1u << i;
        //  Other processes' reads stay out of p's order: a write's
        //  value read only by p's reads matters, and their CO stays
        bhist_t view = *h;
        for (int i = 0; i < h->n; i++)
            if (h->ops [i].process != p)
                view.reads [i] = false;
        int value [B_KEYS] = { 0 };
        if (!s_brute_place (&view, set, 0, value))
            return false;
    }
    return true;
}

static void
s_say (char **text, size_t *len, const char *format, ...)
{
    char line [256];
    va_list args;
    va_start (args, format);
    int n = vsnprintf (line, sizeof line, format, args);
    va_end (args);
    *text = realloc (*text, *len + (size_t) n + 1);
    memcpy (*text + *len, line, (size_t) n + 1);
    *len += (size_t) n;
}

static char *
s_jsonl (const bhist_t *h)
{
    static const char *fs [] = { "read", "write", "cas" };
    static const char *types [] = { "ok", "fail", "info" };
    char *text = NULL;
    size_t len = 0;
    for (int i = 0; i < h->n; i++) {
        const bop_t *o = &h->ops [i];
        char in [32], out [32];
        if (o->f == 0)
            snprintf (in, sizeof in, "null");
        else
        if (o->f == 1)
            snprintf (in, sizeof in, "%d", o->value);
        else
        if (o->from)
            snprintf (in, sizeof in, "[%d,%d]", o->from, o->value);
        else
            snprintf (in, sizeof in, "[null,%d]", o->value);
        if (o->f == 0 && o->from)
            snprintf (out, sizeof out, "%d", o->from);
        else
            snprintf (out, sizeof out, "%s", o->f == 0? "null": in);
        s_say (&text, &len, "{\"process\":%d,\"type\":\"invoke\",\"f\":\"%s\",\"key\":%d,\"value\":%s}\n",
               o->process, fs [o->f], o->key, in);
        s_say (&text, &len, "{\"process\":%d,\"type\":\"%s\",\"f\":\"%s\",\"key\":%d,\"value\":%s}\n",
               o->process, types [o->completion], fs [o->f], o->key,
               o->completion == 2? "null": out);
    }
    return text;
}

//  A random small history: 2 to 4 processes, writes of fresh values,
//  reads (and cas) of a written value, the initial one, or now and then
//  one never written.
static void
s_random (rng_t *rng, bhist_t *h)
{
    int next_value [B_KEYS] = { 1, 1, 1 };
    int procs = 2 + (int) rng_below (rng, 3);
    h->n = 3 + (int) rng_below (rng, B_OPS - 2);
    for (int i = 0; i < h->n; i++) {
        bop_t *o = &h->ops [i];
        //  Half the time, a read of the latest value so far: histories
        //  that are often valid
        bool latest = rng_chance (rng, 0.5);
        o->process = (int) rng_below (rng, (uint64_t) procs);
        o->f = (int) rng_below (rng, 5);
        o->f = o->f < 2? 0: o->f < 4? 1: 2;
        o->key = (int) rng_below (rng, B_KEYS);
        o->from = latest? next_value [o->key] - 1: (int) rng_below (rng, 4);
        o->value = next_value [o->key]++;
        o->completion = rng_chance (rng, 0.1)? 1: rng_chance (rng, 0.1)? 2: 0;
    }
    //  A read of a value after the last written is thin air; rarely
    for (int i = 0; i < h->n; i++)
        if (h->ops [i].from >= next_value [h->ops [i].key] && !rng_chance (rng, 0.02))
            h->ops [i].from = (int) rng_below (rng, (uint64_t) next_value [h->ops [i].key]);
}

static void
test_brute_force (void **state)
{
    (void) state;
    rng_t rng;
    rng_init (&rng, 20261202);
    int valid = 0, invalid = 0, hb = 0;
    for (int t = 0; t < 40000; t++) {
        bhist_t h;
        s_random (&rng, &h);
        char *text = s_jsonl (&h);
        ophistory_t *history = s_parse (text);
        consistency_result_t r = causal_check (history, NULL);
        bool brute = s_brute_causal (&h);
        if ((r.verdict == CHECK_VALID) != brute || r.verdict == CHECK_UNKNOWN) {
            fprintf (stderr, "# history %d: causal_check %d, brute force %s%s%s\n%s", t,
                     r.verdict, brute? "valid": "invalid", r.reason? ": ": "",
                     r.reason? r.reason: "", text);
            if (r.violation)
                fprintf (stderr, "# %s\n", json_string_value (json_object_get (r.violation, "chain")));
        }
        assert_int_equal (r.verdict == CHECK_VALID, brute);
        //  Causal memory implies each session guarantee
        for (int m = CONSISTENCY_READ_YOUR_WRITES; brute && m < CONSISTENCY_COUNT; m++) {
            consistency_result_t s = session_check (history, NULL, (consistency_t) m);
            if (s.verdict != CHECK_VALID)
                fprintf (stderr, "# history %d: causal but not %s: %s\n%s", t,
                         consistency_name ((consistency_t) m), s.violation?
                         json_string_value (json_object_get (s.violation, "chain")): s.reason, text);
            assert_int_equal (s.verdict, CHECK_VALID);
            consistency_result_release (&s);
        }
        brute? valid++: invalid++;
        const char *pattern = r.violation? json_string_value (json_object_get (r.violation, "pattern")): "";
        hb += strcmp (pattern, "CyclicHB") == 0 || strcmp (pattern, "WriteHBInitRead") == 0;
        consistency_result_release (&r);
        ophistory_destroy (&history);
        free (text);
    }
    fprintf (stderr, "# brute force: %d valid, %d invalid (%d by a happens-before pattern)\n",
             valid, invalid, hb);
    assert_true (valid > 5000 && invalid > 5000 && hb >= 5);
}

//  --------------------------------------------------------------------------
//  At scale: a generated linearizable history (bench/causal.c's shape,
//  smaller) is causal and keeps every session guarantee; the same with one
//  read of a process's own earlier write turned into a read of the
//  initial value is not (WriteCOInitRead, and not read-your-writes).

typedef struct {
    int process, f, key, value, result;     // f 0 read, 1 write
    long call, ret;
} gop_t;

static char *
s_generated (int nops, int keys, uint64_t seed, bool inject)
{
    rng_t rng;
    rng_init (&rng, seed);
    gop_t *ops = calloc ((size_t) nops, sizeof (gop_t));
    int store [16], next [16];
    for (int k = 0; k < keys; k++)
        store [k] = 0, next [k] = 1;
    //  Ten clients; each op takes effect at a random moment inside its
    //  interval: the event order is call, effect, ret
    int busy [10], stage [10];
    for (int p = 0; p < 10; p++)
        busy [p] = -1, stage [p] = 0;
    long events = 0;
    int started = 0, done = 0;
    while (done < nops) {
        int p = (int) rng_below (&rng, 10);
        if (busy [p] < 0) {
            if (started == nops)
                continue;
            gop_t *o = &ops [started];
            *o = (gop_t) { p, (int) rng_below (&rng, 2), (int) rng_below (&rng, (uint64_t) keys), 0, 0,
                           events++, 0 };
            if (o->f == 1)
                o->value = next [o->key]++;
            busy [p] = started++;
            stage [p] = 0;
        }
        else
        if (stage [p] == 0) {
            gop_t *o = &ops [busy [p]];
            if (o->f == 0)
                o->result = store [o->key];
            else
                store [o->key] = o->value;
            stage [p] = 1;
        }
        else {
            ops [busy [p]].ret = events++;
            busy [p] = -1;
            done++;
        }
    }
    //  The fault: the last read of a key its process wrote before it
    for (int i = nops - 1; inject && i >= 0; i--) {
        bool wrote = false;
        for (int j = 0; j < i && !wrote && ops [i].f == 0 && ops [i].result; j++)
            wrote = ops [j].process == ops [i].process && ops [j].f == 1 && ops [j].key == ops [i].key;
        if (wrote) {
            ops [i].result = 0;
            break;
        }
    }
    //  Events in order: calls and rets by their positions
    char *text = NULL;
    size_t len = 0;
    for (long e = 0; e < events; e++)
        for (int i = 0; i < nops; i++) {
            gop_t *o = &ops [i];
            if (o->call != e && o->ret != e)
                continue;
            bool ret = o->ret == e;
            char value [24];
            snprintf (value, sizeof value, "%d", o->f? o->value: o->result);
            s_say (&text, &len, "{\"process\":%d,\"type\":\"%s\",\"f\":\"%s\",\"key\":%d,\"value\":%s}\n",
                   o->process, ret? "ok": "invoke", o->f? "write": "read", o->key,
                   o->f? value: ret && o->result? value: "null");
            break;
        }
    free (ops);
    return text;
}

static void
test_generated (void **state)
{
    (void) state;
    char *text = s_generated (3000, 4, 7, false);
    s_all_valid (text);
    free (text);
    text = s_generated (3000, 4, 7, true);
    char pattern [64];
    assert_int_equal (s_verdict (text, CONSISTENCY_CAUSAL, pattern, sizeof pattern), CHECK_INVALID);
    assert_string_equal (pattern, "WriteCOInitRead");
    assert_int_equal (s_verdict (text, CONSISTENCY_READ_YOUR_WRITES, NULL, 0), CHECK_INVALID);
    free (text);
}

int
main (void)
{
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_store_buffering),
        cmocka_unit_test (test_iriw),
        cmocka_unit_test (test_message_passing),
        cmocka_unit_test (test_writes_follow_reads),
        cmocka_unit_test (test_stale_read),
        cmocka_unit_test (test_own_write),
        cmocka_unit_test (test_back_in_time),
        cmocka_unit_test (test_thin_air),
        cmocka_unit_test (test_cyclic_co),
        cmocka_unit_test (test_cyclic_hb),
        cmocka_unit_test (test_write_hb_init_read),
        cmocka_unit_test (test_info),
        cmocka_unit_test (test_tuples),
        cmocka_unit_test (test_init_map),
        cmocka_unit_test (test_brute_force),
        cmocka_unit_test (test_generated),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
