/*  lab_netplane_live.c -- the IP plane for real, as root: three node
    namespaces behind the hub; a TCP echo in n2 and n3, reached from n1
    and n2 by a child that setns'd into its node's namespace. A partition
    blocks n1 -> n2 and leaves n2 -> n3 alone, heal restores it; drop 1
    blocks, heal restores; a delay through NFQUEUE (bin/netqueue) still
    delivers (the echo arrives, no sooner than the delay: a lower bound
    only, which load cannot break); duplicate 1 delivers a UDP datagram
    twice. Everything runs inside netplane_private's namespaces, so
    nothing is left on the host. Skipped when not root or where
    netplane_check says the plane cannot be built.
*/
#include "tap.h"
#include <string.h>
#include <signal.h>
#include <poll.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <sys/prctl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include "clock.h"
#include "lab/netplane.h"
#include "scenario/action.h"

#define S_PORT 7000
static netplane_t *s_plane;
static pid_t s_echo [4];

//  In node K's namespace: a TCP echo and a UDP counter on S_PORT.
static pid_t
s_start_echo (int k)
{
    pid_t pid = fork ();
    if (pid)
        return pid;
    prctl (PR_SET_PDEATHSIG, SIGKILL);
    if (setns (netplane_netns (s_plane, k), CLONE_NEWNET))
        _exit (2);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (S_PORT) };
    int tcp = socket (AF_INET, SOCK_STREAM, 0), udp = socket (AF_INET, SOCK_DGRAM, 0);
    int one = 1;
    setsockopt (tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind (tcp, (struct sockaddr *) &addr, sizeof addr) || listen (tcp, 16)
    ||  bind (udp, (struct sockaddr *) &addr, sizeof addr))
        _exit (3);
    for (;;) {
        struct pollfd items [2] = { { .fd = tcp, .events = POLLIN }, { .fd = udp, .events = POLLIN } };
        poll (items, 2, -1);
        if (items [0].revents) {
            int conn = accept (tcp, NULL, NULL);
            char byte;
            if (conn >= 0 && read (conn, &byte, 1) == 1 && write (conn, &byte, 1) != 1)
                byte = 0;
            close (conn);
        }
        if (items [1].revents) {
            char buf [64];
            struct sockaddr_in from;
            socklen_t len = sizeof from;
            ssize_t got = recvfrom (udp, buf, sizeof buf, 0, (struct sockaddr *) &from, &len);
            if (got > 0)
                sendto (udp, "x", 1, 0, (struct sockaddr *) &from, len);
        }
    }
}

//  From node FROM's namespace: 0 when a byte goes to TO's echo and comes
//  back within timeout_ms; UDP: the number of answers to one datagram.
static int
s_probe (int from, int to, bool udp, int timeout_ms)
{
    pid_t pid = fork ();
    if (pid == 0) {
        if (setns (netplane_netns (s_plane, from), CLONE_NEWNET))
            _exit (100);
        struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (S_PORT) };
        inet_pton (AF_INET, netplane_addrs (s_plane) [to - 1], &addr.sin_addr);
        int fd = socket (AF_INET, udp? SOCK_DGRAM: SOCK_STREAM, 0);
        fcntl (fd, F_SETFL, O_NONBLOCK);
        int64_t deadline = clock_mono_ms () + timeout_ms;
        if (connect (fd, (struct sockaddr *) &addr, sizeof addr) && errno != EINPROGRESS)
            _exit (101);
        struct pollfd item = { .fd = fd, .events = POLLOUT };
        if (poll (&item, 1, timeout_ms) <= 0)
            _exit (102);
        if (write (fd, "x", 1) != 1)
            _exit (103);
        int answers = 0;
        char byte;
        for (;;) {
            int64_t left = deadline - clock_mono_ms ();
            item = (struct pollfd) { .fd = fd, .events = POLLIN };
            if (left <= 0 || poll (&item, 1, (int) left) <= 0 || read (fd, &byte, 1) != 1)
                break;
            answers++;
            if (!udp)
                break;
        }
        _exit (udp? answers: answers == 1? 0: 104);
    }
    int status;
    waitpid (pid, &status, 0);
    return WIFEXITED (status)? WEXITSTATUS (status): 200;
}

static void
s_apply (const char *text)
{
    action_t spec;
    char *error = NULL;
    assert_int_equal (action_parse (&spec, text, 3, &error), 0);
    char detail [256] = "";
    int rc = netplane_apply (s_plane, &spec, detail, sizeof detail, &error);
    if (rc)
        print_message ("# %s: %s\n", text, error);
    assert_int_equal (rc, 0);
}

static void
test_partition_blocks_and_heal_restores (void **state)
{
    (void) state;
    assert_int_equal (s_probe (1, 2, false, 2000), 0);
    s_apply ("partition n1|n2,n3");
    assert_int_not_equal (s_probe (1, 2, false, 500), 0);
    assert_int_equal (s_probe (2, 3, false, 2000), 0);
    s_apply ("heal");
    assert_int_equal (s_probe (1, 2, false, 2000), 0);
}

static void
test_drop_all_blocks_and_heal_restores (void **state)
{
    (void) state;
    s_apply ("drop 1");
    assert_int_not_equal (s_probe (2, 3, false, 500), 0);
    s_apply ("heal");
    assert_int_equal (s_probe (2, 3, false, 2000), 0);
}

static void
test_delay_through_nfqueue_delivers (void **state)
{
    (void) state;
    s_apply ("delay 300");
    int64_t start = clock_mono_ms ();
    assert_int_equal (s_probe (1, 3, false, 10000), 0);
    int64_t took = clock_mono_ms () - start;
    print_message ("# delayed echo took %lld ms\n", (long long) took);
    //  SYN, SYN-ACK, data and its echo each cross the hub: at least one
    //  delay, however loaded the machine.
    assert_true (took >= 300);
    s_apply ("heal");
    assert_int_equal (s_probe (1, 3, false, 2000), 0);
}

static void
test_duplicate_delivers_twice (void **state)
{
    (void) state;
    s_apply ("duplicate 1");
    //  The datagram is duplicated on its way to n3 and each copy is
    //  answered, each answer duplicated on its way back: 4.
    int answers = s_probe (1, 3, true, 1000);
    assert_true (answers >= 2);
    s_apply ("heal");
    assert_int_equal (s_probe (1, 3, true, 1000), 1);
}

static int
s_setup (void **state)
{
    (void) state;
    char *error = NULL;
    char run_dir [] = "/tmp/fl-netplane-XXXXXX";
    assert_non_null (mkdtemp (run_dir));
    s_plane = netplane_new (3, ".", run_dir, 1, &error);
    if (!s_plane)
        print_message ("# netplane_new: %s\n", error);
    assert_non_null (s_plane);
    for (int k = 1; k <= 3; k++)
        s_echo [k] = s_start_echo (k);
    usleep (100000);
    return 0;
}

static int
s_teardown (void **state)
{
    (void) state;
    for (int k = 1; k <= 3; k++)
        if (s_echo [k] > 0) {
            kill (s_echo [k], SIGKILL);
            waitpid (s_echo [k], NULL, 0);
        }
    netplane_destroy (&s_plane);
    return 0;
}

int
main (void)
{
    tap_start (120);
    char *error = NULL;
    int status = 0;
    if (netplane_check (".", &error)) {
        printf ("1..0 # SKIP %s\n", error);
        return 0;
    }
    if (netplane_private (&status) == 0)
        return status;
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_partition_blocks_and_heal_restores),
        cmocka_unit_test (test_drop_all_blocks_and_heal_restores),
        cmocka_unit_test (test_delay_through_nfqueue_delivers),
        cmocka_unit_test (test_duplicate_delivers_twice),
    };
    return cmocka_run_group_tests (tests, s_setup, s_teardown);
}
