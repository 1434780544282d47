/*  workload_workloads.c -- every workload of the table (workload_at)
    against Maelstrom's facts (MAELSTROM.md sections 1 and 3), written
    down here a second time so that the workload files are checked
    against them, not against themselves:

    - one seed draws the same ops and the same request bodies, twice;
    - each op's request is exactly Maelstrom's body ("echo", "message",
      "element", "delta", lin-kv's key / value / from / to, kafka's key /
      msg, offsets, keys, the txn), and each op is what the history
      records (docs/workloads.md);
    - an error reply is fail when its code is definite or the op's f is
      idempotent, else info; g-set's and the counters' are always info
      (their Maelstrom clients map no errors);
    - a reply of the wrong type is info with the reason; a reply with an
      extra key, a missing field, a field of the wrong type, or a msg_id
      or in_reply_to that is not an integer is info "malformed RPC
      response: ..." naming the key;
    - a timeout is fail with code 0 for idempotent ops, else info;
    - Maelstrom's topologies (grid, line, tree, tree3, total) on 1, 2, 5
      and 9 nodes, and the counters' deltas.

    A workload added to the table without its facts here fails these
    tests by name ("add its Maelstrom facts"): the table and this file
    grow together.
*/
#include "tap.h"
#include <string.h>
#include <jansson.h>
#include "../../workload/workload.h"

#define S_DRAWS 2000                //  ops drawn per workload and test

//  --------------------------------------------------------------------------
//  Maelstrom's facts, per workload (MAELSTROM.md section 3)

typedef struct {
    const char *workload;
    const char *idempotent;         //  f names, space-separated
    bool errors_mapped;             //  with-errors: definite codes fail
    bool final_reads;
    bool topology;
} s_facts_t;

static const s_facts_t s_facts [] = {
    { "echo",       "",     true,  false, false },
    { "unique-ids", "",     true,  false, false },
    { "broadcast",  "read", true,  true,  true  },
    { "g-set",      "",     false, true,  false },
    { "g-counter",  "",     false, true,  false },
    { "pn-counter", "",     false, true,  false },
    { "lin-kv",     "read", true,  false, false },
    { "kafka",      "list_committed_offsets", true, true, false },
    { "txn-list-append", "", true, false, false },
    { "txn-rw-register", "", true, false, false },
};

//  One RPC: the op's f, the request's field for the op's value (NULL:
//  none, or lin-kv's own), the reply type and its one field and type.
typedef struct {
    const char *workload;
    const char *f;
    const char *request_field;
    const char *reply;
    const char *field;              //  NULL: the reply has only type etc.
    const char *type;               //  "any", "int", "array"
} s_rpc_t;

static const s_rpc_t s_rpcs [] = {
    { "echo",       "echo",      "echo",    "echo_ok",      "echo",     "any"   },
    { "unique-ids", "generate",  NULL,      "generate_ok",  "id",       "any"   },
    { "broadcast",  "broadcast", "message", "broadcast_ok", NULL,       NULL    },
    { "broadcast",  "read",      NULL,      "read_ok",      "messages", "array" },
    { "g-set",      "add",       "element", "add_ok",       NULL,       NULL    },
    { "g-set",      "read",      NULL,      "read_ok",      "value",    "array" },
    { "g-counter",  "add",       "delta",   "add_ok",       NULL,       NULL    },
    { "g-counter",  "read",      NULL,      "read_ok",      "value",    "int"   },
    { "pn-counter", "add",       "delta",   "add_ok",       NULL,       NULL    },
    { "pn-counter", "read",      NULL,      "read_ok",      "value",    "int"   },
    { "lin-kv",     "read",      NULL,      "read_ok",      "value",    "any"   },
    { "lin-kv",     "write",     NULL,      "write_ok",     NULL,       NULL    },
    { "lin-kv",     "cas",       NULL,      "cas_ok",       NULL,       NULL    },
    { "kafka",      "send",      NULL,      "send_ok",      "offset",   "int"   },
    { "kafka",      "poll",      "offsets", "poll_ok",      "msgs",     "object" },
    { "kafka",      "commit_offsets", "offsets", "commit_offsets_ok", NULL, NULL },
    { "kafka",      "list_committed_offsets", "keys", "list_committed_offsets_ok", "offsets",
                    "object" },
    { "txn-list-append", "txn",  "txn",     "txn_ok",       "txn",      "array" },
    { "txn-rw-register", "txn",  "txn",     "txn_ok",       "txn",      "array" },
};
#define S_RPCS (sizeof s_rpcs / sizeof s_rpcs [0])

static const s_facts_t *
s_facts_of (const workload_t *w)
{
    for (size_t i = 0; i < sizeof s_facts / sizeof s_facts [0]; i++)
        if (strcmp (s_facts [i].workload, w->name) == 0)
            return &s_facts [i];
    fail_msg ("workload '%s' is in the table but not here: add its Maelstrom facts", w->name);
    return NULL;
}

static const s_rpc_t *
s_rpc_of (const workload_t *w, const char *f)
{
    for (size_t i = 0; i < S_RPCS; i++)
        if (strcmp (s_rpcs [i].workload, w->name) == 0 && f && strcmp (s_rpcs [i].f, f) == 0)
            return &s_rpcs [i];
    fail_msg ("workload '%s' op '%s' has no Maelstrom RPC here", w->name, f? f: "(none)");
    return NULL;
}

static bool
s_word_in (const char *list, const char *word)
{
    char copy [128];
    snprintf (copy, sizeof copy, "%s", list);
    char *save = NULL;
    for (char *at = strtok_r (copy, " ", &save); at; at = strtok_r (NULL, " ", &save))
        if (strcmp (at, word) == 0)
            return true;
    return false;
}

static const char *
s_f (const json_t *op)
{
    return json_string_value (json_object_get (op, "f"));
}

static char *
s_text (const json_t *value)
{
    return json_dumps (value, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

static void
s_assert_json (const json_t *got, const json_t *want, const char *what)
{
    if (!json_equal ((json_t *) got, (json_t *) want)) {
        char *a = s_text (got), *b = s_text (want);
        fail_msg ("%s: got %s, want %s", what, a? a: "NULL", b? b: "NULL");
    }
}

static workload_ctx_t
s_ctx (uint64_t seed, int client)
{
    return (workload_ctx_t) { .seed = seed, .client = client, .clients = 3, .nodes = 5,
                              .keys = 4 };
}

static const s_rpc_t *s_rpc_of (const workload_t *w, const char *f);

//  A value of another type than TYPE.
static const char *
s_wrong (const char *type)
{
    return strcmp (type, "int") == 0? "[1]": "5";
}

//  A well-formed value for the reply field of RPC to op (new reference):
//  what a correct node could answer. By type, or what the workload holds
//  the reply to beyond its type: kafka's poll_ok has a message at each
//  offset asked, list_committed_offsets_ok an offset for each key asked;
//  txn_ok is the request's txn (a read of null is a read).
static json_t *
s_sample (const workload_t *w, const json_t *op, const s_rpc_t *rpc)
{
    json_t *value = json_object_get (op, "value");
    if (strncmp (w->name, "txn-", 4) == 0)
        return json_deep_copy (value);
    if (strcmp (w->name, "kafka") == 0 && strcmp (rpc->f, "poll") == 0) {
        json_t *msgs = json_object ();
        const char *key;
        json_t *offset;
        json_object_foreach (value, key, offset)
            json_object_set_new (msgs, key, json_pack ("[[O, i]]", offset, 1));
        return msgs;
    }
    if (strcmp (w->name, "kafka") == 0 && strcmp (rpc->f, "list_committed_offsets") == 0) {
        json_t *offsets = json_object ();
        size_t i;
        json_t *key;
        json_array_foreach (value, i, key)
            json_object_set_new (offsets, json_string_value (key), json_integer (0));
        return offsets;
    }
    const char *type = rpc->type;
    return strcmp (type, "int") == 0? json_integer (3): strcmp (type, "array") == 0?
           json_pack ("[i, i]", 1, 2): strcmp (type, "object") == 0? json_object ():
           json_integer (4);
}

static char *s_text (const json_t *value);

//  The same as JSON text (freed by the caller).
static char *
s_sample_text (const workload_t *w, const json_t *op, const s_rpc_t *rpc)
{
    json_t *value = s_sample (w, op, rpc);
    char *text = s_text (value);
    json_decref (value);
    return text;
}

//  Answer op with a well-formed reply, so that the generator learns from
//  it as from a node (lin-kv's cas needs a value seen or written first,
//  kafka's commit a poll that returned messages).
static void
s_answer_ok (const workload_t *w, void *gen, const json_t *op)
{
    const s_rpc_t *rpc = s_rpc_of (w, s_f (op));
    json_t *body = json_pack ("{s:s, s:i}", "type", rpc->reply, "in_reply_to", 1);
    if (rpc->field)
        json_object_set_new (body, rpc->field, s_sample (w, op, rpc));
    workload_outcome_t outcome = workload_reply (w, gen, op, body);
    if (outcome.result != WORKLOAD_OK)
        fail_msg ("%s: a well-formed %s is not ok: %s", w->name, rpc->reply, outcome.why);
    json_decref (outcome.value);
    json_decref (body);
}

//  The next op of gen whose f is F (drawn, so that a workload that keeps
//  the op in flight in its generator, as lin-kv does, answers for it);
//  the ops before it are answered ok.
static json_t *
s_op_for (const workload_t *w, void *gen, const char *f)
{
    for (int i = 0; i < S_DRAWS; i++) {
        json_t *op = workload_next (w, gen);
        if (strcmp (s_f (op), f) == 0)
            return op;
        s_answer_ok (w, gen, op);
        json_decref (op);
    }
    fail_msg ("workload '%s' drew no '%s' in %d ops", w->name, f, S_DRAWS);
    return NULL;
}

//  --------------------------------------------------------------------------
//  The table

//  Every workload has its facts here, its RPCs are exactly Maelstrom's,
//  and its flags say what Maelstrom does.
static void
test_table_is_maelstrom (void **state)
{
    (void) state;
    assert_true (workload_count () >= sizeof s_facts / sizeof s_facts [0]);
    for (size_t i = 0; i < workload_count (); i++) {
        const workload_t *w = workload_at (i);
        const s_facts_t *facts = s_facts_of (w);
        assert_ptr_equal (workload_lookup (w->name), w);
        assert_int_equal (w->final_reads, facts->final_reads);
        assert_int_equal (w->topology, facts->topology);
        assert_int_equal (w->errors_indefinite, !facts->errors_mapped);
        size_t rpcs = 0;
        for (const workload_rpc_t *rpc = w->rpcs; rpc->f; rpc++, rpcs++) {
            const s_rpc_t *want = s_rpc_of (w, rpc->f);
            assert_string_equal (rpc->reply, want->reply);
            assert_int_equal (workload_idempotent (w, rpc->f),
                              s_word_in (facts->idempotent, rpc->f));
        }
        size_t want_rpcs = 0;
        for (size_t r = 0; r < S_RPCS; r++)
            want_rpcs += strcmp (s_rpcs [r].workload, w->name) == 0;
        assert_int_equal (rpcs, want_rpcs);
        assert_null (workload_rpc (w, "no-such-op"));
        assert_false (workload_idempotent (w, "no-such-op"));
    }
    //  Maelstrom's definite codes (section 1), and nothing else.
    for (int code = -1; code <= 1100; code++) {
        bool definite = code == 1 || code == 10 || code == 11 || code == 12 || code == 14
                     || code == 20 || code == 21 || code == 22 || code == 30;
        assert_int_equal (workload_error_definite (code), definite);
    }
}

//  --------------------------------------------------------------------------
//  Generators and requests

//  Two generators on one seed and client draw the same ops and requests;
//  another seed draws others (for a workload whose ops vary at all).
static void
test_same_seed_same_ops (void **state)
{
    (void) state;
    for (size_t i = 0; i < workload_count (); i++) {
        const workload_t *w = workload_at (i);
        workload_ctx_t ctx = s_ctx (42, 2), other = s_ctx (43, 2);
        void *a = workload_gen_new (w, &ctx), *b = workload_gen_new (w, &ctx);
        void *c = workload_gen_new (w, &other);
        json_t *first = NULL;
        bool varies = false, differs = false;
        for (int n = 0; n < 500; n++) {
            json_t *x = workload_next (w, a), *y = workload_next (w, b);
            json_t *z = workload_next (w, c);
            s_assert_json (x, y, w->name);
            json_t *rx = workload_request (w, a, x, n + 1);
            json_t *ry = workload_request (w, b, y, n + 1);
            s_assert_json (rx, ry, w->name);
            if (!first)
                first = json_incref (x);
            varies |= !json_equal (first, x);
            differs |= !json_equal (x, z);
            json_decref (rx);
            json_decref (ry);
            json_decref (x);
            json_decref (y);
            json_decref (z);
        }
        if (varies && !differs)
            fail_msg ("%s: seeds 42 and 43 drew the same 500 ops", w->name);
        json_decref (first);
        workload_gen_destroy (w, &a);
        workload_gen_destroy (w, &b);
        workload_gen_destroy (w, &c);
        assert_null (a);
    }
}

//  The op as the history records it (the preamble's event shapes).
static void
s_check_op (const workload_t *w, const json_t *op)
{
    const char *f = s_f (op);
    json_t *value = json_object_get (op, "value");
    assert_non_null (value);
    char *text = s_text (op);
    bool read = f && strcmp (f, "read") == 0;
    if (strcmp (w->name, "echo") == 0) {
        int n = -1;
        char tail = 0;
        assert_true (json_is_string (value));
        if (sscanf (json_string_value (value), "Please echo %d%c", &n, &tail) != 1
        ||  n < 0 || n > 127)
            fail_msg ("echo op %s is not \"Please echo 0..127\"", text);
    }
    else
    if (strcmp (w->name, "unique-ids") == 0)
        assert_true (json_is_null (value));
    else
    if (strcmp (w->name, "lin-kv") == 0) {
        assert_true (json_is_string (json_object_get (op, "key")));
        if (read)
            assert_true (json_is_null (value));
        else
        if (strcmp (f, "write") == 0)
            assert_true (json_is_integer (value));
        else
            assert_true (json_is_array (value) && json_array_size (value) == 2);
    }
    else
    if (strcmp (w->name, "kafka") == 0) {
        if (strcmp (f, "send") == 0)
            assert_true (json_is_string (json_object_get (op, "key"))
                      && json_is_integer (value));
        else
        if (strcmp (f, "list_committed_offsets") == 0) {
            size_t i;
            json_t *key;
            assert_true (json_is_array (value) && json_array_size (value) > 0);
            json_array_foreach (value, i, key)
                assert_true (json_is_string (key));
        }
        else {
            const char *key;
            json_t *offset;
            assert_true (json_is_object (value));
            json_object_foreach (value, key, offset)
                assert_true (json_is_integer (offset) && json_integer_value (offset) >= 0);
        }
    }
    else
    if (strncmp (w->name, "txn-", 4) == 0) {
        const char *write = strcmp (w->name, "txn-list-append") == 0? "append": "w";
        assert_true (json_is_array (value));
        assert_true (json_array_size (value) >= 1 && json_array_size (value) <= 4);
        size_t i;
        json_t *mop;
        json_array_foreach (value, i, mop) {
            const char *mf = json_string_value (json_array_get (mop, 0));
            assert_int_equal (json_array_size (mop), 3);
            assert_non_null (mf);
            assert_true (json_is_integer (json_array_get (mop, 1)));
            if (strcmp (mf, "r") == 0)
                assert_true (json_is_null (json_array_get (mop, 2)));
            else
            if (strcmp (mf, write) == 0)
                assert_true (json_is_integer (json_array_get (mop, 2)));
            else
                fail_msg ("%s op %s: micro-op '%s'", w->name, text, mf);
        }
    }
    else
        //  broadcast, g-set, counters: an int, or a read of null.
        if (read? !json_is_null (value): !json_is_integer (value))
            fail_msg ("%s op %s: value should be %s", w->name, text, read? "null": "an int");
    free (text);
}

//  The body Maelstrom sends for op (MAELSTROM.md section 3).
static json_t *
s_maelstrom_body (const workload_t *w, const json_t *op, int64_t msg_id)
{
    const char *f = s_f (op);
    const s_rpc_t *rpc = s_rpc_of (w, f);
    json_t *value = json_object_get (op, "value");
    json_t *body = json_pack ("{s:s, s:I}", "type", f, "msg_id", (json_int_t) msg_id);
    if (rpc->request_field)
        json_object_set (body, rpc->request_field, value);
    if (strcmp (w->name, "kafka") == 0 && strcmp (f, "send") == 0) {
        //  Keys are strings, as in the history.
        json_object_set (body, "key", json_object_get (op, "key"));
        json_object_set (body, "msg", value);
    }
    if (strcmp (w->name, "lin-kv") == 0) {
        //  Keys are ints on the wire, strings in the history (Jepsen's
        //  independent keys).
        const char *key = json_string_value (json_object_get (op, "key"));
        json_object_set_new (body, "key", json_integer (atoi (key)));
        if (strcmp (f, "write") == 0)
            json_object_set (body, "value", value);
        if (strcmp (f, "cas") == 0) {
            json_object_set (body, "from", json_array_get (value, 0));
            json_object_set (body, "to", json_array_get (value, 1));
        }
    }
    return body;
}

//  Every request is exactly Maelstrom's body, and every RPC is drawn.
static void
test_requests_are_maelstrom_bodies (void **state)
{
    (void) state;
    for (size_t i = 0; i < workload_count (); i++) {
        const workload_t *w = workload_at (i);
        workload_ctx_t ctx = s_ctx (7, 1);
        void *gen = workload_gen_new (w, &ctx);
        int drawn [8] = { 0 };
        for (int n = 0; n < S_DRAWS; n++) {
            json_t *op = workload_next (w, gen);
            s_check_op (w, op);
            int r = 0;
            for (const workload_rpc_t *rpc = w->rpcs; rpc->f; rpc++, r++)
                if (strcmp (rpc->f, s_f (op)) == 0 && r < 8)
                    drawn [r]++;
            json_t *body = workload_request (w, gen, op, n + 1);
            json_t *want = s_maelstrom_body (w, op, n + 1);
            s_assert_json (body, want, w->name);
            s_answer_ok (w, gen, op);
            json_decref (want);
            json_decref (body);
            json_decref (op);
        }
        int r = 0;
        for (const workload_rpc_t *rpc = w->rpcs; rpc->f; rpc++, r++)
            if (r < 8 && drawn [r] == 0)
                fail_msg ("%s: no '%s' in %d ops", w->name, rpc->f, S_DRAWS);
        workload_gen_destroy (w, &gen);
    }
}

//  Messages (broadcast) and elements (g-set) are unique across clients
//  and increase per client, as Maelstrom's 0, 1, 2, ...
static void
test_unique_values_across_clients (void **state)
{
    (void) state;
    const char *names [] = { "broadcast", "g-set" };
    for (size_t i = 0; i < 2; i++) {
        const workload_t *w = workload_lookup (names [i]);
        assert_non_null (w);
        json_t *seen = json_object ();
        for (int client = 1; client <= 3; client++) {
            workload_ctx_t ctx = s_ctx (5, client);
            void *gen = workload_gen_new (w, &ctx);
            json_int_t last = -1;
            for (int n = 0; n < 300; n++) {
                json_t *op = workload_next (w, gen);
                json_t *value = json_object_get (op, "value");
                if (json_is_integer (value)) {
                    json_int_t v = json_integer_value (value);
                    char key [32];
                    snprintf (key, sizeof key, "%lld", (long long) v);
                    assert_true (v > last && v >= 0);
                    assert_null (json_object_get (seen, key));
                    json_object_set_new (seen, key, json_true ());
                    last = v;
                }
                json_decref (op);
            }
            workload_gen_destroy (w, &gen);
        }
        assert_true (json_object_size (seen) > 300);
        json_decref (seen);
    }
}

//  g-counter never adds a negative delta and adds about a third of the
//  time; pn-counter draws every delta in -5..4 and nothing else.
static void
test_counter_deltas (void **state)
{
    (void) state;
    const char *names [] = { "g-counter", "pn-counter" };
    for (size_t i = 0; i < 2; i++) {
        const workload_t *w = workload_lookup (names [i]);
        assert_non_null (w);
        bool grow = i == 0;
        workload_ctx_t ctx = s_ctx (11, 1);
        void *gen = workload_gen_new (w, &ctx);
        int counts [10] = { 0 }, adds = 0, ops = 6000;
        for (int n = 0; n < ops; n++) {
            json_t *op = workload_next (w, gen);
            if (strcmp (s_f (op), "add") == 0) {
                json_int_t delta = json_integer_value (json_object_get (op, "value"));
                if (delta < (grow? 0: -5) || delta > 4)
                    fail_msg ("%s drew delta %lld", w->name, (long long) delta);
                counts [delta + 5]++;
                adds++;
            }
            json_decref (op);
        }
        for (int d = grow? 0: -5; d <= 4; d++)
            if (counts [d + 5] == 0)
                fail_msg ("%s never drew delta %d in %d ops", w->name, d, ops);
        //  pn: adds and reads 50/50; g: the negative half of the adds
        //  dropped, so a third (fixed seed, wide margins).
        if (grow)
            assert_true (adds > ops / 4 && adds < ops * 42 / 100);
        else
            assert_true (adds > ops * 45 / 100 && adds < ops * 55 / 100);
        workload_gen_destroy (w, &gen);
    }
}

//  The final phase: a read for each n of a workload with final reads
//  (the client stops it after a read per node), none for the others.
static void
test_final_reads (void **state)
{
    (void) state;
    for (size_t i = 0; i < workload_count (); i++) {
        const workload_t *w = workload_at (i);
        workload_ctx_t ctx = s_ctx (3, 1);
        void *gen = workload_gen_new (w, &ctx);
        json_t *read = json_pack ("{s:s, s:n}", "f", "read", "value");
        for (int n = 0; n < 5; n++) {
            json_t *op = workload_final (w, gen, n);
            if (!w->final_reads)
                assert_null (op);
            else
            if (!w->klass->final)
                s_assert_json (op, read, w->name);
            else {
                //  Its own final phase (kafka's): an op of its RPCs first.
                if (n == 0)
                    assert_non_null (op);
                if (op) {
                    s_check_op (w, op);
                    assert_non_null (workload_rpc (w, s_f (op)));
                    s_answer_ok (w, gen, op);
                }
            }
            json_decref (op);
        }
        json_decref (read);
        workload_gen_destroy (w, &gen);
    }
}

//  --------------------------------------------------------------------------
//  Replies

static workload_outcome_t
s_reply (const workload_t *w, void *gen, const json_t *op, const char *text)
{
    json_error_t problem;
    json_t *body = json_loads (text, 0, &problem);
    if (!body)
        fail_msg ("bad test body %s: %s", text, problem.text);
    workload_outcome_t outcome = workload_reply (w, gen, op, body);
    json_decref (body);
    return outcome;
}

static const char *
s_result_name (workload_result_t result)
{
    return result == WORKLOAD_OK? "ok": result == WORKLOAD_FAIL? "fail": "info";
}

static void
s_expect (workload_outcome_t *outcome, workload_result_t result, int code, const char *what)
{
    if (outcome->result != result || outcome->code != code)
        fail_msg ("%s: %s code %d, want %s code %d (why '%s')", what,
                  s_result_name (outcome->result), outcome->code, s_result_name (result),
                  code, outcome->why);
    json_decref (outcome->value);
    outcome->value = NULL;
}

//  Error codes: definite or idempotent fail, the rest info; g-set's and
//  the counters' always info. The code is kept either way, and an error
//  reply's other keys do not matter (errors skip the schema).
static void
test_error_codes (void **state)
{
    (void) state;
    const int definite [] = { 1, 10, 11, 12, 14, 20, 21, 22, 30 };
    const int indefinite [] = { 0, 13, 2, 99, 999, 1000, 5000 };
    for (size_t i = 0; i < workload_count (); i++) {
        const workload_t *w = workload_at (i);
        const s_facts_t *facts = s_facts_of (w);
        workload_ctx_t ctx = s_ctx (9, 1);
        void *gen = workload_gen_new (w, &ctx);
        for (const workload_rpc_t *rpc = w->rpcs; rpc->f; rpc++) {
            json_t *op = s_op_for (w, gen, rpc->f);
            bool idempotent = s_word_in (facts->idempotent, rpc->f);
            char what [128], text [160];
            for (size_t c = 0; c < sizeof definite / sizeof definite [0]; c++) {
                //  lin-kv: a read of a key that does not exist reads nil.
                if (strcmp (w->name, "lin-kv") == 0 && definite [c] == 20
                &&  strcmp (rpc->f, "read") == 0)
                    continue;
                snprintf (what, sizeof what, "%s %s error %d", w->name, rpc->f, definite [c]);
                snprintf (text, sizeof text, "{\"type\":\"error\",\"in_reply_to\":1,"
                          "\"code\":%d,\"text\":\"no\",\"extra\":[1]}", definite [c]);
                workload_outcome_t outcome = s_reply (w, gen, op, text);
                s_expect (&outcome, facts->errors_mapped? WORKLOAD_FAIL: WORKLOAD_INFO,
                          definite [c], what);
                assert_string_equal (outcome.why, "");
            }
            for (size_t c = 0; c < sizeof indefinite / sizeof indefinite [0]; c++) {
                snprintf (what, sizeof what, "%s %s error %d", w->name, rpc->f, indefinite [c]);
                snprintf (text, sizeof text, "{\"type\":\"error\",\"in_reply_to\":1,"
                          "\"code\":%d}", indefinite [c]);
                workload_outcome_t outcome = s_reply (w, gen, op, text);
                s_expect (&outcome, facts->errors_mapped && idempotent? WORKLOAD_FAIL:
                          WORKLOAD_INFO, indefinite [c], what);
            }
            //  No usable code: the reason says so.
            const char *codeless [] = { "{\"type\":\"error\"}",
                                        "{\"type\":\"error\",\"code\":\"11\"}",
                                        "{\"type\":\"error\",\"code\":11.0}",
                                        "{\"type\":\"error\",\"code\":-3}" };
            for (size_t c = 0; c < 4; c++) {
                snprintf (what, sizeof what, "%s %s %s", w->name, rpc->f, codeless [c]);
                workload_outcome_t outcome = s_reply (w, gen, op, codeless [c]);
                s_expect (&outcome, facts->errors_mapped && idempotent? WORKLOAD_FAIL:
                          WORKLOAD_INFO, -1, what);
                assert_non_null (strstr (outcome.why, "without a valid integer code"));
            }
            json_decref (op);
        }
        workload_gen_destroy (w, &gen);
    }
}

//  lin-kv's read of a key never written: error 20 is a read of nil.
static void
test_lin_kv_read_of_missing_key_is_nil (void **state)
{
    (void) state;
    const workload_t *w = workload_lookup ("lin-kv");
    workload_ctx_t ctx = s_ctx (9, 1);
    void *gen = workload_gen_new (w, &ctx);
    json_t *op = s_op_for (w, gen, "read");
    workload_outcome_t outcome = s_reply (w, gen, op, "{\"type\":\"error\",\"code\":20}");
    assert_int_equal (outcome.result, WORKLOAD_OK);
    assert_true (json_is_null (outcome.value));
    json_decref (outcome.value);
    json_decref (op);
    workload_gen_destroy (w, &gen);
}

//  REPLY's body with FIELD set to the JSON text VALUE (NULL: left out)
//  and TAIL's keys appended (",\"k\":v" or "").
static void
s_body (char *text, size_t size, const char *reply, const char *field, const char *value,
        const char *tail)
{
    assert_true (strlen (value? value: "") + 128 < size);
    if (field && value)
        snprintf (text, size, "{\"type\":\"%s\",\"in_reply_to\":1,\"%s\":%s%s}", reply,
                  field, value, tail);
    else
        snprintf (text, size, "{\"type\":\"%s\",\"in_reply_to\":1%s}", reply, tail);
}

static void
s_expect_malformed (workload_outcome_t *outcome, const char *key, const char *what)
{
    char quoted [64];
    snprintf (quoted, sizeof quoted, "'%s'", key);
    s_expect (outcome, WORKLOAD_INFO, -1, what);
    if (strncmp (outcome->why, "malformed RPC response: ", 24) != 0
    ||  !strstr (outcome->why, quoted))
        fail_msg ("%s: why '%s' should be malformed naming %s", what, outcome->why, quoted);
}

//  A well-formed reply is ok with the right value; every way of breaking
//  the schema is info, malformed, naming the key.
static void
test_reply_schemas (void **state)
{
    (void) state;
    for (size_t i = 0; i < workload_count (); i++) {
        const workload_t *w = workload_at (i);
        workload_ctx_t ctx = s_ctx (13, 1);
        void *gen = workload_gen_new (w, &ctx);
        for (const workload_rpc_t *rpc = w->rpcs; rpc->f; rpc++) {
            const s_rpc_t *want = s_rpc_of (w, rpc->f);
            json_t *op = s_op_for (w, gen, rpc->f);
            char *sample = want->field? s_sample_text (w, op, want): NULL;
            char text [2048], what [256];
            snprintf (what, sizeof what, "%s %s", w->name, rpc->f);

            //  Well formed, with and without msg_id: ok, with the field's
            //  value, or the op's (or none) when the reply has no field.
            const char *tails [] = { "", ",\"msg_id\":7" };
            for (size_t t = 0; t < 2; t++) {
                s_body (text, sizeof text, want->reply, want->field, sample, tails [t]);
                workload_outcome_t outcome = s_reply (w, gen, op, text);
                if (outcome.result != WORKLOAD_OK)
                    fail_msg ("%s: %s is not ok: %s", what, text, outcome.why);
                if (want->field) {
                    //  The field's value; kafka's send records [offset, msg].
                    json_t *value = json_loads (sample, JSON_DECODE_ANY, NULL);
                    if (strcmp (w->name, "kafka") == 0 && strcmp (rpc->f, "send") == 0)
                        value = json_pack ("[o, O]", value, json_object_get (op, "value"));
                    s_assert_json (outcome.value, value, what);
                    json_decref (value);
                }
                else
                if (outcome.value)
                    s_assert_json (outcome.value, json_object_get (op, "value"), what);
                s_expect (&outcome, WORKLOAD_OK, -1, what);
            }
            //  An extra key.
            s_body (text, sizeof text, want->reply, want->field, sample, ",\"extra\":1");
            workload_outcome_t outcome = s_reply (w, gen, op, text);
            s_expect_malformed (&outcome, "extra", what);
            //  msg_id null or a real, in_reply_to not an integer.
            s_body (text, sizeof text, want->reply, want->field, sample, ",\"msg_id\":null");
            outcome = s_reply (w, gen, op, text);
            s_expect_malformed (&outcome, "msg_id", what);
            s_body (text, sizeof text, want->reply, want->field, sample, ",\"msg_id\":2.0");
            outcome = s_reply (w, gen, op, text);
            s_expect_malformed (&outcome, "msg_id", what);
            snprintf (text, sizeof text, "{\"type\":\"%s\",\"in_reply_to\":\"1\"%s%s%s%s}",
                      want->reply, want->field? ",\"": "", want->field? want->field: "",
                      want->field? "\":": "", want->field? sample: "");
            outcome = s_reply (w, gen, op, text);
            s_expect_malformed (&outcome, "in_reply_to", what);
            if (want->field) {
                //  The field missing.
                s_body (text, sizeof text, want->reply, NULL, NULL, "");
                outcome = s_reply (w, gen, op, text);
                s_expect_malformed (&outcome, want->field, what);
                //  The field of another type (a list where an int belongs).
                if (strcmp (want->type, "any") != 0) {
                    s_body (text, sizeof text, want->reply, want->field, s_wrong (want->type), "");
                    outcome = s_reply (w, gen, op, text);
                    s_expect_malformed (&outcome, want->field, what);
                }
                if (strcmp (want->type, "int") == 0) {
                    s_body (text, sizeof text, want->reply, want->field, "3.0", "");
                    outcome = s_reply (w, gen, op, text);
                    s_expect_malformed (&outcome, want->field, what);
                    s_body (text, sizeof text, want->reply, want->field, "[1]", "");
                    outcome = s_reply (w, gen, op, text);
                    assert_non_null (strstr (outcome.why, "is an array, expected an int"));
                    s_expect (&outcome, WORKLOAD_INFO, -1, what);
                    //  Past 64 bits, as the client reads it (jsonl_loads_wide
                    //  keeps the digits): an int, as Maelstrom's s/Int takes
                    //  a bigint; a short digit string stays a string
                    s_body (text, sizeof text, want->reply, want->field,
                            "\"18446744073709551616\"", "");
                    outcome = s_reply (w, gen, op, text);
                    s_expect (&outcome, WORKLOAD_OK, -1, what);
                    json_decref (outcome.value);
                    s_body (text, sizeof text, want->reply, want->field, "\"12\"", "");
                    outcome = s_reply (w, gen, op, text);
                    s_expect_malformed (&outcome, want->field, what);
                }
            }
            //  The wrong type: info with the reason.
            s_body (text, sizeof text, "surprise_ok", want->field, sample, "");
            outcome = s_reply (w, gen, op, text);
            char reason [160];
            snprintf (reason, sizeof reason, "unexpected reply type 'surprise_ok' to %s"
                      " (expected %s)", rpc->f, want->reply);
            assert_string_equal (outcome.why, reason);
            s_expect (&outcome, WORKLOAD_INFO, -1, what);
            //  Another RPC's reply type, and none at all.
            for (const workload_rpc_t *other = w->rpcs; other->f; other++)
                if (strcmp (other->reply, rpc->reply) != 0) {
                    s_body (text, sizeof text, other->reply, NULL, NULL, "");
                    outcome = s_reply (w, gen, op, text);
                    assert_non_null (strstr (outcome.why, "unexpected reply type"));
                    s_expect (&outcome, WORKLOAD_INFO, -1, what);
                }
            outcome = s_reply (w, gen, op, "{\"in_reply_to\":1}");
            assert_non_null (strstr (outcome.why, "unexpected reply type"));
            s_expect (&outcome, WORKLOAD_INFO, -1, what);
            free (sample);
            json_decref (op);
        }
        workload_gen_destroy (w, &gen);
    }
}

//  unique-ids records the id as the node wrote it: 1, 1.0 and "1" differ.
static void
test_unique_ids_keep_the_id_as_written (void **state)
{
    (void) state;
    const workload_t *w = workload_lookup ("unique-ids");
    workload_ctx_t ctx = s_ctx (1, 1);
    void *gen = workload_gen_new (w, &ctx);
    json_t *op = workload_next (w, gen);
    const char *ids [] = { "1", "1.0", "\"1\"", "[\"n1\",3]", "{\"a\":1}", "null" };
    for (size_t i = 0; i < sizeof ids / sizeof ids [0]; i++) {
        char text [128];
        snprintf (text, sizeof text, "{\"type\":\"generate_ok\",\"in_reply_to\":1,\"id\":%s}",
                  ids [i]);
        workload_outcome_t outcome = s_reply (w, gen, op, text);
        assert_int_equal (outcome.result, WORKLOAD_OK);
        char *got = s_text (outcome.value);
        assert_string_equal (got, ids [i]);
        free (got);
        json_decref (outcome.value);
    }
    json_decref (op);
    workload_gen_destroy (w, &gen);
}

//  No answer in time: fail with code 0 when the op is idempotent (it did
//  nothing either way), else info with no code.
static void
test_timeouts (void **state)
{
    (void) state;
    for (size_t i = 0; i < workload_count (); i++) {
        const workload_t *w = workload_at (i);
        const s_facts_t *facts = s_facts_of (w);
        workload_ctx_t ctx = s_ctx (17, 1);
        void *gen = workload_gen_new (w, &ctx);
        for (const workload_rpc_t *rpc = w->rpcs; rpc->f; rpc++) {
            json_t *op = s_op_for (w, gen, rpc->f);
            workload_outcome_t outcome = workload_timeout (w, gen, op);
            char what [128];
            snprintf (what, sizeof what, "%s %s timeout", w->name, rpc->f);
            if (s_word_in (facts->idempotent, rpc->f))
                s_expect (&outcome, WORKLOAD_FAIL, 0, what);
            else
                s_expect (&outcome, WORKLOAD_INFO, -1, what);
            assert_string_equal (outcome.why, "");
            json_decref (op);
        }
        workload_gen_destroy (w, &gen);
    }
}

//  --------------------------------------------------------------------------
//  Topologies

static void
s_expect_topology (const char *name, int nodes, const char *want_text)
{
    json_t *got = workload_topology (name, nodes);
    assert_non_null (got);
    json_t *want = json_loads (want_text, 0, NULL);
    assert_non_null (want);
    char what [64];
    snprintf (what, sizeof what, "%s on %d nodes", name, nodes);
    //  json_equal ignores key order but not the order of neighbours.
    s_assert_json (got, want, what);
    json_decref (want);
    json_decref (got);
}

//  Every node is a key, no node is its own neighbour or listed twice, and
//  every link goes both ways.
static void
s_check_shape (const char *name, int nodes)
{
    json_t *map = workload_topology (name, nodes);
    assert_non_null (map);
    assert_int_equal (json_object_size (map), nodes);
    for (int i = 1; i <= nodes; i++) {
        char id [16];
        snprintf (id, sizeof id, "n%d", i);
        json_t *list = json_object_get (map, id);
        assert_true (json_is_array (list));
        size_t k;
        json_t *peer;
        json_array_foreach (list, k, peer) {
            const char *other = json_string_value (peer);
            assert_non_null (other);
            assert_string_not_equal (other, id);
            for (size_t j = 0; j < k; j++)
                assert_string_not_equal (json_string_value (json_array_get (list, j)), other);
            json_t *back = json_object_get (map, other);
            assert_non_null (back);
            bool found = false;
            size_t b;
            json_t *x;
            json_array_foreach (back, b, x)
                found |= strcmp (json_string_value (x), id) == 0;
            if (!found)
                fail_msg ("%s on %d nodes: %s lists %s but not back", name, nodes, id, other);
        }
    }
    json_decref (map);
}

static void
test_topologies (void **state)
{
    (void) state;
    const char *names [] = { "grid", "line", "tree", "tree2", "tree3", "tree4", "total" };
    const int sizes [] = { 1, 2, 5, 9 };
    for (size_t n = 0; n < 7; n++)
        for (size_t s = 0; s < 4; s++) {
            s_check_shape (names [n], sizes [s]);
            //  One node has no neighbours; two are each other's.
            if (sizes [s] == 1)
                s_expect_topology (names [n], 1, "{\"n1\":[]}");
            if (sizes [s] == 2)
                s_expect_topology (names [n], 2, "{\"n1\":[\"n2\"],\"n2\":[\"n1\"]}");
        }
    //  grid: row-major, ceil(sqrt N) wide; neighbours down, up, right, left.
    //      n1 n2 n3
    //      n4 n5
    s_expect_topology ("grid", 5, "{\"n1\":[\"n4\",\"n2\"],\"n2\":[\"n5\",\"n3\",\"n1\"],"
                       "\"n3\":[\"n2\"],\"n4\":[\"n1\",\"n5\"],\"n5\":[\"n2\",\"n4\"]}");
    //      n1 n2 n3
    //      n4 n5 n6
    //      n7 n8 n9
    s_expect_topology ("grid", 9, "{\"n1\":[\"n4\",\"n2\"],\"n2\":[\"n5\",\"n3\",\"n1\"],"
                       "\"n3\":[\"n6\",\"n2\"],\"n4\":[\"n7\",\"n1\",\"n5\"],"
                       "\"n5\":[\"n8\",\"n2\",\"n6\",\"n4\"],\"n6\":[\"n9\",\"n3\",\"n5\"],"
                       "\"n7\":[\"n4\",\"n8\"],\"n8\":[\"n5\",\"n9\",\"n7\"],"
                       "\"n9\":[\"n6\",\"n8\"]}");
    //  line: left, right.
    s_expect_topology ("line", 5, "{\"n1\":[\"n2\"],\"n2\":[\"n1\",\"n3\"],"
                       "\"n3\":[\"n2\",\"n4\"],\"n4\":[\"n3\",\"n5\"],\"n5\":[\"n4\"]}");
    //  tree (binary), filled tier by tier: parent, then children.
    s_expect_topology ("tree", 5, "{\"n1\":[\"n2\",\"n3\"],\"n2\":[\"n1\",\"n4\",\"n5\"],"
                       "\"n3\":[\"n1\"],\"n4\":[\"n2\"],\"n5\":[\"n2\"]}");
    s_expect_topology ("tree", 9, "{\"n1\":[\"n2\",\"n3\"],\"n2\":[\"n1\",\"n4\",\"n5\"],"
                       "\"n3\":[\"n1\",\"n6\",\"n7\"],\"n4\":[\"n2\",\"n8\",\"n9\"],"
                       "\"n5\":[\"n2\"],\"n6\":[\"n3\"],\"n7\":[\"n3\"],\"n8\":[\"n4\"],"
                       "\"n9\":[\"n4\"]}");
    json_t *tree = workload_topology ("tree", 9), *tree2 = workload_topology ("tree2", 9);
    assert_true (json_equal (tree, tree2));
    json_decref (tree);
    json_decref (tree2);
    //  tree3: three children each.
    s_expect_topology ("tree3", 5, "{\"n1\":[\"n2\",\"n3\",\"n4\"],\"n2\":[\"n1\",\"n5\"],"
                       "\"n3\":[\"n1\"],\"n4\":[\"n1\"],\"n5\":[\"n2\"]}");
    s_expect_topology ("tree3", 9, "{\"n1\":[\"n2\",\"n3\",\"n4\"],"
                       "\"n2\":[\"n1\",\"n5\",\"n6\",\"n7\"],\"n3\":[\"n1\",\"n8\",\"n9\"],"
                       "\"n4\":[\"n1\"],\"n5\":[\"n2\"],\"n6\":[\"n2\"],\"n7\":[\"n2\"],"
                       "\"n8\":[\"n3\"],\"n9\":[\"n3\"]}");
    //  total: every other node, in order.
    s_expect_topology ("total", 5, "{\"n1\":[\"n2\",\"n3\",\"n4\",\"n5\"],"
                       "\"n2\":[\"n1\",\"n3\",\"n4\",\"n5\"],\"n3\":[\"n1\",\"n2\",\"n4\",\"n5\"],"
                       "\"n4\":[\"n1\",\"n2\",\"n3\",\"n5\"],\"n5\":[\"n1\",\"n2\",\"n3\",\"n4\"]}");
    json_t *total = workload_topology ("total", 9);
    for (int i = 1; i <= 9; i++) {
        char id [8];
        snprintf (id, sizeof id, "n%d", i);
        assert_int_equal (json_array_size (json_object_get (total, id)), 8);
    }
    json_decref (total);
    //  Unknown names.
    assert_null (workload_topology ("ring", 5));
    assert_null (workload_topology ("Grid", 5));
    assert_null (workload_topology ("", 5));
    assert_null (workload_topology (NULL, 5));
    for (size_t n = 0; n < 7; n++)
        assert_non_null (strstr (workload_topology_names (), names [n]));
}

//  A reason never overruns its buffer: an extra key of 2000 bytes is cut
//  to fit FL_WHY_BYTES_MAX, and the reason still says what it is.
static void
test_reason_fits_FL_WHY_BYTES_MAX (void **state)
{
    (void) state;
    const workload_t *echo = workload_lookup ("echo");
    assert_non_null (echo);
    workload_ctx_t ctx = { .seed = 1, .client = 1, .clients = 1, .nodes = 1, .keys = 1 };
    void *gen = workload_gen_new (echo, &ctx);
    json_t *op = workload_next (echo, gen);
    char key [2001];
    memset (key, 'k', sizeof key - 1);
    key [sizeof key - 1] = 0;
    json_t *body = json_pack ("{s:s, s:i, s:s}", "type", "echo_ok", "in_reply_to", 1, "echo", "x");
    json_object_set_new (body, key, json_true ());
    //  A reply type of 2000 bytes, too.
    json_t *other = json_pack ("{s:s%, s:i}", "type", key, (size_t) 2000, "in_reply_to", 1);
    json_t *bodies [] = { body, other };
    for (int i = 0; i < 2; i++) {
        workload_outcome_t outcome = workload_reply (echo, gen, op, bodies [i]);
        assert_int_equal (outcome.result, WORKLOAD_INFO);
        assert_true (strlen (outcome.why) < FL_WHY_BYTES_MAX);
        assert_true (strlen (outcome.why) > 20);
        assert_non_null (strstr (outcome.why, i == 0? "malformed RPC response": "unexpected reply type"));
        json_decref (outcome.value);
        json_decref (bodies [i]);
    }
    json_decref (op);
    workload_gen_destroy (echo, &gen);
}

int
main (void)
{
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_table_is_maelstrom),
        cmocka_unit_test (test_same_seed_same_ops),
        cmocka_unit_test (test_requests_are_maelstrom_bodies),
        cmocka_unit_test (test_unique_values_across_clients),
        cmocka_unit_test (test_counter_deltas),
        cmocka_unit_test (test_final_reads),
        cmocka_unit_test (test_error_codes),
        cmocka_unit_test (test_lin_kv_read_of_missing_key_is_nil),
        cmocka_unit_test (test_reply_schemas),
        cmocka_unit_test (test_unique_ids_keep_the_id_as_written),
        cmocka_unit_test (test_timeouts),
        cmocka_unit_test (test_topologies),
        cmocka_unit_test (test_reason_fits_FL_WHY_BYTES_MAX),
    };
    return cmocka_run_group_tests_name ("workload_workloads", tests, NULL, NULL);
}
