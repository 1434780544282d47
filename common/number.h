/*  number.h -- a number as a person writes it in a scenario, an action or
    an option, read once for every reader: finite, decimal, in range.

    strtod alone takes "nan", "inf", hex ("0x5") and leading blanks, and a
    NaN passes every range test (it compares false), so each reader that
    used strtod on its own let one of them through somewhere.
*/
#ifndef FL_NUMBER_H_INCLUDED
#define FL_NUMBER_H_INCLUDED

//  TEXT as a finite decimal number (digits, sign, point, exponent; nothing
//  else, no blanks) in [LOW, HIGH]. Returns 0 with *out set, or -1 and
//  *out untouched. The caller words the error: it knows the key or option.
int number_parse (const char *text, double low, double high, double *out);

#endif
