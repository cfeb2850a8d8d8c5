/* The event set: interning, sticky errors, ids, ACLED names, verdicts,
 * merging duplicates (the seeds' Masisi capture reported twice) and advance
 * arrows with geodesic lengths checked against GeographicLib's GeodSolve. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kivumap/kivumap.h"
#include "testlib.h"

/* A small gazetteer of our own (coordinates as in gazetteer/north_kivu.csv). */
static const char test_gazetteer[] =
    "id,name,alt_names,kind,lat,lon,admin2,admin1,country,population,source\n"
    "goma,Goma,,city,-1.67409,29.22845,Goma,North Kivu,CD,2000000,test\n"
    "sake,Sake,Saké,town,-1.57386,29.04339,Masisi,North Kivu,CD,0,test\n"
    "katale-masisi,Katale,,village,-1.438,28.848,Masisi,North Kivu,CD,0,test\n"
    "masisi-town,Masisi,,town,-1.4,28.817,Masisi,North Kivu,CD,0,test\n"
    "kitshanga,Kitshanga,Kitchanga,town,-1.25,29.06,Masisi,North Kivu,CD,0,test\n"
    "masisi-territory,Masisi,,territory,-1.35,28.85,,North Kivu,CD,0,test\n"
    "north-kivu,North Kivu,Nord-Kivu,province,-0.8,29.0,,North Kivu,CD,0,test\n";

static kvm_gazetteer *gaz;

static const kvm_place *place(const char *id)
{
    const kvm_place *p = kvm_gazetteer_find_id(gaz, id);
    if (!p) {
        fprintf(stderr, "test gazetteer has no '%s'\n", id);
        exit(1);
    }
    return p;
}

static kvm_date date(int y, int m, int d)
{
    kvm_date out = {y, m, d};
    return out;
}

static kvm_event capture(size_t article, const char *actor, const char *place_id, kvm_date when,
                         int precision)
{
    kvm_event e;
    kvm_event_init(&e);
    e.type = KVM_EVENT_CAPTURE;
    e.article = article;
    e.actor1 = actor;
    e.place = place(place_id);
    e.geo_precision = KVM_GEO_TOWN;
    e.date = when;
    e.time_precision = precision;
    e.evidence = "The rebels took the town.";
    return e;
}

static void test_names(void)
{
    static const struct {
        kvm_event_type type;
        const char *name, *acled, *sub;
    } cases[] = {
        {KVM_EVENT_CAPTURE, "capture", "Battles", "Non-state actor overtakes territory"},
        {KVM_EVENT_RECAPTURE, "recapture", "Battles", "Government regains territory"},
        {KVM_EVENT_CLASH, "clash", "Battles", "Armed clash"},
        {KVM_EVENT_SHELLING, "shelling", "Explosions/Remote violence",
         "Shelling/artillery/missile attack"},
        {KVM_EVENT_ATTACK, "attack", "Violence against civilians", "Attack"},
        {KVM_EVENT_WITHDRAWAL, "withdrawal", "Strategic developments",
         "Non-violent transfer of territory"},
        {KVM_EVENT_AGREEMENT, "agreement", "Strategic developments", "Agreement"},
        {KVM_EVENT_DISPLACEMENT, "displacement", "Displacement", "Displacement"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        CHECK_STR(kvm_event_type_name(cases[i].type), cases[i].name);
        CHECK_STR(kvm_event_type_acled(cases[i].type), cases[i].acled);
        CHECK_STR(kvm_event_sub_type_acled(cases[i].type), cases[i].sub);
        CHECK(kvm_event_type_from_name(cases[i].name) == cases[i].type);
    }
    CHECK(kvm_event_type_from_name("Capture") == KVM_EVENT_NONE);
    CHECK(kvm_event_type_from_name("none") == KVM_EVENT_NONE);
    CHECK(kvm_event_type_from_name(NULL) == KVM_EVENT_NONE);
    CHECK_STR(kvm_event_type_name((kvm_event_type)99), "none");

    kvm_event e;
    memset(&e, 0x5a, sizeof e);
    kvm_event_init(&e);
    CHECK(e.count_min == -1 && e.count_max == -1 && e.fatalities == -1);
    CHECK(e.place == NULL && e.origin == NULL && e.destination == NULL);
    CHECK_STR(e.actor1, "");
    CHECK_STR(e.evidence, "");
    CHECK(e.date.year == 0 && e.historical == 0 && e.claimed == 0);
}

static void test_verdicts(void)
{
    static const struct {
        double stated, computed;
        kvm_verdict verdict;
        double ratio;
    } cases[] = {
        {100, 100, KVM_VERDICT_CONSISTENT, 1.0},
        {110, 100, KVM_VERDICT_CONSISTENT, 1.1}, /* on the 10 % line */
        {90, 100, KVM_VERDICT_CONSISTENT, 0.9},
        {89, 100, KVM_VERDICT_INCONSISTENT, 0.89}, /* shorter than a straight line */
        {111, 100, KVM_VERDICT_ROAD_PLAUSIBLE, 1.11},
        {160, 100, KVM_VERDICT_ROAD_PLAUSIBLE, 1.6},
        {161, 100, KVM_VERDICT_INCONSISTENT, 1.61},
        /* The seeds: "about 80 kilometres" Goma-Masisi; 54.908 km geodesic
         * with the gazetteer's points (GeodSolve below). */
        {80, 54.908131642, KVM_VERDICT_ROAD_PLAUSIBLE, 1.45697},
        {50, 0, KVM_VERDICT_INCONSISTENT, 0},
        {0, 10, KVM_VERDICT_NONE, 0},
        {-5, 10, KVM_VERDICT_NONE, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double ratio = -1;
        kvm_verdict v = kvm_verdict_for(cases[i].stated, cases[i].computed, &ratio);
        CHECK_MSG(v == cases[i].verdict, "case %zu: verdict %s", i, kvm_verdict_name(v));
        CHECK_NEAR(ratio, cases[i].ratio, 1e-5);
    }
    CHECK(kvm_verdict_for(100, 100, NULL) == KVM_VERDICT_CONSISTENT);
    CHECK_STR(kvm_verdict_name(KVM_VERDICT_CONSISTENT), "consistent");
    CHECK_STR(kvm_verdict_name(KVM_VERDICT_ROAD_PLAUSIBLE), "road-plausible");
    CHECK_STR(kvm_verdict_name(KVM_VERDICT_INCONSISTENT), "inconsistent");
}

static void test_interning(void)
{
    kvm_eventset *set = kvm_eventset_new();
    char name[32];
    strcpy(name, "dir/a.txt");
    size_t a = kvm_eventset_add_article(set, name, date(2025, 1, 27));
    strcpy(name, "XXXXXXXXX"); /* the set must have copied it */
    CHECK(a == 0);
    CHECK_STR(kvm_eventset_article(set, 0)->name, "dir/a.txt");
    CHECK(kvm_eventset_article(set, 0)->date.day == 27);

    /* A place given by a temporary copy is interned once per id. */
    kvm_place tmp = *place("goma");
    char idbuf[16];
    strcpy(idbuf, "goma");
    tmp.id = idbuf;
    const kvm_place *p1 = kvm_eventset_intern_place(set, &tmp);
    strcpy(idbuf, "gxxx");
    tmp.id = "goma";
    tmp.lat = 5.0; /* later copies with the same id are ignored */
    const kvm_place *p2 = kvm_eventset_intern_place(set, &tmp);
    CHECK(p1 && p1 == p2);
    CHECK_STR(p1->id, "goma");
    CHECK_NEAR(p1->lat, -1.67409, 0);
    CHECK(p1 != place("goma")); /* a copy, not the gazetteer's row */
    CHECK(kvm_eventset_find_place(set, "goma") == p1);
    CHECK(kvm_eventset_find_place(set, "sake") == NULL);

    kvm_mention m = {10, 14, place("goma"), 1, "unique", 0.9};
    kvm_eventset_add_mention(set, a, &m, "Goma");
    kvm_mention m2 = {30, 36, place("masisi-town"), 2, "kind-word", 0.8};
    kvm_eventset_add_mention(set, a, &m2, "Masisi");
    kvm_eventset_add_mention(set, a, &m, "Goma");
    const kvm_article_info *info = kvm_eventset_article(set, a);
    CHECK(info->n_mentions == 3);
    CHECK(info->mentions[1].place == kvm_eventset_find_place(set, "masisi-town"));
    CHECK_STR(info->mention_texts[1], "Masisi");
    CHECK_STR(info->mentions[1].method, "kind-word");
    CHECK(info->mentions[1].start == 30 && info->mentions[1].end == 36);
    CHECK(kvm_eventset_place_mentions(set, place("goma")) == 2);
    CHECK(kvm_eventset_place_mentions(set, place("masisi-town")) == 1);
    CHECK(kvm_eventset_place_mentions(set, place("sake")) == 0);

    /* Places in first-seen order, each once. */
    kvm_event e = capture(a, "M23", "sake", date(2025, 1, 10), KVM_TIME_DAY);
    e.origin = place("goma");
    kvm_eventset_add_event(set, &e);
    kvm_claim c;
    memset(&c, 0, sizeof c);
    c.from = place("masisi-town");
    c.to = place("goma");
    c.stated_km = 80;
    c.direction = "N";
    c.evidence = "Masisi lies 80 km north of Goma.";
    c.article = a;
    CHECK(kvm_eventset_add_claim(set, &c) == 0);
    CHECK(kvm_eventset_place_count(set) == 3);
    CHECK_STR(kvm_eventset_place(set, 0)->id, "goma");
    CHECK_STR(kvm_eventset_place(set, 1)->id, "masisi-town");
    CHECK_STR(kvm_eventset_place(set, 2)->id, "sake");
    CHECK(kvm_eventset_place(set, 3) == NULL);
    CHECK(kvm_eventset_claim(set, 0)->to == p1);
    CHECK_STR(kvm_eventset_claim(set, 0)->direction, "N");
    CHECK(kvm_eventset_status(set) == KVM_OK);

    /* Clear empties and keeps working. */
    kvm_eventset_clear(set);
    CHECK(kvm_eventset_article_count(set) == 0 && kvm_eventset_event_count(set) == 0);
    CHECK(kvm_eventset_place_count(set) == 0 && kvm_eventset_claim_count(set) == 0);
    CHECK(kvm_eventset_find_place(set, "goma") == NULL);
    a = kvm_eventset_add_article(set, "b.txt", date(0, 0, 0));
    CHECK(a == 0);
    kvm_eventset_add_mention(set, a, &m2, "Masisi");
    CHECK(kvm_eventset_article(set, 0)->n_mentions == 1);
    CHECK(kvm_eventset_place_mentions(set, place("masisi-town")) == 1);
    CHECK(kvm_eventset_place_mentions(set, place("goma")) == 0);
    kvm_eventset_free(set);
    kvm_eventset_free(NULL);
}

static void test_sticky(void)
{
    kvm_eventset *set = kvm_eventset_new();
    size_t a = kvm_eventset_add_article(set, "a.txt", date(2025, 1, 1));
    kvm_mention m = {0, 4, place("goma"), 1, "unique", 1.0};
    kvm_eventset_add_mention(set, 7, &m, "Goma"); /* no article 7 */
    CHECK(kvm_eventset_status(set) == KVM_ERR_INVALID);
    /* Later calls are no-ops; the first error stays. */
    CHECK(kvm_eventset_add_article(set, "b.txt", date(2025, 1, 1)) == (size_t)-1);
    kvm_event e = capture(a, "M23", "goma", date(2025, 1, 27), KVM_TIME_DAY);
    CHECK(kvm_eventset_add_event(set, &e) == (size_t)-1);
    CHECK(kvm_eventset_intern_place(set, place("sake")) == NULL);
    CHECK(kvm_eventset_article_count(set) == 1 && kvm_eventset_event_count(set) == 0);
    CHECK(kvm_eventset_status(set) == KVM_ERR_INVALID);
    kvm_error err;
    CHECK(kvm_eventset_merge_duplicates(set, &err) == KVM_ERR_INVALID);
    kvm_eventset_clear(set);
    CHECK(kvm_eventset_status(set) == KVM_OK);
    /* An event of no type is refused too. */
    a = kvm_eventset_add_article(set, "a.txt", date(2025, 1, 1));
    kvm_event none;
    kvm_event_init(&none);
    none.article = a;
    CHECK(kvm_eventset_add_event(set, &none) == (size_t)-1);
    CHECK(kvm_eventset_status(set) == KVM_ERR_INVALID);
    kvm_eventset_free(set);
}

static void test_ids(void)
{
    kvm_eventset *set = kvm_eventset_new();
    static const struct {
        const char *article;
        const char *ids[2];
    } cases[] = {
        {"seeds/001_70e2326696459d73.txt", {"001_70e2326696459d73-1", "001_70e2326696459d73-2"}},
        {"other/001_70e2326696459d73.txt",
         {"001_70e2326696459d73-2-1", "001_70e2326696459d73-2-2"}},
        {"reuters-2025-01-27", {"reuters-2025-01-27-1", "reuters-2025-01-27-2"}},
        {"wire.2025.001", {"wire.2025.001-1", "wire.2025.001-2"}},
        {"/tmp/.hidden", {".hidden-1", ".hidden-2"}},
        {"", {"article-1", "article-2"}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t a = kvm_eventset_add_article(set, cases[i].article, date(2025, 1, 27));
        for (int k = 0; k < 2; k++) {
            kvm_event e = capture(a, "M23", "goma", date(2025, 1, 27), KVM_TIME_DAY);
            size_t idx = kvm_eventset_add_event(set, &e);
            CHECK_STR(kvm_eventset_event(set, idx)->id, cases[i].ids[k]);
        }
    }
    /* A caller's id is kept. */
    kvm_event e = capture(0, "M23", "sake", date(2025, 1, 27), KVM_TIME_DAY);
    e.id = "my-own-id";
    size_t idx = kvm_eventset_add_event(set, &e);
    CHECK_STR(kvm_eventset_event(set, idx)->id, "my-own-id");
    /* Events of article 0 continue their numbering. */
    e.id = "";
    idx = kvm_eventset_add_event(set, &e);
    CHECK_STR(kvm_eventset_event(set, idx)->id, "001_70e2326696459d73-4");
    /* Sources start as {article}. */
    const kvm_event *ev = kvm_eventset_event(set, idx);
    CHECK(ev->n_sources == 1 && ev->sources[0] == 0);
    kvm_eventset_add_event_source(set, idx, 2);
    kvm_eventset_add_event_source(set, idx, 2);
    kvm_eventset_add_event_source(set, idx, 0);
    ev = kvm_eventset_event(set, idx);
    CHECK(ev->n_sources == 2 && ev->sources[0] == 0 && ev->sources[1] == 2);
    /* Many events: one-source pointers survive the array's growth. */
    for (int i = 0; i < 1000; i++) {
        kvm_event f = capture(1, "M23", "goma", date(2025, 1, 27), KVM_TIME_DAY);
        kvm_eventset_add_event(set, &f);
    }
    int ok = 1;
    for (size_t i = 0; i < kvm_eventset_event_count(set); i++) {
        const kvm_event *x = kvm_eventset_event(set, i);
        ok &= x->sources[0] == x->article;
    }
    CHECK(ok);
    ev = kvm_eventset_event(set, idx);
    CHECK(ev->n_sources == 2 && ev->sources[1] == 2);
    kvm_eventset_free(set);
}

/* Count of events of a type at a place. */
static size_t count_at(const kvm_eventset *set, kvm_event_type type, const char *place_id)
{
    size_t n = 0;
    for (size_t i = 0; i < kvm_eventset_event_count(set); i++) {
        const kvm_event *e = kvm_eventset_event(set, i);
        if (e->type == type && e->place && strcmp(e->place->id, place_id) == 0)
            n++;
    }
    return n;
}

static void test_merge_seeds_case(void)
{
    /* Two articles report M23's capture of Masisi: the first without a date
     * ("in recent weeks", no header date), the second dated by "over the past
     * weekend".  Plus Katale in both. */
    kvm_eventset *set = kvm_eventset_new();
    size_t a0 = kvm_eventset_add_article(set, "seeds/000_f1d9bf3d554d052c.txt", date(0, 0, 0));
    size_t a1 = kvm_eventset_add_article(set, "seeds/001_70e2326696459d73.txt", date(2025, 1, 27));
    kvm_event e = capture(a0, "M23", "katale-masisi", date(0, 0, 0), 0);
    kvm_eventset_add_event(set, &e);
    e = capture(a0, "M23", "masisi-town", date(0, 0, 0), 0);
    e.evidence = "first article's sentence";
    kvm_eventset_add_event(set, &e);
    e = capture(a1, "M23", "masisi-town", date(2025, 1, 25), KVM_TIME_WEEK);
    e.evidence = "second article's sentence";
    kvm_eventset_add_event(set, &e);
    e = capture(a1, "m23", "katale-masisi", date(2025, 1, 20), KVM_TIME_WEEK);
    kvm_eventset_add_event(set, &e);
    kvm_error err;
    CHECK(kvm_eventset_merge_duplicates(set, &err) == KVM_OK);
    CHECK(kvm_eventset_event_count(set) == 2);
    CHECK(count_at(set, KVM_EVENT_CAPTURE, "masisi-town") == 1);
    CHECK(count_at(set, KVM_EVENT_CAPTURE, "katale-masisi") == 1);
    /* Order: the position of the earliest member (Katale came first). */
    const kvm_event *katale = kvm_eventset_event(set, 0);
    const kvm_event *masisi = kvm_eventset_event(set, 1);
    CHECK_STR(katale->place->id, "katale-masisi");
    CHECK_STR(masisi->place->id, "masisi-town");
    /* The dated report is kept (more precise), with both sources, its own
     * article first. */
    CHECK(masisi->date.day == 25 && masisi->time_precision == KVM_TIME_WEEK);
    CHECK_STR(masisi->evidence, "second article's sentence");
    CHECK_STR(masisi->id, "001_70e2326696459d73-1");
    CHECK(masisi->article == a1);
    CHECK(masisi->n_sources == 2 && masisi->sources[0] == a1 && masisi->sources[1] == a0);
    CHECK(katale->n_sources == 2 && katale->date.day == 20);
    CHECK_STR(katale->actor1, "m23");
    /* Merging again changes nothing. */
    CHECK(kvm_eventset_merge_duplicates(set, &err) == KVM_OK);
    CHECK(kvm_eventset_event_count(set) == 2);
    CHECK(kvm_eventset_event(set, 1)->n_sources == 2);

    /* The seeds' advance: Katale earlier last week, Masisi over the weekend. */
    CHECK(kvm_eventset_compute_advances(set, &err) == KVM_OK);
    CHECK(kvm_eventset_advance_count(set) == 1);
    const kvm_advance *adv = kvm_eventset_advance(set, 0);
    CHECK_STR(adv->from->id, "katale-masisi");
    CHECK_STR(adv->to->id, "masisi-town");
    CHECK_NEAR(adv->dist_km, 5.436636370, 1e-6);
    kvm_eventset_free(set);
}

static void test_merge_rules(void)
{
    kvm_eventset *set = kvm_eventset_new();
    size_t a = kvm_eventset_add_article(set, "a.txt", date(2025, 1, 27));
    size_t b = kvm_eventset_add_article(set, "b.txt", date(2025, 1, 28));
    size_t c = kvm_eventset_add_article(set, "c.txt", date(2025, 1, 29));
    struct {
        kvm_event e;
        int group; /* events of one group must end up as one */
    } cases[20];
    size_t n = 0;
#define ADD(ev, g) (cases[n].e = (ev), cases[n].group = (g), n++)
    /* Group 1: Sake, day vs month containing it vs unstated actor. */
    ADD(capture(a, "M23", "sake", date(2025, 1, 23), KVM_TIME_DAY), 1);
    ADD(capture(b, "", "sake", date(2025, 1, 0), KVM_TIME_MONTH), 1);
    ADD(capture(c, "M23", "sake", date(2025, 0, 0), KVM_TIME_YEAR), 1);
    /* Group 2: Sake, another day (day vs day differs). */
    ADD(capture(b, "M23", "sake", date(2025, 1, 24), KVM_TIME_DAY), 2);
    /* Group 3: another actor. */
    ADD(capture(c, "FARDC", "sake", date(2025, 1, 23), KVM_TIME_DAY), 3);
    /* Group 4/5: weeks 7 days apart join, 8 days apart do not. */
    ADD(capture(a, "M23", "kitshanga", date(2025, 1, 6), KVM_TIME_WEEK), 4);
    ADD(capture(b, "M23", "kitshanga", date(2025, 1, 13), KVM_TIME_WEEK), 4);
    ADD(capture(c, "M23", "kitshanga", date(2025, 1, 22), KVM_TIME_WEEK), 5);
    /* Group 6: historical never merges. */
    {
        kvm_event h = capture(a, "M23", "goma", date(2012, 11, 20), KVM_TIME_DAY);
        h.historical = 1;
        ADD(h, 6);
        h.article = b;
        ADD(h, 7);
    }
    /* Displacement: equal counts join, different do not. */
    {
        kvm_event d;
        kvm_event_init(&d);
        d.type = KVM_EVENT_DISPLACEMENT;
        d.place = place("north-kivu");
        d.geo_precision = KVM_GEO_REGION;
        d.count_min = 1000000;
        d.article = a;
        ADD(d, 8);
        d.article = b;
        ADD(d, 8);
        d.count_min = 100000;
        d.article = c;
        ADD(d, 9);
    }
    /* Region level: undated joins undated, not a dated report. */
    {
        kvm_event r = capture(a, "M23", "north-kivu", date(0, 0, 0), 0);
        r.geo_precision = KVM_GEO_REGION;
        ADD(r, 11);
        r.article = b;
        ADD(r, 11);
        r.date = date(2022, 8, 0);
        r.time_precision = KVM_TIME_MONTH;
        ADD(r, 12);
    }
    /* Another type at the same place. */
    {
        kvm_event cl = capture(a, "M23", "sake", date(2025, 1, 23), KVM_TIME_DAY);
        cl.type = KVM_EVENT_CLASH;
        ADD(cl, 10);
    }
#undef ADD
    for (size_t i = 0; i < n; i++) {
        char id[16];
        snprintf(id, sizeof id, "e%zu", i);
        cases[i].e.id = id;
        CHECK(kvm_eventset_add_event(set, &cases[i].e) == i);
    }
    kvm_error err;
    CHECK(kvm_eventset_merge_duplicates(set, &err) == KVM_OK);
    CHECK(kvm_eventset_event_count(set) == 12);
    /* Each original id appears in exactly one event's group: check the kept
     * events by id. */
    static const struct {
        const char *id;
        size_t n_sources;
        const char *actor;
    } kept[] = {
        {"e0", 3, "M23"}, {"e3", 1, "M23"},  {"e4", 1, "FARDC"}, {"e5", 2, "M23"},
        {"e7", 1, "M23"}, {"e8", 1, "M23"},  {"e9", 1, "M23"},   {"e10", 2, ""},
        {"e12", 1, ""},   {"e13", 2, "M23"}, {"e15", 1, "M23"},  {"e16", 1, "M23"},
    };
    for (size_t k = 0; k < sizeof kept / sizeof *kept; k++) {
        const kvm_event *e = kvm_eventset_event(set, k);
        CHECK_STR(e->id, kept[k].id);
        CHECK_MSG(e->n_sources == kept[k].n_sources, "%s: %zu sources", e->id, e->n_sources);
        CHECK_STR(e->actor1, kept[k].actor);
    }
    const kvm_event *g1 = kvm_eventset_event(set, 0);
    CHECK(g1->sources[0] == a && g1->sources[1] == b && g1->sources[2] == c);
    CHECK(g1->date.day == 23);
    kvm_eventset_free(set);
}

static void test_advances(void)
{
    kvm_eventset *set = kvm_eventset_new();
    size_t a = kvm_eventset_add_article(set, "a.txt", date(2025, 1, 27));
    size_t b = kvm_eventset_add_article(set, "b.txt", date(2025, 1, 28));
    kvm_event e;
    e = capture(b, "M23", "kitshanga", date(0, 0, 0), 0); /* no date: last */
    kvm_eventset_add_event(set, &e);
    e = capture(a, "M23", "masisi-town", date(2025, 1, 25), KVM_TIME_DAY);
    kvm_eventset_add_event(set, &e);
    e = capture(a, "M23", "sake", date(2025, 1, 10), KVM_TIME_DAY);
    kvm_eventset_add_event(set, &e);
    e = capture(b, "m23", "katale-masisi", date(2025, 1, 20), KVM_TIME_WEEK);
    kvm_eventset_add_event(set, &e);
    e = capture(b, "M23", "masisi-town", date(2025, 1, 26), KVM_TIME_DAY); /* repeat: no arrow */
    kvm_eventset_add_event(set, &e);
    /* Not advances: historical, denied, region-level, not a settlement,
     * another type, no actor. */
    e = capture(a, "M23", "goma", date(2012, 11, 20), KVM_TIME_DAY);
    e.historical = 1;
    kvm_eventset_add_event(set, &e);
    e = capture(a, "M23", "goma", date(2025, 1, 26), KVM_TIME_DAY);
    e.claimed = -1;
    kvm_eventset_add_event(set, &e);
    e = capture(a, "M23", "goma", date(2025, 1, 26), KVM_TIME_DAY);
    e.geo_precision = KVM_GEO_NEAR;
    kvm_eventset_add_event(set, &e);
    e = capture(a, "M23", "masisi-territory", date(2025, 1, 26), KVM_TIME_DAY);
    kvm_eventset_add_event(set, &e);
    e = capture(a, "FARDC", "goma", date(2025, 1, 26), KVM_TIME_DAY);
    e.type = KVM_EVENT_RECAPTURE;
    kvm_eventset_add_event(set, &e);
    e = capture(a, "", "goma", date(2025, 1, 26), KVM_TIME_DAY);
    kvm_eventset_add_event(set, &e);
    /* A second actor with two captures. */
    e = capture(a, "Wazalendo", "sake", date(2025, 1, 2), KVM_TIME_DAY);
    kvm_eventset_add_event(set, &e);
    e = capture(a, "Wazalendo", "goma", date(2025, 1, 3), KVM_TIME_DAY);
    kvm_eventset_add_event(set, &e);

    kvm_error err;
    CHECK(kvm_eventset_compute_advances(set, &err) == KVM_OK);
    CHECK(kvm_eventset_compute_advances(set, &err) == KVM_OK); /* replaces, not appends */
    /* Expected values from GeographicLib (independent of PROJ's copy):
     *   printf -- "-1.57386 29.04339 -1.438 28.848\n-1.438 28.848 -1.4 28.817\n\
     *   -1.438 28.848 -1.25 29.06\n-1.57386 29.04339 -1.67409 29.22845\n" | GeodSolve -i -p 6
     * gives azi1 azi2 s12(m):
     *   -55.36144875127 -55.35631381318 26428.225671   Sake -> Katale
     *   -39.38748430524 -39.38671663077 5436.636370    Katale -> Masisi
     *    48.61920357366  48.61423108554 31444.979405   Katale -> Kitshanga
     *   (Kitshanga's nearest earlier capture is Katale: Masisi 31724.610 m,
     *    Sake 35858.479 m.) */
    static const struct {
        const char *actor, *from, *to;
        double km, bearing;
        size_t sequence;
    } want[] = {
        {"M23", "sake", "katale-masisi", 26.428225671, 360.0 - 55.36144875127, 1},
        {"M23", "katale-masisi", "masisi-town", 5.436636370, 360.0 - 39.38748430524, 2},
        {"M23", "katale-masisi", "kitshanga", 31.444979405, 48.61920357366, 3},
        {"Wazalendo", "sake", "goma", -1, -1, 1},
    };
    CHECK(kvm_eventset_advance_count(set) == 4);
    for (size_t i = 0; i < 4 && i < kvm_eventset_advance_count(set); i++) {
        const kvm_advance *adv = kvm_eventset_advance(set, i);
        CHECK_STR(adv->actor, want[i].actor);
        CHECK_STR(adv->from->id, want[i].from);
        CHECK_STR(adv->to->id, want[i].to);
        CHECK(adv->sequence == want[i].sequence);
        if (want[i].km > 0) {
            CHECK_NEAR(adv->dist_km, want[i].km, 1e-6);
            CHECK_NEAR(adv->bearing_deg, want[i].bearing, 1e-8);
        }
    }
    const kvm_advance *first = kvm_eventset_advance(set, 0);
    CHECK_STR(first->event_ids, "a-2;b-2");
    CHECK(first->date_from.day == 10 && first->date_to.day == 20);
    CHECK(kvm_eventset_advance(set, 2)->date_to.year == 0);

    kvm_date lo, hi;
    kvm_eventset_date_range(set, &lo, &hi);
    CHECK(lo.year == 2025 && lo.month == 1 && lo.day == 2);
    CHECK(hi.year == 2025 && hi.month == 1 && hi.day == 26);
    kvm_eventset_free(set);

    set = kvm_eventset_new();
    kvm_eventset_date_range(set, &lo, &hi);
    CHECK(lo.year == 0 && hi.year == 0);
    CHECK(kvm_eventset_compute_advances(set, &err) == KVM_OK);
    CHECK(kvm_eventset_advance_count(set) == 0);
    kvm_eventset_free(set);
}

static void test_take(void)
{
    kvm_eventset *dst = kvm_eventset_new();
    kvm_eventset *src = kvm_eventset_new();
    size_t a = kvm_eventset_add_article(dst, "a.txt", date(2025, 1, 1));
    kvm_event e = capture(a, "M23", "sake", date(2025, 1, 1), KVM_TIME_DAY);
    kvm_eventset_add_event(dst, &e);
    size_t s0 = kvm_eventset_add_article(src, "b.txt", date(2025, 1, 2));
    size_t s1 = kvm_eventset_add_article(src, "c.txt", date(2025, 1, 3));
    kvm_mention m = {0, 4, place("goma"), 1, "unique", 1.0};
    kvm_eventset_add_mention(src, s1, &m, "Goma");
    e = capture(s0, "M23", "goma", date(2025, 1, 2), KVM_TIME_DAY);
    size_t idx = kvm_eventset_add_event(src, &e);
    kvm_eventset_add_event_source(src, idx, s1);
    kvm_error err;
    CHECK(kvm_eventset_take(dst, src, &err) == KVM_OK);
    CHECK(kvm_eventset_article_count(dst) == 3 && kvm_eventset_article_count(src) == 0);
    CHECK(kvm_eventset_event_count(dst) == 2);
    const kvm_event *moved = kvm_eventset_event(dst, 1);
    CHECK(moved->article == 1 && moved->n_sources == 2 && moved->sources[1] == 2);
    CHECK_STR(moved->id, "b-1");
    CHECK(kvm_eventset_article(dst, 2)->n_mentions == 1);
    CHECK(kvm_eventset_place_mentions(dst, place("goma")) == 1);
    /* Into an empty set. */
    kvm_eventset *empty = kvm_eventset_new();
    CHECK(kvm_eventset_take(empty, dst, &err) == KVM_OK);
    CHECK(kvm_eventset_event_count(empty) == 2 && kvm_eventset_event_count(dst) == 0);
    CHECK(kvm_eventset_event(empty, 1)->sources[1] == 2);
    kvm_eventset_free(empty);
    kvm_eventset_free(dst);
    kvm_eventset_free(src);
}

int main(void)
{
    gaz = kvm_gazetteer_new();
    kvm_error err;
    if (!gaz || kvm_gazetteer_load_buffer(gaz, "test.csv", test_gazetteer,
                                          sizeof test_gazetteer - 1, &err) != KVM_OK) {
        fprintf(stderr, "cannot load the test gazetteer: %s\n", gaz ? err.message : "nomem");
        return 1;
    }
    test_names();
    test_verdicts();
    test_interning();
    test_sticky();
    test_ids();
    test_merge_seeds_case();
    test_merge_rules();
    test_advances();
    test_take();
    kvm_gazetteer_free(gaz);
    return test_report("test_eventset");
}
