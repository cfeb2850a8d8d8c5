/* Layer geometry as cairo paths (with on-the-fly thinning of vertices that
 * fall within half a pixel of each other), and the `FILE.shp[:style]`
 * option of user layers. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "map/map_internal.h"
#include "util.h"

static void feature_path(const map_ctx *m, const map_layer *l, size_t i)
{
    const map_feature *f = &l->features[i];
    cairo_t *cr = m->cr;
    double min_step = 0.5 * (m->s < 1 ? 1 : m->s);
    /* skip features wholly outside the frame */
    for (size_t p = f->first_part; p < f->first_part + f->n_parts; p++) {
        size_t a = l->part_start[p], b = l->part_start[p + 1];
        if (b <= a)
            continue;
        if (l->kind == MAP_GEOM_POINT)
            continue;
        double lx = map_cx(m, l->x[a]), ly = map_cy(m, l->y[a]);
        cairo_move_to(cr, lx, ly);
        for (size_t v = a + 1; v < b; v++) {
            double x = map_cx(m, l->x[v]), y = map_cy(m, l->y[v]);
            if (v + 1 < b && fabs(x - lx) < min_step && fabs(y - ly) < min_step)
                continue;
            cairo_line_to(cr, x, y);
            lx = x;
            ly = y;
        }
        if (l->kind == MAP_GEOM_POLYGON)
            cairo_close_path(cr);
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
