/*  checker_fuzz.c -- the readers on damaged input: flipped bytes, cut
    lines, stray brackets and quotes, in each format. Every input must give
    either a verdict or an error naming file and line; never a crash, a hang
    or a leak (run it under `make asan`). Seeded, so a failure replays.
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

static void
s_fuzz (const char *text, int format, const char *model, uint64_t seed, int count)
{
    rng_t rng;
    rng_init (&rng, seed);
    int verdicts = 0, errors = 0;
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
        size_t nparts;
        model_part_t **parts = model_partition (h, model_parse (model), NULL, "f.txt",
                                                &nparts, &error);
        if (!parts) {
            assert_true (strncmp (error, "f.txt:", 6) == 0);
            free (error);
            errors++;
        }
        for (size_t p = 0; parts && p < nparts; p++) {
            wgl_budget_t budget = { .memory_bytes = 64 << 20 };
            wgl_result_t result;
            wgl_check (parts [p], &budget, &result);
            assert_int_not_equal (result.verdict, WGL_UNKNOWN);
            wgl_result_release (&result);
            verdicts++;
        }
        model_parts_destroy (&parts, nparts);
        ophistory_destroy (&h);
    }
    printf ("# %d damaged inputs: %d checked, %d rejected with file:line\n",
            count, verdicts, errors);
    assert_true (errors > 0);
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
