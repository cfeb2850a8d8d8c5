#!/usr/bin/env bash
# Export benchmark (issue 5): N synthetic events (default 1,000,000)
#   1. kivumap export --events FILE --format shp, end to end (JSON Lines read,
#      advances, events/places/... shapefiles), and every format;
#   2. the same export from memory (kvm_export_directory, bench/export_gen.c);
#   3. ogr2ogr converting the same events from CSV (our events.csv) to a
#      shapefile;
#   4. a bare shapelib loop writing the same points and fields
#      (bench/export_floor.c).
# Also 10,000 events end to end.  Use a Release build:
#   cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build
#   bench/export.sh [N] [BUILD_DIR]
set -eu
N=${1:-1000000}
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${2:-${BENCH_BUILD:-$SRC/build}}" && pwd)
K=$BUILD/kivumap
WORK=${BENCH_WORK:-$BUILD/bench_export}
rm -rf "$WORK"; mkdir -p "$WORK"
LIBS="$(pkg-config --libs proj cairo shapelib) -lm"
cc -O2 -std=c11 -I"$SRC/include" -I"$SRC/bench" "$SRC/bench/export_gen.c" "$BUILD/libkivumap.a" \
   $LIBS -o "$WORK/export_gen"
cc -O2 -std=c11 -I"$SRC/bench" "$SRC/bench/export_floor.c" $(pkg-config --libs shapelib) \
   -o "$WORK/export_floor"

seconds() { # seconds COMMAND...: wall time, output discarded
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end $start" | awk '{printf "%.3f", $1 - $2}'
}

echo "events: $N"
"$WORK/export_gen" "$N" "$WORK" | sed 's/^/in-memory /'
echo "jsonl: $(du -h "$WORK/events.jsonl" | cut -f1)"
echo "kivumap export --format shp: $(seconds "$K" export --events "$WORK/events.jsonl" --format shp -o "$WORK/cli_shp") s"
echo "kivumap export (all formats): $(seconds "$K" export --events "$WORK/events.jsonl" -o "$WORK/cli_all") s"
mkdir -p "$WORK/ogr"
echo "ogr2ogr CSV -> shapefile: $(seconds ogr2ogr -f 'ESRI Shapefile' "$WORK/ogr/events.shp" \
  "$WORK/mem_all/events.csv" -oo X_POSSIBLE_NAMES=longitude -oo Y_POSSIBLE_NAMES=latitude \
  -oo AUTODETECT_TYPE=YES -a_srs EPSG:4326 -lco ENCODING=UTF-8) s"
echo "ogr2ogr features: $(ogrinfo -ro -so -al "$WORK/ogr/events.shp" | sed -n 's/^Feature Count: //p')"
echo "bare shapelib loop: $("$WORK/export_floor" "$N" "$WORK/floor" | sed 's/^floor //') s"
echo "ours: $(ogrinfo -ro -so -al "$WORK/cli_shp/events.shp" | sed -n 's/^Feature Count: //p') features," \
     "$(du -h "$WORK/cli_shp/events.dbf" | cut -f1) dbf"

mkdir -p "$WORK/small"
"$WORK/export_gen" 10000 "$WORK/small" | sed 's/^/10k in-memory /'
echo "10k kivumap export --format shp: $(seconds "$K" export --events "$WORK/small/events.jsonl" --format shp -o "$WORK/small/cli") s"
echo "10k kivumap export (all): $(seconds "$K" export --events "$WORK/small/events.jsonl" -o "$WORK/small/cli_all") s"
[ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"
