/* Geodesy on WGS84 through PROJ: the geodesic API (geodesic.h, Karney's
 * algorithms, accurate to ~15 nm) for distances, azimuths and points along
 * geodesics, and proj.h for map projections.  The only file of the project
 * that includes PROJ headers. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <geodesic.h>
#include <proj.h>

#include "kivumap/geodesy.h"

/* ---- the WGS84 ellipsoid, initialised once ------------------------------ */

static struct geod_geodesic wgs84;
static pthread_once_t wgs84_once = PTHREAD_ONCE_INIT;

static void init_wgs84(void)
{
    geod_init(&wgs84, 6378137.0, 1.0 / 298.257223563);
}

static const struct geod_geodesic *ellipsoid(void)
{
    pthread_once(&wgs84_once, init_wgs84);
    return &wgs84;
}

static int valid_position(kvm_lonlat p)
{
    /* NaN fails both comparisons */
    return p.lat >= -90.0 && p.lat <= 90.0 && p.lon >= -180.0 && p.lon <= 180.0;
}

/* geodesic.h reports azimuths in [-180, 180]; the API promises (-180, 180]. */
static double normalize_azimuth(double az)
{
    return az == -180.0 ? 180.0 : az;
}

void kvm_geodesic_inverse_unchecked(kvm_lonlat a, kvm_lonlat b, double *pdist_km, double *paz1_deg,
                                    double *paz2_deg)
{
    double s12, az1, az2;
    geod_inverse(ellipsoid(), a.lat, a.lon, b.lat, b.lon, &s12, &az1, &az2);
    if (pdist_km)
        *pdist_km = s12 / 1000.0;
    if (paz1_deg)
        *paz1_deg = normalize_azimuth(az1);
    if (paz2_deg)
        *paz2_deg = normalize_azimuth(az2);
}

kvm_status kvm_geodesic_inverse(kvm_lonlat a, kvm_lonlat b, double *pdist_km, double *paz1_deg,
                                double *paz2_deg)
{
    if (!valid_position(a) || !valid_position(b))
        return KVM_ERR_INVALID;
    kvm_geodesic_inverse_unchecked(a, b, pdist_km, paz1_deg, paz2_deg);
    return KVM_OK;
}

kvm_status kvm_geodesic_direct(kvm_lonlat a, double az_deg, double dist_km, kvm_lonlat *pend)
{
    double lat2, lon2;
    if (!valid_position(a) || !isfinite(az_deg) || !isfinite(dist_km) || !pend)
        return KVM_ERR_INVALID;
    geod_direct(ellipsoid(), a.lat, a.lon, az_deg, dist_km * 1000.0, &lat2, &lon2, NULL);
    if (!isfinite(lat2) || !isfinite(lon2))
        return KVM_ERR_INVALID;
    pend->lat = lat2;
    pend->lon = lon2;
    return KVM_OK;
}

kvm_status kvm_geodesic_densify(kvm_lonlat a, kvm_lonlat b, size_t n, kvm_lonlat *out)
{
    struct geod_geodesicline line;
    if (!valid_position(a) || !valid_position(b) || n < 2 || !out)
        return KVM_ERR_INVALID;
    geod_inverseline(&line, ellipsoid(), a.lat, a.lon, b.lat, b.lon,
                     GEOD_LATITUDE | GEOD_LONGITUDE | GEOD_DISTANCE_IN);
    out[0] = a;
    for (size_t i = 1; i + 1 < n; i++) {
        double lat, lon;
        geod_position(&line, line.s13 * (double)i / (double)(n - 1), &lat, &lon, NULL);
        out[i].lat = lat;
        out[i].lon = lon;
    }
    out[n - 1] = b;
    return KVM_OK;
}

/* ---- compass ------------------------------------------------------------ */

static const char *const compass_short[16] = {
    "N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE",
    "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW",
};
static const char *const compass_long[16] = {
    "north",     "north-northeast", "northeast", "east-northeast",  "east",      "east-southeast",
    "southeast", "south-southeast", "south",     "south-southwest", "southwest", "west-southwest",
    "west",      "west-northwest",  "northwest", "north-northwest",
};

/* Sector 0..15 of an azimuth; each sector is 22.5 degrees centred on its
 * direction (N covers [-11.25, 11.25)). */
static int compass_sector(double az_deg)
{
    if (!isfinite(az_deg))
        return 0;
    double az = fmod(az_deg, 360.0);
    if (az < 0)
        az += 360.0;
    int sector = (int)floor(az / 22.5 + 0.5);
    return sector % 16;
}

const char *kvm_compass16(double az_deg)
{
    return compass_short[compass_sector(az_deg)];
}

const char *kvm_compass16_long(double az_deg)
{
    return compass_long[compass_sector(az_deg)];
}

int kvm_compass_parse(const char *word, double *paz_deg)
{
    /* Words in English and French, longest first so "west" is not read as
     * "w" + "est". */
    static const struct {
        const char *word;
        char letter;
    } words[] = {
        {"ouest", 'W'}, {"north", 'N'}, {"south", 'S'}, {"nord", 'N'}, {"east", 'E'},
        {"west", 'W'},  {"sud", 'S'},   {"est", 'E'},   {"n", 'N'},    {"s", 'S'},
        {"e", 'E'},     {"w", 'W'},     {"o", 'W'},
    };
    char clean[64], letters[4];
    size_t n = 0, nl = 0;
    if (!word)
        return -1;
    for (const char *p = word; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '-' || c == ' ' || c == '_' || c == '.')
            continue;
        if (!isalpha(c) || n + 1 >= sizeof clean)
            return -1;
        clean[n++] = (char)tolower(c);
    }
    clean[n] = '\0';
    if (n == 0)
        return -1;
    for (size_t i = 0; i < n;) {
        size_t k;
        for (k = 0; k < sizeof words / sizeof words[0]; k++) {
            size_t len = strlen(words[k].word);
            if (strncmp(clean + i, words[k].word, len) == 0) {
                if (nl >= 3)
                    return -1;
                letters[nl++] = words[k].letter;
                i += len;
                break;
            }
        }
        if (k == sizeof words / sizeof words[0])
            return -1;
    }
    letters[nl] = '\0';
    for (int s = 0; s < 16; s++) {
        if (strcmp(letters, compass_short[s]) == 0) {
            if (paz_deg)
                *paz_deg = s * 22.5;
            return 0;
        }
    }
    return -1;
}

/* ---- projections -------------------------------------------------------- */

struct kvm_projection {
    PJ_CONTEXT *ctx;
    PJ *pj; /* EPSG:4326 -> target, normalised to lon/lat in, easting/northing out */
};

/* A PJ from `from` to `to` with lon/lat (x/y) axis order on both sides. */
static PJ *make_transform(PJ_CONTEXT *ctx, const char *from, const char *to)
{
    PJ *raw = proj_create_crs_to_crs(ctx, from, to, NULL);
    if (!raw)
        return NULL;
    PJ *norm = proj_normalize_for_visualization(ctx, raw);
    proj_destroy(raw);
    return norm;
}

static kvm_status proj_failure(PJ_CONTEXT *ctx, const char *crs, kvm_error *err)
{
    int code = proj_context_errno(ctx);
    const char *why = code ? proj_context_errno_string(ctx, code) : NULL;
    return kvm_error_set(err, KVM_ERR_PROJ, "cannot use CRS '%s': %s", crs,
                         why ? why : "not understood by PROJ");
}

static PJ_CONTEXT *quiet_context(void)
{
    PJ_CONTEXT *ctx = proj_context_create();
    if (ctx)
        proj_log_level(ctx, PJ_LOG_NONE); /* the library never prints */
    return ctx;
}

/* The WGS84 / UTM zones ("EPSG:32601".."EPSG:32660" north, "EPSG:32701"..
 * "EPSG:32760" south) as a PROJ pipeline: the same operation that
 * proj_create_crs_to_crs finds for them (no datum shift, lon/lat in,
 * easting/northing out), built without opening PROJ's database, which costs
 * several milliseconds per process.  Returns 0 and fills `buf` for those
 * codes, -1 for every other CRS. */
static int utm_pipeline(const char *crs, char *buf, size_t size)
{
    const char *p = crs;
    if (strncmp(p, "EPSG:", 5) == 0 || strncmp(p, "epsg:", 5) == 0)
        p += 5;
    else
        return -1;
    if (strlen(p) != 5 || strncmp(p, "32", 2) != 0 || (p[2] != '6' && p[2] != '7') ||
        p[3] < '0' || p[3] > '9' || p[4] < '0' || p[4] > '9')
        return -1;
    int zone = (p[3] - '0') * 10 + (p[4] - '0');
    if (zone < 1 || zone > 60)
        return -1;
    int n = snprintf(buf, size,
                     "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
                     "+step +proj=utm +zone=%d%s +ellps=WGS84",
                     zone, p[2] == '7' ? " +south" : "");
    return n > 0 && (size_t)n < size ? 0 : -1;
}

kvm_status kvm_projection_new(const char *crs, kvm_projection **pproj, kvm_error *err)
{
    if (!pproj || !crs || !crs[0])
        return kvm_error_set(err, KVM_ERR_INVALID, "no CRS given");
    *pproj = NULL;
    kvm_projection *proj = calloc(1, sizeof *proj);
    if (!proj)
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
    proj->ctx = quiet_context();
    if (!proj->ctx) {
        free(proj);
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
    }
    char pipeline[160];
    if (utm_pipeline(crs, pipeline, sizeof pipeline) == 0)
        proj->pj = proj_create(proj->ctx, pipeline);
    else
        proj->pj = make_transform(proj->ctx, "EPSG:4326", crs);
    if (!proj->pj) {
        kvm_status s = proj_failure(proj->ctx, crs, err);
        kvm_projection_free(proj);
        return s;
    }
    *pproj = proj;
    return KVM_OK;
}

void kvm_projection_free(kvm_projection *proj)
{
    if (!proj)
        return;
    proj_destroy(proj->pj);
    proj_context_destroy(proj->ctx);
    free(proj);
}

static int finite_pair(double x, double y)
{
    return isfinite(x) && isfinite(y) && x != HUGE_VAL && y != HUGE_VAL;
}

kvm_status kvm_projection_forward(const kvm_projection *proj, kvm_lonlat in, double *px, double *py)
{
    if (!proj || !valid_position(in) || !px || !py)
        return KVM_ERR_INVALID;
    PJ_COORD c = proj_trans(proj->pj, PJ_FWD, proj_coord(in.lon, in.lat, 0, 0));
    if (!finite_pair(c.xy.x, c.xy.y))
        return KVM_ERR_PROJ;
    *px = c.xy.x;
    *py = c.xy.y;
    return KVM_OK;
}

kvm_status kvm_projection_forward_many(const kvm_projection *proj, double *xs, double *ys, size_t n)
{
    if (!proj || (n > 0 && (!xs || !ys)))
        return KVM_ERR_INVALID;
    for (size_t i = 0; i < n; i++)
        if (!valid_position((kvm_lonlat){xs[i], ys[i]}))
            return KVM_ERR_INVALID;
    if (n == 0)
        return KVM_OK;
    proj_trans_generic(proj->pj, PJ_FWD, xs, sizeof *xs, n, ys, sizeof *ys, n, NULL, 0, 0, NULL, 0,
                       0);
    for (size_t i = 0; i < n; i++)
        if (!finite_pair(xs[i], ys[i]))
            return KVM_ERR_PROJ;
    return KVM_OK;
}

kvm_status kvm_projection_inverse(const kvm_projection *proj, double x, double y, kvm_lonlat *pout)
{
    if (!proj || !finite_pair(x, y) || !pout)
        return KVM_ERR_INVALID;
    PJ_COORD c = proj_trans(proj->pj, PJ_INV, proj_coord(x, y, 0, 0));
    kvm_lonlat ll = {c.lp.lam, c.lp.phi};
    if (!finite_pair(ll.lon, ll.lat) || !valid_position(ll))
        return KVM_ERR_PROJ;
    *pout = ll;
    return KVM_OK;
}

kvm_status kvm_reproject_to_wgs84(const char *source_crs, double *xs, double *ys, size_t n,
                                  kvm_error *err)
{
    if (!source_crs || !source_crs[0])
        return kvm_error_set(err, KVM_ERR_INVALID, "no source CRS given");
    if (n > 0 && (!xs || !ys))
        return kvm_error_set(err, KVM_ERR_INVALID, "no coordinates given");
    PJ_CONTEXT *ctx = quiet_context();
    if (!ctx)
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
    PJ *pj = make_transform(ctx, source_crs, "EPSG:4326");
    if (!pj) {
        kvm_status s = proj_failure(ctx, source_crs, err);
        proj_context_destroy(ctx);
        return s;
    }
    kvm_status s = KVM_OK;
    for (size_t i = 0; i < n; i++) {
        if (!finite_pair(xs[i], ys[i])) {
            s = kvm_error_set(err, KVM_ERR_INVALID, "coordinate %zu is not a finite number", i);
            break;
        }
    }
    if (s == KVM_OK && n > 0) {
        proj_trans_generic(pj, PJ_FWD, xs, sizeof *xs, n, ys, sizeof *ys, n, NULL, 0, 0, NULL, 0,
                           0);
        for (size_t i = 0; i < n; i++) {
            if (!finite_pair(xs[i], ys[i]) || !valid_position((kvm_lonlat){xs[i], ys[i]})) {
                s = kvm_error_set(err, KVM_ERR_PROJ,
                                  "cannot reproject coordinate %zu from '%s' to WGS84", i,
                                  source_crs);
                break;
            }
        }
    }
    proj_destroy(pj);
    proj_context_destroy(ctx);
    return s;
}
