/*  serve.h -- the store browser's server (./harness serve): the run store
    over HTTP on 127.0.0.1 only, through libmicrohttpd's own thread. The
    index of runs, each run's report.html and files; nothing outside the
    store (no '..', no symbolic link leading out). What it decides is in
    report/storeindex.h; here are the socket, the directory walk and the
    answers.
*/
#ifndef FL_SERVE_H_INCLUDED
#define FL_SERVE_H_INCLUDED

typedef struct serve_t serve_t;

//  Serve directory STORE on 127.0.0.1:PORT (0: a free port the system
//  picks; serve_port says which). Returns the server, answering from its
//  own thread until serve_destroy, or NULL with *error set (malloc'd,
//  naming the store or port) and *status the exit status it calls for:
//  FL_EXIT_USAGE when STORE is not a directory, FL_EXIT_UNAVAILABLE when
//  the port is in use or cannot be listened on.
serve_t *serve_new (const char *store, int port, char **error, int *status);

//  The port it listens on.
int serve_port (const serve_t *self);

//  The store's canonical path.
const char *serve_root (const serve_t *self);

//  Stop answering, close the socket, free. Nulls *SELF_P.
void serve_destroy (serve_t **self_p);

#endif
