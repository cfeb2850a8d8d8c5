/* The name matcher behind geoparsing: a trie over folded names (case,
 * diacritics, typographic apostrophes, hyphens/spaces folded as
 * kvm_fold_codepoint does; runs of separators count as one space), built
 * once from every name and alternate name of a gazetteer.  Scanning reads
 * the original text, folding on the fly, and only tries the trie at word
 * starts, so a match always begins and ends at a word boundary and its span
 * is in original bytes.  Among matches starting at one word, the longest
 * wins; scanning resumes after it (leftmost-longest, non-overlapping).
 * Cost: one pass over the text plus, at each word start, a walk no deeper
 * than the longest name prefix present there: independent of the number of
 * names.  Internal to the library. */
#ifndef KIVUMAP_MATCH_H
#define KIVUMAP_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "kivumap/core.h"
#include "kivumap/gazetteer.h"

typedef struct kvm_matcher kvm_matcher;

/* One match: original byte span [start, end) and the name entry it hit. */
typedef struct kvm_match {
    size_t start;
    size_t end;
    uint32_t entry;
} kvm_match;

/* Flags for kvm_matcher_next. */
enum {
    /* Accept a match only if its original text has an uppercase letter:
     * "Sake" the town, not "for the sake of". */
    KVM_MATCH_NEED_CAPITAL = 1u << 0,
    /* Find words one byte at a time only (the reference for the 64-byte
     * path's tests; same results, slower). */
    KVM_MATCH_BYTEWISE = 1u << 1
};

/* Builds the matcher over every name and alt name of gaz (place indices
 * refer to kvm_gazetteer_place).  Caller frees with kvm_matcher_free. */
kvm_status kvm_matcher_new(const kvm_gazetteer *gaz, kvm_matcher **pmatcher, kvm_error *err);
/* The same over a plain list of names; entry i's only candidate is i.
 * Used by benchmarks and tests. */
kvm_status kvm_matcher_new_names(const char *const *names, size_t n, kvm_matcher **pmatcher,
                                 kvm_error *err);
void kvm_matcher_free(kvm_matcher *matcher); /* accepts NULL */

/* Finds the next match at or after *ppos (which must be 0 or a position
 * right after a previous match or a non-letter).  Returns 1 and fills
 * *pmatch (then *ppos = pmatch->end), or 0 at the end of the text.
 * Allocates nothing. */
int kvm_matcher_next(const kvm_matcher *matcher, const char *text, size_t len, size_t *ppos,
                     unsigned flags, kvm_match *pmatch);

/* The places sharing an entry's name: *pindices (borrowed) gets their
 * gazetteer indices in ascending order; returns how many. */
size_t kvm_matcher_candidates(const kvm_matcher *matcher, uint32_t entry,
                              const uint32_t **pindices);

/* Number of distinct folded names and trie nodes (for measurements). */
size_t kvm_matcher_name_count(const kvm_matcher *matcher);
size_t kvm_matcher_node_count(const kvm_matcher *matcher);

/* Folds a name the way the matcher does: writes at most cap-1 bytes plus a
 * NUL; separators collapsed to one space and trimmed.  Returns the length
 * (which may exceed cap-1 if truncated). */
size_t kvm_match_fold(const char *name, size_t len, char *out, size_t cap);

#endif /* KIVUMAP_MATCH_H */
