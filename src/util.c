/* Internal helpers: allocation, buffers, UTF-8, folding, atomic files. */
#define _POSIX_C_SOURCE 200809L
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void *kvm_alloc_array(size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    return malloc(bytes ? bytes : 1);
}

void *kvm_realloc_array(void *ptr, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    return realloc(ptr, bytes ? bytes : 1);
}

int kvm_grow(void **pitems, size_t *pcapacity, size_t need, size_t size)
{
    if (need <= *pcapacity)
        return 0;
    size_t cap = *pcapacity ? *pcapacity : 8;
    while (cap < need) {
        if (cap > SIZE_MAX / 2)
            return -1;
        cap *= 2;
    }
    void *p = kvm_realloc_array(*pitems, cap, size);
    if (!p)
        return -1;
    *pitems = p;
    *pcapacity = cap;
    return 0;
}

char *kvm_strndup(const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *kvm_strdup(const char *s)
{
    return kvm_strndup(s, strlen(s));
}

void kvm_buf_init(kvm_buf *buf)
{
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    buf->failed = 0;
}

void kvm_buf_free(kvm_buf *buf)
{
    free(buf->data);
    kvm_buf_init(buf);
}

static int buf_reserve(kvm_buf *buf, size_t extra)
{
    if (buf->failed)
        return -1;
    if (extra > SIZE_MAX - buf->len - 1) {
        buf->failed = 1;
        return -1;
    }
    if (kvm_grow((void **)&buf->data, &buf->cap, buf->len + extra + 1, 1) != 0) {
        buf->failed = 1;
        return -1;
    }
    return 0;
}

void kvm_buf_append(kvm_buf *buf, const char *data, size_t len)
{
    if (buf_reserve(buf, len) != 0)
        return;
    memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
}

void kvm_buf_puts(kvm_buf *buf, const char *s)
{
    kvm_buf_append(buf, s, strlen(s));
}

void kvm_buf_putc(kvm_buf *buf, char c)
{
    kvm_buf_append(buf, &c, 1);
}

void kvm_buf_printf(kvm_buf *buf, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        buf->failed = 1;
        return;
    }
    if (buf_reserve(buf, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    buf->len += (size_t)n;
}

kvm_status kvm_read_file(const char *path, size_t max_bytes, char **pdata, size_t *plen,
                         kvm_error *err)
{
    int is_stdin = strcmp(path, "-") == 0;
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    if (!fp)
        return kvm_error_set(err, KVM_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
        if (!is_stdin)
            fclose(fp);
        return kvm_error_set(err, KVM_ERR_IO, "cannot read '%s': Is a directory", path);
    }
    kvm_buf buf;
    kvm_buf_init(&buf);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (buf.len + n > max_bytes) {
            kvm_buf_free(&buf);
            if (!is_stdin)
                fclose(fp);
            return kvm_error_set(err, KVM_ERR_LIMIT, "'%s' is larger than %zu bytes", path,
                                 max_bytes);
        }
        kvm_buf_append(&buf, chunk, n);
    }
    int read_error = ferror(fp);
    int saved = errno;
    if (!is_stdin)
        fclose(fp);
    if (read_error) {
        kvm_buf_free(&buf);
        return kvm_error_set(err, KVM_ERR_IO, "cannot read '%s': %s", path, strerror(saved));
    }
    if (buf.failed) {
        kvm_buf_free(&buf);
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory reading '%s'", path);
    }
    if (!buf.data) {
        buf.data = calloc(1, 1);
        if (!buf.data)
            return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory reading '%s'", path);
    }
    *pdata = buf.data;
    *plen = buf.len;
    return KVM_OK;
}

size_t kvm_utf8_decode(const unsigned char *s, size_t len, uint32_t *pcp)
{
    unsigned char c = s[0];
    if (c < 0x80) {
        *pcp = c;
        return 1;
    }
    size_t n;
    uint32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1Fu;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0Fu;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07u;
        min = 0x10000;
    } else {
        *pcp = 0xFFFD;
        return 1;
    }
    if (len < n) {
        *pcp = 0xFFFD;
        return 1;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *pcp = 0xFFFD;
            return 1;
        }
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        *pcp = 0xFFFD;
        return 1;
    }
    *pcp = cp;
    return n;
}

size_t kvm_utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t kvm_utf8_truncate(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t end = max;
    /* back up over continuation bytes so the cut falls on a lead byte */
    while (end > 0 && ((unsigned char)s[end] & 0xC0) == 0x80)
        end--;
    return end;
}

/* Base letters for U+00C0..U+017F; '\0' where the code point is not a letter
 * with a plain base (×, ÷) or needs two letters (handled below). */
static const char latin_base[] =
    /* C0 */ "aaaaaaaceeeeiiii" /* D0 */ "dnooooo\0ouuuuyts"
    /* E0 */ "aaaaaaaceeeeiiii" /* F0 */ "dnooooo\0ouuuuyty"
    /* 100 */ "aaaaaaccccccccdd" /* 110 */ "ddeeeeeeeeeegggg"
    /* 120 */ "gggghhhhiiiiiiii" /* 130 */ "iiiijjkkklllllll"
    /* 140 */ "lllnnnnnnnnnoooo" /* 150 */ "oooorrrrrrssssss"
    /* 160 */ "ssttttttuuuuuuuu" /* 170 */ "uuuuwwyyyzzzzzzs";

unsigned char kvm_fold_codepoint(uint32_t cp, unsigned char *psecond)
{
    *psecond = 0;
    if (cp < 0x80) {
        if (cp >= 'A' && cp <= 'Z')
            return (unsigned char)(cp + 32);
        if (cp == '-' || cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' ||
            cp == '\f')
            return ' ';
        return (unsigned char)cp;
    }
    if (cp == 0xC6 || cp == 0xE6) { /* Æ æ */
        *psecond = 'e';
        return 'a';
    }
    if (cp == 0xDF) { /* ß */
        *psecond = 's';
        return 's';
    }
    if (cp == 0x152 || cp == 0x153) { /* Œ œ */
        *psecond = 'e';
        return 'o';
    }
    if (cp >= 0xC0 && cp <= 0x17F) {
        char c = latin_base[cp - 0xC0];
        return (unsigned char)c;
    }
    switch (cp) {
    case 0xA0:   /* no-break space */
    case 0x2010: /* hyphen */
    case 0x2011: /* non-breaking hyphen */
    case 0x2012: /* figure dash */
    case 0x2013: /* en dash */
    case 0x2014: /* em dash */
    case 0x2015: /* horizontal bar */
    case 0x2212: /* minus */
    case 0x202F: /* narrow no-break space */
        return ' ';
    case 0x2018:
    case 0x2019:
    case 0x201B:
    case 0x02BC:
    case 0x2032:
        return '\'';
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0xAB:
    case 0xBB:
        return '"';
    default:
        break;
    }
    if (cp >= 0x2000 && cp <= 0x200A)
        return ' ';
    return 0;
}

char *kvm_temp_path_for(const char *path)
{
    static unsigned long counter;
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path + 1) : 0;
    const char *base = path + dirlen;
    size_t need = strlen(path) + 64;
    char *tmp = malloc(need);
    if (!tmp)
        return NULL;
    snprintf(tmp, need, "%.*s.%s.tmp.%ld.%lu", (int)dirlen, path, base, (long)getpid(),
             ++counter);
    return tmp;
}

int kvm_path_is_special(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

kvm_status kvm_outfile_open(kvm_outfile *out, const char *path, kvm_error *err)
{
    memset(out, 0, sizeof *out);
    if (strcmp(path, "-") == 0) {
        out->fp = stdout;
        out->is_stdout = 1;
        return KVM_OK;
    }
    out->path = kvm_strdup(path);
    int direct = kvm_path_is_special(path);
    if (!direct)
        out->tmp_path = kvm_temp_path_for(path);
    if (!out->path || (!direct && !out->tmp_path)) {
        free(out->path);
        free(out->tmp_path);
        memset(out, 0, sizeof *out);
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
    }
    int fd = direct ? open(path, O_WRONLY | O_CLOEXEC)
                    : open(out->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || !(out->fp = fdopen(fd, "wb"))) {
        int saved = errno;
        if (fd >= 0) {
            close(fd);
            if (!direct)
                unlink(out->tmp_path);
        }
        kvm_status st =
            kvm_error_set(err, KVM_ERR_IO, "cannot write '%s': %s", path, strerror(saved));
        free(out->path);
        free(out->tmp_path);
        memset(out, 0, sizeof *out);
        return st;
    }
    return KVM_OK;
}

kvm_status kvm_outfile_commit(kvm_outfile *out, kvm_error *err)
{
    if (out->is_stdout) {
        int bad = fflush(stdout) != 0 || ferror(stdout);
        int saved = errno;
        memset(out, 0, sizeof *out);
        if (bad)
            return kvm_error_set(err, KVM_ERR_IO, "cannot write to standard output: %s",
                                 strerror(saved));
        return KVM_OK;
    }
    int bad = ferror(out->fp) != 0;
    int saved = errno;
    if (fclose(out->fp) != 0 && !bad) {
        bad = 1;
        saved = errno;
    }
    out->fp = NULL;
    if (!bad && out->tmp_path && rename(out->tmp_path, out->path) != 0) {
        bad = 1;
        saved = errno;
    }
    kvm_status st = KVM_OK;
    if (bad) {
        if (out->tmp_path)
            unlink(out->tmp_path);
        st = kvm_error_set(err, KVM_ERR_IO, "cannot write '%s': %s", out->path,
                           strerror(saved ? saved : EIO));
    }
    free(out->path);
    free(out->tmp_path);
    memset(out, 0, sizeof *out);
    return st;
}

void kvm_outfile_abort(kvm_outfile *out)
{
    if (!out->is_stdout && out->fp) {
        fclose(out->fp);
        if (out->tmp_path)
            unlink(out->tmp_path);
    }
    free(out->path);
    free(out->tmp_path);
    memset(out, 0, sizeof *out);
}
