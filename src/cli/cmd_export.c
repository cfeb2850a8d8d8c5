/* kivumap export: runs the pipeline over articles (or reads the events of an
 * earlier `extract`) and writes the GIS layers into a directory: shapefiles,
 * GeoJSON and CSV (DESIGN §8, docs/export.md). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "extract_jobs.h"

#define DEFAULT_PARENT "output"
#define DEFAULT_DIR "output/layers"

static const char usage[] =
    "usage: kivumap export [options] ARTICLE...\n"
    "       kivumap export --events FILE [options]\n"
    "\n"
    "Write the events of the articles as GIS layers into a directory:\n"
    "  events       points, one per located event (ACLED-style fields)\n"
    "  advances     lines, an actor's move from one captured place to the next\n"
    "  displacement lines origin -> destination (displacement_points where only\n"
    "               one end is known)\n"
    "  places       points, every place mentioned, with mention counts\n"
    "  claims       lines, stated distances from the reference place\n"
    "as shapefiles (.shp .shx .dbf .prj .cpg, WGS84, UTF-8), GeoJSON (RFC 7946)\n"
    "and CSV (events.csv with ACLED's columns, advances.csv, claims.csv).\n"
    "Every layer is written, with 0 features when there are none.  Files are\n"
    "written under temporary names and renamed when all are complete: a\n"
    "failure leaves the directory as it was.  Other files are not touched.\n"
    "\n"
    "options:\n"
    "  -o, --output DIR     the directory (default " DEFAULT_DIR "); created if\n"
    "                       missing, but its parent must exist\n"
    "  --format LIST        shp, geojson, csv, comma-separated (default all)\n"
    "  --events FILE        read events from FILE, the JSON or JSON Lines of\n"
    "                       `kivumap extract` (\"-\" = standard input), instead\n"
    "                       of articles\n"
    "  -j, --jobs N         worker threads reading the articles (default: one\n"
    "                       per CPU, at most 16); the layers are the same whatever N\n"
    "  --gazetteer FILE     also load FILE (kivumap CSV or GeoNames dump);\n"
    "                       repeatable\n"
    "  -h, --help           show this help\n"
    "\n"
    "Field names and meanings: docs/export.md.\n"
    "\n"
    "exit status: 0 written, 1 an error (nothing written), 2 usage error.\n"
    "\n"
    "examples:\n"
    "  kivumap export articles/*.txt -o output/layers\n"
    "  kivumap extract articles/*.txt > events.json\n"
    "  kivumap export --events events.json --format shp -o gis\n";

typedef struct options {
    const char *output;
    int formats;
    const char *events;
    const char **gazetteers;
    size_t n_gazetteers;
    const char **articles;
    size_t n_articles;
    unsigned jobs; /* -j; 0 = one per CPU */
    int jobs_given;
} options;

static int parse_options(int argc, char **argv, options *o)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = NULL;
        int m;
        if (cli_is_flag(arg, "-h") || cli_is_flag(arg, "--help"))
            return -1;
        if ((m = cli_match_option(argc, argv, &i, "--output", &value)) != 0 ||
            (m = cli_match_option(argc, argv, &i, "-o", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            o->output = value;
        } else if ((m = cli_match_option(argc, argv, &i, "--jobs", &value)) != 0 ||
                   (m = cli_match_option(argc, argv, &i, "-j", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            if (o->jobs_given)
                return cli_usage_error("export", "option '%s' given twice",
                                       arg[1] == '-' ? "--jobs" : "-j");
            if (cli_parse_jobs("export", value, &o->jobs) != KVM_EXIT_OK)
                return KVM_EXIT_USAGE;
            o->jobs_given = 1;
        } else if ((m = cli_match_option(argc, argv, &i, "--format", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            kvm_error err = {0};
            o->formats = kvm_export_parse_formats(value, &err);
            if (!o->formats)
                return cli_usage_error("export", "%s", err.message);
        } else if ((m = cli_match_option(argc, argv, &i, "--events", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            o->events = value;
        } else if ((m = cli_match_option(argc, argv, &i, "--gazetteer", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            o->gazetteers[o->n_gazetteers++] = value;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return cli_usage_error("export", "unknown option '%s'", arg);
        } else {
            o->articles[o->n_articles++] = arg;
        }
    }
    if (o->events && o->n_articles > 0)
        return cli_usage_error("export", "give either articles or --events, not both");
    if (!o->events && o->n_articles == 0)
        return cli_usage_error("export", "no articles given (or --events FILE)");
    return 0;
}

/* article -> mentions -> events, on the worker threads when there are
 * several articles. */
static int run_pipeline(const options *o, kvm_eventset *set)
{
    kvm_error err = {0};
    kvm_gazetteer *gaz = cli_load_gazetteer(o->gazetteers, o->n_gazetteers);
    if (!gaz)
        return KVM_EXIT_FAILURE;
    kvm_geoparser *parser = NULL;
    if (kvm_geoparser_new(gaz, &parser, &err) != KVM_OK) {
        kvm_gazetteer_free(gaz);
        return cli_fail(&err);
    }
    extract_jobs_config config = {.gaz = gaz,
                                  .parser = parser,
                                  .jobs = o->jobs ? o->jobs : extract_jobs_auto()};
    int write_errno = 0;
    int code = extract_files(&config, o->articles, o->n_articles, set, stdout, "export",
                             &write_errno);
    if (code == KVM_EXIT_OK && kvm_eventset_merge_duplicates(set, &err) != KVM_OK)
        code = cli_fail(&err);
    kvm_geoparser_free(parser);
    kvm_gazetteer_free(gaz);
    return code;
}

static int run(int argc, char **argv)
{
    options o = {0};
    o.formats = KVM_EXPORT_ALL;
    o.gazetteers = calloc((size_t)argc, sizeof *o.gazetteers);
    o.articles = calloc((size_t)argc, sizeof *o.articles);
    if (!o.gazetteers || !o.articles) {
        free(o.gazetteers);
        free(o.articles);
        cli_error("out of memory");
        return KVM_EXIT_FAILURE;
    }
    int code = parse_options(argc, argv, &o);
    if (code < 0)
        code = cli_print_help(&kvm_cmd_export);
    kvm_eventset *set = NULL;
    if (code == 0) {
        set = kvm_eventset_new();
        if (!set) {
            cli_error("out of memory");
            code = KVM_EXIT_FAILURE;
        }
    }
    kvm_error err = {0};
    if (code == 0) {
        if (o.events) {
            if (kvm_report_read(set, o.events, &err) != KVM_OK)
                code = cli_fail(&err);
        } else {
            code = run_pipeline(&o, set);
        }
    }
    if (code == 0 && kvm_eventset_compute_advances(set, &err) != KVM_OK)
        code = cli_fail(&err);
    if (code == 0 && !o.output) {
        /* the default lives in ./output, which we may create */
        o.output = DEFAULT_DIR;
        if (mkdir(DEFAULT_PARENT, 0777) != 0 && errno != EEXIST) {
            cli_error("cannot create '%s': %s", DEFAULT_PARENT, strerror(errno));
            code = KVM_EXIT_FAILURE;
        }
    }
    if (code == 0 && kvm_export_directory(set, o.output, o.formats, &err) != KVM_OK)
        code = cli_fail(&err);
    if (code == 0)
        fprintf(stderr, "kivumap: wrote %zu events, %zu advances, %zu claims, %zu places to '%s'\n",
                kvm_eventset_event_count(set), kvm_eventset_advance_count(set),
                kvm_eventset_claim_count(set), kvm_eventset_place_count(set), o.output);
    kvm_eventset_free(set);
    free(o.gazetteers);
    free(o.articles);
    return code;
}

const kvm_command kvm_cmd_export = {
    "export",
    run,
    usage,
    "write shapefiles, GeoJSON and CSV layers into a directory",
};
