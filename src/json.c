/* Strict JSON (RFC 8259) into an arena-allocated tree; JSON string writer. */
#include "json.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- Arena -------------------------------------------------------------- */

struct kvm_arena_block {
    kvm_arena_block *next;
    size_t size; /* usable bytes after the header */
    size_t used;
};

#define ARENA_ALIGN 16u
#define ARENA_HEADER ((sizeof(kvm_arena_block) + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN)

static unsigned char *block_data(kvm_arena_block *block)
{
    return (unsigned char *)block + ARENA_HEADER;
}

void kvm_arena_init(kvm_arena *arena, size_t block_size)
{
    arena->head = NULL;
    arena->current = NULL;
    arena->block_size = block_size ? block_size : 64u * 1024u;
}

static kvm_arena_block *arena_new_block(size_t size)
{
    if (size > SIZE_MAX - ARENA_HEADER)
        return NULL;
    kvm_arena_block *block = malloc(ARENA_HEADER + size);
    if (!block)
        return NULL;
    block->next = NULL;
    block->size = size;
    block->used = 0;
    return block;
}

void *kvm_arena_alloc(kvm_arena *arena, size_t size)
{
    if (size > SIZE_MAX - ARENA_ALIGN)
        return NULL;
    size = (size + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN;
    if (size == 0)
        size = ARENA_ALIGN;
    kvm_arena_block *block = arena->current;
    if (block && block->size - block->used >= size) { /* the common case */
        void *p = block_data(block) + block->used;
        block->used += size;
        return p;
    }
    /* Reuse blocks kept by a reset before adding new ones. */
    while (block && block->size - block->used < size) {
        if (!block->next)
            break;
        block = block->next;
    }
    if (!block || block->size - block->used < size) {
        size_t want = size > arena->block_size ? size : arena->block_size;
        kvm_arena_block *fresh = arena_new_block(want);
        if (!fresh)
            return NULL;
        if (block) {
            /* Append after the last block so every block stays reachable. */
            while (block->next)
                block = block->next;
            block->next = fresh;
        } else {
            arena->head = fresh;
        }
        block = fresh;
    }
    arena->current = block;
    void *p = block_data(block) + block->used;
    block->used += size;
    return p;
}

char *kvm_arena_strndup(kvm_arena *arena, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = kvm_arena_alloc(arena, len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void kvm_arena_reset(kvm_arena *arena)
{
    for (kvm_arena_block *b = arena->head; b; b = b->next)
        b->used = 0;
    arena->current = arena->head;
}

void kvm_arena_free(kvm_arena *arena)
{
    kvm_arena_block *b = arena->head;
    while (b) {
        kvm_arena_block *next = b->next;
        free(b);
        b = next;
    }
    arena->head = NULL;
    arena->current = NULL;
}

size_t kvm_arena_capacity(const kvm_arena *arena)
{
    size_t total = 0;
    for (const kvm_arena_block *b = arena->head; b; b = b->next)
        total += b->size;
    return total;
}

/* ---- Documents ------------------------------------------------------- */

struct kvm_json_doc {
    kvm_arena arena;
    kvm_buf scratch; /* unescaping strings that need it */
    size_t replaced;
};

kvm_json_doc *kvm_json_doc_new(void)
{
    kvm_json_doc *doc = malloc(sizeof *doc);
    if (!doc)
        return NULL;
    kvm_arena_init(&doc->arena, 32u * 1024u);
    kvm_buf_init(&doc->scratch);
    doc->replaced = 0;
    return doc;
}

void kvm_json_doc_free(kvm_json_doc *doc)
{
    if (!doc)
        return;
    kvm_arena_free(&doc->arena);
    kvm_buf_free(&doc->scratch);
    free(doc);
}

size_t kvm_json_doc_replaced(const kvm_json_doc *doc)
{
    return doc ? doc->replaced : 0;
}

static void doc_reset(kvm_json_doc *doc)
{
    kvm_arena_reset(&doc->arena);
    doc->scratch.len = 0;
    doc->scratch.failed = 0;
    doc->replaced = 0;
}

/* ---- Errors ------------------------------------------------------------ */

static kvm_status verror(kvm_error *err, kvm_status code, const char *name, size_t line,
                         size_t column, const char *fmt, va_list ap)
{
    if (!err)
        return code;
    char reason[400];
    vsnprintf(reason, sizeof reason, fmt, ap);
    return kvm_error_set(err, code, "%s:%zu:%zu: %s", name ? name : "<json>", line, column, reason);
}

kvm_status kvm_json_reader_error(const kvm_json_reader *reader, kvm_error *err, kvm_status code,
                                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvm_status s = verror(err, code, reader->name, reader->line,
                          reader->pos - reader->line_start + 1, fmt, ap);
    va_end(ap);
    return s;
}

kvm_status kvm_json_error_at(const char *name, const kvm_json *node, kvm_error *err,
                             kvm_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvm_status s = verror(err, code, name, node ? node->line : 0, node ? node->column : 0, fmt, ap);
    va_end(ap);
    return s;
}

/* "'x'" for a printable byte, "byte 0xNN" otherwise. */
static const char *describe_byte(int c, char *buf, size_t cap)
{
    if (c < 0)
        snprintf(buf, cap, "end of input");
    else if (c >= 0x20 && c < 0x7f)
        snprintf(buf, cap, "'%c'", c);
    else
        snprintf(buf, cap, "byte 0x%02X", (unsigned)c);
    return buf;
}

/* ---- Reader ------------------------------------------------------------ */

void kvm_json_reader_init(kvm_json_reader *reader, const char *name, size_t first_line,
                          const char *data, size_t len, unsigned flags)
{
    reader->data = data;
    reader->len = len;
    reader->pos = 0;
    reader->line = first_line ? first_line : 1;
    reader->line_start = 0;
    reader->name = name;
    reader->flags = flags;
    if (len >= 3 && (unsigned char)data[0] == 0xEF && (unsigned char)data[1] == 0xBB &&
        (unsigned char)data[2] == 0xBF) {
        reader->pos = 3;
        reader->line_start = 3;
    }
}

static void skip_ws(kvm_json_reader *r)
{
    const char *d = r->data;
    size_t pos = r->pos, len = r->len;
    while (pos < len) {
        char c = d[pos];
        if (c == ' ' || c == '\t' || c == '\r') {
            pos++;
        } else if (c == '\n') {
            pos++;
            r->line++;
            r->line_start = pos;
        } else {
            break;
        }
    }
    r->pos = pos;
}

int kvm_json_reader_peek(kvm_json_reader *reader)
{
    skip_ws(reader);
    return reader->pos < reader->len ? (unsigned char)reader->data[reader->pos] : -1;
}

static kvm_status unexpected(kvm_json_reader *r, kvm_error *err, const char *what)
{
    if (r->pos >= r->len)
        return kvm_json_reader_error(r, err, KVM_ERR_PARSE, "unexpected end of input");
    char b[32];
    return kvm_json_reader_error(r, err, KVM_ERR_PARSE, "unexpected %s%s%s",
                                 describe_byte((unsigned char)r->data[r->pos], b, sizeof b),
                                 what ? ", expected " : "", what ? what : "");
}

kvm_status kvm_json_reader_expect(kvm_json_reader *reader, char c, kvm_error *err)
{
    if (kvm_json_reader_peek(reader) != (unsigned char)c) {
        char what[8];
        snprintf(what, sizeof what, "'%c'", c);
        return unexpected(reader, err, what);
    }
    reader->pos++;
    return KVM_OK;
}

kvm_status kvm_json_reader_end(kvm_json_reader *reader, kvm_error *err)
{
    if (kvm_json_reader_peek(reader) >= 0)
        return kvm_json_reader_error(reader, err, KVM_ERR_PARSE,
                                     "trailing characters after JSON value");
    return KVM_OK;
}

/* ---- Parser ------------------------------------------------------------ */

typedef struct parser {
    kvm_json_reader *r;
    kvm_json_doc *doc; /* NULL: validate only */
    kvm_error *err;
    char *in_place;    /* r->data, writable (kvm_json_parse_in_place), or NULL */
} parser;

static kvm_json *new_node(parser *p, kvm_json_type type, size_t line, size_t column)
{
    if (!p->doc)
        return NULL;
    kvm_json *n = kvm_arena_alloc(&p->doc->arena, sizeof *n);
    if (!n)
        return NULL;
    memset(n, 0, sizeof *n);
    n->type = type;
    n->line = line;
    n->column = column;
    return n;
}

static kvm_status nomem(parser *p)
{
    return kvm_error_set(p->err, KVM_ERR_NOMEM, "out of memory while reading '%s'",
                         p->r->name ? p->r->name : "<json>");
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Four hex digits at r->pos; -1 if not. */
static long read_hex4(const kvm_json_reader *r, size_t at)
{
    if (r->len - at < 4)
        return -1;
    long v = 0;
    for (size_t i = 0; i < 4; i++) {
        int h = hex_value(r->data[at + i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

static void scratch_cp(kvm_buf *buf, uint32_t cp)
{
    char tmp[4];
    kvm_buf_append(buf, tmp, kvm_utf8_encode(cp, tmp));
}

/* Bytes a JSON string can hold as they are: not '"', '\\', a control
 * character or a non-ASCII byte (those go through the careful path). */
static int plain_byte(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* Index of the first byte of d[pos..len) that is not plain (len if none),
 * eight bytes at a time.  The lowest flagged byte of each test below is
 * exact (borrows only reach higher bytes), so the first flagged byte of the
 * little-endian word is the first non-plain byte. */
static size_t scan_plain(const unsigned char *d, size_t pos, size_t len)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
    while (len - pos >= 8) {
        uint64_t w;
        memcpy(&w, d + pos, 8);
        uint64_t q = w ^ (ONES * '"'), b = w ^ (ONES * '\\');
        uint64_t flags = ((q - ONES) & ~q) | ((b - ONES) & ~b) | ((w - ONES * 0x20) & ~w) | w;
        flags &= HIGHS;
        if (flags)
            return pos + ((size_t)__builtin_ctzll(flags) >> 3);
        pos += 8;
    }
#endif
    while (pos < len && plain_byte(d[pos]))
        pos++;
    return pos;
}

size_t kvm_json_plain_span(const char *text, size_t len)
{
    return scan_plain((const unsigned char *)text, 0, len);
}

/* Parses a string at r->pos (the opening quote).  On success *pout and *plen are
 * the unescaped text in the doc (NULL when validating only). */
static kvm_status parse_string(parser *p, const char **pout, size_t *plen)
{
    kvm_json_reader *r = p->r;
    const unsigned char *d = (const unsigned char *)r->data;
    size_t start = ++r->pos; /* after '"' */
    int simple = 1;
    /* Fast scan: plain ASCII up to the closing quote. */
    size_t pos = scan_plain(d, start, r->len);
    kvm_buf *out = p->doc ? &p->doc->scratch : NULL;
    if (pos >= r->len || d[pos] != '"') {
        simple = 0;
        if (out) {
            out->len = 0;
            kvm_buf_append(out, r->data + start, pos - start);
        }
        while (1) {
            if (pos >= r->len) {
                r->pos = pos;
                return kvm_json_reader_error(r, p->err, KVM_ERR_PARSE,
                                             "unexpected end of input in string");
            }
            unsigned char c = d[pos];
            if (c == '"')
                break;
            if (c < 0x20) {
                r->pos = pos;
                return kvm_json_reader_error(r, p->err, KVM_ERR_PARSE,
                                             "unescaped control character 0x%02X in string",
                                             (unsigned)c);
            }
            if (c == '\\') {
                if (pos + 1 >= r->len) {
                    r->pos = pos + 1;
                    return kvm_json_reader_error(r, p->err, KVM_ERR_PARSE,
                                                 "unexpected end of input in string");
                }
                char e = (char)d[pos + 1];
                char plain = 0;
                switch (e) {
                case '"':
                    plain = '"';
                    break;
                case '\\':
                    plain = '\\';
                    break;
                case '/':
                    plain = '/';
                    break;
                case 'b':
                    plain = '\b';
                    break;
                case 'f':
                    plain = '\f';
                    break;
                case 'n':
                    plain = '\n';
                    break;
                case 'r':
                    plain = '\r';
                    break;
                case 't':
                    plain = '\t';
                    break;
                case 'u':
                    break;
                default: {
                    r->pos = pos;
                    char b[32];
                    return kvm_json_reader_error(r, p->err, KVM_ERR_PARSE,
                                                 "invalid escape '\\' followed by %s",
                                                 describe_byte(e, b, sizeof b));
                }
                }
                if (plain) {
                    if (out)
                        kvm_buf_putc(out, plain);
                    pos += 2;
                    continue;
                }
                long u = read_hex4(r, pos + 2);
                if (u < 0) {
                    r->pos = pos;
                    return kvm_json_reader_error(r, p->err, KVM_ERR_PARSE,
                                                 "invalid \\u escape (4 hex digits needed)");
                }
                uint32_t cp = (uint32_t)u;
                size_t used = 6;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    long lo = -1;
                    if (r->len - pos >= 12 && d[pos + 6] == '\\' && d[pos + 7] == 'u')
                        lo = read_hex4(r, pos + 8);
                    if (lo < 0xDC00 || lo > 0xDFFF) {
                        r->pos = pos;
                        return kvm_json_reader_error(r, p->err, KVM_ERR_PARSE,
                                                     "unpaired surrogate \\u%04lX in string", u);
                    }
                    cp = 0x10000u + ((cp - 0xD800u) << 10) + ((uint32_t)lo - 0xDC00u);
                    used = 12;
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    r->pos = pos;
                    return kvm_json_reader_error(r, p->err, KVM_ERR_PARSE,
                                                 "unpaired surrogate \\u%04lX in string", u);
                }
                if (out)
                    scratch_cp(out, cp);
                pos += used;
                continue;
            }
            if (c < 0x80) { /* a run of plain bytes, copied at once */
                size_t run = scan_plain(d, pos + 1, r->len);
                if (out)
                    kvm_buf_append(out, r->data + pos, run - pos);
                pos = run;
                continue;
            }
            uint32_t cp;
            size_t n = kvm_utf8_decode(d + pos, r->len - pos, &cp);
            if (n == 1) { /* invalid: every valid non-ASCII sequence is >= 2 bytes */
                if (!(r->flags & KVM_JSON_REPLACE_INVALID)) {
                    r->pos = pos;
                    return kvm_json_reader_error(r, p->err, KVM_ERR_PARSE,
                                                 "invalid UTF-8 byte 0x%02X in string",
                                                 (unsigned)c);
                }
                if (out) {
                    scratch_cp(out, 0xFFFD);
                    p->doc->replaced++;
                }
                pos++;
                continue;
            }
            if (out)
                kvm_buf_append(out, r->data + pos, n);
            pos += n;
        }
    }
    r->pos = pos + 1; /* after the closing quote */
    if (!p->doc) {
        *pout = NULL;
        *plen = 0;
        return KVM_OK;
    }
    if (simple && p->in_place) {
        /* The closing quote, read already, becomes the terminator. */
        p->in_place[pos] = '\0';
        *pout = p->in_place + start;
        *plen = pos - start;
        return KVM_OK;
    }
    const char *src = simple ? r->data + start : p->doc->scratch.data;
    size_t n = simple ? pos - start : p->doc->scratch.len;
    if (!simple && p->doc->scratch.failed)
        return nomem(p);
    char *copy = kvm_arena_strndup(&p->doc->arena, src ? src : "", n);
    if (!copy)
        return nomem(p);
    *pout = copy;
    *plen = n;
    return KVM_OK;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* Exact powers of ten (10^22 is the largest a double holds exactly). */
static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* The value of a syntactically valid JSON number s[0..n) when it is exact
 * to compute: at most 15 significant digits and a decimal exponent within
 * +-22, so that digits * 10^e or digits / 10^-e is one correctly rounded
 * operation on exact operands (Clinger's fast path): the same double as
 * strtod.  -1 when strtod is needed. */
static int fast_number(const char *s, size_t n, double *pv)
{
    size_t i = 0;
    int neg = 0;
    if (s[i] == '-') {
        neg = 1;
        i++;
    }
    uint64_t m = 0;
    int digits = 0;    /* significant digits in m (leading zeros skipped) */
    long exp10 = 0;    /* value = m * 10^exp10 */
    for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
        if (m == 0 && s[i] == '0')
            continue;
        if (++digits > 15)
            return -1;
        m = m * 10 + (uint64_t)(s[i] - '0');
    }
    if (i < n && s[i] == '.') {
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            exp10--;
            if (m == 0 && s[i] == '0')
                continue;
            if (++digits > 15)
                return -1;
            m = m * 10 + (uint64_t)(s[i] - '0');
        }
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int eneg = 0;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            eneg = s[i++] == '-';
        long e = 0;
        for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
            e = e * 10 + (s[i] - '0');
            if (e > 100000)
                return -1;
        }
        exp10 += eneg ? -e : e;
    }
    if (i != n || FLT_EVAL_METHOD != 0)
        return -1;
    double v = (double)m; /* exact: m < 10^15 < 2^53 */
    if (m != 0) {
        if (exp10 < -22 || exp10 > 22)
            return -1;
        v = exp10 < 0 ? v / pow10_exact[-exp10] : v * pow10_exact[exp10];
    }
    *pv = neg ? -v : v;
    return 0;
}

static kvm_status parse_number(parser *p, kvm_json *node)
{
    kvm_json_reader *r = p->r;
    const char *d = r->data;
    size_t start = r->pos, pos = r->pos, len = r->len;
    if (pos < len && d[pos] == '-')
        pos++;
    if (pos >= len || !is_digit(d[pos])) {
        r->pos = pos;
        return unexpected(r, p->err, "a digit");
    }
    if (d[pos] == '0') {
        pos++;
        if (pos < len && is_digit(d[pos])) {
            r->pos = pos;
            return kvm_json_reader_error(r, p->err, KVM_ERR_PARSE, "leading zero in number");
        }
    } else {
        while (pos < len && is_digit(d[pos]))
            pos++;
    }
    if (pos < len && d[pos] == '.') {
        pos++;
        if (pos >= len || !is_digit(d[pos])) {
            r->pos = pos;
            return unexpected(r, p->err, "a digit after '.'");
        }
        while (pos < len && is_digit(d[pos]))
            pos++;
    }
    if (pos < len && (d[pos] == 'e' || d[pos] == 'E')) {
        pos++;
        if (pos < len && (d[pos] == '+' || d[pos] == '-'))
            pos++;
        if (pos >= len || !is_digit(d[pos])) {
            r->pos = pos;
            return unexpected(r, p->err, "a digit in the exponent");
        }
        while (pos < len && is_digit(d[pos]))
            pos++;
    }
    /* strtod needs a terminated copy; short numbers go through the stack. */
    char small[64];
    char *text = small;
    size_t n = pos - start;
    if (p->doc) {
        text = kvm_arena_strndup(&p->doc->arena, d + start, n);
        if (!text)
            return nomem(p);
    } else if (n < sizeof small) {
        memcpy(small, d + start, n);
        small[n] = '\0';
    } else {
        text = NULL; /* long number, validating only: the syntax was checked */
    }
    if (text) {
        double v;
        if (fast_number(d + start, n, &v) != 0) {
            errno = 0;
            v = strtod(text, NULL);
        }
        if (!isfinite(v)) {
            return kvm_json_reader_error(r, p->err, KVM_ERR_PARSE, "number '%.40s' out of range",
                                         text);
        }
        if (node) {
            node->number = v;
            node->text = text;
            node->len = n;
        }
    }
    r->pos = pos;
    return KVM_OK;
}

static int match_literal(kvm_json_reader *r, const char *word, size_t n)
{
    if (r->len - r->pos < n || memcmp(r->data + r->pos, word, n) != 0)
        return 0;
    r->pos += n;
    return 1;
}

static kvm_status parse_value(parser *p, int depth, kvm_json **pnode);

static kvm_status parse_container(parser *p, int depth, kvm_json *node, int is_object)
{
    kvm_json_reader *r = p->r;
    char close = is_object ? '}' : ']';
    if (depth >= KVM_JSON_MAX_DEPTH)
        return kvm_json_reader_error(r, p->err, KVM_ERR_LIMIT, "nesting deeper than %d levels",
                                     KVM_JSON_MAX_DEPTH);
    r->pos++; /* '[' or '{' */
    kvm_json *tail = NULL;
    if (kvm_json_reader_peek(r) == close) {
        r->pos++;
        return KVM_OK;
    }
    while (1) {
        const char *key = NULL;
        size_t key_len = 0;
        if (is_object) {
            int c = kvm_json_reader_peek(r);
            if (c != '"')
                return unexpected(r, p->err, "a string key");
            kvm_status s = parse_string(p, &key, &key_len);
            if (s != KVM_OK)
                return s;
            if ((s = kvm_json_reader_expect(r, ':', p->err)) != KVM_OK)
                return s;
        }
        kvm_json *child = NULL;
        kvm_status s = parse_value(p, depth + 1, &child);
        if (s != KVM_OK)
            return s;
        if (node) {
            child->key = key;
            child->key_len = key_len;
            if (tail)
                tail->next = child;
            else
                node->first = child;
            tail = child;
            node->count++;
        }
        int c = kvm_json_reader_peek(r);
        if (c == ',') {
            r->pos++;
            continue;
        }
        if (c == close) {
            r->pos++;
            return KVM_OK;
        }
        return unexpected(r, p->err, is_object ? "',' or '}'" : "',' or ']'");
    }
}

static kvm_status parse_value(parser *p, int depth, kvm_json **pnode)
{
    kvm_json_reader *r = p->r;
    int c = kvm_json_reader_peek(r);
    size_t line = r->line, column = r->pos - r->line_start + 1;
    kvm_json *node = NULL;
    kvm_status s = KVM_OK;
    switch (c) {
    case '{':
    case '[':
        node = new_node(p, c == '{' ? KVM_JSON_OBJECT : KVM_JSON_ARRAY, line, column);
        if (p->doc && !node)
            return nomem(p);
        s = parse_container(p, depth, node, c == '{');
        break;
    case '"':
        node = new_node(p, KVM_JSON_STRING, line, column);
        if (p->doc && !node)
            return nomem(p);
        {
            const char *text = NULL;
            size_t len = 0;
            s = parse_string(p, &text, &len);
            if (node) {
                node->text = text;
                node->len = len;
            }
        }
        break;
    case 't':
    case 'f':
    case 'n':
        if (match_literal(r, "true", 4) || match_literal(r, "false", 5)) {
            node = new_node(p, KVM_JSON_BOOL, line, column);
            if (node)
                node->boolean = c == 't';
        } else if (match_literal(r, "null", 4)) {
            node = new_node(p, KVM_JSON_NULL, line, column);
        } else {
            return unexpected(r, p->err, "a value");
        }
        if (p->doc && !node)
            return nomem(p);
        if (r->pos < r->len && (isalnum((unsigned char)r->data[r->pos])))
            return unexpected(r, p->err, NULL);
        break;
    default:
        if (c == '-' || is_digit(c)) {
            node = new_node(p, KVM_JSON_NUMBER, line, column);
            if (p->doc && !node)
                return nomem(p);
            s = parse_number(p, node);
        } else {
            return unexpected(r, p->err, "a value");
        }
    }
    if (s == KVM_OK && pnode)
        *pnode = node;
    return s;
}

kvm_status kvm_json_reader_value(kvm_json_reader *reader, kvm_json_doc *doc,
                                 const kvm_json **pvalue, kvm_error *err)
{
    parser p = {reader, doc, err, NULL};
    if (doc)
        doc_reset(doc);
    kvm_json *node = NULL;
    kvm_status s = parse_value(&p, 0, &node);
    if (s == KVM_OK && pvalue)
        *pvalue = node;
    return s;
}

kvm_status kvm_json_parse(kvm_json_doc *doc, const char *name, size_t first_line, const char *data,
                          size_t len, unsigned flags, const kvm_json **proot, kvm_error *err)
{
    kvm_json_reader r;
    kvm_json_reader_init(&r, name, first_line, data, len, flags);
    const kvm_json *root = NULL;
    kvm_status s = kvm_json_reader_value(&r, doc, &root, err);
    if (s == KVM_OK)
        s = kvm_json_reader_end(&r, err);
    if (s == KVM_OK && proot)
        *proot = root;
    return s;
}

kvm_status kvm_json_parse_in_place(kvm_json_doc *doc, const char *name, size_t first_line,
                                   char *data, size_t len, unsigned flags, const kvm_json **proot,
                                   kvm_error *err)
{
    kvm_json_reader r;
    kvm_json_reader_init(&r, name, first_line, data, len, flags);
    parser p = {&r, doc, err, doc ? data : NULL};
    if (doc)
        doc_reset(doc);
    kvm_json *node = NULL;
    kvm_status s = parse_value(&p, 0, &node);
    if (s == KVM_OK)
        s = kvm_json_reader_end(&r, err);
    if (s == KVM_OK && proot)
        *proot = node;
    return s;
}

/* ---- Accessors --------------------------------------------------------- */

int kvm_json_is(const kvm_json *node, kvm_json_type type)
{
    return node && node->type == type;
}

const kvm_json *kvm_json_get(const kvm_json *object, const char *key)
{
    if (!kvm_json_is(object, KVM_JSON_OBJECT))
        return NULL;
    size_t n = strlen(key);
    for (const kvm_json *c = object->first; c; c = c->next)
        if (c->key_len == n && memcmp(c->key, key, n) == 0)
            return c;
    return NULL;
}

const kvm_json *kvm_json_at(const kvm_json *array, size_t index)
{
    if (!kvm_json_is(array, KVM_JSON_ARRAY))
        return NULL;
    const kvm_json *c = array->first;
    while (c && index--)
        c = c->next;
    return c;
}

const char *kvm_json_text(const kvm_json *node)
{
    return kvm_json_is(node, KVM_JSON_STRING) ? node->text : NULL;
}

int kvm_json_integer(const kvm_json *node, long long *pvalue)
{
    if (!kvm_json_is(node, KVM_JSON_NUMBER))
        return -1;
    double v = node->number;
    if (v != floor(v) || v < -9007199254740992.0 || v > 9007199254740992.0)
        return -1;
    /* Exact for plain integers beyond 2^53 too. */
    if (!strpbrk(node->text, ".eE")) {
        errno = 0;
        long long ll = strtoll(node->text, NULL, 10);
        if (errno == 0) {
            *pvalue = ll;
            return 0;
        }
        return -1;
    }
    *pvalue = (long long)v;
    return 0;
}

const char *kvm_json_type_name(kvm_json_type type)
{
    switch (type) {
    case KVM_JSON_NULL:
        return "null";
    case KVM_JSON_BOOL:
        return "boolean";
    case KVM_JSON_NUMBER:
        return "number";
    case KVM_JSON_STRING:
        return "string";
    case KVM_JSON_ARRAY:
        return "array";
    case KVM_JSON_OBJECT:
        return "object";
    }
    return "unknown";
}

/* ---- Writing ------------------------------------------------------------ */

void kvm_json_buf_string(kvm_buf *buf, const char *text, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)text;
    /* Room for the common case (nothing escaped) in one step. */
    if (!buf->failed && (len > SIZE_MAX - 3 - buf->len ||
                         kvm_grow((void **)&buf->data, &buf->cap, buf->len + len + 3, 1) != 0))
        buf->failed = 1;
    if (buf->failed)
        return;
    buf->data[buf->len++] = '"';
    size_t run = 0; /* start of the pending run of bytes copied as they are */
    size_t i = 0;
    while (1) {
        i = scan_plain(s, i, len);
        if (i >= len)
            break;
        unsigned char c = s[i];
        size_t n = 1;
        uint32_t cp = c;
        if (c >= 0x80) {
            n = kvm_utf8_decode(s + i, len - i, &cp);
            if (n > 1 && cp != 0x2028 && cp != 0x2029) {
                i += n;
                continue;
            }
        }
        kvm_buf_append(buf, text + run, i - run);
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            kvm_buf_append(buf, esc, 2);
        } else if (c == '\n') {
            kvm_buf_append(buf, "\\n", 2);
        } else if (c == '\t') {
            kvm_buf_append(buf, "\\t", 2);
        } else if (c == '\r') {
            kvm_buf_append(buf, "\\r", 2);
        } else if (c >= 0x80 && n == 1) {
            kvm_buf_append(buf, "\xEF\xBF\xBD", 3); /* invalid byte: U+FFFD */
        } else {
            esc[0] = '\\';
            esc[1] = 'u';
            esc[2] = hex[(cp >> 12) & 15];
            esc[3] = hex[(cp >> 8) & 15];
            esc[4] = hex[(cp >> 4) & 15];
            esc[5] = hex[cp & 15];
            kvm_buf_append(buf, esc, 6);
        }
        i += n;
        run = i;
    }
    kvm_buf_append(buf, text + run, len - run);
    kvm_buf_append(buf, "\"", 1);
}

size_t kvm_json_fixed(char *out, double value, int decimals)
{
    static const uint64_t pow10_int[] = {1u,      10u,      100u,      1000u,      10000u,
                                         100000u, 1000000u, 10000000u, 100000000u, 1000000000u};
    if (decimals < 0)
        decimals = 0;
#if defined(__SIZEOF_INT128__)
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    unsigned biased = (unsigned)(bits >> 52) & 0x7ffu;
    int negative = (bits >> 63) != 0;
    /* |value| in [2^-65, 2^32) or zero, at most 9 decimals: exact integer
     * arithmetic on value = m * 2^-shift (m < 2^53). */
    if (decimals <= 9 && ((biased >= 958 && biased < 1055) || (bits << 1) == 0)) {
        __extension__ typedef unsigned __int128 u128;
        uint64_t q = 0;
        if ((bits << 1) != 0) {
            uint64_t m = (bits & ((1ull << 52) - 1)) | (1ull << 52);
            unsigned shift = 1075u - biased; /* 21..117 */
            u128 prod = (u128)m * pow10_int[decimals];
            q = (uint64_t)(prod >> shift); /* < 2^32 * 10^9 < 2^63 */
            u128 rest = prod & (((u128)1 << shift) - 1), half = (u128)1 << (shift - 1);
            if (rest > half || (rest == half && (q & 1))) /* round half to even, as printf */
                q++;
        }
        char digits[24], *end = digits + sizeof digits, *p = end;
        uint64_t whole = q / pow10_int[decimals], frac = q % pow10_int[decimals];
        for (int k = 0; k < decimals; k++) {
            *--p = (char)('0' + frac % 10);
            frac /= 10;
        }
        if (decimals > 0)
            *--p = '.';
        do {
            *--p = (char)('0' + whole % 10);
            whole /= 10;
        } while (whole);
        if (negative)
            *--p = '-';
        size_t n = (size_t)(end - p);
        memcpy(out, p, n);
        out[n] = '\0';
        return n;
    }
#endif
    int n = snprintf(out, KVM_JSON_FIXED_MAX, "%.*f", decimals, value);
    if (n < 0) {
        out[0] = '\0';
        return 0;
    }
    return (size_t)n < KVM_JSON_FIXED_MAX ? (size_t)n : KVM_JSON_FIXED_MAX - 1;
}
