/* Events: what happened where and when, each with the sentence that supports
 * it.  A kvm_eventset holds the results of one run: the articles read, their
 * mentions, the events (ACLED-typed, DESIGN §5), the stated-distance claims,
 * and the advances derived from captures.  Extraction fills a set; maps,
 * exports and reports read it; `--events FILE` rebuilds one from JSON.
 *
 * Ownership: the set copies everything given to it (strings, places) and owns
 * the copies.  Strings and places it returns are borrowed and valid until the
 * set is cleared or freed; kvm_event / kvm_article_info / kvm_claim /
 * kvm_advance pointers only until the next call that adds to or changes the
 * set (its arrays grow).  Errors are sticky (like cairo): after a failed
 * allocation or an invalid argument (an article index out of range) every
 * adding call is a no-op and kvm_eventset_status() reports the first error;
 * kvm_eventset_clear() resets it. */
#ifndef KIVUMAP_EVENTS_H
#define KIVUMAP_EVENTS_H

#include <stddef.h>

#include "kivumap/article.h"
#include "kivumap/core.h"
#include "kivumap/gazetteer.h"
#include "kivumap/geoparse.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum kvm_event_type {
    KVM_EVENT_NONE = 0,
    KVM_EVENT_CAPTURE,      /* Battles / Non-state actor overtakes territory */
    KVM_EVENT_RECAPTURE,    /* Battles / Government regains territory */
    KVM_EVENT_CLASH,        /* Battles / Armed clash */
    KVM_EVENT_SHELLING,     /* Explosions/Remote violence / Shelling/artillery/missile attack */
    KVM_EVENT_ATTACK,       /* Violence against civilians / Attack */
    KVM_EVENT_WITHDRAWAL,   /* Strategic developments / Non-violent transfer of territory */
    KVM_EVENT_AGREEMENT,    /* Strategic developments / Agreement (talks, ceasefires) */
    KVM_EVENT_DISPLACEMENT, /* ours (ACLED has none): IOM-DTM style count, origin, destination */
    KVM_EVENT_TYPE_COUNT
} kvm_event_type;

/* "capture", "recapture", "clash", "shelling", "attack", "withdrawal",
 * "agreement", "displacement"; static. */
const char *kvm_event_type_name(kvm_event_type type);
kvm_event_type kvm_event_type_from_name(const char *name); /* KVM_EVENT_NONE if unknown */
/* ACLED's event_type and sub_event_type for our type ("Battles", "Non-state
 * actor overtakes territory"); displacement gives "Displacement", "Displacement". */
const char *kvm_event_type_acled(kvm_event_type type);
const char *kvm_event_sub_type_acled(kvm_event_type type);

/* ACLED time_precision: 1 day, 2 week (a few days), 3 month; 4 = year (ours;
 * exported to ACLED's column as 3). */
enum { KVM_TIME_DAY = 1, KVM_TIME_WEEK = 2, KVM_TIME_MONTH = 3, KVM_TIME_YEAR = 4 };
/* ACLED geo_precision: 1 the town itself, 2 near it / part of a region,
 * 3 a region's centroid (province, territory, "eastern Congo"). */
enum { KVM_GEO_TOWN = 1, KVM_GEO_NEAR = 2, KVM_GEO_REGION = 3 };

typedef struct kvm_event {
    const char *id;               /* "" to let the set assign "<stem>-<n>": stem = the article
                                     name's base without extension ("001_x" for "dir/001_x.txt";
                                     "-2", "-3" appended when two articles share it), n = 1, 2...
                                     per article.  Merging keeps the kept event's id. */
    kvm_event_type type;
    const char *actor1;           /* "M23", "FARDC"...; "" when not stated */
    const char *actor2;
    const kvm_place *place;       /* where; NULL only if no place at all */
    int geo_precision;            /* KVM_GEO_*; 0 = unknown */
    kvm_date date;                /* year 0 = unknown */
    int time_precision;           /* KVM_TIME_*; 0 = unknown (no date) */
    long long count_min;          /* people displaced; -1 = not stated */
    long long count_max;          /* -1 = not stated or open-ended ("over a million") */
    const kvm_place *origin;      /* displacement: from (NULL if unknown) */
    const kvm_place *destination; /* displacement: to (NULL if unknown) */
    const char *destination_text; /* when no place: "neighbouring countries"; "" otherwise */
    int historical;               /* background ("the 2012 capture of Goma") */
    int claimed;                  /* 1 claimed by one side, -1 denied, 0 reported as fact */
    const char *evidence;         /* the supporting sentence, verbatim */
    const char *mention;          /* the surface text of the place mention */
    const char *method;           /* how the place was resolved (kvm_mention.method) */
    double confidence;            /* 0..1 */
    size_t mention_start;         /* byte span of the place mention in the article */
    size_t mention_end;
    size_t article;               /* index of the first source article in the set (the one
                                     whose sentence `evidence` is) */
    const size_t *sources;        /* article indices reporting it, sources[0] == article (read
                                     side; ignored on add) */
    size_t n_sources;
    long long fatalities;         /* -1 = not stated */
} kvm_event;

/* Initialises an event to "nothing known": counts and fatalities -1, strings
 * "", NULL places, precisions 0, date year 0, claimed 0, historical 0. */
void kvm_event_init(kvm_event *event);

typedef enum kvm_verdict {
    KVM_VERDICT_NONE = 0,
    KVM_VERDICT_CONSISTENT,    /* |stated/computed - 1| <= 10 % */
    KVM_VERDICT_ROAD_PLAUSIBLE,/* stated longer, ratio <= 1.6: a road distance */
    KVM_VERDICT_INCONSISTENT
} kvm_verdict;
const char *kvm_verdict_name(kvm_verdict verdict); /* "consistent", "road-plausible", "inconsistent" */
/* The documented rule, from stated and computed km: ratio = stated / computed;
 * consistent if |ratio - 1| <= 0.10, road-plausible if 1.10 < ratio <= 1.6,
 * inconsistent otherwise (also when computed is 0; ratio then 0).  NONE when
 * stated is not > 0 or either is not finite.  Limits have 1e-9 slack so
 * that 110 km vs 100 km is consistent.  pratio may be NULL. */
kvm_verdict kvm_verdict_for(double stated_km, double computed_km, double *pratio);

/* A stated distance: "Masisi ... 80 kilometres (50 miles) north of Goma". */
typedef struct kvm_claim {
    const kvm_place *from;  /* the place located by the statement (Masisi) */
    const kvm_place *to;    /* the reference place (Goma) */
    double stated_km;       /* kilometres as stated, or miles converted */
    double stated_miles;    /* 0 when not stated */
    const char *direction;  /* "N", "NW", ...; "" when none stated */
    const char *qualifier;  /* "about", "just", "some", "" */
    double computed_km;     /* geodesic, WGS84 */
    double bearing_deg;     /* azimuth at `to` towards `from`, degrees from north */
    double ratio;           /* stated / computed */
    kvm_verdict verdict;
    int direction_ok;       /* 1 stated direction within 45 deg of bearing, 0 not, -1 none stated */
    const char *evidence;
    size_t article;
} kvm_claim;

/* An advance arrow: an actor's move from one captured place to the next in
 * date order (DESIGN §6). */
typedef struct kvm_advance {
    const char *actor;
    const kvm_place *from;
    const kvm_place *to;
    kvm_date date_from;
    kvm_date date_to;
    double dist_km;
    double bearing_deg;
    size_t sequence;        /* 1, 2, ... per actor */
    const char *event_ids;  /* ids of the two capture events, "a;b" */
} kvm_advance;

/* An article as the set records it. */
typedef struct kvm_article_info {
    const char *name;       /* file path or JSONL id */
    kvm_date date;          /* publication date (year 0 if unknown) */
    size_t n_mentions;
    const kvm_mention *mentions; /* places point into the set */
    const char *const *mention_texts; /* surface text of each mention */
} kvm_article_info;

typedef struct kvm_eventset kvm_eventset;

/* Caller frees with kvm_eventset_free. NULL if out of memory. */
kvm_eventset *kvm_eventset_new(void);
void kvm_eventset_free(kvm_eventset *set); /* accepts NULL */
/* The first error met while adding, KVM_OK if none. */
kvm_status kvm_eventset_status(const kvm_eventset *set);
/* Empties the set for reuse (streaming one article at a time). */
void kvm_eventset_clear(kvm_eventset *set);

/* Copies a place into the set once per id (later calls with the same id
 * return the first copy).  Returns the set's copy; NULL on error. */
const kvm_place *kvm_eventset_intern_place(kvm_eventset *set, const kvm_place *place);

/* Promises that gaz's places stay alive and unchanged while set is used:
 * a place of gaz named again is then found by its address alone, without
 * comparing its fields (the streaming extractor calls it once).  Places
 * from elsewhere are compared as always. */
void kvm_eventset_trust_places(kvm_eventset *set, const kvm_gazetteer *gaz);

/* Adds an article and returns its index ((size_t)-1 on error). */
size_t kvm_eventset_add_article(kvm_eventset *set, const char *name, kvm_date date);
/* Adds a mention to an article; the text is the surface form. */
void kvm_eventset_add_mention(kvm_eventset *set, size_t article, const kvm_mention *mention,
                              const char *text);
/* Copies an event (places are interned).  Its source list starts as
 * {event->article}.  Returns its index ((size_t)-1 on error). */
size_t kvm_eventset_add_event(kvm_eventset *set, const kvm_event *event);
/* Adds an article index to an event's sources (no duplicates). */
void kvm_eventset_add_event_source(kvm_eventset *set, size_t event, size_t article);
size_t kvm_eventset_add_claim(kvm_eventset *set, const kvm_claim *claim);

size_t kvm_eventset_article_count(const kvm_eventset *set);
const kvm_article_info *kvm_eventset_article(const kvm_eventset *set, size_t index);
size_t kvm_eventset_event_count(const kvm_eventset *set);
const kvm_event *kvm_eventset_event(const kvm_eventset *set, size_t index);
size_t kvm_eventset_claim_count(const kvm_eventset *set);
const kvm_claim *kvm_eventset_claim(const kvm_eventset *set, size_t index);
/* Every distinct place referenced by mentions, events or claims (or
 * interned), in first-seen order. */
size_t kvm_eventset_place_count(const kvm_eventset *set);
const kvm_place *kvm_eventset_place(const kvm_eventset *set, size_t index);
/* The set's place with this id; NULL if none. */
const kvm_place *kvm_eventset_find_place(const kvm_eventset *set, const char *id);
/* Mentions of a place (by id) over all articles. */
size_t kvm_eventset_place_mentions(const kvm_eventset *set, const kvm_place *place);

/* Joins events that several articles report into one with several sources.
 * Two events join when: same type; same place (by id; events without a place
 * never join); actor1 equal ignoring case, or either one "" (unstated: the
 * merged event takes the named actor); neither historical; dates compatible
 * (both unknown; one unknown when both are at KVM_GEO_TOWN precision; equal;
 * or the coarser one contains the finer: same year / same month / within 7
 * days for week precision); for displacement, equal
 * count_min and count_max.  The kept event is the one with the most precise
 * date (ties: the earliest); its id, evidence and mention stay; sources =
 * its article, then the others ascending.  Merged events take the position
 * of their earliest member.  Deterministic; run it once all articles are in. */
kvm_status kvm_eventset_merge_duplicates(kvm_eventset *set, kvm_error *err);

/* Derives the advance arrows from the captures (DESIGN §6) with geodesic
 * lengths and bearings; replaces any computed before.  Per actor (ignoring
 * case; actors sorted that way): its KVM_EVENT_CAPTURE events that are not
 * historical, not denied (claimed != -1), at a settlement with geo_precision
 * KVM_GEO_TOWN, ordered by date (unknown last; then article, then the order
 * extraction added them in).  Each capture of a place not captured before gets an arrow
 * from the geodesically nearest earlier capture of that actor; the first
 * gets none.  bearing_deg is the initial azimuth at `from`, in [0, 360). */
kvm_status kvm_eventset_compute_advances(kvm_eventset *set, kvm_error *err);
size_t kvm_eventset_advance_count(const kvm_eventset *set);
const kvm_advance *kvm_eventset_advance(const kvm_eventset *set, size_t index);

/* Date range of the non-historical events (year 0 if none). */
void kvm_eventset_date_range(const kvm_eventset *set, kvm_date *pfirst, kvm_date *plast);

/* Moves everything `from` holds (articles, mentions, events with their
 * sources, claims; not advances) to the end of `set`, and empties `from`.
 * O(1) when set is empty.  On failure set is left as it was. */
kvm_status kvm_eventset_take(kvm_eventset *set, kvm_eventset *from, kvm_error *err);
/* The same, but the events get the ids set gives them (their articles'
 * stems in set, "-2" when a stem is taken), as if the articles of `from`
 * had been extracted into set directly: for extracting articles in
 * parallel into sets of their own and joining them in order. */
kvm_status kvm_eventset_take_renumbered(kvm_eventset *set, kvm_eventset *from, kvm_error *err);

/* ---- Extraction (src/events.c) ---------------------------------------- */

/* Finds the events and stated distances of one article whose mentions were
 * resolved already, and adds them (and the article, and its mentions) to
 * set.  Relative dates are resolved against the article date. */
kvm_status kvm_extract_events(const kvm_article *article, const kvm_mention_list *mentions,
                              const kvm_gazetteer *gaz, kvm_eventset *set, kvm_error *err);

#ifdef __cplusplus
}
#endif

#endif /* KIVUMAP_EVENTS_H */
