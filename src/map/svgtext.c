/* Text on the map: haloed labels drawn by cairo, or -- for SVG with
 * kvm_map_options.svg_text -- recorded and written as editable <text>
 * elements (see map_internal.h). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map/map_internal.h"
#include "util.h"

typedef struct text_item {
    char *text;
    double x, y;    /* device units */
    double angle;   /* degrees, clockwise as in SVG */
    double size;    /* device units */
    double spacing; /* extra letter spacing, device units */
    int bold, italic;
    map_anchor anchor;
    double rgba[4];
    int halo;
    double halo_rgba[4];
    double halo_width;
} text_item;

struct map_text_list {
    text_item *items;
    size_t n, cap;
    int failed;
};

static const cairo_user_data_key_t text_key;

map_text_list *map_text_list_new(void)
{
    return calloc(1, sizeof(map_text_list));
}

void map_text_list_free(map_text_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->n; i++)
        free(list->items[i].text);
    free(list->items);
    free(list);
}

void map_text_attach(cairo_t *cr, map_text_list *list)
{
    if (cairo_set_user_data(cr, &text_key, list, NULL) != CAIRO_STATUS_SUCCESS && list)
        list->failed = 1;
}

int map_text_list_failed(const map_text_list *list)
{
    return list && list->failed;
}

static map_text_list *attached(cairo_t *cr)
{
    return cairo_get_user_data(cr, &text_key);
}

/* Records text at user-space (x, y) with cr's font, transformation and
 * (unless rgba is given) source colour. */
static text_item *record(map_text_list *list, cairo_t *cr, const char *text, double x, double y)
{
    if (list->failed)
        return NULL;
    if (kvm_grow((void **)&list->items, &list->cap, list->n + 1, sizeof *list->items) != 0) {
        list->failed = 1;
        return NULL;
    }
    text_item *t = &list->items[list->n];
    memset(t, 0, sizeof *t);
    t->text = kvm_strndup(text, strlen(text));
    if (!t->text) {
        list->failed = 1;
        return NULL;
    }
    list->n++;
    cairo_matrix_t ctm, fm;
    cairo_get_matrix(cr, &ctm);
    cairo_get_font_matrix(cr, &fm);
    double scale = hypot(ctm.xx, ctm.yx);
    cairo_user_to_device(cr, &x, &y);
    t->x = x;
    t->y = y;
    t->angle = atan2(ctm.yx, ctm.xx) * 180 / 3.14159265358979323846;
    t->size = fabs(fm.yy) * scale;
    cairo_font_face_t *face = cairo_get_font_face(cr);
    if (face && cairo_font_face_get_type(face) == CAIRO_FONT_TYPE_TOY) {
        t->bold = cairo_toy_font_face_get_weight(face) == CAIRO_FONT_WEIGHT_BOLD;
        t->italic = cairo_toy_font_face_get_slant(face) != CAIRO_FONT_SLANT_NORMAL;
    }
    t->rgba[3] = 1;
    cairo_pattern_t *src = cairo_get_source(cr);
    if (cairo_pattern_get_rgba(src, &t->rgba[0], &t->rgba[1], &t->rgba[2], &t->rgba[3]) !=
        CAIRO_STATUS_SUCCESS) {
        t->rgba[0] = t->rgba[1] = t->rgba[2] = 0;
        t->rgba[3] = 1;
    }
    return t;
}

void map_show_text(cairo_t *cr, const char *text)
{
    map_text_list *list = attached(cr);
    if (!list) {
        cairo_show_text(cr, text);
        return;
    }
    double x = 0, y = 0;
    if (cairo_has_current_point(cr))
        cairo_get_current_point(cr, &x, &y);
    record(list, cr, text, x, y);
    cairo_new_path(cr);
}

/* Text drawn letter by letter with extra spacing (country names). */
static void spaced_text_path(cairo_t *cr, const char *text, double x, double y, double spacing)
{
    char one[8];
    const char *p = text;
    while (*p) {
        size_t len = 1;
        while (p[len] && ((unsigned char)p[len] & 0xc0) == 0x80 && len < 4)
            len++;
        memcpy(one, p, len);
        one[len] = '\0';
        cairo_text_extents_t te;
        cairo_text_extents(cr, one, &te);
        cairo_move_to(cr, x, y);
        cairo_text_path(cr, one);
        x += te.x_advance + spacing;
        p += len;
    }
}

void map_text_halo_anchored(const map_ctx *m, const char *text, double x_start, double width,
                            map_anchor anchor, double y, map_rgb fill, map_rgb halo,
                            double halo_alpha, double halo_width, double spacing)
{
    cairo_t *cr = m->cr;
    map_text_list *list = attached(cr);
    if (list) {
        cairo_save(cr);
        map_set_rgb(cr, fill);
        double x = anchor == MAP_ANCHOR_END      ? x_start + width
                   : anchor == MAP_ANCHOR_MIDDLE ? x_start + width / 2
                                                 : x_start;
        text_item *t = record(list, cr, text, x, y);
        cairo_restore(cr);
        if (!t)
            return;
        t->anchor = anchor;
        t->spacing = spacing;
        if (halo_width > 0) {
            t->halo = 1;
            t->halo_rgba[0] = halo.r;
            t->halo_rgba[1] = halo.g;
            t->halo_rgba[2] = halo.b;
            t->halo_rgba[3] = halo_alpha;
            t->halo_width = halo_width;
        }
        return;
    }
    cairo_save(cr);
    if (spacing > 0) {
        spaced_text_path(cr, text, x_start, y, spacing);
        map_set_rgba(cr, halo, halo_alpha);
        cairo_set_line_width(cr, halo_width);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
        spaced_text_path(cr, text, x_start, y, spacing);
        map_set_rgb(cr, fill);
        cairo_fill(cr);
        cairo_restore(cr);
        return;
    }
    if (halo_width > 0) {
        cairo_move_to(cr, x_start, y);
        cairo_text_path(cr, text);
        map_set_rgba(cr, halo, halo_alpha);
        cairo_set_line_width(cr, halo_width);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
    }
    cairo_move_to(cr, x_start, y);
    map_set_rgb(cr, fill);
    cairo_show_text(cr, text);
    cairo_restore(cr);
}

/* ---- SVG output ------------------------------------------------------------ */

static int write_escaped(FILE *out, const char *s)
{
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = "&quot;";
            break;
        default:
            break;
        }
        if (rep ? fputs(rep, out) < 0 : fputc(*s, out) == EOF)
            return -1;
    }
    return 0;
}

static unsigned channel(double v)
{
    long c = lround(fmin(fmax(v, 0), 1) * 255);
    return (unsigned)c;
}

static int write_colour(FILE *out, const char *attr, const double rgba[4])
{
    if (fprintf(out, " %s=\"#%02x%02x%02x\"", attr, channel(rgba[0]), channel(rgba[1]),
                channel(rgba[2])) < 0)
        return -1;
    if (rgba[3] < 0.999 && fprintf(out, " %s-opacity=\"%.2f\"", attr, rgba[3]) < 0)
        return -1;
    return 0;
}

int map_text_list_write(const map_text_list *list, FILE *out)
{
    if (fputs("<g id=\"labels\" font-family=\"DejaVu Sans, sans-serif\">\n", out) < 0)
        return -1;
    for (size_t i = 0; list && i < list->n; i++) {
        const text_item *t = &list->items[i];
        if (fprintf(out, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"%.2f\"", t->x, t->y, t->size) <
            0)
            return -1;
        if (t->bold && fputs(" font-weight=\"bold\"", out) < 0)
            return -1;
        if (t->italic && fputs(" font-style=\"italic\"", out) < 0)
            return -1;
        if (t->anchor != MAP_ANCHOR_START &&
            fprintf(out, " text-anchor=\"%s\"", t->anchor == MAP_ANCHOR_END ? "end" : "middle") <
                0)
            return -1;
        if (t->spacing > 0 && fprintf(out, " letter-spacing=\"%.2f\"", t->spacing) < 0)
            return -1;
        if (fabs(t->angle) > 0.01 &&
            fprintf(out, " transform=\"rotate(%.2f %.2f %.2f)\"", t->angle, t->x, t->y) < 0)
            return -1;
        if (write_colour(out, "fill", t->rgba) != 0)
            return -1;
        if (t->halo) {
            if (write_colour(out, "stroke", t->halo_rgba) != 0 ||
                fprintf(out,
                        " stroke-width=\"%.2f\" stroke-linejoin=\"round\" paint-order=\"stroke\"",
                        t->halo_width) < 0)
                return -1;
        }
        if (fputc('>', out) == EOF || write_escaped(out, t->text) != 0 ||
            fputs("</text>\n", out) < 0)
            return -1;
    }
    return fputs("</g>\n", out) < 0 ? -1 : 0;
}
