/* Event extraction: counts of people as reports write them ("over a
 * million", "1.2 million", "hundreds of thousands", "7,000", "between 5,000
 * and 8,000").  Vague plurals give their order of magnitude as the minimum
 * with an open maximum (-1): "tens of thousands" is at least 10,000. */
#include <math.h>
#include <string.h>

#include "events_internal.h"

static const char *const people_nouns[] = {
    "people",     "persons",     "civilians", "residents", "inhabitants", "families",
    "households", "refugees",    "idps",      "displaced", "villagers",   "children",
    "women",      "individuals", "others",    "more",      NULL};

static const char *const non_count_units[] = {
    "km",     "kms",     "kilometres", "kilometers", "kilometre", "kilometer", "miles", "mile",
    "square", "percent", "per",        "years",      "year",      "days",      "day",   "weeks",
    "week",   "months",  "month",      "hours",      "hour",      "dollars",   "usd",   "francs",
    "metres", "meters",  "m",          "am",         "pm",        "bc",        NULL};

static const char *const number_words[] = {
    "one",   "two",   "three",   "four",   "five",    "six",    "seven",  "eight",
    "nine",  "ten",   "eleven",  "twelve", "fifteen", "twenty", "thirty", "forty",
    "fifty", "sixty", "seventy", "eighty", "ninety",  NULL};
static const double number_values[] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11,
                                       12, 15, 20, 30, 40, 50, 60, 70, 80, 90};
static const struct {
    const char *phrase;
    double value;
} vague_counts[] = {{"millions", 1e6},
                    {"several million", 1e6},
                    {"several hundred thousand", 1e5},
                    {"several thousand", 1e3},
                    {"a few thousand", 1e3},
                    {"thousands", 1e3},
                    {"several hundred", 1e2},
                    {"a few hundred", 1e2},
                    {"hundreds", 1e2},
                    {"dozens", 12},
                    {"scores", 20}};
static const char *const open_qualifiers[] = {"over",         "more than", "at least", "upwards of",
                                              "in excess of", "well over", "beyond",   "well above",
                                              "above",        NULL};
static const char *const approx_qualifiers[] = {
    "nearly",        "almost",       "about",      "around",    "some",       "roughly",
    "approximately", "an estimated", "estimated",  "up to",     "close to",   "at most",
    "fewer than",    "less than",    "as many as", "just over", "just under", NULL};

void kvm_ev_register_count_words(void)
{
    static const char *const starts[] = {
        "between", "hundreds of thousands", "tens of thousands", "half a million", "a", "an", NULL};
    for (size_t q = 0; starts[q]; q++)
        kvm_ev_keywords_add_phrase(starts[q], EV_F_COUNT, 0);
    for (size_t q = 0; open_qualifiers[q]; q++)
        kvm_ev_keywords_add_phrase(open_qualifiers[q], EV_F_COUNT, 0);
    for (size_t q = 0; approx_qualifiers[q]; q++)
        kvm_ev_keywords_add_phrase(approx_qualifiers[q], EV_F_COUNT, 0);
    for (size_t q = 0; q < sizeof vague_counts / sizeof vague_counts[0]; q++)
        kvm_ev_keywords_add_phrase(vague_counts[q].phrase, EV_F_COUNT, 0);
    kvm_ev_keywords_add_list(number_words, EV_F_COUNT);
    kvm_ev_keywords_add_list(people_nouns, EV_L_PEOPLE);
    kvm_ev_keywords_add_list(non_count_units, EV_L_NON_COUNT);
}

int kvm_ev_is_year(const ev_token *toks, size_t n, size_t i)
{
    const ev_token *t = &toks[i];
    if (t->kind != EV_TOK_NUMBER || t->grouped || t->decimal || t->digits != 4 || t->value < 1900 ||
        t->value > 2099)
        return 0;
    if (i + 1 < n &&
        (kvm_ev_has(&toks[i + 1], EV_L_PEOPLE) || kvm_ev_is(&toks[i + 1], "million") ||
         kvm_ev_is(&toks[i + 1], "thousand") || kvm_ev_has(&toks[i + 1], EV_L_NON_COUNT)))
        return 0;
    return 1;
}

/* Multiplier word at toks[i]: "million" -> 1e6 ... 0 if none. */
static double multiplier(const ev_token *t)
{
    if (kvm_ev_is(t, "million") || kvm_ev_is(t, "m") || kvm_ev_is(t, "mn"))
        return 1e6;
    if (kvm_ev_is(t, "thousand") || kvm_ev_is(t, "k"))
        return 1e3;
    if (kvm_ev_is(t, "hundred"))
        return 1e2;
    if (kvm_ev_is(t, "billion"))
        return 1e9;
    return 0.0;
}

static double number_word(const ev_token *t)
{

    for (size_t k = 0; number_words[k]; k++)
        if (kvm_ev_is(t, number_words[k]))
            return number_values[k];
    if (kvm_ev_is(t, "a") || kvm_ev_is(t, "an"))
        return 1;
    return 0.0;
}

/* A single quantity at toks[i] ("1.2 million", "7,000", "two million",
 * "hundreds of thousands").  *popen is set for vague plurals. */
static size_t parse_quantity(const ev_token *toks, size_t n, size_t i, double *pvalue, int *popen)
{
    *popen = 0;
    if (i >= n)
        return 0;
    const ev_token *t = &toks[i];
    if (t->kind == EV_TOK_NUMBER) {
        double mult = i + 1 < n ? multiplier(&toks[i + 1]) : 0.0;
        if (mult > 0.0) {
            *pvalue = t->value * mult;
            return 2;
        }
        if (kvm_ev_is_year(toks, n, i) || (i + 1 < n && kvm_ev_has(&toks[i + 1], EV_L_NON_COUNT)))
            return 0;
        *pvalue = t->value;
        return 1;
    }
    size_t k;
    if ((k = kvm_ev_match(toks, n, i, "hundreds of thousands")) != 0) {
        *pvalue = 1e5;
        *popen = 1;
        return k;
    }
    if ((k = kvm_ev_match(toks, n, i, "tens of thousands")) != 0) {
        *pvalue = 1e4;
        *popen = 1;
        return k;
    }
    if ((k = kvm_ev_match(toks, n, i, "half a million")) != 0) {
        *pvalue = 5e5;
        return k;
    }

    for (size_t v = 0; v < sizeof vague_counts / sizeof vague_counts[0]; v++) {
        if ((k = kvm_ev_match(toks, n, i, vague_counts[v].phrase)) != 0) {
            *pvalue = vague_counts[v].value;
            *popen = 1;
            return k;
        }
    }
    double w = number_word(t);
    if (w > 0.0 && i + 1 < n) {
        double mult = multiplier(&toks[i + 1]);
        if (mult > 0.0) {
            *pvalue = w * mult;
            return 2;
        }
        if (w >= 2 && !kvm_ev_is(t, "one") && kvm_ev_has(&toks[i + 1], EV_L_PEOPLE) &&
            !kvm_ev_is(&toks[i + 1], "more")) {
            *pvalue = w;
            return 1;
        }
    }
    return 0;
}

size_t kvm_ev_parse_count(const ev_token *toks, size_t n, size_t i, long long *pmin,
                          long long *pmax)
{

    size_t k = i;
    int open = 0;
    double lo, hi;
    int vague;
    if (kvm_ev_is(&toks[k], "between")) {
        size_t a = parse_quantity(toks, n, k + 1, &lo, &vague);
        if (a && k + 1 + a < n && kvm_ev_is(&toks[k + 1 + a], "and")) {
            size_t b = parse_quantity(toks, n, k + 2 + a, &hi, &vague);
            if (b && hi >= lo) {
                *pmin = llround(lo);
                *pmax = llround(hi);
                return 2 + a + b;
            }
        }
        return 0;
    }
    for (size_t q = 0; open_qualifiers[q]; q++) {
        size_t m = kvm_ev_match(toks, n, k, open_qualifiers[q]);
        if (m) {
            k += m;
            open = 1;
            break;
        }
    }
    if (!open) {
        for (size_t q = 0; approx_qualifiers[q]; q++) {
            size_t m = kvm_ev_match(toks, n, k, approx_qualifiers[q]);
            if (m) {
                k += m;
                break;
            }
        }
    }
    size_t a = parse_quantity(toks, n, k, &lo, &vague);
    if (!a)
        return 0;
    k += a;
    /* "5,000 to 8,000", "5,000-8,000" (the hyphen folds to a space) */
    if (!open && !vague && k < n) {
        size_t sep = kvm_ev_is(&toks[k], "to") ? 1 : 0;
        size_t b = 0;
        if (k + sep < n && toks[k + sep].kind == EV_TOK_NUMBER)
            b = parse_quantity(toks, n, k + sep, &hi, &vague);
        if (b && !vague && hi > lo) {
            *pmin = llround(lo);
            *pmax = llround(hi);
            return k + sep + b - i;
        }
    }
    *pmin = llround(lo);
    *pmax = (open || vague) ? -1 : llround(lo);
    return k - i;
}

int kvm_ev_count_in_text(const char *text, long long *pmin, long long *pmax)
{
    ev_tokens toks = {0};
    int found = 0;
    size_t len = strlen(text);
    if (kvm_ev_tokenize(text, 0, len, NULL, 0, EV_MAX_TOKENS, &toks) == (size_t)-1)
        return 0;
    for (size_t i = 0; i < toks.count && !found; i++)
        if (kvm_ev_parse_count(toks.items, toks.count, i, pmin, pmax))
            found = 1;
    kvm_ev_tokens_free(&toks);
    return found;
}
