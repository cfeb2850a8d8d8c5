/* Fuzz harness: GeoNames dumps (tab-separated, told apart from our CSV by
 * shape) through the gazetteer loader.  The checks are those of
 * fuzz_gazetteer.c; what differs is the seed corpus (fuzz/corpus/geonames/,
 * GeoNames rows) and the file name in messages. */
#define FUZZ_GAZETTEER_NAME "fuzz.txt"
#include "fuzz_gazetteer.c"
