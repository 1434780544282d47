/*  runner.c -- one scenario run against one system (see runner.h).

    One thread, one loop. Each turn: fire the schedule steps that are due,
    do the final heal when the load's time is up, let every idle client
    whose turn has come invoke its next op, expire ops past their timeout,
    tick the lab (init re-sends, dead children), then zmq_poll every client
    socket and the harness party for at most the time to the next thing due.
    Nothing in the loop blocks for long except an isolate-leader role query
    (bounded by FL_ROLE_TIMEOUT_MS) and a control request (bounded by
    FL_CONTROL_TIMEOUT_MS).

    Timeline, in ns since t0 (the run start, which the proxy's trace shares):
        load_start  after every node answered init, took the workload's
                    setup (broadcast's topology) and (for systems that
                    report roles) one says it leads, at most FL_WARMUP_MS:
                    clients and schedule begin
        load_end    = load_start + duration: final heal (if the scenario says so)
        settle_end  = load_end + settle: no new ops. For a workload with
                    final reads the load stops at load_end instead and
                    settle is the quiet period (Maelstrom's 10 s sleep);
                    then every client does its final ops (a read per
                    node), until all are done or FL_FINAL_PHASE_MS passed
        then drain: wait for ops in flight up to the client timeout, then
        the rest complete as timeouts.

    Whatever happens -- a node dies, the proxy dies, SIGINT -- the loop ends
    through the same door: the lab is stopped, the history is complete up to
    that moment, and results.json says what happened.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <unistd.h>
#include <assert.h>
#include <dirent.h>
#include <czmq.h>
#include "runner.h"
#include "lab.h"
#include "nemesis.h"
#include "scenario/schedule.h"
#include "client.h"
#include "history.h"
#include "tour.h"
#include "clock.h"
#include "exits.h"
#include "checker/check.h"
#include "report/runnotes.h"
#include "workload/workload.h"
#include "analysis/measures.h"
#include "analysis/checks.h"
#include "analysis/convergence.h"
#include "report/report.h"

//  How often the loop wakes with nothing due (status line, dead children).
#define RUNNER_TICK_MS          50
//  The status line is redrawn at most this often.
#define RUNNER_STATUS_MS        200
//  After the final heal, our own systems' replicas are read this often
//  until they first agree (time_to_converge_ms); each read waits at most
//  FL_REPLICA_READ_MS, so the client loop keeps its pace.
#define RUNNER_REPLICA_POLL_MS  100

typedef struct {
    const runner_opts_t *opts;
    const scenario_t *scenario;
    const workload_t *workload;
    lab_t *lab;
    history_t *history;
    nemesis_t *nemesis;
    schedule_t *schedule;
    client_t *clients [FL_CLIENTS_MAX];
    int count;
    zmq_pollitem_t items [FL_CLIENTS_MAX + 1];
    int64_t t0_ns;
    int64_t load_start_ns, load_end_ns, settle_end_ns, drain_end_ns;
    int64_t final_end_ns;       // the final-read phase ends by then
    bool finals;                // the workload has a final-read phase
    int64_t interval_ns;
    int64_t ready_ns;           // absolute: every node answered init
    int64_t first_op_ns;        // absolute, 0 until the first invoke
    int64_t status_ns;
    size_t next_step;
    bool healed;
    int64_t unmatched;          // replies that answered no op in flight
    int64_t unreadable;         // messages to clients that were no envelope
    int64_t wide;               // integers past 64 bits in replies (client.h)
    int64_t malformed;          // replies that broke the schema (ops info)
    char malformed_first [FL_WHY_BYTES_MAX];   // the first of them
    bool leaderless_start;      // roles reported, none led by FL_WARMUP_MS
    json_t *notes;              // the lab's notes (lab_notes), kept past it
    json_t *idle;               // fault steps that did nothing or were not
                                // run (s_unscheduled), said as notes
    int64_t idle_more;          //   and how many more past RUNNER_IDLE_NOTES
    json_t *skews;              // the nodes clock skew reached (lab_skew_json)
    json_t *log_cut;            // bytes cut from each node's log (lab_log_cut_json)
    bool replicas;              // our own system on a workload convergence
                                // judges: its replicas are read directly
    int64_t heal_ns;            // when the final heal was done
    int64_t replica_poll_ns;    // next replica read, until they agreed
    double converge_ms;         // heal to first agreement, -1 until then
    json_t *final_replicas;     // lab_replicas after the drain, or NULL
    json_t *tour;               // a tour's record (tour.h), NULL for a load
    char *error;
    int status;
} s_run_t;

static int64_t
s_now (s_run_t *self)
{
    return clock_mono_ns () - self->t0_ns;
}

static void
s_fail (s_run_t *self, int status, char *error)
{
    //  The interrupt wins: Ctrl-C reaches the whole process group, so the
    //  proxy or a node may die of it (and be reported) before the loop
    //  looks at the flag, above all while the lab is still starting.
    if (status != FL_EXIT_INTERRUPTED && *self->opts->interrupted) {
        free (error);
        error = strdup ("interrupted");
        status = FL_EXIT_INTERRUPTED;
    }
    if (!self->error) {
        self->error = error;
        self->status = status;
    }
    else
        free (error);
}

static int
s_write_scenario (s_run_t *self)
{
    char path [4096];
    snprintf (path, sizeof path, "%s/scenario.conf", self->opts->run_dir);
    char *text = scenario_text_as_run (self->scenario, self->opts->seed,
                                        self->opts->duration_s);
    FILE *file = fopen (path, "w");
    if (!file || !text) {
        free (text);
        if (file)
            fclose (file);
        return -1;
    }
    fputs (text, file);
    fclose (file);
    free (text);
    return 0;
}

static void
s_status_line (s_run_t *self, int64_t now_ns, bool force)
{
    if (!self->opts->tty || (!force && now_ns - self->status_ns < RUNNER_STATUS_MS * 1000000LL))
        return;
    self->status_ns = now_ns;
    char faults [512];
    nemesis_describe (self->nemesis, faults, sizeof faults);
    double elapsed = self->load_start_ns? (now_ns - self->load_start_ns) / 1e9: 0;
    const char *phase = now_ns < self->load_end_ns? "": now_ns < self->settle_end_ns? " settling": " draining";
    printf ("\r\033[K  %-8s %5.1fs%s  ok %" PRId64 "  fail %" PRId64 "  info %" PRId64 "  fault: %.120s",
            self->opts->system, elapsed, phase, history_ok_count (self->history),
            history_fail_count (self->history), history_info_count (self->history), faults);
    fflush (stdout);
}

//  A step that did nothing (cont of a node not stopped) is in faults.jsonl
//  as a period of no length; it is said on the console too, as a note: the
//  scenario may not do what its author meant.
#define RUNNER_IDLE_NOTES 5

static void
s_idle_step (s_run_t *self, const schedule_step_t *step, const char *detail)
{
    if (json_array_size (self->idle) >= RUNNER_IDLE_NOTES) {
        self->idle_more++;
        return;
    }
    char text [128];
    action_format (&step->spec, text, sizeof text);
    runnotes_add (self->idle, "the fault step at %.1f s, %s, did nothing: %s",
                  step->at_ms / 1000.0, text, detail);
}

//  Faults the scenario names that the run's time leaves out (a random
//  block that starts too late, steps past a --time-limit): a note each,
//  as a run with none of its faults looks like one that survived them.
static void
s_unscheduled (s_run_t *self)
{
    const scenario_t *sc = self->scenario;
    int64_t duration_ms = (int64_t) (self->opts->duration_s * 1000);
    if (sc->random && sc->kinds_count > 0 && schedule_random_count (sc, duration_ms) == 0)
        runnotes_add (self->idle, "the random faults start at %g s, not before the end of the"
                      " run's %g s of load: none was injected", sc->random_start_s,
                      self->opts->duration_s);
    size_t late = 0, first = 0;
    for (size_t i = sc->steps_count; i-- > 0; )
        if ((int64_t) (sc->steps [i].at_s * 1000) >= duration_ms) {
            late++;
            first = i;
        }
    if (late)
        runnotes_add (self->idle, "%zu fault step%s at or past the end of the run's %g s of load"
                      " %s not run (the first: %s at %g s)", late, late == 1? "": "s",
                      self->opts->duration_s, late == 1? "was": "were",
                      sc->steps [first].text, sc->steps [first].at_s);
}

static void
s_fire_steps (s_run_t *self, int64_t now_ns)
{
    while (self->next_step < schedule_size (self->schedule)) {
        const schedule_step_t *step = schedule_step (self->schedule, self->next_step);
        if (self->load_start_ns + step->at_ms * 1000000LL > now_ns)
            break;
        self->next_step++;
        action_t spec = step->spec;
        char detail [FL_FAULT_TEXT_BYTES_MAX], *error = NULL;
        if (nemesis_apply (self->nemesis, &spec, now_ns, detail, sizeof detail, &error)) {
            char *message = NULL;
            if (asprintf (&message, "fault step failed: %s", error? error: "?") < 0)
                message = NULL;
            free (error);
            s_fail (self, FL_EXIT_SOFTWARE, message);
            return;
        }
        if (nemesis_did_nothing (self->nemesis))
            s_idle_step (self, step, detail);
    }
}

static void
s_final_heal (s_run_t *self, int64_t now_ns)
{
    self->healed = true;
    self->heal_ns = now_ns;
    self->replica_poll_ns = now_ns;
    if (!self->scenario->final_heal)
        return;
    char *error = NULL;
    if (nemesis_heal_all (self->nemesis, now_ns, &error)) {
        char *message = NULL;
        if (asprintf (&message, "final heal failed: %s", error? error: "?") < 0)
            message = NULL;
        free (error);
        s_fail (self, FL_EXIT_SOFTWARE, message);
    }
}

//  Do all replicas answer, and hold the same state? Our nodes sort their
//  state (keys, set elements), so equal states are equal lists.
static bool
s_replicas_agree (json_t *replicas)
{
    json_t *first = NULL;
    const char *node;
    json_t *state;
    json_object_foreach (replicas, node, state) {
        if (json_is_null (state))
            return false;
        if (!first)
            first = state;
        else
        if (!json_equal (first, state))
            return false;
    }
    return first != NULL;
}

//  After the heal, read the replicas every RUNNER_REPLICA_POLL_MS until
//  they first agree: the time to converge. Returns ns until the next read.
static int64_t
s_poll_replicas (s_run_t *self, int64_t now_ns)
{
    if (!self->replicas || !self->healed || self->converge_ms >= 0)
        return INT64_MAX;
    if (now_ns < self->replica_poll_ns)
        return self->replica_poll_ns - now_ns;
    json_t *replicas = lab_replicas (self->lab, FL_REPLICA_READ_MS);
    if (s_replicas_agree (replicas))
        self->converge_ms = (s_now (self) - self->heal_ns) / 1e6;
    json_decref (replicas);
    self->replica_poll_ns = now_ns + RUNNER_REPLICA_POLL_MS * 1000000LL;
    return RUNNER_REPLICA_POLL_MS * 1000000LL;
}

//  The final states, once the load has drained: read until the replicas
//  agree or FL_CONVERGE_WAIT_MS passed, keeping the last reading.
static void
s_final_replicas (s_run_t *self)
{
    if (!self->replicas)
        return;
    int64_t deadline_ns = s_now (self) + FL_CONVERGE_WAIT_MS * 1000000LL;
    while (true) {
        json_decref (self->final_replicas);
        self->final_replicas = lab_replicas (self->lab, FL_REPLICA_READ_MS);
        bool agree = s_replicas_agree (self->final_replicas);
        if (agree && self->converge_ms < 0 && self->heal_ns)
            self->converge_ms = (s_now (self) - self->heal_ns) / 1e6;
        if (agree || s_now (self) >= deadline_ns || *self->opts->interrupted)
            break;
        zclock_sleep (RUNNER_REPLICA_POLL_MS);
    }
}

//  Let idle clients whose turn came invoke. Returns ns until the next turn.
static int64_t
s_invoke_due (s_run_t *self, int64_t now_ns)
{
    int64_t wait_ns = RUNNER_TICK_MS * 1000000LL;
    bool loading = now_ns < (self->finals? self->load_end_ns: self->settle_end_ns);
    bool finals = self->finals && now_ns >= self->settle_end_ns && now_ns < self->final_end_ns;
    for (int i = 0; i < self->count; i++) {
        client_t *client = self->clients [i];
        client_expire (client, now_ns, self->history, false);
        if (client->busy) {
            if (client->deadline_ns - now_ns < wait_ns)
                wait_ns = client->deadline_ns - now_ns;
            continue;
        }
        if (finals && !client->finals_done) {
            client_invoke_final (client, now_ns, self->history);
            continue;
        }
        if (!loading)
            continue;
        if (client->next_ns > now_ns) {
            if (client->next_ns - now_ns < wait_ns)
                wait_ns = client->next_ns - now_ns;
            continue;
        }
        if (!self->first_op_ns)
            self->first_op_ns = clock_mono_ns ();
        client_invoke (client, now_ns, self->history);
        //  Keep the pace without bursts after a slow op.
        client->next_ns += self->interval_ns;
        if (client->next_ns < now_ns - self->interval_ns)
            client->next_ns = now_ns;
    }
    return wait_ns < 0? 0: wait_ns;
}

//  Is the final-read phase over (or is there none)?
static bool
s_finals_over (s_run_t *self, int64_t now_ns)
{
    if (!self->finals || now_ns >= self->final_end_ns)
        return true;
    for (int i = 0; i < self->count; i++)
        if (!self->clients [i]->finals_done)
            return false;
    return true;
}

static bool
s_any_busy (s_run_t *self)
{
    for (int i = 0; i < self->count; i++)
        if (self->clients [i]->busy)
            return true;
    return false;
}

static void
s_poll (s_run_t *self, int64_t wait_ns)
{
    if (self->next_step < schedule_size (self->schedule)) {
        int64_t due = self->load_start_ns
                    + schedule_step (self->schedule, self->next_step)->at_ms * 1000000LL
                    - s_now (self);
        if (due < wait_ns)
            wait_ns = due < 0? 0: due;
    }
    long timeout_ms = (long) ((wait_ns + 999999) / 1000000);
    int rc = zmq_poll (self->items, self->count + 1, timeout_ms);
    if (rc <= 0)
        return;
    int64_t now_ns = s_now (self);
    for (int i = 0; i < self->count; i++)
        if (self->items [i].revents & ZMQ_POLLIN)
            while (zsock_events (self->clients [i]->sock) & ZMQ_POLLIN)
                client_on_message (self->clients [i], now_ns, self->history);
    if (self->items [self->count].revents & ZMQ_POLLIN)
        while (zsock_events (lab_socket (self->lab)) & ZMQ_POLLIN)
            lab_on_message (self->lab);
}

static void
s_loop (s_run_t *self)
{
    int64_t tick_ns = 0;
    while (!self->error) {
        int64_t now_ns = s_now (self);
        if (*self->opts->interrupted) {
            s_fail (self, FL_EXIT_INTERRUPTED, strdup ("interrupted"));
            break;
        }
        if (now_ns >= self->load_end_ns && !self->healed)
            s_final_heal (self, now_ns);
        else
        if (!self->healed)
            s_fire_steps (self, now_ns);
        int64_t wait_ns = s_invoke_due (self, now_ns);
        int64_t replica_ns = s_poll_replicas (self, now_ns);
        if (replica_ns < wait_ns)
            wait_ns = replica_ns;
        if (now_ns >= self->settle_end_ns && s_finals_over (self, now_ns)
        &&  (!s_any_busy (self) || now_ns >= self->drain_end_ns))
            break;
        if (now_ns - tick_ns >= RUNNER_TICK_MS * 1000000LL) {
            tick_ns = now_ns;
            char *error = NULL;
            if (lab_tick (self->lab, clock_mono_ms (), &error))
                s_fail (self, FL_EXIT_SOFTWARE, error);
        }
        s_status_line (self, now_ns, false);
        s_poll (self, wait_ns);
    }
    int64_t now_ns = s_now (self);
    for (int i = 0; i < self->count; i++)
        client_expire (self->clients [i], now_ns, self->history, true);
    s_status_line (self, now_ns, true);
    if (self->opts->tty)
        printf ("\r\033[K");
}

static void
s_start_clients (s_run_t *self)
{
    const scenario_t *sc = self->scenario;
    self->count = sc->clients;
    self->interval_ns = sc->rate > 0? (int64_t) (sc->clients * 1e9 / sc->rate): 0;
    for (int i = 0; i < self->count; i++) {
        self->clients [i] = client_new (i + 1, sc->clients, sc->nodes, sc->keys,
                                        sc->values, sc->timeout_ms, self->opts->seed, lab_net (self->lab),
                                        self->workload);
        self->items [i] = (zmq_pollitem_t) { zsock_resolve (self->clients [i]->sock), 0, ZMQ_POLLIN, 0 };
    }
    self->items [self->count] = (zmq_pollitem_t) { zsock_resolve (lab_socket (self->lab)), 0, ZMQ_POLLIN, 0 };
    self->load_start_ns = s_now (self);
    self->load_end_ns = self->load_start_ns + (int64_t) (self->opts->duration_s * 1e9);
    self->settle_end_ns = self->load_end_ns + (int64_t) (sc->settle_s * 1e9);
    self->finals = self->workload->final_reads;
    self->final_end_ns = self->settle_end_ns + (self->finals? FL_FINAL_PHASE_MS * 1000000LL: 0);
    self->drain_end_ns = self->final_end_ns + (int64_t) sc->timeout_ms * 1000000LL;
    for (int i = 0; i < self->count; i++)
        self->clients [i]->next_ns = self->load_start_ns + self->interval_ns * i / self->count;
}

//  Does the scenario ever skew a clock (a step or a random kind)?
static bool
s_skews_clocks (const scenario_t *sc)
{
    for (size_t i = 0; i < sc->steps_count; i++)
        if (strncmp (sc->steps [i].text, "clock-skew", 10) == 0)
            return true;
    for (size_t i = 0; i < sc->kinds_count; i++)
        if (strncmp (sc->kinds [i], "clock-skew", 10) == 0)
            return true;
    return false;
}

//  A scripted tour instead of the load (tour.h): its steps, one client.
static void
s_tour (s_run_t *self)
{
    self->load_start_ns = s_now (self);
    self->first_op_ns = clock_mono_ns ();
    tour_opts_t opts = { .scenario = self->scenario, .system = self->opts->system,
        .lab = self->lab, .nemesis = self->nemesis, .history = self->history,
        .t0_ns = self->t0_ns, .seed = self->opts->seed,
        //  --time-limit does not cut a story short: the scenario's bound
        .duration_s = self->scenario->duration_s,
        .interrupted = self->opts->interrupted };
    char *error = NULL;
    if (tour_run (&opts, &self->tour, &error))
        s_fail (self, *self->opts->interrupted? FL_EXIT_INTERRUPTED: FL_EXIT_SOFTWARE, error);
}

check_opts_t
runner_check_opts (const char *model, double timeout_s)
{
    assert (model);
    //  Register and kv histories get the consistency spectrum too
    bool registers = !strcmp (model, "register") || !strcmp (model, "cas-register")
                  || !strcmp (model, "kv");
    return (check_opts_t) { .model = model, .init = NULL, .format = "jsonl",
                            .timeout_s = timeout_s > 0? timeout_s: FL_RUN_CHECK_TIMEOUT_S, .spectrum = registers,
                            .spectrum_timeout_s = FL_RUN_SPECTRUM_TIMEOUT_S,
                            .spectrum_memory_mb = FL_RUN_SPECTRUM_MEMORY_MB };
}

//  A txn check's one-line reason for the console: the anomalies found and
//  the weakest levels they rule out ("G-single, G2-item (not
//  repeatable-read, snapshot-isolation)"); nothing for a valid history.
static void
s_txn_reason (json_t *details)
{
    json_t *types = json_object_get (details, "anomaly_types");
    if (!json_is_array (types) || json_array_size (types) == 0)
        return;
    char reason [512] = "";
    size_t used = 0;
    const char *lists [2] = { "anomaly_types", "not" };
    for (int l = 0; l < 2; l++) {
        size_t i;
        json_t *name;
        json_array_foreach (json_object_get (details, lists [l]), i, name)
            if (used < sizeof reason)
                used += (size_t) snprintf (reason + used, sizeof reason - used, "%s%s%s",
                                           i? ", ": l? " (not ": "", json_string_value (name)?
                                           json_string_value (name): "?", "");
        if (l && used && used < sizeof reason && json_array_size (json_object_get (details, "not")))
            used += (size_t) snprintf (reason + used, sizeof reason - used, ")");
    }
    json_object_set_new (details, "reason", json_string (reason));
}

//  The linearizability check of history.jsonl, as one entry of "checks".
json_t *
runner_check_entry (const char *run_dir, const char *name, const char *model,
                    double timeout_s, check_verdict_t *verdict)
{
    assert (run_dir && name && model && verdict);
    char path [4096];
    snprintf (path, sizeof path, "%s/history.jsonl", run_dir);
    check_opts_t opts = runner_check_opts (model, timeout_s);
    char *error = NULL;
    check_result_t *result = check_file (path, &opts, &error);
    if (!result) {
        *verdict = CHECK_UNKNOWN;
        json_t *entry = json_pack ("{s:s, s:s, s:s, s:s}", "name", name, "model", model,
                                   "valid", "unknown", "error", error? error: "checker failed");
        free (error);
        return entry;
    }
    *verdict = check_result_verdict (result);
    json_t *entry = json_pack ("{s:s, s:s, s:f, s:o, s:o}", "name", name,
                               "model", model, "budget_s", opts.timeout_s,
        "valid", *verdict == CHECK_VALID? json_true (): *verdict == CHECK_INVALID? json_false ():
                 json_string ("unknown"),
        "details", check_result_json (result));
    json_t *details = json_object_get (entry, "details");
    s_txn_reason (details);
    if (json_object_get (details, "spectrum")) {
        json_object_set (entry, "spectrum", json_object_get (details, "spectrum"));
        json_object_set (entry, "strongest", json_object_get (details, "strongest"));
    }
    check_result_destroy (&result);
    return entry;
}

static json_t *
s_check (s_run_t *self, check_verdict_t *verdict)
{
    double budget = self->opts->check_timeout_s > 0? self->opts->check_timeout_s
                  : self->opts->scenario->check_timeout_s;
    return runner_check_entry (self->opts->run_dir, self->workload->check,
                               self->workload->model, budget, verdict);
}

//  The linearizability check's consistency spectrum, if it has one, at the
//  top of results.json: {"models": {model: verdict}, "strongest": NAME}.
static void
s_spectrum (json_t *results)
{
    size_t i;
    json_t *entry;
    json_array_foreach (json_object_get (results, "checks"), i, entry)
        if (json_object_get (entry, "spectrum")) {
            json_object_set_new (results, "spectrum", json_pack ("{s:O, s:O}",
                "models", json_object_get (entry, "spectrum"),
                "strongest", json_object_get (entry, "strongest")));
            return;
        }
}

static json_t *
s_verdict_json (check_verdict_t verdict)
{
    return verdict == CHECK_VALID? json_true (): verdict == CHECK_INVALID? json_false ():
           json_string ("unknown");
}

//  One entry's verdict ("valid": true, false or "unknown").
static check_verdict_t
s_entry_verdict (json_t *entry)
{
    json_t *valid = json_object_get (entry, "valid");
    return json_is_true (valid)? CHECK_VALID: json_is_false (valid)? CHECK_INVALID: CHECK_UNKNOWN;
}

//  results.json's "convergence" (analysis/convergence.h). Our own systems
//  are judged on the replicas read after the drain, with the time from
//  the heal to their first agreement; a --node program on its final reads
//  where the workload has them (its replicas cannot be read directly),
//  and not at all where it has none. *counted: the entry goes into the
//  checks and the verdict.
static json_t *
s_convergence (s_run_t *self, bool *counted)
{
    const workload_t *workload = self->workload;
    *counted = false;
    bool from_finals = self->opts->node_cmd && workload->final_reads
                    && convergence_known (workload->name);
    if (self->opts->node_cmd && !from_finals)
        return json_pack ("{s:s, s:s, s:[s]}", "workload", workload->name, "valid", "unknown",
            "reasons", "a --node program's replicas are not readable from the lab (Maelstrom"
            " has no replica_read) and this workload has no final reads to stand in:"
            " convergence is not readable from a --node program here");
    char path [4096];
    snprintf (path, sizeof path, "%s/history.jsonl", self->opts->run_dir);
    char *error = NULL;
    opslog_t *log = opslog_load (path, &error);
    if (!log) {
        json_t *out = json_pack ("{s:s, s:s, s:[s]}", "workload", workload->name,
                                 "valid", "unknown", "reasons", error? error: "?");
        free (error);
        return out;
    }
    json_t *replicas = from_finals
        ? convergence_replicas_from_finals (log, self->scenario->clients, self->scenario->nodes)
        : json_incref (self->final_replicas);
    json_t *out = convergence_compute (log, workload->name, replicas,
                                       from_finals? -1: self->converge_ms);
    json_decref (replicas);
    opslog_destroy (&log);
    *counted = convergence_known (workload->name);
    //  Convergence is promised after the heal: without one it is shown,
    //  not judged.
    if (*counted && !self->scenario->final_heal) {
        *counted = false;
        json_array_append_new (json_object_get (out, "reasons"), json_string (
            "the scenario does not heal at the end (final heal = false): shown, not counted"));
    }
    return out;
}

//  The run's checks: linearizability against the workload's model, or its
//  own check (analysis/checks.h); "stats" (every kind of op needs an ok
//  one), always; and "convergence" where it is judged (CONVERGENCE, a
//  new entry taken, or NULL). The verdict is the worst of them: invalid
//  before unknown before valid.
static json_t *
s_checks (s_run_t *self, json_t *convergence, check_verdict_t *verdict)
{
    json_t *checks = json_array ();
    char path [4096];
    snprintf (path, sizeof path, "%s/history.jsonl", self->opts->run_dir);
    const char *names [2] = { self->workload->model? NULL: self->workload->check, "stats" };
    //  The txn models (Elle's check) always run: a scenario's
    //  `linearizable false` is about registers, and a txn run has no other
    //  consistency check.
    if (self->workload->model && (self->scenario->check_linearizable
                                  || check_model_is_txn (self->workload->model))) {
        check_verdict_t one;
        json_array_append_new (checks, s_check (self, &one));
    }
    for (int i = 0; i < 2; i++) {
        if (!names [i])
            continue;
        char *error = NULL;
        json_t *entry = checks_run (names [i], path, &error);
        if (!entry)
            entry = json_pack ("{s:s, s:s, s:s}", "name", names [i], "valid", "unknown",
                               "error", error? error: "check failed");
        free (error);
        json_array_append_new (checks, entry);
    }
    if (convergence)
        json_array_append_new (checks, convergence);
    bool invalid = false, unknown = json_array_size (checks) == 0;
    size_t i;
    json_t *entry;
    json_array_foreach (checks, i, entry) {
        check_verdict_t one = s_entry_verdict (entry);
        invalid |= one == CHECK_INVALID;
        unknown |= one == CHECK_UNKNOWN;
    }
    *verdict = invalid? CHECK_INVALID: unknown? CHECK_UNKNOWN: CHECK_VALID;
    return checks;
}

//  The bad lines each node wrote past FL_BAD_OUTPUT_BYTES_MAX, counted
//  and not written: {"n1": 901000}, from the RUN_DIR/nK.bad-output-cut
//  files node-stdio keeps (only the nodes that had some, so usually {}).
static json_t *
s_bad_output_cut (const char *run_dir)
{
    static const char suffix [] = ".bad-output-cut";
    json_t *cut = json_object ();
    DIR *dir = opendir (run_dir);
    struct dirent *entry;
    while (dir && (entry = readdir (dir))) {
        size_t length = strlen (entry->d_name);
        if (length <= sizeof suffix - 1 || length - (sizeof suffix - 1) > FL_ID_BYTES_MAX
        ||  !streq (entry->d_name + length - (sizeof suffix - 1), suffix))
            continue;
        char path [4096], text [32] = "";
        snprintf (path, sizeof path, "%s/%s", run_dir, entry->d_name);
        FILE *file = fopen (path, "r");
        long long count = file && fgets (text, sizeof text, file)? strtoll (text, NULL, 10): 0;
        if (file)
            fclose (file);
        char node [FL_ID_BYTES_MAX + 1];
        snprintf (node, sizeof node, "%.*s", (int) (length - (sizeof suffix - 1)), entry->d_name);
        if (count > 0)
            json_object_set_new (cut, node, json_integer (count));
    }
    if (dir)
        closedir (dir);
    return cut;
}

//  Counts of the lines --node programs wrote that were no message
//  (RUN_DIR/bad-output.jsonl, one line each from node-stdio, and a note
//  line where it reached FL_BAD_OUTPUT_BYTES_MAX), by problem and by
//  node, with the first few as examples; and the lines past the cap, by
//  node ("cut").
static json_t *
s_bad_output (s_run_t *self)
{
    char path [4096];
    snprintf (path, sizeof path, "%s/bad-output.jsonl", self->opts->run_dir);
    FILE *file = fopen (path, "r");
    json_t *out = json_pack ("{s:i, s:{}, s:{}, s:[], s:o}", "count", 0, "by_problem",
                             "by_node", "examples", "cut", s_bad_output_cut (self->opts->run_dir));
    if (!file)
        return out;
    char *line = NULL;
    size_t size = 0;
    json_int_t count = 0;
    while (getline (&line, &size, file) > 0) {
        //  A node's NUL byte is "\u0000" in its record's text, which
        //  jansson refuses without JSON_ALLOW_NUL: the record would count
        //  under "?" and its problem be lost.
        json_t *record = json_loads (line, JSON_ALLOW_NUL, NULL);
        if (json_is_string (json_object_get (record, "note"))) {
            json_decref (record);           //  the cap's note: no bad line
            continue;
        }
        const char *problem = json_string_value (json_object_get (record, "problem"));
        const char *node = json_string_value (json_object_get (record, "node"));
        count++;
        json_t *by [2] = { json_object_get (out, "by_problem"), json_object_get (out, "by_node") };
        const char *keys [2] = { problem? problem: "?", node? node: "?" };
        for (int i = 0; i < 2; i++)
            json_object_set_new (by [i], keys [i], json_integer (
                json_integer_value (json_object_get (by [i], keys [i])) + 1));
        if (record && json_array_size (json_object_get (out, "examples")) < FL_BAD_OUTPUT_EXAMPLES)
            json_array_append (json_object_get (out, "examples"), record);
        json_decref (record);
    }
    free (line);
    fclose (file);
    json_object_set_new (out, "count", json_integer (count));
    return out;
}

//  --config's items as an object, {"w":"quorum","r":"one"}; {} without it.
static json_t *
s_config_json (const char *config)
{
    json_t *object = json_object ();
    char *copy = config? strdup (config): NULL;
    char *save = NULL;
    for (char *item = copy? strtok_r (copy, ",", &save): NULL; item;
         item = strtok_r (NULL, ",", &save)) {
        char *equals = strchr (item, '=');
        if (equals) {
            *equals = 0;
            json_object_set_new (object, item, json_string (equals + 1));
        }
    }
    free (copy);
    return object;
}

static json_t *
s_results (s_run_t *self, json_t *network, bool ran)
{
    const runner_opts_t *opts = self->opts;
    const scenario_t *sc = self->scenario;
    //  Other people's nodes are held to the workload's check: valid.
    scenario_expect_t expect = opts->node_cmd? SCENARIO_EXPECT_VALID:
                               scenario_expect (sc, opts->system);
    json_t *results = json_pack ("{s:s, s:s, s:s, s:I, s:s, s:i, s:i, s:f, s:i, s:f, s:s}",
        "scenario", sc->name, "system", opts->system, "workload", self->workload->name,
        "seed", (json_int_t) opts->seed, "expected", scenario_expect_name (expect),
        "nodes", sc->nodes, "clients", sc->clients, "rate", sc->rate, "keys", sc->keys,
        "duration_s", opts->duration_s, "run_dir", opts->run_dir);
    if (sc->values)
        json_object_set_new (results, "values", json_integer (sc->values));
    if (opts->node_cmd)
        json_object_set_new (results, "node", json_string (opts->node_cmd));
    json_object_set_new (results, "config", s_config_json (opts->config));
    //  The zoo's bug switched on (--bug, or the scenario's bug = NAME), or null.
    json_object_set_new (results, "bug", json_null ());
    for (size_t i = 0; i < sc->params_count; i++)
        if (strncmp (sc->params [i], "bug=", 4) == 0)
            json_object_set_new (results, "bug", json_string (sc->params [i] + 4));
    check_verdict_t verdict = CHECK_UNKNOWN;
    //  A tour judges its own replicas (tour_checks' "lost").
    bool counted = false;
    json_t *convergence = ran && !self->tour? s_convergence (self, &counted): NULL;
    if (self->tour)
        json_object_update (results, self->tour);
    json_object_set_new (results, "checks", !ran? json_array ():
        self->tour? tour_checks (self->tour, opts->run_dir, &verdict):
        s_checks (self, counted? convergence_check (convergence): NULL, &verdict));
    if (convergence)
        json_object_set_new (results, "convergence", convergence);
    json_object_set_new (results, "valid", s_verdict_json (verdict));
    s_spectrum (results);
    json_object_set_new (results, "ops", json_pack ("{s:I, s:I, s:I, s:I}",
        "total", (json_int_t) history_invoke_count (self->history),
        "ok", (json_int_t) history_ok_count (self->history),
        "fail", (json_int_t) history_fail_count (self->history),
        "info", (json_int_t) history_info_count (self->history)));
    char *error = NULL;
    json_t *measures = measures_compute (opts->run_dir, &error);
    if (measures) {
        json_object_update (results, measures);
        json_decref (measures);
    }
    else {
        json_object_set_new (results, "measures_error", json_string (error? error: "?"));
        free (error);
    }
    //  A real database's own traffic never crosses the proxy (its faults
    //  are the IP plane's, in faults.jsonl): say what these counters are
    if (json_is_object (network) && opts->system && lab_system_is_database (opts->system))
        json_object_set_new (network, "carries", json_string ("clients"));
    json_object_set_new (results, "network", network? network: json_null ());
    //  Answers to no op in flight (late, duplicated), and messages to a
    //  client that were no envelope: counted, not recorded as ops.
    json_object_set_new (results, "unmatched_replies", json_integer (self->unmatched));
    json_object_set_new (results, "unreadable_replies", json_integer (self->unreadable));
    //  Integers past 64 bits in replies: kept as strings of their digits
    json_object_set_new (results, "wide_integers", json_integer (self->wide));
    //  Replies that broke the workload's schema: their ops are info, and
    //  the history's "error" says why, op by op
    json_object_set_new (results, "malformed_replies", self->malformed?
        json_pack ("{s:I, s:s}", "count", (json_int_t) self->malformed,
                   "first", self->malformed_first):
        json_pack ("{s:i}", "count", 0));
    if (opts->node_cmd)
        json_object_set_new (results, "bad_output", s_bad_output (self));
    if (self->notes)
        json_object_set (results, "notes", self->notes);
    if (self->skews)
        json_object_set (results, "clock_skew", self->skews);
    //  Always there, usually {}: the bytes of each node's output past
    //  FL_NODE_LOG_BYTES_MAX, cut from its log.
    json_object_set_new (results, "log_cut", self->log_cut? json_incref (self->log_cut): json_object ());
    //  Reaching FL_WARMUP_MS is not an error: the load starts into the
    //  election, and results.json says so.
    if (self->leaderless_start)
        json_object_set_new (results, "warm_up", json_string (
            "no leader within FL_WARMUP_MS; the load started without one"));
    if (self->ready_ns)
        json_object_set_new (results, "ready_ms",
            json_real ((self->ready_ns - self->t0_ns) / 1e6));
    if (self->first_op_ns)
        json_object_set_new (results, "first_op_ms",
            json_real ((self->first_op_ns - self->t0_ns) / 1e6));
    if (self->load_start_ns)
        json_object_set_new (results, "elapsed_s",
            json_real ((s_now (self) - self->load_start_ns) / 1e9));
    if (self->error) {
        json_object_set_new (results, "error", json_string (self->error));
        json_object_set_new (results, "valid", json_string ("unknown"));
    }
    return results;
}

static void
s_write_results (s_run_t *self, json_t *results)
{
    char path [4096];
    snprintf (path, sizeof path, "%s/results.json", self->opts->run_dir);
    if (json_dump_file (results, path, JSON_INDENT (2) | JSON_SORT_KEYS)) {
        s_fail (self, FL_EXIT_SOFTWARE, strdup ("cannot write results.json"));
        return;
    }
    char *error = NULL;
    if (report_write (self->opts->run_dir, &error)) {
        json_object_set_new (results, "report_error", json_string (error? error: "?"));
        json_dump_file (results, path, JSON_INDENT (2) | JSON_SORT_KEYS);
        free (error);
    }
    else {
        char report [4096];
        snprintf (report, sizeof report, "%s/report.html", self->opts->run_dir);
        json_object_set_new (results, "report", json_string (report));
        json_dump_file (results, path, JSON_INDENT (2) | JSON_SORT_KEYS);
    }
}

//  While the history is checked (up to FL_RUN_CHECK_TIMEOUT_S) the loop no
//  longer looks at the interrupted flag, and the lab is already stopped:
//  Ctrl-C then ends the process at once. What is on disk stays (history,
//  faults, trace, logs, scenario.conf); results.json is not written.
static void
s_exit_now (int signum)
{
    (void) signum;
    static const char text [] = "\nharness: interrupted after the load, while checking;"
                                " the history is kept (./harness check"
                                " RUN_DIR/history.jsonl)\n";
    if (write (STDERR_FILENO, text, sizeof text - 1) < 0)
        _exit (FL_EXIT_INTERRUPTED);
    _exit (FL_EXIT_INTERRUPTED);
}

static void
s_exit_on_signals (struct sigaction *saved)
{
    struct sigaction action;
    memset (&action, 0, sizeof action);
    action.sa_handler = s_exit_now;
    sigemptyset (&action.sa_mask);
    sigaction (SIGINT, &action, &saved [0]);
    sigaction (SIGTERM, &action, &saved [1]);
    sigaction (SIGHUP, &action, &saved [2]);
}

static void
s_restore_signals (struct sigaction *saved)
{
    sigaction (SIGINT, &saved [0], NULL);
    sigaction (SIGTERM, &saved [1], NULL);
    sigaction (SIGHUP, &saved [2], NULL);
}

static void
s_teardown (s_run_t *self)
{
    for (int i = 0; i < self->count; i++) {
        self->unmatched += self->clients [i]->unmatched;
        self->unreadable += self->clients [i]->unreadable;
        self->wide += self->clients [i]->wide;
        if (self->malformed == 0 && self->clients [i]->malformed)
            snprintf (self->malformed_first, sizeof self->malformed_first, "%s",
                      self->clients [i]->malformed_first);
        self->malformed += self->clients [i]->malformed;
        client_destroy (&self->clients [i]);
    }
    if (self->lab) {
        self->notes = json_deep_copy (lab_notes (self->lab));
        json_array_extend (self->notes, self->idle);
        if (self->idle_more)
            runnotes_add (self->notes, "%lld more fault steps did nothing (faults.jsonl has"
                          " each, as a period of no length)", (long long) self->idle_more);
        self->skews = lab_skew_json (self->lab);
        self->log_cut = lab_log_cut_json (self->lab);
    }
    nemesis_destroy (&self->nemesis);
    lab_destroy (&self->lab);
    schedule_destroy (&self->schedule);
}

//  After the load: stop the lab, check, write results.json (see runner_run).
//  Takes network (the proxy's counters, or NULL).
static int
s_finish (s_run_t *self, json_t *network, bool ran, json_t **results, char **error)
{
    const runner_opts_t *opts = self->opts;
    //  Once the load is over, Ctrl-C ends the run without its check: the
    //  history is on disk. While the lab stops the flag only records it,
    //  so that lab_destroy can finish killing what the nodes started; from
    //  the check on, s_exit_now ends the harness at once. Either way: exit
    //  130, the history kept and no results.json.
    bool interrupted_in_load = *opts->interrupted;
    s_teardown (self);
    struct sigaction saved [3];
    s_exit_on_signals (saved);
    if (!interrupted_in_load && *opts->interrupted) {
        s_fail (self, FL_EXIT_INTERRUPTED, strdup ("interrupted after the load, while the lab"
                " stopped; the history is kept, not checked"));
        json_decref (network);
        json_decref (self->final_replicas);
        s_restore_signals (saved);
        history_destroy (&self->history);
        *error = self->error;
        return self->status;
    }
    if (ran && *opts->interrupted) {
        //  Ctrl-C during the load: no check, results say so.
        s_fail (self, FL_EXIT_INTERRUPTED, strdup ("interrupted"));
        ran = false;
    }
    if (opts->tty && ran)
        printf ("  %-8s checking the history...\r", opts->system), fflush (stdout);
    *results = s_results (self, network, ran);
    if (opts->tty)
        printf ("\r\033[K"), fflush (stdout);
    s_write_results (self, *results);
    s_restore_signals (saved);
    history_destroy (&self->history);
    json_decref (self->notes);
    json_decref (self->idle);
    json_decref (self->skews);
    json_decref (self->log_cut);
    json_decref (self->final_replicas);
    json_decref (self->tour);
    *error = self->error;
    return self->error? self->status: 0;
}

int
runner_run (const runner_opts_t *opts, json_t **results, char **error)
{
    assert (opts && opts->scenario && results && error);
    s_run_t run = { .opts = opts, .scenario = opts->scenario,
                    .workload = workload_lookup (opts->scenario->workload) };
    s_run_t *self = &run;
    assert (self->workload);    // the scenario reader and --workload accept no other
    self->replicas = !opts->node_cmd && !opts->scenario->tour
                  && convergence_known (self->workload->name);
    self->converge_ms = -1;
    self->t0_ns = clock_mono_ns ();
    self->idle = json_array ();
    *results = NULL;
    if (s_write_scenario (self) || !(self->history = history_new (opts->run_dir, error))) {
        if (!*error && asprintf (error, "cannot write in '%s'", opts->run_dir) < 0)
            *error = NULL;
        return FL_EXIT_SOFTWARE;
    }
    self->schedule = schedule_new (opts->scenario, opts->seed,
                                   (int64_t) (opts->duration_s * 1000));
    s_unscheduled (self);
    lab_opts_t lab_opts = { .system = opts->system, .node_cmd = opts->node_cmd,
        .bin_dir = opts->bin_dir, .run_dir = opts->run_dir, .nodes = opts->scenario->nodes,
        .clients = opts->scenario->clients, .seed = opts->seed, .t0_ns = self->t0_ns, .params = opts->scenario->params,
        .params_count = opts->scenario->params_count, .tcp = opts->tcp,
        //  A tour runs crdt on lin-kv's keyed ops, which it answers in any
        //  of its workloads: it gets none, so it keeps its default.
        .workload = opts->scenario->tour && !lab_system_speaks (opts->system,
                    opts->scenario->workload)? NULL: opts->scenario->workload,
        .faketime = s_skews_clocks (opts->scenario) };
    char *lab_error = NULL;
    int status = 0;
    self->lab = lab_new (&lab_opts, &lab_error, &status);
    if (!self->lab)
        s_fail (self, status, lab_error);
    else
    if (lab_init (self->lab, &lab_error))
        s_fail (self, FL_EXIT_SOFTWARE, lab_error);
    else
    if (self->workload->topology) {
        json_t *topology = workload_topology (opts->scenario->topology, opts->scenario->nodes);
        assert (topology);      // the scenario reader accepts no other name
        if (lab_setup (self->lab, json_pack ("{s:s, s:o}", "type", "topology",
                       "topology", topology), &lab_error))
            s_fail (self, FL_EXIT_SOFTWARE, lab_error);
    }
    json_t *network = NULL;
    bool ran = false;
    if (!self->error) {
        self->nemesis = nemesis_new (self->lab, self->history, opts->seed);
        self->ready_ns = clock_mono_ns ();
        self->leaderless_start = lab_warm_up (self->lab) == 0;
        if (opts->scenario->tour)
            s_tour (self);
        else {
            s_start_clients (self);
            s_loop (self);
        }
        ran = !self->error;
        if (ran && !opts->scenario->tour)
            s_final_replicas (self);
        //  After an error or Ctrl-C the proxy may be gone: do not wait on it.
        network = ran? lab_stats (self->lab): NULL;
    }
    return s_finish (self, network, ran, results, error);
}
