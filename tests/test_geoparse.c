/* Tests for geoparsing: the matcher (spans, folding, boundaries, longest
 * match), the not-a-place rules, every resolution method on short texts of
 * our own with a small test gazetteer (tests/geoparse/places.csv), and the
 * seed articles against SEEDS-EXPECTED.md with the bundled gazetteer. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kivumap/article.h"
#include "kivumap/gazetteer.h"
#include "kivumap/geoparse.h"
#include "match.h"
#include "testlib.h"

/* One expected mention: the n-th (0-based) occurrence of `surface` in the
 * text is a mention of place `id`, chosen by `method` (NULL: any). */
typedef struct expect {
    const char *surface;
    int occurrence;
    const char *id;
    const char *method;
} expect;

typedef struct text_case {
    const char *text;
    expect mentions[14];
} text_case;

static const text_case cases[] = {
    /* kind words; neighbours (Katale near Masisi and Sake) */
    {"Fighters entered the town of Masisi on Saturday, days after seizing Katale and "
     "moving on Sake.",
     {{"Masisi", 0, "masisi-town", "kind-word"},
      {"Katale", 0, "katale-masisi", "neighbours"},
      {"Sake", 0, "sake", "unique"}}},
    /* neighbours the other way: Katale among Rutshuru-side places */
    {"Shells fell on Kiwanja and Katale, north of Kibumba, as Rutshuru emptied.",
     {{"Kiwanja", 0, "kiwanja", "unique"},
      {"Katale", 0, "katale-rutshuru", "neighbours"},
      {"Kibumba", 0, "kibumba-nyiragongo", "neighbours"},
      {"Rutshuru", 0, "rutshuru-town", "settlement-first"}}},
    /* town then territory in one sentence; possessive forms */
    {"Masisi town is the seat of Masisi territory. Goma's airport and Goma’s port reopened.",
     {{"Masisi", 0, "masisi-town", "kind-word"},
      {"Masisi", 1, "masisi-territory", "kind-word"},
      {"Goma", 0, "goma", "unique"},
      {"Goma", 1, "goma", "unique"}}},
    /* lists carry a kind word */
    {"The province has five territories: Beni, Lubero, Masisi, Rutshuru, and Walikale. "
     "Its three cities\xE2\x80\x94Goma, Butembo and Beni\xE2\x80\x94grew fast. "
     "The rebels took the towns of Masisi and Rutshuru.",
     {{"Beni", 0, "beni-territory", "kind-word"},
      {"Lubero", 0, "lubero-territory", "kind-word"},
      {"Masisi", 0, "masisi-territory", "kind-word"},
      {"Rutshuru", 0, "rutshuru-territory", "kind-word"},
      {"Walikale", 0, "walikale-territory", "kind-word"},
      {"Goma", 0, "goma", "unique"},
      {"Butembo", 0, "butembo", "unique"},
      {"Beni", 1, "beni", "kind-word"},
      {"Masisi", 1, "masisi-town", "kind-word"},
      {"Rutshuru", 1, "rutshuru-town", "kind-word"}}},
    /* qualifiers: a containing territory, a country, a border */
    {"Kirumba, in Lubero territory, was calm. Traders left the Ugandan town of Bunagana "
     "for Bunagana, on the Ugandan border.",
     {{"Kirumba", 0, "kirumba-lubero", "qualifier"},
      {"Lubero", 0, "lubero-territory", "kind-word"},
      {"Bunagana", 0, "bunagana-uganda", "qualifier"},
      {"Bunagana", 1, "bunagana", "qualifier"}}},
    {"Kirumba (Rutshuru) was looted.",
     {{"Kirumba", 0, "kirumba-rutshuru", "qualifier"}, {"Rutshuru", 0, "rutshuru-town", NULL}}},
    /* French forms, accents, hyphens, multi-word names, longest match */
    {"Des combats au Nord-Kivu, près de Kitchanga et de Saké; Nord Kivu et Lac Kivu. "
     "BUKAVU and Kaléhé, too. North Kivu and Lake Kivu, not Kivu alone.",
     {{"Nord-Kivu", 0, "north-kivu", "unique"},
      {"Kitchanga", 0, "kitshanga", "unique"},
      {"Saké", 0, "sake", "unique"},
      {"Nord Kivu", 0, "north-kivu", "unique"},
      {"Lac Kivu", 0, "lake-kivu", "unique"},
      {"BUKAVU", 0, "bukavu", "unique"},
      {"Kaléhé", 0, "kalehe", "unique"},
      {"North Kivu", 0, "north-kivu", "unique"},
      {"Lake Kivu", 0, "lake-kivu", "unique"}}},
    /* countries, regions, adjectives; demonyms are not places */
    {"Congolese and Rwandan officials met in Kinshasa while Rwanda-backed fighters held "
     "parts of eastern Congo and the Democratic Republic of the Congo (DRC) protested. "
     "Uganda's army watched; Sake-based traders waited.",
     {{"Kinshasa", 0, "kinshasa", "unique"},
      {"Rwanda", 1, "rwanda", "unique"},
      {"eastern Congo", 0, "eastern-dr-congo", "unique"},
      {"Democratic Republic of the Congo", 0, "dr-congo", "unique"},
      {"DRC", 0, "dr-congo", "unique"},
      {"Uganda", 0, "uganda", "unique"},
      {"Sake", 0, "sake", "unique"}}},
    /* not places: brands, titles, organisations, agreements, common words */
    {"The Congo River Alliance spoke on Radio Okapi and Top Congo. 'Hotel Rwanda' aired "
     "again. The Sun City Agreement was cited. For the sake of peace, talks moved to Goma "
     "airport, then the University of Goma.",
     {{"Goma", 0, "goma", "unique"}, {"Goma", 1, "goma", "unique"}}},
    /* mountain vs territory, camps */
    {"Lava from Mount Nyiragongo reached Kanyaruchinya camp in Nyiragongo territory.",
     {{"Nyiragongo", 0, "nyiragongo-volcano", "kind-word"},
      {"Kanyaruchinya", 0, "kanyaruchinya", "unique"},
      {"Nyiragongo", 1, "nyiragongo-territory", "kind-word"}}},
    /* one sense per article; a demonym before the kind word wins over it */
    {"Rebels took the Congolese border town of Bunagana. Bunagana was empty by noon. "
     "Clashes spread across Walikale territory; in Walikale and Lubero, schools shut.",
     {{"Bunagana", 0, "bunagana", "qualifier"},
      {"Bunagana", 1, "bunagana", "same-article"},
      {"Walikale", 0, "walikale-territory", "kind-word"},
      {"Walikale", 1, "walikale-territory", "same-article"},
      {"Lubero", 0, "lubero-territory", "same-article"}}},
    /* priors */
    {"Kibumba was shelled.", {{"Kibumba", 0, "kibumba-nyiragongo", "north-kivu-prior"}}},
    {"Kirumba was quiet.", {{"Kirumba", 0, "kirumba-rutshuru", "population"}}},
    {"Walikale was quiet, Lubero too.",
     {{"Walikale", 0, "walikale-town", "settlement-first"},
      {"Lubero", 0, "lubero-town", "settlement-first"}}},
    /* line breaks inside a name; a paragraph break ends it */
    {"Fighting reached North\nKivu.\n\nNorth\n\nKivu",
     {{"North\nKivu", 0, "north-kivu", "unique"}}},
    {"", {{NULL, 0, NULL, NULL}}},
};

/* Offset of the n-th occurrence of needle in hay, or -1. */
static long occurrence(const char *hay, const char *needle, int n)
{
    const char *p = hay;
    for (;;) {
        const char *q = strstr(p, needle);
        if (!q)
            return -1;
        if (n-- == 0)
            return (long)(q - hay);
        p = q + 1;
    }
}

static kvm_gazetteer *load_test_gazetteer(void)
{
    kvm_gazetteer *gaz = kvm_gazetteer_new();
    kvm_error err = {0};
    kvm_status st =
        kvm_gazetteer_load_file(gaz, KVM_TEST_SOURCE_DIR "/tests/geoparse/places.csv", &err);
    CHECK_MSG(st == KVM_OK, "test gazetteer: %s", err.message);
    return gaz;
}

static void test_cases(void)
{
    kvm_gazetteer *gaz = load_test_gazetteer();
    kvm_geoparser *gp = NULL;
    kvm_error err = {0};
    CHECK(kvm_geoparser_new(gaz, &gp, &err) == KVM_OK);
    if (!gp) {
        kvm_gazetteer_free(gaz);
        return;
    }
    kvm_mention_list list = {0};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const text_case *tc = &cases[c];
        kvm_article *art = NULL;
        CHECK(kvm_article_from_buffer("case", tc->text, strlen(tc->text), &art, &err) == KVM_OK);
        if (!art)
            continue;
        CHECK(kvm_geoparse(gp, art, &list, &err) == KVM_OK);
        size_t want = 0;
        while (want < 14 && tc->mentions[want].surface)
            want++;
        CHECK_MSG(list.count == want, "case %zu: %zu mentions, expected %zu", c, list.count, want);
        for (size_t k = 0; k < list.count; k++) {
            const kvm_mention *m = &list.items[k];
            if (k >= want) {
                test_fail_at(__FILE__, __LINE__, "case %zu: extra mention '%.*s' -> %s", c,
                             (int)(m->end - m->start), tc->text + m->start, m->place->id);
                continue;
            }
            const expect *e = &tc->mentions[k];
            long at = occurrence(tc->text, e->surface, e->occurrence);
            CHECK_MSG(at >= 0 && m->start == (size_t)at &&
                          m->end == (size_t)at + strlen(e->surface),
                      "case %zu #%zu: span [%zu,%zu) '%.*s', expected '%s' at %ld", c, k, m->start,
                      m->end, (int)(m->end - m->start), tc->text + m->start, e->surface, at);
            CHECK_MSG(strcmp(m->place->id, e->id) == 0, "case %zu #%zu '%s': %s (%s), expected %s",
                      c, k, e->surface, m->place->id, m->method, e->id);
            if (e->method)
                CHECK_MSG(strcmp(m->method, e->method) == 0,
                          "case %zu #%zu '%s': method %s, expected %s", c, k, e->surface, m->method,
                          e->method);
            CHECK(m->confidence > 0.0 && m->confidence <= 1.0);
            CHECK(m->n_candidates >= 1);
        }
        kvm_article_free(art);
    }
    kvm_mention_list_free(&list);
    kvm_geoparser_free(gp);
    kvm_gazetteer_free(gaz);
}

/* The matcher alone: folding, boundaries, capitals, leftmost-longest. */
static void test_matcher(void)
{
    static const char *const names[] = {"Kivu",        "North Kivu",    "Lake Kivu", "Goma",
                                        "Saint-Louis", "Côte d'Ivoire", "Straße"};
    kvm_matcher *m = NULL;
    kvm_error err = {0};
    CHECK(kvm_matcher_new_names(names, sizeof names / sizeof names[0], &m, &err) == KVM_OK);
    if (!m)
        return;
    CHECK(kvm_matcher_name_count(m) == 7);
    static const struct {
        const char *text;
        unsigned flags;
        const char *expected; /* "start-end:index ..." */
    } scans[] = {
        {"North Kivu, Lake  Kivu and Kivu.", 0, "0-10:1 12-22:2 27-31:0"},
        {"Gomas Goma2 xGoma Goma_x Goma", 0, "18-22:3 25-29:3"},
        {"goma GOMA", KVM_MATCH_NEED_CAPITAL, "5-9:3"},
        {"goma", 0, "0-4:3"},
        {"Saint Louis, SAINT\xE2\x80\x93LOUIS", 0, "0-11:4 13-26:4"},
        {"la Cote d\xE2\x80\x99Ivoire; STRASSE", 0, "3-18:5 20-27:6"},
        {"North-Kivu\xE2\x80\x99s", 0, "0-10:1"},
        {"\xC3\x89Goma Goma\xC3\xA9 \xE4\xB8\x80Goma", 0, "17-21:3"},
        {"North", 0, ""},
        /* words longer than sixteen bytes are skipped whole, through
         * digits and non-ASCII letters */
        {"Gomaxxxxxxxxxxxxxxxxxxx Goma", 0, "24-28:3"},
        {"Kivuabcdefghijklmnopq\xC3\xA9Goma Goma", 0, "28-32:3"},
        {"Goma0123456789012345678 Goma;Kivu", 0, "24-28:3 29-33:0"},
    };
    for (size_t i = 0; i < sizeof scans / sizeof scans[0]; i++) {
        char got[256] = "";
        size_t used = 0, pos = 0;
        kvm_match mt;
        const char *t = scans[i].text;
        while (kvm_matcher_next(m, t, strlen(t), &pos, scans[i].flags, &mt)) {
            const uint32_t *idx;
            size_t n = kvm_matcher_candidates(m, mt.entry, &idx);
            used += (size_t)snprintf(got + used, sizeof got - used, "%s%zu-%zu:%u", used ? " " : "",
                                     mt.start, mt.end, n ? idx[0] : 99u);
        }
        CHECK_MSG(strcmp(got, scans[i].expected) == 0, "scan %zu: got '%s', expected '%s'", i, got,
                  scans[i].expected);
    }
    char folded[64];
    CHECK(kvm_match_fold("  Nord--Kivu\xE2\x80\x99s ", 17, folded, sizeof folded) == 11);
    CHECK_STR(folded, "nord kivu's");
    kvm_matcher_free(m);
}

/* Seeds (SEEDS-EXPECTED.md) with the bundled gazetteer. */
typedef struct seed_expect {
    const char *surface;
    int occurrence;
    const char *id; /* NULL: must not be a mention */
} seed_expect;

static const kvm_mention *mention_at(const kvm_mention_list *list, size_t start)
{
    for (size_t k = 0; k < list->count; k++)
        if (list->items[k].start == start)
            return &list->items[k];
    return NULL;
}

static void check_seed(const kvm_geoparser *gp, const char *file, const seed_expect *exp, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/seeds/%s", KVM_TEST_SHARED_DIR, file);
    kvm_article *art = NULL;
    kvm_error err = {0};
    CHECK_MSG(kvm_article_read_file(path, &art, &err) == KVM_OK, "%s", err.message);
    if (!art)
        return;
    kvm_mention_list list = {0};
    CHECK(kvm_geoparse(gp, art, &list, &err) == KVM_OK);
    const char *text = kvm_article_text(art);
    for (size_t i = 0; i < n; i++) {
        long at = occurrence(text, exp[i].surface, exp[i].occurrence);
        CHECK_MSG(at >= 0, "%s: '%s' #%d not in the text", file, exp[i].surface, exp[i].occurrence);
        if (at < 0)
            continue;
        const kvm_mention *m = mention_at(&list, (size_t)at);
        if (!exp[i].id) {
            CHECK_MSG(!m, "%s: '%s' #%d is not a place but matched %s", file, exp[i].surface,
                      exp[i].occurrence, m ? m->place->id : "");
            continue;
        }
        CHECK_MSG(m && strcmp(m->place->id, exp[i].id) == 0, "%s: '%s' #%d -> %s, expected %s",
                  file, exp[i].surface, exp[i].occurrence, m ? m->place->id : "(none)", exp[i].id);
    }
    kvm_mention_list_free(&list);
    kvm_article_free(art);
}

static void test_seeds(void)
{
    if (!test_dir_exists(KVM_TEST_SHARED_DIR "/seeds")) {
        printf("geoparse: seeds absent, skipped\n");
        return;
    }
    kvm_gazetteer *gaz = kvm_gazetteer_new();
    kvm_error err = {0};
    CHECK_MSG(kvm_gazetteer_load_bundled(gaz, &err) == KVM_OK, "%s", err.message);
    static const char *const needed[] = {
        "katale-masisi", "masisi-town", "masisi-territory", "goma",           "north-kivu",
        "dr-congo",      "rwanda",      "eastern-dr-congo", "beni-territory", "nairobi"};
    for (size_t k = 0; k < sizeof needed / sizeof needed[0]; k++)
        if (!kvm_gazetteer_find_id(gaz, needed[k])) {
            printf("geoparse: bundled gazetteer lacks '%s': seed checks skipped\n", needed[k]);
            kvm_gazetteer_free(gaz);
            return;
        }
    kvm_geoparser *gp = NULL;
    CHECK(kvm_geoparser_new(gaz, &gp, &err) == KVM_OK);
    if (!gp) {
        kvm_gazetteer_free(gaz);
        return;
    }
    static const seed_expect s0[] = {
        {"Rwandan", 0, NULL},
        {"Congolese", 0, NULL},
        {"eastern Democratic Republic of Congo", 0, "eastern-dr-congo"},
        {"DRC", 0, "dr-congo"},
        {"Rwanda.", 0, "rwanda"},
        {"eastern Congo", 0, "eastern-dr-congo"},
        {"Congo to", 0, "dr-congo"},
        {"Katale", 0, "katale-masisi"},
        {"Masisi", 0, "masisi-town"},
        {"Goma", 0, "goma"},
        {"North Kivu", 0, "north-kivu"},
        {"Uganda", 0, "uganda"},
        {"Uganda-based", 0, "uganda"},
        {"Rwanda's", 0, "rwanda"},
    };
    check_seed(gp, "000_f1d9bf3d554d052c.txt", s0, sizeof s0 / sizeof s0[0]);
    static const seed_expect s1[] = {
        {"Masisi", 0, "masisi-town"},
        {"Masisi", 1, "masisi-town"},
        {"Masisi territory", 0, "masisi-territory"},
        {"North Kivu", 0, "north-kivu"},
        {"Goma", 0, "goma"},
        {"Katale", 0, "katale-masisi"},
        {"Nairobi", 0, "nairobi"},
        {"Luanda", 0, "luanda"},
        {"Angola", 0, "angola"},
        {"Kinshasa", 0, "kinshasa"},
        {"Butembo", 0, "butembo"},
        {"Beni\xE2\x80\x94", 0, "beni"},
        {"Beni,", 0, "beni-territory"},
        {"Lubero", 0, "lubero-territory"},
        {"Masisi,", 0, "masisi-territory"},
        {"Rutshuru", 0, "rutshuru-territory"},
        {"Walikale", 0, "walikale-territory"},
        {"Rwanda", 0, "rwanda"},
        {"Congo River Alliance", 0, NULL},
        {"Sun City", 0, NULL},
        {"Congo during", 0, NULL},
        {"Congolese", 0, NULL},
    };
    check_seed(gp, "001_70e2326696459d73.txt", s1, sizeof s1 / sizeof s1[0]);
    static const seed_expect s2[] = {
        {"Kinshasa", 0, "kinshasa"}, {"Democratic Republic of the Congo", 0, "dr-congo"},
        {"Kigali", 0, "kigali"},     {"Rwanda late", 0, "rwanda"},
        {"Rwanda'", 0, NULL},        {"Rwanda\"", 0, NULL},
        {"Burundi", 0, "burundi"},   {"eastern DRC", 0, "eastern-dr-congo"},
        {"Rwandan", 0, NULL},
    };
    check_seed(gp, "002_146eaec923c707f4.txt", s2, sizeof s2 / sizeof s2[0]);
    kvm_geoparser_free(gp);
    kvm_gazetteer_free(gaz);
}

/* The 64-byte word finder (kvm_matcher_next's plain-ASCII path) against
 * the byte-by-byte one (KVM_MATCH_BYTEWISE): the same matches, in the same
 * order, on texts made of gazetteer names (lower, upper and title case),
 * ordinary words, digits, punctuation and non-ASCII letters placed around
 * the 64-byte block edges. */
static uint64_t rng = 0x2545F4914F6CDD1Dull;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static void test_matcher_blocks(void)
{
    kvm_error err = {0};
    kvm_gazetteer *gaz = kvm_gazetteer_new();
    CHECK(gaz && kvm_gazetteer_load_bundled(gaz, &err) == KVM_OK);
    kvm_matcher *m = NULL;
    CHECK(gaz && kvm_matcher_new(gaz, &m, &err) == KVM_OK);
    if (!m) {
        kvm_gazetteer_free(gaz);
        return;
    }
    static const char *const filler[] = {
        "the", "of", "fighters", "sake", "took", "80km", "km80", "2025", "1,200", "x",
        "-", "\xE2\x80\x99s", "\xC3\xA9t\xC3\xA9", "Kasa\xC3\xAF", "(", ").", "\n\n", "  ",
        "goma", "GOMA", "Nord-Kivu", "\xE2\x80\x94", "a1b2c3d4e5f6g7h8i9j0k1l2m3", "M23",
        /* names glued to letters: a block edge inside must not start a word */
        "xGoma", "qqKivu", "abcdefBeni", "zMasisi\xC3\xA9", "\xC3\xA9Goma", "9Goma"};
    size_t n_fill = sizeof filler / sizeof filler[0];
    size_t n_places = kvm_gazetteer_count(gaz);
    char text[4096];
    size_t total = 0, differ = 0;
    for (int round = 0; round < 3000; round++) {
        size_t len = 0;
        while (len < 600) {
            const char *w;
            char cased[128];
            if (rnd(3) == 0) {
                const kvm_place *p = kvm_gazetteer_place(gaz, rnd((unsigned)n_places));
                w = p->name;
                unsigned mode = rnd(4);
                size_t k = 0;
                for (; w[k] && k + 1 < sizeof cased; k++) {
                    char c = w[k];
                    if (mode == 1 && c >= 'A' && c <= 'Z')
                        c = (char)(c + 32);
                    else if (mode == 2 && c >= 'a' && c <= 'z')
                        c = (char)(c - 32);
                    cased[k] = c;
                }
                cased[k] = '\0';
                w = cased;
            } else {
                w = filler[rnd((unsigned)n_fill)];
            }
            size_t wl = strlen(w);
            int plain = 1;
            for (size_t k = 0; k < wl; k++)
                plain &= (unsigned char)w[k] < 0x80;
            if (!plain && round % 4 != 0)
                continue; /* mostly plain ASCII: the 64-byte path's input */
            if (len + wl + 2 >= sizeof text)
                break;
            memcpy(text + len, w, wl);
            len += wl;
            text[len++] = rnd(5) == 0 ? ',' : ' ';
        }
        /* the scans start at 0 and at a few offsets inside words */
        for (size_t start = 0; start < 64; start += 1 + rnd(9)) {
            size_t pa = start, pb = start;
            kvm_match a, b;
            for (;;) {
                int ra = kvm_matcher_next(m, text, len, &pa, KVM_MATCH_NEED_CAPITAL, &a);
                int rb = kvm_matcher_next(m, text, len, &pb,
                                          KVM_MATCH_NEED_CAPITAL | KVM_MATCH_BYTEWISE, &b);
                if (ra != rb || (ra && (a.start != b.start || a.end != b.end ||
                                        a.entry != b.entry))) {
                    differ++;
                    break;
                }
                if (!ra)
                    break;
                total++;
            }
        }
    }
    /* a name glued to a word that crosses a block edge is not a match */
    memset(text, 'x', 64);
    memcpy(text + 64, "Goma", 4);
    memset(text + 68, ' ', 100);
    size_t pos = 0;
    kvm_match one;
    CHECK(kvm_matcher_next(m, text, 168, &pos, KVM_MATCH_NEED_CAPITAL, &one) == 0);
    CHECK_MSG(differ == 0, "%zu texts where the 64-byte path differs", differ);
    CHECK_MSG(total > 50000, "only %zu matches compared", total);
    kvm_matcher_free(m);
    kvm_gazetteer_free(gaz);
}

int main(void)
{
    test_matcher();
    test_matcher_blocks();
    test_cases();
    test_seeds();
    return test_report("geoparse");
}
