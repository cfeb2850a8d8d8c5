/* Shapefile writer: the only file that includes shapelib for writing.
 * shapelib opens its files itself and reports write errors poorly (SHPClose
 * returns nothing), so every file goes through SAHooks of ours: each handle
 * is a kvm_xfile (one large buffer, so the per-record seeks of shapelib cost
 * no system call) that keeps the first error; closing the layer checks them
 * all.  Records are written with DBFWriteTuple from a record formatted here,
 * and shapes from an SHPObject on the stack (no allocation per feature). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <shapefil.h>

#include "export/export_internal.h"
#include "util.h"

const char kvm_wgs84_esri_wkt[] =
    "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,"
    "298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";

const char *const kvm_shp_extensions[] = {".shp", ".shx", ".dbf", ".cpg", ".prj", NULL};

/* The files opened through the hooks while one layer is written.  shapelib
 * 1.5's hooks carry no user pointer, so the writer being built is found
 * through a thread-local. */
typedef struct hook_session {
    int err_no;         /* first failure of any file */
    char failed_ext[8]; /* extension of the file that failed */
    char message[160];  /* shapelib's own message, if it gave one */
} hook_session;

static _Thread_local hook_session *current_session;

static void session_fail(int err_no, const char *filename)
{
    hook_session *s = current_session;
    if (!s || s->err_no)
        return;
    s->err_no = err_no ? err_no : EIO;
    const char *dot = filename ? strrchr(filename, '.') : NULL;
    if (dot && strlen(dot) < sizeof s->failed_ext)
        strcpy(s->failed_ext, dot);
}

typedef struct hook_file {
    kvm_xfile xf;
    char ext[8];
} hook_file;

static SAFile hook_open(const char *filename, const char *access)
{
    hook_file *hf = calloc(1, sizeof *hf);
    if (!hf) {
        session_fail(ENOMEM, filename);
        return NULL;
    }
    int update = access[0] == 'r';
    int rc = kvm_xf_open_fd(&hf->xf, filename, update);
    if (rc != 0) {
        /* shapelib probes for files that need not exist (.qix, .sbn): only a
         * failed create is ours to report */
        if (!update)
            session_fail(rc, filename);
        free(hf);
        return NULL;
    }
    const char *dot = strrchr(filename, '.');
    if (dot && strlen(dot) < sizeof hf->ext)
        strcpy(hf->ext, dot);
    return (SAFile)(void *)hf;
}

static hook_file *as_file(SAFile file)
{
    return (hook_file *)(void *)file;
}

static SAOffset hook_read(void *p, SAOffset size, SAOffset nmemb, SAFile file)
{
    if (size == 0 || nmemb == 0)
        return 0;
    size_t want = (size_t)(size * nmemb);
    size_t got = kvm_xf_read(&as_file(file)->xf, p, want);
    return (SAOffset)(got / (size_t)size);
}

static SAOffset hook_write(void *p, SAOffset size, SAOffset nmemb, SAFile file)
{
    hook_file *hf = as_file(file);
    kvm_xf_write(&hf->xf, p, (size_t)(size * nmemb));
    if (hf->xf.err_no) {
        session_fail(hf->xf.err_no, hf->ext);
        return 0;
    }
    return nmemb;
}

static SAOffset hook_seek(SAFile file, SAOffset offset, int whence)
{
    kvm_xfile *xf = &as_file(file)->xf;
    unsigned long long target = offset;
    if (whence == SEEK_CUR)
        target = xf->pos + offset;
    else if (whence == SEEK_END) {
        unsigned long long end = xf->base + xf->len;
        target = (xf->size > end ? xf->size : end) + offset;
    }
    kvm_xf_seek(xf, target);
    return 0;
}

static SAOffset hook_tell(SAFile file)
{
    return (SAOffset)as_file(file)->xf.pos;
}

static int hook_flush(SAFile file)
{
    hook_file *hf = as_file(file);
    if (kvm_xf_flush(&hf->xf) != 0) {
        session_fail(hf->xf.err_no, hf->ext);
        return -1;
    }
    return 0;
}

static int hook_close(SAFile file)
{
    hook_file *hf = as_file(file);
    int rc = kvm_xf_close(&hf->xf);
    if (rc != 0)
        session_fail(rc, hf->ext);
    free(hf);
    return rc ? -1 : 0;
}

static int hook_remove(const char *filename)
{
    return unlink(filename);
}

static void hook_error(const char *message)
{
    hook_session *s = current_session;
    if (!s)
        return;
    if (!s->message[0])
        snprintf(s->message, sizeof s->message, "%s", message);
    if (!s->err_no)
        s->err_no = EIO;
}

static double hook_atof(const char *str)
{
    return strtod(str, NULL);
}

static void setup_hooks(SAHooks *hooks)
{
    memset(hooks, 0, sizeof *hooks);
    hooks->FOpen = hook_open;
    hooks->FRead = hook_read;
    hooks->FWrite = hook_write;
    hooks->FSeek = hook_seek;
    hooks->FTell = hook_tell;
    hooks->FFlush = hook_flush;
    hooks->FClose = hook_close;
    hooks->Remove = hook_remove;
    hooks->Error = hook_error;
    hooks->Atof = hook_atof;
}

struct kvm_shp_writer {
    SHPHandle shp;
    DBFHandle dbf;
    hook_session session;
    char *base;
    const kvm_xfield *fields;
    size_t n_fields;
    int *offsets; /* of each field in the record (after the deletion flag) */
    char *record; /* one DBF record, reused */
    int record_len;
    int geom;
    int n_records;
    int too_many;
};

static char *path_with(const char *base, const char *ext)
{
    size_t n = strlen(base), m = strlen(ext);
    char *p = malloc(n + m + 1);
    if (p) {
        memcpy(p, base, n);
        memcpy(p + n, ext, m + 1);
    }
    return p;
}

static void remove_layer_files(const char *base)
{
    for (size_t i = 0; kvm_shp_extensions[i]; i++) {
        char *p = path_with(base, kvm_shp_extensions[i]);
        if (p)
            unlink(p);
        free(p);
    }
}

static void writer_free(kvm_shp_writer *w)
{
    free(w->base);
    free(w->offsets);
    free(w->record);
    free(w);
}

static kvm_status writer_error(kvm_shp_writer *w, kvm_error *err, const char *doing)
{
    const char *slash = strrchr(w->base, '/');
    const char *dir = w->base;
    int dirlen = slash ? (int)(slash - w->base) : 1;
    if (!slash)
        dir = ".";
    int e = w->session.err_no ? w->session.err_no : EIO;
    if (w->too_many)
        return kvm_error_set(err, KVM_ERR_LIMIT,
                             "cannot write shapefile in '%.*s': more than %d features", dirlen, dir,
                             INT32_MAX / 2);
    return kvm_error_set(err, KVM_ERR_IO, "cannot %s shapefile in '%.*s'%s%s: %s", doing, dirlen,
                         dir, w->session.failed_ext[0] ? " (" : "",
                         w->session.failed_ext[0] ? w->session.failed_ext : "", strerror(e));
}

static int write_prj(const char *base)
{
    char *p = path_with(base, ".prj");
    if (!p)
        return ENOMEM;
    kvm_xfile xf;
    int rc = kvm_xf_open_fd(&xf, p, 0);
    free(p);
    if (rc != 0)
        return rc;
    kvm_xf_puts(&xf, kvm_wgs84_esri_wkt);
    return kvm_xf_close(&xf);
}

kvm_status kvm_shp_writer_open(const char *base, int geom, const kvm_xfield *fields,
                               size_t n_fields, kvm_shp_writer **pwriter, kvm_error *err)
{
    *pwriter = NULL;
    kvm_shp_writer *w = calloc(1, sizeof *w);
    if (!w)
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
    w->base = kvm_strdup(base);
    w->offsets = kvm_alloc_array(n_fields ? n_fields : 1, sizeof *w->offsets);
    w->fields = fields;
    w->n_fields = n_fields;
    w->geom = geom;
    if (!w->base || !w->offsets) {
        writer_free(w);
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
    }
    int len = 1;
    for (size_t i = 0; i < n_fields; i++) {
        w->offsets[i] = len;
        len += fields[i].width;
    }
    w->record_len = len;
    w->record = malloc((size_t)len);
    char *shp_path = path_with(base, ".shp");
    char *dbf_path = path_with(base, ".dbf");
    if (!w->record || !shp_path || !dbf_path) {
        free(shp_path);
        free(dbf_path);
        writer_free(w);
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
    }
    SAHooks hooks;
    setup_hooks(&hooks);
    current_session = &w->session;
    w->shp = SHPCreateLL(shp_path, geom == KVM_XGEOM_POINT ? SHPT_POINT : SHPT_ARC, &hooks);
    if (w->shp)
        w->dbf = DBFCreateLL(dbf_path, "UTF-8", &hooks);
    for (size_t i = 0; w->dbf && i < n_fields; i++)
        if (DBFAddNativeFieldType(w->dbf, fields[i].dbf_name, fields[i].type, fields[i].width,
                                  fields[i].decimals) < 0)
            hook_error("cannot add a field");
    current_session = NULL;
    free(shp_path);
    free(dbf_path);
    if (!w->shp || !w->dbf || w->session.err_no) {
        kvm_status st = writer_error(w, err, "create");
        current_session = &w->session;
        if (w->shp)
            SHPClose(w->shp);
        if (w->dbf)
            DBFClose(w->dbf);
        current_session = NULL;
        remove_layer_files(base);
        writer_free(w);
        return st;
    }
    *pwriter = w;
    return KVM_OK;
}

/* ---- DBF record formatting ---------------------------------------------- */

static void put_left(char *dst, int width, const char *s, size_t n)
{
    memcpy(dst, s, n);
    memset(dst + n, ' ', (size_t)width - n);
}

static void put_right(char *dst, int width, const char *s, size_t n)
{
    if (n > (size_t)width) { /* does not fit: NULL, as shapelib does */
        memset(dst, '*', (size_t)width);
        return;
    }
    memset(dst, ' ', (size_t)width - n);
    memcpy(dst + width - (int)n, s, n);
}

static void format_field(char *dst, const kvm_xfield *f, const kvm_xvalue *v)
{
    char tmp[40];
    size_t n;
    switch (f->type) {
    case 'C':
        if (v->is_null || !v->s) {
            memset(dst, ' ', (size_t)f->width);
            return;
        }
        n = strlen(v->s);
        put_left(dst, f->width, v->s, kvm_utf8_truncate(v->s, n, (size_t)f->width));
        return;
    case 'N':
        if (v->is_null) {
            memset(dst, '*', (size_t)f->width);
            return;
        }
        n = f->decimals ? kvm_format_fixed(tmp, v->d, f->decimals) : kvm_format_int(tmp, v->i);
        put_right(dst, f->width, tmp, n);
        return;
    case 'D':
        if (v->is_null || v->date.year <= 0 || v->date.year > 9999) {
            memset(dst, ' ', (size_t)f->width);
            return;
        }
        snprintf(tmp, sizeof tmp, "%04d%02d%02d", v->date.year,
                 v->date.month > 0 ? v->date.month : 1, v->date.day > 0 ? v->date.day : 1);
        put_left(dst, f->width, tmp, 8);
        return;
    case 'L':
        memset(dst, ' ', (size_t)f->width);
        dst[0] = v->is_null ? '?' : v->i ? 'T' : 'F';
        return;
    default:
        memset(dst, ' ', (size_t)f->width);
        return;
    }
}

void kvm_shp_writer_add(kvm_shp_writer *w, const kvm_lonlat *points, size_t n_points,
                        const kvm_xvalue *values)
{
    if (w->session.err_no || w->too_many)
        return;
    if (w->n_records >= INT32_MAX / 2 || n_points > (size_t)INT32_MAX / 64) {
        w->too_many = 1;
        return;
    }
    /* geometry: a stack object pointing at our arrays (SHPWriteObject only
     * reads it) */
    enum { CHUNK = 512 };
    double xs[CHUNK], ys[CHUNK];
    double *px = xs, *py = ys;
    double *heap = NULL;
    if (n_points > CHUNK) {
        heap = kvm_alloc_array(n_points, 2 * sizeof(double));
        if (!heap) {
            session_fail(ENOMEM, NULL);
            return;
        }
        px = heap;
        py = heap + n_points;
    }
    SHPObject obj;
    memset(&obj, 0, sizeof obj);
    int part_start = 0, part_type = SHPP_RING;
    obj.nSHPType = w->geom == KVM_XGEOM_POINT ? SHPT_POINT : SHPT_ARC;
    obj.nShapeId = -1;
    obj.nVertices = (int)n_points;
    obj.padfX = px;
    obj.padfY = py;
    obj.padfZ = NULL;
    obj.padfM = NULL;
    if (n_points > 0) {
        obj.dfXMin = obj.dfXMax = points[0].lon;
        obj.dfYMin = obj.dfYMax = points[0].lat;
    }
    for (size_t i = 0; i < n_points; i++) {
        px[i] = points[i].lon;
        py[i] = points[i].lat;
        if (px[i] < obj.dfXMin)
            obj.dfXMin = px[i];
        if (px[i] > obj.dfXMax)
            obj.dfXMax = px[i];
        if (py[i] < obj.dfYMin)
            obj.dfYMin = py[i];
        if (py[i] > obj.dfYMax)
            obj.dfYMax = py[i];
    }
    if (w->geom == KVM_XGEOM_LINE) {
        obj.nParts = 1;
        obj.panPartStart = &part_start;
        obj.panPartType = &part_type;
    }
    current_session = &w->session;
    if (SHPWriteObject(w->shp, -1, &obj) < 0)
        hook_error("cannot write a shape");
    free(heap);
    /* attributes */
    w->record[0] = ' ';
    for (size_t i = 0; i < w->n_fields; i++)
        format_field(w->record + w->offsets[i], &w->fields[i], &values[i]);
    if (!DBFWriteTuple(w->dbf, w->n_records, w->record))
        hook_error("cannot write a record");
    current_session = NULL;
    w->n_records++;
}

kvm_status kvm_shp_writer_close(kvm_shp_writer *w, kvm_error *err)
{
    if (!w)
        return KVM_OK;
    current_session = &w->session;
    SHPClose(w->shp);
    DBFClose(w->dbf);
    current_session = NULL;
    if (!w->session.err_no && !w->too_many) {
        int rc = write_prj(w->base);
        if (rc != 0) {
            w->session.err_no = rc;
            strcpy(w->session.failed_ext, ".prj");
        }
    }
    kvm_status st = KVM_OK;
    if (w->session.err_no || w->too_many) {
        st = writer_error(w, err, "write");
        remove_layer_files(w->base);
    }
    writer_free(w);
    return st;
}
