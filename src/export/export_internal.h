/* Shared by the export writers (src/export/): a buffered output file with a
 * sticky error, the layer model (fields, values, geometry) the shapefile,
 * GeoJSON and CSV writers serialise, and ACLED lookups.  Not installed. */
#ifndef KIVUMAP_EXPORT_INTERNAL_H
#define KIVUMAP_EXPORT_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "kivumap/core.h"
#include "kivumap/events.h"

/* ---- Buffered output ---------------------------------------------------- */

/* A file written through one large buffer.  Either a file descriptor
 * (random access: writes, seeks and reads, as shapelib needs them) or a
 * FILE* (append only).  The first failure is kept (err_no) and later writes
 * are no-ops. */
typedef struct kvm_xfile {
    int fd; /* -1 when fp is used */
    FILE *fp;
    char *buf;
    size_t cap;
    size_t len;              /* valid bytes in buf */
    unsigned long long base; /* file offset of buf[0] */
    unsigned long long pos;  /* current position */
    unsigned long long size; /* file size as far as known */
    int err_no;              /* first error (errno value), 0 if none */
} kvm_xfile;

/* Opens path for writing (created/truncated, or "r+" when update is 1: kept
 * and read-write).  Returns 0 or an errno value. */
int kvm_xf_open_fd(kvm_xfile *xf, const char *path, int update);
/* Wraps a stream.  Returns 0 or ENOMEM. */
int kvm_xf_open_stream(kvm_xfile *xf, FILE *fp);
void kvm_xf_write(kvm_xfile *xf, const void *data, size_t n);
void kvm_xf_puts(kvm_xfile *xf, const char *s);
void kvm_xf_putc(kvm_xfile *xf, char c);
void kvm_xf_int(kvm_xfile *xf, long long v);
/* Fixed-point decimal, e.g. (29.2228, 6) -> "29.222800"; non-finite -> "0". */
void kvm_xf_fixed(kvm_xfile *xf, double v, int decimals);
size_t kvm_xf_read(kvm_xfile *xf, void *data, size_t n);
void kvm_xf_seek(kvm_xfile *xf, unsigned long long pos);
int kvm_xf_flush(kvm_xfile *xf);
/* Flushes and closes (the fd; a stream is flushed, not closed).  Returns 0
 * or the first errno value met over the file's life. */
int kvm_xf_close(kvm_xfile *xf);

/* Formats v with `decimals` into out (room for 32 bytes); returns length. */
size_t kvm_format_fixed(char *out, double v, int decimals);
size_t kvm_format_int(char *out, long long v);

/* Test hook: after `bytes` more bytes have been written by all kvm_xfiles
 * together, every write fails with ENOSPC; a negative value switches it off.
 * Lets tests inject a full disk into shapelib's writes. */
void kvm_export_set_write_limit(long long bytes);

/* ---- Layer model ---------------------------------------------------------- */

typedef struct kvm_xfield {
    const char *dbf_name;  /* <= 10 characters */
    const char *long_name; /* GeoJSON property / CSV column */
    char type;             /* DBF native type: 'C', 'N', 'D', 'L' */
    int width;
    int decimals;
} kvm_xfield;

typedef struct kvm_xvalue {
    int is_null;
    const char *s; /* 'C' */
    long long i;   /* 'N' with 0 decimals, 'L' (0/1) */
    double d;      /* 'N' with decimals */
    kvm_date date; /* 'D' */
} kvm_xvalue;

enum { KVM_XGEOM_POINT = 1, KVM_XGEOM_LINE = 2 };

/* ---- Shapefile writer (src/export/shapefile.c, the only shapelib user) --- */

typedef struct kvm_shp_writer kvm_shp_writer;

/* Creates <base>.shp/.shx/.dbf/.cpg/.prj (base has no extension; callers
 * pass a temporary base and rename the files).  geom: KVM_XGEOM_*.  fields
 * is borrowed and must outlive the writer; text longer than a field's width
 * is cut on a UTF-8 character boundary. */
kvm_status kvm_shp_writer_open(const char *base, int geom, const kvm_xfield *fields,
                               size_t n_fields, kvm_shp_writer **pwriter, kvm_error *err);
/* Adds a feature; errors are sticky and reported by close. */
void kvm_shp_writer_add(kvm_shp_writer *writer, const kvm_lonlat *points, size_t n_points,
                        const kvm_xvalue *values);
/* Closes every file; on failure removes them and fills err.  Frees writer. */
kvm_status kvm_shp_writer_close(kvm_shp_writer *writer, kvm_error *err);
/* The extensions a layer is made of, NULL-terminated. */
extern const char *const kvm_shp_extensions[];

/* The ESRI WKT of WGS84 written to every .prj. */
extern const char kvm_wgs84_esri_wkt[];

/* ---- GeoJSON (src/export/geojson.c) ------------------------------------ */

void kvm_geojson_begin(kvm_xfile *xf, const char *name);
/* index: 0 for the first feature of the collection (no comma before). */
void kvm_geojson_feature(kvm_xfile *xf, size_t index, const kvm_xfield *fields, size_t n_fields,
                         const kvm_xvalue *values, int geom, const kvm_lonlat *points,
                         size_t n_points);
void kvm_geojson_end(kvm_xfile *xf);
/* A JSON string literal with escapes. */
void kvm_export_json_string(kvm_xfile *xf, const char *s);

/* ---- CSV (src/export/csv.c) -------------------------------------------- */

/* One RFC 4180 field (quoted when it holds , " CR or LF). */
void kvm_csv_field(kvm_xfile *xf, const char *s);
void kvm_csv_header(kvm_xfile *xf, const kvm_xfield *fields, size_t n_fields);
void kvm_csv_row(kvm_xfile *xf, const kvm_xfield *fields, size_t n_fields,
                 const kvm_xvalue *values);
/* events.csv: ACLED columns then ours. */
void kvm_csv_events(kvm_xfile *xf, const kvm_eventset *set);

/* ---- Layers (src/export/export.c) -------------------------------------- */

/* What the events layers need per event, computed once. */
typedef struct kvm_event_row {
    const kvm_event *event;
    kvm_date date;       /* completed (month/day 1 when unknown); year 0 none */
    int time_precision;  /* ACLED 1..3, 0 when no date */
    int geo_precision;   /* 1..3, 0 when no place */
    const char *country; /* ACLED country name, "" if unknown */
    int iso;             /* ISO 3166 numeric, 0 if unknown */
    const char *region;  /* ACLED region, "" if unknown */
    const char *admin1;
    const char *admin2;
    const char *sources;  /* article names joined "; " (points into a scratch buffer) */
    long long fatalities; /* ACLED: 0 when not stated */
} kvm_event_row;

/* Fills row for event i; sources is built in *scratch (reused). */
void kvm_event_row_fill(const kvm_eventset *set, size_t i, kvm_event_row *row, char **scratch,
                        size_t *scratch_cap);
/* ACLED inter code for an actor name (1 state forces ... 8 external/other),
 * 0 if unknown. */
int kvm_acled_inter(const char *actor);

#endif /* KIVUMAP_EXPORT_INTERNAL_H */
