/* The strict JSON parser: valid and invalid documents, escapes, surrogate
 * pairs, UTF-8 checks, the depth limit, error positions, the string writer. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "testlib.h"

/* Documents that must parse. */
static const char *const valid_docs[] = {
    "null",
    "true",
    "false",
    "0",
    "-0",
    "1.5",
    "-12.25e-3",
    "1E+2",
    "\"\"",
    "[]",
    "{}",
    " [ 1 , 2 ,3 ] ",
    "{\"a\":{\"b\":[null,true,{}]}}",
    "\t\r\n{\"k\" : \"v\"}\n",
    "\"caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x98\x80\"", /* 2, 3 and 4-byte UTF-8 */
    "\xEF\xBB\xBF{\"bom\":1}",                       /* byte order mark skipped */
    "{\"a\":1,\"a\":2}",                             /* duplicate keys kept */
    "1e308",
};

/* Documents that must fail, with the expected position and a word of the
 * message. */
static const struct {
    const char *doc;
    const char *message; /* whole expected message, "t.json:" prefix added */
} invalid_docs[] = {
    {"", "1:1: unexpected end of input"},
    {"   ", "1:4: unexpected end of input"},
    {"[1,2", "1:5: unexpected end of input"},
    {"{\"a\":1", "1:7: unexpected end of input"},
    {"\"abc", "1:5: unexpected end of input in string"},
    {"[1,]", "1:4: unexpected ']', expected a value"},
    {"{\"a\":1,}", "1:8: unexpected '}', expected a string key"},
    {"{'a':1}", "1:2: unexpected ''', expected a string key"},
    {"[01]", "1:3: leading zero in number"},
    {"[+1]", "1:2: unexpected '+', expected a value"},
    {"[1.]", "1:4: unexpected ']', expected a digit after '.'"},
    {"[.5]", "1:2: unexpected '.', expected a value"},
    {"[1e]", "1:4: unexpected ']', expected a digit in the exponent"},
    {"NaN", "1:1: unexpected 'N', expected a value"},
    {"[Infinity]", "1:2: unexpected 'I', expected a value"},
    {"[1e999]", "1:2: number '1e999' out of range"},
    {"tru", "1:1: unexpected 't', expected a value"},
    {"nullx", "1:5: unexpected 'x'"},
    {"[1] [2]", "1:5: trailing characters after JSON value"},
    {"{\"a\" 1}", "1:6: unexpected '1', expected ':'"},
    {"[1 2]", "1:4: unexpected '2', expected ',' or ']'"},
    {"\"a\\qb\"", "1:3: invalid escape '\\' followed by 'q'"},
    {"\"\\u12\"", "1:2: invalid \\u escape (4 hex digits needed)"},
    {"\"\\uD800\"", "1:2: unpaired surrogate \\uD800 in string"},
    {"\"\\uD800\\u0041\"", "1:2: unpaired surrogate \\uD800 in string"},
    {"\"\\uDC00\"", "1:2: unpaired surrogate \\uDC00 in string"},
    {"\"tab\there\"", "1:5: unescaped control character 0x09 in string"},
    {"\"a\xC3(\"", "1:3: invalid UTF-8 byte 0xC3 in string"},
    {"\"\xC0\xAF\"", "1:2: invalid UTF-8 byte 0xC0 in string"},         /* overlong */
    {"\"\xED\xA0\x80\"", "1:2: invalid UTF-8 byte 0xED in string"},     /* surrogate */
    {"\"\xF4\x90\x80\x80\"", "1:2: invalid UTF-8 byte 0xF4 in string"}, /* > U+10FFFF */
    {"[1,\n 2,\n  x]", "3:3: unexpected 'x', expected a value"},
    {"{\"a\":\n\n   [true, fals]}", "3:11: unexpected 'f', expected a value"},
    {"\xC3\xA9", "1:1: unexpected byte 0xC3, expected a value"},
};

static void test_valid(void)
{
    kvm_json_doc *doc = kvm_json_doc_new();
    CHECK(doc != NULL);
    for (size_t i = 0; i < sizeof valid_docs / sizeof *valid_docs; i++) {
        const kvm_json *root = NULL;
        kvm_error err = {0, ""};
        kvm_status s =
            kvm_json_parse(doc, "t.json", 1, valid_docs[i], strlen(valid_docs[i]), 0, &root, &err);
        CHECK_MSG(s == KVM_OK && root, "valid doc %zu rejected: %s", i, err.message);
    }
    kvm_json_doc_free(doc);
}

static void test_invalid(void)
{
    kvm_json_doc *doc = kvm_json_doc_new();
    for (size_t i = 0; i < sizeof invalid_docs / sizeof *invalid_docs; i++) {
        const kvm_json *root = NULL;
        kvm_error err = {0, ""};
        const char *d = invalid_docs[i].doc;
        kvm_status s = kvm_json_parse(doc, "t.json", 1, d, strlen(d), 0, &root, &err);
        char want[256];
        snprintf(want, sizeof want, "t.json:%s", invalid_docs[i].message);
        CHECK_MSG(s == KVM_ERR_PARSE, "invalid doc %zu accepted (status %d)", i, (int)s);
        CHECK_STR(err.message, want);
        /* Validation-only mode finds the same error. */
        kvm_json_reader r;
        kvm_json_reader_init(&r, "t.json", 1, d, strlen(d), 0);
        kvm_error err2 = {0, ""};
        s = kvm_json_reader_value(&r, NULL, NULL, &err2);
        if (s == KVM_OK)
            s = kvm_json_reader_end(&r, &err2);
        CHECK_STR(err2.message, want);
    }
    kvm_json_doc_free(doc);
}

static void test_values(void)
{
    kvm_json_doc *doc = kvm_json_doc_new();
    const char *text = "{\"name\":\"Goma\",\"lat\":-1.6792,\"pop\":670000,\"big\":1e3,"
                       "\"neg\":-7,\"frac\":2.5,\"ok\":true,\"none\":null,"
                       "\"list\":[10,20,30],\"nested\":{\"k\":\"v\"}}";
    const kvm_json *root = NULL;
    kvm_error err;
    CHECK(kvm_json_parse(doc, "v", 1, text, strlen(text), 0, &root, &err) == KVM_OK);
    CHECK(kvm_json_is(root, KVM_JSON_OBJECT));
    CHECK(root->count == 10);
    CHECK_STR(kvm_json_text(kvm_json_get(root, "name")), "Goma");
    CHECK_NEAR(kvm_json_get(root, "lat")->number, -1.6792, 0);
    CHECK_STR(kvm_json_get(root, "lat")->text, "-1.6792");
    long long v = 0;
    CHECK(kvm_json_integer(kvm_json_get(root, "pop"), &v) == 0 && v == 670000);
    CHECK(kvm_json_integer(kvm_json_get(root, "big"), &v) == 0 && v == 1000);
    CHECK(kvm_json_integer(kvm_json_get(root, "neg"), &v) == 0 && v == -7);
    CHECK(kvm_json_integer(kvm_json_get(root, "frac"), &v) == -1);
    CHECK(kvm_json_integer(kvm_json_get(root, "name"), &v) == -1);
    CHECK(kvm_json_get(root, "ok")->boolean == 1);
    CHECK(kvm_json_is(kvm_json_get(root, "none"), KVM_JSON_NULL));
    CHECK(kvm_json_get(root, "missing") == NULL);
    CHECK(kvm_json_get(kvm_json_get(root, "list"), "x") == NULL); /* not an object */
    const kvm_json *list = kvm_json_get(root, "list");
    CHECK(list->count == 3);
    CHECK_NEAR(kvm_json_at(list, 2)->number, 30, 0);
    CHECK(kvm_json_at(list, 3) == NULL);
    double sum = 0;
    for (const kvm_json *c = list->first; c; c = c->next)
        sum += c->number;
    CHECK_NEAR(sum, 60, 0);
    CHECK_STR(kvm_json_text(kvm_json_get(kvm_json_get(root, "nested"), "k")), "v");
    CHECK(kvm_json_get(root, "nested")->line == 1 && kvm_json_get(root, "nested")->column > 100);
    CHECK_STR(kvm_json_type_name(KVM_JSON_ARRAY), "array");
    /* Integers beyond 2^53 are read exactly from the text. */
    const char *big = "[9007199254740993, 1.5e300]";
    CHECK(kvm_json_parse(doc, "v", 1, big, strlen(big), 0, &root, &err) == KVM_OK);
    CHECK(kvm_json_integer(kvm_json_at(root, 0), &v) == -1 ||
          v == 9007199254740993LL); /* outside the double-exact range: refused or exact */
    CHECK(kvm_json_integer(kvm_json_at(root, 1), &v) == -1);
    kvm_json_doc_free(doc);
}

static void test_escapes(void)
{
    static const struct {
        const char *json;
        const char *bytes;
        size_t len;
    } cases[] = {
        {"\"a\\\"b\\\\c\\/d\"", "a\"b\\c/d", 7},
        {"\"\\b\\f\\n\\r\\t\"", "\b\f\n\r\t", 5},
        {"\"\\u0041\\u00e9\\u20AC\"", "A\xC3\xA9\xE2\x82\xAC", 6},
        {"\"\\uD83D\\uDE00\"", "\xF0\x9F\x98\x80", 4}, /* U+1F600 by surrogate pair */
        {"\"\\uDBFF\\uDFFF\"", "\xF4\x8F\xBF\xBF", 4}, /* U+10FFFF */
        {"\"x\\u0000y\"", "x\0y", 3},
        {"\"Kitshanga \xE2\x80\x99s\"", "Kitshanga \xE2\x80\x99s", 14},
    };
    kvm_json_doc *doc = kvm_json_doc_new();
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const kvm_json *root = NULL;
        kvm_error err = {0, ""};
        kvm_status s =
            kvm_json_parse(doc, "e", 1, cases[i].json, strlen(cases[i].json), 0, &root, &err);
        CHECK_MSG(s == KVM_OK, "escape case %zu: %s", i, err.message);
        if (s != KVM_OK)
            continue;
        CHECK(root->type == KVM_JSON_STRING);
        CHECK_MSG(root->len == cases[i].len && memcmp(root->text, cases[i].bytes, root->len) == 0,
                  "escape case %zu decoded wrongly (len %zu)", i, root->len);
        CHECK(root->text[root->len] == '\0');
    }
    /* Invalid UTF-8 replaced when asked, and counted. */
    const char *bad = "{\"text\":\"a\xFF"
                      "b\xC3\"}";
    const kvm_json *root = NULL;
    CHECK(kvm_json_parse(doc, "r", 1, bad, strlen(bad), 0, &root, NULL) == KVM_ERR_PARSE);
    CHECK(kvm_json_parse(doc, "r", 1, bad, strlen(bad), KVM_JSON_REPLACE_INVALID, &root, NULL) ==
          KVM_OK);
    CHECK_STR(kvm_json_text(kvm_json_get(root, "text")), "a\xEF\xBF\xBD"
                                                         "b\xEF\xBF\xBD");
    CHECK(kvm_json_doc_replaced(doc) == 2);
    kvm_json_doc_free(doc);
}

static void test_depth(void)
{
    kvm_json_doc *doc = kvm_json_doc_new();
    char deep[2 * (KVM_JSON_MAX_DEPTH + 1) + 1];
    size_t n = KVM_JSON_MAX_DEPTH;
    for (size_t i = 0; i < n; i++) {
        deep[i] = '[';
        deep[2 * n - 1 - i] = ']';
    }
    const kvm_json *root;
    kvm_error err = {0, ""};
    CHECK(kvm_json_parse(doc, "d", 1, deep, 2 * n, 0, &root, &err) == KVM_OK);
    n = KVM_JSON_MAX_DEPTH + 1;
    for (size_t i = 0; i < n; i++) {
        deep[i] = '[';
        deep[2 * n - 1 - i] = ']';
    }
    CHECK(kvm_json_parse(doc, "d", 1, deep, 2 * n, 0, &root, &err) == KVM_ERR_LIMIT);
    CHECK_STR(err.message, "d:1:257: nesting deeper than 256 levels");
    /* A huge depth fails the same way without exhausting the stack. */
    size_t huge = 100000;
    char *h = malloc(huge);
    memset(h, '[', huge);
    CHECK(kvm_json_parse(doc, "d", 1, h, huge, 0, &root, &err) == KVM_ERR_LIMIT);
    free(h);
    kvm_json_doc_free(doc);
}

static void test_reuse_and_lines(void)
{
    /* Reusing one doc for many lines; first_line numbers the errors. */
    kvm_json_doc *doc = kvm_json_doc_new();
    const kvm_json *root = NULL;
    kvm_error err = {0, ""};
    for (int i = 0; i < 2000; i++) {
        char line[128];
        int len = snprintf(line, sizeof line, "{\"id\":\"a%d\",\"text\":\"%0100d\"}", i, i);
        CHECK(kvm_json_parse(doc, "x.jsonl", (size_t)i + 1, line, (size_t)len, 0, &root, &err) ==
              KVM_OK);
    }
    CHECK_STR(kvm_json_text(kvm_json_get(root, "id")), "a1999");
    CHECK(kvm_json_parse(doc, "x.jsonl", 42, "{\"id\":}", 7, 0, &root, &err) == KVM_ERR_PARSE);
    CHECK_STR(err.message, "x.jsonl:42:7: unexpected '}', expected a value");
    kvm_json_doc_free(doc);
}

static void test_reader(void)
{
    const char *text = "{\"skip\": [1, {\"x\": [2]}], \"items\": [ {\"a\":1}, {\"a\":2} ] }";
    kvm_json_reader r;
    kvm_json_reader_init(&r, "r", 1, text, strlen(text), 0);
    kvm_json_doc *doc = kvm_json_doc_new();
    kvm_error err;
    const kvm_json *v;
    CHECK(kvm_json_reader_expect(&r, '{', &err) == KVM_OK);
    CHECK(kvm_json_reader_value(&r, doc, &v, &err) == KVM_OK && v->type == KVM_JSON_STRING);
    CHECK(kvm_json_reader_expect(&r, ':', &err) == KVM_OK);
    CHECK(kvm_json_reader_value(&r, NULL, NULL, &err) == KVM_OK); /* skipped */
    CHECK(kvm_json_reader_peek(&r) == ',');
    CHECK(kvm_json_reader_expect(&r, ']', &err) == KVM_ERR_PARSE);
    CHECK_STR(err.message, "r:1:25: unexpected ',', expected ']'");
    kvm_json_doc_free(doc);
}

static void test_writer(void)
{
    static const struct {
        const char *in;
        size_t len;
        const char *out;
    } cases[] = {
        {"plain", 5, "\"plain\""},
        {"q\"b\\s", 5, "\"q\\\"b\\\\s\""},
        {"l1\nl2\tt\r", 8, "\"l1\\nl2\\tt\\r\""},
        {"\x01\x1f", 2, "\"\\u0001\\u001f\""},
        {"x\0y", 3, "\"x\\u0000y\""},
        {"caf\xC3\xA9", 5, "\"caf\xC3\xA9\""},
        {"bad\xFF", 4, "\"bad\xEF\xBF\xBD\""},
        {"cut\xE2\x80", 5, "\"cut\xEF\xBF\xBD\xEF\xBF\xBD\""},
        {"ls\xE2\x80\xA8", 5, "\"ls\\u2028\""},
    };
    kvm_json_doc *doc = kvm_json_doc_new();
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        kvm_buf buf;
        kvm_buf_init(&buf);
        kvm_json_buf_string(&buf, cases[i].in, cases[i].len);
        CHECK_STR(buf.data, cases[i].out);
        /* The output parses back to the input (where the input was valid). */
        const kvm_json *root;
        CHECK(kvm_json_parse(doc, "w", 1, buf.data, buf.len, 0, &root, NULL) == KVM_OK);
        if (i != 6 && i != 7)
            CHECK(root->len == cases[i].len && memcmp(root->text, cases[i].in, root->len) == 0);
        kvm_buf_free(&buf);
    }
    kvm_json_doc_free(doc);
}

static void test_arena(void)
{
    kvm_arena a;
    kvm_arena_init(&a, 1024);
    char *p1 = kvm_arena_strndup(&a, "hello", 5);
    char *big = kvm_arena_alloc(&a, 5000); /* larger than a block */
    CHECK(p1 && big && strcmp(p1, "hello") == 0);
    memset(big, 'x', 5000);
    CHECK(((size_t)big % 16) == 0);
    size_t cap = kvm_arena_capacity(&a);
    kvm_arena_reset(&a);
    for (int i = 0; i < 60; i++) /* 60 x 64 bytes fit the two blocks */
        CHECK(kvm_arena_alloc(&a, 50) != NULL);
    CHECK(kvm_arena_capacity(&a) == cap); /* reused, nothing new */
    kvm_arena_free(&a);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rng(void) /* xorshift64* */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

static double rng_unit(void)
{
    return (double)(rng() >> 11) / 9007199254740992.0;
}

static double from_bits(uint64_t bits)
{
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

/* kvm_json_fixed against snprintf "%.*f" on millions of values: random bit
 * patterns around the fast path's limits, coordinates, exact ties (x.5 at
 * the last decimal), neighbours of decimal values. */
static void test_fixed(void)
{
    static const int report_decimals[] = {6, 3, 2, 4};
    char want[400], got[KVM_JSON_FIXED_MAX];
    size_t bad = 0, total = 0;
    for (long i = 0; i < 3000000; i++) {
        double v;
        int d = i % 10 == 9 ? (int)(rng() % 10) : report_decimals[i % 4];
        switch (i % 6) {
        case 0: /* any bits with an exponent between 2^-80 and 2^40 */
            v = from_bits((rng() & 0x800FFFFFFFFFFFFFull) | ((uint64_t)(943 + rng() % 120) << 52));
            break;
        case 1:
            v = rng_unit() * 360.0 - 180.0;
            break;
        case 2:
            v = rng_unit() * 2.0 - 1.0;
            break;
        case 3: { /* ties: k / 2^j, often exactly half a unit of the last decimal */
            int j = 1 + (int)(rng() % 12);
            v = (double)(long long)(rng() % 2000001 - 1000000) / (double)(1LL << j);
            break;
        }
        case 4: { /* decimal values and their neighbours */
            double p = pow(10.0, d);
            v = (double)(long long)(rng() % 400000001 - 200000000) / p;
            v = rng() & 1 ? nextafter(v, 1e300) : nextafter(v, -1e300);
            if (rng() % 3 == 0)
                v += 0.5 / p;
            break;
        }
        default: /* magnitudes from tiny to huge */
            v = (rng_unit() - 0.5) * pow(10.0, (double)(long)(rng() % 40) - 25.0);
            break;
        }
        int n = snprintf(want, sizeof want, "%.*f", d, v);
        size_t m = kvm_json_fixed(got, v, d);
        total++;
        if (n < 0 || (size_t)n != m || strcmp(want, got) != 0) {
            if (bad++ < 5)
                CHECK_MSG(0, "kvm_json_fixed(%.17g, %d) = \"%s\", snprintf \"%s\"", v, d, got,
                          want);
        }
    }
    static const struct {
        double v;
        int d;
        const char *out;
    } cases[] = {
        {0.0, 6, "0.000000"},       {-0.0, 3, "-0.000"},     {0.125, 2, "0.12"},
        {0.375, 2, "0.38"},         {-0.0004, 3, "-0.000"},  {2.5, 0, "2"},
        {3.5, 0, "4"},              {-1.2345, 4, "-1.2345"}, {4294967295.5, 1, "4294967295.5"},
        {HUGE_VAL, 2, "inf"},     {1e20, 2, "100000000000000000000.00"},
        {-29.25, 1, "-29.2"}, {1e-30, 6, "0.000000"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        kvm_json_fixed(got, cases[i].v, cases[i].d);
        CHECK_STR(got, cases[i].out);
    }
    CHECK(bad == 0 && total == 3000000);
}

/* Numbers parse to the same double as strtod (the parser computes short
 * ones itself). */
static void test_numbers_exact(void)
{
    kvm_json_doc *doc = kvm_json_doc_new();
    char text[64];
    size_t bad = 0;
    for (long i = 0; i < 300000; i++) {
        switch (i % 5) {
        case 0:
            snprintf(text, sizeof text, "%.*f", (int)(rng() % 10), rng_unit() * 360.0 - 180.0);
            break;
        case 1:
            snprintf(text, sizeof text, "%.17g", from_bits(rng() & 0xBFFFFFFFFFFFFFFFull));
            break;
        case 2:
            snprintf(text, sizeof text, "%lld", (long long)(rng() >> (rng() % 64)));
            break;
        case 3:
            snprintf(text, sizeof text, "%.*e", (int)(rng() % 16), (rng_unit() - 0.5) * 1e10);
            break;
        default:
            snprintf(text, sizeof text, "%s0.%0*llu", rng() & 1 ? "-" : "", (int)(rng() % 20),
                     (unsigned long long)(rng() % 1000000000000000ull));
            break;
        }
        const kvm_json *root;
        kvm_error err;
        if (kvm_json_parse(doc, "n", 1, text, strlen(text), 0, &root, &err) != KVM_OK) {
            if (!strstr(err.message, "out of range") && bad++ < 5)
                CHECK_MSG(0, "'%s' does not parse: %s", text, err.message);
            continue;
        }
        double want = strtod(text, NULL);
        if (memcmp(&want, &root->number, sizeof want) != 0 && bad++ < 5)
            CHECK_MSG(0, "'%s' parsed as %.17g, strtod %.17g", text, root->number, want);
    }
    static const char *const cases[] = {"-0", "0.000", "1e22", "1e23", "123456789012345",
                                        "1234567890123456", "0.1", "-2.5e-3", "9007199254740993"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const kvm_json *root;
        CHECK(kvm_json_parse(doc, "n", 1, cases[i], strlen(cases[i]), 0, &root, NULL) == KVM_OK);
        double want = strtod(cases[i], NULL);
        CHECK_MSG(memcmp(&want, &root->number, sizeof want) == 0, "'%s' parsed as %.17g",
                  cases[i], root->number);
    }
    CHECK(bad == 0);
    kvm_json_doc_free(doc);
}

/* Strings of every length around the 8-byte scanning steps, with the
 * special byte at every position: parsed text and errors as byte by byte. */
static void test_string_scan(void)
{
    kvm_json_doc *doc = kvm_json_doc_new();
    static const char *const specials[] = {"\\n", "\\\"", "\xC3\xA9", "\x7F", "~"};
    static const char *const unescaped[] = {"\n", "\"", "\xC3\xA9", "\x7F", "~"};
    char in[128], want[128];
    for (size_t len = 0; len < 40; len++) {
        for (size_t at = 0; at <= len; at++) {
            for (size_t k = 0; k < sizeof specials / sizeof *specials; k++) {
                size_t n = 0, w = 0;
                in[n++] = '"';
                for (size_t i = 0; i < len; i++) {
                    if (i == at) {
                        memcpy(in + n, specials[k], strlen(specials[k]));
                        n += strlen(specials[k]);
                        memcpy(want + w, unescaped[k], strlen(unescaped[k]));
                        w += strlen(unescaped[k]);
                    }
                    in[n++] = (char)('a' + i % 26);
                    want[w++] = (char)('a' + i % 26);
                }
                in[n++] = '"';
                const kvm_json *root;
                kvm_status s = kvm_json_parse(doc, "s", 1, in, n, 0, &root, NULL);
                CHECK(s == KVM_OK);
                if (s == KVM_OK)
                    CHECK(root->len == w && memcmp(root->text, want, w) == 0);
            }
            /* A raw control character or invalid byte at `at`: the error
             * names its column. */
            size_t n = 0;
            in[n++] = '"';
            for (size_t i = 0; i < len; i++)
                in[n++] = i == at ? (len % 2 ? '\x01' : '\xFF') : 'x';
            in[n++] = '"';
            if (at < len) {
                kvm_error err;
                CHECK(kvm_json_parse(doc, "s", 1, in, n, 0, NULL, &err) == KVM_ERR_PARSE);
                char col[32];
                snprintf(col, sizeof col, "s:1:%zu: ", at + 2);
                CHECK_MSG(strncmp(err.message, col, strlen(col)) == 0, "%s (want %s)", err.message,
                          col);
            }
        }
    }
    kvm_json_doc_free(doc);
}

int main(void)
{
    test_fixed();
    test_numbers_exact();
    test_string_scan();
    test_valid();
    test_invalid();
    test_values();
    test_escapes();
    test_depth();
    test_reuse_and_lines();
    test_reader();
    test_writer();
    test_arena();
    return test_report("test_json");
}
