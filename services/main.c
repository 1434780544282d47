/*  main.c -- bin/lab-services: Maelstrom's services as parties on the
    proxy's net endpoint (service.h, docs/services.md).

        bin/lab-services --connect EP [--seed N] [--only lin-kv,seq-kv,...]

    One DEALER per service, its routing id the service's id, so the proxy
    routes [dest="lin-kv"][envelope] to it and each reply leaves as
    [dest][envelope]. At start every service says hello to itself through
    the proxy until the hello comes back: from then on the proxy routes to
    it, so a node's first call cannot meet "node not found". Then one line
    on stdout, flushed:

        {"ready":true,"seed":7,"services":["lin-kv","seq-kv","lww-kv","lin-tso"],"pid":1234}

    and it serves until SIGTERM or SIGINT. A message that gets no reply
    (malformed, or of a type the service does not serve) is logged on
    stderr with its sender and the message, and nothing else happens.

    Exit: 0 after SIGTERM/SIGINT; 64 usage (stderr names the option);
    69 a service not reachable through the proxy within
    FL_SERVICES_READY_TIMEOUT_MS; 70 ZeroMQ failed under it.
*/
#include <czmq.h>
#include <getopt.h>
#include <signal.h>
#include <unistd.h>
#include "limits.h"
#include "clock.h"
#include "exits.h"
#include "number.h"
#include "service.h"

static volatile sig_atomic_t s_stop = 0;

static void
s_on_signal (int signum)
{
    (void) signum;
    s_stop = 1;
}

typedef struct {
    const char *connect;
    uint64_t seed;
    bool seeded;
    bool wanted [SERVICE_KINDS];
} s_options_t;

//  One service and its socket.
typedef struct {
    service_t *service;
    zsock_t *sock;
    void *handle;           //  the libzmq socket under sock
    bool reachable;         //  its hello came back through the proxy
    int64_t hello_ms;       //  when the last hello left (0: none yet)
} s_party_t;

static int
s_usage (const char *problem, const char *subject)
{
    if (problem)
        fprintf (stderr, "lab-services: %s '%s'\n", problem, subject);
    fprintf (stderr, "usage: bin/lab-services --connect EP [--seed N] "
             "[--only lin-kv,seq-kv,lww-kv,lin-tso]\n");
    return FL_EXIT_USAGE;
}

//  --only's list into wanted. Returns 0, or -1 after printing the problem.
static int
s_parse_only (const char *list, bool *wanted)
{
    memset (wanted, 0, SERVICE_KINDS * sizeof (bool));
    char copy [256];
    if (!*list || strlen (list) >= sizeof copy) {
        s_usage ("--only needs a list of services (lin-kv, seq-kv, lww-kv, lin-tso), got", list);
        return -1;
    }
    strcpy (copy, list);
    char *rest = copy, *name;
    while ((name = strsep (&rest, ","))) {
        int kind = service_kind_find (name);
        if (kind < 0) {
            s_usage ("--only: unknown service (lin-kv, seq-kv, lww-kv, lin-tso)", name);
            return -1;
        }
        wanted [kind] = true;
    }
    return 0;
}

//  Returns -1 to exit FL_EXIT_USAGE (printed), 1 for --help, 0 to serve.
static int
s_parse_options (int argc, char **argv, s_options_t *opts)
{
    static const struct option options [] = {
        { "connect", required_argument, NULL, 'c' },
        { "seed", required_argument, NULL, 's' },
        { "only", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    memset (opts, 0, sizeof *opts);
    for (int kind = 0; kind < SERVICE_KINDS; kind++)
        opts->wanted [kind] = true;
    int opt;
    opterr = 0;
    while ((opt = getopt_long (argc, argv, "+", options, NULL)) != -1) {
        if (opt == 'c')
            opts->connect = optarg;
        else
        if (opt == 's') {
            if (number_parse_whole (optarg, INT64_MAX, &opts->seed))
                return s_usage ("--seed needs an integer in [0, 2^63 - 1], got", optarg), -1;
            opts->seeded = true;
        }
        else
        if (opt == 'o') {
            if (s_parse_only (optarg, opts->wanted))
                return -1;
        }
        else
        if (opt == 'h')
            return s_usage (NULL, NULL), 1;
        else
            return s_usage ("unknown option or missing value:", argv [optind - 1]), -1;
    }
    if (optind < argc)
        return s_usage ("unexpected argument", argv [optind]), -1;
    if (!opts->connect || !*opts->connect)
        return s_usage ("missing required option", "--connect"), -1;
    return 0;
}

//  Send [dest][text] without blocking. Returns 0, or -1 with errno set.
static int
s_send (s_party_t *party, const char *dest, const char *text)
{
    if (zmq_send (party->handle, dest, strlen (dest), ZMQ_SNDMORE | ZMQ_DONTWAIT) == -1)
        return -1;
    return zmq_send (party->handle, text, strlen (text), ZMQ_DONTWAIT) == -1? -1: 0;
}

static void
s_hello (s_party_t *party, int64_t now_ms)
{
    const char *id = service_id (party->service);
    char text [128];
    snprintf (text, sizeof text, "{\"src\":\"%s\",\"dest\":\"%s\","
              "\"body\":{\"type\":\"lab-services-hello\"}}", id, id);
    s_send (party, id, text);      //  a full queue: the next hello retries
    party->hello_ms = now_ms;
}

//  One message [src][envelope] that arrived for the party.
static void
s_handle (s_party_t *party, zmsg_t *msg)
{
    const char *id = service_id (party->service);
    if (zmsg_size (msg) != 2) {
        fprintf (stderr, "lab-services: %s: ignored a message of %zu frames "
                 "(want [src][envelope])\n", id, zmsg_size (msg));
        return;
    }
    zframe_t *src = zmsg_first (msg);
    zframe_t *data = zmsg_next (msg);
    char from [FL_ID_BYTES_MAX + 4];
    service_quote ((const char *) zframe_data (src),
                   zframe_size (src) > FL_ID_BYTES_MAX? FL_ID_BYTES_MAX: zframe_size (src), from);
    if (streq (from, id)) {
        party->reachable = true;    //  our own hello: only we hold this id
        return;
    }
    service_out_t out;
    if (service_serve (party->service, from, (const char *) zframe_data (data),
                       zframe_size (data), &out)) {
        fprintf (stderr, "lab-services: %s: %s\n", id, out.problem);
        return;
    }
    if (s_send (party, out.dest, out.reply))
        fprintf (stderr, "lab-services: %s: reply to %s dropped: %s\n", id, out.dest,
                 zmq_strerror (errno));
    free (out.reply);
}

//  Handle up to FL_SERVICES_BATCH_MAX waiting messages of each party the
//  poll found readable.
static void
s_drain (s_party_t *parties, zmq_pollitem_t *items, size_t count)
{
    for (size_t index = 0; index < count; index++) {
        if (!(items [index].revents & ZMQ_POLLIN))
            continue;
        s_party_t *party = &parties [index];
        for (int handled = 0; handled < FL_SERVICES_BATCH_MAX
                           && (zsock_events (party->sock) & ZMQ_POLLIN); handled++) {
            zmsg_t *msg = zmsg_recv (party->sock);
            if (!msg)
                break;
            s_handle (party, msg);
            zmsg_destroy (&msg);
        }
    }
}

//  Poll every party for up to timeout_ms and handle what came. Returns 0,
//  or -1 when ZeroMQ failed (logged).
static int
s_turn (s_party_t *parties, size_t count, long timeout_ms)
{
    zmq_pollitem_t items [SERVICE_KINDS];
    for (size_t index = 0; index < count; index++)
        items [index] = (zmq_pollitem_t) { parties [index].handle, 0, ZMQ_POLLIN, 0 };
    if (zmq_poll (items, (int) count, timeout_ms) == -1) {
        if (errno == EINTR)
            return 0;
        fprintf (stderr, "lab-services: poll failed: %s\n", zmq_strerror (errno));
        return -1;
    }
    s_drain (parties, items, count);
    return 0;
}

//  Hello until every service is reachable through the proxy. Returns
//  FL_EXIT_OK (also when stopped meanwhile), or the status to exit with.
static int
s_await_reachable (s_party_t *parties, size_t count, const char *connect)
{
    int64_t deadline_ms = clock_mono_ms () + FL_SERVICES_READY_TIMEOUT_MS;
    while (!s_stop) {
        int64_t now_ms = clock_mono_ms ();
        size_t waiting = 0;
        for (size_t index = 0; index < count; index++) {
            s_party_t *party = &parties [index];
            if (party->reachable)
                continue;
            waiting++;
            if (now_ms - party->hello_ms >= FL_SERVICES_HELLO_MS)
                s_hello (party, now_ms);
        }
        if (waiting == 0)
            return FL_EXIT_OK;
        if (now_ms > deadline_ms) {
            for (size_t index = 0; index < count; index++)
                if (!parties [index].reachable)
                    fprintf (stderr, "lab-services: %s: not reachable through the proxy at "
                             "'%s' within FL_SERVICES_READY_TIMEOUT_MS (%d ms)\n",
                             service_id (parties [index].service), connect,
                             FL_SERVICES_READY_TIMEOUT_MS);
            return FL_EXIT_UNAVAILABLE;
        }
        if (s_turn (parties, count, FL_SERVICES_HELLO_MS))
            return FL_EXIT_SOFTWARE;
    }
    return FL_EXIT_OK;
}

static void
s_print_ready (s_party_t *parties, size_t count, uint64_t seed)
{
    json_t *ids = json_array ();
    for (size_t index = 0; index < count; index++)
        json_array_append_new (ids, json_string (service_id (parties [index].service)));
    json_t *ready = json_pack ("{s:b, s:I, s:o, s:i}", "ready", 1, "seed", (json_int_t) seed,
                               "services", ids, "pid", (int) getpid ());
    char *line = json_dumps (ready, JSON_COMPACT | JSON_PRESERVE_ORDER);
    printf ("%s\n", line);
    fflush (stdout);
    free (line);
    json_decref (ready);
}

//  Open one socket per wanted service. Returns how many, or -1 (printed).
static int
s_open (const s_options_t *opts, s_party_t *parties)
{
    int count = 0;
    for (int kind = 0; kind < SERVICE_KINDS; kind++) {
        if (!opts->wanted [kind])
            continue;
        s_party_t *party = &parties [count++];
        party->service = service_new ((service_kind_t) kind, opts->seed);
        party->sock = zsock_new (ZMQ_DEALER);
        if (!party->sock) {
            fprintf (stderr, "lab-services: cannot create a socket: %s\n",
                     zmq_strerror (zmq_errno ()));
            return -1;
        }
        zsock_set_identity (party->sock, service_id (party->service));
        zsock_set_sndhwm (party->sock, FL_SOCKET_HWM);
        zsock_set_rcvhwm (party->sock, FL_SOCKET_HWM);
        zsock_set_linger (party->sock, FL_SERVICES_LINGER_MS);
        if (zsock_connect (party->sock, "%s", opts->connect)) {
            s_usage ("cannot connect to", opts->connect);
            return -1;
        }
        party->handle = zsock_resolve (party->sock);
    }
    return count;
}

static int
s_serve (const s_options_t *opts)
{
    s_party_t parties [SERVICE_KINDS];
    memset (parties, 0, sizeof parties);
    int count = s_open (opts, parties);
    int status = count < 0? FL_EXIT_USAGE:
                 s_await_reachable (parties, (size_t) count, opts->connect);
    if (status == FL_EXIT_OK && !s_stop)
        s_print_ready (parties, (size_t) count, opts->seed);
    while (status == FL_EXIT_OK && !s_stop)
        if (s_turn (parties, (size_t) count, FL_SERVICES_POLL_MS_MAX))
            status = FL_EXIT_SOFTWARE;
    for (int index = 0; index < SERVICE_KINDS; index++) {
        zsock_destroy (&parties [index].sock);
        service_destroy (&parties [index].service);
    }
    return status;
}

int
main (int argc, char **argv)
{
    zsys_handler_set (NULL);            //  our own SIGINT/SIGTERM handling
    zsys_set_logstream (stderr);
    s_options_t opts;
    int rc = s_parse_options (argc, argv, &opts);
    if (rc)
        return rc < 0? FL_EXIT_USAGE: FL_EXIT_OK;
    if (!opts.seeded)   //  Any seed will do; it is printed so a run can be replayed.
        opts.seed = ((uint64_t) clock_mono_ns () ^ ((uint64_t) getpid () << 32)
                  ^ (uint64_t) clock_wall_ms ()) & ((1ULL << 53) - 1);
    struct sigaction action = { .sa_handler = s_on_signal };
    sigemptyset (&action.sa_mask);
    sigaction (SIGTERM, &action, NULL);
    sigaction (SIGINT, &action, NULL);
    return s_serve (&opts);
}
