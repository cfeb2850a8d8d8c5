/* Accuracy of geoparse + extract on the annotated corpus tests/corpus/
 * (NN_slug.txt with a hand-written NN_slug.ann, format below).  Prints the
 * misses of each article and the totals, and fails below the issue's
 * thresholds: mention precision and recall >= 0.95, resolution >= 0.95,
 * capture precision and recall >= 0.90, stated distances 1.0.
 *
 * Annotation lines (tab-separated, '#' comments):
 *   place        SURFACE   ID                 every mention, in text order
 *   capture      ID        ACTOR1   DATE|-    (recapture likewise)
 *   claim        FROM_ID   TO_ID    KM   DIRECTION|-
 *   displacement COUNT_MIN ORIGIN|-  DESTINATION|-
 * Matching: mentions as a multiset of (folded surface, id) per article;
 * captures on (type, place id, actor1 ignoring case), dates reported apart;
 * claims on (from, to, km). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kivumap/kivumap.h"
#include "testlib.h"

#define MAX_ITEMS 512
#define FIELD 128

typedef struct item {
    char a[FIELD], b[FIELD], c[FIELD], d[FIELD];
    int used;
} item;

typedef struct item_list {
    item items[MAX_ITEMS];
    size_t count;
} item_list;

typedef struct tally {
    size_t tp, got, expected;
} tally;

typedef struct totals {
    tally mentions, surfaces, captures, claims, displacement;
    size_t dates_checked, dates_right;
    size_t articles;
} totals;

static void add_item(item_list *list, const char *a, const char *b, const char *c, const char *d)
{
    if (list->count >= MAX_ITEMS)
        return;
    item *it = &list->items[list->count++];
    snprintf(it->a, FIELD, "%s", a ? a : "");
    snprintf(it->b, FIELD, "%s", b ? b : "");
    snprintf(it->c, FIELD, "%s", c ? c : "");
    snprintf(it->d, FIELD, "%s", d ? d : "");
    it->used = 0;
}

static void fold(const char *in, char *out, size_t cap)
{
    kvm_fold_name(in, out, cap);
}

typedef struct annotation {
    item_list places, captures, claims, displacements;
} annotation;

static int read_annotation(const char *path, annotation *ann)
{
    size_t len;
    char *data = test_read_file(path, &len);
    if (!data)
        return 0;
    char *save = NULL;
    for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        size_t l = strlen(line);
        if (l && line[l - 1] == '\r')
            line[l - 1] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *f[6] = {0};
        size_t nf = 0;
        char *p = line;
        while (nf < 6) {
            f[nf++] = p;
            char *tab = strchr(p, '\t');
            if (!tab)
                break;
            *tab = '\0';
            p = tab + 1;
        }
        if (strcmp(f[0], "place") == 0 && nf >= 3) {
            char folded[FIELD];
            fold(f[1], folded, sizeof folded);
            add_item(&ann->places, folded, f[2], NULL, NULL);
        } else if ((strcmp(f[0], "capture") == 0 || strcmp(f[0], "recapture") == 0) && nf >= 4) {
            add_item(&ann->captures, f[0], f[1], f[2], nf >= 4 ? f[3] : "-");
        } else if (strcmp(f[0], "claim") == 0 && nf >= 4) {
            add_item(&ann->claims, f[1], f[2], f[3], nf >= 5 ? f[4] : "-");
        } else if (strcmp(f[0], "displacement") == 0 && nf >= 2) {
            add_item(&ann->displacements, f[1], nf >= 3 ? f[2] : "-", nf >= 4 ? f[3] : "-", NULL);
        }
    }
    free(data);
    return 1;
}

/* Multiset matching on the first `keys` fields (case-insensitive for the
 * third when icase_c).  Marks matched items used in both lists. */
static size_t match_lists(item_list *got, item_list *want, int keys, int icase_c)
{
    size_t tp = 0;
    for (size_t i = 0; i < got->count; i++) {
        for (size_t j = 0; j < want->count; j++) {
            if (want->items[j].used)
                continue;
            const item *g = &got->items[i], *w = &want->items[j];
            if (strcmp(g->a, w->a) != 0)
                continue;
            if (keys >= 2 && strcmp(g->b, w->b) != 0)
                continue;
            if (keys >= 3 && (icase_c ? strcasecmp(g->c, w->c) : strcmp(g->c, w->c)) != 0)
                continue;
            want->items[j].used = 1;
            got->items[i].used = 1;
            tp++;
            break;
        }
    }
    return tp;
}

static void clear_used(item_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        l->items[i].used = 0;
}

static void report_misses(const char *what, const item_list *got, const item_list *want)
{
    for (size_t i = 0; i < want->count; i++)
        if (!want->items[i].used)
            printf("    missed %s: %s %s %s\n", what, want->items[i].a, want->items[i].b,
                   want->items[i].c);
    for (size_t i = 0; i < got->count; i++)
        if (!got->items[i].used)
            printf("    extra  %s: %s %s %s\n", what, got->items[i].a, got->items[i].b,
                   got->items[i].c);
}

static item_list got_places, got_surfaces, want_surfaces, got_captures, got_claims, got_displ;
static annotation ann;

static void score_article(const char *dir, const char *base, const kvm_gazetteer *gaz,
                          const kvm_geoparser *parser, totals *t)
{
    char path[1024], ann_path[1024];
    snprintf(path, sizeof path, "%s/%s.txt", dir, base);
    snprintf(ann_path, sizeof ann_path, "%s/%s.ann", dir, base);
    memset(&ann, 0, sizeof ann);
    if (!read_annotation(ann_path, &ann)) {
        printf("  %s: no annotation, skipped\n", base);
        return;
    }
    kvm_error err = {0};
    kvm_article *article = NULL;
    kvm_mention_list mentions = {0};
    kvm_eventset *set = kvm_eventset_new();
    if (kvm_article_read_file(path, &article, &err) != KVM_OK || !set ||
        kvm_geoparse(parser, article, &mentions, &err) != KVM_OK ||
        kvm_extract_events(article, &mentions, gaz, set, &err) != KVM_OK) {
        CHECK_MSG(0, "%s: %s", base, err.message);
        kvm_article_free(article);
        kvm_mention_list_free(&mentions);
        kvm_eventset_free(set);
        return;
    }
    t->articles++;
    const char *text = kvm_article_text(article);
    memset(&got_places, 0, sizeof got_places);
    memset(&got_surfaces, 0, sizeof got_surfaces);
    memset(&want_surfaces, 0, sizeof want_surfaces);
    memset(&got_captures, 0, sizeof got_captures);
    memset(&got_claims, 0, sizeof got_claims);
    memset(&got_displ, 0, sizeof got_displ);
    for (size_t m = 0; m < mentions.count; m++) {
        char surface[FIELD], folded[FIELD];
        size_t n = mentions.items[m].end - mentions.items[m].start;
        if (n >= sizeof surface)
            n = sizeof surface - 1;
        memcpy(surface, text + mentions.items[m].start, n);
        surface[n] = '\0';
        fold(surface, folded, sizeof folded);
        const char *id = mentions.items[m].place ? mentions.items[m].place->id : "";
        add_item(&got_places, folded, id, NULL, NULL);
        add_item(&got_surfaces, folded, NULL, NULL, NULL);
    }
    for (size_t i = 0; i < ann.places.count; i++)
        add_item(&want_surfaces, ann.places.items[i].a, NULL, NULL, NULL);
    for (size_t e = 0; e < kvm_eventset_event_count(set); e++) {
        const kvm_event *ev = kvm_eventset_event(set, e);
        char buf[16], count[32];
        /* background (historical) captures are not annotated as captures */
        if ((ev->type == KVM_EVENT_CAPTURE || ev->type == KVM_EVENT_RECAPTURE) && ev->place &&
            !ev->historical)
            add_item(&got_captures, kvm_event_type_name(ev->type), ev->place->id, ev->actor1,
                     ev->date.year ? kvm_date_format(ev->date, buf) : "-");
        if (ev->type == KVM_EVENT_DISPLACEMENT) {
            snprintf(count, sizeof count, "%lld", ev->count_min);
            add_item(&got_displ, count, ev->origin ? ev->origin->id : "-",
                     ev->destination ? ev->destination->id : "-", NULL);
        }
    }
    for (size_t c = 0; c < kvm_eventset_claim_count(set); c++) {
        const kvm_claim *cl = kvm_eventset_claim(set, c);
        char km[32];
        snprintf(km, sizeof km, "%g", cl->stated_km);
        add_item(&got_claims, cl->from->id, cl->to->id, km, cl->direction);
    }
    /* claims: compare km numerically by normalising the annotation's text */
    for (size_t i = 0; i < ann.claims.count; i++) {
        char km[32];
        snprintf(km, sizeof km, "%g", atof(ann.claims.items[i].c));
        snprintf(ann.claims.items[i].c, FIELD, "%s", km);
    }

    size_t tp_m = match_lists(&got_places, &ann.places, 2, 0);
    size_t tp_s = match_lists(&got_surfaces, &want_surfaces, 1, 0);
    size_t tp_c = match_lists(&got_captures, &ann.captures, 3, 1);
    size_t tp_cl = match_lists(&got_claims, &ann.claims, 3, 0);
    size_t tp_d = match_lists(&got_displ, &ann.displacements, 1, 0);
    t->mentions.tp += tp_m;
    t->mentions.got += got_places.count;
    t->mentions.expected += ann.places.count;
    t->surfaces.tp += tp_s;
    t->captures.tp += tp_c;
    t->captures.got += got_captures.count;
    t->captures.expected += ann.captures.count;
    t->claims.tp += tp_cl;
    t->claims.got += got_claims.count;
    t->claims.expected += ann.claims.count;
    t->displacement.tp += tp_d;
    t->displacement.got += got_displ.count;
    t->displacement.expected += ann.displacements.count;
    /* dates of the matched captures */
    for (size_t j = 0; j < ann.captures.count; j++) {
        const item *w = &ann.captures.items[j];
        if (!w->used || strcmp(w->d, "-") == 0)
            continue;
        for (size_t i = 0; i < got_captures.count; i++) {
            const item *g = &got_captures.items[i];
            if (strcmp(g->a, w->a) == 0 && strcmp(g->b, w->b) == 0 &&
                strcasecmp(g->c, w->c) == 0) {
                t->dates_checked++;
                if (strcmp(g->d, w->d) == 0)
                    t->dates_right++;
                else
                    printf("  %s: date of %s %s: got %s, expected %s\n", base, g->a, g->b, g->d,
                           w->d);
                break;
            }
        }
    }
    int clean = tp_m == got_places.count && tp_m == ann.places.count &&
                tp_c == got_captures.count && tp_c == ann.captures.count &&
                tp_cl == got_claims.count && tp_cl == ann.claims.count;
    if (!clean) {
        printf("  %s:\n", base);
        report_misses("mention", &got_places, &ann.places);
        report_misses("capture", &got_captures, &ann.captures);
        report_misses("claim", &got_claims, &ann.claims);
    }
    if (tp_d != ann.displacements.count || tp_d != got_displ.count) {
        clear_used(&got_displ);
        clear_used(&ann.displacements);
        match_lists(&got_displ, &ann.displacements, 1, 0);
        if (clean)
            printf("  %s:\n", base);
        report_misses("displacement", &got_displ, &ann.displacements);
    }
    kvm_article_free(article);
    kvm_mention_list_free(&mentions);
    kvm_eventset_free(set);
}

static double ratio(size_t a, size_t b)
{
    return b ? (double)a / (double)b : 1.0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(void)
{
    const char *dir = KVM_TEST_SOURCE_DIR "/tests/corpus";
    DIR *d = opendir(dir);
    if (!d) {
        printf("corpus: %s absent, skipped\n", dir);
        return test_report("corpus");
    }
    char *names[1024];
    size_t n_names = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL && n_names < 1024) {
        size_t l = strlen(de->d_name);
        if (l > 4 && strcmp(de->d_name + l - 4, ".txt") == 0)
            names[n_names++] = strndup(de->d_name, l - 4);
    }
    closedir(d);
    qsort(names, n_names, sizeof names[0], compare_names);

    kvm_error err = {0};
    kvm_gazetteer *gaz = kvm_gazetteer_new();
    kvm_geoparser *parser = NULL;
    CHECK(gaz && kvm_gazetteer_load_bundled(gaz, &err) == KVM_OK);
    CHECK_MSG(kvm_geoparser_new(gaz, &parser, &err) == KVM_OK, "%s", err.message);
    totals t;
    memset(&t, 0, sizeof t);
    if (parser)
        for (size_t i = 0; i < n_names; i++)
            score_article(dir, names[i], gaz, parser, &t);
    for (size_t i = 0; i < n_names; i++)
        free(names[i]);

    double mp = ratio(t.mentions.tp, t.mentions.got), mr = ratio(t.mentions.tp, t.mentions.expected);
    double res = ratio(t.mentions.tp, t.surfaces.tp);
    double cp = ratio(t.captures.tp, t.captures.got), cr = ratio(t.captures.tp, t.captures.expected);
    double clp = ratio(t.claims.tp, t.claims.got), clr = ratio(t.claims.tp, t.claims.expected);
    fflush(stdout);
    printf("corpus: %zu articles\n", t.articles);
    printf("  mentions   precision %.3f recall %.3f (%zu right of %zu found, %zu annotated)\n", mp,
           mr, t.mentions.tp, t.mentions.got, t.mentions.expected);
    printf("  resolution %.3f (%zu right ids of %zu matched surfaces)\n", res, t.mentions.tp,
           t.surfaces.tp);
    printf("  captures   precision %.3f recall %.3f (%zu of %zu found, %zu annotated); dates "
           "%zu/%zu right\n",
           cp, cr, t.captures.tp, t.captures.got, t.captures.expected, t.dates_right,
           t.dates_checked);
    printf("  claims     precision %.3f recall %.3f (%zu of %zu found, %zu annotated)\n", clp, clr,
           t.claims.tp, t.claims.got, t.claims.expected);
    printf("  displacement counts: %zu of %zu annotated found (%zu extracted)\n",
           t.displacement.tp, t.displacement.expected, t.displacement.got);
    if (t.articles > 0) {
        CHECK_MSG(mp >= 0.95, "mention precision %.3f < 0.95", mp);
        CHECK_MSG(mr >= 0.95, "mention recall %.3f < 0.95", mr);
        CHECK_MSG(res >= 0.95, "resolution %.3f < 0.95", res);
        CHECK_MSG(cp >= 0.90, "capture precision %.3f < 0.90", cp);
        CHECK_MSG(cr >= 0.90, "capture recall %.3f < 0.90", cr);
        CHECK_MSG(clp >= 1.0 && clr >= 1.0, "claims precision %.3f recall %.3f < 1.0", clp, clr);
    }
    kvm_geoparser_free(parser);
    kvm_gazetteer_free(gaz);
    return test_report("corpus");
}
