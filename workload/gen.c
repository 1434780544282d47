/*  gen.c -- the lin-kv generator (see gen.h).

    Every draw comes from the client's own stream, in a fixed order per op
    (the kind, then the key), so the sequence of kinds and keys is a pure
    function of (seed, client). Values are unique by construction, not by
    chance. What the system answered only changes a cas's "from", never the
    draws, so two runs with one seed issue the same kinds on the same keys.
*/
#include <assert.h>
#include "gen.h"

//  Stream numbers for clients: far from other consumers' streams.
#define GEN_STREAM_BASE 0x6e0000ULL

void
gen_init (gen_t *self, uint64_t seed, int client, int clients, int keys)
{
    assert (self);
    assert (client >= 1 && client <= clients);
    assert (keys >= 1 && keys <= FL_SCENARIO_KEYS_MAX);
    *self = (gen_t) { .client = client, .clients = clients, .keys = keys };
    rng_init_stream (&self->rng, seed, GEN_STREAM_BASE + (uint64_t) client);
}

static int64_t
s_unique (gen_t *self)
{
    return self->written++ * self->clients + self->client;
}

gen_op_t
gen_next (gen_t *self)
{
    assert (self);
    int roll = (int) rng_below (&self->rng, 100);
    gen_op_t op = { .key = (int) rng_below (&self->rng, (uint64_t) self->keys) };
    if (roll < GEN_READ_PERCENT)
        op.f = GEN_READ;
    else
    if (roll < GEN_READ_PERCENT + GEN_WRITE_PERCENT || !self->known [op.key]) {
        op.f = GEN_WRITE;
        op.value = s_unique (self);
    }
    else {
        op.f = GEN_CAS;
        op.from = self->last [op.key];
        op.value = s_unique (self);
    }
    return op;
}

void
gen_observe (gen_t *self, int key, bool has_value, int64_t value)
{
    assert (self);
    assert (key >= 0 && key < self->keys);
    self->known [key] = has_value;
    self->last [key] = value;
}

const char *
gen_f_name (gen_f_t f)
{
    return f == GEN_READ? "read": f == GEN_WRITE? "write": "cas";
}
