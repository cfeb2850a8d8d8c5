/* Micro-benchmark of mention finding (src/match.c) against
 * `grep -F -w -o -f names.txt`.  Helper modes generate the inputs:
 *
 *   extract_match names  GAZ.csv           > names.txt   every name and alt name
 *   extract_match synth  N GAZ.csv         > big.csv     GAZ plus N made-up villages
 *   extract_match corpus MIB GAZ.csv       > corpus.txt  generated wire-style text
 *   extract_match match  GAZ.csv CORPUS                  time the matcher
 *   extract_match geoparse GAZ.csv CORPUS                time article + geoparse on
 *                                                        ~4 KiB articles cut from CORPUS
 *
 * The corpus sentences are written for this benchmark; place names come from
 * the gazetteer.  Build (not part of the CMake build):
 *   cc -O2 -Iinclude -Isrc bench/extract_match.c BUILD/libkivumap.a \
 *      $(pkg-config --libs proj cairo shapelib) -lm -o extract_match */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kivumap/article.h"
#include "kivumap/gazetteer.h"
#include "kivumap/geoparse.h"
#include "match.h"
#include "util.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t rnd(uint32_t n)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)((rng_state >> 33) % n);
}

/* CPU time of the process: the machine running the benchmarks is shared,
 * and wall time there measures the neighbours. */
static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static kvm_gazetteer *load(const char *path)
{
    kvm_gazetteer *gaz = kvm_gazetteer_new();
    kvm_error err;
    if (!gaz || kvm_gazetteer_load_file(gaz, path, &err) != KVM_OK) {
        fprintf(stderr, "extract_match: %s\n", gaz ? err.message : "out of memory");
        exit(1);
    }
    return gaz;
}

/* Calls fn for each name and alt name of every place. */
static void each_name(const kvm_gazetteer *gaz, void (*fn)(const char *, size_t, void *), void *ctx)
{
    for (size_t i = 0; i < kvm_gazetteer_count(gaz); i++) {
        const kvm_place *p = kvm_gazetteer_place(gaz, i);
        fn(p->name, strlen(p->name), ctx);
        const char *alt = p->alt_names;
        while (alt && *alt) {
            const char *bar = strchr(alt, '|');
            size_t len = bar ? (size_t)(bar - alt) : strlen(alt);
            if (len)
                fn(alt, len, ctx);
            alt = bar ? bar + 1 : NULL;
        }
    }
}

static void print_name(const char *s, size_t len, void *ctx)
{
    (void)ctx;
    printf("%.*s\n", (int)len, s);
}

typedef struct name_list {
    char **items;
    size_t n, cap;
} name_list;

static void collect_name(const char *s, size_t len, void *ctx)
{
    name_list *l = ctx;
    if (kvm_grow((void **)&l->items, &l->cap, l->n + 1, sizeof *l->items) != 0)
        exit(1);
    l->items[l->n++] = kvm_strndup(s, len);
}

static int cmd_synth(long n, const char *gaz_path)
{
    static const char *const syl[] = {"ka", "ma",  "bu", "ru", "nyi", "ki", "sha", "tu", "lu",
                                      "mo", "nga", "be", "se", "ndi", "go", "wa",  "zi", "mbe",
                                      "ri", "ko",  "vi", "ha", "ne",  "to", "kwa", "mu"};
    size_t ns = sizeof syl / sizeof syl[0];
    FILE *fp = fopen(gaz_path, "rb");
    if (!fp) {
        perror(gaz_path);
        return 1;
    }
    char line[4096];
    while (fgets(line, sizeof line, fp))
        fputs(line, stdout);
    fclose(fp);
    for (long i = 0; i < n; i++) {
        char name[64] = "";
        int parts = 3 + (int)rnd(3);
        for (int k = 0; k < parts; k++)
            strcat(name, syl[rnd((uint32_t)ns)]);
        name[0] = (char)(name[0] - 32);
        printf("synth-%ld,%s,,village,%.4f,%.4f,Masisi,North Kivu,CD,0,synthetic\n", i, name,
               -2.0 + rnd(20000) / 10000.0, 27.5 + rnd(20000) / 10000.0);
    }
    return 0;
}

static int cmd_corpus(long mib, const char *gaz_path)
{
    kvm_gazetteer *gaz = load(gaz_path);
    name_list names = {0};
    each_name(gaz, collect_name, &names);
    static const char *const templates[] = {
        "Fighters moved from %s toward %s on Tuesday, according to residents reached by phone.",
        "Aid workers said families walked for two days from %s before reaching camps near %s.",
        "The army said it had pushed the rebels back beyond %s, a claim denied by their "
        "spokesman in %s.",
        "Markets in %s stayed closed for a third day while traders waited for news from %s.",
        "Heavy shelling was heard overnight around %s; by morning the road to %s was empty.",
        "A convoy of trucks carrying food left %s for %s but turned back after a checkpoint.",
        "Local officials in %s counted several thousand newcomers who had fled %s last week.",
        "Schools reopened in %s even though sporadic gunfire continued in the hills above %s.",
    };
    size_t nt = sizeof templates / sizeof templates[0];
    size_t target = (size_t)mib * 1024 * 1024, written = 0;
    char buf[1024];
    while (written < target) {
        int len =
            snprintf(buf, sizeof buf, templates[rnd((uint32_t)nt)],
                     names.items[rnd((uint32_t)names.n)], names.items[rnd((uint32_t)names.n)]);
        if (len < 0)
            return 1;
        const char *sep = rnd(6) == 0 ? "\n\n" : " ";
        fputs(buf, stdout);
        fputs(sep, stdout);
        written += (size_t)len + strlen(sep);
    }
    for (size_t i = 0; i < names.n; i++)
        free(names.items[i]);
    free(names.items);
    kvm_gazetteer_free(gaz);
    return 0;
}

static int cmd_match(const char *gaz_path, const char *corpus_path)
{
    kvm_gazetteer *gaz = load(gaz_path);
    kvm_error err;
    double t0 = now_s();
    kvm_matcher *m = NULL;
    if (kvm_matcher_new(gaz, &m, &err) != KVM_OK) {
        fprintf(stderr, "extract_match: %s\n", err.message);
        return 1;
    }
    double t1 = now_s();
    char *data;
    size_t len;
    if (kvm_read_file(corpus_path, SIZE_MAX, &data, &len, &err) != KVM_OK) {
        fprintf(stderr, "extract_match: %s\n", err.message);
        return 1;
    }
    double t2 = now_s();
    size_t pos = 0, count = 0;
    kvm_match mt;
    while (kvm_matcher_next(m, data, len, &pos, KVM_MATCH_NEED_CAPITAL, &mt))
        count++;
    double t3 = now_s();
    double mb = (double)len / (1024.0 * 1024.0);
    printf("places %zu names %zu nodes %zu build %.3f s\n", kvm_gazetteer_count(gaz),
           kvm_matcher_name_count(m), kvm_matcher_node_count(m), t1 - t0);
    printf("corpus %.1f MiB read %.3f s match %.3f s (%.0f MiB/s) matches %zu\n", mb, t2 - t1,
           t3 - t2, mb / (t3 - t2), count);
    printf("total %.3f s\n", t3 - t0);
    free(data);
    kvm_matcher_free(m);
    kvm_gazetteer_free(gaz);
    return 0;
}

/* Cuts the corpus into articles at the first paragraph break after 4 KiB
 * and runs the reading and geoparsing stages on each. */
static int cmd_geoparse(const char *gaz_path, const char *corpus_path)
{
    kvm_gazetteer *gaz = load(gaz_path);
    kvm_error err;
    kvm_geoparser *gp = NULL;
    if (kvm_geoparser_new(gaz, &gp, &err) != KVM_OK) {
        fprintf(stderr, "extract_match: %s\n", err.message);
        return 1;
    }
    char *data;
    size_t len;
    if (kvm_read_file(corpus_path, SIZE_MAX, &data, &len, &err) != KVM_OK) {
        fprintf(stderr, "extract_match: %s\n", err.message);
        return 1;
    }
    double t0 = now_s();
    kvm_mention_list list = {0};
    size_t pos = 0, articles = 0, mentions = 0, sentences = 0;
    while (pos < len) {
        size_t end = pos + 4096 < len ? pos + 4096 : len;
        const char *brk = end < len ? strstr(data + end, "\n\n") : NULL;
        end = brk ? (size_t)(brk - data) + 2 : len;
        kvm_article *art = NULL;
        if (kvm_article_from_buffer("bench", data + pos, end - pos, &art, &err) != KVM_OK ||
            kvm_geoparse(gp, art, &list, &err) != KVM_OK) {
            fprintf(stderr, "extract_match: %s\n", err.message);
            return 1;
        }
        articles++;
        mentions += list.count;
        sentences += kvm_article_sentence_count(art);
        kvm_article_free(art);
        pos = end;
    }
    double t1 = now_s();
    double mb = (double)len / (1024.0 * 1024.0);
    printf("articles %zu sentences %zu mentions %zu: %.3f s (%.0f MiB/s)\n", articles, sentences,
           mentions, t1 - t0, mb / (t1 - t0));
    kvm_mention_list_free(&list);
    free(data);
    kvm_geoparser_free(gp);
    kvm_gazetteer_free(gaz);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "names") == 0) {
        kvm_gazetteer *gaz = load(argv[2]);
        each_name(gaz, print_name, NULL);
        kvm_gazetteer_free(gaz);
        return 0;
    }
    if (argc == 4 && strcmp(argv[1], "synth") == 0)
        return cmd_synth(atol(argv[2]), argv[3]);
    if (argc == 4 && strcmp(argv[1], "corpus") == 0)
        return cmd_corpus(atol(argv[2]), argv[3]);
    if (argc == 4 && strcmp(argv[1], "match") == 0)
        return cmd_match(argv[2], argv[3]);
    if (argc == 4 && strcmp(argv[1], "geoparse") == 0)
        return cmd_geoparse(argv[2], argv[3]);
    fprintf(stderr, "usage: extract_match names GAZ | synth N GAZ | corpus MIB GAZ | "
                    "match GAZ CORPUS | geoparse GAZ CORPUS\n");
    return 2;
}
