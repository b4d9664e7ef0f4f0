#!/bin/sh
# Load-time benchmark: a synthetic 25,600-building OSM city, as .osm and .pbf, through
# `citytwin info`, beside ogrinfo reading the same file (GDAL's own parse time, the floor).
# Usage: bench/load_bench.sh [build-dir]
set -eu
BUILD=${1:-build/make}
T=$(mktemp -d)
python3 "$(dirname "$0")/synth_osm.py" --blocks 40 --per-block 16 --out "$T/big.osm"
if command -v osmium >/dev/null 2>&1; then osmium cat "$T/big.osm" -o "$T/big.osm.pbf"; fi
for f in "$T"/big.osm "$T"/big.osm.pbf; do
    [ -f "$f" ] || continue
    echo "== $(basename "$f") ($(du -h "$f" | cut -f1))"
    /usr/bin/time -f "citytwin info: %e s wall, %M KB peak" "$BUILD/app/cli/citytwin" info "$f" --json > "$T/out.json"
    python3 -c "import json,sys; j=json.load(open('$T/out.json')); print('  buildings', j['buildings']['count'], 'links', j['roads']['links'], 'load_seconds %.2f' % j['load_seconds'])"
    /usr/bin/time -f "ogrinfo -al -q:   %e s wall, %M KB peak" ogrinfo -al -q "$f" > /dev/null
done
rm -rf "$T"
