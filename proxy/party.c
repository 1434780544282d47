/*  party.c -- party table and links (see party.h).

    Parties are never removed: an index, once given, stays valid, so links
    and held messages can name parties by index. The hash has a power of
    two number of slots, at least three times FL_PARTIES_MAX, probed
    linearly; a slot holds index + 1 (0 is empty).
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "party.h"

#define PARTY_SLOTS 1024
_Static_assert (PARTY_SLOTS >= 3 * FL_PARTIES_MAX, "party hash too small");
_Static_assert (FL_PARTIES_MAX < UINT16_MAX, "party index is 16 bits");

struct _party_table_t {
    party_t *parties [FL_PARTIES_MAX];
    size_t size;
    uint16_t slots [PARTY_SLOTS];   // index + 1, 0 = empty
};

//  FNV-1a over the id bytes.
static inline uint32_t
s_hash (const void *id, size_t id_len)
{
    const unsigned char *p = (const unsigned char *) id;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < id_len; i++)
        h = (h ^ p [i]) * 16777619u;
    return h;
}

party_table_t *
party_table_new (void)
{
    party_table_t *self = (party_table_t *) calloc (1, sizeof (party_table_t));
    assert (self);
    return self;
}

void
party_table_destroy (party_table_t **self_p)
{
    assert (self_p);
    party_table_t *self = *self_p;
    if (!self)
        return;
    for (size_t i = 0; i < self->size; i++) {
        party_t *party = self->parties [i];
        for (size_t j = 0; j < FL_PARTIES_MAX; j++)
            free (party->links [j]);
        free (party->links);
        free (party);
    }
    free (self);
    *self_p = NULL;
}

//  Ids are a few bytes: an inline loop beats a call to memcmp.
static inline bool
s_same (const char *a, const void *b, size_t size)
{
    const char *p = (const char *) b;
    for (size_t i = 0; i < size; i++)
        if (a [i] != p [i])
            return false;
    return true;
}

//  Slot holding the id, or the empty slot where it would go.
static inline size_t
s_slot (party_table_t *self, const void *id, size_t id_len)
{
    size_t slot = s_hash (id, id_len) & (PARTY_SLOTS - 1);
    while (self->slots [slot]) {
        party_t *party = self->parties [self->slots [slot] - 1];
        if (party->id_len == id_len && s_same (party->id, id, id_len))
            break;
        slot = (slot + 1) & (PARTY_SLOTS - 1);
    }
    return slot;
}

party_t *
party_table_find (party_table_t *self, const void *id, size_t id_len)
{
    assert (self);
    if (id_len == 0 || id_len > FL_ID_BYTES_MAX)
        return NULL;
    uint16_t entry = self->slots [s_slot (self, id, id_len)];
    return entry? self->parties [entry - 1]: NULL;
}

party_t *
party_table_ensure (party_table_t *self, const void *id, size_t id_len)
{
    assert (self);
    if (id_len == 0 || id_len > FL_ID_BYTES_MAX)
        return NULL;
    size_t slot = s_slot (self, id, id_len);
    if (self->slots [slot])
        return self->parties [self->slots [slot] - 1];
    if (self->size >= FL_PARTIES_MAX)
        return NULL;
    party_t *party = (party_t *) calloc (1, sizeof (party_t));
    assert (party);
    memcpy (party->id, id, id_len);
    party->id_len = id_len;
    party->index = (uint16_t) self->size;
    party->links = (party_link_t **) calloc (FL_PARTIES_MAX, sizeof (party_link_t *));
    assert (party->links);
    self->parties [self->size++] = party;
    self->slots [slot] = party->index + 1;
    return party;
}

party_t *
party_table_at (party_table_t *self, size_t index)
{
    assert (self);
    assert (index < self->size);
    return self->parties [index];
}

size_t
party_table_size (party_table_t *self)
{
    assert (self);
    return self->size;
}

static void
s_link_resolve (party_table_t *self, party_link_t *link, rule_table_t *rules)
{
    rule_table_resolve (rules, self->parties [link->src]->id,
                   self->parties [link->dest]->id, &link->rule);
    link->has_rule = !rule_is_none (&link->rule);
}

party_link_t *
party_table_link (party_table_t *self, party_t *src, party_t *dest, rule_table_t *rules)
{
    assert (self);
    party_link_t *link = src->links [dest->index];
    if (!link) {
        link = (party_link_t *) calloc (1, sizeof (party_link_t));
        assert (link);
        link->src = src->index;
        link->dest = dest->index;
        s_link_resolve (self, link, rules);
        src->links [dest->index] = link;
    }
    return link;
}

void
party_table_refresh (party_table_t *self, rule_table_t *rules)
{
    assert (self);
    for (size_t i = 0; i < self->size; i++)
        for (size_t j = 0; j < self->size; j++) {
            party_link_t *link = self->parties [i]->links [j];
            if (link)
                s_link_resolve (self, link, rules);
        }
}
