#!/bin/sh
# Installs the Debian 12 packages CityTwin needs, only those that are missing, so a second run
# installs nothing and works offline. Run as root (or with sudo available).
set -eu

PACKAGES="build-essential cmake ninja-build pkg-config
qt6-base-dev libqt6opengl6-dev qt6-charts-dev
libopenscenegraph-dev libgdal-dev gdal-bin libeigen3-dev libtbb-dev nlohmann-json3-dev libexpat1-dev
libosmium2-dev zlib1g-dev libbz2-dev
xvfb xauth libgl1-mesa-dri fonts-dejavu-core"

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        "install ok installed") ;;
        *) missing="$missing $p" ;;
    esac
done

if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi

echo "install-deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-deps: not root and no sudo; run as root: apt-get install --no-install-recommends$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
