/* kivumap places: search the gazetteer by name (case-, accent- and
 * spelling-insensitive substring of the name, an alternate name or the id),
 * filter by kind and by distance from a place, and print the rows as an
 * aligned table, CSV (the gazetteer's own columns, so the output loads back
 * with --gazetteer) or JSON. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util.h"

#define FOLD_CAP 512

static const char usage[] =
    "usage: kivumap places [QUERY] [options]\n"
    "\n"
    "Search the gazetteer: the bundled North Kivu table plus any --gazetteer\n"
    "files.  QUERY matches any part of a place's name, alternate names or id,\n"
    "ignoring case, accents, apostrophes and hyphens ('kitchanga' finds\n"
    "Kitshanga, 'nord kivu' finds North Kivu).  Without QUERY every place is\n"
    "listed.\n"
    "\n"
    "options:\n"
    "  --kind KIND[,KIND...]  only places of these kinds: city, town, village,\n"
    "                         camp, border-post, territory, province, country,\n"
    "                         region, continent, lake, river, park, mountain\n"
    "  --within KM PLACE      only places at most KM kilometres (geodesic, WGS84)\n"
    "                         from PLACE (an id, a name or LAT,LON), nearest\n"
    "                         first, with a distance column\n"
    "  --format FORMAT        table (default), csv or json\n"
    "  --limit N              print at most N places\n"
    "  --gazetteer FILE       also load FILE (kivumap CSV or GeoNames dump);\n"
    "                         repeatable; its rows replace bundled rows of the\n"
    "                         same id\n"
    "  -h, --help             show this help\n"
    "\n"
    "Results are sorted by match quality (whole name, then start of a name,\n"
    "then anywhere), then by name; with --within, by distance.\n"
    "\n"
    "exit status: 0 places found, 1 no match or an error, 2 usage error.\n"
    "\n"
    "examples:\n"
    "  kivumap places kitchanga\n"
    "  kivumap places --kind camp --within 20 goma\n"
    "  kivumap places --kind territory --format csv\n";

enum output_format { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON };

typedef struct hit {
    const kvm_place *place;
    int quality; /* 0 whole name, 1 start of a name or word, 2 anywhere, 3 no query */
    double dist_km;
    char sort_name[64];
} hit;

typedef struct options {
    const char *query;
    unsigned kinds; /* bit per kvm_place_kind; 0 = all */
    int within;
    double within_km;
    const char *within_place;
    enum output_format format;
    size_t limit;
    const char **gazetteers;
    size_t n_gazetteers;
} options;

/* ---- matching ----------------------------------------------------------- */

/* Quality of the folded query in one folded name: 0 equal, 1 at the start of
 * a word, 2 elsewhere, -1 absent. */
static int match_quality(const char *name, const char *query)
{
    if (strcmp(name, query) == 0)
        return 0;
    int best = -1;
    for (const char *p = strstr(name, query); p; p = strstr(p + 1, query)) {
        int q = (p == name || p[-1] == ' ') ? 1 : 2;
        if (best < 0 || q < best)
            best = q;
        if (best == 1)
            break;
    }
    return best;
}

static int place_match(const kvm_place *pl, const char *folded_query, const char *raw_query)
{
    char folded[FOLD_CAP];
    int best = -1, q;
    kvm_fold_name(pl->name, folded, sizeof folded);
    best = match_quality(folded, folded_query);
    for (const char *s = pl->alt_names; *s && best != 0;) {
        const char *bar = strchr(s, '|');
        size_t n = bar ? (size_t)(bar - s) : strlen(s);
        char raw[FOLD_CAP];
        if (n >= sizeof raw)
            n = sizeof raw - 1;
        memcpy(raw, s, n);
        raw[n] = '\0';
        kvm_fold_name(raw, folded, sizeof folded);
        q = match_quality(folded, folded_query);
        if (q >= 0 && (best < 0 || q < best))
            best = q;
        s += n + (bar ? 1 : 0);
        if (!bar)
            break;
    }
    if (best != 0 && strcmp(pl->id, raw_query) == 0)
        best = 0;
    else if (best < 0 && strstr(pl->id, raw_query))
        best = 2;
    return best;
}

static int compare_hits(const void *pa, const void *pb)
{
    const hit *a = pa, *b = pb;
    if (a->dist_km != b->dist_km)
        return a->dist_km < b->dist_km ? -1 : 1;
    if (a->quality != b->quality)
        return a->quality - b->quality;
    int c = strcmp(a->sort_name, b->sort_name);
    if (c != 0)
        return c;
    /* same name: the ambiguity rule (settlements, North Kivu, population) */
    const kvm_place *x = a->place, *y = b->place;
    int sa = kvm_place_kind_is_settlement(x->kind), sb = kvm_place_kind_is_settlement(y->kind);
    if (sa != sb)
        return sb - sa;
    int na = strcmp(x->admin1, "North Kivu") == 0, nb = strcmp(y->admin1, "North Kivu") == 0;
    if (na != nb)
        return nb - na;
    if (x->population != y->population)
        return x->population > y->population ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* ---- output helpers ----------------------------------------------------- */

static void put_csv_field(const char *s)
{
    if (strpbrk(s, ",\"\r\n") == NULL) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

static void put_json_string(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", stdout);
            break;
        case '\\':
            fputs("\\\\", stdout);
            break;
        case '\n':
            fputs("\\n", stdout);
            break;
        case '\r':
            fputs("\\r", stdout);
            break;
        case '\t':
            fputs("\\t", stdout);
            break;
        default:
            if (*p < 0x20)
                printf("\\u%04x", *p);
            else
                putchar(*p);
        }
    }
    putchar('"');
}

/* A coordinate as typed in gazetteer files: shortest form that reads back. */
static void format_coordinate(char *buf, size_t cap, double v)
{
    snprintf(buf, cap, "%.15g", v);
}

/* ---- the three formats -------------------------------------------------- */

enum {
    COL_ID,
    COL_NAME,
    COL_KIND,
    COL_ADMIN2,
    COL_ADMIN1,
    COL_COUNTRY,
    COL_LAT,
    COL_LON,
    COL_KM,
    N_COLS
};

static const char *const table_headers[N_COLS] = {
    "ID", "NAME", "KIND", "TERRITORY", "PROVINCE", "COUNTRY", "LAT", "LON", "KM",
};

static void table_cells(const hit *h, char num[3][32], const char *cells[N_COLS])
{
    const kvm_place *pl = h->place;
    snprintf(num[0], sizeof num[0], "%.4f", pl->lat);
    snprintf(num[1], sizeof num[1], "%.4f", pl->lon);
    snprintf(num[2], sizeof num[2], "%.1f", h->dist_km);
    cells[COL_ID] = pl->id;
    cells[COL_NAME] = pl->name;
    cells[COL_KIND] = kvm_place_kind_name(pl->kind);
    cells[COL_ADMIN2] = pl->admin2[0] ? pl->admin2 : "-";
    cells[COL_ADMIN1] = pl->admin1[0] ? pl->admin1 : "-";
    cells[COL_COUNTRY] = pl->country[0] ? pl->country : "-";
    cells[COL_LAT] = num[0];
    cells[COL_LON] = num[1];
    cells[COL_KM] = num[2];
}

static void print_table(const hit *hits, size_t n, int with_km)
{
    size_t widths[N_COLS];
    int n_cols = with_km ? N_COLS : N_COLS - 1;
    char num[3][32];
    const char *cells[N_COLS];
    for (int c = 0; c < n_cols; c++)
        widths[c] = strlen(table_headers[c]);
    for (size_t i = 0; i < n; i++) {
        table_cells(&hits[i], num, cells);
        for (int c = 0; c < n_cols; c++) {
            size_t w = cli_display_width(cells[c]);
            if (w > widths[c])
                widths[c] = w;
        }
    }
    for (int c = 0; c < n_cols; c++) {
        int right = c >= COL_LAT;
        cli_put_padded(table_headers[c], (c == n_cols - 1 && !right) ? 0 : widths[c], right);
        if (c < n_cols - 1)
            fputs("  ", stdout);
    }
    putchar('\n');
    for (size_t i = 0; i < n; i++) {
        table_cells(&hits[i], num, cells);
        for (int c = 0; c < n_cols; c++) {
            int right = c >= COL_LAT;
            cli_put_padded(cells[c], (c == n_cols - 1 && !right) ? 0 : widths[c], right);
            if (c < n_cols - 1)
                fputs("  ", stdout);
        }
        putchar('\n');
    }
}

static void print_csv(const hit *hits, size_t n, int with_km)
{
    fputs("id,name,alt_names,kind,lat,lon,admin2,admin1,country,population,source", stdout);
    fputs(with_km ? ",dist_km\n" : "\n", stdout);
    for (size_t i = 0; i < n; i++) {
        const kvm_place *pl = hits[i].place;
        char lat[32], lon[32];
        format_coordinate(lat, sizeof lat, pl->lat);
        format_coordinate(lon, sizeof lon, pl->lon);
        put_csv_field(pl->id);
        putchar(',');
        put_csv_field(pl->name);
        putchar(',');
        put_csv_field(pl->alt_names);
        printf(",%s,%s,%s,", kvm_place_kind_name(pl->kind), lat, lon);
        put_csv_field(pl->admin2);
        putchar(',');
        put_csv_field(pl->admin1);
        putchar(',');
        put_csv_field(pl->country);
        putchar(',');
        if (pl->population > 0)
            printf("%lld", pl->population);
        putchar(',');
        put_csv_field(pl->source);
        if (with_km)
            printf(",%.3f", hits[i].dist_km);
        putchar('\n');
    }
}

static void put_json_alt_names(const char *alt)
{
    putchar('[');
    int first = 1;
    for (const char *s = alt; *s;) {
        const char *bar = strchr(s, '|');
        size_t n = bar ? (size_t)(bar - s) : strlen(s);
        char one[FOLD_CAP];
        if (n >= sizeof one)
            n = sizeof one - 1;
        memcpy(one, s, n);
        one[n] = '\0';
        if (n > 0) {
            if (!first)
                putchar(',');
            put_json_string(one);
            first = 0;
        }
        if (!bar)
            break;
        s = bar + 1;
    }
    putchar(']');
}

static void print_json(const hit *hits, size_t n, int with_km)
{
    fputs("[", stdout);
    for (size_t i = 0; i < n; i++) {
        const kvm_place *pl = hits[i].place;
        char lat[32], lon[32];
        format_coordinate(lat, sizeof lat, pl->lat);
        format_coordinate(lon, sizeof lon, pl->lon);
        fputs(i ? ",\n  {" : "\n  {", stdout);
        fputs("\"id\": ", stdout);
        put_json_string(pl->id);
        fputs(", \"name\": ", stdout);
        put_json_string(pl->name);
        fputs(", \"alt_names\": ", stdout);
        put_json_alt_names(pl->alt_names);
        printf(", \"kind\": \"%s\", \"lat\": %s, \"lon\": %s, \"admin2\": ",
               kvm_place_kind_name(pl->kind), lat, lon);
        put_json_string(pl->admin2);
        fputs(", \"admin1\": ", stdout);
        put_json_string(pl->admin1);
        fputs(", \"country\": ", stdout);
        put_json_string(pl->country);
        if (pl->population > 0)
            printf(", \"population\": %lld", pl->population);
        else
            fputs(", \"population\": null", stdout);
        fputs(", \"source\": ", stdout);
        put_json_string(pl->source);
        if (with_km)
            printf(", \"dist_km\": %.3f", hits[i].dist_km);
        putchar('}');
    }
    fputs(n ? "\n]\n" : "]\n", stdout);
}

/* ---- arguments ---------------------------------------------------------- */

static int parse_kinds(const char *text, unsigned *pkinds)
{
    char buf[256];
    if (strlen(text) >= sizeof buf)
        return -1;
    strcpy(buf, text);
    *pkinds = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",|", &save); tok;
         tok = strtok_r(NULL, ",|", &save)) {
        kvm_place_kind k = kvm_place_kind_from_name(tok);
        if (k == KVM_KIND_UNKNOWN)
            return -1;
        *pkinds |= 1u << k;
    }
    return *pkinds ? 0 : -1;
}

static int parse_limit(const char *text, size_t *plimit)
{
    char *end;
    if (text[0] < '0' || text[0] > '9')
        return -1;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0' || v == 0 || v > SIZE_MAX)
        return -1;
    *plimit = (size_t)v;
    return 0;
}

/* Returns -1 when parsing succeeded, else the exit code. */
static int parse_args(int argc, char **argv, options *opt)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *value = NULL;
        int m;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0)
            return cli_print_help(&kvm_cmd_places);
        if ((m = cli_match_option(argc, argv, &i, "--kind", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            if (parse_kinds(value, &opt->kinds) != 0)
                return cli_usage_error("places", "unknown kind '%s' (see 'kivumap help places')",
                                       value);
        } else if ((m = cli_match_option(argc, argv, &i, "--format", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            if (strcmp(value, "table") == 0)
                opt->format = FORMAT_TABLE;
            else if (strcmp(value, "csv") == 0)
                opt->format = FORMAT_CSV;
            else if (strcmp(value, "json") == 0)
                opt->format = FORMAT_JSON;
            else
                return cli_usage_error("places", "unknown format '%s' (table, csv or json)", value);
        } else if ((m = cli_match_option(argc, argv, &i, "--limit", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            if (parse_limit(value, &opt->limit) != 0)
                return cli_usage_error("places", "bad --limit '%s' (a whole number >= 1)", value);
        } else if ((m = cli_match_option(argc, argv, &i, "--gazetteer", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            opt->gazetteers[opt->n_gazetteers++] = value;
        } else if ((m = cli_match_option(argc, argv, &i, "--within", &value)) != 0) {
            if (m < 0)
                return KVM_EXIT_USAGE;
            if (i + 1 >= argc)
                return cli_usage_error("places", "--within needs KM and PLACE");
            if (kvm_parse_double(value, &opt->within_km, NULL) != KVM_OK || !(opt->within_km >= 0))
                return cli_usage_error("places", "bad distance '%s' for --within (km >= 0)", value);
            opt->within = 1;
            opt->within_place = argv[++i];
        } else if (strcmp(arg, "--") == 0) {
            if (i + 1 < argc) {
                if (opt->query || i + 2 < argc)
                    return cli_usage_error("places", "only one QUERY may be given");
                opt->query = argv[i + 1];
            }
            break;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            return cli_usage_error("places", "unknown option '%s'", arg);
        } else {
            if (opt->query)
                return cli_usage_error("places",
                                       "only one QUERY may be given (quote names with spaces)");
            opt->query = arg;
        }
    }
    return -1;
}

/* The centre of --within: LAT,LON or a gazetteer place. */
static int resolve_centre(const kvm_gazetteer *gaz, const char *text, kvm_lonlat *pos)
{
    kvm_error err = {0};
    const kvm_place *pl;
    size_t n = 0;
    if (cli_looks_like_coordinates(text)) {
        if (kvm_parse_latlon(text, pos, &err) != KVM_OK)
            return cli_fail(&err);
        return KVM_EXIT_OK;
    }
    if (kvm_gazetteer_resolve(gaz, text, &pl, &n, &err) != KVM_OK)
        return cli_fail(&err);
    if (n > 1)
        cli_warn_ambiguous(gaz, text, pl);
    pos->lat = pl->lat;
    pos->lon = pl->lon;
    return KVM_EXIT_OK;
}

static int run_search(const kvm_gazetteer *gaz, const options *opt)
{
    char folded_query[FOLD_CAP];
    kvm_lonlat centre = {0, 0};
    size_t count = kvm_gazetteer_count(gaz), n = 0;
    int code;
    if (opt->within && (code = resolve_centre(gaz, opt->within_place, &centre)) != KVM_EXIT_OK)
        return code;
    if (opt->query) {
        kvm_fold_name(opt->query, folded_query, sizeof folded_query);
        if (folded_query[0] == '\0')
            return cli_usage_error("places", "empty QUERY");
    }
    hit *hits = kvm_alloc_array(count ? count : 1, sizeof *hits);
    if (!hits) {
        cli_error("out of memory");
        return KVM_EXIT_FAILURE;
    }
    for (size_t i = 0; i < count; i++) {
        const kvm_place *pl = kvm_gazetteer_place(gaz, i);
        hit h = {pl, 3, 0.0, {0}};
        if (opt->kinds && !(opt->kinds & (1u << pl->kind)))
            continue;
        if (opt->query && (h.quality = place_match(pl, folded_query, opt->query)) < 0)
            continue;
        if (opt->within) {
            kvm_lonlat pos = {pl->lon, pl->lat};
            kvm_geodesic_inverse_unchecked(centre, pos, &h.dist_km, NULL, NULL);
            if (!(h.dist_km <= opt->within_km))
                continue;
        }
        kvm_fold_name(pl->name, h.sort_name, sizeof h.sort_name);
        hits[n++] = h;
    }
    if (n == 0) {
        const kvm_place *sugg[1];
        free(hits);
        if (opt->query && !opt->kinds && !opt->within &&
            kvm_gazetteer_suggest(gaz, opt->query, sugg, 1) == 1)
            cli_error("no place matches '%s' (did you mean '%s'?)", opt->query, sugg[0]->name);
        else if (opt->query)
            cli_error("no place matches '%s'%s", opt->query,
                      opt->kinds || opt->within ? " with these filters" : "");
        else
            cli_error("no place matches these filters");
        return KVM_EXIT_FAILURE;
    }
    qsort(hits, n, sizeof *hits, compare_hits);
    if (opt->limit && n > opt->limit)
        n = opt->limit;
    if (opt->format == FORMAT_CSV)
        print_csv(hits, n, opt->within);
    else if (opt->format == FORMAT_JSON)
        print_json(hits, n, opt->within);
    else
        print_table(hits, n, opt->within);
    free(hits);
    return cli_finish_stdout(KVM_EXIT_OK);
}

static int run(int argc, char **argv)
{
    options opt;
    memset(&opt, 0, sizeof opt);
    opt.gazetteers = kvm_alloc_array((size_t)argc, sizeof *opt.gazetteers);
    if (!opt.gazetteers) {
        cli_error("out of memory");
        return KVM_EXIT_FAILURE;
    }
    int code = parse_args(argc, argv, &opt);
    if (code < 0) {
        kvm_gazetteer *gaz = cli_load_gazetteer(opt.gazetteers, opt.n_gazetteers);
        code = gaz ? run_search(gaz, &opt) : KVM_EXIT_FAILURE;
        kvm_gazetteer_free(gaz);
    }
    free(opt.gazetteers);
    return code;
}

const kvm_command kvm_cmd_places = {
    "places",
    run,
    usage,
    "search the gazetteer (names, kinds, places within N km)",
};
