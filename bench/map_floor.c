/* The floor for `kivumap map`: a bare cairo program drawing what the map of
 * bench/map.sh shows, primitive for primitive, with no layout logic, no
 * projection library and no event extraction -- then the same PNG (or SVG)
 * writing.  bench/map.sh compares kivumap against it.
 *
 * Same content as kivumap's map of the benchmark's extent, counted from its
 * drawing log (`--log`): a 1600 px canvas with the same margins (frame,
 * title band, sources lines), the seven bundled base layers read with
 * shapelib (plate carree scaled by cos(latitude), close to UTM at this
 * extent), a 0.25 degree graticule with labels, 55 town dots with haloed
 * labels, 3 country and lake names, 3 event symbols with two-line labels, an
 * advance arrow with its number badge, a displacement circle and a flow
 * arrow, an 11-entry legend, a locator inset of the region's countries and
 * lakes with country codes, a scale bar, a north arrow, title, subtitle and
 * two source lines; the same fonts (DejaVu Sans regular, bold, italic) and
 * font options.  Positions of the labels are fixed, not placed.
 *
 * usage: map_floor BASEMAP_DIR OUT.png|OUT.svg [WIDTH] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-svg.h>
#include <cairo.h>
#include <shapefil.h>

static const double W0 = 28.45, E0 = 29.55, S0 = -2.05, N0 = -1.15;
static double fx, fy, fw, fh, kx, ky, s;

static double tx(double lon)
{
    return fx + (lon - W0) * kx;
}
static double ty(double lat)
{
    return fy + (N0 - lat) * ky;
}

typedef struct frame {
    double x, y, kx, ky, west, north;
} frame;

static void shp_path(cairo_t *cr, const char *dir, const char *name, int closed, const frame *f)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.shp", dir, name);
    SHPHandle shp = SHPOpen(path, "rb");
    if (!shp)
        return;
    int n = 0, type = 0;
    SHPGetInfo(shp, &n, &type, NULL, NULL);
    for (int i = 0; i < n; i++) {
        SHPObject *o = SHPReadObject(shp, i);
        if (!o)
            continue;
        for (int p = 0; p < o->nParts; p++) {
            int a = o->panPartStart[p], z = p + 1 < o->nParts ? o->panPartStart[p + 1] : o->nVertices;
            for (int v = a; v < z; v++) {
                double x = f ? f->x + (o->padfX[v] - f->west) * f->kx : tx(o->padfX[v]);
                double y = f ? f->y + (f->north - o->padfY[v]) * f->ky : ty(o->padfY[v]);
                if (v == a)
                    cairo_move_to(cr, x, y);
                else
                    cairo_line_to(cr, x, y);
            }
            if (closed)
                cairo_close_path(cr);
        }
        SHPDestroyObject(o);
    }
    SHPClose(shp);
}

static void rgb(cairo_t *cr, unsigned hex)
{
    cairo_set_source_rgb(cr, (hex >> 16 & 0xff) / 255.0, (hex >> 8 & 0xff) / 255.0,
                         (hex & 0xff) / 255.0);
}

static void font(cairo_t *cr, double size, int bold, int italic)
{
    cairo_select_font_face(cr, "DejaVu Sans", italic ? CAIRO_FONT_SLANT_ITALIC : CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

static void label(cairo_t *cr, const char *text, double x, double y, unsigned fill, double halo)
{
    cairo_save(cr);
    cairo_move_to(cr, x, y);
    cairo_text_path(cr, text);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.92);
    cairo_set_line_width(cr, halo);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
    cairo_move_to(cr, x, y);
    rgb(cr, fill);
    cairo_show_text(cr, text);
    cairo_restore(cr);
}

static void dot(cairo_t *cr, double x, double y, double r, unsigned fill, unsigned ring, double lw)
{
    cairo_new_path(cr);
    cairo_arc(cr, x, y, r, 0, 2 * M_PI);
    rgb(cr, fill);
    cairo_fill_preserve(cr);
    rgb(cr, ring);
    cairo_set_line_width(cr, lw);
    cairo_stroke(cr);
}

static void arrow(cairo_t *cr, double x0, double y0, double x1, double y1, double width,
                  unsigned colour)
{
    double mx = (x0 + x1) / 2 - (y1 - y0) * 0.15, my = (y0 + y1) / 2 + (x1 - x0) * 0.15;
    for (int pass = 0; pass < 2; pass++) {
        cairo_new_path(cr);
        cairo_move_to(cr, x0, y0);
        cairo_curve_to(cr, mx, my, mx, my, x1, y1);
        if (pass == 0)
            cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
        else
            rgb(cr, colour);
        cairo_set_line_width(cr, pass == 0 ? width + 3 : width);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        cairo_stroke(cr);
    }
    double a = atan2(y1 - my, x1 - mx), h = 6 * width;
    cairo_move_to(cr, x1, y1);
    cairo_line_to(cr, x1 - h * cos(a - 0.4), y1 - h * sin(a - 0.4));
    cairo_line_to(cr, x1 - h * cos(a + 0.4), y1 - h * sin(a + 0.4));
    cairo_close_path(cr);
    rgb(cr, colour);
    cairo_fill(cr);
}

/* the names kivumap labels on this extent */
static const char *const towns[] = {
    "Goma",      "Gisenyi",   "Kitshanga",  "Kiwanja",    "Minova",    "Nyabibwe",  "Rubaya",
    "Rutshuru",  "Grande Barrière", "Bihambwe", "Buhumba", "Burungu",  "Busurungi", "Bweremana",
    "Ihusi",     "Kalengera", "Kalungu",    "Kanyanza",   "Karuba",    "Kashebere", "Katale",
    "Kibarizo",  "Kibati",    "Kibumba",    "Kilolirwe",  "Kimoka",    "Kinyandonyi", "Kirotshe",
    "Loashi",    "Lukweti",   "Mubambiro",  "Muheto",     "Munigi",    "Mushaki",   "Ndosho",
    "Ngungu",    "Ntamugenga", "Ntoto",     "Numbi",      "Nyabiondo", "Nyamitaba", "Nzulo",
    "Rubare",    "Rugari",    "Rumangabo",  "Rwanguba",   "Shasha",    "Tongo",     "Bulengo",
    "Bushagara", "Don Bosco", "Elohim",     "Lac Vert",   "Nkamira",   "Rusayo"};

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: map_floor BASEMAP_DIR OUT.png|OUT.svg [WIDTH]\n");
        return 2;
    }
    const char *dir = argv[1];
    double width = argc > 3 ? atof(argv[3]) : 1600;
    s = width / 1600;
    double margin = 16 * s;
    fx = margin + 18 * s;
    fy = margin + 74 * s;
    fw = width - fx - margin;
    double coslat = cos((S0 + N0) / 2 * M_PI / 180);
    kx = fw / (E0 - W0);
    ky = kx / coslat;
    fh = round((N0 - S0) * ky);
    double height = ceil(fy + fh + 78 * s);
    int svg = strstr(argv[2], ".svg") != NULL;
    cairo_surface_t *surf = svg ? cairo_svg_surface_create(argv[2], width, height)
                                : cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)width,
                                                             (int)height);
    cairo_t *cr = cairo_create(surf);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
    rgb(cr, 0xf4f1ea);
    cairo_paint(cr);

    /* base layers, clipped to the frame */
    cairo_save(cr);
    cairo_rectangle(cr, fx, fy, fw, fh);
    cairo_clip(cr);
    rgb(cr, 0xe6e2d8);
    cairo_rectangle(cr, fx, fy, fw, fh);
    cairo_fill(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    shp_path(cr, dir, "countries", 1, NULL);
    rgb(cr, 0xfbf9f3);
    cairo_fill(cr);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    shp_path(cr, dir, "rivers", 0, NULL);
    rgb(cr, 0x6fa3c7);
    cairo_set_line_width(cr, 0.9 * s);
    cairo_stroke(cr);
    shp_path(cr, dir, "lakes", 1, NULL);
    rgb(cr, 0xa9cfe8);
    cairo_fill_preserve(cr);
    rgb(cr, 0x6fa3c7);
    cairo_set_line_width(cr, 0.8 * s);
    cairo_stroke(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    shp_path(cr, dir, "admin1", 0, NULL);
    cairo_set_source_rgba(cr, 0.48, 0.36, 0.56, 0.45);
    cairo_stroke(cr);
    double dash[2] = {7 * s, 4 * s};
    shp_path(cr, dir, "province", 0, NULL);
    rgb(cr, 0x7a5c8e);
    cairo_set_line_width(cr, 1.6 * s);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    for (int layer = 0; layer < 2; layer++) {
        shp_path(cr, dir, layer == 0 ? "borders" : "roads", 0, NULL);
        cairo_set_source_rgba(cr, 1, 1, 1, layer == 0 ? 0.45 : 0.8);
        cairo_set_line_width(cr, (layer == 0 ? 3.4 : 3.2) * s);
        cairo_stroke_preserve(cr);
        rgb(cr, layer == 0 ? 0x555555 : 0x9a8f80);
        cairo_set_line_width(cr, (layer == 0 ? 1.5 : 1.6) * s);
        cairo_stroke(cr);
    }
    /* graticule */
    for (double lon = 28.5; lon < E0; lon += 0.25) {
        cairo_move_to(cr, tx(lon), fy);
        cairo_line_to(cr, tx(lon), fy + fh);
    }
    for (double lat = -2.0; lat < N0; lat += 0.25) {
        cairo_move_to(cr, fx, ty(lat));
        cairo_line_to(cr, fx + fw, ty(lat));
    }
    rgb(cr, 0x9aa7b3);
    cairo_set_line_width(cr, 0.6 * s);
    cairo_stroke(cr);
    cairo_restore(cr);
    font(cr, 11 * s, 0, 0);
    rgb(cr, 0x5f5f5f);
    for (double lon = 28.5; lon < E0; lon += 0.25) {
        char buf[32];
        snprintf(buf, sizeof buf, "%d\xc2\xb0%02d\xe2\x80\xb2" "E", (int)lon, (int)((lon - (int)lon) * 60));
        cairo_move_to(cr, tx(lon) - 20 * s, fy + fh + 14 * s);
        cairo_show_text(cr, buf);
    }
    for (double lat = -2.0; lat < N0; lat += 0.25) {
        char buf[32];
        snprintf(buf, sizeof buf, "%d\xc2\xb0%02d\xe2\x80\xb2S", (int)-lat, (int)((-lat - (int)-lat) * 60));
        cairo_save(cr);
        cairo_move_to(cr, fx - 6 * s, ty(lat) + 20 * s);
        cairo_rotate(cr, -M_PI / 2);
        cairo_show_text(cr, buf);
        cairo_restore(cr);
    }

    /* marks, clipped to the frame */
    cairo_save(cr);
    cairo_rectangle(cr, fx, fy, fw, fh);
    cairo_clip(cr);
    font(cr, 18 * s, 0, 0);
    label(cr, "D R   C O N G O", fx + 590 * s, fy + 540 * s, 0x5f5f5f, 3 * s);
    label(cr, "R W A N D A", fx + 1320 * s, fy + 860 * s, 0x5f5f5f, 3 * s);
    font(cr, 15 * s, 0, 1);
    label(cr, "Lake Kivu", fx + 930 * s, fy + 1000 * s, 0x2f5f8a, 3 * s);
    cairo_new_path(cr);
    cairo_arc(cr, fx + 830 * s, fy + 590 * s, 40 * s, 0, 2 * M_PI);
    cairo_set_source_rgba(cr, 0.88, 0.48, 0, 0.3);
    cairo_fill_preserve(cr);
    rgb(cr, 0xe07b00);
    cairo_set_line_width(cr, 1.5 * s);
    cairo_stroke(cr);
    arrow(cr, fx + 830 * s, fy + 590 * s, fx + 1100 * s, fy + 740 * s, 3 * s, 0xe07b00);
    arrow(cr, fx + 570 * s, fy + 400 * s, fx + 520 * s, fy + 350 * s, 4 * s, 0xc8102e);
    dot(cr, fx + 545 * s, fy + 372 * s, 9 * s, 0xc8102e, 0xffffff, 2 * s);
    font(cr, 10 * s, 1, 0);
    rgb(cr, 0xffffff);
    cairo_move_to(cr, fx + 542 * s, fy + 376 * s);
    cairo_show_text(cr, "1");
    for (size_t i = 0; i < sizeof towns / sizeof towns[0]; i++) {
        double x = fx + fmod(i * 137.0 + 40, fw - 140 * s), y = fy + fmod(i * 91.0 + 30, fh - 60 * s);
        int city = i < 2;
        dot(cr, x, y, (city ? 4.5 : 2.2) * s, 0x333333, 0xffffff, (city ? 1.5 : 0.8) * s);
        font(cr, (city ? 14.5 : i < 13 ? 12.5 : 11) * s, city, i >= 48);
        label(cr, towns[i], x + 6 * s, y - 4 * s, i >= 48 ? 0x5f5f5f : 0x222222, 3 * s);
    }
    static const char *const events[][2] = {{"Masisi", "captured 27 Jan 2025"},
                                            {"Katale", "captured 27 Jan 2025"},
                                            {"Sake", "fighting 23 Jan 2025"}};
    for (int i = 0; i < 3; i++) {
        double x = fx + (520 + i * 150) * s, y = fy + (350 + i * 120) * s;
        dot(cr, x, y, 8.5 * s, i < 2 ? 0xc8102e : 0xf2a900, 0xffffff, 2 * s);
        font(cr, 17 * s, 1, 0);
        label(cr, events[i][0], x + 12 * s, y - 4 * s, 0x222222, 3.5 * s);
        font(cr, 14.3 * s, 0, 0);
        label(cr, events[i][1], x + 12 * s, y + 14 * s, 0xc8102e, 3.5 * s);
    }
    font(cr, 15 * s, 1, 0);
    label(cr, "150,000 displaced", fx + 860 * s, fy + 540 * s, 0xe07b00, 3.5 * s);
    font(cr, 12.6 * s, 0, 0);
    label(cr, "27 Jan 2025", fx + 860 * s, fy + 556 * s, 0x222222, 3.5 * s);
    cairo_restore(cr);
    cairo_new_path(cr);
    cairo_rectangle(cr, fx, fy, fw, fh);
    rgb(cr, 0x999999);
    cairo_set_line_width(cr, 1.2 * s);
    cairo_stroke(cr);

    /* legend */
    double lx = fx + 10 * s, ly = fy + fh - 278 * s;
    cairo_rectangle(cr, lx, ly, 300 * s, 268 * s);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.93);
    cairo_fill_preserve(cr);
    rgb(cr, 0x999999);
    cairo_set_line_width(cr, 1 * s);
    cairo_stroke(cr);
    font(cr, 13 * s, 1, 0);
    rgb(cr, 0x222222);
    cairo_move_to(cr, lx + 10 * s, ly + 22 * s);
    cairo_show_text(cr, "Legend");
    static const char *const entries[] = {
        "Captured by M23",  "Fighting, shelling or attack", "M23 advance, numbered in date order",
        "People displaced (circle area \xe2\x88\x9d number)", "Displaced people moving to", "City",
        "Town or village",  "Displacement camp", "Main road (schematic)", "International border",
        "North Kivu boundary"};
    font(cr, 13 * s, 0, 0);
    for (int i = 0; i < 11; i++) {
        double y = ly + (44 + i * 21) * s;
        dot(cr, lx + 20 * s, y - 4 * s, 5 * s, 0xc8102e, 0xffffff, 1.2 * s);
        rgb(cr, 0x222222);
        cairo_move_to(cr, lx + 36 * s, y);
        cairo_show_text(cr, entries[i]);
    }

    /* locator inset */
    double ix = fx + fw - 240 * s, iy = fy + fh - 217 * s, iw = 230 * s, ih = 207 * s;
    cairo_save(cr);
    cairo_rectangle(cr, ix, iy, iw, ih);
    rgb(cr, 0xa9cfe8);
    cairo_fill_preserve(cr);
    cairo_clip(cr);
    frame inset = {ix + 6 * s, iy + 6 * s, (iw - 12 * s) / 28.0, (ih - 12 * s) / 26.0, 8.0, 10.0};
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    shp_path(cr, dir, "region", 1, &inset);
    rgb(cr, 0xe6e2d8);
    cairo_fill_preserve(cr);
    rgb(cr, 0x555555);
    cairo_set_line_width(cr, 0.7 * s);
    cairo_stroke(cr);
    shp_path(cr, dir, "lakes", 1, &inset);
    rgb(cr, 0xa9cfe8);
    cairo_fill(cr);
    font(cr, 10 * s, 1, 0);
    rgb(cr, 0x5f5f5f);
    static const char *const codes[] = {"CD", "CF", "SS", "ET", "UG", "KE", "TZ", "RW", "BI",
                                        "ZM", "AO", "CG", "GA", "CM"};
    for (int i = 0; i < 14; i++) {
        cairo_move_to(cr, ix + fmod(i * 53.0, iw - 30 * s) + 10 * s, iy + fmod(i * 37.0, ih - 30 * s) + 20 * s);
        cairo_show_text(cr, codes[i]);
    }
    cairo_rectangle(cr, ix + 140 * s, iy + 100 * s, 6 * s, 6 * s);
    cairo_set_source_rgb(cr, 0.8, 0.05, 0.1);
    cairo_set_line_width(cr, 2 * s);
    cairo_stroke(cr);
    cairo_restore(cr);
    cairo_rectangle(cr, ix, iy, iw, ih);
    rgb(cr, 0x999999);
    cairo_set_line_width(cr, 1.2 * s);
    cairo_stroke(cr);

    /* scale bar and north arrow */
    double sx = fx + 10 * s, sy = fy + 10 * s;
    cairo_rectangle(cr, sx, sy, 174 * s, 44 * s);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_fill(cr);
    for (int i = 0; i < 4; i++) {
        cairo_rectangle(cr, sx + (10 + i * 32) * s, sy + 28 * s, 32 * s, 5 * s);
        rgb(cr, i % 2 ? 0xffffff : 0x222222);
        cairo_fill_preserve(cr);
        rgb(cr, 0x222222);
        cairo_set_line_width(cr, 0.8 * s);
        cairo_stroke(cr);
    }
    font(cr, 11 * s, 0, 0);
    static const char *const ticks[] = {"0", "5", "10 km"};
    for (int i = 0; i < 3; i++) {
        cairo_move_to(cr, sx + (8 + i * 64) * s, sy + 20 * s);
        cairo_show_text(cr, ticks[i]);
    }
    cairo_move_to(cr, sx + 195 * s, sy + 40 * s);
    cairo_line_to(cr, sx + 200 * s, sy + 20 * s);
    cairo_line_to(cr, sx + 205 * s, sy + 40 * s);
    cairo_close_path(cr);
    cairo_fill(cr);
    font(cr, 13 * s, 1, 0);
    cairo_move_to(cr, sx + 195 * s, sy + 15 * s);
    cairo_show_text(cr, "N");

    /* title, subtitle, sources */
    font(cr, 28 * s, 1, 0);
    rgb(cr, 0x222222);
    cairo_move_to(cr, fx, margin + 27 * s);
    cairo_show_text(cr, "North Kivu: M23 advances and displacement");
    font(cr, 16 * s, 0, 0);
    rgb(cr, 0x5f5f5f);
    cairo_move_to(cr, fx, margin + 54 * s);
    cairo_show_text(cr, "Events from 23 Jan 2025 to 27 Jan 2025, as reported in 1 article");
    font(cr, 11.5 * s, 0, 0);
    cairo_move_to(cr, fx, fy + fh + 36 * s);
    cairo_show_text(cr, "Sources: article.txt (2025-01-27)");
    cairo_move_to(cr, fx, fy + fh + 52 * s);
    cairo_show_text(cr, "Base map: GSHHG/DCW (LGPL), Natural Earth; roads schematic. Events: "
                        "kivumap from 1 article. Projection: UTM zone 35S (EPSG:32735).");

    cairo_destroy(cr);
    int rc = 0;
    if (!svg && cairo_surface_write_to_png(surf, argv[2]) != CAIRO_STATUS_SUCCESS)
        rc = 1;
    cairo_surface_finish(surf);
    cairo_surface_destroy(surf);
    return rc;
}
