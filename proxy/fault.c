/*  fault.c -- the rule table behind every fault setting (see fault.h).

    Rules live in a zhashx keyed "src\x1fdest" (ids cannot contain the unit
    separator: the control protocol rejects control characters in ids). The
    table is consulted when a link is first seen and after every control
    command that changes it; the per-message path reads only the resolved
    fault cached on each link, so the table can afford string keys.
    Invariant: no rule with an empty 'set' is kept.
*/
#include <czmq.h>
#include "limits.h"
#include "fault.h"

struct _rules_t {
    zhashx_t *rules;        // key "src\x1fdest" -> rule_t
};

typedef struct {
    char src [FL_ID_BYTES_MAX + 1];
    char dest [FL_ID_BYTES_MAX + 1];
    fault_t fault;
} rule_t;

#define KEY_BYTES_MAX (2 * FL_ID_BYTES_MAX + 2)

bool
fault_is_none (const fault_t *self)
{
    assert (self);
    unsigned s = self->set;
    return !((s & RULE_BLOCK && self->block)
          || (s & RULE_DROP && self->drop_p > 0)
          || (s & RULE_DELAY && (self->delay_ms > 0 || self->jitter_ms > 0))
          || (s & RULE_DUPLICATE && self->duplicate_p > 0)
          || (s & RULE_REORDER && self->reorder_p > 0));
}

bool
fault_id_is_client (const char *id)
{
    return id && id [0] == 'c';
}

static void
s_key (char *key, const char *src, const char *dest)
{
    snprintf (key, KEY_BYTES_MAX + 1, "%s\x1f%s", src, dest);
}

static void
s_rule_free (void **item_p)
{
    free (*item_p);
    *item_p = NULL;
}

rules_t *
rules_new (void)
{
    rules_t *self = (rules_t *) zmalloc (sizeof (rules_t));
    assert (self);
    self->rules = zhashx_new ();
    assert (self->rules);
    zhashx_set_destructor (self->rules, s_rule_free);
    return self;
}

void
rules_destroy (rules_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        rules_t *self = *self_p;
        zhashx_destroy (&self->rules);
        free (self);
        *self_p = NULL;
    }
}

//  Copy the kinds in 'kinds' from 'from' to 'to'.
static void
s_fault_merge (fault_t *to, const fault_t *from, unsigned kinds)
{
    if (kinds & RULE_BLOCK)
        to->block = from->block;
    if (kinds & RULE_DROP)
        to->drop_p = from->drop_p;
    if (kinds & RULE_DELAY) {
        to->delay_ms = from->delay_ms;
        to->jitter_ms = from->jitter_ms;
    }
    if (kinds & RULE_DUPLICATE)
        to->duplicate_p = from->duplicate_p;
    if (kinds & RULE_REORDER)
        to->reorder_p = from->reorder_p;
    to->set |= kinds;
}

//  Does selector pattern 'sel' cover rule pattern 'pat'? "*" covers "*"
//  and every node id, never a client id.
static bool
s_covers (const char *sel, const char *pat)
{
    if (streq (sel, pat))
        return true;
    return streq (sel, "*") && !fault_id_is_client (pat);
}

//  Remove 'kinds' from the rules selected by (src, dest); NULL selects all.
static void
s_strip (rules_t *self, const char *src, const char *dest, unsigned kinds)
{
    //  An exact selector covers only its own rule: no scan (partitions set
    //  thousands of exact rules).
    if (src && !streq (src, "*") && !streq (dest, "*")) {
        char key [KEY_BYTES_MAX + 1];
        s_key (key, src, dest);
        rule_t *rule = (rule_t *) zhashx_lookup (self->rules, key);
        if (rule && (rule->fault.set &= ~kinds) == 0)
            zhashx_delete (self->rules, key);
        return;
    }
    //  Keys of emptied rules are copied out and deleted after iterating.
    zlist_t *empty = zlist_new ();
    zlist_autofree (empty);
    rule_t *rule = (rule_t *) zhashx_first (self->rules);
    while (rule) {
        if (!src || (s_covers (src, rule->src) && s_covers (dest, rule->dest))) {
            rule->fault.set &= ~kinds;
            if (rule->fault.set == 0)
                zlist_append (empty, (void *) zhashx_cursor (self->rules));
        }
        rule = (rule_t *) zhashx_next (self->rules);
    }
    const char *key = (const char *) zlist_first (empty);
    while (key) {
        zhashx_delete (self->rules, key);
        key = (const char *) zlist_next (empty);
    }
    zlist_destroy (&empty);
}

int
rules_set (rules_t *self, const char *src, const char *dest, const fault_t *values)
{
    assert (self);
    assert (src && dest && values);
    assert (strlen (src) <= FL_ID_BYTES_MAX && strlen (dest) <= FL_ID_BYTES_MAX);
    char key [KEY_BYTES_MAX + 1];
    s_key (key, src, dest);
    rule_t *rule = (rule_t *) zhashx_lookup (self->rules, key);
    if (!rule && zhashx_size (self->rules) >= FL_FAULT_RULES_MAX)
        return -1;
    s_strip (self, src, dest, values->set);
    rule = (rule_t *) zhashx_lookup (self->rules, key);
    if (!rule) {
        rule = (rule_t *) zmalloc (sizeof (rule_t));
        assert (rule);
        strcpy (rule->src, src);
        strcpy (rule->dest, dest);
        zhashx_insert (self->rules, key, rule);
    }
    s_fault_merge (&rule->fault, values, values->set);
    return 0;
}

void
rules_clear (rules_t *self, unsigned kinds)
{
    assert (self);
    s_strip (self, NULL, NULL, kinds);
}

void
rules_resolve (rules_t *self, const char *src, const char *dest, fault_t *out)
{
    assert (self);
    assert (out);
    memset (out, 0, sizeof (fault_t));
    if (zhashx_size (self->rules) == 0)
        return;
    bool src_node = !fault_id_is_client (src);
    bool dest_node = !fault_id_is_client (dest);
    //  Most specific first; each kind taken from the first rule that sets it.
    const char *cands [4][2] = {
        { src, dest }, { src, "*" }, { "*", dest }, { "*", "*" }
    };
    bool usable [4] = { true, dest_node, src_node, src_node && dest_node };
    for (int i = 0; i < 4; i++) {
        if (!usable [i])
            continue;
        char key [KEY_BYTES_MAX + 1];
        s_key (key, cands [i][0], cands [i][1]);
        rule_t *rule = (rule_t *) zhashx_lookup (self->rules, key);
        if (rule)
            s_fault_merge (out, &rule->fault, rule->fault.set & ~out->set);
    }
}

size_t
rules_size (rules_t *self)
{
    assert (self);
    return zhashx_size (self->rules);
}

static int
s_rule_cmp (const void *a, const void *b)
{
    const rule_t *x = *(const rule_t **) a;
    const rule_t *y = *(const rule_t **) b;
    int rc = strcmp (x->src, y->src);
    return rc? rc: strcmp (x->dest, y->dest);
}

static json_t *
s_rule_json (const rule_t *rule)
{
    const fault_t *f = &rule->fault;
    json_t *obj = json_pack ("{s:s, s:s}", "src", rule->src, "dest", rule->dest);
    if (f->set & RULE_BLOCK)
        json_object_set_new (obj, "block", json_boolean (f->block));
    if (f->set & RULE_DROP)
        json_object_set_new (obj, "drop", json_real (f->drop_p));
    if (f->set & RULE_DELAY) {
        json_object_set_new (obj, "delay_ms", json_real (f->delay_ms));
        json_object_set_new (obj, "jitter_ms", json_real (f->jitter_ms));
    }
    if (f->set & RULE_DUPLICATE)
        json_object_set_new (obj, "duplicate", json_real (f->duplicate_p));
    if (f->set & RULE_REORDER)
        json_object_set_new (obj, "reorder", json_real (f->reorder_p));
    return obj;
}

json_t *
rules_json (rules_t *self)
{
    assert (self);
    size_t n = zhashx_size (self->rules);
    rule_t **all = (rule_t **) calloc (n + 1, sizeof (rule_t *));
    assert (all);
    size_t i = 0;
    for (rule_t *r = (rule_t *) zhashx_first (self->rules); r;
         r = (rule_t *) zhashx_next (self->rules))
        all [i++] = r;
    qsort (all, n, sizeof (rule_t *), s_rule_cmp);
    json_t *array = json_array ();
    for (i = 0; i < n; i++)
        json_array_append_new (array, s_rule_json (all [i]));
    free (all);
    return array;
}
