#!/usr/bin/env bash
# The bundled base-map layers: files, .prj/.cpg, shp/shx/dbf agreement,
# fields, ring orientation and closure, extent, size, and lakes/borders/
# province where they belong (gazetteer/tools/check_basemap.py).
set -u
exec python3 "$SRCDIR/gazetteer/tools/check_basemap.py" "$SRCDIR/gazetteer/basemap" "$SRCDIR/gazetteer/north_kivu.csv"
