/*  rule.c -- the rule table behind every link setting (see rule.h).

    Entries (a selector and its rule) live in a zhashx keyed "src\x1fdest"
    (ids cannot contain the unit separator: the control protocol rejects
    control characters in ids). The table is consulted when a link is first
    seen and after every control command that changes it; the per-message
    path reads only the resolved rule cached on each link, so the table can
    afford string keys.
    Invariant: no entry whose rule has an empty 'set' is kept.
*/
#include <czmq.h>
#include "limits.h"
#include "rule.h"

struct _rule_table_t {
    zhashx_t *entries;      // key "src\x1fdest" -> s_entry_t
};

typedef struct {
    char src [FL_ID_BYTES_MAX + 1];
    char dest [FL_ID_BYTES_MAX + 1];
    rule_t rule;
} s_entry_t;

#define KEY_BYTES_MAX (2 * FL_ID_BYTES_MAX + 2)

bool
rule_is_none (const rule_t *self)
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
rule_is_node (const char *id)
{
    assert (id);
    if (id [0] != 'n' || id [1] == 0)
        return false;
    for (const char *digit = id + 1; *digit; digit++)
        if (*digit < '0' || *digit > '9')
            return false;
    return true;
}

static void
s_key (char *key, const char *src, const char *dest)
{
    snprintf (key, KEY_BYTES_MAX + 1, "%s\x1f%s", src, dest);
}

static void
s_entry_free (void **item_p)
{
    free (*item_p);
    *item_p = NULL;
}

rule_table_t *
rule_table_new (void)
{
    rule_table_t *self = (rule_table_t *) zmalloc (sizeof (rule_table_t));
    assert (self);
    self->entries = zhashx_new ();
    assert (self->entries);
    zhashx_set_destructor (self->entries, s_entry_free);
    return self;
}

void
rule_table_destroy (rule_table_t **self_p)
{
    assert (self_p);
    if (*self_p) {
        rule_table_t *self = *self_p;
        zhashx_destroy (&self->entries);
        free (self);
        *self_p = NULL;
    }
}

//  Copy the kinds in 'kinds' from 'from' to 'to'.
static void
s_rule_merge (rule_t *to, const rule_t *from, unsigned kinds)
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

//  Does selector pattern 'sel' cover entry pattern 'pat'? "*" covers "*"
//  and every node id, never a client's or a service's.
static bool
s_covers (const char *sel, const char *pat)
{
    if (streq (sel, pat))
        return true;
    return streq (sel, "*") && (streq (pat, "*") || rule_is_node (pat));
}

//  Remove 'kinds' from the rules selected by (src, dest); NULL selects all.
static void
s_strip (rule_table_t *self, const char *src, const char *dest, unsigned kinds)
{
    //  An exact selector covers only its own entry: no scan (partitions set
    //  thousands of exact rules).
    if (src && !streq (src, "*") && !streq (dest, "*")) {
        char key [KEY_BYTES_MAX + 1];
        s_key (key, src, dest);
        s_entry_t *entry = (s_entry_t *) zhashx_lookup (self->entries, key);
        if (entry && (entry->rule.set &= ~kinds) == 0)
            zhashx_delete (self->entries, key);
        return;
    }
    //  Keys of emptied rules are copied out and deleted after iterating.
    zlist_t *empty = zlist_new ();
    zlist_autofree (empty);
    s_entry_t *entry = (s_entry_t *) zhashx_first (self->entries);
    while (entry) {
        if (!src || (s_covers (src, entry->src) && s_covers (dest, entry->dest))) {
            entry->rule.set &= ~kinds;
            if (entry->rule.set == 0)
                zlist_append (empty, (void *) zhashx_cursor (self->entries));
        }
        entry = (s_entry_t *) zhashx_next (self->entries);
    }
    const char *key = (const char *) zlist_first (empty);
    while (key) {
        zhashx_delete (self->entries, key);
        key = (const char *) zlist_next (empty);
    }
    zlist_destroy (&empty);
}

int
rule_table_set (rule_table_t *self, const char *src, const char *dest, const rule_t *values)
{
    assert (self);
    assert (src && dest && values);
    assert (strlen (src) <= FL_ID_BYTES_MAX && strlen (dest) <= FL_ID_BYTES_MAX);
    char key [KEY_BYTES_MAX + 1];
    s_key (key, src, dest);
    s_entry_t *entry = (s_entry_t *) zhashx_lookup (self->entries, key);
    if (!entry && zhashx_size (self->entries) >= FL_PROXY_RULES_MAX)
        return -1;
    s_strip (self, src, dest, values->set);
    entry = (s_entry_t *) zhashx_lookup (self->entries, key);
    if (!entry) {
        entry = (s_entry_t *) zmalloc (sizeof (s_entry_t));
        assert (entry);
        strcpy (entry->src, src);
        strcpy (entry->dest, dest);
        zhashx_insert (self->entries, key, entry);
    }
    s_rule_merge (&entry->rule, values, values->set);
    return 0;
}

void
rule_table_clear (rule_table_t *self, unsigned kinds)
{
    assert (self);
    s_strip (self, NULL, NULL, kinds);
}

void
rule_table_resolve (rule_table_t *self, const char *src, const char *dest, rule_t *out)
{
    assert (self);
    assert (out);
    memset (out, 0, sizeof (rule_t));
    if (zhashx_size (self->entries) == 0)
        return;
    bool src_node = rule_is_node (src);
    bool dest_node = rule_is_node (dest);
    //  Most specific first; each kind taken from the first entry that sets it.
    const char *cands [4][2] = {
        { src, dest }, { src, "*" }, { "*", dest }, { "*", "*" }
    };
    bool usable [4] = { true, dest_node, src_node, src_node && dest_node };
    for (int i = 0; i < 4; i++) {
        if (!usable [i])
            continue;
        char key [KEY_BYTES_MAX + 1];
        s_key (key, cands [i][0], cands [i][1]);
        s_entry_t *entry = (s_entry_t *) zhashx_lookup (self->entries, key);
        if (entry)
            s_rule_merge (out, &entry->rule, entry->rule.set & ~out->set);
    }
}

size_t
rule_table_size (rule_table_t *self)
{
    assert (self);
    return zhashx_size (self->entries);
}

static int
s_entry_cmp (const void *a, const void *b)
{
    const s_entry_t *x = *(const s_entry_t **) a;
    const s_entry_t *y = *(const s_entry_t **) b;
    int rc = strcmp (x->src, y->src);
    return rc? rc: strcmp (x->dest, y->dest);
}

static json_t *
s_entry_json (const s_entry_t *entry)
{
    const rule_t *r = &entry->rule;
    json_t *obj = json_pack ("{s:s, s:s}", "src", entry->src, "dest", entry->dest);
    if (r->set & RULE_BLOCK)
        json_object_set_new (obj, "block", json_boolean (r->block));
    if (r->set & RULE_DROP)
        json_object_set_new (obj, "drop", json_real (r->drop_p));
    if (r->set & RULE_DELAY) {
        json_object_set_new (obj, "delay_ms", json_real (r->delay_ms));
        json_object_set_new (obj, "jitter_ms", json_real (r->jitter_ms));
    }
    if (r->set & RULE_DUPLICATE)
        json_object_set_new (obj, "duplicate", json_real (r->duplicate_p));
    if (r->set & RULE_REORDER)
        json_object_set_new (obj, "reorder", json_real (r->reorder_p));
    return obj;
}

json_t *
rule_table_json (rule_table_t *self)
{
    assert (self);
    size_t n = zhashx_size (self->entries);
    s_entry_t **all = (s_entry_t **) calloc (n + 1, sizeof (s_entry_t *));
    assert (all);
    size_t i = 0;
    for (s_entry_t *e = (s_entry_t *) zhashx_first (self->entries); e;
         e = (s_entry_t *) zhashx_next (self->entries))
        all [i++] = e;
    qsort (all, n, sizeof (s_entry_t *), s_entry_cmp);
    json_t *array = json_array ();
    for (i = 0; i < n; i++)
        json_array_append_new (array, s_entry_json (all [i]));
    free (all);
    return array;
}
