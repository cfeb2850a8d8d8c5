#!/usr/bin/env python3
"""Build kivumap's bundled base-map shapefiles (gazetteer/basemap/).

Inputs: GMT multisegment text dumps of GSHHG/WDBII/DCW (made by make_basemap.sh with GMT, or
the copies in ../shared/ref/basemap/), Natural Earth admin-1 GeoJSON, the gazetteer CSV and the
schematic road corridors of roads.txt.  Python standard library only; ogr2ogr (GDAL with
SpatiaLite/GEOS) is called once per polygon layer to subtract lakes from land and to check
validity.  Shapefiles are written here byte by byte so the output is deterministic.

Run through make_basemap.sh; `basemap.py --help` lists the options.
"""

import argparse
import csv
import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

BOX = (26.5, -2.6, 30.5, 1.5)            # lon_min, lat_min, lon_max, lat_max of the bundle
REGION_BOX = (8.0, -16.0, 36.0, 10.0)    # locator inset: DR Congo and its neighbours
TOL = 0.001                              # Douglas-Peucker tolerance, degrees (~110 m)
REGION_TOL = 0.02                        # inset layers (~2 km)
DIGITS = 6                               # coordinates rounded to 1e-6 degree (~0.1 m)
MIN_AREA = 1e-6                          # polygons smaller than this (deg^2, ~0.012 km2) dropped
DBF_DATE = (126, 11, 22)                 # fixed "last update" (2026-11-22): deterministic bytes

PRJ = ('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,'
       '298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]')

# DCW country names (GMT segment headers) -> (ISO 3166-1 alpha-2, name written to NAME)
DCW_NAMES = {
    'Democratic Republic of the Congo': ('CD', 'DR Congo'),
    'Rwanda': ('RW', 'Rwanda'),
    'Uganda': ('UG', 'Uganda'),
    'Burundi': ('BI', 'Burundi'),
    'Tanzania': ('TZ', 'Tanzania'),
    'United Republic of Tanzania': ('TZ', 'Tanzania'),
    'Angola': ('AO', 'Angola'),
    'Cameroon': ('CM', 'Cameroon'),
    'Central African Republic': ('CF', 'Central African Republic'),
    'Chad': ('TD', 'Chad'),
    'Congo': ('CG', 'Congo'),
    'Equatorial Guinea': ('GQ', 'Equatorial Guinea'),
    'Ethiopia': ('ET', 'Ethiopia'),
    'Gabon': ('GA', 'Gabon'),
    'Kenya': ('KE', 'Kenya'),
    'Malawi': ('MW', 'Malawi'),
    'Mozambique': ('MZ', 'Mozambique'),
    'Nigeria': ('NG', 'Nigeria'),
    'South Sudan': ('SS', 'South Sudan'),
    'Sudan': ('SD', 'Sudan'),
    'Zambia': ('ZM', 'Zambia'),
    'Zimbabwe': ('ZW', 'Zimbabwe'),
    'Namibia': ('NA', 'Namibia'),
    'Botswana': ('BW', 'Botswana'),
    'Sao Tome and Principe': ('ST', 'Sao Tome and Principe'),
}
ISO_NAME = {iso: name for iso, name in DCW_NAMES.values()}


def fail(msg):
    sys.stderr.write('basemap.py: %s\n' % msg)
    sys.exit(1)


def note(msg):
    sys.stderr.write('basemap.py: %s\n' % msg)


# ---------------------------------------------------------------- reading

def read_gmt(path):
    """GMT multisegment text: list of (header, [(lon, lat), ...])."""
    segs = []
    cur = None
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            if line.startswith('>'):
                cur = []
                segs.append((line[1:].strip(), cur))
                continue
            parts = line.split()
            if cur is None or len(parts) < 2:
                fail('bad line in %s:%d' % (path, lineno))
            cur.append((float(parts[0]), float(parts[1])))
    return [(h, p) for h, p in segs if len(p) >= 2]


def read_names(path):
    """names.txt: `lake|river|region_lake NAME... LON LAT` per line."""
    out = {'lake': [], 'river': [], 'region_lake': []}
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) < 4 or parts[0] not in out:
                fail('bad line in %s:%d' % (path, lineno))
            out[parts[0]].append((' '.join(parts[1:-2]), float(parts[-2]), float(parts[-1])))
    return out


# ---------------------------------------------------------------- geometry

def rnd(p):
    return (round(p[0], DIGITS) + 0.0, round(p[1], DIGITS) + 0.0)


def dedupe(pts):
    out = []
    for p in pts:
        if not out or out[-1] != p:
            out.append(p)
    return out


def seg_dist2(p, a, b):
    dx, dy = b[0] - a[0], b[1] - a[1]
    den = dx * dx + dy * dy
    if den == 0.0:
        t = 0.0
    else:
        t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / den
        t = 0.0 if t < 0.0 else 1.0 if t > 1.0 else t
    ex, ey = a[0] + t * dx - p[0], a[1] + t * dy - p[1]
    return ex * ex + ey * ey


def dp_line(pts, tol):
    """Douglas-Peucker on an open polyline; keeps both ends."""
    n = len(pts)
    if n < 3:
        return list(pts)
    keep = [False] * n
    keep[0] = keep[-1] = True
    tol2 = tol * tol
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        best, bk = -1.0, -1
        for k in range(i + 1, j):
            d = seg_dist2(pts[k], pts[i], pts[j])
            if d > best:
                best, bk = d, k
        if bk >= 0 and best > tol2:
            keep[bk] = True
            stack.append((i, bk))
            stack.append((bk, j))
    return [p for p, k in zip(pts, keep) if k]


def dp_ring(ring, tol):
    """Douglas-Peucker on a closed ring (first == last): split at the vertex farthest from the
    first one so both halves are simplified with fixed ends."""
    pts = ring[:-1]
    if len(pts) < 4:
        return list(ring)
    far = max(range(len(pts)), key=lambda k: (pts[k][0] - pts[0][0]) ** 2 +
              (pts[k][1] - pts[0][1]) ** 2)
    a = dp_line(pts[:far + 1], tol)
    b = dp_line(pts[far:] + [pts[0]], tol)
    return a[:-1] + b


def ring_area(ring):
    """Signed shoelace area (positive = counter-clockwise), ring closed."""
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        s += x1 * y2 - x2 * y1
    return s / 2.0


def close_ring(pts):
    pts = dedupe(pts)
    if pts[0] != pts[-1]:
        pts.append(pts[0])
    return pts


def point_in_ring(p, ring):
    x, y = p
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > y) != (y2 > y):
            xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if xi > x:
                inside = not inside
    return inside


def point_in_rings(p, rings):
    """Even-odd over all rings of a polygon (outer rings and holes)."""
    inside = False
    for r in rings:
        if point_in_ring(p, r):
            inside = not inside
    return inside


def orient(p, q, r):
    v = (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])
    return (v > 0) - (v < 0)


def on_seg(p, q, r):
    return (min(p[0], r[0]) <= q[0] <= max(p[0], r[0]) and
            min(p[1], r[1]) <= q[1] <= max(p[1], r[1]))


def segs_cross(a, b, c, d, touch_ok=False):
    o1, o2, o3, o4 = orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
    if touch_ok:
        return o1 * o2 < 0 and o3 * o4 < 0
    if o1 != o2 and o3 != o4:
        return True
    return ((o1 == 0 and on_seg(a, c, b)) or (o2 == 0 and on_seg(a, d, b)) or
            (o3 == 0 and on_seg(c, a, d)) or (o4 == 0 and on_seg(c, b, d)))


def rings_simple(rings, touch_ok=False):
    """True when no two non-adjacent edges of the rings touch or cross (a polygon's rings);
    with touch_ok, only proper crossings count (rings may touch at points, as OGC allows)."""
    segs = []
    for ri, r in enumerate(rings):
        m = len(r) - 1
        if m < 3:
            return False
        for k in range(m):
            a, b = r[k], r[k + 1]
            segs.append((min(a[0], b[0]), max(a[0], b[0]), ri, k, m, a, b))
    segs.sort(key=lambda s: s[0])
    for i, s in enumerate(segs):
        for t in segs[i + 1:]:
            if t[0] > s[1]:
                break
            if s[2] == t[2]:
                dk = abs(s[3] - t[3])
                if dk <= 1 or dk == s[4] - 1:
                    continue
            if (max(s[5][1], s[6][1]) < min(t[5][1], t[6][1]) or
                    max(t[5][1], t[6][1]) < min(s[5][1], s[6][1])):
                continue
            if segs_cross(s[5], s[6], t[5], t[6], touch_ok):
                return False
    return True


def simplify_polygon(rings, tol):
    """Simplify a polygon's rings together; when the input is simple, halve the tolerance
    until the result is simple too (inputs that are not simple, e.g. clipped along the box
    edge, are repaired later by GEOS MakeValid)."""
    rounded = [close_ring([rnd(p) for p in r]) for r in rings]
    input_simple = rings_simple(rounded)
    t = tol
    while t > 1e-7:
        out = []
        for r in rings:
            s = close_ring([rnd(p) for p in dp_ring(r, t)])
            if len(s) >= 4:
                out.append(s)
            elif r is rings[0]:
                break
        if out and len(out[0]) >= 4 and (not input_simple or rings_simple(out)):
            return out
        t /= 2.0
    return rounded


def clip_segment(a, b, box):
    """Liang-Barsky: the part of segment a-b inside box, or None."""
    x0, y0, x1, y1 = box
    dx, dy = b[0] - a[0], b[1] - a[1]
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, a[0] - x0), (dx, x1 - a[0]), (-dy, a[1] - y0), (dy, y1 - a[1])):
        if p == 0.0:
            if q < 0.0:
                return None
        else:
            r = q / p
            if p < 0.0:
                t0 = max(t0, r)
            else:
                t1 = min(t1, r)
            if t0 > t1:
                return None
    ca = a if t0 == 0.0 else (a[0] + t0 * dx, a[1] + t0 * dy)
    cb = b if t1 == 1.0 else (a[0] + t1 * dx, a[1] + t1 * dy)
    return ca, cb


def clip_line(pts, box):
    """Pieces of a polyline inside box."""
    out, cur = [], []
    for a, b in zip(pts, pts[1:]):
        c = clip_segment(a, b, box)
        if c is None:
            if cur:
                out.append(cur)
                cur = []
            continue
        ca, cb = c
        if cur and cur[-1] == ca:
            cur.append(cb)
        else:
            if cur:
                out.append(cur)
            cur = [ca, cb]
        if cb != b:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return [dedupe(p) for p in out if len(dedupe(p)) >= 2]


def box_param(p, box):
    """Position of a point on the box outline, counter-clockwise from (xmin, ymin), or None."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    eps = 1e-9
    if abs(p[1] - y0) < eps:
        return p[0] - x0
    if abs(p[0] - x1) < eps:
        return w + (p[1] - y0)
    if abs(p[1] - y1) < eps:
        return w + h + (x1 - p[0])
    if abs(p[0] - x0) < eps:
        return 2 * w + h + (y1 - p[1])
    return None


def close_on_box(pts, box):
    """Close an open ring cut by the box by walking the box outline the short way."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    per = 2 * (w + h)
    te, ts = box_param(pts[-1], box), box_param(pts[0], box)
    if te is None or ts is None:
        return None
    corners = [(0.0, (x0, y0)), (w, (x1, y0)), (w + h, (x1, y1)), (2 * w + h, (x0, y1))]
    ccw = (ts - te) % per
    extra = []
    if ccw <= per - ccw:        # counter-clockwise from the end back to the start
        for t, c in sorted(corners, key=lambda tc: (tc[0] - te) % per):
            if 0 < (t - te) % per < ccw:
                extra.append(c)
    else:
        cw = per - ccw
        for t, c in sorted(corners, key=lambda tc: (te - tc[0]) % per):
            if 0 < (te - t) % per < cw:
                extra.append(c)
    return close_ring(list(pts) + extra)


def join_lines(lines):
    """Join polylines end to end where exactly two line ends meet (GMT cuts WDBII lines at
    every 1-degree bin edge); nodes where three or more ends meet (confluences, tripoints)
    stay cut. Deterministic: lines are taken in input order."""
    def key(p):
        return (round(p[0], 7), round(p[1], 7))
    lines = [dedupe(l) for l in lines if len(dedupe(l)) >= 2]
    ends = {}
    for k, l in enumerate(lines):
        ends.setdefault(key(l[0]), []).append(k)
        ends.setdefault(key(l[-1]), []).append(k)
    used = [False] * len(lines)

    def partner(p, k):
        e = ends[key(p)]
        if len(e) != 2:
            return None
        o = e[1] if e[0] == k else e[0]
        return None if o == k or used[o] else o

    out = []
    for k, l in enumerate(lines):
        if used[k]:
            continue
        used[k] = True
        cur, first = list(l), k
        last = k
        while True:
            o = partner(cur[-1], last)
            if o is None:
                break
            used[o] = True
            nxt = lines[o] if key(lines[o][0]) == key(cur[-1]) else lines[o][::-1]
            cur += nxt[1:]
            last = o
        last = first
        while True:
            o = partner(cur[0], last)
            if o is None:
                break
            used[o] = True
            prv = lines[o] if key(lines[o][-1]) == key(cur[0]) else lines[o][::-1]
            cur = prv[:-1] + cur
            last = o
        out.append(dedupe(cur))
    return out


def line_length(pts):
    return sum(math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in zip(pts, pts[1:]))


def dist2_to_line(p, pts):
    return min(seg_dist2(p, a, b) for a, b in zip(pts, pts[1:]))


# ---------------------------------------------------------------- polygons

def group_dcw(segs):
    """DCW segments -> {iso: [ring, ...]} (holes flagged -Ph by GMT are kept as rings too)."""
    out = {}
    for head, pts in segs:
        name = head.split(' Segment')[0].split(' -P')[0].strip()
        if name not in DCW_NAMES:
            fail('unknown DCW country %r' % name)
        iso = DCW_NAMES[name][0]
        ring = close_ring(pts)
        if len(ring) >= 4 and abs(ring_area(ring)) > 0.0:
            out.setdefault(iso, []).append(ring)
    return out


def assemble(rings):
    """Rings (any orientation, even-odd nesting) -> list of polygons [outer, hole, ...]."""
    rings = [r for r in rings if abs(ring_area(r)) >= MIN_AREA / 10]
    rings.sort(key=lambda r: -abs(ring_area(r)))
    depth = []
    parent = []
    for i, r in enumerate(rings):
        par = -1
        for j in range(i - 1, -1, -1):
            if abs(ring_area(rings[j])) > abs(ring_area(r)) and point_in_ring(r[0], rings[j]):
                par = j
                break
        parent.append(par)
        depth.append(0 if par < 0 else depth[par] + 1)
    polys = {}
    order = []
    for i, r in enumerate(rings):
        if depth[i] % 2 == 0:
            polys[i] = [r]
            order.append(i)
        else:
            polys[parent[i]].append(r)
    return [polys[i] for i in order]


def orient_polygon(poly):
    """Shapefile order: outer ring clockwise, holes counter-clockwise."""
    out = []
    for k, r in enumerate(poly):
        a = ring_area(r)
        if (k == 0 and a > 0) or (k > 0 and a < 0):
            r = list(reversed(r))
        out.append(r)
    return out


def poly_area(poly):
    return abs(ring_area(poly[0])) - sum(abs(ring_area(h)) for h in poly[1:])


def wkt_multipolygon(polys):
    def ring(r):
        return '(' + ','.join('%.*f %.*f' % (DIGITS, x, DIGITS, y) for x, y in r) + ')'
    return 'MULTIPOLYGON(' + ','.join('(' + ','.join(ring(r) for r in p) + ')'
                                      for p in polys) + ')'


def parse_wkt_polys(text):
    """POLYGON / MULTIPOLYGON WKT -> list of polygons (lists of rings)."""
    text = text.strip()
    kind = text.split('(', 1)[0].strip().upper()
    if kind not in ('POLYGON', 'MULTIPOLYGON') or text.upper().endswith('EMPTY'):
        return []
    ring_depth = 3 if kind == 'MULTIPOLYGON' else 2
    polys, poly, nums = [], [], []
    depth = 0
    for tok in re.findall(r'[()]|[-+0-9.eE]+', text):
        if tok == '(':
            depth += 1
        elif tok == ')':
            if depth == ring_depth:
                poly.append([(nums[k], nums[k + 1]) for k in range(0, len(nums) - 1, 2)])
                nums = []
            elif depth == ring_depth - 1:
                polys.append(poly)
                poly = []
            depth -= 1
        else:
            nums.append(float(tok))
    return polys


def ogr_polygons(items, holes, tmp, tag):
    """items: [(attrs, polys)]; holes: polys or None. Each item is repaired with GEOS
    MakeValid and, when holes are given, has their union subtracted (SpatiaLite/GEOS through
    ogr2ogr's SQLite dialect). Returns [(attrs, polys)] without pieces under MIN_AREA."""
    d = os.path.join(tmp, 'ogr_' + tag)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'a.csv'), 'w', newline='', encoding='utf-8') as f:
        w = csv.writer(f)
        w.writerow(['WKT', 'IDX'])
        for k, (_, polys) in enumerate(items):
            w.writerow([wkt_multipolygon(polys), k])
    geom = 'CollectionExtract(MakeValid(a.geometry), 3)'
    if holes:
        with open(os.path.join(d, 'b.csv'), 'w', newline='', encoding='utf-8') as f:
            w = csv.writer(f)
            w.writerow(['WKT', 'IDX'])
            for k, poly in enumerate(holes):
                w.writerow([wkt_multipolygon([poly]), k])
        geom = ('CollectionExtract(ST_Difference(%s, (SELECT ST_Union('
                'CollectionExtract(MakeValid(b.geometry), 3)) FROM b)), 3)' % geom)
    out = os.path.join(tmp, 'ogr_%s_out.csv' % tag)
    sql = ('SELECT CAST(a.IDX AS INTEGER) AS IDX, CastToMultiPolygon(%s) AS geometry '
           'FROM a ORDER BY 1' % geom)
    cmd = ['ogr2ogr', '-f', 'CSV', '-lco', 'GEOMETRY=AS_WKT', out, d, '-dialect', 'sqlite',
           '-sql', sql]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        fail('ogr2ogr failed: %s' % r.stderr.strip())
    res = []
    csv.field_size_limit(1 << 30)
    with open(out, newline='', encoding='utf-8') as f:
        for row in csv.DictReader(f):
            k = int(row['IDX'])
            polys = [[close_ring([rnd(p) for p in r]) for r in poly]
                     for poly in parse_wkt_polys(row['WKT'])] if row['WKT'] else []
            polys = [p for p in polys if len(p[0]) >= 4 and poly_area(p) >= MIN_AREA]
            if not polys:
                note('warning: %s item %d empty after GEOS' % (tag, k))
            res.append((items[k][0], polys))
    return res


# ---------------------------------------------------------------- shapefile writer

def dbf_fields(fields, records):
    spec = []
    for name, typ in fields:
        if typ == 'C':
            width = max([1] + [len(str(a.get(name, '')).encode('utf-8')) for _, a in records])
            if width > 254:
                fail('field %s too wide' % name)
            spec.append((name, 'C', width, 0))
        else:
            width = max([1] + [len(str(int(a.get(name, 0)))) for _, a in records])
            spec.append((name, 'N', max(width, 2), 0))
    return spec


def write_shapefile(base, shptype, records, fields):
    """records: [(parts, attrs)] with parts a list of point lists. shptype 3 line, 5 polygon."""
    recs = []
    for parts, attrs in records:
        pts = [p for part in parts for p in part]
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        content = struct.pack('<i4d2i', shptype, min(xs), min(ys), max(xs), max(ys),
                              len(parts), len(pts))
        idx = 0
        for part in parts:
            content += struct.pack('<i', idx)
            idx += len(part)
        content += b''.join(struct.pack('<2d', x, y) for x, y in pts)
        recs.append(content)
    allx = [p[0] for parts, _ in records for part in parts for p in part]
    ally = [p[1] for parts, _ in records for part in parts for p in part]
    bbox = (min(allx), min(ally), max(allx), max(ally)) if allx else (0.0, 0.0, 0.0, 0.0)

    def header(length_bytes):
        return (struct.pack('>7i', 9994, 0, 0, 0, 0, 0, length_bytes // 2) +
                struct.pack('<2i', 1000, shptype) + struct.pack('<4d', *bbox) +
                struct.pack('<4d', 0.0, 0.0, 0.0, 0.0))

    shp = bytearray()
    shx = bytearray()
    offset = 100
    for k, content in enumerate(recs, 1):
        shp += struct.pack('>2i', k, len(content) // 2) + content
        shx += struct.pack('>2i', offset // 2, len(content) // 2)
        offset += 8 + len(content)
    with open(base + '.shp', 'wb') as f:
        f.write(header(100 + len(shp)) + shp)
    with open(base + '.shx', 'wb') as f:
        f.write(header(100 + len(shx)) + shx)

    spec = dbf_fields(fields, records)
    reclen = 1 + sum(s[2] for s in spec)
    hdrlen = 32 + 32 * len(spec) + 1
    dbf = bytearray(struct.pack('<4BIHH20x', 3, DBF_DATE[0], DBF_DATE[1], DBF_DATE[2],
                                len(records), hdrlen, reclen))
    for name, typ, width, dec in spec:
        dbf += struct.pack('<11sc4xBB14x', name.encode('ascii'), typ.encode('ascii'), width, dec)
    dbf += b'\r'
    for _, attrs in records:
        dbf += b' '
        for name, typ, width, dec in spec:
            if typ == 'C':
                v = str(attrs.get(name, '')).encode('utf-8')
                dbf += v + b' ' * (width - len(v))
            else:
                v = str(int(attrs.get(name, 0))).encode('ascii')
                dbf += b' ' * (width - len(v)) + v
    dbf += b'\x1a'
    with open(base + '.dbf', 'wb') as f:
        f.write(dbf)
    with open(base + '.prj', 'w', encoding='ascii') as f:
        f.write(PRJ)
    with open(base + '.cpg', 'w', encoding='ascii') as f:
        f.write('UTF-8')


def read_shapefile(base):
    """Read base.shp/.dbf written as above: [(parts, attrs)] (parts: lists of (x, y))."""
    with open(base + '.shp', 'rb') as f:
        shp = f.read()
    with open(base + '.dbf', 'rb') as f:
        dbf = f.read()
    if len(shp) < 100 or struct.unpack('>i', shp[:4])[0] != 9994:
        fail('%s.shp: not a shapefile' % base)
    geoms = []
    pos = 100
    while pos + 8 <= len(shp):
        clen = struct.unpack('>2i', shp[pos:pos + 8])[1] * 2
        c = shp[pos + 8:pos + 8 + clen]
        pos += 8 + clen
        stype = struct.unpack('<i', c[:4])[0]
        if stype == 0:
            geoms.append([])
            continue
        nparts, npts = struct.unpack('<2i', c[36:44])
        starts = list(struct.unpack('<%di' % nparts, c[44:44 + 4 * nparts])) + [npts]
        off = 44 + 4 * nparts
        pts = [struct.unpack('<2d', c[off + 16 * k:off + 16 * k + 16]) for k in range(npts)]
        geoms.append([pts[starts[k]:starts[k + 1]] for k in range(nparts)])
    nrec, hdrlen, reclen = struct.unpack('<IHH', dbf[4:12])
    fields = []
    k = 32
    while dbf[k] != 0x0D:
        name = dbf[k:k + 11].split(b'\0')[0].decode('ascii')
        fields.append((name, chr(dbf[k + 11]), dbf[k + 16]))
        k += 32
    attrs = []
    for r in range(nrec):
        rec = dbf[hdrlen + r * reclen + 1:hdrlen + (r + 1) * reclen]
        a, o = {}, 0
        for name, typ, width in fields:
            v = rec[o:o + width].decode('utf-8').strip()
            a[name] = int(v) if typ == 'N' and v else v
            o += width
        attrs.append(a)
    if len(attrs) != len(geoms):
        fail('%s: %d shapes but %d records' % (base, len(geoms), len(attrs)))
    return list(zip(geoms, attrs))


def polygon_records(items):
    """[(attrs, polys)] -> shapefile records, one per item (multi-part)."""
    recs = []
    for attrs, polys in items:
        parts = [r for p in polys for r in orient_polygon(p)]
        if parts:
            recs.append((parts, attrs))
    return recs


# ---------------------------------------------------------------- layers

def build_lakes(args, names, tmp):
    rings = []
    for _, pts in read_gmt(args.lakes):
        pts = dedupe(pts)
        if pts[0] != pts[-1]:
            closed = close_on_box(pts, BOX)
            if closed is None:
                note('warning: open lake segment not on the box edge dropped')
                continue
            pts = closed
        if len(pts) >= 4:
            rings.append(pts)
    islands = []
    if args.islands and os.path.exists(args.islands):
        islands = [close_ring(p) for _, p in read_gmt(args.islands)]
        islands = [r for r in islands if len(r) >= 4]
    items = []
    for r in rings:
        holes = [i for i in islands if point_in_ring(i[0], r)]
        s = simplify_polygon([r] + holes, TOL)
        if poly_area(s) >= MIN_AREA:
            items.append(({}, [s]))
    items = [it for it in ogr_polygons(items, None, tmp, 'lakes') if it[1]]
    return name_polygons(items, names['lake'])


def name_polygons(items, names):
    """Give each item the NAME whose point it contains; biggest first, stable order."""
    named = []
    used = set()
    for _, polys in items:
        name = ''
        for nm, lon, lat in names:
            if any(point_in_rings((lon, lat), p) for p in polys):
                name = nm
                used.add(nm)
        named.append(({'NAME': name}, polys))
    for nm, _, _ in names:
        if nm not in used:
            note('warning: no lake contains the point of %r' % nm)
    named.sort(key=lambda it: (-sum(poly_area(p) for p in it[1]), it[1][0][0][0]))
    return named


def build_countries(args, lakes, tmp):
    groups = group_dcw(read_gmt(args.dcw))
    items = []
    for iso in sorted(groups):
        polys = [simplify_polygon(p, TOL) for p in assemble(groups[iso])]
        polys = [p for p in polys if poly_area(p) >= MIN_AREA]
        items.append(({'NAME': ISO_NAME[iso], 'ISO2': iso}, polys))
    raw = {iso: [r for p in assemble(groups[iso]) for r in p] for iso in groups}
    lake_polys = [p for _, ps in lakes for p in ps]
    return ogr_polygons(items, lake_polys, tmp, 'countries'), raw


def build_region(args, tmp, names):
    if not args.region_dcw or not os.path.exists(args.region_dcw):
        return None, None
    groups = group_dcw(read_gmt(args.region_dcw))
    items = []
    for iso in sorted(groups):
        polys = [simplify_polygon(p, REGION_TOL) for p in assemble(groups[iso])]
        polys = [p for p in polys if poly_area(p) >= 1e-3]
        items.append(({'NAME': ISO_NAME[iso], 'ISO2': iso}, polys))
    lakes = []
    if args.region_lakes and os.path.exists(args.region_lakes):
        for _, pts in read_gmt(args.region_lakes):
            pts = dedupe(pts)
            if pts[0] != pts[-1]:
                pts = close_on_box(pts, REGION_BOX)
                if pts is None:
                    continue
            poly = simplify_polygon([pts], REGION_TOL)
            if poly_area(poly) >= 1e-3:
                lakes.append(({}, [poly]))
        lakes = [it for it in ogr_polygons(lakes, None, tmp, 'region_lakes') if it[1]]
        lakes = name_polygons(lakes, names['region_lake'])
    items = ogr_polygons(items, [p for _, ps in lakes for p in ps], tmp, 'region')
    return items, lakes


def country_at(p, raw):
    for iso in sorted(raw):
        if point_in_rings(p, raw[iso]):
            return iso
    return ''


def build_borders(args, raw):
    """Borders clipped to the box, split where the countries on either side change."""
    out = []
    off = 0.01
    for pts in join_lines([p for _, p in read_gmt(args.borders)]):
        for piece in clip_line(pts, BOX):
            if line_length(piece) < 1e-6:
                continue
            labels = []
            for a, b in zip(piece, piece[1:]):
                dx, dy = b[0] - a[0], b[1] - a[1]
                n = math.hypot(dx, dy)
                m = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
                if n == 0.0:
                    labels.append(None)
                    continue
                nx, ny = -dy / n * off, dx / n * off
                left = country_at((m[0] + nx, m[1] + ny), raw)
                right = country_at((m[0] - nx, m[1] - ny), raw)
                labels.append((left, right) if left and right and left != right else None)
            # fill unknowns from neighbours, then absorb runs shorter than 8 edges
            known = [l for l in labels if l]
            if not known:
                continue
            last = known[0]
            for k, l in enumerate(labels):
                if l:
                    last = l
                else:
                    labels[k] = last
            runs = []
            for k, l in enumerate(labels):
                if runs and runs[-1][0] == l:
                    runs[-1][2] = k + 1
                else:
                    runs.append([l, k, k + 1])
            changed = True
            while changed and len(runs) > 1:
                changed = False
                for r in range(len(runs)):
                    if runs[r][2] - runs[r][1] < 8:
                        nb = r - 1 if r > 0 else r + 1
                        if r > 0 and r + 1 < len(runs) and \
                                runs[r + 1][2] - runs[r + 1][1] > runs[r - 1][2] - runs[r - 1][1]:
                            nb = r + 1
                        runs[nb][1] = min(runs[nb][1], runs[r][1])
                        runs[nb][2] = max(runs[nb][2], runs[r][2])
                        del runs[r]
                        merged = []
                        for run in runs:
                            if merged and merged[-1][0] == run[0]:
                                merged[-1][2] = run[2]
                            else:
                                merged.append(run)
                        runs = merged
                        changed = True
                        break
            for (left, right), k0, k1 in runs:
                seg = [rnd(p) for p in dp_line(piece[k0:k1 + 1], TOL)]
                seg = dedupe(seg)
                if len(seg) < 2:
                    continue
                pair = sorted([left, right])
                name = '%s – %s' % (ISO_NAME[pair[0]], ISO_NAME[pair[1]])
                out.append((seg, {'NAME': name, 'LEFT': left, 'RIGHT': right}))
    out.sort(key=lambda it: (it[1]['NAME'], it[0][0]))
    return out


def build_rivers(args, names):
    feats = []
    sources = []
    for lev in range(1, 5):
        path = getattr(args, 'rivers_l%d' % lev)
        if path and os.path.exists(path):
            sources.append((path, lev))
    if not sources:
        sources = [(args.rivers, 0)]
    for path, lev in sources:
        for pts in join_lines([p for _, p in read_gmt(path)]):
            for piece in clip_line(pts, BOX):
                seg = dedupe([rnd(p) for p in dp_line(piece, TOL)])
                if len(seg) >= 2 and line_length(seg) > 0.002:
                    feats.append([seg, {'NAME': '', 'LEVEL': lev}])
    for nm, lon, lat in names['river']:
        best, bi = None, -1
        for k, (seg, _) in enumerate(feats):
            d = dist2_to_line((lon, lat), seg)
            if best is None or d < best:
                best, bi = d, k
        if bi < 0 or best > 0.03 ** 2:
            note('warning: no river near the point of %r' % nm)
            continue
        if feats[bi][1]['NAME'] and feats[bi][1]['NAME'] != nm:
            note('warning: river %r also matched %r' % (feats[bi][1]['NAME'], nm))
        feats[bi][1]['NAME'] = nm
    feats.sort(key=lambda it: (it[1]['LEVEL'], it[0][0]))
    return [(s, a) for s, a in feats]


def read_gazetteer(path):
    out = {}
    if not path or not os.path.exists(path):
        return out
    with open(path, newline='', encoding='utf-8') as f:
        for row in csv.DictReader(f):
            try:
                out[row['id']] = (float(row['lon']), float(row['lat']))
            except (KeyError, ValueError, TypeError):
                continue
    return out


def build_roads(args, lakes):
    gaz = read_gazetteer(args.gazetteer)
    corridors, fallback = [], {}
    with open(args.roads, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            if line.startswith('fallback ') or line.startswith('point '):
                parts = line.split()
                if len(parts) != 4:
                    fail('bad %s line in %s:%d' % (parts[0], args.roads, lineno))
                key = parts[1] if parts[0] == 'fallback' else '@' + parts[1]
                fallback[key] = (float(parts[2]), float(parts[3]))
                continue
            parts = [p.strip() for p in line.split('|')]
            if len(parts) != 3:
                fail('bad corridor in %s:%d' % (args.roads, lineno))
            corridors.append((parts[0], parts[1], parts[2].split(), lineno))
    out = []
    used_fallback = set()
    for ref, name, ids, lineno in corridors:
        pts = []
        for pid in ids:
            if pid.startswith('@'):
                if pid not in fallback:
                    fail('%s:%d: no `point` line defines %r' % (args.roads, lineno, pid))
                pts.append(fallback[pid])
            elif pid in gaz:
                pts.append(gaz[pid])
            elif pid in fallback:
                pts.append(fallback[pid])
                used_fallback.add(pid)
            else:
                fail('%s:%d: unknown place id %r (not in the gazetteer, no fallback)'
                     % (args.roads, lineno, pid))
        pts = [rnd(p) for p in pts]
        # warn when a schematic leg runs through a lake for more than ~2 km
        lake_polys = [p for _, ps in lakes for p in ps]
        for (a, b), (ia, ib) in zip(zip(pts, pts[1:]), zip(ids, ids[1:])):
            steps = max(2, int(line_length([a, b]) / 0.002))
            wet = sum(1 for k in range(1, steps)
                      if any(point_in_rings((a[0] + (b[0] - a[0]) * k / steps,
                                             a[1] + (b[1] - a[1]) * k / steps), lp)
                             for lp in lake_polys))
            if wet * line_length([a, b]) / steps > 0.02:
                note('warning: road %s leg %s-%s runs %.1f km through a lake'
                     % (name, ia, ib, wet * line_length([a, b]) / steps * 111.0))
        for piece in clip_line(pts, BOX):
            out.append(([rnd(p) for p in piece], {'REF': ref, 'NAME': name, 'TYPE': 'schematic'}))
    for pid in sorted(used_fallback):
        note('road point %r not in the gazetteer: used the fallback coordinate of %s'
             % (pid, os.path.basename(args.roads)))
    return out


def load_geojson_polys(path, where=None):
    with open(path, encoding='utf-8') as f:
        data = json.load(f)
    out = []
    for feat in data['features']:
        props = feat['properties']
        if where and not where(props):
            continue
        g = feat['geometry']
        coords = g['coordinates'] if g['type'] == 'MultiPolygon' else [g['coordinates']]
        polys = []
        for poly in coords:
            rings = [close_ring([rnd((float(p[0]), float(p[1]))) for p in r]) for r in poly]
            polys.append(simplify_polygon(rings, TOL))
        out.append((props, polys))
    return out


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', required=True, help='output folder (gazetteer/basemap)')
    ap.add_argument('--only', choices=['roads'],
                    help='rebuild only this layer (roads: after a gazetteer change; the lake '
                    'check uses OUT/lakes.shp)')
    ap.add_argument('--lakes')
    ap.add_argument('--islands')
    ap.add_argument('--borders')
    ap.add_argument('--rivers', help='all rivers (used when no per-level files)')
    for lev in range(1, 5):
        ap.add_argument('--rivers-l%d' % lev)
    ap.add_argument('--dcw')
    ap.add_argument('--region-dcw')
    ap.add_argument('--region-lakes')
    ap.add_argument('--ne-province')
    ap.add_argument('--ne-admin1')
    ap.add_argument('--gazetteer', required=True)
    ap.add_argument('--roads', required=True)
    ap.add_argument('--names', required=True)
    args = ap.parse_args()

    os.makedirs(args.out, exist_ok=True)
    if args.only == 'roads':
        lakes = [({}, [[r for r in parts]]) for parts, _ in
                 read_shapefile(os.path.join(args.out, 'lakes'))]
        roads = build_roads(args, lakes)
        write_shapefile(os.path.join(args.out, 'roads'), 3, [([s], a) for s, a in roads],
                        [('REF', 'C'), ('NAME', 'C'), ('TYPE', 'C')])
        return
    for opt in ('lakes', 'borders', 'rivers', 'dcw', 'ne_province', 'ne_admin1'):
        if not getattr(args, opt):
            fail('--%s is required' % opt.replace('_', '-'))
    names = read_names(args.names)
    tmp = tempfile.mkdtemp(prefix='kvm_basemap_')
    try:
        lakes = build_lakes(args, names, tmp)
        write_shapefile(os.path.join(args.out, 'lakes'), 5, polygon_records(lakes),
                        [('NAME', 'C')])
        countries, raw = build_countries(args, lakes, tmp)
        write_shapefile(os.path.join(args.out, 'countries'), 5, polygon_records(countries),
                        [('NAME', 'C'), ('ISO2', 'C')])
        borders = build_borders(args, raw)
        write_shapefile(os.path.join(args.out, 'borders'), 3, [([s], a) for s, a in borders],
                        [('NAME', 'C'), ('LEFT', 'C'), ('RIGHT', 'C')])
        rivers = build_rivers(args, names)
        write_shapefile(os.path.join(args.out, 'rivers'), 3, [([s], a) for s, a in rivers],
                        [('NAME', 'C'), ('LEVEL', 'N')])
        prov = load_geojson_polys(args.ne_province,
                                  lambda p: p.get('name') == 'Nord-Kivu')
        if len(prov) != 1:
            fail('expected one Nord-Kivu polygon in %s' % args.ne_province)
        write_shapefile(os.path.join(args.out, 'province'), 5,
                        polygon_records([({'NAME': 'Nord-Kivu', 'NAME_EN': 'North Kivu',
                                           'ISO2': 'CD'}, prov[0][1])]),
                        [('NAME', 'C'), ('NAME_EN', 'C'), ('ISO2', 'C')])
        adm = load_geojson_polys(args.ne_admin1)
        adm_items = [({'NAME': p.get('name') or '', 'ISO2': p.get('iso_a2') or '',
                       'ADM0_A3': p.get('adm0_a3') or ''}, polys) for p, polys in adm]
        adm_items.sort(key=lambda it: (it[0]['ISO2'], it[0]['NAME']))
        write_shapefile(os.path.join(args.out, 'admin1'), 5, polygon_records(adm_items),
                        [('NAME', 'C'), ('ISO2', 'C'), ('ADM0_A3', 'C')])
        roads = build_roads(args, lakes)
        write_shapefile(os.path.join(args.out, 'roads'), 3, [([s], a) for s, a in roads],
                        [('REF', 'C'), ('NAME', 'C'), ('TYPE', 'C')])
        region, region_lakes = build_region(args, tmp, names)
        if region is not None:
            write_shapefile(os.path.join(args.out, 'region'), 5, polygon_records(region),
                            [('NAME', 'C'), ('ISO2', 'C')])
            if region_lakes:
                write_shapefile(os.path.join(args.out, 'region_lakes'), 5,
                                polygon_records(region_lakes), [('NAME', 'C')])
        else:
            note('no --region-dcw: region.shp not rebuilt')
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
