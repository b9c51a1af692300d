#!/usr/bin/env bash
# Measures scale-out through the PostgreSQL job queue on this machine: one job per symbol of a
# long market table (rolling z-score, then a small LSTM forecaster) run by 1, 2 and 4
# `seismo worker` processes against one throwaway server, and the same symbols through
# `seismo detect --each` (one process, --jobs = cores) for comparison. Reports jobs/s (median of
# the rounds, sides interleaved), the scaling factor against 1 worker, the server's CPU time per
# job (from /proc), the most client connections seen, the cores and the load.
#
#   scripts/bench-jobs.sh [--symbols 1000] [--rows 500] [--lstm-symbols 1000] [--rounds 2]
#
# Every run ends with every job done (checked). Wall time counts from the first worker's start
# to the last one's exit: process start-up, connections, loading, training and writing the
# results in PostgreSQL. Run it when nothing else runs.
set -euo pipefail
cd "$(dirname "$0")/.."
symbols=1000 rows=500 lstm_symbols=1000 rounds=2
while [ $# -gt 0 ]; do
  case "$1" in
    --symbols) symbols=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --lstm-symbols) lstm_symbols=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "bench-jobs: unknown option $1 (see the header of this script)" >&2; exit 64 ;;
  esac
done
source scripts/pg-bench-env.sh
url=$SEISMO_TEST_PG_URL
q() { PGOPTIONS="--client-min-messages=warning" psql "$url" -qAtc "$1"; }
"$seismo" db migrate --url "$url" >&2

# Random walks, one per symbol, each with a few jumps: the table every job reads its symbol from.
python3 - "$work/prices.csv" "$symbols" "$rows" <<'PY'
import datetime, random, sys
path, symbols, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(7)
start = datetime.date(2015, 1, 1)
names = [f"S{k:04d}" for k in range(symbols)]
values = [100.0] * symbols
with open(path, "w") as f:
    f.write("date," + ",".join(names) + "\n")
    for r in range(rows):
        values = [v * (1 + random.gauss(0, 0.01) + (0.08 if random.random() < 0.002 else 0)) for v in values]
        f.write((start + datetime.timedelta(days=r)).isoformat() + "," + ",".join(f"{v:.4f}" for v in values) + "\n")
PY
"$seismo" ingest "$work/prices.csv" --url "$url" --schema market --table prices --create --long >&2

source_line="source: { plugin: postgres, url: \"$url\", schema: market, table: prices, layout: long }"
zscore="detector: { plugin: rolling-zscore, window: 20 }
threshold: { plugin: percentile, percentile: 99 }"
lstm="detector: { plugin: lstm-forecaster, window: 10, units: [8], epochs: 5, batch_size: 32, dropout: 0, threads: 1 }
threshold: { plugin: percentile, percentile: 99 }"
for kind in zscore lstm; do
  printf '%s\n%s\n' "$source_line" "${!kind}" > "$work/$kind.yaml"
  printf '%s\n%s\nsink: { plugin: postgres, url: "%s" }\n' "$source_line" "${!kind}" "$url" > "$work/$kind-each.yaml"
done

# CPU seconds the server has used: the postmaster, its live children and the exited ones (backends
# of finished connections), from /proc.
postmaster=$(head -1 "$SEISMO_TEST_PG_DIR/data/postmaster.pid")
server_cpu() {
  python3 - "$postmaster" <<'PY'
import os, sys
pid = sys.argv[1]
def fields(p):  # the fields after "(comm)": state, ppid, …, utime at [11], stime, cutime, cstime
    return open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
f = fields(pid)
ticks = sum(int(x) for x in f[11:15])
for p in filter(str.isdigit, os.listdir("/proc")):
    try:
        c = fields(p)
    except OSError:
        continue
    if c[1] == pid:
        ticks += int(c[11]) + int(c[12])
print(ticks / os.sysconf("SC_CLK_TCK"))
PY
}

# The most client connections seen while $1 (a pid) runs, sampled every 0.5 s (less the sampler's own).
sample_connections() {
  local most=0 n
  while kill -0 "$1" 2> /dev/null; do
    n=$(q "SELECT count(*) - 1 FROM pg_stat_activity WHERE backend_type = 'client backend'")
    [ "$n" -gt "$most" ] && most=$n
    sleep 0.5
  done
  echo "$most"
}

clear_results() { q "TRUNCATE seismo.jobs, seismo.scores, seismo.runs CASCADE"; }

# run KIND SIDE COUNT ROUND → prints "KIND SIDE COUNT SECONDS SERVER_CPU_SECONDS MOST_CONNECTIONS"
run() {
  local kind=$1 side=$2 count=$3 round=$4 limit=""
  clear_results
  [ "$count" -lt "$symbols" ] && limit=$(python3 -c "print(' '.join('--indicator S%04d' % k for k in range($count)))")
  if [ "$side" = each ]; then
    local cfg="$work/$kind-each.yaml"
    [ -n "$limit" ] && cfg="$work/$kind-each-$count.yaml" && {
      cat "$work/$kind-each.yaml" | sed "s/layout: long }/layout: long, symbols: [$(python3 -c "print(','.join('S%04d' % k for k in range($count)))")] }/" > "$cfg"; }
    local c0; c0=$(server_cpu)
    local t0=$(date +%s.%N)
    "$seismo" detect "$cfg" --each --out "$work/each-$kind-$round" --quiet --jobs "$(nproc)" &
    local most; most=$(sample_connections $!)
    wait $!
    local t1=$(date +%s.%N)
    local c1; c1=$(server_cpu)
    rm -rf "$work/each-$kind-$round"
    [ "$(q "SELECT count(*) FROM seismo.runs")" = "$count" ] || { echo "bench-jobs: detect --each stored the wrong number of runs" >&2; exit 1; }
  else
    # shellcheck disable=SC2086
    "$seismo" jobs enqueue "$work/$kind.yaml" --each $limit --url "$url" > /dev/null 2> "$work/enqueue.log"
    local c0; c0=$(server_cpu)
    local t0=$(date +%s.%N) pids=()
    for _ in $(seq "$side"); do
      "$seismo" worker --url "$url" --concurrency 1 --poll 0.2 --exit-when-done 2> "$work/worker.log" & pids+=($!)
    done
    local most; most=$(sample_connections "${pids[0]}")
    wait "${pids[@]}"
    local t1=$(date +%s.%N)
    local c1; c1=$(server_cpu)
    local done; done=$(q "SELECT count(*) FROM seismo.jobs WHERE status = 'done'")
    [ "$done" = "$count" ] || { echo "bench-jobs: only $done of $count jobs done" >&2; tail "$work/worker.log" >&2; exit 1; }
  fi
  echo "$kind $side $count $(python3 -c "print(f'{$t1 - $t0:.3f} {$c1 - $c0:.2f}')") $most"
}

echo "cores: $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
results=$work/results.txt
for round in $(seq "$rounds"); do
  sides="1 2 4 each"
  [ $((round % 2)) -eq 0 ] && sides="each 4 2 1"
  for side in $sides; do run zscore "$side" "$symbols" "$round" | tee -a "$results"; done
  for side in $sides; do run lstm "$side" "$lstm_symbols" "$round" | tee -a "$results"; done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$results" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    kind, side, count, seconds, cpu, connections = line.split()
    runs.setdefault((kind, side), []).append((int(count) / float(seconds), 1000 * float(cpu) / int(count), int(connections)))
print("\n| detector | path | jobs/s (median) | range | vs 1 worker | server CPU ms/job | connections (most) |")
print("|---|---|---|---|---|---|---|")
for kind in ("zscore", "lstm"):
    base = statistics.median(r[0] for r in runs[(kind, "1")])
    for side in ("1", "2", "4", "each"):
        rates = [r[0] for r in runs[(kind, side)]]
        m = statistics.median(rates)
        cpu = statistics.median(r[1] for r in runs[(kind, side)])
        most = max(r[2] for r in runs[(kind, side)])
        path = "detect --each" if side == "each" else f"{side} worker{'s' if side != '1' else ''}"
        print(f"| {kind} | {path} | {m:.1f} | {min(rates):.1f}–{max(rates):.1f} | {m / base:.2f}× | {cpu:.1f} | {most} |")
PY
