#!/usr/bin/env bash
# Times `seismo detect --each` storing a fan-out of like runs: INDICATORS indicators (default 20) of
# ROWS days each (default 6000), a rolling z-score of each, written by the postgres sink into a
# database of their own, migrated afresh each round. Prints the median wall time and how many
# times the runs' partition of seismo.scores was analyzed. AGAINST=path/to/seismo times an
# earlier build too, each round interleaved with this build's. ROUNDS (default 3) rounds.
# Prints the load before and after. Run it when nothing else runs.
#
#   scripts/bench-fanout-store.sh
#   AGAINST=/tmp/seismo-before INDICATORS=20 ROWS=6000 scripts/bench-fanout-store.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
columns=${INDICATORS:-20}
rows=${ROWS:-6000}
source scripts/pg-bench-env.sh
builds=("$seismo")
[ -z "${AGAINST:-}" ] || builds+=("$AGAINST")
python3 - "$columns" "$rows" "$work/wide.csv" <<'EOF'
import datetime, math, random, sys
columns, rows, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
random.seed(3)
prices = [100.0] * columns
with open(path, "w") as f:
    f.write("date," + ",".join(f"c{k}" for k in range(columns)) + "\n")
    for i in range(rows):
        prices = [p * math.exp(random.gauss(0, 0.01)) for p in prices]
        day = datetime.date(2000, 1, 1) + datetime.timedelta(days=i)
        f.write(f"{day}," + ",".join(f"{p:.4f}" for p in prices) + "\n")
EOF
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] }'; }
for r in $(seq "$rounds"); do
  for b in "${!builds[@]}"; do
    psql "$SEISMO_TEST_PG_URL" -qc "DROP DATABASE IF EXISTS fanout_$b" -qc "CREATE DATABASE fanout_$b" 2> /dev/null
    url="${SEISMO_TEST_PG_URL%/*}/fanout_$b"
    "${builds[$b]}" db migrate --url "$url" > /dev/null
    printf 'source: { plugin: csv, path: %s }\ndetector: { plugin: rolling-zscore, window: 30, transform: log_return }\nsink: { plugin: postgres, url: "%s" }\n' \
      "$work/wide.csv" "$url" > "$work/run$b.yaml"
    start=$(date +%s.%N)
    "${builds[$b]}" detect "$work/run$b.yaml" --each --out "$work/out$b.$r" --quiet > /dev/null
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    echo "$wall" >> "$work/wall.$b"
    echo "round $r, ${builds[$b]}: $wall s" >&2
    psql "$url" -Atqc "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = 'scores_from_0'" >> "$work/analyzed.$b"
  done
done
for b in "${!builds[@]}"; do
  echo "${builds[$b]}: $columns runs of $rows rows stored in $(median < "$work/wall.$b") s, the partition analyzed $(median < "$work/analyzed.$b") times (medians of $rounds)"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
