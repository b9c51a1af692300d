#!/usr/bin/env bash
# Runs every shipped example and prints the share of test rows it flags (the README promises at
# most 10 %, except where labels mark more), the flagged test days of spx-autoencoder, and which
# injected days demo-autoencoder flags, and sp500-univariate's forecast errors beside the naive
# forecast's, the warnings of runs on levels (detect --quiet prints them; README: nasdaq_futures'
# 228 of 228, and the seed's 395 of 410 refitted yearly), the forecast errors of the forecaster
# of log returns, each forecaster's MASE (README: 29.3, 0.99 and 2.64), the weekly ensemble's
# importance by margin (README: nasdaq_futures 2.22 first), and the stale features of the shared data files (README: LLL1 Index, 513
# weeks), and how many of the 57 weekly features a forecaster of levels meets outside their
# training range (README: 30). Examples read ../shared/data beside the repository.
#
#   scripts/check-examples.sh             # runs go to ${SEISMO_EXAMPLES_OUT:-example-runs}/NAME
set -euo pipefail
cd "$(dirname "$0")/.."
out=${SEISMO_EXAMPLES_OUT:-example-runs}
[ -x .build/release/seismo ] || swift build -c release >&2
seismo=.build/release/seismo
rm -rf "${out:?}"
"$seismo" demo --out seismo-demo --quiet > /dev/null
for config in examples/*.yaml; do
  name=$(basename "$config" .yaml)
  "$seismo" detect "$config" --out "$out/$name" --quiet
  python3 - "$out/$name/summary.json" "$name" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
flagged, rows = s["test_anomaly_count"], s["split"]["test_rows"]
days = [a["timestamp"] for a in s["anomalies"] if a["part"] == "test"]
skill = s.get("forecast_skill")
print(f"{sys.argv[2]}: {flagged} of {rows} test rows flagged ({100 * flagged / rows:.1f} %)"
      + (f": {', '.join(days)}" if len(days) <= 10 else "")
      + (f"; forecast MASE {skill['mase']:.2f}" if skill and "mase" in skill else ""))
PY
done
# The ensemble's importance, by its margins (README: nasdaq_futures 2.22, gold 1.61, treasury 0.85, vix 0.19).
python3 - "$out/weekly4-ensemble/summary.json" <<'PY'
import json, sys
ranking = json.load(open(sys.argv[1]))["importance"]["ranking"]
print("weekly4-ensemble importance (increase in mean margin): " + ", ".join(f"{r['feature']} {r['mean']:.2f}" for r in ranking))
PY
# The seed on levels, refitted yearly: how many test days lie outside their fold's training range.
"$seismo" detect examples/spx-autoencoder.yaml --out "$out/spx-levels-yearly" --quiet --set detector.transform=level \
  --set split.refit_every=1y --set detector.epochs=1 2>&1 | sed 's/^/spx-autoencoder on levels, refitted yearly: /'
# The forecaster on levels over every column of the 57-feature file: its features outside their
# training range share one warning (README: 30 of 57).
"$seismo" detect examples/weekly4-forecaster.yaml --out "$out/weekly-all-levels" --quiet --set detector.epochs=1 \
  --set source.path="$(realpath ../shared/data/financial_market_weekly_all.csv)" --set 'source.columns=[]' 2>&1 |
  sed -n 's/^warning: \([0-9]* of [0-9]* features have a quarter or more of their [0-9]* test rows\).*/weekly4-forecaster over financial_market_weekly_all: \1 outside their training range/p'
python3 - "$out/demo-autoencoder/summary.json" seismo-demo/injected.csv <<'PY'
import csv, json, sys
flags = {a["timestamp"] for a in json.load(open(sys.argv[1]))["anomalies"]}
days = [r["date"] for r in csv.DictReader(open(sys.argv[2]))]
print(f"demo-autoencoder flags {sum(d in flags for d in days)} of {len(days)} injected days on the day")
PY
for mode in point multi; do
  "$seismo" forecast examples/sp500-univariate.yaml --mode "$mode" --out "$out/sp500-forecast-$mode" --quiet |
    sed -n 's/^  close: /sp500-univariate forecast ('"$mode"'): /p'
done
"$seismo" forecast examples/weekly4-forecaster-returns.yaml --mode point --out "$out/weekly4-returns-forecast" --quiet |
  sed -n 's/^  \([a-z0-9_]*\): /weekly4-forecaster-returns forecast (point), \1: /p'

# Stale features in the shared data (README: LLL1 Index, flat for its last 513 weeks), features
# that start late or stop early and cut the others' history (README: LLL1 Index, 443 weeks), label
# columns read as features (README: y and Y of the labelled files), features late on the last
# rows, of another frequency, constant through training, or test rows spaced otherwise (README: none):
# those warnings of a rolling z-score run over each file; a file that names none prints nothing.
for file in ../shared/data/*.csv; do
  name=$(basename "$file" .csv)
  printf 'source: { plugin: csv, path: %s, duplicates: first }\ndetector: { plugin: rolling-zscore, window: 20 }\n' \
    "$(realpath "$file")" > "$out/stale-$name.yaml"
  { "$seismo" detect "$out/stale-$name.yaml" --out "$out/stale-$name" --quiet 2>&1 || true; } |
    { grep -e "has kept its value" -e "leaves out" -e "holds only 0 and 1" -e "a value of its own" -e "has no value on" -e "has one value" -e "apart (medians)" || true; } |
    sed "s/^/$name: /"
done
