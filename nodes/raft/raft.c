/*  raft.c -- the Raft lin-kv server (see raft.h, docs/raft.md).

    Event-driven over the node library: handlers for client requests
    (read/write/cas) and for the four Raft messages, a tick timer for
    elections, heartbeats and check-quorum, and a zero-delay "flush" timer
    that runs at the start of the next loop turn, after the library has
    drained every message that arrived together. That flush is where the
    work is batched: the leader seals the client ops of the turn into one
    log entry, sends it to every follower (pipelined: without waiting for
    earlier appends to be acknowledged), fsyncs once, and then counts its
    own copy; a follower fsyncs once for all the appends of the turn before
    its acknowledgements leave.

    Rules kept here (the pure ones are in core.c):
    - Nothing that depends on durable state (a vote, an append ack, a vote
      request for our own candidacy) leaves before rlog_sync: such messages
      wait in the outbox, which the flush sends after the fsync.
    - A client op gets a definite answer only when it definitely did or did
      not take effect: its result when its entry is applied; error 11 when
      it never entered the log (no leader, lost leadership before sealing)
      or when a different entry was committed at its index; otherwise error
      0 (timeout, indefinite) when it waited too long.
    - Reads go through the log like writes, so no clock is trusted: the
      elapsed time that drives timeouts is built from node_now_ms steps
      clamped by core_clock_step, so an injected clock jump is one tick.
*/
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "limits.h"
#include "number.h"
#include "rlog.h"
#include "core.h"
#include "kv.h"
#include "raft.h"

typedef enum { RAFT_FOLLOWER, RAFT_CANDIDATE, RAFT_LEADER } raft_role_t;

//  A client op waiting for its entry to be applied.
typedef struct {
    char src [FL_ID_BYTES_MAX + 1];
    json_t *request;             // the request body (a reference)
    int64_t index;               // log index, 0 while in the open batch
    int64_t term;                // term of that entry
    size_t pos;                  // position of the op in the entry
    int64_t added_ms;            // when it arrived (elapsed time)
} waiter_t;

//  A message that may only leave after the next fsync.
typedef struct {
    char dest [FL_ID_BYTES_MAX + 1];
    json_t *body;
} outmsg_t;

//  A client request a follower forwards to the leader, perhaps in tries.
typedef struct {
    struct _raft_t *raft;
    char src [FL_ID_BYTES_MAX + 1];
    json_t *request;
    char id [96];                // the same for every try: runs once
    int tries;
    int64_t started_ms;
    int64_t try_ms;              // when the last try left
} forward_t;

struct _raft_t {
    node_t *node;
    rlog_t *log;
    kv_t *kv;
    int64_t heartbeat_ms;        // params
    int64_t election_min_ms;
    int64_t election_max_ms;
    int64_t batch_ms;
    int64_t ae_inflight_max;     // appends with entries in flight per follower
    bool prevote;                // run a pre-vote before raising the term
    bool noop;                   // a new leader appends an empty entry
    bool ready;                  // init arrived
    bool failed;                 // the disk failed: stopping
    size_t n, me;
    char ids [FL_NODES_MAX][FL_ID_BYTES_MAX + 1];
    raft_role_t role;
    char leader [FL_ID_BYTES_MAX + 1];   // known leader of this term, or ""
    int64_t commit, applied;
    int64_t now_ms, raw_ms;      // skew-proof elapsed time, last raw reading
    int64_t election_deadline_ms;
    int64_t heartbeat_due_ms;
    int64_t leader_since_ms;
    int64_t leader_heard_ms;     // last append accepted from a leader
    int64_t prevote_term;        // term a pre-vote is running for, or 0
    int64_t next [FL_NODES_MAX];         // leader: next index to send
    int64_t match [FL_NODES_MAX];        // leader: known replicated (own: synced)
    int64_t heard_ms [FL_NODES_MAX];     // leader: last answer in this term
    int64_t progress_ms [FL_NODES_MAX];  // leader: last time match grew
    int64_t resent_ms [FL_NODES_MAX];    // leader: last resend on a gap
    int64_t inflight [FL_NODES_MAX];     // leader: appends with entries not
                                         // yet answered (reset each heartbeat)
    bool granted [FL_NODES_MAX];         // candidate: votes in this term
    bool prevoted [FL_NODES_MAX];        // pre-votes for prevote_term (kept
                                         // apart: they are not votes)
    json_t *batch;               // ops not yet sealed into an entry
    waiter_t *waiters;
    size_t waiter_count;
    outmsg_t *outbox;
    size_t outbox_count;
    int flush_timer;             // pending flush timer id, or 0
    char boot_id [64];           // makes forwarded request ids unique
    uint64_t forward_seq;
    int64_t forward_rtt_ms;      // smoothed round trip of answered forwards
    int64_t synced_ms;           // last rlog_sync (bug ack-before-fsync)
};

static void s_flush (raft_t *self);
static void s_apply (raft_t *self);

static int
s_index_of (raft_t *self, const char *id)
{
    for (size_t i = 0; i < self->n; i++)
        if (strcmp (self->ids [i], id) == 0)
            return (int) i;
    return -1;
}

static int64_t
s_int (json_t *body, const char *key)
{
    return (int64_t) json_integer_value (json_object_get (body, key));
}

static bool
s_majority (raft_t *self, size_t count)
{
    return count * 2 > self->n;
}

//  Record node i's yes in flags (granted or prevoted); true when the yeses
//  now make a majority of the cluster.
static bool
s_tally (raft_t *self, bool *flags, int i)
{
    assert (i >= 0 && (size_t) i < self->n);
    flags [i] = true;
    size_t votes = 0;
    for (size_t k = 0; k < self->n; k++)
        votes += flags [k];
    return s_majority (self, votes);
}


//  --------------------------------------------------------------------------
//  Flush: group commit and the outbox

static void
s_on_flush (node_t *node, void *arg)
{
    (void) node;
    raft_t *self = (raft_t *) arg;
    self->flush_timer = 0;
    s_flush (self);
}

static void
s_arm_flush (raft_t *self)
{
    if (self->flush_timer || self->failed)
        return;
    self->flush_timer = node_after (self->node, (int) self->batch_ms, s_on_flush, self);
    if (self->flush_timer < 0) {
        self->flush_timer = 0;
        s_flush (self);                 // no timer left: flush now
    }
}

//  Write what is buffered; then send the outbox. On a disk error the node
//  stops: its promises to others can no longer be kept.
static int
s_sync (raft_t *self)
{
    //  Bug ack-before-fsync: what waits for the disk leaves now, and the
    //  log is written once a second (s_on_tick), as with a store that
    //  fsyncs "every second": a kill -9 loses what was acknowledged since.
    bool lazy = core_bug () == CORE_BUG_ACK_BEFORE_FSYNC
             && self->now_ms - self->synced_ms < FL_RAFT_BUG_SYNC_MS;
    int rc = self->failed ? -1 : lazy? 0: rlog_sync (self->log);
    if (!lazy)
        self->synced_ms = self->now_ms;
    if (rc && !self->failed) {
        node_log (self->node, "cannot write the raft log: %s: stopping", strerror (-rc));
        self->failed = true;
        node_stop (self->node);
    }
    for (size_t i = 0; i < self->outbox_count; i++) {
        if (rc == 0)
            node_send (self->node, self->outbox [i].dest, self->outbox [i].body);
        else
            json_decref (self->outbox [i].body);
    }
    self->outbox_count = 0;
    return rc;
}

//  Send body (taken) once everything it may depend on is on disk.
static void
s_send_durable (raft_t *self, const char *dest, json_t *body)
{
    if (!rlog_dirty (self->log) || core_bug () == CORE_BUG_ACK_BEFORE_FSYNC) {
        node_send (self->node, dest, body);
        return;
    }
    if (self->outbox_count == FL_RAFT_OUTBOX_MAX)
        s_sync (self);
    if (self->failed) {
        json_decref (body);
        return;
    }
    outmsg_t *msg = &self->outbox [self->outbox_count++];
    snprintf (msg->dest, sizeof msg->dest, "%s", dest);
    msg->body = body;
    s_arm_flush (self);
}


//  --------------------------------------------------------------------------
//  Waiters: client ops awaiting their entry

static void
s_waiter_remove (raft_t *self, size_t i)
{
    json_decref (self->waiters [i].request);
    self->waiters [i] = self->waiters [--self->waiter_count];
}

//  Answer every waiter matching (index) with an error and drop it.
static void
s_waiters_fail (raft_t *self, int64_t index, int code, const char *text)
{
    for (size_t i = 0; i < self->waiter_count; )
        if (self->waiters [i].index == index) {
            waiter_t *w = &self->waiters [i];
            node_reply_error (self->node, w->src, w->request, code, text);
            s_waiter_remove (self, i);
        }
        else
            i++;
}

static void
s_waiters_expire (raft_t *self)
{
    for (size_t i = 0; i < self->waiter_count; )
        if (core_waiter_expired (self->waiters [i].added_ms, self->now_ms)) {
            waiter_t *w = &self->waiters [i];
            node_reply_error (self->node, w->src, w->request, NODE_ERR_TIMEOUT,
                              "timeout: not committed yet, may still be");
            s_waiter_remove (self, i);
        }
        else
            i++;
}

//  Entry index of term was applied with these results: answer its waiters.
static void
s_waiters_resolve (raft_t *self, int64_t index, int64_t term, json_t *results)
{
    for (size_t i = 0; i < self->waiter_count; ) {
        waiter_t *w = &self->waiters [i];
        if (w->index != index) {
            i++;
            continue;
        }
        json_t *result = json_array_get (results, w->pos);
        if (w->term == term && result)
            node_reply (self->node, w->src, w->request, json_deep_copy (result));
        else
            node_reply_error (self->node, w->src, w->request,
                              NODE_ERR_TEMPORARILY_UNAVAILABLE,
                              "another leader's entry was committed in its place");
        s_waiter_remove (self, i);
    }
}


//  --------------------------------------------------------------------------
//  Replication (leader)

//  Send an AppendEntries to peer i from next [i], with at most max_entries
//  entries. Unless force, only when there are new entries and the pipeline
//  window has room.
static void
s_replicate_some (raft_t *self, size_t i, bool force, size_t max_entries)
{
    if (!force && !core_may_replicate (self->next [i], self->match [i],
                                       rlog_last_index (self->log),
                                       self->inflight [i], self->ae_inflight_max))
        return;
    int64_t prev = self->next [i] - 1;
    json_t *entries = json_array ();
    size_t count = core_append_count (self->log, self->next [i], max_entries);
    int64_t index = self->next [i];
    for (size_t k = 0; k < count; k++, index++) {
        size_t len;
        const char *data = rlog_data_at (self->log, index, &len);
        json_array_append_new (entries, json_pack ("[I, o]",
                               (json_int_t) rlog_term_at (self->log, index),
                               json_stringn_nocheck (data, len)));
    }
    json_t *body = json_pack ("{s:s, s:I, s:I, s:I, s:o, s:I}",
                              "type", "append_entries",
                              "term", (json_int_t) rlog_term (self->log),
                              "prev_index", (json_int_t) prev,
                              "prev_term", (json_int_t) rlog_term_at (self->log, prev),
                              "entries", entries,
                              "commit", (json_int_t) self->commit);
    node_send (self->node, self->ids [i], body);
    if (count)
        self->inflight [i]++;
    self->next [i] = index;
}

static void
s_replicate (raft_t *self, size_t i, bool force)
{
    s_replicate_some (self, i, force, FL_RAFT_AE_ENTRIES_MAX);
}

static void
s_replicate_all (raft_t *self, bool force)
{
    for (size_t i = 0; i < self->n; i++)
        if (i != self->me)
            s_replicate (self, i, force);
}

//  Heartbeat: every follower gets an append; one whose acknowledgements
//  stalled gets everything again from match + 1. One silent for longer
//  than an election timeout (dead, paused, cut off) gets an empty probe
//  instead of the same big append over and over; its first answer
//  restarts replication.
static void
s_heartbeat (raft_t *self)
{
    for (size_t i = 0; i < self->n; i++) {
        if (i == self->me)
            continue;
        if (self->match [i] < self->next [i] - 1
        &&  self->now_ms - self->progress_ms [i] >= 4 * self->heartbeat_ms)
            self->next [i] = self->match [i] + 1;
        self->inflight [i] = 0;         //  answers may have been lost
        bool silent = self->now_ms - self->heard_ms [i] > self->election_min_ms;
        s_replicate_some (self, i, true, silent ? 0 : FL_RAFT_AE_ENTRIES_MAX);
    }
    self->heartbeat_due_ms = self->now_ms + self->heartbeat_ms;
}

//  Seal the open batch into one entry of the current term and send it.
static void
s_seal_batch (raft_t *self)
{
    if (json_array_size (self->batch) == 0)
        return;
    char *data = json_dumps (self->batch, JSON_COMPACT);
    assert (data);
    int64_t term = rlog_term (self->log);
    int64_t index = rlog_append (self->log, term, data, strlen (data));
    free (data);
    for (size_t i = 0; i < self->waiter_count; i++)
        if (self->waiters [i].index == 0) {
            self->waiters [i].index = index;
            self->waiters [i].term = term;
        }
    json_array_clear (self->batch);
    s_replicate_all (self, false);
}

static void
s_advance_commit (raft_t *self)
{
    int64_t commit = core_commit (self->log, self->match, self->n, self->commit,
                                  rlog_term (self->log));
    if (commit > self->commit) {
        self->commit = commit;
        s_apply (self);
    }
}

//  Apply committed entries in order and answer the waiters of each.
static void
s_apply (raft_t *self)
{
    while (self->applied < self->commit) {
        int64_t index = ++self->applied;
        size_t len;
        const char *data = rlog_data_at (self->log, index, &len);
        json_error_t error;
        json_t *ops = json_loadb (data, len, 0, &error);
        json_t *results = json_array ();
        if (!json_is_array (ops))
            node_log (self->node, "entry %lld is not an array of ops: skipped",
                      (long long) index);
        for (size_t pos = 0; pos < json_array_size (ops); pos++)
            json_array_append_new (results, kv_apply (self->kv, json_array_get (ops, pos)));
        s_waiters_resolve (self, index, rlog_term_at (self->log, index), results);
        json_decref (results);
        json_decref (ops);
    }
}

static void
s_flush (raft_t *self)
{
    if (self->role == RAFT_LEADER)
        s_seal_batch (self);
    if (s_sync (self))
        return;
    if (self->role == RAFT_LEADER) {
        self->match [self->me] = rlog_last_index (self->log);
        s_advance_commit (self);
    }
    s_apply (self);
}


//  --------------------------------------------------------------------------
//  Roles

static void
s_reset_election (raft_t *self)
{
    self->election_deadline_ms = self->now_ms
        + core_election_timeout_ms (node_random (self->node),
                                    self->election_min_ms, self->election_max_ms);
}

//  Become a follower in term (>= ours): ops not yet in the log can never
//  happen, so their clients learn it at once (error 11).
static void
s_become_follower (raft_t *self, int64_t term)
{
    bool newer = term > rlog_term (self->log);
    if (newer) {
        rlog_set_meta (self->log, term, NULL);
        s_arm_flush (self);
    }
    if (self->role == RAFT_LEADER) {
        node_log (self->node, "term %lld: leader steps down", (long long) term);
        json_array_clear (self->batch);
        s_waiters_fail (self, 0, NODE_ERR_TEMPORARILY_UNAVAILABLE,
                        "leadership lost before the op entered the log");
    }
    if (self->role != RAFT_FOLLOWER || newer)
        s_reset_election (self);
    self->role = RAFT_FOLLOWER;
    self->leader [0] = 0;
    node_role_set (self->node, "follower", rlog_term (self->log));
}

static void
s_become_leader (raft_t *self)
{
    int64_t last = rlog_last_index (self->log);
    self->role = RAFT_LEADER;
    snprintf (self->leader, sizeof self->leader, "%s", self->ids [self->me]);
    self->leader_since_ms = self->now_ms;
    for (size_t i = 0; i < self->n; i++) {
        self->next [i] = last + 1;
        self->match [i] = 0;
        self->heard_ms [i] = self->now_ms;
        self->progress_ms [i] = self->now_ms;
        self->inflight [i] = 0;
    }
    //  An empty entry of the new term lets earlier entries commit (5.4.2)
    //  even if no client writes.
    if (self->noop)
        rlog_append (self->log, rlog_term (self->log), "[]", 2);
    node_role_set (self->node, "leader", rlog_term (self->log));
    node_log (self->node, "term %lld: leader (log %lld, commit %lld)",
              (long long) rlog_term (self->log), (long long) last, (long long) self->commit);
    s_heartbeat (self);
    s_arm_flush (self);
}

static void
s_start_election (raft_t *self)
{
    int64_t term = rlog_term (self->log) + 1;
    self->prevote_term = 0;
    rlog_set_meta (self->log, term, self->ids [self->me]);
    self->role = RAFT_CANDIDATE;
    self->leader [0] = 0;
    memset (self->granted, 0, sizeof self->granted);
    self->granted [self->me] = true;
    s_reset_election (self);
    node_role_set (self->node, "candidate", term);
    node_debug (self->node, "term %lld: candidate", (long long) term);
    if (s_majority (self, 1)) {
        s_become_leader (self);
        return;
    }
    for (size_t i = 0; i < self->n; i++)
        if (i != self->me)
            s_send_durable (self, self->ids [i], json_pack (
                "{s:s, s:I, s:I, s:I}", "type", "request_vote", "term", (json_int_t) term,
                "last_index", (json_int_t) rlog_last_index (self->log),
                "last_term", (json_int_t) rlog_last_term (self->log)));
    s_arm_flush (self);
}

//  Ask whether a majority would elect us before raising our term.
static void
s_start_prevote (raft_t *self)
{
    self->prevote_term = rlog_term (self->log) + 1;
    memset (self->prevoted, 0, sizeof self->prevoted);
    self->prevoted [self->me] = true;
    s_reset_election (self);
    if (s_majority (self, 1)) {
        s_start_election (self);
        return;
    }
    for (size_t i = 0; i < self->n; i++)
        if (i != self->me)
            node_send (self->node, self->ids [i], json_pack (
                "{s:s, s:I, s:I, s:I}", "type", "pre_vote",
                "term", (json_int_t) self->prevote_term,
                "last_index", (json_int_t) rlog_last_index (self->log),
                "last_term", (json_int_t) rlog_last_term (self->log)));
}

static void
s_on_tick (node_t *node, void *arg)
{
    raft_t *self = (raft_t *) arg;
    self->now_ms += core_tick_step (&self->raw_ms, node_now_ms (node));
    if (core_bug () == CORE_BUG_ACK_BEFORE_FSYNC && rlog_dirty (self->log)
    &&  self->now_ms - self->synced_ms >= FL_RAFT_BUG_SYNC_MS)
        s_sync (self);
    s_waiters_expire (self);
    if (self->role == RAFT_LEADER) {
        //  Bug stale-read: a leader that reads locally trusts its role, so
        //  it never checks that a majority still hears it either.
        if (core_bug () != CORE_BUG_STALE_READ
        &&  self->now_ms - self->leader_since_ms >= self->election_max_ms
        &&  !core_quorum_heard (self->heard_ms, self->n, self->me, self->now_ms,
                                self->election_max_ms)) {
            node_log (self->node, "no majority heard for %lld ms: stepping down",
                      (long long) self->election_max_ms);
            s_become_follower (self, rlog_term (self->log));
        }
        else
        if (self->now_ms >= self->heartbeat_due_ms)
            s_heartbeat (self);
    }
    else
    if (self->now_ms >= self->election_deadline_ms) {
        if (self->prevote)
            s_start_prevote (self);
        else
            s_start_election (self);
    }
}


//  --------------------------------------------------------------------------
//  Raft messages

//  Raft's rule for every message: a term newer than ours makes us a follower
//  in it. True when it did.
static bool
s_newer_term (raft_t *self, int64_t term)
{
    if (term <= rlog_term (self->log))
        return false;
    s_become_follower (self, term);
    return true;
}

static void
s_on_request_vote (node_t *node, const char *src, json_t *body, void *arg)
{
    (void) node;
    raft_t *self = (raft_t *) arg;
    if (!self->ready || s_index_of (self, src) < 0)
        return;
    int64_t term = s_int (body, "term");
    s_newer_term (self, term);
    bool grant = core_vote_grant (self->log, src, term, s_int (body, "last_term"),
                                  s_int (body, "last_index"));
    if (grant) {
        rlog_set_meta (self->log, term, src);
        s_reset_election (self);
    }
    s_send_durable (self, src, json_pack ("{s:s, s:I, s:b}", "type", "request_vote_res",
                    "term", (json_int_t) rlog_term (self->log), "granted", grant));
}

static void
s_on_request_vote_res (node_t *node, const char *src, json_t *body, void *arg)
{
    (void) node;
    raft_t *self = (raft_t *) arg;
    int i = self->ready ? s_index_of (self, src) : -1;
    if (i < 0)
        return;
    int64_t term = s_int (body, "term");
    if (s_newer_term (self, term))
        return;
    if (self->role != RAFT_CANDIDATE || term != rlog_term (self->log)
    ||  !json_is_true (json_object_get (body, "granted")))
        return;
    if (s_tally (self, self->granted, i))
        s_become_leader (self);
}

static void
s_on_pre_vote (node_t *node, const char *src, json_t *body, void *arg)
{
    raft_t *self = (raft_t *) arg;
    if (!self->ready || s_index_of (self, src) < 0)
        return;
    int64_t term = s_int (body, "term");
    bool heard_leader = self->role == RAFT_LEADER
        || (self->leader [0] && self->now_ms - self->leader_heard_ms < self->election_min_ms);
    bool grant = core_prevote_grant (self->log, term, s_int (body, "last_term"),
                                     s_int (body, "last_index"), heard_leader);
    node_send (node, src, json_pack ("{s:s, s:I, s:b, s:I}", "type", "pre_vote_res",
               "term", (json_int_t) term, "granted", grant,
               "current", (json_int_t) rlog_term (self->log)));
}

static void
s_on_pre_vote_res (node_t *node, const char *src, json_t *body, void *arg)
{
    (void) node;
    raft_t *self = (raft_t *) arg;
    int i = self->ready ? s_index_of (self, src) : -1;
    if (i < 0)
        return;
    int64_t current = s_int (body, "current");
    if (s_newer_term (self, current))
        return;
    int64_t term = s_int (body, "term");
    if (self->role == RAFT_LEADER || term != self->prevote_term
    ||  term != rlog_term (self->log) + 1
    ||  !json_is_true (json_object_get (body, "granted")))
        return;
    if (s_tally (self, self->prevoted, i))
        s_start_election (self);
}

//  Decode the entries of an append; returns their count or -1 if malformed.
static int
s_entries (json_t *array, core_entry_t *entries)
{
    if (!json_is_array (array) || json_array_size (array) > FL_RAFT_AE_ENTRIES_MAX)
        return -1;
    for (size_t k = 0; k < json_array_size (array); k++) {
        json_t *item = json_array_get (array, k);
        json_t *data = json_array_get (item, 1);
        if (!json_is_integer (json_array_get (item, 0)) || !json_is_string (data))
            return -1;
        entries [k].term = (int64_t) json_integer_value (json_array_get (item, 0));
        entries [k].data = json_string_value (data);
        entries [k].len = json_string_length (data);
    }
    return (int) json_array_size (array);
}

static void
s_on_append_entries (node_t *node, const char *src, json_t *body, void *arg)
{
    raft_t *self = (raft_t *) arg;
    if (!self->ready || s_index_of (self, src) < 0)
        return;
    int64_t term = s_int (body, "term");
    core_entry_t entries [FL_RAFT_AE_ENTRIES_MAX];
    int count = s_entries (json_object_get (body, "entries"), entries);
    int64_t prev = s_int (body, "prev_index");
    if (count < 0 || prev < 0) {
        size_t got = json_array_size (json_object_get (body, "entries"));
        if (got > FL_RAFT_AE_ENTRIES_MAX)
            node_log (node, "append_entries from '%s' has %zu entries, over "
                      "FL_RAFT_AE_ENTRIES_MAX (%d): ignored", src, got,
                      FL_RAFT_AE_ENTRIES_MAX);
        else
            node_log (node, "malformed append_entries from '%s': ignored", src);
        return;
    }
    if (term < rlog_term (self->log)) {
        node_send (node, src, json_pack ("{s:s, s:I, s:b, s:I, s:I, s:I}",
                   "type", "append_entries_res", "term", (json_int_t) rlog_term (self->log),
                   "success", 0, "match_index", (json_int_t) 0,
                   "conflict_term", (json_int_t) 0, "conflict_index", (json_int_t) 0));
        return;
    }
    if (term > rlog_term (self->log) || self->role != RAFT_FOLLOWER)
        s_become_follower (self, term);
    if (strcmp (self->leader, src) != 0) {
        snprintf (self->leader, sizeof self->leader, "%s", src);
        node_debug (node, "term %lld: following %s", (long long) term, src);
    }
    s_reset_election (self);
    self->leader_heard_ms = self->now_ms;
    core_append_t r = core_append (self->log, prev, s_int (body, "prev_term"),
                                   entries, (size_t) count);
    if (r.success)
        self->commit = core_follower_commit (self->commit, s_int (body, "commit"),
                                             r.match_index);
    s_send_durable (self, src, json_pack ("{s:s, s:I, s:b, s:I, s:I, s:I}",
                    "type", "append_entries_res", "term", (json_int_t) term,
                    "success", r.success, "match_index", (json_int_t) r.match_index,
                    "conflict_term", (json_int_t) r.conflict_term,
                    "conflict_index", (json_int_t) r.conflict_index));
    s_apply (self);
}

static void
s_on_append_entries_res (node_t *node, const char *src, json_t *body, void *arg)
{
    (void) node;
    raft_t *self = (raft_t *) arg;
    int i = self->ready ? s_index_of (self, src) : -1;
    if (i < 0)
        return;
    int64_t term = s_int (body, "term");
    if (s_newer_term (self, term))
        return;
    if (self->role != RAFT_LEADER || term != rlog_term (self->log))
        return;
    self->heard_ms [i] = self->now_ms;
    if (self->inflight [i] > 0)
        self->inflight [i]--;
    if (json_is_true (json_object_get (body, "success"))) {
        int64_t match = s_int (body, "match_index");
        if (match > self->match [i]) {
            self->match [i] = match;
            self->progress_ms [i] = self->now_ms;
        }
        if (self->next [i] < self->match [i] + 1)
            self->next [i] = self->match [i] + 1;
        s_advance_commit (self);
        s_replicate (self, (size_t) i, false);
        return;
    }
    //  A follower whose log is too short (a gap) most often just got our
    //  appends out of order, the missing one still in flight: resend at
    //  most once a heartbeat. A conflicting term is resolved at once.
    int64_t conflict_term = s_int (body, "conflict_term");
    int64_t next = core_next_after_reject (self->log, conflict_term,
                                           s_int (body, "conflict_index"), self->match [i]);
    if (next >= self->next [i])         //  a stale reject for a later spot
        return;
    if (conflict_term == 0 && self->now_ms - self->resent_ms [i] < self->heartbeat_ms)
        return;
    self->resent_ms [i] = self->now_ms;
    self->next [i] = next;
    s_replicate (self, (size_t) i, true);
}


//  --------------------------------------------------------------------------
//  Client requests

//  The leader we may forward to: known, and heard from lately (a follower
//  cut off from it should say 11 at once, not wait for a timeout).
static const char *
s_live_leader (raft_t *self)
{
    if (!self->leader [0] || self->role == RAFT_LEADER
    ||  self->now_ms - self->leader_heard_ms > 3 * self->heartbeat_ms)
        return NULL;
    return self->leader;
}

//  The lab's private replica_read: this node's applied state, at once and
//  from here (no log entry, no leader): what convergence compares.
static void
s_on_replica_read (node_t *node, const char *src, json_t *body, void *arg)
{
    raft_t *self = (raft_t *) arg;
    node_reply (node, src, body, json_pack ("{s:s, s:o}", "type", "replica_read_ok",
                "state", kv_state (self->kv)));
}

static void
s_forward_end (raft_t *self, forward_t *forward, json_t *reply, int code, const char *text)
{
    if (reply) {
        json_t *copy = json_deep_copy (reply);
        json_object_del (copy, "in_reply_to");
        json_object_del (copy, "msg_id");
        node_reply (self->node, forward->src, forward->request, copy);
    }
    else
        node_reply_error (self->node, forward->src, forward->request, code, text);
    json_decref (forward->request);
    free (forward);
}

static void s_forward_try (raft_t *self, forward_t *forward);

static void
s_on_forward_timer (node_t *node, void *arg)
{
    (void) node;
    forward_t *forward = (forward_t *) arg;
    s_forward_try (forward->raft, forward);
}

//  A try's outcome. A reply ends the forward, except error 11 after an
//  earlier try that may have reached a leader: that is not definite for
//  the op, so we try again while time is left, then answer 0.
static void
s_on_forwarded (node_t *node, json_t *reply, void *arg)
{
    (void) node;
    forward_t *forward = (forward_t *) arg;
    raft_t *self = forward->raft;
    const char *type = json_string_value (json_object_get (reply, "type"));
    bool refused = type && strcmp (type, "error") == 0
                && s_int (reply, "code") == NODE_ERR_TEMPORARILY_UNAVAILABLE;
    //  The round-trip estimate learns from answers and backs off on
    //  silence (replies to a try that timed out are lost to us, so without
    //  the back-off a slow network would never be learnt).
    if (reply)
        self->forward_rtt_ms += (self->now_ms - forward->try_ms - self->forward_rtt_ms) / 8;
    else
    if (self->forward_rtt_ms < FL_RAFT_FORWARD_TIMEOUT_MS)
        self->forward_rtt_ms = 2 * self->forward_rtt_ms + 10;
    if (reply && !(refused && forward->tries > 1))
        s_forward_end (self, forward, reply, 0, NULL);
    else
    if (core_forward_left_ms (forward->started_ms, self->now_ms) <= 0
    ||  node_after (self->node, refused ? (int) self->heartbeat_ms : 0,
                    s_on_forward_timer, forward) < 0)
        s_forward_end (self, forward, NULL, NODE_ERR_TIMEOUT,
                       "timeout: forwarded to the leader, outcome unknown");
}

//  Send one try to the live leader. With none: answer 11 if nothing was
//  sent yet (definite), else 0 at once -- an earlier try may have reached
//  a leader, and a client stuck here gains nothing by waiting.
static void
s_forward_try (raft_t *self, forward_t *forward)
{
    int64_t left_ms = core_forward_left_ms (forward->started_ms, self->now_ms);
    const char *leader = s_live_leader (self);
    if (!leader && forward->tries == 0) {
        s_forward_end (self, forward, NULL, NODE_ERR_TEMPORARILY_UNAVAILABLE,
                       "no leader known");
        return;
    }
    if (!leader || left_ms <= 0) {
        s_forward_end (self, forward, NULL, NODE_ERR_TIMEOUT,
                       "timeout: forwarded to the leader, outcome unknown");
        return;
    }
    json_t *copy = json_deep_copy (forward->request);
    json_object_del (copy, "msg_id");
    json_object_set_new (copy, "raft_id", json_string (forward->id));
    forward->tries++;
    forward->try_ms = self->now_ms;
    int64_t timeout_ms = core_forward_try_ms (self->forward_rtt_ms, left_ms);
    node_rpc (self->node, leader, copy, (int) timeout_ms, s_on_forwarded, forward);
}

static void
s_forward (raft_t *self, const char *src, json_t *body)
{
    forward_t *forward = calloc (1, sizeof (forward_t));
    assert (forward);
    forward->raft = self;
    snprintf (forward->src, sizeof forward->src, "%s", src);
    forward->request = json_incref (body);
    snprintf (forward->id, sizeof forward->id, "%s/%llu", self->boot_id,
              (unsigned long long) ++self->forward_seq);
    forward->started_ms = self->now_ms;
    s_forward_try (self, forward);
}

static void
s_on_client (node_t *node, const char *src, json_t *body, void *arg)
{
    raft_t *self = (raft_t *) arg;
    if (!self->ready) {
        node_reply_error (node, src, body, NODE_ERR_TEMPORARILY_UNAVAILABLE, "not initialised");
        return;
    }
    const char *forwarded = json_string_value (json_object_get (body, "raft_id"));
    if (self->role != RAFT_LEADER) {
        if (forwarded)
            node_reply_error (node, src, body, NODE_ERR_TEMPORARILY_UNAVAILABLE, "not the leader");
        else
            s_forward (self, src, body);
        return;
    }
    char why [128] = "the disk failed";
    if (self->failed || !core_admit (self->waiter_count, rlog_bytes (self->log),
                                     why, sizeof why)) {
        node_reply_error (node, src, body, NODE_ERR_TEMPORARILY_UNAVAILABLE, why);
        return;
    }
    char id [160];
    if (forwarded)
        snprintf (id, sizeof id, "%s", forwarded);
    else
        snprintf (id, sizeof id, "%s/%lld", src, (long long) s_int (body, "msg_id"));
    json_t *op = kv_op_from_request (body, id, forwarded != NULL);
    if (!op) {
        node_reply_error (node, src, body, NODE_ERR_MALFORMED_REQUEST,
                          "read needs key; write key, value; cas key, from, to; txn txn");
        return;
    }
    //  Bug stale-read: a read is answered from this leader's applied state,
    //  with no log entry, read index or lease: a deposed leader answers too.
    const char *type = json_string_value (json_object_get (body, "type"));
    if (core_bug () == CORE_BUG_STALE_READ && type && strcmp (type, "read") == 0) {
        node_reply (node, src, body, kv_apply (self->kv, op));
        json_decref (op);
        return;
    }
    waiter_t *w = &self->waiters [self->waiter_count++];
    snprintf (w->src, sizeof w->src, "%s", src);
    w->request = json_incref (body);
    w->index = 0;
    w->term = 0;
    w->pos = json_array_size (self->batch);
    w->added_ms = self->now_ms;
    json_array_append_new (self->batch, op);
    if (core_batch_full (json_array_size (self->batch)))
        s_seal_batch (self);
    s_arm_flush (self);
}


//  --------------------------------------------------------------------------
//  Set-up

static void
s_on_init (node_t *node, void *arg)
{
    raft_t *self = (raft_t *) arg;
    self->n = node_count (node);
    assert (self->n <= FL_NODES_MAX);
    int me = -1;
    for (size_t i = 0; i < self->n; i++) {
        snprintf (self->ids [i], sizeof self->ids [i], "%s", node_ids (node, i));
        if (strcmp (self->ids [i], node_id (node)) == 0)
            me = (int) i;
    }
    if (me < 0) {
        node_log (node, "init's node_ids do not name this node: serving no requests");
        return;
    }
    self->me = (size_t) me;
    snprintf (self->boot_id, sizeof self->boot_id, "%s.%lld", node_id (node),
              (long long) node_wall_ms (node));
    self->raw_ms = node_now_ms (node);
    self->forward_rtt_ms = 20;
    self->ready = true;
    self->role = RAFT_FOLLOWER;
    //  The first timeout is short, so a fresh cluster has a leader soon.
    //  Safe for a restarted node too: while a live leader exists, its
    //  peers refuse the pre-vote.
    self->election_deadline_ms = self->now_ms
        + core_election_timeout_ms (node_random (node), self->election_min_ms / 4 + 1,
                                    self->election_min_ms / 2 + 1);
    node_role_set (node, "follower", rlog_term (self->log));
    if (node_every (node, FL_RAFT_TICK_MS, s_on_tick, self) < 0) {
        node_log (node, "cannot start the raft tick timer: stopping");
        self->failed = true;
        node_stop (node);
    }
}

//  A --param in milliseconds, or def when absent; -1 when not a number > 0.
static int64_t
s_param_ms (node_t *node, const char *key, int64_t def)
{
    const char *text = node_param (node, key);
    if (!text)
        return def;
    uint64_t value;
    if (number_parse_whole (text, 600000, &value)) {
        node_log (node, "bad --param %s='%s': want milliseconds", key, text);
        return -1;
    }
    return (int64_t) value;
}

//  A --param that is true or false (default true); -1 when it is neither.
static int
s_param_bool (node_t *node, const char *key, bool *value)
{
    const char *text = node_param (node, key);
    *value = !text || strcmp (text, "true") == 0;
    if (text && !*value && strcmp (text, "false") != 0) {
        node_log (node, "bad --param %s='%s': want true or false", key, text);
        return -1;
    }
    return 0;
}

static bool
s_params (raft_t *self)
{
    self->heartbeat_ms = s_param_ms (self->node, "heartbeat_ms", 50);
    self->election_min_ms = s_param_ms (self->node, "election_min_ms", 300);
    self->election_max_ms = s_param_ms (self->node, "election_max_ms", 600);
    self->batch_ms = s_param_ms (self->node, "batch_ms", 0);
    self->ae_inflight_max = s_param_ms (self->node, "ae_inflight", 2);
    //  prevote=false: candidates raise their term at once (Raft without
    //  thesis 9.6, as many implementations run); still correct, only less
    //  steady: a node back from a partition deposes a working leader.
    //  noop=false: a new leader appends nothing of its own, so the entries
    //  of earlier terms it holds commit with the first client op of its
    //  term (the paper's section 5.4.2, without section 8's no-op).
    if (s_param_bool (self->node, "prevote", &self->prevote)
    ||  s_param_bool (self->node, "noop", &self->noop))
        return false;
    if (self->heartbeat_ms <= 0 || self->election_min_ms <= 0
    ||  self->election_max_ms < self->election_min_ms || self->batch_ms < 0
    ||  self->ae_inflight_max <= 0) {
        node_log (self->node, "bad raft params: need heartbeat_ms > 0, "
                  "0 < election_min_ms <= election_max_ms, batch_ms >= 0, ae_inflight > 0");
        return false;
    }
    return true;
}

static void
s_log_state (raft_t *self, size_t torn)
{
    const char *dir = node_data_dir (self->node);
    if (!dir)
        node_log (self->node, "no --data: term, vote and log kept in memory only; "
                  "a restart forgets them");
    else
        node_log (self->node, "state in '%s': term %lld, vote '%s', %lld entries%s",
                  dir, (long long) rlog_term (self->log), rlog_voted_for (self->log),
                  (long long) rlog_last_index (self->log),
                  torn ? " (a torn tail was cut off)" : "");
    if (torn)
        node_log (self->node, "cut %zu bytes of torn or corrupt records", torn);
}

raft_t *
raft_new (node_t *node, bool *usage_p)
{
    assert (node);
    assert (usage_p);
    raft_t *self = calloc (1, sizeof (raft_t));
    assert (self);
    self->node = node;
    char err [512] = "";
    size_t torn = 0;
    int bug = node_bug (node, "raft", CORE_BUG_NAMES);
    core_bug_set (bug >= 0? (core_bug_t) (bug + 1): CORE_BUG_NONE);
    *usage_p = bug == -2 || !s_params (self);
    if (*usage_p
    ||  !(self->log = rlog_open (node_data_dir (node), err, sizeof err, &torn))) {
        if (*err)
            node_log (node, "%s", err);
        raft_destroy (&self);
        return NULL;
    }
    s_log_state (self, torn);
    self->kv = kv_new ();
    self->batch = json_array ();
    self->waiters = calloc (FL_RAFT_WAITERS_MAX, sizeof (waiter_t));
    self->outbox = calloc (FL_RAFT_OUTBOX_MAX, sizeof (outmsg_t));
    assert (self->batch && self->waiters && self->outbox);
    node_on_init (node, s_on_init, self);
    node_on (node, "read", s_on_client, self);
    node_on (node, "write", s_on_client, self);
    node_on (node, "cas", s_on_client, self);
    node_on (node, "txn", s_on_client, self);
    node_on (node, "pre_vote", s_on_pre_vote, self);
    node_on (node, "pre_vote_res", s_on_pre_vote_res, self);
    node_on (node, "request_vote", s_on_request_vote, self);
    node_on (node, "request_vote_res", s_on_request_vote_res, self);
    node_on (node, "append_entries", s_on_append_entries, self);
    node_on (node, "append_entries_res", s_on_append_entries_res, self);
    node_on (node, "replica_read", s_on_replica_read, self);
    return self;
}

void
raft_destroy (raft_t **self_p)
{
    assert (self_p);
    raft_t *self = *self_p;
    if (!self)
        return;
    while (self->waiter_count)
        s_waiter_remove (self, 0);
    for (size_t i = 0; i < self->outbox_count; i++)
        json_decref (self->outbox [i].body);
    free (self->waiters);
    free (self->outbox);
    json_decref (self->batch);
    kv_destroy (&self->kv);
    rlog_destroy (&self->log);
    free (self);
    *self_p = NULL;
}

bool
raft_failed (raft_t *self)
{
    assert (self);
    return self->failed;
}
