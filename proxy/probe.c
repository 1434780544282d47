/*  probe.c -- bin/proxy --send: a hand-held client party (see probe.h).

    It is what a user types to watch a fault act: send ten echoes through
    the proxy, see which come back and how late. Requests carry msg_id 1..N;
    replies are matched by in_reply_to to compute their round trip.
*/
#include <math.h>
#include <czmq.h>
#include <jansson.h>
#include "limits.h"
#include "clock.h"
#include "probe.h"

#define PROBE_LINGER_MS 100    // after the last reply, wait this for duplicates

static void
s_print (FILE *out, const char *src, json_t *envelope, int64_t *sent_ns, int count,
         int *replies)
{
    json_t *body = json_object_get (envelope, "body");
    json_t *line = json_pack ("{s:s}", "src", src);
    json_int_t in_reply_to = json_integer_value (json_object_get (body, "in_reply_to"));
    if (in_reply_to >= 1 && in_reply_to <= count && sent_ns [in_reply_to - 1] > 0) {
        double rtt_ms = (clock_mono_ns () - sent_ns [in_reply_to - 1]) / 1e6;
        json_object_set_new (line, "rtt_ms", json_real (round (rtt_ms * 1000) / 1000));
        sent_ns [in_reply_to - 1] = -1;         //  a duplicate reply counts once
        (*replies)++;
    }
    json_object_set (line, "body", body? body: envelope? envelope: json_null ());
    char *text = json_dumps (line, JSON_COMPACT | JSON_REAL_PRECISION (10));
    fprintf (out, "%s\n", text);
    fflush (out);
    free (text);
    json_decref (line);
}

//  Receive whatever arrives until deadline_ns; once 'stop_at' replies are
//  in, linger PROBE_LINGER_MS more for stragglers (duplicates) and stop.
static void
s_receive (zsock_t *sock, FILE *out, int64_t deadline_ns, int64_t *sent_ns, int count,
           int *replies, int stop_at)
{
    zpoller_t *poller = zpoller_new (sock, NULL);
    bool lingering = false;
    int64_t now;
    while ((now = clock_mono_ns ()) < deadline_ns) {
        if (*replies >= stop_at && !lingering) {
            lingering = true;
            int64_t linger_ns = now + PROBE_LINGER_MS * 1000000LL;
            deadline_ns = linger_ns < deadline_ns? linger_ns: deadline_ns;
            continue;
        }
        int wait_ms = (int) ((deadline_ns - now + 999999) / 1000000);
        if (!zpoller_wait (poller, wait_ms))
            break;
        char *src = NULL, *data = NULL;
        if (zstr_recvx (sock, &src, &data, NULL) == 2) {
            json_t *envelope = json_loads (data, 0, NULL);
            s_print (out, src, envelope, sent_ns, count, replies);
            json_decref (envelope);
        }
        zstr_free (&src);
        zstr_free (&data);
    }
    zpoller_destroy (&poller);
}

int
probe_run (const probe_config_t *config, FILE *out, char *error, size_t error_size)
{
    assert (config);
    json_t *body = json_loads (config->body, 0, NULL);
    if (!json_is_object (body)) {
        snprintf (error, error_size, "body must be a JSON object, got '%s'", config->body);
        json_decref (body);
        return -1;
    }
    zsock_t *sock = zsock_new (ZMQ_DEALER);
    zsock_set_identity (sock, config->id);
    zsock_set_linger (sock, 0);
    //  A DEALER with no peer blocks a send until one connects: with the
    //  proxy gone that is for ever. Give each send the reply wait instead.
    zsock_set_sndtimeo (sock, config->wait_ms > 0? config->wait_ms: 1);
    if (zsock_connect (sock, "%s", config->endpoint) == -1) {
        snprintf (error, error_size, "cannot connect to '%s'", config->endpoint);
        zsock_destroy (&sock);
        json_decref (body);
        return -1;
    }
    int64_t *sent_ns = (int64_t *) calloc (config->count, sizeof (int64_t));
    assert (sent_ns);
    int replies = 0;
    for (int i = 0; i < config->count; i++) {
        json_object_set_new (body, "msg_id", json_integer (i + 1));
        json_t *envelope = json_pack ("{s:s, s:s, s:O}", "src", config->id,
                                      "dest", config->dest, "body", body);
        char *text = json_dumps (envelope, JSON_COMPACT);
        sent_ns [i] = clock_mono_ns ();
        int sent = zstr_sendx (sock, config->dest, text, NULL);
        free (text);
        json_decref (envelope);
        if (sent == -1) {
            snprintf (error, error_size, "request %d could not be sent to '%s': the send"
                      " queue stayed full for %d ms (--wait-ms); did the proxy go away?",
                      i + 1, config->endpoint, config->wait_ms);
            free (sent_ns);
            zsock_destroy (&sock);
            json_decref (body);
            return -2;
        }
        //  Between requests: print what comes. After the last: wait until
        //  every request is answered or wait_ms passes.
        bool last = i + 1 == config->count;
        int64_t gap_ms = last? config->wait_ms: config->every_ms;
        s_receive (sock, out, clock_mono_ns () + gap_ms * 1000000, sent_ns,
                   config->count, &replies, last? config->count: INT32_MAX);
    }
    fprintf (out, "{\"sent\":%d,\"replies\":%d,\"lost\":%d}\n", config->count, replies,
             config->count - replies);
    fflush (out);
    free (sent_ns);
    zsock_destroy (&sock);
    json_decref (body);
    return replies == config->count? 0: 1;
}
