#define _POSIX_C_SOURCE 200809L
#include "testlib.h"

#include "kivumap/gazetteer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int test_failures;
int test_checks;

void test_fail_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    test_failures++;
    fprintf(stderr, "%s:%d: FAIL: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

char *test_read_file(const char *path, size_t *plen)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    size_t cap = 4096, len = 0;
    char *data = malloc(cap);
    size_t n;
    while (data && (n = fread(data + len, 1, cap - len - 1, fp)) > 0) {
        len += n;
        if (cap - len - 1 == 0) {
            char *bigger = realloc(data, cap * 2);
            if (!bigger) {
                free(data);
                data = NULL;
                break;
            }
            data = bigger;
            cap *= 2;
        }
    }
    fclose(fp);
    if (data)
        data[len] = '\0';
    if (plen)
        *plen = len;
    return data;
}

int test_dir_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int test_run(const char *command, char **pstdout, char **pstderr)
{
    static int counter;
    char out_path[256], err_path[256];
    snprintf(out_path, sizeof out_path, "test_run_%ld_%d.out", (long)getpid(), counter);
    snprintf(err_path, sizeof err_path, "test_run_%ld_%d.err", (long)getpid(), counter++);
    size_t need = strlen(command) + 2 * sizeof out_path + 32;
    char *full = malloc(need);
    if (!full)
        return -1;
    snprintf(full, need, "( %s ) >%s 2>%s", command, out_path, err_path);
    int status = system(full);
    free(full);
    if (pstdout)
        *pstdout = test_read_file(out_path, NULL);
    if (pstderr)
        *pstderr = test_read_file(err_path, NULL);
    remove(out_path);
    remove(err_path);
    if (status == -1 || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

int test_report(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, test_checks - test_failures, test_failures);
    return test_failures;
}

const kvm_place *test_place(const kvm_gazetteer *gaz, const char *id)
{
    const kvm_place *p = kvm_gazetteer_find_id(gaz, id);
    if (!p) {
        fprintf(stderr, "test gazetteer has no place '%s'\n", id);
        exit(1);
    }
    return p;
}
