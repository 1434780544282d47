/*  faketime.h -- a process's clock offset through libfaketime, as the lab
    and bin/node-stdio share it.

    bin/node-stdio --faketime PATH starts its node program with
    libfaketime preloaded (Debian package faketime), reading its offset
    from the file PATH on every clock call (FAKETIME_NO_CACHE=1). The
    file holds one relative offset in seconds, sign first, and a newline:

        +0          no skew (what the bridge writes at start)
        +5.000      five seconds ahead
        -2.500      two and a half seconds behind

    The node's clocks then read real time plus the offset and keep
    running (checked with date, python3 time.time () and ruby Time.now).
    The offset is absolute, not cumulative: writing +5.000 twice is +5 s.
    libfaketime shifts CLOCK_MONOTONIC by the same offset (it cannot be
    told not to without breaking python3's time.sleep), as node_now_ms
    does for our own nodes. A change takes effect at the node's next
    clock read. The writer replaces the file atomically (a temporary file
    in the same directory, then rename), so a reader never sees half a
    line.

    Any program may write the file itself in that format; these functions
    are the one writer and reader faultlab uses.
*/
#ifndef FL_FAKETIME_H_INCLUDED
#define FL_FAKETIME_H_INCLUDED

#include <stddef.h>
#include <stdint.h>

//  Where Debian's package puts the library, and the package's name for
//  messages. $FAULTLAB_LIBFAKETIME overrides the path (other systems, and
//  the test that the bridge refuses to start without it).
#define FAKETIME_LIB_PATH  "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
#define FAKETIME_PACKAGE   "faketime"

//  The library to preload: $FAULTLAB_LIBFAKETIME if set and not empty,
//  else FAKETIME_LIB_PATH. Borrowed.
const char *faketime_lib (void);

//  Format offset_ms as the file's line without its newline ("+5.000",
//  "-2.500", "+0.000"). Returns 0, or -1 when |offset_ms| is over
//  FL_FAKETIME_OFFSET_MS_MAX or the buffer is too small.
int faketime_format (int64_t offset_ms, char *buffer, size_t size);

//  Parse one line of the file's format (sign, decimal seconds with at
//  most 3 decimals, optional newline). Returns 0 and sets *offset_ms, or
//  -1 when the text is not such an offset.
int faketime_parse (const char *text, int64_t *offset_ms);

//  Write offset_ms to path atomically (path.tmp.PID, then rename).
//  Returns 0, or -1 with errno set (EINVAL: offset out of range).
int faketime_write (const char *path, int64_t offset_ms);

//  Read the offset in path. Returns 0 and sets *offset_ms, or -1 when
//  the file is missing, unreadable or not in the format (errno ENOENT,
//  ..., or EINVAL).
int faketime_read (const char *path, int64_t *offset_ms);

#endif
