#!/usr/bin/env bash
# Times the nightly job, `seismo score --run RUN --new-rows`, on a stored run of a long table: a
# synthetic minute series of ROWS rows (default 1000000; scripts/minute_series.py) loaded with
# `seismo ingest`, a rolling z-score under THRESHOLD (default dynamic) stored by the postgres
# sink, with the ensemble member MEMBER beside it when set, then CALLS calls (default 3), each
# after one new row is appended (wall time). VERSION=RULE gives the run a threshold version of
# that rule (`rethreshold --set threshold.plugin=RULE`) before the calls, which each call
# extends over its new row when the rule cuts per row. AGAINST=path/to/seismo times an earlier
# build too, on a database of its own, each call interleaved with this build's. Prints the
# medians of the wall time and of the client's CPU time (user), and the load before and after.
# Run it when nothing else runs.
#
#   scripts/bench-new-rows.sh
#   AGAINST=/tmp/seismo-before ROWS=200000 THRESHOLD=spot scripts/bench-new-rows.sh
#   VERSION=spot ROWS=200000 scripts/bench-new-rows.sh
#   MEMBER='{ detector: { plugin: lstm-autoencoder, window: 30, units: 16, epochs: 1, transform: log_return },
#     threshold: { plugin: percentile, percentile: 99.9 } }' scripts/bench-new-rows.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-1000000}
calls=${CALLS:-3}
threshold=${THRESHOLD:-dynamic}
source scripts/pg-bench-env.sh
builds=("$seismo")
[ -z "${AGAINST:-}" ] || builds+=("$AGAINST")
python3 scripts/minute_series.py "$((rows + calls))" "$work/all.csv"
head -n "$((rows + 1))" "$work/all.csv" > "$work/series.csv"
urls=()
runs=()
for b in "${!builds[@]}"; do  # a database per build, migrated by it, with its own run
  psql "$SEISMO_TEST_PG_URL" -qc "CREATE DATABASE bench_$b"
  urls+=("${SEISMO_TEST_PG_URL%/*}/bench_$b")
  "${builds[$b]}" db migrate --url "${urls[$b]}" > /dev/null
  "${builds[$b]}" ingest "$work/series.csv" --url "${urls[$b]}" --table minutes --create --time-format '%s' > /dev/null
  printf 'source: { plugin: postgres, url: "%s", table: minutes }\nsplit: { train_fraction: 0.2 }\ndetector: { plugin: rolling-zscore, window: 60, transform: log_return }\nthreshold: { plugin: %s }\nsinks:\n  - { plugin: postgres, url: "%s", save_model: true }\n' \
    "${urls[$b]}" "$threshold" "${urls[$b]}" > "$work/run$b.yaml"
  [ -z "${MEMBER:-}" ] || echo "ensemble: [$MEMBER]" >> "$work/run$b.yaml"
  runs+=("$("${builds[$b]}" detect "$work/run$b.yaml" --out "$work/out$b" --quiet --json |
    python3 -c "import json, sys; print(json.load(sys.stdin)['run_id'])")")
  [ -z "${VERSION:-}" ] ||
    "${builds[$b]}" rethreshold "${runs[$b]}" --url "${urls[$b]}" --set "threshold.plugin=$VERSION" > /dev/null
done
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for c in $(seq "$calls"); do
  { head -n 1 "$work/all.csv"; sed -n "$((rows + 1 + c))p" "$work/all.csv"; } > "$work/row$c.csv"
  for b in "${!builds[@]}"; do
    "${builds[$b]}" ingest "$work/row$c.csv" --url "${urls[$b]}" --table minutes --time-format '%s' > /dev/null
    /usr/bin/time -f "%e %U" -a -o "$work/call.$b" \
      "${builds[$b]}" score --run "${runs[$b]}" --url "${urls[$b]}" --new-rows --quiet
  done
done
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] }'; }
for b in "${!builds[@]}"; do
  wall=$(cut -d' ' -f1 "$work/call.$b" | median)
  cpu=$(cut -d' ' -f2 "$work/call.$b" | median)
  echo "score --new-rows, $rows rows under $threshold${MEMBER:+ with the member $MEMBER}${VERSION:+, version $VERSION}, one new row a call: ${builds[$b]}: $wall s, the client's CPU $cpu s (medians of $calls)"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
