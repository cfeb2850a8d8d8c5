/* Internal to event extraction (src/events*.c): a sentence as a token
 * stream (words folded to lowercase ASCII, numbers with their value, place
 * mentions as single tokens), the count and date parsers that read it, and
 * the phrase helpers the rules share.  Not part of the public API; the unit
 * tests include it to check the parsers directly. */
#ifndef KIVUMAP_EVENTS_INTERNAL_H
#define KIVUMAP_EVENTS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "kivumap/events.h"

enum { EV_TOK_WORD = 1, EV_TOK_NUMBER, EV_TOK_PUNCT, EV_TOK_PLACE };

/* Words longer than this are kept truncated and flagged: no keyword is that
 * long, so a truncated word never matches one. */
#define EV_WORD_MAX 23

/* Sentences longer than this many tokens are read in windows of this size,
 * which bounds the memory of pathological inputs (a 60 MiB "sentence"). */
#define EV_MAX_TOKENS 4096

/* Keyword flags: every word a rule reads is looked up once, when the
 * sentence is tokenized (a hash table over folded words built once per
 * process from the rules' own word lists), so rules test bits instead of
 * comparing strings, and skip sentences and tokens that carry no trigger.
 * EV_F_*: what a word can start (the first word of a phrase of that kind);
 * EV_K_*: the word that a sentence must hold for a rule to fire (sentence
 * gate: the first word of a phrase, or its second after "the" / "now");
 * EV_L_*: membership in one of the shared word lists. */
#define EV_F_TERRITORY (1ull << 0)  /* capture / recapture / withdrawal phrases */
#define EV_F_CLASH (1ull << 1)      /* fighting, clashes, attacked ... */
#define EV_F_SHELLING (1ull << 2)   /* shelled, artillery, drones ... */
#define EV_F_AGREE_NOUN (1ull << 3) /* ceasefire, truce, agreement ... */
#define EV_F_AGREE_VERB (1ull << 4) /* signed, reached, took (effect) ... */
#define EV_F_DISPLACE (1ull << 5)   /* displaced, fled, refugees, (sought) refuge */
#define EV_F_REFUGE (1ull << 6)     /* "sought" / "took" (refuge) */
#define EV_F_UNIT (1ull << 7)       /* km, kilometres, miles */
#define EV_F_ACTOR (1ull << 8)      /* first word of an actor phrase */
#define EV_F_ARMY (1ull << 9)       /* army, troops ... after a country name */
#define EV_F_DATE (1ull << 10)      /* can start a date expression */
#define EV_F_COUNT (1ull << 11)     /* can start a count of people */
#define EV_K_TERRITORY (1ull << 12)
#define EV_K_ACTOR (1ull << 13)
#define EV_K_PAIR1 (1ull << 15) /* first word of a phrase that is no rule alone ("moved" into) */
#define EV_F_DATE_STRONG (1ull << 14) /* a month, weekday, "yesterday", "week", a number ... */
#define EV_L_BE (1ull << 16)          /* is, was, has, had ... */
#define EV_L_ADVERB (1ull << 17)      /* now, reportedly, finally ... */
#define EV_L_FILLER (1ull << 18)      /* words between a verb and its object */
#define EV_L_VAGUE (1ull << 19)       /* territory, towns, swathes ... */
#define EV_L_NEAR (1ull << 20)        /* near, outskirts, around ... */
#define EV_L_LOCATIVE (1ull << 21)    /* in, near, at, for ... */
#define EV_L_PEOPLE (1ull << 22)      /* people, civilians, families ... */
#define EV_L_DISP_VERB (1ull << 23)   /* displaced, fled, uprooted ... */
#define EV_L_DISP_NOUN (1ull << 24)   /* refugees, crossed, arrived ... (next to a count) */
#define EV_L_ACTOR_TAIL (1ull << 25)  /* rebels, fighters, militia ... after a name */
#define EV_L_NON_COUNT (1ull << 26)   /* km, years, percent ... after a number */
#define EV_L_IRREALIS (1ull << 27)    /* not, would, threatened ... */
#define EV_L_REGION_PREP (1ull << 28)
#define EV_L_MONTH (1ull << 29) /* month names and abbreviations */
#define EV_L_WEEKDAY (1ull << 30)
#define EV_L_KILL (1ull << 31)  /* killed, wounded ... */
#define EV_K_PAIR2 (1ull << 32) /* its second word ("into", "control", "back") */

/* The sentence gate: a sentence without any of these words gives no event,
 * no claim and names no actor, and is not tokenized at all. */
#define EV_GATE                                                                                    \
    (EV_K_TERRITORY | EV_F_CLASH | EV_F_SHELLING | EV_F_AGREE_NOUN | EV_F_DISPLACE | EV_F_UNIT |   \
     EV_K_ACTOR | EV_F_ARMY)

typedef struct ev_token {
    size_t start; /* byte span in the article text */
    size_t end;
    double value;       /* EV_TOK_NUMBER: its value ("59,483" -> 59483) */
    size_t mention;     /* EV_TOK_PLACE: index into the mention list */
    unsigned char kind; /* EV_TOK_* */
    unsigned char len;  /* bytes in text */
    unsigned char truncated;
    unsigned char grouped;      /* number written with thousands separators */
    unsigned char decimal;      /* number had a decimal part */
    unsigned char digits;       /* digits before any separator */
    uint64_t flags;             /* EV_F_* / EV_K_* / EV_L_* of a word; numbers have
                                   EV_F_DATE | EV_F_COUNT; 0 for other tokens */
    char text[EV_WORD_MAX + 1]; /* folded word, the punctuation byte, or the digits */
} ev_token;

/* 1 when the token carries any of the flags. */
static inline int kvm_ev_has(const ev_token *t, uint64_t flags)
{
    return (t->flags & flags) != 0;
}

/* The keyword flags of a folded word (lowercase ASCII, len bytes); 0 for a
 * word no rule reads.  Thread-safe; the table is built on first use. */
uint64_t kvm_ev_keyword_flags(const char *word, size_t len);
/* Used while the table is built (once, from kvm_ev_keyword_flags): adds
 * flags to each word of a NULL-terminated list; to the first word only of
 * each phrase (first_only), the gate flag `key` going to its first word,
 * or its second after "the" / "now". */
void kvm_ev_keywords_add_list(const char *const *words, uint64_t flags);
void kvm_ev_keywords_add_phrase(const char *phrase, uint64_t first_flags, uint64_t key_flags);
/* One pass over text[start, end) cutting words as the tokenizer does, place
 * mentions (sorted by start, may be NULL) being single tokens: returns the
 * union of their sentence-gate flags (EV_GATE, EV_K_PAIR1/2: see
 * kvm_ev_gate) and adds to acc the armed groups named and the latest year
 * written (1900..2099). */
typedef struct ev_scan {
    size_t group_counts[4]; /* M23/AFC, ADF, CODECO, FDLR */
    int max_year;
} ev_scan;
uint64_t kvm_ev_scan(const char *text, size_t start, size_t end, const kvm_mention *mentions,
                     size_t n_mentions, ev_scan *acc);
/* Does a sentence with these scan flags need tokenizing?  A phrase whose
 * first word is no rule alone ("moved into", "gained control of") needs
 * both its first and its second word. */
static inline int kvm_ev_gate(uint64_t flags)
{
    return (flags & EV_GATE) != 0 || ((flags & EV_K_PAIR1) && (flags & EV_K_PAIR2));
}

/* How many distinct words the keyword table holds (for tests). */
size_t kvm_ev_keyword_count(void);
/* The rules register their words (called once, while the table is built). */
void kvm_ev_register_rule_words(void);  /* events.c */
void kvm_ev_register_date_words(void);  /* events_dates.c */
void kvm_ev_register_count_words(void); /* events_numbers.c */
void kvm_ev_register_actor_words(void); /* events_actors.c */

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

/* kvm_eventset_add_mention with the text as text[0..len) (need not be
 * NUL-terminated; copied).  eventset.c. */
void kvm_ev_add_mention_n(kvm_eventset *set, size_t article, const kvm_mention *mention,
                          const char *text, size_t len);

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
    size_t first; /* token span */
    size_t last;
    kvm_date date;        /* resolved; year 0 when it needs an article date we lack */
    int precision;        /* KVM_TIME_* */
    int year_written;     /* the text gives the year itself ("in 2012", "May 6, 2013") */
    long order_days;      /* for ordering when unresolved: days relative to the
                             article date (-2 "over the weekend", -7 "last week") */
    int anchored;         /* EV_ANCHOR_*: dated from another date, not the article's */
    long offset_days;     /* anchored: days from the anchor (-2 "two days earlier") */
    int offset_precision; /* anchored: KVM_TIME_DAY for a day count, WEEK if vague */
} ev_date_expr;

/* Dates told from another date of the text:
 *   EV_ANCHOR_PREVIOUS  "two days earlier", "a week later", "the next day":
 *                       from the date written before it (this sentence or an
 *                       earlier one);
 *   EV_ANCHOR_CLAUSE    "two days after capturing Kavumu", "a day before the
 *                       fall of Goma": dates the clause that follows, from the
 *                       sentence's own date ("on Sunday, two days after ...").
 * kvm_ev_find_dates leaves them unresolved (date zero); events.c resolves
 * them (kvm_ev_resolve_anchored) once it knows the anchor. */
enum { EV_ANCHOR_NONE = 0, EV_ANCHOR_PREVIOUS = 1, EV_ANCHOR_CLAUSE = 2 };
/* Resolves an anchored expression from anchor (NULL: the article date with
 * week precision, or unknown without one). */
void kvm_ev_resolve_anchored(ev_date_expr *e, const ev_date_expr *anchor, kvm_date article_date);

/* Finds the date expressions of a sentence, resolved against article_date
 * (year 0 = unknown).  Writes up to cap, returns how many were written. */
size_t kvm_ev_find_dates(const ev_token *toks, size_t n, kvm_date article_date, ev_date_expr *out,
                         size_t cap);
/* Convenience for tests: the first date expression of text. 1 if found. */
int kvm_ev_date_in_text(const char *text, kvm_date article_date, ev_date_expr *pexpr);

#endif /* KIVUMAP_EVENTS_INTERNAL_H */
