/* kivumap extract: articles -> places, events and stated distances (JSON,
 * JSON Lines, ACLED-style CSV or GeoJSON).  The pipeline of DESIGN §1:
 * read -> geoparse -> extract events -> merge duplicates -> write. */
#define _GNU_SOURCE /* F_SETPIPE_SZ */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "extract_jobs.h"
#include "util.h"

static const char usage[] =
    "usage: kivumap extract [options] ARTICLE...\n"
    "\n"
    "Finds the places an article names, the events it reports (captures,\n"
    "recaptures, withdrawals, clashes, shelling, agreements, displacement) and\n"
    "the distances it states.  ARTICLE is a text file or '-' for standard input;\n"
    "an optional first line 'date YYYY-MM-DD' gives the publication date.\n"
    "\n"
    "options:\n"
    "  --format FMT      json (default), jsonl, csv (ACLED columns) or geojson\n"
    "  --date DATE       publication date YYYY-MM-DD for every article (overrides\n"
    "                    the date line)\n"
    "  --jsonl           input is JSON Lines, one article per line:\n"
    "                    {\"id\":...,\"date\":\"YYYY-MM-DD\",\"text\":...}; the lines\n"
    "                    stream through (one JSON line out per line in, in order),\n"
    "                    so memory does not grow with the input\n"
    "  -j, --jobs N      N worker threads (default: one per CPU, at most 16;\n"
    "                    1 = no threads) for --jsonl input or several files;\n"
    "                    the output is the same whatever N\n"
    "  --no-merge        keep the same event reported by several articles apart\n"
    "  --gazetteer FILE  add places (kivumap CSV or GeoNames TSV); repeatable\n"
    "  -o, --output FILE write to FILE (atomically) instead of standard output\n"
    "\n"
    "The rules and the output schema: docs/extract.md.\n";

enum { FORMAT_JSON, FORMAT_JSONL, FORMAT_CSV, FORMAT_GEOJSON };

typedef struct extract_options {
    int format;
    int format_given;
    kvm_date date;
    int has_date;
    int jsonl;
    int no_merge;
    int mentions_only; /* hidden, for bench/extract.sh: print mention texts only */
    unsigned jobs;     /* --jobs; 0 = automatic */
    int jobs_given;
    const char **gazetteers;
    size_t n_gazetteers;
    const char *output;
    const char **files;
    size_t n_files;
} extract_options;

typedef struct extract_run {
    const extract_options *opt;
    kvm_gazetteer *gaz;
    kvm_geoparser *parser;
    kvm_eventset *set;
    kvm_mention_list mentions;
    extract_jobs_config config; /* what every article needs, on any thread */
    extract_jobs *pool;         /* more than one job: --jsonl or several files */
    char *lines;        /* --jsonl -j 1: output lines not written yet */
    size_t lines_len, lines_cap;
    FILE *out;
    const char *out_name; /* -o FILE, or NULL for standard output */
    int write_reported;   /* a failed write was reported (or the reader went away) */
    int reader_gone;      /* standard output was a pipe whose reader left: exit 0 */
    size_t replaced;      /* invalid UTF-8 sequences in the current file */
} extract_run;

/* A failed report write: one line naming the output ("cannot write 'f':
 * No space left on device", "cannot write to standard output: ..."), and
 * nothing at all when the reader of a pipe went away (| head). */
static int write_failed(extract_run *run, const kvm_error *err, int saved_errno)
{
    if (err && err->code != KVM_ERR_IO)
        return cli_fail(err);
    int e = saved_errno ? saved_errno : EIO;
    run->write_reported = 1;
    if (!run->out_name) {
        if (e == EPIPE) {
            run->reader_gone = 1;
            return KVM_EXIT_FAILURE; /* stops the run; reported as success */
        }
        cli_error("cannot write to standard output: %s", strerror(e));
    } else {
        cli_error("cannot write '%s': %s", run->out_name, strerror(e));
    }
    return KVM_EXIT_FAILURE;
}

/* A value option given twice is a usage error (which one would win is
 * not obvious); --gazetteer alone is repeatable. */
static int given_twice(const char *name)
{
    return cli_usage_error("extract", "option '%s' given twice", name);
}

static int parse_options(int argc, char **argv, extract_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->format = FORMAT_JSON;
    opt->gazetteers = calloc((size_t)argc, sizeof *opt->gazetteers);
    opt->files = calloc((size_t)argc, sizeof *opt->files);
    if (!opt->gazetteers || !opt->files) {
        cli_error("out of memory");
        return KVM_EXIT_FAILURE;
    }
    int only_files = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = NULL;
        int m;
        if (only_files || arg[0] != '-' || strcmp(arg, "-") == 0) {
            opt->files[opt->n_files++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_files = 1;
            continue;
        }
        if ((m = cli_match_option(argc, argv, &i, "--format", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            if (opt->format_given)
                return given_twice("--format");
            if (strcmp(value, "json") == 0)
                opt->format = FORMAT_JSON;
            else if (strcmp(value, "jsonl") == 0)
                opt->format = FORMAT_JSONL;
            else if (strcmp(value, "csv") == 0)
                opt->format = FORMAT_CSV;
            else if (strcmp(value, "geojson") == 0)
                opt->format = FORMAT_GEOJSON;
            else
                return cli_usage_error("extract",
                                       "unknown format '%s' (json, jsonl, csv or geojson)", value);
            opt->format_given = 1;
        } else if ((m = cli_match_option(argc, argv, &i, "--date", &value)) != 0) {
            kvm_error err = {0};
            if (m < 0)
                return KVM_EXIT_USAGE;
            if (opt->has_date)
                return given_twice("--date");
            if (kvm_parse_date(value, &opt->date, &err) != KVM_OK || opt->date.day == 0)
                return cli_usage_error("extract", "bad date '%s' (expected YYYY-MM-DD)", value);
            opt->has_date = 1;
        } else if ((m = cli_match_option(argc, argv, &i, "--gazetteer", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            opt->gazetteers[opt->n_gazetteers++] = value;
        } else if ((m = cli_match_option(argc, argv, &i, "--output", &value)) != 0 ||
                   (m = cli_match_option(argc, argv, &i, "-o", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            if (opt->output)
                return given_twice(arg[1] == '-' ? "--output" : "-o");
            opt->output = value;
        } else if ((m = cli_match_option(argc, argv, &i, "--jobs", &value)) != 0 ||
                   (m = cli_match_option(argc, argv, &i, "-j", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            if (opt->jobs_given)
                return given_twice(arg[1] == '-' ? "--jobs" : "-j");
            if (cli_parse_jobs("extract", value, &opt->jobs) != KVM_EXIT_OK)
                return KVM_EXIT_USAGE;
            opt->jobs_given = 1;
        } else if (cli_is_flag(arg, "--jsonl")) {
            opt->jsonl = 1;
        } else if (cli_is_flag(arg, "--no-merge")) {
            opt->no_merge = 1;
        } else if (cli_is_flag(arg, "--mentions-only")) {
            opt->mentions_only = 1;
        } else {
            return cli_usage_error("extract", "unknown option '%s'", arg);
        }
    }
    if (opt->n_files == 0)
        return cli_usage_error("extract", "no articles given (use '-' for standard input)");
    if (opt->jsonl) {
        if (opt->format_given && opt->format != FORMAT_JSONL)
            return cli_usage_error("extract", "--jsonl writes JSON Lines only (--format jsonl)");
        opt->format = FORMAT_JSONL;
    }
    return KVM_EXIT_OK;
}

/* Geoparses and extracts one article into the run's set. */
static kvm_status process_article(extract_run *run, kvm_article *article, kvm_error *err)
{
    run->replaced += kvm_article_replaced_count(article);
    kvm_status st = extract_article(&run->config, article, &run->mentions, run->set, err);
    if (st == KVM_OK && run->opt->mentions_only)
        extract_write_mentions(run->out, article, &run->mentions);
    return st;
}

static void warn_replaced(extract_run *run, const char *file)
{
    cli_warn_replaced(file, run->replaced);
    run->replaced = 0;
}

/* --jsonl: one article per line, written before the next is read. */
static int process_jsonl_file(extract_run *run, const char *path)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!fp) {
        cli_error("cannot open '%s': %s", path, strerror(errno));
        return KVM_EXIT_FAILURE;
    }
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    /* large reads: 4 KiB ones cost a system call each (glibc ignores the
     * size unless it is given the buffer; one file is read at a time) */
    static char in_buffer[1024 * 1024];
    setvbuf(fp, in_buffer, _IOFBF, sizeof in_buffer);
    if (run->pool) {
        kvm_error err = {0};
        int write_errno = 0;
        int code = KVM_EXIT_OK;
        switch (extract_jobs_run(run->pool, fp, path, name, run->out, &run->replaced, &write_errno,
                                 &err)) {
        case EXTRACT_JOBS_OK:
            break;
        case EXTRACT_JOBS_FAILED:
            code = cli_fail(&err);
            break;
        case EXTRACT_JOBS_WRITE_FAILED:
            code = write_failed(run, NULL, write_errno);
            break;
        }
        if (fp != stdin)
            fclose(fp);
        warn_replaced(run, path);
        return code;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    size_t line_no = 0;
    int code = KVM_EXIT_OK;
    kvm_error err = {0};
    /* the lines go out in blocks of ~256 KiB; what is held is written
     * before any message about a later line */
#define FLUSH_LINES()                                                                          \
    do {                                                                                       \
        if (run->lines_len && extract_write_all(run->out, run->lines, run->lines_len) != 0)  \
            code = write_failed(run, NULL, errno);                                             \
        run->lines_len = 0;                                                                    \
    } while (0)
    while ((got = getline(&line, &cap, fp)) >= 0) {
        line_no++;
        size_t len = (size_t)got;
        size_t k = 0;
        while (k < len && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r' || line[k] == '\n'))
            k++;
        if (k == len)
            continue;
        if (len > KVM_ARTICLE_MAX_BYTES) {
            FLUSH_LINES();
            if (code == KVM_EXIT_OK) {
                cli_error("%s:%zu: line longer than %u bytes", name, line_no,
                          KVM_ARTICLE_MAX_BYTES);
                code = KVM_EXIT_FAILURE;
            }
            break;
        }
        kvm_article *article = NULL;
        if (kvm_article_from_jsonl(line, len, name, line_no, &article, &err) != KVM_OK ||
            process_article(run, article, &err) != KVM_OK) {
            kvm_article_free(article);
            FLUSH_LINES();
            if (code == KVM_EXIT_OK)
                code = cli_fail(&err);
            break;
        }
        kvm_article_free(article);
        if (!run->opt->mentions_only) {
            if (kvm_report_append_jsonl(run->set, &run->lines, &run->lines_len, &run->lines_cap,
                                        &err) != KVM_OK) {
                FLUSH_LINES();
                if (code == KVM_EXIT_OK)
                    code = cli_fail(&err);
                break;
            }
            if (run->lines_len >= 256 * 1024) {
                FLUSH_LINES();
                if (code != KVM_EXIT_OK)
                    break;
            }
        }
        kvm_eventset_clear(run->set);
    }
    if (code == KVM_EXIT_OK)
        FLUSH_LINES();
    if (code == KVM_EXIT_OK && ferror(fp)) {
        cli_error("cannot read '%s': %s", path, strerror(errno));
        code = KVM_EXIT_FAILURE;
    }
#undef FLUSH_LINES
    free(line);
    if (fp != stdin)
        fclose(fp);
    warn_replaced(run, path);
    return code;
}

static int write_result(extract_run *run)
{
    kvm_error err = {0};
    kvm_status st = KVM_OK;
    if (run->opt->mentions_only || run->opt->jsonl)
        return KVM_EXIT_OK;
    if (!run->opt->no_merge)
        st = kvm_eventset_merge_duplicates(run->set, &err);
    if (st == KVM_OK)
        st = kvm_eventset_compute_advances(run->set, &err);
    if (st == KVM_OK) {
        switch (run->opt->format) {
        case FORMAT_JSONL:
            st = kvm_report_write_jsonl(run->set, run->out, &err);
            break;
        case FORMAT_CSV:
            st = kvm_export_events_csv(run->set, run->out, &err);
            break;
        case FORMAT_GEOJSON:
            st = kvm_export_events_geojson(run->set, run->out, &err);
            break;
        default:
            st = kvm_report_write_json(run->set, run->out, &err);
            break;
        }
        if (st != KVM_OK)
            return write_failed(run, &err, errno);
    }
    return st == KVM_OK ? KVM_EXIT_OK : cli_fail(&err);
}

static int run_extract(const extract_options *opt)
{
    extract_run run;
    memset(&run, 0, sizeof run);
    run.opt = opt;
    kvm_error err = {0};
    int code = KVM_EXIT_OK;
    kvm_outfile out = {0};
    run.gaz = cli_load_gazetteer(opt->gazetteers, opt->n_gazetteers);
    if (!run.gaz)
        return KVM_EXIT_FAILURE;
    if (kvm_geoparser_new(run.gaz, &run.parser, &err) != KVM_OK) {
        code = cli_fail(&err);
        goto done;
    }
    run.set = kvm_eventset_new();
    if (!run.set) {
        cli_error("out of memory");
        code = KVM_EXIT_FAILURE;
        goto done;
    }
    kvm_eventset_trust_places(run.set, run.gaz);
    unsigned jobs = opt->jobs ? opt->jobs : extract_jobs_auto();
    run.config = (extract_jobs_config){.gaz = run.gaz,
                                       .parser = run.parser,
                                       .has_date = opt->has_date,
                                       .date = opt->date,
                                       .mentions_only = opt->mentions_only,
                                       .jobs = jobs};
    if (jobs > 1 && opt->jsonl) {
        run.pool = extract_jobs_start(&run.config, &err);
        if (!run.pool) {
            code = cli_fail(&err);
            goto done;
        }
    }
    if (kvm_outfile_open(&out, opt->output ? opt->output : "-", &err) != KVM_OK) {
        code = cli_fail(&err);
        goto done;
    }
    /* large writes: a pipe costs per write(2), and the JSON is large (the
     * buffer must outlive the stream: standard output is flushed at exit) */
    static char out_buffer[256 * 1024];
    setvbuf(out.fp, out_buffer, _IOFBF, sizeof out_buffer);
#ifdef F_SETPIPE_SZ
    if (out.is_stdout)
        (void)fcntl(fileno(out.fp), F_SETPIPE_SZ, 1024 * 1024);
#endif
    run.out = out.fp;
    run.out_name = out.is_stdout ? NULL : opt->output;
    if (opt->jsonl) {
        int progress = opt->n_files > 1 && cli_stderr_is_tty();
        for (size_t f = 0; f < opt->n_files && code == KVM_EXIT_OK; f++) {
            if (progress)
                fprintf(stderr, "\rkivumap: extract: %zu/%zu files", f + 1, opt->n_files);
            code = process_jsonl_file(&run, opt->files[f]);
        }
        if (progress)
            fputc('\n', stderr);
    } else {
        int write_errno = 0;
        code = extract_files(&run.config, opt->files, opt->n_files, run.set, run.out, "extract",
                             &write_errno);
        if (write_errno)
            code = write_failed(&run, NULL, write_errno);
    }
    if (code == KVM_EXIT_OK)
        code = write_result(&run);
    errno = 0;
    if (code == KVM_EXIT_OK && (fflush(out.fp) != 0 || ferror(out.fp)))
        code = write_failed(&run, NULL, errno);
    if (code == KVM_EXIT_OK) {
        if (!out.is_stdout && kvm_outfile_commit(&out, &err) != KVM_OK)
            code = cli_fail(&err);
    } else if (!out.is_stdout) {
        kvm_outfile_abort(&out);
    }
done:
    extract_jobs_stop(run.pool);
    free(run.lines);
    kvm_mention_list_free(&run.mentions);
    kvm_eventset_free(run.set);
    kvm_geoparser_free(run.parser);
    kvm_gazetteer_free(run.gaz);
    if (run.reader_gone)
        return KVM_EXIT_OK; /* | head: the reader had what it wanted */
    if (run.write_reported)
        return code;
    return out.is_stdout || !opt->output ? cli_finish_stdout(code) : code;
}

static int run(int argc, char **argv)
{
    extract_options opt;
    int code = parse_options(argc, argv, &opt);
    if (code == KVM_EXIT_OK)
        code = run_extract(&opt);
    free(opt.gazetteers);
    free(opt.files);
    return code;
}

const kvm_command kvm_cmd_extract = {
    "extract",
    run,
    usage,
    "places, events (captures, clashes, displacement) and stated distances",
};
