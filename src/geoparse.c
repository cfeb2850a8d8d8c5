/* Geoparsing: the matcher finds names (match.c); this file drops names used
 * as parts of organisation or title names and resolves each remaining
 * mention to one place, in the order of DESIGN §5:
 *
 *   unique            one place has the name
 *   kind-word         "the town of X", "X territory", "Lake X", lists such as
 *                     "five main territories: A, B and C"
 *   qualifier         "X, in Rutshuru territory", "X (Masisi)", "X in Uganda",
 *                     "the Ugandan town of X", "X, on the Ugandan border"
 *   same-article      the place the first explicit mention of the name chose
 *                     in the article, or the kind of a resolved item of the
 *                     same list
 *   settlement-first  a bare name shared by a town and an area (Masisi town /
 *                     Masisi territory) reads as the town
 *   neighbours        the candidate nearest to the article's other, already
 *                     resolved places (spatial minimality)
 *   north-kivu-prior  the candidate in North Kivu (else in DR Congo)
 *   population        the most populous candidate (then settlements, then id)
 *
 * Institutions named after where they are ("Goma airport", "University of
 * Goma", "Bank of Kigali") still count as the place; names that use a place
 * as a brand or title ("Hotel Rwanda", "Radio Okapi", "Top Congo", "Congo
 * River Alliance", "Congo Research Group", "Sun City Agreement") do not. */
#include "kivumap/geoparse.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "util.h"

/* Beyond this, an anchor counts the same for every candidate. */
#define NEIGHBOUR_CAP_KM 250.0
/* Other mentions are consulted this far on either side (in mention count):
 * a whole news article, while a 60 MB text stays linear. */
#define NEIGHBOUR_WINDOW 200u

/* Per place, hashes of the folded name, admin2 and admin1 (0 = empty), so
 * that "lies in" tests compare numbers. */
typedef struct place_keys {
    uint64_t name, admin2, admin1;
    int north_kivu;
    double cos_lat; /* for distances from the place as an anchor */
} place_keys;

struct kvm_geoparser {
    const kvm_gazetteer *gaz;
    kvm_matcher *matcher;
    place_keys *keys;
    const kvm_place **places; /* [gazetteer index], borrowed from gaz */
};

static uint64_t folded_hash(const char *s)
{
    char buf[256];
    size_t n = kvm_match_fold(s, strlen(s), buf, sizeof buf);
    if (n >= sizeof buf)
        n = sizeof buf - 1;
    if (n == 0)
        return 0;
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t k = 0; k < n; k++) {
        h ^= (unsigned char)buf[k];
        h *= 1099511628211ull;
    }
    return h ? h : 1;
}

void kvm_mention_list_free(kvm_mention_list *list)
{
    if (!list)
        return;
    free(list->items);
    list->items = NULL;
    list->count = 0;
    list->capacity = 0;
}

kvm_status kvm_geoparser_new(const kvm_gazetteer *gaz, kvm_geoparser **pparser, kvm_error *err)
{
    *pparser = NULL;
    kvm_geoparser *gp = calloc(1, sizeof *gp);
    if (!gp)
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
    gp->gaz = gaz;
    kvm_status st = kvm_matcher_new(gaz, &gp->matcher, err);
    if (st != KVM_OK) {
        free(gp);
        return st;
    }
    size_t n = kvm_gazetteer_count(gaz);
    gp->keys = kvm_alloc_array(n, sizeof *gp->keys);
    gp->places = kvm_alloc_array(n, sizeof *gp->places);
    if (!gp->keys || !gp->places) {
        kvm_geoparser_free(gp);
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
    }
    uint64_t north_kivu = folded_hash("North Kivu");
    for (size_t i = 0; i < n; i++) {
        const kvm_place *p = kvm_gazetteer_place(gaz, i);
        gp->places[i] = p;
        place_keys *k = &gp->keys[i];
        k->name = folded_hash(p->name);
        k->admin2 = folded_hash(p->admin2);
        k->admin1 = folded_hash(p->admin1);
        k->north_kivu = k->admin1 == north_kivu || strcmp(p->id, "north-kivu") == 0;
        k->cos_lat = cos(p->lat * (3.14159265358979323846 / 180.0));
    }
    *pparser = gp;
    return KVM_OK;
}

void kvm_geoparser_free(kvm_geoparser *parser)
{
    if (!parser)
        return;
    kvm_matcher_free(parser->matcher);
    free(parser->keys);
    free(parser->places);
    free(parser);
}

/* ---- Words around a mention --------------------------------------------- */

static int is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

/* A word: [start, end) of letters/digits (non-ASCII bytes count as letters,
 * except the typographic quotes and dashes tested separately). */
typedef struct word {
    size_t start, end;
} word;

/* Length of a typographic dash or apostrophe ending at t[pos-1], else 0. */
static size_t punct3_before(const char *t, size_t pos)
{
    if (pos < 3)
        return 0;
    const unsigned char *s = (const unsigned char *)t + pos - 3;
    if (s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0x93 || s[2] == 0x94 || s[2] == 0x99))
        return 3;
    return 0;
}

static size_t punct3_at(const char *t, size_t len, size_t pos)
{
    if (pos + 3 > len)
        return 0;
    const unsigned char *s = (const unsigned char *)t + pos;
    if (s[0] == 0xE2 && s[1] == 0x80 &&
        (s[2] == 0x93 || s[2] == 0x94 || s[2] == 0x99 || s[2] == 0x9D || s[2] == 0x9C))
        return 3;
    return 0;
}

/* Length of an apostrophe (' or ’) ending at t[pos-1], else 0. */
static size_t apostrophe_before(const char *t, size_t pos)
{
    if (pos >= 1 && t[pos - 1] == '\'')
        return 1;
    if (pos >= 3 && (unsigned char)t[pos - 3] == 0xE2 && (unsigned char)t[pos - 2] == 0x80 &&
        (unsigned char)t[pos - 1] == 0x99)
        return 3;
    return 0;
}

/* The word ending right before pos after skipping spaces; 0 if the byte
 * before is not a word character. */
static int word_before(const char *t, size_t pos, word *w)
{
    while (pos > 0 && is_space((unsigned char)t[pos - 1]))
        pos--;
    if (pos == 0 || !is_word_byte((unsigned char)t[pos - 1]) || punct3_before(t, pos))
        return 0;
    size_t s = pos;
    /* ASCII letters and digits first: the typographic marks end in a byte
     * >= 0x80. */
    while (s > 0) {
        unsigned char c = (unsigned char)t[s - 1];
        if (c < 0x80 ? !is_word_byte(c) : punct3_before(t, s) != 0)
            break;
        s--;
    }
    w->start = s;
    w->end = pos;
    return 1;
}

/* The word starting right after pos after skipping spaces. */
static int word_after(const char *t, size_t len, size_t pos, word *w)
{
    while (pos < len && is_space((unsigned char)t[pos]))
        pos++;
    if (pos >= len || !is_word_byte((unsigned char)t[pos]) || punct3_at(t, len, pos))
        return 0;
    size_t e = pos;
    while (e < len) {
        unsigned char c = (unsigned char)t[e];
        if (c < 0x80 ? !is_word_byte(c) : (c == 0xE2 && punct3_at(t, len, e) != 0))
            break;
        e++;
    }
    w->start = pos;
    w->end = e;
    return 1;
}

static int word_is(const char *t, word w, const char *lower)
{
    size_t n = w.end - w.start, k = 0;
    for (; k < n && lower[k]; k++) {
        char c = t[w.start + k];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != lower[k])
            return 0;
    }
    return k == n && lower[k] == '\0';
}

static int word_in(const char *t, word w, const char *const *list)
{
    for (size_t k = 0; list[k]; k++)
        if (word_is(t, w, list[k]))
            return 1;
    return 0;
}

static int word_capitalised(const char *t, word w)
{
    return t[w.start] >= 'A' && t[w.start] <= 'Z';
}

/* ---- Not-a-place uses ----------------------------------------------------- */

/* A capitalised word right before the name that makes it a brand or title. */
static const char *const brand_before[] = {"hotel", "radio",     "top",   "fleuve", "air",
                                           "club",  "operation", "hôtel", NULL};
/* A capitalised word in the next three that makes the name part of an
 * organisation, a publication or an agreement. */
static const char *const organisation_after[] = {
    "alliance",   "research",    "group",        "times",     "post",    "herald",
    "tribune",    "airways",     "airlines",     "air",       "fm",      "party",
    "movement",   "front",       "agreement",    "accord",    "accords", "declaration",
    "football",   "federation",  "foundation",   "institute", "company", "ltd",
    "inc",        "corporation", "bank",         "board",     "bureau",  "commission",
    "council",    "force",       "forces",       "army",      "league",  "association",
    "television", "tv",          "broadcasting", "news",      "daily",   "monitor",
    "observer",   "telegraph",   "journal",      "magazine",  "review",  "network",
    NULL};

static int is_organisation_use(const char *t, size_t len, size_t start, size_t end)
{
    word w;
    if (word_before(t, start, &w) && word_capitalised(t, w) && word_in(t, w, brand_before) &&
        w.end == start - 1)
        return 1;
    size_t pos = end;
    for (int k = 0; k < 3; k++) {
        /* only spaces between the words of a name */
        if (pos >= len || t[pos] != ' ')
            return 0;
        if (!word_after(t, len, pos, &w) || w.start != pos + 1 || !word_capitalised(t, w))
            return 0;
        if (word_in(t, w, organisation_after))
            return 1;
        pos = w.end;
    }
    return 0;
}

/* ---- Kind words ----------------------------------------------------------- */

typedef struct kind_word {
    const char *word;
    kvm_place_kind kind;
    int plural;
} kind_word;

static const kind_word kind_words[] = {
    {"territory", KVM_KIND_TERRITORY, 0},
    {"territories", KVM_KIND_TERRITORY, 1},
    {"territoire", KVM_KIND_TERRITORY, 0},
    {"province", KVM_KIND_PROVINCE, 0},
    {"provinces", KVM_KIND_PROVINCE, 1},
    {"town", KVM_KIND_TOWN, 0},
    {"towns", KVM_KIND_TOWN, 1},
    {"city", KVM_KIND_CITY, 0},
    {"cities", KVM_KIND_CITY, 1},
    {"ville", KVM_KIND_CITY, 0},
    {"village", KVM_KIND_VILLAGE, 0},
    {"villages", KVM_KIND_VILLAGE, 1},
    {"locality", KVM_KIND_VILLAGE, 0},
    {"localities", KVM_KIND_VILLAGE, 1},
    {"camp", KVM_KIND_CAMP, 0},
    {"camps", KVM_KIND_CAMP, 1},
    {"lake", KVM_KIND_LAKE, 0},
    {"lac", KVM_KIND_LAKE, 0},
    {"river", KVM_KIND_RIVER, 0},
    {"park", KVM_KIND_PARK, 0},
    {"volcano", KVM_KIND_MOUNTAIN, 0},
    {"mount", KVM_KIND_MOUNTAIN, 0},
    {"mountain", KVM_KIND_MOUNTAIN, 0},
    {"mont", KVM_KIND_MOUNTAIN, 0},
    {"country", KVM_KIND_COUNTRY, 0},
    {"countries", KVM_KIND_COUNTRY, 1},
};

static const kind_word *find_kind_word(const char *t, word w)
{
    for (size_t k = 0; k < sizeof kind_words / sizeof kind_words[0]; k++)
        if (word_is(t, w, kind_words[k].word))
            return &kind_words[k];
    return NULL;
}

static int kind_is_settlement_word(kvm_place_kind kind)
{
    return kind == KVM_KIND_TOWN || kind == KVM_KIND_CITY || kind == KVM_KIND_VILLAGE;
}

/* The kind stated right before a name (or before the first name of a list):
 * "the town of X", "territories: X", "cities—X", "Lake X", "towns such as
 * X".  KVM_KIND_UNKNOWN if none. */
static kvm_place_kind kind_before(const char *t, size_t start)
{
    size_t pos = start;
    while (pos > 0 && is_space((unsigned char)t[pos - 1]))
        pos--;
    int punct = 0;
    if (pos > 0 && t[pos - 1] == ':') {
        pos--;
        punct = 1;
    } else if (punct3_before(t, pos) && (unsigned char)t[pos - 1] != 0x99) {
        pos -= 3; /* en or em dash */
        punct = 1;
    }
    word w1, w2, w3;
    if (!word_before(t, pos, &w1))
        return KVM_KIND_UNKNOWN;
    const kind_word *kw = find_kind_word(t, w1);
    if (kw) {
        if (punct)
            return kw->kind;
        /* "Lake Kivu", "Mount X", "the border town Bunagana" */
        if (!kw->plural && (kw->kind == KVM_KIND_LAKE || kw->kind == KVM_KIND_MOUNTAIN ||
                            kind_is_settlement_word(kw->kind)))
            return kw->kind;
        return KVM_KIND_UNKNOWN;
    }
    if (punct)
        return KVM_KIND_UNKNOWN;
    static const char *const linkers[] = {"of", "de", "du", "des", "including", "like", NULL};
    if (word_in(t, w1, linkers)) {
        if (word_before(t, w1.start, &w2) && (kw = find_kind_word(t, w2)) != NULL)
            return kw->kind;
        return KVM_KIND_UNKNOWN;
    }
    if (word_is(t, w1, "as") && word_before(t, w1.start, &w2) && word_is(t, w2, "such") &&
        word_before(t, w2.start, &w3) && (kw = find_kind_word(t, w3)) != NULL)
        return kw->kind;
    return KVM_KIND_UNKNOWN;
}

/* The kind word right after a name: "Masisi territory", "Masisi town";
 * *pplural tells "Masisi and Rutshuru territories". */
static kvm_place_kind kind_after(const char *t, size_t len, size_t end, int *pplural)
{
    word w;
    *pplural = 0;
    if (!word_after(t, len, end, &w))
        return KVM_KIND_UNKNOWN;
    const kind_word *kw = find_kind_word(t, w);
    if (!kw || kw->kind == KVM_KIND_LAKE || kw->kind == KVM_KIND_COUNTRY)
        return KVM_KIND_UNKNOWN;
    *pplural = kw->plural;
    return kw->kind;
}

/* ---- Working state -------------------------------------------------------- */

typedef struct work {
    size_t start, end;
    uint32_t *cands; /* remaining candidates (gazetteer indices), into the pool */
    size_t cand_offset;
    size_t n_cands;
    size_t n_total; /* candidates sharing the name */
    const char *method;
    double confidence;
    int rejected;
    int strong;    /* resolved by a rule in strong_method() */
    uint32_t only; /* the candidate, when the name has one (cands points here) */
    int list_prev; /* previous item of a list "A, B and C", or -1 */
    int list_next;
} work;

typedef struct anchor anchor;

typedef struct state {
    const kvm_geoparser *gp;
    const char *text;
    size_t len;
    work *items;
    size_t n;
    anchor *anchors; /* resolved settlements, in text order */
    size_t n_anchors, cap_anchors;
    /* (place, mention) of the mentions resolved by a strong rule to one
     * place, sorted: the same-article step looks places up here. */
    struct strong_ref *strong;
    size_t n_strong;
    size_t n_ambiguous; /* mentions whose name several places share */
} state;

static const kvm_place *place_at(const state *s, uint32_t index)
{
    return s->gp->places[index];
}

/* The rules that state the place explicitly, which later mentions of the
 * name follow (same-article). */
static int strong_method(const char *method)
{
    return method && (strcmp(method, "unique") == 0 || strcmp(method, "kind-word") == 0 ||
                      strcmp(method, "qualifier") == 0);
}

static void resolve(work *w, const char *method, double confidence)
{
    w->method = method;
    w->confidence = confidence;
    w->strong = strong_method(method);
}

static int is_resolved(const work *w)
{
    return w->method != NULL;
}

/* Keeps the candidates satisfying keep(); no change if none would remain.
 * Returns the number kept (0 = unchanged). */
typedef int (*keep_fn)(const state *s, uint32_t place, const void *ctx);

static size_t filter(const state *s, work *w, keep_fn keep, const void *ctx)
{
    size_t kept = 0;
    for (size_t k = 0; k < w->n_cands; k++)
        if (keep(s, w->cands[k], ctx))
            kept++;
    if (kept == 0 || kept == w->n_cands)
        return kept == w->n_cands ? kept : 0;
    size_t o = 0;
    for (size_t k = 0; k < w->n_cands; k++)
        if (keep(s, w->cands[k], ctx))
            w->cands[o++] = w->cands[k];
    w->n_cands = o;
    return o;
}

/* Gap between two mentions that makes them items of one list: spaces,
 * commas and at most one "and"/"or"/"et"/"&". */
static int is_list_gap(const char *t, size_t from, size_t to)
{
    int words = 0, commas = 0;
    size_t i = from;
    while (i < to) {
        unsigned char c = (unsigned char)t[i];
        if (c == ' ') {
            i++;
        } else if (c == ',') {
            commas++;
            i++;
        } else if (c == '&') {
            words++;
            i++;
        } else if (is_word_byte(c)) {
            word w;
            unsigned char lc = (unsigned char)(c | 0x20);
            if (lc != 'a' && lc != 'o' && lc != 'e')
                return 0; /* not "and", "or", "et": most gaps end here */
            if (!word_after(t, to, i, &w))
                return 0;
            if (!(word_is(t, w, "and") || word_is(t, w, "or") || word_is(t, w, "et")))
                return 0;
            words++;
            i = w.end;
        } else {
            return 0;
        }
    }
    return (words <= 1 && commas <= 1) && (words + commas >= 1);
}

/* ---- Resolution steps ----------------------------------------------------- */

static int keep_kind(const state *s, uint32_t index, const void *ctx)
{
    const kvm_place *p = place_at(s, index);
    return p->kind == *(const kvm_place_kind *)ctx;
}

static int keep_settlement(const state *s, uint32_t index, const void *ctx)
{
    const kvm_place *p = place_at(s, index);
    (void)ctx;
    return kvm_place_kind_is_settlement(p->kind);
}

static void resolve_by_kind_words(state *s, size_t i)
{
    work *w = &s->items[i];
    size_t head = i, tail = i;
    while (s->items[head].list_prev >= 0)
        head = (size_t)s->items[head].list_prev;
    while (s->items[tail].list_next >= 0)
        tail = (size_t)s->items[tail].list_next;
    int plural = 0;
    kvm_place_kind kind = kind_after(s->text, s->len, w->end, &plural);
    if (kind == KVM_KIND_UNKNOWN && tail != i) {
        kind = kind_after(s->text, s->len, s->items[tail].end, &plural);
        if (!plural)
            kind = KVM_KIND_UNKNOWN;
    }
    if (kind == KVM_KIND_UNKNOWN)
        kind = kind_before(s->text, s->items[head].start);
    if (kind == KVM_KIND_UNKNOWN)
        return;
    size_t kept = filter(s, w, keep_kind, &kind);
    if (kept == 0 && kind_is_settlement_word(kind))
        kept = filter(s, w, keep_settlement, NULL);
    if (w->n_cands == 1 && kept > 0)
        resolve(w, "kind-word", 0.9);
}

/* Demonyms and country names for qualifiers ("the Ugandan town of X"). */
typedef struct demonym {
    const char *word;
    const char *iso;
} demonym;

static const demonym demonyms[] = {
    {"congolese", "CD"}, {"rwandan", "RW"}, {"rwandese", "RW"}, {"ugandan", "UG"},
    {"burundian", "BI"}, {"burundi", "BI"}, {"kenyan", "KE"},   {"angolan", "AO"},
    {"tanzanian", "TZ"}, {"zambian", "ZM"}, {"uganda", "UG"},   {"rwanda", "RW"},
    {"congo", "CD"},     {"kenya", "KE"},   {"tanzania", "TZ"}, {"angola", "AO"},
};

static const char *demonym_iso(const char *t, word w)
{
    for (size_t k = 0; k < sizeof demonyms / sizeof demonyms[0]; k++)
        if (word_is(t, w, demonyms[k].word))
            return demonyms[k].iso;
    return NULL;
}

static int keep_country(const state *s, uint32_t index, const void *ctx)
{
    const kvm_place *p = place_at(s, index);
    return strcmp(p->country, (const char *)ctx) == 0;
}

static int keep_not_country(const state *s, uint32_t index, const void *ctx)
{
    const kvm_place *p = place_at(s, index);
    return strcmp(p->country, (const char *)ctx) != 0;
}

/* 1 if place `index` lies inside place `area` (a territory, province or
 * country). */
static int lies_in(const state *s, uint32_t index, uint32_t area)
{
    if (index == area)
        return 0;
    const place_keys *pk = &s->gp->keys[index], *ak = &s->gp->keys[area];
    const kvm_place *a = place_at(s, area);
    switch (a->kind) {
    case KVM_KIND_TERRITORY:
        return pk->admin2 != 0 && pk->admin2 == ak->name;
    case KVM_KIND_PROVINCE:
        return pk->admin1 != 0 && pk->admin1 == ak->name;
    case KVM_KIND_COUNTRY: {
        const kvm_place *p = place_at(s, index);
        return p->country[0] && strcmp(p->country, a->country) == 0;
    }
    default:
        return 0;
    }
}

typedef struct within_ctx {
    const work *area;
} within_ctx;

static int keep_within(const state *s, uint32_t index, const void *ctx)
{
    const within_ctx *c = ctx;
    for (size_t k = 0; k < c->area->n_cands; k++)
        if (lies_in(s, index, c->area->cands[k]))
            return 1;
    return 0;
}

/* "the Ugandan town of X", "the Congolese border town of X", "Uganda's
 * town of X": a country stated with the kind word.  Runs before the kind
 * words, which would otherwise pick by kind alone. */
static void resolve_by_demonym(state *s, size_t i)
{
    work *w = &s->items[i];
    const char *t = s->text;
    word a, b, c;
    size_t pos = w->start;
    if (word_before(t, pos, &a) && word_is(t, a, "of"))
        pos = a.start;
    if (!word_before(t, pos, &a) || !find_kind_word(t, a) || !word_before(t, a.start, &b))
        return;
    if (word_is(t, b, "border") && word_before(t, b.start, &c))
        b = c;
    if (word_is(t, b, "s") && apostrophe_before(t, b.start) &&
        word_before(t, b.start - apostrophe_before(t, b.start), &c))
        b = c; /* "Uganda's" */
    const char *iso = demonym_iso(t, b);
    if (iso && filter(s, w, keep_country, iso) > 0 && w->n_cands == 1)
        resolve(w, "qualifier", 0.85);
}

/* "X, in Masisi", "X in Rutshuru territory", "X (Lubero)", "X, Uganda". */
static int qualifier_gap(const char *t, size_t from, size_t to)
{
    if (to - from > 48)
        return 0;
    static const char *const words[] = {"in", "of", "the", "de", "du", "en", NULL};
    /* an apposition after a comma: "X, the administrative centre of Y" */
    static const char *const apposition[] = {"administrative", "provincial", "main", "centre",
                                             "center", "capital", "seat", "headquarters",
                                             NULL};
    size_t i = from;
    int seen = 0, comma = 0, long_words = 0;
    while (i < to) {
        unsigned char c = (unsigned char)t[i];
        if (c == ' ' || c == ',' || c == '(') {
            seen += c != ' ';
            comma |= c == ',';
            i++;
            continue;
        }
        word w;
        if (!is_word_byte(c) || !word_after(t, to, i, &w))
            return 0;
        if (!word_in(t, w, words)) {
            if (!comma || !word_in(t, w, apposition))
                return 0;
            long_words = 1;
        }
        seen++;
        i = w.end;
    }
    if (!long_words && to - from > 24)
        return 0;
    return seen > 0;
}

static void resolve_by_qualifiers(state *s, size_t i)
{
    work *w = &s->items[i];
    const char *t = s->text;
    /* A following area that contains one of the candidates. */
    if (i + 1 < s->n && !s->items[i + 1].rejected &&
        qualifier_gap(t, w->end, s->items[i + 1].start)) {
        within_ctx ctx = {&s->items[i + 1]};
        if (filter(s, w, keep_within, &ctx) > 0 && w->n_cands == 1) {
            resolve(w, "qualifier", 0.85);
            return;
        }
    }
    /* "X, on the Ugandan border", "X, near the border with Uganda": a
     * place on this side of that border. */
    size_t end = w->end + 48 < s->len ? w->end + 48 : s->len;
    for (size_t k = w->end; k < end; k++) {
        if (t[k] == '.' || t[k] == '\n')
            break;
        if ((t[k] == 'b' || t[k] == 'B') && k + 6 <= s->len &&
            strncmp(t + k + 1, "order", 5) == 0) {
            word d;
            const char *iso = NULL;
            if (word_before(t, k, &d))
                iso = demonym_iso(t, d);
            if (!iso && word_after(t, s->len, k + 6, &d) && word_is(t, d, "with") &&
                word_after(t, s->len, d.end, &d))
                iso = demonym_iso(t, d);
            if (iso && filter(s, w, keep_not_country, iso) > 0 && w->n_cands == 1) {
                resolve(w, "qualifier", 0.8);
                return;
            }
            break;
        }
    }
}

/* One sense per article: a bare name takes the place that the first
 * explicit mention of it in the article chose ("the Congolese border town of
 * Bunagana" ... "Bunagana"; "Walikale territory" ... "in Walikale").  The
 * first rather than the nearest: on the hand-annotated corpus the article's
 * opening sense is the one writers keep.  Failing that, an item of a list
 * takes the kind of a resolved sibling ("in Masisi and Rutshuru" once
 * Rutshuru is known to be the territory). */
struct strong_ref {
    uint32_t place;
    size_t mention;
};

static int compare_strong_refs(const void *a, const void *b)
{
    const struct strong_ref *x = a, *y = b;
    if (x->place != y->place)
        return x->place < y->place ? -1 : 1;
    return x->mention < y->mention ? -1 : (x->mention > y->mention ? 1 : 0);
}

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : (x > y ? 1 : 0);
}

static int contains_u32(const uint32_t *sorted, size_t n, uint32_t v)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sorted[mid] < v)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && sorted[lo] == v;
}

/* Indexes the mentions resolved by a strong rule to one place that some
 * unresolved mention could take (fixed while the same-article step runs:
 * it resolves nothing strongly). */
static int collect_strong(state *s)
{
    s->n_strong = 0;
    size_t n_wanted = 0;
    for (size_t j = 0; j < s->n; j++)
        if (!is_resolved(&s->items[j]))
            n_wanted += s->items[j].n_cands;
    if (n_wanted == 0)
        return 0;
    uint32_t *wanted = kvm_alloc_array(n_wanted, sizeof *wanted);
    s->strong = kvm_alloc_array(s->n, sizeof *s->strong);
    if (!wanted || !s->strong) {
        free(wanted);
        return -1;
    }
    n_wanted = 0;
    for (size_t j = 0; j < s->n; j++) {
        const work *o = &s->items[j];
        if (!is_resolved(o)) {
            memcpy(wanted + n_wanted, o->cands, o->n_cands * sizeof *wanted);
            n_wanted += o->n_cands;
        }
    }
    qsort(wanted, n_wanted, sizeof *wanted, compare_u32);
    for (size_t j = 0; j < s->n; j++) {
        const work *o = &s->items[j];
        if (o->n_cands == 1 && o->strong && contains_u32(wanted, n_wanted, o->cands[0])) {
            s->strong[s->n_strong].place = o->cands[0];
            s->strong[s->n_strong].mention = j;
            s->n_strong++;
        }
    }
    free(wanted);
    qsort(s->strong, s->n_strong, sizeof *s->strong, compare_strong_refs);
    return 0;
}

/* The first mention in [from, to) strongly resolved to `place`, or
 * SIZE_MAX. */
static size_t first_strong(const state *s, uint32_t place, size_t from, size_t to)
{
    size_t lo = 0, hi = s->n_strong;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct strong_ref *r = &s->strong[mid];
        if (r->place < place || (r->place == place && r->mention < from))
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < s->n_strong && s->strong[lo].place == place && s->strong[lo].mention < to)
        return s->strong[lo].mention;
    return SIZE_MAX;
}

static void resolve_by_same_article(state *s, size_t i)
{
    work *w = &s->items[i];
    size_t from = i > NEIGHBOUR_WINDOW ? i - NEIGHBOUR_WINDOW : 0;
    size_t to = s->n - i > NEIGHBOUR_WINDOW ? i + NEIGHBOUR_WINDOW : s->n;
    size_t best_rank = SIZE_MAX; /* index of the first explicit mention */
    uint32_t best = 0;
    /* (mention i itself is unresolved here, so never in the index) */
    for (size_t k = 0; k < w->n_cands; k++) {
        size_t rank = first_strong(s, w->cands[k], from, to);
        if (rank < best_rank) {
            best_rank = rank;
            best = w->cands[k];
        }
    }
    if (best_rank != SIZE_MAX) {
        w->cands[0] = best;
        w->n_cands = 1;
        resolve(w, "same-article", 0.8);
        return;
    }
    for (int dir = 0; dir < 2; dir++) {
        int j = dir == 0 ? w->list_prev : w->list_next;
        for (; j >= 0; j = dir == 0 ? s->items[j].list_prev : s->items[j].list_next) {
            const work *o = &s->items[j];
            if (!is_resolved(o) || o->n_cands != 1)
                continue;
            kvm_place_kind kind = place_at(s, o->cands[0])->kind;
            if (filter(s, w, keep_kind, &kind) > 0 && w->n_cands == 1) {
                resolve(w, "same-article", 0.75);
                return;
            }
        }
    }
}

static void resolve_settlement_first(state *s, size_t i)
{
    work *w = &s->items[i];
    filter(s, w, keep_settlement, NULL);
    if (w->n_cands == 1)
        resolve(w, "settlement-first", 0.75);
}

/* A place resolved before the neighbours step, as a reference point. */
struct anchor {
    size_t mention; /* index in state.items */
    double lat, lon, cos_lat;
};

/* Equirectangular distance in km: within the few hundred km that matter
 * here it ranks candidates like the geodesic does, without trigonometry
 * per pair. */
static double approx_km(const anchor *a, const kvm_place *p)
{
    double dy = (p->lat - a->lat) * 110.57;
    double dx = (p->lon - a->lon) * 111.32 * a->cos_lat;
    return sqrt(dx * dx + dy * dy);
}

/* Places whose position means something to a neighbour: settlements and
 * peaks.  Not areas: a territory's centroid can lie 50 km from anything the
 * article is about, and lists of territories would pull every choice. */
static int is_local_anchor(kvm_place_kind kind)
{
    return kvm_place_kind_is_settlement(kind) || kind == KVM_KIND_MOUNTAIN;
}

static int collect_anchors(state *s)
{
    s->n_anchors = 0;
    if (kvm_grow((void **)&s->anchors, &s->cap_anchors, s->n, sizeof *s->anchors) != 0)
        return -1;
    for (size_t j = 0; j < s->n; j++) {
        const work *o = &s->items[j];
        if (o->n_cands != 1 || !is_resolved(o))
            continue;
        const kvm_place *a = place_at(s, o->cands[0]);
        if (!is_local_anchor(a->kind))
            continue;
        anchor *an = &s->anchors[s->n_anchors++];
        an->mention = j;
        an->lat = a->lat;
        an->lon = a->lon;
        an->cos_lat = s->gp->keys[o->cands[0]].cos_lat;
    }
    return 0;
}

/* First anchor whose mention index is >= m. */
static size_t anchor_lower_bound(const state *s, size_t m)
{
    size_t lo = 0, hi = s->n_anchors;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->anchors[mid].mention < m)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* 1 if anchor a lies within NEIGHBOUR_CAP_KM of some candidate of w. */
static int anchor_is_near(const state *s, const work *w, const anchor *a)
{
    for (size_t k = 0; k < w->n_cands; k++)
        if (approx_km(a, place_at(s, w->cands[k])) < NEIGHBOUR_CAP_KM)
            return 1;
    return 0;
}

/* Spatial minimality: the candidate with the smallest summed distance to
 * the article's places resolved by the earlier steps.  Anchors far from
 * every candidate (a capital 1,500 km away) are left out: they say nothing
 * about which of two villages 40 km apart is meant. */
static void resolve_by_neighbours(state *s, size_t i)
{
    work *w = &s->items[i];
    for (size_t k = 0; k < w->n_cands; k++)
        if (!kvm_place_kind_is_settlement(place_at(s, w->cands[k])->kind) &&
            place_at(s, w->cands[k])->kind != KVM_KIND_MOUNTAIN)
            return; /* areas: their centroids say little */
    size_t from = anchor_lower_bound(s, i > NEIGHBOUR_WINDOW ? i - NEIGHBOUR_WINDOW : 0);
    size_t to = anchor_lower_bound(s, i + NEIGHBOUR_WINDOW);
    double best = INFINITY, second = INFINITY;
    size_t best_k = 0;
    /* Which anchors count does not depend on the candidate: one pass over
     * the anchors sums for up to BLOCK candidates at once. */
    enum { BLOCK = 32 };
    for (size_t k0 = 0; k0 < w->n_cands; k0 += BLOCK) {
        size_t kn = w->n_cands - k0 < BLOCK ? w->n_cands - k0 : BLOCK;
        double sums[BLOCK] = {0};
        size_t used = 0;
        for (size_t j = from; j < to; j++) {
            const anchor *a = &s->anchors[j];
            if (a->mention == i || !anchor_is_near(s, w, a))
                continue;
            used++;
            for (size_t k = 0; k < kn; k++) {
                double d = approx_km(a, place_at(s, w->cands[k0 + k]));
                sums[k] += d < NEIGHBOUR_CAP_KM ? d : NEIGHBOUR_CAP_KM;
            }
        }
        if (used == 0)
            return;
        for (size_t k = 0; k < kn; k++) {
            double sum = sums[k];
            if (sum < best) {
                second = best;
                best = sum;
                best_k = k0 + k;
            } else if (sum < second) {
                second = sum;
            }
        }
    }
    w->cands[0] = w->cands[best_k];
    w->n_cands = 1;
    double margin = second > 0 && isfinite(second) ? 1.0 - best / second : 0.0;
    resolve(w, "neighbours", 0.6 + 0.3 * margin);
}

static int keep_north_kivu(const state *s, uint32_t index, const void *ctx)
{
    (void)ctx;
    return s->gp->keys[index].north_kivu;
}

static void resolve_by_prior(state *s, size_t i)
{
    work *w = &s->items[i];
    if (filter(s, w, keep_north_kivu, NULL) == 0)
        filter(s, w, keep_country, "CD");
    if (w->n_cands == 1)
        resolve(w, "north-kivu-prior", 0.6);
}

static void resolve_by_population(state *s, size_t i)
{
    work *w = &s->items[i];
    size_t best = 0;
    for (size_t k = 1; k < w->n_cands; k++) {
        const kvm_place *a = place_at(s, w->cands[k]), *b = place_at(s, w->cands[best]);
        int better = a->population != b->population ? a->population > b->population
                                                    : strcmp(a->id, b->id) < 0;
        if (better)
            best = k;
    }
    w->cands[0] = w->cands[best];
    w->n_cands = 1;
    resolve(w, "population", 0.5);
}

/* ---- The pipeline --------------------------------------------------------- */

static kvm_status find_mentions(const kvm_geoparser *gp, state *s, uint32_t **ppool, work **pitems,
                                size_t *pcap, kvm_error *err)
{
    size_t pool_len = 0, pool_cap = 0;
    size_t pos = 0;
    kvm_match m;
    while (kvm_matcher_next(gp->matcher, s->text, s->len, &pos, KVM_MATCH_NEED_CAPITAL, &m)) {
        if (is_organisation_use(s->text, s->len, m.start, m.end))
            continue;
        const uint32_t *cands;
        size_t nc = kvm_matcher_candidates(gp->matcher, m.entry, &cands);
        if (nc == 0)
            continue;
        if (s->n == *pcap && kvm_grow((void **)pitems, pcap, s->n + 1, sizeof **pitems) != 0)
            return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
        work *w = &(*pitems)[s->n++];
        memset(w, 0, sizeof *w);
        w->start = m.start;
        w->end = m.end;
        w->n_cands = nc;
        w->n_total = nc;
        w->list_prev = w->list_next = -1;
        if (nc == 1) {
            /* most names: the candidate lives in the item */
            w->only = cands[0];
            w->cand_offset = SIZE_MAX;
            continue;
        }
        s->n_ambiguous++;
        if (kvm_grow((void **)ppool, &pool_cap, pool_len + nc, sizeof **ppool) != 0)
            return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
        memcpy(*ppool + pool_len, cands, nc * sizeof *cands);
        w->cand_offset = pool_len; /* the pool may still move */
        pool_len += nc;
    }
    for (size_t i = 0; i < s->n; i++) {
        work *w = &(*pitems)[i];
        w->cands = w->cand_offset == SIZE_MAX ? &w->only : *ppool + w->cand_offset;
    }
    return KVM_OK;
}

kvm_status kvm_geoparse(const kvm_geoparser *parser, const kvm_article *article,
                        kvm_mention_list *out, kvm_error *err)
{
    out->count = 0;
    state s;
    memset(&s, 0, sizeof s);
    s.gp = parser;
    s.text = kvm_article_text(article);
    s.len = kvm_article_length(article);
    uint32_t *pool = NULL;
    size_t cap = 0;
    kvm_status st = find_mentions(parser, &s, &pool, &s.items, &cap, err);
    if (st != KVM_OK)
        goto done;
    for (size_t i = 0; i < s.n; i++)
        if (s.items[i].n_cands == 1)
            resolve(&s.items[i], "unique", 0.95);
    if (s.n_ambiguous == 0)
        goto output; /* every name has one place: no context needed */
    for (size_t i = 0; i + 1 < s.n; i++)
        if (is_list_gap(s.text, s.items[i].end, s.items[i + 1].start)) {
            s.items[i].list_next = (int)(i + 1);
            s.items[i + 1].list_prev = (int)i;
        }
    for (size_t i = 0; i < s.n; i++)
        if (!is_resolved(&s.items[i]))
            resolve_by_demonym(&s, i);
    for (size_t i = 0; i < s.n; i++)
        if (!is_resolved(&s.items[i]))
            resolve_by_kind_words(&s, i);
    for (size_t i = 0; i < s.n; i++)
        if (!is_resolved(&s.items[i]))
            resolve_by_qualifiers(&s, i);
    if (collect_strong(&s) != 0) {
        st = kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < s.n; i++)
        if (!is_resolved(&s.items[i]))
            resolve_by_same_article(&s, i);
    for (size_t i = 0; i < s.n; i++)
        if (!is_resolved(&s.items[i]))
            resolve_settlement_first(&s, i);
    if (collect_anchors(&s) != 0) {
        st = kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < s.n; i++)
        if (!is_resolved(&s.items[i]))
            resolve_by_neighbours(&s, i);
    for (size_t i = 0; i < s.n; i++)
        if (!is_resolved(&s.items[i]))
            resolve_by_prior(&s, i);
    for (size_t i = 0; i < s.n; i++)
        if (!is_resolved(&s.items[i]))
            resolve_by_population(&s, i);

output:
    if (kvm_grow((void **)&out->items, &out->capacity, s.n, sizeof *out->items) != 0) {
        st = kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < s.n; i++) {
        const work *w = &s.items[i];
        kvm_mention *m = &out->items[out->count++];
        m->start = w->start;
        m->end = w->end;
        m->place = place_at(&s, w->cands[0]);
        m->n_candidates = w->n_total;
        m->method = w->method;
        m->confidence = w->confidence;
    }
done:
    free(s.items);
    free(s.anchors);
    free(s.strong);
    free(pool);
    return st;
}
