#!/usr/bin/env bash
# CLI tests for `kivumap places`: search, folding and alternate spellings,
# --kind, --within (sorted, with distances), the three formats (CSV read back
# with --gazetteer, JSON parsed by python3), --limit, user gazetteers, UTF-8
# alignment, and every error path with its exit code and message.
# Prints "N passed, N failed" last; exits non-zero on failure.
set -u
K=${KIVUMAP:?KIVUMAP must name the kivumap binary}
work=$(pwd)/cli_places_work
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
pass=0
fail=0

. "${SRCDIR:?}/tests/cli_lib.sh"

hdr='id,name,alt_names,kind,lat,lon,admin2,admin1,country,population,source'
printf '%s\n' "$hdr" \
    'testville,Testville,Tést Ville|Testvil,town,-1.5,29.0,Masisi,North Kivu,CD,1200,test' \
    'lac-edouard-test,Lac Édouard Tést,,lake,-0.3,29.6,,North Kivu,CD,,test' \
    'zz-ambig-town,Zambigu,,town,-1.2,28.9,Masisi,North Kivu,CD,,test' \
    'zz-ambig-territory,Zambigu,,territory,-1.3,28.8,,North Kivu,CD,,test' >user.csv
printf '%s\n%s\n%s\n' "$hdr" 'a,A,,town,1,2,,,,,' 'b,B,,town,95,29,,,,,' >bad.csv

# --- search ---------------------------------------------------------------------
run places kitchanga
expect_rc 0 "alt spelling"
expect_out "kitshanga" "alt spelling finds Kitshanga"
[ "$(wc -l <out.txt)" -ge 2 ] && ok || bad "table has a header and a row"
head -n 1 out.txt | grep -q '^ID  *NAME  *KIND' && ok || bad "table header"

run places "KITSHÁNGA"
expect_rc 0 "case and accents"
expect_out "kitshanga" "case and accents"

run places goma
expect_rc 0 "goma"
sed -n 2p out.txt | grep -q '^goma ' && ok || bad "exact name first: $(sed -n 2p out.txt)"

run places "nord kivu" --format csv
expect_rc 0 "french alt name"
grep -q '^north-kivu,' out.txt && ok || bad "nord kivu finds north-kivu"

# --- kinds and within -------------------------------------------------------------
run places --kind camp --within 20 goma
expect_rc 0 "camps near goma"
head -n 1 out.txt | grep -q 'KM$' && ok || bad "distance column in header"
run places --kind camp --within 20 goma --format csv
python3 - <<'PY' && ok || bad "camps sorted by distance, <= 20 km: $out"
import csv, sys
rows = list(csv.DictReader(open("out.txt", newline="", encoding="utf-8")))
d = [float(r["dist_km"]) for r in rows]
sys.exit(0 if len(rows) >= 3 and all(r["kind"] == "camp" for r in rows)
         and d == sorted(d) and max(d) <= 20 else 1)
PY

run places --kind territory --format csv
expect_rc 0 "territories csv"
[ "$(head -n 1 out.txt)" = "$hdr" ] && ok || bad "csv header"
python3 - <<'EOF' && ok || bad "csv rows are territories (>= 6)"
import csv, sys
rows = list(csv.DictReader(open("out.txt", newline="", encoding="utf-8")))
sys.exit(0 if len(rows) >= 6 and all(r["kind"] == "territory" for r in rows) else 1)
EOF

run places --kind town,city --limit 3
expect_rc 0 "limit"
[ "$(wc -l <out.txt)" -eq 4 ] && ok || bad "--limit 3 prints 3 rows"

run places --within 10 -1.6792,29.2228 --format csv
expect_rc 0 "within LAT,LON"
head -n 1 out.txt | grep -q ',dist_km$' && ok || bad "csv dist_km column"
grep -q '^goma,' out.txt && ok || bad "goma within 10 km of its own coordinates"

# --- formats: CSV reads back, JSON parses ------------------------------------------
run places --format csv
expect_rc 0 "all csv"
cp out.txt all.csv
n_all=$(($(python3 -c 'import csv; print(len(list(csv.reader(open("all.csv", newline="", encoding="utf-8")))))') - 1))
run places --format csv --gazetteer all.csv
expect_rc 0 "csv output loads back as a gazetteer"
cmp -s out.txt all.csv && ok || bad "csv round trip is identical"
[ "$n_all" -ge 250 ] && ok || bad "bundled gazetteer has >= 250 rows ($n_all)"

run places masisi --format json
expect_rc 0 "json"
python3 -m json.tool out.txt >/dev/null && ok || bad "json parses"
python3 - <<'EOF' && ok || bad "json content"
import json, sys
d = json.load(open("out.txt", encoding="utf-8"))
ids = [p["id"] for p in d]
need = {"id", "name", "alt_names", "kind", "lat", "lon", "admin2", "admin1", "country",
        "population", "source"}
sys.exit(0 if ids[:2] == ["masisi-town", "masisi-territory"]
         and all(need <= set(p) for p in d) and isinstance(d[0]["alt_names"], list) else 1)
EOF

run places zzzz --format json
expect_rc 1 "json no match"

# --- user gazetteers and UTF-8 alignment ------------------------------------------
run places testvil --gazetteer user.csv
expect_rc 0 "user gazetteer"
expect_out "testville" "user place found by alt name"

run places tést --gazetteer user.csv
expect_rc 0 "utf-8 rows"
python3 - <<'EOF' && ok || bad "columns aligned with UTF-8 names: $(cat out.txt)"
import sys
lines = open("out.txt", encoding="utf-8").read().splitlines()
col = lines[0].index("KIND")
kinds = [l[col:].split()[0] for l in lines[1:]]
sys.exit(0 if len(lines) == 3 and sorted(kinds) == ["lake", "town"] else 1)
EOF

run places --within 5 Zambigu --gazetteer user.csv
expect_rc 0 "ambiguous centre"
expect_err "kivumap: 'Zambigu' is ambiguous (2 places); using zz-ambig-town (town, Masisi, North Kivu); pass an id to choose another: zz-ambig-territory" "ambiguity note"

# --- errors -------------------------------------------------------------------------
run places zzzzqq
expect_rc 1 "no match"
expect_err "kivumap: no place matches 'zzzzqq'" "no match message"

run places Kitshangga
expect_rc 1 "no match with suggestion"
expect_err "kivumap: no place matches 'Kitshangga' (did you mean 'Kitshanga'?)" "suggestion"

run places --within 5 Masissi
expect_rc 1 "unknown centre"
expect_err "kivumap: unknown place 'Masissi' (did you mean 'Masisi'?)" "unknown centre message"

run places --within 5 95,29
expect_rc 1 "bad LAT,LON"
expect_err "kivumap: latitude out of range in '95,29'" "bad LAT,LON message"

run places goma --gazetteer bad.csv
expect_rc 1 "bad gazetteer"
expect_err "kivumap: bad.csv:3: latitude '95' out of range" "bad gazetteer message"
[ ! -s out.txt ] && ok || bad "nothing on stdout after a bad gazetteer"

run places goma --gazetteer missing.csv
expect_rc 1 "missing gazetteer"
expect_err_has "missing.csv" "missing gazetteer names the file"

for args in "--bogus" "--kind hamlet" "--format xml" "--limit 0" "--limit x" "--within" \
    "--within 5" "--within abc goma" "--within -3 goma" "a b"; do
    # shellcheck disable=SC2086
    run places $args
    expect_rc 2 "usage error for '$args'"
    expect_err_has "kivumap: " "usage message for '$args'"
done

run places --help
expect_rc 0 "--help"
expect_out "usage: kivumap places" "--help text"
run help places
expect_rc 0 "help places"
expect_out "--within KM PLACE" "help places text"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
