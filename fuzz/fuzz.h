/*  fuzz.h -- what every target in fuzz/ shares: the libFuzzer entry points.

    Each fuzz/NAME.c (replay.c aside) is one target: it defines
    LLVMFuzzerTestOneInput, which feeds one input to one reader of the lab
    and checks what the reader promises (no crash, no leak, no undefined
    behaviour under the sanitizers; what it writes it reads back). Built
    with clang -fsanitize=fuzzer it is fuzz/bin/NAME (make fuzz); built
    with the normal compiler and fuzz/replay.c's main it is
    fuzz/bin/NAME-replay, which runs files through the same function, so
    the inputs in fuzz/regressions/NAME/ stay tests without clang
    (tests/fuzz_regressions.t). docs/fuzzing.md says how to run them.

    A failed promise is an abort (FUZZ_ASSERT), which libFuzzer saves as a
    crash input, and which the replay reports by exiting on the signal.
*/
#ifndef FL_FUZZ_H_INCLUDED
#define FL_FUZZ_H_INCLUDED

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

//  Optional: once, before the first input (the proxy and node targets make
//  their object here). Weak, so a target without it links.
int LLVMFuzzerInitialize (int *argc, char ***argv) __attribute__ ((weak));

//  assert () that the build's NDEBUG cannot turn off, saying which promise
//  (on fd 2 itself: a target may point the stderr FILE elsewhere).
#define FUZZ_ASSERT(cond) \
    do { if (!(cond)) { dprintf (2, "%s:%d: promise broken: %s\n", \
                                 __FILE__, __LINE__, #cond); abort (); } } while (0)

#endif
