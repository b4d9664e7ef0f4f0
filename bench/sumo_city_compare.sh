#!/bin/sh
# CityTwin against SUMO on the bundled sample city (a city loaded from GIS), same network, same trips.
#
# 1. `citytwin export-sumo` writes the sample city's traffic network as CityTwin builds it (nodes,
#    edges L<link>, lane-to-lane connections, CityTwin's signal programs with their link indexes)
#    and the morning peak's trips (scenarios/morning_peak.json) with CityTwin's IDM vehicle types.
# 2. netconvert builds city.net.xml from them.
# 3. SUMO 1.15 runs the trips on it (IDM from the vTypes, 1 s step, --time-to-teleport 300, the
#    scenario's rerouting), with tripinfo, summary and per-edge counts (edgeData, hourly).
# 4. CityTwin runs the same scenario on its own city (`citytwin run`), and again on the SUMO net
#    it imports (a `city.sumo_net` scenario with the exported trips: identical networks).
# 5. It prints trips arrived, mean travel time, time loss, route length, teleports, wall time,
#    vehicle-updates/s, the ratios CityTwin / SUMO, and per-link flows: R^2 of the link counts,
#    the share of link-hours with GEH < 5, and the links that differ most.
# Timings are information only: nothing here fails on them.
#
# Usage: bench/sumo_city_compare.sh [build-dir]          (default build/make; needs app/cli/citytwin)
# Environment: SCENARIO=scenarios/morning_peak.json (any scenario on a GIS city; its file names
#              are taken relative to its own folder)  REROUTE=<s> (default: the scenario's
#              reroute_interval_s; 0 = routes fixed at departure in both)  THREADS=1
#              GEOMETRY=citytwin|sumo (lane lengths and turn speeds from CityTwin or from netconvert)
#              ROUTES=1: SUMO drives the routes CityTwin gives the trips at free flow (export-sumo
#              --routes; REROUTE then defaults to 0, so both drive the very same routes)
#              OUT=<folder for the files> (default: a temporary folder, kept)
#              SUMMARY_ONLY=1 with OUT=<folder of an earlier run>: print its tables again
# Needs: sumo, netconvert (Debian: apt-get install sumo), python3, /usr/bin/time (Debian: time).
set -eu
BUILD=${1:-build/make}
CITYTWIN=$BUILD/app/cli/citytwin
JTIME=$BUILD/bench/citytwin-junction-time   # optional: the time-inside-junctions table
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCENARIO=${SCENARIO:-$ROOT/scenarios/morning_peak.json}
THREADS=${THREADS:-1}
GEOMETRY=${GEOMETRY:-citytwin}
ROUTES=${ROUTES:-0}
[ "$ROUTES" = 1 ] && REROUTE=${REROUTE:-0}
OUT=${OUT:-$(mktemp -d /tmp/citytwin-sumo-city.XXXXXX)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

for tool in sumo netconvert python3 /usr/bin/time; do
    command -v "$tool" >/dev/null 2>&1 || { echo "sumo_city_compare: $tool is missing" >&2; exit 1; }
done
[ -x "$CITYTWIN" ] || { echo "sumo_city_compare: $CITYTWIN not built (cmake --build $BUILD --target citytwin)" >&2; exit 1; }
CITYTWIN=$(cd "$(dirname "$CITYTWIN")" && pwd)/citytwin

echo "sumo_city_compare: files in $OUT; $(sumo --version 2>/dev/null | head -n 1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${SUMMARY_ONLY:-0}" != 1 ]; then
    # The scenario as compared: the same city, demand and seed; traffic only (no utilities);
    # the rerouting interval given to both simulators.
    python3 - "$SCENARIO" "$OUT" "${REROUTE:-}" <<'EOF'
import json, os, sys
src, out, reroute = sys.argv[1], sys.argv[2], sys.argv[3]
s = json.load(open(src))
# File names in a scenario are relative to its folder: the copy in OUT keeps them pointing at the same files.
base = os.path.dirname(os.path.abspath(src))
rebase = lambda p: p if os.path.isabs(p) else os.path.normpath(os.path.join(base, p))
for sec, keys in (("city", ("sources", "dem", "mapping")), ("demand", ("trips",))):
    for k in keys:
        v = s.get(sec, {}).get(k) if isinstance(s.get(sec), dict) else None
        if isinstance(v, str):
            s[sec][k] = rebase(v)
        elif isinstance(v, list):
            s[sec][k] = [rebase(x) if isinstance(x, str) else x for x in v]
if reroute != "":
    s["reroute_interval_s"] = float(reroute)
s["utilities"] = {"enabled": False}
s["outputs"] = {"folder": "ct_city", "stats_interval_s": 300, "kpi_interval_s": 60, "geopackage": False,
                "signal_detectors": False}
if "city" not in s or "sumo_net" in s["city"]:
    sys.exit("sumo_city_compare: the scenario must drive a GIS city")
json.dump(s, open(f"{out}/scenario.json", "w"), indent=2)
imp = {k: s[k] for k in ("name", "clock_start", "duration", "step_s", "seed", "reroute_interval_s",
                         "teleport_after_s") if k in s}
imp["name"] = s.get("name", "scenario") + " (on the SUMO net)"
imp["city"] = {"sumo_net": "export/city.net.xml"}
imp["demand"] = {"sumo_routes": ["export/trips.xml"]}
imp["outputs"] = dict(s["outputs"], folder="ct_sumonet")
json.dump(imp, open(f"{out}/scenario_sumonet.json", "w"), indent=2)
EOF
    geo=""
    [ "$GEOMETRY" = sumo ] && geo="--sumo-geometry"
    [ "$ROUTES" = 1 ] && geo="$geo --routes"
    echo "== export ($GEOMETRY geometry$([ "$ROUTES" = 1 ] && echo ", CityTwin's routes"))"
    "$CITYTWIN" export-sumo "$OUT/scenario.json" --out "$OUT/export" $geo | tee "$OUT/export.log"
    [ -f "$OUT/export/city.netccfg" ] || { echo "sumo_city_compare: the export failed" >&2; exit 1; }
    echo "== netconvert"
    (cd "$OUT/export" && netconvert -c city.netccfg >"$OUT/netconvert.log" 2>&1) ||
        { cat "$OUT/netconvert.log" >&2; exit 1; }
    cat >"$OUT/export/edgedata.add.xml" <<'EOF'
<additional>
    <edgeData id="hourly" file="edgedata.xml" period="3600" excludeEmpty="true"/>
    <edgeData id="internal" file="edgedata_internal.xml" excludeEmpty="true" withInternal="true"/>
</additional>
EOF
    echo "== SUMO"
    (cd "$OUT/export" && /usr/bin/time -f "%e %M %U %S" -o "$OUT/sumo.time" sumo -c city.sumocfg \
        --additional-files edgedata.add.xml --tripinfo-output "$OUT/sumo.tripinfo.xml" \
        --summary-output "$OUT/sumo.summary.xml" --ignore-route-errors true --no-step-log \
        --duration-log.statistics >"$OUT/sumo.log" 2>&1) || { tail -n 20 "$OUT/sumo.log" >&2; exit 1; }
    mv "$OUT/export/edgedata.xml" "$OUT/sumo.edgedata.xml"
    mv "$OUT/export/edgedata_internal.xml" "$OUT/sumo.edgedata_internal.xml"
    "$CITYTWIN" signals "$OUT/scenario.json" >"$OUT/ct_junctions.json"
    echo "== CityTwin on its city ($THREADS thread(s))"
    /usr/bin/time -f "%e %M %U %S" -o "$OUT/ct_city.time" "$CITYTWIN" run "$OUT/scenario.json" \
        --threads "$THREADS" --quiet >"$OUT/ct_city.log" 2>&1 || { cat "$OUT/ct_city.log" >&2; exit 1; }
    echo "== CityTwin on the SUMO net"
    /usr/bin/time -f "%e %M %U %S" -o "$OUT/ct_sumonet.time" "$CITYTWIN" run "$OUT/scenario_sumonet.json" \
        --threads "$THREADS" --quiet >"$OUT/ct_sumonet.log" 2>&1 || { cat "$OUT/ct_sumonet.log" >&2; exit 1; }
    if [ -x "$JTIME" ]; then
        echo "== CityTwin time inside junctions (citytwin-junction-time)"
        "$JTIME" "$OUT/scenario.json" --threads "$THREADS" >"$OUT/ct_city.junction_time.json"
        "$JTIME" "$OUT/scenario_sumonet.json" --threads "$THREADS" >"$OUT/ct_sumonet.junction_time.json"
    fi
fi

python3 "$ROOT/bench/sumo_city_tables.py" "$OUT"
