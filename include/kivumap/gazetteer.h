/* The gazetteer: the places kivumap knows (the bundled North Kivu table plus
 * user files), looked up by id, by name or alternate spelling (case- and
 * diacritic-insensitive), by similarity ("did you mean") and by distance.
 * File format: gazetteer/README.md and DESIGN §4. */
#ifndef KIVUMAP_GAZETTEER_H
#define KIVUMAP_GAZETTEER_H

#include <stddef.h>

#include "kivumap/core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum kvm_place_kind {
    KVM_KIND_UNKNOWN = 0,
    KVM_KIND_CITY,
    KVM_KIND_TOWN,
    KVM_KIND_VILLAGE,
    KVM_KIND_CAMP,
    KVM_KIND_BORDER_POST,
    KVM_KIND_TERRITORY,
    KVM_KIND_PROVINCE,
    KVM_KIND_COUNTRY,
    KVM_KIND_REGION, /* "eastern Congo", "Great Lakes region": an area with no admin status */
    KVM_KIND_CONTINENT,
    KVM_KIND_LAKE,
    KVM_KIND_RIVER,
    KVM_KIND_PARK,
    KVM_KIND_MOUNTAIN,
    KVM_KIND_COUNT
} kvm_place_kind;

/* "city", "town", ... as written in the CSV `kind` column; "unknown" for
 * KVM_KIND_UNKNOWN. Never NULL. */
const char *kvm_place_kind_name(kvm_place_kind kind);
/* The kind for a CSV name (case-insensitive); KVM_KIND_UNKNOWN if none. */
kvm_place_kind kvm_place_kind_from_name(const char *name);
/* 1 for settlements and points (city, town, village, camp, border post),
 * 0 for areas and features. */
int kvm_place_kind_is_settlement(kvm_place_kind kind);

/* One place.  All strings are UTF-8, never NULL ("" when empty), and owned by
 * whoever returned the place (a gazetteer or an event set). */
typedef struct kvm_place {
    const char *id;        /* stable slug, unique: "masisi-town", "goma" */
    const char *name;      /* preferred English name: "Masisi" */
    const char *alt_names; /* '|'-separated: "Kitchanga|Kichanga" */
    kvm_place_kind kind;
    double lat;            /* WGS84 degrees */
    double lon;
    const char *admin2;    /* territory ("Masisi"), "" for areas above it */
    const char *admin1;    /* province ("North Kivu") */
    const char *country;   /* ISO 3166-1 alpha-2: "CD", "RW", "UG" */
    long long population;  /* 0 = unknown */
    const char *source;    /* where the coordinates come from / were checked */
} kvm_place;

typedef struct kvm_gazetteer kvm_gazetteer;

/* An empty gazetteer. Caller frees with kvm_gazetteer_free. NULL if out of memory. */
kvm_gazetteer *kvm_gazetteer_new(void);
void kvm_gazetteer_free(kvm_gazetteer *gaz); /* accepts NULL */

/* Adds the table compiled into the library (gazetteer/north_kivu.csv). */
kvm_status kvm_gazetteer_load_bundled(kvm_gazetteer *gaz, kvm_error *err);

/* Adds the rows of a file: the kivumap CSV (header row
 * id,name,alt_names,kind,lat,lon,admin2,admin1,country,population,source) or
 * a GeoNames dump (tab-separated, 19 columns, e.g. CD.txt), told apart by
 * shape.  All or nothing: on any bad row nothing is added and err says
 * "FILE:LINE: reason".  A row whose id exists replaces the earlier row. */
kvm_status kvm_gazetteer_load_file(kvm_gazetteer *gaz, const char *path, kvm_error *err);
/* The same from memory; `name` is used in messages. */
kvm_status kvm_gazetteer_load_buffer(kvm_gazetteer *gaz, const char *name, const char *data,
                                     size_t len, kvm_error *err);

size_t kvm_gazetteer_count(const kvm_gazetteer *gaz);
/* Borrowed, valid until the gazetteer is freed or loads more rows. index < count. */
const kvm_place *kvm_gazetteer_place(const kvm_gazetteer *gaz, size_t index);
/* Index of a place of this gazetteer (pointer returned by it), or (size_t)-1. */
size_t kvm_gazetteer_index_of(const kvm_gazetteer *gaz, const kvm_place *place);

/* By exact id. Borrowed; NULL if none. */
const kvm_place *kvm_gazetteer_find_id(const kvm_gazetteer *gaz, const char *id);

/* Every place whose name or an alternate name equals `name` after folding
 * (case, diacritics, apostrophes, hyphens/spaces).  Writes up to `cap`
 * borrowed pointers, best first by the ambiguity rule of
 * kvm_gazetteer_resolve, and returns how many there are in all. */
size_t kvm_gazetteer_lookup(const kvm_gazetteer *gaz, const char *name, const kvm_place **out,
                            size_t cap);

/* What the CLI does with a place argument: an id, else a name.  When several
 * places share the name, picks by the documented rule (README "Ambiguous
 * names": settlements before areas, North Kivu before elsewhere, larger
 * population first, then id) and, if pambiguous is non-NULL, sets it to the
 * number of candidates.  Unknown: KVM_ERR_NOT_FOUND with "unknown place
 * 'Masissi' (did you mean 'Masisi'?)" in err. */
kvm_status kvm_gazetteer_resolve(const kvm_gazetteer *gaz, const char *query,
                                 const kvm_place **pplace, size_t *pambiguous, kvm_error *err);

/* Up to `cap` places whose names are closest to `query` (edit distance on
 * folded names), closest first. Returns the number written. */
size_t kvm_gazetteer_suggest(const kvm_gazetteer *gaz, const char *query, const kvm_place **out,
                             size_t cap);

/* Folds a name for comparison: UTF-8 in, lowercase ASCII-folded out
 * ("Nord-Kivu" -> "nord kivu", "Bénin" -> "benin", "Goma’s" -> "goma's").
 * Writes at most cap-1 bytes plus NUL; returns the folded length. */
size_t kvm_fold_name(const char *name, char *out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* KIVUMAP_GAZETTEER_H */
