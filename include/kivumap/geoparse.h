/* Geoparsing: find every gazetteer name in an article (one automaton over
 * folded bytes, built once) and resolve each mention to one place, recording
 * the rule that chose it (DESIGN §5). */
#ifndef KIVUMAP_GEOPARSE_H
#define KIVUMAP_GEOPARSE_H

#include <stddef.h>

#include "kivumap/article.h"
#include "kivumap/core.h"
#include "kivumap/gazetteer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One place named in an article. */
typedef struct kvm_mention {
    size_t start; /* byte span in kvm_article_text() */
    size_t end;
    const kvm_place *place; /* chosen place; borrowed from the gazetteer */
    size_t n_candidates;    /* places that shared the name */
    const char *method;     /* static, the rule that chose the place:
                               "unique"           one place has the name
                               "kind-word"        "town of X", "X territory", "Lake X",
                                                  "territories: A, B and C"
                               "qualifier"        "X, in Lubero territory", "X (Rutshuru)",
                                                  "the Ugandan town of X", "X, on the
                                                  Ugandan border"
                               "same-article"     as an explicit mention of the name
                                                  elsewhere in the article
                               "settlement-first" a bare name shared by a town and an
                                                  area is the town ("Masisi")
                               "neighbours"       nearest to the article's other places
                               "north-kivu-prior" the one in North Kivu (else DR Congo)
                               "population"       the most populous, then by id */
    double confidence;      /* 0..1 */
} kvm_mention;

typedef struct kvm_mention_list {
    kvm_mention *items;
    size_t count;
    size_t capacity;
} kvm_mention_list;

void kvm_mention_list_free(kvm_mention_list *list); /* frees items, keeps the struct */

typedef struct kvm_geoparser kvm_geoparser;

/* Builds the matcher over every name and alternate name of gaz.  gaz must
 * outlive the geoparser and load no more rows meanwhile.  Caller frees with
 * kvm_geoparser_free. */
kvm_status kvm_geoparser_new(const kvm_gazetteer *gaz, kvm_geoparser **pparser, kvm_error *err);
void kvm_geoparser_free(kvm_geoparser *parser); /* accepts NULL */

/* Finds and resolves the mentions of one article, in text order, into out
 * (cleared first; out->items grows as needed and is reused across calls).
 * Spans never overlap: among names starting at one word the longest wins
 * ("North Kivu", not "Kivu"), and a match must start and end at a word
 * boundary ("Goma's" and "Goma-based" name Goma; "Congolese" is not Congo).
 * A name needs a capital letter in the text ("for the sake of" is not Sake).
 * Names used inside brands, titles and organisations ("Hotel Rwanda",
 * "Congo River Alliance", "Sun City Agreement") are left out; institutions
 * named after where they are ("Goma airport", "University of Goma") count.
 * Thread-safe for distinct `out`s. */
kvm_status kvm_geoparse(const kvm_geoparser *parser, const kvm_article *article,
                        kvm_mention_list *out, kvm_error *err);

#ifdef __cplusplus
}
#endif

#endif /* KIVUMAP_GEOPARSE_H */
