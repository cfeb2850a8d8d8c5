/* Reports: an event set as JSON (one object with "articles"), JSON Lines (one
 * article per line), and the reader that rebuilds a set from either, for
 * `--events FILE`.  The schema: docs/schema.md (README "Output schema"). */
#ifndef KIVUMAP_REPORT_H
#define KIVUMAP_REPORT_H

#include <stdio.h>

#include "kivumap/core.h"
#include "kivumap/events.h"

#ifdef __cplusplus
extern "C" {
#endif

/* {"articles":[{"file","date","mentions","events","claims"}...],
 *  "advances":[...]} (docs/schema.md); pretty-printed with 2-space indents,
 * deterministic, UTF-8, numbers with fixed decimals (coordinates 6, km 3,
 * bearings 2), null for unknowns.  Each event is listed under the article of
 * its first source.  Advances are written as the set holds them: call
 * kvm_eventset_compute_advances() first.  KVM_ERR_IO if writing fails. */
kvm_status kvm_report_write_json(const kvm_eventset *set, FILE *out, kvm_error *err);
/* One compact line per article: {"id","file","date","mentions","events",
 * "claims"}; no advances (readers derive them).  Concatenating outputs of
 * several runs gives a valid input. */
kvm_status kvm_report_write_jsonl(const kvm_eventset *set, FILE *out, kvm_error *err);
/* The same lines appended to a caller's growable buffer: *pdata (malloc'd,
 * or NULL with *plen = *pcap = 0) holds *plen bytes in *pcap; the function
 * may realloc it and keeps it NUL-terminated.  For callers that write
 * several sets' lines in an order of their own (kivumap extract --jobs).
 * On failure (KVM_ERR_NOMEM) *plen is unchanged; the caller frees *pdata. */
kvm_status kvm_report_append_jsonl(const kvm_eventset *set, char **pdata, size_t *plen,
                                   size_t *pcap, kvm_error *err);

/* Adds what a JSON or JSON Lines file written above holds to set (told apart
 * by the first non-blank line; "-" = stdin): articles, mentions, events with
 * their sources (file names not found among the articles become articles of
 * their own), claims; not advances (recompute them).  Places are rebuilt
 * from their objects, one per id.  Unknown members are ignored.  All or
 * nothing: on error set is unchanged and err says "FILE:LINE:COLUMN: reason"
 * ("'count_min' must be an integer or null, not string", "unknown event type
 * 'ambush'", "'lat' out of range: 91.5 (-90 to 90)", "unexpected end of
 * input").  JSON Lines are read line by line; a JSON file is mapped and read
 * one article at a time. */
kvm_status kvm_report_read(kvm_eventset *set, const char *path, kvm_error *err);
/* The same from memory; `name` is used in messages. */
kvm_status kvm_report_read_buffer(kvm_eventset *set, const char *name, const char *data,
                                  size_t len, kvm_error *err);

/* Writes a JSON string literal: quotes added; '"', '\\', control characters
 * and U+2028/U+2029 escaped; valid UTF-8 passed through; invalid bytes
 * written as U+FFFD.  NULL is written as "". */
void kvm_json_write_string(FILE *out, const char *text);

#ifdef __cplusplus
}
#endif

#endif /* KIVUMAP_REPORT_H */
