/* Event extraction (DESIGN §5): from an article whose place mentions are
 * resolved, the captures, recaptures, withdrawals, clashes, shelling,
 * agreements and displacements it reports, and the distances it states,
 * each with its supporting sentence.  Rules read one sentence at a time as
 * tokens (events_text.c); counts, dates and actors have their own files.
 * docs/extract.md describes every rule and choice made here. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events_actors.h"
#include "events_internal.h"
#include "kivumap/geodesy.h"
#include "util.h"

#define MAX_DATES 32
#define MAX_ACTORS 64
#define MAX_LIST 16
#define EVIDENCE_MAX 1000

typedef struct pending_event {
    kvm_event ev;
    int dated; /* the date comes from a date expression, not the article's */
    size_t ev_start; /* evidence span */
    size_t ev_end;
    long order_days;
    size_t position;
} pending_event;

typedef struct pending_claim {
    kvm_claim claim;
    char direction[8];
    const char *qualifier;
    size_t ev_start;
    size_t ev_end;
} pending_claim;

typedef struct extractor {
    const char *text;
    size_t len;
    const kvm_mention *mentions;
    size_t n_mentions;
    const kvm_gazetteer *gaz;
    kvm_date date;
    int ref_year;          /* events dated before this year are background */
    const char *dominant;  /* the article's main armed group, for "the rebels" */
    const char *last_actor;
    size_t article;
    size_t sent_start, sent_end;
    size_t prev_start, prev_end;
    const ev_token *toks;
    size_t n;
    ev_date_expr dates[MAX_DATES];
    size_t n_dates;
    int dates_done; /* dates[] found for the current token window (lazily) */
    ev_date_expr anchor; /* the last date written so far, for "two days earlier" */
    int have_anchor;
    kvm_ev_actor actors[MAX_ACTORS];
    size_t n_actors;
    pending_event *events;
    size_t n_events, cap_events;
    pending_claim *claims;
    size_t n_claims, cap_claims;
    int failed;
} extractor;

/* ---- small helpers ------------------------------------------------------ */

static const char *const be_words[] = {"is", "are", "was", "were", "been", "being", "be",
                                       "has", "have", "had", NULL};
static const char *const irrealis_words[] = {
    "not",   "never", "no",     "t",     "will",   "would", "could", "might", "may",
    "shall", "should", "must",  "can",   "cannot", "to",    "failed", "attempt",
    "attempting", "trying", "bid", "aim", "aims", "plan", "plans", "threat", "threatened",
    "threatening", "vowed", "vow", "risk", "prevent", "avoid", "fears", "fear", "feared",
    "possible", "imminent", "potential", "ready", "poised", "unable", "refused", NULL};
static const char *const locatives[] = {"in", "near", "around", "at", "outside", "outskirts",
                                        "close", "for", "over", "on", "of", "into", "towards",
                                        "toward", "inside", "across", "throughout", "within",
                                        NULL};
static const char *const clash_words[] = {
    "fighting", "fights", "clashes", "clashed", "clash", "clashing", "battles", "battle",
    "battled", "battling", "fought", "combat", "combats", "skirmishes", "skirmish",
    "attacked", "attack", "attacks", "offensive", "assault", NULL};
static const char *const shelling_words[] = {
    "shelled", "shelling", "shells", "bombed", "bombing", "bombings", "bombs", "bombarded",
    "bombardment", "bombardments", "mortar", "mortars", "artillery", "rockets", "rocket",
    "airstrike", "airstrikes", "drone", "drones", NULL};
static const char *const kill_words[] = {"killed", "killing", "kills", "wounded", "injured",
                                   "dead", "died", "deaths", "massacred", "executed", NULL};
static const char *const adverbs[] = {
    "now", "finally", "reportedly", "also", "quickly", "already", "briefly", "effectively",
    "eventually", "later", "then", "fully", "entirely", "completely", "largely", "officially",
    "allegedly", "apparently", "just", "since", "again", "once", "recently", "swiftly",
    "temporarily", "partially", "partly", "itself", "subsequently", "soon", "ultimately",
    "initially", "first", "briefly", NULL};

static int is_tok(const extractor *x, size_t i, const char *word)
{
    return i < x->n && kvm_ev_is(&x->toks[i], word);
}

static int is_place_tok(const extractor *x, size_t i)
{
    return i < x->n && x->toks[i].kind == EV_TOK_PLACE &&
           x->mentions[x->toks[i].mention].place != NULL;
}

static int is_punct(const extractor *x, size_t i)
{
    return i < x->n && x->toks[i].kind == EV_TOK_PUNCT;
}

/* The place of a place token, with "eastern DR Congo" mapped to the
 * eastern-dr-congo region when the gazetteer has it. */
static const kvm_place *token_place(const extractor *x, size_t i)
{
    const kvm_place *p = x->mentions[x->toks[i].mention].place;
    if (p && p->kind == KVM_KIND_COUNTRY && strcmp(p->country, "CD") == 0 && i > 0 &&
        (kvm_ev_is(&x->toks[i - 1], "eastern") || kvm_ev_is(&x->toks[i - 1], "east"))) {
        const kvm_place *east = kvm_gazetteer_find_id(x->gaz, "eastern-dr-congo");
        if (east)
            return east;
    }
    return p;
}

static int geo_precision_for(const kvm_place *p, int near)
{
    if (!p)
        return KVM_GEO_REGION;
    switch (p->kind) {
    case KVM_KIND_CITY:
    case KVM_KIND_TOWN:
    case KVM_KIND_VILLAGE:
    case KVM_KIND_CAMP:
    case KVM_KIND_BORDER_POST:
    case KVM_KIND_UNKNOWN:
        return near ? KVM_GEO_NEAR : KVM_GEO_TOWN;
    case KVM_KIND_TERRITORY:
    case KVM_KIND_LAKE:
    case KVM_KIND_RIVER:
    case KVM_KIND_PARK:
    case KVM_KIND_MOUNTAIN:
        return KVM_GEO_NEAR;
    default:
        return KVM_GEO_REGION;
    }
}

static int is_area(const kvm_place *p)
{
    return p && !kvm_place_kind_is_settlement(p->kind);
}

/* ---- actors --------------------------------------------------------------- */

static const char *actor_name(const extractor *x, const kvm_ev_actor *a)
{
    if (a->name)
        return a->name;
    return x->dominant ? x->dominant : "";
}

/* The actor of the clause ending at `verb`: the nearest actor phrase before
 * it that is not the object of a preposition ("from the army", "with
 * Wazalendo"); else the article context. */
static const char *subject_actor(const extractor *x, size_t verb)
{
    static const char *const preps[] = {"from",     "against",    "with",    "by",    "between",
                                        "of",       "for",        "to",      "on",    "at",
                                        "towards",  "toward",     "alongside", "and", "backing",
                                        "supporting", "including", "among",  "into",  NULL};
    for (size_t a = x->n_actors; a-- > 0;) {
        const kvm_ev_actor *h = &x->actors[a];
        if (h->last >= verb)
            continue;
        size_t before = h->first;
        if (before > 0 && kvm_ev_is(&x->toks[before - 1], "the"))
            before--;
        if (before > 0 && kvm_ev_in(&x->toks[before - 1], preps))
            continue;
        return actor_name(x, h);
    }
    if (x->last_actor)
        return x->last_actor;
    return x->dominant ? x->dominant : "";
}

/* Who took a place when the sentence does not say ("Masisi has fallen",
 * "Sake was captured"): the article's main armed group, else the last
 * actor named.  A speaker in the sentence ("the army denied that ...") is
 * not the capturer. */
static const char *context_actor(const extractor *x)
{
    if (x->dominant)
        return x->dominant;
    return x->last_actor ? x->last_actor : "";
}

/* An actor starting within `window` tokens after position i ("by M23",
 * "to the rebels"). */
static const kvm_ev_actor *actor_after(const extractor *x, size_t i, size_t window)
{
    for (size_t a = 0; a < x->n_actors; a++) {
        const kvm_ev_actor *h = &x->actors[a];
        if (h->first > i && h->first <= i + window)
            return h;
    }
    return NULL;
}

/* The by-agent of a passive verb: "was captured on Sunday by M23". */
static const char *agent_after(const extractor *x, size_t verb_end)
{
    for (size_t k = verb_end; k < x->n && k < verb_end + 8; k++) {
        if (is_tok(x, k, "by")) {
            const kvm_ev_actor *h = actor_after(x, k, 2);
            return h ? actor_name(x, h) : NULL;
        }
        if (is_tok(x, k, ";") || is_tok(x, k, "."))
            break;
    }
    return NULL;
}

/* ---- clause tests ---------------------------------------------------------- */

/* Negated, future, conditional or infinitive uses: "did not capture",
 * "threatened to seize", "could fall", "if M23 takes Goma". */
static int irrealis(const extractor *x, size_t verb)
{

    size_t k = verb, steps = 0;
    while (k > 0 && steps < 3) {
        k--;
        const ev_token *t = &x->toks[k];
        if (t->kind == EV_TOK_PLACE)
            break;
        if (kvm_ev_has(t, EV_L_IRREALIS))
            return 1;
        if (!kvm_ev_has(t, EV_L_ADVERB) && !kvm_ev_has(t, EV_L_BE) && !kvm_ev_is(t, "the") &&
            !kvm_ev_is(t, "'"))
            break;
        steps++;
    }
    /* "had no intention of taking", "would not be able to hold" */
    static const char *const far_blockers[] = {"not", "never", "no", "will", "would", "could",
                                               "intention", "intend", "intends", "refused",
                                               "unable", "threatened", "vowed", NULL};
    for (size_t j = verb; j > 0 && verb - j <= 4;) {
        j--;
        if (x->toks[j].kind != EV_TOK_WORD)
            break;
        if (kvm_ev_in(&x->toks[j], far_blockers))
            return 1;
    }
    for (size_t j = verb; j > 0 && verb - j < 10;) {
        j--;
        if (is_punct(x, j) && (kvm_ev_is(&x->toks[j], ";") || kvm_ev_is(&x->toks[j], ".")))
            break;
        if (is_tok(x, j, "if") || is_tok(x, j, "unless") || is_tok(x, j, "whether"))
            return 1;
    }
    return 0;
}

/* 1 claimed by a party ("M23 said it had captured", "claimed"), -1 denied
 * ("the army denied that", "..., a claim the army denied"), 0 reported. */
static int claim_status(const extractor *x, size_t verb, const char *actor)
{
    static const char *const deny[] = {"denied", "denies", "deny", "denying", "dismissed",
                                       "rejected", "refuted", NULL};
    static const char *const claim[] = {"claimed", "claims", "claim", "claiming", NULL};
    static const char *const say[] = {"said", "says", "announced", "declared", "insisted",
                                      "asserted", "stated", NULL};
    for (size_t k = 0; k < verb; k++) {
        if (kvm_ev_in(&x->toks[k], deny))
            return -1;
    }
    for (size_t k = verb + 1; k < x->n && k < verb + 30; k++) {
        if (kvm_ev_is(&x->toks[k], "claim") || kvm_ev_is(&x->toks[k], "allegation") ||
            kvm_ev_is(&x->toks[k], "claims")) {
            for (size_t j = k + 1; j < x->n && j <= k + 5; j++)
                if (kvm_ev_in(&x->toks[j], deny))
                    return -1;
        }
    }
    for (size_t k = 0; k < verb; k++) {
        if (kvm_ev_in(&x->toks[k], claim))
            return 1;
        if (kvm_ev_match(x->toks, x->n, k, "according to") && actor_after(x, k + 1, 2)) {
            const kvm_ev_actor *h = actor_after(x, k + 1, 2);
            if (strcmp(actor_name(x, h), actor) == 0)
                return 1;
        }
        if (kvm_ev_in(&x->toks[k], say)) {
            /* the speaker is the actor of the capture */
            for (size_t a = x->n_actors; a-- > 0;) {
                if (x->actors[a].last < k && k - x->actors[a].last <= 4)
                    return strcmp(actor_name(x, &x->actors[a]), actor) == 0 && actor[0];
            }
        }
    }
    return 0;
}

/* The date expression nearest to a trigger: token distance plus a penalty
 * for each comma or bracket in between (a date in a relative clause belongs
 * to that clause). */
/* 1 when trigger is in the clause an anchored "two days after ..." opens:
 * after it, with no punctuation between ("two days after capturing Sake,
 * the rebels entered Goma": capturing, not entered). */
static int clause_follows(const extractor *x, const ev_date_expr *e, size_t trigger)
{
    if (trigger <= e->last)
        return 0;
    for (size_t k = e->last + 1; k < trigger; k++)
        if (x->toks[k].kind == EV_TOK_PUNCT)
            return 0;
    return 1;
}

/* The sentence's date expressions, found on first need: most tokenized
 * sentences produce no event and never need them. */
static void need_dates(extractor *x)
{
    if (x->dates_done)
        return;
    x->dates_done = 1;
    x->n_dates = kvm_ev_find_dates(x->toks, x->n, x->date, x->dates, MAX_DATES);
    /* anchored expressions, in text order so that they chain: "two days
     * earlier" from the date written before it; "(on Sunday,) two days
     * after capturing X" from the sentence's own date */
    for (size_t d = 0; d < x->n_dates; d++) {
        ev_date_expr *e = &x->dates[d];
        if (e->anchored == EV_ANCHOR_NONE)
            continue;
        const ev_date_expr *anchor = NULL;
        for (size_t b = d; b-- > 0 && !anchor;)
            if (x->dates[b].anchored != EV_ANCHOR_CLAUSE)
                anchor = &x->dates[b];
        if (e->anchored == EV_ANCHOR_CLAUSE) {
            for (size_t a = d + 1; a < x->n_dates && !anchor; a++)
                if (x->dates[a].anchored == EV_ANCHOR_NONE)
                    anchor = &x->dates[a];
        } else if (!anchor && x->have_anchor) {
            anchor = &x->anchor;
        }
        kvm_ev_resolve_anchored(e, anchor, x->date);
    }
    if (x->n_dates > 0) {
        x->anchor = x->dates[x->n_dates - 1];
        x->have_anchor = 1;
    }
}

static const ev_date_expr *date_for(extractor *x, size_t trigger)
{
    need_dates(x);
    const ev_date_expr *best = NULL;
    size_t best_cost = (size_t)-1;
    for (size_t d = 0; d < x->n_dates; d++) {
        const ev_date_expr *e = &x->dates[d];
        size_t a, b;
        if (e->anchored == EV_ANCHOR_CLAUSE && !clause_follows(x, e, trigger))
            continue; /* it dates only the clause right after it */
        if (e->last < trigger) {
            a = e->last;
            b = trigger;
        } else {
            a = trigger;
            b = e->first;
        }
        size_t cost = b - a;
        for (size_t k = a; k < b; k++)
            if (x->toks[k].kind == EV_TOK_PUNCT)
                cost += 3;
        if (cost < best_cost) {
            best_cost = cost;
            best = e;
        }
    }
    return best;
}

/* ---- collecting events ---------------------------------------------------- */

static void evidence_span(const extractor *x, size_t trigger_byte, size_t *pstart, size_t *pend)
{
    size_t s = x->sent_start, e = x->sent_end;
    while (s < e && (x->text[s] == ' ' || x->text[s] == '\n' || x->text[s] == '\t'))
        s++;
    while (e > s && (x->text[e - 1] == ' ' || x->text[e - 1] == '\n' || x->text[e - 1] == '\t'))
        e--;
    if (e - s > EVIDENCE_MAX) {
        size_t half = EVIDENCE_MAX / 2;
        size_t ns = trigger_byte > s + half ? trigger_byte - half : s;
        size_t ne = ns + EVIDENCE_MAX < e ? ns + EVIDENCE_MAX : e;
        while (ns > s && ((unsigned char)x->text[ns] & 0xC0) == 0x80)
            ns--;
        while (ne < e && ((unsigned char)x->text[ne] & 0xC0) == 0x80)
            ne++;
        s = ns;
        e = ne;
    }
    *pstart = s;
    *pend = e;
}

/* A timeline entry: a line that opens with its full date and a colon or a
 * dash ("- June 13, 2022: the rebels capture Bunagana"). */
static int timeline_entry(const extractor *x, const ev_date_expr *d)
{
    if (d->first != 0 || d->precision != KVM_TIME_DAY)
        return 0;
    if (d->last + 1 < x->n && x->toks[d->last + 1].kind == EV_TOK_PUNCT)
        return kvm_ev_is(&x->toks[d->last + 1], ":");
    size_t k = x->toks[d->last].end;
    while (k < x->sent_end && x->text[k] == ' ')
        k++;
    if (k < x->sent_end && x->text[k] == '-')
        return 1;
    return k + 2 < x->sent_end && (unsigned char)x->text[k] == 0xE2 &&
           (unsigned char)x->text[k + 1] == 0x80 &&
           ((unsigned char)x->text[k + 2] == 0x93 || (unsigned char)x->text[k + 2] == 0x94);
}

/* Background: an event dated by a written year before the article's (or,
 * without an article date, before the latest year the text names): "the
 * 2012 capture of Goma", "an agreement signed on March 23, 2009".  Without
 * an article date, a day-dated event of the year before is taken as recent
 * news, and a timeline entry as the text's own chronology. */
static int is_background(const extractor *x, const ev_date_expr *d)
{
    if (!d->year_written || x->ref_year <= 0 || d->date.year <= 0 || d->date.year >= x->ref_year)
        return 0;
    if (x->date.year > 0 || d->precision != KVM_TIME_DAY)
        return 1;
    return x->ref_year - d->date.year >= 2 && !timeline_entry(x, d);
}

static pending_event *new_event(extractor *x, kvm_event_type type, size_t trigger)
{
    if (x->failed)
        return NULL;
    if (kvm_grow((void **)&x->events, &x->cap_events, x->n_events + 1, sizeof(pending_event)) !=
        0) {
        x->failed = 1;
        return NULL;
    }
    pending_event *p = &x->events[x->n_events++];
    memset(p, 0, sizeof *p);
    kvm_event_init(&p->ev);
    p->ev.type = type;
    p->ev.article = x->article;
    p->position = x->toks[trigger].start;
    evidence_span(x, p->position, &p->ev_start, &p->ev_end);
    const ev_date_expr *d = date_for(x, trigger);
    if (d) {
        p->ev.date = d->date;
        p->ev.time_precision = d->precision;
        p->order_days = d->order_days;
        p->dated = 1;
        if (is_background(x, d))
            p->ev.historical = 1;
    } else {
        /* no date in the sentence: reported as recent news */
        p->ev.date = x->date;
        p->ev.time_precision = x->date.year > 0 ? KVM_TIME_WEEK : 0;
        p->order_days = 0;
    }
    return p;
}

static void set_event_place(const extractor *x, pending_event *p, size_t tok, int near)
{
    const kvm_place *place = token_place(x, tok);
    const kvm_mention *m = &x->mentions[x->toks[tok].mention];
    p->ev.place = place;
    p->ev.geo_precision = geo_precision_for(place, near);
    p->ev.mention_start = m->start;
    p->ev.mention_end = m->end;
    p->ev.method = m->method ? m->method : "";
    p->ev.confidence = m->confidence;
}

/* ---- place lists ------------------------------------------------------------ */

static const char *const object_fillers[] = {
    "the", "a", "an", "key", "strategic", "strategically", "nearby", "neighbouring",
    "neighboring", "important", "major", "main", "small", "large", "big", "mining", "border",
    "lakeside", "commercial", "trading", "market", "provincial", "regional", "rural", "remote",
    "northern", "southern", "eastern", "western", "central", "town", "city", "village",
    "locality", "capital", "hub", "centre", "center", "camp", "post", "of", "control", "over",
    "full", "much", "most", "part", "all", "rest", "gold", "coltan", "tin", "crossing",
    "frontier", "base", "military", "settlement", "its", "their", "two", "three", "four",
    "several", "other", "also", "both", "vital", "lucrative", "agricultural", "fishing", "port",
    "administrative", "headquarters", "entire", "whole", "huge", "more", "further", "new",
    "another", "some", "many", "numerous", "remaining", "second", "third", "largest", "biggest",
    "hilltop", "trade", "gateway", "economic", "garrison", "transit", "busy", "northeastern",
    "northwestern", "southeastern", "southwestern", "coveted", "symbolic", "critical", "crucial",
    "heavily", "populated", "densely", "mineral", "rich", "resource", "nearby", "surrounding",
    "local", "large", "chiefdom", "groupement", "airport", "effective", "total", "de", "facto",
    "most", NULL};
static const char *const vague_nouns[] = {
    "territory", "territories", "towns", "cities", "villages", "localities", "areas", "swathes",
    "swaths", "swathe", "swath", "ground", "land", "lands", "positions", "parts", "regions",
    "zones", "hills", "settlements", "places", "communities", "locations", "area", NULL};
/* "nearby" is not among them: "the nearby town of Katale", "nearby Sake"
 * name the town itself. */
static const char *const near_words[] = {"near", "outskirts", "around", "vicinity", "environs",
                                         "surroundings", "outside", "close", "edge", "edges",
                                         "gates", NULL};
static const char *const region_preps[] = {"in", "across", "throughout", "around", "near",
                                           "of", "within", NULL};

typedef struct place_list {
    size_t toks[MAX_LIST];
    size_t count;
    int near;
    int region; /* reached through "swathes of territory in ..." */
} place_list;

/* Separators inside a list of places: ",", "and", ", and", "as well as",
 * "then", "and then". Returns tokens consumed. */
static size_t list_separator(const extractor *x, size_t k)
{
    size_t m;
    if ((m = kvm_ev_match(x->toks, x->n, k, ", and then")) || (m = kvm_ev_match(x->toks, x->n, k, ", and")) ||
        (m = kvm_ev_match(x->toks, x->n, k, "and then")) ||
        (m = kvm_ev_match(x->toks, x->n, k, "as well as")) || (m = kvm_ev_match(x->toks, x->n, k, ",")) ||
        (m = kvm_ev_match(x->toks, x->n, k, "and")) || (m = kvm_ev_match(x->toks, x->n, k, "then")) ||
        (m = kvm_ev_match(x->toks, x->n, k, "or")))
        return m;
    return 0;
}

static int is_possessive(const extractor *x, size_t k)
{
    return is_tok(x, k + 1, "'") && is_tok(x, k + 2, "s");
}

/* "the city", "the town": the nearest settlement of that sort named before
 * token i in this sentence.  Sets *ptok to its place token. */
static int anaphora_place(const extractor *x, size_t i, size_t *ptok)
{
    const ev_token *t = &x->toks[i];
    int want_city = kvm_ev_is(t, "city") || kvm_ev_is(t, "capital");
    int want_town = kvm_ev_is(t, "town") || kvm_ev_is(t, "village");
    if (!want_city && !want_town)
        return 0;
    for (size_t k = i; k-- > 0;) {
        if (!is_place_tok(x, k))
            continue;
        const kvm_place *p = token_place(x, k);
        if (want_city && p->kind == KVM_KIND_CITY) {
            *ptok = k;
            return 1;
        }
        if (want_town && (p->kind == KVM_KIND_TOWN || p->kind == KVM_KIND_VILLAGE)) {
            *ptok = k;
            return 1;
        }
    }
    return 0;
}

/* The places a verb acts on, from token i: "the key town of Masisi",
 * "the towns of Katale and Masisi", "Rubaya, Kitshanga and Mweso",
 * "swathes of territory in eastern DRC" (region). */
static void scan_objects(const extractor *x, size_t i, place_list *out)
{
    memset(out, 0, sizeof *out);
    size_t k = i;
    int saw_vague = 0;
    size_t fillers = 0;
    while (k < x->n && fillers < 10) {
        const ev_token *t = &x->toks[k];
        if (t->kind == EV_TOK_PLACE)
            break;
        if (kvm_ev_has(t, EV_L_NEAR)) {
            out->near = 1;
        } else if (kvm_ev_has(t, EV_L_VAGUE)) {
            saw_vague = 1;
            /* "towns in X": a region; "towns of X and Y": a list */
            if (k + 1 < x->n && !kvm_ev_is(&x->toks[k + 1], "of") &&
                kvm_ev_has(&x->toks[k + 1], EV_L_REGION_PREP)) {
                size_t j = k + 2;
                while (j < x->n && j < k + 5 && !is_place_tok(x, j) &&
                       kvm_ev_has(&x->toks[j], EV_L_FILLER))
                    j++;
                if (is_place_tok(x, j)) {
                    out->toks[out->count++] = j;
                    out->region = 1;
                    if (kvm_ev_has(&x->toks[k + 1], EV_L_NEAR))
                        out->near = 1;
                }
                return;
            }
        } else if (!kvm_ev_has(t, EV_L_FILLER)) {
            return;
        }
        k++;
        fillers++;
    }
    (void)saw_vague;
    while (k < x->n && out->count < MAX_LIST) {
        if (!is_place_tok(x, k))
            return;
        if (out->count > 0 && is_possessive(x, k))
            return;
        out->toks[out->count++] = k;
        k++;
        size_t sep = list_separator(x, k);
        if (!sep)
            return;
        size_t j = k + sep;
        size_t skipped = 0;
        /* "Katale and the town of Masisi" is a list; "Goma, the capital of
         * North Kivu" an apposition */
        int bare_comma = sep == 1 && is_tok(x, k, ",");
        while (!bare_comma && j < x->n && skipped < 4 && !is_place_tok(x, j) &&
               kvm_ev_has(&x->toks[j], EV_L_FILLER)) {
            j++;
            skipped++;
        }
        if (!is_place_tok(x, j))
            return;
        k = j;
    }
}

/* The places before a verb in the passive or with "fell": walk back over
 * auxiliaries and adverbs to a place (list): "Rubaya, Kitshanga and Mweso
 * were captured", "Masisi has fallen".  After an apposition ("Goma, the
 * provincial capital, fell") the sentence's first place is the subject. */
static void scan_subjects(const extractor *x, size_t verb, place_list *out)
{
    memset(out, 0, sizeof *out);
    size_t k = verb;
    while (k > 0 && (kvm_ev_has(&x->toks[k - 1], EV_L_BE) || kvm_ev_has(&x->toks[k - 1], EV_L_ADVERB)))
        k--;
    if (k > 0 && is_place_tok(x, k - 1)) {
        size_t tmp[MAX_LIST];
        size_t c = 0;
        size_t j = k - 1;
        tmp[c++] = j;
        while (c < MAX_LIST && j >= 2) {
            size_t before = j;
            if (kvm_ev_is(&x->toks[before - 1], "and") || kvm_ev_is(&x->toks[before - 1], ",")) {
                size_t p = before - 1;
                if (p > 0 && kvm_ev_is(&x->toks[p], "and") && kvm_ev_is(&x->toks[p - 1], ","))
                    p--;
                if (p > 0 && is_place_tok(x, p - 1)) {
                    j = p - 1;
                    tmp[c++] = j;
                    continue;
                }
            }
            break;
        }
        for (size_t a = c; a-- > 0;)
            out->toks[out->count++] = tmp[a];
        return;
    }
    if (k > 0 && (kvm_ev_is(&x->toks[k - 1], ",") || kvm_ev_is(&x->toks[k - 1], ")"))) {
        for (size_t j = 0; j < k && j < 12; j++) {
            if (is_place_tok(x, j)) {
                out->toks[out->count++] = j;
                return;
            }
        }
        return;
    }
    /* "the city fell to the M23": the city last named */
    size_t tok;
    if (k >= 2 && kvm_ev_is(&x->toks[k - 2], "the") &&
        anaphora_place(x, k - 1, &tok))
        out->toks[out->count++] = tok;
}

/* A place introduced by a locative word after position i within the
 * clause: "in Masisi", "near Sake", "around Goma", "on the outskirts of
 * Goma", "for Goma".  Fills out (one list). */
static int locative_places(const extractor *x, size_t from, size_t to, place_list *out)
{

    memset(out, 0, sizeof *out);
    for (size_t k = from; k < to && k < x->n; k++) {
        if (!is_place_tok(x, k))
            continue;
        /* look back up to 4 tokens for a locative */
        int ok = 0, near = 0;
        for (size_t b = k; b > from && k - b < 5;) {
            b--;
            const ev_token *t = &x->toks[b];
            if (kvm_ev_has(t, EV_L_NEAR))
                near = 1;
            if (kvm_ev_has(t, EV_L_LOCATIVE)) {
                ok = 1;
                break;
            }
            if (!kvm_ev_has(t, EV_L_FILLER) && !kvm_ev_has(t, EV_L_NEAR))
                break;
        }
        if (!ok)
            continue;
        out->near = near;
        size_t j = k;
        while (j < x->n && out->count < MAX_LIST && is_place_tok(x, j)) {
            if (out->count > 0 && is_possessive(x, j))
                break;
            out->toks[out->count++] = j;
            size_t sep = list_separator(x, j + 1);
            if (!sep || !is_place_tok(x, j + 1 + sep))
                break;
            j = j + 1 + sep;
        }
        return 1;
    }
    return 0;
}

/* ---- captures, recaptures, withdrawals ------------------------------------ */

enum { MODE_OBJECT = 1, MODE_FELL, MODE_NOUN, MODE_UNDER };

typedef struct verb_rule {
    const char *phrase;
    kvm_event_type type;
    int mode;
    int needs_actor; /* 1 "entered": only for an armed actor; 2 "controls": only
                        in a sentence dated to the day (a timeline entry) */
} verb_rule;

static const verb_rule verb_rules[] = {
    {"took control of", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"taken control of", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"take control of", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"takes control of", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"taking control of", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"seized control of", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"gained control of", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"wrested control of", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"assumed control of", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"regained control of", KVM_EVENT_RECAPTURE, MODE_OBJECT, 0},
    {"regain control of", KVM_EVENT_RECAPTURE, MODE_OBJECT, 0},
    {"regaining control of", KVM_EVENT_RECAPTURE, MODE_OBJECT, 0},
    {"recovered control of", KVM_EVENT_RECAPTURE, MODE_OBJECT, 0},
    {"took back", KVM_EVENT_RECAPTURE, MODE_OBJECT, 0},
    {"take back", KVM_EVENT_RECAPTURE, MODE_OBJECT, 0},
    {"taken back", KVM_EVENT_RECAPTURE, MODE_OBJECT, 0},
    {"won back", KVM_EVENT_RECAPTURE, MODE_OBJECT, 0},
    {"wrested back", KVM_EVENT_RECAPTURE, MODE_OBJECT, 0},
    {"took over", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"taken over", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"taking over", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"take over", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"takes over", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"advanced into", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"pushed into", KVM_EVENT_CAPTURE, MODE_OBJECT, 1},
    {"moved into", KVM_EVENT_CAPTURE, MODE_OBJECT, 1},
    {"marched into", KVM_EVENT_CAPTURE, MODE_OBJECT, 1},
    {"swept into", KVM_EVENT_CAPTURE, MODE_OBJECT, 1},
    {"rolled into", KVM_EVENT_CAPTURE, MODE_OBJECT, 1},
    {"now controls", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"now control", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"captured", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"capture", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"captures", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"capturing", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"seized", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"seize", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"seizes", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"seizing", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"overran", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"overrun", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"overruns", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"overrunning", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"occupied", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"occupies", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"occupying", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"stormed", KVM_EVENT_CAPTURE, MODE_OBJECT, 1},
    {"entered", KVM_EVENT_CAPTURE, MODE_OBJECT, 1},
    {"enters", KVM_EVENT_CAPTURE, MODE_OBJECT, 1},
    {"entering", KVM_EVENT_CAPTURE, MODE_OBJECT, 1},
    {"enter", KVM_EVENT_CAPTURE, MODE_OBJECT, 1},
    {"controls", KVM_EVENT_CAPTURE, MODE_OBJECT, 2},
    {"controlled", KVM_EVENT_CAPTURE, MODE_OBJECT, 2},
    {"took", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"taken", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"take", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"takes", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"taking", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"recaptured", KVM_EVENT_RECAPTURE, MODE_OBJECT, 0},
    {"recapture", KVM_EVENT_RECAPTURE, MODE_OBJECT, 0},
    {"recaptures", KVM_EVENT_RECAPTURE, MODE_OBJECT, 0},
    {"recapturing", KVM_EVENT_RECAPTURE, MODE_OBJECT, 0},
    {"retook", KVM_EVENT_RECAPTURE, MODE_OBJECT, 0},
    {"retake", KVM_EVENT_RECAPTURE, MODE_OBJECT, 0},
    {"retaken", KVM_EVENT_RECAPTURE, MODE_OBJECT, 0},
    {"retakes", KVM_EVENT_RECAPTURE, MODE_OBJECT, 0},
    {"retaking", KVM_EVENT_RECAPTURE, MODE_OBJECT, 0},
    {"regained", KVM_EVENT_RECAPTURE, MODE_OBJECT, 0},
    {"reclaimed", KVM_EVENT_RECAPTURE, MODE_OBJECT, 0},
    {"liberated", KVM_EVENT_CAPTURE, MODE_OBJECT, 0},
    {"withdrew from", KVM_EVENT_WITHDRAWAL, MODE_OBJECT, 0},
    {"withdrawn from", KVM_EVENT_WITHDRAWAL, MODE_OBJECT, 0},
    {"withdraw from", KVM_EVENT_WITHDRAWAL, MODE_OBJECT, 0},
    {"withdraws from", KVM_EVENT_WITHDRAWAL, MODE_OBJECT, 0},
    {"withdrawing from", KVM_EVENT_WITHDRAWAL, MODE_OBJECT, 0},
    {"withdrawal from", KVM_EVENT_WITHDRAWAL, MODE_OBJECT, 0},
    {"pulled out of", KVM_EVENT_WITHDRAWAL, MODE_OBJECT, 0},
    {"pull out of", KVM_EVENT_WITHDRAWAL, MODE_OBJECT, 0},
    {"pulling out of", KVM_EVENT_WITHDRAWAL, MODE_OBJECT, 0},
    {"pulls out of", KVM_EVENT_WITHDRAWAL, MODE_OBJECT, 0},
    {"pulled back from", KVM_EVENT_WITHDRAWAL, MODE_OBJECT, 0},
    {"retreated from", KVM_EVENT_WITHDRAWAL, MODE_OBJECT, 0},
    {"retreating from", KVM_EVENT_WITHDRAWAL, MODE_OBJECT, 0},
    {"fled from", KVM_EVENT_NONE, 0, 0}, /* displacement, not a withdrawal */
    {"abandoned", KVM_EVENT_WITHDRAWAL, MODE_OBJECT, 0},
    {"capture of", KVM_EVENT_CAPTURE, MODE_NOUN, 0},
    {"seizure of", KVM_EVENT_CAPTURE, MODE_NOUN, 0},
    {"fall of", KVM_EVENT_CAPTURE, MODE_NOUN, 0},
    {"takeover of", KVM_EVENT_CAPTURE, MODE_NOUN, 0},
    {"occupation of", KVM_EVENT_CAPTURE, MODE_NOUN, 0},
    {"conquest of", KVM_EVENT_CAPTURE, MODE_NOUN, 0},
    {"recapture of", KVM_EVENT_RECAPTURE, MODE_NOUN, 0},
    {"retaking of", KVM_EVENT_RECAPTURE, MODE_NOUN, 0},
    {"fell", KVM_EVENT_CAPTURE, MODE_FELL, 0},
    {"fallen", KVM_EVENT_CAPTURE, MODE_FELL, 0},
    {"falls", KVM_EVENT_CAPTURE, MODE_FELL, 0},
    {"fall", KVM_EVENT_CAPTURE, MODE_FELL, 0},
    {"under", KVM_EVENT_CAPTURE, MODE_UNDER, 0},
};

#define N_VERB_RULES (sizeof verb_rules / sizeof verb_rules[0])

/* verb_rules indices by first byte (table order kept within a byte):
 * verb_by_first[verb_first[c] .. verb_first[c + 1]).  Built once, with the
 * keyword table (kvm_ev_register_rule_words). */
static unsigned short verb_first[257];
static unsigned short verb_by_first[N_VERB_RULES];

static void build_verb_buckets(void)
{
    size_t counts[257] = {0};
    for (size_t r = 0; r < N_VERB_RULES; r++)
        counts[(unsigned char)verb_rules[r].phrase[0] + 1]++;
    for (size_t c = 0; c < 256; c++)
        counts[c + 1] += counts[c];
    for (size_t c = 0; c <= 256; c++)
        verb_first[c] = (unsigned short)counts[c];
    for (size_t r = 0; r < N_VERB_RULES; r++)
        verb_by_first[counts[(unsigned char)verb_rules[r].phrase[0]]++] = (unsigned short)r;
}

static const verb_rule *match_verb(const extractor *x, size_t i, size_t *plen)
{
    const ev_token *t = &x->toks[i];
    if (!kvm_ev_has(t, EV_F_TERRITORY))
        return NULL;
    const verb_rule *best = NULL;
    size_t best_len = 0;
    unsigned char c0 = (unsigned char)t->text[0];
    for (size_t b = verb_first[c0]; b < verb_first[c0 + 1]; b++) {
        size_t r = verb_by_first[b];
        size_t m = kvm_ev_match(x->toks, x->n, i, verb_rules[r].phrase);
        if (m > best_len) {
            best_len = m;
            best = &verb_rules[r];
        }
    }
    *plen = best_len;
    return best;
}

static int passive_voice(const extractor *x, size_t verb, size_t verb_len)
{
    size_t k = verb;
    while (k > 0 && kvm_ev_has(&x->toks[k - 1], EV_L_ADVERB))
        k--;
    if (k > 0) {
        const ev_token *t = &x->toks[k - 1];
        if (kvm_ev_is(t, "was") || kvm_ev_is(t, "were") || kvm_ev_is(t, "been") ||
            kvm_ev_is(t, "being") || kvm_ev_is(t, "is") || kvm_ev_is(t, "are") ||
            kvm_ev_is(t, "be"))
            return 1;
    }
    size_t j = verb + verb_len;
    while (j < x->n && j < verb + verb_len + 4 && kvm_ev_has(&x->toks[j], EV_L_ADVERB))
        j++;
    return is_tok(x, j, "by");
}

static void add_place_events(extractor *x, kvm_event_type type, size_t trigger,
                             const place_list *places, const char *actor, int claimed)
{
    if (type == KVM_EVENT_CAPTURE && kvm_ev_actor_is_government_side(actor))
        type = KVM_EVENT_RECAPTURE;
    for (size_t p = 0; p < places->count; p++) {
        const kvm_place *place = token_place(x, places->toks[p]);
        /* one event per place and type in a sentence */
        int dup = 0;
        for (size_t e = x->n_events; e-- > 0 && x->events[e].position >= x->sent_start;)
            if (x->events[e].ev.type == type && x->events[e].ev.place == place)
                dup = 1;
        if (dup)
            continue;
        pending_event *ev = new_event(x, type, trigger);
        if (!ev)
            return;
        set_event_place(x, ev, places->toks[p], places->near);
        if (places->region && ev->ev.geo_precision < KVM_GEO_NEAR)
            ev->ev.geo_precision = KVM_GEO_NEAR;
        ev->ev.actor1 = actor ? actor : "";
        ev->ev.claimed = claimed;
    }
}

static void rule_territory(extractor *x)
{
    for (size_t i = 0; i < x->n; i++) {
        size_t len;
        const verb_rule *rule = match_verb(x, i, &len);
        if (!rule || rule->type == KVM_EVENT_NONE) {
            if (rule)
                i += len - 1;
            continue;
        }
        place_list places;
        const char *actor = NULL;
        memset(&places, 0, sizeof places);
        if (rule->mode == MODE_OBJECT) {
            if (irrealis(x, i))
                continue;
            if (rule->needs_actor == 2) {
                int day = 0;
                need_dates(x);
                for (size_t d = 0; d < x->n_dates; d++)
                    if (x->dates[d].precision == KVM_TIME_DAY)
                        day = 1;
                if (!day)
                    continue;
            }
            if (passive_voice(x, i, len)) {
                scan_subjects(x, i, &places);
                actor = agent_after(x, i + len);
                if (!actor)
                    actor = context_actor(x);
            } else {
                scan_objects(x, i + len, &places);
            }
            if (!actor) {
                size_t before = x->n_actors;
                (void)before;
                actor = subject_actor(x, i);
                if (rule->needs_actor == 1 && !actor[0])
                    continue;
                if (rule->needs_actor == 1) {
                    /* "entered", "moved into": only an armed actor named in
                     * the clause takes a place by entering it */
                    int named = 0;
                    for (size_t a = 0; a < x->n_actors; a++)
                        if (x->actors[a].last < i)
                            named = 1;
                    if (!named)
                        continue;
                }
            }
        } else if (rule->mode == MODE_NOUN) {
            /* "fears of the fall of Goma", "could lead to the capture of" */
            size_t k = i;
            int blocked = 0;
            while (k > 0 && i - k < 4) {
                k--;
                if (kvm_ev_is(&x->toks[k], "threat") || kvm_ev_is(&x->toks[k], "fears") ||
                    kvm_ev_is(&x->toks[k], "fear") || kvm_ev_is(&x->toks[k], "prevent") ||
                    kvm_ev_is(&x->toks[k], "avoid") || kvm_ev_is(&x->toks[k], "risk") ||
                    kvm_ev_is(&x->toks[k], "imminent") || kvm_ev_is(&x->toks[k], "possible") ||
                    kvm_ev_is(&x->toks[k], "potential") || kvm_ev_is(&x->toks[k], "would") ||
                    kvm_ev_is(&x->toks[k], "could") || kvm_ev_is(&x->toks[k], "attempted"))
                    blocked = 1;
            }
            if (blocked)
                continue;
            scan_objects(x, i + len, &places);
            if (places.count && !places.region) {
                size_t after = places.toks[places.count - 1];
                actor = agent_after(x, after + 1);
            }
            if (!actor) {
                /* "the M23 capture of", "the rebels' seizure of" */
                for (size_t a = 0; a < x->n_actors; a++)
                    if (x->actors[a].last < i && i - x->actors[a].last <= 3)
                        actor = actor_name(x, &x->actors[a]);
            }
            if (!actor)
                actor = context_actor(x);
        } else if (rule->mode == MODE_FELL) {
            if (irrealis(x, i))
                continue;
            size_t k = i + len;
            static const char *const after_fell[] = {
                "to", "into", "under", ",", ".", ";", "after", "on", "overnight", "late",
                "early", "without", "following", "as", "when", "within", "in", "last",
                "yesterday", "this", "earlier", "amid", "days", "hours", "weeks", "on", "and",
                "at", "over", "shortly", "quickly", "despite", NULL};
            static const char *const counts[] = {"two", "three", "four", "five", "a", NULL};
            if (k < x->n && !kvm_ev_in(&x->toks[k], after_fell) &&
                x->toks[k].kind != EV_TOK_NUMBER && !kvm_ev_in(&x->toks[k], counts))
                continue;
            if (is_tok(x, k, "on") && (is_place_tok(x, k + 1) || is_tok(x, k + 1, "the")))
                continue; /* "shells fell on Goma" */
            scan_subjects(x, i, &places);
            if (is_tok(x, k, "to")) {
                const kvm_ev_actor *h = actor_after(x, k, 2);
                if (h)
                    actor = actor_name(x, h);
            } else if (kvm_ev_match(x->toks, x->n, k, "into the hands of")) {
                const kvm_ev_actor *h = actor_after(x, k + 3, 2);
                if (h)
                    actor = actor_name(x, h);
            }
            if (!actor)
                actor = context_actor(x);
        } else if (rule->mode == MODE_UNDER) {
            /* "Rubaya is now under the control of M23", "came under M23 control" */
            size_t k = i + 1;
            if (is_tok(x, k, "the"))
                k++;
            const kvm_ev_actor *h = NULL;
            if (is_tok(x, k, "control") && is_tok(x, k + 1, "of")) {
                h = actor_after(x, k + 1, 2);
            } else {
                h = actor_after(x, i, 2);
                if (h && !is_tok(x, h->last + 1, "control"))
                    h = NULL;
            }
            if (!h)
                continue;
            size_t b = i;
            while (b > 0 && kvm_ev_has(&x->toks[b - 1], EV_L_ADVERB))
                b--;
            if (b == 0 || !(kvm_ev_is(&x->toks[b - 1], "came") || kvm_ev_is(&x->toks[b - 1], "come") ||
                            kvm_ev_is(&x->toks[b - 1], "fell") || (b < i && kvm_ev_is(&x->toks[b], "now"))))
                continue;
            scan_subjects(x, b - 1, &places);
            actor = actor_name(x, h);
        }
        if (places.count == 0)
            continue;
        int claimed = claim_status(x, i, actor ? actor : "");
        add_place_events(x, rule->type, i, &places, actor, claimed);
        i += len - 1;
    }
}

/* ---- clashes and shelling ----------------------------------------------- */

static void two_actors(extractor *x, size_t trigger, const char **pa1, const char **pa2)
{
    *pa1 = NULL;
    *pa2 = NULL;
    /* "between X and Y" */
    for (size_t k = trigger; k < x->n && k < trigger + 6; k++) {
        if (is_tok(x, k, "between")) {
            const kvm_ev_actor *a = actor_after(x, k, 2);
            if (a) {
                const kvm_ev_actor *b = actor_after(x, a->last + 1, 2);
                *pa1 = actor_name(x, a);
                if (b)
                    *pa2 = actor_name(x, b);
                return;
            }
        }
    }
    const char *subject = NULL;
    for (size_t a = x->n_actors; a-- > 0;)
        if (x->actors[a].last < trigger) {
            subject = actor_name(x, &x->actors[a]);
            break;
        }
    const char *object = NULL;
    for (size_t a = 0; a < x->n_actors; a++)
        if (x->actors[a].first > trigger && x->actors[a].first <= trigger + 4) {
            const char *name = actor_name(x, &x->actors[a]);
            if (!subject || strcmp(name, subject) != 0) {
                object = name;
                break;
            }
        }
    *pa1 = subject ? subject : object;
    *pa2 = subject ? object : NULL;
    if (!*pa1)
        *pa1 = x->last_actor ? x->last_actor : "";
}

static void rule_clashes_and_shelling(extractor *x)
{
    int done_clash = 0, done_shelling = 0;
    for (size_t i = 0; i < x->n; i++) {
        int clash = kvm_ev_has(&x->toks[i], EV_F_CLASH);
        int shell = !clash && kvm_ev_has(&x->toks[i], EV_F_SHELLING);
        if (!clash && !shell)
            continue;
        if ((clash && done_clash) || (shell && done_shelling))
            continue;
        if (irrealis(x, i))
            continue;
        place_list places;
        size_t clause_end = i;
        while (clause_end < x->n && !is_tok(x, clause_end, ";") && !is_tok(x, clause_end, "."))
            clause_end++;
        int found = 0;
        /* direct objects: "shelled Goma", "attacked Sake" */
        if (i + 1 < x->n && is_place_tok(x, i + 1) &&
            (kvm_ev_is(&x->toks[i], "shelled") || kvm_ev_is(&x->toks[i], "bombed") ||
             kvm_ev_is(&x->toks[i], "bombarded") || kvm_ev_is(&x->toks[i], "attacked"))) {
            scan_objects(x, i + 1, &places);
            found = places.count > 0;
        }
        if (!found)
            found = locative_places(x, i + 1, clause_end, &places);
        if (!found)
            found = locative_places(x, 0, i, &places);
        if (!found)
            continue;
        const char *a1, *a2;
        two_actors(x, i, &a1, &a2);
        kvm_event_type type = clash ? KVM_EVENT_CLASH : KVM_EVENT_SHELLING;
        for (size_t p = 0; p < places.count; p++) {
            pending_event *ev = new_event(x, type, i);
            if (!ev)
                return;
            set_event_place(x, ev, places.toks[p], places.near);
            ev->ev.actor1 = a1 ? a1 : "";
            ev->ev.actor2 = a2 ? a2 : "";
        }
        if (clash)
            done_clash = 1;
        else
            done_shelling = 1;
    }
}

/* ---- agreements --------------------------------------------------------- */

static const char *const agreement_nouns[] = {"ceasefire", "truce", "agreement", "accord",
                                               "deal", "accords", NULL};
static const char *const agreement_verbs[] = {"signed",   "agreed", "reached", "announced",
                                              "declared", "brokered", "sealed", "struck", NULL};

static void rule_agreements(extractor *x)
{
    size_t noun = (size_t)-1, verb = (size_t)-1;
    for (size_t i = 0; i < x->n; i++) {
        if (!kvm_ev_has(&x->toks[i], EV_F_AGREE_NOUN | EV_F_AGREE_VERB))
            continue;
        if (noun == (size_t)-1 && (kvm_ev_in(&x->toks[i], agreement_nouns) ||
                                   kvm_ev_match(x->toks, x->n, i, "cease fire")))
            noun = i;
        if (verb == (size_t)-1 && kvm_ev_in(&x->toks[i], agreement_verbs) && !irrealis(x, i))
            verb = i;
        if (kvm_ev_match(x->toks, x->n, i, "took effect") ||
            kvm_ev_match(x->toks, x->n, i, "came into effect") ||
            kvm_ev_match(x->toks, x->n, i, "came into force"))
            if (verb == (size_t)-1 && !irrealis(x, i))
                verb = i;
    }
    if (noun == (size_t)-1 || verb == (size_t)-1)
        return;
    size_t at = noun < verb ? noun : verb;
    pending_event *ev = new_event(x, KVM_EVENT_AGREEMENT, at);
    if (!ev)
        return;
    place_list places;
    if (locative_places(x, 0, x->n, &places) && places.count)
        set_event_place(x, ev, places.toks[0], 0);
    const char *a1 = NULL, *a2 = NULL;
    for (size_t a = 0; a < x->n_actors; a++) {
        const char *name = actor_name(x, &x->actors[a]);
        if (!name[0])
            continue;
        if (!a1)
            a1 = name;
        else if (!a2 && strcmp(name, a1) != 0)
            a2 = name;
    }
    ev->ev.actor1 = a1 ? a1 : "";
    ev->ev.actor2 = a2 ? a2 : "";
}

/* ---- displacement ---------------------------------------------------------- */

static const char *const displacement_verbs[] = {
    "displaced", "displacing", "displace", "displaces", "displacement", "fled", "flee",
    "fleeing", "flees", "uprooted", "uprooting", "evacuated", "evacuation", NULL};
/* Words that only signal displacement next to a count: "7,000 refugees",
 * "thousands more crossed into Uganda". */
static const char *const displacement_nouns[] = {"refugees", "idps", "evacuees", "crossed",
                                                 "arrived", "poured", "received", NULL};
static const char *const people_words[] = {
    "people", "persons", "civilians", "residents", "inhabitants", "families", "households",
    "refugees", "idps", "displaced", "villagers", "children", "women", "individuals", "others",
    "more", NULL};

typedef struct count_hit {
    size_t first, last;
    long long min, max;
    int used;
} count_hit;

static int is_kill_context(const extractor *x, size_t first)
{

    for (size_t k = first; k > 0 && first - k < 3;) {
        k--;
        if (kvm_ev_has(&x->toks[k], EV_L_KILL))
            return 1;
    }
    return 0;
}

/* A destination word at k: "to", "into", "towards", "for"; "neighbouring
 * countries" and "abroad" give text without a place. */
static void displacement_places(extractor *x, size_t from, size_t to, size_t trigger,
                                pending_event *ev)
{
    static const char *const dest_preps[] = {"to", "into", "towards", "toward", "reached",
                                             "reaching", NULL};
    static const char *const shelter[] = {"camps", "camp", "sites", "site", "sheltering",
                                          "settled", "shelters", "arrived", "refuge", "shelter",
                                          NULL};
    const kvm_place *origin = NULL, *dest = NULL, *other = NULL;
    size_t origin_tok = 0, dest_tok = 0, other_tok = 0;
    int dest_near = 0;
    for (size_t k = from; k < to; k++) {
        const ev_token *t = &x->toks[k];
        if (kvm_ev_match(x->toks, x->n, k, "neighbouring countries") ||
            kvm_ev_match(x->toks, x->n, k, "neighboring countries") ||
            kvm_ev_match(x->toks, x->n, k, "other countries")) {
            ev->ev.destination_text = "neighbouring countries";
            continue;
        }
        if (kvm_ev_is(t, "abroad")) {
            ev->ev.destination_text = "abroad";
            continue;
        }
        if (kvm_ev_match(x->toks, x->n, k, "across the border") && !ev->ev.destination_text[0])
            ev->ev.destination_text = "across the border";
        if (!is_place_tok(x, k))
            continue;
        const kvm_place *p = token_place(x, k);
        /* the word(s) before the place */
        int role = 0; /* 1 origin, 2 destination, 3 located */
        int near = 0;
        for (size_t b = k; b > from && k - b < 5;) {
            b--;
            const ev_token *w = &x->toks[b];
            if (kvm_ev_has(w, EV_L_NEAR))
                near = 1;
            if (kvm_ev_is(w, "from") || kvm_ev_match(x->toks, x->n, b, "out of") ||
                ((kvm_ev_is(w, "fled") || kvm_ev_is(w, "flee") || kvm_ev_is(w, "fleeing") ||
                  kvm_ev_is(w, "left") || kvm_ev_is(w, "deserted")) && b + 1 == k)) {
                role = 1;
                break;
            }
            if (kvm_ev_in(w, dest_preps)) {
                role = 2;
                break;
            }
            if (kvm_ev_in(w, shelter)) {
                role = 2;
                break;
            }
            if (kvm_ev_is(w, "in") || kvm_ev_is(w, "around") || kvm_ev_is(w, "near") ||
                kvm_ev_is(w, "at") || kvm_ev_is(w, "outside")) {
                /* "in camps around Goma" -> destination */
                int in_camps = 0;
                for (size_t c = b; c > from && b - c < 4;) {
                    c--;
                    if (kvm_ev_in(&x->toks[c], shelter))
                        in_camps = 1;
                }
                role = in_camps ? 2 : 3;
                continue;
            }
            if (!kvm_ev_has(w, EV_L_FILLER) && !kvm_ev_has(w, EV_L_NEAR) &&
                !kvm_ev_is(w, "neighbouring") && !kvm_ev_is(w, "neighboring"))
                break;
        }
        if (role == 1 && !origin) {
            origin = p;
            origin_tok = k;
        } else if (role == 2 && !dest) {
            dest = p;
            dest_tok = k;
            dest_near = near;
        } else if (!other && role == 3 &&
                   (k > trigger ? k - trigger : trigger - k) <= 8) {
            other = p;
            other_tok = k;
        }
    }
    if (origin)
        ev->ev.origin = token_place(x, origin_tok);
    if (dest) {
        ev->ev.destination = token_place(x, dest_tok);
        ev->ev.destination_text = "";
    }
    if (origin)
        set_event_place(x, ev, origin_tok, 0);
    else if (dest)
        set_event_place(x, ev, dest_tok, dest_near);
    else if (other)
        set_event_place(x, ev, other_tok, 0);
}

/* The nearest area (region, province, country, territory) named before the
 * trigger, in this sentence or earlier ones: where an unlocated
 * displacement happened.  Areas of DR Congo come first (the war's country):
 * a capital named for talks abroad is not where people fled from. */
static int context_area(const kvm_place *p)
{
    return p && is_area(p) && p->kind != KVM_KIND_LAKE && p->kind != KVM_KIND_PARK &&
           p->kind != KVM_KIND_RIVER && p->kind != KVM_KIND_MOUNTAIN &&
           p->kind != KVM_KIND_CONTINENT;
}

static void context_region(extractor *x, pending_event *ev, size_t trigger_byte)
{
    size_t m = 0;
    while (m < x->n_mentions && x->mentions[m].start < trigger_byte)
        m++;
    size_t chosen = (size_t)-1;
    for (size_t k = m; k-- > 0;) {
        const kvm_place *p = x->mentions[k].place;
        if (!context_area(p))
            continue;
        if (strcmp(p->country, "CD") == 0) {
            chosen = k;
            break;
        }
        if (chosen == (size_t)-1)
            chosen = k;
    }
    if (chosen == (size_t)-1)
        return;
    const kvm_mention *mm = &x->mentions[chosen];
    const kvm_place *p = mm->place;
    /* "eastern DR Congo" written as "eastern" + a DR Congo mention */
    if (p->kind == KVM_KIND_COUNTRY && mm->start >= 8 &&
        memcmp(x->text + mm->start - 8, "eastern ", 8) == 0) {
        const kvm_place *east = kvm_gazetteer_find_id(x->gaz, "eastern-dr-congo");
        if (east)
            p = east;
    }
    ev->ev.place = p;
    ev->ev.geo_precision = KVM_GEO_REGION;
    ev->ev.mention_start = mm->start;
    ev->ev.mention_end = mm->end;
    ev->ev.method = "context";
    ev->ev.confidence = mm->confidence * 0.5;
}

static void rule_displacement(extractor *x)
{
    size_t triggers[32];
    size_t n_trig = 0;
    for (size_t i = 0; i < x->n && n_trig < 32; i++) {
        if (kvm_ev_has(&x->toks[i], EV_L_DISP_VERB | EV_L_DISP_NOUN) ||
            (kvm_ev_has(&x->toks[i], EV_F_REFUGE) &&
             (kvm_ev_match(x->toks, x->n, i, "sought refuge") ||
              kvm_ev_match(x->toks, x->n, i, "took refuge"))))
            triggers[n_trig++] = i;
    }
    if (!n_trig)
        return;
    count_hit counts[32];
    size_t n_counts = 0;
    for (size_t i = 0; i < x->n && n_counts < 32; i++) {
        long long mn, mx;
        if (!kvm_ev_has(&x->toks[i], EV_F_COUNT))
            continue;
        size_t k = kvm_ev_parse_count(x->toks, x->n, i, &mn, &mx);
        if (!k)
            continue;
        size_t last = i + k - 1;
        /* a count of people: a people word or a trigger follows, or a
         * displacement verb precedes */
        int people = 0;
        for (size_t j = last + 1; j < x->n && j <= last + 3; j++) {
            if (kvm_ev_has(&x->toks[j], EV_L_PEOPLE) ||
                kvm_ev_has(&x->toks[j], EV_L_DISP_VERB) ||
                kvm_ev_has(&x->toks[j], EV_L_DISP_NOUN)) {
                people = 1;
                break;
            }
            if (!kvm_ev_is(&x->toks[j], "of") && !kvm_ev_is(&x->toks[j], "the") &&
                !kvm_ev_is(&x->toks[j], "more") && !kvm_ev_is(&x->toks[j], "other"))
                break;
        }
        if (i > 0 && kvm_ev_has(&x->toks[i - 1], EV_L_DISP_VERB))
            people = 1;
        /* "Uganda hosts 1.7 million refugees": a stock, not a movement */
        int stock = 0;
        for (size_t b = i; b > 0 && i - b < 3;) {
            b--;
            if (kvm_ev_is(&x->toks[b], "hosts") || kvm_ev_is(&x->toks[b], "hosting") ||
                kvm_ev_is(&x->toks[b], "host") || kvm_ev_is(&x->toks[b], "hosted"))
                stock = 1;
        }
        if (!people || stock || is_kill_context(x, i)) {
            i = last;
            continue;
        }
        counts[n_counts].first = i;
        counts[n_counts].last = last;
        counts[n_counts].min = mn;
        counts[n_counts].max = mx;
        counts[n_counts].used = 0;
        n_counts++;
        i = last;
    }
    /* pair counts and triggers greedily by distance */
    int trig_used[32] = {0};
    size_t pair_trigger[32];
    for (size_t c = 0; c < n_counts; c++)
        pair_trigger[c] = (size_t)-1;
    for (;;) {
        size_t best_c = 0, best_t = 0, best_d = (size_t)-1;
        for (size_t c = 0; c < n_counts; c++) {
            if (counts[c].used)
                continue;
            for (size_t t = 0; t < n_trig; t++) {
                if (trig_used[t])
                    continue;
                size_t ti = triggers[t];
                size_t d = ti > counts[c].last ? ti - counts[c].last
                                               : (counts[c].first > ti ? counts[c].first - ti : 0);
                if (d < best_d) {
                    best_d = d;
                    best_c = c;
                    best_t = t;
                }
            }
        }
        if (best_d == (size_t)-1 || best_d > 10)
            break;
        counts[best_c].used = 1;
        trig_used[best_t] = 1;
        pair_trigger[best_c] = triggers[best_t];
    }
    /* events in text order; each reads places up to the next one */
    size_t anchors[64];
    long long mins[64], maxs[64];
    size_t trig_of[64];
    size_t n_ev = 0;
    for (size_t c = 0; c < n_counts; c++) {
        if (pair_trigger[c] == (size_t)-1)
            continue;
        anchors[n_ev] = counts[c].first < pair_trigger[c] ? counts[c].first : pair_trigger[c];
        trig_of[n_ev] = pair_trigger[c];
        mins[n_ev] = counts[c].min;
        maxs[n_ev] = counts[c].max;
        n_ev++;
    }
    /* a displacement is recorded with its count (IOM-DTM style); a verb
     * with no number ("residents fled") gives no event */
    for (size_t t = 0; t < n_trig && n_ev < 64 && 0; t++) {
        if (trig_used[t] || kvm_ev_has(&x->toks[triggers[t]], EV_L_DISP_NOUN))
            continue;
        int near_other = 0;
        for (size_t e = 0; e < n_ev; e++)
            if ((trig_of[e] > triggers[t] ? trig_of[e] - triggers[t] : triggers[t] - trig_of[e]) < 6)
                near_other = 1;
        if (near_other)
            continue;
        anchors[n_ev] = triggers[t];
        trig_of[n_ev] = triggers[t];
        mins[n_ev] = -1;
        maxs[n_ev] = -1;
        n_ev++;
    }
    /* sort by anchor (tiny n) */
    for (size_t a = 1; a < n_ev; a++)
        for (size_t b = a; b > 0 && anchors[b - 1] > anchors[b]; b--) {
            size_t ts = anchors[b]; anchors[b] = anchors[b - 1]; anchors[b - 1] = ts;
            ts = trig_of[b]; trig_of[b] = trig_of[b - 1]; trig_of[b - 1] = ts;
            long long ls = mins[b]; mins[b] = mins[b - 1]; mins[b - 1] = ls;
            ls = maxs[b]; maxs[b] = maxs[b - 1]; maxs[b - 1] = ls;
        }
    for (size_t e = 0; e < n_ev; e++) {
        size_t from = e == 0 ? 0 : anchors[e];
        size_t to = e + 1 < n_ev ? anchors[e + 1] : x->n;
        if (irrealis(x, trig_of[e]) && !is_tok(x, trig_of[e] - 1, "to"))
            continue;
        pending_event *ev = new_event(x, KVM_EVENT_DISPLACEMENT, trig_of[e]);
        if (!ev)
            return;
        ev->ev.count_min = mins[e];
        ev->ev.count_max = maxs[e];
        displacement_places(x, from, to, trig_of[e], ev);
        int has_place = ev->ev.origin || ev->ev.destination;
        if (mins[e] < 0 && (!has_place || ev->ev.historical)) {
            x->n_events--; /* a verb alone, no count and nowhere: not an event */
            continue;
        }
        if (!ev->ev.place)
            context_region(x, ev, x->toks[trig_of[e]].start);
        ev->ev.actor1 = "";
    }
}

/* ---- stated distances -------------------------------------------------------- */

static const char *const km_units[] = {"km", "kms", "kilometres", "kilometers", "kilometre",
                                       "kilometer", NULL};
static const char *const mile_units[] = {"miles", "mile", "mi", NULL};
static const char *const direction_words[] = {
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
    "northeastern", "northwestern", "nord", "sud", "est", "ouest", "northnortheast",
    "north-northeast", NULL};

/* A number with a unit at i: returns tokens consumed; *pkm or *pmiles. */
static size_t distance_at(const extractor *x, size_t i, double *pkm, double *pmiles)
{
    const ev_token *t = &x->toks[i];
    if (t->kind != EV_TOK_NUMBER || t->value <= 0 || is_tok(x, i + 1, "square") ||
        (i > 0 && is_tok(x, i - 1, "square")))
        return 0;
    if (i + 1 >= x->n)
        return 0;
    const ev_token *u = &x->toks[i + 1];
    if (kvm_ev_in(u, km_units)) {
        if (is_tok(x, i + 2, "2") || is_tok(x, i + 2, "squared"))
            return 0;
        *pkm = t->value;
        return 2;
    }
    if (kvm_ev_in(u, mile_units)) {
        *pmiles = t->value;
        return 2;
    }
    return 0;
}

/* The place a stated distance locates, in order: an apposition or a
 * predicate right before the number ("Sake, about 25 km", "Masisi lies
 * about 80 km"); the place the sentence opens with ("Kishishe lies in the
 * highlands ... some 70 km north of Goma"); the nearest settlement before
 * the number.  "It is located ..." / "The latter is ..." refer to the
 * previous sentence. */
static size_t claim_subject(const extractor *x, size_t number, const kvm_place *to,
                            const kvm_place **pplace)
{
    static const char *const linking[] = {
        ",", "is", "lies", "lying", "located", "situated", "sits", "about", "just", "some",
        "only", "which", "roughly", "around", "approximately", "nearly", "almost", "barely",
        "a", "an", "the", "town", "village", "city", "camp", "that", "be", "was", NULL};
    size_t best = (size_t)-1;
    const kvm_place *best_place = NULL;
    for (size_t k = number; k-- > 0;) {
        if (is_place_tok(x, k)) {
            const kvm_place *p = token_place(x, k);
            /* "Rubaya lies in the hills of Masisi territory, about 60 km":
             * an area just before is a setting, not the subject */
            if (p != to && !(to && strcmp(p->id, to->id) == 0) && !is_area(p)) {
                best = k;
                best_place = p;
            }
            break;
        }
        if (!kvm_ev_in(&x->toks[k], linking))
            break;
    }
    for (size_t k = 0; !best_place && k < number && k < 5; k++) {
        if (is_place_tok(x, k)) {
            const kvm_place *p = token_place(x, k);
            if (p != to && !(to && strcmp(p->id, to->id) == 0)) {
                best = k;
                best_place = p;
            }
            break;
        }
        if (!kvm_ev_has(&x->toks[k], EV_L_FILLER))
            break;
    }
    for (size_t k = number; !best_place && k-- > 0;) {
        if (!is_place_tok(x, k))
            continue;
        const kvm_place *p = token_place(x, k);
        if (p == to || (to && strcmp(p->id, to->id) == 0))
            continue;
        if (!is_area(p)) {
            best = k;
            best_place = p;
        }
    }
    if (best_place) {
        *pplace = best_place;
        return x->mentions[x->toks[best].mention].start;
    }
    /* a pronoun subject: the previous sentence */
    int latter = kvm_ev_match(x->toks, x->n, 0, "the latter") != 0;
    int pronoun = latter || is_tok(x, 0, "it") || is_tok(x, 0, "the") || is_tok(x, 0, "this") ||
                  is_tok(x, 0, "located") || is_tok(x, 0, "situated") || is_tok(x, 0, "lying");
    if (!pronoun || x->prev_end <= x->prev_start)
        return (size_t)-1;
    const kvm_mention *first = NULL, *last = NULL;
    for (size_t m = 0; m < x->n_mentions; m++) {
        const kvm_mention *mm = &x->mentions[m];
        if (mm->start < x->prev_start || !mm->place)
            continue;
        if (mm->end > x->prev_end)
            break;
        if (mm->place == to || (to && strcmp(mm->place->id, to->id) == 0))
            continue;
        if (!first || (is_area(first->place) && !is_area(mm->place)))
            first = first && !is_area(first->place) ? first : mm;
        last = mm;
    }
    const kvm_mention *chosen = latter ? last : first;
    if (!chosen)
        return (size_t)-1;
    *pplace = chosen->place;
    return chosen->start;
}

/* "the city" / "the town" naming a place of an earlier sentence. */
static const kvm_place *earlier_settlement(const extractor *x, const ev_token *word)
{
    int want_city = kvm_ev_is(word, "city");
    int want_town = kvm_ev_is(word, "town");
    if (!want_city && !want_town)
        return NULL;
    size_t m = 0;
    while (m < x->n_mentions && x->mentions[m].start < x->sent_start)
        m++;
    for (size_t k = m; k-- > 0;) {
        const kvm_place *p = x->mentions[k].place;
        if (!p)
            continue;
        if (want_city && p->kind == KVM_KIND_CITY)
            return p;
        if (want_town && p->kind == KVM_KIND_TOWN)
            return p;
    }
    return NULL;
}

static void rule_distances(extractor *x)
{
    for (size_t i = 0; i + 1 < x->n; i++) {
        double km = 0, miles = 0;
        size_t k = distance_at(x, i, &km, &miles);
        if (!k)
            continue;
        size_t j = i + k;
        /* "(50 miles)" / "(80 km)" */
        if (is_tok(x, j, "(")) {
            size_t m2 = j + 1 < x->n ? distance_at(x, j + 1, &km, &miles) : 0;
            if (m2 && is_tok(x, j + 1 + m2, ")"))
                j = j + 2 + m2;
        }
        if (km <= 0)
            km = miles * 1.609344;
        if (is_tok(x, j, "away"))
            j++;
        if (kvm_ev_match(x->toks, x->n, j, "by road"))
            j += 2;
        else if (kvm_ev_match(x->toks, x->n, j, "as the crow flies"))
            j += 4;
        if (kvm_ev_match(x->toks, x->n, j, "to the"))
            j += 2;
        char dir[32] = "";
        size_t dir_len = 0;
        while (j < x->n && kvm_ev_in(&x->toks[j], direction_words) && dir_len < 20) {
            const char *w = x->toks[j].text;
            size_t wl = strlen(w);
            if (dir_len + wl + 2 >= sizeof dir)
                break;
            if (dir_len)
                dir[dir_len++] = '-';
            memcpy(dir + dir_len, w, wl + 1);
            dir_len += wl;
            j++;
        }
        if (!(is_tok(x, j, "of") || is_tok(x, j, "from") || is_tok(x, j, "outside")))
            continue;
        j++;
        /* the reference place: first place after, within 6 tokens; "the
         * North Kivu provincial capital, Goma" -> Goma */
        size_t to_tok = (size_t)-1;
        for (size_t p = j; p < x->n && p < j + 6; p++) {
            if (is_place_tok(x, p)) {
                to_tok = p;
                break;
            }
            if (x->toks[p].kind == EV_TOK_PUNCT && !is_tok(x, p, "'"))
                break;
        }
        const kvm_place *anaphor = NULL;
        if (to_tok == (size_t)-1) {
            /* "about 30 km north of the city": the city named last */
            size_t p = j;
            if (is_tok(x, p, "the"))
                p++;
            size_t tok;
            if (p < x->n && anaphora_place(x, p, &tok))
                to_tok = tok;
            else if (p < x->n)
                anaphor = earlier_settlement(x, &x->toks[p]);
            if (to_tok == (size_t)-1 && !anaphor)
                continue;
        }
        if (to_tok != (size_t)-1 && is_area(token_place(x, to_tok))) {
            for (size_t p = to_tok + 1; p < x->n && p < to_tok + 6; p++) {
                if (is_tok(x, p, "capital")) {
                    for (size_t q = p + 1; q < x->n && q < p + 4; q++)
                        if (is_place_tok(x, q) && !is_area(token_place(x, q))) {
                            to_tok = q;
                            break;
                        }
                    break;
                }
            }
        }
        const kvm_place *to = anaphor ? anaphor : token_place(x, to_tok);
        const kvm_place *from = NULL;
        if (claim_subject(x, i, to, &from) == (size_t)-1 || !from || from == to)
            continue;
        if (x->failed)
            return;
        if (kvm_grow((void **)&x->claims, &x->cap_claims, x->n_claims + 1,
                     sizeof(pending_claim)) != 0) {
            x->failed = 1;
            return;
        }
        pending_claim *pc = &x->claims[x->n_claims++];
        memset(pc, 0, sizeof *pc);
        kvm_claim *c = &pc->claim;
        c->from = from;
        c->to = to;
        c->stated_km = km;
        c->stated_miles = miles;
        c->article = x->article;
        double az;
        c->direction_ok = -1;
        if (dir_len && kvm_compass_parse(dir, &az) == 0) {
            snprintf(pc->direction, sizeof pc->direction, "%s", kvm_compass16(az));
        }
        c->direction = pc->direction;
        static const char *const qualifiers[] = {"about", "some", "around", "roughly",
                                                 "approximately", "nearly", "almost", "just",
                                                 "only", "barely", "over", "under", "less",
                                                 "more", "least", NULL};
        pc->qualifier = "";
        for (size_t q = 0; qualifiers[q]; q++)
            if (i > 0 && kvm_ev_is(&x->toks[i - 1], qualifiers[q]))
                pc->qualifier = qualifiers[q];
        c->qualifier = pc->qualifier;
        kvm_lonlat a = {to->lon, to->lat}, b = {from->lon, from->lat};
        double dist = 0, az1 = 0;
        if (kvm_geodesic_inverse(a, b, &dist, &az1, NULL) == KVM_OK) {
            c->computed_km = dist;
            c->bearing_deg = az1 < 0 ? az1 + 360.0 : az1;
            c->verdict = kvm_verdict_for(km, dist, &c->ratio);
            if (pc->direction[0] && kvm_compass_parse(pc->direction, &az) == 0) {
                double diff = c->bearing_deg - az;
                while (diff > 180)
                    diff -= 360;
                while (diff < -180)
                    diff += 360;
                c->direction_ok = (diff <= 45 && diff >= -45) ? 1 : 0;
            }
        }
        evidence_span(x, x->toks[i].start, &pc->ev_start, &pc->ev_end);
        i = j;
    }
}

/* ---- the keyword table ----------------------------------------------------- */

/* The sentence gate for a capture phrase: its first word (its second after
 * "now"), or, when that word is no rule alone ("moved into", "gained
 * control of"), the pair of its first two words. */
static void register_verb_rule(const verb_rule *rule)
{
    const char *phrase = rule->phrase;
    const char *sp = strchr(phrase, ' ');
    if (rule->type == KVM_EVENT_NONE || !sp || strncmp(phrase, "now ", 4) == 0) {
        kvm_ev_keywords_add_phrase(phrase, EV_F_TERRITORY,
                                   rule->type == KVM_EVENT_NONE ? 0 : EV_K_TERRITORY);
        return;
    }
    size_t first_len = (size_t)(sp - phrase);
    for (size_t r = 0; r < sizeof verb_rules / sizeof verb_rules[0]; r++) {
        if (verb_rules[r].type != KVM_EVENT_NONE && strlen(verb_rules[r].phrase) == first_len &&
            strncmp(verb_rules[r].phrase, phrase, first_len) == 0) {
            kvm_ev_keywords_add_phrase(phrase, EV_F_TERRITORY, EV_K_TERRITORY);
            return; /* "took" is a rule alone: "took control of" needs no pair */
        }
    }
    kvm_ev_keywords_add_phrase(phrase, EV_F_TERRITORY | EV_K_PAIR1, 0);
    kvm_ev_keywords_add_phrase(sp + 1, EV_K_PAIR2, 0);
}

void kvm_ev_register_rule_words(void)
{
    build_verb_buckets();
    for (size_t r = 0; r < sizeof verb_rules / sizeof verb_rules[0]; r++)
        register_verb_rule(&verb_rules[r]);
    kvm_ev_keywords_add_list(clash_words, EV_F_CLASH);
    kvm_ev_keywords_add_list(shelling_words, EV_F_SHELLING);
    kvm_ev_keywords_add_list(agreement_nouns, EV_F_AGREE_NOUN);
    kvm_ev_keywords_add_phrase("cease fire", EV_F_AGREE_NOUN, 0);
    kvm_ev_keywords_add_list(agreement_verbs, EV_F_AGREE_VERB);
    kvm_ev_keywords_add_phrase("took effect", EV_F_AGREE_VERB, 0);
    kvm_ev_keywords_add_phrase("came into", EV_F_AGREE_VERB, 0);
    kvm_ev_keywords_add_list(displacement_verbs, EV_F_DISPLACE | EV_L_DISP_VERB);
    kvm_ev_keywords_add_list(displacement_nouns, EV_F_DISPLACE | EV_L_DISP_NOUN);
    kvm_ev_keywords_add_phrase("sought refuge", EV_F_REFUGE, 0);
    kvm_ev_keywords_add_phrase("took refuge", EV_F_REFUGE, 0);
    static const char *const refuge[] = {"refuge", NULL};
    kvm_ev_keywords_add_list(refuge, EV_F_DISPLACE);
    kvm_ev_keywords_add_list(km_units, EV_F_UNIT);
    kvm_ev_keywords_add_list(mile_units, EV_F_UNIT);
    kvm_ev_keywords_add_list(be_words, EV_L_BE);
    kvm_ev_keywords_add_list(adverbs, EV_L_ADVERB);
    kvm_ev_keywords_add_list(irrealis_words, EV_L_IRREALIS);
    kvm_ev_keywords_add_list(locatives, EV_L_LOCATIVE);
    kvm_ev_keywords_add_list(kill_words, EV_L_KILL);
    kvm_ev_keywords_add_list(object_fillers, EV_L_FILLER);
    kvm_ev_keywords_add_list(vague_nouns, EV_L_VAGUE);
    kvm_ev_keywords_add_list(near_words, EV_L_NEAR);
    kvm_ev_keywords_add_list(region_preps, EV_L_REGION_PREP);
    kvm_ev_keywords_add_list(people_words, EV_L_PEOPLE);
}

/* ---- the sentence loop --------------------------------------------------- */

static void analyse_tokens(extractor *x)
{
    uint64_t any = 0;
    for (size_t i = 0; i < x->n; i++)
        any |= x->toks[i].flags;
    x->n_actors = (any & (EV_F_ACTOR | EV_F_ARMY))
                      ? kvm_ev_find_actors(x->toks, x->n, x->mentions, x->actors, MAX_ACTORS)
                      : 0;
    x->n_dates = 0;
    x->dates_done = 0;
    if (any & EV_F_DATE_STRONG)
        need_dates(x); /* an anchor for "two days earlier" later on */
    if (any & EV_F_TERRITORY)
        rule_territory(x);
    if (any & (EV_F_CLASH | EV_F_SHELLING))
        rule_clashes_and_shelling(x);
    if ((any & EV_F_AGREE_NOUN) && (any & EV_F_AGREE_VERB))
        rule_agreements(x);
    if (any & (EV_L_DISP_VERB | EV_L_DISP_NOUN | EV_F_REFUGE))
        rule_displacement(x);
    if (any & EV_F_UNIT)
        rule_distances(x);
    /* "they" in the next sentence: the last actor named here ("the rebels"
     * stands for the article's main group) */
    if (x->n_actors > 0) {
        const char *name = actor_name(x, &x->actors[x->n_actors - 1]);
        if (name[0])
            x->last_actor = name;
    }
}

/* Keeps the first of the same event reported twice in one article, taking
 * the better date of the two. */
static void dedupe_events(extractor *x)
{
    size_t out = 0;
    for (size_t i = 0; i < x->n_events; i++) {
        pending_event *e = &x->events[i];
        int dup = 0;
        if (e->ev.type != KVM_EVENT_DISPLACEMENT && e->ev.type != KVM_EVENT_AGREEMENT) {
            for (size_t j = 0; j < out; j++) {
                pending_event *f = &x->events[j];
                if (f->ev.type == e->ev.type && f->ev.place == e->ev.place &&
                    strcmp(f->ev.actor1, e->ev.actor1) == 0 &&
                    f->ev.historical == e->ev.historical) {
                    /* a written date beats the article's (a headline has
                     * none); of two written dates, the more precise */
                    int better = e->dated &&
                                 (!f->dated || (e->ev.date.year > 0 &&
                                                (f->ev.date.year == 0 ||
                                                 e->ev.time_precision < f->ev.time_precision)));
                    if (better) {
                        f->ev.date = e->ev.date;
                        f->ev.time_precision = e->ev.time_precision;
                        f->order_days = e->order_days;
                        f->dated = 1;
                    }
                    dup = 1;
                    break;
                }
            }
        }
        if (!dup)
            x->events[out++] = *e;
    }
    x->n_events = out;
}

/* Events in the order they happened as far as the text says (stable):
 * "earlier last week" before "over the weekend" even without a date. */
static void order_events(extractor *x)
{
    for (size_t a = 1; a < x->n_events; a++) {
        pending_event tmp = x->events[a];
        size_t b = a;
        while (b > 0 && x->events[b - 1].order_days > tmp.order_days) {
            x->events[b] = x->events[b - 1];
            b--;
        }
        x->events[b] = tmp;
    }
}

static void flush_to_set(extractor *x, kvm_eventset *set)
{
    kvm_buf ev_text, mention_text;
    kvm_buf_init(&ev_text);
    kvm_buf_init(&mention_text);
    for (size_t i = 0; i < x->n_events; i++) {
        pending_event *p = &x->events[i];
        ev_text.len = 0;
        kvm_buf_append(&ev_text, x->text + p->ev_start, p->ev_end - p->ev_start);
        mention_text.len = 0;
        if (p->ev.place && p->ev.mention_end > p->ev.mention_start)
            kvm_buf_append(&mention_text, x->text + p->ev.mention_start,
                           p->ev.mention_end - p->ev.mention_start);
        else
            kvm_buf_append(&mention_text, "", 0);
        if (ev_text.failed || mention_text.failed) {
            x->failed = 1;
            break;
        }
        p->ev.evidence = ev_text.data ? ev_text.data : "";
        p->ev.mention = mention_text.data ? mention_text.data : "";
        if (!p->ev.method)
            p->ev.method = "";
        kvm_eventset_add_event(set, &p->ev);
    }
    for (size_t i = 0; i < x->n_claims && !x->failed; i++) {
        pending_claim *p = &x->claims[i];
        int dup = 0;
        for (size_t j = 0; j < i; j++)
            if (x->claims[j].claim.from == p->claim.from && x->claims[j].claim.to == p->claim.to &&
                x->claims[j].claim.stated_km == p->claim.stated_km)
                dup = 1;
        if (dup)
            continue;
        ev_text.len = 0;
        kvm_buf_append(&ev_text, x->text + p->ev_start, p->ev_end - p->ev_start);
        if (ev_text.failed) {
            x->failed = 1;
            break;
        }
        p->claim.evidence = ev_text.data ? ev_text.data : "";
        p->claim.direction = p->direction;
        p->claim.qualifier = p->qualifier ? p->qualifier : "";
        kvm_eventset_add_claim(set, &p->claim);
    }
    kvm_buf_free(&ev_text);
    kvm_buf_free(&mention_text);
}

/* A list item ("\n- June 13: ...", "\n* ...") is a clause of its own even
 * when the sentence splitter joined the lines: returns the end of the item
 * starting at `start` (the next line break followed by a bullet, or end). */
static size_t list_item_end(const char *text, size_t start, size_t end)
{
    for (size_t i = start + 1; i < end; i++) {
        const char *nl = memchr(text + i, '\n', end - i);
        if (!nl)
            break;
        i = (size_t)(nl - text);
        size_t k = i + 1;
        while (k < end && (text[k] == ' ' || text[k] == '\t'))
            k++;
        if (k + 1 < end && (text[k] == '-' || text[k] == '*') && text[k + 1] == ' ')
            return i;
        if (k + 3 < end && (unsigned char)text[k] == 0xE2 && (unsigned char)text[k + 1] == 0x80 &&
            ((unsigned char)text[k + 2] == 0xA2 || (unsigned char)text[k + 2] == 0x93))
            return i; /* "•", "–" */
    }
    return end;
}

static const char *dominant_group(const ev_scan *scan)
{
    static const char *const names[] = {"M23", "ADF", "CODECO", "FDLR"};
    size_t best = 0;
    const char *name = NULL;
    for (size_t i = 0; i < 4; i++)
        if (scan->group_counts[i] > best) {
            best = scan->group_counts[i];
            name = names[i];
        }
    return name;
}

kvm_status kvm_extract_events(const kvm_article *article, const kvm_mention_list *mentions,
                              const kvm_gazetteer *gaz, kvm_eventset *set, kvm_error *err)
{
    if (!article || !set || !gaz)
        return kvm_error_set(err, KVM_ERR_INVALID, "extract: missing article, gazetteer or set");
    extractor x;
    memset(&x, 0, sizeof x);
    x.text = kvm_article_text(article);
    x.len = kvm_article_length(article);
    x.mentions = mentions ? mentions->items : NULL;
    x.n_mentions = mentions ? mentions->count : 0;
    x.gaz = gaz;
    x.date = kvm_article_date(article);

    x.article = kvm_eventset_add_article(set, kvm_article_name(article), x.date);
    if (x.article == (size_t)-1)
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
    for (size_t m = 0; m < x.n_mentions; m++) {
        const kvm_mention *mm = &x.mentions[m];
        if (!mm->place || mm->end > x.len || mm->start > mm->end)
            continue;
        kvm_ev_add_mention_n(set, x.article, mm, x.text + mm->start, mm->end - mm->start);
    }

    size_t n_sent = kvm_article_sentence_count(article);
    int whole = n_sent == 0;
    if (whole)
        n_sent = 1;
    ev_scan scan;
    memset(&scan, 0, sizeof scan);
    uint64_t *sent_flags = calloc(n_sent, sizeof *sent_flags);
    if (!sent_flags)
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
    for (size_t s = 0; s < n_sent; s++) {
        kvm_span sp = whole ? (kvm_span){0, x.len} : kvm_article_sentence(article, s);
        if (sp.end > x.len)
            sp.end = x.len;
        if (sp.start < sp.end)
            sent_flags[s] = kvm_ev_scan(x.text, sp.start, sp.end, x.mentions, x.n_mentions, &scan);
    }
    x.dominant = dominant_group(&scan);
    x.ref_year = x.date.year > 0 ? x.date.year : scan.max_year;

    ev_tokens toks = {0};
    kvm_span prev = {0, 0};
    for (size_t s = 0; s < n_sent && !x.failed; s++) {
        kvm_span sp = whole ? (kvm_span){0, x.len} : kvm_article_sentence(article, s);
        if (sp.end > x.len)
            sp.end = x.len;
        size_t item_start = sp.start;
        int worth = kvm_ev_gate(sent_flags[s]);
        while (worth && item_start < sp.end && !x.failed) {
            size_t item_end = list_item_end(x.text, item_start, sp.end);
            x.sent_start = item_start;
            x.sent_end = item_end;
            x.prev_start = prev.start;
            x.prev_end = prev.end;
            size_t pos = item_start;
            while (pos < item_end && !x.failed) {
                size_t stop = kvm_ev_tokenize(x.text, pos, item_end, x.mentions, x.n_mentions,
                                              EV_MAX_TOKENS, &toks);
                if (stop == (size_t)-1) {
                    x.failed = 1;
                    break;
                }
                x.toks = toks.items;
                x.n = toks.count;
                analyse_tokens(&x);
                if (stop <= pos)
                    break;
                pos = stop;
            }
            prev.start = item_start;
            prev.end = item_end;
            item_start = item_end;
        }
        if (!worth)
            prev = sp;
    }
    kvm_ev_tokens_free(&toks);
    free(sent_flags);
    if (!x.failed) {
        dedupe_events(&x);
        order_events(&x);
        flush_to_set(&x, set);
    }
    free(x.events);
    free(x.claims);
    if (x.failed)
        return kvm_error_set(err, KVM_ERR_NOMEM, "out of memory");
    if (kvm_eventset_status(set) != KVM_OK)
        return kvm_error_set(err, kvm_eventset_status(set), "cannot add events: %s",
                             kvm_status_to_string(kvm_eventset_status(set)));
    return KVM_OK;
}
