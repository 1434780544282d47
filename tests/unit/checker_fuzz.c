/*  checker_fuzz.c -- the readers on damaged input: flipped bytes, cut
    lines, stray brackets and quotes, in each format. Every input must give
    either a verdict or an error naming file and line; never a crash, a hang
    or a leak (run it under `make asan`). Every history a reader accepts
    must survive ophistory_write_edn: read back as EDN it has the same ops,
    an EDN source keeps its verdict, and writing it again gives the same
    bytes. Seeded, so a failure replays.
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
#include "../../checker/ophistory.h"
#include "../../checker/model.h"
#include "../../checker/wgl.h"
#include "../../checker/edn.h"

static const char *s_jsonl =
    "{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"a\",\"value\":1}\n"
    "{\"process\":1,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"a\",\"value\":[1,2]}\n"
    "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":\"a\",\"value\":1}\n"
    "{\"process\":1,\"type\":\"fail\",\"f\":\"cas\",\"key\":\"a\",\"value\":[1,2],\"error\":22}\n"
    "{\"process\":2,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"a\",\"value\":null}\n"
    "{\"process\":2,\"type\":\"info\",\"f\":\"read\",\"key\":\"a\",\"value\":null}\n"
    "{\"process\":3,\"type\":\"invoke\",\"f\":\"append\",\"key\":\"b\",\"value\":\"x\\\"y\"}\n";

static const char *s_edn =
    "; a comment\n[{:process 0, :type :invoke, :f :txn, :value [[:write :x 1] [:read :y nil]]}\n"
    " {:process 0, :type :ok, :f :txn, :value [[:write :x 1] [:read :y 0]], :time 12}\n"
    " {:process :nemesis, :type :info, :f :start, :value \"cut #{:n1}\"}\n"
    " {:process 1, :type :invoke, :f :txn, :value [[:read :x nil]]}\n"
    " #_ {:ignored true}\n"
    " {:process 1, :type :ok, :f :txn, :value [[:read :x 1]]}]\n";

static const char *s_log =
    "INFO  jepsen.util - 0\t:invoke\t:write\t1\n"
    "INFO  jepsen.util - 0\t:ok\t:write\t1\n"
    "INFO  jepsen.util - 1\t:invoke\t:cas\t[1 2]\n"
    "INFO  jepsen.util - 1\t:fail\t:cas\t[1 2]\n"
    "INFO  jepsen.util - 2\t:invoke\t:read\tnil\n"
    "INFO  jepsen.util - 2\t:fail\t:read\t:timed-out\n"
    "INFO  jepsen.util - 3\t:invoke\t:read\tnil\n"
    "INFO  jepsen.util - 3\t:ok\t:read\t2\n";

static const char *s_others =
    "{\"process\":0,\"type\":\"invoke\",\"f\":\"add\",\"value\":1}\n"
    "{\"process\":0,\"type\":\"ok\",\"f\":\"add\",\"value\":1}\n"
    "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n"
    "{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"value\":[1]}\n"
    "{\"process\":2,\"type\":\"invoke\",\"f\":\"add\",\"value\":2}\n";

static const char *s_queue =
    "{\"process\":0,\"type\":\"invoke\",\"f\":\"enqueue\",\"value\":1}\n"
    "{\"process\":0,\"type\":\"ok\",\"f\":\"enqueue\",\"value\":1}\n"
    "{\"process\":1,\"type\":\"invoke\",\"f\":\"dequeue\",\"value\":null}\n"
    "{\"process\":1,\"type\":\"ok\",\"f\":\"dequeue\",\"value\":1}\n"
    "{\"process\":2,\"type\":\"invoke\",\"f\":\"dequeue\",\"value\":null}\n";

//  Damage a copy of text: a few random edits of typical kinds.
static size_t
s_damage (rng_t *rng, const char *text, char *buf, size_t size)
{
    size_t len = strlen (text);
    assert_true (len < size);
    memcpy (buf, text, len + 1);
    int edits = 1 + (int) rng_below (rng, 4);
    static const char junk [] = "[]{}()\":;#\\ \n,nil-0123456789e.:";
    for (int e = 0; e < edits && len > 0; e++) {
        size_t at = rng_below (rng, len);
        switch (rng_below (rng, 4)) {
            case 0:     // replace a byte
                buf [at] = junk [rng_below (rng, sizeof (junk) - 1)];
                break;
            case 1:     // cut here
                len = at;
                break;
            case 2:     // delete a byte
                memmove (buf + at, buf + at + 1, len - at);
                len--;
                break;
            default:    // insert a byte
                if (len + 1 < size) {
                    memmove (buf + at + 1, buf + at, len - at);
                    buf [at] = junk [rng_below (rng, sizeof (junk) - 1)];
                    len++;
                }
        }
        buf [len] = 0;
    }
    return len;
}

//  The verdict of a whole history: invalid if any partition is, else valid
//  (the budget is big enough for these small histories: never unknown).
static wgl_verdict_t
s_verdict (const ophistory_t *h, const char *model, bool *compiled)
{
    char *error = NULL;
    size_t nparts;
    model_part_t **parts = model_partition (h, model_parse (model), NULL, "f.txt",
                                            &nparts, &error);
    *compiled = parts != NULL;
    if (!parts) {
        assert_true (strncmp (error, "f.txt:", 6) == 0);
        free (error);
        return WGL_VALID;
    }
    wgl_verdict_t verdict = WGL_VALID;
    for (size_t p = 0; p < nparts; p++) {
        wgl_budget_t budget = { .memory_bytes = 64 << 20 };
        wgl_result_t result;
        wgl_check (parts [p], &budget, &result);
        assert_int_not_equal (result.verdict, WGL_UNKNOWN);
        if (result.verdict == WGL_INVALID)
            verdict = WGL_INVALID;
        wgl_result_release (&result);
    }
    model_parts_destroy (&parts, nparts);
    return verdict;
}

//  Two json_t that may be NULL are equal.
static bool
s_same_json (json_t *a, json_t *b)
{
    return (!a && !b) || (a && b && json_equal (a, b));
}

//  The history as EDN text (malloc'd), via ophistory_write_edn.
static char *
s_edn_text (const ophistory_t *h, size_t *len)
{
    char *text = NULL;
    FILE *out = open_memstream (&text, len);
    assert_non_null (out);
    assert_int_equal (ophistory_write_edn (h, out), 0);
    fclose (out);
    return text;
}

//  h written as EDN and read back: the same ops in the same places, and the
//  text a fixed point. Returns the history read back (caller destroys).
static ophistory_t *
s_round_trip (const ophistory_t *h, const char *source)
{
    size_t len;
    char *text = s_edn_text (h, &len);
    char *error = NULL;
    ophistory_t *back = ophistory_parse ("back.edn", text, len, OPHISTORY_EDN, &error);
    if (!back)
        fail_msg ("round trip of %s: %s\n--- written:\n%s", source, error, text);
    assert_int_equal (ophistory_size (back), ophistory_size (h));
    for (size_t i = 0; i < ophistory_size (h); i++) {
        const op_t *a = ophistory_op (h, i), *b = ophistory_op (back, i);
        const char *name_a = ophistory_process_name (h, a->process);
        const char *name_b = ophistory_process_name (back, b->process);
        if (name_a || name_b)
            assert_true (name_a && name_b && strcmp (name_a, name_b) == 0);
        else
            assert_int_equal (a->process, b->process);
        assert_string_equal (a->f, b->f);
        assert_int_equal (a->type, b->type);
        assert_int_equal (a->call, b->call);
        assert_int_equal (a->ret, b->ret);
        assert_int_equal (a->done, b->done);
        if (!s_same_json (a->key, b->key) || !s_same_json (a->in, b->in)
        ||  !s_same_json (a->out, b->out) || !s_same_json (a->error, b->error))
            fail_msg ("round trip of %s changed op %zu\n--- written:\n%s", source, i, text);
    }
    size_t len2;
    char *text2 = s_edn_text (back, &len2);
    assert_int_equal (len2, len);
    assert_memory_equal (text2, text, len);
    free (text2);
    free (text);
    return back;
}

static void
s_fuzz (const char *text, int format, const char *model, uint64_t seed, int count)
{
    rng_t rng;
    rng_init (&rng, seed);
    int verdicts = 0, errors = 0, trips = 0;
    for (int i = 0; i < count; i++) {
        char buf [4096];
        size_t len = s_damage (&rng, text, buf, sizeof (buf));
        char *error = NULL;
        ophistory_t *h = ophistory_parse ("f.txt", buf, len, format, &error);
        if (!h) {
            assert_non_null (error);
            assert_true (strncmp (error, "f.txt:", 6) == 0);
            free (error);
            errors++;
            continue;
        }
        ophistory_t *back = s_round_trip (h, buf);
        trips++;
        bool compiled, compiled_back;
        wgl_verdict_t verdict = s_verdict (h, model, &compiled);
        wgl_verdict_t verdict_back = s_verdict (back, model, &compiled_back);
        verdicts += compiled;
        errors += !compiled;
        //  Only EDN means the same after the trip: a JSONL or log fail of a
        //  cas ran, an EDN one did not (see ophistory_op_outcome)
        if (format == OPHISTORY_EDN) {
            assert_int_equal (compiled_back, compiled);
            assert_int_equal (verdict_back, verdict);
        }
        ophistory_destroy (&back);
        ophistory_destroy (&h);
    }
    printf ("# %d damaged inputs: %d checked, %d rejected with file:line, %d round trips\n",
            count, verdicts, errors, trips);
    assert_true (errors > 0);
    assert_true (trips > 0);
}

static void test_jsonl (void **state) { (void) state; s_fuzz (s_jsonl, OPHISTORY_JSONL, "kv", 31, 4000); }
static void test_edn (void **state) { (void) state; s_fuzz (s_edn, OPHISTORY_EDN, "multi-register", 32, 4000); }
static void test_set (void **state) { (void) state; s_fuzz (s_others, OPHISTORY_JSONL, "set", 35, 2000); }
static void test_counter (void **state) { (void) state; s_fuzz (s_others, OPHISTORY_JSONL, "counter", 36, 2000); }
static void test_queue (void **state) { (void) state; s_fuzz (s_queue, OPHISTORY_JSONL, "queue", 37, 2000); }
static void test_log (void **state) { (void) state; s_fuzz (s_log, OPHISTORY_JEPSEN_LOG, "cas-register", 33, 4000); }

static void
test_edn_values (void **state)
{
    (void) state;
    rng_t rng;
    rng_init (&rng, 34);
    const char *text = "{:a [1 -2.5e3 \"s\\u00e9\\\\\" nil true #{:k} (x y) {\"k\" [[]]}] :b \\c}";
    for (int i = 0; i < 4000; i++) {
        char buf [512];
        s_damage (&rng, text, buf, sizeof (buf));
        json_t *v = edn_parse_text (buf);
        json_decref (v);
    }
}

int
main (void)
{
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_jsonl),
        cmocka_unit_test (test_edn),
        cmocka_unit_test (test_log),
        cmocka_unit_test (test_set),
        cmocka_unit_test (test_counter),
        cmocka_unit_test (test_queue),
        cmocka_unit_test (test_edn_values),
    };
    return cmocka_run_group_tests_name ("checker_fuzz", tests, NULL, NULL);
}
