/*  number.h -- a number as a person writes it in a scenario, an action or
    an option, read once for every reader: finite, decimal, in range.

    strtod alone takes "nan", "inf", hex ("0x5") and leading blanks, and a
    NaN passes every range test (it compares false), so each reader that
    used strtod on its own let one of them through somewhere.
*/
#ifndef FL_NUMBER_H_INCLUDED
#define FL_NUMBER_H_INCLUDED

#include <stdint.h>

//  TEXT as a finite decimal number (digits, sign, point, exponent; nothing
//  else, no blanks) in [LOW, HIGH]. Returns 0 with *out set, or -1 and
//  *out untouched. The caller words the error: it knows the key or option.
int number_parse (const char *text, double low, double high, double *out);

//  TEXT as a whole decimal number (digits only: no sign, blank, point or
//  exponent) in [0, HIGH], HIGH at most INT64_MAX, exact where a double
//  would round (seeds up to 2^63 - 1). Returns 0 with *out set, or -1 and
//  *out untouched.
int number_parse_whole (const char *text, uint64_t high, uint64_t *out);

#endif
