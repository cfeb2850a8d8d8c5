#!/usr/bin/env bash
# CLI tests for `kivumap distance`: legs in the three formats (numbers checked
# against GeographicLib's GeodSolve), sentences and totals, ambiguous and
# unknown names, LAT,LON arguments, --matrix / --all (square, symmetric),
# --pairs (streaming, bad lines, stdin, CRLF), -o legs files (read back with
# ogrinfo when available), and usage errors.
# Prints "N passed, N failed" last; exits non-zero on failure.
set -u
K=${KIVUMAP:?KIVUMAP must name the kivumap binary}
work=$(pwd)/cli_distance_work
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
pass=0
fail=0

. "${SRCDIR:?}/tests/cli_lib.sh"

have_geodsolve=1
if ! command -v GeodSolve >/dev/null; then
    have_geodsolve=0
    if [ "${CI:-}" = true ]; then
        bad "GeodSolve (geographiclib-tools) missing and CI=true"
    else
        echo "SKIP: GeodSolve missing; reference comparisons skipped"
    fi
fi
# geodsolve_km LAT1 LON1 LAT2 LON2: distance in km to 3 decimals
geodsolve_km() { echo "$1 $2 $3 $4" | GeodSolve -i -p 6 | awk '{ printf "%.3f", $3 / 1000 }'; }

hdr='id,name,alt_names,kind,lat,lon,admin2,admin1,country,population,source'
printf '%s\n' "$hdr" \
    'zz-ambig-town,Zambigu,,town,-1.2,28.9,Masisi,North Kivu,CD,,test' \
    'zz-ambig-territory,Zambigu,,territory,-1.3,28.8,,North Kivu,CD,,test' \
    'zz-ambig-far,Zambigu,,village,-3.0,28.0,,South Kivu,CD,,test' >user.csv
printf '%s\n%s\n' "$hdr" 'a,A,,town,1,2,,,,,,12' >bad.csv

# --- legs -------------------------------------------------------------------------
run distance -1.6792,29.2228 -1.4006,28.8153 --format csv
expect_rc 0 "legs csv"
[ "$(head -n 1 out.txt)" = "leg,from_id,from_name,to_id,to_name,dist_km,az1_deg,az2_deg,compass,sentence" ] &&
    ok || bad "legs csv header"
km=$(sed -n 2p out.txt | cut -d, -f10)
if [ $have_geodsolve = 1 ]; then
    want=$(geodsolve_km -1.6792 29.2228 -1.4006 28.8153)
    python3 -c "
import csv, sys
r = list(csv.DictReader(open('out.txt', newline='')))
sys.exit(0 if r[0]['dist_km'] == '$want' and r[1]['leg'] == 'total' and r[1]['dist_km'] == '$want' else 1)" &&
        ok || bad "legs csv distance equals GeodSolve ($want): $out"
fi

run distance goma masisi-town
expect_rc 0 "legs table"
[ -z "$err" ] && ok || bad "an id is never ambiguous: $err"
grep -Eq '^Masisi is [0-9]+\.[0-9] km (N|S|E|W|NE|NW|SE|SW|[NSEW]-[NS][EW]) of Goma\.$' out.txt &&
    ok || bad "sentence: $out"
head -n 1 out.txt | grep -q '^FROM  *TO  *KM  *BEARING  *DIRECTION$' && ok || bad "table header"

run distance goma sake kitshanga --format json
expect_rc 0 "legs json"
python3 - <<'EOF' && ok || bad "json legs and total: $out"
import json, sys
d = json.load(open("out.txt"))
legs = d["legs"]
ok = (len(legs) == 2 and legs[0]["from"]["id"] == "goma" and legs[1]["to"]["id"] == "kitshanga"
      and abs(sum(l["dist_km"] for l in legs) - d["total_km"]) < 0.002
      and all(-180 < l["az1_deg"] <= 180 and l["compass"] and l["sentence"] for l in legs))
sys.exit(0 if ok else 1)
EOF

run distance goma goma
expect_rc 0 "same place"
expect_out "Goma is at Goma." "same place sentence"

run distance 0,0 0,1
expect_rc 0 "due east"
expect_out "0,1 is 111.3 km E of 0,0." "due east sentence"

# --- ambiguous, unknown, bad coordinates ---------------------------------------------
run distance Zambigu goma --gazetteer user.csv
expect_rc 0 "ambiguous name"
expect_err "kivumap: 'Zambigu' is ambiguous (3 places); using zz-ambig-town (town, Masisi, North Kivu); pass an id to choose another: zz-ambig-far, zz-ambig-territory" "ambiguity note (settlements first)"

run distance zz-ambig-far goma --gazetteer user.csv
expect_rc 0 "id pins the other place"
[ -z "$err" ] && ok || bad "no note with an id: $err"

run distance Masisi goma
expect_rc 0 "bundled Masisi"
expect_err_has "'Masisi' is ambiguous" "Masisi is ambiguous"
expect_err_has "using masisi-town" "Masisi town first"
expect_err_has "masisi-territory" "territory named"

run distance Masissi goma
expect_rc 1 "unknown place"
expect_err "kivumap: unknown place 'Masissi' (did you mean 'Masisi'?)" "unknown place message"
[ ! -s out.txt ] && ok || bad "nothing on stdout for an unknown place"

run distance 95,29 goma
expect_rc 1 "latitude out of range"
expect_err "kivumap: latitude out of range in '95,29'" "latitude message"
run distance 1.5,abc goma
expect_rc 1 "bad LAT,LON"
expect_err "kivumap: bad coordinates '1.5,abc' (expected LAT,LON)" "bad LAT,LON message"

run distance goma sake --gazetteer bad.csv
expect_rc 1 "bad gazetteer"
expect_err "kivumap: bad.csv:2: expected 11 fields, found 12" "bad gazetteer message"

# --- matrix -------------------------------------------------------------------------
run distance --matrix goma sake -1.5,29.1
expect_rc 0 "matrix"
[ "$(head -n 1 out.txt)" = 'id,goma,sake,"-1.5,29.1"' ] && ok || bad "matrix header: $out"
python3 - <<'EOF' && ok || bad "matrix square, symmetric, zero diagonal: $out"
import csv, sys
r = list(csv.reader(open("out.txt", newline="")))
ids = r[0][1:]
m = [[float(x) for x in row[1:]] for row in r[1:]]
ok = (len(m) == 3 and [row[0] for row in r[1:]] == ids and all(len(x) == 3 for x in m)
      and all(m[i][i] == 0 for i in range(3))
      and all(m[i][j] == m[j][i] for i in range(3) for j in range(3))
      and all(m[i][j] > 0 for i in range(3) for j in range(3) if i != j))
sys.exit(0 if ok else 1)
EOF
run distance goma sake --format csv
leg=$(sed -n 2p out.txt | cut -d, -f6)
run distance --matrix goma sake
[ "$(sed -n 2p out.txt | cut -d, -f3)" = "$leg" ] && ok || bad "matrix cell equals the leg ($leg)"

run distance --matrix --all
expect_rc 0 "matrix --all"
python3 - <<'EOF' && ok || bad "--all is square over the gazetteer"
import csv, sys
r = list(csv.reader(open("out.txt", newline="", encoding="utf-8")))
n = len(r) - 1
sys.exit(0 if n >= 250 and all(len(row) == n + 1 for row in r) else 1)
EOF

# --- pairs --------------------------------------------------------------------------
printf 'goma\tsake\n-1.6792,29.2228\t-1.4006,28.8153\r\n\nKitchanga\tgoma\nMasissi\tgoma\ngoma\tsake\n' >pairs.tsv
run distance --pairs pairs.tsv
expect_rc 1 "pairs with a bad line"
expect_err "kivumap: pairs.tsv:5: unknown place 'Masissi' (did you mean 'Masisi'?)" "bad pair line message"
[ "$(wc -l <out.txt)" -eq 4 ] && ok || bad "pairs before the bad line are written: $out"
[ "$(head -n 1 out.txt)" = "from,to,dist_km,az1_deg,az2_deg" ] && ok || bad "pairs header"
expect_out '"-1.6792,29.2228","-1.4006,28.8153",' "coordinates quoted, CRLF stripped"
expect_out "Kitchanga,goma," "names echoed"

printf 'goma sake\n' | "$K" distance --pairs - >out.txt 2>err.txt
rc=$?
err=$(cat err.txt)
expect_rc 1 "pairs line without a tab"
expect_err "kivumap: (stdin):1: expected two places separated by one tab, as 'A<TAB>B'" "no tab message"

printf 'goma\t95,1\n' | "$K" distance --pairs - >out.txt 2>err.txt
rc=$?
err=$(cat err.txt)
expect_rc 1 "pairs bad LAT,LON"
expect_err "kivumap: (stdin):1: latitude out of range in '95,1'" "pairs bad LAT,LON message"

run distance --pairs missing.tsv
expect_rc 1 "missing pairs file"
expect_err "kivumap: cannot open 'missing.tsv': No such file or directory" "missing pairs file message"

if [ $have_geodsolve = 1 ]; then
    awk 'BEGIN { srand(7); for (i = 0; i < 200; i++)
          printf "%.6f,%.6f\t%.6f,%.6f\n", 180 * rand() - 90, 360 * rand() - 180,
                 180 * rand() - 90, 360 * rand() - 180 }' >rand.tsv
    tr ',\t' '  ' <rand.tsv | GeodSolve -i -p 9 >rand.ref
    "$K" distance --pairs - <rand.tsv >rand.out 2>err.txt
    rc=$?
    expect_rc 0 "random pairs"
    python3 - <<'EOF' && ok || bad "pairs equal GeodSolve to 1e-6 km and 1e-6 degrees"
import csv, sys
ours = list(csv.DictReader(open("rand.out", newline="")))
ref = [l.split() for l in open("rand.ref")]
def da(a, b):
    d = (a - b) % 360
    return min(d, 360 - d)
bad = [i for i, (o, r) in enumerate(zip(ours, ref))
       if abs(float(o["dist_km"]) - float(r[2]) / 1000) > 1e-6
       or da(float(o["az1_deg"]), float(r[0])) > 1e-6 or da(float(o["az2_deg"]), float(r[1])) > 1e-6]
sys.exit(0 if len(ours) == 200 and not bad else 1)
EOF
fi

# --- -o legs file ---------------------------------------------------------------------
run distance goma sake kitshanga -o legs.geojson
expect_rc 0 "-o geojson"
if [ -s legs.geojson ]; then
    ok
    python3 -c "import json; d = json.load(open('legs.geojson')); assert len(d['features']) == 2" &&
        ok || bad "legs.geojson has 2 features"
else
    bad "-o legs.geojson wrote nothing"
fi
run distance goma sake -o legs.shp
expect_rc 0 "-o shp"
[ -s legs.shp ] && [ -s legs.dbf ] && ok || bad "-o legs.shp wrote the shapefile"
if command -v ogrinfo >/dev/null; then
    ogrinfo -ro -al -so legs.shp 2>/dev/null | grep -q 'Feature Count: 1' && ok ||
        bad "ogrinfo reads 1 feature from legs.shp"
fi
run distance goma sake -o legs.txt
expect_rc 1 "-o unknown extension"
[ ! -e legs.txt ] && ok || bad "nothing written for a bad -o"

# --- usage ----------------------------------------------------------------------------
for args in "goma" "" "--bogus goma sake" "--format xml goma sake" "--matrix --format json goma sake" \
    "--pairs x goma" "--all goma" "--pairs" "- goma" "--matrix -o x.shp goma sake"; do
    # shellcheck disable=SC2086
    run distance $args
    expect_rc 2 "usage error for '$args'"
    expect_err_has "kivumap: " "usage message for '$args'"
done
run distance --help
expect_rc 0 "--help"
expect_out "usage: kivumap distance" "--help text"
run help distance
expect_rc 0 "help distance"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
