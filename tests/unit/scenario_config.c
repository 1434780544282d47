/*  scenario_config.c -- config_apply on scenarios/pacelc.conf (5 nodes, no
    params): items added and overriding, every refusal by item, and a
    refusal leaving the params as they were; and scenario_scale, the
    matrix's --time-limit.
*/
#include "tap.h"
#include <string.h>
#include <glob.h>
#include "../../scenario/config.h"

static scenario_t *
s_load (void)
{
    char *error = NULL;
    scenario_t *sc = scenario_load ("scenarios/pacelc.conf", &error);
    if (!sc)
        fprintf (stderr, "# %s\n", error);
    assert_non_null (sc);
    return sc;
}

static void
test_apply (void **state)
{
    (void) state;
    scenario_t *sc = s_load ();
    size_t before = sc->params_count;
    char *error = NULL;
    assert_int_equal (config_apply (sc, "w=quorum,r=one", &error), 0);
    assert_int_equal (sc->params_count, before + 2);
    assert_string_equal (sc->params [before], "w=quorum");
    assert_string_equal (sc->params [before + 1], "r=one");
    //  The same key again overrides it in place.
    assert_int_equal (config_apply (sc, "w=5,read_repair=false", &error), 0);
    assert_int_equal (sc->params_count, before + 3);
    assert_string_equal (sc->params [before], "w=5");
    assert_string_equal (sc->params [before + 2], "read_repair=false");
    assert_int_equal (config_apply (sc, "reads=serializable,wait=2", &error), 0);
    assert_string_equal (sc->params [before + 3], "reads=serializable");
    scenario_destroy (&sc);
}

static void
s_refused (const char *text, const char *message)
{
    scenario_t *sc = s_load ();
    size_t before = sc->params_count;
    char *error = NULL;
    assert_int_equal (config_apply (sc, text, &error), -1);
    assert_non_null (error);
    if (!strstr (error, message))
        fprintf (stderr, "# got: %s\n", error);
    assert_non_null (strstr (error, message));
    assert_int_equal (sc->params_count, before);
    free (error);
    scenario_destroy (&sc);
}

static void
test_refusals (void **state)
{
    (void) state;
    s_refused ("w=6", "--config: w=6: more than the scenario's 5 nodes");
    s_refused ("w=one,r=most", "--config: r=most: 'most' is not one, quorum, all or a number 1..5");
    s_refused ("r=-1", "'-1' is not one, quorum, all");
    s_refused ("hinted_handoff=1", "--config: hinted_handoff=1: '1' is not true or false");
    s_refused ("w=one,Rr=one", "--config: Rr=one: 'Rr' is not a lowercase name");
    s_refused ("reads=stale", "--config: reads=stale: 'stale' is not linearizable or serializable");
    s_refused ("wait=5", "--config: wait=5: '5' is not a count of replicas 0..4");
    s_refused ("wait=two", "'two' is not a count of replicas");
    s_refused ("x", "--config: x: not K=V");
    s_refused ("x=", "--config: x=: empty value");
    s_refused ("", "empty (expected K=V");
    s_refused ("w=one,", "an empty item");
    //  A key given twice, whatever the values: refused naming both items.
    s_refused ("w=one,w=all", "--config: w=all: 'w' given twice (w=one and w=all)");
    s_refused ("gossip=true,r=1,gossip=true", "'gossip' given twice (gossip=true and gossip=true)");
    //  A key no system reads, and the lab's own workload.
    s_refused ("bogus=1", "--config: bogus=1: 'bogus' is not a key any of our systems reads "
               "(known: w, r, read_repair, hinted_handoff (quorum); gossip (crdt); ");
    s_refused ("w=one,workload=g-set", "--config: workload=g-set: 'workload' is set by the lab");
    //  Values as the nodes read them: a bad one would be a node exiting
    //  before init, so it is refused here naming the item.
    s_refused ("noop=maybe", "--config: noop=maybe: 'maybe' is not true or false");
    s_refused ("prevote=1", "'1' is not true or false");
    s_refused ("gossip=yes", "'yes' is not true or false");
    s_refused ("heartbeat_ms=0", "--config: heartbeat_ms=0: '0' is not a whole number 1..600000 (ms)");
    s_refused ("election_min_ms=abc", "'abc' is not a whole number 1..600000 (ms)");
    s_refused ("batch_ms=600001", "'600001' is not a whole number 0..600000 (ms)");
    s_refused ("ae_inflight=-2", "'-2' is not a whole number 1..600000");
    s_refused ("election_max_ms=1.5", "'1.5' is not a whole number");
    //  min over max, counting raft's defaults (300..600) for the one not given
    s_refused ("election_min_ms=700", "election_min_ms 700 is over election_max_ms 600");
    s_refused ("election_max_ms=200", "election_min_ms 300 is over election_max_ms 200");
    s_refused ("election_max_ms=100,election_min_ms=150",
               "election_min_ms 150 is over election_max_ms 100");
}

//  config_check_params: every scenario we ship passes; a bad value of
//  the scenario's own is refused naming the file, params and the item;
//  keys no system of ours reads are left to a --node program.
static void
test_check_params (void **state)
{
    (void) state;
    glob_t found;
    assert_int_equal (glob ("scenarios/*.conf", 0, NULL, &found), 0);
    assert_true (found.gl_pathc > 20);
    for (size_t i = 0; i < found.gl_pathc; i++) {
        char *error = NULL;
        scenario_t *sc = scenario_load (found.gl_pathv [i], &error);
        if (!sc)
            fail_msg ("%s: %s", found.gl_pathv [i], error);
        if (config_check_params (sc, &error))
            fail_msg ("%s: %s", found.gl_pathv [i], error);
        scenario_destroy (&sc);
    }
    globfree (&found);
    const char *bad [][2] = {
        { "noop=maybe", "scenarios/pacelc.conf: params: noop=maybe: 'maybe' is not true or false" },
        { "election_min_ms=900", "scenarios/pacelc.conf: params: election_min_ms: 900 is over"
                                 " election_max_ms 600" },
        { "w=9", "params: w=9: more than the scenario's 5 nodes" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad [0]; i++) {
        scenario_t *sc = s_load ();
        char *error = NULL;
        sc->params [sc->params_count++] = strdup (bad [i][0]);
        assert_int_equal (config_check_params (sc, &error), -1);
        if (!strstr (error, bad [i][1]))
            fail_msg ("'%s': '%s' does not say '%s'", bad [i][0], error, bad [i][1]);
        free (error);
        scenario_destroy (&sc);
    }
    scenario_t *sc = s_load ();
    sc->params [sc->params_count++] = strdup ("mine=anything");
    char *error = NULL;
    assert_int_equal (config_check_params (sc, &error), 0);
    scenario_destroy (&sc);
}

static void
test_known (void **state)
{
    (void) state;
    scenario_t *sc = s_load ();
    char *error = NULL;
    assert_int_equal (config_apply (sc, "gossip=false,heartbeat_ms=40,election_min_ms=200,"
                      "election_max_ms=400,batch_ms=5,ae_inflight=3,bug=stale-read,"
                      "read_repair=true,hinted_handoff=false", &error), 0);
    //  min may equal max; a larger min with a larger max is fine
    assert_int_equal (config_apply (sc, "election_min_ms=400", &error), 0);
    assert_int_equal (config_apply (sc, "election_min_ms=900,election_max_ms=1000,"
                      "batch_ms=0,noop=false,prevote=true", &error), 0);
    scenario_destroy (&sc);
}

//  Past FL_SCENARIO_PARAMS_MAX params (the scenario's own and --config's):
//  refused by name, nothing added.
static void
test_params_max (void **state)
{
    (void) state;
    scenario_t *sc = s_load ();
    while (sc->params_count < FL_SCENARIO_PARAMS_MAX - 1) {
        char *param;
        assert_true (asprintf (&param, "p%zu=v", sc->params_count) > 0);
        sc->params [sc->params_count++] = param;
    }
    char *error = NULL;
    assert_int_equal (config_apply (sc, "w=one,r=one", &error), -1);
    assert_non_null (strstr (error, "(FL_SCENARIO_PARAMS_MAX)"));
    assert_int_equal (sc->params_count, FL_SCENARIO_PARAMS_MAX - 1);
    free (error);
    scenario_destroy (&sc);
}

static void
test_scale (void **state)
{
    (void) state;
    scenario_t *sc = s_load ();
    double at [16];
    size_t steps = sc->steps_count;
    assert_true (steps > 0 && steps <= 16);
    for (size_t i = 0; i < steps; i++)
        at [i] = sc->steps [i].at_s;
    double duration = sc->duration_s, settle = sc->settle_s;
    scenario_scale (sc, duration * 2);          // only ever shortens
    assert_float_equal (sc->duration_s, duration, 1e-9);
    scenario_scale (sc, duration / 4);
    assert_float_equal (sc->duration_s, duration / 4, 1e-9);
    assert_float_equal (sc->settle_s, settle, 1e-9);   // the replicas' time to meet
    for (size_t i = 0; i < steps; i++)
        assert_float_equal (sc->steps [i].at_s, at [i] / 4, 1e-9);
    scenario_destroy (&sc);
}

int
main (void)
{
    tap_start (30);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_apply),
        cmocka_unit_test (test_refusals),
        cmocka_unit_test (test_known),
        cmocka_unit_test (test_check_params),
        cmocka_unit_test (test_params_max),
        cmocka_unit_test (test_scale),
    };
    return cmocka_run_group_tests (tests, NULL, NULL);
}
