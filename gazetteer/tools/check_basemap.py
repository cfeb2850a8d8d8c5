#!/usr/bin/env python3
"""Check the bundled base map (gazetteer/basemap/): file set, .prj/.cpg, shp/shx/dbf
consistency, fields, ring closure and orientation, extent, size, and where the lakes, borders
and the province sit relative to known places.

    python3 gazetteer/tools/check_basemap.py [BASEMAP_DIR [GAZETTEER_CSV]]

Prints one line per failed check, then 'N passed, N failed'; exits 1 when a check failed.
Python standard library only.
"""

import csv
import math
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True      # leave no __pycache__ in the source tree
sys.path.insert(0, HERE)
import basemap as bm  # noqa: E402  (reader and geometry helpers)

LAYERS = {
    # name: (shape type, fields, inside the bundle box)
    'countries': (5, ['NAME', 'ISO2'], True),
    'lakes': (5, ['NAME'], True),
    'borders': (3, ['NAME', 'LEFT', 'RIGHT'], True),
    'rivers': (3, ['NAME', 'LEVEL'], True),
    'province': (5, ['NAME', 'NAME_EN', 'ISO2'], True),
    'admin1': (5, ['NAME', 'ISO2', 'ADM0_A3'], False),
    'roads': (3, ['REF', 'NAME', 'TYPE'], True),
    'region': (5, ['NAME', 'ISO2'], False),
    'region_lakes': (5, ['NAME'], False),
}
MAX_BYTES = 1500 * 1000

# Places whose position the layers must agree with (lon, lat).
GOMA = (29.228, -1.674)
GISENYI = (29.280, -1.690)       # inland of the shore point GeoNames gives
BUKAVU = (28.843, -2.491)
BUTEMBO = (29.291, 0.142)
BENI = (29.473, 0.491)
IDJWI = (29.05, -2.10)           # island in Lake Kivu, DR Congo
KIVU_WATER = [(29.15, -1.80), (29.20, -2.10)]
EDWARD_WATER = [(29.60, -0.40)]

passed = 0
failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print('FAIL: %s' % what)
    return ok


def shx_consistent(base):
    with open(base + '.shp', 'rb') as f:
        shp = f.read()
    with open(base + '.shx', 'rb') as f:
        shx = f.read()
    if struct.unpack('>i', shp[24:28])[0] * 2 != len(shp):
        return False
    if struct.unpack('>i', shx[24:28])[0] * 2 != len(shx):
        return False
    for k in range((len(shx) - 100) // 8):
        off, clen = struct.unpack('>2i', shx[100 + 8 * k:108 + 8 * k])
        num, clen2 = struct.unpack('>2i', shp[off * 2:off * 2 + 8])
        if num != k + 1 or clen2 != clen:
            return False
    return True


def dbf_field_names(base):
    with open(base + '.dbf', 'rb') as f:
        dbf = f.read()
    names = []
    k = 32
    while dbf[k] != 0x0D:
        names.append(dbf[k:k + 11].split(b'\0')[0].decode('ascii'))
        k += 32
    return names


def inside(p, recs, **want):
    """Records (of a polygon layer) containing p whose attributes match want."""
    out = []
    for parts, attrs in recs:
        if all(attrs.get(k) == v for k, v in want.items()) and bm.point_in_rings(p, parts):
            out.append(attrs)
    return out


def km_to_lines(p, recs):
    best = float('inf')
    for parts, _ in recs:
        for part in parts:
            best = min(best, math.sqrt(bm.dist2_to_line(p, part)) * 111.0)
    return best


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, '..', 'basemap')
    gaz = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, '..', 'north_kivu.csv')
    layers = {}
    total = 0
    for name, (stype, fields, in_box) in sorted(LAYERS.items()):
        base = os.path.join(d, name)
        present = all(os.path.exists(base + e) for e in ('.shp', '.shx', '.dbf', '.prj', '.cpg'))
        if not check(present, '%s: missing one of .shp .shx .dbf .prj .cpg' % name):
            continue
        for e in ('.shp', '.shx', '.dbf', '.prj', '.cpg'):
            total += os.path.getsize(base + e)
        with open(base + '.prj', encoding='ascii') as f:
            check(f.read() == bm.PRJ, '%s.prj is not the WGS84 ESRI WKT' % name)
        with open(base + '.cpg', encoding='ascii') as f:
            check(f.read().strip() == 'UTF-8', '%s.cpg is not UTF-8' % name)
        check(shx_consistent(base), '%s: .shx offsets/lengths disagree with .shp' % name)
        with open(base + '.shp', 'rb') as f:
            check(struct.unpack('<i', f.read(36)[32:36])[0] == stype,
                  '%s: shape type is not %d' % (name, stype))
        check(dbf_field_names(base) == fields, '%s: fields are not %s' % (name, fields))
        recs = bm.read_shapefile(base)
        layers[name] = recs
        check(len(recs) > 0, '%s: no features' % name)
        for k, (parts, attrs) in enumerate(recs):
            pts = [p for part in parts for p in part]
            if in_box:
                check(all(26.5 - 1e-9 <= x <= 30.5 + 1e-9 and -2.6 - 1e-9 <= y <= 1.5 + 1e-9
                          for x, y in pts), '%s #%d: outside lon 26.5..30.5 lat -2.6..1.5'
                      % (name, k))
            else:
                check(all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in pts),
                      '%s #%d: not lon/lat' % (name, k))
            if stype == 5:
                closed = all(len(r) >= 4 and r[0] == r[-1] for r in parts)
                check(closed, '%s #%d: ring not closed or under 4 points' % (name, k))
                check(bm.ring_area(parts[0]) < 0, '%s #%d: first ring not clockwise' % (name, k))
                outers = [r for r in parts if bm.ring_area(r) < 0]
                holes = [r for r in parts if bm.ring_area(r) > 0]
                check(all(any(bm.point_in_ring(h[0], o) for o in outers) for h in holes),
                      '%s #%d: a hole lies in no outer ring' % (name, k))
                check(bm.rings_simple(parts, touch_ok=True), '%s #%d: rings cross' % (name, k))
            else:
                check(all(len(part) >= 2 for part in parts), '%s #%d: line under 2 points'
                      % (name, k))
    check(total < MAX_BYTES, 'bundle is %d bytes, over %d' % (total, MAX_BYTES))

    lakes = layers.get('lakes', [])
    countries = layers.get('countries', [])
    for p in KIVU_WATER:
        check(inside(p, lakes, NAME='Lake Kivu'), 'Lake Kivu does not contain %s' % (p,))
    for p in EDWARD_WATER:
        check(inside(p, lakes, NAME='Lake Edward'), 'Lake Edward does not contain %s' % (p,))
    for nm, p, iso in (('Goma', GOMA, 'CD'), ('Bukavu', BUKAVU, 'CD'), ('Idjwi', IDJWI, 'CD'),
                       ('Gisenyi', GISENYI, 'RW'), ('Butembo', BUTEMBO, 'CD')):
        check(not inside(p, lakes), '%s %s is inside a lake' % (nm, p))
        check([a['ISO2'] for a in inside(p, countries)] == [iso],
              '%s %s is not in exactly one country, %s' % (nm, p, iso))
    for p in KIVU_WATER + EDWARD_WATER:
        check(not inside(p, countries), 'lake point %s is inside a country polygon' % (p,))
    check(km_to_lines(GOMA, layers.get('borders', [])) < 3.0,
          'no international border within 3 km of Goma')
    check(km_to_lines(BUTEMBO, layers.get('borders', [])) > 20.0,
          'a border passes within 20 km of Butembo')
    prov = layers.get('province', [])
    for nm, p in (('Goma', GOMA), ('Butembo', BUTEMBO), ('Beni', BENI)):
        check(inside(p, prov), 'North Kivu outline does not contain %s' % nm)
    check(not inside(BUKAVU, prov), 'North Kivu outline contains Bukavu')
    roads = layers.get('roads', [])
    check(all(a['TYPE'] == 'schematic' for _, a in roads), 'a road is not TYPE schematic')
    n2 = [parts for parts, a in roads if a['NAME'].startswith('Goma–Rutshuru')]
    check(len(n2) == 1 and math.hypot(n2[0][0][0][0] - GOMA[0], n2[0][0][0][1] - GOMA[1]) < 0.01,
          'the Goma–Rutshuru road does not start at Goma')
    region = layers.get('region', [])
    if region:
        check([a['ISO2'] for a in inside((23.0, -3.0), region)] == ['CD'],
              'region: (23, -3) is not in DR Congo alone')

    # gazetteer settlements that fall in a lake (information for the gazetteer, not a failure)
    if os.path.exists(gaz):
        with open(gaz, newline='', encoding='utf-8') as f:
            for row in csv.DictReader(f):
                if row.get('kind') not in ('city', 'town', 'village', 'camp', 'border-post'):
                    continue
                try:
                    p = (float(row['lon']), float(row['lat']))
                except (KeyError, ValueError):
                    continue
                for a in inside(p, lakes):
                    print('note: gazetteer %s %s (%s) lies in %s' %
                          (row['kind'], row['id'], '%.4f,%.4f' % p, a['NAME'] or 'a lake'))

    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
