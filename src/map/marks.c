/* What an event set puts on the map, and where: event symbols by place
 * (captures coloured by actor, clashes, background events muted), advance
 * arrows, displacement circles and flows, stated-distance claims, towns for
 * context, country and lake names; then the legend, the corners for the
 * furniture, label placement, the texts of the frame and the drawing log. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "map/map_marks.h"
#include "util.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ---- Small helpers ------------------------------------------------------ */

int map_place_is_point(const kvm_place *p)
{
    if (!p)
        return 0;
    switch (p->kind) {
    case KVM_KIND_TERRITORY:
    case KVM_KIND_PROVINCE:
    case KVM_KIND_COUNTRY:
    case KVM_KIND_REGION:
    case KVM_KIND_CONTINENT:
    case KVM_KIND_RIVER:
        return 0;
    default:
        return fabs(p->lat) <= 90 && fabs(p->lon) <= 180;
    }
}

int map_event_is_point(const kvm_event *e)
{
    return e->place && e->geo_precision != KVM_GEO_REGION && map_place_is_point(e->place);
}

static map_rgb rgb(unsigned hex)
{
    map_rgb c = {(hex >> 16 & 0xff) / 255.0, (hex >> 8 & 0xff) / 255.0, (hex & 0xff) / 255.0};
    return c;
}

static int contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return 1;
    return 0;
}

/* Colours people expect: M23/AFC red, the army blue, Wazalendo green. */
static map_rgb actor_colour(const char *actor)
{
    static const struct {
        const char *key;
        unsigned hex;
    } table[] = {
        {"m23", 0xc8102e},      {"afc", 0xc8102e},     {"fardc", 0x1f5fa8},
        {"army", 0x1f5fa8},     {"wazalendo", 0x2e8b3a}, {"fdlr", 0x8c564b},
        {"burund", 0x7b3294},   {"sadc", 0x0f8b8d},    {"monusco", 0x0f8b8d},
        {"adf", 0x333333},      {"codeco", 0xb35806},  {"mai-mai", 0x2e8b3a},
        {"mai mai", 0x2e8b3a},
    };
    if (actor && *actor)
        for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
            if (contains_nocase(actor, table[i].key))
                return rgb(table[i].hex);
    if (actor && *actor) {
        /* a stable colour from the name */
        static const unsigned spare[] = {0xe08214, 0x542788, 0x8073ac, 0x01665e, 0x7f3b08};
        unsigned h = 0;
        for (const char *p = actor; *p; p++)
            h = h * 31u + (unsigned char)tolower((unsigned char)*p);
        return rgb(spare[h % 5]);
    }
    return rgb(0x555555);
}

static const char *month_abbr(int month)
{
    static const char *const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    return month >= 1 && month <= 12 ? names[month - 1] : "";
}

/* "23 Jan 2025", "Jan 2025", "2025", "" by the date's precision. */
static void format_date(kvm_date d, int precision, char *buf, size_t cap)
{
    if (d.year <= 0)
        snprintf(buf, cap, "%s", "");
    else if (d.month == 0 || precision == KVM_TIME_YEAR)
        snprintf(buf, cap, "%d", d.year);
    else if (d.day == 0 || precision == KVM_TIME_MONTH)
        snprintf(buf, cap, "%s %d", month_abbr(d.month), d.year);
    else
        snprintf(buf, cap, "%d %s %d", d.day, month_abbr(d.month), d.year);
}

/* 1234567 -> "1,234,567" */
static void format_count(long long n, char *buf, size_t cap)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%lld", n < 0 ? 0 : n);
    size_t len = strlen(digits), o = 0;
    for (size_t i = 0; i < len && o + 2 < cap; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

/* "≥ 100,000", "7,000", "10,000–20,000" */
static void format_people(const kvm_event *e, char *buf, size_t cap)
{
    char a[32], b[32];
    format_count(e->count_min, a, sizeof a);
    if (e->count_max == e->count_min)
        snprintf(buf, cap, "%s", a);
    else if (e->count_max > e->count_min) {
        format_count(e->count_max, b, sizeof b);
        snprintf(buf, cap, "%s\xe2\x80\x93%s", a, b);
    } else
        snprintf(buf, cap, "\xe2\x89\xa5 %s", a);
}

static const char *verb_for(const kvm_event *e)
{
    switch (e->type) {
    case KVM_EVENT_CAPTURE:
        return "captured";
    case KVM_EVENT_RECAPTURE:
        return "retaken";
    case KVM_EVENT_CLASH:
        return "fighting";
    case KVM_EVENT_SHELLING:
        return "shelling";
    case KVM_EVENT_ATTACK:
        return "attack";
    case KVM_EVENT_WITHDRAWAL:
        return "withdrawal";
    case KVM_EVENT_AGREEMENT:
        return "talks";
    case KVM_EVENT_DISPLACEMENT:
        return "displacement";
    default:
        return "event";
    }
}

static int symbol_rank(const kvm_event *e, map_symbol *psym)
{
    if (e->historical) {
        *psym = MAP_SYM_HISTORICAL;
        return 1;
    }
    switch (e->type) {
    case KVM_EVENT_CAPTURE:
        *psym = MAP_SYM_CAPTURE;
        return 5;
    case KVM_EVENT_RECAPTURE:
        *psym = MAP_SYM_RECAPTURE;
        return 5;
    case KVM_EVENT_CLASH:
    case KVM_EVENT_SHELLING:
    case KVM_EVENT_ATTACK:
        *psym = MAP_SYM_CLASH;
        return 4;
    default:
        *psym = MAP_SYM_OTHER;
        return 2;
    }
}

static int event_in_time(const kvm_map_options *o, const kvm_event *e)
{
    if (o->until.year == 0)
        return 1;
    return e->date.year > 0 && kvm_date_compare(e->date, o->until) <= 0;
}

static void log_line(const map_ctx *m, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void log_line(const map_ctx *m, const char *fmt, ...)
{
    if (!m->log)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(m->log, fmt, ap);
    va_end(ap);
    fputc('\n', m->log);
}

/* Tabs and newlines would break the log's columns. */
static const char *log_text(const char *text, char *buf, size_t cap)
{
    size_t o = 0;
    for (const char *p = text; *p && o + 1 < cap; p++)
        buf[o++] = (*p == '\t' || *p == '\n' || *p == '\r') ? ' ' : *p;
    buf[o] = '\0';
    return buf;
}

static int canvas_inside(const map_ctx *m, double x, double y, double pad)
{
    return x >= m->area.x + pad && x <= m->area.x + m->area.w - pad && y >= m->area.y + pad &&
           y <= m->area.y + m->area.h - pad;
}

static int place_canvas(const map_ctx *m, const kvm_place *p, double *px, double *py)
{
    return map_lonlat_to_canvas(m, p->lon, p->lat, px, py);
}

/* ---- Growable arrays ---------------------------------------------------- */

typedef struct caps {
    size_t marks, disp, arrows, claims, towns, labels, areas;
} caps;

#define GROW(mk, cp, field, count, capfield)                                                 \
    (kvm_grow((void **)&(mk)->field, &(cp)->capfield, (mk)->count + 1, sizeof *(mk)->field) == 0)

static map_label *add_label(map_marks *mk, caps *cp, const map_ctx *m, const char *key,
                            double px, double py, double gap, double size, int priority,
                            size_t *pindex)
{
    if (!GROW(mk, cp, labels, n_labels, labels))
        return NULL;
    map_label *l = &mk->labels[mk->n_labels];
    memset(l, 0, sizeof *l);
    l->key = key;
    l->px = px;
    l->py = py;
    l->gap = gap;
    l->size = size;
    l->priority = priority;
    l->colour = m->theme->text;
    l->colour2 = m->theme->text;
    if (pindex)
        *pindex = mk->n_labels;
    mk->n_labels++;
    return l;
}

static map_mark *find_mark(map_marks *mk, const kvm_place *p)
{
    for (size_t i = 0; i < mk->n_marks; i++)
        if (strcmp(mk->marks[i].place->id, p->id) == 0)
            return &mk->marks[i];
    return NULL;
}

static void add_note(map_marks *mk, size_t *pextra, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void add_note(map_marks *mk, size_t *pextra, const char *fmt, ...)
{
    char buf[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    size_t cap = sizeof mk->legend.notes / sizeof mk->legend.notes[0];
    for (size_t i = 0; i < mk->legend.n_notes; i++)
        if (strcmp(mk->legend.notes[i].text, buf) == 0)
            return;
    buf[0] = (char)toupper((unsigned char)buf[0]);
    if (mk->legend.n_notes + 1 < cap)
        map_legend_note(&mk->legend, buf);
    else
        (*pextra)++;
}

static const char *place_name(const kvm_place *p)
{
    return p ? p->name : "no place named";
}

/* ---- Gathering ---------------------------------------------------------- */

static void note_date(map_marks *mk, const kvm_event *e)
{
    if (e->historical || e->date.year == 0)
        return;
    if (mk->first.year == 0 || kvm_date_compare(e->date, mk->first) < 0)
        mk->first = e->date;
    if (mk->last.year == 0 || kvm_date_compare(e->date, mk->last) > 0)
        mk->last = e->date;
}

/* A territory-level event whose territory lies on the map: an approximate
 * area (the legend note stays too).  Returns KVM_ERR_NOMEM or KVM_OK. */
static kvm_status add_area(map_ctx *m, map_marks *mk, caps *cp, const kvm_event *e,
                           const kvm_place *where)
{
    if (!where || where->kind != KVM_KIND_TERRITORY || e->type == KVM_EVENT_AGREEMENT ||
        fabs(where->lat) > 90 || fabs(where->lon) > 180)
        return KVM_OK;
    double cx, cy, r = 24 * m->s;
    if (place_canvas(m, where, &cx, &cy) != 0 || !canvas_inside(m, cx, cy, r))
        return KVM_OK;
    map_symbol sym;
    int rank = e->type == KVM_EVENT_DISPLACEMENT ? 3 : symbol_rank(e, &sym);
    map_area *a = NULL;
    for (size_t i = 0; i < mk->n_areas; i++)
        if (mk->areas[i].place == where)
            a = &mk->areas[i];
    if (!a) {
        if (!GROW(mk, cp, areas, n_areas, areas))
            return KVM_ERR_NOMEM;
        a = &mk->areas[mk->n_areas++];
        memset(a, 0, sizeof *a);
        a->place = where;
        a->cx = cx;
        a->cy = cy;
        a->r = r;
        a->label = (size_t)-1;
    }
    a->count++;
    if (!a->main || rank > a->rank ||
        (rank == a->rank && kvm_date_compare(e->date, a->main->date) > 0)) {
        a->main = e;
        a->rank = rank;
    }
    return KVM_OK;
}

static map_rgb area_colour(const map_ctx *m, const map_area *a)
{
    const kvm_event *e = a->main;
    if (e->historical)
        return m->theme->historical;
    switch (e->type) {
    case KVM_EVENT_CAPTURE:
    case KVM_EVENT_RECAPTURE:
        return actor_colour(e->actor1);
    case KVM_EVENT_CLASH:
    case KVM_EVENT_SHELLING:
    case KVM_EVENT_ATTACK:
        return m->theme->clash;
    case KVM_EVENT_DISPLACEMENT:
        return m->theme->displacement;
    default:
        return m->theme->text_muted;
    }
}

static kvm_status gather_events(map_ctx *m, const kvm_eventset *set, map_marks *mk, caps *cp,
                                size_t *pextra_notes)
{
    const kvm_map_options *o = m->opt;
    size_t n = set ? kvm_eventset_event_count(set) : 0;
    for (size_t i = 0; i < n; i++) {
        const kvm_event *e = kvm_eventset_event(set, i);
        if (!event_in_time(o, e))
            continue;
        char date[32], people[80];
        format_date(e->date, e->time_precision, date, sizeof date);
        if (e->type == KVM_EVENT_DISPLACEMENT) {
            format_people(e, people, sizeof people);
            const kvm_place *at = e->origin && map_place_is_point(e->origin) ? e->origin
                                  : map_event_is_point(e)                  ? e->place
                                                                           : NULL;
            double cx = 0, cy = 0;
            if (at && (place_canvas(m, at, &cx, &cy) != 0 || !canvas_inside(m, cx, cy, 0)))
                at = NULL;
            if (!at) {
                const kvm_place *where = e->origin ? e->origin : e->place;
                if (e->count_min >= 0)
                    add_note(mk, pextra_notes, "%s displaced: %s%s%s%s%s", people,
                             where ? place_name(where) : "", e->destination_text[0] ? " to " : "",
                             e->destination_text, date[0] ? ", " : "", date);
                else
                    add_note(mk, pextra_notes, "Displacement: %s%s%s",
                             where ? place_name(where) : "no place named", date[0] ? ", " : "",
                             date);
                if (add_area(m, mk, cp, e, where) != KVM_OK)
                    return KVM_ERR_NOMEM;
                continue;
            }
            if (!GROW(mk, cp, disp, n_disp, disp))
                return KVM_ERR_NOMEM;
            note_date(mk, e);
            map_disp *d = &mk->disp[mk->n_disp++];
            memset(d, 0, sizeof *d);
            d->event = e;
            d->index = i;
            d->at = at;
            d->cx = cx;
            d->cy = cy;
            double count = e->count_min > 0 ? (double)e->count_min : 0;
            d->r = count > 0 ? fmin(fmax(9 * m->s * sqrt(count / 10000.0), 13 * m->s), 110 * m->s)
                             : 13 * m->s;
            const kvm_place *to = e->destination;
            if (to && map_place_is_point(to) && strcmp(to->id, at->id) != 0) {
                double tx, ty;
                if (place_canvas(m, to, &tx, &ty) == 0 && canvas_inside(m, tx, ty, 0)) {
                    d->has_flow = 1;
                    d->to = to;
                    d->fx0 = cx;
                    d->fy0 = cy;
                    d->fx1 = tx;
                    d->fy1 = ty;
                }
            }
            continue;
        }
        if (!map_event_is_point(e)) {
            if (e->type == KVM_EVENT_AGREEMENT)
                continue;
            add_note(mk, pextra_notes, "%s%s%s%s: %s%s%s", e->historical ? "earlier: " : "",
                     verb_for(e), e->actor1[0] ? " by " : "", e->actor1, place_name(e->place),
                     date[0] ? ", " : "", date);
            if (add_area(m, mk, cp, e, e->place) != KVM_OK)
                return KVM_ERR_NOMEM;
            continue;
        }
        double cx, cy;
        if (place_canvas(m, e->place, &cx, &cy) != 0 || !canvas_inside(m, cx, cy, 0)) {
            if (e->type != KVM_EVENT_AGREEMENT && !e->historical)
                add_note(mk, pextra_notes, "%s%s%s: %s (off this map)%s%s", verb_for(e),
                         e->actor1[0] ? " by " : "", e->actor1, e->place->name,
                         date[0] ? ", " : "", date);
            continue;
        }
        map_symbol sym;
        int rank = symbol_rank(e, &sym);
        note_date(mk, e);
        map_mark *mark = find_mark(mk, e->place);
        if (!mark) {
            if (!GROW(mk, cp, marks, n_marks, marks))
                return KVM_ERR_NOMEM;
            mark = &mk->marks[mk->n_marks++];
            memset(mark, 0, sizeof *mark);
            mark->place = e->place;
            mark->cx = cx;
            mark->cy = cy;
        } else if (rank == 4 && mark->rank == 5) {
            mark->clash_too = 1;
        }
        int better = !mark->main || rank > mark->rank ||
                     (rank == mark->rank && kvm_date_compare(e->date, mark->main->date) > 0);
        if (better) {
            if (mark->main && mark->rank == 4 && rank == 5)
                mark->clash_too = 1;
            mark->main = e;
            mark->main_index = i;
            mark->rank = rank;
            mark->symbol = sym;
        }
    }
    return KVM_OK;
}

static kvm_status gather_advances(map_ctx *m, const kvm_eventset *set, map_marks *mk, caps *cp)
{
    size_t n = set ? kvm_eventset_advance_count(set) : 0;
    for (size_t i = 0; i < n; i++) {
        const kvm_advance *a = kvm_eventset_advance(set, i);
        if (!a->from || !a->to)
            continue;
        if (m->opt->until.year != 0 &&
            (a->date_to.year == 0 || kvm_date_compare(a->date_to, m->opt->until) > 0))
            continue;
        double x0, y0, x1, y1;
        if (place_canvas(m, a->from, &x0, &y0) != 0 || place_canvas(m, a->to, &x1, &y1) != 0)
            continue;
        if (!canvas_inside(m, x0, y0, 0) && !canvas_inside(m, x1, y1, 0))
            continue;
        if (!GROW(mk, cp, arrows, n_arrows, arrows))
            return KVM_ERR_NOMEM;
        map_arrow *ar = &mk->arrows[mk->n_arrows++];
        memset(ar, 0, sizeof *ar);
        ar->advance = a;
        ar->colour = actor_colour(a->actor);
        /* start and stop clear of the symbols */
        const map_mark *from = find_mark(mk, a->from), *to = find_mark(mk, a->to);
        double r0 = (from ? from->r : 6 * m->s) + 4 * m->s;
        double r1 = (to ? to->r : 6 * m->s) + 3 * m->s;
        double len = hypot(x1 - x0, y1 - y0);
        if (len < r0 + r1 + 4 * m->s) {
            mk->n_arrows--;
            continue;
        }
        double ux = (x1 - x0) / len, uy = (y1 - y0) / len;
        ar->x0 = x0 + ux * r0;
        ar->y0 = y0 + uy * r0;
        ar->x1 = x1 - ux * r1;
        ar->y1 = y1 - uy * r1;
        ar->bend = 0.16;
        map_arrow_point(ar->x0, ar->y0, ar->x1, ar->y1, ar->bend, 0.5, &ar->bx, &ar->by);
    }
    return KVM_OK;
}

static kvm_status gather_claims(map_ctx *m, const kvm_eventset *set, map_marks *mk, caps *cp)
{
    if (!m->opt->claims)
        return KVM_OK;
    size_t n = set ? kvm_eventset_claim_count(set) : 0;
    for (size_t i = 0; i < n; i++) {
        const kvm_claim *c = kvm_eventset_claim(set, i);
        if (!c->from || !c->to || !map_place_is_point(c->from) || !map_place_is_point(c->to))
            continue;
        double x0, y0, x1, y1;
        if (place_canvas(m, c->to, &x0, &y0) != 0 || place_canvas(m, c->from, &x1, &y1) != 0)
            continue;
        if (!canvas_inside(m, x0, y0, 0) || !canvas_inside(m, x1, y1, 0))
            continue;
        int seen = 0; /* several articles stating the same distance: one line */
        for (size_t j = 0; j < mk->n_claims && !seen; j++)
            seen = strcmp(mk->claims[j].claim->from->id, c->from->id) == 0 &&
                   strcmp(mk->claims[j].claim->to->id, c->to->id) == 0 &&
                   fabs(mk->claims[j].claim->stated_km - c->stated_km) < 0.5;
        if (seen)
            continue;
        if (!GROW(mk, cp, claims, n_claims, claims))
            return KVM_ERR_NOMEM;
        map_claim_line *cl = &mk->claims[mk->n_claims++];
        cl->claim = c;
        cl->x0 = x0;
        cl->y0 = y0;
        cl->x1 = x1;
        cl->y1 = y1;
    }
    return KVM_OK;
}

static int town_priority(const kvm_place *p)
{
    int base;
    switch (p->kind) {
    case KVM_KIND_CITY:
        base = 800;
        break;
    case KVM_KIND_TOWN:
        base = 600;
        break;
    case KVM_KIND_BORDER_POST:
        base = 550;
        break;
    case KVM_KIND_VILLAGE:
        base = 400;
        break;
    case KVM_KIND_CAMP:
        base = 350;
        break;
    default:
        return -1;
    }
    double pop = p->population > 0 ? log10((double)p->population) * 12 : 0;
    return base + (int)fmin(pop, 95);
}

static int by_town_priority(const void *a, const void *b)
{
    const kvm_place *x = *(const kvm_place *const *)a, *y = *(const kvm_place *const *)b;
    int px = town_priority(x), py = town_priority(y);
    if (px != py)
        return py - px;
    return strcmp(x->id, y->id);
}

static kvm_status gather_towns(map_ctx *m, const kvm_gazetteer *gaz, map_marks *mk, caps *cp)
{
    if (!gaz)
        return KVM_OK;
    double span = fmax(m->geo.east - m->geo.west, m->geo.north - m->geo.south);
    size_t n = kvm_gazetteer_count(gaz);
    const kvm_place **cand = kvm_alloc_array(n + 1, sizeof *cand);
    if (!cand)
        return KVM_ERR_NOMEM;
    size_t nc = 0;
    for (size_t i = 0; i < n; i++) {
        const kvm_place *p = kvm_gazetteer_place(gaz, i);
        int prio = town_priority(p);
        if (prio < 0)
            continue;
        if (p->kind == KVM_KIND_VILLAGE && span > 1.6)
            continue;
        if (p->kind == KVM_KIND_CAMP && span > 1.3)
            continue;
        if (p->lon < m->geo.west || p->lon > m->geo.east || p->lat < m->geo.south ||
            p->lat > m->geo.north)
            continue;
        if (find_mark(mk, p))
            continue;
        cand[nc++] = p;
    }
    qsort(cand, nc, sizeof *cand, by_town_priority);
    if (nc > 160)
        nc = 160;
    for (size_t i = 0; i < nc; i++) {
        double cx, cy;
        if (place_canvas(m, cand[i], &cx, &cy) != 0 || !canvas_inside(m, cx, cy, 6 * m->s))
            continue;
        /* a displacement drawn at this town keeps the town's own label */
        if (!GROW(mk, cp, towns, n_towns, towns)) {
            free(cand);
            return KVM_ERR_NOMEM;
        }
        map_town *t = &mk->towns[mk->n_towns++];
        t->place = cand[i];
        t->cx = cx;
        t->cy = cy;
        t->label = (size_t)-1;
    }
    free(cand);
    return KVM_OK;
}

/* ---- Labels ------------------------------------------------------------- */

static double town_dot_r(const map_ctx *m, const kvm_place *p)
{
    switch (p->kind) {
    case KVM_KIND_CITY:
        return 4.6 * m->s;
    case KVM_KIND_CAMP:
        return 5 * m->s;
    case KVM_KIND_VILLAGE:
        return 2.6 * m->s;
    default:
        return 3.3 * m->s;
    }
}

static int dark_theme(const map_ctx *m)
{
    map_rgb p = m->theme->paper;
    return 0.3 * p.r + 0.59 * p.g + 0.11 * p.b < 0.5;
}

static map_rgb mix_white(map_rgb c, double t)
{
    map_rgb out = {c.r + (1 - c.r) * t, c.g + (1 - c.g) * t, c.b + (1 - c.b) * t};
    return out;
}

static void upper_ascii(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    for (; *in && o + 1 < cap; in++)
        out[o++] = (char)toupper((unsigned char)*in);
    out[o] = '\0';
}

static kvm_status make_labels(map_ctx *m, const map_basemap *base, map_marks *mk, caps *cp)
{
    double s = m->s;
    for (size_t i = 0; i < mk->n_marks; i++) {
        map_mark *mark = &mk->marks[i];
        map_label *l = add_label(mk, cp, m, mark->place->id, mark->cx, mark->cy, mark->r + 3 * s,
                                 15 * s, 2000, &mark->label);
        if (!l)
            return KVM_ERR_NOMEM;
        l->required = 1;
        l->bold = 1;
        snprintf(l->text, sizeof l->text, "%s", mark->place->name);
        char date[32];
        const kvm_event *e = mark->main;
        format_date(e->date, e->time_precision, date, sizeof date);
        if (e->historical)
            snprintf(l->text2, sizeof l->text2, "%s %s (earlier)", verb_for(e), date[0] ? date : "");
        else
            snprintf(l->text2, sizeof l->text2, "%s%s%s", verb_for(e), date[0] ? " " : "", date);
        l->colour2 = mark->symbol == MAP_SYM_CAPTURE || mark->symbol == MAP_SYM_RECAPTURE
                         ? mark->colour
                         : mark->symbol == MAP_SYM_HISTORICAL ? m->theme->text_muted : m->theme->text;
        if (dark_theme(m)) /* deep colours on a dark halo: lift them */
            l->colour2 = mix_white(l->colour2, 0.45);
    }
    for (size_t i = 0; i < mk->n_disp; i++) {
        map_disp *d = &mk->disp[i];
        const map_mark *mark = find_mark(mk, d->at);
        char people[80], date[32];
        format_people(d->event, people, sizeof people);
        format_date(d->event->date, d->event->time_precision, date, sizeof date);
        map_label *l = add_label(mk, cp, m, d->event->id, d->cx, d->cy, d->r + 2 * s, 13 * s,
                                 1900, NULL);
        if (!l)
            return KVM_ERR_NOMEM;
        l->required = 1;
        l->bold = 1;
        l->colour = m->theme->displacement;
        if (d->event->count_min >= 0)
            snprintf(l->text, sizeof l->text, "%s displaced", people);
        else
            snprintf(l->text, sizeof l->text, "people displaced");
        snprintf(l->text2, sizeof l->text2, "%s%s%s", mark ? "" : d->at->name,
                 !mark && date[0] ? ", " : "", date);
        l->colour2 = m->theme->text;
    }
    for (size_t i = 0; i < mk->n_areas; i++) {
        map_area *a = &mk->areas[i];
        const kvm_event *e = a->main;
        map_label *l = add_label(mk, cp, m, a->place->id, a->cx, a->cy, a->r + 2 * s, 13 * s,
                                 1800, &a->label);
        if (!l)
            return KVM_ERR_NOMEM;
        l->required = 1;
        l->bold = 1;
        l->colour = m->theme->text_muted;
        snprintf(l->text, sizeof l->text, "~ %s territory", a->place->name);
        char date[32], people[80];
        format_date(e->date, e->time_precision, date, sizeof date);
        if (e->type == KVM_EVENT_DISPLACEMENT && e->count_min >= 0) {
            format_people(e, people, sizeof people);
            snprintf(l->text2, sizeof l->text2, "%s displaced%s%s", people, date[0] ? ", " : "",
                     date);
        } else {
            snprintf(l->text2, sizeof l->text2, "%s%s%s%s", verb_for(e), date[0] ? " " : "", date,
                     e->historical ? " (earlier)" : "");
        }
        if (a->count > 1) {
            size_t len = strlen(l->text2);
            snprintf(l->text2 + len, sizeof l->text2 - len, " (+%zu more)", a->count - 1);
        }
        /* the second line in the event's colour where that colour reads as
         * text (actors, displacement), else in the text colour */
        int coloured = e->type == KVM_EVENT_DISPLACEMENT ||
                       (!e->historical &&
                        (e->type == KVM_EVENT_CAPTURE || e->type == KVM_EVENT_RECAPTURE));
        l->colour2 = !coloured ? m->theme->text
                     : dark_theme(m) ? mix_white(a->colour, 0.45)
                                     : a->colour;
    }
    for (size_t i = 0; i < mk->n_claims; i++) {
        map_claim_line *c = &mk->claims[i];
        map_label *l = add_label(mk, cp, m, "claim", (c->x0 + c->x1) / 2, (c->y0 + c->y1) / 2,
                                 4 * s, 12 * s, 1500, NULL);
        if (!l)
            return KVM_ERR_NOMEM;
        l->colour = m->theme->claim;
        snprintf(l->text, sizeof l->text, "stated %.0f km", c->claim->stated_km);
        snprintf(l->text2, sizeof l->text2, "geodesic %.0f km", c->claim->computed_km);
        l->colour2 = m->theme->claim;
    }
    for (size_t i = 0; i < mk->n_towns; i++) {
        map_town *t = &mk->towns[i];
        const kvm_place *p = t->place;
        int city = p->kind == KVM_KIND_CITY;
        double size = city ? 15 * s
                      : p->kind == KVM_KIND_VILLAGE || p->kind == KVM_KIND_CAMP ? 11.5 * s
                                                                                : 13 * s;
        double r = town_dot_r(m, p);
        map_label *l = add_label(mk, cp, m, p->id, t->cx, t->cy, r + 2 * s, size,
                                 town_priority(p), &t->label);
        if (!l)
            return KVM_ERR_NOMEM;
        l->bold = city;
        l->italic = p->kind == KVM_KIND_CAMP;
        l->dot_r = city ? 0 : r + 1 * s;
        if (p->kind == KVM_KIND_VILLAGE || p->kind == KVM_KIND_CAMP)
            l->colour = m->theme->text_muted;
        snprintf(l->text, sizeof l->text, "%s", p->name);
    }
    const map_layer *countries = base->layer[MAP_BASE_COUNTRIES];
    for (size_t i = 0; countries && i < countries->n_features; i++) {
        const map_feature *f = &countries->features[i];
        double cx, cy;
        if (!f->name[0] || map_polygon_anchor(m, countries, i, &cx, &cy) != 0)
            continue;
        map_label *l = add_label(mk, cp, m, f->iso2[0] ? f->iso2 : f->name, cx, cy, 0, 15 * s,
                                 700, NULL);
        if (!l)
            return KVM_ERR_NOMEM;
        l->centered = 1;
        l->spacing = 3.5 * s;
        l->colour = m->theme->text_muted;
        const char *name = strcmp(f->iso2, "CD") == 0 || strlen(f->name) > 18 ? "DR Congo" : f->name;
        if (strcmp(f->iso2, "CD") != 0 && strlen(f->name) > 18)
            name = f->iso2;
        upper_ascii(name, l->text, sizeof l->text);
    }
    const map_layer *lakes = base->layer[MAP_BASE_LAKES];
    for (size_t i = 0; lakes && i < lakes->n_features; i++) {
        const map_feature *f = &lakes->features[i];
        double cx, cy;
        if (!f->name[0] || !lakes->ok[i])
            continue;
        size_t a = lakes->part_start[f->first_part];
        size_t b = lakes->part_start[f->first_part + f->n_parts];
        double minx = HUGE_VAL, maxx = -HUGE_VAL, miny = HUGE_VAL, maxy = -HUGE_VAL;
        for (size_t v = a; v < b; v++) {
            minx = fmin(minx, map_cx(m, lakes->x[v]));
            maxx = fmax(maxx, map_cx(m, lakes->x[v]));
            miny = fmin(miny, map_cy(m, lakes->y[v]));
            maxy = fmax(maxy, map_cy(m, lakes->y[v]));
        }
        if (fmin(maxx - minx, maxy - miny) < 40 * s)
            continue;
        if (map_polygon_anchor(m, lakes, i, &cx, &cy) != 0)
            continue;
        map_label *l = add_label(mk, cp, m, f->name, cx, cy, 0, 14 * s, 650, NULL);
        if (!l)
            return KVM_ERR_NOMEM;
        l->centered = 1;
        l->italic = 1;
        l->colour = m->theme->water_line;
        if (dark_theme(m)) {
            l->colour = mix_white(l->colour, 0.4);
        } else {
            l->colour.r *= 0.6;
            l->colour.g *= 0.6;
            l->colour.b *= 0.75;
        }
        snprintf(l->text, sizeof l->text, "%s", f->name);
    }
    return KVM_OK;
}

/* ---- Legend, corners, texts --------------------------------------------- */

static void build_legend(map_ctx *m, const map_basemap *base, map_marks *mk)
{
    map_legend *leg = &mk->legend;
    char text[200];
    /* captures, by actor, in the order first met */
    for (int pass = 0; pass < 2; pass++) {
        map_symbol want = pass == 0 ? MAP_SYM_CAPTURE : MAP_SYM_RECAPTURE;
        for (size_t i = 0; i < mk->n_marks; i++) {
            const map_mark *mark = &mk->marks[i];
            if (mark->symbol != want)
                continue;
            const char *actor = mark->main->actor1;
            if (actor[0])
                snprintf(text, sizeof text, "%s by %s", pass == 0 ? "Captured" : "Retaken", actor);
            else
                snprintf(text, sizeof text, "%s (actor not stated)",
                         pass == 0 ? "Captured" : "Retaken");
            map_legend_add(leg, pass == 0 ? MAP_LEG_CAPTURE : MAP_LEG_RECAPTURE, mark->colour,
                           text);
        }
    }
    int clash = 0, hist = 0, other = 0;
    for (size_t i = 0; i < mk->n_marks; i++) {
        clash |= mk->marks[i].symbol == MAP_SYM_CLASH || mk->marks[i].clash_too;
        hist |= mk->marks[i].symbol == MAP_SYM_HISTORICAL;
        other |= mk->marks[i].symbol == MAP_SYM_OTHER;
    }
    if (clash)
        map_legend_add(leg, MAP_LEG_CLASH, m->theme->clash, "Fighting, shelling or attack");
    if (other)
        map_legend_add(leg, MAP_LEG_HISTORICAL, m->theme->text_muted, "Other reported event");
    if (hist)
        map_legend_add(leg, MAP_LEG_HISTORICAL, m->theme->historical, "Earlier event (background)");
    for (size_t i = 0; i < mk->n_arrows; i++) {
        const char *actor = mk->arrows[i].advance->actor;
        snprintf(text, sizeof text, "%s%sadvance, numbered in date order", actor[0] ? actor : "",
                 actor[0] ? " " : "");
        if (!actor[0])
            text[0] = 'A';
        map_legend_add(leg, MAP_LEG_ADVANCE, mk->arrows[i].colour, text);
    }
    int flows = 0;
    for (size_t i = 0; i < mk->n_disp; i++)
        flows |= mk->disp[i].has_flow;
    if (mk->n_disp)
        map_legend_add(leg, MAP_LEG_DISPLACED, m->theme->displacement,
                       "People displaced (circle area \xe2\x88\x9d number)");
    if (flows)
        map_legend_add(leg, MAP_LEG_FLOW, m->theme->displacement, "Displaced people moving to");
    if (mk->n_claims)
        map_legend_add(leg, MAP_LEG_CLAIM, m->theme->claim, "Stated distance vs geodesic");
    if (mk->n_areas)
        map_legend_add(leg, MAP_LEG_AREA, m->theme->text_muted,
                       "Approximate location (area): reported for a territory");
    int city = 0, town = 0, camp = 0;
    for (size_t i = 0; i < mk->n_towns; i++) {
        const map_town *t = &mk->towns[i];
        int drawn = t->place->kind == KVM_KIND_CITY ||
                    (t->label != (size_t)-1 && mk->labels[t->label].placed);
        if (!drawn)
            continue;
        city |= t->place->kind == KVM_KIND_CITY;
        camp |= t->place->kind == KVM_KIND_CAMP;
        town |= t->place->kind != KVM_KIND_CITY && t->place->kind != KVM_KIND_CAMP;
    }
    if (city)
        map_legend_add(leg, MAP_LEG_CITY, m->theme->town, "City");
    if (town)
        map_legend_add(leg, MAP_LEG_TOWN, m->theme->town, "Town or village");
    if (camp)
        map_legend_add(leg, MAP_LEG_CAMP, m->theme->displacement, "Displacement camp");
    const map_layer *roads = base->layer[MAP_BASE_ROADS];
    int any_road = 0;
    for (size_t i = 0; roads && i < roads->n_features; i++)
        any_road |= roads->ok[i];
    if (any_road)
        map_legend_add(leg, MAP_LEG_ROAD, m->theme->road, "Main road (schematic)");
    const map_layer *borders = base->layer[MAP_BASE_BORDERS];
    int any_border = 0;
    for (size_t i = 0; borders && i < borders->n_features; i++)
        any_border |= borders->ok[i];
    if (any_border)
        map_legend_add(leg, MAP_LEG_BORDER, m->theme->border, "International border");
    const map_layer *province = base->layer[MAP_BASE_PROVINCE];
    int any_province = 0;
    for (size_t i = 0; province && i < province->n_features; i++)
        any_province |= province->ok[i];
    if (any_province)
        map_legend_add(leg, MAP_LEG_PROVINCE, m->theme->province, "North Kivu boundary");
    snprintf(leg->note_title, sizeof leg->note_title, "%s",
             "Reported for a whole area or off this map:");
}

/* Weight of what a furniture box would hide. */
static double corner_cost(const map_ctx *m, const map_marks *mk, map_rect r)
{
    (void)m;
    double cost = 0;
    for (size_t i = 0; i < mk->n_marks; i++)
        if (map_rect_overlap(r, (map_rect){mk->marks[i].cx - 40, mk->marks[i].cy - 20, 80, 40}))
            cost += 100;
    for (size_t i = 0; i < mk->n_disp; i++)
        if (map_rect_overlap(r, (map_rect){mk->disp[i].cx - mk->disp[i].r, mk->disp[i].cy - mk->disp[i].r,
                                           2 * mk->disp[i].r, 2 * mk->disp[i].r}))
            cost += 50;
    for (size_t i = 0; i < mk->n_arrows; i++)
        for (int t = 0; t <= 8; t++) {
            double x, y;
            const map_arrow *a = &mk->arrows[i];
            map_arrow_point(a->x0, a->y0, a->x1, a->y1, a->bend, t / 8.0, &x, &y);
            if (map_rect_overlap(r, (map_rect){x - 2, y - 2, 4, 4}))
                cost += 20;
        }
    for (size_t i = 0; i < mk->n_towns; i++)
        if (map_rect_overlap(r, (map_rect){mk->towns[i].cx - 30, mk->towns[i].cy - 8, 60, 16}))
            cost += mk->towns[i].place->kind == KVM_KIND_CITY ? 12 : 2;
    return cost;
}

static map_rect corner_rect(const map_ctx *m, int corner, double w, double h)
{
    double pad = 10 * m->s;
    map_rect r = {0, 0, w, h};
    r.x = corner % 2 == 0 ? m->area.x + pad : m->area.x + m->area.w - pad - w;
    r.y = corner < 2 ? m->area.y + pad : m->area.y + m->area.h - pad - h;
    return r;
}

/* Puts a box in the cheapest free corner (0 TL, 1 TR, 2 BL, 3 BR), trying
 * them in `prefer` order on ties.  Returns the corner or -1. */
static int pick_corner(const map_ctx *m, const map_marks *mk, double w, double h,
                       const int prefer[4], const map_rect *placed, size_t n_placed,
                       map_rect *pbox)
{
    int best = -1;
    double best_cost = HUGE_VAL;
    for (int i = 0; i < 4; i++) {
        map_rect r = corner_rect(m, prefer[i], w, h);
        if (r.h > m->area.h - 20 * m->s || r.w > m->area.w - 20 * m->s)
            continue;
        int clash = 0;
        for (size_t j = 0; j < n_placed; j++)
            clash |= map_rect_overlap(r, placed[j]);
        if (clash)
            continue;
        double c = corner_cost(m, mk, r);
        if (c < best_cost) {
            best_cost = c;
            best = prefer[i];
            *pbox = r;
        }
    }
    return best;
}

static map_rect pad_rect(map_rect r, double pad)
{
    map_rect out = {r.x - pad, r.y - pad, r.w + 2 * pad, r.h + 2 * pad};
    return out;
}

static void place_furniture(map_ctx *m, const map_basemap *base, map_marks *mk)
{
    double s = m->s;
    map_rect placed[4];
    size_t n = 0;
    double lw, lh;
    map_legend_measure(m, &mk->legend, &lw, &lh);
    static const int legend_pref[4] = {0, 2, 1, 3};
    static const int inset_pref[4] = {1, 3, 0, 2};
    static const int scale_pref[4] = {2, 3, 0, 1};
    if (pick_corner(m, mk, lw, lh, legend_pref, placed, n, &mk->legend_box) < 0)
        mk->legend_box = corner_rect(m, 0, lw, lh);
    placed[n++] = pad_rect(mk->legend_box, 6 * s);
    const map_layer *land = base->layer[MAP_BASE_REGION] ? base->layer[MAP_BASE_REGION]
                                                         : base->layer[MAP_BASE_COUNTRIES];
    if (m->opt->inset && land) {
        double iw = fmin(230 * s, m->area.w * 0.3), ih = iw * 0.9;
        mk->has_inset = pick_corner(m, mk, iw, ih, inset_pref, placed, n, &mk->inset_box) >= 0;
        if (mk->has_inset)
            placed[n++] = pad_rect(mk->inset_box, 6 * s);
    }
    map_rect sb = map_scalebar_measure(m);
    double nw = 40 * s, nh = sb.h;
    map_rect row;
    if (pick_corner(m, mk, sb.w + nw + 6 * s, sb.h, scale_pref, placed, n, &row) < 0)
        row = corner_rect(m, 2, sb.w + nw + 6 * s, sb.h);
    mk->scale_box = (map_rect){row.x, row.y, sb.w, sb.h};
    mk->north_box = (map_rect){row.x + sb.w + 6 * s, row.y, nw, nh};
    map_add_obstacle(m, pad_rect(mk->legend_box, 4 * s));
    if (mk->has_inset)
        map_add_obstacle(m, pad_rect(mk->inset_box, 4 * s));
    map_add_obstacle(m, pad_rect(row, 4 * s));
}

static void add_symbol_obstacles(map_ctx *m, map_marks *mk)
{
    double s = m->s;
    for (size_t i = 0; i < mk->n_marks; i++) {
        const map_mark *k = &mk->marks[i];
        map_add_obstacle(m, (map_rect){k->cx - k->r - 1, k->cy - k->r - 1, 2 * k->r + 2, 2 * k->r + 2});
    }
    for (size_t i = 0; i < mk->n_disp; i++)
        map_add_obstacle(m, (map_rect){mk->disp[i].cx - 3 * s, mk->disp[i].cy - 3 * s, 6 * s, 6 * s});
    for (size_t i = 0; i < mk->n_areas; i++)
        map_add_obstacle(m, (map_rect){mk->areas[i].cx - 8 * s, mk->areas[i].cy - 8 * s, 16 * s,
                                       16 * s});
    for (size_t i = 0; i < mk->n_towns; i++)
        if (mk->towns[i].place->kind == KVM_KIND_CITY)
            map_add_obstacle(m, (map_rect){mk->towns[i].cx - 5 * s, mk->towns[i].cy - 5 * s,
                                           10 * s, 10 * s});
    for (size_t i = 0; i < mk->n_arrows; i++) {
        const map_arrow *a = &mk->arrows[i];
        for (int t = 1; t < 12; t++) {
            double x, y;
            map_arrow_point(a->x0, a->y0, a->x1, a->y1, a->bend, t / 12.0, &x, &y);
            map_add_obstacle(m, (map_rect){x - 4 * s, y - 4 * s, 8 * s, 8 * s});
        }
        map_add_obstacle(m, (map_rect){a->bx - 10 * s, a->by - 10 * s, 20 * s, 20 * s});
    }
    for (size_t i = 0; i < mk->n_disp; i++) {
        const map_disp *d = &mk->disp[i];
        if (!d->has_flow)
            continue;
        for (int t = 1; t < 10; t++) {
            double x = d->fx0 + (d->fx1 - d->fx0) * t / 10.0, y = d->fy0 + (d->fy1 - d->fy0) * t / 10.0;
            map_add_obstacle(m, (map_rect){x - 3 * s, y - 3 * s, 6 * s, 6 * s});
        }
    }
}

static void make_texts(map_ctx *m, const kvm_eventset *set, map_marks *mk, size_t n_events)
{
    const kvm_map_options *o = m->opt;
    /* the actor with the most captures on the map */
    const char *main_actor = "";
    size_t best = 0;
    for (size_t i = 0; i < mk->n_marks; i++) {
        if (mk->marks[i].symbol != MAP_SYM_CAPTURE || !mk->marks[i].main->actor1[0])
            continue;
        size_t count = 0;
        for (size_t j = 0; j < mk->n_marks; j++)
            count += mk->marks[j].symbol == MAP_SYM_CAPTURE &&
                     strcasecmp(mk->marks[j].main->actor1, mk->marks[i].main->actor1) == 0;
        if (count > best) {
            best = count;
            main_actor = mk->marks[i].main->actor1;
        }
    }
    size_t north_kivu = 0;
    for (size_t i = 0; i < mk->n_marks; i++)
        north_kivu += strcmp(mk->marks[i].place->admin1, "North Kivu") == 0;
    const char *region = mk->n_marks == 0 || north_kivu * 2 >= mk->n_marks ? "North Kivu"
                                                                          : "Eastern DR Congo";
    int captures = 0, fighting = 0;
    for (size_t i = 0; i < mk->n_marks; i++) {
        captures |= mk->marks[i].symbol == MAP_SYM_CAPTURE || mk->marks[i].symbol == MAP_SYM_RECAPTURE;
        fighting |= mk->marks[i].symbol == MAP_SYM_CLASH;
    }
    if (o->title && *o->title)
        snprintf(mk->title, sizeof mk->title, "%s", o->title);
    else if (captures)
        snprintf(mk->title, sizeof mk->title, "%s: %s%sadvances%s", region, main_actor,
                 main_actor[0] ? " " : "", mk->n_disp ? " and displacement" : "");
    else if (fighting)
        snprintf(mk->title, sizeof mk->title, "%s: fighting%s", region,
                 mk->n_disp ? " and displacement" : "");
    else if (mk->n_disp)
        snprintf(mk->title, sizeof mk->title, "%s: displacement", region);
    else
        snprintf(mk->title, sizeof mk->title, "%s", region);
    kvm_date first = mk->first, last = mk->last;
    size_t n_articles = set ? kvm_eventset_article_count(set) : 0;
    char a[32], b[32], articles[64];
    snprintf(articles, sizeof articles, "%zu article%s", n_articles, n_articles == 1 ? "" : "s");
    format_date(first, KVM_TIME_DAY, a, sizeof a);
    format_date(last, KVM_TIME_DAY, b, sizeof b);
    if (n_events == 0)
        snprintf(mk->subtitle, sizeof mk->subtitle, "No events found in %s; base map only",
                 articles);
    else if (mk->n_marks + mk->n_disp == 0)
        snprintf(mk->subtitle, sizeof mk->subtitle,
                 "No event has a point on this map; %zu reported in %s (see legend)", n_events,
                 articles);
    else if (o->until.year != 0)
        snprintf(mk->subtitle, sizeof mk->subtitle, "Events up to %s, as reported in %s",
                 b[0] ? b : "?", articles);
    else if (first.year == 0)
        snprintf(mk->subtitle, sizeof mk->subtitle, "As reported in %s (event dates not stated)",
                 articles);
    else if (kvm_date_compare(first, last) == 0)
        snprintf(mk->subtitle, sizeof mk->subtitle, "Events of %s, as reported in %s", a, articles);
    else
        snprintf(mk->subtitle, sizeof mk->subtitle, "Events from %s to %s, as reported in %s", a, b,
                 articles);
    /* sources, cut to the frame's width with "+N more" */
    map_select_font(m->cr, 11.5 * m->s, 0, 0);
    snprintf(mk->sources, sizeof mk->sources, "Sources: %s", n_articles ? "" : "none");
    for (size_t i = 0; i < n_articles; i++) {
        const kvm_article_info *ai = kvm_eventset_article(set, i);
        char item[200], date[16], more[32];
        const char *name = strrchr(ai->name, '/') ? strrchr(ai->name, '/') + 1 : ai->name;
        kvm_date_format(ai->date, date);
        snprintf(item, sizeof item, "%s%s (%s)", i ? ", " : "", name, date[0] ? date : "undated");
        snprintf(more, sizeof more, ", +%zu more", n_articles - i);
        char trial[sizeof mk->sources + sizeof item + sizeof more];
        snprintf(trial, sizeof trial, "%s%s%s", mk->sources, item,
                 i + 1 < n_articles ? ", +99 more" : "");
        double w;
        map_text_size(m->cr, trial, &w, NULL);
        if (w > m->area.w || strlen(mk->sources) + strlen(item) + 1 >= sizeof mk->sources) {
            size_t len = strlen(mk->sources);
            snprintf(mk->sources + len, sizeof mk->sources - len, "%s", i ? more : "…");
            break;
        }
        size_t len = strlen(mk->sources);
        snprintf(mk->sources + len, sizeof mk->sources - len, "%s", item);
    }
    snprintf(mk->attribution, sizeof mk->attribution,
             "Base map: GSHHG/DCW (LGPL), Natural Earth; roads schematic. Events: kivumap from %s. "
             "Projection: %s.",
             articles, o->projection ? o->projection : "UTM zone 35S (EPSG:32735)");
}

static void write_log(map_ctx *m, map_marks *mk)
{
    if (!m->log)
        return;
    char buf[400];
    for (size_t i = 0; i < mk->n_marks; i++) {
        const map_mark *k = &mk->marks[i];
        log_line(m, "event\t%s\t%s\t%s\t%.1f\t%.1f\t%.1f\t%s\t%.3f\t%.3f\t%.3f", k->main->id,
                 kvm_event_type_name(k->main->type), k->place->id, k->cx, k->cy, k->r,
                 k->main->actor1[0] ? k->main->actor1 : "-", k->colour.r, k->colour.g, k->colour.b);
    }
    for (size_t i = 0; i < mk->n_arrows; i++) {
        const map_arrow *a = &mk->arrows[i];
        log_line(m, "advance\t%s\t%s\t%s\t%zu\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f",
                 a->advance->actor[0] ? a->advance->actor : "-", a->advance->from->id,
                 a->advance->to->id, a->advance->sequence, a->x0, a->y0, a->x1, a->y1, a->bx, a->by);
    }
    for (size_t i = 0; i < mk->n_disp; i++) {
        const map_disp *d = &mk->disp[i];
        log_line(m, "displacement\t%s\t%s\t%.1f\t%.1f\t%.1f\t%lld", d->event->id, d->at->id, d->cx,
                 d->cy, d->r, d->event->count_min);
        if (d->has_flow)
            log_line(m, "flow\t%s\t%s\t%s\t%.1f\t%.1f\t%.1f\t%.1f", d->event->id, d->at->id,
                     d->to->id, d->fx0, d->fy0, d->fx1, d->fy1);
    }
    for (size_t i = 0; i < mk->n_areas; i++) {
        const map_area *a = &mk->areas[i];
        log_line(m, "area\t%s\t%s\t%s\t%.1f\t%.1f\t%.1f\t%zu", a->main->id,
                 kvm_event_type_name(a->main->type), a->place->id, a->cx, a->cy, a->r, a->count);
    }
    for (size_t i = 0; i < mk->n_claims; i++) {
        const map_claim_line *c = &mk->claims[i];
        log_line(m, "claim\t%s\t%s\t%.1f\t%.1f\t%.1f\t%.1f", c->claim->from->id, c->claim->to->id,
                 c->x0, c->y0, c->x1, c->y1);
    }
    for (size_t i = 0; i < mk->n_towns; i++) {
        const map_town *t = &mk->towns[i];
        int placed = mk->labels[t->label].placed;
        if (placed || t->place->kind == KVM_KIND_CITY)
            log_line(m, "town\t%s\t%.1f\t%.1f\t%d", t->place->id, t->cx, t->cy, placed);
    }
    for (size_t i = 0; i < mk->n_labels; i++) {
        const map_label *l = &mk->labels[i];
        if (!l->placed)
            continue;
        log_line(m, "label\t%s\t%.1f\t%.1f\t%.1f\t%.1f\t%s", l->key, l->box.x, l->box.y, l->box.w,
                 l->box.h, log_text(l->text, buf, sizeof buf));
    }
    for (size_t i = 0; i < mk->legend.n; i++)
        log_line(m, "legend\t%s", log_text(mk->legend.items[i].text, buf, sizeof buf));
    for (size_t i = 0; i < mk->legend.n_notes; i++)
        log_line(m, "note\t%s", log_text(mk->legend.notes[i].text, buf, sizeof buf));
    log_line(m, "box\tlegend\t%.1f\t%.1f\t%.1f\t%.1f", mk->legend_box.x, mk->legend_box.y,
             mk->legend_box.w, mk->legend_box.h);
    if (mk->has_inset)
        log_line(m, "box\tinset\t%.1f\t%.1f\t%.1f\t%.1f", mk->inset_box.x, mk->inset_box.y,
                 mk->inset_box.w, mk->inset_box.h);
    log_line(m, "box\tscale\t%.1f\t%.1f\t%.1f\t%.1f", mk->scale_box.x, mk->scale_box.y,
             mk->scale_box.w, mk->scale_box.h);
    log_line(m, "box\tnorth\t%.1f\t%.1f\t%.1f\t%.1f", mk->north_box.x, mk->north_box.y,
             mk->north_box.w, mk->north_box.h);
    log_line(m, "title\t%s", log_text(mk->title, buf, sizeof buf));
    log_line(m, "subtitle\t%s", log_text(mk->subtitle, buf, sizeof buf));
}

kvm_status map_marks_build(map_ctx *m, const kvm_eventset *set, const kvm_gazetteer *gaz,
                           const map_basemap *base, map_marks *mk, kvm_error *err)
{
    caps cp;
    memset(&cp, 0, sizeof cp);
    size_t extra_notes = 0;
    kvm_status st = gather_events(m, set, mk, &cp, &extra_notes);
    if (st != KVM_OK)
        return kvm_error_set(err, st, "out of memory drawing the map");
    for (size_t i = 0; i < mk->n_marks; i++) {
        map_mark *k = &mk->marks[i];
        double s = m->s;
        switch (k->symbol) {
        case MAP_SYM_CAPTURE:
        case MAP_SYM_RECAPTURE:
            k->colour = actor_colour(k->main->actor1);
            k->r = 8.5 * s;
            break;
        case MAP_SYM_CLASH:
            k->colour = m->theme->clash;
            k->r = 10 * s;
            break;
        case MAP_SYM_HISTORICAL:
            k->colour = m->theme->historical;
            k->r = 6.5 * s;
            break;
        default:
            k->colour = m->theme->text_muted;
            k->r = 6.5 * s;
            break;
        }
    }
    for (size_t i = 0; i < mk->n_areas; i++)
        mk->areas[i].colour = area_colour(m, &mk->areas[i]);
    if (extra_notes > 0)
        map_legend_note(&mk->legend, "");
    if (extra_notes > 0) {
        map_legend_item *last = &mk->legend.notes[mk->legend.n_notes - 1];
        snprintf(last->text, sizeof last->text, "+%zu more", extra_notes);
    }
    st = gather_advances(m, set, mk, &cp);
    if (st == KVM_OK)
        st = gather_claims(m, set, mk, &cp);
    if (st == KVM_OK)
        st = gather_towns(m, gaz, mk, &cp);
    if (st == KVM_OK)
        st = make_labels(m, base, mk, &cp);
    if (st != KVM_OK)
        return kvm_error_set(err, st, "out of memory drawing the map");
    size_t n_events = set ? kvm_eventset_event_count(set) : 0;
    make_texts(m, set, mk, n_events);
    /* legend entries for towns depend on placement; measure with the
     * generous list first (all kinds present), then rebuild after */
    map_legend saved = mk->legend;
    for (size_t i = 0; i < mk->n_labels; i++)
        mk->labels[i].placed = 1;
    build_legend(m, base, mk);
    place_furniture(m, base, mk);
    add_symbol_obstacles(m, mk);
    map_place_labels(m, mk->labels, mk->n_labels);
    mk->legend = saved;
    build_legend(m, base, mk);
    if (m->failed)
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory drawing the map");
    mk->events_drawn = mk->n_marks + mk->n_disp;
    mk->advances_drawn = mk->n_arrows;
    for (size_t i = 0; i < mk->n_towns; i++)
        if (!mk->labels[mk->towns[i].label].placed)
            mk->labels_dropped++;
    write_log(m, mk);
    return KVM_OK;
}

/* ---- Drawing ------------------------------------------------------------ */

static void draw_badge(map_ctx *m, double x, double y, size_t number, map_rgb colour)
{
    cairo_t *cr = m->cr;
    double s = m->s;
    char buf[16];
    snprintf(buf, sizeof buf, "%zu", number);
    cairo_new_path(cr);
    cairo_arc(cr, x, y, 8.5 * s, 0, 2 * M_PI);
    map_set_rgb(cr, colour);
    cairo_fill_preserve(cr);
    map_set_rgb(cr, m->theme->halo);
    cairo_set_line_width(cr, 1.5 * s);
    cairo_stroke(cr);
    map_select_font(cr, 11 * s, 1, 0);
    cairo_text_extents_t te;
    cairo_text_extents(cr, buf, &te);
    cairo_move_to(cr, x - te.x_bearing - te.width / 2, y - te.y_bearing - te.height / 2);
    cairo_set_source_rgb(cr, 1, 1, 1);
    map_show_text(cr, buf);
}

void map_marks_draw(map_ctx *m, map_marks *mk)
{
    cairo_t *cr = m->cr;
    double s = m->s;
    const map_theme *t = m->theme;
    /* displacement: largest first so small circles stay visible */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < mk->n_disp; i++) {
            const map_disp *d = &mk->disp[i];
            if (pass == 0) {
                cairo_new_path(cr);
                cairo_arc(cr, d->cx, d->cy, d->r, 0, 2 * M_PI);
                map_set_rgba(cr, t->displacement, 0.28);
                cairo_fill_preserve(cr);
                map_set_rgb(cr, t->displacement);
                cairo_set_line_width(cr, 1.6 * s);
                cairo_stroke(cr);
            } else if (d->has_flow) {
                double len = hypot(d->fx1 - d->fx0, d->fy1 - d->fy0);
                if (len > 1) {
                    double ux = (d->fx1 - d->fx0) / len, uy = (d->fy1 - d->fy0) / len;
                    double start = fmin(d->r * 0.5, len * 0.3);
                    map_draw_arrow(cr, d->fx0 + ux * start, d->fy0 + uy * start,
                                   d->fx1 - ux * 6 * s, d->fy1 - uy * 6 * s, -0.1, 3 * s, 12 * s,
                                   t->displacement, t->halo);
                }
            }
        }
    }
    for (size_t i = 0; i < mk->n_areas; i++) {
        const map_area *a = &mk->areas[i];
        map_symbol_area(cr, a->cx, a->cy, a->r, 1.6 * s, a->colour, t->halo);
        map_select_font(cr, 20 * s, 1, 0);
        cairo_text_extents_t te;
        cairo_text_extents(cr, "~", &te);
        cairo_move_to(cr, a->cx - te.x_bearing - te.width / 2, a->cy - te.y_bearing - te.height / 2);
        map_set_rgb(cr, a->colour);
        map_show_text(cr, "~");
    }
    for (size_t i = 0; i < mk->n_claims; i++) {
        const map_claim_line *c = &mk->claims[i];
        double dash[2] = {6 * s, 4 * s};
        cairo_new_path(cr);
        cairo_move_to(cr, c->x0, c->y0);
        cairo_line_to(cr, c->x1, c->y1);
        cairo_set_dash(cr, dash, 2, 0);
        map_set_rgb(cr, t->claim);
        cairo_set_line_width(cr, 2 * s);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
    }
    for (size_t i = 0; i < mk->n_towns; i++) {
        const map_town *tw = &mk->towns[i];
        const kvm_place *p = tw->place;
        if (p->kind != KVM_KIND_CITY && !mk->labels[tw->label].placed)
            continue;
        double r = town_dot_r(m, p);
        if (p->kind == KVM_KIND_CAMP)
            map_symbol_camp(cr, tw->cx, tw->cy, r, t->displacement, t->halo);
        else if (p->kind == KVM_KIND_CITY) {
            map_symbol_capture(cr, tw->cx, tw->cy, r, t->halo, t->town);
            cairo_new_path(cr);
            cairo_arc(cr, tw->cx, tw->cy, r * 0.45, 0, 2 * M_PI);
            map_set_rgb(cr, t->town);
            cairo_fill(cr);
        } else
            map_symbol_capture(cr, tw->cx, tw->cy, r, t->town, t->halo);
    }
    for (size_t i = 0; i < mk->n_arrows; i++) {
        const map_arrow *a = &mk->arrows[i];
        map_draw_arrow(cr, a->x0, a->y0, a->x1, a->y1, a->bend, 4 * s, 16 * s, a->colour, t->halo);
    }
    static const map_symbol order[] = {MAP_SYM_HISTORICAL, MAP_SYM_OTHER, MAP_SYM_CLASH,
                                       MAP_SYM_RECAPTURE, MAP_SYM_CAPTURE};
    for (size_t o = 0; o < sizeof order / sizeof order[0]; o++) {
        for (size_t i = 0; i < mk->n_marks; i++) {
            const map_mark *k = &mk->marks[i];
            if (k->symbol != order[o])
                continue;
            switch (k->symbol) {
            case MAP_SYM_CAPTURE:
                map_symbol_capture(cr, k->cx, k->cy, k->r, k->colour, t->halo);
                break;
            case MAP_SYM_RECAPTURE:
                map_symbol_recapture(cr, k->cx, k->cy, k->r, k->colour, t->halo);
                break;
            case MAP_SYM_CLASH:
                map_symbol_star(cr, k->cx, k->cy, k->r, k->colour, t->text);
                break;
            default:
                map_symbol_capture(cr, k->cx, k->cy, k->r, k->colour, t->halo);
                break;
            }
            if (k->clash_too)
                map_symbol_star(cr, k->cx + k->r * 1.1, k->cy - k->r * 1.1, 6 * s, t->clash, t->text);
        }
    }
    for (size_t i = 0; i < mk->n_arrows; i++)
        draw_badge(m, mk->arrows[i].bx, mk->arrows[i].by, mk->arrows[i].advance->sequence,
                   mk->arrows[i].colour);
    for (size_t i = 0; i < mk->n_labels; i++)
        map_draw_label(m, &mk->labels[i]);
}

void map_marks_free(map_marks *mk)
{
    if (!mk)
        return;
    free(mk->marks);
    free(mk->disp);
    free(mk->arrows);
    free(mk->claims);
    free(mk->towns);
    free(mk->areas);
    free(mk->labels);
    free(mk);
}
