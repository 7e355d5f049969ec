#!/usr/bin/env bash
# Renders assets/icon.svg into the PNGs electron-builder packs (buildResources: assets):
# icon.png (1024 px: macOS and Windows convert it to .icns / .ico themselves) and the Linux
# set icons/NxN.png. Needs rsvg-convert (Debian: librsvg2-bin). Run after editing the SVG;
# the PNGs are committed, so packaging does not need it. test/unit/installer-config.test.ts
# checks every PNG is the size its name says.
set -euo pipefail
cd "$(dirname "$0")/../assets"
command -v rsvg-convert >/dev/null || { echo "build-icons: rsvg-convert not found (apt-get install librsvg2-bin)" >&2; exit 1; }
rsvg-convert -w 1024 -h 1024 icon.svg -o icon.png
mkdir -p icons
for n in 16 24 32 48 64 128 256 512 1024; do
  rsvg-convert -w "$n" -h "$n" icon.svg -o "icons/${n}x${n}.png"
done
echo "assets/icon.png and assets/icons/{16..1024}.png rendered from assets/icon.svg"
