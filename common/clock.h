/*  clock.h -- monotonic and wall time in the units faultlab uses.
    Code that decides takes the time as an argument; only the top of each
    program reads these.
*/
#ifndef FL_CLOCK_H_INCLUDED
#define FL_CLOCK_H_INCLUDED
#include <stdint.h>

//  Monotonic nanoseconds since an arbitrary origin.
int64_t clock_mono_ns (void);

//  Monotonic milliseconds since an arbitrary origin.
int64_t clock_mono_ms (void);

//  Wall-clock milliseconds since the Unix epoch.
int64_t clock_wall_ms (void);

#endif
