/*  nemesis.c -- fault actions with bookkeeping (see nemesis.h).

    The book is a small array of faults in force, each with its name,
    target and detail, so that every "start" line in faults.jsonl gets
    exactly one "end" line with the same fault and target, and the console
    can say what is in force. Actions that change nothing (a heal with
    nothing in force) still reach the lab: the book is for reporting, the
    lab is the truth.
*/
#include <stdio.h>
#include <string.h>
#include <assert.h>
#include "nemesis.h"
#include "hash.h"

#define NEMESIS_STREAM     0xa10000ULL

typedef struct {
    char fault [16];
    char target [FL_ID_BYTES_MAX];
    char detail [FL_FAULT_TEXT_BYTES_MAX];
    action_t spec;          // what started it (a type block's links and types)
} s_active_t;

struct _nemesis_t {
    lab_t *lab;
    history_t *history;
    rng_t rng;
    s_active_t active [FL_NEMESIS_ACTIVE_MAX];
    size_t count;
    bool nothing;           // the last apply changed nothing
};

nemesis_t *
nemesis_new (lab_t *lab, history_t *history, uint64_t seed)
{
    assert (lab);
    nemesis_t *self = calloc (1, sizeof *self);
    assert (self);
    self->lab = lab;
    self->history = history;
    rng_init_stream (&self->rng, seed, NEMESIS_STREAM);
    return self;
}

void
nemesis_destroy (nemesis_t **self_p)
{
    assert (self_p);
    free (*self_p);
    *self_p = NULL;
}

static void
s_start (nemesis_t *self, int64_t now_ns, const char *fault, const char *target,
         const char *detail, const action_t *spec)
{
    if (self->history)
        history_period (self->history, now_ns, "start", fault, target, detail);
    //  A setting replaces the same fault's old one, so the book holds at
    //  most one entry per fault kind and node (limits.h).
    assert (self->count < FL_NEMESIS_ACTIVE_MAX);
    s_active_t *entry = &self->active [self->count++];
    snprintf (entry->fault, sizeof entry->fault, "%s", fault);
    snprintf (entry->target, sizeof entry->target, "%s", target);
    snprintf (entry->detail, sizeof entry->detail, "%s", detail);
    entry->spec = *spec;
}

static void
s_end_at (nemesis_t *self, size_t index, int64_t now_ns)
{
    s_active_t *entry = &self->active [index];
    if (self->history)
        history_period (self->history, now_ns, "end", entry->fault, entry->target,
                       entry->detail);
    memmove (entry, entry + 1, (self->count - index - 1) * sizeof *entry);
    self->count--;
}

//  End faults by name and target (NULL target: any).
static void
s_end (nemesis_t *self, int64_t now_ns, const char *fault, const char *target)
{
    for (size_t i = self->count; i-- > 0; )
        if (streq (self->active [i].fault, fault)
        &&  (!target || streq (self->active [i].target, target)))
            s_end_at (self, i, now_ns);
}

//  Faults in force by name and target (NULL target: any).
static size_t
s_count (nemesis_t *self, const char *fault, const char *target)
{
    size_t count = 0;
    for (size_t i = 0; i < self->count; i++)
        count += streq (self->active [i].fault, fault)
              && (!target || streq (self->active [i].target, target));
    return count;
}

static bool
s_proxy_fault (const char *fault)
{
    return streq (fault, "partition") || streq (fault, "drop") || streq (fault, "delay")
        || streq (fault, "duplicate") || streq (fault, "reorder") || streq (fault, "pause")
        || streq (fault, "block-type");
}

int
nemesis_apply (nemesis_t *self, action_t *spec, int64_t now_ns,
               char *detail, size_t size, char **error)
{
    assert (self && spec);
    const char *fault = action_name (spec);
    const char *target = action_has_node (spec)? spec->node: "";
    //  Type blocks add up: each is a period of its own, until the lab holds
    //  none of its types on any of its links (an unblock-type naming them,
    //  all at once or a part at a time, or a heal). Its target is a digest
    //  of what it names (the detail says it whole).
    char blocked [24];
    if (spec->kind == ACTION_BLOCK_TYPE || spec->kind == ACTION_UNBLOCK_TYPE) {
        snprintf (blocked, sizeof blocked, "types:%08x",
                  (unsigned) (action_digest (spec) >> 32));
        target = blocked;
        if (spec->kind == ACTION_BLOCK_TYPE && s_count (self, fault, target) == 0
        &&  s_count (self, fault, NULL) >= FL_TYPE_BLOCKS_MAX) {
            *error = zsys_sprintf ("%d block-type faults are in force, the most at once"
                                   " (FL_TYPE_BLOCKS_MAX): unblock-type or heal first",
                                   FL_TYPE_BLOCKS_MAX);
            return -2;
        }
    }
    int rc = lab_apply (self->lab, spec, &self->rng, detail, size, error);
    self->nothing = rc == 1;
    if (rc < 0)
        return rc;
    if (rc == 1) {
        //  Nothing happened: a period of no length keeps the attempt and
        //  its detail (why not) in faults.jsonl, and counts for no op. Not
        //  for an undo (a restart of a running node is no kill), nor for
        //  a fault already in force there (a second kill): its zero-length
        //  end would close the open period when faults.jsonl is read back
        if (self->history && action_starts (spec) && s_count (self, fault, target) == 0) {
            history_period (self->history, now_ns, "start", fault, target, detail);
            history_period (self->history, now_ns, "end", fault, target, detail);
        }
        return 0;
    }
    if (spec->kind == ACTION_HEAL) {
        for (size_t i = self->count; i-- > 0; )
            if (s_proxy_fault (self->active [i].fault))
                s_end_at (self, i, now_ns);
    }
    else
    if (spec->kind == ACTION_UNBLOCK_TYPE) {
        for (size_t i = self->count; i-- > 0; )
            if (streq (self->active [i].fault, fault)
            &&  !lab_types_held (self->lab, &self->active [i].spec))
                s_end_at (self, i, now_ns);
    }
    else
    if (action_starts (spec)) {
        //  A new setting of the same fault replaces the old one. The proxy
        //  keeps one partition (a new one replaces every block), so a new
        //  partition ends the one in force, whatever its target.
        s_end (self, now_ns, fault, spec->kind == ACTION_PARTITION? NULL: target);
        s_start (self, now_ns, fault, target, detail, spec);
    }
    else
        s_end (self, now_ns, fault, *target? target: NULL);
    //  A killed process is stopped no more (its restart runs), and a
    //  restarted one is a new process: a stop in force on the node ends
    if (spec->kind == ACTION_KILL || spec->kind == ACTION_RESTART)
        s_end (self, now_ns, "stop", target);
    return 0;
}

bool
nemesis_did_nothing (const nemesis_t *self)
{
    assert (self);
    return self->nothing;
}

int
nemesis_heal_all (nemesis_t *self, int64_t now_ns, char **error)
{
    assert (self);
    char detail [FL_FAULT_TEXT_BYTES_MAX];
    action_t heal = { .kind = ACTION_HEAL };
    if (nemesis_apply (self, &heal, now_ns, detail, sizeof detail, error))
        return -1;
    for (int i = 0; i < lab_nodes (self->lab); i++) {
        action_t spec = { .kind = ACTION_RESTART };
        snprintf (spec.node, sizeof spec.node, "n%d", i + 1);
        int rc = 0;
        if (lab_node_killed (self->lab, i))
            rc = nemesis_apply (self, &spec, now_ns, detail, sizeof detail, error);
        spec.kind = ACTION_CONT;
        if (rc == 0 && lab_node_stopped (self->lab, i))
            rc = nemesis_apply (self, &spec, now_ns, detail, sizeof detail, error);
        spec.kind = ACTION_CLOCK_SKEW;
        if (rc == 0 && lab_node_skew (self->lab, i))
            rc = nemesis_apply (self, &spec, now_ns, detail, sizeof detail, error);
        if (rc)
            return -1;
    }
    while (self->count)
        s_end_at (self, self->count - 1, now_ns);
    return 0;
}

void
nemesis_describe (nemesis_t *self, char *buf, size_t size)
{
    assert (self);
    size_t used = 0;
    *buf = 0;
    for (size_t i = 0; i < self->count && used < size; i++) {
        const s_active_t *entry = &self->active [i];
        int n = snprintf (buf + used, size - used, "%s%s %s", i? "; ": "",
                          entry->fault, entry->detail);
        if (n < 0)
            break;
        used += (size_t) n;
    }
    if (self->count == 0)
        snprintf (buf, size, "none");
}

size_t
nemesis_active (nemesis_t *self)
{
    assert (self);
    return self->count;
}
