/* Event extraction, step 1: a sentence as tokens.  Words are folded with the
 * gazetteer's rule (lowercase ASCII, diacritics removed, hyphens and dashes
 * as spaces), so the rules compare plain ASCII; numbers carry their value;
 * each resolved place mention is one token. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "events_internal.h"
#include "util.h"

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

static int is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
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
    size_t i = start;
    while (i < end) {
        if (out->count >= max_tokens)
            return i;
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
            continue;
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
            continue;
        }
        if (c >= 'a' && c <= 'z') {
            t->kind = EV_TOK_WORD;
            while (i < end) {
                if (m < n_mentions && mentions[m].start == i)
                    break;
                c = fold_at(text, i, end, &clen);
                if (!is_alnum(c))
                    break;
                add_char(t, c);
                i += clen;
            }
            t->end = i;
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
    return t->kind != EV_TOK_PLACE && !t->truncated && strcmp(t->text, word) == 0;
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
