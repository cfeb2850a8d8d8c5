/* Tests for article reading: byte repair, the date header, JSON Lines input
 * and sentence spans. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kivumap/article.h"
#include "testlib.h"

static kvm_article *from(const char *data, size_t len)
{
    kvm_article *art = NULL;
    kvm_error err = {0};
    kvm_status st = kvm_article_from_buffer("t.txt", data, len, &art, &err);
    CHECK_MSG(st == KVM_OK, "from_buffer failed: %s", err.message);
    return art;
}

static void test_bytes(void)
{
    /* BOM + CRLF + lone CR */
    static const char in1[] = "\xEF\xBB\xBFGoma fell.\r\nSake next.\rEnd";
    kvm_article *a = from(in1, sizeof in1 - 1);
    if (a) {
        CHECK_STR(kvm_article_text(a), "Goma fell.\nSake next.\nEnd");
        CHECK(kvm_article_length(a) == strlen("Goma fell.\nSake next.\nEnd"));
        CHECK(kvm_article_replaced_count(a) == 0);
        CHECK(kvm_article_date(a).year == 0);
    }
    kvm_article_free(a);

    /* invalid UTF-8: a stray continuation byte, a truncated sequence, an
     * overlong encoding; a NUL byte; valid accents kept */
    static const char in2[] = "a\x80"
                              "b\xC3"
                              "c\xC0\xAF"
                              "d\0e Bén\xC3\xA9";
    a = from(in2, sizeof in2 - 1);
    if (a) {
        CHECK_STR(kvm_article_text(a), "a\xEF\xBF\xBD"
                                       "b\xEF\xBF\xBD"
                                       "c\xEF\xBF\xBD\xEF\xBF\xBD"
                                       "d\xEF\xBF\xBD"
                                       "e Bén\xC3\xA9");
        CHECK(kvm_article_replaced_count(a) == 5);
    }
    kvm_article_free(a);

    /* empty input: no sentences */
    a = from("", 0);
    if (a) {
        CHECK(kvm_article_length(a) == 0);
        CHECK_STR(kvm_article_text(a), "");
        CHECK(kvm_article_sentence_count(a) == 0);
        CHECK(kvm_article_sentence_at(a, 0) == 0);
    }
    kvm_article_free(a);
}

static void test_date_header(void)
{
    static const struct {
        const char *in;
        int year, month, day;
        const char *body;
    } cases[] = {
        {"date 2022-08-11\nBody here.", 2022, 8, 11, "Body here."},
        {"  date 2022-08-11 Text on the same line.", 2022, 8, 11, "Text on the same line."},
        {"\tDATE 2025-01-27\r\n\r\nAfter a blank.", 2025, 1, 27, "\nAfter a blank."},
        {"Date: 2024-02-29\nLeap day.", 2024, 2, 29, "Leap day."},
        {"Date palms grow in Goma.", 0, 0, 0, "Date palms grow in Goma."},
        {"Dated reports say.", 0, 0, 0, "Dated reports say."},
        {"No header.\ndate 2022-01-01", 0, 0, 0, "No header.\ndate 2022-01-01"},
        {"date 2023-03-04", 2023, 3, 4, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kvm_article *a = from(cases[i].in, strlen(cases[i].in));
        if (!a)
            continue;
        kvm_date d = kvm_article_date(a);
        CHECK_MSG(d.year == cases[i].year && d.month == cases[i].month && d.day == cases[i].day,
                  "case %zu: date %d-%d-%d", i, d.year, d.month, d.day);
        CHECK_STR(kvm_article_text(a), cases[i].body);
        kvm_article_free(a);
    }
    static const char *const bad[] = {"date 2022-13-01\nx", "date 2023-02-29\nx",
                                      "Date: yesterday\nx", "date 2022-8-1\nx",
                                      " date 2022-08-11x rest"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kvm_article *a = NULL;
        kvm_error err = {0};
        kvm_status st = kvm_article_from_buffer("in.txt", bad[i], strlen(bad[i]), &a, &err);
        CHECK_MSG(st == KVM_ERR_PARSE && a == NULL, "bad case %zu accepted", i);
        CHECK_MSG(strncmp(err.message, "in.txt:1: malformed date line '", 31) == 0,
                  "bad case %zu: message '%s'", i, err.message);
    }
    kvm_article *a = from("x", 1);
    if (a) {
        kvm_date d = {2020, 1, 2};
        kvm_article_set_date(a, d);
        CHECK(kvm_article_date(a).year == 2020 && kvm_article_date(a).day == 2);
    }
    kvm_article_free(a);
}

/* Sentences: text, then the expected sentences joined by '|'. */
static void test_sentences(void)
{
    static const struct {
        const char *in;
        const char *expected;
    } cases[] = {
        {"Rebels took Sake. The army withdrew!  Why? Nobody said.",
         "Rebels took Sake.|The army withdrew!|Why?|Nobody said."},
        {"Gen. Makenga met Lt. Col. Mugisha and Mr. Smith in St. Louis. Then he left.",
         "Gen. Makenga met Lt. Col. Mugisha and Mr. Smith in St. Louis.|Then he left."},
        {"The U.S. and the U.N. spoke, e.g. about Goma. Talks went on.",
         "The U.S. and the U.N. spoke, e.g. about Goma.|Talks went on."},
        {"About 1.2 million fled. Some 7,000 returned.",
         "About 1.2 million fled.|Some 7,000 returned."},
        {"On Jan. 4 and Dec. 12 nothing happened. J. K. Rowling wrote.",
         "On Jan. 4 and Dec. 12 nothing happened.|J. K. Rowling wrote."},
        {"He saw the militia.In the DRC on Tuesday, talks resumed.",
         "He saw the militia.|In the DRC on Tuesday, talks resumed."},
        {"Ask for room No. 5 today. He said no. Then left.",
         "Ask for room No. 5 today.|He said no.|Then left."},
        {"\"We will win,\" he said. \"Never!\" she replied.",
         "\"We will win,\" he said.|\"Never!\" she replied."},
        {"He asked: \"Why?\" and left. It was 2012. 2013 was worse.",
         "He asked: \"Why?\" and left.|It was 2012.|2013 was worse."},
        {"A headline without a stop\n\nFirst paragraph starts here. It goes on.\n\nSecond one",
         "A headline without a stop|First paragraph starts here.|It goes on.|Second one"},
        {"A short heading\nThe body follows here.", "A short heading|The body follows here."},
        {"a hard wrapped line of text that keeps going to the right margin and\n"
         "continues here. Done.",
         "a hard wrapped line of text that keeps going to the right margin and\n"
         "continues here.|Done."},
        {"Quote ends here.” Then more.", "Quote ends here.”|Then more."},
        {"Prices rose approx. 30 percent.", "Prices rose approx. 30 percent."},
        {"See www.example.Com now.", "See www.example.Com now."},
        {"Talks failed. ALSO READ: Rebels advance Various people said so.",
         "Talks failed.|ALSO READ: Rebels advance Various people said so."},
        {"The end...", "The end..."},
        {"   \n\n  ", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        kvm_article *a = from(cases[i].in, strlen(cases[i].in));
        if (!a)
            continue;
        char got[1024] = "";
        size_t used = 0;
        const char *text = kvm_article_text(a);
        for (size_t k = 0; k < kvm_article_sentence_count(a); k++) {
            kvm_span sp = kvm_article_sentence(a, k);
            CHECK(sp.start < sp.end && sp.end <= kvm_article_length(a));
            used += (size_t)snprintf(got + used, sizeof got - used, "%s%.*s", k ? "|" : "",
                                     (int)(sp.end - sp.start), text + sp.start);
            CHECK(kvm_article_sentence_at(a, sp.start) == k);
            CHECK(kvm_article_sentence_at(a, sp.end - 1) == k);
        }
        CHECK_MSG(strcmp(got, cases[i].expected) == 0, "case %zu: got '%s'\n  expected '%s'", i,
                  got, cases[i].expected);
        kvm_article_free(a);
    }
}

static void test_jsonl(void)
{
    static const struct {
        const char *line;
        const char *name;
        int year;
        const char *text;
        size_t sentences;
    } good[] = {
        {"{\"id\":\"a1\",\"date\":\"2025-01-27\",\"text\":\"Goma fell. Sake too.\"}", "a1", 2025,
         "Goma fell. Sake too.", 2},
        {"{\"text\":\"Kitchanga\\u00e9 \\ud83d\\ude00 ok\",\"id\":42,\"extra\":[1,{}]}", "42", 0,
         "Kitchanga\xC3\xA9 \xF0\x9F\x98\x80 ok", 1},
        {"{\"text\":\"date 2022-08-11\\nBody.\"}", "in.jsonl:3", 2022, "Body.", 1},
        {"{\"text\":\"date 2022-08-11\\nBody.\",\"date\":null}", "in.jsonl:3", 0,
         "date 2022-08-11\nBody.", 2},
        {"  {\"id\":null,\"text\":\"\"}  ", "in.jsonl:3", 0, "", 0},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        kvm_article *a = NULL;
        kvm_error err = {0};
        kvm_status st =
            kvm_article_from_jsonl(good[i].line, strlen(good[i].line), "in.jsonl", 3, &a, &err);
        CHECK_MSG(st == KVM_OK, "jsonl case %zu: %s", i, err.message);
        if (st != KVM_OK)
            continue;
        CHECK_STR(kvm_article_name(a), good[i].name);
        CHECK_STR(kvm_article_text(a), good[i].text);
        CHECK(kvm_article_date(a).year == good[i].year);
        CHECK(kvm_article_sentence_count(a) == good[i].sentences);
        kvm_article_free(a);
    }
    /* invalid UTF-8 inside the string is replaced and counted */
    static const char bad_utf8[] = "{\"text\":\"a\xFF"
                                   "b\"}";
    kvm_article *a = NULL;
    kvm_error err = {0};
    CHECK(kvm_article_from_jsonl(bad_utf8, sizeof bad_utf8 - 1, "x", 1, &a, &err) == KVM_OK);
    if (a) {
        CHECK_STR(kvm_article_text(a), "a\xEF\xBF\xBD"
                                       "b");
        CHECK(kvm_article_replaced_count(a) == 1);
    }
    kvm_article_free(a);

    static const struct {
        const char *line;
        const char *message_prefix;
    } bad[] = {
        {"{\"id\":1}", "in.jsonl:7: missing \"text\""},
        {"{\"text\":5}", "in.jsonl:7: \"text\" must be a string"},
        {"[1,2]", "in.jsonl:7: expected a JSON object"},
        {"{\"text\":\"x\",\"date\":\"2022-02-30\"}", "in.jsonl:7: bad \"date\""},
        {"{\"text\":\"x\",\"date\":20220101}", "in.jsonl:7: \"date\" must be a string"},
        {"{\"text\":\"x\",\"id\":[1]}", "in.jsonl:7: \"id\" must be"},
        {"{\"text\":\"x\"", "in.jsonl:7:"},
        {"{\"text\":\"\\q\"}", "in.jsonl:7:"},
        {"", "in.jsonl:7:"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        a = NULL;
        memset(&err, 0, sizeof err);
        kvm_status st =
            kvm_article_from_jsonl(bad[i].line, strlen(bad[i].line), "in.jsonl", 7, &a, &err);
        CHECK_MSG(st == KVM_ERR_PARSE && !a, "bad jsonl %zu accepted (%d)", i, (int)st);
        CHECK_MSG(strncmp(err.message, bad[i].message_prefix, strlen(bad[i].message_prefix)) == 0,
                  "bad jsonl %zu: '%s'", i, err.message);
        kvm_article_free(a);
    }
}

static void test_files(void)
{
    kvm_article *a = NULL;
    kvm_error err = {0};
    kvm_status st = kvm_article_read_file(KVM_TEST_SOURCE_DIR "/tests", &a, &err);
    CHECK(st == KVM_ERR_IO && !a);
    CHECK_STR(err.message, "cannot read '" KVM_TEST_SOURCE_DIR "/tests': Is a directory");
    st = kvm_article_read_file("no-such-article.txt", &a, &err);
    CHECK(st == KVM_ERR_IO && !a);
    CHECK_STR(err.message, "cannot open 'no-such-article.txt': No such file or directory");

    const char *path = "test_article_tmp.txt";
    FILE *fp = fopen(path, "wb");
    CHECK(fp != NULL);
    if (fp) {
        fputs(" date 2022-08-11\r\nKinshasa spoke. Kigali replied.\r\n", fp);
        fclose(fp);
        st = kvm_article_read_file(path, &a, &err);
        CHECK_MSG(st == KVM_OK, "%s", err.message);
        if (a) {
            CHECK_STR(kvm_article_name(a), path);
            CHECK(kvm_article_date(a).year == 2022 && kvm_article_date(a).month == 8);
            CHECK_STR(kvm_article_text(a), "Kinshasa spoke. Kigali replied.\n");
            CHECK(kvm_article_sentence_count(a) == 2);
        }
        kvm_article_free(a);
        remove(path);
    }
    /* empty file */
    fp = fopen(path, "wb");
    if (fp) {
        fclose(fp);
        st = kvm_article_read_file(path, &a, &err);
        CHECK(st == KVM_OK && a && kvm_article_sentence_count(a) == 0);
        kvm_article_free(a);
        remove(path);
    }
    /* the seeds read without error; seed 002 has the leading-space date */
    const char *seed = KVM_TEST_SHARED_DIR "/seeds/002_146eaec923c707f4.txt";
    if (test_dir_exists(KVM_TEST_SHARED_DIR "/seeds")) {
        st = kvm_article_read_file(seed, &a, &err);
        CHECK_MSG(st == KVM_OK, "%s", err.message);
        if (a) {
            kvm_date d = kvm_article_date(a);
            CHECK(d.year == 2022 && d.month == 8 && d.day == 11);
            CHECK(strncmp(kvm_article_text(a), "United States", 13) == 0);
            CHECK(kvm_article_sentence_count(a) >= 10);
            /* the glued "militia.In" is split */
            int glued = 0;
            for (size_t k = 0; k < kvm_article_sentence_count(a); k++) {
                kvm_span sp = kvm_article_sentence(a, k);
                if (strncmp(kvm_article_text(a) + sp.start, "In the DRC on", 13) == 0)
                    glued = 1;
            }
            CHECK(glued);
        }
        kvm_article_free(a);
    }
}

int main(void)
{
    test_bytes();
    test_date_header();
    test_sentences();
    test_jsonl();
    test_files();
    return test_report("article");
}
