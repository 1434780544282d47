/*  rule.c -- the rule table behind every link setting (see rule.h).

    Entries (a selector and its rule) live in a zhashx keyed "src\x1fdest"
    (ids cannot contain the unit separator: the control protocol rejects
    control characters in ids). The table is consulted when a link is first
    seen and after every control command that changes it; the per-message
    path reads only the resolved rule cached on each link, so the table can
    afford string keys.

    Type names live once, in a registry (types [i] is bit i of every
    rule's type mask). Entries are only ever appended, never reused, so a
    mask stays meaningful for the table's life whatever was healed since;
    the price is the FL_PROXY_TYPES_MAX cap per proxy lifetime.

    Invariants: no entry whose rule has an empty 'set' is kept; a rule's
    RULE_TYPES bit is set exactly when its 'types' is not 0; every bit of
    a mask is below type_count.
*/
#include <czmq.h>
#include "limits.h"
#include "rule.h"

struct _rule_table_t {
    zhashx_t *entries;      // key "src\x1fdest" -> s_entry_t
    char types [FL_PROXY_TYPES_MAX][FL_TYPE_BYTES_MAX + 1];
    size_t type_sizes [FL_PROXY_TYPES_MAX];
    size_t type_count;      // registry entries in use
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
          || (s & RULE_REORDER && self->reorder_p > 0)
          || (s & RULE_TYPES && self->types != 0));
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
    if (kinds & RULE_TYPES)
        to->types = from->types;
    to->set |= kinds;
}

//  Remove 'kinds' and the types in 'types' from a rule (RULE_TYPES in
//  kinds removes every type). True when the rule is left empty.
static bool
s_rule_strip (rule_t *rule, unsigned kinds, uint32_t types)
{
    if (kinds & RULE_TYPES)
        types = UINT32_MAX;
    rule->types &= ~types;
    rule->set &= ~(kinds & ~(unsigned) RULE_TYPES);
    if (rule->types == 0)
        rule->set &= ~(unsigned) RULE_TYPES;
    return rule->set == 0;
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

//  Remove 'kinds' and the types in 'types' from the rules selected by
//  (src, dest): the selector's and every one it covers; NULL selects all.
static void
s_strip (rule_table_t *self, const char *src, const char *dest, unsigned kinds,
         uint32_t types)
{
    //  An exact selector covers only its own entry: no scan (partitions set
    //  thousands of exact rules).
    if (src && !streq (src, "*") && !streq (dest, "*")) {
        char key [KEY_BYTES_MAX + 1];
        s_key (key, src, dest);
        s_entry_t *entry = (s_entry_t *) zhashx_lookup (self->entries, key);
        if (entry && s_rule_strip (&entry->rule, kinds, types))
            zhashx_delete (self->entries, key);
        return;
    }
    //  Keys of emptied rules are copied out and deleted after iterating.
    zlist_t *empty = zlist_new ();
    zlist_autofree (empty);
    s_entry_t *entry = (s_entry_t *) zhashx_first (self->entries);
    while (entry) {
        if ((!src || (s_covers (src, entry->src) && s_covers (dest, entry->dest)))
        &&  s_rule_strip (&entry->rule, kinds, types))
            zlist_append (empty, (void *) zhashx_cursor (self->entries));
        entry = (s_entry_t *) zhashx_next (self->entries);
    }
    const char *key = (const char *) zlist_first (empty);
    while (key) {
        zhashx_delete (self->entries, key);
        key = (const char *) zlist_next (empty);
    }
    zlist_destroy (&empty);
}

//  The selector's entry, created empty if new (the caller fills it before
//  the table is read again); NULL when new and the table is full.
static s_entry_t *
s_entry_ensure (rule_table_t *self, const char *src, const char *dest)
{
    char key [KEY_BYTES_MAX + 1];
    s_key (key, src, dest);
    s_entry_t *entry = (s_entry_t *) zhashx_lookup (self->entries, key);
    if (!entry) {
        if (zhashx_size (self->entries) >= FL_PROXY_RULES_MAX)
            return NULL;
        entry = (s_entry_t *) zmalloc (sizeof (s_entry_t));
        assert (entry);
        strcpy (entry->src, src);
        strcpy (entry->dest, dest);
        zhashx_insert (self->entries, key, entry);
    }
    return entry;
}

int
rule_table_set (rule_table_t *self, const char *src, const char *dest, const rule_t *values)
{
    assert (self);
    assert (src && dest && values);
    assert (strlen (src) <= FL_ID_BYTES_MAX && strlen (dest) <= FL_ID_BYTES_MAX);
    assert (!(values->set & RULE_TYPES));
    char key [KEY_BYTES_MAX + 1];
    s_key (key, src, dest);
    if (!zhashx_lookup (self->entries, key)
    &&  zhashx_size (self->entries) >= FL_PROXY_RULES_MAX)
        return -1;
    s_strip (self, src, dest, values->set, 0);
    s_entry_t *entry = s_entry_ensure (self, src, dest);
    assert (entry);         //  stripping only frees room
    s_rule_merge (&entry->rule, values, values->set);
    return 0;
}

void
rule_table_clear (rule_table_t *self, unsigned kinds)
{
    assert (self);
    s_strip (self, NULL, NULL, kinds, 0);
}

//  The registry index of a name, or -1.
static int
s_type_index (rule_table_t *self, const char *name, size_t size)
{
    for (size_t i = 0; i < self->type_count; i++)
        if (self->type_sizes [i] == size && memcmp (self->types [i], name, size) == 0)
            return (int) i;
    return -1;
}

int
rule_table_types_intern (rule_table_t *self, const char **names, size_t count,
                         uint32_t *mask)
{
    assert (self);
    assert (names && mask);
    //  Count the new names first (a name may repeat), so a refusal
    //  registers none.
    size_t fresh = 0;
    for (size_t i = 0; i < count; i++) {
        bool seen = s_type_index (self, names [i], strlen (names [i])) >= 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = streq (names [j], names [i]);
        fresh += !seen;
    }
    if (self->type_count + fresh > FL_PROXY_TYPES_MAX)
        return -1;
    *mask = 0;
    for (size_t i = 0; i < count; i++) {
        size_t size = strlen (names [i]);
        assert (size >= 1 && size <= FL_TYPE_BYTES_MAX);
        int index = s_type_index (self, names [i], size);
        if (index < 0) {
            index = (int) self->type_count++;
            memcpy (self->types [index], names [i], size + 1);
            self->type_sizes [index] = size;
        }
        *mask |= (uint32_t) 1 << index;
    }
    return 0;
}

uint32_t
rule_table_types_known (rule_table_t *self, const char **names, size_t count)
{
    assert (self);
    assert (names);
    uint32_t mask = 0;
    for (size_t i = 0; i < count; i++) {
        int index = s_type_index (self, names [i], strlen (names [i]));
        if (index >= 0)
            mask |= (uint32_t) 1 << index;
    }
    return mask;
}

int
rule_table_types_add (rule_table_t *self, const char *src, const char *dest, uint32_t mask)
{
    assert (self);
    assert (src && dest);
    assert (strlen (src) <= FL_ID_BYTES_MAX && strlen (dest) <= FL_ID_BYTES_MAX);
    assert (((uint64_t) mask >> self->type_count) == 0);   //  registered types only
    if (mask == 0)
        return 0;           //  no empty entry is kept
    s_entry_t *entry = s_entry_ensure (self, src, dest);
    if (!entry)
        return -1;
    entry->rule.types |= mask;
    entry->rule.set |= RULE_TYPES;
    return 0;
}

void
rule_table_types_remove (rule_table_t *self, const char *src, const char *dest,
                         uint32_t mask)
{
    assert (self);
    assert (src && dest);
    if (mask)
        s_strip (self, src, dest, 0, mask);
}

bool
rule_table_types_match (rule_table_t *self, uint32_t mask, const char *type, size_t size)
{
    assert (self);
    assert (type || size == 0);
    for (size_t i = 0; mask && i < self->type_count; i++, mask >>= 1)
        if ((mask & 1) && self->type_sizes [i] == size
        &&  memcmp (self->types [i], type, size) == 0)
            return true;
    return false;
}

const char *
rule_table_type_name (rule_table_t *self, unsigned index)
{
    assert (self);
    assert (index < self->type_count);
    return self->types [index];
}

static int
s_name_cmp (const void *a, const void *b)
{
    return strcmp (*(const char **) a, *(const char **) b);
}

size_t
rule_table_types_names (rule_table_t *self, uint32_t mask, const char **names)
{
    assert (self);
    assert (names);
    size_t count = 0;
    for (size_t i = 0; i < self->type_count; i++)
        if (mask & ((uint32_t) 1 << i))
            names [count++] = self->types [i];
    qsort (names, count, sizeof (const char *), s_name_cmp);
    return count;
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
        if (!entry)
            continue;
        //  Type sets add up over every covering selector.
        s_rule_merge (out, &entry->rule,
                      entry->rule.set & ~out->set & ~(unsigned) RULE_TYPES);
        out->types |= entry->rule.types;
    }
    if (out->types)
        out->set |= RULE_TYPES;
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
s_entry_json (rule_table_t *self, const s_entry_t *entry)
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
    if (r->set & RULE_TYPES) {
        const char *names [FL_PROXY_TYPES_MAX];
        size_t count = rule_table_types_names (self, r->types, names);
        json_t *types = json_array ();
        for (size_t i = 0; i < count; i++)
            json_array_append_new (types, json_string (names [i]));
        json_object_set_new (obj, "types", types);
    }
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
        json_array_append_new (array, s_entry_json (self, all [i]));
    free (all);
    return array;
}
