#!/usr/bin/env bash
# Workload "map" (run by bench/run): the same map content three ways.
#   kivumap:  `kivumap map --events` of a small event set over the bundled base
#             map (bbox 28.45,-2.05,29.55,-1.15), PNG at 1600 px, SVG and PDF.
#   floor:    bench/map_floor.c, a bare cairo program drawing the same content
#             as kivumap's map of this extent (canvas and margins, base layers,
#             graticule, 55 towns and their halo labels, events, arrows,
#             legend, inset, scale bar, titles; counted from `--log`) with no
#             layout logic and no PROJ, and writing the PNG the same way.
#   GMT:      `gmt coast` (GSHHG high, rivers, borders) + `gmt plot` + `gmt text`
#             to PNG and PDF (apt-get install gmt gmt-gshhg-high gmt-dcw).
# Targets: PNG within 1.5x of the floor and <= 0.25x GMT's PNG time; SVG
# <= 0.1x GMT's PDF time; peak memory < 64 MB.  Median of KVM_BENCH_RUNS runs.
set -euo pipefail
: "${KIVUMAP:?run through bench/run}" "${BENCH_BUILD:?run through bench/run}"
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
runs=${KVM_BENCH_RUNS:-5}
work=$BENCH_BUILD/bench-map
mkdir -p "$work"
cd "$work"

for tool in cc pkg-config; do
    command -v $tool >/dev/null || { echo "map: '$tool' missing" >&2; exit 1; }
done
cc ${BENCH_CFLAGS:--O2} -o map_floor "$SRCDIR/bench/map_floor.c" \
    $(pkg-config --cflags --libs cairo shapelib) -lm

# --- inputs (our own words) ---------------------------------------------------
cat >article.txt <<'EOF'
date 2025-01-27
M23 fighters captured Katale on Monday and entered Masisi on Thursday after clashes
with the army near Sake. Aid groups said 150,000 people fled from Sake to Goma.
EOF
"$KIVUMAP" extract article.txt -o events.json
bbox=28.45,-2.05,29.55,-1.15

# --- timing -------------------------------------------------------------------
median_ms() {
    local times=() t0 t1
    for ((r = 0; r < runs; r++)); do
        t0=$(date +%s%N)
        "$@" >/dev/null 2>&1
        t1=$(date +%s%N)
        times+=($(((t1 - t0) / 1000000)))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}
peak_kb() {
    /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

k_png=$(median_ms "$KIVUMAP" map --events events.json --bbox $bbox -o k.png)
k_svg=$(median_ms "$KIVUMAP" map --events events.json --bbox $bbox -o k.svg)
k_pdf=$(median_ms "$KIVUMAP" map --events events.json --bbox $bbox -o k.pdf)
f_png=$(median_ms ./map_floor "$SRCDIR/gazetteer/basemap" floor.png 1600)
mem=$(peak_kb "$KIVUMAP" map --events events.json --bbox $bbox -o k.png)

printf 'kivumap png %6d ms   floor png %6d ms   ratio %s (target <= 1.5)\n' \
    "$k_png" "$f_png" "$(ratio "$k_png" "$f_png")"
printf 'kivumap svg %6d ms   kivumap pdf %6d ms\n' "$k_svg" "$k_pdf"
printf 'kivumap peak memory %d KB (target < 65536)\n' "$mem"

if command -v gmt >/dev/null && [ -d /usr/share/gmt-gshhg ] || command -v gmt >/dev/null; then
    # the same towns (gazetteer settlements in the box) and events
    awk -F, 'NR > 1 && ($4 == "city" || $4 == "town") && $6 >= 28.45 && $6 <= 29.55 &&
             $5 >= -2.05 && $5 <= -1.15 { print $6, $5, $2 }' \
        "$SRCDIR/gazetteer/north_kivu.csv" >towns.txt
    printf '28.848 -1.438\n28.817 -1.4\n' >events.txt
    printf '28.848 -1.438 -45 1.2\n' >arrow.txt
    gmt_map() { # gmt_map FORMAT
        gmt begin gmt_map "$1" E203 >/dev/null 2>&1 || return 1
        gmt coast -R28.45/29.55/-2.05/-1.15 -JU35S/20c -Dh -W0.5p -N1/1p -Ir/0.4p,blue \
            -Sskyblue -Gwhite -Ba -BWSne
        gmt plot towns.txt -Sc0.12c -Gblack
        gmt text towns.txt -F+f8p,Helvetica+jLB -D0.1c/0.08c -Gwhite@30
        gmt plot events.txt -Sc0.3c -Gred -W1p,white
        gmt plot arrow.txt -Sv0.4c+e -W2p,red -Gred
        gmt text -F+f20p,Helvetica-Bold+cTL <<<"North Kivu: M23 advances"
        gmt end
    }
    export -f gmt_map
    g_png=$(median_ms bash -c 'gmt_map png')
    g_pdf=$(median_ms bash -c 'gmt_map pdf')
    printf 'GMT png     %6d ms   kivumap/GMT %s (target <= 0.25)\n' "$g_png" "$(ratio "$k_png" "$g_png")"
    printf 'GMT pdf     %6d ms   kivumap svg/GMT pdf %s (target <= 0.1)\n' "$g_pdf" \
        "$(ratio "$k_svg" "$g_pdf")"
else
    echo "GMT not installed (apt-get install gmt gmt-gshhg-high gmt-dcw): peer comparison skipped"
fi
