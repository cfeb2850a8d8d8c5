#!/bin/sh
# Regenerate every layer of gazetteer/basemap/ (see gazetteer/basemap/README.md).
#
#   gazetteer/tools/make_basemap.sh [OUTDIR]        (default OUTDIR: gazetteer/basemap)
#   gazetteer/tools/make_basemap.sh --roads-only [OUTDIR]
#                                   only roads.shp, after gazetteer/north_kivu.csv or roads.txt
#                                   changed (needs neither GMT nor the dumps)
#
# Sources, in order of preference:
#   GSHHG / WDBII / DCW  GMT 6 with Debian's gmt-gshhg-full and gmt-dcw when `gmt` is installed
#                        (apt-get install gmt gmt-gshhg-full gmt-dcw); otherwise the text dumps
#                        in $KVM_SHARED_DIR/ref/basemap/ (no islands, no Tanzania, no river
#                        levels, no region layers). KVM_BASEMAP_FROM_DUMPS=1 forces the dumps.
#   Natural Earth        $KVM_SHARED_DIR/ref/boundaries/*_ne.geojson, or extracted from
#                        qgis-common's world_map.gpkg when that is installed.
#   roads                gazetteer/tools/roads.txt + gazetteer/north_kivu.csv
#   names                gazetteer/tools/names.txt (lake and river names by position)
# Needs python3 (standard library) and ogr2ogr/ogrinfo (gdal-bin). Deterministic: the same
# inputs give the same bytes.
set -eu

roads_only=0
if [ "${1:-}" = --roads-only ]; then roads_only=1; shift; fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
shared=${KVM_SHARED_DIR:-$root/../shared}
out=${1:-$root/gazetteer/basemap}
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ $roads_only = 1 ]; then
    exec python3 "$here/basemap.py" --out "$out" --only roads \
        --gazetteer "$root/gazetteer/north_kivu.csv" --roads "$here/roads.txt" \
        --names "$here/names.txt"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/kvm_basemap.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

R=26.5/30.5/-2.6/1.5            # the bundle's box: a little wider than the default map
RR=8/36/-16/10                  # locator inset: DR Congo and its neighbours
REGION_ISO=AO,BI,BW,CD,CF,CG,CM,ET,GA,GQ,KE,MW,MZ,NA,NG,RW,SD,SS,ST,TD,TZ,UG,ZM,ZW

if command -v gmt >/dev/null 2>&1 && [ "${KVM_BASEMAP_FROM_DUMPS:-0}" != 1 ]; then
    echo "make_basemap: GSHHG/WDBII/DCW from GMT $(gmt --version)" >&2
    (
        cd "$work"
        # lakes (GSHHG level 2) and islands in lakes (level 3) at full resolution, joined rings
        gmt coast -R$R -Df -A0/2/2 -W -M | gmt connect -T0.0001 > lakes.txt
        gmt coast -R$R -Df -A0/3/3 -W -M | gmt connect -T0.0001 > islands.txt
        # international borders (WDBII), raw bin pieces: basemap.py joins them
        gmt coast -R$R -Df -N1 -M > borders.txt
        # permanent rivers (WDBII) per level: 1 major ... 4 minor
        gmt coast -R$R -Df -Ir -M > rivers.txt
        for lev in 1 2 3 4; do gmt coast -R$R -Df -I$lev -M > rivers_l$lev.txt; done
        # DCW countries clipped to the box (Tanzania included)
        gmt coast -ECD,RW,UG,BI,TZ -M | gmt spatial -C -R$R > dcw.txt
        # locator inset: whole countries (DCW) and big lakes (GSHHG low resolution, >= 1000 km2)
        gmt coast -E$REGION_ISO -M | gmt spatial -C -R$RR > region_dcw.txt
        gmt coast -R$RR -Dl -A1000/2/2+l -W -M | gmt connect -T0.0001 > region_lakes.txt
        rm -f gmt.history gmt.conf
    )
    set -- --lakes "$work/lakes.txt" --islands "$work/islands.txt" \
        --borders "$work/borders.txt" --rivers "$work/rivers.txt" \
        --rivers-l1 "$work/rivers_l1.txt" --rivers-l2 "$work/rivers_l2.txt" \
        --rivers-l3 "$work/rivers_l3.txt" --rivers-l4 "$work/rivers_l4.txt" \
        --dcw "$work/dcw.txt" --region-dcw "$work/region_dcw.txt" \
        --region-lakes "$work/region_lakes.txt"
else
    d=$shared/ref/basemap
    [ -f "$d/gshhg_f_lakes_joined.txt" ] || {
        echo "make_basemap: neither gmt nor the dumps in $d: cannot regenerate" >&2; exit 1; }
    echo "make_basemap: GSHHG/WDBII/DCW from the text dumps in $d" >&2
    [ "$out" != "$root/gazetteer/basemap" ] ||
        echo "make_basemap: warning: the dumps lack islands, Tanzania, river levels and the region layers; install GMT to rebuild the bundle" >&2
    set -- --lakes "$d/gshhg_f_lakes_joined.txt" --borders "$d/gshhg_f_borders_joined.txt" \
        --rivers "$d/gshhg_f_rivers_joined.txt" --dcw "$d/dcw_countries_clipped.txt"
fi

nb=$shared/ref/boundaries
gpkg=/usr/share/qgis/resources/data/world_map.gpkg
if [ -f "$nb/nord_kivu_province_ne.geojson" ] && [ -f "$nb/region_admin1_ne.geojson" ]; then
    prov=$nb/nord_kivu_province_ne.geojson
    adm1=$nb/region_admin1_ne.geojson
elif [ -f "$gpkg" ]; then
    prov=$work/province_ne.geojson
    adm1=$work/admin1_ne.geojson
    ogr2ogr -f GeoJSON "$prov" "$gpkg" states_provinces \
        -where "adm0_a3='COD' AND name='Nord-Kivu'" \
        -select name,woe_name,gn_name,fips,iso_a2,adm0_a3 -lco COORDINATE_PRECISION=5
    ogr2ogr -f GeoJSON "$adm1" "$gpkg" states_provinces -spat 26.5 -2.6 30.5 1.5 \
        -select name,gn_name,fips,iso_a2,adm0_a3,admin -lco COORDINATE_PRECISION=5
else
    echo "make_basemap: no Natural Earth admin-1 source (shared/ref/boundaries or qgis-common)" >&2
    exit 1
fi

python3 "$here/basemap.py" --out "$out" "$@" \
    --ne-province "$prov" --ne-admin1 "$adm1" \
    --gazetteer "$root/gazetteer/north_kivu.csv" --roads "$here/roads.txt" \
    --names "$here/names.txt"

# check: every polygon valid, every layer readable as WGS 84
status=0
for shp in "$out"/*.shp; do
    layer=$(basename "$shp" .shp)
    bad=$(ogrinfo -ro -q -dialect sqlite \
        -sql "SELECT count(*) AS n FROM \"$layer\" WHERE NOT ST_IsValid(geometry)" "$shp" |
        sed -n 's/^ *n (Integer) = //p')
    n=$(ogrinfo -ro -so "$shp" "$layer" | sed -n 's/^Feature Count: //p')
    size=$(cat "$out/$layer".shp "$out/$layer".shx "$out/$layer".dbf | wc -c)
    printf 'make_basemap: %-13s %4s features %8s bytes  invalid: %s\n' "$layer" "$n" "$size" "$bad" >&2
    [ "$bad" = 0 ] || status=1
done
total=$(cat "$out"/*.shp "$out"/*.shx "$out"/*.dbf "$out"/*.prj "$out"/*.cpg | wc -c)
echo "make_basemap: bundle $total bytes" >&2
exit $status
