#!/usr/bin/env bash
# Renders the demo's report.html in headless Chromium and checks the screenshot is not blank.
#   scripts/report-screenshot.sh [OUT.png]     (default: a temporary file)
# Needs Debian's chromium (CI installs it). Uses the debug build's binary if present.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/debug/seismo
[ -x "$bin" ] || bin=.build/release/seismo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=${1:-$work/report.png}
"$bin" demo --out "$work/demo" --quiet > /dev/null
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,2200 \
  --screenshot="$out" "file://$work/demo/run/report.html" > /dev/null 2>&1
python3 scripts/check_screenshot.py "$out"
