/* Shared by the kivumap subcommands: the command table entry, reporting
 * errors the git way ("kivumap: problem 'subject'"), option helpers and the
 * gazetteer every command loads (bundled + --gazetteer FILE...). */
#ifndef KIVUMAP_CLI_H
#define KIVUMAP_CLI_H

#include <stdio.h>

#include "kivumap/kivumap.h"

/* Exit codes (DESIGN §9). */
enum { KVM_EXIT_OK = 0, KVM_EXIT_FAILURE = 1, KVM_EXIT_USAGE = 2 };

typedef struct kvm_command {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is the command name */
    const char *usage;                 /* full help text, printed by --help */
    const char *summary;               /* one line for `kivumap --help` */
} kvm_command;

/* Each cmd_<name>.c defines its command; main.c lists them. */
extern const kvm_command kvm_cmd_places;
extern const kvm_command kvm_cmd_distance;
extern const kvm_command kvm_cmd_extract;
extern const kvm_command kvm_cmd_check;
extern const kvm_command kvm_cmd_map;
extern const kvm_command kvm_cmd_export;

/* "kivumap: <message>" on stderr, newline added. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
/* "kivumap: <message>" then "usage: see 'kivumap help <cmd>'"; returns 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Reports err's message; returns 1 (KVM_EXIT_FAILURE). */
int cli_fail(const kvm_error *err);

/* Prints a command's usage text to stdout; returns 0. */
int cli_print_help(const kvm_command *cmd);

/* Option scanning for "--name VALUE" / "--name=VALUE" / "--flag"; a short
 * option also takes "-nVALUE" ("-j4").
 * cli_match_option(argv, argc, &i, "--within", &value): returns 1 when argv[i]
 * is that option and sets *pvalue (advancing i past a separate value), -1
 * when the value is missing (prints a usage error), 0 otherwise. */
int cli_match_option(int argc, char **argv, int *pindex, const char *name, const char **pvalue);
int cli_is_flag(const char *arg, const char *name);
/* The value of -j/--jobs: 0 (one per CPU) to 256.  A usage error (returns 2,
 * message printed) otherwise. */
int cli_parse_jobs(const char *cmd, const char *value, unsigned *pjobs);

/* The gazetteer for this run: bundled rows, then each user file in order.
 * Returns NULL after printing the error. */
kvm_gazetteer *cli_load_gazetteer(const char *const *files, size_t n_files);

/* Flushes stdout; a write error (EPIPE excepted) is reported.  Returns the
 * exit code to use given the command's own code. */
int cli_finish_stdout(int code);

/* 1 when a place argument starts like a number ("-1.6,29.2", ".5,3"):
 * such arguments are coordinates, never names. */
int cli_looks_like_coordinates(const char *text);

/* The stderr note for a name shared by several places: which one was used
 * and the ids that choose the others. */
void cli_warn_ambiguous(const kvm_gazetteer *gaz, const char *text, const kvm_place *used);

/* Terminal columns taken by a UTF-8 string: one per code point, none for
 * combining marks and zero-width spaces (enough for the gazetteer's names). */
size_t cli_display_width(const char *s);
/* Writes s to stdout padded with spaces to `width` columns, on the left when
 * right_align (numbers), else on the right. */
void cli_put_padded(const char *s, size_t width, int right_align);

/* 1 when stderr is a terminal (progress lines are shown only then). */
int cli_stderr_is_tty(void);
/* "kivumap: warning: 'FILE': N invalid UTF-8 sequence(s) replaced", once
 * per file, when N > 0 (every command that reads articles says it). */
void cli_warn_replaced(const char *file, size_t n);

#endif /* KIVUMAP_CLI_H */
