/*  client.h -- one client worker: a DEALER party "cK" on the proxy's net
    endpoint that runs one operation of the run's workload at a time
    (Jepsen's single-threaded process), records invoke and completion in
    the history, and follows Jepsen's rule: after an indefinite outcome
    (info) the process is never used again and the client continues as
    process + clients.

    What a reply means is the workload's to say (workload_reply: Maelstrom's
    error mapping and reply schemas); a reply counts when its in_reply_to is
    the msg_id of the op in flight, whichever node sends it (Maelstrom
    routes by dest and matches on in_reply_to alone, so a node may forward a
    client's request keeping the client's src, and another node answer).

    Clients are driven by one loop (runner.c): it polls client_socket and
    calls client_on_message, calls client_invoke when the client is idle and
    its turn has come (client_invoke_final in the final-read phase), and
    client_expire for timeouts.
*/
#ifndef FL_CLIENT_H_INCLUDED
#define FL_CLIENT_H_INCLUDED

#include <stdint.h>
#include <stdbool.h>
#include <czmq.h>
#include <jansson.h>
#include "rng.h"
#include "workload/workload.h"
#include "history.h"

typedef struct {
    zsock_t *sock;
    char id [FL_ID_BYTES_MAX];
    int index;              // 1..clients
    int clients;
    int nodes;
    int process;            // Jepsen process id: index-1, then += clients
    int timeout_ms;
    const workload_t *workload;
    void *gen;              // the workload's generator for this client
    rng_t rng;              // which node each op goes to
    bool busy;
    json_t *op;             // the op in flight (or the last one)
    bool final;             // the op in flight is a final-phase op
    int finals;             // final-phase ops issued
    bool finals_done;       // no final-phase op left
    int node;               // node of the op in flight (1-based)
    int64_t msg_id;
    int64_t invoke_ns;      // times since the run began
    int64_t deadline_ns;
    int64_t next_ns;        // earliest time of the next invoke
    int64_t unmatched;      // answers to no op in flight (late, duplicated)
    int64_t unreadable;     // messages that are no JSON envelope with a body
    int64_t wide;           // integers beyond 64 bits in replies, kept as
                            // strings of their digits (jsonl_loads_wide)
    int64_t malformed;      // replies that broke the workload's schema
    char malformed_first [FL_WHY_BYTES_MAX];     // the first one's reason
} client_t;

//  Create client index (1..clients) for WORKLOAD and connect it to net.
client_t *client_new (int index, int clients, int nodes, int keys, int values, int timeout_ms,
                      uint64_t seed, const char *net, const workload_t *workload);

//  Destroy. Accepts NULL; nulls the pointer.
void client_destroy (client_t **self_p);

//  Issue the next op of the load at now_ns (the client must be idle).
void client_invoke (client_t *self, int64_t now_ns, history_t *history);

//  Issue the next final-phase op (the client must be idle): final read n
//  goes to node (index - 1 + n * clients) mod nodes, so that the clients
//  together read every node. Returns false (and sets finals_done) when
//  this client has none left.
bool client_invoke_final (client_t *self, int64_t now_ns, history_t *history);

//  Receive one message; complete the op in flight if it answers it.
//  Returns true when an op completed.
bool client_on_message (client_t *self, int64_t now_ns, history_t *history);

//  If the op in flight passed its deadline, complete it as the workload
//  says a timeout is (fail for idempotent ops, else info). Also used at
//  the end of a run (force) for ops never answered.
void client_expire (client_t *self, int64_t now_ns, history_t *history, bool force);

//  Send BODY (taken) to DEST on the proxy's net as party SRC: the frames
//  [dest][{"src","dest","body"}] every party of the lab speaks. A send that
//  fails is dropped: the caller's timeout stands for it.
void client_send_envelope (zsock_t *sock, const char *src, const char *dest, json_t *body);

#endif
