/* kivumap core: status codes, the caller-supplied error record, small value
 * types (coordinates, boxes, dates) and the strict parsers for them that every
 * module and the CLI share.  Nothing here allocates. */
#ifndef KIVUMAP_CORE_H
#define KIVUMAP_CORE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KVM_VERSION_MAJOR 0
#define KVM_VERSION_MINOR 1
#define KVM_VERSION_PATCH 0
#define KVM_VERSION_STRING "0.1.0"

/* Every function that can fail returns one of these; KVM_OK is 0. */
typedef enum kvm_status {
    KVM_OK = 0,
    KVM_ERR_NOMEM,     /* an allocation failed or a size overflowed */
    KVM_ERR_IO,        /* a file could not be opened, read, written or renamed */
    KVM_ERR_PARSE,     /* malformed input; the message names file:line[:column] */
    KVM_ERR_INVALID,   /* an argument value is out of range or malformed */
    KVM_ERR_NOT_FOUND, /* an unknown place or id */
    KVM_ERR_AMBIGUOUS, /* reserved for callers that refuse to choose */
    KVM_ERR_PROJ,      /* PROJ refused a CRS or a transformation */
    KVM_ERR_RENDER,    /* cairo reported an error */
    KVM_ERR_LIMIT      /* a documented resource limit was exceeded */
} kvm_status;

/* Details of a failure.  Functions fill it only when they fail and only when
 * the pointer is non-NULL.  The message is one line, lowercase, problem first,
 * subject quoted: "cannot open 'a.txt': No such file or directory". */
typedef struct kvm_error {
    kvm_status code;
    char message[512];
} kvm_error;

/* Static English text for a status, e.g. "out of memory". Never NULL. */
const char *kvm_status_to_string(kvm_status status);

/* Sets *err (if non-NULL) to code and a printf-style message; returns code so
 * callers can write `return kvm_error_set(err, KVM_ERR_IO, ...)`. */
kvm_status kvm_error_set(kvm_error *err, kvm_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* A WGS84 position in degrees: lon in [-180, 180], lat in [-90, 90]. */
typedef struct kvm_lonlat {
    double lon;
    double lat;
} kvm_lonlat;

/* A geographic box in degrees, west < east, south < north (no antimeridian
 * crossing: the project's area never needs it). */
typedef struct kvm_bbox {
    double west;
    double south;
    double east;
    double north;
} kvm_bbox;

/* A calendar date; month or day are 0 when unknown (year-only or month-only
 * dates).  year 0 means no date at all. */
typedef struct kvm_date {
    int year;
    int month;
    int day;
} kvm_date;

/* Strict number parser: the whole string must be a finite decimal number
 * (no hex, no inf/nan, no trailing text, no overflow to infinity). */
kvm_status kvm_parse_double(const char *text, double *pvalue, kvm_error *err);

/* "LAT,LON" (spaces allowed around the comma), lat in [-90, 90], lon in
 * [-180, 180].  Example: "-1.6792,29.2228" is Goma. */
kvm_status kvm_parse_latlon(const char *text, kvm_lonlat *ppos, kvm_error *err);

/* "WEST,SOUTH,EAST,NORTH" in degrees, each in range, west < east and
 * south < north. */
kvm_status kvm_parse_bbox(const char *text, kvm_bbox *pbox, kvm_error *err);

/* "YYYY-MM-DD", "YYYY-MM" or "YYYY"; checks the day exists in that month. */
kvm_status kvm_parse_date(const char *text, kvm_date *pdate, kvm_error *err);

/* Writes "YYYY-MM-DD" (or "YYYY-MM", "YYYY", "" for no date) into buf, which
 * must hold at least 11 bytes.  Returns buf. */
char *kvm_date_format(kvm_date date, char *buf);

/* <0, 0, >0 like strcmp; unknown components sort first. */
int kvm_date_compare(kvm_date a, kvm_date b);

/* Days since 1970-01-01 for a complete date (month/day 0 count as 1). */
long kvm_date_to_days(kvm_date date);
kvm_date kvm_date_from_days(long days);
/* 0 = Monday ... 6 = Sunday, for a complete date. */
int kvm_date_weekday(kvm_date date);

#ifdef __cplusplus
}
#endif

#endif /* KIVUMAP_CORE_H */
