/* Internal to src/map/: the base map, legend and frame furniture that
 * map.c composes.  See map_internal.h for the drawing context. */
#ifndef KIVUMAP_MAP_DRAW_H
#define KIVUMAP_MAP_DRAW_H

#include "map/map_internal.h"

/* ---- Base map (basemap.c) ----------------------------------------------- */

enum {
    MAP_BASE_COUNTRIES = 0,
    MAP_BASE_LAKES,
    MAP_BASE_RIVERS,
    MAP_BASE_BORDERS,
    MAP_BASE_PROVINCE,
    MAP_BASE_ADMIN1,
    MAP_BASE_ROADS,
    MAP_BASE_REGION,
    MAP_BASE_COUNT
};

typedef struct map_basemap {
    map_layer *layer[MAP_BASE_COUNT]; /* NULL when missing */
    int missing[MAP_BASE_COUNT];
} map_basemap;

const char *map_base_name(int which);
/* Loads every base layer that exists (dir NULL = bundled). */
kvm_status map_basemap_load(map_basemap *base, const char *dir, kvm_error *err);
void map_basemap_free(map_basemap *base);
kvm_status map_basemap_project(map_basemap *base, const kvm_projection *proj, kvm_bbox within,
                               kvm_error *err);
int map_basemap_coverage(const map_basemap *base, kvm_bbox *pbox);

void map_draw_land(map_ctx *m, const map_basemap *base);
void map_draw_water(map_ctx *m, const map_basemap *base);
void map_draw_boundaries(map_ctx *m, const map_basemap *base);
void map_draw_roads(map_ctx *m, const map_basemap *base);
int map_polygon_anchor(const map_ctx *m, const map_layer *l, size_t i, double *pcx, double *pcy);

/* ---- Legend and furniture (legend.c) ------------------------------------ */

typedef enum map_legend_kind {
    MAP_LEG_CAPTURE = 0, /* filled circle in the actor colour */
    MAP_LEG_RECAPTURE,   /* filled square */
    MAP_LEG_CLASH,       /* star */
    MAP_LEG_HISTORICAL,  /* muted circle */
    MAP_LEG_ADVANCE,     /* arrow in the actor colour */
    MAP_LEG_DISPLACED,   /* proportional circle */
    MAP_LEG_FLOW,        /* orange arrow */
    MAP_LEG_CLAIM,       /* dashed line */
    MAP_LEG_CITY,
    MAP_LEG_TOWN,
    MAP_LEG_CAMP,
    MAP_LEG_ROAD,
    MAP_LEG_BORDER,
    MAP_LEG_PROVINCE,
    MAP_LEG_USER_LAYER,
    MAP_LEG_AREA,        /* hatched dashed circle: an event located only to an area */
    MAP_LEG_NOTE /* a line of text only (region-level reports) */
} map_legend_kind;

typedef struct map_legend_item {
    map_legend_kind kind;
    map_rgb colour;
    char text[200];
} map_legend_item;

typedef struct map_legend {
    map_legend_item items[64];
    size_t n;
    char note_title[80];
    map_legend_item notes[8];
    size_t n_notes;
} map_legend;

void map_legend_add(map_legend *leg, map_legend_kind kind, map_rgb colour, const char *text);
void map_legend_note(map_legend *leg, const char *text);
/* Size of the legend box on the canvas. */
void map_legend_measure(map_ctx *m, const map_legend *leg, double *pw, double *ph);
void map_legend_draw(map_ctx *m, const map_legend *leg, map_rect box);

/* Symbols shared by the legend and the map. */
void map_symbol_capture(cairo_t *cr, double x, double y, double r, map_rgb fill, map_rgb ring);
void map_symbol_recapture(cairo_t *cr, double x, double y, double r, map_rgb fill, map_rgb ring);
void map_symbol_star(cairo_t *cr, double x, double y, double r, map_rgb fill, map_rgb ring);
void map_symbol_camp(cairo_t *cr, double x, double y, double r, map_rgb fill, map_rgb ring);
/* An approximate location: a hatched circle with a dashed outline of width
 * `line` in `colour` (on a `halo` casing). */
void map_symbol_area(cairo_t *cr, double x, double y, double r, double line, map_rgb colour,
                     map_rgb halo);
/* An arrow along a quadratic curve from (x0,y0) to (x1,y1) bending by
 * `bend` (fraction of the length, to the left); head at the end. */
void map_draw_arrow(cairo_t *cr, double x0, double y0, double x1, double y1, double bend,
                    double width, double head, map_rgb colour, map_rgb casing);
/* Point t in [0,1] along that curve. */
void map_arrow_point(double x0, double y0, double x1, double y1, double bend, double t,
                     double *px, double *py);

/* Scale bar with a round geodesic length measured along the frame's lower
 * part; returns its box. */
map_rect map_scalebar_measure(map_ctx *m);
void map_scalebar_draw(map_ctx *m, map_rect box);
/* North arrow pointing to true north at the frame centre. */
void map_north_arrow_draw(map_ctx *m, map_rect box);
/* Locator: the base map's countries with the frame outlined. */
void map_inset_draw(map_ctx *m, const map_basemap *base, map_rect box);
/* Graticule lines, and degree labels outside the frame. */
void map_graticule_draw(map_ctx *m);

#endif /* KIVUMAP_MAP_DRAW_H */
