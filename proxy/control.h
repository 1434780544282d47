/*  control.h -- the proxy's control protocol: one JSON request, one JSON reply.

    Every command, field, reply and error text is in docs/proxy.md. A bad
    request never changes the proxy and gets {"ok":false,"error":"..."},
    the error naming the field and the value that was wrong.
*/
#ifndef FL_CONTROL_H_INCLUDED
#define FL_CONTROL_H_INCLUDED
#include <stddef.h>
#include "proxy.h"

//  Handle one request (size bytes, need not be NUL-terminated). Returns the
//  reply as a JSON object; the caller owns it.
json_t *control_handle (proxy_t *proxy, const char *request, size_t size);

#endif
