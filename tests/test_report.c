/* Reports: JSON and JSON Lines written, read back (by us and by Python's
 * json module when present), written again byte for byte; errors for bad
 * input name FILE:LINE:COLUMN and leave the set untouched. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kivumap/kivumap.h"
#include "testlib.h"

static const char test_gazetteer[] =
    "id,name,alt_names,kind,lat,lon,admin2,admin1,country,population,source\n"
    "goma,Goma,,city,-1.67409,29.22845,Goma,North Kivu,CD,2000000,test\n"
    "sake,Sake,Saké,town,-1.57386,29.04339,Masisi,North Kivu,CD,0,test\n"
    "katale-masisi,Katale,,village,-1.438,28.848,Masisi,North Kivu,CD,0,test\n"
    "masisi-town,Masisi,,town,-1.4,28.817,Masisi,North Kivu,CD,0,test\n"
    "north-kivu,North Kivu,Nord-Kivu,province,-0.8,29.0,,North Kivu,CD,0,test\n"
    "uganda,Uganda,,country,1.37,32.29,,,UG,0,test\n";

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

/* A set with a bit of everything: two articles (one undated), mentions,
 * captures merged across articles, displacement with nulls, claims. */
static kvm_eventset *sample_set(void)
{
    kvm_eventset *set = kvm_eventset_new();
    size_t a = kvm_eventset_add_article(set, "seeds/000_a.txt", date(0, 0, 0));
    size_t b = kvm_eventset_add_article(set, "dir/001_b.txt", date(2025, 1, 27));
    kvm_mention m1 = {12, 18, place("masisi-town"), 2, "kind-word", 0.95};
    kvm_mention m2 = {40, 46, place("katale-masisi"), 2, "neighbours", 0.8};
    kvm_mention m3 = {70, 74, place("goma"), 1, "unique", 1.0};
    kvm_mention m4 = {80, 85, NULL, 0, "", 0.0};
    kvm_eventset_add_mention(set, a, &m1, "Masisi");
    kvm_eventset_add_mention(set, a, &m2, "Katale");
    kvm_eventset_add_mention(set, a, &m3, "Goma\xE2\x80\x99s");
    kvm_eventset_add_mention(set, a, &m4, "Nowhere");
    kvm_eventset_add_mention(set, b, &m1, "Masisi");

    kvm_event e;
    kvm_event_init(&e);
    e.type = KVM_EVENT_CAPTURE;
    e.article = a;
    e.actor1 = "M23";
    e.place = place("katale-masisi");
    e.geo_precision = KVM_GEO_TOWN;
    e.evidence = "M23 \"captured\" Katale\tand Masisi \xE2\x80\x94 a line\nbreak.";
    e.mention = "Katale";
    e.method = "neighbours";
    e.confidence = 0.8;
    e.mention_start = 40;
    e.mention_end = 46;
    kvm_eventset_add_event(set, &e);
    e.place = place("masisi-town");
    e.mention = "Masisi";
    e.mention_start = 12;
    e.mention_end = 18;
    kvm_eventset_add_event(set, &e);
    e.article = b;
    e.date = date(2025, 1, 25);
    e.time_precision = KVM_TIME_WEEK;
    e.evidence = "Over the weekend Masisi fell.";
    kvm_eventset_add_event(set, &e);
    e.place = place("katale-masisi");
    e.date = date(2025, 1, 20);
    e.claimed = 1;
    e.actor2 = "FARDC";
    e.fatalities = 12;
    kvm_eventset_add_event(set, &e);

    kvm_event d;
    kvm_event_init(&d);
    d.type = KVM_EVENT_DISPLACEMENT;
    d.article = a;
    d.place = place("north-kivu");
    d.geo_precision = KVM_GEO_REGION;
    d.date = date(2024, 0, 0);
    d.time_precision = KVM_TIME_YEAR;
    d.count_min = 1000000;
    d.origin = place("north-kivu");
    d.destination_text = "neighbouring countries";
    d.evidence = "Over a \"million\"\tpeople \xE2\x80\x94 displaced\nthen.";
    kvm_eventset_add_event(set, &d);
    d.count_min = 10000;
    d.count_max = 20000;
    d.destination = place("uganda");
    d.destination_text = "";
    d.historical = 1;
    d.place = NULL;
    d.geo_precision = 0;
    d.date = date(0, 0, 0);
    d.time_precision = 0;
    kvm_eventset_add_event(set, &d);

    kvm_claim c;
    memset(&c, 0, sizeof c);
    c.from = place("masisi-town");
    c.to = place("goma");
    c.stated_km = 80;
    c.stated_miles = 50;
    c.direction = "N";
    c.qualifier = "about";
    double km, az;
    kvm_geodesic_inverse((kvm_lonlat){c.to->lon, c.to->lat}, (kvm_lonlat){c.from->lon, c.from->lat},
                         &km, &az, NULL);
    c.computed_km = km;
    c.bearing_deg = az < 0 ? az + 360 : az;
    c.verdict = kvm_verdict_for(c.stated_km, km, &c.ratio);
    c.direction_ok = 1;
    c.evidence = "Masisi, about 80 kilometres (50 miles) north of Goma.";
    c.article = b;
    kvm_eventset_add_claim(set, &c);
    c.stated_miles = 0;
    c.direction = "";
    c.qualifier = "";
    c.direction_ok = -1;
    c.article = a;
    kvm_eventset_add_claim(set, &c);

    kvm_eventset_add_article(set, "empty.txt", date(2025, 2, 1));
    kvm_error err;
    if (kvm_eventset_merge_duplicates(set, &err) != KVM_OK ||
        kvm_eventset_compute_advances(set, &err) != KVM_OK) {
        fprintf(stderr, "sample set: %s\n", err.message);
        exit(1);
    }
    return set;
}

/* The set written to a memory string. Caller frees. */
static char *write_to_string(const kvm_eventset *set, int jsonl, size_t *plen)
{
    char *data = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&data, &len);
    kvm_error err = {0, ""};
    kvm_status s =
        jsonl ? kvm_report_write_jsonl(set, fp, &err) : kvm_report_write_json(set, fp, &err);
    fclose(fp);
    CHECK_MSG(s == KVM_OK, "write failed: %s", err.message);
    if (plen)
        *plen = len;
    return data;
}

static int write_file(const char *path, const char *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    if (!fp)
        return -1;
    size_t n = fwrite(data, 1, len, fp);
    return fclose(fp) == 0 && n == len ? 0 : -1;
}

static void test_round_trip(void)
{
    kvm_eventset *set = sample_set();
    CHECK(kvm_eventset_event_count(set) == 4); /* Katale and Masisi merged */
    CHECK(kvm_eventset_advance_count(set) == 1);
    size_t len1;
    char *json1 = write_to_string(set, 0, &len1);
    /* Spot checks on the text. */
    CHECK(strstr(json1, "{\n  \"articles\": [\n    {\n      \"file\": \"seeds/000_a.txt\",\n"
                        "      \"date\": null,\n") != NULL);
    CHECK(strstr(json1, "\"lat\": -1.400000,") != NULL);
    CHECK(strstr(json1, "\"lon\": 28.817000,") != NULL);
    CHECK(strstr(json1, "\"event_type\": \"Battles\",") != NULL);
    CHECK(strstr(json1, "\"sub_event_type\": \"Non-state actor overtakes territory\",") != NULL);
    CHECK(strstr(json1, "\"Over a \\\"million\\\"\\tpeople \xE2\x80\x94 displaced\\nthen.\"") !=
          NULL);
    CHECK(strstr(json1, "\"sources\": [\n            \"dir/001_b.txt\",\n"
                        "            \"seeds/000_a.txt\"\n          ]") != NULL);
    CHECK(strstr(json1, "\"count_max\": null,") != NULL);
    CHECK(strstr(json1, "\"verdict\": \"road-plausible\",") != NULL);
    CHECK(strstr(json1, "\"computed_km\": 54.908,") != NULL); /* GeodSolve: 54908.131642 m */
    CHECK(strstr(json1, "\"dist_km\": 5.437,") != NULL);      /* GeodSolve: 5436.636370 m */
    CHECK(strstr(json1,
                 "\"file\": \"empty.txt\",\n      \"date\": \"2025-02-01\",\n"
                 "      \"mentions\": [],\n      \"events\": [],\n      \"claims\": []\n") != NULL);
    CHECK(json1[len1 - 1] == '\n');

    /* Write -> read (file) -> write gives the same bytes. */
    const char *path = "test_report_out.json";
    CHECK(write_file(path, json1, len1) == 0);
    kvm_eventset *back = kvm_eventset_new();
    kvm_error err = {0, ""};
    CHECK_MSG(kvm_report_read(back, path, &err) == KVM_OK, "%s", err.message);
    CHECK(kvm_eventset_article_count(back) == 3);
    CHECK(kvm_eventset_event_count(back) == 4);
    CHECK(kvm_eventset_claim_count(back) == 2);
    CHECK(kvm_eventset_advance_count(back) == 0); /* recomputed by readers */
    CHECK(kvm_eventset_compute_advances(back, &err) == KVM_OK);
    size_t len2;
    char *json2 = write_to_string(back, 0, &len2);
    CHECK(len1 == len2 && memcmp(json1, json2, len1) == 0);
    if (len1 != len2 || memcmp(json1, json2, len1) != 0)
        write_file("test_report_out2.json", json2, len2);
    /* What the reader rebuilt, field by field. */
    const kvm_event *masisi = NULL;
    for (size_t i = 0; i < kvm_eventset_event_count(back); i++) {
        const kvm_event *e = kvm_eventset_event(back, i);
        if (e->place && strcmp(e->place->id, "masisi-town") == 0)
            masisi = e;
    }
    CHECK(masisi != NULL);
    if (masisi) {
        CHECK(masisi->n_sources == 2 && masisi->article == 1 && masisi->sources[1] == 0);
        CHECK(masisi->date.day == 25 && masisi->time_precision == KVM_TIME_WEEK);
        CHECK_NEAR(masisi->place->lat, -1.4, 1e-12);
        CHECK(masisi->place->kind == KVM_KIND_TOWN);
        CHECK_STR(masisi->mention, "Masisi");
        CHECK(masisi->mention_start == 12 && masisi->mention_end == 18);
    }
    CHECK(kvm_eventset_article(back, 0)->n_mentions == 4);
    CHECK(kvm_eventset_article(back, 0)->mentions[3].place == NULL);
    CHECK_STR(kvm_eventset_article(back, 0)->mention_texts[2], "Goma\xE2\x80\x99s");
    CHECK(kvm_eventset_place_mentions(back, place("masisi-town")) == 2);

    /* JSON Lines: write -> read (buffer) -> write gives the same bytes, and
     * the JSON written from it equals the original JSON. */
    size_t l1;
    char *jl1 = write_to_string(set, 1, &l1);
    const char *jl_head = "{\"id\":\"seeds/000_a.txt\",\"file\":\"seeds/000_a.txt\",\"date\":null,";
    CHECK(strncmp(jl1, jl_head, strlen(jl_head)) == 0);
    CHECK(strstr(jl1, "{\"id\":\"empty.txt\",\"file\":\"empty.txt\",\"date\":\"2025-02-01\","
                      "\"mentions\":[],\"events\":[],\"claims\":[]}\n") != NULL);
    size_t lines = 0;
    for (size_t i = 0; i < l1; i++)
        lines += jl1[i] == '\n';
    CHECK(lines == 3);
    kvm_eventset *back2 = kvm_eventset_new();
    CHECK_MSG(kvm_report_read_buffer(back2, "mem.jsonl", jl1, l1, &err) == KVM_OK, "%s",
              err.message);
    size_t l2;
    char *jl2 = write_to_string(back2, 1, &l2);
    CHECK(l1 == l2 && memcmp(jl1, jl2, l1) == 0);
    CHECK(kvm_eventset_compute_advances(back2, &err) == KVM_OK);
    size_t len3;
    char *json3 = write_to_string(back2, 0, &len3);
    CHECK(len1 == len3 && memcmp(json1, json3, len1) == 0);

    /* Reading appends: the JSON file into a set that has something. */
    CHECK(kvm_report_read(back2, path, &err) == KVM_OK);
    CHECK(kvm_eventset_article_count(back2) == 6 && kvm_eventset_event_count(back2) == 8);
    CHECK(kvm_eventset_event(back2, 7)->n_sources == 2);
    CHECK(kvm_eventset_event(back2, 7)->sources[0] == 4 &&
          kvm_eventset_event(back2, 7)->sources[1] == 3);

    /* An independent reader: Python's json module, when installed. */
    if (test_run("command -v python3 >/dev/null", NULL, NULL) == 0) {
        char *out = NULL;
        int rc = test_run(
            "python3 -c 'import json,sys; "
            "d=json.load(open(\"test_report_out.json\",encoding=\"utf-8\"));"
            "e=d[\"articles\"][1][\"events\"][0];"
            "print(len(d[\"articles\"]), e[\"place\"][\"id\"], e[\"place\"][\"lat\"], "
            "e[\"sources\"][1], d[\"advances\"][0][\"dist_km\"], "
            "d[\"articles\"][0][\"mentions\"][2][\"text\"].encode(\"unicode_escape\").decode())'",
            &out, NULL);
        CHECK(rc == 0);
        CHECK_STR(out, "3 katale-masisi -1.438 seeds/000_a.txt 5.437 Goma\\u2019s\n");
        free(out);
        CHECK(write_file("test_report_out.jsonl", jl1, l1) == 0);
        rc = test_run("python3 -c 'import json,sys\nfor l in open(\"test_report_out.jsonl\"): "
                      "json.loads(l)'",
                      NULL, NULL);
        CHECK(rc == 0);
    }
    free(json1);
    free(json2);
    free(json3);
    free(jl1);
    free(jl2);
    kvm_eventset_free(back);
    kvm_eventset_free(back2);
    kvm_eventset_free(set);
}

/* Bad inputs: the message (after "NAME:") and the set left as it was. */
static void test_errors(void)
{
    static const struct {
        const char *input;
        const char *message;
    } cases[] = {
        {"{\"file\":\"a\",\"events\":[{\"type\":\"capture\",\"count_min\":\"7\"}]}",
         "x:1:53: 'count_min' must be an integer or null, not string"},
        {"{\"file\":\"a\",\"events\":[{\"type\":\"ambush\"}]}",
         "x:1:31: unknown event type 'ambush'"},
        {"{\"file\":\"a\",\"events\":[{\"type\":\"clash\",\"place\":{\"id\":\"p\",\"lat\":91.5,"
         "\"lon\":0}}]}",
         "x:1:63: 'lat' out of range: 91.5 (-90 to 90)"},
        {"{\"file\":\"a\",\"events\":[{\"type\":\"clash\",\"place\":{\"id\":\"p\",\"lat\":1,"
         "\"lon\":-180.5}}]}",
         "x:1:71: 'lon' out of range: -180.5 (-180 to 180)"},
        {"{\"file\":\"a\",\"events\":[{\"type\":\"clash\",\"place\":{\"id\":\"p\"}}]}",
         "x:1:47: place 'p' has no 'lat' and 'lon'"},
        {"{\"file\":\"a\",\"events\":[{\"type\":\"clash\",\"place\":{\"id\":\"p\",\"lat\":1,"
         "\"lon\":1,\"kind\":\"hamlet\"}}]}",
         "x:1:80: unknown place kind 'hamlet'"},
        {"{\"file\":\"a\",\"date\":\"2025-02-30\"}", "x:1:20: 'date': bad date '2025-02-30'"},
        {"{\"file\":\"a\",\"events\":[{\"type\":\"capture\",\"historical\":1}]}",
         "x:1:54: 'historical' must be true, false or null, not number"},
        {"{\"file\":\"a\",\"events\":[{\"type\":\"capture\",\"count_min\":1.5}]}",
         "x:1:53: 'count_min' must be an integer, not 1.5"},
        {"{\"file\":\"a\",\"events\":[{\"type\":\"capture\",\"claimed\":2}]}",
         "x:1:51: 'claimed' out of range: 2 (-1 to 1)"},
        {"{\"file\":\"a\",\"events\":{}}", "x:1:22: 'events' must be an array, not object"},
        {"{\"file\":\"a\",\"mentions\":[{\"start\":1}]}", "x:1:25: missing 'text'"},
        {"{\"file\":\"a\",\"mentions\":[{\"text\":\"G\",\"start\":5,\"end\":2}]}",
         "x:1:53: 'end' before 'start'"},
        {"{\"file\":\"a\",\"claims\":[{\"verdict\":\"maybe\"}]}",
         "x:1:34: unknown verdict 'maybe'"},
        {"{\"file\":\"a\"}\n{\"file\":\"b\"}\n\n{\"file\":\"c\",\"date\":5}\n",
         "x:4:20: 'date' must be a string or null, not number"},
        {"{\"file\":\"a\"}\n{\"file\":\"b\"\n", "x:2:12: unexpected end of input"},
        {"{\"nofile\":1}", "x:1:1: article without 'file' or 'id'"},
        {"[1,2]", "x:1:1: expected a JSON object"},
        {"{\n  \"articles\": [\n    {\"file\": \"a\"},\n", "x:4:1: unexpected end of input"},
        {"{\n  \"articles\": 5\n}", "x:2:15: 'articles' must be an array"},
        {"{\n  \"other\": [1, 2]\n}", "x:3:2: not a kivumap report: no \"articles\" array"},
        {"{\n  \"articles\": [{\"file\":\"a\"}] ,\n \"x\": tru }",
         "x:3:7: unexpected 't', expected a value"},
        {"{\"file\":\"a\",\"events\":[{\"type\":\"capture\",\"sources\":[\"a\",3]}]}",
         "x:1:56: 'sources' must be an array of file names, not number"},
    };
    kvm_eventset *set = kvm_eventset_new();
    kvm_error err = {0, ""};
    CHECK(kvm_report_read_buffer(set, "x", "{\"file\":\"keep.txt\"}", 19, &err) == KVM_OK);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        err.message[0] = '\0';
        kvm_status s =
            kvm_report_read_buffer(set, "x", cases[i].input, strlen(cases[i].input), &err);
        CHECK_MSG(s == KVM_ERR_PARSE, "case %zu accepted", i);
        CHECK_MSG(strncmp(err.message, cases[i].message, strlen(cases[i].message)) == 0,
                  "case %zu: \"%s\", expected \"%s\"", i, err.message, cases[i].message);
        CHECK(kvm_eventset_article_count(set) == 1 && kvm_eventset_event_count(set) == 0);
    }
    CHECK(kvm_eventset_status(set) == KVM_OK);
    CHECK_STR(kvm_eventset_article(set, 0)->name, "keep.txt");

    /* A truncated report file. */
    kvm_eventset *sample = sample_set();
    size_t len;
    char *json = write_to_string(sample, 0, &len);
    CHECK(write_file("test_report_cut.json", json, len / 2) == 0);
    CHECK(kvm_report_read(set, "test_report_cut.json", &err) == KVM_ERR_PARSE);
    CHECK(strncmp(err.message, "test_report_cut.json:", 21) == 0);
    CHECK(strstr(err.message, "unexpected end of input") != NULL);
    CHECK(kvm_eventset_article_count(set) == 1);
    CHECK(kvm_report_read(set, "no/such/file.json", &err) == KVM_ERR_IO);
    CHECK_STR(err.message, "cannot open 'no/such/file.json': No such file or directory");
    CHECK(kvm_report_read(set, ".", &err) == KVM_ERR_IO);
    CHECK_STR(err.message, "cannot read '.': Is a directory");

    /* Empty input is an empty report; unknown keys are ignored; a source
     * naming an article not in the file becomes an article. */
    CHECK(kvm_report_read_buffer(set, "e", "", 0, &err) == KVM_OK);
    CHECK(kvm_report_read_buffer(set, "e", " \n\n", 3, &err) == KVM_OK);
    CHECK(kvm_eventset_article_count(set) == 1);
    const char *extra = "{\"file\":\"n.txt\",\"future\":[1],\"events\":[{\"type\":\"clash\","
                        "\"sources\":[\"n.txt\",\"elsewhere.txt\"],\"new_field\":{}}]}";
    CHECK_MSG(kvm_report_read_buffer(set, "e", extra, strlen(extra), &err) == KVM_OK, "%s",
              err.message);
    CHECK(kvm_eventset_article_count(set) == 3);
    CHECK_STR(kvm_eventset_article(set, 2)->name, "elsewhere.txt");
    CHECK(kvm_eventset_event(set, 0)->n_sources == 2 &&
          kvm_eventset_event(set, 0)->sources[1] == 2);
    CHECK_STR(kvm_eventset_event(set, 0)->id, "n-1"); /* no id given: assigned */

    /* Other spellings of the two shapes: compact JSON (jq -c), JSON Lines
     * with a byte order mark and CRLF line ends. */
    kvm_eventset *other = kvm_eventset_new();
    const char *compact = "{\"advances\":[{\"x\":[1,{}]}],\"articles\":[{\"file\":\"c1.txt\","
                          "\"date\":\"2025-01\"},{\"file\":\"c2.txt\"}]}";
    CHECK_MSG(kvm_report_read_buffer(other, "c", compact, strlen(compact), &err) == KVM_OK, "%s",
              err.message);
    CHECK(kvm_eventset_article_count(other) == 2);
    CHECK(kvm_eventset_article(other, 0)->date.month == 1 &&
          kvm_eventset_article(other, 0)->date.day == 0);
    const char *crlf = "\xEF\xBB\xBF{\"id\":\"j1\"}\r\n\r\n{\"id\":\"j2\",\"date\":null}\r\n";
    CHECK_MSG(kvm_report_read_buffer(other, "j", crlf, strlen(crlf), &err) == KVM_OK, "%s",
              err.message);
    CHECK(kvm_eventset_article_count(other) == 4);
    CHECK_STR(kvm_eventset_article(other, 3)->name, "j2");
    kvm_eventset_free(other);

    /* A write error is reported (only on a real /dev/full: never create it). */
    struct stat st;
    FILE *full =
        stat("/dev/full", &st) == 0 && S_ISCHR(st.st_mode) ? fopen("/dev/full", "w") : NULL;
    if (full) {
        CHECK(kvm_report_write_json(sample, full, &err) == KVM_ERR_IO);
        fclose(full);
    }
    free(json);
    kvm_eventset_free(sample);
    kvm_eventset_free(set);
}

static void test_write_string(void)
{
    char *data = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&data, &len);
    kvm_json_write_string(fp, "a\"b\x01\xC3\xA9\xFF");
    fclose(fp);
    CHECK_STR(data, "\"a\\\"b\\u0001\xC3\xA9\xEF\xBF\xBD\"");
    free(data);
}

/* Many articles and events: linear behaviour, checked on a size that runs in
 * well under a second (bench figures come from a separate run). */
static void test_scale(void)
{
    kvm_eventset *set = kvm_eventset_new();
    const char *ids[] = {"goma", "sake", "katale-masisi", "masisi-town"};
    for (int a = 0; a < 5000; a++) {
        char name[32];
        snprintf(name, sizeof name, "art/%05d.txt", a);
        size_t ai = kvm_eventset_add_article(set, name, date(2025, 1, 1 + a % 28));
        for (int k = 0; k < 4; k++) {
            kvm_event e;
            kvm_event_init(&e);
            e.type = KVM_EVENT_CLASH;
            e.article = ai;
            e.actor1 = "M23";
            e.place = place(ids[k]);
            e.geo_precision = KVM_GEO_TOWN;
            e.date = date(2025, 1, 1 + a % 28);
            e.time_precision = KVM_TIME_DAY;
            e.evidence = "Fighting was reported.";
            kvm_eventset_add_event(set, &e);
        }
    }
    size_t l1;
    char *jl = write_to_string(set, 1, &l1);
    kvm_eventset *back = kvm_eventset_new();
    kvm_error err;
    CHECK(kvm_report_read_buffer(back, "big.jsonl", jl, l1, &err) == KVM_OK);
    CHECK(kvm_eventset_event_count(back) == 20000);
    CHECK(kvm_eventset_merge_duplicates(back, &err) == KVM_OK);
    CHECK(kvm_eventset_event_count(back) == 4 * 28); /* one per place and day */
    size_t sources = 0;
    for (size_t i = 0; i < kvm_eventset_event_count(back); i++)
        sources += kvm_eventset_event(back, i)->n_sources;
    CHECK(sources == 20000);
    free(jl);
    kvm_eventset_free(back);
    kvm_eventset_free(set);
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
    test_round_trip();
    test_errors();
    test_write_string();
    test_scale();
    kvm_gazetteer_free(gaz);
    return test_report("test_report");
}
