#!/usr/bin/env bash
# What warm-started walk-forward refits cost and what they change, against cold refits (issue 13):
#   1. spx.csv (../shared/data), examples/spx-autoencoder.yaml on its first half, refitted every
#      year on the rows before: a single fit, cold yearly refits, and warm refits (each starting
#      from the previous fold's weights) training REFIT_EPOCHS epochs, on every earlier row
#      (expanding) or on as many as the first fold (rolling), and warm expanding refits training
#      SHARE_EPOCHS of an epoch (a random share of every earlier window). Prints the summed fit
#      seconds of every fold, its ratio to the single fit (the median of five timings of it),
#      and the test rows flagged.
#   2. NAB realKnownCause (examples/nab/autoencoder-dynamic.yaml, refitted every 2,000 rows): the
#      NAB standard score, cold against warm and warm at SHARE_EPOCHS.
#   3. The weekly market set (examples/weekly4-forecaster.yaml refitted every 52 weeks): event F1
#      against the hand-tagged weeks, cold against warm and warm at SHARE_EPOCHS.
# Run it when nothing else runs; it takes about 3 minutes on 2 cores.
#
#   scripts/bench-walkforward.sh     REFIT_EPOCHS=2 SHARE_EPOCHS=0.5 scripts/bench-walkforward.sh
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${REFIT_EPOCHS:-1}
share=${SHARE_EPOCHS:-0.6}
data=../shared/data
[ -f "$data/spx.csv" ] || { echo "bench-walkforward: no $data/spx.csv (../shared beside the repository)" >&2; exit 1; }
swift build -c release --product seismo >&2
seismo=.build/release/seismo
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; warm refits train $epochs epoch(s), warm-share ones $share"

warm_settings() {  # the --set options of a mode's refits, on one line
  case $1 in
    cold) echo ;;
    warm) echo "--set split.warm_start=true --set split.refit_epochs=$epochs" ;;
    warm-rolling) echo "--set split.warm_start=true --set split.refit_epochs=$epochs --set split.refit_window=rolling" ;;
    warm-share) echo "--set split.warm_start=true --set split.refit_epochs=$share" ;;
  esac
}

fits() {  # summed fit seconds, folds, test rows flagged, the first fold's fit seconds
  python3 - "$1/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"{sum(f['fit_s'] for f in s['folds']):.2f} {len(s['folds'])} {s['test_anomaly_count']} {s['folds'][0]['fit_s']:.2f}")
PY
}

# A walk-forward run's first fold is the single fit itself (the same rows, epochs and seed), so
# the single fit's time is the median of five measurements of it: the single run and the first
# fold of each walk-forward run. One run alone moves with the neighbours.
echo "== spx.csv, lstm-autoencoder, trained on the first half"
half=(--set split.train_fraction=0.5)
"$seismo" detect examples/spx-autoencoder.yaml "${half[@]}" --out "$out/single" --quiet
read -r single_run _ flagged _ < <(fits "$out/single")
singles=("$single_run")
declare -A total count flags
for mode in cold warm warm-rolling warm-share; do
  read -r -a extra <<< "--set split.refit_every=1y $(warm_settings "$mode")"
  "$seismo" detect examples/spx-autoencoder.yaml "${half[@]}" "${extra[@]}" --out "$out/$mode" --quiet
  read -r "total[$mode]" "count[$mode]" "flags[$mode]" first < <(fits "$out/$mode")
  singles+=("$first")
done
single=$(python3 -c "import statistics, sys; print(f'{statistics.median(map(float, sys.argv[1:])):.2f}')" "${singles[@]}")
echo "single fit: ${single} s (median of ${singles[*]}), ${flagged} test rows flagged"
for mode in cold warm warm-rolling warm-share; do
  echo "$mode yearly refits: ${total[$mode]} s over ${count[$mode]} folds = $(python3 -c "print(f'{${total[$mode]} / $single:.1f}')")× the single fit, ${flags[$mode]} test rows flagged"
done

echo "== NAB realKnownCause, walk-forward autoencoder x dynamic"
for mode in cold warm warm-share; do
  read -r -a extra <<< "$(warm_settings "$mode")"
  runs=()
  start=$(date +%s.%N)
  for csv in "$data"/nab/realKnownCause/*.csv; do
    name=$(basename "$csv" .csv)
    "$seismo" detect examples/nab/autoencoder-dynamic.yaml --set "source.path=$csv" "${extra[@]}" --out "$out/nab-$mode/$name" --quiet
    runs+=("$out/nab-$mode/$name")
  done
  wall=$(python3 -c "import time; print(f'{time.time() - $start:.0f}')")
  echo "$mode ($wall s): $("$seismo" evaluate "${runs[@]}" --labels "$data/nab/labels/combined_windows.json" --nab | grep 'NAB standard' | tail -1)"
done

echo "== weekly market set, lstm-forecaster refitted every 52 weeks"
for mode in cold warm warm-share; do
  read -r -a extra <<< "--set split.refit_every=52 $(warm_settings "$mode")"
  "$seismo" detect examples/weekly4-forecaster.yaml "${extra[@]}" --out "$out/weekly-$mode" --quiet
  read -r seconds folds flagged _ < <(fits "$out/weekly-$mode")
  echo "$mode: ${seconds} s over ${folds} folds, ${flagged} test weeks flagged; $("$seismo" evaluate "$out/weekly-$mode" --labels "$data/market_weekly_4_labeled.csv" --label-column y | grep '^events')"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
