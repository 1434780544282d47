/*  tour_step.h -- one step of a scripted tour (a scenario's `tour` section:
    cap-tour, cap-proof, cart-conflict), as a person writes it, parsed.

    A tour is a story told as explicit client steps, run one at a time by
    one client (lab/tour.h), instead of a load and a fault schedule:

        write NODE KEY VALUE        lin-kv write of VALUE to KEY at NODE
        read NODE KEY               lin-kv read of KEY at NODE
        cas NODE KEY FROM TO        lin-kv compare-and-set at NODE
        cart-add NODE KEY ELEMENT   add ELEMENT to the cart KEY: against a
                                    lin-kv system a read of KEY at NODE and a
                                    write of the list with ELEMENT appended
                                    (read-modify-write); against crdt the
                                    OR-set's add {key, element}
        settle                      wait until every replica holds the same
                                    (lab_replicas), at most final/settle_s
        wait MS                     do nothing for MS ms (0..FL_TOUR_WAIT_MS_MAX)
        FAULT                       any fault action (action.h): isolate n3,
                                    partition n1|n2, heal, kill n2, ...

    NODE is n1..nN. KEY is a string (one word). VALUE and ELEMENT are the
    rest of the step and FROM and TO one word each; each is JSON if it
    parses as JSON, else the string as written (active -> "active", 20 ->
    20, [1,2] -> [1,2]). A word that starts with '"' is a JSON string up
    to its closing quote, spaces included: write n1 "user alice" "a b"
    writes "a b" to the key user alice. An embedded value object: no destroy needed.
*/
#ifndef FL_TOUR_STEP_H_INCLUDED
#define FL_TOUR_STEP_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include "limits.h"
#include "action.h"

typedef enum {
    TOUR_WRITE, TOUR_READ, TOUR_CAS, TOUR_CART_ADD, TOUR_SETTLE, TOUR_WAIT, TOUR_FAULT
} tour_kind_t;

typedef struct {
    tour_kind_t kind;
    int node;                               // client ops: 1..nodes
    char key [FL_TOUR_KEY_BYTES_MAX];       // client ops
    char value [FL_FAULT_TEXT_BYTES_MAX];   // write's VALUE, cart-add's
                                            // ELEMENT, cas's TO: JSON text
    char from [FL_FAULT_TEXT_BYTES_MAX];    // cas's FROM: JSON text
    int ms;                                 // wait
    action_t action;                        // a fault
    char text [FL_FAULT_TEXT_BYTES_MAX];    // the step as written
    int line;                               // in the scenario file
} tour_step_t;

//  Parse TEXT into self; nodes is the cluster size. Returns 0, or -1 with
//  *error (malloc'd) naming the word that was wrong ("'n9' is not a node
//  of n1..n3"). A fault is resolved (random, halves) when it runs, from
//  the run's seed (schedule_resolve).
int tour_step_parse (tour_step_t *self, const char *text, int nodes, char **error);

//  The step's first word: "write", "read", "cas", "cart-add", "settle",
//  "wait", or the fault's name ("partition", "heal", ...).
const char *tour_step_word (const tour_step_t *self);

//  Is the step a client op (write, read, cas, cart-add)?
bool tour_step_is_op (const tour_step_t *self);

#endif
