#!/usr/bin/env bash
# Times the spot threshold (summary.json's threshold_s, medians of ROUNDS runs, default 3) over a
# rolling z-score of a synthetic minute series of log returns, half of it training, for each row
# count in SIZES (default "100000 1000000"). spot refits its tail at every new peak, so its cost
# grows with the peaks: about 2 % of the rows. Also on NAB's 7 realKnownCause series
# (examples/nab/zscore-spot.yaml, their total). AGAINST=path/to/seismo times that build too, each
# round interleaved with this one's, and says whether both cut every row alike (if not, on how
# many rows their cut-offs and flags differ, and by how much at most); SEISMO=path times
# another build in place of this one. RULE=dynamic (or another threshold plugin, with its
# defaults) times that rule over the synthetic series instead, and skips NAB. Prints the load
# before and after.
#
#   scripts/bench-spot.sh
#   AGAINST=/tmp/seismo-before SIZES=100000 ROUNDS=1 scripts/bench-spot.sh
#   RULE=dynamic AGAINST=/tmp/seismo-before scripts/bench-spot.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
sizes=${SIZES:-100000 1000000}
rule=${RULE:-spot}
nab=$(cd "${SEISMO_NAB_DIR:-../shared/data/nab}" 2>/dev/null && pwd || echo "${SEISMO_NAB_DIR:-../shared/data/nab}")
if [ -z "${SEISMO:-}" ]; then swift build -c release --product seismo >&2; fi
builds=("${SEISMO:-$(pwd)/.build/release/seismo}")
[ -z "${AGAINST:-}" ] || builds+=("$AGAINST")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# run CONFIG NAME: each round, each build's detect; prints "build seconds" lines (threshold_s).
run() {
  for r in $(seq "$rounds"); do
    for b in "${!builds[@]}"; do
      "${builds[$b]}" detect "$1" --out "$work/$2.$b.$r" --quiet
      python3 -c "import json,sys; print(sys.argv[2], json.load(open(sys.argv[1]))['timings']['threshold_s'])" \
        "$work/$2.$b.$r/summary.json" "$b"
    done
  done
}
# report NAME LABEL: the median of each build's lines, and whether the builds' cut-offs agree
# (of a single series' run).
report() {
  for b in "${!builds[@]}"; do
    t=$(awk -v b="$b" '$1 == b { print $2 }' "$work/$1.times" | sort -n |
      awk '{ a[NR] = $1 } END { printf "%.2f s (median of %d)", a[int((NR + 1) / 2)], NR }')
    echo "$2: ${builds[$b]}: $t"
  done
  if [ ${#builds[@]} -gt 1 ] && [ -f "$work/$1.0.1/scores.csv" ]; then
    if cmp -s <(cut -d, -f1-5 "$work/$1.0.1/scores.csv") <(cut -d, -f1-5 "$work/$1.1.1/scores.csv"); then
      echo "  the two builds cut every row alike"
    else
      paste -d, <(cut -d, -f4,5 "$work/$1.0.1/scores.csv") <(cut -d, -f4,5 "$work/$1.1.1/scores.csv") | awk -F, '
        NR > 1 && $1 != $3 { cuts++; d = ($1 - $3) / ($3 < 0 ? -$3 : $3); d = d < 0 ? -d : d; if (d > worst) worst = d }
        NR > 1 && $2 != $4 { flags++ }
        END { printf "  the two builds cut %d rows apart (largest relative difference %.2g) and flag %d apart\n", cuts, worst, flags }' 
    fi
  fi
}
for n in $sizes; do
  python3 scripts/minute_series.py "$n" "$work/series$n.csv"
  printf 'source: { plugin: csv, path: %s, time_format: "%%s" }\nsplit: { train_fraction: 0.5 }\ndetector: { plugin: rolling-zscore, window: 50, transform: log_return }\nthreshold: { plugin: %s }\n' \
    "$work/series$n.csv" "$rule" > "$work/s$n.yaml"
  run "$work/s$n.yaml" "s$n" > "$work/s$n.times"
  report "s$n" "$rule over $n rows"
done
if [ "$rule" = spot ] && [ -d "$nab/realKnownCause" ]; then
  for r in $(seq "$rounds"); do
    for b in "${!builds[@]}"; do
      total=0
      for csv in "$nab"/realKnownCause/*.csv; do
        series=$(basename "$csv" .csv)
        "${builds[$b]}" detect examples/nab/zscore-spot.yaml --set "source.path=$csv" --out "$work/nab.$b.$r/$series" --quiet 2>/dev/null
        total=$(python3 -c "import json,sys; print(float(sys.argv[2]) + json.load(open(sys.argv[1]))['timings']['threshold_s'])" \
          "$work/nab.$b.$r/$series/summary.json" "$total")
      done
      echo "$b $total"
    done
  done > "$work/nab.times"
  report nab "spot over NAB's 7 realKnownCause series (69,560 rows, together)"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
