#!/usr/bin/env python3
"""Writes a synthetic OpenStreetMap XML city for load benchmarks: a grid of streets (every
5th an arterial with signals) and blocks of buildings, like a real extract: most buildings only
`building=yes`, some with `height` (text with units) or `building:levels`.

    python3 bench/synth_osm.py --blocks 40 --per-block 16 --out /tmp/big.osm   # 25,600 buildings
"""
import argparse
import math
import random


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--blocks", type=int, default=40, help="blocks per side")
    ap.add_argument("--per-block", type=int, default=16, help="buildings per block (a square number)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    lat0, lon0 = 48.0, 11.0
    block = 100.0  # m
    mlat = 1.0 / 111_200.0
    mlon = 1.0 / (111_320.0 * math.cos(math.radians(lat0)))
    nid = [0]
    out = open(a.out, "w")
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="citytwin-bench">\n')

    def node(x, y, tags=None):
        nid[0] += 1
        out.write(f'<node id="{nid[0]}" lat="{lat0 + y * mlat:.7f}" lon="{lon0 + x * mlon:.7f}" version="1"')
        if tags:
            out.write(">" + "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items()) + "</node>\n")
        else:
            out.write("/>\n")
        return nid[0]

    n = a.blocks + 1
    grid = [[node(i * block, j * block) for i in range(n)] for j in range(n)]
    for j in range(0, n, 5):
        for i in range(0, n, 5):
            node(i * block + 3, j * block + 3, {"highway": "traffic_signals"})
    ways = []
    wid = 1_000_000
    for j in range(n):  # east-west streets
        cls = "primary" if j % 5 == 0 else "residential"
        ways.append((wid, [grid[j][i] for i in range(n)], {"highway": cls, "name": f"Street {j}"}))
        wid += 1
    for i in range(n):  # north-south streets
        cls = "secondary" if i % 5 == 0 else "residential"
        tags = {"highway": cls, "name": f"Avenue {i}"}
        if i % 7 == 3:
            tags["oneway"] = "yes"
        ways.append((wid, [grid[j][i] for j in range(n)], tags))
        wid += 1
    k = int(math.sqrt(a.per_block))
    cell = (block - 30.0) / k
    for bj in range(a.blocks):
        for bi in range(a.blocks):
            for q in range(k * k):
                x0 = bi * block + 15 + (q % k) * cell
                y0 = bj * block + 15 + (q // k) * cell
                w, h = cell * rnd.uniform(0.5, 0.8), cell * rnd.uniform(0.5, 0.8)
                ring = [node(x0, y0), node(x0 + w, y0), node(x0 + w, y0 + h), node(x0, y0 + h)]
                ring.append(ring[0])
                r = rnd.random()
                tags = {"building": "yes" if r < 0.6 else rnd.choice(["house", "apartments", "retail", "office"])}
                if r < 0.2:
                    tags["height"] = f"{rnd.uniform(4, 30):.1f} m"
                elif r < 0.4:
                    tags["building:levels"] = str(rnd.randint(1, 8))
                ways.append((wid, ring, tags))
                wid += 1
    for wid, nds, tags in ways:
        out.write(f'<way id="{wid}" version="1">' + "".join(f'<nd ref="{r}"/>' for r in nds))
        out.write("".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items()) + "</way>\n")
    out.write("</osm>\n")
    out.close()


if __name__ == "__main__":
    main()
