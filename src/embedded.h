/* Files compiled into the library from gazetteer/ (see cmake/embed.cmake):
 * "north_kivu.csv", "basemap/lakes.shp", ... */
#ifndef KIVUMAP_EMBEDDED_H
#define KIVUMAP_EMBEDDED_H

#include <stddef.h>

/* The bytes of an embedded file (NUL-terminated after len bytes) or NULL. Static. */
const unsigned char *kvm_embedded_find(const char *name, size_t *plen);
/* Name of the index-th embedded file, NULL past the end (for listing). */
const char *kvm_embedded_name(size_t index);

#endif /* KIVUMAP_EMBEDDED_H */
