/* Synthetic events shared by the export benchmark programs
 * (bench/export_gen.c, bench/export_floor.c): deterministic values for
 * event i, so the kivumap export and the bare shapelib loop write the same
 * points and the same attribute values. */
#ifndef KIVUMAP_BENCH_EXPORT_SYNTH_H
#define KIVUMAP_BENCH_EXPORT_SYNTH_H

#include <stdio.h>

enum { SYNTH_PLACES = 200, SYNTH_EVENTS_PER_ARTICLE = 100 };

typedef struct synth_place {
    char id[16];
    char name[32];
    double lat, lon;
} synth_place;

static void synth_place_make(int k, synth_place *p)
{
    snprintf(p->id, sizeof p->id, "p-%04d", k);
    /* every fifth name accented, as real ones are (Bwéremana) */
    snprintf(p->name, sizeof p->name, k % 5 ? "Place %d" : "Plac\xC3\xA9 %d", k);
    p->lat = -2.5 + (k % 20) * 0.12 + (k / 20) * 0.013;
    p->lon = 27.8 + (k / 20) * 0.17 + (k % 7) * 0.011;
}

static const char *const synth_actors[] = {"M23", "FARDC", "Wazalendo", "ADF"};
static const char *const synth_types[] = {"clash", "shelling",   "attack",    "displacement",
                                          "clash", "withdrawal", "agreement", "attack"};

/* Type name of event i (one capture per 1000 events, so advances stay few). */
static const char *synth_type(long i)
{
    return i % 1000 == 7 ? "capture" : synth_types[i % 8];
}

static void synth_evidence(long i, const char *place_name, char *out, size_t cap)
{
    snprintf(out, cap,
             "Witnesses said fighting near %s on day %ld left several houses burnt and "
             "families on the road towards the next town.",
             place_name, i % 365);
}

#endif
