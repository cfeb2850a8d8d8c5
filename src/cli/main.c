/* kivumap: the command table and dispatch (git.c style).  Each command lives
 * in src/cli/cmd_<name>.c; library code returns errors, only this layer
 * prints them and chooses exit codes. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const kvm_command *const commands[] = {
    &kvm_cmd_extract, &kvm_cmd_check,  &kvm_cmd_map,   &kvm_cmd_export,
    &kvm_cmd_distance, &kvm_cmd_places, NULL,
};

static void print_main_help(FILE *out)
{
    fprintf(out, "usage: kivumap <command> [options] [ARTICLE...]\n"
                 "       kivumap help <command>\n"
                 "       kivumap --version\n\n"
                 "News articles about the war in North Kivu -> places, events, distances, maps\n"
                 "and GIS layers.  ARTICLE is a file or '-' for standard input.\n\n"
                 "commands:\n");
    for (size_t i = 0; commands[i]; i++)
        fprintf(out, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
    fprintf(out, "\nexit status: 0 success, 1 failure, 2 usage error.\n"
                 "Run 'kivumap help <command>' for a command's options.\n");
}

static const kvm_command *find_command(const char *name)
{
    for (size_t i = 0; commands[i]; i++)
        if (strcmp(commands[i]->name, name) == 0)
            return commands[i];
    return NULL;
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("kivumap: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fputs("kivumap: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: see 'kivumap help %s'\n", cmd);
    return KVM_EXIT_USAGE;
}

void cli_warn_replaced(const char *file, size_t n)
{
    if (n > 0)
        fprintf(stderr, "kivumap: warning: '%s': %zu invalid UTF-8 sequence%s replaced\n", file, n,
                n == 1 ? "" : "s");
}

int cli_fail(const kvm_error *err)
{
    cli_error("%s", err->message[0] ? err->message : kvm_status_to_string(err->code));
    return KVM_EXIT_FAILURE;
}

int cli_print_help(const kvm_command *cmd)
{
    fputs(cmd->usage, stdout);
    return cli_finish_stdout(KVM_EXIT_OK);
}

int cli_parse_jobs(const char *cmd, const char *value, unsigned *pjobs)
{
    char *end = NULL;
    errno = 0;
    long n = strtol(value, &end, 10);
    if (errno || end == value || *end || n < 0 || n > 256)
        return cli_usage_error(cmd, "bad --jobs '%s' (0 = one per CPU, or 1 to 256)", value);
    *pjobs = (unsigned)n;
    return KVM_EXIT_OK;
}

int cli_is_flag(const char *arg, const char *name)
{
    return strcmp(arg, name) == 0;
}

int cli_match_option(int argc, char **argv, int *pindex, const char *name, const char **pvalue)
{
    const char *arg = argv[*pindex];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0)
        return 0;
    if (arg[n] == '=') {
        *pvalue = arg + n + 1;
        return 1;
    }
    if (arg[n] != '\0') {
        if (n == 2 && name[0] == '-' && name[1] != '-') {
            *pvalue = arg + n; /* a short option's attached value: "-j4", "-oout.json" */
            return 1;
        }
        return 0;
    }
    if (*pindex + 1 >= argc) {
        cli_error("option '%s' needs a value", name);
        return -1;
    }
    *pindex += 1;
    *pvalue = argv[*pindex];
    return 1;
}

kvm_gazetteer *cli_load_gazetteer(const char *const *files, size_t n_files)
{
    kvm_error err = {0};
    kvm_gazetteer *gaz = kvm_gazetteer_new();
    if (!gaz) {
        cli_error("out of memory");
        return NULL;
    }
    if (kvm_gazetteer_load_bundled(gaz, &err) != KVM_OK) {
        cli_fail(&err);
        kvm_gazetteer_free(gaz);
        return NULL;
    }
    for (size_t i = 0; i < n_files; i++) {
        if (kvm_gazetteer_load_file(gaz, files[i], &err) != KVM_OK) {
            cli_fail(&err);
            kvm_gazetteer_free(gaz);
            return NULL;
        }
    }
    return gaz;
}

int cli_finish_stdout(int code)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        if (errno == EPIPE)
            return code; /* the reader went away (| head): not our failure */
        if (code != KVM_EXIT_OK)
            return code; /* the command has reported its own failure already */
        cli_error("cannot write to standard output: %s", strerror(errno ? errno : EIO));
        return KVM_EXIT_FAILURE;
    }
    return code;
}

/* Options that may be given more than once; every other option given twice
 * is a usage error (the second value would silently win otherwise). */
static int is_repeatable_option(const char *name, size_t len)
{
    static const char *const repeatable[] = {"--gazetteer", "--layer", "--events", NULL};
    for (size_t i = 0; repeatable[i]; i++)
        if (strlen(repeatable[i]) == len && strncmp(repeatable[i], name, len) == 0)
            return 1;
    return 0;
}

static size_t option_name_length(const char *arg)
{
    const char *eq = strchr(arg, '=');
    return eq ? (size_t)(eq - arg) : strlen(arg);
}

static int is_option_word(const char *arg)
{
    return (arg[0] == '-' && arg[1] == '-' && arg[2] != '\0' && arg[2] != '-') ||
           strcmp(arg, "-o") == 0;
}

/* Returns the index of the first option repeated in argv[1..], or 0. */
static int find_repeated_option(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (!is_option_word(argv[i]))
            continue;
        size_t len = option_name_length(argv[i]);
        if (is_repeatable_option(argv[i], len))
            continue;
        for (int j = 1; j < i; j++) {
            if (strcmp(argv[j], "--") == 0)
                break;
            if (is_option_word(argv[j]) && option_name_length(argv[j]) == len &&
                strncmp(argv[j], argv[i], len) == 0)
                return i;
        }
    }
    return 0;
}

/* The reader of our standard output went away (`kivumap ... | head`): what
 * it wanted it has; stop at once, quietly and successfully.  Files written
 * with -o are untouched by this (they are not pipes), and a temporary file
 * can only exist for those. */
static void on_sigpipe(int sig)
{
    (void)sig;
    _exit(KVM_EXIT_OK);
}

int cli_stderr_is_tty(void)
{
    return isatty(STDERR_FILENO);
}

int main(int argc, char **argv)
{
    /* A closed pipe on stdout (`kivumap ... | head -n 1`) must end the run
     * quietly and successfully: see on_sigpipe. */
    signal(SIGPIPE, on_sigpipe);
    if (argc < 2) {
        fputs("kivumap: no command given\n"
              "usage: kivumap <command> [options] [ARTICLE...]; see 'kivumap --help'\n",
              stderr);
        return KVM_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0) {
        print_main_help(stdout);
        return cli_finish_stdout(KVM_EXIT_OK);
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("kivumap %s\n", KVM_VERSION_STRING);
        return cli_finish_stdout(KVM_EXIT_OK);
    }
    if (strcmp(name, "help") == 0) {
        if (argc < 3) {
            print_main_help(stdout);
            return cli_finish_stdout(KVM_EXIT_OK);
        }
        const kvm_command *cmd = find_command(argv[2]);
        if (!cmd) {
            cli_error("unknown command '%s'", argv[2]);
            return KVM_EXIT_USAGE;
        }
        return cli_print_help(cmd);
    }
    const kvm_command *cmd = find_command(name);
    if (!cmd) {
        cli_error("unknown command '%s' (see 'kivumap --help')", name);
        return KVM_EXIT_USAGE;
    }
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return cli_print_help(cmd);
    }
    int repeated = find_repeated_option(argc - 1, argv + 1);
    if (repeated) {
        const char *arg = argv[repeated + 1];
        return cli_usage_error(cmd->name, "option '%.*s' given twice",
                               (int)option_name_length(arg), arg);
    }
    return cmd->run(argc - 1, argv + 1);
}
