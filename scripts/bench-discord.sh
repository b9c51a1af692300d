#!/usr/bin/env bash
# Times the discord detector's scoring (summary.json's score_s, medians of ROUNDS runs, default 3):
# on NAB's machine_temperature_system_failure.csv (22,695 rows, every earlier window searched),
# there also walking forward (refits every 2,000 rows, rolling and expanding), and on a synthetic
# series: its first 200,000 rows with every earlier window searched (20 billion pairs), and all
# 1,000,000 with history 2000. Prints the load before and after. SEISMO=path/to/seismo
# times that build instead (an earlier commit's, say).
#
#   scripts/bench-discord.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
nab=$(cd "${SEISMO_NAB_DIR:-../shared/data/nab}" 2>/dev/null && pwd || echo "${SEISMO_NAB_DIR:-../shared/data/nab}")
if [ -z "${SEISMO:-}" ]; then swift build -c release --product seismo >&2; fi
seismo=${SEISMO:-$(pwd)/.build/release/seismo}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/series.csv" <<'PY'
import math, random, sys
random.seed(1)
with open(sys.argv[1], "w") as f:
    f.write("t,x\n")
    for i in range(1_000_000):
        f.write(f"{i},{math.sin(i / 50) + random.gauss(0, 0.1):.5f}\n")
PY
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
time_score() {  # config name: median score_s
  for r in $(seq "$rounds"); do
    "$seismo" detect "$1" --out "$work/$2.$r" --quiet 2> "$work/$2.err" || { cat "$work/$2.err" >&2; exit 1; }
    python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['timings']['score_s'])" "$work/$2.$r/summary.json"
  done | sort -n | awk '{ a[NR] = $1 } END { printf "%.2f s (median of %d)\n", a[int((NR + 1) / 2)], NR }'
}
if [ -f "$nab/realKnownCause/machine_temperature_system_failure.csv" ]; then
  printf 'source: { plugin: csv, path: %s, columns: [value], duplicates: first }\nsplit: { train_fraction: 0.15, max_train_rows: 750 }\ndetector: { plugin: discord, window: 60 }\n' \
    "$nab/realKnownCause/machine_temperature_system_failure.csv" > "$work/nab.yaml"
  t=$(time_score "$work/nab.yaml" nab)
  echo "discord, window 60, 22,695 NAB rows, all history: $t"
  # Walking forward, each fold's rows are matched with every earlier window; a rolling fold
  # scores only its own rows, an expanding one every row from the first.
  for refit in rolling expanding; do
    sed "s/max_train_rows: 750 }/max_train_rows: 750, refit_every: 2000, refit_window: $refit }/" "$work/nab.yaml" > "$work/nab-$refit.yaml"
    t=$(time_score "$work/nab-$refit.yaml" "nab-$refit")
    echo "discord, window 60, 22,695 NAB rows, all history, $refit refits every 2,000 rows: $t"
  done
fi
head -n 200001 "$work/series.csv" > "$work/short.csv"
printf 'source: { plugin: csv, path: %s, columns: [x], time_column: none }\nsplit: { max_train_rows: 2000 }\ndetector: { plugin: discord, window: 50 }\n' \
  "$work/short.csv" > "$work/all.yaml"
t=$(time_score "$work/all.yaml" all)
echo "discord, window 50, 200,000 rows, all history: $t"
printf 'source: { plugin: csv, path: %s, columns: [x], time_column: none }\nsplit: { max_train_rows: 2000 }\ndetector: { plugin: discord, window: 50, history: 2000 }\n' \
  "$work/series.csv" > "$work/long.yaml"
t=$(time_score "$work/long.yaml" long)
echo "discord, window 50, 1,000,000 rows, history 2000: $t"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
