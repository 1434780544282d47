/*  shellcmd.c -- a --node command line, read as sh reads its first command.
    See shellcmd.h.
*/
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "shellcmd.h"

//  What ends a word and, but for redirections, a simple command.
static bool
s_operator (char c)
{
    return c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '\n';
}

static bool
s_ends_word (char c)
{
    return !c || c == ' ' || c == '\t' || c == '<' || c == '>' || s_operator (c);
}

//  WORD is one of WORDS (NULL-ended).
static bool
s_listed (const char *word, const char *const *words)
{
    for (const char *const *w = words; *w; w++)
        if (strcmp (word, *w) == 0)
            return true;
    return false;
}

//  Reserved words and builtins: not a program, and `exec` cannot go before.
static bool
s_shell_word (const char *word)
{
    static const char *const words [] = {
        "!", "{", "}", "case", "do", "done", "elif", "else", "esac", "fi", "for",
        "if", "in", "then", "until", "while", "exec", "cd", ".", "eval", "export",
        "readonly", "set", "shift", "trap", "ulimit", "umask", "unset", "source",
        "command", "time", "alias", "wait", NULL
    };
    return s_listed (word, words);
}

//  Read the word at *at, unquoted, into out. expands: it holds a $, `, a
//  glob or a leading ~ that sh would expand. Returns -1 for a quote never
//  closed.
static int
s_word (const char **at, char *out, size_t size, bool *expands)
{
    const char *s = *at;
    size_t used = 0;
    *expands = false;
#define S_PUT(c) do { if (used + 1 < size) out [used++] = (c); else *expands = true; } while (0)
    while (!s_ends_word (*s)) {
        if (*s == '\'') {
            for (s++; *s && *s != '\''; s++)
                S_PUT (*s);
            if (!*s)
                return -1;
            s++;
        }
        else
        if (*s == '"') {
            for (s++; *s && *s != '"'; s++) {
                if (*s == '\\' && s [1] && strchr ("\"\\$`", s [1]))
                    s++;
                else
                if (*s == '$' || *s == '`')
                    *expands = true;
                S_PUT (*s);
            }
            if (!*s)
                return -1;
            s++;
        }
        else
        if (*s == '\\') {
            s++;
            if (*s)
                S_PUT (*s++);
        }
        else {
            if (strchr ("$`*?[", *s) || (*s == '~' && used == 0))
                *expands = true;
            S_PUT (*s);
            s++;
        }
    }
#undef S_PUT
    out [used] = 0;
    *at = s;
    return 0;
}

//  Words after which sh still expects a command: reserved words that open
//  or continue one, and the builtins that run the rest as a program.
static bool
s_before_command (const char *word)
{
    static const char *const words [] = {
        "!", "{", "do", "elif", "else", "if", "then", "until", "while", "exec",
        "command", "time", NULL
    };
    return s_listed (word, words);
}

//  A NAME=... word, as sh tells an assignment from a program.
static bool
s_assignment (const char *raw)
{
    if (!(isalpha ((unsigned char) *raw) || *raw == '_'))
        return false;
    while (isalnum ((unsigned char) *raw) || *raw == '_')
        raw++;
    return *raw == '=';
}

//  Programs that run the rest of their words as a program ("env FOO=1
//  node n.js", "nice -n 5 node n.js", "timeout 60 node n.js"): the short
//  options that take the next word as their argument, and how many words
//  come between the options and the program.
typedef struct {
    const char *name;
    const char *options;        //  short ones
    const char *long_options;   //  " name name ": --name ARG (not --name=ARG)
    int operands;
} s_wrapper_t;

static const s_wrapper_t s_wrappers [] = {
    { "env", "uCS", " unset chdir split-string ", 0 },
    { "nice", "n", " adjustment ", 0 },
    { "nohup", "", "", 0 },
    { "setsid", "", "", 0 },
    { "stdbuf", "ioe", " input output error ", 0 },
    { "timeout", "sk", " signal kill-after ", 1 },
    { "taskset", "", "", 1 },
    { "chrt", "", "", 1 },
    { "ionice", "cnp", " class classdata pid ", 0 },
    { "faketime", "p", "", 1 },
    { NULL, NULL, NULL, 0 }
};

//  Does the wrapper's long option WORD ("--signal") take the next word?
static bool
s_long_argument (const s_wrapper_t *wrapper, const char *word)
{
    size_t length = strlen (word + 2);
    if (strchr (word, '=') || length == 0 || length > 32)
        return false;
    char name [40];
    snprintf (name, sizeof name, " %s ", word + 2);
    return strstr (wrapper->long_options, name) != NULL;
}

//  Where a command's words are: still in its wrappers or at the program.
typedef struct {
    const s_wrapper_t *wrapper;     //  the last wrapper, or NULL
    int operands;                   //  its words still to come
    bool argument;                  //  the next word is an option's
    bool split;                     //  ... and it is env -S's command line
    const char *split_line;         //  env -S's line within the word itself
                                    //  (-S'node n.js', --split-string=...)
    bool options_done;              //  after "--"
} s_wrap_t;

//  True when WORD is a wrapper's, so that the program is still to come.
//  assignment: WORD is NAME=VALUE (env's own).
static bool
s_wrap_word (s_wrap_t *self, const char *word, bool assignment)
{
    if (self->argument) {
        self->argument = false;
        return !self->split;    //  env -S's line holds the program
    }
    if (self->wrapper && !self->options_done && word [0] == '-' && word [1]) {
        //  env's -S, --split-string: its argument is the command line, in
        //  the next word (-S 'line', -iS 'line', --split-string 'line') or
        //  in this one (-S'line', -iSline, --split-string=line)
        bool env = strcmp (self->wrapper->name, "env") == 0;
        const char *s_at = NULL;
        for (const char *c = word + 1; env && word [1] != '-' && *c && !s_at; c++) {
            if (*c == 'S')
                s_at = c;
            else
            if (strchr ("uCa", *c))
                break;          //  an option whose argument is the rest
        }
        if (s_at && s_at [1]) {
            self->split = true;
            self->split_line = s_at + 1;
            return false;
        }
        if (env && strncmp (word, "--split-string=", 15) == 0) {
            self->split = true;
            self->split_line = word + 15;
            return false;
        }
        if (s_at || (env && strcmp (word, "--split-string") == 0)) {
            self->argument = self->split = true;
            return true;
        }
        if (strcmp (word, "--") == 0)
            self->options_done = true;
        else
        if (word [1] != '-' && !word [2] && strchr (self->wrapper->options, word [1]))
            self->argument = true;
        else
        if (word [1] == '-' && s_long_argument (self->wrapper, word))
            self->argument = true;
        return true;
    }
    if (self->wrapper && assignment && strcmp (self->wrapper->name, "env") == 0)
        return true;
    if (self->operands > 0) {
        self->operands--;
        return true;
    }
    const char *slash = strrchr (word, '/');
    const char *name = slash? slash + 1: word;
    for (const s_wrapper_t *w = s_wrappers; w->name; w++)
        if (strcmp (name, w->name) == 0) {
            *self = (s_wrap_t) { .wrapper = w, .operands = w->operands };
            return true;
        }
    return false;
}

//  env -S's argument: a command line of its own ("node --flag n.js"),
//  read as one (its first word may be a wrapper too).
static bool
s_split_nodejs (const char *line)
{
    shellcmd_t parsed;
    return shellcmd_read (line, &parsed) == 0 && parsed.nodejs;
}

bool
shellcmd_argv_nodejs (char *const *argv, int argc)
{
    assert (argv || argc == 0);
    s_wrap_t wrap = { .wrapper = NULL };
    for (int i = 0; i < argc; i++)
        if (!s_wrap_word (&wrap, argv [i], s_assignment (argv [i])))
            return wrap.split? s_split_nodejs (wrap.split_line? wrap.split_line: argv [i])
                             : shellcmd_is_nodejs (argv [i]);
    return false;
}

int
shellcmd_read (const char *cmd, shellcmd_t *out)
{
    assert (cmd && out);
    memset (out, 0, sizeof *out);
    out->simple = true;
    bool found = false;
    bool command_at = true;     // the next word is in a command's place
    s_wrap_t wrap = { .wrapper = NULL };   //  the wrappers before its program
    const char *s = cmd;
    char word [SHELLCMD_WORD_BYTES_MAX];
    while (*s) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        if (*s == '#') {        //  a comment to the end of the line
            s += strcspn (s, "\n");
            continue;
        }
        if (s_operator (*s)) {
            out->simple = false;
            command_at = true;
            wrap = (s_wrap_t) { .wrapper = NULL };
            s++;
            continue;
        }
        size_t digits = strspn (s, "0123456789");
        if (s [digits] == '<' || s [digits] == '>') {
            //  A redirection ("2>err" too): its operator, then its target.
            s += digits;
            while (*s == '<' || *s == '>' || *s == '&')
                s++;
            while (*s == ' ' || *s == '\t')
                s++;
            bool expands;
            if (s_word (&s, word, sizeof word, &expands))
                return -1;
            if (!found)
                out->simple = false;    //  before the program: leave it be
            continue;
        }
        const char *start = s;
        bool expands;
        if (s_word (&s, word, sizeof word, &expands))
            return -1;
        if (command_at && !s_assignment (start) && !s_before_command (word)
        && !s_wrap_word (&wrap, word, false)) {
            command_at = false;
            if (!expands && (wrap.split? s_split_nodejs (wrap.split_line? wrap.split_line: word):
                             !s_shell_word (word) && shellcmd_is_nodejs (word)))
                out->nodejs = true;
        }
        if (found || (out->simple && s_assignment (start)))
            continue;
        found = true;
        out->program_at = (size_t) (start - cmd);
        if (s_shell_word (word))
            out->simple = false;
        else
        if (!expands)
            snprintf (out->program, sizeof out->program, "%s", word);
    }
    if (!found)
        out->simple = false;
    if (!out->simple)
        out->program [0] = 0;
    return 0;
}

char *
shellcmd_exec_line (const char *cmd)
{
    assert (cmd);
    shellcmd_t parsed;
    size_t length = strlen (cmd);
    char *line = malloc (length + sizeof "exec ");
    assert (line);
    if (shellcmd_read (cmd, &parsed) || !parsed.simple)
        memcpy (line, cmd, length + 1);
    else
        sprintf (line, "%.*sexec %s", (int) parsed.program_at, cmd, cmd + parsed.program_at);
    return line;
}

//  True when NAME's last path part is node or nodejs.
static bool
s_named_node (const char *name, size_t length)
{
    const char *slash = memrchr (name, '/', length);
    if (slash) {
        length -= (size_t) (slash + 1 - name);
        name = slash + 1;
    }
    return (length == 4 && memcmp (name, "node", 4) == 0)
        || (length == 6 && memcmp (name, "nodejs", 6) == 0);
}

bool
shellcmd_is_nodejs (const char *program)
{
    assert (program);
    if (!*program)
        return false;
    if (s_named_node (program, strlen (program)))
        return true;
    //  A script: its #! line names the interpreter ("/usr/bin/env node").
    FILE *file = strchr (program, '/')? fopen (program, "r"): NULL;
    if (!file)
        return false;
    char line [256] = "";
    bool nodejs = false;
    if (fgets (line, sizeof line, file) && strncmp (line, "#!", 2) == 0) {
        char *save = NULL;
        for (char *w = strtok_r (line + 2, " \t\r\n", &save); w && !nodejs;
             w = strtok_r (NULL, " \t\r\n", &save))
            nodejs = s_named_node (w, strlen (w));
    }
    fclose (file);
    return nodejs;
}
