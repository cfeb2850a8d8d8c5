/* Status strings, the error record, strict value parsers and date arithmetic. */
#define _POSIX_C_SOURCE 200809L
#include "kivumap/core.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *kvm_status_to_string(kvm_status status)
{
    switch (status) {
    case KVM_OK: return "no error";
    case KVM_ERR_NOMEM: return "out of memory";
    case KVM_ERR_IO: return "input/output error";
    case KVM_ERR_PARSE: return "malformed input";
    case KVM_ERR_INVALID: return "invalid value";
    case KVM_ERR_NOT_FOUND: return "not found";
    case KVM_ERR_AMBIGUOUS: return "ambiguous";
    case KVM_ERR_PROJ: return "PROJ error";
    case KVM_ERR_RENDER: return "rendering error";
    case KVM_ERR_LIMIT: return "limit exceeded";
    }
    return "unknown error";
}

kvm_status kvm_error_set(kvm_error *err, kvm_status code, const char *fmt, ...)
{
    if (err) {
        err->code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

kvm_status kvm_parse_double(const char *text, double *pvalue, kvm_error *err)
{
    const char *p = text;
    while (*p == ' ' || *p == '\t')
        p++;
    /* only plain decimal syntax: sign, digits, point, exponent */
    const char *q = p;
    if (*q == '+' || *q == '-')
        q++;
    int digits = 0;
    while (isdigit((unsigned char)*q)) {
        q++;
        digits++;
    }
    if (*q == '.') {
        q++;
        while (isdigit((unsigned char)*q)) {
            q++;
            digits++;
        }
    }
    if (digits == 0)
        return kvm_error_set(err, KVM_ERR_INVALID, "not a number: '%s'", text);
    if (*q == 'e' || *q == 'E') {
        q++;
        if (*q == '+' || *q == '-')
            q++;
        if (!isdigit((unsigned char)*q))
            return kvm_error_set(err, KVM_ERR_INVALID, "not a number: '%s'", text);
        while (isdigit((unsigned char)*q))
            q++;
    }
    const char *end_ws = q;
    while (*end_ws == ' ' || *end_ws == '\t')
        end_ws++;
    if (*end_ws != '\0')
        return kvm_error_set(err, KVM_ERR_INVALID, "not a number: '%s'", text);
    errno = 0;
    char *end;
    double v = strtod(p, &end);
    if (end != q || !isfinite(v) || (errno == ERANGE && fabs(v) > 1.0))
        return kvm_error_set(err, KVM_ERR_INVALID, "number out of range: '%s'", text);
    *pvalue = v;
    return KVM_OK;
}

/* Splits text at commas into at most n numbers; returns how many were found or
 * -1 when a field is not a number. */
static int parse_number_list(const char *text, double *values, int n)
{
    char buf[256];
    size_t len = strlen(text);
    if (len >= sizeof buf)
        return -1;
    memcpy(buf, text, len + 1);
    int count = 0;
    char *field = buf;
    for (;;) {
        char *comma = strchr(field, ',');
        if (comma)
            *comma = '\0';
        if (count >= n || kvm_parse_double(field, &values[count], NULL) != KVM_OK)
            return -1;
        count++;
        if (!comma)
            break;
        field = comma + 1;
    }
    return count;
}

kvm_status kvm_parse_latlon(const char *text, kvm_lonlat *ppos, kvm_error *err)
{
    double v[2];
    if (parse_number_list(text, v, 2) != 2)
        return kvm_error_set(err, KVM_ERR_INVALID, "bad coordinates '%s' (expected LAT,LON)",
                             text);
    if (v[0] < -90 || v[0] > 90)
        return kvm_error_set(err, KVM_ERR_INVALID, "latitude out of range in '%s'", text);
    if (v[1] < -180 || v[1] > 180)
        return kvm_error_set(err, KVM_ERR_INVALID, "longitude out of range in '%s'", text);
    ppos->lat = v[0];
    ppos->lon = v[1];
    return KVM_OK;
}

kvm_status kvm_parse_bbox(const char *text, kvm_bbox *pbox, kvm_error *err)
{
    double v[4];
    if (parse_number_list(text, v, 4) != 4)
        return kvm_error_set(err, KVM_ERR_INVALID,
                             "bad bounding box '%s' (expected WEST,SOUTH,EAST,NORTH)", text);
    if (v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90 || v[0] > 180 || v[2] < -180 ||
        v[1] > 90 || v[3] < -90)
        return kvm_error_set(err, KVM_ERR_INVALID, "bounding box '%s' is outside the world",
                             text);
    if (!(v[0] < v[2]) || !(v[1] < v[3]))
        return kvm_error_set(err, KVM_ERR_INVALID,
                             "bounding box '%s' is empty or reversed (need WEST<EAST, "
                             "SOUTH<NORTH)",
                             text);
    pbox->west = v[0];
    pbox->south = v[1];
    pbox->east = v[2];
    pbox->north = v[3];
    return KVM_OK;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* Value of n ASCII digits at s, or -1 if any is not a digit. */
static int digits_value(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

kvm_status kvm_parse_date(const char *text, kvm_date *pdate, kvm_error *err)
{
    /* hand-parsed: readers of large event files parse one date per event */
    int y = 0, m = 0, d = 0;
    size_t len = strlen(text);
    if (len != 4 && len != 7 && len != 10)
        goto bad;
    y = digits_value(text, 4);
    if (len >= 7) {
        if (text[4] != '-')
            goto bad;
        m = digits_value(text + 5, 2);
    }
    if (len == 10) {
        if (text[7] != '-')
            goto bad;
        d = digits_value(text + 8, 2);
    }
    if (y < 1 || m < 0 || d < 0 || (len >= 7 && (m < 1 || m > 12)) ||
        (len == 10 && (d < 1 || d > days_in_month(y, m))))
        goto bad;
    pdate->year = y;
    pdate->month = m;
    pdate->day = d;
    return KVM_OK;
bad:
    return kvm_error_set(err, KVM_ERR_INVALID, "bad date '%s' (expected YYYY-MM-DD)", text);
}

char *kvm_date_format(kvm_date date, char *buf)
{
    unsigned y = (unsigned)date.year % 10000u, m = (unsigned)date.month % 100u,
             d = (unsigned)date.day % 100u;
    if (date.year <= 0)
        buf[0] = '\0';
    else if (date.month <= 0)
        snprintf(buf, 11, "%04u", y);
    else if (date.day <= 0)
        snprintf(buf, 11, "%04u-%02u", y, m);
    else
        snprintf(buf, 11, "%04u-%02u-%02u", y, m, d);
    return buf;
}

int kvm_date_compare(kvm_date a, kvm_date b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    if (a.day != b.day)
        return a.day < b.day ? -1 : 1;
    return 0;
}

/* Days from civil (Howard Hinnant's algorithm, proleptic Gregorian). */
long kvm_date_to_days(kvm_date date)
{
    long y = date.year;
    long m = date.month > 0 ? date.month : 1;
    long d = date.day > 0 ? date.day : 1;
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

kvm_date kvm_date_from_days(long z)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp + (mp < 10 ? 3 : -9);
    kvm_date out = {(int)(y + (m <= 2)), (int)m, (int)d};
    return out;
}

int kvm_date_weekday(kvm_date date)
{
    long days = kvm_date_to_days(date); /* 1970-01-01 was a Thursday (3) */
    long w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}
