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

#define WRITER_MAX_DEPTH 16 /* the report nests 7 deep; the indent table holds 16 */
#define WRITER_FLUSH_BYTES (64u * 1024u)

typedef struct writer {
    kvm_buf buf;
    FILE *out;
    int pretty;
    int depth;
    int first[WRITER_MAX_DEPTH]; /* no member written yet at this depth */
    int io_failed;
} writer;

static void w_flush(writer *w)
{
    if (w->buf.len && !w->buf.failed) {
        if (fwrite(w->buf.data, 1, w->buf.len, w->out) != w->buf.len)
            w->io_failed = 1;
    }
    w->buf.len = 0;
}

/* Appends with the capacity check inlined (the writer's hot path). */
static void w_put(writer *w, const char *s, size_t n)
{
    kvm_buf *b = &w->buf;
    if (b->len + n < b->cap && !b->failed) {
        memcpy(b->data + b->len, s, n);
        b->len += n;
        b->data[b->len] = '\0';
    } else {
        kvm_buf_append(b, s, n);
    }
}

static void w_newline_indent(writer *w)
{
    static const char spaces[] = "\n                                ";
    if (w->pretty)
        w_put(w, spaces, 1 + 2 * (size_t)w->depth);
}

/* Starts a value: the comma, the line break and the key (NULL in arrays). */
static void w_key(writer *w, const char *key)
{
    if (w->depth > 0) {
        if (!w->first[w->depth])
            w_put(w, ",", 1);
        w->first[w->depth] = 0;
        w_newline_indent(w);
    }
    if (key) { /* our own ASCII constants: no escaping needed */
        w_put(w, "\"", 1);
        w_put(w, key, strlen(key));
        w_put(w, "\"", 1);
        w_put(w, ": ", w->pretty ? 2 : 1);
    }
}

static void w_open(writer *w, const char *key, char c)
{
    w_key(w, key);
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

static void w_string(writer *w, const char *key, const char *value)
{
    w_key(w, key);
    kvm_json_buf_string(&w->buf, value ? value : "", value ? strlen(value) : 0);
}

/* An optional string: null when empty. */
static void w_string_or_null(writer *w, const char *key, const char *value)
{
    if (!value || !value[0]) {
        w_key(w, key);
        w_put(w, "null", 4);
    } else {
        w_string(w, key, value);
    }
}

static void w_null(writer *w, const char *key)
{
    w_key(w, key);
    w_put(w, "null", 4);
}

static void w_int(writer *w, const char *key, long long value)
{
    char tmp[24], *end = tmp + sizeof tmp, *p = end;
    unsigned long long u = value < 0 ? 0ull - (unsigned long long)value : (unsigned long long)value;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (value < 0)
        *--p = '-';
    w_key(w, key);
    w_put(w, p, (size_t)(end - p));
}

/* -1 (or any negative) = unknown -> null. */
static void w_count(writer *w, const char *key, long long value)
{
    if (value < 0)
        w_null(w, key);
    else
        w_int(w, key, value);
}

static void w_bool(writer *w, const char *key, int value)
{
    w_key(w, key);
    w_put(w, value ? "true" : "false", value ? 4 : 5);
}

/* Fixed decimals; null for NaN/infinity; "-0.000" written as "0.000". */
static void w_fixed(writer *w, const char *key, double value, int decimals)
{
    w_key(w, key);
    if (!isfinite(value)) {
        w_put(w, "null", 4);
        return;
    }
    char tmp[64];
    int n = snprintf(tmp, sizeof tmp, "%.*f", decimals, value);
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
    w_put(w, s, (size_t)n);
}

static void w_date(writer *w, const char *key, kvm_date date)
{
    if (date.year == 0) {
        w_null(w, key);
        return;
    }
    char buf[16];
    w_string(w, key, kvm_date_format(date, buf));
}

static void w_place(writer *w, const char *key, const kvm_place *p)
{
    if (!p) {
        w_null(w, key);
        return;
    }
    w_open(w, key, '{');
    w_string(w, "id", p->id);
    w_string(w, "name", p->name);
    w_string(w, "kind", kvm_place_kind_name(p->kind));
    w_fixed(w, "lat", p->lat, 6);
    w_fixed(w, "lon", p->lon, 6);
    w_string(w, "admin1", p->admin1);
    w_string(w, "admin2", p->admin2);
    w_string(w, "country", p->country);
    w_close(w, '}');
}

static void w_mention(writer *w, const kvm_mention *m, const char *text)
{
    w_open(w, NULL, '{');
    w_string(w, "text", text);
    w_int(w, "start", (long long)m->start);
    w_int(w, "end", (long long)m->end);
    w_place(w, "place", m->place);
    w_string(w, "method", m->method);
    w_fixed(w, "confidence", m->confidence, 3);
    w_int(w, "candidates", (long long)m->n_candidates);
    w_close(w, '}');
}

static void w_event(writer *w, const kvm_eventset *set, const kvm_event *e)
{
    w_open(w, NULL, '{');
    w_string(w, "id", e->id);
    w_string(w, "type", kvm_event_type_name(e->type));
    w_string(w, "event_type", kvm_event_type_acled(e->type));
    w_string(w, "sub_event_type", kvm_event_sub_type_acled(e->type));
    w_string_or_null(w, "actor1", e->actor1);
    w_string_or_null(w, "actor2", e->actor2);
    w_place(w, "place", e->place);
    if (e->geo_precision > 0)
        w_int(w, "geo_precision", e->geo_precision);
    else
        w_null(w, "geo_precision");
    w_date(w, "date", e->date);
    if (e->time_precision > 0)
        w_int(w, "time_precision", e->time_precision);
    else
        w_null(w, "time_precision");
    w_count(w, "count_min", e->count_min);
    w_count(w, "count_max", e->count_max);
    w_place(w, "origin", e->origin);
    w_place(w, "destination", e->destination);
    w_string_or_null(w, "destination_text", e->destination_text);
    w_bool(w, "historical", e->historical);
    w_int(w, "claimed", e->claimed);
    w_count(w, "fatalities", e->fatalities);
    w_open(w, "sources", '[');
    for (size_t s = 0; s < e->n_sources; s++) {
        const kvm_article_info *a = kvm_eventset_article(set, e->sources[s]);
        w_string(w, NULL, a ? a->name : "");
    }
    w_close(w, ']');
    w_string(w, "evidence", e->evidence);
    if (!e->mention[0] && !e->method[0] && e->confidence == 0.0 && e->mention_start == 0 &&
        e->mention_end == 0) {
        w_null(w, "mention");
    } else {
        w_open(w, "mention", '{');
        w_string(w, "text", e->mention);
        w_int(w, "start", (long long)e->mention_start);
        w_int(w, "end", (long long)e->mention_end);
        w_string(w, "method", e->method);
        w_fixed(w, "confidence", e->confidence, 3);
        w_close(w, '}');
    }
    w_close(w, '}');
}

static void w_claim(writer *w, const kvm_claim *c)
{
    w_open(w, NULL, '{');
    w_place(w, "from", c->from);
    w_place(w, "to", c->to);
    w_fixed(w, "stated_km", c->stated_km, 3);
    if (c->stated_miles > 0)
        w_fixed(w, "stated_miles", c->stated_miles, 3);
    else
        w_null(w, "stated_miles");
    w_string_or_null(w, "direction", c->direction);
    w_string_or_null(w, "qualifier", c->qualifier);
    w_fixed(w, "computed_km", c->computed_km, 3);
    w_fixed(w, "bearing_deg", c->bearing_deg, 2);
    w_fixed(w, "ratio", c->ratio, 4);
    if (c->verdict == KVM_VERDICT_NONE)
        w_null(w, "verdict");
    else
        w_string(w, "verdict", kvm_verdict_name(c->verdict));
    if (c->direction_ok < 0)
        w_null(w, "direction_ok");
    else
        w_bool(w, "direction_ok", c->direction_ok);
    w_string(w, "evidence", c->evidence);
    w_close(w, '}');
}

static void w_advance(writer *w, const kvm_advance *a)
{
    w_open(w, NULL, '{');
    w_string(w, "actor", a->actor);
    w_place(w, "from", a->from);
    w_place(w, "to", a->to);
    w_date(w, "date_from", a->date_from);
    w_date(w, "date_to", a->date_to);
    w_fixed(w, "dist_km", a->dist_km, 3);
    w_fixed(w, "bearing_deg", a->bearing_deg, 2);
    w_int(w, "sequence", (long long)a->sequence);
    w_open(w, "event_ids", '[');
    const char *ids = a->event_ids ? a->event_ids : "";
    while (*ids) {
        const char *semi = strchr(ids, ';');
        size_t n = semi ? (size_t)(semi - ids) : strlen(ids);
        w_key(w, NULL);
        kvm_json_buf_string(&w->buf, ids, n);
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
    w_open(w, NULL, '{');
    if (with_id)
        w_string(w, "id", info->name);
    w_string(w, "file", info->name);
    w_date(w, "date", info->date);
    w_open(w, "mentions", '[');
    for (size_t m = 0; m < info->n_mentions; m++)
        w_mention(w, &info->mentions[m], info->mention_texts[m]);
    w_close(w, ']');
    w_open(w, "events", '[');
    for (size_t k = b->event_start[a]; k < b->event_start[a + 1]; k++)
        w_event(w, set, kvm_eventset_event(set, b->events[k]));
    w_close(w, ']');
    w_open(w, "claims", '[');
    for (size_t k = b->claim_start[a]; k < b->claim_start[a + 1]; k++)
        w_claim(w, kvm_eventset_claim(set, b->claims[k]));
    w_close(w, ']');
    w_close(w, '}');
}

static kvm_status writer_finish(writer *w, kvm_error *err)
{
    w_flush(w);
    int nomem = w->buf.failed;
    kvm_buf_free(&w->buf);
    if (nomem)
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory while writing the report");
    if (w->io_failed || fflush(w->out) != 0 || ferror(w->out))
        return kvm_error_set(err, KVM_ERR_IO, "cannot write the report: %s", strerror(errno));
    return KVM_OK;
}

static kvm_status write_report(const kvm_eventset *set, FILE *out, int jsonl, kvm_error *err)
{
    if (!set || !out)
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
    w.pretty = !jsonl;
    size_t na = kvm_eventset_article_count(set);
    if (jsonl) {
        for (size_t a = 0; a < na; a++) {
            w_article(&w, set, &b, a, 1);
            kvm_buf_putc(&w.buf, '\n');
            if (w.buf.len >= WRITER_FLUSH_BYTES)
                w_flush(&w);
        }
    } else {
        w_open(&w, NULL, '{');
        w_open(&w, "articles", '[');
        for (size_t a = 0; a < na; a++) {
            w_article(&w, set, &b, a, 0);
            if (w.buf.len >= WRITER_FLUSH_BYTES)
                w_flush(&w);
        }
        w_close(&w, ']');
        w_open(&w, "advances", '[');
        for (size_t i = 0; i < kvm_eventset_advance_count(set); i++) {
            w_advance(&w, kvm_eventset_advance(set, i));
            if (w.buf.len >= WRITER_FLUSH_BYTES)
                w_flush(&w);
        }
        w_close(&w, ']');
        w_close(&w, '}');
        kvm_buf_putc(&w.buf, '\n');
    }
    by_article_free(&b);
    return writer_finish(&w, err);
}

kvm_status kvm_report_write_json(const kvm_eventset *set, FILE *out, kvm_error *err)
{
    return write_report(set, out, 0, err);
}

kvm_status kvm_report_write_jsonl(const kvm_eventset *set, FILE *out, kvm_error *err)
{
    return write_report(set, out, 1, err);
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

/* String member; null or missing -> "" (missing is an error when required). */
static kvm_status get_string(reader *r, const kvm_json *obj, const char *key, int required,
                             const char **pout)
{
    const kvm_json *v = kvm_json_get(obj, key);
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
static kvm_status get_integer(reader *r, const kvm_json *obj, const char *key, long long min,
                              long long max, long long if_null, long long *pout)
{
    const kvm_json *v = kvm_json_get(obj, key);
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

static kvm_status get_size(reader *r, const kvm_json *obj, const char *key, size_t *pout)
{
    long long v;
    kvm_status s = get_integer(r, obj, key, 0, LLONG_MAX, 0, &v);
    *pout = (size_t)v;
    return s;
}

/* Number member in [min, max]; null or missing -> if_null. */
static kvm_status get_number(reader *r, const kvm_json *obj, const char *key, double min,
                             double max, double if_null, double *pout)
{
    const kvm_json *v = kvm_json_get(obj, key);
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
static kvm_status get_bool(reader *r, const kvm_json *obj, const char *key, int if_null, int *pout)
{
    const kvm_json *v = kvm_json_get(obj, key);
    *pout = if_null;
    if (!v || v->type == KVM_JSON_NULL)
        return KVM_OK;
    if (v->type != KVM_JSON_BOOL)
        return wrong_type(r, v, key, "true, false or null");
    *pout = v->boolean;
    return KVM_OK;
}

static kvm_status get_date(reader *r, const kvm_json *obj, const char *key, kvm_date *pout)
{
    const char *text;
    kvm_status s = get_string(r, obj, key, 0, &text);
    kvm_date none = {0, 0, 0};
    *pout = none;
    if (s != KVM_OK || !text[0])
        return s;
    kvm_error e;
    if (kvm_parse_date(text, pout, &e) != KVM_OK)
        return r_error(r, kvm_json_get(obj, key), "'%s': %s", key, e.message);
    return KVM_OK;
}

static kvm_status check_object(reader *r, const kvm_json *v, const char *what)
{
    if (!kvm_json_is(v, KVM_JSON_OBJECT))
        return r_error(r, v, "%s must be an object, not %s", what, kvm_json_type_name(v->type));
    return KVM_OK;
}

/* A place object (or null -> *pplace NULL), interned into the set. */
static kvm_status get_place(reader *r, const kvm_json *obj, const char *key,
                            const kvm_place **pplace)
{
    const kvm_json *v = kvm_json_get(obj, key);
    *pplace = NULL;
    if (!v || v->type == KVM_JSON_NULL)
        return KVM_OK;
    if (v->type != KVM_JSON_OBJECT)
        return wrong_type(r, v, key, "a place object or null");
    kvm_place p;
    memset(&p, 0, sizeof p);
    p.alt_names = "";
    p.source = "";
    const char *kind;
    kvm_status s;
    if ((s = get_string(r, v, "id", 1, &p.id)) != KVM_OK ||
        (s = get_string(r, v, "name", 0, &p.name)) != KVM_OK ||
        (s = get_string(r, v, "kind", 0, &kind)) != KVM_OK ||
        (s = get_number(r, v, "lat", -90.0, 90.0, 0.0, &p.lat)) != KVM_OK ||
        (s = get_number(r, v, "lon", -180.0, 180.0, 0.0, &p.lon)) != KVM_OK ||
        (s = get_string(r, v, "admin1", 0, &p.admin1)) != KVM_OK ||
        (s = get_string(r, v, "admin2", 0, &p.admin2)) != KVM_OK ||
        (s = get_string(r, v, "country", 0, &p.country)) != KVM_OK)
        return s;
    if (!p.id[0])
        return r_error(r, kvm_json_get(v, "id"), "empty place id");
    if (!kvm_json_is(kvm_json_get(v, "lat"), KVM_JSON_NUMBER) ||
        !kvm_json_is(kvm_json_get(v, "lon"), KVM_JSON_NUMBER))
        return r_error(r, v, "place '%s' has no 'lat' and 'lon'", p.id);
    p.kind = kvm_place_kind_from_name(kind);
    if (p.kind == KVM_KIND_UNKNOWN && kind[0] && strcmp(kind, "unknown") != 0)
        return r_error(r, kvm_json_get(v, "kind"), "unknown place kind '%s'", kind);
    *pplace = kvm_eventset_intern_place(r->set, &p);
    return *pplace ? KVM_OK : r_nomem(r);
}

static kvm_status read_mention(reader *r, size_t article, const kvm_json *v)
{
    kvm_status s = check_object(r, v, "a mention");
    if (s != KVM_OK)
        return s;
    kvm_mention m;
    memset(&m, 0, sizeof m);
    const char *text;
    if ((s = get_string(r, v, "text", 1, &text)) != KVM_OK ||
        (s = get_size(r, v, "start", &m.start)) != KVM_OK ||
        (s = get_size(r, v, "end", &m.end)) != KVM_OK ||
        (s = get_place(r, v, "place", &m.place)) != KVM_OK ||
        (s = get_string(r, v, "method", 0, &m.method)) != KVM_OK ||
        (s = get_number(r, v, "confidence", 0.0, 1.0, 0.0, &m.confidence)) != KVM_OK ||
        (s = get_size(r, v, "candidates", &m.n_candidates)) != KVM_OK)
        return s;
    if (m.end < m.start)
        return r_error(r, kvm_json_get(v, "end"), "'end' before 'start'");
    kvm_eventset_add_mention(r->set, article, &m, text);
    return kvm_eventset_status(r->set) == KVM_OK ? KVM_OK : r_nomem(r);
}

static kvm_status read_event_mention(reader *r, const kvm_json *obj, kvm_event *e)
{
    const kvm_json *v = kvm_json_get(obj, "mention");
    if (!v || v->type == KVM_JSON_NULL)
        return KVM_OK;
    if (v->type != KVM_JSON_OBJECT)
        return wrong_type(r, v, "mention", "an object or null");
    kvm_status s;
    if ((s = get_string(r, v, "text", 0, &e->mention)) != KVM_OK ||
        (s = get_size(r, v, "start", &e->mention_start)) != KVM_OK ||
        (s = get_size(r, v, "end", &e->mention_end)) != KVM_OK ||
        (s = get_string(r, v, "method", 0, &e->method)) != KVM_OK ||
        (s = get_number(r, v, "confidence", 0.0, 1.0, 0.0, &e->confidence)) != KVM_OK)
        return s;
    if (e->mention_end < e->mention_start)
        return r_error(r, kvm_json_get(v, "end"), "'end' before 'start'");
    return KVM_OK;
}

static kvm_status read_sources(reader *r, const kvm_json *obj, size_t event, const char *self)
{
    const kvm_json *v = kvm_json_get(obj, "sources");
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

static kvm_status read_event(reader *r, size_t article, const char *article_name, const kvm_json *v)
{
    kvm_status s = check_object(r, v, "an event");
    if (s != KVM_OK)
        return s;
    kvm_event e;
    kvm_event_init(&e);
    e.article = article;
    const char *type, *ignored;
    long long geo, timep, claimed;
    if ((s = get_string(r, v, "type", 1, &type)) != KVM_OK)
        return s;
    e.type = kvm_event_type_from_name(type);
    if (e.type == KVM_EVENT_NONE)
        return r_error(r, kvm_json_get(v, "type"), "unknown event type '%s'", type);
    if ((s = get_string(r, v, "id", 0, &e.id)) != KVM_OK ||
        (s = get_string(r, v, "event_type", 0, &ignored)) != KVM_OK ||
        (s = get_string(r, v, "sub_event_type", 0, &ignored)) != KVM_OK ||
        (s = get_string(r, v, "actor1", 0, &e.actor1)) != KVM_OK ||
        (s = get_string(r, v, "actor2", 0, &e.actor2)) != KVM_OK ||
        (s = get_place(r, v, "place", &e.place)) != KVM_OK ||
        (s = get_integer(r, v, "geo_precision", 1, 3, 0, &geo)) != KVM_OK ||
        (s = get_date(r, v, "date", &e.date)) != KVM_OK ||
        (s = get_integer(r, v, "time_precision", 1, 4, 0, &timep)) != KVM_OK ||
        (s = get_integer(r, v, "count_min", 0, LLONG_MAX, -1, &e.count_min)) != KVM_OK ||
        (s = get_integer(r, v, "count_max", 0, LLONG_MAX, -1, &e.count_max)) != KVM_OK ||
        (s = get_place(r, v, "origin", &e.origin)) != KVM_OK ||
        (s = get_place(r, v, "destination", &e.destination)) != KVM_OK ||
        (s = get_string(r, v, "destination_text", 0, &e.destination_text)) != KVM_OK ||
        (s = get_bool(r, v, "historical", 0, &e.historical)) != KVM_OK ||
        (s = get_integer(r, v, "claimed", -1, 1, 0, &claimed)) != KVM_OK ||
        (s = get_integer(r, v, "fatalities", 0, LLONG_MAX, -1, &e.fatalities)) != KVM_OK ||
        (s = get_string(r, v, "evidence", 0, &e.evidence)) != KVM_OK ||
        (s = read_event_mention(r, v, &e)) != KVM_OK)
        return s;
    e.geo_precision = (int)geo;
    e.time_precision = (int)timep;
    e.claimed = (int)claimed;
    size_t index = kvm_eventset_add_event(r->set, &e);
    if (index == (size_t)-1)
        return r_nomem(r);
    return read_sources(r, v, index, article_name);
}

static kvm_status read_claim(reader *r, size_t article, const kvm_json *v)
{
    kvm_status s = check_object(r, v, "a claim");
    if (s != KVM_OK)
        return s;
    kvm_claim c;
    memset(&c, 0, sizeof c);
    c.article = article;
    const char *verdict;
    int direction_ok;
    if ((s = get_place(r, v, "from", &c.from)) != KVM_OK ||
        (s = get_place(r, v, "to", &c.to)) != KVM_OK ||
        (s = get_number(r, v, "stated_km", 0.0, 1e9, 0.0, &c.stated_km)) != KVM_OK ||
        (s = get_number(r, v, "stated_miles", 0.0, 1e9, 0.0, &c.stated_miles)) != KVM_OK ||
        (s = get_string(r, v, "direction", 0, &c.direction)) != KVM_OK ||
        (s = get_string(r, v, "qualifier", 0, &c.qualifier)) != KVM_OK ||
        (s = get_number(r, v, "computed_km", 0.0, 1e9, 0.0, &c.computed_km)) != KVM_OK ||
        (s = get_number(r, v, "bearing_deg", -360.0, 360.0, 0.0, &c.bearing_deg)) != KVM_OK ||
        (s = get_number(r, v, "ratio", 0.0, 1e12, 0.0, &c.ratio)) != KVM_OK ||
        (s = get_string(r, v, "verdict", 0, &verdict)) != KVM_OK ||
        (s = get_bool(r, v, "direction_ok", -1, &direction_ok)) != KVM_OK ||
        (s = get_string(r, v, "evidence", 0, &c.evidence)) != KVM_OK)
        return s;
    c.direction_ok = direction_ok;
    c.verdict = KVM_VERDICT_NONE;
    if (verdict[0]) {
        for (int k = KVM_VERDICT_CONSISTENT; k <= KVM_VERDICT_INCONSISTENT; k++)
            if (strcmp(verdict, kvm_verdict_name((kvm_verdict)k)) == 0)
                c.verdict = (kvm_verdict)k;
        if (c.verdict == KVM_VERDICT_NONE)
            return r_error(r, kvm_json_get(v, "verdict"), "unknown verdict '%s'", verdict);
    }
    if (kvm_eventset_add_claim(r->set, &c) == (size_t)-1)
        return r_nomem(r);
    return KVM_OK;
}

static kvm_status read_list(reader *r, const kvm_json *obj, const char *key, size_t article,
                            const char *article_name, int kind)
{
    const kvm_json *v = kvm_json_get(obj, key);
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

/* One article object (JSON "articles" element or JSON Lines line). */
static kvm_status read_article(reader *r, const kvm_json *v)
{
    kvm_status s = check_object(r, v, "an article");
    if (s != KVM_OK)
        return s;
    const char *file;
    kvm_date date;
    if ((s = get_string(r, v, "file", 0, &file)) != KVM_OK)
        return s;
    if (!file[0] && (s = get_string(r, v, "id", 0, &file)) != KVM_OK)
        return s;
    if (!file[0])
        return r_error(r, v, "article without 'file' or 'id'");
    if ((s = get_date(r, v, "date", &date)) != KVM_OK)
        return s;
    size_t index = kvm_eventset_add_article(r->set, file, date);
    if (index == (size_t)-1)
        return r_nomem(r);
    const char *name = kvm_eventset_article(r->set, index)->name;
    if (name_insert(r, name, index) != 0)
        return r_nomem(r);
    if ((s = read_list(r, v, "mentions", index, name, 0)) != KVM_OK ||
        (s = read_list(r, v, "events", index, name, 1)) != KVM_OK ||
        (s = read_list(r, v, "claims", index, name, 2)) != KVM_OK)
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

static kvm_status read_jsonl_line(reader *r, kvm_json_doc *doc, const char *line, size_t len,
                                  size_t lineno)
{
    if (blank(line, len))
        return KVM_OK;
    const kvm_json *root;
    kvm_status s = kvm_json_parse(doc, r->name, lineno, line, len, 0, &root, r->err);
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
                s = read_jsonl_line(&r, doc, data + pos, end - pos, lineno++);
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
            s = read_jsonl_line(&r, doc, line, n, lineno);
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
