#!/usr/bin/env bash
# Screenshot of the real `blankett preview` window under Xvfb (GLFW + OpenGL 3 through
# Mesa's software renderer), saved as a test artifact, and checked to be a picture of
# something: a PNG of the expected size with more than a handful of colours.
#
#   tests/preview/screenshot.sh [path/to/blankett] [out.png]
#
# Defaults: build/server/blankett and test-output/preview/skolskjuts.png. Exits 77 (ctest:
# skipped) when xvfb-run is not installed, 1 when the window or the picture is wrong.
set -uo pipefail
cd "$(dirname "$0")/../.."
blankett="${1:-build/server/blankett}"
out="${2:-test-output/preview/skolskjuts.png}"

if ! command -v xvfb-run >/dev/null; then
  echo "screenshot: xvfb-run not installed (apt-get install xvfb); skipped"
  exit 77
fi
mkdir -p "$(dirname "$out")"
rm -f "$out"

# 30 frames: the window settles (fonts uploaded, layout done) before the last is saved.
# school_other is hidden until "other school" is chosen: the inspector explains why.
if ! timeout 60 xvfb-run -a -s "-screen 0 1280x800x24" \
    "$blankett" preview forms/skolskjuts --frames 30 --screenshot "$out" --today 2026-08-15 --select school_other; then
  echo "screenshot: blankett preview failed"
  exit 1
fi
[ -s "$out" ] || { echo "screenshot: $out was not written"; exit 1; }

# Size from the PNG header; distinct colours from ImageMagick (scripts/setup installs it).
read -r width height < <(python3 -c 'import struct,sys; d=open(sys.argv[1],"rb").read(24); print(*struct.unpack(">II", d[16:24])) if d[:8]==b"\x89PNG\r\n\x1a\n" else print(0, 0)' "$out")
if [ "$width" != 1280 ] || [ "$height" != 800 ]; then
  echo "screenshot: expected a 1280x800 PNG, got ${width}x${height}"
  exit 1
fi
if command -v identify >/dev/null; then
  colours=$(identify -format '%k' "$out")
  if [ "$colours" -lt 20 ]; then
    echo "screenshot: only $colours colours: the window looks empty"
    exit 1
  fi
else
  colours="(identify not installed: not counted)"
fi
echo "screenshot: $out ${width}x${height}, $colours colours, $(stat -c %s "$out") bytes"
