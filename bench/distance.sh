#!/usr/bin/env bash
# Workload "distance" (run by bench/run):
#   matrix: `kivumap distance --matrix` over 2,000 points in North Kivu's box
#           vs bench/geod_floor.c, a bare geod_inverse loop over the same
#           1,999,000 unordered pairs (the floor).  Target: within 1.2x.
#   pairs:  `kivumap distance --pairs` on 1,000,000 coordinate pairs vs PROJ's
#           `geod -I` (proj-bin) on the same pairs.  Target: >= 2x faster.
# Output goes to /dev/null for both sides; each time is the median of
# KVM_BENCH_RUNS runs (default 5).
set -euo pipefail
: "${KIVUMAP:?run through bench/run}" "${BENCH_BUILD:?run through bench/run}"
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
runs=${KVM_BENCH_RUNS:-5}
work=$BENCH_BUILD/bench-distance
mkdir -p "$work"

for tool in geod awk cc; do
    command -v $tool >/dev/null || { echo "distance: '$tool' missing (geod: apt-get install proj-bin)" >&2; exit 1; }
done

# --- inputs (deterministic) ------------------------------------------------
# North Kivu's box: lat -2.1..1.0, lon 27.2..30.0
if [ ! -s "$work/points.txt" ]; then
    awk 'BEGIN { srand(20240101); for (i = 0; i < 2000; i++)
                 printf "%.5f,%.5f\n", -2.1 + 3.1 * rand(), 27.2 + 2.8 * rand() }' >"$work/points.txt"
fi
if [ ! -s "$work/pairs.tsv" ]; then
    awk 'BEGIN { srand(20240102); for (i = 0; i < 1000000; i++)
                 printf "%.5f,%.5f\t%.5f,%.5f\n", -2.1 + 3.1 * rand(), 27.2 + 2.8 * rand(),
                        -2.1 + 3.1 * rand(), 27.2 + 2.8 * rand() }' >"$work/pairs.tsv"
    # the same pairs in geod's input format: lat1 lon1 lat2 lon2
    tr ',\t' '  ' <"$work/pairs.tsv" >"$work/pairs.geod"
fi
cc $BENCH_CFLAGS -o "$work/geod_floor" "$SRCDIR/bench/geod_floor.c" \
    $(pkg-config --cflags --libs proj) -lm

mapfile -t points <"$work/points.txt"

# --- timing ------------------------------------------------------------------
# median_ms CMD...: runs CMD $runs times (stdout to /dev/null), prints the
# median wall time in milliseconds.
median_ms() {
    local times=() t0 t1
    for ((r = 0; r < runs; r++)); do
        t0=$(date +%s%N)
        "$@" >/dev/null
        t1=$(date +%s%N)
        times+=($(((t1 - t0) / 1000000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

# --- sanity: same numbers as the peers -----------------------------------------
"$KIVUMAP" distance --matrix "${points[@]:0:3}" >"$work/matrix3.csv"
head -n 1000 "$work/pairs.tsv" | "$KIVUMAP" distance --pairs - >"$work/ours1000.csv"
head -n 1000 "$work/pairs.geod" | geod -I +ellps=WGS84 -f %.6f >"$work/geod1000.txt"
paste -d' ' <(tail -n +2 "$work/ours1000.csv" | awk -F'"' '{ print $5 }' | tr ',' ' ') \
    "$work/geod1000.txt" |
    awk '{ dm = $1 * 1000 - $6; if (dm < 0) dm = -dm; if (dm > 0.002) bad++ }
         END { if (bad) { print "distance: " bad " of 1000 pairs differ from geod -I by > 2 mm"; exit 1 }
               print "check: 1000 pairs agree with geod -I to 2 mm" }'

# --- matrix --------------------------------------------------------------------
ours=$(median_ms "$KIVUMAP" distance --matrix "${points[@]}")
floor=$(median_ms "$work/geod_floor" "$work/points.txt")
echo "matrix 2000 x 2000 (1,999,000 geodesics, 4,000,000 cells):"
echo "  kivumap distance --matrix  ${ours} ms"
echo "  geod_inverse loop (floor)  ${floor} ms"
echo "  ratio ours/floor           $(ratio "$ours" "$floor")  (target <= 1.20)"

# --- pairs ---------------------------------------------------------------------
ours=$(median_ms "$KIVUMAP" distance --pairs "$work/pairs.tsv")
peer=$(median_ms sh -c "geod -I +ellps=WGS84 -f %.6f <'$work/pairs.geod'")
echo "pairs 1,000,000 coordinate pairs:"
echo "  kivumap distance --pairs   ${ours} ms"
echo "  geod -I (PROJ)             ${peer} ms"
echo "  speed-up geod/ours         $(ratio "$peer" "$ours")x  (target >= 2.00)"
