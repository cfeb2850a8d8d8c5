/* Internal to event extraction (src/events*.c): a sentence as a token
 * stream (words folded to lowercase ASCII, numbers with their value, place
 * mentions as single tokens), the count and date parsers that read it, and
 * the phrase helpers the rules share.  Not part of the public API; the unit
 * tests include it to check the parsers directly. */
#ifndef KIVUMAP_EVENTS_INTERNAL_H
#define KIVUMAP_EVENTS_INTERNAL_H

#include <stddef.h>

#include "kivumap/events.h"

enum { EV_TOK_WORD = 1, EV_TOK_NUMBER, EV_TOK_PUNCT, EV_TOK_PLACE };

/* Words longer than this are kept truncated and flagged: no keyword is that
 * long, so a truncated word never matches one. */
#define EV_WORD_MAX 23

/* Sentences longer than this many tokens are read in windows of this size,
 * which bounds the memory of pathological inputs (a 60 MiB "sentence"). */
#define EV_MAX_TOKENS 4096

typedef struct ev_token {
    size_t start;       /* byte span in the article text */
    size_t end;
    double value;       /* EV_TOK_NUMBER: its value ("59,483" -> 59483) */
    size_t mention;     /* EV_TOK_PLACE: index into the mention list */
    unsigned char kind; /* EV_TOK_* */
    unsigned char len;  /* bytes in text */
    unsigned char truncated;
    unsigned char grouped; /* number written with thousands separators */
    unsigned char decimal; /* number had a decimal part */
    unsigned char digits;  /* digits before any separator */
    char text[EV_WORD_MAX + 1]; /* folded word, the punctuation byte, or the digits */
} ev_token;

typedef struct ev_tokens {
    ev_token *items;
    size_t count;
    size_t capacity;
} ev_tokens;

void kvm_ev_tokens_free(ev_tokens *toks);

/* Tokenizes text[start, end) into out (cleared first), at most max_tokens
 * tokens; mentions (sorted by start, may be NULL) whose span lies inside
 * become EV_TOK_PLACE tokens.  Returns the byte offset where it stopped (end
 * when all was read), or (size_t)-1 when out of memory. */
size_t kvm_ev_tokenize(const char *text, size_t start, size_t end, const kvm_mention *mentions,
                       size_t n_mentions, size_t max_tokens, ev_tokens *out);

/* Word tests on one token. */
int kvm_ev_is(const ev_token *t, const char *word);
int kvm_ev_in(const ev_token *t, const char *const *words); /* NULL-terminated list */
int kvm_ev_prefix(const ev_token *t, const char *prefix);
/* Matches a phrase of space-separated words at toks[i]; returns the number of
 * tokens matched, 0 if it does not match. */
size_t kvm_ev_match(const ev_token *toks, size_t n, size_t i, const char *phrase);

/* ---- numbers (events_numbers.c) ---------------------------------------- */

/* A count of people: "over a million" -> min 1000000, max -1; "7,000" ->
 * 7000, 7000; "between 5,000 and 8,000" -> 5000, 8000; "hundreds of
 * thousands" -> 100000, -1.  Parses at toks[i]; returns the tokens consumed
 * (0 when no count starts there). */
size_t kvm_ev_parse_count(const ev_token *toks, size_t n, size_t i, long long *pmin,
                          long long *pmax);
/* 1 when toks[i] is a year (1900..2099 written as 4 digits) rather than a
 * count ("2000 people" is a count). */
int kvm_ev_is_year(const ev_token *toks, size_t n, size_t i);
/* Convenience for tests: tokenizes text and parses the first count in it. */
int kvm_ev_count_in_text(const char *text, long long *pmin, long long *pmax);

/* ---- dates (events_dates.c) -------------------------------------------- */

typedef struct ev_date_expr {
    size_t first;     /* token span */
    size_t last;
    kvm_date date;    /* resolved; year 0 when it needs an article date we lack */
    int precision;    /* KVM_TIME_* */
    int year_written; /* the text gives the year itself ("in 2012", "May 6, 2013") */
    long order_days;  /* for ordering when unresolved: days relative to the
                         article date (-2 "over the weekend", -7 "last week") */
} ev_date_expr;

/* Finds the date expressions of a sentence, resolved against article_date
 * (year 0 = unknown).  Writes up to cap, returns how many were written. */
size_t kvm_ev_find_dates(const ev_token *toks, size_t n, kvm_date article_date, ev_date_expr *out,
                         size_t cap);
/* Convenience for tests: the first date expression of text. 1 if found. */
int kvm_ev_date_in_text(const char *text, kvm_date article_date, ev_date_expr *pexpr);

#endif /* KIVUMAP_EVENTS_INTERNAL_H */
