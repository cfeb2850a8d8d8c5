/* A small strict JSON parser (RFC 8259) into a read-only tree, plus a string
 * writer.  Internal to the library: article JSON Lines input, the report
 * reader (`--events FILE`), and anything else that reads JSON.
 *
 * Strictness: exactly the RFC grammar (no comments, no trailing commas, no
 * NaN/Infinity, no leading zeros or '+', no single quotes), at most
 * KVM_JSON_MAX_DEPTH nested arrays/objects, numbers that fit a double, and
 * valid UTF-8 in strings (invalid bytes are an error, or replaced by U+FFFD
 * with KVM_JSON_REPLACE_INVALID).  A leading UTF-8 byte order mark is skipped.
 * Duplicate keys are kept; kvm_json_get returns the first.
 *
 * Memory: every node and string lives in a kvm_json_doc (an arena).  Parsing
 * into a doc first empties it and keeps its memory, so a loop over JSON Lines
 * allocates nothing after the first few lines:
 *
 *   kvm_json_doc *doc = kvm_json_doc_new();
 *   for (each line, numbered lineno from 1) {
 *       const kvm_json *root;
 *       if (kvm_json_parse(doc, "in.jsonl", lineno, line, line_len, 0, &root, &err) != KVM_OK)
 *           ...; // err.message: "in.jsonl:7:12: invalid escape '\q' in string"
 *       const kvm_json *text = kvm_json_get(root, "text");
 *       if (kvm_json_is(text, KVM_JSON_STRING)) use(text->text, text->len);
 *   }
 *   kvm_json_doc_free(doc);
 *
 * Nodes are borrowed from the doc: valid until it is parsed into again or
 * freed.  Positions (line, column) are 1-based; columns count bytes. */
#ifndef KIVUMAP_JSON_H
#define KIVUMAP_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "kivumap/core.h"
#include "util.h"

/* Deepest nesting of arrays and objects accepted (KVM_ERR_LIMIT beyond). */
#define KVM_JSON_MAX_DEPTH 256

/* Flags for kvm_json_parse. */
enum {
    /* Replace invalid UTF-8 inside strings by U+FFFD (counted by
     * kvm_json_doc_replaced) instead of failing. */
    KVM_JSON_REPLACE_INVALID = 1u << 0
};

typedef enum kvm_json_type {
    KVM_JSON_NULL = 0,
    KVM_JSON_BOOL,
    KVM_JSON_NUMBER,
    KVM_JSON_STRING,
    KVM_JSON_ARRAY,
    KVM_JSON_OBJECT
} kvm_json_type;

typedef struct kvm_json kvm_json;
struct kvm_json {
    kvm_json_type type;
    int boolean;   /* KVM_JSON_BOOL: 0 or 1 */
    double number; /* KVM_JSON_NUMBER: the value (finite) */
    /* KVM_JSON_STRING: the unescaped UTF-8 text, NUL-terminated (it may also
     * contain NULs from "\u0000": use len).  KVM_JSON_NUMBER: the number as
     * written ("-1.50e3"), NUL-terminated.  NULL for other types. */
    const char *text;
    size_t len;
    /* Members of an object: the key (unescaped, NUL-terminated); NULL for
     * array elements and the root. */
    const char *key;
    size_t key_len;
    /* KVM_JSON_ARRAY / KVM_JSON_OBJECT: children in document order:
     *   for (const kvm_json *c = node->first; c; c = c->next) ... */
    const kvm_json *first;
    const kvm_json *next; /* next sibling, NULL after the last */
    size_t count;         /* number of children */
    size_t line;          /* where the value starts (1-based) */
    size_t column;        /* byte column, 1-based */
};

typedef struct kvm_json_doc kvm_json_doc;

/* Caller frees with kvm_json_doc_free.  NULL if out of memory. */
kvm_json_doc *kvm_json_doc_new(void);
void kvm_json_doc_free(kvm_json_doc *doc); /* accepts NULL */
/* Invalid UTF-8 sequences replaced during the last parse (with
 * KVM_JSON_REPLACE_INVALID). */
size_t kvm_json_doc_replaced(const kvm_json_doc *doc);

/* Parses one JSON text data[0..len) (NUL bytes are not needed and not
 * allowed).  `name` and `first_line` (the line number of data[0], usually 1)
 * only serve error messages: "NAME:LINE:COLUMN: reason".  On success *proot is
 * the root value (borrowed from doc).  Errors: KVM_ERR_PARSE (syntax, invalid
 * UTF-8, truncated input: "unexpected end of input"), KVM_ERR_LIMIT (depth),
 * KVM_ERR_NOMEM. */
kvm_status kvm_json_parse(kvm_json_doc *doc, const char *name, size_t first_line, const char *data,
                          size_t len, unsigned flags, const kvm_json **proot, kvm_error *err);

/* The same, reading data[0..len) in place: strings without escapes are not
 * copied but NUL-terminated where they stand (their closing quote is
 * overwritten), so data must be writable and outlive the nodes, and is no
 * longer the same JSON text afterwards.  For a line buffer read once. */
kvm_status kvm_json_parse_in_place(kvm_json_doc *doc, const char *name, size_t first_line,
                                   char *data, size_t len, unsigned flags, const kvm_json **proot,
                                   kvm_error *err);

/* ---- Incremental reading ------------------------------------------------
 * For documents too large for one tree (a report with a million events):
 * walk the outer structure with a reader and parse each element into a doc
 * of its own.  The text stays where it is (borrowed). */
typedef struct kvm_json_reader {
    const char *data;
    size_t len;
    size_t pos;        /* next byte to read */
    size_t line;       /* line of data[pos] */
    size_t line_start; /* offset of the first byte of that line */
    const char *name;
    unsigned flags;
} kvm_json_reader;

void kvm_json_reader_init(kvm_json_reader *reader, const char *name, size_t first_line,
                          const char *data, size_t len, unsigned flags);
/* Skips whitespace and returns the next byte (not consumed), or -1 at end. */
int kvm_json_reader_peek(kvm_json_reader *reader);
/* Skips whitespace and consumes byte c, or fails with "expected 'c'". */
kvm_status kvm_json_reader_expect(kvm_json_reader *reader, char c, kvm_error *err);
/* Parses the next value into doc (emptied first) and sets *pvalue; with doc
 * NULL the value is only checked and skipped (pvalue may be NULL). */
kvm_status kvm_json_reader_value(kvm_json_reader *reader, kvm_json_doc *doc,
                                 const kvm_json **pvalue, kvm_error *err);
/* Fails with "trailing characters after JSON value" unless only whitespace
 * is left. */
kvm_status kvm_json_reader_end(kvm_json_reader *reader, kvm_error *err);
/* Sets err to "NAME:LINE:COLUMN: <message>" at the reader's position (or at
 * a node's position with kvm_json_error_at); returns code. */
kvm_status kvm_json_reader_error(const kvm_json_reader *reader, kvm_error *err, kvm_status code,
                                 const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
kvm_status kvm_json_error_at(const char *name, const kvm_json *node, kvm_error *err,
                             kvm_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/* ---- Accessors (all accept NULL and return NULL / 0 then) ------------- */

/* 1 if node is non-NULL and of that type. */
int kvm_json_is(const kvm_json *node, kvm_json_type type);
/* The first member of an object named key; NULL if none or not an object. */
const kvm_json *kvm_json_get(const kvm_json *object, const char *key);
/* The index-th element of an array (O(index)); NULL if out of range. */
const kvm_json *kvm_json_at(const kvm_json *array, size_t index);
/* The string of a KVM_JSON_STRING node, else NULL. */
const char *kvm_json_text(const kvm_json *node);
/* 0 and *pvalue set if node is a number with an integral value that fits a
 * long long ("7", "-1", "1e3"); -1 otherwise. */
int kvm_json_integer(const kvm_json *node, long long *pvalue);
/* "null", "boolean", "number", "string", "array", "object". */
const char *kvm_json_type_name(kvm_json_type type);

/* ---- Writing ------------------------------------------------------------ */

/* Appends text[0..len) as a JSON string literal: quotes, '"' '\\' and
 * control characters escaped (\n, \t, \u001f...), U+2028/U+2029 escaped,
 * valid UTF-8 passed through, invalid bytes written as U+FFFD. */
void kvm_json_buf_string(kvm_buf *buf, const char *text, size_t len);

/* Length of the longest prefix of text[0..len) that a JSON string literal
 * holds as it is (printable ASCII other than '"' and '\\'). */
size_t kvm_json_plain_span(const char *text, size_t len);

/* Room kvm_json_fixed needs, NUL included (any finite double, 9 decimals). */
#define KVM_JSON_FIXED_MAX 330
/* Writes value with `decimals` (0..9) digits after the point into out
 * (KVM_JSON_FIXED_MAX bytes), NUL-terminated, and returns the length: the
 * same text as snprintf "%.*f" (correctly rounded, ties to even on the exact
 * binary value; "-0.000" for small negatives), without its cost for the
 * values reports hold (|value| < 2^32). */
size_t kvm_json_fixed(char *out, double value, int decimals);

/* ---- Arena (also used by the event set) -------------------------------- */

/* Bump allocator: blocks are never moved, so returned pointers stay valid
 * until kvm_arena_reset (which keeps the memory for reuse) or kvm_arena_free. */
typedef struct kvm_arena_block kvm_arena_block;
typedef struct kvm_arena {
    kvm_arena_block *head;    /* first block */
    kvm_arena_block *current; /* block being filled */
    size_t block_size;        /* default size of a new block, bytes */
} kvm_arena;

void kvm_arena_init(kvm_arena *arena, size_t block_size);
/* size bytes aligned for any object; NULL if out of memory. */
void *kvm_arena_alloc(kvm_arena *arena, size_t size);
/* A NUL-terminated copy of s[0..len); NULL if out of memory. */
char *kvm_arena_strndup(kvm_arena *arena, const char *s, size_t len);
void kvm_arena_reset(kvm_arena *arena);
void kvm_arena_free(kvm_arena *arena);
/* Bytes held (for measurements). */
size_t kvm_arena_capacity(const kvm_arena *arena);

/* ---- Between the event set and the report writer (internal) ---------- */

struct kvm_eventset;
/* A slot the set keeps for the report writer (src/report.c): its cache of
 * rendered place objects, which stays valid across kvm_eventset_clear (the
 * set's place copies outlive clears and are never moved or reused while the
 * set lives).  *slot starts NULL; the set calls destroy(*slot) when it is
 * freed (the first non-NULL destroy given is kept).  NULL if set is NULL. */
void **kvm_eventset_writer_cache(const struct kvm_eventset *set, void (*destroy)(void *));

#endif /* KIVUMAP_JSON_H */
