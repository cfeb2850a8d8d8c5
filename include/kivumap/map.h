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
    const char *const *layers; /* user shapefiles "FILE.shp[:style]" */
    size_t n_layers;
} kvm_map_options;

void kvm_map_options_init(kvm_map_options *options);

/* Renders set over the base map to path, atomically (temporary file renamed
 * into place).  gaz supplies the towns drawn for context. */
kvm_status kvm_map_render(const kvm_eventset *set, const kvm_gazetteer *gaz,
                          const kvm_map_options *options, const char *path, kvm_error *err);

#ifdef __cplusplus
}
#endif

#endif /* KIVUMAP_MAP_H */
