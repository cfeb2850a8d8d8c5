/* kivumap distance: geodesic distances on WGS84 (PROJ's geod_inverse)
 * between places given by id, name or LAT,LON.  Three modes:
 *   legs    A B [C ...]: each leg, its initial azimuth and compass direction,
 *           a sentence, and the total (table, CSV or JSON);
 *   matrix  --matrix / --all: a square CSV matrix of all pairs;
 *   pairs   --pairs FILE: one result line per input line, streaming, for
 *           millions of pairs (no allocation per line, names cached, numbers
 *           written by a fixed-point formatter instead of printf). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

static const char usage[] =
    "usage: kivumap distance PLACE PLACE [PLACE...] [options]\n"
    "       kivumap distance --matrix PLACE PLACE [PLACE...]\n"
    "       kivumap distance --matrix --all\n"
    "       kivumap distance --pairs FILE\n"
    "       kivumap distance --within KM PLACE [--kind KIND] (as 'kivumap places')\n"
    "\n"
    "Geodesic distances on the WGS84 ellipsoid (PROJ's geod_inverse, exact to\n"
    "the nanometre).  A PLACE is a gazetteer id ('masisi-town'), a name or\n"
    "alternate name ('Masisi', 'kitchanga'; case and accents ignored) or\n"
    "coordinates 'LAT,LON' in decimal degrees ('-1.6792,29.2228').  When a name\n"
    "belongs to several places the first by this rule is used and a note on\n"
    "standard error names the others: settlements before areas, North Kivu\n"
    "before elsewhere, larger population first, then id.  Pass an id to choose.\n"
    "\n"
    "With two or more places, prints each leg: its length, the initial\n"
    "azimuth (bearing from the leg's start, clockwise from north), the compass\n"
    "direction and a sentence ('Masisi is 47.0 km W-NW of Goma'), then the\n"
    "total.\n"
    "\n"
    "options:\n"
    "  --format FORMAT   table (default; km to 0.1, bearing 0-360), csv or json\n"
    "                    (km to 0.001, az1_deg/az2_deg in (-180, 180])\n"
    "  --matrix          all pairs of the given places as a CSV matrix: a header\n"
    "                    row of ids, then one row per place (km to 0.001)\n"
    "  --all             with --matrix: every place of the gazetteer\n"
    "  --pairs FILE      read pairs, one per line 'A<TAB>B' (ids, names or\n"
    "                    LAT,LON; '-' = standard input), write CSV lines\n"
    "                    from,to,dist_km,az1_deg,az2_deg (km to 0.000001, i.e.\n"
    "                    millimetres; degrees to 0.000001) after a header row.\n"
    "                    Blank lines are skipped; the first bad line stops the\n"
    "                    run with FILE:LINE and exit status 1 (lines before it\n"
    "                    have been written)\n"
    "  -o, --output FILE write the legs as lines to FILE.shp or FILE.geojson\n"
    "  --within KM PLACE every place at most KM km from PLACE, nearest first\n"
    "                    (the same as 'kivumap places --within KM PLACE')\n"
    "  --gazetteer FILE  also load FILE (kivumap CSV or GeoNames dump); repeatable\n"
    "  -h, --help        show this help\n"
    "\n"
    "exit status: 0 success, 1 unknown place or other failure, 2 usage error.\n"
    "\n"
    "examples:\n"
    "  kivumap distance goma masisi-town\n"
    "  kivumap distance Goma Sake Kitshanga --format json\n"
    "  kivumap distance -1.6792,29.2228 -0.4911,29.4731\n"
    "  kivumap distance --matrix goma sake bukavu\n"
    "  printf 'goma\\tbukavu\\n' | kivumap distance --pairs -\n";

enum output_format { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON };

typedef struct options {
    enum output_format format;
    int format_given;
    int matrix;
    int all;
    const char *pairs;
    const char *output;
    const char **gazetteers;
    size_t n_gazetteers;
    const char **places;
    size_t n_places;
} options;

/* One resolved place argument. */
typedef struct stop {
    kvm_lonlat pos;
    const char *id;    /* gazetteer id, or "" for coordinates */
    const char *name;  /* display name, or the LAT,LON text */
    const char *label; /* id, or the LAT,LON text (matrix headers) */
} stop;

/* ---- fast output -------------------------------------------------------- */

/* A large output buffer written with fwrite: far fewer calls than stdio's
 * per-character path, and no locking per number. */
typedef struct writer {
    char *buf;
    size_t len;
    size_t cap;
    int failed;
} writer;

#define WRITER_CAP ((size_t)1 << 18)
#define WRITER_SLACK 4096 /* one line or one matrix cell always fits */

static void writer_flush(writer *w)
{
    if (w->len > 0 && !w->failed && fwrite(w->buf, 1, w->len, stdout) != w->len)
        w->failed = 1;
    w->len = 0;
}

/* Room for `need` more bytes (need <= WRITER_SLACK). */
static char *writer_reserve(writer *w, size_t need)
{
    if (w->len + need > w->cap)
        writer_flush(w);
    return w->buf + w->len;
}

static void writer_put(writer *w, const char *s, size_t n)
{
    if (n > WRITER_SLACK) {
        writer_flush(w);
        if (!w->failed && fwrite(s, 1, n, stdout) != n)
            w->failed = 1;
        return;
    }
    memcpy(writer_reserve(w, n), s, n);
    w->len += n;
}

static const uint64_t powers_of_ten[] = {
    1ULL,      10ULL,      100ULL,      1000ULL,      10000ULL,
    100000ULL, 1000000ULL, 10000000ULL, 100000000ULL, 1000000000ULL,
};

/* Writes v with `decimals` (0..9) digits after the point into out and
 * returns the end.  |v| must be below 1e9 (distances on Earth are below
 * 20,004 km, angles below 360).  Rounds half away from zero on the scaled
 * value, which agrees with printf("%.*f") except on exact binary ties. */
static char *put_fixed(char *out, double v, int decimals)
{
    char digits[32];
    int n = 0;
    int negative = v < 0;
    double scaled = (negative ? -v : v) * (double)powers_of_ten[decimals] + 0.5;
    uint64_t r = (uint64_t)scaled;
    if (r == 0)
        negative = 0; /* no "-0.000" */
    uint64_t whole = r / powers_of_ten[decimals], frac = r % powers_of_ten[decimals];
    if (negative)
        *out++ = '-';
    do {
        digits[n++] = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    while (n)
        *out++ = digits[--n];
    if (decimals > 0) {
        *out++ = '.';
        for (int i = decimals - 1; i >= 0; i--) {
            out[i] = (char)('0' + frac % 10);
            frac /= 10;
        }
        out += decimals;
    }
    return out;
}

/* A CSV field (quoted when needed) into out; returns the end.  out must have
 * room for 2 * strlen(s) + 2 bytes. */
static char *put_csv(char *out, const char *s, size_t len)
{
    if (!memchr(s, ',', len) && !memchr(s, '"', len) && !memchr(s, '\n', len) &&
        !memchr(s, '\r', len)) {
        memcpy(out, s, len);
        return out + len;
    }
    *out++ = '"';
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            *out++ = '"';
        *out++ = s[i];
    }
    *out++ = '"';
    return out;
}

static void writer_csv(writer *w, const char *s)
{
    size_t len = strlen(s);
    if (2 * len + 2 > WRITER_SLACK) {
        writer_put(w, "\"(too long)\"", 12);
        return;
    }
    char *p = writer_reserve(w, 2 * len + 2);
    w->len = (size_t)(put_csv(p, s, len) - w->buf);
}

/* ---- place arguments ---------------------------------------------------- */


/* Resolves a PLACE argument; prints the error and returns 1 on failure. */
static int resolve_stop(const kvm_gazetteer *gaz, const char *text, stop *out)
{
    kvm_error err = {0};
    if (cli_looks_like_coordinates(text)) {
        if (kvm_parse_latlon(text, &out->pos, &err) != KVM_OK)
            return cli_fail(&err);
        out->id = "";
        out->name = text;
        out->label = text;
        return 0;
    }
    const kvm_place *pl;
    size_t n = 0;
    if (kvm_gazetteer_resolve(gaz, text, &pl, &n, &err) != KVM_OK)
        return cli_fail(&err);
    if (n > 1)
        cli_warn_ambiguous(gaz, text, pl);
    out->pos.lon = pl->lon;
    out->pos.lat = pl->lat;
    out->id = pl->id;
    out->name = pl->name;
    out->label = pl->id;
    return 0;
}

/* ---- legs --------------------------------------------------------------- */

typedef struct leg {
    double dist_km;
    double az1_deg;
    double az2_deg;
} leg;

/* "WNW" -> "W-NW" as newspapers write it; "NW" and "W" unchanged. */
static void compass_words(double az_deg, char *buf, size_t cap)
{
    const char *c = kvm_compass16(az_deg);
    if (strlen(c) == 3)
        snprintf(buf, cap, "%c-%s", c[0], c + 1);
    else
        snprintf(buf, cap, "%s", c);
}

static void leg_sentence(const stop *a, const stop *b, const leg *l, char *buf, size_t cap)
{
    char dir[8];
    if (l->dist_km < 0.05) {
        snprintf(buf, cap, "%s is at %s", b->name, a->name);
        return;
    }
    compass_words(l->az1_deg, dir, sizeof dir);
    snprintf(buf, cap, "%s is %.1f km %s of %s", b->name, l->dist_km, dir, a->name);
}

static double bearing_360(double az)
{
    return az < 0 ? az + 360.0 : az;
}

static void print_legs_table(const stop *stops, const leg *legs, size_t n_legs, double total)
{
    size_t wf = 4, wt = 2, wk = 2;
    char num[64], sentence[512];
    for (size_t i = 0; i < n_legs; i++) {
        size_t w = cli_display_width(stops[i].name);
        wf = w > wf ? w : wf;
        w = cli_display_width(stops[i + 1].name);
        wt = w > wt ? w : wt;
        snprintf(num, sizeof num, "%.1f", legs[i].dist_km);
        wk = strlen(num) > wk ? strlen(num) : wk;
    }
    snprintf(num, sizeof num, "%.1f", total);
    wk = strlen(num) > wk ? strlen(num) : wk;
    wf = wf < 5 ? 5 : wf; /* "total" */
    cli_put_padded("FROM", wf, 0);
    fputs("  ", stdout);
    cli_put_padded("TO", wt, 0);
    fputs("  ", stdout);
    cli_put_padded("KM", wk, 1);
    fputs("  BEARING  DIRECTION\n", stdout);
    for (size_t i = 0; i < n_legs; i++) {
        cli_put_padded(stops[i].name, wf, 0);
        fputs("  ", stdout);
        cli_put_padded(stops[i + 1].name, wt, 0);
        fputs("  ", stdout);
        snprintf(num, sizeof num, "%.1f", legs[i].dist_km);
        cli_put_padded(num, wk, 1);
        snprintf(num, sizeof num, "%.1f", bearing_360(legs[i].az1_deg));
        fputs("  ", stdout);
        cli_put_padded(num, 7, 1);
        printf("  %s\n", kvm_compass16(legs[i].az1_deg));
    }
    if (n_legs > 1) {
        cli_put_padded("total", wf, 0);
        fputs("  ", stdout);
        cli_put_padded("", wt, 0);
        fputs("  ", stdout);
        snprintf(num, sizeof num, "%.1f", total);
        cli_put_padded(num, wk, 1);
        putchar('\n');
    }
    putchar('\n');
    for (size_t i = 0; i < n_legs; i++) {
        leg_sentence(&stops[i], &stops[i + 1], &legs[i], sentence, sizeof sentence);
        printf("%s.\n", sentence);
    }
}

static void put_csv_stdout(const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static void print_legs_csv(const stop *stops, const leg *legs, size_t n_legs, double total)
{
    char sentence[512];
    fputs("leg,from_id,from_name,to_id,to_name,dist_km,az1_deg,az2_deg,compass,sentence\n", stdout);
    for (size_t i = 0; i < n_legs; i++) {
        printf("%zu,", i + 1);
        put_csv_stdout(stops[i].id);
        putchar(',');
        put_csv_stdout(stops[i].name);
        putchar(',');
        put_csv_stdout(stops[i + 1].id);
        putchar(',');
        put_csv_stdout(stops[i + 1].name);
        printf(",%.3f,%.3f,%.3f,%s,", legs[i].dist_km, legs[i].az1_deg, legs[i].az2_deg,
               kvm_compass16(legs[i].az1_deg));
        leg_sentence(&stops[i], &stops[i + 1], &legs[i], sentence, sizeof sentence);
        put_csv_stdout(sentence);
        putchar('\n');
    }
    printf("total,,,,,%.3f,,,,\n", total);
}

static void put_json_string(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

static void put_json_stop(const stop *s)
{
    fputs("{\"id\": ", stdout);
    if (s->id[0])
        put_json_string(s->id);
    else
        fputs("null", stdout);
    fputs(", \"name\": ", stdout);
    put_json_string(s->name);
    printf(", \"lat\": %.15g, \"lon\": %.15g}", s->pos.lat, s->pos.lon);
}

static void print_legs_json(const stop *stops, const leg *legs, size_t n_legs, double total)
{
    char sentence[512];
    fputs("{\n  \"legs\": [", stdout);
    for (size_t i = 0; i < n_legs; i++) {
        fputs(i ? ",\n    {\"from\": " : "\n    {\"from\": ", stdout);
        put_json_stop(&stops[i]);
        fputs(", \"to\": ", stdout);
        put_json_stop(&stops[i + 1]);
        printf(", \"dist_km\": %.3f, \"az1_deg\": %.3f, \"az2_deg\": %.3f, \"compass\": \"%s\", "
               "\"sentence\": ",
               legs[i].dist_km, legs[i].az1_deg, legs[i].az2_deg, kvm_compass16(legs[i].az1_deg));
        leg_sentence(&stops[i], &stops[i + 1], &legs[i], sentence, sizeof sentence);
        put_json_string(sentence);
        putchar('}');
    }
    printf("\n  ],\n  \"total_km\": %.3f\n}\n", total);
}

static int write_legs_file(const options *opt, const stop *stops, const leg *legs, size_t n);

static int run_legs(const kvm_gazetteer *gaz, const options *opt)
{
    size_t n = opt->n_places;
    stop *stops = kvm_alloc_array(n, sizeof *stops);
    leg *legs = kvm_alloc_array(n, sizeof *legs);
    int code = KVM_EXIT_OK;
    double total = 0;
    if (!stops || !legs) {
        cli_error("out of memory");
        code = KVM_EXIT_FAILURE;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (resolve_stop(gaz, opt->places[i], &stops[i]) != 0) {
            code = KVM_EXIT_FAILURE;
            goto done;
        }
    }
    for (size_t i = 0; i + 1 < n; i++) {
        kvm_geodesic_inverse_unchecked(stops[i].pos, stops[i + 1].pos, &legs[i].dist_km,
                                       &legs[i].az1_deg, &legs[i].az2_deg);
        total += legs[i].dist_km;
    }
    if (opt->output && (code = write_legs_file(opt, stops, legs, n)) != KVM_EXIT_OK)
        goto done;
    if (opt->format == FORMAT_CSV)
        print_legs_csv(stops, legs, n - 1, total);
    else if (opt->format == FORMAT_JSON)
        print_legs_json(stops, legs, n - 1, total);
    else
        print_legs_table(stops, legs, n - 1, total);
    code = cli_finish_stdout(KVM_EXIT_OK);
done:
    free(stops);
    free(legs);
    return code;
}

static int write_legs_file(const options *opt, const stop *stops, const leg *legs, size_t n)
{
    kvm_error err = {0};
    kvm_lonlat *points = kvm_alloc_array(n, sizeof *points);
    const char **ids = kvm_alloc_array(n, sizeof *ids);
    const char **names = kvm_alloc_array(n, sizeof *names);
    double *dist = kvm_alloc_array(n, sizeof *dist);
    double *az = kvm_alloc_array(n, sizeof *az);
    int code = KVM_EXIT_OK;
    if (!points || !ids || !names || !dist || !az) {
        cli_error("out of memory");
        code = KVM_EXIT_FAILURE;
    } else {
        for (size_t i = 0; i < n; i++) {
            points[i] = stops[i].pos;
            ids[i] = stops[i].id;
            names[i] = stops[i].name;
            if (i + 1 < n) {
                dist[i] = legs[i].dist_km;
                az[i] = legs[i].az1_deg;
            }
        }
        if (kvm_export_legs(opt->output, points, ids, names, n, dist, az, &err) != KVM_OK)
            code = cli_fail(&err);
    }
    free(points);
    free(ids);
    free(names);
    free(dist);
    free(az);
    return code;
}

/* ---- matrix ------------------------------------------------------------- */

/* Above this many cached distances, rows are computed in full instead of
 * reusing the upper triangle (memory over time). */
#define MATRIX_CACHE_MAX ((size_t)64 << 20) /* 64 Mi doubles = 512 MiB */

static int print_matrix(const stop *stops, size_t n)
{
    writer w = {malloc(WRITER_CAP + WRITER_SLACK), 0, WRITER_CAP, 0};
    double *upper = NULL;
    size_t n_upper = n > 1 ? (n * (n - 1)) / 2 : 0;
    if (!w.buf) {
        cli_error("out of memory");
        return KVM_EXIT_FAILURE;
    }
    if (n_upper <= MATRIX_CACHE_MAX && n < ((size_t)1 << 31))
        upper = kvm_alloc_array(n_upper ? n_upper : 1, sizeof *upper);
    writer_put(&w, "id", 2);
    for (size_t j = 0; j < n; j++) {
        writer_put(&w, ",", 1);
        writer_csv(&w, stops[j].label);
    }
    writer_put(&w, "\n", 1);
    for (size_t i = 0; i < n && !w.failed; i++) {
        writer_csv(&w, stops[i].label);
        /* upper[] holds row k's cells k+1..n-1 starting at k*n - k*(k+1)/2 */
        size_t row_base = i * n - i * (i + 1) / 2;
        for (size_t j = 0; j < n; j++) {
            double km;
            if (j == i) {
                km = 0.0;
            } else if (upper && j < i) {
                km = upper[j * n - j * (j + 1) / 2 + (i - j - 1)];
            } else {
                kvm_geodesic_inverse_unchecked(stops[i].pos, stops[j].pos, &km, NULL, NULL);
                if (upper)
                    upper[row_base + (j - i - 1)] = km;
            }
            char *p = writer_reserve(&w, 32);
            *p++ = ',';
            w.len = (size_t)(put_fixed(p, km, 3) - w.buf);
        }
        writer_put(&w, "\n", 1);
    }
    writer_flush(&w);
    free(upper);
    free(w.buf);
    if (w.failed && errno != EPIPE) {
        cli_error("cannot write to standard output: %s", strerror(errno ? errno : EIO));
        return KVM_EXIT_FAILURE;
    }
    return cli_finish_stdout(KVM_EXIT_OK);
}

static int run_matrix(const kvm_gazetteer *gaz, const options *opt)
{
    size_t n = opt->all ? kvm_gazetteer_count(gaz) : opt->n_places;
    stop *stops = kvm_alloc_array(n ? n : 1, sizeof *stops);
    int code;
    if (!stops) {
        cli_error("out of memory");
        return KVM_EXIT_FAILURE;
    }
    for (size_t i = 0; i < n; i++) {
        if (opt->all) {
            const kvm_place *pl = kvm_gazetteer_place(gaz, i);
            stops[i].pos.lon = pl->lon;
            stops[i].pos.lat = pl->lat;
            stops[i].id = stops[i].label = pl->id;
            stops[i].name = pl->name;
        } else if (resolve_stop(gaz, opt->places[i], &stops[i]) != 0) {
            free(stops);
            return KVM_EXIT_FAILURE;
        }
    }
    code = print_matrix(stops, n);
    free(stops);
    return code;
}

/* ---- pairs -------------------------------------------------------------- */

/* Strict fast path for a decimal "[-+]DIGITS[.DIGITS]" ending at *pend's
 * delimiter: exact when the digits fit 2^53 and at most 22 decimals (both
 * operands of the division are then exact doubles, so the quotient is
 * correctly rounded, as strtod would give).  Returns 0, or -1 to let the
 * caller fall back to the full parser. */
static int parse_decimal_fast(const char **pp, const char *end, double *pvalue)
{
    const char *p = *pp;
    int negative = 0, digits = 0, decimals = 0;
    uint64_t mantissa = 0;
    if (p < end && (*p == '-' || *p == '+'))
        negative = *p++ == '-';
    while (p < end && *p >= '0' && *p <= '9') {
        mantissa = mantissa * 10 + (uint64_t)(*p++ - '0');
        if (++digits > 15)
            return -1;
    }
    if (p < end && *p == '.') {
        p++;
        while (p < end && *p >= '0' && *p <= '9') {
            mantissa = mantissa * 10 + (uint64_t)(*p++ - '0');
            decimals++;
            if (++digits > 15)
                return -1;
        }
    }
    if (digits == 0)
        return -1;
    double v = (double)mantissa;
    if (decimals)
        v /= (double)powers_of_ten[decimals > 9 ? 9 : decimals] *
             (decimals > 9 ? (double)powers_of_ten[decimals - 9] : 1.0);
    *pvalue = negative ? -v : v;
    *pp = p;
    return 0;
}

/* "LAT,LON" in text[0..len) (NUL-terminated at len). */
static int parse_latlon_field(char *text, size_t len, kvm_lonlat *pos, kvm_error *err)
{
    const char *p = text, *end = text + len;
    double lat, lon;
    while (p < end && *p == ' ')
        p++;
    if (parse_decimal_fast(&p, end, &lat) == 0) {
        while (p < end && *p == ' ')
            p++;
        if (p < end && *p == ',') {
            p++;
            while (p < end && *p == ' ')
                p++;
            if (parse_decimal_fast(&p, end, &lon) == 0) {
                while (p < end && *p == ' ')
                    p++;
                if (p == end && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180) {
                    pos->lat = lat;
                    pos->lon = lon;
                    return 0;
                }
            }
        }
    }
    /* anything unusual (exponents, long mantissas, errors): the strict parser */
    return kvm_parse_latlon(text, pos, err) == KVM_OK ? 0 : -1;
}

/* Names seen in --pairs, so each is resolved (and warned about) once. */
typedef struct name_cache {
    char **keys;
    const kvm_place **places;
    size_t size; /* power of two */
    size_t used;
} name_cache;

static uint64_t hash_text(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Cached or newly resolved place for a name; NULL (err set) if unknown. */
static const kvm_place *cache_resolve(name_cache *cache, const kvm_gazetteer *gaz, const char *text,
                                      size_t len, kvm_error *err)
{
    size_t i = (size_t)hash_text(text, len) & (cache->size - 1);
    while (cache->keys[i]) {
        if (strcmp(cache->keys[i], text) == 0)
            return cache->places[i];
        i = (i + 1) & (cache->size - 1);
    }
    const kvm_place *pl;
    size_t n = 0;
    if (kvm_gazetteer_resolve(gaz, text, &pl, &n, err) != KVM_OK)
        return NULL;
    if (n > 1)
        cli_warn_ambiguous(gaz, text, pl);
    if (cache->used < cache->size / 2) {
        char *key = kvm_strndup(text, len);
        if (key) {
            cache->keys[i] = key;
            cache->places[i] = pl;
            cache->used++;
        }
    }
    return pl;
}

static void cache_free(name_cache *cache)
{
    for (size_t i = 0; i < cache->size; i++)
        free(cache->keys[i]);
    free(cache->keys);
    free(cache->places);
}

/* One endpoint of a pair line. */
static int pair_point(name_cache *cache, const kvm_gazetteer *gaz, char *text, size_t len,
                      kvm_lonlat *pos, kvm_error *err)
{
    if (len == 0)
        return kvm_error_set(err, KVM_ERR_INVALID, "empty place"), -1;
    if (cli_looks_like_coordinates(text))
        return parse_latlon_field(text, len, pos, err);
    const kvm_place *pl = cache_resolve(cache, gaz, text, len, err);
    if (!pl)
        return -1;
    pos->lat = pl->lat;
    pos->lon = pl->lon;
    return 0;
}

#define PAIRS_READ ((size_t)1 << 20)
#define PAIRS_LINE_MAX ((size_t)1 << 16)

typedef struct pairs_run {
    const kvm_gazetteer *gaz;
    const char *file; /* for messages */
    name_cache cache;
    writer out;
    size_t line;
} pairs_run;

/* Handles one line (NUL-terminated, no newline).  0, or 1 after an error
 * (printed). */
static int pairs_line(pairs_run *run, char *line, size_t len)
{
    kvm_error err = {0};
    kvm_lonlat a, b;
    if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
    if (len == 0)
        return 0;
    char *tab = memchr(line, '\t', len);
    if (!tab || memchr(tab + 1, '\t', len - (size_t)(tab + 1 - line))) {
        cli_error("%s:%zu: expected two places separated by one tab, as 'A<TAB>B'", run->file,
                  run->line);
        return 1;
    }
    *tab = '\0';
    size_t la = (size_t)(tab - line), lb = len - la - 1;
    if (pair_point(&run->cache, run->gaz, line, la, &a, &err) != 0 ||
        pair_point(&run->cache, run->gaz, tab + 1, lb, &b, &err) != 0) {
        cli_error("%s:%zu: %s", run->file, run->line, err.message);
        return 1;
    }
    double km, az1, az2;
    kvm_geodesic_inverse_unchecked(a, b, &km, &az1, &az2);
    writer *w = &run->out;
    char *p = writer_reserve(w, 2 * len + 96);
    p = put_csv(p, line, la);
    *p++ = ',';
    p = put_csv(p, tab + 1, lb);
    *p++ = ',';
    p = put_fixed(p, km, 6);
    *p++ = ',';
    p = put_fixed(p, az1, 6);
    *p++ = ',';
    p = put_fixed(p, az2, 6);
    *p++ = '\n';
    w->len = (size_t)(p - w->buf);
    return 0;
}

static int run_pairs(const kvm_gazetteer *gaz, const options *opt)
{
    int is_stdin = strcmp(opt->pairs, "-") == 0;
    FILE *in = is_stdin ? stdin : fopen(opt->pairs, "rb");
    pairs_run run;
    char *buf = NULL;
    size_t have = 0;
    int code = KVM_EXIT_OK, eof = 0;
    memset(&run, 0, sizeof run);
    if (!in) {
        cli_error("cannot open '%s': %s", opt->pairs, strerror(errno));
        return KVM_EXIT_FAILURE;
    }
    run.gaz = gaz;
    run.file = is_stdin ? "(stdin)" : opt->pairs;
    run.cache.size = 1 << 14;
    run.cache.keys = calloc(run.cache.size, sizeof *run.cache.keys);
    run.cache.places = calloc(run.cache.size, sizeof *run.cache.places);
    /* output lines are at most 2 * PAIRS_LINE_MAX + 96 bytes: keep that slack */
    run.out.cap = WRITER_CAP;
    run.out.buf = malloc(WRITER_CAP + 2 * PAIRS_LINE_MAX + 128);
    buf = malloc(PAIRS_READ + 1);
    if (!run.cache.keys || !run.cache.places || !run.out.buf || !buf) {
        cli_error("out of memory");
        code = KVM_EXIT_FAILURE;
        goto done;
    }
    writer_put(&run.out, "from,to,dist_km,az1_deg,az2_deg\n", 32);
    while (!eof && code == KVM_EXIT_OK) {
        size_t got = fread(buf + have, 1, PAIRS_READ - have, in);
        if (got < PAIRS_READ - have) {
            if (ferror(in)) {
                cli_error("cannot read '%s': %s", opt->pairs, strerror(errno ? errno : EIO));
                code = KVM_EXIT_FAILURE;
                break;
            }
            eof = 1;
        }
        have += got;
        char *p = buf, *end = buf + have;
        for (;;) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            if (!nl) {
                if (eof && p < end) { /* last line without a newline */
                    nl = end;
                } else {
                    break;
                }
            }
            run.line++;
            if ((size_t)(nl - p) > PAIRS_LINE_MAX) {
                cli_error("%s:%zu: line longer than %zu bytes", run.file, run.line, PAIRS_LINE_MAX);
                code = KVM_EXIT_FAILURE;
                break;
            }
            *nl = '\0';
            if (pairs_line(&run, p, (size_t)(nl - p)) != 0) {
                code = KVM_EXIT_FAILURE;
                break;
            }
            p = nl + 1;
            if (nl == end)
                break;
        }
        if (code != KVM_EXIT_OK)
            break;
        have = p < end ? (size_t)(end - p) : 0;
        if (have >= PAIRS_READ) {
            cli_error("%s:%zu: line longer than %zu bytes", run.file, run.line + 1, PAIRS_LINE_MAX);
            code = KVM_EXIT_FAILURE;
            break;
        }
        memmove(buf, p, have);
        if (run.out.failed)
            break;
    }
    writer_flush(&run.out);
    if (run.out.failed && errno != EPIPE && code == KVM_EXIT_OK) {
        cli_error("cannot write to standard output: %s", strerror(errno ? errno : EIO));
        code = KVM_EXIT_FAILURE;
    }
    code = cli_finish_stdout(code);
done:
    if (!is_stdin)
        fclose(in);
    if (run.cache.keys)
        cache_free(&run.cache);
    else
        free(run.cache.places);
    free(run.out.buf);
    free(buf);
    return code;
}

/* ---- arguments ---------------------------------------------------------- */

/* Returns -1 when parsing succeeded, else the exit code. */
static int parse_args(int argc, char **argv, options *opt)
{
    int only_places = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *value = NULL;
        int m;
        if (only_places || arg[0] != '-' || arg[1] == '\0' || cli_looks_like_coordinates(arg)) {
            if (strcmp(arg, "-") == 0 && !only_places)
                return cli_usage_error("distance", "'-' is not a place (use --pairs -)");
            opt->places[opt->n_places++] = arg;
            continue;
        }
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)
            return cli_print_help(&kvm_cmd_distance);
        if (strcmp(arg, "--") == 0) {
            only_places = 1;
        } else if (strcmp(arg, "--matrix") == 0) {
            opt->matrix = 1;
        } else if (strcmp(arg, "--all") == 0) {
            opt->all = 1;
        } else if ((m = cli_match_option(argc, argv, &i, "--format", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            opt->format_given = 1;
            if (strcmp(value, "table") == 0)
                opt->format = FORMAT_TABLE;
            else if (strcmp(value, "csv") == 0)
                opt->format = FORMAT_CSV;
            else if (strcmp(value, "json") == 0)
                opt->format = FORMAT_JSON;
            else
                return cli_usage_error("distance", "unknown format '%s' (table, csv or json)",
                                       value);
        } else if ((m = cli_match_option(argc, argv, &i, "--pairs", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            opt->pairs = value;
        } else if ((m = cli_match_option(argc, argv, &i, "--gazetteer", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            opt->gazetteers[opt->n_gazetteers++] = value;
        } else if ((m = cli_match_option(argc, argv, &i, "--output", &value)) != 0 ||
                   (m = cli_match_option(argc, argv, &i, "-o", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            opt->output = value;
        } else {
            return cli_usage_error("distance", "unknown option '%s'", arg);
        }
    }
    if (opt->all)
        opt->matrix = 1;
    if (opt->pairs && (opt->matrix || opt->n_places > 0 || opt->output))
        return cli_usage_error("distance", "--pairs takes no PLACE arguments, --matrix or -o");
    if (opt->pairs && opt->format_given && opt->format != FORMAT_CSV)
        return cli_usage_error("distance", "--pairs writes CSV only");
    if (opt->matrix && opt->format_given && opt->format != FORMAT_CSV)
        return cli_usage_error("distance", "--matrix writes CSV only");
    if (opt->matrix && opt->output)
        return cli_usage_error("distance", "-o writes legs, not a matrix");
    if (opt->all && opt->n_places > 0)
        return cli_usage_error("distance", "--all takes no PLACE arguments");
    if (!opt->pairs && !opt->all && opt->n_places < 2)
        return cli_usage_error(
            "distance", "distance needs two or more places (or --matrix --all, or --pairs FILE)");
    return -1;
}

static int run(int argc, char **argv)
{
    /* "what is within N km of X" is the places search sorted by distance:
     * `distance --within KM PLACE` runs it with the same options. */
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--within") == 0 || strncmp(argv[i], "--within=", 9) == 0)
            return kvm_cmd_places.run(argc, argv);
    options opt;
    memset(&opt, 0, sizeof opt);
    opt.gazetteers = kvm_alloc_array((size_t)argc, sizeof *opt.gazetteers);
    opt.places = kvm_alloc_array((size_t)argc, sizeof *opt.places);
    int code = KVM_EXIT_FAILURE;
    if (!opt.gazetteers || !opt.places) {
        cli_error("out of memory");
    } else if ((code = parse_args(argc, argv, &opt)) < 0) {
        kvm_gazetteer *gaz = cli_load_gazetteer(opt.gazetteers, opt.n_gazetteers);
        if (!gaz)
            code = KVM_EXIT_FAILURE;
        else if (opt.pairs)
            code = run_pairs(gaz, &opt);
        else if (opt.matrix)
            code = run_matrix(gaz, &opt);
        else
            code = run_legs(gaz, &opt);
        kvm_gazetteer_free(gaz);
    }
    free(opt.gazetteers);
    free(opt.places);
    return code;
}

const kvm_command kvm_cmd_distance = {
    "distance",
    run,
    usage,
    "geodesic distances and bearings between places (legs, matrix, bulk pairs)",
};
