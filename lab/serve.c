/*  serve.c -- the store browser's server (see serve.h).

    The socket is ours (bound to 127.0.0.1, so a port in use is an error
    that says so) and handed to libmicrohttpd, which answers from its
    internal thread; every answer is built per request from the store as
    it is then, so new runs show up on reload. GET and HEAD only.
*/
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <microhttpd.h>
#include "limits.h"
#include "exits.h"
#include "report/storeindex.h"
#include "serve.h"

struct serve_t {
    char *root;                 // realpath of the store
    int port;
    struct MHD_Daemon *daemon;
};

typedef struct {
    storeindex_run_t *runs;
    size_t size, unlisted;
} s_runs_t;

static enum MHD_Result
s_respond (struct MHD_Connection *connection, unsigned status, const char *type,
           char *body, size_t length)
{
    struct MHD_Response *response =
        MHD_create_response_from_buffer (length, body, MHD_RESPMEM_MUST_FREE);
    if (!response) {
        free (body);
        return MHD_NO;
    }
    MHD_add_response_header (response, "Content-Type", type);
    MHD_add_response_header (response, "Cache-Control", "no-store");
    enum MHD_Result rc = MHD_queue_response (connection, status, response);
    MHD_destroy_response (response);
    return rc;
}

static enum MHD_Result
s_error (struct MHD_Connection *connection, unsigned status, const char *what,
         const char *path, const char *problem)
{
    char *body = NULL;
    if (asprintf (&body, "%u %s: %s: %s\n", status, what, path, problem) < 0)
        return MHD_NO;
    return s_respond (connection, status, "text/plain; charset=utf-8", body, strlen (body));
}

//  A/B into PATH (PATH_MAX bytes); false when it does not fit.
static bool
s_join (char *path, const char *a, const char *b)
{
    int length = snprintf (path, PATH_MAX, "%s/%s", a, b);
    return length >= 0 && length < PATH_MAX;
}

//  A run directory holds one of the files a run writes.
static bool
s_is_run (const char *dir)
{
    static const char *files [] = { "results.json", "history.jsonl", "report.html" };
    char path [PATH_MAX];
    for (size_t i = 0; i < 3; i++) {
        if (s_join (path, dir, files [i]) && access (path, F_OK) == 0)
            return true;
    }
    return false;
}

//  The run directories under ROOT/REL, DEPTH levels down, symbolic links
//  (STORE/latest) and dot names not followed.
static void
s_scan (const serve_t *self, const char *rel, int depth, s_runs_t *found)
{
    char dir [PATH_MAX];
    if (*rel ? !s_join (dir, self->root, rel)
             : (size_t) snprintf (dir, sizeof dir, "%s", self->root) >= sizeof dir)
        return;
    DIR *handle = opendir (dir);
    if (!handle)
        return;
    for (struct dirent *entry; (entry = readdir (handle)); ) {
        char path [PATH_MAX], child [PATH_MAX];
        struct stat info;
        if (entry->d_name [0] == '.' || !storeindex_name_served (entry->d_name))
            continue;           // a name that cannot be served is not listed
        if (!s_join (path, dir, entry->d_name)
        ||  !(*rel ? s_join (child, rel, entry->d_name)
                   : (size_t) snprintf (child, sizeof child, "%s", entry->d_name) < sizeof child)
        ||  lstat (path, &info) || !S_ISDIR (info.st_mode))
            continue;
        if (s_is_run (path)) {
            if (found->size == FL_SERVE_RUNS_MAX) {
                found->unlisted++;
                continue;
            }
            if (storeindex_run_read (&found->runs [found->size], self->root, child) == 0)
                found->size++;
            else
                storeindex_run_release (&found->runs [found->size]);
        }
        else if (depth + 1 < FL_SERVE_DEPTH_MAX)
            s_scan (self, child, depth + 1, found);
    }
    closedir (handle);
}

static enum MHD_Result
s_index (const serve_t *self, struct MHD_Connection *connection)
{
    s_runs_t found = { calloc (FL_SERVE_RUNS_MAX, sizeof (storeindex_run_t)), 0, 0 };
    if (!found.runs)
        return MHD_NO;
    s_scan (self, "", 0, &found);
    storeindex_sort (found.runs, found.size);
    char *body = NULL;
    size_t length = 0;
    FILE *out = open_memstream (&body, &length);
    if (out) {
        storeindex_write (out, self->root, found.runs, found.size, found.unlisted);
        fclose (out);
    }
    for (size_t i = 0; i < found.size; i++)
        storeindex_run_release (&found.runs [i]);
    free (found.runs);
    if (!out)
        return MHD_NO;
    return s_respond (connection, MHD_HTTP_OK, "text/html; charset=utf-8", body, length);
}

static int
s_name_compare (const void *a, const void *b)
{
    return strcmp (*(char *const *) a, *(char *const *) b);
}

static enum MHD_Result
s_listing (struct MHD_Connection *connection, const char *url, const char *dir)
{
    DIR *handle = opendir (dir);
    char **names = calloc (FL_SERVE_ENTRIES_MAX, sizeof (char *));
    bool *is_dir = calloc (FL_SERVE_ENTRIES_MAX, sizeof (bool));
    size_t size = 0, unlisted = 0;
    for (struct dirent *entry; handle && names && is_dir && (entry = readdir (handle)); ) {
        if (!storeindex_name_served (entry->d_name))
            continue;           // ".", "..", and names with a control byte
        if (size == FL_SERVE_ENTRIES_MAX || !(names [size] = strdup (entry->d_name))) {
            unlisted++;
            continue;
        }
        size++;
    }
    if (handle)
        closedir (handle);
    if (size > 1)
        qsort (names, size, sizeof (char *), s_name_compare);
    for (size_t i = 0; i < size; i++) {
        char path [PATH_MAX];
        struct stat info;
        is_dir [i] = s_join (path, dir, names [i]) && stat (path, &info) == 0
                  && S_ISDIR (info.st_mode);
    }
    char *body = NULL;
    size_t length = 0;
    FILE *out = handle && names && is_dir ? open_memstream (&body, &length) : NULL;
    if (out) {
        storeindex_listing_write (out, url, names, is_dir, size, unlisted);
        fclose (out);
    }
    for (size_t i = 0; i < size; i++)
        free (names [i]);
    free (names);
    free (is_dir);
    if (!out)
        return s_error (connection, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot list", url,
                        strerror (errno));
    return s_respond (connection, MHD_HTTP_OK, "text/html; charset=utf-8", body, length);
}

static enum MHD_Result
s_file (struct MHD_Connection *connection, const char *url, const char *path, off_t size)
{
    int fd = open (path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return s_error (connection, MHD_HTTP_FORBIDDEN, "cannot read", url, strerror (errno));
    struct MHD_Response *response = MHD_create_response_from_fd ((uint64_t) size, fd);
    if (!response) {
        close (fd);
        return MHD_NO;
    }
    MHD_add_response_header (response, "Content-Type", storeindex_content_type (path));
    enum MHD_Result rc = MHD_queue_response (connection, MHD_HTTP_OK, response);
    MHD_destroy_response (response);
    return rc;
}

//  libmicrohttpd decodes the path and hands over a string cut at the first
//  NUL, so "/x%00/../../etc/passwd" would be looked up as "/x": the raw
//  target is checked here, before it is decoded, and a refused one marked
//  for s_answer by the request state this returns.
static char s_raw_refused;

static void *
s_raw_uri (void *cls, const char *uri, struct MHD_Connection *connection)
{
    (void) cls, (void) connection;
    char problem [128];
    return storeindex_raw_check (uri, problem, sizeof problem) ? &s_raw_refused : NULL;
}

static enum MHD_Result
s_answer (void *cls, struct MHD_Connection *connection, const char *url, const char *method,
          const char *version, const char *upload, size_t *upload_size, void **state)
{
    (void) version, (void) upload, (void) upload_size;
    const serve_t *self = cls;
    char problem [256];
    if (*state == &s_raw_refused) {     // url is the path up to the NUL
        snprintf (problem, sizeof problem, "the path has a control byte at byte %zu "
                  "(an encoded NUL, %%00)", strlen (url));
        return s_error (connection, MHD_HTTP_FORBIDDEN, "refused", url, problem);
    }
    if (strcmp (method, MHD_HTTP_METHOD_GET) && strcmp (method, MHD_HTTP_METHOD_HEAD))
        return s_error (connection, MHD_HTTP_METHOD_NOT_ALLOWED, "refused", method,
                        "the store browser answers GET and HEAD only");
    if (storeindex_path_check (url, problem, sizeof problem))
        return s_error (connection, MHD_HTTP_FORBIDDEN, "refused", url, problem);
    if (strcmp (url, "/") == 0)
        return s_index (self, connection);
    char path [PATH_MAX], real [PATH_MAX];
    if (snprintf (path, sizeof path, "%s%s", self->root, url) >= (int) sizeof path)
        return s_error (connection, MHD_HTTP_FORBIDDEN, "refused", url, "path too long");
    if (!realpath (path, real))
        return s_error (connection, errno == ENOENT || errno == ENOTDIR ? MHD_HTTP_NOT_FOUND
                        : MHD_HTTP_FORBIDDEN, "not found", url, strerror (errno));
    if (!storeindex_inside (self->root, real))
        return s_error (connection, MHD_HTTP_FORBIDDEN, "refused", url,
                        "it leads out of the store (a symbolic link)");
    struct stat info;
    if (stat (real, &info))
        return s_error (connection, MHD_HTTP_NOT_FOUND, "not found", url, strerror (errno));
    if (S_ISDIR (info.st_mode))
        return s_listing (connection, url, real);
    if (!S_ISREG (info.st_mode))
        return s_error (connection, MHD_HTTP_FORBIDDEN, "refused", url, "not a regular file");
    return s_file (connection, url, real, info.st_size);
}

//  A socket listening on 127.0.0.1:PORT, or -1 with *error set.
static int
s_listen (int port, int *bound, char **error)
{
    int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons ((uint16_t) port),
                                   .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
    socklen_t length = sizeof address;
    int on = 1;
    if (fd < 0 || setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on)
    ||  bind (fd, (struct sockaddr *) &address, sizeof address) || listen (fd, 64)
    ||  getsockname (fd, (struct sockaddr *) &address, &length)) {
        int saved = errno;
        if (asprintf (error, "cannot listen on 127.0.0.1 port %d: %s%s", port, strerror (saved),
                      saved == EADDRINUSE ? " (another server has it: choose one with --port)"
                      : "") < 0)
            *error = NULL;
        if (fd >= 0)
            close (fd);
        return -1;
    }
    *bound = ntohs (address.sin_port);
    return fd;
}

serve_t *
serve_new (const char *store, int port, char **error, int *status)
{
    assert (store && error && status);
    struct stat info;
    char real [PATH_MAX];
    *status = FL_EXIT_USAGE;
    errno = 0;
    if (!realpath (store, real) || stat (real, &info)
    ||  (!S_ISDIR (info.st_mode) && (errno = ENOTDIR))) {
        if (asprintf (error, "store '%s' is not a directory%s%s", store, errno ? ": " : "",
                      errno ? strerror (errno) : "") < 0)
            *error = NULL;
        return NULL;
    }
    *status = FL_EXIT_UNAVAILABLE;
    serve_t *self = calloc (1, sizeof *self);
    int fd = self ? s_listen (port, &self->port, error) : -1;
    if (fd < 0) {
        free (self);
        return NULL;
    }
    self->root = strdup (real);
    self->daemon = MHD_start_daemon (MHD_USE_AUTO_INTERNAL_THREAD, 0, NULL, NULL,
                                     s_answer, self, MHD_OPTION_LISTEN_SOCKET, fd,
                                     MHD_OPTION_CONNECTION_LIMIT, FL_SERVE_CONNECTIONS_MAX,
                                     MHD_OPTION_CONNECTION_TIMEOUT, FL_SERVE_TIMEOUT_S,
                                     MHD_OPTION_URI_LOG_CALLBACK, s_raw_uri, NULL,
                                     MHD_OPTION_END);
    if (!self->daemon || !self->root) {
        if (asprintf (error, "libmicrohttpd cannot serve on 127.0.0.1 port %d", self->port) < 0)
            *error = NULL;
        close (fd);
        free (self->root);
        free (self);
        return NULL;
    }
    return self;
}

int
serve_port (const serve_t *self)
{
    assert (self);
    return self->port;
}

const char *
serve_root (const serve_t *self)
{
    assert (self);
    return self->root;
}

void
serve_destroy (serve_t **self_p)
{
    assert (self_p);
    serve_t *self = *self_p;
    if (!self)
        return;
    MHD_stop_daemon (self->daemon);
    free (self->root);
    free (self);
    *self_p = NULL;
}
