#!/usr/bin/env bash
# Peak memory (RSS, /usr/bin/time) and wall time on a synthetic series of ROWS rows (default
# 1,000,000; a sine with noise), for rolling-zscore and an lstm-autoencoder:
#   detect          `seismo detect` on the whole file (trained on its first 1 %, at most 2,000 rows),
#                   which loads the file and keeps every row's scores for the report;
#   score --stream  the same model (trained on the first 2,000 rows and saved) scoring the whole
#                   file with `seismo score --stream`, which holds one piece of rows at a time.
# Streamed memory should not grow with ROWS; detect's grows by about 30 bytes a row. Then the
# same for the series as two files joined on time, and as one long file of two symbols. Last,
# detect at the 95th percentile, which flags about 5 % of the rows, and the size of its summary;
# and `seismo report` rebuilding that run's report from its scores.csv.
#
# With PG_URL (a postgresql:// URL), the same series also goes into a table (seismo_bench_memory,
# schema public, replaced at each run and dropped at the end by psql) to be read from PostgreSQL:
# rolling-zscore's detect and score --stream on the table.
#
# SEISMO=path/to/seismo measures that build instead (an earlier commit's, say).
#
#   scripts/bench-memory.sh            ROWS=10000000 scripts/bench-memory.sh
#   PG_URL="$(scripts/pg-test-server.sh start | sed -n 's/^export SEISMO_TEST_PG_URL=//p')" scripts/bench-memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-1000000}
if [ -z "${SEISMO:-}" ]; then swift build -c release --product seismo >&2; fi
seismo=${SEISMO:-$(pwd)/.build/release/seismo}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work/series.csv" "$rows" <<'PY'
import math, random, sys
random.seed(1)
with open(sys.argv[1], "w") as f:
    f.write("t,x\n")
    for i in range(int(sys.argv[2])):
        f.write(f"{i},{math.sin(i / 50) + random.gauss(0, 0.1):.5f}\n")
PY
head -n 2001 "$work/series.csv" > "$work/head.csv"
zscore="detector: { plugin: rolling-zscore, window: 50 }"
autoencoder="detector: { plugin: lstm-autoencoder, window: 30, units: 16, epochs: 1 }"
threshold="threshold: { plugin: percentile, percentile: 99.9 }"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $rows rows"
for detector in zscore autoencoder; do
  printf 'source: { plugin: csv, path: %s, columns: [x], time_column: none }\nsplit: { train_fraction: 0.01, max_train_rows: 2000 }\n%s\n%s\n' \
    "$work/series.csv" "${!detector}" "$threshold" > "$work/$detector.yaml"
  printf 'source: { plugin: csv, path: %s, columns: [x], time_column: none }\nsplit: { train_fraction: 1.0 }\n%s\n%s\n' \
    "$work/head.csv" "${!detector}" "$threshold" > "$work/$detector-head.yaml"
  /usr/bin/time -f "$detector, detect: %e s wall, peak RSS %M KiB" "$seismo" detect "$work/$detector.yaml" --out "$work/$detector" --quiet
  "$seismo" detect "$work/$detector-head.yaml" --out "$work/$detector-head" --save-model "$work/$detector.seismo" --quiet
  /usr/bin/time -f "$detector, score --stream: %e s wall, peak RSS %M KiB" "$seismo" score --model "$work/$detector.seismo" \
    "$work/series.csv" --stream --out "$work/$detector-stream" --quiet
done
# Joined files: the series as two files, x and its negation y, a row a minute (epoch seconds),
# joined on time (`path: [a, b]`); rolling-zscore's detect, then score --stream, which reads
# each file a chunk at a time as the join needs it.
awk -F, 'NR == 1 { print "ts,x"; next } { print 946684800 + 60 * $1 "," $2 }' "$work/series.csv" > "$work/a.csv"
awk -F, 'NR == 1 { print "ts,y"; next } { print (946684800 + 60 * $1) "," (-$2) }' "$work/series.csv" > "$work/b.csv"
printf 'source: { plugin: csv, path: [%s, %s], time_format: "%%s" }\nsplit: { train_fraction: 0.01, max_train_rows: 2000 }\n%s\n%s\n' \
  "$work/a.csv" "$work/b.csv" "$zscore" "$threshold" > "$work/joined.yaml"
/usr/bin/time -f "zscore on two joined files, detect: %e s wall, peak RSS %M KiB" "$seismo" detect "$work/joined.yaml" \
  --out "$work/joined" --save-model "$work/joined.seismo" --quiet
/usr/bin/time -f "zscore on two joined files, score --stream: %e s wall, peak RSS %M KiB" "$seismo" score \
  --model "$work/joined.seismo" --stream --out "$work/joined-stream" --quiet ||
  echo "  (this build cannot stream joined files)"
# A long file: the same two series as one file, a row per symbol and minute (x's, then y's),
# read with `layout: long`; score --stream joins each minute's rows as they come.
awk -F, 'NR == 1 { print "ts,symbol,value"; next } { t = 946684800 + 60 * $1; print t ",x," $2; print t ",y," (-$2) }' \
  "$work/series.csv" > "$work/long.csv"
printf 'source: { plugin: csv, path: %s, layout: long, time_format: "%%s" }\nsplit: { train_fraction: 0.01, max_train_rows: 2000 }\n%s\n%s\n' \
  "$work/long.csv" "$zscore" "$threshold" > "$work/long.yaml"
/usr/bin/time -f "zscore on a long file of two symbols, detect: %e s wall, peak RSS %M KiB" "$seismo" detect \
  "$work/long.yaml" --out "$work/long" --save-model "$work/long.seismo" --quiet
/usr/bin/time -f "zscore on a long file of two symbols, score --stream: %e s wall, peak RSS %M KiB" "$seismo" score \
  --model "$work/long.seismo" --stream --out "$work/long-stream" --quiet ||
  echo "  (this build cannot stream a long file)"
# Many flags: the 95th percentile flags about 5 % of the rows; the summary lists 1,000 of them.
sed 's/percentile: 99.9/percentile: 95/' "$work/zscore.yaml" > "$work/zscore-95.yaml"
/usr/bin/time -f "zscore at the 95th percentile, detect: %e s wall, peak RSS %M KiB" "$seismo" detect \
  "$work/zscore-95.yaml" --out "$work/zscore-95" --quiet
python3 - "$work/zscore-95/summary.json" <<'PY'
import json, os, sys
s = json.load(open(sys.argv[1]))
print(f"  summary.json {os.path.getsize(sys.argv[1]) / 1e6:.1f} MB: {len(s['anomalies'])} of {s['anomaly_count']} flags"
      f" and {len(s['events'])} of {s['event_count']} events listed")
PY
# Reading a run back: `seismo report` rebuilds that run's report from its summary and scores.csv.
/usr/bin/time -f "report of that run, from its scores.csv: %e s wall, peak RSS %M KiB" "$seismo" report \
  "$work/zscore-95" > /dev/null
if [ -n "${PG_URL:-}" ]; then
  # The series with a time: one row a minute from 2000-01-01, as epoch seconds.
  awk -F, 'NR == 1 { print "ts,x"; next } { print 946684800 + 60 * $1 "," $2 }' "$work/series.csv" > "$work/timed.csv"
  "$seismo" ingest "$work/timed.csv" --url "$PG_URL" --table seismo_bench_memory --time-format %s --create --mode replace >&2
  trap 'rm -rf "$work"; psql -q "$PG_URL" -c "DROP TABLE IF EXISTS seismo_bench_memory" 2>/dev/null || true' EXIT
  source="source: { plugin: postgres, url: \"$PG_URL\", table: seismo_bench_memory }"
  printf '%s\nsplit: { train_fraction: 0.01, max_train_rows: 2000 }\n%s\n%s\n' "$source" "$zscore" "$threshold" > "$work/table.yaml"
  /usr/bin/time -f "zscore from the table, detect: %e s wall, peak RSS %M KiB" "$seismo" detect "$work/table.yaml" \
    --out "$work/table" --save-model "$work/table.seismo" --quiet
  /usr/bin/time -f "zscore from the table, score --stream: %e s wall, peak RSS %M KiB" "$seismo" score \
    --model "$work/table.seismo" --url "$PG_URL" --stream --out "$work/table-stream" --quiet ||
    echo "  (this build cannot stream a table)"
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
