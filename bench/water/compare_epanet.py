#!/usr/bin/env python3
"""Compares CityTwin's water engine with EPANET on one .inp file.

Usage: compare_epanet.py CITYTWIN_WATER_BINARY FILE.inp [--epanet-js DIR]

CITYTWIN_WATER_BINARY is `citytwin` (called as `citytwin water FILE --out DIR`) or any program
taking the same arguments after the word `water`. EPANET runs through epanet-js (the OWA
toolkit compiled to WebAssembly): `npm install --prefix DIR epanet-js@0.9.0`, then pass DIR.
Prints, over every report time both engines solved, the largest head difference (m), the
largest relative flow difference on links carrying more than 1 % of the largest flow, the
largest tank level difference, and links whose open/closed status differs.
The file must use SI flow units in litres or cubic metres (EPANET reports in file units).
"""
import csv
import os
import subprocess
import sys
import tempfile

FLOW_TO_SI = {"LPS": 1e-3, "LPM": 1e-3 / 60, "MLD": 1e3 / 86400, "CMH": 1 / 3600, "CMD": 1 / 86400, "CMS": 1.0}


def flow_units(path):
    section = None
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.split(";")[0].strip()
        if line.startswith("["):
            section = line.upper()
            continue
        parts = line.split()
        if section == "[OPTIONS]" and len(parts) >= 2 and parts[0].upper() == "UNITS":
            return parts[1].upper()
    return "GPM"


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    binary, inp = sys.argv[1], sys.argv[2]
    js_dir = sys.argv[sys.argv.index("--epanet-js") + 1] if "--epanet-js" in sys.argv else "."
    units = flow_units(inp)
    if units not in FLOW_TO_SI:
        print(f"{inp}: flow units {units} are not SI; convert the file first")
        return 2
    qf = FLOW_TO_SI[units]
    here = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory() as out:
        args = [inp, "--epanet", "--out", out]
        cmd = [binary, "water"] + args if os.path.basename(binary) == "citytwin" else [binary] + args
        ours = subprocess.run(cmd, capture_output=True, text=True)
        print(ours.stdout, end="")
        env = dict(os.environ, NODE_PATH=os.path.join(os.path.abspath(js_dir), "node_modules"))
        script = os.path.join(here, "epanet_reference.mjs")
        # epanet-js is an ES module: run the script from the folder holding node_modules.
        tmp_script = os.path.join(os.path.abspath(js_dir), "_citytwin_epanet_reference.mjs")
        with open(script) as src, open(tmp_script, "w") as dst:
            dst.write(src.read())
        ref = subprocess.run(["node", tmp_script, os.path.abspath(inp)], capture_output=True, text=True, env=env)
        os.remove(tmp_script)
        print(ref.stderr.strip())
        heads, flows, status = {}, {}, {}
        for row in ref.stdout.splitlines():
            kind, t, name, a, b = row.split(",")
            if kind == "N":
                heads[(int(t), name)] = float(a)
            else:
                flows[(int(t), name)] = float(a) * qf
                status[(int(t), name)] = float(b)
        worst_h = (0.0, None)
        times = set()
        for r in csv.DictReader(open(os.path.join(out, "nodes.csv"))):
            key = (int(r["time_s"]), r["node"])
            if key in heads:
                times.add(key[0])
                d = abs(float(r["head_m"]) - heads[key])
                if d > worst_h[0]:
                    worst_h = (d, key)
        link_rows = [r for r in csv.DictReader(open(os.path.join(out, "links.csv"))) if (int(r["time_s"]), r["link"]) in flows]
        qmax = max([abs(flows[(int(r["time_s"]), r["link"])]) for r in link_rows] or [1.0])
        worst_q = (0.0, None)
        state_diff = []
        for r in link_rows:
            key = (int(r["time_s"]), r["link"])
            q_ref = flows[key]
            if abs(q_ref) > 0.01 * qmax:
                d = abs(float(r["flow_m3s"]) - q_ref) / abs(q_ref)
                if d > worst_q[0]:
                    worst_q = (d, key)
            closed_ref = status[key] == 0  # EN_STATUS: 0 closed, 1 open
            closed_ours = r["state"].startswith("closed")
            if closed_ref != closed_ours:
                state_diff.append(key)
        print(f"compared {len(times)} times")
        print(f"max head difference      {worst_h[0]:.6f} m at {worst_h[1]}")
        print(f"max flow difference      {100 * worst_q[0]:.5f} % at {worst_q[1]}")
        print(f"links open/closed differ {len(state_diff)} {state_diff[:5]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
