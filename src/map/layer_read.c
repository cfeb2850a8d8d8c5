/* Reads map layers with shapelib: the bundled base map from memory (through
 * shapelib's SAHooks over the embedded files) and user shapefiles from disk,
 * reprojected to WGS84 when their .prj names another CRS.  The only file of
 * src/map/ that includes shapefil.h. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <shapefil.h>

#include "embedded.h"
#include "map/map_internal.h"
#include "util.h"

/* Largest .prj read; real ones are a few kB. */
#define PRJ_MAX_BYTES (64u * 1024u)

/* ---- In-memory files for shapelib -------------------------------------- */

typedef struct mem_file {
    const unsigned char *data;
    size_t len;
    size_t pos;
} mem_file;

/* shapelib asks for "basemap/lakes.shp", then the upper-case variant; the
 * name is looked up among the embedded files. */
static SAFile mem_open(const char *filename, const char *access)
{
    if (!access || access[0] != 'r' || strchr(access, '+'))
        return NULL;
    size_t len = 0;
    const unsigned char *data = kvm_embedded_find(filename, &len);
    if (!data)
        return NULL;
    mem_file *f = malloc(sizeof *f);
    if (!f)
        return NULL;
    f->data = data;
    f->len = len;
    f->pos = 0;
    return (SAFile)(void *)f;
}

static SAOffset mem_read(void *p, SAOffset size, SAOffset nmemb, SAFile file)
{
    mem_file *f = (mem_file *)(void *)file;
    if (size == 0)
        return 0;
    size_t avail = f->len - f->pos;
    size_t n = (size_t)nmemb;
    if (n > avail / (size_t)size)
        n = avail / (size_t)size;
    memcpy(p, f->data + f->pos, n * (size_t)size);
    f->pos += n * (size_t)size;
    return (SAOffset)n;
}

static SAOffset mem_write(void *p, SAOffset size, SAOffset nmemb, SAFile file)
{
    (void)p;
    (void)size;
    (void)nmemb;
    (void)file;
    return 0;
}

static SAOffset mem_seek(SAFile file, SAOffset offset, int whence)
{
    mem_file *f = (mem_file *)(void *)file;
    size_t base = whence == SEEK_CUR ? f->pos : whence == SEEK_END ? f->len : 0;
    if ((size_t)offset > f->len - (base > f->len ? f->len : base))
        return (SAOffset)-1;
    f->pos = base + (size_t)offset;
    return 0;
}

static SAOffset mem_tell(SAFile file)
{
    return (SAOffset)((mem_file *)(void *)file)->pos;
}

static int mem_flush(SAFile file)
{
    (void)file;
    return 0;
}

static int mem_close(SAFile file)
{
    free((void *)file);
    return 0;
}

static int mem_remove(const char *filename)
{
    (void)filename;
    return -1;
}

/* The library never prints: shapelib's messages are dropped and the caller
 * reports a failure in its own words. */
static void quiet_error(const char *message)
{
    (void)message;
}

static double plain_atof(const char *text)
{
    return strtod(text, NULL);
}

static void setup_memory_hooks(SAHooks *hooks)
{
    hooks->FOpen = mem_open;
    hooks->FRead = mem_read;
    hooks->FWrite = mem_write;
    hooks->FSeek = mem_seek;
    hooks->FTell = mem_tell;
    hooks->FFlush = mem_flush;
    hooks->FClose = mem_close;
    hooks->Remove = mem_remove;
    hooks->Error = quiet_error;
    hooks->Atof = plain_atof;
}

static void setup_disk_hooks(SAHooks *hooks)
{
    SASetupDefaultHooks(hooks);
    hooks->Error = quiet_error;
    hooks->Atof = plain_atof;
}

/* ---- Layer building ----------------------------------------------------- */

void map_layer_free(map_layer *layer)
{
    if (!layer)
        return;
    for (size_t i = 0; i < layer->n_features; i++) {
        free(layer->features[i].name);
        free(layer->features[i].iso2);
        free(layer->features[i].ref);
        free(layer->features[i].type);
    }
    free(layer->features);
    free(layer->part_start);
    free(layer->lon);
    free(layer->lat);
    free(layer->x);
    free(layer->y);
    free(layer->ok);
    free(layer->name);
    free(layer);
}

static char *read_attribute(DBFHandle dbf, int record, const char *const *names)
{
    if (dbf) {
        for (size_t i = 0; names[i]; i++) {
            int field = DBFGetFieldIndex(dbf, names[i]);
            if (field < 0 || DBFIsAttributeNULL(dbf, record, field))
                continue;
            const char *value = DBFReadStringAttribute(dbf, record, field);
            if (value)
                return kvm_strdup(value);
        }
    }
    return kvm_strdup("");
}

static map_geom_kind geom_kind_of(int shp_type)
{
    switch (shp_type) {
    case SHPT_ARC:
    case SHPT_ARCZ:
    case SHPT_ARCM:
        return MAP_GEOM_LINE;
    case SHPT_POLYGON:
    case SHPT_POLYGONZ:
    case SHPT_POLYGONM:
    case SHPT_MULTIPATCH:
        return MAP_GEOM_POLYGON;
    default:
        return MAP_GEOM_POINT;
    }
}

/* Reads every shape and its attributes into a new layer. */
static kvm_status read_shapes(SHPHandle shp, DBFHandle dbf, const char *label,
                              map_layer **player, kvm_error *err)
{
    static const char *const name_fields[] = {"NAME", "name", "NAME_EN", "NOM", NULL};
    static const char *const iso_fields[] = {"ISO2", "iso_a2", "ISO_A2", NULL};
    static const char *const ref_fields[] = {"REF", NULL};
    static const char *const type_fields[] = {"TYPE", NULL};
    int n_entities = 0, shp_type = 0;
    SHPGetInfo(shp, &n_entities, &shp_type, NULL, NULL);
    if (n_entities < 0)
        n_entities = 0;
    map_layer *layer = calloc(1, sizeof *layer);
    if (!layer)
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory reading layer '%s'", label);
    layer->name = kvm_strdup(label);
    layer->kind = geom_kind_of(shp_type);
    layer->features = kvm_alloc_array((size_t)n_entities + 1, sizeof *layer->features);
    size_t cap_parts = 0, cap_points = 0;
    if (!layer->name || !layer->features)
        goto nomem;
    for (int i = 0; i < n_entities; i++) {
        SHPObject *obj = SHPReadObject(shp, i);
        if (!obj)
            continue;
        if (obj->nVertices <= 0 || obj->nSHPType == SHPT_NULL) {
            SHPDestroyObject(obj);
            continue;
        }
        int n_parts = obj->nParts > 0 ? obj->nParts : 1;
        if (kvm_grow((void **)&layer->part_start, &cap_parts, layer->n_parts + (size_t)n_parts + 1,
                     sizeof *layer->part_start) != 0 ||
            kvm_grow((void **)&layer->lon, &cap_points, layer->n_points + (size_t)obj->nVertices,
                     sizeof *layer->lon) != 0) {
            SHPDestroyObject(obj);
            goto nomem;
        }
        /* lat grows in step with lon (same capacity) */
        double *lat = kvm_realloc_array(layer->lat, cap_points, sizeof *layer->lat);
        if (!lat) {
            SHPDestroyObject(obj);
            goto nomem;
        }
        layer->lat = lat;
        map_feature *f = &layer->features[layer->n_features];
        memset(f, 0, sizeof *f);
        f->first_part = layer->n_parts;
        f->n_parts = (size_t)n_parts;
        f->box.west = obj->dfXMin;
        f->box.east = obj->dfXMax;
        f->box.south = obj->dfYMin;
        f->box.north = obj->dfYMax;
        for (int p = 0; p < n_parts; p++) {
            int start = obj->nParts > 0 ? obj->panPartStart[p] : 0;
            if (start < 0 || start > obj->nVertices)
                start = obj->nVertices;
            layer->part_start[layer->n_parts++] = layer->n_points + (size_t)start;
        }
        for (int v = 0; v < obj->nVertices; v++) {
            layer->lon[layer->n_points + (size_t)v] = obj->padfX[v];
            layer->lat[layer->n_points + (size_t)v] = obj->padfY[v];
        }
        layer->n_points += (size_t)obj->nVertices;
        layer->part_start[layer->n_parts] = layer->n_points;
        f->name = read_attribute(dbf, i, name_fields);
        f->iso2 = read_attribute(dbf, i, iso_fields);
        f->ref = read_attribute(dbf, i, ref_fields);
        f->type = read_attribute(dbf, i, type_fields);
        layer->n_features++;
        SHPDestroyObject(obj);
        if (!f->name || !f->iso2 || !f->ref || !f->type)
            goto nomem;
    }
    if (!layer->part_start) {
        layer->part_start = calloc(1, sizeof *layer->part_start);
        if (!layer->part_start)
            goto nomem;
    }
    *player = layer;
    return KVM_OK;
nomem:
    map_layer_free(layer);
    return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory reading layer '%s'", label);
}

/* A .prj that already means WGS84 longitude/latitude needs no PROJ call. */
static int prj_is_wgs84(const char *wkt)
{
    while (*wkt && isspace((unsigned char)*wkt))
        wkt++;
    if (strncmp(wkt, "GEOGCS", 6) != 0 && strncmp(wkt, "GEOGCRS", 7) != 0)
        return 0;
    return strstr(wkt, "WGS_1984") != NULL || strstr(wkt, "WGS 84") != NULL ||
           strstr(wkt, "WGS84") != NULL;
}

static int coordinates_are_degrees(const map_layer *layer)
{
    for (size_t i = 0; i < layer->n_points; i++)
        if (!(fabs(layer->lon[i]) <= 180.0 && fabs(layer->lat[i]) <= 90.0))
            return 0;
    return 1;
}

/* Brings the layer to WGS84 lon/lat given its .prj text (NULL if none). */
static kvm_status to_wgs84(map_layer *layer, const char *prj, const char *label, kvm_error *err)
{
    if (!prj || prj_is_wgs84(prj)) {
        if (!coordinates_are_degrees(layer))
            return kvm_error_set(err, KVM_ERR_INVALID,
                                 "layer '%s' has coordinates that are not longitude/latitude "
                                 "and no .prj saying which CRS they are in",
                                 label);
        return KVM_OK;
    }
    kvm_error perr = {0};
    if (layer->n_points > 0 &&
        kvm_reproject_to_wgs84(prj, layer->lon, layer->lat, layer->n_points, &perr) != KVM_OK)
        return kvm_error_set(err, KVM_ERR_PROJ, "cannot reproject layer '%s': %s", label,
                             perr.message);
    for (size_t i = 0; i < layer->n_features; i++) {
        map_feature *f = &layer->features[i];
        size_t a = layer->part_start[f->first_part];
        size_t b = layer->part_start[f->first_part + f->n_parts];
        f->box.west = f->box.south = HUGE_VAL;
        f->box.east = f->box.north = -HUGE_VAL;
        for (size_t v = a; v < b; v++) {
            f->box.west = fmin(f->box.west, layer->lon[v]);
            f->box.east = fmax(f->box.east, layer->lon[v]);
            f->box.south = fmin(f->box.south, layer->lat[v]);
            f->box.north = fmax(f->box.north, layer->lat[v]);
        }
    }
    return KVM_OK;
}

static kvm_status open_and_read(const char *shp_name, SAHooks *hooks, const char *prj,
                                const char *label, map_layer **player, kvm_error *err)
{
    SHPHandle shp = SHPOpenLL(shp_name, "rb", hooks);
    if (!shp)
        return kvm_error_set(err, KVM_ERR_IO, "cannot read shapefile '%s'", label);
    DBFHandle dbf = DBFOpenLL(shp_name, "rb", hooks);
    map_layer *layer = NULL;
    kvm_status st = read_shapes(shp, dbf, label, &layer, err);
    SHPClose(shp);
    if (dbf)
        DBFClose(dbf);
    if (st == KVM_OK)
        st = to_wgs84(layer, prj, label, err);
    if (st != KVM_OK) {
        map_layer_free(layer);
        return st;
    }
    *player = layer;
    return KVM_OK;
}

/* "dir/name.prj" next to a .shp path: replaces the extension. */
static char *sibling_path(const char *shp_path, const char *ext)
{
    size_t len = strlen(shp_path);
    const char *dot = strrchr(shp_path, '.');
    const char *slash = strrchr(shp_path, '/');
    if (dot && (!slash || dot > slash))
        len = (size_t)(dot - shp_path);
    char *out = malloc(len + strlen(ext) + 1);
    if (!out)
        return NULL;
    memcpy(out, shp_path, len);
    strcpy(out + len, ext);
    return out;
}

static char *read_prj_file(const char *shp_path)
{
    static const char *const exts[] = {".prj", ".PRJ"};
    for (size_t i = 0; i < 2; i++) {
        char *path = sibling_path(shp_path, exts[i]);
        char *data = NULL;
        size_t len = 0;
        kvm_status st = path ? kvm_read_file(path, PRJ_MAX_BYTES, &data, &len, NULL) : KVM_ERR_NOMEM;
        free(path);
        if (st == KVM_OK)
            return data;
    }
    return NULL;
}

kvm_status map_layer_read_file(const char *shp_path, map_layer **player, kvm_error *err)
{
    *player = NULL;
    FILE *probe = fopen(shp_path, "rb");
    if (!probe)
        return kvm_error_set(err, KVM_ERR_IO, "cannot open '%s': %s", shp_path, strerror(errno));
    fclose(probe);
    SAHooks hooks;
    setup_disk_hooks(&hooks);
    char *prj = read_prj_file(shp_path);
    kvm_status st = open_and_read(shp_path, &hooks, prj, shp_path, player, err);
    free(prj);
    return st;
}

kvm_status map_layer_read_base(const char *basemap_dir, const char *name, map_layer **player,
                               kvm_error *err)
{
    *player = NULL;
    char shp_name[256];
    if (basemap_dir) {
        size_t len = strlen(basemap_dir) + strlen(name) + 8;
        char *path = malloc(len);
        if (!path)
            return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
        snprintf(path, len, "%s/%s.shp", basemap_dir, name);
        FILE *probe = fopen(path, "rb");
        kvm_status st;
        if (!probe) {
            st = kvm_error_set(err, KVM_ERR_NOT_FOUND, "no base layer '%s'", path);
        } else {
            fclose(probe);
            st = map_layer_read_file(path, player, err);
        }
        free(path);
        return st;
    }
    size_t len = 0;
    snprintf(shp_name, sizeof shp_name, "basemap/%s.shp", name);
    if (!kvm_embedded_find(shp_name, &len))
        return kvm_error_set(err, KVM_ERR_NOT_FOUND, "no bundled base layer '%s'", name);
    char prj_name[256];
    snprintf(prj_name, sizeof prj_name, "basemap/%s.prj", name);
    const char *prj = (const char *)kvm_embedded_find(prj_name, &len);
    SAHooks hooks;
    setup_memory_hooks(&hooks);
    return open_and_read(shp_name, &hooks, prj, shp_name, player, err);
}

kvm_status map_layer_project(map_layer *layer, const kvm_projection *proj, kvm_bbox within,
                             kvm_error *err)
{
    free(layer->x);
    free(layer->y);
    free(layer->ok);
    layer->x = kvm_alloc_array(layer->n_points + 1, sizeof *layer->x);
    layer->y = kvm_alloc_array(layer->n_points + 1, sizeof *layer->y);
    layer->ok = calloc(layer->n_features + 1, 1);
    if (!layer->x || !layer->y || !layer->ok)
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory projecting '%s'", layer->name);
    for (size_t i = 0; i < layer->n_features; i++) {
        const map_feature *f = &layer->features[i];
        if (f->box.east < within.west || f->box.west > within.east ||
            f->box.north < within.south || f->box.south > within.north)
            continue;
        size_t a = layer->part_start[f->first_part];
        size_t b = layer->part_start[f->first_part + f->n_parts];
        if (b <= a)
            continue;
        memcpy(layer->x + a, layer->lon + a, (b - a) * sizeof(double));
        memcpy(layer->y + a, layer->lat + a, (b - a) * sizeof(double));
        if (kvm_projection_forward_many(proj, layer->x + a, layer->y + a, b - a) != KVM_OK)
            continue;
        int finite = 1;
        for (size_t v = a; v < b && finite; v++)
            finite = isfinite(layer->x[v]) && isfinite(layer->y[v]);
        layer->ok[i] = (unsigned char)finite;
    }
    return KVM_OK;
}
