/* Export benchmark helper: builds N synthetic events in memory, times
 * kvm_export_directory (shapefiles only, then every format) and writes the
 * set as JSON Lines for `kivumap export --events`.
 *   export_gen N OUTDIR   -> OUTDIR/events.jsonl, OUTDIR/mem_shp/, OUTDIR/mem_all/
 * Prints "mem_shp SECONDS" and "mem_all SECONDS". */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kivumap/kivumap.h"
#include "export_synth.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: export_gen N OUTDIR\n");
        return 2;
    }
    long n = atol(argv[1]);
    const char *dir = argv[2];
    kvm_eventset *set = kvm_eventset_new();
    kvm_place places[SYNTH_PLACES];
    synth_place sp[SYNTH_PLACES];
    for (int k = 0; k < SYNTH_PLACES; k++) {
        synth_place_make(k, &sp[k]);
        kvm_place *p = &places[k];
        memset(p, 0, sizeof *p);
        p->id = sp[k].id;
        p->name = sp[k].name;
        p->alt_names = "";
        p->kind = KVM_KIND_TOWN;
        p->lat = sp[k].lat;
        p->lon = sp[k].lon;
        p->admin2 = "Masisi";
        p->admin1 = "North Kivu";
        p->country = "CD";
        p->source = "synthetic";
    }
    size_t article = 0;
    char name[64], evidence[256], id[32];
    for (long i = 0; i < n; i++) {
        if (i % SYNTH_EVENTS_PER_ARTICLE == 0) {
            snprintf(name, sizeof name, "article-%06ld.txt", i / SYNTH_EVENTS_PER_ARTICLE);
            kvm_date d = {2024 + (int)(i / SYNTH_EVENTS_PER_ARTICLE % 2), 1 + (int)(i % 12), 1};
            article = kvm_eventset_add_article(set, name, d);
        }
        const synth_place *s = &sp[i % SYNTH_PLACES];
        kvm_event e;
        kvm_event_init(&e);
        snprintf(id, sizeof id, "syn-%ld", i);
        e.id = id;
        e.type = kvm_event_type_from_name(synth_type(i));
        e.actor1 = synth_actors[i % 4];
        e.actor2 = synth_actors[(i + 1) % 4];
        e.place = &places[i % SYNTH_PLACES];
        e.geo_precision = 1;
        e.date.year = 2024 + (int)(i % 2);
        e.date.month = 1 + (int)(i % 12);
        e.date.day = 1 + (int)(i % 28);
        e.time_precision = 1;
        if (e.type == KVM_EVENT_DISPLACEMENT) {
            e.count_min = 1000 + i % 5000;
            e.count_max = e.count_min * 2;
            e.origin = e.place;
        }
        synth_evidence(i, s->name, evidence, sizeof evidence);
        e.evidence = evidence;
        e.mention = s->name;
        e.method = "unique";
        e.confidence = 0.9;
        e.article = article;
        kvm_eventset_add_event(set, &e);
    }
    kvm_error err;
    if (kvm_eventset_status(set) != KVM_OK || kvm_eventset_compute_advances(set, &err) != KVM_OK) {
        fprintf(stderr, "export_gen: cannot build the set\n");
        return 1;
    }
    char path[1024];
    snprintf(path, sizeof path, "%s/mem_shp", dir);
    double t0 = now();
    if (kvm_export_directory(set, path, KVM_EXPORT_SHP, &err) != KVM_OK) {
        fprintf(stderr, "export_gen: %s\n", err.message);
        return 1;
    }
    double t1 = now();
    snprintf(path, sizeof path, "%s/mem_all", dir);
    if (kvm_export_directory(set, path, KVM_EXPORT_ALL, &err) != KVM_OK) {
        fprintf(stderr, "export_gen: %s\n", err.message);
        return 1;
    }
    double t2 = now();
    printf("mem_shp %.3f\nmem_all %.3f\n", t1 - t0, t2 - t1);
    snprintf(path, sizeof path, "%s/events.jsonl", dir);
    FILE *fp = fopen(path, "w");
    if (!fp || kvm_report_write_jsonl(set, fp, &err) != KVM_OK || fclose(fp) != 0) {
        fprintf(stderr, "export_gen: cannot write %s\n", path);
        return 1;
    }
    kvm_eventset_free(set);
    return 0;
}
