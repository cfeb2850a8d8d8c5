/* Fuzz harness for the value parsers the CLI feeds with user text: numbers,
 * LAT,LON, bounding boxes and dates.  Any input must give KVM_OK with values
 * in range, or an error with a message; never a crash or an out-of-range
 * value. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kivumap/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    kvm_error err;
    double v;
    if (kvm_parse_double(text, &v, &err) == KVM_OK && !isfinite(v))
        abort();
    kvm_lonlat p;
    if (kvm_parse_latlon(text, &p, &err) == KVM_OK &&
        !(p.lat >= -90 && p.lat <= 90 && p.lon >= -180 && p.lon <= 180))
        abort();
    kvm_bbox b;
    if (kvm_parse_bbox(text, &b, &err) == KVM_OK && !(b.west < b.east && b.south < b.north))
        abort();
    kvm_date d;
    char buf[11];
    if (kvm_parse_date(text, &d, &err) == KVM_OK) {
        kvm_date_format(d, buf);
        if (strncmp(buf, text, strlen(buf)) != 0)
            abort();
    }
    free(text);
    return 0;
}
