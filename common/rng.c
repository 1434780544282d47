/*  rng.c -- xoshiro256** (Blackman and Vigna, public domain) seeded through
    splitmix64. See rng.h. No global state: the generator is the struct.
*/
#include <assert.h>
#include "hash.h"
#include "rng.h"

static inline uint64_t
s_rotl (uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void
rng_init (rng_t *self, uint64_t seed)
{
    assert (self);
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        self->s [i] = hash_splitmix64 (&x);
}

void
rng_init_stream (rng_t *self, uint64_t seed, uint64_t stream)
{
    uint64_t x = stream;
    rng_init (self, seed ^ hash_splitmix64 (&x));
}

uint64_t
rng_next (rng_t *self)
{
    assert (self);
    uint64_t *s = self->s;
    uint64_t result = s_rotl (s [1] * 5, 7) * 9;
    uint64_t t = s [1] << 17;
    s [2] ^= s [0];
    s [3] ^= s [1];
    s [1] ^= s [2];
    s [0] ^= s [3];
    s [2] ^= t;
    s [3] = s_rotl (s [3], 45);
    return result;
}

double
rng_double (rng_t *self)
{
    return (rng_next (self) >> 11) * 0x1.0p-53;
}

uint64_t
rng_below (rng_t *self, uint64_t bound)
{
    assert (bound > 0);
    //  Rejection sampling removes modulo bias.
    uint64_t threshold = -bound % bound;
    for (;;) {
        uint64_t r = rng_next (self);
        if (r >= threshold)
            return r % bound;
    }
}

int64_t
rng_range (rng_t *self, int64_t lo, int64_t hi)
{
    assert (lo <= hi);
    return lo + (int64_t) rng_below (self, (uint64_t) (hi - lo) + 1);
}

int
rng_chance (rng_t *self, double p)
{
    if (p <= 0)
        return 0;
    if (p >= 1)
        return 1;
    return rng_double (self) < p;
}
