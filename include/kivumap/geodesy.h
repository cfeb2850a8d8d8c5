/* Geodesy on the WGS84 ellipsoid through PROJ: distances, azimuths, compass
 * directions, points along geodesics, and map projections.  Only
 * src/geodesy.c sees PROJ; everything here is plain C values. */
#ifndef KIVUMAP_GEODESY_H
#define KIVUMAP_GEODESY_H

#include <stddef.h>

#include "kivumap/core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Geodesic inverse problem from a to b on WGS84 (PROJ's geod_inverse):
 * distance in kilometres (accurate to ~15 nm), initial azimuth at a and final
 * azimuth at b in degrees clockwise from north, in (-180, 180].  Optional
 * out-parameters may be NULL.  Coordinates out of range give KVM_ERR_INVALID.
 *
 *   double km, az;
 *   kvm_geodesic_inverse(goma, masisi, &km, &az, NULL);  // ~4x km, az ~ -6x deg
 */
kvm_status kvm_geodesic_inverse(kvm_lonlat a, kvm_lonlat b, double *pdist_km, double *paz1_deg,
                                double *paz2_deg);

/* Unchecked variant for hot loops whose inputs were validated already. */
void kvm_geodesic_inverse_unchecked(kvm_lonlat a, kvm_lonlat b, double *pdist_km,
                                    double *paz1_deg, double *paz2_deg);

/* Direct problem: the point dist_km from a along azimuth az_deg. */
kvm_status kvm_geodesic_direct(kvm_lonlat a, double az_deg, double dist_km, kvm_lonlat *pend);

/* Writes n >= 2 points evenly spaced along the geodesic from a to b (first =
 * a, last = b) into out. */
kvm_status kvm_geodesic_densify(kvm_lonlat a, kvm_lonlat b, size_t n, kvm_lonlat *out);

/* 16-point compass name for an azimuth in degrees: "N", "NNE", ..., "NNW".
 * Static string. */
const char *kvm_compass16(double az_deg);
/* Long form for sentences: "north", "north-northeast", ... Static string. */
const char *kvm_compass16_long(double az_deg);
/* Azimuth in degrees (0 = north) for a compass word as articles write it:
 * "north", "N", "north-west", "northwest", "NW", "nord", "nord-ouest"...;
 * returns 0 on success, -1 if the word is not a direction. */
int kvm_compass_parse(const char *word, double *paz_deg);

/* A map projection from WGS84 lon/lat to a projected CRS, made once and used
 * for many points. */
typedef struct kvm_projection kvm_projection;

/* crs: anything PROJ accepts ("EPSG:32735", "+proj=utm +zone=35 +south",
 * WKT).  Caller frees with kvm_projection_free. */
kvm_status kvm_projection_new(const char *crs, kvm_projection **pproj, kvm_error *err);
void kvm_projection_free(kvm_projection *proj); /* accepts NULL */
/* lon/lat degrees -> projected x/y (metres for UTM). */
kvm_status kvm_projection_forward(const kvm_projection *proj, kvm_lonlat in, double *px,
                                  double *py);
/* In-place for n points: xs/ys hold lon/lat on entry and x/y on return. */
kvm_status kvm_projection_forward_many(const kvm_projection *proj, double *xs, double *ys,
                                       size_t n);
kvm_status kvm_projection_inverse(const kvm_projection *proj, double x, double y,
                                  kvm_lonlat *pout);

/* Reprojects points from any CRS PROJ knows (e.g. a shapefile's .prj WKT) to
 * WGS84 lon/lat, in place.  Used for user layers. */
kvm_status kvm_reproject_to_wgs84(const char *source_crs, double *xs, double *ys, size_t n,
                                  kvm_error *err);

#ifdef __cplusplus
}
#endif

#endif /* KIVUMAP_GEODESY_H */
