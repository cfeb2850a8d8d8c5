#!/usr/bin/env bash
# Runs the CLI's golden invocations under valgrind memcheck: zero errors and
# zero definite/indirect leaks (exit status 99 from valgrind otherwise).
# Skipped (exit 0, "skipped" line) in an ASan build (KVM_SANITIZE=ON: ASan
# binaries cannot run under valgrind) and when valgrind is missing outside
# CI (in CI a missing valgrind is a failure).  Prints "N passed, N failed" last.
# tests/cli/valgrind.supp hides only fontconfig's allocations for cairo's
# process-lifetime font caches.
set -u
K=${KIVUMAP:?KIVUMAP must name the kivumap binary}
SRC=${SRCDIR:?}
case "$K" in /*) ;; *) K=$(pwd)/$K ;; esac

if [ "${KVM_SANITIZE:-OFF}" = ON ]; then
  echo "valgrind: skipped (ASan build; the sanitizers check this build)"
  echo "valgrind: 0 passed, 0 failed"
  exit 0
fi
if ! command -v valgrind >/dev/null; then
  if [ -n "${CI:-}" ]; then
    echo "valgrind: not installed (required in CI)"
    echo "valgrind: 0 passed, 1 failed"
    exit 1
  fi
  echo "valgrind: skipped (valgrind not installed)"
  echo "valgrind: 0 passed, 0 failed"
  exit 0
fi

work=$(pwd)/valgrind_work
rm -rf "$work"; mkdir -p "$work"
cd "$work" || exit 1
pass=0; fail=0
VG=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
    --show-leak-kinds=definite,indirect --num-callers=40
    --suppressions="$SRC/tests/cli/valgrind.supp")

# vg NAME EXPECTED_EXIT ARGS...: kivumap ARGS under memcheck
vg() {
  local name=$1 want=$2; shift 2
  "${VG[@]}" --log-file="$work/$name.vg" "$K" "$@" >"$work/$name.out" 2>"$work/$name.err"
  local got=$?
  local why=""
  if [ "$got" = 99 ] || [ -s "$work/$name.vg" ]; then
    why="memcheck errors or leaks"
  elif [ "$got" != "$want" ]; then
    why="exit $got, expected $want"
  fi
  if [ -z "$why" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $name: $why"
    echo "  command: kivumap $*"
    sed 's/^/  valgrind: /' "$work/$name.vg" | head -n 40
    sed 's/^/  stderr: /' "$work/$name.err" | head -n 5
  fi
}

# check NAME TEST...: an extra assertion on the outputs of the last runs
check() {
  local name=$1; shift
  if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $name: $*"; fi
}

ex1=$SRC/examples/01_bunagana_2022.txt
ex3=$SRC/examples/03_goma_2025.txt
printf 'date 2025-01-27\nM23 rebels captured the town of Sake, about 25 km west of Goma, on Sunday.\n' > small.txt
printf '{"id":"j1","date":"2025-01-27","text":"M23 seized Sake, 25 km west of Goma."}\n{"id":"j2","text":"Clashes near Kitshanga \xff."}\n' > small.jsonl
printf 'Goma\tSake\nkitchanga\t-1.6792,29.2228\n' > pairs.txt
printf 'id,name,alt_names,kind,lat,lon,admin2,admin1,country,population,source\nx-camp,Camp X,Kamp X,camp,-1.6,29.2,Nyiragongo,North Kivu,CD,1000,test\n' > extra.csv

vg places_query 0 places kitchanga
vg places_within 0 places --kind camp --within 20 goma --format json
vg places_gazetteer 0 places --gazetteer extra.csv "camp x" --format csv
vg places_unknown 1 places nowhere-at-all
vg distance_legs 0 distance goma masisi-town Kitshanga
vg distance_json 0 distance Goma Sake --format json
vg distance_matrix 0 distance --matrix goma sake rutshuru-town
vg distance_pairs 0 distance --pairs pairs.txt
vg distance_unknown 1 distance Goma Masissi
vg extract_examples 0 extract "$ex1" "$ex3" -o events.json
check extract_examples_written test -s events.json
vg extract_csv 0 extract --format csv "$ex3"
vg extract_geojson 0 extract --format geojson small.txt
vg extract_jsonl_in 0 extract --jsonl --format jsonl small.jsonl
vg extract_missing 1 extract small.txt missing.txt -o never.json
check extract_missing_atomic test ! -e never.json
vg check_examples 0 check "$ex1" "$ex3"
vg map_png 0 map small.txt --width 400 --no-inset -o map.png
check map_png_written test -s map.png
vg map_svg 0 map --events events.json --width 400 -o map.svg
check map_svg_written test -s map.svg
vg map_bad_bbox 2 map small.txt --bbox 29.5,-2,28.5,-1 -o bad.png
vg export_dir 0 export small.txt -o layers
check export_written test -s layers/events.shp
vg export_events 0 export --events events.json --format geojson,csv -o layers2
check export_events_written test -s layers2/events.csv
vg events_roundtrip 0 extract "$ex1" --format jsonl -o events.jsonl
vg events_roundtrip_map 0 map --events events.jsonl --format svg --width 300 -o rt.svg
vg events_truncated 1 map --events <(head -c 300 events.json) -o never.png

cd .. && rm -rf "$work"
echo "valgrind: $pass passed, $fail failed"
[ "$fail" = 0 ]
