#!/usr/bin/env bash
# Workload "extract" (run by bench/run extract):
#   a generated ~100 MiB corpus (bench/extract_match.c corpus: sentences
#   written for the benchmark, gazetteer place names), as JSON Lines articles
#   of ~4 KiB.  Every command's output goes through a pipe to cat (GNU grep
#   stops at the first match when it writes to /dev/null), the runs alternate
#   between grep and kivumap, and the medians of KVM_BENCH_RUNS runs (at most
#   5) are printed, wall-clock and CPU (user + sys, all threads):
#     grep      grep -F -w -o -f names.txt on the plain text (names.txt = every
#               name and alternate name of the bundled gazetteer)
#     matcher   the name matcher alone (bench/extract_match.c match), CPU;
#               target <= 1.0x grep
#     mentions  kivumap extract --jsonl --mentions-only (read, geoparse, print
#               the mention texts, as grep -o prints its matches)
#     full      kivumap extract --jsonl (mentions, resolution, events, JSON
#               out) with its default worker threads, and with -j 1;
#               target: full extract within 1.5x grep, wall-clock
#   peak memory (/usr/bin/time -v) of `extract --jsonl` on the 100 MiB and on
#   a 10 MiB corpus: equal (bounded by the batches in flight, not the
#   corpus); and `extract --jsonl` with a 50,000-name gazetteer (the bundled
#   one plus made-up villages) against the bundled one, on the same corpus:
#   target <= 1.5x.
set -euo pipefail
: "${KIVUMAP:?run through bench/run}" "${BENCH_BUILD:?run through bench/run}"
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
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

peak_kib() { /usr/bin/time -v "$@" 2>&1 > "$work/out" | awk -F: '/Maximum resident/ { gsub(/ /, "", $2); print $2 }'; }

# --- timing ----------------------------------------------------------------
runs=${KVM_BENCH_RUNS:-5}
[ "$runs" -gt 5 ] && runs=5
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# run NAME CMD...: one timed run, output piped to cat; appends "wall cpu" to
# $work/t.NAME.  Only CMD is timed, not cat.
run() {
    local name=$1
    shift
    { /usr/bin/time -f "%e %U %S" -o "$work/t" "$@" 2> /dev/null || true; } | cat > /dev/null
    awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$work/t" >> "$work/t.$name"
}
wall() { cut -d' ' -f1 "$work/t.$1" | median; }
cpu() { cut -d' ' -f2 "$work/t.$1" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

c="$work/corpus$mib"
rm -f "$work"/t.*
for _ in $(seq "$runs"); do
    run grep grep -F -w -o -f "$work/names.txt" "$c.txt"
    run full "$KIVUMAP" extract --jsonl "$c.jsonl"
    run grep2 grep -F -w -o -f "$work/names.txt" "$c.txt"
    run mentions "$KIVUMAP" extract --jsonl --mentions-only "$c.jsonl"
    run full1 "$KIVUMAP" extract --jsonl -j 1 "$c.jsonl"
done
cat "$work/t.grep2" >> "$work/t.grep"
t_match=$(for _ in $(seq "$runs"); do
    "$helper" match "$gaz" "$c.txt" | awk '/^corpus/ { print $8 }'
done | median)
jobs=$(nproc 2> /dev/null || echo "?")
gw=$(wall grep) gc=$(cpu grep)
size=$(du -m "$c.txt" | cut -f1)
echo "corpus: ${size} MiB, $(wc -l < "$c.jsonl") articles, $(wc -l < "$work/names.txt") names; $jobs CPUs"
echo "                                      wall      CPU     wall ratio  CPU ratio"
line() { printf "%-36s %5s s  %5s s   %5sx     %5sx   %s\n" "$1" "$2" "$3" "$(ratio "$2" "$gw")" "$(ratio "$3" "$gc")" "$4"; }
line "grep -F -w -o -f names.txt" "$gw" "$gc" ""
printf "%-36s     -    %5s s       -      %5sx   %s\n" "name matcher alone (CPU)" "$t_match" "$(ratio "$t_match" "$gc")" "target <= 1.0x"
line "extract --jsonl --mentions-only" "$(wall mentions)" "$(cpu mentions)" ""
line "extract --jsonl (default jobs)" "$(wall full)" "$(cpu full)" "target <= 1.5x (wall)"
line "extract --jsonl -j 1" "$(wall full1)" "$(cpu full1)" ""

full_wall=$(wall full) full_cpu=$(cpu full)
m_big=$(peak_kib "$KIVUMAP" extract --jsonl "$c.jsonl")
m_small=$(peak_kib "$KIVUMAP" extract --jsonl "$work/corpus10.jsonl")
echo "peak memory --jsonl: ${mib} MiB corpus ${m_big} KiB, 10 MiB corpus ${m_small} KiB"

rm -f "$work"/t.*
for _ in $(seq "$runs"); do
    run big "$KIVUMAP" extract --jsonl --gazetteer "$work/gaz50k.csv" "$c.jsonl"
done
rm -f "$work/out"
echo "+$(($(wc -l < "$work/gaz50k.csv") - 1)) rows (50k names): extract --jsonl $(wall big) s wall, $(cpu big) s CPU ($(ratio "$(wall big)" "$full_wall")x wall, $(ratio "$(cpu big)" "$full_cpu")x CPU of the bundled gazetteer; target <= 1.5x)"
