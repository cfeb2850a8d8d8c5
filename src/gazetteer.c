/* The gazetteer: a table of places loaded from the bundled CSV, user CSV
 * files and GeoNames dumps, with an id index, a folded-name index and
 * "did you mean" suggestions.
 *
 * Storage: places live in one growable array of kvm_place; their strings live
 * in arena blocks owned by the gazetteer (a file's strings are parsed in place
 * in a private copy of the file).  Loading is all or nothing: a file is parsed
 * into a staging area (its own places and blocks) and merged only when every
 * row is good.  After each merge the id table and the name index are rebuilt
 * from scratch, which for the bundled table (a few hundred rows) costs well
 * under a millisecond.
 *
 * Ambiguity rule (README "Ambiguous names"), used to order the places that
 * share a folded name:
 *   1. settlements (city, town, village, camp, border post) before areas and
 *      natural features, because articles name towns far more often;
 *   2. places in North Kivu (admin1 "North Kivu") before places elsewhere;
 *   3. larger population first (unknown population counts as 0);
 *   4. then by id (byte order), so the order is total and deterministic. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "kivumap/gazetteer.h"
#include "util.h"

/* Largest gazetteer file accepted (a full GeoNames allCountries dump is
 * ~1.5 GB; country dumps are a few MB). */
#define MAX_FILE_BYTES ((size_t)1 << 31)
/* Longest name folded for indexing and matching. */
#define MAX_FOLDED 512

/* ---- kinds ------------------------------------------------------------- */

static const char *const kind_names[KVM_KIND_COUNT] = {
    "unknown", "city",   "town",      "village", "camp",  "border-post", "territory", "province",
    "country", "region", "continent", "lake",    "river", "park",        "mountain",
};

const char *kvm_place_kind_name(kvm_place_kind kind)
{
    if ((int)kind < 0 || kind >= KVM_KIND_COUNT)
        return "unknown";
    return kind_names[kind];
}

static int ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
        if (ca != cb || ca == 0)
            return ca - cb;
    }
}

kvm_place_kind kvm_place_kind_from_name(const char *name)
{
    if (!name)
        return KVM_KIND_UNKNOWN;
    for (int k = 1; k < KVM_KIND_COUNT; k++)
        if (ascii_casecmp(name, kind_names[k]) == 0)
            return (kvm_place_kind)k;
    if (ascii_casecmp(name, "border_post") == 0 || ascii_casecmp(name, "border post") == 0 ||
        ascii_casecmp(name, "borderpost") == 0)
        return KVM_KIND_BORDER_POST;
    return KVM_KIND_UNKNOWN;
}

int kvm_place_kind_is_settlement(kvm_place_kind kind)
{
    return kind == KVM_KIND_CITY || kind == KVM_KIND_TOWN || kind == KVM_KIND_VILLAGE ||
           kind == KVM_KIND_CAMP || kind == KVM_KIND_BORDER_POST;
}

/* ---- name folding ------------------------------------------------------ */

size_t kvm_fold_name(const char *name, char *out, size_t cap)
{
    const unsigned char *s = (const unsigned char *)name;
    size_t len = strlen(name), i = 0, n = 0;
    int pending_space = 0;
    while (i < len) {
        uint32_t cp;
        unsigned char second = 0, c;
        if (s[i] < 0x80) {
            cp = s[i];
            i++;
        } else {
            i += kvm_utf8_decode(s + i, len - i, &cp);
        }
        c = kvm_fold_codepoint(cp, &second);
        if (c == 0 || c == ' ' || c < 0x20) {
            pending_space = n > 0;
            continue;
        }
        if (pending_space) {
            if (n + 1 < cap)
                out[n] = ' ';
            n++;
            pending_space = 0;
        }
        if (n + 1 < cap)
            out[n] = (char)c;
        n++;
        if (second) {
            if (n + 1 < cap)
                out[n] = (char)second;
            n++;
        }
    }
    if (cap > 0)
        out[n < cap ? n : cap - 1] = '\0';
    return n;
}

/* ---- arena ------------------------------------------------------------- */

/* Blocks of memory freed together: a parsed file's text and the strings made
 * for its rows. */
typedef struct arena {
    char **blocks;
    size_t n_blocks;
    size_t cap_blocks;
    char *cur;
    size_t left;
} arena;

static int arena_adopt(arena *a, char *block)
{
    if (kvm_grow((void **)&a->blocks, &a->cap_blocks, a->n_blocks + 1, sizeof *a->blocks) != 0)
        return -1;
    a->blocks[a->n_blocks++] = block;
    return 0;
}

static char *arena_alloc(arena *a, size_t size)
{
    if (size > a->left) {
        size_t chunk = size > 16384 ? size : 16384;
        char *block = malloc(chunk);
        if (!block || arena_adopt(a, block) != 0) {
            free(block);
            return NULL;
        }
        a->cur = block;
        a->left = chunk;
    }
    char *p = a->cur;
    a->cur += size;
    a->left -= size;
    return p;
}

static char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

static void arena_free(arena *a)
{
    for (size_t i = 0; i < a->n_blocks; i++)
        free(a->blocks[i]);
    free(a->blocks);
    memset(a, 0, sizeof *a);
}

/* Moves every block of src into dst (src is left empty). */
static int arena_merge(arena *dst, arena *src)
{
    if (kvm_grow((void **)&dst->blocks, &dst->cap_blocks, dst->n_blocks + src->n_blocks,
                 sizeof *dst->blocks) != 0)
        return -1;
    memcpy(dst->blocks + dst->n_blocks, src->blocks, src->n_blocks * sizeof *src->blocks);
    dst->n_blocks += src->n_blocks;
    free(src->blocks);
    memset(src, 0, sizeof *src);
    return 0;
}

/* ---- hashing ----------------------------------------------------------- */

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static size_t table_size_for(size_t n)
{
    size_t size = 16;
    while (size < n * 2 && size < ((size_t)1 << 62))
        size <<= 1;
    return size;
}

/* ---- the gazetteer ----------------------------------------------------- */

#define NO_SLOT UINT32_MAX

/* One folded name of one place; sorted by (key, ambiguity rule). */
typedef struct name_entry {
    uint32_t key;     /* offset of the folded name in names_text */
    uint32_t len;     /* its length */
    uint32_t place;   /* index into places */
    uint32_t rank;    /* the place's position under the ambiguity rule */
    const char *text; /* names_text + key, set once the text stops moving */
} name_entry;

/* A distinct folded name: entries[start .. start+count). */
typedef struct name_key {
    uint32_t start;
    uint32_t count;
    uint32_t hash;
} name_key;

struct kvm_gazetteer {
    kvm_place *places;
    size_t count;
    size_t cap;
    arena strings;

    uint32_t *id_slots; /* open addressing: place index or NO_SLOT */
    size_t id_size;     /* power of two */

    char *names_text; /* folded names, NUL-separated */
    name_entry *entries;
    size_t n_entries;
    name_key *keys;
    size_t n_keys;
    uint32_t *key_slots; /* open addressing: index into keys or NO_SLOT */
    size_t key_size;
};

kvm_gazetteer *kvm_gazetteer_new(void)
{
    return calloc(1, sizeof(kvm_gazetteer));
}

static void free_indexes(kvm_gazetteer *gaz)
{
    free(gaz->id_slots);
    free(gaz->names_text);
    free(gaz->entries);
    free(gaz->keys);
    free(gaz->key_slots);
    gaz->id_slots = NULL;
    gaz->names_text = NULL;
    gaz->entries = NULL;
    gaz->keys = NULL;
    gaz->key_slots = NULL;
    gaz->id_size = gaz->n_entries = gaz->n_keys = gaz->key_size = 0;
}

void kvm_gazetteer_free(kvm_gazetteer *gaz)
{
    if (!gaz)
        return;
    free_indexes(gaz);
    arena_free(&gaz->strings);
    free(gaz->places);
    free(gaz);
}

size_t kvm_gazetteer_count(const kvm_gazetteer *gaz)
{
    return gaz ? gaz->count : 0;
}

const kvm_place *kvm_gazetteer_place(const kvm_gazetteer *gaz, size_t index)
{
    return gaz && index < gaz->count ? &gaz->places[index] : NULL;
}

size_t kvm_gazetteer_index_of(const kvm_gazetteer *gaz, const kvm_place *place)
{
    if (!gaz || !place || gaz->count == 0 || place < gaz->places ||
        place >= gaz->places + gaz->count)
        return (size_t)-1;
    return (size_t)(place - gaz->places);
}

/* Index of the place with this id in a table of places, or NO_SLOT. */
static uint32_t id_table_find(const uint32_t *slots, size_t size, const kvm_place *places,
                              const char *id)
{
    if (!slots)
        return NO_SLOT;
    size_t mask = size - 1, i = hash_bytes(id, strlen(id)) & mask;
    while (slots[i] != NO_SLOT) {
        if (strcmp(places[slots[i]].id, id) == 0)
            return slots[i];
        i = (i + 1) & mask;
    }
    return NO_SLOT;
}

/* Builds an id table for places[0..n); NULL if out of memory. */
static uint32_t *id_table_build(const kvm_place *places, size_t n, size_t *psize)
{
    size_t size = table_size_for(n);
    uint32_t *slots = kvm_alloc_array(size, sizeof *slots);
    if (!slots)
        return NULL;
    memset(slots, 0xff, size * sizeof *slots);
    for (size_t p = 0; p < n; p++) {
        size_t i = hash_bytes(places[p].id, strlen(places[p].id)) & (size - 1);
        while (slots[i] != NO_SLOT)
            i = (i + 1) & (size - 1);
        slots[i] = (uint32_t)p;
    }
    *psize = size;
    return slots;
}

const kvm_place *kvm_gazetteer_find_id(const kvm_gazetteer *gaz, const char *id)
{
    if (!gaz || !id)
        return NULL;
    uint32_t p = id_table_find(gaz->id_slots, gaz->id_size, gaz->places, id);
    return p == NO_SLOT ? NULL : &gaz->places[p];
}

/* The ambiguity rule (see the top of this file): <0 when a comes first. */
static int compare_by_rule(const kvm_place *a, const kvm_place *b)
{
    int sa = kvm_place_kind_is_settlement(a->kind), sb = kvm_place_kind_is_settlement(b->kind);
    if (sa != sb)
        return sb - sa;
    int na = strcmp(a->admin1, "North Kivu") == 0, nb = strcmp(b->admin1, "North Kivu") == 0;
    if (na != nb)
        return nb - na;
    if (a->population != b->population)
        return a->population > b->population ? -1 : 1;
    return strcmp(a->id, b->id);
}

static int compare_place_pointers(const void *pa, const void *pb)
{
    return compare_by_rule(*(const kvm_place *const *)pa, *(const kvm_place *const *)pb);
}

/* Name order, then the ambiguity rule (as a precomputed rank, so the
 * comparator needs no context and loading stays thread-safe). */
static int compare_entries(const void *pa, const void *pb)
{
    const name_entry *a = pa, *b = pb;
    int c = strcmp(a->text, b->text);
    if (c != 0)
        return c;
    return a->rank < b->rank ? -1 : a->rank > b->rank ? 1 : 0;
}

/* rank[p] = position of place p when all places are sorted by the rule. */
static uint32_t *rank_places(const kvm_gazetteer *gaz)
{
    const kvm_place **order = kvm_alloc_array(gaz->count ? gaz->count : 1, sizeof *order);
    uint32_t *rank = kvm_alloc_array(gaz->count ? gaz->count : 1, sizeof *rank);
    if (!order || !rank) {
        free(order);
        free(rank);
        return NULL;
    }
    for (size_t p = 0; p < gaz->count; p++)
        order[p] = &gaz->places[p];
    if (gaz->count > 1)
        qsort(order, gaz->count, sizeof *order, compare_place_pointers);
    for (size_t r = 0; r < gaz->count; r++)
        rank[order[r] - gaz->places] = (uint32_t)r;
    free(order);
    return rank;
}

/* Appends the folded form of name[0..len) to the index text and an entry for
 * it.  Returns 0 or -1 (out of memory). */
static int add_name(kvm_gazetteer *gaz, kvm_buf *text, size_t *pcap_entries, const char *name,
                    size_t len, uint32_t place)
{
    char raw[MAX_FOLDED], folded[MAX_FOLDED];
    if (len >= sizeof raw)
        len = sizeof raw - 1;
    memcpy(raw, name, len);
    raw[len] = '\0';
    size_t flen = kvm_fold_name(raw, folded, sizeof folded);
    if (flen >= sizeof folded)
        flen = sizeof folded - 1;
    if (flen == 0)
        return 0;
    if (text->len > UINT32_MAX - MAX_FOLDED)
        return -1;
    if (kvm_grow((void **)&gaz->entries, pcap_entries, gaz->n_entries + 1, sizeof *gaz->entries) !=
        0)
        return -1;
    name_entry *e = &gaz->entries[gaz->n_entries++];
    e->key = (uint32_t)text->len;
    e->len = (uint32_t)flen;
    e->place = place;
    kvm_buf_append(text, folded, flen + 1); /* keeps the NUL */
    return text->failed ? -1 : 0;
}

static int build_name_index(kvm_gazetteer *gaz)
{
    kvm_buf text;
    size_t cap_entries = 0;
    kvm_buf_init(&text);
    for (size_t p = 0; p < gaz->count; p++) {
        const kvm_place *pl = &gaz->places[p];
        if (add_name(gaz, &text, &cap_entries, pl->name, strlen(pl->name), (uint32_t)p) != 0)
            goto nomem;
        const char *s = pl->alt_names;
        while (*s) {
            const char *bar = strchr(s, '|');
            size_t n = bar ? (size_t)(bar - s) : strlen(s);
            if (add_name(gaz, &text, &cap_entries, s, n, (uint32_t)p) != 0)
                goto nomem;
            s += n + (bar ? 1 : 0);
        }
    }
    gaz->names_text = text.data;
    text.data = NULL;
    uint32_t *rank = rank_places(gaz);
    if (!rank)
        goto nomem;
    for (size_t r = 0; r < gaz->n_entries; r++) {
        gaz->entries[r].text = gaz->names_text + gaz->entries[r].key;
        gaz->entries[r].rank = rank[gaz->entries[r].place];
    }
    free(rank);
    if (gaz->n_entries > 1)
        qsort(gaz->entries, gaz->n_entries, sizeof *gaz->entries, compare_entries);

    /* drop duplicates (a place whose name and alt name fold alike), count keys */
    size_t w = 0;
    for (size_t r = 0; r < gaz->n_entries; r++) {
        if (w > 0 && gaz->entries[w - 1].place == gaz->entries[r].place &&
            strcmp(gaz->names_text + gaz->entries[w - 1].key,
                   gaz->names_text + gaz->entries[r].key) == 0)
            continue;
        gaz->entries[w++] = gaz->entries[r];
    }
    gaz->n_entries = w;
    gaz->keys = kvm_alloc_array(w ? w : 1, sizeof *gaz->keys);
    if (!gaz->keys)
        goto nomem;
    for (size_t r = 0; r < w; r++) {
        const name_entry *e = &gaz->entries[r];
        if (gaz->n_keys > 0) {
            name_key *last = &gaz->keys[gaz->n_keys - 1];
            if (strcmp(gaz->names_text + gaz->entries[last->start].key, gaz->names_text + e->key) ==
                0) {
                last->count++;
                continue;
            }
        }
        name_key *k = &gaz->keys[gaz->n_keys++];
        k->start = (uint32_t)r;
        k->count = 1;
        k->hash = hash_bytes(gaz->names_text + e->key, e->len);
    }
    gaz->key_size = table_size_for(gaz->n_keys);
    gaz->key_slots = kvm_alloc_array(gaz->key_size, sizeof *gaz->key_slots);
    if (!gaz->key_slots)
        goto nomem;
    memset(gaz->key_slots, 0xff, gaz->key_size * sizeof *gaz->key_slots);
    for (size_t k = 0; k < gaz->n_keys; k++) {
        size_t i = gaz->keys[k].hash & (gaz->key_size - 1);
        while (gaz->key_slots[i] != NO_SLOT)
            i = (i + 1) & (gaz->key_size - 1);
        gaz->key_slots[i] = (uint32_t)k;
    }
    return 0;
nomem:
    kvm_buf_free(&text);
    return -1;
}

static int rebuild_indexes(kvm_gazetteer *gaz)
{
    free_indexes(gaz);
    gaz->id_slots = id_table_build(gaz->places, gaz->count, &gaz->id_size);
    if (!gaz->id_slots)
        return -1;
    return build_name_index(gaz);
}

/* The key for a folded name, or NULL. */
static const name_key *find_key(const kvm_gazetteer *gaz, const char *folded, size_t len)
{
    if (!gaz->key_slots)
        return NULL;
    uint32_t h = hash_bytes(folded, len);
    size_t mask = gaz->key_size - 1, i = h & mask;
    while (gaz->key_slots[i] != NO_SLOT) {
        const name_key *k = &gaz->keys[gaz->key_slots[i]];
        if (k->hash == h) {
            const name_entry *e = &gaz->entries[k->start];
            if (e->len == len && memcmp(gaz->names_text + e->key, folded, len) == 0)
                return k;
        }
        i = (i + 1) & mask;
    }
    return NULL;
}

size_t kvm_gazetteer_lookup(const kvm_gazetteer *gaz, const char *name, const kvm_place **out,
                            size_t cap)
{
    char folded[MAX_FOLDED];
    if (!gaz || !name)
        return 0;
    size_t len = kvm_fold_name(name, folded, sizeof folded);
    if (len == 0 || len >= sizeof folded)
        return 0;
    const name_key *k = find_key(gaz, folded, len);
    if (!k)
        return 0;
    for (size_t i = 0; i < k->count && i < cap; i++)
        out[i] = &gaz->places[gaz->entries[k->start + i].place];
    return k->count;
}

/* ---- suggestions ------------------------------------------------------- */

/* Optimal-string-alignment (restricted Damerau-Levenshtein) distance between
 * a and b, or bound+1 as soon as it must exceed bound. */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb, size_t bound)
{
    size_t diff = la > lb ? la - lb : lb - la;
    if (diff > bound)
        return bound + 1;
    if (lb >= MAX_FOLDED || la >= MAX_FOLDED)
        return bound + 1;
    size_t rows[3][MAX_FOLDED + 1];
    size_t *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t row_min;
        cur[0] = i;
        row_min = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t v = prev[j - 1] + cost;
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < v)
                v = prev2[j - 2] + 1;
            cur[j] = v;
            if (v < row_min)
                row_min = v;
        }
        if (row_min > bound)
            return bound + 1;
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

typedef struct suggestion {
    size_t distance;
    const kvm_place *place;
} suggestion;

static int compare_suggestions(const void *pa, const void *pb)
{
    const suggestion *a = pa, *b = pb;
    if (a->distance != b->distance)
        return a->distance < b->distance ? -1 : 1;
    return compare_by_rule(a->place, b->place);
}

size_t kvm_gazetteer_suggest(const kvm_gazetteer *gaz, const char *query, const kvm_place **out,
                             size_t cap)
{
    char folded[MAX_FOLDED];
    if (!gaz || !query || cap == 0 || gaz->n_keys == 0)
        return 0;
    size_t len = kvm_fold_name(query, folded, sizeof folded);
    if (len == 0 || len >= sizeof folded)
        return 0;
    size_t bound = len / 3 > 2 ? len / 3 : 2;
    /* Keep the best `cap` candidates (one per place), in a small sorted array. */
    suggestion best[16];
    size_t n_best = 0, keep = cap < 16 ? cap : 16;
    for (size_t k = 0; k < gaz->n_keys; k++) {
        const name_entry *e = &gaz->entries[gaz->keys[k].start];
        size_t d = edit_distance(folded, len, gaz->names_text + e->key, e->len, bound);
        if (d > bound)
            continue;
        suggestion s = {d, &gaz->places[e->place]}; /* the rule's first place for this name */
        size_t dup = n_best;
        for (size_t i = 0; i < n_best; i++)
            if (best[i].place == s.place)
                dup = i;
        if (dup < n_best) {
            if (compare_suggestions(&s, &best[dup]) >= 0)
                continue;
            best[dup] = s;
        } else if (n_best < keep) {
            best[n_best++] = s;
        } else if (compare_suggestions(&s, &best[n_best - 1]) < 0) {
            best[n_best - 1] = s;
        } else {
            continue;
        }
        qsort(best, n_best, sizeof *best, compare_suggestions);
    }
    for (size_t i = 0; i < n_best; i++)
        out[i] = best[i].place;
    return n_best;
}

kvm_status kvm_gazetteer_resolve(const kvm_gazetteer *gaz, const char *query,
                                 const kvm_place **pplace, size_t *pambiguous, kvm_error *err)
{
    const kvm_place *found[1];
    if (pambiguous)
        *pambiguous = 0;
    if (!gaz || !query || !pplace)
        return kvm_error_set(err, KVM_ERR_INVALID, "no place given");
    const kvm_place *p = kvm_gazetteer_find_id(gaz, query);
    if (p) {
        *pplace = p;
        if (pambiguous)
            *pambiguous = 1;
        return KVM_OK;
    }
    size_t n = kvm_gazetteer_lookup(gaz, query, found, 1);
    if (n > 0) {
        *pplace = found[0];
        if (pambiguous)
            *pambiguous = n;
        return KVM_OK;
    }
    /* an id typed with capitals ("Masisi-Town") */
    char lower[256];
    size_t qlen = strlen(query);
    if (qlen < sizeof lower) {
        for (size_t i = 0; i <= qlen; i++)
            lower[i] = (char)tolower((unsigned char)query[i]);
        p = kvm_gazetteer_find_id(gaz, lower);
        if (p) {
            *pplace = p;
            if (pambiguous)
                *pambiguous = 1;
            return KVM_OK;
        }
    }
    const kvm_place *sugg[3];
    size_t ns = kvm_gazetteer_suggest(gaz, query, sugg, 3);
    if (ns == 0)
        return kvm_error_set(err, KVM_ERR_NOT_FOUND, "unknown place '%s'", query);
    /* name distinct suggestions only ("Masisi" once even if town and territory) */
    const char *names[3];
    size_t nn = 0;
    for (size_t i = 0; i < ns; i++) {
        int seen = 0;
        for (size_t j = 0; j < nn; j++)
            seen |= strcmp(names[j], sugg[i]->name) == 0;
        if (!seen)
            names[nn++] = sugg[i]->name;
    }
    if (nn == 1)
        return kvm_error_set(err, KVM_ERR_NOT_FOUND, "unknown place '%s' (did you mean '%s'?)",
                             query, names[0]);
    if (nn == 2)
        return kvm_error_set(err, KVM_ERR_NOT_FOUND,
                             "unknown place '%s' (did you mean '%s' or '%s'?)", query, names[0],
                             names[1]);
    return kvm_error_set(err, KVM_ERR_NOT_FOUND,
                         "unknown place '%s' (did you mean '%s', '%s' or '%s'?)", query, names[0],
                         names[1], names[2]);
}

/* ---- loading: staging area --------------------------------------------- */

typedef struct staging {
    const char *file; /* name for messages */
    kvm_place *places;
    size_t count;
    size_t cap;
    size_t *lines; /* source line of each staged place */
    size_t cap_lines;
    arena strings;
    kvm_error *err;
} staging;

static void staging_free(staging *st)
{
    free(st->places);
    free(st->lines);
    arena_free(&st->strings);
}

static kvm_status staging_add(staging *st, const kvm_place *place, size_t line)
{
    if (kvm_grow((void **)&st->places, &st->cap, st->count + 1, sizeof *st->places) != 0 ||
        kvm_grow((void **)&st->lines, &st->cap_lines, st->count + 1, sizeof *st->lines) != 0)
        return kvm_error_set(st->err, KVM_ERR_NOMEM, "out of memory loading '%s'", st->file);
    st->places[st->count] = *place;
    st->lines[st->count] = line;
    st->count++;
    return KVM_OK;
}

/* Rejects an id used twice in one file, naming both lines. */
static kvm_status staging_check_ids(staging *st)
{
    size_t size;
    uint32_t *slots;
    if (st->count == 0)
        return KVM_OK;
    if (st->count >= UINT32_MAX)
        return kvm_error_set(st->err, KVM_ERR_LIMIT, "%s: too many rows", st->file);
    size = table_size_for(st->count);
    slots = kvm_alloc_array(size, sizeof *slots);
    if (!slots)
        return kvm_error_set(st->err, KVM_ERR_NOMEM, "out of memory loading '%s'", st->file);
    memset(slots, 0xff, size * sizeof *slots);
    for (size_t p = 0; p < st->count; p++) {
        const char *id = st->places[p].id;
        size_t i = hash_bytes(id, strlen(id)) & (size - 1);
        while (slots[i] != NO_SLOT) {
            if (strcmp(st->places[slots[i]].id, id) == 0) {
                kvm_status s = kvm_error_set(st->err, KVM_ERR_PARSE,
                                             "%s:%zu: duplicate id '%s' (first on line %zu)",
                                             st->file, st->lines[p], id, st->lines[slots[i]]);
                free(slots);
                return s;
            }
            i = (i + 1) & (size - 1);
        }
        slots[i] = (uint32_t)p;
    }
    free(slots);
    return KVM_OK;
}

/* Merges a good staging area into the gazetteer: a staged id that exists
 * replaces that place in its slot; new ids are appended. */
static kvm_status staging_commit(kvm_gazetteer *gaz, staging *st)
{
    if (gaz->count + st->count >= UINT32_MAX)
        return kvm_error_set(st->err, KVM_ERR_LIMIT, "%s: too many places", st->file);
    if (kvm_grow((void **)&gaz->places, &gaz->cap, gaz->count + st->count, sizeof *gaz->places) !=
            0 ||
        arena_merge(&gaz->strings, &st->strings) != 0) {
        return kvm_error_set(st->err, KVM_ERR_NOMEM, "out of memory loading '%s'", st->file);
    }
    for (size_t p = 0; p < st->count; p++) {
        uint32_t old = id_table_find(gaz->id_slots, gaz->id_size, gaz->places, st->places[p].id);
        if (old != NO_SLOT)
            gaz->places[old] = st->places[p];
        else
            gaz->places[gaz->count++] = st->places[p];
    }
    /* the id table must see the appended places before the next lookup */
    if (rebuild_indexes(gaz) != 0)
        return kvm_error_set(st->err, KVM_ERR_NOMEM, "out of memory indexing '%s'", st->file);
    return KVM_OK;
}

/* ---- field validation -------------------------------------------------- */

static kvm_status parse_coordinate(staging *st, size_t line, const char *what, const char *text,
                                   double limit, double *pvalue)
{
    double v;
    if (text[0] == '\0')
        return kvm_error_set(st->err, KVM_ERR_PARSE, "%s:%zu: empty %s", st->file, line, what);
    if (kvm_parse_double(text, &v, NULL) != KVM_OK)
        return kvm_error_set(st->err, KVM_ERR_PARSE,
                             "%s:%zu: %s '%s' is not a finite decimal number", st->file, line, what,
                             text);
    if (v < -limit || v > limit)
        return kvm_error_set(st->err, KVM_ERR_PARSE, "%s:%zu: %s '%s' out of range", st->file, line,
                             what, text);
    *pvalue = v;
    return KVM_OK;
}

static kvm_status parse_population(staging *st, size_t line, const char *text, long long *pvalue)
{
    long long v = 0;
    if (text[0] == '\0') {
        *pvalue = 0;
        return KVM_OK;
    }
    for (const char *p = text; *p; p++) {
        if (!isdigit((unsigned char)*p) || v > (LLONG_MAX - 9) / 10)
            return kvm_error_set(st->err, KVM_ERR_PARSE,
                                 "%s:%zu: population '%s' is not a whole number >= 0", st->file,
                                 line, text);
        v = v * 10 + (*p - '0');
    }
    *pvalue = v;
    return KVM_OK;
}

static int has_space_or_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == 0x7f)
            return 1;
    return 0;
}

/* ---- kivumap CSV ------------------------------------------------------- */

enum {
    COL_ID,
    COL_NAME,
    COL_ALT_NAMES,
    COL_KIND,
    COL_LAT,
    COL_LON,
    COL_ADMIN2,
    COL_ADMIN1,
    COL_COUNTRY,
    COL_POPULATION,
    COL_SOURCE,
    N_COLUMNS
};

static const char *const column_names[N_COLUMNS] = {
    "id",     "name",   "alt_names", "kind",       "lat",    "lon",
    "admin2", "admin1", "country",   "population", "source",
};

/* A CSV reader over a private, writable copy of the file: fields are
 * unescaped in place and NUL-terminated, so the places point into it. */
typedef struct csv_reader {
    char *p;
    char *end;
    size_t line; /* line of the next character */
} csv_reader;

#define MAX_FIELDS 64

/* Reads one record into fields[].  Returns the number of fields, 0 at end of
 * input, or -1 on a syntax error (err set).  *pline gets the record's first
 * line.  Blank lines are skipped. */
static int csv_read_record(csv_reader *r, staging *st, char **fields, size_t *pline)
{
    int n = 0;
    while (r->p < r->end && (*r->p == '\n' || *r->p == '\r')) {
        if (*r->p == '\n')
            r->line++;
        r->p++;
    }
    if (r->p >= r->end)
        return 0;
    *pline = r->line;
    for (;;) {
        char *out = r->p, *field = r->p;
        if (n >= MAX_FIELDS) {
            kvm_error_set(st->err, KVM_ERR_PARSE, "%s:%zu: more than %d fields", st->file, *pline,
                          MAX_FIELDS);
            return -1;
        }
        if (r->p < r->end && *r->p == '"') {
            size_t quote_line = r->line;
            r->p++;
            for (;;) {
                if (r->p >= r->end) {
                    kvm_error_set(st->err, KVM_ERR_PARSE,
                                  "%s:%zu: unbalanced quote (field opened here never closes)",
                                  st->file, quote_line);
                    return -1;
                }
                if (*r->p == '"') {
                    if (r->p + 1 < r->end && r->p[1] == '"') {
                        *out++ = '"';
                        r->p += 2;
                        continue;
                    }
                    r->p++;
                    break;
                }
                if (*r->p == '\n')
                    r->line++;
                *out++ = *r->p++;
            }
            if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
                kvm_error_set(st->err, KVM_ERR_PARSE,
                              "%s:%zu: unexpected text after a closing quote", st->file, r->line);
                return -1;
            }
        } else {
            while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
                if (*r->p == '"') {
                    kvm_error_set(st->err, KVM_ERR_PARSE, "%s:%zu: quote inside an unquoted field",
                                  st->file, r->line);
                    return -1;
                }
                r->p++;
            }
            out = r->p;
        }
        char sep = r->p < r->end ? *r->p : '\n';
        fields[n++] = field;
        if (sep == ',') {
            *out = '\0';
            r->p++;
            continue;
        }
        /* end of record: \n, \r\n, lone \r or end of input */
        if (r->p < r->end && *r->p == '\r') {
            r->p++;
            if (r->p < r->end && *r->p == '\n')
                r->p++;
            r->line++;
        } else if (r->p < r->end) {
            r->p++;
            r->line++;
        }
        *out = '\0';
        return n;
    }
}

static kvm_status csv_header(csv_reader *r, staging *st, int *column_of_field, int *pn_fields)
{
    char *fields[MAX_FIELDS];
    size_t line = 1;
    int seen[N_COLUMNS] = {0};
    int n = csv_read_record(r, st, fields, &line);
    if (n < 0)
        return st->err ? st->err->code : KVM_ERR_PARSE;
    if (n == 0)
        return kvm_error_set(st->err, KVM_ERR_PARSE, "%s:1: empty file (expected a header row)",
                             st->file);
    for (int f = 0; f < n; f++) {
        int col = -1;
        for (int c = 0; c < N_COLUMNS; c++)
            if (strcmp(fields[f], column_names[c]) == 0)
                col = c;
        if (col < 0)
            return kvm_error_set(st->err, KVM_ERR_PARSE, "%s:%zu: unknown column '%s'", st->file,
                                 line, fields[f]);
        if (seen[col])
            return kvm_error_set(st->err, KVM_ERR_PARSE, "%s:%zu: duplicate column '%s'", st->file,
                                 line, fields[f]);
        seen[col] = 1;
        column_of_field[f] = col;
    }
    for (int c = 0; c < N_COLUMNS; c++)
        if (!seen[c])
            return kvm_error_set(st->err, KVM_ERR_PARSE, "%s:%zu: missing column '%s'", st->file,
                                 line, column_names[c]);
    *pn_fields = n;
    return KVM_OK;
}

/* Checks one CSV row (values by column) and fills *place. */
static kvm_status csv_place(staging *st, size_t line, char **v, kvm_place *place)
{
    kvm_status s;
    memset(place, 0, sizeof *place);
    if (v[COL_ID][0] == '\0')
        return kvm_error_set(st->err, KVM_ERR_PARSE, "%s:%zu: empty id", st->file, line);
    if (has_space_or_control(v[COL_ID]))
        return kvm_error_set(st->err, KVM_ERR_PARSE, "%s:%zu: id '%s' contains spaces", st->file,
                             line, v[COL_ID]);
    if (v[COL_NAME][0] == '\0')
        return kvm_error_set(st->err, KVM_ERR_PARSE, "%s:%zu: empty name for id '%s'", st->file,
                             line, v[COL_ID]);
    place->kind = kvm_place_kind_from_name(v[COL_KIND]);
    if (place->kind == KVM_KIND_UNKNOWN)
        return kvm_error_set(st->err, KVM_ERR_PARSE, "%s:%zu: unknown kind '%s'", st->file, line,
                             v[COL_KIND]);
    if ((s = parse_coordinate(st, line, "latitude", v[COL_LAT], 90, &place->lat)) != KVM_OK ||
        (s = parse_coordinate(st, line, "longitude", v[COL_LON], 180, &place->lon)) != KVM_OK ||
        (s = parse_population(st, line, v[COL_POPULATION], &place->population)) != KVM_OK)
        return s;
    const char *cc = v[COL_COUNTRY];
    if (cc[0] != '\0' &&
        !(strlen(cc) == 2 && isupper((unsigned char)cc[0]) && isupper((unsigned char)cc[1])))
        return kvm_error_set(st->err, KVM_ERR_PARSE,
                             "%s:%zu: country '%s' is not an ISO 3166-1 alpha-2 code", st->file,
                             line, cc);
    place->id = v[COL_ID];
    place->name = v[COL_NAME];
    place->alt_names = v[COL_ALT_NAMES];
    place->admin2 = v[COL_ADMIN2];
    place->admin1 = v[COL_ADMIN1];
    place->country = cc;
    place->source = v[COL_SOURCE];
    return KVM_OK;
}

static kvm_status load_csv(staging *st, char *text, size_t len)
{
    csv_reader r = {text, text + len, 1};
    int column_of_field[MAX_FIELDS], n_header = 0;
    char *fields[MAX_FIELDS], *values[N_COLUMNS];
    kvm_status s = csv_header(&r, st, column_of_field, &n_header);
    if (s != KVM_OK)
        return s;
    for (;;) {
        size_t line = 0;
        int n = csv_read_record(&r, st, fields, &line);
        if (n < 0)
            return st->err ? st->err->code : KVM_ERR_PARSE;
        if (n == 0)
            break;
        if (n != n_header)
            return kvm_error_set(st->err, KVM_ERR_PARSE, "%s:%zu: expected %d fields, found %d",
                                 st->file, line, n_header, n);
        for (int f = 0; f < n; f++)
            values[column_of_field[f]] = fields[f];
        kvm_place place;
        if ((s = csv_place(st, line, values, &place)) != KVM_OK ||
            (s = staging_add(st, &place, line)) != KVM_OK)
            return s;
    }
    return KVM_OK;
}

/* ---- GeoNames dumps ---------------------------------------------------- */

#define GEONAMES_COLUMNS 19

/* Province names for GeoNames admin1 codes the project meets; ADM1 rows in
 * the loaded file take precedence. */
static const struct {
    const char *code;
    const char *name;
} admin1_names[] = {
    {"CD.11", "North Kivu"},
    {"CD.12", "South Kivu"},
};

/* Kind for a GeoNames feature code; KVM_KIND_UNKNOWN = row skipped. */
static kvm_place_kind geonames_kind(const char *code, long long population)
{
    static const struct {
        const char *code;
        kvm_place_kind kind;
    } exact[] = {
        {"PPLC", KVM_KIND_CITY},      {"PPLA", KVM_KIND_CITY},        {"ADM1", KVM_KIND_PROVINCE},
        {"ADM2", KVM_KIND_TERRITORY}, {"PCLI", KVM_KIND_COUNTRY},     {"PCL", KVM_KIND_COUNTRY},
        {"PCLIX", KVM_KIND_COUNTRY},  {"CONT", KVM_KIND_CONTINENT},   {"RGN", KVM_KIND_REGION},
        {"LK", KVM_KIND_LAKE},        {"LKS", KVM_KIND_LAKE},         {"LKN", KVM_KIND_LAKE},
        {"STM", KVM_KIND_RIVER},      {"STMI", KVM_KIND_RIVER},       {"MT", KVM_KIND_MOUNTAIN},
        {"MTS", KVM_KIND_MOUNTAIN},   {"VLC", KVM_KIND_MOUNTAIN},     {"PK", KVM_KIND_MOUNTAIN},
        {"HLL", KVM_KIND_MOUNTAIN},   {"PRK", KVM_KIND_PARK},         {"RESN", KVM_KIND_PARK},
        {"RESF", KVM_KIND_PARK},      {"RESW", KVM_KIND_PARK},        {"CMPRF", KVM_KIND_CAMP},
        {"CMP", KVM_KIND_CAMP},       {"PSTB", KVM_KIND_BORDER_POST},
    };
    for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
        if (strcmp(code, exact[i].code) == 0)
            return exact[i].kind;
    if (strncmp(code, "PPL", 3) == 0 && strcmp(code, "PPLH") != 0 && strcmp(code, "PPLQ") != 0 &&
        strcmp(code, "PPLW") != 0)
        return population >= 10000 ? KVM_KIND_TOWN : KVM_KIND_VILLAGE;
    return KVM_KIND_UNKNOWN;
}

/* Splits a line at tabs in place; returns the number of fields (all of
 * them, even past cap). */
static int split_tabs(char *line, char **fields, int cap)
{
    int n = 0;
    char *p = line;
    for (;;) {
        char *tab = strchr(p, '\t');
        if (n < cap)
            fields[n] = p;
        n++;
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    return n;
}

/* The alt names column: comma-separated; kept entries joined with '|'
 * (links and codes without letters are dropped), the ASCII name first. */
static char *geonames_alt_names(arena *a, const char *name, const char *ascii,
                                const char *alternates)
{
    size_t cap = strlen(ascii) + strlen(alternates) + 2, n = 0;
    char *out = arena_alloc(a, cap);
    if (!out)
        return NULL;
    if (ascii[0] && strcmp(ascii, name) != 0) {
        memcpy(out, ascii, strlen(ascii));
        n = strlen(ascii);
    }
    const char *s = alternates;
    while (*s) {
        const char *comma = strchr(s, ',');
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        int letters = 0;
        for (size_t i = 0; i < len; i++)
            letters |= isalpha((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80;
        int keep = letters && len > 0 && strncmp(s, "http", 4) != 0 && memchr(s, '|', len) == NULL;
        if (keep) {
            if (n > 0)
                out[n++] = '|';
            memcpy(out + n, s, len);
            n += len;
        }
        s += len + (comma ? 1 : 0);
    }
    out[n] = '\0';
    return out;
}

/* Codes kept per staged GeoNames row to fill admin names afterwards. */
typedef struct geonames_codes {
    const char *admin1_code; /* "CD.11" */
    const char *admin2_code; /* "CD.11.1234" or "" */
} geonames_codes;

static const char *code_join(arena *a, const char *cc, const char *c1, const char *c2)
{
    size_t n = strlen(cc) + strlen(c1) + strlen(c2) + 3;
    char *s = arena_alloc(a, n);
    if (!s)
        return NULL;
    strcpy(s, cc);
    if (c1[0]) {
        strcat(s, ".");
        strcat(s, c1);
        if (c2[0]) {
            strcat(s, ".");
            strcat(s, c2);
        }
    }
    return s;
}

/* Fills admin1/admin2 names from the ADM1/ADM2 rows of the same file and the
 * small built-in table.  Only the (few) area rows are scanned for each place.
 * Returns 0, or -1 when out of memory. */
static int geonames_admin_names(staging *st, const geonames_codes *codes)
{
    size_t *areas = kvm_alloc_array(st->count, sizeof *areas), n_areas = 0;
    if (!areas)
        return -1;
    for (size_t q = 0; q < st->count; q++)
        if (st->places[q].kind == KVM_KIND_PROVINCE || st->places[q].kind == KVM_KIND_TERRITORY)
            areas[n_areas++] = q;
    for (size_t p = 0; p < st->count; p++) {
        kvm_place *pl = &st->places[p];
        const char *a1 = "", *a2 = "";
        for (size_t i = 0; i < sizeof admin1_names / sizeof admin1_names[0]; i++)
            if (strcmp(codes[p].admin1_code, admin1_names[i].code) == 0)
                a1 = admin1_names[i].name;
        for (size_t i = 0; i < n_areas; i++) {
            size_t q = areas[i];
            const kvm_place *o = &st->places[q];
            if (o->kind == KVM_KIND_PROVINCE && a1[0] == '\0' &&
                strcmp(codes[q].admin1_code, codes[p].admin1_code) == 0)
                a1 = o->name;
            if (o->kind == KVM_KIND_TERRITORY && codes[p].admin2_code[0] &&
                strcmp(codes[q].admin2_code, codes[p].admin2_code) == 0)
                a2 = o->name;
        }
        if (pl->kind == KVM_KIND_COUNTRY)
            a1 = "";
        if (pl->kind == KVM_KIND_PROVINCE || pl->kind == KVM_KIND_COUNTRY ||
            pl->kind == KVM_KIND_TERRITORY)
            a2 = "";
        pl->admin1 = a1;
        pl->admin2 = a2;
    }
    free(areas);
    return 0;
}

static kvm_status load_geonames(staging *st, char *text, size_t len)
{
    char *p = text, *end = text + len;
    size_t line = 0, cap_codes = 0;
    geonames_codes *codes = NULL;
    kvm_status s = KVM_OK;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *eol = nl ? nl : end;
        line++;
        if (eol > p && eol[-1] == '\r')
            eol[-1] = '\0';
        *eol = '\0';
        char *row = p;
        p = nl ? nl + 1 : end;
        if (row[0] == '\0' || row[0] == '#')
            continue;
        char *f[GEONAMES_COLUMNS];
        int n = split_tabs(row, f, GEONAMES_COLUMNS);
        if (n != GEONAMES_COLUMNS) {
            s = kvm_error_set(st->err, KVM_ERR_PARSE,
                              "%s:%zu: expected 19 tab-separated columns, found %d", st->file, line,
                              n);
            break;
        }
        kvm_place pl;
        memset(&pl, 0, sizeof pl);
        if ((s = parse_population(st, line, f[14], &pl.population)) != KVM_OK)
            break;
        pl.kind = geonames_kind(f[7], pl.population);
        if (pl.kind == KVM_KIND_UNKNOWN)
            continue; /* hotels, schools, farms...: not places articles locate */
        if (f[0][0] == '\0' || strspn(f[0], "0123456789") != strlen(f[0])) {
            s = kvm_error_set(st->err, KVM_ERR_PARSE, "%s:%zu: geonameid '%s' is not a number",
                              st->file, line, f[0]);
            break;
        }
        if (f[1][0] == '\0') {
            s = kvm_error_set(st->err, KVM_ERR_PARSE, "%s:%zu: empty name for geonameid %s",
                              st->file, line, f[0]);
            break;
        }
        if ((s = parse_coordinate(st, line, "latitude", f[4], 90, &pl.lat)) != KVM_OK ||
            (s = parse_coordinate(st, line, "longitude", f[5], 180, &pl.lon)) != KVM_OK)
            break;
        char buf[64];
        size_t idlen = strlen(f[0]) < 40 ? strlen(f[0]) : 40;
        memcpy(buf, "geonames-", 9);
        memcpy(buf + 9, f[0], idlen);
        pl.id = arena_strndup(&st->strings, buf, 9 + idlen);
        memcpy(buf, "GeoNames ", 9);
        pl.source = arena_strndup(&st->strings, buf, 9 + idlen);
        pl.name = f[1];
        pl.alt_names = geonames_alt_names(&st->strings, f[1], f[2], f[3]);
        pl.country = strlen(f[8]) == 2 ? f[8] : "";
        pl.admin1 = pl.admin2 = "";
        if (kvm_grow((void **)&codes, &cap_codes, st->count + 1, sizeof *codes) != 0) {
            s = kvm_error_set(st->err, KVM_ERR_NOMEM, "out of memory loading '%s'", st->file);
            break;
        }
        codes[st->count].admin1_code = code_join(&st->strings, f[8], f[10], "");
        codes[st->count].admin2_code = f[11][0] ? code_join(&st->strings, f[8], f[10], f[11]) : "";
        if (!pl.id || !pl.source || !pl.alt_names || !codes[st->count].admin1_code ||
            !codes[st->count].admin2_code) {
            s = kvm_error_set(st->err, KVM_ERR_NOMEM, "out of memory loading '%s'", st->file);
            break;
        }
        if ((s = staging_add(st, &pl, line)) != KVM_OK)
            break;
    }
    if (s == KVM_OK && st->count > 0 && geonames_admin_names(st, codes) != 0)
        s = kvm_error_set(st->err, KVM_ERR_NOMEM, "out of memory loading '%s'", st->file);
    free(codes);
    return s;
}

/* ---- loading: entry points --------------------------------------------- */

/* Tab on the first line = GeoNames dump; otherwise the kivumap CSV. */
static int looks_like_geonames(const char *text, size_t len)
{
    for (size_t i = 0; i < len && text[i] != '\n'; i++) {
        if (text[i] == '\t')
            return 1;
        if (text[i] == ',')
            return 0;
    }
    return 0;
}

kvm_status kvm_gazetteer_load_buffer(kvm_gazetteer *gaz, const char *name, const char *data,
                                     size_t len, kvm_error *err)
{
    staging st;
    kvm_status s;
    memset(&st, 0, sizeof st);
    st.file = name ? name : "(buffer)";
    st.err = err;
    if (!gaz || (!data && len > 0))
        return kvm_error_set(err, KVM_ERR_INVALID, "no gazetteer or data given");
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    /* a private copy, parsed in place; the places point into it */
    char *text = malloc(len + 1);
    if (!text || arena_adopt(&st.strings, text) != 0) {
        free(text);
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory loading '%s'", st.file);
    }
    if (len)
        memcpy(text, data, len);
    text[len] = '\0';
    if (memchr(text, '\0', len))
        s = kvm_error_set(err, KVM_ERR_PARSE, "%s: contains a NUL byte (not a text file)", st.file);
    else if (looks_like_geonames(text, len))
        s = load_geonames(&st, text, len);
    else
        s = load_csv(&st, text, len);
    if (s == KVM_OK)
        s = staging_check_ids(&st);
    if (s == KVM_OK)
        s = staging_commit(gaz, &st);
    staging_free(&st);
    return s;
}

kvm_status kvm_gazetteer_load_file(kvm_gazetteer *gaz, const char *path, kvm_error *err)
{
    char *data = NULL;
    size_t len = 0;
    if (!path)
        return kvm_error_set(err, KVM_ERR_INVALID, "no gazetteer file given");
    kvm_status s = kvm_read_file(path, MAX_FILE_BYTES, &data, &len, err);
    if (s != KVM_OK)
        return s;
    s = kvm_gazetteer_load_buffer(gaz, path, data, len, err);
    free(data);
    return s;
}

kvm_status kvm_gazetteer_load_bundled(kvm_gazetteer *gaz, kvm_error *err)
{
    size_t len = 0;
    const unsigned char *data = kvm_embedded_find("north_kivu.csv", &len);
    if (!data)
        return kvm_error_set(err, KVM_ERR_NOT_FOUND,
                             "the bundled gazetteer 'north_kivu.csv' is missing from the build");
    return kvm_gazetteer_load_buffer(gaz, "north_kivu.csv", (const char *)data, len, err);
}
