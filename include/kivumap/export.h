/* Exports for GIS tools: shapefiles through shapelib (with .prj and .cpg),
 * GeoJSON (RFC 7946) and CSV with ACLED's columns (DESIGN §8).  Every file is
 * written under a temporary name and renamed into place. */
#ifndef KIVUMAP_EXPORT_H
#define KIVUMAP_EXPORT_H

#include <stdio.h>

#include "kivumap/core.h"
#include "kivumap/events.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { KVM_EXPORT_SHP = 1, KVM_EXPORT_GEOJSON = 2, KVM_EXPORT_CSV = 4, KVM_EXPORT_ALL = 7 };

/* Writes the layers (events, advances, displacement, places, claims) in the
 * chosen formats into dir, which must exist. */
kvm_status kvm_export_directory(const kvm_eventset *set, const char *dir, int formats,
                                kvm_error *err);

/* events as CSV (ACLED columns then x_ columns) / as a GeoJSON
 * FeatureCollection, to a stream. */
kvm_status kvm_export_events_csv(const kvm_eventset *set, FILE *out, kvm_error *err);
kvm_status kvm_export_events_geojson(const kvm_eventset *set, FILE *out, kvm_error *err);

#ifdef __cplusplus
}
#endif

#endif /* KIVUMAP_EXPORT_H */
