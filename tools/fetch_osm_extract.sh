#!/bin/sh
# Fetches the real OpenStreetMap extract of Neubrandenburg from Debian's archive (the source
# package of the JOSM editor ships it as test data) and cuts the centre bundled as
# assets/osm/neubrandenburg_center.osm.pbf (see assets/osm/README.md). Uses a private APT
# configuration: the system's sources and state are not touched.
# Usage: tools/fetch_osm_extract.sh [work-folder]   (default /tmp/citytwin-osm)
# Needs: apt-get, osmium-tool (Debian: apt-get install osmium-tool), bzip2.
set -eu
W=${1:-/tmp/citytwin-osm}
mkdir -p "$W/lists/partial" "$W/cache/archives/partial" "$W/src" "$W/out"
cat > "$W/src.list" <<L
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
L
cat > "$W/apt.conf" <<L
Dir::Etc::SourceList "$W/src.list";
Dir::Etc::SourceParts "/nonexistent";
Dir::State::Lists "$W/lists";
Dir::Cache "$W/cache";
APT::Sandbox::User "root";
L
export APT_CONFIG="$W/apt.conf"
apt-get update
cd "$W/src"
apt-get source --download-only josm
tar xzf josm_*.orig.tar.gz --wildcards '*/nodist/data/neubrandenburg.osm.bz2'
cd "$W/out"
cp "$W"/src/josm-*/nodist/data/neubrandenburg.osm.bz2 .
echo "adee8159029bb2e218d68e85dbe98291b1802d286f92ffbcb97327017f27f3fc  neubrandenburg.osm.bz2" | sha256sum -c -
bunzip2 -kf neubrandenburg.osm.bz2
osmium cat neubrandenburg.osm -o neubrandenburg.osm.pbf -O
osmium extract -b 13.22,53.53,13.30,53.58 -s complete_ways neubrandenburg.osm -o neubrandenburg_center.osm -O
osmium cat neubrandenburg_center.osm -o neubrandenburg_center.osm.pbf -O
ls -l "$W/out"
