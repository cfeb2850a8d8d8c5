/* Exports for GIS tools: shapefiles through shapelib (with .prj and .cpg),
 * GeoJSON (RFC 7946) and CSV with ACLED's columns (DESIGN §8).  Every file is
 * written under a temporary name and renamed into place.  Field mapping and
 * formats: docs/export.md. */
#ifndef KIVUMAP_EXPORT_H
#define KIVUMAP_EXPORT_H

#include <stddef.h>
#include <stdio.h>

#include "kivumap/core.h"
#include "kivumap/events.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { KVM_EXPORT_SHP = 1, KVM_EXPORT_GEOJSON = 2, KVM_EXPORT_CSV = 4, KVM_EXPORT_ALL = 7 };

/* Parses a --format list: "shp,geojson,csv" (any subset, any order, "all").
 * Returns a KVM_EXPORT_* mask, or 0 (and fills err) if a word is unknown. */
int kvm_export_parse_formats(const char *text, kvm_error *err);

/* Writes the layers in the chosen formats into dir:
 *   shp:     events, advances, displacement (lines), displacement_points,
 *            places, claims -- each .shp/.shx/.dbf/.prj/.cpg;
 *   geojson: events, advances, displacement (lines and points), places,
 *            claims -- each <layer>.geojson;
 *   csv:     events.csv (ACLED columns, then x_ columns), claims.csv,
 *            advances.csv.
 * Every layer is written even when it has no features, so the set of files
 * is predictable.  dir must exist, or be creatable as one level below an
 * existing parent (mode 0777 & ~umask).  All files are written under
 * temporary names first and renamed only when every one is complete: on
 * failure nothing in dir changes (earlier files stay, temporaries are
 * removed); on success files of the same names are replaced and other files
 * are not touched. */
kvm_status kvm_export_directory(const kvm_eventset *set, const char *dir, int formats,
                                kvm_error *err);

/* events as CSV (ACLED columns then x_ columns, RFC 4180, full text) / as a
 * GeoJSON FeatureCollection, to a stream (used by `extract --format`).
 * Write errors of the stream are reported (KVM_ERR_IO). */
kvm_status kvm_export_events_csv(const kvm_eventset *set, FILE *out, kvm_error *err);
kvm_status kvm_export_events_geojson(const kvm_eventset *set, FILE *out, kvm_error *err);

/* Legs of `kivumap distance A B C -o FILE`: n_points >= 2 stops give
 * n_points - 1 geodesic lines (densified, about one vertex per km, at least
 * 2, at most 2049 per leg) with fields FROM_ID, TO_ID, FROM_NAME, TO_NAME,
 * DIST_KM, AZ1_DEG (layer name LEGS).
 *   path      ends in ".shp" (writes .shp/.shx/.dbf/.prj/.cpg next to it) or
 *             ".geojson"/".json" (one GeoJSON file); anything else is
 *             KVM_ERR_INVALID.  Written atomically.
 *   points    WGS84 lon/lat of each stop (n_points of them).
 *   ids       gazetteer ids of the stops (n_points; may be NULL: "").
 *   names     display names (n_points; may be NULL: the ids).
 *   dist_km   per-leg geodesic length in km (n_points - 1; NULL: computed).
 *   az1_deg   per-leg initial azimuth in degrees (n_points - 1; NULL:
 *             computed).
 * @code
 *   kvm_lonlat pts[2] = {{29.2228, -1.6792}, {28.8227, -1.4025}};
 *   const char *ids[2] = {"goma", "kitshanga"};
 *   kvm_export_legs("legs.shp", pts, ids, NULL, 2, NULL, NULL, &err);
 * @endcode */
kvm_status kvm_export_legs(const char *path, const kvm_lonlat *points, const char *const *ids,
                           const char *const *names, size_t n_points, const double *dist_km,
                           const double *az1_deg, kvm_error *err);

/* Version of ACLED's export columns that events.csv follows (docs/export.md). */
#define KVM_EXPORT_ACLED_COLUMNS_VERSION "ACLED API/export columns, 2023-2025 (31 columns)"

#ifdef __cplusplus
}
#endif

#endif /* KIVUMAP_EXPORT_H */
