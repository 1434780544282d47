/*  unwritten.h -- the pre-check every register key gets before unique
    values or the search: an ok read of a value that no op could ever have
    put in the register is invalid outright.

    The register holds its initial value until an op changes it, and only
    a write (that happened or may have: ok, info, never returned) or a cas
    that did not fail changes it, to that op's value. So a read whose
    value is none of those, nor the initial value, cannot be linearized
    anywhere, whatever the order: the key is invalid, in O(n log n), with
    no search. It is the commonest sign of corruption, and the one the
    search takes longest to refute (every configuration before the read).
*/
#ifndef FL_UNWRITTEN_H_INCLUDED
#define FL_UNWRITTEN_H_INCLUDED

#include "model.h"
#include "wgl.h"

typedef enum {
    UNWRITTEN_NONE,     // every known read names a value the key could hold
    UNWRITTEN_INVALID,  // one does not: result says which
    UNWRITTEN_UNFIT     // nothing can be said (an append, another model,
                        // a partition compiled out of memory)
} unwritten_verdict_t;

//  Pre-check one register, cas-register or kv partition. On invalid fills
//  *result as wgl_check would on invalid, without a prefix (verdict,
//  blocked: the read of an unwritten value that returns first, the model
//  state of the empty prefix); else leaves *result alone.
unwritten_verdict_t unwritten_check (model_part_t *part, wgl_result_t *result);

#endif
