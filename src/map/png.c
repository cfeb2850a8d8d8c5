/* Reading PNGs back with cairo, for tests and tools: size, one pixel, and a
 * comparison of two renderings (e.g. the PNG against rsvg-convert's
 * rendering of the SVG). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include <cairo.h>

#include "kivumap/map.h"

static kvm_status load(const char *path, cairo_surface_t **psurface, kvm_error *err)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    cairo_status_t st = cairo_surface_status(s);
    if (st != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return kvm_error_set(err, st == CAIRO_STATUS_FILE_NOT_FOUND ? KVM_ERR_IO : KVM_ERR_PARSE,
                             "cannot read PNG '%s': %s", path, cairo_status_to_string(st));
    }
    cairo_surface_flush(s);
    *psurface = s;
    return KVM_OK;
}

kvm_status kvm_map_png_size(const char *path, int *pwidth, int *pheight, kvm_error *err)
{
    cairo_surface_t *s = NULL;
    kvm_status st = load(path, &s, err);
    if (st != KVM_OK)
        return st;
    if (pwidth)
        *pwidth = cairo_image_surface_get_width(s);
    if (pheight)
        *pheight = cairo_image_surface_get_height(s);
    cairo_surface_destroy(s);
    return KVM_OK;
}

/* Un-premultiplied RGBA of one pixel of an image surface. */
static void pixel_at(cairo_surface_t *s, int x, int y, unsigned char rgba[4])
{
    const unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    uint32_t v = *(const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride + (size_t)x * 4);
    unsigned a = cairo_image_surface_get_format(s) == CAIRO_FORMAT_ARGB32 ? v >> 24 : 255;
    unsigned c[3] = {v >> 16 & 0xff, v >> 8 & 0xff, v & 0xff};
    for (int i = 0; i < 3; i++)
        rgba[i] = (unsigned char)(a == 0 ? 0 : a == 255 ? c[i] : (c[i] * 255 + a / 2) / a);
    rgba[3] = (unsigned char)a;
}

kvm_status kvm_map_png_pixel(const char *path, int x, int y, unsigned char prgba[4],
                             kvm_error *err)
{
    cairo_surface_t *s = NULL;
    kvm_status st = load(path, &s, err);
    if (st != KVM_OK)
        return st;
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    if (x < 0 || y < 0 || x >= w || y >= h) {
        cairo_surface_destroy(s);
        return kvm_error_set(err, KVM_ERR_INVALID, "pixel %d,%d outside '%s' (%dx%d)", x, y,
                             path, w, h);
    }
    pixel_at(s, x, y, prgba);
    cairo_surface_destroy(s);
    return KVM_OK;
}

kvm_status kvm_map_png_compare(const char *path_a, const char *path_b, double *pmean_diff,
                               double *pfrac_differing, kvm_error *err)
{
    cairo_surface_t *a = NULL, *b = NULL;
    kvm_status st = load(path_a, &a, err);
    if (st != KVM_OK)
        return st;
    st = load(path_b, &b, err);
    if (st != KVM_OK) {
        cairo_surface_destroy(a);
        return st;
    }
    int w = cairo_image_surface_get_width(a), h = cairo_image_surface_get_height(a);
    if (w != cairo_image_surface_get_width(b) || h != cairo_image_surface_get_height(b)) {
        st = kvm_error_set(err, KVM_ERR_INVALID, "'%s' is %dx%d but '%s' is %dx%d", path_a, w, h,
                           path_b, cairo_image_surface_get_width(b),
                           cairo_image_surface_get_height(b));
    } else {
        double sum = 0;
        size_t differing = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                unsigned char pa[4], pb[4];
                pixel_at(a, x, y, pa);
                pixel_at(b, x, y, pb);
                int worst = 0;
                for (int i = 0; i < 3; i++) {
                    int d = abs((int)pa[i] - (int)pb[i]);
                    sum += d;
                    if (d > worst)
                        worst = d;
                }
                if (worst > 64)
                    differing++;
            }
        }
        double n = (double)w * (double)h;
        if (pmean_diff)
            *pmean_diff = n > 0 ? sum / (3 * n) : 0;
        if (pfrac_differing)
            *pfrac_differing = n > 0 ? (double)differing / n : 0;
    }
    cairo_surface_destroy(a);
    cairo_surface_destroy(b);
    return st;
}
