/*  client.h -- one client worker: a DEALER party "cK" on the proxy's net
    endpoint that runs one lin-kv operation at a time (Jepsen's single-
    threaded process), records invoke and completion in the history, and
    follows Jepsen's rule: after an indefinite outcome (timeout or an
    indefinite error code) the process is never used again and the client
    continues as process + clients.

    Outcomes: read_ok/write_ok/cas_ok -> ok; error 20 on a read -> ok with
    value null (every key starts at nil); other definite codes (1, 10, 11,
    12, 14, 20, 21, 22, 30) -> fail with "error"; 0, 13, 1000+ and any code
    we do not know -> info; an answer of another type, or an error without a
    code, -> info with "error": a text saying so. A reply counts only from
    the node the op went to.

    Clients are driven by one loop (runner.c): it polls client_socket and
    calls client_on_message, calls client_invoke when the client is idle and
    its turn has come, and client_expire for timeouts.
*/
#ifndef FL_CLIENT_H_INCLUDED
#define FL_CLIENT_H_INCLUDED

#include <stdint.h>
#include <stdbool.h>
#include <czmq.h>
#include "workload/lin_kv.h"
#include "history.h"

typedef struct {
    zsock_t *sock;
    char id [FL_ID_BYTES_MAX];
    int index;              // 1..clients
    int clients;
    int nodes;
    int process;            // Jepsen process id: index-1, then += clients
    int timeout_ms;
    lin_kv_t gen;
    rng_t rng;              // which node each op goes to
    bool busy;
    lin_kv_op_t op;
    int node;               // node of the op in flight (1-based)
    int64_t msg_id;
    int64_t invoke_ns;      // times since the run began
    int64_t deadline_ns;
    int64_t next_ns;        // earliest time of the next invoke
    int64_t ignored;        // answers to the op in flight from another node
} client_t;

//  Create client index (1..clients) and connect it to net.
client_t *client_new (int index, int clients, int nodes, int keys, int timeout_ms,
                      uint64_t seed, const char *net);

//  Destroy. Accepts NULL; nulls the pointer.
void client_destroy (client_t **self_p);

//  Issue the next op at now_ns (the client must be idle).
void client_invoke (client_t *self, int64_t now_ns, history_t *history);

//  Receive one message; complete the op in flight if it answers it.
//  Returns true when an op completed.
bool client_on_message (client_t *self, int64_t now_ns, history_t *history);

//  If the op in flight passed its deadline, record info and move to a new
//  process. Also used at the end of a run (force) for ops never answered.
void client_expire (client_t *self, int64_t now_ns, history_t *history, bool force);

#endif
