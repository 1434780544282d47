/*  escape.h -- text made safe for the HTML pages faultlab writes (the
    checker's history page, the run report).

    Both pages put the same kinds of text (process names, op values, file
    names, fault details) into element text and double-quoted attributes,
    never into single-quoted attributes, scripts or URLs: escaping &, <, >
    and " is enough there, and both pages' bytes depend on exactly that set.
*/
#ifndef FL_ESCAPE_H_INCLUDED
#define FL_ESCAPE_H_INCLUDED

#include <stdio.h>

//  Write text to out with &, <, > and " as entities; everything else,
//  UTF-8 included, as is. A NULL text writes nothing.
void escape_html (FILE *out, const char *text);

#endif
