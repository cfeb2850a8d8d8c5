/* Maps: PNG, SVG and PDF of a small event set (Katale then Masisi captured
 * by M23, a clash, a displacement from Sake to Goma), read back by
 * independent readers (cairo's PNG loader, rsvg-convert, pdfinfo), checked
 * against the drawing log (symbol colours sampled at the logged positions),
 * determinism, and bad inputs. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kivumap/kivumap.h"
#include "testlib.h"

#define OUT KVM_TEST_BINARY_DIR "/test_map_out"

static kvm_gazetteer *gaz;

static const kvm_place *place(const char *id)
{
    return test_place(gaz, id);
}

static kvm_date day(int y, int m, int d)
{
    kvm_date date = {y, m, d};
    return date;
}

static void add(kvm_eventset *set, size_t article, kvm_event_type type, const char *actor,
                const char *where, kvm_date date, long long count, const char *from,
                const char *to)
{
    kvm_event e;
    kvm_event_init(&e);
    e.type = type;
    e.actor1 = actor;
    e.place = where ? place(where) : NULL;
    e.geo_precision = where ? KVM_GEO_TOWN : KVM_GEO_REGION;
    e.date = date;
    e.time_precision = KVM_TIME_DAY;
    e.count_min = count;
    e.origin = from ? place(from) : NULL;
    e.destination = to ? place(to) : NULL;
    e.article = article;
    e.evidence = "test";
    CHECK(kvm_eventset_add_event(set, &e) != (size_t)-1);
}

static kvm_eventset *test_set(void)
{
    kvm_eventset *set = kvm_eventset_new();
    size_t a = kvm_eventset_add_article(set, "tests/map_a.txt", day(2025, 1, 28));
    add(set, a, KVM_EVENT_CAPTURE, "M23", "katale-masisi", day(2025, 1, 20), -1, NULL, NULL);
    add(set, a, KVM_EVENT_CAPTURE, "M23", "masisi-town", day(2025, 1, 25), -1, NULL, NULL);
    add(set, a, KVM_EVENT_CLASH, "FARDC", "sake", day(2025, 1, 23), -1, NULL, NULL);
    add(set, a, KVM_EVENT_DISPLACEMENT, "", "sake", day(2025, 1, 24), 150000, "sake", "goma");
    kvm_error err = {0};
    CHECK(kvm_eventset_compute_advances(set, &err) == KVM_OK);
    CHECK(kvm_eventset_status(set) == KVM_OK);
    return set;
}

/* ---- drawing log -------------------------------------------------------- */

typedef struct log_row {
    char kind[32];
    char f[12][96];
    int n;
} log_row;

static size_t read_log(const char *path, log_row *rows, size_t cap)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 0;
    char line[1024];
    size_t n = 0;
    while (n < cap && fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\n")] = '\0';
        log_row *r = &rows[n];
        memset(r, 0, sizeof *r);
        char *save = NULL, *tok = strtok_r(line, "\t", &save);
        if (!tok)
            continue;
        snprintf(r->kind, sizeof r->kind, "%s", tok);
        while ((tok = strtok_r(NULL, "\t", &save)) != NULL && r->n < 12)
            snprintf(r->f[r->n++], sizeof r->f[0], "%s", tok);
        n++;
    }
    fclose(fp);
    return n;
}

static const log_row *find_row(const log_row *rows, size_t n, const char *kind, int field,
                               const char *value)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].kind, kind) == 0 && field < rows[i].n &&
            strcmp(rows[i].f[field], value) == 0)
            return &rows[i];
    return NULL;
}

static log_row rows[2048];

/* ---- tests -------------------------------------------------------------- */

static void render_all_formats(void)
{
    kvm_eventset *set = test_set();
    kvm_map_options o;
    kvm_map_options_init(&o);
    o.log_path = OUT "/map.log";
    kvm_error err = {0};
    kvm_map_result res;
    kvm_status st = kvm_map_render_ex(set, gaz, &o, OUT "/map.png", &res, &err);
    CHECK_MSG(st == KVM_OK, "render png: %s", err.message);
    CHECK_STR(res.missing_layers, "");
    CHECK(res.events_drawn == 4); /* Katale, Masisi, Sake clash, Sake displacement */
    CHECK(res.advances_drawn == 1);

    int w = 0, h = 0;
    CHECK(kvm_map_png_size(OUT "/map.png", &w, &h, &err) == KVM_OK);
    CHECK(w == 1600);
    CHECK(h == res.height && h > 600 && h < 2600);

    /* the log says where the symbols are; the PNG has their colours there */
    size_t n = read_log(OUT "/map.log", rows, sizeof rows / sizeof rows[0]);
    CHECK(n > 10);
    const log_row *masisi = find_row(rows, n, "event", 2, "masisi-town");
    const log_row *katale = find_row(rows, n, "event", 2, "katale-masisi");
    const log_row *sake = find_row(rows, n, "event", 2, "sake");
    CHECK(masisi && katale && sake);
    if (masisi && katale) {
        CHECK_STR(masisi->f[1], "capture");
        CHECK_STR(masisi->f[6], "M23");
        unsigned char px[4];
        int x = (int)atof(masisi->f[3]), y = (int)atof(masisi->f[4]);
        CHECK(kvm_map_png_pixel(OUT "/map.png", x, y, px, &err) == KVM_OK);
        CHECK_MSG(px[0] > 150 && px[1] < 60 && px[2] < 80, "Masisi symbol not M23 red: %d,%d,%d",
                  px[0], px[1], px[2]);
        x = (int)atof(katale->f[3]);
        y = (int)atof(katale->f[4]);
        CHECK(kvm_map_png_pixel(OUT "/map.png", x, y, px, &err) == KVM_OK);
        CHECK_MSG(px[0] > 150 && px[1] < 60 && px[2] < 80, "Katale symbol not red");
        /* Masisi lies north-west of Katale: canvas x smaller, y smaller */
        CHECK(atof(masisi->f[3]) < atof(katale->f[3]));
        CHECK(atof(masisi->f[4]) < atof(katale->f[4]));
    }
    const log_row *adv = find_row(rows, n, "advance", 1, "katale-masisi");
    CHECK_MSG(adv != NULL, "no advance arrow Katale -> Masisi in the log");
    if (adv) {
        CHECK_STR(adv->f[0], "M23");
        CHECK_STR(adv->f[2], "masisi-town");
        CHECK_STR(adv->f[3], "1");
        /* the arrow's number badge is drawn in the actor colour */
        unsigned char px[4];
        int bx = (int)atof(adv->f[8]), by = (int)atof(adv->f[9]);
        CHECK(kvm_map_png_pixel(OUT "/map.png", bx + 6, by, px, &err) == KVM_OK);
        CHECK_MSG(px[0] > 150 && px[1] < 60, "badge colour %d,%d,%d", px[0], px[1], px[2]);
    }
    const log_row *flow = find_row(rows, n, "flow", 1, "sake");
    CHECK(flow && strcmp(flow->f[2], "goma") == 0);
    CHECK(find_row(rows, n, "label", 0, "masisi-town") != NULL);
    CHECK(find_row(rows, n, "label", 0, "katale-masisi") != NULL);
    CHECK(find_row(rows, n, "label", 0, "goma") != NULL);
    CHECK(find_row(rows, n, "legend", 0, "Captured by M23") != NULL);
    CHECK(find_row(rows, n, "legend", 0, "Main road (schematic)") != NULL);
    CHECK(find_row(rows, n, "layer", 1, "missing") == NULL);
    /* labels never overlap each other */
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rows[i].kind, "label") != 0)
            continue;
        for (size_t j = i + 1; j < n; j++) {
            if (strcmp(rows[j].kind, "label") != 0)
                continue;
            double ax = atof(rows[i].f[1]), ay = atof(rows[i].f[2]), aw = atof(rows[i].f[3]),
                   ah = atof(rows[i].f[4]);
            double bx = atof(rows[j].f[1]), by = atof(rows[j].f[2]), bw = atof(rows[j].f[3]),
                   bh = atof(rows[j].f[4]);
            int overlap = ax < bx + bw - 0.5 && bx < ax + aw - 0.5 && ay < by + bh - 0.5 &&
                          by < ay + ah - 0.5;
            CHECK_MSG(!overlap, "labels '%s' and '%s' overlap", rows[i].f[5], rows[j].f[5]);
        }
    }

    /* same input, same bytes */
    CHECK(kvm_map_render(set, gaz, &o, OUT "/map2.png", &err) == KVM_OK);
    size_t la, lb;
    char *a = test_read_file(OUT "/map.png", &la), *b = test_read_file(OUT "/map2.png", &lb);
    CHECK(a && b && la == lb && memcmp(a, b, la) == 0);
    free(a);
    free(b);

    /* SVG: rsvg-convert reads it and draws the same picture */
    o.log_path = NULL;
    o.format = KVM_MAP_SVG;
    CHECK_MSG(kvm_map_render(set, gaz, &o, OUT "/map.svg", &err) == KVM_OK, "svg: %s",
              err.message);
    CHECK(kvm_map_render(set, gaz, &o, OUT "/map2.svg", &err) == KVM_OK);
    a = test_read_file(OUT "/map.svg", &la);
    b = test_read_file(OUT "/map2.svg", &lb);
    CHECK(a && b && la == lb && memcmp(a, b, la) == 0);
    CHECK(a && strstr(a, "<svg") && strstr(a, "width=\"1600px\""));
    free(a);
    free(b);
    char *out = NULL;
    int rc = test_run("rsvg-convert -o " OUT "/map_svg.png " OUT "/map.svg", NULL, &out);
    CHECK_MSG(rc == 0, "rsvg-convert failed: %s", out ? out : "");
    free(out);
    if (rc == 0) {
        double mean = 0, frac = 1;
        CHECK(kvm_map_png_compare(OUT "/map.png", OUT "/map_svg.png", &mean, &frac, &err) ==
              KVM_OK);
        CHECK_MSG(mean < 3.0 && frac < 0.01, "SVG renders differently: mean %.2f, %.3f%% pixels",
                  mean, frac * 100);
    }

    /* SVG with editable text: <text> elements with the names, no glyph
     * outlines, well-formed (rsvg-convert reads it, with the title's '&' and
     * '<' escaped), deterministic, and the same picture within a tolerance
     * (the text is laid out by the SVG renderer, not cairo) */
    o.svg_text = 1;
    o.title = "Katale & Masisi <test>";
    CHECK_MSG(kvm_map_render(set, gaz, &o, OUT "/map_text.svg", &err) == KVM_OK, "svg text: %s",
              err.message);
    CHECK(kvm_map_render(set, gaz, &o, OUT "/map_text2.svg", &err) == KVM_OK);
    a = test_read_file(OUT "/map_text.svg", &la);
    b = test_read_file(OUT "/map_text2.svg", &lb);
    CHECK(a && b && la == lb && memcmp(a, b, la) == 0);
    if (a) {
        static const char *const names[] = {">Goma</text>", ">Masisi</text>", ">Katale</text>",
                                            ">Sake</text>", ">Katale &amp; Masisi &lt;test&gt;</text>",
                                            "<g id=\"labels\"", "paint-order=\"stroke\""};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            CHECK_MSG(strstr(a, names[i]) != NULL, "editable SVG lacks %s", names[i]);
        CHECK_MSG(strstr(a, "<symbol") == NULL, "editable SVG still has glyph outlines");
        const char *labels = strstr(a, "<g id=\"labels\"");
        CHECK(labels && strstr(labels, "</g>\n</svg>") != NULL);
    }
    free(a);
    free(b);
    o.svg_text = 0;
    o.title = NULL;
    rc = test_run("rsvg-convert -o " OUT "/map_text_svg.png " OUT "/map_text.svg", NULL, &out);
    CHECK_MSG(rc == 0, "rsvg-convert failed on editable text: %s", out ? out : "");
    free(out);
    if (rc == 0) {
        /* the reference: the same title, drawn by cairo */
        o.format = KVM_MAP_PNG;
        o.title = "Katale & Masisi <test>";
        CHECK(kvm_map_render(set, gaz, &o, OUT "/map_text.png", &err) == KVM_OK);
        o.title = NULL;
        double mean = 0, frac = 1;
        CHECK(kvm_map_png_compare(OUT "/map_text.png", OUT "/map_text_svg.png", &mean, &frac,
                                  &err) == KVM_OK);
        CHECK_MSG(mean < 3.0 && frac < 0.02, "editable SVG renders differently: mean %.2f, %.3f%%",
                  mean, frac * 100);
    }

    /* PDF: one page, A4 landscape in points; deterministic */
    o.format = KVM_MAP_PDF;
    o.paper = KVM_PAPER_A4;
    CHECK_MSG(kvm_map_render(set, gaz, &o, OUT "/map.pdf", &err) == KVM_OK, "pdf: %s",
              err.message);
    CHECK(kvm_map_render(set, gaz, &o, OUT "/map2.pdf", &err) == KVM_OK);
    a = test_read_file(OUT "/map.pdf", &la);
    b = test_read_file(OUT "/map2.pdf", &lb);
    CHECK(a && b && la == lb && memcmp(a, b, la) == 0);
    free(a);
    free(b);
    rc = test_run("pdfinfo " OUT "/map.pdf", &out, NULL);
    CHECK(rc == 0);
    const char *pages = out ? strstr(out, "Pages:") : NULL;
    CHECK_MSG(pages && atoi(pages + 6) == 1 && strstr(out, "841.89 x 595.276"),
              "pdfinfo: %s", out ? out : "");
    free(out);
    kvm_eventset_free(set);
}

static void bad_inputs(void)
{
    kvm_eventset *set = test_set();
    kvm_map_options o;
    kvm_error err = {0};
    static const int widths[] = {0 /* default, ok */, 199, 10001, 100000, -5};
    for (size_t i = 1; i < sizeof widths / sizeof widths[0]; i++) {
        kvm_map_options_init(&o);
        o.width_px = widths[i];
        CHECK(kvm_map_render(set, gaz, &o, OUT "/bad.png", &err) == KVM_ERR_INVALID);
        char want[32];
        snprintf(want, sizeof want, "%d", widths[i]);
        CHECK_MSG(strstr(err.message, want) != NULL, "message '%s' lacks the value", err.message);
    }
    kvm_map_options_init(&o);
    o.has_bbox = 1;
    o.bbox = (kvm_bbox){29.5, -1.0, 28.5, -2.0}; /* reversed */
    CHECK(kvm_map_render(set, gaz, &o, OUT "/bad.png", &err) == KVM_ERR_INVALID);
    kvm_map_options_init(&o);
    o.theme = "neon";
    CHECK(kvm_map_render(set, gaz, &o, OUT "/bad.png", &err) == KVM_ERR_INVALID);
    kvm_map_options_init(&o);
    o.projection = "EPSG:999999";
    CHECK(kvm_map_render(set, gaz, &o, OUT "/bad.png", &err) != KVM_OK);
    CHECK(access(OUT "/bad.png", F_OK) != 0);

    /* unwritable directory: an error, and nothing left behind */
    mkdir(OUT "/ro", 0555);
    chmod(OUT "/ro", 0555);
    kvm_map_options_init(&o);
    kvm_status st = kvm_map_render(set, gaz, &o, OUT "/ro/map.png", &err);
    if (geteuid() != 0) {
        CHECK(st == KVM_ERR_IO);
        CHECK(strstr(err.message, "ro/map.png") != NULL);
    }
    CHECK(kvm_map_render(set, gaz, &o, OUT "/missing-dir/map.png", &err) == KVM_ERR_IO);
    CHECK(access(OUT "/missing-dir", F_OK) != 0);
    char *listing = NULL;
    test_run("ls -a " OUT "/ro", &listing, NULL);
    CHECK_MSG(listing && !strstr(listing, "tmp"), "temporary file left: %s", listing);
    free(listing);

    CHECK(kvm_map_format_from_name("x.SVG", &o.format, &err) == KVM_OK && o.format == KVM_MAP_SVG);
    CHECK(kvm_map_format_from_name("pdf", &o.format, &err) == KVM_OK && o.format == KVM_MAP_PDF);
    CHECK(kvm_map_format_from_name("x.jpg", &o.format, &err) == KVM_ERR_INVALID);
    kvm_eventset_free(set);
}

static void empty_set(void)
{
    kvm_eventset *set = kvm_eventset_new();
    kvm_map_options o;
    kvm_map_options_init(&o);
    o.log_path = OUT "/empty.log";
    kvm_error err = {0};
    kvm_map_result res;
    CHECK(kvm_map_render_ex(set, gaz, &o, OUT "/empty.png", &res, &err) == KVM_OK);
    CHECK(res.events_drawn == 0 && res.advances_drawn == 0);
    /* the base map: North Kivu, with Goma on it */
    CHECK(res.bbox.west < 29.2 && res.bbox.east > 29.3 && res.bbox.south < -1.7);
    size_t n = read_log(OUT "/empty.log", rows, sizeof rows / sizeof rows[0]);
    CHECK(find_row(rows, n, "label", 0, "goma") != NULL);
    CHECK(find_row(rows, n, "event", 0, "") == NULL);
    kvm_eventset_free(set);
}

/* Events located only to a territory: an approximate-area marker at the
 * territory's point (when on the map) besides the legend note; a province-
 * level event gets the note only. */
static void region_events(void)
{
    kvm_eventset *set = test_set();
    size_t a = kvm_eventset_add_article(set, "tests/map_b.txt", day(2025, 1, 29));
    add(set, a, KVM_EVENT_CLASH, "M23", "masisi-territory", day(2025, 1, 26), -1, NULL, NULL);
    add(set, a, KVM_EVENT_SHELLING, "M23", "north-kivu", day(2025, 1, 27), -1, NULL, NULL);
    kvm_map_options o;
    kvm_map_options_init(&o);
    o.log_path = OUT "/region.log";
    kvm_error err = {0};
    kvm_map_result res;
    CHECK_MSG(kvm_map_render_ex(set, gaz, &o, OUT "/region.png", &res, &err) == KVM_OK,
              "region: %s", err.message);
    size_t n = read_log(OUT "/region.log", rows, sizeof rows / sizeof rows[0]);
    const log_row *area = find_row(rows, n, "area", 2, "masisi-territory");
    CHECK_MSG(area != NULL, "no area marker for Masisi territory");
    CHECK(find_row(rows, n, "area", 2, "north-kivu") == NULL);
    CHECK(find_row(rows, n, "legend", 0, "Approximate location (area): reported for a territory") !=
          NULL);
    CHECK(find_row(rows, n, "note", 0, "Fighting by M23: Masisi, 26 Jan 2025") != NULL);
    CHECK(find_row(rows, n, "label", 0, "masisi-territory") != NULL);
    if (area) {
        CHECK_STR(area->f[1], "clash");
        /* the marker sits where the projection puts the territory's point,
         * and its outline is drawn in the clash colour on the PNG */
        double x = atof(area->f[3]), y = atof(area->f[4]), r = atof(area->f[5]);
        const kvm_place *t = place("masisi-territory");
        const log_row *masisi = find_row(rows, n, "event", 2, "masisi-town");
        const kvm_place *town = place("masisi-town");
        CHECK(t && town && masisi);
        if (t && town && masisi) {
            /* west/east and north/south of the town as the coordinates say */
            CHECK((t->lon < town->lon) == (x < atof(masisi->f[3])));
            CHECK((t->lat > town->lat) == (y < atof(masisi->f[4])));
        }
        int found = 0;
        for (int k = 0; k < 16 && !found; k++) {
            double ang = k * 3.14159265 / 8;
            unsigned char px[4];
            if (kvm_map_png_pixel(OUT "/region.png", (int)lround(x + r * cos(ang)),
                                  (int)lround(y + r * sin(ang)), px, &err) == KVM_OK)
                found = px[0] > 200 && px[1] > 130 && px[1] < 200 && px[2] < 80;
        }
        CHECK_MSG(found, "no clash-coloured outline around the area marker");
    }
    kvm_eventset_free(set);
}

static void frames_and_options(void)
{
    kvm_eventset *set = test_set();
    kvm_map_options o;
    kvm_map_options_init(&o);
    o.width_px = 800;
    kvm_error err = {0};
    size_t frames = 0;
    CHECK_MSG(kvm_map_render_frames(set, gaz, &o, OUT "/frames", &frames, &err) == KVM_OK,
              "frames: %s", err.message);
    CHECK(frames == 4); /* 20, 23, 24, 25 January */
    CHECK(access(OUT "/frames/frame-004.png", F_OK) == 0);
    CHECK(access(OUT "/frames/frame-005.png", F_OK) != 0);
    int w = 0, h = 0, w4 = 0, h4 = 0;
    CHECK(kvm_map_png_size(OUT "/frames/frame-001.png", &w, &h, &err) == KVM_OK);
    CHECK(kvm_map_png_size(OUT "/frames/frame-004.png", &w4, &h4, &err) == KVM_OK);
    CHECK(w == 800 && w4 == 800 && h == h4);

    /* themes, explicit box and height, no inset */
    static const char *const themes[] = {"light", "print", "dark"};
    for (size_t i = 0; i < 3; i++) {
        kvm_map_options_init(&o);
        o.theme = themes[i];
        o.width_px = 900;
        o.height_px = 700;
        o.inset = i != 1;
        o.has_bbox = 1;
        o.bbox = (kvm_bbox){28.5, -1.9, 29.5, -1.1};
        char path[256];
        snprintf(path, sizeof path, OUT "/theme_%s.png", themes[i]);
        CHECK_MSG(kvm_map_render(set, gaz, &o, path, &err) == KVM_OK, "%s: %s", themes[i],
                  err.message);
        CHECK(kvm_map_png_size(path, &w, &h, &err) == KVM_OK && w == 900 && h == 700);
    }
    kvm_eventset_free(set);
}

static void user_layer(void)
{
    /* a user layer in another CRS: the shared territories file, if present,
     * converted to UTM by ogr2ogr, is reprojected back to WGS84 */
    const char *src = KVM_TEST_SHARED_DIR "/ref/boundaries/nord_kivu_territories_kdh.geojson";
    if (access(src, R_OK) != 0)
        return;
    int rc = test_run("ogr2ogr -overwrite -f 'ESRI Shapefile' -t_srs EPSG:32735 " OUT
                      "/territories.shp " KVM_TEST_SHARED_DIR
                      "/ref/boundaries/nord_kivu_territories_kdh.geojson",
                      NULL, NULL);
    if (rc != 0)
        return;
    kvm_eventset *set = test_set();
    kvm_map_options o;
    kvm_map_options_init(&o);
    const char *layers[] = {OUT "/territories.shp:#aa0000,1.5"};
    o.layers = layers;
    o.n_layers = 1;
    o.log_path = OUT "/layer.log";
    kvm_error err = {0};
    CHECK_MSG(kvm_map_render(set, gaz, &o, OUT "/layer.png", &err) == KVM_OK, "layer: %s",
              err.message);
    size_t n = read_log(OUT "/layer.log", rows, sizeof rows / sizeof rows[0]);
    CHECK(find_row(rows, n, "legend", 0, "territories") != NULL);
    const char *bad[] = {OUT "/territories.shp:#zz0000"};
    o.layers = bad;
    CHECK(kvm_map_render(set, gaz, &o, OUT "/layer2.png", &err) == KVM_ERR_INVALID);
    const char *missing[] = {OUT "/nope.shp"};
    o.layers = missing;
    CHECK(kvm_map_render(set, gaz, &o, OUT "/layer2.png", &err) == KVM_ERR_IO);
    kvm_eventset_free(set);
}

/* The default UTM zones are built from a PROJ pipeline without PROJ's
 * database (start-up speed); the operation PROJ's database finds for the
 * same CRS, named so the fast path does not recognise it, must give the same
 * coordinates to 1 mm both ways, north and south of the equator. */
static void utm_fast_path(void)
{
    static const struct {
        const char *fast, *database;
    } crs[] = {{"EPSG:32735", "urn:ogc:def:crs:EPSG::32735"},
               {"epsg:32635", "urn:ogc:def:crs:EPSG::32635"},
               {"EPSG:32736", "urn:ogc:def:crs:EPSG::32736"},
               {"EPSG:32601", "urn:ogc:def:crs:EPSG::32601"}};
    static const kvm_lonlat pts[] = {{29.2336, -1.6792}, {28.85, -1.43}, {27.0, 1.4},
                                     {30.9, -2.9},       {33.0, 0.001},  {26.5, -0.002}};
    kvm_error err = {0};
    for (size_t c = 0; c < sizeof crs / sizeof crs[0]; c++) {
        kvm_projection *fast = NULL, *db = NULL;
        CHECK_MSG(kvm_projection_new(crs[c].fast, &fast, &err) == KVM_OK, "%s: %s", crs[c].fast,
                  err.message);
        CHECK_MSG(kvm_projection_new(crs[c].database, &db, &err) == KVM_OK, "%s: %s",
                  crs[c].database, err.message);
        if (!fast || !db) {
            kvm_projection_free(fast);
            kvm_projection_free(db);
            continue;
        }
        for (size_t i = 0; i < sizeof pts / sizeof pts[0]; i++) {
            kvm_lonlat p = pts[i];
            if (c == 3) /* zone 1N: near 177 W */
                p.lon = -177.0 + (p.lon - 29.0) / 4;
            double fx = 0, fy = 0, dx = 1, dy = 1;
            CHECK(kvm_projection_forward(fast, p, &fx, &fy) == KVM_OK);
            CHECK(kvm_projection_forward(db, p, &dx, &dy) == KVM_OK);
            CHECK_MSG(fabs(fx - dx) < 0.001 && fabs(fy - dy) < 0.001,
                      "%s at %.4f,%.4f: %.4f,%.4f vs %.4f,%.4f", crs[c].fast, p.lon, p.lat, fx,
                      fy, dx, dy);
            /* zone 35S: plausible eastings (500 km at 27 E) */
            if (c == 0)
                CHECK_MSG(fx > 0 && fx < 1500000, "%s easting %.1f", crs[c].fast, fx);
            kvm_lonlat back = {0, 0};
            CHECK(kvm_projection_inverse(fast, fx, fy, &back) == KVM_OK);
            CHECK_NEAR(back.lon, p.lon, 1e-8);
            CHECK_NEAR(back.lat, p.lat, 1e-8);
        }
        kvm_projection_free(fast);
        kvm_projection_free(db);
    }
    /* Goma in zone 35S: `echo -1.6792 29.2336 | cs2cs EPSG:4326 EPSG:32735 -f %.3f` */
    kvm_projection *utm = NULL;
    double x = 0, y = 0;
    CHECK(kvm_projection_new("EPSG:32735", &utm, &err) == KVM_OK);
    CHECK(utm && kvm_projection_forward(utm, (kvm_lonlat){29.2336, -1.6792}, &x, &y) == KVM_OK);
    CHECK_NEAR(x, 748501.004, 0.01);
    CHECK_NEAR(y, 9814255.420, 0.01);
    kvm_projection_free(utm);
    /* near misses of the fast path still go to PROJ and fail or succeed there */
    static const char *const odd[] = {"EPSG:32761", "EPSG:32700", "EPSG:3273", "EPSG:327350"};
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        utm = NULL;
        kvm_status st = kvm_projection_new(odd[i], &utm, &err);
        CHECK_MSG(st != KVM_OK || utm != NULL, "%s", odd[i]);
        kvm_projection_free(utm);
    }
}

/* ---- long legend notes ---------------------------------------------------- */

static char svg_data[4 << 20];

/* Reads a file into svg_data, NUL-terminated.  Returns 0 when unreadable. */
static int read_svg(const char *path)
{
    svg_data[0] = '\0';
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0;
    size_t len = fread(svg_data, 1, sizeof svg_data - 1, fp);
    fclose(fp);
    svg_data[len] = '\0';
    return len > 0;
}

/* The contents of the <text> elements of an --svg-text SVG, in order, joined
 * by single spaces (XML entities left as they are).  Returns the number of
 * elements. */
static size_t svg_texts(const char *path, char *joined, size_t cap)
{
    const char *data = svg_data;
    size_t n = 0, used = 0;
    joined[0] = '\0';
    if (!read_svg(path))
        return 0;
    for (const char *p = strstr(data, "<text "); p; p = strstr(p, "<text ")) {
        const char *open_end = strchr(p, '>');
        const char *close = open_end ? strstr(open_end, "</text>") : NULL;
        if (!close)
            break;
        size_t k = (size_t)(close - open_end - 1);
        if (used + k + 2 < cap) {
            if (used > 0)
                joined[used++] = ' ';
            memcpy(joined + used, open_end + 1, k);
            used += k;
            joined[used] = '\0';
        }
        n++;
        p = close;
    }
    return n;
}

/* A displacement from eastern DR Congo (region level: a legend note). */
static void add_region_displacement(kvm_eventset *set, size_t article, const char *to_text)
{
    kvm_event e;
    kvm_event_init(&e);
    e.type = KVM_EVENT_DISPLACEMENT;
    e.actor1 = "";
    e.place = place("eastern-dr-congo");
    e.geo_precision = KVM_GEO_REGION;
    e.date = day(2025, 1, 24);
    e.time_precision = KVM_TIME_DAY;
    e.count_min = 10000;
    e.destination_text = to_text;
    e.article = article;
    e.evidence = "test";
    CHECK(kvm_eventset_add_event(set, &e) != (size_t)-1);
}

/* The legend box of a drawing log lies inside the frame. */
static int legend_inside_frame(const char *log)
{
    size_t n = read_log(log, rows, sizeof rows / sizeof rows[0]);
    const log_row *frame = NULL, *box = find_row(rows, n, "box", 0, "legend");
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].kind, "frame") == 0)
            frame = &rows[i];
    if (!frame || !box || frame->n < 4 || box->n < 5)
        return 0;
    double fx = atof(frame->f[0]), fy = atof(frame->f[1]), fw = atof(frame->f[2]),
           fh = atof(frame->f[3]);
    double bx = atof(box->f[1]), by = atof(box->f[2]), bw = atof(box->f[3]), bh = atof(box->f[4]);
    return bw > 0 && bh > 0 && bx >= fx && by >= fy && bx + bw <= fx + fw && by + bh <= fy + fh;
}

/* A note longer than the legend is wide wraps onto further lines instead of
 * being cut: all of it is in the SVG's text, in order after its bullet,
 * spread over several <text> elements, with no ellipsis anywhere; the legend
 * stays inside the frame.  A note too long for three lines is cut on its
 * third. */
static void long_note(void)
{
    static const char dest[] =
        "camps and host families across the borders with Uganda, Rwanda and Burundi";
    static const char note[] = "\xe2\x89\xa5 10,000 displaced: eastern DR Congo to camps and "
                               "host families across the borders with Uganda, Rwanda and "
                               "Burundi, 24 Jan 2025";
    static char joined[1 << 16];
    kvm_eventset *set = test_set();
    size_t a = kvm_eventset_add_article(set, "tests/map_c.txt", day(2025, 1, 29));
    add_region_displacement(set, a, dest);
    kvm_map_options o;
    kvm_map_options_init(&o);
    o.format = KVM_MAP_SVG;
    o.svg_text = 1;
    o.log_path = OUT "/long_note.log";
    kvm_error err = {0};
    kvm_map_result res;
    CHECK_MSG(kvm_map_render_ex(set, gaz, &o, OUT "/long_note.svg", &res, &err) == KVM_OK,
              "long note: %s", err.message);
    size_t n = read_log(OUT "/long_note.log", rows, sizeof rows / sizeof rows[0]);
    const log_row *logged = NULL;
    for (size_t i = 0; i < n && !logged; i++)
        if (strcmp(rows[i].kind, "note") == 0 && rows[i].n > 0 &&
            strncmp(rows[i].f[0], note, sizeof rows[i].f[0] - 1) == 0)
            logged = &rows[i];
    CHECK_MSG(logged != NULL, "the log lacks the note");
    CHECK_MSG(legend_inside_frame(OUT "/long_note.log"), "legend box outside the frame");
    size_t n_text = svg_texts(OUT "/long_note.svg", joined, sizeof joined);
    CHECK(n_text > 10);
    char bulleted[256];
    snprintf(bulleted, sizeof bulleted, "\xe2\x80\xa2 %s", note);
    CHECK_MSG(strstr(joined, bulleted) != NULL, "the note is not in the SVG's text in full");
    CHECK_MSG(strstr(joined, "\xe2\x80\xa6") == NULL, "something was cut with an ellipsis");
    /* wrapped: no single <text> holds the note up to its end */
    char whole[256];
    snprintf(whole, sizeof whole,
             "Congo to camps and host families across the borders with "
             "Uganda, Rwanda and Burundi, 24 Jan 2025</text>");
    CHECK_MSG(strstr(svg_data, whole) == NULL, "the note was not wrapped");
    CHECK(strstr(svg_data, "Burundi, 24 Jan 2025</text>") != NULL);

    /* the same map as PNG: the legend inside the frame too */
    o.format = KVM_MAP_PNG;
    o.svg_text = 0;
    o.log_path = OUT "/long_note_png.log";
    CHECK(kvm_map_render_ex(set, gaz, &o, OUT "/long_note.png", &res, &err) == KVM_OK);
    CHECK(legend_inside_frame(OUT "/long_note_png.log"));
    kvm_eventset_free(set);

    /* a small map and a note of about 200 bytes: wrapped, then cut */
    set = test_set();
    a = kvm_eventset_add_article(set, "tests/map_c.txt", day(2025, 1, 29));
    add_region_displacement(set, a,
                            "camps and host families across the borders with Uganda, Rwanda "
                            "and Burundi, and further on to transit centres and settlements "
                            "in the interior of those countries and beyond");
    kvm_map_options_init(&o);
    o.format = KVM_MAP_SVG;
    o.svg_text = 1;
    o.width_px = 500;
    o.log_path = OUT "/long_note_small.log";
    CHECK_MSG(kvm_map_render_ex(set, gaz, &o, OUT "/long_note_small.svg", &res, &err) == KVM_OK,
              "long note, small map: %s", err.message);
    CHECK_MSG(legend_inside_frame(OUT "/long_note_small.log"), "legend box outside the frame");
    svg_texts(OUT "/long_note_small.svg", joined, sizeof joined);
    const char *start = strstr(joined, "\xe2\x80\xa2 \xe2\x89\xa5 10,000 displaced: eastern DR");
    CHECK_MSG(start != NULL, "the long note's first line is missing");
    if (start) {
        const char *cut = strstr(start, "\xe2\x80\xa6");
        const char *words = strstr(start, "camps and host");
        CHECK_MSG(cut != NULL, "a note longer than three lines is not cut");
        CHECK_MSG(words != NULL && cut != NULL && words < cut, "the note's second line is lost");
        CHECK(strstr(start, "and beyond") == NULL || (cut && strstr(start, "and beyond") > cut));
    }
    kvm_eventset_free(set);
}

/* LeakSanitizer hook (sanitizer builds only call it): fontconfig, reached
 * through cairo's toy text API, keeps its caches for the life of the process;
 * they are not ours to free. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig\n";
}

int main(void)
{
    mkdir(OUT, 0777);
    gaz = kvm_gazetteer_new();
    kvm_error err = {0};
    if (kvm_gazetteer_load_bundled(gaz, &err) != KVM_OK) {
        fprintf(stderr, "gazetteer: %s\n", err.message);
        return 1;
    }
    utm_fast_path();
    render_all_formats();
    bad_inputs();
    empty_set();
    region_events();
    long_note();
    frames_and_options();
    user_layer();
    kvm_gazetteer_free(gaz);
    return test_report("map");
}
