/* The floor for `kivumap map`: a bare cairo program drawing the same
 * primitives with no layout logic -- the bundled base layers read with
 * shapelib (plate carree, no PROJ), a few symbols, arrows and halo labels --
 * then PNG (or SVG) out.  bench/map.sh compares kivumap against it.
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
static double width, height, kx, ky;

static double tx(double lon)
{
    return (lon - W0) * kx;
}
static double ty(double lat)
{
    return (N0 - lat) * ky;
}

static void layer(cairo_t *cr, const char *dir, const char *name, int fill, double r, double g,
                  double b, double line)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.shp", dir, name);
    SHPHandle shp = SHPOpen(path, "rb");
    if (!shp)
        return;
    int n = 0, type = 0;
    SHPGetInfo(shp, &n, &type, NULL, NULL);
    cairo_new_path(cr);
    for (int i = 0; i < n; i++) {
        SHPObject *o = SHPReadObject(shp, i);
        if (!o)
            continue;
        for (int p = 0; p < o->nParts; p++) {
            int a = o->panPartStart[p], z = p + 1 < o->nParts ? o->panPartStart[p + 1] : o->nVertices;
            cairo_move_to(cr, tx(o->padfX[a]), ty(o->padfY[a]));
            for (int v = a + 1; v < z; v++)
                cairo_line_to(cr, tx(o->padfX[v]), ty(o->padfY[v]));
            if (fill)
                cairo_close_path(cr);
        }
        SHPDestroyObject(o);
    }
    SHPClose(shp);
    cairo_set_source_rgb(cr, r, g, b);
    if (fill) {
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, r * 0.7, g * 0.7, b * 0.7);
    }
    cairo_set_line_width(cr, line);
    cairo_stroke(cr);
}

static void label(cairo_t *cr, const char *text, double x, double y)
{
    cairo_move_to(cr, x, y);
    cairo_text_path(cr, text);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 3);
    cairo_stroke(cr);
    cairo_move_to(cr, x, y);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_show_text(cr, text);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: map_floor BASEMAP_DIR OUT.png|OUT.svg [WIDTH]\n");
        return 2;
    }
    width = argc > 3 ? atof(argv[3]) : 1600;
    kx = width / (E0 - W0);
    ky = kx;
    height = (N0 - S0) * ky;
    int svg = strstr(argv[2], ".svg") != NULL;
    cairo_surface_t *s = svg ? cairo_svg_surface_create(argv[2], width, height)
                             : cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)width, (int)height);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 0.95, 0.94, 0.91);
    cairo_paint(cr);
    layer(cr, argv[1], "countries", 1, 0.98, 0.97, 0.95, 1);
    layer(cr, argv[1], "rivers", 0, 0.4, 0.6, 0.8, 0.9);
    layer(cr, argv[1], "lakes", 1, 0.66, 0.81, 0.91, 0.8);
    layer(cr, argv[1], "admin1", 0, 0.5, 0.4, 0.6, 0.8);
    layer(cr, argv[1], "province", 0, 0.5, 0.4, 0.6, 1.6);
    layer(cr, argv[1], "borders", 0, 0.3, 0.3, 0.3, 1.5);
    layer(cr, argv[1], "roads", 0, 0.6, 0.56, 0.5, 1.6);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 13);
    /* the same count of symbols and labels as a typical map: ~40 towns, 4
     * events, 1 arrow, 1 circle, legend text */
    for (int i = 0; i < 40; i++) {
        double x = fmod(i * 137.0, width - 100) + 20, y = fmod(i * 91.0, height - 40) + 20;
        cairo_arc(cr, x, y, 3, 0, 2 * M_PI);
        cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
        cairo_fill(cr);
        label(cr, "Townname", x + 5, y - 4);
    }
    for (int i = 0; i < 4; i++) {
        cairo_arc(cr, 400 + i * 120, 500, 8.5, 0, 2 * M_PI);
        cairo_set_source_rgb(cr, 0.78, 0.06, 0.18);
        cairo_fill(cr);
        label(cr, "captured 25 Jan 2025", 412 + i * 120, 520);
    }
    cairo_move_to(cr, 400, 500);
    cairo_curve_to(cr, 430, 450, 480, 450, 520, 500);
    cairo_set_line_width(cr, 4);
    cairo_stroke(cr);
    cairo_arc(cr, 800, 700, 40, 0, 2 * M_PI);
    cairo_set_source_rgba(cr, 0.88, 0.48, 0, 0.3);
    cairo_fill(cr);
    for (int i = 0; i < 14; i++)
        label(cr, "Legend entry text", 30, height - 300 + i * 20);
    cairo_destroy(cr);
    int rc = 0;
    if (!svg && cairo_surface_write_to_png(s, argv[2]) != CAIRO_STATUS_SUCCESS)
        rc = 1;
    cairo_surface_finish(s);
    cairo_surface_destroy(s);
    return rc;
}
