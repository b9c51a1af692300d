#!/usr/bin/env bash
# How training uses two cores (README, "On a Zen 5 machine"):
#   1. what DispatchQueue.concurrentPerform costs a job of two short halves
#      (scripts/bench-threads/dispatch_wake.swift): the trainer's batches take 0.3–40 ms;
#   2. the autoencoder's and the forecaster's training share of the multiply-add ceiling on one
#      thread and on two (`seismo bench --threads`, the ceiling measured on as many threads),
#      interleaved, ROUNDS rounds (default 3); with REV (a git revision, built in a temporary
#      worktree), REV's build too, interleaved with this checkout's;
#   3. with REV: `seismo detect examples/weekly4-forecaster.yaml --each` (four indicators) at
#      --jobs 2 and --jobs 1, REV's build and this checkout's interleaved, ROUNDS + 1 rounds,
#      wall seconds.
# Run it when nothing else runs.
#
#   scripts/bench-threads.sh [REV]             e.g. scripts/bench-threads.sh 147731f
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data="$root/../shared/data"
rounds=${ROUNDS:-3}
[ -d "$data" ] || { echo "bench-threads: $data not found (../shared beside the repository)" >&2; exit 1; }
scripts/setup.sh
swift build -c release --product seismo >&2
work=$(mktemp -d)
trap 'git worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"

swiftc -O scripts/bench-threads/dispatch_wake.swift -o "$work/dispatch_wake" 2>&1 | grep -v '^$' >&2 || true
"$work/dispatch_wake"

binaries=("$root/.build/release/seismo")
names=("working-tree")
if [ $# -gt 0 ]; then
  commit=$(git rev-parse --verify "$1^{commit}")
  git worktree add --detach "$work/src" "$commit" >&2
  (cd "$work/src" && swift build -c release --product seismo >&2)
  binaries=("$work/src/.build/release/seismo" "${binaries[@]}")
  names=("${commit:0:7}" "${names[@]}")
fi

for round in $(seq "$rounds"); do
  for model in autoencoder forecaster; do
    case "$model" in
      forecaster) args=(--csv "$data/market_weekly_4.csv" --epochs 30) ;;
      *) args=(--csv "$data/sp500_daily_2000_2018.csv" --column close) ;;
    esac
    for threads in 1 2; do
      for i in "${!binaries[@]}"; do
        "${binaries[$i]}" bench "$model" "${args[@]}" --threads "$threads" | python3 -c "
import json, sys
d = json.load(sys.stdin)
print(f'${names[$i]}, $model, $threads thread(s): training {d[\"train_gflops\"]:.1f} GFLOP/s, {100 * d[\"train_share_of_peak\"]:.0f} % of the ceiling ({d[\"arithmetic_peak_gflops\"]:.0f}), steady epoch {d[\"steady_epoch_s\"]} s')"
      done
    done
  done
done

if [ ${#binaries[@]} -gt 1 ]; then
  for jobs in 2 1; do
    for round in $(seq $((rounds + 1))); do
      for i in 0 1; do
        start=$(date +%s.%N)
        (cd examples && "${binaries[$i]}" detect weekly4-forecaster.yaml --each --jobs "$jobs" --quiet --out "$work/each")
        echo "detect --each --jobs $jobs, ${names[$i]}: $(echo "$(date +%s.%N) - $start" | bc | cut -c1-5) s"
        rm -rf "$work/each"
      done
    done
  done
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
