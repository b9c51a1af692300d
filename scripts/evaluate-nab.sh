#!/usr/bin/env bash
# Scores Seismo configurations on the Numenta Anomaly Benchmark's realKnownCause series with NAB's
# own rules (seismo evaluate --nab): one fixed configuration per run across all series, trained on
# the first 15 % of each series (at most 750 rows, NAB's probationary period), every row scored
# point in time. Prints, per configuration, the corpus NAB scores and event-level F1 on the rows
# after training, and for an ensemble each member's, judged alone.
#
#   scripts/evaluate-nab.sh                       # every examples/nab/*.yaml
#   scripts/evaluate-nab.sh examples/nab/zscore-likelihood.yaml
#   SEISMO_NAB_SET="events.min_margin=0.3" scripts/evaluate-nab.sh examples/nab/ensemble-discord.yaml
#
# SEISMO_NAB_SET (KEY=VALUE settings, space-separated) is given to every run as --set KEY=VALUE.
# NAB's data lives beside the repository (../shared/data/nab, MIT licence); SEISMO_NAB_DIR
# points elsewhere. Runs go to ${SEISMO_NAB_OUT:-nab-runs}/CONFIG/SERIES.
set -euo pipefail
cd "$(dirname "$0")/.."
nab=${SEISMO_NAB_DIR:-../shared/data/nab}
out=${SEISMO_NAB_OUT:-nab-runs}
[ -d "$nab/realKnownCause" ] || { echo "evaluate-nab: no NAB data at $nab (set SEISMO_NAB_DIR)" >&2; exit 1; }
[ -x .build/release/seismo ] || swift build -c release >&2
seismo=.build/release/seismo
configs=("$@")
sets=()
for setting in ${SEISMO_NAB_SET:-}; do sets+=(--set "$setting"); done
[ ${#configs[@]} -gt 0 ] || configs=(examples/nab/*.yaml)
for config in "${configs[@]}"; do
  name=$(basename "$config" .yaml)
  rm -rf "${out:?}/$name"
  runs=()
  for csv in "$nab"/realKnownCause/*.csv; do
    series=$(basename "$csv" .csv)
    "$seismo" detect "$config" --set "source.path=$csv" ${sets[@]+"${sets[@]}"} --out "$out/$name/$series" --quiet
    runs+=("$out/$name/$series")
  done
  echo "== $name${SEISMO_NAB_SET:+ with $SEISMO_NAB_SET}"
  "$seismo" evaluate "${runs[@]}" --labels "$nab/labels/combined_windows.json" --nab | grep '^corpus'
done
