/*  common_shellcmd.c -- a --node command line read as sh reads its first
    command: assignments before the program, the program unquoted, and
    `exec` put before a simple command's program only.
*/
#include "tap.h"
#include <string.h>
#include "shellcmd.h"

static void
s_expect (const char *cmd, bool simple, const char *program, const char *line)
{
    shellcmd_t parsed;
    assert_int_equal (shellcmd_read (cmd, &parsed), 0);
    if (parsed.simple != simple || strcmp (parsed.program, program))
        fail_msg ("'%s': simple %d program '%s', want %d '%s'", cmd, parsed.simple,
                  parsed.program, simple, program);
    char *got = shellcmd_exec_line (cmd);
    if (strcmp (got, line))
        fail_msg ("'%s': exec line '%s', want '%s'", cmd, got, line);
    free (got);
}

static void
test_simple_commands (void **state)
{
    (void) state;
    s_expect ("python3 node.py", true, "python3", "exec python3 node.py");
    s_expect ("  ruby n.rb --x 1", true, "ruby", "  exec ruby n.rb --x 1");
    s_expect ("FOO=1 python3 node.py", true, "python3", "FOO=1 exec python3 node.py");
    s_expect ("A=1 B='x y' node n.js", true, "node", "A=1 B='x y' exec node n.js");
    s_expect ("'my node'/run a", true, "my node/run", "exec 'my node'/run a");
    s_expect ("my\\ node/run", true, "my node/run", "exec my\\ node/run");
    s_expect ("python3 n.py 2>/tmp/err", true, "python3", "exec python3 n.py 2>/tmp/err");
    s_expect ("python3 'a;b'", true, "python3", "exec python3 'a;b'");
    //  A program sh must expand: simple, but not known here.
    s_expect ("$HOME/bin/node-x", true, "", "exec $HOME/bin/node-x");
    s_expect ("~/n.py", true, "", "exec ~/n.py");
}

static void
test_not_simple (void **state)
{
    (void) state;
    s_expect ("cd nodes && python3 n.py", false, "", "cd nodes && python3 n.py");
    s_expect ("exec python3 n.py", false, "", "exec python3 n.py");
    s_expect ("python3 a.py; echo done", false, "", "python3 a.py; echo done");
    s_expect ("python3 a.py | tee x", false, "", "python3 a.py | tee x");
    s_expect ("(python3 a.py)", false, "", "(python3 a.py)");
    s_expect ("2>err python3 a.py", false, "", "2>err python3 a.py");
    s_expect ("FOO=1", false, "", "FOO=1");
    s_expect ("", false, "", "");
}

static void
test_unclosed_quotes (void **state)
{
    (void) state;
    const char *bad [] = { "python3 x.py 'oops", "python3 \"x.py", "'python3", "a \"b\\\"" };
    for (size_t i = 0; i < sizeof bad / sizeof bad [0]; i++) {
        shellcmd_t parsed;
        if (shellcmd_read (bad [i], &parsed) != -1)
            fail_msg ("'%s' was read", bad [i]);
        char *line = shellcmd_exec_line (bad [i]);
        assert_string_equal (line, bad [i]);        //  sh will say
        free (line);
    }
}

//  The words of ARGV before its first NULL, of at most MAX.
static int
s_argc (char **argv, int max)
{
    int argc = 0;
    while (argc < max && argv [argc])
        argc++;
    return argc;
}

static void
test_nodejs (void **state)
{
    (void) state;
    assert_true (shellcmd_is_nodejs ("node"));
    assert_true (shellcmd_is_nodejs ("/usr/bin/nodejs"));
    assert_false (shellcmd_is_nodejs ("python3"));
    assert_false (shellcmd_is_nodejs ("nodex"));
    assert_false (shellcmd_is_nodejs (""));
    //  A script whose #! line runs node, and one that runs python3.
    char js [] = "/tmp/shellcmd-js-XXXXXX", py [] = "/tmp/shellcmd-py-XXXXXX";
    int fd = mkstemp (js);
    assert_true (fd >= 0);
    assert_true (write (fd, "#!/usr/bin/env node\n", 20) == 20);
    close (fd);
    fd = mkstemp (py);
    assert_true (fd >= 0);
    assert_true (write (fd, "#!/usr/bin/env python3\n", 23) == 23);
    close (fd);
    assert_true (shellcmd_is_nodejs (js));
    assert_false (shellcmd_is_nodejs (py));
    //  A line: any command of it, after assignments and exec, not a
    //  builtin's argument or an expansion.
    const char *yes [] = { "node n.js", "cd d && node n.js", "FOO=1 exec nodejs n.js",
                           "ulimit -n 64; exec /usr/bin/node n.js", "if true; then node n.js; fi",
                           "python3 x.py | node y.js", "# start it\nnode n.js",
                           "python3 a#b; node n.js", "env node n.js", "nice node n.js",
                           "/usr/bin/env FOO=1 node n.js", "nice -n 5 node n.js",
                           "timeout -s KILL 60 nodejs n.js", "env -u HOME node n.js",
                           "nohup stdbuf -oL node n.js", "taskset -c 0 node n.js",
                           "cd d && env -- node n.js", "faketime -f +1d node n.js",
                           "faketime -p 5 +1d node n.js", "timeout --signal KILL 60 node n.js",
                           "nice --adjustment 5 node n.js", "env --unset X node n.js",
                           "env -S 'node --flag n.js'", "env -u X --split-string \"nice node n.js\"",
                           "env -S'node n.js'", "env --split-string='node n.js'",
                           "env -iS 'node n.js'", "env -vS'node n.js'",
                           "timeout --signal=KILL 60 node n.js", NULL };
    const char *no [] = { "python3 n.js", "cd node && python3 n.py", "echo node",
                          "python3 n.py # ; node x", "python3 n.py #node",
                          "$NODE n.js", "FOO=node ruby n.rb", "cat n.js > node",
                          "env python3 node.js", "nice -n 5 python3 node", "env -u node ruby n.rb",
                          "timeout 60 python3 node", "env node=1 ruby n.rb",
                          "env -S 'python3 node'", "env -uSX python3 n.py", NULL };
    shellcmd_t parsed;
    for (int i = 0; yes [i]; i++) {
        assert_int_equal (shellcmd_read (yes [i], &parsed), 0);
        if (!parsed.nodejs)
            fail_msg ("'%s' runs node", yes [i]);
    }
    for (int i = 0; no [i]; i++) {
        assert_int_equal (shellcmd_read (no [i], &parsed), 0);
        if (parsed.nodejs)
            fail_msg ("'%s' does not run node", no [i]);
    }
    //  An argv, as node-stdio is given one after --.
    char *argv_yes [] [5] = { { "node", "n.js" }, { "env", "X=1", "node", "n.js" },
                              { "nice", "-n", "5", "node", "n.js" },
                              { "/usr/bin/timeout", "60", "nodejs", "n.js" },
                              { "env", "-S", "node n.js" }, { "env", "-Snode n.js" } };
    char *argv_no [] [5] = { { "python3", "node" }, { "env", "python3", "node" },
                             { "nice", "-n", "node", "python3" }, { "env" },
                             { "env", "-S", "python3 node" } };
    for (size_t i = 0; i < sizeof argv_yes / sizeof argv_yes [0]; i++) {
        if (!shellcmd_argv_nodejs (argv_yes [i], s_argc (argv_yes [i], 5)))
            fail_msg ("argv %zu runs node", i);
    }
    for (size_t i = 0; i < sizeof argv_no / sizeof argv_no [0]; i++) {
        if (shellcmd_argv_nodejs (argv_no [i], s_argc (argv_no [i], 5)))
            fail_msg ("argv %zu does not run node", i);
    }
    char line [64];
    snprintf (line, sizeof line, "cd /tmp && %s", js);
    assert_int_equal (shellcmd_read (line, &parsed), 0);
    assert_true (parsed.nodejs);
    unlink (js);
    unlink (py);
}

int
main (void)
{
    tap_start (60);
    const struct CMUnitTest tests [] = {
        cmocka_unit_test (test_simple_commands),
        cmocka_unit_test (test_not_simple),
        cmocka_unit_test (test_unclosed_quotes),
        cmocka_unit_test (test_nodejs),
    };
    return cmocka_run_group_tests_name ("common_shellcmd", tests, NULL, NULL);
}
