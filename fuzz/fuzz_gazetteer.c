/* Fuzz harness: the gazetteer CSV loader (and GeoNames detection by shape).
 * A file is loaded all or nothing: on failure the count must not change and
 * the message must name the file. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kivumap/kivumap.h"

/* fuzz_geonames.c reuses this harness under another file name */
#ifndef FUZZ_GAZETTEER_NAME
#define FUZZ_GAZETTEER_NAME "fuzz.csv"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kvm_gazetteer *gaz = kvm_gazetteer_new();
    if (!gaz)
        return 0;
    kvm_error err = {0};
    size_t before = kvm_gazetteer_count(gaz);
    kvm_status st =
        kvm_gazetteer_load_buffer(gaz, FUZZ_GAZETTEER_NAME, (const char *)data, size, &err);
    if (st != KVM_OK) {
        if (kvm_gazetteer_count(gaz) != before || strstr(err.message, FUZZ_GAZETTEER_NAME) == NULL)
            abort();
    } else {
        /* every loaded place is valid and findable by id */
        for (size_t i = 0; i < kvm_gazetteer_count(gaz); i++) {
            const kvm_place *p = kvm_gazetteer_place(gaz, i);
            if (!(p->lat >= -90 && p->lat <= 90 && p->lon >= -180 && p->lon <= 180))
                abort();
            if (kvm_gazetteer_find_id(gaz, p->id) == NULL)
                abort();
            const kvm_place *found[4];
            kvm_gazetteer_lookup(gaz, p->name, found, 4);
        }
        const kvm_place *best = NULL;
        kvm_gazetteer_resolve(gaz, "Goma", &best, NULL, &err);
    }
    kvm_gazetteer_free(gaz);
    return 0;
}
