/* Internal helpers shared by the library's modules: overflow-checked
 * allocation, a growable byte buffer, UTF-8 decoding and folding, and atomic
 * output files.  Not installed; not part of the public API. */
#ifndef KIVUMAP_UTIL_H
#define KIVUMAP_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kivumap/core.h"

/* malloc(n * size) / realloc with overflow check; NULL on failure or overflow. */
void *kvm_alloc_array(size_t n, size_t size);
void *kvm_realloc_array(void *ptr, size_t n, size_t size);
/* Grows *pitems (element size `size`) so that it holds at least `need`
 * elements; capacity doubles.  0 on success, -1 on overflow/out of memory. */
int kvm_grow(void **pitems, size_t *pcapacity, size_t need, size_t size);
char *kvm_strdup(const char *s);
char *kvm_strndup(const char *s, size_t n);

/* A growable NUL-terminated byte buffer with a sticky failure flag. */
typedef struct kvm_buf {
    char *data;
    size_t len;
    size_t cap;
    int failed;
} kvm_buf;
void kvm_buf_init(kvm_buf *buf);
void kvm_buf_free(kvm_buf *buf);
void kvm_buf_append(kvm_buf *buf, const char *data, size_t len);
void kvm_buf_puts(kvm_buf *buf, const char *s);
void kvm_buf_putc(kvm_buf *buf, char c);
void kvm_buf_printf(kvm_buf *buf, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Reads a whole file ("-" = stdin) into a NUL-terminated buffer. Refuses
 * directories and files larger than max_bytes (KVM_ERR_LIMIT). */
kvm_status kvm_read_file(const char *path, size_t max_bytes, char **pdata, size_t *plen,
                         kvm_error *err);

/* Decodes one UTF-8 sequence at s[0..len).  Returns its length (1..4) and sets
 * *pcp; an invalid or truncated sequence returns 1 and sets *pcp to 0xFFFD. */
size_t kvm_utf8_decode(const unsigned char *s, size_t len, uint32_t *pcp);
/* Encodes cp into out (4 bytes room); returns the length. */
size_t kvm_utf8_encode(uint32_t cp, char *out);
/* Length of the longest prefix of s[0..len) that is at most max bytes and
 * ends on a character boundary (for DBF truncation). */
size_t kvm_utf8_truncate(const char *s, size_t len, size_t max);

/* Folds one code point for name matching: ASCII lowercase; Latin letters
 * with diacritics to their base letter; typographic apostrophes to '\'';
 * dashes, hyphens and whitespace to ' '.  Returns the folded ASCII byte, or
 * 0 when the code point folds to nothing useful (other scripts: kept as a
 * non-letter separator by callers). Some letters fold to two bytes (ß ->
 * "ss", æ -> "ae"): *psecond gets the second byte or 0. */
unsigned char kvm_fold_codepoint(uint32_t cp, unsigned char *psecond);

/* Atomic output: writes go to ".<name>.tmp.<pid>.<n>" in the same directory
 * and kvm_outfile_commit renames it into place; kvm_outfile_abort removes it.
 * "-" means stdout.  A path that exists and is not a regular file (a device
 * such as /dev/full or /dev/stdout, a FIFO) is written directly: renaming a
 * temporary file over it would replace the device. */
typedef struct kvm_outfile {
    FILE *fp;
    char *path;
    char *tmp_path; /* NULL when writing directly */
    int is_stdout;
} kvm_outfile;
/* 1 when path exists and is not a regular file or directory (device, FIFO,
 * socket): such outputs are written in place, not through a temporary. */
int kvm_path_is_special(const char *path);
kvm_status kvm_outfile_open(kvm_outfile *out, const char *path, kvm_error *err);
kvm_status kvm_outfile_commit(kvm_outfile *out, kvm_error *err);
void kvm_outfile_abort(kvm_outfile *out);
/* A temporary path next to `path` for libraries that open files themselves
 * (cairo, shapelib): "<dir>/.<base>.tmp.<pid>.<n>".  Caller frees. */
char *kvm_temp_path_for(const char *path);

#endif /* KIVUMAP_UTIL_H */
