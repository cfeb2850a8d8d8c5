/* Reports: an event set as JSON / JSON Lines, and the reader that rebuilds a
 * set from either (schema: docs/schema.md). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "json.h"
#include "kivumap/report.h"
#include "util.h"

/* ==== Writing ============================================================ */

/* The writer builds the report in one buffer and writes it in large chunks.
 * Keys are pre-built literals ("\"key\": ", KEY() passes the length), numbers
 * go through kvm_json_fixed (snprintf's text without its cost) and each place
 * object is rendered once per depth and copied for every later mention. */

#define WRITER_MAX_DEPTH 16 /* the report nests 7 deep; the indent table holds 16 */
#define WRITER_FLUSH_BYTES (256u * 1024u)

/* A key literal and its length: "\"id\": " (the compact form drops the space). */
#define KEY(k) ("\"" k "\": "), (sizeof("\"" k "\": ") - 1)
#define NOKEY NULL, 0

typedef struct place_slot {
    const kvm_place *place; /* NULL: empty */
    int depth;              /* nesting depth (pretty), -1 compact */
    size_t offset, len;     /* the object's text in place_cache.text */
} place_slot;

/* Rendered place objects, kept by the set across clears
 * (kvm_eventset_writer_cache): a stream of articles writes each place once. */
typedef struct place_cache {
    kvm_buf text;
    place_slot *slots; /* cap a power of two */
    size_t cap, used;
    /* The last few mention confidences (a handful of constants) as text. */
    uint64_t conf_bits[4];
    char conf_text[4][KVM_JSON_FIXED_MAX];
    size_t conf_len[4];
    unsigned n_conf, next_conf;
    kvm_buf out; /* the writer's buffer, kept between reports of a stream */
} place_cache;

static void place_cache_free(void *p)
{
    place_cache *c = p;
    if (!c)
        return;
    kvm_buf_free(&c->text);
    kvm_buf_free(&c->out);
    free(c->slots);
    free(c);
}

typedef struct writer {
    kvm_buf buf;
    FILE *out;
    int pretty;
    int depth;
    int first[WRITER_MAX_DEPTH]; /* no member written yet at this depth */
    int io_failed;
    place_cache *places; /* NULL: render every time (out of memory) */
} writer;

static void w_flush(writer *w)
{
    if (!w->out)
        return; /* writing into the caller's buffer: it holds everything */
    if (w->buf.len && !w->buf.failed) {
        if (fwrite(w->buf.data, 1, w->buf.len, w->out) != w->buf.len)
            w->io_failed = 1;
    }
    w->buf.len = 0;
}

/* Room for n more bytes (and the terminating NUL kvm_buf keeps). */
static int w_reserve(writer *w, size_t n)
{
    kvm_buf *b = &w->buf;
    if (b->failed)
        return -1;
    if (n < b->cap - b->len)
        return 0;
    if (n > SIZE_MAX - 1 - b->len || kvm_grow((void **)&b->data, &b->cap, b->len + n + 1, 1) != 0) {
        b->failed = 1;
        return -1;
    }
    return 0;
}

/* memcpy for the short pieces the writer copies most (keys, numbers,
 * cached places): fixed-size moves the compiler inlines, reading and
 * writing only [0, n). */
static void copy_bytes(char *dst, const char *src, size_t n)
{
    if (n >= 8 && n <= 16) {
        memcpy(dst, src, 8);
        memcpy(dst + n - 8, src + n - 8, 8);
    } else if (n > 16 && n <= 32) {
        memcpy(dst, src, 16);
        memcpy(dst + n - 16, src + n - 16, 16);
    } else if (n >= 4 && n < 8) {
        memcpy(dst, src, 4);
        memcpy(dst + n - 4, src + n - 4, 4);
    } else if (n < 4) {
        for (size_t i = 0; i < n; i++)
            dst[i] = src[i];
    } else {
        memcpy(dst, src, n);
    }
}

static void w_put(writer *w, const char *s, size_t n)
{
    if (w_reserve(w, n) != 0)
        return;
    copy_bytes(w->buf.data + w->buf.len, s, n);
    w->buf.len += n;
}

/* Starts a value: the comma, the line break and the key (NULL in arrays);
 * returns where the value goes, with room for `extra` bytes (NULL if out of
 * memory).  The caller adds what it writes there to buf.len. */
static char *w_key_room(writer *w, const char *key, size_t key_len, size_t extra)
{
    static const char spaces[] = ",\n                                ";
    if (!w->pretty) { /* JSON Lines: the hot path */
        if (w_reserve(w, key_len + 1 + extra) != 0)
            return NULL;
        char *p = w->buf.data + w->buf.len;
        if (w->depth > 0) {
            if (!w->first[w->depth])
                *p++ = ',';
            else
                w->first[w->depth] = 0;
        }
        if (key && key_len > 0) {
            copy_bytes(p, key, key_len - 1); /* no space after the colon */
            p += key_len - 1;
        }
        w->buf.len = (size_t)(p - w->buf.data);
        return p;
    }
    size_t n = 0;
    const char *lead = spaces + 1;
    if (w->depth > 0) {
        if (!w->first[w->depth])
            lead = spaces;
        else
            w->first[w->depth] = 0;
        n = (size_t)(spaces + 1 - lead) + 1 + 2 * (size_t)w->depth;
    }
    if (w_reserve(w, n + key_len + extra) != 0)
        return NULL;
    char *p = w->buf.data + w->buf.len;
    copy_bytes(p, lead, n);
    if (key)
        copy_bytes(p + n, key, key_len);
    w->buf.len += n + (key ? key_len : 0);
    return w->buf.data + w->buf.len;
}

static void w_key(writer *w, const char *key, size_t key_len)
{
    w_key_room(w, key, key_len, 0);
}

/* A key and a short value (at most 64 bytes). */
static void w_key_value(writer *w, const char *key, size_t key_len, const char *value, size_t n)
{
    char *p = w_key_room(w, key, key_len, n);
    if (p) {
        copy_bytes(p, value, n);
        w->buf.len += n;
    }
}

static void w_newline_indent(writer *w)
{
    static const char spaces[] = "\n                                ";
    if (w->pretty)
        w_put(w, spaces, 1 + 2 * (size_t)w->depth);
}

static void w_open(writer *w, const char *key, size_t key_len, char c)
{
    w_key(w, key, key_len);
    w_put(w, &c, 1);
    if (w->depth + 1 < WRITER_MAX_DEPTH)
        w->depth++;
    w->first[w->depth] = 1;
}

static void w_close(writer *w, char c)
{
    int empty = w->first[w->depth];
    if (w->depth > 0)
        w->depth--;
    if (!empty)
        w_newline_indent(w);
    w_put(w, &c, 1);
}

static void w_string_n(writer *w, const char *key, size_t key_len, const char *value, size_t n)
{
    if (kvm_json_plain_span(value, n) == n) { /* nothing to escape: copied as it is */
        char *p = w_key_room(w, key, key_len, n + 2);
        if (p) {
            p[0] = '"';
            copy_bytes(p + 1, value, n);
            p[n + 1] = '"';
            w->buf.len += n + 2;
        }
        return;
    }
    w_key(w, key, key_len);
    kvm_json_buf_string(&w->buf, value, n);
}

static void w_string(writer *w, const char *key, size_t key_len, const char *value)
{
    w_string_n(w, key, key_len, value ? value : "", value ? strlen(value) : 0);
}

static void w_null(writer *w, const char *key, size_t key_len)
{
    w_key_value(w, key, key_len, "null", 4);
}

/* An optional string: null when empty. */
static void w_string_or_null(writer *w, const char *key, size_t key_len, const char *value)
{
    if (!value || !value[0])
        w_null(w, key, key_len);
    else
        w_string(w, key, key_len, value);
}

static void w_int(writer *w, const char *key, size_t key_len, long long value)
{
    char tmp[24], *end = tmp + sizeof tmp, *p = end;
    unsigned long long u = value < 0 ? 0ull - (unsigned long long)value : (unsigned long long)value;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (value < 0)
        *--p = '-';
    w_key_value(w, key, key_len, p, (size_t)(end - p));
}

/* -1 (or any negative) = unknown -> null. */
static void w_count(writer *w, const char *key, size_t key_len, long long value)
{
    if (value < 0)
        w_null(w, key, key_len);
    else
        w_int(w, key, key_len, value);
}

static void w_bool(writer *w, const char *key, size_t key_len, int value)
{
    w_key_value(w, key, key_len, value ? "true" : "false", value ? 4 : 5);
}

/* Fixed decimals; null for NaN/infinity; "-0.000" written as "0.000". */
static void w_fixed(writer *w, const char *key, size_t key_len, double value, int decimals)
{
    if (!isfinite(value)) {
        w_null(w, key, key_len);
        return;
    }
    char tmp[KVM_JSON_FIXED_MAX];
    size_t n = kvm_json_fixed(tmp, value, decimals);
    const char *s = tmp;
    if (tmp[0] == '-') {
        int zero = 1;
        for (const char *c = tmp + 1; *c; c++)
            if (*c != '0' && *c != '.')
                zero = 0;
        if (zero) {
            s++;
            n--;
        }
    }
    w_key(w, key, key_len);
    w_put(w, s, n);
}

/* kvm_date_format's text ("2025", "2025-01", "2025-01-27"), null for no date. */
static void w_date(writer *w, const char *key, size_t key_len, kvm_date date)
{
    if (date.year == 0) {
        w_null(w, key, key_len);
        return;
    }
    if (date.year < 0) { /* kvm_date_format gives "" */
        w_key_value(w, key, key_len, "\"\"", 2);
        return;
    }
    unsigned y = (unsigned)date.year % 10000u, m = (unsigned)date.month % 100u,
             d = (unsigned)date.day % 100u;
    char buf[16] = {'"',
                    (char)('0' + y / 1000),
                    (char)('0' + y / 100 % 10),
                    (char)('0' + y / 10 % 10),
                    (char)('0' + y % 10),
                    '-',
                    (char)('0' + m / 10),
                    (char)('0' + m % 10),
                    '-',
                    (char)('0' + d / 10),
                    (char)('0' + d % 10)};
    size_t n = date.month <= 0 ? 5 : date.day <= 0 ? 8 : 11;
    buf[n] = '"';
    w_key_value(w, key, key_len, buf, n + 1);
}

static size_t place_hash(const kvm_place *p, int depth)
{
    uint64_t h = ((uint64_t)(uintptr_t)p ^ (uint64_t)depth) * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 32);
}

/* The slot of (p, depth), or the empty one where it goes; NULL if out of
 * memory. */
static place_slot *place_find(place_cache *c, const kvm_place *p, int depth)
{
    if ((c->used + 1) * 2 > c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        place_slot *slots = cap > c->cap ? calloc(cap, sizeof *slots) : NULL;
        if (!slots)
            return NULL;
        for (size_t i = 0; i < c->cap; i++) {
            place_slot *s = &c->slots[i];
            if (!s->place)
                continue;
            size_t k = place_hash(s->place, s->depth) & (cap - 1);
            while (slots[k].place)
                k = (k + 1) & (cap - 1);
            slots[k] = *s;
        }
        free(c->slots);
        c->slots = slots;
        c->cap = cap;
    }
    size_t mask = c->cap - 1;
    for (size_t k = place_hash(p, depth) & mask;; k = (k + 1) & mask) {
        place_slot *s = &c->slots[k];
        if (!s->place || (s->place == p && s->depth == depth))
            return s;
    }
}

static void w_place(writer *w, const char *key, size_t key_len, const kvm_place *p)
{
    if (!p) {
        w_null(w, key, key_len);
        return;
    }
    int depth = w->pretty ? w->depth : -1;
    place_slot *slot = w->places ? place_find(w->places, p, depth) : NULL;
    if (slot && slot->place) {
        w_key(w, key, key_len);
        w_put(w, w->places->text.data + slot->offset, slot->len);
        return;
    }
    w_key(w, key, key_len);
    size_t start = w->buf.len; /* the object: buf[start, len) once closed */
    w_put(w, "{", 1);
    if (w->depth + 1 < WRITER_MAX_DEPTH)
        w->depth++;
    w->first[w->depth] = 1;
    w_string(w, KEY("id"), p->id);
    w_string(w, KEY("name"), p->name);
    w_string(w, KEY("kind"), kvm_place_kind_name(p->kind));
    w_fixed(w, KEY("lat"), p->lat, 6);
    w_fixed(w, KEY("lon"), p->lon, 6);
    w_string(w, KEY("admin1"), p->admin1);
    w_string(w, KEY("admin2"), p->admin2);
    w_string(w, KEY("country"), p->country);
    w_close(w, '}');
    if (slot && !w->buf.failed) {
        kvm_buf *text = &w->places->text;
        size_t offset = text->len;
        kvm_buf_append(text, w->buf.data + start, w->buf.len - start);
        if (!text->failed) {
            slot->place = p;
            slot->depth = depth;
            slot->offset = offset;
            slot->len = w->buf.len - start;
            w->places->used++;
        } else {
            text->failed = 0; /* keep what is cached; this one is not */
            text->len = offset;
        }
    }
}

static void w_mention(writer *w, const kvm_mention *m, const char *text)
{
    w_open(w, NOKEY, '{');
    w_string(w, KEY("text"), text);
    w_int(w, KEY("start"), (long long)m->start);
    w_int(w, KEY("end"), (long long)m->end);
    w_place(w, KEY("place"), m->place);
    w_string(w, KEY("method"), m->method);
    w_fixed(w, KEY("confidence"), m->confidence, 3);
    w_int(w, KEY("candidates"), (long long)m->n_candidates);
    w_close(w, '}');
}

/* The text w_fixed writes for value with `decimals` decimals ("null" when
 * not finite, "-0.000" as "0.000") into out; returns its length. */
static size_t fixed_text(char *out, double value, int decimals)
{
    if (!isfinite(value)) {
        memcpy(out, "null", 5);
        return 4;
    }
    size_t n = kvm_json_fixed(out, value, decimals);
    if (out[0] == '-') {
        int zero = 1;
        for (const char *c = out + 1; *c; c++)
            if (*c != '0' && *c != '.')
                zero = 0;
        if (zero) {
            memmove(out, out + 1, n);
            n--;
        }
    }
    return n;
}

/* Decimal digits of u at the end of tmp[24]; returns the first.  Two
 * digits a step (mention offsets have four or five). */
static char *utoa_end(char *end, unsigned long long u)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";
    char *p = end;
    while (u >= 100) {
        unsigned r = (unsigned)(u % 100);
        u /= 100;
        p -= 2;
        p[0] = pairs[2 * r];
        p[1] = pairs[2 * r + 1];
    }
    if (u >= 10) {
        p -= 2;
        p[0] = pairs[2 * u];
        p[1] = pairs[2 * u + 1];
    } else {
        *--p = (char)('0' + u);
    }
    return p;
}

/* 1 for the bytes a JSON string holds as they are and that kvm_json_plain_span
 * accepts: 0x20..0x7F but '"' and '\\' (NUL is 0: the end). */
static const unsigned char plain_bytes[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

#define PUT_LIT(p, lit) (memcpy((p), (lit), sizeof(lit) - 1), (p) += sizeof(lit) - 1)

/* w_mention in JSON Lines, the hot path of a stream: one reservation and
 * direct stores of the same bytes.  Returns 0 (nothing written) when the
 * general path must do it: text or method needing escapes, a place not
 * rendered yet, or no cache. */
static int w_mention_compact(writer *w, const kvm_mention *m, const char *text)
{
    place_cache *c = w->places;
    if (w->pretty || !c || w->buf.failed)
        return 0;
    const char *t = text ? text : "";
    size_t tn = 0;
    while (plain_bytes[(unsigned char)t[tn]])
        tn++;
    if (t[tn]) /* a byte to escape or a non-ASCII one: the general path */
        return 0;
    const char *meth = m->method ? m->method : "";
    size_t mn = 0;
    while (plain_bytes[(unsigned char)meth[mn]])
        mn++;
    if (meth[mn])
        return 0;
    const char *pj = "null";
    size_t pn = 4;
    if (m->place) {
        if (!c->cap)
            return 0;
        size_t mask = c->cap - 1;
        const place_slot *slot = NULL;
        for (size_t k = place_hash(m->place, -1) & mask;; k = (k + 1) & mask) {
            const place_slot *s = &c->slots[k];
            if (!s->place)
                return 0;
            if (s->place == m->place && s->depth == -1) {
                slot = s;
                break;
            }
        }
        pj = c->text.data + slot->offset;
        pn = slot->len;
    }
    uint64_t bits;
    memcpy(&bits, &m->confidence, sizeof bits);
    unsigned ci = 0;
    while (ci < c->n_conf && c->conf_bits[ci] != bits)
        ci++;
    if (ci == c->n_conf) {
        if (c->n_conf < 4)
            ci = c->n_conf++;
        else
            ci = c->next_conf++ & 3u;
        c->conf_bits[ci] = bits;
        c->conf_len[ci] = fixed_text(c->conf_text[ci], m->confidence, 3);
    }
    if (w_reserve(w, tn + pn + mn + c->conf_len[ci] + 160) != 0)
        return 0;
    char *p = w->buf.data + w->buf.len;
    if (!w->first[w->depth])
        *p++ = ',';
    else
        w->first[w->depth] = 0;
    char tmp[24], *end = tmp + sizeof tmp, *d;
    PUT_LIT(p, "{\"text\":\"");
    memcpy(p, t, tn);
    p += tn;
    PUT_LIT(p, "\",\"start\":");
    d = utoa_end(end, (unsigned long long)m->start);
    memcpy(p, d, (size_t)(end - d));
    p += end - d;
    PUT_LIT(p, ",\"end\":");
    d = utoa_end(end, (unsigned long long)m->end);
    memcpy(p, d, (size_t)(end - d));
    p += end - d;
    PUT_LIT(p, ",\"place\":");
    memcpy(p, pj, pn);
    p += pn;
    PUT_LIT(p, ",\"method\":\"");
    memcpy(p, meth, mn);
    p += mn;
    PUT_LIT(p, "\",\"confidence\":");
    memcpy(p, c->conf_text[ci], c->conf_len[ci]);
    p += c->conf_len[ci];
    PUT_LIT(p, ",\"candidates\":");
    d = utoa_end(end, (unsigned long long)m->n_candidates);
    memcpy(p, d, (size_t)(end - d));
    p += end - d;
    *p++ = '}';
    w->buf.len = (size_t)(p - w->buf.data);
    return 1;
}

static void w_event(writer *w, const kvm_eventset *set, const kvm_event *e)
{
    w_open(w, NOKEY, '{');
    w_string(w, KEY("id"), e->id);
    w_string(w, KEY("type"), kvm_event_type_name(e->type));
    w_string(w, KEY("event_type"), kvm_event_type_acled(e->type));
    w_string(w, KEY("sub_event_type"), kvm_event_sub_type_acled(e->type));
    w_string_or_null(w, KEY("actor1"), e->actor1);
    w_string_or_null(w, KEY("actor2"), e->actor2);
    w_place(w, KEY("place"), e->place);
    if (e->geo_precision > 0)
        w_int(w, KEY("geo_precision"), e->geo_precision);
    else
        w_null(w, KEY("geo_precision"));
    w_date(w, KEY("date"), e->date);
    if (e->time_precision > 0)
        w_int(w, KEY("time_precision"), e->time_precision);
    else
        w_null(w, KEY("time_precision"));
    w_count(w, KEY("count_min"), e->count_min);
    w_count(w, KEY("count_max"), e->count_max);
    w_place(w, KEY("origin"), e->origin);
    w_place(w, KEY("destination"), e->destination);
    w_string_or_null(w, KEY("destination_text"), e->destination_text);
    w_bool(w, KEY("historical"), e->historical);
    w_int(w, KEY("claimed"), e->claimed);
    w_count(w, KEY("fatalities"), e->fatalities);
    w_open(w, KEY("sources"), '[');
    for (size_t s = 0; s < e->n_sources; s++) {
        const kvm_article_info *a = kvm_eventset_article(set, e->sources[s]);
        w_string(w, NOKEY, a ? a->name : "");
    }
    w_close(w, ']');
    w_string(w, KEY("evidence"), e->evidence);
    if (!e->mention[0] && !e->method[0] && e->confidence == 0.0 && e->mention_start == 0 &&
        e->mention_end == 0) {
        w_null(w, KEY("mention"));
    } else {
        w_open(w, KEY("mention"), '{');
        w_string(w, KEY("text"), e->mention);
        w_int(w, KEY("start"), (long long)e->mention_start);
        w_int(w, KEY("end"), (long long)e->mention_end);
        w_string(w, KEY("method"), e->method);
        w_fixed(w, KEY("confidence"), e->confidence, 3);
        w_close(w, '}');
    }
    w_close(w, '}');
}

static void w_claim(writer *w, const kvm_claim *c)
{
    w_open(w, NOKEY, '{');
    w_place(w, KEY("from"), c->from);
    w_place(w, KEY("to"), c->to);
    w_fixed(w, KEY("stated_km"), c->stated_km, 3);
    if (c->stated_miles > 0)
        w_fixed(w, KEY("stated_miles"), c->stated_miles, 3);
    else
        w_null(w, KEY("stated_miles"));
    w_string_or_null(w, KEY("direction"), c->direction);
    w_string_or_null(w, KEY("qualifier"), c->qualifier);
    w_fixed(w, KEY("computed_km"), c->computed_km, 3);
    w_fixed(w, KEY("bearing_deg"), c->bearing_deg, 2);
    w_fixed(w, KEY("ratio"), c->ratio, 4);
    if (c->verdict == KVM_VERDICT_NONE)
        w_null(w, KEY("verdict"));
    else
        w_string(w, KEY("verdict"), kvm_verdict_name(c->verdict));
    if (c->direction_ok < 0)
        w_null(w, KEY("direction_ok"));
    else
        w_bool(w, KEY("direction_ok"), c->direction_ok);
    w_string(w, KEY("evidence"), c->evidence);
    w_close(w, '}');
}

static void w_advance(writer *w, const kvm_advance *a)
{
    w_open(w, NOKEY, '{');
    w_string(w, KEY("actor"), a->actor);
    w_place(w, KEY("from"), a->from);
    w_place(w, KEY("to"), a->to);
    w_date(w, KEY("date_from"), a->date_from);
    w_date(w, KEY("date_to"), a->date_to);
    w_fixed(w, KEY("dist_km"), a->dist_km, 3);
    w_fixed(w, KEY("bearing_deg"), a->bearing_deg, 2);
    w_int(w, KEY("sequence"), (long long)a->sequence);
    w_open(w, KEY("event_ids"), '[');
    const char *ids = a->event_ids ? a->event_ids : "";
    while (*ids) {
        const char *semi = strchr(ids, ';');
        size_t n = semi ? (size_t)(semi - ids) : strlen(ids);
        w_string_n(w, NOKEY, ids, n);
        ids += n + (semi ? 1 : 0);
    }
    w_close(w, ']');
    w_close(w, '}');
}

/* Events and claims grouped by article (counting sort), so each article's
 * lists are written in set order without scanning everything per article. */
typedef struct by_article {
    size_t *event_start; /* n_articles + 1 offsets into events */
    size_t *events;
    size_t *claim_start;
    size_t *claims;
} by_article;

static void by_article_free(by_article *b)
{
    free(b->event_start);
    free(b->events);
    free(b->claim_start);
    free(b->claims);
}

static int bucket(size_t n_articles, size_t n, size_t (*article_of)(const kvm_eventset *, size_t),
                  const kvm_eventset *set, size_t **pstart, size_t **pitems)
{
    size_t *start = calloc(n_articles + 2, sizeof *start);
    size_t *items = kvm_alloc_array(n, sizeof *items);
    if (!start || !items) {
        free(start);
        free(items);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        size_t a = article_of(set, i);
        start[(a < n_articles ? a : n_articles) + 1]++;
    }
    for (size_t a = 0; a <= n_articles; a++)
        start[a + 1] += start[a];
    for (size_t i = 0; i < n; i++) {
        size_t a = article_of(set, i);
        items[start[a < n_articles ? a : n_articles]++] = i;
    }
    /* start[a] now holds the end of bucket a: shift back. */
    memmove(start + 1, start, (n_articles + 1) * sizeof *start);
    start[0] = 0;
    *pstart = start;
    *pitems = items;
    return 0;
}

static size_t event_article(const kvm_eventset *set, size_t i)
{
    return kvm_eventset_event(set, i)->article;
}

static size_t claim_article(const kvm_eventset *set, size_t i)
{
    return kvm_eventset_claim(set, i)->article;
}

static int by_article_init(by_article *b, const kvm_eventset *set)
{
    memset(b, 0, sizeof *b);
    size_t na = kvm_eventset_article_count(set);
    if (bucket(na, kvm_eventset_event_count(set), event_article, set, &b->event_start,
               &b->events) != 0 ||
        bucket(na, kvm_eventset_claim_count(set), claim_article, set, &b->claim_start,
               &b->claims) != 0) {
        by_article_free(b);
        return -1;
    }
    return 0;
}

static void w_article(writer *w, const kvm_eventset *set, const by_article *b, size_t a,
                      int with_id)
{
    const kvm_article_info *info = kvm_eventset_article(set, a);
    w_open(w, NOKEY, '{');
    if (with_id)
        w_string(w, KEY("id"), info->name);
    w_string(w, KEY("file"), info->name);
    w_date(w, KEY("date"), info->date);
    w_open(w, KEY("mentions"), '[');
    for (size_t m = 0; m < info->n_mentions; m++)
        if (!w_mention_compact(w, &info->mentions[m], info->mention_texts[m]))
            w_mention(w, &info->mentions[m], info->mention_texts[m]);
    w_close(w, ']');
    w_open(w, KEY("events"), '[');
    for (size_t k = b->event_start[a]; k < b->event_start[a + 1]; k++)
        w_event(w, set, kvm_eventset_event(set, b->events[k]));
    w_close(w, ']');
    w_open(w, KEY("claims"), '[');
    for (size_t k = b->claim_start[a]; k < b->claim_start[a + 1]; k++)
        w_claim(w, kvm_eventset_claim(set, b->claims[k]));
    w_close(w, ']');
    w_close(w, '}');
}

static kvm_status writer_finish(writer *w, kvm_error *err)
{
    w_flush(w);
    int nomem = w->buf.failed;
    if (!w->out) {
        if (nomem)
            return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory while writing the report");
        return KVM_OK; /* the caller's buffer: handed back by write_report */
    }
    if (w->places && !nomem) {
        w->places->out = w->buf; /* kept for the next report */
    } else {
        kvm_buf_free(&w->buf);
    }
    if (nomem)
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory while writing the report");
    if (w->io_failed || fflush(w->out) != 0 || ferror(w->out))
        return kvm_error_set(err, KVM_ERR_IO, "cannot write the report: %s", strerror(errno));
    return KVM_OK;
}

/* Writes to `out`, or appends to *sink when out is NULL (sink's bytes are
 * kept; on failure its length is restored). */
static kvm_status write_report(const kvm_eventset *set, FILE *out, kvm_buf *sink, int jsonl,
                               kvm_error *err)
{
    if (!set || (!out && !sink))
        return kvm_error_set(err, KVM_ERR_INVALID, "no event set or output");
    if (kvm_eventset_status(set) != KVM_OK)
        return kvm_error_set(err, kvm_eventset_status(set), "cannot write a failed event set: %s",
                             kvm_status_to_string(kvm_eventset_status(set)));
    by_article b;
    if (by_article_init(&b, set) != 0)
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory while writing the report");
    writer w;
    memset(&w, 0, sizeof w);
    kvm_buf_init(&w.buf);
    w.out = out;
    void **cache = kvm_eventset_writer_cache(set, place_cache_free);
    if (cache && !*cache && (*cache = calloc(1, sizeof(place_cache))) != NULL) {
        kvm_buf_init(&((place_cache *)*cache)->text);
        kvm_buf_init(&((place_cache *)*cache)->out);
    }
    w.places = cache ? *cache : NULL;
    size_t sink_len = sink ? sink->len : 0;
    if (sink) {
        w.buf = *sink;
        w.buf.failed = 0;
    } else if (w.places) {
        w.buf = w.places->out;
        kvm_buf_init(&w.places->out);
        w.buf.len = 0;
    }
    w.pretty = !jsonl;
    size_t na = kvm_eventset_article_count(set);
    if (jsonl) {
        for (size_t a = 0; a < na; a++) {
            w_article(&w, set, &b, a, 1);
            w_put(&w, "\n", 1);
            if (w.buf.len >= WRITER_FLUSH_BYTES)
                w_flush(&w);
        }
    } else {
        w_open(&w, NOKEY, '{');
        w_open(&w, KEY("articles"), '[');
        for (size_t a = 0; a < na; a++) {
            w_article(&w, set, &b, a, 0);
            if (w.buf.len >= WRITER_FLUSH_BYTES)
                w_flush(&w);
        }
        w_close(&w, ']');
        w_open(&w, KEY("advances"), '[');
        for (size_t i = 0; i < kvm_eventset_advance_count(set); i++) {
            w_advance(&w, kvm_eventset_advance(set, i));
            if (w.buf.len >= WRITER_FLUSH_BYTES)
                w_flush(&w);
        }
        w_close(&w, ']');
        w_close(&w, '}');
        w_put(&w, "\n", 1);
    }
    by_article_free(&b);
    kvm_status st = writer_finish(&w, err);
    if (sink) {
        *sink = w.buf;
        if (st != KVM_OK) {
            sink->failed = 0;
            sink->len = sink_len <= sink->cap ? sink_len : 0;
            if (sink->data && sink->len < sink->cap)
                sink->data[sink->len] = '\0';
        }
    }
    return st;
}

kvm_status kvm_report_write_json(const kvm_eventset *set, FILE *out, kvm_error *err)
{
    return write_report(set, out, NULL, 0, err);
}

kvm_status kvm_report_write_jsonl(const kvm_eventset *set, FILE *out, kvm_error *err)
{
    return write_report(set, out, NULL, 1, err);
}

kvm_status kvm_report_append_jsonl(const kvm_eventset *set, char **pdata, size_t *plen,
                                   size_t *pcap, kvm_error *err)
{
    if (!pdata || !plen || !pcap || (*pdata == NULL && (*plen || *pcap)) || *plen > *pcap)
        return kvm_error_set(err, KVM_ERR_INVALID, "bad output buffer");
    kvm_buf sink = {*pdata, *plen, *pcap, 0};
    kvm_status st = write_report(set, NULL, &sink, 1, err);
    *pdata = sink.data;
    *plen = sink.len;
    *pcap = sink.cap;
    return st;
}

void kvm_json_write_string(FILE *out, const char *text)
{
    kvm_buf buf;
    kvm_buf_init(&buf);
    kvm_json_buf_string(&buf, text ? text : "", text ? strlen(text) : 0);
    if (!buf.failed)
        fwrite(buf.data, 1, buf.len, out);
    kvm_buf_free(&buf);
}

/* ==== Reading ============================================================ */

/* Article names -> indices in the set being built. */
typedef struct name_slot {
    const char *name; /* borrowed from the set */
    size_t hash;
    size_t index;
} name_slot;

typedef struct pending_source {
    size_t event;
    const char *name; /* in reader.names_arena */
    size_t line, column;
} pending_source;

typedef struct reader {
    kvm_eventset *set; /* fresh set, moved into the caller's on success */
    const char *name;  /* file name for messages */
    kvm_error *err;
    name_slot *slots;
    size_t cap, count;
    pending_source *pending;
    size_t n_pending, pending_cap;
    kvm_arena names_arena;
} reader;

static size_t hash_name(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return (size_t)(h ^ (h >> 29));
}

static name_slot *name_find(const reader *r, const char *name, size_t hash)
{
    size_t mask = r->cap - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        name_slot *s = &r->slots[i];
        if (!s->name || (s->hash == hash && strcmp(s->name, name) == 0))
            return s;
    }
}

static size_t name_lookup(const reader *r, const char *name)
{
    if (!r->cap)
        return (size_t)-1;
    name_slot *s = name_find(r, name, hash_name(name));
    return s->name ? s->index : (size_t)-1;
}

/* Records name -> index unless the name is known already. */
static int name_insert(reader *r, const char *name, size_t index)
{
    if (!r->cap || (r->count + 1) * 4 > r->cap * 3) {
        size_t cap = r->cap ? r->cap * 2 : 64;
        name_slot *slots = calloc(cap, sizeof *slots);
        if (!slots)
            return -1;
        reader bigger = *r;
        bigger.slots = slots;
        bigger.cap = cap;
        for (size_t i = 0; i < r->cap; i++)
            if (r->slots[i].name)
                *name_find(&bigger, r->slots[i].name, r->slots[i].hash) = r->slots[i];
        free(r->slots);
        r->slots = slots;
        r->cap = cap;
    }
    size_t hash = hash_name(name);
    name_slot *s = name_find(r, name, hash);
    if (!s->name) {
        s->name = name;
        s->hash = hash;
        s->index = index;
        r->count++;
    }
    return 0;
}

static kvm_status r_nomem(reader *r)
{
    return kvm_error_set(r->err, KVM_ERR_NOMEM, "out of memory while reading '%s'", r->name);
}

static kvm_status r_error(reader *r, const kvm_json *node, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static kvm_status r_error(reader *r, const kvm_json *node, const char *fmt, ...)
{
    char reason[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    return kvm_json_error_at(r->name, node, r->err, KVM_ERR_PARSE, "%s", reason);
}

static kvm_status wrong_type(reader *r, const kvm_json *node, const char *key, const char *want)
{
    return r_error(r, node, "'%s' must be %s, not %s", key, want, kvm_json_type_name(node->type));
}

/* ---- Members ---------------------------------------------------------------
 * Each object is read in one pass over its members: collect() finds the
 * members the reader knows (the first of duplicates, as kvm_json_get would),
 * trying the written order first; the get_* helpers then check each one. */

typedef struct field {
    const char *key;
    size_t len;
} field;

#define FIELD(k) {k, sizeof k - 1}

static void collect(const kvm_json *obj, const field *fields, size_t n, const kvm_json **out)
{
    for (size_t k = 0; k < n; k++)
        out[k] = NULL;
    size_t next = 0; /* the field expected next (members usually come in order) */
    for (const kvm_json *c = obj->first; c; c = c->next) {
        size_t k = next;
        if (k >= n || fields[k].len != c->key_len || memcmp(fields[k].key, c->key, c->key_len) != 0) {
            for (k = 0; k < n; k++)
                if (fields[k].len == c->key_len && memcmp(fields[k].key, c->key, c->key_len) == 0)
                    break;
            if (k == n)
                continue; /* unknown members are ignored */
        }
        if (!out[k])
            out[k] = c;
        next = k + 1;
    }
}

/* String member v of obj; null or missing -> "" (missing is an error when
 * required). */
static kvm_status get_string(reader *r, const kvm_json *obj, const kvm_json *v, const char *key,
                             int required, const char **pout)
{
    *pout = "";
    if (!v) {
        if (required)
            return r_error(r, obj, "missing '%s'", key);
        return KVM_OK;
    }
    if (v->type == KVM_JSON_NULL && !required)
        return KVM_OK;
    if (v->type != KVM_JSON_STRING)
        return wrong_type(r, v, key, required ? "a string" : "a string or null");
    if (memchr(v->text, '\0', v->len))
        return r_error(r, v, "'%s' must not contain NUL characters", key);
    *pout = v->text;
    return KVM_OK;
}

/* Integer member in [min, max]; null or missing -> if_null. */
static kvm_status get_integer(reader *r, const kvm_json *v, const char *key, long long min,
                              long long max, long long if_null, long long *pout)
{
    *pout = if_null;
    if (!v || v->type == KVM_JSON_NULL)
        return KVM_OK;
    long long value;
    if (v->type != KVM_JSON_NUMBER)
        return wrong_type(r, v, key, "an integer or null");
    if (kvm_json_integer(v, &value) != 0)
        return r_error(r, v, "'%s' must be an integer, not %s", key, v->text);
    if (value < min || value > max)
        return r_error(r, v, "'%s' out of range: %lld (%lld to %lld)", key, value, min, max);
    *pout = value;
    return KVM_OK;
}

static kvm_status get_size(reader *r, const kvm_json *v, const char *key, size_t *pout)
{
    long long n;
    kvm_status s = get_integer(r, v, key, 0, LLONG_MAX, 0, &n);
    *pout = (size_t)n;
    return s;
}

/* Number member in [min, max]; null or missing -> if_null. */
static kvm_status get_number(reader *r, const kvm_json *v, const char *key, double min,
                             double max, double if_null, double *pout)
{
    *pout = if_null;
    if (!v || v->type == KVM_JSON_NULL)
        return KVM_OK;
    if (v->type != KVM_JSON_NUMBER)
        return wrong_type(r, v, key, "a number or null");
    if (v->number < min || v->number > max)
        return r_error(r, v, "'%s' out of range: %s (%g to %g)", key, v->text, min, max);
    *pout = v->number;
    return KVM_OK;
}

/* Boolean member; null or missing -> if_null. */
static kvm_status get_bool(reader *r, const kvm_json *v, const char *key, int if_null, int *pout)
{
    *pout = if_null;
    if (!v || v->type == KVM_JSON_NULL)
        return KVM_OK;
    if (v->type != KVM_JSON_BOOL)
        return wrong_type(r, v, key, "true, false or null");
    *pout = v->boolean;
    return KVM_OK;
}

/* kvm_parse_date's result for the well-formed dates reports hold
 * ("2025-01-27", "2025-01", "2025"), without sscanf; 0 on success, -1 to
 * let kvm_parse_date decide (and word the error). */
static int quick_date(const char *text, size_t len, kvm_date *pout)
{
    static const unsigned char mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (len != 4 && len != 7 && len != 10)
        return -1;
    int v[3] = {0, 0, 0};
    for (size_t i = 0; i < len; i++) {
        if (i == 4 || i == 7) {
            if (text[i] != '-')
                return -1;
            continue;
        }
        if (text[i] < '0' || text[i] > '9')
            return -1;
        int *p = &v[i < 4 ? 0 : i < 7 ? 1 : 2];
        *p = *p * 10 + (text[i] - '0');
    }
    int y = v[0], m = v[1], d = v[2];
    if (y < 1 || (len >= 7 && (m < 1 || m > 12)))
        return -1;
    if (len == 10) {
        int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        int dim = mdays[m - 1] + (m == 2 && leap);
        if (d < 1 || d > dim)
            return -1;
    }
    pout->year = y;
    pout->month = m;
    pout->day = d;
    return 0;
}

static kvm_status get_date(reader *r, const kvm_json *obj, const kvm_json *v, const char *key,
                           kvm_date *pout)
{
    const char *text;
    kvm_status s = get_string(r, obj, v, key, 0, &text);
    kvm_date none = {0, 0, 0};
    *pout = none;
    if (s != KVM_OK || !text[0])
        return s;
    if (quick_date(text, v->len, pout) == 0)
        return KVM_OK;
    kvm_error e;
    if (kvm_parse_date(text, pout, &e) != KVM_OK)
        return r_error(r, v, "'%s': %s", key, e.message);
    return KVM_OK;
}

static kvm_status check_object(reader *r, const kvm_json *v, const char *what)
{
    if (!kvm_json_is(v, KVM_JSON_OBJECT))
        return r_error(r, v, "%s must be an object, not %s", what, kvm_json_type_name(v->type));
    return KVM_OK;
}

enum { P_ID, P_NAME, P_KIND, P_LAT, P_LON, P_ADMIN1, P_ADMIN2, P_COUNTRY, P_COUNT };
static const field place_fields[P_COUNT] = {FIELD("id"),     FIELD("name"),   FIELD("kind"),
                                            FIELD("lat"),    FIELD("lon"),    FIELD("admin1"),
                                            FIELD("admin2"), FIELD("country")};

/* A place object member (or null -> *pplace NULL), interned into the set. */
static kvm_status get_place(reader *r, const kvm_json *v, const char *key,
                            const kvm_place **pplace)
{
    *pplace = NULL;
    if (!v || v->type == KVM_JSON_NULL)
        return KVM_OK;
    if (v->type != KVM_JSON_OBJECT)
        return wrong_type(r, v, key, "a place object or null");
    const kvm_json *f[P_COUNT];
    collect(v, place_fields, P_COUNT, f);
    kvm_place p;
    memset(&p, 0, sizeof p);
    p.alt_names = "";
    p.source = "";
    const char *kind;
    kvm_status s;
    if ((s = get_string(r, v, f[P_ID], "id", 1, &p.id)) != KVM_OK ||
        (s = get_string(r, v, f[P_NAME], "name", 0, &p.name)) != KVM_OK ||
        (s = get_string(r, v, f[P_KIND], "kind", 0, &kind)) != KVM_OK ||
        (s = get_number(r, f[P_LAT], "lat", -90.0, 90.0, 0.0, &p.lat)) != KVM_OK ||
        (s = get_number(r, f[P_LON], "lon", -180.0, 180.0, 0.0, &p.lon)) != KVM_OK ||
        (s = get_string(r, v, f[P_ADMIN1], "admin1", 0, &p.admin1)) != KVM_OK ||
        (s = get_string(r, v, f[P_ADMIN2], "admin2", 0, &p.admin2)) != KVM_OK ||
        (s = get_string(r, v, f[P_COUNTRY], "country", 0, &p.country)) != KVM_OK)
        return s;
    if (!p.id[0])
        return r_error(r, f[P_ID], "empty place id");
    if (!kvm_json_is(f[P_LAT], KVM_JSON_NUMBER) || !kvm_json_is(f[P_LON], KVM_JSON_NUMBER))
        return r_error(r, v, "place '%s' has no 'lat' and 'lon'", p.id);
    p.kind = kvm_place_kind_from_name(kind);
    if (p.kind == KVM_KIND_UNKNOWN && kind[0] && strcmp(kind, "unknown") != 0)
        return r_error(r, f[P_KIND], "unknown place kind '%s'", kind);
    *pplace = kvm_eventset_intern_place(r->set, &p);
    return *pplace ? KVM_OK : r_nomem(r);
}

enum { M_TEXT, M_START, M_END, M_PLACE, M_METHOD, M_CONFIDENCE, M_CANDIDATES, M_COUNT };
static const field mention_fields[M_COUNT] = {
    FIELD("text"),   FIELD("start"),      FIELD("end"),       FIELD("place"),
    FIELD("method"), FIELD("confidence"), FIELD("candidates")};

static kvm_status read_mention(reader *r, size_t article, const kvm_json *v)
{
    kvm_status s = check_object(r, v, "a mention");
    if (s != KVM_OK)
        return s;
    const kvm_json *f[M_COUNT];
    collect(v, mention_fields, M_COUNT, f);
    kvm_mention m;
    memset(&m, 0, sizeof m);
    const char *text;
    if ((s = get_string(r, v, f[M_TEXT], "text", 1, &text)) != KVM_OK ||
        (s = get_size(r, f[M_START], "start", &m.start)) != KVM_OK ||
        (s = get_size(r, f[M_END], "end", &m.end)) != KVM_OK ||
        (s = get_place(r, f[M_PLACE], "place", &m.place)) != KVM_OK ||
        (s = get_string(r, v, f[M_METHOD], "method", 0, &m.method)) != KVM_OK ||
        (s = get_number(r, f[M_CONFIDENCE], "confidence", 0.0, 1.0, 0.0, &m.confidence)) !=
            KVM_OK ||
        (s = get_size(r, f[M_CANDIDATES], "candidates", &m.n_candidates)) != KVM_OK)
        return s;
    if (m.end < m.start)
        return r_error(r, f[M_END], "'end' before 'start'");
    kvm_eventset_add_mention(r->set, article, &m, text);
    return kvm_eventset_status(r->set) == KVM_OK ? KVM_OK : r_nomem(r);
}

enum { EM_TEXT, EM_START, EM_END, EM_METHOD, EM_CONFIDENCE, EM_COUNT };
static const field event_mention_fields[EM_COUNT] = {
    FIELD("text"), FIELD("start"), FIELD("end"), FIELD("method"), FIELD("confidence")};

static kvm_status read_event_mention(reader *r, const kvm_json *v, kvm_event *e)
{
    if (!v || v->type == KVM_JSON_NULL)
        return KVM_OK;
    if (v->type != KVM_JSON_OBJECT)
        return wrong_type(r, v, "mention", "an object or null");
    const kvm_json *f[EM_COUNT];
    collect(v, event_mention_fields, EM_COUNT, f);
    kvm_status s;
    if ((s = get_string(r, v, f[EM_TEXT], "text", 0, &e->mention)) != KVM_OK ||
        (s = get_size(r, f[EM_START], "start", &e->mention_start)) != KVM_OK ||
        (s = get_size(r, f[EM_END], "end", &e->mention_end)) != KVM_OK ||
        (s = get_string(r, v, f[EM_METHOD], "method", 0, &e->method)) != KVM_OK ||
        (s = get_number(r, f[EM_CONFIDENCE], "confidence", 0.0, 1.0, 0.0, &e->confidence)) !=
            KVM_OK)
        return s;
    if (e->mention_end < e->mention_start)
        return r_error(r, f[EM_END], "'end' before 'start'");
    return KVM_OK;
}

static kvm_status read_sources(reader *r, const kvm_json *v, size_t event, const char *self)
{
    if (!v || v->type == KVM_JSON_NULL)
        return KVM_OK;
    if (v->type != KVM_JSON_ARRAY)
        return wrong_type(r, v, "sources", "an array of file names");
    for (const kvm_json *c = v->first; c; c = c->next) {
        if (c->type != KVM_JSON_STRING)
            return wrong_type(r, c, "sources", "an array of file names");
        if (strcmp(c->text, self) == 0)
            continue;
        if (kvm_grow((void **)&r->pending, &r->pending_cap, r->n_pending + 1, sizeof *r->pending) !=
            0)
            return r_nomem(r);
        const char *copy = kvm_arena_strndup(&r->names_arena, c->text, c->len);
        if (!copy)
            return r_nomem(r);
        pending_source *p = &r->pending[r->n_pending++];
        p->event = event;
        p->name = copy;
        p->line = c->line;
        p->column = c->column;
    }
    return KVM_OK;
}

enum {
    E_ID,
    E_TYPE,
    E_EVENT_TYPE,
    E_SUB_EVENT_TYPE,
    E_ACTOR1,
    E_ACTOR2,
    E_PLACE,
    E_GEO_PRECISION,
    E_DATE,
    E_TIME_PRECISION,
    E_COUNT_MIN,
    E_COUNT_MAX,
    E_ORIGIN,
    E_DESTINATION,
    E_DESTINATION_TEXT,
    E_HISTORICAL,
    E_CLAIMED,
    E_FATALITIES,
    E_SOURCES,
    E_EVIDENCE,
    E_MENTION,
    E_COUNT
};
static const field event_fields[E_COUNT] = {
    FIELD("id"),          FIELD("type"),           FIELD("event_type"),
    FIELD("sub_event_type"), FIELD("actor1"),      FIELD("actor2"),
    FIELD("place"),       FIELD("geo_precision"),  FIELD("date"),
    FIELD("time_precision"), FIELD("count_min"),   FIELD("count_max"),
    FIELD("origin"),      FIELD("destination"),    FIELD("destination_text"),
    FIELD("historical"),  FIELD("claimed"),        FIELD("fatalities"),
    FIELD("sources"),     FIELD("evidence"),       FIELD("mention")};

static kvm_status read_event(reader *r, size_t article, const char *article_name, const kvm_json *v)
{
    kvm_status s = check_object(r, v, "an event");
    if (s != KVM_OK)
        return s;
    const kvm_json *f[E_COUNT];
    collect(v, event_fields, E_COUNT, f);
    kvm_event e;
    kvm_event_init(&e);
    e.article = article;
    const char *type, *ignored;
    long long geo, timep, claimed;
    if ((s = get_string(r, v, f[E_TYPE], "type", 1, &type)) != KVM_OK)
        return s;
    e.type = kvm_event_type_from_name(type);
    if (e.type == KVM_EVENT_NONE)
        return r_error(r, f[E_TYPE], "unknown event type '%s'", type);
    if ((s = get_string(r, v, f[E_ID], "id", 0, &e.id)) != KVM_OK ||
        (s = get_string(r, v, f[E_EVENT_TYPE], "event_type", 0, &ignored)) != KVM_OK ||
        (s = get_string(r, v, f[E_SUB_EVENT_TYPE], "sub_event_type", 0, &ignored)) != KVM_OK ||
        (s = get_string(r, v, f[E_ACTOR1], "actor1", 0, &e.actor1)) != KVM_OK ||
        (s = get_string(r, v, f[E_ACTOR2], "actor2", 0, &e.actor2)) != KVM_OK ||
        (s = get_place(r, f[E_PLACE], "place", &e.place)) != KVM_OK ||
        (s = get_integer(r, f[E_GEO_PRECISION], "geo_precision", 1, 3, 0, &geo)) != KVM_OK ||
        (s = get_date(r, v, f[E_DATE], "date", &e.date)) != KVM_OK ||
        (s = get_integer(r, f[E_TIME_PRECISION], "time_precision", 1, 4, 0, &timep)) != KVM_OK ||
        (s = get_integer(r, f[E_COUNT_MIN], "count_min", 0, LLONG_MAX, -1, &e.count_min)) !=
            KVM_OK ||
        (s = get_integer(r, f[E_COUNT_MAX], "count_max", 0, LLONG_MAX, -1, &e.count_max)) !=
            KVM_OK ||
        (s = get_place(r, f[E_ORIGIN], "origin", &e.origin)) != KVM_OK ||
        (s = get_place(r, f[E_DESTINATION], "destination", &e.destination)) != KVM_OK ||
        (s = get_string(r, v, f[E_DESTINATION_TEXT], "destination_text", 0,
                        &e.destination_text)) != KVM_OK ||
        (s = get_bool(r, f[E_HISTORICAL], "historical", 0, &e.historical)) != KVM_OK ||
        (s = get_integer(r, f[E_CLAIMED], "claimed", -1, 1, 0, &claimed)) != KVM_OK ||
        (s = get_integer(r, f[E_FATALITIES], "fatalities", 0, LLONG_MAX, -1, &e.fatalities)) !=
            KVM_OK ||
        (s = get_string(r, v, f[E_EVIDENCE], "evidence", 0, &e.evidence)) != KVM_OK ||
        (s = read_event_mention(r, f[E_MENTION], &e)) != KVM_OK)
        return s;
    e.geo_precision = (int)geo;
    e.time_precision = (int)timep;
    e.claimed = (int)claimed;
    size_t index = kvm_eventset_add_event(r->set, &e);
    if (index == (size_t)-1)
        return r_nomem(r);
    return read_sources(r, f[E_SOURCES], index, article_name);
}

enum {
    C_FROM,
    C_TO,
    C_STATED_KM,
    C_STATED_MILES,
    C_DIRECTION,
    C_QUALIFIER,
    C_COMPUTED_KM,
    C_BEARING_DEG,
    C_RATIO,
    C_VERDICT,
    C_DIRECTION_OK,
    C_EVIDENCE,
    C_COUNT
};
static const field claim_fields[C_COUNT] = {
    FIELD("from"),        FIELD("to"),          FIELD("stated_km"), FIELD("stated_miles"),
    FIELD("direction"),   FIELD("qualifier"),   FIELD("computed_km"), FIELD("bearing_deg"),
    FIELD("ratio"),       FIELD("verdict"),     FIELD("direction_ok"), FIELD("evidence")};

static kvm_status read_claim(reader *r, size_t article, const kvm_json *v)
{
    kvm_status s = check_object(r, v, "a claim");
    if (s != KVM_OK)
        return s;
    const kvm_json *f[C_COUNT];
    collect(v, claim_fields, C_COUNT, f);
    kvm_claim c;
    memset(&c, 0, sizeof c);
    c.article = article;
    const char *verdict;
    int direction_ok;
    if ((s = get_place(r, f[C_FROM], "from", &c.from)) != KVM_OK ||
        (s = get_place(r, f[C_TO], "to", &c.to)) != KVM_OK ||
        (s = get_number(r, f[C_STATED_KM], "stated_km", 0.0, 1e9, 0.0, &c.stated_km)) != KVM_OK ||
        (s = get_number(r, f[C_STATED_MILES], "stated_miles", 0.0, 1e9, 0.0, &c.stated_miles)) !=
            KVM_OK ||
        (s = get_string(r, v, f[C_DIRECTION], "direction", 0, &c.direction)) != KVM_OK ||
        (s = get_string(r, v, f[C_QUALIFIER], "qualifier", 0, &c.qualifier)) != KVM_OK ||
        (s = get_number(r, f[C_COMPUTED_KM], "computed_km", 0.0, 1e9, 0.0, &c.computed_km)) !=
            KVM_OK ||
        (s = get_number(r, f[C_BEARING_DEG], "bearing_deg", -360.0, 360.0, 0.0,
                        &c.bearing_deg)) != KVM_OK ||
        (s = get_number(r, f[C_RATIO], "ratio", 0.0, 1e12, 0.0, &c.ratio)) != KVM_OK ||
        (s = get_string(r, v, f[C_VERDICT], "verdict", 0, &verdict)) != KVM_OK ||
        (s = get_bool(r, f[C_DIRECTION_OK], "direction_ok", -1, &direction_ok)) != KVM_OK ||
        (s = get_string(r, v, f[C_EVIDENCE], "evidence", 0, &c.evidence)) != KVM_OK)
        return s;
    c.direction_ok = direction_ok;
    c.verdict = KVM_VERDICT_NONE;
    if (verdict[0]) {
        for (int k = KVM_VERDICT_CONSISTENT; k <= KVM_VERDICT_INCONSISTENT; k++)
            if (strcmp(verdict, kvm_verdict_name((kvm_verdict)k)) == 0)
                c.verdict = (kvm_verdict)k;
        if (c.verdict == KVM_VERDICT_NONE)
            return r_error(r, f[C_VERDICT], "unknown verdict '%s'", verdict);
    }
    if (kvm_eventset_add_claim(r->set, &c) == (size_t)-1)
        return r_nomem(r);
    return KVM_OK;
}

static kvm_status read_list(reader *r, const kvm_json *v, const char *key, size_t article,
                            const char *article_name, int kind)
{
    if (!v || v->type == KVM_JSON_NULL)
        return KVM_OK;
    if (v->type != KVM_JSON_ARRAY)
        return wrong_type(r, v, key, "an array");
    for (const kvm_json *c = v->first; c; c = c->next) {
        kvm_status s = kind == 0   ? read_mention(r, article, c)
                       : kind == 1 ? read_event(r, article, article_name, c)
                                   : read_claim(r, article, c);
        if (s != KVM_OK)
            return s;
    }
    return KVM_OK;
}

enum { A_ID, A_FILE, A_DATE, A_MENTIONS, A_EVENTS, A_CLAIMS, A_COUNT };
static const field article_fields[A_COUNT] = {FIELD("id"),       FIELD("file"),
                                              FIELD("date"),     FIELD("mentions"),
                                              FIELD("events"),   FIELD("claims")};

/* One article object (JSON "articles" element or JSON Lines line). */
static kvm_status read_article(reader *r, const kvm_json *v)
{
    kvm_status s = check_object(r, v, "an article");
    if (s != KVM_OK)
        return s;
    const kvm_json *f[A_COUNT];
    collect(v, article_fields, A_COUNT, f);
    const char *file;
    kvm_date date;
    if ((s = get_string(r, v, f[A_FILE], "file", 0, &file)) != KVM_OK)
        return s;
    if (!file[0] && (s = get_string(r, v, f[A_ID], "id", 0, &file)) != KVM_OK)
        return s;
    if (!file[0])
        return r_error(r, v, "article without 'file' or 'id'");
    if ((s = get_date(r, v, f[A_DATE], "date", &date)) != KVM_OK)
        return s;
    size_t index = kvm_eventset_add_article(r->set, file, date);
    if (index == (size_t)-1)
        return r_nomem(r);
    const char *name = kvm_eventset_article(r->set, index)->name;
    if (name_insert(r, name, index) != 0)
        return r_nomem(r);
    if ((s = read_list(r, f[A_MENTIONS], "mentions", index, name, 0)) != KVM_OK ||
        (s = read_list(r, f[A_EVENTS], "events", index, name, 1)) != KVM_OK ||
        (s = read_list(r, f[A_CLAIMS], "claims", index, name, 2)) != KVM_OK)
        return s;
    return KVM_OK;
}

/* Sources naming other articles, now that every article is known; names
 * never seen become articles of their own (no date, nothing else). */
static kvm_status resolve_sources(reader *r)
{
    for (size_t i = 0; i < r->n_pending; i++) {
        const pending_source *p = &r->pending[i];
        size_t index = name_lookup(r, p->name);
        if (index == (size_t)-1) {
            kvm_date none = {0, 0, 0};
            index = kvm_eventset_add_article(r->set, p->name, none);
            if (index == (size_t)-1 ||
                name_insert(r, kvm_eventset_article(r->set, index)->name, index) != 0)
                return r_nomem(r);
        }
        kvm_eventset_add_event_source(r->set, p->event, index);
    }
    return kvm_eventset_status(r->set) == KVM_OK ? KVM_OK : r_nomem(r);
}

/* {"articles": [...], "advances": [...], ...}: the articles one at a time
 * (one tree per article), everything else checked and skipped. */
static kvm_status read_json_shape(reader *r, const char *data, size_t len, size_t first_line,
                                  kvm_json_doc *doc)
{
    kvm_json_reader jr;
    kvm_json_reader_init(&jr, r->name, first_line, data, len, 0);
    kvm_status s;
    if (kvm_json_reader_peek(&jr) != '{')
        return kvm_json_reader_error(&jr, r->err, KVM_ERR_PARSE,
                                     jr.pos >= jr.len ? "unexpected end of input"
                                                      : "expected a JSON object");
    jr.pos++;
    int seen_articles = 0, c;
    if (kvm_json_reader_peek(&jr) == '}') {
        jr.pos++;
    } else {
        while (1) {
            const kvm_json *key;
            if (kvm_json_reader_peek(&jr) != '"')
                return kvm_json_reader_expect(&jr, '"', r->err);
            if ((s = kvm_json_reader_value(&jr, doc, &key, r->err)) != KVM_OK ||
                (s = kvm_json_reader_expect(&jr, ':', r->err)) != KVM_OK)
                return s;
            if (strcmp(key->text, "articles") == 0) {
                seen_articles = 1;
                if (kvm_json_reader_peek(&jr) != '[')
                    return kvm_json_reader_error(&jr, r->err, KVM_ERR_PARSE,
                                                 "'articles' must be an array");
                jr.pos++;
                if (kvm_json_reader_peek(&jr) == ']') {
                    jr.pos++;
                } else {
                    while (1) {
                        const kvm_json *article;
                        if ((s = kvm_json_reader_value(&jr, doc, &article, r->err)) != KVM_OK ||
                            (s = read_article(r, article)) != KVM_OK)
                            return s;
                        c = kvm_json_reader_peek(&jr);
                        jr.pos++;
                        if (c == ']')
                            break;
                        if (c != ',') {
                            jr.pos--;
                            return kvm_json_reader_expect(&jr, ']', r->err);
                        }
                    }
                }
            } else if ((s = kvm_json_reader_value(&jr, NULL, NULL, r->err)) != KVM_OK) {
                return s;
            }
            c = kvm_json_reader_peek(&jr);
            jr.pos++;
            if (c == '}')
                break;
            if (c != ',') {
                jr.pos--;
                return kvm_json_reader_expect(&jr, '}', r->err);
            }
        }
    }
    if ((s = kvm_json_reader_end(&jr, r->err)) != KVM_OK)
        return s;
    if (!seen_articles)
        return kvm_json_reader_error(&jr, r->err, KVM_ERR_PARSE,
                                     "not a kivumap report: no \"articles\" array");
    return KVM_OK;
}

static int blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    return 1;
}

/* 1 when the first non-blank line is a whole object without "articles":
 * the JSON Lines shape.  A pretty JSON report starts with a lone "{". */
static int looks_like_jsonl(const char *line, size_t len, kvm_json_doc *doc)
{
    const kvm_json *root;
    if (kvm_json_parse(doc, "", 1, line, len, 0, &root, NULL) != KVM_OK)
        return 0;
    return kvm_json_is(root, KVM_JSON_OBJECT) && !kvm_json_get(root, "articles");
}

/* One line; `writable` (the same bytes, or NULL) lets the parser keep the
 * strings where they are instead of copying them. */
static kvm_status read_jsonl_line(reader *r, kvm_json_doc *doc, const char *line, size_t len,
                                  size_t lineno, char *writable)
{
    if (blank(line, len))
        return KVM_OK;
    const kvm_json *root;
    kvm_status s = writable ? kvm_json_parse_in_place(doc, r->name, lineno, writable, len, 0,
                                                      &root, r->err)
                            : kvm_json_parse(doc, r->name, lineno, line, len, 0, &root, r->err);
    if (s != KVM_OK)
        return s;
    return read_article(r, root);
}

static void reader_free(reader *r)
{
    kvm_eventset_free(r->set);
    free(r->slots);
    free(r->pending);
    kvm_arena_free(&r->names_arena);
}

static kvm_status reader_init(reader *r, const char *name, kvm_error *err)
{
    memset(r, 0, sizeof *r);
    r->name = name ? name : "<input>";
    r->err = err;
    kvm_arena_init(&r->names_arena, 16u * 1024u);
    r->set = kvm_eventset_new();
    return r->set ? KVM_OK : r_nomem(r);
}

static kvm_status reader_commit(reader *r, kvm_eventset *set)
{
    kvm_status s = resolve_sources(r);
    if (s == KVM_OK)
        s = kvm_eventset_take(set, r->set, r->err);
    return s;
}

kvm_status kvm_report_read_buffer(kvm_eventset *set, const char *name, const char *data, size_t len,
                                  kvm_error *err)
{
    if (!set || (!data && len))
        return kvm_error_set(err, KVM_ERR_INVALID, "no event set or data");
    reader r;
    kvm_status s = reader_init(&r, name, err);
    kvm_json_doc *doc = kvm_json_doc_new();
    if (s == KVM_OK && !doc)
        s = r_nomem(&r);
    /* The first non-blank line decides the shape. */
    size_t pos = 0, lineno = 1;
    while (s == KVM_OK && pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        if (!blank(data + pos, end - pos))
            break;
        pos = nl ? end + 1 : len;
        lineno++;
    }
    if (s == KVM_OK && pos < len) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        if (looks_like_jsonl(data + pos, end - pos, doc)) {
            while (s == KVM_OK && pos < len) {
                nl = memchr(data + pos, '\n', len - pos);
                end = nl ? (size_t)(nl - data) : len;
                s = read_jsonl_line(&r, doc, data + pos, end - pos, lineno++, NULL);
                pos = nl ? end + 1 : len;
            }
        } else {
            s = read_json_shape(&r, data + pos, len - pos, lineno, doc);
        }
    }
    if (s == KVM_OK)
        s = reader_commit(&r, set);
    kvm_json_doc_free(doc);
    reader_free(&r);
    return s;
}

kvm_status kvm_report_read(kvm_eventset *set, const char *path, kvm_error *err)
{
    if (!set || !path)
        return kvm_error_set(err, KVM_ERR_INVALID, "no event set or path");
    int is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? "<stdin>" : path;
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    if (!fp)
        return kvm_error_set(err, KVM_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(fp), &st) != 0)
        st.st_mode = 0;
    if (S_ISDIR(st.st_mode)) {
        if (!is_stdin)
            fclose(fp);
        return kvm_error_set(err, KVM_ERR_IO, "cannot read '%s': Is a directory", path);
    }
    reader r;
    kvm_status s = reader_init(&r, name, err);
    kvm_json_doc *doc = kvm_json_doc_new();
    if (s == KVM_OK && !doc)
        s = r_nomem(&r);
    char *line = NULL;
    size_t line_cap = 0, lineno = 0;
    ssize_t got;
    kvm_buf head; /* lines read before the shape is known */
    kvm_buf_init(&head);
    int shape = 0; /* 0 unknown, 1 JSON Lines, 2 JSON (3: JSON, read already) */
    while (s == KVM_OK && (got = getline(&line, &line_cap, fp)) >= 0) {
        lineno++;
        size_t n = (size_t)got;
        if (shape == 0) {
            kvm_buf_append(&head, line, n);
            if (blank(line, n))
                continue;
            shape = looks_like_jsonl(line, n, doc) ? 1 : 2;
            if (shape == 2)
                break;
        }
        if (shape == 1)
            s = read_jsonl_line(&r, doc, line, n, lineno, line);
    }
    free(line);
    if (s == KVM_OK && ferror(fp))
        s = kvm_error_set(err, KVM_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
    if (s == KVM_OK && shape == 2 && !is_stdin && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (uintmax_t)st.st_size <= SIZE_MAX) {
        /* A regular file: map it rather than copy it (a million-event report
         * is over a gigabyte; mapped pages cost no anonymous memory). */
        size_t size = (size_t)st.st_size;
        void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fileno(fp), 0);
        if (map != MAP_FAILED) {
            s = read_json_shape(&r, map, size, 1, doc);
            munmap(map, size);
            shape = 3; /* done */
        }
    }
    if (s == KVM_OK && shape == 2) {
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
            kvm_buf_append(&head, chunk, n);
        if (ferror(fp))
            s = kvm_error_set(err, KVM_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
        else if (head.failed)
            s = r_nomem(&r);
        else
            s = read_json_shape(&r, head.data, head.len, 1, doc);
    }
    if (!is_stdin)
        fclose(fp);
    kvm_buf_free(&head);
    if (s == KVM_OK)
        s = reader_commit(&r, set);
    kvm_json_doc_free(doc);
    reader_free(&r);
    return s;
}
