/* CSV (RFC 4180: comma-separated, CRLF-free LF lines, fields quoted when they
 * hold a comma, quote or line break, quotes doubled).  events.csv follows
 * ACLED's export columns in ACLED's order, then x_ columns of ours; text is
 * never truncated.  Column list and meanings: docs/export.md. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "export/export_internal.h"
#include "util.h"

void kvm_csv_field(kvm_xfile *xf, const char *s)
{
    if (!s)
        return;
    if (!s[strcspn(s, ",\"\r\n")]) {
        kvm_xf_puts(xf, s);
        return;
    }
    kvm_xf_putc(xf, '"');
    for (const char *p = s; *p;) {
        const char *q = strchr(p, '"');
        if (!q) {
            kvm_xf_puts(xf, p);
            break;
        }
        kvm_xf_write(xf, p, (size_t)(q - p) + 1);
        kvm_xf_putc(xf, '"');
        p = q + 1;
    }
    kvm_xf_putc(xf, '"');
}

void kvm_csv_header(kvm_xfile *xf, const kvm_xfield *fields, size_t n_fields)
{
    for (size_t i = 0; i < n_fields; i++) {
        if (i)
            kvm_xf_putc(xf, ',');
        kvm_xf_puts(xf, fields[i].long_name);
    }
    kvm_xf_putc(xf, '\n');
}

static void date_field(kvm_xfile *xf, kvm_date d)
{
    char buf[48];
    if (d.year <= 0)
        return;
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month > 0 ? d.month : 1,
             d.day > 0 ? d.day : 1);
    kvm_xf_puts(xf, buf);
}

void kvm_csv_row(kvm_xfile *xf, const kvm_xfield *fields, size_t n_fields, const kvm_xvalue *values)
{
    for (size_t i = 0; i < n_fields; i++) {
        const kvm_xfield *f = &fields[i];
        const kvm_xvalue *v = &values[i];
        if (i)
            kvm_xf_putc(xf, ',');
        if (v->is_null)
            continue;
        switch (f->type) {
        case 'C':
            kvm_csv_field(xf, v->s);
            break;
        case 'N':
            if (f->decimals)
                kvm_xf_fixed(xf, v->d, f->decimals);
            else
                kvm_xf_int(xf, v->i);
            break;
        case 'D':
            date_field(xf, v->date);
            break;
        case 'L':
            kvm_xf_putc(xf, v->i ? '1' : '0');
            break;
        default:
            break;
        }
    }
    kvm_xf_putc(xf, '\n');
}

/* ACLED's columns (API / export, 2023-2025), then ours. */
static const char *const event_columns[] = {
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
    /* ours */
    "x_type",
    "x_count_min",
    "x_count_max",
    "x_origin",
    "x_destination",
    "x_destination_text",
    "x_historical",
    "x_claimed",
    "x_mention",
    "x_span_start",
    "x_span_end",
    "x_method",
    "x_confidence",
    "x_gazetteer_id",
    "x_reference",
    "x_stated_km",
    "x_computed_km",
};

static const char *disorder_type(kvm_event_type type)
{
    switch (type) {
    case KVM_EVENT_CAPTURE:
    case KVM_EVENT_RECAPTURE:
    case KVM_EVENT_CLASH:
    case KVM_EVENT_SHELLING:
    case KVM_EVENT_ATTACK:
        return "Political violence";
    case KVM_EVENT_WITHDRAWAL:
    case KVM_EVENT_AGREEMENT:
        return "Strategic developments";
    default:
        return "";
    }
}

typedef struct claim_slot {
    const kvm_place *place;
    size_t index;
} claim_slot;

static int compare_claim_slots(const void *a, const void *b)
{
    const claim_slot *x = a, *y = b;
    if ((uintptr_t)x->place != (uintptr_t)y->place)
        return (uintptr_t)x->place < (uintptr_t)y->place ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* The stated distance that locates an event's place: the claim about the
 * same place from the event's own article if there is one, else the first. */
static const kvm_claim *claim_for(const kvm_eventset *set, const claim_slot *slots, size_t n,
                                  const kvm_event *e)
{
    if (!slots || !e->place || n == 0)
        return NULL;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((uintptr_t)slots[mid].place < (uintptr_t)e->place)
            lo = mid + 1;
        else
            hi = mid;
    }
    const kvm_claim *first = NULL;
    for (size_t i = lo; i < n && slots[i].place == e->place; i++) {
        const kvm_claim *c = kvm_eventset_claim(set, slots[i].index);
        if (!first)
            first = c;
        if (c->article == e->article)
            return c;
    }
    return first;
}

static void put_int_if(kvm_xfile *xf, long long v, int known)
{
    if (known)
        kvm_xf_int(xf, v);
}

static void event_row(kvm_xfile *xf, const kvm_event_row *r, const kvm_claim *claim)
{
    const kvm_event *e = r->event;
    const kvm_place *p = e->place;
    kvm_csv_field(xf, e->id);
    kvm_xf_putc(xf, ',');
    date_field(xf, r->date);
    kvm_xf_putc(xf, ',');
    put_int_if(xf, r->date.year, r->date.year > 0);
    kvm_xf_putc(xf, ',');
    put_int_if(xf, r->time_precision, r->time_precision > 0);
    kvm_xf_putc(xf, ',');
    kvm_csv_field(xf, disorder_type(e->type));
    kvm_xf_putc(xf, ',');
    kvm_csv_field(xf, kvm_event_type_acled(e->type));
    kvm_xf_putc(xf, ',');
    kvm_csv_field(xf, kvm_event_sub_type_acled(e->type));
    kvm_xf_putc(xf, ',');
    int inter1 = kvm_acled_inter(e->actor1), inter2 = kvm_acled_inter(e->actor2);
    kvm_csv_field(xf, e->actor1);
    kvm_xf_puts(xf, ",,"); /* assoc_actor_1 */
    put_int_if(xf, inter1, inter1 > 0);
    kvm_xf_putc(xf, ',');
    kvm_csv_field(xf, e->actor2);
    kvm_xf_puts(xf, ",,"); /* assoc_actor_2 */
    put_int_if(xf, inter2, inter2 > 0);
    kvm_xf_putc(xf, ',');
    /* interaction: both types, lower first (12 = state forces vs rebels);
     * a sole actor's type times ten */
    if (inter1 > 0 && (inter2 > 0 || !e->actor2 || !e->actor2[0])) {
        int lo = inter2 > 0 && inter2 < inter1 ? inter2 : inter1;
        int hi = inter2 > 0 ? (inter2 < inter1 ? inter1 : inter2) : 0;
        kvm_xf_int(xf, lo * 10 + hi);
    }
    kvm_xf_putc(xf, ',');
    kvm_csv_field(xf, e->type == KVM_EVENT_ATTACK ? "Civilian targeting" : "");
    kvm_xf_putc(xf, ',');
    put_int_if(xf, r->iso, r->iso > 0);
    kvm_xf_putc(xf, ',');
    kvm_csv_field(xf, r->region);
    kvm_xf_putc(xf, ',');
    kvm_csv_field(xf, r->country);
    kvm_xf_putc(xf, ',');
    kvm_csv_field(xf, r->admin1);
    kvm_xf_putc(xf, ',');
    kvm_csv_field(xf, r->admin2);
    kvm_xf_puts(xf, ",,"); /* admin3 */
    if (p) {
        kvm_csv_field(xf, p->name);
        kvm_xf_putc(xf, ',');
        kvm_xf_fixed(xf, p->lat, 6);
        kvm_xf_putc(xf, ',');
        kvm_xf_fixed(xf, p->lon, 6);
        kvm_xf_putc(xf, ',');
        kvm_xf_int(xf, r->geo_precision);
    } else {
        kvm_xf_puts(xf, ",,,");
    }
    kvm_xf_putc(xf, ',');
    kvm_csv_field(xf, r->sources);
    kvm_xf_puts(xf, ",,"); /* source_scale */
    kvm_csv_field(xf, e->evidence);
    kvm_xf_putc(xf, ',');
    kvm_xf_int(xf, r->fatalities);
    kvm_xf_puts(xf, ",,,"); /* tags, timestamp */
    /* ours */
    kvm_csv_field(xf, kvm_event_type_name(e->type));
    kvm_xf_putc(xf, ',');
    put_int_if(xf, e->count_min, e->count_min >= 0);
    kvm_xf_putc(xf, ',');
    put_int_if(xf, e->count_max, e->count_max >= 0);
    kvm_xf_putc(xf, ',');
    kvm_csv_field(xf, e->origin ? e->origin->name : "");
    kvm_xf_putc(xf, ',');
    kvm_csv_field(xf, e->destination ? e->destination->name : "");
    kvm_xf_putc(xf, ',');
    kvm_csv_field(xf, e->destination_text);
    kvm_xf_putc(xf, ',');
    kvm_xf_putc(xf, e->historical ? '1' : '0');
    kvm_xf_putc(xf, ',');
    kvm_xf_int(xf, e->claimed);
    kvm_xf_putc(xf, ',');
    kvm_csv_field(xf, e->mention);
    kvm_xf_putc(xf, ',');
    int has_span = e->mention_end > e->mention_start;
    put_int_if(xf, (long long)e->mention_start, has_span);
    kvm_xf_putc(xf, ',');
    put_int_if(xf, (long long)e->mention_end, has_span);
    kvm_xf_putc(xf, ',');
    kvm_csv_field(xf, e->method);
    kvm_xf_putc(xf, ',');
    kvm_xf_fixed(xf, e->confidence, 3);
    kvm_xf_putc(xf, ',');
    kvm_csv_field(xf, p ? p->id : "");
    kvm_xf_putc(xf, ',');
    if (claim) {
        kvm_csv_field(xf, claim->to ? claim->to->id : "");
        kvm_xf_putc(xf, ',');
        kvm_xf_fixed(xf, claim->stated_km, 3);
        kvm_xf_putc(xf, ',');
        kvm_xf_fixed(xf, claim->computed_km, 3);
    } else {
        kvm_xf_puts(xf, ",,");
    }
    kvm_xf_putc(xf, '\n');
}

void kvm_csv_events(kvm_xfile *xf, const kvm_eventset *set)
{
    size_t n_cols = sizeof event_columns / sizeof event_columns[0];
    for (size_t i = 0; i < n_cols; i++) {
        if (i)
            kvm_xf_putc(xf, ',');
        kvm_xf_puts(xf, event_columns[i]);
    }
    kvm_xf_putc(xf, '\n');
    size_t nc = kvm_eventset_claim_count(set);
    claim_slot *slots = nc ? kvm_alloc_array(nc, sizeof *slots) : NULL;
    size_t n_slots = 0;
    for (size_t i = 0; slots && i < nc; i++) {
        const kvm_claim *c = kvm_eventset_claim(set, i);
        if (c->from) {
            slots[n_slots].place = c->from;
            slots[n_slots].index = i;
            n_slots++;
        }
    }
    if (slots)
        qsort(slots, n_slots, sizeof *slots, compare_claim_slots);
    else if (nc)
        xf->err_no = xf->err_no ? xf->err_no : ENOMEM;
    char *scratch = NULL;
    size_t scratch_cap = 0;
    size_t ne = kvm_eventset_event_count(set);
    for (size_t i = 0; i < ne && !xf->err_no; i++) {
        kvm_event_row row;
        kvm_event_row_fill(set, i, &row, &scratch, &scratch_cap);
        event_row(xf, &row, claim_for(set, slots, n_slots, row.event));
    }
    free(scratch);
    free(slots);
}
