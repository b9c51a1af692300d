#!/usr/bin/env bash
# Times reading the results schema by run, under this schema's views and, in the same run, those
# of an earlier schema version (--against: 10, the views before migration 15, 17, those before
# migration 18, or 19, those before migration 20; put back inside a transaction that is rolled
# back): one run's anomalies
# (`seismo.anomalies WHERE run_id = …`), one run's judged scores joined to seismo.runs, one run's
# flags by its key (as `rethreshold` and `score --new-rows` read them: from `flagged_scores`
# since migration 20, against `judged_scores WHERE flagged` before it), every
# run's anomalies, and the ten highest of them (the README's query). The schema holds --runs runs
# of --rows rows each (rolling z-score runs of a long table's symbols, `detect --each`) on a
# throwaway server, every fifth run with a threshold version of its own (`rethreshold`). Prints
# the median and range of --repeat timings of each (EXPLAIN ANALYZE's execution time), the sides
# interleaved.
#
#   scripts/bench-sql-reads.sh [--runs 1000] [--rows 400] [--repeat 5] [--against 10]
#
# Run it when nothing else runs.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=1000 rows=400 repeat=5 against=10
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --against) against=$2; shift 2 ;;
    *) echo "bench-sql-reads: unknown option $1 (see the header of this script)" >&2; exit 64 ;;
  esac
done
source scripts/pg-bench-env.sh
url=$SEISMO_TEST_PG_URL
"$seismo" db migrate --url "$url" > /dev/null
python3 - "$work/long.csv" "$runs" "$rows" <<'PY'
import random, sys
path, runs, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(5)
with open(path, "w") as f:
    f.write("date,symbol,close\n")
    for k in range(runs):
        x = 100.0
        for r in range(rows):
            x += random.gauss(0, 1) + (15 if random.random() < 0.01 else 0)
            f.write(f"{2000 + r // 365:04d}-{r % 365 // 28 % 12 + 1:02d}-{r % 28 + 1:02d},s{k},{x:.3f}\n")
PY
"$seismo" ingest "$work/long.csv" --url "$url" --table m --create --symbol-column symbol --long --duplicates last > /dev/null
cat > "$work/run.yaml" <<YAML
source: { plugin: postgres, url: "$url", table: m, layout: long }
detector: { plugin: rolling-zscore, window: 10 }
sink: { plugin: postgres, url: "$url" }
YAML
echo "storing $runs runs of $rows rows…" >&2
"$seismo" detect "$work/run.yaml" --each --jobs 2 --out "$work/each" --quiet
for id in $(psql "$url" -Atc "SELECT run_id FROM seismo.runs WHERE id % 5 = 0"); do
  "$seismo" rethreshold "$id" --url "$url" --set threshold.plugin=percentile --set threshold.percentile=99 > /dev/null
done
run=$(psql "$url" -Atc "SELECT run_id FROM seismo.runs ORDER BY id OFFSET $((runs / 2)) LIMIT 1")
# The earlier version's views: judged_scores (with current_thresholds, for 10) and anomalies on it.
case $against in
  10) views=$(awk '/^CREATE OR REPLACE VIEW seismo.current_thresholds/,/e.alert_ts = j.ts;/' sql/migrations/010_version_events.sql) ;;
  17) views=$(awk '/^CREATE OR REPLACE VIEW seismo.judged_scores/,/e.version = v.version;/' sql/migrations/016_version_cutoffs.sql) ;;
  19) views=$(awk '/^CREATE OR REPLACE VIEW seismo.judged_scores/,/e.version = v.version;/' sql/migrations/018_member_recuts.sql) ;;
  *) echo "bench-sql-reads: --against takes 10, 17 or 19" >&2; exit 64 ;;
esac
old="DROP VIEW seismo.anomalies; DROP VIEW seismo.judged_scores CASCADE;
$views
$(awk '/^CREATE VIEW seismo.anomalies AS/,/WHERE j.flagged;/' sql/migrations/009_fold_scores.sql)"
id=$(psql "$url" -Atc "SELECT id FROM seismo.runs WHERE run_id = '$run'")
queries=(
  "SELECT * FROM seismo.anomalies WHERE run_id = '$run'"
  "SELECT j.ts, j.cut FROM seismo.judged_scores j JOIN seismo.runs r ON r.id = j.run WHERE r.run_id = '$run' ORDER BY j.ts"
  "SELECT j.row_no, j.score FROM seismo.flagged_scores j WHERE j.run = $id ORDER BY j.row_no"
  "SELECT count(*), count(alert) FROM seismo.anomalies"
  "SELECT run_id, indicator, day, score, top_feature FROM seismo.anomalies ORDER BY score DESC LIMIT 10"
)
names=("one run's anomalies" "one run's judged scores" "one run's flags by its key" "every run's anomalies"
  "the README's ten highest anomalies")
# The views before migration 20 have no flagged_scores: their flags are judged_scores' flagged rows.
flags_before="SELECT j.row_no, j.score FROM seismo.judged_scores j WHERE j.run = $id AND j.flagged ORDER BY j.row_no"
timed() {  # $1: the views (new or old), $2: the query; prints the execution time in ms
  local query=$2
  [ "$1" = old ] && [ "$query" = "${queries[2]}" ] && query=$flags_before
  { echo "BEGIN;"; [ "$1" = old ] && echo "$old"; echo "EXPLAIN ANALYZE $query;"; echo "ROLLBACK;"; } |
    psql "$url" -Atq | sed -n 's/^Execution Time: \([0-9.]*\) ms$/\1/p'
}
stats() { sort -n | awk '{ v[NR] = $1 } END { printf "%.2f ms (%.2f–%.2f)", v[int((NR + 1) / 2)], v[1], v[NR] }'; }
echo "load $(cut -d' ' -f1-3 /proc/loadavg); $(psql "$url" -Atc "SELECT count(*) FROM seismo.runs") runs, $(psql "$url" -Atc "SELECT count(*) FROM seismo.scores") scores"
for q in "${!queries[@]}"; do
  : > "$work/new" && : > "$work/old"
  for _ in $(seq "$repeat"); do
    timed new "${queries[$q]}" >> "$work/new"
    timed old "${queries[$q]}" >> "$work/old"
  done
  echo "${names[$q]}: $(stats < "$work/new") with this schema's views, $(stats < "$work/old") with schema version $against's"
done
