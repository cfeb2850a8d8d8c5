/* Exports: the buffered output file every writer uses, the layers (which
 * fields, which features) built from an event set, and the directory export
 * that writes every layer under temporary names and renames them together. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export/export_internal.h"
#include "kivumap/export.h"
#include "kivumap/geodesy.h"
#include "util.h"

/* ---- Buffered output ---------------------------------------------------- */

enum { XF_BUFFER = 1 << 20 };

static long long write_limit = -1;

void kvm_export_set_write_limit(long long bytes)
{
    write_limit = bytes < 0 ? -1 : bytes;
}

static int consume_write_limit(size_t n)
{
    if (write_limit < 0)
        return 0;
    if ((unsigned long long)write_limit < n) {
        write_limit = 0;
        return ENOSPC;
    }
    write_limit -= (long long)n;
    return 0;
}

static int xf_init(kvm_xfile *xf)
{
    memset(xf, 0, sizeof *xf);
    xf->fd = -1;
    xf->buf = malloc(XF_BUFFER);
    if (!xf->buf)
        return ENOMEM;
    xf->cap = XF_BUFFER;
    return 0;
}

int kvm_xf_open_fd(kvm_xfile *xf, const char *path, int update)
{
    if (xf_init(xf) != 0)
        return ENOMEM;
    int flags = update ? O_RDWR : O_RDWR | O_CREAT | O_TRUNC;
    xf->fd = open(path, flags | O_CLOEXEC, 0666);
    if (xf->fd < 0) {
        int e = errno;
        free(xf->buf);
        xf->buf = NULL;
        return e;
    }
    struct stat st;
    if (update && fstat(xf->fd, &st) == 0 && st.st_size > 0)
        xf->size = (unsigned long long)st.st_size;
    return 0;
}

int kvm_xf_open_stream(kvm_xfile *xf, FILE *fp)
{
    if (xf_init(xf) != 0)
        return ENOMEM;
    xf->fp = fp;
    return 0;
}

static int write_at(kvm_xfile *xf, const char *data, size_t n, unsigned long long off)
{
    int e = consume_write_limit(n);
    if (e)
        return e;
    if (xf->fd < 0) {
        if (fwrite(data, 1, n, xf->fp) != n)
            return errno ? errno : EIO;
        return 0;
    }
    while (n > 0) {
        ssize_t w = pwrite(xf->fd, data, n, (off_t)off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (w == 0)
            return EIO;
        data += w;
        n -= (size_t)w;
        off += (unsigned long long)w;
    }
    return 0;
}

int kvm_xf_flush(kvm_xfile *xf)
{
    if (xf->err_no)
        return xf->err_no;
    if (xf->len > 0) {
        int e = write_at(xf, xf->buf, xf->len, xf->base);
        if (e) {
            xf->err_no = e;
            return e;
        }
        if (xf->base + xf->len > xf->size)
            xf->size = xf->base + xf->len;
    }
    xf->base = xf->pos;
    xf->len = 0;
    return 0;
}

void kvm_xf_write(kvm_xfile *xf, const void *data, size_t n)
{
    if (xf->err_no || n == 0)
        return;
    if (xf->pos < xf->base || xf->pos > xf->base + xf->len || xf->pos - xf->base + n > xf->cap) {
        if (kvm_xf_flush(xf) != 0)
            return;
        if (n > xf->cap) {
            int e = write_at(xf, data, n, xf->pos);
            if (e) {
                xf->err_no = e;
                return;
            }
            xf->pos += n;
            xf->base = xf->pos;
            if (xf->pos > xf->size)
                xf->size = xf->pos;
            return;
        }
    }
    size_t at = (size_t)(xf->pos - xf->base);
    memcpy(xf->buf + at, data, n);
    xf->pos += n;
    if (at + n > xf->len)
        xf->len = at + n;
}

void kvm_xf_puts(kvm_xfile *xf, const char *s)
{
    kvm_xf_write(xf, s, strlen(s));
}

void kvm_xf_putc(kvm_xfile *xf, char c)
{
    if (xf->pos == xf->base + xf->len && xf->len < xf->cap && !xf->err_no) {
        xf->buf[xf->len++] = c;
        xf->pos++;
        return;
    }
    kvm_xf_write(xf, &c, 1);
}

void kvm_xf_int(kvm_xfile *xf, long long v)
{
    char tmp[32];
    kvm_xf_write(xf, tmp, kvm_format_int(tmp, v));
}

void kvm_xf_fixed(kvm_xfile *xf, double v, int decimals)
{
    char tmp[48];
    kvm_xf_write(xf, tmp, kvm_format_fixed(tmp, v, decimals));
}

size_t kvm_xf_read(kvm_xfile *xf, void *data, size_t n)
{
    if (xf->fd < 0 || kvm_xf_flush(xf) != 0)
        return 0;
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(xf->fd, (char *)data + got, n - got, (off_t)(xf->pos + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    xf->pos += got;
    xf->base = xf->pos;
    return got;
}

void kvm_xf_seek(kvm_xfile *xf, unsigned long long pos)
{
    xf->pos = pos;
}

int kvm_xf_close(kvm_xfile *xf)
{
    kvm_xf_flush(xf);
    if (xf->fd >= 0) {
        if (close(xf->fd) != 0 && !xf->err_no)
            xf->err_no = errno;
        xf->fd = -1;
    } else if (xf->fp) {
        if ((fflush(xf->fp) != 0 || ferror(xf->fp)) && !xf->err_no)
            xf->err_no = errno ? errno : EIO;
    }
    free(xf->buf);
    xf->buf = NULL;
    return xf->err_no;
}

size_t kvm_format_int(char *out, long long v)
{
    char tmp[24];
    size_t n = 0;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    size_t len = 0;
    if (v < 0)
        out[len++] = '-';
    while (n)
        out[len++] = tmp[--n];
    out[len] = '\0';
    return len;
}

size_t kvm_format_fixed(char *out, double v, int decimals)
{
    static const double scales[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    if (!isfinite(v)) {
        out[0] = '0';
        out[1] = '\0';
        return 1;
    }
    if (decimals < 0)
        decimals = 0;
    if (decimals > 9)
        decimals = 9;
    double scaled = fabs(v) * scales[decimals];
    if (scaled >= 9e15) {
        int n = snprintf(out, 32, "%.*f", decimals, v);
        return n > 0 ? (size_t)n : 0;
    }
    unsigned long long q = (unsigned long long)llround(scaled);
    unsigned long long scale = (unsigned long long)scales[decimals];
    size_t len = 0;
    if (v < 0 && q != 0)
        out[len++] = '-';
    len += kvm_format_int(out + len, (long long)(q / scale));
    if (decimals > 0) {
        unsigned long long frac = q % scale;
        out[len++] = '.';
        for (int i = decimals - 1; i >= 0; i--) {
            out[len + (size_t)i] = (char)('0' + frac % 10);
            frac /= 10;
        }
        len += (size_t)decimals;
    }
    out[len] = '\0';
    return len;
}

/* ---- ACLED lookups -------------------------------------------------------- */

typedef struct country_info {
    const char *alpha2;
    const char *name;   /* ACLED's spelling */
    int numeric;        /* ISO 3166-1 numeric */
    const char *region; /* ACLED region */
} country_info;

static const country_info countries[] = {
    {"CD", "Democratic Republic of Congo", 180, "Middle Africa"},
    {"RW", "Rwanda", 646, "Eastern Africa"},
    {"UG", "Uganda", 800, "Eastern Africa"},
    {"BI", "Burundi", 108, "Eastern Africa"},
    {"AO", "Angola", 24, "Middle Africa"},
    {"CG", "Republic of Congo", 178, "Middle Africa"},
    {"CF", "Central African Republic", 140, "Middle Africa"},
    {"SS", "South Sudan", 728, "Eastern Africa"},
    {"TZ", "Tanzania", 834, "Eastern Africa"},
    {"KE", "Kenya", 404, "Eastern Africa"},
    {"ZM", "Zambia", 894, "Eastern Africa"},
    {"ET", "Ethiopia", 231, "Eastern Africa"},
    {"ZA", "South Africa", 710, "Southern Africa"},
    {"QA", "Qatar", 634, "Middle East"},
    {"BE", "Belgium", 56, "Europe"},
    {"FR", "France", 250, "Europe"},
    {"GB", "United Kingdom", 826, "Europe"},
    {"US", "United States", 840, "North America"},
};

static const country_info *country_lookup(const char *alpha2)
{
    if (!alpha2 || !alpha2[0])
        return NULL;
    for (size_t i = 0; i < sizeof countries / sizeof countries[0]; i++)
        if ((alpha2[0] & ~0x20) == countries[i].alpha2[0] &&
            (alpha2[1] & ~0x20) == countries[i].alpha2[1] && alpha2[2] == '\0')
            return &countries[i];
    return NULL;
}

typedef struct actor_inter {
    const char *needle; /* matched as a whole word */
    int inter;
} actor_inter;

/* ACLED's numeric actor types: 1 state forces, 2 rebel groups, 3 political
 * militias, 4 identity militias, 5 rioters, 6 protesters, 7 civilians,
 * 8 external/other forces.  Only actors whose coding is unambiguous. */
static const actor_inter actor_inters[] = {
    {"FARDC", 1},
    {"Military Forces of the Democratic Republic of Congo", 1},
    {"Police Forces of the Democratic Republic of Congo", 1},
    {"M23", 2},
    {"AFC", 2},
    {"ADF", 2},
    {"FDLR", 2},
    {"MONUSCO", 8},
    {"SAMIDRC", 8},
    {"civilians", 7},
    {"Civilians", 7},
};

static int is_word_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

int kvm_acled_inter(const char *actor)
{
    if (!actor || !actor[0])
        return 0;
    for (size_t i = 0; i < sizeof actor_inters / sizeof actor_inters[0]; i++) {
        size_t n = strlen(actor_inters[i].needle);
        for (const char *p = strstr(actor, actor_inters[i].needle); p;
             p = strstr(p + 1, actor_inters[i].needle))
            if ((p == actor || !is_word_char(p[-1])) && !is_word_char(p[n]))
                return actor_inters[i].inter;
    }
    return 0;
}

static int place_is_area(const kvm_place *p)
{
    return !kvm_place_kind_is_settlement(p->kind);
}

static void append_scratch(char **scratch, size_t *cap, size_t *len, const char *s)
{
    size_t n = strlen(s);
    if (*len + n + 1 > *cap) {
        size_t want = *cap ? *cap : 256;
        while (want < *len + n + 1)
            want *= 2;
        char *p = realloc(*scratch, want);
        if (!p)
            return; /* the list is cut short rather than lost */
        *scratch = p;
        *cap = want;
    }
    memcpy(*scratch + *len, s, n + 1);
    *len += n;
}

void kvm_event_row_fill(const kvm_eventset *set, size_t i, kvm_event_row *row, char **scratch,
                        size_t *scratch_cap)
{
    const kvm_event *e = kvm_eventset_event(set, i);
    memset(row, 0, sizeof *row);
    row->event = e;
    row->date = e->date;
    if (e->date.year > 0) {
        if (row->date.month <= 0)
            row->date.month = 1;
        if (row->date.day <= 0)
            row->date.day = 1;
        int tp = e->time_precision;
        if (tp <= 0)
            tp = e->date.day > 0 ? KVM_TIME_DAY : KVM_TIME_MONTH;
        row->time_precision = tp > KVM_TIME_MONTH ? KVM_TIME_MONTH : tp;
    }
    row->country = "";
    row->region = "";
    row->admin1 = "";
    row->admin2 = "";
    const kvm_place *p = e->place;
    if (p) {
        int gp = e->geo_precision;
        if (gp <= 0)
            gp = place_is_area(p) ? KVM_GEO_REGION : KVM_GEO_TOWN;
        row->geo_precision = gp > KVM_GEO_REGION ? KVM_GEO_REGION : gp;
        const country_info *c = country_lookup(p->country);
        if (c) {
            row->country = c->name;
            row->iso = c->numeric;
            row->region = c->region;
        }
        row->admin1 = p->admin1;
        row->admin2 = p->admin2;
        if (p->kind == KVM_KIND_PROVINCE && !row->admin1[0])
            row->admin1 = p->name;
        if (p->kind == KVM_KIND_TERRITORY && !row->admin2[0])
            row->admin2 = p->name;
    }
    size_t len = 0;
    if (*scratch)
        (*scratch)[0] = '\0';
    for (size_t s = 0; s < e->n_sources; s++) {
        const kvm_article_info *a = kvm_eventset_article(set, e->sources[s]);
        if (!a)
            continue;
        if (len)
            append_scratch(scratch, scratch_cap, &len, "; ");
        append_scratch(scratch, scratch_cap, &len, a->name);
    }
    if (e->n_sources == 0) {
        const kvm_article_info *a = kvm_eventset_article(set, e->article);
        if (a)
            append_scratch(scratch, scratch_cap, &len, a->name);
    }
    row->sources = *scratch ? *scratch : "";
    row->fatalities = e->fatalities > 0 ? e->fatalities : 0;
}

/* ---- Layers ------------------------------------------------------------- */

enum { MAX_FIELDS = 32, MAX_DENSIFY = 2049 };

typedef struct layer_ctx {
    const kvm_eventset *set;
    kvm_xvalue values[MAX_FIELDS];
    kvm_lonlat *points;
    size_t n_points;
    kvm_lonlat densified[MAX_DENSIFY];
    char *scratch;
    size_t scratch_cap;
    size_t *place_events; /* events per place index (places layer) */
} layer_ctx;

typedef struct layer_def {
    const char *name;
    int geom;
    const kvm_xfield *fields;
    size_t n_fields;
    size_t (*count)(const kvm_eventset *set);
    /* 1: a feature in ctx; 0: skip this index */
    int (*fill)(layer_ctx *ctx, size_t index);
} layer_def;

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static void v_str(kvm_xvalue *v, const char *s)
{
    memset(v, 0, sizeof *v);
    v->s = s ? s : "";
}
static void v_int(kvm_xvalue *v, long long i)
{
    memset(v, 0, sizeof *v);
    v->i = i;
}
static void v_int_or_null(kvm_xvalue *v, long long i, int is_null)
{
    v_int(v, i);
    v->is_null = is_null;
}
static void v_real(kvm_xvalue *v, double d)
{
    memset(v, 0, sizeof *v);
    v->d = d;
    v->is_null = !isfinite(d);
}
static void v_date(kvm_xvalue *v, kvm_date date)
{
    memset(v, 0, sizeof *v);
    v->date = date;
    v->is_null = date.year <= 0;
}

static void set_point(layer_ctx *ctx, const kvm_place *p)
{
    ctx->densified[0].lon = p->lon;
    ctx->densified[0].lat = p->lat;
    ctx->points = ctx->densified;
    ctx->n_points = 1;
}

/* A geodesic from a to b with a vertex about every km. */
static void set_line(layer_ctx *ctx, kvm_lonlat a, kvm_lonlat b)
{
    double km = 0;
    size_t n = 2;
    if (kvm_geodesic_inverse(a, b, &km, NULL, NULL) == KVM_OK && km > 1.0)
        n = km + 1.0 >= (double)MAX_DENSIFY ? MAX_DENSIFY : (size_t)ceil(km) + 1;
    ctx->points = ctx->densified;
    ctx->n_points = n;
    if (kvm_geodesic_densify(a, b, n, ctx->densified) != KVM_OK) {
        ctx->densified[0] = a;
        ctx->densified[1] = b;
        ctx->n_points = 2;
    }
}

static kvm_lonlat lonlat_of(const kvm_place *p)
{
    kvm_lonlat ll = {p->lon, p->lat};
    return ll;
}

/* events -------------------------------------------------------------------- */

static const kvm_xfield event_fields[] = {
    {"EVENT_ID", "event_id_cnty", 'C', 50, 0},
    {"EVT_DATE", "event_date", 'D', 8, 0},
    {"TIME_PREC", "time_precision", 'N', 1, 0},
    {"EVT_TYPE", "event_type", 'C', 30, 0},
    {"SUB_EVT", "sub_event_type", 'C', 40, 0},
    {"ACTOR1", "actor1", 'C', 60, 0},
    {"ACTOR2", "actor2", 'C', 60, 0},
    {"COUNTRY", "country", 'C', 32, 0},
    {"ISO", "iso", 'N', 3, 0},
    {"ADMIN1", "admin1", 'C', 40, 0},
    {"ADMIN2", "admin2", 'C', 40, 0},
    {"LOCATION", "location", 'C', 60, 0},
    {"LATITUDE", "latitude", 'N', 12, 6},
    {"LONGITUDE", "longitude", 'N', 12, 6},
    {"GEO_PREC", "geo_precision", 'N', 1, 0},
    {"SOURCE", "source", 'C', 254, 0},
    {"NOTES", "notes", 'C', 254, 0},
    {"FATALITIES", "fatalities", 'N', 7, 0},
    {"EVT_KIND", "x_type", 'C', 16, 0},
    {"CLAIMED", "x_claimed", 'N', 2, 0},
    {"HISTORIC", "x_historical", 'N', 1, 0},
    {"COUNT_MIN", "x_count_min", 'N', 12, 0},
    {"COUNT_MAX", "x_count_max", 'N', 12, 0},
    {"MENTION", "x_mention", 'C', 60, 0},
    {"RES_METH", "x_method", 'C', 20, 0},
    {"GAZ_ID", "x_gazetteer_id", 'C', 40, 0},
};

static int fill_event(layer_ctx *ctx, size_t index)
{
    kvm_event_row row;
    kvm_event_row_fill(ctx->set, index, &row, &ctx->scratch, &ctx->scratch_cap);
    const kvm_event *e = row.event;
    if (!e->place)
        return 0;
    kvm_xvalue *v = ctx->values;
    v_str(&v[0], e->id);
    v_date(&v[1], row.date);
    v_int_or_null(&v[2], row.time_precision, row.time_precision == 0);
    v_str(&v[3], kvm_event_type_acled(e->type));
    v_str(&v[4], kvm_event_sub_type_acled(e->type));
    v_str(&v[5], e->actor1);
    v_str(&v[6], e->actor2);
    v_str(&v[7], row.country);
    v_int_or_null(&v[8], row.iso, row.iso == 0);
    v_str(&v[9], row.admin1);
    v_str(&v[10], row.admin2);
    v_str(&v[11], e->place->name);
    v_real(&v[12], e->place->lat);
    v_real(&v[13], e->place->lon);
    v_int(&v[14], row.geo_precision);
    v_str(&v[15], row.sources);
    v_str(&v[16], e->evidence);
    v_int(&v[17], row.fatalities);
    v_str(&v[18], kvm_event_type_name(e->type));
    v_int(&v[19], e->claimed);
    v_int(&v[20], e->historical != 0);
    v_int_or_null(&v[21], e->count_min, e->count_min < 0);
    v_int_or_null(&v[22], e->count_max, e->count_max < 0);
    v_str(&v[23], e->mention);
    v_str(&v[24], e->method);
    v_str(&v[25], e->place->id);
    set_point(ctx, e->place);
    return 1;
}

/* advances ------------------------------------------------------------------ */

static const kvm_xfield advance_fields[] = {
    {"ACTOR1", "actor1", 'C', 80, 0},         {"FROM_LOC", "from_location", 'C', 80, 0},
    {"TO_LOC", "to_location", 'C', 80, 0},    {"FROM_ID", "from_gazetteer_id", 'C', 60, 0},
    {"TO_ID", "to_gazetteer_id", 'C', 60, 0}, {"DATE_FROM", "date_from", 'D', 8, 0},
    {"DATE_TO", "date_to", 'D', 8, 0},        {"DIST_KM", "dist_km", 'N', 12, 3},
    {"BEARING", "bearing_deg", 'N', 8, 1},    {"SEQ", "sequence", 'N', 6, 0},
    {"EVENT_IDS", "event_ids", 'C', 254, 0},
};

static int fill_advance(layer_ctx *ctx, size_t index)
{
    const kvm_advance *a = kvm_eventset_advance(ctx->set, index);
    if (!a->from || !a->to)
        return 0;
    kvm_xvalue *v = ctx->values;
    v_str(&v[0], a->actor);
    v_str(&v[1], a->from->name);
    v_str(&v[2], a->to->name);
    v_str(&v[3], a->from->id);
    v_str(&v[4], a->to->id);
    v_date(&v[5], a->date_from);
    v_date(&v[6], a->date_to);
    v_real(&v[7], a->dist_km);
    v_real(&v[8], a->bearing_deg);
    v_int(&v[9], (long long)a->sequence);
    v_str(&v[10], a->event_ids);
    set_line(ctx, lonlat_of(a->from), lonlat_of(a->to));
    return 1;
}

/* displacement -------------------------------------------------------------- */

static const kvm_xfield displacement_fields[] = {
    {"EVENT_ID", "event_id", 'C', 80, 0},
    {"EVT_DATE", "event_date", 'D', 8, 0},
    {"COUNT_MIN", "count_min", 'N', 12, 0},
    {"COUNT_MAX", "count_max", 'N', 12, 0},
    {"ORIGIN", "origin", 'C', 80, 0},
    {"DEST", "destination", 'C', 80, 0},
    {"DEST_TEXT", "destination_text", 'C', 120, 0},
    {"NOTES", "notes", 'C', 254, 0},
};

static const kvm_event *displacement_values(layer_ctx *ctx, size_t index)
{
    const kvm_event *e = kvm_eventset_event(ctx->set, index);
    if (e->type != KVM_EVENT_DISPLACEMENT)
        return NULL;
    kvm_xvalue *v = ctx->values;
    v_str(&v[0], e->id);
    v_date(&v[1], e->date);
    v_int_or_null(&v[2], e->count_min, e->count_min < 0);
    v_int_or_null(&v[3], e->count_max, e->count_max < 0);
    v_str(&v[4], e->origin ? e->origin->name : "");
    v_str(&v[5], e->destination ? e->destination->name : "");
    v_str(&v[6], e->destination_text);
    v_str(&v[7], e->evidence);
    return e;
}

static int fill_displacement_line(layer_ctx *ctx, size_t index)
{
    const kvm_event *e = displacement_values(ctx, index);
    if (!e || !e->origin || !e->destination)
        return 0;
    set_line(ctx, lonlat_of(e->origin), lonlat_of(e->destination));
    return 1;
}

static int fill_displacement_point(layer_ctx *ctx, size_t index)
{
    const kvm_event *e = displacement_values(ctx, index);
    if (!e || (e->origin && e->destination))
        return 0;
    const kvm_place *at = e->origin ? e->origin : e->destination ? e->destination : e->place;
    if (!at)
        return 0;
    set_point(ctx, at);
    return 1;
}

/* places -------------------------------------------------------------------- */

static const kvm_xfield place_fields[] = {
    {"GAZ_ID", "gazetteer_id", 'C', 60, 0}, {"NAME", "name", 'C', 80, 0},
    {"KIND", "kind", 'C', 16, 0},           {"ADMIN1", "admin1", 'C', 60, 0},
    {"ADMIN2", "admin2", 'C', 60, 0},       {"ISO2", "iso2", 'C', 2, 0},
    {"MENTIONS", "mentions", 'N', 9, 0},    {"EVENTS", "events", 'N', 9, 0},
};

typedef struct place_slot {
    const kvm_place *place;
    size_t index;
} place_slot;

static int compare_slots(const void *a, const void *b)
{
    const kvm_place *pa = ((const place_slot *)a)->place, *pb = ((const place_slot *)b)->place;
    return (uintptr_t)pa < (uintptr_t)pb ? -1 : (uintptr_t)pa > (uintptr_t)pb;
}

/* Events per place (by the set's interned pointer). */
static size_t *count_place_events(const kvm_eventset *set)
{
    size_t np = kvm_eventset_place_count(set);
    size_t *counts = calloc(np ? np : 1, sizeof *counts);
    place_slot *slots = kvm_alloc_array(np ? np : 1, sizeof *slots);
    if (!counts || !slots) {
        free(counts);
        free(slots);
        return NULL;
    }
    for (size_t i = 0; i < np; i++) {
        slots[i].place = kvm_eventset_place(set, i);
        slots[i].index = i;
    }
    qsort(slots, np, sizeof *slots, compare_slots);
    size_t ne = kvm_eventset_event_count(set);
    for (size_t i = 0; i < ne; i++) {
        place_slot key = {kvm_eventset_event(set, i)->place, 0};
        if (!key.place)
            continue;
        place_slot *hit = bsearch(&key, slots, np, sizeof *slots, compare_slots);
        if (hit)
            counts[hit->index]++;
    }
    free(slots);
    return counts;
}

static int fill_place(layer_ctx *ctx, size_t index)
{
    const kvm_place *p = kvm_eventset_place(ctx->set, index);
    kvm_xvalue *v = ctx->values;
    v_str(&v[0], p->id);
    v_str(&v[1], p->name);
    v_str(&v[2], kvm_place_kind_name(p->kind));
    v_str(&v[3], p->admin1);
    v_str(&v[4], p->admin2);
    v_str(&v[5], p->country);
    v_int(&v[6], (long long)kvm_eventset_place_mentions(ctx->set, p));
    v_int(&v[7], ctx->place_events ? (long long)ctx->place_events[index] : 0);
    set_point(ctx, p);
    return 1;
}

/* claims -------------------------------------------------------------------- */

static const kvm_xfield claim_fields[] = {
    {"FROM_LOC", "from_location", 'C', 80, 0},    {"TO_LOC", "to_location", 'C', 80, 0},
    {"FROM_ID", "from_gazetteer_id", 'C', 60, 0}, {"TO_ID", "to_gazetteer_id", 'C', 60, 0},
    {"STATED_KM", "stated_km", 'N', 12, 3},       {"STATED_MI", "stated_miles", 'N', 12, 3},
    {"CALC_KM", "computed_km", 'N', 12, 3},       {"RATIO", "ratio", 'N', 10, 3},
    {"BEARING", "bearing_deg", 'N', 8, 1},        {"DIRECTION", "direction", 'C', 8, 0},
    {"VERDICT", "verdict", 'C', 16, 0},           {"NOTES", "notes", 'C', 254, 0},
};

static int fill_claim(layer_ctx *ctx, size_t index)
{
    const kvm_claim *c = kvm_eventset_claim(ctx->set, index);
    if (!c->from || !c->to)
        return 0;
    kvm_xvalue *v = ctx->values;
    /* drawn from the reference place (c->to) to the place it locates */
    v_str(&v[0], c->to->name);
    v_str(&v[1], c->from->name);
    v_str(&v[2], c->to->id);
    v_str(&v[3], c->from->id);
    v_real(&v[4], c->stated_km);
    v_real(&v[5], c->stated_miles);
    v[5].is_null = !(c->stated_miles > 0);
    v_real(&v[6], c->computed_km);
    v_real(&v[7], c->ratio);
    v[7].is_null = !(c->computed_km > 0) || !isfinite(c->ratio);
    v_real(&v[8], c->bearing_deg);
    v_str(&v[9], c->direction);
    v_str(&v[10], c->verdict == KVM_VERDICT_NONE ? "" : kvm_verdict_name(c->verdict));
    v_str(&v[11], c->evidence);
    set_line(ctx, lonlat_of(c->to), lonlat_of(c->from));
    return 1;
}

static const layer_def layers[] = {
    {"events", KVM_XGEOM_POINT, event_fields, N_OF(event_fields), kvm_eventset_event_count,
     fill_event},
    {"advances", KVM_XGEOM_LINE, advance_fields, N_OF(advance_fields), kvm_eventset_advance_count,
     fill_advance},
    {"displacement", KVM_XGEOM_LINE, displacement_fields, N_OF(displacement_fields),
     kvm_eventset_event_count, fill_displacement_line},
    {"displacement_points", KVM_XGEOM_POINT, displacement_fields, N_OF(displacement_fields),
     kvm_eventset_event_count, fill_displacement_point},
    {"places", KVM_XGEOM_POINT, place_fields, N_OF(place_fields), kvm_eventset_place_count,
     fill_place},
    {"claims", KVM_XGEOM_LINE, claim_fields, N_OF(claim_fields), kvm_eventset_claim_count,
     fill_claim},
};

/* ---- Writing one layer in one format ------------------------------------ */

typedef struct rename_pair {
    char *tmp;
    char *final;
} rename_pair;

/* Files written under temporary names, renamed together at the end. */
typedef struct pending {
    rename_pair *items;
    size_t count;
    size_t cap;
} pending;

/* Takes ownership of both strings (freed on failure too). */
static int pending_add(pending *pd, char *tmp, char *final)
{
    if (!tmp || !final ||
        kvm_grow((void **)&pd->items, &pd->cap, pd->count + 1, sizeof *pd->items) != 0) {
        if (tmp)
            unlink(tmp);
        free(tmp);
        free(final);
        return -1;
    }
    pd->items[pd->count].tmp = tmp;
    pd->items[pd->count].final = final;
    pd->count++;
    return 0;
}

static void pending_free(pending *pd)
{
    for (size_t i = 0; i < pd->count; i++) {
        free(pd->items[i].tmp);
        free(pd->items[i].final);
    }
    free(pd->items);
    memset(pd, 0, sizeof *pd);
}

static void pending_abort(pending *pd)
{
    for (size_t i = 0; i < pd->count; i++)
        unlink(pd->items[i].tmp);
    pending_free(pd);
}

static kvm_status pending_commit(pending *pd, kvm_error *err)
{
    kvm_status st = KVM_OK;
    for (size_t i = 0; i < pd->count; i++) {
        if (st == KVM_OK && rename(pd->items[i].tmp, pd->items[i].final) != 0)
            st = kvm_error_set(err, KVM_ERR_IO, "cannot rename into '%s': %s", pd->items[i].final,
                               strerror(errno));
        if (st != KVM_OK)
            unlink(pd->items[i].tmp);
    }
    pending_free(pd);
    return st;
}

static char *concat3(const char *a, const char *b, const char *c)
{
    size_t na = strlen(a), nb = strlen(b), nc = strlen(c);
    char *p = malloc(na + nb + nc + 1);
    if (p) {
        memcpy(p, a, na);
        memcpy(p + na, b, nb);
        memcpy(p + na + nb, c, nc + 1);
    }
    return p;
}

static kvm_status nomem(kvm_error *err)
{
    return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
}

/* Text fields are as wide as their longest value needs (at least
 * MIN_TEXT_WIDTH, at most the layer's width: 254 for notes), like GDAL's
 * RESIZE=YES: DBF records are fixed-width, so padding every note to 254
 * bytes would double the files and the time spent writing them. */
enum { MIN_TEXT_WIDTH = 20 };

static void fit_text_widths(layer_ctx *ctx, const layer_def *def, kvm_xfield *out)
{
    size_t need[MAX_FIELDS] = {0};
    memcpy(out, def->fields, def->n_fields * sizeof *out);
    size_t n = def->count(ctx->set);
    for (size_t i = 0; i < n; i++) {
        if (!def->fill(ctx, i))
            continue;
        for (size_t f = 0; f < def->n_fields; f++) {
            const kvm_xvalue *v = &ctx->values[f];
            if (out[f].type != 'C' || v->is_null || !v->s)
                continue;
            size_t len = strlen(v->s);
            if (len > need[f])
                need[f] = kvm_utf8_truncate(v->s, len, (size_t)out[f].width);
        }
    }
    for (size_t f = 0; f < def->n_fields; f++) {
        if (out[f].type != 'C')
            continue;
        int floor_width = out[f].width < MIN_TEXT_WIDTH ? out[f].width : MIN_TEXT_WIDTH;
        out[f].width = need[f] > (size_t)floor_width ? (int)need[f] : floor_width;
    }
}

/* final_base: "<dir>/<layer>" without extension. */
static kvm_status write_layer_shp(layer_ctx *ctx, const layer_def *def, const char *final_base,
                                  pending *pd, kvm_error *err)
{
    char *tmp_base = kvm_temp_path_for(final_base);
    if (!tmp_base)
        return nomem(err);
    kvm_xfield fields[MAX_FIELDS];
    fit_text_widths(ctx, def, fields);
    kvm_shp_writer *w;
    kvm_status st = kvm_shp_writer_open(tmp_base, def->geom, fields, def->n_fields, &w, err);
    if (st != KVM_OK) {
        free(tmp_base);
        return st;
    }
    size_t n = def->count(ctx->set);
    for (size_t i = 0; i < n; i++)
        if (def->fill(ctx, i))
            kvm_shp_writer_add(w, ctx->points, ctx->n_points, ctx->values);
    st = kvm_shp_writer_close(w, err);
    for (size_t i = 0; st == KVM_OK && kvm_shp_extensions[i]; i++) {
        if (pending_add(pd, concat3(tmp_base, kvm_shp_extensions[i], ""),
                        concat3(final_base, kvm_shp_extensions[i], "")) != 0)
            st = nomem(err);
    }
    if (st != KVM_OK) /* files already in pd are removed by the caller */
        for (size_t i = 0; kvm_shp_extensions[i]; i++) {
            char *p = concat3(tmp_base, kvm_shp_extensions[i], "");
            if (p)
                unlink(p);
            free(p);
        }
    free(tmp_base);
    return st;
}

static kvm_status io_error(kvm_error *err, const char *path, int e)
{
    return kvm_error_set(err, KVM_ERR_IO, "cannot write '%s': %s", path, strerror(e));
}

typedef void (*text_body)(layer_ctx *ctx, const layer_def *def, kvm_xfile *xf);

/* Writes final_path through a temporary file and queues the rename. */
static kvm_status write_text_file(layer_ctx *ctx, const layer_def *def, const char *final_path,
                                  text_body body, pending *pd, kvm_error *err)
{
    char *tmp = kvm_temp_path_for(final_path);
    if (!tmp)
        return nomem(err);
    kvm_xfile xf;
    int rc = kvm_xf_open_fd(&xf, tmp, 0);
    if (rc != 0) {
        free(tmp);
        return io_error(err, final_path, rc);
    }
    body(ctx, def, &xf);
    rc = kvm_xf_close(&xf);
    if (rc != 0) {
        unlink(tmp);
        free(tmp);
        return io_error(err, final_path, rc);
    }
    if (pending_add(pd, tmp, kvm_strdup(final_path)) != 0)
        return nomem(err);
    return KVM_OK;
}

static void geojson_body(layer_ctx *ctx, const layer_def *def, kvm_xfile *xf)
{
    kvm_geojson_begin(xf, def->name);
    size_t n = def->count(ctx->set), written = 0;
    for (size_t i = 0; i < n && !xf->err_no; i++)
        if (def->fill(ctx, i))
            kvm_geojson_feature(xf, written++, def->fields, def->n_fields, ctx->values, def->geom,
                                ctx->points, ctx->n_points);
    kvm_geojson_end(xf);
}

static void csv_layer_body(layer_ctx *ctx, const layer_def *def, kvm_xfile *xf)
{
    kvm_csv_header(xf, def->fields, def->n_fields);
    size_t n = def->count(ctx->set);
    for (size_t i = 0; i < n && !xf->err_no; i++)
        if (def->fill(ctx, i))
            kvm_csv_row(xf, def->fields, def->n_fields, ctx->values);
}

static void csv_events_body(layer_ctx *ctx, const layer_def *def, kvm_xfile *xf)
{
    (void)def;
    kvm_csv_events(xf, ctx->set);
}

static const layer_def *find_layer(const char *name)
{
    for (size_t i = 0; i < N_OF(layers); i++)
        if (strcmp(layers[i].name, name) == 0)
            return &layers[i];
    return NULL;
}

static void ctx_init(layer_ctx *ctx, const kvm_eventset *set)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->set = set;
}

static void ctx_free(layer_ctx *ctx)
{
    free(ctx->scratch);
    free(ctx->place_events);
}

/* ---- Directory export --------------------------------------------------- */

/* Makes sure dir exists: an existing directory, or one new level below an
 * existing parent.  *pcreated tells the caller to remove it on failure. */
static kvm_status prepare_directory(const char *dir, int *pcreated, kvm_error *err)
{
    struct stat st;
    *pcreated = 0;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return kvm_error_set(err, KVM_ERR_IO, "cannot write into '%s': Not a directory", dir);
        return KVM_OK;
    }
    if (errno != ENOENT)
        return kvm_error_set(err, KVM_ERR_IO, "cannot write into '%s': %s", dir, strerror(errno));
    if (mkdir(dir, 0777) == 0) {
        *pcreated = 1;
        return KVM_OK;
    }
    int e = errno;
    if (e == ENOENT) {
        char *parent = kvm_strdup(dir);
        if (!parent)
            return nomem(err);
        size_t n = strlen(parent);
        while (n > 1 && parent[n - 1] == '/')
            parent[--n] = '\0';
        char *slash = strrchr(parent, '/');
        if (slash && slash != parent)
            *slash = '\0';
        else if (slash)
            slash[1] = '\0';
        kvm_status s =
            kvm_error_set(err, KVM_ERR_IO,
                          "cannot create '%s': parent directory '%s' does not exist", dir, parent);
        free(parent);
        return s;
    }
    return kvm_error_set(err, KVM_ERR_IO, "cannot create '%s': %s", dir, strerror(e));
}

int kvm_export_parse_formats(const char *text, kvm_error *err)
{
    int mask = 0;
    const char *p = text;
    while (1) {
        size_t n = strcspn(p, ",");
        if (n == 3 && strncmp(p, "shp", 3) == 0)
            mask |= KVM_EXPORT_SHP;
        else if (n == 7 && strncmp(p, "geojson", 7) == 0)
            mask |= KVM_EXPORT_GEOJSON;
        else if (n == 3 && strncmp(p, "csv", 3) == 0)
            mask |= KVM_EXPORT_CSV;
        else if (n == 3 && strncmp(p, "all", 3) == 0)
            mask |= KVM_EXPORT_ALL;
        else {
            kvm_error_set(err, KVM_ERR_INVALID,
                          "unknown format '%.*s' (expected shp, geojson, csv or all)", (int)n, p);
            return 0;
        }
        if (!p[n])
            break;
        p += n + 1;
    }
    return mask;
}

kvm_status kvm_export_directory(const kvm_eventset *set, const char *dir, int formats,
                                kvm_error *err)
{
    if (!set || !dir || !dir[0] || (formats & KVM_EXPORT_ALL) == 0)
        return kvm_error_set(err, KVM_ERR_INVALID, "nothing to export");
    if (kvm_eventset_status(set) != KVM_OK)
        return kvm_error_set(err, kvm_eventset_status(set),
                             "cannot export: the event set is "
                             "incomplete (%s)",
                             kvm_status_to_string(kvm_eventset_status(set)));
    int created;
    kvm_status st = prepare_directory(dir, &created, err);
    if (st != KVM_OK)
        return st;
    layer_ctx *ctx = malloc(sizeof *ctx);
    if (!ctx)
        return nomem(err);
    ctx_init(ctx, set);
    ctx->place_events = count_place_events(set);
    pending pd = {0};
    if (!ctx->place_events)
        st = nomem(err);
    for (size_t i = 0; st == KVM_OK && i < N_OF(layers); i++) {
        const layer_def *def = &layers[i];
        char *base = concat3(dir, "/", def->name);
        if (!base) {
            st = nomem(err);
            break;
        }
        if (formats & KVM_EXPORT_SHP)
            st = write_layer_shp(ctx, def, base, &pd, err);
        if (st == KVM_OK && (formats & KVM_EXPORT_GEOJSON)) {
            char *path = concat3(base, ".geojson", "");
            st = path ? write_text_file(ctx, def, path, geojson_body, &pd, err) : nomem(err);
            free(path);
        }
        free(base);
    }
    if (st == KVM_OK && (formats & KVM_EXPORT_CSV)) {
        static const char *const csv_layers[] = {"events", "advances", "claims"};
        for (size_t i = 0; st == KVM_OK && i < N_OF(csv_layers); i++) {
            const layer_def *def = find_layer(csv_layers[i]);
            char *path = concat3(dir, "/", csv_layers[i]);
            char *full = path ? concat3(path, ".csv", "") : NULL;
            if (!full)
                st = nomem(err);
            else
                st = write_text_file(ctx, def, full, i == 0 ? csv_events_body : csv_layer_body, &pd,
                                     err);
            free(path);
            free(full);
        }
    }
    if (st == KVM_OK)
        st = pending_commit(&pd, err);
    else
        pending_abort(&pd);
    if (st != KVM_OK && created)
        rmdir(dir);
    ctx_free(ctx);
    free(ctx);
    return st;
}

/* ---- Streams (extract --format csv|geojson) ------------------------------ */

static kvm_status stream_finish(kvm_xfile *xf, kvm_error *err)
{
    int rc = kvm_xf_close(xf);
    if (rc != 0)
        return kvm_error_set(err, KVM_ERR_IO, "cannot write output: %s", strerror(rc));
    return KVM_OK;
}

kvm_status kvm_export_events_csv(const kvm_eventset *set, FILE *out, kvm_error *err)
{
    kvm_xfile xf;
    if (kvm_xf_open_stream(&xf, out) != 0)
        return nomem(err);
    kvm_csv_events(&xf, set);
    return stream_finish(&xf, err);
}

kvm_status kvm_export_events_geojson(const kvm_eventset *set, FILE *out, kvm_error *err)
{
    kvm_xfile xf;
    if (kvm_xf_open_stream(&xf, out) != 0)
        return nomem(err);
    layer_ctx *ctx = malloc(sizeof *ctx);
    if (!ctx) {
        kvm_xf_close(&xf);
        return nomem(err);
    }
    ctx_init(ctx, set);
    geojson_body(ctx, find_layer("events"), &xf);
    ctx_free(ctx);
    free(ctx);
    return stream_finish(&xf, err);
}

/* ---- Legs (kivumap distance -o) ------------------------------------------ */

static const kvm_xfield leg_fields[] = {
    {"FROM_ID", "from_id", 'C', 60, 0},     {"TO_ID", "to_id", 'C', 60, 0},
    {"FROM_NAME", "from_name", 'C', 80, 0}, {"TO_NAME", "to_name", 'C', 80, 0},
    {"DIST_KM", "dist_km", 'N', 12, 3},     {"AZ1_DEG", "az1_deg", 'N', 8, 1},
};

typedef struct legs_input {
    const kvm_lonlat *points;
    const char *const *ids;
    const char *const *names;
    size_t n_points;
    const double *dist_km;
    const double *az1_deg;
} legs_input;

static void fill_leg(layer_ctx *ctx, const legs_input *in, size_t i)
{
    kvm_xvalue *v = ctx->values;
    const char *from_id = in->ids ? in->ids[i] : "", *to_id = in->ids ? in->ids[i + 1] : "";
    v_str(&v[0], from_id);
    v_str(&v[1], to_id);
    v_str(&v[2], in->names ? in->names[i] : from_id);
    v_str(&v[3], in->names ? in->names[i + 1] : to_id);
    double km = 0, az = 0;
    kvm_geodesic_inverse(in->points[i], in->points[i + 1], &km, &az, NULL);
    v_real(&v[4], in->dist_km ? in->dist_km[i] : km);
    v_real(&v[5], in->az1_deg ? in->az1_deg[i] : az);
    set_line(ctx, in->points[i], in->points[i + 1]);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

kvm_status kvm_export_legs(const char *path, const kvm_lonlat *points, const char *const *ids,
                           const char *const *names, size_t n_points, const double *dist_km,
                           const double *az1_deg, kvm_error *err)
{
    if (!path || !points || n_points < 2)
        return kvm_error_set(err, KVM_ERR_INVALID, "legs need at least two points");
    for (size_t i = 0; i < n_points; i++)
        if (!(fabs(points[i].lat) <= 90.0) || !(fabs(points[i].lon) <= 180.0))
            return kvm_error_set(err, KVM_ERR_INVALID, "point %zu out of range", i + 1);
    int shp = ends_with(path, ".shp");
    if (!shp && !ends_with(path, ".geojson") && !ends_with(path, ".json"))
        return kvm_error_set(err, KVM_ERR_INVALID,
                             "unknown output format for '%s' (expected .shp or .geojson)", path);
    legs_input in = {points, ids, names, n_points, dist_km, az1_deg};
    layer_ctx *ctx = malloc(sizeof *ctx);
    if (!ctx)
        return nomem(err);
    ctx_init(ctx, NULL);
    kvm_status st = KVM_OK;
    pending pd = {0};
    if (shp) {
        char *final_base = kvm_strndup(path, strlen(path) - 4);
        char *tmp_base = final_base ? kvm_temp_path_for(final_base) : NULL;
        kvm_shp_writer *w = NULL;
        if (!tmp_base)
            st = nomem(err);
        else
            st = kvm_shp_writer_open(tmp_base, KVM_XGEOM_LINE, leg_fields, N_OF(leg_fields), &w,
                                     err);
        if (st == KVM_OK) {
            for (size_t i = 0; i + 1 < n_points; i++) {
                fill_leg(ctx, &in, i);
                kvm_shp_writer_add(w, ctx->points, ctx->n_points, ctx->values);
            }
            st = kvm_shp_writer_close(w, err);
        }
        for (size_t i = 0; st == KVM_OK && kvm_shp_extensions[i]; i++)
            if (pending_add(&pd, concat3(tmp_base, kvm_shp_extensions[i], ""),
                            concat3(final_base, kvm_shp_extensions[i], "")) != 0)
                st = nomem(err);
        free(final_base);
        free(tmp_base);
    } else {
        char *tmp = kvm_temp_path_for(path);
        kvm_xfile xf;
        int rc = tmp ? kvm_xf_open_fd(&xf, tmp, 0) : ENOMEM;
        if (rc != 0) {
            st = io_error(err, path, rc);
        } else {
            kvm_geojson_begin(&xf, "legs");
            for (size_t i = 0; i + 1 < n_points; i++) {
                fill_leg(ctx, &in, i);
                kvm_geojson_feature(&xf, i, leg_fields, N_OF(leg_fields), ctx->values,
                                    KVM_XGEOM_LINE, ctx->points, ctx->n_points);
            }
            kvm_geojson_end(&xf);
            rc = kvm_xf_close(&xf);
            if (rc != 0) {
                unlink(tmp);
                st = io_error(err, path, rc);
            } else if (pending_add(&pd, tmp, kvm_strdup(path)) != 0) {
                tmp = NULL;
                st = nomem(err);
            } else {
                tmp = NULL;
            }
        }
        free(tmp);
    }
    if (st == KVM_OK)
        st = pending_commit(&pd, err);
    else
        pending_abort(&pd);
    ctx_free(ctx);
    free(ctx);
    return st;
}
