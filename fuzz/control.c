/*  control.c -- fuzz target: the proxy's control protocol (proxy/control.h,
    docs/proxy.md): one request as bytes to control_handle, which must
    answer an object with "ok" and, when not ok, an "error" string. One
    proxy serves every input (made once, on ipc endpoints in a private
    directory); a heal after each keeps its rule table from filling.
*/
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "fuzz.h"
#include "proxy/proxy.h"
#include "proxy/control.h"

static proxy_t *s_proxy;
static char s_dir [] = "/tmp/fl-fuzz-control-XXXXXX";

//  At exit: the proxy's sockets closed, its directory removed.
static void
s_cleanup (void)
{
    proxy_destroy (&s_proxy);
    char path [128];
    snprintf (path, sizeof path, "%s/net", s_dir);
    unlink (path);
    snprintf (path, sizeof path, "%s/ctl", s_dir);
    unlink (path);
    rmdir (s_dir);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
    (void) argc, (void) argv;
    zsys_init ();
    zsys_set_logstream (stderr);
    FUZZ_ASSERT (mkdtemp (s_dir));
    static char net [128], control [128];
    snprintf (net, sizeof net, "ipc://%s/net", s_dir);
    snprintf (control, sizeof control, "ipc://%s/ctl", s_dir);
    proxy_config_t config = { .net = net, .control = control, .seed = 42 };
    char error [256];
    s_proxy = proxy_new (&config, error, sizeof error);
    if (!s_proxy)
        fprintf (stderr, "fuzz control: %s\n", error);
    FUZZ_ASSERT (s_proxy);
    atexit (s_cleanup);
    return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
    if (!s_proxy)
        LLVMFuzzerInitialize (NULL, NULL);
    json_t *reply = control_handle (s_proxy, (const char *) data, size);
    FUZZ_ASSERT (json_is_object (reply));
    json_t *ok = json_object_get (reply, "ok");
    FUZZ_ASSERT (json_is_boolean (ok));
    if (json_is_false (ok))
        FUZZ_ASSERT (json_is_string (json_object_get (reply, "error")));
    json_decref (reply);
    static const char heal [] = "{\"cmd\":\"heal\"}";
    reply = control_handle (s_proxy, heal, sizeof heal - 1);
    FUZZ_ASSERT (json_is_true (json_object_get (reply, "ok")));
    json_decref (reply);
    return 0;
}
