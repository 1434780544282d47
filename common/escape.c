/*  escape.c -- HTML escaping for element text and double-quoted attributes
    (see escape.h). A byte at a time: the pages escape short strings, and
    fputs of an entity or fputc of a byte is all stdio needs.
*/
#include <assert.h>
#include <stdio.h>
#include "escape.h"

void
escape_html (FILE *out, const char *text)
{
    assert (out);
    for (const char *c = text? text: ""; *c; c++) {
        switch (*c) {
            case '&': fputs ("&amp;", out); break;
            case '<': fputs ("&lt;", out); break;
            case '>': fputs ("&gt;", out); break;
            case '"': fputs ("&quot;", out); break;
            default: fputc (*c, out);
        }
    }
}
