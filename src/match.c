/* The name matcher: a trie over folded names, flattened breadth-first so
 * that the children of a node are contiguous; dense tables for the first
 * two levels (where most words of a text fail), short sorted child runs
 * below.  See match.h for the contract. */
#include "match.h"

#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

#include "util.h"

#define NO_ENTRY UINT32_MAX
/* The folded byte standing for a character of another script (Cyrillic,
 * U+FFFD...): not a letter, not a separator. */
#define OTHER_CHAR 1u

struct kvm_matcher {
    /* Trie, breadth-first: node 0 is the root. */
    uint32_t *first_child; /* index of the first child */
    uint8_t *n_children;  /* at most one per class, and classes fit a byte */
    uint8_t *node_class;  /* class of the edge into the node */
    uint32_t *node_entry; /* name entry ending here, or NO_ENTRY */
    uint8_t *has_entry;   /* bit per node: node_entry != NO_ENTRY (a walk tests
                             this small bitset, not the larger array, at each step) */
    size_t n_nodes;
    /* Folded byte -> class (0 = in no name). */
    uint8_t class_of[256];
    unsigned n_classes;
    uint32_t *level1; /* [class] -> node at depth 1, 0 if none */
    uint32_t *level2; /* [class1 * n_classes + class2] -> node at depth 2 */
    /* Entries: distinct folded names; their candidates. */
    uint32_t *entry_first;
    uint32_t *entry_count;
    size_t n_entries;
    uint32_t *candidates;
    size_t n_candidates;
    /* ASCII fast path: folded byte per input byte, and flags. */
    uint8_t ascii_fold[128];
    uint8_t ascii_flags[128];
    uint8_t ascii_class[128]; /* class_of[ascii_fold[b]] */
    int blocks_ok; /* ASCII letters and digits are exactly the CH_ALNUM bytes,
                      so words can be found 64 bytes at a time */
    /* Prefix filter: most words of a text share no three-letter prefix
     * with any name.  alnum_index maps a byte to 0..35 for ASCII letters
     * and digits (case folded), PREFIX_OTHER otherwise; prefix3 has bit
     * (a*36+b)*36+c set when some folded name starts with those three. */
    uint8_t alnum_index[256];
    uint8_t prefix3[(36 * 36 * 36 + 7) / 8];
    /* word3: bit set when some name is those three letters alone or
     * followed by a non-alphanumeric (for words of exactly three);
     * prefix4: a Bloom filter (one hash) of the first four letters, for
     * longer words; 1 << prefix4_bits bits. */
    uint8_t word3[(36 * 36 * 36 + 7) / 8];
    uint8_t *prefix4;
    unsigned prefix4_bits;
};

#define PREFIX_OTHER 36u

enum { CH_ALNUM = 1, CH_SEP = 2, CH_UPPER = 4 };

/* ---- Folding -------------------------------------------------------------- */

static inline int ascii_is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int folded_is_alnum(unsigned char f)
{
    return (f >= 'a' && f <= 'z') || (f >= '0' && f <= '9');
}

static int codepoint_is_upper(uint32_t cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return 1;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
        return 1;
    /* Latin Extended-A alternates capital/small, capital on even code points
     * except in 0x138..0x148 and 0x179..0x17E where it is odd. */
    if (cp >= 0x100 && cp <= 0x17F) {
        if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
            return (cp & 1) == 1;
        return (cp & 1) == 0 && cp != 0x138;
    }
    return 0;
}

/* Reads one character at s[0..len): its folded bytes (*pf2 may be 0), its
 * flags, and returns its length in bytes. */
static size_t read_folded(const kvm_matcher *m, const unsigned char *s, size_t len,
                          unsigned char *pf1, unsigned char *pf2, unsigned *pflags)
{
    if (m && s[0] < 0x80) {
        *pf1 = m->ascii_fold[s[0]];
        *pf2 = 0;
        *pflags = m->ascii_flags[s[0]];
        return 1;
    }
    uint32_t cp;
    size_t n = kvm_utf8_decode(s, len, &cp);
    unsigned char f2 = 0;
    unsigned char f1 = kvm_fold_codepoint(cp, &f2);
    if (f1 == 0)
        f1 = OTHER_CHAR;
    unsigned flags = 0;
    if (f1 == ' ')
        flags |= CH_SEP;
    else if (folded_is_alnum(f1))
        flags |= CH_ALNUM;
    if (codepoint_is_upper(cp))
        flags |= CH_UPPER;
    *pf1 = f1;
    *pf2 = f2;
    *pflags = flags;
    return n;
}

size_t kvm_match_fold(const char *name, size_t len, char *out, size_t cap)
{
    const unsigned char *s = (const unsigned char *)name;
    size_t o = 0;
    const size_t room = cap > 0 ? cap - 1 : 0; /* bytes stored before the NUL */
    int pending_space = 0;
    for (size_t i = 0; i < len;) {
        unsigned char f1, f2;
        unsigned flags;
        i += read_folded(NULL, s + i, len - i, &f1, &f2, &flags);
        if (flags & CH_SEP) {
            pending_space = o > 0;
            continue;
        }
        unsigned char bytes[3];
        size_t nb = 0;
        if (pending_space)
            bytes[nb++] = ' ';
        pending_space = 0;
        bytes[nb++] = f1;
        if (f2)
            bytes[nb++] = f2;
        for (size_t k = 0; k < nb; k++) {
            if (o < room)
                out[o] = (char)bytes[k];
            o++;
        }
    }
    if (cap > 0)
        out[o < cap ? o : cap - 1] = '\0';
    return o;
}

/* ---- Building ------------------------------------------------------------- */

typedef struct name_ref {
    const char *folded; /* into the pool */
    size_t len;
    uint32_t place;
} name_ref;

static int compare_name_refs(const void *a, const void *b)
{
    const name_ref *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->folded, y->folded, n);
    if (c != 0)
        return c;
    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->place < y->place ? -1 : (x->place > y->place ? 1 : 0);
}

/* The linked trie used while building. */
typedef struct build_trie {
    uint32_t *first, *last, *next, *entry;
    uint8_t *cls;
    size_t n, cap;
} build_trie;

static int build_node(build_trie *t, uint8_t cls)
{
    if (t->n >= UINT32_MAX - 1)
        return -1;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        uint32_t *first = kvm_realloc_array(t->first, cap, sizeof *first);
        if (first)
            t->first = first;
        uint32_t *last = kvm_realloc_array(t->last, cap, sizeof *last);
        if (last)
            t->last = last;
        uint32_t *next = kvm_realloc_array(t->next, cap, sizeof *next);
        if (next)
            t->next = next;
        uint32_t *entry = kvm_realloc_array(t->entry, cap, sizeof *entry);
        if (entry)
            t->entry = entry;
        uint8_t *cls_array = kvm_realloc_array(t->cls, cap, sizeof *cls_array);
        if (cls_array)
            t->cls = cls_array;
        if (!first || !last || !next || !entry || !cls_array)
            return -1;
        t->cap = cap;
    }
    t->first[t->n] = 0;
    t->last[t->n] = 0;
    t->next[t->n] = 0;
    t->entry[t->n] = NO_ENTRY;
    t->cls[t->n] = cls;
    t->n++;
    return 0;
}

static void build_trie_free(build_trie *t)
{
    free(t->first);
    free(t->last);
    free(t->next);
    free(t->entry);
    free(t->cls);
}

/* Inserts a folded name (sorted input: the child wanted is either the last
 * child of its parent or new). */
static int trie_insert(build_trie *t, const uint8_t *class_of, const char *name, size_t len,
                       uint32_t entry)
{
    uint32_t node = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = class_of[(unsigned char)name[i]];
        uint32_t last = t->last[node];
        if (last != 0 && t->cls[last] == c) {
            node = last;
            continue;
        }
        if (build_node(t, c) != 0)
            return -1;
        uint32_t child = (uint32_t)(t->n - 1);
        if (last == 0)
            t->first[node] = child;
        else
            t->next[last] = child;
        t->last[node] = child;
        node = child;
    }
    t->entry[node] = entry;
    return 0;
}

static unsigned alnum_index_of(unsigned char f)
{
    if (f >= 'a' && f <= 'z')
        return (unsigned)(f - 'a');
    if (f >= '0' && f <= '9')
        return 26u + (unsigned)(f - '0');
    return PREFIX_OTHER;
}

static void init_ascii_tables(kvm_matcher *m)
{
    for (unsigned b = 0; b < 256; b++)
        m->alnum_index[b] = (uint8_t)PREFIX_OTHER;
    for (unsigned b = 0; b < 128; b++) {
        unsigned char f1, f2;
        unsigned flags;
        unsigned char byte = (unsigned char)b;
        read_folded(NULL, &byte, 1, &f1, &f2, &flags);
        m->ascii_fold[b] = f1;
        m->ascii_flags[b] = (uint8_t)flags;
        if (flags & CH_ALNUM)
            m->alnum_index[b] = (uint8_t)alnum_index_of(f1);
    }
    m->blocks_ok = 1;
    for (unsigned b = 0; b < 128; b++)
        if (((m->ascii_flags[b] & CH_ALNUM) != 0) != ascii_is_alnum((unsigned char)b))
            m->blocks_ok = 0;
}

static void set_bit(uint8_t *bits, uint32_t key)
{
    bits[key >> 3] = (uint8_t)(bits[key >> 3] | (1u << (key & 7u)));
}

static int get_bit(const uint8_t *bits, uint32_t key)
{
    return (bits[key >> 3] >> (key & 7u)) & 1u;
}

/* The Bloom filter bit of four letters (key4 = key3 * 36 + d). */
static uint32_t prefix4_hash(const kvm_matcher *m, uint32_t key4)
{
    return (uint32_t)(key4 * 2654435761u) >> (32u - m->prefix4_bits);
}

/* Records the first folded bytes of a name in the prefix filters when they
 * are letters or digits: a text word whose first three (four) characters
 * are ASCII letters or digits can only start a name whose folded form
 * starts with the same. */
static void add_prefixes(kvm_matcher *m, const char *folded, size_t len)
{
    if (len < 3)
        return;
    unsigned a = alnum_index_of((unsigned char)folded[0]);
    unsigned b = alnum_index_of((unsigned char)folded[1]);
    unsigned c = alnum_index_of((unsigned char)folded[2]);
    if (a == PREFIX_OTHER || b == PREFIX_OTHER || c == PREFIX_OTHER)
        return;
    uint32_t key = (a * 36u + b) * 36u + c;
    set_bit(m->prefix3, key);
    unsigned d = len > 3 ? alnum_index_of((unsigned char)folded[3]) : PREFIX_OTHER;
    if (d == PREFIX_OTHER)
        set_bit(m->word3, key);
    else
        set_bit(m->prefix4, prefix4_hash(m, key * 36u + d));
}

/* Flattens the linked trie breadth-first into m. */
static int flatten(kvm_matcher *m, const build_trie *t)
{
    size_t n = t->n;
    uint32_t *order = kvm_alloc_array(n, sizeof *order);
    m->first_child = kvm_alloc_array(n, sizeof *m->first_child);
    m->n_children = kvm_alloc_array(n, sizeof *m->n_children);
    m->node_class = kvm_alloc_array(n, sizeof *m->node_class);
    m->node_entry = kvm_alloc_array(n, sizeof *m->node_entry);
    m->has_entry = calloc((n + 7) / 8, 1);
    if (!order || !m->first_child || !m->n_children || !m->node_class || !m->node_entry ||
        !m->has_entry) {
        free(order);
        return -1;
    }
    size_t tail = 1;
    order[0] = 0;
    for (size_t head = 0; head < tail; head++) {
        uint32_t old = order[head];
        m->first_child[head] = (uint32_t)tail;
        m->node_class[head] = t->cls[old];
        m->node_entry[head] = t->entry[old];
        if (t->entry[old] != NO_ENTRY)
            set_bit(m->has_entry, (uint32_t)head);
        for (uint32_t c = t->first[old]; c != 0; c = t->next[c])
            order[tail++] = c;
        m->n_children[head] = (uint8_t)(tail - m->first_child[head]);
    }
    m->n_nodes = n;
    free(order);
    size_t nc = m->n_classes;
    m->level1 = calloc(nc, sizeof *m->level1);
    m->level2 = calloc(nc * nc, sizeof *m->level2);
    if (!m->level1 || !m->level2)
        return -1;
    for (uint32_t k = 0; k < m->n_children[0]; k++) {
        uint32_t c1 = m->first_child[0] + k;
        m->level1[m->node_class[c1]] = c1;
        for (uint32_t j = 0; j < m->n_children[c1]; j++) {
            uint32_t c2 = m->first_child[c1] + j;
            m->level2[m->node_class[c1] * nc + m->node_class[c2]] = c2;
        }
    }
    return 0;
}

/* Builds from name_refs (folded strings, sorted in place). */
static kvm_status build(kvm_matcher *m, name_ref *refs, size_t n, kvm_error *err)
{
    qsort(refs, n, sizeof *refs, compare_name_refs);
    /* Classes: every byte used by a name, numbered in byte order so that
     * sorted names insert children in class order. */
    int used[256] = {0};
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < refs[i].len; k++)
            used[(unsigned char)refs[i].folded[k]] = 1;
    unsigned nc = 1;
    for (unsigned b = 0; b < 256; b++)
        if (used[b])
            m->class_of[b] = (uint8_t)nc++;
    m->n_classes = nc;
    init_ascii_tables(m);
    for (unsigned b = 0; b < 128; b++)
        m->ascii_class[b] = m->class_of[m->ascii_fold[b]];

    m->candidates = kvm_alloc_array(n, sizeof *m->candidates);
    m->entry_first = kvm_alloc_array(n, sizeof *m->entry_first);
    m->entry_count = kvm_alloc_array(n, sizeof *m->entry_count);
    /* ~16 bits per name keeps false hits rare; 2^13..2^21 bits. */
    m->prefix4_bits = 13;
    while (m->prefix4_bits < 21 && ((size_t)1 << m->prefix4_bits) < n * 16)
        m->prefix4_bits++;
    m->prefix4 = calloc((size_t)1 << (m->prefix4_bits - 3), 1);
    build_trie t = {0};
    if (!m->candidates || !m->entry_first || !m->entry_count || !m->prefix4 ||
        build_node(&t, 0) != 0)
        goto nomem;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        uint32_t entry = (uint32_t)m->n_entries++;
        m->entry_first[entry] = (uint32_t)m->n_candidates;
        while (j < n && refs[j].len == refs[i].len &&
               memcmp(refs[j].folded, refs[i].folded, refs[i].len) == 0) {
            if (j == i || refs[j].place != refs[j - 1].place)
                m->candidates[m->n_candidates++] = refs[j].place;
            j++;
        }
        m->entry_count[entry] = (uint32_t)(m->n_candidates - m->entry_first[entry]);
        if (trie_insert(&t, m->class_of, refs[i].folded, refs[i].len, entry) != 0)
            goto nomem;
        add_prefixes(m, refs[i].folded, refs[i].len);
        i = j;
    }
    if (flatten(m, &t) != 0)
        goto nomem;
    build_trie_free(&t);
    return KVM_OK;
nomem:
    build_trie_free(&t);
    return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory building the name matcher");
}

/* Folds `name` into the pool and records it. */
static int add_name(kvm_buf *pool, name_ref **prefs, size_t *pn, size_t *pcap, const char *name,
                    size_t len, uint32_t place)
{
    char small[256];
    size_t flen = kvm_match_fold(name, len, small, sizeof small);
    if (flen == 0)
        return 0;
    if (flen >= sizeof small) {
        if (flen > SIZE_MAX / 4) /* folding at most doubles a name: cannot happen */
            return -1;
        char *big = malloc(flen + 1);
        if (!big)
            return -1;
        kvm_match_fold(name, len, big, flen + 1);
        kvm_buf_append(pool, big, flen);
        free(big);
    } else {
        kvm_buf_append(pool, small, flen);
    }
    if (pool->failed || kvm_grow((void **)prefs, pcap, *pn + 1, sizeof **prefs) != 0)
        return -1;
    /* Offsets for now: the pool may still move. */
    (*prefs)[*pn].folded = NULL;
    (*prefs)[*pn].len = flen;
    (*prefs)[*pn].place = place;
    (*pn)++;
    return 0;
}

static kvm_status finish_build(kvm_matcher *m, kvm_buf *pool, name_ref *refs, size_t n,
                               kvm_matcher **pmatcher, kvm_error *err)
{
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        refs[i].folded = pool->data + off;
        off += refs[i].len;
    }
    kvm_status st = build(m, refs, n, err);
    free(refs);
    kvm_buf_free(pool);
    if (st != KVM_OK) {
        kvm_matcher_free(m);
        return st;
    }
    *pmatcher = m;
    return KVM_OK;
}

kvm_status kvm_matcher_new(const kvm_gazetteer *gaz, kvm_matcher **pmatcher, kvm_error *err)
{
    *pmatcher = NULL;
    size_t count = kvm_gazetteer_count(gaz);
    if (count >= UINT32_MAX)
        return kvm_error_set(err, KVM_ERR_LIMIT, "too many places for the name matcher");
    kvm_matcher *m = calloc(1, sizeof *m);
    kvm_buf pool;
    kvm_buf_init(&pool);
    kvm_buf_putc(&pool, ' '); /* data non-NULL even with no names */
    pool.len = 0;
    name_ref *refs = NULL;
    size_t n = 0, cap = 0;
    if (!m)
        goto nomem;
    for (size_t i = 0; i < count; i++) {
        const kvm_place *p = kvm_gazetteer_place(gaz, i);
        if (add_name(&pool, &refs, &n, &cap, p->name, strlen(p->name), (uint32_t)i) != 0)
            goto nomem;
        const char *alt = p->alt_names;
        while (alt && *alt) {
            const char *bar = strchr(alt, '|');
            size_t len = bar ? (size_t)(bar - alt) : strlen(alt);
            if (add_name(&pool, &refs, &n, &cap, alt, len, (uint32_t)i) != 0)
                goto nomem;
            alt = bar ? bar + 1 : NULL;
        }
    }
    return finish_build(m, &pool, refs, n, pmatcher, err);
nomem:
    free(refs);
    kvm_buf_free(&pool);
    kvm_matcher_free(m);
    return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory building the name matcher");
}

kvm_status kvm_matcher_new_names(const char *const *names, size_t count, kvm_matcher **pmatcher,
                                 kvm_error *err)
{
    *pmatcher = NULL;
    if (count >= UINT32_MAX)
        return kvm_error_set(err, KVM_ERR_LIMIT, "too many names for the name matcher");
    kvm_matcher *m = calloc(1, sizeof *m);
    kvm_buf pool;
    kvm_buf_init(&pool);
    kvm_buf_putc(&pool, ' ');
    pool.len = 0;
    name_ref *refs = NULL;
    size_t n = 0, cap = 0;
    if (!m)
        goto nomem;
    for (size_t i = 0; i < count; i++)
        if (add_name(&pool, &refs, &n, &cap, names[i], strlen(names[i]), (uint32_t)i) != 0)
            goto nomem;
    return finish_build(m, &pool, refs, n, pmatcher, err);
nomem:
    free(refs);
    kvm_buf_free(&pool);
    kvm_matcher_free(m);
    return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory building the name matcher");
}

void kvm_matcher_free(kvm_matcher *m)
{
    if (!m)
        return;
    free(m->first_child);
    free(m->n_children);
    free(m->node_class);
    free(m->node_entry);
    free(m->has_entry);
    free(m->level1);
    free(m->level2);
    free(m->entry_first);
    free(m->entry_count);
    free(m->candidates);
    free(m->prefix4);
    free(m);
}

/* ---- Scanning ------------------------------------------------------------- */

/* The first q >= p below len whose byte is not an ASCII letter or digit
 * (len if none), sixteen bytes at a time where the text allows. */
static inline size_t ascii_word_end(const unsigned char *s, size_t p, size_t len)
{
#if defined(__SSE2__) && defined(__GNUC__)
    while (len - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + p));
        __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
        __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                       _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
        __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                      _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
        unsigned mask = ~(unsigned)_mm_movemask_epi8(_mm_or_si128(letter, digit)) & 0xFFFFu;
        if (mask)
            return p + (size_t)__builtin_ctz(mask);
        p += 16;
    }
#endif
    while (p < len && s[p] < 0x80 && ascii_is_alnum(s[p]))
        p++;
    return p;
}

static inline size_t read_char(const kvm_matcher *m, const unsigned char *s, size_t len,
                               unsigned char *pf1, unsigned char *pf2, unsigned *pflags)
{
    unsigned char b = s[0];
    if (b < 0x80) {
        *pf1 = m->ascii_fold[b];
        *pf2 = 0;
        *pflags = m->ascii_flags[b];
        return 1;
    }
    return read_folded(NULL, s, len, pf1, pf2, pflags);
}

static inline int is_alnum_at(const kvm_matcher *m, const unsigned char *s, size_t len)
{
    unsigned char f1, f2;
    unsigned flags;
    read_char(m, s, len, &f1, &f2, &flags);
    return (flags & CH_ALNUM) != 0;
}

/* The child of `node` (depth >= 2) by class c (non-zero), or 0. */
static inline uint32_t child_of(const kvm_matcher *m, uint32_t node, uint8_t c)
{
    uint32_t k = m->first_child[node];
    uint32_t end = k + m->n_children[node];
    for (; k < end; k++) {
        uint8_t kc = m->node_class[k];
        if (kc >= c)
            return kc == c ? k : 0;
    }
    return 0;
}

/* One trie step from `node` at `depth` (0 = root) on folded byte f; c1 is
 * the class taken at depth 0.  Returns the child or 0. */
static inline uint32_t step(const kvm_matcher *m, uint32_t node, size_t depth, uint8_t c1,
                            unsigned char f)
{
    uint8_t c = m->class_of[f];
    if (c == 0)
        return 0;
    if (depth == 0)
        return m->level1[c];
    if (depth == 1)
        return m->level2[(size_t)c1 * m->n_classes + c];
    uint32_t first = m->first_child[node];
    uint32_t end = first + m->n_children[node];
    for (uint32_t k = first; k < end; k++) {
        uint8_t kc = m->node_class[k];
        if (kc == c)
            return k;
        if (kc > c)
            break;
    }
    return 0;
}

/* Walks the trie from the word start text[pos]; returns 1 with the longest
 * accepted match. */
static int walk(const kvm_matcher *m, const unsigned char *s, size_t len, size_t pos,
                unsigned mflags, kvm_match *pmatch)
{
    uint32_t node = 0;
    size_t depth = 0;
    uint8_t c1 = 0;
    int upper = 0, found = 0;
    size_t p = pos;
    while (p < len) {
        unsigned char b = s[p];
        if (b < 0x80 && !(m->ascii_flags[b] & CH_SEP)) {
            /* The common case, one ASCII byte: one folded byte. */
            uint8_t c = m->ascii_class[b];
            if (c == 0)
                break;
            uint32_t next;
            if (depth >= 2) {
                next = child_of(m, node, c);
            } else if (depth == 0) {
                next = m->level1[c];
                c1 = c;
            } else {
                next = m->level2[(size_t)c1 * m->n_classes + c];
            }
            if (next == 0)
                break;
            depth++;
            node = next;
            p++;
            upper |= (m->ascii_flags[b] & CH_UPPER) != 0;
            if (get_bit(m->has_entry, node) &&
                (upper || !(mflags & KVM_MATCH_NEED_CAPITAL)) &&
                (p >= len || !is_alnum_at(m, s + p, len - p))) {
                pmatch->start = pos;
                pmatch->end = p;
                pmatch->entry = m->node_entry[node];
                found = 1;
            }
            continue;
        }
        unsigned char f1, f2;
        unsigned flags;
        size_t n = read_char(m, s + p, len - p, &f1, &f2, &flags);
        if (flags & CH_SEP) {
            /* A run of separators is one space; a paragraph break ends it. */
            int newlines = s[p] == '\n';
            size_t q = p + n;
            while (q < len) {
                unsigned char g1, g2;
                unsigned gflags;
                size_t gn = read_char(m, s + q, len - q, &g1, &g2, &gflags);
                if (!(gflags & CH_SEP))
                    break;
                newlines += s[q] == '\n';
                q += gn;
            }
            if (newlines >= 2)
                break;
            node = step(m, node, depth, c1, ' ');
            if (node == 0)
                break;
            if (depth == 0)
                c1 = m->class_of[' '];
            depth++;
            p = q;
            continue;
        }
        uint32_t next = step(m, node, depth, c1, f1);
        if (next == 0)
            break;
        if (depth == 0)
            c1 = m->class_of[f1];
        depth++;
        node = next;
        if (f2) {
            next = step(m, node, depth, c1, f2);
            if (next == 0)
                break;
            depth++;
            node = next;
        }
        p += n;
        upper |= (flags & CH_UPPER) != 0;
        if (get_bit(m->has_entry, node) && (upper || !(mflags & KVM_MATCH_NEED_CAPITAL)) &&
            (p >= len || !is_alnum_at(m, s + p, len - p))) {
            pmatch->start = pos;
            pmatch->end = p;
            pmatch->entry = m->node_entry[node];
            found = 1;
        }
    }
    return found;
}

/* The prefix filters for the word starting at s[p]: 0 when its first
 * letters start no name (most words), so the trie is not walked. */
static inline int word_may_match(const kvm_matcher *m, const unsigned char *s, size_t len,
                                 size_t p)
{
    if (len - p < 3)
        return 1;
    unsigned a = m->alnum_index[s[p]], b1 = m->alnum_index[s[p + 1]], c = m->alnum_index[s[p + 2]];
    if (a == PREFIX_OTHER || b1 == PREFIX_OTHER || c == PREFIX_OTHER)
        return 1;
    uint32_t key = (a * 36u + b1) * 36u + c;
    if (!get_bit(m->prefix3, key))
        return 0;
    /* the fourth: a letter or digit, or (ASCII, or the end) a word of
     * exactly three */
    unsigned char next = len - p > 3 ? s[p + 3] : ' ';
    unsigned d = m->alnum_index[next];
    if (d != PREFIX_OTHER)
        return get_bit(m->prefix4, prefix4_hash(m, key * 36u + d));
    if (next < 0x80)
        return get_bit(m->word3, key);
    return 1;
}

/* The end of the word whose letters or digits continue at s[p] (ASCII or
 * not). */
static inline size_t word_rest_end(const kvm_matcher *m, const unsigned char *s, size_t p,
                                   size_t len)
{
    p = ascii_word_end(s, p, len);
    while (p < len) {
        unsigned char b = s[p];
        if (b < 0x80) {
            if (!(m->ascii_flags[b] & CH_ALNUM))
                break;
            p++;
        } else {
            unsigned char f1, f2;
            unsigned cflags;
            size_t n = read_folded(NULL, s + p, len - p, &f1, &f2, &cflags);
            if (!(cflags & CH_ALNUM))
                break;
            p += n;
        }
    }
    return p;
}

#if defined(__SSE2__) && defined(__GNUC__)
#define MATCH_BLOCKS 1
/* For s[0..64): bit i of *palnum set when s[i] is an ASCII letter or digit;
 * returns the bits of the bytes >= 0x80. */
static inline uint64_t classify64(const unsigned char *s, uint64_t *palnum)
{
    uint64_t alnum = 0, high = 0;
    for (unsigned k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + 16 * k));
        __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
        __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                       _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
        __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                      _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
        alnum |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(letter, digit)) << (16 * k);
        high |= (uint64_t)(unsigned)_mm_movemask_epi8(v) << (16 * k);
    }
    *palnum = alnum;
    return high;
}
#endif

int kvm_matcher_next(const kvm_matcher *m, const char *text, size_t len, size_t *ppos,
                     unsigned flags, kvm_match *pmatch)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t p = *ppos;
    /* 1 when a word goes on at s[p] that was started (and tried) before p */
    int in_word = 0;
    while (p < len) {
#ifdef MATCH_BLOCKS
        /* Plain ASCII, 64 bytes at a time: the word starts are the letters
         * and digits that follow something else, and each is tried as the
         * byte loop below would (same filters, same walk). */
        if (m->blocks_ok && !(flags & KVM_MATCH_BYTEWISE)) {
            while (len - p >= 64) {
                uint64_t alnum;
                if (classify64(s + p, &alnum) != 0)
                    break; /* a non-ASCII byte: this block byte by byte */
                uint64_t starts = alnum & ~((alnum << 1) | (uint64_t)in_word);
                while (starts) {
                    size_t w = p + (size_t)__builtin_ctzll(starts);
                    if (word_may_match(m, s, len, w) && walk(m, s, len, w, flags, pmatch)) {
                        *ppos = pmatch->end;
                        return 1;
                    }
                    starts &= starts - 1;
                }
                in_word = (int)(alnum >> 63);
                p += 64;
            }
        }
#endif
        /* Byte by byte, up to the end of this block (or of the text). */
        size_t stop = len - p > 64 ? p + 64 : len;
        if (in_word) {
            p = word_rest_end(m, s, p, len);
            in_word = 0;
        }
        while (p < stop) {
            unsigned char b = s[p];
            if (b < 0x80) {
                if (!(m->ascii_flags[b] & CH_ALNUM)) {
                    p++;
                    continue;
                }
            } else {
                unsigned char f1, f2;
                unsigned cflags;
                size_t n = read_folded(NULL, s + p, len - p, &f1, &f2, &cflags);
                if (!(cflags & CH_ALNUM)) {
                    p += n;
                    continue;
                }
            }
            /* A word starts at p. */
            if (word_may_match(m, s, len, p) && walk(m, s, len, p, flags, pmatch)) {
                *ppos = pmatch->end;
                return 1;
            }
            p = word_rest_end(m, s, p, len);
        }
    }
    *ppos = len;
    return 0;
}

size_t kvm_matcher_candidates(const kvm_matcher *m, uint32_t entry, const uint32_t **pindices)
{
    if (entry >= m->n_entries) {
        *pindices = NULL;
        return 0;
    }
    *pindices = m->candidates + m->entry_first[entry];
    return m->entry_count[entry];
}

size_t kvm_matcher_name_count(const kvm_matcher *m)
{
    return m->n_entries;
}

size_t kvm_matcher_node_count(const kvm_matcher *m)
{
    return m->n_nodes;
}
