/* Frame furniture: symbols, the legend (only what is drawn), the scale bar
 * with a true geodesic length, the north arrow, the locator inset and the
 * graticule with degree labels. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map/map_draw.h"
#include "util.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ---- Symbols ------------------------------------------------------------ */

void map_symbol_capture(cairo_t *cr, double x, double y, double r, map_rgb fill, map_rgb ring)
{
    cairo_new_path(cr);
    cairo_arc(cr, x, y, r, 0, 2 * M_PI);
    map_set_rgb(cr, fill);
    cairo_fill_preserve(cr);
    map_set_rgb(cr, ring);
    cairo_set_line_width(cr, r * 0.32);
    cairo_stroke(cr);
}

void map_symbol_recapture(cairo_t *cr, double x, double y, double r, map_rgb fill, map_rgb ring)
{
    cairo_new_path(cr);
    cairo_rectangle(cr, x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8);
    map_set_rgb(cr, fill);
    cairo_fill_preserve(cr);
    map_set_rgb(cr, ring);
    cairo_set_line_width(cr, r * 0.3);
    cairo_stroke(cr);
}

void map_symbol_star(cairo_t *cr, double x, double y, double r, map_rgb fill, map_rgb ring)
{
    cairo_new_path(cr);
    for (int i = 0; i < 16; i++) {
        double a = -M_PI / 2 + i * M_PI / 8;
        double rr = i % 2 == 0 ? r : r * 0.45;
        if (i == 0)
            cairo_move_to(cr, x + rr * cos(a), y + rr * sin(a));
        else
            cairo_line_to(cr, x + rr * cos(a), y + rr * sin(a));
    }
    cairo_close_path(cr);
    map_set_rgb(cr, fill);
    cairo_fill_preserve(cr);
    map_set_rgb(cr, ring);
    cairo_set_line_width(cr, r * 0.14);
    cairo_stroke(cr);
}

void map_symbol_camp(cairo_t *cr, double x, double y, double r, map_rgb fill, map_rgb ring)
{
    cairo_new_path(cr);
    cairo_move_to(cr, x, y - r);
    cairo_line_to(cr, x + r * 0.95, y + r * 0.7);
    cairo_line_to(cr, x - r * 0.95, y + r * 0.7);
    cairo_close_path(cr);
    map_set_rgb(cr, fill);
    cairo_fill_preserve(cr);
    map_set_rgb(cr, ring);
    cairo_set_line_width(cr, r * 0.25);
    cairo_stroke(cr);
}

void map_symbol_area(cairo_t *cr, double x, double y, double r, double line, map_rgb colour,
                     map_rgb halo)
{
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_arc(cr, x, y, r, 0, 2 * M_PI);
    map_set_rgba(cr, colour, 0.10);
    cairo_fill_preserve(cr);
    cairo_clip(cr);
    /* diagonal hatching: "somewhere in here" */
    cairo_new_path(cr);
    double step = fmax(r / 4.5, 2.5 * line);
    for (double d = -2 * r; d <= 2 * r; d += step) {
        cairo_move_to(cr, x + d - r, y + r);
        cairo_line_to(cr, x + d + r, y - r);
    }
    map_set_rgba(cr, colour, 0.45);
    cairo_set_line_width(cr, line * 0.6);
    cairo_stroke(cr);
    cairo_restore(cr);
    cairo_save(cr);
    double dash[2] = {3 * line, 2 * line};
    cairo_new_path(cr);
    cairo_arc(cr, x, y, r, 0, 2 * M_PI);
    map_set_rgba(cr, halo, 0.8);
    cairo_set_line_width(cr, line * 2.2);
    cairo_stroke_preserve(cr);
    map_set_rgb(cr, colour);
    cairo_set_line_width(cr, line);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_stroke(cr);
    cairo_restore(cr);
}

void map_arrow_point(double x0, double y0, double x1, double y1, double bend, double t,
                     double *px, double *py)
{
    double mx = (x0 + x1) / 2, my = (y0 + y1) / 2;
    double dx = x1 - x0, dy = y1 - y0;
    /* control point to the left of the direction of travel */
    double cx = mx + dy * bend, cy = my - dx * bend;
    double u = 1 - t;
    *px = u * u * x0 + 2 * u * t * cx + t * t * x1;
    *py = u * u * y0 + 2 * u * t * cy + t * t * y1;
}

void map_draw_arrow(cairo_t *cr, double x0, double y0, double x1, double y1, double bend,
                    double width, double head, map_rgb colour, map_rgb casing)
{
    double len = hypot(x1 - x0, y1 - y0);
    if (len < 1e-6)
        return;
    /* direction at the end of the curve */
    double ex, ey;
    map_arrow_point(x0, y0, x1, y1, bend, 0.97, &ex, &ey);
    double ang = atan2(y1 - ey, x1 - ex);
    double hl = fmin(head, len * 0.6);
    /* the shaft stops inside the head */
    double sx = x1 - cos(ang) * hl * 0.7, sy = y1 - sin(ang) * hl * 0.7;
    double mx = (x0 + x1) / 2, my = (y0 + y1) / 2;
    double cx = mx + (y1 - y0) * bend, cy = my - (x1 - x0) * bend;
    for (int pass = 0; pass < 2; pass++) {
        cairo_new_path(cr);
        cairo_move_to(cr, x0, y0);
        cairo_curve_to(cr, x0 + 2.0 / 3 * (cx - x0), y0 + 2.0 / 3 * (cy - y0),
                       sx + 2.0 / 3 * (cx - sx), sy + 2.0 / 3 * (cy - sy), sx, sy);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        if (pass == 0) {
            map_set_rgba(cr, casing, 0.9);
            cairo_set_line_width(cr, width + 2.4 * width / 3.0);
        } else {
            map_set_rgb(cr, colour);
            cairo_set_line_width(cr, width);
        }
        cairo_stroke(cr);
        cairo_new_path(cr);
        cairo_move_to(cr, x1, y1);
        cairo_line_to(cr, x1 - hl * cos(ang - 0.42), y1 - hl * sin(ang - 0.42));
        cairo_line_to(cr, x1 - hl * 0.72 * cos(ang), y1 - hl * 0.72 * sin(ang));
        cairo_line_to(cr, x1 - hl * cos(ang + 0.42), y1 - hl * sin(ang + 0.42));
        cairo_close_path(cr);
        if (pass == 0) {
            map_set_rgba(cr, casing, 0.9);
            cairo_set_line_width(cr, 2.4 * width / 3.0);
            cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
            cairo_stroke(cr);
        } else {
            map_set_rgb(cr, colour);
            cairo_fill(cr);
        }
    }
}

/* ---- Legend ------------------------------------------------------------- */

void map_legend_add(map_legend *leg, map_legend_kind kind, map_rgb colour, const char *text)
{
    for (size_t i = 0; i < leg->n; i++)
        if (leg->items[i].kind == kind && strcmp(leg->items[i].text, text) == 0)
            return;
    if (leg->n >= sizeof leg->items / sizeof leg->items[0])
        return;
    map_legend_item *it = &leg->items[leg->n++];
    it->kind = kind;
    it->colour = colour;
    snprintf(it->text, sizeof it->text, "%s", text);
}

void map_legend_note(map_legend *leg, const char *text)
{
    for (size_t i = 0; i < leg->n_notes; i++)
        if (strcmp(leg->notes[i].text, text) == 0)
            return;
    if (leg->n_notes >= sizeof leg->notes / sizeof leg->notes[0])
        return;
    map_legend_item *it = &leg->notes[leg->n_notes++];
    it->kind = MAP_LEG_NOTE;
    snprintf(it->text, sizeof it->text, "%s", text);
}

#define LEG_PAD 10.0
#define LEG_ROW 21.0
#define LEG_SYMBOL 30.0
#define LEG_FONT 12.5
#define LEG_NOTE_FONT 11.5

static double max_note_width(const map_ctx *m)
{
    return 330 * m->s;
}

/* Long notes wrap onto at most this many lines; the last one is cut with
 * an ellipsis only when even that is not enough. */
#define NOTE_MAX_LINES 3
#define NOTE_INDENT 10.0
/* first line of a note / each further line of it, in LEG_ROW units */
#define NOTE_ROW 0.85
#define NOTE_ROW_MORE 0.72

typedef struct note_line {
    size_t start, len; /* bytes of the note's text */
    int cut;           /* the rest did not fit: draw with an ellipsis */
} note_line;

/* Width of the first len bytes of text in the current font. */
static double prefix_width(cairo_t *cr, const char *text, size_t len)
{
    char buf[sizeof((map_legend_item *)0)->text];
    if (len >= sizeof buf)
        len = sizeof buf - 1;
    memcpy(buf, text, len);
    buf[len] = '\0';
    double w;
    map_text_size(cr, buf, &w, NULL);
    return w;
}

/* Splits text into at most max_lines lines no wider than max_w in the
 * current font, breaking at spaces (inside a word only when the word alone
 * is wider than a line).  Returns the number of lines. */
static size_t wrap_note(cairo_t *cr, const char *text, double max_w, size_t max_lines,
                        note_line *lines)
{
    size_t n = 0, p = 0, len = strlen(text);
    while (n < max_lines) {
        while (text[p] == ' ')
            p++;
        if (p >= len)
            break;
        note_line *l = &lines[n++];
        l->start = p;
        l->cut = 0;
        if (prefix_width(cr, text + p, len - p) <= max_w) {
            l->len = len - p;
            break;
        }
        if (n == max_lines) {
            l->len = len - p;
            l->cut = 1;
            break;
        }
        /* the longest run of whole words that fits (widths only grow) */
        size_t best = 0;
        for (size_t q = p + 1; q < len; q++) {
            if (text[q] != ' ' || text[q - 1] == ' ')
                continue;
            if (prefix_width(cr, text + p, q - p) > max_w)
                break;
            best = q - p;
        }
        if (best == 0) {
            /* one word wider than the line: break it between characters */
            size_t k = len - p;
            while (k > 1) {
                size_t shorter = kvm_utf8_truncate(text + p, k, k - 1);
                if (shorter == 0)
                    break;
                k = shorter;
                if (prefix_width(cr, text + p, k) <= max_w)
                    break;
            }
            best = k;
        }
        l->len = best;
        p += best;
    }
    return n;
}

/* Widest of the title and item rows, without padding. */
static double items_width(map_ctx *m, const map_legend *leg)
{
    double s = m->s, tw, w;
    map_select_font(m->cr, LEG_FONT * s, 1, 0);
    map_text_size(m->cr, "Legend", &tw, NULL);
    w = tw;
    map_select_font(m->cr, LEG_FONT * s, 0, 0);
    for (size_t i = 0; i < leg->n; i++) {
        map_text_size(m->cr, leg->items[i].text, &tw, NULL);
        w = fmax(w, LEG_SYMBOL * s + tw);
    }
    return w;
}

/* Width available to a note's text after the bullet: as wide as the item
 * rows make the box, at least max_note_width. */
static double note_wrap_width(map_ctx *m, double w_items)
{
    return fmax(w_items, max_note_width(m)) - NOTE_INDENT * m->s;
}

/* Content size of the legend with notes wrapped to max_lines lines. */
static void legend_size(map_ctx *m, const map_legend *leg, size_t max_lines, double *pw, double *ph)
{
    double s = m->s, h = LEG_PAD * s + LEG_ROW * s * (double)(leg->n + 1);
    double w = items_width(m, leg), tw;
    if (leg->n_notes > 0) {
        double wrap = note_wrap_width(m, w);
        h += 6 * s;
        map_select_font(m->cr, LEG_NOTE_FONT * s, 1, 0);
        map_text_size(m->cr, leg->note_title, &tw, NULL);
        w = fmax(w, fmin(tw, max_note_width(m)));
        h += LEG_ROW * s * 0.9;
        map_select_font(m->cr, LEG_NOTE_FONT * s, 0, 0);
        for (size_t i = 0; i < leg->n_notes; i++) {
            note_line lines[NOTE_MAX_LINES];
            size_t nl = wrap_note(m->cr, leg->notes[i].text, wrap, max_lines, lines);
            for (size_t j = 0; j < nl; j++) {
                tw = lines[j].cut
                         ? wrap
                         : prefix_width(m->cr, leg->notes[i].text + lines[j].start, lines[j].len);
                w = fmax(w, fmin(tw, wrap) + NOTE_INDENT * s);
            }
            h += LEG_ROW * s * (NOTE_ROW + NOTE_ROW_MORE * (double)(nl > 1 ? nl - 1 : 0));
        }
    }
    *pw = w + 2 * LEG_PAD * s;
    *ph = h + LEG_PAD * s * 0.6;
}

/* Lines a note may take: NOTE_MAX_LINES unless that makes the legend taller
 * than the map frame (less its corner margins), then fewer. */
static size_t note_max_lines(map_ctx *m, const map_legend *leg)
{
    size_t lines = NOTE_MAX_LINES;
    if (leg->n_notes == 0)
        return lines;
    for (; lines > 1; lines--) {
        double w, h;
        legend_size(m, leg, lines, &w, &h);
        if (h <= m->area.h - 20 * m->s)
            break;
    }
    return lines;
}

void map_legend_measure(map_ctx *m, const map_legend *leg, double *pw, double *ph)
{
    legend_size(m, leg, note_max_lines(m, leg), pw, ph);
}

static void legend_symbol(map_ctx *m, const map_legend_item *it, double x, double y)
{
    cairo_t *cr = m->cr;
    double s = m->s;
    const map_theme *t = m->theme;
    double x0 = x + 2 * s, x1 = x + LEG_SYMBOL * s - 8 * s, xc = (x0 + x1) / 2;
    cairo_save(cr);
    switch (it->kind) {
    case MAP_LEG_CAPTURE:
        map_symbol_capture(cr, xc, y, 6.5 * s, it->colour, t->halo);
        break;
    case MAP_LEG_RECAPTURE:
        map_symbol_recapture(cr, xc, y, 6.5 * s, it->colour, t->halo);
        break;
    case MAP_LEG_CLASH:
        map_symbol_star(cr, xc, y, 8 * s, t->clash, t->text);
        break;
    case MAP_LEG_HISTORICAL:
        map_symbol_capture(cr, xc, y, 5.5 * s, t->historical, t->halo);
        break;
    case MAP_LEG_ADVANCE:
        map_draw_arrow(cr, x0, y + 3 * s, x1, y - 3 * s, 0.15, 3 * s, 10 * s, it->colour, t->halo);
        break;
    case MAP_LEG_AREA:
        map_symbol_area(cr, xc, y, 8 * s, 1.2 * s, it->colour, t->halo);
        break;
    case MAP_LEG_DISPLACED:
        cairo_new_path(cr);
        cairo_arc(cr, xc, y, 7.5 * s, 0, 2 * M_PI);
        map_set_rgba(cr, t->displacement, 0.35);
        cairo_fill_preserve(cr);
        map_set_rgb(cr, t->displacement);
        cairo_set_line_width(cr, 1.5 * s);
        cairo_stroke(cr);
        break;
    case MAP_LEG_FLOW:
        map_draw_arrow(cr, x0, y, x1, y, 0.0, 2.5 * s, 9 * s, t->displacement, t->halo);
        break;
    case MAP_LEG_CLAIM: {
        double dash[2] = {5 * s, 3 * s};
        cairo_new_path(cr);
        cairo_move_to(cr, x0, y);
        cairo_line_to(cr, x1, y);
        cairo_set_dash(cr, dash, 2, 0);
        map_set_rgb(cr, t->claim);
        cairo_set_line_width(cr, 2 * s);
        cairo_stroke(cr);
        break;
    }
    case MAP_LEG_CITY:
        map_symbol_capture(cr, xc, y, 4.5 * s, t->town, t->halo);
        break;
    case MAP_LEG_TOWN:
        map_symbol_capture(cr, xc, y, 3.2 * s, t->town, t->halo);
        break;
    case MAP_LEG_CAMP:
        map_symbol_camp(cr, xc, y, 5 * s, t->displacement, t->halo);
        break;
    case MAP_LEG_ROAD:
        cairo_new_path(cr);
        cairo_move_to(cr, x0, y);
        cairo_line_to(cr, x1, y);
        map_set_rgb(cr, t->road);
        cairo_set_line_width(cr, 1.8 * s);
        cairo_stroke(cr);
        break;
    case MAP_LEG_BORDER:
        cairo_new_path(cr);
        cairo_move_to(cr, x0, y);
        cairo_line_to(cr, x1, y);
        map_set_rgb(cr, t->border);
        cairo_set_line_width(cr, 1.5 * s);
        cairo_stroke(cr);
        break;
    case MAP_LEG_PROVINCE: {
        double dash[2] = {7 * s, 4 * s};
        cairo_new_path(cr);
        cairo_move_to(cr, x0, y);
        cairo_line_to(cr, x1, y);
        cairo_set_dash(cr, dash, 2, 0);
        map_set_rgb(cr, t->province);
        cairo_set_line_width(cr, 1.6 * s);
        cairo_stroke(cr);
        break;
    }
    case MAP_LEG_USER_LAYER:
        cairo_new_path(cr);
        cairo_move_to(cr, x0, y);
        cairo_line_to(cr, x1, y);
        map_set_rgb(cr, it->colour);
        cairo_set_line_width(cr, 1.6 * s);
        cairo_stroke(cr);
        break;
    case MAP_LEG_NOTE:
        break;
    }
    cairo_restore(cr);
}

/* Draws text cut to max_w with an ellipsis. */
static void fitted_text(cairo_t *cr, const char *text, double x, double y, double max_w)
{
    double w;
    map_text_size(cr, text, &w, NULL);
    if (w <= max_w) {
        cairo_move_to(cr, x, y);
        map_show_text(cr, text);
        return;
    }
    char buf[220];
    size_t len = strlen(text);
    if (len >= sizeof buf - 4)
        len = sizeof buf - 4;
    while (len > 0) {
        len = kvm_utf8_truncate(text, len, len - 1);
        memcpy(buf, text, len);
        memcpy(buf + len, "\xe2\x80\xa6", 4); /* … */
        map_text_size(cr, buf, &w, NULL);
        if (w <= max_w)
            break;
    }
    cairo_move_to(cr, x, y);
    map_show_text(cr, buf);
}

void map_legend_draw(map_ctx *m, const map_legend *leg, map_rect box)
{
    cairo_t *cr = m->cr;
    double s = m->s;
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    map_set_rgba(cr, m->theme->box, 0.93);
    cairo_fill_preserve(cr);
    map_set_rgb(cr, m->theme->box_line);
    cairo_set_line_width(cr, 1 * s);
    cairo_stroke(cr);
    double x = box.x + LEG_PAD * s, y = box.y + LEG_PAD * s;
    cairo_font_extents_t fe;
    map_select_font(cr, LEG_FONT * s, 1, 0);
    cairo_font_extents(cr, &fe);
    map_set_rgb(cr, m->theme->text);
    cairo_move_to(cr, x, y + LEG_ROW * s / 2 + fe.ascent / 2 - fe.descent / 2);
    map_show_text(cr, "Legend");
    y += LEG_ROW * s;
    map_select_font(cr, LEG_FONT * s, 0, 0);
    cairo_font_extents(cr, &fe);
    for (size_t i = 0; i < leg->n; i++) {
        double cy = y + LEG_ROW * s / 2;
        legend_symbol(m, &leg->items[i], x, cy);
        map_select_font(cr, LEG_FONT * s, 0, 0);
        map_set_rgb(cr, m->theme->text);
        cairo_move_to(cr, x + LEG_SYMBOL * s, cy + fe.ascent / 2 - fe.descent / 2);
        map_show_text(cr, leg->items[i].text);
        y += LEG_ROW * s;
    }
    if (leg->n_notes > 0) {
        y += 6 * s;
        cairo_new_path(cr);
        cairo_move_to(cr, x, y - 3 * s);
        cairo_line_to(cr, box.x + box.w - LEG_PAD * s, y - 3 * s);
        map_set_rgb(cr, m->theme->box_line);
        cairo_set_line_width(cr, 0.8 * s);
        cairo_stroke(cr);
        double inner = box.w - 2 * LEG_PAD * s;
        map_select_font(cr, LEG_NOTE_FONT * s, 1, 0);
        cairo_font_extents(cr, &fe);
        map_set_rgb(cr, m->theme->text);
        fitted_text(cr, leg->note_title, x, y + fe.ascent + 2 * s, inner);
        y += LEG_ROW * s * 0.9;
        size_t max_lines = note_max_lines(m, leg);
        double wrap = note_wrap_width(m, items_width(m, leg));
        map_select_font(cr, LEG_NOTE_FONT * s, 0, 0);
        map_set_rgb(cr, m->theme->text_muted);
        for (size_t i = 0; i < leg->n_notes; i++) {
            const char *text = leg->notes[i].text;
            note_line lines[NOTE_MAX_LINES];
            size_t nl = wrap_note(cr, text, wrap, max_lines, lines);
            cairo_move_to(cr, x, y + fe.ascent + 2 * s);
            map_show_text(cr, "\xe2\x80\xa2"); /* • */
            for (size_t j = 0; j < nl; j++) {
                /* continuation lines hang under the first, clear of the bullet */
                char line[sizeof leg->notes[i].text];
                size_t len = lines[j].len < sizeof line ? lines[j].len : sizeof line - 1;
                memcpy(line, text + lines[j].start, len);
                line[len] = '\0';
                fitted_text(cr, line, x + NOTE_INDENT * s, y + fe.ascent + 2 * s, wrap);
                y += LEG_ROW * s * (j == 0 ? NOTE_ROW : NOTE_ROW_MORE);
            }
            if (nl == 0)
                y += LEG_ROW * s * NOTE_ROW;
        }
    }
    cairo_restore(cr);
}

/* ---- Scale bar ---------------------------------------------------------- */

/* Geodesic kilometres per canvas unit along the frame's lower part. */
static double km_per_unit(const map_ctx *m)
{
    double y = m->area.y + m->area.h * 0.88;
    double xa = m->area.x + m->area.w * 0.2, xb = m->area.x + m->area.w * 0.4;
    kvm_lonlat a, b;
    if (kvm_projection_inverse(m->proj, m->x0 + (xa - m->area.x) / m->k,
                               m->y1 - (y - m->area.y) / m->k, &a) != KVM_OK ||
        kvm_projection_inverse(m->proj, m->x0 + (xb - m->area.x) / m->k,
                               m->y1 - (y - m->area.y) / m->k, &b) != KVM_OK)
        return 1.0 / (m->k * 1000.0);
    double km = 0;
    if (kvm_geodesic_inverse(a, b, &km, NULL, NULL) != KVM_OK || km <= 0)
        return 1.0 / (m->k * 1000.0);
    return km / (xb - xa);
}

static double scale_length_km(const map_ctx *m, double *punits)
{
    static const double nice[] = {1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000};
    double kpu = km_per_unit(m);
    double target = 230 * m->s * kpu;
    double best = nice[0];
    for (size_t i = 0; i < sizeof nice / sizeof nice[0]; i++)
        if (nice[i] <= target)
            best = nice[i];
    *punits = best / kpu;
    return best;
}

map_rect map_scalebar_measure(map_ctx *m)
{
    double units;
    scale_length_km(m, &units);
    map_rect r = {0, 0, units + 48 * m->s, 44 * m->s};
    return r;
}

void map_scalebar_draw(map_ctx *m, map_rect box)
{
    cairo_t *cr = m->cr;
    double s = m->s, units;
    double km = scale_length_km(m, &units);
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    map_set_rgba(cr, m->theme->box, 0.88);
    cairo_fill(cr);
    double x = box.x + 12 * s, y = box.y + 24 * s, bh = 6 * s;
    for (int i = 0; i < 4; i++) {
        cairo_new_path(cr);
        cairo_rectangle(cr, x + units * i / 4, y, units / 4, bh);
        map_set_rgb(cr, i % 2 == 0 ? m->theme->text : m->theme->box);
        cairo_fill(cr);
    }
    cairo_new_path(cr);
    cairo_rectangle(cr, x, y, units, bh);
    map_set_rgb(cr, m->theme->text);
    cairo_set_line_width(cr, 1 * s);
    cairo_stroke(cr);
    map_select_font(cr, 11.5 * s, 0, 0);
    char buf[32];
    double tw;
    for (int i = 0; i <= 2; i++) {
        double v = km * i / 2;
        if (i == 2)
            snprintf(buf, sizeof buf, "%g km", v);
        else
            snprintf(buf, sizeof buf, "%g", v);
        map_text_size(cr, buf, &tw, NULL);
        double tx = x + units * i / 2 - (i == 2 ? tw / 2 - 0 : tw / 2);
        cairo_move_to(cr, tx, y - 5 * s);
        map_show_text(cr, buf);
    }
    cairo_restore(cr);
}

/* ---- North arrow -------------------------------------------------------- */

void map_north_arrow_draw(map_ctx *m, map_rect box)
{
    cairo_t *cr = m->cr;
    double s = m->s;
    double cx = m->area.x + m->area.w / 2, cy = m->area.y + m->area.h / 2;
    kvm_lonlat c;
    double angle = 0; /* canvas angle of true north, 0 = up */
    if (kvm_projection_inverse(m->proj, m->x0 + (cx - m->area.x) / m->k,
                               m->y1 - (cy - m->area.y) / m->k, &c) == KVM_OK) {
        double ax, ay, bx, by;
        kvm_lonlat n = {c.lon, c.lat + 0.05};
        if (map_lonlat_to_canvas(m, c.lon, c.lat, &ax, &ay) == 0 &&
            map_lonlat_to_canvas(m, n.lon, n.lat, &bx, &by) == 0)
            angle = atan2(bx - ax, -(by - ay));
    }
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    map_set_rgba(cr, m->theme->box, 0.88);
    cairo_fill(cr);
    double ox = box.x + box.w / 2, oy = box.y + box.h / 2 + 7 * s;
    cairo_translate(cr, ox, oy);
    cairo_rotate(cr, angle);
    double len = 16 * s, half = 6 * s;
    cairo_new_path(cr);
    cairo_move_to(cr, 0, -len);
    cairo_line_to(cr, half, len * 0.6);
    cairo_line_to(cr, 0, len * 0.25);
    cairo_close_path(cr);
    map_set_rgb(cr, m->theme->text);
    cairo_fill(cr);
    cairo_new_path(cr);
    cairo_move_to(cr, 0, -len);
    cairo_line_to(cr, -half, len * 0.6);
    cairo_line_to(cr, 0, len * 0.25);
    cairo_close_path(cr);
    map_set_rgb(cr, m->theme->box);
    cairo_fill_preserve(cr);
    map_set_rgb(cr, m->theme->text);
    cairo_set_line_width(cr, 1 * s);
    cairo_stroke(cr);
    map_select_font(cr, 13 * s, 1, 0);
    double tw;
    map_text_size(cr, "N", &tw, NULL);
    cairo_move_to(cr, -tw / 2, -len - 4 * s);
    map_show_text(cr, "N");
    cairo_restore(cr);
}

/* ---- Locator inset ------------------------------------------------------ */

static void inset_path(cairo_t *cr, const map_layer *l, size_t i, double (*tx)(const void *, double),
                       double (*ty)(const void *, double), const void *ctx)
{
    const map_feature *f = &l->features[i];
    for (size_t p = f->first_part; p < f->first_part + f->n_parts; p++) {
        size_t a = l->part_start[p], b = l->part_start[p + 1];
        if (b <= a)
            continue;
        /* at the inset's scale most vertices fall within a fraction of a
         * pixel of the previous one: skip those (less to fill, a smaller SVG) */
        double px = tx(ctx, l->lon[a]), py = ty(ctx, l->lat[a]);
        cairo_move_to(cr, px, py);
        for (size_t v = a + 1; v < b; v++) {
            double x = tx(ctx, l->lon[v]), y = ty(ctx, l->lat[v]);
            if (v + 1 < b && fabs(x - px) < 0.4 && fabs(y - py) < 0.4)
                continue;
            cairo_line_to(cr, x, y);
            px = x;
            py = y;
        }
        if (l->kind == MAP_GEOM_POLYGON)
            cairo_close_path(cr);
    }
}

typedef struct inset_frame {
    double x, y, k, kx, west, north;
} inset_frame;

static double inset_x(const void *ctx, double lon)
{
    const inset_frame *f = ctx;
    return f->x + (lon - f->west) * f->kx;
}

static double inset_y(const void *ctx, double lat)
{
    const inset_frame *f = ctx;
    return f->y + (f->north - lat) * f->k;
}

void map_inset_draw(map_ctx *m, const map_basemap *base, map_rect box)
{
    const map_layer *land = base->layer[MAP_BASE_REGION] ? base->layer[MAP_BASE_REGION]
                                                         : base->layer[MAP_BASE_COUNTRIES];
    if (!land || land->n_features == 0)
        return;
    cairo_t *cr = m->cr;
    double s = m->s;
    kvm_bbox cov = land->features[0].box;
    for (size_t i = 1; i < land->n_features; i++) {
        cov.west = fmin(cov.west, land->features[i].box.west);
        cov.east = fmax(cov.east, land->features[i].box.east);
        cov.south = fmin(cov.south, land->features[i].box.south);
        cov.north = fmax(cov.north, land->features[i].box.north);
    }
    /* make sure the map frame shows inside the inset */
    cov.west = fmin(cov.west, m->geo.west);
    cov.east = fmax(cov.east, m->geo.east);
    cov.south = fmin(cov.south, m->geo.south);
    cov.north = fmax(cov.north, m->geo.north);
    double coslat = cos((cov.south + cov.north) / 2 * M_PI / 180);
    double inner = 6 * s;
    double kx = (box.w - 2 * inner) / ((cov.east - cov.west) * coslat);
    double ky = (box.h - 2 * inner) / (cov.north - cov.south);
    double k = fmin(kx, ky);
    inset_frame fr;
    fr.k = k;
    fr.kx = k * coslat;
    fr.west = cov.west;
    fr.north = cov.north;
    fr.x = box.x + (box.w - (cov.east - cov.west) * fr.kx) / 2;
    fr.y = box.y + (box.h - (cov.north - cov.south) * k) / 2;
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    map_set_rgb(cr, m->theme->water);
    cairo_fill_preserve(cr);
    cairo_clip(cr);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    for (size_t i = 0; i < land->n_features; i++) {
        const map_feature *f = &land->features[i];
        cairo_new_path(cr);
        inset_path(cr, land, i, inset_x, inset_y, &fr);
        int home = strcmp(f->iso2, "CD") == 0 || strstr(f->name, "Congo") != NULL;
        map_set_rgb(cr, home ? m->theme->land_home : m->theme->land_other);
        cairo_fill_preserve(cr);
        map_set_rgb(cr, m->theme->border);
        cairo_set_line_width(cr, 0.7 * s);
        cairo_stroke(cr);
    }
    const map_layer *lakes = base->layer[MAP_BASE_LAKES];
    if (lakes) {
        cairo_new_path(cr);
        for (size_t i = 0; i < lakes->n_features; i++)
            inset_path(cr, lakes, i, inset_x, inset_y, &fr);
        map_set_rgb(cr, m->theme->water);
        cairo_fill(cr);
    }
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
    /* country codes at their visible centres */
    map_select_font(cr, 10 * s, 1, 0);
    for (size_t i = 0; i < land->n_features; i++) {
        const map_feature *f = &land->features[i];
        const char *code = f->iso2[0] ? f->iso2 : f->name;
        if (!code[0])
            continue;
        double w = fmax(cov.west, f->box.west), e = fmin(cov.east, f->box.east);
        double so = fmax(cov.south, f->box.south), no = fmin(cov.north, f->box.north);
        double cx = inset_x(&fr, (w + e) / 2), cy = inset_y(&fr, (so + no) / 2);
        double tw, th;
        map_text_size(cr, code, &tw, &th);
        if ((e - w) * fr.kx < tw + 4 * s || (no - so) * k < th)
            continue;
        map_set_rgb(cr, m->theme->text_muted);
        cairo_move_to(cr, cx - tw / 2, cy + th / 3);
        map_show_text(cr, code);
    }
    /* the map frame */
    cairo_new_path(cr);
    cairo_rectangle(cr, inset_x(&fr, m->geo.west), inset_y(&fr, m->geo.north),
                    (m->geo.east - m->geo.west) * fr.kx, (m->geo.north - m->geo.south) * k);
    cairo_set_source_rgb(cr, 0.8, 0.05, 0.1);
    cairo_set_line_width(cr, 2 * s);
    cairo_stroke(cr);
    cairo_restore(cr);
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_rectangle(cr, box.x, box.y, box.w, box.h);
    map_set_rgb(cr, m->theme->box_line);
    cairo_set_line_width(cr, 1.2 * s);
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* ---- Graticule ---------------------------------------------------------- */

static void format_degrees(double v, int is_lon, char *buf, size_t cap)
{
    double a = fabs(v);
    int deg = (int)floor(a + 1e-9);
    int min = (int)lround((a - deg) * 60);
    if (min == 60) {
        deg++;
        min = 0;
    }
    const char *hemi = is_lon ? (v < 0 ? "W" : "E") : (v < 0 ? "S" : "N");
    if (a < 1e-9)
        hemi = "";
    if (min)
        snprintf(buf, cap, "%d\xc2\xb0%02d\xe2\x80\xb2%s", deg, min, hemi);
    else
        snprintf(buf, cap, "%d\xc2\xb0%s", deg, hemi);
}

void map_graticule_draw(map_ctx *m)
{
    cairo_t *cr = m->cr;
    double s = m->s;
    double span = fmax(m->geo.east - m->geo.west, m->geo.north - m->geo.south);
    double step = span > 3.0 ? 1.0 : span > 1.2 ? 0.5 : 0.25;
    cairo_save(cr);
    cairo_new_path(cr);
    cairo_rectangle(cr, m->area.x, m->area.y, m->area.w, m->area.h);
    cairo_clip(cr);
    cairo_new_path(cr);
    double bottom = m->area.y + m->area.h, left = m->area.x;
    typedef struct {
        double pos;
        double value;
    } tick;
    tick lon_ticks[64], lat_ticks[64];
    size_t n_lon = 0, n_lat = 0;
    for (int pass = 0; pass < 2; pass++) {
        double lo = pass == 0 ? m->geo.west : m->geo.south;
        double hi = pass == 0 ? m->geo.east : m->geo.north;
        for (double v = ceil(lo / step) * step; v <= hi + 1e-9 && n_lon < 64 && n_lat < 64;
             v += step) {
            double plo = pass == 0 ? m->geo.south - 0.2 : m->geo.west - 0.2;
            double phi = pass == 0 ? m->geo.north + 0.2 : m->geo.east + 0.2;
            double lx = 0, ly = 0;
            for (int i = 0; i <= 40; i++) {
                double u = plo + (phi - plo) * i / 40.0;
                double x, y;
                if (map_lonlat_to_canvas(m, pass == 0 ? v : u, pass == 0 ? u : v, &x, &y) != 0)
                    continue;
                if (i == 0) {
                    cairo_move_to(cr, x, y);
                } else {
                    cairo_line_to(cr, x, y);
                    /* crossing of the bottom edge (meridians) / left edge (parallels) */
                    if (pass == 0 && (ly - bottom) * (y - bottom) <= 0 && ly != y) {
                        lon_ticks[n_lon].pos = lx + (x - lx) * (bottom - ly) / (y - ly);
                        lon_ticks[n_lon++].value = v;
                    }
                    if (pass == 1 && (lx - left) * (x - left) <= 0 && lx != x) {
                        lat_ticks[n_lat].pos = ly + (y - ly) * (left - lx) / (x - lx);
                        lat_ticks[n_lat++].value = v;
                    }
                }
                lx = x;
                ly = y;
            }
        }
    }
    map_set_rgba(cr, m->theme->graticule, 0.7);
    cairo_set_line_width(cr, 0.7 * s);
    cairo_stroke(cr);
    cairo_restore(cr);
    /* labels outside the frame */
    cairo_save(cr);
    map_select_font(cr, 11 * s, 0, 0);
    map_set_rgb(cr, m->theme->text_muted);
    char buf[32];
    double tw, th;
    for (size_t i = 0; i < n_lon; i++) {
        format_degrees(lon_ticks[i].value, 1, buf, sizeof buf);
        map_text_size(cr, buf, &tw, &th);
        double x = lon_ticks[i].pos;
        if (x - tw / 2 < m->area.x || x + tw / 2 > m->area.x + m->area.w)
            continue;
        cairo_move_to(cr, x - tw / 2, bottom + 4 * s + th * 0.8);
        map_show_text(cr, buf);
        cairo_new_path(cr);
        cairo_move_to(cr, x, bottom);
        cairo_line_to(cr, x, bottom + 3 * s);
        cairo_set_line_width(cr, 1 * s);
        cairo_stroke(cr);
    }
    for (size_t i = 0; i < n_lat; i++) {
        format_degrees(lat_ticks[i].value, 0, buf, sizeof buf);
        map_text_size(cr, buf, &tw, &th);
        double y = lat_ticks[i].pos;
        if (y - tw / 2 < m->area.y || y + tw / 2 > m->area.y + m->area.h)
            continue;
        cairo_save(cr);
        cairo_translate(cr, left - 5 * s, y + tw / 2);
        cairo_rotate(cr, -M_PI / 2);
        cairo_move_to(cr, 0, 0);
        map_show_text(cr, buf);
        cairo_restore(cr);
        cairo_new_path(cr);
        cairo_move_to(cr, left, y);
        cairo_line_to(cr, left - 3 * s, y);
        cairo_set_line_width(cr, 1 * s);
        cairo_stroke(cr);
    }
    cairo_restore(cr);
}
