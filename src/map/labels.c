/* Label placement: greedy by priority over eight candidate positions around
 * each anchor (NE, E, SE, NW, W, SW, N, S), avoiding placed labels, symbols
 * and the frame furniture.  Required labels (event places) are never dropped:
 * when no candidate is free they move further out, and as a last resort take
 * the position with the least overlap.  Other labels are dropped. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "map/map_internal.h"
#include "util.h"

static void push_rect(map_ctx *m, map_rect **items, size_t *n, size_t *cap, map_rect r)
{
    if (m->failed)
        return;
    if (kvm_grow((void **)items, cap, *n + 1, sizeof **items) != 0) {
        m->failed = 1;
        return;
    }
    (*items)[(*n)++] = r;
}

void map_add_obstacle(map_ctx *m, map_rect r)
{
    push_rect(m, &m->obstacles, &m->n_obstacles, &m->cap_obstacles, r);
}

int map_rect_overlap(map_rect a, map_rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static double overlap_area(map_rect a, map_rect b)
{
    double w = fmin(a.x + a.w, b.x + b.w) - fmax(a.x, b.x);
    double h = fmin(a.y + a.h, b.y + b.h) - fmax(a.y, b.y);
    return w > 0 && h > 0 ? w * h : 0;
}

/* Font metrics of a label's lines. */
static void label_size(const map_ctx *m, const map_label *l, double *pw, double *ph,
                       double *pline1)
{
    double w1, h1, w2 = 0, h2 = 0;
    map_select_font(m->cr, l->size, l->bold, l->italic);
    map_text_size(m->cr, l->text, &w1, &h1);
    if (l->spacing > 0) {
        size_t n = 0;
        for (const char *p = l->text; *p; p++)
            if (((unsigned char)*p & 0xc0) != 0x80)
                n++;
        w1 += l->spacing * (double)(n > 0 ? n - 1 : 0);
    }
    if (l->text2[0]) {
        map_select_font(m->cr, l->size * 0.84, 0, 0);
        map_text_size(m->cr, l->text2, &w2, &h2);
    }
    *pw = fmax(w1, w2);
    *ph = h1 + h2;
    *pline1 = h1;
}

/* Cost of a box: inf outside the frame, else the overlap with everything
 * already taken (0 = free).  `own` is the label's own anchor symbol. */
static double box_cost(const map_ctx *m, map_rect box, map_rect own)
{
    const map_rect *a = &m->area;
    if (box.x < a->x + 2 || box.y < a->y + 2 || box.x + box.w > a->x + a->w - 2 ||
        box.y + box.h > a->y + a->h - 2)
        return HUGE_VAL;
    double cost = 0;
    for (size_t i = 0; i < m->n_taken; i++)
        cost += overlap_area(box, m->taken[i]);
    for (size_t i = 0; i < m->n_obstacles; i++) {
        map_rect o = m->obstacles[i];
        if (o.x == own.x && o.y == own.y && o.w == own.w && o.h == own.h)
            continue;
        cost += overlap_area(box, o);
    }
    return cost;
}

static map_rect candidate(const map_label *l, int pos, double gap, double w, double h)
{
    static const double dx[8] = {1, 1, 1, -1, -1, -1, 0, 0};
    static const double dy[8] = {-1, 0, 1, -1, 0, 1, -1, 1};
    double d = pos < 6 && dy[pos] != 0 ? gap * 0.75 : gap;
    map_rect r;
    r.w = w;
    r.h = h;
    if (dx[pos] > 0)
        r.x = l->px + d;
    else if (dx[pos] < 0)
        r.x = l->px - d - w;
    else
        r.x = l->px - w / 2;
    if (dy[pos] < 0)
        r.y = l->py - d - h;
    else if (dy[pos] > 0)
        r.y = l->py + d;
    else
        r.y = l->py - h / 2;
    return r;
}

static int by_priority(const void *a, const void *b)
{
    const map_label *x = *(const map_label *const *)a, *y = *(const map_label *const *)b;
    if (x->required != y->required)
        return y->required - x->required;
    if (x->priority != y->priority)
        return y->priority - x->priority;
    return strcmp(x->text, y->text);
}

void map_place_labels(map_ctx *m, map_label *labels, size_t n)
{
    map_label **order = kvm_alloc_array(n + 1, sizeof *order);
    if (!order) {
        m->failed = 1;
        return;
    }
    for (size_t i = 0; i < n; i++)
        order[i] = &labels[i];
    qsort(order, n, sizeof *order, by_priority);
    double pad = 2 * m->s;
    for (size_t i = 0; i < n; i++) {
        map_label *l = order[i];
        double w, h, line1;
        label_size(m, l, &w, &h, &line1);
        w += 2 * pad;
        h += pad;
        map_rect own = {l->px - l->gap, l->py - l->gap, 2 * l->gap, 2 * l->gap};
        l->placed = 0;
        map_rect dot = {l->px - l->dot_r, l->py - l->dot_r, 2 * l->dot_r, 2 * l->dot_r};
        if (!l->required && l->dot_r > 0) {
            double c = 0;
            for (size_t j = 0; j < m->n_taken; j++)
                c += overlap_area(dot, m->taken[j]);
            if (c > 0)
                continue;
        }
        if (l->centered) {
            map_rect r = {l->px - w / 2, l->py - h / 2, w, h};
            if (box_cost(m, r, own) == 0) {
                l->box = r;
                l->placed = 1;
            }
        } else {
            double best = HUGE_VAL;
            map_rect best_box = {0, 0, 0, 0};
            int rounds = l->required ? 4 : 1;
            for (int round = 0; round < rounds && !l->placed; round++) {
                double gap = l->gap * (1.0 + 0.9 * round) + round * 6 * m->s;
                for (int pos = 0; pos < 8; pos++) {
                    map_rect r = candidate(l, pos, gap, w, h);
                    double c = box_cost(m, r, own);
                    if (c == 0) {
                        l->box = r;
                        l->placed = 1;
                        break;
                    }
                    if (c < best) {
                        best = c;
                        best_box = r;
                    }
                }
            }
            if (!l->placed && l->required) {
                if (best == HUGE_VAL) /* near the frame edge: keep it inside */
                    best_box = candidate(l, 0, l->gap, w, h);
                l->box = best_box;
                l->placed = 1;
            }
        }
        if (l->placed) {
            push_rect(m, &m->taken, &m->n_taken, &m->cap_taken, l->box);
            if (l->dot_r > 0)
                push_rect(m, &m->taken, &m->n_taken, &m->cap_taken, dot);
        }
    }
    free(order);
}

void map_draw_label(const map_ctx *m, const map_label *l)
{
    if (!l->placed)
        return;
    cairo_t *cr = m->cr;
    double pad = 2 * m->s;
    double w, h, line1;
    label_size(m, l, &w, &h, &line1);
    /* right-align text left of the anchor, centre it above/below */
    double bx = l->box.x + pad, bw = l->box.w - 2 * pad;
    int align_right = l->box.x + l->box.w <= l->px + 0.01 && !l->centered;
    int align_centre = l->centered || (l->box.x < l->px && l->box.x + l->box.w > l->px);
    cairo_font_extents_t fe;
    for (int line = 0; line < 2; line++) {
        const char *text = line == 0 ? l->text : l->text2;
        if (!text[0])
            continue;
        if (line == 0)
            map_select_font(cr, l->size, l->bold, l->italic);
        else
            map_select_font(cr, l->size * 0.84, 0, 0);
        cairo_font_extents(cr, &fe);
        double tw;
        map_text_size(cr, text, &tw, NULL);
        if (line == 0 && l->spacing > 0) {
            size_t n = 0;
            for (const char *p = text; *p; p++)
                if (((unsigned char)*p & 0xc0) != 0x80)
                    n++;
            tw += l->spacing * (double)(n > 0 ? n - 1 : 0);
        }
        double x = align_right ? bx + bw - tw : align_centre ? bx + (bw - tw) / 2 : bx;
        double y = l->box.y + (line == 0 ? fe.ascent : line1 + fe.ascent);
        map_rgb colour = line == 0 ? l->colour : l->colour2;
        map_anchor anchor = align_right    ? MAP_ANCHOR_END
                            : align_centre ? MAP_ANCHOR_MIDDLE
                                           : MAP_ANCHOR_START;
        if (line == 0 && l->spacing > 0)
            map_text_halo_anchored(m, text, x, tw, anchor, y, colour, m->theme->halo, 0.85,
                                   2.5 * m->s, l->spacing);
        else
            map_text_halo_anchored(m, text, x, tw, anchor, y, colour, m->theme->halo, 0.92,
                                   3.2 * m->s, 0);
    }
}
