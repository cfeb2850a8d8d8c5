/* kivumap extract on several threads.  --jsonl: the main thread reads
 * lines into batches and writes the finished batches in input order;
 * workers geoparse, extract and format.  Text files: workers read and
 * extract one article each, and the main thread joins the results in the
 * order of the files.  The output is byte for byte what one thread writes
 * (tests/cli/extract_jobs.sh checks it). */
#ifndef KIVUMAP_CLI_EXTRACT_JOBS_H
#define KIVUMAP_CLI_EXTRACT_JOBS_H

#include <stdio.h>

#include "kivumap/kivumap.h"

typedef struct extract_jobs_config {
    const kvm_gazetteer *gaz;
    const kvm_geoparser *parser; /* shared: kvm_geoparse is thread-safe */
    int has_date;                /* --date: overrides each article's date... */
    kvm_date date;
    int date_if_missing;         /* ...or is for undated articles only (map) */
    int mentions_only;           /* print the mention texts only (bench) */
    unsigned jobs;               /* worker threads (>= 2 for extract_jobs_start) */
} extract_jobs_config;

/* One article, as every path of kivumap extract treats it: the --date
 * override, geoparse into *mentions, then (unless mentions_only) its events
 * into set. */
kvm_status extract_article(const extract_jobs_config *config, kvm_article *article,
                           kvm_mention_list *mentions, kvm_eventset *set, kvm_error *err);

typedef struct extract_jobs extract_jobs;

/* Starts the workers.  NULL (err set) when out of memory or when threads
 * cannot be created. */
extract_jobs *extract_jobs_start(const extract_jobs_config *config, kvm_error *err);
/* Stops and joins the workers; accepts NULL. */
void extract_jobs_stop(extract_jobs *jobs);

typedef enum extract_jobs_result {
    EXTRACT_JOBS_OK = 0,
    EXTRACT_JOBS_FAILED,      /* *err says why ("file:line: ..."); the lines before the
                                 failing one were written */
    EXTRACT_JOBS_WRITE_FAILED /* writing `out` failed; *write_errno says why */
} extract_jobs_result;

/* Runs one JSON Lines input (`path` as given, for reading errors; `name`
 * for the lines' messages, "<stdin>" for "-") through the workers and
 * writes one line per article to out, in input order, as the one-thread
 * path does (blank lines skipped; a line over KVM_ARTICLE_MAX_BYTES is an
 * error).  *replaced gets the invalid UTF-8 sequences replaced. */
extract_jobs_result extract_jobs_run(extract_jobs *jobs, FILE *in, const char *path,
                                     const char *name, FILE *out, size_t *replaced,
                                     int *write_errno, kvm_error *err);

/* Text files, one article each: workers read, geoparse and extract them;
 * their results join `set` in the order of `files`
 * (kvm_eventset_take_renumbered: the ids are those one thread gives), or,
 * with mentions_only, their mention texts go to out.  done(ctx, index,
 * replaced) runs for each file in order once it joined.  The first file
 * that fails (in that order) stops the run: *err names it. */
extract_jobs_result extract_jobs_run_files(extract_jobs *jobs, const char *const *files, size_t n,
                                           kvm_eventset *set, FILE *out,
                                           void (*done)(void *ctx, size_t index, size_t replaced),
                                           void *ctx, int *write_errno, kvm_error *err);

/* Article files into set, in the order given, as kivumap extract, map and
 * export read them: on config->jobs threads when there are several files
 * (one thread otherwise), a warning per file with invalid UTF-8, and a
 * progress line "kivumap: LABEL: i/n files" when stderr is a terminal.
 * With mentions_only, the mention texts go to out instead.  Returns
 * KVM_EXIT_OK; KVM_EXIT_FAILURE once the first failing file's error is
 * printed; or KVM_EXIT_FAILURE with *write_errno set (nothing printed) when
 * writing out failed. */
int extract_files(const extract_jobs_config *config, const char *const *files, size_t n,
                  kvm_eventset *set, FILE *out, const char *label, int *write_errno);

/* --mentions-only on one thread: each mention's text on a line of its own. */
void extract_write_mentions(FILE *out, const kvm_article *article,
                            const kvm_mention_list *mentions);

/* Writes data straight to out's descriptor (after flushing what out
 * holds): the JSON Lines blocks are large, and stdio would copy most of
 * their bytes once more.  0, or -1 with errno set. */
int extract_write_all(FILE *out, const char *data, size_t len);

/* The worker count for --jobs 0 (automatic): the CPUs this process may
 * run on (its affinity, and a cgroup v2 CPU quota when there is one), at
 * most 16. */
unsigned extract_jobs_auto(void);

#endif
