#!/usr/bin/env bash
# kivumap extract / check on the three seed articles (../shared/seeds):
# what SEEDS-EXPECTED.md says a reader finds in them.  Skips when the seeds
# are not there (other checkouts).
set -u
: "${KIVUMAP:?}" "${SHARED:=}"
seeds="${SHARED:-/nonexistent}/seeds"
if [ ! -d "$seeds" ]; then
    echo "seeds: $seeds absent, skipped"
    exit 0
fi
s0=$(ls "$seeds"/000_*.txt) s1=$(ls "$seeds"/001_*.txt) s2=$(ls "$seeds"/002_*.txt)
out=${BUILDDIR:-.}/seeds_extract.json
"$KIVUMAP" extract "$s0" "$s1" "$s2" > "$out" || { echo "FAIL: extract exit $?"; exit 1; }
check_out=$("$KIVUMAP" check "$s0" "$s1" "$s2") || { echo "FAIL: check exit $?"; exit 1; }

python3 - "$out" "$s0" "$s1" "$s2" <<'PY' || exit 1
import json, re, sys
out, s0, s1, s2 = sys.argv[1:]
d = json.load(open(out))
fails = []
def check(cond, what):
    if not cond:
        fails.append(what)
arts = {a["file"]: a for a in d["articles"]}
check(len(arts) == 3, "three articles")
def ids(path):
    return [m["place"]["id"] for m in arts[path]["mentions"]]
expected_places = {
    s0: ["rwanda", "dr-congo", "katale-masisi", "masisi-town", "goma", "north-kivu", "uganda"],
    s1: ["masisi-town", "masisi-territory", "north-kivu", "eastern-dr-congo", "goma",
         "katale-masisi", "nairobi", "luanda", "angola", "belgium", "rwanda", "kinshasa",
         "butembo", "beni", "beni-territory", "lubero-territory", "rutshuru-territory",
         "walikale-territory"],
    s2: ["kinshasa", "dr-congo", "rwanda", "kigali", "africa", "burundi", "united-states",
         "ukraine", "washington", "moscow"],
}
for path, want in expected_places.items():
    got = set(ids(path))
    for pid in want:
        check(pid in got, "%s: place %s" % (path[-24:], pid))
# Katale of seed 000/001 is the Masisi one
check("katale-rutshuru" not in ids(s0) + ids(s1), "Katale resolves to katale-masisi")
# "Hotel Rwanda" is a film, not Rwanda: Rwanda mentions = other occurrences
text2 = open(s2, encoding="utf-8").read()
plain = len(re.findall(r"(?<!Hotel )\bRwanda\b", text2))
check(ids(s2).count("rwanda") == plain,
      "seed 002: %d rwanda mentions, expected %d (none from 'Hotel Rwanda')" % (ids(s2).count("rwanda"), plain))
# the date line with a leading space
check(arts[s2]["date"] == "2022-08-11", "seed 002 date 2022-08-11")
events = [e for a in d["articles"] for e in a["events"]]
def place(e):
    return (e.get("place") or {}).get("id")
caps = [e for e in events if e["type"] == "capture" and e["actor1"] == "M23"]
for pid in ("katale-masisi", "masisi-town"):
    hits = [e for e in caps if place(e) == pid]
    check(len(hits) == 1, "one M23 capture of %s after merging (got %d)" % (pid, len(hits)))
masisi = [e for e in caps if place(e) == "masisi-town"]
check(masisi and len(masisi[0]["sources"]) == 2, "Masisi capture has 2 sources")
check(masisi and masisi[0]["geo_precision"] == 1, "Masisi capture geo_precision 1")
region = [e for e in events if e["type"] == "capture" and e["geo_precision"] == 3
          and s2 in e["sources"]]
check(len(region) == 1, "seed 002: one region-level capture")
if region:
    check(place(region[0]) in ("eastern-dr-congo", "dr-congo"), "region capture in eastern DR Congo")
    check(region[0]["time_precision"] == 3, "region capture month precision")
    check((region[0]["date"] or "").startswith("2022-08"), "region capture dated 2022-08")
disp = [e for e in events if e["type"] == "displacement"]
counts = sorted(e["count_min"] for e in disp)
for n in (1000000, 100000, 10000):
    check(n in counts, "displacement count %d" % n)
abroad = [e for e in disp if e["count_min"] == 10000]
check(abroad and (abroad[0]["destination_text"] or (abroad[0]["destination"] or {}).get("country", "CD") != "CD"),
      "10,000 displaced went abroad")
check(not [e for e in events if e["type"] == "displacement" and s2 in e["sources"]],
      "seed 002 has no displacement")
claims = [(a["file"], c) for a in d["articles"] for c in a["claims"]]
eighty = [c for f, c in claims if c["from"]["id"] == "masisi-town" and c["to"]["id"] == "goma"
          and abs(c["stated_km"] - 80) < 1e-9]
check(len(eighty) == 2, "the 80 km Masisi-Goma claim in seeds 000 and 001 (got %d)" % len(eighty))
for c in eighty:
    check(30 < c["computed_km"] < 80, "computed Masisi-Goma km %.1f" % c["computed_km"])
    check(c["verdict"] in ("road-plausible", "inconsistent"), "verdict %s" % c["verdict"])
check(not [c for f, c in claims if f == s1 and abs(c["stated_km"] - 59483) < 1], "59,483 km2 is an area")
check(not [c for f, c in claims if f == s2], "seed 002 states no distance")
for f in fails:
    print("FAIL:", f)
print("seeds: %d checks failed" % len(fails))
sys.exit(1 if fails else 0)
PY
# check: one line per stated distance, naming the verdict
lines=$(printf '%s\n' "$check_out" | grep -c 'Masisi -> Goma')
if [ "$lines" != 2 ]; then echo "FAIL: check printed $lines Masisi -> Goma lines"; exit 1; fi
if ! printf '%s\n' "$check_out" | grep -q -E 'road-plausible|inconsistent'; then
    echo "FAIL: check gives no verdict"; exit 1
fi
echo "seeds: ok"
