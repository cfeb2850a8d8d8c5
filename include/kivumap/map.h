/* Maps with Cairo: an event set drawn over the bundled base map to PNG, SVG
 * or PDF from one drawing path (DESIGN §7).  Only src/map/ sees cairo. */
#ifndef KIVUMAP_MAP_H
#define KIVUMAP_MAP_H

#include <stddef.h>

#include "kivumap/core.h"
#include "kivumap/events.h"
#include "kivumap/gazetteer.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum kvm_map_format { KVM_MAP_PNG = 0, KVM_MAP_SVG, KVM_MAP_PDF } kvm_map_format;

/* A landscape page instead of a pixel size: A4 = 297 x 210 mm, A3 = 420 x 297 mm. */
typedef enum kvm_map_paper { KVM_PAPER_NONE = 0, KVM_PAPER_A4, KVM_PAPER_A3 } kvm_map_paper;

/* Accepted pixel sizes (width and height), inclusive. */
#define KVM_MAP_MIN_PX 200
#define KVM_MAP_MAX_PX 10000

typedef struct kvm_map_options {
    kvm_map_format format;
    int width_px;            /* 0 = default */
    int height_px;           /* 0 = from the extent's aspect */
    int has_bbox;            /* 0 = fit the events */
    kvm_bbox bbox;
    const char *title;       /* NULL = from the events' date range */
    const char *projection;  /* NULL = UTM 35S (EPSG:32735) */
    const char *theme;       /* "light" (default), "print", "dark" */
    int inset;               /* 1 = locator inset (default) */
    int claims;              /* 1 = draw stated-distance claims */
    const char *basemap_dir; /* NULL = the bundled layers */
    const char *const *layers; /* user shapefiles "FILE.shp[:#rrggbb[,WIDTH]]" */
    size_t n_layers;
    kvm_map_paper paper;     /* KVM_PAPER_NONE = width_px/height_px */
    double dpi;              /* with paper: PNG pixels per inch (0 = 150); PDF/SVG use points */
    kvm_date until;          /* year 0 = every event; else only events dated on or before
                                (undated ones are left out) -- one frame of an animation */
    const char *log_path;    /* NULL = none; else a tab-separated drawing log: where each
                                symbol, label and arrow went, in canvas units (docs/map.md) */
    int svg_text;            /* SVG only: 1 = every text as an editable <text> element (in a
                                <g id="labels"> group on top) instead of glyph outlines */
} kvm_map_options;

/* Defaults: PNG, 1600 px wide, fitted extent, UTM 35S, light theme, inset on. */
void kvm_map_options_init(kvm_map_options *options);

/* "png", "svg", "pdf" or a path ending in .png/.svg/.pdf (case-insensitive).
 * KVM_ERR_INVALID if neither. */
kvm_status kvm_map_format_from_name(const char *name, kvm_map_format *pformat, kvm_error *err);

/* What a render did, for the caller's diagnostics. */
typedef struct kvm_map_result {
    kvm_bbox bbox;              /* lon/lat extent shown */
    int width, height;          /* canvas size (pixels for PNG/SVG, points for PDF) */
    size_t events_drawn;        /* event symbols on the map */
    size_t advances_drawn;
    size_t labels_dropped;      /* town labels left out for lack of room */
    size_t region_notes;        /* region-level or off-map events listed in the legend */
    char missing_layers[256];   /* base layers not found, space-separated ("" if none) */
} kvm_map_result;

/* Renders set over the base map to path, atomically (temporary file in the
 * same directory renamed into place; nothing is left behind on failure).  gaz
 * (may be NULL) supplies the towns drawn for context.  Same input, same bytes. */
kvm_status kvm_map_render(const kvm_eventset *set, const kvm_gazetteer *gaz,
                          const kvm_map_options *options, const char *path, kvm_error *err);
/* The same, also filling *presult (may be NULL). */
kvm_status kvm_map_render_ex(const kvm_eventset *set, const kvm_gazetteer *gaz,
                             const kvm_map_options *options, const char *path,
                             kvm_map_result *presult, kvm_error *err);

/* The extent kvm_map_render fits when options->has_bbox is 0: the events'
 * places with a 15 % margin, at least 0.8 x 0.8 degrees, inside the base
 * map's coverage; North Kivu when there are no events. */
kvm_status kvm_map_fit_bbox(const kvm_eventset *set, const kvm_gazetteer *gaz, kvm_bbox *pbox,
                            kvm_error *err);

/* One cumulative map per distinct event date into dir (created if missing):
 * frame-001.<ext>, frame-002.<ext>, ... all over the same extent.  *pn_frames
 * (may be NULL) gets the number written. */
kvm_status kvm_map_render_frames(const kvm_eventset *set, const kvm_gazetteer *gaz,
                                 const kvm_map_options *options, const char *dir,
                                 size_t *pn_frames, kvm_error *err);

/* Reading PNGs back (tests, tools): size, one pixel (RGBA 0..255), and the
 * difference of two same-size images: mean absolute channel difference
 * (0..255) and the fraction of pixels whose largest channel difference
 * exceeds 64. */
kvm_status kvm_map_png_size(const char *path, int *pwidth, int *pheight, kvm_error *err);
kvm_status kvm_map_png_pixel(const char *path, int x, int y, unsigned char prgba[4],
                             kvm_error *err);
kvm_status kvm_map_png_compare(const char *path_a, const char *path_b, double *pmean_diff,
                               double *pfrac_differing, kvm_error *err);

#ifdef __cplusplus
}
#endif

#endif /* KIVUMAP_MAP_H */
