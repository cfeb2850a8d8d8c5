#!/usr/bin/env bash
# Workload "extract" (run by bench/run extract):
#   a generated ~100 MiB corpus (bench/extract_match.c corpus: sentences
#   written for the benchmark, gazetteer place names), as JSON Lines articles
#   of ~4 KiB, timed three ways (CPU time, user + sys, output through a pipe;
#   median of KVM_BENCH_RUNS runs, at most 3 here):
#     grep      grep -F -w -o -f names.txt on the plain text (names.txt = every
#               name and alternate name of the bundled gazetteer)
#     mentions  kivumap extract --jsonl --mentions-only (read, geoparse, print
#               the mention texts, as grep -o prints its matches); target <= 1.0x grep
#     full      kivumap extract --jsonl (mentions, resolution, events, JSON
#               out); target <= 1.5x grep
#   peak memory (/usr/bin/time -v) of `extract --jsonl` on the 100 MiB and on
#   a 10 MiB corpus: equal (bounded by the largest article, not the corpus);
#   and `extract --jsonl` with a 50,000-name gazetteer (the bundled one plus
#   made-up villages) against the bundled one, on the 10 MiB corpus: target
#   <= 1.5x.
set -euo pipefail
: "${KIVUMAP:?run through bench/run}" "${BENCH_BUILD:?run through bench/run}"
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
runs=${KVM_BENCH_RUNS:-3}
[ "$runs" -gt 3 ] && runs=3
mib=${KVM_BENCH_EXTRACT_MIB:-100}
work=$BENCH_BUILD/bench-extract
mkdir -p "$work"
gaz=$SRCDIR/gazetteer/north_kivu.csv

helper=$work/extract_match
if [ ! -x "$helper" ] || [ "$SRCDIR/bench/extract_match.c" -nt "$helper" ]; then
    cc ${BENCH_CFLAGS:--O2} -I"$SRCDIR/include" -I"$SRCDIR/src" "$SRCDIR/bench/extract_match.c" \
        "$BENCH_BUILD/libkivumap.a" $(pkg-config --libs proj cairo shapelib) -lm -o "$helper"
fi

# --- inputs (deterministic) ------------------------------------------------
"$helper" names "$gaz" > "$work/names.txt"
to_jsonl() { # plain text -> JSON Lines articles cut at paragraph breaks after ~4 KiB
    python3 -c '
import json, sys
data = open(sys.argv[1], encoding="utf-8").read()
out = open(sys.argv[2], "w", encoding="utf-8")
i, n = 0, 0
while i < len(data):
    j = data.find("\n\n", i + 4096)
    j = len(data) if j < 0 else j + 2
    n += 1
    out.write(json.dumps({"id": "a%d" % n, "date": "2025-01-27", "text": data[i:j]}) + "\n")
    i = j' "$1" "$2"
}
for size in "$mib" 10; do
    if [ ! -s "$work/corpus$size.jsonl" ]; then
        "$helper" corpus "$size" "$gaz" > "$work/corpus$size.txt"
        to_jsonl "$work/corpus$size.txt" "$work/corpus$size.jsonl"
    fi
done
if [ ! -s "$work/gaz50k.csv" ]; then
    n=$(( 50000 - $(wc -l < "$work/names.txt") ))
    "$helper" synth "$n" "$gaz" | tail -n +2 | grep -v -F -f <(cut -d, -f1 "$gaz") > "$work/gaz50k.csv" || true
    sed -i '1i id,name,alt_names,kind,lat,lon,admin2,admin1,country,population,source' "$work/gaz50k.csv"
fi

# --- timing ----------------------------------------------------------------
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
time_cmd() { # prints the median CPU time (user + sys) of "$@": the machine is
    # shared, and wall time measures the neighbours.  stdout goes through a
    # pipe to cat, never straight to /dev/null: GNU grep stops at the first
    # match when it writes to /dev/null.  Only "$@" is timed, not cat.
    for _ in $(seq "$runs"); do
        { /usr/bin/time -f "%U %S" -o "$work/t" "$@" 2> /dev/null || true; } | cat > /dev/null
        awk '{ printf "%.2f\n", $1 + $2 }' "$work/t"
    done | median
}
peak_kib() { /usr/bin/time -v "$@" 2>&1 > "$work/out" | awk -F: '/Maximum resident/ { gsub(/ /, "", $2); print $2 }'; }

c="$work/corpus$mib"
t_grep=$(time_cmd grep -F -w -o -f "$work/names.txt" "$c.txt")
t_ment=$(time_cmd "$KIVUMAP" extract --jsonl --mentions-only "$c.jsonl")
t_full=$(time_cmd "$KIVUMAP" extract --jsonl "$c.jsonl")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
size=$(du -m "$c.txt" | cut -f1)
echo "corpus: ${size} MiB, $(wc -l < "$c.jsonl") articles, $(wc -l < "$work/names.txt") names"
echo "grep -F -w -o -f names.txt     ${t_grep} s"
echo "extract --mentions-only        ${t_ment} s  ($(ratio "$t_ment" "$t_grep")x grep, target <= 1.0x)"
echo "extract (full)                 ${t_full} s  ($(ratio "$t_full" "$t_grep")x grep, target <= 1.5x)"

m_big=$(peak_kib "$KIVUMAP" extract --jsonl "$c.jsonl")
m_small=$(peak_kib "$KIVUMAP" extract --jsonl "$work/corpus10.jsonl")
echo "peak memory --jsonl: ${mib} MiB corpus ${m_big} KiB, 10 MiB corpus ${m_small} KiB"

t_norm=$(time_cmd "$KIVUMAP" extract --jsonl "$work/corpus10.jsonl")
t_50k=$(time_cmd "$KIVUMAP" extract --jsonl --gazetteer "$work/gaz50k.csv" "$work/corpus10.jsonl")
rm -f "$work/out"
echo "10 MiB corpus: bundled gazetteer ${t_norm} s, +$(($(wc -l < "$work/gaz50k.csv") - 1)) rows (50k names) ${t_50k} s ($(ratio "$t_50k" "$t_norm")x, target <= 1.5x)"
