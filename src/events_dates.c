/* Event extraction: dates as reports write them, resolved against the
 * article's date (docs/extract.md "Dates" is the rule book):
 *   explicit  "on January 4", "4 January 2025", "May 6, 2013" -> day;
 *             "in December 2023", "last December" -> month; "in 2012" -> year
 *   relative  "yesterday", "on Tuesday" (the latest Tuesday on or before the
 *             article date) -> day; "over the (past) weekend" (its Saturday),
 *             "earlier last week" / "last week" (its Monday), "late last
 *             week" (its Thursday) -> week; "last month" -> month;
 *             "in recent weeks/months", "recently" -> the article date, month.
 * Without an article date a relative expression stays unresolved (year 0)
 * but order_days still says how far back it points, so events can be put in
 * order. */
#include <string.h>

#include "events_internal.h"

static const char *const month_names[] = {"january",   "february", "march",    "april",
                                          "may",       "june",     "july",     "august",
                                          "september", "october",  "november", "december"};
static const char *const month_abbrev[] = {"jan", "feb", "mar",  "apr", "may", "jun",
                                           "jul", "aug", "sept", "oct", "nov", "dec"};
static const char *const weekday_names[] = {"monday", "tuesday",  "wednesday", "thursday",
                                            "friday", "saturday", "sunday"};

static const char *const weekend_phrases[] = {
    "over the past weekend", "over the weekend", "at the weekend",
    "last weekend",          "this weekend",     "the past weekend",
    "the weekend",           "weekend",          NULL};
static const struct {
    const char *phrase;
    int weeks_back; /* 1 last week, 0 this week */
    int weekday;    /* representative day, 0 = Monday */
} weeks[] = {{"earlier last week", 1, 0}, {"early last week", 1, 0}, {"late last week", 1, 3},
             {"later last week", 1, 3},   {"last week", 1, 0},       {"earlier this week", 0, 0},
             {"early this week", 0, 0},   {"this week", 0, 0},       {"past week", 1, 3}};
static const char *const recent[] = {
    "in recent",   "over recent",   "in the past few", "over the past few", "in the last few",
    "in the past", "over the past", "in the last",     "over the last",     NULL};
static const char *const small_numbers[] = {"one",   "two",   "three", "four", "five", "six",
                                            "seven", "eight", "nine",  "ten",  NULL};

void kvm_ev_register_date_words(void)
{
    static const char *const starts[] = {"yesterday",
                                         "today",
                                         "this morning",
                                         "earlier today",
                                         "last night",
                                         "last month",
                                         "earlier this month",
                                         "this month",
                                         "last year",
                                         "earlier this year",
                                         "this year",
                                         "recently",
                                         "a",
                                         NULL};
    for (size_t m = 0; m < 12; m++) {
        kvm_ev_keywords_add_phrase(month_names[m], EV_F_DATE | EV_F_DATE_STRONG | EV_L_MONTH, 0);
        kvm_ev_keywords_add_phrase(month_abbrev[m], EV_F_DATE | EV_F_DATE_STRONG | EV_L_MONTH, 0);
    }
    for (size_t d = 0; d < 7; d++)
        kvm_ev_keywords_add_phrase(weekday_names[d], EV_F_DATE | EV_F_DATE_STRONG | EV_L_WEEKDAY,
                                   0);
    kvm_ev_keywords_add_list(small_numbers, EV_F_DATE);
    static const char *const anchored_starts[] = {"the", "a", "an", "several", "few", NULL};
    kvm_ev_keywords_add_list(anchored_starts, EV_F_DATE);
    /* words that make a sentence's dates worth finding before any event
     * needs them: they may anchor "two days earlier" in a later sentence */
    static const char *const strong[] = {
        "yesterday", "today",   "tonight",  "weekend", "week", "weeks", "month",   "months", "year",
        "night",     "morning", "recently", "ago",     "day",  "days",  "earlier", "later",  NULL};
    kvm_ev_keywords_add_list(strong, EV_F_DATE_STRONG);
    for (size_t p = 0; starts[p]; p++)
        kvm_ev_keywords_add_phrase(starts[p], EV_F_DATE, 0);
    for (size_t p = 0; weekend_phrases[p]; p++)
        kvm_ev_keywords_add_phrase(weekend_phrases[p], EV_F_DATE, 0);
    for (size_t p = 0; p < sizeof weeks / sizeof weeks[0]; p++)
        kvm_ev_keywords_add_phrase(weeks[p].phrase, EV_F_DATE, 0);
    for (size_t p = 0; recent[p]; p++)
        kvm_ev_keywords_add_phrase(recent[p], EV_F_DATE, 0);
}

/* Month number 1..12 of toks[i] or 0.  "may" and "march" only count as
 * months next to a day number or a year, or after "in"/"last"/"since"... */
static int month_at(const ev_token *toks, size_t n, size_t i)
{
    const ev_token *t = &toks[i];
    if (!kvm_ev_has(t, EV_L_MONTH))
        return 0;
    int m = 0;
    for (int k = 0; k < 12 && !m; k++)
        if (kvm_ev_is(t, month_names[k]) || (k != 4 && k != 2 && kvm_ev_is(t, month_abbrev[k])))
            m = k + 1;
    if (m == 3 || m == 5) {
        int next_num = i + 1 < n && toks[i + 1].kind == EV_TOK_NUMBER;
        int prev_num = i > 0 && toks[i - 1].kind == EV_TOK_NUMBER;
        static const char *const before[] = {"in",   "last", "since", "until",  "early",   "mid",
                                             "late", "of",   "this",  "during", "through", NULL};
        int prev_word = i > 0 && kvm_ev_in(&toks[i - 1], before);
        if (!next_num && !prev_num && !prev_word)
            return 0;
    }
    return m;
}

static int weekday_at(const ev_token *t)
{
    if (!kvm_ev_has(t, EV_L_WEEKDAY))
        return -1;
    for (int k = 0; k < 7; k++)
        if (kvm_ev_is(t, weekday_names[k]))
            return k;
    return -1;
}

static int day_number_at(const ev_token *toks, size_t n, size_t i)
{
    if (i >= n)
        return 0;
    const ev_token *t = &toks[i];
    if (t->kind != EV_TOK_NUMBER || t->grouped || t->decimal || t->digits > 2 || t->value < 1 ||
        t->value > 31)
        return 0;
    return (int)t->value;
}

/* Skips an ordinal suffix ("4th", "1st") after a day number at i. */
static size_t after_day(const ev_token *toks, size_t n, size_t i)
{
    static const char *const suffixes[] = {"st", "nd", "rd", "th", "er", NULL};
    if (i + 1 < n && kvm_ev_in(&toks[i + 1], suffixes) && toks[i + 1].start == toks[i].end)
        return i + 2;
    return i + 1;
}

static int year_at(const ev_token *toks, size_t n, size_t i)
{
    if (i >= n || !kvm_ev_is_year(toks, n, i))
        return 0;
    return (int)toks[i].value;
}

typedef struct resolver {
    kvm_date ref; /* the article date, or a synthetic Monday for ordering */
    int known;    /* ref is the real article date */
    long ref_days;
} resolver;

static kvm_date days_to_date(long days)
{
    return kvm_date_from_days(days);
}

static void set_relative(const resolver *r, ev_date_expr *e, long days, int precision)
{
    e->order_days = days - r->ref_days;
    e->precision = precision;
    if (r->known) {
        e->date = days_to_date(days);
        if (precision == KVM_TIME_MONTH)
            e->date.day = 0; /* callers that want the article date set it back */
        if (precision == KVM_TIME_YEAR)
            e->date.month = e->date.day = 0;
    } else {
        e->date.year = e->date.month = e->date.day = 0;
    }
}

/* A month with no year: the latest such month on or before the reference
 * (strictly before for "last December"). */
static void set_month_no_year(const resolver *r, ev_date_expr *e, int month, int strictly)
{
    int y = r->ref.year;
    if (month > r->ref.month || (strictly && month == r->ref.month))
        y--;
    kvm_date d = {y, month, 1};
    e->order_days = kvm_date_to_days(d) + 14 - r->ref_days;
    e->precision = KVM_TIME_MONTH;
    if (r->known) {
        e->date.year = y;
        e->date.month = month;
        e->date.day = 0;
    }
}

static void set_explicit(const resolver *r, ev_date_expr *e, int year, int month, int day)
{
    int guessed_year = 0;
    if (!year) {
        guessed_year = 1;
        year = r->ref.year;
        kvm_date d = {year, month, day ? day : 1};
        /* "on December 20" in a January article is last year's */
        if (kvm_date_to_days(d) > r->ref_days + 1)
            year--;
    }
    kvm_date d = {year, month, day};
    e->year_written = !guessed_year;
    e->precision = day ? KVM_TIME_DAY : month ? KVM_TIME_MONTH : KVM_TIME_YEAR;
    e->order_days = kvm_date_to_days(d) - r->ref_days;
    if (guessed_year && !r->known)
        e->date.year = e->date.month = e->date.day = 0;
    else
        e->date = d;
}

/* Monday of the week containing days (0 = Monday). */
static long monday_of(long days)
{
    kvm_date d = kvm_date_from_days(days);
    return days - kvm_date_weekday(d);
}

static size_t relative_expression(const resolver *r, const ev_token *toks, size_t n, size_t i,
                                  ev_date_expr *e)
{
    long ref = r->ref_days;
    size_t k = 0;
    if (kvm_ev_is(&toks[i], "yesterday")) {
        set_relative(r, e, ref - 1, KVM_TIME_DAY);
        return 1;
    }
    if (kvm_ev_is(&toks[i], "today") || (k = kvm_ev_match(toks, n, i, "this morning")) != 0 ||
        (k = kvm_ev_match(toks, n, i, "earlier today")) != 0) {
        set_relative(r, e, ref, KVM_TIME_DAY);
        return kvm_ev_is(&toks[i], "today") ? 1 : k;
    }
    if ((k = kvm_ev_match(toks, n, i, "last night")) != 0) {
        set_relative(r, e, ref - 1, KVM_TIME_DAY);
        return k;
    }
    /* weekends: the Saturday before the article date */

    for (size_t p = 0; weekend_phrases[p]; p++) {
        if ((k = kvm_ev_match(toks, n, i, weekend_phrases[p])) != 0) {
            long back = (kvm_date_weekday(r->ref) - 5 + 7) % 7;
            if (back == 0)
                back = 7;
            set_relative(r, e, ref - back, KVM_TIME_WEEK);
            return k;
        }
    }

    for (size_t p = 0; p < sizeof weeks / sizeof weeks[0]; p++) {
        if ((k = kvm_ev_match(toks, n, i, weeks[p].phrase)) != 0) {
            long day = monday_of(ref) - 7L * weeks[p].weeks_back + weeks[p].weekday;
            if (day > ref)
                day = ref;
            set_relative(r, e, day, KVM_TIME_WEEK);
            return k;
        }
    }
    if ((k = kvm_ev_match(toks, n, i, "last month")) != 0 ||
        (k = kvm_ev_match(toks, n, i, "earlier this month")) != 0 ||
        (k = kvm_ev_match(toks, n, i, "this month")) != 0) {
        int last = kvm_ev_is(&toks[i], "last");
        int y = r->ref.year, m = r->ref.month - (last ? 1 : 0);
        if (m < 1) {
            m = 12;
            y--;
        }
        kvm_date d = {y, m, 15};
        set_relative(r, e, kvm_date_to_days(d), KVM_TIME_MONTH);
        if (!last && r->known)
            e->order_days = -7;
        return k;
    }
    if ((k = kvm_ev_match(toks, n, i, "last year")) != 0 ||
        (k = kvm_ev_match(toks, n, i, "earlier this year")) != 0 ||
        (k = kvm_ev_match(toks, n, i, "this year")) != 0) {
        int last = kvm_ev_is(&toks[i], "last");
        kvm_date d = {r->ref.year - (last ? 1 : 0), 7, 1};
        set_relative(r, e, kvm_date_to_days(d), KVM_TIME_YEAR);
        e->order_days = last ? -365 : -60;
        return k;
    }
    /* "in recent weeks", "in the past few days", "recently" */

    for (size_t p = 0; recent[p]; p++) {
        if ((k = kvm_ev_match(toks, n, i, recent[p])) != 0 && i + k < n) {
            const ev_token *unit = &toks[i + k];
            if (kvm_ev_is(unit, "days")) {
                set_relative(r, e, ref, KVM_TIME_WEEK);
                e->order_days = -3;
                return k + 1;
            }
            if (kvm_ev_is(unit, "weeks") || kvm_ev_is(unit, "months")) {
                set_relative(r, e, ref, KVM_TIME_MONTH);
                if (r->known)
                    e->date = r->ref; /* as of the article date */
                e->order_days = kvm_ev_is(unit, "weeks") ? -14 : -45;
                return k + 1;
            }
        }
    }
    if (kvm_ev_is(&toks[i], "recently")) {
        set_relative(r, e, ref, KVM_TIME_MONTH);
        if (r->known)
            e->date = r->ref;
        e->order_days = -14;
        return 1;
    }
    /* "three weeks ago", "two days ago" */
    if (i + 2 < n && kvm_ev_is(&toks[i + 2], "ago")) {
        double count = 0;

        if (toks[i].kind == EV_TOK_NUMBER && !toks[i].decimal)
            count = toks[i].value;
        else if (kvm_ev_is(&toks[i], "a"))
            count = 1;
        else
            for (int s = 0; small_numbers[s]; s++)
                if (kvm_ev_is(&toks[i], small_numbers[s]))
                    count = s + 1;
        const ev_token *unit = &toks[i + 1];
        if (count > 0 && count < 1000) {
            long c = (long)count;
            if (kvm_ev_is(unit, "days") || kvm_ev_is(unit, "day")) {
                set_relative(r, e, ref - c, KVM_TIME_DAY);
                return 3;
            }
            if (kvm_ev_is(unit, "weeks") || kvm_ev_is(unit, "week")) {
                set_relative(r, e, ref - 7 * c, KVM_TIME_WEEK);
                return 3;
            }
            if (kvm_ev_is(unit, "months") || kvm_ev_is(unit, "month")) {
                set_relative(r, e, ref - 30 * c, KVM_TIME_MONTH);
                return 3;
            }
        }
    }
    /* "on Tuesday", "last Tuesday", "late Wednesday" */
    int wd = weekday_at(&toks[i]);
    if (wd >= 0) {
        int strictly = i > 0 && kvm_ev_is(&toks[i - 1], "last");
        long back = (kvm_date_weekday(r->ref) - wd + 7) % 7;
        if (back == 0 && strictly)
            back = 7;
        set_relative(r, e, ref - back, KVM_TIME_DAY);
        return 1;
    }
    return 0;
}

/* "two days earlier", "a week later", "the next day", "three days after
 * (capturing ...)", "a few days before (the fall of ...)": the count, unit
 * and direction; resolved later against their anchor. */
static size_t anchored_expression(const ev_token *toks, size_t n, size_t i, ev_date_expr *e)
{
    size_t k;
    if ((k = kvm_ev_match(toks, n, i, "the next day")) != 0 ||
        (k = kvm_ev_match(toks, n, i, "the following day")) != 0 ||
        (k = kvm_ev_match(toks, n, i, "the previous day")) != 0) {
        e->anchored = EV_ANCHOR_PREVIOUS;
        e->offset_days = kvm_ev_is(&toks[i + 1], "previous") ? -1 : 1;
        e->offset_precision = KVM_TIME_DAY;
        return k;
    }
    double count = 0;
    int vague = 0;
    k = i;
    if (toks[k].kind == EV_TOK_NUMBER) {
        if (toks[k].decimal || toks[k].grouped || toks[k].value < 1 || toks[k].value > 400)
            return 0;
        count = toks[k].value;
        k++;
    } else if (kvm_ev_is(&toks[k], "a") || kvm_ev_is(&toks[k], "an") ||
               kvm_ev_is(&toks[k], "the")) {
        k++;
        if (k < n && kvm_ev_is(&toks[k], "few")) {
            count = 3;
            vague = 1;
            k++;
        } else {
            count = 1;
        }
    } else if (kvm_ev_is(&toks[k], "several") || kvm_ev_is(&toks[k], "few")) {
        count = 3;
        vague = 1;
        k++;
    } else {
        for (int s = 0; small_numbers[s]; s++)
            if (kvm_ev_is(&toks[k], small_numbers[s]))
                count = s + 1;
        if (count == 0)
            return 0;
        k++;
    }
    if (k >= n)
        return 0;
    long unit;
    if (kvm_ev_is(&toks[k], "day") || kvm_ev_is(&toks[k], "days"))
        unit = 1;
    else if (kvm_ev_is(&toks[k], "week") || kvm_ev_is(&toks[k], "weeks"))
        unit = 7;
    else
        return 0;
    k++;
    if (k >= n)
        return 0;
    const ev_token *dir = &toks[k];
    int sign;
    if (kvm_ev_is(dir, "earlier") || kvm_ev_is(dir, "before") || kvm_ev_is(dir, "previously"))
        sign = -1;
    else if (kvm_ev_is(dir, "later") || kvm_ev_is(dir, "after"))
        sign = 1;
    else
        return 0;
    k++;
    /* "two days after capturing X" dates what follows; "fell two days
     * before." and "two days earlier" date their own clause */
    int clause = (kvm_ev_is(dir, "before") || kvm_ev_is(dir, "after")) && k < n &&
                 toks[k].kind != EV_TOK_PUNCT;
    e->anchored = clause ? EV_ANCHOR_CLAUSE : EV_ANCHOR_PREVIOUS;
    /* the clause's event is that far before (after) the anchor: "on Sunday,
     * two days after capturing Kavumu" is Friday */
    e->offset_days = (long)count * unit * (clause ? -sign : sign);
    e->offset_precision = (vague || unit > 1) ? KVM_TIME_WEEK : KVM_TIME_DAY;
    return k - i;
}

void kvm_ev_resolve_anchored(ev_date_expr *e, const ev_date_expr *anchor, kvm_date article_date)
{
    kvm_date base;
    int precision, year_written = 0;
    long order = 0;
    if (anchor) {
        base = anchor->date;
        precision = anchor->precision;
        year_written = anchor->year_written;
        order = anchor->order_days;
    } else {
        base = article_date;
        precision = article_date.year > 0 ? KVM_TIME_WEEK : 0;
    }
    e->year_written = year_written;
    e->order_days = order + e->offset_days;
    if (precision == KVM_TIME_MONTH || precision == KVM_TIME_YEAR) {
        /* "in December 2023 ... two days later": still that month */
        e->date = base;
        e->precision = precision;
        return;
    }
    e->precision = precision > e->offset_precision ? precision : e->offset_precision;
    if (e->precision == 0)
        e->precision = e->offset_precision;
    if (base.year > 0 && base.month > 0 && base.day > 0)
        e->date = kvm_date_from_days(kvm_date_to_days(base) + e->offset_days);
    else
        e->date.year = e->date.month = e->date.day = 0;
}

static size_t explicit_expression(const resolver *r, const ev_token *toks, size_t n, size_t i,
                                  ev_date_expr *e)
{
    int month = month_at(toks, n, i);
    if (month) {
        size_t k = i + 1;
        if (k < n && kvm_ev_is(&toks[k], "."))
            k++;
        int day = day_number_at(toks, n, k);
        if (day) {
            k = after_day(toks, n, k);
            size_t y = k;
            if (y < n && kvm_ev_is(&toks[y], ","))
                y++;
            int year = year_at(toks, n, y);
            set_explicit(r, e, year, month, day);
            return (year ? y + 1 : k) - i;
        }
        int year = year_at(toks, n, k);
        if (year) {
            set_explicit(r, e, year, month, 0);
            return k + 1 - i;
        }
        int strictly = i > 0 && kvm_ev_is(&toks[i - 1], "last");
        set_month_no_year(r, e, month, strictly);
        if (!r->known)
            e->date.year = e->date.month = e->date.day = 0;
        return 1;
    }
    int day = day_number_at(toks, n, i);
    if (day) {
        size_t k = after_day(toks, n, i);
        if (k < n && kvm_ev_is(&toks[k], "of"))
            k++;
        month = k < n ? month_at(toks, n, k) : 0;
        if (month) {
            int year = year_at(toks, n, k + 1);
            set_explicit(r, e, year, month, day);
            return (year ? k + 2 : k + 1) - i;
        }
        return 0;
    }
    int year = year_at(toks, n, i);
    if (year) {
        set_explicit(r, e, year, 0, 0);
        return 1;
    }
    return 0;
}

size_t kvm_ev_find_dates(const ev_token *toks, size_t n, kvm_date article_date, ev_date_expr *out,
                         size_t cap)
{
    resolver r;
    r.known = article_date.year > 0 && article_date.month > 0 && article_date.day > 0;
    if (r.known) {
        r.ref = article_date;
    } else {
        kvm_date monday = {2001, 1, 1}; /* a Monday: only differences are used */
        r.ref = monday;
    }
    r.ref_days = kvm_date_to_days(r.ref);
    size_t count = 0;
    for (size_t i = 0; i < n && count < cap;) {
        if (!kvm_ev_has(&toks[i], EV_F_DATE)) { /* words, numbers: EV_F_DATE */
            i++;
            continue;
        }
        /* a common word ("the", "in", "last", "a") starts a date only with a
         * date word within four tokens ("in the past few days") */
        if (toks[i].kind == EV_TOK_WORD && !kvm_ev_has(&toks[i], EV_F_DATE_STRONG)) {
            int strong = 0;
            for (size_t k = i + 1; k < n && k <= i + 4 && !strong; k++)
                strong = kvm_ev_has(&toks[k], EV_F_DATE_STRONG);
            if (!strong) {
                i++;
                continue;
            }
        }
        ev_date_expr e;
        memset(&e, 0, sizeof e);
        size_t k = relative_expression(&r, toks, n, i, &e);
        if (!k)
            k = anchored_expression(toks, n, i, &e);
        if (!k)
            k = explicit_expression(&r, toks, n, i, &e);
        if (k) {
            e.first = i;
            e.last = i + k - 1;
            out[count++] = e;
            i += k;
        } else {
            i++;
        }
    }
    return count;
}

int kvm_ev_date_in_text(const char *text, kvm_date article_date, ev_date_expr *pexpr)
{
    ev_tokens toks = {0};
    size_t len = strlen(text);
    if (kvm_ev_tokenize(text, 0, len, NULL, 0, EV_MAX_TOKENS, &toks) == (size_t)-1)
        return 0;
    size_t found = kvm_ev_find_dates(toks.items, toks.count, article_date, pexpr, 1);
    kvm_ev_tokens_free(&toks);
    return found > 0;
}
