#!/usr/bin/env bash
# Peak memory (RSS, /usr/bin/time) of `seismo detect` on a synthetic series of ROWS rows (default
# 1,000,000; a sine with noise): rolling-zscore, and an lstm-autoencoder trained on 2,000 rows that
# then scores every row. Scoring memory should grow with the rows' own arrays, not with rows ×
# window: the autoencoder scores 4,096 windows at a time and scores.csv is written in pieces.
#
#   scripts/bench-memory.sh            ROWS=10000000 scripts/bench-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-1000000}
swift build -c release --product seismo >&2
seismo=$(pwd)/.build/release/seismo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/series.csv" "$rows" <<'PY'
import math, random, sys
random.seed(1)
with open(sys.argv[1], "w") as f:
    f.write("t,x\n")
    for i in range(int(sys.argv[2])):
        f.write(f"{i},{math.sin(i / 50) + random.gauss(0, 0.1):.5f}\n")
PY
source="source: { plugin: csv, path: $work/series.csv, columns: [x], time_column: none }"
printf '%s\nsplit: { train_fraction: 0.01 }\ndetector: { plugin: rolling-zscore, window: 50 }\nthreshold: { plugin: percentile, percentile: 99.9 }\n' "$source" > "$work/zscore.yaml"
printf '%s\nsplit: { train_fraction: 0.01, max_train_rows: 2000 }\ndetector: { plugin: lstm-autoencoder, window: 30, units: 16, epochs: 1 }\nthreshold: { plugin: percentile, percentile: 99.9 }\n' "$source" > "$work/autoencoder.yaml"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $rows rows"
for detector in zscore autoencoder; do
  /usr/bin/time -f "$detector: %e s wall, peak RSS %M KiB" "$seismo" detect "$work/$detector.yaml" --out "$work/$detector" --quiet
done
