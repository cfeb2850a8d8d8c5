#!/usr/bin/env bash
# Runs the bad-input catalogue (tests/bad/cases.tsv; see tests/bad/README.md):
# exit code, one-line stderr naming the culprit, no temp or partial outputs,
# no sanitizer report.  Prints "N passed, N failed".
set -u
K=${KIVUMAP:?KIVUMAP must name the kivumap binary}
SRC=${SRCDIR:?}
export K
base=$(pwd)/bad_inputs_work
rm -rf "$base"; mkdir -p "$base"
pass=0; fail=0

make_fixtures() {
  local w=$1
  cd "$w" || exit 1
  printf 'date 2025-01-27\nM23 rebels captured the town of Sake, about 25 km west of Goma, on Sunday.\n' > ok.txt
  : > empty.txt
  printf '   \n\t\n  \n' > spaces.txt
  head -c 4096 /dev/urandom > garbage.bin 2>/dev/null || printf '\x00\x01\xff\xfe' > garbage.bin
  printf 'Fighting near Goma\x00 displaced 7,000 people.\n' > nul.txt
  printf 'Clashes near Goma \xff\xfe and Sake \xc3 left.\n' > badutf8.txt
  printf 'Over\xc0\xaflong near \xe0\x80\xafGoma.\n' > overlong.txt
  mkdir -p dir ro && chmod 555 ro
  printf 'x\n' > noread.txt && chmod 000 noread.txt
  cp ok.txt "name with space 'q' é.txt"
  local hdr='id,name,alt_names,kind,lat,lon,admin2,admin1,country,population,source'
  printf 'id,name,kind,lat,lon\nx,X,town,1,29\n' > gaz_missing_column.csv
  printf '%s\nx,X,,town,-1,29,Masisi,North Kivu,CD,0,test,extra\n' "$hdr" > gaz_extra_column.csv
  printf '%s\nx,"X,,town,-1,29,Masisi,North Kivu,CD,0,test\n' "$hdr" > gaz_unbalanced.csv
  printf '%s\nx,X,,town,95,29,Masisi,North Kivu,CD,0,test\n' "$hdr" > gaz_lat95.csv
  printf '%s\nx,X,,town,-1,NaN,Masisi,North Kivu,CD,0,test\n' "$hdr" > gaz_lonnan.csv
  printf '%s\nx,X,,town,-1,1e400,Masisi,North Kivu,CD,0,test\n' "$hdr" > gaz_lon1e400.csv
  printf '%s\nx,X,,town,-1,29,Masisi,North Kivu,CD,0,test\nx,Y,,town,-1,29,Masisi,North Kivu,CD,0,test\n' "$hdr" > gaz_dupids.csv
  printf '%s\nx,,,town,-1,29,Masisi,North Kivu,CD,0,test\n' "$hdr" > gaz_emptyname.csv
  printf '1\tA\tA\t\t-1\t29\tP\tPPL\tCD\t\t11\t\t\t\t100\t\t1000\tAfrica/Lubumbashi\t2020-01-01\n2\tB\tB\n' > geonames_short.txt
  printf 'Goma\tSake\nGoma\t\n' > pairs.txt
  "$K" extract ok.txt -o events.json 2>/dev/null || printf '{"articles":[]}\n' > events.json
  head -c $(( $(wc -c < events.json) / 2 )) events.json > events_truncated.json
  printf '{"articles":[{"file":"a.txt","date":"2025-01-27","mentions":[],"events":[{"id":"a-1","type":"displacement","count_min":"many"}],"claims":[]}]}\n' > events_wrongtype.json
}

run_case() {
  local name=$1 code=$2 pattern=$3 cmd=$4
  local w="$base/$name"
  mkdir -p "$w"
  ( make_fixtures "$w" ) >/dev/null 2>&1
  (cd "$w" && bash -c "$cmd" >"$w.stdout" 2>"$w.stderr")
  local got=$?
  local why=""
  [ "$got" = "$code" ] || why="exit $got, expected $code"
  if [ -z "$why" ] && ! grep -Eq -- "$pattern" "$w.stderr" && ! { [ "$pattern" = '^$' ] && [ ! -s "$w.stderr" ]; }; then
    why="stderr does not match /$pattern/"
  fi
  local lines
  lines=$(grep -v -c '^$' "$w.stderr")
  if [ -z "$why" ] && [ "$lines" -gt 2 ]; then why="stderr has $lines lines"; fi
  if [ -z "$why" ] && grep -q -E 'AddressSanitizer|runtime error:|LeakSanitizer' "$w.stderr"; then
    why="sanitizer report"
  fi
  if [ -z "$why" ] && [ -n "$(find "$w" -name '*.tmp.*' -print -quit)" ]; then
    why="temporary file left: $(find "$w" -name '*.tmp.*' | head -n 1)"
  fi
  if [ -z "$why" ] && [ "$code" != 0 ] && [ -n "$(find "$w" -maxdepth 1 -name 'out*' -print -quit)" ]; then
    why="partial output left: $(find "$w" -maxdepth 1 -name 'out*' | head -n 1)"
  fi
  if [ -z "$why" ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL $name: $why"
    echo "  command: $cmd"
    sed 's/^/  stderr: /' "$w.stderr" | head -n 5
  fi
  chmod -R u+rwx "$w" 2>/dev/null
}

while IFS=$'\t' read -r name code pattern cmd; do
  case "$name" in ''|'#'*) continue ;; esac
  run_case "$name" "$code" "$pattern" "$cmd"
done < "$SRC/tests/bad/cases.tsv"

# Large inputs, generated here rather than stored.
big="$base/large"; mkdir -p "$big"
python3 - "$big" <<'PY'
import os, sys
d = sys.argv[1]
line = "Fighting between M23 and the army near Kitshanga and Mweso displaced some 7,000 people towards Sake. "
with open(os.path.join(d, "one_line_50mb.txt"), "w") as f:
    f.write(line * (50 * 1024 * 1024 // len(line)))
os.makedirs(os.path.join(d, "many"), exist_ok=True)
for i in range(10000):
    with open(os.path.join(d, "many", "a%05d.txt" % i), "w") as f:
        f.write("date 2024-02-%02d\nM23 fighters seized Rubaya, north-west of Sake, after clashes with Wazalendo.\n" % (1 + i % 28))
PY
run_case big_single_line 0 '^$' "$K extract '$big/one_line_50mb.txt' -o out.json && test -s out.json"
run_case ten_thousand_articles 0 '^$' "ls '$big'/many/*.txt | head -n 10000 | xargs $K extract --format jsonl -o out.jsonl && test \$(wc -l < out.jsonl) -eq 10000"
n_events=1000000
[ "${KVM_SANITIZE:-OFF}" = ON ] && n_events=100000
python3 - "$big/events_1e6.jsonl" "$n_events" <<'PY'
import sys, json
path, n = sys.argv[1], int(sys.argv[2])
place = {"id":"goma","name":"Goma","kind":"city","lat":-1.6792,"lon":29.2228,"admin1":"North Kivu","admin2":"Goma","country":"CD"}
with open(path, "w") as f:
    per = 1000
    for a in range(n // per):
        evs = [{"id":"a%d-%d" % (a, i), "type":"clash", "actor1":"M23", "actor2":"FARDC", "place":place,
                "geo_precision":1, "date":"2025-01-%02d" % (1 + i % 28), "time_precision":1,
                "count_min":None, "count_max":None, "historical":False, "claimed":0,
                "evidence":"synthetic event %d" % i} for i in range(per)]
        f.write(json.dumps({"id":"a%d" % a, "file":"a%d.txt" % a, "date":"2025-01-28", "mentions":[], "events":evs, "claims":[]}) + "\n")
PY
run_case million_events_export 0 '^$' "$K export --events '$big/events_1e6.jsonl' --format csv -o outdir && test \$(wc -l < outdir/events.csv) -gt $((n_events / 2))"

rm -rf "$base"
echo "bad_inputs: $pass passed, $fail failed"
[ "$fail" = 0 ]
