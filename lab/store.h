/*  store.h -- the run store (DESIGN.md section 9): every run gets its own
    directory STORE/SCENARIO/SYSTEM/YYYYmmddTHHMMSS/ (with -2, -3... when two
    runs start in the same second), and STORE/latest points at the newest.
*/
#ifndef FL_STORE_H_INCLUDED
#define FL_STORE_H_INCLUDED

//  Create the run directory; return its path (caller frees) or NULL with
//  *error set (malloc'd). A NULL system makes STORE/SCENARIO/YYYYmmddTHHMMSS/
//  (the matrix's own directory: STORE/matrix/...).
char *store_run_dir (const char *store, const char *scenario, const char *system,
                     char **error);

//  Point STORE/latest at run_dir (a relative link, replaced atomically).
//  0, or -1 with errno set.
int store_link_latest (const char *store, const char *run_dir);

//  mkdir -p. 0, or -1 with errno set.
int store_mkdirs (const char *path);

#endif
