/* Fuzz harness: article reader + the whole extraction (geoparse, events,
 * claims, merge, advances, JSON report).  The bundled gazetteer and the
 * geoparser are built once. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "kivumap/kivumap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kvm_gazetteer *gaz;
static kvm_geoparser *parser;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!gaz) {
        gaz = kvm_gazetteer_new();
        if (!gaz || kvm_gazetteer_load_bundled(gaz, NULL) != KVM_OK ||
            kvm_geoparser_new(gaz, &parser, NULL) != KVM_OK)
            abort();
    }
    kvm_article *article = NULL;
    kvm_status st;
    /* inputs starting with '{' go through the JSON Lines reader, the rest
     * through the plain-text reader */
    if (size > 0 && data[0] == '{')
        st = kvm_article_from_jsonl((const char *)data, size, "fuzz.jsonl", 1, &article, NULL);
    else
        st = kvm_article_from_buffer("fuzz.txt", (const char *)data, size, &article, NULL);
    if (st != KVM_OK)
        return 0;
    kvm_mention_list mentions = {0};
    kvm_eventset *set = kvm_eventset_new();
    if (set && kvm_geoparse(parser, article, &mentions, NULL) == KVM_OK &&
        kvm_extract_events(article, &mentions, gaz, set, NULL) == KVM_OK) {
        kvm_eventset_merge_duplicates(set, NULL);
        kvm_eventset_compute_advances(set, NULL);
        FILE *sink = fopen("/dev/null", "w");
        if (sink) {
            kvm_report_write_json(set, sink, NULL);
            fclose(sink);
        }
    }
    kvm_eventset_free(set);
    kvm_mention_list_free(&mentions);
    kvm_article_free(article);
    return 0;
}
