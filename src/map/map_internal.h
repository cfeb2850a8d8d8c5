/* Internal to src/map/: the layer model shared by the reader and the
 * renderer, the drawing context, label placement and the frame furniture.
 * Only files in src/map/ include this (and cairo.h). */
#ifndef KIVUMAP_MAP_INTERNAL_H
#define KIVUMAP_MAP_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include <cairo.h>

#include "kivumap/core.h"
#include "kivumap/geodesy.h"
#include "kivumap/map.h"

/* ---- Layers (layer_read.c, layers.c) ----------------------------------- */

typedef enum map_geom_kind { MAP_GEOM_POINT = 0, MAP_GEOM_LINE, MAP_GEOM_POLYGON } map_geom_kind;

/* One shape: parts [first_part, first_part + n_parts) of its layer, and the
 * attributes the renderer uses ("" when the column is absent). */
typedef struct map_feature {
    size_t first_part;
    size_t n_parts;
    char *name; /* NAME / name */
    char *iso2; /* ISO2 / iso_a2 */
    char *ref;  /* REF (road number) */
    char *type; /* TYPE (road type) */
    kvm_bbox box; /* lon/lat bounds */
} map_feature;

/* A layer in WGS84 lon/lat; x/y hold projected canvas-independent metres
 * after map_layer_project (NULL before).  Part i spans vertices
 * part_start[i] .. part_start[i + 1] - 1. */
typedef struct map_layer {
    char *name;
    map_geom_kind kind;
    map_feature *features;
    size_t n_features;
    size_t *part_start; /* n_parts + 1 entries */
    size_t n_parts;
    double *lon;
    double *lat;
    double *x;
    double *y;
    unsigned char *ok; /* per feature: 1 when projected and drawable */
    size_t n_points;
} map_layer;

/* A bundled layer "lakes" from the library's embedded base map, or from
 * basemap_dir/<name>.shp when basemap_dir is non-NULL.  KVM_ERR_NOT_FOUND
 * when the layer is absent.  Caller frees with map_layer_free. */
kvm_status map_layer_read_base(const char *basemap_dir, const char *name, map_layer **player,
                               kvm_error *err);
/* A user shapefile from disk, reprojected to WGS84 when its .prj says so. */
kvm_status map_layer_read_file(const char *shp_path, map_layer **player, kvm_error *err);
void map_layer_free(map_layer *layer);

/* Projects the features whose bounds meet `within` (lon/lat); others are
 * marked not drawable. */
kvm_status map_layer_project(map_layer *layer, const kvm_projection *proj, kvm_bbox within,
                             kvm_error *err);

/* ---- Colours and themes ------------------------------------------------- */

typedef struct map_rgb {
    double r, g, b;
} map_rgb;

typedef struct map_theme {
    const char *name;
    map_rgb paper;       /* canvas around the map */
    map_rgb land_other;  /* neighbouring countries */
    map_rgb land_home;   /* DR Congo */
    map_rgb water;
    map_rgb water_line;
    map_rgb border;
    map_rgb province;
    map_rgb road;
    map_rgb graticule;
    map_rgb text;
    map_rgb text_muted;
    map_rgb halo;
    map_rgb town;
    map_rgb box;          /* legend / inset background */
    map_rgb box_line;
    map_rgb displacement;
    map_rgb historical;
    map_rgb clash;
    map_rgb claim;
} map_theme;

/* NULL name = "light"; NULL if unknown. */
const map_theme *map_theme_find(const char *name);

/* ---- Drawing context ---------------------------------------------------- */

typedef struct map_rect {
    double x, y, w, h;
} map_rect;

/* A label candidate or obstacle registry (labels.c). */
typedef struct map_label {
    const char *key;   /* place id or other key for the log (borrowed) */
    char text[160];    /* first line */
    char text2[160];   /* second line, "" if none */
    double px, py;     /* anchor point (canvas) */
    double gap;        /* distance from the anchor to the text box */
    double size;       /* font size of the first line */
    int bold;
    int italic;
    int priority;      /* higher first */
    int required;      /* never dropped */
    int centered;      /* drawn centred on the anchor (areas), no candidates */
    double dot_r;      /* >0: the anchor's dot must stay free too (optional labels) */
    double spacing;    /* extra letter spacing (country names), canvas units */
    map_rgb colour;
    map_rgb colour2;   /* second line */
    /* result */
    int placed;
    map_rect box;
} map_label;

typedef struct map_ctx {
    cairo_t *cr;
    const kvm_map_options *opt;
    const map_theme *theme;
    kvm_projection *proj;
    double width, height; /* canvas units (px for PNG/SVG, pt for PDF) */
    double s;             /* size scale: 1 at 1600 units wide */
    map_rect area;        /* the map frame on the canvas */
    double x0, y0, x1, y1; /* projected extent shown in the frame (metres) */
    double k;             /* canvas units per projected metre */
    kvm_bbox geo;         /* lon/lat box covering the frame */
    FILE *log;            /* drawing log, NULL if none */
    /* collision registry */
    map_rect *obstacles;
    size_t n_obstacles, cap_obstacles;
    map_rect *taken; /* placed label boxes */
    size_t n_taken, cap_taken;
    int failed; /* allocation failure in the registries (sticky) */
} map_ctx;

/* Projected metres -> canvas. */
static inline double map_cx(const map_ctx *m, double x)
{
    return m->area.x + (x - m->x0) * m->k;
}
static inline double map_cy(const map_ctx *m, double y)
{
    return m->area.y + (m->y1 - y) * m->k;
}
/* lon/lat -> canvas; returns 0 on success. */
int map_lonlat_to_canvas(const map_ctx *m, double lon, double lat, double *pcx, double *pcy);

void map_set_rgb(cairo_t *cr, map_rgb c);
void map_set_rgba(cairo_t *cr, map_rgb c, double alpha);
void map_select_font(cairo_t *cr, double size, int bold, int italic);
/* Text width and height (ascent + descent) for the current font. */
void map_text_size(cairo_t *cr, const char *text, double *pw, double *ph);
/* Text with a halo, baseline-left at (x, y). */
void map_text_halo(const map_ctx *m, const char *text, double x, double y, map_rgb fill,
                   map_rgb halo, double halo_width);

/* ---- Editable SVG text (svgtext.c) -------------------------------------- */

/* With kvm_map_options.svg_text, text is not drawn by cairo (which writes
 * glyph outlines) but recorded while drawing and written as <text> elements
 * after cairo's SVG.  The list is attached to the cairo context, so every
 * text call site works unchanged on the other surfaces. */
typedef struct map_text_list map_text_list;

typedef enum map_anchor { MAP_ANCHOR_START = 0, MAP_ANCHOR_MIDDLE, MAP_ANCHOR_END } map_anchor;

map_text_list *map_text_list_new(void); /* NULL when out of memory */
void map_text_list_free(map_text_list *list); /* accepts NULL */
/* From now on text drawn on cr goes to list (borrowed; it must outlive cr). */
void map_text_attach(cairo_t *cr, map_text_list *list);
int map_text_list_failed(const map_text_list *list); /* 1 after an allocation failure */
/* <g id="labels" ...> with one <text> per recorded text, in drawing order;
 * 0 on success, -1 on a write error. */
int map_text_list_write(const map_text_list *list, FILE *out);
/* cairo_show_text at the current point with the current font, source and
 * transformation, or recorded when a list is attached. */
void map_show_text(cairo_t *cr, const char *text);
/* A label line with a halo, baseline at y.  `anchor` says whether x is the
 * start, middle or end of the text (the SVG keeps the label attached to its
 * point in a substitute font); x_start is where cairo draws it (left edge).
 * spacing > 0: extra letter spacing. */
void map_text_halo_anchored(const map_ctx *m, const char *text, double x_start, double width,
                            map_anchor anchor, double y, map_rgb fill, map_rgb halo,
                            double halo_alpha, double halo_width, double spacing);

/* ---- Layers drawing (layers.c, basemap.c) ------------------------------- */

/* Adds the paths of a projected layer's drawable features to the current
 * path (polygons closed; points skipped). feature = (size_t)-1 for all. */
void map_layer_path(const map_ctx *m, const map_layer *layer, size_t feature);
/* Parses "FILE.shp[:#rrggbb[,width]]": the path part (caller frees) and a style. */
kvm_status map_parse_layer_spec(const char *spec, char **ppath, map_rgb *pcolour, double *pwidth,
                                kvm_error *err);

/* ---- Labels (labels.c) -------------------------------------------------- */

void map_add_obstacle(map_ctx *m, map_rect r);
int map_rect_overlap(map_rect a, map_rect b);
/* Places labels by priority (required ones always), fills placed/box. */
void map_place_labels(map_ctx *m, map_label *labels, size_t n);
void map_draw_label(const map_ctx *m, const map_label *label);

#endif /* KIVUMAP_MAP_INTERNAL_H */
