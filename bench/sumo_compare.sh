#!/bin/sh
# CityTwin traffic against SUMO on the same networks and routes (issue 3's benchmark).
#
# For each grid (netgenerate --grid, 200 m edges, 2 lanes each way, traffic lights at every
# junction) it makes random routes (randomTrips.py + duarouter, fixed seed; the departure period
# scales with the grid so that the 20x20 grid carries about 3,000 vehicles at once), runs SUMO
# (IDM, 1 s step) and citytwin-traffic-bench (1 and 2 threads) for the same simulated time, and
# prints wall time, vehicle-updates per second, peak memory, mean travel time and time loss, and
# the ratios CityTwin / SUMO. Then it loads 1,000,000 vehicles on the largest grid and reports
# their memory. Timings are information only: nothing here fails on them.
#
# Usage: bench/sumo_compare.sh [build-dir]           (default build/make)
# Environment: GRIDS="5 10 20"  DURATION=1800 (s of simulated time, departures in [0, DURATION))
#              PERIOD20=0.14 (s between departures on the 20x20 grid)  SEED=42  MILLION=1000000
#              OUT=<folder for the files> (default: a temporary folder, kept)
#              SUMMARY_ONLY=1 with OUT=<folder of an earlier run>: print its tables again
# Needs: sumo, netgenerate, duarouter (Debian: apt-get install sumo sumo-tools), python3,
#        /usr/bin/time (Debian: time). Only for this benchmark; the build and tests never need them.
set -eu
BUILD=${1:-build/make}
BENCH=$BUILD/bench/citytwin-traffic-bench
GRIDS=${GRIDS:-"5 10 20"}
DURATION=${DURATION:-1800}
PERIOD20=${PERIOD20:-0.14}
SEED=${SEED:-42}
MILLION=${MILLION:-1000000}
export SUMO_HOME=${SUMO_HOME:-/usr/share/sumo}
OUT=${OUT:-$(mktemp -d /tmp/citytwin-sumo-bench.XXXXXX)}
mkdir -p "$OUT"

for tool in sumo netgenerate duarouter python3 /usr/bin/time; do
    command -v "$tool" >/dev/null 2>&1 || { echo "sumo_compare: $tool is missing" >&2; exit 1; }
done
[ -x "$BENCH" ] || { echo "sumo_compare: $BENCH not built (cmake --build $BUILD --target citytwin-traffic-bench)" >&2; exit 1; }

echo "sumo_compare: files in $OUT; $(sumo --version 2>/dev/null | head -n 1); load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "${SUMMARY_ONLY:-0}" != 1 ]; then
    for n in $GRIDS; do
        g="$OUT/grid$n"
        period=$(python3 -c "print(round($PERIOD20 * 20 / $n, 4))")
        echo "== grid ${n}x$n: departures every $period s for $DURATION s"
        netgenerate --grid --grid.number "$n" --grid.length 200 --default.lanenumber 2 \
            --default-junction-type traffic_light -o "$g.net.xml" >/dev/null 2>&1
        python3 "$SUMO_HOME/tools/randomTrips.py" -n "$g.net.xml" -o "$g.trips.xml" -r "$g.rou.xml" \
            --seed "$SEED" --begin 0 --end "$DURATION" --period "$period" >/dev/null 2>&1
        /usr/bin/time -f "%e %M %U %S" -o "$g.sumo.time" sumo -n "$g.net.xml" -r "$g.rou.xml" \
            --carfollow.model IDM --step-length 1 --end "$DURATION" --seed "$SEED" \
            --tripinfo-output "$g.sumo.tripinfo.xml" --summary-output "$g.sumo.summary.xml" \
            --no-step-log --duration-log.statistics >"$g.sumo.log" 2>&1
        for th in 1 2; do
            /usr/bin/time -f "%e %M %U %S" -o "$g.ct$th.time" "$BENCH" --net "$g.net.xml" --routes "$g.rou.xml" \
                --end "$DURATION" --threads "$th" --tripinfo "$g.ct$th.tripinfo.csv" >"$g.ct$th.json" 2>"$g.ct$th.log"
        done
    done

    last=$(echo "$GRIDS" | awk '{print $NF}')
    echo "== $MILLION vehicles on grid ${last}x$last"
    /usr/bin/time -f "%e %M %U %S" -o "$OUT/million.time" "$BENCH" --net "$OUT/grid$last.net.xml" \
        --routes "$OUT/grid$last.rou.xml" --threads 2 --million "$MILLION" >"$OUT/million.json" 2>"$OUT/million.log"
fi

python3 - "$OUT" "$GRIDS" "$DURATION" <<'EOF'
import csv, json, sys, xml.etree.ElementTree as ET
out, grids, duration = sys.argv[1], sys.argv[2].split(), sys.argv[3]

def time_file(p):
    """Wall s, peak MB, CPU s (user + system) of a process, from /usr/bin/time."""
    wall, kb, user, system = open(p).read().split()[-4:]
    return float(wall), float(kb) / 1024.0, float(user) + float(system)

def sumo_trips(p):
    return {t.get('id'): (float(t.get('duration')), float(t.get('timeLoss')))
            for t in ET.parse(p).getroot().iter('tripinfo')}

def ct_trips(p):
    return {r['id']: (float(r['duration']), float(r['timeLoss']))
            for r in csv.DictReader(open(p)) if r['outcome'] == 'arrived'}

def mean(xs):
    xs = list(xs)
    return sum(xs) / len(xs) if xs else float('nan')

rows = []
print()
print("| grid | tool | wall s | process CPU s | vehicle-updates | updates/s | us/update | peak MB | max running | arrived "
      "| teleports | mean travel time s | mean time loss s | travel time, common trips s |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for n in grids:
    g = f"{out}/grid{n}"
    steps = list(ET.parse(g + ".sumo.summary.xml").getroot().iter('step'))
    s_updates = sum(int(s.get('running')) for s in steps)
    s_running = max(int(s.get('running')) for s in steps)
    s_tele, s_ups = 0, 0.0
    for line in open(g + ".sumo.log"):
        if line.startswith("Teleports:"):
            s_tele = int(line.split()[1])
        if line.strip().startswith("UPS:"):
            s_ups = float(line.split()[1])
    s_wall, s_mb, s_cpu = time_file(g + ".sumo.time")
    st = sumo_trips(g + ".sumo.tripinfo.xml")
    # SUMO's wall time is the whole process (loading included, a fraction of a second here).
    res = {'sumo': dict(wall=s_wall, cpu=s_cpu, updates=s_updates, mb=s_mb, running=s_running, arrived=len(st),
                        tele=s_tele, trips=st, own_ups=s_ups)}
    for th in (1, 2):
        j = json.load(open(f"{g}.ct{th}.json"))
        wall, mb, cpu = time_file(f"{g}.ct{th}.time")
        res[f'ct{th}'] = dict(wall=j['wall_s'], cpu=cpu, updates=j['vehicle_updates'], mb=mb, running=j['max_running'],
                              arrived=j['arrived'], tele=j['teleports'], trips=ct_trips(f"{g}.ct{th}.tripinfo.csv"),
                              bpv=j['bytes_per_vehicle'], brakes=j['emergency_brakes'], min_gap=j['min_gap'],
                              import_s=j['import_s'])
    common = set(res['sumo']['trips']).intersection(*(set(res[k]['trips']) for k in ('ct1', 'ct2')))
    for key, label in (('sumo', 'SUMO 1.15'), ('ct1', 'CityTwin 1 thread'), ('ct2', 'CityTwin 2 threads')):
        r = res[key]
        r['ups'] = r['updates'] / r['wall'] if r['wall'] > 0 else float('nan')
        r['tt'] = mean(v[0] for v in r['trips'].values())
        r['tl'] = mean(v[1] for v in r['trips'].values())
        r['tt_common'] = mean(r['trips'][i][0] for i in common)
        r['tl_common'] = mean(r['trips'][i][1] for i in common)
        print(f"| {n}x{n} | {label} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['updates']:,} | {r['ups']:,.0f} | {1e6 / r['ups']:.2f} "
              f"| {r['mb']:.0f} | {r['running']:,} | {r['arrived']:,} | {r['tele']} | {r['tt']:.1f} | {r['tl']:.1f} "
              f"| {r['tt_common']:.1f} ({len(common):,}) |")
    rows.append((n, res))

print()
# Per CPU second (whole processes, loading included): fairer when the machine is shared.
print("| grid | updates/s 1 thread / SUMO | updates/s 2 threads / SUMO | updates per CPU s, 1 thread / SUMO "
      "| peak memory / SUMO | travel time / SUMO (common trips) | time loss / SUMO (common trips) | bytes per vehicle |")
print("|---|---|---|---|---|---|---|---|")
for n, res in rows:
    s, c1, c2 = res['sumo'], res['ct1'], res['ct2']
    cpu_ratio = (c1['updates'] / c1['cpu']) / (s['updates'] / s['cpu'])
    print(f"| {n}x{n} | {c1['ups'] / s['ups']:.1f} | {c2['ups'] / s['ups']:.1f} | {cpu_ratio:.1f} | {c2['mb'] / s['mb']:.2f} "
          f"| {c2['tt_common'] / s['tt_common']:.3f} | {c2['tl_common'] / s['tl_common']:.3f} | {c2['bpv']:.0f} |")

print()
for n, res in rows:
    c = res['ct2']
    print(f"{n}x{n}: SUMO reports UPS {res['sumo']['own_ups']:,.0f}; CityTwin import {c['import_s']:.2f} s, "
          f"emergency brakes {c['brakes']:,}, smallest gap {c['min_gap']:.2f} m")

m = json.load(open(f"{out}/million.json"))
print()
print(f"1M check: {m['vehicles']:,} vehicles loaded: RSS {m['rss_before_mb']:.0f} MB -> {m['rss_after_add_mb']:.0f} MB "
      f"({m['rss_per_vehicle_bytes']:.0f} bytes each; bytesPerVehicle() = {m['bytes_per_vehicle']:.0f}); "
      f"after 600 s simulated ({m['running_at_600s']:,} running, {m['wall_600s']:.1f} s wall): RSS {m['rss_after_600s_mb']:.0f} MB, "
      f"peak {m['peak_rss_mb']:.0f} MB")
EOF
