#!/usr/bin/env bash
# kivumap extract: output formats read back by independent parsers, --date,
# standard input, JSON Lines in and out, errors and exit codes, atomic -o.
set -u
: "${KIVUMAP:?}"
work=${BUILDDIR:-.}/cli_extract.tmp
rm -rf "$work"; mkdir -p "$work"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

art="$work/a.txt"
cat > "$art" <<'TXT'
date 2025-01-27
Rebel fighters of the M23 captured the town of Sake on Thursday after a day of fighting.
Sake lies about 25 km west of Goma. Thousands of residents fled towards Goma.
TXT

# json (default) parses and holds the capture
"$KIVUMAP" extract "$art" > "$work/out.json" || fail "extract json exit $?"
python3 -m json.tool "$work/out.json" > /dev/null || fail "json does not parse"
python3 - "$work/out.json" <<'PY' || fail "json content"
import json, sys
d = json.load(open(sys.argv[1]))
a = d["articles"][0]
assert a["date"] == "2025-01-27", a["date"]
caps = [e for e in a["events"] if e["type"] == "capture"]
assert len(caps) == 1 and caps[0]["place"]["id"] == "sake" and caps[0]["actor1"] == "M23", caps
assert caps[0]["date"] == "2025-01-23" and caps[0]["time_precision"] == 1, caps[0]
assert caps[0]["event_type"] == "Battles", caps[0]
assert caps[0]["evidence"].startswith("Rebel fighters"), caps[0]["evidence"]
m = caps[0]["mention"]
text = open(sys.argv[1].replace("out.json", "a.txt"), encoding="utf-8").read().split("\n", 1)[1]
assert text.encode()[m["start"]:m["end"]].decode() == "Sake", m
disp = [e for e in a["events"] if e["type"] == "displacement"]
assert len(disp) == 1 and disp[0]["count_min"] == 1000 and disp[0]["destination"]["id"] == "goma", disp
assert len(a["claims"]) == 1 and a["claims"][0]["stated_km"] == 25, a["claims"]
PY

# --date overrides the date line
"$KIVUMAP" extract --date 2025-02-03 "$art" | python3 -c '
import json, sys
a = json.load(sys.stdin)["articles"][0]
assert a["date"] == "2025-02-03", a["date"]
cap = [e for e in a["events"] if e["type"] == "capture"][0]
assert cap["date"] == "2025-01-30", cap["date"]' || fail "--date override"

# standard input
"$KIVUMAP" extract - < "$art" | python3 -c '
import json, sys
a = json.load(sys.stdin)["articles"][0]
assert any(e["type"] == "capture" for e in a["events"])' || fail "stdin"

# csv: ACLED column names first, one row per event
"$KIVUMAP" extract --format csv "$art" > "$work/out.csv" || fail "csv exit"
python3 - "$work/out.csv" <<'PY' || fail "csv content"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
head = rows[0]
for col in ("event_date", "event_type", "sub_event_type", "actor1", "location", "latitude",
            "longitude", "geo_precision", "time_precision"):
    assert col in head, (col, head)
assert head.index("event_date") < head.index("event_type") < head.index("actor1") < head.index("latitude")
assert len(rows) >= 3, rows
PY

# geojson parses as a FeatureCollection with point features
"$KIVUMAP" extract --format geojson "$art" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["type"] == "FeatureCollection" and d["features"], d
assert all(f["geometry"] is None or f["geometry"]["type"] == "Point" for f in d["features"])' \
    || fail "geojson"

# JSON Lines in, JSON Lines out: one line per article
printf '%s\n' \
  '{"id":"one","date":"2025-01-27","text":"The M23 seized Rubaya on Monday."}' \
  '' \
  '{"id":"two","text":"Congolese troops recaptured Kanyabayonga yesterday."}' > "$work/in.jsonl"
"$KIVUMAP" extract --jsonl "$work/in.jsonl" > "$work/out.jsonl" || fail "jsonl exit"
python3 - "$work/out.jsonl" <<'PY' || fail "jsonl content"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert len(lines) == 2, lines
assert [e["place"]["id"] for e in lines[0]["events"]] == ["rubaya"], lines[0]
assert lines[0]["events"][0]["date"] == "2025-01-27"
assert lines[1]["events"][0]["type"] == "recapture" and lines[1]["events"][0]["actor1"] == "FARDC"
PY
"$KIVUMAP" extract --format jsonl "$art" "$art" | python3 -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin]
assert len(lines) == 2' || fail "--format jsonl"
"$KIVUMAP" extract --jsonl --format csv "$work/in.jsonl" > /dev/null 2>&1
[ $? -eq 2 ] || fail "--jsonl --format csv is a usage error"
printf '{"id":"bad"}\n' > "$work/bad.jsonl"
"$KIVUMAP" extract --jsonl "$work/bad.jsonl" > /dev/null 2> "$work/err"
[ $? -eq 1 ] && grep -q 'bad.jsonl:1' "$work/err" || fail "bad JSON line names file:line"

# errors
"$KIVUMAP" extract "$work/x.txt" > /dev/null 2> "$work/err"
[ $? -eq 1 ] || fail "missing file exit"
grep -qx "kivumap: cannot open '$work/x.txt': No such file or directory" "$work/err" \
    || fail "missing file message: $(cat "$work/err")"
"$KIVUMAP" extract --date 2025-13-01 "$art" > /dev/null 2>&1
[ $? -eq 2 ] || fail "bad --date exit"
"$KIVUMAP" extract --format xml "$art" > /dev/null 2>&1
[ $? -eq 2 ] || fail "bad --format exit"
"$KIVUMAP" extract > /dev/null 2> "$work/err"
[ $? -eq 2 ] && grep -q "^kivumap: no article" "$work/err" || fail "no file is a usage error"
"$KIVUMAP" check > /dev/null 2> "$work/err"
[ $? -eq 2 ] && grep -q "^kivumap: no article" "$work/err" || fail "check: no file is a usage error"
# a value option given twice is a usage error (--gazetteer alone repeats)
while IFS='|' read -r cmd opts name; do
    opts=${opts//WORK/$work}
    # shellcheck disable=SC2086
    "$KIVUMAP" $cmd $opts "$art" > "$work/out" 2> "$work/err"
    rc=$?
    [ $rc -eq 2 ] && grep -qx "kivumap: option '$name' given twice" "$work/err" && [ ! -s "$work/out" ] \
        || fail "$cmd $opts: exit $rc, $(head -1 "$work/err")"
done <<'CASES'
extract|--format json --format csv|--format
extract|--format=json --format json|--format
extract|--date 2025-01-01 --date=2025-01-02|--date
extract|-o WORK/o1.json -o WORK/o2.json|-o
extract|-o WORK/o1.json --output WORK/o2.json|--output
check|--format csv --format json|--format
check|--date 2025-01-01 --date 2025-01-01|--date
CASES
[ ! -e "$work/o1.json" ] && [ ! -e "$work/o2.json" ] || fail "-o twice wrote a file"
"$KIVUMAP" extract --gazetteer /dev/null --gazetteer /dev/null "$art" > /dev/null 2> "$work/err"
grep -q "given twice" "$work/err" && fail "--gazetteer is repeatable"
# standard input closed: one line, exit 1, nothing on stdout
for cmd in "extract" "extract --jsonl" "check"; do
    # shellcheck disable=SC2086
    "$KIVUMAP" $cmd - <&- > "$work/out" 2> "$work/err"
    rc=$?
    [ $rc -eq 1 ] && [ "$(wc -l < "$work/err")" -eq 1 ] \
        && grep -qx "kivumap: cannot read '-': Bad file descriptor" "$work/err" \
        || fail "$cmd - <&-: exit $rc, $(cat "$work/err")"
    [ "$cmd" = check ] || [ ! -s "$work/out" ] || fail "$cmd - <&- wrote to stdout"
done

# invalid UTF-8: replaced, one warning per file, still extracted
printf 'The M23 captured Sake \xff\xfe on Monday \xc3.\n' > "$work/bad.txt"
"$KIVUMAP" extract "$work/bad.txt" > "$work/bad.json" 2> "$work/err" || fail "invalid utf-8 exit"
[ "$(grep -c 'warning' "$work/err")" = 1 ] && grep -q "warning: '$work/bad.txt': .* invalid UTF-8 sequences replaced" "$work/err" \
    || fail "invalid UTF-8 warning: $(cat "$work/err")"
python3 -m json.tool "$work/bad.json" > /dev/null || fail "json after invalid utf-8"

# -o is atomic: a failing run leaves no file and no temporary
"$KIVUMAP" extract -o "$work/o.json" "$art" "$work/missing.txt" 2> /dev/null
[ $? -eq 1 ] || fail "-o with a missing input exit"
[ ! -e "$work/o.json" ] || fail "-o left a file after failure"
ls "$work" | grep -q 'o.json.tmp' && fail "-o left a temporary"
"$KIVUMAP" extract -o "$work/o.json" "$art" || fail "-o exit"
python3 -m json.tool "$work/o.json" > /dev/null || fail "-o json"

# write errors: one line naming the output; a reader that goes away is no error
if [ -c /dev/full ]; then
    "$KIVUMAP" extract -o /dev/full "$art" 2> "$work/err"
    [ $? -eq 1 ] && grep -qx "kivumap: cannot write '/dev/full': No space left on device" "$work/err" \
        && [ "$(wc -l < "$work/err")" -eq 1 ] || fail "-o /dev/full: $(cat "$work/err")"
    "$KIVUMAP" extract --jsonl "$work/in.jsonl" > /dev/full 2> "$work/err"
    [ $? -eq 1 ] && grep -qx "kivumap: cannot write to standard output: No space left on device" \
        "$work/err" && [ "$(wc -l < "$work/err")" -eq 1 ] || fail "> /dev/full: $(cat "$work/err")"
fi
# shellcheck disable=SC2046
( set -o pipefail; "$KIVUMAP" extract $(for _ in $(seq 40); do printf '%s ' "$art"; done) 2> "$work/err" \
    | head -n 1 > /dev/null ) || fail "extract | head: exit $?"
[ ! -s "$work/err" ] || fail "extract | head: $(cat "$work/err")"

# check: exit 0 and a verdict per stated distance, csv and json forms
"$KIVUMAP" check "$art" > "$work/check.txt" || fail "check exit"
grep -q 'Sake -> Goma' "$work/check.txt" && grep -q 'consistent' "$work/check.txt" || fail "check table"
"$KIVUMAP" check --format json "$art" | python3 -c '
import json, sys
c = json.load(sys.stdin)
assert len(c) == 1 and c[0]["from"] == "sake" and c[0]["verdict"] == "consistent", c' || fail "check json"
"$KIVUMAP" check --format csv "$art" | python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
assert len(rows) == 1 and rows[0]["to"] == "goma" and float(rows[0]["stated_km"]) == 25' || fail "check csv"
"$KIVUMAP" check "$work/x.txt" > /dev/null 2>&1
[ $? -eq 1 ] || fail "check missing file exit"

rm -rf "$work"
echo "extract: $fails failed"
[ "$fails" -eq 0 ]
