/*  rng.h -- the one seeded random generator faultlab draws from.

    xoshiro256** seeded through splitmix64: fast, small state, and the same
    seed gives the same sequence on every machine. Every random decision in
    the lab (proxy faults, fault schedules, client generators, election
    timeouts) comes from an rng_t seeded from the run's seed, so a seed
    replays a run. Embedded object: rng_init, no destroy needed.
*/
#ifndef FL_RNG_H_INCLUDED
#define FL_RNG_H_INCLUDED
#include <stdint.h>

typedef struct {
    uint64_t s [4];
} rng_t;

//  Seed the generator. Any seed, including 0, is valid.
void rng_init (rng_t *self, uint64_t seed);

//  Derive an independent stream: the same (seed, stream) gives the same
//  sequence; different streams do not overlap in practice. Use one stream
//  per consumer (per client, per node) so their draws do not interleave.
void rng_init_stream (rng_t *self, uint64_t seed, uint64_t stream);

//  Next 64 random bits.
uint64_t rng_next (rng_t *self);

//  Uniform double in [0, 1).
double rng_double (rng_t *self);

//  Uniform integer in [0, bound); bound > 0. Unbiased.
uint64_t rng_below (rng_t *self, uint64_t bound);

//  Uniform integer in [lo, hi], lo <= hi.
int64_t rng_range (rng_t *self, int64_t lo, int64_t hi);

//  True with probability p (p <= 0 never, p >= 1 always).
int rng_chance (rng_t *self, double p);

#endif
