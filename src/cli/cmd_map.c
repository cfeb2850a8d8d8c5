/* kivumap map: articles (or the events `extract` wrote) -> a map in PNG, SVG
 * or PDF.  The pipeline of DESIGN §1: read -> geoparse -> extract events ->
 * merge duplicates -> advances -> kvm_map_render. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "extract_jobs.h"

static const char usage[] =
    "usage: kivumap map [options] ARTICLE...\n"
    "       kivumap map [options] --events FILE\n"
    "\n"
    "Draws the events of the articles (captures coloured by actor, clashes,\n"
    "advance arrows numbered in date order, displacement circles and flows)\n"
    "over the bundled North Kivu base map, with legend, scale bar, north arrow,\n"
    "locator inset, sources and attribution.  Same input, same bytes.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE   output file; the format follows the extension\n"
    "                      (.png, .svg, .pdf).  Default: output/<article>.png\n"
    "                      (output/north_kivu.png for several articles)\n"
    "  --format FMT        png, svg or pdf (overrides the extension)\n"
    "  --events FILE       events written by 'kivumap extract' (JSON or JSON Lines);\n"
    "                      repeatable, and may be combined with articles\n"
    "  --bbox W,S,E,N      extent in degrees (default: fit the events with a margin)\n"
    "  --width PX          width in pixels, 200..10000 (default 1600)\n"
    "  --height PX         height in pixels, 200..10000 (default: from the extent)\n"
    "  --paper A4|A3       landscape page instead of pixels (PDF in points)\n"
    "  --dpi N             pixels per inch for PNG with --paper (default 150)\n"
    "  --projection CRS    any CRS PROJ knows (default EPSG:32735, UTM 35S)\n"
    "  --theme NAME        light (default), print or dark\n"
    "  --title TEXT        title (default from the events)\n"
    "  --no-inset          leave out the locator inset\n"
    "  --claims            draw stated distances as dashed lines with both lengths\n"
    "  --svg-text          SVG: write the text as editable <text> elements (DejaVu\n"
    "                      Sans) instead of glyph outlines\n"
    "  --layer FILE.shp[:#rrggbb[,WIDTH]]\n"
    "                      draw a shapefile of your own (reprojected from its .prj);\n"
    "                      repeatable\n"
    "  --frames DIR        also write one cumulative map per event date into DIR\n"
    "                      (frame-001.png, ...) for animations\n"
    "  --date DATE         publication date YYYY-MM-DD for undated articles\n"
    "  -j, --jobs N        worker threads reading the articles (default: one per\n"
    "                      CPU, at most 16); the map is the same whatever N\n"
    "  --gazetteer FILE    add places (kivumap CSV or GeoNames TSV); repeatable\n"
    "  --log FILE          write a drawing log (where each symbol and label went)\n"
    "  --basemap DIR       read the base layers from DIR instead of the bundled ones\n"
    "\n"
    "Prints the path of each file written.  Details: docs/map.md.\n";

typedef struct map_cli {
    kvm_map_options map;
    const char *output;
    const char *format_name;
    const char *frames;
    kvm_date date;
    int has_date;
    unsigned jobs; /* -j; 0 = one per CPU */
    int jobs_given;
    const char **events;
    size_t n_events;
    const char **gazetteers;
    size_t n_gazetteers;
    const char **layers;
    const char **files;
    size_t n_files;
} map_cli;

static int parse_pixels(const char *what, const char *value, int *pout)
{
    double v;
    if (kvm_parse_double(value, &v, NULL) != KVM_OK || v != (double)(long)v ||
        v < KVM_MAP_MIN_PX || v > KVM_MAP_MAX_PX)
        return cli_usage_error("map", "bad %s '%s' (whole pixels, %d..%d)", what, value,
                               KVM_MAP_MIN_PX, KVM_MAP_MAX_PX);
    *pout = (int)v;
    return KVM_EXIT_OK;
}

static int parse_options(int argc, char **argv, map_cli *c)
{
    kvm_map_options_init(&c->map);
    c->events = calloc((size_t)argc, sizeof *c->events);
    c->gazetteers = calloc((size_t)argc, sizeof *c->gazetteers);
    c->layers = calloc((size_t)argc, sizeof *c->layers);
    c->files = calloc((size_t)argc, sizeof *c->files);
    if (!c->events || !c->gazetteers || !c->layers || !c->files) {
        cli_error("out of memory");
        return KVM_EXIT_FAILURE;
    }
    int only_files = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = NULL;
        int m, rc;
        kvm_error err = {0};
        if (only_files || arg[0] != '-' || strcmp(arg, "-") == 0) {
            c->files[c->n_files++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_files = 1;
        } else if ((m = cli_match_option(argc, argv, &i, "--output", &value)) != 0 ||
                   (m = cli_match_option(argc, argv, &i, "-o", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            c->output = value;
        } else if ((m = cli_match_option(argc, argv, &i, "--format", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            if (kvm_map_format_from_name(value, &c->map.format, &err) != KVM_OK ||
                strchr(value, '.'))
                return cli_usage_error("map", "unknown format '%s' (png, svg or pdf)", value);
            c->format_name = value;
        } else if ((m = cli_match_option(argc, argv, &i, "--events", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            c->events[c->n_events++] = value;
        } else if ((m = cli_match_option(argc, argv, &i, "--bbox", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            if (kvm_parse_bbox(value, &c->map.bbox, &err) != KVM_OK)
                return cli_usage_error("map", "%s", err.message);
            c->map.has_bbox = 1;
        } else if ((m = cli_match_option(argc, argv, &i, "--width", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            if ((rc = parse_pixels("width", value, &c->map.width_px)) != KVM_EXIT_OK)
                return rc;
        } else if ((m = cli_match_option(argc, argv, &i, "--height", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            if ((rc = parse_pixels("height", value, &c->map.height_px)) != KVM_EXIT_OK)
                return rc;
        } else if ((m = cli_match_option(argc, argv, &i, "--paper", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            if (strcmp(value, "A4") == 0 || strcmp(value, "a4") == 0)
                c->map.paper = KVM_PAPER_A4;
            else if (strcmp(value, "A3") == 0 || strcmp(value, "a3") == 0)
                c->map.paper = KVM_PAPER_A3;
            else
                return cli_usage_error("map", "unknown paper '%s' (A4 or A3)", value);
        } else if ((m = cli_match_option(argc, argv, &i, "--dpi", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            if (kvm_parse_double(value, &c->map.dpi, NULL) != KVM_OK || c->map.dpi < 36 ||
                c->map.dpi > 1200)
                return cli_usage_error("map", "bad --dpi '%s' (36..1200)", value);
        } else if ((m = cli_match_option(argc, argv, &i, "--projection", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            c->map.projection = value;
        } else if ((m = cli_match_option(argc, argv, &i, "--theme", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            if (strcmp(value, "light") != 0 && strcmp(value, "print") != 0 &&
                strcmp(value, "dark") != 0)
                return cli_usage_error("map", "unknown theme '%s' (light, print or dark)", value);
            c->map.theme = value;
        } else if ((m = cli_match_option(argc, argv, &i, "--title", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            c->map.title = value;
        } else if ((m = cli_match_option(argc, argv, &i, "--layer", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            c->layers[c->map.n_layers++] = value;
        } else if ((m = cli_match_option(argc, argv, &i, "--frames", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            c->frames = value;
        } else if ((m = cli_match_option(argc, argv, &i, "--date", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            if (kvm_parse_date(value, &c->date, &err) != KVM_OK || c->date.day == 0)
                return cli_usage_error("map", "bad date '%s' (expected YYYY-MM-DD)", value);
            c->has_date = 1;
        } else if ((m = cli_match_option(argc, argv, &i, "--jobs", &value)) != 0 ||
                   (m = cli_match_option(argc, argv, &i, "-j", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            if (c->jobs_given)
                return cli_usage_error("map", "option '%s' given twice",
                                       arg[1] == '-' ? "--jobs" : "-j");
            if (cli_parse_jobs("map", value, &c->jobs) != KVM_EXIT_OK)
                return KVM_EXIT_USAGE;
            c->jobs_given = 1;
        } else if ((m = cli_match_option(argc, argv, &i, "--gazetteer", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            c->gazetteers[c->n_gazetteers++] = value;
        } else if ((m = cli_match_option(argc, argv, &i, "--log", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            c->map.log_path = value;
        } else if ((m = cli_match_option(argc, argv, &i, "--basemap", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            c->map.basemap_dir = value;
        } else if (cli_is_flag(arg, "--no-inset")) {
            c->map.inset = 0;
        } else if (cli_is_flag(arg, "--claims")) {
            c->map.claims = 1;
        } else if (cli_is_flag(arg, "--svg-text")) {
            c->map.svg_text = 1;
        } else {
            return cli_usage_error("map", "unknown option '%s'", arg);
        }
    }
    c->map.layers = c->layers;
    if (c->n_files == 0 && c->n_events == 0)
        return cli_usage_error("map", "no articles given (files, '-' for standard input, or "
                                      "--events FILE)");
    if (c->output && !c->format_name) {
        kvm_error err = {0};
        if (kvm_map_format_from_name(c->output, &c->map.format, &err) != KVM_OK)
            return cli_usage_error("map",
                                   "cannot tell the format of '%s' (use .png, .svg or .pdf, "
                                   "or --format)",
                                   c->output);
    }
    return KVM_EXIT_OK;
}

/* Reads, geoparses and extracts every article into set (after the events
 * of --events), on the worker threads when there are several. */
static int extract_articles(const map_cli *c, const kvm_gazetteer *gaz, kvm_eventset *set)
{
    if (c->n_files == 0)
        return KVM_EXIT_OK;
    kvm_error err = {0};
    kvm_geoparser *parser = NULL;
    if (kvm_geoparser_new(gaz, &parser, &err) != KVM_OK)
        return cli_fail(&err);
    extract_jobs_config config = {.gaz = gaz,
                                  .parser = parser,
                                  .has_date = c->has_date,
                                  .date = c->date,
                                  .date_if_missing = 1,
                                  .jobs = c->jobs ? c->jobs : extract_jobs_auto()};
    int write_errno = 0;
    int rc = extract_files(&config, c->files, c->n_files, set, stdout, "map", &write_errno);
    kvm_geoparser_free(parser);
    return rc;
}

/* output/<first article's base name>.<ext>, or output/north_kivu.<ext>. */
static char *default_output(const map_cli *c)
{
    const char *ext = c->map.format == KVM_MAP_SVG ? "svg" : c->map.format == KVM_MAP_PDF ? "pdf" : "png";
    const char *first = c->n_files == 1 && c->n_events == 0 ? c->files[0]
                        : c->n_files == 0 && c->n_events == 1 ? c->events[0]
                                                               : NULL;
    char name[200] = "north_kivu";
    if (first && strcmp(first, "-") != 0) {
        const char *base = strrchr(first, '/') ? strrchr(first, '/') + 1 : first;
        snprintf(name, sizeof name, "%s", base);
        char *dot = strrchr(name, '.');
        if (dot && dot != name)
            *dot = '\0';
    }
    size_t len = strlen(name) + strlen(ext) + 16;
    char *path = malloc(len);
    if (path)
        snprintf(path, len, "output/%s.%s", name, ext);
    return path;
}

static int run(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return cli_print_help(&kvm_cmd_map);
    map_cli c;
    memset(&c, 0, sizeof c);
    int rc = parse_options(argc, argv, &c);
    kvm_gazetteer *gaz = NULL;
    kvm_eventset *set = NULL;
    char *output = NULL;
    kvm_error err = {0};
    if (rc != KVM_EXIT_OK)
        goto done;
    gaz = cli_load_gazetteer(c.gazetteers, c.n_gazetteers);
    set = kvm_eventset_new();
    if (!gaz || !set) {
        if (!set)
            cli_error("out of memory");
        rc = KVM_EXIT_FAILURE;
        goto done;
    }
    for (size_t i = 0; i < c.n_events; i++) {
        if (kvm_report_read(set, c.events[i], &err) != KVM_OK) {
            rc = cli_fail(&err);
            goto done;
        }
    }
    if ((rc = extract_articles(&c, gaz, set)) != KVM_EXIT_OK)
        goto done;
    if (kvm_eventset_merge_duplicates(set, &err) != KVM_OK ||
        kvm_eventset_compute_advances(set, &err) != KVM_OK) {
        rc = cli_fail(&err);
        goto done;
    }
    if (kvm_eventset_event_count(set) == 0)
        cli_error("warning: no events found; drawing the base map only");
    if (c.output) {
        output = malloc(strlen(c.output) + 1);
        if (output)
            strcpy(output, c.output);
    } else {
        output = default_output(&c);
        if (output && mkdir("output", 0777) != 0 && errno != EEXIST) {
            cli_error("cannot create directory 'output': %s", strerror(errno));
            rc = KVM_EXIT_FAILURE;
            goto done;
        }
    }
    if (!output) {
        cli_error("out of memory");
        rc = KVM_EXIT_FAILURE;
        goto done;
    }
    kvm_map_result result;
    if (kvm_map_render_ex(set, gaz, &c.map, output, &result, &err) != KVM_OK) {
        rc = err.code == KVM_ERR_INVALID ? cli_usage_error("map", "%s", err.message)
                                         : cli_fail(&err);
        goto done;
    }
    if (result.missing_layers[0])
        cli_error("warning: base layers missing from this build: %s", result.missing_layers);
    printf("%s\n", output);
    if (c.frames) {
        size_t n = 0;
        kvm_map_options fo = c.map;
        fo.log_path = NULL;
        if (kvm_map_render_frames(set, gaz, &fo, c.frames, &n, &err) != KVM_OK) {
            rc = cli_fail(&err);
            goto done;
        }
        const char *ext = fo.format == KVM_MAP_SVG ? "svg" : fo.format == KVM_MAP_PDF ? "pdf" : "png";
        for (size_t i = 0; i < n; i++)
            printf("%s/frame-%03zu.%s\n", c.frames, i + 1, ext);
    }
    rc = cli_finish_stdout(KVM_EXIT_OK);
done:
    free(output);
    kvm_eventset_free(set);
    kvm_gazetteer_free(gaz);
    free(c.events);
    free(c.gazetteers);
    free(c.layers);
    free(c.files);
    return rc;
}

/* LeakSanitizer hook (sanitizer builds only call it): fontconfig, reached
 * through cairo's toy text API, keeps its caches for the life of the process;
 * they are not ours to free. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig\n";
}

const kvm_command kvm_cmd_map = {
    "map", run, usage, "draw the events on a map (PNG, SVG or PDF)",
};
