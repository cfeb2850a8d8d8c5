/* The base map: themes, text helpers, and the bundled layers (countries,
 * lakes, rivers, borders, province, admin-1, roads) loaded and drawn in
 * order.  Missing layers are skipped and listed for the caller. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "map/map_internal.h"
#include "map/map_draw.h"
#include "util.h"

#define RGB(hex) {((hex) >> 16 & 0xff) / 255.0, ((hex) >> 8 & 0xff) / 255.0, ((hex)&0xff) / 255.0}

static const map_theme themes[] = {
    {"light", RGB(0xf4f1ea), RGB(0xe6e2d8), RGB(0xfbf9f3), RGB(0xa9cfe8), RGB(0x6fa3c7),
     RGB(0x555555), RGB(0x7a5c8e), RGB(0x9a8f80), RGB(0x9aa7b3), RGB(0x222222), RGB(0x5f5f5f),
     RGB(0xffffff), RGB(0x333333), RGB(0xffffff), RGB(0x999999), RGB(0xe07b00), RGB(0x9a9a9a),
     RGB(0xf2a900), RGB(0x00796b)},
    {"print", RGB(0xffffff), RGB(0xe9e9e9), RGB(0xffffff), RGB(0xc6dff0), RGB(0x5b8db5),
     RGB(0x333333), RGB(0x555555), RGB(0x8c8c8c), RGB(0xb0b0b0), RGB(0x000000), RGB(0x444444),
     RGB(0xffffff), RGB(0x000000), RGB(0xffffff), RGB(0x666666), RGB(0xd06000), RGB(0x8a8a8a),
     RGB(0xe0a000), RGB(0x00695c)},
    {"dark", RGB(0x1d2228), RGB(0x2c333b), RGB(0x39424c), RGB(0x1f4e6e), RGB(0x3d7fae),
     RGB(0xb8c0c8), RGB(0xc9a6e0), RGB(0x8d8577), RGB(0x4a5560), RGB(0xf0f0f0), RGB(0xb0b8c0),
     RGB(0x1d2228), RGB(0xe8e8e8), RGB(0x262c33), RGB(0x5a6570), RGB(0xff9a2e), RGB(0x7d858c),
     RGB(0xffc233), RGB(0x4db6ac)},
};

const map_theme *map_theme_find(const char *name)
{
    if (!name || !*name)
        return &themes[0];
    for (size_t i = 0; i < sizeof themes / sizeof themes[0]; i++)
        if (strcmp(themes[i].name, name) == 0)
            return &themes[i];
    return NULL;
}

void map_set_rgb(cairo_t *cr, map_rgb c)
{
    cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

void map_set_rgba(cairo_t *cr, map_rgb c, double alpha)
{
    cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

void map_select_font(cairo_t *cr, double size, int bold, int italic)
{
    cairo_select_font_face(cr, "DejaVu Sans", italic ? CAIRO_FONT_SLANT_ITALIC : CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
}

void map_text_size(cairo_t *cr, const char *text, double *pw, double *ph)
{
    cairo_text_extents_t te;
    cairo_font_extents_t fe;
    cairo_text_extents(cr, text, &te);
    cairo_font_extents(cr, &fe);
    if (pw)
        *pw = te.x_advance;
    if (ph)
        *ph = fe.ascent + fe.descent;
}

void map_text_halo(const map_ctx *m, const char *text, double x, double y, map_rgb fill,
                   map_rgb halo, double halo_width)
{
    map_text_halo_anchored(m, text, x, 0, MAP_ANCHOR_START, y, fill, halo, 0.92, halo_width, 0);
}

int map_lonlat_to_canvas(const map_ctx *m, double lon, double lat, double *pcx, double *pcy)
{
    double x, y;
    kvm_lonlat p = {lon, lat};
    if (kvm_projection_forward(m->proj, p, &x, &y) != KVM_OK || !isfinite(x) || !isfinite(y))
        return -1;
    *pcx = map_cx(m, x);
    *pcy = map_cy(m, y);
    return 0;
}

/* ---- Loading ------------------------------------------------------------ */

static const char *const base_names[MAP_BASE_COUNT] = {
    "countries", "lakes", "rivers", "borders", "province", "admin1", "roads", "region",
};

const char *map_base_name(int which)
{
    return which >= 0 && which < MAP_BASE_COUNT ? base_names[which] : "";
}

kvm_status map_basemap_load(map_basemap *base, const char *dir, kvm_error *err)
{
    memset(base, 0, sizeof *base);
    for (int i = 0; i < MAP_BASE_COUNT; i++) {
        kvm_error lerr = {0};
        kvm_status st = map_layer_read_base(dir, base_names[i], &base->layer[i], &lerr);
        if (st == KVM_ERR_NOT_FOUND) {
            base->missing[i] = 1;
            continue;
        }
        if (st != KVM_OK) {
            if (err)
                *err = lerr;
            map_basemap_free(base);
            return st;
        }
    }
    return KVM_OK;
}

void map_basemap_free(map_basemap *base)
{
    for (int i = 0; i < MAP_BASE_COUNT; i++) {
        map_layer_free(base->layer[i]);
        base->layer[i] = NULL;
    }
}

kvm_status map_basemap_project(map_basemap *base, const kvm_projection *proj, kvm_bbox within,
                               kvm_error *err)
{
    for (int i = 0; i < MAP_BASE_COUNT; i++) {
        if (i == MAP_BASE_REGION || !base->layer[i])
            continue;
        kvm_status st = map_layer_project(base->layer[i], proj, within, err);
        if (st != KVM_OK)
            return st;
    }
    return KVM_OK;
}

/* Coverage of the bundled layers: the union of the countries' bounds. */
int map_basemap_coverage(const map_basemap *base, kvm_bbox *pbox)
{
    const map_layer *l = base->layer[MAP_BASE_COUNTRIES];
    if (!l)
        l = base->layer[MAP_BASE_LAKES];
    if (!l || l->n_features == 0)
        return -1;
    kvm_bbox b = l->features[0].box;
    for (size_t i = 1; i < l->n_features; i++) {
        b.west = fmin(b.west, l->features[i].box.west);
        b.south = fmin(b.south, l->features[i].box.south);
        b.east = fmax(b.east, l->features[i].box.east);
        b.north = fmax(b.north, l->features[i].box.north);
    }
    *pbox = b;
    return 0;
}

/* ---- Drawing ------------------------------------------------------------ */

static int is_home_country(const map_feature *f)
{
    return strcmp(f->iso2, "CD") == 0 || strstr(f->name, "Congo") != NULL;
}

void map_draw_land(map_ctx *m, const map_basemap *base)
{
    cairo_t *cr = m->cr;
    map_set_rgb(cr, m->theme->land_other);
    cairo_rectangle(cr, m->area.x, m->area.y, m->area.w, m->area.h);
    cairo_fill(cr);
    const map_layer *l = base->layer[MAP_BASE_COUNTRIES];
    if (!l)
        return;
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    for (size_t i = 0; i < l->n_features; i++) {
        if (!l->ok[i])
            continue;
        map_layer_path(m, l, i);
        map_set_rgb(cr, is_home_country(&l->features[i]) ? m->theme->land_home
                                                          : m->theme->land_other);
        cairo_fill(cr);
    }
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
}

void map_draw_water(map_ctx *m, const map_basemap *base)
{
    cairo_t *cr = m->cr;
    const map_layer *rivers = base->layer[MAP_BASE_RIVERS];
    if (rivers) {
        map_layer_path(m, rivers, (size_t)-1);
        map_set_rgb(cr, m->theme->water_line);
        cairo_set_line_width(cr, 0.9 * m->s);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        cairo_stroke(cr);
    }
    const map_layer *lakes = base->layer[MAP_BASE_LAKES];
    if (lakes) {
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
        map_layer_path(m, lakes, (size_t)-1);
        map_set_rgb(cr, m->theme->water);
        cairo_fill_preserve(cr);
        map_set_rgb(cr, m->theme->water_line);
        cairo_set_line_width(cr, 0.8 * m->s);
        cairo_stroke(cr);
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    }
}

void map_draw_boundaries(map_ctx *m, const map_basemap *base)
{
    cairo_t *cr = m->cr;
    const map_layer *admin1 = base->layer[MAP_BASE_ADMIN1];
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    if (admin1) {
        map_layer_path(m, admin1, (size_t)-1);
        map_set_rgba(cr, m->theme->province, 0.45);
        cairo_set_line_width(cr, 0.8 * m->s);
        cairo_stroke(cr);
    }
    const map_layer *province = base->layer[MAP_BASE_PROVINCE];
    if (province) {
        double dash[2] = {7 * m->s, 4 * m->s};
        map_layer_path(m, province, (size_t)-1);
        map_set_rgb(cr, m->theme->province);
        cairo_set_line_width(cr, 1.6 * m->s);
        cairo_set_dash(cr, dash, 2, 0);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }
    const map_layer *borders = base->layer[MAP_BASE_BORDERS];
    if (borders) {
        map_layer_path(m, borders, (size_t)-1);
        map_set_rgba(cr, m->theme->halo, 0.45);
        cairo_set_line_width(cr, 3.4 * m->s);
        cairo_stroke_preserve(cr);
        map_set_rgb(cr, m->theme->border);
        cairo_set_line_width(cr, 1.5 * m->s);
        cairo_stroke(cr);
    }
}

void map_draw_roads(map_ctx *m, const map_basemap *base)
{
    const map_layer *roads = base->layer[MAP_BASE_ROADS];
    if (!roads)
        return;
    cairo_t *cr = m->cr;
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    map_layer_path(m, roads, (size_t)-1);
    map_set_rgba(cr, m->theme->halo, 0.8);
    cairo_set_line_width(cr, 3.2 * m->s);
    cairo_stroke_preserve(cr);
    map_set_rgb(cr, m->theme->road);
    cairo_set_line_width(cr, 1.6 * m->s);
    cairo_stroke(cr);
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The x where the feature's edges cross the horizontal line y = py (even-odd
 * rule, the same test as a ray cast from each point), sorted; the count.
 * *pxs grows as needed (caller frees). */
static size_t row_crossings(const map_layer *l, const map_feature *f, double py, double **pxs,
                            size_t *pcap)
{
    size_t n = 0;
    for (size_t p = f->first_part; p < f->first_part + f->n_parts; p++) {
        size_t a = l->part_start[p], b = l->part_start[p + 1];
        if (b <= a)
            continue;
        for (size_t v = a, w = b - 1; v < b; w = v++) {
            if ((l->y[v] > py) == (l->y[w] > py))
                continue;
            if (kvm_grow((void **)pxs, pcap, n + 1, sizeof **pxs) != 0)
                return (size_t)-1;
            (*pxs)[n++] = (l->x[w] - l->x[v]) * (py - l->y[v]) / (l->y[w] - l->y[v]) + l->x[v];
        }
    }
    qsort(*pxs, n, sizeof **pxs, compare_double);
    return n;
}

/* Samples of the frame that fall inside feature `i` of a polygon layer: the
 * inside sample nearest to their mean is a label anchor for lakes and
 * countries (the mean itself may fall outside a crescent).  Returns 0 and
 * the anchor when the feature shows enough of itself. */
int map_polygon_anchor(const map_ctx *m, const map_layer *l, size_t i, double *pcx, double *pcy)
{
    if (!l->ok[i])
        return -1;
    const map_feature *f = &l->features[i];
    size_t a = l->part_start[f->first_part], b = l->part_start[f->first_part + f->n_parts];
    if (b <= a)
        return -1;
    double minx = HUGE_VAL, maxx = -HUGE_VAL, miny = HUGE_VAL, maxy = -HUGE_VAL;
    for (size_t v = a; v < b; v++) {
        minx = fmin(minx, map_cx(m, l->x[v]));
        maxx = fmax(maxx, map_cx(m, l->x[v]));
        miny = fmin(miny, map_cy(m, l->y[v]));
        maxy = fmax(maxy, map_cy(m, l->y[v]));
    }
    double margin = 30 * m->s;
    minx = fmax(minx, m->area.x + margin);
    maxx = fmin(maxx, m->area.x + m->area.w - margin);
    miny = fmax(miny, m->area.y + margin);
    maxy = fmin(maxy, m->area.y + m->area.h - margin);
    if (maxx <= minx || maxy <= miny)
        return -1;
    double step = fmax((maxx - minx) / 40.0, (maxy - miny) / 40.0);
    step = fmax(step, 4 * m->s);
    double *xs = NULL, *ys = NULL, *cross = NULL;
    size_t n = 0, cap = 0, capy = 0, capc = 0;
    double sx = 0, sy = 0;
    /* one row at a time: the edges crossing the row, then each sample is
     * inside when an odd number of crossings lie to its right */
    for (double y = miny + step / 2; y < maxy; y += step) {
        double py = m->y1 - (y - m->area.y) / m->k;
        size_t nc = row_crossings(l, f, py, &cross, &capc);
        if (nc == (size_t)-1) {
            free(xs);
            free(ys);
            free(cross);
            return -1;
        }
        size_t right = 0; /* crossings at or left of the sample */
        for (double x = minx + step / 2; x < maxx; x += step) {
            double px = m->x0 + (x - m->area.x) / m->k;
            while (right < nc && cross[right] <= px)
                right++;
            if ((nc - right) % 2 == 0)
                continue;
            if (kvm_grow((void **)&xs, &cap, n + 1, sizeof *xs) != 0 ||
                kvm_grow((void **)&ys, &capy, n + 1, sizeof *ys) != 0) {
                free(xs);
                free(ys);
                free(cross);
                return -1;
            }
            xs[n] = x;
            ys[n] = y;
            sx += x;
            sy += y;
            n++;
        }
    }
    free(cross);
    if (n < 6) {
        free(xs);
        free(ys);
        return -1;
    }
    double cx = sx / (double)n, cy = sy / (double)n, best_d = HUGE_VAL;
    for (size_t j = 0; j < n; j++) {
        double d = (xs[j] - cx) * (xs[j] - cx) + (ys[j] - cy) * (ys[j] - cy);
        if (d < best_d) {
            best_d = d;
            *pcx = xs[j];
            *pcy = ys[j];
        }
    }
    free(xs);
    free(ys);
    return 0;
}
