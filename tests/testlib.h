/* A minimal table-driven test harness: CHECK macros count failures, main
 * returns the count (geographiclib's test style), and helpers run the CLI. */
#ifndef KIVUMAP_TESTLIB_H
#define KIVUMAP_TESTLIB_H

#include <stddef.h>

extern int test_failures;
extern int test_checks;

void test_fail_at(const char *file, int line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#define CHECK(cond)                                                                           \
    do {                                                                                      \
        test_checks++;                                                                        \
        if (!(cond))                                                                          \
            test_fail_at(__FILE__, __LINE__, "%s", #cond);                                    \
    } while (0)
#define CHECK_MSG(cond, ...)                                                                  \
    do {                                                                                      \
        test_checks++;                                                                        \
        if (!(cond))                                                                          \
            test_fail_at(__FILE__, __LINE__, __VA_ARGS__);                                    \
    } while (0)
#define CHECK_NEAR(a, b, tol)                                                                 \
    do {                                                                                      \
        double test_a_ = (a), test_b_ = (b);                                                  \
        test_checks++;                                                                        \
        if (!(test_a_ - test_b_ <= (tol) && test_b_ - test_a_ <= (tol)))                      \
            test_fail_at(__FILE__, __LINE__, "%s = %.12g, expected %.12g (tol %g)", #a,       \
                         test_a_, test_b_, (double)(tol));                                    \
    } while (0)
#define CHECK_STR(a, b)                                                                       \
    do {                                                                                      \
        const char *test_a_ = (a), *test_b_ = (b);                                            \
        test_checks++;                                                                        \
        if (!test_a_ || !test_b_ || strcmp(test_a_, test_b_) != 0)                            \
            test_fail_at(__FILE__, __LINE__, "%s = \"%s\", expected \"%s\"", #a,              \
                         test_a_ ? test_a_ : "(null)", test_b_ ? test_b_ : "(null)");         \
    } while (0)

/* Runs a shell command; captures stdout and stderr (caller frees both, may
 * pass NULL).  Returns the exit status, or -1 if it could not run. */
int test_run(const char *command, char **pstdout, char **pstderr);
/* Reads a whole file (NULL if missing); caller frees. */
char *test_read_file(const char *path, size_t *plen);
/* 1 if the directory exists. */
int test_dir_exists(const char *path);
struct kvm_gazetteer;
struct kvm_place;
/* The place with this id in a test's gazetteer; a missing one is a broken
 * fixture: the message names it and the test program exits 1. */
const struct kvm_place *test_place(const struct kvm_gazetteer *gaz, const char *id);

/* Prints "<name>: N passed, N failed" and returns the failure count. */
int test_report(const char *name);

#endif /* KIVUMAP_TESTLIB_H */
