/* GeoJSON (RFC 7946): a FeatureCollection per layer, WGS84 lon/lat with 6
 * decimals, no "crs" member; a "name" foreign member carries the layer name
 * (GDAL uses it).  Text is written in full (no DBF truncation). */
#include <stdint.h>
#include <string.h>

#include "export/export_internal.h"
#include "util.h"

void kvm_export_json_string(kvm_xfile *xf, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    kvm_xf_putc(xf, '"');
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    const unsigned char *run = p;
    while (*p) {
        unsigned char c = *p;
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            p++;
            continue;
        }
        kvm_xf_write(xf, run, (size_t)(p - run));
        if (c >= 0x80) {
            uint32_t cp;
            size_t n = kvm_utf8_decode(p, strlen((const char *)p), &cp);
            if (cp == 0xFFFD && n == 1)
                kvm_xf_puts(xf, "\xEF\xBF\xBD"); /* invalid byte: U+FFFD */
            else
                kvm_xf_write(xf, p, n);
            p += n;
        } else {
            char esc[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
            switch (c) {
            case '"':
                kvm_xf_puts(xf, "\\\"");
                break;
            case '\\':
                kvm_xf_puts(xf, "\\\\");
                break;
            case '\n':
                kvm_xf_puts(xf, "\\n");
                break;
            case '\r':
                kvm_xf_puts(xf, "\\r");
                break;
            case '\t':
                kvm_xf_puts(xf, "\\t");
                break;
            default:
                kvm_xf_write(xf, esc, 6);
                break;
            }
            p++;
        }
        run = p;
    }
    kvm_xf_write(xf, run, (size_t)(p - run));
    kvm_xf_putc(xf, '"');
}

void kvm_geojson_begin(kvm_xfile *xf, const char *name)
{
    kvm_xf_puts(xf, "{\"type\":\"FeatureCollection\",\"name\":");
    kvm_export_json_string(xf, name);
    kvm_xf_puts(xf, ",\"features\":[");
}

static void position(kvm_xfile *xf, kvm_lonlat p)
{
    kvm_xf_putc(xf, '[');
    kvm_xf_fixed(xf, p.lon, 6);
    kvm_xf_putc(xf, ',');
    kvm_xf_fixed(xf, p.lat, 6);
    kvm_xf_putc(xf, ']');
}

static void value(kvm_xfile *xf, const kvm_xfield *f, const kvm_xvalue *v)
{
    char date[48];
    if (v->is_null) {
        kvm_xf_puts(xf, "null");
        return;
    }
    switch (f->type) {
    case 'C':
        kvm_export_json_string(xf, v->s);
        break;
    case 'N':
        if (f->decimals)
            kvm_xf_fixed(xf, v->d, f->decimals);
        else
            kvm_xf_int(xf, v->i);
        break;
    case 'D':
        snprintf(date, sizeof date, "%04d-%02d-%02d", v->date.year,
                 v->date.month > 0 ? v->date.month : 1, v->date.day > 0 ? v->date.day : 1);
        kvm_export_json_string(xf, date);
        break;
    case 'L':
        kvm_xf_puts(xf, v->i ? "true" : "false");
        break;
    default:
        kvm_xf_puts(xf, "null");
        break;
    }
}

void kvm_geojson_feature(kvm_xfile *xf, size_t index, const kvm_xfield *fields, size_t n_fields,
                         const kvm_xvalue *values, int geom, const kvm_lonlat *points,
                         size_t n_points)
{
    if (index > 0)
        kvm_xf_putc(xf, ',');
    kvm_xf_puts(xf, "\n{\"type\":\"Feature\",\"geometry\":");
    if (geom == KVM_XGEOM_POINT && n_points >= 1) {
        kvm_xf_puts(xf, "{\"type\":\"Point\",\"coordinates\":");
        position(xf, points[0]);
        kvm_xf_putc(xf, '}');
    } else if (geom == KVM_XGEOM_LINE && n_points >= 2) {
        kvm_xf_puts(xf, "{\"type\":\"LineString\",\"coordinates\":[");
        for (size_t i = 0; i < n_points; i++) {
            if (i)
                kvm_xf_putc(xf, ',');
            position(xf, points[i]);
        }
        kvm_xf_puts(xf, "]}");
    } else {
        kvm_xf_puts(xf, "null");
    }
    kvm_xf_puts(xf, ",\"properties\":{");
    for (size_t i = 0; i < n_fields; i++) {
        if (i)
            kvm_xf_putc(xf, ',');
        kvm_export_json_string(xf, fields[i].long_name);
        kvm_xf_putc(xf, ':');
        value(xf, &fields[i], &values[i]);
    }
    kvm_xf_puts(xf, "}}");
}

void kvm_geojson_end(kvm_xfile *xf)
{
    kvm_xf_puts(xf, "\n]}\n");
}
