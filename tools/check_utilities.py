#!/usr/bin/env -S /usr/bin/python3
"""Dev-only check of the sample city's water and power layers (not part of the build or the tests).

Reads water_nodes, water_links, power_buses, power_lines, buildings and traffic_signals from the GeoPackage,
applies the demand and load rules of docs/data-schema.md (imported from gen_sample_city.py), and
  1. water: writes an EPANET .inp (24 h extended period, 1 h steps, the diurnal pattern, building demands,
     the pumps' tank-level controls) and solves it with the EPANET toolkit (npm's epanet-js, run by node), and
     with `citytwin water` when the binary exists; reports junction pressures per hour, tank levels, pump hours;
  2. power: writes a MATPOWER case at the evening peak and runs `citytwin power` on it (AC, then --n-1), and the
     same with each substation transformer out; reports voltages and branch loadings;
  3. connectivity: every building's water_node and power_bus exist, the water graph and the closed power graph
     are connected, every junction can be reached from a source over open links.

    /usr/bin/python3 tools/check_utilities.py [--gpkg assets/sample_city/city.gpkg] [--citytwin BIN]
                                              [--epanet-js DIR] [--out DIR]

epanet-js is looked for in --epanet-js, $EPANET_JS, `npm root -g`, `npm root` and ./node_modules. Exit code 0 when
every target holds (pressures 20-80 m at junctions with demand, tanks neither empty nor full, voltages 0.95-1.05
p.u., branches at most 80 % loaded, no transformer overloaded with its twin out, everything connected), 1 otherwise.
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict

from osgeo import ogr

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_sample_city as gen  # noqa: E402  (the demand and load rules, one source of truth)

ogr.UseExceptions()
RHO_G = 9.81          # kN/m^3: kW = RHO_G * Q[m^3/s] * H[m] / efficiency
PUMP_EFFICIENCY = gen.PUMP_EFFICIENCY
NODE_SCRIPT = r"""
import fs from "fs";
const { Project, Workspace } = await import(process.env.EPANET_JS_ENTRY);
const ws = new Workspace();
await ws.loadModule();
const p = new Project(ws);
ws.writeFile("net.inp", fs.readFileSync(process.argv[2]));
p.open("net.inp", "report.rpt", "out.bin");
const nn = p.getCount(0), nl = p.getCount(2);
const ids = [], links = [];
for (let i = 1; i <= nn; i++) ids.push(p.getNodeId(i));
for (let i = 1; i <= nl; i++) links.push(p.getLinkId(i));
const steps = [];
p.openH();
p.initH(0);
let dt = 0;
do {
  const t = p.runH();
  const s = { t, head: [], pressure: [], flow: [], velocity: [] };
  for (let i = 1; i <= nn; i++) { s.head.push(p.getNodeValue(i, 10)); s.pressure.push(p.getNodeValue(i, 11)); }
  for (let i = 1; i <= nl; i++) { s.flow.push(p.getLinkValue(i, 8)); s.velocity.push(p.getLinkValue(i, 9)); }
  dt = p.nextH();
  s.dt = dt;
  steps.push(s);
} while (dt > 0);
p.closeH();
console.log(JSON.stringify({ nodes: ids, links, steps }));
"""


def read_layer(ds, name):
    lyr = ds.GetLayerByName(name)
    if lyr is None:
        sys.exit(f"{name}: no such layer")
    out = []
    for f in lyr:
        g = f.GetGeometryRef()
        out.append((g.Clone() if g else None, {k: f.GetField(k) for k in f.keys()}))
    return out


def demands(buildings):
    """Average water demand (l/s) per water node and peak load (kW) per power bus, from the buildings."""
    water, power = defaultdict(float), defaultdict(float)
    for g, a in buildings:
        res, jobs, use = gen.occupants(a, g.GetArea())
        water[a["water_node"]] += gen.water_lps(res, jobs)
        power[a["power_bus"]] += gen.power_kw(res, jobs, use)
    return water, power


def write_inp(path, nodes, links, water, hours=24):
    num = lambda v, d=0.0: d if v is None else v
    J = [a for _, a in nodes if a["kind"] == "junction"]
    R = [a for _, a in nodes if a["kind"] == "reservoir"]
    T = [a for _, a in nodes if a["kind"] == "tank"]
    L = {k: [a for _, a in links if a["kind"] == k] for k in ("pipe", "pump")}
    V = [a for _, a in links if a["kind"] not in ("pipe", "pump")]
    out = ["[TITLE]", "Auenfurt water network (tools/check_utilities.py)", "", "[JUNCTIONS]"]
    out += [f"{a['id']} {a['elevation']:.2f} {water.get(a['id'], 0.0) + num(a['base_demand']):.5f} DIURNAL" for a in J]
    out += ["", "[RESERVOIRS]"] + [f"{a['id']} {a['elevation']:.2f}" for a in R]
    out += ["", "[TANKS]"] + [f"{a['id']} {a['elevation']:.2f} {a['init_level']} {a['min_level']} {a['max_level']} "
                              f"{a['diameter']} 0" for a in T]
    status = {"open": "Open", "closed": "Closed", "cv": "CV"}
    out += ["", "[PIPES]"] + [f"{a['id']} {a['from_node']} {a['to_node']} {max(a['length'], 0.1):.2f} {a['diameter']} "
                              f"{a['roughness']} {num(a['minor_loss'])} {status[a['status'] or 'open']}" for a in L["pipe"]]
    out += ["", "[PUMPS]"] + [f"{a['id']} {a['from_node']} {a['to_node']} HEAD C_{a['id']}" for a in L["pump"]]
    out += ["", "[VALVES]"] + [f"{a['id']} {a['from_node']} {a['to_node']} {a['diameter']} {a['kind'].upper()} "
                               f"{a['setting']} {num(a['minor_loss'])}" for a in V]
    out += ["", "[CURVES]"] + [f"C_{a['id']} {a['pump_flow']} {a['pump_head']}" for a in L["pump"]]
    pat = gen.WATER_PATTERN
    out += ["", "[PATTERNS]"] + [f"DIURNAL {' '.join(f'{v:g}' for v in pat[i:i + 6])}" for i in range(0, 24, 6)]
    out += ["", "[STATUS]"] + [f"{a['id']} {status[a['status']]}" for _, a in links
                               if a["kind"] != "pipe" and a["status"] == "closed"]
    out += ["", "[CONTROLS]"]
    for a in L["pump"]:
        if a.get("control_node"):
            out += [f"LINK {a['id']} OPEN IF NODE {a['control_node']} BELOW {a['on_below']}",
                    f"LINK {a['id']} CLOSED IF NODE {a['control_node']} ABOVE {a['off_above']}"]
    out += ["", "[TIMES]", f"Duration {hours}:00", "Hydraulic Timestep 1:00", "Pattern Timestep 1:00",
            "Report Timestep 1:00", "", "[OPTIONS]", "Units LPS", "Headloss H-W", "Trials 200", "Accuracy 0.001", "", "[END]", ""]
    with open(path, "w") as f:
        f.write("\n".join(out))


def find_epanet_js(arg):
    cands = [arg, os.environ.get("EPANET_JS")]
    for cmd in (["npm", "root", "-g"], ["npm", "root"]):
        try:
            cands.append(os.path.join(subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip(),
                                      "epanet-js"))
        except (OSError, subprocess.SubprocessError):
            pass
    cands += [os.path.join(os.getcwd(), "node_modules", "epanet-js"), "/tmp/epanetjs/node_modules/epanet-js"]
    for c in cands:
        if c and os.path.isfile(os.path.join(c, "dist", "index.mjs")):
            return os.path.join(c, "dist", "index.mjs")
    return None


def check_water(nodes, links, water, tmp, args, fails):
    inp = os.path.join(tmp, "auenfurt.inp")
    write_inp(inp, nodes, links, water, args.hours)
    print(f"water: {len(nodes)} nodes, {len(links)} links, average demand {sum(water.values()):.1f} l/s "
          f"(peak {max(gen.WATER_PATTERN) * sum(water.values()):.1f} l/s); EPANET file {inp}")
    entry = find_epanet_js(args.epanet_js)
    if entry is None:
        fails.append("epanet-js not found (npm install epanet-js, or --epanet-js DIR)")
        return
    script = os.path.join(tmp, "run_epanet.mjs")
    with open(script, "w") as f:
        f.write(NODE_SCRIPT)
    r = subprocess.run(["node", script, inp], capture_output=True, text=True,
                       env=dict(os.environ, EPANET_JS_ENTRY="file://" + entry))
    if r.returncode != 0:
        fails.append("epanet-js failed: " + r.stderr[-2000:])
        return
    res = json.loads(r.stdout)
    kind = {a["id"]: a["kind"] for _, a in nodes}
    elev = {a["id"]: a["elevation"] for _, a in nodes}
    lk = {a["id"]: a for _, a in links}
    demand_idx = [i for i, n in enumerate(res["nodes"]) if kind[n] == "junction" and water.get(n, 0) > 0]
    tanks = [(i, n) for i, n in enumerate(res["nodes"]) if kind[n] == "tank"]
    tank_attrs = {a["id"]: a for _, a in nodes if a["kind"] == "tank"}
    pumps = [(i, n) for i, n in enumerate(res["links"]) if lk[n]["kind"] == "pump"]
    valves = [(i, n) for i, n in enumerate(res["links"]) if lk[n]["kind"] not in ("pipe", "pump")]
    print(f"EPANET (epanet-js): {len(res['steps'])} hydraulic steps; pressures at the {len(demand_idx)} junctions "
          f"with demand (m), tank levels (m), pump flows (l/s), PRV flows (l/s):")
    print(" hour  demand  p_min  at      p_max  at     " + " ".join(f"{n:>6s}" for _, n in tanks) + " "
          + " ".join(f"{n:>6s}" for _, n in pumps) + "  " + " ".join(f"{n:>5s}" for _, n in valves))
    run_h, energy_kwh, lv, vmax = Counter(), 0.0, defaultdict(list), (0.0, "")
    pipes = [(i, n) for i, n in enumerate(res["links"]) if lk[n]["kind"] == "pipe"]
    pmin_all, pmax_all = 1e9, -1e9
    for s in res["steps"]:
        for i, n in tanks:
            lv[n].append(s["head"][i] - elev[n])
        vmax = max([vmax] + [(abs(s["velocity"][i]), n) for i, n in pipes])
        for i, n in pumps:
            if s["flow"][i] > 1e-3:
                run_h[n] += s["dt"] / 3600
                gain = s["head"][res["nodes"].index(lk[n]["to_node"])] - s["head"][res["nodes"].index(lk[n]["from_node"])]
                energy_kwh += RHO_G * s["flow"][i] / 1000 * gain / PUMP_EFFICIENCY * s["dt"] / 3600
        if s["t"] % 3600 == 0:
            ps = [(s["pressure"][i], res["nodes"][i]) for i in demand_idx]
            lo, hi = min(ps), max(ps)
            pmin_all, pmax_all = min(pmin_all, lo[0]), max(pmax_all, hi[0])
            h = s["t"] // 3600
            q = gen.WATER_PATTERN[h % 24] * sum(water.values())
            print(f"{h:5d}  {q:6.1f}  {lo[0]:5.1f}  {lo[1]:6s}  {hi[0]:5.1f}  {hi[1]:6s} "
                  + " ".join(f"{s['head'][i] - elev[n]:6.2f}" for i, n in tanks) + " "
                  + " ".join(f"{s['flow'][i]:6.1f}" for i, n in pumps) + "  "
                  + " ".join(f"{s['flow'][i]:5.1f}" for i, n in valves))
    print(f"junction pressure over the day: {pmin_all:.1f} .. {pmax_all:.1f} m (target 20-80); fastest pipe flow "
          f"{vmax[0]:.2f} m/s in {vmax[1]} (DN {lk[vmax[1]]['diameter']:g}, {lk[vmax[1]]['name']})")
    for n, v in lv.items():
        t = tank_attrs[n]
        print(f"tank {n} ({t['name']}): level {min(v):.2f} .. {max(v):.2f} m (limits {t['min_level']} .. {t['max_level']}), "
              f"start {v[0]:.2f}, end {v[-1]:.2f}")
        if min(v) <= t["min_level"] + 0.05 or max(v) >= t["max_level"] - 0.05:
            fails.append(f"tank {n} reaches a limit ({min(v):.2f} .. {max(v):.2f} m)")
    print("pump run hours: " + ", ".join(f"{n} {run_h[n]:.1f} h" for _, n in pumps)
          + f"; pumping energy {energy_kwh:.0f} kWh in {args.hours} h (efficiency {PUMP_EFFICIENCY})")
    if pmin_all < 20 or pmax_all > 80:
        fails.append(f"junction pressures {pmin_all:.1f} .. {pmax_all:.1f} m outside 20-80 m")
    if os.path.exists(args.citytwin):
        r = subprocess.run([args.citytwin, "water", inp], capture_output=True, text=True)
        print("citytwin water: " + (r.stdout.strip().replace("\n", "\n  ") if r.returncode == 0 else
                                    f"exit {r.returncode}: {r.stderr.strip()[-800:]}"))
        if r.returncode != 0:
            fails.append("citytwin water failed")


def write_case(path, buses, lines, kw, out_of_service=()):
    """MATPOWER case at the peak: baseMVA 100, impedances per unit on Zbase = kV^2 / 100 of the from bus."""
    num = {a["id"]: i + 1 for i, (_, a) in enumerate(buses)}
    kv = {a["id"]: a["voltage_kv"] for _, a in buses}
    tan = math.tan(math.acos(gen.POWER_FACTOR))
    out = ["function mpc = auenfurt", "% Auenfurt power network at the evening peak (tools/check_utilities.py)",
           "mpc.version = '2';", "mpc.baseMVA = 100;", "% bus_i type Pd Qd Gs Bs area Vm Va baseKV zone Vmax Vmin",
           "mpc.bus = ["]
    for _, a in buses:
        p = kw.get(a["id"], 0.0) / 1e3
        out.append(f"{num[a['id']]} {3 if a['kind'] == 'grid' else 1} {p:.6f} {p * tan:.6f} 0 0 1 1 0 "
                   f"{a['voltage_kv']:g} 1 1.05 0.95;")
    out += ["];", "% bus Pg Qg Qmax Qmin Vg mBase status Pmax Pmin", "mpc.gen = ["]
    out += [f"{num[a['id']]} 0 0 9999 -9999 1.0 100 1 {a['gen_mw'] or 9999} 0;" for _, a in buses if a["kind"] == "grid"]
    out += ["];", "% fbus tbus r x b rateA rateB rateC ratio angle status angmin angmax", "mpc.branch = ["]
    for _, a in lines:
        on = int(a["status"] != "open" and a["id"] not in out_of_service)
        if a["kind"] == "transformer":
            z = 100.0 / a["rating_mva"] / 100.0
            r, x, b, tap = a["r_pct"] * z, a["x_pct"] * z, 0.0, a["tap"] or 1.0
        else:
            zb = kv[a["from_bus"]] ** 2 / 100.0
            r, x, b, tap = a["r_ohm"] / zb, a["x_ohm"] / zb, (a["b_us"] or 0.0) * 1e-6 * zb, 0
        out.append(f"{num[a['from_bus']]} {num[a['to_bus']]} {r:.8f} {x:.8f} {b:.8f} {a['rating_mva']:g} 0 0 {tap:g} 0 "
                   f"{on} -360 360;")
    out += ["];", ""]
    with open(path, "w") as f:
        f.write("\n".join(out))


def run_power(args, case, extra=()):
    r = subprocess.run([args.citytwin, "power", case, "--json", *extra], capture_output=True, text=True)
    if r.returncode != 0:
        return None, r.stderr.strip()[-800:] or r.stdout.strip()[-800:]
    return json.loads(r.stdout), ""


def check_power(buses, lines, kw, tmp, args, fails):
    ids = [a["id"] for _, a in buses]
    kinds = Counter(a["kind"] for _, a in lines)
    km = sum(a.get("length") or g.Length() for g, a in lines if a["kind"] == "cable") / 1e3
    print(f"\npower: {len(buses)} buses ({Counter(a['kind'] for _, a in buses)}), {len(lines)} branches ({dict(kinds)}), "
          f"{km:.1f} km of 10 kV cable, {sum(1 for _, a in lines if a['status'] == 'open')} open; "
          f"peak load {sum(kw.values()) / 1e3:.2f} MW at pf {gen.POWER_FACTOR}")
    if not os.path.exists(args.citytwin):
        fails.append(f"{args.citytwin} not found: build it (cmake -S . -B build/gen -G Ninja -DCITYTWIN_BUILD_GUI=OFF "
                     "&& ninja -C build/gen citytwin)")
        return
    case = os.path.join(tmp, "auenfurt.m")
    write_case(case, buses, lines, kw)
    res, err = run_power(args, case)
    if res is None:
        fails.append("citytwin power failed: " + err)
        return
    r = res["result"]
    vm = [(b["vm_pu"], ids[b["bus"] - 1]) for b in r["buses"]]
    br = [(b["loading_pct"], lines[i][1]["id"]) for i, b in enumerate(r["branches"]) if b["in_service"]]
    by_kind = defaultdict(list)
    for pct, lid in br:
        by_kind[next(a["kind"] for _, a in lines if a["id"] == lid)].append((pct, lid))
    print(f"citytwin power {case}: {r['method']} converged={r['converged']} in {r['iterations']} iterations; "
          f"load {r['load_served_mw']:.2f} MW served, {r['load_lost_mw']:.2f} MW lost, losses {r['loss_mw']:.3f} MW")
    print(f"voltage: min {min(vm)[0]:.4f} p.u. at {min(vm)[1]}, max {max(vm)[0]:.4f} p.u. at {max(vm)[1]} "
          "(target 0.95-1.05)")
    print("largest loading: " + ", ".join(f"{k} {max(v)[0]:.1f} % ({max(v)[1]})" for k, v in sorted(by_kind.items()))
          + " (target <= 80 %)")
    if not r["converged"] or r["load_lost_mw"] > 1e-6:
        fails.append("base case not solved or load lost")
    if min(vm)[0] < 0.95 or max(vm)[0] > 1.05:
        fails.append(f"voltages {min(vm)[0]:.4f} .. {max(vm)[0]:.4f} p.u.")
    if max(br)[0] > 80:
        fails.append(f"branch {max(br)[1]} at {max(br)[0]:.1f} %")
    # a transformer out: its twin must carry the substation
    for _, a in lines:
        if a["kind"] != "transformer":
            continue
        write_case(case, buses, lines, kw, out_of_service={a["id"]})
        res2, err = run_power(args, case)
        if res2 is None:
            fails.append(f"{a['id']} out: " + err)
            continue
        r2 = res2["result"]
        tw = [(b["loading_pct"], lines[i][1]["id"]) for i, b in enumerate(r2["branches"])
              if b["in_service"] and lines[i][1]["kind"] == "transformer" and lines[i][1]["from_bus"] == a["from_bus"]]
        v2 = min(b["vm_pu"] for b in r2["buses"])
        print(f"{a['id']} ({a['name']}) out: {tw[0][1]} at {tw[0][0]:.1f} %, lowest voltage {v2:.4f} p.u., "
              f"largest loading {max(b['loading_pct'] for b in r2['branches'] if b['in_service']):.1f} %, "
              f"load lost {r2['load_lost_mw']:.2f} MW")
        if tw[0][0] > 100 or r2["load_lost_mw"] > 1e-6:
            fails.append(f"{a['id']} out overloads {tw[0][1]} ({tw[0][0]:.1f} %)")
    # a ring's head section out, its normally-open point closed: the other head carries the whole ring
    kind = {a["id"]: a["kind"] for _, a in buses}
    adj = defaultdict(list)
    for _, a in lines:
        if a["status"] == "closed" and a["kind"] == "cable":
            adj[a["from_bus"]].append((a["to_bus"], a["id"]))
            adj[a["to_bus"]].append((a["from_bus"], a["id"]))

    def head(b):
        """The cable at the substation end of the path from bus b back to its substation (an open ring is a tree)."""
        prev, stack = {b: None}, [b]
        while stack:
            u = stack.pop()
            if kind[u] == "substation":
                return prev[u][1]
            for v, lid in adj[u]:
                if v not in prev:
                    prev[v] = (u, lid)
                    stack.append(v)
        return None
    worst = (0.0, "", 1.0)
    for _, a in lines:
        if a["kind"] != "cable" or a["status"] != "open":
            continue
        for side in (a["from_bus"], a["to_bus"]):
            h = head(side)
            write_case(case, buses, [(g, dict(b, status="closed") if b["id"] == a["id"] else b) for g, b in lines], kw,
                       out_of_service={h})
            res4, err = run_power(args, case)
            if res4 is None:
                fails.append(f"backfeed {a['name']} without {h}: {err}")
                continue
            r4 = res4["result"]
            pct = max(b["loading_pct"] for b in r4["branches"] if b["in_service"])
            v4 = min(b["vm_pu"] for b in r4["buses"])
            worst = max(worst, (pct, f"{a['name']} fed from one end ({h} out, {a['id']} closed)", v4))
            if r4["load_lost_mw"] > 1e-6 or pct > 100:
                fails.append(f"backfeed of {a['name']} without {h}: {pct:.1f} %, {r4['load_lost_mw']:.2f} MW lost")
    print(f"ring restoration (each ring's head section out, its normally-open point closed, both sides): worst "
          f"loading {worst[0]:.1f} % ({worst[1]}), lowest voltage there {worst[2]:.4f} p.u.")
    write_case(case, buses, lines, kw)
    res3, err = run_power(args, case, ["--n-1", "--threads", "2"])
    if res3 is None:
        fails.append("citytwin power --n-1 failed: " + err)
        return
    cs = res3["n_minus_1"]
    kind_of = lambda c: lines[c["branch"] - 1][1]["kind"]
    lost = [c for c in cs if c["load_lost_mw"] > 1e-6]
    ov = [c for c in cs if c["overloads"]]
    vv = [c for c in cs if c["voltage_violations"]]
    print(f"citytwin power --n-1: {len(cs)} outages; with load lost {len(lost)} (all "
          f"{sorted(Counter(kind_of(c) for c in lost).items())}; largest "
          f"{max((c['load_lost_mw'] for c in lost), default=0):.2f} "
          f"MW: an open ring's section out leaves the buses beyond it dark until the normally-open point is closed); "
          f"with overloads {len(ov)}, with voltages outside 0.9-1.1 p.u. {len(vv)}")
    for c in cs:
        if kind_of(c) in ("transformer", "line") and (c["overloads"] or c["load_lost_mw"] > 1e-6 or c["voltage_violations"]):
            fails.append(f"N-1 of {lines[c['branch'] - 1][1]['id']}: {c}")


def check_connectivity(L, fails):
    """Ids, references, geometry ends, and graph connectivity."""
    nodes, links, buses, lines = L["water_nodes"], L["water_links"], L["power_buses"], L["power_lines"]
    npt = {a["id"]: g.GetPoint_2D(0) for g, a in nodes}
    bpt = {a["id"]: g.GetPoint_2D(0) for g, a in buses}
    nkind = {a["id"]: a["kind"] for _, a in nodes}
    bkind = {a["id"]: a["kind"] for _, a in buses}
    problems = []
    for name, feats in L.items():
        if name.startswith(("water", "power")):
            dup = [k for k, v in Counter(a["id"] for _, a in feats).items() if v > 1]
            problems += [f"{name}: duplicate ids {dup[:5]}"] if dup else []
    for layer, ends, pts, (fa, fb) in (("water_links", links, npt, ("from_node", "to_node")),
                                       ("power_lines", lines, bpt, ("from_bus", "to_bus"))):
        for g, a in ends:
            if a[fa] not in pts or a[fb] not in pts:
                problems.append(f"{layer} {a['id']}: unknown end {a[fa]} / {a[fb]}")
                continue
            n = g.GetPointCount()
            if math.dist(g.GetPoint_2D(0), pts[a[fa]]) > 1e-3 or math.dist(g.GetPoint_2D(n - 1), pts[a[fb]]) > 1e-3:
                problems.append(f"{layer} {a['id']}: geometry does not run from {a[fa]} to {a[fb]}")
            if layer == "water_links" and abs(a["length"] - g.Length()) > 0.01:
                problems.append(f"water_links {a['id']}: length {a['length']} but geometry {g.Length():.3f}")
    bad_w = sum(1 for _, a in L["buildings"] if nkind.get(a["water_node"]) != "junction")
    bad_p = sum(1 for _, a in L["buildings"] if bkind.get(a["power_bus"]) != "feeder")
    bad_s = sum(1 for _, a in L["traffic_signals"] if bkind.get(a["power_bus"]) != "feeder")
    bad_u = sum(1 for _, a in links if a["kind"] == "pump" and bkind.get(a["power_bus"]) != "feeder")
    problems += [f"{n} {what} without a valid {f}" for n, what, f in ((bad_w, "buildings", "water_node"),
                 (bad_p, "buildings", "power_bus"), (bad_s, "signals", "power_bus"), (bad_u, "pumps", "power_bus")) if n]

    def components(ids, pairs):
        parent = {i: i for i in ids}

        def find(k):
            while parent[k] != k:
                parent[k] = parent[parent[k]]
                k = parent[k]
            return k
        for a, b in pairs:
            parent[find(a)] = find(b)
        return Counter(find(i) for i in ids)
    wc = components(npt, [(a["from_node"], a["to_node"]) for _, a in links])
    wo = components(npt, [(a["from_node"], a["to_node"]) for _, a in links if a["status"] != "closed"])
    pc = components(bpt, [(a["from_bus"], a["to_bus"]) for _, a in lines if a["status"] == "closed"])
    print(f"\nconnectivity: water graph {len(wc)} component(s) over all links, {len(wo)} over open links; "
          f"power graph {len(pc)} component(s) over closed branches; {len(L['buildings']) - max(bad_w, bad_p)} of "
          f"{len(L['buildings'])} buildings with a valid water junction and feeder bus")
    problems += ["water graph not connected"] if len(wc) != 1 or len(wo) != 1 else []
    problems += ["closed power graph not connected"] if len(pc) != 1 else []
    served = Counter(a["water_node"] for _, a in L["buildings"])
    fed = Counter(a["power_bus"] for _, a in L["buildings"])
    print(f"buildings per water junction: up to {max(served.values())}, {len(served)} junctions serve buildings; "
          f"buildings per feeder bus: {min(fed.values())}-{max(fed.values())}, {len(fed)} buses serve buildings")
    for p in problems[:20]:
        print("  " + p)
    fails += problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gpkg", default="assets/sample_city/city.gpkg")
    ap.add_argument("--citytwin", default="build/gen/app/cli/citytwin")
    ap.add_argument("--epanet-js", default=None, help="the epanet-js package folder")
    ap.add_argument("--out", default=None, help="keep the .inp and .m files here (default: a temporary folder)")
    ap.add_argument("--hours", type=int, default=24, help="length of the extended-period water run (default 24)")
    ap.add_argument("--skip", default="", help="comma-separated parts to skip: water, power")
    args = ap.parse_args()
    ds = ogr.Open(args.gpkg)
    L = {n: read_layer(ds, n) for n in ("buildings", "traffic_signals", "water_nodes", "water_links", "power_buses",
                                        "power_lines")}
    tmp = args.out or tempfile.mkdtemp(prefix="citytwin-check-")
    os.makedirs(tmp, exist_ok=True)
    water, power = demands(L["buildings"])
    fails = []
    check_connectivity(L, fails)
    if "water" not in args.skip:
        check_water(L["water_nodes"], L["water_links"], water, tmp, args, fails)
    if "power" not in args.skip:
        for _, a in L["traffic_signals"]:
            power[a["power_bus"]] += gen.SIGNAL_KW
        for _, a in L["water_links"]:
            if a["kind"] == "pump" and a["power_bus"]:
                power[a["power_bus"]] += RHO_G * a["pump_flow"] / 1e3 * a["pump_head"] / PUMP_EFFICIENCY
        check_power(L["power_buses"], L["power_lines"], power, tmp, args, fails)
    print("\nRESULT: " + ("all targets hold" if not fails else "FAILED:\n  " + "\n  ".join(fails)))
    if not args.out:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
