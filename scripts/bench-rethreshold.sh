#!/usr/bin/env bash
# Times storing a run, reading it by its key, giving it a per-row threshold and reading that
# back, for runs of each row count in SIZES (default "10000 40000 160000"): a rolling z-score of a
# synthetic minute series stored by the postgres sink (`detect`'s wall time), its judged scores
# read as an analyst asks for them (`seismo.judged_scores WHERE run = <key>`, EXPLAIN ANALYZE's
# execution time), then `seismo rethreshold RUN --set threshold.plugin=dynamic` (wall time) and
# one run's anomalies under the new version (`seismo.anomalies WHERE run_id = …`), read right
# after and again once the database is analyzed (as autovacuum keeps a database in use), and
# `seismo runs list --limit 1` (wall time), which counts the run's anomalies under the version.
# AGAINST=path/to/seismo times an earlier build too, on a database of its own that it migrates,
# each round interleaved with this build's. ROUNDS (default 3) rounds, medians. Prints the load
# before and after. Run it when nothing else runs.
# STALE=1 times each run before PostgreSQL has statistics of its rows, as right after `detect` on
# a database in use: each database first stores a small run, is analyzed, and has autovacuum
# turned off for the tables the runs are read from.
#
#   scripts/bench-rethreshold.sh
#   AGAINST=/tmp/seismo-before SIZES="10000 40000" scripts/bench-rethreshold.sh
#   STALE=1 AGAINST=/tmp/seismo-before SIZES="10000 40000" scripts/bench-rethreshold.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
sizes=${SIZES:-10000 40000 160000}
source scripts/pg-bench-env.sh
builds=("$seismo")
[ -z "${AGAINST:-}" ] || builds+=("$AGAINST")
urls=()
for b in "${!builds[@]}"; do  # a database per build, migrated by it
  psql "$SEISMO_TEST_PG_URL" -qc "CREATE DATABASE bench_$b"
  urls+=("${SEISMO_TEST_PG_URL%/*}/bench_$b")
  "${builds[$b]}" db migrate --url "${urls[$b]}" > /dev/null
done
runconfig() {  # runconfig N BUILD: a run of the N-row series, stored in BUILD's database
  printf 'source: { plugin: csv, path: %s, time_format: "%%s" }\nsplit: { train_fraction: 0.5 }\ndetector: { plugin: rolling-zscore, window: 50, transform: log_return }\nsink: { plugin: postgres, url: "%s" }\n' \
    "$work/series$1.csv" "${urls[$2]}" > "$work/run$2.yaml"
}
stored() {  # stored N BUILD: stores a run of the N-row series and prints its id
  runconfig "$1" "$2"
  "${builds[$2]}" detect "$work/run$2.yaml" --out "$work/out$2.$1.$RANDOM" --quiet --json |
    python3 -c "import json, sys; print(json.load(sys.stdin)['run_id'])"
}
executed() {  # executed BUILD QUERY: EXPLAIN ANALYZE's execution time of QUERY in ms
  psql "${urls[$1]}" -Atqc "EXPLAIN ANALYZE $2" | sed -n 's/^Execution Time: \([0-9.]*\) ms$/\1/p'
}
if [ -n "${STALE:-}" ]; then
  python3 scripts/minute_series.py 2000 "$work/series2000.csv"
  for b in "${!builds[@]}"; do
    "${builds[$b]}" rethreshold "$(stored 2000 "$b")" --url "${urls[$b]}" --set threshold.plugin=dynamic > /dev/null
    for table in seismo.scores_from_0 seismo.threshold_cutoffs seismo.events; do
      psql "${urls[$b]}" -qc "ALTER TABLE $table SET (autovacuum_enabled = off)" -qc "ANALYZE $table"
    done
  done
fi
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] }'; }
for n in $sizes; do
  python3 scripts/minute_series.py "$n" "$work/series$n.csv"
  for r in $(seq "$rounds"); do
    for b in "${!builds[@]}"; do
      start=$(date +%s.%N)
      run=$(stored "$n" "$b")
      echo "$(date +%s.%N) - $start" | bc >> "$work/detect.$b.$n"
      key=$(psql "${urls[$b]}" -Atqc "SELECT id FROM seismo.runs WHERE run_id = '$run'")
      executed "$b" "SELECT * FROM seismo.judged_scores WHERE run = $key" >> "$work/judged.$b.$n"
      start=$(date +%s.%N)
      "${builds[$b]}" rethreshold "$run" --url "${urls[$b]}" --set threshold.plugin=dynamic > /dev/null
      echo "$(date +%s.%N) - $start" | bc >> "$work/rethreshold.$b.$n"
      executed "$b" "SELECT * FROM seismo.anomalies WHERE run_id = '$run'" >> "$work/read.$b.$n"
      psql "${urls[$b]}" -qc "ANALYZE"
      executed "$b" "SELECT * FROM seismo.anomalies WHERE run_id = '$run'" >> "$work/again.$b.$n"
      start=$(date +%s.%N)
      "${builds[$b]}" runs list --url "${urls[$b]}" --limit 1 > /dev/null
      echo "$(date +%s.%N) - $start" | bc >> "$work/list.$b.$n"
    done
  done
  for b in "${!builds[@]}"; do
    echo "$n rows: ${builds[$b]}: detect $(median < "$work/detect.$b.$n") s, its judged scores by key $(median < "$work/judged.$b.$n") ms, rethreshold $(median < "$work/rethreshold.$b.$n") s, one run's anomalies $(median < "$work/read.$b.$n") ms, analyzed $(median < "$work/again.$b.$n") ms, \`runs list --limit 1\` $(median < "$work/list.$b.$n") s (medians of $rounds)"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
