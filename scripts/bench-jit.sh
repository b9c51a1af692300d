#!/usr/bin/env bash
# Times what PostgreSQL's JIT compilation costs Seismo's own queries: the same build against the
# same stored run, its connection with JIT as Seismo sets it (off, PGConnection.sessionSettings)
# and turned back on by the URL (?options=-c jit=on), the sides interleaved. On a table of ROWS
# minutes (default 1000000; scripts/minute_series.py), a rolling z-score under `dynamic` is
# stored and given a threshold version (`rethreshold`, the 99.9th percentile), and an ensemble of
# it with another z-score is stored too; the schema is analysed (as autovacuum would: the
# planner's estimates decide what it compiles). Each of CALLS rounds (default 5) appends one row
# far above the rest and times the ensemble's `score --new-rows` (the row is flagged and its
# event stored), `runs list` (which counts the version's flags) and a `rethreshold` of the first
# run (which stores the version's events). Prints the medians, and the load before and after.
# Run it when nothing else runs.
#
#   scripts/bench-jit.sh
#   ROWS=200000 CALLS=3 scripts/bench-jit.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-1000000}
calls=${CALLS:-5}
source scripts/pg-bench-env.sh
url=$SEISMO_TEST_PG_URL
echo "server: $(psql "$url" -Atc 'SHOW server_version'), JIT available: $(psql "$url" -Atc 'SELECT pg_jit_available()')"
python3 scripts/minute_series.py "$rows" "$work/series.csv"
"$seismo" db migrate --url "$url" > /dev/null
"$seismo" ingest "$work/series.csv" --url "$url" --table minutes --create --time-format '%s' > /dev/null
printf 'source: { plugin: postgres, url: "%s", table: minutes }\nsplit: { train_fraction: 0.2 }\ndetector: { plugin: rolling-zscore, window: 60, transform: log_return }\nthreshold: { plugin: dynamic }\nsinks:\n  - { plugin: postgres, url: "%s", save_model: true }\n' \
  "$url" "$url" > "$work/run.yaml"
# An ensemble of it with another z-score too (its rows carry each member's scores), whose new
# rows are timed.
{ cat "$work/run.yaml"; echo "ensemble: [{ detector: { plugin: rolling-zscore, window: 30 }, threshold: { plugin: dynamic } }]"; } > "$work/ensemble.yaml"
detect() { "$seismo" detect "$1" --out "$work/$2" --quiet --json | python3 -c "import json, sys; print(json.load(sys.stdin)['run_id'])"; }
run=$(detect "$work/run.yaml" one)
ensemble=$(detect "$work/ensemble.yaml" ensemble)
"$seismo" rethreshold "$run" --url "$url" --set threshold.plugin=percentile --set threshold.percentile=99.9 > /dev/null
psql "$url" -qc "ANALYZE"  # the planner's statistics, as autovacuum keeps them on a server in use
timed() {  # $1: the side, $2: the step, then the command; appends its wall time to $work/$1.$2
  local side=$1 step=$2 start
  shift 2
  start=$(date +%s.%N)
  "$@" > /dev/null
  echo "$(date +%s.%N) - $start" | bc >> "$work/$side.$step"
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for c in $(seq "$calls"); do
  for side in off on; do
    u=$url
    [ "$side" = off ] || u="$url?options=-c%20jit%3Don"
    # One row a minute after the last, at 1.5 times its price: a log return no score passes.
    psql "$url" -Atc "SELECT extract(epoch FROM ts)::bigint + 60, x * 1.5 FROM minutes ORDER BY ts DESC LIMIT 1" |
      awk -F'|' 'BEGIN { print "ts,x" } { print $1 "," $2 }' > "$work/row.csv"
    "$seismo" ingest "$work/row.csv" --url "$url" --table minutes --time-format '%s' > /dev/null
    timed "$side" new-rows "$seismo" score --run "$ensemble" --url "$u" --new-rows --quiet
    timed "$side" runs-list "$seismo" runs list --url "$u"
    timed "$side" rethreshold "$seismo" rethreshold "$run" --url "$u" --set threshold.plugin=fixed --set threshold.value=$((20 + c))
  done
done
for step in new-rows runs-list rethreshold; do
  for side in off on; do
    median=$(sort -n "$work/$side.$step" | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] }')
    echo "$step, $rows rows, JIT $side: $median s (median of $calls)"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
