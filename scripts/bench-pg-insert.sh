#!/usr/bin/env bash
# Measures the postgres sink's insert rate (score rows/s, as `seismo detect` prints it) into the
# partitioned seismo.scores of migration 8 and, in the same run, into a plain table of the same
# shape (the layout before migration 8), sides interleaved, on a throwaway server (fsync off, as
# the test server runs). Each detect run writes one run of --rows scored rows.
#
#   scripts/bench-pg-insert.sh [--rows 200000] [--rounds 5]
#
# Run it when nothing else runs.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=200000 rounds=5
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "bench-pg-insert: unknown option $1 (see the header of this script)" >&2; exit 64 ;;
  esac
done
source scripts/pg-bench-env.sh
server=$SEISMO_TEST_PG_URL
base=${server%/*}
for db in partitioned plain; do
  psql "$server" -qc "CREATE DATABASE $db"
  "$seismo" db migrate --url "$base/$db" > /dev/null
done
# The plain side: scores as one ordinary table again, which the sink writes into as it would a partition.
PGOPTIONS="--client-min-messages=warning" psql "$base/plain" -q <<'SQL'
DROP VIEW seismo.anomalies;
ALTER TABLE seismo.scores RENAME TO scores_partitioned;
CREATE TABLE seismo.scores (LIKE seismo.scores_partitioned INCLUDING ALL);
CREATE OR REPLACE FUNCTION seismo.score_partition_for(p_run bigint) RETURNS text LANGUAGE sql AS 'SELECT ''scores''::text';
SQL

python3 - "$work/data.csv" "$rows" <<'PY'
import math, random, sys
path, rows = sys.argv[1], int(sys.argv[2])
random.seed(3)
with open(path, "w") as f:
    f.write("t,a,b,c,d\n")
    for r in range(rows):
        f.write(f"{r},{math.sin(r / 50) + random.gauss(0, .1):.5f},{math.cos(r / 70) + random.gauss(0, .1):.5f},"
                f"{random.gauss(0, 1):.5f},{random.gauss(5, 2):.5f}\n")
PY
for db in partitioned plain; do
  printf 'source: { plugin: csv, path: %s, time_column: none }\ndetector: { plugin: rolling-zscore, window: 20 }\nsink: { plugin: postgres, url: "%s" }\n' \
    "$work/data.csv" "$base/$db" > "$work/$db.yaml"
done

echo "cores: $(nproc); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
results=$work/results.txt
for round in $(seq "$rounds"); do
  sides="partitioned plain"
  [ $((round % 2)) -eq 0 ] && sides="plain partitioned"
  for db in $sides; do
    rate=$("$seismo" detect "$work/$db.yaml" --out "$work/out-$db-$round" 2>&1 >/dev/null | sed -n 's/.*(\([0-9]*\) rows\/s).*/\1/p')
    rm -rf "$work/out-$db-$round"
    echo "$db $round $rate" | tee -a "$results"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$results" <<'PY'
import statistics, sys
rates = {}
for line in open(sys.argv[1]):
    side, _, rate = line.split()
    rates.setdefault(side, []).append(int(rate))
print("\n| scores table | rows/s (median) | range |\n|---|---|---|")
for side in ("partitioned", "plain"):
    r = rates[side]
    print(f"| {side} | {statistics.median(r):,.0f} | {min(r):,}–{max(r):,} |")
print(f"\npartitioned / plain: {statistics.median(rates['partitioned']) / statistics.median(rates['plain']):.2f}×")
PY
