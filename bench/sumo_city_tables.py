#!/usr/bin/env python3
"""Tables of bench/sumo_city_compare.sh: SUMO and CityTwin on the same city and trips.

Reads the folder the script filled: sumo.{time,log,tripinfo.xml,summary.xml,edgedata.xml},
ct_city/ and ct_sumonet/ (citytwin run outputs) with their .time files, and export/city.edg.xml.
Prints markdown tables: the runs, the ratios CityTwin / SUMO, the per-link flow comparison (R^2
of link counts, GEH < 5 share of link-hours) and the links that differ most.
"""
import csv
import json
import math
import os
import sys
import xml.etree.ElementTree as ET

out = sys.argv[1]
RUNS = (("sumo", "SUMO 1.15 (exported net)"), ("ct_city", "CityTwin (its own city)"),
        ("ct_sumonet", "CityTwin (on SUMO's net)"))


def time_file(p):
    """Wall s, peak MB, CPU s of a process, from /usr/bin/time -f '%e %M %U %S'."""
    wall, kb, user, system = open(p).read().split()[-4:]
    return float(wall), float(kb) / 1024.0, float(user) + float(system)


def mean(xs):
    xs = list(xs)
    return sum(xs) / len(xs) if xs else float("nan")


def sumo_run():
    trips = {t.get("id"): (float(t.get("duration")), float(t.get("timeLoss")), float(t.get("routeLength")))
             for t in ET.parse(f"{out}/sumo.tripinfo.xml").getroot().iter("tripinfo")}
    steps = list(ET.parse(f"{out}/sumo.summary.xml").getroot().iter("step"))
    updates = sum(int(s.get("running")) for s in steps)
    last = steps[-1]
    tele, ups = 0, float("nan")
    for line in open(f"{out}/sumo.log"):
        if line.startswith("Teleports:"):
            tele = int(line.split()[1])
        if line.strip().startswith("UPS:"):
            ups = float(line.split()[1])
    wall, mb, cpu = time_file(f"{out}/sumo.time")
    # Per edge and hour: vehicles that entered or departed on it, and its mean speed.
    flows, speed = {}, {}
    for iv in ET.parse(f"{out}/sumo.edgedata.xml").getroot().iter("interval"):
        h = int(float(iv.get("begin")) // 3600)
        for e in iv.iter("edge"):
            n = int(float(e.get("entered", 0))) + int(float(e.get("departed", 0)))
            flows[(e.get("id"), h)] = flows.get((e.get("id"), h), 0) + n
            ss = float(e.get("sampledSeconds", 0))
            if ss > 0 and e.get("speed") is not None:
                a = speed.setdefault(e.get("id"), [0.0, 0.0])
                a[0] += float(e.get("speed")) * ss
                a[1] += ss
    return dict(trips=trips, updates=updates, tele=tele, ups=ups, wall=wall, mb=mb, cpu=cpu,
                departed=int(last.get("inserted")), running=int(last.get("running")),
                flows=flows, speed={k: v[0] / v[1] for k, v in speed.items() if v[1] > 0})


def ct_run(key):
    d = f"{out}/{key}"
    trips = {r["id"]: (float(r["duration"]), float(r["timeLoss"]), float(r["routeLength"]))
             for r in csv.DictReader(open(f"{d}/tripinfo.csv")) if r["outcome"] == "arrived"}
    s = json.load(open(f"{d}/summary.json"))
    updates = sum(float(r["running"]) * (float(r["end"]) - float(r["begin"])) for r in csv.DictReader(open(f"{d}/kpi.csv")))
    wall, mb, cpu = time_file(f"{out}/{key}.time")
    flows, speed = {}, {}
    for r in csv.DictReader(open(f"{d}/link_stats.csv")):
        link = r["link"] if r["link"].startswith("L") else "L" + r["link"]
        span = float(r["end"]) - float(r["begin"])
        h = int(float(r["begin"]) // 3600)
        n = float(r["flow_vph"]) * span / 3600.0
        flows[(link, h)] = flows.get((link, h), 0.0) + n
        vs = float(r["density_vpkm"]) * float(r["length_m"]) / 1000.0 * span  # vehicle-seconds
        if vs > 0:
            a = speed.setdefault(link, [0.0, 0.0])
            a[0] += float(r["speed_kmh"]) / 3.6 * vs
            a[1] += vs
    flows = {k: round(v) for k, v in flows.items() if round(v) > 0}
    t = s["trips"]
    return dict(trips=trips, updates=round(updates), tele=t["teleports"], ups=s["vehicle_updates_per_second"],
                wall=wall, mb=mb, cpu=cpu, departed=t["inserted"], running=t["running"], no_route=t["no_route"],
                removed=t["removed"], flows=flows, speed={k: v[0] / v[1] for k, v in speed.items() if v[1] > 0})


res = {"sumo": sumo_run()}
for key in ("ct_city", "ct_sumonet"):
    if os.path.exists(f"{out}/{key}/summary.json"):
        res[key] = ct_run(key)
runs = [(k, label) for k, label in RUNS if k in res]
planned = sum(1 for _ in ET.parse(f"{out}/export/trips.xml").getroot().iter("trip")) + \
    sum(1 for _ in ET.parse(f"{out}/export/trips.xml").getroot().iter("vehicle"))
common = set(res["sumo"]["trips"])
for k, _ in runs:
    common &= set(res[k]["trips"])

print()
print(f"{planned:,} trips planned; common trips (arrived in every run): {len(common):,}")
print()
print("| run | departed | arrived | still running at the end | teleports | mean travel time s | mean time loss s "
      "| mean route length m | travel time, common trips s | time loss, common trips s | wall s (process) "
      "| vehicle-updates | updates/s (simulation loop) | peak MB |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for k, label in runs:
    r = res[k]
    tr = r["trips"].values()
    r["tt"], r["tl"], r["rl"] = mean(v[0] for v in tr), mean(v[1] for v in tr), mean(v[2] for v in tr)
    r["tt_c"] = mean(r["trips"][i][0] for i in common)
    r["tl_c"] = mean(r["trips"][i][1] for i in common)
    r["rl_c"] = mean(r["trips"][i][2] for i in common)
    print(f"| {label} | {r['departed']:,} | {len(r['trips']):,} | {r['running']:,} | {r['tele']} | {r['tt']:.1f} "
          f"| {r['tl']:.1f} | {r['rl']:.0f} | {r['tt_c']:.1f} | {r['tl_c']:.1f} | {r['wall']:.1f} "
          f"| {r['updates']:,} | {r['ups']:,.0f} | {r['mb']:.0f} |")

print()
print("| CityTwin / SUMO | arrived | mean travel time | mean time loss | mean route length "
      "| travel time, common trips | time loss, common trips | route length, common trips | wall time "
      "| updates/s |")
print("|---|---|---|---|---|---|---|---|---|---|")
s = res["sumo"]
for k, label in runs[1:]:
    r = res[k]
    print(f"| {label} | {len(r['trips']) / len(s['trips']):.3f} | {r['tt'] / s['tt']:.3f} | {r['tl'] / s['tl']:.3f} "
          f"| {r['rl'] / s['rl']:.3f} | {r['tt_c'] / s['tt_c']:.3f} | {r['tl_c'] / s['tl_c']:.3f} "
          f"| {r['rl_c'] / s['rl_c']:.3f} | {r['wall'] / s['wall']:.3f} | {r['ups'] / s['ups']:.1f} |")


MIN_LEN = 25.0  # m: a step's travel at 90 km/h
lane_len = {e.get("id"): float(e.get("length", 0)) for e in ET.parse(f"{out}/export/city.edg.xml").getroot().iter("edge")}


def geh(m, c):
    return math.sqrt(2.0 * (m - c) ** 2 / (m + c)) if m + c > 0 else 0.0


def r2(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy * sxy / (sxx * syy) if sxx > 0 and syy > 0 else float("nan")


print()
print("Link counts (vehicles entering or departing on a link; SUMO edgeData entered + departed, CityTwin "
      "link_stats flow x interval), per link over the run and per link-hour:")
print()
print("CityTwin also counts the links a vehicle drives over within one step; the figures are given for all")
print(f"links and for links of at least {MIN_LEN:.0f} m (the ones both simulators sample reliably).")
print()
print("| CityTwin run vs SUMO | links | links with traffic | R^2 of link counts | slope (CityTwin / SUMO) "
      "| link-hours | GEH < 5 | GEH < 10 | mean link speed / SUMO (vehicle-time weighted) |")
print("|---|---|---|---|---|---|---|---|---|")
for (k, label), subset in [(run, sub) for run in runs[1:] for sub in ("all", "long")]:
    r = res[k]
    keys = set(s["flows"]) | set(r["flows"])
    if subset == "long":
        keys = {key for key in keys if lane_len.get(key[0], 0.0) >= MIN_LEN}
    links = sorted({e for e, _ in keys})
    tot_s = {e: 0 for e in links}
    tot_c = {e: 0 for e in links}
    for (e, h) in keys:
        tot_s[e] += s["flows"].get((e, h), 0)
        tot_c[e] += r["flows"].get((e, h), 0)
    xs = [tot_s[e] for e in links]
    ys = [tot_c[e] for e in links]
    slope = sum(x * y for x, y in zip(xs, ys)) / sum(x * x for x in xs)
    g = [geh(r["flows"].get(key, 0), s["flows"].get(key, 0)) for key in keys]
    both = [e for e in links if e in s["speed"] and e in r["speed"]]
    w = sum(s["speed"][e] * 0 + tot_s[e] for e in both)
    sp = sum(r["speed"][e] / s["speed"][e] * tot_s[e] for e in both) / w if w > 0 else float("nan")
    print(f"| {label} | {'all' if subset == 'all' else f'>= {MIN_LEN:.0f} m'} | {len(links):,} | {r2(xs, ys):.3f} "
          f"| {slope:.3f} | {len(g):,} "
          f"| {100.0 * sum(1 for x in g if x < 5) / len(g):.1f} % | {100.0 * sum(1 for x in g if x < 10) / len(g):.1f} % "
          f"| {sp:.3f} |")
    if subset == "all":
        r["tot"], r["tot_s"] = tot_c, tot_s

# The links that differ most (hourly GEH of the run's mean hourly flow), with names and speeds.
names = {}
edge_to, neighbours = {}, {}
for e in ET.parse(f"{out}/export/city.edg.xml").getroot().iter("edge"):
    cls = next((p.get("value") for p in e.iter("param") if p.get("key") == "highway"), "")
    names[e.get("id")] = (e.get("name") or "", cls)
    edge_to[e.get("id")] = e.get("to")
    neighbours.setdefault(e.get("from"), set()).add(e.get("to"))
    neighbours.setdefault(e.get("to"), set()).add(e.get("from"))
hours = max(1, 1 + max(h for _, h in s["flows"]))
for k, label in runs[1:2]:
    r = res[k]
    ranked = sorted(r["tot"], key=lambda e: -geh(r["tot"][e] / hours, r["tot_s"][e] / hours))[:12]
    print()
    print(f"Links that differ most, {label} vs SUMO (GEH of the mean hourly flow over {hours} h):")
    print()
    print("| link | road | class | SUMO vehicles | CityTwin vehicles | CityTwin on SUMO's net | SUMO km/h "
          "| CityTwin km/h | CityTwin on SUMO's net km/h |")
    print("|---|---|---|---|---|---|---|---|---|")
    other = res.get("ct_sumonet", {"tot": {}, "speed": {}})
    for e in ranked:
        nm, cl = names.get(e, ("", ""))

        def kmh(d):
            return f"{d[e] * 3.6:.1f}" if e in d else "-"
        print(f"| {e} | {nm} | {cl} | {r['tot_s'][e]:,} | {r['tot'][e]:,} | {other['tot'].get(e, 0):,} "
              f"| {kmh(s['speed'])} | {kmh(r['speed'])} | {kmh(other['speed'])} |")


# Where the time goes: vehicle-hours on the links, grouped by what a link ends at (SUMO's right of
# way from city.net.xml), and inside junctions (internal lanes: the trips' total minus the links).
net_states = {}
for c in ET.parse(f"{out}/export/city.net.xml").getroot().iter("connection"):
    if not c.get("from").startswith(":"):
        net_states.setdefault(c.get("from"), []).append("T" if c.get("tl") else c.get("state"))


def category(e):
    if len(neighbours.get(edge_to[e], ())) < 3:
        return "links ending at no junction (bend, dead end)"
    st = net_states.get(e, [])
    if "T" in st:
        return "links ending at a signal"
    if st and all(x == "M" for x in st):
        return "links ending at a priority junction, major road"
    return "links ending at a priority junction, yielding (some or all turns)"


def front_seconds(e):
    """SUMO's sampledSeconds count a vehicle while any part of it is on the lane; CityTwin counts
    the front bumper. The front's share is estimated as traveltime / overlapTraveltime."""
    ss = float(e.get("sampledSeconds", 0))
    tt, ot = e.get("traveltime"), e.get("overlapTraveltime")
    return ss * float(tt) / float(ot) if tt and ot and float(ot) > 0 else ss


def vehicle_hours(k):
    """Vehicle-hours per category, from SUMO edgeData sampledSeconds or CityTwin link_stats."""
    vh = {}
    if k == "sumo":
        for iv in ET.parse(f"{out}/sumo.edgedata.xml").getroot().iter("interval"):
            for e in iv.iter("edge"):
                c = category(e.get("id"))
                vh[c] = vh.get(c, 0.0) + front_seconds(e) / 3600.0
    else:
        for r in csv.DictReader(open(f"{out}/{k}/link_stats.csv")):
            link = r["link"] if r["link"].startswith("L") else "L" + r["link"]
            span = float(r["end"]) - float(r["begin"])
            c = category(link)
            vh[c] = vh.get(c, 0.0) + float(r["density_vpkm"]) * float(r["length_m"]) / 1000.0 * span / 3600.0
    total = sum(v[0] for v in res[k]["trips"].values()) / 3600.0
    vh["inside junctions (internal lanes)"] = total - sum(vh.values())
    vh["all (sum of the trips' travel times)"] = total
    return vh


print()
print("Where the time goes (vehicle-hours with the front bumper on a link, grouped by what the link ends at "
      "after SUMO's right of way; SUMO's front time estimated from edgeData; inside junctions = the rest):")
print()
hdr = "| | SUMO | " + " | ".join(label + " | / SUMO" for k, label in runs[1:]) + " |"
print(hdr)
print("|---|---|" + "---|---|" * (len(runs) - 1))
vhs = {k: vehicle_hours(k) for k, _ in runs}
for c in sorted(vhs["sumo"], key=lambda c: (c.startswith("all"), c.startswith("inside"), c)):
    row = f"| {c} | {vhs['sumo'][c]:,.1f} |"
    for k, _ in runs[1:]:
        v = vhs[k].get(c, 0.0)
        row += f" {v:,.1f} | {v / vhs['sumo'][c]:.3f} |" if vhs["sumo"][c] > 0 else f" {v:,.1f} | - |"
    print(row)

# The links where SUMO spends the most time more than CityTwin (front time on the link).
def link_hours(k):
    vh = {}
    if k == "sumo":
        for iv in ET.parse(f"{out}/sumo.edgedata.xml").getroot().iter("interval"):
            for e in iv.iter("edge"):
                vh[e.get("id")] = vh.get(e.get("id"), 0.0) + front_seconds(e) / 3600.0
    else:
        for r in csv.DictReader(open(f"{out}/{k}/link_stats.csv")):
            link = r["link"] if r["link"].startswith("L") else "L" + r["link"]
            span = float(r["end"]) - float(r["begin"])
            vh[link] = vh.get(link, 0.0) + float(r["density_vpkm"]) * float(r["length_m"]) / 1000.0 * span / 3600.0
    return vh


lh = {k: link_hours(k) for k, _ in runs}
worst = sorted(lh["sumo"], key=lambda e: -(lh["sumo"][e] - lh[runs[1][0]].get(e, 0.0)))[:10]
print()
print(f"Links where SUMO spends the most vehicle-hours more than {runs[1][1]}:")
print()
print("| link | road | class | ends at | SUMO h | " + " | ".join(f"{label} h" for _, label in runs[1:]) + " |")
print("|---|---|---|---|---|" + "---|" * (len(runs) - 1))
for e in worst:
    nm, cl = names.get(e, ("", ""))
    print(f"| {e} | {nm} | {cl} | {category(e).replace('links ending at ', '')} | {lh['sumo'][e]:.1f} | "
          + " | ".join(f"{lh[k].get(e, 0.0):.1f}" for k, _ in runs[1:]) + " |")

# Right of way at priority junctions: CityTwin's (citytwin signals) against SUMO's (netconvert).
if os.path.exists(f"{out}/ct_junctions.json"):
    sumo_state = {}
    for c in ET.parse(f"{out}/export/city.net.xml").getroot().iter("connection"):
        if not c.get("from").startswith(":") and not c.get("tl"):
            sumo_state[(c.get("from"), int(c.get("fromLane")), c.get("to"))] = c.get("state")
    agree = total = ct_yield_sumo_major = ct_major_sumo_yield = 0
    for node in json.load(open(f"{out}/ct_junctions.json")):
        if "phases" in node:
            continue
        for c in node["connections"]:
            key = ("L" + c["from_link"], int(c["from_lane"]), "L" + c["to_link"])
            st = sumo_state.get(key)
            if st is None:
                continue
            total += 1
            ct_major = c["priority"] == "G"
            sumo_major = st == "M"
            agree += ct_major == sumo_major
            ct_yield_sumo_major += (not ct_major) and sumo_major
            ct_major_sumo_yield += ct_major and not sumo_major
    print()
    print(f"Right of way at unsignalised junctions (degree >= 3): {total:,} connections; CityTwin and SUMO agree on "
          f"{100.0 * agree / max(total, 1):.1f} % (CityTwin yields where SUMO has priority: {ct_yield_sumo_major:,}; "
          f"CityTwin has priority where SUMO yields: {ct_major_sumo_yield:,})")


# Inside junctions, by control and turn: SUMO's internal edges (edgeData withInternal) against
# citytwin-junction-time (each simulator's own right of way).
if os.path.exists(f"{out}/sumo.edgedata_internal.xml"):
    net = ET.parse(f"{out}/export/city.net.xml").getroot()
    jtype = {j.get("id"): j.get("type") for j in net.iter("junction")}
    via_of, nxt = {}, {}
    for c in net.iter("connection"):
        if c.get("from").startswith(":"):
            if c.get("via"):
                nxt[c.get("from") + "_" + c.get("fromLane")] = c.get("via")
        elif c.get("via"):
            via_of[c.get("via")] = c
    dirs = {"s": "straight", "r": "right", "R": "right", "l": "left", "L": "left", "t": "uturn"}
    lane_key = {}
    for via, c in via_of.items():
        node = edge_to[c.get("from")]
        if len(neighbours.get(node, ())) < 3:
            ctl = "no junction"
        elif c.get("tl"):
            ctl = "signal"
        else:
            ctl = "priority, major" if c.get("state") == "M" else "priority, yields"
        key = (ctl, dirs.get(c.get("dir"), c.get("dir")))
        v = via
        while v:
            lane_key[v.rsplit("_", 1)[0]] = key  # the internal edge of the lane
            v = nxt.get(v)
    inside = {"sumo": {}}
    for iv in ET.parse(f"{out}/sumo.edgedata_internal.xml").getroot().iter("interval"):
        for e in iv.iter("edge"):
            key = lane_key.get(e.get("id"))
            if key is not None:
                a = inside["sumo"].setdefault(key, [0.0, 0.0])
                a[0] += front_seconds(e) / 3600.0
                a[1] += float(e.get("waitingTime", 0)) / 3600.0
    for k, _ in runs[1:]:
        p = f"{out}/{k}.junction_time.json"
        if os.path.exists(p):
            inside[k] = {}
            for row in json.load(open(p))["rows"]:
                if row["where"] == "internal lanes":
                    inside[k][(row["control"], row["dir"])] = [row["vehicle_s"] / 3600.0, row["standing_s"] / 3600.0]
    print()
    print("Inside junctions by control and turn (vehicle-hours on internal lanes, of them standing; each simulator "
          "by its own right of way; SUMO: internal edgeData, front time estimated; CityTwin: citytwin-junction-time):")
    print()
    cols = [k for k, _ in runs if k in inside]
    print("| control | turn | " + " | ".join(f"{dict(runs)[k]} h (standing)" for k in cols) + " |")
    print("|---|---|" + "---|" * len(cols))
    keys = sorted(set().union(*(set(inside[k]) for k in cols)))
    tot = {k: [0.0, 0.0] for k in cols}
    for key in keys:
        row = f"| {key[0]} | {key[1]} |"
        for k in cols:
            a = inside[k].get(key, [0.0, 0.0])
            tot[k][0] += a[0]
            tot[k][1] += a[1]
            row += f" {a[0]:.1f} ({a[1]:.1f}) |"
        print(row)
    print("| all | |" + "".join(f" {tot[k][0]:.1f} ({tot[k][1]:.1f}) |" for k in cols))
