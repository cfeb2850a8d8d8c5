/* kivumap extract on several threads (see extract_jobs.h).
 *
 * Batches (16 JSON Lines, or one text file) go round a ring of slots.
 * Batch s lives in slot s % n_slots, so the main thread submits and writes
 * in sequence order and the workers take the lowest ready sequence.  A slot
 * moves FREE -> READY (main filled it) -> BUSY (a worker took it) -> DONE
 * (its output is ready) -> FREE (main wrote it).  Memory is bounded by the
 * batches in flight (at most n_slots, and a byte budget for long articles),
 * whatever the input's length.  A worker stops a batch at the first failing
 * line and keeps the output of the lines before it, so the main thread
 * writes exactly what the one-thread path would have written before its
 * error. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "extract_jobs.h"

#include "cli.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

enum { SLOT_FREE, SLOT_READY, SLOT_BUSY, SLOT_DONE };

/* A batch ends after this many articles or input bytes: large enough that
 * the locking is noise, small enough that every worker gets work on short
 * inputs. */
#define BATCH_LINES 16
#define BATCH_BYTES (64u * 1024u)
/* Batches in flight: enough that the workers keep busy while the main
 * thread waits on a slow reader of its output (4 per job left a 2-CPU
 * machine ~9 % idle, 16 per job ~1 %), at most 64 so that memory stays
 * in tens of MB on machines with many CPUs. */
#define SLOTS_PER_JOB 16
#define MAX_SLOTS 64
/* ... and, beyond one batch per worker, at most this many input bytes per
 * job: an article's working set is ~25 times its size, so a stream of very
 * long articles (up to KVM_ARTICLE_MAX_BYTES each) must not have 64 of them
 * out.  Articles of a few KiB never reach it. */
#define INFLIGHT_BYTES_PER_JOB (4u * 1024u * 1024u)

typedef struct slot {
    int state;
    /* input: line buffers are kept from batch to batch (getline reuses them) */
    char *lines[BATCH_LINES];
    size_t caps[BATCH_LINES];
    size_t lens[BATCH_LINES];
    size_t line_nos[BATCH_LINES];
    size_t n;
    size_t bytes; /* of the n lines */
    const char *name;
    /* or one text file (extract_jobs_run_files): its article's results */
    const char *path;
    size_t file_index;
    kvm_eventset *set;
    /* output */
    char *out;
    size_t out_len, out_cap;
    size_t replaced;
    int failed; /* err holds why; out has the lines before the failing one */
    kvm_error err;
} slot;

typedef struct worker {
    extract_jobs *pool;
    pthread_t thread;
    kvm_eventset *set;
    kvm_mention_list mentions;
} worker;

struct extract_jobs {
    extract_jobs_config config;
    pthread_mutex_t lock;
    pthread_cond_t work; /* a slot became READY, or stopping */
    pthread_cond_t done; /* a slot became DONE */
    slot *slots;
    size_t n_slots;
    unsigned long submitted; /* batches handed to the workers so far */
    unsigned long taken;     /* batches a worker took */
    unsigned long written;   /* batches the main thread is done with */
    int cancel;              /* skip READY batches (an error stopped the run) */
    int stopping;
    worker *workers;
    size_t n_workers;
};

/* Reads two numbers from a file (a cgroup's CPU quota and period):
 * "200000 100000" or "max 100000" in one file (v2), or one number in each
 * of two files (v1, quota -1 = none).  The quota is -1 when unlimited. */
static int read_quota(const char *path, const char *path2, long *pquota, long *pperiod)
{
    FILE *fp = fopen(path, "r");
    if (!fp)
        return -1;
    char first[32] = "";
    int ok = fscanf(fp, "%31s", first) == 1;
    *pquota = strcmp(first, "max") == 0 ? -1 : strtol(first, NULL, 10);
    if (ok && !path2)
        ok = fscanf(fp, "%ld", pperiod) == 1;
    fclose(fp);
    if (ok && path2) {
        fp = fopen(path2, "r");
        ok = fp && fscanf(fp, "%ld", pperiod) == 1;
        if (fp)
            fclose(fp);
    }
    return ok ? 0 : -1;
}

/* The CPUs a cgroup CPU quota allows this process, rounded up (a container
 * started with --cpus 2 on a 64-CPU host: 2); 0 when there is no quota.
 * cgroup v2 ("0::PATH" in /proc/self/cgroup, PATH/cpu.max) and v1 (the
 * "cpu" controller's PATH/cpu.cfs_quota_us and cpu.cfs_period_us). */
static long cgroup_cpus(void)
{
    FILE *fp = fopen("/proc/self/cgroup", "r");
    if (!fp)
        return 0;
    char line[512], v2[256] = "", v1[256] = "";
    int has_v2 = 0, has_v1 = 0;
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\n")] = '\0';
        char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2 || strlen(c2 + 1) >= sizeof v2)
            continue;
        *c2 = '\0';
        const char *controllers = c1 + 1, *path = c2 + 1;
        if (strcmp(line, "0") == 0 && controllers[0] == '\0') {
            strcpy(v2, path);
            has_v2 = 1;
        }
        /* "cpu", "cpu,cpuacct", "cpuacct,cpu" */
        for (const char *p = controllers; *p;) {
            size_t n = strcspn(p, ",");
            if (n == 3 && strncmp(p, "cpu", 3) == 0) {
                strcpy(v1, path);
                has_v1 = 1;
            }
            p += n + (p[n] == ',');
        }
    }
    fclose(fp);
    long quota = -1, period = 0;
    char a[600], b[600];
    int found = 0;
    if (has_v2) {
        snprintf(a, sizeof a, "/sys/fs/cgroup%s/cpu.max", strcmp(v2, "/") == 0 ? "" : v2);
        found = read_quota(a, NULL, &quota, &period) == 0;
    }
    if (!found && has_v1) {
        const char *dirs[] = {"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"};
        for (size_t d = 0; d < 2 && !found; d++) {
            const char *path = strcmp(v1, "/") == 0 ? "" : v1;
            snprintf(a, sizeof a, "%s%s/cpu.cfs_quota_us", dirs[d], path);
            snprintf(b, sizeof b, "%s%s/cpu.cfs_period_us", dirs[d], path);
            found = read_quota(a, b, &quota, &period) == 0;
        }
    }
    if (!found || quota <= 0 || period <= 0)
        return 0;
    return (quota + period - 1) / period;
}

unsigned extract_jobs_auto(void)
{
    long n = 0;
#ifdef CPU_COUNT
    cpu_set_t cpus;
    if (sched_getaffinity(0, sizeof cpus, &cpus) == 0)
        n = CPU_COUNT(&cpus);
#endif
    if (n <= 0)
        n = sysconf(_SC_NPROCESSORS_ONLN);
    long quota = cgroup_cpus(); /* a container limited to 2 CPUs of 64 */
    if (quota > 0 && quota < n)
        n = quota;
    if (n <= 0)
        n = 1;
    return n > 16 ? 16u : (unsigned)n;
}

static void append(slot *s, const char *data, size_t len)
{
    if (s->failed)
        return;
    if (len >= s->out_cap - s->out_len || !s->out) {
        size_t cap = s->out_cap ? s->out_cap : 64 * 1024;
        while (cap - s->out_len <= len) {
            if (cap > ((size_t)-1) / 2) {
                cap = 0;
                break;
            }
            cap *= 2;
        }
        char *p = cap ? realloc(s->out, cap) : NULL;
        if (!p) {
            s->failed = 1;
            kvm_error_set(&s->err, KVM_ERR_NOMEM, "out of memory");
            return;
        }
        s->out = p;
        s->out_cap = cap;
    }
    memcpy(s->out + s->out_len, data, len);
    s->out_len += len;
    s->out[s->out_len] = '\0';
}

kvm_status extract_article(const extract_jobs_config *c, kvm_article *article,
                           kvm_mention_list *mentions, kvm_eventset *set, kvm_error *err)
{
    if (c->has_date && (!c->date_if_missing || kvm_article_date(article).year == 0))
        kvm_article_set_date(article, c->date);
    kvm_status st = kvm_geoparse(c->parser, article, mentions, err);
    if (st != KVM_OK || c->mentions_only)
        return st;
    return kvm_extract_events(article, mentions, c->gaz, set, err);
}

/* extract_article on a worker, with the replaced count and the mention
 * texts (--mentions-only) kept in the slot.  Frees the article. */
static int run_article(worker *w, slot *s, kvm_article *article, kvm_eventset *set)
{
    const extract_jobs_config *c = &w->pool->config;
    s->replaced += kvm_article_replaced_count(article);
    int rc = 0;
    if (extract_article(c, article, &w->mentions, set, &s->err) != KVM_OK) {
        rc = -1;
    } else if (c->mentions_only) {
        const char *text = kvm_article_text(article);
        for (size_t m = 0; m < w->mentions.count && !s->failed; m++) {
            const kvm_mention *mm = &w->mentions.items[m];
            append(s, text + mm->start, mm->end - mm->start);
            append(s, "\n", 1);
        }
    }
    kvm_article_free(article);
    return rc;
}

/* One JSON line: its article, then its output line. */
static int run_line(worker *w, slot *s, size_t k)
{
    kvm_article *article = NULL;
    kvm_error *err = &s->err;
    if (kvm_article_from_jsonl(s->lines[k], s->lens[k], s->name, s->line_nos[k], &article, err) !=
        KVM_OK)
        return -1;
    int rc = run_article(w, s, article, w->set);
    if (rc == 0 && !w->pool->config.mentions_only &&
        kvm_report_append_jsonl(w->set, &s->out, &s->out_len, &s->out_cap, err) != KVM_OK)
        rc = -1;
    kvm_eventset_clear(w->set);
    return rc;
}

/* One text file: its article into the slot's own set, which the main
 * thread joins to the run's. */
static int run_file(worker *w, slot *s)
{
    kvm_article *article = NULL;
    if (kvm_article_read_file(s->path, &article, &s->err) != KVM_OK)
        return -1;
    if (w->pool->config.mentions_only)
        return run_article(w, s, article, NULL);
    if (!s->set) {
        s->set = kvm_eventset_new();
        if (!s->set) {
            kvm_article_free(article);
            kvm_error_set(&s->err, KVM_ERR_NOMEM, "out of memory");
            return -1;
        }
        kvm_eventset_trust_places(s->set, w->pool->config.gaz);
    }
    kvm_eventset_clear(s->set);
    return run_article(w, s, article, s->set);
}

static void run_batch(worker *w, slot *s)
{
    s->out_len = 0;
    s->replaced = 0;
    s->failed = 0;
    if (s->path) {
        if (run_file(w, s) != 0)
            s->failed = 1;
        return;
    }
    for (size_t k = 0; k < s->n && !s->failed; k++)
        if (run_line(w, s, k) != 0)
            s->failed = 1;
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    extract_jobs *p = w->pool;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->stopping && p->taken == p->submitted)
            pthread_cond_wait(&p->work, &p->lock);
        if (p->stopping && p->taken == p->submitted)
            break;
        slot *s = &p->slots[p->taken % p->n_slots];
        p->taken++;
        s->state = SLOT_BUSY;
        int skip = p->cancel;
        pthread_mutex_unlock(&p->lock);
        if (skip)
            s->out_len = 0;
        else
            run_batch(w, s);
        pthread_mutex_lock(&p->lock);
        s->state = SLOT_DONE;
        pthread_cond_broadcast(&p->done);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

extract_jobs *extract_jobs_start(const extract_jobs_config *config, kvm_error *err)
{
    extract_jobs *p = calloc(1, sizeof *p);
    if (!p) {
        kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
        return NULL;
    }
    p->config = *config;
    p->n_slots = (size_t)config->jobs * SLOTS_PER_JOB;
    if (p->n_slots > MAX_SLOTS)
        p->n_slots = MAX_SLOTS > (size_t)config->jobs * 2 ? MAX_SLOTS : (size_t)config->jobs * 2;
    p->slots = calloc(p->n_slots, sizeof *p->slots);
    p->workers = calloc(config->jobs, sizeof *p->workers);
    if (!p->slots || !p->workers) {
        free(p->slots);
        free(p->workers);
        free(p);
        kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    for (size_t i = 0; i < config->jobs; i++) {
        worker *w = &p->workers[i];
        w->pool = p;
        w->set = kvm_eventset_new();
        if (!w->set) {
            kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
            extract_jobs_stop(p);
            return NULL;
        }
        kvm_eventset_trust_places(w->set, config->gaz);
        int e = pthread_create(&w->thread, NULL, worker_main, w);
        if (e != 0) {
            kvm_eventset_free(w->set);
            kvm_error_set(err, KVM_ERR_IO, "cannot start worker thread %zu of %u: %s", i + 1,
                          config->jobs, strerror(e));
            extract_jobs_stop(p);
            return NULL;
        }
        p->n_workers++;
    }
    return p;
}

void extract_jobs_stop(extract_jobs *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stopping = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (size_t i = 0; i < p->n_workers; i++) {
        pthread_join(p->workers[i].thread, NULL);
        kvm_eventset_free(p->workers[i].set);
        kvm_mention_list_free(&p->workers[i].mentions);
    }
    for (size_t i = 0; i < p->n_slots; i++) {
        for (size_t k = 0; k < BATCH_LINES; k++)
            free(p->slots[i].lines[k]);
        free(p->slots[i].out);
        kvm_eventset_free(p->slots[i].set);
    }
    pthread_cond_destroy(&p->done);
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->lock);
    free(p->slots);
    free(p->workers);
    free(p);
}

/* Fills the slot with the next lines of in.  Returns 0 at a batch's end, 1
 * at the input's end, -1 on a reading error or an over-long line (*err). */
static int fill(slot *s, FILE *in, const char *path, const char *name, size_t *line_no,
                kvm_error *err)
{
    size_t bytes = 0;
    s->n = 0;
    s->bytes = 0;
    s->name = name;
    s->path = NULL;
    while (s->n < BATCH_LINES && bytes < BATCH_BYTES) {
        size_t k = s->n;
        ssize_t got = getline(&s->lines[k], &s->caps[k], in);
        if (got < 0) {
            if (ferror(in)) {
                kvm_error_set(err, KVM_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
                return -1;
            }
            return 1;
        }
        ++*line_no;
        size_t len = (size_t)got, j = 0;
        const char *line = s->lines[k];
        while (j < len && (line[j] == ' ' || line[j] == '\t' || line[j] == '\r' || line[j] == '\n'))
            j++;
        if (j == len)
            continue; /* blank */
        if (len > KVM_ARTICLE_MAX_BYTES) {
            kvm_error_set(err, KVM_ERR_LIMIT, "%s:%zu: line longer than %u bytes", name, *line_no,
                          KVM_ARTICLE_MAX_BYTES);
            return -1;
        }
        s->lens[k] = len;
        s->line_nos[k] = *line_no;
        s->n++;
        bytes += len;
        s->bytes = bytes;
    }
    return 0;
}

int extract_write_all(FILE *out, const char *data, size_t len)
{
    if (fflush(out) != 0)
        return -1;
    int fd = fileno(out);
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* A written slot keeps its buffers for the next batch, unless a long
 * article made them large: then they go, so that memory follows the
 * batches in flight, not the longest article seen in each slot. */
#define KEEP_BYTES (1024u * 1024u)
static void release(slot *s)
{
    if (s->out_cap > 4 * KEEP_BYTES) {
        free(s->out);
        s->out = NULL;
        s->out_len = s->out_cap = 0;
    }
    if (s->path) { /* a text file's set: one article, whatever its size */
        kvm_eventset_free(s->set);
        s->set = NULL;
    }
    for (size_t k = 0; k < BATCH_LINES; k++)
        if (s->caps[k] > KEEP_BYTES) {
            free(s->lines[k]);
            s->lines[k] = NULL;
            s->caps[k] = 0;
        }
    s->state = SLOT_FREE;
}

/* Waits for batch number `seq` to be DONE. */
static slot *wait_done(extract_jobs *p, unsigned long seq)
{
    slot *s = &p->slots[seq % p->n_slots];
    pthread_mutex_lock(&p->lock);
    while (s->state != SLOT_DONE)
        pthread_cond_wait(&p->done, &p->lock);
    pthread_mutex_unlock(&p->lock);
    return s;
}

/* After an error: the batches still out are finished without work, and the
 * ring is left empty for the next input. */
static void drain(extract_jobs *p)
{
    pthread_mutex_lock(&p->lock);
    p->cancel = 1;
    pthread_mutex_unlock(&p->lock);
    while (p->written < p->submitted) {
        slot *s = wait_done(p, p->written);
        release(s);
        p->written++;
    }
    pthread_mutex_lock(&p->lock);
    p->cancel = 0;
    pthread_mutex_unlock(&p->lock);
}

extract_jobs_result extract_jobs_run(extract_jobs *p, FILE *in, const char *path, const char *name,
                                     FILE *out, size_t *replaced, int *write_errno, kvm_error *err)
{
    size_t line_no = 0;
    int at_end = 0;
    int read_failed = 0;
    kvm_error read_err = {0};
    size_t inflight = 0; /* input bytes of the batches out */
    *replaced = 0;
    *write_errno = 0;
    for (;;) {
        /* keep every slot busy while there is input */
        while (!at_end && p->submitted - p->written < p->n_slots &&
               (p->submitted - p->written < p->config.jobs || /* one per worker, always */
                inflight < (size_t)p->config.jobs * INFLIGHT_BYTES_PER_JOB)) {
            slot *s = &p->slots[p->submitted % p->n_slots];
            int r = fill(s, in, path, name, &line_no, &read_err);
            if (r != 0) {
                at_end = 1;
                read_failed = r < 0;
            }
            if (s->n == 0)
                continue;
            inflight += s->bytes;
            pthread_mutex_lock(&p->lock);
            s->state = SLOT_READY;
            p->submitted++;
            pthread_cond_signal(&p->work);
            pthread_mutex_unlock(&p->lock);
        }
        if (p->written == p->submitted)
            break;
        slot *s = wait_done(p, p->written);
        inflight -= s->bytes;
        *replaced += s->replaced;
        errno = 0;
        if (s->out_len && extract_write_all(out, s->out, s->out_len) != 0) {
            *write_errno = errno ? errno : EIO;
            release(s);
            p->written++;
            drain(p);
            return EXTRACT_JOBS_WRITE_FAILED;
        }
        if (s->failed) {
            *err = s->err;
            release(s);
            p->written++;
            drain(p);
            return EXTRACT_JOBS_FAILED;
        }
        release(s);
        p->written++;
    }
    if (read_failed) {
        *err = read_err;
        return EXTRACT_JOBS_FAILED;
    }
    return EXTRACT_JOBS_OK;
}

extract_jobs_result extract_jobs_run_files(extract_jobs *p, const char *const *files, size_t n,
                                           kvm_eventset *set, FILE *out,
                                           void (*done)(void *ctx, size_t index, size_t replaced),
                                           void *ctx, int *write_errno, kvm_error *err)
{
    /* whole articles (up to KVM_ARTICLE_MAX_BYTES each): two per job */
    size_t limit = (size_t)p->config.jobs * 2;
    if (limit > p->n_slots)
        limit = p->n_slots;
    size_t next = 0;
    *write_errno = 0;
    for (;;) {
        while (next < n && p->submitted - p->written < limit) {
            slot *s = &p->slots[p->submitted % p->n_slots];
            s->n = 0;
            s->path = files[next];
            s->file_index = next++;
            pthread_mutex_lock(&p->lock);
            s->state = SLOT_READY;
            p->submitted++;
            pthread_cond_signal(&p->work);
            pthread_mutex_unlock(&p->lock);
        }
        if (p->written == p->submitted)
            break;
        slot *s = wait_done(p, p->written);
        extract_jobs_result r = EXTRACT_JOBS_OK;
        errno = 0;
        if (s->out_len && extract_write_all(out, s->out, s->out_len) != 0) {
            *write_errno = errno ? errno : EIO;
            r = EXTRACT_JOBS_WRITE_FAILED;
        } else if (s->failed) {
            *err = s->err;
            r = EXTRACT_JOBS_FAILED;
        } else if (!p->config.mentions_only &&
                   kvm_eventset_take_renumbered(set, s->set, err) != KVM_OK) {
            r = EXTRACT_JOBS_FAILED;
        }
        if (r == EXTRACT_JOBS_OK && done)
            done(ctx, s->file_index, s->replaced);
        release(s);
        p->written++;
        if (r != EXTRACT_JOBS_OK) {
            drain(p);
            return r;
        }
    }
    return EXTRACT_JOBS_OK;
}

void extract_write_mentions(FILE *out, const kvm_article *article,
                            const kvm_mention_list *mentions)
{
    const char *text = kvm_article_text(article);
    for (size_t m = 0; m < mentions->count; m++) {
        const kvm_mention *mm = &mentions->items[m];
        fwrite(text + mm->start, 1, mm->end - mm->start, out);
        fputc('\n', out);
    }
}

typedef struct files_progress {
    const char *const *files;
    size_t n;
    const char *label;
    int show;
} files_progress;

static void file_done(void *ctx, size_t index, size_t replaced)
{
    const files_progress *fp = ctx;
    if (fp->show)
        fprintf(stderr, "\rkivumap: %s: %zu/%zu files", fp->label, index + 1, fp->n);
    cli_warn_replaced(fp->files[index], replaced);
}

int extract_files(const extract_jobs_config *config, const char *const *files, size_t n,
                  kvm_eventset *set, FILE *out, const char *label, int *write_errno)
{
    files_progress fp = {files, n, label, n > 1 && cli_stderr_is_tty()};
    kvm_error err = {0};
    int code = KVM_EXIT_OK;
    *write_errno = 0;
    if (config->jobs > 1 && n > 1) {
        extract_jobs *pool = extract_jobs_start(config, &err);
        if (!pool)
            return cli_fail(&err);
        switch (extract_jobs_run_files(pool, files, n, set, out, file_done, &fp, write_errno,
                                       &err)) {
        case EXTRACT_JOBS_OK:
            break;
        case EXTRACT_JOBS_WRITE_FAILED:
            code = KVM_EXIT_FAILURE;
            break;
        default:
            if (fp.show)
                fputc('\n', stderr);
            fp.show = 0;
            code = cli_fail(&err);
            break;
        }
        extract_jobs_stop(pool);
    } else {
        kvm_mention_list mentions = {NULL, 0, 0};
        for (size_t i = 0; i < n && code == KVM_EXIT_OK; i++) {
            kvm_article *article = NULL;
            if (kvm_article_read_file(files[i], &article, &err) != KVM_OK) {
                if (fp.show)
                    fputc('\n', stderr);
                fp.show = 0;
                code = cli_fail(&err);
                break;
            }
            size_t replaced = kvm_article_replaced_count(article);
            if (extract_article(config, article, &mentions, set, &err) != KVM_OK) {
                kvm_article_free(article);
                code = cli_fail(&err);
                break;
            }
            if (config->mentions_only)
                extract_write_mentions(out, article, &mentions);
            kvm_article_free(article);
            file_done(&fp, i, replaced);
        }
        kvm_mention_list_free(&mentions);
    }
    if (fp.show)
        fputc('\n', stderr);
    return code;
}
