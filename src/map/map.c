/* kvm_map_render: options, extent and layout, then one drawing path for PNG,
 * SVG and PDF (cairo surfaces writing through our own FILE* to a temporary
 * file that is renamed into place).  What goes on the map is gathered in
 * marks.c; the furniture lives in legend.c. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>

#include "map/map_draw.h"
#include "map/map_marks.h"
#include "util.h"

#define DEFAULT_CRS "EPSG:32735"
#define DEFAULT_WIDTH 1600
/* The province when there is nothing to fit. */
static const kvm_bbox NORTH_KIVU = {27.15, -2.15, 30.0, 0.95};
/* Used when no base layer tells the coverage. */
static const kvm_bbox FALLBACK_COVERAGE = {26.5, -2.6, 30.5, 1.5};

void kvm_map_options_init(kvm_map_options *o)
{
    memset(o, 0, sizeof *o);
    o->format = KVM_MAP_PNG;
    o->width_px = DEFAULT_WIDTH;
    o->inset = 1;
    o->theme = "light";
}

kvm_status kvm_map_format_from_name(const char *name, kvm_map_format *pformat, kvm_error *err)
{
    static const struct {
        const char *name;
        kvm_map_format format;
    } table[] = {{"png", KVM_MAP_PNG}, {"svg", KVM_MAP_SVG}, {"pdf", KVM_MAP_PDF}};
    const char *dot = strrchr(name, '.');
    const char *slash = strrchr(name, '/');
    const char *ext = dot && (!slash || dot > slash) ? dot + 1 : name;
    for (size_t i = 0; i < 3; i++) {
        if (strcasecmp(ext, table[i].name) == 0) {
            *pformat = table[i].format;
            return KVM_OK;
        }
    }
    return kvm_error_set(err, KVM_ERR_INVALID, "unknown map format '%s' (png, svg or pdf)", name);
}

/* ---- Extent ------------------------------------------------------------- */

static void add_point(kvm_bbox *b, int *pn, double lon, double lat)
{
    if (*pn == 0) {
        b->west = b->east = lon;
        b->south = b->north = lat;
    } else {
        b->west = fmin(b->west, lon);
        b->east = fmax(b->east, lon);
        b->south = fmin(b->south, lat);
        b->north = fmax(b->north, lat);
    }
    (*pn)++;
}

static int inside(kvm_bbox b, double lon, double lat)
{
    return lon >= b.west && lon <= b.east && lat >= b.south && lat <= b.north;
}

static kvm_bbox fit_bbox(const kvm_eventset *set, const kvm_gazetteer *gaz, kvm_bbox coverage)
{
    kvm_bbox b = NORTH_KIVU;
    int n = 0;
    size_t ne = set ? kvm_eventset_event_count(set) : 0;
    for (size_t i = 0; i < ne; i++) {
        const kvm_event *e = kvm_eventset_event(set, i);
        const kvm_place *pl[3] = {e->place, e->origin, e->destination};
        for (int j = 0; j < 3; j++) {
            if (!pl[j] || (j == 0 && !map_event_is_point(e)) || !map_place_is_point(pl[j]))
                continue;
            if (inside(coverage, pl[j]->lon, pl[j]->lat))
                add_point(&b, &n, pl[j]->lon, pl[j]->lat);
        }
    }
    size_t na = set ? kvm_eventset_advance_count(set) : 0;
    for (size_t i = 0; i < na; i++) {
        const kvm_advance *a = kvm_eventset_advance(set, i);
        if (a->from && inside(coverage, a->from->lon, a->from->lat))
            add_point(&b, &n, a->from->lon, a->from->lat);
        if (a->to && inside(coverage, a->to->lon, a->to->lat))
            add_point(&b, &n, a->to->lon, a->to->lat);
    }
    size_t nc = set ? kvm_eventset_claim_count(set) : 0;
    for (size_t i = 0; i < nc; i++) {
        const kvm_claim *c = kvm_eventset_claim(set, i);
        if (c->from && c->to && map_place_is_point(c->from) && map_place_is_point(c->to) &&
            inside(coverage, c->from->lon, c->from->lat) &&
            inside(coverage, c->to->lon, c->to->lat)) {
            add_point(&b, &n, c->from->lon, c->from->lat);
            add_point(&b, &n, c->to->lon, c->to->lat);
        }
    }
    if (n == 0)
        return NORTH_KIVU;
    /* the nearest city within 100 km anchors the reader (Goma, Butembo...) */
    if (gaz) {
        kvm_lonlat c = {(b.west + b.east) / 2, (b.south + b.north) / 2};
        const kvm_place *best = NULL;
        double best_km = 100;
        for (size_t i = 0; i < kvm_gazetteer_count(gaz); i++) {
            const kvm_place *p = kvm_gazetteer_place(gaz, i);
            if (p->kind != KVM_KIND_CITY || !inside(coverage, p->lon, p->lat))
                continue;
            double km;
            kvm_lonlat q = {p->lon, p->lat};
            if (kvm_geodesic_inverse(c, q, &km, NULL, NULL) == KVM_OK && km < best_km) {
                best_km = km;
                best = p;
            }
        }
        if (best)
            add_point(&b, &n, best->lon, best->lat);
    }
    double w = b.east - b.west, h = b.north - b.south;
    double cx = (b.west + b.east) / 2, cy = (b.south + b.north) / 2;
    w = fmax(w * 1.3, 0.8);
    h = fmax(h * 1.3, 0.8);
    /* keep the extent inside the coverage, shifting before shrinking */
    double cw = coverage.east - coverage.west, ch = coverage.north - coverage.south;
    w = fmin(w, cw);
    h = fmin(h, ch);
    b.west = cx - w / 2;
    b.east = cx + w / 2;
    b.south = cy - h / 2;
    b.north = cy + h / 2;
    if (b.west < coverage.west) {
        b.east += coverage.west - b.west;
        b.west = coverage.west;
    }
    if (b.east > coverage.east) {
        b.west -= b.east - coverage.east;
        b.east = coverage.east;
    }
    if (b.south < coverage.south) {
        b.north += coverage.south - b.south;
        b.south = coverage.south;
    }
    if (b.north > coverage.north) {
        b.south -= b.north - coverage.north;
        b.north = coverage.north;
    }
    return b;
}

kvm_status kvm_map_fit_bbox(const kvm_eventset *set, const kvm_gazetteer *gaz, kvm_bbox *pbox,
                            kvm_error *err)
{
    map_basemap base;
    kvm_status st = map_basemap_load(&base, NULL, err);
    if (st != KVM_OK)
        return st;
    kvm_bbox coverage = FALLBACK_COVERAGE;
    map_basemap_coverage(&base, &coverage);
    map_basemap_free(&base);
    *pbox = fit_bbox(set, gaz, coverage);
    return KVM_OK;
}

/* ---- Layout ------------------------------------------------------------- */

typedef struct layout_band {
    double title, subtitle;
} layout_band;

/* Projected bounds of a lon/lat box (edges densified: the box is curved in
 * UTM). */
static kvm_status projected_bounds(const kvm_projection *proj, kvm_bbox b, double *px0,
                                   double *py0, double *px1, double *py1, kvm_error *err)
{
    *px0 = *py0 = HUGE_VAL;
    *px1 = *py1 = -HUGE_VAL;
    for (int i = 0; i <= 16; i++) {
        double t = i / 16.0;
        kvm_lonlat pts[4] = {{b.west + t * (b.east - b.west), b.south},
                             {b.west + t * (b.east - b.west), b.north},
                             {b.west, b.south + t * (b.north - b.south)},
                             {b.east, b.south + t * (b.north - b.south)}};
        for (int j = 0; j < 4; j++) {
            double x, y;
            if (kvm_projection_forward(proj, pts[j], &x, &y) != KVM_OK || !isfinite(x) ||
                !isfinite(y))
                return kvm_error_set(err, KVM_ERR_PROJ,
                                     "cannot project the map extent %.3f,%.3f,%.3f,%.3f",
                                     b.west, b.south, b.east, b.north);
            *px0 = fmin(*px0, x);
            *px1 = fmax(*px1, x);
            *py0 = fmin(*py0, y);
            *py1 = fmax(*py1, y);
        }
    }
    return KVM_OK;
}

/* The lon/lat box covering the frame (for graticule, inset, culling). */
static void frame_geo(map_ctx *m)
{
    kvm_bbox g = {HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
    for (int i = 0; i <= 16; i++) {
        double t = i / 16.0;
        double xs[4] = {m->x0 + t * (m->x1 - m->x0), m->x0 + t * (m->x1 - m->x0), m->x0, m->x1};
        double ys[4] = {m->y0, m->y1, m->y0 + t * (m->y1 - m->y0), m->y0 + t * (m->y1 - m->y0)};
        for (int j = 0; j < 4; j++) {
            kvm_lonlat ll;
            if (kvm_projection_inverse(m->proj, xs[j], ys[j], &ll) != KVM_OK)
                continue;
            g.west = fmin(g.west, ll.lon);
            g.east = fmax(g.east, ll.lon);
            g.south = fmin(g.south, ll.lat);
            g.north = fmax(g.north, ll.lat);
        }
    }
    m->geo = g;
}

/* Canvas size, scale and frame.  The frame keeps the extent's aspect when the
 * height is free; otherwise the extent grows to fill the frame. */
static kvm_status layout(map_ctx *m, const kvm_map_options *o, kvm_bbox bbox, kvm_error *err)
{
    double px0, py0, px1, py1;
    kvm_status st = projected_bounds(m->proj, bbox, &px0, &py0, &px1, &py1, err);
    if (st != KVM_OK)
        return st;
    double W, H = 0;
    if (o->paper != KVM_PAPER_NONE) {
        double wmm = o->paper == KVM_PAPER_A3 ? 420 : 297;
        double hmm = o->paper == KVM_PAPER_A3 ? 297 : 210;
        double dpi = o->dpi > 0 ? o->dpi : 150;
        if (o->format == KVM_MAP_PNG) {
            W = round(wmm / 25.4 * dpi);
            H = round(hmm / 25.4 * dpi);
        } else {
            W = wmm / 25.4 * 72;
            H = hmm / 25.4 * 72;
        }
    } else {
        W = o->width_px > 0 ? o->width_px : DEFAULT_WIDTH;
        H = o->height_px;
    }
    m->width = W;
    m->s = fmax(W / 1600.0, 0.5);
    double s = m->s, margin = 16 * s;
    m->area.x = margin + 18 * s;
    m->area.y = margin + 74 * s;
    m->area.w = W - m->area.x - margin;
    double bottom = 22 * s + 40 * s + margin;
    double ew = px1 - px0, eh = py1 - py0;
    if (H <= 0) {
        double aspect = fmin(fmax(eh / ew, 0.45), 1.6);
        m->area.h = round(m->area.w * aspect);
        H = ceil(m->area.y + m->area.h + bottom);
        if (o->format == KVM_MAP_PNG || o->format == KVM_MAP_SVG)
            H = fmin(fmax(H, KVM_MAP_MIN_PX), KVM_MAP_MAX_PX);
        m->area.h = H - m->area.y - bottom;
    } else {
        m->area.h = H - m->area.y - bottom;
    }
    m->height = H;
    if (m->area.w < 50 || m->area.h < 50)
        return kvm_error_set(err, KVM_ERR_INVALID,
                             "a %gx%g canvas leaves no room for the map", W, H);
    m->k = fmin(m->area.w / ew, m->area.h / eh);
    double cx = (px0 + px1) / 2, cy = (py0 + py1) / 2;
    m->x0 = cx - m->area.w / m->k / 2;
    m->x1 = cx + m->area.w / m->k / 2;
    m->y0 = cy - m->area.h / m->k / 2;
    m->y1 = cy + m->area.h / m->k / 2;
    frame_geo(m);
    return KVM_OK;
}

/* ---- Output ------------------------------------------------------------- */

typedef struct sink {
    FILE *fp;
    int failed;
    int saved_errno;
    kvm_buf *buffer; /* SVG: kept in memory for renumber_surfaces */
} sink;

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int length)
{
    sink *k = closure;
    if (k->failed)
        return CAIRO_STATUS_WRITE_ERROR;
    if (k->buffer) {
        kvm_buf_append(k->buffer, (const char *)data, length);
        return k->buffer->failed ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
    }
    if (fwrite(data, 1, length, k->fp) != length) {
        k->failed = 1;
        k->saved_errno = errno;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

/* cairo's SVG surface names groups after a process-wide surface counter
 * ("surface493"), so a second map in the same process would differ: number
 * them in order of appearance instead. */
static int renumber_surfaces(const kvm_buf *in, FILE *out)
{
    unsigned long seen[64];
    size_t n_seen = 0;
    const char *p = in->data, *end = in->data + in->len;
    while (p < end) {
        const char *hit = strstr(p, "surface");
        if (!hit || hit >= end) {
            if (fwrite(p, 1, (size_t)(end - p), out) != (size_t)(end - p))
                return -1;
            break;
        }
        const char *digits = hit + 7;
        const char *q = digits;
        while (q < end && *q >= '0' && *q <= '9')
            q++;
        if (fwrite(p, 1, (size_t)(digits - p), out) != (size_t)(digits - p))
            return -1;
        if (q > digits) {
            unsigned long v = strtoul(digits, NULL, 10);
            size_t i = 0;
            while (i < n_seen && seen[i] != v)
                i++;
            if (i == n_seen && n_seen < 64)
                seen[n_seen++] = v;
            if (fprintf(out, "%zu", i + 1) < 0)
                return -1;
        }
        p = q;
    }
    return 0;
}

/* cairo's SVG with its surfaces renumbered and, with editable text, the
 * recorded texts as a last group before the closing </svg>. */
static int write_svg(const kvm_buf *in, const map_text_list *texts, FILE *out)
{
    if (!texts)
        return renumber_surfaces(in, out);
    const char *close = NULL;
    for (const char *p = in->data; p && (p = strstr(p, "</svg>")) != NULL; p++)
        close = p;
    if (!close)
        return -1;
    kvm_buf head = *in;
    head.len = (size_t)(close - in->data);
    if (renumber_surfaces(&head, out) != 0 || map_text_list_write(texts, out) != 0)
        return -1;
    size_t rest = in->len - head.len;
    return fwrite(close, 1, rest, out) == rest ? 0 : -1;
}

static void set_font_options(cairo_t *cr)
{
    /* unhinted metrics: the same text extents on every surface, so labels
     * land in the same place in PNG, SVG and PDF */
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* ---- Render ------------------------------------------------------------- */

static kvm_status check_options(const kvm_map_options *o, kvm_error *err)
{
    if (o->paper == KVM_PAPER_NONE) {
        if (o->width_px != 0 && (o->width_px < KVM_MAP_MIN_PX || o->width_px > KVM_MAP_MAX_PX))
            return kvm_error_set(err, KVM_ERR_INVALID, "width %d px out of range (%d..%d)",
                                 o->width_px, KVM_MAP_MIN_PX, KVM_MAP_MAX_PX);
        if (o->height_px != 0 &&
            (o->height_px < KVM_MAP_MIN_PX || o->height_px > KVM_MAP_MAX_PX))
            return kvm_error_set(err, KVM_ERR_INVALID, "height %d px out of range (%d..%d)",
                                 o->height_px, KVM_MAP_MIN_PX, KVM_MAP_MAX_PX);
    } else if (o->dpi != 0 && (o->dpi < 36 || o->dpi > 1200)) {
        return kvm_error_set(err, KVM_ERR_INVALID, "dpi %g out of range (36..1200)", o->dpi);
    }
    if (!map_theme_find(o->theme))
        return kvm_error_set(err, KVM_ERR_INVALID, "unknown theme '%s' (light, print, dark)",
                             o->theme);
    if (o->has_bbox && !(o->bbox.west < o->bbox.east && o->bbox.south < o->bbox.north &&
                         o->bbox.west >= -180 && o->bbox.east <= 180 && o->bbox.south >= -90 &&
                         o->bbox.north <= 90))
        return kvm_error_set(err, KVM_ERR_INVALID,
                             "bad map extent %g,%g,%g,%g (west < east, south < north)",
                             o->bbox.west, o->bbox.south, o->bbox.east, o->bbox.north);
    return KVM_OK;
}

typedef struct user_layer {
    map_layer *layer;
    map_rgb colour;
    double width;
    char label[80];
} user_layer;

static kvm_status load_user_layers(const kvm_map_options *o, user_layer **players,
                                   kvm_error *err)
{
    *players = NULL;
    if (o->n_layers == 0)
        return KVM_OK;
    user_layer *ul = calloc(o->n_layers, sizeof *ul);
    if (!ul)
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < o->n_layers; i++) {
        char *path = NULL;
        kvm_status st = map_parse_layer_spec(o->layers[i], &path, &ul[i].colour, &ul[i].width, err);
        if (st == KVM_OK)
            st = map_layer_read_file(path, &ul[i].layer, err);
        if (st == KVM_OK) {
            snprintf(ul[i].label, sizeof ul[i].label, "%s", base_name(path));
            char *dot = strrchr(ul[i].label, '.');
            if (dot)
                *dot = '\0';
        }
        free(path);
        if (st != KVM_OK) {
            for (size_t j = 0; j < o->n_layers; j++)
                map_layer_free(ul[j].layer);
            free(ul);
            return st;
        }
    }
    *players = ul;
    return KVM_OK;
}

static void draw_user_layers(map_ctx *m, const user_layer *ul, size_t n)
{
    cairo_t *cr = m->cr;
    for (size_t i = 0; i < n; i++) {
        const map_layer *l = ul[i].layer;
        cairo_save(cr);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        if (l->kind == MAP_GEOM_POINT) {
            for (size_t f = 0; f < l->n_features; f++) {
                if (!l->ok[f])
                    continue;
                size_t a = l->part_start[l->features[f].first_part];
                cairo_new_path(cr);
                cairo_arc(cr, map_cx(m, l->x[a]), map_cy(m, l->y[a]), 3 * m->s, 0, 6.2832);
                map_set_rgb(cr, ul[i].colour);
                cairo_fill(cr);
            }
        } else {
            cairo_new_path(cr);
            map_layer_path(m, l, (size_t)-1);
            if (l->kind == MAP_GEOM_POLYGON) {
                map_set_rgba(cr, ul[i].colour, 0.08);
                cairo_fill_preserve(cr);
            }
            map_set_rgb(cr, ul[i].colour);
            cairo_set_line_width(cr, ul[i].width * m->s);
            cairo_stroke(cr);
        }
        cairo_restore(cr);
    }
}

/* The frame's text: title, subtitle, sources and attribution. */
static void draw_titles(map_ctx *m, const map_marks *mk)
{
    cairo_t *cr = m->cr;
    double s = m->s, margin = 16 * s;
    cairo_font_extents_t fe;
    map_select_font(cr, 28 * s, 1, 0);
    cairo_font_extents(cr, &fe);
    map_set_rgb(cr, m->theme->text);
    cairo_move_to(cr, m->area.x, margin + fe.ascent);
    map_show_text(cr, mk->title);
    double y = margin + fe.ascent + fe.descent;
    map_select_font(cr, 16 * s, 0, 0);
    cairo_font_extents(cr, &fe);
    map_set_rgb(cr, m->theme->text_muted);
    cairo_move_to(cr, m->area.x, y + 4 * s + fe.ascent);
    map_show_text(cr, mk->subtitle);
    double by = m->area.y + m->area.h + 22 * s;
    map_select_font(cr, 11.5 * s, 0, 0);
    cairo_font_extents(cr, &fe);
    map_set_rgb(cr, m->theme->text_muted);
    cairo_move_to(cr, m->area.x, by + fe.ascent + 2 * s);
    map_show_text(cr, mk->sources);
    cairo_move_to(cr, m->area.x, by + fe.ascent + fe.height + 4 * s);
    map_show_text(cr, mk->attribution);
}

static void log_line(map_ctx *m, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void log_line(map_ctx *m, const char *fmt, ...)
{
    if (!m->log)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(m->log, fmt, ap);
    va_end(ap);
    fputc('\n', m->log);
}

static void draw_everything(map_ctx *m, const map_basemap *base, const user_layer *ul,
                            size_t n_ul, map_marks *mk)
{
    cairo_t *cr = m->cr;
    map_set_rgb(cr, m->theme->paper);
    cairo_paint(cr);
    cairo_save(cr);
    cairo_rectangle(cr, m->area.x, m->area.y, m->area.w, m->area.h);
    cairo_clip(cr);
    cairo_new_path(cr);
    map_draw_land(m, base);
    cairo_new_path(cr);
    map_draw_water(m, base);
    cairo_new_path(cr);
    map_draw_boundaries(m, base);
    cairo_new_path(cr);
    draw_user_layers(m, ul, n_ul);
    cairo_new_path(cr);
    map_draw_roads(m, base);
    cairo_restore(cr);
    map_graticule_draw(m);
    cairo_save(cr);
    cairo_rectangle(cr, m->area.x, m->area.y, m->area.w, m->area.h);
    cairo_clip(cr);
    cairo_new_path(cr);
    map_marks_draw(m, mk);
    cairo_restore(cr);
    /* frame line */
    cairo_new_path(cr);
    cairo_rectangle(cr, m->area.x, m->area.y, m->area.w, m->area.h);
    map_set_rgb(cr, m->theme->box_line);
    cairo_set_line_width(cr, 1.2 * m->s);
    cairo_stroke(cr);
    map_legend_draw(m, &mk->legend, mk->legend_box);
    if (mk->has_inset)
        map_inset_draw(m, base, mk->inset_box);
    map_scalebar_draw(m, mk->scale_box);
    map_north_arrow_draw(m, mk->north_box);
    draw_titles(m, mk);
}

static kvm_status write_output(map_ctx *m, const kvm_map_options *o, const map_basemap *base,
                               const user_layer *ul, size_t n_ul, map_marks *mk,
                               const char *path, kvm_error *err)
{
    kvm_outfile out;
    kvm_status open_st = kvm_outfile_open(&out, path, err);
    if (open_st != KVM_OK)
        return open_st;
    kvm_buf svg;
    kvm_buf_init(&svg);
    sink k = {NULL, 0, 0, o->format == KVM_MAP_SVG ? &svg : NULL};
    k.fp = out.fp;
    cairo_surface_t *surface;
    int w = (int)lround(m->width), h = (int)lround(m->height);
    if (o->format == KVM_MAP_PNG) {
        surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    } else if (o->format == KVM_MAP_SVG) {
        surface = cairo_svg_surface_create_for_stream(sink_write, &k, m->width, m->height);
        cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_PX);
    } else {
        surface = cairo_pdf_surface_create_for_stream(sink_write, &k, m->width, m->height);
        /* no creation date: same input, same bytes */
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "kivumap");
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, "");
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, mk->title);
    }
    cairo_t *cr = cairo_create(surface);
    set_font_options(cr);
    map_text_list *texts = NULL;
    if (o->format == KVM_MAP_SVG && o->svg_text) {
        texts = map_text_list_new();
        if (!texts) {
            k.failed = 1;
            k.saved_errno = ENOMEM;
        } else {
            map_text_attach(cr, texts);
        }
    }
    m->cr = cr;
    draw_everything(m, base, ul, n_ul, mk);
    cairo_status_t cst = cairo_status(cr);
    cairo_destroy(cr);
    m->cr = NULL;
    if (cst == CAIRO_STATUS_SUCCESS && o->format == KVM_MAP_PNG)
        cst = cairo_surface_write_to_png_stream(surface, sink_write, &k);
    cairo_surface_finish(surface);
    if (cst == CAIRO_STATUS_SUCCESS)
        cst = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (map_text_list_failed(texts) && !k.failed) {
        k.failed = 1;
        k.saved_errno = ENOMEM;
    }
    if (cst == CAIRO_STATUS_SUCCESS && k.buffer && !k.failed) {
        errno = 0;
        if (write_svg(&svg, texts, k.fp) != 0) {
            k.failed = 1;
            k.saved_errno = errno ? errno : EIO;
        }
    }
    map_text_list_free(texts);
    kvm_buf_free(&svg);
    if (k.failed) {
        kvm_outfile_abort(&out);
        return kvm_error_set(err, KVM_ERR_IO, "cannot write '%s': %s", path,
                             strerror(k.saved_errno));
    }
    if (cst != CAIRO_STATUS_SUCCESS) {
        kvm_outfile_abort(&out);
        return kvm_error_set(err, KVM_ERR_RENDER, "cannot render '%s': %s", path,
                             cairo_status_to_string(cst));
    }
    return kvm_outfile_commit(&out, err);
}

kvm_status kvm_map_render_ex(const kvm_eventset *set, const kvm_gazetteer *gaz,
                             const kvm_map_options *options, const char *path,
                             kvm_map_result *presult, kvm_error *err)
{
    kvm_map_options defaults;
    if (!options) {
        kvm_map_options_init(&defaults);
        options = &defaults;
    }
    kvm_status st = check_options(options, err);
    if (st != KVM_OK)
        return st;
    map_ctx m;
    memset(&m, 0, sizeof m);
    m.opt = options;
    m.theme = map_theme_find(options->theme);
    map_basemap base;
    st = map_basemap_load(&base, options->basemap_dir, err);
    if (st != KVM_OK)
        return st;
    user_layer *ul = NULL;
    map_marks *mk = NULL;
    cairo_surface_t *measure_surface = NULL;
    st = load_user_layers(options, &ul, err);
    if (st != KVM_OK)
        goto done;
    st = kvm_projection_new(options->projection ? options->projection : DEFAULT_CRS, &m.proj,
                            err);
    if (st != KVM_OK)
        goto done;
    kvm_bbox coverage = FALLBACK_COVERAGE;
    map_basemap_coverage(&base, &coverage);
    kvm_bbox bbox = options->has_bbox ? options->bbox : fit_bbox(set, gaz, coverage);
    st = layout(&m, options, bbox, err);
    if (st != KVM_OK)
        goto done;
    kvm_bbox within = {m.geo.west - 0.1, m.geo.south - 0.1, m.geo.east + 0.1, m.geo.north + 0.1};
    st = map_basemap_project(&base, m.proj, within, err);
    for (size_t i = 0; st == KVM_OK && i < options->n_layers; i++)
        st = map_layer_project(ul[i].layer, m.proj, within, err);
    if (st != KVM_OK)
        goto done;
    if (options->log_path) {
        m.log = fopen(options->log_path, "w");
        if (!m.log) {
            st = kvm_error_set(err, KVM_ERR_IO, "cannot write '%s': %s", options->log_path,
                               strerror(errno));
            goto done;
        }
    }
    /* layout decisions use a scratch surface with the output's font options */
    measure_surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 4, 4);
    m.cr = cairo_create(measure_surface);
    set_font_options(m.cr);
    log_line(&m, "canvas\t%d\t%d\t%s", (int)lround(m.width), (int)lround(m.height),
             options->format == KVM_MAP_PNG ? "png" : options->format == KVM_MAP_SVG ? "svg" : "pdf");
    log_line(&m, "frame\t%.1f\t%.1f\t%.1f\t%.1f", m.area.x, m.area.y, m.area.w, m.area.h);
    log_line(&m, "extent\t%.4f\t%.4f\t%.4f\t%.4f", m.geo.west, m.geo.south, m.geo.east,
             m.geo.north);
    for (int i = 0; i < MAP_BASE_COUNT; i++)
        log_line(&m, "layer\t%s\t%s", map_base_name(i), base.missing[i] ? "missing" : "drawn");
    mk = calloc(1, sizeof *mk);
    if (!mk) {
        st = kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < options->n_layers; i++)
        map_legend_add(&mk->legend, MAP_LEG_USER_LAYER, ul[i].colour, ul[i].label);
    st = map_marks_build(&m, set, gaz, &base, mk, err);
    cairo_destroy(m.cr);
    m.cr = NULL;
    if (st != KVM_OK)
        goto done;
    st = write_output(&m, options, &base, ul, options->n_layers, mk, path, err);
    if (st == KVM_OK && presult) {
        memset(presult, 0, sizeof *presult);
        presult->bbox = m.geo;
        presult->width = (int)lround(m.width);
        presult->height = (int)lround(m.height);
        presult->events_drawn = mk->events_drawn;
        presult->advances_drawn = mk->advances_drawn;
        presult->labels_dropped = mk->labels_dropped;
        presult->region_notes = mk->legend.n_notes;
        for (int i = 0; i < MAP_BASE_COUNT; i++) {
            if (!base.missing[i] || i == MAP_BASE_REGION)
                continue;
            size_t len = strlen(presult->missing_layers);
            snprintf(presult->missing_layers + len, sizeof presult->missing_layers - len, "%s%s",
                     len ? " " : "", map_base_name(i));
        }
    }
done:
    if (m.cr)
        cairo_destroy(m.cr);
    cairo_surface_destroy(measure_surface);
    if (m.log && fclose(m.log) != 0 && st == KVM_OK)
        st = kvm_error_set(err, KVM_ERR_IO, "cannot write '%s'", options->log_path);
    map_marks_free(mk);
    free(m.obstacles);
    free(m.taken);
    kvm_projection_free(m.proj);
    for (size_t i = 0; ul && i < options->n_layers; i++)
        map_layer_free(ul[i].layer);
    free(ul);
    map_basemap_free(&base);
    return st;
}

kvm_status kvm_map_render(const kvm_eventset *set, const kvm_gazetteer *gaz,
                          const kvm_map_options *options, const char *path, kvm_error *err)
{
    return kvm_map_render_ex(set, gaz, options, path, NULL, err);
}

/* ---- Frames ------------------------------------------------------------- */

static int compare_dates(const void *a, const void *b)
{
    return kvm_date_compare(*(const kvm_date *)a, *(const kvm_date *)b);
}

kvm_status kvm_map_render_frames(const kvm_eventset *set, const kvm_gazetteer *gaz,
                                 const kvm_map_options *options, const char *dir,
                                 size_t *pn_frames, kvm_error *err)
{
    kvm_map_options o;
    if (options)
        o = *options;
    else
        kvm_map_options_init(&o);
    if (pn_frames)
        *pn_frames = 0;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return kvm_error_set(err, KVM_ERR_IO, "cannot create directory '%s': %s", dir,
                             strerror(errno));
    if (!o.has_bbox) {
        kvm_status st = kvm_map_fit_bbox(set, gaz, &o.bbox, err);
        if (st != KVM_OK)
            return st;
        o.has_bbox = 1;
    }
    size_t n = set ? kvm_eventset_event_count(set) : 0;
    kvm_date *dates = kvm_alloc_array(n + 1, sizeof *dates);
    if (!dates)
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
    size_t nd = 0;
    for (size_t i = 0; i < n; i++) {
        const kvm_event *e = kvm_eventset_event(set, i);
        if (!e->historical && e->date.year > 0)
            dates[nd++] = e->date;
    }
    qsort(dates, nd, sizeof *dates, compare_dates);
    size_t unique = 0;
    for (size_t i = 0; i < nd; i++)
        if (unique == 0 || kvm_date_compare(dates[unique - 1], dates[i]) != 0)
            dates[unique++] = dates[i];
    const char *ext = o.format == KVM_MAP_SVG ? "svg" : o.format == KVM_MAP_PDF ? "pdf" : "png";
    size_t frames = unique > 0 ? unique : 1;
    kvm_status st = KVM_OK;
    for (size_t i = 0; i < frames && st == KVM_OK; i++) {
        size_t len = strlen(dir) + 32;
        char *p = malloc(len);
        if (!p) {
            st = kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
            break;
        }
        snprintf(p, len, "%s/frame-%03zu.%s", dir, i + 1, ext);
        if (unique > 0)
            o.until = dates[i];
        st = kvm_map_render(set, gaz, &o, p, err);
        free(p);
        if (st == KVM_OK && pn_frames)
            *pn_frames = i + 1;
    }
    free(dates);
    return st;
}
