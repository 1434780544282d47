/*  tap.h -- what every unit test's main does first: make cmocka print TAP,
    which prove reads, and give the binary a wall-clock limit, so a hung
    test fails on SIGALRM instead of blocking the suite. Also a test's
    private mkdtemp directory, made and removed.

    Header-only (a static inline function) because each test binary is one
    .c file. Includes cmocka.h with the headers it needs before it.
*/
#ifndef TAP_H_INCLUDED
#define TAP_H_INCLUDED
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <cmocka.h>

//  Call first in main. Both the environment variable and the call: cmocka
//  versions differ in which one they read.
static inline void
tap_start (unsigned alarm_s)
{
    alarm (alarm_s);
    setenv ("CMOCKA_MESSAGE_OUTPUT", "TAP", 1);
    cmocka_set_message_output (CM_OUTPUT_TAP);
}

//  Remove a test's mkdtemp directory and everything in it. Returns the
//  status of rm -rf: 0 when it is gone.
static inline int
tap_remove_dir (const char *dir)
{
    char command [256];
    snprintf (command, sizeof command, "rm -rf '%s'", dir);
    return system (command);
}

//  A test binary's private directory, for a group's setup and teardown:
//  tap_dir_make makes /tmp/fl-PROGRAM-XXXXXX into tap_dir, tap_dir_remove
//  removes it and everything in it.
static char tap_dir [64] __attribute__ ((unused));

static inline int
tap_dir_make (void **state)
{
    (void) state;
    snprintf (tap_dir, sizeof tap_dir, "/tmp/fl-%.24s-XXXXXX", program_invocation_short_name);
    return mkdtemp (tap_dir)? 0: -1;
}

static inline int
tap_dir_remove (void **state)
{
    (void) state;
    return tap_remove_dir (tap_dir) == 0? 0: -1;
}

#endif
