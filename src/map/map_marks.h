/* Internal to src/map/: what an event set puts on the map (event symbols,
 * advance arrows, displacement, claims, towns for context), gathered and
 * laid out by marks.c before anything is drawn. */
#ifndef KIVUMAP_MAP_MARKS_H
#define KIVUMAP_MAP_MARKS_H

#include "kivumap/events.h"
#include "kivumap/gazetteer.h"
#include "map/map_draw.h"

typedef enum map_symbol {
    MAP_SYM_HISTORICAL = 1,
    MAP_SYM_OTHER,
    MAP_SYM_CLASH,
    MAP_SYM_CAPTURE,
    MAP_SYM_RECAPTURE
} map_symbol;

/* One event place with its most telling event. */
typedef struct map_mark {
    const kvm_place *place;
    const kvm_event *main;
    size_t main_index;
    map_symbol symbol;
    int rank;
    int clash_too; /* a clash besides the main capture: small star */
    map_rgb colour;
    double cx, cy, r;
    size_t label;
} map_mark;

typedef struct map_disp {
    const kvm_event *event;
    size_t index;
    const kvm_place *at;
    double cx, cy, r;
    int has_flow;
    double fx0, fy0, fx1, fy1;
    const kvm_place *to;
} map_disp;

typedef struct map_arrow {
    const kvm_advance *advance;
    double x0, y0, x1, y1, bend;
    double bx, by; /* number badge */
    map_rgb colour;
} map_arrow;

typedef struct map_claim_line {
    const kvm_claim *claim;
    double x0, y0, x1, y1;
} map_claim_line;

/* An event located only to a territory, drawn as an approximate area at the
 * territory's point (one per territory, its most telling event). */
typedef struct map_area {
    const kvm_place *place;
    const kvm_event *main;
    int rank;
    size_t count; /* events reported for the territory */
    map_rgb colour;
    double cx, cy, r;
    size_t label;
} map_area;

typedef struct map_town {
    const kvm_place *place;
    double cx, cy;
    size_t label;
} map_town;

typedef struct map_marks {
    map_mark *marks;
    size_t n_marks;
    map_disp *disp;
    size_t n_disp;
    map_arrow *arrows;
    size_t n_arrows;
    map_claim_line *claims;
    size_t n_claims;
    map_town *towns;
    size_t n_towns;
    map_area *areas;
    size_t n_areas;
    map_label *labels;
    size_t n_labels;
    map_legend legend;
    map_rect legend_box, inset_box, scale_box, north_box;
    int has_inset;
    char title[240];
    char subtitle[240];
    char sources[600];
    char attribution[400];
    size_t events_drawn, advances_drawn, labels_dropped;
    kvm_date first, last; /* dates of the events drawn (year 0 if none) */
} map_marks;

/* 1 for places drawn as points (settlements, lakes, parks...), 0 for areas
 * (territories, provinces, countries, regions). */
int map_place_is_point(const kvm_place *place);
/* 1 when an event has a point place and is not region-level. */
int map_event_is_point(const kvm_event *event);

kvm_status map_marks_build(map_ctx *m, const kvm_eventset *set, const kvm_gazetteer *gaz,
                           const map_basemap *base, map_marks *mk, kvm_error *err);
void map_marks_draw(map_ctx *m, map_marks *mk);
void map_marks_free(map_marks *mk); /* accepts NULL; frees mk itself */

#endif /* KIVUMAP_MAP_MARKS_H */
