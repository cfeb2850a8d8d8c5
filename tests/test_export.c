/* Exports read back by an independent reader (GDAL's ogrinfo): every layer's
 * feature count, geometry type, SRS, field names and types, and values
 * (dates, accented names, notes cut at a character boundary), the CSV header
 * against ACLED's list, and the failure paths (injected full disk, missing
 * parent, /dev/full) leaving no partial layer and no temporary file. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export/export_internal.h"
#include "kivumap/kivumap.h"
#include "testlib.h"

static const char gazetteer_csv[] =
    "id,name,alt_names,kind,lat,lon,admin2,admin1,country,population,source\n"
    "goma,Goma,,city,-1.6792,29.2228,Nyiragongo,North Kivu,CD,670000,test\n"
    "sake,Sake,,town,-1.5736,29.0453,Masisi,North Kivu,CD,0,test\n"
    "kitshanga,Kitshanga,Kitchanga,town,-1.4025,28.8227,Masisi,North Kivu,CD,0,test\n"
    "bweremana,Bwéremana,,village,-1.6856,29.0411,Masisi,South Kivu,CD,0,test\n"
    "nyiragongo-territory,Nyiragongo,,territory,-1.5167,29.2500,,North Kivu,CD,0,test\n"
    "north-kivu,North Kivu,Nord-Kivu,province,-0.7918,29.0459,,,CD,0,test\n"
    "gisenyi,Gisenyi,Rubavu,city,-1.7023,29.2564,Rubavu,Western,RW,0,test\n";

static kvm_gazetteer *gaz;

static const kvm_place *place(const char *id)
{
    return test_place(gaz, id);
}

static char long_note[400]; /* 'a' + 150 x "é": byte 254 falls inside a character */
static char cut_note[400];  /* what the DBF must hold: 'a' + 126 x "é" (253 bytes) */

static kvm_date date(int y, int m, int d)
{
    kvm_date dt = {y, m, d};
    return dt;
}

static void add_capture(kvm_eventset *set, size_t article, const char *id, const char *where,
                        kvm_date when, const char *evidence)
{
    kvm_event e;
    kvm_event_init(&e);
    e.id = id;
    e.type = KVM_EVENT_CAPTURE;
    e.actor1 = "M23";
    e.actor2 = "FARDC";
    e.place = place(where);
    e.geo_precision = KVM_GEO_TOWN;
    e.date = when;
    e.time_precision = KVM_TIME_DAY;
    e.evidence = evidence;
    e.mention = e.place ? e.place->name : "";
    e.method = "unique";
    e.confidence = 0.9;
    e.article = article;
    e.mention_start = 10;
    e.mention_end = 14;
    kvm_eventset_add_event(set, &e);
}

static kvm_eventset *build_set(void)
{
    kvm_eventset *set = kvm_eventset_new();
    size_t a1 = kvm_eventset_add_article(set, "reuters-goma.txt", date(2025, 1, 28));
    size_t a2 = kvm_eventset_add_article(set, "aljazeera, \"goma\".txt", date(2025, 1, 29));
    kvm_mention m = {0, 4, place("goma"), 1, "unique", 1.0};
    kvm_eventset_add_mention(set, a1, &m, "Goma");
    kvm_eventset_add_mention(set, a2, &m, "Goma");
    m.place = place("kitshanga");
    kvm_eventset_add_mention(set, a1, &m, "Kitshanga");

    add_capture(set, a1, "t-1", "sake", date(2025, 1, 23),
                "Rebels took Sake, the last town "
                "before Goma.");
    add_capture(set, a1, "t-2", "goma", date(2025, 1, 27), "M23 said it had taken Goma.");
    add_capture(set, a1, "t-3", "kitshanga", date(2024, 6, 0), "Kitshanga fell in June.");
    kvm_eventset_add_event_source(set, 1, a2);

    kvm_event e;
    kvm_event_init(&e); /* region-level clash, long multibyte note */
    e.id = "t-4";
    e.type = KVM_EVENT_CLASH;
    e.actor1 = "FARDC";
    e.place = place("north-kivu");
    e.geo_precision = KVM_GEO_REGION;
    e.evidence = long_note;
    e.article = a2;
    kvm_eventset_add_event(set, &e);

    kvm_event_init(&e); /* displacement with both ends: a line */
    e.id = "t-5";
    e.type = KVM_EVENT_DISPLACEMENT;
    e.place = place("sake");
    e.origin = place("sake");
    e.destination = place("goma");
    e.count_min = 100000;
    e.count_max = 150000;
    e.date = date(2025, 1, 24);
    e.evidence = "Up to 150,000 people fled Sake for Goma.";
    e.article = a1;
    kvm_eventset_add_event(set, &e);

    kvm_event_init(&e); /* displacement with the origin only: a point */
    e.id = "t-6";
    e.type = KVM_EVENT_DISPLACEMENT;
    e.place = place("bweremana");
    e.origin = place("bweremana");
    e.destination_text = "neighbouring countries";
    e.count_min = 5000;
    e.evidence = "Families left Bwéremana.";
    e.article = a2;
    kvm_eventset_add_event(set, &e);

    kvm_event_init(&e); /* no place: CSV only */
    e.id = "t-7";
    e.type = KVM_EVENT_AGREEMENT;
    e.evidence = "Talks were announced.";
    e.article = a2;
    kvm_eventset_add_event(set, &e);

    kvm_claim c;
    memset(&c, 0, sizeof c);
    c.from = place("sake");
    c.to = place("goma");
    c.stated_km = 25;
    c.direction = "W";
    c.qualifier = "about";
    kvm_geodesic_inverse((kvm_lonlat){c.to->lon, c.to->lat}, (kvm_lonlat){c.from->lon, c.from->lat},
                         &c.computed_km, &c.bearing_deg, NULL);
    c.verdict = kvm_verdict_for(c.stated_km, c.computed_km, &c.ratio);
    c.direction_ok = 1;
    c.evidence = "Sake, about 25 km west of Goma.";
    c.article = a1;
    kvm_eventset_add_claim(set, &c);

    kvm_error err;
    CHECK(kvm_eventset_compute_advances(set, &err) == KVM_OK);
    CHECK(kvm_eventset_status(set) == KVM_OK);
    return set;
}

/* ---- helpers ---------------------------------------------------------- */

static char *ogrinfo(const char *args)
{
    char cmd[1024];
    char *out = NULL;
    snprintf(cmd, sizeof cmd, "ogrinfo -ro %s", args);
    int rc = test_run(cmd, &out, NULL);
    CHECK_MSG(rc == 0, "'%s' exited %d", cmd, rc);
    if (!out)
        out = calloc(1, 1);
    return out;
}

static void check_contains(const char *haystack, const char *needle, const char *where)
{
    CHECK_MSG(strstr(haystack, needle) != NULL, "%s: missing \"%s\"", where, needle);
}

static int has_ogrinfo(void)
{
    return test_run("ogrinfo --version", NULL, NULL) == 0;
}

/* Names in dir, sorted, joined by spaces. */
static void list_dir(const char *dir, char *out, size_t cap)
{
    char cmd[512];
    char *text = NULL;
    snprintf(cmd, sizeof cmd, "ls -A '%s' | tr '\\n' ' '", dir);
    out[0] = '\0';
    if (test_run(cmd, &text, NULL) == 0 && text)
        snprintf(out, cap, "%s", text);
    free(text);
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");
    if (fp) {
        fputs(text, fp);
        fclose(fp);
    }
}

/* ---- tests -------------------------------------------------------------- */

static void test_format_helpers(void)
{
    static const struct {
        double v;
        int decimals;
        const char *want;
    } cases[] = {
        {29.2228, 6, "29.222800"},        {-1.6792, 6, "-1.679200"}, {0.0, 3, "0.000"},
        {-0.0000001, 6, "0.000000"},      {1e-7, 3, "0.000"},        {123.4567, 1, "123.5"},
        {-179.9999995, 6, "-180.000000"}, {42.0, 0, "42"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[64];
        kvm_format_fixed(buf, cases[i].v, cases[i].decimals);
        CHECK_STR(buf, cases[i].want);
    }
    char buf[32];
    kvm_format_int(buf, -9223372036854775807LL - 1);
    CHECK_STR(buf, "-9223372036854775808");
    kvm_error err;
    CHECK(kvm_export_parse_formats("shp,csv", &err) == (KVM_EXPORT_SHP | KVM_EXPORT_CSV));
    CHECK(kvm_export_parse_formats("all", &err) == KVM_EXPORT_ALL);
    CHECK(kvm_export_parse_formats("shp,kml", &err) == 0);
    CHECK(strstr(err.message, "'kml'") != NULL);
    CHECK(kvm_acled_inter("M23") == 2);
    CHECK(kvm_acled_inter("FARDC") == 1);
    CHECK(kvm_acled_inter("M23/AFC") == 2);
    CHECK(kvm_acled_inter("XM23") == 0);
}

static void test_events_layer(const char *dir)
{
    char args[512];
    snprintf(args, sizeof args, "-al -so %s/events.shp", dir);
    char *so = ogrinfo(args);
    check_contains(so, "Geometry: Point", "events -so");
    check_contains(so, "Feature Count: 6", "events -so"); /* t-7 has no place */
    check_contains(so, "GEOGCRS[\"WGS 84\"", "events SRS");
    check_contains(so, "ID[\"EPSG\",4326]", "events SRS");
    /* text fields are as wide as the longest value (at least 20 bytes) */
    static const char *const fields[] = {
        "EVENT_ID: String (20.0)",     "EVT_DATE: Date (10.0)",       "TIME_PREC: Integer (1.0)",
        "EVT_TYPE: String (20.0)",     "SUB_EVT: String (35.0)",      "ACTOR1: String (20.0)",
        "ACTOR2: String (20.0)",       "COUNTRY: String (28.0)",      "ISO: Integer (3.0)",
        "ADMIN1: String (20.0)",       "ADMIN2: String (20.0)",       "LOCATION: String (20.0)",
        "LATITUDE: Real (12.6)",       "LONGITUDE: Real (12.6)",      "GEO_PREC: Integer (1.0)",
        "SOURCE: String (39.0)",       "NOTES: String (253.0)",       "FATALITIES: Integer (7.0)",
        "EVT_KIND: String (16.0)",     "CLAIMED: Integer (2.0)",      "HISTORIC: Integer (1.0)",
        "COUNT_MIN: Integer64 (12.0)", "COUNT_MAX: Integer64 (12.0)", "MENTION: String (20.0)",
        "RES_METH: String (20.0)",     "GAZ_ID: String (20.0)",
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        check_contains(so, fields[i], "events fields");
    free(so);

    snprintf(args, sizeof args, "-al -q %s/events.shp -where \"EVENT_ID='t-2'\"", dir);
    char *goma = ogrinfo(args);
    check_contains(goma, "EVT_DATE (Date) = 2025/01/27", "t-2");
    check_contains(goma, "LOCATION (String) = Goma\n", "t-2");
    check_contains(goma, "COUNTRY (String) = Democratic Republic of Congo", "t-2");
    check_contains(goma, "ISO (Integer) = 180", "t-2");
    check_contains(goma, "ADMIN2 (String) = Nyiragongo", "t-2");
    check_contains(goma, "EVT_TYPE (String) = Battles", "t-2");
    check_contains(goma, "SUB_EVT (String) = Non-state actor overtakes territory", "t-2");
    check_contains(goma, "SOURCE (String) = reuters-goma.txt; aljazeera, \"goma\".txt", "t-2");
    check_contains(goma, "LATITUDE (Real) = -1.6792", "t-2");
    check_contains(goma, "HISTORIC (Integer) = 0", "t-2");
    check_contains(goma, "COUNT_MIN (Integer64) = (null)", "t-2");
    check_contains(goma, "POINT (29.2228 -1.6792)", "t-2");
    free(goma);

    snprintf(args, sizeof args, "-al -q %s/events.shp -where \"EVENT_ID='t-3'\"", dir);
    char *k = ogrinfo(args);
    check_contains(k, "LOCATION (String) = Kitshanga", "t-3");
    check_contains(k, "EVT_DATE (Date) = 2024/06/01", "t-3 (month only)");
    check_contains(k, "TIME_PREC (Integer) = 1", "t-3");
    free(k);

    snprintf(args, sizeof args, "-al -q %s/events.shp -where \"EVENT_ID='t-4'\"", dir);
    char *region = ogrinfo(args);
    check_contains(region, "GEO_PREC (Integer) = 3", "t-4");
    check_contains(region, "ADMIN1 (String) = North Kivu", "t-4");
    CHECK_MSG(strstr(region, "EVT_DATE") == NULL, "t-4 has no date: %s", region);
    char want[420];
    snprintf(want, sizeof want, "NOTES (String) = %s\n", cut_note);
    check_contains(region, want, "t-4 notes cut at a character boundary");
    free(region);

    snprintf(args, sizeof args, "-al -q %s/events.shp -where \"EVENT_ID='t-6'\"", dir);
    char *b = ogrinfo(args);
    check_contains(b, "LOCATION (String) = Bwéremana", "t-6 accented");
    check_contains(b, "COUNT_MIN (Integer64) = 5000", "t-6");
    check_contains(b, "EVT_KIND (String) = displacement", "t-6");
    free(b);
}

static void test_other_layers(const char *dir)
{
    char args[512];
    snprintf(args, sizeof args, "-al -so %s/advances.shp", dir);
    char *so = ogrinfo(args);
    check_contains(so, "Geometry: Line String", "advances");
    check_contains(so, "Feature Count: 2", "advances"); /* Kitshanga -> Sake -> Goma */
    check_contains(so, "ID[\"EPSG\",4326]", "advances SRS");
    check_contains(so, "DATE_FROM: Date", "advances");
    check_contains(so, "DIST_KM: Real (12.3)", "advances");
    free(so);
    snprintf(args, sizeof args, "-al -q %s/advances.shp -where \"SEQ=2\"", dir);
    char *adv = ogrinfo(args);
    check_contains(adv, "FROM_LOC (String) = Sake", "advance 2");
    check_contains(adv, "TO_LOC (String) = Goma", "advance 2");
    check_contains(adv, "DATE_TO (Date) = 2025/01/27", "advance 2");
    check_contains(adv, "LINESTRING (29.0453 -1.5736,", "advance 2 starts at Sake");
    check_contains(adv, "29.2228 -1.6792)", "advance 2 ends at Goma");
    free(adv);

    snprintf(args, sizeof args, "-al -q %s/displacement.shp", dir);
    char *d = ogrinfo(args);
    check_contains(d, "ORIGIN (String) = Sake", "displacement");
    check_contains(d, "DEST (String) = Goma", "displacement");
    check_contains(d, "COUNT_MAX (Integer64) = 150000", "displacement");
    free(d);
    snprintf(args, sizeof args, "-al -so %s/displacement_points.shp", dir);
    char *dp = ogrinfo(args);
    check_contains(dp, "Feature Count: 1", "displacement points");
    check_contains(dp, "Geometry: Point", "displacement points");
    free(dp);

    snprintf(args, sizeof args, "-al -q %s/places.shp -where \"GAZ_ID='goma'\"", dir);
    char *pl = ogrinfo(args);
    check_contains(pl, "MENTIONS (Integer) = 2", "places goma mentions");
    check_contains(pl, "EVENTS (Integer) = 1", "places goma events");
    check_contains(pl, "ISO2 (String) = CD", "places");
    free(pl);

    snprintf(args, sizeof args, "-al -q %s/claims.shp", dir);
    char *cl = ogrinfo(args);
    check_contains(cl, "FROM_LOC (String) = Goma", "claims from the reference");
    check_contains(cl, "TO_LOC (String) = Sake", "claims");
    check_contains(cl, "STATED_KM (Real) = 25", "claims");
    check_contains(cl, "STATED_MI (Real) = (null)", "claims");
    check_contains(cl, "VERDICT (String) = ", "claims");
    check_contains(cl, "LINESTRING (29.2228 -1.6792,", "claims start at Goma");
    free(cl);

    /* .cpg and .prj as files */
    char path[512];
    snprintf(path, sizeof path, "%s/claims.cpg", dir);
    char *cpg = test_read_file(path, NULL);
    CHECK(cpg && strcmp(cpg, "UTF-8") == 0);
    free(cpg);
    snprintf(path, sizeof path, "%s/places.prj", dir);
    char *prj = test_read_file(path, NULL);
    CHECK(prj && strncmp(prj, "GEOGCS[\"GCS_WGS_1984\"", 21) == 0);
    free(prj);
}

static void test_geojson_and_csv(const char *dir)
{
    char args[512];
    snprintf(args, sizeof args, "-al -so %s/events.geojson", dir);
    char *so = ogrinfo(args);
    check_contains(so, "Feature Count: 6", "events.geojson");
    check_contains(so, "Geometry: Point", "events.geojson");
    check_contains(so, "ID[\"EPSG\",4326]", "events.geojson SRS");
    free(so);
    snprintf(args, sizeof args, "-al -q %s/events.geojson -where \"event_id_cnty='t-4'\"", dir);
    char *full = ogrinfo(args);
    char want[480];
    snprintf(want, sizeof want, "notes (String) = %s\n", long_note);
    check_contains(full, want, "geojson keeps the full note");
    free(full);
    snprintf(args, sizeof args, "-al -q %s/advances.geojson -where \"sequence=2\"", dir);
    char *adv = ogrinfo(args);
    check_contains(adv, "LINESTRING (29.0453 -1.5736,", "advances.geojson");
    free(adv);
    char path[512];
    snprintf(path, sizeof path, "%s/events.geojson", dir);
    char *text = test_read_file(path, NULL);
    CHECK(text && strstr(text, "\"crs\"") == NULL);
    CHECK(text && strstr(text, "\"coordinates\":[29.222800,-1.679200]") != NULL);
    free(text);

    snprintf(path, sizeof path, "%s/events.csv", dir);
    char *csv = test_read_file(path, NULL);
    static const char acled[] =
        "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
        "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
        "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,"
        "source,source_scale,notes,fatalities,tags,timestamp,";
    CHECK(csv && strncmp(csv, acled, strlen(acled)) == 0);
    CHECK(csv && strstr(csv, ",x_stated_km,x_computed_km\n") != NULL);
    /* Sake's capture carries the stated distance that locates Sake */
    CHECK(csv && strstr(csv, ",sake,goma,25.000,") != NULL);
    CHECK(csv && strstr(csv, "\"reuters-goma.txt; aljazeera, \"\"goma\"\".txt\"") != NULL);
    free(csv);
    snprintf(args, sizeof args, "-al -q %s/events.csv -where \"event_id_cnty='t-2'\"", dir);
    char *row = ogrinfo(args);
    check_contains(row, "interaction (String) = 12", "csv interaction");
    check_contains(row, "source (String) = reuters-goma.txt; aljazeera, \"goma\".txt", "csv");
    check_contains(row, "latitude (String) = -1.679200", "csv");
    free(row);
    snprintf(args, sizeof args, "-al -so %s/events.csv", dir);
    char *cso = ogrinfo(args);
    check_contains(cso, "Feature Count: 7", "events.csv");
    free(cso);
    snprintf(args, sizeof args, "-al -so %s/claims.csv", dir);
    char *claims = ogrinfo(args);
    check_contains(claims, "Feature Count: 1", "claims.csv");
    free(claims);
}

static void test_directory_export(const kvm_eventset *set)
{
    const char *dir = "export_test/out";
    test_run("rm -rf export_test && mkdir -p export_test", NULL, NULL);
    kvm_error err;
    kvm_status st = kvm_export_directory(set, dir, KVM_EXPORT_ALL, &err);
    CHECK_MSG(st == KVM_OK, "export: %s", st ? err.message : "");
    char names[2048];
    list_dir(dir, names, sizeof names);
    CHECK_STR(names, "advances.cpg advances.csv advances.dbf advances.geojson advances.prj "
                     "advances.shp advances.shx claims.cpg claims.csv claims.dbf claims.geojson "
                     "claims.prj claims.shp claims.shx displacement.cpg displacement.dbf "
                     "displacement.geojson displacement.prj displacement.shp displacement.shx "
                     "displacement_points.cpg displacement_points.dbf "
                     "displacement_points.geojson displacement_points.prj "
                     "displacement_points.shp displacement_points.shx events.cpg events.csv "
                     "events.dbf events.geojson events.prj events.shp events.shx places.cpg "
                     "places.dbf places.geojson places.prj places.shp places.shx ");
    test_events_layer(dir);
    test_other_layers(dir);
    test_geojson_and_csv(dir);

    /* an empty set still gives every layer, with 0 features */
    kvm_eventset *empty = kvm_eventset_new();
    CHECK(kvm_export_directory(empty, "export_test/empty", KVM_EXPORT_SHP, &err) == KVM_OK);
    char *so = ogrinfo("-al -so export_test/empty/claims.shp");
    check_contains(so, "Feature Count: 0", "empty claims");
    check_contains(so, "Geometry: Line String", "empty claims");
    free(so);
    kvm_eventset_free(empty);
}

static void test_failure_paths(const kvm_eventset *set)
{
    kvm_error err;
    /* previous files and a bystander: a failed export must leave them as they were */
    test_run("rm -rf export_fail && mkdir export_fail", NULL, NULL);
    write_text("export_fail/events.shp", "previous");
    write_text("export_fail/notes.txt", "mine");
    static const long long limits[] = {0, 50, 150, 3000, 12000, 25000};
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        kvm_export_set_write_limit(limits[i]);
        kvm_status st = kvm_export_directory(set, "export_fail", KVM_EXPORT_ALL, &err);
        kvm_export_set_write_limit(-1);
        CHECK_MSG(st == KVM_ERR_IO, "limit %lld: status %d", limits[i], (int)st);
        CHECK_MSG(strstr(err.message, "No space left on device") != NULL, "limit %lld: %s",
                  limits[i], err.message);
        char names[512];
        list_dir("export_fail", names, sizeof names);
        CHECK_MSG(strcmp(names, "events.shp notes.txt ") == 0, "limit %lld left: %s", limits[i],
                  names);
        char *prev = test_read_file("export_fail/events.shp", NULL);
        CHECK(prev && strcmp(prev, "previous") == 0);
        free(prev);
    }
    /* a success replaces the layer and keeps the bystander */
    CHECK(kvm_export_directory(set, "export_fail", KVM_EXPORT_SHP, &err) == KVM_OK);
    char *notes = test_read_file("export_fail/notes.txt", NULL);
    CHECK(notes && strcmp(notes, "mine") == 0);
    free(notes);
    char *so = ogrinfo("-al -so export_fail/events.shp");
    check_contains(so, "Feature Count: 6", "replaced events.shp");
    free(so);

    /* missing parent: named, nothing created */
    CHECK(kvm_export_directory(set, "export_nowhere/a/b", KVM_EXPORT_ALL, &err) == KVM_ERR_IO);
    CHECK(strstr(err.message, "'export_nowhere/a'") != NULL);
    CHECK(!test_dir_exists("export_nowhere"));
    /* a file where the directory should be */
    CHECK(kvm_export_directory(set, "export_fail/notes.txt", KVM_EXPORT_ALL, &err) == KVM_ERR_IO);
    /* a read-only directory (root ignores permissions: skip then) */
    if (geteuid() != 0) {
        test_run("rm -rf export_ro && mkdir export_ro && chmod 555 export_ro", NULL, NULL);
        CHECK(kvm_export_directory(set, "export_ro", KVM_EXPORT_ALL, &err) == KVM_ERR_IO);
        CHECK(strstr(err.message, "Permission denied") != NULL);
        char names[256];
        list_dir("export_ro", names, sizeof names);
        CHECK_STR(names, "");
        test_run("chmod 755 export_ro", NULL, NULL);
    }
    /* a created directory is removed again when the export fails */
    kvm_export_set_write_limit(10);
    CHECK(kvm_export_directory(set, "export_fail/new", KVM_EXPORT_ALL, &err) == KVM_ERR_IO);
    kvm_export_set_write_limit(-1);
    CHECK(!test_dir_exists("export_fail/new"));

    /* streams: /dev/full reports the error */
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        CHECK(kvm_export_events_csv(set, full, &err) == KVM_ERR_IO);
        fclose(full);
        full = fopen("/dev/full", "w");
        CHECK(kvm_export_events_geojson(set, full, &err) == KVM_ERR_IO);
        fclose(full);
    }
}

static void test_legs(void)
{
    const kvm_place *g = place("goma"), *s = place("sake"), *k = place("kitshanga");
    kvm_lonlat pts[3] = {{g->lon, g->lat}, {s->lon, s->lat}, {k->lon, k->lat}};
    const char *ids[3] = {"goma", "sake", "kitshanga"};
    const char *names[3] = {"Goma", "Sake", "Kitshanga"};
    kvm_error err;
    test_run("rm -rf export_legs && mkdir export_legs", NULL, NULL);
    CHECK(kvm_export_legs("export_legs/legs.shp", pts, ids, names, 3, NULL, NULL, &err) == KVM_OK);
    CHECK(kvm_export_legs("export_legs/legs.geojson", pts, ids, NULL, 3, NULL, NULL, &err) ==
          KVM_OK);
    CHECK(kvm_export_legs("export_legs/legs.kml", pts, ids, NULL, 3, NULL, NULL, &err) ==
          KVM_ERR_INVALID);
    CHECK(kvm_export_legs("export_legs/one.shp", pts, ids, NULL, 1, NULL, NULL, &err) ==
          KVM_ERR_INVALID);
    double km = 0;
    kvm_geodesic_inverse(pts[0], pts[1], &km, NULL, NULL);
    char *so = ogrinfo("-al -so export_legs/legs.shp");
    check_contains(so, "Feature Count: 2", "legs");
    check_contains(so, "Geometry: Line String", "legs");
    check_contains(so, "ID[\"EPSG\",4326]", "legs");
    check_contains(so, "AZ1_DEG: Real (8.1)", "legs");
    free(so);
    char *leg = ogrinfo("-al -q export_legs/legs.shp -where \"FROM_ID='goma'\"");
    char want[128];
    snprintf(want, sizeof want, "DIST_KM (Real) = %.3f", km);
    check_contains(leg, want, "legs distance");
    check_contains(leg, "TO_NAME (String) = Sake", "legs");
    /* densified: about one vertex per km */
    size_t commas = 0;
    const char *ls = strstr(leg, "LINESTRING (");
    for (const char *p = ls; p && *p && *p != ')'; p++)
        commas += *p == ',';
    CHECK_MSG(commas + 1 == (size_t)ceil(km) + 1, "%zu vertices for %.1f km", commas + 1, km);
    free(leg);
    char *gj = ogrinfo("-al -q export_legs/legs.geojson -where \"from_id='sake'\"");
    check_contains(gj, "to_name (String) = kitshanga", "legs.geojson names default to ids");
    free(gj);
    char names_left[512];
    list_dir("export_legs", names_left, sizeof names_left);
    CHECK_STR(names_left, "legs.cpg legs.dbf legs.geojson legs.prj legs.shp legs.shx ");
}

int main(void)
{
    long_note[0] = 'a';
    size_t n = 1;
    for (int i = 0; i < 150; i++) {
        memcpy(long_note + n, "\xC3\xA9", 2);
        n += 2;
    }
    long_note[n] = '\0';
    memcpy(cut_note, long_note, 253);
    cut_note[253] = '\0';

    test_format_helpers();
    gaz = kvm_gazetteer_new();
    kvm_error err;
    CHECK(kvm_gazetteer_load_buffer(gaz, "test.csv", gazetteer_csv, strlen(gazetteer_csv), &err) ==
          KVM_OK);
    if (!has_ogrinfo()) {
        fprintf(stderr, "ogrinfo not found: install gdal-bin\n");
        CHECK(0);
    } else if (place("goma") && place("bweremana")) {
        kvm_eventset *set = build_set();
        test_directory_export(set);
        test_failure_paths(set);
        test_legs();
        kvm_eventset_free(set);
    }
    kvm_gazetteer_free(gaz);
    return test_report("export");
}
