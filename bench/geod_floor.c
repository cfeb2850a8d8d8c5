/* The floor for `bench/distance.sh`'s matrix workload: a bare loop of PROJ's
 * geod_inverse over every unordered pair of the points in a file (one
 * "LAT,LON" per line), distance only, no output but a checksum.  kivumap's
 * matrix does the same geodesics plus argument parsing and CSV formatting,
 * so its time over this one is the cost of everything but the geodesy.
 *
 * usage: geod_floor POINTS_FILE */
#include <geodesic.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    struct geod_geodesic g;
    double *lat = NULL, *lon = NULL, sum = 0;
    size_t n = 0, cap = 0;
    FILE *fp;
    if (argc != 2 || !(fp = fopen(argv[1], "r"))) {
        fprintf(stderr, "usage: geod_floor POINTS_FILE\n");
        return 2;
    }
    for (;;) {
        double a, b;
        if (fscanf(fp, "%lf,%lf", &a, &b) != 2)
            break;
        if (n == cap) {
            cap = cap ? 2 * cap : 1024;
            lat = realloc(lat, cap * sizeof *lat);
            lon = realloc(lon, cap * sizeof *lon);
            if (!lat || !lon)
                return 1;
        }
        lat[n] = a;
        lon[n] = b;
        n++;
    }
    fclose(fp);
    geod_init(&g, 6378137.0, 1.0 / 298.257223563);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            double s12;
            geod_inverse(&g, lat[i], lon[i], lat[j], lon[j], &s12, NULL, NULL);
            sum += s12;
        }
    }
    printf("%zu points, %zu pairs, sum %.3f km\n", n, n * (n - 1) / 2, sum / 1000);
    free(lat);
    free(lon);
    return 0;
}
