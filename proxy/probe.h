/*  probe.h -- a tiny party for trying the lab by hand (bin/proxy --send).

    Connects to the proxy's net endpoint as a DEALER with routing id 'id',
    sends 'count' requests {"src":id,"dest":dest,"body":BODY+msg_id} one
    every 'every_ms', and prints each message it receives as one JSON line
    {"src":..,"rtt_ms":..,"body":{..}} (rtt_ms when it answers one of ours),
    then a summary line {"sent":N,"replies":M,"lost":K}.
*/
#ifndef FL_PROBE_H_INCLUDED
#define FL_PROBE_H_INCLUDED
#include <stdio.h>

typedef struct {
    const char *endpoint;   // proxy net endpoint
    const char *id;         // our routing id ("c1")
    const char *dest;       // where requests go ("n1")
    const char *body;       // JSON object text, e.g. {"type":"echo","echo":"hi"}
    int count;              // requests to send (>= 1)
    int every_ms;           // gap between requests
    int wait_ms;            // after the last request, wait at most this long
                            // for replies (100 ms more once all are in)
} probe_config_t;

//  Run the probe, printing to out. Returns 0 if every request was answered,
//  1 if some were not, -1 on bad configuration, -2 when a request could
//  not leave within wait_ms (no proxy to take it); error written for both.
int probe_run (const probe_config_t *config, FILE *out, char *error, size_t error_size);

#endif
