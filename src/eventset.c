/* The event set: articles, mentions, events, claims and advances of one run,
 * with every string and place copied once into the set's arena. */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "events_internal.h"
#include "json.h"
#include "kivumap/events.h"
#include "kivumap/geodesy.h"
#include "util.h"

/* ---- Names and rules ----------------------------------------------------- */

static const struct {
    const char *name;
    const char *acled;
    const char *acled_sub;
} type_table[KVM_EVENT_TYPE_COUNT] = {
    {"none", "", ""},
    {"capture", "Battles", "Non-state actor overtakes territory"},
    {"recapture", "Battles", "Government regains territory"},
    {"clash", "Battles", "Armed clash"},
    {"shelling", "Explosions/Remote violence", "Shelling/artillery/missile attack"},
    {"attack", "Violence against civilians", "Attack"},
    {"withdrawal", "Strategic developments", "Non-violent transfer of territory"},
    {"agreement", "Strategic developments", "Agreement"},
    {"displacement", "Displacement", "Displacement"},
};

static int type_valid(kvm_event_type type)
{
    return type > KVM_EVENT_NONE && type < KVM_EVENT_TYPE_COUNT;
}

const char *kvm_event_type_name(kvm_event_type type)
{
    return type_valid(type) ? type_table[type].name : "none";
}

kvm_event_type kvm_event_type_from_name(const char *name)
{
    if (!name)
        return KVM_EVENT_NONE;
    for (int t = KVM_EVENT_NONE + 1; t < KVM_EVENT_TYPE_COUNT; t++)
        if (strcmp(name, type_table[t].name) == 0)
            return (kvm_event_type)t;
    return KVM_EVENT_NONE;
}

const char *kvm_event_type_acled(kvm_event_type type)
{
    return type_valid(type) ? type_table[type].acled : "";
}

const char *kvm_event_sub_type_acled(kvm_event_type type)
{
    return type_valid(type) ? type_table[type].acled_sub : "";
}

void kvm_event_init(kvm_event *event)
{
    memset(event, 0, sizeof *event);
    event->id = "";
    event->actor1 = "";
    event->actor2 = "";
    event->count_min = -1;
    event->count_max = -1;
    event->destination_text = "";
    event->evidence = "";
    event->mention = "";
    event->method = "";
    event->fatalities = -1;
}

const char *kvm_verdict_name(kvm_verdict verdict)
{
    switch (verdict) {
    case KVM_VERDICT_CONSISTENT:
        return "consistent";
    case KVM_VERDICT_ROAD_PLAUSIBLE:
        return "road-plausible";
    case KVM_VERDICT_INCONSISTENT:
        return "inconsistent";
    case KVM_VERDICT_NONE:
        break;
    }
    return "none";
}

/* Tolerance on the ratio limits so that "110 km stated, 100 computed" is
 * exactly on the 10 % line, whatever the last bit of 110.0 / 100.0. */
#define RATIO_EPS 1e-9

kvm_verdict kvm_verdict_for(double stated_km, double computed_km, double *pratio)
{
    double ratio = 0.0;
    kvm_verdict v;
    if (!(stated_km > 0.0) || !(computed_km >= 0.0) || !isfinite(stated_km) ||
        !isfinite(computed_km)) {
        v = KVM_VERDICT_NONE;
    } else if (computed_km == 0.0) {
        v = KVM_VERDICT_INCONSISTENT;
    } else {
        ratio = stated_km / computed_km;
        if (fabs(ratio - 1.0) <= 0.10 + RATIO_EPS)
            v = KVM_VERDICT_CONSISTENT;
        else if (ratio > 1.10 && ratio <= 1.6 + RATIO_EPS)
            v = KVM_VERDICT_ROAD_PLAUSIBLE;
        else
            v = KVM_VERDICT_INCONSISTENT;
    }
    if (pratio)
        *pratio = ratio;
    return v;
}

/* ---- String tables ------------------------------------------------------- */

typedef struct tab_slot {
    const char *key; /* NULL: empty */
    size_t len;
    size_t hash;
    size_t value;
} tab_slot;

typedef struct strtab {
    tab_slot *slots;
    size_t cap; /* power of two or 0 */
    size_t count;
} strtab;

/* Eight bytes at a time, mixed by multiplication (the table's order is
 * never visible, so the byte order of the machine does not matter). */
static size_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 0x9E3779B97F4A7C15ull ^ (uint64_t)len;
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
        s += 8;
        len -= 8;
    }
    uint64_t w = 0;
    memcpy(&w, s, len);
    h = (h ^ w) * 0x94D049BB133111EBull;
    h ^= h >> 29;
    return (size_t)h;
}

/* The slot holding key, or the empty slot where it would go.  cap > 0. */
static tab_slot *tab_find(const strtab *t, const char *key, size_t len, size_t hash)
{
    size_t mask = t->cap - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        tab_slot *s = &t->slots[i];
        if (!s->key)
            return s;
        if (s->hash == hash && s->len == len && memcmp(s->key, key, len) == 0)
            return s;
    }
}

/* Room for one more entry; -1 if out of memory. */
static int tab_reserve(strtab *t)
{
    if (t->cap && (t->count + 1) * 4 <= t->cap * 3)
        return 0;
    size_t cap = t->cap ? t->cap * 2 : 64;
    if (cap < t->cap)
        return -1;
    tab_slot *slots = kvm_alloc_array(cap, sizeof *slots);
    if (!slots)
        return -1;
    memset(slots, 0, cap * sizeof *slots);
    strtab bigger = {slots, cap, t->count};
    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].key)
            *tab_find(&bigger, t->slots[i].key, t->slots[i].len, t->slots[i].hash) = t->slots[i];
    free(t->slots);
    *t = bigger;
    return 0;
}

static void tab_clear(strtab *t)
{
    if (t->slots)
        memset(t->slots, 0, t->cap * sizeof *t->slots);
    t->count = 0;
}

/* ---- The set ---------------------------------------------------------------- */

typedef struct article_rec {
    kvm_article_info info; /* public view; mentions/texts point to the arrays below */
    kvm_mention *mentions;
    const char **texts;
    size_t mention_cap;
    size_t text_cap;
    const char *stem; /* for event ids */
    size_t n_events;  /* events added with this article first, for ids */
} article_rec;

typedef struct source_list {
    size_t *items; /* NULL while the event has one source (event.article) */
    size_t cap;
} source_list;

/* A place copied into the set.  Copies outlive kvm_eventset_clear (a
 * stream of articles names the same places again and again); `gen` tells
 * whether the current contents reference it. */
typedef struct place_entry {
    kvm_place *copy;   /* in place_arena */
    const kvm_place *src; /* what it was copied from */
    unsigned long long gen; /* the generation that last referenced it */
    size_t ref;        /* its index in places[] while gen == set->gen */
} place_entry;

struct kvm_eventset {
    kvm_status status;
    kvm_arena arena;  /* strings of the current contents (reset by clear) */
    strtab strings;   /* interned strings, value unused */
    strtab stems;     /* article stems in use */

    /* Every place copied so far (kept by clear): id -> entries[value]. */
    kvm_arena place_arena;
    strtab place_ids;
    place_entry *entries;
    size_t n_entries, entries_cap;
    unsigned long long gen; /* incremented by clear */
    /* Source place pointer -> entries[] index (direct mapped), so a place
     * named again is found without hashing its id; checked on every hit. */
    struct {
        const kvm_place *src;
        size_t entry;
    } by_pointer[512];
    /* kvm_eventset_trust_places: places in [stable_lo, stable_hi) do not
     * change, so a by_pointer hit there needs no comparison. */
    const kvm_place *stable_lo, *stable_hi;
    /* Static strings (mention methods) -> their interned copy, this
     * generation only. */
    struct {
        const char *src, *copy;
        unsigned long long gen;
    } method_cache[8];
    void *writer_cache;     /* kvm_eventset_writer_cache */
    void (*writer_cache_free)(void *);

    /* The places the current contents reference, in first-seen order. */
    const kvm_place **places;
    size_t *place_mention_counts;
    size_t n_places, places_cap, counts_cap;

    article_rec *articles;
    size_t n_articles, articles_cap;
    size_t articles_initialised; /* records whose arrays are owned (kept by clear) */

    kvm_event *events;
    source_list *sources;
    size_t n_events, events_cap, sources_cap;

    kvm_claim *claims;
    size_t n_claims, claims_cap;

    kvm_advance *advances;
    size_t n_advances, advances_cap;
};

kvm_eventset *kvm_eventset_new(void)
{
    kvm_eventset *set = calloc(1, sizeof *set);
    if (!set)
        return NULL;
    kvm_arena_init(&set->arena, 256u * 1024u);
    kvm_arena_init(&set->place_arena, 16u * 1024u);
    set->gen = 1;
    return set;
}

static void free_sources(kvm_eventset *set)
{
    for (size_t i = 0; i < set->n_events; i++) {
        free(set->sources[i].items);
        set->sources[i].items = NULL;
        set->sources[i].cap = 0;
    }
}

void kvm_eventset_free(kvm_eventset *set)
{
    if (!set)
        return;
    free_sources(set);
    for (size_t i = 0; i < set->articles_initialised; i++) {
        free(set->articles[i].mentions);
        free(set->articles[i].texts);
    }
    free(set->articles);
    free(set->events);
    free(set->sources);
    free(set->claims);
    free(set->advances);
    free(set->places);
    free(set->place_mention_counts);
    free(set->strings.slots);
    free(set->place_ids.slots);
    free(set->stems.slots);
    free(set->entries);
    if (set->writer_cache && set->writer_cache_free)
        set->writer_cache_free(set->writer_cache);
    kvm_arena_free(&set->arena);
    kvm_arena_free(&set->place_arena);
    free(set);
}

kvm_status kvm_eventset_status(const kvm_eventset *set)
{
    return set ? set->status : KVM_ERR_INVALID;
}

void kvm_eventset_clear(kvm_eventset *set)
{
    if (!set)
        return;
    free_sources(set);
    set->status = KVM_OK;
    kvm_arena_reset(&set->arena);
    tab_clear(&set->strings);
    tab_clear(&set->stems);
    set->gen++; /* the place copies stay, unreferenced */
    set->n_places = 0;
    set->n_articles = 0;
    set->n_events = 0;
    set->n_claims = 0;
    set->n_advances = 0;
}

static void fail(kvm_eventset *set, kvm_status code)
{
    if (set->status == KVM_OK)
        set->status = code;
}

/* The set's copy of s[0..len) (one copy per distinct string); "" for empty. */
static const char *intern_n(kvm_eventset *set, const char *s, size_t len)
{
    if (!s || len == 0)
        return "";
    size_t hash = hash_bytes(s, len);
    if (tab_reserve(&set->strings) != 0) {
        fail(set, KVM_ERR_NOMEM);
        return NULL;
    }
    tab_slot *slot = tab_find(&set->strings, s, len, hash);
    if (slot->key)
        return slot->key;
    char *copy = kvm_arena_strndup(&set->arena, s, len);
    if (!copy) {
        fail(set, KVM_ERR_NOMEM);
        return NULL;
    }
    slot->key = copy;
    slot->len = len;
    slot->hash = hash;
    set->strings.count++;
    return copy;
}

static const char *intern(kvm_eventset *set, const char *s)
{
    return intern_n(set, s, s ? strlen(s) : 0);
}

/* The entry of the place with this id, or NULL. */
static place_entry *find_entry(const kvm_eventset *set, const char *id)
{
    if (!set->place_ids.cap || !id)
        return NULL;
    size_t len = strlen(id);
    tab_slot *slot = tab_find(&set->place_ids, id, len, hash_bytes(id, len));
    return slot->key ? &set->entries[slot->value] : NULL;
}

/* Index in places[] of the referenced place with this id, or (size_t)-1. */
static size_t place_index(const kvm_eventset *set, const char *id)
{
    const place_entry *e = find_entry(set, id);
    return e && e->gen == set->gen ? e->ref : (size_t)-1;
}

static const char *nonnull(const char *s)
{
    return s ? s : "";
}

/* 1 if a copy holds exactly what place holds. */
static int same_place(const kvm_place *copy, const kvm_place *place)
{
    return copy->kind == place->kind && memcmp(&copy->lat, &place->lat, sizeof copy->lat) == 0 &&
           memcmp(&copy->lon, &place->lon, sizeof copy->lon) == 0 &&
           copy->population == place->population &&
           strcmp(copy->name, nonnull(place->name)) == 0 &&
           strcmp(copy->admin2, nonnull(place->admin2)) == 0 &&
           strcmp(copy->admin1, nonnull(place->admin1)) == 0 &&
           strcmp(copy->country, nonnull(place->country)) == 0 &&
           strcmp(copy->alt_names, nonnull(place->alt_names)) == 0 &&
           strcmp(copy->source, nonnull(place->source)) == 0;
}

static const char *place_string(kvm_eventset *set, const char *s)
{
    if (!s || !s[0])
        return "";
    return kvm_arena_strndup(&set->place_arena, s, strlen(s));
}

/* A copy of place (strings included) in the place arena; NULL if out of memory. */
static kvm_place *copy_place(kvm_eventset *set, const kvm_place *place, const char *id,
                             size_t id_len)
{
    kvm_place *copy = kvm_arena_alloc(&set->place_arena, sizeof *copy);
    if (!copy)
        return NULL;
    *copy = *place;
    copy->id = kvm_arena_strndup(&set->place_arena, id, id_len);
    copy->name = place_string(set, place->name);
    copy->alt_names = place_string(set, place->alt_names);
    copy->admin2 = place_string(set, place->admin2);
    copy->admin1 = place_string(set, place->admin1);
    copy->country = place_string(set, place->country);
    copy->source = place_string(set, place->source);
    if (!copy->id || !copy->name || !copy->alt_names || !copy->admin2 || !copy->admin1 ||
        !copy->country || !copy->source)
        return NULL;
    return copy;
}

/* The entry of place's id, referenced by the current contents (a copy made
 * or brought back if needed); NULL on error (sticky). */
static place_entry *intern_entry_slow(kvm_eventset *set, const kvm_place *place,
                                     place_entry *known);
static place_entry *reference_entry(kvm_eventset *set, place_entry *e);

static size_t pointer_slot(const void *p)
{
    uint64_t h = (uint64_t)(uintptr_t)p * 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 55); /* 512 slots */
}

/* intern_entry_slow with a shortcut: the place pointer seen last time in
 * this slot, with the same id, its copy already referenced by the current
 * contents (the entry the id lookup finds). */
static place_entry *intern_entry(kvm_eventset *set, const kvm_place *place)
{
    size_t k = pointer_slot(place);
    place_entry *known = NULL;
    if (set->by_pointer[k].src == place) {
        place_entry *e = &set->entries[set->by_pointer[k].entry];
        if (e->src == place && place >= set->stable_lo && place < set->stable_hi)
            return e->gen == set->gen ? e : reference_entry(set, e); /* trusted: no compare */
        /* the id decides, as in the slow path (a pointer may be reused) */
        if (strcmp(e->copy->id, place->id ? place->id : "") == 0) {
            if (e->gen == set->gen)
                return e;
            known = e;
        }
    }
    place_entry *e = intern_entry_slow(set, place, known);
    if (e) {
        set->by_pointer[k].src = place;
        set->by_pointer[k].entry = (size_t)(e - set->entries);
    }
    return e;
}

/* known: the entry of place's id when the caller knows it (NULL: looked up). */
static place_entry *intern_entry_slow(kvm_eventset *set, const kvm_place *place,
                                     place_entry *known)
{
    const char *id = place->id ? place->id : "";
    size_t len = 0, hash = 0;
    tab_slot *slot = NULL;
    place_entry *e = known;
    if (!e) {
        len = strlen(id);
        hash = hash_bytes(id, len);
        slot = set->place_ids.cap ? tab_find(&set->place_ids, id, len, hash) : NULL;
        e = slot && slot->key ? &set->entries[slot->value] : NULL;
    }
    if (e && e->gen == set->gen)
        return e; /* referenced already: the first copy wins */
    if (e && same_place(e->copy, place))
        return reference_entry(set, e);
    if (e) {
        /* Kept from before a clear but different now: a fresh copy. */
        if (!slot) {
            len = strlen(id);
            slot = tab_find(&set->place_ids, id, len, hash_bytes(id, len));
        }
        kvm_place *copy = copy_place(set, place, id, len);
        if (!copy) {
            fail(set, KVM_ERR_NOMEM);
            return NULL;
        }
        e->copy = copy;
        e->src = place;
        slot->key = copy->id;
    } else if (!e) {
        if (tab_reserve(&set->place_ids) != 0 ||
            kvm_grow((void **)&set->entries, &set->entries_cap, set->n_entries + 1,
                     sizeof *set->entries) != 0) {
            fail(set, KVM_ERR_NOMEM);
            return NULL;
        }
        kvm_place *copy = copy_place(set, place, id, len);
        if (!copy) {
            fail(set, KVM_ERR_NOMEM);
            return NULL;
        }
        slot = tab_find(&set->place_ids, id, len, hash);
        slot->key = copy->id;
        slot->len = len;
        slot->hash = hash;
        slot->value = set->n_entries;
        set->place_ids.count++;
        e = &set->entries[set->n_entries++];
        e->copy = copy;
        e->src = place;
    }
    return reference_entry(set, e);
}

/* Makes the current contents reference entry e (not referenced yet in
 * this generation): appended to places[]. */
static place_entry *reference_entry(kvm_eventset *set, place_entry *e)
{
    if (kvm_grow((void **)&set->places, &set->places_cap, set->n_places + 1, sizeof *set->places) !=
            0 ||
        kvm_grow((void **)&set->place_mention_counts, &set->counts_cap, set->n_places + 1,
                 sizeof *set->place_mention_counts) != 0) {
        fail(set, KVM_ERR_NOMEM);
        return NULL;
    }
    e->gen = set->gen;
    e->ref = set->n_places;
    set->places[set->n_places] = e->copy;
    set->place_mention_counts[set->n_places] = 0;
    set->n_places++;
    return e;
}

void kvm_eventset_trust_places(kvm_eventset *set, const kvm_gazetteer *gaz)
{
    if (!set)
        return;
    size_t n = kvm_gazetteer_count(gaz);
    set->stable_lo = n ? kvm_gazetteer_place(gaz, 0) : NULL;
    set->stable_hi = n ? set->stable_lo + n : NULL;
    /* addresses cached before may have held other places */
    memset(set->by_pointer, 0, sizeof set->by_pointer);
}

const kvm_place *kvm_eventset_intern_place(kvm_eventset *set, const kvm_place *place)
{
    if (!set || !place || set->status != KVM_OK)
        return NULL;
    place_entry *e = intern_entry(set, place);
    return e ? e->copy : NULL;
}

void **kvm_eventset_writer_cache(const kvm_eventset *set, void (*destroy)(void *))
{
    if (!set)
        return NULL;
    kvm_eventset *s = (kvm_eventset *)(uintptr_t)set; /* a cache: logically const */
    if (!s->writer_cache_free)
        s->writer_cache_free = destroy;
    return &s->writer_cache;
}

/* NULL stays NULL; anything else is interned (NULL result = sticky error). */
static int intern_optional_place(kvm_eventset *set, const kvm_place *in, const kvm_place **pout)
{
    *pout = NULL;
    if (!in)
        return 0;
    *pout = kvm_eventset_intern_place(set, in);
    return *pout ? 0 : -1;
}

/* ---- Articles and mentions --------------------------------------------- */

/* "dir/123_abc.txt" -> "123_abc"; "reuters-2025-01-27" stays; an extension
 * is dropped only when it has a letter ("x.001" stays "x.001"). */
static void article_stem(const char *name, const char **pstem, size_t *plen)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    size_t len = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot && dot != base) {
        size_t ext = len - (size_t)(dot - base) - 1;
        int letter = 0, alnum = 1;
        for (const char *c = dot + 1; *c; c++) {
            letter |= isalpha((unsigned char)*c) != 0;
            alnum &= isalnum((unsigned char)*c) != 0;
        }
        if (ext >= 1 && ext <= 5 && letter && alnum)
            len = (size_t)(dot - base);
    }
    if (len == 0) {
        base = "article";
        len = 7;
    }
    *pstem = base;
    *plen = len;
}

/* A stem not used by an earlier article: "x", then "x-2", "x-3"... */
static const char *unique_stem(kvm_eventset *set, const char *name)
{
    const char *base;
    size_t len;
    article_stem(name, &base, &len);
    kvm_buf buf;
    kvm_buf_init(&buf);
    kvm_buf_append(&buf, base, len);
    for (unsigned n = 2;; n++) {
        if (buf.failed || tab_reserve(&set->stems) != 0) {
            kvm_buf_free(&buf);
            fail(set, KVM_ERR_NOMEM);
            return NULL;
        }
        size_t hash = hash_bytes(buf.data, buf.len);
        tab_slot *slot = tab_find(&set->stems, buf.data, buf.len, hash);
        if (!slot->key) {
            const char *stem = intern_n(set, buf.data, buf.len);
            kvm_buf_free(&buf);
            if (!stem)
                return NULL;
            slot = tab_find(&set->stems, stem, strlen(stem), hash);
            slot->key = stem;
            slot->len = strlen(stem);
            slot->hash = hash;
            set->stems.count++;
            return stem;
        }
        buf.len = 0;
        kvm_buf_append(&buf, base, len);
        kvm_buf_printf(&buf, "-%u", n);
    }
}

size_t kvm_eventset_add_article(kvm_eventset *set, const char *name, kvm_date date)
{
    if (!set || set->status != KVM_OK)
        return (size_t)-1;
    if (kvm_grow((void **)&set->articles, &set->articles_cap, set->n_articles + 1,
                 sizeof *set->articles) != 0) {
        fail(set, KVM_ERR_NOMEM);
        return (size_t)-1;
    }
    const char *copy = intern(set, name ? name : "");
    const char *stem = copy ? unique_stem(set, copy) : NULL;
    if (!stem)
        return (size_t)-1;
    size_t index = set->n_articles;
    article_rec *rec = &set->articles[index];
    if (index >= set->articles_initialised) {
        memset(rec, 0, sizeof *rec);
        set->articles_initialised = index + 1;
    }
    rec->info.name = copy;
    rec->info.date = date;
    rec->info.n_mentions = 0;
    rec->info.mentions = rec->mentions;
    rec->info.mention_texts = rec->texts;
    rec->stem = stem;
    rec->n_events = 0;
    set->n_articles++;
    return index;
}

/* intern() for a mention's method (a static name): remembered by pointer
 * for the current generation, the text compared on every hit. */
static const char *intern_static(kvm_eventset *set, const char *s)
{
    if (!s)
        return intern(set, s);
    size_t k = ((uintptr_t)s >> 3) & 7u;
    /* the text is compared too: kvm_eventset_take passes another set's
     * copies, whose addresses are reused once that set is freed */
    if (set->method_cache[k].src == s && set->method_cache[k].gen == set->gen &&
        strcmp(set->method_cache[k].copy, s) == 0)
        return set->method_cache[k].copy;
    const char *copy = intern(set, s);
    if (copy) {
        set->method_cache[k].src = s;
        set->method_cache[k].copy = copy;
        set->method_cache[k].gen = set->gen;
    }
    return copy;
}

void kvm_eventset_add_mention(kvm_eventset *set, size_t article, const kvm_mention *mention,
                              const char *text)
{
    kvm_ev_add_mention_n(set, article, mention, text, text ? strlen(text) : 0);
}

void kvm_ev_add_mention_n(kvm_eventset *set, size_t article, const kvm_mention *mention,
                          const char *text, size_t len)
{
    if (!set || set->status != KVM_OK)
        return;
    if (article >= set->n_articles || !mention) {
        fail(set, KVM_ERR_INVALID);
        return;
    }
    article_rec *rec = &set->articles[article];
    size_t n = rec->info.n_mentions;
    if (kvm_grow((void **)&rec->mentions, &rec->mention_cap, n + 1, sizeof *rec->mentions) != 0 ||
        kvm_grow((void **)&rec->texts, &rec->text_cap, n + 1, sizeof *rec->texts) != 0) {
        fail(set, KVM_ERR_NOMEM);
        return;
    }
    kvm_mention m = *mention;
    place_entry *entry = NULL;
    if (mention->place) {
        entry = intern_entry(set, mention->place);
        if (!entry)
            return;
        m.place = entry->copy;
    }
    m.method = intern_static(set, mention->method);
    /* the text is copied, not interned: the same name in one article is
     * not worth a hash lookup per mention */
    const char *t = len == 0 ? "" : kvm_arena_strndup(&set->arena, text ? text : "", len);
    if (!t)
        fail(set, KVM_ERR_NOMEM);
    if (!m.method || !t)
        return;
    rec->mentions[n] = m;
    rec->texts[n] = t;
    rec->info.n_mentions = n + 1;
    rec->info.mentions = rec->mentions;
    rec->info.mention_texts = rec->texts;
    if (entry)
        set->place_mention_counts[entry->ref]++;
}

size_t kvm_eventset_article_count(const kvm_eventset *set)
{
    return set ? set->n_articles : 0;
}

const kvm_article_info *kvm_eventset_article(const kvm_eventset *set, size_t index)
{
    return set && index < set->n_articles ? &set->articles[index].info : NULL;
}

/* ---- Events ----------------------------------------------------------------- */

/* Points each one-source event's `sources` at its own `article` field (the
 * events array may have moved). */
static void fix_source_pointers(kvm_eventset *set)
{
    for (size_t i = 0; i < set->n_events; i++) {
        kvm_event *e = &set->events[i];
        e->sources = set->sources[i].items ? set->sources[i].items : &e->article;
    }
}

size_t kvm_eventset_add_event(kvm_eventset *set, const kvm_event *event)
{
    if (!set || set->status != KVM_OK)
        return (size_t)-1;
    if (!event || event->article >= set->n_articles || !type_valid(event->type)) {
        fail(set, KVM_ERR_INVALID);
        return (size_t)-1;
    }
    kvm_event *old = set->events;
    if (kvm_grow((void **)&set->events, &set->events_cap, set->n_events + 1, sizeof *set->events) !=
            0 ||
        kvm_grow((void **)&set->sources, &set->sources_cap, set->n_events + 1,
                 sizeof *set->sources) != 0) {
        fail(set, KVM_ERR_NOMEM);
        return (size_t)-1;
    }
    if (set->events != old)
        fix_source_pointers(set);
    kvm_event e = *event;
    article_rec *rec = &set->articles[event->article];
    if (intern_optional_place(set, event->place, &e.place) != 0 ||
        intern_optional_place(set, event->origin, &e.origin) != 0 ||
        intern_optional_place(set, event->destination, &e.destination) != 0)
        return (size_t)-1;
    if (event->id && event->id[0]) {
        e.id = intern(set, event->id);
    } else {
        /* "<stem>-<n>" */
        char digits[24], *end = digits + sizeof digits, *d = end;
        size_t number = rec->n_events + 1;
        do {
            *--d = (char)('0' + number % 10);
            number /= 10;
        } while (number);
        *--d = '-';
        size_t stem_len = strlen(rec->stem), n = (size_t)(end - d);
        char small[256];
        char *text = stem_len + n <= sizeof small ? small : malloc(stem_len + n);
        e.id = NULL;
        if (text) {
            memcpy(text, rec->stem, stem_len);
            memcpy(text + stem_len, d, n);
            e.id = intern_n(set, text, stem_len + n);
            if (text != small)
                free(text);
        }
        if (!e.id)
            fail(set, KVM_ERR_NOMEM);
    }
    e.actor1 = intern(set, event->actor1);
    e.actor2 = intern(set, event->actor2);
    e.destination_text = intern(set, event->destination_text);
    e.evidence = intern(set, event->evidence);
    e.mention = intern(set, event->mention);
    e.method = intern(set, event->method);
    if (set->status != KVM_OK)
        return (size_t)-1;
    size_t index = set->n_events++;
    set->events[index] = e;
    set->events[index].sources = &set->events[index].article;
    set->events[index].n_sources = 1;
    set->sources[index].items = NULL;
    set->sources[index].cap = 0;
    rec->n_events++;
    return index;
}

void kvm_eventset_add_event_source(kvm_eventset *set, size_t event, size_t article)
{
    if (!set || set->status != KVM_OK)
        return;
    if (event >= set->n_events || article >= set->n_articles) {
        fail(set, KVM_ERR_INVALID);
        return;
    }
    kvm_event *e = &set->events[event];
    for (size_t i = 0; i < e->n_sources; i++)
        if (e->sources[i] == article)
            return;
    source_list *list = &set->sources[event];
    if (!list->items) {
        if (kvm_grow((void **)&list->items, &list->cap, 2, sizeof *list->items) != 0) {
            fail(set, KVM_ERR_NOMEM);
            return;
        }
        list->items[0] = e->article;
    } else if (kvm_grow((void **)&list->items, &list->cap, e->n_sources + 1, sizeof *list->items) !=
               0) {
        fail(set, KVM_ERR_NOMEM);
        return;
    }
    list->items[e->n_sources++] = article;
    e->sources = list->items;
}

size_t kvm_eventset_event_count(const kvm_eventset *set)
{
    return set ? set->n_events : 0;
}

const kvm_event *kvm_eventset_event(const kvm_eventset *set, size_t index)
{
    return set && index < set->n_events ? &set->events[index] : NULL;
}

/* ---- Claims -------------------------------------------------------------------- */

size_t kvm_eventset_add_claim(kvm_eventset *set, const kvm_claim *claim)
{
    if (!set || set->status != KVM_OK)
        return (size_t)-1;
    if (!claim || claim->article >= set->n_articles) {
        fail(set, KVM_ERR_INVALID);
        return (size_t)-1;
    }
    if (kvm_grow((void **)&set->claims, &set->claims_cap, set->n_claims + 1, sizeof *set->claims) !=
        0) {
        fail(set, KVM_ERR_NOMEM);
        return (size_t)-1;
    }
    kvm_claim c = *claim;
    if (intern_optional_place(set, claim->from, &c.from) != 0 ||
        intern_optional_place(set, claim->to, &c.to) != 0)
        return (size_t)-1;
    c.direction = intern(set, claim->direction);
    c.qualifier = intern(set, claim->qualifier);
    c.evidence = intern(set, claim->evidence);
    if (set->status != KVM_OK)
        return (size_t)-1;
    set->claims[set->n_claims] = c;
    return set->n_claims++;
}

size_t kvm_eventset_claim_count(const kvm_eventset *set)
{
    return set ? set->n_claims : 0;
}

const kvm_claim *kvm_eventset_claim(const kvm_eventset *set, size_t index)
{
    return set && index < set->n_claims ? &set->claims[index] : NULL;
}

/* ---- Places -------------------------------------------------------------------- */

size_t kvm_eventset_place_count(const kvm_eventset *set)
{
    return set ? set->n_places : 0;
}

const kvm_place *kvm_eventset_place(const kvm_eventset *set, size_t index)
{
    return set && index < set->n_places ? set->places[index] : NULL;
}

size_t kvm_eventset_place_mentions(const kvm_eventset *set, const kvm_place *place)
{
    if (!set || !place)
        return 0;
    size_t i = place_index(set, place->id);
    return i == (size_t)-1 ? 0 : set->place_mention_counts[i];
}

const kvm_place *kvm_eventset_find_place(const kvm_eventset *set, const char *id)
{
    if (!set)
        return NULL;
    size_t i = place_index(set, id);
    return i == (size_t)-1 ? NULL : set->places[i];
}

/* ---- Dates ------------------------------------------------------------------------ */

void kvm_eventset_date_range(const kvm_eventset *set, kvm_date *pfirst, kvm_date *plast)
{
    kvm_date first = {0, 0, 0}, last = {0, 0, 0};
    for (size_t i = 0; set && i < set->n_events; i++) {
        const kvm_event *e = &set->events[i];
        if (e->historical || e->date.year == 0)
            continue;
        if (first.year == 0 || kvm_date_compare(e->date, first) < 0)
            first = e->date;
        if (last.year == 0 || kvm_date_compare(e->date, last) > 0)
            last = e->date;
    }
    if (pfirst)
        *pfirst = first;
    if (plast)
        *plast = last;
}

/* The precision a date really has: its time_precision, made coarser when
 * the day or month is missing.  0 when there is no date. */
static int effective_precision(const kvm_event *e)
{
    if (e->date.year == 0)
        return 0;
    int p = e->time_precision >= KVM_TIME_DAY ? e->time_precision : KVM_TIME_DAY;
    if (e->date.month == 0)
        return KVM_TIME_YEAR;
    if (e->date.day == 0 && p < KVM_TIME_MONTH)
        return KVM_TIME_MONTH;
    return p > KVM_TIME_YEAR ? KVM_TIME_YEAR : p;
}

/* Two reports may describe one event: no date on either side, the same
 * date, or the coarser one containing the finer (same year / same month /
 * within 7 days for a week). */
static int dates_compatible(const kvm_event *a, const kvm_event *b)
{
    int pa = effective_precision(a), pb = effective_precision(b);
    if (pa == 0 || pb == 0)
        return 1;
    int coarse = pa > pb ? pa : pb;
    switch (coarse) {
    case KVM_TIME_YEAR:
        return a->date.year == b->date.year;
    case KVM_TIME_MONTH:
        return a->date.year == b->date.year && a->date.month == b->date.month;
    case KVM_TIME_WEEK:
        return labs(kvm_date_to_days(a->date) - kvm_date_to_days(b->date)) <= 7;
    default:
        return kvm_date_compare(a->date, b->date) == 0;
    }
}

/* 1 if a's date is more precise than b's (known beats unknown). */
static int more_precise(const kvm_event *a, const kvm_event *b)
{
    int pa = effective_precision(a), pb = effective_precision(b);
    if (pa == 0)
        return 0;
    return pb == 0 || pa < pb;
}

static int actor_equal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return 0;
    return *a == *b;
}

/* ---- Merging duplicates ------------------------------------------------------- */

typedef struct merge_group {
    size_t rep;        /* event whose fields are kept */
    size_t first;      /* earliest member (position of the merged event) */
    const char *actor; /* first named actor among the members */
    size_t head, tail; /* members, in joining order, linked by member_next */
    size_t n_members;
    size_t version;    /* index entries of older versions are stale */
} merge_group;

/* Sort key: events can only join within one (type, place, counts) run. */
typedef struct merge_key {
    int type;
    uintptr_t place;
    long long count_min, count_max; /* displacement only (else 0) */
    size_t index;
} merge_key;

static int compare_merge_key(const void *pa, const void *pb)
{
    const merge_key *a = pa, *b = pb;
    if (a->type != b->type)
        return a->type < b->type ? -1 : 1;
    if (a->place != b->place)
        return a->place < b->place ? -1 : 1;
    if (a->count_min != b->count_min)
        return a->count_min < b->count_min ? -1 : 1;
    if (a->count_max != b->count_max)
        return a->count_max < b->count_max ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

static int mergeable(const kvm_event *e)
{
    return !e->historical && e->place != NULL;
}

/* May event e join group g (whose representative is rep)? */
static int joins(const merge_group *g, const kvm_event *rep, const kvm_event *e)
{
    if (g->actor[0] && e->actor1[0] && !actor_equal(g->actor, e->actor1))
        return 0;
    if (e->type == KVM_EVENT_DISPLACEMENT &&
        (e->count_min != rep->count_min || e->count_max != rep->count_max))
        return 0;
    /* An undated report joins a dated one only at town level: "M23 took
     * Masisi" is one event, "M23 seized territory in eastern Congo" may be
     * any year's. */
    if ((rep->date.year == 0) != (e->date.year == 0) &&
        (rep->geo_precision != KVM_GEO_TOWN || e->geo_precision != KVM_GEO_TOWN))
        return 0;
    return dates_compatible(rep, e);
}

/* ---- The index of a run's groups by representative date ---------------------
 * An event can only join a group whose representative's date is compatible
 * with its own, so groups are filed by that date: a year-precise date under
 * its year (IX_YEAR), a month-precise one under its month (IX_MONTH), week
 * and day precise ones under their day (IX_WEEK, IX_DAY), and every dated
 * one under its year (IX_ANY_YEAR) and, finer than a year, its month
 * (IX_ANY_MONTH); undated ones in a list of their own, and dated ones at
 * town level in a list sorted by group (an undated town event may join
 * them).  A group whose representative changes is filed again under a new
 * version; old entries are skipped.  So an event looks at the few groups
 * its date allows instead of every group of the run. */

enum { IX_YEAR, IX_MONTH, IX_WEEK, IX_DAY, IX_ANY_YEAR, IX_ANY_MONTH, IX_KINDS };

typedef struct ix_entry {
    size_t group, version;
} ix_entry;

typedef struct ix_list {
    size_t run;  /* 0: empty slot */
    int kind;
    long value;
    ix_entry *items;
    size_t n, cap;
} ix_list;

typedef struct merge_index {
    ix_list *lists; /* open addressing on (run, kind, value); cap a power of two */
    size_t cap, used;
    ix_entry *undated, *town; /* this run's; town sorted by group */
    size_t n_undated, undated_cap, n_town, town_cap;
    size_t filed[IX_KINDS]; /* entries filed in this run, per kind */
    size_t run;
    merge_group *groups;
    const kvm_event *events;
} merge_index;

static size_t ix_hash(size_t run, int kind, long value)
{
    uint64_t h = ((uint64_t)run * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)kind << 56) ^
                 ((uint64_t)value * 0xBF58476D1CE4E5B9ull);
    return (size_t)(h ^ (h >> 31));
}

static ix_list *ix_slot(const merge_index *x, size_t run, int kind, long value)
{
    size_t mask = x->cap - 1;
    for (size_t i = ix_hash(run, kind, value) & mask;; i = (i + 1) & mask) {
        ix_list *l = &x->lists[i];
        if (!l->run || (l->run == run && l->kind == kind && l->value == value))
            return l;
    }
}

/* The list of (kind, value) in this run; NULL if none (lookups only). */
static const ix_list *ix_get(const merge_index *x, int kind, long value)
{
    if (!x->filed[kind])
        return NULL;
    const ix_list *l = ix_slot(x, x->run, kind, value);
    return l->run ? l : NULL;
}

static int push_entry(ix_entry **pitems, size_t *pn, size_t *pcap, size_t group, size_t version)
{
    if (kvm_grow((void **)pitems, pcap, *pn + 1, sizeof **pitems) != 0)
        return -1;
    (*pitems)[*pn].group = group;
    (*pitems)[*pn].version = version;
    (*pn)++;
    return 0;
}

static int ix_add(merge_index *x, int kind, long value, size_t group)
{
    if ((x->used + 1) * 2 > x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 256;
        ix_list *lists = cap > x->cap ? calloc(cap, sizeof *lists) : NULL;
        if (!lists)
            return -1;
        merge_index bigger = *x;
        bigger.lists = lists;
        bigger.cap = cap;
        for (size_t i = 0; i < x->cap; i++)
            if (x->lists[i].run)
                *ix_slot(&bigger, x->lists[i].run, x->lists[i].kind, x->lists[i].value) =
                    x->lists[i];
        free(x->lists);
        x->lists = lists;
        x->cap = cap;
    }
    ix_list *l = ix_slot(x, x->run, kind, value);
    if (!l->run) {
        l->run = x->run;
        l->kind = kind;
        l->value = value;
        x->used++;
    }
    x->filed[kind]++;
    return push_entry(&l->items, &l->n, &l->cap, group, x->groups[group].version);
}

/* Files group g under its representative's date (a new version). */
static int ix_file(merge_index *x, size_t g)
{
    merge_group *group = &x->groups[g];
    const kvm_event *rep = &x->events[group->rep];
    group->version++;
    int p = effective_precision(rep);
    if (p == 0)
        return push_entry(&x->undated, &x->n_undated, &x->undated_cap, g, group->version);
    long year = rep->date.year, month = (long)rep->date.year * 16 + rep->date.month;
    if (ix_add(x, IX_ANY_YEAR, year, g) != 0)
        return -1;
    if (p == KVM_TIME_YEAR) {
        if (ix_add(x, IX_YEAR, year, g) != 0)
            return -1;
    } else {
        if (ix_add(x, IX_ANY_MONTH, month, g) != 0)
            return -1;
        if (p == KVM_TIME_MONTH) {
            if (ix_add(x, IX_MONTH, month, g) != 0)
                return -1;
        } else if (ix_add(x, p == KVM_TIME_WEEK ? IX_WEEK : IX_DAY,
                          kvm_date_to_days(rep->date), g) != 0) {
            return -1;
        }
    }
    if (rep->geo_precision == KVM_GEO_TOWN) {
        /* sorted insertion (a group enters again only with a new version) */
        if (kvm_grow((void **)&x->town, &x->town_cap, x->n_town + 1, sizeof *x->town) != 0)
            return -1;
        size_t lo = 0, hi = x->n_town;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (x->town[mid].group <= g)
                lo = mid + 1;
            else
                hi = mid;
        }
        memmove(x->town + lo + 1, x->town + lo, (x->n_town - lo) * sizeof *x->town);
        x->town[lo].group = g;
        x->town[lo].version = group->version;
        x->n_town++;
    }
    return 0;
}

/* The earliest group of items (current entries only) that e may join, if
 * earlier than *pbest.  With `sorted` the first match is the earliest. */
static void ix_scan(const merge_index *x, const ix_entry *items, size_t n, int sorted,
                    const kvm_event *e, size_t *pbest)
{
    for (size_t i = 0; i < n; i++) {
        size_t g = items[i].group;
        if (g >= *pbest) {
            if (sorted)
                return;
            continue;
        }
        const merge_group *group = &x->groups[g];
        if (items[i].version != group->version || !joins(group, &x->events[group->rep], e))
            continue;
        *pbest = g;
        if (sorted)
            return;
    }
}

static void ix_scan_list(const merge_index *x, int kind, long value, const kvm_event *e,
                         size_t *pbest)
{
    const ix_list *l = ix_get(x, kind, value);
    if (l)
        ix_scan(x, l->items, l->n, 0, e, pbest);
}

/* The first group (in creation order) of this run that e may join, or
 * (size_t)-1: the groups its date allows, checked with joins(). */
static size_t ix_find(const merge_index *x, const kvm_event *e)
{
    size_t best = (size_t)-1;
    int p = effective_precision(e);
    int town = e->geo_precision == KVM_GEO_TOWN;
    if (p == 0 || town)
        ix_scan(x, x->undated, x->n_undated, 1, e, &best);
    if (p == 0) {
        if (town)
            ix_scan(x, x->town, x->n_town, 1, e, &best);
        return best;
    }
    long year = e->date.year, month = (long)e->date.year * 16 + e->date.month;
    if (p == KVM_TIME_YEAR) {
        ix_scan_list(x, IX_ANY_YEAR, year, e, &best);
        return best;
    }
    ix_scan_list(x, IX_YEAR, year, e, &best);
    if (p == KVM_TIME_MONTH) {
        ix_scan_list(x, IX_ANY_MONTH, month, e, &best);
        return best;
    }
    ix_scan_list(x, IX_MONTH, month, e, &best);
    long day = kvm_date_to_days(e->date);
    if (p == KVM_TIME_DAY)
        ix_scan_list(x, IX_DAY, day, e, &best); /* day against day: the same day */
    for (long d = day - 7; d <= day + 7; d++) {
        if (p == KVM_TIME_WEEK && x->filed[IX_DAY])
            ix_scan_list(x, IX_DAY, d, e, &best);
        if (x->filed[IX_WEEK])
            ix_scan_list(x, IX_WEEK, d, e, &best);
    }
    return best;
}

static void ix_next_run(merge_index *x)
{
    x->run++;
    x->n_undated = 0;
    x->n_town = 0;
    memset(x->filed, 0, sizeof x->filed);
}

static void ix_free(merge_index *x)
{
    for (size_t i = 0; i < x->cap; i++)
        free(x->lists[i].items);
    free(x->lists);
    free(x->undated);
    free(x->town);
}

static int compare_size(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return a < b ? -1 : a > b;
}

static int compare_group_first(const void *pa, const void *pb)
{
    const merge_group *a = pa, *b = pb;
    return a->first < b->first ? -1 : a->first > b->first;
}

/* Builds the merged source list of a group: the representative's first
 * article, then every other source in ascending order. */
static kvm_status group_sources(const kvm_eventset *set, const merge_group *g,
                                const size_t *member_next, size_t **pitems, size_t *pn)
{
    size_t total = 0;
    for (size_t m = g->head, k = 0; k < g->n_members; m = member_next[m], k++)
        total += set->events[m].n_sources;
    size_t *items = kvm_alloc_array(total, sizeof *items);
    if (!items)
        return KVM_ERR_NOMEM;
    size_t head = set->events[g->rep].article, n = 0;
    for (size_t m = g->head, k = 0; k < g->n_members; m = member_next[m], k++) {
        const kvm_event *e = &set->events[m];
        for (size_t s = 0; s < e->n_sources; s++)
            if (e->sources[s] != head)
                items[n++] = e->sources[s];
    }
    qsort(items, n, sizeof *items, compare_size);
    size_t out = 0;
    for (size_t i = 0; i < n; i++)
        if (out == 0 || items[out - 1] != items[i])
            items[out++] = items[i];
    memmove(items + 1, items, out * sizeof *items);
    items[0] = head;
    *pitems = items;
    *pn = out + 1;
    return KVM_OK;
}

kvm_status kvm_eventset_merge_duplicates(kvm_eventset *set, kvm_error *err)
{
    if (!set)
        return kvm_error_set(err, KVM_ERR_INVALID, "no event set");
    if (set->status != KVM_OK)
        return kvm_error_set(err, set->status, "event set: %s", kvm_status_to_string(set->status));
    size_t n = set->n_events;
    if (n < 2)
        return KVM_OK;
    merge_key *order = kvm_alloc_array(n, sizeof *order);
    merge_group *groups = kvm_alloc_array(n, sizeof *groups);
    size_t *member_next = kvm_alloc_array(n, sizeof *member_next);
    kvm_event *merged = kvm_alloc_array(n, sizeof *merged);
    source_list *merged_sources = kvm_alloc_array(n, sizeof *merged_sources);
    merge_index ix;
    memset(&ix, 0, sizeof ix);
    ix.groups = groups;
    ix.events = set->events;
    size_t n_groups = 0;
    kvm_status status = KVM_OK;
    if (!order || !groups || !member_next || !merged || !merged_sources) {
        status = KVM_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const kvm_event *e = &set->events[i];
        order[i].type = (int)e->type;
        order[i].place = (uintptr_t)e->place;
        order[i].count_min = e->type == KVM_EVENT_DISPLACEMENT ? e->count_min : 0;
        order[i].count_max = e->type == KVM_EVENT_DISPLACEMENT ? e->count_max : 0;
        order[i].index = i;
    }
    qsort(order, n, sizeof *order, compare_merge_key);

    /* Within each run of one (type, place) (and, for displacement, counts),
     * each event joins the first compatible group or starts one. */
    for (size_t start = 0; start < n;) {
        size_t end = start + 1;
        while (end < n && order[end].type == order[start].type &&
               order[end].place == order[start].place &&
               order[end].count_min == order[start].count_min &&
               order[end].count_max == order[start].count_max)
            end++;
        int indexed = end - start > 1;
        if (indexed)
            ix_next_run(&ix);
        for (size_t k = start; k < end; k++) {
            size_t idx = order[k].index;
            const kvm_event *e = &set->events[idx];
            size_t gi = indexed && mergeable(e) ? ix_find(&ix, e) : (size_t)-1;
            merge_group *g;
            if (gi == (size_t)-1) {
                gi = n_groups++;
                g = &groups[gi];
                memset(g, 0, sizeof *g);
                g->rep = idx;
                g->first = idx;
                g->actor = e->actor1;
                g->head = idx;
                if (indexed && mergeable(e) && ix_file(&ix, gi) != 0) {
                    status = KVM_ERR_NOMEM;
                    goto done;
                }
            } else {
                g = &groups[gi];
                if (!g->actor[0])
                    g->actor = e->actor1;
                member_next[g->tail] = idx;
                if (more_precise(e, &set->events[g->rep])) {
                    g->rep = idx;
                    if (ix_file(&ix, gi) != 0) {
                        status = KVM_ERR_NOMEM;
                        goto done;
                    }
                }
            }
            g->tail = idx;
            g->n_members++;
        }
        start = end;
    }
    if (n_groups == n)
        goto done; /* nothing to merge */

    qsort(groups, n_groups, sizeof *groups, compare_group_first);
    for (size_t i = 0; i < n_groups; i++) {
        merge_group *g = &groups[i];
        merged[i] = set->events[g->rep];
        if (!merged[i].actor1[0])
            merged[i].actor1 = g->actor;
        merged_sources[i].items = NULL;
        merged_sources[i].cap = 0;
        if (g->n_members == 1) {
            merged_sources[i] = set->sources[g->rep];
            set->sources[g->rep].items = NULL; /* moved */
            merged[i].n_sources = set->events[g->rep].n_sources;
            continue;
        }
        size_t *items, count;
        if ((status = group_sources(set, g, member_next, &items, &count)) != KVM_OK) {
            for (size_t j = 0; j < i; j++) /* give moved lists back */
                if (groups[j].n_members == 1)
                    set->sources[groups[j].rep] = merged_sources[j];
                else
                    free(merged_sources[j].items);
            goto done;
        }
        merged_sources[i].items = count > 1 ? items : NULL;
        merged_sources[i].cap = count;
        merged[i].n_sources = count;
        if (count == 1)
            free(items);
    }
    free_sources(set);
    memcpy(set->events, merged, n_groups * sizeof *merged);
    memcpy(set->sources, merged_sources, n_groups * sizeof *merged_sources);
    set->n_events = n_groups;
    fix_source_pointers(set);

done:
    ix_free(&ix);
    free(groups);
    free(member_next);
    free(order);
    free(merged);
    free(merged_sources);
    if (status != KVM_OK)
        return kvm_error_set(err, status, "cannot merge events: %s", kvm_status_to_string(status));
    return KVM_OK;
}

/* ---- Advances ------------------------------------------------------------------ */

static const kvm_event *advance_sort_events;

/* Actor (case-insensitive), then date (unknown last), article, position. */
static int compare_capture(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    const kvm_event *ea = &advance_sort_events[a], *eb = &advance_sort_events[b];
    for (const char *x = ea->actor1, *y = eb->actor1;; x++, y++) {
        int cx = tolower((unsigned char)*x), cy = tolower((unsigned char)*y);
        if (cx != cy)
            return cx < cy ? -1 : 1;
        if (!cx)
            break;
    }
    int ka = ea->date.year != 0, kb = eb->date.year != 0;
    if (ka != kb)
        return ka ? -1 : 1;
    int c = kvm_date_compare(ea->date, eb->date);
    if (c)
        return c;
    if (ea->article != eb->article)
        return ea->article < eb->article ? -1 : 1;
    /* same article, same (or unknown) date: extraction adds an article's
     * events in the order they happened ("earlier last week" before "over
     * the weekend"), which text position does not always follow */
    return a < b ? -1 : a > b;
}

static int is_advance_capture(const kvm_event *e)
{
    return e->type == KVM_EVENT_CAPTURE && !e->historical && e->claimed != -1 && e->place &&
           e->geo_precision == KVM_GEO_TOWN && kvm_place_kind_is_settlement(e->place->kind) &&
           e->actor1[0];
}

static kvm_lonlat place_lonlat(const kvm_place *p)
{
    kvm_lonlat ll = {p->lon, p->lat};
    return ll;
}

static kvm_status add_advance(kvm_eventset *set, const kvm_event *from, const kvm_event *to,
                              size_t sequence, const char *actor)
{
    double km = 0.0, az = 0.0;
    kvm_status s =
        kvm_geodesic_inverse(place_lonlat(from->place), place_lonlat(to->place), &km, &az, NULL);
    if (s != KVM_OK)
        return s;
    if (kvm_grow((void **)&set->advances, &set->advances_cap, set->n_advances + 1,
                 sizeof *set->advances) != 0)
        return KVM_ERR_NOMEM;
    kvm_buf ids;
    kvm_buf_init(&ids);
    kvm_buf_printf(&ids, "%s;%s", from->id, to->id);
    const char *event_ids = ids.failed ? NULL : intern_n(set, ids.data, ids.len);
    kvm_buf_free(&ids);
    if (!event_ids)
        return KVM_ERR_NOMEM;
    kvm_advance *adv = &set->advances[set->n_advances++];
    adv->actor = actor;
    adv->from = from->place;
    adv->to = to->place;
    adv->date_from = from->date;
    adv->date_to = to->date;
    adv->dist_km = km;
    adv->bearing_deg = az < 0 ? az + 360.0 : az;
    adv->sequence = sequence;
    adv->event_ids = event_ids;
    return KVM_OK;
}

/* Lower bound of geodesic distances: on the WGS84 ellipsoid ds^2 = M^2 dlat^2 +
 * N^2 cos^2(lat) dlon^2 with M >= a(1 - e^2) = 6335.4 km and N >= a, so any
 * path is at least NEAR_RADIUS_KM times as long as on the unit sphere with the
 * same latitudes and longitudes, hence geodesic >= NEAR_RADIUS_KM * the
 * great-circle angle.  6300 leaves half a percent for rounding. */
#define NEAR_RADIUS_KM 6300.0
#define CHORD_SLACK 1e-12 /* rounding of a chord between unit vectors */
#define PI_VALUE 3.14159265358979323846

typedef struct seen_capture {
    size_t event;
    double x, y, z; /* the place on the unit sphere */
} seen_capture;

static void unit_vector(const kvm_place *p, seen_capture *s)
{
    double lat = p->lat * (PI_VALUE / 180.0), lon = p->lon * (PI_VALUE / 180.0);
    s->x = cos(lat) * cos(lon);
    s->y = cos(lat) * sin(lon);
    s->z = sin(lat);
}

static double chord2(const seen_capture *a, const seen_capture *b)
{
    double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
    return dx * dx + dy * dy + dz * dz;
}

/* Chord length on the unit sphere below which a place may be nearer than
 * km (above it, its geodesic distance is certainly larger). */
static double chord_limit(double km)
{
    double angle = km / NEAR_RADIUS_KM;
    return angle >= PI_VALUE ? 3.0 : 2.0 * sin(angle / 2.0) + CHORD_SLACK;
}

kvm_status kvm_eventset_compute_advances(kvm_eventset *set, kvm_error *err)
{
    if (!set)
        return kvm_error_set(err, KVM_ERR_INVALID, "no event set");
    if (set->status != KVM_OK)
        return kvm_error_set(err, set->status, "event set: %s", kvm_status_to_string(set->status));
    set->n_advances = 0;
    size_t n = 0;
    size_t *caps = kvm_alloc_array(set->n_events, sizeof *caps);
    seen_capture *seen = kvm_alloc_array(set->n_events, sizeof *seen); /* distinct places so far */
    /* Per place entry: the actor run that captured it last (repeat test). */
    size_t *stamp = calloc(set->n_entries ? set->n_entries : 1, sizeof *stamp);
    kvm_status status = KVM_OK;
    if (!caps || !seen || !stamp) {
        status = KVM_ERR_NOMEM;
        goto done;
    }
    for (size_t i = 0; i < set->n_events; i++)
        if (is_advance_capture(&set->events[i]))
            caps[n++] = i;
    advance_sort_events = set->events;
    qsort(caps, n, sizeof *caps, compare_capture);
    size_t run = 0;
    for (size_t start = 0; start < n;) {
        const kvm_event *head = &set->events[caps[start]];
        size_t end = start + 1;
        while (end < n && actor_equal(set->events[caps[end]].actor1, head->actor1))
            end++;
        run++;
        size_t n_seen = 0, sequence = 0;
        int invalid_seen = 0; /* a place kvm_geodesic_inverse refuses */
        for (size_t k = start; k < end; k++) {
            const kvm_event *e = &set->events[caps[k]];
            const place_entry *entry = find_entry(set, e->place->id);
            size_t slot = entry ? (size_t)(entry - set->entries) : (size_t)-1;
            if (slot != (size_t)-1 && entry->copy == e->place) {
                if (stamp[slot] == run)
                    continue; /* captured before: no arrow */
                stamp[slot] = run;
            } else {
                /* not one of the set's places (cannot happen): compare by pointer */
                int repeat = 0;
                for (size_t j = 0; j < n_seen && !repeat; j++)
                    repeat = set->events[seen[j].event].place == e->place;
                if (repeat)
                    continue;
            }
            seen_capture here;
            here.event = caps[k];
            unit_vector(e->place, &here);
            double km = 0.0;
            int valid = kvm_geodesic_inverse(place_lonlat(e->place), place_lonlat(e->place), &km,
                                             NULL, NULL) == KVM_OK;
            if ((!valid && n_seen > 0) || (valid && invalid_seen)) {
                /* the pairwise search would meet the bad coordinates */
                status = KVM_ERR_INVALID;
                goto done;
            }
            invalid_seen |= !valid;
            if (n_seen > 0) {
                /* The nearest earlier capture (the first of equals): start
                 * from the nearest by chord, then compute only the
                 * geodesics the chord bound cannot rule out. */
                size_t nearest = 0;
                double nearest_chord = chord2(&seen[0], &here);
                for (size_t j = 1; j < n_seen; j++) {
                    double c = chord2(&seen[j], &here);
                    if (c < nearest_chord) {
                        nearest = j;
                        nearest_chord = c;
                    }
                }
                double best = 0.0;
                kvm_geodesic_inverse_unchecked(place_lonlat(set->events[seen[nearest].event].place),
                                               place_lonlat(e->place), &best, NULL, NULL);
                double limit = chord_limit(best);
                for (size_t j = 0; j < n_seen; j++) {
                    if (j == nearest || chord2(&seen[j], &here) > limit * limit)
                        continue;
                    double d = 0.0;
                    kvm_geodesic_inverse_unchecked(place_lonlat(set->events[seen[j].event].place),
                                                   place_lonlat(e->place), &d, NULL, NULL);
                    if (d < best || (d == best && j < nearest)) {
                        best = d;
                        nearest = j;
                        limit = chord_limit(best);
                    }
                }
                if ((status = add_advance(set, &set->events[seen[nearest].event], e, ++sequence,
                                          head->actor1)) != KVM_OK)
                    goto done;
            }
            seen[n_seen++] = here;
        }
        start = end;
    }
done:
    free(caps);
    free(seen);
    free(stamp);
    if (status != KVM_OK) {
        set->n_advances = 0;
        return kvm_error_set(err, status, "cannot compute advances: %s",
                             kvm_status_to_string(status));
    }
    return KVM_OK;
}

size_t kvm_eventset_advance_count(const kvm_eventset *set)
{
    return set ? set->n_advances : 0;
}

const kvm_advance *kvm_eventset_advance(const kvm_eventset *set, size_t index)
{
    return set && index < set->n_advances ? &set->advances[index] : NULL;
}

/* ---- Moving one set into another ---------------------------------------------------- */

static void recount_place_mentions(kvm_eventset *set)
{
    memset(set->place_mention_counts, 0, set->n_places * sizeof *set->place_mention_counts);
    for (size_t a = 0; a < set->n_articles; a++)
        for (size_t m = 0; m < set->articles[a].info.n_mentions; m++)
            if (set->articles[a].mentions[m].place)
                set->place_mention_counts[place_index(set,
                                                      set->articles[a].mentions[m].place->id)]++;
}

static void swap_sets(kvm_eventset *a, kvm_eventset *b)
{
    kvm_eventset tmp = *a;
    *a = *b;
    *b = tmp;
}

static kvm_status take(kvm_eventset *set, kvm_eventset *from, int renumber, kvm_error *err);

kvm_status kvm_eventset_take(kvm_eventset *set, kvm_eventset *from, kvm_error *err)
{
    return take(set, from, 0, err);
}

kvm_status kvm_eventset_take_renumbered(kvm_eventset *set, kvm_eventset *from, kvm_error *err)
{
    return take(set, from, 1, err);
}

static kvm_status take(kvm_eventset *set, kvm_eventset *from, int renumber, kvm_error *err)
{
    if (!set || !from)
        return kvm_error_set(err, KVM_ERR_INVALID, "no event set");
    if (set->status != KVM_OK || from->status != KVM_OK) {
        kvm_status s = set->status != KVM_OK ? set->status : from->status;
        return kvm_error_set(err, s, "event set: %s", kvm_status_to_string(s));
    }
    if (set->n_articles == 0 && set->n_events == 0 && set->n_claims == 0 && set->n_places == 0) {
        swap_sets(set, from); /* O(1) for the common case: reading into an empty set */
        kvm_eventset_clear(from);
        return KVM_OK;
    }
    /* Copy, remembering the sizes so that a failure can be undone. */
    size_t n_articles = set->n_articles, n_events = set->n_events, n_claims = set->n_claims;
    size_t base = set->n_articles;
    for (size_t a = 0; a < from->n_articles; a++) {
        const article_rec *rec = &from->articles[a];
        size_t index = kvm_eventset_add_article(set, rec->info.name, rec->info.date);
        for (size_t m = 0; m < rec->info.n_mentions && index != (size_t)-1; m++)
            kvm_eventset_add_mention(set, index, &rec->mentions[m], rec->texts[m]);
    }
    for (size_t i = 0; i < from->n_events && set->status == KVM_OK; i++) {
        kvm_event e = from->events[i];
        e.article += base;
        if (renumber)
            e.id = ""; /* set's own: "<stem>-<n>" with the stem set gives the article */
        size_t index = kvm_eventset_add_event(set, &e);
        for (size_t s = 1; s < e.n_sources && index != (size_t)-1; s++)
            kvm_eventset_add_event_source(set, index, from->events[i].sources[s] + base);
    }
    for (size_t i = 0; i < from->n_claims && set->status == KVM_OK; i++) {
        kvm_claim c = from->claims[i];
        c.article += base;
        kvm_eventset_add_claim(set, &c);
    }
    if (set->status != KVM_OK) {
        /* Undo: drop what was added (interned strings and places stay). */
        kvm_status s = set->status;
        for (size_t i = n_events; i < set->n_events; i++) {
            free(set->sources[i].items);
            set->sources[i].items = NULL;
        }
        set->n_articles = n_articles;
        set->n_events = n_events;
        set->n_claims = n_claims;
        set->status = KVM_OK;
        recount_place_mentions(set);
        return kvm_error_set(err, s, "cannot add events: %s", kvm_status_to_string(s));
    }
    kvm_eventset_clear(from);
    return KVM_OK;
}
