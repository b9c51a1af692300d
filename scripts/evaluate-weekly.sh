#!/usr/bin/env bash
# Runs the weekly market examples and scores them against the hand-tagged crisis weeks
# (../shared/data/market_weekly_4_labeled.csv, column y): share of test weeks flagged, then
# point-wise, point-adjusted and event-level precision, recall and F1 (seismo evaluate).
#
#   scripts/evaluate-weekly.sh            # runs go to ${SEISMO_WEEKLY_OUT:-weekly-runs}/NAME
set -euo pipefail
cd "$(dirname "$0")/.."
labels=../shared/data/market_weekly_4_labeled.csv
out=${SEISMO_WEEKLY_OUT:-weekly-runs}
[ -f "$labels" ] || { echo "evaluate-weekly: no $labels (the shared data sits beside the repository)" >&2; exit 1; }
[ -x .build/release/seismo ] || swift build -c release >&2
seismo=.build/release/seismo
for name in weekly4-zscore weekly4-forecaster weekly4-forecaster-returns weekly4-discord weekly4-ensemble; do
  rm -rf "${out:?}/$name"
  "$seismo" detect "examples/$name.yaml" --out "$out/$name" --quiet
  flagged=$(python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print(f\"{s['test_anomaly_count']} of {s['split']['test_rows']} test weeks flagged\")" "$out/$name/summary.json")
  echo "== $name: $flagged"
  # (an ensemble's members follow, each judged alone)
  "$seismo" evaluate "$out/$name" --labels "$labels" --label-column y | sed -n '/^point-wise/,$p'
done
