/*  hash.h -- the integer and byte hashes faultlab uses, in one place.

    Each is a few instructions on a hot path (the checker's search cache and
    queue tables hash every step), so they are static inline: no call, and
    the compiler folds them into the table probe. Their values are part of
    behaviour in two places and must never change: hash_splitmix64 seeds
    every rng_t (a seed must replay a run), and hash_fnv1a64 of a node's id
    picks its rng stream. Elsewhere they only place entries in private hash
    tables, where any good mix would do.
*/
#ifndef FL_HASH_H_INCLUDED
#define FL_HASH_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

//  FNV-1a's 64-bit offset basis, the usual start for hash_fnv1a64.
#define HASH_FNV1A64_BASIS 0xcbf29ce484222325ULL

//  Scramble a 64-bit integer so that every input bit moves about half the
//  output bits (two xor-shift-multiply rounds): keys that differ in a few
//  low bits, or only in the high ones, land in different slots of a
//  power-of-two table.
static inline uint64_t
hash_mix64 (uint64_t x)
{
    x ^= x >> 31;
    x *= 0x7fb5d329728ea185ULL;
    x ^= x >> 27;
    x *= 0x81dadef4bc2dd44dULL;
    return x ^ (x >> 33);
}

//  SplitMix64 (Steele, Lea and Flood; Vigna's public-domain code): advance
//  *state by the golden gamma and return its mix. Successive calls give a
//  well-spread sequence from any start, including 0: the way to turn one
//  seed into the four words of a xoshiro state.
static inline uint64_t
hash_splitmix64 (uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

//  FNV-1a over bytes [0, len), starting from h (HASH_FNV1A64_BASIS, or a
//  basis mixed with something the bytes leave out, such as their length).
static inline uint64_t
hash_fnv1a64 (const void *bytes, size_t len, uint64_t h)
{
    const uint8_t *p = (const uint8_t *) bytes;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p [i]) * 0x100000001b3ULL;
    return h;
}

#endif
