/* Event extraction: the count parser, the date resolver, and a table of
 * short articles (written for this test) with the events and stated
 * distances they must give.  A small gazetteer is built in memory so the
 * expectations do not move with the bundled table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events_internal.h"
#include "kivumap/kivumap.h"
#include "testlib.h"

static const char test_gazetteer[] =
    "id,name,alt_names,kind,lat,lon,admin2,admin1,country,population,source\n"
    "goma,Goma,,city,-1.67409,29.22845,Goma,North Kivu,CD,2000000,test\n"
    "sake,Sake,Saké,town,-1.57386,29.04339,Masisi,North Kivu,CD,0,test\n"
    "masisi-town,Masisi,Masisi-Centre,town,-1.4,28.817,Masisi,North Kivu,CD,0,test\n"
    "masisi-territory,Masisi,Masisi territory,territory,-1.35,28.85,Masisi,North Kivu,CD,0,test\n"
    "katale-masisi,Katale,,village,-1.438,28.848,Masisi,North Kivu,CD,0,test\n"
    "kitshanga,Kitshanga,Kitchanga,town,-1.25,29.06,Masisi,North Kivu,CD,0,test\n"
    "rubaya,Rubaya,,town,-1.55,28.88,Masisi,North Kivu,CD,0,test\n"
    "mweso,Mweso,,town,-1.129,29.041,Masisi,North Kivu,CD,0,test\n"
    "kiwanja,Kiwanja,,town,-1.168,29.452,Rutshuru,North Kivu,CD,0,test\n"
    "bunagana,Bunagana,,border-post,-1.284,29.597,Rutshuru,North Kivu,CD,0,test\n"
    "kanyabayonga,Kanyabayonga,,town,-0.69978,29.17181,Lubero,North Kivu,CD,0,test\n"
    "minova,Minova,,town,-1.700,29.015,Kalehe,South Kivu,CD,0,test\n"
    "bulengo,Bulengo,Bulengo camp,camp,-1.63,29.135,Goma,North Kivu,CD,0,test\n"
    "north-kivu,North Kivu,Nord-Kivu,province,-0.8,28.7,,North Kivu,CD,8985000,test\n"
    "dr-congo,DR Congo,DRC|Congo,country,-2.88,23.66,,,CD,110000000,test\n"
    "eastern-dr-congo,eastern DR Congo,eastern Congo|eastern DRC,region,-1.5,28.8,,,CD,0,test\n"
    "uganda,Uganda,,country,1.37,32.29,,,UG,48000000,test\n"
    "rwanda,Rwanda,,country,-1.94,29.87,,,RW,14000000,test\n"
    "luanda,Luanda,,city,-8.83682,13.23432,,Luanda,AO,2800000,test\n";

/* ---- counts ------------------------------------------------------------- */

static void test_counts(void)
{
    static const struct {
        const char *text;
        long long min, max;
    } cases[] = {
        {"over a million people", 1000000, -1},
        {"more than 100,000 residents", 100000, -1},
        {"hundreds of thousands of people", 100000, -1},
        {"tens of thousands more", 10000, -1},
        {"thousands of villagers", 1000, -1},
        {"1.2 million displaced", 1200000, 1200000},
        {"7,000 people", 7000, 7000},
        {"some 2,500 families", 2500, 2500},
        {"between 5,000 and 8,000 people", 5000, 8000},
        {"5,000 to 8,000 people", 5000, 8000},
        {"two million", 2000000, 2000000},
        {"half a million", 500000, 500000},
        {"about 300 people", 300, 300},
        {"at least 40,000", 40000, -1},
        {"2000 people", 2000, 2000},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        long long mn = -9, mx = -9;
        int found = kvm_ev_count_in_text(cases[i].text, &mn, &mx);
        CHECK_MSG(found && mn == cases[i].min && mx == cases[i].max,
                  "count '%s': found %d min %lld max %lld, expected %lld %lld", cases[i].text,
                  found, mn, mx, cases[i].min, cases[i].max);
    }
    static const char *const not_counts[] = {"in 2012", "the rebels", "since May"};
    for (size_t i = 0; i < sizeof not_counts / sizeof not_counts[0]; i++) {
        long long mn, mx;
        CHECK_MSG(!kvm_ev_count_in_text(not_counts[i], &mn, &mx), "'%s' is not a count",
                  not_counts[i]);
    }
}

/* ---- dates -------------------------------------------------------------- */

static void test_dates(void)
{
    const kvm_date monday = {2025, 1, 27};
    static const struct {
        const char *text;
        const char *expected; /* YYYY-MM-DD / YYYY-MM / YYYY */
        int precision;
    } cases[] = {
        {"yesterday", "2025-01-26", KVM_TIME_DAY},
        {"today", "2025-01-27", KVM_TIME_DAY},
        {"on Tuesday", "2025-01-21", KVM_TIME_DAY},
        {"on Monday", "2025-01-27", KVM_TIME_DAY},
        {"last Monday", "2025-01-20", KVM_TIME_DAY},
        {"over the past weekend", "2025-01-25", KVM_TIME_WEEK},
        {"at the weekend", "2025-01-25", KVM_TIME_WEEK},
        {"earlier last week", "2025-01-20", KVM_TIME_WEEK},
        {"late last week", "2025-01-23", KVM_TIME_WEEK},
        {"last month", "2024-12", KVM_TIME_MONTH},
        {"mid last December", "2024-12", KVM_TIME_MONTH},
        {"in December 2023", "2023-12", KVM_TIME_MONTH},
        {"on 23 March 2009", "2009-03-23", KVM_TIME_DAY},
        {"January 4, 2025", "2025-01-04", KVM_TIME_DAY},
        {"on January 4", "2025-01-04", KVM_TIME_DAY},
        {"on December 20", "2024-12-20", KVM_TIME_DAY},
        {"the 4th of January", "2025-01-04", KVM_TIME_DAY},
        {"in recent weeks", "2025-01-27", KVM_TIME_MONTH},
        {"in 2012", "2012", KVM_TIME_YEAR},
        {"three weeks ago", "2025-01-06", KVM_TIME_WEEK},
        {"last year", "2024", KVM_TIME_YEAR},
        {"this year", "2025", KVM_TIME_YEAR},
        {"on May 6, 2013", "2013-05-06", KVM_TIME_DAY},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ev_date_expr e;
        char buf[16];
        int found = kvm_ev_date_in_text(cases[i].text, monday, &e);
        CHECK_MSG(found, "no date in '%s'", cases[i].text);
        if (!found)
            continue;
        CHECK_MSG(strcmp(kvm_date_format(e.date, buf), cases[i].expected) == 0 &&
                      e.precision == cases[i].precision,
                  "date '%s' -> %s precision %d, expected %s precision %d", cases[i].text, buf,
                  e.precision, cases[i].expected, cases[i].precision);
    }
    /* "may" the verb is no month */
    ev_date_expr e;
    CHECK(!kvm_ev_date_in_text("the rebels may advance", monday, &e));
    /* without an article date relative dates stay unknown but keep their order */
    const kvm_date none = {0, 0, 0};
    ev_date_expr weekend, last_week;
    CHECK(kvm_ev_date_in_text("over the past weekend", none, &weekend));
    CHECK(kvm_ev_date_in_text("earlier last week", none, &last_week));
    CHECK(weekend.date.year == 0 && last_week.date.year == 0);
    CHECK(last_week.order_days < weekend.order_days && weekend.order_days < 0);
    CHECK(kvm_ev_date_in_text("in December 2023", none, &e) && e.date.year == 2023);

    /* dates told from another date: found unresolved, resolved from their anchor */
    static const struct {
        const char *text;
        int anchored;
        long offset;
        int precision;
    } anchored[] = {
        {"two days earlier", EV_ANCHOR_PREVIOUS, -2, KVM_TIME_DAY},
        {"a week later", EV_ANCHOR_PREVIOUS, 7, KVM_TIME_WEEK},
        {"the next day", EV_ANCHOR_PREVIOUS, 1, KVM_TIME_DAY},
        {"it fell three days before.", EV_ANCHOR_PREVIOUS, -3, KVM_TIME_DAY},
        {"two days after capturing Sake", EV_ANCHOR_CLAUSE, -2, KVM_TIME_DAY},
        {"a few days before the fall of Goma", EV_ANCHOR_CLAUSE, 3, KVM_TIME_WEEK},
    };
    for (size_t i = 0; i < sizeof anchored / sizeof anchored[0]; i++) {
        int found = kvm_ev_date_in_text(anchored[i].text, monday, &e);
        CHECK_MSG(found && e.anchored == anchored[i].anchored &&
                      e.offset_days == anchored[i].offset &&
                      e.offset_precision == anchored[i].precision,
                  "'%s': found %d anchored %d offset %ld precision %d", anchored[i].text, found,
                  e.anchored, e.offset_days, e.offset_precision);
    }
    CHECK(!kvm_ev_date_in_text("two days of fighting", monday, &e));
    ev_date_expr thursday, rel;
    char buf[16];
    CHECK(kvm_ev_date_in_text("on Thursday", monday, &thursday));
    CHECK(kvm_ev_date_in_text("two days earlier", monday, &rel));
    kvm_ev_resolve_anchored(&rel, &thursday, monday);
    CHECK_STR(kvm_date_format(rel.date, buf), "2025-01-21");
    CHECK(rel.precision == KVM_TIME_DAY);
    /* no anchor: from the article date, a week's precision */
    CHECK(kvm_ev_date_in_text("two days earlier", monday, &rel));
    kvm_ev_resolve_anchored(&rel, NULL, monday);
    CHECK_STR(kvm_date_format(rel.date, buf), "2025-01-25");
    CHECK(rel.precision == KVM_TIME_WEEK);
    /* a month anchor stays a month: "in December 2023 ... a day later" */
    ev_date_expr december;
    CHECK(kvm_ev_date_in_text("in December 2023", monday, &december));
    CHECK(kvm_ev_date_in_text("a day later", monday, &rel));
    kvm_ev_resolve_anchored(&rel, &december, monday);
    CHECK_STR(kvm_date_format(rel.date, buf), "2023-12");
    CHECK(rel.precision == KVM_TIME_MONTH && rel.year_written);
}

/* The keyword table: rule words carry the flags the rules and the sentence
 * gate test, everyday words carry none of the gate's. */
static void test_keywords(void)
{
    /* well inside the table (KW_MAX 2000 in events_text.c): a full table would drop words */
    CHECK(kvm_ev_keyword_count() > 500 && kvm_ev_keyword_count() < 1500);
    CHECK(kvm_ev_keyword_flags("captured", 8) & EV_F_TERRITORY);
    CHECK(kvm_ev_keyword_flags("captured", 8) & EV_K_TERRITORY);
    CHECK(kvm_ev_keyword_flags("controls", 8) & EV_K_TERRITORY); /* "now controls" */
    CHECK(!(kvm_ev_keyword_flags("now", 3) & EV_GATE));
    CHECK(kvm_ev_keyword_flags("group", 5) & EV_K_ACTOR); /* "the group" */
    CHECK(!(kvm_ev_keyword_flags("the", 3) & EV_GATE));
    CHECK(kvm_ev_keyword_flags("the", 3) & EV_F_ACTOR);
    CHECK(kvm_ev_keyword_flags("shelling", 8) & EV_F_SHELLING);
    CHECK(kvm_ev_keyword_flags("kilometres", 10) & EV_F_UNIT);
    CHECK(kvm_ev_keyword_flags("refugees", 8) & EV_L_DISP_NOUN);
    CHECK(kvm_ev_keyword_flags("march", 5) & EV_L_MONTH);
    CHECK(kvm_ev_keyword_flags("tuesday", 7) & EV_L_WEEKDAY);
    CHECK(kvm_ev_keyword_flags("hundreds", 8) & EV_F_COUNT);
    CHECK(kvm_ev_keyword_flags("kanyabayonga", 12) == 0);
    CHECK(kvm_ev_keyword_flags("capture", 6) == 0); /* "captur": not a word of the rules */
    /* the sentence scan: gate, armed groups named, latest year */
    ev_scan scan = {{0}, 0};
    const char *calm = "Markets in Goma stayed open on Tuesday, 2024, traders said.";
    CHECK(!(kvm_ev_scan(calm, 0, strlen(calm), NULL, 0, &scan) & EV_GATE));
    CHECK(scan.max_year == 2024);
    const char *busy = "M23 fighters seized Sake; the AFC/M23 said 1,2000 were 80km away in 1998.";
    CHECK(kvm_ev_scan(busy, 0, strlen(busy), NULL, 0, &scan) & EV_K_TERRITORY);
    CHECK(scan.group_counts[0] == 3 && scan.max_year == 2024);
    const char *unit = "Masisi is 80km from Goma.";
    CHECK(kvm_ev_scan(unit, 0, strlen(unit), NULL, 0, &scan) & EV_F_UNIT);
}

/* ---- events from short articles ------------------------------------------ */

typedef struct expected_event {
    const char *type;
    const char *place; /* id, or "" for no place */
    const char *actor1;
    const char *date; /* "" = unknown */
    int time_precision;
    int geo_precision;
    long long count_min, count_max;
    const char *origin, *destination, *destination_text;
    int claimed, historical;
    const char *actor2; /* NULL = not checked */
} expected_event;

typedef struct expected_claim {
    const char *from, *to;
    double km, miles;
    const char *direction;
} expected_claim;

typedef struct event_case {
    const char *name;
    const char *date; /* article date or NULL */
    const char *text;
    size_t n_events;
    expected_event events[4];
    size_t n_claims;
    expected_claim claims[2];
} event_case;

#define NO -1, -1, NULL, NULL, ""
static const event_case event_cases[] = {
    {"active capture, weekday",
     "2025-01-27",
     "M23 rebels captured the lakeside town of Sake on Tuesday, witnesses told us.",
     1,
     {{"capture", "sake", "M23", "2025-01-21", KVM_TIME_DAY, KVM_GEO_TOWN, NO, 0, 0, NULL}},
     0,
     {{0}}},
    {"passive capture, historical",
     "2025-01-27",
     "The border town of Bunagana was captured by M23 fighters in June 2022 and has stayed in "
     "their hands.",
     1,
     {{"capture", "bunagana", "M23", "2022-06", KVM_TIME_MONTH, KVM_GEO_TOWN, NO, 0, 1, NULL}},
     0,
     {{0}}},
    {"fell to the rebels, weekend",
     "2025-01-27",
     "The M23 kept moving south. Masisi fell to the rebels over the weekend, residents said.",
     1,
     {{"capture", "masisi-town", "M23", "2025-01-25", KVM_TIME_WEEK, KVM_GEO_TOWN, NO, 0, 0,
       NULL}},
     0,
     {{0}}},
    {"list of towns",
     "2025-01-27",
     "Fighters of the M23 group seized Rubaya, Kitshanga and Mweso last week.",
     3,
     {{"capture", "rubaya", "M23", "2025-01-20", KVM_TIME_WEEK, KVM_GEO_TOWN, NO, 0, 0, NULL},
      {"capture", "kitshanga", "M23", "2025-01-20", KVM_TIME_WEEK, KVM_GEO_TOWN, NO, 0, 0, NULL},
      {"capture", "mweso", "M23", "2025-01-20", KVM_TIME_WEEK, KVM_GEO_TOWN, NO, 0, 0, NULL}},
     0,
     {{0}}},
    {"recapture by the army",
     "2025-01-27",
     "Congolese troops recaptured Kanyabayonga on Friday after two days of combat.",
     1,
     {{"recapture", "kanyabayonga", "FARDC", "2025-01-24", KVM_TIME_DAY, KVM_GEO_TOWN, NO, 0, 0,
       NULL}},
     0,
     {{0}}},
    {"withdrawal",
     "2025-01-27",
     "The army withdrew from Minova yesterday without a fight.",
     1,
     {{"withdrawal", "minova", "FARDC", "2025-01-26", KVM_TIME_DAY, KVM_GEO_TOWN, NO, 0, 0,
       NULL}},
     0,
     {{0}}},
    {"clash near a town",
     "2025-01-27",
     "Heavy fighting between M23 and the FARDC was reported near Sake on Sunday.",
     1,
     {{"clash", "sake", "M23", "2025-01-26", KVM_TIME_DAY, KVM_GEO_NEAR, NO, 0, 0, "FARDC"}},
     0,
     {{0}}},
    {"claimed capture",
     "2025-01-27",
     "The M23 claimed it had taken control of Kiwanja.",
     1,
     {{"capture", "kiwanja", "M23", "2025-01-27", KVM_TIME_WEEK, KVM_GEO_TOWN, NO, 1, 0, NULL}},
     0,
     {{0}}},
    {"denied capture",
     "2025-01-27",
     "The M23 is active around Rutshuru. The army denied that Kiwanja had fallen.",
     1,
     {{"capture", "kiwanja", "M23", "2025-01-27", KVM_TIME_WEEK, KVM_GEO_TOWN, NO, -1, 0, NULL}},
     0,
     {{0}}},
    {"displacement with origin and destination",
     "2025-01-27",
     "The shelling has forced 7,000 people to flee from Sake to Goma.",
     1,
     {{"displacement", "sake", "", "2025-01-27", KVM_TIME_WEEK, KVM_GEO_TOWN, 7000, 7000, "sake",
       "goma", "", 0, 0, NULL}},
     0,
     {{0}}},
    {"displacement abroad",
     "2025-01-27",
     "More than 100,000 people have fled into Uganda since January, and tens of thousands more "
     "crossed to neighbouring countries.",
     2,
     {{"displacement", "uganda", "", NULL, 0, 0, 100000, -1, NULL, "uganda", "", 0, 0, NULL},
      {"displacement", NULL, "", NULL, 0, 0, 10000, -1, NULL, NULL, "neighbouring countries", 0,
       0, NULL}},
     0,
     {{0}}},
    {"camps around Goma",
     "2025-01-27",
     "About 1.2 million displaced people now live in camps around Goma.",
     1,
     {{"displacement", "goma", "", NULL, 0, 0, 1200000, 1200000, NULL, "goma", "", 0, 0, NULL}},
     0,
     {{0}}},
    {"stated distance with direction",
     "2025-01-27",
     "Sake lies about 25 km west of Goma on the road to Masisi.",
     0,
     {{0}},
     1,
     {{"sake", "goma", 25, 0, "W"}}},
    {"distance in miles with km",
     "2025-01-27",
     "The town of Masisi, 30 miles (48 km) northwest of Goma, is now quiet.",
     0,
     {{0}},
     1,
     {{"masisi-town", "goma", 48, 30, "NW"}}},
    {"pronoun subject from the previous sentence",
     NULL,
     "Rubaya is a mining town. It is located some 40 kilometres from Goma.",
     0,
     {{0}},
     1,
     {{"rubaya", "goma", 40, 0, ""}}},
    {"an area is not a distance",
     "2025-01-27",
     "North Kivu covers about 59,483 square kilometres of hills and lakes.",
     0,
     {{0}},
     0,
     {{0}}},
    {"historical capture by year",
     "2025-01-27",
     "In 2012 the M23 briefly captured Goma before pulling back under pressure.",
     1,
     {{"capture", "goma", "M23", "2012", KVM_TIME_YEAR, KVM_GEO_TOWN, NO, 0, 1, NULL}},
     0,
     {{0}}},
    {"threats are no events",
     "2025-01-27",
     "The rebels threatened to capture Goma and vowed to seize Sake.",
     0,
     {{0}},
     0,
     {{0}}},
    {"region-level capture",
     "2025-01-27",
     "The M23 has seized swathes of territory in North Kivu in recent months.",
     1,
     {{"capture", "north-kivu", "M23", "2025-01-27", KVM_TIME_MONTH, KVM_GEO_REGION, NO, 0, 0,
       NULL}},
     0,
     {{0}}},
    {"eastern Congo as a region",
     "2025-01-27",
     "The M23 has captured several key towns in eastern Congo.",
     1,
     {{"capture", "eastern-dr-congo", "M23", "2025-01-27", KVM_TIME_WEEK, KVM_GEO_REGION, NO, 0,
       0, NULL}},
     0,
     {{0}}},
    {"shelling is not a capture",
     "2025-01-27",
     "Shells fell on Sake on Monday, killing two civilians.",
     1,
     {{"shelling", "sake", NULL, "2025-01-27", KVM_TIME_DAY, KVM_GEO_TOWN, NO, 0, 0, NULL}},
     0,
     {{0}}},
    {"the nearby town is the town itself",
     "2025-01-27",
     "The rebels captured the nearby town of Katale on Monday.",
     1,
     {{"capture", "katale-masisi", NULL, "2025-01-27", KVM_TIME_DAY, KVM_GEO_TOWN, NO, 0, 0,
       NULL}},
     0,
     {{0}}},
    {"nearby X is X",
     "2025-01-27",
     "M23 fighters seized nearby Katale on Monday.",
     1,
     {{"capture", "katale-masisi", "M23", NULL, 0, KVM_GEO_TOWN, NO, 0, 0, NULL}},
     0,
     {{0}}},
    {"outskirts are near",
     "2025-01-27",
     "The M23 seized the outskirts of Goma on Monday.",
     1,
     {{"capture", "goma", "M23", NULL, 0, KVM_GEO_NEAR, NO, 0, 0, NULL}},
     0,
     {{0}}},
    {"undated: an old agreement is background",
     NULL,
     "The M23 captured Goma in January 2025, two years after it took Kitshanga in 2023. "
     "A peace accord that both sides signed on March 23, 2009 had ended an earlier war.",
     3,
     {{"capture", "goma", "M23", NULL, 0, 0, NO, 0, 0, NULL},
      {"capture", "kitshanga", "M23", "2023", KVM_TIME_YEAR, 0, NO, 0, 1, NULL},
      {"agreement", NULL, NULL, "2009-03-23", KVM_TIME_DAY, 0, NO, 0, 1, NULL}},
     0,
     {{0}}},
    {"undated timeline entries are reported, not background",
     NULL,
     "Key moments:\n- June 13, 2022: the rebels capture Bunagana.\n"
     "- January 27, 2025: the M23 captures Goma.\n",
     2,
     {{"capture", "bunagana", "M23", "2022-06-13", KVM_TIME_DAY, 0, NO, 0, 0, NULL},
      {"capture", "goma", "M23", "2025-01-27", KVM_TIME_DAY, 0, NO, 0, 0, NULL}},
     0,
     {{0}}},
    {"undated: a day of the year before is recent news",
     NULL,
     "The M23 captured Sake on December 28, 2024. The rebels took Goma in January 2025.",
     2,
     {{"capture", "sake", "M23", "2024-12-28", KVM_TIME_DAY, 0, NO, 0, 0, NULL},
      {"capture", "goma", "M23", NULL, 0, 0, NO, 0, 0, NULL}},
     0,
     {{0}}},
    {"two days earlier: from the date written before",
     "2025-01-27",
     "The rebels captured Sake on Thursday. Minova had fallen two days earlier.",
     2,
     {{"capture", "sake", NULL, "2025-01-23", KVM_TIME_DAY, 0, NO, 0, 0, NULL},
      {"capture", "minova", NULL, "2025-01-21", KVM_TIME_DAY, 0, NO, 0, 0, NULL}},
     0,
     {{0}}},
    {"two days after capturing: from the sentence's date",
     "2025-01-27",
     "M23 rebels entered Goma on Sunday, two days after capturing Sake.",
     2,
     {{"capture", "goma", "M23", "2025-01-26", KVM_TIME_DAY, 0, NO, 0, 0, NULL},
      {"capture", "sake", "M23", "2025-01-24", KVM_TIME_DAY, 0, NO, 0, 0, NULL}},
     0,
     {{0}}},
    {"two days after ...: only the clause it opens",
     "2025-01-27",
     "Two days after capturing Sake, M23 fighters entered Goma.",
     2,
     {{"capture", "sake", "M23", "2025-01-25", KVM_TIME_WEEK, 0, NO, 0, 0, NULL},
      {"capture", "goma", "M23", "2025-01-27", KVM_TIME_WEEK, 0, NO, 0, 0, NULL}},
     0,
     {{0}}},
    {"a few days after: a week's precision",
     "2025-01-27",
     "The M23 captured Masisi on Saturday, a few days after seizing Katale.",
     2,
     {{"capture", "masisi-town", "M23", "2025-01-25", KVM_TIME_DAY, 0, NO, 0, 0, NULL},
      {"capture", "katale-masisi", "M23", "2025-01-22", KVM_TIME_WEEK, 0, NO, 0, 0, NULL}},
     0,
     {{0}}},
    {"a headline's undated report yields to a written date",
     "2025-01-27",
     "M23 seizes Kitshanga\n\nThe M23 took control of Kitshanga earlier this month, residents "
     "said.",
     1,
     {{"capture", "kitshanga", "M23", "2025-01", KVM_TIME_MONTH, 0, NO, 0, 0, NULL}},
     0,
     {{0}}},
    {"ceasefire",
     "2025-01-27",
     "A ceasefire agreed in Luanda took effect at midnight on Sunday.",
     1,
     {{"agreement", "luanda", NULL, NULL, 0, KVM_GEO_TOWN, NO, 0, 0, NULL}},
     0,
     {{0}}},
};

static const kvm_event *find_event(const kvm_eventset *set, const expected_event *x)
{
    for (size_t i = 0; i < kvm_eventset_event_count(set); i++) {
        const kvm_event *e = kvm_eventset_event(set, i);
        if (strcmp(kvm_event_type_name(e->type), x->type) != 0)
            continue;
        if (x->place && (!e->place || strcmp(e->place->id, x->place) != 0))
            continue;
        if (!x->place && x->count_min >= 0 && e->count_min != x->count_min)
            continue;
        return e;
    }
    return NULL;
}

static void check_event(const char *name, const kvm_event *e, const expected_event *x)
{
    char buf[16];
    if (x->actor1)
        CHECK_MSG(strcmp(e->actor1, x->actor1) == 0, "%s: actor1 '%s', expected '%s'", name,
                  e->actor1, x->actor1);
    if (x->actor2)
        CHECK_MSG(strcmp(e->actor2, x->actor2) == 0, "%s: actor2 '%s', expected '%s'", name,
                  e->actor2, x->actor2);
    if (x->date)
        CHECK_MSG(strcmp(kvm_date_format(e->date, buf), x->date) == 0 &&
                      e->time_precision == x->time_precision,
                  "%s: date %s precision %d, expected %s precision %d", name, buf,
                  e->time_precision, x->date, x->time_precision);
    if (x->geo_precision)
        CHECK_MSG(e->geo_precision == x->geo_precision, "%s: geo_precision %d, expected %d",
                  name, e->geo_precision, x->geo_precision);
    if (x->count_min != -1 || strcmp(x->type, "displacement") == 0)
        CHECK_MSG(e->count_min == x->count_min && e->count_max == x->count_max,
                  "%s: counts %lld..%lld, expected %lld..%lld", name, e->count_min, e->count_max,
                  x->count_min, x->count_max);
    if (x->origin)
        CHECK_MSG(e->origin && strcmp(e->origin->id, x->origin) == 0, "%s: origin %s, expected %s",
                  name, e->origin ? e->origin->id : "(none)", x->origin);
    if (x->destination)
        CHECK_MSG(e->destination && strcmp(e->destination->id, x->destination) == 0,
                  "%s: destination %s, expected %s", name,
                  e->destination ? e->destination->id : "(none)", x->destination);
    if (x->destination_text && x->destination_text[0])
        CHECK_MSG(strcmp(e->destination_text, x->destination_text) == 0,
                  "%s: destination_text '%s', expected '%s'", name, e->destination_text,
                  x->destination_text);
    CHECK_MSG(e->claimed == x->claimed, "%s: claimed %d, expected %d", name, e->claimed,
              x->claimed);
    CHECK_MSG(e->historical == x->historical, "%s: historical %d, expected %d", name,
              e->historical, x->historical);
    CHECK_MSG(e->evidence && e->evidence[0], "%s: no evidence sentence", name);
}

static kvm_eventset *extract_text(const kvm_gazetteer *gaz, const kvm_geoparser *parser,
                                  const char *name, const char *date, const char *text)
{
    kvm_error err = {0};
    kvm_article *article = NULL;
    kvm_mention_list mentions = {0};
    kvm_eventset *set = kvm_eventset_new();
    CHECK(set != NULL);
    if (kvm_article_from_buffer(name, text, strlen(text), &article, &err) != KVM_OK) {
        CHECK_MSG(0, "%s: %s", name, err.message);
        return set;
    }
    if (date) {
        kvm_date d;
        CHECK(kvm_parse_date(date, &d, NULL) == KVM_OK);
        kvm_article_set_date(article, d);
    }
    CHECK_MSG(kvm_geoparse(parser, article, &mentions, &err) == KVM_OK, "%s: %s", name,
              err.message);
    CHECK_MSG(kvm_extract_events(article, &mentions, gaz, set, &err) == KVM_OK, "%s: %s", name,
              err.message);
    kvm_mention_list_free(&mentions);
    kvm_article_free(article);
    return set;
}

static void dump(const char *name, const kvm_eventset *set)
{
    for (size_t i = 0; i < kvm_eventset_event_count(set); i++) {
        const kvm_event *e = kvm_eventset_event(set, i);
        char buf[16];
        fprintf(stderr, "  %s: got %s %s actor '%s' date %s\n", name, kvm_event_type_name(e->type),
                e->place ? e->place->id : "-", e->actor1, kvm_date_format(e->date, buf));
    }
}

static void test_event_cases(const kvm_gazetteer *gaz, const kvm_geoparser *parser)
{
    for (size_t c = 0; c < sizeof event_cases / sizeof event_cases[0]; c++) {
        const event_case *tc = &event_cases[c];
        kvm_eventset *set = extract_text(gaz, parser, tc->name, tc->date, tc->text);
        if (!set)
            continue;
        size_t n_ev = kvm_eventset_event_count(set);
        CHECK_MSG(n_ev == tc->n_events, "%s: %zu events, expected %zu", tc->name, n_ev,
                  tc->n_events);
        if (n_ev != tc->n_events)
            dump(tc->name, set);
        for (size_t k = 0; k < tc->n_events; k++) {
            const kvm_event *e = find_event(set, &tc->events[k]);
            CHECK_MSG(e != NULL, "%s: no %s event at %s", tc->name, tc->events[k].type,
                      tc->events[k].place ? tc->events[k].place : "(any)");
            if (e)
                check_event(tc->name, e, &tc->events[k]);
        }
        size_t n_cl = kvm_eventset_claim_count(set);
        CHECK_MSG(n_cl == tc->n_claims, "%s: %zu claims, expected %zu", tc->name, n_cl,
                  tc->n_claims);
        for (size_t k = 0; k < tc->n_claims && k < n_cl; k++) {
            const kvm_claim *cl = kvm_eventset_claim(set, k);
            const expected_claim *x = &tc->claims[k];
            CHECK_MSG(strcmp(cl->from->id, x->from) == 0 && strcmp(cl->to->id, x->to) == 0,
                      "%s: claim %s -> %s, expected %s -> %s", tc->name, cl->from->id,
                      cl->to->id, x->from, x->to);
            CHECK_NEAR(cl->stated_km, x->km, 1e-9);
            CHECK_NEAR(cl->stated_miles, x->miles, 1e-9);
            CHECK_STR(cl->direction, x->direction);
            /* the geodesic distance is computed, and the verdict follows from it */
            double ratio = 0;
            CHECK(cl->computed_km > 1 && cl->computed_km < 500);
            CHECK(cl->verdict == kvm_verdict_for(cl->stated_km, cl->computed_km, &ratio));
            CHECK_NEAR(cl->ratio, cl->stated_km / cl->computed_km, 1e-9);
        }
        kvm_eventset_free(set);
    }
}

/* Sake is ~23 km west-northwest of Goma: "25 km west" is consistent and the direction
 * right; Masisi is ~55 km WNW of Goma: "80 km north" is long and off. */
static void test_claim_verdicts(const kvm_gazetteer *gaz, const kvm_geoparser *parser)
{
    kvm_eventset *set = extract_text(gaz, parser, "verdicts", "2025-01-27",
                                     "Sake lies 25 km west of Goma. Masisi is about 80 km north "
                                     "of Goma.");
    CHECK(kvm_eventset_claim_count(set) == 2);
    if (kvm_eventset_claim_count(set) == 2) {
        const kvm_claim *sake = kvm_eventset_claim(set, 0), *masisi = kvm_eventset_claim(set, 1);
        CHECK_NEAR(sake->computed_km, 23.0, 3.0);
        CHECK(sake->verdict == KVM_VERDICT_CONSISTENT);
        CHECK(sake->direction_ok == 1);
        CHECK_NEAR(sake->bearing_deg, 298.0, 10.0); /* WNW: within 45 deg of west */
        CHECK_NEAR(masisi->computed_km, 55.0, 5.0);
        CHECK(masisi->direction_ok == 0);
        CHECK(masisi->verdict != KVM_VERDICT_CONSISTENT);
    }
    kvm_eventset_free(set);
}

/* Without a date, "earlier last week" must still come before "over the
 * weekend" in the set (advances are drawn in that order). */
static void test_undated_order(const kvm_gazetteer *gaz, const kvm_geoparser *parser)
{
    kvm_eventset *set = extract_text(gaz, parser, "undated", NULL,
                                     "The M23 took Masisi over the past weekend. Earlier last "
                                     "week the rebels captured Katale.");
    CHECK(kvm_eventset_event_count(set) == 2);
    if (kvm_eventset_event_count(set) == 2) {
        const kvm_event *a = kvm_eventset_event(set, 0), *b = kvm_eventset_event(set, 1);
        CHECK_STR(a->place ? a->place->id : "", "katale-masisi");
        CHECK_STR(b->place ? b->place->id : "", "masisi-town");
        CHECK(a->date.year == 0 && b->date.year == 0);
        CHECK(a->time_precision == KVM_TIME_WEEK);
        CHECK_STR(b->actor1, "M23");
    }
    kvm_eventset_free(set);
}

/* Inputs that must not crash or hang: empty text, one long sentence. */
static void test_robustness(const kvm_gazetteer *gaz, const kvm_geoparser *parser)
{
    kvm_eventset *set = extract_text(gaz, parser, "empty", NULL, "");
    CHECK(kvm_eventset_event_count(set) == 0);
    kvm_eventset_free(set);
    size_t n = 200000;
    char *big = malloc(n + 1);
    CHECK(big != NULL);
    if (!big)
        return;
    for (size_t i = 0; i < n; i++)
        big[i] = "M23 captured Sake and 5 km "[i % 27];
    big[n] = '\0';
    set = extract_text(gaz, parser, "long", "2025-01-27", big);
    CHECK(kvm_eventset_status(set) == KVM_OK);
    CHECK(kvm_eventset_event_count(set) >= 1);
    kvm_eventset_free(set);
    free(big);
}

int main(void)
{
    test_counts();
    test_dates();
    test_keywords();
    kvm_error err = {0};
    kvm_gazetteer *gaz = kvm_gazetteer_new();
    kvm_geoparser *parser = NULL;
    CHECK(gaz != NULL);
    CHECK_MSG(kvm_gazetteer_load_buffer(gaz, "test.csv", test_gazetteer, strlen(test_gazetteer),
                                        &err) == KVM_OK,
              "%s", err.message);
    CHECK_MSG(kvm_geoparser_new(gaz, &parser, &err) == KVM_OK, "%s", err.message);
    if (parser) {
        test_event_cases(gaz, parser);
        test_claim_verdicts(gaz, parser);
        test_undated_order(gaz, parser);
        test_robustness(gaz, parser);
    }
    kvm_geoparser_free(parser);
    kvm_gazetteer_free(gaz);
    return test_report("events");
}
