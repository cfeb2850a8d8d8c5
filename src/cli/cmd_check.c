/* kivumap check: every distance an article states ("80 kilometres north of
 * Goma") against the geodesic distance PROJ computes, with a verdict:
 * consistent (within 10 %), road-plausible (longer, ratio <= 1.6, as roads
 * wind) or inconsistent.  A report: inconsistent claims still exit 0. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char usage[] =
    "usage: kivumap check [options] ARTICLE...\n"
    "\n"
    "Lists each stated distance (\"80 km north of Goma\") with the straight-line\n"
    "(geodesic, WGS84) distance and bearing computed by PROJ, their ratio and a\n"
    "verdict: consistent (stated within 10 % of the straight line), road-plausible\n"
    "(stated longer, ratio <= 1.6: roads are longer than straight lines) or\n"
    "inconsistent.  A stated direction is checked too (within 45 degrees).\n"
    "\n"
    "options:\n"
    "  --format FMT      table (default), csv or json\n"
    "  --date DATE       publication date YYYY-MM-DD (not needed for distances)\n"
    "  --gazetteer FILE  add places (kivumap CSV or GeoNames TSV); repeatable\n"
    "\n"
    "Exit status: 0 when the articles were read (whatever the verdicts), 1 on\n"
    "failure, 2 on a usage error.\n";

enum { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON };

/* Road distance is commonly 1.2-1.6 times the straight line in this hilly
 * country; the verdict rule's limit is 1.6 (kvm_verdict_for). */
#define ROAD_FACTOR 1.6

static void verdict_note(const kvm_claim *c, char *buf, size_t cap)
{
    switch (c->verdict) {
    case KVM_VERDICT_CONSISTENT:
        snprintf(buf, cap, "matches the straight line (%.1f km) within 10 %%", c->computed_km);
        break;
    case KVM_VERDICT_ROAD_PLAUSIBLE:
        snprintf(buf, cap,
                 "longer than the straight line (%.1f km) by x%.2f: plausible as a road "
                 "distance (up to x%.1f, ~%.0f km)",
                 c->computed_km, c->ratio, ROAD_FACTOR, c->computed_km * ROAD_FACTOR);
        break;
    case KVM_VERDICT_INCONSISTENT:
        if (c->ratio > 1.0)
            snprintf(buf, cap,
                     "the straight line is %.1f km (x%.2f); even a road (~%.1f x the straight "
                     "line) would be ~%.0f km",
                     c->computed_km, c->ratio, ROAD_FACTOR, c->computed_km * ROAD_FACTOR);
        else
            snprintf(buf, cap, "shorter than the straight line (%.1f km): impossible",
                     c->computed_km);
        break;
    default:
        snprintf(buf, cap, "no computed distance");
        break;
    }
}

static void csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void one_line(const char *s, char *buf, size_t cap)
{
    size_t n = 0;
    for (; *s && n + 1 < cap; s++)
        buf[n++] = (*s == '\n' || *s == '\r' || *s == '\t') ? ' ' : *s;
    buf[n] = '\0';
}

static void write_claim(FILE *out, int format, const char *file, const kvm_claim *c, int first)
{
    char note[256], dir[64], sentence[1200];
    verdict_note(c, note, sizeof note);
    const char *compass = kvm_compass16(c->bearing_deg);
    if (c->direction && c->direction[0])
        snprintf(dir, sizeof dir, "%s (%s)", c->direction,
                 c->direction_ok == 1 ? "ok" : "off");
    else
        snprintf(dir, sizeof dir, "-");
    one_line(c->evidence ? c->evidence : "", sentence, sizeof sentence);
    if (format == FORMAT_TABLE) {
        char stated[48];
        if (c->stated_miles > 0)
            snprintf(stated, sizeof stated, "%.0f km (%.0f mi)", c->stated_km, c->stated_miles);
        else
            snprintf(stated, sizeof stated, "%.0f km", c->stated_km);
        fprintf(out, "%s\t%s -> %s\tstated %s %s\tgeodesic %.1f km, bearing %.0f deg %s\t"
                     "ratio %.2f\t%s: %s\t\"%s\"\n",
                file, c->from->name, c->to->name, stated, dir, c->computed_km, c->bearing_deg,
                compass, c->ratio, kvm_verdict_name(c->verdict), note, sentence);
    } else if (format == FORMAT_CSV) {
        csv_field(out, file);
        fprintf(out, ",%s,%s,%.3f,", c->from->id, c->to->id, c->stated_km);
        if (c->stated_miles > 0)
            fprintf(out, "%.3f", c->stated_miles);
        fprintf(out, ",%s,%.3f,%.1f,%s,%.3f,%s,%s,", c->direction ? c->direction : "",
                c->computed_km, c->bearing_deg, compass, c->ratio, kvm_verdict_name(c->verdict),
                c->direction_ok == 1 ? "yes" : c->direction_ok == 0 ? "no" : "");
        csv_field(out, note);
        fputc(',', out);
        csv_field(out, sentence);
        fputc('\n', out);
    } else {
        fprintf(out, "%s\n  {\"file\": ", first ? "" : ",");
        kvm_json_write_string(out, file);
        fprintf(out, ", \"from\": ");
        kvm_json_write_string(out, c->from->id);
        fprintf(out, ", \"to\": ");
        kvm_json_write_string(out, c->to->id);
        fprintf(out, ", \"stated_km\": %.3f, \"stated_miles\": ", c->stated_km);
        if (c->stated_miles > 0)
            fprintf(out, "%.3f", c->stated_miles);
        else
            fputs("null", out);
        fprintf(out, ", \"direction\": ");
        kvm_json_write_string(out, c->direction ? c->direction : "");
        fprintf(out, ", \"computed_km\": %.3f, \"bearing_deg\": %.1f, \"compass\": \"%s\", "
                     "\"ratio\": %.3f, \"verdict\": \"%s\", \"direction_ok\": %s, \"note\": ",
                c->computed_km, c->bearing_deg, compass, c->ratio, kvm_verdict_name(c->verdict),
                c->direction_ok == 1 ? "true" : c->direction_ok == 0 ? "false" : "null");
        kvm_json_write_string(out, note);
        fprintf(out, ", \"sentence\": ");
        kvm_json_write_string(out, c->evidence ? c->evidence : "");
        fputc('}', out);
    }
}

static int run(int argc, char **argv)
{
    int format = FORMAT_TABLE, format_given = 0;
    kvm_date date = {0, 0, 0};
    const char **gazetteers = calloc((size_t)argc, sizeof *gazetteers);
    const char **files = calloc((size_t)argc, sizeof *files);
    size_t n_gaz = 0, n_files = 0;
    int code = KVM_EXIT_OK, only_files = 0;
    kvm_gazetteer *gaz = NULL;
    kvm_geoparser *parser = NULL;
    kvm_eventset *set = NULL;
    kvm_mention_list mentions = {0};
    kvm_error err = {0};
    size_t n_claims = 0;
    if (!gazetteers || !files) {
        cli_error("out of memory");
        code = KVM_EXIT_FAILURE;
        goto done;
    }
    for (int i = 1; i < argc; i++) {
        const char *value = NULL;
        int m;
        if (only_files || argv[i][0] != '-' || strcmp(argv[i], "-") == 0) {
            files[n_files++] = argv[i];
        } else if (strcmp(argv[i], "--") == 0) {
            only_files = 1;
        } else if ((m = cli_match_option(argc, argv, &i, "--format", &value)) != 0) {
            if (m < 0) {
                code = KVM_EXIT_USAGE;
                goto done;
            }
            if (format_given) {
                code = cli_usage_error("check", "option '--format' given twice");
                goto done;
            }
            format_given = 1;
            if (strcmp(value, "table") == 0)
                format = FORMAT_TABLE;
            else if (strcmp(value, "csv") == 0)
                format = FORMAT_CSV;
            else if (strcmp(value, "json") == 0)
                format = FORMAT_JSON;
            else {
                code = cli_usage_error("check", "unknown format '%s' (table, csv or json)", value);
                goto done;
            }
        } else if ((m = cli_match_option(argc, argv, &i, "--date", &value)) != 0) {
            if (m > 0 && date.year > 0) {
                code = cli_usage_error("check", "option '--date' given twice");
                goto done;
            }
            if (m < 0 || kvm_parse_date(value, &date, &err) != KVM_OK || date.day == 0) {
                code = m < 0 ? KVM_EXIT_USAGE
                             : cli_usage_error("check", "bad date '%s' (expected YYYY-MM-DD)",
                                               value);
                goto done;
            }
        } else if ((m = cli_match_option(argc, argv, &i, "--gazetteer", &value)) != 0) {
            if (m < 0) {
                code = KVM_EXIT_USAGE;
                goto done;
            }
            gazetteers[n_gaz++] = value;
        } else {
            code = cli_usage_error("check", "unknown option '%s'", argv[i]);
            goto done;
        }
    }
    if (n_files == 0) {
        code = cli_usage_error("check", "no articles given (use '-' for standard input)");
        goto done;
    }
    gaz = cli_load_gazetteer(gazetteers, n_gaz);
    if (!gaz) {
        code = KVM_EXIT_FAILURE;
        goto done;
    }
    set = kvm_eventset_new();
    if (!set || kvm_geoparser_new(gaz, &parser, &err) != KVM_OK) {
        code = set ? cli_fail(&err) : KVM_EXIT_FAILURE;
        if (!set)
            cli_error("out of memory");
        goto done;
    }
    if (format == FORMAT_CSV)
        fputs("file,from,to,stated_km,stated_miles,direction,computed_km,bearing_deg,compass,"
              "ratio,verdict,direction_ok,note,sentence\n",
              stdout);
    else if (format == FORMAT_JSON)
        fputs("[", stdout);
    for (size_t f = 0; f < n_files; f++) {
        kvm_article *article = NULL;
        if (kvm_article_read_file(files[f], &article, &err) != KVM_OK) {
            code = cli_fail(&err);
            break;
        }
        if (date.year > 0)
            kvm_article_set_date(article, date);
        cli_warn_replaced(files[f], kvm_article_replaced_count(article));
        kvm_status st = kvm_geoparse(parser, article, &mentions, &err);
        if (st == KVM_OK)
            st = kvm_extract_events(article, &mentions, gaz, set, &err);
        kvm_article_free(article);
        if (st != KVM_OK) {
            code = cli_fail(&err);
            break;
        }
        for (size_t c = 0; c < kvm_eventset_claim_count(set); c++)
            write_claim(stdout, format, files[f], kvm_eventset_claim(set, c), n_claims++ == 0);
        kvm_eventset_clear(set);
    }
    if (format == FORMAT_JSON)
        fputs(n_claims ? "\n]\n" : "]\n", stdout);
    else if (format == FORMAT_TABLE && n_claims == 0 && code == KVM_EXIT_OK)
        fputs("no stated distances found\n", stderr);
done:
    kvm_mention_list_free(&mentions);
    kvm_eventset_free(set);
    kvm_geoparser_free(parser);
    kvm_gazetteer_free(gaz);
    free(gazetteers);
    free(files);
    return cli_finish_stdout(code);
}

const kvm_command kvm_cmd_check = {
    "check",
    run,
    usage,
    "stated distances (\"80 km north of Goma\") against geodesic ones",
};
