/* Event extraction, step 1: a sentence as tokens.  Words are folded with the
 * gazetteer's rule (lowercase ASCII, diacritics removed, hyphens and dashes
 * as spaces), so the rules compare plain ASCII; numbers carry their value;
 * each resolved place mention is one token. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "events_internal.h"
#include "util.h"

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

/* ---- the keyword table ---------------------------------------------------
 * Open addressing over the folded words the rules read (about 600): a
 * word's flags in one hash and, mostly, one comparison.  Built once per
 * process (pthread_once) from the rules' own lists, so a word a rule tests
 * cannot be missing from it. */

#define KW_SLOTS 4096 /* power of two, well above twice the words */
#define KW_MAX 2000
#define KW_BLOOM_BITS 32768 /* a cheap "certainly not a keyword" for most words */

typedef struct kw_entry {
    uint64_t flags;
    unsigned char len;
    char word[EV_WORD_MAX + 1];
} kw_entry;

static kw_entry kw_entries[KW_MAX + 1]; /* entry 0 unused */
static uint16_t kw_slots[KW_SLOTS];     /* index into kw_entries, 0 = empty */
static unsigned char kw_bloom[KW_BLOOM_BITS / 8];
static size_t kw_count;
static pthread_once_t kw_once = PTHREAD_ONCE_INIT;

/* FNV-1a, fed one folded byte at a time while a word is read. */
#define KW_SEED 2166136261u
static inline uint32_t kw_step(uint32_t h, unsigned char c)
{
    return (h ^ c) * 16777619u;
}

static inline uint32_t kw_final(uint32_t h)
{
    return h ^ (h >> 15);
}

static uint32_t kw_hash(const char *w, size_t len)
{
    uint32_t h = KW_SEED;
    for (size_t i = 0; i < len; i++)
        h = kw_step(h, (unsigned char)w[i]);
    return kw_final(h);
}

static kw_entry *kw_find(const char *w, size_t len, uint32_t h, int insert)
{
    for (size_t probe = h & (KW_SLOTS - 1);; probe = (probe + 1) & (KW_SLOTS - 1)) {
        uint16_t e = kw_slots[probe];
        if (e == 0) {
            if (!insert || kw_count >= KW_MAX)
                return NULL;
            kw_entry *n = &kw_entries[++kw_count];
            n->len = (unsigned char)len;
            memcpy(n->word, w, len);
            n->word[len] = '\0';
            kw_slots[probe] = (uint16_t)kw_count;
            size_t bit = (h >> 12) & (KW_BLOOM_BITS - 1);
            kw_bloom[bit >> 3] = (unsigned char)(kw_bloom[bit >> 3] | (1u << (bit & 7)));
            return n;
        }
        if (kw_entries[e].len == len && memcmp(kw_entries[e].word, w, len) == 0)
            return &kw_entries[e];
    }
}

/* The flags of word w (len bytes, finalized hash h); the table is built. */
static inline uint64_t kw_lookup(const char *w, size_t len, uint32_t h)
{
    size_t bit = (h >> 12) & (KW_BLOOM_BITS - 1);
    if (!(kw_bloom[bit >> 3] & (1u << (bit & 7))) || len == 0 || len > EV_WORD_MAX)
        return 0;
    const kw_entry *e = kw_find(w, len, h, 0);
    return e ? e->flags : 0;
}

static void kw_add(const char *w, size_t len, uint64_t flags)
{
    if (len == 0 || len > EV_WORD_MAX)
        return;
    kw_entry *e = kw_find(w, len, kw_hash(w, len), 1);
    if (e)
        e->flags |= flags;
}

void kvm_ev_keywords_add_list(const char *const *words, uint64_t flags)
{
    for (size_t i = 0; words[i]; i++)
        kw_add(words[i], strlen(words[i]), flags);
}

void kvm_ev_keywords_add_phrase(const char *phrase, uint64_t first_flags, uint64_t key_flags)
{
    const char *sp = strchr(phrase, ' ');
    size_t len = sp ? (size_t)(sp - phrase) : strlen(phrase);
    kw_add(phrase, len, first_flags);
    if (!key_flags)
        return;
    if (sp && len == 3 && (memcmp(phrase, "the", 3) == 0 || memcmp(phrase, "now", 3) == 0)) {
        const char *second = sp + 1;
        const char *sp2 = strchr(second, ' ');
        kw_add(second, sp2 ? (size_t)(sp2 - second) : strlen(second), key_flags);
    } else {
        kw_add(phrase, len, key_flags);
    }
}

static void shape_build(void);

static void kw_build(void)
{
    kvm_ev_register_rule_words();
    kvm_ev_register_date_words();
    kvm_ev_register_count_words();
    kvm_ev_register_actor_words();
    shape_build();
}

uint64_t kvm_ev_keyword_flags(const char *word, size_t len)
{
    pthread_once(&kw_once, kw_build);
    if (len == 0 || len > EV_WORD_MAX)
        return 0;
    return kw_lookup(word, len, kw_hash(word, len));
}

size_t kvm_ev_keyword_count(void)
{
    pthread_once(&kw_once, kw_build);
    return kw_count;
}

/* ASCII folded for words: lowercase letters and digits, 0 for the rest. */
static const unsigned char ascii_alnum[128] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5', ['6'] = '6',
    ['7'] = '7', ['8'] = '8', ['9'] = '9', ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd',
    ['e'] = 'e', ['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k',
    ['l'] = 'l', ['m'] = 'm', ['n'] = 'n', ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r',
    ['s'] = 's', ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y',
    ['z'] = 'z', ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f',
    ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm',
    ['N'] = 'n', ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
    ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z'};

/* The folded letter or digit at text[i] (0 for anything else) and the
 * length of its UTF-8 sequence. */
static inline unsigned char word_char_at(const char *text, size_t i, size_t end, size_t *plen)
{
    unsigned char c = (unsigned char)text[i];
    if (c < 0x80) {
        *plen = 1;
        return ascii_alnum[c];
    }
    uint32_t cp;
    unsigned char second;
    *plen = kvm_utf8_decode((const unsigned char *)text + i, end - i, &cp);
    c = kvm_fold_codepoint(cp, &second);
    return ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ? c : 0;
}

/* The scan's prefilter: bit (first letter, second letter or digit, length)
 * is set when some word with a sentence-gate flag (EV_SCAN_FLAGS) has that
 * shape.  Most words of a text fail it without being copied or hashed.
 * The second words of pairs ("of", "into": common) have their own table,
 * used only once the first word of a pair was seen. */
#define EV_SCAN_FLAGS (EV_GATE | EV_K_PAIR1 | EV_K_PAIR2)
#define SHAPE_BITS (26 * 37 * 32)
static unsigned char kw_shape[SHAPE_BITS / 8];
static unsigned char kw_shape_pair[SHAPE_BITS / 8];

static inline size_t shape_index(unsigned char c0, unsigned char c1, size_t len)
{
    size_t second = c1 == 0 ? 36 : (c1 >= 'a' ? (size_t)(c1 - 'a') : (size_t)(c1 - '0') + 26);
    return ((size_t)(c0 - 'a') * 37 + second) * 32 + (len < 31 ? len : 31);
}

/* shape_index for a word of ASCII text, straight from its bytes: a letter
 * b0 (either case) and, when len > 1, a letter or digit b1. */
static uint16_t shape_row[128];   /* letter -> (folded - 'a') * 37 * 32 */
static uint16_t shape_col[128];   /* letter or digit -> second's index * 32 */

static inline size_t shape_index_ascii(unsigned char b0, unsigned char b1, size_t len)
{
    return (size_t)shape_row[b0] + (len > 1 ? shape_col[b1] : 36u * 32u) + (len < 31 ? len : 31);
}

static void shape_build(void)
{
    for (unsigned b = 0; b < 128; b++) {
        unsigned char f = ascii_alnum[b];
        if (f >= 'a' && f <= 'z') {
            shape_row[b] = (uint16_t)((f - 'a') * 37 * 32);
            shape_col[b] = (uint16_t)((f - 'a') * 32);
        } else if (f >= '0' && f <= '9') {
            shape_col[b] = (uint16_t)((f - '0' + 26) * 32);
        }
    }
    for (size_t e = 1; e <= kw_count; e++) {
        const kw_entry *k = &kw_entries[e];
        if (!(k->flags & EV_SCAN_FLAGS) || k->word[0] < 'a' || k->word[0] > 'z')
            continue;
        size_t bit = shape_index((unsigned char)k->word[0],
                                 k->len > 1 ? (unsigned char)k->word[1] : 0, k->len);
        unsigned char *table = (k->flags & (EV_GATE | EV_K_PAIR1)) ? kw_shape : kw_shape_pair;
        table[bit >> 3] = (unsigned char)(table[bit >> 3] | (1u << (bit & 7)));
    }
}

/* Reads the word starting at text[i] (a letter) the tokenizer's way into w
 * (folded, at most EV_WORD_MAX bytes); returns its end, *pn its length,
 * *ph its hash; *ptrunc when it was longer. */
static size_t read_word(const char *text, size_t i, size_t end, char *w, size_t *pn, uint32_t *ph,
                        int *ptrunc)
{
    size_t n = 0, clen;
    int truncated = 0;
    uint32_t h = KW_SEED;
    unsigned char c;
    while (i < end && (c = word_char_at(text, i, end, &clen)) != 0) {
        if (n < EV_WORD_MAX) {
            w[n++] = (char)c;
            h = kw_step(h, c);
        } else {
            truncated = 1;
        }
        i += clen;
    }
    *pn = n;
    *ph = kw_final(h);
    *ptrunc = truncated;
    return i;
}

/* Finding the end of an ASCII word sixteen bytes at a time where the range
 * allows (the portable loop gives the same answer). */
#if defined(__SSE2__) && defined(__GNUC__)
static inline unsigned alnum_mask16(__m128i v)
{
    __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
    __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                   _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                  _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(letter, digit));
}
#endif

/* The first i' >= i below end whose byte is an ASCII letter or digit or a
 * non-ASCII byte (end if none). */
static inline size_t skip_separators(const char *text, size_t i, size_t end)
{
    /* mostly one space: no SIMD */
    while (i < end && (unsigned char)text[i] < 0x80 && !ascii_alnum[(unsigned char)text[i]])
        i++;
    return i;
}

/* The first j' >= j below end whose byte is not an ASCII letter or digit
 * (end if none). */
static inline size_t ascii_word_end(const char *text, size_t j, size_t end)
{
#if defined(__SSE2__) && defined(__GNUC__)
    while (end - j >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(text + j));
        unsigned mask = ~alnum_mask16(v) & 0xFFFFu;
        if (mask)
            return j + (size_t)__builtin_ctz(mask);
        j += 16;
    }
#endif
    while (j < end && (unsigned char)text[j] < 0x80 && ascii_alnum[(unsigned char)text[j]])
        j++;
    return j;
}

uint64_t kvm_ev_scan(const char *text, size_t start, size_t end, const kvm_mention *mentions,
                     size_t n_mentions, ev_scan *acc)
{
    pthread_once(&kw_once, kw_build);
    /* the first mention that ends after start */
    size_t lo = 0, hi = n_mentions;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (mentions[mid].end <= start)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t m = lo;
    size_t next_start = 0; /* below it no mention can hold i: the test is skipped */
    char w[EV_WORD_MAX + 1];
    uint64_t any = 0;
    int pair_seen = 0; /* a pair's second word follows its first */
    size_t i = start;
    while (i < end) {
        i = skip_separators(text, i, end);
        if (i >= end)
            break;
        unsigned char c = (unsigned char)text[i];
        /* a place mention is one token for the rules: none of its words
         * is a rule's word */
        if (i >= next_start) {
            while (m < n_mentions && mentions[m].end <= i)
                m++;
            if (m < n_mentions && mentions[m].start <= i && mentions[m].end <= end) {
                i = mentions[m].end;
                next_start = 0;
                continue;
            }
            next_start = m < n_mentions ? mentions[m].start : SIZE_MAX;
        }
        if (c >= '0' && c <= '9') {
            /* a number (the tokenizer's too): "80km" is 80 and "km" */
            size_t j = i;
            while (j < end && text[j] >= '0' && text[j] <= '9')
                j++;
            /* a year: four digits, not part of a word or of a grouped
             * number ("1,2000", "2000,500"); "in January 2025, ..." is */
            unsigned char after = j < end ? (unsigned char)text[j] : 0;
            int grouped =
                (after == ',' && j + 1 < end && text[j + 1] >= '0' && text[j + 1] <= '9') ||
                (i > start + 1 && text[i - 1] == ',' && text[i - 2] >= '0' && text[i - 2] <= '9');
            if (j - i == 4 && (c == '1' || c == '2') && !grouped &&
                !(after < 0x80 && ascii_alnum[after])) {
                int y = (c - '0') * 1000 + (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 +
                        (text[i + 3] - '0');
                if (y >= 1900 && y <= 2099 && y > acc->max_year)
                    acc->max_year = y;
            }
            i = j;
            continue;
        }
        size_t n;
        uint32_t h;
        int truncated;
        if (c >= 0x80) {
            size_t clen;
            unsigned char f = word_char_at(text, i, end, &clen);
            if (!(f >= 'a' && f <= 'z')) {
                i += clen;
                continue;
            }
            i = read_word(text, i, end, w, &n, &h, &truncated);
        } else {
            /* ASCII: find the word's end and test its shape first */
            size_t j = ascii_word_end(text, i + 1, end);
            if (j < end && (unsigned char)text[j] >= 0x80) {
                i = read_word(text, i, end, w, &n, &h, &truncated); /* "Défense" */
            } else {
                size_t len = j - i;
                size_t bit =
                    shape_index_ascii(c, len > 1 ? (unsigned char)text[i + 1] : 0, len);
                int maybe = (kw_shape[bit >> 3] & (1u << (bit & 7))) ||
                            (pair_seen && (kw_shape_pair[bit >> 3] & (1u << (bit & 7))));
                if (len > EV_WORD_MAX || !maybe) {
                    i = j;
                    continue;
                }
                uint32_t hh = KW_SEED;
                for (n = 0; n < len; n++) {
                    unsigned char d = ascii_alnum[(unsigned char)text[i + n]];
                    w[n] = (char)d;
                    hh = kw_step(hh, d);
                }
                h = kw_final(hh);
                truncated = 0;
                i = j;
            }
        }
        if (truncated)
            continue;
        uint64_t f = kw_lookup(w, n, h) & EV_SCAN_FLAGS;
        any |= f;
        if (f & EV_K_PAIR1)
            pair_seen = 1;
        if (f & EV_K_ACTOR) {
            if (n == 3 && (memcmp(w, "m23", 3) == 0 || memcmp(w, "afc", 3) == 0))
                acc->group_counts[0]++;
            else if (n == 3 && memcmp(w, "adf", 3) == 0)
                acc->group_counts[1]++;
            else if (n == 6 && memcmp(w, "codeco", 6) == 0)
                acc->group_counts[2]++;
            else if (n == 4 && memcmp(w, "fdlr", 4) == 0)
                acc->group_counts[3]++;
        }
    }
    return any;
}

void kvm_ev_tokens_free(ev_tokens *toks)
{
    free(toks->items);
    toks->items = NULL;
    toks->count = toks->capacity = 0;
}

static ev_token *push(ev_tokens *out)
{
    if (out->count == out->capacity &&
        kvm_grow((void **)&out->items, &out->capacity, out->count + 1, sizeof(ev_token)) != 0)
        return NULL;
    ev_token *t = &out->items[out->count++];
    memset(t, 0, sizeof *t);
    return t;
}

/* The folded byte at text[i] (0 for a character that folds to nothing) and
 * the length of its UTF-8 sequence. */
static unsigned char fold_at(const char *text, size_t i, size_t end, size_t *plen)
{
    unsigned char c = (unsigned char)text[i];
    if (c < 0x80) {
        *plen = 1;
        if (c >= 'A' && c <= 'Z')
            return (unsigned char)(c + 32);
        if (c == '-' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
            return ' ';
        return c;
    }
    uint32_t cp;
    unsigned char second;
    *plen = kvm_utf8_decode((const unsigned char *)text + i, end - i, &cp);
    return kvm_fold_codepoint(cp, &second);
}

static void add_char(ev_token *t, unsigned char c)
{
    if (t->len < EV_WORD_MAX) {
        t->text[t->len++] = (char)c;
        t->text[t->len] = '\0';
    } else {
        t->truncated = 1;
    }
}

/* Reads digits with "," / "." groups: "59,483", "1.2", "100,000". */
static size_t read_number(const char *text, size_t i, size_t end, ev_token *t)
{
    double value = 0.0, scale = 0.0;
    size_t j = i;
    int digits = 0;
    while (j < end) {
        unsigned char c = (unsigned char)text[j];
        if (c >= '0' && c <= '9') {
            if (scale > 0.0) {
                value += (c - '0') * scale;
                scale /= 10.0;
            } else {
                value = value * 10.0 + (c - '0');
                if (!t->grouped)
                    digits++;
            }
            add_char(t, c);
            j++;
            continue;
        }
        if ((c == ',' || c == '.') && j + 1 < end && text[j + 1] >= '0' && text[j + 1] <= '9') {
            if (c == ',' && scale == 0.0) {
                /* thousands separator: exactly three digits follow */
                size_t k = j + 1, nd = 0;
                while (k < end && text[k] >= '0' && text[k] <= '9')
                    k++, nd++;
                if (nd == 3) {
                    t->grouped = 1;
                    j++;
                    continue;
                }
                break;
            }
            if (c == '.' && scale == 0.0) {
                t->decimal = 1;
                scale = 0.1;
                add_char(t, '.');
                j++;
                continue;
            }
            break;
        }
        break;
    }
    t->value = value;
    t->digits = (unsigned char)(digits > 255 ? 255 : digits);
    return j;
}

size_t kvm_ev_tokenize(const char *text, size_t start, size_t end, const kvm_mention *mentions,
                       size_t n_mentions, size_t max_tokens, ev_tokens *out)
{
    pthread_once(&kw_once, kw_build);
    out->count = 0;
    /* first mention that ends after start */
    size_t lo = 0, hi = n_mentions;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (mentions[mid].end <= start)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t m = lo;
    size_t next_start = 0; /* below it mentions[m] cannot start: the test is skipped */
    size_t i = start;
    while (i < end) {
        if (out->count >= max_tokens)
            return i;
        if (i >= next_start) {
            while (m < n_mentions && mentions[m].start < i)
                m++;
            if (m < n_mentions && mentions[m].start == i && mentions[m].end <= end &&
                mentions[m].end > i) {
                ev_token *t = push(out);
                if (!t)
                    return (size_t)-1;
                t->kind = EV_TOK_PLACE;
                t->start = i;
                t->end = mentions[m].end;
                t->mention = m;
                i = mentions[m].end;
                m++;
                next_start = 0;
                continue;
            }
            next_start = m < n_mentions ? mentions[m].start : SIZE_MAX;
        }
        size_t clen;
        unsigned char c = fold_at(text, i, end, &clen);
        if (c == ' ' || c == 0) {
            i += clen;
            continue;
        }
        ev_token *t = push(out);
        if (!t)
            return (size_t)-1;
        t->start = i;
        if (c >= '0' && c <= '9') {
            t->kind = EV_TOK_NUMBER;
            i = read_number(text, i, end, t);
            t->end = i;
            t->flags = EV_F_DATE | EV_F_COUNT;
            if (t->digits == 4 && !t->grouped && !t->decimal)
                t->flags |= EV_F_DATE_STRONG; /* may be a year */
            continue;
        }
        if (c >= 'a' && c <= 'z') {
            t->kind = EV_TOK_WORD;
            /* a word ends where the next mention starts (mentions[m] starts
             * after i here) */
            size_t limit = end;
            if (m < n_mentions && mentions[m].start < limit)
                limit = mentions[m].start;
            uint32_t h = KW_SEED;
            size_t n = 0;
            while (i < limit) {
                unsigned char b = (unsigned char)text[i];
                if (b < 0x80) {
                    c = ascii_alnum[b];
                    clen = 1;
                } else {
                    c = word_char_at(text, i, end, &clen);
                }
                if (!c)
                    break;
                if (n < EV_WORD_MAX) {
                    t->text[n++] = (char)c;
                    h = kw_step(h, c);
                } else {
                    t->truncated = 1;
                }
                i += clen;
            }
            t->text[n] = '\0';
            t->len = (unsigned char)n;
            t->end = i;
            if (!t->truncated)
                t->flags = kw_lookup(t->text, n, kw_final(h));
            continue;
        }
        t->kind = EV_TOK_PUNCT;
        t->text[0] = (char)c;
        t->text[1] = '\0';
        t->len = 1;
        i += clen;
        t->end = i;
    }
    return end;
}

int kvm_ev_is(const ev_token *t, const char *word)
{
    return t->kind != EV_TOK_PLACE && !t->truncated && t->text[0] == word[0] &&
           strcmp(t->text, word) == 0;
}

int kvm_ev_in(const ev_token *t, const char *const *words)
{
    if (t->kind == EV_TOK_PLACE || t->truncated)
        return 0;
    for (size_t i = 0; words[i]; i++)
        if (t->text[0] == words[i][0] && strcmp(t->text, words[i]) == 0)
            return 1;
    return 0;
}

int kvm_ev_prefix(const ev_token *t, const char *prefix)
{
    size_t n = strlen(prefix);
    return t->kind == EV_TOK_WORD && t->len >= n && memcmp(t->text, prefix, n) == 0;
}

size_t kvm_ev_match(const ev_token *toks, size_t n, size_t i, const char *phrase)
{
    /* hot: called for every token by several rules, so no strlen/strchr */
    size_t k = i;
    const char *p = phrase;
    for (;;) {
        if (k >= n)
            return 0;
        const ev_token *t = &toks[k];
        if (t->kind == EV_TOK_PLACE || t->truncated)
            return 0;
        const char *w = t->text;
        while (*p && *p != ' ' && *p == *w) {
            p++;
            w++;
        }
        if ((*p != ' ' && *p != '\0') || *w != '\0')
            return 0;
        k++;
        if (!*p)
            return k - i;
        p++;
    }
}
