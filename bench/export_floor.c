/* The floor for the export benchmark: a bare shapelib loop (default stdio
 * hooks, DBFWrite*Attribute per field, SHPCreateSimpleObject per point)
 * writing the same points and the same 26 fields as events.shp.
 *   export_floor N OUTBASE   -> OUTBASE.shp/.shx/.dbf; prints "floor SECONDS" */
#define _POSIX_C_SOURCE 200809L
#include <shapefil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export_synth.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const struct {
    const char *name;
    char type;
    int width, decimals;
} fields[] = {
    {"EVENT_ID", 'C', 50, 0},  {"EVT_DATE", 'D', 8, 0},   {"TIME_PREC", 'N', 1, 0},
    {"EVT_TYPE", 'C', 30, 0},  {"SUB_EVT", 'C', 40, 0},   {"ACTOR1", 'C', 60, 0},
    {"ACTOR2", 'C', 60, 0},    {"COUNTRY", 'C', 32, 0},   {"ISO", 'N', 3, 0},
    {"ADMIN1", 'C', 40, 0},    {"ADMIN2", 'C', 40, 0},    {"LOCATION", 'C', 60, 0},
    {"LATITUDE", 'N', 12, 6},  {"LONGITUDE", 'N', 12, 6}, {"GEO_PREC", 'N', 1, 0},
    {"SOURCE", 'C', 254, 0},   {"NOTES", 'C', 254, 0},    {"FATALITIES", 'N', 7, 0},
    {"EVT_KIND", 'C', 16, 0},  {"CLAIMED", 'N', 2, 0},    {"HISTORIC", 'N', 1, 0},
    {"COUNT_MIN", 'N', 12, 0}, {"COUNT_MAX", 'N', 12, 0}, {"MENTION", 'C', 60, 0},
    {"RES_METH", 'C', 20, 0},  {"GAZ_ID", 'C', 40, 0},
};

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: export_floor N OUTBASE\n");
        return 2;
    }
    long n = atol(argv[1]);
    synth_place sp[SYNTH_PLACES];
    for (int k = 0; k < SYNTH_PLACES; k++)
        synth_place_make(k, &sp[k]);
    double t0 = now();
    SHPHandle shp = SHPCreate(argv[2], SHPT_POINT);
    DBFHandle dbf = DBFCreateEx(argv[2], "UTF-8");
    if (!shp || !dbf)
        return 1;
    for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++)
        DBFAddNativeFieldType(dbf, fields[f].name, fields[f].type, fields[f].width,
                              fields[f].decimals);
    char id[32], date[16], source[64], evidence[256];
    for (long i = 0; i < n; i++) {
        const synth_place *s = &sp[i % SYNTH_PLACES];
        double x = s->lon, y = s->lat;
        SHPObject *obj = SHPCreateSimpleObject(SHPT_POINT, 1, &x, &y, NULL);
        int rec = SHPWriteObject(shp, -1, obj);
        SHPDestroyObject(obj);
        snprintf(id, sizeof id, "syn-%ld", i);
        snprintf(date, sizeof date, "%04d%02d%02d", 2024 + (int)(i % 2), 1 + (int)(i % 12),
                 1 + (int)(i % 28));
        snprintf(source, sizeof source, "article-%06ld.txt", i / SYNTH_EVENTS_PER_ARTICLE);
        synth_evidence(i, s->name, evidence, sizeof evidence);
        int disp = strcmp(synth_type(i), "displacement") == 0;
        DBFWriteStringAttribute(dbf, rec, 0, id);
        DBFWriteStringAttribute(dbf, rec, 1, date);
        DBFWriteIntegerAttribute(dbf, rec, 2, 1);
        DBFWriteStringAttribute(dbf, rec, 3, "Battles");
        DBFWriteStringAttribute(dbf, rec, 4, "Armed clash");
        DBFWriteStringAttribute(dbf, rec, 5, synth_actors[i % 4]);
        DBFWriteStringAttribute(dbf, rec, 6, synth_actors[(i + 1) % 4]);
        DBFWriteStringAttribute(dbf, rec, 7, "Democratic Republic of Congo");
        DBFWriteIntegerAttribute(dbf, rec, 8, 180);
        DBFWriteStringAttribute(dbf, rec, 9, "North Kivu");
        DBFWriteStringAttribute(dbf, rec, 10, "Masisi");
        DBFWriteStringAttribute(dbf, rec, 11, s->name);
        DBFWriteDoubleAttribute(dbf, rec, 12, y);
        DBFWriteDoubleAttribute(dbf, rec, 13, x);
        DBFWriteIntegerAttribute(dbf, rec, 14, 1);
        DBFWriteStringAttribute(dbf, rec, 15, source);
        DBFWriteStringAttribute(dbf, rec, 16, evidence);
        DBFWriteIntegerAttribute(dbf, rec, 17, 0);
        DBFWriteStringAttribute(dbf, rec, 18, synth_type(i));
        DBFWriteIntegerAttribute(dbf, rec, 19, 0);
        DBFWriteIntegerAttribute(dbf, rec, 20, 0);
        if (disp) {
            DBFWriteIntegerAttribute(dbf, rec, 21, (int)(1000 + i % 5000));
            DBFWriteIntegerAttribute(dbf, rec, 22, (int)(2 * (1000 + i % 5000)));
        } else {
            DBFWriteNULLAttribute(dbf, rec, 21);
            DBFWriteNULLAttribute(dbf, rec, 22);
        }
        DBFWriteStringAttribute(dbf, rec, 23, s->name);
        DBFWriteStringAttribute(dbf, rec, 24, "unique");
        DBFWriteStringAttribute(dbf, rec, 25, s->id);
    }
    SHPClose(shp);
    DBFClose(dbf);
    printf("floor %.3f\n", now() - t0);
    return 0;
}
