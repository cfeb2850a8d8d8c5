/* The event set: interning, sticky errors, ids, ACLED names, verdicts,
 * merging duplicates (the seeds' Masisi capture reported twice) and advance
 * arrows with geodesic lengths checked against GeographicLib's GeodSolve. */
#include <ctype.h>
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
    return test_place(gaz, id);
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
    /* Only the places named since the clear are listed, in first-seen
     * order, though the set keeps its copies for the next article. */
    CHECK(kvm_eventset_place_count(set) == 1);
    CHECK_STR(kvm_eventset_place(set, 0)->id, "masisi-town");
    kvm_eventset_add_mention(set, a, &m, "Goma");
    CHECK(kvm_eventset_place_count(set) == 2);
    CHECK_STR(kvm_eventset_place(set, 1)->id, "goma");
    CHECK(kvm_eventset_find_place(set, "goma") == kvm_eventset_place(set, 1));
    CHECK(kvm_eventset_place_mentions(set, place("goma")) == 1);
    CHECK(kvm_eventset_find_place(set, "sake") == NULL);
    /* After a clear a place interned again with other values gets them
     * (the first copy wins only until the clear). */
    kvm_eventset_clear(set);
    tmp = *place("goma");
    tmp.lat = -1.5;
    tmp.name = "Goma (moved)";
    const kvm_place *p3 = kvm_eventset_intern_place(set, &tmp);
    CHECK(p3 && p3->lat == -1.5);
    CHECK_STR(p3->name, "Goma (moved)");
    CHECK_STR(p3->admin1, "North Kivu");
    const kvm_place *p4 = kvm_eventset_intern_place(set, place("goma"));
    CHECK(p4 == p3 && p4->lat == -1.5);
    kvm_eventset_clear(set);
    const kvm_place *p5 = kvm_eventset_intern_place(set, place("goma"));
    CHECK(p5 && p5->lat == -1.67409 && p5 != p3);
    CHECK_STR(p5->name, "Goma");
    CHECK(kvm_eventset_place_count(set) == 1);
    /* Many clears of the same places: the copies are reused, not made again. */
    for (int i = 0; i < 1000; i++) {
        kvm_eventset_clear(set);
        a = kvm_eventset_add_article(set, "c.txt", date(0, 0, 0));
        kvm_eventset_add_mention(set, a, &m, "Goma");
        kvm_eventset_add_mention(set, a, &m2, "Masisi");
    }
    CHECK(kvm_eventset_find_place(set, "goma") == p5);
    CHECK(kvm_eventset_place_count(set) == 2);
    CHECK(kvm_eventset_status(set) == KVM_OK);
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

/* take_renumbered: the ids the destination gives, as if the articles had
 * been extracted into it (same stem twice: "-2"); take keeps them. */
static void test_take_renumbered(void)
{
    kvm_eventset *dst = kvm_eventset_new();
    kvm_eventset *one = kvm_eventset_new();
    kvm_eventset *two = kvm_eventset_new();
    kvm_error err;
    size_t a = kvm_eventset_add_article(one, "north/report.txt", date(2025, 1, 1));
    kvm_event e = capture(a, "M23", "sake", date(2025, 1, 1), KVM_TIME_DAY);
    kvm_eventset_add_event(one, &e);
    size_t b = kvm_eventset_add_article(two, "south/report.txt", date(2025, 1, 2));
    e = capture(b, "M23", "goma", date(2025, 1, 2), KVM_TIME_DAY);
    kvm_eventset_add_event(two, &e);
    e = capture(b, "FARDC", "sake", date(2025, 1, 3), KVM_TIME_DAY);
    kvm_eventset_add_event(two, &e);
    CHECK_STR(kvm_eventset_event(two, 1)->id, "report-2");
    CHECK(kvm_eventset_take_renumbered(dst, one, &err) == KVM_OK);
    CHECK(kvm_eventset_take_renumbered(dst, two, &err) == KVM_OK);
    CHECK(kvm_eventset_event_count(dst) == 3);
    CHECK_STR(kvm_eventset_event(dst, 0)->id, "report-1");
    CHECK_STR(kvm_eventset_event(dst, 1)->id, "report-2-1");
    CHECK_STR(kvm_eventset_event(dst, 2)->id, "report-2-2");
    CHECK(kvm_eventset_event(dst, 2)->article == 1);
    /* the plain take keeps the ids it is given */
    kvm_eventset *kept = kvm_eventset_new();
    size_t c = kvm_eventset_add_article(one, "west/report.txt", date(2025, 1, 4));
    e = capture(c, "M23", "goma", date(2025, 1, 4), KVM_TIME_DAY);
    kvm_eventset_add_event(one, &e);
    CHECK(kvm_eventset_take(kept, dst, &err) == KVM_OK);
    CHECK(kvm_eventset_take(kept, one, &err) == KVM_OK);
    CHECK_STR(kvm_eventset_event(kept, 3)->id, "report-1");
    kvm_eventset_free(kept);
    kvm_eventset_free(dst);
    kvm_eventset_free(one);
    kvm_eventset_free(two);
}

/* ---- Randomised checks against straightforward implementations of the
 * documented rules (events.h): merging and advances on many events. */

static unsigned long long rnd_state = 0x2545F4914F6CDD1Dull;

static unsigned rnd(unsigned n)
{
    rnd_state ^= rnd_state >> 12;
    rnd_state ^= rnd_state << 25;
    rnd_state ^= rnd_state >> 27;
    return (unsigned)((rnd_state * 2685821657736338717ull) >> 33) % n;
}

static int ref_ci_equal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

/* The precision a date really has (events.h: coarser when day or month is
 * missing; 0 without a date), written as "the coarsest of what is stated
 * and what is missing" rather than as eventset.c's sequence of tests, so
 * that the two can disagree. */
static int ref_precision(const kvm_event *e)
{
    if (e->date.year == 0)
        return 0;
    int stated = e->time_precision, missing = 0;
    if (stated < KVM_TIME_DAY)
        stated = KVM_TIME_DAY;
    if (stated > KVM_TIME_YEAR)
        stated = KVM_TIME_YEAR;
    if (e->date.day == 0)
        missing = KVM_TIME_MONTH;
    if (e->date.month == 0)
        missing = KVM_TIME_YEAR;
    return stated > missing ? stated : missing;
}

static int ref_dates_compatible(const kvm_event *a, const kvm_event *b)
{
    int pa = ref_precision(a), pb = ref_precision(b);
    if (pa == 0 || pb == 0)
        return 1;
    int coarse = pa > pb ? pa : pb;
    if (coarse == KVM_TIME_YEAR)
        return a->date.year == b->date.year;
    if (coarse == KVM_TIME_MONTH)
        return a->date.year == b->date.year && a->date.month == b->date.month;
    if (coarse == KVM_TIME_WEEK)
        return labs(kvm_date_to_days(a->date) - kvm_date_to_days(b->date)) <= 7;
    return kvm_date_compare(a->date, b->date) == 0;
}

typedef struct ref_group {
    size_t rep, first;
    const char *actor;
    size_t members[400];
    size_t n;
} ref_group;

static const kvm_event *ref_events;

static int ref_by_key(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    const kvm_event *x = &ref_events[a], *y = &ref_events[b];
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    if (strcmp(x->place->id, y->place->id) != 0)
        return strcmp(x->place->id, y->place->id);
    return a < b ? -1 : a > b;
}

static int ref_by_size(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return a < b ? -1 : a > b;
}

static int ref_by_first(const void *pa, const void *pb)
{
    const ref_group *a = pa, *b = pb;
    return a->first < b->first ? -1 : a->first > b->first;
}

static void test_merge_random(void)
{
    static const char *const ids[] = {"goma", "sake", "kitshanga"};
    static const char *const actors[] = {"", "M23", "m23", "FARDC"};
    static ref_group groups[400];
    size_t bad = 0;
    for (int trial = 0; trial < 40; trial++) {
        kvm_eventset *set = kvm_eventset_new(), *copy = kvm_eventset_new();
        size_t n_articles = 1 + rnd(30), n = 50 + rnd(350);
        char name[32];
        for (size_t a = 0; a < n_articles; a++) {
            snprintf(name, sizeof name, "art%zu.txt", a);
            kvm_eventset_add_article(set, name, date(2025, 1, 1));
            kvm_eventset_add_article(copy, name, date(2025, 1, 1));
        }
        for (size_t i = 0; i < n; i++) {
            static const kvm_event_type types[] = {KVM_EVENT_CLASH, KVM_EVENT_DISPLACEMENT,
                                                   KVM_EVENT_CAPTURE};
            kvm_event e;
            kvm_event_init(&e);
            e.type = types[rnd(3)];
            e.article = rnd((unsigned)n_articles);
            e.actor1 = actors[rnd(4)];
            e.place = rnd(20) ? place(ids[rnd(3)]) : NULL;
            e.geo_precision = 1 + (int)rnd(3);
            e.historical = rnd(10) == 0;
            switch (rnd(5)) {
            case 0:
                break; /* no date */
            case 1:
                /* the missing month must coarsen whatever precision is stated */
                e.date = date(2024 + (int)rnd(2), 0, 0);
                e.time_precision = rnd(2) ? KVM_TIME_YEAR : (int)rnd(5);
                break;
            case 2:
                e.date = date(2024 + (int)rnd(2), 1 + (int)rnd(3), 0);
                e.time_precision = rnd(2) ? KVM_TIME_MONTH : (int)rnd(5);
                break;
            default:
                e.date = date(2024 + (int)rnd(2), rnd(4) ? 1 : 12, 1 + (int)rnd(31));
                e.time_precision = (int)rnd(5);
                break;
            }
            if (e.type == KVM_EVENT_DISPLACEMENT) {
                e.count_min = rnd(2) ? 1000 : 2000;
                e.count_max = rnd(3) ? -1 : 5000;
            }
            size_t k = kvm_eventset_add_event(set, &e);
            kvm_eventset_add_event(copy, &e);
            if (rnd(4) == 0) {
                size_t extra = rnd((unsigned)n_articles);
                kvm_eventset_add_event_source(set, k, extra);
                kvm_eventset_add_event_source(copy, k, extra);
            }
        }
        kvm_error err;
        CHECK(kvm_eventset_merge_duplicates(set, &err) == KVM_OK);

        /* The reference: each event of a (type, place) run, in order,
         * joins the first compatible group of the run or starts one. */
        size_t order[400], n_groups = 0;
        ref_events = kvm_eventset_event(copy, 0);
        size_t n_located = 0;
        for (size_t i = 0; i < n; i++) {
            const kvm_event *e = kvm_eventset_event(copy, i);
            if (e->place)
                order[n_located++] = i;
            else { /* never joins: a group of its own */
                ref_group *g = &groups[n_groups++];
                g->rep = g->first = i;
                g->actor = e->actor1;
                g->members[0] = i;
                g->n = 1;
            }
        }
        qsort(order, n_located, sizeof *order, ref_by_key);
        size_t run_first = n_groups;
        for (size_t k = 0; k < n_located; k++) {
            const kvm_event *e = kvm_eventset_event(copy, order[k]);
            if (k > 0) {
                const kvm_event *prev = kvm_eventset_event(copy, order[k - 1]);
                if (prev->type != e->type || prev->place != e->place)
                    run_first = n_groups;
            }
            ref_group *found = NULL;
            for (size_t g = run_first; g < n_groups && !found && !e->historical; g++) {
                const kvm_event *rep = kvm_eventset_event(copy, groups[g].rep);
                if (rep->historical)
                    continue;
                if (groups[g].actor[0] && e->actor1[0] && !ref_ci_equal(groups[g].actor, e->actor1))
                    continue;
                if (e->type == KVM_EVENT_DISPLACEMENT &&
                    (e->count_min != rep->count_min || e->count_max != rep->count_max))
                    continue;
                if ((rep->date.year == 0) != (e->date.year == 0) &&
                    (rep->geo_precision != KVM_GEO_TOWN || e->geo_precision != KVM_GEO_TOWN))
                    continue;
                if (ref_dates_compatible(rep, e))
                    found = &groups[g];
            }
            if (!found) {
                found = &groups[n_groups++];
                found->rep = found->first = order[k];
                found->actor = e->actor1;
                found->n = 0;
            } else {
                int pe = ref_precision(e),
                    pr = ref_precision(kvm_eventset_event(copy, found->rep));
                if (pe != 0 && (pr == 0 || pe < pr))
                    found->rep = order[k];
                if (!found->actor[0])
                    found->actor = e->actor1;
            }
            found->members[found->n++] = order[k];
        }
        qsort(groups, n_groups, sizeof *groups, ref_by_first);
        if (kvm_eventset_event_count(set) != n_groups) {
            bad++;
            CHECK_MSG(0, "trial %d: %zu events after merging, expected %zu", trial,
                      kvm_eventset_event_count(set), n_groups);
        }
        for (size_t g = 0; g < n_groups && g < kvm_eventset_event_count(set); g++) {
            const kvm_event *got = kvm_eventset_event(set, g);
            const kvm_event *rep = kvm_eventset_event(copy, groups[g].rep);
            const char *actor = rep->actor1[0] ? rep->actor1 : groups[g].actor;
            size_t sources[800], ns = 0;
            for (size_t m = 0; m < groups[g].n; m++) {
                const kvm_event *e = kvm_eventset_event(copy, groups[g].members[m]);
                for (size_t s = 0; s < e->n_sources; s++)
                    if (e->sources[s] != rep->article)
                        sources[ns++] = e->sources[s];
            }
            qsort(sources, ns, sizeof *sources, ref_by_size);
            size_t uniq = 0;
            for (size_t s = 0; s < ns; s++)
                if (uniq == 0 || sources[uniq - 1] != sources[s])
                    sources[uniq++] = sources[s];
            int same = strcmp(got->id, rep->id) == 0 && strcmp(got->actor1, actor) == 0 &&
                       got->n_sources == uniq + 1 && got->sources[0] == rep->article;
            for (size_t s = 0; same && s < uniq; s++)
                same = got->sources[s + 1] == sources[s];
            if (!same && bad++ < 5)
                CHECK_MSG(0, "trial %d: merged event %zu is %s (%s, %zu sources), expected %s (%s, %zu)",
                          trial, g, got->id, got->actor1, got->n_sources, rep->id, actor, uniq + 1);
        }
        kvm_eventset_free(set);
        kvm_eventset_free(copy);
    }
    CHECK(bad == 0);
}

static const kvm_event *ref_capture_events;

static int ref_by_capture(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    const kvm_event *x = &ref_capture_events[a], *y = &ref_capture_events[b];
    for (const char *p = x->actor1, *q = y->actor1;; p++, q++) {
        int cp = tolower((unsigned char)*p), cq = tolower((unsigned char)*q);
        if (cp != cq)
            return cp < cq ? -1 : 1;
        if (!cp)
            break;
    }
    if ((x->date.year != 0) != (y->date.year != 0))
        return x->date.year != 0 ? -1 : 1;
    int c = kvm_date_compare(x->date, y->date);
    if (c)
        return c;
    if (x->article != y->article)
        return x->article < y->article ? -1 : 1;
    return a < b ? -1 : a > b;
}

static void test_advances_random(void)
{
    enum { PLACES = 60 };
    static kvm_place places[PLACES];
    static char place_ids[PLACES][8];
    static const char *const actors[] = {"M23", "m23", "FARDC", "ADF"};
    size_t bad = 0;
    for (int trial = 0; trial < 30; trial++) {
        for (int k = 0; k < PLACES; k++) {
            snprintf(place_ids[k], sizeof place_ids[k], "p%d", k);
            memset(&places[k], 0, sizeof places[k]);
            places[k].id = place_ids[k];
            places[k].name = place_ids[k];
            places[k].kind = KVM_KIND_TOWN;
            if (k > 0 && rnd(6) == 0) { /* the same spot under another id: ties */
                places[k].lat = places[k - 1].lat;
                places[k].lon = places[k - 1].lon;
            } else if (trial % 3 == 0) { /* anywhere on Earth */
                places[k].lat = (double)rnd(1800001) / 10000.0 - 90.0;
                places[k].lon = (double)rnd(3600001) / 10000.0 - 180.0;
            } else { /* North Kivu, a few hundred metres apart at times */
                places[k].lat = -2.0 + (double)rnd(20000) / 10000.0;
                places[k].lon = 28.5 + (double)rnd(15000) / 10000.0;
            }
        }
        kvm_eventset *set = kvm_eventset_new();
        size_t n_articles = 1 + rnd(5), n = 20 + rnd(300);
        char name[32];
        for (size_t a = 0; a < n_articles; a++) {
            snprintf(name, sizeof name, "a%zu.txt", a);
            kvm_eventset_add_article(set, name, date(2025, 1, 1));
        }
        for (size_t i = 0; i < n; i++) {
            kvm_event e;
            kvm_event_init(&e);
            e.type = KVM_EVENT_CAPTURE;
            e.article = rnd((unsigned)n_articles);
            e.actor1 = actors[rnd(4)];
            e.place = &places[rnd(trial % 2 ? PLACES : 8)];
            e.geo_precision = KVM_GEO_TOWN;
            if (rnd(5))
                e.date = date(2025, 1 + (int)rnd(3), 1 + (int)rnd(28));
            e.time_precision = KVM_TIME_DAY;
            kvm_eventset_add_event(set, &e);
        }
        kvm_error err;
        CHECK(kvm_eventset_compute_advances(set, &err) == KVM_OK);

        /* The reference: every earlier distinct capture's distance. */
        size_t caps[400], seen[400], expected = 0;
        ref_capture_events = kvm_eventset_event(set, 0);
        for (size_t i = 0; i < n; i++)
            caps[i] = i;
        qsort(caps, n, sizeof *caps, ref_by_capture);
        for (size_t start = 0; start < n;) {
            size_t end = start + 1, n_seen = 0, sequence = 0;
            while (end < n && ref_ci_equal(kvm_eventset_event(set, caps[end])->actor1,
                                           kvm_eventset_event(set, caps[start])->actor1))
                end++;
            for (size_t k = start; k < end; k++) {
                const kvm_event *e = kvm_eventset_event(set, caps[k]);
                size_t nearest = (size_t)-1;
                double best = 0.0;
                int repeat = 0;
                for (size_t j = 0; j < n_seen && !repeat; j++) {
                    const kvm_event *prev = kvm_eventset_event(set, seen[j]);
                    repeat = prev->place == e->place;
                    kvm_lonlat from = {prev->place->lon, prev->place->lat},
                               to = {e->place->lon, e->place->lat};
                    double km = 0.0;
                    kvm_geodesic_inverse(from, to, &km, NULL, NULL);
                    if (nearest == (size_t)-1 || km < best) {
                        nearest = j;
                        best = km;
                    }
                }
                if (repeat)
                    continue;
                if (nearest != (size_t)-1) {
                    const kvm_advance *adv = kvm_eventset_advance(set, expected++);
                    const kvm_event *from = kvm_eventset_event(set, seen[nearest]);
                    if ((!adv || adv->from != from->place || adv->to != e->place ||
                         adv->sequence != ++sequence || adv->dist_km != best) &&
                        bad++ < 5)
                        CHECK_MSG(0, "trial %d: advance %zu is %s -> %s, expected %s -> %s",
                                  trial, expected - 1, adv ? adv->from->id : "none",
                                  adv ? adv->to->id : "none", from->place->id, e->place->id);
                }
                seen[n_seen++] = caps[k];
            }
            start = end;
        }
        CHECK_MSG(kvm_eventset_advance_count(set) == expected, "trial %d: %zu advances, expected %zu",
                  trial, kvm_eventset_advance_count(set), expected);
        kvm_eventset_free(set);
    }
    CHECK(bad == 0);
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
    test_take_renumbered();
    test_merge_random();
    test_advances_random();
    kvm_gazetteer_free(gaz);
    return test_report("test_eventset");
}
