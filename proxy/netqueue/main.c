/*  bin/netqueue -- the IP plane's delay, jitter and reorder: reads the
    hub namespace's forwarded packets from NFQUEUE (iptables -j NFQUEUE
    --queue-bypass in the hub's FORWARD chain, which lab/netplane.c adds
    while such a fault is in force) and gives each its verdict now or
    later, as proxy/netq.h decides.

        bin/netqueue [--queue NUM] [--seed N]

    Reads config lines from stdin ("set DELAY_MS JITTER_MS REORDER_P", see
    netq.h); prints "ready" once bound to the queue; at EOF on stdin,
    SIGTERM or SIGINT it accepts everything held and exits 0. A bad line
    is reported on stderr and ignored.

    It lives in proxy/ because it holds packets in the proxy's own heap
    (proxy/held.h); the module graph lets proxy programs use proxy's
    library, and lab runs it as a program, as it runs bin/proxy, never
    linking it. It is the one program here linked with
    libnetfilter_queue (the Makefile's bin/netqueue rule).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netfilter.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include "clock.h"
#include "exits.h"
#include "limits.h"
#include "number.h"
#include "proxy/netq.h"

static volatile sig_atomic_t s_stop;

static void s_on_signal (int sig) { (void) sig; s_stop = 1; }

typedef struct {
    netq_t q;
    struct nfq_q_handle *queue;
} s_state_t;

static int
s_on_packet (struct nfq_q_handle *queue, struct nfgenmsg *msg, struct nfq_data *data, void *arg)
{
    (void) msg;
    s_state_t *state = (s_state_t *) arg;
    struct nfqnl_msg_packet_hdr *header = nfq_get_msg_packet_hdr (data);
    if (!header)
        return 0;
    uint32_t id = ntohl (header->packet_id);
    if (netq_arrive (&state->q, id, clock_mono_ns ()))
        nfq_set_verdict (queue, id, NF_ACCEPT, 0, NULL);
    return 0;
}

static void
s_release_due (s_state_t *state, int64_t now_ns)
{
    uint32_t id;
    while (netq_due (&state->q, now_ns, &id))
        nfq_set_verdict (state->queue, id, NF_ACCEPT, 0, NULL);
}

//  One line of config from stdin; false at EOF.
static bool
s_read_config (s_state_t *state, char *line, size_t size, size_t *used)
{
    ssize_t got = read (0, line + *used, size - 1 - *used);
    if (got <= 0)
        return false;
    *used += (size_t) got;
    line [*used] = 0;
    char *newline;
    while ((newline = strchr (line, '\n'))) {
        *newline = 0;
        netq_config_t config;
        char *error = NULL;
        if (netq_config_parse (&config, line, &error) == 0)
            netq_set (&state->q, &config, clock_mono_ns ());
        else {
            fprintf (stderr, "%s\n", error? error: "netqueue: bad line");
            free (error);
        }
        size_t rest = *used - (size_t) (newline + 1 - line);
        memmove (line, newline + 1, rest + 1);
        *used = rest;
    }
    if (*used == size - 1)
        *used = 0;          // a line past the buffer: dropped
    return true;
}

static int
s_usage (void)
{
    fprintf (stderr, "usage: netqueue [--queue NUM] [--seed N]\n");
    return FL_EXIT_USAGE;
}

int
main (int argc, char **argv)
{
    uint64_t queue_num = 0, seed = 1;
    for (int i = 1; i < argc; i += 2) {
        uint64_t *into = strcmp (argv [i], "--queue") == 0? &queue_num:
                         strcmp (argv [i], "--seed") == 0? &seed: NULL;
        if (!into || i + 1 >= argc || number_parse_whole (argv [i + 1],
                                      into == &queue_num? 65535: INT64_MAX, into))
            return s_usage ();
    }
    struct sigaction action = { .sa_handler = s_on_signal };
    sigaction (SIGTERM, &action, NULL);
    sigaction (SIGINT, &action, NULL);
    s_state_t state = { 0 };
    netq_init (&state.q, seed);
    struct nfq_handle *handle = nfq_open ();
    if (handle)
        nfq_bind_pf (handle, AF_INET);
    state.queue = handle? nfq_create_queue (handle, (uint16_t) queue_num, s_on_packet, &state): NULL;
    if (!state.queue || nfq_set_mode (state.queue, NFQNL_COPY_META, 0) < 0) {
        fprintf (stderr, "netqueue: cannot bind NFQUEUE %d: %s (root, in a network"
                 " namespace with xt NFQUEUE)\n", (int) queue_num, strerror (errno));
        return FL_EXIT_UNAVAILABLE;
    }
    nfq_set_queue_maxlen (state.queue, FL_NETQ_HELD_MAX);
    printf ("ready\n");
    fflush (stdout);
    int fd = nfq_fd (handle);
    char packet [4096] __attribute__ ((aligned));
    char line [256];
    size_t used = 0;
    bool input = true;
    while (!s_stop && input) {
        struct pollfd items [2] = { { .fd = fd, .events = POLLIN }, { .fd = 0, .events = POLLIN } };
        int rc = poll (items, 2, (int) netq_wait_ms (&state.q, clock_mono_ns ()));
        if (rc < 0 && errno != EINTR)
            break;
        if (rc > 0 && items [0].revents & POLLIN) {
            ssize_t got = recv (fd, packet, sizeof packet, MSG_DONTWAIT);
            if (got > 0)
                nfq_handle_packet (handle, packet, (int) got);
        }
        if (rc > 0 && items [1].revents & (POLLIN | POLLHUP))
            input = s_read_config (&state, line, sizeof line, &used);
        s_release_due (&state, clock_mono_ns ());
    }
    //  Leave nothing held: the kernel would drop what we never answer.
    s_release_due (&state, INT64_MAX);
    if (state.q.over)
        fprintf (stderr, "netqueue: %llu packets passed at once (FL_NETQ_HELD_MAX %d held)\n",
                 (unsigned long long) state.q.over, FL_NETQ_HELD_MAX);
    nfq_destroy_queue (state.queue);
    nfq_close (handle);
    netq_release (&state.q);
    return 0;
}
