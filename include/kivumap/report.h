/* Reports: an event set as JSON (one object with "articles"), JSON Lines (one
 * article per line), and the reader that rebuilds a set from either, for
 * `--events FILE`.  The schema is documented in README "Output schema". */
#ifndef KIVUMAP_REPORT_H
#define KIVUMAP_REPORT_H

#include <stdio.h>

#include "kivumap/core.h"
#include "kivumap/events.h"

#ifdef __cplusplus
extern "C" {
#endif

/* {"articles":[{"file","date","mentions","events","claims"}...],
 *  "advances":[...]} ; deterministic, UTF-8, numbers with fixed decimals. */
kvm_status kvm_report_write_json(const kvm_eventset *set, FILE *out, kvm_error *err);
/* One line per article: {"id","file","date","mentions","events","claims"}. */
kvm_status kvm_report_write_jsonl(const kvm_eventset *set, FILE *out, kvm_error *err);

/* Adds what a JSON or JSON Lines file written above holds to set (told apart
 * by shape; "-" = stdin).  All or nothing; errors name FILE:LINE:COLUMN. */
kvm_status kvm_report_read(kvm_eventset *set, const char *path, kvm_error *err);
kvm_status kvm_report_read_buffer(kvm_eventset *set, const char *name, const char *data,
                                  size_t len, kvm_error *err);

/* Writes a JSON string literal (quotes, escapes, valid UTF-8 out). */
void kvm_json_write_string(FILE *out, const char *text);

#ifdef __cplusplus
}
#endif

#endif /* KIVUMAP_REPORT_H */
