/* Layer geometry as cairo paths (clipped to the frame, with on-the-fly
 * thinning of vertices that fall within half a pixel of each other), and the
 * `FILE.shp[:style]`
 * option of user layers. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "map/map_internal.h"
#include "util.h"

/* Paths are clipped to the frame grown by a margin wider than any line,
 * join or cap we draw, so nothing visible changes while cairo (and the SVG
 * and PDF files) see only the vertices near the frame. */
typedef struct clip_rect {
    double x0, y0, x1, y1;
} clip_rect;

typedef struct pt {
    double x, y;
} pt;

static int inside_edge(pt p, int edge, clip_rect r)
{
    switch (edge) {
    case 0:
        return p.x >= r.x0;
    case 1:
        return p.x <= r.x1;
    case 2:
        return p.y >= r.y0;
    default:
        return p.y <= r.y1;
    }
}

static pt edge_cross(pt a, pt b, int edge, clip_rect r)
{
    pt o;
    if (edge < 2) {
        double x = edge == 0 ? r.x0 : r.x1;
        double t = (x - a.x) / (b.x - a.x);
        o.x = x;
        o.y = a.y + t * (b.y - a.y);
    } else {
        double y = edge == 2 ? r.y0 : r.y1;
        double t = (y - a.y) / (b.y - a.y);
        o.x = a.x + t * (b.x - a.x);
        o.y = y;
    }
    return o;
}

/* Sutherland-Hodgman: ring `in` (n points) clipped to r, into `out` (room
 * for 2n + 8 points); returns the count.  `tmp` has the same room. */
static size_t clip_ring(const pt *in, size_t n, clip_rect r, pt *out, pt *tmp)
{
    const pt *src = in;
    size_t ns = n;
    for (int edge = 0; edge < 4; edge++) {
        pt *dst = edge % 2 == 0 ? tmp : out;
        size_t nd = 0;
        for (size_t i = 0; i < ns; i++) {
            pt cur = src[i], prev = src[(i + ns - 1) % ns];
            int ci = inside_edge(cur, edge, r), pi = inside_edge(prev, edge, r);
            if (ci) {
                if (!pi)
                    dst[nd++] = edge_cross(prev, cur, edge, r);
                dst[nd++] = cur;
            } else if (pi) {
                dst[nd++] = edge_cross(prev, cur, edge, r);
            }
        }
        src = dst;
        ns = nd;
        if (ns == 0)
            break;
    }
    return ns;
}

/* Liang-Barsky: the part of segment a-b inside r; 0 if none. */
static int clip_segment(pt *a, pt *b, clip_rect r)
{
    double t0 = 0, t1 = 1, dx = b->x - a->x, dy = b->y - a->y;
    double p[4] = {-dx, dx, -dy, dy};
    double q[4] = {a->x - r.x0, r.x1 - a->x, a->y - r.y0, r.y1 - a->y};
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0) {
            if (q[i] < 0)
                return 0;
            continue;
        }
        double t = q[i] / p[i];
        if (p[i] < 0) {
            if (t > t1)
                return 0;
            if (t > t0)
                t0 = t;
        } else {
            if (t < t0)
                return 0;
            if (t < t1)
                t1 = t;
        }
    }
    pt na = {a->x + t0 * dx, a->y + t0 * dy}, nb = {a->x + t1 * dx, a->y + t1 * dy};
    *a = na;
    *b = nb;
    return 1;
}

/* The part's vertices on the canvas, thinned (within `min_step` of the
 * previous kept vertex: skipped, the last one always kept); the count. */
static size_t part_points(const map_ctx *m, const map_layer *l, size_t a, size_t b,
                          double min_step, pt *out)
{
    size_t n = 0;
    for (size_t v = a; v < b; v++) {
        pt q = {map_cx(m, l->x[v]), map_cy(m, l->y[v])};
        if (n > 0 && v + 1 < b && fabs(q.x - out[n - 1].x) < min_step &&
            fabs(q.y - out[n - 1].y) < min_step)
            continue;
        out[n++] = q;
    }
    return n;
}

static void emit_line(cairo_t *cr, const pt *p, size_t n, clip_rect r)
{
    int open = 0; /* the current subpath ends at p[i - 1] */
    for (size_t i = 1; i < n; i++) {
        pt a = p[i - 1], b = p[i];
        int a_in = a.x >= r.x0 && a.x <= r.x1 && a.y >= r.y0 && a.y <= r.y1;
        if (!clip_segment(&a, &b, r)) {
            open = 0;
            continue;
        }
        if (!open || !a_in)
            cairo_move_to(cr, a.x, a.y);
        cairo_line_to(cr, b.x, b.y);
        /* the subpath continues only when the segment ended inside */
        open = b.x == p[i].x && b.y == p[i].y;
    }
}

static void feature_path(const map_ctx *m, const map_layer *l, size_t i)
{
    const map_feature *f = &l->features[i];
    cairo_t *cr = m->cr;
    double min_step = 0.5 * (m->s < 1 ? 1 : m->s);
    double margin = 24 * (m->s < 1 ? 1 : m->s);
    clip_rect r = {m->area.x - margin, m->area.y - margin, m->area.x + m->area.w + margin,
                   m->area.y + m->area.h + margin};
    if (l->kind == MAP_GEOM_POINT)
        return;
    for (size_t p = f->first_part; p < f->first_part + f->n_parts; p++) {
        size_t a = l->part_start[p], b = l->part_start[p + 1];
        if (b <= a)
            continue;
        size_t n = b - a;
        pt *buf = kvm_alloc_array(3 * (2 * n + 8), sizeof *buf);
        if (!buf) { /* out of memory: the part unclipped and unthinned */
            cairo_move_to(cr, map_cx(m, l->x[a]), map_cy(m, l->y[a]));
            for (size_t v = a + 1; v < b; v++)
                cairo_line_to(cr, map_cx(m, l->x[v]), map_cy(m, l->y[v]));
            if (l->kind == MAP_GEOM_POLYGON)
                cairo_close_path(cr);
            continue;
        }
        pt *src = buf, *out = buf + (2 * n + 8), *tmp = out + (2 * n + 8);
        size_t ns = part_points(m, l, a, b, min_step, src);
        if (l->kind == MAP_GEOM_POLYGON) {
            size_t no = clip_ring(src, ns, r, out, tmp);
            if (no >= 3) {
                cairo_move_to(cr, out[0].x, out[0].y);
                for (size_t v = 1; v < no; v++)
                    cairo_line_to(cr, out[v].x, out[v].y);
                cairo_close_path(cr);
            }
        } else {
            emit_line(cr, src, ns, r);
        }
        free(buf);
    }
}

void map_layer_path(const map_ctx *m, const map_layer *layer, size_t feature)
{
    if (!layer->ok)
        return;
    if (feature != (size_t)-1) {
        if (feature < layer->n_features && layer->ok[feature])
            feature_path(m, layer, feature);
        return;
    }
    for (size_t i = 0; i < layer->n_features; i++)
        if (layer->ok[i])
            feature_path(m, layer, i);
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* "FILE.shp" or "FILE.shp:#rrggbb" or "FILE.shp:#rrggbb,1.5".  The style is
 * split at the last ':' followed by '#', so paths with colons still work. */
kvm_status map_parse_layer_spec(const char *spec, char **ppath, map_rgb *pcolour, double *pwidth,
                                kvm_error *err)
{
    const char *style = strstr(spec, ":#");
    const char *next;
    while (style && (next = strstr(style + 1, ":#")) != NULL)
        style = next;
    size_t path_len = style ? (size_t)(style - spec) : strlen(spec);
    pcolour->r = 0.55;
    pcolour->g = 0.1;
    pcolour->b = 0.1;
    *pwidth = 1.2;
    if (path_len == 0)
        return kvm_error_set(err, KVM_ERR_INVALID, "empty layer path in '%s'", spec);
    if (style) {
        const char *hex = style + 2;
        int d[6];
        for (int i = 0; i < 6; i++) {
            d[i] = hex_digit(hex[i]);
            if (d[i] < 0)
                return kvm_error_set(err, KVM_ERR_INVALID,
                                     "bad layer style '%s' (expected #rrggbb[,WIDTH])", style + 1);
        }
        pcolour->r = (d[0] * 16 + d[1]) / 255.0;
        pcolour->g = (d[2] * 16 + d[3]) / 255.0;
        pcolour->b = (d[4] * 16 + d[5]) / 255.0;
        const char *rest = hex + 6;
        if (*rest == ',') {
            double w;
            if (kvm_parse_double(rest + 1, &w, NULL) != KVM_OK || w <= 0 || w > 50)
                return kvm_error_set(err, KVM_ERR_INVALID,
                                     "bad line width '%s' in layer style (0 < width <= 50)",
                                     rest + 1);
            *pwidth = w;
        } else if (*rest) {
            return kvm_error_set(err, KVM_ERR_INVALID,
                                 "bad layer style '%s' (expected #rrggbb[,WIDTH])", style + 1);
        }
    }
    *ppath = kvm_strndup(spec, path_len);
    if (!*ppath)
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
    return KVM_OK;
}
