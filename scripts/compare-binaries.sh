#!/usr/bin/env bash
# Runs two seismo binaries interleaved, ROUNDS times: `seismo bench` on the three seed models
# (steady epoch and the first inference pass, which every version reports) and `seismo detect
# examples/spx-autoencoder.yaml` (wall time, scoring and report included). Prints each side's
# medians and the second's speed-up over the first. Used by bench-against.sh (a change against an
# earlier commit) and bench-unchecked.sh (-Ounchecked against -O); run them when nothing else runs.
#
#   scripts/compare-binaries.sh FIRST_BINARY FIRST_NAME SECOND_BINARY SECOND_NAME [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data="$root/../shared/data"
binaries=("$(realpath "$1")" "$(realpath "$3")")  # absolute: the detect runs from examples/
names=("$2" "$4")
rounds=${5:-3}
[ -d "$data" ] || { echo "compare-binaries: $data not found (../shared beside the repository)" >&2; exit 1; }
results=$(mktemp)
trap 'rm -f "$results"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); ${names[0]} against ${names[1]}, $rounds rounds"
for round in $(seq "$rounds"); do
  for model in autoencoder forecaster univariate; do
    case "$model" in
      forecaster) args=(--csv "$data/market_weekly_4.csv" --epochs 30) ;;  # its epochs are ~15 ms: 10 were too few to time
      *) args=(--csv "$data/sp500_daily_2000_2018.csv" --column close --epochs 4) ;;
    esac
    for i in 0 1; do
      echo "$i $model $("${binaries[$i]}" bench "$model" "${args[@]}")" >> "$results"
    done
  done
  for i in 0 1; do
    out=$(mktemp -d)
    start=$(date +%s.%N)
    (cd "$root/examples" && "${binaries[$i]}" detect spx-autoencoder.yaml --out "$out/run" --quiet)
    echo "$i detect {\"wall_s\": $(echo "$(date +%s.%N) - $start" | bc)}" >> "$results"
    rm -rf "$out"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$results" "${names[@]}" <<'PY'
import json, statistics, sys
first, second = sys.argv[2], sys.argv[3]
rows = {}
for line in open(sys.argv[1]):
    side, what, payload = line.split(" ", 2)
    rows.setdefault((what, int(side)), []).append(json.loads(payload))
def med(what, side, key):
    return statistics.median(float(r[key]) for r in rows[(what, side)])
for model in ("autoencoder", "forecaster", "univariate"):
    a, b = (med(model, s, "steady_epoch_s") for s in (0, 1))
    ia, ib = (med(model, s, "infer_windows_per_s") for s in (0, 1))
    print(f"{model}: steady epoch {first} {a * 1e3:.2f} ms, {second} {b * 1e3:.2f} ms: "
          f"{second} {a / b:.2f}x faster; inference (first pass) {ib / ia:.2f}x ({len(rows[(model, 1)])} runs each, medians)")
a, b = (med("detect", s, "wall_s") for s in (0, 1))
print(f"detect examples/spx-autoencoder.yaml: {first} {a:.1f} s, {second} {b:.1f} s wall: {second} {a / b:.2f}x faster")
PY
