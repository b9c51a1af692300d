#!/usr/bin/env bash
# Measures what -Ounchecked buys the neural-network engine (SeismoNN): builds the release binary
# as Package.swift says and a twin with the flag flipped, then runs `seismo bench` on the seed
# models with the two binaries interleaved, ROUNDS times (default 3), and prints the median
# steady epoch and inference rate of each and their ratio. Run it when nothing else runs.
#
#   scripts/bench-unchecked.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data="$root/../shared/data"
rounds=${1:-3}
[ -d "$data" ] || { echo "bench-unchecked: $data not found (../shared beside the repository)" >&2; exit 1; }
scripts/setup.sh
swift build -c release --product seismo >&2
twin=$(mktemp -d)
trap 'rm -rf "$twin"' EXIT
tar --exclude=./.build --exclude=./.git -cf - . | (cd "$twin" && tar -xf -)
if grep -q '"-Ounchecked"' Package.swift; then
  sed -i 's/swiftSettings: \[.unsafeFlags(\["-Ounchecked"\], .when(configuration: .release))\]/swiftSettings: []/' "$twin/Package.swift"
  names=(unchecked checked)
else
  sed -i 's/\.target(\s*name: "SeismoNN", dependencies: \["SeismoCore", "COpenBLAS"\])/.target(name: "SeismoNN", dependencies: ["SeismoCore", "COpenBLAS"], swiftSettings: [.unsafeFlags(["-Ounchecked"], .when(configuration: .release))])/' "$twin/Package.swift"
  names=(checked unchecked)
fi
! cmp -s Package.swift "$twin/Package.swift" || { echo "bench-unchecked: could not flip the flag in Package.swift" >&2; exit 1; }
(cd "$twin" && swift build -c release --product seismo >&2)
binaries=("$root/.build/release/seismo" "$twin/.build/release/seismo")
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
results=$(mktemp)
for round in $(seq "$rounds"); do
  for model in autoencoder forecaster; do
    case "$model" in
      forecaster) args=(--csv "$data/market_weekly_4.csv") ;;
      *) args=(--csv "$data/sp500_daily_2000_2018.csv" --column close --epochs 4) ;;
    esac
    for i in 0 1; do
      line=$("${binaries[$i]}" bench "$model" "${args[@]}")
      echo "${names[$i]} $model $line" >> "$results"
    done
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$results" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, model, payload = line.split(" ", 2)
    rows.setdefault((model, name), []).append(json.loads(payload))
for model in ("autoencoder", "forecaster"):
    med = {n: (statistics.median(r["steady_epoch_s"] for r in rows[(model, n)]),
               statistics.median(r["infer_windows_per_s"] for r in rows[(model, n)]))
           for n in ("checked", "unchecked")}
    (ce, ci), (ue, ui) = med["checked"], med["unchecked"]
    print(f"{model}: steady epoch checked {ce:.3f} s, unchecked {ue:.3f} s -> unchecked {ce / ue:.3f}x faster; "
          f"inference {ui / ci:.3f}x ({len(rows[(model, 'checked')])} runs each, medians)")
PY
