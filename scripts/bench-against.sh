#!/usr/bin/env bash
# Measures a change's speed against an earlier commit: builds REV (a git revision) in a temporary
# worktree beside this checkout's release build, then runs both interleaved, ROUNDS times (default
# 3): `seismo bench` on the three seed models (steady epoch, share of the sgemm peak, inference) and
# `seismo detect examples/spx-autoencoder.yaml` (wall time, scoring and report included). Prints
# the medians of each side and their ratio. Run it when nothing else runs.
#
#   scripts/bench-against.sh REV [ROUNDS]          e.g. scripts/bench-against.sh HEAD~1
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data="$root/../shared/data"
rev=${1:?usage: scripts/bench-against.sh REV [ROUNDS]}
rounds=${2:-3}
[ -d "$data" ] || { echo "bench-against: $data not found (../shared beside the repository)" >&2; exit 1; }
commit=$(git rev-parse --verify "$rev^{commit}")
scripts/setup.sh
swift build -c release --product seismo >&2
before=$(mktemp -d)
trap 'git worktree remove --force "$before/src" >/dev/null 2>&1 || true; rm -rf "$before"' EXIT
git worktree add --detach "$before/src" "$commit" >&2
(cd "$before/src" && swift build -c release --product seismo >&2)
binaries=("$before/src/.build/release/seismo" "$root/.build/release/seismo")
names=(before after)
results=$(mktemp)
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); before = ${commit:0:7}, after = the working tree"
for round in $(seq "$rounds"); do
  for model in autoencoder forecaster univariate; do
    case "$model" in
      forecaster) args=(--csv "$data/market_weekly_4.csv" --epochs 10) ;;
      *) args=(--csv "$data/sp500_daily_2000_2018.csv" --column close --epochs 4) ;;
    esac
    for i in 0 1; do
      echo "${names[$i]} $model $("${binaries[$i]}" bench "$model" "${args[@]}")" >> "$results"
    done
  done
  for i in 0 1; do
    out=$(mktemp -d)
    start=$(date +%s.%N)
    (cd "$root/examples" && "${binaries[$i]}" detect spx-autoencoder.yaml --out "$out/run" --quiet)
    echo "${names[$i]} detect {\"wall_s\": $(echo "$(date +%s.%N) - $start" | bc)}" >> "$results"
    rm -rf "$out"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$results" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, what, payload = line.split(" ", 2)
    rows.setdefault((what, name), []).append(json.loads(payload))
def med(what, name, key):
    return statistics.median(float(r[key]) for r in rows[(what, name)])
for model in ("autoencoder", "forecaster", "univariate"):
    b, a = (med(model, n, "steady_epoch_s") for n in ("before", "after"))
    bs, as_ = (med(model, n, "train_share_of_peak") for n in ("before", "after"))
    bi, ai = (med(model, n, "infer_windows_per_s") for n in ("before", "after"))
    print(f"{model}: steady epoch {b:.3f} s -> {a:.3f} s ({b / a:.2f}x), share of peak {bs:.0%} -> {as_:.0%}, "
          f"inference {ai / bi:.2f}x ({len(rows[(model, 'after')])} runs each, medians)")
b, a = (med("detect", n, "wall_s") for n in ("before", "after"))
print(f"detect examples/spx-autoencoder.yaml: {b:.1f} s -> {a:.1f} s wall ({b / a:.2f}x)")
PY
