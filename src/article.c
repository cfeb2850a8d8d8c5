/* Articles: reading, UTF-8 repair, the `date YYYY-MM-DD` header, JSON Lines
 * input and sentence spans. */
#include "kivumap/article.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

#include "json.h"
#include "util.h"

struct kvm_article {
    char *name;
    char *buffer; /* owned; text points into it, past a date line */
    char *text;
    size_t len;
    kvm_date date;
    size_t replaced;
    kvm_span *sentences;
    size_t n_sentences;
    size_t cap_sentences;
};

/* ---- Normalising the bytes ---------------------------------------------- */

static const char replacement[3] = {'\xEF', '\xBF', '\xBD'}; /* U+FFFD */

/* Bytes that need a look in normalise(): NUL, CR and anything >= 0x80.
 * word_is_plain() tests eight at a time: no high bit set, no byte equal to
 * 0x00 or 0x0D (the "has a zero byte" test is exact when no high bit is
 * set). */
static int word_is_plain(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t cr = w ^ (ones * 0x0Du);
    return ((w | ((w - ones) & ~w) | ((cr - ones) & ~cr)) & highs) == 0;
}

/* Makes room for `extra` more bytes (plus the NUL) at out[o]. */
static int reserve_out(char **pout, size_t *pcap, size_t o, size_t extra)
{
    if (extra > SIZE_MAX - o - 1)
        return -1;
    size_t need = o + extra + 1;
    if (need <= *pcap)
        return 0;
    size_t cap = *pcap + *pcap / 2;
    if (cap < need || cap < *pcap)
        cap = need;
    char *p = realloc(*pout, cap);
    if (!p)
        return -1;
    *pout = p;
    *pcap = cap;
    return 0;
}

/* Copies data into a fresh NUL-terminated buffer: BOM dropped, CRLF and lone
 * CR to LF, NUL bytes and invalid UTF-8 sequences to U+FFFD (each counted).
 * One pass; runs of plain ASCII are copied eight bytes at a time.  The
 * output starts at the input's size and grows only for replacements. */
static char *normalise(const char *data, size_t len, size_t *pout_len, size_t *preplaced)
{
    const unsigned char *in = (const unsigned char *)data;
    size_t i = 0;
    if (len >= 3 && in[0] == 0xEF && in[1] == 0xBB && in[2] == 0xBF)
        i = 3;
    if (len == SIZE_MAX)
        return NULL;
    size_t cap = len - i + 1, o = 0, bad = 0;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    while (i < len) {
        /* The output never runs ahead of the input by more than the
         * replacements made, for which room was reserved: 8 bytes fit. */
        while (len - i >= 8) {
            uint64_t w;
            memcpy(&w, in + i, 8);
            if (!word_is_plain(w))
                break;
            memcpy(out + o, &w, 8);
            o += 8;
            i += 8;
        }
        size_t stop = len - i >= 8 ? i + 8 : len;
        while (i < stop) {
            unsigned char c = in[i];
            if (c >= 0x80) {
                size_t n;
                if (c >= 0xC2 && c <= 0xDF && i + 1 < len && (in[i + 1] & 0xC0) == 0x80) {
                    n = 2;
                } else {
                    uint32_t cp;
                    n = kvm_utf8_decode(in + i, len - i, &cp);
                }
                if (n == 1)
                    goto replace;
                memcpy(out + o, in + i, n);
                o += n;
                i += n;
                /* a sequence may cross `stop`: the outer loop resumes */
                if (i > stop)
                    break;
                continue;
            }
            if (c == 0)
                goto replace;
            if (c == '\r') {
                out[o++] = '\n';
                i += (i + 1 < len && in[i + 1] == '\n') ? 2 : 1;
                if (i > stop)
                    break;
                continue;
            }
            out[o++] = (char)c;
            i++;
            continue;
        replace:
            if (reserve_out(&out, &cap, o, 3 + (len - i - 1)) != 0) {
                free(out);
                return NULL;
            }
            memcpy(out + o, replacement, 3);
            o += 3;
            i++;
            bad++;
        }
    }
    out[o] = '\0';
    *pout_len = o;
    *preplaced = bad;
    return out;
}

/* ---- The date header ---------------------------------------------------- */

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static int ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* Recognises `date YYYY-MM-DD` (any case, optional ':' after "date",
 * leading blanks) at the start of text.  Returns 1 and sets *pdate and
 * *pbody (offset where the body starts) for a header, 0 when the first line
 * is ordinary text ("Date palms..."), -1 for a header whose date is
 * malformed (err filled). */
static int parse_date_header(const char *name, const char *text, size_t len, kvm_date *pdate,
                             size_t *pbody, kvm_error *err)
{
    size_t i = 0;
    while (i < len && is_blank(text[i]))
        i++;
    if (len - i < 4 || ascii_lower(text[i]) != 'd' || ascii_lower(text[i + 1]) != 'a' ||
        ascii_lower(text[i + 2]) != 't' || ascii_lower(text[i + 3]) != 'e')
        return 0;
    size_t j = i + 4;
    int colon = 0;
    if (j < len && text[j] == ':') {
        colon = 1;
        j++;
    }
    if (!colon && (j >= len || !is_blank(text[j])))
        return 0; /* "Dated", "Date," ... */
    while (j < len && is_blank(text[j]))
        j++;
    size_t tok = j;
    while (j < len && !is_blank(text[j]) && text[j] != '\n')
        j++;
    size_t tok_len = j - tok;
    if (!colon && (tok_len == 0 || text[tok] < '0' || text[tok] > '9'))
        return 0;
    char buf[16];
    kvm_date date = {0, 0, 0};
    int ok = tok_len == 10;
    if (ok) {
        memcpy(buf, text + tok, 10);
        buf[10] = '\0';
        ok = kvm_parse_date(buf, &date, NULL) == KVM_OK && date.day != 0;
    }
    if (!ok) {
        size_t line_end = i;
        while (line_end < len && text[line_end] != '\n')
            line_end++;
        size_t shown = kvm_utf8_truncate(text + i, line_end - i, 60);
        kvm_error_set(err, KVM_ERR_PARSE,
                      "%s:1: malformed date line '%.*s' (expected 'date YYYY-MM-DD')", name,
                      (int)shown, text + i);
        return -1;
    }
    while (j < len && is_blank(text[j]))
        j++;
    if (j < len && text[j] == '\n')
        j++;
    *pdate = date;
    *pbody = j;
    return 1;
}

/* ---- Sentences ---------------------------------------------------------- */

static int is_space_byte(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f';
}

static int is_upper(unsigned char c)
{
    return c >= 'A' && c <= 'Z';
}

static int is_lower(unsigned char c)
{
    return c >= 'a' && c <= 'z';
}

static int is_letter(unsigned char c)
{
    return is_upper(c) || is_lower(c);
}

/* Words after which a full stop does not end a sentence, lowercase, packed
 * by length (abbreviations[n] holds the words of n letters back to back). */
static const char *const abbreviations[] = {
    "",
    "",
    "mr" "ms" "dr" "lt" "st" "jr" "sr" "vs" "mt" "ft" "cf" "co" "fr",
    "mrs" "gen" "col" "sgt" "maj" "cpt" "rev" "hon" "gov" "sen" "rep" "jan" "feb" "mar" "apr"
    "jun" "jul" "aug" "sep" "oct" "nov" "dec" "fig" "adm" "est" "inc" "ltd" "mgr" "mme" "ste",
    "capt" "prof" "sept" "brig" "cmdr" "pres" "dept" "corp" "msgr" "mlle",
    "gov't",
    "approx"};
#define ABBREVIATION_MAX 6

static int is_abbreviation(const char *word, size_t wlen)
{
    if (wlen == 0 || wlen > ABBREVIATION_MAX)
        return 0;
    for (const char *a = abbreviations[wlen]; *a; a += wlen)
        if (a[0] == word[0] && memcmp(a, word, wlen) == 0)
            return 1;
    return 0;
}

/* 1 if the '.' at text[dot] follows an abbreviation, an initial or a dotted
 * acronym ("U.S.", "e.g."). */
static int after_abbreviation(const char *text, size_t len, size_t dot)
{
    size_t w = dot;
    int inner_dot = 0;
    while (w > 0 &&
           (is_letter((unsigned char)text[w - 1]) || text[w - 1] == '.' || text[w - 1] == '\'')) {
        if (text[w - 1] == '.')
            inner_dot = 1;
        w--;
    }
    size_t wlen = dot - w;
    if (wlen == 0)
        return 0;
    if (inner_dot)
        return 1; /* U.S. U.N. e.g. i.e. a.m. */
    if (wlen == 1 && is_upper((unsigned char)text[w]))
        return 1; /* an initial: "Paul K. Smith" */
    char word[8];
    if (wlen > ABBREVIATION_MAX)
        return 0; /* the common case: an ordinary word */
    for (size_t k = 0; k < wlen; k++)
        word[k] = (char)ascii_lower((unsigned char)text[w + k]);
    word[wlen] = '\0';
    if (strcmp(word, "no") == 0 || strcmp(word, "nos") == 0) {
        /* "No. 5" but "said no. The..." */
        size_t k = dot + 1;
        while (k < len && text[k] == ' ')
            k++;
        return k < len && text[k] >= '0' && text[k] <= '9';
    }
    return is_abbreviation(word, wlen);
}

/* Length of a closing quote or bracket at text[i] (ASCII or typographic), 0
 * if none. */
static size_t closing_mark(const char *text, size_t len, size_t i)
{
    unsigned char c = (unsigned char)text[i];
    if (c == '"' || c == '\'' || c == ')' || c == ']')
        return 1;
    if (c == 0xE2 && i + 2 < len && (unsigned char)text[i + 1] == 0x80 &&
        ((unsigned char)text[i + 2] == 0x9D || (unsigned char)text[i + 2] == 0x99))
        return 3; /* ” ’ */
    if (c == 0xC2 && i + 1 < len && (unsigned char)text[i + 1] == 0xBB)
        return 2; /* » */
    return 0;
}

/* 1 if text[k] can open a sentence: a capital (ASCII or Latin-1), a digit,
 * an opening quote or bracket. */
static int opens_sentence(const char *text, size_t len, size_t k)
{
    unsigned char c = (unsigned char)text[k];
    if (is_upper(c) || (c >= '0' && c <= '9') || c == '"' || c == '\'' || c == '(' || c == '[')
        return 1;
    if (c >= 0x80) {
        uint32_t cp;
        kvm_utf8_decode((const unsigned char *)text + k, len - k, &cp);
        if (cp == 0x201C || cp == 0x2018 || cp == 0xAB)
            return 1;
        if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ||
            (cp >= 0x100 && cp <= 0x17F && (cp & 1) == 0))
            return 1; /* É, Č, ... (Latin Extended-A: even = capital, nearly) */
    }
    return 0;
}

static int add_sentence(kvm_article *art, size_t start, size_t end)
{
    while (end > start && is_space_byte(art->text[end - 1]))
        end--;
    if (end <= start)
        return 0;
    if (kvm_grow((void **)&art->sentences, &art->cap_sentences, art->n_sentences + 1,
                 sizeof *art->sentences) != 0)
        return -1;
    art->sentences[art->n_sentences].start = start;
    art->sentences[art->n_sentences].end = end;
    art->n_sentences++;
    return 0;
}

/* Where a sentence ending at the terminator text[i] really ends (after
 * repeated marks and closing quotes), and where the next one would start;
 * returns 1 if there is a boundary here. */
static int sentence_boundary(const char *text, size_t len, size_t i, size_t *pend, size_t *pnext)
{
    size_t e = i + 1;
    while (e < len && (text[e] == '.' || text[e] == '!' || text[e] == '?'))
        e++;
    size_t m;
    while (e < len && (m = closing_mark(text, len, e)) > 0)
        e += m;
    if (e >= len) {
        *pend = e;
        *pnext = e;
        return 1;
    }
    if (is_space_byte(text[e])) {
        size_t k = e;
        while (k < len && is_space_byte(text[k]))
            k++;
        if (k >= len || !opens_sentence(text, len, k))
            return 0;
        if (text[i] == '.' && e == i + 1 && after_abbreviation(text, len, i))
            return 0;
        *pend = e;
        *pnext = k;
        return 1;
    }
    /* Glued: "militia.In the DRC": a lowercase word of two or more letters,
     * a full stop, then a capitalised word. */
    if (text[i] != '.' || e != i + 1)
        return 0;
    if (!(is_upper((unsigned char)text[e]) && e + 1 < len && is_lower((unsigned char)text[e + 1])))
        return 0;
    size_t w = i;
    while (w > 0 && is_lower((unsigned char)text[w - 1]))
        w--;
    if (i - w < 2)
        return 0;
    if (w > 0 && !(is_space_byte(text[w - 1]) || text[w - 1] == '"' || text[w - 1] == '(' ||
                   text[w - 1] == ','))
        return 0; /* "www.example.Com", "a.b.Cd" */
    *pend = e;
    *pnext = e;
    return 1;
}

/* Markers that start a new unit in scraped pages ("ALSO READ: ..."). */
static int starts_marker(const char *text, size_t len, size_t i)
{
    static const char *const markers[] = {"ALSO READ", "READ ALSO", "READ MORE", "RELATED:"};
    for (size_t k = 0; k < sizeof markers / sizeof markers[0]; k++) {
        size_t n = strlen(markers[k]);
        if (len - i >= n && memcmp(text + i, markers[k], n) == 0)
            return 1;
    }
    return 0;
}

/* Bytes at which split_sentences has something to decide. */
static int may_split(unsigned char c)
{
    return c == '.' || c == '!' || c == '?' || c == '\n' || c == 'A' || c == 'R';
}

/* Index of the first byte at or after i for which may_split() holds, len
 * if none: sixteen bytes at a time with SSE2, else one at a time. */
static size_t next_split_byte(const char *t, size_t i, size_t len)
{
#if defined(__SSE2__) && defined(__GNUC__)
    const __m128i dot = _mm_set1_epi8('.'), bang = _mm_set1_epi8('!'),
                  question = _mm_set1_epi8('?'), newline = _mm_set1_epi8('\n'),
                  cap_a = _mm_set1_epi8('A'), cap_r = _mm_set1_epi8('R');
    while (len - i >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(t + i));
        __m128i hit = _mm_or_si128(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, dot), _mm_cmpeq_epi8(v, bang)),
                         _mm_or_si128(_mm_cmpeq_epi8(v, question), _mm_cmpeq_epi8(v, newline))),
            _mm_or_si128(_mm_cmpeq_epi8(v, cap_a), _mm_cmpeq_epi8(v, cap_r)));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask != 0)
            return i + (size_t)__builtin_ctz(mask);
        i += 16;
    }
#endif
    while (i < len && !may_split((unsigned char)t[i]))
        i++;
    return i;
}

static int split_sentences(kvm_article *art)
{
    const char *t = art->text;
    size_t len = art->len;
    size_t start = SIZE_MAX; /* first byte of the current sentence */
    size_t line_start = 0;
    for (size_t i = 0; i < len; i++) {
        if (start != SIZE_MAX) {
            /* Most bytes decide nothing: skip to the next that may. */
            i = next_split_byte(t, i, len);
            if (i >= len)
                break;
        }
        char c = t[i];
        if (start == SIZE_MAX) {
            if (c == '\n')
                line_start = i + 1;
            if (is_space_byte(c))
                continue;
            start = i;
        }
        if (c == '\n') {
            size_t k = i + 1;
            while (k < len && is_blank(t[k]))
                k++;
            int blank_line = k < len && t[k] == '\n';
            /* A short line without a full stop followed by a capitalised
             * line is a heading or a list item, not a hard-wrapped line. */
            int heading =
                !blank_line && i - line_start < 60 && k < len && opens_sentence(t, len, k);
            line_start = i + 1;
            if (blank_line || heading || k >= len) {
                if (add_sentence(art, start, i) != 0)
                    return -1;
                start = SIZE_MAX;
            }
            continue;
        }
        if (c == 'A' || c == 'R') {
            if (i > start && i + 1 < len && is_upper((unsigned char)t[i + 1]) &&
                is_space_byte(t[i - 1]) && starts_marker(t, len, i)) {
                if (add_sentence(art, start, i) != 0)
                    return -1;
                start = i;
            }
            continue;
        }
        if (c != '.' && c != '!' && c != '?')
            continue;
        size_t end, next;
        if (!sentence_boundary(t, len, i, &end, &next))
            continue;
        if (add_sentence(art, start, end) != 0)
            return -1;
        start = SIZE_MAX;
        i = end - 1; /* the loop's i++ lands on `end` */
        (void)next;
    }
    if (start != SIZE_MAX && add_sentence(art, start, len) != 0)
        return -1;
    return 0;
}

/* ---- Construction ------------------------------------------------------- */

/* Builds an article from raw bytes; `header` says whether a date first line
 * is looked for. */
static kvm_status article_build(const char *name, const char *data, size_t len, int header,
                                kvm_article **particle, kvm_error *err)
{
    *particle = NULL;
    if (len > KVM_ARTICLE_MAX_BYTES)
        return kvm_error_set(err, KVM_ERR_LIMIT, "'%s' is larger than %u bytes", name,
                             KVM_ARTICLE_MAX_BYTES);
    kvm_article *art = calloc(1, sizeof *art);
    if (!art)
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory reading '%s'", name);
    art->name = kvm_strdup(name);
    art->buffer = normalise(data, len, &art->len, &art->replaced);
    art->text = art->buffer;
    if (!art->name || !art->text) {
        kvm_article_free(art);
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory reading '%s'", name);
    }
    if (header) {
        size_t body = 0;
        int found = parse_date_header(name, art->text, art->len, &art->date, &body, err);
        if (found < 0) {
            kvm_article_free(art);
            return KVM_ERR_PARSE;
        }
        if (found > 0) {
            art->text += body;
            art->len -= body;
        }
    }
    if (split_sentences(art) != 0) {
        kvm_article_free(art);
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory reading '%s'", name);
    }
    *particle = art;
    return KVM_OK;
}

kvm_status kvm_article_from_buffer(const char *name, const char *data, size_t len,
                                   kvm_article **particle, kvm_error *err)
{
    return article_build(name ? name : "", data, len, 1, particle, err);
}

kvm_status kvm_article_read_file(const char *path, kvm_article **particle, kvm_error *err)
{
    *particle = NULL;
    char *data = NULL;
    size_t len = 0;
    kvm_status st = kvm_read_file(path, KVM_ARTICLE_MAX_BYTES, &data, &len, err);
    if (st != KVM_OK)
        return st;
    st = article_build(path, data, len, 1, particle, err);
    free(data);
    return st;
}

kvm_status kvm_article_from_jsonl(const char *line, size_t len, const char *source_name,
                                  size_t line_no, kvm_article **particle, kvm_error *err)
{
    *particle = NULL;
    if (!source_name)
        source_name = "-";
    /* the line's own end is not part of it: "unexpected end of input" in a
     * truncated line must point at that line, not the next one */
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
    kvm_json_doc *doc = kvm_json_doc_new();
    if (!doc)
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
    const kvm_json *root = NULL;
    kvm_status st =
        kvm_json_parse(doc, source_name, line_no, line, len, KVM_JSON_REPLACE_INVALID, &root, err);
    if (st != KVM_OK)
        goto done;
    if (!kvm_json_is(root, KVM_JSON_OBJECT)) {
        st = kvm_error_set(err, KVM_ERR_PARSE, "%s:%zu: expected a JSON object, found %s",
                           source_name, line_no, kvm_json_type_name(root->type));
        goto done;
    }
    const kvm_json *text = kvm_json_get(root, "text");
    if (!text) {
        st = kvm_error_set(err, KVM_ERR_PARSE, "%s:%zu: missing \"text\"", source_name, line_no);
        goto done;
    }
    if (!kvm_json_is(text, KVM_JSON_STRING)) {
        st = kvm_error_set(err, KVM_ERR_PARSE, "%s:%zu: \"text\" must be a string, not %s",
                           source_name, line_no, kvm_json_type_name(text->type));
        goto done;
    }
    const char *name = NULL;
    const kvm_json *id = kvm_json_get(root, "id");
    if (kvm_json_is(id, KVM_JSON_STRING) || kvm_json_is(id, KVM_JSON_NUMBER)) {
        name = id->text;
    } else if (id && !kvm_json_is(id, KVM_JSON_NULL)) {
        st = kvm_error_set(err, KVM_ERR_PARSE, "%s:%zu: \"id\" must be a string or a number",
                           source_name, line_no);
        goto done;
    }
    char *own_name = NULL;
    if (!name) {
        size_t n = strlen(source_name) + 32;
        own_name = malloc(n);
        if (!own_name) {
            st = kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
            goto done;
        }
        snprintf(own_name, n, "%s:%zu", source_name, line_no);
        name = own_name;
    }
    const kvm_json *date = kvm_json_get(root, "date");
    kvm_date parsed = {0, 0, 0};
    if (kvm_json_is(date, KVM_JSON_STRING)) {
        if (kvm_parse_date(date->text, &parsed, NULL) != KVM_OK) {
            st = kvm_error_set(err, KVM_ERR_PARSE,
                               "%s:%zu: bad \"date\" '%.40s' (expected YYYY-MM-DD)", source_name,
                               line_no, date->text);
            free(own_name);
            goto done;
        }
    } else if (date && !kvm_json_is(date, KVM_JSON_NULL)) {
        st = kvm_error_set(err, KVM_ERR_PARSE, "%s:%zu: \"date\" must be a string", source_name,
                           line_no);
        free(own_name);
        goto done;
    }
    kvm_article *art = NULL;
    st = article_build(name, text->text, text->len, date == NULL, &art, err);
    free(own_name);
    if (st != KVM_OK)
        goto done;
    if (date && kvm_json_is(date, KVM_JSON_STRING))
        art->date = parsed;
    art->replaced += kvm_json_doc_replaced(doc);
    *particle = art;
done:
    kvm_json_doc_free(doc);
    return st;
}

void kvm_article_free(kvm_article *article)
{
    if (!article)
        return;
    free(article->name);
    free(article->buffer);
    free(article->sentences);
    free(article);
}

/* ---- Accessors ---------------------------------------------------------- */

const char *kvm_article_name(const kvm_article *article)
{
    return article->name;
}

const char *kvm_article_text(const kvm_article *article)
{
    return article->text;
}

size_t kvm_article_length(const kvm_article *article)
{
    return article->len;
}

kvm_date kvm_article_date(const kvm_article *article)
{
    return article->date;
}

void kvm_article_set_date(kvm_article *article, kvm_date date)
{
    article->date = date;
}

size_t kvm_article_replaced_count(const kvm_article *article)
{
    return article->replaced;
}

size_t kvm_article_sentence_count(const kvm_article *article)
{
    return article->n_sentences;
}

kvm_span kvm_article_sentence(const kvm_article *article, size_t index)
{
    if (index >= article->n_sentences) {
        kvm_span none = {article->len, article->len};
        return none;
    }
    return article->sentences[index];
}

size_t kvm_article_sentence_at(const kvm_article *article, size_t offset)
{
    size_t lo = 0, hi = article->n_sentences;
    /* first sentence starting after offset */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (article->sentences[mid].start <= offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 ? lo - 1 : 0;
}
