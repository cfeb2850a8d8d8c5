/* Core parsers, dates, UTF-8 helpers, folding and atomic output files. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kivumap/core.h"
#include "testlib.h"
#include "util.h"

static void test_parse_double(void)
{
    static const struct {
        const char *text;
        int ok;
        double value;
    } cases[] = {
        {"0", 1, 0.0},        {"-1.5", 1, -1.5},   {"+2", 1, 2.0},       {" 3.25 ", 1, 3.25},
        {"1e3", 1, 1000.0},   {".5", 1, 0.5},      {"5.", 1, 5.0},       {"", 0, 0},
        {"abc", 0, 0},        {"1e400", 0, 0},     {"-1e400", 0, 0},     {"NaN", 0, 0},
        {"inf", 0, 0},        {"0x10", 0, 0},      {"1,5", 0, 0},        {"1e", 0, 0},
        {"12abc", 0, 0},      {"-", 0, 0},         {"1e-400", 1, 0.0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double v = -99;
        kvm_error err = {0};
        kvm_status st = kvm_parse_double(cases[i].text, &v, &err);
        CHECK_MSG((st == KVM_OK) == cases[i].ok, "parse_double('%s') status %d", cases[i].text,
                  (int)st);
        if (cases[i].ok && st == KVM_OK)
            CHECK_NEAR(v, cases[i].value, 1e-12);
        if (!cases[i].ok)
            CHECK(strstr(err.message, cases[i].text) != NULL);
    }
}

static void test_parse_latlon_bbox(void)
{
    kvm_lonlat p;
    kvm_error err = {0};
    CHECK(kvm_parse_latlon("-1.6792,29.2228", &p, &err) == KVM_OK);
    CHECK_NEAR(p.lat, -1.6792, 1e-12);
    CHECK_NEAR(p.lon, 29.2228, 1e-12);
    CHECK(kvm_parse_latlon(" -1.5 , 29 ", &p, &err) == KVM_OK);
    CHECK(kvm_parse_latlon("95,29", &p, &err) == KVM_ERR_INVALID);
    CHECK(strstr(err.message, "latitude out of range in '95,29'") != NULL);
    CHECK(kvm_parse_latlon("1,181", &p, &err) == KVM_ERR_INVALID);
    CHECK(kvm_parse_latlon("1", &p, &err) == KVM_ERR_INVALID);
    CHECK(strstr(err.message, "expected LAT,LON") != NULL);
    CHECK(kvm_parse_latlon("1,2,3", &p, &err) == KVM_ERR_INVALID);
    CHECK(kvm_parse_latlon("Goma", &p, &err) == KVM_ERR_INVALID);
    CHECK(kvm_parse_latlon("nan,1", &p, &err) == KVM_ERR_INVALID);

    kvm_bbox b;
    CHECK(kvm_parse_bbox("28.5,-2,29.5,-1", &b, &err) == KVM_OK);
    CHECK_NEAR(b.west, 28.5, 0);
    CHECK_NEAR(b.south, -2, 0);
    CHECK_NEAR(b.east, 29.5, 0);
    CHECK_NEAR(b.north, -1, 0);
    CHECK(kvm_parse_bbox("29.5,-2,28.5,-1", &b, &err) == KVM_ERR_INVALID);
    CHECK(strstr(err.message, "reversed") != NULL);
    CHECK(kvm_parse_bbox("1,2,3", &b, &err) == KVM_ERR_INVALID);
    CHECK(kvm_parse_bbox("", &b, &err) == KVM_ERR_INVALID);
    CHECK(kvm_parse_bbox("-200,0,10,10", &b, &err) == KVM_ERR_INVALID);
    CHECK(strstr(err.message, "outside the world") != NULL);
    CHECK(kvm_parse_bbox("1,1,1,1", &b, &err) == KVM_ERR_INVALID);
}

static void test_dates(void)
{
    kvm_date d;
    char buf[11];
    kvm_error err = {0};
    CHECK(kvm_parse_date("2025-01-27", &d, &err) == KVM_OK);
    CHECK(d.year == 2025 && d.month == 1 && d.day == 27);
    CHECK_STR(kvm_date_format(d, buf), "2025-01-27");
    CHECK(kvm_date_weekday(d) == 0); /* 27 January 2025 was a Monday */
    CHECK(kvm_parse_date("2024-02-29", &d, &err) == KVM_OK);
    CHECK(kvm_parse_date("2023-02-29", &d, &err) == KVM_ERR_INVALID);
    CHECK(kvm_parse_date("2025-13-01", &d, &err) == KVM_ERR_INVALID);
    CHECK(kvm_parse_date("2025-1-1", &d, &err) == KVM_ERR_INVALID);
    CHECK(kvm_parse_date("20250101", &d, &err) == KVM_ERR_INVALID);
    CHECK(kvm_parse_date("1-01", &d, &err) == KVM_ERR_INVALID);       /* fuzz finding */
    CHECK(kvm_parse_date("2025-01-1-", &d, &err) == KVM_ERR_INVALID);
    CHECK(kvm_parse_date("2025-1--01", &d, &err) == KVM_ERR_INVALID);
    CHECK(kvm_parse_date("2022-08", &d, &err) == KVM_OK);
    CHECK_STR(kvm_date_format(d, buf), "2022-08");
    CHECK(kvm_parse_date("2012", &d, &err) == KVM_OK);
    CHECK_STR(kvm_date_format(d, buf), "2012");
    kvm_date none = {0, 0, 0};
    CHECK_STR(kvm_date_format(none, buf), "");
    kvm_date a = {2025, 1, 23}, b = {2025, 1, 27};
    CHECK(kvm_date_compare(a, b) < 0 && kvm_date_compare(b, a) > 0 && kvm_date_compare(a, a) == 0);
    CHECK(kvm_date_to_days(b) - kvm_date_to_days(a) == 4);
    kvm_date epoch = {1970, 1, 1};
    CHECK(kvm_date_to_days(epoch) == 0);
    for (long days = -800000; days < 800000; days += 997) {
        kvm_date x = kvm_date_from_days(days);
        CHECK_MSG(kvm_date_to_days(x) == days, "round trip of day %ld", days);
    }
    kvm_date leap = {2000, 3, 1};
    CHECK(kvm_date_to_days(leap) - kvm_date_to_days((kvm_date){2000, 2, 28}) == 2);
}

static void test_utf8(void)
{
    uint32_t cp;
    CHECK(kvm_utf8_decode((const unsigned char *)"A", 1, &cp) == 1 && cp == 'A');
    CHECK(kvm_utf8_decode((const unsigned char *)"\xC3\xA9", 2, &cp) == 2 && cp == 0xE9);
    CHECK(kvm_utf8_decode((const unsigned char *)"\xE2\x80\x99", 3, &cp) == 3 && cp == 0x2019);
    CHECK(kvm_utf8_decode((const unsigned char *)"\xF0\x9F\x98\x80", 4, &cp) == 4 &&
          cp == 0x1F600);
    /* overlong, surrogate, truncated, stray continuation */
    CHECK(kvm_utf8_decode((const unsigned char *)"\xC0\xAF", 2, &cp) == 1 && cp == 0xFFFD);
    CHECK(kvm_utf8_decode((const unsigned char *)"\xE0\x80\xAF", 3, &cp) == 1 && cp == 0xFFFD);
    CHECK(kvm_utf8_decode((const unsigned char *)"\xED\xA0\x80", 3, &cp) == 1 && cp == 0xFFFD);
    CHECK(kvm_utf8_decode((const unsigned char *)"\xE2\x80", 2, &cp) == 1 && cp == 0xFFFD);
    CHECK(kvm_utf8_decode((const unsigned char *)"\x80", 1, &cp) == 1 && cp == 0xFFFD);
    CHECK(kvm_utf8_decode((const unsigned char *)"\xF4\x90\x80\x80", 4, &cp) == 1);
    char out[4];
    CHECK(kvm_utf8_encode(0xE9, out) == 2 && memcmp(out, "\xC3\xA9", 2) == 0);
    CHECK(kvm_utf8_encode(0x1F600, out) == 4 && memcmp(out, "\xF0\x9F\x98\x80", 4) == 0);
    /* "aé" + "é": cutting at 3 bytes must not split the second é */
    const char *s = "a\xC3\xA9\xC3\xA9";
    CHECK(kvm_utf8_truncate(s, 5, 3) == 3);
    CHECK(kvm_utf8_truncate(s, 5, 4) == 3);
    CHECK(kvm_utf8_truncate(s, 5, 2) == 1);
    CHECK(kvm_utf8_truncate(s, 5, 10) == 5);
}

static void test_fold(void)
{
    static const struct {
        uint32_t cp;
        char first;
        char second;
    } cases[] = {
        {'A', 'a', 0},    {'z', 'z', 0},     {'-', ' ', 0},    {0xE9, 'e', 0},  {0xC9, 'e', 0},
        {0xE7, 'c', 0},   {0xF4, 'o', 0},    {0xDF, 's', 's'}, {0xE6, 'a', 'e'}, {0x153, 'o', 'e'},
        {0x2019, '\'', 0}, {0x2013, ' ', 0}, {0xA0, ' ', 0},   {0x160, 's', 0}, {0x17E, 'z', 0},
        {0x161, 's', 0},  {0x168, 'u', 0},   {0x3B1, 0, 0},    {0xD7, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char second;
        unsigned char first = kvm_fold_codepoint(cases[i].cp, &second);
        CHECK_MSG(first == (unsigned char)cases[i].first && second == (unsigned char)cases[i].second,
                  "fold U+%04X -> '%c%c'", (unsigned)cases[i].cp, first ? first : '0',
                  second ? second : '0');
    }
}

static int count_temp_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL)
        if (strstr(de->d_name, ".tmp."))
            n++;
    if (d)
        closedir(d);
    return n;
}

static void test_outfile(void)
{
    const char *dir = "test_core_out";
    mkdir(dir, 0755);
    const char *path = "test_core_out/result.txt";
    remove(path);
    kvm_outfile out;
    kvm_error err = {0};
    CHECK(kvm_outfile_open(&out, path, &err) == KVM_OK);
    fputs("partial", out.fp);
    CHECK(access(path, F_OK) != 0); /* not visible until committed */
    CHECK(kvm_outfile_commit(&out, &err) == KVM_OK);
    char *text = test_read_file(path, NULL);
    CHECK(text && strcmp(text, "partial") == 0);
    free(text);

    CHECK(kvm_outfile_open(&out, path, &err) == KVM_OK);
    fputs("second", out.fp);
    kvm_outfile_abort(&out);
    text = test_read_file(path, NULL);
    CHECK(text && strcmp(text, "partial") == 0); /* the old file survives an abort */
    free(text);
    CHECK(count_temp_files(dir) == 0);

    CHECK(kvm_outfile_open(&out, "no/such/dir/x.txt", &err) == KVM_ERR_IO);
    CHECK(strstr(err.message, "cannot write 'no/such/dir/x.txt'") != NULL);

    if (access("/dev/full", W_OK) == 0) {
        /* /dev/full as a directory entry cannot take a sibling temp file, so
         * exercise the commit check through a stream that fails: */
        FILE *full = fopen("/dev/full", "w");
        if (full) {
            setvbuf(full, NULL, _IONBF, 0);
            CHECK(fputs("x", full) == EOF);
            fclose(full);
        }
    }
}

static void test_buf(void)
{
    kvm_buf b;
    kvm_buf_init(&b);
    for (int i = 0; i < 1000; i++)
        kvm_buf_printf(&b, "%d,", i);
    CHECK(!b.failed);
    CHECK(strncmp(b.data, "0,1,2,", 6) == 0);
    CHECK(b.len == strlen(b.data));
    kvm_buf_free(&b);
    void *items = NULL;
    size_t cap = 0;
    CHECK(kvm_grow(&items, &cap, 10, 8) == 0 && cap >= 10);
    CHECK(kvm_grow(&items, &cap, SIZE_MAX / 2, 8) == -1);
    free(items);
    CHECK(kvm_alloc_array(SIZE_MAX / 2, 4) == NULL);
}

int main(void)
{
    test_parse_double();
    test_parse_latlon_bbox();
    test_dates();
    test_utf8();
    test_fold();
    test_outfile();
    test_buf();
    return test_report("test_core");
}
