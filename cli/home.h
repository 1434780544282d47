/*  home.h -- where the harness finds its programs and scenarios: the
    directory the ./harness executable is in (its "home"), so that
    `./harness` works from any directory of a checkout.
*/
#ifndef FL_HOME_H_INCLUDED
#define FL_HOME_H_INCLUDED

#include <glob.h>

//  The directory holding the harness executable (caller frees).
char *home_dir (void);

//  The file of scenario NAME: NAME itself when it names a file (has a '/'
//  or ends in .conf), else scenarios/NAME.conf in the current directory,
//  else HOME/scenarios/NAME.conf. NULL if none exists. Caller frees.
char *home_scenario (const char *name);

//  Every scenario file, for list and matrix: scenarios/*.conf in the
//  current directory, else HOME/scenarios/*.conf, in name order. Returns 0
//  with *found filled (caller calls globfree), or -1 when there are none.
int home_scenarios (glob_t *found);

//  Where `./harness up` says where its lab is: $FAULTLAB_UP, else
//  .faultlab/up.json in the current directory. Borrowed.
const char *home_up_file (void);

#endif
