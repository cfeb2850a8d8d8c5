/* Articles: one news text in memory, validated UTF-8 (invalid bytes replaced
 * by U+FFFD and counted), an optional `date YYYY-MM-DD` first line, and its
 * sentence spans.  Byte offsets everywhere refer to kvm_article_text(). */
#ifndef KIVUMAP_ARTICLE_H
#define KIVUMAP_ARTICLE_H

#include <stddef.h>

#include "kivumap/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest article accepted, in bytes (documented in README "Limits"). */
#define KVM_ARTICLE_MAX_BYTES (64u * 1024u * 1024u)

typedef struct kvm_span {
    size_t start; /* byte offset, inclusive */
    size_t end;   /* byte offset, exclusive */
} kvm_span;

typedef struct kvm_article kvm_article;

/* Reads a file ("-" = standard input).  Caller frees with kvm_article_free. */
kvm_status kvm_article_read_file(const char *path, kvm_article **particle, kvm_error *err);
/* From memory; the bytes are copied.  `name` identifies it in outputs. */
kvm_status kvm_article_from_buffer(const char *name, const char *data, size_t len,
                                   kvm_article **particle, kvm_error *err);
/* One line of JSON Lines input: an object {"id": ..., "date": "YYYY-MM-DD",
 * "text": "..."}.  "text" is required (a string); "id" (string or number)
 * names the article, else "SOURCE:LINE"; "date" (string or null) is
 * optional; other keys are ignored.  When there is no "date" key, a
 * `date YYYY-MM-DD` first line of the text is honoured as in files.  Errors:
 * KVM_ERR_PARSE with "SOURCE:LINE[:COLUMN]: reason".  Callers skip blank
 * lines themselves.  Caller frees with kvm_article_free. */
kvm_status kvm_article_from_jsonl(const char *line, size_t len, const char *source_name,
                                  size_t line_no, kvm_article **particle, kvm_error *err);
void kvm_article_free(kvm_article *article); /* accepts NULL */

/* The article's name (file path or JSONL id). Borrowed. */
const char *kvm_article_name(const kvm_article *article);
/* The body text: the date line removed, BOM removed, CRLF -> LF, invalid
 * UTF-8 replaced; NUL-terminated.  Borrowed. */
const char *kvm_article_text(const kvm_article *article);
size_t kvm_article_length(const kvm_article *article);
/* The publication date from the header (year 0 if none). */
kvm_date kvm_article_date(const kvm_article *article);
void kvm_article_set_date(kvm_article *article, kvm_date date);
/* Number of invalid UTF-8 sequences that were replaced. */
size_t kvm_article_replaced_count(const kvm_article *article);

/* Sentences: split at . ! ? followed by space and a capital, digit or quote
 * (not after abbreviations such as "Gen.", "U.S.", "Jan.", initials, nor
 * inside numbers), at "word.Word" glued sentences, at blank lines and at
 * line breaks after a short heading-like line.  Spans exclude surrounding
 * whitespace.  index < count. */
size_t kvm_article_sentence_count(const kvm_article *article);
kvm_span kvm_article_sentence(const kvm_article *article, size_t index);
/* Index of the sentence containing byte `offset`: the last sentence that
 * starts at or before it (0 if none does, or if there are no sentences). */
size_t kvm_article_sentence_at(const kvm_article *article, size_t offset);

#ifdef __cplusplus
}
#endif

#endif /* KIVUMAP_ARTICLE_H */
