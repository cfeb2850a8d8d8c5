#!/usr/bin/env python3
"""Check the coordinates of gazetteer/north_kivu.csv against reference data.

For every North Kivu row it prints the nearest reference locality point of the
same name (the row's name or any alternate name, folded: case, accents,
hyphens) and the distance, and flags rows more than --max-km (5 km) away or
with no same-name point at all.  It also checks, when the files are there:

  * the territory polygon (reference boundaries) that contains each North
    Kivu point against the row's admin2;
  * the Natural Earth admin-1 polygon (public domain) that contains each row
    of the region against the row's admin1;
  * GeoNames (CC-BY-4.0) points of the same name, for rows anywhere.

The reference files are read, never copied: nothing is written.  Python 3
standard library only.

usage: gazetteer/tools/check_against_ref.py [--csv FILE] [--shared DIR]
           [--geonames cities500.txt] [--max-km 5] [--only-flagged]
Exit status: 0 if no row is flagged, 1 otherwise, 2 on usage errors.
"""
import argparse
import csv
import json
import math
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

# Territory names of the reference polygons -> our admin2 values.
TERRITORY_ALIASES = {"beni ville": "beni"}
# Natural Earth admin-1 names (old DRC split) -> our admin1 values.
ADMIN1_ALIASES = {
    "nord kivu": "north kivu",
    "sud kivu": "south kivu",
    "orientale": "ituri|tshopo|haut uele|bas uele",
}
# The polygons are simplified (Natural Earth: 1-5 km; the territory outlines
# about 1-3 km), so a point this close outside its own unit still passes.
TERRITORY_TOLERANCE_KM = 3.0
ADMIN1_TOLERANCE_KM = 5.0
SETTLEMENTS = {"city", "town", "village", "camp", "border-post"}


def fold(name):
    """Lowercase, strip accents, hyphens/apostrophes to spaces, squeeze."""
    decomposed = unicodedata.normalize("NFKD", name)
    out = []
    for ch in decomposed:
        if unicodedata.combining(ch):
            continue
        ch = ch.lower()
        out.append(ch if ch.isalnum() else " ")
    return " ".join("".join(out).split())


def distance_km(lat1, lon1, lat2, lon2):
    """Great-circle distance on a sphere of radius 6371 km (enough to flag)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def ring_contains(ring, lon, lat):
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat):
            x = (xj - xi) * (lat - yi) / (yj - yi) + xi
            if lon < x:
                inside = not inside
        j = i
    return inside


def polygon_contains(geometry, lon, lat):
    polys = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polys = [polys]
    for rings in polys:
        if ring_contains(rings[0], lon, lat) and not any(
            ring_contains(hole, lon, lat) for hole in rings[1:]
        ):
            return True
    return False


def segment_km(lat, lon, a, b):
    """Distance from a point to segment a-b (lon, lat pairs), locally planar."""
    kx = 111.32 * math.cos(math.radians(lat))
    ky = 110.57
    ax, ay = (a[0] - lon) * kx, (a[1] - lat) * ky
    bx, by = (b[0] - lon) * kx, (b[1] - lat) * ky
    dx, dy = bx - ax, by - ay
    t = 0.0
    if dx or dy:
        t = max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
    return math.hypot(ax + t * dx, ay + t * dy)


def polygon_distance_km(geometry, lon, lat):
    """0 inside, else the distance to the nearest edge."""
    if polygon_contains(geometry, lon, lat):
        return 0.0
    polys = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polys = [polys]
    best = float("inf")
    for rings in polys:
        for ring in rings:
            for i in range(1, len(ring)):
                best = min(best, segment_km(lat, lon, ring[i - 1], ring[i]))
    return best


def distance_to_named(polygons, names, lon, lat):
    """Distance to the nearest polygon whose folded name is in names."""
    best = None
    for name, geom in polygons:
        if name in names:
            d = polygon_distance_km(geom, lon, lat)
            best = d if best is None else min(best, d)
    return best


def load_lines(path):
    """GMT multisegment text: '>' headers, then 'lon lat' rows."""
    if not os.path.exists(path):
        return None
    lines, cur = [], []
    with open(path) as f:
        for text in f:
            if text.startswith(">"):
                if cur:
                    lines.append(cur)
                cur = []
                continue
            parts = text.split()
            if len(parts) >= 2:
                cur.append((float(parts[0]), float(parts[1])))
    if cur:
        lines.append(cur)
    return lines


def line_distance_km(lines, lon, lat):
    best = float("inf")
    for line in lines:
        for i in range(1, len(line)):
            best = min(best, segment_km(lat, lon, line[i - 1], line[i]))
    return best


def load_polygons(path, key="name"):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return [(fold(ft["properties"][key]), ft["geometry"]) for ft in data["features"]]


def which(polygons, lon, lat):
    if polygons is None:
        return None
    for name, geom in polygons:
        if polygon_contains(geom, lon, lat):
            return name
    return ""


def load_ref_points(path):
    """Reference localities: name, territoire, collectivite, lat, lon."""
    points = {}
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            try:
                lat, lon = float(row["lat"]), float(row["lon"])
            except (KeyError, ValueError):
                continue
            points.setdefault(fold(row["name"]), []).append((lat, lon, row["territoire"]))
    return points


def load_geonames(path):
    """GeoNames dump (cities500.txt / CD.txt shape): names -> points."""
    points = {}
    if not path or not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 19:
                continue
            try:
                lat, lon = float(cols[4]), float(cols[5])
            except ValueError:
                continue
            for n in {cols[1], cols[2]}:
                if n:
                    points.setdefault(fold(n), []).append((lat, lon, cols[8]))
    return points


def nearest(points, names, lat, lon, country=None):
    best = None
    if points is None:
        return None
    for n in names:
        for plat, plon, where in points.get(n, ()):
            if country and where != country and len(where) == 2:
                continue
            d = distance_km(lat, lon, plat, plon)
            if best is None or d < best[0]:
                best = (d, plat, plon, where)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--csv", default=os.path.join(REPO, "gazetteer", "north_kivu.csv"))
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(REPO), "shared"))
    ap.add_argument("--geonames", default="", help="GeoNames cities500.txt or CD.txt")
    ap.add_argument("--max-km", type=float, default=5.0)
    ap.add_argument("--only-flagged", action="store_true")
    args = ap.parse_args()

    ref = load_ref_points(os.path.join(args.shared, "ref/places/nord_kivu_localities_ref.tsv"))
    territories = load_polygons(
        os.path.join(args.shared, "ref/boundaries/nord_kivu_territories_kdh.geojson")
    )
    admin1 = load_polygons(os.path.join(args.shared, "ref/boundaries/region_admin1_ne.geojson"))
    geonames = load_geonames(args.geonames)
    borders = load_lines(os.path.join(args.shared, "ref/basemap/gshhg_f_borders_joined.txt"))
    if ref is None:
        print("check_against_ref: no reference localities under %r" % args.shared, file=sys.stderr)

    flagged = checked = 0
    with open(args.csv, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    print("%-24s %-9s %8s  %-22s %-12s %s" % ("id", "kind", "ref_km", "ref_territory", "polygon", "verdict"))
    for row in rows:
        lat, lon = float(row["lat"]), float(row["lon"])
        names = {fold(row["name"])} | {fold(a) for a in row["alt_names"].split("|") if a}
        in_nk = row["admin1"] == "North Kivu"
        notes = []
        bad = False

        near = nearest(ref, names, lat, lon) if in_nk and row["kind"] in SETTLEMENTS else None
        homonym = "another locality" in row["source"] or "not in the reference" in row["source"]
        if near is not None:
            if near[0] > args.max_km and homonym:
                notes.append("same-name point %.0f km away is another locality (see source)" % near[0])
            elif near[0] > args.max_km:
                notes.append("FAR from same-name point (%.4f,%.4f)" % (near[1], near[2]))
                bad = True
        gn = nearest(geonames, names, lat, lon, row["country"]) if row["kind"] in SETTLEMENTS else None
        if gn is not None:
            notes.append("geonames %.1f km" % gn[0])
            if gn[0] > max(args.max_km, 10.0 if row["kind"] == "city" else 0):
                notes.append("FAR from GeoNames (%.4f,%.4f)" % (gn[1], gn[2]))
                bad = True

        poly = ""
        if in_nk and row["kind"] != "province":
            poly = which(territories, lon, lat)
            if poly is not None:
                poly = TERRITORY_ALIASES.get(poly, poly)
                if poly != fold(row["admin2"]):
                    own = {fold(row["admin2"])} | {k for k, v in TERRITORY_ALIASES.items() if v == fold(row["admin2"])}
                    d = distance_to_named(territories, own, lon, lat)
                    if d is not None and d <= TERRITORY_TOLERANCE_KM:
                        notes.append("%.1f km outside the simplified %s outline" % (d, row["admin2"]))
                    else:
                        notes.append("inside territory %r, admin2 says %r" % (poly or "none", row["admin2"]))
                        bad = bad or row["kind"] in SETTLEMENTS
        a1 = which(admin1, lon, lat)
        if a1:
            want = ADMIN1_ALIASES.get(a1, a1)
            mismatch = (row["country"] == "CD" and row["admin1"] and fold(row["admin1"]) not in want.split("|")) or (
                row["country"] == "CD" and a1 in ("western", "northern", "southern", "eastern", "kigali city")
            ) or (row["country"] == "CD" and a1 not in ADMIN1_ALIASES and a1 not in ("maniema",))
            if mismatch:
                own = {k for k, v in ADMIN1_ALIASES.items() if fold(row["admin1"]) in v.split("|")}
                d = distance_to_named(admin1, own, lon, lat) if own else None
                if d is not None and d <= ADMIN1_TOLERANCE_KM:
                    notes.append("%.1f km outside the simplified %s outline" % (d, row["admin1"]))
                else:
                    notes.append("inside admin-1 %r, admin1 says %r" % (a1, row["admin1"]))
                    bad = bad or row["kind"] in SETTLEMENTS
        if row["kind"] == "border-post" and borders is not None:
            d = line_distance_km(borders, lon, lat)
            notes.append("%.1f km from the border line" % d)
            if d > 2.0:
                notes.append("border post too far from the border")
                bad = True
        if near is None and gn is None and row["kind"] in SETTLEMENTS and in_nk:
            notes.append("no same-name reference point: polygon check only")
        if near is not None or gn is not None:
            checked += 1
        flagged += bad
        if bad or not args.only_flagged:
            print(
                "%-24s %-9s %8s  %-22s %-12s %s%s"
                % (
                    row["id"],
                    row["kind"],
                    "%.1f" % near[0] if near else "-",
                    near[3] if near else "-",
                    poly or "-",
                    "FLAG " if bad else "ok ",
                    "; ".join(notes),
                )
            )
    print(
        "%d rows, %d with a same-name reference point, %d flagged (> %.0f km or wrong polygon)"
        % (len(rows), checked, flagged, args.max_km)
    )
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
