/*  op.c -- the one place an op's type becomes text (see op.h): the JSON
    result, the explanation, the HTML page and the EDN writer all name types
    the same way.
*/
#include <assert.h>
#include "op.h"

const char *
op_type_name (op_type_t type)
{
    assert ((unsigned) type <= OP_PENDING);
    return type == OP_OK? "ok": type == OP_FAIL? "fail": type == OP_INFO? "info": "pending";
}
