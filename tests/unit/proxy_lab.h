/*  proxy_lab.h -- a real proxy in a thread, real DEALER parties and a
    control client, for the proxy's unit tests (tests/unit/proxy_*.c).

    The proxy runs in a zactor on ipc:// endpoints under a mkdtemp
    directory, so tests can run in parallel. Every wait has a deadline.
    Header-only (static functions) because each test binary is one file.
*/
#ifndef PROXY_LAB_H_INCLUDED
#define PROXY_LAB_H_INCLUDED
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <math.h>
#include <unistd.h>
#include "tap.h"
#include <czmq.h>
#include "limits.h"
#include "clock.h"
#include "../../proxy/proxy.h"

#define LAB_WAIT_MS 5000        // deadline of any wait for an expected event
#define LAB_QUIET_MS 150        // how long "nothing arrives" is watched
#define LAB_Z999 3.2905         // two-sided 99.9% normal quantile

typedef struct {
    char dir [64];
    char trace [96];
    proxy_t *proxy;
    zactor_t *actor;
    zsock_t *ctl;
} lab_t;

static inline void
lab_start (lab_t *lab, uint64_t seed, bool trace)
{
    memset (lab, 0, sizeof *lab);
    strcpy (lab->dir, "/tmp/fl-proxy-test-XXXXXX");
    assert_non_null (mkdtemp (lab->dir));
    char net [128], control [128];
    snprintf (net, sizeof net, "ipc://%s/net", lab->dir);
    snprintf (control, sizeof control, "ipc://%s/ctl", lab->dir);
    snprintf (lab->trace, sizeof lab->trace, "%s/trace.jsonl", lab->dir);
    proxy_config_t config = { .net = net, .control = control, .seed = seed,
                              .trace = trace? lab->trace: NULL };
    char error [256];
    lab->proxy = proxy_new (&config, error, sizeof error);
    assert_non_null (lab->proxy);
    lab->actor = zactor_new (proxy_actor, lab->proxy);
    assert_non_null (lab->actor);
    lab->ctl = zsock_new (ZMQ_REQ);
    zsock_set_rcvtimeo (lab->ctl, LAB_WAIT_MS);
    zsock_set_linger (lab->ctl, 0);
    assert_int_equal (zsock_connect (lab->ctl, "%s", control), 0);
}

//  Stop the proxy thread (flushing the trace); keep the directory.
static inline void
lab_stop_proxy (lab_t *lab)
{
    zsock_destroy (&lab->ctl);
    zactor_destroy (&lab->actor);
    proxy_destroy (&lab->proxy);
}

static inline void
lab_stop (lab_t *lab)
{
    lab_stop_proxy (lab);
    assert_int_equal (tap_remove_dir (lab->dir), 0);
}

//  Send a control request (printf format), return the parsed reply.
static inline json_t *
lab_ctl (lab_t *lab, const char *format, ...)
{
    va_list args;
    va_start (args, format);
    char *request = zsys_vprintf (format, args);
    va_end (args);
    zstr_send (lab->ctl, request);
    free (request);
    char *reply = zstr_recv (lab->ctl);
    assert_non_null (reply);
    json_t *root = json_loads (reply, 0, NULL);
    assert_non_null (root);
    zstr_free (&reply);
    return root;
}

//  A control request that must succeed.
static inline void
lab_ok (lab_t *lab, const char *request)
{
    json_t *reply = lab_ctl (lab, "%s", request);
    if (!json_is_true (json_object_get (reply, "ok")))
        fail_msg ("request %s failed: %s", request,
                  json_string_value (json_object_get (reply, "error")));
    json_decref (reply);
}

//  One counter of the link "src->dest" (0 if the link is not known yet).
static inline int64_t
lab_count (lab_t *lab, const char *src, const char *dest, const char *counter)
{
    json_t *stats = lab_ctl (lab, "{\"cmd\":\"stats\"}");
    char name [80];
    snprintf (name, sizeof name, "%s->%s", src, dest);
    json_t *link = json_object_get (json_object_get (stats, "links"), name);
    int64_t value = json_integer_value (json_object_get (link, counter));
    json_decref (stats);
    return value;
}

//  A top-level stats total (unroutable, oversize, rejected, overflow).
static inline int64_t
lab_total (lab_t *lab, const char *name)
{
    json_t *stats = lab_ctl (lab, "{\"cmd\":\"stats\"}");
    int64_t value = json_integer_value (json_object_get (stats, name));
    json_decref (stats);
    return value;
}

//  Wait until the proxy has seen 'sent' messages on the link.
static inline void
lab_wait_sent (lab_t *lab, const char *src, const char *dest, int64_t sent)
{
    int64_t deadline = clock_mono_ms () + LAB_WAIT_MS;
    while (lab_count (lab, src, dest, "sent") < sent) {
        assert_true (clock_mono_ms () < deadline);
        zclock_sleep (5);
    }
}

//  A party: DEALER with routing id 'id', connected to the proxy.
static inline zsock_t *
lab_party (lab_t *lab, const char *id)
{
    zsock_t *party = zsock_new (ZMQ_DEALER);
    assert_non_null (party);
    if (id)
        zsock_set_identity (party, id);
    zsock_set_sndhwm (party, FL_SOCKET_HWM);
    zsock_set_rcvhwm (party, FL_SOCKET_HWM);
    zsock_set_linger (party, 0);
    assert_int_equal (zsock_connect (party, "%s", proxy_net_endpoint (lab->proxy)), 0);
    return party;
}

//  Send [dest][body].
static inline void
lab_send (zsock_t *party, const char *dest, const char *body)
{
    assert_int_equal (zmq_send (zsock_resolve (party), dest, strlen (dest), ZMQ_SNDMORE),
                      (int) strlen (dest));
    assert_int_equal (zmq_send (zsock_resolve (party), body, strlen (body), 0),
                      (int) strlen (body));
}

//  Receive [src][body] within timeout_ms; returns the body (caller frees)
//  and copies the src into src (if not NULL), or NULL on timeout.
static inline char *
lab_recv (zsock_t *party, char *src, int timeout_ms)
{
    zsock_set_rcvtimeo (party, timeout_ms);
    char *from = NULL, *body = NULL;
    if (zstr_recvx (party, &from, &body, NULL) != 2) {
        zstr_free (&from);
        zstr_free (&body);
        return NULL;
    }
    if (src)
        snprintf (src, FL_ID_BYTES_MAX + 1, "%s", from);
    zstr_free (&from);
    return body;
}

//  Make every party known to the ROUTER: each sends itself a hello
//  through the proxy and waits for it. (Self links are left as counted.)
static inline void
lab_connect (zsock_t **parties, const char **ids, int count)
{
    for (int i = 0; i < count; i++) {
        char *body = NULL;
        for (int attempt = 0; !body && attempt < LAB_WAIT_MS / 50; attempt++) {
            lab_send (parties [i], ids [i], "{\"body\":{\"type\":\"hello\"}}");
            body = lab_recv (parties [i], NULL, 50);
        }
        assert_non_null (body);
        zstr_free (&body);
        //  Extra hellos from retries: drain them.
        while ((body = lab_recv (parties [i], NULL, 20)))
            zstr_free (&body);
    }
}

//  The 99.9% two-sided binomial interval of successes in n trials.
static inline void
lab_binomial (int n, double p, double *lo, double *hi)
{
    double mean = n * p, sd = sqrt (n * p * (1 - p));
    *lo = mean - LAB_Z999 * sd;
    *hi = mean + LAB_Z999 * sd;
}

//  Nothing arrives at 'party' for LAB_QUIET_MS.
static inline void
lab_assert_quiet (zsock_t *party)
{
    char *body = lab_recv (party, NULL, LAB_QUIET_MS);
    if (body)
        fail_msg ("unexpected message: %s", body);
}

//  A message arrives at 'party' within LAB_WAIT_MS: the body WANT, or
//  any when WANT is NULL.
static inline void
lab_assert_receives (zsock_t *party, const char *want)
{
    char *body = lab_recv (party, NULL, LAB_WAIT_MS);
    if (!body)
        fail_msg ("nothing arrived within %d ms (expected %s)", LAB_WAIT_MS,
                  want? want: "a message");
    if (want && strcmp (body, want))
        fail_msg ("expected %s, got %s", want, body);
    zstr_free (&body);
}

//  A probe from 'from' to dest arrives at 'to' within LAB_WAIT_MS, and (when
//  src is not NULL) the proxy says it came from src.
static inline void
lab_assert_delivers (zsock_t *from, const char *dest, zsock_t *to, const char *src)
{
    lab_send (from, dest, "{\"body\":{\"type\":\"probe\"}}");
    char got_src [FL_ID_BYTES_MAX + 1];
    char *body = lab_recv (to, src? got_src: NULL, LAB_WAIT_MS);
    assert_non_null (body);
    if (src)
        assert_string_equal (got_src, src);
    zstr_free (&body);
}

//  TAP output and a wall-clock safety net; call first in main.
static inline void
lab_tap (int alarm_s)
{
    tap_start ((unsigned) alarm_s);
    zsys_handler_set (NULL);
    zsys_set_logstream (stderr);
}

#endif
