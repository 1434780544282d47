/*  node_crdt_merge.c -- the CRDTs of bin/node-crdt (nodes/crdt/crdt.c) and
    its replica (nodes/crdt/store.c), without sockets: every join is
    commutative, associative and idempotent on a few thousand small random
    states (fixed seed), the wire form reads back to the same state and
    its size stays under crdt_bytes; counters count and refuse what they
    must; the or-set's add wins over a concurrent remove; the register
    keeps the greater version; malformed gossip changes nothing.
*/
#include <string.h>
#include "tap.h"
#include "limits.h"
#include "rng.h"
#include "nodes/crdt/crdt.h"
#include "nodes/crdt/store.h"

#define S_CASES 3000

static const char *s_replicas [] = { "n1@1", "n2@1", "n3@1" };
static const char *s_nodes [] = { "n1", "n2", "n3" };

//  A small random state of kind: a few updates from three replicas.
static crdt_t *
s_random (rng_t *rng, crdt_kind_t kind)
{
    crdt_t *self = crdt_new (kind);
    char err [CRDT_ERR_BYTES];
    int updates = (int) rng_below (rng, 6);
    for (int index = 0; index < updates; index++) {
        int who = (int) rng_below (rng, 3);
        json_t *element = json_integer ((json_int_t) rng_below (rng, 5));
        int rc = 0;
        if (kind == CRDT_GSET)
            rc = crdt_gset_add (self, element, err);
        else
        if (kind == CRDT_GCOUNTER || kind == CRDT_PNCOUNTER)
            rc = crdt_counter_add (self, s_replicas [who],
                                   kind == CRDT_GCOUNTER? rng_range (rng, 0, 4): rng_range (rng, -5, 4), err);
        else
        if (kind == CRDT_ORSET && rng_chance (rng, 0.3))
            rc = crdt_orset_remove (self, element, err);
        else
        if (kind == CRDT_ORSET)     //  few counters per replica: states share tags
            rc = crdt_orset_add (self, element, s_replicas [who], rng_range (rng, 1, 4), err);
        else {
            //  A version names one write: its value follows from it.
            hlc_t stamp = { rng_range (rng, 0, 3), rng_range (rng, 0, 2) };
            json_t *value = json_integer (stamp.wall * 100 + stamp.logical * 10 + who);
            rc = crdt_register_write (self, value, stamp, s_nodes [who], err);
            json_decref (value);
        }
        assert_int_equal (rc, 0);
        json_decref (element);
    }
    return self;
}

static crdt_t *
s_join (const crdt_t *a, const crdt_t *b)
{
    crdt_t *join = crdt_dup (a);
    crdt_merge (join, b);
    return join;
}

//  The wire form reads back to the same state, within crdt_bytes.
static void
s_assert_wire (const crdt_t *self)
{
    char err [CRDT_ERR_BYTES];
    json_t *json = crdt_to_json (self);
    char *text = json_dumps (json, JSON_ENCODE_ANY | JSON_COMPACT);
    assert_true (strlen (text) <= crdt_bytes (self));
    crdt_t *back = crdt_from_json (crdt_kind (self), json, err);
    assert_non_null (back);
    assert_true (crdt_equal (back, self));
    crdt_destroy (&back);
    free (text);
    json_decref (json);
}

static void
s_laws (crdt_kind_t kind)
{
    rng_t rng;
    rng_init (&rng, 9 + kind);
    for (int round = 0; round < S_CASES; round++) {
        crdt_t *a = s_random (&rng, kind), *b = s_random (&rng, kind), *c = s_random (&rng, kind);
        crdt_t *ab = s_join (a, b), *ba = s_join (b, a), *aa = s_join (a, a);
        crdt_t *bc = s_join (b, c), *ab_c = s_join (ab, c), *a_bc = s_join (a, bc);
        assert_true (crdt_equal (ab, ba));              //  commutative
        assert_true (crdt_equal (ab_c, a_bc));          //  associative
        assert_true (crdt_equal (aa, a));               //  idempotent
        assert_true (crdt_join_bytes (a, b) >= crdt_bytes (ab));
        json_t *value_ab = crdt_value (ab), *value_ba = crdt_value (ba);
        assert_true (json_equal (value_ab, value_ba) || (!value_ab && !value_ba));
        json_decref (value_ab);
        json_decref (value_ba);
        s_assert_wire (ab_c);
        crdt_destroy (&a); crdt_destroy (&b); crdt_destroy (&c);
        crdt_destroy (&ab); crdt_destroy (&ba); crdt_destroy (&aa);
        crdt_destroy (&bc); crdt_destroy (&ab_c); crdt_destroy (&a_bc);
    }
}

static void test_laws_gset (void **state)      { (void) state; s_laws (CRDT_GSET); }
static void test_laws_gcounter (void **state)  { (void) state; s_laws (CRDT_GCOUNTER); }
static void test_laws_pncounter (void **state) { (void) state; s_laws (CRDT_PNCOUNTER); }
static void test_laws_orset (void **state)     { (void) state; s_laws (CRDT_ORSET); }
static void test_laws_register (void **state)  { (void) state; s_laws (CRDT_REGISTER); }

static int64_t
s_int_value (const crdt_t *self)
{
    json_t *value = crdt_value (self);
    int64_t number = json_integer_value (value);
    json_decref (value);
    return number;
}

static void
test_counters (void **state)
{
    (void) state;
    char err [CRDT_ERR_BYTES];
    crdt_t *a = crdt_new (CRDT_GCOUNTER), *b = crdt_new (CRDT_GCOUNTER);
    assert_int_equal (crdt_counter_add (a, "n1@1", 3, err), 0);
    assert_int_equal (crdt_counter_add (a, "n1@1", 4, err), 0);
    assert_int_equal (crdt_counter_add (b, "n2@1", 5, err), 0);
    assert_int_equal (crdt_counter_add (a, "n1@1", -1, err), -1);
    assert_non_null (strstr (err, "delta -1"));             //  names the delta
    crdt_merge (a, b);
    crdt_merge (a, b);                                      //  twice: still 12
    assert_int_equal (s_int_value (a), 12);
    //  A restarted n1 is a new replica: its adds are not hidden under n1@1's 7.
    assert_int_equal (crdt_counter_add (b, "n1@2", 2, err), 0);
    crdt_merge (a, b);
    assert_int_equal (s_int_value (a), 14);
    assert_int_equal (crdt_counter_add (a, "n1@1", FL_CRDT_COUNT_MAX, err), -1);
    assert_non_null (strstr (err, "FL_CRDT_COUNT_MAX"));
    assert_int_equal (s_int_value (a), 14);                 //  refused: unchanged

    crdt_t *p = crdt_new (CRDT_PNCOUNTER), *q = crdt_new (CRDT_PNCOUNTER);
    assert_int_equal (crdt_counter_add (p, "n1@1", -5, err), 0);
    assert_int_equal (crdt_counter_add (p, "n1@1", 2, err), 0);
    assert_int_equal (crdt_counter_add (q, "n2@1", -4, err), 0);
    assert_int_equal (crdt_counter_add (p, "n1@1", INT64_MIN, err), -1);   //  no negation overflow
    crdt_merge (p, q);
    assert_int_equal (s_int_value (p), -7);
    assert_int_equal (crdt_counter_add (q, "n2@1", FL_CRDT_COUNT_MAX, err), 0);
    assert_int_equal (crdt_counter_add (q, "n2@1", 1, err), -1);           //  p full
    assert_int_equal (crdt_counter_add (q, "n2@1", -1, err), 0);           //  n is not
    for (int index = 0; index < 4; index++)
        crdt_destroy (index == 0? &a: index == 1? &b: index == 2? &p: &q);
}

//  The or-set's add wins: an add at A, seen by B and removed there, while
//  C adds the same element concurrently with a tag B never saw.
static void
test_orset_add_wins (void **state)
{
    (void) state;
    char err [CRDT_ERR_BYTES];
    json_t *milk = json_string ("milk");
    crdt_t *a = crdt_new (CRDT_ORSET), *b = crdt_new (CRDT_ORSET), *c = crdt_new (CRDT_ORSET);
    assert_int_equal (crdt_orset_add (a, milk, "a@1", 1, err), 0);
    crdt_merge (b, a);                                      //  B sees it
    assert_int_equal (crdt_orset_remove (b, milk, err), 0); //  and removes it
    json_t *value = crdt_value (b);
    assert_int_equal (json_array_size (value), 0);
    json_decref (value);
    assert_int_equal (crdt_orset_add (c, milk, "c@1", 1, err), 0); //  concurrent re-add
    crdt_t *all = s_join (a, b);
    crdt_merge (all, c);
    value = crdt_value (all);
    assert_int_equal (json_array_size (value), 1);          //  C's add survives
    assert_string_equal (json_string_value (json_array_get (value, 0)), "milk");
    json_decref (value);
    //  Without C's add, A's add removed after B saw it stays removed.
    crdt_t *ab = s_join (a, b);
    value = crdt_value (ab);
    assert_int_equal (json_array_size (value), 0);
    json_decref (value);
    //  A remove of an element never seen removes nothing elsewhere.
    crdt_t *d = crdt_new (CRDT_ORSET);
    assert_int_equal (crdt_orset_remove (d, milk, err), 0);
    crdt_merge (d, a);
    value = crdt_value (d);
    assert_int_equal (json_array_size (value), 1);
    json_decref (value);
    assert_int_equal (crdt_orset_counter_max (all, "c@1"), 1);
    crdt_destroy (&a); crdt_destroy (&b); crdt_destroy (&c);
    crdt_destroy (&all); crdt_destroy (&ab); crdt_destroy (&d);
    json_decref (milk);
}

static void
test_orset_sorted (void **state)
{
    (void) state;
    char err [CRDT_ERR_BYTES];
    crdt_t *set = crdt_new (CRDT_ORSET);
    const char *words [] = { "pear", "apple", "fig" };
    for (int index = 0; index < 3; index++) {
        json_t *word = json_string (words [index]);
        assert_int_equal (crdt_orset_add (set, word, "n1@1", index + 1, err), 0);
        json_decref (word);
    }
    json_t *value = crdt_value (set);
    char *text = json_dumps (value, JSON_COMPACT);
    assert_string_equal (text, "[\"apple\",\"fig\",\"pear\"]");
    free (text);
    json_decref (value);
    crdt_destroy (&set);
}

static void
test_register (void **state)
{
    (void) state;
    char err [CRDT_ERR_BYTES];
    json_t *one = json_string ("one"), *two = json_string ("two"), *three = json_string ("three");
    crdt_t *a = crdt_new (CRDT_REGISTER), *b = crdt_new (CRDT_REGISTER);
    json_t *empty = crdt_value (a);
    assert_null (empty);
    assert_int_equal (crdt_register_write (a, one, (hlc_t) { 10, 0 }, "n1", err), 0);
    assert_int_equal (crdt_register_write (b, two, (hlc_t) { 9, 5 }, "n2", err), 0);
    crdt_merge (b, a);                                      //  (10,0) > (9,5)
    json_t *value = crdt_value (b);
    assert_string_equal (json_string_value (value), "one");
    json_decref (value);
    //  Same stamp: the node id breaks the tie, the same way everywhere.
    assert_int_equal (crdt_register_write (a, three, (hlc_t) { 10, 0 }, "n10", err), 0);
    crdt_merge (b, a);
    value = crdt_value (b);
    assert_string_equal (json_string_value (value), "three");
    json_decref (value);
    assert_int_equal (crdt_register_write (a, one, (hlc_t) { 1, 0 }, "", err), -1);
    crdt_destroy (&a);
    crdt_destroy (&b);
    json_decref (one); json_decref (two); json_decref (three);
}

static json_t *
s_request (store_t *store, const char *text, bool *changed)
{
    json_t *request = json_loads (text, 0, NULL);
    assert_non_null (request);
    json_t *reply = store_request (store, request, 1000, changed);
    json_decref (request);
    return reply;
}

//  The reply's type, or "error N".
static const char *
s_reply_kind (json_t *reply, char *buffer, size_t size)
{
    const char *type = json_string_value (json_object_get (reply, "type"));
    if (type && strcmp (type, "error") == 0) {
        snprintf (buffer, size, "error %d", (int) json_integer_value (json_object_get (reply, "code")));
        return buffer;
    }
    snprintf (buffer, size, "%s", type? type: "?");
    return buffer;
}

static void
s_expect (store_t *store, const char *request, const char *want)
{
    bool changed;
    char buffer [64];
    json_t *reply = s_request (store, request, &changed);
    if (strcmp (s_reply_kind (reply, buffer, sizeof buffer), want) != 0)
        fail_msg ("%s: got %s (%s), wanted %s", request, buffer,
                  json_string_value (json_object_get (reply, "text")), want);
    json_decref (reply);
}

static void
test_store_requests (void **state)
{
    (void) state;
    store_t *gset = store_new (CRDT_GSET, "n1", 1);
    s_expect (gset, "{\"type\":\"add\",\"element\":3}", "add_ok");
    s_expect (gset, "{\"type\":\"add\",\"element\":1}", "add_ok");
    s_expect (gset, "{\"type\":\"add\"}", "error 12");
    s_expect (gset, "{\"type\":\"write\",\"value\":1}", "error 12");
    s_expect (gset, "{\"type\":\"read\",\"key\":\"cart\"}", "error 20");
    s_expect (gset, "{\"type\":\"remove\",\"key\":\"cart\",\"element\":1}", "error 20");
    s_expect (gset, "{\"type\":\"add\",\"key\":\"cart\",\"element\":\"milk\"}", "add_ok");
    s_expect (gset, "{\"type\":\"write\",\"key\":\"cart\",\"value\":1}", "error 12");
    s_expect (gset, "{\"type\":\"write\",\"key\":\"user\",\"value\":\"ann\"}", "write_ok");
    s_expect (gset, "{\"type\":\"add\",\"key\":\"user\",\"element\":1}", "error 12");
    s_expect (gset, "{\"type\":\"remove\",\"key\":\"user\",\"element\":1}", "error 12");
    s_expect (gset, "{\"type\":\"read\",\"key\":null}", "error 12");
    s_expect (gset, "{\"type\":\"read\",\"key\":\"user\"}", "read_ok");
    //  A value past the bound is refused before its key is made.
    char big [FL_CRDT_ELEMENT_BYTES_MAX + 64];
    snprintf (big, sizeof big, "{\"type\":\"write\",\"key\":\"big\",\"value\":\"%0*d\"}",
              FL_CRDT_ELEMENT_BYTES_MAX, 0);
    s_expect (gset, big, "error 12");
    s_expect (gset, "{\"type\":\"read\",\"key\":\"big\"}", "error 20");
    json_t *replica = store_replica (gset);
    char *text = json_dumps (replica, JSON_COMPACT);
    assert_string_equal (text, "[[null,[1,3]],[\"cart\",[\"milk\"]],[\"user\",\"ann\"]]");
    free (text);
    json_decref (replica);

    store_t *counter = store_new (CRDT_GCOUNTER, "n1", 1);
    s_expect (counter, "{\"type\":\"add\",\"delta\":-2}", "error 12");
    s_expect (counter, "{\"type\":\"add\",\"delta\":\"2\"}", "error 12");
    s_expect (counter, "{\"type\":\"add\",\"delta\":2}", "add_ok");
    replica = store_replica (counter);
    text = json_dumps (replica, JSON_COMPACT);
    assert_string_equal (text, "[[null,2]]");
    free (text);
    json_decref (replica);
    store_destroy (&gset);
    store_destroy (&counter);
}

//  Two stores exchange gossip and agree; malformed gossip changes nothing.
static void
test_store_gossip (void **state)
{
    (void) state;
    char err [CRDT_ERR_BYTES];
    store_t *a = store_new (CRDT_PNCOUNTER, "n1", 1), *b = store_new (CRDT_PNCOUNTER, "n2", 1);
    s_expect (a, "{\"type\":\"add\",\"delta\":-3}", "add_ok");
    s_expect (b, "{\"type\":\"add\",\"delta\":5}", "add_ok");
    s_expect (a, "{\"type\":\"write\",\"key\":\"k\",\"value\":1}", "write_ok");
    s_expect (b, "{\"type\":\"add\",\"key\":\"k\",\"element\":1}", "add_ok");
    json_t *from_a = store_gossip (a), *from_b = store_gossip (b);
    assert_int_equal (store_merge (a, from_b, 2000, err), 0);
    assert_int_equal (store_merge (b, from_a, 2000, err), 0);
    assert_int_equal (store_merge (b, from_a, 2000, err), 0);          //  duplicate: no harm
    json_t *ra = store_replica (a), *rb = store_replica (b);
    assert_true (json_equal (ra, rb));
    char *text = json_dumps (ra, JSON_COMPACT);
    assert_string_equal (text, "[[null,2],[\"k\",[1]]]");      //  the or-set won key k
    free (text);

    const char *bad [] = {
        "{\"type\":\"crdt_gossip\",\"kind\":\"g-set\",\"state\":[],\"keys\":[]}",
        "{\"type\":\"crdt_gossip\",\"kind\":\"pn-counter\",\"state\":{\"p\":{\"x\":-1},\"n\":{}},\"keys\":[]}",
        "{\"type\":\"crdt_gossip\",\"kind\":\"pn-counter\",\"state\":{\"p\":{}},\"keys\":[]}",
        "{\"type\":\"crdt_gossip\",\"kind\":\"pn-counter\",\"state\":{\"p\":{},\"n\":{}}}",
        "{\"type\":\"crdt_gossip\",\"kind\":\"pn-counter\",\"state\":{\"p\":{\"n9@1\":1},\"n\":{}},"
            "\"keys\":[[\"k\",\"or-set\",{\"adds\":[[2,[[\"n9@1\",0]]]],\"removed\":[]}]]}",
        "{\"type\":\"crdt_gossip\",\"kind\":\"pn-counter\",\"state\":{\"p\":{},\"n\":{}},"
            "\"keys\":[[\"k\",\"g-set\",[]]]}",
        "{\"type\":\"crdt_gossip\",\"kind\":\"pn-counter\",\"state\":{\"p\":{},\"n\":{}},"
            "\"keys\":[[\"r\",\"lww-register\",{\"value\":1,\"version\":[1],\"node\":\"n1\"}]]}",
        "{\"type\":\"crdt_gossip\",\"kind\":\"pn-counter\",\"state\":{\"p\":{},\"n\":{}},"
            "\"keys\":[[null,\"or-set\",{\"adds\":[],\"removed\":[]}]]}",
        "{\"type\":\"crdt_gossip\",\"kind\":\"pn-counter\",\"state\":{\"p\":{},\"n\":{}},"
            "\"keys\":[[\"r\",\"lww-register\",null]]}",
    };
    for (size_t index = 0; index < sizeof bad / sizeof bad [0]; index++) {
        json_t *gossip = json_loads (bad [index], 0, NULL);
        assert_non_null (gossip);
        err [0] = 0;
        if (store_merge (a, gossip, 3000, err) != -1)
            fail_msg ("malformed gossip %zu was accepted: %s", index, bad [index]);
        assert_true (strlen (err) > 0);
        json_decref (gossip);
        json_t *now = store_replica (a);
        assert_true (json_equal (now, ra));                 //  nothing changed
        json_decref (now);
    }
    json_decref (ra); json_decref (rb);
    json_decref (from_a); json_decref (from_b);
    store_destroy (&a);
    store_destroy (&b);
}

//  The state bound: adds are refused past FL_CRDT_STATE_BYTES_MAX with an
//  error naming it, and nothing breaks.
static void
test_store_bound (void **state)
{
    (void) state;
    store_t *store = store_new (CRDT_GSET, "n1", 1);
    bool changed;
    char buffer [64];
    int added = 0;
    for (int index = 0; index < 200000; index++) {
        char request [128];
        snprintf (request, sizeof request, "{\"type\":\"add\",\"element\":%d}", index);
        json_t *reply = s_request (store, request, &changed);
        bool ok = strcmp (s_reply_kind (reply, buffer, sizeof buffer), "add_ok") == 0;
        if (!ok) {
            assert_string_equal (buffer, "error 12");
            assert_non_null (strstr (json_string_value (json_object_get (reply, "text")),
                                     "FL_CRDT_STATE_BYTES_MAX"));
        }
        json_decref (reply);
        if (!ok)
            break;
        added++;
    }
    assert_true (added > 1000 && added < 200000);
    assert_true (store_bytes (store) <= FL_CRDT_STATE_BYTES_MAX);
    json_t *gossip = store_gossip (store);
    char *text = json_dumps (gossip, JSON_COMPACT);
    assert_true (strlen (text) < FL_MSG_BYTES_MAX);
    free (text);
    json_decref (gossip);
    store_destroy (&store);
}

int
main (void)
{
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_laws_gset),
        cmocka_unit_test (test_laws_gcounter),
        cmocka_unit_test (test_laws_pncounter),
        cmocka_unit_test (test_laws_orset),
        cmocka_unit_test (test_laws_register),
        cmocka_unit_test (test_counters),
        cmocka_unit_test (test_orset_add_wins),
        cmocka_unit_test (test_orset_sorted),
        cmocka_unit_test (test_register),
        cmocka_unit_test (test_store_requests),
        cmocka_unit_test (test_store_gossip),
        cmocka_unit_test (test_store_bound),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
