#!/usr/bin/env -S /usr/bin/python3
"""Generate CityTwin's bundled sample city: the fictional town of Auenfurt on the river Silberach.

Writes into --out (default assets/sample_city):
  city.gpkg    layers roads, buildings, facilities, traffic_signals, landuse and the utility networks
               water_nodes, water_links, power_buses, power_lines in EPSG:32633, as described in
               docs/data-schema.md
  dem.tif      single-band Float32 elevation GeoTIFF, nodata -9999, same CRS
  preview.png  a quick-look map (skip with --no-preview)

The town is laid out in local metres around its centre (0, 0), which lies at UTM 33N (E0, N0);
coordinates are shifted only when written. Road vertices are integer-centimetre keys of one node
table, so ways that meet share bitwise-identical vertices. The output depends only on --seed.
Needs GDAL's Python bindings and numpy, hence /usr/bin/python3:

    /usr/bin/python3 tools/gen_sample_city.py --out assets/sample_city

Adding a layer: write build_<layer>(ctx) returning Feature objects (ctx holds the site, road network, DEM,
zones, buildings and the earlier networks) and append a LayerSpec to LAYERS. Anything random in new code
must come from its own random.Random(seed + 2) (ctx["seed"]), never from ctx["rng"]: the layout's stream
decides every older layer. The utility networks draw no random numbers at all.
"""
import argparse
import heapq
import math
import os
import random
import tempfile
from collections import Counter, defaultdict, namedtuple

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()
gdal.PushErrorHandler("CPLQuietErrorHandler")   # rasterizing SRS-less in-memory layers warns

TOWN, RIVER = "Auenfurt", "Silberach"
E0, N0 = 503000.0, 5503000.0    # UTM 33N of the local origin
HALF = 3000.0                    # map and DEM cover [-HALF, HALF]^2 local metres
EPSG = 32633
CENTRE, CENTRE_R = (0.0, 200.0), 560.0
HALF_WIDTH = {"motorway": 6.0, "trunk": 6.0, "primary": 9.0, "secondary": 6.5, "tertiary": 5.5, "unclassified": 4.5,
              "residential": 4.0, "living_street": 3.0, "service": 3.0, "motorway_link": 4.0}
STEMS = ("Linden Birken Eichen Ahorn Kastanien Tannen Buchen Ulmen Erlen Weiden Rosen Tulpen Nelken Flieder Mühlen "
         "Schul Kirch Berg Tal Wiesen Garten Feld Wald Brunnen Schiller Goethe Lessing Mozart Bach Beethoven Kant "
         "Herder Uhland Heine Fontane Dürer Kepler Leibniz Humboldt Röntgen Sonnen Stern Falken Adler Lerchen Amsel "
         "Drossel Finken Meisen Schwalben Kranich Reiher Hasen Fuchs Dachs Hirsch Hopfen Weinberg Auen Quellen Hafen "
         "Markt Post Schmiede Brauerei Ziegelei Färber Gerber Weber Kolping Gutenberg Luisen Blumen Apfel Kirschen "
         "Holunder Schlehen Hecken Raben").split()
Feature = namedtuple("Feature", "geom attrs")    # geom: ogr.Geometry in local metres


# ----------------------------------------------------------------------------- geometry helpers
def catmull(ctrl, step=15.0):
    """Smooth polyline through the control points (Catmull-Rom), a vertex about every `step` m."""
    P = [ctrl[0]] + list(ctrl) + [ctrl[-1]]
    out = []
    for i in range(1, len(P) - 2):
        p0, p1, p2, p3 = P[i - 1], P[i], P[i + 1], P[i + 2]
        n = max(1, int(math.dist(p1, p2) / step))
        for t in (k / n for k in range(n)):
            out.append(tuple(0.5 * (2 * p1[j] + (p2[j] - p0[j]) * t + (2 * p0[j] - 5 * p1[j] + 4 * p2[j] - p3[j]) * t * t
                                    + (3 * p1[j] - p0[j] - 3 * p2[j] + p3[j]) * t ** 3) for j in (0, 1)))
    return out + [tuple(ctrl[-1])]


def bezier(p0, p1, p2, p3, n=16):
    """Cubic Bezier curve sampled with n segments."""
    return [tuple((1 - t) ** 3 * p0[j] + 3 * (1 - t) ** 2 * t * p1[j] + 3 * (1 - t) * t * t * p2[j] + t ** 3 * p3[j]
                  for j in (0, 1)) for t in (i / n for i in range(n + 1))]


def add(p, q, f=1.0):
    return (p[0] + f * q[0], p[1] + f * q[1])


def wkt_xy(pts):
    return ",".join(f"{float(x)!r} {float(y)!r}" for x, y in pts)


def to_line(pts):
    return ogr.CreateGeometryFromWkt(f"LINESTRING ({wkt_xy(pts)})")


def to_poly(pts):
    return ogr.CreateGeometryFromWkt(f"POLYGON (({wkt_xy(list(pts) + [pts[0]])}))")


def to_point(p):
    return ogr.CreateGeometryFromWkt(f"POINT ({wkt_xy([p])})")


def parts(g, kind):
    """Flatten a geometry into its LineStrings (kind 'line') or Polygons ('poly'), as standalone clones."""
    if g is None or g.IsEmpty():
        return []
    name = g.GetGeometryName()
    if name in ("LINESTRING", "POLYGON"):
        return [g.Clone()] if (name == "LINESTRING") == (kind == "line") else []
    return [p for i in range(g.GetGeometryCount()) for p in parts(g.GetGeometryRef(i), kind)]


def points_of(g):
    """The points of a Point/MultiPoint intersection result (any lines in it are ignored)."""
    if g.GetGeometryName() == "POINT":
        return [g.GetPoint_2D(0)]
    subs = [g.GetGeometryRef(i) for i in range(g.GetGeometryCount())]
    return [h.GetPoint_2D(0) for h in subs if h.GetGeometryName() == "POINT"]


def coords(line):
    return [line.GetPoint_2D(i) for i in range(line.GetPointCount())]


def cumlen(pts):
    c = [0.0]
    for a, b in zip(pts, pts[1:]):
        c.append(c[-1] + math.dist(a, b))
    return c


def point_at(pts, cum, s):
    """Point and unit tangent at arc length s along the polyline."""
    i = max(0, min(len(pts) - 2, int(np.searchsorted(cum, s)) - 1))
    a, b = pts[i], pts[i + 1]
    L = max(cum[i + 1] - cum[i], 1e-9)
    t = (s - cum[i]) / L
    return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])), ((b[0] - a[0]) / L, (b[1] - a[1]) / L)


def locate(pts, cum, q):
    """Arc length of the point of the polyline nearest to q."""
    best = (1e18, 0.0)
    for i, (a, b) in enumerate(zip(pts, pts[1:])):
        dx, dy = b[0] - a[0], b[1] - a[1]
        L2 = dx * dx + dy * dy or 1e-12
        t = max(0.0, min(1.0, ((q[0] - a[0]) * dx + (q[1] - a[1]) * dy) / L2))
        best = min(best, (math.dist(q, (a[0] + t * dx, a[1] + t * dy)), cum[i] + t * math.sqrt(L2)))
    return best[1]


def cut_polyline(pts, cuts):
    """Cut a polyline at the given arc lengths; consecutive pieces share their end point exactly."""
    cum = cumlen(pts)
    cuts = sorted(c for c in cuts if 0.5 < c < cum[-1] - 0.5)
    out, cur, ci = [], [pts[0]], 0
    for i in range(1, len(pts)):
        while ci < len(cuts) and cuts[ci] < cum[i] - 0.5:
            if cuts[ci] > cum[i - 1] + 0.5:
                p = point_at(pts, cum, cuts[ci])[0]
                out.append(cur + [p])
                cur = [p]
            elif len(cur) > 1:                        # the cut lands on the previous vertex
                out.append(cur)
                cur = [pts[i - 1]]
            ci += 1
        cur.append(pts[i])
    return [p for p in out + [cur] if len(p) >= 2]


def pt_seg_dist(p, a, b):
    dx, dy = b[0] - a[0], b[1] - a[1]
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy or 1e-12)))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def separated(A, B, gap=0.0):
    """True if convex polygons A and B (vertex lists; a segment is a 2-gon) are >= gap apart along some axis."""
    for poly in (A, B):
        n = len(poly)
        for i in range(n if n > 2 else 1):
            a, b = poly[i], poly[(i + 1) % n]
            ax, ay = a[1] - b[1], b[0] - a[0]
            L = math.hypot(ax, ay) or 1e-12
            pa, pb = [(p[0] * ax + p[1] * ay) / L for p in A], [(p[0] * ax + p[1] * ay) / L for p in B]
            if max(pa) + gap <= min(pb) or max(pb) + gap <= min(pa):
                return True
    return False


def seg_poly_dist(a, b, poly):
    """Distance between segment ab and a convex polygon."""
    if not separated([a, b], poly):
        return 0.0
    return min([pt_seg_dist(p, a, b) for p in poly]
               + [pt_seg_dist(q, poly[i], poly[(i + 1) % len(poly)]) for q in (a, b) for i in range(len(poly))])


def smoothstep(x):
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


# ----------------------------------------------------------------------------- the site
class Site:
    """Fixed geography in local metres: river, motorway alignment, town outline, centre and industrial zone."""

    def __init__(self):
        xs = np.arange(-HALF - 200, HALF + 201, 10.0)
        line, hw = list(zip(xs, self.river_y(xs))), self.river_hw(xs)
        self.box = to_poly([(-HALF, -HALF), (HALF, -HALF), (HALF, HALF), (-HALF, HALF)])
        self.water = to_poly(self.offset(line, hw) + self.offset(line, -hw)[::-1]).Intersection(self.box)
        self.corridor = self.water.Buffer(25.0, 4)          # no local streets here
        self.bank_n, self.bank_s = self.offset(line, hw + 28), self.offset(line, -hw - 28)   # riverside roads
        ang = np.radians(np.arange(0, 360, 3.0))
        r = 2100 + 130 * np.sin(3 * ang + 1) + 80 * np.cos(5 * ang + 2)
        ys = np.arange(-HALF, HALF + 1, 50.0)
        west_of_motorway = to_poly([(self.mx(y) - 330, y) for y in ys] + [(-HALF - 100, HALF), (-HALF - 100, -HALF)])
        self.town = to_poly(list(zip(r * np.cos(ang), -100 + r * np.sin(ang)))).Intersection(west_of_motorway)
        self.centre = to_point(CENTRE).Buffer(CENTRE_R, 8)
        self.industrial = to_poly([(1150, -450), (2400, -450), (2400, -1750), (1150, -1750)]).Intersection(self.town)

    @staticmethod
    def river_y(x):
        return -100 - 260 * np.cos(2 * np.pi * x / 4400) + 60 * np.sin(2 * np.pi * x / 1300)

    @staticmethod
    def river_hw(x):
        return 30 + 6 * np.sin(np.asarray(x) / 500.0)

    def river_perp(self, x, y):
        """Signed distance from the river centreline (positive to the north) and the local half width."""
        dydx = 260 * 2 * np.pi / 4400 * np.sin(2 * np.pi * x / 4400) + 60 * 2 * np.pi / 1300 * np.cos(2 * np.pi * x / 1300)
        return (y - self.river_y(x)) / np.sqrt(1 + dydx ** 2), self.river_hw(x)

    @staticmethod
    def mx(y):
        """Easting of the motorway centreline at northing y."""
        return 2480 + 100 * np.sin((y + 3000) / 1700)

    def mpt(self, y, off):
        """Point `off` m east of the motorway centreline (normal offset) at northing y, and the northward tangent."""
        d = 100 / 1700 * math.cos((y + 3000) / 1700)
        L = math.hypot(d, 1)
        return (self.mx(y) + off / L, y - off * d / L), (d / L, 1 / L)

    @staticmethod
    def offset(pts, d):
        """Offset a polyline to its left by d (a scalar or one value per vertex)."""
        d = np.broadcast_to(np.asarray(d, float), (len(pts),))
        out = []
        for i, p in enumerate(pts):
            a, b = pts[max(i - 1, 0)], pts[min(i + 1, len(pts) - 1)]
            L = math.dist(a, b) or 1.0
            out.append((p[0] - (b[1] - a[1]) / L * d[i], p[1] + (b[0] - a[0]) / L * d[i]))
        return out


# ----------------------------------------------------------------------------- road network
def key(p):
    return (int(round(p[0] * 100)), int(round(p[1] * 100)))


def kxy(k):
    return (k[0] / 100.0, k[1] / 100.0)


class Way:
    __slots__ = ("keys", "tags", "level")

    def __init__(self, keys, tags, level):
        self.keys, self.tags, self.level = keys, dict(tags), level


class RoadNet:
    """Ways as lists of node keys (integer cm). Ways of different levels never get automatic junctions."""

    def __init__(self):
        self.ways = []

    def add(self, pts, tags, level=0):
        ks = []
        for k in map(key, pts):
            if not ks or ks[-1] != k:
                ks.append(k)
        if len(ks) >= 2:
            self.ways.append(Way(ks, {k: v for k, v in tags.items() if v is not None}, level))

    def pts(self, w):
        return [kxy(k) for k in w.keys]

    def node_crossings(self, snap=1.5, cell=50.0):
        """Insert a shared vertex wherever two same-level ways cross or touch (reusing any vertex within `snap` m)."""
        grid, P = defaultdict(list), [self.pts(w) for w in self.ways]
        for wi, pts in enumerate(P):
            for si, (a, b) in enumerate(zip(pts, pts[1:])):
                for cx in range(int(min(a[0], b[0]) // cell), int(max(a[0], b[0]) // cell) + 1):
                    for cy in range(int(min(a[1], b[1]) // cell), int(max(a[1], b[1]) // cell) + 1):
                        grid[(cx, cy)].append((wi, si))
        ins, seen, made = defaultdict(list), set(), defaultdict(list)
        for items in grid.values():
            for i, (wi, si) in enumerate(items):
                for wj, sj in items[i + 1:]:
                    if (wi == wj and abs(si - sj) <= 1) or self.ways[wi].level != self.ways[wj].level \
                            or (wi, si, wj, sj) in seen:
                        continue
                    seen.add((wi, si, wj, sj))
                    a, b, c, d = P[wi][si], P[wi][si + 1], P[wj][sj], P[wj][sj + 1]
                    rx, ry, sx, sy = b[0] - a[0], b[1] - a[1], d[0] - c[0], d[1] - c[1]
                    den = rx * sy - ry * sx
                    if abs(den) < 1e-9:
                        continue
                    qx, qy = c[0] - a[0], c[1] - a[1]
                    t, u = (qx * sy - qy * sx) / den, (qx * ry - qy * rx) / den
                    if not (-1e-9 <= t <= 1 + 1e-9 and -1e-9 <= u <= 1 + 1e-9):
                        continue
                    p = (a[0] + t * rx, a[1] + t * ry)
                    ends = self.ways[wi].keys[si:si + 2] + self.ways[wj].keys[sj:sj + 2]
                    k = min(ends, key=lambda q: math.dist(kxy(q), p))
                    if math.dist(kxy(k), p) > snap:
                        hk = (round(p[0] / snap), round(p[1] / snap))
                        near = [q for dx in (-1, 0, 1) for dy in (-1, 0, 1) for q in made[(hk[0] + dx, hk[1] + dy)]
                                if math.dist(kxy(q), p) <= snap]
                        k = near[0] if near else key(p)
                        made[hk].append(k)
                    ins[(wi, si)].append((t, k))
                    ins[(wj, sj)].append((u, k))
        for wi, w in enumerate(self.ways):
            out = []
            for si, k in enumerate(w.keys):
                for q in [k] + [q for _, q in sorted(ins.get((wi, si), ()))]:
                    if not out or out[-1] != q:
                        out.append(q)
            w.keys = out

    def trim_stubs(self, max_len=12.0):
        """Cut overshoots shorter than max_len beyond a way's first/last junction; drop near-duplicate vertices."""
        cnt = Counter(k for w in self.ways for k in w.keys)
        for w in self.ways:
            ks = w.keys
            js = [i for i, k in enumerate(ks) if cnt[k] >= 2]
            if not js:
                continue
            if 0 < js[0] and cumlen([kxy(k) for k in ks[:js[0] + 1]])[-1] < max_len:
                ks = ks[js[0]:]
                js = [j - js[0] for j in js]
            if js[-1] < len(ks) - 1 and cumlen([kxy(k) for k in ks[js[-1]:]])[-1] < max_len:
                ks = ks[:js[-1] + 1]
            out = [ks[0]]             # plain vertices within 1 m of a neighbour would make micro-links
            for i, k in enumerate(ks[1:], 1):
                if cnt[k] >= 2 or i == len(ks) - 1 or min(math.dist(kxy(k), kxy(q)) for q in (out[-1], ks[i + 1])) > 1.0:
                    out.append(k)
            w.keys = out
        self.ways = [w for w in self.ways if len(w.keys) >= 2]

    def split_crossings(self, zone, over, levels, extra):
        """Split ways of `levels` where they pass through `zone` across `over`; those pieces get the tags `extra`."""
        out, n = [], 0
        for w in self.ways:
            pts = self.pts(w)
            line = to_line(pts)
            if w.level not in levels or not line.Intersects(over):
                out.append(w)
                continue
            cum, spans = cumlen(pts), []
            for piece in parts(line.Intersection(zone), "line"):
                if piece.Intersects(over):
                    spans.append(sorted(locate(pts, cum, piece.GetPoint_2D(i)) for i in (0, piece.GetPointCount() - 1)))
            for piece in cut_polyline(pts, [s for span in spans for s in span]):
                mid = locate(pts, cum, point_at(piece, cumlen(piece), cumlen(piece)[-1] / 2)[0])
                on = any(a <= mid <= b for a, b in spans)
                out.append(Way([key(p) for p in piece], dict(w.tags, **extra) if on else w.tags, w.level))
                n += on
        self.ways = out
        return n

    def keep_main_component(self):
        """Drop ways not connected to the largest (undirected) component; returns how many were dropped."""
        parent = {}

        def find(k):
            while parent.setdefault(k, k) != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k
        for w in self.ways:
            for k in w.keys[1:]:
                parent[find(k)] = find(w.keys[0])
        size = Counter(find(w.keys[0]) for w in self.ways for _ in w.keys)
        main = max(sorted(size), key=size.get)
        before = len(self.ways)
        self.ways = [w for w in self.ways if find(w.keys[0]) == main]
        return before - len(self.ways)

    def strong_component(self):
        """(nodes of the strongly connected component of the busiest node, all nodes), honouring one-ways."""
        fwd, bwd = defaultdict(list), defaultdict(list)
        for w in self.ways:
            ow = "yes" if w.tags.get("junction") == "roundabout" else w.tags.get("oneway")
            for a, b in zip(w.keys, w.keys[1:]):
                for u, v in ([(a, b)] if ow != "-1" else []) + ([(b, a)] if ow != "yes" else []):
                    fwd[u].append(v)
                    bwd[v].append(u)
        root = max(sorted(fwd), key=lambda k: len(fwd[k]) + len(bwd[k]))

        def reach(adj):
            seen, stack = {root}, [root]
            while stack:
                for v in adj[stack.pop()]:
                    if v not in seen:
                        seen.add(v)
                        stack.append(v)
            return seen
        return reach(fwd) & reach(bwd), set(fwd) | set(bwd)


# ----------------------------------------------------------------------------- road layout
def street_names(rng):
    """An endless, shuffled supply of German-sounding street names."""
    names = sorted({s + e for s in STEMS for e in ("straße", "straße", "weg", "gasse", "allee", "ring", "pfad", "steig")})
    rng.shuffle(names)
    while True:
        yield from names


def road(pts, tags, level=0, bridge_ok=False, clip_town=False, rural=None):
    """A raw road before noding. bridge_ok: may cross the river; clip_town: ends at the town edge;
    rural: tags that replace `tags` on the parts outside the town."""
    return dict(pts=list(pts), tags=tags, level=level, bridge_ok=bridge_ok, clip_town=clip_town, rural=rural)


def major_roads(site):
    """Arterials (through roads to the map edge), collectors, riverside roads and the perimeter road."""
    urban = {"maxspeed": "50"}
    a2 = road(catmull([(-3000, 650), (-2200, 520), (-1250, 420), (-500, 300), (0, 200), (700, 330), (1500, 480),
                       (2200, 620), (site.mx(650), 650), (3000, 700)]),
              dict(highway="primary", name="Bahnhofstraße", lanes=3, lanes_forward=2, lanes_backward=1, **urban),
              rural={"maxspeed": "70", "lanes": 2, "lanes_forward": None, "lanes_backward": None})
    a3 = road(catmull([(-3000, -1250), (-2000, -1150), (-1200, -1000), (-400, -950), (100, -1000), (1000, -1000),
                       (1800, -1050), (site.mx(-1050), -1050), (3000, -1100)]),
              dict(highway="secondary", name="Südring", lanes=2, **urban), rural={"maxspeed": "100"})
    roads = [a2, a3, road(catmull([(-200, 3000), (-120, 1800), (-40, 900), (0, 200), (30, -200), (60, -700), (120, -1400),
                                   (250, -2200), (350, -3000)]), dict(highway="primary", name="Hauptstraße", lanes=4, **urban),
                          bridge_ok=True, rural={"maxspeed": "100", "lanes": 2})]
    for ctrl, tags, kw in (
            ([(-1400, 3000), (-1300, 1800), (-1250, 420), (-1235, -30), (-1200, -1000), (-1150, -2000), (-1100, -3000)],
             dict(highway="secondary", name="Westallee", lanes=2, **urban), dict(bridge_ok=True, rural={"maxspeed": "100"})),
            ([(1200, 3000), (1100, 1600), (1050, 400), (1030, -170), (1000, -1000), (950, -2000), (900, -3000)],
             dict(highway="secondary", name="Oststraße", lanes=2, **urban), dict(bridge_ok=True, rural={"maxspeed": "100"})),
            ([(-700, 2300), (-650, 900), (-600, 300), (-580, -290), (-560, -950), (-600, -2400)],
             dict(highway="tertiary", name="Mühlenweg", maxspeed="50 km/h"), dict(bridge_ok=True, clip_town=True)),
            ([(-3000, 1450), (-1500, 1380), (0, 1300), (1500, 1250), (2300, 1300), (3000, 1400)],
             dict(highway="tertiary", name="Nordring", maxspeed="50"), dict(rural={"maxspeed": "80"})),
            ([(-3000, -1950), (-1000, -1850), (500, -1900), (1500, -1850), (2400, -2000), (3000, -2100)],
             dict(highway="tertiary", name="Feldstraße", maxspeed="50"), dict(rural={"maxspeed": "80"})),
            ([(1750, 2400), (1700, 520), (1680, 100), (1660, -1030), (1650, -2400)],
             dict(highway="tertiary", name="Industriestraße", maxspeed="50"), dict(clip_town=True)),
            ([(-2950, 3000), (-2200, 2000), (-1600, 1380)], dict(highway="unclassified", name="Waldweg", maxspeed="70"), {})):
        roads.append(road(catmull(ctrl), tags, **kw))
    roads.append(road(site.bank_n, dict(highway="tertiary", name="Uferstraße", maxspeed="50 km/h"), clip_town=True))
    roads.append(road(site.bank_s, dict(highway="unclassified", name="Am Kai", maxspeed="30"), clip_town=True))
    roads.append(road(coords(site.town.GetGeometryRef(0)), dict(highway="tertiary", name="Stadtring", maxspeed="50")))
    return roads, (a2, a3)


def motorway(site, arterials, rng):
    """Two carriageways east of town (level 1), trunk stubs to the map edge, a diamond interchange per arterial."""
    centre = to_line([site.mpt(y, 0)[0] for y in range(-3000, 3001, 25)])
    xings = [(points_of(to_line(a["pts"]).Intersection(centre))[0][1], a) for a in arterials]
    ys = sorted(set(range(-2750, 2751, 25)) | {yx + d for yx, _ in xings for d in (-260, 260)})
    taper = lambda y: 13.0 * min(1.0, max(0.0, (2750 - abs(y)) / 200))     # carriageways merge at the ends
    mw = dict(highway="motorway", name="A 38", oneway="yes", lanes=2, maxspeed="120")
    trunk = dict(highway="trunk", name="A 38", lanes=2, maxspeed="100")
    out = [road([site.mpt(y, taper(y))[0] for y in ys], mw, level=1),           # northbound, east side
           road([site.mpt(y, -taper(y))[0] for y in ys][::-1], mw, level=1),    # southbound, west side
           road([site.mpt(y, 0)[0] for y in (-3000, -2875, -2750)], trunk, level=1),
           road([site.mpt(y, 0)[0] for y in (2750, 2875, 3000)], trunk, level=1)]
    for yx, art in xings:
        t, term = site.mpt(yx, 0)[1], {}
        for side in (140, -140):      # ramp terminals on the arterial, inserted as its vertices
            beside = to_line([site.mpt(y, side)[0] for y in range(int(yx) - 400, int(yx) + 401, 20)])
            p = points_of(to_line(art["pts"]).Intersection(beside))[0]
            a = art["pts"]
            a.insert(min(range(len(a) - 1), key=lambda i: pt_seg_dist(p, a[i], a[i + 1])) + 1, p)
            term[side] = p
        E, W = term[140], term[-140]
        # merge/diverge points on the carriageways, 260 m before and after the crossing
        n0, n1, s0, s1 = (site.mpt(yx + dy, off)[0] for dy, off in ((-260, 13), (260, 13), (260, -13), (-260, -13)))
        for pts in (bezier(n0, add(n0, t, 110), add(E, t, -70), E), bezier(E, add(E, t, 70), add(n1, t, -110), n1),
                    bezier(s0, add(s0, t, -110), add(W, t, 70), W), bezier(W, add(W, t, -70), add(s1, t, 110), s1)):
            out.append(road(pts, dict(highway="motorway_link", oneway="yes", lanes=1, maxspeed=rng.choice(["60", "80", None]))))
    return out, centre


def clip_roads(site, raw):
    """Keep roads out of the river corridor (except bridges), end collectors at the town edge, retag rural parts."""
    town_buf, boundary, out = site.town.Buffer(2.5, 4), site.town.GetBoundary(), []
    for r in raw:
        pieces = [r["pts"]]
        if r["level"] == 0 and not r["bridge_ok"]:
            pieces = [coords(g) for p in pieces for g in parts(to_line(p).Difference(site.corridor), "line")]
        if r["clip_town"]:
            pieces = [coords(g) for p in pieces for g in parts(to_line(p).Intersection(town_buf), "line")]
        for p in pieces:
            cuts = [locate(p, cumlen(p), q) for q in points_of(to_line(p).Intersection(boundary))] if r["rural"] else []
            for q in cut_polyline(p, cuts):
                rural = r["rural"] and not site.town.Contains(to_point(point_at(q, cumlen(q), cumlen(q)[-1] / 2)[0]))
                if cumlen(q)[-1] > 5:
                    out.append(dict(r, pts=q, tags=dict(r["tags"], **r["rural"]) if rural else r["tags"]))
    return out


def add_roundabouts(raw, pairs, rng, R=20.0):
    """Replace the crossing of each named road pair by a roundabout: a ring of counter-clockwise ways."""
    n = 0
    for na, nb in pairs:
        hits = [h for x in raw for y in raw if x["tags"].get("name") == na and y["tags"].get("name") == nb
                for h in points_of(to_line(x["pts"]).Intersection(to_line(y["pts"])))]
        if not hits:
            continue
        P = hits[0]
        disc, ends, keep = to_point(P).Buffer(R, 16), [], []
        for r in raw:
            if r["level"] != 0 or not to_line(r["pts"]).Intersects(disc):
                keep.append(r)
                continue
            for g in parts(to_line(r["pts"]).Difference(disc), "line"):
                q = coords(g)
                keep.append(dict(r, pts=q))
                ends += [e for e in (q[0], q[-1]) if abs(math.dist(e, P) - R) < 1.0]
        raw[:] = keep
        angs = sorted((math.atan2(e[1] - P[1], e[0] - P[0]) % (2 * math.pi), e) for e in ends)
        tags = dict(highway="secondary", junction="roundabout", name=rng.choice(STEMS) + "platz", lanes=1)
        for i, (a0, e0) in enumerate(angs):
            a1, e1 = angs[(i + 1) % len(angs)]
            a1 += 2 * math.pi if a1 <= a0 else 0
            mids = [(P[0] + R * math.cos(a), P[1] + R * math.sin(a)) for a in np.arange(a0 + 0.3, a1 - 0.15, 0.3)]
            raw.append(road([e0] + mids + [e1], tags))
        n += 1
    return n


def local_streets(site, raw, rng, names):
    """Fill each face between the major roads with a street grid aligned to the face; returns raw roads."""
    ml = ogr.Geometry(ogr.wkbMultiLineString)
    for p in [r["pts"] for r in raw if r["level"] == 0 and r["tags"]["highway"] != "motorway_link"]:
        ml.AddGeometry(to_line(p))
    for g in parts(site.corridor.GetBoundary().Intersection(site.box), "line") + [site.box.GetBoundary()]:
        ml.AddGeometry(g)
    out, centre_lines = [], 0
    for face in sorted(parts(ml.Union(ml).Polygonize(), "poly"), key=lambda f: f.Centroid().GetPoint_2D(0)):
        c, simple = face.PointOnSurface(), face.Simplify(15)
        if not site.town.Contains(c) or site.corridor.Contains(c) or face.GetArea() < 8000 or simple.IsEmpty():
            continue
        # zone, spacing of cross streets, spacing of long streets (m)
        zone, sa, sb = ("centre", 100, 80) if site.centre.Contains(c) else \
            ("industrial", 280, 190) if site.industrial.Contains(c) else \
            ("inner", 170, 110) if math.dist(c.GetPoint_2D(0), CENTRE) < 1250 else ("suburb", 260, 135)
        ring = coords(simple.GetGeometryRef(0))
        a, b = max(zip(ring, ring[1:]), key=lambda e: math.dist(*e))         # align with the longest edge
        ang = math.atan2(b[1] - a[1], b[0] - a[0]) + rng.uniform(-0.05, 0.05)
        ca, sn = math.cos(ang), math.sin(ang)
        outer = face.GetGeometryRef(0)
        uv = [(x * ca + y * sn, -x * sn + y * ca) for x, y in coords(outer)]
        (u0, v0), (u1, v1) = np.min(uv, axis=0).tolist(), np.max(uv, axis=0).tolist()
        back = lambda u, v: (u * ca - v * sn, u * sn + v * ca)
        lines, v, u = [], v0 + sb * rng.uniform(0.45, 0.65), u0 + sa * rng.uniform(0.45, 0.65)
        while v < v1 - 0.3 * sb:
            lines.append(("long", [back(u0 - 20, v), back(u1 + 20, v)]))
            v += sb * rng.uniform(0.9, 1.1)
        while u < u1 - 0.3 * sa:
            lines.append(("cross", [back(u, v0 - 20), back(u, v1 + 20)]))
            u += sa * rng.uniform(0.85, 1.15)
        clip, edge = face.Buffer(2.5, 4), face.GetBoundary().Buffer(12, 4)
        for kind, seg in lines:
            for g in parts(to_line(seg).Intersection(clip), "line"):
                q, L = coords(g), g.Length()
                # skip short pieces and pieces running along the face's edge (only the ends may come close)
                if L < max(60, 0.5 * min(sa, sb)) or to_line(cut_polyline(q, [25, L - 25])[1]).Intersects(edge):
                    continue
                tags = dict(highway="residential", name=next(names), maxspeed="30" if rng.random() < 0.7 else None)
                if zone == "centre":
                    tags["maxspeed"] = "30"
                    if kind == "long":     # alternating one-way streets, every fourth two-way
                        tags["oneway"] = ("yes", "-1", "yes", None)[centre_lines % 4]
                        centre_lines += 1
                    elif rng.random() < 0.25:
                        tags["highway"] = "living_street"
                elif zone == "industrial":
                    tags.update(highway="unclassified", maxspeed="50") if kind == "long" else \
                        tags.update(highway="service", maxspeed=None)
                elif zone == "suburb" and kind == "cross" and rng.random() < 0.3:      # cul-de-sac
                    keep = rng.uniform(0.55, 0.75) * L
                    cut, end = (cut_polyline(q, [keep])[0], -1) if rng.random() < 0.5 else (cut_polyline(q, [L - keep])[-1], 0)
                    if all(to_line(o).Distance(to_point(cut[end])) > 25 for k, o in lines if k == "long"):
                        q, tags["highway"] = cut, "residential" if rng.random() < 0.6 else "service"
                out.append(road(q, tags))
    return out


def build_network(site, rng):
    """Lay out the whole road network; returns (RoadNet, info)."""
    names = street_names(rng)
    raw, arterials = major_roads(site)
    mw, mw_centre = motorway(site, arterials, rng)
    raw = clip_roads(site, raw + mw)
    info = {"roundabouts": add_roundabouts(raw, [("Westallee", "Bahnhofstraße"), ("Westallee", "Südring"),
                                                 ("Industriestraße", "Südring")], rng)}
    raw += local_streets(site, raw, rng, names)
    net = RoadNet()
    for r in raw:
        net.add(r["pts"], r["tags"], r["level"])
    net.node_crossings()
    net.trim_stubs()
    water_zone = site.water.Buffer(6, 4)
    info["river_bridges"] = net.split_crossings(water_zone, site.water, {0}, {"bridge": "yes"})
    info["motorway_river_bridges"] = net.split_crossings(water_zone, site.water, {1}, {"bridge": "yes"})
    info["motorway_overpasses"] = net.split_crossings(mw_centre.Buffer(30, 4), mw_centre, {0}, {"bridge": "yes"})
    bridges = [w for w in net.ways if w.level == 0 and w.tags.get("bridge") and to_line(net.pts(w)).Intersects(site.water)]
    bridge_names = ["Westbrücke", "Mühlenbrücke", "Alte Brücke", "Ostbrücke", "Neue Brücke"]
    for w, nm in zip(sorted(bridges, key=lambda w: kxy(w.keys[0])), bridge_names):      # west to east
        w.tags["name"] = nm
    info["dropped_fragments"] = net.keep_main_component()
    while True:              # a one-way street must not strand anybody
        scc, nodes = net.strong_component()
        bad = [w for w in net.ways if w.tags.get("oneway") in ("yes", "-1") and w.level == 0
               and w.tags["highway"] != "motorway_link" and not all(k in scc for k in w.keys)]
        for w in bad:
            del w.tags["oneway"]
        if not bad:
            break
    info["strongly_connected_share"] = len(scc) / len(nodes)
    return net, info


def build_roads(ctx):
    return [Feature(to_line(ctx["net"].pts(w)), w.tags) for w in ctx["net"].ways]


# ----------------------------------------------------------------------------- land use
LANDUSE_CODE = {"residential": 1, "commercial": 2, "retail": 2, "industrial": 3, "park": 4, "water": 5,
                "farmland": 6, "forest": 7, "grass": 8, "recreation_ground": 8}


def build_landuse(ctx):
    """The river, the blocks between roads classified by zone, fields and woods outside; sets ctx['zones']."""
    site, net, rng = ctx["site"], ctx["net"], ctx["rng"]
    ml = ogr.Geometry(ogr.wkbMultiLineString)
    for g in [to_line(net.pts(w)) for w in net.ways] + [site.box.GetBoundary(), site.water.GetBoundary()]:
        ml.AddGeometry(g)
    jit = {(i, j): (rng.uniform(-120, 120) * (0 < i < 12), rng.uniform(-120, 120) * (0 < j < 12))
           for i in range(13) for j in range(13)}        # a jittered 500 m grid of fields, fixed at the map edge
    corner = lambda i, j: (-HALF + 500 * i + jit[i, j][0], -HALF + 500 * j + jit[i, j][1])
    fields = [to_poly([corner(i, j), corner(i + 1, j), corner(i + 1, j + 1), corner(i, j + 1)])
              for i in range(12) for j in range(12)]
    feats = [Feature(site.water.Clone(), {"natural": "water", "name": RIVER})]
    for face in sorted(parts(ml.Union(ml).Polygonize(), "poly"), key=lambda f: f.PointOnSurface().GetPoint_2D(0)):
        c, area = face.PointOnSurface(), face.GetArea()
        if site.water.Contains(c):
            continue
        if not site.town.Contains(c):          # countryside: a patchwork of fields, meadows and woods
            for g in solid(face.Intersection(site.town)):           # riverside strips reaching into town
                feats.append(Feature(g, {"leisure": "park", "name": f"{RIVER}auen"}))
            rest = face.Difference(site.town)
            for piece in [p for cell in fields if rest.Intersects(cell) for p in solid(rest.Intersection(cell))]:
                r = rng.random()
                lu = "forest" if dem_at(ctx["dem"], *piece.PointOnSurface().GetPoint_2D(0)) > 236 or r < 0.12 else \
                    "grass" if r < 0.25 else "farmland"
                feats.append(Feature(piece, {"landuse": lu}))
            continue
        if area < 2500:
            lu = "grass"
        elif area / face.GetBoundary().Length() < 8 or site.corridor.Buffer(12).Contains(c):
            lu = "park"
        elif site.industrial.Contains(c):
            lu = "industrial"
        elif site.centre.Contains(c):
            lu = "retail" if rng.random() < 0.15 else "commercial"
        else:
            r = rng.random()
            lu = "park" if 6000 < area < 40000 and r < 0.07 else \
                "recreation_ground" if 8000 < area < 30000 and r < 0.09 else "residential"
        feats.append(Feature(face, {"leisure": "park", "name": rng.choice(STEMS) + "park"} if lu == "park" else {"landuse": lu}))
    n = int(2 * HALF / 5)     # zone raster (5 m cells) for building placement
    ds = gdal.GetDriverByName("MEM").Create("", n, n, 1, gdal.GDT_Byte)
    ds.SetGeoTransform((-HALF, 5, 0, HALF, 0, -5))
    src = ogr.GetDriverByName("Memory").CreateDataSource("")
    lyr = src.CreateLayer("lu", geom_type=ogr.wkbPolygon)
    lyr.CreateField(ogr.FieldDefn("code", ogr.OFTInteger))
    for f in feats[1:] + feats[:1]:
        of = ogr.Feature(lyr.GetLayerDefn())
        of.SetGeometry(f.geom)
        of.SetField("code", LANDUSE_CODE["park" if "leisure" in f.attrs else f.attrs.get("landuse", "water")])
        lyr.CreateFeature(of)
    gdal.RasterizeLayer(ds, [1], lyr, options=["ATTRIBUTE=code"])
    ctx["zones"] = ds.ReadAsArray()
    return feats


def solid(g, min_area=100.0, min_width=2.0):
    """The polygons of g that are neither tiny nor slivers (area / perimeter below min_width / 2)."""
    return [p for p in parts(g, "poly") if p.GetArea() > min_area and p.GetArea() > min_width / 2 * p.GetGeometryRef(0).Length()]


def zone_at(zones, x, y):
    i, j = int((HALF - y) // 5), int((x + HALF) // 5)
    return int(zones[i, j]) if 0 <= i < zones.shape[0] and 0 <= j < zones.shape[1] else 0


# ----------------------------------------------------------------------------- buildings, facilities, signals
PUBLIC_SITES = [  # name, amenity, building, width, depth, levels, jobs, near (local m)
    ("Rathaus Auenfurt", None, "townhall", 42, 24, 4, 160, (80, 330)),
    ("Feuerwache Nord", "fire_station", "fire_station", 40, 24, 2, 45, (-600, 800)),
    ("Feuerwache Süd", "fire_station", "fire_station", 40, 24, 2, 35, (300, -1250)),
    ("Polizeidirektion", "police", "police", 32, 20, 3, 120, (260, 620)),
    ("Polizeirevier Süd", "police", "police", 28, 18, 2, 40, (-700, -1300)),
    ("Kreiskrankenhaus Auenfurt", "hospital", "hospital", 90, 45, 5, 950, (-900, 1050)),
    ("St.-Elisabeth-Klinikum", "hospital", "hospital", 80, 40, 4, 700, (800, -1400)),
    ("Grundschule Lindenhof", "school", "school", 60, 22, 2, 35, (-1600, 900)),
    ("Grundschule am Fluss", "school", "school", 55, 20, 2, 30, (600, -650)),
    ("Goethe-Gymnasium", "school", "school", 75, 24, 3, 85, (500, 1000)),
    ("Realschule Süd", "school", "school", 65, 22, 3, 60, (-300, -1700)),
    ("Grundschule Ost", "school", "school", 55, 20, 2, 30, (1400, 1200)),
    ("Gesamtschule West", "school", "school", 80, 24, 3, 90, (-1800, -900)),
    ("Sporthalle Nord", "shelter", "sports_hall", 45, 30, 1, 6, (200, 1550)),
    ("Sporthalle Süd", "shelter", "sports_hall", 45, 30, 1, 6, (-1000, -1550)),
    ("Stadthalle", "shelter", "civic", 50, 32, 2, 20, (-350, 480)),
    ("Gemeindezentrum Ost", "shelter", "civic", 36, 24, 2, 12, (1300, -350)),
]
COMPANIES = ["Kaufhaus Brenner", "Sparkasse Auenfurt", "Stadtwerke Auenfurt", "Bäckerei Hofmann", "Versicherung Lenz",
             "Apotheke am Markt", "Buchhandlung Wiesner", "Autohaus Kramer", "Getränke Vogt", "Baumarkt Riedel"]
RESIDENTIAL = ("house", "detached", "residential", "semidetached_house", "apartments")


class Placer:
    """Places footprints beside roads without overlapping roads, the river, other buildings or the wrong zone."""

    def __init__(self, site, net, zones):
        self.site, self.zones = site, zones
        self.roads, self.blds = defaultdict(list), defaultdict(list)
        for w in net.ways:
            pts, clear = net.pts(w), HALF_WIDTH.get(w.tags["highway"], 4.0) + 1.5
            for a, b in zip(pts, pts[1:]):
                for c in self.cells([a, b]):
                    self.roads[c].append((a, b, clear))

    @staticmethod
    def cells(pts, margin=0.0, c=50.0):
        x0, y0 = min(p[0] for p in pts) - margin, min(p[1] for p in pts) - margin
        x1, y1 = max(p[0] for p in pts) + margin, max(p[1] for p in pts) + margin
        return [(i, j) for i in range(int(x0 // c), int(x1 // c) + 1) for j in range(int(y0 // c), int(y1 // c) + 1)]

    def fits(self, poly, gap):
        """The zone code of the footprint if it may be built, else None."""
        z = zone_at(self.zones, sum(p[0] for p in poly) / 4, sum(p[1] for p in poly) / 4)
        if z not in (1, 2, 3) or any(zone_at(self.zones, x, y) != z for x, y in poly):
            return None
        perp, hw = self.site.river_perp(np.array([p[0] for p in poly]), np.array([p[1] for p in poly]))
        if np.any(np.abs(perp) - hw < 30):
            return None
        seen = set()
        for c in self.cells(poly, margin=20):      # 20 m > any clearance or gap
            for a, b, clear in self.roads[c]:
                if (a, b) not in seen:
                    seen.add((a, b))
                    if seg_poly_dist(a, b, poly) < clear:
                        return None
            if any(not separated(poly, q, gap) for q in self.blds[c]):
                return None
        return z

    def commit(self, poly):
        for c in self.cells(poly):
            self.blds[c].append(poly)


def footprint(p, t, side, setback, w, d):
    """Rectangle w wide along the road direction t and d deep, its front `setback` m from the centreline point p."""
    n = (-t[1] * side, t[0] * side)
    f0 = add(add(p, n, setback), t, -w / 2)
    return [f0, add(f0, t, w), add(add(f0, t, w), n, d), add(f0, n, d)]


def l_shape(r, rng):
    """Cut a back corner off a rectangle (front-left, front-right, back-right, back-left)."""
    fw, fd = rng.uniform(0.4, 0.55), rng.uniform(0.35, 0.5)
    a, b, c, d = r
    p = lambda u, v: (a[0] + u * (b[0] - a[0]) + v * (d[0] - a[0]), a[1] + u * (b[1] - a[1]) + v * (d[1] - a[1]))
    return [a, b, p(1, 1 - fd), p(1 - fw, 1 - fd), p(1 - fw, 1), d]


def building_attrs(kind, area, levels, rng, name=None, jobs=None):
    """Tags of one building: ~60 % carry a height (some with units), ~35 % only levels, ~5 % neither."""
    a, r = {"building": kind, "name": name}, rng.random()
    height = rng.uniform(7, 14) if kind in ("industrial", "warehouse") else levels * 3.0 + rng.choice([0.0, 0.5, 1.5, 2.5])
    if r < 0.60 or name:
        a["height"] = f"{round(height * 2) / 2:g}" + (" m" if rng.random() < 0.15 else "")
        if rng.random() < 0.5 or name:
            a["building_levels"] = levels
    elif r < 0.95:
        a["building_levels"] = levels
    if kind == "apartments":
        a["residents"] = max(2, round(area / 75 * levels * rng.uniform(1.6, 2.3)))   # ~75 m2 flats, ~2 people
    elif kind in RESIDENTIAL:
        a["residents"] = rng.randint(2, 4) if levels < 3 else rng.randint(3, 6)
    else:
        a["jobs"] = jobs if jobs is not None else max(1, round(area * levels / {"industrial": 90, "warehouse": 150}.get(kind, 30)
                                                                  * rng.uniform(0.6, 1.1)))
    if rng.random() < 0.05 and not name:       # let the loader estimate some
        a.pop("residents", None)
        a.pop("jobs", None)
    return a


def lot(z, major, near_centre, rng):
    """(width, depth, setback from road edge, gap, levels, building) of the next lot in zone z, or None."""
    if z == 2:       # centre: closed rows of 4-8 storey blocks
        return rng.uniform(12, 26), rng.uniform(13, 20), 1.5, 0.8, rng.randint(4, 8), \
            rng.choices(["apartments", "commercial", "retail", "office"], [35, 25, 20, 20])[0]
    if z == 3:       # industrial halls and a few offices
        kind = rng.choices(["industrial", "warehouse", "office", "commercial"], [45, 40, 10, 5])[0]
        w, d = rng.uniform(30, 80), rng.uniform(25, 55)
        if kind in ("office", "commercial"):
            return w / 2.5, d / 2, 10, 10.0, rng.randint(2, 3), kind
        return w, d, rng.uniform(8, 14), 10.0, 1, kind
    if z == 1 and (major or near_centre) and rng.random() < 0.45:     # blocks of flats, some shops
        return rng.uniform(18, 32), rng.uniform(11, 14), 5.0, 8.0, rng.randint(3, 6), \
            "apartments" if rng.random() < 0.85 else rng.choice(["retail", "commercial", "office"])
    if z == 1:       # houses on garden plots
        return rng.uniform(9, 13), rng.uniform(8, 12), rng.uniform(5, 8), rng.uniform(12, 20), \
            rng.choices([1, 2, 3], [35, 50, 15])[0], \
            rng.choices(["house", "detached", "residential", "semidetached_house"], [60, 20, 12, 8])[0]
    return None


def find_site(pl, streets, near, W, D):
    """Commit and return the free W x D lot closest to `near` along the 12 nearest streets, or None."""
    for w, pts in sorted(streets, key=lambda g: min(math.dist(near, p) for p in g[1]))[:12]:
        cum = cumlen(pts)
        s0 = locate(pts, cum, near)
        for s in sorted(s0 + np.arange(-240, 241, 10), key=lambda s: abs(s - s0)):
            if W / 2 < s < cum[-1] - W / 2:
                p, t = point_at(pts, cum, s)
                for side in (1, -1):
                    poly = footprint(p, t, side, HALF_WIDTH[w.tags["highway"]] + 6, W, D)
                    if pl.fits(poly, 6.0):
                        pl.commit(poly)
                        return poly
    return None


def build_buildings(ctx):
    """Public buildings at their sites first (with facility points inside), then lots along every street."""
    net, rng = ctx["net"], ctx["rng"]
    pl = Placer(ctx["site"], net, ctx["zones"])
    feats, facilities = [], []
    streets = [(w, net.pts(w)) for w in net.ways
               if w.level == 0 and w.tags["highway"] not in ("motorway_link", "trunk") and "bridge" not in w.tags]
    for name, amenity, kind, W, D, lv, jobs, near in PUBLIC_SITES:
        poly = find_site(pl, streets, near, W, D)
        if poly is None:
            print(f"warning: found no site for {name}")
            continue
        feats.append(Feature(to_poly(poly), building_attrs(kind, W * D, lv, rng, name, jobs)))
        if amenity:
            facilities.append(Feature(to_poly(poly).Centroid(), {"amenity": amenity, "name": name}))
    rng.shuffle(streets)
    for w, pts in streets:
        cum, hw = cumlen(pts), HALF_WIDTH.get(w.tags["highway"], 4.0)
        for side in (1, -1):
            s = rng.uniform(2, 10)
            while s < cum[-1]:
                p, t = point_at(pts, cum, s)
                z = zone_at(ctx["zones"], p[0] - t[1] * side * (hw + 10), p[1] + t[0] * side * (hw + 10))   # the lot's block
                spec = lot(z, w.tags["highway"] in ("primary", "secondary", "tertiary"), math.dist(p, CENTRE) < 900, rng)
                if spec is None:
                    s += 15
                    continue
                W, D, setback, gap, lv, kind = spec
                poly = footprint(*point_at(pts, cum, s + W / 2), side, hw + setback, W, D)
                if s + W <= cum[-1] and pl.fits(poly, gap) == z:
                    pl.commit(poly)
                    shape = to_poly(l_shape(poly, rng) if kind != "industrial" and rng.random() < 0.15 else poly)
                    name = rng.choice(COMPANIES) if kind in ("office", "retail") and rng.random() < 0.1 else None
                    feats.append(Feature(shape, building_attrs(kind, shape.GetArea(), lv, rng, name)))
                    s += W + gap
                else:
                    s += 2 if z == 2 else 4
    ctx["facilities"], ctx["buildings"] = facilities, feats
    return feats


def build_facilities(ctx):
    for f in ctx["facilities"]:       # hospitals ride through a day on their emergency generators
        f.attrs["backup_hours"] = 24.0 if f.attrs["amenity"] == "hospital" else None
    return ctx["facilities"]


def build_signals(ctx, limit=40, spacing=120.0):
    """Signals at junctions of an arterial (or ramp) with another arterial or a collector; none on roundabouts."""
    net = ctx["net"]
    rank = {"primary": 3, "secondary": 3, "motorway_link": 3, "tertiary": 1}
    deg, ranks, ring = Counter(), defaultdict(dict), set()
    for i, w in enumerate(net.ways):
        for j, k in enumerate(w.keys):
            deg[k] += (j > 0) + (j < len(w.keys) - 1)
            ranks[k][i] = rank.get(w.tags["highway"], 0)
            if w.tags.get("junction") == "roundabout":
                ring.add(k)
    cands = []
    for k, r in ranks.items():
        top = sorted(r.values(), reverse=True)
        if deg[k] >= 3 and k not in ring and len(top) >= 2 and top[0] == 3 and top[1] >= 1:
            cands.append((-(top[0] + top[1]) - 0.01 * deg[k], k))
    chosen = []
    for _, k in sorted(cands):
        if len(chosen) < limit and all(math.dist(kxy(k), kxy(q)) > spacing for q in chosen):
            chosen.append(k)
    ctx["signals"] = [Feature(to_point(kxy(k)), {"highway": "traffic_signals"}) for k in chosen]
    return ctx["signals"]


# ----------------------------------------------------------------------------- terrain
def make_dem(site, rng, cell=5.0):
    """Elevation grid: a river valley falling west to east, hills to the north, gentle noise away from the river."""
    n = int(2 * HALF / cell)
    xs = -HALF + cell * (np.arange(n) + 0.5)
    X, Y = np.meshgrid(xs, xs[::-1])
    perp, hw = site.river_perp(X, Y)
    d = np.abs(perp) - hw                                   # distance from the water's edge
    level = 184.0 - 8.0 * (X + HALF) / (2 * HALF)           # water surface, 184 m -> 176 m downstream
    dp = np.maximum(d, 0)
    z = level + 1.5 + 2.5 * (1 - np.exp(-dp / 150)) + 0.003 * dp         # flood plain
    z += np.where(perp > 0, 25.0, 17.0) * smoothstep((d - 250) / 1100)   # valley sides
    hills = (55 * np.exp(-((X + 1700) ** 2 + (Y - 2100) ** 2) / (2 * 650 ** 2))
             + 40 * np.exp(-((X - 800) ** 2 + (Y - 2500) ** 2) / (2 * 500 ** 2))
             + 20 * np.exp(-((X - 1900) ** 2 + (Y + 2500) ** 2) / (2 * 600 ** 2)))
    noise = np.zeros_like(X)
    for _ in range(10):
        a, lam = rng.uniform(0, 2 * math.pi), rng.uniform(300, 1500)
        noise += rng.uniform(0.5, 1.5) * np.cos(2 * math.pi * (X * math.cos(a) + Y * math.sin(a)) / lam + rng.uniform(0, 6.3))
    z += (hills + noise) * smoothstep(d / 300)
    channel = level - 0.5 - 2.0 * smoothstep((1 - np.abs(perp) / hw) / 0.4)   # flat bed 2.5 m below the surface
    return np.where(d < 0, channel, z).astype(np.float32), cell


def dem_at(dem, x, y):
    arr, cell = dem
    i, j = int((HALF - y) // cell), int((x + HALF) // cell)
    return float(arr[min(max(i, 0), arr.shape[0] - 1), min(max(j, 0), arr.shape[1] - 1)])


# ----------------------------------------------------------------------------- utilities: demand rules
# The C++ loader computes demands with exactly these rules (docs/data-schema.md); the networks are sized with them.
WATER_L_PER_RESIDENT_DAY, WATER_L_PER_JOB_DAY = 150.0, 50.0
WATER_PATTERN = [0.45, 0.40, 0.30, 0.30, 0.35, 0.65, 1.30, 1.80, 1.60, 1.35, 1.20, 1.20,     # 00:00 ... 11:00
                 1.20, 1.15, 1.05, 1.00, 1.05, 1.20, 1.35, 1.35, 1.25, 1.05, 0.80, 0.65]    # 12:00 ... 23:00, mean 1
POWER_KW_PER_RESIDENT, POWER_KW_PER_JOB, POWER_KW_PER_INDUSTRIAL_JOB, POWER_FACTOR = 0.5, 0.6, 1.0, 0.95
POWER_PROFILE = [0.45, 0.40, 0.37, 0.36, 0.37, 0.42, 0.55, 0.68, 0.72, 0.72, 0.72, 0.74,    # share of the peak
                 0.76, 0.73, 0.70, 0.70, 0.74, 0.85, 0.96, 1.00, 0.95, 0.85, 0.70, 0.55]
assert abs(sum(WATER_PATTERN) - 24.0) < 1e-9 and max(POWER_PROFILE) == 1.0
SIGNAL_KW = 1.0                 # one signalised intersection (controller and LED heads)
PUMP_EFFICIENCY = 0.75          # wire to water: electric kW = 9.81 * Q[m^3/s] * H[m] / PUMP_EFFICIENCY
USE_OF = {**{b: "residential" for b in RESIDENTIAL}, **{b: "commercial" for b in ("commercial", "retail", "office")},
          **{b: "industrial" for b in ("industrial", "warehouse")}}      # all other values of ours are public
DEFAULT_HEIGHT = {"residential": 6.0, "commercial": 9.0, "industrial": 8.0, "public": 10.0}
M2_PER_JOB = {"commercial": 25.0, "industrial": 60.0, "public": 40.0}


def occupants(attrs, area):
    """(residents, jobs, use) as the C++ loader reads them: the fields, else estimates from the floor area."""
    use = USE_OF.get(attrs["building"], "public")
    res, jobs = attrs.get("residents"), attrs.get("jobs")
    if res is None or jobs is None:
        h = float(str(attrs["height"]).split()[0]) if attrs.get("height") else DEFAULT_HEIGHT[use]
        floor = area * (attrs.get("building_levels") or max(1, math.floor(h / 3.0 + 0.5)))
        res = res if res is not None else math.floor(floor / 40.0 + 0.5) if use == "residential" else 0
        jobs = jobs if jobs is not None else math.floor(floor / M2_PER_JOB[use] + 0.5) if use in M2_PER_JOB else 0
    return res, jobs, use


def water_lps(res, jobs):
    """Average water demand in l/s."""
    return (WATER_L_PER_RESIDENT_DAY * res + WATER_L_PER_JOB_DAY * jobs) / 86400.0


def power_kw(res, jobs, use):
    """Peak active power in kW."""
    return POWER_KW_PER_RESIDENT * res + (POWER_KW_PER_INDUSTRIAL_JOB if use == "industrial" else POWER_KW_PER_JOB) * jobs


# ----------------------------------------------------------------------------- utilities: common
class RoadGraph:
    """The level-0 roads that can carry pipes and cables (no motorway, ramps or trunk) as a graph of node keys."""

    def __init__(self, net):
        self.ways = [(wi, w) for wi, w in enumerate(net.ways)
                     if w.level == 0 and w.tags["highway"] not in ("motorway", "motorway_link", "trunk")]
        self.adj = defaultdict(dict)
        for _, w in self.ways:
            for a, b in zip(w.keys, w.keys[1:]):
                self.adj[a][b] = self.adj[b][a] = math.dist(kxy(a), kxy(b))
        self.nodes = sorted(self.adj)
        self.xy = np.array([kxy(k) for k in self.nodes])

    def nearest(self, p):
        return self.nodes[int(np.argmin(((self.xy - np.asarray(p)) ** 2).sum(1)))]

    def dijkstra(self, sources, target=None):
        """Shortest road distances from the sources: (dist, prev), prev[source] = ()."""
        dist, prev, heap = {}, {}, [(0.0, s, ()) for s in sorted(set(sources))]
        heapq.heapify(heap)
        while heap:
            d, k, p = heapq.heappop(heap)
            if k in dist:
                continue
            dist[k], prev[k] = d, p
            if k == target:
                break
            for q, L in self.adj[k].items():
                if q not in dist:
                    heapq.heappush(heap, (d + L, q, k))
        return dist, prev

    def route(self, a, b):
        """Points of the shortest road path from node key a to node key b (A*)."""
        goal = kxy(b)
        dist, prev, heap = {a: 0.0}, {a: None}, [(math.dist(kxy(a), goal), 0.0, a)]
        done = set()
        while heap:
            _, d, k = heapq.heappop(heap)
            if k == b:
                break
            if k in done:
                continue
            done.add(k)
            for q, L in sorted(self.adj[k].items()):
                if d + L < dist.get(q, math.inf):
                    dist[q], prev[q] = d + L, k
                    heapq.heappush(heap, (d + L + math.dist(kxy(q), goal), d + L, q))
        ks = [b]
        while prev[ks[-1]] is not None:
            ks.append(prev[ks[-1]])
        return [kxy(k) for k in ks[::-1]]


class SegIndex:
    """Grid index of polyline segments (item, a, b) for nearest-segment queries."""

    def __init__(self, items, cell=100.0):
        self.cell, self.grid = cell, defaultdict(list)
        for it, pts in items:
            for a, b in zip(pts, pts[1:]):
                for c in Placer.cells([a, b], c=cell):
                    self.grid[c].append((it, a, b))

    def nearest(self, p):
        ci, cj = int(p[0] // self.cell), int(p[1] // self.cell)
        for r in range(1, 30):
            best = min(((pt_seg_dist(p, a, b), it) for i in range(ci - r, ci + r + 1) for j in range(cj - r, cj + r + 1)
                        for it, a, b in self.grid.get((i, j), ())), default=None)
            if best is not None and best[0] <= (r - 0.5) * self.cell:
                return best[1]
        raise ValueError(f"nothing near {p}")


def union_find(pairs):
    parent = {}

    def find(k):
        while parent.setdefault(k, k) != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k
    for a, b in pairs:
        parent[find(a)] = find(b)
    return find


# ----------------------------------------------------------------------------- utilities: water
def pipe_pieces(rg, max_len=150.0):
    """The roads cut into pipe-sized pieces (points, way index): at every road junction, every <= max_len m on."""
    cnt = Counter(k for _, w in rg.ways for k in w.keys)
    out = []
    for wi, w in rg.ways:
        ks = w.keys
        cut = [i for i, k in enumerate(ks) if i in (0, len(ks) - 1) or cnt[k] >= 2]
        for i0, i1 in zip(cut, cut[1:]):
            pts = [kxy(k) for k in ks[i0:i1 + 1]]
            L = cumlen(pts)[-1]
            n = 1 if w.tags.get("bridge") else max(1, math.ceil(L / max_len - 0.2))
            for q in cut_polyline(pts, [L * j / n for j in range(1, n)]):
                q = [kxy(k) for k in dict.fromkeys(map(key, q))]
                if len(q) >= 2:
                    out.append((q, wi))
    return out


HIGH_ZONE_MIN_M = 215.0          # junctions this high (and connected) form the high pressure zone under the tower
DN_MM = (100, 150, 200, 250, 300, 400, 500, 600)
MIN_DN = {"primary": 200, "secondary": 200, "tertiary": 150}


def hw_slope(q_lps, dn_mm, c):
    """Hazen-Williams head loss in m per km."""
    return 10.67e3 * (q_lps / 1e3) ** 1.852 / (c ** 1.852 * (dn_mm / 1e3) ** 4.87)


def pick_dn(q_lps, dn_min=100, max_slope=2.0):
    """Smallest standard diameter that carries the peak flow with at most max_slope m/km of loss."""
    return next((d for d in DN_MM if d >= dn_min and hw_slope(q_lps, d, 130 if d >= 200 else 120) <= max_slope), DN_MM[-1])


def hill_site(ctx, centre, radius, road_idx):
    """The highest DEM cell within radius of centre that is outside the town and 40 m from any road."""
    town = ctx["site"].town.Buffer(60, 4)
    steps = range(-radius, radius + 1, 10)
    cands = [(-dem_at(ctx["dem"], centre[0] + dx, centre[1] + dy), (centre[0] + dx, centre[1] + dy))
             for dx in steps for dy in steps if dx * dx + dy * dy <= radius ** 2]
    for _, p in sorted(cands):
        far = all(pt_seg_dist(p, a, b) >= 40
                  for c in Placer.cells([p], 40, road_idx.cell) for _, a, b in road_idx.grid.get(c, ()))
        if far and not town.Contains(to_point(p)):
            return kxy(key(p))
    raise ValueError("no tank site")


def zone_tree_flows(nodes, edges, demand, sources, weight):
    """Peak flows when every node draws its demand along its shortest (weighted) path from the nearest source.
    edges: {edge id: (a, b)}; returns {edge id: flow} and {source: flow supplied}."""
    adj = defaultdict(list)
    for e, (a, b) in edges.items():
        if a in nodes and b in nodes:
            adj[a].append((b, e))
            adj[b].append((a, e))
    dist, via, heap = {}, {}, [(0.0, s, None) for s in sorted(sources)]
    heapq.heapify(heap)
    while heap:
        d, k, e = heapq.heappop(heap)
        if k in dist:
            continue
        dist[k], via[k] = d, e
        for q, e2 in adj[k]:
            if q not in dist:
                heapq.heappush(heap, (d + weight[e2], q, e2))
    assert len(dist) == len(nodes), "zone not connected"
    sub, flow = {k: demand.get(k, 0.0) for k in nodes}, defaultdict(float)
    for k in sorted(dist, key=lambda k: (-dist[k], k)):
        e = via[k]
        if e is not None:
            a, b = edges[e]
            flow[e] += sub[k]
            sub[a if b == k else b] += sub[k]
    return flow, {s: sub[s] for s in sources}


def build_water(ctx):
    """Waterworks, pumps, transmission main, two towers, a high and a low pressure zone (PRVs), a pipe under every
    street of the town; sets `water_node` on the buildings. Returns (nodes, links) as Features."""
    site, dem, rg = ctx["site"], ctx["dem"], ctx["roadgraph"]
    peak = max(WATER_PATTERN)
    # --- distribution pipes: the town's streets, cut into pieces
    town = site.town.Buffer(30, 4)
    pieces = [(pts, wi) for pts, wi in pipe_pieces(rg)
              if town.Contains(to_point(point_at(pts, cumlen(pts), cumlen(pts)[-1] / 2)[0]))]
    idx = SegIndex(list(enumerate(pts for pts, _ in pieces)))
    demand, served = defaultdict(float), []
    for f in ctx["buildings"]:
        c = f.geom.Centroid().GetPoint_2D(0)
        pts = pieces[idx.nearest(c)][0]
        k = min((key(pts[0]), key(pts[-1])), key=lambda k: (math.dist(kxy(k), c), k))
        demand[k] += water_lps(*occupants(f.attrs, f.geom.GetArea())[:2])
        served.append(k)
    find = union_find((key(p[0]), key(p[-1])) for p, _ in pieces)
    main = find(served[0])
    assert all(find(k) == main for k in served), "buildings on a disconnected street"
    edges = {i: (key(p[0]), key(p[-1])) for i, (p, _) in enumerate(pieces) if find(key(p[0])) == main}
    while True:            # prune dead ends without demand (streets leaving town, trailing ends)
        deg = Counter(k for ab in edges.values() for k in ab)
        drop = [e for e, (a, b) in edges.items() if (deg[a] == 1 and demand[a] == 0) or (deg[b] == 1 and demand[b] == 0)]
        if not drop:
            break
        for e in drop:
            del edges[e]
    nodes = sorted({k for ab in edges.values() for k in ab})
    elev = {k: round(dem_at(dem, *kxy(k)), 2) for k in nodes}
    # --- pressure zones: the high ground under the tower, the rest (largest part) under the PRVs
    hi = {k for k in nodes if elev[k] >= HIGH_ZONE_MIN_M}
    fh = union_find([ab for ab in edges.values() if ab[0] in hi and ab[1] in hi] + [(k, k) for k in hi])
    hi_comp = Counter(fh(k) for k in hi)
    top = max(sorted(hi_comp), key=lambda r: sum(demand[k] for k in hi if fh(k) == r))
    high = {k for k in hi if fh(k) == top}
    fl = union_find([ab for ab in edges.values() if ab[0] not in high and ab[1] not in high]
                    + [(k, k) for k in nodes if k not in high])
    lo_dem = Counter()
    for k in nodes:
        if k not in high:
            lo_dem[fl(k)] += demand[k]
    low_root = max(sorted(lo_dem), key=lo_dem.get)
    pockets = {k for k in nodes if k not in high and fl(k) != low_root}
    high |= pockets                         # low pockets enclosed by the high zone join it
    low = set(nodes) - high
    # --- sources: waterworks and pumps at the river west of town, a tower on each hill
    road_idx = SegIndex([(wi, ctx["net"].pts(w)) for wi, w in enumerate(ctx["net"].ways)])
    t1_xy, t2_xy = hill_site(ctx, (-1700, 2100), 400, road_idx), hill_site(ctx, (1900, -2500), 400, road_idx)
    t1_bottom = math.ceil(max(elev[k] for k in high) + 22.5)
    t2_bottom, low_hgl = 244.0, 250.0
    x = -2350.0
    perp_y = float(site.river_y(x)) + float(site.river_hw(x))
    r1_xy, ps_xy = kxy(key((x, perp_y + 45))), kxy(key((x, perp_y + 75)))
    r1_head = round(dem_at(dem, *r1_xy) - 2.5, 2)       # clear-water tank of the treatment plant
    ctx["waterworks_xy"] = kxy(key((x + 40, perp_y + 75)))
    # --- PRVs where the main roads cross from the high into the low zone; other crossings stay closed
    rank = lambda e: {"primary": 0, "secondary": 0, "tertiary": 1}.get(ctx["net"].ways[pieces[e][1]].tags["highway"], 2)
    cross = sorted((e for e, (a, b) in edges.items() if (a in high) != (b in high)), key=lambda e: (rank(e), e))
    prvs = []
    for e in cross:
        mid = point_at(pieces[e][0], cumlen(pieces[e][0]), cumlen(pieces[e][0])[-1] / 2)[0]
        if len(prvs) < 4 and rank(e) < 2 and all(math.dist(mid, m) > 500 for _, m in prvs):
            prvs.append((e, mid))
    prvs = [e for e, _ in prvs]
    print(f"water: {len(nodes)} junctions, high zone {len(high)} ({min(elev[k] for k in high):.1f}-"
          f"{max(elev[k] for k in high):.1f} m, pockets {len(pockets)}), low zone {len(low)} "
          f"({min(elev[k] for k in low):.1f}-{max(elev[k] for k in low):.1f} m), {len(cross)} zone crossings, "
          f"PRVs on {[ctx['net'].ways[pieces[e][1]].tags.get('name') for e in prvs]}")
    # --- sizing: peak flows along shortest (main-road-preferring) paths from the sources
    weight = {e: cumlen(pieces[e][0])[-1] * {0: 0.5, 1: 0.7}.get(rank(e), 1.0) for e in edges}
    pk = {k: peak * v for k, v in demand.items()}
    prv_dn = {e: (a, b) if b in low else (b, a) for e, (a, b) in edges.items() if e in prvs}     # (high end, low end)
    flow, supplied = zone_tree_flows(low, edges, pk, [prv_dn[e][1] for e in prvs], weight)
    for e in prvs:
        flow[e] = supplied[prv_dn[e][1]]
        pk[prv_dn[e][0]] = pk.get(prv_dn[e][0], 0.0) + flow[e]
    t1_at = min(high, key=lambda k: (math.dist(kxy(k), t1_xy), k))
    t2_at = min(low, key=lambda k: (math.dist(kxy(k), t2_xy), k))
    hflow, hsup = zone_tree_flows(high, edges, pk, [t1_at], weight)
    flow.update(hflow)
    # --- features
    jid = {k: f"J{i + 1}" for i, k in enumerate(nodes)}
    for f, k in zip(ctx["buildings"], served):
        f.attrs["water_node"] = jid[k]
    wn, wl = [], []

    def node(nid, kind, p, **a):
        wn.append(Feature(to_point(p), dict(id=nid, kind=kind, **a)))

    def link(lid, kind, a, b, pts, **attrs):
        pts = [kxy(k) for k in dict.fromkeys(map(key, pts))]
        wl.append(Feature(to_line(pts), dict(id=lid, kind=kind, from_node=a, to_node=b, length=round(cumlen(pts)[-1], 2),
                                             **attrs)))

    def pipe(a, b, pts, dn, **attrs):
        link(f"P{sum(1 for f in wl if f.attrs['kind'] == 'pipe') + 1}", "pipe", a, b, pts, diameter=float(dn),
             roughness=130.0 if dn >= 200 else 120.0, minor_loss=0.0, status=attrs.pop("status", "open"), **attrs)

    node("R1", "reservoir", r1_xy, elevation=r1_head, name="Wasserwerk Auenfurt")
    node("T1", "tank", t1_xy, elevation=float(t1_bottom), init_level=4.0, min_level=0.5, max_level=6.5, diameter=26.0,
         name="Wasserturm Lindenberg")
    node("T2", "tank", t2_xy, elevation=t2_bottom, init_level=5.5, min_level=0.5, max_level=6.5, diameter=20.0,
         name="Wasserturm Süd")
    for k in nodes:
        node(jid[k], "junction", kxy(k), elevation=elev[k])
    n_extra = len(nodes)

    def junction(p, name=None):
        nonlocal n_extra
        n_extra += 1
        node(f"J{n_extra}", "junction", p, elevation=round(dem_at(dem, *p), 2), name=name)
        return f"J{n_extra}"
    ps = junction(ps_xy, "Pumpwerk Auenfurt")
    for i, side in enumerate((-6, 6)):
        link(f"PU{i + 1}", "pump", "R1", ps, [r1_xy, ((r1_xy[0] + ps_xy[0]) / 2 + side, (r1_xy[1] + ps_xy[1]) / 2), ps_xy],
             pump_head=110.0, pump_flow=105.0, status="open", name=f"Pumpe {i + 1}", control_node="T1",
             on_below=(3.0, 2.0)[i], off_above=(6.0, 5.0)[i])
    main_pts = cut_polyline([ps_xy, t1_xy], [s for s in np.arange(500, math.dist(ps_xy, t1_xy) - 250, 500).tolist()])
    at = ps
    for i, q in enumerate(main_pts):
        nxt = "T1" if i == len(main_pts) - 1 else junction(kxy(key(q[-1])))
        pipe(at, nxt, q, 500, name="Zubringerleitung Lindenberg")
        at = nxt
    pipe("T1", jid[t1_at], [t1_xy, kxy(t1_at)], pick_dn(hsup[t1_at], 300), name="Fallleitung Lindenberg")
    pipe("T2", jid[t2_at], [t2_xy, kxy(t2_at)], 300, name="Leitung Wasserturm Süd")
    for e, (a, b) in sorted(edges.items()):
        pts, wi = pieces[e]
        tags = ctx["net"].ways[wi].tags
        mid = point_at(pts, cumlen(pts), cumlen(pts)[-1] / 2)[0]        # fire flow: DN 150 in the centre and industry
        fire = 150 if zone_at(ctx["zones"], *mid) in (2, 3) else 100
        dn = pick_dn(flow.get(e, 0.0), max(MIN_DN.get(tags["highway"], 100), fire))
        if e in prvs:                        # the valve sits 3 m before the low-zone end
            u, v = prv_dn[e]
            if key(pts[0]) != u:
                pts = pts[::-1]
            head, tail = cut_polyline(pts, [cumlen(pts)[-1] - 3.0])
            w = junction(kxy(key(head[-1])))
            pipe(jid[u], w, head, dn, name=tags.get("name"))
            link(f"V{prvs.index(e) + 1}", "prv", w, jid[v], tail, diameter=float(dn), minor_loss=0.0, status="open",
                 setting=round(low_hgl - elev[v], 2), name="Druckminderer " + tags.get("name", ""))
        else:
            pipe(jid[a], jid[b], pts, dn, name=tags.get("name"),
                 status="closed" if (a in high) != (b in high) else "open")
    return wn, wl


def build_water_nodes(ctx):
    ctx["roadgraph"] = RoadGraph(ctx["net"])
    nodes, ctx["water_links"] = build_water(ctx)
    return nodes


def build_water_links(ctx):
    return ctx["water_links"]


# ----------------------------------------------------------------------------- utilities: power
CABLE_10KV = dict(r=0.125, x=0.1, b=157.0, mva=7.0)   # NA2XS2Y 3x1x240 6/10 kV, per km: ohm, ohm, microsiemens; MVA
LINE_110KV = dict(r=0.12, x=0.39, b=2.9, mva=123.0)   # 243-AL1/39 overhead line, per km and circuit
TRANSFORMER = dict(mva=40.0, r_pct=0.35, x_pct=12.0, tap=0.975)   # 110/10 kV; the on-load tap changer at peak
BUS_KW = 350.0      # peak load a secondary substation is placed for
RING_MW = 6.0       # peak load of one open ring (two feeders of about half; either can carry it all when switched)


def load_cells(items, target):
    """Recursive bisection of (x, y, kw, i) items into compact cells of at most about `target` kW."""
    total = sum(it[2] for it in items)
    n = math.ceil(total / target - 1e-9)
    if n <= 1 or len(items) == 1:
        return [items]
    xs, ys = [it[0] for it in items], [it[1] for it in items]
    ax = 0 if max(xs) - min(xs) >= max(ys) - min(ys) else 1
    items = sorted(items, key=lambda it: (it[ax], it[3]))
    goal, acc, cut = total * (n // 2) / n, 0.0, len(items) - 1
    for j, it in enumerate(items):
        acc += it[2]
        if acc >= goal:
            cut = j + 1
            break
    cut = min(max(cut, 1), len(items) - 1)
    return load_cells(items[:cut], target) + load_cells(items[cut:], target)


def free_site(ctx, target, road_idx, bld_idx, gap=40.0):
    """The free point nearest to target (10 m grid): `gap` m from roads and buildings, 60 m from the river."""
    site = ctx["site"]
    cands = sorted((dx * dx + dy * dy, dx, dy) for dx in range(-600, 601, 10) for dy in range(-600, 601, 10))
    for _, dx, dy in cands:
        p = (target[0] + dx, target[1] + dy)
        perp, hw = site.river_perp(p[0], p[1])
        if abs(perp) - hw < 60 or max(abs(p[0]), abs(p[1])) > HALF - 50:
            continue
        if all(pt_seg_dist(p, a, b) >= gap for idx in (road_idx, bld_idx)
               for c in Placer.cells([p], gap, idx.cell) for _, a, b in idx.grid.get(c, ())):
            return kxy(key(p))
    raise ValueError("no free site")


def tour(start, pts):
    """Order of pts (indices) for a short closed tour from start: nearest neighbour, then 2-opt."""
    left, order, at = set(range(len(pts))), [], start
    while left:
        j = min(left, key=lambda i: (math.dist(at, pts[i]), i))
        order.append(j)
        left.discard(j)
        at = pts[j]
    P = lambda i: start if i in (-1, len(order)) else pts[order[i]]
    improved = True
    while improved:
        improved = False
        for i in range(0, len(order) - 1):
            for j in range(i + 1, len(order)):
                a, b, c, d = P(i - 1), P(i), P(j), P(j + 1)
                if math.dist(a, c) + math.dist(b, d) < math.dist(a, b) + math.dist(c, d) - 1e-6:
                    order[i:j + 1] = order[i:j + 1][::-1]
                    improved = True
    return order


def build_power(ctx):
    """110 kV infeed, two 110/10 kV substations, 10 kV open rings of cables along the roads through the secondary
    substations (feeder buses); sets `power_bus` on buildings, signals and pumps. Returns (buses, lines) Features."""
    site, rg, net = ctx["site"], ctx["roadgraph"], ctx["net"]
    road_idx = SegIndex([(wi, net.pts(w)) for wi, w in enumerate(net.ways)])
    bld_idx = SegIndex([(i, coords(f.geom.GetGeometryRef(0))) for i, f in enumerate(ctx["buildings"])], cell=50.0)
    # --- loads and secondary substations
    items = []
    for i, f in enumerate(ctx["buildings"]):
        res, jobs, use = occupants(f.attrs, f.geom.GetArea())
        c = f.geom.Centroid().GetPoint_2D(0)
        items.append((c[0], c[1], power_kw(res, jobs, use), i))
    perp, hw = site.river_perp(rg.xy[:, 0], rg.xy[:, 1])
    town = site.town.Buffer(30, 4)
    ok = [k for k, d in zip(rg.nodes, (np.abs(perp) - hw).tolist()) if d > 30 and town.Contains(to_point(kxy(k)))]
    okxy = np.array([kxy(k) for k in ok])
    bus_keys = []
    for cell in load_cells(items, BUS_KW):
        w = np.array([max(it[2], 1e-3) for it in cell])
        c = (np.array([[it[0], it[1]] for it in cell]) * w[:, None]).sum(0) / w.sum()
        k = ok[int(np.argmin(((okxy - c) ** 2).sum(1)))]
        if k not in bus_keys:
            bus_keys.append(k)
    ww_xy = ctx["waterworks_xy"]
    bus_pts = [kxy(k) for k in bus_keys] + [ww_xy]
    access = bus_keys + [rg.nearest(ww_xy)]
    bxy = np.array(bus_pts)
    nearest_bus = lambda p: int(np.argmin(((bxy - np.asarray(p)) ** 2).sum(1)))
    served = [nearest_bus(it[:2]) for it in items]
    kw = Counter()
    for it, b in zip(items, served):
        kw[b] += it[2]
    pumps = [f for f in ctx["water_links"] if f.attrs["kind"] == "pump"]
    kw[len(bus_keys)] += sum(9.81 * f.attrs["pump_flow"] / 1e3 * f.attrs["pump_head"] / PUMP_EFFICIENCY for f in pumps)
    sig_bus = [nearest_bus(f.geom.GetPoint_2D(0)) for f in ctx["signals"]]
    for b in sig_bus:
        kw[b] += SIGNAL_KW
    # --- substations, the grid infeed and the 110 kV double-circuit lines
    subs = []
    for name, target in (("Nord", (250.0, 2080.0)), ("Süd", (2350.0, -1500.0))):
        hv = free_site(ctx, target, road_idx, bld_idx)
        a = rg.nearest(hv)
        d = math.dist(hv, kxy(a)) or 1.0
        mv = kxy(key(add(hv, ((kxy(a)[0] - hv[0]) / d, (kxy(a)[1] - hv[1]) / d), min(25.0, d / 2))))
        subs.append(dict(name=name, hv=hv, mv=mv, access=rg.nearest(mv)))
    grid_xy = (HALF - 10.0, 1800.0)
    # --- feeder buses to substations (balanced by road distance), rings by angle, tours, normally-open points
    dist = [rg.dijkstra([s["access"]])[0] for s in subs]
    nb = len(bus_pts)
    pref = sorted(range(nb), key=lambda b: (dist[0][access[b]] - dist[1][access[b]], b))
    total, acc, owner = sum(kw.values()), 0.0, {}
    for b in pref:
        owner[b] = 0 if acc < total / 2 else 1
        acc += kw[b]
    buses = [Feature(to_point(grid_xy), dict(id="GRID", kind="grid", voltage_kv=110.0, gen_mw=200.0,
                                             name="Netzeinspeisung 110 kV"))]
    lines, fid, ring_info = [], {}, []
    cable = lambda L: dict(r_ohm=round(CABLE_10KV["r"] * L / 1e3, 5), x_ohm=round(CABLE_10KV["x"] * L / 1e3, 5),
                           b_us=round(CABLE_10KV["b"] * L / 1e3, 3), rating_mva=CABLE_10KV["mva"])

    def line(lid, kind, a, b, pts, **attrs):
        pts = [kxy(k) for k in dict.fromkeys(map(key, pts))]
        lines.append(Feature(to_line(pts), dict(id=lid, kind=kind, from_bus=a, to_bus=b, status="closed", **attrs)))
    for si, s in enumerate(subs):
        tag = "UW" + s["name"][0]
        buses.append(Feature(to_point(s["hv"]), dict(id=tag + "110", kind="substation", voltage_kv=110.0,
                                                     name=f"Umspannwerk {s['name']} 110 kV")))
        buses.append(Feature(to_point(s["mv"]), dict(id=tag + "10", kind="substation", voltage_kv=10.0,
                                                     name=f"Umspannwerk {s['name']} 10 kV")))
        mine = [b for b in range(nb) if owner[b] == si]
        load = sum(kw[b] for b in mine) / 1e3
        n_r = math.ceil(load / RING_MW)
        ang = {b: math.atan2(bus_pts[b][1] - s["mv"][1], bus_pts[b][0] - s["mv"][0]) for b in mine}
        mine.sort(key=lambda b: (ang[b], b))
        gaps = [(ang[mine[(i + 1) % len(mine)]] - ang[mine[i]]) % (2 * math.pi) for i in range(len(mine))]
        i0 = (int(np.argmax(gaps)) + 1) % len(mine)
        mine = mine[i0:] + mine[:i0]                          # start after the widest empty sector
        groups, cur, acc = [], [], 0.0
        for b in mine:
            cur.append(b)
            acc += kw[b] / 1e3
            if acc >= load * (len(groups) + 1) / n_r - 1e-9 and len(groups) < n_r - 1:
                groups.append(cur)
                cur = []
        groups.append(cur)
        for ri, grp in enumerate(groups):
            order = [grp[i] for i in tour(s["mv"], [bus_pts[b] for b in grp])]
            cum = np.cumsum([kw[b] for b in order])
            nop = int(np.argmin(np.abs(2 * cum - cum[-1])))       # open between order[nop] and order[nop + 1]
            ring = f"{s['name'][0]}{ri + 1}"
            for b in order:
                fid[b] = f"F{len(fid) + 1}"
            stops = [None] + order + [None]
            for j, (u, v) in enumerate(zip(stops, stops[1:])):
                pu, au = (s["mv"], s["access"]) if u is None else (bus_pts[u], access[u])
                pv, av = (s["mv"], s["access"]) if v is None else (bus_pts[v], access[v])
                pts = [pu] + rg.route(au, av) + [pv]
                L = max(cumlen([kxy(k) for k in dict.fromkeys(map(key, pts))])[-1], 1.0)
                line(f"C{sum(1 for f in lines if f.attrs['kind'] == 'cable') + 1}", "cable",
                     tag + "10" if u is None else fid[u], tag + "10" if v is None else fid[v], pts, **cable(L),
                     name=f"10-kV-Ring {ring}")
                if j == nop + 1:
                    lines[-1].attrs["status"] = "open"
            ring_info.append((ring, len(order), cum[nop] / 1e3, (cum[-1] - cum[nop]) / 1e3))
        # transformers and the two 110 kV circuits from the grid infeed
        for t in (1, 2):
            off = 6 if t == 1 else -6
            d = (s["mv"][0] - s["hv"][0], s["mv"][1] - s["hv"][1])
            L = math.hypot(*d) or 1.0
            mid = (s["hv"][0] + d[0] / 2 - d[1] / L * off, s["hv"][1] + d[1] / 2 + d[0] / L * off)
            line(f"TR{2 * si + t}", "transformer", tag + "110", tag + "10", [s["hv"], mid, s["mv"]],
                 rating_mva=TRANSFORMER["mva"], r_pct=TRANSFORMER["r_pct"], x_pct=TRANSFORMER["x_pct"],
                 tap=TRANSFORMER["tap"], name=f"Trafo {t} UW {s['name']}")
        via = [(2850.0, 2250.0), (1900.0, 2350.0)] if si == 0 else [(2850.0, 300.0), (2800.0, -1250.0)]
        for c in (1, 2):         # the two circuits of a double-circuit line, drawn 16 m apart
            pts = [grid_xy] + [add(p, (0, 8.0 if c == 1 else -8.0)) for p in via] + [s["hv"]]
            L = cumlen(pts)[-1] / 1e3
            line(f"L{2 * si + c}", "line", "GRID", tag + "110", pts, r_ohm=round(LINE_110KV["r"] * L, 4),
                 x_ohm=round(LINE_110KV["x"] * L, 4), b_us=round(LINE_110KV["b"] * L, 3), rating_mva=LINE_110KV["mva"],
                 name=f"110-kV-Leitung {s['name']} System {c}")
    for b in range(nb):
        p = bus_pts[b]
        street = None if b == nb - 1 else \
            next((net.ways[wi].tags.get("name") for wi, w in rg.ways if bus_keys[b] in w.keys), None)
        buses.append(Feature(to_point(p), dict(id=fid[b], kind="feeder", voltage_kv=10.0,
                                               name="Station Wasserwerk" if b == nb - 1 else f"Station {street}")))
    for f, b in zip(ctx["buildings"], served):
        f.attrs["power_bus"] = fid[b]
    for f, b in zip(ctx["signals"], sig_bus):
        f.attrs["power_bus"] = fid[b]
    for f in pumps:
        f.attrs["power_bus"] = fid[nb - 1]
    print(f"power: {total / 1e3:.1f} MW peak, {nb} feeder buses, substations "
          + ", ".join(f"{s['name']} {sum(kw[b] for b in range(nb) if owner[b] == i) / 1e3:.1f} MW"
                      for i, s in enumerate(subs))
          + "; rings " + ", ".join(f"{r}: {n} buses {a:.1f}+{b:.1f} MW" for r, n, a, b in ring_info))
    return buses, lines


def build_power_buses(ctx):
    buses, ctx["power_lines"] = build_power(ctx)
    return buses


def build_power_lines(ctx):
    return ctx["power_lines"]


# ----------------------------------------------------------------------------- output
LayerSpec = namedtuple("LayerSpec", "name geom_type fields build")
LAYERS = [   # in build order (land use first: buildings need its zones); files list them in FILE_ORDER
    LayerSpec("roads", ogr.wkbLineString, [("highway", "s"), ("name", "s"), ("lanes", "i"), ("lanes_forward", "i"),
              ("lanes_backward", "i"), ("maxspeed", "s"), ("oneway", "s"), ("junction", "s"), ("bridge", "s")], build_roads),
    LayerSpec("landuse", ogr.wkbPolygon, [("landuse", "s"), ("leisure", "s"), ("natural", "s"), ("name", "s")], build_landuse),
    LayerSpec("buildings", ogr.wkbPolygon, [("building", "s"), ("height", "s"), ("building_levels", "i"),
              ("residents", "i"), ("jobs", "i"), ("name", "s"), ("water_node", "s"), ("power_bus", "s")], build_buildings),
    LayerSpec("facilities", ogr.wkbPoint, [("amenity", "s"), ("name", "s"), ("backup_hours", "r")], build_facilities),
    LayerSpec("traffic_signals", ogr.wkbPoint, [("highway", "s"), ("power_bus", "s")], build_signals),
    LayerSpec("water_nodes", ogr.wkbPoint, [("id", "s"), ("kind", "s"), ("elevation", "r"), ("base_demand", "r"),
              ("init_level", "r"), ("min_level", "r"), ("max_level", "r"), ("diameter", "r"), ("name", "s")],
              build_water_nodes),
    LayerSpec("water_links", ogr.wkbLineString, [("id", "s"), ("kind", "s"), ("from_node", "s"), ("to_node", "s"),
              ("diameter", "r"), ("roughness", "r"), ("minor_loss", "r"), ("length", "r"), ("status", "s"),
              ("pump_head", "r"), ("pump_flow", "r"), ("setting", "r"), ("power_bus", "s"), ("control_node", "s"),
              ("on_below", "r"), ("off_above", "r"), ("name", "s")], build_water_links),
    LayerSpec("power_buses", ogr.wkbPoint, [("id", "s"), ("kind", "s"), ("voltage_kv", "r"), ("gen_mw", "r"),
              ("name", "s")], build_power_buses),
    LayerSpec("power_lines", ogr.wkbLineString, [("id", "s"), ("kind", "s"), ("from_bus", "s"), ("to_bus", "s"),
              ("r_ohm", "r"), ("x_ohm", "r"), ("b_us", "r"), ("rating_mva", "r"), ("r_pct", "r"), ("x_pct", "r"),
              ("tap", "r"), ("status", "s"), ("name", "s")], build_power_lines),
]
FILE_ORDER = ["roads", "buildings", "facilities", "traffic_signals", "landuse", "water_nodes", "water_links",
              "power_buses", "power_lines"]


def shifted(g):
    """Clone of a local-metre geometry in UTM, coordinates on the centimetre grid."""
    g = g.Clone()

    def walk(h):
        for i in range(h.GetGeometryCount()):
            walk(h.GetGeometryRef(i))
        for i in range(h.GetPointCount() if not h.GetGeometryCount() else 0):
            x, y = h.GetPoint_2D(i)
            h.SetPoint_2D(i, (round(x * 100) + E0 * 100) / 100, (round(y * 100) + N0 * 100) / 100)
    walk(g)
    return g


def temp_path(final):
    """A fresh file name next to `final` (same folder, so os.replace is atomic)."""
    d, base = os.path.split(os.path.abspath(final))
    fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=os.path.splitext(base)[1], dir=d)
    os.close(fd)
    os.remove(tmp)
    return tmp


def utm():
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(EPSG)
    return srs


def write_gpkg(path, layers):
    gdal.SetConfigOption("OGR_CURRENT_DATE", "2024-01-01T00:00:00.000Z")   # reproducible bytes
    tmp = temp_path(path)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(tmp)
    for spec, feats in layers:
        lyr = ds.CreateLayer(spec.name, utm(), spec.geom_type, ["FID=fid", "GEOMETRY_NAME=geom"])
        for fname, ftype in spec.fields:
            lyr.CreateField(ogr.FieldDefn(fname, {"s": ogr.OFTString, "i": ogr.OFTInteger, "r": ogr.OFTReal}[ftype]))
        lyr.StartTransaction()
        for f in feats:
            assert f.geom.GetGeometryType() == spec.geom_type, (spec.name, f.geom.GetGeometryName())
            of = ogr.Feature(lyr.GetLayerDefn())
            g = shifted(f.geom)
            if spec.geom_type == ogr.wkbPolygon and not g.IsValid():      # centimetre rounding broke it
                g = max(parts(g.Buffer(0), "poly"), key=lambda p: p.GetArea())
            of.SetGeometry(g)
            for fname, ftype in spec.fields:
                if f.attrs.get(fname) is not None:
                    v = f.attrs[fname]
                    of.SetField(fname, v if ftype == "s" else int(v) if ftype == "i" else float(v))
            lyr.CreateFeature(of)
        lyr.CommitTransaction()
    ds = None
    os.replace(tmp, path)


def write_dem(path, dem):
    arr, cell = dem
    tmp = temp_path(path)
    ds = gdal.GetDriverByName("GTiff").Create(tmp, arr.shape[1], arr.shape[0], 1, gdal.GDT_Float32,
                                              ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=3", "ZLEVEL=9"])
    ds.SetGeoTransform((E0 - HALF, cell, 0, N0 + HALF, 0, -cell))
    ds.SetProjection(utm().ExportToWkt())
    ds.GetRasterBand(1).SetNoDataValue(-9999)
    ds.GetRasterBand(1).WriteArray(arr)
    ds = None
    os.replace(tmp, path)


def render_preview(path, layers, dem):
    """Quick-look PNG at the DEM's resolution: hill-shaded land use, buildings, roads by class, facilities, signals."""
    gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")
    arr, cell = dem
    px = arr.shape[0]

    def mask(geoms, buf=0.0):
        ds = gdal.GetDriverByName("MEM").Create("", px, px, 1, gdal.GDT_Byte)
        ds.SetGeoTransform((-HALF, cell, 0, HALF, 0, -cell))
        src = ogr.GetDriverByName("Memory").CreateDataSource("")
        lyr = src.CreateLayer("m")
        for g in geoms:
            f = ogr.Feature(lyr.GetLayerDefn())
            f.SetGeometry(g.Buffer(buf, 2) if buf > 0 else g)
            lyr.CreateFeature(f)
        gdal.RasterizeLayer(ds, [1], lyr, burn_values=[1], options=[] if buf > 0 else ["ALL_TOUCHED=TRUE"])
        return ds.ReadAsArray().astype(bool)

    gy, gx = np.gradient(arr.astype(float), cell)
    img = np.full((px, px, 3), 230.0)
    colours = {"residential": (235, 220, 215), "commercial": (240, 200, 200), "retail": (240, 190, 200),
               "industrial": (220, 205, 230), "park": (190, 230, 170), "farmland": (235, 235, 190), "forest": (160, 205, 140),
               "grass": (205, 235, 180), "recreation_ground": (185, 225, 180), "water": (140, 180, 230)}
    for cls, col in colours.items():
        kind = lambda a: a.get("landuse", "park" if "leisure" in a else "water")
        img[mask([f.geom for f in layers["landuse"] if kind(f.attrs) == cls])] = col
    img *= np.clip(0.75 + (-gx - gy) / np.sqrt(1 + gx ** 2 + gy ** 2), 0.55, 1.1)[..., None]
    img[mask([f.geom for f in layers["buildings"]])] = (110, 100, 100)
    for cls, width, col in (("service living_street unclassified residential", 0, (255, 255, 255)),
                            ("tertiary", 6, (255, 255, 255)), ("secondary", 9, (250, 220, 110)),
                            ("primary", 11, (245, 170, 90)), ("trunk motorway motorway_link", 9, (225, 90, 90))):
        geoms = [f.geom for f in layers["roads"] if f.attrs["highway"] in cls.split()]
        img[mask(geoms, width / 2)] = (60, 60, 60)
        img[mask(geoms, width / 2 - 1.5)] = col
    def faint(m, col, a):
        img[m] = img[m] * (1 - a) + np.asarray(col, float) * a
    if "power_lines" in layers:     # utilities, faintly: 10 kV cables, water mains, 110 kV lines, their stations
        lines, links = layers["power_lines"], layers["water_links"]
        faint(mask([f.geom for f in lines if f.attrs["kind"] == "cable"]), (230, 120, 0), 0.45)
        faint(mask([f.geom for f in links if (f.attrs.get("diameter") or 0) >= 250 or f.attrs["kind"] != "pipe"]),
              (20, 90, 220), 0.75)
        faint(mask([f.geom for f in lines if f.attrs["kind"] == "line"]), (130, 40, 160), 0.8)
        faint(mask([f.geom for f in layers["power_buses"] if f.attrs["kind"] == "feeder"], 6), (230, 120, 0), 0.8)
        img[mask([f.geom for f in layers["power_buses"] if f.attrs["kind"] != "feeder"], 20)] = (130, 40, 160)
        img[mask([f.geom for f in layers["water_nodes"] if f.attrs["kind"] != "junction"], 22)] = (20, 90, 220)
    for name, col, r in (("facilities", (200, 0, 0), 22), ("traffic_signals", (0, 150, 0), 10)):
        img[mask([f.geom for f in layers[name]], r)] = col
    ds = gdal.GetDriverByName("MEM").Create("", px, px, 3, gdal.GDT_Byte)
    for b in range(3):
        ds.GetRasterBand(b + 1).WriteArray(np.clip(img[..., b], 0, 255).astype(np.uint8))
    tmp = temp_path(path)
    gdal.GetDriverByName("PNG").CreateCopy(tmp, ds, options=["ZLEVEL=9"])
    os.replace(tmp, path)


def print_stats(layers, info, dem):
    for name in FILE_ORDER + [n for n in layers if n not in FILE_ORDER]:
        keys = ("highway", "building", "amenity", "landuse", "leisure", "natural", "kind")
        kinds = Counter(next((f.attrs[k] for k in keys if f.attrs.get(k)), "?") for f in layers[name])
        print(f"{name:16s} {len(layers[name]):6d}  " + ", ".join(f"{k}={v}" for k, v in sorted(kinds.items())))
    roads, blds = layers["roads"], layers["buildings"]
    km = Counter()
    for f in roads:
        km[f.attrs["highway"]] += f.geom.Length() / 1000
    print("road km: " + ", ".join(f"{k}={v:.1f}" for k, v in sorted(km.items())) + f", total={sum(km.values()):.1f}")
    print(f"one-way: {Counter(f.attrs.get('oneway') for f in roads if f.attrs.get('oneway'))}, bridges: "
          f"{sum(1 for f in roads if f.attrs.get('bridge'))}, residents {sum(f.attrs.get('residents', 0) for f in blds)}, "
          f"jobs {sum(f.attrs.get('jobs', 0) for f in blds)}")
    if "water_links" in layers:
        dn = Counter()
        for f in layers["water_links"]:
            if f.attrs["kind"] == "pipe":
                dn[int(f.attrs["diameter"])] += f.attrs["length"] / 1000
        cab = [f for f in layers["power_lines"] if f.attrs["kind"] == "cable"]
        print("pipe km by DN: " + ", ".join(f"{k}={v:.1f}" for k, v in sorted(dn.items()))
              + f", total={sum(dn.values()):.1f}; "
              f"10 kV cable {sum(f.geom.Length() for f in cab) / 1000:.1f} km in {len(cab)} sections, "
              f"{sum(1 for f in cab if f.attrs['status'] == 'open')} normally open")
    print("; ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in info.items()))
    print(f"extent E {E0 - HALF:.0f}..{E0 + HALF:.0f}, N {N0 - HALF:.0f}..{N0 + HALF:.0f} (EPSG:{EPSG}); "
          f"DEM {dem[0].shape[1]}x{dem[0].shape[0]} @ {dem[1]:g} m, {dem[0].min():.1f}..{dem[0].max():.1f} m")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="assets/sample_city", help="output folder (default assets/sample_city)")
    ap.add_argument("--seed", type=int, default=38, help="random seed (default 38)")
    ap.add_argument("--no-preview", action="store_true", help="do not render preview.png")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    site = Site()
    rng = random.Random(args.seed)
    dem = make_dem(site, random.Random(args.seed + 1))
    net, info = build_network(site, rng)
    ctx = {"site": site, "net": net, "rng": rng, "dem": dem, "seed": args.seed}
    layers = {spec.name: spec.build(ctx) for spec in LAYERS}
    specs = sorted(LAYERS, key=lambda s: FILE_ORDER.index(s.name) if s.name in FILE_ORDER else len(FILE_ORDER))
    write_gpkg(os.path.join(args.out, "city.gpkg"), [(s, layers[s.name]) for s in specs])
    write_dem(os.path.join(args.out, "dem.tif"), dem)
    if not args.no_preview:
        render_preview(os.path.join(args.out, "preview.png"), layers, dem)
    print_stats(layers, info, dem)


if __name__ == "__main__":
    main()
